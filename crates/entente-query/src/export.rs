//! Research exports: CSV tables, COW/ATOP-style directed dyad-years, GEXF
//! 1.3 (dynamic) for Gephi, and TimelineJS3 JSON.

use crate::base::{polity_key, Base};
use crate::dyad::{agreement_entries, Entry};
use crate::kinds::{agreement_kinds, provision_kinds};
use crate::state::pairs;
use crate::time::{civil, day_number, year_of, Day, DayRange, Tri, Validity};
use crate::{QueryError, Result};
use entente_extract::facts::PolityRef;
use entente_extract::resolve::Agreement;
use entente_recognise::edtf::{Edtf, EdtfDate, Endpoint};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

fn names(ps: &[PolityRef]) -> String {
    ps.iter()
        .map(|p| p.name.as_str())
        .collect::<Vec<_>>()
        .join(";")
}

fn cows(ps: &[PolityRef]) -> String {
    ps.iter()
        .map(|p| p.cow.map(|c| c.to_string()).unwrap_or_default())
        .collect::<Vec<_>>()
        .join(";")
}

fn text_of(v: Option<&Value>) -> String {
    match v {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    }
}

struct Table {
    path: PathBuf,
    w: csv::Writer<std::fs::File>,
}

impl Table {
    fn create(dir: &Path, name: &str, header: &[&str]) -> Result<Table> {
        let path = dir.join(name);
        let w = csv::Writer::from_path(&path).map_err(|source| QueryError::Csv {
            path: path.clone(),
            source,
        })?;
        let mut t = Table { path, w };
        t.row(header.iter().map(|s| s.to_string()))?;
        Ok(t)
    }

    fn row(&mut self, cells: impl IntoIterator<Item = String>) -> Result<()> {
        let path = &self.path;
        self.w
            .write_record(cells.into_iter().collect::<Vec<_>>())
            .map_err(|source| QueryError::Csv {
                path: path.clone(),
                source,
            })
    }

    fn finish(mut self) -> Result<()> {
        let path = self.path;
        self.w
            .flush()
            .map_err(|source| QueryError::Io { path, source })
    }
}

