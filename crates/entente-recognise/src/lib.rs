//! Recognition: sentences, then mentions with byte spans into the normalised
//! text of a [`Document`]: dates (EDTF), polities (COW codes), persons with
//! offices, places and regions, and agreement names.
//!
//! Gazetteers and rules are data files under `data/` in the repository,
//! compiled into the binary with `include_str!`; each carries examples that a
//! test runs.

pub mod agreement;
pub mod dates;
pub mod edtf;
pub mod gazetteer;
pub mod person;
pub mod place;
pub mod polity;
pub mod sentences;

use entente_source::{Document, Span};
use serde::{Deserialize, Serialize};

/// One sentence of the normalised text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sentence {
    pub span: Span,
    /// Index into [`Document::blocks`] of the block the sentence lies in.
    pub block: Option<usize>,
}

/// A recognised mention. Spans point into [`Document::text`] and never change.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Mention {
    pub span: Span,
    pub kind: MentionKind,
    /// In `0.0..=1.0`; lower for guesses (an unknown place after "signed at").
    pub confidence: f32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum MentionKind {
    Date(dates::DateMention),
    Polity(polity::PolityMention),
    Person(person::PersonMention),
    Place(place::PlaceMention),
    Agreement(agreement::AgreementMention),
}

/// Everything recognised in one document.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Recognition {
    pub sentences: Vec<Sentence>,
    /// Sorted by span start.
    pub mentions: Vec<Mention>,
}

impl Recognition {
    /// The mentions that lie inside `span`.
    pub fn mentions_in(&self, span: Span) -> impl Iterator<Item = &Mention> {
        let first = self.mentions.partition_point(|m| m.span.start < span.start);
        self.mentions[first..]
            .iter()
            .take_while(move |m| m.span.start < span.end)
            .filter(move |m| span.contains(&m.span))
    }
}

/// Runs the whole recognition stage over a document.
pub fn recognise(doc: &Document) -> Recognition {
    let sentences = sentences::split(doc);
    let mut mentions = Vec::new();
    mentions.extend(dates::find(doc, &sentences));
    mentions.extend(polity::find(doc));
    mentions.extend(place::find(doc, &sentences));
    mentions.extend(person::find(doc, &sentences));
    mentions.extend(agreement::find(doc, &sentences));
    mentions.sort_by_key(|m| (m.span.start, std::cmp::Reverse(m.span.end)));
    Recognition {
        sentences,
        mentions,
    }
}
