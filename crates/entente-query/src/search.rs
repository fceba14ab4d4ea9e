//! Full-text search passages with the facts drawn from them: the one JSON
//! shape that `entente search --format json` prints and `/api/search`
//! serves (`docs/query-json.md`). The store finds the blocks; this module
//! only pairs each block with the claims whose sentence overlaps it, so the
//! CLI and the web API cannot drift apart.

use entente_extract::Claim;
use serde::Serialize;
use serde_json::Value;
use std::collections::HashMap;

/// One full-text hit, as the store reports it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Hit<'a> {
    /// Content id of the document.
    pub doc: &'a str,
    /// Index of the block (paragraph, list item) within the document.
    pub block: usize,
    /// Byte span of the block in the normalised text.
    pub span: [usize; 2],
    /// FTS5 rank: lower is better.
    pub rank: f64,
}

/// One passage: a block of text, whitespace collapsed, with its facts.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Passage {
    pub doc: String,
    pub path: String,
    pub block: usize,
    pub span: [usize; 2],
    pub rank: f64,
    pub text: String,
    pub facts: Vec<PassageFact>,
}

/// A claim whose sentence overlaps a passage.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PassageFact {
    pub subject: String,
    pub predicate: String,
    pub value: Value,
    pub valid_time: Option<String>,
    pub rule: String,
    pub confidence: f32,
    /// Where the claim's sentence starts, for a link to it.
    pub sentence: usize,
}

/// What a passage needs from its document: its path, its normalised text
/// and its claims.
#[derive(Debug, Clone, Default)]
pub struct PassageSource {
    pub path: String,
    pub text: String,
    pub claims: Vec<Claim>,
}

/// One passage for one hit. A span that does not fall on the text's
/// character boundaries (a text changed since indexing) gives an empty
/// text rather than a panic. Agreement declarations are left out: they
/// restate the name, not a fact.
pub fn passage(hit: Hit<'_>, src: &PassageSource) -> Passage {
    let [start, end] = hit.span;
    let facts = src
        .claims
        .iter()
        .filter(|c| c.source.sentence.start < end && start < c.source.sentence.end)
        .filter(|c| c.predicate != "agreement")
        .map(|c| PassageFact {
            subject: c.subject.clone(),
            predicate: c.predicate.clone(),
            value: c.value.clone(),
            valid_time: c.valid_time.clone(),
            rule: c.rule.clone(),
            confidence: c.confidence,
            sentence: c.source.sentence.start,
        })
        .collect();
    Passage {
        doc: hit.doc.to_string(),
        path: src.path.clone(),
        block: hit.block,
        span: hit.span,
        rank: hit.rank,
        text: src
            .text
            .get(start..end)
            .unwrap_or("")
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" "),
        facts,
    }
}

/// Passages for hits in rank order, loading each document once through
/// `load` (the caller's store and error type).
pub fn passages<'a, E>(
    hits: impl IntoIterator<Item = Hit<'a>>,
    mut load: impl FnMut(&str) -> Result<PassageSource, E>,
) -> Result<Vec<Passage>, E> {
    let mut docs: HashMap<String, PassageSource> = HashMap::new();
    let mut out = Vec::new();
    for h in hits {
        if !docs.contains_key(h.doc) {
            let src = load(h.doc)?;
            docs.insert(h.doc.to_string(), src);
        }
        if let Some(src) = docs.get(h.doc) {
            out.push(passage(h, src));
        }
    }
    Ok(out)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use entente_extract::Citation;
    use entente_source::Span;
    use serde_json::json;

    fn claim(predicate: &str, sentence: (usize, usize)) -> Claim {
        Claim {
            subject: "agreement:0".into(),
            predicate: predicate.into(),
            value: json!({"date": "1801"}),
            valid_time: None,
            source: Citation {
                doc: "d".into(),
                sentence: Span::new(sentence.0, sentence.1),
                evidence: Span::new(sentence.0, sentence.1),
            },
            rule: "test".into(),
            confidence: 0.5,
        }
    }

    #[test]
    fn pairs_blocks_with_overlapping_claims_once_per_document() {
        let text = "Intro line.\n\nThe pact   was signed in 1801.  Later news.".to_string();
        let src = PassageSource {
            path: "x.txt".into(),
            text,
            claims: vec![
                claim("signed", (13, 44)),
                claim("agreement", (13, 44)),
                claim("ended", (0, 11)),
            ],
        };
        let mut loads = 0;
        let hits = [
            Hit {
                doc: "d",
                block: 1,
                span: [13, 56],
                rank: -2.0,
            },
            Hit {
                doc: "d",
                block: 0,
                span: [0, 11],
                rank: -1.0,
            },
        ];
        let ps = passages(hits, |_| {
            loads += 1;
            Ok::<_, ()>(src.clone())
        })
        .unwrap();
        assert_eq!(loads, 1);
        assert_eq!(ps.len(), 2);
        assert_eq!(ps[0].text, "The pact was signed in 1801. Later news.");
        let preds: Vec<&str> = ps[0].facts.iter().map(|f| f.predicate.as_str()).collect();
        assert_eq!(preds, ["signed"]);
        assert_eq!(ps[0].facts[0].sentence, 13);
        assert_eq!(ps[1].facts[0].predicate, "ended");
        let v = serde_json::to_value(&ps[0]).unwrap();
        assert_eq!(v["span"], json!([13, 56]));
        assert_eq!(v["facts"][0]["rule"], "test");
    }

    #[test]
    fn a_span_off_the_text_gives_an_empty_passage() {
        let src = PassageSource {
            path: String::new(),
            text: "é".into(),
            claims: Vec::new(),
        };
        let hit = Hit {
            doc: "d",
            block: 0,
            span: [1, 9],
            rank: 0.0,
        };
        assert_eq!(passage(hit, &src).text, "");
    }
}
