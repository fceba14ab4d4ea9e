//! The stages that run on a read document before it is stored: recognition
//! and extraction. This is the single call site of both in the pipeline, so
//! `ingest`, `demo` and the benchmark all derive the same things.

use entente_extract::Claim;
use entente_recognise::{Mention, Sentence};
use entente_source::Document;

/// What the later stages derive from one document.
#[derive(Debug, Clone, Default)]
pub struct Derived {
    pub sentences: Vec<Sentence>,
    pub mentions: Vec<Mention>,
    pub claims: Vec<Claim>,
}

/// Recognises sentences and mentions in `doc`, then extracts claims citing
/// the document `id`.
pub fn derive(id: &str, doc: &Document) -> Derived {
    let recognition = entente_recognise::recognise(doc);
    let claims = entente_extract::extract(id, doc, &recognition);
    Derived {
        sentences: recognition.sentences,
        mentions: recognition.mentions,
        claims,
    }
}
