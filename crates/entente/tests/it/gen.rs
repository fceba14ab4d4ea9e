//! The synthetic benchmark corpus (`entente bench gen`): deterministic, in
//! every format, and every file ingests.

use crate::util::{command, ingest, Run};
use std::collections::BTreeMap;
use std::path::Path;

fn gen(cwd: &Path, out: &Path, size: &str, seed: &str) -> Run {
    let mut c = command(cwd);
    c.args(["bench", "gen", "--size", size, "--seed", seed, "--out"])
        .arg(out);
    let run = Run::of(c);
    run.ok();
    run
}

/// Every file under `dir`, by path relative to it, with its bytes.
fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    for entry in walkdir::WalkDir::new(dir) {
        let entry = entry.unwrap();
        if entry.file_type().is_file() {
            let rel = entry.path().strip_prefix(dir).unwrap();
            out.insert(
                rel.display().to_string(),
                std::fs::read(entry.path()).unwrap(),
            );
        }
    }
    out
}

#[test]
fn same_seed_gives_identical_bytes_and_another_seed_does_not() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b, c) = (
        tmp.path().join("a"),
        tmp.path().join("b"),
        tmp.path().join("c"),
    );
    gen(tmp.path(), &a, "200KB", "42");
    gen(tmp.path(), &b, "200KB", "42");
    gen(tmp.path(), &c, "200KB", "43");
    let (fa, fb, fc) = (files(&a), files(&b), files(&c));
    let total: usize = fa.values().map(Vec::len).sum();
    assert!(total >= 200_000, "only {total} bytes");
    assert!(fa.len() >= 4, "only {} files", fa.len());
    assert!(fa == fb, "same seed, different output");
    assert!(fa != fc, "another seed, same output");
}

#[test]
fn every_generated_file_ingests_and_yields_claims() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("corpus");
    let db = tmp.path().join("kb.db");
    gen(tmp.path(), &dir, "400KB", "7");
    let all = files(&dir);
    // Every reader gets its turn: .txt, .md, .html, and both kinds of XML.
    for ext in [".txt", ".md", ".html", ".xml"] {
        assert!(all.keys().any(|k| k.ends_with(ext)), "no {ext} file");
    }
    let tei = all
        .values()
        .filter(|v| v.windows(5).any(|w| w == b"<TEI "))
        .count();
    let feeds = all
        .values()
        .filter(|v| v.windows(10).any(|w| w == b"<newsfeed "))
        .count();
    assert!(tei > 0 && feeds > 0, "tei {tei}, feeds {feeds}");

    let run = ingest(tmp.path(), &db, &dir);
    run.ok();
    let n = u64::try_from(all.len()).unwrap();
    run.check(run.count("files") == n, "every file considered");
    run.check(run.count("new") == n, "every file new");
    run.check(run.count("failed") == 0, "no failure");

    // The sentences are of the kinds the rules handle: claims come out,
    // signings among them.
    let conn = rusqlite::Connection::open(&db).unwrap();
    let claims: i64 = conn
        .query_row("SELECT count(*) FROM claims", [], |r| r.get(0))
        .unwrap();
    let docs_with_claims: i64 = conn
        .query_row("SELECT count(DISTINCT doc) FROM claims", [], |r| r.get(0))
        .unwrap();
    run.check(claims > 10 * i64::try_from(n).unwrap(), "too few claims");
    run.check(
        docs_with_claims == i64::try_from(n).unwrap(),
        "a document without claims",
    );
}
