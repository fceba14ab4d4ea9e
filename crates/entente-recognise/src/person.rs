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
use crate::gazetteer::{self, gazetteer, FxMap, FxSet, Hit, Target};
use crate::place::NOT_NAME;
use crate::{Mention, MentionKind, Sentence};
use aho_corasick::{AhoCorasick, Anchored, Input, MatchKind};
use entente_source::{Document, Span};
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
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
    given: FxSet<&'static str>,
    /// The shapes of `given`, checked before the lookup.
    given_shapes: gazetteer::Shapes,
    ea_given: FxSet<&'static str>,
    ea_family: FxSet<&'static str>,
    /// Word classes (NOT, GIVEN, EA_GIVEN, EA_FAMILY, MONONYM bits) of every
    /// listed word, for one lookup per token.
    class: FxMap<&'static str, u32>,
    /// The first bytes of the words in `class`: a token starting with any
    /// other byte (a digit, most often) needs no lookup.
    class_first: [bool; 256],
    /// The shapes of the words in `class`, checked before the lookup.
    class_shapes: gazetteer::Shapes,
    /// Offices then titles: (canonical, is_office), parallel to `ac`.
    roles: Vec<(&'static str, bool)>,
    /// Capitalised offices and titles, searched anchored at capitals.
    ac: Option<AhoCorasick>,
    prefix: gazetteer::Prefix2,
    /// The leading run of ASCII letters and digits of every capitalised
    /// role ("Foreign" of "Foreign Minister", "Mr" of "Mr."): a role can
    /// only be accepted where the text's own leading run is one of them.
    role_runs: FxSet<&'static [u8]>,
    /// The shapes of `role_runs`.
    role_shapes: gazetteer::Shapes,
    /// Parallel to `lower_ac`.
    lower_roles: Vec<(&'static str, bool)>,
    /// Lowercase forms of common offices, searched over the whole text.
    lower_ac: Option<AhoCorasick>,
}

static NAMES: LazyLock<Names> = LazyLock::new(|| {
    let given = gazetteer::data_lines(GIVEN_NAMES)
        .map(|(_, l)| l.trim())
        .collect();
    let mut ea_given = FxSet::default();
    let mut ea_family = FxSet::default();
    for (_, l) in gazetteer::data_lines(EAST_ASIAN) {
        match l.split_once('\t') {
            Some((n, "given")) => ea_given.insert(n.trim()),
            Some((n, _)) => ea_family.insert(n.trim()),
            None => false,
        };
    }
    // Capitalised forms are matched anchored at capitals, like the
    // gazetteer; the few lowercase forms ("foreign minister Kono") need a scan
    // of the whole text, which a small pattern set keeps fast.
    let mut patterns: Vec<&'static str> = Vec::new();
    let mut roles = Vec::new();
    let mut lower_patterns: Vec<String> = Vec::new();
    let mut lower_roles = Vec::new();
    let mut seen = HashSet::new();
    for (src, is_office) in [(OFFICES, true), (TITLES, false)] {
        for (_, l) in gazetteer::data_lines(src) {
            let mut f = l.split('\t').map(str::trim);
            let written = f.next().unwrap_or("");
            let canonical = f.next().unwrap_or(written);
            let lower = f.next() == Some("lower");
            if written.is_empty() || !seen.insert(written) {
                continue;
            }
            patterns.push(written);
            roles.push((canonical, is_office));
            if is_office && lower {
                lower_patterns.push(written.to_lowercase());
                lower_roles.push((canonical, is_office));
            }
        }
    }
    let ac = AhoCorasick::builder()
        .match_kind(MatchKind::LeftmostLongest)
        .kind(Some(aho_corasick::AhoCorasickKind::DFA))
        .start_kind(aho_corasick::StartKind::Anchored)
        .build(&patterns)
        .ok();
    let prefix = gazetteer::Prefix2::new(patterns.iter().map(|p| p.as_bytes()));
    let role_runs: FxSet<&'static [u8]> = patterns
        .iter()
        .map(|p| gazetteer::alnum_run(p.as_bytes()))
        .collect();
    let role_shapes = gazetteer::Shapes::new(role_runs.iter().copied());
    let lower_ac = AhoCorasick::builder()
        .match_kind(MatchKind::LeftmostLongest)
        .build(&lower_patterns)
        .ok();
    let mononyms: FxSet<&'static str> = gazetteer::data_lines(MONONYMS)
        .map(|(_, l)| l.trim())
        .collect();
    let mut class: FxMap<&'static str, u32> = FxMap::default();
    for (set, bit) in [
        (&given, GIVEN),
        (&ea_given, EA_GIVEN),
        (&ea_family, EA_FAMILY),
        (&mononyms, MONONYM),
    ] {
        for w in set.iter() {
            *class.entry(*w).or_insert(0) |= bit;
        }
    }
    for w in NOT_NAME.iter() {
        *class.entry(*w).or_insert(0) |= NOT;
    }
    let class_shapes = gazetteer::Shapes::new(class.keys().map(|w| w.as_bytes()));
    let given_shapes = gazetteer::Shapes::new(given.iter().map(|w| w.as_bytes()));
    let mut class_first = [false; 256];
    for w in class.keys() {
        if let Some(&b) = w.as_bytes().first() {
            class_first[usize::from(b)] = true;
        }
    }
    Names {
        class,
        class_first,
        class_shapes,
        given_shapes,
        given,
        ea_given,
        ea_family,
        roles,
        ac,
        prefix,
        role_runs,
        role_shapes,
        lower_roles,
        lower_ac,
    }
});

/// True when the word right before `start` (one space away) is a given name or
/// an initial: a place or polity name there belongs to a person ("George
/// Washington", "John F. Kennedy").
pub(crate) fn follows_given_name(text: &str, start: usize) -> bool {
    let Some(before) = text.get(..start).and_then(|b| b.strip_suffix(' ')) else {
        return false;
    };
    // Walk back over ASCII word bytes without decoding; a non-ASCII byte
    // sends the rest of the walk to the char-based loop.
    let bytes = before.as_bytes();
    let mut i = bytes.len();
    while i > 0 && bytes[i - 1] < 0x80 && ASCII_WORD[usize::from(bytes[i - 1])] {
        i -= 1;
    }
    let word_start = if i > 0 && bytes[i - 1] >= 0x80 {
        before
            .char_indices()
            .rev()
            .find(|&(_, c)| !is_word_char(c))
            .map_or(0, |(i, c)| i + c.len_utf8())
    } else {
        i
    };
    let word = before.get(word_start..).unwrap_or("");
    // Given names and initials start with a capital (the data test checks
    // the list): most words before a place need no lookup.
    if !word.chars().next().is_some_and(char::is_uppercase) {
        return false;
    }
    (NAMES.given_shapes.may_contain(word.as_bytes()) && NAMES.given.contains(word))
        || is_initial(word)
}

/// Whether `word` starts with an uppercase letter; ASCII needs no decoding.
#[inline]
fn starts_upper(word: &str) -> bool {
    match word.as_bytes().first() {
        Some(&b) if b < 0x80 => b.is_ascii_uppercase(),
        _ => word.chars().next().is_some_and(char::is_uppercase),
    }
}

fn is_word_char(c: char) -> bool {
    // General punctuation (dashes, curly quotes) is common in prose and has
    // no letter or digit in it: answered without the Unicode tables.
    if ('\u{2000}'..='\u{206F}').contains(&c) {
        return c == '’';
    }
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
        word.as_bytes(),
        b"I" | b"II"
            | b"III"
            | b"IV"
            | b"V"
            | b"VI"
            | b"VII"
            | b"VIII"
            | b"IX"
            | b"X"
            | b"XI"
            | b"XII"
            | b"XIII"
            | b"XIV"
            | b"XV"
            | b"XVI"
    )
}

