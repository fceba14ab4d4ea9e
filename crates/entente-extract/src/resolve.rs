//! Resolution across documents: the agreements each document states merge
//! into one entity when they share parties and a compatible signing date, or
//! when their names match strongly. Disagreeing values stay side by side as
//! [`Conflict`]s citing each source; the consensus is the most precise value
//! most sources support.

use crate::extract::name_tokens;
use crate::facts::{
    consensus_date, date_core, dates_compatible, stated_agreements, AgreementFacts, PolityRef,
};
use crate::Claim;
use entente_source::Span;
use serde::Serialize;
use serde_json::Value;
use std::collections::HashMap;
use std::sync::OnceLock;

/// One source document and its claims, as the store holds them.
#[derive(Debug, Clone)]
pub struct SourceDoc {
    /// Content id.
    pub id: String,
    /// Where it came from.
    pub path: String,
    /// The normalised text, for quoting; empty when unavailable.
    pub text: String,
    pub claims: Vec<Claim>,
}

/// A citation as a reader sees it: the document and the quoted sentence.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Cited {
    pub doc: String,
    pub path: String,
    pub quote: String,
    pub rule: String,
    pub confidence: f32,
}

/// One fact with its citation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Fact {
    pub predicate: String,
    pub value: Value,
    pub valid_time: Option<String>,
    pub cited: Cited,
}

/// Sources that disagree on one attribute.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Conflict {
    pub agreement: String,
    pub attribute: String,
    /// Each distinct value with the sources that give it.
    pub values: Vec<(String, Vec<Cited>)>,
    /// The value the base reports.
    pub consensus: Option<String>,
}

/// A merged agreement.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Agreement {
    /// Stable within one build: `A1`, `A2`, ... in order of signing.
    pub id: String,
    pub name: String,
    pub aliases: Vec<String>,
    pub signed: Option<String>,
    pub place: Option<String>,
    pub parties: Vec<PolityRef>,
    pub signatories: Vec<String>,
    pub secret_provisions: bool,
    pub ended: Option<String>,
    /// Every claim behind it, cited.
    pub facts: Vec<Fact>,
    pub conflicts: Vec<Conflict>,
    /// What each source stated, for conflicts.
    #[serde(skip)]
    per_source: Vec<(AgreementFacts, Cited)>,
}

/// A relations event, an indicator or a provision: one cited claim each.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Item {
    pub value: Value,
    pub valid_time: Option<String>,
    pub cited: Cited,
}

/// An office a person held, as a source states it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Office {
    /// "Ambassador", "Foreign Minister", ...
    pub office: String,
    /// Gazetteer id of the polity the office belongs to, where stated.
    pub polity: Option<String>,
}

/// One person across all documents: every form of the name, every office,
/// every citation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Person {
    /// Stable within one build: `P1`, `P2`, ... in order of name.
    pub id: String,
    /// The fullest form of the name the sources give.
    pub name: String,
    /// The other forms ("Ichiro Motono", "Motono").
    pub aliases: Vec<String>,
    pub offices: Vec<Office>,
    /// Ids of the agreements the person signed.
    pub agreements: Vec<String>,
    /// Every sentence that names the person as a signatory or at an event.
    pub citations: Vec<Cited>,
}

/// The merged knowledge base.
#[derive(Debug, Clone, Default, Serialize)]
pub struct KnowledgeBase {
    pub agreements: Vec<Agreement>,
    pub events: Vec<Item>,
    pub indicators: Vec<Item>,
    pub conflicts: Vec<Conflict>,
    /// Signatories and persons at events, merged across documents.
    pub persons: Vec<Person>,
}

/// `s` with each run of whitespace made one space and none at the ends,
/// written into one string (a cited quote is built for every fact).
fn single_spaced(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for w in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(w);
    }
    out
}

/// The citation of a claim. `quotes` holds the document's sentences already
/// quoted: a sentence usually carries several claims.
fn cite(src: &SourceDoc, c: &Claim, quotes: &mut HashMap<Span, String>) -> Cited {
    let quote = quotes
        .entry(c.source.sentence)
        .or_insert_with(|| single_spaced(c.source.sentence.slice(&src.text)))
        .clone();
    Cited {
        doc: src.id.clone(),
        path: src.path.clone(),
        quote,
        rule: c.rule.clone(),
        confidence: c.confidence,
    }
}

fn party_keys(ps: &[PolityRef]) -> Vec<String> {
    ps.iter()
        .map(|p| match p.cow {
            Some(c) => format!("cow:{c}"),
            None => format!("name:{}", p.name.to_lowercase()),
        })
        .collect()
}

fn jaccard(a: &[String], b: &[String]) -> f32 {
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    let inter = a.iter().filter(|t| b.contains(t)).count() as f32;
    let union = (a.len() + b.iter().filter(|t| !a.contains(t)).count()) as f32;
    inter / union
}

const POLITY_PERIODS: &str = include_str!("../../../data/query/polity_periods.tsv");

