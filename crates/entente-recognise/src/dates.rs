//! Dates as EDTF strings.
//!
//! One linear-time regex (the `regex` crate) finds date *atoms*: full dates in
//! English, French and Japanese forms, months, years, decades, Japanese era
//! years and day ranges. Code then checks what the regex cannot (no digit or
//! letter glued to either end, a year that is really a count, an impossible
//! day), joins atoms around a connector into intervals ("from 1902 to 1923"),
//! and gives dates without a year the year of their context, marking them as
//! inferred with the reasoning.
//!
//! Month names, Japanese eras, approximation words and qualifiers, the words
//! that make a number a count, and the interval connectors are data files in
//! `data/dates/`, each with examples that a test runs.
//!
//! ```
//! use entente_recognise::dates::find_in_text;
//! let found = find_in_text("Signed c. 3 July 1916; in force from 1917 to 1923.");
//! let values: Vec<_> = found.iter().map(|(_, d)| d.edtf.as_str()).collect();
//! assert_eq!(values, ["1916-07-03~", "1917/1923"]);
//! ```

use crate::edtf::{Bounds, Edtf, EdtfDate, Endpoint};
use crate::{Mention, MentionKind, Sentence};
use entente_source::{BlockKind, Document, Span};
use regex::{Captures, Regex};
use serde::{Deserialize, Serialize};
use std::sync::LazyLock;

/// A recognised date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DateMention {
    /// The EDTF level-1 string: `1907-06-10`, `1907-06`, `1916-07-03~`, `1904/1905`, `185X`.
    pub edtf: String,
    /// A qualifier the text gave that EDTF cannot hold ("early", "late").
    pub qualifier: Option<String>,
    /// When the year (or more) was inferred from context, the reasoning.
    pub inferred: Option<String>,
}

impl DateMention {
    /// The parsed EDTF value, or `None` if `edtf` is not in the supported subset.
    pub fn value(&self) -> Option<Edtf> {
        Edtf::parse(&self.edtf).ok()
    }
    /// The earliest and latest day the date can denote.
    pub fn bounds(&self) -> Option<Bounds> {
        self.value().map(|v| v.bounds())
    }
}

/// Finds the dates of a document, block by block (a date never spans two
/// blocks). Headings date the section under them: a date without a year
/// takes its year from the paragraph, then the section, it lies in.
pub fn find(doc: &Document, sentences: &[Sentence]) -> Vec<Mention> {
    // Blocks carry all the context dates need; sentences are not used yet.
    let _ = sentences;
    let units: Vec<Unit> = if doc.blocks.is_empty() {
        vec![Unit {
            span: Span::new(0, doc.text.len()),
            section: None,
            heading: false,
            boilerplate: false,
        }]
    } else {
        doc.blocks
            .iter()
            .map(|b| Unit {
                span: b.span,
                section: b.section,
                heading: matches!(b.kind, BlockKind::Heading { .. } | BlockKind::Title),
                boilerplate: matches!(b.kind, BlockKind::Boilerplate),
            })
            .collect()
    };
    find_units(&doc.text, &units)
}

/// Finds the dates of a plain string, taken as one paragraph. Returns the
/// span of each date in `text` with its value.
pub fn find_in_text(text: &str) -> Vec<(Span, DateMention)> {
    let unit = Unit {
        span: Span::new(0, text.len()),
        section: None,
        heading: false,
        boilerplate: false,
    };
    find_units(text, &[unit])
        .into_iter()
        .filter_map(|m| match m.kind {
            MentionKind::Date(d) => Some((m.span, d)),
            _ => None,
        })
        .collect()
}

/// A stretch of text searched on its own: a block.
#[derive(Debug, Clone, Copy)]
struct Unit {
    span: Span,
    section: Option<u32>,
    heading: bool,
    /// Web-capture debris ("Retrieved 2022-02-10"): its dates are kept but
    /// date nothing else.
    boilerplate: bool,
}

fn find_units(text: &str, units: &[Unit]) -> Vec<Mention> {
    let Some(re) = ATOM.as_ref() else {
        return Vec::new();
    };
    let t = &*TABLES;
    let mut atoms = Vec::new();
    // One block's atoms before intervals are joined; reused from block to
    // block so that a block costs no allocation.
    let mut block = Vec::new();
    for (i, unit) in units.iter().enumerate() {
        let Some(hay) = text.get(unit.span.start..unit.span.end) else {
            continue;
        };
        block.clear();
        scan(re, t, hay, unit.span.start, i, &mut block);
        if !block.is_empty() {
            join_intervals(t, text, unit.span.start, &mut block, &mut atoms);
        }
    }
    infer_years(text, units, &mut atoms);
    // Sized up front: collecting a filtered iterator grew the vector by
    // doubling, and the reallocations cost more than the mentions' strings.
    let mut mentions = Vec::with_capacity(atoms.len());
    for a in atoms {
        let Some(edtf) = a.value.edtf(a.approx, a.approx_end) else {
            continue;
        };
        mentions.push(Mention {
            span: Span::new(a.start, a.end),
            confidence: a.confidence(),
            kind: MentionKind::Date(DateMention {
                edtf,
                qualifier: a.qualifier,
                inferred: a.inferred,
            }),
        });
    }
    mentions
}

/// What an atom denotes before intervals and context are applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Value {
    Date(EdtfDate),
    Range(EdtfDate, EdtfDate),
    /// A day or day range in a month, waiting for a year from context.
    NoYear {
        month: u8,
        day: u8,
        day2: Option<u8>,
    },
    /// Two yearless days joined into an interval ("10 June to 3 July").
    NoYearRange {
        m1: u8,
        d1: u8,
        m2: u8,
        d2: u8,
    },
}

impl Value {
    /// `approx` marks the (first) date approximate, `approx_end` the end
    /// of an interval ("between 1907 and around 1916").
    fn edtf(&self, approx: bool, approx_end: bool) -> Option<String> {
        let q = |d: EdtfDate, approx: bool| {
            if approx {
                d.qualified(d.qualifier.with_approximate())
            } else {
                d
            }
        };
        let v = match *self {
            Value::Date(d) => Edtf::Date(q(d, approx)),
            Value::Range(a, b) => Edtf::Interval(
                Endpoint::Date(q(a, approx)),
                Endpoint::Date(q(b, approx_end)),
            ),
            Value::NoYear { .. } | Value::NoYearRange { .. } => return None,
        };
        Some(v.to_edtf_string())
    }
    fn year(&self) -> Option<i16> {
        match self {
            Value::Date(d) | Value::Range(_, d) => Some(d.year),
            Value::NoYear { .. } | Value::NoYearRange { .. } => None,
        }
    }
}

#[derive(Debug, Clone)]
struct Atom {
    start: usize,
    end: usize,
    value: Value,
    approx: bool,
    /// The second end of an interval is approximate.
    approx_end: bool,
    qualifier: Option<String>,
    inferred: Option<String>,
    unit: usize,
    /// A bare four-digit year, the least certain kind.
    bare_year: bool,
}

impl Atom {
    fn confidence(&self) -> f32 {
        if self.inferred.is_some() {
            return 0.6;
        }
        if self.bare_year {
            return 0.8;
        }
        match self.value {
            Value::Date(d) | Value::Range(d, _) if d.day.is_some() => 0.95,
            _ => 0.9,
        }
    }
}

// ---------------------------------------------------------------- data

struct Era {
    kanji: String,
    romanised: Vec<String>,
    first: i16,
    /// The last valid era year (the next era starts in year `last`).
    last: Option<i16>,
}

struct Tables {
    /// Every form the regex accepts (as written, capitalised, capitals).
    month_forms: crate::gazetteer::FxMap<String, u8>,
    eras: Vec<Era>,
    approx: Vec<String>,
    /// (lowercase form, value)
    qualifiers: Vec<(String, String)>,
    not_after: Words,
    not_before: Words,
    year_before: Words,
    range: Words,
    pair: Words,
    open: Words,
    /// The words a date may carry before its first digit.
    lead: LeadWords,
    /// Month forms that no approximation or qualifier form begins (in any
    /// case), so that a match starting at one starts with the month: see
    /// [`predict`].
    clean_months: crate::gazetteer::FxSet<String>,
    /// The data allow [`predict`]: no month form holds a space, and no
    /// modifier or connector form starts with a digit, a comma or a space.
    predict_ok: bool,
    /// The byte length of the longest month form.
    month_len: usize,
}

/// The English month names, capitalised, January first: for code that
/// writes or skips dates in English (the corpus generator, the fallback name
/// finder, benchmarks). The recogniser itself reads every language's forms
/// from `data/dates/months.tsv`.
pub const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

pub(crate) const MONTHS_TSV: &str = include_str!("../../../data/dates/months.tsv");
pub(crate) const ERAS_TSV: &str = include_str!("../../../data/dates/eras.tsv");
pub(crate) const MODIFIERS_TSV: &str = include_str!("../../../data/dates/modifiers.tsv");
pub(crate) const NOT_YEARS_TSV: &str = include_str!("../../../data/dates/not_years.tsv");
pub(crate) const CONNECTORS_TSV: &str = include_str!("../../../data/dates/connectors.tsv");
#[cfg(test)]
pub(crate) const CONTEXT_TSV: &str = include_str!("../../../data/dates/context.tsv");

/// Data rows: not comments, not examples, not the header.
fn rows(src: &str) -> impl Iterator<Item = Vec<&str>> {
    src.lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#') && !l.starts_with("@example"))
        .skip(1)
        .map(|l| l.split('\t').map(str::trim).collect())
}

/// The `@example` rows of a data file: (text, expected values).
#[cfg(test)]
pub(crate) fn examples(src: &str) -> Vec<(&str, Vec<&str>)> {
    src.lines()
        .filter_map(|l| l.strip_prefix("@example\t"))
        .map(|l| {
            let mut parts = l.split('\t');
            let text = parts.next().unwrap_or("");
            let want = parts
                .next()
                .unwrap_or("")
                .split(' ')
                .filter(|s| !s.is_empty())
                .collect();
            (text, want)
        })
        .collect()
}

