//! The knowledge base as the CLI shows it: the facts export, the merged list
//! of agreements, and one agreement with its citations.

use anyhow::Context;
use entente_extract::facts::{document_facts, Facts, PolityRef};
use entente_extract::resolve::{KnowledgeBase, SourceDoc};
use std::io::Write;
use std::path::Path;

/// The key the facts format uses for a document: its file name without
/// folder and extension.
fn doc_key(path: &str) -> String {
    Path::new(path)
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or(path)
        .to_string()
}

/// Writes the facts interchange format (`../shared/eval/FORMAT.md`) for every
/// current document in the store: what each document states, from its own
/// claims only.
pub fn export_facts(store: &entente_store::Store, out: &mut dyn Write) -> anyhow::Result<()> {
    let mut facts = Facts::default();
    for (info, claims) in store.all_claims().context("reading claims")? {
        let key = doc_key(&info.path);
        let f = document_facts(&claims);
        // Two current files with one stem (a.txt, a.xml): keep both sets.
        let entry = facts.documents.entry(key).or_default();
        entry.agreements.extend(f.agreements);
        entry.events.extend(f.events);
    }
    serde_json::to_writer_pretty(&mut *out, &facts).context("writing facts")?;
    writeln!(out)?;
    Ok(())
}

/// The merged knowledge base of every current document in the store.
pub fn knowledge_base(store: &entente_store::Store) -> anyhow::Result<KnowledgeBase> {
    let mut docs = Vec::new();
    for (info, claims) in store.all_claims().context("reading claims")? {
        let text = store
            .document(&info.id)
            .with_context(|| format!("reading document {}", info.id))?
            .map(|d| d.doc.text)
            .unwrap_or_default();
        docs.push(SourceDoc {
            id: info.id,
            path: info.path,
            text,
            claims,
        });
    }
    Ok(KnowledgeBase::build_owned(docs))
}

fn parties(ps: &[PolityRef]) -> String {
    ps.iter()
        .map(|p| p.name.as_str())
        .collect::<Vec<_>>()
        .join("–")
}

/// Prints the merged agreements, one per line.
pub fn list_agreements(store: &entente_store::Store, out: &mut dyn Write) -> anyhow::Result<()> {
    let kb = knowledge_base(store)?;
    for a in &kb.agreements {
        writeln!(
            out,
            "{:<5} {:<12} {:<50} {}{}{}",
            a.id,
            a.signed.as_deref().unwrap_or("?"),
            a.name,
            parties(&a.parties),
            if a.secret_provisions {
                "  [secret]"
            } else {
                ""
            },
            if a.conflicts.is_empty() {
                ""
            } else {
                "  [conflict]"
            },
        )?;
    }
    writeln!(
        out,
        "{} agreements, {} conflicts",
        kb.agreements.len(),
        kb.conflicts.len()
    )?;
    Ok(())
}

/// Prints one agreement (by id or name) with every fact and its citation.
pub fn show_agreement(
    store: &entente_store::Store,
    query: &str,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    let kb = knowledge_base(store)?;
    let Some(a) = kb.find(query) else {
        anyhow::bail!("no agreement matches {query:?}")
    };
    writeln!(out, "{}  {}", a.id, a.name)?;
    if !a.aliases.is_empty() {
        writeln!(out, "  also: {}", a.aliases.join("; "))?;
    }
    writeln!(out, "  signed:      {}", a.signed.as_deref().unwrap_or("?"))?;
    writeln!(out, "  place:       {}", a.place.as_deref().unwrap_or("?"))?;
    writeln!(out, "  parties:     {}", parties(&a.parties))?;
    writeln!(out, "  signatories: {}", a.signatories.join("; "))?;
    // Each signatory once, merged across sources, with every office and
    // every other form of the name the sources use.
    for s in &a.signatories {
        let Some(p) = kb.person(s) else { continue };
        let offices: Vec<String> = p
            .offices
            .iter()
            .map(|o| match &o.polity {
                Some(pol) => format!("{} ({pol})", o.office),
                None => o.office.clone(),
            })
            .collect();
        writeln!(
            out,
            "    {} {}: {}{}; {} citations",
            p.id,
            p.name,
            if offices.is_empty() {
                "-".to_string()
            } else {
                offices.join(", ")
            },
            if p.aliases.is_empty() {
                String::new()
            } else {
                format!("; also {}", p.aliases.join(", "))
            },
            p.citations.len()
        )?;
    }
    writeln!(out, "  secret:      {}", a.secret_provisions)?;
    writeln!(out, "  ended:       {}", a.ended.as_deref().unwrap_or("-"))?;
    writeln!(out, "facts:")?;
    for f in &a.facts {
        writeln!(
            out,
            "  {:<11} {}  ({}, {:.2})\n      {}: \"{}\"",
            f.predicate, f.value, f.cited.rule, f.cited.confidence, f.cited.path, f.cited.quote
        )?;
    }
    for c in &a.conflicts {
        writeln!(
            out,
            "conflict on {} (consensus {}):",
            c.attribute,
            c.consensus.as_deref().unwrap_or("?")
        )?;
        for (v, cites) in &c.values {
            for ct in cites {
                writeln!(out, "  {:<14} {}: \"{}\"", v, ct.path, ct.quote)?;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::doc_key;

    #[test]
    fn keys_are_file_stems() {
        assert_eq!(doc_key("/a/b/000_f565.txt"), "000_f565");
        assert_eq!(doc_key("rdcr/japan.xml"), "japan");
        assert_eq!(doc_key("milestones/1866-1898.xml"), "1866-1898");
    }
}
