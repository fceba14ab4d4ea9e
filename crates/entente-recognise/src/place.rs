//! Places and regions. (Stub.)
use crate::{Mention, Sentence};
use entente_source::Document;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlaceMention {
    /// Gazetteer id, or the surface form for an unknown place.
    pub id: String,
    /// Canonical name ("Fujian" for "Fukien").
    pub name: String,
    /// `city`, `region`, `province`, ...
    pub category: String,
    /// Ids of the enclosing regions, innermost first (South Manchuria -> Manchuria).
    pub within: Vec<String>,
    /// True when the place is not in the gazetteer (e.g. after "signed at").
    pub unknown: bool,
}

pub fn find(doc: &Document, sentences: &[Sentence]) -> Vec<Mention> {
    let _ = (doc, sentences);
    Vec::new()
}