static TABLES: LazyLock<Tables> = LazyLock::new(|| {
    let months: Vec<(String, u8)> = rows(MONTHS_TSV)
        .filter_map(|r| Some((r.first()?.to_string(), r.get(1)?.parse().ok()?)))
        .collect();
    let mut eras: Vec<Era> = rows(ERAS_TSV)
        .filter_map(|r| {
            Some(Era {
                kanji: r.first()?.to_string(),
                romanised: r.get(1)?.split(',').map(|s| s.trim().to_string()).collect(),
                first: r.get(2)?.parse().ok()?,
                last: None,
            })
        })
        .collect();
    eras.sort_by_key(|e| e.first);
    let starts: Vec<i16> = eras.iter().map(|e| e.first).collect();
    for (e, next) in eras.iter_mut().zip(starts.iter().skip(1)) {
        e.last = Some(next - e.first + 1);
    }
    let mut month_forms: crate::gazetteer::FxMap<String, u8> = Default::default();
    for (f, n) in &months {
        for v in [f.clone(), capitalised(f), f.to_uppercase()] {
            month_forms.entry(v).or_insert(*n);
        }
    }
    let mut t = Tables {
        month_forms,
        eras,
        approx: Vec::new(),
        qualifiers: Vec::new(),
        not_after: Words::default(),
        not_before: Words::default(),
        year_before: Words::default(),
        range: Words::default(),
        pair: Words::default(),
        open: Words::default(),
        lead: LeadWords::new(std::iter::empty()),
        clean_months: Default::default(),
        predict_ok: false,
        month_len: 0,
    };
    for r in rows(MODIFIERS_TSV) {
        let (Some(form), Some(kind)) = (r.first(), r.get(1)) else {
            continue;
        };
        match *kind {
            "approx" => t.approx.push(form.to_lowercase()),
            "qualifier" => t.qualifiers.push((
                form.to_lowercase(),
                r.get(2).copied().unwrap_or(form).to_string(),
            )),
            _ => {}
        }
    }
    for r in rows(NOT_YEARS_TSV) {
        match (r.first(), r.get(1)) {
            (Some(f), Some(&"after")) => t.not_after.push(f.to_lowercase()),
            (Some(f), Some(&"before")) => t.not_before.push(f.to_lowercase()),
            (Some(f), Some(&"year_before")) => t.year_before.push(f.to_lowercase()),
            _ => {}
        }
    }
    for r in rows(CONNECTORS_TSV) {
        match (r.first(), r.get(1)) {
            (Some(f), Some(&"range")) => t.range.push(f.to_lowercase()),
            (Some(f), Some(&"pair")) => t.pair.push(f.to_lowercase()),
            (Some(f), Some(&"open")) => t.open.push(f.to_lowercase()),
            _ => {}
        }
    }
    let modifiers: Vec<String> = t
        .approx
        .iter()
        .chain(t.qualifiers.iter().map(|(f, _)| f))
        .map(|f| f.to_lowercase())
        .collect();
    t.clean_months = t
        .month_forms
        .keys()
        .filter(|m| {
            // Either way round: "mid" would begin "midsummer", and a
            // modifier of several words could begin with a month.
            let m = m.to_lowercase();
            !modifiers
                .iter()
                .any(|f| m.starts_with(f.as_str()) || f.starts_with(m.as_str()))
        })
        .cloned()
        .collect();
    let bad_start = |f: &String| {
        f.chars()
            .next()
            .is_none_or(|c| c.is_ascii_digit() || c == ',' || c.is_whitespace())
    };
    t.predict_ok = !t
        .month_forms
        .keys()
        .any(|m| m.contains(char::is_whitespace))
        && !modifiers.iter().any(bad_start)
        && !t.range.iter().chain(t.pair.iter()).any(bad_start);
    t.month_len = t.month_forms.keys().map(String::len).max().unwrap_or(0);
    t.lead = LeadWords::new(
        t.month_forms
            .keys()
            .map(String::as_str)
            .chain(t.approx.iter().map(String::as_str))
            .chain(t.qualifiers.iter().map(|(f, _)| f.as_str()))
            .chain(
                t.eras
                    .iter()
                    .flat_map(|e| e.romanised.iter().map(String::as_str)),
            ),
    );
    t
});

#[cfg(test)]
thread_local! {
    /// Set by tests to run the plain regex-and-captures path, against which
    /// the shortcuts are checked.
    static REFERENCE: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Whether the shortcuts may run: the walk back from a digit, the shapes
/// read without the automaton, the ASCII paths and the vector search. They
/// give the same mentions as the regex path; tests turn them off to check.
#[inline]
fn shortcuts() -> bool {
    #[cfg(test)]
    if REFERENCE.with(std::cell::Cell::get) {
        return false;
    }
    true
}

/// What a word of [`LeadWords`] can do in a match.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Lead {
    /// No word ends here.
    None,
    /// A match may start at this word (a month, "around", "early", "the").
    Opens,
    /// The word only continues a match that started before it: the atom
    /// pattern's "in" and "of" ("early in 1907", "July of 1815").
    Inner,
}

/// The words that may stand in a date before its first digit (the atom
/// pattern's month names, approximation and qualifier words, romanised
/// eras, "the", "in" and "of"), as a trie of their ASCII letters spelled
/// backwards in lower case.
///
/// Why: the atom regex searches from up to [`LOOK_BACK`] bytes before a
/// digit, since a date may start with words ("some time around the
/// beginning of"). Walking back from the digit word by word through this
/// trie usually shows in a step or two that no match can start before the
/// digit, so the regex can start there, or not run at all for a bare year.
/// Matching ignores ASCII case and accepts any suffix of a word (the regex
/// has no word boundaries either), so it errs only towards "maybe".
#[derive(Debug)]
struct LeadWords {
    /// Per node, the child for each letter `a..=z` (0: none; the root is 0
    /// and never a child).
    next: Vec<[u16; 26]>,
    /// Per node, whether a word ends there and of what kind.
    kind: Vec<Lead>,
    /// ASCII bytes a match may hold between or inside its words before
    /// the first digit: whitespace, `,` `-` `.`, and any other non-letter
    /// of the forms.
    sep: [bool; 128],
    /// A form starts with a non-letter, so a match might start at a
    /// separator: the walk then always answers `start`.
    off: bool,
}

impl LeadWords {
    fn new<'a>(forms: impl IntoIterator<Item = &'a str>) -> LeadWords {
        let mut w = LeadWords {
            next: vec![[0; 26]],
            kind: vec![Lead::None],
            sep: [false; 128],
            off: false,
        };
        for b in [b'\t', b'\n', 0x0B, 0x0C, b'\r', b' ', b',', b'-', b'.'] {
            w.sep[usize::from(b)] = true;
        }
        // The pattern's own words: "[Tt]he" opens an atom ("the 1850s"),
        // "in" and "of" follow a qualifier or a month.
        w.insert("the", Lead::Opens);
        w.insert("in", Lead::Inner);
        w.insert("of", Lead::Inner);
        for form in forms {
            w.off |= form
                .bytes()
                .next()
                .is_some_and(|b| b.is_ascii() && !b.is_ascii_alphabetic());
            for b in form
                .bytes()
                .filter(|b| b.is_ascii() && !b.is_ascii_alphabetic())
            {
                w.sep[usize::from(b)] = true;
            }
            // Letters between ASCII non-letters are words. A word with a
            // non-ASCII letter ("début") needs no entry: the walk gives up
            // when it meets a non-ASCII byte.
            // A match can start only at a form's first word ("middle" of
            // "middle of"); its other words only continue one.
            let mut kind = Lead::Opens;
            for part in form.split(|c: char| c.is_ascii() && !c.is_ascii_alphabetic()) {
                if part.is_empty() {
                    continue;
                }
                if part.bytes().all(|b| b.is_ascii_alphabetic()) {
                    w.insert(part, kind);
                }
                kind = Lead::Inner;
            }
        }
        w
    }

    fn insert(&mut self, word: &str, kind: Lead) {
        if word.is_empty() {
            return;
        }
        let mut node = 0;
        for b in word.bytes().rev() {
            let i = usize::from(b.to_ascii_lowercase().wrapping_sub(b'a'));
            let Some(&child) = self.next.get(node).and_then(|n| n.get(i)) else {
                return;
            };
            node = if child != 0 {
                usize::from(child)
            } else {
                let Ok(id) = u16::try_from(self.next.len()) else {
                    return;
                };
                self.next.push([0; 26]);
                self.kind.push(Lead::None);
                if let Some(slot) = self.next.get_mut(node).and_then(|n| n.get_mut(i)) {
                    *slot = id;
                }
                usize::from(id)
            };
        }
        if let Some(k) = self.kind.get_mut(node) {
            // A word the data lists as opening stays opening.
            if *k != Lead::Opens {
                *k = kind;
            }
        }
    }

    fn child(&self, node: usize, letter: u8) -> Option<usize> {
        let i = usize::from(letter.to_ascii_lowercase().wrapping_sub(b'a'));
        match self.next.get(node)?.get(i) {
            Some(&c) if c != 0 => Some(usize::from(c)),
            _ => None,
        }
    }

    /// The earliest byte at which a match of the atom regex that covers
    /// `first` (the first digit of a run) can start, when the search may
    /// start at `start` and no digit lies in `b[start..first]`. Every
    /// match holds a digit, so a match starting before `first` covers it
    /// and, before it, only words of this trie and separators.
    fn earliest_start(&self, b: &[u8], start: usize, first: usize) -> usize {
        if self.off || self.next.len() < 2 {
            return start;
        }
        let mut earliest = first;
        let mut at = first;
        loop {
            let mut q = at;
            while q > start && b.get(q - 1).is_some_and(|&c| self.is_sep(c)) {
                q -= 1;
            }
            // Matches never start with a separator.
            let Some(&c) = b.get(q.wrapping_sub(1)).filter(|_| q > start) else {
                return earliest;
            };
            if !c.is_ascii() {
                // Non-ASCII space, letter or dash: let the regex decide.
                return start;
            }
            if !c.is_ascii_alphabetic() {
                return earliest;
            }
            let mut l = q;
            while l > start && b.get(l - 1).is_some_and(u8::is_ascii_alphabetic) {
                l -= 1;
            }
            if l > start && b.get(l - 1).is_some_and(|c| !c.is_ascii()) {
                return start;
            }
            // Every word of the trie that ends the run: a match may start
            // at an opening one; only one that is the whole run lets a
            // match reach further back (words are separated).
            let mut node = 0;
            let mut k = q;
            let mut whole = false;
            while k > l {
                let Some(n) = b.get(k - 1).and_then(|&c| self.child(node, c)) else {
                    break;
                };
                node = n;
                k -= 1;
                match self.kind.get(node) {
                    Some(Lead::Opens) => {
                        earliest = k;
                        whole = k == l;
                    }
                    Some(Lead::Inner) => whole = k == l,
                    _ => {}
                }
            }
            if !whole {
                return earliest;
            }
            at = l;
        }
    }

    fn is_sep(&self, c: u8) -> bool {
        self.sep.get(usize::from(c)).copied().unwrap_or(false)
    }
}

