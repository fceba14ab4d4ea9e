//! Agreement names: proper names ("the Franco-Japanese Treaty of 1907",
//! "Treaty of Portsmouth", "Root–Takahira Agreement"), lowercase names ("a
//! treaty of amity and commerce"), acronyms remembered once defined
//! ("Reciprocal Access Agreement (RAA)" then "the RAA"), references ("the
//! treaty", "the First Treaty") and Japanese names (日露協約).
//!
//! The head of every name is an instrument word from
//! `data/names/instruments.tsv`; the finder grows the name left over
//! capitalised modifiers and polity compounds, and right over "of ..." and
//! capitalised words.
use crate::gazetteer::{self, gazetteer, Hit, Target};
use crate::person::{tokens_in, Token, WordBits};
use crate::place::is_not_name;
use crate::{Mention, MentionKind, Sentence};
use aho_corasick::{AhoCorasick, MatchKind};
use entente_source::{Document, Span};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::LazyLock;

const INSTRUMENTS: &str = include_str!("../../../data/names/instruments.tsv");
const SUBJECTS: &str = include_str!("../../../data/names/agreement_subjects.txt");

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgreementMention {
    /// The name as written, normalised for spacing ("Franco-Japanese Treaty of 1907").
    pub name: String,
    /// treaty, agreement, convention, alliance, pact, entente, declaration, ...
    pub instrument: String,
    /// A defined or remembered acronym ("RAA").
    pub acronym: Option<String>,
    /// Ordinal within a series ("Second" -> 2).
    pub ordinal: Option<u32>,
    /// Year given in the name ("of 1907").
    pub year: Option<i32>,
    /// Gazetteer ids of polities named in the name ("Franco-Japanese" -> FRA, JPN).
    pub polities: Vec<String>,
    /// True for anaphors and generic references ("the treaty", "the First Treaty").
    pub reference: bool,
}

