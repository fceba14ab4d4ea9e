//! Persons, with office, title and polity where the text gives them.
//!
//! Evidence that a capitalised word run is a person's name, strongest first:
//! an office or title right before it (`data/names/offices.tsv`,
//! `data/names/titles.tsv`: "French Foreign Minister Stéphen Pichon", "Count
//! Hayashi Tadasu"); a given name or an initial at its start
//! (`data/names/given_names.txt`: "Matthew C. Perry"); an East Asian given or
//! family name in either order (`data/names/east_asian_names.tsv`: "Motono
//! Ichirō"); a regnal number ("George III"); and, for a lone surname, an
//! earlier full name in the same document ("Pichon" after "Stéphen Pichon").
//! Every form of one person's name in a document shares one `person` id.
use crate::gazetteer::{self, gazetteer, Hit, Target};
use crate::place::NOT_NAME;
use crate::{Mention, MentionKind, Sentence};
use aho_corasick::{AhoCorasick, MatchKind};
use entente_source::{Document, Span};
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

const GIVEN_NAMES: &str = include_str!("../../../data/names/given_names.txt");
const EAST_ASIAN: &str = include_str!("../../../data/names/east_asian_names.tsv");
const TITLES: &str = include_str!("../../../data/names/titles.tsv");
const OFFICES: &str = include_str!("../../../data/names/offices.tsv");
const MONONYMS: &str = include_str!("../../../data/names/mononyms.txt");

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonMention {
    /// The name as written, without titles or offices, order and diacritics kept.
    pub name: String,
    /// Document-local id: every form of one person's name shares it.
    pub person: u32,
    /// "Ambassador", "Foreign Minister", "Prime Minister", ...
    pub office: Option<String>,
    /// Honorific or rank ("Count", "Mr"), dropped from `name`.
    pub title: Option<String>,
    /// Gazetteer id of the polity the office belongs to, where the text gives it.
    pub polity: Option<String>,
}

struct Names {
    given: HashSet<&'static str>,
    ea_given: HashSet<&'static str>,
    ea_family: HashSet<&'static str>,
    mononyms: HashSet<&'static str>,
    /// Offices then titles: (canonical, is_office), parallel to the automaton.
    roles: Vec<(&'static str, bool)>,
    ac: Option<AhoCorasick>,
}

static NAMES: LazyLock<Names> = LazyLock::new(|| {
    let given = gazetteer::data_lines(GIVEN_NAMES)
        .map(|(_, l)| l.trim())
        .collect();
    let mut ea_given = HashSet::new();
    let mut ea_family = HashSet::new();
    for (_, l) in gazetteer::data_lines(EAST_ASIAN) {
        match l.split_once('\t') {
            Some((n, "given")) => ea_given.insert(n.trim()),
            Some((n, _)) => ea_family.insert(n.trim()),
            None => false,
        };
    }
    let mut patterns: Vec<String> = Vec::new();
    let mut roles = Vec::new();
    let mut seen = HashSet::new();
    for (src, is_office) in [(OFFICES, true), (TITLES, false)] {
        for (_, l) in gazetteer::data_lines(src) {
            let (written, canonical) = l.split_once('\t').unwrap_or((l, l));
            let written = written.trim();
            let mut forms = vec![written.to_string()];
            // Offices are also written in lowercase before a name ("foreign
            // minister Pichon"); titles are not, since "major" or "general"
            // in lowercase are ordinary words.
            if is_office && written.len() > 3 {
                forms.push(written.to_lowercase());
            }
            for f in forms {
                if seen.insert(f.clone()) {
                    patterns.push(f);
                    roles.push((canonical.trim(), is_office));
                }
            }
        }
    }
    let ac = AhoCorasick::builder()
        .match_kind(MatchKind::LeftmostLongest)
        .build(&patterns)
        .ok();
    let mononyms = gazetteer::data_lines(MONONYMS)
        .map(|(_, l)| l.trim())
        .collect();
    Names {
        mononyms,
        given,
        ea_given,
        ea_family,
        roles,
        ac,
    }
});

/// True when the word right before `start` (one space away) is a given name or
/// an initial: a place or polity name there belongs to a person ("George
/// Washington", "John F. Kennedy").
pub(crate) fn follows_given_name(text: &str, start: usize) -> bool {
    let Some(before) = text.get(..start).and_then(|b| b.strip_suffix(' ')) else {
        return false;
    };
    let word_start = before
        .char_indices()
        .rev()
        .find(|&(_, c)| !is_word_char(c))
        .map_or(0, |(i, c)| i + c.len_utf8());
    let word = before.get(word_start..).unwrap_or("");
    NAMES.given.contains(word) || is_initial(word)
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '\'' | '’' | '-' | '.')
}

