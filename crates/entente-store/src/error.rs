use std::path::PathBuf;

/// Why a store operation failed. Every variant says which database or which
/// document it was about.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database file could not be opened or configured.
    #[error("{}: cannot open database: {source}", path.display())]
    Open {
        path: PathBuf,
        #[source]
        source: rusqlite::Error,
    },
    /// The database was written by a newer Entente; reading it with this build
    /// could misread or damage it.
    #[error(
        "{}: database schema version {found} is newer than this build of entente supports ({supported}); use a newer entente",
        path.display()
    )]
    TooNew {
        path: PathBuf,
        found: i64,
        supported: i64,
    },
    /// A migration failed; the database is left at its previous version.
    #[error("{}: migration to schema version {version} failed: {source}", path.display())]
    Migration {
        path: PathBuf,
        version: usize,
        #[source]
        source: rusqlite::Error,
    },
    /// An SQLite error while doing `context` (which names the document when
    /// there is one).
    #[error("{context}: {source}")]
    Sqlite {
        context: String,
        #[source]
        source: rusqlite::Error,
    },
    /// A stored JSON column could not be written or read back.
    #[error("document {doc}: cannot {action} {what}: {source}")]
    Json {
        doc: String,
        action: &'static str,
        what: &'static str,
        #[source]
        source: serde_json::Error,
    },
    /// Stored data contradicts itself (a negative offset, an unknown format).
    #[error("document {doc}: stored data is inconsistent: {message}")]
    Corrupt { doc: String, message: String },
    /// No stored document has this id.
    #[error("document {id}: not in the store")]
    NotFound { id: String },
    /// A document id prefix matched more than one document.
    #[error("document id prefix {prefix:?} is ambiguous: it matches {count} documents")]
    Ambiguous { prefix: String, count: usize },
    /// A [`crate::Batch`]'s transaction did not commit: the documents it
    /// had written since its last commit are not stored (a later ingest
    /// of the same files writes them).
    #[error("{documents} documents written since the last commit were rolled back: {reason}")]
    BatchLost { documents: usize, reason: String },
    /// A full-text query SQLite could not parse.
    #[error("search {query:?}: {source}")]
    Search {
        query: String,
        #[source]
        source: rusqlite::Error,
    },
}

/// Shorthand for results of store operations.
pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// Attaches a context string to an SQLite error.
pub(crate) trait SqlContext<T> {
    fn ctx(self, context: impl FnOnce() -> String) -> Result<T>;
}

impl<T> SqlContext<T> for rusqlite::Result<T> {
    fn ctx(self, context: impl FnOnce() -> String) -> Result<T> {
        self.map_err(|source| StoreError::Sqlite {
            context: context(),
            source,
        })
    }
}
