//! TEI and other XML, through roxmltree.
//!
//! TEI choices:
//! - From the `<teiHeader>` only the title is read: `title[@type="short"]`
//!   when there is one (it names the subject, e.g. a country), otherwise the
//!   first `<title>` of the header. It becomes the first block of the text
//!   ([`BlockKind::Title`]), mapped to its place in the header.
//! - `<div>` opens a section (numbered in document order); `<head>` is a
//!   heading whose level is the div depth; `<p>`, `<ab>` and `<note>` are
//!   paragraphs (notes carry facts too); `<item>` is a list item; a
//!   `<quote>`/`<q>`/`<cit>` standing directly in a div is a quote block, one
//!   inside a paragraph is inline text; `<bibl>` inside `<listBibl>` is
//!   boilerplate; `<row>` is a paragraph and `<cell>` a word break; a `<p>`
//!   holding only one short `<hi>` is a heading one level below its div's.
//! - `<figure>` (its image and caption) is skipped: captions describe
//!   pictures, not events.
//! - Inline tags never add characters, so a tag that ends inside a word
//!   (`Truma</persName>n`) leaves the word whole; `<date>`, `<persName>`,
//!   `<placeName>` and `<ref>` become annotations.

use crate::flow::Flow;
use crate::{AnnotationKind, Block, BlockKind, SourceMap};
use roxmltree::{Node, NodeId, ParsingOptions};

const TEI_NS: &str = "http://www.tei-c.org/ns/1.0";

/// The result of reading XML.
#[derive(Debug)]
pub(crate) struct XmlDoc {
    pub tei: bool,
    pub text: String,
    /// Normalised → decoded offsets.
    pub map: SourceMap,
    pub blocks: Vec<crate::Block>,
    pub annotations: Vec<crate::Annotation>,
    pub title: Option<String>,
}

/// A parse failure, with its 1-based position.
#[derive(Debug)]
pub(crate) struct XmlError {
    pub line: u32,
    pub column: u32,
    pub message: String,
}

/// Reads an XML document held in `src`.
pub(crate) fn read(src: &str) -> Result<XmlDoc, XmlError> {
    let options = ParsingOptions {
        allow_dtd: true,
        ..ParsingOptions::default()
    };
    let doc = roxmltree::Document::parse_with_options(src, options).map_err(|e| {
        let pos = e.pos();
        XmlError {
            line: pos.row,
            column: pos.col,
            message: e.to_string(),
        }
    })?;
    let root = doc.root_element();
    let name = root.tag_name();
    let tei =
        name.namespace() == Some(TEI_NS) || matches!(name.name(), "TEI" | "TEI.2" | "teiCorpus");
    let mut flow = Flow::new(src.len());
    let title = if tei {
        read_tei(src, root, &mut flow)
    } else {
        read_generic(src, root, &mut flow)
    };
    let (text, map, blocks, annotations) = flow.finish();
    Ok(XmlDoc {
        tei,
        text,
        map,
        blocks,
        annotations,
        title,
    })
}

/// Entering or leaving a node, in document order.
enum Edge<'a, 'input> {
    Open(Node<'a, 'input>),
    Close(Node<'a, 'input>),
}

/// The nodes under `root` (itself included) as open/close events, without
/// recursion: deeply nested input must not overflow the stack.
fn traverse<'a, 'input>(root: Node<'a, 'input>) -> Vec<Edge<'a, 'input>> {
    let mut out = Vec::new();
    let mut open: Vec<Node<'a, 'input>> = Vec::new();
    for node in root.descendants() {
        while let Some(top) = open.last() {
            if node.parent().is_some_and(|p| p == *top) {
                break;
            }
            out.push(Edge::Close(*top));
            open.pop();
        }
        out.push(Edge::Open(node));
        open.push(node);
    }
    while let Some(top) = open.pop() {
        out.push(Edge::Close(top));
    }
    out
}

fn push_text_node(flow: &mut Flow, src: &str, node: Node) {
    if let Some(t) = node.text() {
        let range = node.range();
        let mut raw = src.get(range.clone()).unwrap_or("");
        if raw != t {
            // A text node merged with CDATA sections has a range covering
            // only its first part: align against everything up to the next
            // node instead.
            let end = node
                .next_sibling()
                .map(|n| n.range().start)
                .or_else(|| node.parent().map(|p| p.range().end))
                .unwrap_or(range.end)
                .max(range.end);
            raw = src.get(range.start..end).unwrap_or(raw);
        }
        flow.push_text(t, raw, range.start);
    }
}

