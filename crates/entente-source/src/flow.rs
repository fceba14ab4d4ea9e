//! The shared builder of the markup readers (Markdown, HTML, XML): it
//! collapses whitespace, separates blocks with a blank line and records, for
//! every character it writes, where the character came from.

use crate::{Annotation, AnnotationKind, Block, BlockKind, SourceMap, Span};

/// How many source characters the aligner looks ahead to find a decoded
/// character again after markup it did not expect.
const RESYNC_WINDOW: usize = 12;

/// Accumulates normalised text, its source map and its blocks.
#[derive(Debug)]
pub(crate) struct Flow {
    pub text: String,
    pub map: SourceMap,
    pub blocks: Vec<Block>,
    pub annotations: Vec<Annotation>,
    /// The section index new blocks get.
    pub section: Option<u32>,
    /// Normalised start and section of the block being written, once it has
    /// content.
    open: Option<(usize, Option<u32>)>,
    /// Source offset of a whitespace run not yet written: it becomes one
    /// space if more text follows in the same block.
    pending_space: Option<usize>,
}

impl Flow {
    /// A builder over a source of `source_len` bytes.
    pub fn new(source_len: usize) -> Self {
        Flow {
            text: String::new(),
            map: SourceMap::new(source_len),
            blocks: Vec::new(),
            annotations: Vec::new(),
            section: None,
            open: None,
            pending_space: None,
        }
    }

    /// Writes one character that comes from source offset `at`.
    pub fn push_char(&mut self, c: char, at: usize) {
        if c.is_whitespace() {
            self.space(at);
            return;
        }
        match self.open {
            None => {
                if !self.text.is_empty() {
                    // The separator is synthetic: it maps to the text it
                    // introduces.
                    self.map.push(self.text.len(), at);
                    self.text.push_str("\n\n");
                }
                self.open = Some((self.text.len(), self.section));
            }
            Some(_) => {
                if let Some(space_at) = self.pending_space.take() {
                    self.map.push(self.text.len(), space_at);
                    self.text.push(' ');
                }
            }
        }
        self.map.push(self.text.len(), at);
        self.text.push(c);
    }

    /// A word break at source offset `at` (whitespace, `<br>`, a table cell).
    pub fn space(&mut self, at: usize) {
        if self.open.is_some() && self.pending_space.is_none() {
            self.pending_space = Some(at);
        }
    }

    /// Writes `decoded`, the text a parser produced from the source slice
    /// `raw` starting at source offset `raw_start`. When the two differ
    /// (entities, escapes, line-end normalisation) the characters are
    /// aligned: an entity's character maps to the entity's `&`.
    pub fn push_text(&mut self, decoded: &str, raw: &str, raw_start: usize) {
        if decoded == raw {
            for (i, c) in decoded.char_indices() {
                self.push_char(c, raw_start + i);
            }
            return;
        }
        let mut r = 0usize;
        for (di, c) in decoded.char_indices() {
            let rest = raw.get(r..).unwrap_or("");
            let mut rc = rest.chars();
            let first = rc.next();
            if first == Some('&') {
                // An entity, unless the parser kept it literally (then the
                // decoded text goes on with the same characters).
                let entity = rest
                    .get(..1 + entity_len(rest.get(1..).unwrap_or("")))
                    .unwrap_or("&");
                let literal = decoded.get(di..).is_some_and(|d| d.starts_with(entity));
                if !literal || entity.len() == 1 {
                    self.push_char(c, raw_start + r);
                    r += if literal { 1 } else { entity.len() };
                    continue;
                }
            }
            match first {
                None => self.push_char(c, raw_start + raw.len()),
                Some(x) if x == c => {
                    self.push_char(c, raw_start + r);
                    r += x.len_utf8();
                }
                Some('\r') if c == '\n' => {
                    self.push_char(c, raw_start + r);
                    r += if rest.starts_with("\r\n") { 2 } else { 1 };
                }
                Some('\\') if rest.get(1..).is_some_and(|t| t.starts_with(c)) => {
                    // A Markdown backslash escape.
                    self.push_char(c, raw_start + r + 1);
                    r += 1 + c.len_utf8();
                }
                Some(x) => {
                    // Markup the parser dropped (a code span's backticks,
                    // CDATA brackets): resynchronise on the character if it
                    // comes soon, else step one character at a time.
                    let window = rest.char_indices().take(RESYNC_WINDOW);
                    match window.skip(1).find(|&(_, y)| y == c) {
                        Some((skip, y)) => {
                            self.push_char(c, raw_start + r + skip);
                            r += skip + y.len_utf8();
                        }
                        None => {
                            self.push_char(c, raw_start + r);
                            r += x.len_utf8();
                        }
                    }
                }
            }
        }
    }

