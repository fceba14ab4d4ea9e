//! Places and regions from the gazetteer (`data/gazetteer/places.tsv`), with
//! their nesting, directional parts ("the western part of Inner Mongolia") and
//! unknown capitalised places after a trigger such as "signed at"
//! (`data/gazetteer/place_triggers.tsv`).
use crate::gazetteer::{self, gazetteer, Target};
use crate::{Mention, MentionKind, Sentence};
use aho_corasick::{AhoCorasick, MatchKind};
use entente_source::{Document, Span};
use serde::{Deserialize, Serialize};
use std::sync::LazyLock;

const TRIGGERS_TSV: &str = include_str!("../../../data/gazetteer/place_triggers.tsv");
const NOT_NAMES: &str = include_str!("../../../data/names/not_names.txt");

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlaceMention {
    /// Gazetteer id, or the surface form for an unknown place.
    pub id: String,
    /// Canonical name ("Fujian" for "Fukien").
    pub name: String,
    /// `city`, `region`, `province`, ...
    pub category: String,
    /// Ids of the enclosing regions, innermost first (South Manchuria -> Manchuria).
    pub within: Vec<String>,
    /// True when the place is not in the gazetteer (e.g. after "signed at").
    pub unknown: bool,
}

/// Finds place mentions in the document. Works on the whole text, so it does
/// not need sentences; `sentences` is accepted for the common finder signature.
pub fn find(doc: &Document, sentences: &[Sentence]) -> Vec<Mention> {
    let _ = sentences;
    find_with(&doc.text, &gazetteer().scan_shared(&doc.text))
}

/// [`find`] over the text's gazetteer hits, which the caller already has.
pub(crate) fn find_with(text: &str, hits: &[gazetteer::Hit]) -> Vec<Mention> {
    // Built without the copy of each [`PlaceMention`] that `find_in` returns.
    find_raw_hits(text, hits)
        .into_iter()
        .map(|(span, pm, confidence)| Mention {
            span,
            kind: MentionKind::Place(pm),
            confidence,
        })
        .collect()
}

/// Finds place mentions in a plain string.
///
/// ```
/// use entente_recognise::place;
/// let ms = place::find_in("rights in the eastern part of Inner Mongolia");
/// assert_eq!(ms[0].1.id, "east_inner_mongolia");
/// assert_eq!(ms[0].1.within, ["inner_mongolia", "mongolia_region"]);
/// ```
pub fn find_in(text: &str) -> Vec<(Mention, PlaceMention)> {
    find_raw(text)
        .into_iter()
        .map(|(span, pm, confidence)| {
            (
                Mention {
                    span,
                    kind: MentionKind::Place(pm.clone()),
                    confidence,
                },
                pm,
            )
        })
        .collect()
}

/// A place mention before it becomes a [`Mention`]: span, mention, confidence.
type Raw = (Span, PlaceMention, f32);

/// The place mentions of `text`, in text order.
fn find_raw(text: &str) -> Vec<Raw> {
    find_raw_hits(text, &gazetteer().scan_shared(text))
}

/// [`find_raw`] over the text's gazetteer hits.
fn find_raw_hits(text: &str, hits: &[gazetteer::Hit]) -> Vec<Raw> {
    let g = gazetteer();
    let mut out = Vec::with_capacity(hits.len());
    for hit in hits.iter() {
        let Target::Place { idx } = hit.target else {
            continue;
        };
        if crate::person::follows_given_name(text, hit.span.start) {
            continue;
        }
        let (span, idx, confidence) = match directional_part(text, hit.span, idx) {
            Some((start, child)) => (Span::new(start, hit.span.end), child, 0.85),
            None => (hit.span, idx, 0.9),
        };
        let Some(p) = g.places.get(idx) else {
            continue;
        };
        let pm = PlaceMention {
            id: p.id.clone(),
            name: p.name.clone(),
            category: p.category.clone(),
            within: p.within.clone(),
            unknown: false,
        };
        out.push(mention(span, pm, confidence));
    }
    unknown_places(text, hits, &mut out);
    out.sort_by_key(|(span, _, _)| span.start);
    out
}

fn mention(span: Span, pm: PlaceMention, confidence: f32) -> Raw {
    (span, pm, confidence)
}

