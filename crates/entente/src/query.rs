//! The query commands as the CLI prints them (`asof`, `dyad`, `spheres`,
//! `network`, `conflicts`, `search`) in three formats, and the research
//! exports (`csv`, `dyad-year`, `gexf`, `timeline`). The JSON shapes are
//! documented in `docs/query-json.md`.

use anyhow::Context;
use entente_extract::facts::PolityRef;
use entente_extract::resolve::KnowledgeBase;
use entente_query::polities::resolve;
use entente_query::search::{Passage, PassageFact};
use entente_query::time::{parse_day, Day};
use entente_query::Base;
use entente_store::Store;
use serde::Serialize;
use std::collections::HashMap;
use std::io::Write;
use std::path::Path;

/// How a query command prints its answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Aligned columns for a terminal.
    Table,
    /// One JSON document (see `docs/query-json.md`).
    Json,
    /// Comma-separated values with a header row.
    Csv,
}

/// The research exports this module writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportKind {
    /// One CSV file per table, into a folder.
    Csv,
    /// COW/ATOP-style directed dyad-years.
    DyadYear,
    /// GEXF 1.3, dynamic.
    Gexf,
    /// TimelineJS3 JSON for a dyad or an agreement.
    Timeline,
}

/// Parses a query date for clap, so a bad one exits with status 2 and
/// clap's usage message.
pub fn parse_date(s: &str) -> Result<Day, String> {
    parse_day(s).map_err(|e| e.to_string())
}

/// The merged knowledge base of every current document in the store.
pub fn load_kb(store: &Store) -> anyhow::Result<KnowledgeBase> {
    crate::kb::knowledge_base(store)
}

/// A table of strings, printed aligned or as CSV.
struct Table {
    title: Option<&'static str>,
    header: Vec<&'static str>,
    rows: Vec<Vec<String>>,
}

impl Table {
    fn new(title: Option<&'static str>, header: &[&'static str]) -> Table {
        Table {
            title,
            header: header.to_vec(),
            rows: Vec::new(),
        }
    }

    fn write(&self, format: Format, out: &mut dyn Write) -> anyhow::Result<()> {
        match format {
            Format::Csv => {
                let mut w = csv::Writer::from_writer(&mut *out);
                w.write_record(&self.header)?;
                for r in &self.rows {
                    w.write_record(r)?;
                }
                w.flush()?;
            }
            Format::Table | Format::Json => {
                if let Some(t) = self.title {
                    writeln!(out, "{t}")?;
                }
                let mut widths: Vec<usize> =
                    self.header.iter().map(|h| h.chars().count()).collect();
                for r in &self.rows {
                    for (w, c) in widths.iter_mut().zip(r) {
                        *w = (*w).max(c.chars().count());
                    }
                }
                let line = |cells: Vec<&str>, out: &mut dyn Write| -> std::io::Result<()> {
                    let mut s = String::new();
                    for (i, (c, w)) in cells.iter().zip(&widths).enumerate() {
                        if i > 0 {
                            s.push_str("  ");
                        }
                        s.push_str(c);
                        // The last column is not padded: no trailing blanks.
                        if i + 1 < cells.len() {
                            s.extend(std::iter::repeat_n(
                                ' ',
                                w.saturating_sub(c.chars().count()),
                            ));
                        }
                    }
                    writeln!(out, "{s}")
                };
                line(self.header.clone(), out)?;
                for r in &self.rows {
                    line(r.iter().map(String::as_str).collect(), out)?;
                }
            }
        }
        Ok(())
    }
}

fn json(out: &mut dyn Write, v: &impl Serialize) -> anyhow::Result<()> {
    serde_json::to_writer_pretty(&mut *out, v).context("writing JSON")?;
    writeln!(out)?;
    Ok(())
}

fn names(ps: &[PolityRef]) -> String {
    ps.iter()
        .map(|p| p.name.as_str())
        .collect::<Vec<_>>()
        .join("–")
}

fn cow(p: &PolityRef) -> String {
    p.cow.map(|c| c.to_string()).unwrap_or_default()
}

fn opt(s: &Option<String>) -> String {
    s.clone().unwrap_or_default()
}

