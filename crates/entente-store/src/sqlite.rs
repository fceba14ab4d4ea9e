//! The SQLite backend.

use crate::error::{Result, SqlContext, StoreError};
use crate::schema::MIGRATIONS;
use crate::{Counts, DocInfo, IngestItem, Outcome, SearchHit, Stats, StoredDoc, SCHEMA_VERSION};
use entente_extract::{Citation, Claim};
use entente_recognise::{Mention, MentionKind, Sentence};
use entente_source::{Annotation, Block, BlockKind, Document, Format, SourceMap, Span};
use rusqlite::{params, Connection, OptionalExtension, Row};
use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// Connection settings, and the refusal of databases from newer builds. Runs
/// before anything is written, so a refused database is left untouched.
pub(crate) fn configure(conn: &Connection, path: &Path) -> Result<()> {
    let open = |source| StoreError::Open {
        path: path.to_path_buf(),
        source,
    };
    // Several processes may share a database (an ingest while `docs` runs);
    // wait for the lock instead of failing at once.
    conn.busy_timeout(Duration::from_secs(30)).map_err(open)?;
    let found = user_version(conn, path)?;
    if found > SCHEMA_VERSION {
        return Err(StoreError::TooNew {
            path: path.to_path_buf(),
            found,
            supported: SCHEMA_VERSION,
        });
    }
    // WAL lets readers run during a write; with WAL, NORMAL still never
    // corrupts the database on a crash, it may only lose the last commits
    // on power loss, not on a killed process.
    let _mode: String = conn
        .query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))
        .map_err(open)?;
    conn.pragma_update(None, "synchronous", "NORMAL")
        .map_err(open)?;
    conn.pragma_update(None, "foreign_keys", true)
        .map_err(open)?;
    // A bigger page cache (32 MiB) keeps a large document's transaction from
    // spilling to the WAL page by page.
    conn.pragma_update(None, "cache_size", -32768)
        .map_err(open)?;
    // Checkpoint every 4000 pages (16 MiB of WAL) rather than SQLite's 1000:
    // with one commit per document, an ingest otherwise checkpoints every
    // few dozen documents, and each checkpoint waits for an fsync and
    // copies again the pages every commit touches (the full-text structure,
    // the ends of the tables). Like any WAL commit under NORMAL, what is not
    // yet checkpointed survives a killed process; only a power loss can
    // take the last commits.
    conn.pragma_update(None, "wal_autocheckpoint", 4000)
        .map_err(open)?;
    Ok(())
}

pub(crate) fn user_version(conn: &Connection, path: &Path) -> Result<i64> {
    conn.query_row("PRAGMA user_version", [], |r| r.get(0))
        .map_err(|source| StoreError::Open {
            path: path.to_path_buf(),
            source,
        })
}

/// Applies the migrations the database lacks, each in its own transaction
/// together with the version bump.
pub(crate) fn migrate(conn: &mut Connection, path: &Path) -> Result<()> {
    // Checked without a lock first, so that opening an up-to-date database
    // never waits for a running writer.
    let start = user_version(conn, path)?;
    for (i, sql) in MIGRATIONS.iter().enumerate() {
        let version = i + 1;
        if start >= to_i64(version) {
            continue;
        }
        let fail = |source| StoreError::Migration {
            path: path.to_path_buf(),
            version,
            source,
        };
        let tx = conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(fail)?;
        // Read inside the write lock: another process may have migrated
        // while we waited for it.
        let current: i64 = tx
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .map_err(fail)?;
        if current >= to_i64(version) {
            continue;
        }
        tx.execute_batch(sql).map_err(fail)?;
        tx.pragma_update(None, "user_version", to_i64(version))
            .map_err(fail)?;
        tx.commit().map_err(fail)?;
    }
    Ok(())
}

fn to_i64(x: usize) -> i64 {
    i64::try_from(x).unwrap_or(i64::MAX)
}

fn to_usize(x: i64, doc: &str, what: &str) -> Result<usize> {
    usize::try_from(x).map_err(|_| StoreError::Corrupt {
        doc: doc.to_string(),
        message: format!("{what} is {x}"),
    })
}

fn span(start: i64, end: i64, doc: &str) -> Result<Span> {
    let (s, e) = (
        to_usize(start, doc, "span start")?,
        to_usize(end, doc, "span end")?,
    );
    if e < s {
        return Err(StoreError::Corrupt {
            doc: doc.to_string(),
            message: format!("span {s}..{e} ends before it starts"),
        });
    }
    Ok(Span::new(s, e))
}

fn to_json<T: serde::Serialize>(value: &T, doc: &str, what: &'static str) -> Result<String> {
    serde_json::to_string(value).map_err(|source| StoreError::Json {
        doc: doc.to_string(),
        action: "encode",
        what,
        source,
    })
}

fn from_json<T: serde::de::DeserializeOwned>(s: &str, doc: &str, what: &'static str) -> Result<T> {
    serde_json::from_str(s).map_err(|source| StoreError::Json {
        doc: doc.to_string(),
        action: "decode",
        what,
        source,
    })
}

/// The serde tag of an internally tagged value (`"kind"` or `"type"`), used
/// as a queryable column next to the JSON.
fn tag(value: &serde_json::Value, field: &str) -> String {
    value
        .get(field)
        .and_then(|v| v.as_str())
        .unwrap_or("unknown")
        .to_string()
}

/// The largest piece of text bound as one SQLite value.
const TEXT_CHUNK: usize = 1 << 20;

/// Splits `text` into pieces of at most `max` bytes (at least one character
/// each), cut on character boundaries so every piece is valid UTF-8.
pub(crate) fn text_chunks(text: &str, max: usize) -> impl Iterator<Item = &str> {
    let mut rest = text;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let mut end = rest.len().min(max);
        while end > 0 && !rest.is_char_boundary(end) {
            end -= 1;
        }
        if end == 0 {
            // `max` is smaller than the first character: take it whole.
            end = rest.char_indices().nth(1).map_or(rest.len(), |(i, _)| i);
        }
        let (head, tail) = rest.split_at(end);
        rest = tail;
        Some(head)
    })
}

/// The text of document `key`, joined from its chunks.
fn read_text(c: &Connection, id: &str, key: i64, len: u64) -> Result<String> {
    let ctx = || format!("document {id}: read text");
    let mut text = String::with_capacity(usize::try_from(len).unwrap_or(0));
    let mut st = c
        .prepare_cached("SELECT text FROM texts WHERE doc = ?1 ORDER BY chunk")
        .ctx(ctx)?;
    let mut rows = st.query([key]).ctx(ctx)?;
    while let Some(row) = rows.next().ctx(ctx)? {
        let chunk = row
            .get_ref(0)
            .ctx(ctx)?
            .as_str()
            .map_err(|e| StoreError::Corrupt {
                doc: id.to_string(),
                message: format!("text chunk: {e}"),
            })?;
        text.push_str(chunk);
    }
    if u64::try_from(text.len()).ok() != Some(len) {
        return Err(StoreError::Corrupt {
            doc: id.to_string(),
            message: format!("text is {} bytes, {len} recorded", text.len()),
        });
    }
    Ok(text)
}

