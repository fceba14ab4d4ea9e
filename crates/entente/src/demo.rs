//! `entente demo`: ingest the bundled sample corpus and show what is there.

use crate::ingest::{ingest_bytes, Event, IngestError, IngestOptions, Summary};
use entente_store::Store;
use std::io::Write;

include!(concat!(env!("OUT_DIR"), "/corpus.rs"));

/// The sample corpus compiled into the binary: `(path, bytes)` pairs, paths
/// relative to the repository root (`examples/corpus/...`).
pub fn corpus() -> &'static [(&'static str, &'static [u8])] {
    CORPUS
}

/// Ingests the sample corpus into `store`, then prints the documents, what
/// was recognised and extracted, and the merged agreements to `out`. Errors
/// and warnings about single files go to `err`.
///
/// Returns the ingest summary; `summary.failed > 0` means some sample file
/// could not be read (the rest is still shown).
pub fn run(store: &mut Store, out: &mut dyn Write, err: &mut dyn Write) -> anyhow::Result<Summary> {
    let mut on_event = |e: Event<'_>| {
        // Best effort: a closed stderr must not stop the demo.
        let _ = match e {
            Event::Failed(f) => writeln!(err, "error: {}", f.message),
            Event::Warning { path, message } => writeln!(err, "warning: {path}: {message}"),
            Event::Stored { .. } => Ok(()),
        };
    };
    let summary = match ingest_bytes(store, corpus(), &IngestOptions::default(), &mut on_event) {
        Ok(s) => s,
        Err(IngestError::Partial { summary, .. }) => summary,
        Err(e) => return Err(e.into()),
    };
    writeln!(
        out,
        "Sample corpus: {} files into {} ({} new, {} unchanged, {} failed)",
        summary.files,
        store.path().display(),
        summary.new,
        summary.unchanged,
        summary.failed
    )?;

    writeln!(out, "\nDocuments")?;
    for d in store.documents()? {
        writeln!(
            out,
            "  {}  {:<48} {}  [{}; {} blocks, {} sentences, {} mentions, {} claims]",
            d.id.get(..12).unwrap_or(&d.id),
            d.path,
            d.title.as_deref().unwrap_or("(untitled)"),
            d.format.as_str(),
            d.counts.blocks,
            d.counts.sentences,
            d.counts.mentions,
            d.counts.claims
        )?;
    }

    let kinds = store.mention_kind_counts()?;
    if kinds.is_empty() {
        writeln!(out, "\nMentions: none recognised yet")?;
    } else {
        writeln!(out, "\nMentions by type")?;
        for (kind, n) in kinds {
            writeln!(out, "  {kind:<12} {n:>6}")?;
        }
    }
    let predicates = store.claim_predicate_counts()?;
    if predicates.is_empty() {
        writeln!(out, "\nClaims: none extracted yet")?;
    } else {
        writeln!(out, "\nClaims by predicate")?;
        for (p, n) in predicates {
            writeln!(out, "  {p:<12} {n:>6}")?;
        }
        writeln!(out, "\nAgreements")?;
        crate::kb::list_agreements(store, out)?;
    }
    Ok(summary)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn the_corpus_is_embedded_with_repository_paths() {
        for (name, bytes) in corpus() {
            assert!(name.starts_with("examples/corpus/"), "{name}");
            assert!(!bytes.is_empty(), "{name} is empty");
        }
    }
}
