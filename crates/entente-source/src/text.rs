//! Plain text: paragraphs, headings, list items and `Key: value` lines found
//! from the layout of lines alone.

use crate::boilerplate::{self, Rules};
use crate::{Block, BlockKind, SourceMap, Span};

/// A heading line is at most this many characters...
const HEADING_MAX_CHARS: usize = 80;
/// ...and this many words.
const HEADING_MAX_WORDS: usize = 12;
/// Lines of a hard-wrapped paragraph are at most this long; longer lines are
/// one paragraph each (web captures put a paragraph on one line).
const WRAP_MAX_CHARS: usize = 100;
/// And, except the last, at least this long.
const WRAP_MIN_CHARS: usize = 30;

/// A title taken from a first line of prose is cut to this many characters.
const TITLE_MAX_CHARS: usize = 200;

/// The result of reading plain text.
#[derive(Debug)]
pub(crate) struct TextDoc {
    pub text: String,
    /// Normalised → decoded offsets.
    pub map: SourceMap,
    pub blocks: Vec<Block>,
    pub title: Option<String>,
}

/// Reads decoded text. Text with no carriage returns is kept as it is,
/// without a copy.
pub(crate) fn read(decoded: String) -> TextDoc {
    let decoded_len = decoded.len();
    let (text, map) = if decoded.contains('\r') {
        normalise_line_ends(&decoded)
    } else {
        let len = decoded.len();
        (decoded, SourceMap::identity(len))
    };
    debug_assert_eq!(map.original_len(), decoded_len);
    let mut blocks = structure(&text);
    let title = choose_title(&text, &mut blocks);
    assign_sections(&mut blocks);
    boilerplate::mark_sections(&text, &mut blocks);
    TextDoc {
        text,
        map,
        blocks,
        title,
    }
}

/// CRLF and lone CR become LF; the map records each dropped byte.
fn normalise_line_ends(src: &str) -> (String, SourceMap) {
    let mut text = String::with_capacity(src.len());
    let mut map = SourceMap::new(src.len());
    let mut rest_start = 0usize;
    let bytes = src.as_bytes();
    let mut i = 0usize;
    while let Some(off) = bytes
        .get(i..)
        .and_then(|b| b.iter().position(|&c| c == b'\r'))
    {
        let cr = i + off;
        map.push(text.len(), rest_start);
        text.push_str(src.get(rest_start..cr).unwrap_or(""));
        map.push(text.len(), cr);
        text.push('\n');
        i = if bytes.get(cr + 1) == Some(&b'\n') {
            cr + 2
        } else {
            cr + 1
        };
        rest_start = i;
    }
    map.push(text.len(), rest_start);
    text.push_str(src.get(rest_start..).unwrap_or(""));
    map.finish(text.len());
    (text, map)
}

/// What one line is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Line {
    Boilerplate,
    /// `== Heading ==`, with the span of the inner text.
    Wiki {
        level: u8,
        inner: Span,
    },
    KeyValue {
        key: Span,
        value: Span,
    },
    /// A list item; the span starts after the bullet.
    Item(Span),
    Prose,
}

fn structure(text: &str) -> Vec<Block> {
    let rules = Rules::get();
    let mut blocks = Vec::new();
    // (trimmed span, class) of the lines of the current chunk.
    let mut chunk: Vec<(Span, Line)> = Vec::new();
    let mut pos = 0usize;
    for raw in text.split('\n') {
        let start = pos;
        pos += raw.len() + 1;
        let trimmed = raw.trim();
        if trimmed.is_empty() {
            flush_chunk(text, &mut chunk, &mut blocks);
            continue;
        }
        let lead = raw.len() - raw.trim_start().len();
        let span = Span::new(start + lead, start + lead + trimmed.len());
        chunk.push((span, classify(trimmed, span.start, rules)));
    }
    flush_chunk(text, &mut chunk, &mut blocks);
    blocks
}