fn block_text(flow: &Flow, block: Option<&Block>) -> Option<String> {
    block.map(|b| b.span.slice(&flow.text).to_string())
}

fn attr(node: Node, name: &str) -> Option<String> {
    node.attribute(name).map(str::to_string)
}

/// The header title (see the module doc), written as the first block.
fn tei_title(src: &str, root: Node, flow: &mut Flow) -> Option<String> {
    let header = root
        .children()
        .find(|n| n.tag_name().name() == "teiHeader")?;
    let titles: Vec<Node> = header
        .descendants()
        .filter(|n| n.is_element() && n.tag_name().name() == "title")
        .collect();
    let title = titles
        .iter()
        .find(|t| t.attribute("type") == Some("short"))
        .or_else(|| titles.first())?;
    for t in title.descendants().filter(|n| n.is_text()) {
        push_text_node(flow, src, t);
    }
    let before = flow.blocks.len();
    flow.end_block(BlockKind::Title);
    block_text(flow, flow.blocks.get(before))
}

/// What a TEI element does to the structure.
enum Role {
    Skip,
    Section,
    Block(BlockKind),
    /// Ends the current block but is not one (lists, tables).
    Container,
    Space,
    Inline,
}

fn tei_role(node: Node, bibl_list_depth: usize) -> Role {
    let parent = node
        .parent_element()
        .map(|p| p.tag_name().name())
        .unwrap_or("");
    let in_division = matches!(
        parent,
        "div" | "div1" | "div2" | "div3" | "div4" | "div5" | "div6" | "body" | "front" | "back"
    );
    match node.tag_name().name() {
        "teiHeader" | "figure" | "graphic" | "facsimile" => Role::Skip,
        "div" | "div1" | "div2" | "div3" | "div4" | "div5" | "div6" => Role::Section,
        "head" => Role::Block(BlockKind::Heading { level: 1 }),
        "p" | "ab" | "note" | "row" => Role::Block(BlockKind::Paragraph),
        "item" => Role::Block(BlockKind::ListItem),
        "quote" | "q" | "cit" if in_division => Role::Block(BlockKind::Quote),
        "bibl" if bibl_list_depth > 0 => Role::Block(BlockKind::Boilerplate),
        "list" | "listBibl" | "table" | "front" | "body" | "back" | "text" | "group" => {
            Role::Container
        }
        "lb" | "cell" => Role::Space,
        _ => Role::Inline,
    }
}

/// A `<p>` holding nothing but one short `<hi>` (`<p><hi rend="strong">Planning
/// the Voyage</hi></p>`) is a sub-heading in all but name.
fn pseudo_heading(p: Node) -> bool {
    if p.tag_name().name() != "p" {
        return false;
    }
    let mut his = 0;
    for child in p.children() {
        if child.is_text() {
            if child.text().is_some_and(|t| !t.trim().is_empty()) {
                return false;
            }
        } else if child.is_element() {
            if child.tag_name().name() != "hi" {
                return false;
            }
            his += 1;
        }
    }
    let text: String = p
        .descendants()
        .filter(|n| n.is_text())
        .filter_map(|n| n.text())
        .collect();
    let text = text.trim();
    his == 1 && !text.is_empty() && text.chars().count() <= 80 && !text.ends_with('.')
}

fn annotation_kind(node: Node) -> Option<AnnotationKind> {
    match node.tag_name().name() {
        "date" => Some(AnnotationKind::Date {
            when: attr(node, "when"),
            from: attr(node, "from").or_else(|| attr(node, "notBefore")),
            to: attr(node, "to").or_else(|| attr(node, "notAfter")),
        }),
        "persName" => Some(AnnotationKind::Person {
            key: attr(node, "key").or_else(|| attr(node, "ref")),
        }),
        "placeName" => Some(AnnotationKind::Place {
            key: attr(node, "key").or_else(|| attr(node, "ref")),
        }),
        "ref" => Some(AnnotationKind::Ref {
            target: attr(node, "target"),
        }),
        _ => None,
    }
}