/// The `type` tag of a serialised [`entente_recognise::MentionKind`]: serde
/// writes an internally tagged enum's tag first. Rows of older builds hold
/// the whole mention, whose tag [`mention_kind`] finds.
pub(crate) fn kind_tag(json: &str) -> &str {
    match json.strip_prefix(r#"{"type":""#) {
        Some(rest) => rest.split('"').next().unwrap_or("unknown"),
        None => mention_kind(json),
    }
}

/// A document's mentions as [`encode_mentions`] writes them: each distinct
/// kind once (a document names the same few polities, places and
/// agreements again and again), and per mention its span, confidence and
/// the index of its kind.
#[derive(serde::Deserialize)]
struct MentionSet {
    kinds: Vec<MentionKind>,
    mentions: Vec<(usize, usize, f32, usize)>,
}

/// A document's mentions, from its one `mention_sets` row (none when the
/// document has no mentions). Rows are a [`MentionSet`], or, as migration 3
/// rewrote older rows, an array of `[start, end, confidence, kind]`.
fn mentions_of(c: &Connection, id: &str, key: i64) -> Result<Vec<Mention>> {
    let Some(data) = set_row(c, "mention_sets", id, key)? else {
        return Ok(Vec::new());
    };
    if !data.starts_with('{') {
        let rows: Vec<(i64, i64, f32, MentionKind)> = from_json(&data, id, "mentions")?;
        return rows
            .into_iter()
            .map(|(s, e, confidence, kind)| {
                Ok(Mention {
                    span: span(s, e, id)?,
                    kind,
                    confidence,
                })
            })
            .collect();
    }
    let set: MentionSet = from_json(&data, id, "mentions")?;
    set.mentions
        .into_iter()
        .map(|(s, e, confidence, k)| {
            let kind = set
                .kinds
                .get(k)
                .cloned()
                .ok_or_else(|| StoreError::Corrupt {
                    doc: id.to_string(),
                    message: format!("mention kind {k} of {}", set.kinds.len()),
                })?;
            if e < s {
                return Err(StoreError::Corrupt {
                    doc: id.to_string(),
                    message: format!("span {s}..{e} ends before it starts"),
                });
            }
            Ok(Mention {
                span: Span::new(s, e),
                kind,
                confidence,
            })
        })
        .collect()
}

