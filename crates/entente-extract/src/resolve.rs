//! Resolution across documents: the agreements each document states merge
//! into one entity when they share parties and a compatible signing date, or
//! when their names match strongly. Disagreeing values stay side by side as
//! [`Conflict`]s citing each source; the consensus is the most precise value
//! most sources support.

use crate::extract::name_tokens;
use crate::facts::{
    consensus_date, cores_compatible, date_core, dates_compatible, stated_agreements,
    AgreementFacts, PolityRef,
};
use crate::Claim;
use entente_source::Span;
use serde::Serialize;
use serde_json::Value;
use std::collections::HashMap;

use foldhash::HashMapExt;
use std::sync::Arc;
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
///
/// The document, path and quote are shared: every fact of a document cites
/// the same two strings, and a sentence usually carries several facts, so
/// a copy of each per fact was most of resolution's allocations.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Cited {
    pub doc: Arc<str>,
    pub path: Arc<str>,
    pub quote: Arc<str>,
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
/// written into one string (a cited quote is built for every sentence the
/// base cites). Whitespace is what `char::is_whitespace` says it is, found
/// byte by byte: decoding every character was most of the cost.
fn single_spaced(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = String::with_capacity(s.len());
    // Words joined by single spaces are copied as one run: most sentences
    // are one run, and a byte-by-byte copy cost more than the scan.
    let mut run: Option<usize> = None;
    let mut i = 0;
    while i < b.len() {
        // The common case first: printable ASCII, no whitespace.
        let from = i;
        while let Some(0x21..=0x7e) = b.get(i) {
            i += 1;
        }
        if i > from {
            run.get_or_insert(from);
        }
        let Some(&c) = b.get(i) else { break };
        // The next most common: one space before a plain word.
        if c == b' ' && run.is_some() && matches!(b.get(i + 1), Some(0x21..=0x7e)) {
            i += 1;
            continue;
        }
        match b.get(i..).map_or(0, whitespace_len) {
            0 => {
                run.get_or_insert(i);
                i += 1;
                continue;
            }
            // One space between two words keeps the run going.
            1 if c == b' '
                && run.is_some()
                && b.get(i + 1..)
                    .is_some_and(|r| !r.is_empty() && whitespace_len(r) == 0) =>
            {
                i += 1;
            }
            n => {
                if let Some(r) = run.take() {
                    push_word(&mut out, s.get(r..i).unwrap_or(""));
                }
                i += n;
            }
        }
    }
    if let Some(r) = run {
        push_word(&mut out, s.get(r..).unwrap_or(""));
    }
    out
}

fn push_word(out: &mut String, w: &str) {
    if !out.is_empty() {
        out.push(' ');
    }
    out.push_str(w);
}

/// The length in bytes of the whitespace character `b` starts with, 0 when
/// it starts with none: the UTF-8 forms of the characters for which
/// `char::is_whitespace` holds. A continuation byte never starts one, so
/// the bytes of a string can be tested one by one.
fn whitespace_len(b: &[u8]) -> usize {
    match b {
        [b'\t'..=b'\r' | b' ', ..] => 1,
        [0x21..=0x7f, ..] => 0,
        [0xc2, 0x85 | 0xa0, ..] => 2,
        [0xe1, 0x9a, 0x80, ..]
        | [0xe2, 0x80, 0x80..=0x8a | 0xa8 | 0xa9 | 0xaf, ..]
        | [0xe2, 0x81, 0x9f, ..]
        | [0xe3, 0x80, 0x80, ..] => 3,
        _ => 0,
    }
}

/// A hasher for the spans that key a document's quotes: two offsets from
/// our own text, nothing to defend against, so a multiply and a rotation
/// serve better than the default SipHash, which showed in the profile.
#[derive(Default)]
struct SpanHasher(u64);

impl std::hash::Hasher for SpanHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.add(u64::from(b));
        }
    }

    fn write_usize(&mut self, n: usize) {
        self.add(n as u64);
    }
}

