//! Polities from the gazetteer. (Stub.)
use crate::Mention;
use entente_source::Document;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PolityMention {
    /// Stable gazetteer id of the entity, e.g. `JPN`, `RUS`, `BAV`.
    pub id: String,
    /// Common English short name ("Japan", "Russia").
    pub name: String,
    /// Correlates of War state code, where the polity is in the COW list.
    pub cow: Option<u16>,
    /// ISO 3166 alpha-3, where one exists.
    pub iso3: Option<String>,
    /// The period or formal name the text used ("Russian Empire", "USSR").
    pub form: String,
    /// True for adjectives and combining forms ("Japanese", "Franco-").
    pub adjectival: bool,
}

pub fn find(doc: &Document) -> Vec<Mention> {
    let _ = doc;
    Vec::new()
}