/// Encodes a document's mentions as their `mention_sets` row: a
/// [`MentionSet`] in JSON, and the JSON object of counts by kind. Written by
/// hand around each kind's JSON, which is needed anyway to find repeats and
/// gives the kind's tag.
///
/// This runs once per mention of every ingested document, so it works in
/// byte buffers: each kind is serialised into one reused buffer and looked
/// up there, and numbers are written without `fmt` (issue 7).
///
/// Most mentions repeat one met before, under the same surface text ("the
/// treaty", "France"): those are first looked for among the kinds already
/// seen with that text, compared as values, so that only new kinds are
/// serialised. Equal values serialise equally, so the row is the same as
/// if every kind had been serialised.
pub(crate) fn encode_mentions(
    mentions: &[Mention],
    text: &str,
    id: &str,
) -> Result<(String, String)> {
    let fail = |source| StoreError::Json {
        doc: id.to_string(),
        action: "encode",
        what: "mention",
        source,
    };
    // Kind JSON -> (index in `kinds`, index in `counts`).
    let mut seen: FastMap<Vec<u8>, (usize, usize)> = FastMap::default();
    let mut out: Vec<u8> = Vec::with_capacity(mentions.len() * 24 + 64);
    out.extend_from_slice(br#"{"kinds":["#);
    let mut refs: Vec<u8> = Vec::with_capacity(mentions.len() * 24 + 16);
    refs.extend_from_slice(br#"],"mentions":["#);
    let mut counts: Vec<(String, u64)> = Vec::new();
    let mut buf: Vec<u8> = Vec::with_capacity(256);
    // Surface text -> the kinds met under it, with their indexes.
    let mut by_text: FastMap<&str, Vec<KnownKind<'_>>> = FastMap::default();
    for (i, m) in mentions.iter().enumerate() {
        let surface = text.get(m.span.start..m.span.end);
        let known = surface
            .and_then(|t| by_text.get(t))
            .and_then(|kinds| kinds.iter().find(|(k, _)| **k == m.kind))
            .map(|(_, kc)| *kc);
        let (k, c) = match known {
            Some(kc) => kc,
            None => {
                buf.clear();
                serde_json::to_writer(&mut buf, &m.kind).map_err(fail)?;
                let kc = encode_kind(&buf, &mut seen, &mut out, &mut counts);
                if let Some(t) = surface {
                    by_text.entry(t).or_default().push((&m.kind, kc));
                }
                kc
            }
        };
        if let Some((_, n)) = counts.get_mut(c) {
            *n += 1;
        }
        if i > 0 {
            refs.push(b',');
        }
        push_span(&mut refs, m.span);
        // serde_json prints an f32 in its shortest round-tripping form.
        serde_json::to_writer(&mut refs, &m.confidence).map_err(fail)?;
        refs.push(b',');
        push_decimal(&mut refs, k as u64);
        refs.push(b']');
    }
    out.extend_from_slice(&refs);
    out.extend_from_slice(b"]}");
    let counts: serde_json::Map<String, serde_json::Value> = counts
        .into_iter()
        .map(|(k, n)| (k, serde_json::Value::from(n)))
        .collect();
    // serde_json writes UTF-8 and the rest is ASCII, so this never fails.
    let data = String::from_utf8(out).map_err(|e| StoreError::Corrupt {
        doc: id.to_string(),
        message: format!("mention encoding: {e}"),
    })?;
    Ok((data, serde_json::Value::Object(counts).to_string()))
}

/// A document's sentences as their `sentence_sets` row: a JSON array of
/// `[start, end, block]`, `block` null when the sentence is in none.
pub(crate) fn encode_sentences(sentences: &[Sentence]) -> String {
    let mut out: Vec<u8> = Vec::with_capacity(sentences.len() * 16 + 2);
    out.push(b'[');
    for (i, s) in sentences.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        push_span(&mut out, s.span);
        match s.block {
            Some(b) => push_decimal(&mut out, b as u64),
            None => out.extend_from_slice(b"null"),
        }
        out.push(b']');
    }
    out.push(b']');
    // Only ASCII digits and punctuation were written, so this takes the
    // buffer as it is, without a copy.
    String::from_utf8(out).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// A mention kind already encoded, with its index in the kinds list and in
/// the counts by tag.
type KnownKind<'a> = (&'a MentionKind, (usize, usize));

/// The indexes (in the kinds list, in the counts by tag) of the kind whose
/// JSON is `json`, appending it to `out` and to `counts` when new.
fn encode_kind(
    json: &[u8],
    seen: &mut FastMap<Vec<u8>, (usize, usize)>,
    out: &mut Vec<u8>,
    counts: &mut Vec<(String, u64)>,
) -> (usize, usize) {
    if let Some(&kc) = seen.get(json) {
        return kc;
    }
    let k = seen.len();
    if k > 0 {
        out.push(b',');
    }
    out.extend_from_slice(json);
    let tag = kind_tag(std::str::from_utf8(json).unwrap_or(""));
    let c = match counts.iter().position(|(t, _)| t == tag) {
        Some(c) => c,
        None => {
            counts.push((tag.to_string(), 0));
            counts.len() - 1
        }
    };
    seen.insert(json.to_vec(), (k, c));
    (k, c)
}

/// A hash map with foldhash's fast hasher: its keys are the kinds and
/// surface texts of one document's mentions, hashed once per mention, where
/// SipHash cost a few percent of the store's time. The seed is random per
/// process, so a crafted document cannot aim at collisions in advance.
type FastMap<K, V> = HashMap<K, V, foldhash::fast::RandomState>;

/// Opens a row array with a span's ends: `[start,end,`.
fn push_span(out: &mut Vec<u8>, span: Span) {
    out.push(b'[');
    push_decimal(out, span.start as u64);
    out.push(b',');
    push_decimal(out, span.end as u64);
    out.push(b',');
}

/// Appends `n` in decimal, as `Display` would, without the `fmt` machinery.
fn push_decimal(out: &mut Vec<u8>, n: u64) {
    out.extend_from_slice(itoa::Buffer::new().format(n).as_bytes());
}

/// The `type` tag of a serialised mention's kind (`date`, `polity`, ...).
/// serde writes an internally tagged enum's tag first, and the span before
/// the kind holds only numbers, so the first `"kind":{"type":"` is the one.
pub(crate) fn mention_kind(json: &str) -> &str {
    const MARK: &str = r#""kind":{"type":""#;
    json.find(MARK)
        .and_then(|at| json.get(at + MARK.len()..))
        .and_then(|rest| rest.split('"').next())
        .unwrap_or("unknown")
}

/// Stores one document inside the caller's transaction. Its full-text rows
/// go to `fts` (see [`FtsQueue`]), which the caller writes before it commits.
pub(crate) fn ingest(tx: &Connection, item: &IngestItem, fts: &mut FtsQueue) -> Result<Outcome> {
    let id = item.id.as_str();
    let ctx = |what: &str| format!("document {id} ({}): {what}", item.path);
    fts.begin();
    // Cached statements throughout: parsing them again for every document
    // was a visible share of a small document's cost.
    let existing: Option<(i64, Option<String>)> = tx
        .prepare_cached("SELECT key, superseded_by FROM documents WHERE id = ?1")
        .ctx(|| ctx("look up"))?
        .query_row([id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()
        .ctx(|| ctx("look up"))?;
    match existing {
        Some((_, None)) => return Ok(Outcome::Unchanged),
        // Content that an edit had replaced is back: derive it afresh (the
        // rules may have changed since) and make it current again.
        Some((key, Some(_))) => delete_document(tx, id, key, fts)?,
        None => {}
    }

    let doc = &item.doc;
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
        .unwrap_or(0);
    tx.prepare_cached(
        "INSERT INTO documents (id, path, title, format, bytes, encoding, text_len, source_map,
             warnings, ingested_at, superseded_by, n_blocks, n_annotations, n_sentences,
             n_mentions, n_claims)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, NULL, ?11, ?12, ?13, ?14, ?15)",
    )
    .ctx(|| ctx("insert"))?
    .execute(params![
        id,
        item.path,
        doc.title,
        doc.format.as_str(),
        i64::try_from(item.bytes_len).unwrap_or(i64::MAX),
        doc.encoding,
        to_i64(doc.text.len()),
        to_json(&doc.map, id, "source map")?,
        to_json(&doc.warnings, id, "warnings")?,
        now,
        to_i64(doc.blocks.len()),
        to_i64(doc.annotations.len()),
        to_i64(item.sentences.len()),
        to_i64(item.mentions.len()),
        to_i64(item.claims.len()),
    ])
    .ctx(|| ctx("insert"))?;
    let key = tx.last_insert_rowid();
    {
        let mut st = tx
            .prepare_cached("INSERT INTO texts (doc, chunk, text) VALUES (?1, ?2, ?3)")
            .ctx(|| ctx("insert text"))?;
        for (i, chunk) in text_chunks(&doc.text, TEXT_CHUNK).enumerate() {
            st.execute(params![key, to_i64(i), chunk])
                .ctx(|| ctx("insert text"))?;
        }
    }

    let superseded = {
        let mut st = tx
            .prepare_cached(
                "UPDATE documents SET superseded_by = ?1
                 WHERE path = ?2 AND superseded_by IS NULL AND id <> ?1
                 RETURNING id",
            )
            .ctx(|| ctx("supersede"))?;
        let rows = st
            .query_map(params![id, item.path], |r| r.get::<_, String>(0))
            .ctx(|| ctx("supersede"))?;
        rows.collect::<rusqlite::Result<Vec<String>>>()
            .ctx(|| ctx("supersede"))?
    };

    insert_blocks(tx, id, key, doc, fts)?;
    if !doc.annotations.is_empty() {
        // One row for all of them: see schema version 4.
        tx.prepare_cached("INSERT INTO annotation_sets (doc, data) VALUES (?1, ?2)")
            .ctx(|| ctx("insert annotations"))?
            .execute(params![key, to_json(&doc.annotations, id, "annotations")?])
            .ctx(|| ctx("insert annotations"))?;
    }
    if !item.sentences.is_empty() {
        // One row for all of them: see schema version 4.
        tx.prepare_cached("INSERT INTO sentence_sets (doc, data) VALUES (?1, ?2)")
            .ctx(|| ctx("insert sentences"))?
            .execute(params![key, encode_sentences(&item.sentences)])
            .ctx(|| ctx("insert sentences"))?;
    }
    if !item.mentions.is_empty() {
        // One row for all of them: see schema version 3.
        let (data, kinds) = encode_mentions(&item.mentions, &doc.text, id)?;
        tx.prepare_cached("INSERT INTO mention_sets (doc, data, kinds) VALUES (?1, ?2, ?3)")
            .ctx(|| ctx("insert mentions"))?
            .execute(params![key, data, kinds])
            .ctx(|| ctx("insert mentions"))?;
    }
    insert_claims(tx, id, key, &item.claims)?;
    fts.keep();

    Ok(if superseded.is_empty() {
        Outcome::New
    } else {
        Outcome::NewVersion { superseded }
    })
}

/// The full-text rowid of block `idx` of document `key`.
fn fts_rowid(key: i64, idx: usize) -> i64 {
    (key << 32) | (to_i64(idx) & 0xffff_ffff)
}

/// One full-text row: queued ones at the commit, a large text's at once.
const INSERT_FTS: &str = "INSERT INTO blocks_fts (rowid, text) VALUES (?1, ?2)";

/// Texts larger than this are indexed as they are written, not queued.
const FTS_QUEUE_MAX_TEXT: usize = TEXT_CHUNK;

/// Full-text rows held back until just before their transaction commits.
///
/// FTS5 flushes its in-memory index to disk at every `SAVEPOINT` once the
/// table has been written in the transaction, and a flush (writing a
/// segment, then merging segments) was 29 % of the store's instructions
/// when it happened once per document (callgrind, generated corpus). A
/// [`Batch`] writes each document under its own savepoint, so its
/// full-text rows wait here and are written together, outside any
/// savepoint: one flush per batch.
///
/// The texts live in one buffer, so a queued block costs no allocation of
/// its own.
#[derive(Debug, Default)]
pub(crate) struct FtsQueue {
    text: String,
    /// `(rowid, start, end)`, the block's text being `text[start..end]`.
    rows: Vec<(i64, usize, usize)>,
    /// Where the document being written started, to undo it or to apply
    /// `forgotten` to what came before it.
    begin: (usize, usize),
    /// Keys whose earlier rows the document being written deleted.
    forgotten: Vec<i64>,
}

impl FtsQueue {
    /// Starts a document.
    fn begin(&mut self) {
        self.begin = (self.rows.len(), self.text.len());
        self.forgotten.clear();
    }

    fn push(&mut self, rowid: i64, text: &str) {
        let start = self.text.len();
        self.text.push_str(text);
        self.rows.push((rowid, start, self.text.len()));
    }

    /// Drops, once the current document is kept, the rows queued before it
    /// for document `key`, which it deleted. Rows it queues itself stay,
    /// even when SQLite gave it the deleted key again.
    fn forget(&mut self, key: i64) {
        self.forgotten.push(key);
    }

    /// The current document is stored: its deletions take effect.
    fn keep(&mut self) {
        if self.forgotten.is_empty() {
            return;
        }
        let (cut, _) = self.begin;
        let forgotten = std::mem::take(&mut self.forgotten);
        let mut i = 0;
        self.rows.retain(|&(rowid, _, _)| {
            let keep = i >= cut || !forgotten.contains(&(rowid >> 32));
            i += 1;
            keep
        });
    }

    /// The current document was rolled back: so are its rows.
    pub(crate) fn rollback(&mut self) {
        let (rows, text) = self.begin;
        self.rows.truncate(rows);
        self.text.truncate(text);
        self.forgotten.clear();
    }

    pub(crate) fn clear(&mut self) {
        self.text.clear();
        self.rows.clear();
        self.begin = (0, 0);
        self.forgotten.clear();
    }

    /// Writes the waiting rows, in the order they were queued, and empties
    /// the queue.
    pub(crate) fn write(&mut self, c: &Connection) -> Result<()> {
        if self.rows.is_empty() {
            self.clear();
            return Ok(());
        }
        let mut st = c
            .prepare_cached(INSERT_FTS)
            .ctx(|| "index text".to_string())?;
        for &(rowid, start, end) in &self.rows {
            // Offsets were taken from `push`, so this always finds the text.
            let text = self.text.get(start..end).unwrap_or("");
            st.execute(params![rowid, text])
                .ctx(|| format!("document #{}: index text", rowid >> 32))?;
        }
        self.clear();
        Ok(())
    }
}

fn insert_blocks(
    tx: &Connection,
    id: &str,
    key: i64,
    doc: &Document,
    fts: &mut FtsQueue,
) -> Result<()> {
    let ctx = || format!("document {id}: insert blocks");
    let mut st = tx
        .prepare_cached(
            "INSERT INTO blocks (doc, idx, kind, span_start, span_end, section, data)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        )
        .ctx(ctx)?;
    // A large text is indexed at once rather than copied into the queue,
    // so that it is never held twice in memory; its flush then costs what
    // it always did.
    let direct = doc.text.len() > FTS_QUEUE_MAX_TEXT;
    let mut insert_fts = if direct {
        Some(tx.prepare_cached(INSERT_FTS).ctx(ctx)?)
    } else {
        None
    };
    for (i, b) in doc.blocks.iter().enumerate() {
        let v = serde_json::to_value(&b.kind).map_err(|source| StoreError::Json {
            doc: id.to_string(),
            action: "encode",
            what: "block",
            source,
        })?;
        // Most kinds are just their name; keep JSON only for the others.
        let data = match v.as_object() {
            Some(o) if o.len() > 1 => Some(v.to_string()),
            _ => None,
        };
        st.execute(params![
            key,
            to_i64(i),
            tag(&v, "kind"),
            to_i64(b.span.start),
            to_i64(b.span.end),
            b.section,
            data
        ])
        .ctx(ctx)?;
        // Debris stays out of search, as it stays out of extraction.
        if b.kind != BlockKind::Boilerplate {
            let text = b.span.slice(&doc.text);
            if !text.is_empty() {
                match insert_fts.as_mut() {
                    Some(st) => {
                        st.execute(params![fts_rowid(key, i), text]).ctx(ctx)?;
                    }
                    None => fts.push(fts_rowid(key, i), text),
                }
            }
        }
    }
    Ok(())
}

/// Writes a document's claims as one row: see schema version 5.
fn insert_claims(tx: &Connection, id: &str, key: i64, claims: &[Claim]) -> Result<()> {
    if claims.is_empty() {
        return Ok(());
    }
    let ctx = || format!("document {id}: insert claims");
    let (data, predicates) = encode_claims(claims, id)?;
    tx.prepare_cached("INSERT INTO claim_sets (doc, data, predicates) VALUES (?1, ?2, ?3)")
        .ctx(ctx)?
        .execute(params![key, data, predicates])
        .ctx(ctx)?;
    Ok(())
}

/// Removes a document and everything derived from it.
fn delete_document(tx: &Connection, id: &str, key: i64, fts: &mut FtsQueue) -> Result<()> {
    let ctx = || format!("document {id}: delete old version");
    // Rows of this key still queued belong to the version going away (and
    // the key may be reused by the next document).
    fts.forget(key);
    tx.execute(
        "DELETE FROM blocks_fts WHERE rowid >= ?1 AND rowid < ?2",
        params![key << 32, (key + 1) << 32],
    )
    .ctx(ctx)?;
    // Derived rows go by ON DELETE CASCADE.
    tx.execute("DELETE FROM documents WHERE key = ?1", [key])
        .ctx(ctx)?;
    Ok(())
}

pub(crate) fn replace_claims(tx: &Connection, id: &str, claims: &[Claim]) -> Result<()> {
    let ctx = || format!("document {id}: replace claims");
    let key = key_of(tx, id)?.ok_or_else(|| StoreError::NotFound { id: id.to_string() })?;
    tx.execute(
        "UPDATE documents SET n_claims = ?2 WHERE key = ?1",
        params![key, to_i64(claims.len())],
    )
    .ctx(ctx)?;
    tx.execute("DELETE FROM claim_sets WHERE doc = ?1", [key])
        .ctx(ctx)?;
    insert_claims(tx, id, key, claims)
}

/// The integer key of document `id`.
fn key_of(c: &Connection, id: &str) -> Result<Option<i64>> {
    c.query_row("SELECT key FROM documents WHERE id = ?1", [id], |r| {
        r.get(0)
    })
    .optional()
    .ctx(|| format!("document {id}: look up"))
}

pub(crate) fn has_document(c: &Connection, id: &str) -> Result<bool> {
    c.query_row(
        "SELECT 1 FROM documents WHERE id = ?1 AND superseded_by IS NULL",
        [id],
        |_| Ok(()),
    )
    .optional()
    .map(|r| r.is_some())
    .ctx(|| format!("document {id}: look up"))
}

pub(crate) fn current_ids(c: &Connection) -> Result<HashSet<String>> {
    let ctx = || "list document ids".to_string();
    let mut st = c
        .prepare("SELECT id FROM documents WHERE superseded_by IS NULL")
        .ctx(ctx)?;
    let rows = st.query_map([], |r| r.get::<_, String>(0)).ctx(ctx)?;
    rows.collect::<rusqlite::Result<HashSet<String>>>().ctx(ctx)
}

const INFO_COLUMNS: &str = "id, path, title, format, bytes, encoding, ingested_at, superseded_by,
    n_blocks, n_annotations, n_sentences, n_mentions, n_claims, text_len";

/// A documents row as SQLite returns it, checked afterwards by [`info`].
type RawInfo = (
    String,
    String,
    Option<String>,
    String,
    i64,
    Option<String>,
    i64,
    Option<String>,
    [i64; 6],
);

fn raw_info(r: &Row<'_>) -> rusqlite::Result<RawInfo> {
    Ok((
        r.get(0)?,
        r.get(1)?,
        r.get(2)?,
        r.get(3)?,
        r.get(4)?,
        r.get(5)?,
        r.get(6)?,
        r.get(7)?,
        [
            r.get(8)?,
            r.get(9)?,
            r.get(10)?,
            r.get(11)?,
            r.get(12)?,
            r.get(13)?,
        ],
    ))
}

fn parse_format(s: &str, doc: &str) -> Result<Format> {
    serde_json::from_value(serde_json::Value::String(s.to_string())).map_err(|_| {
        StoreError::Corrupt {
            doc: doc.to_string(),
            message: format!("unknown format {s:?}"),
        }
    })
}

fn info(raw: RawInfo) -> Result<DocInfo> {
    let (id, path, title, format, bytes, encoding, ingested_at, superseded_by, n) = raw;
    let count = |x: i64, what: &str| -> Result<u64> {
        u64::try_from(x).map_err(|_| StoreError::Corrupt {
            doc: id.clone(),
            message: format!("{what} count is {x}"),
        })
    };
    Ok(DocInfo {
        format: parse_format(&format, &id)?,
        bytes: count(bytes, "byte")?,
        text_len: count(n[5], "text byte")?,
        counts: Counts {
            blocks: count(n[0], "block")?,
            annotations: count(n[1], "annotation")?,
            sentences: count(n[2], "sentence")?,
            mentions: count(n[3], "mention")?,
            claims: count(n[4], "claim")?,
        },
        id,
        path,
        title,
        encoding,
        ingested_at,
        superseded_by,
    })
}

pub(crate) fn documents(c: &Connection, all: bool) -> Result<Vec<DocInfo>> {
    let ctx = || "list documents".to_string();
    let filter = if all {
        ""
    } else {
        "WHERE superseded_by IS NULL"
    };
    let mut st = c
        .prepare(&format!(
            "SELECT {INFO_COLUMNS} FROM documents {filter} ORDER BY path, ingested_at, id"
        ))
        .ctx(ctx)?;
    let rows = st.query_map([], raw_info).ctx(ctx)?;
    let mut out = Vec::new();
    for raw in rows {
        out.push(info(raw.ctx(ctx)?)?);
    }
    Ok(out)
}

pub(crate) fn doc_info(c: &Connection, id: &str) -> Result<Option<DocInfo>> {
    c.query_row(
        &format!("SELECT {INFO_COLUMNS} FROM documents WHERE id = ?1"),
        [id],
        raw_info,
    )
    .optional()
    .ctx(|| format!("document {id}: read"))?
    .map(info)
    .transpose()
}

pub(crate) fn resolve_id(c: &Connection, prefix: &str) -> Result<Option<String>> {
    if prefix.is_empty() {
        return Ok(None);
    }
    let ctx = || format!("resolve document id {prefix:?}");
    let exact: Option<String> = c
        .query_row("SELECT id FROM documents WHERE id = ?1", [prefix], |r| {
            r.get(0)
        })
        .optional()
        .ctx(ctx)?;
    if exact.is_some() {
        return Ok(exact);
    }
    let mut st = c
        .prepare("SELECT id FROM documents WHERE substr(id, 1, length(?1)) = ?1")
        .ctx(ctx)?;
    let ids = st
        .query_map([prefix], |r| r.get::<_, String>(0))
        .ctx(ctx)?
        .collect::<rusqlite::Result<Vec<String>>>()
        .ctx(ctx)?;
    match ids.len() {
        0 => Ok(None),
        1 => Ok(ids.into_iter().next()),
        count => Err(StoreError::Ambiguous {
            prefix: prefix.to_string(),
            count,
        }),
    }
}

pub(crate) fn document(c: &Connection, id: &str) -> Result<Option<StoredDoc>> {
    let ctx = || format!("document {id}: read");
    // One snapshot for all the reads, so a concurrent writer cannot show us
    // half of one version and half of another.
    let tx = c.unchecked_transaction().ctx(ctx)?;
    let Some(info) = doc_info(&tx, id)? else {
        return Ok(None);
    };
    let (key, map, warnings): (i64, String, String) = tx
        .query_row(
            "SELECT key, source_map, warnings FROM documents WHERE id = ?1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .ctx(ctx)?;
    let text = read_text(&tx, id, key, info.text_len)?;
    let map: SourceMap = from_json(&map, id, "source map")?;
    let warnings: Vec<String> = from_json(&warnings, id, "warnings")?;
    let blocks = blocks(&tx, id, key)?;
    let annotations: Vec<Annotation> = match set_row(&tx, "annotation_sets", id, key)? {
        Some(data) => from_json(&data, id, "annotations")?,
        None => Vec::new(),
    };
    let sentences = sentences_of(&tx, id, key)?;
    let mentions = mentions_of(&tx, id, key)?;
    let claims = claims_of(&tx, id, key)?;
    tx.finish().ctx(ctx)?;
    let doc = Document {
        format: info.format,
        title: info.title.clone(),
        text,
        map,
        blocks,
        annotations,
        encoding: info.encoding.clone(),
        warnings,
    };
    Ok(Some(StoredDoc {
        info,
        doc,
        sentences,
        mentions,
        claims,
    }))
}

/// The `data` column of a document's row in one of the tables that hold
/// all of a document's rows of a kind in one (`mention_sets`,
/// `sentence_sets`, `annotation_sets`); `None` when it has none. The table
/// name is a constant of this crate, never input.
fn set_row(c: &Connection, table: &str, id: &str, key: i64) -> Result<Option<String>> {
    let ctx = || format!("document {id}: read {table}");
    c.prepare_cached(&format!("SELECT data FROM {table} WHERE doc = ?1"))
        .ctx(ctx)?
        .query_row([key], |r| r.get(0))
        .optional()
        .ctx(ctx)
}

/// A document's blocks: the kind's JSON when stored, else just its name.
fn blocks(c: &Connection, id: &str, key: i64) -> Result<Vec<Block>> {
    let ctx = || format!("document {id}: read blocks");
    let mut st = c
        .prepare_cached(
            "SELECT kind, span_start, span_end, section, data FROM blocks
             WHERE doc = ?1 ORDER BY idx",
        )
        .ctx(ctx)?;
    let rows = st
        .query_map([key], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, i64>(2)?,
                r.get::<_, Option<u32>>(3)?,
                r.get::<_, Option<String>>(4)?,
            ))
        })
        .ctx(ctx)?;
    let mut out = Vec::new();
    for row in rows {
        let (kind, s, e, section, data) = row.ctx(ctx)?;
        let kind: BlockKind =
            match data {
                Some(json) => from_json(&json, id, "block kind")?,
                None => serde_json::from_value(serde_json::json!({ "kind": kind })).map_err(
                    |source| StoreError::Json {
                        doc: id.to_string(),
                        action: "decode",
                        what: "block kind",
                        source,
                    },
                )?,
            };
        out.push(Block {
            kind,
            span: span(s, e, id)?,
            section,
        });
    }
    Ok(out)
}

