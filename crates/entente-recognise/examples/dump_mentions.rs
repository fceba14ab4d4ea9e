//! Dumps `recognise()` for every file under the given folders (or files) as
//! JSON lines (file, sentences, mentions), to check that a speed change keeps
//! the output byte for byte. Usage:
//! `cargo run --release -p entente-recognise --example dump_mentions -- DIR... > out.jsonl`
//!
//! With `REC=N` it runs `recognise()` N times over the files after one
//! warm-up pass and prints the throughput (for `perf stat` or `valgrind
//! --tool=callgrind`, whose counts are steadier than wall time on a shared
//! machine). With `TIME=N` it times each stage separately over N passes.
use std::path::{Path, PathBuf};

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        if dir.is_file() {
            out.push(dir.to_path_buf());
        }
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            files(&p, out);
        } else {
            out.push(p);
        }
    }
}

fn main() {
    let mut paths = Vec::new();
    for arg in std::env::args().skip(1) {
        files(Path::new(&arg), &mut paths);
    }
    paths.sort();
    if let Some(n) = std::env::var("REC")
        .ok()
        .and_then(|s| s.parse::<usize>().ok())
    {
        let docs: Vec<_> = paths
            .iter()
            .filter_map(|p| entente_source::read_bytes(p, &std::fs::read(p).ok()?).ok())
            .collect();
        let bytes: usize = docs.iter().map(|d| d.text.len()).sum::<usize>() * n;
        // Warm up: lazy tables and automata.
        for d in &docs {
            std::hint::black_box(entente_recognise::recognise(d));
        }
        let c = std::time::Instant::now();
        for _ in 0..n {
            for d in &docs {
                std::hint::black_box(entente_recognise::recognise(d));
            }
        }
        let s = c.elapsed().as_secs_f64();
        eprintln!(
            "recognise: {bytes} bytes in {:.3} s wall: {:.1} MB/s",
            s,
            bytes as f64 / s / 1e6
        );
        return;
    }
    if std::env::var_os("TIME").is_some() {
        time(&paths);
        return;
    }
    for p in paths {
        let Ok(bytes) = std::fs::read(&p) else {
            continue;
        };
        let Ok(doc) = entente_source::read_bytes(&p, &bytes) else {
            continue;
        };
        let r = entente_recognise::recognise(&doc);
        let line = serde_json::json!({"file": p.display().to_string(), "recognition": r});
        println!("{line}");
    }
}

/// Per-finder timings over all files, repeated `TIME` times.
fn time(paths: &[PathBuf]) {
    use entente_recognise::*;
    let docs: Vec<_> = paths
        .iter()
        .filter_map(|p| entente_source::read_bytes(p, &std::fs::read(p).ok()?).ok())
        .collect();
    let n: usize = std::env::var("TIME")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(10);
    let bytes: usize = docs.iter().map(|d| d.text.len()).sum::<usize>() * n;
    let mut t = [0f64; 8];
    for _ in 0..n {
        for d in &docs {
            let c = std::time::Instant::now();
            let s = sentences::split(d);
            t[0] += c.elapsed().as_secs_f64();
            let c = std::time::Instant::now();
            std::hint::black_box(dates::find(d, &s));
            t[1] += c.elapsed().as_secs_f64();
            let c = std::time::Instant::now();
            std::hint::black_box(gazetteer::gazetteer().scan(&d.text));
            t[2] += c.elapsed().as_secs_f64();
            let c = std::time::Instant::now();
            std::hint::black_box(gazetteer::gazetteer().scan(&d.text));
            t[7] += c.elapsed().as_secs_f64();
            let c = std::time::Instant::now();
            std::hint::black_box(polity::find(d));
            t[3] += c.elapsed().as_secs_f64();
            let c = std::time::Instant::now();
            std::hint::black_box(place::find(d, &s));
            t[4] += c.elapsed().as_secs_f64();
            let c = std::time::Instant::now();
            std::hint::black_box(person::find(d, &s));
            t[5] += c.elapsed().as_secs_f64();
            let c = std::time::Instant::now();
            std::hint::black_box(agreement::find(d, &s));
            t[6] += c.elapsed().as_secs_f64();
        }
    }
    let total: f64 = t.iter().sum::<f64>() - t[2] - t[7];
    for (name, s) in [
        "sentences",
        "dates",
        "gaz scan",
        "polity*",
        "place",
        "person",
        "agreement",
        "scan again",
    ]
    .iter()
    .zip(t)
    {
        eprintln!(
            "{name:10} {:8.2} ms {:8.1} MB/s",
            s * 1e3,
            bytes as f64 / s / 1e6
        );
    }
    eprintln!(
        "total(ex scan) {:8.2} ms {:8.1} MB/s",
        total * 1e3,
        bytes as f64 / total / 1e6
    );
}