/// Writes `agreements.csv`, `parties.csv`, `provisions.csv`, `events.csv`
/// and `indicators.csv` into `dir` (created if missing). Lists inside a
/// cell are `;`-separated; every row that comes from a source carries the
/// source's path and quote.
pub fn write_csv_tables(base: &Base<'_>, dir: &Path) -> Result<()> {
    std::fs::create_dir_all(dir).map_err(|source| QueryError::Io {
        path: dir.to_path_buf(),
        source,
    })?;
    let kb = base.kb;
    let mut ag = Table::create(
        dir,
        "agreements.csv",
        &[
            "id",
            "name",
            "kind",
            "signed",
            "effective",
            "ended",
            "place",
            "secret_provisions",
            "disclosed",
            "parties",
            "cow_codes",
            "aliases",
            "sources",
        ],
    )?;
    let mut pa = Table::create(dir, "parties.csv", &["agreement", "name", "cow"])?;
    let mut pr = Table::create(
        dir,
        "provisions.csv",
        &[
            "agreement",
            "kind",
            "secret",
            "regions",
            "beneficiary",
            "beneficiary_cow",
            "sources",
            "path",
            "quote",
        ],
    )?;
    for (a, p) in kb.agreements.iter().zip(&base.prepared) {
        let disclosed = a
            .facts
            .iter()
            .filter(|f| f.predicate == "disclosed")
            .filter_map(|f| f.value.get("date").and_then(Value::as_str))
            .next()
            .unwrap_or("");
        let mut docs: Vec<&str> = a.facts.iter().map(|f| &*f.cited.path).collect();
        docs.sort_unstable();
        docs.dedup();
        ag.row([
            a.id.clone(),
            a.name.clone(),
            p.kind.to_string(),
            a.signed.clone().unwrap_or_default(),
            p.effective.clone().unwrap_or_default(),
            a.ended.clone().unwrap_or_default(),
            a.place.clone().unwrap_or_default(),
            a.secret_provisions.to_string(),
            disclosed.to_string(),
            names(&a.parties),
            cows(&a.parties),
            a.aliases.join(";"),
            docs.join(";"),
        ])?;
        for party in &a.parties {
            pa.row([
                a.id.clone(),
                party.name.clone(),
                party.cow.map(|c| c.to_string()).unwrap_or_default(),
            ])?;
        }
        for v in &p.provisions {
            let first = v.citations.first();
            pr.row([
                a.id.clone(),
                v.kind.clone(),
                v.secret.to_string(),
                v.regions.join(";"),
                v.beneficiary
                    .as_ref()
                    .map(|b| b.name.clone())
                    .unwrap_or_default(),
                v.beneficiary
                    .as_ref()
                    .and_then(|b| b.cow)
                    .map(|c| c.to_string())
                    .unwrap_or_default(),
                v.citations.len().to_string(),
                first.map(|c| c.path.to_string()).unwrap_or_default(),
                first.map(|c| c.quote.to_string()).unwrap_or_default(),
            ])?;
        }
    }
    let mut ev = Table::create(
        dir,
        "events.csv",
        &[
            "kind",
            "date",
            "parties",
            "cow_codes",
            "place",
            "path",
            "quote",
        ],
    )?;
    for e in &kb.events {
        let ps = crate::dyad::item_parties(&e.value);
        ev.row([
            text_of(e.value.get("kind")),
            e.valid_time.clone().unwrap_or_default(),
            names(&ps),
            cows(&ps),
            text_of(e.value.get("place")),
            e.cited.path.to_string(),
            e.cited.quote.to_string(),
        ])?;
    }
    let mut ind = Table::create(
        dir,
        "indicators.csv",
        &[
            "name",
            "value",
            "unit",
            "year",
            "parties",
            "cow_codes",
            "path",
            "quote",
        ],
    )?;
    for i in &kb.indicators {
        let ps = crate::dyad::item_parties(&i.value);
        ind.row([
            text_of(i.value.get("name")),
            text_of(i.value.get("value")),
            text_of(i.value.get("unit")),
            text_of(i.value.get("year")),
            names(&ps),
            cows(&ps),
            i.cited.path.to_string(),
            i.cited.quote.to_string(),
        ])?;
    }
    for t in [ag, pa, pr, ev, ind] {
        t.finish()?;
    }
    Ok(())
}

/// Whether an agreement is in force at some day of `year`: `Yes` when its
/// certain interval meets the year, `Possibly` when only its possible one
/// does.
pub fn in_force_in_year(v: &Validity, year: i32) -> Tri {
    let (Some(first), Some(next)) = (year_start(year), year_start(year + 1)) else {
        return Tri::Possibly;
    };
    let meets = |(from, until): (Day, Day)| from < next && until > first && from < until;
    if meets(v.certain()) {
        Tri::Yes
    } else if meets(v.hull()) {
        Tri::Possibly
    } else {
        Tri::No
    }
}

fn year_start(year: i32) -> Option<Day> {
    let y = i16::try_from(year).ok()?;
    jiff::civil::Date::new(y, 1, 1).ok().map(day_number)
}

fn edtf_years(s: &str) -> Vec<i32> {
    DayRange::of_edtf(s)
        .map(|r| {
            [r.earliest, r.latest]
                .into_iter()
                .filter(|d| *d != Day::MIN && *d != Day::MAX)
                .filter_map(year_of)
                .collect()
        })
        .unwrap_or_default()
}

/// Per pair of COW codes: the years of its dated facts, and its agreements.
#[derive(Default)]
struct PairData {
    years: Vec<i32>,
    agreements: Vec<usize>,
}