pub(crate) fn sentences(c: &Connection, id: &str) -> Result<Vec<Sentence>> {
    match key_of(c, id)? {
        Some(key) => sentences_of(c, id, key),
        None => Ok(Vec::new()),
    }
}

/// A document's sentences, from its one `sentence_sets` row (none when the
/// document has no sentences).
fn sentences_of(c: &Connection, id: &str, key: i64) -> Result<Vec<Sentence>> {
    let Some(data) = set_row(c, "sentence_sets", id, key)? else {
        return Ok(Vec::new());
    };
    let rows: Vec<(i64, i64, Option<i64>)> = from_json(&data, id, "sentences")?;
    rows.into_iter()
        .map(|(s, e, b)| {
            Ok(Sentence {
                span: span(s, e, id)?,
                block: b.map(|b| to_usize(b, id, "sentence block")).transpose()?,
            })
        })
        .collect()
}

pub(crate) fn mentions(c: &Connection, id: &str) -> Result<Vec<Mention>> {
    match key_of(c, id)? {
        Some(key) => mentions_of(c, id, key),
        None => Ok(Vec::new()),
    }
}

/// A stored claim as [`encode_claims`] writes it: subject, predicate,
/// value, valid time, sentence start and end, evidence start and end, rule,
/// confidence.
type RawClaim = (
    String,
    String,
    serde_json::Value,
    Option<String>,
    i64,
    i64,
    i64,
    i64,
    String,
    f64,
);

