//! The shared name gazetteer: polities (`data/gazetteer/polities.tsv`) and
//! places (`data/gazetteer/places.tsv`), compiled into the binary and matched
//! leftmost-longest, as one Aho-Corasick automaton would: a trie of all the
//! names, walked from each position where a name may start, takes the longest
//! name there (a test checks it against the automaton).
//!
//! One search for both kinds matters: "Mexico City" must beat "Mexico" and
//! "Indo-China" must beat the combining form "Indo", which only works when the
//! longer name competes in the same leftmost-longest search.

use entente_source::Span;
use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};
use std::rc::Rc;
use std::sync::LazyLock;

/// FxHash: a fast non-cryptographic hash for the finders' hot lookups (byte
/// offsets and short words from compiled-in data), where SipHash's resistance
/// to hash flooding buys nothing.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct Fx(u64);

const FX_SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

impl Fx {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(FX_SEED);
    }
}

impl Hasher for Fx {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut w = [0u8; 8];
            w.copy_from_slice(c);
            self.add(u64::from_le_bytes(w));
        }
        for &b in chunks.remainder() {
            self.add(u64::from(b));
        }
    }
    fn write_usize(&mut self, n: usize) {
        self.add(n as u64);
    }
    fn write_u32(&mut self, n: u32) {
        self.add(u64::from(n));
    }
    fn finish(&self) -> u64 {
        // The multiply leaves the low bits weak, and the hash table indexes by
        // them: rotate the strong high bits down.
        self.0.rotate_left(26)
    }
}

pub(crate) type FxMap<K, V> = HashMap<K, V, BuildHasherDefault<Fx>>;
pub(crate) type FxSet<K> = HashSet<K, BuildHasherDefault<Fx>>;

/// A set of 16-bit keys, one bit each: the two filters below are one load
/// per question.
#[derive(Debug, Clone)]
struct Bits64K {
    words: Vec<u64>,
}

impl Bits64K {
    fn new() -> Bits64K {
        Bits64K {
            words: vec![0u64; 1024],
        }
    }

    fn insert(&mut self, i: usize) {
        if let Some(x) = self.words.get_mut((i >> 6) & 1023) {
            *x |= 1 << (i & 63);
        }
    }

    #[inline]
    fn contains(&self, i: usize) -> bool {
        self.words
            .get((i >> 6) & 1023)
            .is_some_and(|x| x >> (i & 63) & 1 == 1)
    }
}

/// The two bytes at `pos` (zero past the end) as one key.
#[inline]
fn two_bytes(bytes: &[u8], pos: usize) -> usize {
    let b0 = usize::from(bytes.get(pos).copied().unwrap_or(0));
    let b1 = usize::from(bytes.get(pos + 1).copied().unwrap_or(0));
    b0 << 8 | b1
}

/// The first two bytes of every pattern of an automaton, as a 64 Kbit set: a
/// position whose two bytes start no pattern is skipped without running the
/// automaton, which is most capitalised words ("The", "In").
#[derive(Debug, Clone)]
pub(crate) struct Prefix2 {
    bits: Bits64K,
}

impl Prefix2 {
    pub(crate) fn new<'a>(patterns: impl IntoIterator<Item = &'a [u8]>) -> Prefix2 {
        let mut bits = Bits64K::new();
        for p in patterns {
            match *p {
                [] => {}
                // One byte: any second byte may follow.
                [b0] => (0..=255u8).for_each(|b1| bits.insert(two_bytes(&[b0, b1], 0))),
                _ => bits.insert(two_bytes(p, 0)),
            }
        }
        Prefix2 { bits }
    }

    /// Whether some pattern may start at `pos`.
    #[inline]
    pub(crate) fn may_start(&self, bytes: &[u8], pos: usize) -> bool {
        self.bits.contains(two_bytes(bytes, pos))
    }
}

/// A filter over a word list by the shape of each word: its first two bytes
/// and its length, folded into 64 Kbit. A word of the list always passes;
/// most other words do not, and cost one load instead of a hash lookup.
#[derive(Debug)]
pub(crate) struct Shapes {
    bits: Bits64K,
}

