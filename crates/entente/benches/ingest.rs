//! Ingest throughput: the bundled sample corpus (in memory), and the
//! reference corpus `../shared/corpus` when it is there (from disk into a
//! file database, as `entente ingest` does). Each run checks its result.
//!
//! `cargo bench -p entente --bench ingest`; set `ENTENTE_BENCH_CORPUS` to
//! measure another folder.

#![allow(clippy::unwrap_used)]

use entente::ingest::{ingest_bytes, ingest_paths, IngestOptions};
use entente_store::Store;
use std::path::PathBuf;

/// The allocator of the `entente` binary, so that these figures are its.
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    divan::main();
}

#[divan::bench(sample_count = 20)]
fn sample_corpus(bencher: divan::Bencher) {
    let corpus = entente::demo::corpus();
    bencher.bench_local(|| {
        let mut store = Store::memory().unwrap();
        let s = ingest_bytes(&mut store, corpus, &IngestOptions::default(), &mut |_| {}).unwrap();
        assert_eq!(s.new as usize, corpus.len());
        assert_eq!(store.documents().unwrap().len(), corpus.len());
    });
}

/// The store alone: the sample corpus (and the reference corpus when present)
/// read and derived once, then written into a fresh in-memory store.
#[divan::bench(sample_count = 20)]
fn store_only(bencher: divan::Bencher) {
    let mut files: Vec<(String, Vec<u8>)> = entente::demo::corpus()
        .iter()
        .map(|(n, b)| (n.to_string(), b.to_vec()))
        .collect();
    if let Some(dir) = reference_corpus() {
        for e in walkdir::WalkDir::new(&dir)
            .into_iter()
            .filter_map(Result::ok)
        {
            if e.file_type().is_file() && entente_source::Format::from_path(e.path()).is_some() {
                let bytes = std::fs::read(e.path()).unwrap();
                files.push((e.path().display().to_string(), bytes));
            }
        }
    }
    let items: Vec<entente_store::IngestItem> = files
        .iter()
        .filter_map(|(name, bytes)| {
            let doc = entente_source::read_bytes(std::path::Path::new(name), bytes).ok()?;
            let id = entente_source::document_id(bytes);
            let d = entente::derive::derive(&id, &doc);
            Some(entente_store::IngestItem {
                id,
                path: name.clone(),
                bytes_len: bytes.len() as u64,
                doc,
                sentences: d.sentences,
                mentions: d.mentions,
                claims: d.claims,
            })
        })
        .collect();
    let distinct: std::collections::HashSet<&str> = items.iter().map(|i| i.id.as_str()).collect();
    bencher.bench_local(|| {
        let mut store = Store::memory().unwrap();
        for item in &items {
            store.ingest(item).unwrap();
        }
        assert_eq!(store.documents().unwrap().len(), distinct.len());
    });
}

/// The reference corpus, if present: `ENTENTE_BENCH_CORPUS`, else
/// `../shared/corpus` beside the workspace.
fn reference_corpus() -> Option<PathBuf> {
    let dir = std::env::var_os("ENTENTE_BENCH_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus")
        });
    dir.is_dir().then_some(dir)
}

/// Supported files under `dir`, as the walk counts them.
fn supported_files(dir: &PathBuf) -> usize {
    walkdir::WalkDir::new(dir)
        .follow_links(true)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| {
            e.file_type().is_file() && entente_source::Format::from_path(e.path()).is_some()
        })
        .count()
}

#[divan::bench(sample_count = 10)]
fn reference_corpus_to_file_db(bencher: divan::Bencher) {
    let Some(dir) = reference_corpus() else {
        eprintln!("no reference corpus; skipping");
        return;
    };
    let n = supported_files(&dir);
    bencher
        .with_inputs(|| tempfile::tempdir().unwrap())
        .bench_local_values(|tmp| {
            let mut store = Store::open(tmp.path().join("bench.db")).unwrap();
            let s = ingest_paths(
                &mut store,
                std::slice::from_ref(&dir),
                &IngestOptions::default(),
                &mut |_| {},
            )
            .unwrap();
            // Files with identical content are one document.
            assert_eq!(s.files as usize, n);
            assert_eq!(s.failed, 0);
            assert_eq!((s.new + s.unchanged) as usize, n);
            assert_eq!(store.documents().unwrap().len() as u64, s.new);
            tmp
        });
}