fn classify(line: &str, at: usize, rules: &Rules) -> Line {
    if rules.is_boilerplate(line) {
        return Line::Boilerplate;
    }
    if let Some(w) = wiki_heading(line, at) {
        return w;
    }
    if let Some((key, value)) = key_value(line) {
        return Line::KeyValue {
            key: Span::new(at + key.start, at + key.end),
            value: Span::new(at + value.start, at + value.end),
        };
    }
    if let Some(skip) = bullet_len(line) {
        return Line::Item(Span::new(at + skip, at + line.len()));
    }
    Line::Prose
}

/// `= Title =`, `== Section ==`: the level is the number of `=`.
fn wiki_heading(line: &str, at: usize) -> Option<Line> {
    let opening = line.bytes().take_while(|&b| b == b'=').count();
    let closing = line.bytes().rev().take_while(|&b| b == b'=').count();
    if opening == 0 || opening != closing || line.len() <= 2 * opening {
        return None;
    }
    let inner = line.get(opening..line.len() - closing)?;
    let trimmed = inner.trim();
    if trimmed.is_empty() || trimmed.contains('=') {
        return None;
    }
    let lead = inner.len() - inner.trim_start().len();
    let start = at + opening + lead;
    Some(Line::Wiki {
        level: u8::try_from(opening.min(6)).unwrap_or(6),
        inner: Span::new(start, start + trimmed.len()),
    })
}

/// Bytes taken by a list marker and its space: `- `, `* `, `• `, `· `,
/// `1. `, `12) `.
fn bullet_len(line: &str) -> Option<usize> {
    for marker in ["- ", "* ", "• ", "· ", "– "] {
        if line.starts_with(marker) {
            let rest = line.get(marker.len()..)?;
            return Some(marker.len() + (rest.len() - rest.trim_start().len()));
        }
    }
    let digits = line.bytes().take_while(u8::is_ascii_digit).count();
    if (1..=3).contains(&digits) {
        let after = line.get(digits..)?;
        if after.starts_with(". ") || after.starts_with(") ") {
            let rest = after.get(2..)?;
            return Some(digits + 2 + (rest.len() - rest.trim_start().len()));
        }
    }
    None
}

/// `Key: value` (optionally bulleted) with a short capitalised key: the
/// byte ranges of key and value within the line.
fn key_value(line: &str) -> Option<(Span, Span)> {
    let skip = bullet_len(line).unwrap_or(0);
    let body = line.get(skip..)?;
    let colon = body.find(':').filter(|&c| c < 48)?;
    let key = body.get(..colon)?.trim_end();
    let value_raw = body.get(colon + 1..)?;
    if !value_raw.starts_with([' ', '\t']) {
        // "10:30", "https://": not a key.
        return None;
    }
    let value = value_raw.trim();
    if key.is_empty() || value.is_empty() {
        return None;
    }
    let first = key.chars().next()?;
    let words = key.split_whitespace().count();
    let key_chars_ok = key.chars().all(|c| {
        c.is_alphanumeric() || matches!(c, ' ' | '-' | '\'' | '’' | '(' | ')' | '/' | '&')
    });
    if !first.is_uppercase() || words > 4 || !key_chars_ok {
        return None;
    }
    let value_start = skip + colon + 1 + (value_raw.len() - value_raw.trim_start().len());
    Some((
        Span::new(skip, skip + key.len()),
        Span::new(value_start, value_start + value.len()),
    ))
}

/// A short line without final punctuation and not starting in lower case.
fn heading_like(line: &str) -> bool {
    let chars = line.chars().count();
    if chars > HEADING_MAX_CHARS || line.split_whitespace().count() > HEADING_MAX_WORDS {
        return false;
    }
    if line.ends_with(['.', '!', '?', ';', ':', ',', '。']) {
        return false;
    }
    match line.chars().find(|c| c.is_alphabetic()) {
        Some(c) => !c.is_lowercase(),
        None => false,
    }
}

