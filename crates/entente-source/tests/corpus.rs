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
                if doc.title.is_none() {
                    eprintln!("no title: {}", p.display());
                }
                let original = std::fs::read(p).unwrap();
                let spans = doc
                    .blocks
                    .iter()
                    .map(|b| b.span)
                    .chain(doc.annotations.iter().map(|a| a.span));
                for span in spans {
                    let o = doc.map.original_span(span);
                    let slice = String::from_utf8_lossy(&original[o.start..o.end]);
                    let text = span.slice(&doc.text);
                    let words: Vec<&str> = text
                        .split(|c: char| !c.is_alphanumeric())
                        .filter(|w| !w.is_empty())
                        .collect();
                    let ok = match (words.first(), words.last()) {
                        (Some(a), Some(b)) => slice.contains(a) && slice.contains(b),
                        _ => true,
                    };
                    if !ok {
                        *counts.entry("map_mismatch").or_default() += 1;
                        if counts["map_mismatch"] <= 5 {
                            eprintln!("{}: {text:?} -> {slice:?}", p.display());
                        }
                    }
                }
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
