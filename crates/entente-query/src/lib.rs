//! Temporal questions over the Entente knowledge base.
//!
//! Two time axes: **valid time** (an agreement is in force from its
//! effective date, else its signing, until it ends) and **knowledge time**
//! (a secret provision is public from its disclosure; public ones from
//! signing). Dates are EDTF and may be uncertain, so answers are three-valued
//! ([`time::Tri`]): `yes`, `possibly` or `no`, never a false `yes`.
//!
//! [`Base`] prepares a [`KnowledgeBase`] once (times worked out, an
//! interval index over validity); its methods answer as-of state
//! ([`Base::asof`]), dyad dossiers ([`Base::dyad`]), networks
//! ([`Base::network`]) and conflicts ([`Base::conflicts`]); [`export`]
//! writes CSV tables, COW-style dyad-years, GEXF and TimelineJS.
//!
//! ```
//! use entente_extract::resolve::KnowledgeBase;
//! use entente_query::{time::parse_day, Base};
//! let kb = KnowledgeBase::default();
//! let base = Base::new(&kb);
//! let state = base.asof(parse_day("1912-08-01").unwrap(), false);
//! assert!(state.agreements.is_empty());
//! ```

pub mod base;
pub mod dyad;
pub mod export;
pub mod gexf_check;
pub mod index;
pub mod kinds;
pub mod polities;
pub mod search;
pub mod state;
pub mod time;

pub use base::Base;
pub use entente_extract::resolve::KnowledgeBase;

use std::path::PathBuf;

/// Why a query or an export failed.
#[derive(Debug, thiserror::Error)]
pub enum QueryError {
    /// A query date that is not a full day `YYYY-MM-DD`.
    #[error("not a date (want YYYY-MM-DD): {input:?}")]
    BadDate { input: String },
    /// A polity name or code the gazetteer and the base do not know.
    #[error("unknown polity: {input:?}")]
    UnknownPolity { input: String },
    /// No agreement matches the name or id.
    #[error("no agreement matches {query:?}")]
    NoAgreement { query: String },
    /// Writing an export failed.
    #[error("writing {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// Writing a CSV table failed.
    #[error("writing {path}: {source}")]
    Csv {
        path: PathBuf,
        #[source]
        source: csv::Error,
    },
}

/// Results of this crate.
pub type Result<T> = std::result::Result<T, QueryError>;

#[cfg(test)]
mod tests;
