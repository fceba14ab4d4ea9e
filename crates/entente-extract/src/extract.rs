//! The rule engine: triggers from the lexicon, arguments from the mentions
//! around them, nearest scope first (trigger zone, sentence, section heading,
//! then the document's main agreement or pair of polities).

use crate::rules::{lexicon, Hit, Lexicon};
use crate::spheres::sphere_pairs;
use crate::{Citation, Claim};
use aho_corasick::AhoCorasick;
use entente_recognise::{
    agreement::AgreementMention, polity::PolityMention, Mention, MentionKind, Recognition, Sentence,
};
use entente_source::{BlockKind, Document, Span};
use regex::Regex;
use serde_json::{json, Value};
use std::borrow::Cow;
// foldhash: these maps are looked up for every sentence and mention, and
// nothing iterates them in an order that reaches the output.
use foldhash::{HashMap, HashMapExt, HashSet, HashSetExt};
use std::sync::OnceLock;

/// Confidence factor for an argument found `d` bytes from its trigger: near
/// arguments are more often the right ones.
/// `fn $name() -> Option<&'static Regex>`: the pattern compiled once, on
/// first use; `None` if it does not compile, which `every_pattern_compiles`
/// rules out.
macro_rules! lazy_re {
    ($(#[$doc:meta])* $name:ident, $pattern:expr $(,)?) => {
        $(#[$doc])*
        fn $name() -> Option<&'static Regex> {
            static RE: OnceLock<Option<Regex>> = OnceLock::new();
            RE.get_or_init(|| crate::rules::code_regex(&$pattern)).as_ref()
        }
    };
}

fn distance_factor(d: usize) -> f32 {
    1.0 / (1.0 + d as f32 / 120.0)
}

/// Factors for arguments taken from a wider scope than the sentence.
const SECTION_FACTOR: f32 = 0.6;
const DOCUMENT_FACTOR: f32 = 0.45;

/// A polity as claims carry it.
/// A polity as a claim value, with the words the text used for it when
/// they are not its name (the form decides some period readings,
/// `data/rules/polity_existence.tsv`).
fn polity_value(p: &PolityMention) -> Value {
    if p.form == p.name {
        json!({"id": p.id, "name": p.name, "cow": p.cow})
    } else {
        json!({"id": p.id, "name": p.name, "cow": p.cow, "form": p.form})
    }
}

fn polity_of(m: &Mention) -> Option<&PolityMention> {
    match &m.kind {
        MentionKind::Polity(p) => Some(p),
        _ => None,
    }
}

fn agreement_of(m: &Mention) -> Option<&AgreementMention> {
    match &m.kind {
        MentionKind::Agreement(a) => Some(a),
        _ => None,
    }
}

fn date_of(m: &Mention) -> Option<&str> {
    match &m.kind {
        MentionKind::Date(d) => Some(d.edtf.as_str()),
        _ => None,
    }
}

/// The year an EDTF string starts with.
fn edtf_year(s: &str) -> Option<&str> {
    let y = s.get(..4)?;
    y.bytes().all(|b| b.is_ascii_digit()).then_some(y)
}

/// How precise an EDTF date is: day 3, month 2, year 1; less for decades.
pub(crate) fn precision(edtf: &str) -> u8 {
    let core = edtf.split('/').next().unwrap_or("");
    let core = core.trim_end_matches(['~', '?', '%']);
    if core.contains('X') || core.len() < 4 {
        0
    } else {
        match core.len() {
            10.. => 3,
            7..=9 => 2,
            _ => 1,
        }
    }
}

/// Whether a name describes rather than names an agreement: its head noun
/// (the instrument word) is in lower case ("a Russo-Japanese agreement",
/// "treaty of commerce").
pub(crate) fn is_description(name: &str) -> bool {
    const HEADS: [&str; 9] = [
        "treaty",
        "agreement",
        "convention",
        "pact",
        "alliance",
        "accord",
        "protocol",
        "armistice",
        "declaration",
    ];
    // No allocation: this runs for every agreement mention and entity. The
    // heads are ASCII, so ASCII case folding is the same as full folding.
    let head = |w: &str| {
        HEADS.iter().any(|h| {
            w.eq_ignore_ascii_case(h)
                || w.strip_suffix(['s', 'S'])
                    .is_some_and(|stem| stem.eq_ignore_ascii_case(h))
        }) || w.eq_ignore_ascii_case("treaties")
    };
    let mut heads = name
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| head(w))
        .peekable();
    heads.peek().is_some() && heads.all(|w| w.chars().next().is_some_and(char::is_lowercase))
        || name.chars().next().is_some_and(char::is_lowercase)
}

/// Whether a name is plural ("the Secret Agreements", "Treaties of X and
/// Y"): its instrument word is.
pub(crate) fn is_plural_name(name: &str) -> bool {
    const PLURALS: [&str; 8] = [
        "treaties",
        "agreements",
        "conventions",
        "pacts",
        "alliances",
        "accords",
        "protocols",
        "declarations",
    ];
    // ASCII folding, no lower-cased copy per word: the words are ASCII, and
    // no non-ASCII letter lower-cases to one of their letters.
    name.split(|c: char| !c.is_alphanumeric())
        .any(|w| PLURALS.iter().any(|p| w.eq_ignore_ascii_case(p)))
}

/// Tokens of a name without years and function words, for loose matching:
/// its runs of letters and digits, lower-cased.
///
/// Written as one walk over the name (no folded copy of it, no joined
/// string): it runs several times for every agreement mention. Dashes,
/// quotes, spaces and a leading "the" need no folding here, since they are
/// separators or dropped words either way.
/// Whether `long` is `short` with one dash compound in front ("Anglo-Chinese
/// Treaty of Nanjing" and "Treaty of Nanjing"), `short` being a proper name
/// (capitalised, of two words or more).
fn compound_prefixed(long: &str, short: &str) -> bool {
    let short = short.strip_prefix("the ").unwrap_or(short);
    if !short.starts_with(|c: char| c.is_uppercase()) || !short.contains(' ') {
        return false;
    }
    let Some(head) = long
        .len()
        .checked_sub(short.len())
        .and_then(|cut| {
            long.get(cut..)
                .filter(|tail| tail.eq_ignore_ascii_case(short))
                .map(|_| cut)
        })
        .and_then(|cut| long.get(..cut))
    else {
        return false;
    };
    let head = head.trim_end_matches(' ');
    let head = head.strip_prefix("the ").unwrap_or(head);
    head.len() < long.len()
        && !head.is_empty()
        && !head.contains(' ')
        && head.contains(['-', '–', '—'])
}

pub(crate) fn name_tokens(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    each_name_token(s, |t| {
        out.push(t.to_string());
        true
    });
    out
}

/// Calls `f` with each of the [`name_tokens`] of `s` in turn, until it
/// returns false, without making them: a caller that only counts them or
/// reads the first allocates nothing for an ASCII name.
fn each_name_token(s: &str, mut f: impl FnMut(&str) -> bool) {
    let mut ascii = String::new();
    for raw in s.split(|c: char| !c.is_alphanumeric()) {
        if raw.is_empty() {
            continue;
        }
        if !raw.bytes().any(|b| b.is_ascii_uppercase() || !b.is_ascii()) {
            if let Some(t) = name_token(raw) {
                if !f(t) {
                    return;
                }
            }
            continue;
        }
        if raw.is_ascii() {
            // ASCII lower-casing makes no separator: the word stays one
            // token, folded into a buffer reused for every word.
            ascii.clear();
            ascii.push_str(raw);
            ascii.make_ascii_lowercase();
            if let Some(t) = name_token(&ascii) {
                if !f(t) {
                    return;
                }
            }
            continue;
        }
        // Lower-casing may yield a separator ("İ" gives "i" and a combining
        // dot), which splits the word as folding the whole name would.
        let lower = raw.to_lowercase();
        for t in lower.split(|c: char| !c.is_alphanumeric()) {
            if let Some(t) = name_token(t) {
                if !f(t) {
                    return;
                }
            }
        }
    }
}

/// A lower-cased word of a name as a token: none for years and function
/// words, and plurals of instrument words made singular.
fn name_token(t: &str) -> Option<&str> {
    if t.is_empty()
        || t.bytes().all(|b| b.is_ascii_digit())
        || matches!(t, "the" | "of" | "and" | "between" | "on" | "a" | "an")
    {
        return None;
    }
    Some(match t {
        // "the Secret Agreements" and "the Secret Agreement" are one.
        "treaties" => "treaty",
        "agreements" | "conventions" | "pacts" | "alliances" | "accords" | "protocols" => {
            t.trim_end_matches('s')
        }
        t => t,
    })
}

const ORDINALS: [&str; 10] = [
    "First", "Second", "Third", "Fourth", "Fifth", "Sixth", "Seventh", "Eighth", "Ninth", "Tenth",
];

/// The ordinal a word names ("sixth" -> 6).
fn ordinal_word(w: &str) -> Option<u32> {
    // Called on every word of every event's zone: no allocation. The
    // ordinals are ASCII, so ASCII case folding is exact for them.
    ORDINALS
        .iter()
        .position(|o| o.eq_ignore_ascii_case(w))
        .and_then(|i| u32::try_from(i + 1).ok())
        .or_else(|| {
            // "1st", "2nd", "3rd", "4th"
            let n = w.bytes().take_while(u8::is_ascii_digit).count();
            let (digits, rest) = (w.get(..n)?, w.get(n..)?);
            let suffix = ["st", "nd", "rd", "th"]
                .iter()
                .any(|x| x.eq_ignore_ascii_case(rest));
            if n > 0 && suffix {
                digits.parse().ok()
            } else {
                None
            }
        })
}

/// An agreement entity within one document.
#[derive(Debug, Clone)]
struct Entity {
    /// Set through [`Entity::rename`], which keeps the tokens in step.
    name: String,
    /// `name_tokens` of the name without its party phrase, and of the whole
    /// name: compared against every new mention, so computed once per name
    /// rather than once per comparison.
    toks: Vec<String>,
    all_toks: Vec<String>,
    ordinal: Option<u32>,
    year: Option<i32>,
    /// Polities named in the name, as claim values.
    polities: Vec<Value>,
    /// Made from an anaphor ("the First Treaty"), so its name is provisional.
    from_reference: bool,
    /// A plural or series name ("the Secret Agreements").
    plural: bool,
    /// Made from an indefinite phrase ("a treaty of commerce").
    indefinite: bool,
    /// Index of the sentence and span of its first mention.
    first: (usize, Span),
    /// The series this entity belongs to, when it has an ordinal.
    series: Option<usize>,
    mentions: usize,
}

impl Entity {
    fn tokens_of(name: &str) -> (Vec<String>, Vec<String>) {
        (
            name_tokens(crate::names::without_party_phrase(name)),
            name_tokens(name),
        )
    }

    fn rename(&mut self, name: &str) {
        self.name = name.to_string();
        (self.toks, self.all_toks) = Self::tokens_of(name);
    }
}

/// Per-sentence context.
#[derive(Debug, Clone)]
struct SentInfo {
    span: Span,
    /// Index of the block (paragraph) the sentence lies in.
    block: Option<usize>,
    section: Option<u32>,
    heading: bool,
    /// The heading level, for headings (a title counts as level 0).
    level: Option<u8>,
    boilerplate: bool,
}

struct Engine<'a> {
    doc_id: &'a str,
    doc: &'a Document,
    rec: &'a Merged<'a>,
    lex: &'static Lexicon,
    sents: Vec<SentInfo>,
    entities: Vec<Entity>,
    main: Option<usize>,
    pair: Vec<Value>,
    /// Whether the title names a polity: the document is then about those
    /// relations, and its pair stands for any agreement in it. Otherwise
    /// (a survey of a period) the pair is only the most named polities.
    pair_from_title: bool,
    /// Section -> (heading year, heading sentence index).
    heading_year: HashMap<u32, String>,
    /// Section -> the last date its heading gives, as EDTF.
    heading_date: HashMap<u32, String>,
    /// Section -> the agreement its heading names.
    section_entity: HashMap<u32, usize>,
    /// Block -> the agreement last named in it.
    block_entity: HashMap<usize, usize>,
    /// Agreement mention span -> entity, in the order they were resolved.
    mention_entity: Vec<(Span, usize)>,
    /// The spans of `mention_entity`, sorted, and the longest one's length:
    /// `inside_agreement` asks about every date and polity mention, and a
    /// scan of all the document's agreement mentions each time made the
    /// engine quadratic on documents that name many agreements.
    agreement_spans: Vec<Span>,
    longest_agreement: usize,
    /// Claims about "the treaties of YEAR", applied to each agreement signed
    /// that year once the whole document is read.
    plural_claims: Vec<(i32, Claim)>,
    /// Plural entities whose claims went to their members.
    expanded: Vec<String>,
    /// Dates that belong to an agreement's name ("of February 1945").
    name_dates: HashSet<Span>,
    last_entity: Option<usize>,
    /// The last sentence with a secrecy cue, and its block.
    last_secret: Option<(usize, Option<usize>)>,
    claims: Vec<Claim>,
    next_event: usize,
    next_indicator: usize,
}

/// Runs every rule over a document and returns its claims.
///
/// `doc_id` is recorded in each claim's citation. Never panics, whatever the
/// text and mentions.
pub fn extract(doc_id: &str, doc: &Document, rec: &Recognition) -> Vec<Claim> {
    // The fallback name finder fills in names the recogniser did not give
    // (it may not know every naming pattern yet); a recognised mention
    // always wins where both overlap.
    // A fallback name that strictly contains a recognised one ("Treaty on
    // the Final Settlement with Respect to Germany" around "Treaty on the
    // Final") replaces it.
    let mut extra = Vec::new();
    for b in &doc.blocks {
        if matches!(b.kind, BlockKind::Boilerplate) {
            continue;
        }
        extra.extend(crate::names::find(b.span.slice(&doc.text), b.span.start));
    }
    let is_agreement = |m: &Mention| matches!(m.kind, MentionKind::Agreement(_));
    let longer = |m: &Mention| {
        extra.iter().any(|x| {
            x.span.contains(&m.span)
                && x.span.len() > m.span.len()
                && agreement_of(x).is_some_and(|a| !a.reference)
        })
    };
    // References, not copies: the recognised mentions own strings and
    // vectors, and cloning them all cost as much as a tenth of extraction.
    let mut mentions: Vec<&Mention> = rec
        .mentions
        .iter()
        .filter(|m| !is_agreement(m) || !longer(m))
        .collect();
    let known: Vec<Span> = mentions
        .iter()
        .filter(|m| is_agreement(m))
        .map(|m| m.span)
        .collect();
    for m in &extra {
        if !known.iter().any(|k| k.overlaps(&m.span)) {
            mentions.push(m);
        }
    }
    mentions.sort_by_key(|m| (m.span.start, std::cmp::Reverse(m.span.end)));
    let rec = Merged {
        sentences: &rec.sentences,
        mentions,
    };
    let mut e = Engine::new(doc_id, doc, &rec);
    e.run();
    e.claims
}

/// The recognised mentions with the fallback names merged in, sorted by
/// start and then longest first, as [`Recognition::mentions`] is.
struct Merged<'a> {
    sentences: &'a [Sentence],
    mentions: Vec<&'a Mention>,
}

impl<'a> Merged<'a> {
    /// The mentions from the first that starts at or after `from`, in
    /// order. The list is sorted by start, so this is a binary search, not
    /// a scan of the whole document for every name.
    fn from(&self, from: usize) -> impl Iterator<Item = &'a Mention> + '_ {
        let first = self.mentions.partition_point(|m| m.span.start < from);
        self.mentions
            .get(first..)
            .unwrap_or_default()
            .iter()
            .copied()
    }

    /// The mentions that lie inside `span`, as [`Recognition::mentions_in`].
    fn mentions_in(&self, span: Span) -> impl Iterator<Item = &'a Mention> + '_ {
        self.from(span.start)
            .take_while(move |m| m.span.start < span.end)
            .filter(move |m| span.contains(&m.span))
    }

    /// The mentions that start in `from..=to`, in order.
    fn starting_in(&self, from: usize, to: usize) -> impl Iterator<Item = &'a Mention> + '_ {
        self.from(from).take_while(move |m| m.span.start <= to)
    }
}

fn dist(a: &Span, b: &Span) -> usize {
    if a.overlaps(b) {
        0
    } else if a.end <= b.start {
        b.start - a.end
    } else {
        a.start - b.end
    }
}

lazy_re!(
    /// The gap between a subject and a passive verb ("was formally").
    passive_gap_re,
    r"(?i)^\s+(?:was|were|had\s+been|has\s+been)\s+(?:\w+ly\s+)?$"
);

lazy_re!(
    /// A name that starts with a lower-case particle ("of Völderndorff").
    particle_re, r"^(?:of|de|von|van|du|di|da|der|del)\s");

lazy_re!(
    /// The gap between a given name and its particle: a comma and a title.
    title_gap_re,
    r"^,?\s*(?:(?:Baron|Baroness|Count|Countess|Freiherr|Graf|Chevalier|Marquis|Marquess|Duke|Prince|Lord|Sir)\s+)?$"
);

lazy_re!(
    /// Words for a state or its government, the things recognition is of.
    state_noun_re,
    r"(?i)\b(?:governments?|states?|republics?|kingdoms?|empires?|regimes?|independence|sovereignty|nations?|countr(?:y|ies)|administration|authorit(?:y|ies)|committee|council|junta|dynasty|monarchy|king|queen|emperor|sultan|president|belligeren(?:cy|ts?)|union|federation|confederation|provinces?)\b"
);

lazy_re!(
    /// The other side of an agreement as a coalition of states.
    coalition_re,
    r"\b(?:with|and)\s+the\s+(?:Allies|Allied\s+(?:and\s+Associated\s+)?[Pp]owers|Central\s+Powers|Axis(?:\s+[Pp]owers)?|Entente\s+[Pp]owers)\b"
);

lazy_re!(
    /// A continuation cue: the sentence adds to the one before it.
    also_re,
    r"(?i)^\W*(?:\w+\s+){0,2}(?:also|further|moreover|in\s+addition)\b"
);

lazy_re!(
    /// "by treaty with (the)": an unnamed agreement and its counterpart.
    by_treaty_re,
    r"(?i)\bby\s+(?:a\s+)?(?:treaty|convention|agreement)\s+with\s+(?:the\s+)?"
);

/// Whether `text` holds one of the instrument words that head a described
/// agreement (the words of `indefinite_re`), in any case.
fn names_an_instrument(text: &str) -> bool {
    const WORDS: [&str; 9] = [
        "treaty",
        "convention",
        "agreement",
        "pact",
        "armistice",
        "protocol",
        "accord",
        "fire",
        "truce",
    ];
    // One automaton pass instead of a lower-cased copy of every sentence
    // and a search per word.
    static AC: OnceLock<Option<AhoCorasick>> = OnceLock::new();
    match AC.get_or_init(|| {
        AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .build(WORDS)
            .ok()
    }) {
        Some(ac) => ac.is_match(text),
        None => {
            let lower = text.to_ascii_lowercase();
            WORDS.iter().any(|w| lower.contains(w))
        }
    }
}

/// The patterns of `data/rules/public_cues.tsv`, as one.
fn public_cue_re() -> Option<&'static Regex> {
    static RE: OnceLock<Option<Regex>> = OnceLock::new();
    RE.get_or_init(|| {
        let alts = data_lines(include_str!("../../../data/rules/public_cues.tsv"));
        crate::rules::code_regex(&format!(r"(?i)\b(?:{})\b", alts.join("|")))
    })
    .as_ref()
}

/// The phrases of `data/rules/vague_times.tsv`, as one pattern.
fn vague_time_re() -> Option<&'static Regex> {
    static RE: OnceLock<Option<Regex>> = OnceLock::new();
    RE.get_or_init(|| {
        let alts = data_lines(include_str!("../../../data/rules/vague_times.tsv"));
        Regex::new(&format!(r"(?i)\b(?:{})\b", alts.join("|"))).ok()
    })
    .as_ref()
}

