#![allow(clippy::unwrap_used)]

use super::*;
use entente_extract::Citation;
use entente_source::{Annotation, AnnotationKind, Block, BlockKind, SourceMap};
use rusqlite::params;

/// A small document: a title, a key–value line and a paragraph, in our own
/// words, with one annotation, sentence, mention and claim.
fn item(id: &str, path: &str, body: &str) -> IngestItem {
    let title = "Harbour Accord";
    let kv = "Signed: 4 March 1921";
    let text = format!("{title}\n{kv}\n{body}");
    let kv_start = title.len() + 1;
    let body_start = kv_start + kv.len() + 1;
    let body_span = Span::new(body_start, text.len());
    let doc = Document {
        format: Format::Text,
        title: Some(title.into()),
        map: SourceMap::identity(text.len()),
        blocks: vec![
            Block {
                kind: BlockKind::Title,
                span: Span::new(0, title.len()),
                section: None,
            },
            Block {
                kind: BlockKind::KeyValue {
                    key: Span::new(kv_start, kv_start + 6),
                    value: Span::new(kv_start + 8, kv_start + kv.len()),
                },
                span: Span::new(kv_start, kv_start + kv.len()),
                section: Some(0),
            },
            Block {
                kind: BlockKind::Paragraph,
                span: body_span,
                section: Some(0),
            },
        ],
        annotations: vec![Annotation {
            kind: AnnotationKind::Date {
                when: Some("1921-03-04".into()),
                from: None,
                to: None,
            },
            span: Span::new(kv_start + 8, kv_start + kv.len()),
        }],
        text,
        encoding: Some("windows-1252".into()),
        warnings: vec!["decoded as windows-1252".into()],
    };
    let mention: Mention = serde_json::from_value(serde_json::json!({
        "span": {"start": kv_start + 8, "end": kv_start + kv.len()},
        "kind": {"type": "date", "edtf": "1921-03-04", "qualifier": null, "inferred": null},
        "confidence": 0.75
    }))
    .unwrap();
    let claim = Claim {
        subject: "agreement:0".into(),
        predicate: "signed".into(),
        value: serde_json::json!({"date": "1921-03-04"}),
        valid_time: Some("1921-03-04".into()),
        source: Citation {
            doc: id.into(),
            sentence: body_span,
            evidence: Span::new(kv_start, kv_start + 6),
        },
        rule: "infobox.signed".into(),
        confidence: 0.875,
    };
    IngestItem {
        id: id.into(),
        path: path.into(),
        bytes_len: 123,
        doc,
        sentences: vec![Sentence {
            span: body_span,
            block: Some(2),
        }],
        mentions: vec![mention],
        claims: vec![claim],
    }
}

#[test]
fn memory_store_round_trips_a_document() {
    let mut store = Store::memory().unwrap();
    assert_eq!(store.schema_version().unwrap(), SCHEMA_VERSION);
    let it = item(
        "0123abcd",
        "a/harbour.txt",
        "The two ports agreed to share pilots.",
    );
    assert_eq!(store.ingest(&it).unwrap(), Outcome::New);
    assert!(store.has_document("0123abcd").unwrap());
    assert!(!store.has_document("0123").unwrap());

    let back = store.document("0123").unwrap().unwrap();
    assert_eq!(back.doc, it.doc);
    assert_eq!(back.sentences, it.sentences);
    assert_eq!(back.mentions, it.mentions);
    assert_eq!(back.claims, it.claims);
    assert_eq!(back.info.path, "a/harbour.txt");
    assert_eq!(back.info.bytes, 123);
    assert_eq!(
        back.info.counts,
        Counts {
            blocks: 3,
            annotations: 1,
            sentences: 1,
            mentions: 1,
            claims: 1
        }
    );
    assert_eq!(
        store.mention_kind_counts().unwrap(),
        vec![("date".to_string(), 1)]
    );
    assert_eq!(
        store.claim_predicate_counts().unwrap(),
        vec![("signed".to_string(), 1)]
    );
    let hits = store.search("pilots", 5).unwrap();
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0].block, 2);
    assert_eq!(
        hits[0].span.slice(&it.doc.text),
        "The two ports agreed to share pilots."
    );
}

#[test]
fn same_content_is_unchanged_and_writes_nothing() {
    let mut store = Store::memory().unwrap();
    let it = item("aaaa", "x.txt", "First wording.");
    assert_eq!(store.ingest(&it).unwrap(), Outcome::New);
    assert_eq!(store.ingest(&it).unwrap(), Outcome::Unchanged);
    let stats = store.stats().unwrap();
    assert_eq!(stats.documents, 1);
    assert_eq!(stats.superseded, 0);
    assert_eq!(stats.counts.blocks, 3);
}

#[test]
fn new_content_at_a_path_supersedes_and_retires_derived_data() {
    let mut store = Store::memory().unwrap();
    let old = item("aaaa", "x.txt", "The old wording mentions lighthouses.");
    let new = item("bbbb", "x.txt", "The new wording mentions ferries.");
    store.ingest(&old).unwrap();
    assert_eq!(
        store.ingest(&new).unwrap(),
        Outcome::NewVersion {
            superseded: vec!["aaaa".into()]
        }
    );
    let docs = store.documents().unwrap();
    assert_eq!(docs.len(), 1);
    assert_eq!(docs[0].id, "bbbb");
    assert_eq!(store.all_versions().unwrap().len(), 2);
    let claims = store.all_claims().unwrap();
    assert_eq!(claims.len(), 1);
    assert_eq!(claims[0].0.id, "bbbb");
    assert_eq!(claims[0].1[0].source.doc, "bbbb");
    assert!(store.search("lighthouses", 5).unwrap().is_empty());
    assert_eq!(store.search("ferries", 5).unwrap().len(), 1);
    // The old version is still there for its citations.
    let old_back = store.document("aaaa").unwrap().unwrap();
    assert_eq!(old_back.info.superseded_by.as_deref(), Some("bbbb"));
    assert!(!store.has_document("aaaa").unwrap());
    assert_eq!(store.stats().unwrap().superseded, 1);
    assert!(store.consistency_problems().unwrap().is_empty());
}