impl SpanHasher {
    fn add(&mut self, n: u64) {
        self.0 = (self.0.rotate_left(5) ^ n).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

/// The sentences of one document already quoted, by span.
type Quotes = HashMap<Span, Arc<str>, std::hash::BuildHasherDefault<SpanHasher>>;

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

/// A provision's kind and each of its regions (`""` for none), borrowed
/// from the claim: every provision of every document is looked at.
fn provision_keys(c: &Claim) -> Vec<(&str, &str)> {
    let kind = c.value.get("kind").and_then(Value::as_str).unwrap_or("");
    let mut keys: Vec<(&str, &str)> = c
        .value
        .get("regions")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .map(|r| (kind, r))
        .collect();
    if keys.is_empty() {
        keys.push((kind, ""));
    }
    keys
}

/// The provisions each agreement of a document states of itself (not
/// through its series), by kind and region.
fn own_provisions<'c>(stated: &[(AgreementFacts, Vec<&'c Claim>)]) -> Vec<(&'c str, &'c str)> {
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
fn restates_a_member(c: &Claim, own: &[(&str, &str)]) -> bool {
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
    /// The signing date without qualifiers ([`date_core`]).
    signed: Option<&'a str>,
    parties: Vec<String>,
    tokens: Vec<String>,
}

impl<'a> MergeKey<'a> {
    fn new(facts: &'a AgreementFacts) -> Self {
        MergeKey {
            facts,
            signed: facts.signed.as_deref().map(date_core),
            parties: party_keys(&facts.parties),
            tokens: name_tokens(&facts.name),
        }
    }

    /// Whether `same_agreement` and `out_of_order` answer alike for the two
    /// keys, whatever they are compared with: they read only these fields.
    fn compares_as(&self, other: &MergeKey) -> bool {
        self.facts.signed == other.facts.signed
            && self.facts.ended == other.facts.ended
            && self.parties == other.parties
            && self.tokens == other.tokens
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
    by_party: foldhash::HashMap<&'k str, Vec<usize>>,
    by_year: foldhash::HashMap<&'k str, Vec<usize>>,
    /// Agreements with a member dated less precisely than a year.
    short_dated: Vec<usize>,
    len: usize,
}

impl<'k> MergeIndex<'k> {
    /// The year of a signing date, when its core is at least that precise.
    fn year(key: &MergeKey<'k>) -> Option<Option<&'k str>> {
        let core = key.signed?;
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
    let dates_ok = match (a.signed, b.signed) {
        (Some(x), Some(y)) => Some(cores_compatible(x, y)),
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
        if x.len() >= 10 && y.len() >= 10 && dates_ok == Some(true));
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

/// The documents a build reads: the caller's, whose claims are copied into
/// the base, or given up, whose claims move into it.
enum Docs<'a> {
    Shared(&'a [SourceDoc]),
    Owned(Vec<SourceDoc>),
}

impl Docs<'_> {
    /// The documents, to read.
    fn all(&self) -> &[SourceDoc] {
        match self {
            Docs::Shared(d) => d,
            Docs::Owned(d) => d,
        }
    }

    /// Document `d`, ready to hand its claims to the base.
    fn claims_of(&mut self, d: usize) -> Option<DocClaims<'_>> {
        let (id, path, text, claims) = match self {
            Docs::Shared(docs) => {
                let s = docs.get(d)?;
                (&s.id, &s.path, &s.text, ClaimsRef::Shared(&s.claims))
            }
            Docs::Owned(docs) => {
                let SourceDoc {
                    id,
                    path,
                    text,
                    claims,
                } = docs.get_mut(d)?;
                (&*id, &*path, &*text, ClaimsRef::Owned(claims))
            }
        };
        let uses = vec![0; claims.all().len()];
        Some(DocClaims {
            id,
            path,
            text,
            claims,
            uses,
        })
    }
}

enum ClaimsRef<'d> {
    Shared(&'d [Claim]),
    Owned(&'d mut [Claim]),
}

impl ClaimsRef<'_> {
    /// The claims, to read.
    fn all(&self) -> &[Claim] {
        match self {
            ClaimsRef::Shared(c) => c,
            ClaimsRef::Owned(c) => c,
        }
    }
}

/// What a fact or an item keeps of a claim.
struct Parts {
    predicate: String,
    value: Value,
    valid_time: Option<String>,
    rule: String,
    confidence: f32,
    sentence: Span,
}

/// One document while the base takes its claims: each claim is handed out
/// as often as the base cites it, copied for all but the last citation and,
/// when the documents were given up, moved into the last.
struct DocClaims<'d> {
    id: &'d str,
    path: &'d str,
    text: &'d str,
    claims: ClaimsRef<'d>,
    /// Citations still to come of each claim.
    uses: Vec<u32>,
}

impl DocClaims<'_> {
    fn len(&self) -> usize {
        self.claims.all().len()
    }

    fn predicate(&self, i: usize) -> Option<&str> {
        self.claims.all().get(i).map(|c| c.predicate.as_str())
    }

    /// Notes one more citation of claim `i` to come.
    fn count(&mut self, i: Option<usize>) {
        if let Some(n) = i.and_then(|i| self.uses.get_mut(i)) {
            *n += 1;
        }
    }

    /// One citation of claim `i`: everything a fact keeps when `whole`,
    /// else only what a citation needs (the rule, confidence and sentence).
    fn take(&mut self, i: usize, whole: bool) -> Option<Parts> {
        let left = self.uses.get_mut(i)?;
        *left = left.saturating_sub(1);
        let last = *left == 0;
        match &mut self.claims {
            ClaimsRef::Owned(cs) if last => {
                let c = cs.get_mut(i)?;
                Some(Parts {
                    predicate: if whole {
                        std::mem::take(&mut c.predicate)
                    } else {
                        String::new()
                    },
                    value: if whole { c.value.take() } else { Value::Null },
                    valid_time: if whole { c.valid_time.take() } else { None },
                    rule: std::mem::take(&mut c.rule),
                    confidence: c.confidence,
                    sentence: c.source.sentence,
                })
            }
            claims => {
                let c = claims.all().get(i)?;
                Some(Parts {
                    predicate: if whole {
                        c.predicate.clone()
                    } else {
                        String::new()
                    },
                    value: if whole { c.value.clone() } else { Value::Null },
                    valid_time: if whole { c.valid_time.clone() } else { None },
                    rule: c.rule.clone(),
                    confidence: c.confidence,
                    sentence: c.source.sentence,
                })
            }
        }
    }
}

/// The citation of a claim in document (`id`, `path`, `text`). `quotes`
/// holds the document's sentences already quoted: a sentence usually
/// carries several claims.
fn cite(
    (id, path, text): (&Arc<str>, &Arc<str>, &str),
    sentence: Span,
    rule: String,
    confidence: f32,
    quotes: &mut Quotes,
) -> Cited {
    let quote = quotes
        .entry(sentence)
        .or_insert_with(|| single_spaced(sentence.slice(text)).into())
        .clone();
    Cited {
        doc: id.clone(),
        path: path.clone(),
        quote,
        rule,
        confidence,
    }
}

/// The position of `c` in `claims`, which holds it: the stated agreements
/// refer to their claims, and the build keeps positions instead so that it
/// can take the claims themselves afterwards.
fn position(claims: &[Claim], c: &Claim) -> Option<usize> {
    let size = std::mem::size_of::<Claim>().max(1);
    let offset = (c as *const Claim as usize).checked_sub(claims.as_ptr() as usize)?;
    let i = offset / size;
    claims
        .get(i)
        .filter(|x| offset % size == 0 && std::ptr::eq(*x, c))
        .map(|_| i)
}

/// One agreement a document states, its claims by position.
struct Stated {
    facts: AgreementFacts,
    /// The claim that declares it.
    decl: Option<usize>,
    /// The claims that become its facts, in order.
    claims: Vec<usize>,
}

/// The agreements `doc` states, each with the claims that become its facts:
/// its own, and those of its series that no member states of itself.
fn stated_of(doc: &SourceDoc) -> Vec<Stated> {
    let stated = stated_agreements(&doc.claims);
    let own = own_provisions(&stated);
    stated
        .into_iter()
        .map(|(facts, claims)| {
            let decl = claims.iter().find(|c| c.predicate == "agreement").copied();
            let subject = decl.map(|c| c.subject.as_str());
            let claims = claims
                .iter()
                .filter(|c| Some(c.subject.as_str()) == subject || !restates_a_member(c, &own))
                .filter_map(|c| position(&doc.claims, c))
                .collect();
            Stated {
                facts,
                decl: decl.and_then(|c| position(&doc.claims, c)),
                claims,
            }
        })
        .collect()
}

impl KnowledgeBase {
    /// Merges the agreements, events and indicators of many documents.
    /// The documents stay the caller's: every fact is a copy of its claim.
    /// [`KnowledgeBase::build_owned`] gives the same base for less work.
    pub fn build(docs: &[SourceDoc]) -> KnowledgeBase {
        Self::build_from(Docs::Shared(docs))
    }

    /// Merges the agreements, events and indicators of many documents, as
    /// [`KnowledgeBase::build`] does, taking the documents: each claim's
    /// value, predicate, time and rule move into the fact that cites it
    /// instead of being copied (copying and then dropping the claims' JSON
    /// values was most of the cost of a build).
    pub fn build_owned(docs: Vec<SourceDoc>) -> KnowledgeBase {
        Self::build_from(Docs::Owned(docs))
    }

    fn build_from(mut docs: Docs<'_>) -> KnowledgeBase {
        let mut kb = KnowledgeBase::default();
        // The stated agreements of every document, their claims as indices
        // into the document's claims so that the claims can be taken later;
        // for each merged agreement the indices of the stated ones it holds,
        // so that the merge compares precomputed keys.
        let stated_all: Vec<Vec<Stated>> = docs.all().iter().map(stated_of).collect();
        let keys: Vec<Vec<MergeKey>> = stated_all
            .iter()
            .map(|st| st.iter().map(|s| MergeKey::new(&s.facts)).collect())
            .collect();
        let mut members: Vec<Vec<(usize, usize)>> = Vec::new();
        let mut index = MergeIndex::default();
        for (d, stated) in stated_all.iter().enumerate() {
            let Some(mut src) = docs.claims_of(d) else {
                continue;
            };
            // How often the base cites each claim: a claim moves into its
            // last citation and is copied into the ones before.
            for s in stated {
                src.count(s.decl);
                for &i in &s.claims {
                    src.count(Some(i));
                }
            }
            for i in 0..src.len() {
                if matches!(src.predicate(i), Some("event" | "indicator")) {
                    src.count(Some(i));
                }
            }
            let mut quotes = Quotes::default();
            let (doc_id, doc_path): (Arc<str>, Arc<str>) = (src.id.into(), src.path.into());
            for (k, s) in stated.iter().enumerate() {
                let f = &s.facts;
                let Some(key) = keys.get(d).and_then(|ks| ks.get(k)) else {
                    continue;
                };
                let at = (&doc_id, &doc_path, src.text);
                let cited_decl = match s.decl.and_then(|i| src.take(i, false)) {
                    Some(p) => cite(at, p.sentence, p.rule, p.confidence, &mut quotes),
                    None => Cited {
                        doc: doc_id.clone(),
                        path: doc_path.clone(),
                        quote: Arc::from(""),
                        rule: String::new(),
                        confidence: 0.0,
                    },
                };
                let mut facts: Vec<Fact> = Vec::with_capacity(s.claims.len());
                for &i in &s.claims {
                    if let Some(p) = src.take(i, true) {
                        facts.push(Fact {
                            cited: cite(at, p.sentence, p.rule, p.confidence, &mut quotes),
                            predicate: p.predicate,
                            value: p.value,
                            valid_time: p.valid_time,
                        });
                    }
                }
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
                // A member the merge compares exactly as one it holds
                // (the same agreement stated alike by many documents)
                // changes no comparison: only the first is kept among the
                // members and in the index.
                let mut distinct = true;
                match merged {
                    Some((a, ms)) => {
                        if !a.aliases.contains(&f.name) && a.name != f.name {
                            a.aliases.push(f.name.clone());
                        }
                        a.facts.extend(facts);
                        a.per_source.push((f.clone(), cited_decl));
                        distinct = !ms.iter().filter_map(member_key).any(|m| m.compares_as(key));
                        if distinct {
                            ms.push((d, k));
                        }
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
                if distinct {
                    index.add(found.unwrap_or(members.len() - 1), key);
                }
            }
            for i in 0..src.len() {
                let list = match src.predicate(i) {
                    Some("event") => &mut kb.events,
                    Some("indicator") => &mut kb.indicators,
                    _ => continue,
                };
                if let Some(p) = src.take(i, true) {
                    let at = (&doc_id, &doc_path, src.text);
                    list.push(Item {
                        cited: cite(at, p.sentence, p.rule, p.confidence, &mut quotes),
                        value: p.value,
                        valid_time: p.valid_time,
                    });
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
        // Each signatory once, under its merged name. The lookups of
        // `person`, indexed: the first person with the form, else the first
        // whose name has the same words.
        let mut by_form: foldhash::HashMap<&str, &Person> = foldhash::HashMap::new();
        let mut by_tokens: foldhash::HashMap<Vec<String>, &Person> = foldhash::HashMap::new();
        for p in &self.persons {
            for form in std::iter::once(&p.name).chain(&p.aliases) {
                by_form.entry(form.as_str()).or_insert(p);
            }
            by_tokens.entry(person_tokens(&p.name)).or_insert(p);
        }
        let person = |name: &str| {
            by_form.get(name).copied().or_else(|| {
                let t = person_tokens(name);
                if t.is_empty() {
                    None
                } else {
                    by_tokens.get(&t).copied()
                }
            })
        };
        let mut signatories: Vec<Vec<String>> = Vec::new();
        for a in &self.agreements {
            let mut merged: Vec<String> = Vec::new();
            for s in &a.signatories {
                let n = person(s).map_or(s.clone(), |p| p.name.clone());
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
    fn taking_the_documents_gives_the_same_base() {
        // Claims cited more than once (a series' provisions, copied to each
        // member) must be copied into all but their last citation.
        let sphere = |s: &str| {
            claim(
                s,
                "provision",
                json!({"kind": "neutrality", "regions": ["Algarve"]}),
            )
        };
        let mut series = src("s", "Faro Conventions", "1802");
        series.claims = vec![
            claim(
                "agreement:0",
                "agreement",
                json!({"name": "Faro Conventions", "is_series": true}),
            ),
            sphere("agreement:0"),
            claim(
                "agreement:1",
                "agreement",
                json!({"name": "First Faro Convention", "series": "agreement:0"}),
            ),
            claim("agreement:1", "signed", json!({"date": "1802-01-02"})),
            claim(
                "agreement:2",
                "agreement",
                json!({"name": "Second Faro Convention", "series": "agreement:0"}),
            ),
            claim("agreement:2", "signed", json!({"date": "1803-01-02"})),
            claim(
                "event:0",
                "event",
                json!({"kind": "visit", "persons": ["Diego Godoy"]}),
            ),
        ];
        let mut a = src("a", "Treaty of Evora", "1801-07-03");
        a.claims
            .push(signatory("Manuel Godoy", Some("Envoy"), None));
        let docs = vec![a, src("b", "Evora Treaty", "1801-07-03~"), series];
        let shared = serde_json::to_string(&KnowledgeBase::build(&docs)).unwrap();
        let owned = KnowledgeBase::build_owned(docs);
        assert_eq!(serde_json::to_string(&owned).unwrap(), shared);
        let second = owned.find("Second Faro Convention").unwrap();
        assert!(second
            .facts
            .iter()
            .any(|f| f.predicate == "provision" && f.value["regions"][0] == "Algarve"));
        assert_eq!(owned.events.len(), 1);
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
        assert_eq!(&*evora.facts[0].cited.quote, "Quote");
        assert!(kb.find("Faro").is_some());
        assert!(kb.find("Nothing like it").is_none());
    }
}

#[cfg(test)]
mod quote_props {
    use super::*;
    use proptest::prelude::*;

    /// What `single_spaced` must give, written the plain way.
    fn reference(s: &str) -> String {
        s.split_whitespace().collect::<Vec<_>>().join(" ")
    }

    #[test]
    fn whitespace_len_agrees_with_char_is_whitespace() {
        let mut buf = [0u8; 4];
        for c in (0..=0x10ffffu32).filter_map(char::from_u32) {
            let enc = c.encode_utf8(&mut buf);
            let want = if c.is_whitespace() { enc.len() } else { 0 };
            assert_eq!(whitespace_len(enc.as_bytes()), want, "{c:?}");
        }
    }

    #[test]
    fn quotes_are_single_spaced() {
        assert_eq!(
            single_spaced("  The pact\u{a0}was\n\tsigned.\u{3000}"),
            "The pact was signed."
        );
        assert_eq!(
            single_spaced("Déjà\u{2009}vu \u{2019}x\u{2019}"),
            "Déjà vu \u{2019}x\u{2019}"
        );
        assert_eq!(single_spaced(" \u{85}\r\n "), "");
    }

    proptest! {
        #[test]
        fn single_spaced_is_split_whitespace_joined(
            s in "([a-zé’—\u{a0}\u{85}\u{2000}-\u{200b}\u{2028}\u{202f}\u{205f}\u{3000}\u{1680} \t\n\r]|[\\PC]){0,40}",
        ) {
            prop_assert_eq!(single_spaced(&s), reference(&s));
        }
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
