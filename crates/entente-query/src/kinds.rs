//! Agreement kinds, read from an agreement's name with the word lists in
//! `data/query/agreement_kinds.tsv`, and the provision kinds of the
//! extraction rules (`data/rules/provisions.tsv`): together the typed
//! columns of the dyad-year export and the edge types of the network.

use std::sync::LazyLock;

const KINDS_TSV: &str = include_str!("../../../data/query/agreement_kinds.tsv");
const PROVISIONS_TSV: &str = include_str!("../../../data/rules/provisions.tsv");

/// The kind of an agreement no line of the data file matches.
pub const OTHER: &str = "other";

fn content_lines(src: &str) -> impl Iterator<Item = &str> {
    src.lines()
        .map(|l| l.trim_end_matches('\r'))
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
}

/// (words, kind) in file order.
static RULES: LazyLock<Vec<(Vec<String>, String)>> = LazyLock::new(|| {
    content_lines(KINDS_TSV)
        .filter_map(|l| {
            let (words, kind) = l.split_once('\t')?;
            Some((words_of(words), kind.trim().to_string()))
        })
        .collect()
});

fn words_of(s: &str) -> Vec<String> {
    s.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// The kind of an agreement with this name (`treaty`, `alliance`, ...,
/// `other`).
///
/// ```
/// assert_eq!(entente_query::kinds::agreement_kind("Anglo-Japanese Alliance"), "alliance");
/// ```
pub fn agreement_kind(name: &str) -> &'static str {
    let words = words_of(name);
    RULES
        .iter()
        .find(|(pat, _)| !pat.is_empty() && words.windows(pat.len()).any(|w| w == pat.as_slice()))
        .map_or(OTHER, |(_, k)| k.as_str())
}

/// Every agreement kind, in the data file's order, then `other`.
pub fn agreement_kinds() -> &'static [String] {
    static KINDS: LazyLock<Vec<String>> = LazyLock::new(|| {
        let mut out: Vec<String> = Vec::new();
        for (_, k) in RULES.iter() {
            if !out.contains(k) {
                out.push(k.clone());
            }
        }
        out.push(OTHER.to_string());
        out
    });
    &KINDS
}

/// Every provision kind the extraction rules can produce, in their file's
/// order.
pub fn provision_kinds() -> &'static [String] {
    static KINDS: LazyLock<Vec<String>> = LazyLock::new(|| {
        let mut out: Vec<String> = Vec::new();
        for l in content_lines(PROVISIONS_TSV) {
            let k = l.split('\t').next().unwrap_or("").trim().to_string();
            if !k.is_empty() && !out.contains(&k) {
                out.push(k);
            }
        }
        out
    });
    &KINDS
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn data_file_examples() {
        let mut n = 0;
        for l in KINDS_TSV.lines() {
            let Some(ex) = l.strip_prefix("# example: ") else {
                continue;
            };
            let (name, want) = ex.split_once(" => ").unwrap();
            assert_eq!(agreement_kind(name), want.trim(), "example: {name}");
            n += 1;
        }
        assert!(n >= 10);
    }

    #[test]
    fn every_line_has_a_kind() {
        for l in content_lines(KINDS_TSV) {
            let (w, k) = l.split_once('\t').unwrap();
            assert!(!words_of(w).is_empty() && !k.trim().is_empty(), "{l}");
        }
        assert!(provision_kinds().iter().any(|k| k == "sphere_of_influence"));
        assert_eq!(agreement_kinds().last().map(String::as_str), Some(OTHER));
    }
}