#[test]
fn missing_derived_rows_are_reported() {
    let mut store = Store::memory().unwrap();
    store.ingest(&item("aaaa", "x.txt", "Text.")).unwrap();
    assert!(store.consistency_problems().unwrap().is_empty());
    match &store.backend {
        Backend::Sqlite(c) => {
            c.execute("DELETE FROM sentence_sets", []).unwrap();
        }
    }
    let problems = store.consistency_problems().unwrap();
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(problems[0].contains("sentences"), "{problems:?}");
}

#[test]
fn reverted_content_becomes_current_again() {
    let mut store = Store::memory().unwrap();
    let a = item("aaaa", "x.txt", "Version one.");
    let b = item("bbbb", "x.txt", "Version two.");
    store.ingest(&a).unwrap();
    store.ingest(&b).unwrap();
    assert_eq!(
        store.ingest(&a).unwrap(),
        Outcome::NewVersion {
            superseded: vec!["bbbb".into()]
        }
    );
    let ids = doc_ids(&store);
    assert_eq!(ids, vec!["aaaa".to_string()]);
    assert_eq!(store.search("one", 5).unwrap().len(), 1);
    assert_eq!(store.all_versions().unwrap().len(), 2);
}

#[test]
fn a_failed_transaction_writes_nothing() {
    let mut store = Store::memory().unwrap();
    let it = item("aaaa", "x.txt", "Kept out.");
    let r: Result<()> = store.transaction(|tx| {
        tx.ingest(&it)?;
        Err(StoreError::NotFound { id: "boom".into() })
    });
    assert!(matches!(r, Err(StoreError::NotFound { .. })));
    assert!(store.documents().unwrap().is_empty());
    assert!(store.search("kept", 5).unwrap().is_empty());
    // And a successful one commits both documents together.
    let other = item("bbbb", "y.txt", "Let in.");
    store
        .transaction(|tx| -> Result<()> {
            tx.ingest(&it)?;
            tx.ingest(&other)?;
            Ok(())
        })
        .unwrap();
    assert_eq!(store.documents().unwrap().len(), 2);
}

#[test]
fn prefixes_resolve_or_are_ambiguous() {
    let mut store = Store::memory().unwrap();
    store.ingest(&item("ab12", "a.txt", "One.")).unwrap();
    store.ingest(&item("ab34", "b.txt", "Two.")).unwrap();
    assert!(matches!(
        store.document("ab"),
        Err(StoreError::Ambiguous { count: 2, .. })
    ));
    assert_eq!(store.resolve_id("ab3").unwrap().as_deref(), Some("ab34"));
    assert!(store.document("zz").unwrap().is_none());
    assert!(store.document("").unwrap().is_none());
}

#[test]
fn replace_claims_needs_a_document() {
    let mut store = Store::memory().unwrap();
    assert!(matches!(
        store.replace_claims("nope", &[]),
        Err(StoreError::NotFound { .. })
    ));
    let it = item("aaaa", "x.txt", "Text.");
    store.ingest(&it).unwrap();
    store.replace_claims("aaaa", &[]).unwrap();
    assert!(store.claims("aaaa").unwrap().is_empty());
    assert_eq!(store.doc_info("aaaa").unwrap().unwrap().counts.claims, 0);
}

#[test]
fn bad_search_syntax_is_an_error_not_a_panic() {
    let mut store = Store::memory().unwrap();
    store.ingest(&item("aaaa", "x.txt", "Words.")).unwrap();
    assert!(matches!(
        store.search("\"unbalanced", 5),
        Err(StoreError::Search { .. })
    ));
}

#[test]
fn file_store_migrates_uses_wal_and_keeps_data() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("kb.db");
    {
        let mut store = Store::open(&path).unwrap();
        store.ingest(&item("aaaa", "x.txt", "Durable.")).unwrap();
    }
    let conn = rusqlite::Connection::open(&path).unwrap();
    let mode: String = conn
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(version, SCHEMA_VERSION);
    drop(conn);
    let store = Store::open(&path).unwrap();
    assert_eq!(store.documents().unwrap().len(), 1);
    assert_eq!(store.integrity_check().unwrap(), vec!["ok".to_string()]);
}

#[test]
fn a_newer_schema_is_refused_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("future.db");
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.pragma_update(None, "user_version", SCHEMA_VERSION + 1)
            .unwrap();
    }
    let err = Store::open(&path).unwrap_err();
    match &err {
        StoreError::TooNew {
            found, supported, ..
        } => {
            assert_eq!(*found, SCHEMA_VERSION + 1);
            assert_eq!(*supported, SCHEMA_VERSION);
        }
        other => panic!("expected TooNew, got {other:?}"),
    }
    assert!(err.to_string().contains("future.db"), "{err}");
    // Refusing must not have migrated or switched the journal mode.
    let conn = rusqlite::Connection::open(&path).unwrap();
    let mode: String = conn
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_ne!(mode, "wal");
}

