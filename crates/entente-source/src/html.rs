//! HTML through the html5gum tokenizer, which gives byte spans for every
//! token. There is no tree building: a stack of open block elements is enough
//! to cut the text into blocks, and it tolerates the unclosed and truncated
//! markup found in web captures.
//!
//! Dropped with their content (not in the text at all): `script`, `style`,
//! `noscript`, `template`, `svg`, `nav`, `header`, `footer`, `aside`, `form`,
//! `iframe`, `select`, `button`. `<title>` gives the title (else the first
//! `<h1>`). `<time datetime>` and `<a href>` become annotations.

use crate::boilerplate;
use crate::flow::Flow;
use crate::{AnnotationKind, BlockKind, SourceMap};
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
        "p" | "div" | "td" | "th" | "tr" | "pre" | "section" | "article" | "main" | "table"
        | "ul" | "ol" | "dl" | "figcaption" | "caption" | "address" | "center" | "body"
        | "html" | "figure" | "fieldset" | "details" | "summary" | "tbody" | "thead" => plain,
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
        "td" | "th" => &["td", "th"],
        "tr" => &["tr", "td", "th"],
        "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => &["h1", "h2", "h3", "h4", "h5", "h6", "p"],
        _ => &[],
    }
}

/// Reads HTML text.
pub(crate) fn read(src: &str) -> HtmlDoc {
    let mut emitter = DefaultEmitter::<usize>::new_with_span();
    // Switches to raw-text states after <script>, <style>, <textarea>...,
    // so their content is one string instead of bogus tags.
    emitter.naively_switch_states(true);
    let tokenizer = Tokenizer::new_with_emitter(src, emitter);
    let mut flow = Flow::new(src.len());
    let mut stack: Vec<(String, BlockKind)> = Vec::new();
    let mut dropping: Option<(String, usize)> = None;
    let mut marks: Vec<(String, usize, AnnotationKind)> = Vec::new();
    let mut sections: Option<u32> = None;
    let current = |stack: &[(String, BlockKind)]| {
        stack
            .last()
            .map_or(BlockKind::Paragraph, |(_, k)| k.clone())
    };
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
                if DROPPED.contains(&name.as_str()) {
                    if !tag.self_closing {
                        flow.end_block(current(&stack));
                        dropping = Some((name, 1));
                    }
                    continue;
                }
                // <title> lives in <head>, which is dropped: read it anyway.
                match name.as_str() {
                    "br" => flow.space(tag.span.start),
                    "hr" => flow.end_block(current(&stack)),
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
                        marks.push((name.clone(), flow.mark(), kind));
                    }
                    _ => {}
                }
                let in_quote = stack.iter().any(|(n, _)| n == "blockquote");
                if let Some(kind) = block_kind(&name, in_quote) {
                    if tag.self_closing {
                        continue;
                    }
                    flow.end_block(current(&stack));
                    let family = closes_same(&name);
                    if stack
                        .last()
                        .is_some_and(|(n, _)| family.contains(&n.as_str()))
                    {
                        stack.pop();
                    }
                    if let BlockKind::Heading { .. } = kind {
                        sections = Some(sections.map_or(0, |s| s.saturating_add(1)));
                        flow.section = sections;
                    }
                    stack.push((name, kind));
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
                        flow.annotate(kind, start);
                    }
                }
                if name == "br" {
                    flow.space(tag.span.start);
                    continue;
                }
                if let Some(at) = stack.iter().rposition(|(n, _)| *n == name) {
                    flow.end_block(current(&stack));
                    stack.truncate(at);
                }
            }
            Token::String(s) => {
                if dropping.is_some() {
                    continue;
                }
                let decoded = String::from_utf8_lossy(&s.value);
                let raw = src.get(s.span.start..s.span.end).unwrap_or("");
                flow.push_text(&decoded, raw, s.span.start);
            }
            Token::Comment(_) | Token::Doctype(_) | Token::Error(_) => {}
        }
    }
    flow.end_block(current(&stack));
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
        let src = "<!DOCTYPE html><html><head><title>Pact &amp; Co</title><style>p{color:red}</style></head>\n<body><nav><a href=\"/\">Home</a></nav><script>var x = '<p>no</p>';</script>\n<h1>The   Pact</h1><p>Signed in <b>Par</b>is on\n <time datetime=\"1907-06-10\">10 June 1907</time>.<p>Second&nbsp;one<ul><li>item one<li>item two</ul><blockquote><p>Quoted words</p></blockquote><div>Jump to content</div><footer>Footer text</footer></body></html>";
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
    }
}