/// Decodes a `claim_sets` row of document `doc`.
fn decode_claims(data: &str, doc: &str) -> Result<Vec<Claim>> {
    let rows: Vec<RawClaim> = from_json(data, doc, "claims")?;
    rows.into_iter()
        .map(
            |(subject, predicate, value, valid_time, ss, se, es, ee, rule, confidence)| {
                Ok(Claim {
                    value,
                    source: Citation {
                        sentence: span(ss, se, doc)?,
                        evidence: span(es, ee, doc)?,
                        doc: doc.to_string(),
                    },
                    subject,
                    predicate,
                    valid_time,
                    rule,
                    // Written from an f32, so the narrowing is exact.
                    confidence: confidence as f32,
                })
            },
        )
        .collect()
}

/// Encodes a document's claims as their `claim_sets` row: a JSON array of
/// `[subject, predicate, value, valid_time, sentence_start, sentence_end,
/// evidence_start, evidence_end, rule, confidence]`, and the JSON object
/// of counts by predicate.
///
/// Written into one buffer, numbers without `fmt`: at about ten claims per
/// KB of prose this runs for every claim of every document (issue 7).
pub(crate) fn encode_claims(claims: &[Claim], id: &str) -> Result<(String, String)> {
    let fail = |source| StoreError::Json {
        doc: id.to_string(),
        action: "encode",
        what: "claim",
        source,
    };
    let mut out: Vec<u8> = Vec::with_capacity(claims.len() * 192 + 2);
    let mut counts: Vec<(&str, u64)> = Vec::new();
    out.push(b'[');
    for (i, c) in claims.iter().enumerate() {
        // JSON has no NaN or infinity (serde_json would write null, which
        // would not read back); SQLite refused a NaN confidence too.
        if !c.confidence.is_finite() {
            return Err(StoreError::Corrupt {
                doc: id.to_string(),
                message: format!("claim {i} has confidence {}", c.confidence),
            });
        }
        if i > 0 {
            out.push(b',');
        }
        out.push(b'[');
        serde_json::to_writer(&mut out, &c.subject).map_err(fail)?;
        out.push(b',');
        serde_json::to_writer(&mut out, &c.predicate).map_err(fail)?;
        out.push(b',');
        serde_json::to_writer(&mut out, &c.value).map_err(fail)?;
        out.push(b',');
        serde_json::to_writer(&mut out, &c.valid_time).map_err(fail)?;
        for n in [
            c.source.sentence.start,
            c.source.sentence.end,
            c.source.evidence.start,
            c.source.evidence.end,
        ] {
            out.push(b',');
            push_decimal(&mut out, n as u64);
        }
        out.push(b',');
        serde_json::to_writer(&mut out, &c.rule).map_err(fail)?;
        out.push(b',');
        // As an f64, as the column held it: the shortest form that reads
        // back to the same f64, and so to the same f32.
        serde_json::to_writer(&mut out, &f64::from(c.confidence)).map_err(fail)?;
        out.push(b']');
        match counts.iter_mut().find(|(p, _)| *p == c.predicate) {
            Some((_, n)) => *n += 1,
            None => counts.push((&c.predicate, 1)),
        }
    }
    out.push(b']');
    let counts: serde_json::Map<String, serde_json::Value> = counts
        .into_iter()
        .map(|(p, n)| (p.to_string(), serde_json::Value::from(n)))
        .collect();
    // serde_json writes UTF-8 and the rest is ASCII, so this never fails.
    let data = String::from_utf8(out).map_err(|e| StoreError::Corrupt {
        doc: id.to_string(),
        message: format!("claim encoding: {e}"),
    })?;
    Ok((data, serde_json::Value::Object(counts).to_string()))
}

