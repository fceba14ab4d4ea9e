//! Sentence splitting.
//!
//! Sentences never cross blocks. Titles and headings are one sentence each,
//! whatever their punctuation; list items, key–value lines, quotes and
//! paragraphs are split inside. Boilerplate blocks are split like the rest
//! and kept: [`Sentence::block`] leads to the block kind, so later stages can
//! skip them.
//!
//! A period ends a sentence when whitespace (or the end of the block) follows
//! it, possibly after closing quotes or brackets, and the next word does not
//! start in lower case ("He waited... and waited."); except after an
//! abbreviation from `data/sentences/abbreviations.tsv` ("Mr.", "St.",
//! "U.S.", "Jan." before a number) or an initial ("Matthew C. Perry").
//! A period with no space after it ("3.5", "U.S.A.") ends nothing. `?` and
//! `!` follow the same rule; the Japanese `。`, `！` and `？` always end one.
//!
//! ```
//! use entente_recognise::sentences::split_text;
//! let text = "Mr. Kono met Matthew C. Perry. They talked.";
//! let got: Vec<&str> = split_text(text).iter().map(|s| s.slice(text)).collect();
//! assert_eq!(got, ["Mr. Kono met Matthew C. Perry.", "They talked."]);
//! ```

use crate::gazetteer::FxMap;
use crate::Sentence;
use entente_source::{BlockKind, Document, Span};
use std::sync::LazyLock;

pub(crate) const ABBREVIATIONS_TSV: &str =
    include_str!("../../../data/sentences/abbreviations.tsv");

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Abbrev {
    /// Never ends a sentence.
    Title,
    /// Does not end a sentence before a number.
    Month,
    /// Ends a sentence like any other word.
    Other,
}

static ABBREVIATIONS: LazyLock<FxMap<&'static str, Abbrev>> = LazyLock::new(|| {
    ABBREVIATIONS_TSV
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#') && !l.starts_with("@example"))
        .skip(1)
        .filter_map(|l| {
            let (form, kind) = l.split_once('\t')?;
            let kind = match kind.trim() {
                "title" => Abbrev::Title,
                "month" => Abbrev::Month,
                _ => Abbrev::Other,
            };
            Some((form.trim(), kind))
        })
        .collect()
});

/// Splits a document into sentences, never across block boundaries. Text
/// outside every block (if any) is not covered; a document without blocks
/// is split as one paragraph.
pub fn split(doc: &Document) -> Vec<Sentence> {
    // Prose has a sentence every ~100 bytes: room for most documents' list
    // up front spares the copies of growing it (capped, so that a huge text
    // without sentence ends reserves little).
    let mut out = Vec::with_capacity((doc.text.len() / 64 + 4).min(4096));
    if doc.blocks.is_empty() {
        split_into(
            &doc.text,
            Span::new(0, doc.text.len()),
            None,
            false,
            &mut out,
        );
        return out;
    }
    for (i, b) in doc.blocks.iter().enumerate() {
        let whole = matches!(b.kind, BlockKind::Title | BlockKind::Heading { .. });
        split_into(&doc.text, b.span, Some(i), whole, &mut out);
    }
    out
}

/// Splits a plain string, taken as one paragraph, into sentence spans.
pub fn split_text(text: &str) -> Vec<Span> {
    let mut out = Vec::new();
    split_into(text, Span::new(0, text.len()), None, false, &mut out);
    out.into_iter().map(|s| s.span).collect()
}

fn push_trimmed(
    text: &str,
    start: usize,
    end: usize,
    block: Option<usize>,
    out: &mut Vec<Sentence>,
) {
    let Some(s) = text.get(start..end) else {
        return;
    };
    let lead = s.len() - s.trim_start().len();
    let trimmed = s.trim();
    if trimmed.is_empty() {
        return;
    }
    let a = start + lead;
    out.push(Sentence {
        span: Span::new(a, a + trimmed.len()),
        block,
    });
}

fn is_closer(c: char) -> bool {
    matches!(
        c,
        '"' | '\'' | '”' | '’' | ')' | ']' | '»' | '」' | '』' | '）' | '›'
    )
}

/// Bytes that may start a sentence end: `.`, `!`, `?`, and the lead bytes
/// of `。！？` (0xE3, 0xEF) and `…` (0xE2).
static MAY_END: [bool; 256] = {
    let mut t = [false; 256];
    t[b'.' as usize] = true;
    t[b'!' as usize] = true;
    t[b'?' as usize] = true;
    t[0xE2] = true;
    t[0xE3] = true;
    t[0xEF] = true;
    t
};

