//! Resolution across documents: the agreements each document states merge
//! into one entity when they share parties and a compatible signing date, or
//! when their names match strongly. Disagreeing values stay side by side as
//! [`Conflict`]s citing each source; the consensus is the most precise value
//! most sources support.

use crate::extract::name_tokens;
use crate::facts::{
    consensus_date, dates_compatible, stated_agreements, AgreementFacts, PolityRef,
};
use crate::Claim;
use serde::Serialize;
use serde_json::Value;

/// One source document and its claims, as the store holds them.
#[derive(Debug, Clone)]
pub struct SourceDoc {
    /// Content id.
    pub id: String,
    /// Where it came from.
    pub path: String,
    /// The normalised text, for quoting; empty when unavailable.
    pub text: String,
    pub claims: Vec<Claim>,
}

/// A citation as a reader sees it: the document and the quoted sentence.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Cited {
    pub doc: String,
    pub path: String,
    pub quote: String,
    pub rule: String,
    pub confidence: f32,
}

/// One fact with its citation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Fact {
    pub predicate: String,
    pub value: Value,
    pub valid_time: Option<String>,
    pub cited: Cited,
}

/// Sources that disagree on one attribute.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Conflict {
    pub agreement: String,
    pub attribute: String,
    /// Each distinct value with the sources that give it.
    pub values: Vec<(String, Vec<Cited>)>,
    /// The value the base reports.
    pub consensus: Option<String>,
}

/// A merged agreement.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Agreement {
    /// Stable within one build: `A1`, `A2`, ... in order of signing.
    pub id: String,
    pub name: String,
    pub aliases: Vec<String>,
    pub signed: Option<String>,
    pub place: Option<String>,
    pub parties: Vec<PolityRef>,
    pub signatories: Vec<String>,
    pub secret_provisions: bool,
    pub ended: Option<String>,
    /// Every claim behind it, cited.
    pub facts: Vec<Fact>,
    pub conflicts: Vec<Conflict>,
    /// What each source stated, for conflicts.
    #[serde(skip)]
    per_source: Vec<(AgreementFacts, Cited)>,
}

/// A relations event, an indicator or a provision: one cited claim each.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Item {
    pub value: Value,
    pub valid_time: Option<String>,
    pub cited: Cited,
}

/// The merged knowledge base.
#[derive(Debug, Clone, Default, Serialize)]
pub struct KnowledgeBase {
    pub agreements: Vec<Agreement>,
    pub events: Vec<Item>,
    pub indicators: Vec<Item>,
    pub conflicts: Vec<Conflict>,
}

fn cite(src: &SourceDoc, c: &Claim) -> Cited {
    let quote = c.source.sentence.slice(&src.text);
    Cited {
        doc: src.id.clone(),
        path: src.path.clone(),
        quote: quote.split_whitespace().collect::<Vec<_>>().join(" "),
        rule: c.rule.clone(),
        confidence: c.confidence,
    }
}

fn party_keys(ps: &[PolityRef]) -> Vec<String> {
    ps.iter()
        .map(|p| match p.cow {
            Some(c) => format!("cow:{c}"),
            None => format!("name:{}", p.name.to_lowercase()),
        })
        .collect()
}

fn jaccard(a: &[String], b: &[String]) -> f32 {
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    let inter = a.iter().filter(|t| b.contains(t)).count() as f32;
    let union = (a.len() + b.iter().filter(|t| !a.contains(t)).count()) as f32;
    inter / union
}

/// Whether two stated agreements are one: shared parties and compatible
/// signing dates, or strongly matching names with no contradicting date.
fn same_agreement(a: &AgreementFacts, b: &AgreementFacts) -> bool {
    let dates_ok = match (&a.signed, &b.signed) {
        (Some(x), Some(y)) => Some(dates_compatible(x, y)),
        _ => None,
    };
    if dates_ok == Some(false) {
        return false;
    }
    let names = jaccard(&name_tokens(&a.name), &name_tokens(&b.name));
    let (pa, pb) = (party_keys(&a.parties), party_keys(&b.parties));
    let shared = pa.iter().filter(|k| pb.contains(k)).count();
    let parties_ok = shared >= 2.min(pa.len()).min(pb.len()).max(1);
    // Same day and same parties: one signing.
    let same_day = matches!((&a.signed, &b.signed), (Some(x), Some(y))
        if x.len() >= 10 && y.len() >= 10 && dates_compatible(x, y));
    (parties_ok && same_day)
        || (names >= 0.75 && (dates_ok == Some(true) || parties_ok))
        || (names >= 0.5 && parties_ok && dates_ok == Some(true))
}