#[test]
fn a_file_that_is_not_a_database_is_an_open_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("notes.db");
    std::fs::write(&path, "this is plainly not an SQLite database, just words").unwrap();
    let err = Store::open(&path).unwrap_err();
    assert!(matches!(err, StoreError::Open { .. }), "{err:?}");
}

#[test]
fn fts5_is_compiled_in() {
    let store = Store::memory().unwrap();
    match &store.backend {
        Backend::Sqlite(c) => {
            let yes: i64 = c
                .query_row("SELECT sqlite_compileoption_used('ENABLE_FTS5')", [], |r| {
                    r.get(0)
                })
                .unwrap();
            assert_eq!(yes, 1);
        }
    }
}

#[test]
fn mention_kinds_are_read_from_the_serialised_tag() {
    let it = item("aaaa", "x.txt", "Text.");
    let json = serde_json::to_string(&it.mentions[0]).unwrap();
    assert_eq!(sqlite::mention_kind(&json), "date");
    assert_eq!(sqlite::mention_kind("{}"), "unknown");
}

#[test]
fn text_chunks_cut_on_character_boundaries() {
    let text = "aé日🙂".repeat(5);
    for max in [1, 2, 3, 4, 5, 7, 64] {
        let chunks: Vec<&str> = sqlite::text_chunks(&text, max).collect();
        assert_eq!(chunks.concat(), text, "max {max}");
        for c in &chunks {
            assert!(!c.is_empty());
            assert!(c.len() <= max || c.chars().count() == 1, "max {max}: {c:?}");
        }
    }
    assert_eq!(sqlite::text_chunks("", 4).count(), 0);
}

#[test]
fn a_text_larger_than_a_chunk_round_trips() {
    let mut store = Store::memory().unwrap();
    // Over 1 MiB with multi-byte characters, so chunk edges fall inside some.
    let body = "Ports, quays and pilots: é日. ".repeat(40_000);
    let it = item("aaaa", "x.txt", &body);
    assert!(it.doc.text.len() > 1 << 20);
    store.ingest(&it).unwrap();
    let back = store.document("aaaa").unwrap().unwrap();
    assert_eq!(back.doc.text, it.doc.text);
    assert_eq!(back.info.text_len, it.doc.text.len() as u64);
    assert!(store.consistency_problems().unwrap().is_empty());
}

#[test]
fn a_version_1_database_is_migrated_with_its_text() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.db");
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute_batch(schema::MIGRATIONS[0]).unwrap();
        conn.pragma_update(None, "user_version", 1).unwrap();
        conn.execute(
            "INSERT INTO documents (id, path, title, format, bytes, encoding, text, source_map,
                 warnings, ingested_at, n_blocks, n_annotations, n_sentences, n_mentions, n_claims)
             VALUES ('aaaa', 'x.txt', NULL, 'text', 10, NULL, 'Old words.', ?1, '[]', 0,
                 1, 0, 0, 0, 0)",
            [serde_json::to_string(&SourceMap::identity(10)).unwrap()],
        )
        .unwrap();
        conn.execute(
            "INSERT INTO blocks (doc, idx, kind, span_start, span_end, section, data)
             VALUES (1, 0, 'paragraph', 0, 10, NULL, NULL)",
            [],
        )
        .unwrap();
    }
    let store = Store::open(&path).unwrap();
    assert_eq!(store.schema_version().unwrap(), SCHEMA_VERSION);
    let back = store.document("aaaa").unwrap().unwrap();
    assert_eq!(back.doc.text, "Old words.");
    assert_eq!(back.info.text_len, 10);
    assert_eq!(back.doc.blocks[0].kind, BlockKind::Paragraph);
    assert!(store.consistency_problems().unwrap().is_empty());
}