/// The name of polity `cow` in `year`, where it changed regime under one
/// code (`data/query/polity_periods.tsv`).
pub fn period_name(cow: u16, year: i32) -> Option<&'static str> {
    periods()
        .iter()
        .find(|p| p.0 == cow && (p.1..=p.2).contains(&year))
        .map(|p| p.3)
}

/// The lines of `polity_periods.tsv` as (code, from, to, name), read once:
/// every party of every merged agreement asks for its period name.
fn periods() -> &'static [(u16, i32, i32, &'static str)] {
    static P: OnceLock<Vec<(u16, i32, i32, &'static str)>> = OnceLock::new();
    P.get_or_init(|| {
        POLITY_PERIODS
            .lines()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
            .filter_map(|l| {
                let c: Vec<&'static str> = l.split('\t').collect();
                let [code, from, to, name] = c.as_slice() else {
                    return None;
                };
                let from: i32 = from.trim().parse().ok()?;
                let to: i32 = match to.trim() {
                    "" => i32::MAX,
                    t => t.parse().ok()?,
                };
                Some((code.trim().parse::<u16>().ok()?, from, to, name.trim()))
            })
            .collect()
    })
}

/// Letters with diacritics that person names are written both with and
/// without ("Ichirō" and "Ichiro"), folded to their base letter.
fn fold_letter(c: char) -> char {
    match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ă' | 'ą' => 'a',
        'ç' | 'ć' | 'č' => 'c',
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ė' | 'ę' | 'ě' => 'e',
        'ì' | 'í' | 'î' | 'ï' | 'ī' | 'į' => 'i',
        'ñ' | 'ń' | 'ň' => 'n',
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ő' => 'o',
        'ù' | 'ú' | 'û' | 'ü' | 'ū' | 'ů' | 'ű' => 'u',
        'ý' | 'ÿ' => 'y',
        'š' | 'ś' => 's',
        'ž' | 'ź' | 'ż' => 'z',
        'ł' => 'l',
        'ř' => 'r',
        c => c,
    }
}

/// The words of a person's name, case and diacritics folded, sorted: the
/// order of given name and family name varies between sources.
pub(crate) fn person_tokens(name: &str) -> Vec<String> {
    let mut t: Vec<String> = name
        .to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| w.chars().map(fold_letter).collect())
        .collect();
    t.sort_unstable();
    t.dedup();
    t
}

/// A provision's kind and each of its regions (`""` for none).
fn provision_keys(c: &Claim) -> Vec<(String, String)> {
    let kind = c
        .value
        .get("kind")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    let regions: Vec<String> = c
        .value
        .get("regions")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .map(str::to_string)
        .collect();
    if regions.is_empty() {
        return vec![(kind, String::new())];
    }
    regions.into_iter().map(|r| (kind.clone(), r)).collect()
}

/// The provisions each agreement of a document states of itself (not
/// through its series), by kind and region.
fn own_provisions(stated: &[(AgreementFacts, Vec<&Claim>)]) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (_, claims) in stated {
        let Some(subject) = claims
            .iter()
            .find(|c| c.predicate == "agreement")
            .map(|c| &c.subject)
        else {
            continue;
        };
        for c in claims
            .iter()
            .filter(|c| c.predicate == "provision" && c.subject == *subject)
        {
            out.extend(provision_keys(c));
        }
    }
    out
}

/// Whether a provision a series member inherits from its series is one a
/// member states itself. "In its secret clauses, P recognised Q's interests
/// in R", said of a whole series, summarises the member whose clause it is:
/// copied to every member it would give the later ones spheres their own
/// text never states. A series provision no member states stays with all.
fn restates_a_member(c: &Claim, own: &[(String, String)]) -> bool {
    c.predicate == "provision"
        && provision_keys(c).iter().any(|(kind, region)| {
            own.iter()
                .any(|(k, r)| k == kind && (r == region || region.is_empty()))
        })
}

/// The years an EDTF value names (`1907-07-30/1916` gives 1907 and 1916).
fn years(edtf: &str) -> Vec<i32> {
    edtf.split(|c: char| !c.is_ascii_digit())
        .filter(|t| t.len() == 4)
        .filter_map(|t| t.parse().ok())
        .collect()
}

/// Whether `ended` lies wholly in a year before `signed`.
fn ends_before_signing(ended: Option<&str>, signed: Option<&str>) -> bool {
    let (Some(e), Some(s)) = (ended, signed) else {
        return false;
    };
    match (years(e).into_iter().max(), years(s).into_iter().min()) {
        (Some(e), Some(s)) => e < s,
        _ => false,
    }
}

/// Whether one source's agreement, undated but for its end, ends before the
/// other's is signed. Then they are two agreements, whatever their names: a
/// plan "replaced" before the later treaty of the same name existed, not
/// that treaty ending. A source that also dates the signing speaks of the
/// same instrument and only disagrees about its end (a conflict).
fn out_of_order(a: &AgreementFacts, b: &AgreementFacts) -> bool {
    (a.signed.is_none() && ends_before_signing(a.ended.as_deref(), b.signed.as_deref()))
        || (b.signed.is_none() && ends_before_signing(b.ended.as_deref(), a.signed.as_deref()))
}