/// Writes the directed dyad-year table, COW/ATOP style: `ccode1`,
/// `ccode2`, `year`, then `agr_<kind>` for each agreement kind and
/// `prov_<kind>` for each provision kind.
///
/// Rows: every ordered pair of polities with COW codes that share an
/// agreement, event or indicator, both directions, for every year from the
/// earliest to the latest year the base dates anything. A pair's
/// **coverage** runs from the first to the last year the base has any dated
/// fact for that pair (an agreement's signing, start or end, an event, an
/// indicator); outside it every column is `NA`. Inside it a column is `1`
/// when an agreement of that kind (or with that provision) between the pair
/// is certainly in force at some day of the year, `NA` when it only
/// possibly is (uncertain dates), `0` otherwise.
pub fn write_dyad_years(base: &Base<'_>, out: &mut dyn Write) -> Result<()> {
    let kb = base.kb;
    let mut by_pair: BTreeMap<(u16, u16), PairData> = BTreeMap::new();
    let cow_pairs = |ps: &[PolityRef]| -> Vec<(u16, u16)> {
        pairs(ps)
            .into_iter()
            .filter_map(|(a, b)| {
                let (x, y) = (a.cow?, b.cow?);
                Some((x.min(y), x.max(y)))
            })
            .collect()
    };
    for (i, (a, p)) in kb.agreements.iter().zip(&base.prepared).enumerate() {
        let mut years = Vec::new();
        for s in [&a.signed, &a.ended, &p.effective].into_iter().flatten() {
            years.extend(edtf_years(s));
        }
        for k in cow_pairs(&a.parties) {
            let d = by_pair.entry(k).or_default();
            d.years.extend(&years);
            // Undated agreements cannot be placed in any year (as in as-of).
            if !p.is_undated() {
                d.agreements.push(i);
            }
        }
    }
    for it in kb.events.iter().chain(&kb.indicators) {
        let date = it.valid_time.clone().or_else(|| {
            it.value
                .get("year")
                .map(|y| text_of(Some(y)))
                .filter(|s| !s.is_empty())
        });
        let years = date.as_deref().map(edtf_years).unwrap_or_default();
        for k in cow_pairs(&crate::dyad::item_parties(&it.value)) {
            by_pair.entry(k).or_default().years.extend(&years);
        }
    }
    let all_years = by_pair.values().flat_map(|d| d.years.iter().copied());
    let (lo, hi) = all_years.fold((i32::MAX, i32::MIN), |(l, h), y| (l.min(y), h.max(y)));
    let io = |source| QueryError::Io {
        path: PathBuf::from("<dyad-year>"),
        source,
    };
    let ak = agreement_kinds();
    let pk = provision_kinds();
    let mut header = vec!["ccode1".to_string(), "ccode2".into(), "year".into()];
    header.extend(ak.iter().map(|k| format!("agr_{k}")));
    header.extend(pk.iter().map(|k| format!("prov_{k}")));
    writeln!(out, "{}", header.join(",")).map_err(io)?;
    if lo > hi {
        return Ok(());
    }
    let cell = |t: Tri| match t {
        Tri::Yes => "1",
        Tri::Possibly => "NA",
        Tri::No => "0",
    };
    let mut rows: Vec<(u16, u16, i32, String)> = Vec::new();
    for ((x, y), d) in &by_pair {
        let cover = d
            .years
            .iter()
            .copied()
            .fold((i32::MAX, i32::MIN), |(l, h), v| (l.min(v), h.max(v)));
        for year in lo..=hi {
            let cells: Vec<&str> = if year < cover.0 || year > cover.1 {
                vec!["NA"; ak.len() + pk.len()]
            } else {
                let status: Vec<(usize, Tri)> = d
                    .agreements
                    .iter()
                    .filter_map(|&i| {
                        Some((i, in_force_in_year(&base.prepared.get(i)?.validity, year)))
                    })
                    .collect();
                let best = |pred: &dyn Fn(usize) -> bool| {
                    status
                        .iter()
                        .filter(|(i, _)| pred(*i))
                        .map(|(_, t)| *t)
                        .max()
                        .unwrap_or(Tri::No)
                };
                let mut c: Vec<&str> = ak
                    .iter()
                    .map(|k| cell(best(&|i| base.prepared.get(i).is_some_and(|p| p.kind == k))))
                    .collect();
                c.extend(
                    pk.iter()
                        .map(|k| cell(best(&|i| base.provisions(i).iter().any(|p| &p.kind == k)))),
                );
                c
            };
            let cells = cells.join(",");
            rows.push((*x, *y, year, cells.clone()));
            rows.push((*y, *x, year, cells));
        }
    }
    rows.sort_by_key(|r| (r.0, r.1, r.2));
    for (a, b, year, cells) in rows {
        writeln!(out, "{a},{b},{year},{cells}").map_err(io)?;
    }
    Ok(())
}