#[test]
fn mentions_are_one_row_per_document() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("m.db");
    let mut it = item("bbbb", "m.txt", "Quays at Tarragona. Tarragona again.");
    it.mentions.push(place_mention(&it, "Tarragona", 0.9));
    // The same place again: its kind is stored once.
    let mut again = place_mention(&it, "Tarragona", 0.5);
    again.span = Span::new(again.span.start + 11, again.span.end + 11);
    assert_eq!(again.span.slice(&it.doc.text), "Tarragona");
    it.mentions.push(again);
    {
        let mut store = Store::open(&path).unwrap();
        store.ingest(&it).unwrap();
        // Confidences come back exactly, though 0.9 has no exact f32.
        assert_eq!(store.mentions("bbbb").unwrap(), it.mentions);
        assert_eq!(
            store.mention_kind_counts().unwrap(),
            [("place".to_string(), 2), ("date".to_string(), 1)]
        );
        assert!(store.consistency_problems().unwrap().is_empty());
    }
    let conn = rusqlite::Connection::open(&path).unwrap();
    let rows: i64 = conn
        .query_row("SELECT count(*) FROM mention_sets", [], |r| r.get(0))
        .unwrap();
    assert_eq!(rows, 1);
    let data: String = conn
        .query_row("SELECT data FROM mention_sets", [], |r| r.get(0))
        .unwrap();
    assert!(data.starts_with(r#"{"kinds":[{"type":"date""#), "{data}");
    assert_eq!(data.matches("Tarragona").count(), 2, "{data}");
    assert!(
        data.ends_with(r#""mentions":[[23,35,0.75,0],[45,54,0.9,1],[56,65,0.5,1]]}"#),
        "{data}"
    );
    // A row dropped behind the store's back is seen as missing.
    conn.execute("DELETE FROM mention_sets", []).unwrap();
    drop(conn);
    let store = Store::open(&path).unwrap();
    assert_eq!(store.consistency_problems().unwrap().len(), 1);
}

/// A place mention of `name`, which must occur in the item's text.
fn place_mention(it: &IngestItem, name: &str, confidence: f32) -> Mention {
    let start = it.doc.text.find(name).unwrap();
    Mention {
        span: Span::new(start, start + name.len()),
        kind: serde_json::from_value(serde_json::json!({
            "type": "place", "id": name, "name": name, "category": "city",
            "within": [], "unknown": false
        }))
        .unwrap(),
        confidence,
    }
}

/// Writes `it`'s document row and text as an older schema held them, with
/// `counts` = blocks, annotations, sentences, mentions, claims; the
/// document's key is 1.
/// How many objects of the database's schema match `filter` (an SQL
/// condition on `sqlite_schema`).
fn schema_objects(store: &Store, filter: &str) -> i64 {
    match &store.backend {
        Backend::Sqlite(c) => c
            .query_row(
                &format!("SELECT count(*) FROM sqlite_schema WHERE {filter}"),
                [],
                |r| r.get(0),
            )
            .unwrap(),
    }
}

/// The ids of the stored documents, in the order `documents` gives them.
fn doc_ids(store: &Store) -> Vec<String> {
    store
        .documents()
        .unwrap()
        .into_iter()
        .map(|d| d.id)
        .collect()
}

/// A claim row of document 1, number `idx`, as schemas 1 to 4 stored claims
/// (one row each in `claims`).
fn insert_old_claim(conn: &rusqlite::Connection, idx: usize, c: &Claim) {
    conn.execute(
        "INSERT INTO claims (doc, idx, subject, predicate, value, valid_time,
             sentence_start, sentence_end, evidence_start, evidence_end, rule, confidence)
         VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        params![
            idx as i64,
            c.subject,
            c.predicate,
            c.value.to_string(),
            c.valid_time,
            c.source.sentence.start as i64,
            c.source.sentence.end as i64,
            c.source.evidence.start as i64,
            c.source.evidence.end as i64,
            c.rule,
            f64::from(c.confidence)
        ],
    )
    .unwrap();
}

fn insert_old_document(
    conn: &rusqlite::Connection,
    id: &str,
    path: &str,
    it: &IngestItem,
    counts: [i64; 5],
) {
    let [blocks, annotations, sentences, mentions, claims] = counts;
    conn.execute(
        "INSERT INTO documents (id, path, title, format, bytes, encoding, text_len,
             source_map, warnings, ingested_at, n_blocks, n_annotations, n_sentences,
             n_mentions, n_claims)
         VALUES (?1, ?2, NULL, 'text', 10, NULL, ?3, ?4, '[]', 0, ?5, ?6, ?7, ?8, ?9)",
        params![
            id,
            path,
            it.doc.text.len() as i64,
            serde_json::to_string(&it.doc.map).unwrap(),
            blocks,
            annotations,
            sentences,
            mentions,
            claims
        ],
    )
    .unwrap();
    conn.execute(
        "INSERT INTO texts (doc, chunk, text) VALUES (1, 0, ?1)",
        [&it.doc.text],
    )
    .unwrap();
}

#[test]
fn a_version_2_database_has_its_mention_rows_folded() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v2.db");
    let mut it = item("cccc", "v2.txt", "Quays at Tarragona and Reus.");
    it.mentions.push(place_mention(&it, "Tarragona", 0.9));
    it.mentions.push(place_mention(&it, "Reus", 0.6));
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute_batch(schema::MIGRATIONS[0]).unwrap();
        conn.execute_batch(schema::MIGRATIONS[1]).unwrap();
        conn.pragma_update(None, "user_version", 2).unwrap();
        insert_old_document(&conn, "cccc", "v2.txt", &it, [0, 0, 0, 3, 0]);
        // Version 2 rows in both forms: the kind alone (since the compact
        // form) and, for the first, the whole mention (older builds).
        for (i, m) in it.mentions.iter().enumerate() {
            let data = if i == 0 {
                serde_json::to_string(m).unwrap()
            } else {
                serde_json::to_string(&m.kind).unwrap()
            };
            conn.execute(
                "INSERT INTO mentions (doc, idx, kind, span_start, span_end, confidence, data)
                 VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6)",
                params![
                    i as i64,
                    sqlite::kind_tag(&data),
                    m.span.start as i64,
                    m.span.end as i64,
                    f64::from(m.confidence),
                    data
                ],
            )
            .unwrap();
        }
    }
    let store = Store::open(&path).unwrap();
    assert_eq!(store.schema_version().unwrap(), SCHEMA_VERSION);
    assert_eq!(store.mentions("cccc").unwrap(), it.mentions);
    assert_eq!(
        store.mention_kind_counts().unwrap(),
        [("place".to_string(), 2), ("date".to_string(), 1)]
    );
    assert!(store.consistency_problems().unwrap().is_empty());
    let old = schema_objects(&store, "name = 'mentions'");
    assert_eq!(old, 0);
}