/// "C.", "H.W.", "J." — capital letters each followed by a dot.
fn is_initial(word: &str) -> bool {
    let mut chars = word.chars();
    let mut n = 0;
    while let Some(c) = chars.next() {
        if !c.is_uppercase() || chars.next() != Some('.') {
            return false;
        }
        n += 1;
    }
    n > 0
}

fn is_roman(word: &str) -> bool {
    matches!(
        word,
        "I" | "II"
            | "III"
            | "IV"
            | "V"
            | "VI"
            | "VII"
            | "VIII"
            | "IX"
            | "X"
            | "XI"
            | "XII"
            | "XIII"
            | "XIV"
            | "XV"
            | "XVI"
    )
}

fn is_suffix(word: &str) -> bool {
    matches!(word, "Jr." | "Jr" | "Sr." | "Sr" | "Esq." | "Esq") || is_roman(word)
}

/// Lowercase particles inside names ("Charles de Gaulle", "Otto von Bismarck").
fn is_particle(word: &str) -> bool {
    matches!(
        word,
        "de" | "da"
            | "das"
            | "do"
            | "dos"
            | "du"
            | "del"
            | "della"
            | "di"
            | "van"
            | "von"
            | "der"
            | "den"
            | "ter"
            | "la"
            | "le"
            | "bin"
            | "ibn"
            | "al"
            | "el"
            | "ap"
            | "y"
            | "of"
    )
}

/// A word of the text with its byte span; a trailing dot is left out unless
/// the word is an initial or an abbreviation that keeps it ("Jr.").
#[derive(Debug, Clone, Copy)]
pub(crate) struct Token<'a> {
    pub(crate) start: usize,
    pub(crate) end: usize,
    pub(crate) word: &'a str,
}

pub(crate) fn tokens(text: &str) -> Vec<Token<'_>> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in text
        .char_indices()
        .chain(std::iter::once((text.len(), ' ')))
    {
        let wc = i < text.len() && is_word_char(c);
        match (start, wc) {
            (None, true) => start = Some(i),
            (Some(s), false) => {
                let mut raw = text.get(s..i).unwrap_or("");
                // A possessive is not part of the name ("Napoleon’s army").
                for poss in ["’s", "'s"] {
                    if let Some(r) = raw.strip_suffix(poss) {
                        raw = r;
                    }
                }
                let trimmed = raw.trim_end_matches(['.', '-', '\'', '’']);
                let keep_dot = is_initial(raw) || matches!(raw, "Jr." | "Sr." | "Esq." | "St.");
                let word = if keep_dot { raw } else { trimmed };
                let word = word.trim_start_matches(['\'', '’', '-', '.']);
                if !word.is_empty() {
                    let ws = s + (raw.len() - raw.trim_start_matches(['\'', '’', '-', '.']).len());
                    out.push(Token {
                        start: ws,
                        end: ws + word.len(),
                        word,
                    });
                }
                start = None;
            }
            _ => {}
        }
    }
    out
}

/// Whether two tokens are one name apart: plain spaces with at most one line
/// break (a wrapped line), or ", " before a suffix ("Jones, Jr.").
fn joined(text: &str, a: &Token, b: &Token) -> bool {
    let gap = text.get(a.end..b.start).unwrap_or("x");
    if gap.is_empty() {
        return false;
    }
    if gap == ", " {
        return matches!(b.word, "Jr." | "Jr" | "Sr." | "Sr" | "Esq." | "Esq");
    }
    gap.chars().all(char::is_whitespace) && gap.matches('\n').count() <= 1 && gap.len() <= 40
}