/// What the cross-document merge compares of a stated agreement, computed
/// once: every new agreement is compared with every one seen so far, and
/// building the party keys and name tokens per comparison was most of the
/// merge's time.
struct MergeKey<'a> {
    facts: &'a AgreementFacts,
    parties: Vec<String>,
    tokens: Vec<String>,
}

impl<'a> MergeKey<'a> {
    fn new(facts: &'a AgreementFacts) -> Self {
        MergeKey {
            facts,
            parties: party_keys(&facts.parties),
            tokens: name_tokens(&facts.name),
        }
    }
}

/// Which merged agreements a stated agreement can be one with, so that the
/// merge does not compare it with every agreement of the corpus.
/// `same_agreement` holds only for two agreements that share a party, or
/// whose signing dates are compatible; compatible dates are prefixes of one
/// another, so they share their year. The index keeps, per party key and per
/// signing year, the merged agreements that have a member with it.
#[derive(Default)]
struct MergeIndex<'k> {
    by_party: HashMap<&'k str, Vec<usize>>,
    by_year: HashMap<&'k str, Vec<usize>>,
    /// Agreements with a member dated less precisely than a year.
    short_dated: Vec<usize>,
    len: usize,
}

impl<'k> MergeIndex<'k> {
    /// The year of a signing date, when its core is at least that precise.
    fn year(key: &MergeKey<'k>) -> Option<Option<&'k str>> {
        let core = date_core(key.facts.signed.as_deref()?);
        Some(core.get(..4).filter(|_| core.len() >= 4))
    }

    /// Notes that merged agreement `i` has the member `key`.
    fn add(&mut self, i: usize, key: &'k MergeKey<'k>) {
        self.len = self.len.max(i + 1);
        for p in &key.parties {
            self.by_party.entry(p.as_str()).or_default().push(i);
        }
        match Self::year(key) {
            Some(Some(y)) => self.by_year.entry(y).or_default().push(i),
            Some(None) => self.short_dated.push(i),
            None => {}
        }
    }

    /// The merged agreements that may be one with `key`, in order.
    fn candidates(&self, key: &MergeKey<'k>) -> Vec<usize> {
        let mut out: Vec<usize> = Vec::new();
        match Self::year(key) {
            Some(Some(y)) => {
                out.extend(self.by_year.get(y).into_iter().flatten());
                out.extend(&self.short_dated);
            }
            // A date less precise than a year is compatible with many.
            Some(None) => return (0..self.len).collect(),
            None => {}
        }
        for p in &key.parties {
            out.extend(self.by_party.get(p.as_str()).into_iter().flatten());
        }
        out.sort_unstable();
        out.dedup();
        out
    }
}

/// Whether two stated agreements are one: shared parties and compatible
/// signing dates, or strongly matching names with no contradicting date.
fn same_agreement(a: &MergeKey, b: &MergeKey) -> bool {
    let dates_ok = match (&a.facts.signed, &b.facts.signed) {
        (Some(x), Some(y)) => Some(dates_compatible(x, y)),
        _ => None,
    };
    if dates_ok == Some(false) {
        return false;
    }
    let (pa, pb) = (&a.parties, &b.parties);
    let shared = pa.iter().filter(|k| pb.contains(k)).count();
    let parties_ok = shared >= 2.min(pa.len()).min(pb.len()).max(1);
    // Same day and same parties: one signing.
    let same_day = matches!((&a.facts.signed, &b.facts.signed), (Some(x), Some(y))
        if x.len() >= 10 && y.len() >= 10 && dates_compatible(x, y));
    if parties_ok && same_day {
        return true;
    }
    // The names decide only with compatible dates or shared parties.
    if dates_ok != Some(true) && !parties_ok {
        return false;
    }
    let names = jaccard(&a.tokens, &b.tokens);
    names >= 0.75 || (names >= 0.5 && parties_ok && dates_ok == Some(true))
}

impl KnowledgeBase {
    /// Merges the agreements, events and indicators of many documents.
    pub fn build(docs: &[SourceDoc]) -> KnowledgeBase {
        let mut kb = KnowledgeBase::default();
        // The stated agreements of every document, and for each merged
        // agreement the indices of the stated ones it holds, so that the
        // merge compares precomputed keys.
        let stated_all: Vec<Vec<(AgreementFacts, Vec<&Claim>)>> =
            docs.iter().map(|d| stated_agreements(&d.claims)).collect();
        let keys: Vec<Vec<MergeKey>> = stated_all
            .iter()
            .map(|st| st.iter().map(|(f, _)| MergeKey::new(f)).collect())
            .collect();
        let mut members: Vec<Vec<(usize, usize)>> = Vec::new();
        let mut index = MergeIndex::default();
        for (d, (src, stated)) in docs.iter().zip(&stated_all).enumerate() {
            let own = own_provisions(stated);
            let mut quotes: HashMap<Span, String> = HashMap::new();
            for (k, (f, claims)) in stated.iter().enumerate() {
                let Some(key) = keys.get(d).and_then(|ks| ks.get(k)) else {
                    continue;
                };
                let decl = claims.iter().find(|c| c.predicate == "agreement").copied();
                let subject = decl.map(|d| d.subject.as_str());
                let cited_decl = decl
                    .map(|d| cite(src, d, &mut quotes))
                    .unwrap_or_else(|| Cited {
                        doc: src.id.clone(),
                        path: src.path.clone(),
                        quote: String::new(),
                        rule: String::new(),
                        confidence: 0.0,
                    });
                let facts: Vec<Fact> = claims
                    .iter()
                    .filter(|c| Some(c.subject.as_str()) == subject || !restates_a_member(c, &own))
                    .map(|c| Fact {
                        predicate: c.predicate.clone(),
                        value: c.value.clone(),
                        valid_time: c.valid_time.clone(),
                        cited: cite(src, c, &mut quotes),
                    })
                    .collect();
                let member_key = |&(md, mk): &(usize, usize)| keys.get(md)?.get(mk);
                let found = index.candidates(key).into_iter().find(|&i| {
                    let ms = members.get(i).map_or(&[][..], Vec::as_slice);
                    ms.iter()
                        .filter_map(member_key)
                        .any(|m| same_agreement(m, key))
                        && !ms
                            .iter()
                            .filter_map(member_key)
                            .any(|m| out_of_order(m.facts, f))
                });
                let merged =
                    found.and_then(|i| Some((kb.agreements.get_mut(i)?, members.get_mut(i)?)));
                let is_new = merged.is_none();
                match merged {
                    Some((a, ms)) => {
                        if !a.aliases.contains(&f.name) && a.name != f.name {
                            a.aliases.push(f.name.clone());
                        }
                        a.facts.extend(facts);
                        a.per_source.push((f.clone(), cited_decl));
                        ms.push((d, k));
                    }
                    None => kb.agreements.push(Agreement {
                        id: String::new(),
                        name: f.name.clone(),
                        aliases: Vec::new(),
                        signed: None,
                        place: None,
                        parties: Vec::new(),
                        signatories: Vec::new(),
                        secret_provisions: false,
                        ended: None,
                        facts,
                        conflicts: Vec::new(),
                        per_source: vec![(f.clone(), cited_decl)],
                    }),
                }
                if is_new {
                    members.push(vec![(d, k)]);
                }
                index.add(found.unwrap_or(members.len() - 1), key);
            }
            for c in &src.claims {
                let mut item = || Item {
                    value: c.value.clone(),
                    valid_time: c.valid_time.clone(),
                    cited: cite(src, c, &mut quotes),
                };
                match c.predicate.as_str() {
                    "event" => kb.events.push(item()),
                    "indicator" => kb.indicators.push(item()),
                    _ => {}
                }
            }
        }
        for a in &mut kb.agreements {
            a.settle();
        }
        kb.agreements
            .sort_by(|a, b| a.signed.cmp(&b.signed).then(a.name.cmp(&b.name)));
        for (i, a) in kb.agreements.iter_mut().enumerate() {
            a.id = format!("A{}", i + 1);
            for c in &mut a.conflicts {
                c.agreement = a.id.clone();
            }
        }
        kb.conflicts = kb
            .agreements
            .iter()
            .flat_map(|a| a.conflicts.iter().cloned())
            .collect();
        kb.merge_persons();
        kb
    }

