use serde::{Deserialize, Serialize};
use std::path::Path;

/// A half-open byte range `[start, end)` into a [`Document`]'s normalised text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Span {
    /// First byte of the span.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
}

impl Span {
    /// A span from `start` to `end` (`start <= end`).
    pub fn new(start: usize, end: usize) -> Self {
        debug_assert!(start <= end);
        Span { start, end }
    }
    /// Length in bytes.
    pub fn len(&self) -> usize {
        self.end - self.start
    }
    /// Whether the span covers no byte.
    pub fn is_empty(&self) -> bool {
        self.start == self.end
    }
    /// The slice of `text` this span covers, or `""` if it does not fit.
    pub fn slice<'a>(&self, text: &'a str) -> &'a str {
        text.get(self.start..self.end).unwrap_or("")
    }
    /// Whether the two spans share at least one byte.
    pub fn overlaps(&self, other: &Span) -> bool {
        self.start < other.end && other.start < self.end
    }
    /// Whether `other` lies inside this span.
    pub fn contains(&self, other: &Span) -> bool {
        self.start <= other.start && other.end <= self.end
    }
}

/// The input formats Entente reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// Plain text (`.txt`).
    Text,
    /// Markdown (`.md`).
    Markdown,
    /// HTML (`.html`, `.htm`).
    Html,
    /// TEI-XML; any other XML is read as [`Format::Xml`].
    Tei,
    /// Any XML that is not TEI: its text content.
    Xml,
}

impl Format {
    /// The format an extension selects. `.xml` is refined to TEI or plain XML
    /// by the reader once it sees the root element.
    pub fn from_path(path: &Path) -> Option<Format> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "txt" | "text" => Some(Format::Text),
            "md" | "markdown" => Some(Format::Markdown),
            "html" | "htm" | "xhtml" => Some(Format::Html),
            "xml" | "tei" => Some(Format::Xml),
            _ => None,
        }
    }
    /// The lower-case name used in output and storage.
    pub fn as_str(&self) -> &'static str {
        match self {
            Format::Text => "text",
            Format::Markdown => "markdown",
            Format::Html => "html",
            Format::Tei => "tei",
            Format::Xml => "xml",
        }
    }
}

/// Maps each byte of the normalised text back to a byte offset in the original
/// file. Stored as sorted segments `(normalised_start, original_start)` inside
/// which the mapping is linear, so a plain-text file costs a handful of entries
/// rather than one integer per byte.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceMap {
    segments: Vec<(usize, usize)>,
    /// Length of the original file, the image of the end of the text.
    original_len: usize,
    /// Length of the normalised text.
    text_len: usize,
}

impl SourceMap {
    /// An empty map onto an original of `original_len` bytes; fill it with
    /// [`SourceMap::push`] and close it with [`SourceMap::finish`].
    pub fn new(original_len: usize) -> Self {
        SourceMap {
            segments: Vec::new(),
            original_len,
            text_len: 0,
        }
    }
    /// The identity map, for text that needed no normalisation.
    pub fn identity(len: usize) -> Self {
        SourceMap {
            segments: vec![(0, 0)],
            original_len: len,
            text_len: len,
        }
    }
    /// Records that normalised bytes from `normalised` on come from original
    /// bytes from `original` on. Calls must come in increasing order of
    /// `normalised`; a call at the same normalised offset replaces the last one.
    pub fn push(&mut self, normalised: usize, original: usize) {
        if let Some(last) = self.segments.last_mut() {
            // An out-of-order call would break the binary search in
            // `original`; dropping it keeps the map usable (slightly coarser).
            if normalised < last.0 {
                return;
            }
            if last.0 == normalised {
                *last = (normalised, original);
                return;
            }
            // Skip segments that continue the previous one linearly.
            if original >= last.1 && original - last.1 == normalised - last.0 {
                return;
            }
        }
        self.segments.push((normalised, original));
    }
    /// Closes the map once the normalised text has its final length.
    pub fn finish(&mut self, text_len: usize) {
        self.text_len = text_len;
    }
    /// The original offset of normalised byte `pos` (`pos == text.len()` maps
    /// to the end of the original file). Always within `0..=original_len`.
    pub fn original(&self, pos: usize) -> usize {
        if pos >= self.text_len {
            return self.original_len;
        }
        let i = self.segments.partition_point(|&(n, _)| n <= pos);
        if i == 0 {
            return 0;
        }
        let (n, o) = self.segments[i - 1];
        (o + (pos - n)).min(self.original_len)
    }
    /// The original byte range a normalised span comes from.
    pub fn original_span(&self, span: Span) -> Span {
        let start = self.original(span.start);
        let end = if span.end > span.start {
            // The end is exclusive: map the last byte and step past it.
            (self.original(span.end - 1) + 1).min(self.original_len)
        } else {
            start
        };
        Span::new(start, end.max(start))
    }
    /// Length of the original file.
    pub fn original_len(&self) -> usize {
        self.original_len
    }
    /// Length of the normalised text the map was finished with.
    pub fn text_len(&self) -> usize {
        self.text_len
    }
    /// A map for text that is the original shifted by `offset` bytes (a
    /// stripped byte-order mark): normalised byte `i` is original byte
    /// `i + offset`.
    pub fn shifted(text_len: usize, offset: usize, original_len: usize) -> Self {
        SourceMap {
            segments: vec![(0, offset)],
            original_len,
            text_len,
        }
    }
    /// Chains two maps: `self` maps the normalised text to an intermediate
    /// text (for example the UTF-8 decoding of a legacy file) and `inner`
    /// maps that intermediate text to the original bytes. The result maps the
    /// normalised text straight to the original bytes.
    pub fn compose(&self, inner: &SourceMap) -> SourceMap {
        let mut out = SourceMap::new(inner.original_len);
        for (i, &(n, d)) in self.segments.iter().enumerate() {
            let seg_end = self
                .segments
                .get(i + 1)
                .map_or(self.text_len, |next| next.0)
                .max(n);
            out.push(n, inner.original(d));
            // Every break of the inner map inside this linear stretch is a
            // break of the result too.
            let len = seg_end - n;
            let mut j = inner.segments.partition_point(|&(m, _)| m <= d);
            while let Some(&(m, o)) = inner.segments.get(j) {
                if m >= d + len {
                    break;
                }
                out.push(n + (m - d), o.min(inner.original_len));
                j += 1;
            }
        }
        out.finish(self.text_len);
        out
    }
    /// The `(normalised_start, original_start)` segments, in order.
    pub fn segments(&self) -> &[(usize, usize)] {
        &self.segments
    }
}