pub(crate) fn claims(c: &Connection, id: &str) -> Result<Vec<Claim>> {
    match key_of(c, id)? {
        Some(key) => claims_of(c, id, key),
        None => Ok(Vec::new()),
    }
}

/// A document's claims, from its one `claim_sets` row (none when the
/// document has no claims).
fn claims_of(c: &Connection, id: &str, key: i64) -> Result<Vec<Claim>> {
    match set_row(c, "claim_sets", id, key)? {
        Some(data) => decode_claims(&data, id),
        None => Ok(Vec::new()),
    }
}

pub(crate) fn all_claims(c: &Connection) -> Result<Vec<(DocInfo, Vec<Claim>)>> {
    let ctx = || "read all claims".to_string();
    let tx = c.unchecked_transaction().ctx(ctx)?;
    let docs = documents(&tx, false)?;
    let mut by_doc: HashMap<String, Vec<Claim>> = HashMap::new();
    {
        let mut st = tx
            .prepare(
                "SELECT d.id, t.data FROM claim_sets t JOIN documents d ON d.key = t.doc
                 WHERE d.superseded_by IS NULL",
            )
            .ctx(ctx)?;
        let rows = st
            .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))
            .ctx(ctx)?;
        for row in rows {
            let (id, data) = row.ctx(ctx)?;
            let claims = decode_claims(&data, &id)?;
            by_doc.insert(id, claims);
        }
    }
    tx.finish().ctx(ctx)?;
    Ok(docs
        .into_iter()
        .map(|d| {
            let claims = by_doc.remove(&d.id).unwrap_or_default();
            (d, claims)
        })
        .collect())
}

