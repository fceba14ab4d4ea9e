//! Golden test: read → recognise → extract → facts over the project's own
//! sample corpus (`examples/corpus`), scored against `examples/corpus-gold.json`
//! with the same matching as the evaluation's `score.py`.

#![allow(clippy::unwrap_used)]

use entente_extract::facts::{AgreementFacts, DocFacts, EventFacts, Facts, PolityRef};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn fold(s: &str) -> String {
    // Strip combining marks after a simple decomposition of common letters:
    // enough for the scorer's accent folding on our corpus.
    let mapped: String = s
        .chars()
        .map(|c| match c {
            'é' | 'è' | 'ê' | 'ë' => 'e',
            'á' | 'à' | 'â' | 'ä' => 'a',
            'í' | 'ì' | 'î' | 'ï' => 'i',
            'ó' | 'ò' | 'ô' | 'ö' | 'ō' => 'o',
            'ú' | 'ù' | 'û' | 'ü' | 'ū' => 'u',
            'ç' => 'c',
            '’' | '‘' => '\'',
            '–' | '—' => '-',
            c => c,
        })
        .collect();
    mapped
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

fn tokens(s: &str) -> BTreeSet<String> {
    fold(s)
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|t| !t.is_empty())
        .map(str::to_string)
        .collect()
}

fn polity_key(p: &PolityRef) -> String {
    match p.cow {
        Some(c) => format!("cow:{c}"),
        None => format!("name:{}", fold(&p.name)),
    }
}

fn parties_compatible(g: &[PolityRef], p: &[PolityRef]) -> bool {
    let g: BTreeSet<String> = g.iter().map(polity_key).collect();
    let p: BTreeSet<String> = p.iter().map(polity_key).collect();
    g.is_empty() || g.intersection(&p).count() >= g.len().min(2)
}

fn date_core(d: Option<&str>) -> Option<Vec<String>> {
    let d = d?.split('/').next()?.replace(['~', '?', '%'], "");
    let parts: Vec<String> = d.trim().split('-').map(str::to_string).collect();
    (!parts.is_empty() && parts[0].len() == 4).then_some(parts)
}

fn dates_compatible(g: Option<&str>, p: Option<&str>) -> bool {
    let Some(gc) = date_core(g) else { return true };
    let Some(pc) = date_core(p) else { return false };
    let n = gc.len().min(pc.len());
    gc[..n] == pc[..n]
}

fn dates_equal(g: Option<&str>, p: Option<&str>) -> bool {
    date_core(g) == date_core(p)
}

fn name_sim(a: &str, b: &str) -> f64 {
    let (ta, tb) = (tokens(a), tokens(b));
    if ta.is_empty() || tb.is_empty() {
        return 0.0;
    }
    ta.intersection(&tb).count() as f64 / ta.union(&tb).count() as f64
}

fn agreement_compatible(g: &AgreementFacts, p: &AgreementFacts) -> bool {
    parties_compatible(&g.parties, &p.parties)
        && if g.signed.is_some() {
            dates_compatible(g.signed.as_deref(), p.signed.as_deref())
        } else {
            name_sim(&g.name, &p.name) >= 0.5
        }
}

fn event_compatible(g: &EventFacts, p: &EventFacts) -> bool {
    g.kind == p.kind
        && parties_compatible(&g.parties, &p.parties)
        && (g.date.is_none() || dates_equal(g.date.as_deref(), p.date.as_deref()))
}

/// Greedy one-to-one matching, best similarity first, as score.py does.
fn matches<T>(
    gold: &[T],
    pred: &[T],
    ok: impl Fn(&T, &T) -> bool,
    sim: impl Fn(&T, &T) -> f64,
) -> Vec<(usize, usize)> {
    let mut pairs = Vec::new();
    for (gi, g) in gold.iter().enumerate() {
        for (pi, p) in pred.iter().enumerate() {
            if ok(g, p) {
                pairs.push((sim(g, p), gi, pi));
            }
        }
    }
    pairs.sort_by(|a, b| b.partial_cmp(a).unwrap());
    let (mut gu, mut pu, mut out) = (BTreeSet::new(), BTreeSet::new(), Vec::new());
    for (_, gi, pi) in pairs {
        if !gu.contains(&gi) && !pu.contains(&pi) {
            gu.insert(gi);
            pu.insert(pi);
            out.push((gi, pi));
        }
    }
    out
}

fn facts_of(path: &Path) -> DocFacts {
    let bytes = std::fs::read(path).unwrap();
    let doc = entente_source::read_bytes(path, &bytes).unwrap();
    let rec = entente_recognise::recognise(&doc);
    let claims = entente_extract::extract("golden", &doc, &rec);
    entente_extract::facts::document_facts(&claims)
}

