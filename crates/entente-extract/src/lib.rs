//! Extraction: rules over sentences and mentions produce [`Claim`]s, the unit
//! of provenance; resolution turns the claims of many documents into one
//! knowledge base of agreements, provisions, events and indicators.
//!
//! - [`extract`]: one document's claims, from its text, structure and
//!   recognised mentions. Triggers, modality cues, provision kinds, infobox
//!   keys and indicator patterns are data (`data/rules/*.tsv`), each file
//!   with examples a test runs.
//! - [`facts::document_facts`]: what one document states, in the facts
//!   interchange format (agreements with name, signing date and place,
//!   parties, signatories, secrecy, end; relations events).
//! - [`resolve::KnowledgeBase::build`]: agreements merged across documents,
//!   every fact cited, disagreements kept as conflicts.
//!
//! Subjects of claims are document-local: `agreement:N`, `event:N`,
//! `indicator:N`. Predicates: `agreement` (declares the entity: name,
//! ordinal, series), `signed`, `place`, `party`, `signatory`, `language`,
//! `effective`, `ratified`, `drafted`, `negotiated`, `renewed`, `revised`,
//! `ended` (with `how` and `by`), `disclosed`, `secret`, `provision`,
//! `led_to`, `event` (value `kind`, `parties`, `place`, `persons`,
//! `ordinal`; the date is the valid time) and `indicator`.

mod extract;
pub mod facts;
mod names;
pub mod resolve;
pub mod rules;
mod spheres;
mod successors;

pub use extract::extract;

/// Compiles the rule patterns that [`extract`] would otherwise compile on
/// its first document, in the opposite order to its own: called on a
/// second thread as a run starts, it builds the sphere cues and the name
/// finder while the first document's own call builds the rule files, so
/// the two halves of the start-up (about a tenth of a second each) overlap.
/// Idempotent and cheap once done; `extract` never needs it.
pub fn prepare() {
    names::prepare();
    spheres::prepare();
    rules::lexicon();
}

use entente_source::Span;
use serde::{Deserialize, Serialize};

/// Where a claim comes from: a document and a byte span of its normalised text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Citation {
    /// The document's content id.
    pub doc: String,
    /// The sentence the claim was read from.
    pub sentence: Span,
    /// The trigger word or structured field that fired the rule.
    pub evidence: Span,
}

/// One statement a document makes, with its provenance. Nothing enters the
/// knowledge base without one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Claim {
    /// The entity the claim is about: a document-local agreement key
    /// (`agreement:3`), a provision (`agreement:3/provision:1`), an event
    /// (`event:7`), an indicator (`indicator:2`) or a polity (`polity:JPN`).
    pub subject: String,
    /// The predicate, e.g. `signed`, `party`, `signatory`, `provision`,
    /// `ended`, `disclosed`, `event`, `indicator`.
    pub predicate: String,
    /// The value, typed by predicate.
    pub value: serde_json::Value,
    /// When the claim holds, as EDTF; `None` when the text gives no date.
    pub valid_time: Option<String>,
    pub source: Citation,
    /// Id of the rule that made the claim.
    pub rule: String,
    /// In `0.0..=1.0`: the rule's measured precision combined with the
    /// distance between the trigger and its arguments.
    pub confidence: f32,
}
