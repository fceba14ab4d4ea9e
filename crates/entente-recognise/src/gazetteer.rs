//! The shared name gazetteer: polities (`data/gazetteer/polities.tsv`) and
//! places (`data/gazetteer/places.tsv`), compiled into the binary and matched
//! by one Aho-Corasick automaton in leftmost-longest mode.
//!
//! One automaton for both kinds matters: "Mexico City" must beat "Mexico" and
//! "Indo-China" must beat the combining form "Indo", which only works when the
//! longer name competes in the same leftmost-longest search.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, Input, MatchKind};
use entente_source::Span;
use std::collections::HashMap;
use std::sync::LazyLock;

const POLITIES_TSV: &str = include_str!("../../../data/gazetteer/polities.tsv");
const PLACES_TSV: &str = include_str!("../../../data/gazetteer/places.tsv");

/// A polity of the gazetteer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Polity {
    /// Stable id (`JPN`, `BAV`).
    pub id: String,
    /// Correlates of War state code, where the polity is in the COW list.
    pub cow: Option<u16>,
    /// ISO 3166 alpha-3, where one exists.
    pub iso3: Option<String>,
    /// Common English short name.
    pub name: String,
}

/// A place or region of the gazetteer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    /// Stable lowercase id (`south_manchuria`).
    pub id: String,
    /// Canonical English name.
    pub name: String,
    /// `city`, `region`, `province`, ...
    pub category: String,
    /// Enclosing places and polities, innermost first.
    pub within: Vec<String>,
}

/// How a polity name was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PolityForm {
    /// The short name or an English alias.
    Name,
    /// A demonym or adjective ("Japanese").
    Adjective,
    /// A combining form before a dash ("Franco" in "Franco-Japanese").
    Combining,
    /// A French or Japanese name.
    Foreign,
    /// A one-character CJK form, valid only inside a compound (日 in 日露).
    Cjk1,
}

/// What a pattern of the automaton names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// Index into [`Gazetteer::polities`].
    Polity { idx: usize, form: PolityForm },
    /// Index into [`Gazetteer::places`].
    Place { idx: usize },
}

/// One accepted gazetteer match in a text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hit {
    pub span: Span,
    pub target: Target,
}

/// The compiled gazetteer.
#[derive(Debug)]
pub struct Gazetteer {
    pub polities: Vec<Polity>,
    pub places: Vec<Place>,
    /// Parallel to the automaton's pattern ids.
    targets: Vec<Target>,
    ac: Option<AhoCorasick>,
    polity_by_id: HashMap<String, usize>,
    place_by_id: HashMap<String, usize>,
    /// Problems found while loading the data files; a test asserts it is empty.
    pub problems: Vec<String>,
}

/// The gazetteer, built once on first use.
pub fn gazetteer() -> &'static Gazetteer {
    static GAZ: LazyLock<Gazetteer> = LazyLock::new(Gazetteer::load);
    &GAZ
}

/// The data-file lines that carry content (no comments, no blank lines), with
/// their 1-based line numbers for error messages.
pub(crate) fn data_lines(src: &str) -> impl Iterator<Item = (usize, &str)> {
    src.lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l.trim_end_matches('\r')))
        .filter(|(_, l)| !l.trim().is_empty() && !l.starts_with('#'))
}

/// The `# example:` lines of a data file, split at `=>`.
#[cfg(test)]
pub(crate) fn examples(src: &str) -> impl Iterator<Item = (&str, &str)> {
    src.lines().filter_map(|l| {
        let rest = l.strip_prefix("# example:")?;
        let (input, expected) = rest.split_once("=>")?;
        Some((input.trim(), expected.trim()))
    })
}

fn list(field: &str) -> impl Iterator<Item = &str> {
    field
        .split('|')
        .map(str::trim)
        .filter(|s| !s.is_empty() && *s != "-")
}

fn opt(field: &str) -> Option<&str> {
    let f = field.trim();
    (!f.is_empty() && f != "-").then_some(f)
}

/// Spelling variants a source may use for one name: straight and curly
/// apostrophes, hyphen and en dash.
fn variants(name: &str) -> Vec<String> {
    let mut out = vec![name.to_string()];
    for (a, b) in [('\'', '’'), ('’', '\''), ('-', '–')] {
        let extra: Vec<String> = out
            .iter()
            .filter(|s| s.contains(a))
            .map(|s| s.replace(a, &b.to_string()))
            .collect();
        out.extend(extra);
    }
    out
}

