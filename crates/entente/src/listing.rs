//! `entente docs` and `entente doc ID`: what the store holds, as text.

use anyhow::Context;
use entente_source::BlockKind;
use entente_store::Store;
use std::io::Write;

/// How many characters of a block `doc` shows.
const EXCERPT_CHARS: usize = 72;

/// One line per current document: id, source path, title.
pub fn print_docs(store: &Store, out: &mut dyn Write) -> anyhow::Result<()> {
    for d in store.documents().context("listing documents")? {
        writeln!(
            out,
            "{}\t{}\t{}",
            d.id,
            d.path,
            d.title.as_deref().unwrap_or("")
        )?;
    }
    Ok(())
}

/// One document (by id or unique id prefix): a header, then every block
/// with its kind, its span in the normalised text and an excerpt.
pub fn print_doc(store: &Store, id_or_prefix: &str, out: &mut dyn Write) -> anyhow::Result<()> {
    let stored = store
        .document(id_or_prefix)
        .with_context(|| format!("reading document {id_or_prefix:?}"))?
        .with_context(|| format!("no document matches {id_or_prefix:?}"))?;
    let info = &stored.info;
    writeln!(out, "id       {}", info.id)?;
    writeln!(out, "path     {}", info.path)?;
    writeln!(out, "title    {}", info.title.as_deref().unwrap_or(""))?;
    writeln!(
        out,
        "format   {}{}",
        info.format.as_str(),
        info.encoding
            .as_deref()
            .map(|e| format!(" (decoded from {e})"))
            .unwrap_or_default()
    )?;
    writeln!(
        out,
        "size     {} bytes, {} bytes of text",
        info.bytes,
        stored.doc.text.len()
    )?;
    if let Some(newer) = &info.superseded_by {
        writeln!(out, "status   superseded by {newer}")?;
    }
    writeln!(
        out,
        "derived  {} sentences, {} mentions, {} claims",
        info.counts.sentences, info.counts.mentions, info.counts.claims
    )?;
    writeln!(out)?;
    for b in &stored.doc.blocks {
        let kind = match &b.kind {
            BlockKind::Title => "title".to_string(),
            BlockKind::Heading { level } => format!("heading{level}"),
            BlockKind::Paragraph => "paragraph".to_string(),
            BlockKind::ListItem => "list_item".to_string(),
            BlockKind::Quote => "quote".to_string(),
            BlockKind::KeyValue { .. } => "key_value".to_string(),
            BlockKind::Boilerplate => "boilerplate".to_string(),
        };
        let span = format!("{}..{}", b.span.start, b.span.end);
        writeln!(
            out,
            "{kind:<11} {span:<15} {}",
            excerpt(b.span.slice(&stored.doc.text), EXCERPT_CHARS)
        )?;
    }
    Ok(())
}

/// The first `max` characters of `text` on one line, with `…` when cut.
/// Counts characters, not bytes, so it never splits one.
pub fn excerpt(text: &str, max: usize) -> String {
    // Only look at the head: a block can be hundreds of megabytes.
    let head = match text.char_indices().nth(max.saturating_mul(4)) {
        Some((end, _)) => &text[..end],
        None => text,
    };
    let flat: String = head.split_whitespace().collect::<Vec<_>>().join(" ");
    match flat.char_indices().nth(max) {
        Some((cut, _)) => format!("{}…", &flat[..cut]),
        None => flat,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excerpts_flatten_and_cut_on_characters() {
        assert_eq!(excerpt("a\n  b", 10), "a b");
        assert_eq!(excerpt("日露協約の締結", 3), "日露協…");
        assert_eq!(excerpt("abc", 3), "abc");
        assert_eq!(excerpt("", 3), "");
    }
}
