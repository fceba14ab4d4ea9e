//! HTML through the html5gum tokenizer, which gives byte spans for every
//! token. There is no tree building: a stack of open block elements is enough
//! to cut the text into blocks, and it tolerates the unclosed and truncated
//! markup found in web captures.
//!
//! Dropped with their content (not in the text at all): `script`, `style`,
//! `noscript`, `template`, `svg`, `nav`, `aside`, `form`, `header` and
//! `footer` (unless inside `article`/`main`, where a header holds the title),
//! `iframe`, `select`, `button`, elements with `role="navigation"` and
//! elements with a debris class (`html_class` rows of
//! `data/boilerplate.tsv`, e.g. edit links and citation markers). `<title>` gives the title (else the first
//! `<h1>`). `<time datetime>` and `<a href>` become annotations. A table row
//! is one block, its cells separated by a space; a row of one `<th>` and one
//! `<td>` (an infobox line) is a key–value block.

use crate::boilerplate;
use crate::flow::Flow;
use crate::{AnnotationKind, BlockKind, SourceMap, Span};
use html5gum::{DefaultEmitter, Token, Tokenizer};

/// The result of reading HTML.
#[derive(Debug)]
pub(crate) struct HtmlDoc {
    pub text: String,
    /// Normalised → decoded offsets.
    pub map: SourceMap,
    pub blocks: Vec<crate::Block>,
    pub annotations: Vec<crate::Annotation>,
    pub title: Option<String>,
}

const DROPPED: &[&str] = &[
    "script", "style", "noscript", "template", "svg", "nav", "header", "footer", "aside", "form",
    "iframe", "select", "button",
];

/// Dropped elements that also end the block being written.
const BLOCK_CHROME: &[&str] = &[
    "nav", "header", "footer", "aside", "form", "template", "iframe",
];

/// Elements whose start or end cuts the text into blocks, and their kind.
fn block_kind(name: &str, in_quote: bool) -> Option<BlockKind> {
    let plain = if in_quote {
        BlockKind::Quote
    } else {
        BlockKind::Paragraph
    };
    Some(match name {
        "title" => BlockKind::Title,
        "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => BlockKind::Heading {
            level: name.get(1..).and_then(|d| d.parse().ok()).unwrap_or(1),
        },
        "li" | "dt" | "dd" => BlockKind::ListItem,
        "blockquote" => BlockKind::Quote,
        "p" | "div" | "tr" | "pre" | "section" | "article" | "main" | "table" | "ul" | "ol"
        | "dl" | "figcaption" | "caption" | "address" | "center" | "body" | "html" | "figure"
        | "fieldset" | "details" | "summary" | "tbody" | "thead" => plain,
        _ => return None,
    })
}

/// Start tags that close an open element of the same family first (HTML's
/// implied end tags, in the cases that matter for text).
fn closes_same(name: &str) -> &'static [&'static str] {
    match name {
        "p" => &["p"],
        "li" => &["li"],
        "dt" | "dd" => &["dt", "dd"],
        "tr" => &["tr"],
        "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => &["h1", "h2", "h3", "h4", "h5", "h6", "p"],
        _ => &[],
    }
}

/// The reader's state between tokens.
struct State {
    flow: Flow,
    /// Open block elements, innermost last.
    stack: Vec<(String, BlockKind)>,
    /// Cells of the current table row: (is a header cell, its text).
    cells: Vec<(bool, Span)>,
    /// The cell being read: (is a header cell, where its text starts).
    open_cell: Option<(bool, usize)>,
}

impl State {
    fn current(&self) -> BlockKind {
        self.stack
            .last()
            .map_or(BlockKind::Paragraph, |(_, k)| k.clone())
    }

    fn close_cell(&mut self) {
        if let Some((header, start)) = self.open_cell.take() {
            if let Some(span) = self.flow.span_since(start) {
                self.cells.push((header, span));
            }
        }
    }

    /// Ends the block being written. A table row of one header cell and one
    /// data cell (an infobox line) becomes a key–value block.
    fn end(&mut self) {
        self.close_cell();
        let in_row = self.stack.last().is_some_and(|(n, _)| n == "tr");
        let kind = match self.cells.as_slice() {
            [(true, key), (false, value)]
                if in_row && self.flow.open_start().is_some_and(|s| s <= key.start) =>
            {
                BlockKind::KeyValue {
                    key: *key,
                    value: *value,
                }
            }
            _ => self.current(),
        };
        self.cells.clear();
        self.flow.end_block(kind);
    }
}

