//! The commands other than ingest, and where the database lives.

use crate::util::{command, docs, entente, ingest, write, Run};

#[test]
fn doc_prints_blocks_with_spans_and_accepts_a_prefix() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("kb.db");
    let text = "# Fishing rights\n\nBoth crowns kept their fishing rights along the coast.\n";
    let file = write(tmp.path(), "note.md", text);
    ingest(tmp.path(), &db, &file).ok();
    let rows = docs(tmp.path(), &db);
    assert_eq!(rows.len(), 1, "{rows:?}");
    let (id, path, _title) = &rows[0];
    assert!(path.ends_with("note.md"), "{rows:?}");
    assert_eq!(id.len(), 32, "{rows:?}");

    let run = entente(tmp.path(), &db, &["doc", &id[..8]]);
    run.ok();
    run.check(run.stdout.contains(id.as_str()), "full id shown");
    let para = run
        .stdout
        .lines()
        .find(|l| l.starts_with("paragraph"))
        .unwrap_or_else(|| panic!("no paragraph line\n{}", run.context()));
    run.check(para.contains("Both crowns kept"), "excerpt shown");
    // The span is `start..end` and covers the sentence in the text.
    let span = para.split_whitespace().nth(1).unwrap();
    let (s, e) = span.split_once("..").unwrap();
    let (s, e): (usize, usize) = (s.parse().unwrap(), e.parse().unwrap());
    run.check(e > s && e - s >= "Both crowns kept".len(), "span is sane");

    let missing = entente(tmp.path(), &db, &["doc", "ffffffffffff"]);
    missing.check(!missing.status.success(), "unknown id fails");
    missing.no_panic();
    missing.check(missing.stderr.contains("no document"), "says so");
}

#[test]
fn db_flag_beats_env_beats_default() {
    let tmp = tempfile::tempdir().unwrap();
    let file = write(tmp.path(), "x.txt", "A short note about a bridge toll.\n");

    // Default: entente.db in the current folder.
    let mut c = command(tmp.path());
    c.arg("ingest").arg(&file);
    Run::of(c).ok();
    assert!(tmp.path().join("entente.db").exists());

    // ENTENTE_DB overrides the default.
    let env_db = tmp.path().join("env.db");
    let mut c = command(tmp.path());
    c.env("ENTENTE_DB", &env_db).arg("ingest").arg(&file);
    Run::of(c).ok();
    assert!(env_db.exists());

    // --db overrides ENTENTE_DB.
    let flag_db = tmp.path().join("flag.db");
    let unused = tmp.path().join("unused.db");
    let mut c = command(tmp.path());
    c.env("ENTENTE_DB", &unused)
        .arg("--db")
        .arg(&flag_db)
        .arg("ingest")
        .arg(&file);
    Run::of(c).ok();
    assert!(flag_db.exists());
    assert!(!unused.exists());
}

#[test]
fn demo_works_from_any_folder_and_leaves_no_database() {
    let tmp = tempfile::tempdir().unwrap();
    let mut c = command(tmp.path());
    c.arg("demo");
    let run = Run::of(c);
    run.ok();
    run.check(run.stdout.contains("Documents"), "lists documents");
    run.check(
        run.stdout.contains("examples/corpus/"),
        "names sample files",
    );
    run.check(run.stdout.contains("0 failed"), "every sample file reads");
    let leftovers: Vec<_> = std::fs::read_dir(tmp.path()).unwrap().collect();
    assert!(leftovers.is_empty(), "demo wrote files: {leftovers:?}");
}

#[test]
fn a_newer_database_is_refused_clearly() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("kb.db");
    // Create a valid database, then pretend a future build wrote it.
    let file = write(tmp.path(), "x.txt", "A short note about a bridge toll.\n");
    ingest(tmp.path(), &db, &file).ok();
    set_user_version(&db, entente_store::SCHEMA_VERSION + 1);
    let run = entente(tmp.path(), &db, &["docs"]);
    run.check(!run.status.success(), "refused");
    run.no_panic();
    run.check(run.stderr.contains("newer"), "says the schema is newer");
}

/// Sets `PRAGMA user_version` by patching the file header (bytes 60..64,
/// big-endian), as a newer build would have left it.
fn set_user_version(db: &std::path::Path, v: i64) {
    // The last connection to close checkpointed and removed the WAL, so the
    // main file's header is the live one.
    assert!(!db.with_extension("db-wal").exists());
    let mut bytes = std::fs::read(db).unwrap();
    let v = u32::try_from(v).unwrap().to_be_bytes();
    bytes[60..64].copy_from_slice(&v);
    std::fs::write(db, bytes).unwrap();
}

#[test]
fn export_and_search_are_wired() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("kb.db");
    let file = write(
        tmp.path(),
        "pact.txt",
        "The northern and southern leagues signed a grain pact at Lindau.\n",
    );
    ingest(tmp.path(), &db, &file).ok();

    let out = tmp.path().join("facts.json");
    let run = entente(
        tmp.path(),
        &db,
        &["export", "--format", "facts", "-o", out.to_str().unwrap()],
    );
    run.ok();
    let facts: serde_json::Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    run.check(facts.get("documents").is_some(), "facts JSON has documents");

    let rows = docs(tmp.path(), &db);
    let short = &rows[0].0[..12];
    let found = entente(tmp.path(), &db, &["search", "lindau"]);
    found.ok();
    found.check(found.stdout.contains(short), "search finds the document");
    let none = entente(tmp.path(), &db, &["search", "zanzibar"]);
    none.ok();
    none.check(!none.stdout.contains(short), "no hit for an absent word");
}