impl KnowledgeBase {
    /// Merges the agreements, events and indicators of many documents.
    pub fn build(docs: &[SourceDoc]) -> KnowledgeBase {
        let mut kb = KnowledgeBase::default();
        for src in docs {
            for (f, claims) in stated_agreements(&src.claims) {
                let decl = claims.iter().find(|c| c.predicate == "agreement").copied();
                let cited_decl = decl.map(|d| cite(src, d)).unwrap_or_else(|| Cited {
                    doc: src.id.clone(),
                    path: src.path.clone(),
                    quote: String::new(),
                    rule: String::new(),
                    confidence: 0.0,
                });
                let facts: Vec<Fact> = claims
                    .iter()
                    .map(|c| Fact {
                        predicate: c.predicate.clone(),
                        value: c.value.clone(),
                        valid_time: c.valid_time.clone(),
                        cited: cite(src, c),
                    })
                    .collect();
                match kb
                    .agreements
                    .iter_mut()
                    .find(|a| a.per_source.iter().any(|(s, _)| same_agreement(s, &f)))
                {
                    Some(a) => {
                        if !a.aliases.contains(&f.name) && a.name != f.name {
                            a.aliases.push(f.name.clone());
                        }
                        a.facts.extend(facts);
                        a.per_source.push((f, cited_decl));
                    }
                    None => kb.agreements.push(Agreement {
                        id: String::new(),
                        name: f.name.clone(),
                        aliases: Vec::new(),
                        signed: None,
                        place: None,
                        parties: Vec::new(),
                        signatories: Vec::new(),
                        secret_provisions: false,
                        ended: None,
                        facts,
                        conflicts: Vec::new(),
                        per_source: vec![(f, cited_decl)],
                    }),
                }
            }
            for c in &src.claims {
                let item = || Item {
                    value: c.value.clone(),
                    valid_time: c.valid_time.clone(),
                    cited: cite(src, c),
                };
                match c.predicate.as_str() {
                    "event" => kb.events.push(item()),
                    "indicator" => kb.indicators.push(item()),
                    _ => {}
                }
            }
        }
        for a in &mut kb.agreements {
            a.settle();
        }
        kb.agreements
            .sort_by(|a, b| a.signed.cmp(&b.signed).then(a.name.cmp(&b.name)));
        for (i, a) in kb.agreements.iter_mut().enumerate() {
            a.id = format!("A{}", i + 1);
            for c in &mut a.conflicts {
                c.agreement = a.id.clone();
            }
        }
        kb.conflicts = kb
            .agreements
            .iter()
            .flat_map(|a| a.conflicts.iter().cloned())
            .collect();
        kb
    }

    /// The agreement with this id, else the one whose name (or alias) best
    /// matches `query`.
    pub fn find(&self, query: &str) -> Option<&Agreement> {
        if let Some(a) = self
            .agreements
            .iter()
            .find(|a| a.id.eq_ignore_ascii_case(query))
        {
            return Some(a);
        }
        let q = name_tokens(query);
        let qyear: Vec<&str> = query
            .split(|c: char| !c.is_ascii_digit())
            .filter(|t| t.len() == 4)
            .collect();
        self.agreements
            .iter()
            .map(|a| {
                let best = std::iter::once(&a.name)
                    .chain(a.aliases.iter())
                    .map(|n| jaccard(&q, &name_tokens(n)))
                    .fold(0.0f32, f32::max);
                let year_bonus = if qyear
                    .iter()
                    .any(|y| a.signed.as_deref().is_some_and(|s| s.starts_with(y)))
                {
                    0.3
                } else {
                    0.0
                };
                (best + year_bonus, a)
            })
            .filter(|(s, _)| *s >= 0.3)
            .max_by(|x, y| x.0.total_cmp(&y.0))
            .map(|x| x.1)
    }
}

