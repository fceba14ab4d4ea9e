//! Entente: the pipeline that turns a folder of documents into a temporal,
//! cited knowledge base. The `entente` binary is a thin CLI over this crate.

pub mod demo;
pub mod derive;
pub mod eval;
pub mod gen;
pub mod ingest;
pub mod kb;
pub mod listing;
pub mod query;