fn read_tei(src: &str, root: Node, flow: &mut Flow) -> Option<String> {
    let title = tei_title(src, root, flow);
    // Open block kinds; text outside any block is a paragraph.
    let mut stack: Vec<(NodeId, BlockKind)> = Vec::new();
    let mut divs: Vec<(NodeId, u32)> = Vec::new();
    let mut sections = 0u32;
    let mut skipping: Option<NodeId> = None;
    let mut marks: Vec<(NodeId, usize)> = Vec::new();
    let mut bibl_lists: Vec<NodeId> = Vec::new();
    let current = |stack: &[(NodeId, BlockKind)]| {
        stack
            .last()
            .map_or(BlockKind::Paragraph, |(_, k)| k.clone())
    };
    for edge in traverse(root) {
        match edge {
            Edge::Open(node) => {
                if skipping.is_some() {
                    continue;
                }
                if node.is_text() {
                    push_text_node(flow, src, node);
                    continue;
                }
                if !node.is_element() {
                    continue;
                }
                if node.tag_name().name() == "listBibl" {
                    bibl_lists.push(node.id());
                }
                match tei_role(node, bibl_lists.len()) {
                    Role::Skip => skipping = Some(node.id()),
                    Role::Section => {
                        flow.end_block(current(&stack));
                        divs.push((node.id(), sections));
                        flow.section = Some(sections);
                        sections = sections.saturating_add(1);
                    }
                    Role::Block(kind) => {
                        flow.end_block(current(&stack));
                        let depth = divs.len().clamp(1, 6);
                        let kind = match kind {
                            BlockKind::Heading { .. } => BlockKind::Heading {
                                level: u8::try_from(depth).unwrap_or(6),
                            },
                            BlockKind::Paragraph if pseudo_heading(node) => BlockKind::Heading {
                                level: u8::try_from(depth + 1).unwrap_or(6),
                            },
                            k => k,
                        };
                        stack.push((node.id(), kind));
                    }
                    Role::Container => flow.end_block(current(&stack)),
                    Role::Space => flow.space(node.range().start),
                    Role::Inline => {}
                }
                if annotation_kind(node).is_some() {
                    marks.push((node.id(), flow.mark()));
                }
            }
            Edge::Close(node) => {
                if let Some(id) = skipping {
                    if id == node.id() {
                        skipping = None;
                    }
                    continue;
                }
                if !node.is_element() {
                    continue;
                }
                if marks.last().is_some_and(|(id, _)| *id == node.id()) {
                    if let (Some((_, start)), Some(kind)) = (marks.pop(), annotation_kind(node)) {
                        flow.annotate(kind, start);
                    }
                }
                if stack.last().is_some_and(|(id, _)| *id == node.id()) {
                    flow.end_block(current(&stack));
                    stack.pop();
                } else if divs.last().is_some_and(|(id, _)| *id == node.id()) {
                    flow.end_block(current(&stack));
                    divs.pop();
                    flow.section = divs.last().map(|(_, s)| *s);
                } else if matches!(tei_role(node, bibl_lists.len()), Role::Container) {
                    flow.end_block(current(&stack));
                }
                if bibl_lists.last() == Some(&node.id()) {
                    bibl_lists.pop();
                }
            }
        }
    }
    flow.end_block(current(&stack));
    title
}

