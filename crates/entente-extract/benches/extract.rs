//! Extraction against recognition on the bundled sample corpus: the issue
//! asks that extraction and resolution cost at most as much again as the
//! stages before them. Each benchmark checks its own result.

#![allow(clippy::unwrap_used)]

use entente_source::Document;
use std::path::{Path, PathBuf};

fn corpus() -> Vec<(PathBuf, Vec<u8>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/corpus");
    let mut files: Vec<(PathBuf, Vec<u8>)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let p = e.unwrap().path();
            let b = std::fs::read(&p).unwrap();
            (p, b)
        })
        .collect();
    files.sort();
    files
}

fn docs() -> Vec<Document> {
    corpus()
        .iter()
        .map(|(p, b)| entente_source::read_bytes(p, b).unwrap())
        .collect()
}

/// Reading and recognition: the baseline.
#[divan::bench]
fn read_and_recognise(bencher: divan::Bencher) {
    let files = corpus();
    bencher.bench(|| {
        let mut n = 0;
        for (p, b) in &files {
            let d = entente_source::read_bytes(p, b).unwrap();
            n += entente_recognise::recognise(&d).mentions.len();
        }
        assert!(n > 0);
        n
    });
}

/// Extraction and resolution over already recognised documents.
#[divan::bench]
fn extract_and_resolve(bencher: divan::Bencher) {
    let docs = docs();
    let recs: Vec<_> = docs.iter().map(entente_recognise::recognise).collect();
    bencher.bench(|| {
        let mut sources = Vec::new();
        for (i, (d, r)) in docs.iter().zip(&recs).enumerate() {
            let claims = entente_extract::extract(&i.to_string(), d, r);
            sources.push(entente_extract::resolve::SourceDoc {
                id: i.to_string(),
                path: String::new(),
                text: d.text.clone(),
                claims,
            });
        }
        let kb = entente_extract::resolve::KnowledgeBase::build(&sources);
        assert!(!kb.agreements.is_empty());
        kb.agreements.len()
    });
}

fn main() {
    divan::main();
}