#[test]
fn kind_tags_are_read_from_both_forms() {
    let it = item("bbbb", "m.txt", "Text.");
    let whole = serde_json::to_string(&it.mentions[0]).unwrap();
    assert_eq!(sqlite::kind_tag(&whole), "date");
    assert_eq!(
        sqlite::kind_tag(r#"{"type":"polity","id":"FRA"}"#),
        "polity"
    );
}

#[test]
fn a_version_3_database_has_its_sentence_rows_folded() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v3.db");
    let mut it = item("dddd", "v3.txt", "Envoys met at Ostend. The pact held.");
    // A second sentence outside any block, to carry a null through.
    it.sentences.push(Sentence {
        span: Span::new(it.doc.text.len() - 14, it.doc.text.len()),
        block: None,
    });
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        for m in &schema::MIGRATIONS[..3] {
            conn.execute_batch(m).unwrap();
        }
        conn.pragma_update(None, "user_version", 3).unwrap();
        insert_old_document(&conn, "dddd", "v3.txt", &it, [1, 1, 2, 0, 1]);
        let body = it.doc.blocks[2].span;
        conn.execute(
            "INSERT INTO blocks (doc, idx, kind, span_start, span_end, section, data)
             VALUES (1, 0, 'paragraph', ?1, ?2, NULL, NULL)",
            params![body.start as i64, body.end as i64],
        )
        .unwrap();
        conn.execute(
            "INSERT INTO blocks_fts (rowid, text) VALUES (?1, ?2)",
            params![1i64 << 32, body.slice(&it.doc.text)],
        )
        .unwrap();
        for (i, s) in it.sentences.iter().enumerate() {
            conn.execute(
                "INSERT INTO sentences (doc, idx, span_start, span_end, block)
                 VALUES (1, ?1, ?2, ?3, ?4)",
                params![
                    i as i64,
                    s.span.start as i64,
                    s.span.end as i64,
                    s.block.map(|b| b as i64)
                ],
            )
            .unwrap();
        }
        let a = &it.doc.annotations[0];
        conn.execute(
            "INSERT INTO annotations (doc, idx, kind, span_start, span_end, data)
             VALUES (1, 0, 'date', ?1, ?2, ?3)",
            params![
                a.span.start as i64,
                a.span.end as i64,
                serde_json::to_value(a).unwrap().to_string()
            ],
        )
        .unwrap();
        insert_old_claim(&conn, 0, &it.claims[0]);
    }
    let mut store = Store::open(&path).unwrap();
    assert_eq!(store.schema_version().unwrap(), SCHEMA_VERSION);
    assert_eq!(store.sentences("dddd").unwrap(), it.sentences);
    assert_eq!(store.claims("dddd").unwrap(), it.claims);
    let back = store.document("dddd").unwrap().unwrap();
    assert_eq!(back.doc.annotations, it.doc.annotations);
    assert_eq!(back.sentences, it.sentences);
    assert!(store.consistency_problems().unwrap().is_empty());
    assert_eq!(
        store.claim_predicate_counts().unwrap(),
        [("signed".to_string(), 1)]
    );
    // Phrase queries need the positions the index keeps.
    assert_eq!(store.search("\"met at Ostend\"", 10).unwrap().len(), 1);
    assert!(store.search("\"Ostend met\"", 10).unwrap().is_empty());
    let (tables, merge): (i64, i64) = match &store.backend {
        Backend::Sqlite(c) => (
            c.query_row(
                "SELECT count(*) FROM sqlite_schema
                 WHERE name IN ('sentences', 'annotations', 'claims_predicate')",
                [],
                |r| r.get(0),
            )
            .unwrap(),
            c.query_row(
                "SELECT v FROM blocks_fts_config WHERE k = 'automerge'",
                [],
                |r| r.get(0),
            )
            .unwrap(),
        ),
    };
    assert_eq!((tables, merge), (0, 16));
    // The upgraded store takes new documents as a fresh one does.
    let next = item("eeee", "w.txt", "Delegates signed at Ostend.");
    assert_eq!(store.ingest(&next).unwrap(), Outcome::New);
    assert_eq!(store.sentences("eeee").unwrap(), next.sentences);
    assert_eq!(store.search("Ostend", 10).unwrap().len(), 2);
    assert!(store.consistency_problems().unwrap().is_empty());
}

#[test]
fn sentences_are_one_row_per_document_and_round_trip() {
    let mut store = Store::memory().unwrap();
    let mut it = item("ffff", "s.txt", "One. Two.");
    it.sentences = vec![
        Sentence {
            span: Span::new(0, 4),
            block: Some(0),
        },
        Sentence {
            span: Span::new(5, 9),
            block: None,
        },
    ];
    store.ingest(&it).unwrap();
    assert_eq!(store.sentences("ffff").unwrap(), it.sentences);
    assert_eq!(
        store.document("ffff").unwrap().unwrap().sentences,
        it.sentences
    );
    assert_eq!(
        sqlite::encode_sentences(&it.sentences),
        "[[0,4,0],[5,9,null]]"
    );
    let rows: i64 = match &store.backend {
        Backend::Sqlite(c) => c
            .query_row("SELECT count(*) FROM sentence_sets", [], |r| r.get(0))
            .unwrap(),
    };
    assert_eq!(rows, 1);
    // A document without sentences has no row, and reads back empty.
    let mut bare = item("gggg", "t.txt", "Three.");
    bare.sentences.clear();
    store.ingest(&bare).unwrap();
    assert!(store.sentences("gggg").unwrap().is_empty());
    assert!(store.consistency_problems().unwrap().is_empty());
}