/// Escapes text for an XML attribute or element.
fn xml(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&apos;"),
            // Characters XML 1.0 forbids are dropped rather than written.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => {}
            c => o.push(c),
        }
    }
    o
}

/// Writes the agreement network as GEXF 1.3, `mode="dynamic"`,
/// `timeformat="date"`: polities are nodes (id `cow:740` or `name:…`,
/// attribute `cow`), each agreement is one undirected edge per pair of its
/// parties (id `A3-0`, `A3-1`, …) with `start` the day it is certainly in
/// force from and `end` the day it certainly ends (omitted when unknown or
/// open; agreements no source dates are left out), and attributes `agreement`, `kind`, `signed` and `ended` (EDTF as
/// the sources give them, uncertainty included).
pub fn write_gexf(base: &Base<'_>, out: &mut dyn Write) -> Result<()> {
    let kb = base.kb;
    let mut s = String::new();
    s.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    s.push_str(
        "<gexf xmlns=\"http://gexf.net/1.3\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" \
         xsi:schemaLocation=\"http://gexf.net/1.3 http://gexf.net/1.3/gexf.xsd\" version=\"1.3\">\n",
    );
    s.push_str("  <meta>\n    <creator>Entente</creator>\n    <description>Agreements between polities, from a cited knowledge base</description>\n  </meta>\n");
    s.push_str("  <graph mode=\"dynamic\" defaultedgetype=\"undirected\" timeformat=\"date\">\n");
    s.push_str("    <attributes class=\"node\" mode=\"static\">\n      <attribute id=\"cow\" title=\"cow\" type=\"integer\"/>\n    </attributes>\n");
    s.push_str("    <attributes class=\"edge\" mode=\"static\">\n");
    for a in ["agreement", "kind", "signed", "ended"] {
        s.push_str(&format!(
            "      <attribute id=\"{a}\" title=\"{a}\" type=\"string\"/>\n"
        ));
    }
    s.push_str("    </attributes>\n    <nodes>\n");
    let mut nodes: BTreeMap<String, &PolityRef> = BTreeMap::new();
    for a in &kb.agreements {
        for p in &a.parties {
            nodes.entry(polity_key(p)).or_insert(p);
        }
    }
    for (id, p) in &nodes {
        s.push_str(&format!(
            "      <node id=\"{}\" label=\"{}\"",
            xml(id),
            xml(&p.name)
        ));
        match p.cow {
            Some(c) => s.push_str(&format!(
                ">\n        <attvalues>\n          <attvalue for=\"cow\" value=\"{c}\"/>\n        </attvalues>\n      </node>\n"
            )),
            None => s.push_str("/>\n"),
        }
    }
    s.push_str("    </nodes>\n    <edges>\n");
    for (a, p) in kb.agreements.iter().zip(&base.prepared) {
        // A dynamic edge without start and end exists at every time: an
        // agreement no source dates would show as always in force.
        if p.is_undated() {
            continue;
        }
        let (from, until) = p.validity.certain();
        let (hfrom, huntil) = p.validity.hull();
        // Before the certain start the edge may not exist yet; Gephi shows
        // an edge only inside [start, end], so the certain interval never
        // shows a false "in force". An agreement never certainly in force
        // falls back to its possible interval.
        let (start, end) = if from < until {
            (from, until)
        } else {
            (hfrom, huntil)
        };
        let date = |d: Day| {
            (d != Day::MIN && d != Day::MAX)
                .then(|| civil(d))
                .flatten()
                .map(|c| c.to_string())
        };
        for (n, (x, y)) in pairs(&a.parties).into_iter().enumerate() {
            s.push_str(&format!(
                "      <edge id=\"{}-{n}\" source=\"{}\" target=\"{}\" label=\"{}\"",
                xml(&a.id),
                xml(&polity_key(&x)),
                xml(&polity_key(&y)),
                xml(&a.name)
            ));
            if let Some(d) = date(start) {
                s.push_str(&format!(" start=\"{d}\""));
            }
            // GEXF 1.3 intervals are inclusive: the last day in force is
            // the day before the end.
            if let Some(d) = date(end).and(date(end.saturating_sub(1))) {
                s.push_str(&format!(" end=\"{d}\""));
            }
            s.push_str(">\n        <attvalues>\n");
            for (k, v) in [
                ("agreement", a.id.as_str()),
                ("kind", p.kind),
                ("signed", a.signed.as_deref().unwrap_or("")),
                ("ended", a.ended.as_deref().unwrap_or("")),
            ] {
                s.push_str(&format!(
                    "          <attvalue for=\"{k}\" value=\"{}\"/>\n",
                    xml(v)
                ));
            }
            s.push_str("        </attvalues>\n      </edge>\n");
        }
    }
    s.push_str("    </edges>\n  </graph>\n</gexf>\n");
    out.write_all(s.as_bytes())
        .map_err(|source| QueryError::Io {
            path: PathBuf::from("<gexf>"),
            source,
        })
}

