//! Dates as EDTF. (Stub.)
use crate::{Mention, Sentence};
use entente_source::Document;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DateMention {
    /// The EDTF level-1 string: `1907-06-10`, `1907-06`, `1916-07-03~`, `1904/1905`, `185X`.
    pub edtf: String,
    /// A qualifier the text gave that EDTF cannot hold ("early", "late").
    pub qualifier: Option<String>,
    /// When the year (or more) was inferred from context, the reasoning.
    pub inferred: Option<String>,
}

pub fn find(doc: &Document, sentences: &[Sentence]) -> Vec<Mention> {
    let _ = (doc, sentences);
    Vec::new()
}