/// `entente asof DATE [--public]`. CSV and table print three tables one
/// after another (agreements, spheres, alignments), each with its header,
/// separated by a blank line.
pub fn print_asof(
    store: &Store,
    day: Day,
    public_only: bool,
    format: Format,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    let kb = load_kb(store)?;
    let base = Base::new(&kb);
    let s = base.asof(day, public_only);
    if format == Format::Json {
        return json(out, &s);
    }
    let mut ag = Table::new(
        Some("Agreements"),
        &[
            "id",
            "name",
            "kind",
            "signed",
            "ended",
            "in_force",
            "public",
            "parties",
            "provisions",
        ],
    );
    for a in &s.agreements {
        let mut provs: Vec<String> = a
            .provisions
            .iter()
            .map(|p| format!("{}{}", p.kind, if p.secret { "*" } else { "" }))
            .collect();
        provs.sort();
        provs.dedup();
        ag.rows.push(vec![
            a.id.clone(),
            a.name.clone(),
            a.kind.clone(),
            opt(&a.signed),
            opt(&a.ended),
            a.in_force.to_string(),
            a.public.to_string(),
            names(&a.parties),
            provs.join(" "),
        ]);
    }
    let sp = spheres_table(&s.spheres);
    let mut al = Table::new(
        Some("Alignments"),
        &["a", "b", "kinds", "agreements", "in_force"],
    );
    for a in &s.alignments {
        al.rows.push(vec![
            a.pair[0].name.clone(),
            a.pair[1].name.clone(),
            a.kinds.join(" "),
            a.agreements.join(" "),
            a.in_force.to_string(),
        ]);
    }
    if format == Format::Table {
        writeln!(
            out,
            "As of {}{}",
            s.date,
            if public_only {
                ", public knowledge only"
            } else {
                ""
            }
        )?;
        writeln!(out)?;
    }
    ag.write(format, out)?;
    writeln!(out)?;
    sp.write(format, out)?;
    writeln!(out)?;
    al.write(format, out)
}

fn spheres_table(spheres: &[entente_query::state::Sphere]) -> Table {
    let mut t = Table::new(
        Some("Spheres"),
        &[
            "region",
            "polity",
            "cow",
            "recognised_by",
            "status",
            "public",
            "agreement",
        ],
    );
    for s in spheres {
        t.rows.push(vec![
            s.region.clone(),
            s.polity.name.clone(),
            cow(&s.polity),
            names(&s.recognised_by),
            s.status.to_string(),
            s.public.to_string(),
            format!("{} {}", s.agreement, s.agreement_name),
        ]);
    }
    t
}

/// `entente spheres --at DATE`.
pub fn print_spheres(
    store: &Store,
    day: Day,
    public_only: bool,
    format: Format,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    let kb = load_kb(store)?;
    let spheres = Base::new(&kb).spheres(day, public_only);
    match format {
        Format::Json => json(out, &spheres),
        _ => spheres_table(&spheres).write(format, out),
    }
}

/// `entente network --at DATE`. CSV and table print the edges.
pub fn print_network(
    store: &Store,
    day: Day,
    format: Format,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    let kb = load_kb(store)?;
    let n = Base::new(&kb).network(day);
    if format == Format::Json {
        return json(out, &n);
    }
    let label: HashMap<&str, &str> = n
        .nodes
        .iter()
        .map(|x| (x.id.as_str(), x.name.as_str()))
        .collect();
    let mut t = Table::new(
        None,
        &["source", "target", "kind", "agreement", "name", "in_force"],
    );
    for e in &n.edges {
        t.rows.push(vec![
            label
                .get(e.source.as_str())
                .unwrap_or(&e.source.as_str())
                .to_string(),
            label
                .get(e.target.as_str())
                .unwrap_or(&e.target.as_str())
                .to_string(),
            e.kind.clone(),
            e.agreement.clone(),
            e.name.clone(),
            e.in_force.to_string(),
        ]);
    }
    t.write(format, out)
}