    /// Ends the block being written, if it has content, as a block of `kind`.
    pub fn end_block(&mut self, kind: BlockKind) {
        self.pending_space = None;
        if let Some((start, section)) = self.open.take() {
            self.blocks.push(Block {
                kind,
                span: Span::new(start, self.text.len()),
                section,
            });
        }
    }

    /// The current end of the text, to start an annotation.
    pub fn mark(&self) -> usize {
        self.text.len()
    }

    /// Records an annotation over the text written since `start`, trimmed of
    /// the separators written before its first character. Empty annotations
    /// are dropped.
    pub fn annotate(&mut self, kind: AnnotationKind, start: usize) {
        if let Some(span) = self.span_since(start) {
            self.annotations.push(Annotation { kind, span });
        }
    }

    /// The text written since `start`, trimmed of separators, if not empty.
    pub fn span_since(&self, start: usize) -> Option<Span> {
        let end = self.text.len();
        let slice = self.text.get(start..end)?;
        let trimmed_start = start + (slice.len() - slice.trim_start().len());
        let trimmed_end = end - (slice.len() - slice.trim_end().len());
        (trimmed_start < trimmed_end).then(|| Span::new(trimmed_start, trimmed_end))
    }

    /// Where the block being written starts, once it has content.
    pub fn open_start(&self) -> Option<usize> {
        self.open.map(|(start, _)| start)
    }

    /// Closes the text; returns the text, map, blocks and annotations.
    pub fn finish(mut self) -> (String, SourceMap, Vec<Block>, Vec<Annotation>) {
        self.map.finish(self.text.len());
        (self.text, self.map, self.blocks, self.annotations)
    }
}

/// Length of an entity body after its `&`: a name or `#`-number and an
/// optional `;`.
fn entity_len(after_amp: &str) -> usize {
    let body = after_amp
        .bytes()
        .take_while(|b| b.is_ascii_alphanumeric() || *b == b'#')
        .count();
    if after_amp.as_bytes().get(body) == Some(&b';') {
        body + 1
    } else {
        body
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn collapses_whitespace_and_separates_blocks() {
        let src = "  one\n   two  |three ";
        let bar = src.find('|').unwrap();
        let mut f = Flow::new(src.len());
        f.push_text(&src[..bar], &src[..bar], 0);
        f.end_block(BlockKind::Paragraph);
        f.push_text(&src[bar + 1..], &src[bar + 1..], bar + 1);
        f.end_block(BlockKind::Heading { level: 1 });
        let (text, map, blocks, _) = f.finish();
        assert_eq!(text, "one two\n\nthree");
        assert_eq!(blocks.len(), 2);
        assert_eq!(blocks[0].span.slice(&text), "one two");
        assert_eq!(blocks[1].span.slice(&text), "three");
        let o = map.original_span(blocks[1].span);
        assert_eq!(&src[o.start..o.end], "three");
        let o = map.original_span(blocks[0].span);
        assert_eq!(&src[o.start..o.end], "one\n   two");
    }

    #[test]
    fn entities_map_to_their_start() {
        let raw = "Fish &amp; Chips&#33; x";
        let mut f = Flow::new(raw.len());
        f.push_text("Fish & Chips! x", raw, 0);
        f.end_block(BlockKind::Paragraph);
        let (text, map, _, _) = f.finish();
        assert_eq!(text, "Fish & Chips! x");
        assert_eq!(map.original(5), 5);
        assert_eq!(map.original(7), 11); // C
        assert_eq!(map.original(14), raw.len() - 1); // x
    }

    #[test]
    fn annotation_skips_separator() {
        let mut f = Flow::new(20);
        f.push_text("a", "a", 0);
        f.end_block(BlockKind::Paragraph);
        let m = f.mark();
        f.push_text("Kanagawa", "Kanagawa", 5);
        f.annotate(AnnotationKind::Place { key: None }, m);
        let (text, _, _, anns) = f.finish();
        assert_eq!(anns[0].span.slice(&text), "Kanagawa");
    }
}