/// Cues of `data/rules/prior_cues.tsv`.
fn prior_cues() -> &'static [String] {
    static W: OnceLock<Vec<String>> = OnceLock::new();
    W.get_or_init(|| data_lines(include_str!("../../../data/rules/prior_cues.tsv")))
}

/// Words of `data/rules/sequence_cues.tsv`.
fn sequence_cues() -> &'static [String] {
    static W: OnceLock<Vec<String>> = OnceLock::new();
    W.get_or_init(|| data_lines(include_str!("../../../data/rules/sequence_cues.tsv")))
}

/// Words of `data/rules/other_event_cues.tsv`.
fn other_event_cues() -> &'static [String] {
    static W: OnceLock<Vec<String>> = OnceLock::new();
    W.get_or_init(|| data_lines(include_str!("../../../data/rules/other_event_cues.tsv")))
}

/// Whether `s[at..at + len]` is a whole word (no letter on either side).
fn is_word_at(s: &str, at: usize, len: usize) -> bool {
    let before = s.get(..at).and_then(|b| b.chars().next_back());
    let after = s.get(at + len..).and_then(|a| a.chars().next());
    !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
}

/// Head words of `data/rules/ending_objects.tsv`.
fn ending_objects() -> &'static [String] {
    static W: OnceLock<Vec<String>> = OnceLock::new();
    W.get_or_init(|| data_lines(include_str!("../../../data/rules/ending_objects.tsv")))
}

/// The entries of a one-column data file: its lines, trimmed, without
/// blank lines and `#` comments.
fn data_lines(file: &str) -> Vec<String> {
    file.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(str::to_string)
        .collect()
}

lazy_re!(
    indefinite_re,
    r"(?i)\b(?:(?:a|an)\s+((?:(?-i:[a-z][a-z-]*)\s+){1,3}?(?:treaty|convention|agreement|pact|armistice|protocol|accord|cease-?fire|truce)(?:\s+(?:of|on|for|establishing|regarding|concerning|governing|dealing\s+with|providing\s+for|relating\s+to|respecting)\s+(?-i:[a-z][\w’'-]*(?:,?\s+[a-z][\w’'-]*){0,10}))?)|(?:a|an|the)\s+((?:(?:new|basic|commercial|bilateral|formal|separate|supplementary|additional|provisional|preliminary|general|joint|intergovernmental|consular|extradition|naturali[sz]ation|reciprocity|trade|peace|boundary|postal)\s+)*(?:treaty|convention|agreement|pact|armistice|protocol|accord|cease-?fire|truce)(?:\s+(?:of|on|for|establishing|regarding|concerning|governing|dealing\s+with|providing\s+for|relating\s+to|respecting)\s+(?-i:[a-z][\w’'-]*(?:,?\s+[a-z][\w’'-]*){0,10}))?))",
);

/// How many bytes of a described agreement ("treaty of amity and commerce
/// at Chemulpo was ...") to keep: up to the first word that starts another
/// phrase.
fn trim_description(s: &str) -> usize {
    const STOP: [&str; 25] = [
        "was", "were", "is", "are", "which", "that", "signed", "entered", "came", "had", "has",
        "by", "in", "at", "on", "with", "to", "from", "when", "after", "before", "during", "until",
        "but", "would",
    ];
    let words: Vec<(usize, &str)> = s
        .split_whitespace()
        .map(|w| (w.as_ptr() as usize - s.as_ptr() as usize, w))
        .collect();
    // The head and its "of X" (the first three words) always stay.
    for (k, (pos, w)) in words.iter().enumerate().skip(3) {
        let lw = w.trim_end_matches(',').to_lowercase();
        let next_stops = words
            .get(k + 1)
            .is_some_and(|n| STOP.contains(&n.1.to_lowercase().as_str()));
        // "and" joins objects ("amity and commerce") unless a stop follows.
        if STOP.contains(&lw.as_str()) || (lw == "and" && next_stops) {
            return s.get(..*pos).map(|x| x.trim_end().len()).unwrap_or(s.len());
        }
    }
    s.len()
}

lazy_re!(
    /// The words between a name and a date that hang the date on the name:
    /// a participle and a preposition ("announced at the end of", "adopted in").
    participle_re,
    r"^,?\s+[a-z]+ed\s+(?:at|in|on)(?:\s+the\s+(?:end|start|beginning|middle)\s+of)?\s+$",
);

lazy_re!(
    place_fallback_re,
    r"^\s*(?:,\s*)?(?:in|at)\s+((?:[A-Z][\p{L}'’.-]+)(?:\s+[A-Z][\p{L}'’.-]+)*)"
);

impl<'a> Engine<'a> {
    fn new(doc_id: &'a str, doc: &'a Document, rec: &'a Merged<'a>) -> Self {
        let sentences: Vec<Sentence> = if rec.sentences.is_empty() {
            // The splitter may not be ready: one sentence per block keeps the
            // engine working, at the cost of wider zones.
            doc.blocks
                .iter()
                .enumerate()
                .map(|(i, b)| Sentence {
                    span: b.span,
                    block: Some(i),
                })
                .collect()
        } else {
            rec.sentences.to_vec()
        };
        let sents = sentences
            .iter()
            .map(|s| {
                let block = s.block.and_then(|b| doc.blocks.get(b));
                SentInfo {
                    span: s.span,
                    block: s.block,
                    section: block.and_then(|b| b.section),
                    heading: block.is_some_and(|b| {
                        matches!(b.kind, BlockKind::Heading { .. } | BlockKind::Title)
                    }),
                    level: block.and_then(|b| match b.kind {
                        BlockKind::Heading { level } => Some(level),
                        BlockKind::Title => Some(0),
                        _ => None,
                    }),
                    // Infobox lines are read as structure, not as prose.
                    boilerplate: block.is_some_and(|b| {
                        matches!(b.kind, BlockKind::Boilerplate | BlockKind::KeyValue { .. })
                    }),
                }
            })
            .collect();
        Engine {
            doc_id,
            doc,
            rec,
            lex: lexicon(),
            sents,
            entities: Vec::new(),
            main: None,
            pair: Vec::new(),
            pair_from_title: false,
            heading_year: HashMap::new(),
            heading_date: HashMap::new(),
            section_entity: HashMap::new(),
            block_entity: HashMap::new(),
            mention_entity: Vec::new(),
            agreement_spans: Vec::new(),
            longest_agreement: 0,
            name_dates: HashSet::new(),
            plural_claims: Vec::new(),
            expanded: Vec::new(),
            last_entity: None,
            last_secret: None,
            claims: Vec::new(),
            next_event: 0,
            next_indicator: 0,
        }
    }