fn is_suffix(word: &str) -> bool {
    matches!(
        word.as_bytes(),
        b"Jr." | b"Jr" | b"Sr." | b"Sr" | b"Esq." | b"Esq"
    ) || is_roman(word)
}

/// Lowercase particles inside names ("Charles de Gaulle", "Otto von Bismarck").
///
/// Matched as bytes, which compiles to a switch on the length and word
/// compares instead of a call per candidate: most short words of prose are
/// asked.
fn is_particle(word: &str) -> bool {
    matches!(
        word.as_bytes(),
        b"de"
            | b"da"
            | b"das"
            | b"do"
            | b"dos"
            | b"du"
            | b"del"
            | b"della"
            | b"di"
            | b"van"
            | b"von"
            | b"der"
            | b"den"
            | b"ter"
            | b"la"
            | b"le"
            | b"bin"
            | b"ibn"
            | b"al"
            | b"el"
            | b"ap"
            | b"y"
            | b"of"
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

/// The words of `text`, in order (the finders use [`tokens_into`]).
#[cfg(test)]
pub(crate) fn tokens(text: &str) -> Vec<Token<'_>> {
    // Every word is kept: about one per six bytes of prose.
    tokens_with(text, usize::MAX, text.len() / 5 + 1, |_| true)
}

/// The words of `text` for which `keep` holds. Dropped words still separate
/// the kept ones: two kept tokens are only [`joined`] when nothing but spaces
/// lies between them. Words that start with an ASCII lowercase letter and are
/// longer than `max_lower` bytes are dropped without a look, which spares most
/// of the work when only names are wanted.
#[cfg(test)]
pub(crate) fn tokens_where<'a>(
    text: &'a str,
    max_lower: usize,
    keep: impl Fn(&str) -> bool,
) -> Vec<Token<'a>> {
    tokens_with(text, max_lower, text.len() / 16, keep)
}

/// [`tokens_where`] into a vector of `capacity` tokens to start with.
#[cfg(test)]
fn tokens_with<'a>(
    text: &'a str,
    max_lower: usize,
    capacity: usize,
    keep: impl Fn(&str) -> bool,
) -> Vec<Token<'a>> {
    let mut out = Vec::with_capacity(capacity);
    tokens_with_into(text, max_lower, keep, &mut out);
    out
}

/// The longest particle ([`is_particle`]), in bytes: a longer word that
/// starts in lower case is no name word.
const MAX_PARTICLE: usize = 5;

/// Whether a word is kept as a token by the person finder: it starts or
/// continues names. Only capitalised words and particles do (a suffix or a
/// regnal number is capitalised too).
fn name_word(w: &str) -> bool {
    starts_upper(w) || is_particle(w)
}

/// The words of `text` that can start or continue a name: every word that
/// [`tokens_where`] keeps with [`name_word`] and [`MAX_PARTICLE`], except
/// the particles that nothing joins to a name. A particle counts only inside
/// a run of name words, which it enters from the token right before it (one
/// [`joined`] gap away) or, at the start of a run, when an office or title
/// introduces it; [`add_role_particles`] adds the latter once the roles are
/// known. Leaving the others out changes no run: a left-out particle is
/// joined to no token before it, so the tokens around it were not joined
/// either (their gap holds it), it starts no run, carries no given name or
/// initial, and is no capital for the lone-surname check.
///
/// Found from the word bits of the text: the capitalised (and odd) words
/// from the candidate bits, and after each token the particles that follow
/// it. Lowercase words and numbers, most words, are passed over unread.
fn name_tokens<'a>(text: &'a str, bits: &WordBits) -> Vec<Token<'a>> {
    let bytes = text.as_bytes();
    // About one kept word per sixteen bytes of prose.
    let mut out = Vec::with_capacity(text.len() / 16);
    for (k, &c) in bits.cand.iter().enumerate() {
        let mut c = c;
        while c != 0 {
            let s = k * 64 + c.trailing_zeros() as usize;
            c &= c - 1;
            if s >= bytes.len() {
                break;
            }
            // A word ends at the first byte that is not a word byte; the
            // bits past the text are clear.
            let e = next_bit(&bits.word, s, !0, bytes.len());
            let raw = text.get(s..e).unwrap_or("");
            let tok = if !any_bit(&bits.odd, s, e) {
                (!raw.is_empty() && name_word(raw)).then_some(Token {
                    start: s,
                    end: e,
                    word: raw,
                })
            } else {
                trimmed_token(raw, s, &name_word)
            };
            if let Some(t) = tok {
                out.push(t);
                follow_particles(text, bits, t, e, &mut out);
            }
        }
    }
    out
}

/// The particles joined one after another to `last`, whose word ends at
/// byte `at`, appended to `out`: "de la" after "Juan". A particle starts in
/// lower case (one that starts with a quote or a dash is a candidate word of
/// its own in [`name_tokens`]).
fn follow_particles<'a>(
    text: &'a str,
    bits: &WordBits,
    mut last: Token<'a>,
    mut at: usize,
    out: &mut Vec<Token<'a>>,
) {
    let bytes = text.as_bytes();
    loop {
        let s = next_bit(&bits.word, at, 0, text.len());
        let Some(t) = particle_at(text, bits, s) else {
            return;
        };
        if !joined(text, &last, &t.0) {
            return;
        }
        out.push(t.0);
        last = t.0;
        at = t.1;
        if at >= bytes.len() {
            return;
        }
    }
}

/// The particle token of the word starting at byte `s` when it starts with
/// a lowercase letter, and the end of the word.
fn particle_at<'a>(text: &'a str, bits: &WordBits, s: usize) -> Option<(Token<'a>, usize)> {
    let bytes = text.as_bytes();
    if !bytes.get(s)?.is_ascii_lowercase() {
        return None;
    }
    let e = next_bit(&bits.word, s, !0, bytes.len());
    if e - s > MAX_PARTICLE {
        return None;
    }
    let raw = text.get(s..e)?;
    let tok = if !any_bit(&bits.odd, s, e) {
        is_particle(raw).then_some(Token {
            start: s,
            end: e,
            word: raw,
        })
    } else {
        // A lowercase start stays after trimming: only a particle passes.
        trimmed_token(raw, s, &name_word)
    }?;
    Some((tok, e))
}

/// Adds to `toks` the particles that an office or title introduces (a name
/// starts there: `role_keys`), with the particles joined after them, where
/// [`name_tokens`] left them out.
fn add_role_particles<'a>(
    text: &'a str,
    bits: &WordBits,
    role_keys: impl Iterator<Item = usize>,
    toks: &mut Vec<Token<'a>>,
) {
    let mut extra = Vec::new();
    for p in role_keys {
        // A word starts at `p`: its bit is set and the one before is not.
        let starts_word = p == 0 || !any_bit(&bits.word, p - 1, p);
        if !starts_word || toks.binary_search_by_key(&p, |t| t.start).is_ok() {
            continue;
        }
        if let Some((t, e)) = particle_at(text, bits, p) {
            extra.push(t);
            follow_particles(text, bits, t, e, &mut extra);
        }
    }
    if extra.is_empty() {
        return;
    }
    toks.extend(extra);
    toks.sort_by_key(|t| t.start);
    toks.dedup_by_key(|t| t.start);
}