fn flush_chunk(text: &str, chunk: &mut Vec<(Span, Line)>, blocks: &mut Vec<Block>) {
    let alone = chunk.len() == 1;
    let mut i = 0usize;
    while let Some(&(span, line)) = chunk.get(i) {
        let block = |kind| Block {
            kind,
            span,
            section: None,
        };
        match line {
            Line::Boilerplate => blocks.push(block(BlockKind::Boilerplate)),
            Line::Wiki { level, inner } => blocks.push(Block {
                kind: BlockKind::Heading { level },
                span: inner,
                section: None,
            }),
            Line::KeyValue { key, value } => blocks.push(block(BlockKind::KeyValue { key, value })),
            Line::Item(inner) => blocks.push(Block {
                kind: BlockKind::ListItem,
                span: inner,
                section: None,
            }),
            Line::Prose => {
                let run_end = chunk
                    .get(i..)
                    .unwrap_or(&[])
                    .iter()
                    .position(|(_, l)| *l != Line::Prose)
                    .map_or(chunk.len(), |n| i + n);
                let run = chunk.get(i..run_end).unwrap_or(&[]);
                if alone && heading_like(span.slice(text)) {
                    blocks.push(block(BlockKind::Heading { level: 2 }));
                } else if run.len() > 1 && wrapped(text, run) {
                    let end = run.last().map_or(span.end, |(s, _)| s.end);
                    blocks.push(Block {
                        kind: BlockKind::Paragraph,
                        span: Span::new(span.start, end),
                        section: None,
                    });
                    i = run_end;
                    continue;
                } else {
                    blocks.push(block(BlockKind::Paragraph));
                }
            }
        }
        i += 1;
    }
    chunk.clear();
}

/// Are these consecutive prose lines one hard-wrapped paragraph?
fn wrapped(text: &str, run: &[(Span, Line)]) -> bool {
    let n = run.len();
    run.iter().enumerate().all(|(k, (s, _))| {
        let chars = s.slice(text).chars().count();
        chars <= WRAP_MAX_CHARS && (k + 1 == n || chars >= WRAP_MIN_CHARS)
    })
}

/// The first heading, when nothing but debris comes before it, is the title;
/// otherwise the first line of prose names the document.
fn choose_title(text: &str, blocks: &mut [Block]) -> Option<String> {
    for block in blocks.iter_mut() {
        match block.kind {
            BlockKind::Boilerplate => continue,
            BlockKind::Heading { .. } => {
                block.kind = BlockKind::Title;
                return Some(block.span.slice(text).to_string());
            }
            _ => {
                let first_line = block.span.slice(text).lines().next().unwrap_or("");
                let title: String = first_line.trim().chars().take(TITLE_MAX_CHARS).collect();
                return Some(title).filter(|t| !t.is_empty());
            }
        }
    }
    None
}