/// Claim counts by predicate over current documents, from the
/// `predicates` object each document's claim row carries.
pub(crate) fn claim_predicate_counts(c: &Connection) -> Result<Vec<(String, u64)>> {
    counts(
        c,
        "SELECT j.key, sum(j.value) FROM claim_sets t
         JOIN documents d ON d.key = t.doc, json_each(t.predicates) j
         WHERE d.superseded_by IS NULL GROUP BY 1 ORDER BY 2 DESC, 1",
        "count claims by predicate",
    )
}

/// Mention counts by kind over current documents, from the `kinds` object
/// each document's mention row carries.
pub(crate) fn mention_kind_counts(c: &Connection) -> Result<Vec<(String, u64)>> {
    counts(
        c,
        "SELECT j.key, sum(j.value) FROM mention_sets m
         JOIN documents d ON d.key = m.doc, json_each(m.kinds) j
         WHERE d.superseded_by IS NULL GROUP BY 1 ORDER BY 2 DESC, 1",
        "count mentions by kind",
    )
}

/// The (key, count) rows of a grouping query.
fn counts(c: &Connection, sql: &str, what: &str) -> Result<Vec<(String, u64)>> {
    let ctx = || what.to_string();
    let mut st = c.prepare(sql).ctx(ctx)?;
    let rows = st
        .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))
        .ctx(ctx)?;
    let mut out = Vec::new();
    for row in rows {
        let (k, n) = row.ctx(ctx)?;
        out.push((k, u64::try_from(n).unwrap_or(0)));
    }
    Ok(out)
}

pub(crate) fn search(c: &Connection, query: &str, limit: usize) -> Result<Vec<SearchHit>> {
    let fail = |source| StoreError::Search {
        query: query.to_string(),
        source,
    };
    let mut st = c
        .prepare_cached(
            "SELECT d.id, b.idx, b.span_start, b.span_end, f.rank
             FROM blocks_fts f
             JOIN blocks b ON b.doc = (f.rowid >> 32) AND b.idx = (f.rowid & 4294967295)
             JOIN documents d ON d.key = b.doc AND d.superseded_by IS NULL
             WHERE blocks_fts MATCH ?1
             ORDER BY f.rank LIMIT ?2",
        )
        .map_err(fail)?;
    let rows = st
        .query_map(params![query, to_i64(limit)], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, i64>(2)?,
                r.get::<_, i64>(3)?,
                r.get::<_, f64>(4)?,
            ))
        })
        .map_err(fail)?;
    let mut out = Vec::new();
    for row in rows {
        let (doc, idx, s, e, rank) = row.map_err(fail)?;
        out.push(SearchHit {
            block: to_usize(idx, &doc, "block index")?,
            span: span(s, e, &doc)?,
            doc,
            rank,
        });
    }
    Ok(out)
}

pub(crate) fn stats(c: &Connection) -> Result<Stats> {
    let ctx = || "read store totals".to_string();
    let row: [i64; 7] = c
        .query_row(
            "SELECT count(*) FILTER (WHERE superseded_by IS NULL),
                    count(*) FILTER (WHERE superseded_by IS NOT NULL),
                    total(n_blocks) FILTER (WHERE superseded_by IS NULL),
                    total(n_annotations) FILTER (WHERE superseded_by IS NULL),
                    total(n_sentences) FILTER (WHERE superseded_by IS NULL),
                    total(n_mentions) FILTER (WHERE superseded_by IS NULL),
                    total(n_claims) FILTER (WHERE superseded_by IS NULL)
             FROM documents",
            [],
            |r| {
                let mut out = [0i64; 7];
                for (i, slot) in out.iter_mut().enumerate() {
                    // total() is a float; counts are exact well past 2^50.
                    *slot = match r.get_ref(i)? {
                        rusqlite::types::ValueRef::Integer(x) => x,
                        rusqlite::types::ValueRef::Real(x) => x as i64,
                        _ => 0,
                    };
                }
                Ok(out)
            },
        )
        .ctx(ctx)?;
    let u = |x: i64| u64::try_from(x).unwrap_or(0);
    Ok(Stats {
        documents: u(row[0]),
        superseded: u(row[1]),
        counts: Counts {
            blocks: u(row[2]),
            annotations: u(row[3]),
            sentences: u(row[4]),
            mentions: u(row[5]),
            claims: u(row[6]),
        },
    })
}

pub(crate) fn integrity_check(c: &Connection) -> Result<Vec<String>> {
    let ctx = || "integrity check".to_string();
    let mut st = c.prepare("PRAGMA integrity_check").ctx(ctx)?;
    let rows = st.query_map([], |r| r.get::<_, String>(0)).ctx(ctx)?;
    rows.collect::<rusqlite::Result<Vec<String>>>().ctx(ctx)
}