/// An alternation of literal forms, longest first so that the leftmost-first
/// regex prefers "September" to "Sep".
fn alternation<'a>(forms: impl IntoIterator<Item = &'a str>) -> String {
    let mut v: Vec<&str> = forms.into_iter().filter(|f| !f.is_empty()).collect();
    v.sort_by(|a, b| b.len().cmp(&a.len()).then(a.cmp(b)));
    v.dedup();
    v.iter()
        .map(|f| regex::escape(f))
        .collect::<Vec<_>>()
        .join("|")
}

fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// The atom regex. `None` only if the data files make an invalid pattern,
/// which a test rules out.
/// The names of the atom regex's groups, by index.
static ATOM_NAMES: LazyLock<Vec<Option<&'static str>>> = LazyLock::new(|| {
    ATOM.as_ref()
        .map(|r| r.capture_names().collect())
        .unwrap_or_default()
});

static ATOM: LazyLock<Option<Regex>> = LazyLock::new(|| {
    let t = &*TABLES;
    // Month names match as written, capitalised or in capitals; never
    // lower-cased English, so "may" and "march" stay verbs.
    let month = alternation(t.month_forms.keys().map(String::as_str));
    // Explicit case variants rather than `(?i)`: Unicode case folding
    // would multiply the automaton's states for nothing.
    let cased = |forms: &mut dyn Iterator<Item = &str>| {
        let all: Vec<String> = forms
            .flat_map(|f| [f.to_string(), capitalised(f), f.to_uppercase()])
            .collect();
        alternation(all.iter().map(String::as_str))
    };
    // Abbreviations ("c.", "ca.") may touch the number ("c.1907"); words
    // need a space.
    let approx_words = cased(
        &mut t
            .approx
            .iter()
            .map(String::as_str)
            .filter(|f| !f.ends_with('.')),
    );
    let approx_dotted = cased(
        &mut t
            .approx
            .iter()
            .map(String::as_str)
            .filter(|f| f.ends_with('.')),
    );
    let qual = cased(&mut t.qualifiers.iter().map(|(f, _)| f.as_str()));
    let kanji = alternation(t.eras.iter().map(|e| e.kanji.as_str()));
    let roman = alternation(
        t.eras
            .iter()
            .flat_map(|e| e.romanised.iter().map(String::as_str)),
    );
    // Day ranges take the range and pair connectors that are words or dashes.
    let sep_forms: Vec<&str> = t
        .range
        .iter()
        .chain(t.pair.iter())
        .map(String::as_str)
        .filter(|f| *f != "/")
        .collect();
    let sep = format!(r"\s*(?:{})\s*", alternation(sep_forms));
    let d = r"[0-3]?[0-9]";
    let ord = r"(?:st|nd|rd|th|er|e)?";
    let dash = r"[–—-]";
    let prefix = format!(
        r"(?P<approx>(?:{approx_words})\s+|(?:{approx_dotted})\s*)?(?:(?:[Tt]he\s+)?(?P<qual>{qual})(?:\s+|-)(?:in\s+|of\s+|the\s+)?)?"
    );
    let alts = [
        r"(?P<iso_y>[0-9]{4})-(?P<iso_m>[0-9]{2})-(?P<iso_d>[0-9]{2})".to_string(),
        format!(r"(?P<yy1>[0-9]{{4}})\s*{dash}\s*(?P<yy2>[0-9]{{4}})"),
        format!(r"(?P<ys1>[0-9]{{4}}){dash}(?P<ys2>[0-9]{{2}})"),
        // Day first: "10 June 1907", "26–29 January 2018", "le 1er janvier".
        // The month alternation is large, so each shape family names it
        // once.
        format!(
            r"(?P<df_d1>{d}){ord}(?:\s+of)?(?:{sep}(?P<df_d2>{d}){ord}(?:\s+of)?)?\s+(?P<df_m>{month})(?:,?\s+(?P<df_y>[0-9]{{4}}))?"
        ),
        // Month first: "May 1907", "July of 1815", "June 10, 1907",
        // "May 1–3, 1910".
        format!(
            r"(?P<mf_m>{month})(?:(?:,|\s+of)?\s+(?P<mf_y>[0-9]{{4}})|\s+(?P<mf_d1>{d}){ord}(?:{sep}(?P<mf_d2>{d}){ord})?(?:,?\s+(?P<mf_y2>[0-9]{{4}}))?)"
        ),
        r"(?P<jp_y>[0-9]{4})年(?:(?P<jp_m>[0-9]{1,2})月(?:(?P<jp_d>[0-9]{1,2})日)?)?".to_string(),
        format!(
            r"(?P<era>{kanji})(?P<era_n>[0-9]{{1,2}}|元)年(?:(?P<era_m>[0-9]{{1,2}})月(?:(?P<era_d>[0-9]{{1,2}})日)?)?"
        ),
        r"(?P<jmd_m>[0-9]{1,2})月(?P<jmd_d>[0-9]{1,2})日".to_string(),
        format!(r"(?P<rera>{roman})\s+(?P<rera_n>[0-9]{{1,2}})"),
        r"(?:[Tt]he\s+)?(?P<dec>[0-9]{3}0)['’]?s".to_string(),
        r"(?:[Tt]he\s+)?(?P<cent>[0-9]{1,2})(?:st|nd|rd|th)[\s-][Cc]entury".to_string(),
        r"(?P<year>[0-9]{4})".to_string(),
    ];
    let pattern = format!("{prefix}(?:{})", alts.join("|"));
    regex::RegexBuilder::new(&pattern)
        .size_limit(1 << 24)
        .build()
        .ok()
});

// ---------------------------------------------------------------- scanning

/// A letter or digit that glues onto a date and makes it part of a word.
/// CJK characters do not: Japanese writes dates flush against the text.
fn wordy(c: char) -> bool {
    c.is_alphanumeric() && (c as u32) < 0x2E80
}

fn char_before(hay: &str, at: usize) -> Option<char> {
    hay.get(..at).and_then(|s| s.chars().next_back())
}

fn char_after(hay: &str, at: usize) -> Option<char> {
    hay.get(at..).and_then(|s| s.chars().next())
}

/// Unicode white space in ASCII (`char::is_whitespace` on a byte below 0x80).
fn ascii_space(b: u8) -> bool {
    matches!(b, b'\t'..=b'\r' | b' ')
}

/// The word just before `at` (skipping spaces), with its trailing period.
fn word_before(hay: &str, at: usize) -> &str {
    // In ASCII text bytes are characters: no decoding. Any other byte on
    // the way might be a space or a letter, so the general code decides.
    let b = hay.as_bytes();
    if shortcuts() && at <= b.len() && hay.is_char_boundary(at) {
        let mut end = at;
        while end > 0 && b.get(end - 1).is_some_and(|&c| ascii_space(c)) {
            end -= 1;
        }
        let mut start = end;
        while start > 0
            && b.get(start - 1)
                .is_some_and(|&c| c.is_ascii() && !ascii_space(c) && c != b'(')
        {
            start -= 1;
        }
        if start == 0 || b.get(start - 1).is_some_and(u8::is_ascii) {
            return hay.get(start..end).unwrap_or("");
        }
    }
    word_before_slow(hay, at)
}

fn word_before_slow(hay: &str, at: usize) -> &str {
    let s = hay.get(..at).unwrap_or("").trim_end();
    let start = s
        .char_indices()
        .rev()
        .find(|&(_, c)| c.is_whitespace() || c == '(')
        .map_or(0, |(i, c)| i + c.len_utf8());
    s.get(start..).unwrap_or("")
}

/// The word just after `at` (skipping spaces), its leading letters only
/// ("km" of "km2").
fn word_after(hay: &str, at: usize) -> &str {
    // The ASCII path of `word_before`, forwards.
    let b = hay.as_bytes();
    if shortcuts() && at <= b.len() && hay.is_char_boundary(at) {
        let mut start = at;
        while b.get(start).is_some_and(|&c| ascii_space(c)) {
            start += 1;
        }
        let mut end = start;
        while b.get(end).is_some_and(u8::is_ascii_alphabetic) {
            end += 1;
        }
        if b.get(end).is_none_or(u8::is_ascii) {
            return hay.get(start..end).unwrap_or("");
        }
    }
    word_after_slow(hay, at)
}

fn word_after_slow(hay: &str, at: usize) -> &str {
    let s = hay.get(at..).unwrap_or("").trim_start();
    let end = s
        .char_indices()
        .find(|&(_, c)| !c.is_alphabetic())
        .map_or(s.len(), |(i, _)| i);
    s.get(..end).unwrap_or("")
}

/// Is the match at `hay[start..end]` glued to a neighbouring word or number?
fn glued(hay: &str, start: usize, end: usize) -> bool {
    match glued_ascii(hay.as_bytes(), start, end) {
        Some(g) if shortcuts() => g,
        _ => glued_slow(hay, start, end),
    }
}