impl Agreement {
    /// Consensus values and conflicts from what each source stated.
    fn settle(&mut self) {
        let srcs = &self.per_source;
        // The longest name most often reads best ("Franco-Japanese Treaty
        // of 1907" over "the treaty").
        if let Some((f, _)) = srcs.iter().max_by_key(|(f, _)| f.name.len()) {
            if f.name != self.name {
                let old = std::mem::replace(&mut self.name, f.name.clone());
                if !self.aliases.contains(&old) {
                    self.aliases.push(old);
                }
                self.aliases.retain(|a| *a != self.name);
            }
        }
        let mut conflicts = Vec::new();
        for attr in ["signed", "ended"] {
            let vals: Vec<(String, Cited)> = srcs
                .iter()
                .filter_map(|(f, c)| {
                    let v = if attr == "signed" {
                        &f.signed
                    } else {
                        &f.ended
                    };
                    v.clone().map(|v| (v, c.clone()))
                })
                .collect();
            let cands: Vec<(&str, f32)> = vals.iter().map(|(v, _)| (v.as_str(), 1.0)).collect();
            let consensus = consensus_date(&cands).map(str::to_string);
            let mut distinct: Vec<(String, Vec<Cited>)> = Vec::new();
            for (v, c) in &vals {
                match distinct.iter_mut().find(|d| d.0 == *v) {
                    Some(d) => d.1.push(c.clone()),
                    None => distinct.push((v.clone(), vec![c.clone()])),
                }
            }
            // A less precise value that agrees ("1907" under "1907-06-10")
            // is no disagreement; a different qualifier or day is.
            let disagree = distinct.iter().any(|(a, _)| {
                distinct.iter().any(|(b, _)| {
                    a != b
                        && (!dates_compatible(a, b)
                            || a.len() == b.len()
                            || a.ends_with('~') != b.ends_with('~'))
                })
            });
            if disagree {
                conflicts.push(Conflict {
                    agreement: String::new(),
                    attribute: attr.to_string(),
                    values: distinct,
                    consensus: consensus.clone(),
                });
            }
            if attr == "signed" {
                self.signed = consensus;
            } else {
                self.ended = consensus;
            }
        }
        self.place = srcs.iter().find_map(|(f, _)| f.place.clone());
        for (f, _) in srcs {
            for p in &f.parties {
                if !party_keys(&self.parties).contains(&party_keys(std::slice::from_ref(p))[0]) {
                    self.parties.push(p.clone());
                }
            }
            for s in &f.signatories {
                let t = name_tokens(s);
                if !self.signatories.iter().any(|x| {
                    let u = name_tokens(x);
                    t.iter().all(|w| u.contains(w)) || u.iter().all(|w| t.contains(w))
                }) {
                    self.signatories.push(s.clone());
                }
            }
            self.secret_provisions |= f.secret_provisions;
        }
        self.conflicts = conflicts;
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::{Citation, Claim};
    use entente_source::Span;
    use serde_json::json;

    fn claim(subject: &str, predicate: &str, value: Value) -> Claim {
        Claim {
            subject: subject.into(),
            predicate: predicate.into(),
            value,
            valid_time: None,
            source: Citation {
                doc: "d".into(),
                sentence: Span::new(0, 5),
                evidence: Span::new(0, 5),
            },
            rule: "test".into(),
            confidence: 0.9,
        }
    }

    fn src(id: &str, name: &str, signed: &str) -> SourceDoc {
        let s = "agreement:0";
        SourceDoc {
            id: id.into(),
            path: format!("{id}.txt"),
            text: "Quote here.".into(),
            claims: vec![
                claim(s, "agreement", json!({"name": name})),
                claim(s, "signed", json!({"date": signed})),
                claim(s, "party", json!({"name": "Portugal", "cow": 235})),
                claim(s, "party", json!({"name": "Spain", "cow": 230})),
            ],
        }
    }

    #[test]
    fn merges_on_parties_and_date_and_keeps_conflicts() {
        let kb = KnowledgeBase::build(&[
            src("a", "Treaty of Evora", "1801-07-03"),
            src("b", "Evora Treaty", "1801-07-03~"),
            src("c", "Treaty of Faro", "1830"),
        ]);
        assert_eq!(kb.agreements.len(), 2, "{:#?}", kb.agreements);
        let evora = kb.find("treaty of evora").unwrap();
        assert_eq!(evora.conflicts.len(), 1);
        assert_eq!(evora.conflicts[0].values.len(), 2);
        assert_eq!(evora.facts[0].cited.quote, "Quote");
        assert!(kb.find("Faro").is_some());
        assert!(kb.find("Nothing like it").is_none());
    }
}