    fn text(&self, span: Span) -> &'a str {
        span.slice(&self.doc.text)
    }

    fn mentions_in(&self, span: Span) -> Vec<&'a Mention> {
        self.rec.mentions_in(span).collect()
    }

    // Each argument is one field of the claim; a builder would only move
    // the same list elsewhere.
    #[allow(clippy::too_many_arguments)]
    fn push(
        &mut self,
        subject: String,
        predicate: &str,
        value: Value,
        valid_time: Option<String>,
        sentence: Span,
        evidence: Span,
        rule: &str,
        confidence: f32,
    ) {
        self.claims.push(Claim {
            subject,
            predicate: predicate.to_string(),
            value,
            valid_time,
            source: Citation {
                doc: self.doc_id.to_string(),
                sentence,
                evidence,
            },
            rule: rule.to_string(),
            confidence: confidence.clamp(0.0, 1.0),
        });
    }

    fn run(&mut self) {
        self.find_pair();
        self.find_headings();
        self.find_main();
        self.infobox();
        for i in 0..self.sents.len() {
            let Some(s) = self.sents.get(i).cloned() else {
                continue;
            };
            if s.boilerplate {
                continue;
            }
            self.resolve_agreements(i, &s);
            self.sentence(i, &s);
        }
        self.parent_headings();
        self.settle_events();
        self.settle_plurals();
        self.settle_secret_spheres();
        self.declare_entities();
    }

    /// A sphere the document calls secret in one place is the same secret
    /// provision where a later sentence mentions it in passing ("violated
    /// Russia's sphere in Outer Mongolia"): secrecy is a property of the
    /// provision, not of the sentence that repeats it.
    fn settle_secret_spheres(&mut self) {
        // Keyed by holder and region, not by agreement: a passing mention
        // often attaches to the document's main agreement instead.
        let key = |c: &Claim| -> Option<String> {
            if c.predicate != "provision" || c.value["kind"] != "sphere_of_influence" {
                return None;
            }
            c.value["beneficiary"]["id"].as_str().map(str::to_string)
        };
        let regions = |c: &Claim| -> Vec<String> {
            c.value["regions"]
                .as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(|r| r.as_str().map(str::to_string))
                        .collect()
                })
                .unwrap_or_default()
        };
        let secret: Vec<(String, Vec<String>, String)> = self
            .claims
            .iter()
            .filter(|c| c.value["secret"] == true)
            .filter_map(|c| key(c).map(|k| (k, regions(c), c.subject.clone())))
            .collect();
        let mut misplaced: Vec<usize> = Vec::new();
        for (i, c) in self.claims.iter_mut().enumerate() {
            if c.value["secret"] == true {
                continue;
            }
            let Some(k) = key(c) else { continue };
            let rs = regions(c);
            let same: Vec<&String> = secret
                .iter()
                .filter(|(sk, srs, _)| *sk == k && rs.iter().any(|r| srs.contains(r)))
                .map(|x| &x.2)
                .collect();
            if same.contains(&&c.subject) {
                c.value["secret"] = json!(true);
            } else if !same.is_empty() {
                // The secret sphere of another agreement, mentioned in
                // passing and attached to the wrong one.
                misplaced.push(i);
            }
        }
        for i in misplaced.into_iter().rev() {
            self.claims.remove(i);
        }
    }

    fn settle_plurals(&mut self) {
        let pending = std::mem::take(&mut self.plural_claims);
        for (year, claim) in pending {
            let y = year.to_string();
            let members: Vec<usize> = (0..self.entities.len())
                .filter(|&i| {
                    let key = agreement_key(i);
                    let plural = self.entities.get(i).is_some_and(|e| e.plural);
                    !plural
                        && (self.entities.get(i).is_some_and(|e| e.year == Some(year))
                            || self.claims.iter().any(|c| {
                                c.subject == key
                                    && c.predicate == "signed"
                                    && c.valid_time.as_deref().and_then(edtf_year)
                                        == Some(y.as_str())
                            }))
                })
                .collect();
            if !members.is_empty() && !self.expanded.contains(&claim.subject) {
                self.expanded.push(claim.subject.clone());
            }
            for m in members {
                let mut c = claim.clone();
                c.subject = agreement_key(m);
                c.confidence *= 0.8;
                self.claims.push(c);
            }
        }
    }

    /// The document's pair of polities: those its title names, completed by
    /// the polities the text names most often.
    fn find_pair(&mut self) {
        let mut title: Vec<&PolityMention> = Vec::new();
        if let Some(tb) = self
            .doc
            .blocks
            .iter()
            .find(|b| matches!(b.kind, BlockKind::Title))
        {
            for m in self.rec.mentions_in(tb.span) {
                if let Some(p) = polity_of(m) {
                    if !title.iter().any(|t| t.id == p.id) {
                        title.push(p);
                    }
                }
            }
        }
        let mut title_vals: Vec<Value> = title.iter().map(|p| polity_value(p)).collect();
        if title_vals.len() < 2 {
            if let Some(t) = &self.doc.title {
                for v in polities_in_str(t) {
                    if !title_vals.iter().any(|x| x["id"] == v["id"]) {
                        title_vals.push(v);
                    }
                }
            }
        }
        let mut counts: Vec<(usize, usize, Value)> = Vec::new();
        for (order, &m) in self.rec.mentions.iter().enumerate() {
            if let Some(p) = polity_of(m) {
                match counts.iter_mut().find(|c| c.2["id"] == p.id.as_str()) {
                    Some(c) => c.0 += 1,
                    None => counts.push((1, order, polity_value(p))),
                }
            }
        }
        // A polity the title names counts as several mentions: the title
        // says what the document is about, but a headline may name a
        // bystander, so frequency can still outvote it.
        for (k, t) in title_vals.iter().enumerate() {
            match counts.iter_mut().find(|c| c.2["id"] == t["id"]) {
                Some(c) => {
                    c.0 += 3;
                    c.1 = k;
                }
                None => counts.push((3, k, t.clone())),
            }
        }
        counts.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        let mut pair: Vec<Value> = counts.into_iter().take(2).map(|c| c.2).collect();
        // The anchor comes first: the title's first polity when the title
        // names both ("the United States' relations with Korea"); when it
        // names only one ("Korea", in a series of country essays), the
        // other side is the constant one.
        let anchor = match title_vals.len() {
            0 => None,
            1 => pair.iter().position(|p| p["id"] != title_vals[0]["id"]),
            _ => pair.iter().position(|p| p["id"] == title_vals[0]["id"]),
        };
        if let Some(pos) = anchor {
            pair.swap(0, pos);
        }
        self.pair = pair;
        self.pair_from_title = !title_vals.is_empty();
    }

    /// The two polities a paragraph names most often (the first named
    /// first on a tie), for a document whose title names none: in a survey
    /// of a period, an agreement's paragraph says whose it is better than
    /// the whole document's counts do.
    fn block_pair(&self, block: usize) -> Vec<Value> {
        let Some(b) = self.doc.blocks.get(block) else {
            return Vec::new();
        };
        let mut counts: Vec<(usize, usize, &PolityMention)> = Vec::new();
        for (order, p) in self
            .rec
            .mentions_in(b.span)
            .filter_map(polity_of)
            .enumerate()
        {
            match counts.iter_mut().find(|c| c.2.id == p.id) {
                Some(c) => c.0 += 1,
                None => counts.push((1, order, p)),
            }
        }
        counts.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        counts
            .into_iter()
            .take(2)
            .map(|c| polity_value(c.2))
            .collect()
    }

    /// A year in a section heading dates the section.
    fn find_headings(&mut self) {
        for s in &self.sents {
            let (true, Some(sec)) = (s.heading, s.section) else {
                continue;
            };
            if let Some(d) = self.rec.mentions_in(s.span).filter_map(date_of).last() {
                if let Some(y) = edtf_year(d) {
                    self.heading_year
                        .entry(sec)
                        .or_insert_with(|| y.to_string());
                }
                self.heading_date
                    .entry(sec)
                    .or_insert_with(|| d.to_string());
            }
        }
    }

    /// The main agreement: the one the title names, else the first named
    /// agreement of the first heading or sentence.
    fn find_main(&mut self) {
        let title_span = self
            .doc
            .blocks
            .iter()
            .find(|b| matches!(b.kind, BlockKind::Title))
            .map(|b| b.span)
            .or_else(|| self.sents.first().map(|s| s.span));
        let Some(span) = title_span else { return };
        let found = self
            .rec
            .mentions_in(span)
            .find_map(|m| agreement_of(m).filter(|a| !a.reference).map(|a| (m, a)));
        if let Some((m, a)) = found {
            let e = self.entity_for(0, m.span, a);
            self.main = Some(e);
            self.last_entity = Some(e);
        }
    }

    fn new_entity(
        &mut self,
        sent: usize,
        span: Span,
        a: &AgreementMention,
        polities: Vec<Value>,
    ) -> usize {
        let plural = is_plural_name(&a.name);
        let (toks, all_toks) = Entity::tokens_of(&a.name);
        self.entities.push(Entity {
            name: a.name.clone(),
            toks,
            all_toks,
            ordinal: a.ordinal,
            year: a.year,
            polities,
            from_reference: a.reference,
            plural,
            indefinite: false,
            first: (sent, span),
            series: None,
            mentions: 0,
        });
        self.entities.len() - 1
    }

    /// The entity a named (non-anaphoric) agreement mention denotes: an
    /// existing one with the same name (modulo year and article), or one
    /// made from an anaphor with the same ordinal, else a new one.
    fn entity_for(&mut self, sent: usize, span: Span, a: &AgreementMention) -> usize {
        let toks = name_tokens(crate::names::without_party_phrase(&a.name));
        // Built only when an entity takes them: most mentions find an
        // entity that already has its polities.
        let rec = self.rec;
        let polities = || -> Vec<Value> {
            rec.mentions_in(span)
                .filter_map(polity_of)
                .map(polity_value)
                .collect()
        };
        for (i, e) in self.entities.iter_mut().enumerate() {
            let same_name = e.toks == toks
                && (e.year.is_none() || a.year.is_none() || e.year == a.year)
                && e.ordinal == a.ordinal;
            let same_member = a.ordinal.is_some() && e.ordinal == a.ordinal && e.from_reference;
            let acronym = a.acronym.as_deref() == Some(e.name.as_str());
            // "Reciprocal Access Agreement" within "Japan-France Reciprocal
            // Access Agreement": one agreement named more or less fully.
            let etoks = &e.all_toks;
            let (short, long) = if etoks.len() <= toks.len() {
                (etoks, &toks)
            } else {
                (&toks, etoks)
            };
            let described = a.name.chars().next().is_some_and(char::is_lowercase)
                || e.name.chars().next().is_some_and(char::is_lowercase);
            let subset = (short.len() >= 3 || (described && short.len() >= 2))
                && a.ordinal.is_none()
                && e.ordinal.is_none()
                && !e.from_reference
                && (e.year.is_none() || a.year.is_none() || e.year == a.year)
                && short.iter().all(|t| long.contains(t));
            // "Treaty of Nanjing" after "Anglo-Chinese Treaty of Nanjing":
            // the same name with its parties' compound in front.
            let compound = a.ordinal.is_none()
                && e.ordinal.is_none()
                && !e.from_reference
                && (e.year.is_none() || a.year.is_none() || e.year == a.year)
                && (compound_prefixed(&e.name, &a.name) || compound_prefixed(&a.name, &e.name));
            if same_name || same_member || acronym || subset || compound {
                if (subset && toks.len() > etoks.len()) || (compound && a.name.len() > e.name.len())
                {
                    e.rename(&a.name);
                }
                if e.from_reference {
                    // The full name replaces the provisional one.
                    e.rename(&a.name);
                    e.from_reference = false;
                }
                if e.year.is_none() {
                    e.year = a.year;
                }
                if e.polities.is_empty() {
                    e.polities = polities();
                }
                e.mentions += 1;
                return i;
            }
        }
        let i = self.new_entity(sent, span, a, polities());
        if let Some(e) = self.entities.get_mut(i) {
            e.mentions = 1;
        }
        i
    }

    /// The entity an anaphor denotes: with an ordinal, the series member with
    /// that ordinal (made on first sight); else the section's current
    /// agreement, the last one mentioned, or the main one.
    fn entity_for_reference(
        &mut self,
        sent: usize,
        span: Span,
        a: &AgreementMention,
        section: Option<u32>,
        block: Option<usize>,
    ) -> Option<usize> {
        if let Some(ord) = a.ordinal {
            if let Some(i) = self.entities.iter().position(|e| e.ordinal == Some(ord)) {
                if let Some(e) = self.entities.get_mut(i) {
                    e.mentions += 1;
                }
                return Some(i);
            }
            let series = self
                .main
                .filter(|&m| self.entities.get(m).is_some_and(|e| e.ordinal.is_none()));
            let mut named = a.clone();
            named.name = format!(
                "{} {}",
                ORDINALS
                    .get(ord.saturating_sub(1) as usize)
                    .copied()
                    .unwrap_or(""),
                self.series_base(series, &a.instrument)
            )
            .trim()
            .to_string();
            let polities = series
                .and_then(|s| self.entities.get(s))
                .map(|e| e.polities.clone())
                .unwrap_or_default();
            let i = self.new_entity(sent, span, &named, polities);
            if let Some(e) = self.entities.get_mut(i) {
                e.series = series;
                e.mentions = 1;
            }
            return Some(i);
        }
        let near = block
            .and_then(|b| self.block_entity.get(&b).copied())
            .or_else(|| section.and_then(|s| self.section_entity.get(&s).copied()))
            .or(self.main)
            .or(self.last_entity);
        // "the Convention of 1800": a reference that carries its year names
        // the agreement of that year. It is the one of that year already
        // met, else the nearest one if nothing dates it otherwise; when
        // every candidate is of another year (or there is none), it is a
        // new agreement, not a wrong link to another's attributes.
        let Some(year) = a.year else { return near };
        if let Some(i) = self.entities.iter().rposition(|e| e.year == Some(year)) {
            return Some(i);
        }
        let years_of = |i: usize| -> Vec<i32> {
            let key = agreement_key(i);
            self.claims
                .iter()
                .filter(|c| c.subject == key && c.predicate == "signed")
                .filter_map(|c| c.valid_time.as_deref().and_then(edtf_year))
                .filter_map(|y| y.parse().ok())
                .collect()
        };
        match near {
            Some(i) if years_of(i).iter().all(|&y| y == year) => Some(i),
            _ => {
                let mut named = a.clone();
                named.reference = false;
                Some(self.entity_for(sent, span, &named))
            }
        }
    }

    /// "Russo-Japanese Treaty" from a series named "Russo-Japanese
    /// Agreements": the series name in the singular, else the instrument.
    fn series_base(&self, series: Option<usize>, instrument: &str) -> String {
        let inst = {
            let mut c = instrument.chars();
            match c.next() {
                Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
                None => String::new(),
            }
        };
        let Some(e) = series.and_then(|s| self.entities.get(s)) else {
            return inst;
        };
        // Keep the qualifying words before the instrument word.
        let words: Vec<&str> = e.name.split_whitespace().collect();
        let quals: Vec<&str> = words
            .iter()
            .take_while(|w| {
                let l = w.to_lowercase();
                !l.starts_with("agreement")
                    && !l.starts_with("treat")
                    && !l.starts_with("convention")
                    && !l.starts_with("pact")
                    && !l.starts_with("secret")
                    && !l.starts_with('(')
            })
            .copied()
            .collect();
        format!("{} {}", quals.join(" "), inst).trim().to_string()
    }

    fn attach_participle_date(&mut self, name: Span) {
        let Some(re) = participle_re() else { return };
        let Some(next) = self
            .rec
            .starting_in(name.end, name.end + 48)
            .find(|d| date_of(d).is_some())
        else {
            return;
        };
        let gap = self.text(Span::new(name.end, next.span.start));
        // "..., signed in 1850": a trigger of its own dates its own claim.
        if re.is_match(gap) && self.lex.hits(gap).is_empty() {
            self.name_dates.insert(next.span);
        }
    }

    /// Corrects a mention's reading where the text shows more: a bare
    /// instrument word ("Treaty") is an anaphor, and only a capitalised
    /// ordinal ("the First Treaty", not "the first treaty Korea signed")
    /// makes a series member.
    ///
    /// Copy on write: most mentions need no correction, and a copy of each
    /// (its name, instrument and polities) was a tenth of extraction's
    /// allocations.
    fn normalise_mention<'m>(
        &self,
        m: &Mention,
        a: &'m AgreementMention,
    ) -> Cow<'m, AgreementMention> {
        let name = crate::names::cut_month(&a.name);
        let mut reference = a.reference;
        let mut ordinal = a.ordinal;
        // How many tokens (two are enough to tell) and whether the first is
        // an ordinal word.
        let (mut count, mut has_ordinal_word) = (0, false);
        each_name_token(name, |t| {
            if count == 0 {
                has_ordinal_word = ordinal_word(t).is_some();
            }
            count += 1;
            count < 3
        });
        let dated_plural = is_plural_name(name) && a.year.is_some();
        let bare = count == 1 || (count == 2 && has_ordinal_word);
        if bare && !dated_plural {
            reference = true;
        }
        // "the treaties of 1778" names every agreement of that year, not the
        // last one mentioned.
        if dated_plural {
            reference = false;
        }
        // "the Russo-Japanese alliance": a head noun in lower case makes a
        // description, which after "the" points back like an anaphor.
        // "the 1901 Hay-Pauncefote treaty" carries its own year: a name.
        let year_led = name
            .split_whitespace()
            .next()
            .is_some_and(|w| w.len() == 4 && w.bytes().all(|b| b.is_ascii_digit()));
        if !reference && !dated_plural && !year_led && is_description(name) {
            let before = self.text(Span::new(m.span.start.saturating_sub(8), m.span.start));
            let last = before
                .split_whitespace()
                .last()
                .unwrap_or("")
                .to_lowercase();
            if matches!(last.as_str(), "the" | "this" | "that" | "its") {
                reference = true;
            }
        }
        if ordinal.is_some() {
            let text = self.text(m.span);
            let capitalised = text.split_whitespace().any(|w| {
                ordinal_word(w).is_some() && w.chars().next().is_some_and(char::is_uppercase)
            });
            if !capitalised {
                ordinal = None;
            }
        }
        if name.len() == a.name.len() && reference == a.reference && ordinal == a.ordinal {
            return Cow::Borrowed(a);
        }
        let mut a = a.clone();
        a.name.truncate(name.len());
        a.reference = reference;
        a.ordinal = ordinal;
        Cow::Owned(a)
    }

    /// Assigns every agreement mention of a sentence to an entity and keeps
    /// the section's current agreement up to date.
    fn resolve_agreements(&mut self, i: usize, s: &SentInfo) {
        // The mentions are borrowed from the document's list, not from the
        // engine, so no copy of them is needed while the engine changes.
        let rec = self.rec;
        for m in rec.mentions_in(s.span) {
            let Some(a) = agreement_of(m) else { continue };
            // The words after a name can show what it is ("U.S. Declaration"
            // followed by "of War").
            let mut end = (m.span.end + 24).min(self.doc.text.len());
            while !self.doc.text.is_char_boundary(end) {
                end -= 1;
            }
            let with_next = self.text(Span::new(m.span.start, end.max(m.span.start)));
            // "the Roadmap ... announced at the end of 2023": a date hung on
            // a name by a participle is that instrument's, not the date of
            // whatever else the sentence reports.
            self.attach_participle_date(m.span);
            if self.lex.not_agreement(&a.name) || self.lex.not_agreement(with_next) {
                continue;
            }
            let a = &self.normalise_mention(m, a);
            // "the Treaty of Friendship (Treaty of Morfontaine)": a name in
            // brackets right after another is an alias of it.
            let before = self.text(Span::new(s.span.start, m.span.start));
            // Also "(also known as the Treaty of X)": the bracket opens on
            // a few words that say the name is another for the same thing.
            let alias_of = match before.rfind('(') {
                Some(open) if !a.reference => {
                    let inner = before.get(open + 1..).unwrap_or("").to_lowercase();
                    let words = inner.split_whitespace().count();
                    let aliasing = inner.trim().is_empty()
                        || (words <= 5
                            && (inner.contains("known")
                                || inner.contains("called")
                                || inner.starts_with("or ")));
                    let open_abs = s.span.start + open;
                    aliasing
                        .then(|| {
                            self.mention_entity
                                .iter()
                                .rev()
                                .find(|(sp, _)| sp.end <= open_abs && sp.start >= s.span.start)
                                .map(|x| x.1)
                        })
                        .flatten()
                }
                _ => None,
            };
            // "Treaty of San Lorenzo/ Pinckney's Treaty", "the Jay Treaty,
            // or Treaty of London": a name joined to the one before by a
            // slash or an appositive "or" is another name for it.
            let alias_of = alias_of.or_else(|| {
                // The joining words first: a plain look at the text is
                // cheaper than the search through the document's mentions.
                let head = before.trim_end();
                let head = head.strip_suffix(" the").unwrap_or(head);
                const JOINS: [&str; 5] = [
                    ", or",
                    ", also known as",
                    ", known as",
                    ", also called",
                    ", otherwise known as",
                ];
                if a.reference || !(head.ends_with('/') || JOINS.iter().any(|j| head.ends_with(j)))
                {
                    return None;
                }
                let &(prev, e) = self
                    .mention_entity
                    .iter()
                    .rev()
                    .find(|(sp, _)| sp.end <= m.span.start && sp.start >= s.span.start)?;
                let gap = self.text(Span::new(prev.end, m.span.start)).trim();
                let gap = gap.strip_suffix(" the").unwrap_or(gap);
                (gap == "/" || JOINS.contains(&gap)).then_some(e)
            });
            if let Some(e) = alias_of {
                self.note_mention(m.span, e);
                continue;
            }
            // "... to negotiate a new treaty with China. The resulting Angell
            // Treaty ...": a name introduced as the outcome of what the
            // sentence before described is that agreement, now named.
            let resulting = !a.reference && Self::is_resulting(before);
            if let Some(e) = resulting.then(|| self.resulting_entity(i, s)).flatten() {
                if let Some(ent) = self.entities.get_mut(e) {
                    ent.rename(&a.name);
                    ent.mentions += 1;
                    if ent.year.is_none() {
                        ent.year = a.year;
                    }
                }
                self.last_entity = Some(e);
                self.note_mention(m.span, e);
                continue;
            }
            let e = if a.reference {
                self.entity_for_reference(i, m.span, a, s.section, s.block)
            } else {
                Some(self.entity_for(i, m.span, a))
            };
            if let (Some(e), true) = (e, resulting) {
                if let Some((y, ysp)) = self.resulting_year(i, s) {
                    let prev = self.previous_in_block(i, s).map_or(s.span, |p| p.span);
                    self.push(
                        agreement_key(e),
                        "signed",
                        json!({"date": y}),
                        Some(y.clone()),
                        Span::new(prev.start, s.span.end),
                        ysp,
                        "signed.resulting",
                        0.4,
                    );
                }
            }
            if let (Some(e), false) = (e, a.reference) {
                // "the Yalta Agreement of February 1945", "the Alliance
                // (1902)": a date right after the name dates the signing.
                let next = self.rec.starting_in(m.span.end, m.span.end + 5).next();
                if let Some(d) = next.and_then(|d| date_of(d).map(|x| (x, d.span))) {
                    let gap = self
                        .text(Span::new(m.span.end, d.1.start))
                        .trim()
                        .to_string();
                    if gap == "of" || gap == "(" || gap == "," {
                        self.push(
                            agreement_key(e),
                            "signed",
                            json!({"date": d.0}),
                            Some(d.0.to_string()),
                            s.span,
                            d.1,
                            "signed.name-date",
                            0.6,
                        );
                        self.name_dates.insert(d.1);
                    }
                }
            }
            if let Some(e) = e {
                let is_plural = self.entities.get(e).is_some_and(|x| x.plural);
                if !is_plural {
                    // Only a heading's agreement scopes its section; within a
                    // paragraph, the last one named is the nearest.
                    if let (Some(sec), true) = (s.section, s.heading) {
                        self.section_entity.insert(sec, e);
                    }
                    if let Some(b) = s.block {
                        self.block_entity.insert(b, e);
                    }
                    self.last_entity = Some(e);
                }
                self.note_mention(m.span, e);
            }
        }
    }

    /// Whether `before` (the sentence up to a name) ends with "the
    /// resulting" / "the resultant": the name is the outcome of what the
    /// sentence before described.
    fn is_resulting(before: &str) -> bool {
        before.split_whitespace().last().is_some_and(|w| {
            w.eq_ignore_ascii_case("resulting") || w.eq_ignore_ascii_case("resultant")
        })
    }

    /// The sentence before `i`, when it is in the same paragraph.
    fn previous_in_block(&self, i: usize, s: &SentInfo) -> Option<&SentInfo> {
        let prev = self.sents.get(i.checked_sub(1)?)?;
        (prev.block == s.block && !prev.heading).then_some(prev)
    }

    /// The described (unnamed) agreement of the sentence before: the name
    /// after "the resulting" is that agreement's.
    fn resulting_entity(&self, i: usize, s: &SentInfo) -> Option<usize> {
        let prev = self.previous_in_block(i, s)?;
        self.mention_entity
            .iter()
            .rev()
            .filter(|(sp, _)| sp.start >= prev.span.start && sp.end <= prev.span.end)
            .map(|x| x.1)
            .find(|&e| {
                self.entities
                    .get(e)
                    .is_some_and(|x| !x.plural && (x.indefinite || is_description(&x.name)))
            })
    }

    /// The year of the sentence before, when it gives exactly one date:
    /// what it describes ("In 1880 ... was appointed to negotiate a new
    /// treaty") dates the agreement that resulted, as the text tells it.
    fn resulting_year(&self, i: usize, s: &SentInfo) -> Option<(String, Span)> {
        let prev = self.previous_in_block(i, s)?;
        let dates: Vec<(&str, Span)> = self
            .rec
            .mentions_in(prev.span)
            .filter(|m| !self.inside_agreement(&m.span))
            .filter_map(|m| date_of(m).map(|d| (d, m.span)))
            .collect();
        match dates.as_slice() {
            [(d, sp)] => edtf_year(d).map(|y| (y.to_string(), *sp)),
            _ => None,
        }
    }

    /// Emits one `agreement` claim per entity: its name, ordinal, series and
    /// whether it is the document's main one.
    fn declare_entities(&mut self) {
        // Members of a series: ordinal entities when the main one has none.
        let main_is_series = self.main.is_some_and(|m| {
            self.entities.get(m).is_some_and(|e| e.ordinal.is_none())
                && self.entities.iter().filter(|e| e.ordinal.is_some()).count() >= 2
        });
        let ents = self.entities.clone();
        for (i, e) in ents.iter().enumerate() {
            let series = e.series.or(if main_is_series && e.ordinal.is_some() {
                self.main
            } else {
                None
            });
            let is_series = main_is_series && Some(i) == self.main;
            let (sent, span) = e.first;
            let sspan = self.sents.get(sent).map(|s| s.span).unwrap_or(span);
            // A name in lower case ("a joint declaration of cooperation")
            // is a description, kept only when it is dated.
            let described = e.indefinite || is_description(&e.name);
            let conf = if e.from_reference {
                0.6
            } else if described {
                0.5
            } else {
                0.9
            };
            self.push(
                format!("agreement:{i}"),
                "agreement",
                json!({
                    "name": e.name,
                    "ordinal": e.ordinal,
                    "year": e.year,
                    "main": Some(i) == self.main,
                    "series": series.map(|s| format!("agreement:{s}")),
                    "is_series": is_series || e.plural,
                    "indefinite": described,
                    "expanded": self.expanded.contains(&format!("agreement:{i}")),
                    "mentions": e.mentions,
                }),
                e.year.map(|y| y.to_string()),
                sspan,
                span,
                if e.from_reference {
                    "agreement.anaphor"
                } else {
                    "agreement.name"
                },
                conf,
            );
            let mut polities = e.polities.clone();
            let mut rule = "party.name";
            let mut pconf = 0.85;
            // "Oregon Treaty with Great Britain": the one polity of the
            // name's party phrase is a party as surely as both of a
            // compound ("Franco-Japanese"). Its other side is the
            // document's, as below, not whatever the sentence names.
            let phrase_party = polities.len() == 1
                && self
                    .rec
                    .mentions_in(span)
                    .any(|m| polity_of(m).is_some() && self.after_with(m.span));
            // Each party claim of this agreement, cited by the sentence
            // that first names it.
            let party = |this: &mut Self, p: Value, rule: &str, conf: f32| {
                this.push(
                    format!("agreement:{i}"),
                    "party",
                    p,
                    None,
                    sspan,
                    span,
                    rule,
                    conf,
                );
            };
            if phrase_party {
                for p in polities.drain(..) {
                    party(self, p, "party.name", 0.85);
                }
            }
            // "Austria-Hungary concluded an armistice with the Allies": the
            // other side is a coalition, no one state; the parties are the
            // states the sentence names, and the document's pair is no
            // guess for the rest.
            let coalition = polities.len() < 2
                && !phrase_party
                && coalition_re().is_some_and(|re| re.is_match(self.text(sspan)));
            if polities.len() < 2 && !phrase_party {
                // The polities of the sentence that first names it.
                let sent_pol = self.polities_near(sspan, span);
                if sent_pol.len() >= 2 || (coalition && !sent_pol.is_empty()) {
                    for p in sent_pol.into_iter().take(2) {
                        party(self, p, "party.sentence", 0.6);
                    }
                }
            }
            if polities.len() < 2 && !coalition {
                // Fall back to the document's pair: an agreement in an essay
                // about two countries' relations is most often between them.
                // A survey of a period names many: there, an agreement
                // whose name gives no polity takes the two its paragraph
                // names most. One whose name gives one ("Jay Treaty with
                // Britain") keeps the document's: its other side is most
                // often the constant one of the survey.
                let local = match self.sents.get(sent).and_then(|s| s.block) {
                    Some(b) if !self.pair_from_title && polities.is_empty() && !phrase_party => {
                        self.block_pair(b)
                    }
                    _ => Vec::new(),
                };
                rule = "party.document-pair";
                for p in local.iter().chain(&self.pair) {
                    if polities.len() >= 2 {
                        break;
                    }
                    if !polities.iter().any(|x| x["id"] == p["id"]) {
                        polities.push(p.clone());
                    }
                }
                if !local.is_empty() {
                    rule = "party.paragraph";
                }
                pconf = 0.85 * DOCUMENT_FACTOR;
            }
            for p in polities {
                party(self, p, rule, pconf);
            }
            if let Some(y) = e.year {
                self.push(
                    format!("agreement:{i}"),
                    "signed",
                    json!({"date": y.to_string()}),
                    Some(y.to_string()),
                    sspan,
                    span,
                    "signed.name-year",
                    // A year in the name is the signing year by the way
                    // such names are made ("Convention of 1818"): it
                    // outweighs a date a trigger finds by distance (the
                    // "1783 border" next to "concluded").
                    0.8,
                );
            }
            if e.name.to_lowercase().contains("secret") {
                self.push(
                    format!("agreement:{i}"),
                    "secret",
                    json!(true),
                    None,
                    sspan,
                    span,
                    "secret.name",
                    0.8,
                );
            }
        }
    }
}

/// Polities named in a free string (a title kept outside the text), found
/// with the polity recogniser on a throwaway document.
fn polities_in_str(s: &str) -> Vec<Value> {
    let doc = Document {
        format: entente_source::Format::Text,
        title: None,
        text: s.to_string(),
        map: entente_source::SourceMap::identity(s.len()),
        blocks: Vec::new(),
        annotations: Vec::new(),
        encoding: None,
        warnings: Vec::new(),
    };
    let mut out: Vec<Value> = Vec::new();
    for m in entente_recognise::polity::find(&doc) {
        if let Some(p) = polity_of(&m) {
            if !out.iter().any(|x| x["id"] == p.id.as_str()) {
                out.push(polity_value(p));
            }
        }
    }
    out
}

/// Whether the year of `date` lies within the years `range` covers
/// ("1955-05-06" within "1949/1955").
fn year_within(date: &str, range: &str) -> bool {
    let y = |s: &str| edtf_year(s).and_then(|y| y.parse::<i32>().ok());
    let mut parts = range.split('/');
    let (Some(d), Some(lo)) = (y(date), parts.next().and_then(y)) else {
        return true;
    };
    let hi = parts.next().and_then(y).unwrap_or(lo);
    lo <= d && d <= hi
}

/// Predicates whose triggers bound each other's argument zones.
fn bounds_zone(predicate: &str) -> bool {
    predicate.starts_with("event:")
        || matches!(
            predicate,
            "signed"
                | "ratified"
                | "effective"
                | "drafted"
                | "renewed"
                | "revised"
                | "ended"
                | "disclosed"
                | "negotiated"
                // "replaced by X, which led to the war in 1904": what a
                // consequence clause dates is the consequence.
                | "led_to"
        )
}

/// The subject key of an agreement entity.
fn agreement_key(e: usize) -> String {
    format!("agreement:{e}")
}