/// [`glued_slow`] when every byte it looks at is ASCII (bytes are then
/// characters and every position a boundary); `None` otherwise.
fn glued_ascii(b: &[u8], start: usize, end: usize) -> Option<bool> {
    if start >= end || end > b.len() {
        return None;
    }
    let at = |i: Option<usize>| -> Option<Option<u8>> {
        match i.and_then(|i| b.get(i)) {
            Some(&c) if c.is_ascii() => Some(Some(c)),
            Some(_) => None,
            None => Some(None),
        }
    };
    let before2 = at(start.checked_sub(2))?;
    let prev = at(start.checked_sub(1))?;
    let first = at(Some(start))?;
    let last = at(end.checked_sub(1))?;
    let next = at(Some(end))?;
    let after2 = at(end.checked_add(1))?;
    let wordy = |c: u8| c.is_ascii_alphanumeric();
    let digit = |c: Option<u8>| c.is_some_and(|c| c.is_ascii_digit());
    if let (Some(prev), Some(first)) = (prev, first) {
        if wordy(first) && wordy(prev) {
            return Some(true);
        }
        if first.is_ascii_digit() {
            // The non-ASCII currency signs take the general path.
            if matches!(prev, b'$' | b'#' | b'+') {
                return Some(true);
            }
            if matches!(prev, b',' | b'.' | b':') && digit(before2) {
                return Some(true);
            }
            if matches!(prev, b'.' | b'_') && before2.is_some_and(|c| c.is_ascii_alphabetic()) {
                return Some(true);
            }
        }
        if first.is_ascii_alphabetic() && prev == b'.' {
            return Some(true);
        }
    }
    if let (Some(last), Some(next)) = (last, next) {
        if wordy(last) && wordy(next) {
            return Some(true);
        }
        if last.is_ascii_digit()
            && (next == b'%' || (matches!(next, b',' | b'.' | b':') && digit(after2)))
        {
            return Some(true);
        }
    }
    Some(false)
}

fn glued_slow(hay: &str, start: usize, end: usize) -> bool {
    let first = char_after(hay, start);
    let last = char_before(hay, end);
    if let (Some(prev), Some(first)) = (char_before(hay, start), first) {
        if wordy(first) && wordy(prev) {
            return true;
        }
        if first.is_ascii_digit() {
            if matches!(prev, '$' | '€' | '£' | '¥' | '#' | '+') {
                return true;
            }
            // "1,907" or "3.1907": a digit group of a larger number.
            if matches!(prev, ',' | '.' | ':')
                && char_before(hay, start - prev.len_utf8()).is_some_and(|c| c.is_ascii_digit())
            {
                return true;
            }
        }
        // "mh.2016" in "doi:10.1/mh.2016": part of an identifier.
        if first.is_ascii_digit()
            && matches!(prev, '.' | '_')
            && char_before(hay, start - prev.len_utf8())
                .is_some_and(|c| wordy(c) && !c.is_ascii_digit())
        {
            return true;
        }
        // "D.C. 1907": an abbreviation's letter, not the approximation "c.".
        if first.is_alphabetic() && prev == '.' {
            return true;
        }
    }
    if let (Some(last), Some(next)) = (last, char_after(hay, end)) {
        if wordy(last) && wordy(next) {
            return true;
        }
        if last.is_ascii_digit() {
            if next == '%' {
                return true;
            }
            if matches!(next, ',' | '.' | ':')
                && char_after(hay, end + next.len_utf8()).is_some_and(|c| c.is_ascii_digit())
            {
                return true;
            }
        }
    }
    false
}

/// Where to resume after refusing a match at `start`: past the word or
/// number it began in, so that a refused match costs one step per word and
/// a long run of digits is crossed in one step.
fn skip_from(hay: &str, start: usize) -> usize {
    let rest = hay.get(start..).unwrap_or("");
    let mut chars = rest.char_indices();
    let Some((_, first)) = chars.next() else {
        return hay.len();
    };
    if !wordy(first) {
        return start + first.len_utf8();
    }
    let digit = first.is_ascii_digit();
    rest.char_indices()
        .find(|&(_, c)| !wordy(c) || c.is_ascii_digit() != digit)
        .map_or(hay.len(), |(i, _)| start + i)
}

fn num<T: std::str::FromStr>(c: &Captures<'_>, name: &str) -> Option<T> {
    c.name(name)?.as_str().parse().ok()
}

fn month_of(t: &Tables, c: &Captures<'_>, name: &str) -> Option<u8> {
    let m = c.name(name)?.as_str();
    t.month_forms.get(m).copied()
}

fn plausible_year(y: i16) -> bool {
    (1000..=2100).contains(&y)
}

/// Outcome of reading one regex match.
enum Read {
    Atom(Value, bool),
    /// Not a date, but a smaller date may start inside it.
    Retry,
    /// Not a date, and nothing inside it is one either (31 February).
    Skip,
}

/// A day without its year ("June 10", "10 June"), waiting for one from its
/// context: any day of a leap year passes, 30 February does not.
fn no_year_day(month: u8, day: u8) -> Read {
    match EdtfDate::day(2000, month, day) {
        Some(_) => Read::Atom(
            Value::NoYear {
                month,
                day,
                day2: None,
            },
            false,
        ),
        None => Read::Skip,
    }
}

/// Reads one regex match into an atom; `hay` gives the context that the
/// count and reference checks of bare years look at.
fn read(t: &Tables, c: &Captures<'_>, hay: &str) -> Read {
    let year = |name: &str| num::<i16>(c, name).filter(|&y| plausible_year(y));
    let day = |y: i16, m: u8, d: u8| EdtfDate::day(y, m, d);
    let date = |v: Option<EdtfDate>| match v {
        Some(d) => Read::Atom(Value::Date(d), false),
        None => Read::Skip,
    };
    // The first group that took part names the alternative that matched.
    let alt = (1..c.len())
        .filter_map(|i| c.get(i).map(|_| i))
        .filter_map(|i| ATOM_NAMES.get(i).copied().flatten())
        .find(|n| *n != "approx" && *n != "qual")
        .unwrap_or("");
    if let Some(ym) = c.name("year") {
        return bare_year(t, hay, ym.start(), ym.end());
    }
    if alt == "iso_y" {
        let (Some(y), Some(m), Some(d)) = (year("iso_y"), num(c, "iso_m"), num(c, "iso_d")) else {
            return Read::Retry;
        };
        return date(day(y, m, d));
    }
    if alt == "yy1" || alt == "ys1" {
        let (a, b) = if alt == "yy1" {
            (year("yy1"), year("yy2"))
        } else {
            let a = year("ys1");
            let b = a.zip(num::<i16>(c, "ys2")).map(|(a, b)| a - a % 100 + b);
            (a, b)
        };
        return match (a, b) {
            (Some(a), Some(b)) if a < b => {
                Read::Atom(Value::Range(EdtfDate::year(a), EdtfDate::year(b)), false)
            }
            _ => Read::Retry,
        };
    }
    if alt == "mf_m" && c.name("mf_y").is_some() {
        return match (year("mf_y"), month_of(t, c, "mf_m")) {
            (Some(y), Some(m)) => date(EdtfDate::month(y, m)),
            _ => Read::Retry,
        };
    }
    for (d1, d2, m, y) in [
        ("df_d1", "df_d2", "df_m", "df_y"),
        ("mf_d1", "mf_d2", "mf_m", "mf_y2"),
    ] {
        if alt != d1 && alt != m {
            continue;
        }
        let (Some(d1), Some(m)) = (num::<u8>(c, d1), month_of(t, c, m)) else {
            return Read::Retry;
        };
        let d2 = match c.name(d2) {
            Some(_) => match num::<u8>(c, d2) {
                Some(d2) if d2 > d1 => Some(d2),
                _ => return Read::Retry,
            },
            None => None,
        };
        let last = d2.unwrap_or(d1);
        return match c.name(y) {
            Some(_) => {
                let Some(y) = year(y) else {
                    return Read::Retry;
                };
                match (day(y, m, d1), d2.map(|d2| day(y, m, d2))) {
                    (Some(a), None) => Read::Atom(Value::Date(a), false),
                    (Some(a), Some(Some(b))) => Read::Atom(Value::Range(a, b), false),
                    _ => Read::Skip,
                }
            }
            // A leap year admits every day any year can have.
            None if day(2000, m, last).is_some() && day(2000, m, d1).is_some() => Read::Atom(
                Value::NoYear {
                    month: m,
                    day: d1,
                    day2: d2,
                },
                false,
            ),
            None => Read::Skip,
        };
    }
    if alt == "jp_y" {
        let Some(y) = year("jp_y") else {
            return Read::Retry;
        };
        return date(japanese(y, num(c, "jp_m"), num(c, "jp_d")));
    }
    if let (true, Some(era)) = (alt == "era", c.name("era")) {
        let Some(e) = t.eras.iter().find(|e| e.kanji == era.as_str()) else {
            return Read::Retry;
        };
        let n = match c.name("era_n").map(|m| m.as_str()) {
            Some("元") => Some(1),
            _ => num::<i16>(c, "era_n"),
        };
        return match n.and_then(|n| era_year(e, n)) {
            Some(y) => date(japanese(y, num(c, "era_m"), num(c, "era_d"))),
            None => Read::Skip,
        };
    }
    if alt == "jmd_m" {
        return match (num::<u8>(c, "jmd_m"), num::<u8>(c, "jmd_d")) {
            (Some(m), Some(d)) => no_year_day(m, d),
            _ => Read::Skip,
        };
    }
    if let (true, Some(r)) = (alt == "rera", c.name("rera")) {
        let e = t
            .eras
            .iter()
            .find(|e| e.romanised.iter().any(|f| f == r.as_str()));
        return match (e, num::<i16>(c, "rera_n")) {
            (Some(e), Some(n)) => match era_year(e, n) {
                Some(y) => date(Some(EdtfDate::year(y))),
                None => Read::Skip,
            },
            _ => Read::Retry,
        };
    }
    if alt == "dec" {
        return match year("dec") {
            Some(y) => date(Some(EdtfDate::decade(y))),
            None => Read::Retry,
        };
    }
    if alt == "cent" {
        // The 19th century is 18XX in EDTF.
        return match num::<i16>(c, "cent") {
            Some(n @ 11..=21) => date(Some(EdtfDate {
                unspecified_year_digits: 2,
                ..EdtfDate::year((n - 1) * 100)
            })),
            _ => Read::Retry,
        };
    }
    Read::Retry
}

