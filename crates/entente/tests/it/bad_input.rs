//! A folder of bad input: one error line per bad file, everything else
//! ingested, exit status 1, no panic, earlier documents intact.

use crate::util::{docs, ingest, write};
use std::io::Write;

/// Size of the huge text file. 200 MB as the issue asks; smaller in debug
/// builds, where the unoptimised readers would take minutes (CI runs the
/// tests in release).
fn huge_len() -> usize {
    if cfg!(debug_assertions) {
        20 << 20
    } else {
        200 << 20
    }
}

/// Streams a large plain-text file of paragraphs to disk without building it
/// in memory.
fn write_huge(path: &std::path::Path, len: usize) {
    let file = std::fs::File::create(path).unwrap();
    let mut w = std::io::BufWriter::with_capacity(1 << 20, file);
    let para = "the river ran slow past the mill and the fields were quiet under a low sky \
                while the carts went home along the dyke and nobody spoke of the weather\n\n";
    let mut written = 0;
    while written < len {
        w.write_all(para.as_bytes()).unwrap();
        written += para.len();
    }
    w.flush().unwrap();
}

#[test]
fn each_bad_file_is_one_error_line_and_the_rest_is_ingested() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("kb.db");

    // A document stored before the bad run must survive it.
    let earlier = write(
        tmp.path(),
        "earlier/kept.txt",
        "The archive kept a copy of the river treaty.\n",
    );
    ingest(tmp.path(), &db, &earlier).ok();

    let bad = tmp.path().join("bad");
    // Bad files, each expected to produce exactly one error line naming it.
    let mut expect_error = vec!["blob.txt", "invalid.txt", "broken.xml", "empty.txt"];
    write(
        &bad,
        "blob.txt",
        [0x7f, b'E', b'L', b'F', 0, 0, 1, 0, 0xff, 0, 0, 0],
    );
    write(
        &bad,
        "invalid.txt",
        b"The caf\xc3\xa9 by the quay closed early. \x81\x82\xfe broken bytes here.\n".as_slice(),
    );
    write(
        &bad,
        "broken.xml",
        "<TEI>\n<text><body>\n<p>An unclosed paragraph\n</body></text>\n</TEI>\n",
    );
    write(&bad, "empty.txt", "");

    // Good files, however odd.
    let mut expect_ok = vec!["legacy.txt", "truncated.html", "huge.txt"];
    // Windows-1252: é is 0xE9, à is 0xE0.
    write(
        &bad,
        "legacy.txt",
        b"Le trait\xe9 fut sign\xe9 \xe0 Lyon par les deux d\xe9l\xe9gu\xe9s, \
          puis publi\xe9 dans la gazette du lendemain.\n"
            .as_slice(),
    );
    write(
        &bad,
        "truncated.html",
        "<html><head><title>Envoys</title></head><body><p>The envoys met at the \
         border post and exchanged their lett",
    );
    write_huge(&bad.join("huge.txt"), huge_len());
    // Unsupported extensions are skipped silently.
    write(&bad, "picture.png", [0x89, b'P', b'N', b'G', 0, 0]);

    let unreadable = write(&bad, "locked.txt", "Nobody may read this note.\n");
    set_mode(&unreadable, 0o000);
    // Root reads anything: then the file is simply ingested.
    let privileged = std::fs::read(&unreadable).is_ok();
    if privileged {
        eprintln!("note: running with privileges, locked.txt is readable; not checking its error");
        expect_ok.push("locked.txt");
    } else {
        expect_error.push("locked.txt");
    }

    std::os::unix::fs::symlink(".", bad.join("loop")).unwrap();
    expect_error.push("loop");

    let run = ingest(tmp.path(), &db, &bad);
    set_mode(&unreadable, 0o644);

    run.no_panic();
    run.check(run.status.code() == Some(1), "exit status 1");
    let errors = run.error_lines();
    for name in &expect_error {
        let hits = errors.iter().filter(|l| l.contains(name)).count();
        run.check(hits == 1, &format!("exactly one error line for {name}"));
    }
    run.check(
        errors.len() == expect_error.len(),
        &format!("{} error lines in all", expect_error.len()),
    );
    for name in &expect_ok {
        run.check(
            !errors.iter().any(|l| l.contains(name)),
            &format!("no error for {name}"),
        );
    }
    // Malformed XML names line and column.
    let xml = errors.iter().find(|l| l.contains("broken.xml")).unwrap();
    let after = xml.split("broken.xml:").nth(1).unwrap_or("");
    let mut nums = after.split(':').take(2).map(|n| n.trim().parse::<u32>());
    run.check(
        matches!((nums.next(), nums.next()), (Some(Ok(_)), Some(Ok(_)))),
        "broken.xml:LINE:COLUMN",
    );
    // The legacy file is decoded with a warning.
    run.check(
        run.stderr
            .lines()
            .any(|l| l.starts_with("warning:") && l.contains("legacy.txt")),
        "warning line for legacy.txt",
    );
    run.check(
        run.count("failed") == expect_error.len() as u64,
        "failed count",
    );
    run.check(run.count("new") == expect_ok.len() as u64, "new count");

    let rows = docs(tmp.path(), &db);
    let has = |name: &str| rows.iter().any(|r| r.1.ends_with(name));
    assert!(has("kept.txt"), "earlier document lost: {rows:?}");
    for name in &expect_ok {
        assert!(has(name), "{name} not stored: {rows:?}");
    }
    assert_eq!(rows.len(), 1 + expect_ok.len(), "{rows:?}");
}

fn set_mode(path: &std::path::Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}