#[test]
fn mention_rows_are_the_same_whatever_repeats() {
    // The fast path (a kind met before under the same text) must write
    // what serialising every kind writes: repeated kinds under one text,
    // one kind under two texts, and two kinds under one text.
    let it = item("hhhh", "m.txt", "Tarragona and Reus; Tarragona, Reus.");
    let a = place_mention(&it, "Tarragona", 0.9);
    let b = place_mention(&it, "Reus", 0.5);
    let mut a2 = a.clone();
    a2.span = Span::new(a.span.start + 20, a.span.end + 20);
    let mut b_as_a = b.clone();
    b_as_a.kind = a.kind.clone();
    let mut a_other = a.clone();
    a_other.kind = b.kind.clone();
    let mentions = vec![a.clone(), b.clone(), a2, b_as_a, a_other, a];
    let (data, kinds) = sqlite::encode_mentions(&mentions, &it.doc.text, "hhhh").unwrap();
    let (slow, slow_kinds) = sqlite::encode_mentions(&mentions, "", "hhhh").unwrap();
    assert_eq!(
        (data.as_str(), kinds.as_str()),
        (slow.as_str(), slow_kinds.as_str())
    );
    let set: serde_json::Value = serde_json::from_str(&data).unwrap();
    assert_eq!(set["kinds"].as_array().unwrap().len(), 2);
    assert_eq!(set["mentions"].as_array().unwrap().len(), 6);
    assert_eq!(kinds, r#"{"place":6}"#);
}

/// Makes SQLite fail the claims insert of any document with a claim of
/// rule `boom`: `ABORT` fails the statement only, `ROLLBACK` the whole
/// transaction (as a full disk may).
fn fail_claims_with_rule_boom(store: &Store, how: &str) {
    match &store.backend {
        Backend::Sqlite(c) => c
            .execute_batch(&format!(
                "CREATE TEMP TRIGGER boom BEFORE INSERT ON claim_sets
                 WHEN NEW.data LIKE '%\"boom\"%'
                 BEGIN SELECT RAISE({how}, 'injected failure'); END;"
            ))
            .unwrap(),
    }
}

fn boom(id: &str, path: &str, body: &str) -> IngestItem {
    let mut it = item(id, path, body);
    it.claims[0].rule = "boom".into();
    it
}

/// Everything a reader sees of a store, but the ingestion times.
fn visible(store: &Store, queries: &[&str]) -> String {
    let mut out = String::new();
    for mut d in store.all_versions().unwrap() {
        d.ingested_at = 0;
        out.push_str(&format!("{d:?}\n"));
        let whole = store.document(&d.id).unwrap().unwrap();
        out.push_str(&format!(
            "{:?}\n{:?}\n{:?}\n{:?}\n",
            whole.doc, whole.sentences, whole.mentions, whole.claims
        ));
    }
    for q in queries {
        out.push_str(&format!("{q}: {:?}\n", store.search(q, 50).unwrap()));
    }
    out.push_str(&format!(
        "{:?}\n{:?}\n{:?}\n{:?}\n",
        store.stats().unwrap(),
        store.mention_kind_counts().unwrap(),
        store.claim_predicate_counts().unwrap(),
        store.all_claims().unwrap().len()
    ));
    out
}

#[test]
fn a_batch_stores_what_one_transaction_per_document_stores() {
    // New documents, a duplicate, a new version, a reverted version and
    // then its reversal again, all inside one batch.
    let items = [
        item("aaaa", "x.txt", "Fishing rights in the northern bay."),
        item("bbbb", "y.txt", "A customs union of two duchies."),
        item("aaaa", "copy/x.txt", "Fishing rights in the northern bay."),
        item("cccc", "x.txt", "Fishing rights revoked after the war."),
        item("aaaa", "x.txt", "Fishing rights in the northern bay."),
        item("dddd", "z.txt", "A postal convention."),
        item("cccc", "x.txt", "Fishing rights revoked after the war."),
    ];
    let queries = ["fishing", "bay", "revoked", "duchies", "postal", "harbour"];
    let mut one_by_one = Store::memory().unwrap();
    let singles: Vec<Outcome> = items
        .iter()
        .map(|it| one_by_one.ingest(it).unwrap())
        .collect();
    let mut batched = Store::memory().unwrap();
    let mut batch = batched.batch(BatchLimits::default());
    let outcomes: Vec<Outcome> = items.iter().map(|it| batch.ingest(it).unwrap()).collect();
    assert!(batch.is_pending());
    batch.commit().unwrap();
    assert!(!batch.is_pending());
    drop(batch);
    assert_eq!(outcomes, singles);
    assert_eq!(visible(&batched, &queries), visible(&one_by_one, &queries));
    assert_eq!(batched.search("fishing", 50).unwrap().len(), 1);
    assert!(batched.consistency_problems().unwrap().is_empty());
}

#[test]
fn a_failing_document_in_a_batch_is_rolled_back_alone() {
    let mut store = Store::memory().unwrap();
    fail_claims_with_rule_boom(&store, "ABORT");
    let mut batch = store.batch(BatchLimits::default());
    let e = first_then_doomed(&mut batch);
    assert!(e.to_string().contains("injected failure"), "{e}");
    assert!(!batch.is_full());
    batch
        .ingest(&item("cccc", "c.txt", "The second canal treaty."))
        .unwrap();
    batch.commit().unwrap();
    drop(batch);
    assert_canals_kept(&store, &["aaaa", "cccc"]);
    assert!(store.search("railway", 5).unwrap().is_empty());
}

/// Into `batch`: a canal treaty ("aaaa"), then a document whose claims the
/// injected trigger fails ("bbbb"); the error of the second.
fn first_then_doomed(batch: &mut Batch<'_>) -> StoreError {
    batch
        .ingest(&item("aaaa", "a.txt", "The first canal treaty."))
        .unwrap();
    batch
        .ingest(&boom("bbbb", "b.txt", "A doomed railway concession."))
        .unwrap_err()
}

/// The store holds exactly the documents `ids` (in `doc_ids` order), two
/// of them about a canal, and is consistent.
fn assert_canals_kept(store: &Store, ids: &[&str]) {
    assert_eq!(doc_ids(store), ids);
    assert_eq!(store.search("canal", 5).unwrap().len(), 2);
    assert!(store.consistency_problems().unwrap().is_empty());
}

#[test]
fn a_batch_that_sqlite_rolled_back_is_reported_lost_and_goes_on() {
    let mut store = Store::memory().unwrap();
    store
        .ingest(&item("0000", "old.txt", "An earlier canal treaty."))
        .unwrap();
    fail_claims_with_rule_boom(&store, "ROLLBACK");
    let mut batch = store.batch(BatchLimits::default());
    first_then_doomed(&mut batch);
    // The loss must be settled before anything else is written.
    assert!(batch.is_full());
    assert!(batch
        .ingest(&item("cccc", "c.txt", "The second canal treaty."))
        .is_err());
    match batch.commit() {
        Err(StoreError::BatchLost { documents, reason }) => {
            assert_eq!(documents, 1);
            assert!(reason.contains("injected failure"), "{reason}");
        }
        other => panic!("expected BatchLost, got {other:?}"),
    }
    assert!(!batch.is_pending());
    batch
        .ingest(&item("cccc", "c.txt", "The second canal treaty."))
        .unwrap();
    batch.commit().unwrap();
    drop(batch);
    assert_canals_kept(&store, &["cccc", "0000"]);
}

#[test]
fn an_uncommitted_batch_is_rolled_back_and_committed_ones_stay() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("kb.db");
    {
        let mut store = Store::open(&path).unwrap();
        let mut batch = store.batch(BatchLimits::default());
        batch
            .ingest(&item("aaaa", "a.txt", "Committed wording."))
            .unwrap();
        batch.commit().unwrap();
        batch
            .ingest(&item("bbbb", "b.txt", "Dropped wording."))
            .unwrap();
    }
    let store = Store::open(&path).unwrap();
    let docs = store.documents().unwrap();
    assert_eq!(docs.len(), 1);
    assert_eq!(docs[0].id, "aaaa");
    assert_eq!(store.search("wording", 5).unwrap().len(), 1);
    assert_eq!(store.integrity_check().unwrap(), vec!["ok".to_string()]);
}

