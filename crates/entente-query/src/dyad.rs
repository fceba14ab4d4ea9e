//! A dossier for a pair of polities: one chronological timeline of their
//! agreements, relations events and indicators, each entry cited.

use crate::base::{polity_key, Base};
use crate::time::{Day, DayRange};
use entente_extract::facts::PolityRef;
use entente_extract::resolve::{Agreement, Cited, Fact, Item};
use serde::Serialize;
use serde_json::Value;

/// One entry of a dossier.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Entry {
    /// EDTF; `None` when no source dates it (such entries come last).
    pub date: Option<String>,
    /// `agreement`, `event` or `indicator`.
    pub category: String,
    /// For agreements the lifecycle step (`signed`, `effective`, `ended`,
    /// `disclosed`, ...); for events their kind; for indicators their name.
    pub kind: String,
    /// What happened, in a few words.
    pub title: String,
    /// The agreement's id, for agreement entries.
    pub agreement: Option<String>,
    /// The sources, at least one.
    pub citations: Vec<Cited>,
}

/// A person in a dossier: a signatory of one of the pair's agreements or a
/// participant in one of its events, merged across sources.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DyadPerson {
    /// The person's id in the base (`P3`).
    pub id: String,
    pub name: String,
    /// Offices as the sources give them ("Ambassador (JPN)").
    pub offices: Vec<String>,
}

/// The dossier of a pair.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Dyad {
    pub a: PolityRef,
    pub b: PolityRef,
    pub entries: Vec<Entry>,
    /// Everyone the entries name, each once, in order of first appearance.
    pub persons: Vec<DyadPerson>,
}

/// Lifecycle steps that make their own entries when dated (signing and
/// ending are always entries).
const STEPS: &[&str] = &[
    "effective",
    "ratified",
    "renewed",
    "revised",
    "disclosed",
    "drafted",
    "negotiations",
];

fn fact_date(f: &Fact) -> Option<&str> {
    f.value
        .get("date")
        .and_then(Value::as_str)
        .or(f.valid_time.as_deref())
}

fn has_both(parties: &[PolityRef], a: &PolityRef, b: &PolityRef) -> bool {
    let keys: Vec<String> = parties.iter().map(polity_key).collect();
    keys.contains(&polity_key(a)) && keys.contains(&polity_key(b))
}

/// The parties of an event or indicator value (`{"parties": [{name, cow}]}`).
pub(crate) fn item_parties(v: &Value) -> Vec<PolityRef> {
    v.get("parties")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|p| {
            Some(PolityRef {
                name: p.get("name")?.as_str()?.to_string(),
                cow: p
                    .get("cow")
                    .and_then(Value::as_u64)
                    .and_then(|c| u16::try_from(c).ok()),
            })
        })
        .collect()
}

/// The entries of one agreement: its signing, its end, and its other dated
/// lifecycle steps, each citing the facts that give it.
pub fn agreement_entries(a: &Agreement, kind: &str) -> Vec<Entry> {
    let mut out = Vec::new();
    let decl: Vec<Cited> = a
        .facts
        .iter()
        .filter(|f| f.predicate == "agreement")
        .map(|f| f.cited.clone())
        .collect();
    let entry = |date: Option<String>, step: &str, cites: Vec<Cited>| Entry {
        date,
        category: "agreement".into(),
        kind: step.into(),
        title: format!("{} {step} ({kind})", a.name),
        agreement: Some(a.id.clone()),
        citations: cites,
    };
    // Facts that give this date or a less precise form of it.
    let citing = |pred: &str, date: &str| -> Vec<Cited> {
        a.facts
            .iter()
            .filter(|f| f.predicate == pred)
            .filter(|f| {
                fact_date(f).is_some_and(|d| date.starts_with(d.trim_end_matches(['~', '?', '%'])))
            })
            .map(|f| f.cited.clone())
            .collect()
    };
    let or_decl = |c: Vec<Cited>| if c.is_empty() { decl.clone() } else { c };
    match &a.signed {
        Some(s) => out.push(entry(
            Some(s.clone()),
            "signed",
            or_decl(citing("signed", s)),
        )),
        // No source dates it: the entry only records that it is named.
        None => out.push(Entry {
            title: format!("{} ({kind}), undated", a.name),
            ..entry(None, "named", decl.clone())
        }),
    }
    if let Some(e) = &a.ended {
        out.push(entry(Some(e.clone()), "ended", or_decl(citing("ended", e))));
    }
    for step in STEPS {
        let mut dates: Vec<&str> = a
            .facts
            .iter()
            .filter(|f| f.predicate == *step)
            .filter_map(fact_date)
            .collect();
        dates.sort_unstable();
        dates.dedup();
        for d in dates {
            if *step == "effective" && a.signed.as_deref() == Some(d) {
                continue;
            }
            out.push(entry(Some(d.to_string()), step, or_decl(citing(step, d))));
        }
    }
    out
}

