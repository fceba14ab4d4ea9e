//! The `Store`: where Entente keeps documents and everything derived from
//! them (blocks, annotations, sentences, mentions, claims), with versions.
//!
//! As in oxigraph, [`Store`] wraps a private backend (SQLite today; PostgreSQL
//! will come behind a cargo feature), reads run inside a snapshot and writes go
//! through closure transactions ([`Store::transaction`]). Each document is
//! written in one transaction, or under its own savepoint inside a [`Batch`]
//! that commits many at once, so a crash loses nothing already committed and
//! leaves nothing half-written.
//!
//! A document's id is the hash of its content. Ingesting the same content
//! again changes nothing ([`Outcome::Unchanged`]); new content at a path that
//! already holds a current document supersedes it ([`Outcome::NewVersion`]),
//! and every query then ignores the old version and what was derived from it.
//!
//! ```
//! use entente_source::{Block, BlockKind, Document, Format, SourceMap, Span};
//! use entente_store::{IngestItem, Outcome, Store};
//!
//! let text = "Two powers signed a convention.".to_string();
//! let doc = Document {
//!     format: Format::Text,
//!     title: None,
//!     map: SourceMap::identity(text.len()),
//!     blocks: vec![Block { kind: BlockKind::Paragraph, span: Span::new(0, text.len()), section: None }],
//!     text,
//!     annotations: vec![],
//!     encoding: None,
//!     warnings: vec![],
//! };
//! let item = IngestItem {
//!     id: "abc123".into(),
//!     path: "notes/convention.txt".into(),
//!     bytes_len: 31,
//!     doc,
//!     sentences: vec![],
//!     mentions: vec![],
//!     claims: vec![],
//! };
//! let mut store = Store::memory()?;
//! assert_eq!(store.ingest(&item)?, Outcome::New);
//! assert_eq!(store.ingest(&item)?, Outcome::Unchanged);
//! assert_eq!(store.documents()?.len(), 1);
//! assert_eq!(store.search("convention", 10)?.len(), 1);
//! # Ok::<(), entente_store::StoreError>(())
//! ```

mod error;
mod schema;
mod sqlite;

pub use error::{Result, StoreError};

use entente_extract::Claim;
use entente_recognise::{Mention, Sentence};
use entente_source::{Document, Format, Span};
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The schema version this build reads and writes.
pub const SCHEMA_VERSION: i64 = schema::MIGRATIONS.len() as i64;

/// Everything to store for one document: the read document and what the
/// later stages derived from it.
#[derive(Debug, Clone)]
pub struct IngestItem {
    /// The content id, [`entente_source::document_id`] of the file's bytes.
    pub id: String,
    /// Where the document came from. Versions are tracked per path.
    pub path: String,
    /// Size of the original file in bytes.
    pub bytes_len: u64,
    pub doc: Document,
    pub sentences: Vec<Sentence>,
    pub mentions: Vec<Mention>,
    pub claims: Vec<Claim>,
}

/// What [`Store::ingest`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// A document the store had not seen, at a path it had not seen.
    New,
    /// New content at a known path: these current documents (usually one)
    /// were marked superseded by the new one.
    NewVersion { superseded: Vec<String> },
    /// The store already holds this content as a current document; nothing
    /// was written.
    Unchanged,
}

/// A stored document's metadata, without its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocInfo {
    pub id: String,
    pub path: String,
    pub title: Option<String>,
    pub format: Format,
    /// Size of the original file in bytes.
    pub bytes: u64,
    /// Size of the normalised text in bytes.
    pub text_len: u64,
    /// The legacy encoding the file was decoded from, when not UTF-8.
    pub encoding: Option<String>,
    /// Seconds since the Unix epoch.
    pub ingested_at: i64,
    /// The id of the newer version, when this one is superseded.
    pub superseded_by: Option<String>,
    pub counts: Counts,
}

/// Row counts of one document's derived data.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub blocks: u64,
    pub annotations: u64,
    pub sentences: u64,
    pub mentions: u64,
    pub claims: u64,
}

/// A document read back whole.
#[derive(Debug, Clone)]
pub struct StoredDoc {
    pub info: DocInfo,
    pub doc: Document,
    pub sentences: Vec<Sentence>,
    pub mentions: Vec<Mention>,
    pub claims: Vec<Claim>,
}

/// One full-text search hit: a block of a current document.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchHit {
    pub doc: String,
    /// Index into the document's blocks.
    pub block: usize,
    pub span: Span,
    /// BM25 rank; lower is better.
    pub rank: f64,
}

/// Totals over the whole store.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stats {
    /// Current documents.
    pub documents: u64,
    /// Superseded versions still kept.
    pub superseded: u64,
    /// Derived rows of current documents.
    pub counts: Counts,
}