#[test]
fn a_batch_is_full_at_its_limits() {
    let mut store = Store::memory().unwrap();
    let limits = BatchLimits {
        documents: 2,
        bytes: u64::MAX,
        age: Duration::from_secs(3600),
    };
    let mut batch = store.batch(limits);
    assert_eq!(batch.time_left(), None);
    batch.ingest(&item("aaaa", "a.txt", "One.")).unwrap();
    assert!(batch.time_left().is_some());
    // An unchanged document writes nothing and does not count.
    batch.ingest(&item("aaaa", "a.txt", "One.")).unwrap();
    assert!(!batch.is_full());
    batch.ingest(&item("bbbb", "b.txt", "Two.")).unwrap();
    assert!(batch.is_full());
    batch.commit().unwrap();
    assert!(!batch.is_full());
    assert_eq!(batch.time_left(), None);
    drop(batch);

    let text = item("cccc", "c.txt", "Three.").doc.text.len() as u64;
    let mut batch = store.batch(BatchLimits {
        documents: usize::MAX,
        bytes: text,
        age: Duration::from_secs(3600),
    });
    batch.ingest(&item("cccc", "c.txt", "Three.")).unwrap();
    assert!(batch.is_full());
    batch.commit().unwrap();
    drop(batch);

    let mut batch = store.batch(BatchLimits {
        documents: usize::MAX,
        bytes: u64::MAX,
        age: Duration::ZERO,
    });
    batch.ingest(&item("dddd", "d.txt", "Four.")).unwrap();
    assert_eq!(batch.time_left(), Some(Duration::ZERO));
    assert!(batch.is_full());
    batch.commit().unwrap();
    drop(batch);
    assert_eq!(store.documents().unwrap().len(), 4);
}

#[test]
fn a_large_text_in_a_batch_is_indexed_directly_and_searchable() {
    // Past the queue's limit the text is indexed as it is written; later
    // documents' savepoints then flush it, which must change nothing.
    let body = "Lighthouse dues on every vessel. ".repeat(40_000);
    let mut big = item("bbbb", "big.txt", &body);
    assert!(big.doc.text.len() > 1 << 20);
    big.sentences.clear();
    big.claims.clear();
    let mut store = Store::memory().unwrap();
    let mut batch = store.batch(BatchLimits::default());
    batch
        .ingest(&item("aaaa", "a.txt", "Lighthouse keepers."))
        .unwrap();
    batch.ingest(&big).unwrap();
    batch
        .ingest(&item("cccc", "c.txt", "More lighthouse keepers."))
        .unwrap();
    batch.commit().unwrap();
    drop(batch);
    assert_eq!(store.search("lighthouse", 10).unwrap().len(), 3);
    assert_eq!(store.search("vessel", 10).unwrap().len(), 1);
    assert_eq!(store.search("keepers", 10).unwrap().len(), 2);
    assert!(store.consistency_problems().unwrap().is_empty());
}

