//! Persons with offices. (Stub.)
use crate::{Mention, Sentence};
use entente_source::Document;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonMention {
    /// The name as written, without titles or offices, order and diacritics kept.
    pub name: String,
    /// Document-local id: every form of one person's name shares it.
    pub person: u32,
    /// "Ambassador", "Foreign Minister", "Prime Minister", ...
    pub office: Option<String>,
    /// Honorific or rank ("Count", "Mr"), dropped from `name`.
    pub title: Option<String>,
    /// Gazetteer id of the polity the office belongs to, where the text gives it.
    pub polity: Option<String>,
}

pub fn find(doc: &Document, sentences: &[Sentence]) -> Vec<Mention> {
    let _ = (doc, sentences);
    Vec::new()
}