/// The kind of a structure block.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum BlockKind {
    /// The document's title.
    Title,
    /// A heading; `level` 1 is the highest (TEI: the div depth).
    Heading {
        /// 1 to 6.
        level: u8,
    },
    /// Running prose.
    Paragraph,
    /// One item of a list (the bullet is not part of the span in plain text).
    ListItem,
    /// A block quotation.
    Quote,
    /// An infobox-style `Key: value` line; both parts are spans in the text.
    KeyValue {
        /// The key, e.g. "Date Signed".
        key: Span,
        /// The value, e.g. "1907-06-10".
        value: Span,
    },
    /// Web-capture debris ("[edit]", "Jump to content", "Retrieved …",
    /// numbered reference lists): kept in the text and the source map, but
    /// later stages skip it.
    Boilerplate,
}

/// One structural unit of a document, in reading order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Block {
    /// What the block is.
    #[serde(flatten)]
    pub kind: BlockKind,
    /// Its text in [`Document::text`], without surrounding whitespace.
    pub span: Span,
    /// Index of the TEI `<div>` (or heading section) the block belongs to, so
    /// a heading can date the section under it.
    pub section: Option<u32>,
}

/// An inline markup hint, such as a TEI `<date when>`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum AnnotationKind {
    /// `<date when from to>` (`notBefore`/`notAfter` fill `from`/`to`);
    /// HTML `<time datetime>` fills `when`.
    Date {
        /// A single date, as written in the attribute.
        when: Option<String>,
        /// Start of a range.
        from: Option<String>,
        /// End of a range.
        to: Option<String>,
    },
    /// `<persName key>`.
    Person {
        /// The `key` (or `ref`) attribute.
        key: Option<String>,
    },
    /// `<placeName key>`.
    Place {
        /// The `key` (or `ref`) attribute.
        key: Option<String>,
    },
    /// `<ref target>`, HTML `<a href>`, Markdown links.
    Ref {
        /// The link target.
        target: Option<String>,
    },
}

/// An inline hint with its span in the normalised text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Annotation {
    /// What the markup said.
    #[serde(flatten)]
    pub kind: AnnotationKind,
    /// The text the markup covered.
    pub span: Span,
}

/// A read document: normalised text plus everything needed to point back into
/// the original bytes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Document {
    /// The format the file was read as (`.xml` is refined to TEI or XML).
    pub format: Format,
    /// The title: TEI header title, HTML `<title>`, first Markdown H1, the
    /// first heading of plain text (else its first line).
    pub title: Option<String>,
    /// The normalised text: LF line ends; in markup formats, whitespace
    /// collapsed, entities decoded and blocks separated by a blank line.
    pub text: String,
    /// From every byte of `text` back to the original file.
    pub map: SourceMap,
    /// Structure, in reading order.
    pub blocks: Vec<Block>,
    /// Inline markup hints (TEI dates, persons, places, references).
    pub annotations: Vec<Annotation>,
    /// The legacy encoding the bytes were decoded from, when not UTF-8.
    pub encoding: Option<String>,
    /// Non-fatal problems worth telling the user about.
    pub warnings: Vec<String>,
}
