//! Agreement names. (Stub.)
use crate::{Mention, Sentence};
use entente_source::Document;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgreementMention {
    /// The name as written, normalised for spacing ("Franco-Japanese Treaty of 1907").
    pub name: String,
    /// treaty, agreement, convention, alliance, pact, entente, declaration, ...
    pub instrument: String,
    /// A defined or remembered acronym ("RAA").
    pub acronym: Option<String>,
    /// Ordinal within a series ("Second" -> 2).
    pub ordinal: Option<u32>,
    /// Year given in the name ("of 1907").
    pub year: Option<i32>,
    /// Gazetteer ids of polities named in the name ("Franco-Japanese" -> FRA, JPN).
    pub polities: Vec<String>,
    /// True for anaphors and generic references ("the treaty", "the First Treaty").
    pub reference: bool,
}

pub fn find(doc: &Document, sentences: &[Sentence]) -> Vec<Mention> {
    let _ = (doc, sentences);
    Vec::new()
}