/// Reads HTML text.
pub(crate) fn read(src: &str) -> HtmlDoc {
    let mut emitter = DefaultEmitter::<usize>::new_with_span();
    // Switches to raw-text states after <script>, <style>, <textarea>...,
    // so their content is one string instead of bogus tags.
    emitter.naively_switch_states(true);
    let tokenizer = Tokenizer::new_with_emitter(src, emitter);
    let mut st = State {
        flow: Flow::new(src.len()),
        stack: Vec::new(),
        cells: Vec::new(),
        open_cell: None,
    };
    let mut dropping: Option<(String, usize)> = None;
    let mut marks: Vec<(String, usize, AnnotationKind)> = Vec::new();
    let mut sections: Option<u32> = None;
    let rules = boilerplate::Rules::get();
    for token in tokenizer {
        let Ok(token) = token;
        match token {
            Token::StartTag(tag) => {
                let name = String::from_utf8_lossy(&tag.name).to_ascii_lowercase();
                if let Some((dropped, depth)) = dropping.as_mut() {
                    if *dropped == name && !tag.self_closing {
                        *depth += 1;
                    }
                    continue;
                }
                let debris_class = tag.attributes.get(b"class".as_slice()).is_some_and(|v| {
                    String::from_utf8_lossy(v)
                        .split_ascii_whitespace()
                        .any(|c| rules.is_debris_class(c))
                });
                let navigation_role = tag
                    .attributes
                    .get(b"role".as_slice())
                    .is_some_and(|v| v.as_slice() == b"navigation");
                // A page's own <header>/<footer> is chrome; an article's
                // header holds its title.
                let chrome = match name.as_str() {
                    "header" | "footer" => !st
                        .stack
                        .iter()
                        .any(|(n, _)| matches!(n.as_str(), "article" | "main")),
                    other => DROPPED.contains(&other),
                };
                if chrome || debris_class || navigation_role {
                    if !tag.self_closing {
                        // Dropping an inline element (a citation marker)
                        // must not cut its paragraph in two.
                        if block_kind(&name, false).is_some()
                            || BLOCK_CHROME.contains(&name.as_str())
                        {
                            st.end();
                        }
                        dropping = Some((name, 1));
                    }
                    continue;
                }
                match name.as_str() {
                    "br" => st.flow.space(tag.span.start),
                    "hr" => st.end(),
                    "td" | "th" => {
                        st.close_cell();
                        st.flow.space(tag.span.start);
                        st.open_cell = Some((name == "th", st.flow.mark()));
                    }
                    "a" | "time" if !tag.self_closing => {
                        let value = |k: &str| {
                            tag.attributes
                                .get(k.as_bytes())
                                .map(|v| String::from_utf8_lossy(v).into_owned())
                        };
                        let kind = if name == "a" {
                            AnnotationKind::Ref {
                                target: value("href"),
                            }
                        } else {
                            AnnotationKind::Date {
                                when: value("datetime"),
                                from: None,
                                to: None,
                            }
                        };
                        marks.push((name.clone(), st.flow.mark(), kind));
                    }
                    _ => {}
                }
                let in_quote = st.stack.iter().any(|(n, _)| n == "blockquote");
                let kind = match (block_kind(&name, in_quote), st.stack.last()) {
                    // A paragraph inside a list item is still the item.
                    (Some(BlockKind::Paragraph), Some((_, BlockKind::ListItem)))
                        if matches!(name.as_str(), "p" | "div") =>
                    {
                        Some(BlockKind::ListItem)
                    }
                    (kind, _) => kind,
                };
                if let Some(kind) = kind {
                    if tag.self_closing {
                        continue;
                    }
                    st.end();
                    let family = closes_same(&name);
                    if st
                        .stack
                        .last()
                        .is_some_and(|(n, _)| family.contains(&n.as_str()))
                    {
                        st.stack.pop();
                    }
                    if let BlockKind::Heading { .. } = kind {
                        sections = Some(sections.map_or(0, |s| s.saturating_add(1)));
                        st.flow.section = sections;
                    }
                    st.stack.push((name, kind));
                }
            }
            Token::EndTag(tag) => {
                let name = String::from_utf8_lossy(&tag.name).to_ascii_lowercase();
                if let Some((dropped, depth)) = dropping.as_mut() {
                    if *dropped == name {
                        *depth -= 1;
                        if *depth == 0 {
                            dropping = None;
                        }
                    }
                    continue;
                }
                if marks.last().is_some_and(|(n, _, _)| *n == name) {
                    if let Some((_, start, kind)) = marks.pop() {
                        st.flow.annotate(kind, start);
                    }
                }
                match name.as_str() {
                    "br" => st.flow.space(tag.span.start),
                    "td" | "th" => st.close_cell(),
                    _ => {
                        if let Some(at) = st.stack.iter().rposition(|(n, _)| *n == name) {
                            st.end();
                            st.stack.truncate(at);
                        }
                    }
                }
            }
            Token::String(s) => {
                if dropping.is_some() {
                    continue;
                }
                let decoded = String::from_utf8_lossy(&s.value);
                let raw = src.get(s.span.start..s.span.end).unwrap_or("");
                st.flow.push_text(&decoded, raw, s.span.start);
            }
            Token::Comment(_) | Token::Doctype(_) | Token::Error(_) => {}
        }
    }
    st.end();
    let flow = st.flow;
    let title_text = |flow: &Flow, kind: &dyn Fn(&BlockKind) -> bool| {
        flow.blocks
            .iter()
            .find(|b| kind(&b.kind))
            .map(|b| b.span.slice(&flow.text).to_string())
    };
    let title = title_text(&flow, &|k| *k == BlockKind::Title)
        .or_else(|| title_text(&flow, &|k| *k == BlockKind::Heading { level: 1 }));
    let (text, map, mut blocks, annotations) = flow.finish();
    boilerplate::mark(&text, &mut blocks);
    HtmlDoc {
        text,
        map,
        blocks,
        annotations,
        title,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn summary(doc: &HtmlDoc) -> Vec<(BlockKind, &str)> {
        doc.blocks
            .iter()
            .map(|b| (b.kind.clone(), b.span.slice(&doc.text)))
            .collect()
    }

    #[test]
    fn blocks_entities_and_dropped_content() {
        let src = "<!DOCTYPE html><html><head><title>Pact &amp; Co</title><style>p{color:red}</style></head>\n<body><nav><a href=\"/\">Home</a></nav><script>var x = '<p>no</p>';</script>\n<h1>The   Pact</h1><p>Signed in <b>Par</b>is on\n <time datetime=\"1907-06-10\">10 June 1907</time>.<p>Second&nbsp;one<ul><li>item one<li>item two</ul><blockquote><p>Quoted words</p></blockquote><div>Jump to content</div><ol><li><p>Nested</p></li></ol><h2>Later<span class='mw-editsection'>[edit]</span></h2><p>Cited.<sup class='reference'>[1]</sup></p><footer>Footer text</footer></body></html>";
        let doc = read(src);
        assert_eq!(
            summary(&doc),
            vec![
                (BlockKind::Title, "Pact & Co"),
                (BlockKind::Heading { level: 1 }, "The Pact"),
                (BlockKind::Paragraph, "Signed in Paris on 10 June 1907."),
                (BlockKind::Paragraph, "Second one"),
                (BlockKind::ListItem, "item one"),
                (BlockKind::ListItem, "item two"),
                (BlockKind::Quote, "Quoted words"),
                (BlockKind::Boilerplate, "Jump to content"),
                (BlockKind::ListItem, "Nested"),
                (BlockKind::Heading { level: 2 }, "Later"),
                (BlockKind::Paragraph, "Cited."),
            ]
        );
        assert_eq!(doc.title.as_deref(), Some("Pact & Co"));
        assert!(!doc.text.contains("Home"));
        assert!(!doc.text.contains("Footer"));
        assert!(!doc.text.contains("color"));
        let date = &doc.annotations[0];
        assert_eq!(date.span.slice(&doc.text), "10 June 1907");
        let o = doc.map.original_span(date.span);
        assert_eq!(&src[o.start..o.end], "10 June 1907");
        let p = doc.text.find("Paris").unwrap();
        assert_eq!(doc.map.original(p), src.find("Par</b>").unwrap());
        assert_eq!(doc.blocks[1].section, Some(0));
    }

    #[test]
    fn truncated_html_keeps_what_is_readable() {
        let doc = read("<html><body><h2>Heading</h2><p>Some text that stops in the mid");
        assert_eq!(
            summary(&doc),
            vec![
                (BlockKind::Heading { level: 2 }, "Heading"),
                (BlockKind::Paragraph, "Some text that stops in the mid"),
            ]
        );
        let doc = read("<p>text <a href='x");
        assert_eq!(doc.text, "text");
        let doc = read("<header>Site name</header><article><header><h1>Own title</h1></header><p>Body.</p></article>");
        assert_eq!(doc.text, "Own title\n\nBody.");
        assert_eq!(doc.title.as_deref(), Some("Own title"));
        let doc = read("<table><tr><th>Signed</th><td>3 May 1901</td></tr><tr><td>a</td><td>b</td></tr></table><p>After<sup class='reference'>[2]</sup> it.</p>");
        assert_eq!(doc.text, "Signed 3 May 1901\n\na b\n\nAfter it.");
        match &doc.blocks[0].kind {
            BlockKind::KeyValue { key, value } => {
                assert_eq!(key.slice(&doc.text), "Signed");
                assert_eq!(value.slice(&doc.text), "3 May 1901");
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(doc.blocks[1].kind, BlockKind::Paragraph);
        let doc = read("<p>text");
        assert_eq!(doc.text, "text");
    }
}