/// `entente conflicts`: one row per value and source.
pub fn print_conflicts(store: &Store, format: Format, out: &mut dyn Write) -> anyhow::Result<()> {
    let kb = load_kb(store)?;
    let cs = Base::new(&kb).conflicts();
    if format == Format::Json {
        return json(out, &cs);
    }
    let mut t = Table::new(
        None,
        &[
            "agreement",
            "name",
            "attribute",
            "consensus",
            "value",
            "source",
            "quote",
        ],
    );
    for c in &cs {
        for v in &c.values {
            for s in &v.sources {
                t.rows.push(vec![
                    c.agreement.clone(),
                    c.agreement_name.clone(),
                    c.attribute.clone(),
                    opt(&c.consensus),
                    v.value.clone(),
                    s.path.to_string(),
                    excerpt(&s.quote, 90),
                ]);
            }
        }
    }
    t.write(format, out)
}

fn excerpt(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let mut o: String = s.chars().take(max.saturating_sub(1)).collect();
    o.push('…');
    o
}

fn polity_arg(kb: &KnowledgeBase, s: &str) -> anyhow::Result<PolityRef> {
    resolve(kb, s).with_context(|| {
        format!("unknown polity {s:?} (give a name, an adjective, an ISO3 or a COW code)")
    })
}

/// `entente dyad A B`.
pub fn print_dyad(
    store: &Store,
    a: &str,
    b: &str,
    format: Format,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    let kb = load_kb(store)?;
    let (pa, pb) = (polity_arg(&kb, a)?, polity_arg(&kb, b)?);
    let d = Base::new(&kb).dyad(&pa, &pb);
    if format == Format::Json {
        return json(out, &d);
    }
    if format == Format::Table {
        writeln!(
            out,
            "{} – {}: {} entries",
            d.a.name,
            d.b.name,
            d.entries.len()
        )?;
    }
    let mut t = Table::new(
        None,
        &["date", "category", "kind", "title", "source", "quote"],
    );
    for e in &d.entries {
        let c = e.citations.first();
        t.rows.push(vec![
            opt(&e.date),
            e.category.clone(),
            e.kind.clone(),
            e.title.clone(),
            c.map(|c| c.path.to_string()).unwrap_or_default(),
            c.map(|c| excerpt(&c.quote, 80)).unwrap_or_default(),
        ]);
    }
    t.write(format, out)?;
    if format == Format::Table && !d.persons.is_empty() {
        writeln!(out, "\nPersons")?;
        for p in &d.persons {
            writeln!(out, "  {}  {}  {}", p.id, p.name, p.offices.join(", "))?;
        }
    }
    Ok(())
}

/// `entente search TEXT`: passages (blocks) matching an FTS5 query, each
/// with the claims whose sentence lies in it.
pub fn print_search(
    store: &Store,
    query: &str,
    limit: usize,
    format: Format,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    let hits = store
        .search(query, limit)
        .with_context(|| format!("searching for {query:?}"))?;
    let passages: Vec<Passage> = entente_query::search::passages(
        hits.iter().map(|h| entente_query::search::Hit {
            doc: &h.doc,
            block: h.block,
            span: [h.span.start, h.span.end],
            rank: h.rank,
        }),
        |doc| -> anyhow::Result<_> {
            let (path, text) = store
                .document(doc)
                .with_context(|| format!("reading document {doc}"))?
                .map(|d| (d.info.path, d.doc.text))
                .unwrap_or_default();
            let claims = store
                .claims(doc)
                .with_context(|| format!("reading claims of {doc}"))?;
            Ok(entente_query::search::PassageSource { path, text, claims })
        },
    )?;
    match format {
        Format::Json => json(out, &passages),
        Format::Table => {
            for p in &passages {
                writeln!(
                    out,
                    "{}  {} [{}..{}]",
                    p.path,
                    &p.doc.get(..12).unwrap_or(&p.doc),
                    p.span[0],
                    p.span[1]
                )?;
                writeln!(out, "  {}", excerpt(&p.text, 200))?;
                for f in &p.facts {
                    writeln!(
                        out,
                        "    {:<11} {}{}",
                        f.predicate,
                        f.value,
                        f.valid_time
                            .as_deref()
                            .map(|t| format!("  @{t}"))
                            .unwrap_or_default()
                    )?;
                }
            }
            Ok(())
        }
        Format::Csv => {
            let mut t = Table::new(
                None,
                &[
                    "doc",
                    "path",
                    "start",
                    "end",
                    "predicate",
                    "value",
                    "valid_time",
                    "passage",
                ],
            );
            for p in &passages {
                let none = [None];
                let facts: Vec<Option<&PassageFact>> = if p.facts.is_empty() {
                    none.to_vec()
                } else {
                    p.facts.iter().map(Some).collect()
                };
                for f in facts {
                    t.rows.push(vec![
                        p.doc.clone(),
                        p.path.clone(),
                        p.span[0].to_string(),
                        p.span[1].to_string(),
                        f.map(|f| f.predicate.clone()).unwrap_or_default(),
                        f.map(|f| f.value.to_string()).unwrap_or_default(),
                        f.and_then(|f| f.valid_time.clone()).unwrap_or_default(),
                        p.text.clone(),
                    ]);
                }
            }
            t.write(format, out)
        }
    }
}