/// The knowledge store. Wraps a private backend.
#[derive(Debug)]
pub struct Store {
    backend: Backend,
    path: PathBuf,
}

#[derive(Debug)]
enum Backend {
    Sqlite(rusqlite::Connection),
}

/// A write transaction, handed to the closure of [`Store::transaction`]. It
/// commits when the closure returns `Ok` and rolls back otherwise.
#[derive(Debug)]
pub struct Transaction<'a> {
    inner: TxInner<'a>,
}

#[derive(Debug)]
enum TxInner<'a> {
    Sqlite(rusqlite::Transaction<'a>),
}

impl Store {
    /// Opens (creating if needed) the SQLite database at `path`, and brings
    /// its schema up to [`SCHEMA_VERSION`].
    ///
    /// Fails with [`StoreError::TooNew`] when a newer build wrote it.
    pub fn open(path: impl AsRef<Path>) -> Result<Store> {
        let path = path.as_ref().to_path_buf();
        let conn = rusqlite::Connection::open(&path).map_err(|source| StoreError::Open {
            path: path.clone(),
            source,
        })?;
        Self::with_connection(conn, path)
    }

    /// A fresh store in memory, for tests and throw-away runs.
    pub fn memory() -> Result<Store> {
        let path = PathBuf::from(":memory:");
        let conn = rusqlite::Connection::open_in_memory().map_err(|source| StoreError::Open {
            path: path.clone(),
            source,
        })?;
        Self::with_connection(conn, path)
    }

    fn with_connection(mut conn: rusqlite::Connection, path: PathBuf) -> Result<Store> {
        sqlite::configure(&conn, &path)?;
        sqlite::migrate(&mut conn, &path)?;
        Ok(Store {
            backend: Backend::Sqlite(conn),
            path,
        })
    }

    /// The database path (`:memory:` for [`Store::memory`]).
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The schema version of the open database.
    pub fn schema_version(&self) -> Result<i64> {
        match &self.backend {
            Backend::Sqlite(c) => sqlite::user_version(c, &self.path),
        }
    }

    /// Runs `f` in one write transaction: committed if it returns `Ok`,
    /// rolled back if it returns `Err` (or panics).
    pub fn transaction<T, E>(
        &mut self,
        f: impl FnOnce(&mut Transaction<'_>) -> std::result::Result<T, E>,
    ) -> std::result::Result<T, E>
    where
        E: From<StoreError>,
    {
        match &mut self.backend {
            Backend::Sqlite(conn) => {
                // IMMEDIATE takes the write lock up front, so a concurrent
                // writer waits (busy timeout) rather than failing mid-way.
                let tx = conn
                    .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
                    .ctx(|| "begin transaction".into())?;
                let mut t = Transaction {
                    inner: TxInner::Sqlite(tx),
                };
                let out = f(&mut t)?;
                match t.inner {
                    TxInner::Sqlite(tx) => tx.commit().ctx(|| "commit".into())?,
                }
                Ok(out)
            }
        }
    }

    /// Stores one document and its derived data in one transaction.
    pub fn ingest(&mut self, item: &IngestItem) -> Result<Outcome> {
        self.transaction(|tx| tx.ingest(item))
    }

    /// A writer that stores many documents with few commits; see [`Batch`].
    pub fn batch(&mut self, limits: BatchLimits) -> Batch<'_> {
        match &mut self.backend {
            Backend::Sqlite(conn) => Batch {
                inner: BatchInner::Sqlite(sqlite::Batch::new(conn, limits)),
            },
        }
    }

    /// Replaces the claims of a stored document, for re-extraction without
    /// reading the file again.
    pub fn replace_claims(&mut self, doc_id: &str, claims: &[Claim]) -> Result<()> {
        self.transaction(|tx| tx.replace_claims(doc_id, claims))
    }

    /// Whether `id` is stored as a current document.
    pub fn has_document(&self, id: &str) -> Result<bool> {
        match &self.backend {
            Backend::Sqlite(c) => sqlite::has_document(c, id),
        }
    }

    /// The ids of all current documents, for skipping known files before
    /// parsing them.
    pub fn current_ids(&self) -> Result<HashSet<String>> {
        match &self.backend {
            Backend::Sqlite(c) => sqlite::current_ids(c),
        }
    }

    /// Current documents, ordered by path.
    pub fn documents(&self) -> Result<Vec<DocInfo>> {
        match &self.backend {
            Backend::Sqlite(c) => sqlite::documents(c, false),
        }
    }

    /// Every stored version, superseded ones included, ordered by path.
    pub fn all_versions(&self) -> Result<Vec<DocInfo>> {
        match &self.backend {
            Backend::Sqlite(c) => sqlite::documents(c, true),
        }
    }

