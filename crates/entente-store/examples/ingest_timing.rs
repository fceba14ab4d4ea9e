//! Times [`Store::ingest`] alone over a folder of documents, read and derived
//! once beforehand (recognition and extraction), written into a fresh
//! database file per round, one transaction per document as `entente
//! ingest` does. A quick tool for tuning the store; the figures of record
//! come from the `entente` benchmarks.
//!
//! `cargo run --release -p entente-store --example ingest_timing -- DIR [ROUNDS]`

#![allow(clippy::unwrap_used)]

use entente_store::{IngestItem, Store};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for p in paths {
        if p.is_dir() {
            files(&p, out);
        } else if entente_source::Format::from_path(&p).is_some() {
            out.push(p);
        }
    }
}

/// Nanoseconds this thread has run on a CPU (Linux), which waiting for a
/// busy machine does not inflate as it does the wall clock.
fn on_cpu() -> u64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse().ok())
        .unwrap_or(0)
}

fn main() {
    let mut args = std::env::args().skip(1);
    let dir = PathBuf::from(args.next().expect("usage: ingest_timing DIR [ROUNDS]"));
    let rounds: usize = args.next().map_or(10, |r| r.parse().unwrap());
    let mut paths = Vec::new();
    files(&dir, &mut paths);
    let items: Vec<IngestItem> = paths
        .iter()
        .filter_map(|p| {
            let bytes = std::fs::read(p).ok()?;
            let doc = entente_source::read_bytes(p, &bytes).ok()?;
            let id = entente_source::document_id(&bytes);
            let r = entente_recognise::recognise(&doc);
            let claims = entente_extract::extract(&id, &doc, &r);
            Some(IngestItem {
                id,
                path: p.display().to_string(),
                bytes_len: bytes.len() as u64,
                doc,
                sentences: r.sentences,
                mentions: r.mentions,
                claims,
            })
        })
        .collect();
    let tmp = tempfile::tempdir().unwrap();
    let mut times: Vec<Duration> = Vec::new();
    let mut cpu: Vec<u64> = Vec::new();
    let mut closed: Vec<u64> = Vec::new();
    let mut closed_wall: Vec<Duration> = Vec::new();
    for round in 0..rounds {
        let path = tmp.path().join(format!("r{round}.db"));
        let mut store = Store::open(&path).unwrap();
        let t = Instant::now();
        let cpu0 = on_cpu();
        for item in &items {
            store.ingest(item).unwrap();
        }
        times.push(t.elapsed());
        cpu.push(on_cpu() - cpu0);
        drop(store);
        // Closing checkpoints the WAL into the database: part of the cost.
        closed.push(on_cpu() - cpu0);
        closed_wall.push(t.elapsed());
        let _ = std::fs::remove_file(&path);
    }
    times.sort();
    cpu.sort_unstable();
    closed.sort_unstable();
    println!(
        "on cpu, with closing: fastest {:.1} ms, median {:.1} ms",
        closed.first().map_or(0.0, |d| *d as f64 / 1e6),
        closed
            .get(closed.len() / 2)
            .map_or(0.0, |d| *d as f64 / 1e6),
    );
    println!(
        "on cpu: fastest {:.1} ms, median {:.1} ms",
        cpu.first().map_or(0.0, |d| *d as f64 / 1e6),
        cpu.get(cpu.len() / 2).map_or(0.0, |d| *d as f64 / 1e6),
    );
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    closed_wall.sort();
    println!(
        "wall, with closing: fastest {:.1} ms, median {:.1} ms",
        closed_wall.first().map_or(0.0, |d| ms(*d)),
        closed_wall
            .get(closed_wall.len() / 2)
            .map_or(0.0, |d| ms(*d)),
    );
    println!(
        "{} documents, {} rounds: fastest {:.1} ms, median {:.1} ms",
        items.len(),
        rounds,
        times.first().map_or(0.0, |d| ms(*d)),
        times.get(times.len() / 2).map_or(0.0, |d| ms(*d)),
    );
}