/// Reads the commonest shapes without the capture engine: "June 10, 1907",
/// "10 June 1907", "May 1907", "October, 1820", "June 10", "10 June",
/// "1904–1905", "1618-48", "the 1850s". Gives the same result as [`read`]
/// would, or `None` for any other shape (which [`read`] handles). The span
/// is a whole match of the atom regex, which fixes the alternative each
/// shape can come from.
fn fast_read(t: &Tables, span: &str) -> Option<Read> {
    if let Some(r) = fast_read_numeric(span) {
        return Some(r);
    }
    let mut words = span.split(' ');
    let (a, b, c) = (words.next()?, words.next()?, words.next());
    if words.next().is_some() {
        return None;
    }
    let year = |s: &str| -> Option<Result<i16, ()>> {
        all_digits(s, 4..=4).then(|| s.parse().ok().filter(|&y| plausible_year(y)).ok_or(()))
    };
    let day = |y: i16, m: u8, d: &str| match d.parse().ok().and_then(|d| EdtfDate::day(y, m, d)) {
        Some(x) => Read::Atom(Value::Date(x), false),
        None => Read::Skip,
    };
    // "June 10" or "10 June": a day waiting for its year, as `read` gives
    // it (any day of a leap year passes).
    let no_year = |m: u8, d: &str| match d.parse::<u8>() {
        Ok(d) => no_year_day(m, d),
        _ => Read::Skip,
    };
    match c {
        // Month D, YYYY | D Month YYYY | D Month, YYYY
        Some(c) => {
            let y = match year(c)? {
                Ok(y) => y,
                Err(()) => return Some(Read::Retry),
            };
            if let Some(&m) = t.month_forms.get(a) {
                let d = b.strip_suffix(',').unwrap_or(b);
                return all_digits(d, 1..=2).then(|| day(y, m, d));
            }
            let m = *t.month_forms.get(b.strip_suffix(',').unwrap_or(b))?;
            all_digits(a, 1..=2).then(|| day(y, m, a))
        }
        // Month YYYY | Month, YYYY | Month D | D Month
        None => {
            if all_digits(a, 1..=2) {
                return Some(no_year(*t.month_forms.get(b)?, a));
            }
            let m = *t.month_forms.get(a.strip_suffix(',').unwrap_or(a))?;
            // The pattern has no comma between a month and its day.
            if !a.ends_with(',') && all_digits(b, 1..=2) {
                return Some(no_year(m, b));
            }
            Some(match year(b)? {
                Ok(y) => match EdtfDate::month(y, m) {
                    Some(x) => Read::Atom(Value::Date(x), false),
                    None => Read::Skip,
                },
                Err(()) => Read::Retry,
            })
        }
    }
}

/// Is `s` all ASCII digits, with a length in `n`?
fn all_digits(s: &str, n: std::ops::RangeInclusive<usize>) -> bool {
    n.contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit())
}

/// The digit shapes of [`fast_read`]: year ranges ("1904–1905", "1904 -
/// 1905", "1618-48") and decades ("1850s", "the 1850’s"), as [`read`] gives
/// them; `None` for anything else.
fn fast_read_numeric(span: &str) -> Option<Read> {
    let plausible = |s: &str| s.parse::<i16>().ok().filter(|&y| plausible_year(y));
    // Decades: "[Tt]he " is the alternative's own optional article.
    let bare = span
        .strip_prefix("the ")
        .or_else(|| span.strip_prefix("The "))
        .unwrap_or(span);
    if let Some(digits) = bare
        .strip_suffix("'s")
        .or_else(|| bare.strip_suffix("’s"))
        .or_else(|| bare.strip_suffix('s'))
    {
        if !(all_digits(digits, 4..=4) && digits.ends_with('0')) {
            return None;
        }
        return Some(match plausible(digits) {
            Some(y) => Read::Atom(Value::Date(EdtfDate::decade(y)), false),
            None => Read::Retry,
        });
    }
    let first = span.get(..4).filter(|s| all_digits(s, 4..=4))?;
    let rest = span.get(4..)?;
    let spaced = rest.trim_start_matches(' ');
    let dash = ['-', '–', '—']
        .into_iter()
        .find_map(|d| spaced.strip_prefix(d))?;
    let second = dash.trim_start_matches(' ');
    let a = plausible(first);
    let b = if all_digits(second, 4..=4) {
        // "1904–1905", spaces allowed around the dash.
        plausible(second)
    } else if all_digits(second, 2..=2) && spaced.len() == rest.len() && second.len() == dash.len()
    {
        // "1618-48": no spaces in this shape.
        a.zip(second.parse::<i16>().ok())
            .map(|(a, b)| a - a % 100 + b)
    } else {
        return None;
    };
    Some(match (a, b) {
        (Some(a), Some(b)) if a < b => {
            Read::Atom(Value::Range(EdtfDate::year(a), EdtfDate::year(b)), false)
        }
        _ => Read::Retry,
    })
}

/// A four-digit year standing alone at `hay[start..end]`, unless it is a
/// count ("2000 men") or a reference ("p. 1907").
fn bare_year(t: &Tables, hay: &str, start: usize, end: usize) -> Read {
    let Some(y) = hay
        .get(start..end)
        .and_then(|s| s.parse::<i16>().ok())
        .filter(|&y| plausible_year(y))
    else {
        return Read::Retry;
    };
    let before = word_before(hay, start);
    if is_one_of(before, &t.not_before) {
        return Read::Retry;
    }
    // "in 1853 ships came" is a year all the same.
    let after = word_after(hay, end);
    if is_one_of(after, &t.not_after) && !is_one_of(before, &t.year_before) {
        return Read::Retry;
    }
    Read::Atom(Value::Date(EdtfDate::year(y)), true)
}

fn era_year(e: &Era, n: i16) -> Option<i16> {
    (n >= 1 && e.last.is_none_or(|last| n <= last) && n <= 100).then(|| e.first + n - 1)
}

fn japanese(y: i16, m: Option<u8>, d: Option<u8>) -> Option<EdtfDate> {
    match (m, d) {
        (Some(m), Some(d)) => EdtfDate::day(y, m, d),
        (Some(m), None) => EdtfDate::month(y, m),
        _ => Some(EdtfDate::year(y)),
    }
}

/// How far before its first digit a date may start ("some time around the
/// beginning of September 1907").
const LOOK_BACK: usize = 72;
/// How far after its last digit a date may end ("19th-century"); digits
/// closer than this belong to one window.
const LOOK_AHEAD: usize = 24;

fn floor_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn ceil_boundary(s: &str, mut i: usize) -> usize {
    while i < s.len() && !s.is_char_boundary(i) {
        i += 1;
    }
    i.min(s.len())
}

/// The first byte at or after `from` that can start a date's digits: an
/// ASCII digit, or the lead byte of 元 (元年, an era's first year). Eight
/// bytes at a time, since most of a text has neither.
fn next_trigger(bytes: &[u8], from: usize) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    let hit = |b: &u8| b.is_ascii_digit() || *b == 0xE5;
    let rest = bytes.get(from..)?;
    let mut chunks = rest.chunks_exact(8);
    let mut at = from;
    for chunk in &mut chunks {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let x = u64::from_le_bytes(word);
        // A byte below 10 after xor with '0' is a digit; a zero byte after
        // xor with 0xE5 is 元's lead byte. Both tests may only err towards
        // a hit, which the byte loop below then checks.
        let d = x ^ (ONES * 0x30);
        let e = x ^ (ONES * 0xE5);
        let digitish = d.wrapping_sub(ONES * 10) & !d & HIGHS;
        let lead = e.wrapping_sub(ONES) & !e & HIGHS;
        if digitish | lead != 0 {
            if let Some(p) = chunk.iter().position(hit) {
                return Some(at + p);
            }
        }
        at += 8;
    }
    chunks.remainder().iter().position(hit).map(|p| at + p)
}

/// The bytes [`next_trigger`] looks for, as a vectorised multi-pattern
/// searcher (Teddy, from the `aho-corasick` crate); `None` where the CPU
/// lacks the instructions.
static TRIGGERS: LazyLock<Option<aho_corasick::packed::Searcher>> = LazyLock::new(|| {
    let mut b = aho_corasick::packed::Config::new().builder();
    for d in b'0'..=b'9' {
        b.add([d]);
    }
    b.add([0xE5]);
    b.build()
});

/// [`next_trigger`] for long stretches: most of a text lies between two
/// runs of digits, and a vector search crosses it many bytes per step.
fn next_trigger_far(bytes: &[u8], from: usize) -> Option<usize> {
    // Below a few vector widths the searcher's set-up (and its scalar
    // fallback for short inputs) costs more than eight bytes at a time.
    match TRIGGERS.as_ref() {
        Some(s) if from + 96 <= bytes.len() => s
            .find_in(bytes, aho_corasick::Span::from(from..bytes.len()))
            .map(|m| m.start()),
        _ => next_trigger(bytes, from),
    }
}

/// Every date has an ASCII digit (or the 元 of 元年), so the regex only runs
/// in windows around runs of digits: text without digits costs one byte scan.
fn scan(re: &Regex, t: &Tables, hay: &str, base: usize, unit: usize, out: &mut Vec<Atom>) {
    let bytes = hay.as_bytes();
    // Digits come in runs: the byte right after one is tested first.
    let digit_from = |i: usize| match bytes.get(i) {
        Some(&b) if b.is_ascii_digit() || b == 0xE5 => Some(i),
        Some(_) if shortcuts() => next_trigger_far(bytes, i),
        Some(_) => next_trigger(bytes, i),
        None => None,
    };
    let mut pos = 0;
    let mut next_first = digit_from(0);
    while let Some(first) = next_first {
        let mut last = first;
        // The digit that ends the run is the next window's first: keep it
        // rather than scan the gap twice.
        next_first = loop {
            match digit_from(last + 1) {
                Some(next) if next - last <= LOOK_AHEAD => last = next,
                other => break other,
            }
        };
        let start = floor_boundary(hay, first.saturating_sub(LOOK_BACK)).max(pos);
        let end = ceil_boundary(hay, last + 1 + LOOK_AHEAD);
        pos = scan_window(re, t, hay, end, start, base, unit, out);
        // The next window starts at the first digit from here on; no digit
        // lies between `last` and `next_first`.
        let from = end.max(last + 1);
        if next_first.is_some_and(|n| n < from) {
            next_first = digit_from(from);
        }
    }
}

