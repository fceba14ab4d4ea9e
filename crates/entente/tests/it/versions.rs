//! Idempotence and versions.

use crate::util::{docs, entente, ingest, write};

#[test]
fn second_ingest_is_unchanged_and_an_edit_is_a_new_version() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("corpus");
    let db = tmp.path().join("kb.db");
    write(
        &dir,
        "a.txt",
        "The two cities agreed on a ferry timetable.\n",
    );
    write(
        &dir,
        "sub/b.md",
        "# Canal note\n\nThe canal opened in spring.\n",
    );
    let c = write(&dir, "c.txt", "First draft of the customs note.\n");

    let first = ingest(tmp.path(), &db, &dir);
    first.ok();
    first.check(first.count("files") == 3, "3 files");
    first.check(first.count("new") == 3, "3 new");
    first.check(first.count("failed") == 0, "0 failed");

    let second = ingest(tmp.path(), &db, &dir);
    second.ok();
    second.check(second.count("unchanged") == 3, "all unchanged");
    second.check(second.count("new") == 0, "nothing new");

    let before = docs(tmp.path(), &db);
    let old_c = before
        .iter()
        .find(|d| d.1.ends_with("c.txt"))
        .unwrap()
        .0
        .clone();

    std::fs::write(&c, "Second draft of the customs note, with tariffs.\n").unwrap();
    let third = ingest(tmp.path(), &db, &dir);
    third.ok();
    third.check(third.count("new") == 1, "the edit is new");
    third.check(third.count("unchanged") == 2, "the rest unchanged");

    let after = docs(tmp.path(), &db);
    assert_eq!(after.len(), 3, "{after:?}");
    let c_rows: Vec<_> = after.iter().filter(|d| d.1.ends_with("c.txt")).collect();
    assert_eq!(c_rows.len(), 1, "{after:?}");
    assert_ne!(c_rows[0].0, old_c, "docs must show the new version");
    assert!(after.iter().all(|d| d.0 != old_c), "{after:?}");

    // The old version is kept for its citations, marked superseded.
    let old = entente(tmp.path(), &db, &["doc", &old_c]);
    old.ok();
    old.check(
        old.stdout
            .contains(&format!("superseded by {}", c_rows[0].0)),
        "old version marked superseded",
    );

    // Ingesting from another folder with a relative path still finds the
    // same files (versions are keyed on the real path).
    let again = ingest(&dir, &db, std::path::Path::new("."));
    again.ok();
    again.check(again.count("unchanged") == 3, "relative path: unchanged");
}
