//! Sentence splitting. (Stub: owned by the dates/sentences work.)
use crate::Sentence;
use entente_source::Document;

/// Splits a document into sentences, never across block boundaries.
pub fn split(doc: &Document) -> Vec<Sentence> {
    let _ = doc;
    Vec::new()
}
