//! Reads every file of a corpus folder named by `ENTENTE_CORPUS` and reports
//! block and annotation counts. Ignored by default (it needs the folder); run
//! with `ENTENTE_CORPUS=path cargo test -p entente-source --test corpus -- --ignored --nocapture`.
#![allow(clippy::unwrap_used)]

use entente_source::{read_path, AnnotationKind, BlockKind, Format};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir).unwrap().flatten().collect();
    entries.sort_by_key(|e| e.path());
    for e in entries {
        let p = e.path();
        if p.is_dir() {
            files(&p, out);
        } else if Format::from_path(&p).is_some() {
            out.push(p);
        }
    }
}

#[test]
#[ignore]
fn reads_whole_corpus() {
    let Ok(root) = std::env::var("ENTENTE_CORPUS") else {
        eprintln!("ENTENTE_CORPUS not set; nothing to do");
        return;
    };
    let mut paths = Vec::new();
    files(Path::new(&root), &mut paths);
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    let mut failures = Vec::new();
    for p in &paths {
        match read_path(p) {
            Ok(doc) => {
                *counts.entry("files").or_default() += 1;
                for b in &doc.blocks {
                    assert!(doc.text.get(b.span.start..b.span.end).is_some());
                    let k = match b.kind {
                        BlockKind::Title => "title",
                        BlockKind::Heading { .. } => "heading",
                        BlockKind::Paragraph => "paragraph",
                        BlockKind::ListItem => "list_item",
                        BlockKind::Quote => "quote",
                        BlockKind::KeyValue { .. } => "key_value",
                        BlockKind::Boilerplate => "boilerplate",
                    };
                    *counts.entry(k).or_default() += 1;
                }
                for a in &doc.annotations {
                    let k = match a.kind {
                        AnnotationKind::Date { .. } => "date",
                        AnnotationKind::Person { .. } => "person",
                        AnnotationKind::Place { .. } => "place",
                        AnnotationKind::Ref { .. } => "ref",
                    };
                    *counts.entry(k).or_default() += 1;
                }
            }
            Err(e) => failures.push(e.to_string()),
        }
    }
    eprintln!("{counts:#?}");
    assert!(failures.is_empty(), "{failures:#?}");
}

/// Prints the blocks of the file named by `ENTENTE_DUMP`, for eyeballing.
#[test]
#[ignore]
fn dump_one() {
    let Ok(path) = std::env::var("ENTENTE_DUMP") else {
        return;
    };
    let doc = read_path(Path::new(&path)).unwrap();
    eprintln!(
        "title: {:?} format: {:?} warnings: {:?}",
        doc.title, doc.format, doc.warnings
    );
    for b in &doc.blocks {
        let text = b.span.slice(&doc.text);
        let short: String = text.chars().take(90).collect();
        eprintln!("{:?} s={:?} {:?}", b.kind, b.section, short);
    }
}

/// Times reading the file named by `ENTENTE_TIME` (run with `--release`).
#[test]
#[ignore]
fn time_one() {
    let Ok(path) = std::env::var("ENTENTE_TIME") else {
        return;
    };
    let start = std::time::Instant::now();
    let doc = read_path(Path::new(&path)).unwrap();
    eprintln!(
        "{path}: {} bytes, {} blocks, {} map segments in {:?}",
        doc.text.len(),
        doc.blocks.len(),
        doc.map.segments().len(),
        start.elapsed()
    );
}

#[test]
#[ignore]
fn probe_invalid_utf8() {
    let mut random = Vec::new();
    let mut x: u32 = 12345;
    for _ in 0..1000 {
        x = x.wrapping_mul(1103515245).wrapping_add(12345);
        random.push(((x >> 16) as u8) | 1);
    }
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("fffefd", b"\xff\xfe\xfd".to_vec()),
        ("hello ff", b"hello \xff world".to_vec()),
        ("c328", b"\xc3\x28".to_vec()),
        ("abc80def", b"abc\x80def".to_vec()),
        ("ff*100", vec![0xff; 100]),
        ("trunc", b"valid text \xe2\x82 truncated".to_vec()),
        ("random", random),
        ("invalid seqs", b"Invalid UTF-8: \xc3\x28 \xa0\xa1 \xe2\x28\xa1 \xf0\x28\x8c\xbc".to_vec()),
        ("latin1", b"Caf\xe9 cr\xe8me br\xfbl\xe9e in Z\xfcrich".to_vec()),
        ("80-ff", (0x80u8..=0xff).collect()),
    ];
    for (name, bytes) in cases {
        let r = entente_source::read_bytes(Path::new("x.txt"), &bytes);
        eprintln!("{name}: {:?}", r.map(|d| (d.encoding, d.text.chars().take(30).collect::<String>())));
    }
}