/// Is the atom regex's match at `at` (a digit no match can start before)
/// the bare year there? Yes when exactly four digits stand there and
/// nothing after them lets a longer alternative match first: no dash
/// after spaces (ranges, ISO dates), no 年, no decade's "s".
fn year_at(w: &[u8], at: usize) -> bool {
    if digit_run(w, at) != 4 {
        return false;
    }
    let after = at + 4;
    if w.get(at + 3) == Some(&b'0') && matches!(w.get(after), Some(b's' | b'\'' | 0xE2)) {
        return false;
    }
    let mut i = after;
    while w.get(i).is_some_and(|&c| ascii_space(c)) {
        i += 1;
    }
    // A non-ASCII byte may be a dash, a space before one, or 年.
    w.get(i).is_none_or(|&c| c.is_ascii() && c != b'-')
}

/// How many ASCII digits start at `at`, counted up to five: the shapes
/// read here need to know 1, 2, 3, 4 or more, and a long run of digits
/// must not be counted again at every step.
fn digit_run(b: &[u8], at: usize) -> usize {
    b.get(at..).map_or(0, |r| {
        r.iter().take(5).take_while(|c| c.is_ascii_digit()).count()
    })
}

/// The atom regex's match at `at` in `w` (the window) for the commonest
/// shapes, "June 1907", "June 10, 1907" and "10 June 1907", worked out
/// without the automaton; `None` when the text has another shape.
///
/// Why it is the regex's match: a month (a form no modifier begins) or a
/// one- or two-digit day the pattern's `[0-3]?[0-9]` takes whole can only
/// begin the month-first or day-first alternative, every earlier
/// alternative needs four digits or a modifier there, and the month
/// alternation tries longer forms first, none of which fits before the
/// space. The optional parts of the pattern (ordinal, "of", a second day
/// after a connector) need letters or digits where these shapes have a
/// space, a comma or a year. Leftmost-first search from `at` then returns
/// this match, as nothing can start earlier.
fn predict(t: &Tables, w: &[u8], at: usize) -> Option<(usize, usize)> {
    if !t.predict_ok {
        return None;
    }
    let day_ok = |s: usize, n: usize| {
        n == 1 || (n == 2 && w.get(s).is_some_and(|c| (b'0'..=b'3').contains(c)))
    };
    // A word up to the next space, no longer than the longest month form
    // (a text without spaces must not be read to its end at every digit).
    let token = |s: usize| -> Option<(&str, usize)> {
        let n = w
            .get(s..)?
            .iter()
            .take(t.month_len + 1)
            .take_while(|&&c| c != b' ')
            .count();
        if n > t.month_len {
            return None;
        }
        Some((std::str::from_utf8(w.get(s..s + n)?).ok()?, s + n))
    };
    if w.get(at)?.is_ascii_digit() {
        // D Month YYYY
        let n = digit_run(w, at);
        if !day_ok(at, n) || w.get(at + n) != Some(&b' ') {
            return None;
        }
        let (m, m_end) = token(at + n + 1)?;
        if !t.month_forms.contains_key(m) || w.get(m_end) != Some(&b' ') {
            return None;
        }
        return (digit_run(w, m_end + 1) >= 4).then_some((at, m_end + 5));
    }
    let (m, m_end) = token(at)?;
    if !t.clean_months.contains(m) || w.get(m_end) != Some(&b' ') {
        return None;
    }
    let d = m_end + 1;
    let n = digit_run(w, d);
    if n >= 4 {
        // Month YYYY: the year branch takes the first four digits.
        return Some((at, d + 4));
    }
    // Month D, YYYY
    let (comma, space, y) = (d + n, d + n + 1, d + n + 2);
    (day_ok(d, n)
        && w.get(comma) == Some(&b',')
        && w.get(space) == Some(&b' ')
        && digit_run(w, y) >= 4)
        .then_some((at, y + 4))
}

/// Scans `hay[start..end]` (matches may not pass `end`); returns where the
/// next search may start.
#[allow(clippy::too_many_arguments)]
fn scan_window(
    re: &Regex,
    t: &Tables,
    hay: &str,
    end: usize,
    start: usize,
    base: usize,
    unit: usize,
    out: &mut Vec<Atom>,
) -> usize {
    let window = hay.get(..end).unwrap_or(hay);
    let w = window.as_bytes();
    let mut pos = start;
    while pos < window.len() {
        // Every match holds a digit (or 元): with none left, the regex
        // would only scan the rest of the window to find nothing.
        let Some(digit) = next_trigger(w, pos) else {
            break;
        };
        // No match starts before `from` (see `LeadWords::earliest_start`),
        // so the search may start there; often the match is a shape read
        // without the automaton. The automaton finds the span; the slower
        // capture engine then runs on that span only, and not at all for a
        // bare year.
        let fast = shortcuts();
        let from = if fast {
            t.lead.earliest_start(w, pos, digit)
        } else {
            pos
        };
        let predicted = if !fast {
            None
        } else if t.predict_ok && from == digit && year_at(w, digit) {
            Some((digit, digit + 4))
        } else {
            predict(t, w, from)
        };
        let (s, e) = match predicted {
            Some(m) => m,
            None => match re.find_at(window, from) {
                Some(found) => (found.start(), found.end()),
                None => break,
            },
        };
        let Some(found) = window.get(s..e) else {
            break;
        };
        if e - s == 4 && found.bytes().all(|b| b.is_ascii_digit()) {
            if glued(hay, s, e) {
                pos = skip_from(hay, s);
                continue;
            }
            match bare_year(t, hay, s, e) {
                Read::Atom(value, _) => {
                    out.push(Atom {
                        start: base + s,
                        end: base + e,
                        value,
                        approx: false,
                        approx_end: false,
                        qualifier: None,
                        inferred: None,
                        unit,
                        bare_year: true,
                    });
                    pos = e;
                }
                _ => pos = skip_from(hay, s),
            }
            continue;
        }
        if let Some(read) = fast_read(t, found).filter(|_| fast) {
            if glued(hay, s, e) {
                pos = skip_from(hay, s);
                continue;
            }
            match read {
                Read::Atom(value, _) => {
                    out.push(Atom {
                        start: base + s,
                        end: base + e,
                        value,
                        approx: false,
                        approx_end: false,
                        qualifier: None,
                        inferred: None,
                        unit,
                        bare_year: false,
                    });
                    pos = e;
                }
                Read::Retry => pos = skip_from(hay, s),
                Read::Skip => pos = e,
            }
            continue;
        }
        let Some(c) = window.get(..e).and_then(|w| re.captures_at(w, s)) else {
            break;
        };
        let Some(m) = c.get(0) else {
            break;
        };
        let (start, end) = (m.start(), m.end());
        if end == start {
            pos = skip_from(hay, start);
            continue;
        }
        if glued(hay, start, end) {
            pos = skip_from(hay, start);
            continue;
        }
        match read(t, &c, hay) {
            Read::Atom(value, bare_year) => {
                let qualifier = c.name("qual").and_then(|q| {
                    let q = q.as_str().to_lowercase();
                    t.qualifiers
                        .iter()
                        .find(|(f, _)| *f == q)
                        .map(|(_, v)| v.clone())
                });
                let approx = c.name("approx").is_some();
                out.push(Atom {
                    start: base + start,
                    end: base + end,
                    value,
                    approx,
                    approx_end: false,
                    qualifier,
                    inferred: None,
                    unit,
                    bare_year: bare_year && !approx,
                });
                pos = end;
            }
            Read::Retry => {
                // A refused prefix ("about 2000 men") must not hide a date
                // that starts after it, so resume inside the match.
                pos = match (c.name("approx"), c.name("qual")) {
                    (Some(p), _) | (None, Some(p)) => p.end(),
                    (None, None) => skip_from(hay, start),
                };
            }
            Read::Skip => pos = end,
        }
    }
    pos
}

// ---------------------------------------------------------------- intervals

/// Lower-cased word forms, also grouped by byte length: a look-up then
/// compares only the forms as long as the text (every bare year looks up
/// the words on each side of it).
#[derive(Debug, Default)]
struct Words {
    all: Vec<String>,
    by_len: Vec<Vec<String>>,
}

impl Words {
    fn push(&mut self, form: String) {
        let n = form.len();
        if self.by_len.len() <= n {
            self.by_len.resize_with(n + 1, Vec::new);
        }
        if let Some(group) = self.by_len.get_mut(n) {
            group.push(form.clone());
        }
        self.all.push(form);
    }
    fn iter(&self) -> std::slice::Iter<'_, String> {
        self.all.iter()
    }
}

/// Does `s` equal one of `forms` (lower-cased), ignoring ASCII case?
fn is_one_of(s: &str, forms: &Words) -> bool {
    forms
        .by_len
        .get(s.len())
        .is_some_and(|group| group.iter().any(|f| f.eq_ignore_ascii_case(s)))
}

/// The start of an opening word ("from", "between") that ends right before
/// `at` in `hay`, if any.
fn opener_before(t: &Tables, hay: &str, at: usize) -> Option<usize> {
    let w = word_before(hay, at);
    if !is_one_of(w, &t.open) {
        return None;
    }
    let s = hay.get(..at)?.trim_end();
    s.len().checked_sub(w.len())
}