/// `entente export --format csv|dyad-year|gexf|timeline`. `csv` writes a
/// folder (`output`, required); the others write `output` or `out`.
/// `timeline` needs `dyad` ("A,B") or `agreement` (a name or id).
pub fn export(
    store: &Store,
    kind: ExportKind,
    output: Option<&Path>,
    dyad: Option<&str>,
    agreement: Option<&str>,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    let kb = load_kb(store)?;
    let base = Base::new(&kb);
    if kind == ExportKind::Csv {
        let dir = output.context("--format csv writes a folder: give it with -o DIR")?;
        entente_query::export::write_csv_tables(&base, dir)?;
        return Ok(());
    }
    let mut file;
    let w: &mut dyn Write = match output {
        Some(p) => {
            file = std::io::BufWriter::new(
                std::fs::File::create(p).with_context(|| format!("creating {}", p.display()))?,
            );
            &mut file
        }
        None => out,
    };
    match kind {
        ExportKind::Csv => {}
        ExportKind::DyadYear => entente_query::export::write_dyad_years(&base, w)?,
        ExportKind::Gexf => entente_query::export::write_gexf(&base, w)?,
        ExportKind::Timeline => {
            let v = match (dyad, agreement) {
                (Some(d), _) => {
                    let (a, b) = d
                        .split_once(',')
                        .context("--dyad wants two polities separated by a comma: A,B")?;
                    let (pa, pb) = (polity_arg(&kb, a)?, polity_arg(&kb, b)?);
                    entente_query::export::timeline_dyad(&base, &pa, &pb)
                }
                (None, Some(q)) => entente_query::export::timeline_agreement(&base, q)?,
                (None, None) => {
                    anyhow::bail!("--format timeline needs --dyad A,B or --agreement NAME")
                }
            };
            json(w, &v)?;
        }
    }
    w.flush().context("writing the export")?;
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn table() -> Table {
        let mut t = Table::new(Some("Things"), &["id", "name", "note"]);
        t.rows
            .push(vec!["A1".into(), "Pact of Évora".into(), "x".into()]);
        t.rows
            .push(vec!["A10".into(), "Accord".into(), "a, b".into()]);
        t
    }

    #[test]
    fn tables_align_by_characters() {
        let mut out = Vec::new();
        table().write(Format::Table, &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "Things");
        // Padded by characters, not bytes ("É" is two bytes).
        assert_eq!(lines[1], "id   name           note");
        assert_eq!(lines[2], "A1   Pact of Évora  x");
        assert_eq!(lines[3], "A10  Accord         a, b");
        assert!(lines.iter().all(|l| !l.ends_with(' ')));
    }

    #[test]
    fn csv_quotes_and_has_a_header() {
        let mut out = Vec::new();
        table().write(Format::Csv, &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert_eq!(
            text,
            "id,name,note\nA1,Pact of Évora,x\nA10,Accord,\"a, b\"\n"
        );
    }

    #[test]
    fn query_dates_are_days() {
        assert!(parse_date("1912-08-01").is_ok());
        let e = parse_date("1912").unwrap_err();
        assert!(e.contains("YYYY-MM-DD"), "{e}");
    }
}