fn sort_key(e: &Entry) -> (Day, Day, u8) {
    let r = e
        .date
        .as_deref()
        .and_then(DayRange::of_edtf)
        .unwrap_or(DayRange {
            earliest: Day::MAX,
            latest: Day::MAX,
        });
    let cat = match e.category.as_str() {
        "agreement" => 0,
        "event" => 1,
        _ => 2,
    };
    (r.earliest, r.latest, cat)
}

fn item_entry(it: &Item, category: &str) -> Entry {
    let v = &it.value;
    let s = |k: &str| v.get(k).and_then(Value::as_str).unwrap_or("").to_string();
    let (kind, title) = if category == "event" {
        let kind = s("kind");
        let place = s("place");
        let title = if place.is_empty() {
            kind.replace('_', " ")
        } else {
            format!("{} in {place}", kind.replace('_', " "))
        };
        (kind, title)
    } else {
        let name = s("name");
        let value = v.get("value").map(|x| match x {
            Value::String(s) => s.clone(),
            // Whole amounts print without a trailing ".0".
            Value::Number(n) => match n.as_f64() {
                Some(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", f as i64),
                _ => n.to_string(),
            },
            other => other.to_string(),
        });
        let title = format!(
            "{}: {} {}",
            name.replace('_', " "),
            value.unwrap_or_default(),
            s("unit")
        )
        .trim_end()
        .to_string();
        (name, title)
    };
    let date = it.valid_time.clone().or_else(|| {
        v.get("year").and_then(|y| match y {
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            _ => None,
        })
    });
    Entry {
        date,
        category: category.into(),
        kind,
        title,
        agreement: None,
        citations: vec![it.cited.clone()],
    }
}

impl Base<'_> {
    /// The dossier of polities `a` and `b`: every agreement both are party
    /// to, every event and indicator naming both, in order of date.
    pub fn dyad(&self, a: &PolityRef, b: &PolityRef) -> Dyad {
        let mut entries = Vec::new();
        let mut names: Vec<&str> = Vec::new();
        for &i in self.pairs.get(&polity_key(a), &polity_key(b)) {
            let i = i as usize;
            if let (Some(ag), Some(p)) = (self.kb.agreements.get(i), self.prepared.get(i)) {
                entries.extend(agreement_entries(ag, p.kind));
                names.extend(ag.signatories.iter().map(String::as_str));
            }
        }
        for (items, cat) in [
            (&self.kb.events, "event"),
            (&self.kb.indicators, "indicator"),
        ] {
            for it in items.iter() {
                if has_both(&item_parties(&it.value), a, b) {
                    entries.push(item_entry(it, cat));
                    let persons = it.value.get("persons").and_then(Value::as_array);
                    names.extend(persons.into_iter().flatten().filter_map(Value::as_str));
                }
            }
        }
        entries.sort_by_key(sort_key);
        // "Motono Ichirō" in one source and "Ichiro Motono" in another are
        // one person of the base: listed once.
        let mut persons: Vec<DyadPerson> = Vec::new();
        for n in names {
            let person = match self.kb.person(n) {
                Some(p) => DyadPerson {
                    id: p.id.clone(),
                    name: p.name.clone(),
                    offices: p
                        .offices
                        .iter()
                        .map(|o| match &o.polity {
                            Some(pol) => format!("{} ({pol})", o.office),
                            None => o.office.clone(),
                        })
                        .collect(),
                },
                None => DyadPerson {
                    id: String::new(),
                    name: n.to_string(),
                    offices: Vec::new(),
                },
            };
            if !persons.iter().any(|p| p.name == person.name) {
                persons.push(person);
            }
        }
        Dyad {
            a: a.clone(),
            b: b.clone(),
            entries,
            persons,
        }
    }
}