/// The first position at or after `from` holding `.`, `!`, `?` or a
/// non-ASCII byte (or `bytes.len()`), eight bytes at a time.
#[inline]
fn next_may_end(bytes: &[u8], from: usize) -> usize {
    use crate::swar::{next_byte, HIGHS, ONES};
    // A zero byte after xor marks an equal byte; the test may only err
    // towards a hit, which the byte test then checks.
    let zero = |v: u64| v.wrapping_sub(ONES) & !v & HIGHS;
    next_byte(
        bytes,
        from,
        |x| {
            zero(x ^ (ONES * u64::from(b'.')))
                | zero(x ^ (ONES * u64::from(b'!')))
                | zero(x ^ (ONES * u64::from(b'?')))
                | (x & HIGHS)
        },
        |b| matches!(b, b'.' | b'!' | b'?') || b >= 0x80,
    )
}

fn split_into(text: &str, span: Span, block: Option<usize>, whole: bool, out: &mut Vec<Sentence>) {
    let Some(hay) = text.get(span.start..span.end) else {
        return;
    };
    if whole {
        push_trimmed(text, span.start, span.end, block, out);
        return;
    }
    let bytes = hay.as_bytes();
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        // Most bytes can end nothing: skip them eight at a time.
        i = next_may_end(bytes, i);
        let Some(&b) = bytes.get(i) else {
            break;
        };
        if !MAY_END[usize::from(b)] {
            i += 1;
            continue;
        }
        // Japanese full stop, exclamation and question marks (3 bytes each).
        let cjk = b == 0xE3 && bytes.get(i + 1) == Some(&0x80) && bytes.get(i + 2) == Some(&0x82)
            || b == 0xEF
                && bytes.get(i + 1) == Some(&0xBC)
                && matches!(bytes.get(i + 2), Some(&0x81) | Some(&0x9F));
        if !(cjk
            || matches!(b, b'.' | b'!' | b'?')
            || b == 0xE2 && hay.get(i..).is_some_and(|s| s.starts_with('…')))
        {
            i += 1;
            continue;
        }
        let Some(end) = boundary(hay, i, cjk) else {
            i += 1;
            continue;
        };
        push_trimmed(text, span.start + start, span.start + end, block, out);
        start = end;
        i = end.max(i + 1);
    }
    push_trimmed(text, span.start + start, span.end, block, out);
}

/// If the terminator at byte `at` ends a sentence, where the sentence ends
/// (past the terminators and closing quotes or brackets).
fn boundary(hay: &str, at: usize, cjk: bool) -> Option<usize> {
    let rest = hay.get(at..)?;
    // The run of terminators, then closers.
    let mut end = at;
    let mut chars = rest.char_indices().peekable();
    while let Some(&(i, c)) = chars.peek() {
        if matches!(c, '.' | '!' | '?' | '…' | '。' | '！' | '？') {
            end = at + i + c.len_utf8();
            chars.next();
        } else {
            break;
        }
    }
    while let Some(&(i, c)) = chars.peek() {
        if is_closer(c) {
            end = at + i + c.len_utf8();
            chars.next();
        } else {
            break;
        }
    }
    if cjk {
        return Some(end);
    }
    let after = hay.get(end..)?;
    let next_ws = after.chars().next();
    if next_ws.is_some_and(|c| !c.is_whitespace()) {
        // "3.5", "U.S.A.", "example.com": no space, no sentence end.
        return None;
    }
    let next = after.trim_start().chars().next();
    let Some(next) = next else {
        return Some(end);
    };
    if next.is_lowercase() {
        return None;
    }
    let single_period =
        hay.as_bytes().get(at) == Some(&b'.') && hay.as_bytes().get(at + 1) != Some(&b'.');
    if single_period {
        let word = word_ending_at(hay, at + 1);
        match ABBREVIATIONS.get(word) {
            Some(Abbrev::Title) => return None,
            Some(Abbrev::Month) if next.is_ascii_digit() => return None,
            Some(_) => {}
            // "I." is far more often the numeral ("World War I.") than
            // an initial.
            None if word != "I." && is_initial(word) && next.is_uppercase() => return None,
            None => {}
        }
    }
    Some(end)
}

