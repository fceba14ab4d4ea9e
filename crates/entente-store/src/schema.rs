//! The schema, as an ordered list of migrations.
//!
//! `PRAGMA user_version` holds the number of migrations applied. A migration is
//! never edited once it has shipped: a change to the schema is a new entry at
//! the end of [`MIGRATIONS`], so every database written by an older build can
//! be brought forward, and a database written by a newer build is refused
//! instead of being misread.

/// Migration `i` (0-based) takes the schema from version `i` to `i + 1`.
pub(crate) const MIGRATIONS: &[&str] = &[V1, V2, V3, V4, V5];

/// Version 1: documents with their derived data, and full-text search.
///
/// Offsets are byte offsets into `documents.text`, the normalised text.
/// Derived rows (blocks, sentences, mentions, claims) hang off their document
/// and are deleted with it; a superseded document keeps its rows so that its
/// citations still resolve, but queries only look at current documents.
const V1: &str = r#"
CREATE TABLE documents (
    -- Derived rows refer to this integer rather than to the 32-character id:
    -- a large document has millions of them.
    key           INTEGER PRIMARY KEY,
    id            TEXT NOT NULL UNIQUE,
    path          TEXT NOT NULL,
    title         TEXT,
    format        TEXT NOT NULL,
    bytes         INTEGER NOT NULL,
    encoding      TEXT,
    text          TEXT NOT NULL,
    source_map    TEXT NOT NULL,
    warnings      TEXT NOT NULL,
    ingested_at   INTEGER NOT NULL,
    -- Id of the version that replaced this one; NULL while current.
    superseded_by TEXT,
    -- Row counts written in the same transaction, so a reader can check that
    -- nothing is missing.
    n_blocks      INTEGER NOT NULL,
    n_annotations INTEGER NOT NULL,
    n_sentences   INTEGER NOT NULL,
    n_mentions    INTEGER NOT NULL,
    n_claims      INTEGER NOT NULL
);
CREATE INDEX documents_current_path ON documents(path) WHERE superseded_by IS NULL;

-- `data` holds the JSON of the block kind only when the kind carries more
-- than its name (a heading level, key/value spans).
CREATE TABLE blocks (
    doc        INTEGER NOT NULL REFERENCES documents(key) ON DELETE CASCADE,
    idx        INTEGER NOT NULL,
    kind       TEXT NOT NULL,
    span_start INTEGER NOT NULL,
    span_end   INTEGER NOT NULL,
    section    INTEGER,
    data       TEXT,
    PRIMARY KEY (doc, idx)
) WITHOUT ROWID;

CREATE TABLE annotations (
    doc        INTEGER NOT NULL REFERENCES documents(key) ON DELETE CASCADE,
    idx        INTEGER NOT NULL,
    kind       TEXT NOT NULL,
    span_start INTEGER NOT NULL,
    span_end   INTEGER NOT NULL,
    data       TEXT NOT NULL,
    PRIMARY KEY (doc, idx)
) WITHOUT ROWID;

CREATE TABLE sentences (
    doc        INTEGER NOT NULL REFERENCES documents(key) ON DELETE CASCADE,
    idx        INTEGER NOT NULL,
    span_start INTEGER NOT NULL,
    span_end   INTEGER NOT NULL,
    block      INTEGER,
    PRIMARY KEY (doc, idx)
) WITHOUT ROWID;

CREATE TABLE mentions (
    doc        INTEGER NOT NULL REFERENCES documents(key) ON DELETE CASCADE,
    idx        INTEGER NOT NULL,
    kind       TEXT NOT NULL,
    span_start INTEGER NOT NULL,
    span_end   INTEGER NOT NULL,
    confidence REAL NOT NULL,
    data       TEXT NOT NULL,
    PRIMARY KEY (doc, idx)
) WITHOUT ROWID;
CREATE INDEX mentions_kind ON mentions(kind);

CREATE TABLE claims (
    doc            INTEGER NOT NULL REFERENCES documents(key) ON DELETE CASCADE,
    idx            INTEGER NOT NULL,
    subject        TEXT NOT NULL,
    predicate      TEXT NOT NULL,
    value          TEXT NOT NULL,
    valid_time     TEXT,
    sentence_start INTEGER NOT NULL,
    sentence_end   INTEGER NOT NULL,
    evidence_start INTEGER NOT NULL,
    evidence_end   INTEGER NOT NULL,
    rule           TEXT NOT NULL,
    confidence     REAL NOT NULL,
    PRIMARY KEY (doc, idx)
) WITHOUT ROWID;
CREATE INDEX claims_predicate ON claims(predicate);

-- Contentless: the text already lives in documents.text, and a 200 MB
-- document should not be stored twice. A block's rowid here is
-- (documents.key << 32) | blocks.idx.
CREATE VIRTUAL TABLE blocks_fts USING fts5(
    text,
    content = '',
    contentless_delete = 1,
    tokenize = 'unicode61 remove_diacritics 2'
);
"#;

/// Version 2: the text moves to `texts`, in chunks of at most 1 MiB. Binding
/// a 200 MB text as one value made SQLite copy it twice more in memory (the
/// bound value and the record); chunks keep each copy small.
const V2: &str = r#"
CREATE TABLE texts (
    doc   INTEGER NOT NULL REFERENCES documents(key) ON DELETE CASCADE,
    chunk INTEGER NOT NULL,
    text  TEXT NOT NULL,
    PRIMARY KEY (doc, chunk)
);
INSERT INTO texts (doc, chunk, text) SELECT key, 0, text FROM documents WHERE text <> '';
-- Length in bytes of the whole text, to check the chunks against.
ALTER TABLE documents ADD COLUMN text_len INTEGER NOT NULL DEFAULT 0;
UPDATE documents SET text_len = octet_length(text);
ALTER TABLE documents DROP COLUMN text;
"#;