impl Gazetteer {
    fn load() -> Gazetteer {
        let mut g = Gazetteer {
            polities: Vec::new(),
            places: Vec::new(),
            targets: Vec::new(),
            ac: None,
            polity_by_id: HashMap::new(),
            place_by_id: HashMap::new(),
            problems: Vec::new(),
        };
        // Pattern text -> index into `patterns`; the first entry for a text wins,
        // so a polity name is never shadowed by a place listed later.
        let mut seen: HashMap<String, usize> = HashMap::new();
        let mut patterns: Vec<String> = Vec::new();
        let mut add = |g: &mut Gazetteer, text: &str, target: Target| {
            for v in variants(text) {
                if seen.contains_key(&v) {
                    continue;
                }
                seen.insert(v.clone(), patterns.len());
                patterns.push(v);
                g.targets.push(target);
            }
        };

        for (line, l) in data_lines(POLITIES_TSV) {
            let f: Vec<&str> = l.split('\t').collect();
            if f.len() != 9 {
                g.problems
                    .push(format!("polities.tsv:{line}: {} fields, want 9", f.len()));
                continue;
            }
            let cow = match opt(f[1]).map(str::parse::<u16>) {
                None => None,
                Some(Ok(c)) => Some(c),
                Some(Err(e)) => {
                    g.problems
                        .push(format!("polities.tsv:{line}: bad cow {:?}: {e}", f[1]));
                    continue;
                }
            };
            let idx = g.polities.len();
            let id = f[0].trim().to_string();
            if g.polity_by_id.insert(id.clone(), idx).is_some() {
                g.problems
                    .push(format!("polities.tsv:{line}: duplicate id {id}"));
            }
            g.polities.push(Polity {
                id,
                cow,
                iso3: opt(f[2]).map(str::to_string),
                name: f[3].trim().to_string(),
            });
            let t = |form| Target::Polity { idx, form };
            add(&mut g, f[3].trim(), t(PolityForm::Name));
            for a in list(f[4]) {
                add(&mut g, a, t(PolityForm::Name));
            }
            for a in list(f[5]) {
                add(&mut g, a, t(PolityForm::Adjective));
                // Plural demonyms ("Americans", "Pakistanis") name the polity too.
                if a.ends_with('n') || a.ends_with('i') {
                    add(&mut g, &format!("{a}s"), t(PolityForm::Adjective));
                }
            }
            for a in list(f[6]) {
                add(&mut g, a, t(PolityForm::Combining));
            }
            for a in list(f[7]) {
                add(&mut g, a, t(PolityForm::Foreign));
            }
            for a in list(f[8]) {
                add(&mut g, a, t(PolityForm::Cjk1));
            }
        }

        let mut parents: Vec<Option<String>> = Vec::new();
        for (line, l) in data_lines(PLACES_TSV) {
            let f: Vec<&str> = l.split('\t').collect();
            if f.len() != 5 {
                g.problems
                    .push(format!("places.tsv:{line}: {} fields, want 5", f.len()));
                continue;
            }
            let idx = g.places.len();
            let id = f[0].trim().to_string();
            if g.place_by_id.insert(id.clone(), idx).is_some() {
                g.problems
                    .push(format!("places.tsv:{line}: duplicate id {id}"));
            }
            g.places.push(Place {
                id,
                name: f[1].trim().to_string(),
                category: f[2].trim().to_string(),
                within: Vec::new(),
            });
            parents.push(opt(f[3]).map(str::to_string));
            add(&mut g, f[1].trim(), Target::Place { idx });
            for a in list(f[4]) {
                add(&mut g, a, Target::Place { idx });
            }
        }
        // Resolve the nesting chains, innermost first. A parent is a place id or
        // a polity id; the depth bound stops a cycle in the data.
        for i in 0..g.places.len() {
            let mut chain = Vec::new();
            let mut cur = parents.get(i).cloned().flatten();
            while let Some(p) = cur {
                if chain.len() > 12 {
                    g.problems
                        .push(format!("places.tsv: nesting cycle at {}", g.places[i].id));
                    break;
                }
                chain.push(p.clone());
                cur = match g.place_by_id.get(&p) {
                    Some(&j) => parents.get(j).cloned().flatten(),
                    None => {
                        if !g.polity_by_id.contains_key(&p) {
                            g.problems.push(format!(
                                "places.tsv: {} is within unknown id {p}",
                                g.places[i].id
                            ));
                        }
                        None
                    }
                };
            }
            g.places[i].within = chain;
        }

        // A full DFA, anchored only: built once, and walked only from the
        // capitals and CJK characters where a name can start.
        for p in &patterns {
            let first = p.chars().next();
            if !first.is_some_and(|c| c.is_uppercase() || is_cjk(c)) {
                g.problems
                    .push(format!("name {p:?} starts with neither a capital nor CJK"));
            }
        }
        match AhoCorasickBuilder::new()
            .match_kind(MatchKind::LeftmostLongest)
            .kind(Some(aho_corasick::AhoCorasickKind::DFA))
            .start_kind(aho_corasick::StartKind::Anchored)
            .build(&patterns)
        {
            Ok(ac) => g.ac = Some(ac),
            Err(e) => g.problems.push(format!("gazetteer automaton: {e}")),
        }
        g
    }

