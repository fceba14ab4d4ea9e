//! Polities from the gazetteer (`data/gazetteer/polities.tsv`): names, formal
//! and historical names, demonyms, combining forms in compounds
//! ("Franco-Japanese"), French and Japanese names.
use crate::gazetteer::{gazetteer, PolityForm, Target};
use crate::Mention;
use entente_source::Document;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PolityMention {
    /// Stable gazetteer id of the entity, e.g. `JPN`, `RUS`, `BAV`.
    pub id: String,
    /// Common English short name ("Japan", "Russia").
    pub name: String,
    /// Correlates of War state code, where the polity is in the COW list.
    pub cow: Option<u16>,
    /// ISO 3166 alpha-3, where one exists.
    pub iso3: Option<String>,
    /// The period or formal name the text used ("Russian Empire", "USSR").
    pub form: String,
    /// True for adjectives and combining forms ("Japanese", "Franco-").
    pub adjectival: bool,
}

/// Finds polity mentions anywhere in the document's text.
///
/// ```
/// use entente_recognise::polity;
/// let ms = polity::find_in("The Franco-Japanese treaty");
/// let ids: Vec<&str> = ms.iter().map(|(_, p)| p.id.as_str()).collect();
/// assert_eq!(ids, ["FRA", "JPN"]);
/// ```
pub fn find(doc: &Document) -> Vec<Mention> {
    find_text(&doc.text)
}

/// Finds polity mentions in a plain string; each mention comes with its
/// [`PolityMention`] for callers that do not want to match on the kind.
pub fn find_in(text: &str) -> Vec<(Mention, PolityMention)> {
    find_text(text)
        .into_iter()
        .filter_map(|m| match &m.kind {
            crate::MentionKind::Polity(p) => {
                let p = p.clone();
                Some((m, p))
            }
            _ => None,
        })
        .collect()
}

/// The mentions alone: one allocation set per mention, which matters on
/// texts where every sentence names a country.
fn find_text(text: &str) -> Vec<Mention> {
    find_with(text, &gazetteer().scan_shared(text))
}

/// [`find`] over the text's gazetteer hits, which the caller already has.
pub(crate) fn find_with(text: &str, hits: &[crate::gazetteer::Hit]) -> Vec<Mention> {
    let g = gazetteer();
    let mut out = Vec::with_capacity(hits.len());
    for hit in hits {
        let Target::Polity { idx, form } = hit.target else {
            continue;
        };
        let Some(p) = g.polities.get(idx) else {
            continue;
        };
        // "George Washington", "Michael Jordan": a name after a given name
        // belongs to a person.
        if crate::person::follows_given_name(text, hit.span.start) {
            continue;
        }
        let adjectival = matches!(form, PolityForm::Adjective | PolityForm::Combining);
        // Adjectives are looser evidence than names ("Indian" may be a people,
        // "English" a language); one-character forms are the loosest.
        let confidence = match form {
            PolityForm::Name | PolityForm::Foreign => 0.95,
            PolityForm::Adjective => 0.8,
            PolityForm::Combining => 0.9,
            PolityForm::Cjk1 => 0.75,
        };
        let pm = PolityMention {
            id: p.id.clone(),
            name: p.name.clone(),
            cow: p.cow,
            iso3: p.iso3.clone(),
            form: hit.span.slice(text).to_string(),
            adjectival,
        };
        out.push(Mention {
            span: hit.span,
            kind: crate::MentionKind::Polity(pm),
            confidence,
        });
    }
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn ids(text: &str) -> Vec<String> {
        find_in(text)
            .into_iter()
            .map(|(_, p)| format!("{}@{}", p.id, p.form))
            .collect()
    }

    #[test]
    fn data_file_examples() {
        let src = include_str!("../../../data/gazetteer/polities.tsv");
        let mut n = 0;
        for (input, expected) in crate::gazetteer::examples(src) {
            let want: Vec<String> = if expected == "-" {
                Vec::new()
            } else {
                expected.split(", ").map(str::to_string).collect()
            };
            assert_eq!(ids(input), want, "example: {input}");
            n += 1;
        }
        assert!(n >= 10);
    }

    #[test]
    fn historical_names_share_cow_codes() {
        for (text, cow) in [
            ("the Russian Empire", 365),
            ("Tsarist Russia", 365),
            ("the Russian Federation", 365),
            ("the Empire of Japan", 740),
            ("the French Third Republic", 220),
            ("Qing China", 710),
            ("the Korean Empire", 730),
            ("Great Britain", 200),
            ("the Kingdom of Bavaria", 245),
            ("Württemberg", 271),
        ] {
            let ms = find_in(text);
            assert_eq!(ms.len(), 1, "{text}");
            assert_eq!(ms[0].1.cow, Some(cow), "{text}");
        }
        let hawaii = find_in("the Kingdom of Hawaii");
        assert_eq!(hawaii[0].1.cow, None);
        assert_eq!(hawaii[0].1.name, "Hawaii");
    }

    #[test]
    fn spans_of_dash_compounds() {
        let text = "the Japan–Russia talks and Russo-Japanese ties";
        let ms = find_in(text);
        let words: Vec<&str> = ms.iter().map(|(m, _)| m.span.slice(text)).collect();
        assert_eq!(words, ["Japan", "Russia", "Russo", "Japanese"]);
        assert!(ms[2].1.adjectival && !ms[0].1.adjectival);
    }

    #[test]
    fn japanese_compounds() {
        for (text, want) in [
            ("日仏協約", ["JPN@日", "FRA@仏"]),
            ("日英同盟", ["JPN@日", "GBR@英"]),
            ("日米", ["JPN@日", "USA@米"]),
            ("日清戦争", ["JPN@日", "CHN@清"]),
            ("日韓協約", ["JPN@日", "KOE@韓"]),
        ] {
            assert_eq!(ids(text), want, "{text}");
        }
        // One-character forms alone are ordinary words.
        assert!(ids("本日は晴れ").is_empty());
        assert_eq!(ids("ロシアと英国"), ["RUS@ロシア", "GBR@英国"]);
    }

    #[test]
    fn indo_needs_a_polity_after_the_dash() {
        assert_eq!(ids("Indo-European languages"), Vec::<String>::new());
        assert_eq!(ids("Indo-Pakistani talks"), ["IND@Indo", "PAK@Pakistani"]);
    }

    #[test]
    fn given_name_blocks_a_polity() {
        assert_eq!(ids("Michael Jordan visited Jordan"), ["JOR@Jordan"]);
    }
}