/// What the text says about the person whose name starts at some position.
#[derive(Debug, Clone, Default)]
struct Role {
    office: Option<String>,
    title: Option<String>,
    polity: Option<String>,
}

/// Separators allowed between an office and the name ("Prime Minister of
/// Japan – Fumio Kishida").
const SEPARATORS: [&str; 6] = [" – ", " — ", " - ", ": ", ", ", " "];

fn roles(text: &str, hits: &[Hit]) -> HashMap<usize, Role> {
    let g = gazetteer();
    let names = &*NAMES;
    let mut out: HashMap<usize, Role> = HashMap::new();
    let Some(ac) = &names.ac else {
        return out;
    };
    let polity_at_end = |end: usize| {
        let i = hits.partition_point(|h| h.span.end < end);
        hits.get(i)
            .filter(|h| h.span.end == end)
            .and_then(|h| match h.target {
                Target::Polity { idx, .. } => g.polities.get(idx).map(|p| p.id.clone()),
                _ => None,
            })
    };
    let hit_at_start = |start: usize| {
        let i = hits.partition_point(|h| h.span.start < start);
        hits.get(i).filter(|h| h.span.start == start).copied()
    };
    for m in ac.find_iter(text) {
        if !role_bounded(text, m.start(), m.end()) {
            continue;
        }
        let Some(&(canonical, is_office)) = names.roles.get(m.pattern().as_usize()) else {
            continue;
        };
        // A role right where an earlier role expects its name chains onto it
        // ("Japanese Ambassador Count Hayashi").
        let mut role = out.remove(&m.start()).unwrap_or_default();
        if is_office {
            role.office.get_or_insert_with(|| canonical.to_string());
        } else {
            role.title.get_or_insert_with(|| canonical.to_string());
        }
        if role.polity.is_none() && is_office {
            role.polity = m
                .start()
                .checked_sub(1)
                .filter(|&e| text.get(e..m.start()) == Some(" "))
                .and_then(polity_at_end);
        }
        let mut pos = m.end();
        // "President-elect Garfield".
        for suffix in ["-elect", "-designate"] {
            if text.get(pos..pos + suffix.len()) == Some(suffix) {
                pos += suffix.len();
            }
        }
        // "of Japan", "of the United States": the office's polity.
        for of in [" of the ", " of "] {
            if text.get(pos..pos + of.len()) == Some(of) {
                // "Dey of Algiers, Hajji Ali": a place is skipped, a polity
                // is the office's.
                if let Some(h) = hit_at_start(pos + of.len()) {
                    if let Target::Polity { idx, .. } = h.target {
                        role.polity = g.polities.get(idx).map(|p| p.id.clone());
                    }
                    pos = h.span.end;
                    break;
                }
            }
        }
        // "to Japan": the host country, not the office's polity.
        if text.get(pos..pos + 4) == Some(" to ") {
            if let Some(h) = hit_at_start(pos + 4) {
                pos = h.span.end;
            }
        }
        for sep in SEPARATORS {
            if text.get(pos..pos + sep.len()) == Some(sep) {
                out.insert(pos + sep.len(), role);
                break;
            }
        }
    }
    out
}

/// Finds person mentions in the document. Works on the whole text, so it does
/// not need sentences.
pub fn find(doc: &Document, sentences: &[Sentence]) -> Vec<Mention> {
    let _ = sentences;
    find_in(&doc.text).into_iter().map(|(m, _)| m).collect()
}