/// Direction words and the stem a child region's name starts with.
const DIRECTIONS: [(&str, &str); 8] = [
    ("western", "west"),
    ("eastern", "east"),
    ("northern", "north"),
    ("southern", "south"),
    ("west", "west"),
    ("east", "east"),
    ("north", "north"),
    ("south", "south"),
];

/// Phrases between a direction word and the region ("the western part of").
const LINKS: [&str; 9] = [
    " part of the ",
    " part of ",
    " parts of ",
    " portion of ",
    " portion of the ",
    " half of ",
    " section of ",
    " areas of ",
    " ",
];

/// When a direction phrase ends right before a region that has a child in that
/// direction ("the western part of Inner Mongolia"), the start of the phrase
/// and the child region.
fn directional_part(text: &str, span: Span, idx: usize) -> Option<(usize, usize)> {
    let g = gazetteer();
    if !g.has_children(idx) {
        return None;
    }
    let before = text.get(..span.start)?;
    for (word, stem) in DIRECTIONS {
        for link in LINKS {
            let n = word.len() + link.len();
            if before.len() < n {
                continue;
            }
            let Some(tail) = before.get(before.len() - n..) else {
                continue;
            };
            let (Some(w), Some(l)) = (tail.get(..word.len()), tail.get(word.len()..)) else {
                continue;
            };
            if !w.eq_ignore_ascii_case(word) || l != link {
                continue;
            }
            let start = before.len() - n;
            if !gazetteer::boundary_before(text, start) {
                continue;
            }
            let child = g.children(idx).find(|&c| {
                g.places[c]
                    .name
                    .split(' ')
                    .next()
                    .is_some_and(|first| first.to_ascii_lowercase().starts_with(stem))
            })?;
            return Some((start, child));
        }
    }
    None
}

static TRIGGERS: LazyLock<Option<AhoCorasick>> = LazyLock::new(|| {
    let phrases: Vec<&str> = gazetteer::data_lines(TRIGGERS_TSV)
        .map(|(_, l)| l.trim())
        .collect();
    AhoCorasick::builder()
        .match_kind(MatchKind::LeftmostLongest)
        .kind(Some(aho_corasick::AhoCorasickKind::DFA))
        .build(phrases)
        .ok()
});

pub(crate) static NOT_NAME: LazyLock<gazetteer::FxSet<&'static str>> = LazyLock::new(|| {
    gazetteer::data_lines(NOT_NAMES)
        .map(|(_, l)| l.trim())
        .collect()
});

/// The shapes of [`NOT_NAME`]: most capitalised words are told apart from
/// all of them without hashing.
static NOT_NAME_SHAPES: LazyLock<gazetteer::Shapes> =
    LazyLock::new(|| gazetteer::Shapes::new(NOT_NAME.iter().map(|w| w.as_bytes())));

/// Whether `word` is in [`NOT_NAME`].
pub(crate) fn is_not_name(word: &str) -> bool {
    NOT_NAME_SHAPES.may_contain(word.as_bytes()) && NOT_NAME.contains(word)
}

/// Connectors allowed inside a multi-word place name ("Rio de Janeiro").
const CONNECTORS: [&str; 8] = ["de", "del", "da", "do", "du", "des", "la", "of"];

/// Unknown capitalised places right after a trigger phrase. Names the
/// gazetteer already matched are skipped: they are known places.
fn unknown_places(text: &str, hits: &[gazetteer::Hit], out: &mut Vec<Raw>) {
    let Some(ac) = TRIGGERS.as_ref() else {
        return;
    };
    for m in ac.find_iter(text) {
        if !gazetteer::boundary_before(text, m.start()) {
            continue;
        }
        let Some(rest) = text.get(m.end()..) else {
            continue;
        };
        let Some(rest) = rest.strip_prefix(' ') else {
            continue;
        };
        let start = m.end() + 1;
        let Some(len) = capitalised_run(rest) else {
            continue;
        };
        let span = Span::new(start, start + len);
        // Hits are sorted and disjoint: only the last one starting before the
        // span's end can overlap it.
        let i = hits.partition_point(|h| h.span.start < span.end);
        if i > 0 && hits[i - 1].span.end > span.start {
            continue;
        }
        let surface = span.slice(text).to_string();
        let pm = PlaceMention {
            id: surface.clone(),
            name: surface,
            category: "unknown".to_string(),
            within: Vec::new(),
            unknown: true,
        };
        out.push(mention(span, pm, 0.5));
    }
}

