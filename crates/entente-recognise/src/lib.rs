//! Recognition: sentences, then mentions with byte spans into the normalised
//! text of a [`Document`]: dates (EDTF), polities (COW codes), persons with
//! offices, places and regions, and agreement names.
//!
//! Gazetteers and rules are data files under `data/` in the repository,
//! compiled into the binary with `include_str!`; each carries examples that a
//! test runs.

pub mod agreement;
pub mod dates;
pub mod edtf;
pub mod gazetteer;
pub mod person;
pub mod place;
pub mod polity;
pub mod sentences;
mod swar;
mod trie;

use entente_source::{Document, Span};
use serde::{Deserialize, Serialize};

/// One sentence of the normalised text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sentence {
    pub span: Span,
    /// Index into [`Document::blocks`] of the block the sentence lies in.
    pub block: Option<usize>,
}

/// A recognised mention. Spans point into [`Document::text`] and never change.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Mention {
    pub span: Span,
    pub kind: MentionKind,
    /// In `0.0..=1.0`; lower for guesses (an unknown place after "signed at").
    pub confidence: f32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum MentionKind {
    Date(dates::DateMention),
    Polity(polity::PolityMention),
    Person(person::PersonMention),
    Place(place::PlaceMention),
    Agreement(agreement::AgreementMention),
}

/// Everything recognised in one document.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Recognition {
    pub sentences: Vec<Sentence>,
    /// Sorted by span start.
    pub mentions: Vec<Mention>,
}

impl Recognition {
    /// The mentions that lie inside `span`.
    pub fn mentions_in(&self, span: Span) -> impl Iterator<Item = &Mention> {
        let first = self.mentions.partition_point(|m| m.span.start < span.start);
        self.mentions[first..]
            .iter()
            .take_while(move |m| m.span.start < span.end)
            .filter(move |m| span.contains(&m.span))
    }
}

/// Runs the whole recognition stage over a document.
pub fn recognise(doc: &Document) -> Recognition {
    let sentences = sentences::split(doc);
    // One gazetteer scan serves the four finders that need it.
    let hits = gazetteer::gazetteer().scan(&doc.text);
    let text = &doc.text;
    // So does one map of the words, for the person and agreement finders.
    let bits = person::WordBits::of(text);
    let lists = [
        dates::find(doc, &sentences),
        polity::find_with(text, &hits),
        place::find_with(text, &hits),
        person::find_with(text, &hits, &bits),
        agreement::find_with(text, &hits, &bits),
    ];
    Recognition {
        sentences,
        mentions: merge_sorted(lists),
    }
}