/// Which bytes of a text belong to words, one bit per byte: `word` for
/// every byte of a word character ([`char_at`]), `odd` for those that are no
/// ASCII letter or digit (the dots, dashes and quotes that need trimming,
/// and non-ASCII letters), and `cand` for the first byte of every word that
/// may be a capitalised [`name_word`]: all but those that start with an
/// ASCII lowercase letter or a digit (trimming never removes a leading
/// letter or digit). The
/// bits cost a few instructions per byte to build and spare the walk over
/// the words that are dropped, most of them.
#[derive(Debug, Default)]
pub(crate) struct WordBits {
    word: Vec<u64>,
    odd: Vec<u64>,
    cand: Vec<u64>,
}

impl WordBits {
    /// The word bits of `text`.
    pub(crate) fn of(text: &str) -> WordBits {
        let mut bits = WordBits::default();
        bits.build(text);
        bits
    }

    fn build(&mut self, text: &str) {
        use crate::swar::{high_bits, HIGHS};
        let bytes = text.as_bytes();
        let n = bytes.len() / 64 + 1;
        for v in [&mut self.word, &mut self.odd, &mut self.cand] {
            v.clear();
            v.resize(n, 0);
        }
        // `cand` holds the ASCII lowercase letters and digits until the
        // second pass turns it into word starts. Sixty-four bytes at a time,
        // one bitmap word each: ASCII chunks of eight bytes are classified
        // at once, the others byte by byte afterwards (a non-ASCII
        // character may set bits in the next bitmap word, hence `|=`).
        let mut blocks = bytes.chunks_exact(64);
        let mut at = 0;
        for (k, block) in (&mut blocks).enumerate() {
            let (mut w, mut o, mut c) = (0u64, 0u64, 0u64);
            // The lead bytes of non-ASCII characters, one bit per byte.
            let mut leads = 0u64;
            for (j, chunk) in block.chunks_exact(8).enumerate() {
                let mut b = [0u8; 8];
                b.copy_from_slice(chunk);
                let mut x = u64::from_le_bytes(b);
                let high = x & HIGHS;
                if high != 0 {
                    // Lead bytes are 0b11xxxxxx; the ASCII bytes around
                    // them are classified with the others zeroed (a zero
                    // byte is no word byte).
                    leads |= high_bits(high & (x << 1)) << (8 * j);
                    x &= !((high >> 7) * 0xFF);
                }
                let (word, punct, lower_digit) = ascii_classes(x);
                w |= high_bits(word) << (8 * j);
                o |= high_bits(punct) << (8 * j);
                c |= high_bits(lower_digit) << (8 * j);
            }
            if let (Some(pw), Some(po), Some(pc)) = (
                self.word.get_mut(k),
                self.odd.get_mut(k),
                self.cand.get_mut(k),
            ) {
                *pw |= w;
                *po |= o;
                *pc |= c;
            }
            while leads != 0 {
                let i = at + leads.trailing_zeros() as usize;
                leads &= leads - 1;
                self.non_ascii(text, i);
            }
            at += 64;
        }
        self.slow(text, at, bytes.len());
        // Second pass: the word starts, except those in lower case or a
        // digit (particles are found from the token before them).
        let mut prev_top = 0;
        for k in 0..n {
            let w = self.word.get(k).copied().unwrap_or(0);
            let starts = w & !((w << 1) | prev_top);
            prev_top = w >> 63;
            let Some(c) = self.cand.get_mut(k) else {
                break;
            };
            *c = starts & !*c;
        }
    }

    /// Bytes `from..to` one by one; a non-ASCII word character sets the
    /// bits of all its bytes (some may lie past `to`).
    fn slow(&mut self, text: &str, from: usize, to: usize) {
        let bytes = text.as_bytes();
        for i in from..to {
            let Some(&b) = bytes.get(i) else {
                return;
            };
            if b < 0x80 {
                if ASCII_WORD[usize::from(b)] {
                    self.set(i, !b.is_ascii_alphanumeric());
                    if b.is_ascii_lowercase() || b.is_ascii_digit() {
                        if let Some(c) = self.cand.get_mut(i / 64) {
                            *c |= 1 << (i % 64);
                        }
                    }
                }
            } else if b >= 0xC0 {
                self.non_ascii(text, i);
            }
        }
    }

    /// The character whose lead byte is at `i`: a word character sets the
    /// bits of all its bytes (continuation bytes are set with their lead).
    fn non_ascii(&mut self, text: &str, i: usize) {
        if let Some(c) = text.get(i..).and_then(|s| s.chars().next()) {
            if is_word_char(c) {
                for j in i..i + c.len_utf8() {
                    self.set(j, true);
                }
            }
        }
    }

    #[inline]
    fn set(&mut self, i: usize, odd: bool) {
        if let Some(w) = self.word.get_mut(i / 64) {
            *w |= 1 << (i % 64);
        }
        if odd {
            if let Some(o) = self.odd.get_mut(i / 64) {
                *o |= 1 << (i % 64);
            }
        }
    }
}

/// For eight ASCII bytes (no high bit set), `0x80` in each byte that is a
/// word byte, that is `'`, `-` or `.`, and that is a lowercase letter or a
/// digit. As `swar::alnum_mask`: no sum carries into the next byte.
#[inline(always)]
fn ascii_classes(x: u64) -> (u64, u64, u64) {
    use crate::swar::{HIGHS, ONES};
    let within = |lo: u8, hi: u8| {
        let ge = x.wrapping_add(ONES * (0x80 - u64::from(lo)));
        let gt = x.wrapping_add(ONES * (0x7F - u64::from(hi)));
        ge & !gt
    };
    let lower_digit = (within(b'0', b'9') | within(b'a', b'z')) & HIGHS;
    // '-' and '.' are neighbours (0x2D, 0x2E); '\'' is 0x27.
    let punct = (within(b'-', b'.') | within(b'\'', b'\'')) & HIGHS;
    let word = lower_digit | (within(b'A', b'Z') & HIGHS) | punct;
    (word, punct, lower_digit)
}

/// The first position at or after `from` whose bit in `bits`, flipped by
/// `flip` (0 or all ones), is set, or `limit` when there is none before it
/// (the search reads no further: a window's words are looked for within
/// the window, whatever follows it).
#[inline]
fn next_bit(bits: &[u64], from: usize, flip: u64, limit: usize) -> usize {
    let mut k = from / 64;
    let Some(&first) = bits.get(k) else {
        return limit;
    };
    let v = (first ^ flip) >> (from % 64);
    if v != 0 {
        return (from + v.trailing_zeros() as usize).min(limit);
    }
    k += 1;
    while k * 64 < limit {
        let Some(&b) = bits.get(k) else {
            return limit;
        };
        let v = b ^ flip;
        if v != 0 {
            return (k * 64 + v.trailing_zeros() as usize).min(limit);
        }
        k += 1;
    }
    limit
}

/// Whether any bit of `bits` in `from..to` is set.
#[inline]
fn any_bit(bits: &[u64], from: usize, to: usize) -> bool {
    // A word within one bitmap word, the common case: one mask.
    let (k, off) = (from / 64, from % 64);
    if to > from && to - from <= 64 - off {
        let span = to - from;
        let mask = if span == 64 { !0 } else { (1u64 << span) - 1 };
        return bits.get(k).is_some_and(|&b| (b >> off) & mask != 0);
    }
    let mut i = from;
    while i < to {
        let Some(&b) = bits.get(i / 64) else {
            return false;
        };
        let span = (to - i).min(64 - i % 64);
        let mask = if span == 64 { !0 } else { (1u64 << span) - 1 };
        if (b >> (i % 64)) & mask != 0 {
            return true;
        }
        i += span;
    }
    false
}