    /// The person a name (as a source wrote it) resolved to.
    pub fn person(&self, name: &str) -> Option<&Person> {
        let t = person_tokens(name);
        self.persons
            .iter()
            .find(|p| p.name == name || p.aliases.iter().any(|a| a == name))
            .or_else(|| {
                self.persons
                    .iter()
                    .find(|p| !t.is_empty() && person_tokens(&p.name) == t)
            })
    }

    /// Merges every person mention (signatories, persons at events) into
    /// [`Person`]s, and rewrites each agreement's signatories as the merged
    /// names, each once. Persons have no gazetteer id across documents (the
    /// recogniser's ids are per document), so the name is the key: the same
    /// set of name words in any order and with or without diacritics
    /// ("Motono Ichirō", "Ichiro Motono") is one person; a shorter form
    /// ("Motono", left of "Ambassador Motono") joins the one person whose
    /// name contains it, and stays apart when several do.
    fn merge_persons(&mut self) {
        struct Mention {
            name: String,
            tokens: Vec<String>,
            office: Option<Office>,
            agreement: Option<String>,
            cited: Cited,
        }
        let mut mentions: Vec<Mention> = Vec::new();
        for a in &self.agreements {
            for f in a.facts.iter().filter(|f| f.predicate == "signatory") {
                let Some(name) = f.value.get("name").and_then(Value::as_str) else {
                    continue;
                };
                let office = f
                    .value
                    .get("office")
                    .and_then(Value::as_str)
                    .map(|o| Office {
                        office: o.to_string(),
                        polity: f
                            .value
                            .get("polity")
                            .and_then(Value::as_str)
                            .map(str::to_string),
                    });
                // Only the signatories the agreement kept (confident ones)
                // link the person to it.
                let signed = a.signatories.iter().any(|s| s == name);
                mentions.push(Mention {
                    name: name.to_string(),
                    tokens: person_tokens(name),
                    office,
                    agreement: signed.then(|| a.id.clone()),
                    cited: f.cited.clone(),
                });
            }
        }
        for e in &self.events {
            let names = e.value.get("persons").and_then(Value::as_array);
            for name in names.into_iter().flatten().filter_map(Value::as_str) {
                mentions.push(Mention {
                    name: name.to_string(),
                    tokens: person_tokens(name),
                    office: None,
                    agreement: None,
                    cited: e.cited.clone(),
                });
            }
        }
        mentions.retain(|m| !m.tokens.is_empty());
        // Fullest names first, so shorter forms find the name they abbreviate.
        mentions.sort_by_key(|m| std::cmp::Reverse(m.tokens.len()));
        let mut groups: Vec<(Vec<String>, Vec<Mention>)> = Vec::new();
        for m in mentions {
            let exact = groups.iter().position(|g| g.0 == m.tokens);
            let within: Vec<usize> = groups
                .iter()
                .enumerate()
                .filter(|(_, g)| m.tokens.iter().all(|t| g.0.contains(t)))
                .map(|(i, _)| i)
                .collect();
            let target = exact.or(match within.as_slice() {
                [only] => Some(*only),
                _ => None,
            });
            match target {
                Some(i) => {
                    if let Some(g) = groups.get_mut(i) {
                        g.1.push(m);
                    }
                }
                None => groups.push((m.tokens.clone(), vec![m])),
            }
        }
        let mut persons: Vec<Person> = groups
            .into_iter()
            .filter_map(|(tokens, ms)| {
                // The most frequent form among the fullest ones names the
                // person; a tie goes to the form seen first.
                let mut forms: Vec<(&str, usize, usize)> = Vec::new();
                for m in &ms {
                    match forms.iter_mut().find(|f| f.0 == m.name) {
                        Some(f) => f.1 += 1,
                        None => forms.push((&m.name, 1, m.tokens.len())),
                    }
                }
                let name = forms
                    .iter()
                    .filter(|f| f.2 == tokens.len())
                    .fold(None::<&(&str, usize, usize)>, |best, f| match best {
                        Some(b) if b.1 >= f.1 => Some(b),
                        _ => Some(f),
                    })
                    .or(forms.first())?
                    .0
                    .to_string();
                let mut p = Person {
                    id: String::new(),
                    aliases: forms
                        .iter()
                        .map(|f| f.0.to_string())
                        .filter(|f| *f != name)
                        .collect(),
                    name,
                    offices: Vec::new(),
                    agreements: Vec::new(),
                    citations: Vec::new(),
                };
                for m in ms {
                    // "Ambassador" and "Ambassador (JPN)" are one office,
                    // kept with its polity.
                    if let Some(o) = m.office {
                        if o.polity.is_some() {
                            p.offices
                                .retain(|x| !(x.office == o.office && x.polity.is_none()));
                        }
                        if !p.offices.iter().any(|x| {
                            x.office == o.office && (x.polity == o.polity || o.polity.is_none())
                        }) {
                            p.offices.push(o);
                        }
                    }
                    if let Some(a) = m.agreement {
                        if !p.agreements.contains(&a) {
                            p.agreements.push(a);
                        }
                    }
                    if !p.citations.contains(&m.cited) {
                        p.citations.push(m.cited);
                    }
                }
                Some(p)
            })
            .collect();
        persons.sort_by(|a, b| a.name.cmp(&b.name));
        for (i, p) in persons.iter_mut().enumerate() {
            p.id = format!("P{}", i + 1);
        }
        self.persons = persons;
        // Each signatory once, under its merged name.
        let mut signatories: Vec<Vec<String>> = Vec::new();
        for a in &self.agreements {
            let mut merged: Vec<String> = Vec::new();
            for s in &a.signatories {
                let n = self.person(s).map_or(s.clone(), |p| p.name.clone());
                if !merged.contains(&n) {
                    merged.push(n);
                }
            }
            signatories.push(merged);
        }
        for (a, s) in self.agreements.iter_mut().zip(signatories) {
            a.signatories = s;
        }
    }