/// Finds person mentions in a plain string.
///
/// ```
/// use entente_recognise::person;
/// let text = "French Foreign Minister Stéphen Pichon met Kurino. Pichon agreed.";
/// let ms = person::find_in(text);
/// assert_eq!(ms[0].1.name, "Stéphen Pichon");
/// assert_eq!(ms[0].1.office.as_deref(), Some("Foreign Minister"));
/// assert_eq!(ms[0].1.polity.as_deref(), Some("FRA"));
/// assert_eq!(ms.last().unwrap().1.person, ms[0].1.person);
/// ```
pub fn find_in(text: &str) -> Vec<(Mention, PersonMention)> {
    let g = gazetteer();
    let t0 = std::time::Instant::now();
    let hits = g.scan(text);
    let t1 = std::time::Instant::now();
    let roles = roles(text, &hits);
    let t2 = std::time::Instant::now();
    let toks = tokens(text);
    let t3 = std::time::Instant::now();
    if text.len() > 1_000_000 { eprintln!("scan {:?} roles {:?} tokens {:?}", t1-t0, t2-t1, t3-t2); }
    // Token index -> end of the gazetteer hit starting there.
    let hit_start: HashMap<usize, usize> =
        hits.iter().map(|h| (h.span.start, h.span.end)).collect();
    let t4 = std::time::Instant::now();
    let role_words: HashSet<usize> = role_starts(text);
    if text.len() > 1_000_000 { eprintln!("hitmap {:?} role_starts {:?}", t4-t3, t4.elapsed()); }

    let mut ids: HashMap<String, u32> = HashMap::new();
    let mut found: Vec<(Span, PersonMention, f32, bool)> = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        let t = toks[i];
        let starts_name = t.word.chars().next().is_some_and(char::is_uppercase)
            || (roles.contains_key(&t.start) && is_particle(t.word));
        if !starts_name {
            i += 1;
            continue;
        }
        // Extend the run of name words.
        let mut j = i;
        let mut k = i + 1;
        while k < toks.len() && joined(text, &toks[k - 1], &toks[k]) {
            let w = toks[k].word;
            let cap = w.chars().next().is_some_and(char::is_uppercase);
            let ok = if is_suffix(w) {
                true
            } else if is_particle(w) {
                toks.get(k + 1)
                    .is_some_and(|n| n.word.chars().next().is_some_and(char::is_uppercase))
            } else {
                let introduces = role_words.contains(&toks[k].start)
                    && toks.get(k + 1).is_some_and(|n| {
                        joined(text, &toks[k], n)
                            && (n.word.chars().next().is_some_and(char::is_uppercase)
                                || is_particle(n.word))
                    });
                cap && !NOT_NAME.contains(w)
                    && !introduces
                    && (!hit_start.contains_key(&toks[k].start)
                        || follows_given_name(text, toks[k].start))
                    && !is_shouting(w)
            };
            if !ok {
                break;
            }
            j = k;
            k += 1;
        }
        // Trailing particles are not part of a name.
        while j > i && is_particle(toks[j].word) {
            j -= 1;
        }
        let run = &toks[i..=j];
        match judge(text, run, &roles, &hit_start) {
            Some((skip, confidence)) => {
                let run = &run[skip..];
                if let (Some(first), Some(last)) = (run.first(), run.last()) {
                    let span = Span::new(first.start, last.end);
                    let name = span.slice(text).to_string();
                    let key = family_key(run);
                    let next = ids.len() as u32;
                    let person = *ids.entry(key).or_insert(next);
                    let role = roles.get(&first.start).cloned().unwrap_or_default();
                    found.push((
                        span,
                        PersonMention {
                            name,
                            person,
                            office: role.office,
                            title: role.title,
                            polity: role.polity,
                        },
                        confidence,
                        run.len() > 1,
                    ));
                }
                i = j + 1;
            }
            None => i += 1,
        }
    }

    if text.len() > 1_000_000 { eprintln!("main {:?}", t4.elapsed()); }
    // A lone surname after a full name in the same document is that person.
    let multi: HashSet<u32> = found.iter().filter(|f| f.3).map(|f| f.1.person).collect();
    let surnames: HashMap<String, u32> = ids
        .into_iter()
        .filter(|(k, v)| multi.contains(v) && !k.contains(' '))
        .collect();
    if !surnames.is_empty() {
        let mut extra = Vec::new();
        for (n, t) in toks.iter().enumerate() {
            let Some(&person) = surnames.get(t.word) else {
                continue;
            };
            // `found` is still in text order here: the covering name, if any,
            // is the last one starting at or before the token.
            let i = found.partition_point(|f| f.0.start <= t.start);
            if i > 0 && t.end <= found[i - 1].0.end {
                continue;
            }
            let capital_next = toks.get(n + 1).is_some_and(|x| {
                joined(text, t, x) && x.word.chars().next().is_some_and(char::is_uppercase)
            });
            let capital_prev = n > 0
                && joined(text, &toks[n - 1], t)
                && toks[n - 1]
                    .word
                    .chars()
                    .next()
                    .is_some_and(char::is_uppercase)
                && !NOT_NAME.contains(toks[n - 1].word);
            if capital_next || capital_prev || hit_start.contains_key(&t.start) {
                continue;
            }
            extra.push((
                Span::new(t.start, t.end),
                PersonMention {
                    name: t.word.to_string(),
                    person,
                    office: None,
                    title: None,
                    polity: None,
                },
                0.7,
                false,
            ));
        }
        found.extend(extra);
        found.sort_by_key(|f| f.0.start);
    }
    found
        .into_iter()
        .map(|(span, pm, confidence, _)| {
            (
                Mention {
                    span,
                    kind: MentionKind::Person(pm.clone()),
                    confidence,
                },
                pm,
            )
        })
        .collect()
}

