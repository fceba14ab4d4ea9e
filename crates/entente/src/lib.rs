//! Entente: the pipeline that turns a folder of documents into a temporal,
//! cited knowledge base. The `entente` binary is a thin CLI over this crate.

pub mod eval;
pub mod kb;
