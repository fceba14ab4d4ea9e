//! The knowledge base prepared for temporal questions: each agreement's
//! validity and knowledge time worked out once, and an interval index over
//! validity.

use crate::index::{IntervalIndex, PairIndex};
use crate::kinds::agreement_kind;
use crate::time::{Day, DayRange, Tri, Validity};
use entente_extract::facts::PolityRef;
use entente_extract::resolve::{period_name, Agreement, Cited, KnowledgeBase};
use serde::Serialize;
use serde_json::Value;

/// Facts below this confidence do not move an agreement's dates or make a
/// provision: the extraction keeps them for the record, but a query answer
/// built on them would mostly repeat rule noise.
pub const MIN_CONFIDENCE: f32 = 0.3;

/// One provision of an agreement, merged over the claims that state it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Provision {
    /// `sphere_of_influence`, `open_door`, ... (see `data/rules/provisions.tsv`).
    pub kind: String,
    /// Whether a source calls it secret.
    pub secret: bool,
    /// The regions it names.
    pub regions: Vec<String>,
    /// The polity it favours, where one is named.
    pub beneficiary: Option<PolityRef>,
    /// Every claim behind it.
    pub citations: Vec<Cited>,
}

/// An agreement with its times worked out.
#[derive(Debug, Clone)]
pub struct Prepared {
    /// When it is in force.
    pub validity: Validity,
    /// When it was signed (the start of public knowledge of its public
    /// clauses); unknown when no source dates it.
    pub signed: DayRange,
    /// When its secret parts became public; `None` when no source dates a
    /// disclosure.
    pub disclosed: Option<DayRange>,
    /// The whole agreement was secret (its name says so), not only clauses.
    pub wholly_secret: bool,
    /// From its name: `treaty`, `alliance`, ...
    pub kind: &'static str,
    /// The effective date a source gives, if any.
    pub effective: Option<String>,
    /// Its provisions, merged.
    pub provisions: Vec<Provision>,
}

impl Prepared {
    /// True when no source dates its start in any way.
    pub fn is_undated(&self) -> bool {
        self.validity.start == DayRange::UNKNOWN
    }

    /// Whether the public could know of the agreement itself at `d`.
    pub fn known(&self, d: Day) -> Tri {
        if self.wholly_secret {
            self.disclosed.map_or(Tri::No, |r| r.passed(d))
        } else {
            self.signed.passed(d)
        }
    }

    /// Whether the public could know of provision `p` at `d`: public ones
    /// from signing, secret ones from their disclosure, never when no
    /// disclosure is dated ("not known to be public").
    pub fn provision_known(&self, p: &Provision, d: Day) -> Tri {
        if p.secret || self.wholly_secret {
            self.disclosed.map_or(Tri::No, |r| r.passed(d))
        } else {
            self.signed.passed(d)
        }
    }
}

/// The knowledge base with every agreement prepared and indexed.
#[derive(Debug)]
pub struct Base<'a> {
    /// The knowledge base itself.
    pub kb: &'a KnowledgeBase,
    /// Parallel to `kb.agreements`.
    pub prepared: Vec<Prepared>,
    /// Over each agreement's validity hull; payload = index into
    /// `kb.agreements`.
    pub index: IntervalIndex,
    /// Agreements by pair of parties (keys from [`polity_key`]).
    pub pairs: PairIndex<String>,
}

fn fact_dates<'a>(a: &'a Agreement, predicate: &'a str) -> impl Iterator<Item = &'a str> + 'a {
    a.facts
        .iter()
        .filter(move |f| f.predicate == predicate && f.cited.confidence >= MIN_CONFIDENCE)
        .filter_map(|f| f.value.get("date").and_then(Value::as_str))
}

fn conflict_values<'a>(a: &'a Agreement, attribute: &'a str) -> impl Iterator<Item = &'a str> + 'a {
    a.conflicts
        .iter()
        .filter(move |c| c.attribute == attribute)
        .flat_map(|c| c.values.iter().map(|(v, _)| v.as_str()))
}

/// A polity's identity: its COW code, else its lower-cased name.
pub fn polity_key(p: &PolityRef) -> String {
    match p.cow {
        Some(c) => format!("cow:{c}"),
        None => format!("name:{}", p.name.to_lowercase()),
    }
}

/// Whether the sources name the agreement, or the series it belongs to, as
/// secret ("the Secret Agreements", "a series of secret treaties").
fn named_secret(a: &Agreement) -> bool {
    a.facts
        .iter()
        .any(|f| f.predicate == "secret" && f.cited.rule == "secret.name")
}

/// Provision kinds that an agreement named secret keeps secret unless a
/// source says otherwise: the division of spheres is what such treaties hid,
/// while their general principles (integrity, open door) were the public face.
const SECRET_BY_NAME: &[&str] = &["sphere_of_influence", "mutual_recognition"];

