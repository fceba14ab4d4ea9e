//! Crash safety: SIGKILL in the middle of an ingest loses nothing committed
//! and leaves nothing half-written.

use crate::util::{command, docs, ingest, paragraph, write};
use std::time::{Duration, Instant};

/// Enough files that the ingest takes a few seconds even in release.
const FILES: usize = 6000;

#[test]
fn sigkill_mid_ingest_leaves_a_sound_database_that_a_rerun_completes() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("corpus");
    let db = tmp.path().join("kb.db");
    for i in 0..FILES {
        let body: String = (0..12).map(|k| paragraph(i * 12 + k)).collect();
        write(
            &dir,
            &format!("{:02}/note-{i:05}.txt", i % 50),
            format!("Note {i}\n\n{body}"),
        );
    }

    let mut child = command(tmp.path())
        .arg("--db")
        .arg(&db)
        .arg("ingest")
        .arg(&dir)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();

    // Wait until some documents are committed, then kill mid-run.
    let deadline = Instant::now() + Duration::from_secs(120);
    let stored = loop {
        if let Some(status) = child.try_wait().unwrap() {
            panic!("ingest finished ({status}) before it could be killed: make FILES larger");
        }
        assert!(Instant::now() < deadline, "no document committed in time");
        std::thread::sleep(Duration::from_millis(25));
        if let Some(n) = committed(&db) {
            if n >= 20 {
                break n;
            }
        }
    };
    child.kill().unwrap();
    let status = child.wait().unwrap();
    assert!(!status.success(), "killed process should not succeed");

    let store = entente_store::Store::open(&db).unwrap();
    assert_eq!(store.integrity_check().unwrap(), vec!["ok".to_string()]);
    let problems = store.consistency_problems().unwrap();
    assert!(problems.is_empty(), "half-written documents: {problems:?}");
    let after_kill = store.documents().unwrap();
    assert!(after_kill.len() >= stored, "committed documents lost");
    assert!(
        after_kill.len() < FILES,
        "the kill came too late to test anything"
    );
    for d in &after_kill {
        assert!(d.counts.blocks > 0, "document without blocks: {d:?}");
    }
    drop(store);

    let rerun = ingest(tmp.path(), &db, &dir);
    rerun.ok();
    rerun.check(rerun.count("files") == FILES as u64, "every file seen");
    rerun.check(rerun.count("failed") == 0, "nothing failed");
    rerun.check(
        rerun.count("unchanged") == after_kill.len() as u64,
        "committed files are unchanged",
    );
    assert_eq!(docs(tmp.path(), &db).len(), FILES);
}

/// How many documents the database holds right now, if it can be read (it
/// may not exist yet, or be locked for a moment).
fn committed(db: &std::path::Path) -> Option<usize> {
    if !db.exists() {
        return None;
    }
    entente_store::Store::open(db)
        .ok()?
        .stats()
        .ok()
        .and_then(|s| usize::try_from(s.documents).ok())
}