    /// The full id of the one document (current or superseded) whose id is
    /// `id_or_prefix` or starts with it. A prefix matching several documents
    /// is [`StoreError::Ambiguous`]; an exact id always wins.
    pub fn resolve_id(&self, id_or_prefix: &str) -> Result<Option<String>> {
        match &self.backend {
            Backend::Sqlite(c) => sqlite::resolve_id(c, id_or_prefix),
        }
    }

    /// One document, whole, by id or unique id prefix.
    pub fn document(&self, id_or_prefix: &str) -> Result<Option<StoredDoc>> {
        let Some(id) = self.resolve_id(id_or_prefix)? else {
            return Ok(None);
        };
        match &self.backend {
            Backend::Sqlite(c) => sqlite::document(c, &id),
        }
    }

    /// One document's metadata, by id or unique id prefix.
    pub fn doc_info(&self, id_or_prefix: &str) -> Result<Option<DocInfo>> {
        let Some(id) = self.resolve_id(id_or_prefix)? else {
            return Ok(None);
        };
        match &self.backend {
            Backend::Sqlite(c) => sqlite::doc_info(c, &id),
        }
    }

    /// The sentences of one document (current or not), in order.
    pub fn sentences(&self, doc_id: &str) -> Result<Vec<Sentence>> {
        match &self.backend {
            Backend::Sqlite(c) => sqlite::sentences(c, doc_id),
        }
    }

    /// The mentions of one document (current or not), in stored order.
    pub fn mentions(&self, doc_id: &str) -> Result<Vec<Mention>> {
        match &self.backend {
            Backend::Sqlite(c) => sqlite::mentions(c, doc_id),
        }
    }

    /// The claims of one document (current or not), in stored order.
    pub fn claims(&self, doc_id: &str) -> Result<Vec<Claim>> {
        match &self.backend {
            Backend::Sqlite(c) => sqlite::claims(c, doc_id),
        }
    }

    /// The claims of every current document, grouped by document (ordered by
    /// path). Documents without claims are included with an empty list.
    pub fn all_claims(&self) -> Result<Vec<(DocInfo, Vec<Claim>)>> {
        match &self.backend {
            Backend::Sqlite(c) => sqlite::all_claims(c),
        }
    }

    /// How many mentions of each kind (`date`, `polity`, ...) current
    /// documents hold, most frequent first.
    pub fn mention_kind_counts(&self) -> Result<Vec<(String, u64)>> {
        match &self.backend {
            Backend::Sqlite(c) => sqlite::mention_kind_counts(c),
        }
    }

    /// How many claims of each predicate current documents hold, most
    /// frequent first.
    pub fn claim_predicate_counts(&self) -> Result<Vec<(String, u64)>> {
        match &self.backend {
            Backend::Sqlite(c) => sqlite::claim_predicate_counts(c),
        }
    }

    /// Full-text search (FTS5 query syntax) over the blocks of current
    /// documents, best first.
    pub fn search(&self, query: &str, limit: usize) -> Result<Vec<SearchHit>> {
        match &self.backend {
            Backend::Sqlite(c) => sqlite::search(c, query, limit),
        }
    }

    /// Totals over current documents.
    pub fn stats(&self) -> Result<Stats> {
        match &self.backend {
            Backend::Sqlite(c) => sqlite::stats(c),
        }
    }

    /// Checks that every document has exactly the derived rows its row
    /// records, and that no path has two current versions. Returns the
    /// problems found; empty when the store is consistent.
    pub fn consistency_problems(&self) -> Result<Vec<String>> {
        match &self.backend {
            Backend::Sqlite(c) => sqlite::consistency_problems(c),
        }
    }

    /// Runs the backend's own consistency check; `Ok(vec!["ok"])` when fine.
    pub fn integrity_check(&self) -> Result<Vec<String>> {
        match &self.backend {
            Backend::Sqlite(c) => sqlite::integrity_check(c),
        }
    }
}

impl Transaction<'_> {
    /// Stores one document; see [`Store::ingest`].
    pub fn ingest(&mut self, item: &IngestItem) -> Result<Outcome> {
        match &self.inner {
            TxInner::Sqlite(tx) => {
                let mut fts = sqlite::FtsQueue::default();
                let outcome = sqlite::ingest(tx, item, &mut fts)?;
                fts.write(tx)?;
                Ok(outcome)
            }
        }
    }

    /// Replaces a document's claims; see [`Store::replace_claims`].
    pub fn replace_claims(&mut self, doc_id: &str, claims: &[Claim]) -> Result<()> {
        match &self.inner {
            TxInner::Sqlite(tx) => sqlite::replace_claims(tx, doc_id, claims),
        }
    }
}

/// When a [`Batch`] commits on its own account: whichever limit is reached
/// first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BatchLimits {
    /// Documents written (not counting unchanged ones).
    pub documents: usize,
    /// Bytes of normalised text written.
    pub bytes: u64,
    /// Time since the batch's first write. Bounds how long the write lock
    /// is held, and what a killed process can lose, when documents come
    /// slowly.
    pub age: Duration,
}