fn merge_provisions(a: &Agreement) -> Vec<Provision> {
    let by_name = named_secret(a);
    // Beneficiaries are named as the agreement's parties are: as the polity
    // was called when it signed (the Russian Empire in 1912).
    let year = a.signed.as_deref().and_then(|s| {
        s.split(|c: char| !c.is_ascii_digit())
            .find(|t| t.len() == 4)
            .and_then(|t| t.parse::<i32>().ok())
    });
    let mut out: Vec<Provision> = Vec::new();
    for f in a
        .facts
        .iter()
        .filter(|f| f.predicate == "provision" && f.cited.confidence >= MIN_CONFIDENCE)
    {
        let Some(kind) = f.value.get("kind").and_then(Value::as_str) else {
            continue;
        };
        let secret = f.value.get("secret").and_then(Value::as_bool) == Some(true)
            || (by_name && SECRET_BY_NAME.contains(&kind));
        let mut regions: Vec<String> = f
            .value
            .get("regions")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|r| r.as_str().map(str::to_string))
            .collect();
        regions.sort();
        regions.dedup();
        let beneficiary = f.value.get("beneficiary").and_then(|b| {
            let name = b.get("name")?.as_str()?.to_string();
            let cow = b
                .get("cow")
                .and_then(Value::as_u64)
                .and_then(|c| u16::try_from(c).ok());
            let name = cow
                .zip(year)
                .and_then(|(c, y)| period_name(c, y))
                .map_or(name, str::to_string);
            Some(PolityRef { name, cow })
        });
        let same = |p: &Provision| {
            p.kind == kind
                && p.secret == secret
                && p.regions == regions
                && p.beneficiary.as_ref().map(polity_key) == beneficiary.as_ref().map(polity_key)
        };
        match out.iter_mut().find(|p| same(p)) {
            Some(p) => p.citations.push(f.cited.clone()),
            None => out.push(Provision {
                kind: kind.to_string(),
                secret,
                regions,
                beneficiary,
                citations: vec![f.cited.clone()],
            }),
        }
    }
    out
}

/// The consensus value of `attribute` and every value a source disagreeing
/// with it gave.
fn stated<'a>(a: &'a Agreement, consensus: Option<&'a str>, attribute: &'a str) -> Vec<&'a str> {
    consensus
        .into_iter()
        .chain(conflict_values(a, attribute))
        .collect()
}

/// Works out one agreement's times.
pub fn prepare(a: &Agreement) -> Prepared {
    let signed_values = stated(a, a.signed.as_deref(), "signed");
    let signed = DayRange::widest(signed_values.iter().copied()).unwrap_or(DayRange::UNKNOWN);
    let effective: Vec<&str> = fact_dates(a, "effective").collect();
    let start = DayRange::widest(effective.iter().copied()).unwrap_or(signed);
    // An end a source dates before the agreement could have started
    // contradicts it (the source speaks of another instrument), so it
    // cannot narrow the answer; every other end counts, the widest range
    // over all of them, so that any source saying "ended" weakens a yes.
    //
    // An end no one can read (not EDTF, or an interval that ends before it
    // starts) still says the agreement ended: the end may be any day, so
    // the answer after the start is "possibly", never a certain yes.
    let ends = stated(a, a.ended.as_deref(), "ended");
    let end = if ends.iter().any(|v| DayRange::of_edtf(v).is_none()) {
        Some(DayRange::UNKNOWN)
    } else {
        DayRange::widest(
            ends.into_iter()
                .filter(|v| DayRange::of_edtf(v).is_some_and(|r| r.latest >= start.earliest)),
        )
    };
    let disclosed = DayRange::widest(fact_dates(a, "disclosed"));
    let wholly_secret = std::iter::once(&a.name)
        .chain(a.aliases.iter())
        .any(|n| n.to_lowercase().split_whitespace().any(|w| w == "secret"));
    Prepared {
        validity: Validity { start, end },
        signed,
        disclosed,
        wholly_secret,
        kind: agreement_kind(&a.name),
        effective: effective.first().map(|s| s.to_string()),
        provisions: merge_provisions(a),
    }
}

impl<'a> Base<'a> {
    /// Prepares and indexes every agreement of `kb`.
    pub fn new(kb: &'a KnowledgeBase) -> Base<'a> {
        let prepared: Vec<Prepared> = kb.agreements.iter().map(prepare).collect();
        // An agreement no source dates cannot be placed in time: listing it
        // as "possibly in force" at every date since antiquity would drown
        // every answer, so it stays out of the index and is reported apart
        // ([`Base::undated`]).
        let index = IntervalIndex::new(prepared.iter().enumerate().filter_map(|(i, p)| {
            if p.is_undated() {
                return None;
            }
            let (lo, hi) = p.validity.hull();
            Some((lo, hi, u32::try_from(i).ok()?))
        }));
        let mut pairs = PairIndex::default();
        for (i, a) in kb.agreements.iter().enumerate() {
            let Ok(id) = u32::try_from(i) else { continue };
            let mut keys: Vec<String> = a.parties.iter().map(polity_key).collect();
            keys.sort();
            keys.dedup();
            for (n, x) in keys.iter().enumerate() {
                for y in keys.iter().skip(n + 1) {
                    pairs.insert(x.clone(), y.clone(), id);
                }
            }
        }
        Base {
            kb,
            prepared,
            index,
            pairs,
        }
    }

    /// The agreements no source dates (left out of as-of answers).
    pub fn undated(&self) -> impl Iterator<Item = &'a Agreement> + '_ {
        self.kb
            .agreements
            .iter()
            .zip(&self.prepared)
            .filter(|(_, p)| p.is_undated())
            .map(|(a, _)| a)
    }

    /// The agreements possibly or certainly in force at `d`, with the
    /// answer, in the knowledge base's order.
    pub fn in_force_at(&self, d: Day) -> Vec<(&'a Agreement, &Prepared, Tri)> {
        let mut ids: Vec<usize> = self.index.stab(d).map(|i| i as usize).collect();
        ids.sort_unstable();
        ids.into_iter()
            .filter_map(|i| {
                let a = self.kb.agreements.get(i)?;
                let p = self.prepared.get(i)?;
                let t = p.validity.in_force(d);
                (t != Tri::No).then_some((a, p, t))
            })
            .collect()
    }
}