pub(crate) fn consistency_problems(c: &Connection) -> Result<Vec<String>> {
    let ctx = || "consistency check".to_string();
    let tx = c.unchecked_transaction().ctx(ctx)?;
    let mut problems = Vec::new();
    for (table, column, count) in [
        ("blocks", "n_blocks", "count(*)"),
        (
            "annotations",
            "n_annotations",
            "coalesce(sum(json_array_length(t.data)), 0)",
        ),
        (
            "sentences",
            "n_sentences",
            "coalesce(sum(json_array_length(t.data)), 0)",
        ),
        (
            "mentions",
            "n_mentions",
            "coalesce(sum(coalesce(json_array_length(t.data, '$.mentions'), json_array_length(t.data))), 0)",
        ),
        (
            "claims",
            "n_claims",
            "coalesce(sum(json_array_length(t.data)), 0)",
        ),
    ] {
        // A document's mentions, sentences, annotations and claims are one
        // row holding an array.
        let from = match table {
            "mentions" => "mention_sets",
            "sentences" => "sentence_sets",
            "annotations" => "annotation_sets",
            "claims" => "claim_sets",
            _ => table,
        };
        // Table and column names are the constants above, never input.
        let mut st = tx
            .prepare(&format!(
                "SELECT d.id, d.{column}, (SELECT {count} FROM {from} t WHERE t.doc = d.key) AS n
                 FROM documents d WHERE n <> d.{column}"
            ))
            .ctx(ctx)?;
        let rows = st
            .query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, i64>(1)?,
                    r.get::<_, i64>(2)?,
                ))
            })
            .ctx(ctx)?;
        for row in rows {
            let (id, expected, found) = row.ctx(ctx)?;
            problems.push(format!(
                "document {id}: {expected} {table} recorded, {found} stored"
            ));
        }
    }
    {
        let mut st = tx
            .prepare(
                "SELECT d.id, d.text_len,
                        (SELECT coalesce(sum(octet_length(t.text)), 0) FROM texts t WHERE t.doc = d.key) AS n
                 FROM documents d WHERE n <> d.text_len",
            )
            .ctx(ctx)?;
        let rows = st
            .query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, i64>(1)?,
                    r.get::<_, i64>(2)?,
                ))
            })
            .ctx(ctx)?;
        for row in rows {
            let (id, expected, found) = row.ctx(ctx)?;
            problems.push(format!(
                "document {id}: {expected} bytes of text recorded, {found} stored"
            ));
        }
    }
    let mut st = tx
        .prepare(
            "SELECT path, count(*) FROM documents WHERE superseded_by IS NULL
             GROUP BY path HAVING count(*) > 1",
        )
        .ctx(ctx)?;
    let rows = st
        .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))
        .ctx(ctx)?;
    for row in rows {
        let (path, n) = row.ctx(ctx)?;
        problems.push(format!("{path}: {n} current versions"));
    }
    drop(st);
    tx.finish().ctx(ctx)?;
    Ok(problems)
}

/// Several documents in one SQLite transaction, each under its own
/// savepoint: see [`crate::Batch`].
#[derive(Debug)]
pub(crate) struct Batch<'a> {
    conn: &'a Connection,
    limits: crate::BatchLimits,
    /// Whether this batch has begun a transaction not yet committed.
    open: bool,
    fts: FtsQueue,
    /// Documents written since the transaction began.
    docs: usize,
    /// Bytes of normalised text written since the transaction began.
    bytes: u64,
    started: Option<Instant>,
    /// Set when an error made SQLite roll the whole transaction back:
    /// the documents written before it are gone, which the next
    /// [`Batch::commit`] reports.
    lost: Option<(usize, String)>,
}

impl<'a> Batch<'a> {
    pub(crate) fn new(conn: &'a Connection, limits: crate::BatchLimits) -> Batch<'a> {
        Batch {
            conn,
            limits,
            open: false,
            fts: FtsQueue::default(),
            docs: 0,
            bytes: 0,
            started: None,
            lost: None,
        }
    }

    fn exec(&self, sql: &str, what: &str) -> Result<()> {
        self.conn
            .prepare_cached(sql)
            .and_then(|mut st| st.execute([]))
            .map(|_| ())
            .ctx(|| what.to_string())
    }

    pub(crate) fn ingest(&mut self, item: &IngestItem) -> Result<Outcome> {
        if let Some((docs, reason)) = &self.lost {
            return Err(StoreError::BatchLost {
                documents: *docs,
                reason: reason.clone(),
            });
        }
        if !self.open {
            // IMMEDIATE, as in `Store::transaction`: wait for the write
            // lock now rather than fail half-way.
            self.exec("BEGIN IMMEDIATE", "begin transaction")?;
            self.open = true;
            self.started = Some(Instant::now());
        }
        self.exec("SAVEPOINT document", "begin document")?;
        match ingest(self.conn, item, &mut self.fts) {
            Ok(outcome) => {
                if let Err(e) = self.exec("RELEASE document", "end document") {
                    // Never seen; the queue has already taken the document
                    // in, so the safe way out is to give up the batch.
                    self.lose(e.to_string());
                    return Err(e);
                }
                if outcome != Outcome::Unchanged {
                    self.docs += 1;
                    self.bytes += u64::try_from(item.doc.text.len()).unwrap_or(u64::MAX);
                }
                Ok(outcome)
            }
            Err(e) => {
                self.fts.rollback();
                // Some errors (a full disk, an I/O error) make SQLite roll
                // back the whole transaction, not just the statement.
                let undone = if self.conn.is_autocommit() {
                    Err(e.to_string())
                } else {
                    self.exec("ROLLBACK TO document", "undo document")
                        .and_then(|()| self.exec("RELEASE document", "undo document"))
                        .map_err(|e| e.to_string())
                };
                if let Err(reason) = undone {
                    self.lose(reason);
                }
                Err(e)
            }
        }
    }

    /// Gives up the open transaction: what it held is reported lost by the
    /// next [`Batch::commit`].
    fn lose(&mut self, reason: String) {
        if !self.conn.is_autocommit() {
            // Best effort: the batch is reported lost either way.
            let _ = self.conn.execute_batch("ROLLBACK");
        }
        self.lost = Some((self.docs, reason));
        self.reset();
    }

    /// Whether the batch should be committed now: a limit is reached, or
    /// its transaction was lost and must be reported.
    pub(crate) fn is_full(&self) -> bool {
        self.lost.is_some()
            || (self.open
                && (self.docs >= self.limits.documents
                    || self.bytes >= self.limits.bytes
                    || self.time_left() == Some(Duration::ZERO)))
    }

    /// How long until the open transaction reaches its age limit; `None`
    /// when none is open.
    pub(crate) fn time_left(&self) -> Option<Duration> {
        let started = self.started.filter(|_| self.open)?;
        Some(self.limits.age.saturating_sub(started.elapsed()))
    }

    /// Whether documents were written and not yet committed (or were lost).
    pub(crate) fn is_pending(&self) -> bool {
        self.open || self.lost.is_some()
    }

    pub(crate) fn commit(&mut self) -> Result<()> {
        if let Some((documents, reason)) = self.lost.take() {
            return Err(StoreError::BatchLost { documents, reason });
        }
        if !self.open {
            return Ok(());
        }
        let docs = self.docs;
        let written = self
            .fts
            .write(self.conn)
            .and_then(|()| self.exec("COMMIT", "commit"));
        let out = match written {
            Ok(()) => Ok(()),
            Err(e) => {
                if !self.conn.is_autocommit() {
                    let _ = self.conn.execute_batch("ROLLBACK");
                }
                Err(StoreError::BatchLost {
                    documents: docs,
                    reason: e.to_string(),
                })
            }
        };
        self.reset();
        out
    }

    fn reset(&mut self) {
        self.open = false;
        self.fts.clear();
        self.docs = 0;
        self.bytes = 0;
        self.started = None;
    }
}

impl Drop for Batch<'_> {
    /// What was not committed is rolled back, as a dropped transaction is.
    fn drop(&mut self) {
        if self.open && !self.conn.is_autocommit() {
            let _ = self.conn.execute_batch("ROLLBACK");
        }
    }
}