/// The byte length of the capitalised name at the start of `s`: capitalised
/// words joined by single spaces, with lowercase connectors only between two
/// capitalised words. `None` when `s` does not start with a usable name.
pub(crate) fn capitalised_run(s: &str) -> Option<usize> {
    let mut end = 0;
    let mut pos = 0;
    let mut words = 0;
    loop {
        let rest = s.get(pos..)?;
        let wlen = rest
            .char_indices()
            .find(|&(_, c)| !(c.is_alphanumeric() || matches!(c, '\'' | '’' | '-' | '.')))
            .map_or(rest.len(), |(i, _)| i);
        let word = rest.get(..wlen)?.trim_end_matches(['.', '-', '\'', '’']);
        let first = word.chars().next();
        let capital = first.is_some_and(char::is_uppercase);
        let connector = CONNECTORS.contains(&word);
        if capital {
            if words == 0 && is_not_name(word) {
                return None;
            }
            end = pos + word.len();
            words += 1;
        } else if !(connector && words > 0) {
            break;
        }
        // Continue only over a single space.
        let after = pos + wlen;
        if s.get(after..after + 1) != Some(" ") || wlen == 0 {
            break;
        }
        pos = after + 1;
        if words > 5 {
            break;
        }
    }
    (end > 0).then_some(end)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn ids(text: &str) -> Vec<String> {
        find_in(text).into_iter().map(|(_, p)| p.id).collect()
    }

    #[test]
    fn gazetteer_examples() {
        let src = include_str!("../../../data/gazetteer/places.tsv");
        let mut n = 0;
        for (input, expected) in gazetteer::examples(src) {
            let want: Vec<String> = expected.split(", ").map(str::to_string).collect();
            let got: Vec<String> = find_in(input)
                .into_iter()
                .filter(|(_, p)| !p.unknown)
                .map(|(_, p)| p.id)
                .collect();
            assert_eq!(got, want, "example: {input}");
            n += 1;
        }
        assert!(n >= 5);
    }

    #[test]
    fn trigger_examples() {
        let mut n = 0;
        for (input, expected) in gazetteer::examples(TRIGGERS_TSV) {
            let got: Vec<String> = find_in(input)
                .into_iter()
                .filter(|(_, p)| p.unknown)
                .map(|(_, p)| p.name)
                .collect();
            let want: Vec<String> = if expected == "-" {
                Vec::new()
            } else {
                vec![expected.to_string()]
            };
            assert_eq!(got, want, "example: {input}");
            n += 1;
        }
        assert!(n >= 4);
    }

    #[test]
    fn nested_regions() {
        let ms = find_in("in southern Manchuria and Fukien");
        assert_eq!(ms[0].1.id, "south_manchuria");
        assert_eq!(ms[0].1.within, ["manchuria"]);
        assert_eq!(ms[1].1.name, "Fujian");
        assert_eq!(ms[1].0.confidence, 0.9);
    }

    #[test]
    fn unknown_place_has_lower_confidence() {
        let ms = find_in("It was signed at Qorvath.");
        assert_eq!(ms.len(), 1);
        assert!(ms[0].1.unknown);
        assert!(ms[0].0.confidence < 0.9);
        assert_eq!(ms[0].0.span.slice("It was signed at Qorvath."), "Qorvath");
    }

    /// The shape filter passes every listed word, and the check refuses
    /// words that are not listed.
    #[test]
    fn not_name_check_agrees_with_the_list() {
        for w in NOT_NAME.iter() {
            assert!(is_not_name(w), "{w}");
        }
        for w in ["Portsmouth", "Treaty", "Zq", "", "Hayashi"] {
            assert_eq!(is_not_name(w), NOT_NAME.contains(w), "{w}");
        }
    }

    #[test]
    fn person_names_are_not_places() {
        assert_eq!(ids("George Washington left Washington"), ["washington_d_c"]);
    }

    #[test]
    fn odd_input_does_not_panic() {
        let _ = find_in("signed at ");
        let _ = find_in("signed at É");
        let _ = find_in(&"signed at Aé ".repeat(1000));
        let _ = find_in("western");
        let _ = find_in("Chargé d’Affaires at Inner Mongolia");
        let _ = find_in("’’’ Manchuria");
    }
}
