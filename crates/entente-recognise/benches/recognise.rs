//! Throughput of the whole recognition stage (`recognise()`), in bytes of
//! normalised text per second, on one core.
//!
//! Inputs:
//! - `generated_100mb`: ~100 MB of prose generated here from our own
//!   sentence templates (dates, polities, persons, places, numbers);
//! - `examples_corpus`: the bundled `examples/corpus`;
//! - `shared_corpus`: the text of `../shared/corpus` (or the folder named by
//!   `ENTENTE_BENCH_CORPUS`), skipped when absent.
//!
//! Each benchmark checks its result (the number of date mentions) so that
//! the work cannot be optimised away or silently broken.
//!
//! Run: `cargo bench -p entente-recognise --bench recognise`.

use divan::counter::BytesCount;
use divan::Bencher;
use entente_recognise::{recognise, MentionKind};
use entente_source::{Block, BlockKind, Document, Format, SourceMap, Span};
use std::path::{Path, PathBuf};

fn main() {
    divan::main();
}

/// Deterministic pseudo-random numbers, so every run measures the same text.
struct Lcg(u64);
impl Lcg {
    fn next(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % n
    }
}

/// One generated sentence; the templates are our own words.
fn sentence(r: &mut Lcg, out: &mut String) {
    use std::fmt::Write;
    let y = 1750 + r.next(270);
    let m = entente_recognise::dates::MONTHS[r.next(12) as usize];
    let d = 1 + r.next(28);
    let _ = match r.next(10) {
        0 => write!(
            out,
            "On {d} {m} {y}, the envoys of Japan and France signed a treaty of commerce at Paris. "
        ),
        1 => write!(
            out,
            "Mr. Kono met Ambassador Motono Ichirō in St. Petersburg around {y}, and again on {m} {d}. "
        ),
        2 => write!(
            out,
            "Trade reached 13,000 tons in the {}0s, worth €15.6 billion, or 4.5 percent of the total. ",
            y / 10
        ),
        3 => write!(
            out,
            "The agreement ran from {y} to {} and was renewed on {d} {m}. ",
            y + 1 + r.next(20)
        ),
        4 => write!(
            out,
            "The Russo-Japanese Agreement recognised the special interests of Russia in North Manchuria and Outer Mongolia. "
        ),
        5 => write!(
            out,
            "Relations with the United States were suspended in early {y} and resumed in {m} {}. ",
            y + 1
        ),
        6 => write!(
            out,
            "Some 2000 troops landed near Port Arthur (see p. 12) while the Korean Empire protested. "
        ),
        7 => write!(
            out,
            "French Foreign Minister Stéphen Pichon presented the note of {m} {d}, {y} to the Chinese legation. "
        ),
        8 => write!(out, "明治{}年{}月{}日、日露協約が調印された。", 1 + r.next(44), 1 + r.next(12), d),
        _ => write!(
            out,
            "Talks held {d}–{} {m} {y} in Tokyo ended without a joint statement by the two delegations. ",
            d + 1
        ),
    };
}

/// About `target` bytes of paragraphs, with a heading every ten.
fn generated(target: usize) -> Document {
    let mut r = Lcg(7);
    let mut text = String::with_capacity(target + 4096);
    let mut blocks = Vec::new();
    let mut section = 0;
    while text.len() < target {
        if blocks.len() % 11 == 0 {
            section += 1;
            let start = text.len();
            text.push_str(&format!("Relations, {}", 1800 + r.next(200)));
            blocks.push(Block {
                kind: BlockKind::Heading { level: 2 },
                span: Span::new(start, text.len()),
                section: Some(section),
            });
            text.push_str("\n\n");
        }
        let start = text.len();
        for _ in 0..6 {
            sentence(&mut r, &mut text);
        }
        let end = text.trim_end().len();
        blocks.push(Block {
            kind: BlockKind::Paragraph,
            span: Span::new(start, end),
            section: Some(section),
        });
        text.push_str("\n\n");
    }
    Document {
        format: Format::Text,
        title: None,
        map: SourceMap::identity(text.len()),
        text,
        blocks,
        annotations: Vec::new(),
        encoding: None,
        warnings: Vec::new(),
    }
}