struct Lexicon {
    /// (canonical, may be a bare reference), parallel to the automaton.
    instruments: Vec<(&'static str, bool)>,
    /// Multi-word instrument phrases, which are names by themselves when
    /// capitalised ("Reciprocal Access Agreement").
    ac: Option<AhoCorasick>,
    /// The same search as `ac`, without a step per byte (`None` if the
    /// patterns do not allow it; `ac` then searches).
    fast: Option<crate::trie::FoldedFinder>,
    subjects: gazetteer::FxSet<&'static str>,
}

static LEXICON: LazyLock<Lexicon> = LazyLock::new(|| {
    let mut patterns = Vec::new();
    let mut instruments = Vec::new();
    for (_, l) in gazetteer::data_lines(INSTRUMENTS) {
        let mut f = l.split('\t');
        let (Some(w), Some(c)) = (f.next(), f.next()) else {
            continue;
        };
        patterns.push(w.trim());
        instruments.push((c.trim(), f.next().map(str::trim) == Some("yes")));
    }
    let ac = AhoCorasick::builder()
        .match_kind(MatchKind::LeftmostLongest)
        .ascii_case_insensitive(true)
        .kind(Some(aho_corasick::AhoCorasickKind::DFA))
        .start_kind(aho_corasick::StartKind::Both)
        .build(&patterns)
        .ok();
    let fast = crate::trie::FoldedFinder::new(&patterns);
    let subjects = gazetteer::data_lines(SUBJECTS)
        .map(|(_, l)| l.trim())
        .collect();
    Lexicon {
        instruments,
        ac,
        fast,
        subjects,
    }
});

/// Capitalised words that may stand inside a name although they are not names
/// by themselves ("Second", "Peace", "Union").
const IN_NAME: [&str; 31] = [
    "First",
    "Second",
    "Third",
    "Fourth",
    "Fifth",
    "Sixth",
    "Seventh",
    "Eighth",
    "Ninth",
    "Tenth",
    "Peace",
    "Union",
    "North",
    "South",
    "East",
    "West",
    "Northern",
    "Southern",
    "Eastern",
    "Western",
    "Central",
    "Great",
    "New",
    "Federal",
    "National",
    "International",
    "Imperial",
    "Allied",
    "Republic",
    "State",
    "Nations",
];

/// Lowercase words that may join the parts of a name on the right ("Treaty
/// of Peace and Amity", "Treaty on the Final Settlement"). "with" is left out:
/// "the Treaty with Germany" names a party, not the treaty.
const CONNECTORS: [&str; 11] = [
    "of",
    "on",
    "and",
    "the",
    "for",
    "to",
    "concerning",
    "regarding",
    "respecting",
    "de",
    "du",
];

/// Words before a bare instrument that make it a reference to one agreement.
const DETERMINERS: [&str; 8] = [
    "the", "this", "that", "these", "those", "said", "its", "their",
];

/// Ordinal words and their numbers, in lower case.
const ORDINALS: [(&str, &str, u32); 10] = [
    ("first", "1st", 1),
    ("second", "2nd", 2),
    ("third", "3rd", 3),
    ("fourth", "4th", 4),
    ("fifth", "5th", 5),
    ("sixth", "6th", 6),
    ("seventh", "7th", 7),
    ("eighth", "8th", 8),
    ("ninth", "9th", 9),
    ("tenth", "10th", 10),
];

fn ordinal(word: &str) -> Option<u32> {
    // Compared without a lowercased copy: this runs for every word the
    // name grows over, and most words are no ordinal (wrong length).
    if !(3..=7).contains(&word.len()) {
        return None;
    }
    ORDINALS
        .iter()
        .find(|(w, n, _)| word.eq_ignore_ascii_case(w) || word.eq_ignore_ascii_case(n))
        .map(|&(_, _, k)| k)
}

fn year(word: &str) -> Option<i32> {
    if word.len() != 4 || !word.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    word.parse().ok().filter(|y| (1000..=2100).contains(y))
}

fn capitalised(word: &str) -> bool {
    word.chars().next().is_some_and(char::is_uppercase)
}

/// A capitalised word that can be part of a name.
fn name_word(word: &str) -> bool {
    capitalised(word) && (!is_not_name(word) || IN_NAME.contains(&word))
}

/// Gap between two tokens of one name: a space (one line break at most) or a
/// dash joining a compound ("Root–Takahira").
fn joined(text: &str, a: &Token, b: &Token) -> bool {
    let gap = text.get(a.end..b.start).unwrap_or("x");
    if gap == " " {
        return true;
    }
    if matches!(gap, "-" | "–" | "—" | "‐") {
        return true;
    }
    !gap.is_empty()
        && gap.len() <= 3
        && gap.chars().all(char::is_whitespace)
        && gap.matches('\n').count() <= 1
}

/// Finds agreement mentions in the document. Works on the whole text.
pub fn find(doc: &Document, sentences: &[Sentence]) -> Vec<Mention> {
    let _ = sentences;
    let text = &doc.text;
    find_with(text, &gazetteer().scan_shared(text), &WordBits::of(text))
}

/// [`find`] over the text's gazetteer hits and word bits, which the caller
/// already has.
pub(crate) fn find_with(text: &str, hits: &[Hit], bits: &WordBits) -> Vec<Mention> {
    // Built without the copy of each [`AgreementMention`] that `find_in` returns.
    find_raw_hits(text, hits, bits)
        .into_iter()
        .map(|(span, am, confidence)| Mention {
            span,
            kind: MentionKind::Agreement(am),
            confidence,
        })
        .collect()
}

/// Finds agreement mentions in a plain string.
///
/// ```
/// use entente_recognise::agreement;
/// let ms = agreement::find_in("The Second Russo-Japanese Agreement was secret.");
/// let a = &ms[0].1;
/// assert_eq!(a.name, "Second Russo-Japanese Agreement");
/// assert_eq!((a.ordinal, a.polities.clone()), (Some(2), vec!["RUS".to_string(), "JPN".to_string()]));
/// ```
pub fn find_in(text: &str) -> Vec<(Mention, AgreementMention)> {
    find_raw(text)
        .into_iter()
        .map(|(span, am, confidence)| {
            (
                Mention {
                    span,
                    kind: MentionKind::Agreement(am.clone()),
                    confidence,
                },
                am,
            )
        })
        .collect()
}

/// The agreement mentions of `text`: span, mention and confidence.
fn find_raw(text: &str) -> Vec<(Span, AgreementMention, f32)> {
    find_raw_hits(text, &gazetteer().scan_shared(text), &WordBits::of(text))
}

/// [`find_raw`] over the text's gazetteer hits and word bits.
fn find_raw_hits(text: &str, hits: &[Hit], bits: &WordBits) -> Vec<(Span, AgreementMention, f32)> {
    let lex = &*LEXICON;
    let Some(ac) = &lex.ac else {
        return Vec::new();
    };
    let mut out: Vec<(Span, AgreementMention, f32)> = Vec::new();
    // Acronym -> (defining mention, end of the definition).
    let mut acronyms: HashMap<String, (AgreementMention, usize)> = HashMap::new();

    // The words of the current window, one vector for all windows.
    let mut scratch: Vec<Token> = Vec::new();
    // The instrument words, leftmost-longest, without overlaps: (start,
    // end, pattern id).
    let mut by_automaton = lex.fast.is_none().then(|| ac.find_iter(text));
    let mut from = 0;
    let mut next_instrument = || {
        if let Some(it) = by_automaton.as_mut() {
            return it
                .next()
                .map(|m| (m.start(), m.end(), m.pattern().as_usize()));
        }
        let found = lex.fast.as_ref()?.next_match(text.as_bytes(), from)?;
        from = found.1;
        Some(found)
    };
    while let Some((m_start, m_end, pattern)) = next_instrument() {
        let Some(&(instrument, may_refer)) = lex.instruments.get(pattern) else {
            continue;
        };
        let head = text.get(m_start..m_end).unwrap_or("");
        let found = if head.chars().next().is_some_and(gazetteer::is_cjk) {
            cjk_name(text, hits, m_start, m_end, instrument)
        } else {
            if !gazetteer::boundary_before(text, m_start) || !gazetteer::boundary_after(text, m_end)
            {
                continue;
            }
            windowed_latin_name(
                Around {
                    text,
                    hits,
                    bits,
                    start: m_start,
                    end: m_end,
                    instrument,
                    may_refer,
                    lex,
                },
                &mut scratch,
            )
        };
        let Some((span, mut am, confidence)) = found else {
            continue;
        };
        // "Reciprocal Access Agreement (RAA)": remember the acronym.
        if let Some((acr, def_end)) = acronym_after(text, span.end) {
            am.acronym = Some(acr.to_string());
            if !am.reference {
                acronyms.insert(acr.to_string(), (am.clone(), def_end));
            }
        }
        // Keep the longer of two overlapping names.
        if let Some(last) = out.last() {
            if last.0.overlaps(&span) {
                if span.len() > last.0.len() {
                    out.pop();
                } else {
                    continue;
                }
            }
        }
        out.push((span, am, confidence));
    }

    if !acronyms.is_empty() {
        // Whether a name or an acronym already found covers a span, without
        // a scan of all of them per occurrence: names sorted by start with
        // the furthest end so far, and acronyms (at most ten bytes) by start.
        let mut names: Vec<(usize, usize)> = out.iter().map(|(s, _, _)| (s.start, s.end)).collect();
        names.sort_unstable();
        let reach: Vec<usize> = names
            .iter()
            .scan(0, |far, &(_, end)| {
                *far = end.max(*far);
                Some(*far)
            })
            .collect();
        let covered_by_name = |span: Span| {
            let k = names.partition_point(|&(start, _)| start <= span.start);
            k.checked_sub(1)
                .and_then(|k| reach.get(k))
                .is_some_and(|&far| far >= span.end)
        };
        let mut found_acronyms: std::collections::BTreeMap<usize, usize> = Default::default();
        for (acr, (am, def_end)) in &acronyms {
            for (pos, _) in text
                .get(*def_end..)
                .unwrap_or("")
                .match_indices(acr.as_str())
            {
                let span = Span::new(def_end + pos, def_end + pos + acr.len());
                if !gazetteer::boundary_before(text, span.start)
                    || !gazetteer::boundary_after(text, span.end)
                    || covered_by_name(span)
                    || found_acronyms
                        .range(span.start.saturating_sub(MAX_ACRONYM)..=span.start)
                        .any(|(_, &end)| end >= span.end)
                {
                    continue;
                }
                let end = found_acronyms.entry(span.start).or_insert(span.end);
                *end = (*end).max(span.end);
                out.push((span, am.clone(), 0.85));
            }
        }
        out.sort_by_key(|(s, _, _)| s.start);
    }
    out
}

/// How far around an instrument word a name may reach, in bytes.
const WINDOW_BEFORE: usize = 120;
const WINDOW_AFTER: usize = 240;
/// The windows tokenised in turn, smallest first, each (bytes before,
/// bytes after): a larger one is tokenised only when the name reaches the
/// smaller one's edge. The finder always reads two words to the left (the
/// word before the name, and the one before that for a determiner) but
/// rarely more than a few to the right, hence the lopsided first window.
/// Measured on generated text dense with instrument words: (40, 44) sends
/// about 8 % of the names on to the full window and costs fewer
/// instructions than (40, 80); 32 bytes before sent a quarter.
const WINDOWS: [(usize, usize); 2] = [(40, 44), (WINDOW_BEFORE, WINDOW_AFTER)];

/// An instrument word at `start..end` of `text`, with what the name
/// finder reads around it.
#[derive(Clone, Copy)]
struct Around<'a> {
    text: &'a str,
    hits: &'a [Hit],
    /// The word bits of `text`, which the windows are tokenised from.
    bits: &'a WordBits,
    start: usize,
    end: usize,
    instrument: &'a str,
    may_refer: bool,
    lex: &'a Lexicon,
}