impl Engine<'_> {
    /// Infobox `Key: value` lines: high-confidence facts about the main
    /// agreement.
    fn infobox(&mut self) {
        let Some(main) = self.main else { return };
        let blocks: Vec<(Span, Span, Span)> = self
            .doc
            .blocks
            .iter()
            .filter_map(|b| match b.kind {
                BlockKind::KeyValue { key, value } => Some((b.span, key, value)),
                _ => None,
            })
            .collect();
        for (bspan, key, value) in blocks {
            let Some(pred) = self.lex.infobox_predicate(self.text(key)) else {
                continue;
            };
            let pred = pred.to_string();
            let subject = agreement_key(main);
            let vtext = self.text(value).trim();
            let ms = self.mentions_in(value);
            let rule = format!("infobox.{pred}");
            match pred.as_str() {
                "signed" | "effective" | "ended" => {
                    if let Some(d) = ms.iter().find_map(|m| date_of(m)) {
                        let d = d.to_string();
                        self.push(
                            subject,
                            &pred,
                            json!({"date": d}),
                            Some(d.clone()),
                            bspan,
                            key,
                            &rule,
                            0.97,
                        );
                    }
                }
                "place" => {
                    let name =
                        ms.iter()
                            .find_map(|m| match &m.kind {
                                MentionKind::Place(p) => Some(self.text(m.span).to_string())
                                    .filter(|_| !p.name.is_empty()),
                                _ => None,
                            })
                            .unwrap_or_else(|| {
                                vtext.split(',').next().unwrap_or("").trim().to_string()
                            });
                    if !name.is_empty() && !name.starts_with('<') {
                        self.push(
                            subject,
                            "place",
                            json!({"name": name}),
                            None,
                            bspan,
                            key,
                            &rule,
                            0.95,
                        );
                    }
                }
                "signatory" => {
                    for m in &ms {
                        if let MentionKind::Person(p) = &m.kind {
                            self.push(
                                subject.clone(),
                                "signatory",
                                json!({"name": p.name, "office": p.office, "polity": p.polity}),
                                None,
                                bspan,
                                key,
                                &rule,
                                0.95,
                            );
                        }
                    }
                }
                "party" => {
                    for m in &ms {
                        if let Some(p) = polity_of(m) {
                            self.push(
                                subject.clone(),
                                "party",
                                polity_value(p),
                                None,
                                bspan,
                                key,
                                &rule,
                                0.95,
                            );
                        }
                    }
                }
                "language" => {
                    for l in vtext.split([',', ';']).flat_map(|x| x.split(" and ")) {
                        let l = l.trim();
                        if !l.is_empty() && !l.starts_with('<') {
                            self.push(
                                subject.clone(),
                                "language",
                                json!(l),
                                None,
                                bspan,
                                key,
                                &rule,
                                0.95,
                            );
                        }
                    }
                }
                _ => {}
            }
        }
    }

    /// The agreement entities mentioned in a span, with their spans.
    fn entities_in(&self, span: Span) -> Vec<(Span, usize)> {
        self.mention_entity
            .iter()
            .filter(|(s, _)| span.contains(s))
            .copied()
            .collect()
    }

    /// Whether a span lies inside an agreement's name, or in the "(1902)"
    /// right after it: such a date belongs to that agreement.
    fn inside_agreement(&self, span: &Span) -> bool {
        if self.name_dates.contains(span) {
            return true;
        }
        // A span that holds `span`, or ends at most two bytes before it,
        // starts no further back than the longest span and two bytes.
        let lo = span.start.saturating_sub(self.longest_agreement + 2);
        let first = self.agreement_spans.partition_point(|s| s.start < lo);
        self.agreement_spans
            .get(first..)
            .unwrap_or_default()
            .iter()
            .take_while(|s| s.start <= span.start)
            .any(|s| {
                s.contains(span)
                    || (span.start >= s.end
                        && span.start <= s.end + 2
                        && self.text(Span::new(s.end, span.start)).trim() == "(")
            })
    }

    /// Records that the agreement mention at `span` denotes entity `e`.
    fn note_mention(&mut self, span: Span, e: usize) {
        self.mention_entity.push((span, e));
        let at = self.agreement_spans.partition_point(|s| *s < span);
        self.agreement_spans.insert(at, span);
        self.longest_agreement = self
            .longest_agreement
            .max(span.end.saturating_sub(span.start));
    }

    /// The agreement a trigger is about, with the confidence factor of the
    /// scope it came from.
    fn what(
        &mut self,
        i: usize,
        s: &SentInfo,
        trig: Span,
        zone: Span,
        predicate: &str,
    ) -> Option<(usize, f32, Span)> {
        let mut cands = self.entities_in(s.span);
        // Plural names (a series) only when nothing else is there; a dated
        // plural ("the treaties of 1778") competes like any name.
        let series = |e: &usize| {
            self.entities
                .get(*e)
                .is_some_and(|x| x.plural && x.year.is_none())
        };
        if cands.iter().any(|(_, e)| !series(e)) {
            cands.retain(|(_, e)| !series(e));
        }
        if let Some(&(span, e)) = cands.iter().min_by_key(|(sp, _)| dist(sp, &trig)) {
            // "The Convention of 1800 terminated the treaty of alliance":
            // an agreement that ends something is its agent, not what
            // ended. The ended one is the agreement after the verb, if the
            // text names one; else the sentence says nothing of an end
            // this reading can place.
            if predicate == "ended" && self.agent_of_ending(span, trig) {
                return cands
                    .iter()
                    .filter(|(sp, _)| sp.start >= trig.end)
                    .min_by_key(|(sp, _)| dist(sp, &trig))
                    .map(|&(sp, e)| (e, distance_factor(dist(&sp, &trig)), sp));
            }
            return Some((e, distance_factor(dist(&span, &trig)), span));
        }
        if predicate == "signed" {
            // "signed a treaty of amity and commerce": an unnamed agreement.
            if let Some(re) = indefinite_re() {
                // Right after the trigger ("signed a treaty of commerce"),
                // or as the subject before it ("a basic agreement ... was
                // concluded"), but not as a description ("was a treaty").
                let after = Span::new(trig.end, zone.end.max(trig.end));
                let before = Span::new(zone.start, trig.start.max(zone.start));
                let ztext = self.text(after);
                let btext = self.text(before);
                let found = re
                    .captures(ztext)
                    .filter(|c| c.get(0).is_some_and(|m| m.start() <= 2))
                    .map(|c| (c, after.start))
                    .or_else(|| {
                        re.captures(btext)
                            .filter(|c| {
                                c.get(0).is_some_and(|m| {
                                    let prev = btext.get(..m.start()).unwrap_or("");
                                    let last = prev.split_whitespace().last().unwrap_or("");
                                    !matches!(
                                        last.to_lowercase().as_str(),
                                        "was" | "is" | "were" | "are" | "be" | "been" | "as"
                                    )
                                })
                            })
                            .map(|c| (c, before.start))
                    });
                // A bare "a treaty" names nothing: it resolves like an
                // anaphor below.
                // An armistice or cease-fire is specific enough alone.
                let found = found.filter(|(c, _)| {
                    c.get(1).or_else(|| c.get(2)).is_some_and(|g| {
                        let t = g.as_str().to_lowercase();
                        t.split_whitespace().count() >= 2
                            || ["armistice", "cease-fire", "ceasefire", "truce"]
                                .contains(&t.as_str())
                    })
                });
                if let Some((c, base)) = found {
                    if let Some(g) = c.get(1).or_else(|| c.get(2)) {
                        let span = Span::new(base + g.start(), base + g.end());
                        let kept = trim_description(g.as_str());
                        let span = Span::new(span.start, span.start + kept);
                        let mut name = self
                            .text(span)
                            .split_whitespace()
                            .collect::<Vec<_>>()
                            .join(" ")
                            .trim_end_matches(',')
                            .to_string();
                        if let Some(f) = name.get(..1) {
                            name = f.to_uppercase() + name.get(1..).unwrap_or("");
                        }
                        let a = AgreementMention {
                            name,
                            instrument: String::new(),
                            acronym: None,
                            ordinal: None,
                            year: None,
                            polities: Vec::new(),
                            reference: false,
                        };
                        let e = self.new_entity(i, span, &a, Vec::new());
                        if let Some(x) = self.entities.get_mut(e) {
                            x.indefinite = true;
                            x.plural = false;
                            x.mentions = 1;
                        }
                        self.note_mention(span, e);
                        if let Some(b) = s.block {
                            self.block_entity.insert(b, e);
                        }
                        return Some((e, distance_factor(dist(&span, &trig)) * 0.8, span));
                    }
                }
            }
        }
        if let Some(e) = s.block.and_then(|b| self.block_entity.get(&b).copied()) {
            return Some((e, SECTION_FACTOR, trig));
        }
        if let Some(e) = s
            .section
            .and_then(|sec| self.section_entity.get(&sec).copied())
        {
            return Some((e, SECTION_FACTOR, trig));
        }
        self.main.map(|m| (m, DOCUMENT_FACTOR, trig))
    }

    /// Distance between a trigger and an argument, with a penalty for each
    /// clause boundary (";") between them: an argument across one belongs to
    /// another statement more often than not.
    fn clause_dist(&self, a: &Span, trig: &Span) -> usize {
        let d = dist(a, trig);
        let (lo, hi) = if a.end <= trig.start {
            (a.end, trig.start)
        } else {
            (trig.end, a.start)
        };
        let between = if hi > lo {
            self.text(Span::new(lo, hi))
        } else {
            ""
        };
        d + 400 * between.matches(';').count()
    }

    /// The date nearest the trigger within its zone (dates inside agreement
    /// names excluded: "the Treaty of 1907" does not date a ratification).
    fn date_in(&self, zone: Span, trig: Span) -> Option<(String, usize, Span)> {
        self.rec
            .mentions_in(zone)
            .filter(|m| !self.inside_agreement(&m.span))
            .filter_map(|m| {
                date_of(m).map(|d| (d.to_string(), self.clause_dist(&m.span, &trig), m.span))
            })
            .min_by_key(|x| x.1)
    }

    /// The date of a nominal trigger's own phrase: "the signing of the
    /// treaty by both governments on 31 August 1990" is dated by what
    /// follows it, before any comma, not by an earlier act of the sentence.
    fn phrase_date(&self, trig: Span, zone: Span) -> Option<(String, usize, Span)> {
        let rest = self.text(Span::new(trig.end.min(zone.end), zone.end));
        let word = self.text(trig).to_lowercase();
        let nominal =
            word.ends_with("ing") || word.ends_with(" of") || word.starts_with("signature");
        if !nominal || !rest.trim_start().starts_with("of ") {
            return None;
        }
        let stop = rest.find([',', ';']).map_or(zone.end, |p| trig.end + p);
        self.rec
            .mentions_in(Span::new(trig.end, zone.end))
            .filter(|m| m.span.start < stop && !self.inside_agreement(&m.span))
            .find_map(|m| date_of(m).map(|d| (d.to_string(), dist(&m.span, &trig), m.span)))
    }

    /// The section's heading year.
    fn section_year(&self, s: &SentInfo) -> Option<String> {
        s.section
            .and_then(|sec| self.heading_year.get(&sec).cloned())
    }

    /// A place introduced by "in" or "at" right after the trigger.
    fn place_after(&self, trig: Span, zone: Span) -> Option<(String, Span)> {
        let after = Span::new(trig.end, zone.end.max(trig.end));
        for m in self.rec.mentions_in(after) {
            if let MentionKind::Place(_) = &m.kind {
                let gap = self.text(Span::new(trig.end, m.span.start)).to_lowercase();
                let w: Vec<&str> = gap.split_whitespace().collect();
                if w.last().is_some_and(|x| *x == "in" || *x == "at") && w.len() <= 8 {
                    return Some((self.text(m.span).to_string(), m.span));
                }
            }
        }
        // An unknown capitalised name right after "in"/"at".
        let rest = self.text(after);
        let c = place_fallback_re()?.captures(rest)?;
        let g = c.get(1)?;
        let name = g.as_str().trim_end_matches(['.', ',']);
        if entente_recognise::dates::MONTHS
            .iter()
            .any(|m| name.starts_with(m))
        {
            return None;
        }
        let span = Span::new(
            after.start + g.start(),
            after.start + g.start() + name.len(),
        );
        // A polity is a country, not the place of signing.
        if self.rec.mentions_in(span).any(|m| polity_of(m).is_some()) {
            return None;
        }
        Some((name.to_string(), span))
    }

    /// Polities in a span, distinct, nearest the trigger first.
    fn polities_near(&self, span: Span, trig: Span) -> Vec<Value> {
        self.polity_mentions_near(span, trig)
            .into_iter()
            .map(polity_value)
            .collect()
    }

    /// [`Engine::polities_near`] before the polities become claim values:
    /// for the callers that want only the nearest or only how many.
    fn polity_mentions_near(&self, span: Span, trig: Span) -> Vec<&PolityMention> {
        let mut ps: Vec<(usize, &PolityMention)> = Vec::new();
        for m in self.rec.mentions_in(span) {
            if self.inside_agreement(&m.span) {
                continue;
            }
            if let Some(p) = polity_of(m) {
                let d = dist(&m.span, &trig);
                match ps.iter_mut().find(|x| x.1.id == p.id) {
                    Some(x) => x.0 = x.0.min(d),
                    None => ps.push((d, p)),
                }
            }
        }
        ps.sort_by_key(|x| x.0);
        ps.into_iter().map(|x| x.1).collect()
    }

    /// Whether a recognition trigger has a state for its object: a polity or
    /// a word for a state or government within a few words after it, or
    /// before it in the passive ("Texas was recognised").
    fn recognises_state(&self, s: &SentInfo, trig: Span) -> bool {
        // The object is the first noun phrase: a few words, not the clause.
        let after = Span::new(trig.end.min(s.span.end), (trig.end + 32).min(s.span.end));
        let before = Span::new(trig.start.saturating_sub(60).max(s.span.start), trig.start);
        let polity_in = |sp: Span| {
            self.rec
                .mentions_in(sp)
                .any(|m| matches!(m.kind, MentionKind::Polity(_)))
        };
        let Some(re) = state_noun_re() else {
            return true;
        };
        // The trigger itself may name the state ("acknowledged Cuban
        // independence").
        re.is_match(self.text(trig))
            || polity_in(after)
            || re.is_match(self.text(after))
            || ({
                // "Texas was (formally) recognised": the passive, with at
                // most one adverb.
                let b = self.text(before).to_lowercase();
                let mut words = b.split_whitespace().rev();
                let aux = |w: &str| matches!(w, "was" | "were" | "been");
                match (words.next(), words.next()) {
                    (Some(w), _) if aux(w) => true,
                    (Some(adv), Some(w)) => adv.ends_with("ly") && aux(w),
                    _ => false,
                }
            } && (polity_in(before) || re.is_match(self.text(before))))
    }

    /// Whether the date at `date` is introduced as an upper bound of the
    /// event at `trig`: right after "before", "until" or "prior to"
    /// ("until 1922"), or after the trigger in a clause those words open
    /// ("maintained a consulate there before the islands became a colony
    /// in 1874").
    fn is_upper_bound(&self, sent: Span, trig: Span, date: Span) -> bool {
        let bound = |w: &str| {
            ["before", "until", "till"]
                .iter()
                .any(|x| w.eq_ignore_ascii_case(x))
        };
        let before = self.text(Span::new(sent.start, date.start.max(sent.start)));
        let mut words = before
            .rsplit(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty());
        // "it was not until 1848 that ... recognized": the date of the
        // event itself.
        let right_after = match (words.next(), words.next()) {
            (Some(w), prev) if bound(w) => !prev.is_some_and(|p| p.eq_ignore_ascii_case("not")),
            (Some(to), Some(prior)) => {
                to.eq_ignore_ascii_case("to") && prior.eq_ignore_ascii_case("prior")
            }
            _ => false,
        };
        let in_clause = trig.end <= date.start && {
            let gap = self.text(Span::new(trig.end, date.start));
            // One pass over the words, without collecting them: this runs
            // for every date near every event trigger.
            let mut prev = "";
            !gap.contains([',', ';'])
                && gap
                    .split(|c: char| !c.is_alphanumeric())
                    .filter(|w| !w.is_empty())
                    .any(|w| {
                        let hit = bound(w) && !prev.eq_ignore_ascii_case("not");
                        prev = w;
                        hit
                    })
        };
        right_after || in_clause
    }

    /// Whether the date at `date` is a time adverbial of the trigger's
    /// `clause`: in the clause after a preposition of time ("recognized
    /// Honduras on 19 April 1853"; not "within its 1937 boundaries"), or
    /// opening the sentence ("On 7 January 1946, ..."), which dates its
    /// main clause.
    fn dates_clause(&self, sent: Span, clause: Span, date: Span) -> bool {
        let before = self.text(Span::new(sent.start, date.start.max(sent.start)));
        let word = before
            .trim_end()
            .rsplit(|c: char| !c.is_alphanumeric())
            .next()
            .unwrap_or("");
        let timed = [
            "on", "in", "by", "during", "since", "from", "between", "until", "till", "at",
        ]
        .iter()
        .any(|p| word.eq_ignore_ascii_case(p));
        let inside = clause.start <= date.start && date.start < clause.end;
        // One word before it: stop at the second.
        let opening = before.split_whitespace().nth(1).is_none() && !word.is_empty();
        timed && (inside || opening)
    }

    /// Whether the agreement named at `name` is the agent of the ending
    /// verb at `trig`: it comes right before, in the active voice ("X
    /// terminated", "X, which also terminated"), and the verb takes an
    /// object ("... the treaty", "... Y"), where "X expired in 1935" ends X
    /// itself.
    fn agent_of_ending(&self, name: Span, trig: Span) -> bool {
        if name.end > trig.start {
            return false;
        }
        let gap = self.text(Span::new(name.end, trig.start)).to_lowercase();
        let active = gap.split(|c: char| !c.is_alphanumeric()).all(|w| {
            matches!(
                w,
                "" | "which" | "that" | "also" | "then" | "thereby" | "effectively" | "formally"
            )
        });
        let mut end = (trig.end + 16).min(self.doc.text.len());
        while !self.doc.text.is_char_boundary(end) {
            end -= 1;
        }
        let after = self.text(Span::new(trig.end, end.max(trig.end)));
        let next = after.split_whitespace().next().unwrap_or("");
        let object = matches!(
            next.to_lowercase().as_str(),
            "the"
                | "a"
                | "an"
                | "its"
                | "their"
                | "his"
                | "her"
                | "all"
                | "any"
                | "this"
                | "that"
                | "these"
                | "those"
        ) || next.chars().next().is_some_and(char::is_uppercase);
        active && gap.len() <= 24 && object
    }

    /// The sentence's leading phrase about an earlier act: when the
    /// sentence opens with a cue of `data/rules/prior_cues.tsv`, the words
    /// up to its first comma outside a date ("March 23, 1943"), provided
    /// the trigger comes after them.
    fn prior_phrase(&self, s: &SentInfo, trig: Span) -> Option<Span> {
        let text = self.text(s.span);
        let body = text.trim_start();
        let lead = text.len() - body.len();
        let opens = prior_cues().iter().any(|cue| {
            body.get(..cue.len())
                .is_some_and(|head| head.eq_ignore_ascii_case(cue))
                && !body
                    .get(cue.len()..)
                    .and_then(|rest| rest.chars().next())
                    .is_some_and(char::is_alphanumeric)
        });
        if !opens {
            return None;
        }
        let end = text
            .match_indices(',')
            .map(|(p, _)| s.span.start + p)
            .filter(|&p| p >= s.span.start + lead)
            .find(|&p| {
                !self
                    .rec
                    .mentions_in(s.span)
                    .any(|m| m.span.start < p && p < m.span.end)
            })?;
        (trig.start > end).then(|| Span::new(s.span.start, end))
    }

    /// The clause around a trigger: bounded by the nearest comma, semicolon
    /// or colon on each side, within the sentence.
    fn clause_of(&self, sent: Span, trig: Span) -> Span {
        let before = self.text(Span::new(sent.start, trig.start.max(sent.start)));
        let start = before
            .rfind([',', ';', ':'])
            .map_or(sent.start, |p| sent.start + p + 1);
        let after = self.text(Span::new(trig.end.min(sent.end), sent.end));
        let end = after
            .find([',', ';', ':'])
            .map_or(sent.end, |p| trig.end + p);
        Span::new(start, end.max(start))
    }

    /// The two parties of a relations event: the document's pair, except
    /// that a sentence naming the pair's anchor with one other polity
    /// names the counterpart ("the United States recognised the Federal
    /// Republic").
    fn event_parties(&self, sentence_polities: &[Value]) -> Option<Vec<Value>> {
        if self.pair.len() < 2 {
            return Some(sentence_polities.iter().take(2).cloned().collect());
        }
        let in_pair = |v: &Value| self.pair.iter().any(|p| p["id"] == v["id"]);
        let anchor = &self.pair[0];
        let has_anchor = sentence_polities.iter().any(|v| v["id"] == anchor["id"]);
        let has_other = sentence_polities
            .iter()
            .any(|v| v["id"] == self.pair[1]["id"]);
        let outsiders: Vec<&Value> = sentence_polities.iter().filter(|v| !in_pair(v)).collect();
        let _ = has_anchor;
        if !has_other && outsiders.len() == 1 {
            return Some(vec![anchor.clone(), outsiders[0].clone()]);
        }
        // Several other polities and not the counterpart: the sentence is
        // about others ("the treaty recognised Hungary, Poland and ...").
        if !has_other && outsiders.len() >= 2 {
            return None;
        }
        Some(self.pair.clone())
    }

    fn sentence(&mut self, i: usize, s: &SentInfo) {
        let text = self.text(s.span);
        let scan = self.lex.scan(text);
        let raw: Vec<Hit> = self.lex.hits_with(text, &scan);
        // Secrecy, a signing or a draft still qualify the described
        // agreement ("a secret treaty", "a newly signed pact").
        let qualifies = |h: &Hit| matches!(h.predicate.as_str(), "secret" | "signed" | "drafted");
        // A trigger word inside a described agreement names the agreement,
        // not an act: "signed a tariff revision treaty" revises nothing.
        // The description pattern is costly, so it runs only when a hit it
        // could hide is there and an instrument word is in the sentence.
        let described: Vec<(usize, usize)> = match indefinite_re() {
            Some(re) if raw.iter().any(|h| !qualifies(h)) && names_an_instrument(text) => re
                .captures_iter(text)
                .filter_map(|c| c.get(1).or_else(|| c.get(2)))
                .map(|g| (g.start(), g.end()))
                .collect(),
            _ => Vec::new(),
        };
        let hits: Vec<Hit> = raw
            .into_iter()
            .filter(|h| {
                let sp = Span::new(s.span.start + h.start, s.span.start + h.end);
                !self.inside_agreement(&sp)
                    && (qualifies(h) || !described.iter().any(|d| d.0 <= h.start && h.end <= d.1))
            })
            .collect();
        let bounds: Vec<(usize, usize)> = hits
            .iter()
            .filter(|h| bounds_zone(&h.predicate))
            .map(|h| (s.span.start + h.start, s.span.start + h.end))
            .collect();
        let mut secret_here = hits.iter().any(|h| h.predicate == "secret");
        if secret_here {
            self.last_secret = Some((i, s.block));
        } else if self.last_secret == Some((i.wrapping_sub(1), s.block))
            && also_re().is_some_and(|r| r.is_match(text))
        {
            // "They also recognised ...": the sentence goes on with the
            // secret clause the one before it described.
            secret_here = true;
        }
        for h in &hits {
            let trig = Span::new(s.span.start + h.start, s.span.start + h.end);
            let zone_start = bounds
                .iter()
                .filter(|b| b.1 <= trig.start)
                .map(|b| b.1)
                .max()
                .unwrap_or(s.span.start);
            let zone_end = bounds
                .iter()
                .filter(|b| b.0 >= trig.end)
                .map(|b| b.0)
                .min()
                .unwrap_or(s.span.end);
            let zone = Span::new(zone_start, zone_end.max(zone_start));
            let Some(rule) = self.lex.rule(h.rule) else {
                continue;
            };
            let (rule_id, prec) = (rule.id.clone(), rule.precision);
            // "formally recognised Adams as the accredited minister": the
            // object is a person, so no state is recognised.
            if h.predicate == "event:recognition"
                && self
                    .rec
                    .mentions_in(Span::new(
                        trig.end,
                        (trig.end + 16).min(s.span.end).max(trig.end),
                    ))
                    .any(|m| matches!(m.kind, MentionKind::Person(_)))
            {
                continue;
            }
            // Recognition is of a state or a government: "the importance of
            // Alaska was recognised", "he recognised the boycott as" are not.
            if h.predicate == "event:recognition" && !s.heading && !self.recognises_state(s, trig) {
                continue;
            }
            // "Kleinwaechter was recognised as the envoy": a person is
            // recognised in an office, not a state.
            if h.predicate == "event:recognition"
                && self
                    .rec
                    .mentions_in(Span::new(
                        trig.start.saturating_sub(40).max(s.span.start),
                        trig.start,
                    ))
                    .filter(|m| matches!(m.kind, MentionKind::Person(_)))
                    .any(|m| {
                        let gap = self.text(Span::new(m.span.end.min(trig.start), trig.start));
                        passive_gap_re().is_some_and(|r| r.is_match(gap))
                    })
            {
                continue;
            }
            if let Some(kind) = h.predicate.strip_prefix("event:") {
                self.event(i, s, kind, trig, zone, &rule_id, prec);
                continue;
            }
            let pred = h.predicate.clone();
            if pred == "led_to" {
                self.led_to(s, trig, &rule_id, prec);
                continue;
            }
            if pred == "ended" && self.ends_something_else(trig, zone) {
                continue;
            }
            // "sent to Tokyo for ratification", "opened for signature",
            // "pending ratification": a purpose or a wait, not the act.
            let last_word = self
                .text(Span::new(s.span.start, trig.start.max(s.span.start)))
                .split_whitespace()
                .last()
                .map(str::to_lowercase);
            if matches!(
                last_word.as_deref(),
                Some("for" | "pending" | "awaiting" | "await")
            ) {
                continue;
            }
            let Some((e, factor, _)) = self.what(i, s, trig, zone, &pred) else {
                continue;
            };
            let subject = agreement_key(e);
            let conf = prec * factor;
            match pred.as_str() {
                "secret" => {
                    self.push(
                        subject,
                        "secret",
                        json!(true),
                        None,
                        s.span,
                        trig,
                        &rule_id,
                        conf,
                    );
                }
                _ => {
                    let before = self.claims.len();
                    self.lifecycle(s, &pred, &subject, trig, zone, &rule_id, conf);
                    // "abrogated the treaties of 1778": a plural with a year
                    // stands for every agreement signed that year, which the
                    // document may name only later; settled at the end.
                    let plural_year = self
                        .entities
                        .get(e)
                        .filter(|x| x.plural)
                        .and_then(|x| x.year);
                    if let Some(y) = plural_year {
                        let made: Vec<Claim> = self.claims.drain(before..).collect();
                        self.plural_claims.extend(made.into_iter().map(|c| (y, c)));
                    }
                }
            }
        }
        self.by_treaty(i, s);
        // Provisions: kinds cued in a sentence about an agreement. Where the
        // sentence names a public part and a secret one, the nearer cue
        // decides ("stated in its public agreement ... open door ..., and
        // agreed upon spheres in its confidential agreement").
        let secret_at: Vec<usize> = hits
            .iter()
            .filter(|h| h.predicate == "secret")
            .map(|h| h.start)
            .collect();
        // Only a secret sentence asks where its public part is.
        let public_at: Vec<usize> = match public_cue_re() {
            Some(re) if secret_here => re.find_iter(text).map(|m| m.start()).collect(),
            _ => Vec::new(),
        };
        // The cue that opens the provision's part of the sentence is the
        // last one before it; with none before it, the first one after.
        let secret_for = |pos: usize| {
            if !secret_here || public_at.is_empty() || secret_at.is_empty() {
                return secret_here;
            }
            let last_before = |xs: &[usize]| xs.iter().copied().filter(|&x| x <= pos).max();
            let first_after = |xs: &[usize]| xs.iter().copied().filter(|&x| x > pos).min();
            match (last_before(&secret_at), last_before(&public_at)) {
                (Some(s), Some(p)) => s > p,
                (Some(_), None) => true,
                (None, Some(_)) => false,
                (None, None) => match (first_after(&secret_at), first_after(&public_at)) {
                    (Some(s), Some(p)) => s < p,
                    _ => true,
                },
            }
        };
        let provs = self.lex.provisions_with(text, &scan);
        let sentence_mentions: Vec<&Mention> = self.rec.mentions_in(s.span).collect();
        let sphere_cued = provs.iter().any(|p| p.0 == "sphere_of_influence");
        let mut pairs = sphere_pairs(&self.doc.text, s.span, &sentence_mentions);
        // A region list "A and B to X" or a split "the western part to X" is
        // a sphere only with a cue: alone it may be a cession. Two lists
        // with two holders, or a secret clause, are a division of spheres.
        let lists = pairs
            .iter()
            .filter(|p| p.from_list || p.from_direction)
            .count();
        pairs.retain(|p| {
            !(p.from_list || p.from_direction) || sphere_cued || lists >= 2 || secret_here
        });
        let listed = !pairs.is_empty();
        if !provs.is_empty() || listed {
            let first = provs
                .first()
                .map(|p| Span::new(s.span.start + p.1, s.span.start + p.2))
                .unwrap_or(s.span);
            if let Some((e, factor, _)) = self.what(i, s, first, s.span, "provision") {
                let regions: Vec<String> = self
                    .rec
                    .mentions_in(s.span)
                    .filter_map(|m| match &m.kind {
                        MentionKind::Place(p) if p.category != "city" => Some(p.name.clone()),
                        _ => None,
                    })
                    .collect();
                // "A, B and C for X, and D for Y": regions grouped by the
                // polity each list is for.
                let mut seen: Vec<String> = Vec::new();
                for pair in &pairs {
                    let rule = if pair.from_list {
                        "provision.sphere.list"
                    } else if pair.from_direction {
                        "provision.sphere.split"
                    } else {
                        "provision.sphere.holder"
                    };
                    self.push(
                        agreement_key(e),
                        "provision",
                        json!({"kind": "sphere_of_influence", "secret": secret_here, "regions": pair.regions, "beneficiary": polity_value(&pair.holder)}),
                        None,
                        s.span,
                        s.span,
                        rule,
                        0.7 * factor,
                    );
                }
                if sphere_cued && pairs.is_empty() {
                    // A sphere cue with no holder and region of its own
                    // ("spheres of influence in Asia"): the provision exists,
                    // but guessing its holder from the nearest polity gives
                    // false spheres.
                    let ev = provs
                        .iter()
                        .find(|p| p.0 == "sphere_of_influence")
                        .map(|p| Span::new(s.span.start + p.1, s.span.start + p.2))
                        .unwrap_or(s.span);
                    self.push(
                        agreement_key(e),
                        "provision",
                        json!({"kind": "sphere_of_influence", "secret": secret_here, "regions": [], "beneficiary": null}),
                        None,
                        s.span,
                        ev,
                        "provision.sphere_of_influence",
                        0.6 * factor,
                    );
                }
                if listed || sphere_cued {
                    seen.push("sphere_of_influence".to_string());
                }
                for (kind, a, b) in provs {
                    if seen.contains(&kind) {
                        continue;
                    }
                    seen.push(kind.clone());
                    let ev = Span::new(s.span.start + a, s.span.start + b);
                    let beneficiary = self
                        .polity_mentions_near(s.span, ev)
                        .first()
                        .map(|p| polity_value(p));
                    self.push(
                        agreement_key(e),
                        "provision",
                        json!({"kind": kind, "secret": secret_for(a), "regions": regions, "beneficiary": beneficiary}),
                        None,
                        s.span,
                        ev,
                        &format!("provision.{kind}"),
                        0.75 * factor,
                    );
                }
            }
        }
        self.indicators(s);
    }

    #[allow(clippy::too_many_arguments)]
    fn lifecycle(
        &mut self,
        s: &SentInfo,
        pred: &str,
        subject: &str,
        trig: Span,
        zone: Span,
        rule: &str,
        conf: f32,
    ) {
        let date = self
            .phrase_date(trig, zone)
            .or_else(|| self.date_in(zone, trig));
        // "The Convention of 1800 terminated the treaty of alliance": what
        // ends one agreement by another ends it when the other was made.
        let agent_year = || {
            self.entities_in(s.span)
                .into_iter()
                .filter(|(sp, _)| sp.end <= trig.start)
                .max_by_key(|(sp, _)| sp.end)
                .filter(|(sp, _)| self.agent_of_ending(*sp, trig))
                .and_then(|(_, e)| self.entities.get(e).and_then(|x| x.year))
                .map(|y| y.to_string())
        };
        let (date, dconf) = match date {
            Some((d, dd, _)) => (Some(d), distance_factor(dd)),
            None => match (pred, agent_year(), self.section_year(s)) {
                ("ended", Some(y), _) => (Some(y), 0.8),
                ("ended", None, Some(y)) => (Some(y), SECTION_FACTOR),
                _ => (None, 0.5),
            },
        };
        let mut value = json!({"date": date});
        if pred == "ended" {
            let how = rule.rsplit('.').next().unwrap_or("ended");
            value["how"] = json!(how);
            // "abrogated by the Soviet government": the polity after "by".
            let after = Span::new(trig.end, zone.end.max(trig.end));
            let by = self
                .text(after)
                .trim_start()
                .to_lowercase()
                .starts_with("by ");
            if by {
                if let Some(p) = self
                    .polity_mentions_near(after, trig)
                    .first()
                    .map(|p| polity_value(p))
                {
                    value["by"] = p;
                }
            }
        }
        if pred == "disclosed" {
            value["how"] = json!(if rule.contains("leak") {
                "leak"
            } else {
                "publication"
            });
        }
        self.push(
            subject.to_string(),
            pred,
            value,
            date.clone(),
            s.span,
            trig,
            rule,
            conf * dconf,
        );
        if pred != "signed" {
            return;
        }
        if let Some((name, pspan)) = self.place_after(trig, zone) {
            self.push(
                subject.to_string(),
                "place",
                json!({"name": name}),
                None,
                s.span,
                trig,
                &format!("{rule}.place"),
                conf * distance_factor(dist(&pspan, &trig)),
            );
        }
        // Negotiators are not signatories: skip persons that follow
        // "negotiated by" (or "drafted by") within the zone.
        let head = Span::new(s.span.start, trig.start.max(s.span.start));
        let head_text = self.text(head).to_lowercase();
        let negotiators_until = ["negotiated by", "drafted by", "negotiators"]
            .iter()
            .filter_map(|k| head_text.find(k).map(|p| head.start + p))
            .min();
        // "... signed on 22 May, after the envoy had been promoted": the
        // persons of a clause about another event, after the trigger, are
        // not signatories.
        let tail = Span::new(trig.end.min(zone.end), zone.end);
        // ASCII folding keeps byte offsets, so positions map back to spans.
        let tail_text = self.text(tail).to_ascii_lowercase();
        let other_event_from = other_event_cues()
            .iter()
            .filter_map(|w| {
                tail_text
                    .match_indices(w.as_str())
                    .find(|(p, _)| is_word_at(&tail_text, *p, w.len()))
                    .map(|(p, _)| tail.start + p)
            })
            .min();
        let mut persons: Vec<(Value, usize)> = Vec::new();
        let mut last: Option<Span> = None;
        for m in self.rec.mentions_in(zone).filter(|m| {
            negotiators_until.is_none_or(|n| m.span.start < n || m.span.start > trig.end)
                && other_event_from.is_none_or(|o| m.span.start < o)
        }) {
            let MentionKind::Person(p) = &m.kind else {
                continue;
            };
            let own = self.text(m.span);
            if particle_re().is_some_and(|r| r.is_match(own)) {
                // "Otto, Baron of Völderndorff" comes as "Otto" and "of
                // Völderndorff": the particle continues the name before it
                // across a title; alone ("widow of X") it is no signatory.
                let joined = last.filter(|l| {
                    title_gap_re().is_some_and(|r| {
                        r.is_match(self.text(Span::new(l.end.min(m.span.start), m.span.start)))
                    })
                });
                if let (Some(l), Some(prev)) = (joined, persons.last_mut()) {
                    prev.0["name"] = json!(self.text(Span::new(l.start, m.span.end)));
                    last = Some(Span::new(l.start, m.span.end));
                }
                continue;
            }
            persons.push((
                json!({"name": p.name, "office": p.office, "polity": p.polity}),
                dist(&m.span, &trig),
            ));
            last = Some(m.span);
        }
        for (p, d) in persons {
            self.push(
                subject.to_string(),
                "signatory",
                p,
                None,
                s.span,
                trig,
                &format!("{rule}.signatory"),
                conf * distance_factor(d),
            );
        }
        let mut parties = self.polities_near(zone, trig);
        if let Some(with) = self.signed_with(s, trig) {
            // "the entente, signed with Britain in London": one party is
            // named; the other is the polity the sentence is about (named
            // most often), not every state the sentence mentions.
            parties = match self.topic_polity(s.span, &with) {
                Some(other) => vec![with, other],
                None => Vec::new(),
            };
        }
        if parties.len() >= 2 {
            for p in parties {
                self.push(
                    subject.to_string(),
                    "party",
                    p,
                    None,
                    s.span,
                    trig,
                    &format!("{rule}.party"),
                    conf * 0.9,
                );
            }
        }
    }

    /// The polity right after a signing trigger's "with" ("signed with
    /// Britain", "concluded with the Netherlands").
    fn signed_with(&self, s: &SentInfo, trig: Span) -> Option<Value> {
        let rest = self.text(Span::new(trig.end, s.span.end));
        let lead = rest.len() - rest.trim_start().len();
        let after = rest.trim_start().strip_prefix("with ")?;
        let after_the = after.strip_prefix("the ").unwrap_or(after);
        let at = trig.end + lead + 5 + (after.len() - after_the.len());
        self.rec
            .mentions_in(s.span)
            .find(|m| m.span.start == at)
            .and_then(polity_of)
            .filter(|p| !p.adjectival || after_the.contains('-'))
            .map(polity_value)
    }

    /// The polity a sentence names most often, other than `not`; ties go to
    /// the earliest.
    fn topic_polity(&self, span: Span, not: &Value) -> Option<Value> {
        let mut counts: Vec<(usize, Value)> = Vec::new();
        for m in self.rec.mentions_in(span) {
            if self.inside_agreement(&m.span) {
                continue;
            }
            let Some(p) = polity_of(m) else { continue };
            if not["id"] == p.id.as_str() {
                continue;
            }
            match counts.iter_mut().find(|c| c.1["id"] == p.id.as_str()) {
                Some(c) => c.0 += 1,
                None => counts.push((1, polity_value(p))),
            }
        }
        let best = counts.iter().map(|c| c.0).max()?;
        counts.into_iter().find(|c| c.0 == best).map(|c| c.1)
    }

    #[allow(clippy::too_many_arguments)]
    fn event(
        &mut self,
        i: usize,
        s: &SentInfo,
        kind: &str,
        trig: Span,
        zone: Span,
        rule: &str,
        prec: f32,
    ) {
        let mut dates: Vec<(String, f32)> = Vec::new();
        if s.heading {
            // A heading names the event and dates it. A full date in the
            // heading stands; otherwise the one day the section's first
            // sentence gives, when it is the only one and fits the heading;
            // otherwise the heading's own date (often the year alone): the
            // text does not say which of several days marks the event.
            let hdate = s
                .section
                .and_then(|sec| self.heading_date.get(&sec).cloned());
            let found = match hdate {
                Some(d) if precision(&d) == 3 => Some(d),
                hd => {
                    let first = self
                        .sents
                        .iter()
                        .skip(i + 1)
                        .take_while(|x| x.section == s.section)
                        .find(|x| !x.heading);
                    let days: Vec<&str> = first
                        .map(|x| {
                            self.rec
                                .mentions_in(x.span)
                                .filter_map(date_of)
                                .filter(|d| precision(d) == 3)
                                .collect()
                        })
                        .unwrap_or_default();
                    // ... and the only day of the heading's years in the
                    // whole section.
                    let mut section_days: Vec<&str> = Vec::new();
                    for x in self
                        .sents
                        .iter()
                        .skip(i + 1)
                        .take_while(|x| x.section == s.section && !x.heading)
                    {
                        for d in self.rec.mentions_in(x.span).filter_map(date_of) {
                            let fits = hd.as_deref().is_none_or(|h| year_within(d, h));
                            if fits && precision(d) == 3 && !section_days.contains(&d) {
                                section_days.push(d);
                            }
                        }
                    }
                    let days = if section_days.len() == 1 {
                        days
                    } else {
                        Vec::new()
                    };
                    match (days.as_slice(), hd) {
                        ([one], Some(h)) if year_within(one, &h) => Some(one.to_string()),
                        ([one], None) => Some(one.to_string()),
                        (_, Some(h)) => Some(h),
                        (_, None) => None,
                    }
                }
            };
            if let Some(d) = found {
                dates.push((d, SECTION_FACTOR));
            }
        } else {
            // A date in a leading phrase about an earlier act ("Following
            // talks on 3 March, ...") dates that act: this event came on
            // that day or later. It serves last, and only for its year.
            let prior = self.prior_phrase(s, trig);
            let in_prior = |m: &Mention| prior.is_some_and(|p| p.contains(&m.span));
            let clause = self.clause_of(s.span, trig);
            // "... and relations were resumed a few months later": the
            // clause dates its event only vaguely, after another act; the
            // date of that act is not this event's.
            // The cheap test first: most clauses carry their own date.
            if !self.rec.mentions_in(s.span).any(|m| {
                date_of(m).is_some() && clause.start <= m.span.start && m.span.start < clause.end
            }) && vague_time_re().is_some_and(|re| re.is_match(self.text(clause)))
            {
                return;
            }
            // "maintained a consulate there before 1874", "... until
            // 1922": a date that bounds a state of affairs from above does
            // not date the event; with nothing else to date it, the event
            // is too vague to keep.
            let bounded = self
                .rec
                .mentions_in(zone)
                .any(|m| date_of(m).is_some() && self.is_upper_bound(s.span, trig, m.span));
            let zone_dates: Vec<(String, usize, bool, bool)> = self
                .rec
                .mentions_in(zone)
                .filter(|m| !self.inside_agreement(&m.span))
                .filter(|m| !self.is_upper_bound(s.span, trig, m.span))
                .filter_map(|m| {
                    date_of(m).map(|d| {
                        let earlier = in_prior(m);
                        let d = if earlier {
                            edtf_year(d).unwrap_or(d)
                        } else {
                            d
                        };
                        let in_clause = !earlier && self.dates_clause(s.span, clause, m.span);
                        (
                            d.to_string(),
                            self.clause_dist(&m.span, &trig),
                            in_clause,
                            earlier,
                        )
                    })
                })
                .collect();
            let all_days = zone_dates.len() > 1 && zone_dates.iter().all(|d| precision(&d.0) == 3);
            if all_days && kind == "meeting" {
                // "met in Taormina on 26 May and in New York on 20 September".
                for (d, dd, _, _) in zone_dates {
                    dates.push((d, distance_factor(dd)));
                }
            } else if let Some((d, dd)) = {
                let only = zone_dates.len() == 1;
                // A date in the trigger's own clause first, then the
                // nearest: in "By 1819 it was independent, and it was
                // recognized in 1822", 1819 is nearer but another clause's.
                zone_dates
                    .into_iter()
                    .min_by_key(|x| (x.3, !x.2, x.1))
                    .map(|(d, dd, _, _)| (d, dd, only))
            }
            .map(|(d, dd, only)| {
                // The only date in reach is less doubtful however far it is
                // ("PARIS, 2 May — ... met ...").
                (
                    d,
                    if only {
                        distance_factor(dd).max(0.7)
                    } else {
                        distance_factor(dd)
                    },
                )
            }) {
                dates.push((d, dd));
            } else if bounded {
                return;
            } else if let Some((d, dd)) = self
                .rec
                .mentions_in(s.span)
                .filter(|m| !self.inside_agreement(&m.span))
                .filter(|m| !self.is_upper_bound(s.span, trig, m.span))
                .filter_map(|m| {
                    date_of(m).map(|d| {
                        let earlier = in_prior(m);
                        let d = if earlier {
                            edtf_year(d).unwrap_or(d)
                        } else {
                            d
                        };
                        (d.to_string(), self.clause_dist(&m.span, &trig), earlier)
                    })
                })
                .min_by_key(|x| (x.2, x.1))
                .map(|(d, dd, _)| (d, dd))
            {
                // Beyond the next trigger but in the same sentence ("...
                // recognition of X and the establishment of relations, which
                // occurred on 4 May").
                dates.push((d, 0.7 * distance_factor(dd)));
            } else if let Some(d) = self.previous_date(i, s) {
                // "The sessions, held during this visit": the date of the
                // sentence before, in the same paragraph. "... then
                // severed relations": after that day, so its month only.
                let lower = self.text(s.span).to_lowercase();
                let after = sequence_cues().iter().any(|w| {
                    lower
                        .match_indices(w.as_str())
                        .any(|(p, _)| is_word_at(&lower, p, w.len()))
                });
                let d = match (after, d.get(..7)) {
                    (true, Some(month)) if precision(&d) == 3 => month.to_string(),
                    _ => d,
                };
                dates.push((d, 0.5));
            } else if let Some(y) = self.section_year(s) {
                dates.push((y, SECTION_FACTOR));
            }
        }
        if dates.is_empty() {
            // An undated event is too vague to keep.
            return;
        }
        // The trigger's own clause names the parties when it names two:
        // "A had severed relations with B on 8 April, after B declared war
        // on C" is about A and B, not C.
        let clause = self.clause_of(s.span, trig);
        let cpolities = self.polities_near(clause, trig);
        let spolities = if cpolities.len() < 2 {
            self.polities_near(s.span, trig)
        } else {
            cpolities
        };
        // A clause naming two polities, one of the document's pair, names
        // both parties ("A had severed relations with B").
        let clause_pair = spolities.len() == 2
            && self.pair.len() >= 2
            && spolities
                .iter()
                .any(|v| self.pair.iter().any(|p| p["id"] == v["id"]))
            && self.polity_mentions_near(clause, trig).len() == 2;
        let parties = if let Some(x) = self.heading_counterpart(s, trig) {
            Some(x)
        } else if clause_pair {
            Some(spolities.clone())
        } else {
            self.event_parties(&spolities)
        };
        let Some(parties) = parties else {
            return;
        };
        let place = self.place_after(trig, zone).map(|p| p.0);
        let persons: Vec<String> = self
            .rec
            .mentions_in(zone)
            .filter_map(|m| match &m.kind {
                MentionKind::Person(p) => Some(p.name.clone()),
                _ => None,
            })
            .collect();
        let ttext = self.text(trig).to_lowercase();
        let ztext = self.text(zone);
        let ordinal = ztext.split_whitespace().find_map(ordinal_word);
        // "the sessions of the two dialogues": one event per dialogue.
        let count = if ttext.contains("sessions") {
            ttext
                .split_whitespace()
                .find_map(|w| match w {
                    "two" | "both" => Some(2),
                    "three" => Some(3),
                    _ => None,
                })
                .unwrap_or(1)
        } else {
            1
        };
        for (d, f) in dates {
            let parties = self.dated_parties(&parties, trig, clause, s.span, &d);
            for k in 0..count {
                let n = self.next_event;
                self.next_event += 1;
                self.push(
                    format!("event:{n}"),
                    "event",
                    json!({
                        "kind": kind,
                        "parties": parties,
                        "place": place,
                        "persons": persons,
                        "ordinal": ordinal,
                        "instance": k,
                        "heading": s.heading,
                        "section": s.section,
                    }),
                    Some(d.clone()),
                    s.span,
                    trig,
                    rule,
                    prec * f,
                );
            }
        }
    }

    /// A heading names the counterpart after "with" and leaves the
    /// document's anchor implicit: "Establishment of Relations with the
    /// Federal Republic" is about the anchor and the Federal Republic,
    /// whatever else the heading names ("Division of Germany and ...").
    fn heading_counterpart(&self, s: &SentInfo, trig: Span) -> Option<Vec<Value>> {
        if !s.heading || self.pair.len() < 2 {
            return None;
        }
        let anchor = self.pair.first()?;
        let after = Span::new(trig.end.min(s.span.end), s.span.end);
        let m = self
            .rec
            .mentions_in(after)
            .find(|m| polity_of(m).is_some() && !self.inside_agreement(&m.span))?;
        let gap = self
            .text(Span::new(trig.end, m.span.start.max(trig.end)))
            .trim()
            .to_lowercase();
        let p = polity_of(m)?;
        (matches!(gap.as_str(), "with" | "with the") && anchor["id"] != p.id.as_str())
            .then(|| vec![anchor.clone(), polity_value(p)])
    }

    /// "In 1814 Britain had acquired the colony by treaty with the
    /// Netherlands": an unnamed agreement, dated by the sentence's only
    /// date, between the sentence's subject (its first polity outside
    /// brackets, not an adjective) and the polity after "with".
    fn by_treaty(&mut self, i: usize, s: &SentInfo) {
        let Some(re) = by_treaty_re() else { return };
        let text = self.text(s.span);
        let Some(m) = re.find(text) else { return };
        let at = s.span.start + m.end();
        let mentions: Vec<&Mention> = self.rec.mentions_in(s.span).collect();
        let Some((with, counterpart)) = mentions
            .iter()
            .find(|x| x.span.start == at)
            .and_then(|x| polity_of(x).map(|p| (x.span, p)))
        else {
            return;
        };
        let subject = mentions.iter().find_map(|x| {
            let p = polity_of(x)?;
            let before = self.text(Span::new(s.span.start, x.span.start));
            let bracketed = before.matches('(').count() > before.matches(')').count();
            (x.span.end <= s.span.start + m.start()
                && !p.adjectival
                && !bracketed
                && p.id != counterpart.id)
                .then_some(p)
        });
        let dates: Vec<(&str, Span)> = mentions
            .iter()
            .filter(|x| !self.inside_agreement(&x.span))
            .filter_map(|x| date_of(x).map(|d| (d, x.span)))
            .collect();
        let (Some(subject), [(date, dspan)]) = (subject, dates.as_slice()) else {
            return;
        };
        let (date, dspan) = (date.to_string(), *dspan);
        let span = Span::new(s.span.start + m.start(), with.end);
        let words = self.text(span);
        let the = if words.contains(" the ") { "the " } else { "" };
        let a = AgreementMention {
            name: format!("Treaty with {the}{}", self.text(with)),
            instrument: "treaty".to_string(),
            acronym: None,
            ordinal: None,
            year: None,
            polities: Vec::new(),
            reference: false,
        };
        let e = self.new_entity(
            i,
            span,
            &a,
            vec![polity_value(subject), polity_value(counterpart)],
        );
        if let Some(x) = self.entities.get_mut(e) {
            x.indefinite = true;
            x.mentions = 1;
        }
        self.note_mention(span, e);
        self.push(
            agreement_key(e),
            "signed",
            json!({"date": date}),
            Some(date.clone()),
            s.span,
            dspan,
            "signed.by-treaty",
            0.6,
        );
    }

    /// An ending verb whose direct object is a noun phrase that is no
    /// agreement: "canceled a planned congress", "terminated his mission".
    /// The object runs from a determiner right after the trigger to the next
    /// punctuation; it holds no agreement mention and no head word of
    /// `data/rules/ending_objects.tsv`.
    fn ends_something_else(&self, trig: Span, zone: Span) -> bool {
        const DETERMINERS: [&str; 9] = [
            "a", "an", "the", "its", "their", "his", "her", "this", "that",
        ];
        let after = Span::new(trig.end.min(zone.end), zone.end);
        let text = self.text(after);
        let end = text.find([',', ';', '.', ':', '(']).unwrap_or(text.len());
        let object = text.get(..end).unwrap_or("").to_lowercase();
        let mut words = object.split_whitespace();
        if !words.next().is_some_and(|w| DETERMINERS.contains(&w)) {
            return false;
        }
        let object_span = Span::new(after.start, after.start + end);
        if self
            .rec
            .mentions_in(object_span)
            .any(|m| agreement_of(m).is_some())
        {
            return false;
        }
        !words.any(|w| ending_objects().iter().any(|o| w.starts_with(o.as_str())))
    }

    /// Whether "with" or "with the" comes right before `span` (commas
    /// aside: "relations with, the Republic").
    fn after_with(&self, span: Span) -> bool {
        let mut from = span.start.saturating_sub(16);
        while !self.doc.text.is_char_boundary(from) {
            from += 1;
        }
        let before = self.text(Span::new(from, span.start)).to_lowercase();
        let words: Vec<&str> = before
            .split(|c: char| c.is_whitespace() || c == ',')
            .filter(|w| !w.is_empty())
            .collect();
        matches!(words.as_slice(), [.., "with"] | [.., "with", "the"])
    }

    /// The parties as the words the text used name them at `date`: "the
    /// Republic of China" in 1979 is the government on Taiwan
    /// (`data/rules/polity_successors.tsv`). The trigger's clause decides when
    /// it names the party, else the sentence.
    fn dated_parties(
        &self,
        parties: &[Value],
        trig: Span,
        clause: Span,
        sent: Span,
        date: &str,
    ) -> Vec<Value> {
        parties
            .iter()
            .map(|p| {
                // The mention of this party nearest the trigger, in its
                // clause when the clause names it; the object of "with"
                // first ("relations with PRC/relations with the Republic
                // of China").
                let nearest = |span: Span| {
                    self.rec
                        .mentions_in(span)
                        .filter_map(|m| polity_of(m).map(|pm| (m, pm)))
                        .filter(|(_, pm)| p["id"] == pm.id.as_str())
                        .min_by_key(|(m, _)| {
                            (
                                !self.after_with(m.span),
                                m.span.start < trig.start,
                                dist(&m.span, &trig),
                            )
                        })
                        .map(|x| x.1)
                };
                nearest(clause)
                    .or_else(|| nearest(sent))
                    .and_then(|pm| crate::successors::successor(&pm.form, &pm.id, date))
                    .unwrap_or_else(|| p.clone())
            })
            .collect()
    }

    /// A top-level heading that names an event kind and no date
    /// ("Recognition", "Consular Presence") heads a list of such events: its
    /// first subsection is one even when its own heading names no kind
    /// ("First Official Interaction, 1903.").
    fn parent_headings(&mut self) {
        let mut parent: Option<(String, bool)> = None;
        let mut top: Option<u8> = None;
        for i in 0..self.sents.len() {
            let Some(s) = self.sents.get(i).cloned() else {
                continue;
            };
            let (true, Some(level)) = (s.heading, s.level) else {
                continue;
            };
            if level == 0 {
                continue;
            }
            // The first heading of a new block starts it; later sentences of
            // one heading block are the same heading.
            let first_of_block = i == 0
                || self.rec.sentences.get(i - 1).map(|p| p.block)
                    != self.rec.sentences.get(i).map(|p| p.block);
            if !first_of_block {
                continue;
            }
            let top_level = *top.get_or_insert(level);
            if level <= top_level {
                let text = self.text(s.span);
                let dated = self.rec.mentions_in(s.span).any(|m| date_of(m).is_some());
                let kind = self
                    .lex
                    .hits(text)
                    .into_iter()
                    .find_map(|h| h.predicate.strip_prefix("event:").map(str::to_string));
                parent = kind.filter(|_| !dated).map(|k| (k, false));
                continue;
            }
            let Some((kind, used)) = parent.as_mut() else {
                continue;
            };
            if *used {
                continue;
            }
            *used = true;
            let kind = kind.clone();
            let has_own = self.claims.iter().any(|c| {
                c.predicate == "event"
                    && c.value.get("heading").and_then(Value::as_bool) == Some(true)
                    && c.value.get("section").and_then(Value::as_u64) == s.section.map(u64::from)
            });
            if !has_own {
                self.event(i, &s, &kind, s.span, s.span, "event.parent-heading", 0.7);
            }
        }
    }

    /// Structure is evidence: when headings name the events ("Diplomatic
    /// Relations Severed, 1980."), they are the document's inventory. A
    /// prose event of the heading's kind in its section gives the heading
    /// event its day; other prose events stay as weak claims only.
    fn settle_events(&mut self) {
        let is_event = |c: &Claim| c.predicate == "event";
        let heading = |c: &Claim| c.value.get("heading").and_then(Value::as_bool) == Some(true);
        let key = |c: &Claim| {
            (
                c.value.get("section").and_then(Value::as_u64),
                c.value
                    .get("kind")
                    .and_then(Value::as_str)
                    .map(str::to_string),
            )
        };
        let headed: Vec<usize> = (0..self.claims.len())
            .filter(|&i| {
                self.claims
                    .get(i)
                    .is_some_and(|c| is_event(c) && heading(c))
            })
            .collect();
        if headed.len() < 2 {
            return;
        }
        let mut refined: Vec<usize> = Vec::new();
        for j in 0..self.claims.len() {
            let Some(c) = self.claims.get(j) else {
                continue;
            };
            if !is_event(c) || heading(c) {
                continue;
            }
            let (k, date) = (key(c), c.valid_time.clone());
            let target = headed.iter().copied().find(|&h| {
                self.claims.get(h).is_some_and(|hc| {
                    key(hc) == k
                        && !refined.contains(&h)
                        && match (&hc.valid_time, &date) {
                            (Some(hd), Some(pd)) => year_within(pd, hd),
                            _ => true,
                        }
                })
            });
            if let (Some(h), Some(d)) = (target, date) {
                if let Some(hc) = self.claims.get_mut(h) {
                    if precision(&d) >= hc.valid_time.as_deref().map(precision).unwrap_or(0) {
                        hc.valid_time = Some(d);
                    }
                }
                refined.push(h);
            }
            if let Some(c) = self.claims.get_mut(j) {
                // Refining evidence, or an event the headings do not list:
                // kept, but weaker.
                // Meetings are not what such headings list, so an unlisted
                // one is most often a passing mention.
                let meeting = c.value.get("kind").and_then(Value::as_str) == Some("meeting");
                c.confidence *= if target.is_some() || meeting {
                    0.2
                } else {
                    0.5
                };
            }
        }
    }

    /// "X contributed to Y": the target is the agreement after the trigger;
    /// the source the one before it, else the paragraph's, the section's or
    /// the document's.
    fn led_to(&mut self, s: &SentInfo, trig: Span, rule: &str, prec: f32) {
        let Some((tspan, t)) = self
            .entities_in(Span::new(trig.end, s.span.end))
            .into_iter()
            .min_by_key(|(sp, _)| sp.start)
        else {
            return;
        };
        let before = self
            .entities_in(Span::new(s.span.start, trig.start))
            .into_iter()
            .max_by_key(|(sp, _)| sp.end)
            .map(|(sp, e)| (e, distance_factor(dist(&sp, &trig))));
        let source = before
            .or_else(|| {
                s.block
                    .and_then(|b| self.block_entity.get(&b).copied())
                    .map(|e| (e, SECTION_FACTOR))
            })
            .filter(|(e, _)| *e != t)
            .or_else(|| {
                s.section
                    .and_then(|x| self.section_entity.get(&x).copied())
                    .map(|e| (e, SECTION_FACTOR))
            })
            .filter(|(e, _)| *e != t)
            .or_else(|| self.main.map(|e| (e, DOCUMENT_FACTOR)))
            .filter(|(e, _)| *e != t);
        let Some((e, factor)) = source else { return };
        let name = self.entities.get(t).map(|x| x.name.clone());
        self.push(
            agreement_key(e),
            "led_to",
            json!({"target": agreement_key(t), "name": name}),
            None,
            s.span,
            trig,
            rule,
            prec * factor * distance_factor(dist(&tspan, &trig)),
        );
    }

    /// The last date of the nearest of the three sentences before, within the
    /// same section: "The sessions, held during this visit" takes the date
    /// of the visit.
    fn previous_date(&self, i: usize, s: &SentInfo) -> Option<String> {
        for back in 1..=3 {
            let prev = self.sents.get(i.checked_sub(back)?)?;
            if prev.heading || prev.section != s.section {
                return None;
            }
            if let Some(d) = self
                .rec
                .mentions_in(prev.span)
                .filter(|m| !self.inside_agreement(&m.span))
                .filter_map(date_of)
                .last()
            {
                return Some(d.to_string());
            }
        }
        None
    }

    fn indicators(&mut self, s: &SentInfo) {
        let text = self.text(s.span);
        let lex = self.lex;
        for r in lex.indicators_in(text) {
            for c in r.re.captures_iter(text) {
                let Some(v) = c.name("value") else { continue };
                let Ok(mut value) = v.as_str().replace(',', "").parse::<f64>() else {
                    continue;
                };
                match c
                    .name("scale")
                    .map(|m| m.as_str().to_lowercase())
                    .as_deref()
                {
                    Some("million") => value *= 1e6,
                    Some("billion") | Some("bn") => value *= 1e9,
                    Some("trillion") => value *= 1e12,
                    _ => {}
                }
                let unit = match c.name("cur").map(|m| m.as_str()) {
                    Some("€") => Some("EUR".to_string()),
                    Some("$") => Some("USD".to_string()),
                    Some("£") => Some("GBP".to_string()),
                    Some("¥") => Some("JPY".to_string()),
                    _ => r.unit.clone(),
                };
                let year = c.name("year").map(|y| y.as_str().to_string()).or_else(|| {
                    self.rec
                        .mentions_in(s.span)
                        .filter_map(date_of)
                        .filter_map(edtf_year)
                        .next()
                        .map(str::to_string)
                });
                let Some(m) = c.get(0) else { continue };
                let ev = Span::new(s.span.start + m.start(), s.span.start + m.end());
                let n = self.next_indicator;
                self.next_indicator += 1;
                let parties = self.pair.clone();
                self.push(
                    format!("indicator:{n}"),
                    "indicator",
                    json!({"name": r.name, "value": value, "unit": unit, "year": year, "parties": parties}),
                    year.clone(),
                    s.span,
                    ev,
                    &format!("indicator.{}", r.name),
                    0.8 * distance_factor(0),
                );
            }
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
pub(crate) mod tests {
    use super::*;
    use entente_recognise::{dates::DateMention, person::PersonMention, place::PlaceMention};
    use entente_source::{Block, Format, SourceMap};

    /// A hand-built document: blocks are separated by blank lines; the first
    /// is the title.
    pub(crate) fn doc(text: &str) -> Document {
        let mut blocks = Vec::new();
        let mut pos = 0;
        for (i, part) in text.split("\n\n").enumerate() {
            let span = Span::new(pos, pos + part.len());
            blocks.push(Block {
                kind: if i == 0 {
                    BlockKind::Title
                } else {
                    BlockKind::Paragraph
                },
                span,
                section: Some(0),
            });
            pos += part.len() + 2;
        }
        Document {
            format: Format::Text,
            title: None,
            text: text.to_string(),
            map: SourceMap::identity(text.len()),
            blocks,
            annotations: Vec::new(),
            encoding: None,
            warnings: Vec::new(),
        }
    }

    /// Mentions of every occurrence of `needle`.
    pub(crate) fn all(text: &str, needle: &str, kind: MentionKind) -> Vec<Mention> {
        text.match_indices(needle)
            .map(|(i, _)| Mention {
                span: Span::new(i, i + needle.len()),
                kind: kind.clone(),
                confidence: 0.9,
            })
            .collect()
    }

    pub(crate) fn polity(id: &str, name: &str, cow: u16, adj: bool) -> MentionKind {
        MentionKind::Polity(PolityMention {
            id: id.into(),
            name: name.into(),
            cow: Some(cow),
            iso3: None,
            form: name.into(),
            adjectival: adj,
        })
    }
    pub(crate) fn date(edtf: &str) -> MentionKind {
        MentionKind::Date(DateMention {
            edtf: edtf.into(),
            qualifier: None,
            inferred: None,
        })
    }
    pub(crate) fn person(name: &str, id: u32) -> MentionKind {
        MentionKind::Person(PersonMention {
            name: name.into(),
            person: id,
            office: None,
            title: None,
            polity: None,
        })
    }
    pub(crate) fn place(name: &str, category: &str) -> MentionKind {
        MentionKind::Place(PlaceMention {
            id: name.into(),
            name: name.into(),
            category: category.into(),
            within: Vec::new(),
            unknown: false,
        })
    }
    pub(crate) fn agreement(
        name: &str,
        reference: bool,
        ordinal: Option<u32>,
        year: Option<i32>,
    ) -> MentionKind {
        MentionKind::Agreement(AgreementMention {
            name: name.into(),
            instrument: "treaty".into(),
            acronym: None,
            ordinal,
            year,
            polities: Vec::new(),
            reference,
        })
    }

    /// Sentences: split after ". " inside each block.
    pub(crate) fn recognition(d: &Document, mut mentions: Vec<Mention>) -> Recognition {
        let mut sentences = Vec::new();
        for (bi, b) in d.blocks.iter().enumerate() {
            let t = b.span.slice(&d.text);
            let mut start = 0;
            for (i, _) in t.match_indices(". ") {
                sentences.push(Sentence {
                    span: Span::new(b.span.start + start, b.span.start + i + 1),
                    block: Some(bi),
                });
                start = i + 2;
            }
            sentences.push(Sentence {
                span: Span::new(b.span.start + start, b.span.end),
                block: Some(bi),
            });
        }
        mentions.sort_by_key(|m| (m.span.start, std::cmp::Reverse(m.span.end)));
        Recognition {
            sentences,
            mentions,
        }
    }

    const LISBON: &str = "Treaty of Lisbon of 1811\n\nThe Treaty of Lisbon of 1811 was signed in Lisbon on 4 May 1811 by Portuguese Envoy João Silva and British Minister Henry Clark. A secret annex gave Portugal special interests in Madeira. The treaty was abrogated by Britain in 1830.\n\nThe kingdoms would sign a second pact. Portugal recognised the Republic of Texas on 2 March 1837.";

    fn lisbon() -> (Document, Recognition) {
        let d = doc(LISBON);
        let t = LISBON;
        let mut ms = Vec::new();
        ms.extend(all(
            t,
            "Treaty of Lisbon of 1811",
            agreement("Treaty of Lisbon of 1811", false, None, Some(1811)),
        ));
        ms.extend(all(
            t,
            "The treaty",
            agreement("the treaty", true, None, None),
        ));
        ms.extend(all(t, "4 May 1811", date("1811-05-04")));
        ms.extend(all(t, "1830", date("1830")));
        ms.extend(all(t, "2 March 1837", date("1837-03-02")));
        ms.extend(
            all(t, "Lisbon on", place("Lisbon", "city"))
                .into_iter()
                .map(|mut m| {
                    m.span.end -= 3;
                    m
                }),
        );
        ms.extend(all(t, "Madeira", place("Madeira", "region")));
        ms.extend(all(t, "João Silva", person("João Silva", 1)));
        ms.extend(all(t, "Henry Clark", person("Henry Clark", 2)));
        ms.extend(all(t, "Portuguese", polity("PRT", "Portugal", 235, true)));
        ms.extend(all(t, "Portugal", polity("PRT", "Portugal", 235, false)));
        ms.extend(all(
            t,
            "British",
            polity("GBR", "United Kingdom", 200, true),
        ));
        ms.extend(
            all(t, "Britain", polity("GBR", "United Kingdom", 200, false))
                .into_iter()
                .filter(|m| {
                    !LISBON[..m.span.start].ends_with("British".trim_end_matches("Britain"))
                }),
        );
        ms.extend(all(
            t,
            "Republic of Texas",
            polity("TEX", "Texas", 0, false),
        ));
        let r = recognition(&d, ms);
        (d, r)
    }

    /// The parties of an agreement whose name and sentence name none, in
    /// `text` (title first) with its polities and agreements marked.
    fn parties_in(text: &str, names: &[&str]) -> Vec<Vec<Option<u16>>> {
        let d = doc(text);
        let mut ms = Vec::new();
        for (form, id, name, cow) in [
            ("Freedonia", "FRD", "Freedonia", 901u16),
            ("Sylvania", "SYL", "Sylvania", 902),
            ("Ruritania", "RUR", "Ruritania", 903),
            ("Ruritanian", "RUR", "Ruritania", 903),
        ] {
            ms.extend(
                all(text, form, polity(id, name, cow, form.ends_with("an")))
                    .into_iter()
                    // "Ruritania" inside "Ruritanian" is the adjective's.
                    .filter(|m| form.ends_with("an") || !text[m.span.end..].starts_with('n')),
            );
        }
        for n in names {
            ms.extend(all(text, n, agreement(n, false, None, None)));
        }
        let r = recognition(&d, ms);
        let facts = crate::facts::document_facts(&extract("doc", &d, &r));
        names
            .iter()
            .map(|n| {
                let a = facts.agreements.iter().find(|a| a.name == *n);
                let mut cows: Vec<Option<u16>> =
                    a.map_or(Vec::new(), |a| a.parties.iter().map(|p| p.cow).collect());
                cows.sort();
                cows
            })
            .collect()
    }

    /// A survey of a period (its title names no polity): an agreement
    /// whose sentence gives no parties takes the polities its paragraph
    /// names most, not the document's most named pair.
    #[test]
    fn a_survey_takes_parties_from_the_paragraph() {
        let survey = "Diplomacy, 1850 to 1860\n\n\
            Freedonia and Sylvania quarrelled. Freedonia sent envoys to Sylvania. \
            Sylvania answered Freedonia. Freedonia and Sylvania traded.\n\n\
            Freedonia sent a squadron. The Ruritanian court agreed, and the two \
            sides signed the Treaty of Kanagawara on 3 May 1854.";
        assert_eq!(
            parties_in(survey, &["Treaty of Kanagawara"]),
            vec![vec![Some(901), Some(903)]]
        );
        // An essay on two countries' relations (its title names them)
        // keeps its pair for the same paragraph.
        let essay = survey.replace("Diplomacy, 1850 to 1860", "Freedonia and Sylvania");
        assert_eq!(
            parties_in(&essay, &["Treaty of Kanagawara"]),
            vec![vec![Some(901), Some(902)]]
        );
    }

    #[test]
    fn a_compound_in_front_keeps_the_name() {
        assert!(compound_prefixed(
            "Anglo-Chinese Treaty of Nanjing",
            "Treaty of Nanjing"
        ));
        assert!(compound_prefixed(
            "Russo–Japanese Treaty of Portsmouth",
            "the Treaty of Portsmouth"
        ));
        assert!(!compound_prefixed(
            "Treaty of Nanjing",
            "Anglo-Chinese Treaty of Nanjing"
        ));
        assert!(!compound_prefixed(
            "Second Treaty of Nanjing",
            "Treaty of Nanjing"
        ));
        assert!(!compound_prefixed("Anglo-Chinese Treaty", "Treaty"));
        assert!(!compound_prefixed(
            "Anglo-Chinese treaty of peace",
            "treaty of peace"
        ));
        assert!(!compound_prefixed(
            "Anglo-Chinese Treaty of Nanjing",
            "Treaty of Tianjin"
        ));
    }

    /// "Border Treaty with Sylvania": the polity of the name's party
    /// phrase is a party, and the other is the document's, not the two
    /// that the sentence names around it.
    #[test]
    fn a_party_phrase_in_the_name_gives_a_party() {
        let text = "Freedonia and Sylvania\n\n\
            Freedonia and Sylvania traded. Freedonia sent envoys to Sylvania.\n\n\
            Ruritania and Freedonia disputed the border until the Border Treaty \
            with Sylvania was signed in 1846.";
        assert_eq!(
            parties_in(text, &["Border Treaty with Sylvania"]),
            vec![vec![Some(901), Some(902)]]
        );
        // "with Respect to" is no party phrase: the sentence decides.
        let text = text.replace("Treaty \n            with Sylvania", "Treaty");
        let text = text.replace(
            "Border Treaty with Sylvania",
            "Border Treaty with Respect to Sylvania",
        );
        assert_eq!(
            parties_in(&text, &["Border Treaty with Respect to Sylvania"]),
            vec![vec![Some(901), Some(903)]]
        );
    }

    #[test]
    fn prose_gives_a_full_agreement() {
        let (d, r) = lisbon();
        let claims = extract("doc", &d, &r);
        let facts = crate::facts::document_facts(&claims);
        assert_eq!(facts.agreements.len(), 1, "{facts:#?}");
        let a = &facts.agreements[0];
        assert_eq!(a.name, "Treaty of Lisbon of 1811");
        assert_eq!(a.signed.as_deref(), Some("1811-05-04"));
        assert_eq!(a.place.as_deref(), Some("Lisbon"));
        assert_eq!(a.signatories, vec!["João Silva", "Henry Clark"]);
        assert!(a.secret_provisions);
        assert_eq!(a.ended.as_deref(), Some("1830"));
        let cows: Vec<Option<u16>> = a.parties.iter().map(|p| p.cow).collect();
        assert!(
            cows.contains(&Some(235)) && cows.contains(&Some(200)),
            "{cows:?}"
        );
        // "would sign" is not a signing; the recognition is an event.
        assert_eq!(facts.events.len(), 1, "{:#?}", facts.events);
        assert_eq!(facts.events[0].kind, "recognition");
        assert_eq!(facts.events[0].date.as_deref(), Some("1837-03-02"));
    }

    #[test]
    fn descriptions_stop_before_the_next_phrase() {
        let t = "treaty of amity and commerce at Faro was signed";
        assert_eq!(
            t.get(..trim_description(t)),
            Some("treaty of amity and commerce")
        );
        let t = "agreement on the transfer of arms and equipment";
        assert_eq!(trim_description(t), t.len());
    }

    #[test]
    fn bracketed_alias_is_the_same_agreement() {
        let t = "Lisbon Accords\n\nThe two crowns signed the Treaty of Peace and Trade on 2 May 1810 (also known as the Treaty of Evora).";
        let d = doc(t);
        let mut ms = Vec::new();
        ms.extend(all(
            t,
            "Treaty of Peace and Trade",
            agreement("Treaty of Peace and Trade", false, None, None),
        ));
        ms.extend(all(
            t,
            "Treaty of Evora",
            agreement("Treaty of Evora", false, None, None),
        ));
        ms.extend(all(t, "2 May 1810", date("1810-05-02")));
        let r = recognition(&d, ms);
        let facts = crate::facts::document_facts(&extract("d", &d, &r));
        assert_eq!(facts.agreements.len(), 1, "{facts:#?}");
        assert_eq!(facts.agreements[0].signed.as_deref(), Some("1810-05-02"));
    }

    /// "Treaty of Evora/ Treaty of Peace and Trade" and the appositive ",
    /// or": one agreement with two names. A plain "or"
    /// between two names keeps two.
    #[test]
    fn slashed_and_appositive_names_are_one_agreement() {
        for (joined, n) in [
            ("/ ", 1),
            (", or ", 1),
            (", also known as the ", 1),
            (", known as ", 1),
            (" or ", 2),
            ("; then the ", 2),
        ] {
            let t = format!(
                "Evora\n\nThe crowns signed the Treaty of Evora{joined}Treaty of Peace and Trade on 2 May 1810."
            );
            let d = doc(&t);
            let mut ms = Vec::new();
            for name in ["Treaty of Evora", "Treaty of Peace and Trade"] {
                ms.extend(all(&t, name, agreement(name, false, None, None)));
            }
            ms.extend(all(&t, "2 May 1810", date("1810-05-02")));
            let r = recognition(&d, ms);
            let claims = extract("d", &d, &r);
            let declared = claims.iter().filter(|c| c.predicate == "agreement").count();
            assert_eq!(declared, n, "{joined:?}: {claims:#?}");
        }
    }

    #[test]
    fn dated_plural_reaches_agreements_named_later() {
        let t = "Evora\n\nIn 1830 the regent abrogated the treaties of 1810.\n\nThe Treaty of Peace and Trade was signed on 2 May 1810.";
        let d = doc(t);
        let mut ms = Vec::new();
        ms.extend(all(
            t,
            "treaties of 1810",
            agreement("treaties of 1810", true, None, Some(1810)),
        ));
        ms.extend(all(
            t,
            "Treaty of Peace and Trade",
            agreement("Treaty of Peace and Trade", false, None, None),
        ));
        ms.extend(all(t, "1830", date("1830")));
        ms.extend(all(t, "2 May 1810", date("1810-05-02")));
        let r = recognition(&d, ms);
        let facts = crate::facts::document_facts(&extract("d", &d, &r));
        assert_eq!(facts.agreements.len(), 1, "{facts:#?}");
        assert_eq!(facts.agreements[0].ended.as_deref(), Some("1830"));
    }

    #[test]
    fn every_claim_cites_its_sentence() {
        let (d, r) = lisbon();
        for c in extract("doc", &d, &r) {
            assert!(c.source.sentence.end <= d.text.len());
            assert!(c.confidence > 0.0 && c.confidence <= 1.0, "{c:?}");
            assert_eq!(c.source.doc, "doc");
        }
    }

    #[test]
    fn series_members_from_ordinal_anaphora() {
        let t = "The Lusitanian Pacts\n\nThe Lusitanian Pacts were two secret treaties. They were abrogated in 1840.\n\nThe First Pact was signed on 1 June 1820.\n\nThe Second Pact was signed on 5 July 1825.";
        let d = doc(t);
        let mut ms = Vec::new();
        ms.extend(all(
            t,
            "The Lusitanian Pacts",
            agreement("Lusitanian Pacts", false, None, None),
        ));
        ms.extend(all(
            t,
            "The First Pact",
            agreement("the First Pact", true, Some(1), None),
        ));
        ms.extend(all(
            t,
            "The Second Pact",
            agreement("the Second Pact", true, Some(2), None),
        ));
        ms.extend(all(t, "1840", date("1840")));
        ms.extend(all(t, "1 June 1820", date("1820-06-01")));
        ms.extend(all(t, "5 July 1825", date("1825-07-05")));
        let r = recognition(&d, ms);
        let facts = crate::facts::document_facts(&extract("d", &d, &r));
        let signed: Vec<_> = facts
            .agreements
            .iter()
            .map(|a| (a.signed.clone(), a.ended.clone(), a.secret_provisions))
            .collect();
        assert_eq!(
            signed,
            vec![
                (
                    Some("1820-06-01".to_string()),
                    Some("1840".to_string()),
                    true
                ),
                (
                    Some("1825-07-05".to_string()),
                    Some("1840".to_string()),
                    true
                )
            ],
            "{facts:#?}"
        );
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod structure_tests {
    use super::tests::*;
    use super::*;
    use entente_source::Block;

    /// A document with headings: "Relations, 1850." style timelines.
    fn headed(parts: &[(&str, bool, u32)]) -> Document {
        let mut text = String::new();
        let mut blocks = vec![];
        for (t, heading, sec) in parts {
            let start = text.len();
            text.push_str(t);
            blocks.push(Block {
                kind: if *heading {
                    BlockKind::Heading { level: 2 }
                } else {
                    BlockKind::Paragraph
                },
                span: Span::new(start, text.len()),
                section: Some(*sec),
            });
            text.push_str("\n\n");
        }
        let mut d = doc(&text);
        d.blocks = blocks;
        d
    }

    #[test]
    fn headings_list_events_and_prose_dates_them() {
        let d = headed(&[
            ("Establishment of Diplomatic Relations, 1850.", true, 1),
            (
                "Diplomatic relations were established on 3 May 1850, when the envoy arrived in Lisbon.",
                false,
                1,
            ),
            ("Diplomatic Relations Severed, 1861.", true, 2),
            (
                "The envoy was recalled on 2 May 1861 and left on 9 June 1861.",
                false,
                2,
            ),
        ]);
        let t = d.text.clone();
        let mut ms = Vec::new();
        ms.extend(all(&t, "1850", date("1850")));
        ms.extend(all(&t, "3 May 1850", date("1850-05-03")));
        ms.extend(all(&t, "1861", date("1861")));
        ms.extend(all(&t, "9 June 1861", date("1861-06-09")));
        ms.extend(all(&t, "2 May 1861", date("1861-05-02")));
        ms.retain(|m| !ms_overlap(&t, m));
        ms.extend(all(&t, "Lisbon", polity("PRT", "Portugal", 235, false)));
        let mut r = recognition(&d, ms);
        r.mentions.push(Mention {
            span: Span::new(0, 0),
            kind: polity("USA", "United States", 2, false),
            confidence: 0.9,
        });
        r.mentions
            .sort_by_key(|m| (m.span.start, std::cmp::Reverse(m.span.end)));
        let facts = crate::facts::document_facts(&extract("d", &d, &r));
        let got: Vec<(String, Option<String>)> = facts
            .events
            .iter()
            .map(|e| (e.kind.clone(), e.date.clone()))
            .collect();
        assert!(
            got.contains(&("diplomatic_relations".into(), Some("1850-05-03".into()))),
            "{got:?}"
        );
        // Two days in the section: the heading's year stands.
        assert!(
            got.contains(&("relations_suspended".into(), Some("1861".into()))),
            "{got:?}"
        );
    }

    /// Year mentions inside a longer date mention are dropped, as a date
    /// recogniser would.
    fn ms_overlap(t: &str, m: &Mention) -> bool {
        let s = m.span.slice(t);
        s.len() == 4 && {
            let before = t.get(..m.span.start).unwrap_or("");
            before.ends_with("May ") || before.ends_with("June ") || before.ends_with("ay ")
        }
    }

    /// Claims of a text run through the real recogniser.
    fn real(text: &str) -> Vec<Claim> {
        let d = doc(text);
        let rec = entente_recognise::recognise(&d);
        extract("t", &d, &rec)
    }

    fn events_of(claims: &[Claim], kind: &str) -> Vec<Value> {
        claims
            .iter()
            .filter(|c| c.predicate == "event" && c.value["kind"] == kind)
            .map(|c| c.value.clone())
            .collect()
    }

    /// The `# example: SENTENCE => WANT` lines of a rule file, each with the
    /// claims of its sentence in a document about Portugal and Brazil.
    fn sentence_examples(file: &'static str) -> Vec<(&'static str, &'static str, Vec<Claim>)> {
        file.lines()
            .filter_map(|l| l.strip_prefix("# example: "))
            .filter_map(|l| l.split_once(" => "))
            .map(|(sentence, want)| {
                let c = real(&format!("Portugal and Brazil\n\n{sentence}"));
                (sentence, want, c)
            })
            .collect()
    }

    /// The examples of `data/rules/vague_times.tsv`.
    #[test]
    fn vague_time_examples_hold() {
        let examples = sentence_examples(include_str!("../../../data/rules/vague_times.tsv"));
        let n = examples.len();
        for (sentence, want, c) in examples {
            let (kind, kept) = want.split_once(' ').unwrap();
            let found = c.iter().any(|c| {
                c.predicate == "event" && c.value["kind"] == kind && c.valid_time.is_some()
            });
            assert_eq!(found, kept == "kept", "{sentence}: {c:#?}");
        }
        assert!(n >= 3);
    }

    /// The examples of `data/rules/prior_cues.tsv`: the date each
    /// sentence's event takes. A leading phrase's day never dates it.
    #[test]
    fn prior_phrase_examples_hold() {
        let examples = sentence_examples(include_str!("../../../data/rules/prior_cues.tsv"));
        let n = examples.len();
        for (sentence, want, c) in examples {
            let days: Vec<&str> = c
                .iter()
                .filter(|c| c.predicate == "event")
                .filter_map(|c| c.valid_time.as_deref())
                .collect();
            assert!(!days.is_empty(), "{sentence}");
            if want == "-" {
                assert!(days.iter().all(|d| d.len() < 10), "{sentence}: {days:?}");
            } else {
                assert!(days.iter().all(|d| *d == want), "{sentence}: {days:?}");
            }
        }
        assert!(n >= 4);
    }

    #[test]
    fn a_nominal_signing_takes_the_date_of_its_own_phrase() {
        let c = real(
            "Notes\n\nAfter the crisis of late 1809, the signing of the Treaty of Alcoa by both crowns on 3 March 1810, and a royal visit, ended the dispute.",
        );
        let signed: Vec<Option<String>> = c
            .iter()
            .filter(|c| c.predicate == "signed")
            .map(|c| c.valid_time.clone())
            .collect();
        assert_eq!(signed, vec![Some("1810-03-03".to_string())], "{c:#?}");
    }

    #[test]
    fn a_secret_sphere_mentioned_again_stays_secret_and_in_place() {
        let c = real(
            "The Lisbon Pact\n\nThe Lisbon Pact was signed on 4 May 1811. In a secret annex Spain recognised Portugal's special interests in Galicia.\n\nThe Madrid Accord was signed on 2 June 1840. Under the Madrid Accord the two crowns still respected Portugal's special interests in Galicia.",
        );
        let spheres: Vec<&Claim> = c
            .iter()
            .filter(|c| c.predicate == "provision" && c.value["kind"] == "sphere_of_influence")
            .filter(|c| c.value["beneficiary"]["name"] == "Portugal")
            .collect();
        assert!(!spheres.is_empty(), "{c:#?}");
        assert!(
            spheres.iter().all(|c| c.value["secret"] == true),
            "{spheres:#?}"
        );
        let subjects: std::collections::BTreeSet<&str> =
            spheres.iter().map(|c| c.subject.as_str()).collect();
        assert_eq!(subjects.len(), 1, "{spheres:#?}");
    }

    #[test]
    fn recognition_needs_a_state_for_object() {
        let c = real(
            "Notes\n\nThe value of the harbour was finally recognized in 1941. The President recognized the strike as a protest in 1905. Portugal recognized Brazil on 29 August 1825.",
        );
        let r = events_of(&c, "recognition");
        assert_eq!(r.len(), 1, "{r:#?}");
        assert!(r[0]["parties"].to_string().contains("Brazil"), "{r:#?}");
        // A provisional authority is a government: its recognition is an
        // event even where the country's name lies beyond the first words.
        let c = real(
            "Portugal and Brazil\n\nPortugal recognized the Provisional Authority in Brazil on 2 May 1890, when it took charge of the country's external relations.",
        );
        let r = events_of(&c, "recognition");
        assert_eq!(r.len(), 1, "{r:#?}");
        assert_eq!(r[0]["kind"], "recognition", "{r:#?}");
    }

    #[test]
    fn negated_or_lasting_breaks_are_no_events() {
        let c = real(
            "Spain and Peru\n\nDiplomatic relations with Peru were not broken by the coup of 1830. Spain and Peru broke off diplomatic relations on 4 May 1866.",
        );
        let r = events_of(&c, "relations_suspended");
        assert_eq!(r.len(), 1, "{r:#?}");
    }

    #[test]
    fn the_triggers_clause_names_the_event_parties() {
        let c = real(
            "Brazil and Portugal\n\nBrazil and Portugal exchanged envoys in 1825. Spain had severed diplomatic relations with Portugal on 3 May 1910, after Portugal declared war on Austria.",
        );
        let r = events_of(&c, "relations_suspended");
        let parties = r
            .first()
            .map(|v| v["parties"].to_string())
            .unwrap_or_default();
        assert!(
            parties.contains("Spain") && !parties.contains("Austria"),
            "{r:#?}"
        );
    }

    /// The patterns are built once and a bad one would silently turn its
    /// rule off (`Regex::new(..).ok()`): every one must compile.
    #[test]
    fn every_pattern_compiles() {
        assert!(passive_gap_re().is_some());
        assert!(particle_re().is_some());
        assert!(title_gap_re().is_some());
        assert!(state_noun_re().is_some());
        assert!(also_re().is_some());
        assert!(by_treaty_re().is_some());
        assert!(indefinite_re().is_some());
        assert!(participle_re().is_some());
        assert!(place_fallback_re().is_some());
        assert!(public_cue_re().is_some());
        assert!(vague_time_re().is_some());
        assert!(coalition_re().is_some());
    }

    #[test]
    fn an_armistice_with_a_coalition_has_the_one_state_for_party() {
        let c = real("Portugal and Hungary\n\nAustria-Hungary concluded an armistice with the Allies on 3 November 1918.");
        let f = crate::facts::document_facts(&c);
        let parties: Vec<Vec<String>> = f
            .agreements
            .iter()
            .map(|a| a.parties.iter().map(|p| p.name.clone()).collect())
            .collect();
        assert_eq!(parties, vec![vec!["Austria-Hungary".to_string()]]);
    }

    #[test]
    fn an_agreement_that_ends_another_is_not_ended() {
        let c = real("Portugal and Spain\n\nThe Treaty of Evora was signed on 3 May 1801. The Treaty of Evora terminated the Treaty of Faro in 1801. The Treaty of Tavira expired in 1830.");
        let f = crate::facts::document_facts(&c);
        let ended = |n: &str| {
            f.agreements
                .iter()
                .find(|a| a.name == n)
                .map(|a| a.ended.clone())
        };
        assert_eq!(ended("Treaty of Evora"), Some(None), "{f:#?}");
        assert!(
            ended("Treaty of Faro").is_some_and(|e| e.is_some()),
            "{f:#?}"
        );
        assert_eq!(
            ended("Treaty of Tavira"),
            Some(Some("1830".into())),
            "{f:#?}"
        );
    }

    #[test]
    fn a_treaty_described_by_what_it_does_is_an_agreement() {
        let c = real("Portugal and Hungary\n\nPortugal and Hungary signed a treaty establishing friendly relations on 29 August 1921.");
        let f = crate::facts::document_facts(&c);
        let got: Vec<(String, Option<String>)> = f
            .agreements
            .iter()
            .map(|a| (a.name.to_lowercase(), a.signed.clone()))
            .collect();
        assert_eq!(
            got,
            vec![(
                "treaty establishing friendly relations".to_string(),
                Some("1921-08-29".to_string())
            )]
        );
    }

    #[test]
    fn an_unnamed_treaty_with_a_polity_is_an_agreement() {
        let c = real("Notes\n\nIn 1819, Spain had given up Florida (now a US state) by treaty with the United States.\n\nA tariff revision treaty was signed with Portugal on 3 May 1830.\n\nIn 1840 the two crowns signed a secret treaty of alliance.");
        let f = crate::facts::document_facts(&c);
        let got: Vec<(String, Option<String>, usize)> = f
            .agreements
            .iter()
            .map(|a| (a.name.clone(), a.signed.clone(), a.parties.len()))
            .collect();
        assert!(
            got.contains(&(
                "Treaty with the United States".into(),
                Some("1819".into()),
                2
            )),
            "{got:?}"
        );
        assert!(
            got.iter().any(|g| g.0.starts_with("Tariff revision treaty")
                && g.1.as_deref() == Some("1830-05-03")),
            "{got:?}"
        );
        assert!(
            f.agreements
                .iter()
                .any(|a| a.signed.as_deref() == Some("1840") && a.secret_provisions),
            "{:?}",
            f.agreements
        );
    }

    #[test]
    fn the_nearer_of_a_public_and_a_secret_cue_decides_a_provision() {
        let c = real("The Lisbon Pact\n\nThe Lisbon Pact was signed on 4 May 1811. In its public articles the two crowns promised to respect the territorial integrity of Morocco and an open door for trade, while in its secret annex they divided the coast into spheres of influence.");
        let kinds: Vec<(String, bool)> = c
            .iter()
            .filter(|c| c.predicate == "provision")
            .map(|c| {
                (
                    c.value["kind"].as_str().unwrap_or("").to_string(),
                    c.value["secret"] == true,
                )
            })
            .collect();
        assert!(
            kinds.contains(&("territorial_integrity".to_string(), false)),
            "{kinds:?}"
        );
    }

    #[test]
    fn a_purpose_or_a_wait_is_not_the_act() {
        let c = real("The Lisbon Pact\n\nThe Lisbon Pact was drafted in March 1811 and sent to Madrid on 2 April for ratification. It was ratified on 9 May 1811.");
        let r: Vec<Option<String>> = c
            .iter()
            .filter(|c| c.predicate == "ratified")
            .map(|c| c.valid_time.clone())
            .collect();
        assert_eq!(r, vec![Some("1811-05-09".to_string())], "{c:#?}");
    }

    #[test]
    fn a_heading_names_the_counterpart_after_with() {
        let d = headed(&[
            ("Relations between the United States and Germany", true, 0),
            (
                "The United States and Germany traded for a century.",
                false,
                0,
            ),
            (
                "Division of Germany and the Establishment of Diplomatic Relations with West Germany, 1955.",
                true,
                1,
            ),
            (
                "The United States and West Germany exchanged ambassadors on 5 May 1955.",
                false,
                1,
            ),
        ]);
        let rec = entente_recognise::recognise(&d);
        let c = extract("t", &d, &rec);
        let heads: Vec<String> = c
            .iter()
            .filter(|c| c.predicate == "event" && c.value["heading"] == true)
            .map(|c| c.value["parties"].to_string())
            .collect();
        assert!(!heads.is_empty(), "{c:#?}");
        for p in &heads {
            assert!(
                p.contains("United States") && p.contains("German Federal Republic"),
                "{heads:?}"
            );
        }
    }

    #[test]
    fn a_name_after_the_resulting_is_the_outcome_of_the_sentence_before() {
        let c = real(
            "Trade\n\nIn 1880 the republic sent an envoy to negotiate a new treaty with Siam. The resulting Harris Treaty opened three ports to the United States.",
        );
        let f = crate::facts::document_facts(&c);
        let harris = f.agreements.iter().find(|a| a.name.contains("Harris"));
        assert_eq!(
            harris.and_then(|a| a.signed.clone()).as_deref(),
            Some("1880"),
            "{f:#?}"
        );
    }

    #[test]
    fn a_description_and_a_name_with_the_same_date_and_parties_are_one() {
        let c = real(
            "Siam and the United States\n\nA new treaty signed in 1880 replaced the old rules on trade.\n\nLater, the Harris Treaty between Siam and the United States, signed in 1880, opened three ports.",
        );
        let f = crate::facts::document_facts(&c);
        let names: Vec<&str> = f.agreements.iter().map(|a| a.name.as_str()).collect();
        assert!(
            names.len() == 1 && names[0].starts_with("Harris Treaty"),
            "{f:#?}"
        );
    }

    #[test]
    fn ending_something_that_is_no_agreement_ends_no_agreement() {
        let c = real(
            "Notes\n\nThe Treaty of Alcoa was signed on 3 March 1810. In 1812 the king canceled a planned congress of the northern states. In 1815 the regent abrogated the treaty.",
        );
        let ended: Vec<Option<String>> = c
            .iter()
            .filter(|c| c.predicate == "ended")
            .map(|c| c.valid_time.clone())
            .collect();
        assert_eq!(ended, vec![Some("1815".to_string())], "{c:#?}");
    }

    #[test]
    fn a_name_of_a_polity_is_read_at_the_date_of_the_claim() {
        let c = real(
            "Notes\n\nOn 1 January 1979 the United States terminated diplomatic relations with the Republic of China. In 1928 the United States recognized the Republic of China.",
        );
        let cut = events_of(&c, "relations_suspended");
        assert!(
            cut.iter().any(|v| v["parties"].to_string().contains("713")),
            "{cut:#?}"
        );
        let rec = events_of(&c, "recognition");
        assert!(
            rec.iter().all(|v| v["parties"].to_string().contains("710")),
            "{rec:#?}"
        );
    }

    #[test]
    fn signed_with_names_one_party_and_the_topic_the_other() {
        let c = real(
            "Notes\n\nItalian opinion favoured Russia, but Italy's government kept to the Italian line, and the Naval Pact, signed with Spain in Madrid on 2 May 1909, bound Italy.",
        );
        let parties: Vec<String> = c
            .iter()
            .filter(|c| c.predicate == "party" && c.rule.starts_with("sign."))
            .filter_map(|c| c.value["name"].as_str().map(str::to_string))
            .collect();
        assert!(parties.contains(&"Spain".to_string()), "{parties:?}");
        assert!(parties.contains(&"Italy".to_string()), "{parties:?}");
        assert!(!parties.contains(&"Russia".to_string()), "{parties:?}");
    }

    #[test]
    fn a_person_in_a_later_clause_is_no_signatory() {
        let signatories = |text: &str| -> Vec<String> {
            real(text)
                .iter()
                .filter(|c| c.predicate == "signatory")
                .filter_map(|c| c.value["name"].as_str().map(str::to_string))
                .collect()
        };
        // The admiral's promotion is another event: he signed nothing here.
        let after = signatories(
            "Notes\n\nThe Treaty of Velmora was signed on 3 June 1851 after Admiral Tobias Wrenfield had left for Lisbon.",
        );
        assert!(after.is_empty(), "{after:?}");
        // Without the later clause the same person is a signatory.
        let by = signatories(
            "Notes\n\nThe Treaty of Velmora was signed on 3 June 1851 by Admiral Tobias Wrenfield.",
        );
        assert_eq!(by.len(), 1, "{by:?}");
        assert!(by[0].contains("Wrenfield"), "{by:?}");
    }

    #[test]
    fn a_sentence_that_goes_on_keeps_the_secrecy_of_the_one_before() {
        let c = real(
            "The Lisbon Pact\n\nThe Lisbon Pact was signed on 4 May 1811. In a secret annex Spain recognised Portugal's special interests in Galicia. They also recognised Spain's special interests in Madeira.",
        );
        let spheres: Vec<&Claim> = c
            .iter()
            .filter(|c| c.predicate == "provision" && c.value["kind"] == "sphere_of_influence")
            .filter(|c| c.value["beneficiary"]["name"] == "Spain")
            .collect();
        assert!(!spheres.is_empty(), "{c:#?}");
        assert!(
            spheres.iter().all(|c| c.value["secret"] == true),
            "{spheres:#?}"
        );
    }
}

#[cfg(test)]
mod proptests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Arbitrary text and arbitrary (even nonsensical) mention spans
        /// never make extraction panic.
        #[test]
        fn never_panics(text in "\\PC{0,300}", spans in proptest::collection::vec((0usize..400, 0usize..40), 0..12)) {
            let d = tests::doc(&text);
            let mut mentions: Vec<Mention> = spans
                .into_iter()
                .map(|(s, l)| Mention {
                    span: Span::new(s, s + l),
                    kind: tests::date("1900"),
                    confidence: 0.5,
                })
                .collect();
            mentions.sort_by_key(|m| (m.span.start, std::cmp::Reverse(m.span.end)));
            let rec = Recognition { sentences: Vec::new(), mentions };
            let claims = extract("p", &d, &rec);
            let _ = crate::facts::document_facts(&claims);
        }

        /// The one-walk tokeniser gives the tokens of folding the whole
        /// name first (case, dashes, quotes, spacing, a leading "the") and
        /// splitting it after, as it did before.
        #[test]
        fn name_tokens_as_folding_then_splitting(name in "[A-Za-z0-9İıÉé’'–— -]{0,40}") {
            let folded: String = name
                .chars()
                .map(|c| match c {
                    '–' | '—' | '‐' => '-',
                    '’' | '‘' => '\'',
                    c => c,
                })
                .collect::<String>()
                .to_lowercase();
            let folded = folded.trim();
            let folded = folded.strip_prefix("the ").unwrap_or(folded);
            let folded = folded.split_whitespace().collect::<Vec<_>>().join(" ");
            let want: Vec<String> = folded
                .split(|c: char| !c.is_alphanumeric())
                .filter_map(name_token)
                .map(str::to_string)
                .collect();
            prop_assert_eq!(name_tokens(&name), want);
        }
    }
}