/// Joins neighbouring atoms of one block into intervals where a connector
/// stands between them; takes the block's atoms from `block` and appends
/// the result to `out`.
fn join_intervals(t: &Tables, text: &str, base: usize, block: &mut Vec<Atom>, out: &mut Vec<Atom>) {
    let first = out.len();
    let mut rest = block.drain(..).peekable();
    while let Some(a) = rest.next() {
        let Some(b) = rest.peek() else {
            out.push(a);
            break;
        };
        let between = text.get(a.end..b.start).unwrap_or("").trim();
        let block_text = text.get(base..).unwrap_or("");
        let opener = opener_before(t, block_text, a.start - base);
        let joins =
            is_one_of(between, &t.range) || (opener.is_some() && is_one_of(between, &t.pair));
        let joined = if joins { join(&a, b) } else { None };
        match joined {
            Some(value) => {
                let (b_end, b_approx) = (b.end, b.approx);
                rest.next();
                out.push(Atom {
                    start: opener.map_or(a.start, |o| base + o),
                    end: b_end,
                    value,
                    bare_year: false,
                    approx_end: b_approx,
                    ..a
                });
            }
            None => out.push(a),
        }
    }
    // "between January and March 1908": a bare month name has no digit,
    // so it is no atom; read it here, before a month atom.
    let block_text = text.get(base..).unwrap_or("");
    for a in out.iter_mut().skip(first) {
        let Value::Date(end) = a.value else {
            continue;
        };
        if end.day.is_some() || a.approx || a.start < base {
            continue;
        }
        let Some(Some(m2)) = end.month else {
            continue;
        };
        let Some((start, m1)) = month_before(t, block_text, a.start - base) else {
            continue;
        };
        let year = if m1 > m2 { end.year - 1 } else { end.year };
        if let Some(first) = EdtfDate::month(year, m1).filter(|_| m1 != m2) {
            a.value = Value::Range(first, end);
            a.start = base + start;
            a.bare_year = false;
        }
    }
}

/// A month name and a connector right before `at` ("January and ",
/// "July to ", "June–"): the start of the interval's text (its opening word
/// if any) and the month. "and" needs an opening word ("between").
fn month_before(t: &Tables, hay: &str, at: usize) -> Option<(usize, u8)> {
    let s = hay.get(..at)?.trim_end();
    let (rest, pair) = match s.strip_suffix(['–', '—', '-']) {
        Some(r) => (r, false),
        None => {
            let conn = word_before(s, s.len());
            let pair = is_one_of(conn, &t.pair);
            if !pair && !is_one_of(conn, &t.range) {
                return None;
            }
            (s.get(..s.len() - conn.len())?.trim_end(), pair)
        }
    };
    let word = word_before(rest, rest.len());
    let m = *t.month_forms.get(word.strip_suffix(',').unwrap_or(word))?;
    let start = rest.len() - word.len();
    match opener_before(t, hay, start) {
        Some(o) => Some((o, m)),
        None if !pair => Some((start, m)),
        None => None,
    }
}

fn join(a: &Atom, b: &Atom) -> Option<Value> {
    let day_of = |y: i16, m: u8, d: u8| EdtfDate::day(y, m, d);
    let (start, end) = match (a.value, b.value) {
        (Value::Date(x) | Value::Range(x, _), Value::Date(y) | Value::Range(_, y)) => (x, y),
        // "10 June to 3 July 1907": the first end takes the second's year.
        (Value::NoYear { month, day, .. }, Value::Date(y)) if y.day.is_some() => {
            let x = day_of(y.year, month, day)?;
            let x = if x.earliest()? > y.earliest()? {
                day_of(y.year - 1, month, day)?
            } else {
                x
            };
            (x, y)
        }
        (Value::Date(x), Value::NoYear { month, day, .. }) if x.day.is_some() => {
            (x, day_of(x.year, month, day)?)
        }
        (
            Value::NoYear {
                month: m1, day: d1, ..
            },
            Value::NoYear {
                month: m2, day: d2, ..
            },
        ) => {
            return Some(Value::NoYearRange { m1, d1, m2, d2 });
        }
        _ => return None,
    };
    (start.earliest()? <= end.earliest()?).then_some(Value::Range(start, end))
}

// ---------------------------------------------------------------- context