/// Starts of office and title words, which end a name run.
fn role_starts(text: &str) -> HashSet<usize> {
    let Some(ac) = &NAMES.ac else {
        return HashSet::new();
    };
    ac.find_iter(text)
        .filter(|m| role_bounded(text, m.start(), m.end()))
        .map(|m| m.start())
        .collect()
}

/// A role word stands alone: a boundary before it and after it, unless it ends
/// in a dot ("Mr.").
fn role_bounded(text: &str, start: usize, end: usize) -> bool {
    let word = text.get(start..end).unwrap_or("");
    gazetteer::boundary_before(text, start)
        && (word.ends_with('.') || gazetteer::boundary_after(text, end))
}

/// All-capital words longer than an initial ("NATO") are acronyms, not names.
fn is_shouting(w: &str) -> bool {
    w.chars().count() > 1
        && !w.contains('.')
        && !is_roman(w)
        && w.chars().all(|c| !c.is_lowercase())
}

/// Whether a run of name words is a person; returns how many leading words to
/// drop (sentence-initial words before a given name) and the confidence.
fn judge(
    text: &str,
    run: &[Token],
    roles: &HashMap<usize, Role>,
    hit_start: &HashMap<usize, usize>,
) -> Option<(usize, f32)> {
    let names = &*NAMES;
    let is_hit = |t: &Token| hit_start.contains_key(&t.start) && !follows_given_name(text, t.start);
    for skip in 0..run.len() {
        let sub = &run[skip..];
        let a = sub[0].word;
        if NOT_NAME.contains(a) || is_hit(&sub[0]) || is_shouting(a) || is_suffix(a) {
            continue;
        }
        // After an office any capitalised word is a name, except a polity or
        // place ("President of France").
        if roles.contains_key(&sub[0].start) {
            return Some((skip, 0.9));
        }
        let Some(b) = sub.get(1).map(|t| t.word) else {
            if names.mononyms.contains(a) {
                return Some((skip, 0.75));
            }
            continue;
        };
        if is_roman(b) && sub.len() == 2 {
            return Some((skip, 0.7));
        }
        if names.given.contains(a) || is_initial(a) {
            return Some((skip, 0.8));
        }
        if names.ea_given.contains(a) || names.ea_family.contains(a) || names.ea_given.contains(b) {
            return Some((skip, 0.75));
        }
    }
    None
}