    /// The agreement with this id, else the one whose name (or alias) best
    /// matches `query`.
    pub fn find(&self, query: &str) -> Option<&Agreement> {
        if let Some(a) = self
            .agreements
            .iter()
            .find(|a| a.id.eq_ignore_ascii_case(query))
        {
            return Some(a);
        }
        let q = name_tokens(query);
        let qyear: Vec<&str> = query
            .split(|c: char| !c.is_ascii_digit())
            .filter(|t| t.len() == 4)
            .collect();
        self.agreements
            .iter()
            .map(|a| {
                let best = std::iter::once(&a.name)
                    .chain(a.aliases.iter())
                    .map(|n| jaccard(&q, &name_tokens(n)))
                    .fold(0.0f32, f32::max);
                let year_bonus = if qyear
                    .iter()
                    .any(|y| a.signed.as_deref().is_some_and(|s| s.starts_with(y)))
                {
                    0.3
                } else {
                    0.0
                };
                (best + year_bonus, a)
            })
            .filter(|(s, _)| *s >= 0.3)
            .max_by(|x, y| x.0.total_cmp(&y.0))
            .map(|x| x.1)
    }
}

impl Agreement {
    /// Consensus values and conflicts from what each source stated.
    fn settle(&mut self) {
        let srcs = &self.per_source;
        // The longest name most often reads best ("Franco-Japanese Treaty
        // of 1907" over "the treaty").
        if let Some((f, _)) = srcs.iter().max_by_key(|(f, _)| f.name.len()) {
            if f.name != self.name {
                let old = std::mem::replace(&mut self.name, f.name.clone());
                if !self.aliases.contains(&old) {
                    self.aliases.push(old);
                }
                self.aliases.retain(|a| *a != self.name);
            }
        }
        let mut conflicts = Vec::new();
        for attr in ["signed", "ended"] {
            let vals: Vec<(String, Cited)> = srcs
                .iter()
                .filter_map(|(f, c)| {
                    let v = if attr == "signed" {
                        &f.signed
                    } else {
                        &f.ended
                    };
                    v.clone().map(|v| (v, c.clone()))
                })
                .collect();
            let cands: Vec<(&str, f32)> = vals.iter().map(|(v, _)| (v.as_str(), 1.0)).collect();
            let consensus = consensus_date(&cands).map(str::to_string);
            let mut distinct: Vec<(String, Vec<Cited>)> = Vec::new();
            for (v, c) in &vals {
                match distinct.iter_mut().find(|d| d.0 == *v) {
                    Some(d) => d.1.push(c.clone()),
                    None => distinct.push((v.clone(), vec![c.clone()])),
                }
            }
            // A less precise value that agrees ("1907" under "1907-06-10")
            // is no disagreement; a different qualifier or day is.
            let disagree = distinct.iter().any(|(a, _)| {
                distinct.iter().any(|(b, _)| {
                    a != b
                        && (!dates_compatible(a, b)
                            || a.len() == b.len()
                            || a.ends_with('~') != b.ends_with('~'))
                })
            });
            if disagree {
                conflicts.push(Conflict {
                    agreement: String::new(),
                    attribute: attr.to_string(),
                    values: distinct,
                    consensus: consensus.clone(),
                });
            }
            if attr == "signed" {
                self.signed = consensus;
            } else {
                self.ended = consensus;
            }
        }
        self.place = srcs.iter().find_map(|(f, _)| f.place.clone());
        // Parties merge through their COW code; each is named as it was
        // called when the agreement was signed (the Russian Empire in 1907,
        // the Soviet Union in 1941), whatever name the gazetteer gives.
        let year = self
            .signed
            .as_deref()
            .and_then(|s| years(s).into_iter().min());
        for (f, _) in srcs {
            for p in &f.parties {
                if !party_keys(&self.parties).contains(&party_keys(std::slice::from_ref(p))[0]) {
                    let mut p = p.clone();
                    if let Some(name) = p.cow.zip(year).and_then(|(c, y)| period_name(c, y)) {
                        p.name = name.to_string();
                    }
                    self.parties.push(p);
                }
            }
            for s in &f.signatories {
                let t = name_tokens(s);
                if !self.signatories.iter().any(|x| {
                    let u = name_tokens(x);
                    t.iter().all(|w| u.contains(w)) || u.iter().all(|w| t.contains(w))
                }) {
                    self.signatories.push(s.clone());
                }
            }
            self.secret_provisions |= f.secret_provisions;
        }
        self.conflicts = conflicts;
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::{Citation, Claim};
    use entente_source::Span;
    use serde_json::json;

    fn claim(subject: &str, predicate: &str, value: Value) -> Claim {
        Claim {
            subject: subject.into(),
            predicate: predicate.into(),
            value,
            valid_time: None,
            source: Citation {
                doc: "d".into(),
                sentence: Span::new(0, 5),
                evidence: Span::new(0, 5),
            },
            rule: "test".into(),
            confidence: 0.9,
        }
    }

    fn src(id: &str, name: &str, signed: &str) -> SourceDoc {
        let s = "agreement:0";
        SourceDoc {
            id: id.into(),
            path: format!("{id}.txt"),
            text: "Quote here.".into(),
            claims: vec![
                claim(s, "agreement", json!({"name": name})),
                claim(s, "signed", json!({"date": signed})),
                claim(s, "party", json!({"name": "Portugal", "cow": 235})),
                claim(s, "party", json!({"name": "Spain", "cow": 230})),
            ],
        }
    }

    fn signatory(name: &str, office: Option<&str>, polity: Option<&str>) -> Claim {
        claim(
            "agreement:0",
            "signatory",
            json!({"name": name, "office": office, "polity": polity}),
        )
    }

    #[test]
    fn a_person_named_in_several_forms_is_one_person() {
        let mut a = src("a", "Treaty of Evora", "1801-07-03");
        a.claims
            .push(signatory("Motono Ichirō", Some("Ambassador"), Some("JPN")));
        a.claims.push(signatory("Manuel Godoy", None, None));
        let mut b = src("b", "Evora Treaty", "1801-07-03");
        b.claims
            .push(signatory("Ichiro Motono", Some("Ambassador"), None));
        b.claims.push(signatory(
            "Manuel Godoy",
            Some("Foreign Minister"),
            Some("ESP"),
        ));
        let mut c = src("c", "Treaty of Faro", "1830");
        c.claims
            .push(signatory("Motono", Some("Prime Minister"), Some("JPN")));
        // Two persons share the family name "Godoy": the bare family name
        // cannot tell which, and stays apart.
        c.claims.push(signatory("Diego Godoy", None, None));
        c.claims.push(signatory("Godoy", None, None));
        let kb = KnowledgeBase::build(&[a, b, c]);
        let motono = kb.person("Ichiro Motono").unwrap();
        assert_eq!(motono.name, "Motono Ichirō");
        assert_eq!(motono.aliases, ["Ichiro Motono", "Motono"]);
        let offices: Vec<(&str, Option<&str>)> = motono
            .offices
            .iter()
            .map(|o| (o.office.as_str(), o.polity.as_deref()))
            .collect();
        assert_eq!(
            offices,
            [("Ambassador", Some("JPN")), ("Prime Minister", Some("JPN"))]
        );
        assert_eq!(motono.citations.len(), 3);
        assert_eq!(motono.agreements.len(), 2);
        let evora = kb.find("Treaty of Evora").unwrap();
        assert_eq!(evora.signatories, ["Motono Ichirō", "Manuel Godoy"]);
        let godoys: Vec<&str> = kb
            .persons
            .iter()
            .filter(|p| p.name.contains("Godoy"))
            .map(|p| p.name.as_str())
            .collect();
        assert_eq!(godoys, ["Diego Godoy", "Godoy", "Manuel Godoy"]);
        assert_eq!(kb.persons.len(), 4);
    }

    #[test]
    fn an_end_before_the_other_signing_is_another_agreement() {
        // A plan of the same name, undated but for its end, ended before
        // the treaty was signed: not the treaty ending.
        let plan = SourceDoc {
            id: "p".into(),
            path: "p.txt".into(),
            text: "Quote here.".into(),
            claims: vec![
                claim(
                    "agreement:0",
                    "agreement",
                    json!({"name": "Treaty of Evora"}),
                ),
                claim(
                    "agreement:0",
                    "ended",
                    json!({"date": "1797", "how": "replace"}),
                ),
                claim(
                    "agreement:0",
                    "party",
                    json!({"name": "Portugal", "cow": 235}),
                ),
                claim("agreement:0", "party", json!({"name": "Spain", "cow": 230})),
            ],
        };
        let kb = KnowledgeBase::build(&[src("a", "Treaty of Evora", "1801-07-03"), plan.clone()]);
        assert_eq!(kb.agreements.len(), 2, "{:#?}", kb.agreements);
        assert!(kb.conflicts.is_empty());
        let dated = kb.agreements.iter().find(|a| a.signed.is_some()).unwrap();
        assert_eq!(dated.ended, None);
        // Ending after the signing, it is the treaty's end.
        let mut later = plan;
        later.claims[1] = claim("agreement:0", "ended", json!({"date": "1810"}));
        let kb = KnowledgeBase::build(&[src("a", "Treaty of Evora", "1801-07-03"), later]);
        assert_eq!(kb.agreements.len(), 1);
        assert_eq!(kb.agreements[0].ended.as_deref(), Some("1810"));
    }

    #[test]
    fn a_series_provision_a_member_states_stays_with_that_member() {
        let sphere = |s: &str, region: &str| {
            claim(
                s,
                "provision",
                json!({"kind": "sphere_of_influence", "secret": true, "regions": [region],
                       "beneficiary": {"name": "Spain", "cow": 230}}),
            )
        };
        let member = |n: usize, name: &str, date: &str| {
            let s = format!("agreement:{n}");
            vec![
                claim(
                    &s,
                    "agreement",
                    json!({"name": name, "series": "agreement:0"}),
                ),
                claim(&s, "signed", json!({"date": date})),
                claim(&s, "party", json!({"name": "Portugal", "cow": 235})),
                claim(&s, "party", json!({"name": "Spain", "cow": 230})),
            ]
        };
        let mut claims = vec![
            claim(
                "agreement:0",
                "agreement",
                json!({"name": "Evora Agreements", "is_series": true}),
            ),
            // Said of the whole series: one region a member states, one
            // no member does.
            sphere("agreement:0", "Galicia"),
            sphere("agreement:0", "Asturias"),
        ];
        claims.extend(member(1, "First Evora Agreement", "1801-07-03"));
        claims.push(sphere("agreement:1", "Galicia"));
        claims.extend(member(2, "Second Evora Agreement", "1805-02-01"));
        let kb = KnowledgeBase::build(&[SourceDoc {
            id: "s".into(),
            path: "s.txt".into(),
            text: "Quote here.".into(),
            claims,
        }]);
        let regions = |name: &str| -> Vec<String> {
            let mut r: Vec<String> = kb
                .find(name)
                .unwrap()
                .facts
                .iter()
                .filter(|f| f.predicate == "provision")
                .map(|f| f.value["regions"][0].as_str().unwrap().to_string())
                .collect();
            r.sort();
            r
        };
        assert_eq!(regions("First Evora Agreement"), ["Asturias", "Galicia"]);
        assert_eq!(regions("Second Evora Agreement"), ["Asturias"]);
    }

    #[test]
    fn period_name_examples() {
        let data = include_str!("../../../data/query/polity_periods.tsv");
        let mut n = 0;
        for l in data.lines() {
            let Some(ex) = l.strip_prefix("# example: ") else {
                continue;
            };
            let (args, want) = ex.split_once(" => ").unwrap();
            let (cow, year) = args.split_once(' ').unwrap();
            let got = period_name(cow.parse().unwrap(), year.parse().unwrap());
            let want = want.trim();
            // `-`: no line covers it, the gazetteer's own name stays.
            let want = (want != "-").then_some(want);
            assert_eq!(got, want, "example: {ex}");
            n += 1;
        }
        assert!(n >= 5);
        // An agreement's parties carry the name of the year of signing.
        let mut d = src("a", "Pact of Moscow", "1941-04-13");
        d.claims[2] = claim(
            "agreement:0",
            "party",
            json!({"name": "Russia", "cow": 365}),
        );
        let kb = KnowledgeBase::build(&[d]);
        let names: Vec<&str> = kb.agreements[0]
            .parties
            .iter()
            .map(|p| p.name.as_str())
            .collect();
        assert_eq!(names, ["Soviet Union", "Spain"]);
    }

    #[test]
    fn merges_on_parties_and_date_and_keeps_conflicts() {
        let kb = KnowledgeBase::build(&[
            src("a", "Treaty of Evora", "1801-07-03"),
            src("b", "Evora Treaty", "1801-07-03~"),
            src("c", "Treaty of Faro", "1830"),
        ]);
        assert_eq!(kb.agreements.len(), 2, "{:#?}", kb.agreements);
        let evora = kb.find("treaty of evora").unwrap();
        assert_eq!(evora.conflicts.len(), 1);
        assert_eq!(evora.conflicts[0].values.len(), 2);
        assert_eq!(evora.facts[0].cited.quote, "Quote");
        assert!(kb.find("Faro").is_some());
        assert!(kb.find("Nothing like it").is_none());
    }
}

#[cfg(test)]
mod merge_index_props {
    use super::*;
    use proptest::prelude::*;

