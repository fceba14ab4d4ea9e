//! The `Store`: SQLite (WAL, versioned schema, one transaction per document)
//! holding documents, their blocks, mentions and claims. (Stub.)

/// The knowledge store. Wraps a private backend.
#[derive(Debug)]
pub struct Store {
    _private: (),
}