    /// The polity with gazetteer id `id`.
    pub fn polity(&self, id: &str) -> Option<&Polity> {
        self.polity_by_id
            .get(id)
            .and_then(|&i| self.polities.get(i))
    }

    /// The place with gazetteer id `id`.
    pub fn place(&self, id: &str) -> Option<&Place> {
        self.place_by_id.get(id).and_then(|&i| self.places.get(i))
    }

    /// The polity a Correlates of War code names (the first listed one).
    pub fn polity_by_cow(&self, cow: u16) -> Option<&Polity> {
        self.polities.iter().find(|p| p.cow == Some(cow))
    }

    /// The direct children of place `idx`.
    pub fn children(&self, idx: usize) -> impl Iterator<Item = usize> + '_ {
        let id = self.places.get(idx).map(|p| p.id.as_str()).unwrap_or("");
        self.places
            .iter()
            .enumerate()
            .filter(move |(_, p)| p.within.first().map(String::as_str) == Some(id))
            .map(|(i, _)| i)
    }

    /// All accepted gazetteer matches in `text`, in order and not overlapping.
    ///
    /// Applies the word-boundary check (no match inside a word), keeps a
    /// combining form only when a dash and another polity follow it, and keeps
    /// one-character CJK forms only inside a run of two or more of them.
    ///
    /// Every name starts with a capital letter or a CJK character (the loader
    /// reports any other pattern as a problem), so the automaton only runs,
    /// anchored, at such positions: most of a text is skipped byte by byte.
    pub fn scan(&self, text: &str) -> Vec<Hit> {
        let Some(ac) = &self.ac else {
            return Vec::new();
        };
        let bytes = text.as_bytes();
        let mut hits: Vec<Hit> = Vec::new();
        let mut pos = 0;
        while pos < bytes.len() {
            let b = bytes[pos];
            let (candidate, cjk, width) = if b < 0x80 {
                (b.is_ascii_uppercase(), false, 1)
            } else {
                match text.get(pos..).and_then(|s| s.chars().next()) {
                    Some(c) => {
                        let cjk = is_cjk(c);
                        (cjk || c.is_uppercase(), cjk, c.len_utf8())
                    }
                    None => (false, false, 1),
                }
            };
            if !candidate || (!cjk && !boundary_before(text, pos)) {
                pos += width;
                continue;
            }
            let input = Input::new(text)
                .range(pos..)
                .anchored(aho_corasick::Anchored::Yes);
            let found = ac.try_find(input).ok().flatten();
            let accepted = found.and_then(|m| {
                let target = *self.targets.get(m.pattern().as_usize())?;
                (cjk || boundary_after(text, m.end())).then_some((m.end(), target))
            });
            match accepted {
                Some((end, target)) => {
                    hits.push(Hit {
                        span: Span::new(pos, end),
                        target,
                    });
                    pos = end;
                }
                None => pos += width,
            }
        }
        self.filter(text, hits)
    }

    fn filter(&self, text: &str, hits: Vec<Hit>) -> Vec<Hit> {
        let n = hits.len();
        let mut keep = vec![true; n];
        for i in 0..n {
            let h = hits[i];
            match h.target {
                Target::Polity {
                    form: PolityForm::Combining,
                    ..
                } => {
                    let rest = text.get(h.span.end..).unwrap_or("");
                    let dash = rest.chars().next().filter(|c| is_dash(*c));
                    keep[i] = match (dash, hits.get(i + 1)) {
                        (Some(d), Some(next)) => {
                            next.span.start == h.span.end + d.len_utf8()
                                && matches!(next.target, Target::Polity { .. })
                        }
                        _ => false,
                    };
                }
                Target::Polity {
                    form: PolityForm::Cjk1,
                    ..
                } => {
                    let is_cjk1 = |j: usize| {
                        matches!(
                            hits.get(j).map(|x| x.target),
                            Some(Target::Polity {
                                form: PolityForm::Cjk1,
                                ..
                            })
                        )
                    };
                    let prev_adj = i > 0 && is_cjk1(i - 1) && hits[i - 1].span.end == h.span.start;
                    let next_adj = is_cjk1(i + 1) && hits[i + 1].span.start == h.span.end;
                    // The first character of a run must not follow a number or
                    // a date unit: 30日 is a day, not Japan.
                    let mut run_start = i;
                    while run_start > 0
                        && is_cjk1(run_start - 1)
                        && hits[run_start - 1].span.end == hits[run_start].span.start
                    {
                        run_start -= 1;
                    }
                    let before = text
                        .get(..hits[run_start].span.start)
                        .and_then(|s| s.chars().next_back());
                    let after_number = before.is_some_and(|c| {
                        c.is_numeric()
                            || matches!(
                                c,
                                '年' | '月' | '日' | '毎' | '本' | '今' | '昨' | '明' | '先'
                            )
                    });
                    keep[i] = (prev_adj || next_adj) && !after_number;
                }
                _ => {}
            }
        }
        hits.into_iter()
            .zip(keep)
            .filter_map(|(h, k)| k.then_some(h))
            .collect()
    }
}