/// Every word of `text[from..to]` (as [`tokens_into`] gives them for that
/// slice, but with positions in `text`) into `out`, cleared first, read
/// from the word bits of the whole text: a word cut by the window's edge is
/// cut here too. The agreement finder's windows, many and overlapping on
/// text dense with instrument words, cost one step per word this way.
pub(crate) fn tokens_in<'a>(
    text: &'a str,
    bits: &WordBits,
    from: usize,
    to: usize,
    out: &mut Vec<Token<'a>>,
) {
    out.clear();
    let to = to.min(text.len());
    let mut i = from;
    loop {
        let s = next_bit(&bits.word, i, 0, to);
        if s >= to {
            return;
        }
        let e = next_bit(&bits.word, s, !0, to);
        i = e;
        let Some(raw) = text.get(s..e) else {
            continue;
        };
        if !any_bit(&bits.odd, s, e) {
            out.push(Token {
                start: s,
                end: e,
                word: raw,
            });
        } else if let Some(t) = trimmed_token(raw, s, &|_: &str| true) {
            out.push(t);
        }
    }
}

/// The token of the word `raw` starting at byte `s`, trimmed of a
/// possessive and of surrounding dots, dashes and quotes, if `keep` wants it.
#[inline]
fn trimmed_token<'a>(
    mut raw: &'a str,
    s: usize,
    keep: &impl Fn(&str) -> bool,
) -> Option<Token<'a>> {
    // A possessive is not part of the name ("Napoleon’s army").
    for poss in ["’s", "'s"] {
        if let Some(r) = raw.strip_suffix(poss) {
            raw = r;
        }
    }
    let keep_dot =
        raw.ends_with('.') && (is_initial(raw) || matches!(raw, "Jr." | "Sr." | "Esq." | "St."));
    let word = if keep_dot {
        raw
    } else {
        raw.trim_end_matches(['.', '-', '\'', '’'])
    };
    let lead = word.len() - word.trim_start_matches(['\'', '’', '-', '.']).len();
    let word = word.get(lead..).unwrap_or("");
    (!word.is_empty() && keep(word)).then_some(Token {
        start: s + lead,
        end: s + lead + word.len(),
        word,
    })
}

/// Every word of `text` ([`tokens`]) into `out`, which is cleared first.
/// The byte-by-byte tokeniser that [`name_tokens`] and [`tokens_in`]
/// replaced, kept as the reference their tests compare with.
#[cfg(test)]
pub(crate) fn tokens_into<'a>(text: &'a str, out: &mut Vec<Token<'a>>) {
    out.clear();
    tokens_with_into(text, usize::MAX, |_| true, out);
}

/// [`tokens_with`], appending to `out`.
#[inline(always)]
#[cfg(test)]
fn tokens_with_into<'a>(
    text: &'a str,
    max_lower: usize,
    keep: impl Fn(&str) -> bool,
    out: &mut Vec<Token<'a>>,
) {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        // Skip to the next word start; ASCII needs no decoding.
        let (wc, width) = char_at(text, bytes, i);
        if !wc {
            i += width;
            continue;
        }
        let s = i;
        // Whether the word is ASCII letters and digits only: then there is
        // no possessive, dot, dash or quote to trim, and it is the token.
        let mut plain = true;
        loop {
            i += crate::swar::alnum_len(bytes, i);
            let (wc, width) = char_at(text, bytes, i);
            if i >= bytes.len() || !wc {
                break;
            }
            plain = false;
            i += width;
        }
        if bytes[s].is_ascii_lowercase() && i - s > max_lower {
            continue;
        }
        if plain {
            let word = text.get(s..i).unwrap_or("");
            if !word.is_empty() && keep(word) {
                out.push(Token {
                    start: s,
                    end: i,
                    word,
                });
            }
            continue;
        }
        if let Some(t) = trimmed_token(text.get(s..i).unwrap_or(""), s, &keep) {
            out.push(t);
        }
    }
}

/// ASCII bytes that belong to a word.
static ASCII_WORD: [bool; 128] = {
    let mut t = [false; 128];
    let mut b = 0;
    while b < 128 {
        let c = b as u8;
        t[b] = c.is_ascii_alphanumeric() || c == b'\'' || c == b'-' || c == b'.';
        b += 1;
    }
    t
};

/// Whether the character at byte `i` belongs to a word, and its width.
#[inline(always)]
#[cfg(test)]
fn char_at(text: &str, bytes: &[u8], i: usize) -> (bool, usize) {
    let b = bytes.get(i).copied().unwrap_or(b' ');
    if b < 0x80 {
        return (ASCII_WORD[usize::from(b)], 1);
    }
    match text.get(i..).and_then(|s| s.chars().next()) {
        Some(c) => (is_word_char(c), c.len_utf8()),
        None => (false, 1),
    }
}

/// Whether two tokens are one name apart: plain spaces with at most one line
/// break (a wrapped line), or ", " before a suffix ("Jones, Jr.").
fn joined(text: &str, a: &Token, b: &Token) -> bool {
    // One space, the commonest gap, without slicing the text.
    if b.start == a.end + 1 && text.as_bytes().get(a.end) == Some(&b' ') {
        return true;
    }
    let gap = text.get(a.end..b.start).unwrap_or("x");
    if gap == " " {
        return true;
    }
    if gap.is_empty() {
        return false;
    }
    if gap == ", " {
        return matches!(b.word, "Jr." | "Jr" | "Sr." | "Sr" | "Esq." | "Esq");
    }
    gap.chars().all(char::is_whitespace) && gap.matches('\n').count() <= 1 && gap.len() <= 40
}

/// What the text says about the person whose name starts at some position.
/// Borrowed from the name lists and the gazetteer: most roles introduce no
/// name, and only those that do are copied into a [`PersonMention`].
#[derive(Debug, Clone, Copy, Default)]
struct Role {
    office: Option<&'static str>,
    title: Option<&'static str>,
    polity: Option<&'static str>,
}

/// Separators allowed between an office and the name ("Prime Minister of
/// Japan – Fumio Kishida").
const SEPARATORS: [&str; 6] = [" – ", " — ", " - ", ": ", ", ", " "];

/// A role word's span.
#[derive(Debug, Clone, Copy)]
struct RoleMatch {
    start: usize,
    end: usize,
}

impl RoleMatch {
    fn start(&self) -> usize {
        self.start
    }
    fn end(&self) -> usize {
        self.end
    }
}

/// Office and title words in text order, each standing alone: (start, end,
/// canonical, is_office).
fn role_matches(text: &str, toks: &[Token]) -> Vec<(usize, usize, &'static str, bool)> {
    let names = &*NAMES;
    let mut out = Vec::new();
    if let Some(ac) = &names.ac {
        let bytes = text.as_bytes();
        // Capitalised roles start at a capitalised word, which the tokens
        // already found; a role spans several tokens at most, so skipping
        // tokens inside the last match keeps matches disjoint.
        let mut after = 0;
        for t in toks {
            if t.start < after
                || !starts_upper(t.word)
                || !names.prefix.may_start(bytes, t.start)
                // A role whose run differs is either no match or a match
                // that ends inside a word, which `role_bounded` refuses.
                || !has_role_run(names, gazetteer::alnum_run(bytes.get(t.start..).unwrap_or(&[])))
            {
                continue;
            }
            let input = Input::new(text).range(t.start..).anchored(Anchored::Yes);
            if let Some(m) = ac.try_find(input).ok().flatten() {
                if role_bounded(text, m.start(), m.end()) {
                    if let Some(&(c, o)) = names.roles.get(m.pattern().as_usize()) {
                        out.push((m.start(), m.end(), c, o));
                        after = m.end();
                    }
                }
            }
        }
    }
    if let Some(ac) = &names.lower_ac {
        let before = out.len();
        for m in ac.find_iter(text) {
            if role_bounded(text, m.start(), m.end()) {
                if let Some(&(c, o)) = names.lower_roles.get(m.pattern().as_usize()) {
                    out.push((m.start(), m.end(), c, o));
                }
            }
        }
        if out.len() > before {
            out.sort_by_key(|m| m.0);
        }
    }
    out
}