/// The word (after the last space or opening bracket/quote) that ends at
/// byte `end`, period included.
fn word_ending_at(hay: &str, end: usize) -> &str {
    let s = hay.get(..end).unwrap_or("");
    let start = s
        .char_indices()
        .rev()
        .find(|&(_, c)| c.is_whitespace() || matches!(c, '(' | '[' | '"' | '“' | '‘' | '«'))
        .map_or(0, |(i, c)| i + c.len_utf8());
    s.get(start..).unwrap_or("")
}

/// "C." or "J.R.R.": single upper-case letters, each followed by a period.
fn is_initial(word: &str) -> bool {
    let mut chars = word.chars();
    let mut n = 0;
    loop {
        match (chars.next(), chars.next()) {
            (Some(l), Some('.')) if l.is_uppercase() => n += 1,
            (None, _) => return n > 0,
            _ => return false,
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use entente_source::{Block, Format, SourceMap};

    #[test]
    fn abbreviation_examples() {
        let mut failures = Vec::new();
        let mut n = 0;
        for line in ABBREVIATIONS_TSV.lines() {
            let Some(rest) = line.strip_prefix("@example\t") else {
                continue;
            };
            n += 1;
            let (text, want) = rest.split_once('\t').unwrap();
            let want: Vec<&str> = want.split(" | ").collect();
            let got: Vec<&str> = split_text(text).iter().map(|s| s.slice(text)).collect();
            if got != want {
                failures.push(format!("{text:?}\n  want {want:?}\n  got  {got:?}"));
            }
        }
        assert!(n >= 10);
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }

    #[test]
    fn blocks_bound_sentences() {
        let text = "Summary\n\nThe first. The second\n\nA list item without stop";
        let blocks = vec![
            Block {
                kind: BlockKind::Heading { level: 1 },
                span: Span::new(0, 7),
                section: Some(0),
            },
            Block {
                kind: BlockKind::Paragraph,
                span: Span::new(9, 30),
                section: Some(0),
            },
            Block {
                kind: BlockKind::ListItem,
                span: Span::new(32, text.len()),
                section: Some(0),
            },
        ];
        let doc = Document {
            format: Format::Text,
            title: None,
            map: SourceMap::identity(text.len()),
            text: text.to_string(),
            blocks,
            annotations: Vec::new(),
            encoding: None,
            warnings: Vec::new(),
        };
        let got: Vec<(&str, Option<usize>)> = split(&doc)
            .iter()
            .map(|s| (s.span.slice(text), s.block))
            .collect();
        assert_eq!(
            got,
            [
                ("Summary", Some(0)),
                ("The first.", Some(1)),
                ("The second", Some(1)),
                ("A list item without stop", Some(2)),
            ]
        );
    }

    proptest::proptest! {
        /// The eight-bytes-at-a-time skip stops exactly where a byte loop
        /// looking for a terminator or a non-ASCII byte would.
        #[test]
        fn next_may_end_matches_a_byte_loop(text in "(?s)[a-z .!?,/>@é。…-]{0,40}", from in 0usize..48) {
            let bytes = text.as_bytes();
            let want = bytes
                .iter()
                .enumerate()
                .skip(from)
                .find(|(_, b)| matches!(b, b'.' | b'!' | b'?') || **b >= 0x80)
                .map_or(bytes.len(), |(i, _)| i);
            proptest::prop_assert_eq!(next_may_end(bytes, from), want.max(from.min(bytes.len())));
        }

        #[test]
        fn spans_are_ordered_and_on_boundaries(
            text in proptest::string::string_regex("([a-zA-Z]{1,4}|Mr|U\\.S|\\.|\\?|!|。|…|”|\\)| |\\n|é|[0-9])*").unwrap(),
        ) {
            let mut last = 0;
            for sp in split_text(&text) {
                proptest::prop_assert!(text.get(sp.start..sp.end).is_some());
                proptest::prop_assert!(sp.start >= last && sp.end > sp.start);
                last = sp.end;
            }
        }
    }

    #[test]
    fn odd_text_never_panics() {
        for s in [
            "", ".", "...", "é.", "。", "a.b", " . . ", "?\u{0}!", "Mr.", "“.”",
        ] {
            for sp in split_text(s) {
                assert!(s.get(sp.start..sp.end).is_some());
            }
        }
        let long = ". ".repeat(100_000);
        assert!(split_text(&long).len() <= 100_000);
    }
}