/// Dashes that join compound names ("Franco-Japanese", "Japan–Russia").
pub(crate) fn is_dash(c: char) -> bool {
    matches!(c, '-' | '–' | '—' | '‐' | '‑')
}

/// Chinese and Japanese script, where words have no spaces between them.
pub(crate) fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3040..=0x30FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0xFF66..=0xFF9F)
}

pub(crate) fn boundary_before(text: &str, start: usize) -> bool {
    text.get(..start)
        .and_then(|s| s.chars().next_back())
        .is_none_or(|c| !c.is_alphanumeric() || is_cjk(c))
}

pub(crate) fn boundary_after(text: &str, end: usize) -> bool {
    text.get(end..)
        .and_then(|s| s.chars().next())
        .is_none_or(|c| !c.is_alphanumeric() || is_cjk(c))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn data_files_load_without_problems() {
        let g = gazetteer();
        assert!(g.problems.is_empty(), "{:#?}", g.problems);
        assert!(g.polities.len() > 200);
        assert!(g.places.len() > 400);
    }

    #[test]
    fn every_cow_code_is_unique_to_one_polity() {
        let mut seen = HashMap::new();
        for p in &gazetteer().polities {
            if let Some(c) = p.cow {
                assert!(seen.insert(c, &p.id).is_none(), "cow {c} twice: {}", p.id);
            }
        }
    }

    #[test]
    fn nesting_chain_is_innermost_first() {
        let g = gazetteer();
        let p = g.place("east_inner_mongolia").unwrap();
        assert_eq!(p.within, ["inner_mongolia", "mongolia_region"]);
        let kids: Vec<&str> = g
            .children(g.place_by_id["manchuria"])
            .map(|i| g.places[i].id.as_str())
            .collect();
        assert!(kids.contains(&"south_manchuria") && kids.contains(&"north_manchuria"));
    }

    #[test]
    fn no_match_inside_words() {
        let g = gazetteer();
        let hits = g.scan("Romanian Omanis and Chadians");
        let words: Vec<&str> = hits
            .iter()
            .map(|h| h.span.slice("Romanian Omanis and Chadians"))
            .collect();
        assert_eq!(words, ["Romanian", "Omanis", "Chadians"]);
    }

    #[test]
    fn adversarial_text_does_not_panic() {
        let g = gazetteer();
        let long = "日".repeat(10_000) + &"Franco-".repeat(1000) + "é—-’";
        let _ = g.scan(&long);
        let _ = g.scan("");
        let _ = g.scan("-");
    }
}