    fn facts(name: &str, signed: Option<&str>, parties: &[u16]) -> AgreementFacts {
        AgreementFacts {
            name: name.to_string(),
            signed: signed.map(str::to_string),
            place: None,
            parties: parties
                .iter()
                .map(|&c| PolityRef {
                    name: format!("p{c}"),
                    cow: Some(c),
                })
                .collect(),
            signatories: Vec::new(),
            secret_provisions: false,
            ended: None,
        }
    }

    fn arb_facts() -> impl Strategy<Value = AgreementFacts> {
        let names = prop::sample::select(vec![
            "Treaty of Paris",
            "Paris Treaty",
            "Treaty of Amity",
            "Convention on Fisheries",
            "Secret Agreement",
        ]);
        let dates = prop::sample::select(vec![
            None,
            Some("1907"),
            Some("1907-06"),
            Some("1907-06-10"),
            Some("1907-06-10~"),
            Some("1908"),
            Some("1907/1908"),
            Some("19"),
            Some(""),
        ]);
        let parties = prop::collection::vec(0u16..4, 0..3);
        (names, dates, parties).prop_map(|(n, d, p)| facts(n, d, &p))
    }

    proptest! {
        /// The index never leaves out an agreement that the merge rule
        /// would join: every one `same_agreement` accepts is a candidate.
        #[test]
        fn candidates_hold_every_match(seen in prop::collection::vec(arb_facts(), 0..12), probe in arb_facts()) {
            let keys: Vec<MergeKey> = seen.iter().map(MergeKey::new).collect();
            let mut index = MergeIndex::default();
            for (i, k) in keys.iter().enumerate() {
                index.add(i, k);
            }
            let probe = MergeKey::new(&probe);
            let cands = index.candidates(&probe);
            for (i, k) in keys.iter().enumerate() {
                if same_agreement(k, &probe) {
                    prop_assert!(cands.contains(&i), "agreement {} left out", i);
                }
            }
        }
    }
}