/// A TimelineJS3 date object for one EDTF date: year, and month and day
/// where the date has them.
fn tl_date(d: &EdtfDate) -> Value {
    let mut o = json!({"year": d.year});
    if let Some(Some(m)) = d.month {
        o["month"] = json!(m);
        if let Some(Some(day)) = d.day {
            o["day"] = json!(day);
        }
    }
    o["display_date"] = json!(d.to_string());
    o
}

fn html(s: &str) -> String {
    xml(s)
}

fn tl_event(e: &Entry) -> Option<Value> {
    let edtf = Edtf::parse(e.date.as_deref()?).ok()?;
    let (start, end) = match edtf {
        Edtf::Date(d) => (d, None),
        Edtf::Interval(Endpoint::Date(a), Endpoint::Date(b)) => (a, Some(b)),
        Edtf::Interval(Endpoint::Date(a), _) => (a, None),
        Edtf::Interval(_, Endpoint::Date(b)) => (b, None),
        Edtf::Interval(..) => return None,
    };
    let cites: String = e
        .citations
        .iter()
        .map(|c| format!("<p>“{}” <i>{}</i></p>", html(&c.quote), html(&c.path)))
        .collect();
    let mut ev = json!({
        "start_date": tl_date(&start),
        "text": {"headline": html(&e.title), "text": cites},
        "group": e.category,
    });
    if let Some(b) = end {
        ev["end_date"] = tl_date(&b);
    }
    Some(ev)
}

fn timeline(title: &str, text: &str, entries: &[Entry]) -> Value {
    json!({
        "title": {"text": {"headline": html(title), "text": html(text)}},
        "events": entries.iter().filter_map(tl_event).collect::<Vec<_>>(),
    })
}

/// TimelineJS3 JSON for the dossier of a pair (undated entries are left
/// out: a timeline needs a year).
pub fn timeline_dyad(base: &Base<'_>, a: &PolityRef, b: &PolityRef) -> Value {
    let d = base.dyad(a, b);
    timeline(
        &format!("{} – {}", a.name, b.name),
        "Agreements, relations events and indicators, each with its source.",
        &d.entries,
    )
}

/// TimelineJS3 JSON for one agreement (by id or name).
pub fn timeline_agreement(base: &Base<'_>, query: &str) -> Result<Value> {
    let a: &Agreement = base.kb.find(query).ok_or_else(|| QueryError::NoAgreement {
        query: query.to_string(),
    })?;
    let kind = base
        .kb
        .agreements
        .iter()
        .position(|x| x.id == a.id)
        .and_then(|i| base.prepared.get(i))
        .map_or("other", |p| p.kind);
    let entries = agreement_entries(a, kind);
    Ok(timeline(
        &a.name,
        &names(&a.parties).replace(';', " – "),
        &entries,
    ))
}