/// Any other XML: an element holding text of its own is a paragraph, unless
/// its parent holds text too (then it is inline markup, as in mixed content).
/// The first element named `title` gives the title.
fn read_generic(src: &str, root: Node, flow: &mut Flow) -> Option<String> {
    let has_text = |n: Node| {
        n.children()
            .any(|c| c.is_text() && c.text().is_some_and(|t| !t.trim().is_empty()))
    };
    let mut title = None;
    let mut open: Vec<(NodeId, bool)> = Vec::new();
    for edge in traverse(root) {
        match edge {
            Edge::Open(node) => {
                if node.is_text() {
                    push_text_node(flow, src, node);
                } else if node.is_element()
                    && has_text(node)
                    && !node.parent_element().is_some_and(has_text)
                {
                    flow.end_block(BlockKind::Paragraph);
                    let is_title =
                        title.is_none() && node.tag_name().name().eq_ignore_ascii_case("title");
                    open.push((node.id(), is_title));
                }
            }
            Edge::Close(node) => {
                if let Some(&(id, is_title)) = open.last() {
                    if id == node.id() {
                        open.pop();
                        let before = flow.blocks.len();
                        if is_title {
                            flow.end_block(BlockKind::Title);
                            title = block_text(flow, flow.blocks.get(before));
                        } else {
                            flow.end_block(BlockKind::Paragraph);
                        }
                    }
                }
            }
        }
    }
    flow.end_block(BlockKind::Paragraph);
    title
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    const TEI: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<TEI xmlns="http://www.tei-c.org/ns/1.0">
  <teiHeader><fileDesc><titleStmt>
    <title type="complete">A Long Title: Ruritania</title>
    <title type="short">Ruritania</title>
  </titleStmt><publicationStmt><p>Header text to ignore</p></publicationStmt></fileDesc></teiHeader>
  <text><body>
    <div type="section">
      <head>Recognition</head>
      <div type="timeline">
        <head>Recognition, <date when="1901">1901</date>.</head>
        <p>The envoy <persName key="x">Anna
            Exampl</persName>e met officials at <placeName key="zenda">Zenda</placeName>
           on <date when="1901-05-02">May 2, 1901</date> &amp; left.<list>
           <item>First post (<date from="1902" to="1905">1902-05</date>);</item></list> Then more.</p>
        <figure><head>A picture caption</head></figure>
        <p> <hi rend="strong">A Sub Heading</hi> </p>
      </div>
    </div>
    <div type="appendix"><head>Resources</head>
      <listBibl><bibl>See <ref target="https://example.org/">this page</ref></bibl></listBibl>
    </div>
  </body></text>
</TEI>"#;

    #[test]
    fn tei_structure_and_annotations() {
        let doc = read(TEI).unwrap();
        assert!(doc.tei);
        assert_eq!(doc.title.as_deref(), Some("Ruritania"));
        let blocks: Vec<(BlockKind, &str, Option<u32>)> = doc
            .blocks
            .iter()
            .map(|b| (b.kind.clone(), b.span.slice(&doc.text), b.section))
            .collect();
        assert_eq!(
            blocks,
            vec![
                (BlockKind::Title, "Ruritania", None),
                (BlockKind::Heading { level: 1 }, "Recognition", Some(0)),
                (
                    BlockKind::Heading { level: 2 },
                    "Recognition, 1901.",
                    Some(1)
                ),
                (
                    BlockKind::Paragraph,
                    "The envoy Anna Example met officials at Zenda on May 2, 1901 & left.",
                    Some(1)
                ),
                (BlockKind::ListItem, "First post (1902-05);", Some(1)),
                (BlockKind::Paragraph, "Then more.", Some(1)),
                (BlockKind::Heading { level: 3 }, "A Sub Heading", Some(1)),
                (BlockKind::Heading { level: 1 }, "Resources", Some(2)),
                (BlockKind::Boilerplate, "See this page", Some(2)),
            ]
        );
        assert!(!doc.text.contains("Header text"));
        assert!(!doc.text.contains("caption"));
        let anns: Vec<(&AnnotationKind, &str)> = doc
            .annotations
            .iter()
            .map(|a| (&a.kind, a.span.slice(&doc.text)))
            .collect();
        assert_eq!(anns.len(), 6);
        assert_eq!(anns[1].1, "Anna Exampl");
        assert_eq!(
            anns[1].0,
            &AnnotationKind::Person {
                key: Some("x".into())
            }
        );
        assert_eq!(anns[2].1, "Zenda");
        assert_eq!(anns[4].1, "1902-05");
        assert_eq!(
            anns[4].0,
            &AnnotationKind::Date {
                when: None,
                from: Some("1902".into()),
                to: Some("1905".into())
            }
        );
        assert_eq!(anns[5].1, "this page");
        // Spans point back to the same words in the source.
        for a in &doc.annotations {
            let o = doc.map.original_span(a.span);
            let first_word = a.span.slice(&doc.text).split(' ').next().unwrap();
            assert!(TEI[o.start..o.end].starts_with(first_word), "{a:?}");
        }
    }

    #[test]
    fn generic_xml_paragraphs() {
        let src = "<doc><title>Notes</title><entry><text>Some <b>bold</b> words</text></entry><entry><text>More</text></entry></doc>";
        let doc = read(src).unwrap();
        assert!(!doc.tei);
        assert_eq!(doc.text, "Notes\n\nSome bold words\n\nMore");
        assert_eq!(doc.title.as_deref(), Some("Notes"));
        assert_eq!(doc.blocks.len(), 3);
        assert_eq!(doc.blocks[0].kind, BlockKind::Title);
    }

    #[test]
    fn malformed_xml_position() {
        let err = read("<a>\n  <b>text</a>").unwrap_err();
        assert_eq!(err.line, 2);
        assert!(err.column > 1);
    }
}
