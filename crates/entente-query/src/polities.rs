//! Naming a polity on the command line: a name, an adjective or combining
//! form, an ISO 3166 alpha-3 code, a gazetteer id or a COW code, resolved
//! with the polity gazetteer, then against the polities the base knows.

use entente_extract::facts::PolityRef;
use entente_extract::resolve::KnowledgeBase;
use entente_recognise::gazetteer::gazetteer;
use entente_recognise::polity::find_in;

fn from_gazetteer(p: &entente_recognise::gazetteer::Polity) -> PolityRef {
    PolityRef {
        name: p.name.clone(),
        cow: p.cow,
    }
}

/// The polity `input` names, or `None`.
///
/// ```
/// use entente_extract::resolve::KnowledgeBase;
/// use entente_query::polities::resolve;
/// let kb = KnowledgeBase::default();
/// for name in ["Japan", "Japanese", "JPN", "740", "japan"] {
///     assert_eq!(resolve(&kb, name).unwrap().cow, Some(740), "{name}");
/// }
/// assert_eq!(resolve(&kb, "Franco").unwrap().cow, Some(220));
/// ```
pub fn resolve(kb: &KnowledgeBase, input: &str) -> Option<PolityRef> {
    let t = input.trim();
    if t.is_empty() {
        return None;
    }
    let g = gazetteer();
    if let Ok(code) = t.parse::<u16>() {
        if let Some(p) = g.polity_by_cow(code) {
            return Some(from_gazetteer(p));
        }
        return known(kb).into_iter().find(|p| p.cow == Some(code));
    }
    if t.len() == 3 && t.chars().all(|c| c.is_ascii_alphabetic()) {
        let up = t.to_ascii_uppercase();
        let hit = g.polity(&up).or_else(|| {
            g.polities
                .iter()
                .find(|p| p.iso3.as_deref() == Some(up.as_str()))
        });
        if let Some(p) = hit {
            return Some(from_gazetteer(p));
        }
    }
    // Names are proper nouns and the gazetteer matches case-sensitively:
    // try the input as given, then capitalised.
    let mut cap = String::new();
    for (i, w) in t.split(' ').enumerate() {
        if i > 0 {
            cap.push(' ');
        }
        let mut cs = w.chars();
        if let Some(c) = cs.next() {
            cap.extend(c.to_uppercase());
            cap.push_str(&cs.as_str().to_lowercase());
        }
    }
    for form in [t, cap.as_str()] {
        if let Some((_, p)) = find_in(form).into_iter().next() {
            return Some(PolityRef {
                name: p.name,
                cow: p.cow,
            });
        }
        // A combining form ("Franco") only counts before a dash and another
        // polity, so complete the compound and keep a hit inside the input.
        let compound = format!("{form}-Japan");
        if let Some((m, p)) = find_in(&compound).into_iter().next() {
            if m.span.end <= form.len() {
                return Some(PolityRef {
                    name: p.name,
                    cow: p.cow,
                });
            }
        }
    }
    known(kb)
        .into_iter()
        .find(|p| p.name.eq_ignore_ascii_case(t))
}

/// Every polity named as a party in the base.
fn known(kb: &KnowledgeBase) -> Vec<PolityRef> {
    let mut out: Vec<PolityRef> = Vec::new();
    for p in kb.agreements.iter().flat_map(|a| a.parties.iter()) {
        if !out.contains(p) {
            out.push(p.clone());
        }
    }
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn names_codes_and_adjectives() {
        let kb = KnowledgeBase::default();
        let cow = |s: &str| resolve(&kb, s).and_then(|p| p.cow);
        assert_eq!(cow("France"), Some(220));
        assert_eq!(cow("FRA"), Some(220));
        assert_eq!(cow("220"), Some(220));
        assert_eq!(cow("Russo"), Some(365));
        assert_eq!(cow("Russian Empire"), Some(365));
        assert_eq!(cow("united states"), Some(2));
        assert_eq!(resolve(&kb, "Atlantis"), None);
        assert_eq!(resolve(&kb, ""), None);
        assert_eq!(resolve(&kb, "9999"), None);
    }
}