/// Version 3: a document's mentions become one row, a JSON array of
/// `[start, end, confidence, kind]`, with the counts by kind beside it.
///
/// One row per mention (about 30 per KB of prose, each with its B-tree entry
/// and a `kind` index entry) made mentions the largest table and their
/// inserts the largest cost of the store stage (issue 7). Nothing queries a
/// single mention: readers load a document's mentions whole, and the only
/// aggregate is the count by kind, which `kinds` answers. Documents without
/// mentions have no row.
const V3: &str = r#"
CREATE TABLE mention_sets (
    doc   INTEGER PRIMARY KEY REFERENCES documents(key) ON DELETE CASCADE,
    data  TEXT NOT NULL,
    kinds TEXT NOT NULL
);
INSERT INTO mention_sets (doc, data, kinds)
SELECT m.doc,
       json_group_array(json_array(m.span_start, m.span_end, m.confidence,
           CASE WHEN m.data LIKE '{"span"%' THEN json(json_extract(m.data, '$.kind'))
                ELSE json(m.data) END) ORDER BY m.idx),
       (SELECT json_group_object(k.kind, k.n)
          FROM (SELECT kind, count(*) AS n FROM mentions WHERE doc = m.doc GROUP BY kind) k)
FROM mentions m
GROUP BY m.doc;
DROP INDEX mentions_kind;
DROP TABLE mentions;
"#;

/// Version 4: less to write per document (issue 7).
///
/// - A document's sentences become one row, a JSON array of `[start, end,
///   block]` (`block` null when the sentence is in none), as mentions did in
///   version 3: readers only ever load them whole, and a row per sentence
///   (one every 150 bytes of prose) cost a B-tree insert and a foreign-key
///   check each. Documents without sentences have no row.
/// - So do its annotations, as a JSON array of the annotations each row
///   held, for the same reasons.
/// - `claims_predicate` goes: the only query by predicate counts claims of
///   current documents, a full scan either way, while every claim paid an
///   insert into the index and each commit wrote a few more of its pages.
/// - Full-text segments merge 16 at a time instead of 4. Each document's
///   commit flushes its own small segment, and with the default most of the
///   flush time went into merging them again and again; queries read a few
///   more segments, which at these sizes costs nothing measurable.
const V4: &str = r#"
CREATE TABLE sentence_sets (
    doc  INTEGER PRIMARY KEY REFERENCES documents(key) ON DELETE CASCADE,
    data TEXT NOT NULL
);
INSERT INTO sentence_sets (doc, data)
SELECT doc, json_group_array(json_array(span_start, span_end, block) ORDER BY idx)
FROM sentences
GROUP BY doc;
DROP TABLE sentences;
CREATE TABLE annotation_sets (
    doc  INTEGER PRIMARY KEY REFERENCES documents(key) ON DELETE CASCADE,
    data TEXT NOT NULL
);
INSERT INTO annotation_sets (doc, data)
SELECT doc, json_group_array(json(data) ORDER BY idx)
FROM annotations
GROUP BY doc;
DROP TABLE annotations;
DROP INDEX claims_predicate;
INSERT INTO blocks_fts (blocks_fts, rank) VALUES ('automerge', 16);
"#;

/// Version 5: a document's claims become one row, a JSON array of
/// `[subject, predicate, value, valid_time, sentence_start, sentence_end,
/// evidence_start, evidence_end, rule, confidence]`, with the counts by
/// predicate beside it, as mentions did in version 3 (issue 7).
///
/// Once the full-text index was flushed per batch rather than per document,
/// the claim rows (about ten per KB of prose, each a B-tree insert with
/// twelve bound values and a foreign-key check) were 40 % of the store's
/// instructions. Readers only ever load a document's claims whole, or all
/// claims of current documents; the only aggregate is the count by
/// predicate, which `predicates` answers. Documents without claims have no
/// row.
///
/// A view named `claims` keeps the old table's columns for SQL written
/// against it (scripts, the `sqlite3` shell, tests): it reads the arrays.
const V5: &str = r#"
CREATE TABLE claim_sets (
    doc        INTEGER PRIMARY KEY REFERENCES documents(key) ON DELETE CASCADE,
    data       TEXT NOT NULL,
    predicates TEXT NOT NULL
);
INSERT INTO claim_sets (doc, data, predicates)
SELECT c.doc,
       json_group_array(json_array(c.subject, c.predicate, json(c.value), c.valid_time,
           c.sentence_start, c.sentence_end, c.evidence_start, c.evidence_end,
           c.rule, c.confidence) ORDER BY c.idx),
       (SELECT json_group_object(p.predicate, p.n)
          FROM (SELECT predicate, count(*) AS n FROM claims WHERE doc = c.doc
                GROUP BY predicate) p)
FROM claims c
GROUP BY c.doc;
DROP TABLE claims;
CREATE VIEW claims (doc, idx, subject, predicate, value, valid_time,
    sentence_start, sentence_end, evidence_start, evidence_end, rule, confidence) AS
SELECT t.doc, CAST(j.key AS INTEGER), j.value ->> 0, j.value ->> 1, j.value -> 2, j.value ->> 3,
       j.value ->> 4, j.value ->> 5, j.value ->> 6, j.value ->> 7, j.value ->> 8, j.value ->> 9
FROM claim_sets t, json_each(t.data) j;
"#;