#[test]
fn claims_are_one_row_per_document_and_round_trip() {
    let mut it = item(
        "ffff",
        "c.txt",
        "Envoys agreed on a tariff of 3.5 per cent.",
    );
    let mut second = it.claims[0].clone();
    second.predicate = "party".into();
    second.value =
        serde_json::json!({"cow": 220, "name": "Fran\u{e7}ais \"quoted\"", "ratio": 3.5});
    second.valid_time = None;
    second.rule = "prose.party".into();
    second.confidence = 0.3825;
    let mut third = second.clone();
    third.value =
        serde_json::json!({"cow": 200, "big": u64::MAX, "neg": -7, "list": [1, null, true]});
    third.confidence = 1.0 / 3.0;
    it.claims.push(second);
    it.claims.push(third);
    let mut store = Store::memory().unwrap();
    store.ingest(&it).unwrap();
    assert_eq!(store.claims("ffff").unwrap(), it.claims);
    let all = store.all_claims().unwrap();
    assert_eq!(all.len(), 1);
    assert_eq!(all[0].1, it.claims);
    assert_eq!(
        store.claim_predicate_counts().unwrap(),
        [("party".to_string(), 2), ("signed".to_string(), 1)]
    );
    assert!(store.consistency_problems().unwrap().is_empty());
    let rows: i64 = match &store.backend {
        Backend::Sqlite(c) => c
            .query_row("SELECT count(*) FROM claim_sets", [], |r| r.get(0))
            .unwrap(),
    };
    assert_eq!(rows, 1);
    // The `claims` view shows them as the old table did.
    let (count, value, valid, confidence, idx): (i64, String, Option<String>, f64, i64) =
        match &store.backend {
            Backend::Sqlite(c) => c
                .query_row(
                    "SELECT (SELECT count(*) FROM claims), value, valid_time, confidence, idx
                     FROM claims WHERE predicate = 'party' ORDER BY idx DESC LIMIT 1",
                    [],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
                )
                .unwrap(),
        };
    assert_eq!(count, 3);
    assert_eq!(value, it.claims[2].value.to_string());
    assert_eq!(valid, None);
    assert_eq!(confidence as f32, it.claims[2].confidence);
    assert_eq!(idx, 2);
    // Replacing them rewrites the row; an empty list leaves none.
    store.replace_claims("ffff", &it.claims[1..]).unwrap();
    assert_eq!(store.claims("ffff").unwrap(), &it.claims[1..]);
    assert_eq!(
        store.claim_predicate_counts().unwrap(),
        [("party".to_string(), 2)]
    );
    store.replace_claims("ffff", &[]).unwrap();
    assert!(store.claims("ffff").unwrap().is_empty());
    assert!(store.claim_predicate_counts().unwrap().is_empty());
    assert!(store.consistency_problems().unwrap().is_empty());
}

#[test]
fn a_claim_with_a_confidence_json_cannot_hold_is_refused() {
    let mut it = item("gggg", "n.txt", "Odd numbers.");
    it.claims[0].confidence = f32::NAN;
    let mut store = Store::memory().unwrap();
    assert!(matches!(store.ingest(&it), Err(StoreError::Corrupt { .. })));
    assert!(store.documents().unwrap().is_empty());
}

#[test]
fn a_version_4_database_has_its_claim_rows_folded() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v4.db");
    let mut it = item("hhhh", "v4.txt", "Two ports signed a pilotage convention.");
    let mut second = it.claims[0].clone();
    second.predicate = "party".into();
    second.value = serde_json::json!({"cow": 230, "name": "Espa\u{f1}a", "share": 0.1});
    second.valid_time = None;
    second.confidence = 0.3825;
    it.claims.push(second.clone());
    it.claims.push(second);
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        for m in &schema::MIGRATIONS[..4] {
            conn.execute_batch(m).unwrap();
        }
        conn.pragma_update(None, "user_version", 4).unwrap();
        insert_old_document(&conn, "hhhh", "v4.txt", &it, [0, 0, 0, 0, 3]);
        for (i, c) in it.claims.iter().enumerate() {
            insert_old_claim(&conn, i, c);
        }
    }
    let mut store = Store::open(&path).unwrap();
    assert_eq!(store.schema_version().unwrap(), SCHEMA_VERSION);
    assert_eq!(store.claims("hhhh").unwrap(), it.claims);
    assert_eq!(store.all_claims().unwrap()[0].1, it.claims);
    assert_eq!(
        store.claim_predicate_counts().unwrap(),
        [("party".to_string(), 2), ("signed".to_string(), 1)]
    );
    assert!(store.consistency_problems().unwrap().is_empty());
    let old_table = schema_objects(&store, "name = 'claims' AND type = 'view'");
    assert_eq!(old_table, 1, "the claims view");
    // The upgraded store takes new documents as a fresh one does.
    let next = item("iiii", "w.txt", "Delegates signed at Ostend.");
    assert_eq!(store.ingest(&next).unwrap(), Outcome::New);
    assert_eq!(store.claims("iiii").unwrap(), next.claims);
    assert_eq!(
        store.claim_predicate_counts().unwrap(),
        [("party".to_string(), 2), ("signed".to_string(), 2)]
    );
    assert!(store.consistency_problems().unwrap().is_empty());
}