/// [`latin_name`] over the words of a window around the instrument. A
/// smaller window gives the same answer as the full one whenever the finder
/// read no word at its edges (words inside both windows are the same words);
/// otherwise the next larger window decides, and the full one always did.
fn windowed_latin_name<'a>(
    at: Around<'a>,
    scratch: &mut Vec<Token<'a>>,
) -> Option<(Span, AgreementMention, f32)> {
    windowed_latin_name_in(at, scratch, &WINDOWS)
}

/// [`windowed_latin_name`] over the given windows, smallest first; the last
/// one decides whatever the finder reads.
fn windowed_latin_name_in<'a>(
    at: Around<'a>,
    scratch: &mut Vec<Token<'a>>,
    windows: &[(usize, usize)],
) -> Option<(Span, AgreementMention, f32)> {
    let mut reach = (usize::MAX, 0);
    let mut found = None;
    for (n, &(before, after)) in windows.iter().enumerate() {
        let (first, cut_left, cut_right) =
            window_tokens(at.text, at.bits, at.start, at.end, before, after, scratch);
        let toks = scratch.get(first..).unwrap_or(&[]);
        found = latin_name(at, toks, &mut reach);
        let at_left = cut_left && reach.0 == 0;
        let at_right = cut_right && reach.1 + 1 >= toks.len();
        if n + 1 == windows.len() || (!at_left && !at_right) {
            break;
        }
    }
    found
}

