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
    for (i, unit) in units.iter().enumerate() {
        let Some(hay) = text.get(unit.span.start..unit.span.end) else {
            continue;
        };
        let first = atoms.len();
        scan(re, t, hay, unit.span.start, i, &mut atoms);
        join_intervals(t, text, unit.span.start, &mut atoms, first);
    }
    infer_years(text, units, &mut atoms);
    atoms
        .into_iter()
        .filter_map(|a| {
            let edtf = a.value.edtf(a.approx, a.approx_end)?;
            Some(Mention {
                span: Span::new(a.start, a.end),
                confidence: a.confidence(),
                kind: MentionKind::Date(DateMention {
                    edtf,
                    qualifier: a.qualifier,
                    inferred: a.inferred,
                }),
            })
        })
        .collect()
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
    not_after: Vec<String>,
    not_before: Vec<String>,
    year_before: Vec<String>,
    range: Vec<String>,
    pair: Vec<String>,
    open: Vec<String>,
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
        not_after: Vec::new(),
        not_before: Vec::new(),
        year_before: Vec::new(),
        range: Vec::new(),
        pair: Vec::new(),
        open: Vec::new(),
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
    t
});

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
        .chain(&t.pair)
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

/// The word just before `at` (skipping spaces), with its trailing period.
fn word_before(hay: &str, at: usize) -> &str {
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
    let s = hay.get(at..).unwrap_or("").trim_start();
    let end = s
        .char_indices()
        .find(|&(_, c)| !c.is_alphabetic())
        .map_or(s.len(), |(i, _)| i);
    s.get(..end).unwrap_or("")
}

/// Is the match at `hay[start..end]` glued to a neighbouring word or number?
fn glued(hay: &str, start: usize, end: usize) -> bool {
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
            (Some(m), Some(d)) if day(2000, m, d).is_some() => Read::Atom(
                Value::NoYear {
                    month: m,
                    day: d,
                    day2: None,
                },
                false,
            ),
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

/// Reads the commonest full shapes without the capture engine: "June 10,
/// 1907", "10 June 1907", "May 1907", "October, 1820". Gives the same result
/// as [`read`] would, or `None` for any other shape (which [`read`] handles).
fn fast_read(t: &Tables, span: &str) -> Option<Read> {
    let mut words = span.split(' ');
    let (a, b, c) = (words.next()?, words.next()?, words.next());
    if words.next().is_some() {
        return None;
    }
    let digits = |s: &str, n: std::ops::RangeInclusive<usize>| {
        n.contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit())
    };
    let year = |s: &str| -> Option<Result<i16, ()>> {
        digits(s, 4..=4).then(|| s.parse().ok().filter(|&y| plausible_year(y)).ok_or(()))
    };
    let day = |y: i16, m: u8, d: &str| match d.parse().ok().and_then(|d| EdtfDate::day(y, m, d)) {
        Some(x) => Read::Atom(Value::Date(x), false),
        None => Read::Skip,
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
                return digits(d, 1..=2).then(|| day(y, m, d));
            }
            let m = *t.month_forms.get(b.strip_suffix(',').unwrap_or(b))?;
            digits(a, 1..=2).then(|| day(y, m, a))
        }
        // Month YYYY | Month, YYYY
        None => {
            let m = *t.month_forms.get(a.strip_suffix(',').unwrap_or(a))?;
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

/// Every date has an ASCII digit (or the 元 of 元年), so the regex only runs
/// in windows around runs of digits: text without digits costs one byte scan.
fn scan(re: &Regex, t: &Tables, hay: &str, base: usize, unit: usize, out: &mut Vec<Atom>) {
    let bytes = hay.as_bytes();
    let digit_from = |i: usize| next_trigger(bytes, i);
    let mut pos = 0;
    let mut from = 0;
    while let Some(first) = digit_from(from) {
        let mut last = first;
        while let Some(next) = digit_from(last + 1) {
            if next - last > LOOK_AHEAD {
                break;
            }
            last = next;
        }
        let start = floor_boundary(hay, first.saturating_sub(LOOK_BACK)).max(pos);
        let end = ceil_boundary(hay, last + 1 + LOOK_AHEAD);
        pos = scan_window(re, t, hay, end, start, base, unit, out);
        from = end.max(last + 1);
    }
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
    let mut pos = start;
    while pos < window.len() {
        // The automaton finds the span; the slower capture engine then runs
        // on that span only, and not at all for a bare year.
        let Some(found) = re.find_at(window, pos) else {
            break;
        };
        let (s, e) = (found.start(), found.end());
        if e - s == 4 && found.as_str().bytes().all(|b| b.is_ascii_digit()) {
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
        if let Some(read) = fast_read(t, found.as_str()) {
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

/// Does `s` equal one of `forms` (lower-cased), ignoring ASCII case?
fn is_one_of(s: &str, forms: &[String]) -> bool {
    forms
        .iter()
        .any(|f| f.len() == s.len() && f.eq_ignore_ascii_case(s))
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
/// stands between them.
fn join_intervals(t: &Tables, text: &str, base: usize, atoms: &mut Vec<Atom>, first: usize) {
    let mut out: Vec<Atom> = Vec::with_capacity(atoms.len() - first);
    let mut rest = atoms.split_off(first).into_iter().peekable();
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
    for a in &mut out {
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
    atoms.extend(out);
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