/// Gives yearless atoms the year of their context: the last dated atom
/// earlier in the block, then earlier in the same section (a heading's year
/// dates its section), then the first one later in the block.
fn infer_years(text: &str, units: &[Unit], atoms: &mut [Atom]) {
    let dated: Vec<(usize, usize, i16)> = atoms
        .iter()
        .enumerate()
        // A decade (185X) or a span of years (1750–1775) is too vague to
        // date a day.
        .filter(|(_, a)| !units.get(a.unit).is_some_and(|u| u.boilerplate))
        .filter(|(_, a)| match a.value {
            Value::Date(d) => d.unspecified_year_digits == 0,
            Value::Range(x, y) => x.year == y.year && x.unspecified_year_digits == 0,
            _ => false,
        })
        .filter_map(|(i, a)| Some((i, a.unit, a.value.year()?)))
        .collect();
    // One pass each way keeps this linear in the number of atoms: the last
    // dated atom of the current block and of each section so far, and the
    // next dated atom of the same block.
    let mut next_in_unit: Vec<Option<usize>> = vec![None; atoms.len()];
    for k in (0..dated.len()).rev() {
        let (j, u, _) = dated[k];
        let until = dated.get(k.wrapping_sub(1)).map_or(0, |&(p, _, _)| p + 1);
        for (i, slot) in next_in_unit.iter_mut().enumerate().take(j).skip(until) {
            if atoms.get(i).is_some_and(|a| a.unit == u) {
                *slot = Some(k);
            }
        }
    }
    let mut last_in_unit: Option<usize> = None;
    let mut last_in_section: crate::gazetteer::FxMap<u32, usize> = Default::default();
    let mut d = 0;
    for i in 0..atoms.len() {
        while d < dated.len() && dated[d].0 < i {
            let (_, u, _) = dated[d];
            last_in_unit = Some(d);
            if let Some(sec) = units.get(u).and_then(|x| x.section) {
                last_in_section.insert(sec, d);
            }
            d += 1;
        }
        if atoms[i].value.year().is_some() {
            continue;
        }
        let unit = atoms[i].unit;
        let section = units.get(unit).and_then(|u| u.section);
        let pick = last_in_unit
            .and_then(|k| dated.get(k))
            .filter(|&&(_, u, _)| u == unit)
            .map(|&(j, _, y)| (j, y, "earlier in the same paragraph"))
            .or_else(|| {
                let &(j, u, y) = dated.get(*last_in_section.get(&section?)?)?;
                let why = if units.get(u).is_some_and(|x| x.heading) {
                    "from the heading of its section"
                } else {
                    "earlier in the same section"
                };
                Some((j, y, why))
            })
            .or_else(|| {
                let &(j, _, y) = dated.get(next_in_unit[i]?)?;
                Some((j, y, "later in the same paragraph"))
            });
        let Some((j, year, why)) = pick else {
            continue;
        };
        let src = {
            let c = &atoms[j];
            text.get(c.start..c.end).unwrap_or("").to_string()
        };
        let a = &mut atoms[i];
        let value = match a.value {
            Value::NoYear {
                month,
                day,
                day2: None,
            } => EdtfDate::day(year, month, day).map(Value::Date),
            Value::NoYear {
                month,
                day,
                day2: Some(d2),
            } => EdtfDate::day(year, month, day)
                .zip(EdtfDate::day(year, month, d2))
                .map(|(x, y)| Value::Range(x, y)),
            Value::NoYearRange { m1, d1, m2, d2 } => EdtfDate::day(year, m1, d1)
                .zip(EdtfDate::day(year, m2, d2))
                .filter(|(x, y)| x.earliest() <= y.earliest())
                .map(|(x, y)| Value::Range(x, y)),
            _ => None,
        };
        if let Some(v) = value {
            a.value = v;
            a.inferred = Some(format!("year {year} from \"{src}\" {why}"));
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use entente_source::{Block, Format, SourceMap};
    use std::time::{Duration, Instant};

    fn values(text: &str) -> Vec<String> {
        find_in_text(text)
            .into_iter()
            .map(|(_, d)| d.edtf)
            .collect()
    }

    /// Builds a document from blocks separated by " ¶ "; a block starting
    /// with "# " is a heading, and each heading opens a new section.
    fn doc(spec: &str) -> Document {
        let mut text = String::new();
        let mut blocks = Vec::new();
        let mut section = 0u32;
        for part in spec.split(" ¶ ") {
            let (kind, body) = match part.strip_prefix("# ") {
                Some(h) => {
                    section += 1;
                    (BlockKind::Heading { level: 2 }, h)
                }
                None => (BlockKind::Paragraph, part),
            };
            if !text.is_empty() {
                text.push_str("\n\n");
            }
            let start = text.len();
            text.push_str(body);
            blocks.push(Block {
                kind,
                span: Span::new(start, text.len()),
                section: Some(section),
            });
        }
        Document {
            format: Format::Text,
            title: None,
            map: SourceMap::identity(text.len()),
            text,
            blocks,
            annotations: Vec::new(),
            encoding: None,
            warnings: Vec::new(),
        }
    }

    fn check_examples(file: &str, src: &str) {
        let mut failures = Vec::new();
        for (text, want) in examples(src) {
            let d = doc(text);
            let got: Vec<String> = find(&d, &[])
                .into_iter()
                .filter_map(|m| match m.kind {
                    MentionKind::Date(x) => Some(x),
                    _ => None,
                })
                .map(|x| {
                    let mut s = x.edtf;
                    if let Some(q) = x.qualifier {
                        s = format!("{s}|{q}");
                    }
                    if x.inferred.is_some() {
                        s.push('*');
                    }
                    s
                })
                .collect();
            // Examples check the qualifier or inference marker only when
            // they spell it out.
            let got_cmp: Vec<String> = got
                .iter()
                .zip(want.iter().chain(std::iter::repeat(&"")))
                .map(|(g, w)| {
                    let mut g = g.clone();
                    if !w.ends_with('*') {
                        g = g.trim_end_matches('*').to_string();
                    }
                    if !w.contains('|') {
                        g = g.split('|').next().unwrap_or("").to_string();
                    }
                    g
                })
                .collect();
            if got_cmp != want {
                failures.push(format!("{file}: {text:?}\n  want {want:?}\n  got  {got:?}"));
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }

    #[test]
    fn regex_builds() {
        assert!(ATOM.is_some());
        let months: std::collections::BTreeSet<u8> = TABLES.month_forms.values().copied().collect();
        assert_eq!(months.len(), 12);
        assert!(TABLES.month_forms.contains_key("MAY") && !TABLES.month_forms.contains_key("may"));
        assert!(TABLES.month_forms.contains_key("Juin") && TABLES.month_forms.contains_key("juin"));
        assert_eq!(TABLES.eras.len(), 5);
    }

    #[test]
    fn month_examples() {
        check_examples("months.tsv", MONTHS_TSV);
    }
    #[test]
    fn era_examples() {
        check_examples("eras.tsv", ERAS_TSV);
    }
    #[test]
    fn modifier_examples() {
        check_examples("modifiers.tsv", MODIFIERS_TSV);
    }
    #[test]
    fn not_year_examples() {
        check_examples("not_years.tsv", NOT_YEARS_TSV);
    }
    #[test]
    fn connector_examples() {
        check_examples("connectors.tsv", CONNECTORS_TSV);
    }
    #[test]
    fn context_examples() {
        check_examples("context.tsv", CONTEXT_TSV);
    }

    #[test]
    fn spans_cover_the_date_text() {
        let text = "Signed on 10 June 1907 at Paris, ratified around 1908.";
        let got: Vec<&str> = find_in_text(text)
            .iter()
            .map(|(s, _)| s.slice(text))
            .collect();
        assert_eq!(got, ["10 June 1907", "around 1908"]);
    }

    #[test]
    fn impossible_dates_give_nothing() {
        assert!(values("It was 31 February 1907 then.").is_empty());
        assert!(values("On February 30, 1907 nothing.").is_empty());
        assert!(values("ISO 1907-02-31 and 1907-13-01.").is_empty());
        assert_eq!(values("29 February 1908 exists."), ["1908-02-29"]);
    }

    #[test]
    fn numbers_that_are_not_years() {
        assert!(values("a 5000-strong army, 13,000 men, 1907.5 tons").is_empty());
        assert!(values("€1907, $2000, 45%, 19071, A1907, 1907%").is_empty());
        assert!(values("in 0999 or 2500 or 12").is_empty());
        assert_eq!(values("Section (1907) was passed."), ["1907"]);
    }

    #[test]
    fn inferred_dates_keep_reasoning() {
        let d = doc("# Recognition, 1921 ¶ The envoy arrived on July 26, and left.");
        let got = find(&d, &[]);
        let MentionKind::Date(last) = &got.last().unwrap().kind else {
            panic!("not a date");
        };
        assert_eq!(last.edtf, "1921-07-26");
        let why = last.inferred.as_deref().unwrap();
        assert!(why.contains("1921") && why.contains("heading"), "{why}");
    }

    #[test]
    fn boilerplate_dates_date_nothing_else() {
        let mut d = doc("Retrieved 2022-02-10 ¶ They met on 16 May.");
        d.blocks[0].kind = BlockKind::Boilerplate;
        let got: Vec<String> = find(&d, &[])
            .into_iter()
            .filter_map(|m| match m.kind {
                MentionKind::Date(x) => Some(x.edtf),
                _ => None,
            })
            .collect();
        assert_eq!(got, ["2022-02-10"]);
    }

    #[test]
    fn bounds_of_a_mention() {
        let (_, d) = find_in_text("in the 1850s").pop().unwrap();
        let b = d.bounds().unwrap();
        assert_eq!(b.earliest.unwrap().to_string(), "1850-01-01");
        assert_eq!(b.latest.unwrap().to_string(), "1859-12-31");
    }

    fn quick(label: &str, text: &str) {
        let t = Instant::now();
        let _ = find_in_text(text);
        // Generous for debug builds on a shared machine; a super-linear
        // regex or loop would take minutes.
        assert!(
            t.elapsed() < Duration::from_secs(20),
            "{label} took {:?}",
            t.elapsed()
        );
    }

    #[test]
    fn adversarial_inputs_finish_quickly() {
        quick("10 MB of digits", &"7".repeat(10_000_000));
        quick("1 MB of 1907–", &"1907–".repeat(200_000));
        quick("1 MB of May 1 ", &"May 1 ".repeat(170_000));
        quick("nested brackets", &"(".repeat(500_000));
        quick(
            "1 MB of around the early ",
            &"around the early ".repeat(60_000),
        );
        quick("digits and commas", &"1,".repeat(500_000));
    }

    proptest::proptest! {
        /// Arbitrary text, and text built from date-like pieces, never
        /// panics and gives spans on character boundaries whose EDTF parses.
        #[test]
        fn never_panics(
            text in proptest::string::string_regex(
                "([0-9]{1,5}|May|June|juin|明治|年|月|日|元|c\\.|around|early|the|s|–|-|/|,|\\.| |é|to|and|between|from|th|of|\n)*"
            ).unwrap(),
            noise in "\\PC*",
        ) {
            for t in [&text, &noise] {
                for (span, d) in find_in_text(t) {
                    proptest::prop_assert!(t.get(span.start..span.end).is_some());
                    proptest::prop_assert!(d.value().is_some(), "{} from {:?}", d.edtf, t);
                }
            }
        }
    }

    type Found = Vec<(Span, DateMention)>;

    /// The dates of `text` with the shortcuts on, and on the plain regex
    /// path.
    fn both_ways(text: &str) -> (Found, Found) {
        let fast = find_in_text(text);
        REFERENCE.with(|r| r.set(true));
        let plain = find_in_text(text);
        REFERENCE.with(|r| r.set(false));
        (fast, plain)
    }

    #[test]
    fn shortcuts_agree_with_the_regex_path() {
        for text in [
            "The pact of 3 March 1911 lapsed in 1916, and talks resumed on May 2, 1920.",
            "Signed March 1911; ratified March 4, 1911; void from 1914 to 1918.",
            "In the middle of 1907 and early in 1908 the envoys met; the 1850s were calm.",
            "c.1907, ca. 1908, around 1909, about June 3, 1910, the end of 1911.",
            "Between 1904 and 1905, the 1904–1905 war; 1618-48; 1907-06-10.",
            "xJune 1907, June 19071, 45 June 1907, June 45, 1907, June 3,1907.",
            "Mars 1907, le 1er juin 1907, début 1908, mi-1909, Taishō 3, Meiji 40.",
            "Sept. 1907 and Sept 1907, SEPTEMBER 1907, 12 Sept 1907; page 1907; 2000 men.",
            "Qing 1907年7月30日 明治40年 and 7月30日 of 1907, the 19th century.",
            "from 10 June to 3 July 1907, 26–29 January 2018, 26 and 29 January 2018.",
            "Ends in 1907.[2] (1835–1842) 1776-1909 $1907 1,907 p.1907 mh.2016 1907%.",
        ] {
            let (fast, plain) = both_ways(text);
            assert_eq!(fast, plain, "{text}");
        }
    }

    proptest::proptest! {
        /// Random text from date-like pieces gives the same dates with and
        /// without the shortcuts.
        #[test]
        fn shortcuts_agree_on_random_text(
            text in proptest::string::string_regex(
                "([0-9]{1,5}|May|June|Jun|Sept\\.|juin|mars|Meiji|明治|年|月|日|the|The|of|in|early|mid|middle|around|c\\.|ca\\.|to|and|from|between|s|'s|’s|th|–|-|,|\\.| |  |\u{a0}|é|x|\\(|\\)|\n)*"
            ).unwrap(),
        ) {
            let (fast, plain) = both_ways(&text);
            proptest::prop_assert_eq!(fast, plain, "{:?}", text);
        }

        /// The ASCII paths of the context readers agree with the general
        /// ones.
        #[test]
        fn ascii_paths_agree(text in "[a-z0-9 .,:%$#+_(\\-é€\u{a0}]{0,16}") {
            for at in 0..=text.len() + 1 {
                let fast = (word_before(&text, at), word_after(&text, at));
                REFERENCE.with(|r| r.set(true));
                let plain = (word_before(&text, at), word_after(&text, at));
                REFERENCE.with(|r| r.set(false));
                proptest::prop_assert_eq!(fast, plain);
                for end in at + 1..=text.len() {
                    if let Some(g) = glued_ascii(text.as_bytes(), at, end) {
                        if text.is_char_boundary(at) && text.is_char_boundary(end) {
                            proptest::prop_assert_eq!(g, glued_slow(&text, at, end), "{} {}", at, end);
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn walk_back_finds_where_a_date_can_start() {
        let start = |text: &str| {
            let b = text.as_bytes();
            let digit = b.iter().position(u8::is_ascii_digit).unwrap();
            TABLES.lead.earliest_start(b, 0, digit)
        };
        // Words that cannot open a date leave the digit as the start.
        assert_eq!(start("was signed in 1907"), 14);
        assert_eq!(start("The war of 1812"), 11);
        // Months, modifiers and their words move it back.
        assert_eq!(start("signed on June 4"), 10);
        assert_eq!(start("ended in the middle of 1907"), 9);
        assert_eq!(start("so early in 1907"), 3);
        assert_eq!(start("c.1907"), 0);
        // Any other byte before a word lets the regex decide from the start.
        assert_eq!(start("fin début 1907"), 0);
    }

    #[test]
    fn many_yearless_blocks_stay_linear() {
        // 40,000 paragraphs with no year anywhere: context search must not
        // look back over every earlier date for each one.
        let spec = vec!["They met on 16 May and 3 June."; 40_000].join(" ¶ ");
        let d = doc(&spec);
        let t = Instant::now();
        assert!(find(&d, &[]).is_empty());
        assert!(t.elapsed() < Duration::from_secs(20), "{:?}", t.elapsed());
    }

    #[test]
    fn odd_text_never_panics() {
        for s in [
            "",
            "1",
            "年",
            "明治年",
            "明治0年",
            "明治99年",
            "令和1000年",
            "May",
            "31 ",
            "1907–",
            "–1907",
            "from",
            "between 1907 and",
            "é1907é",
            "1907年13月40日",
            "Meiji 0",
            "Meiji 45",
            "the 1850",
            "c.",
            "\u{0}1907",
            "१९०७",
        ] {
            let _ = values(s);
        }
        assert!(
            values("Meiji 46").is_empty(),
            "Meiji ended in its 45th year"
        );
        assert_eq!(values("Meiji 45"), ["1912"]);
    }
}
