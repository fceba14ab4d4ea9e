//! A fallback finder for agreement names and anaphors, used when the
//! recogniser gives no agreement mentions for a document (it is being written
//! concurrently). Capitalised runs that contain an instrument word are names
//! ("Treaty of Amity and Commerce", "Root–Takahira Agreement of 1908");
//! "the treaty" and "the First Treaty" are anaphors.

use crate::rules::{anchored_matches, code_meta, code_regex, has_ascii_fold, Words};
use entente_recognise::agreement::AgreementMention;
use entente_recognise::dates::MONTHS;
use entente_recognise::{Mention, MentionKind};
use entente_source::Span;
use regex::Regex;
use regex_automata::meta;
use std::sync::OnceLock;

const INSTRUMENTS: &str = include_str!("../../../data/rules/instruments.tsv");

/// Words that start a sentence or clause but never a name.
const STOP: [&str; 22] = [
    "The", "A", "An", "In", "On", "At", "After", "Before", "By", "With", "This", "That", "These",
    "Under", "When", "While", "Its", "Their", "His", "Her", "Both", "Under",
];

const ORDINALS: [&str; 10] = [
    "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth",
];

struct Finder {
    name: Regex,
    anaphor: Regex,
    /// "the 1901 Hay-Pauncefote treaty", "an 1883 commercial treaty with
    /// Korea": a year-led description, dated by its year.
    dated: Regex,
    /// The same three patterns for anchored searches at the few places
    /// where a match can start (see [`Windows`]).
    name_at: meta::Regex,
    anaphor_at: meta::Regex,
    dated_at: meta::Regex,
    /// (singular, plural) instrument words.
    instruments: Vec<(String, String)>,
    /// The instrument words with a capital, as the name pattern has them.
    caps: Vec<String>,
    /// Every instrument word (singular, plural), ASCII-case-insensitively:
    /// one pass over a paragraph says whether the patterns can match.
    words: Words,
}

/// Compiles the finder's patterns (see [`crate::prepare`]).
pub(crate) fn prepare() {
    finder();
}

fn finder() -> Option<&'static Finder> {
    static F: OnceLock<Option<Finder>> = OnceLock::new();
    F.get_or_init(|| {
        let instruments: Vec<(String, String)> = INSTRUMENTS
            .lines()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
            .filter_map(|l| {
                let mut c = l.split('\t');
                // Lower-case, as the comparisons with words of a name
                // (`lower_is`) need.
                Some((c.next()?.trim().to_lowercase(), c.next()?.trim().to_lowercase()))
            })
            .collect();
        let words: Vec<String> = instruments
            .iter()
            .flat_map(|(s, p)| [s.clone(), p.clone()])
            .collect();
        let inst = words.join("|");
        // A capitalised word; a full stop only inside an abbreviation
        // ("U.S."), never at a sentence end ("... Reciprocity. This").
        let cap = r"[A-Z\p{Lu}](?:(?:\.[A-Z\p{Lu}])+\.?|[\p{L}'’]*)(?:[-–][A-Z\p{Lu}]?[\p{L}'’]*)*";
        let conn = r"(?:of|on|for|and|the|to|with|between|Respect|de|d'|del|Plus)";
        // Capitalised words (and connectors) around a capitalised instrument.
        let name = format!(
            r"(?x)(?:{cap}\s+)*(?i:{inst})\b(?:\s+(?:{conn}\s+)*{cap}(?:,?\s+(?:{conn}\s+)*{cap})*)?(?:\s+of\s+\d{{4}})?"
        );
        let name = name.replace("(?i:", "(?:");
        // Instruments capitalised for the name pattern.
        let caps: Vec<String> = words
            .iter()
            .map(|w| {
                let mut c = w.chars();
                c.next()
                    .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
                    .unwrap_or_default()
            })
            .collect();
        let name = name.replace(&inst, &caps.join("|"));
        // Only a capitalised ordinal makes a series anaphor: "the First
        // Treaty" is a member, "the first treaty Korea signed" is not.
        let ords: Vec<String> = ORDINALS
            .iter()
            .map(|o| {
                let mut c = o.chars();
                c.next()
                    .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
                    .unwrap_or_default()
            })
            .collect();
        let ords = ords.join("|");
        let anaphor = format!(r"\b(?i:the|this|that|its)\s+(?:({ords})\s+)?((?i:{inst}))\b");
        let dated = format!(
            r"\b(\d{{4}})\s+((?:{cap}\s+)*(?:[a-z]+\s+)?(?i:{inst}))\b(?:\s+with\s+(?:the\s+)?{cap}(?:\s+{cap})*)?"
        );
        let words_ac = Words::new(&words)?;
        Some(Finder {
            words: words_ac,
            dated: code_regex(&dated)?,
            name: code_regex(&name)?,
            anaphor: code_regex(&anaphor)?,
            dated_at: code_meta(&dated)?,
            name_at: code_meta(&name)?,
            anaphor_at: code_meta(&anaphor)?,
            instruments,
            caps,
        })
    })
    .as_ref()
}