/// Each heading opens a section; blocks before the first heading have none.
fn assign_sections(blocks: &mut [Block]) {
    let mut section: Option<u32> = None;
    for block in blocks.iter_mut() {
        if let BlockKind::Heading { .. } = block.kind {
            section = Some(section.map_or(0, |s| s.saturating_add(1)));
        }
        if block.kind != BlockKind::Title {
            block.section = section;
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn kinds(doc: &TextDoc) -> Vec<(String, &str)> {
        doc.blocks
            .iter()
            .map(|b| {
                let k = match &b.kind {
                    BlockKind::Title => "title".to_string(),
                    BlockKind::Heading { level } => format!("h{level}"),
                    BlockKind::Paragraph => "p".into(),
                    BlockKind::ListItem => "li".into(),
                    BlockKind::Quote => "q".into(),
                    BlockKind::KeyValue { .. } => "kv".into(),
                    BlockKind::Boilerplate => "bp".into(),
                };
                (k, b.span.slice(&doc.text))
            })
            .collect()
    }

    #[test]
    fn web_capture_shapes() {
        let src = "Skip to main content\n\n= Treaty of Example =\n\nTreaty of Example\n- Date Signed: 1901-02-03\n- Place: Geneva, Switzerland\n\nThe Treaty of Example was a pact between two states. It was signed at Geneva.\nA second long line of prose that stands on its own and is well over one hundred characters long in total, as web captures have.\n\nBackground\n\n[edit]\n\nIn the years before, the two states quarrelled.\n\nReferences\n\n  1. ^ Someone, A. (2001). A book.\n\nSee this paragraph too.";
        let doc = read(src.to_string());
        let k = kinds(&doc);
        let expect = [
            ("bp", "Skip to main content"),
            ("title", "Treaty of Example"),
            ("p", "Treaty of Example"),
            ("kv", "- Date Signed: 1901-02-03"),
            ("kv", "- Place: Geneva, Switzerland"),
            ("p", "The Treaty of Example was a pact between two states. It was signed at Geneva."),
            ("p", "A second long line of prose that stands on its own and is well over one hundred characters long in total, as web captures have."),
            ("h2", "Background"),
            ("bp", "[edit]"),
            ("p", "In the years before, the two states quarrelled."),
            ("bp", "References"),
            ("bp", "1. ^ Someone, A. (2001). A book."),
            ("bp", "See this paragraph too."),
        ];
        let got: Vec<(&str, &str)> = k.iter().map(|(a, b)| (a.as_str(), *b)).collect();
        assert_eq!(got, expect);
        assert_eq!(doc.title.as_deref(), Some("Treaty of Example"));
        if let BlockKind::KeyValue { key, value } = &doc.blocks[3].kind {
            assert_eq!(key.slice(&doc.text), "Date Signed");
            assert_eq!(value.slice(&doc.text), "1901-02-03");
        } else {
            panic!("not a key-value block");
        }
        assert_eq!(doc.blocks[1].section, None);
        assert_eq!(doc.blocks[7].section, Some(0));
        assert_eq!(doc.blocks[9].section, Some(0));
        assert_eq!(doc.blocks[10].section, Some(1));
    }

    #[test]
    fn wrapped_paragraph_and_list() {
        let src = "A heading line\n\nThis paragraph was wrapped by an editor at a fixed\nwidth, so its lines are short and belong together\nas one.\n\n* first point\n* second point\n2. numbered";
        let doc = read(src.to_string());
        let k = kinds(&doc);
        assert_eq!(k[0], ("title".into(), "A heading line"));
        assert_eq!(k[1].0, "p");
        assert!(k[1].1.ends_with("as one."));
        assert_eq!(k[2], ("li".into(), "first point"));
        assert_eq!(k[4], ("li".into(), "numbered"));
    }

    #[test]
    fn crlf_is_normalised_and_mapped() {
        let src = "Title here\r\n\r\nBody text.\rNext";
        let doc = read(src.to_string());
        assert_eq!(doc.text, "Title here\n\nBody text.\nNext");
        let b = doc.text.find("Body").unwrap();
        assert_eq!(doc.map.original(b), src.find("Body").unwrap());
        let n = doc.text.find("Next").unwrap();
        assert_eq!(doc.map.original(n), src.find("Next").unwrap());
    }

    #[test]
    fn no_heading_gives_first_line_title() {
        let doc = read("the quick start.\nsecond line here.".to_string());
        assert_eq!(doc.title.as_deref(), Some("the quick start."));
        assert!(doc.blocks.iter().all(|b| b.kind != BlockKind::Title));
    }

    #[test]
    fn key_value_rules() {
        assert!(key_value("Date Signed: 1907").is_some());
        assert!(key_value("Updated: 14 June 2018").is_some());
        assert!(key_value("at 10:30 the talks began").is_none());
        assert!(key_value("See https://example.org").is_none());
        assert!(key_value("The treaty said many things about a lot of topics: yes").is_none());
    }
}