/// The words around the instrument at `start..end`: names are short, so the
/// finder tokenises a window instead of the whole text. The words go into
/// `out` (reused from window to window, which spares an allocation per
/// window); the window's words are `out[first..]`. Also says whether the
/// window was cut short of the text's start and end.
fn window_tokens<'a>(
    text: &'a str,
    bits: &WordBits,
    start: usize,
    end: usize,
    before: usize,
    after: usize,
    out: &mut Vec<Token<'a>>,
) -> (usize, bool, bool) {
    let mut from = start.saturating_sub(before);
    while from > 0 && !text.is_char_boundary(from) {
        from -= 1;
    }
    let mut to = (end + after).min(text.len());
    while to < text.len() && !text.is_char_boundary(to) {
        to += 1;
    }
    tokens_in(text, bits, from, to, out);
    // The first word may be cut by the window; it is far from the name.
    let first = usize::from(from > 0 && !out.is_empty());
    (first, from > 0, to < text.len())
}

/// The longest acronym remembered, in bytes.
const MAX_ACRONYM: usize = 10;

/// `" (RAA)"` right after a name: the acronym and the end of the parenthesis.
fn acronym_after(text: &str, end: usize) -> Option<(&str, usize)> {
    let rest = text.get(end..)?.strip_prefix(" (")?;
    // Look no further than the longest acronym: a search to the end of the
    // text for every name would make "Treaty (Treaty (…" quadratic.
    let close = rest.bytes().take(MAX_ACRONYM + 1).position(|b| b == b')')?;
    let acr = rest.get(..close)?;
    let ok = (2..=MAX_ACRONYM).contains(&acr.len())
        && acr
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '-')
        && acr.chars().filter(char::is_ascii_uppercase).count() >= 2;
    ok.then_some((acr, end + 2 + close + 1))
}

fn polities_in(hits: &[Hit], span: Span) -> Vec<String> {
    let g = gazetteer();
    let first = hits.partition_point(|h| h.span.start < span.start);
    let mut out: Vec<String> = Vec::new();
    for h in hits[first..].iter().take_while(|h| h.span.end <= span.end) {
        if let Target::Polity { idx, .. } = h.target {
            if let Some(p) = g.polities.get(idx) {
                if !out.contains(&p.id) {
                    out.push(p.id.clone());
                }
            }
        }
    }
    out
}