/// Whether `run` is the leading run of some capitalised role; the shape
/// filter answers most words without a hash.
#[inline]
fn has_role_run(names: &Names, run: &[u8]) -> bool {
    names.role_shapes.may_contain(run) && names.role_runs.contains(run)
}

/// The roles found in `text`, keyed by where the name they introduce
/// starts, and the starts of all role words (which end a name run).
fn roles(text: &str, hits: &[Hit], toks: &[Token]) -> Roles {
    let g = gazetteer();
    let mut out: FxMap<usize, Role> = FxMap::default();
    let mut after: FxMap<usize, Role> = FxMap::default();
    let matches = role_matches(text, toks);
    let mut starts = Vec::with_capacity(matches.len());
    let polity_at_end = |end: usize| {
        let i = hits.partition_point(|h| h.span.end < end);
        hits.get(i)
            .filter(|h| h.span.end == end)
            .and_then(|h| match h.target {
                Target::Polity { idx, .. } => g.polities.get(idx).map(|p| p.id.as_str()),
                _ => None,
            })
    };
    let hit_at_start = |start: usize| {
        let i = hits.partition_point(|h| h.span.start < start);
        hits.get(i).filter(|h| h.span.start == start).copied()
    };
    for (m_start, m_end, canonical, is_office) in matches {
        let m = RoleMatch {
            start: m_start,
            end: m_end,
        };
        starts.push(m.start());
        // A role right where an earlier role expects its name chains onto it
        // ("Japanese Ambassador Count Hayashi").
        let mut role = out.remove(&m.start()).unwrap_or_default();
        if is_office {
            role.office.get_or_insert(canonical);
        } else {
            role.title.get_or_insert(canonical);
        }
        if role.polity.is_none() && is_office {
            role.polity = m
                .start()
                .checked_sub(1)
                .filter(|&e| text.get(e..m.start()) == Some(" "))
                .and_then(polity_at_end);
        }
        // Where an apposition's office phrase starts: "the Japanese
        // Ambassador" begins at the adjective.
        let phrase_start = if role.polity.is_some() {
            let i = hits.partition_point(|h| h.span.end < m.start() - 1);
            hits.get(i).map_or(m.start(), |h| h.span.start)
        } else {
            m.start()
        };
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
                        role.polity = g.polities.get(idx).map(|p| p.id.as_str());
                    }
                    pos = h.span.end;
                    break;
                }
            }
        }
        // "Motono Ichirō, the Japanese Ambassador": the office follows the
        // name it belongs to.
        if is_office {
            let before = text.get(..phrase_start).unwrap_or("");
            for lead in [", the ", ", a ", ", "] {
                if before.ends_with(lead) {
                    after.insert(
                        phrase_start - lead.len(),
                        Role {
                            office: Some(canonical),
                            title: None,
                            polity: role.polity,
                        },
                    );
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
    Roles {
        before: out,
        after,
        starts,
    }
}

/// What [`roles`] found.
struct Roles {
    /// Roles before a name, keyed by where the name starts.
    before: FxMap<usize, Role>,
    /// Roles in apposition after a name, keyed by where the name ends.
    after: FxMap<usize, Role>,
    /// Starts of all office and title words, in order.
    starts: Vec<usize>,
}

/// Finds person mentions in the document. Works on the whole text, so it does
/// not need sentences.
pub fn find(doc: &Document, sentences: &[Sentence]) -> Vec<Mention> {
    let _ = sentences;
    let text = &doc.text;
    find_with(text, &gazetteer().scan_shared(text), &WordBits::of(text))
}

/// [`find`] over the text's gazetteer hits and word bits
/// ([`WordBits::of`]), which the caller already has.
pub(crate) fn find_with(text: &str, hits: &[Hit], bits: &WordBits) -> Vec<Mention> {
    // Built without the copy of each [`PersonMention`] that `find_in` returns.
    find_raw_toks(text, hits, name_tokens(text, bits), Some(bits))
        .into_iter()
        .map(|(span, pm, confidence)| Mention {
            span,
            kind: MentionKind::Person(pm),
            confidence,
        })
        .collect()
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
    find_raw(text)
        .into_iter()
        .map(|(span, pm, confidence)| {
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

/// The person mentions of `text`: span, mention and confidence.
fn find_raw(text: &str) -> Vec<(Span, PersonMention, f32)> {
    find_raw_hits(text, &gazetteer().scan_shared(text))
}

/// [`find_raw`] over the text's gazetteer hits.
fn find_raw_hits(text: &str, hits: &[Hit]) -> Vec<(Span, PersonMention, f32)> {
    // Only capitalised words and particles start or continue a name (a
    // suffix or a regnal number is capitalised too); dropping the others
    // keeps the token list short. A dropped word still separates the kept
    // ones around it (see [`tokens_where`]), so numbers, CJK and lowercase
    // words change no run. Particles are at most five bytes long ("della").
    let bits = WordBits::of(text);
    find_raw_toks(text, hits, name_tokens(text, &bits), Some(&bits))
}

/// [`find_raw_hits`] over the name words `toks`; `bits`, when given, are
/// the word bits that [`name_tokens`] made them from, and the particles
/// that an office introduces are added from them.
fn find_raw_toks<'a>(
    text: &'a str,
    hits: &[Hit],
    mut toks: Vec<Token<'a>>,
    bits: Option<&WordBits>,
) -> Vec<(Span, PersonMention, f32)> {
    let Roles {
        before: roles,
        after: appositions,
        starts: role_words,
    } = roles(text, hits, &toks);
    if let Some(bits) = bits {
        add_role_particles(text, bits, roles.keys().copied(), &mut toks);
    }
    let info = token_info(text, &toks, hits, &roles, &role_words);
    let has = |k: usize, bit: u32| info.get(k).is_some_and(|f| f & bit != 0);

    let mut people = People::default();
    let mut found: Vec<(Span, PersonMention, f32, bool)> = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        let starts_name = has(i, CAP) || (has(i, ROLE) && has(i, PARTICLE));
        if !starts_name {
            i += 1;
            continue;
        }
        // Extend the run of name words.
        let mut j = i;
        let mut k = i + 1;
        while k < toks.len() && has(k - 1, JOIN_NEXT) {
            let ok = if has(k, SUFFIX) {
                true
            } else if has(k, PARTICLE) {
                has(k + 1, CAP)
            } else {
                // A role word that introduces the next name ends this one
                // ("Augustus Baron de Cetto"); one at the end is a surname
                // ("Maurice Bishop").
                let introduces = has(k, ROLE_WORD)
                    && has(k, JOIN_NEXT)
                    && (has(k + 1, CAP) || has(k + 1, PARTICLE));
                has(k, CAP)
                    && !has(k, NOT)
                    && !introduces
                    && (!has(k, HIT) || has(k, AFTER_GIVEN))
                    && !has(k, SHOUT)
            };
            if !ok {
                break;
            }
            j = k;
            k += 1;
        }
        // Trailing particles are not part of a name.
        while j > i && has(j, PARTICLE) {
            j -= 1;
        }
        if let Some((skip, confidence)) = judge(&info[i..=j]) {
            let run = &toks[i + skip..=j];
            if let (Some(first), Some(last)) = (run.first(), run.last()) {
                let span = Span::new(first.start, last.end);
                let (family, given) = name_parts(run);
                let person = people.link(family, given);
                let role = roles
                    .get(&first.start)
                    .or_else(|| appositions.get(&last.end))
                    .copied()
                    .unwrap_or_default();
                found.push((
                    span,
                    PersonMention {
                        name: span.slice(text).to_string(),
                        person,
                        office: role.office.map(str::to_string),
                        title: role.title.map(str::to_string),
                        polity: role.polity.map(str::to_string),
                    },
                    confidence,
                    run.len() > 1,
                ));
            }
        }
        // judge tried every start inside the run; a later start would grow
        // the same run again.
        i = j + 1;
    }

    // A lone surname after a full name in the same document is that person.
    // Family name -> the full-name mentions using it, in text order; a lone
    // surname goes to the person named last before it.
    let mut surnames: FxMap<String, Vec<(usize, u32)>> = FxMap::default();
    for f in found.iter().filter(|f| f.3) {
        if let Some(family) = people.family(f.1.person) {
            if !family.contains(' ') {
                surnames
                    .entry(family.to_string())
                    .or_default()
                    .push((f.0.start, f.1.person));
            }
        }
    }
    if !surnames.is_empty() {
        // First byte and length of every surname: most capitalised words
        // are told apart from all of them without hashing.
        let mut shapes = [0u64; 256];
        for family in surnames.keys() {
            if let Some(&b) = family.as_bytes().first() {
                shapes[usize::from(b)] |= 1 << family.len().min(63);
            }
        }
        let mut extra = Vec::new();
        for (n, t) in toks.iter().enumerate() {
            let first = t.word.as_bytes().first().copied().unwrap_or(0);
            if !has(n, CAP) || shapes[usize::from(first)] >> t.word.len().min(63) & 1 == 0 {
                continue;
            }
            let Some(candidates) = surnames.get(t.word) else {
                continue;
            };
            // Candidates are in text order: the last one before the token
            // is found by bisection (a scan back from the end made a long
            // document with a frequent surname quadratic).
            let before = candidates.partition_point(|&(start, _)| start < t.start);
            let Some(person) = before
                .checked_sub(1)
                .and_then(|k| candidates.get(k))
                .or(candidates.first())
                .map(|&(_, p)| p)
            else {
                continue;
            };
            // `found` is still in text order here: the covering name, if any,
            // is the last one starting at or before the token.
            let i = found.partition_point(|f| f.0.start <= t.start);
            if i > 0 && t.end <= found[i - 1].0.end {
                continue;
            }
            let capital_next = has(n, JOIN_NEXT) && has(n + 1, CAP);
            let capital_prev =
                n > 0 && has(n - 1, JOIN_NEXT) && has(n - 1, CAP) && !has(n - 1, NOT);
            if capital_next || capital_prev || has(n, HIT) {
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
        .map(|(span, pm, confidence, _)| (span, pm, confidence))
        .collect()
}

// Per-token facts, computed once so that the run and judge loops do no
// hashing: word classes from the name lists, and positions from the
// gazetteer hits and the roles.
const CAP: u32 = 1;
const PARTICLE: u32 = 1 << 1;
const SUFFIX: u32 = 1 << 2;
const NOT: u32 = 1 << 3;
const GIVEN: u32 = 1 << 4;
const EA_GIVEN: u32 = 1 << 5;
const EA_FAMILY: u32 = 1 << 6;
const MONONYM: u32 = 1 << 7;
const INITIAL: u32 = 1 << 8;
const SHOUT: u32 = 1 << 9;
const ROMAN: u32 = 1 << 10;
/// A gazetteer name (polity or place) starts at this token.
const HIT: u32 = 1 << 11;
/// An office or title introduces a name starting at this token.
const ROLE: u32 = 1 << 12;
/// An office or title word starts at this token.
const ROLE_WORD: u32 = 1 << 13;
/// The next token continues the same name (only spaces between).
const JOIN_NEXT: u32 = 1 << 14;
/// The previous token is a given name or initial one space before.
const AFTER_GIVEN: u32 = 1 << 15;

fn token_info(
    text: &str,
    toks: &[Token],
    hits: &[Hit],
    roles: &FxMap<usize, Role>,
    role_words: &[usize],
) -> Vec<u32> {
    let names = &*NAMES;
    let mut role_starts: Vec<usize> = roles.keys().copied().collect();
    role_starts.sort_unstable();
    let (mut h, mut r, mut w) = (0, 0, 0);
    let mut info = Vec::with_capacity(toks.len());
    for (k, t) in toks.iter().enumerate() {
        let word = t.word;
        let first = word.as_bytes().first().copied().unwrap_or(0);
        let mut f = if names.class_first[usize::from(first)]
            && names.class_shapes.may_contain(word.as_bytes())
        {
            names.class.get(word).copied().unwrap_or(0)
        } else {
            0
        };
        if starts_upper(word) {
            f |= CAP;
        }
        // Cheap byte tests first: particles start in lower case, suffixes
        // and regnal numbers are short capitalised words, initials end in a
        // dot.
        let b = word.as_bytes();
        if first.is_ascii_lowercase() && is_particle(word) {
            f |= PARTICLE;
        }
        if first.is_ascii_uppercase() && b.len() <= 4 {
            if is_suffix(word) {
                f |= SUFFIX;
            }
            if is_roman(word) {
                f |= ROMAN;
            }
        }
        if b.last() == Some(&b'.') && is_initial(word) {
            f |= INITIAL;
        }
        if f & CAP != 0 && is_shouting(word) {
            f |= SHOUT;
        }
        while h < hits.len() && hits[h].span.start < t.start {
            h += 1;
        }
        if hits.get(h).is_some_and(|x| x.span.start == t.start) {
            f |= HIT;
        }
        while r < role_starts.len() && role_starts[r] < t.start {
            r += 1;
        }
        if role_starts.get(r) == Some(&t.start) {
            f |= ROLE;
        }
        while w < role_words.len() && role_words[w] < t.start {
            w += 1;
        }
        if role_words.get(w) == Some(&t.start) {
            f |= ROLE_WORD;
        }
        if toks.get(k + 1).is_some_and(|n| joined(text, t, n)) {
            f |= JOIN_NEXT;
        }
        if k > 0 {
            let prev: u32 = info.get(k - 1).copied().unwrap_or(0);
            if prev & (GIVEN | INITIAL) != 0 && text.get(toks[k - 1].end..t.start) == Some(" ") {
                f |= AFTER_GIVEN;
            }
        }
        info.push(f);
    }
    info
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
    // The commonest answer, a lowercase letter after the capital, first.
    w.chars().all(|c| !c.is_lowercase())
        && w.chars().nth(1).is_some()
        && !w.contains('.')
        && !is_roman(w)
}

/// Whether a run of name words (given by their [`token_info`] flags) is a
/// person; returns how many leading words to drop (sentence-initial words
/// before a given name) and the confidence.
fn judge(run: &[u32]) -> Option<(usize, f32)> {
    for skip in 0..run.len() {
        let a = run[skip];
        if a & (NOT | SHOUT | SUFFIX) != 0 || (a & HIT != 0 && a & AFTER_GIVEN == 0) {
            continue;
        }
        // After an office any capitalised word is a name, except a polity or
        // place ("President of France").
        if a & ROLE != 0 {
            return Some((skip, 0.9));
        }
        let Some(&b) = run.get(skip + 1) else {
            if a & MONONYM != 0 {
                return Some((skip, 0.75));
            }
            continue;
        };
        if b & ROMAN != 0 && run.len() == skip + 2 {
            return Some((skip, 0.7));
        }
        if a & (GIVEN | INITIAL) != 0 {
            return Some((skip, 0.8));
        }
        if a & (EA_GIVEN | EA_FAMILY) != 0 || b & EA_GIVEN != 0 {
            return Some((skip, 0.75));
        }
    }
    None
}

/// The people of one document: each id's family name and first given name.
#[derive(Debug, Default)]
struct People {
    list: Vec<(String, Option<String>)>,
    by_family: FxMap<String, Vec<u32>>,
}

impl People {
    /// The id for a name: an earlier person with the same family name and a
    /// compatible given name ("Pichon" and "Stéphen Pichon"; "T. Roosevelt"
    /// and "Theodore Roosevelt"), else a new one ("Franklin Roosevelt" is
    /// not "Theodore Roosevelt").
    fn link(&mut self, family: String, given: Option<String>) -> u32 {
        let compatible = |a: &Option<String>, b: &Option<String>| match (a, b) {
            (Some(a), Some(b)) => {
                a == b || {
                    // An initial matches a name with that first letter.
                    let (x, y) = (a.trim_end_matches('.'), b.trim_end_matches('.'));
                    (x.chars().count() == 1 || y.chars().count() == 1)
                        && x.chars().next() == y.chars().next()
                }
            }
            _ => true,
        };
        if let Some(ids) = self.by_family.get(&family) {
            // The latest compatible person wins.
            for &id in ids.iter().rev() {
                let Some(entry) = self.list.get_mut(id as usize) else {
                    continue;
                };
                if compatible(&entry.1, &given) {
                    if entry.1.is_none() {
                        entry.1 = given;
                    }
                    return id;
                }
            }
        }
        let id = self.list.len() as u32;
        self.by_family.entry(family.clone()).or_default().push(id);
        self.list.push((family, given));
        id
    }

    fn family(&self, id: u32) -> Option<&str> {
        self.list.get(id as usize).map(|(f, _)| f.as_str())
    }
}

/// The parts that link forms of one name: the family name (the last word, or
/// the first for East Asian family-first order, or the whole name for a
/// regnal name such as "George III") and the first given name or initial.
fn name_parts(run: &[Token]) -> (String, Option<String>) {
    // Iterators over the run rather than collected lists: this runs once
    // per name found, and three small vectors per name showed in profiles.
    let words = || run.iter().map(|t| t.word);
    let joined = || words().collect::<Vec<_>>().join(" ");
    if run.last().is_some_and(|t| is_roman(t.word)) {
        return (joined(), None);
    }
    let core = || words().filter(|w| !is_suffix(w) && !is_particle(w));
    let mut full = core().filter(|w| !is_initial(w));
    match (full.next(), full.next_back()) {
        (None, _) => (joined(), None),
        (Some(one), None) => {
            // "J. Adams": the initial is the given name.
            let given = core().next().filter(|w| is_initial(w)).map(str::to_string);
            (one.to_string(), given)
        }
        (Some(first), Some(last)) => {
            let names = &*NAMES;
            let family_first = names.ea_family.contains(first)
                && !names.given.contains(first)
                && !names.ea_family.contains(last);
            if family_first || (names.ea_given.contains(last) && !names.ea_given.contains(first)) {
                (first.to_string(), Some(last.to_string()))
            } else {
                (last.to_string(), core().next().map(str::to_string))
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

    /// `follows_given_name` skips the lookup for words without a capital.
    #[test]
    fn given_names_start_with_a_capital() {
        for g in NAMES.given.iter() {
            assert!(g.chars().next().is_some_and(char::is_uppercase), "{g}");
        }
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
    fn different_given_names_are_different_people() {
        let text = "Theodore Roosevelt and Franklin Roosevelt; later T. Roosevelt, then Roosevelt.";
        let ids: Vec<u32> = find_in(text).iter().map(|(_, p)| p.person).collect();
        assert_eq!(ids.len(), 4, "{ids:?}");
        assert_ne!(ids[0], ids[1]);
        assert_eq!(ids[2], ids[0]);
        assert_eq!(ids[3], ids[0]);
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
    fn office_in_apposition() {
        let ms = find_in("signed by Wilhelm Aster, the Foreign Minister, and Taro Kono, the Japanese Ambassador in Paris.");
        let got: Vec<_> = ms
            .iter()
            .map(|(_, p)| (p.name.as_str(), p.office.as_deref(), p.polity.as_deref()))
            .collect();
        assert_eq!(
            got,
            [
                ("Wilhelm Aster", Some("Foreign Minister"), None),
                ("Taro Kono", Some("Ambassador"), Some("JPN"))
            ]
        );
        let ms = find_in("and Peter Orlin, the Minister of Foreign Affairs of Russia, agreed");
        assert_eq!(ms[0].1.office.as_deref(), Some("Foreign Minister"));
        assert_eq!(ms[0].1.polity.as_deref(), Some("RUS"));
    }

    /// The shortcut of `is_word_char` for general punctuation holds: no
    /// character there is a letter or a digit.
    #[test]
    fn general_punctuation_has_no_word_characters() {
        for c in ('\u{2000}'..='\u{206F}').chain(['a', 'é', '1', '’', '\'', '-', '.', ' ', '–'])
        {
            let slow = c.is_alphanumeric() || matches!(c, '\'' | '’' | '-' | '.');
            assert_eq!(is_word_char(c), slow, "{c:?}");
        }
    }

    /// The byte-pattern matchers accept exactly their words.
    #[test]
    fn word_lists_match_exactly() {
        let particles = [
            "de", "da", "das", "do", "dos", "du", "del", "della", "di", "van", "von", "der", "den",
            "ter", "la", "le", "bin", "ibn", "al", "el", "ap", "y", "of",
        ];
        let romans = [
            "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII", "XIII",
            "XIV", "XV", "XVI",
        ];
        for w in particles {
            assert!(is_particle(w), "{w}");
        }
        for w in romans {
            assert!(is_roman(w) && is_suffix(w), "{w}");
        }
        for w in ["Jr.", "Jr", "Sr.", "Sr", "Esq.", "Esq"] {
            assert!(is_suffix(w) && !is_roman(w), "{w}");
        }
        for w in [
            "", "D", "De", "dee", "dell", "ofx", "XVII", "IIII", "i", "Jr..", "jr",
        ] {
            assert!(!is_particle(w) && !is_roman(w) && !is_suffix(w), "{w}");
        }
    }

    /// The one-space shortcut of `joined` agrees with the general test.
    #[test]
    fn joined_shortcut_agrees() {
        let long = format!(
            "Anna Berg  Carl\nDora, Jr. Eva\n\nFritz Gus{}Hal{}Hum\u{b}Ida\u{a0}Jo. Kai,Lu \u{2003}\n Max, Ned  Ole ’ Per",
            " ".repeat(40),
            " ".repeat(41)
        );
        let text = long.as_str();
        let toks = tokens(text);
        let pairs = toks
            .iter()
            .enumerate()
            .flat_map(|(i, a)| toks[i + 1..].iter().map(move |b| (a, b)));
        for (a, b) in pairs {
            let gap = &text[a.end..b.start];
            let slow = gap == " "
                || (!gap.is_empty()
                    && if gap == ", " {
                        matches!(b.word, "Jr." | "Jr" | "Sr." | "Sr" | "Esq." | "Esq")
                    } else {
                        gap.chars().all(char::is_whitespace)
                            && gap.matches('\n').count() <= 1
                            && gap.len() <= 40
                    });
            assert_eq!(joined(text, a, b), slow, "{gap:?}");
        }
    }

    /// A word salad for the tokeniser properties: name words, particles,
    /// offices (both cases), given names, initials, suffixes, numbers,
    /// non-ASCII words and the gaps that join or part them.
    fn salad(picks: &[(usize, usize)]) -> String {
        const WORDS: [&str; 40] = [
            "de",
            "la",
            "von",
            "van",
            "der",
            "of",
            "y",
            "al",
            "della",
            "dell",
            "the",
            "and",
            "Juan",
            "Carlos",
            "Charles",
            "Gaulle",
            "Cruz",
            "Otto",
            "Bismarck",
            "President",
            "Baron",
            "Count",
            "Minister",
            "foreign minister",
            "ambassador",
            "King",
            "John",
            "George",
            "J.",
            "H.W.",
            "Jr.",
            "III",
            "1907",
            "Stéphen",
            "Éamon",
            "日本",
            "NATO",
            "O’Brien",
            "-de",
            "’s",
        ];
        const GAPS: [&str; 12] = [
            " ", " ", " ", "  ", "\n", " – ", ", ", ". ", "’s ", "-", "'", "\n\n",
        ];
        let mut text = String::new();
        for &(w, g) in picks {
            text.push_str(WORDS[w % WORDS.len()]);
            text.push_str(GAPS[g % GAPS.len()]);
        }
        text
    }

    proptest::proptest! {
        /// The bit tokeniser keeps every word the byte tokeniser keeps,
        /// except particles that start in lower case, which it keeps only
        /// after a token they are joined to.
        #[test]
        fn name_tokens_agree_with_the_byte_tokeniser(
            picks in proptest::collection::vec((0usize..40, 0usize..12), 0..60),
        ) {
            let text = salad(&picks);
            let bits = WordBits::of(&text);
            let new: Vec<(usize, usize)> =
                name_tokens(&text, &bits).iter().map(|t| (t.start, t.end)).collect();
            let old = tokens_where(&text, MAX_PARTICLE, name_word);
            let lower_particle = |t: &Token| t.word.as_bytes()[0].is_ascii_lowercase()
                && text.as_bytes()[t.start].is_ascii_lowercase();
            let must: Vec<(usize, usize)> = old
                .iter()
                .filter(|t| !lower_particle(t))
                .map(|t| (t.start, t.end))
                .collect();
            let all: Vec<(usize, usize)> = old.iter().map(|t| (t.start, t.end)).collect();
            proptest::prop_assert!(new.iter().all(|t| all.contains(t)), "{:?}", text);
            proptest::prop_assert!(must.iter().all(|t| new.contains(t)), "{:?}", text);
            proptest::prop_assert!(new.windows(2).all(|w| w[0].0 < w[1].0), "{:?}", text);
        }

        /// Persons found over the bit tokens, with the particles left out
        /// and those offices introduce added back, are those found over
        /// every word the byte tokeniser keeps.
        #[test]
        fn persons_agree_with_all_particles(
            picks in proptest::collection::vec((0usize..40, 0usize..12), 0..60),
        ) {
            let text = salad(&picks);
            let hits = gazetteer().scan(&text);
            let bits = WordBits::of(&text);
            let toks = name_tokens(&text, &bits);
            let new = find_raw_toks(&text, &hits, toks, Some(&bits));
            let old = find_raw_toks(&text, &hits, tokens_where(&text, MAX_PARTICLE, name_word), None);
            proptest::prop_assert_eq!(new, old, "{:?}", text);
        }
    }

    /// The eight-byte classes agree with the byte tests for every ASCII
    /// byte in every lane.
    #[test]
    fn ascii_classes_are_exact() {
        for b in 0..0x80u8 {
            for lane in 0..8 {
                let mut bytes = [b'a', b'.', b'Z', b'0', b' ', b'-', b'\'', b'@'];
                bytes[lane] = b;
                let (word, punct, lower_digit) = ascii_classes(u64::from_le_bytes(bytes));
                for (j, &c) in bytes.iter().enumerate() {
                    let bit = |m: u64| m >> (8 * j + 7) & 1 == 1;
                    assert_eq!(bit(word), ASCII_WORD[usize::from(c)], "{c:#x} lane {lane}");
                    assert_eq!(bit(punct), matches!(c, b'\'' | b'-' | b'.'), "{c:#x}");
                    assert_eq!(
                        bit(lower_digit),
                        c.is_ascii_lowercase() || c.is_ascii_digit(),
                        "{c:#x}"
                    );
                    assert_eq!((word | punct | lower_digit) >> (8 * j) & 0x7F, 0);
                }
            }
        }
    }

    proptest::proptest! {
        /// Tokens of a window read from the whole text's word bits are the
        /// tokens of the window's own slice, words cut at its edges too.
        #[test]
        fn window_tokens_from_bits_agree(
            picks in proptest::collection::vec((0usize..40, 0usize..12), 0..30),
            a in 0usize..400,
            b in 0usize..400,
        ) {
            let text = salad(&picks);
            let bits = WordBits::of(&text);
            let (mut from, mut to) = (a.min(b).min(text.len()), a.max(b).min(text.len()));
            while !text.is_char_boundary(from) {
                from -= 1;
            }
            while !text.is_char_boundary(to) {
                to += 1;
            }
            let mut got = Vec::new();
            tokens_in(&text, &bits, from, to, &mut got);
            let mut want = Vec::new();
            tokens_into(&text[from..to], &mut want);
            let got: Vec<(usize, usize, &str)> = got.iter().map(|t| (t.start, t.end, t.word)).collect();
            let want: Vec<(usize, usize, &str)> =
                want.iter().map(|t| (t.start + from, t.end + from, t.word)).collect();
            proptest::prop_assert_eq!(got, want, "{:?} {}..{}", text, from, to);
        }
    }

    /// `any_bit` and `next_bit` agree with a bit-by-bit look on every range
    /// of a three-word bitmap.
    #[test]
    fn bit_searches_agree_with_a_bit_loop() {
        let bits = [0x8000_0000_0000_0001u64, 0, 0x0000_0100_0010_0000];
        let bit = |i: usize| bits.get(i / 64).is_some_and(|b| b >> (i % 64) & 1 == 1);
        for from in 0..=200 {
            for to in from..=200 {
                let slow = (from..to).any(bit);
                assert_eq!(any_bit(&bits, from, to), slow, "{from}..{to}");
            }
            for limit in from..=200 {
                let one = (from..limit.min(192)).find(|&i| bit(i)).unwrap_or(limit);
                let zero = (from..limit.min(192)).find(|&i| !bit(i)).unwrap_or(limit);
                assert_eq!(next_bit(&bits, from, 0, limit), one, "{from} {limit}");
                assert_eq!(next_bit(&bits, from, !0, limit), zero, "{from} {limit}");
            }
        }
    }

    /// Word bits on a text longer than one bitmap word, with non-ASCII
    /// characters across the eight-byte and 64-byte steps.
    #[test]
    fn word_bits_match_char_classes() {
        let text = "Über Großbritannien’s de la Cruz — 日本 O’Brien, H.W. Jr. 1907-08 ".repeat(5);
        let mut bits = WordBits::default();
        bits.build(&text);
        for (i, c) in text.char_indices() {
            for j in i..i + c.len_utf8() {
                let w = any_bit(&bits.word, j, j + 1);
                let o = any_bit(&bits.odd, j, j + 1);
                assert_eq!(w, is_word_char(c), "{c:?} at {j}");
                assert_eq!(
                    o,
                    is_word_char(c) && !c.is_ascii_alphanumeric(),
                    "{c:?} at {j}"
                );
            }
        }
        assert!(!any_bit(&bits.word, text.len(), bits.word.len() * 64));
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
