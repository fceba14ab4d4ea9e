//! Readers turn a file's bytes into a [`Document`]: one normalised UTF-8 text,
//! a [`SourceMap`] from every normalised byte back to the original file, the
//! structure [`Block`]s and the inline [`Annotation`]s (TEI tags) as hints.
//!
//! Spans never change once made: later stages (recognition, extraction) point
//! into [`Document::text`] and can always return the original slice.

mod boilerplate;
mod decode;
mod document;
mod error;
mod flow;
mod html;
mod markdown;
mod text;
mod xml;

pub use document::{
    Annotation, AnnotationKind, Block, BlockKind, Document, Format, SourceMap, Span,
};
pub use error::ReadError;

use std::path::Path;

/// The content hash that identifies a document: the same bytes always give the
/// same id, so ingesting a file twice changes nothing.
pub fn document_id(bytes: &[u8]) -> String {
    let hash = blake3::hash(bytes);
    hash.to_hex()[..32].to_string()
}

/// Reads one file from disk, choosing the reader from the extension.
///
/// The file is read once into memory and that buffer becomes the text when it
/// is UTF-8 needing no normalisation, so a large plain-text file is not copied.
pub fn read_path(path: &Path) -> Result<Document, ReadError> {
    if Format::from_path(path).is_none() {
        return Err(ReadError::Unsupported {
            path: path.to_path_buf(),
        });
    }
    let bytes = std::fs::read(path).map_err(|source| ReadError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    read_owned(path, bytes)
}

/// Reads one file's bytes, choosing the reader from the extension.
///
/// `path` is used for the format and for error messages only. This copies
/// `bytes` once; use [`read_owned`] to hand over a buffer instead.
///
/// ```
/// use entente_source::{read_bytes, BlockKind};
/// use std::path::Path;
///
/// let doc = read_bytes(Path::new("note.md"), b"# A Pact\n\nSigned in 1907.\n").unwrap();
/// assert_eq!(doc.title.as_deref(), Some("A Pact"));
/// assert_eq!(doc.blocks[1].kind, BlockKind::Paragraph);
/// assert_eq!(doc.blocks[1].span.slice(&doc.text), "Signed in 1907.");
/// ```
pub fn read_bytes(path: &Path, bytes: &[u8]) -> Result<Document, ReadError> {
    if Format::from_path(path).is_none() {
        return Err(ReadError::Unsupported {
            path: path.to_path_buf(),
        });
    }
    read_owned(path, bytes.to_vec())
}

/// Reads one file's bytes, taking ownership of the buffer so that valid UTF-8
/// plain text becomes the document text without a copy.
///
/// Errors: [`ReadError::Unsupported`] for an unknown extension,
/// [`ReadError::Binary`] for NUL bytes in the first 8 KiB (unless a UTF-16
/// byte-order mark says otherwise), [`ReadError::Empty`] for blank files,
/// [`ReadError::Encoding`] for invalid UTF-8 that does not read as a legacy
/// encoding, and [`ReadError::Xml`] for malformed XML.
pub fn read_owned(path: &Path, bytes: Vec<u8>) -> Result<Document, ReadError> {
    let format = Format::from_path(path).ok_or_else(|| ReadError::Unsupported {
        path: path.to_path_buf(),
    })?;
    let declared = match format {
        Format::Xml | Format::Tei => decode::xml_declared_encoding(&bytes),
        Format::Html => decode::html_declared_encoding(&bytes),
        Format::Text | Format::Markdown => None,
    };
    let decoded = decode::decode(path, bytes, declared)?;
    let decode::Decoded {
        text: src,
        origin,
        encoding,
        warnings,
    } = decoded;
    let (format, text, map, blocks, annotations, title) = match format {
        Format::Text => {
            let d = text::read(src);
            (Format::Text, d.text, d.map, d.blocks, Vec::new(), d.title)
        }
        Format::Markdown => {
            let d = markdown::read(&src);
            (
                Format::Markdown,
                d.text,
                d.map,
                d.blocks,
                d.annotations,
                d.title,
            )
        }
        Format::Html => {
            let d = html::read(&src);
            (
                Format::Html,
                d.text,
                d.map,
                d.blocks,
                d.annotations,
                d.title,
            )
        }
        Format::Xml | Format::Tei => {
            let d = xml::read(&src).map_err(|e| ReadError::Xml {
                path: path.to_path_buf(),
                line: e.line,
                column: e.column,
                message: e.message,
            })?;
            let format = if d.tei { Format::Tei } else { Format::Xml };
            (format, d.text, d.map, d.blocks, d.annotations, d.title)
        }
    };
    let map = origin.apply(map);
    Ok(Document {
        format,
        title,
        text,
        map,
        blocks,
        annotations,
        encoding: encoding.map(str::to_string),
        warnings,
    })
}