fn ordinal(w: &str) -> Option<u32> {
    let w = Lower::new(w);
    ORDINALS
        .iter()
        .position(|o| w.is(o))
        .and_then(|i| u32::try_from(i + 1).ok())
}

/// A word to compare, lower-cased, with lower-case words: an ASCII word is
/// compared ignoring ASCII case, with no lower-cased copy (this runs for
/// every word of every name); any other is lower-cased once.
enum Lower<'a> {
    Ascii(&'a str),
    Folded(String),
}

impl<'a> Lower<'a> {
    fn new(w: &'a str) -> Lower<'a> {
        if w.is_ascii() {
            Lower::Ascii(w)
        } else {
            Lower::Folded(w.to_lowercase())
        }
    }

    /// Whether the word lower-cased is `lower` (a lower-case word).
    fn is(&self, lower: &str) -> bool {
        match self {
            Lower::Ascii(w) => w.eq_ignore_ascii_case(lower),
            Lower::Folded(w) => w == lower,
        }
    }
}

/// "the Yalta Agreement of February 1945": a month ends a name.
pub(crate) fn cut_month(s: &str) -> &str {
    // The first space that starts " of|on|in <Month>": one walk over the
    // spaces, where a search per month and preposition built 36 strings per
    // name (4 % of an ingest in the issue 7 profile).
    let month_at = |i: usize| {
        let rest = s.get(i..).unwrap_or("");
        [" of ", " on ", " in "].iter().any(|p| {
            rest.strip_prefix(p)
                .is_some_and(|r| MONTHS.iter().any(|m| r.starts_with(m)))
        })
    };
    match s.match_indices(' ').map(|(i, _)| i).find(|&i| month_at(i)) {
        Some(i) => s.get(..i).unwrap_or(s),
        None => s,
    }
}

/// A name without its trailing party phrase ("Naturalization Treaty with
/// the Kingdom of Bavaria" -> "Naturalization Treaty"), for identity.
pub(crate) fn without_party_phrase(s: &str) -> &str {
    // The first space that starts either phrase: one walk over the spaces,
    // where a substring search per phrase built a searcher each time (this
    // runs for every agreement mention).
    let starts_phrase = |i: usize| {
        let rest = s.get(i..).unwrap_or("");
        rest.starts_with(" with ") || rest.starts_with(" between ")
    };
    match s
        .match_indices(' ')
        .map(|(i, _)| i)
        .find(|&i| starts_phrase(i))
    {
        Some(i) => s.get(..i).unwrap_or(s),
        None => s,
    }
}

/// A name with nothing else known: no acronym, ordinal, year or polities.
fn named(name: String, instrument: String) -> AgreementMention {
    AgreementMention {
        name,
        instrument,
        acronym: None,
        ordinal: None,
        year: None,
        polities: Vec::new(),
        reference: false,
    }
}

fn agreement_mention(span: Span, a: AgreementMention, confidence: f32) -> Mention {
    Mention {
        span,
        kind: MentionKind::Agreement(a),
        confidence,
    }
}

/// Where the three patterns can start in one text, read off the instrument
/// words in it.
///
/// Every match of every pattern holds an instrument word, and only a few
/// words stand before it in a match: capitalised words for a name ("Root–
/// Takahira Agreement"), a year and such words for a dated description ("the
/// 1901 Hay-Pauncefote treaty"), an article and an ordinal for an anaphor
/// ("the First Treaty"). So the places a match can start are found by
/// walking back a few words from each instrument word, and each pattern runs
/// anchored there instead of over the whole paragraph, which cost a tenth
/// of extraction. The places are a superset of the real starts; the
/// patterns still decide, so the matches are those of a search over the
/// whole text.
struct Windows {
    /// Possible starts of a name: every capital letter in the run of
    /// capitalised words before a capitalised instrument word, and the word
    /// itself.
    name: Vec<usize>,
    /// Possible starts of a dated description: every digit in the words
    /// before an instrument word, back to the first word without a capital
    /// after the word right before it.
    dated: Vec<usize>,
    /// Possible starts of an anaphor: every "t" or "i" in the two words
    /// before an instrument word.
    anaphor: Vec<usize>,
}

/// The whitespace-separated words before byte `at` of `text`, last first,
/// as (start, word); none when `at` does not follow whitespace, since every
/// pattern puts whitespace before its instrument word.
fn words_before(text: &str, at: usize) -> impl Iterator<Item = (usize, &str)> {
    let before = text.get(..at).unwrap_or("");
    let spaced = before.ends_with(char::is_whitespace);
    let head = if spaced { before } else { "" };
    head.split_whitespace()
        .rev()
        .map(move |w| (w.as_ptr() as usize - head.as_ptr() as usize, w))
}

impl Windows {
    /// The places for the instrument words `found` in `text` (start, end,
    /// and whether capitalised as a name has it). `None` when the words
    /// cannot show every place: a text with a character that folds to an
    /// ASCII letter, which the case-insensitive patterns match but the
    /// ASCII-folding word pass does not see.
    fn new(found: &[(usize, bool)], text: &str) -> Option<Windows> {
        if has_ascii_fold(text) {
            return None;
        }
        let mut w = Windows {
            name: Vec::new(),
            dated: Vec::new(),
            anaphor: Vec::new(),
        };
        let at = |out: &mut Vec<usize>, start: usize, word: &str, keep: fn(char) -> bool| {
            out.extend(
                word.char_indices()
                    .filter(|&(_, c)| keep(c))
                    .map(|(i, _)| start + i),
            );
        };
        for &(q, capitalised) in found {
            if capitalised {
                w.name.push(q);
                for (start, word) in words_before(text, q) {
                    if !word.chars().any(char::is_uppercase) {
                        break;
                    }
                    at(&mut w.name, start, word, char::is_uppercase);
                }
            }
            // Year, capitalised words, then at most one lower-case word
            // before the instrument.
            for (i, (start, word)) in words_before(text, q).enumerate() {
                at(&mut w.dated, start, word, char::is_numeric);
                if i > 0 && !word.chars().any(char::is_uppercase) {
                    break;
                }
            }
            for (start, word) in words_before(text, q).take(2) {
                at(&mut w.anaphor, start, word, |c| {
                    matches!(c, 't' | 'T' | 'i' | 'I')
                });
            }
        }
        for v in [&mut w.name, &mut w.dated, &mut w.anaphor] {
            v.sort_unstable();
            v.dedup();
        }
        Some(w)
    }
}

/// The matches of a pattern in `text`, as `plain.find_iter` gives them:
/// with `starts`, an anchored search at each possible start in turn (one
/// inside the previous match is skipped, as `find_iter` resumes after a
/// match); without, the plain search.
fn matches_at(
    at: &meta::Regex,
    plain: &Regex,
    starts: Option<&[usize]>,
    text: &str,
) -> Vec<(usize, usize)> {
    let Some(starts) = starts else {
        return plain
            .find_iter(text)
            .map(|m| (m.start(), m.end()))
            .collect();
    };
    // The patterns need an instrument word: never empty.
    anchored_matches(at, starts.iter().copied(), text)
}

/// Where the instrument words of `text` start, and whether each is
/// capitalised as the name pattern has it ("Treaty"). `None` if the word
/// search could not finish: then the patterns must run everywhere.
fn instrument_words(f: &Finder, text: &str) -> Option<Vec<(usize, bool)>> {
    let mut out = Vec::new();
    let complete = f.words.each(text, |w, start, end| {
        let cap = f.caps.get(w).map(String::as_str);
        out.push((start, text.get(start..end) == cap));
    });
    complete.then_some(out)
}

/// Agreement mentions in `text` (offsets shifted by `base`), names first,
/// then anaphors that do not overlap a name.
pub fn find(text: &str, base: usize) -> Vec<Mention> {
    let Some(f) = finder() else { return Vec::new() };
    // Most paragraphs name no instrument: one pass for the instrument words
    // is far cheaper than the patterns. The name pattern needs one with a
    // capital ("Treaty"), the dated one a digit: without them the costly
    // searches cannot match.
    let found = instrument_words(f, text);
    if found.as_ref().is_some_and(Vec::is_empty) {
        return Vec::new();
    }
    let capitalised = found.as_ref().is_none_or(|f| f.iter().any(|x| x.1));
    let windows = found.as_ref().and_then(|found| Windows::new(found, text));
    // One pattern's matches, when its gate lets it run: anchored at the
    // pattern's places in `windows`, or over the whole text without them.
    let search = |run: bool, at: &meta::Regex, plain: &Regex, places: fn(&Windows) -> &[usize]| {
        if run {
            matches_at(at, plain, windows.as_ref().map(places), text)
        } else {
            Vec::new()
        }
    };
    let mut out: Vec<Mention> = Vec::new();
    let names = search(capitalised, &f.name_at, &f.name, |w| &w.name);
    for (m_start, m_end) in names {
        let whole = text.get(m_start..m_end).unwrap_or("");
        let mut s = whole;
        let mut start = m_start;
        // Drop leading stop words ("The Treaty of X" -> "Treaty of X").
        loop {
            let first = s.split_whitespace().next().unwrap_or("");
            if STOP.contains(&first) && s.len() > first.len() {
                let skip = s.find(first).unwrap_or(0) + first.len();
                let rest = s.get(skip..).unwrap_or("");
                let trimmed = rest.trim_start();
                start += skip + (rest.len() - trimmed.len());
                s = trimmed;
            } else {
                break;
            }
        }
        let mut s = s.trim_end_matches([',', '.']);
        s = cut_month(s);
        let words: Vec<&str> = s.split_whitespace().collect();
        let Some(singular) = words.iter().find_map(|w| {
            let w = Lower::new(w);
            f.instruments
                .iter()
                .find(|(a, b)| w.is(a) || w.is(b))
                .map(|x| x.0.clone())
        }) else {
            continue;
        };
        let ord = words.first().and_then(|w| ordinal(w));
        // A bare instrument ("Treaty") or ordinal + instrument ("First
        // Treaty") is an anaphor, not a name.
        let bare = words.len() == 1 || (words.len() == 2 && ord.is_some());
        let year = s
            .rsplit(' ')
            .next()
            .filter(|y| y.len() == 4 && y.bytes().all(|b| b.is_ascii_digit()))
            .and_then(|y| y.parse().ok())
            .or_else(|| {
                // "Alliance (1902)"
                let after = text.get(m_end..)?;
                let y = after.strip_prefix(" (")?.get(..5)?;
                y.ends_with(')').then(|| y.get(..4)?.parse().ok()).flatten()
            });
        out.push(agreement_mention(
            Span::new(base + start, base + start + s.len()),
            AgreementMention {
                ordinal: ord,
                year: if bare { None } else { year },
                reference: bare,
                ..named(s.to_string(), singular)
            },
            if bare { 0.6 } else { 0.7 },
        ));
    }
    let digits = text.bytes().any(|b| b.is_ascii_digit());
    let dated = search(digits, &f.dated_at, &f.dated, |w| &w.dated);
    // The groups of each match: a search from its start finds that match
    // again, as it is the leftmost one from there.
    for c in dated
        .iter()
        .filter_map(|&(s, _)| f.dated.captures_at(text, s))
    {
        let (Some(all), Some(y)) = (c.get(0), c.get(1)) else {
            continue;
        };
        let span = Span::new(base + all.start(), base + all.end());
        if out.iter().any(|x| x.span.overlaps(&span)) {
            continue;
        }
        let inst = c
            .get(2)
            .and_then(|h| h.as_str().split_whitespace().last())
            .map(str::to_lowercase)
            .unwrap_or_default();
        // A plural ("the 1858 treaties") names several.
        if f.instruments.iter().any(|(_, p)| *p == inst) {
            continue;
        }
        let name = all
            .as_str()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        out.push(agreement_mention(
            span,
            AgreementMention {
                year: y.as_str().parse().ok(),
                ..named(name, inst)
            },
            0.6,
        ));
    }
    let anaphors = search(true, &f.anaphor_at, &f.anaphor, |w| &w.anaphor);
    for c in anaphors
        .iter()
        .filter_map(|&(s, _)| f.anaphor.captures_at(text, s))
    {
        let Some(m) = c.get(0) else { continue };
        let span = Span::new(base + m.start(), base + m.end());
        if out.iter().any(|x| x.span.overlaps(&span)) {
            continue;
        }
        let inst = c
            .get(2)
            .map(|x| x.as_str().to_lowercase())
            .unwrap_or_default();
        // Plural anaphors ("the treaties") name a series, not one agreement.
        if f.instruments.iter().any(|(_, p)| *p == inst) {
            continue;
        }
        out.push(agreement_mention(
            span,
            AgreementMention {
                ordinal: c.get(1).and_then(|o| ordinal(o.as_str())),
                reference: true,
                ..named(m.as_str().to_string(), inst)
            },
            0.6,
        ));
    }
    out.sort_by_key(|m| m.span.start);
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Every pattern, searched only where [`Windows`] says a match can
    /// start, against the same pattern over the whole text.
    fn assert_windows_agree(text: &str) {
        let f = finder().unwrap();
        let Some(w) = Windows::new(&instrument_words(f, text).unwrap(), text) else {
            // Only a character that folds to an ASCII letter disables them.
            assert!(has_ascii_fold(text));
            return;
        };
        for (at, plain, starts) in [
            (&f.name_at, &f.name, &w.name),
            (&f.dated_at, &f.dated, &w.dated),
            (&f.anaphor_at, &f.anaphor, &w.anaphor),
        ] {
            assert_eq!(
                matches_at(at, plain, Some(starts), text),
                matches_at(at, plain, None, text),
                "{} on {text:?}",
                plain.as_str()
            );
        }
    }

    #[test]
    fn a_party_phrase_ends_a_name() {
        let cases = [
            (
                "Naturalization Treaty with the Kingdom of Bavaria",
                "Naturalization Treaty",
            ),
            ("Convention between X and Y with Z", "Convention"),
            ("Treaty of Commerce with", "Treaty of Commerce with"),
            ("Treaty  with Spain", "Treaty "),
            ("Treaty of Withdrawal", "Treaty of Withdrawal"),
            ("", ""),
        ];
        for (name, want) in cases {
            assert_eq!(without_party_phrase(name), want, "{name:?}");
        }
    }

    #[test]
    fn windows_find_what_the_whole_text_search_finds() {
        for text in [
            "The Treaty of Paris (1898) and the First Treaty.",
            "an 1883 commercial treaty with Korea; the 1901 Hay-Pauncefote Treaty",
            "McKinley's U.S.-Spanish Peace Protocol of August 1898",
            "(the Second Agreement) xTreaty of Ghent, its protocol",
            "In 1907 Franco–Japanese Treaty\n\nThe Agreement",
            "1907 treaties; that Convention; this alliance",
            "Some Treaty, the conventions",
            "",
        ] {
            assert_windows_agree(text);
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(400))]
        /// Texts made of the words the patterns care about, in any order.
        #[test]
        fn windows_agree_on_any_arrangement(words in proptest::collection::vec(
            prop::sample::select(vec![
                "the", "The", "this", "its", "(the", "First", "second", "Treaty", "treaty",
                "Treaties", "Agreement", "agreement", "Convention", "of", "Paris", "U.S.",
                "1907", "(1902)", "1883", "commercial", "with", "Korea", "and", "Root–Takahira",
                "xTreaty", "Some", "Émile", ",", ".", "\n", "Cease-fire", "of 1908",
            ]),
            0..24,
        ), seps in proptest::collection::vec(prop::sample::select(vec![" ", "  ", "\n", ""]), 24)) {
            let mut text = String::new();
            for (w, sep) in words.iter().zip(seps.iter()) {
                text.push_str(w);
                text.push_str(sep);
            }
            assert_windows_agree(&text);
        }
    }

