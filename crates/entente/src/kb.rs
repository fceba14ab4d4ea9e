//! The knowledge base as the CLI shows it: the facts export, the merged list
//! of agreements, and one agreement with its citations. (Stub: owned by the
//! extraction work.)

use std::io::Write;

/// Writes the facts interchange format (`../shared/eval/FORMAT.md`) for every
/// current document in the store.
pub fn export_facts(store: &entente_store::Store, out: &mut dyn Write) -> anyhow::Result<()> {
    let _ = store;
    writeln!(out, "{{\"documents\":{{}}}}")?;
    Ok(())
}

/// Prints the merged agreements, one per line.
pub fn list_agreements(store: &entente_store::Store, out: &mut dyn Write) -> anyhow::Result<()> {
    let _ = (store, out);
    Ok(())
}

/// Prints one agreement (by id or name) with every fact and its citation.
pub fn show_agreement(
    store: &entente_store::Store,
    query: &str,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    let _ = (store, query, out);
    anyhow::bail!("no agreement matches {query:?}")
}
