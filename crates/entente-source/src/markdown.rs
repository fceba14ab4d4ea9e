//! Markdown through pulldown-cmark's offset iterator: every text event has
//! its byte range in the source, so the map is exact. The title is the first
//! level-1 heading, which becomes a [`BlockKind::Title`] block. Raw HTML in
//! the Markdown is left out of the text.

use crate::boilerplate;
use crate::flow::Flow;
use crate::{AnnotationKind, BlockKind, SourceMap};
use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};

/// The result of reading Markdown.
#[derive(Debug)]
pub(crate) struct MarkdownDoc {
    pub text: String,
    /// Normalised → decoded offsets.
    pub map: SourceMap,
    pub blocks: Vec<crate::Block>,
    pub annotations: Vec<crate::Annotation>,
    pub title: Option<String>,
}

fn level(l: HeadingLevel) -> u8 {
    match l {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

/// Reads Markdown text.
pub(crate) fn read(src: &str) -> MarkdownDoc {
    let mut flow = Flow::new(src.len());
    // Open containers, innermost last; text takes the kind of the innermost
    // one (a paragraph inside a list item is the list item).
    let mut stack: Vec<BlockKind> = Vec::new();
    let mut marks: Vec<(usize, AnnotationKind)> = Vec::new();
    let mut sections: Option<u32> = None;
    let mut title: Option<String> = None;
    let current = |stack: &[BlockKind]| stack.last().cloned().unwrap_or(BlockKind::Paragraph);
    for (event, range) in Parser::new_ext(src, Options::empty()).into_offset_iter() {
        match event {
            Event::Start(tag) => {
                let kind = match tag {
                    Tag::Heading { level: l, .. } => {
                        let l = level(l);
                        if l == 1 && title.is_none() {
                            Some(BlockKind::Title)
                        } else {
                            sections = Some(sections.map_or(0, |s| s.saturating_add(1)));
                            Some(BlockKind::Heading { level: l })
                        }
                    }
                    Tag::Paragraph | Tag::CodeBlock(_) | Tag::HtmlBlock => {
                        let outer = current(&stack);
                        Some(match outer {
                            BlockKind::ListItem | BlockKind::Quote => outer,
                            _ => BlockKind::Paragraph,
                        })
                    }
                    Tag::Item => Some(BlockKind::ListItem),
                    Tag::BlockQuote(_) => Some(BlockKind::Quote),
                    Tag::List(_) | Tag::FootnoteDefinition(_) | Tag::Table(_) => {
                        Some(current(&stack))
                    }
                    Tag::Link { dest_url, .. } => {
                        marks.push((
                            flow.mark(),
                            AnnotationKind::Ref {
                                target: Some(dest_url.to_string()),
                            },
                        ));
                        None
                    }
                    _ => None,
                };
                if let Some(kind) = kind {
                    flow.end_block(current(&stack));
                    if matches!(kind, BlockKind::Heading { .. }) {
                        flow.section = sections;
                    }
                    stack.push(kind);
                }
            }
            Event::End(end) => match end {
                TagEnd::Link => {
                    if let Some((start, kind)) = marks.pop() {
                        flow.annotate(kind, start);
                    }
                }
                TagEnd::Heading(_)
                | TagEnd::Paragraph
                | TagEnd::CodeBlock
                | TagEnd::HtmlBlock
                | TagEnd::Item
                | TagEnd::BlockQuote(_)
                | TagEnd::List(_)
                | TagEnd::FootnoteDefinition
                | TagEnd::Table => {
                    let kind = current(&stack);
                    let before = flow.blocks.len();
                    flow.end_block(kind.clone());
                    if kind == BlockKind::Title && title.is_none() {
                        title = flow
                            .blocks
                            .get(before)
                            .map(|b| b.span.slice(&flow.text).to_string());
                    }
                    stack.pop();
                }
                _ => {}
            },
            Event::Text(t) | Event::Code(t) => {
                let raw = src.get(range.clone()).unwrap_or("");
                flow.push_text(&t, raw, range.start);
            }
            Event::SoftBreak | Event::HardBreak => flow.space(range.start),
            // Raw HTML is markup, not text.
            Event::Html(_) | Event::InlineHtml(_) => {}
            _ => {}
        }
    }
    flow.end_block(current(&stack));
    let (text, map, mut blocks, annotations) = flow.finish();
    boilerplate::mark(&text, &mut blocks);
    MarkdownDoc {
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

    #[test]
    fn markdown_blocks() {
        let src = "# The Pact\n\nIntro *with* emphasis\nover two lines.\n\n## Terms\n\n- first \\*term\\*\n- second [term](https://example.org)\n\n> A quoted\n> remark.\n\n```\ncode here\n```\n";
        let doc = read(src);
        let got: Vec<(BlockKind, &str, Option<u32>)> = doc
            .blocks
            .iter()
            .map(|b| (b.kind.clone(), b.span.slice(&doc.text), b.section))
            .collect();
        assert_eq!(
            got,
            vec![
                (BlockKind::Title, "The Pact", None),
                (
                    BlockKind::Paragraph,
                    "Intro with emphasis over two lines.",
                    None
                ),
                (BlockKind::Heading { level: 2 }, "Terms", Some(0)),
                (BlockKind::ListItem, "first *term*", Some(0)),
                (BlockKind::ListItem, "second term", Some(0)),
                (BlockKind::Quote, "A quoted remark.", Some(0)),
                (BlockKind::Paragraph, "code here", Some(0)),
            ]
        );
        assert_eq!(doc.title.as_deref(), Some("The Pact"));
        let star = doc.text.find('*').unwrap();
        assert_eq!(doc.map.original(star), src.find("\\*").unwrap() + 1);
        assert_eq!(doc.annotations.len(), 1);
        assert_eq!(doc.annotations[0].span.slice(&doc.text), "term");
        let o = doc.map.original_span(doc.blocks[1].span);
        assert_eq!(
            &src[o.start..o.end],
            "Intro *with* emphasis\nover two lines."
        );
    }
}