#[test]
fn sample_corpus_scores_against_its_gold() {
    let gold: Facts = serde_json::from_str(
        &std::fs::read_to_string(root().join("examples/corpus-gold.json")).unwrap(),
    )
    .unwrap();
    let (mut tp, mut fp, mut fn_) = (0usize, 0usize, 0usize);
    let mut report = String::new();
    let mut scored = 0;
    for entry in std::fs::read_dir(root().join("examples/corpus")).unwrap() {
        let path = entry.unwrap().path();
        let key = path.file_stem().unwrap().to_str().unwrap().to_string();
        let Some(g) = gold.documents.get(&key) else {
            continue;
        };
        let p = facts_of(&path);
        scored += 1;
        let am = matches(
            &g.agreements,
            &p.agreements,
            agreement_compatible,
            |a, b| {
                name_sim(&a.name, &b.name)
                    + f64::from(u8::from(dates_equal(
                        a.signed.as_deref(),
                        b.signed.as_deref(),
                    )))
            },
        );
        let em = matches(&g.events, &p.events, event_compatible, |a, b| {
            f64::from(u8::from(dates_equal(a.date.as_deref(), b.date.as_deref())))
        });
        let m = am.len() + em.len();
        tp += m;
        fp += p.agreements.len() + p.events.len() - m;
        fn_ += g.agreements.len() + g.events.len() - m;
        for (gi, ga) in g.agreements.iter().enumerate() {
            if !am.iter().any(|x| x.0 == gi) {
                report.push_str(&format!("miss  {key}: {ga:?}\n"));
            }
        }
        for (pi, pa) in p.agreements.iter().enumerate() {
            if !am.iter().any(|x| x.1 == pi) {
                report.push_str(&format!("extra {key}: {pa:?}\n"));
            }
        }
        for (gi, ge) in g.events.iter().enumerate() {
            if !em.iter().any(|x| x.0 == gi) {
                report.push_str(&format!("miss  {key}: {ge:?}\n"));
            }
        }
        for (pi, pe) in p.events.iter().enumerate() {
            if !em.iter().any(|x| x.1 == pi) {
                report.push_str(&format!("extra {key}: {pe:?}\n"));
            }
        }
    }
    assert!(scored >= 3, "too few sample documents with gold");
    let prec = tp as f64 / (tp + fp).max(1) as f64;
    let rec = tp as f64 / (tp + fn_).max(1) as f64;
    let f1 = if prec + rec > 0.0 {
        2.0 * prec * rec / (prec + rec)
    } else {
        0.0
    };
    eprintln!("sample corpus: F1 {f1:.3} (P {prec:.3} R {rec:.3})\n{report}");
    // The bar only goes up, like CI's.
    assert!(
        f1 >= 0.85,
        "sample corpus F1 {f1:.3} (P {prec:.3} R {rec:.3})\n{report}"
    );
}

#[test]
fn the_1907_treaty_comes_out_whole() {
    let path = root().join("examples/corpus/franco-japanese-treaty-1907.txt");
    if !path.exists() {
        return;
    }
    let f = facts_of(&path);
    let t = f
        .agreements
        .iter()
        .find(|a| a.signed.as_deref() == Some("1907-06-10"))
        .unwrap_or_else(|| panic!("no agreement signed 1907-06-10: {f:#?}"));
    assert!(
        t.place.as_deref().is_some_and(|p| p.contains("Paris")),
        "{t:?}"
    );
    assert!(t.secret_provisions, "{t:?}");
    let cows: BTreeSet<Option<u16>> = t.parties.iter().map(|p| p.cow).collect();
    assert!(
        cows.contains(&Some(220)) && cows.contains(&Some(740)),
        "{t:?}"
    );
}

/// The sphere provisions of one sample document, as "holder: regions" lines.
fn spheres_of(path: &Path) -> BTreeSet<String> {
    let bytes = std::fs::read(path).unwrap();
    let doc = entente_source::read_bytes(path, &bytes).unwrap();
    let rec = entente_recognise::recognise(&doc);
    entente_extract::extract("golden", &doc, &rec)
        .iter()
        .filter(|c| c.predicate == "provision" && c.value["kind"] == "sphere_of_influence")
        .filter_map(|c| {
            let holder = c.value["beneficiary"]["name"].as_str()?;
            let regions: Vec<&str> = c.value["regions"]
                .as_array()?
                .iter()
                .filter_map(|r| r.as_str())
                .collect();
            Some(format!("{holder}: {}", regions.join(", ")))
        })
        .collect()
}

#[test]
fn sample_corpus_spheres_have_their_regions_and_holders() {
    let treaty = spheres_of(&root().join("examples/corpus/franco-japanese-treaty-1907.txt"));
    assert!(
        treaty.contains("Japan: Manchuria, Mongolia, Fujian")
            && treaty.contains("France: Yunnan, Guangxi, Guangdong"),
        "{treaty:#?}"
    );
    let series = spheres_of(&root().join("examples/corpus/russo-japanese-agreements.md"));
    for want in [
        "Japan: South Manchuria",
        "Russia: North Manchuria",
        "Japan: Korea",
        "Russia: Outer Mongolia",
        "Russia: Western Inner Mongolia",
        "Japan: Eastern Inner Mongolia",
    ] {
        assert!(series.contains(want), "no {want:?} in {series:#?}");
    }
    // A whole continent or state is never a sphere.
    for s in treaty.iter().chain(series.iter()) {
        assert!(!s.contains("Asia") && !s.contains("China"), "{s}");
    }
}