impl Shapes {
    pub(crate) fn new<'a>(words: impl IntoIterator<Item = &'a [u8]>) -> Shapes {
        let mut bits = Bits64K::new();
        for w in words {
            bits.insert(Self::index(w));
        }
        Shapes { bits }
    }

    #[inline]
    fn index(w: &[u8]) -> usize {
        two_bytes(w, 0) ^ (w.len().wrapping_mul(0x9E5) & 0xFFFF)
    }

    /// False only for a word that is not in the list.
    #[inline]
    pub(crate) fn may_contain(&self, w: &[u8]) -> bool {
        self.bits.contains(Self::index(w))
    }
}

/// A cached scan: the text's address, length and content hash, and its hits.
type ScanEntry = (usize, usize, u64, Rc<Vec<Hit>>);

thread_local! {
    /// The last scan on this thread, keyed by the text's address, length and
    /// content hash: the polity, place, person and agreement finders all scan
    /// the same document text one after another, and share one scan.
    static LAST_SCAN: RefCell<Option<ScanEntry>> =
        const { RefCell::new(None) };
}

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
    /// Parallel to `places`: whether any place lies directly within it.
    has_children: Vec<bool>,
    /// The names, matched anchored at capitals and CJK characters.
    trie: crate::trie::PrefixTrie,
    /// The names of `trie`, for the test that checks it against an
    /// Aho-Corasick automaton.
    #[cfg(test)]
    patterns: Vec<String>,
    prefix: Prefix2,
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
            has_children: Vec::new(),
            trie: crate::trie::PrefixTrie::new([]),
            #[cfg(test)]
            patterns: Vec::new(),
            prefix: Prefix2::new([]),
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
        g.has_children = vec![false; g.places.len()];
        for i in 0..g.places.len() {
            let parent = g.places[i]
                .within
                .first()
                .and_then(|p| g.place_by_id.get(p));
            if let Some(&j) = parent {
                g.has_children[j] = true;
            }
        }

        // A trie, walked only from the capitals and CJK characters where a
        // name can start.
        g.prefix = Prefix2::new(patterns.iter().map(|p| p.as_bytes()));
        for p in &patterns {
            let first = p.chars().next();
            if !first.is_some_and(|c| c.is_uppercase() || is_cjk(c)) {
                g.problems
                    .push(format!("name {p:?} starts with neither a capital nor CJK"));
            }
        }
        g.trie = crate::trie::PrefixTrie::new(patterns.iter().map(|p| p.as_bytes()));
        #[cfg(test)]
        {
            g.patterns = patterns;
        }
        g
    }

    /// Whether some place lies directly within place `idx`.
    pub fn has_children(&self, idx: usize) -> bool {
        self.has_children.get(idx).copied().unwrap_or(false)
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
        let none = !self.has_children.get(idx).copied().unwrap_or(false);
        let id = self.places.get(idx).map(|p| p.id.as_str()).unwrap_or("");
        self.places
            .iter()
            .enumerate()
            .filter(move |(_, p)| !none && p.within.first().map(String::as_str) == Some(id))
            .map(|(i, _)| i)
    }

    /// All accepted gazetteer matches in `text`, in order and not overlapping.
    ///
    /// Applies the word-boundary check (no match inside a word), keeps a
    /// combining form only when a dash and another polity follow it, and keeps
    /// one-character CJK forms only inside a run of two or more of them.
    ///
    /// Every name starts with a capital letter or a CJK character (the loader
    /// reports any other pattern as a problem), so the trie is only walked
    /// at such positions: most of a text is skipped eight bytes at a time.
    pub fn scan(&self, text: &str) -> Vec<Hit> {
        let bytes = text.as_bytes();
        let mut hits: Vec<Hit> = Vec::new();
        let mut pos = 0;
        while pos < bytes.len() {
            // Lowercase letters, digits, spaces and punctuation start no
            // name: skip them eight bytes at a time.
            pos = next_candidate(bytes, pos);
            let Some(&b) = bytes.get(pos) else {
                break;
            };
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
            if !candidate
                || !self.prefix.may_start(bytes, pos)
                || (!cjk && !boundary_before(text, pos))
            {
                pos += width;
                continue;
            }
            let accepted = self.trie.longest(bytes, pos).and_then(|(id, end)| {
                let target = *self.targets.get(id)?;
                (cjk || boundary_after(text, end)).then_some((end, target))
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

    /// [`Gazetteer::scan`], shared with the other finders that scan the same
    /// text on this thread right after.
    pub fn scan_shared(&self, text: &str) -> Rc<Vec<Hit>> {
        let mut fx = Fx::default();
        fx.write(text.as_bytes());
        let key = (text.as_ptr() as usize, text.len(), fx.finish());
        let cached = LAST_SCAN.with(|c| {
            c.borrow()
                .as_ref()
                .filter(|(p, l, h, _)| (*p, *l, *h) == key)
                .map(|e| Rc::clone(&e.3))
        });
        if let Some(hits) = cached {
            return hits;
        }
        let hits = Rc::new(self.scan(text));
        LAST_SCAN.with(|c| *c.borrow_mut() = Some((key.0, key.1, key.2, Rc::clone(&hits))));
        hits
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

/// The first position at or after `from` holding an ASCII capital or a
/// non-ASCII byte (or `bytes.len()`). `from` must be on a character boundary;
/// only ASCII bytes are skipped, so the answer is one too.
#[inline]
fn next_candidate(bytes: &[u8], from: usize) -> usize {
    crate::swar::next_exact(bytes, from, candidate_mask, is_candidate_byte)
}

/// `0x80` in exactly the bytes of `x` (eight bytes, little-endian) that are
/// [`is_candidate_byte`]s (a test checks every byte).
#[inline]
fn candidate_mask(x: u64) -> u64 {
    use crate::swar::{HIGHS, ONES};
    // On the low seven bits no byte sum carries into the next byte: the high
    // bit of each sum says "at least 'A'" and "past 'Z'".
    let low = x & !HIGHS;
    let ge_a = low.wrapping_add(ONES * (0x80 - u64::from(b'A'))) & HIGHS;
    let gt_z = low.wrapping_add(ONES * (0x80 - u64::from(b'Z') - 1)) & HIGHS;
    (ge_a & !gt_z) | (x & HIGHS)
}

/// A byte where a name may start: an ASCII capital, or any byte of a
/// multibyte character (its first byte comes first).
fn is_candidate_byte(b: u8) -> bool {
    b.is_ascii_uppercase() || b >= 0x80
}

/// The leading run of ASCII letters and digits of `bytes`.
pub(crate) fn alnum_run(bytes: &[u8]) -> &[u8] {
    let n = bytes
        .iter()
        .position(|b| !b.is_ascii_alphanumeric())
        .unwrap_or(bytes.len());
    bytes.get(..n).unwrap_or(bytes)
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
    use proptest::prelude::*;

    /// The candidate mask is exact: every byte value, in every lane of a
    /// word of non-candidates, sets its lane's high bit exactly when it is
    /// a candidate byte.
    #[test]
    fn candidate_mask_is_exact_on_every_byte() {
        for b in 0..=255u8 {
            for lane in 0..8 {
                let mut word = [b'a'; 8];
                word[lane] = b;
                let want = if is_candidate_byte(b) {
                    0x80u64 << (8 * lane)
                } else {
                    0
                };
                assert_eq!(
                    candidate_mask(u64::from_le_bytes(word)),
                    want,
                    "byte {b} lane {lane}"
                );
            }
        }
    }

    proptest! {
        /// The eight-byte candidate search agrees with a byte loop, from
        /// every start.
        #[test]
        fn next_candidate_agrees_with_a_byte_loop(text in "[a-zA-Z0-9 .,@\\[`{é日Ü’]{0,40}") {
            let bytes = text.as_bytes();
            for from in 0..=bytes.len() + 1 {
                let slow = (from..bytes.len())
                    .find(|&i| is_candidate_byte(bytes[i]))
                    .unwrap_or(bytes.len());
                prop_assert_eq!(next_candidate(bytes, from), slow, "{:?} from {}", text, from);
            }
        }
    }

    proptest! {
        /// The trie finds, at every position of a salad of the gazetteer's
        /// own names (cut and glued, so that prefixes and longer names
        /// overlap), what the anchored leftmost-longest automaton found.
        #[test]
        fn trie_agrees_with_the_automaton(
            picks in proptest::collection::vec((0usize..100_000, 0usize..40, 0usize..4), 1..30),
        ) {
            let g = gazetteer();
            let ac = aho_corasick::AhoCorasick::builder()
                .match_kind(aho_corasick::MatchKind::LeftmostLongest)
                .start_kind(aho_corasick::StartKind::Anchored)
                .build(&g.patterns)
                .unwrap();
            let mut hay = String::new();
            for (i, cut, sep) in picks {
                let p = &g.patterns[i % g.patterns.len()];
                // A prefix of the name (on a character boundary) or all of it.
                let mut end = p.len().min(cut.max(1));
                while !p.is_char_boundary(end) {
                    end += 1;
                }
                hay.push_str(if cut >= 20 { p } else { &p[..end] });
                hay.push_str([" ", "", "-", "s "][sep]);
            }
            for at in (0..hay.len()).filter(|&at| hay.is_char_boundary(at)) {
                let input = aho_corasick::Input::new(&hay)
                    .range(at..)
                    .anchored(aho_corasick::Anchored::Yes);
                let want = ac
                    .try_find(input)
                    .unwrap()
                    .map(|m| (m.pattern().as_usize(), m.end()));
                prop_assert_eq!(g.trie.longest(hay.as_bytes(), at), want, "{:?} at {}", hay, at);
            }
        }
    }

    /// A shape filter lets every word of its list through, and not all
    /// other words.
    #[test]
    fn shapes_pass_their_words() {
        let words: [&[u8]; 6] = [
            b"Japan",
            b"U",
            b"",
            b"Russian",
            "Württemberg".as_bytes(),
            b"Qing",
        ];
        let shapes = Shapes::new(words);
        for w in words {
            assert!(shapes.may_contain(w), "{:?}", String::from_utf8_lossy(w));
        }
        let others: [&[u8]; 4] = [b"Japanese", b"Treaty", b"Minister", b"Emperor"];
        assert!(others.iter().any(|w| !shapes.may_contain(w)));
        assert!(!Shapes::new([]).may_contain(b"Japan"));
    }

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

    proptest::proptest! {
        #[test]
        fn finders_never_panic(text in "(?s).{0,300}") {
            let _ = crate::polity::find_in(&text);
            let _ = crate::place::find_in(&text);
            let _ = crate::person::find_in(&text);
            let _ = crate::agreement::find_in(&text);
        }

        #[test]
        fn finders_never_panic_on_name_like_text(
            text in "([A-Z][a-z’'.-]{0,6}|日|露|協約|Treaty|of|de|Mr\\.|-|–| |, |\\(RAA\\)|\n){0,40}"
        ) {
            let _ = crate::polity::find_in(&text);
            let _ = crate::place::find_in(&text);
            for (m, _) in crate::person::find_in(&text) {
                proptest::prop_assert!(text.get(m.span.start..m.span.end).is_some());
            }
            for (m, _) in crate::agreement::find_in(&text) {
                proptest::prop_assert!(text.get(m.span.start..m.span.end).is_some());
            }
        }
    }

    proptest::proptest! {
        /// The eight-bytes-at-a-time skip stops exactly where a byte-by-byte
        /// search for a capital or a non-ASCII byte would.
        #[test]
        fn next_candidate_matches_a_byte_loop(text in "(?s)[a-zA-Z0-9 .,@\\[\\]`{é日-]{0,40}", from in 0usize..48) {
            let bytes = text.as_bytes();
            let want = bytes
                .iter()
                .enumerate()
                .skip(from)
                .find(|(_, b)| b.is_ascii_uppercase() || **b >= 0x80)
                .map_or(bytes.len(), |(i, _)| i);
            proptest::prop_assert_eq!(next_candidate(bytes, from), want.max(from.min(bytes.len())));
        }
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