/// The key that links forms of one name: the family name (the last word, or
/// the first for East Asian family-first order), or the whole name for a
/// regnal name ("George III") or a single word.
fn family_key(run: &[Token]) -> String {
    let words: Vec<&str> = run.iter().map(|t| t.word).collect();
    if words.last().is_some_and(|w| is_roman(w)) {
        return words.join(" ");
    }
    let core: Vec<&str> = words
        .iter()
        .copied()
        .filter(|w| !is_suffix(w) && !is_initial(w) && !is_particle(w))
        .collect();
    match core.as_slice() {
        [] => words.join(" "),
        [one] => one.to_string(),
        [first, .., last] => {
            let names = &*NAMES;
            let family_first = names.ea_family.contains(first)
                && !names.given.contains(first)
                && !names.ea_family.contains(last);
            if family_first || (names.ea_given.contains(last) && !names.ea_given.contains(first)) {
                first.to_string()
            } else {
                last.to_string()
            }
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn names(text: &str) -> Vec<String> {
        find_in(text).into_iter().map(|(_, p)| p.name).collect()
    }

    /// Checks `text => name | office X | polity Y | title Z` example lines.
    fn run_examples(src: &str) -> usize {
        let mut n = 0;
        for (input, expected) in gazetteer::examples(src) {
            let ms = find_in(input);
            let mut parts = expected.split(" | ");
            let want_names: Vec<&str> = parts.next().unwrap().split(", ").collect();
            let got: Vec<&str> = ms.iter().map(|(_, p)| p.name.as_str()).collect();
            assert_eq!(got, want_names, "example: {input}");
            for part in parts {
                let (k, v) = part.split_once(' ').unwrap();
                let p = &ms[0].1;
                let got = match k {
                    "office" => p.office.as_deref(),
                    "title" => p.title.as_deref(),
                    "polity" => p.polity.as_deref(),
                    _ => panic!("unknown key {k}"),
                };
                assert_eq!(got, Some(v), "example: {input} ({k})");
            }
            n += 1;
        }
        n
    }

    #[test]
    fn data_file_examples() {
        let n = run_examples(OFFICES)
            + run_examples(TITLES)
            + run_examples(GIVEN_NAMES)
            + run_examples(EAST_ASIAN)
            + run_examples(MONONYMS);
        assert!(n >= 15, "{n}");
    }

    #[test]
    fn one_id_for_every_form_of_a_name() {
        let text = "Stéphen Pichon signed. Later Foreign Minister Pichon said so, and Pichon left.";
        let ms = find_in(text);
        assert_eq!(ms.len(), 3, "{ms:?}");
        assert!(ms.iter().all(|(_, p)| p.person == ms[0].1.person));
        let other = find_in("Stéphen Pichon met Taro Kono.");
        assert_ne!(other[0].1.person, other[1].1.person);
    }

    #[test]
    fn east_asian_order_links_family_name() {
        let text = "Ambassador Motono Ichirō arrived; Motono then signed.";
        let ms = find_in(text);
        assert_eq!(ms.len(), 2, "{ms:?}");
        assert_eq!(ms[0].1.person, ms[1].1.person);
        assert_eq!(ms[1].1.name, "Motono");
    }

    #[test]
    fn not_persons() {
        assert!(names("In June Great Britain and Costa Rica met in Port Arthur.").is_empty());
        assert!(names("The Treaty of Portsmouth ended the war.").is_empty());
        assert!(names("NATO and ASEAN").is_empty());
        assert!(names("World War I began.").is_empty());
    }

    #[test]
    fn bare_names_with_evidence() {
        assert_eq!(names("when Matthew C. Perry arrived"), ["Matthew C. Perry"]);
        assert_eq!(names("under George III of Britain"), ["George III"]);
        assert_eq!(
            names("Later George Washington wrote"),
            ["George Washington"]
        );
        assert_eq!(
            names("envoy John Coffin Jones, Jr. arrived"),
            ["John Coffin Jones, Jr."]
        );
        assert_eq!(names("Charles de Gaulle spoke"), ["Charles de Gaulle"]);
        assert_eq!(names("Prime Minister Maurice Bishop."), ["Maurice Bishop"]);
        assert_eq!(
            names("the Dey of Algiers, Hajji Ali, refused"),
            ["Hajji Ali"]
        );
        assert_eq!(names("Napoleon’s army"), ["Napoleon"]);
    }

    #[test]
    fn odd_input_does_not_panic() {
        let _ = find_in("");
        let _ = find_in("Mr.");
        let _ = find_in("President ");
        let _ = find_in(&"John ".repeat(5000));
        let _ = find_in("’’ -- .. Mr. ’");
    }
}