fn normalise(s: &str) -> String {
    // Most names are printable ASCII with single spaces: already normal.
    let simple = s.bytes().all(|c| c == b' ' || (0x21..0x80).contains(&c))
        && !s.starts_with(' ')
        && !s.ends_with(' ')
        && !s.contains("  ");
    if simple {
        return s.to_string();
    }
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A name in Latin script around the instrument `at`, read from the words
/// `toks` of a window around it.
fn latin_name(
    at: Around,
    toks: &[Token],
    reach: &mut (usize, usize),
) -> Option<(Span, AgreementMention, f32)> {
    let Around {
        text,
        hits,
        start,
        end,
        instrument,
        may_refer,
        lex,
        ..
    } = at;
    // `reach`: the lowest and highest token index read (the length when
    // a loop ran off the end), for [`windowed_latin_name`].
    *reach = (usize::MAX, 0);
    let head = text.get(start..end)?;
    let cap = capitalised(head);
    let multiword = head.contains(' ');
    // Token range of the instrument.
    let ti = toks.partition_point(|t| t.end <= start);
    let Some(tj) = toks.partition_point(|t| t.start < end).checked_sub(1) else {
        *reach = (0, toks.len());
        return None;
    };
    *reach = (ti.min(tj), ti.max(tj));
    if ti >= toks.len() || tj < ti {
        reach.1 = toks.len();
        return None;
    }
    let hit_end = |pos: usize| {
        let i = hits.partition_point(|h| h.span.start < pos);
        hits.get(i)
            .filter(|h| h.span.start == pos)
            .map(|h| h.span.end)
    };
    let is_hit_start = |pos: usize| hit_end(pos).is_some();
    let is_polity_start = |pos: usize| {
        let i = hits.partition_point(|h| h.span.start < pos);
        hits.get(i)
            .is_some_and(|h| h.span.start == pos && matches!(h.target, Target::Polity { .. }))
    };

    // Grow left over capitalised modifiers, polity compounds, ordinals and a year.
    let mut left = ti;
    let mut ord = None;
    let mut proper = cap && multiword;
    while left > 0 {
        reach.0 = reach.0.min(left - 1);
        let prev = &toks[left - 1];
        if !joined(text, prev, &toks[left]) {
            break;
        }
        let w = prev.word;
        if let Some(n) = ordinal(w) {
            // Lowercase ordinals only before a lowercase instrument ("the
            // second agreement"), capitalised ones before either.
            if !cap && capitalised(w) {
                break;
            }
            ord = Some(n);
            left -= 1;
            continue;
        }
        if year(w).is_some() {
            left -= 1;
            continue;
        }
        if cap && (name_word(w) || is_hit_start(prev.start)) {
            proper = true;
            left -= 1;
            continue;
        }
        // "the Korean treaty of 1883", "a Franco-Japanese agreement": a
        // polity before a lowercase instrument names the agreement by its
        // parties.
        if !cap && is_polity_start(prev.start) {
            proper = true;
            left -= 1;
            continue;
        }
        break;
    }
    // "North Atlantic Treaty Organization" is a body, not an agreement.
    if text
        .get(end..)
        .is_some_and(|n| n.starts_with(" Organization") || n.starts_with(" Organisation"))
    {
        return None;
    }
    // "treaty ports", "treaty powers": the instrument word is a modifier.
    if !cap {
        let next = text.get(end..).unwrap_or("");
        if ["port", "ports", "power", "powers", "system"]
            .iter()
            .any(|w| {
                next.strip_prefix(' ')
                    .is_some_and(|n| n.starts_with(w) && gazetteer::boundary_after(n, w.len()))
            })
        {
            return None;
        }
    }

    // Grow right: "of Portsmouth", "of Peace and Amity", "of 1907",
    // "Restoring Friendly Relations"; lowercase instruments only over "of"
    // and subject words ("treaty of amity and commerce").
    let mut right_end = end;
    let mut k = tj + 1;
    let mut pending = false; // a connector waits for a word to commit it
    let mut last_connector = "";
    let mut yr = None;
    reach.1 = reach.1.max(k);
    while k < toks.len() {
        reach.1 = reach.1.max(k);
        let t = &toks[k];
        let gap = text.get(toks[k - 1].end..t.start).unwrap_or("x");
        let comma = gap == ", ";
        if gap != " " && !comma {
            break;
        }
        if comma && !cap {
            break;
        }
        let w = t.word;
        // "Treaty, the United States ...": after a comma only a new name
        // word or "and" continues a list of subjects.
        if comma && CONNECTORS.contains(&w) && w != "and" {
            break;
        }
        if cap {
            if CONNECTORS.contains(&w) {
                pending = true;
                last_connector = w;
            } else if let Some(y) = year(w).filter(|_| last_connector == "of") {
                yr = Some(y);
                right_end = t.end;
                break;
            } else if let Some(he) = hit_end(t.start) {
                // A polity or place after "of"/"on"/"to" is part of the name
                // ("Treaty of Portsmouth"); after "and" or directly, it is not.
                if !pending || matches!(last_connector, "and") {
                    break;
                }
                right_end = he;
                pending = false;
                last_connector = "";
                reach.1 = reach.1.max(k + 1);
                while k + 1 < toks.len() && toks[k + 1].start < he {
                    reach.1 = reach.1.max(k + 2);
                    k += 1;
                }
            } else if name_word(w) && lex_instrument_at(lex, text, t.start).is_none() {
                right_end = t.end;
                pending = false;
                last_connector = "";
            } else {
                break;
            }
        } else if matches!(w, "of" | "and") {
            pending = true;
            last_connector = w;
        } else if lex.subjects.contains(w) && pending {
            right_end = t.end;
            pending = false;
            proper = true;
        } else if let Some(y) = year(w).filter(|_| last_connector == "of") {
            yr = Some(y);
            right_end = t.end;
            break;
        } else {
            break;
        }
        k += 1;
    }
    reach.1 = reach.1.max(k);
    if cap && right_end > end {
        proper = true;
    }
    let name_start = toks[left].start;
    let span = Span::new(name_start, right_end);
    let raw = span.slice(text);

    // A bare instrument is a reference when a determiner comes before it
    // ("the treaty", "the First Treaty"); "a treaty" alone names nothing.
    let reference = !proper;
    if reference {
        reach.0 = reach.0.min(left.saturating_sub(1));
        let det = left
            .checked_sub(1)
            .and_then(|i| toks.get(i))
            .filter(|d| joined(text, d, &toks[left]))
            .map(|d| d.word);
        // The lists are in lower case: compared without a lowercased copy.
        let det_ok = det.is_some_and(|d| DETERMINERS.iter().any(|x| d.eq_ignore_ascii_case(x)));
        let indefinite =
            det.is_some_and(|d| d.eq_ignore_ascii_case("a") || d.eq_ignore_ascii_case("an"));
        if !(may_refer && det_ok) && !(multiword && (det_ok || indefinite)) {
            return None;
        }
    }
    let year = yr.or_else(|| {
        toks[left..]
            .iter()
            .take_while(|t| t.end <= right_end)
            .find_map(|t| year(t.word))
    });
    let confidence = if reference { 0.6 } else { 0.85 };
    Some((
        span,
        AgreementMention {
            name: normalise(raw),
            instrument: instrument.to_string(),
            acronym: None,
            ordinal: ord,
            year,
            polities: polities_in(hits, span),
            reference,
        },
        confidence,
    ))
}

fn lex_instrument_at(lex: &Lexicon, text: &str, pos: usize) -> Option<usize> {
    if let Some(fast) = &lex.fast {
        let (_, end) = fast.longest_at(text.as_bytes(), pos)?;
        return gazetteer::boundary_after(text, end).then_some(end);
    }
    let ac = lex.ac.as_ref()?;
    let input = aho_corasick::Input::new(text)
        .range(pos..)
        .anchored(aho_corasick::Anchored::Yes);
    let m = ac.try_find(input).ok().flatten()?;
    gazetteer::boundary_after(text, m.end()).then_some(m.end())
}

/// A Japanese name: polity forms right before the instrument (日露協約), with an
/// optional ordinal (第二次日露協約).
fn cjk_name(
    text: &str,
    hits: &[Hit],
    start: usize,
    end: usize,
    instrument: &str,
) -> Option<(Span, AgreementMention, f32)> {
    let mut name_start = start;
    let mut i = hits.partition_point(|h| h.span.end <= start);
    while i > 0 {
        let h = &hits[i - 1];
        if h.span.end != name_start || !matches!(h.target, Target::Polity { .. }) {
            break;
        }
        name_start = h.span.start;
        i -= 1;
    }
    if name_start == start {
        return None;
    }
    // 第一次 .. 第四次: the ordinal of a series.
    let mut ordinal = None;
    let before = text.get(..name_start).unwrap_or("");
    for (n, numeral) in ["一", "二", "三", "四", "五"].iter().enumerate() {
        let prefix = format!("第{numeral}次");
        if before.ends_with(&prefix) {
            ordinal = Some(n as u32 + 1);
            name_start -= prefix.len();
        }
    }
    let span = Span::new(name_start, end);
    Some((
        span,
        AgreementMention {
            name: span.slice(text).to_string(),
            instrument: instrument.to_string(),
            acronym: None,
            ordinal,
            year: None,
            polities: polities_in(hits, span),
            reference: false,
        },
        0.85,
    ))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn data_file_examples() {
        let mut n = 0;
        for (input, expected) in gazetteer::examples(INSTRUMENTS) {
            let ms = find_in(input);
            let wants: Vec<&str> = expected.split(" ;; ").collect();
            assert_eq!(ms.len(), wants.len(), "example: {input}: {ms:#?}");
            for ((_, a), want) in ms.iter().zip(wants) {
                let mut parts = want.split(" | ");
                assert_eq!(a.name, parts.next().unwrap(), "example: {input}");
                for part in parts {
                    let (k, v) = part.split_once(' ').unwrap();
                    let got = match k {
                        "instrument" => a.instrument.clone(),
                        "year" => a.year.map(|y| y.to_string()).unwrap_or_default(),
                        "ordinal" => a.ordinal.map(|y| y.to_string()).unwrap_or_default(),
                        "polities" => a.polities.join(" "),
                        "acronym" => a.acronym.clone().unwrap_or_default(),
                        "reference" => a.reference.to_string(),
                        _ => panic!("unknown key {k}"),
                    };
                    assert_eq!(got, v, "example: {input} ({k})");
                }
            }
            n += 1;
        }
        assert!(n >= 10);
        for (input, expected) in gazetteer::examples(SUBJECTS) {
            assert_eq!(find_in(input)[0].1.name, expected);
        }
    }

    #[test]
    fn named_agreements_are_not_references() {
        for text in [
            "the Treaty of Amity and Commerce",
            "the Treaty of Peace and Amity",
            "the Japanese Peace Treaty",
            "the Burlingame Treaty",
            "the Consular Convention",
        ] {
            let ms = find_in(text);
            assert_eq!(ms.len(), 1, "{text}");
            assert!(!ms[0].1.reference, "{text}");
            assert_eq!(ms[0].1.name, text.trim_start_matches("the "), "{text}");
        }
    }

    #[test]
    fn lowercase_names_with_parties() {
        let ms = find_in("the Korean treaty of 1883 and the treaty ports");
        assert_eq!(ms.len(), 1, "{ms:?}");
        assert_eq!(ms[0].1.name, "Korean treaty of 1883");
        assert_eq!(ms[0].1.polities, ["KOE"]);
        assert_eq!(ms[0].1.year, Some(1883));
        assert!(!ms[0].1.reference);
        let ms = find_in("the second Russo-Japanese agreement");
        assert_eq!(ms[0].1.ordinal, Some(2));
        assert_eq!(ms[0].1.polities, ["RUS", "JPN"]);
    }

    #[test]
    fn parties_after_and_are_not_in_the_name() {
        let ms = find_in("the Treaty of Amity with the United States");
        assert_eq!(ms[0].1.name, "Treaty of Amity");
        let ms = find_in("the Charter of the United Nations");
        assert_eq!(ms[0].1.name, "Charter of the United Nations");
        let ms = find_in("the Treaty on the Final Settlement with Germany");
        assert_eq!(ms[0].1.name, "Treaty on the Final Settlement");
        assert!(find_in("the North Atlantic Treaty Organization").is_empty());
        let ms = find_in("the Treaty, the United States said");
        assert!(ms[0].1.reference);
        let ms = find_in("the Treaty of the United States and Spain");
        assert_eq!(ms[0].1.name, "Treaty of the United States");
        let ms = find_in("the Treaty of Portsmouth and Japan");
        assert_eq!(ms[0].1.name, "Treaty of Portsmouth");
        let ms = find_in("a treaty between Japan and Korea");
        assert!(ms.is_empty(), "{ms:?}");
    }

    /// `windowed_latin_name_in` over `windows` for every instrument.
    fn name_in_windows(
        text: &str,
        hits: &[Hit],
        windows: &[(usize, usize)],
    ) -> Vec<Option<(Span, AgreementMention, f32)>> {
        let lex = &*LEXICON;
        let bits = WordBits::of(text);
        let mut scratch = Vec::new();
        let mut out = Vec::new();
        let mut from = 0;
        while let Some((start, end, pattern)) =
            lex.fast.as_ref().unwrap().next_match(text.as_bytes(), from)
        {
            from = end;
            let (instrument, may_refer) = lex.instruments[pattern];
            let at = Around {
                text,
                hits,
                bits: &bits,
                start,
                end,
                instrument,
                may_refer,
                lex,
            };
            out.push(windowed_latin_name_in(at, &mut scratch, windows));
        }
        out
    }

    proptest::proptest! {
        /// Names read from small windows (the cascade `WINDOWS`, and tiny
        /// ones that nearly always fall back) are the names read from the
        /// full window alone, on salads of name words, connectors,
        /// determiners, years, polities and instruments.
        #[test]
        fn window_cascade_agrees_with_the_full_window(
            picks in proptest::collection::vec((0usize..40, 0usize..5), 0..40),
        ) {
            let words = [
                "Treaty", "treaty", "Agreement", "Convention", "Protocol", "Pact", "of", "and",
                "on", "the", "The", "a", "First", "second", "1907", "Portsmouth", "Japan",
                "Russo-Japanese", "French", "Amity", "Commerce", "Peace", "Friendship",
                "Organization", "ports", "signed", "was", "in", "Vienna", "Hayashi", "RAA",
                "Reciprocal", "Access", "exchange", "notes", "Entente", "Cordiale", "North",
                "Atlantic", "amity",
            ];
            let mut text = String::new();
            for (w, sep) in picks {
                text.push_str(words[w % words.len()]);
                text.push_str([" ", " ", ", ", ". ", "\n\n"][sep]);
            }
            let hits = gazetteer().scan(&text);
            let want = name_in_windows(&text, &hits, &[(WINDOW_BEFORE, WINDOW_AFTER)]);
            for windows in [&WINDOWS[..], &[(4, 6), (10, 12), (WINDOW_BEFORE, WINDOW_AFTER)][..]] {
                let got = name_in_windows(&text, &hits, windows);
                proptest::prop_assert_eq!(&got, &want, "{:?} {:?}", text, windows);
            }
        }
    }

    proptest::proptest! {
        /// The instrument search without the automaton finds what the
        /// automaton finds, on salads of the lexicon's own words in mixed
        /// case, cut, glued and spaced, and answers the anchored look-up
        /// the same at every position.
        #[test]
        fn instrument_search_agrees_with_the_automaton(
            picks in proptest::collection::vec((0usize..1000, 0usize..14, 0usize..6, proptest::prelude::any::<u8>()), 0..25),
        ) {
            let lex = &*LEXICON;
            let fast = lex.fast.as_ref().unwrap();
            let ac = lex.ac.as_ref().unwrap();
            let words: Vec<&str> = gazetteer::data_lines(INSTRUMENTS)
                .filter_map(|(_, l)| l.split('\t').next())
                .chain(["retreaty", "impact", "the", "of", "Ententes"])
                .collect();
            let mut hay = String::new();
            for (i, cut, sep, case) in picks {
                let p = words[i % words.len()];
                let mut end = cut.clamp(1, p.len());
                while !p.is_char_boundary(end) {
                    end += 1;
                }
                let piece = if cut >= 10 { p } else { &p[..end] };
                for (j, c) in piece.chars().enumerate() {
                    if case >> (j % 8) & 1 == 1 {
                        hay.push(c.to_ascii_uppercase());
                    } else {
                        hay.push(c);
                    }
                }
                hay.push_str(["", " ", "s ", "-", "é", " of "][sep]);
            }
            let want: Vec<(usize, usize, usize)> = ac
                .find_iter(&hay)
                .map(|m| (m.start(), m.end(), m.pattern().as_usize()))
                .collect();
            let mut got = Vec::new();
            let mut from = 0;
            while let Some(m) = fast.next_match(hay.as_bytes(), from) {
                got.push(m);
                from = m.1;
            }
            proptest::prop_assert_eq!(want, got, "{:?}", hay);
            for at in (0..hay.len()).filter(|&i| hay.is_char_boundary(i)) {
                let input = aho_corasick::Input::new(&hay)
                    .range(at..)
                    .anchored(aho_corasick::Anchored::Yes);
                let want = ac.try_find(input).unwrap().map(|m| (m.pattern().as_usize(), m.end()));
                proptest::prop_assert_eq!(fast.longest_at(hay.as_bytes(), at), want, "{:?} at {}", hay, at);
            }
        }
    }

    /// The ordinal test without a lowercased copy agrees with matching the
    /// lowercased word, on the ordinals in mixed case and on near misses.
    #[test]
    fn ordinals_in_any_case() {
        let slow = |w: &str| -> Option<u32> {
            let l = w.to_ascii_lowercase();
            ORDINALS
                .iter()
                .find(|(a, b, _)| l == *a || l == *b)
                .map(|&(_, _, n)| n)
        };
        let mut words = vec![
            "", "firs", "firstly", "1st.", "Sëcond", "10TH", "11th", "ab",
        ];
        let cased: Vec<String> = ORDINALS
            .iter()
            .flat_map(|(a, b, _)| {
                [
                    a.to_uppercase(),
                    a.to_string(),
                    b.to_uppercase(),
                    capital(a),
                ]
            })
            .collect();
        words.extend(cased.iter().map(String::as_str));
        for w in words {
            assert_eq!(ordinal(w), slow(w), "{w}");
        }
        assert_eq!(ordinal("SECOND"), Some(2));
        assert_eq!(ordinal("Tenth"), Some(10));
        assert_eq!(ordinal("10th"), Some(10));
    }

    fn capital(w: &str) -> String {
        let mut c = w.chars();
        c.next()
            .map(|f| f.to_uppercase().chain(c).collect())
            .unwrap_or_default()
    }

    #[test]
    fn normalise_fast_path_agrees() {
        for s in [
            "Treaty of Portsmouth",
            " Treaty",
            "Treaty ",
            "Treaty  of",
            "Treaty\nof",
            "Traité\u{a0}de Paris",
            "",
            "a",
        ] {
            let slow = s.split_whitespace().collect::<Vec<_>>().join(" ");
            assert_eq!(normalise(s), slow, "{s:?}");
        }
    }

    #[test]
    fn odd_input_does_not_panic() {
        let _ = find_in("");
        let _ = find_in("Treaty");
        let _ = find_in(" (RAA)");
        let _ = find_in("Agreement (RAA");
        let _ = find_in(&"the Treaty of ".repeat(2000));
        let _ = find_in("第二次協約");
    }
}