impl Default for BatchLimits {
    /// Chosen, not tuned (issue 7): on the generated corpus of 5–50 KB
    /// documents, one derive thread delivers about 260 documents (5 MB) a
    /// second, so a batch commits about once a second, where one commit
    /// per document made 260. 8 MB of text bounds the full-text queue's
    /// copy and the dirty pages of a batch of large documents; one second
    /// bounds the lock and what a crash can lose.
    fn default() -> Self {
        BatchLimits {
            documents: 256,
            bytes: 8 << 20,
            age: Duration::from_secs(1),
        }
    }
}

/// Stores many documents in few transactions: each document under its own
/// savepoint, the transaction committed when a [`BatchLimits`] is reached
/// ([`Batch::is_full`]) or on [`Batch::commit`].
///
/// Each document is still stored whole or not at all: one that fails is
/// rolled back alone and the batch goes on. What changes is durability:
/// until the commit, the batch's documents are not yet stored. A crash (or
/// dropping the batch without committing) loses them, and nothing else;
/// since ingest skips content the store holds, running it again stores
/// them. A commit that fails, or an error after which SQLite rolls back the
/// whole transaction (a full disk), loses them the same way and says so
/// with [`StoreError::BatchLost`].
///
/// Why: one commit per document flushed the full-text index and wrote the
/// WAL pages of every touched table each time; per batch, both happen once
/// (issue 7).
///
/// ```
/// # use entente_source::{Block, BlockKind, Document, Format, SourceMap, Span};
/// use entente_store::{BatchLimits, IngestItem, Outcome, Store};
/// # let item = |id: &str, text: &str| {
/// #     let text = text.to_string();
/// #     IngestItem {
/// #         id: id.into(),
/// #         path: format!("{id}.txt"),
/// #         bytes_len: text.len() as u64,
/// #         doc: Document {
/// #             format: Format::Text,
/// #             title: None,
/// #             map: SourceMap::identity(text.len()),
/// #             blocks: vec![Block { kind: BlockKind::Paragraph, span: Span::new(0, text.len()), section: None }],
/// #             text,
/// #             annotations: vec![],
/// #             encoding: None,
/// #             warnings: vec![],
/// #         },
/// #         sentences: vec![],
/// #         mentions: vec![],
/// #         claims: vec![],
/// #     }
/// # };
/// let mut store = Store::memory()?;
/// let mut batch = store.batch(BatchLimits::default());
/// assert_eq!(batch.ingest(&item("a", "A treaty of commerce."))?, Outcome::New);
/// assert_eq!(batch.ingest(&item("b", "A convention on fisheries."))?, Outcome::New);
/// batch.commit()?;
/// drop(batch);
/// assert_eq!(store.documents()?.len(), 2);
/// assert_eq!(store.search("fisheries", 10)?.len(), 1);
/// # Ok::<(), entente_store::StoreError>(())
/// ```
#[derive(Debug)]
pub struct Batch<'a> {
    inner: BatchInner<'a>,
}

#[derive(Debug)]
enum BatchInner<'a> {
    Sqlite(sqlite::Batch<'a>),
}

impl Batch<'_> {
    /// Writes one document under its own savepoint, beginning a
    /// transaction if none is open. On an error the document is rolled
    /// back and the batch's earlier documents stay (unless SQLite rolled
    /// back everything, which the next [`Batch::commit`] reports).
    pub fn ingest(&mut self, item: &IngestItem) -> Result<Outcome> {
        match &mut self.inner {
            BatchInner::Sqlite(b) => b.ingest(item),
        }
    }

    /// Whether the batch should be committed now: a limit is reached, or
    /// its transaction was lost and the loss must be reported.
    pub fn is_full(&self) -> bool {
        match &self.inner {
            BatchInner::Sqlite(b) => b.is_full(),
        }
    }

    /// Whether documents were written and are not yet committed (or were
    /// lost and not yet reported): their fate is known at the next commit.
    pub fn is_pending(&self) -> bool {
        match &self.inner {
            BatchInner::Sqlite(b) => b.is_pending(),
        }
    }

    /// How long until the open transaction reaches [`BatchLimits::age`];
    /// `None` when nothing is pending. A writer waiting for work should
    /// commit once this has passed.
    pub fn time_left(&self) -> Option<Duration> {
        match &self.inner {
            BatchInner::Sqlite(b) => b.time_left(),
        }
    }

    /// Commits what was written since the last commit. On an error nothing
    /// of it is stored ([`StoreError::BatchLost`]); the batch can go on.
    pub fn commit(&mut self) -> Result<()> {
        match &mut self.inner {
            BatchInner::Sqlite(b) => b.commit(),
        }
    }
}

use error::SqlContext;

#[cfg(test)]
mod tests;