    /// Examples the fallback test runs.
    const NAME_EXAMPLES: &str = include_str!("../../../data/rules/name_examples.tsv");

    #[test]
    fn name_examples_hold() {
        let mut n = 0;
        for (i, line) in NAME_EXAMPLES.lines().enumerate() {
            if line.starts_with('#') || line.trim().is_empty() {
                continue;
            }
            let (sentence, want) = line.split_once('\t').unwrap();
            let got: Vec<String> = find(sentence, 0)
                .into_iter()
                .filter_map(|m| match m.kind {
                    MentionKind::Agreement(a) => Some(if a.reference {
                        format!("@{}", a.ordinal.map(|o| o.to_string()).unwrap_or_default())
                    } else {
                        a.name
                    }),
                    _ => None,
                })
                .collect();
            let want: Vec<String> = if want == "-" {
                Vec::new()
            } else {
                want.split('|').map(str::to_string).collect()
            };
            assert_eq!(got, want, "name_examples.tsv:{}: {sentence}", i + 1);
            n += 1;
        }
        assert!(n >= 5);
    }

    #[test]
    fn a_month_ends_a_name() {
        assert_eq!(
            cut_month("Accord of Lisbon of May 1911"),
            "Accord of Lisbon"
        );
        assert_eq!(cut_month("Pact signed on June 3"), "Pact signed");
        assert_eq!(cut_month("Treaty of Westfield"), "Treaty of Westfield");
        assert_eq!(cut_month("Treaty in Mayfair of July"), "Treaty");
        assert_eq!(cut_month(""), "");
    }

    #[test]
    fn spans_point_at_the_name() {
        let t = "Before it, the Treaty of Evora of 1801 was signed.";
        let m = find(t, 10);
        assert_eq!(m.len(), 1);
        assert_eq!(
            t.get(m[0].span.start - 10..m[0].span.end - 10),
            Some("Treaty of Evora of 1801")
        );
    }
}