fn read_folder(dir: &Path) -> Vec<Document> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                files.push(p);
            }
        }
    }
    files.sort();
    files
        .iter()
        .filter_map(|p| std::fs::read(p).ok().map(|b| (p, b)))
        .filter_map(|(p, b)| entente_source::read_bytes(p, &b).ok())
        .collect()
}

fn date_count(docs: &[Document]) -> usize {
    docs.iter()
        .map(|d| {
            recognise(d)
                .mentions
                .iter()
                .filter(|m| matches!(m.kind, MentionKind::Date(_)))
                .count()
        })
        .sum()
}

fn bench_docs(bencher: Bencher, docs: Vec<Document>) {
    if docs.is_empty() {
        eprintln!("no documents: skipped");
        return;
    }
    let bytes: usize = docs.iter().map(|d| d.text.len()).sum();
    let want = date_count(&docs);
    assert!(want > 0, "no dates found at all");
    bencher
        .counter(BytesCount::new(bytes))
        .bench(|| assert_eq!(date_count(divan::black_box(&docs)), want));
}

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

#[divan::bench(sample_count = 3, sample_size = 1)]
fn generated_100mb(bencher: Bencher) {
    let docs = vec![generated(100_000_000)];
    bench_docs(bencher, docs);
}

#[divan::bench(sample_count = 20)]
fn examples_corpus(bencher: Bencher) {
    bench_docs(bencher, read_folder(&repo().join("examples/corpus")));
}

#[divan::bench(sample_count = 10)]
fn shared_corpus(bencher: Bencher) {
    let dir = std::env::var_os("ENTENTE_BENCH_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo().join("../shared/corpus"));
    bench_docs(bencher, read_folder(&dir));
}

/// The sentence splitter alone, on 10 MB of generated text.
#[divan::bench(sample_count = 5, sample_size = 1)]
fn stage_sentences(bencher: Bencher) {
    let doc = generated(10_000_000);
    let want = entente_recognise::sentences::split(&doc).len();
    assert!(want > 0);
    bencher.counter(BytesCount::new(doc.text.len())).bench(|| {
        assert_eq!(
            entente_recognise::sentences::split(divan::black_box(&doc)).len(),
            want
        )
    });
}

/// The date recogniser alone, on 10 MB of generated text.
#[divan::bench(sample_count = 5, sample_size = 1)]
fn stage_dates(bencher: Bencher) {
    let doc = generated(10_000_000);
    let want = entente_recognise::dates::find(&doc, &[]).len();
    assert!(want > 0);
    bencher.counter(BytesCount::new(doc.text.len())).bench(|| {
        assert_eq!(
            entente_recognise::dates::find(divan::black_box(&doc), &[]).len(),
            want
        )
    });
}

/// The date recogniser alone on the text of `../shared/corpus`.
#[divan::bench(sample_count = 10)]
fn stage_dates_shared_corpus(bencher: Bencher) {
    let dir = std::env::var_os("ENTENTE_BENCH_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo().join("../shared/corpus"));
    let docs = read_folder(&dir);
    if docs.is_empty() {
        eprintln!("no documents: skipped");
        return;
    }
    let bytes: usize = docs.iter().map(|d| d.text.len()).sum();
    let count = |docs: &[Document]| -> usize {
        docs.iter()
            .map(|d| entente_recognise::dates::find(d, &[]).len())
            .sum()
    };
    let want = count(&docs);
    assert!(want > 0);
    bencher
        .counter(BytesCount::new(bytes))
        .bench(|| assert_eq!(count(divan::black_box(&docs)), want));
}