/// The mentions of all finders in one list, sorted by start and then by
/// longest first; ties keep the finders' order, as a stable sort of the
/// concatenation would. Each finder's list is almost always sorted already,
/// so a merge moves each (large) mention once instead of at every step of a
/// sort.
fn merge_sorted<const N: usize>(lists: [Vec<Mention>; N]) -> Vec<Mention> {
    let key = |m: &Mention| (m.span.start, std::cmp::Reverse(m.span.end));
    let total: usize = lists.iter().map(Vec::len).sum();
    let mut out = Vec::with_capacity(total);
    if !lists.iter().all(|l| l.is_sorted_by_key(key)) {
        for l in lists {
            out.extend(l);
        }
        out.sort_by_key(key);
        return out;
    }
    // The heads are read in place (`as_slice`): a peeking iterator would
    // move each (large) mention once more, into its peek slot.
    let mut heads: [std::vec::IntoIter<Mention>; N] = lists.map(Vec::into_iter);
    loop {
        // The first list wins a tie: that is the stable order.
        let mut best: Option<(usize, (usize, std::cmp::Reverse<usize>))> = None;
        for (i, h) in heads.iter().enumerate() {
            if let Some(k) = h.as_slice().first().map(key) {
                if best.is_none_or(|(_, b)| k < b) {
                    best = Some((i, k));
                }
            }
        }
        let Some(m) = best
            .and_then(|(i, _)| heads.get_mut(i))
            .and_then(Iterator::next)
        else {
            break;
        };
        out.push(m);
    }
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod merge {
    use super::*;

    fn mention(list: usize, start: usize, len: usize) -> Mention {
        Mention {
            span: Span::new(start, start + len),
            kind: MentionKind::Person(person::PersonMention {
                name: format!("{list}"),
                person: 0,
                office: None,
                title: None,
                polity: None,
            }),
            confidence: 1.0,
        }
    }

    proptest::proptest! {
        /// The merge gives what a stable sort of the concatenation gives:
        /// by start, longest first, ties in the finders' order; also when a
        /// list is out of order.
        #[test]
        fn merge_is_a_stable_sort(
            lists in proptest::collection::vec(
                proptest::collection::vec((0usize..20, 0usize..4), 0..12), 3),
            sort_them in proptest::bool::ANY,
        ) {
            let lists: Vec<Vec<Mention>> = lists
                .iter()
                .enumerate()
                .map(|(i, l)| {
                    let mut v: Vec<Mention> = l.iter().map(|&(s, n)| mention(i, s, n)).collect();
                    if sort_them {
                        v.sort_by_key(|m| (m.span.start, std::cmp::Reverse(m.span.end)));
                    }
                    v
                })
                .collect();
            let mut want: Vec<Mention> = lists.concat();
            want.sort_by_key(|m| (m.span.start, std::cmp::Reverse(m.span.end)));
            let got = merge_sorted::<3>(lists.try_into().unwrap());
            proptest::prop_assert_eq!(got, want);
        }
    }
}

/// Inputs built to make a finder slow (a super-linear regex, a name that
/// grows over the whole text, a backwards search per mention): each runs the
/// whole stage and checks the shape of the result. The sizes keep a debug
/// build within seconds; a quadratic path would take minutes.
#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod adversarial {
    use super::*;

    fn run(text: &str) -> Recognition {
        let doc =
            entente_source::read_bytes(std::path::Path::new("adversarial.txt"), text.as_bytes())
                .unwrap();
        recognise(&doc)
    }

    fn count(r: &Recognition, pick: fn(&MentionKind) -> bool) -> usize {
        r.mentions.iter().filter(|m| pick(&m.kind)).count()
    }

    #[test]
    fn ten_megabytes_of_digits() {
        let r = run(&"7".repeat(10_000_000));
        assert_eq!(r.sentences.len(), 1);
        assert!(r.mentions.is_empty(), "{:?}", r.mentions.first());
    }

    #[test]
    fn ten_megabytes_without_a_space() {
        let r = run(&"Qu".repeat(5_000_000));
        assert_eq!(r.sentences.len(), 1);
        assert!(r.mentions.is_empty(), "{:?}", r.mentions.first());
    }

    #[test]
    fn long_run_of_capitalised_words() {
        // No word is a known name, so the run is no person, however long.
        let r = run(&"Orvald Brisk ".repeat(100_000));
        assert_eq!(count(&r, |k| matches!(k, MentionKind::Person(_))), 0);
        // A given name makes the whole run one person's name, found once.
        let text = "John ".repeat(100_000);
        let r = run(&text);
        assert_eq!(count(&r, |k| matches!(k, MentionKind::Person(_))), 1);
    }

    #[test]
    fn treaty_of_treaty_of() {
        let text = "the Treaty of ".repeat(100_000);
        let r = run(&text);
        for m in &r.mentions {
            if let MentionKind::Agreement(a) = &m.kind {
                // A name never grows past the window around its instrument.
                assert!(m.span.len() < 400, "{}", a.name);
            }
        }
        assert!(count(&r, |k| matches!(k, MentionKind::Agreement(_))) >= 99_999);
        // Every name followed by an open bracket looks for an acronym; the
        // look stays short.
        let r = run(&"the Treaty (".repeat(100_000));
        assert!(count(&r, |k| matches!(k, MentionKind::Agreement(_))) >= 99_999);
    }

    #[test]
    fn instrument_words_glued_together() {
        // One word of six million bytes: every instrument inside it is
        // refused (no word boundary), in one pass.
        let r = run(&"treaty".repeat(1_000_000));
        assert!(r.mentions.is_empty(), "{:?}", r.mentions.first());
        // An instrument word at every word start, in capitals: names grow
        // over the capitalised words, but only within their window.
        let r = run(&"TREATY ".repeat(100_000));
        assert!(count(&r, |k| matches!(k, MentionKind::Agreement(_))) >= 5_000);
        assert!(r.mentions.iter().all(|m| m.span.len() < 400));
    }

    #[test]
    fn one_surname_many_times() {
        // Each lone surname finds the full name before it by bisection.
        let text = "Stéphen Pichon met Pichon. ".repeat(50_000);
        let r = run(&text);
        let ids: Vec<u32> = r
            .mentions
            .iter()
            .filter_map(|m| match &m.kind {
                MentionKind::Person(p) => Some(p.person),
                _ => None,
            })
            .collect();
        assert_eq!(ids.len(), 100_000);
        assert!(ids.iter().all(|&id| id == ids[0]));
    }

    #[test]
    fn many_dashes() {
        let text = "Franco-".repeat(100_000) + "Japanese";
        let r = run(&text);
        let ids: Vec<&str> = r
            .mentions
            .iter()
            .filter_map(|m| match &m.kind {
                MentionKind::Polity(p) => Some(p.id.as_str()),
                _ => None,
            })
            .collect();
        assert_eq!(ids.len(), 100_001);
        assert!(ids[..100_000].iter().all(|id| *id == "FRA"));
        assert_eq!(ids.last(), Some(&"JPN"));
        // Dashes alone, and dashes between capitals, name nothing.
        assert!(run(&"-–".repeat(1_000_000)).mentions.is_empty());
    }
}
