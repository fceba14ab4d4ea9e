//! The rule data: trigger lexicons, modality cues, provision kinds, infobox
//! keys and indicator patterns, compiled in from `data/rules/*.tsv`.
//!
//! Rules are data so that a new inflection or a new kind of sentence is a line
//! in a file with an example beside it, not a code change.

use regex::{Regex, RegexBuilder, RegexSet, RegexSetBuilder};
use regex_automata::util::pool::Pool;
use regex_automata::{hybrid, meta, Anchored, Input};
use regex_syntax::hir::literal::Extractor;
use regex_syntax::hir::{Class, HirKind};
use std::collections::HashMap;
use std::sync::OnceLock;

const TRIGGERS: &str = include_str!("../../../data/rules/triggers.tsv");
const MODALITY: &str = include_str!("../../../data/rules/modality.tsv");
const PROVISIONS: &str = include_str!("../../../data/rules/provisions.tsv");
const INFOBOX: &str = include_str!("../../../data/rules/infobox.tsv");
const INDICATORS: &str = include_str!("../../../data/rules/indicators.tsv");
const BLOCKERS: &str = include_str!("../../../data/rules/blockers.tsv");
const NOT_AGREEMENTS: &str = include_str!("../../../data/rules/not_agreements.tsv");
/// The examples file the rule test runs.
pub const EXAMPLES: &str = include_str!("../../../data/rules/examples.tsv");

/// A rule file that does not parse. Carries the file and the 1-based line.
#[derive(Debug, thiserror::Error)]
pub enum RuleError {
    #[error("{file}:{line}: expected {expected} tab-separated columns")]
    Columns {
        file: &'static str,
        line: usize,
        expected: usize,
    },
    #[error("{file}:{line}: bad precision {value:?}")]
    Precision {
        file: &'static str,
        line: usize,
        value: String,
    },
    #[error("{file}:{line}: bad pattern: {message}")]
    Anchored {
        file: &'static str,
        line: usize,
        message: String,
    },
    #[error("{file}:{line}: bad pattern: {source}")]
    Pattern {
        file: &'static str,
        line: usize,
        #[source]
        source: Box<regex::Error>,
    },
}

/// One trigger rule: a predicate and the words that signal it.
#[derive(Debug, Clone)]
pub struct TriggerRule {
    /// Rule id, recorded on every claim the rule makes.
    pub id: String,
    /// `signed`, `ended`, ... or `event:KIND`.
    pub predicate: String,
    /// The rule's precision, the base of a claim's confidence.
    pub precision: f32,
    /// Run anchored at the places the literal pass found, or over the whole
    /// text. One compiled engine serves both: compiling each pattern twice
    /// (a `regex::Regex` beside it) was a fifth of every process's start-up.
    re: meta::Regex,
}

/// What a modality cue does to a trigger it governs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ModalEffect {
    /// No claim.
    Drop,
    /// The claim becomes this predicate instead.
    Becomes(String),
}

/// A modality cue ("proposed", "did not").
#[derive(Debug, Clone)]
pub struct ModalCue {
    pub effect: ModalEffect,
    re: Regex,
}

/// A provision kind and its cue words.
#[derive(Debug, Clone)]
pub struct ProvisionRule {
    pub kind: String,
    /// Run as a trigger rule's pattern is.
    re: meta::Regex,
}

/// An indicator pattern.
#[derive(Debug, Clone)]
pub struct IndicatorRule {
    pub name: String,
    /// Unit when the pattern has no currency group ("persons").
    pub unit: Option<String>,
    pub re: Regex,
}

/// All rule data.
#[derive(Debug, Default)]
pub struct Lexicon {
    pub triggers: Vec<TriggerRule>,
    pub modality: Vec<ModalCue>,
    pub provisions: Vec<ProvisionRule>,
    /// Case-folded infobox key -> predicate.
    pub infobox: Vec<(String, String)>,
    pub indicators: Vec<IndicatorRule>,
    /// Predicate -> patterns on the text after a trigger that block it.
    pub blockers: Vec<(String, Regex)>,
    /// Names that are not agreed instruments ("Roadmap on ...").
    pub not_agreements: Vec<Regex>,
    /// One pass for the words every trigger match and every provision cue
    /// starts with: rules `0..triggers.len()` are the triggers, the rest
    /// the provision cues, so that a sentence is scanned once for both.
    filter: Prefilter,
    /// The words each indicator pattern needs, for one pass over a
    /// sentence before any pattern runs.
    indicator_gate: Gate,
    /// The modality cues in one automaton, in file order: each trigger asks
    /// which cues match two short windows, one set search instead of a
    /// search per cue.
    modality_set: Option<RegexSet>,
    /// The `not_agreements` patterns in one automaton, asked of every name.
    not_agreement_set: Option<RegexSet>,
    /// The `not_agreements` patterns for anchored searches, behind their own
    /// literal pass: a name rarely holds one of their words, and the set
    /// search cost thousands of instructions per name.
    not_agreement_at: Vec<meta::Regex>,
    not_agreement_filter: Prefilter,
}

/// Where each trigger and provision rule can start a match in one text
/// ([`Lexicon::scan`]), for [`Lexicon::hits_with`] and
/// [`Lexicon::provisions_with`].
#[derive(Debug)]
pub struct Scan {
    /// `None` when every rule must run over the whole text (see
    /// [`Prefilter::starts`]); else the (rule, byte offset) pairs where one
    /// of a rule's literals starts, sorted and without repeats. One flat
    /// list: a vector per rule and sentence was the largest allocation of
    /// extraction (a tenth of its bytes).
    starts: Option<Vec<(usize, usize)>>,
}

/// Where one rule can start, from a [`Scan`]: `None` to run it over the
/// whole text, else the (rule, offset) pairs of that rule only.
type RuleStarts<'s> = Option<&'s [(usize, usize)]>;

/// A one-pass filter in front of a list of rule regexes.
///
/// Running each rule's regex over every sentence cost a fifth of the whole
/// pipeline (issue 7's profile), yet most rules cannot match most sentences:
/// every match of `(?:signed|signs|...)` starts with "sign". The literals
/// each match must start with are read off the patterns themselves
/// (`regex_syntax`'s prefix extractor), so the rule files stay the only
/// source of truth. One Aho-Corasick pass over a text says where each rule
/// can start; a rule runs only there, anchored (see `rule_matches`), and not
/// at all when none of its literals occurs. The regexes still decide, so the
/// hits are exactly those of running every rule over the whole text.
#[derive(Debug, Default)]
struct Prefilter {
    /// Every usable literal, matched ASCII-case-insensitively.
    ac: Option<Words>,
    /// Pattern id of `ac` -> the rules a match of that literal may start.
    owners: Vec<Vec<usize>>,
    /// The rules without such a literal set (a pattern that starts with
    /// `\w` or `.`), in increasing order: they always run over the whole
    /// text.
    always_rules: Vec<usize>,
}

/// Which of a list of patterns can match a text, judged by the words they
/// need: a pattern that is a sequence with a fixed word (or a choice of
/// fixed words) in it cannot match a text without one of them. "citizens"
/// in `\d+\s+(?:citizens|nationals)\s+in` is such a word; the digits
/// before it are not, and a search for the pattern steps through every
/// byte where the word search skips. The patterns still decide: the gate
/// only rules out those that cannot match.
#[derive(Debug, Default)]
struct Gate {
    /// Every needed word, matched ASCII-case-insensitively.
    ac: Option<Words>,
    /// Pattern id of `ac` -> the pattern that needs that word.
    owners: Vec<usize>,
    /// Per pattern: whether it has needed words (else it always runs).
    gated: Vec<bool>,
}

impl Gate {
    /// A gate for case-insensitive `patterns`.
    fn new<'p>(patterns: impl Iterator<Item = &'p str>) -> Gate {
        let mut words: Vec<Vec<u8>> = Vec::new();
        let mut owners = Vec::new();
        let mut gated = Vec::new();
        for (i, pat) in patterns.enumerate() {
            let needed = needed_words(pat);
            gated.push(needed.is_some());
            for w in needed.unwrap_or_default() {
                words.push(w);
                owners.push(i);
            }
        }
        // One automaton for all: one pass over a sentence answers for every
        // pattern (one automaton per pattern was measured slower).
        let ac = Words::new(&words);
        if ac.is_none() {
            gated.iter_mut().for_each(|g| *g = false);
        }
        Gate { ac, owners, gated }
    }

    /// Per pattern: whether it can match `text`.
    fn present(&self, text: &str) -> Vec<bool> {
        let mut out: Vec<bool> = self.gated.iter().map(|g| !g).collect();
        match &self.ac {
            // The case-insensitive patterns match the long s and the Kelvin
            // sign for "s" and "k"; the ASCII-folding word search does not.
            Some(ac) if !has_ascii_fold(text) => {
                let complete = ac.each(text, |w, _, _| {
                    if let Some(o) = self.owners.get(w).and_then(|&p| out.get_mut(p)) {
                        *o = true;
                    }
                });
                if !complete {
                    out.iter_mut().for_each(|o| *o = true);
                }
            }
            _ => out.iter_mut().for_each(|o| *o = true),
        }
        out
    }
}

/// The words `pattern` cannot match without, one of which must occur: the
/// longest fixed word or choice of fixed words among the parts of its
/// top-level sequence. `None` when it has no such part, or one that is
/// not plain ASCII (the ASCII-case-insensitive search would not be exact).
fn needed_words(pattern: &str) -> Option<Vec<Vec<u8>>> {
    use regex_syntax::hir::{Hir, HirKind};
    fn strip(h: &Hir) -> &Hir {
        match h.kind() {
            HirKind::Capture(c) => strip(&c.sub),
            _ => h,
        }
    }
    fn words(h: &Hir) -> Option<Vec<Vec<u8>>> {
        let ascii = |b: &[u8]| !b.is_empty() && b.is_ascii();
        match strip(h).kind() {
            HirKind::Literal(l) if ascii(&l.0) => Some(vec![l.0.to_vec()]),
            HirKind::Alternation(alts) => alts
                .iter()
                .map(|a| match strip(a).kind() {
                    HirKind::Literal(l) if ascii(&l.0) => Some(l.0.to_vec()),
                    _ => None,
                })
                .collect(),
            _ => None,
        }
    }
    let hir = regex_syntax::parse(pattern).ok()?;
    let parts: Vec<&Hir> = match strip(&hir).kind() {
        HirKind::Concat(parts) => parts.iter().collect(),
        _ => vec![&hir],
    };
    parts
        .into_iter()
        .filter_map(words)
        .max_by_key(|w| w.iter().map(Vec::len).min().unwrap_or(0))
}

/// A set of ASCII words, found ASCII-case-insensitively wherever they
/// start, as an overlapping search finds them: every word at every place.
///
/// An overlapping Aho-Corasick search steps through its automaton one byte
/// at a time and was the costliest part of extraction. This runs a lazy
/// DFA's unrolled leftmost-first search instead, over the words longest
/// first, and loses nothing: every word that matches where the found one
/// starts is a prefix of it (known when the set is built), and the next
/// search starts one byte after that start, so a word starting inside the
/// match is still found. The DFA is lazy because a dense one took 100 ms
/// to build, which a one-file ingest would wait for.
#[derive(Debug)]
pub(crate) struct Words {
    dfa: hybrid::dfa::DFA,
    caches: Pool<hybrid::dfa::Cache, CacheFn>,
    /// DFA pattern id -> word index (the DFA has them longest first).
    order: Vec<usize>,
    /// Per word: the words that are prefixes of it (itself included),
    /// ignoring ASCII case.
    prefixes: Vec<Vec<usize>>,
    lens: Vec<usize>,
}

type CacheFn = Box<dyn Fn() -> hybrid::dfa::Cache + Send + Sync>;

impl Words {
    /// `None` if a word is empty or not ASCII, or the DFA cannot be built.
    pub(crate) fn new<W: AsRef<[u8]>>(words: &[W]) -> Option<Words> {
        let lower: Vec<Vec<u8>> = words
            .iter()
            .map(|w| w.as_ref().to_ascii_lowercase())
            .collect();
        let mut order: Vec<usize> = (0..lower.len()).collect();
        order.sort_by_key(|&i| std::cmp::Reverse(lower.get(i).map_or(0, Vec::len)));
        let patterns = order
            .iter()
            .map(|&i| {
                let w = std::str::from_utf8(lower.get(i)?).ok()?;
                (w.is_ascii() && !w.is_empty()).then(|| regex_syntax::escape(w))
            })
            .collect::<Option<Vec<String>>>()?;
        let dfa = hybrid::dfa::DFA::builder()
            .configure(
                hybrid::dfa::Config::new().match_kind(regex_automata::MatchKind::LeftmostFirst),
            )
            .syntax(
                regex_automata::util::syntax::Config::new()
                    .case_insensitive(true)
                    .unicode(false)
                    .utf8(false),
            )
            .thompson(regex_automata::nfa::thompson::Config::new().utf8(false))
            .build_many(&patterns)
            .ok()?;
        let for_caches = dfa.clone();
        let caches = Pool::new(Box::new(move || for_caches.create_cache()) as CacheFn);
        let prefixes = lower
            .iter()
            .map(|w| {
                (0..lower.len())
                    .filter(|&j| lower.get(j).is_some_and(|p| w.starts_with(p)))
                    .collect()
            })
            .collect();
        let lens = lower.iter().map(Vec::len).collect();
        Some(Words {
            dfa,
            caches,
            order,
            prefixes,
            lens,
        })
    }

    /// Calls `f(word, start, end)` for every word at every place in `text`,
    /// in order of start (words at one start in no particular order).
    /// Returns false if the search stopped early, which this DFA's
    /// configuration rules out (no quit bytes, no cache give-up): the
    /// caller then treats every word as possibly present.
    #[must_use]
    pub(crate) fn each(&self, text: &str, mut f: impl FnMut(usize, usize, usize)) -> bool {
        let mut cache = self.caches.get();
        let mut input = Input::new(text);
        loop {
            let m = match self.dfa.try_search_fwd(&mut cache, &input) {
                Ok(Some(m)) => m,
                Ok(None) => return true,
                Err(_) => return false,
            };
            let Some(&found) = self.order.get(m.pattern().as_usize()) else {
                return false;
            };
            let start = m
                .offset()
                .saturating_sub(self.lens.get(found).copied().unwrap_or(0));
            for &w in self.prefixes.get(found).map_or(&[][..], |v| v) {
                f(w, start, start + self.lens.get(w).copied().unwrap_or(0));
            }
            if start + 1 >= text.len() {
                return true;
            }
            input.set_start(start + 1);
        }
    }
}

/// Whether `text` holds a character of [`folds_to_ascii`]. Only its
/// non-ASCII characters are looked up: this runs for every sentence.
pub(crate) fn has_ascii_fold(text: &str) -> bool {
    // There are two such characters: a substring search for each (memchr
    // on its last byte) is far cheaper than decoding every character of
    // every sentence that holds a curly quote.
    !text.is_ascii() && folds_to_ascii().iter().any(|&c| text.contains(c))
}

/// The non-ASCII characters that a case-insensitive pattern matches for an
/// ASCII letter (the long s for "s", the Kelvin sign for "k"). The literal
/// pass folds ASCII case only, so a text holding one of them runs every
/// rule. Computed from the regex crate's own case tables.
pub(crate) fn folds_to_ascii() -> &'static [char] {
    static F: OnceLock<Vec<char>> = OnceLock::new();
    F.get_or_init(|| {
        let mut out = Vec::new();
        if let Ok(hir) = regex_syntax::parse("(?i)[a-z]") {
            if let HirKind::Class(Class::Unicode(c)) = hir.kind() {
                for r in c.iter() {
                    out.extend((r.start()..=r.end()).filter(|ch| !ch.is_ascii()));
                }
            }
        }
        out
    })
}

impl Prefilter {
    /// A filter for `patterns` (the full patterns as compiled, without the
    /// case-insensitive flag).
    fn new(patterns: &[String]) -> Prefilter {
        let mut ids: HashMap<Vec<u8>, usize> = HashMap::new();
        let mut literals: Vec<Vec<u8>> = Vec::new();
        let mut owners: Vec<Vec<usize>> = Vec::new();
        let mut always = vec![false; patterns.len()];
        for (rule, pat) in patterns.iter().enumerate() {
            let Some(lits) = prefix_literals(pat) else {
                if let Some(a) = always.get_mut(rule) {
                    *a = true;
                }
                continue;
            };
            for lit in lits {
                let id = *ids.entry(lit.clone()).or_insert_with(|| {
                    literals.push(lit);
                    owners.push(Vec::new());
                    owners.len() - 1
                });
                if let Some(o) = owners.get_mut(id) {
                    o.push(rule);
                }
            }
        }
        let ac = Words::new(&literals);
        if ac.is_none() {
            // Cannot happen with byte literals; if it did, run everything.
            always = vec![true; patterns.len()];
        }
        let always_rules = (0..patterns.len())
            .filter(|&r| always.get(r).copied().unwrap_or(true))
            .collect();
        Prefilter {
            ac,
            owners,
            always_rules,
        }
    }

    /// Where each rule can start a match in `text`: `None` when every rule
    /// must be run the ordinary way (a text with a character that folds to
    /// an ASCII letter), else the sorted (rule, byte offset) pairs where one
    /// of a rule's literals starts. Rules without literals have no pairs;
    /// [`Prefilter::rule_starts`] tells them apart.
    fn starts(&self, text: &str) -> Option<Vec<(usize, usize)>> {
        let folds = has_ascii_fold(text);
        let (Some(ac), false) = (&self.ac, folds) else {
            return None;
        };
        let mut out = Vec::new();
        let complete = ac.each(text, |w, start, _| {
            for &r in self.owners.get(w).map_or(&[][..], |v| v) {
                out.push((r, start));
            }
        });
        if !complete {
            return None;
        }
        out.sort_unstable();
        out.dedup();
        Some(out)
    }

    /// The rules of `first..first + n` (filter indices) that can match the
    /// text of `scan`, in increasing order, each with where it can start
    /// (`None`: over the whole text), and numbered from `first`. A rule
    /// with no literal in the text is left out: it cannot match.
    ///
    /// One walk over the sorted pairs and the always-run rules: a pair of
    /// binary searches per rule and sentence was the heaviest part of
    /// finding the triggers on prose, where most rules have no pair.
    fn runs<'s>(
        &'s self,
        scan: &'s Scan,
        first: usize,
        n: usize,
    ) -> impl Iterator<Item = (usize, RuleStarts<'s>)> + 's {
        let end = first + n;
        let (mut pairs, mut always, every): (&[(usize, usize)], &[usize], _) =
            match scan.starts.as_deref() {
                None => (&[], &[], Some(first..end)),
                Some(pairs) => {
                    let lo = pairs.partition_point(|p| p.0 < first);
                    let hi = pairs.partition_point(|p| p.0 < end);
                    let a_lo = self.always_rules.partition_point(|&r| r < first);
                    let a_hi = self.always_rules.partition_point(|&r| r < end);
                    (
                        pairs.get(lo..hi).unwrap_or(&[]),
                        self.always_rules.get(a_lo..a_hi).unwrap_or(&[]),
                        None,
                    )
                }
            };
        let walk = std::iter::from_fn(move || {
            // A rule runs either everywhere or at its literals, never both.
            let take_pair = match (pairs.first(), always.first()) {
                (Some(p), Some(&a)) => p.0 < a,
                (Some(_), None) => true,
                (None, Some(_)) => false,
                (None, None) => return None,
            };
            if take_pair {
                let p = pairs.first()?.0;
                let k = pairs.iter().take_while(|q| q.0 == p).count();
                let (group, rest) = pairs.split_at(k);
                pairs = rest;
                Some((p - first, Some(group)))
            } else {
                let a = *always.first()?;
                always = always.get(1..).unwrap_or(&[]);
                Some((a - first, None))
            }
        });
        every
            .into_iter()
            .flatten()
            .map(move |r| (r - first, None))
            .chain(walk)
    }
}

/// Every match of every rule in `text`, as (rule index, start, end), in
/// rule order: only the rules the literal pass leaves in are run. `runs`
/// gives them with the literal pass's result for each (see
/// [`Prefilter::runs`]).
fn filtered_matches<'s, R>(
    runs: impl Iterator<Item = (usize, RuleStarts<'s>)>,
    rules: &[R],
    text: &str,
    regex: impl Fn(&R) -> &meta::Regex,
) -> Vec<(usize, usize, usize)> {
    let mut out = Vec::new();
    for (i, at) in runs {
        let Some(r) = rules.get(i) else { continue };
        out.extend(
            rule_matches(regex(r), at, text)
                .into_iter()
                .map(|(start, end)| (i, start, end)),
        );
    }
    out
}

/// The matches of one rule in `text`, as `re.find_iter` gives them: where
/// the literal pass found its possible starts, an anchored search at each
/// start in turn (a start inside the previous match is skipped, as
/// `find_iter` resumes after a match). Every match starts at one of these
/// places, and a leftmost-first search finds at its leftmost start what an
/// anchored search there finds, so the result is the same, for far less
/// scanning than a search over the whole sentence.
fn rule_matches(re: &meta::Regex, starts: RuleStarts<'_>, text: &str) -> Vec<(usize, usize)> {
    match starts {
        Some(starts) => anchored_matches(re, starts.iter().map(|p| p.1), text),
        None => re.find_iter(text).map(|m| (m.start(), m.end())).collect(),
    }
}

/// The matches of `re` in `text` from an anchored search at each of the
/// sorted `starts` in turn; a start inside the previous match is skipped,
/// as `find_iter` resumes after a match. When every match starts at one of
/// `starts`, this is `find_iter`'s result (see [`rule_matches`]). The
/// patterns never match empty, so a match always moves the search on.
pub(crate) fn anchored_matches(
    re: &meta::Regex,
    starts: impl Iterator<Item = usize>,
    text: &str,
) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut resume = 0;
    for at in starts {
        if at < resume || at > text.len() {
            continue;
        }
        let input = Input::new(text).range(at..).anchored(Anchored::Yes);
        if let Some(m) = re.search(&input) {
            out.push((m.start(), m.end()));
            resume = m.end().max(at + 1);
        }
    }
    out
}

/// The literals every match of `pattern` starts with, cut at their first
/// non-ASCII byte (the pass folds ASCII case only; a shorter prefix is still
/// a prefix). `None` when there is no such finite set, or when one literal
/// would be empty, since then any position can start a match.
fn prefix_literals(pattern: &str) -> Option<Vec<Vec<u8>>> {
    let hir = regex_syntax::parse(pattern).ok()?;
    let seq = Extractor::new().extract(&hir);
    let mut out = Vec::new();
    for lit in seq.literals()? {
        let bytes = lit.as_bytes();
        let ascii = bytes
            .iter()
            .position(|b| !b.is_ascii())
            .unwrap_or(bytes.len());
        let cut = bytes.get(..ascii)?;
        if cut.is_empty() {
            return None;
        }
        out.push(cut.to_vec());
    }
    (!out.is_empty()).then_some(out)
}

/// A trigger found in a text: byte range relative to that text.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    /// Index into [`Lexicon::triggers`].
    pub rule: usize,
    pub start: usize,
    pub end: usize,
    /// The predicate after modality (a cue may change it).
    pub predicate: String,
}

fn rows(text: &str) -> impl Iterator<Item = (usize, Vec<&str>)> {
    text.lines().enumerate().filter_map(|(i, l)| {
        let l = l.trim_end_matches('\r');
        if l.trim().is_empty() || l.starts_with('#') {
            None
        } else {
            Some((i + 1, l.split('\t').collect()))
        }
    })
}

/// `pat` with every word boundary `\b` made an ASCII one, `(?-u:\b)`.
///
/// Why: with a Unicode `\b`, the regex crate's lazy DFA gives up at the
/// first non-ASCII byte of the text (a curly quote, a dash, an accented
/// name), and the whole sentence then runs through the far slower NFA
/// engines; that was a fifth of extraction time. Rule words are English, so
/// the two kinds of boundary differ only beside a non-ASCII letter, which
/// the ASCII one treats as a non-word character. A pattern that must end
/// after a non-ASCII letter ("communiqué") leaves the boundary out.
pub(crate) fn ascii_word_boundaries(pat: &str) -> String {
    let mut out = String::with_capacity(pat.len() + 16);
    let mut chars = pat.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        // An escape: `\b` is rewritten, any other (including `\\`) is kept
        // whole, so that `\\b` (a backslash, then "b") stays as it is.
        match chars.next() {
            Some('b') => out.push_str(r"(?-u:\b)"),
            Some(n) => {
                out.push(c);
                out.push(n);
            }
            None => out.push(c),
        }
    }
    out
}

/// A pattern written in the code (not a rule file), compiled once: ASCII
/// word boundaries (see [`ascii_word_boundaries`]), and room for a lazy DFA
/// of 32 MB. Patterns with Unicode letter classes on every word build large
/// DFAs; with the default 2 MB their states were cleared and rebuilt over and
/// over. `None` for a pattern that does not compile (a test compiles each).
pub(crate) fn code_regex(pattern: &str) -> Option<Regex> {
    RegexBuilder::new(&ascii_word_boundaries(pattern))
        .dfa_size_limit(32 << 20)
        .build()
        .ok()
}

/// [`code_regex`] as the engine under `regex::Regex`, for anchored
/// searches.
pub(crate) fn code_meta(pattern: &str) -> Option<meta::Regex> {
    meta::Regex::builder()
        .configure(meta::Config::new().hybrid_cache_capacity(32 << 20))
        .build(&ascii_word_boundaries(pattern))
        .ok()
}

/// The pattern as compiled. Word boundaries make "signed" miss "designed";
/// patterns anchored with `^` (headings) keep their anchor.
fn full_pattern(pat: &str, words: bool) -> String {
    if words {
        ascii_word_boundaries(&format!(r"(?:\b|^){pat}\b"))
    } else {
        ascii_word_boundaries(pat)
    }
}

/// The pattern of `compile` as the engine under `regex::Regex`, with the
/// same syntax (case-insensitive, Unicode), for anchored searches too.
fn compile_meta(
    file: &'static str,
    line: usize,
    pat: &str,
    words: bool,
) -> Result<meta::Regex, RuleError> {
    meta::Regex::builder()
        .syntax(regex_automata::util::syntax::Config::new().case_insensitive(true))
        .build(&full_pattern(pat, words))
        .map_err(|e| RuleError::Anchored {
            file,
            line,
            message: e.to_string(),
        })
}

/// Compiled patterns as one set, built as `compile` builds each of them.
/// `None` (it cannot happen once each pattern has compiled) makes the
/// callers run the patterns one by one.
fn set_of<'r>(patterns: impl Iterator<Item = &'r Regex>) -> Option<RegexSet> {
    RegexSetBuilder::new(patterns.map(Regex::as_str))
        .case_insensitive(true)
        .build()
        .ok()
}

fn compile(file: &'static str, line: usize, pat: &str, words: bool) -> Result<Regex, RuleError> {
    let full = full_pattern(pat, words);
    RegexBuilder::new(&full)
        .case_insensitive(true)
        .build()
        .map_err(|e| RuleError::Pattern {
            file,
            line,
            source: Box::new(e),
        })
}

impl Lexicon {
    /// Parses the compiled-in rule files.
    pub fn parse_builtin() -> Result<Lexicon, RuleError> {
        let mut lex = Lexicon::default();
        let mut trigger_patterns = Vec::new();
        let mut provision_patterns = Vec::new();
        let mut not_agreement_patterns = Vec::new();
        for (line, cols) in rows(TRIGGERS) {
            let [id, predicate, precision, pattern] = cols[..] else {
                return Err(RuleError::Columns {
                    file: "triggers.tsv",
                    line,
                    expected: 4,
                });
            };
            let precision: f32 = precision.parse().map_err(|_| RuleError::Precision {
                file: "triggers.tsv",
                line,
                value: precision.to_string(),
            })?;
            lex.triggers.push(TriggerRule {
                id: id.to_string(),
                predicate: predicate.to_string(),
                precision,
                re: compile_meta("triggers.tsv", line, pattern, true)?,
            });
            trigger_patterns.push(full_pattern(pattern, true));
        }
        for (line, cols) in rows(MODALITY) {
            let [cue, effect] = cols[..] else {
                return Err(RuleError::Columns {
                    file: "modality.tsv",
                    line,
                    expected: 2,
                });
            };
            let effect = if effect == "drop" {
                ModalEffect::Drop
            } else {
                ModalEffect::Becomes(effect.to_string())
            };
            lex.modality.push(ModalCue {
                effect,
                re: compile("modality.tsv", line, cue, true)?,
            });
        }
        for (line, cols) in rows(PROVISIONS) {
            let [kind, pattern] = cols[..] else {
                return Err(RuleError::Columns {
                    file: "provisions.tsv",
                    line,
                    expected: 2,
                });
            };
            lex.provisions.push(ProvisionRule {
                kind: kind.to_string(),
                re: compile_meta("provisions.tsv", line, pattern, true)?,
            });
            provision_patterns.push(full_pattern(pattern, true));
        }
        for (line, cols) in rows(INFOBOX) {
            let [key, predicate] = cols[..] else {
                return Err(RuleError::Columns {
                    file: "infobox.tsv",
                    line,
                    expected: 2,
                });
            };
            lex.infobox
                .push((key.to_lowercase(), predicate.to_string()));
        }
        for (line, cols) in rows(INDICATORS) {
            let [name, unit, pattern] = cols[..] else {
                return Err(RuleError::Columns {
                    file: "indicators.tsv",
                    line,
                    expected: 3,
                });
            };
            lex.indicators.push(IndicatorRule {
                name: name.to_string(),
                unit: (unit != "-").then(|| unit.to_string()),
                re: compile("indicators.tsv", line, pattern, false)?,
            });
        }
        for (line, cols) in rows(BLOCKERS) {
            let [predicate, pattern] = cols[..] else {
                return Err(RuleError::Columns {
                    file: "blockers.tsv",
                    line,
                    expected: 2,
                });
            };
            lex.blockers.push((
                predicate.to_string(),
                compile("blockers.tsv", line, pattern, false)?,
            ));
        }
        for (line, cols) in rows(NOT_AGREEMENTS) {
            let [pattern] = cols[..] else {
                return Err(RuleError::Columns {
                    file: "not_agreements.tsv",
                    line,
                    expected: 1,
                });
            };
            lex.not_agreements
                .push(compile("not_agreements.tsv", line, pattern, false)?);
            lex.not_agreement_at
                .push(compile_meta("not_agreements.tsv", line, pattern, false)?);
            not_agreement_patterns.push(full_pattern(pattern, false));
        }
        trigger_patterns.extend(provision_patterns);
        lex.not_agreement_set = set_of(lex.not_agreements.iter());
        lex.modality_set = set_of(lex.modality.iter().map(|c| &c.re));
        lex.indicator_gate = Gate::new(lex.indicators.iter().map(|r| r.re.as_str()));
        lex.filter = Prefilter::new(&trigger_patterns);
        lex.not_agreement_filter = Prefilter::new(&not_agreement_patterns);
        Ok(lex)
    }

    /// The indicator rules worth running on `text`: those patterns need a
    /// digit.
    pub fn indicators_in(&self, text: &str) -> Vec<&IndicatorRule> {
        if !text.bytes().any(|b| b.is_ascii_digit()) {
            return Vec::new();
        }
        let present = self.indicator_gate.present(text);
        self.indicators
            .iter()
            .zip(present)
            .filter(|(r, maybe)| *maybe && r.re.is_match(text))
            .map(|(r, _)| r)
            .collect()
    }

    /// Whether a name is not an agreed instrument ("Roadmap on X").
    pub fn not_agreement(&self, name: &str) -> bool {
        let scan = Scan {
            starts: self.not_agreement_filter.starts(name),
        };
        if scan.starts.is_some() {
            let f = &self.not_agreement_filter;
            return !filtered_matches(
                f.runs(&scan, 0, self.not_agreement_at.len()),
                &self.not_agreement_at,
                name,
                |r| r,
            )
            .is_empty();
        }
        match &self.not_agreement_set {
            Some(set) => set.is_match(name),
            None => self.not_agreements.iter().any(|re| re.is_match(name)),
        }
    }

    /// The trigger rule behind a hit.
    pub fn rule(&self, i: usize) -> Option<&TriggerRule> {
        self.triggers.get(i)
    }

    /// Triggers in `text` after modality, in order of appearance. Where two
    /// triggers overlap the longer wins ("open negotiations" over
    /// "negotiations"), since it is the more specific reading.
    pub fn hits(&self, text: &str) -> Vec<Hit> {
        self.hits_with(text, &self.scan(text))
    }

    /// The literal pass over `text` for both the triggers and the
    /// provision cues.
    pub fn scan(&self, text: &str) -> Scan {
        Scan {
            starts: self.filter.starts(text),
        }
    }

    /// [`Lexicon::hits`] with the literal pass already run (`scan` is of
    /// this `text`).
    pub fn hits_with(&self, text: &str, scan: &Scan) -> Vec<Hit> {
        let mut raw: Vec<Hit> = Vec::new();
        // A RegexSet over all rules was measured slower (its DFA does not
        // fit the cache with these Unicode classes); the literal pass picks
        // the few rules worth running instead.
        for (i, start, end) in filtered_matches(
            self.filter.runs(scan, 0, self.triggers.len()),
            &self.triggers,
            text,
            |r| &r.re,
        ) {
            if let Some(r) = self.triggers.get(i) {
                raw.push(Hit {
                    rule: i,
                    start,
                    end,
                    predicate: r.predicate.clone(),
                });
            }
        }
        raw.sort_by_key(|h| (h.start, std::cmp::Reverse(h.end)));
        let mut kept: Vec<Hit> = Vec::new();
        for h in raw {
            let overlapping: Vec<usize> = kept
                .iter()
                .enumerate()
                .filter(|(_, k)| h.start < k.end && k.start < h.end)
                .map(|(i, _)| i)
                .collect();
            if overlapping.is_empty() {
                kept.push(h);
            } else if overlapping.iter().all(|&i| {
                kept.get(i)
                    .is_some_and(|k| k.end - k.start < h.end - h.start)
            }) {
                for &i in overlapping.iter().rev() {
                    kept.remove(i);
                }
                kept.push(h);
            }
        }
        kept.sort_by_key(|h| h.start);
        let mut out = Vec::new();
        for mut h in kept {
            // A long trigger can hold its own negation or state verb
            // ("relations with France were not broken", "relations remain
            // severed"): no event happened.
            let inner = text.get(h.start..h.end).unwrap_or("");
            if self
                .modality_matches(inner)
                .iter()
                .any(|c| c.effect == ModalEffect::Drop)
            {
                continue;
            }
            match self.modality_before(text, h.start) {
                Some(ModalEffect::Drop) => continue,
                Some(ModalEffect::Becomes(p)) => h.predicate = p,
                None => {}
            }
            if self.blocked(text, &h) {
                continue;
            }
            out.push(h);
        }
        out
    }

    /// The modality cue governing a trigger at `pos`: a cue within the few
    /// words before it, in the same clause. Only a short window counts, so
    /// "would" in one clause does not negate a later verb.
    fn modality_before(&self, text: &str, pos: usize) -> Option<ModalEffect> {
        let before = text.get(..pos)?;
        // Clause start: the last clause punctuation before the trigger.
        let clause_start = before
            .rfind([';', ':', '(', '“', '"', '.'])
            .map(|i| i + 1)
            .unwrap_or(0);
        let clause = before.get(clause_start..)?;
        // Keep the last five words (walked from the end: no list of every
        // word of the clause for each trigger).
        let window_start = clause
            .split_whitespace()
            .rev()
            .take(5)
            .last()
            .map_or(clause.len(), |w| {
                w.as_ptr() as usize - clause.as_ptr() as usize
            });
        let window = clause.get(window_start..)?;
        // A comma ends the cue's reach ("which he proposed, was signed").
        let window = window.rsplit(',').next().unwrap_or(window);
        self.modality_matches(window)
            .first()
            .map(|c| c.effect.clone())
    }

    /// The modality cues that match `text`, in file order.
    fn modality_matches(&self, text: &str) -> Vec<&ModalCue> {
        match &self.modality_set {
            Some(set) => set
                .matches(text)
                .into_iter()
                .filter_map(|i| self.modality.get(i))
                .collect(),
            None => self
                .modality
                .iter()
                .filter(|c| c.re.is_match(text))
                .collect(),
        }
    }

    /// Whether the words after a hit show it is not its predicate
    /// ("recognised Russia's interests" is no recognition of a state).
    fn blocked(&self, text: &str, h: &Hit) -> bool {
        let mut end = (h.end + 60).min(text.len());
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        let after = text.get(h.end..end).unwrap_or("");
        let mut start = h.start.saturating_sub(40);
        while !text.is_char_boundary(start) {
            start += 1;
        }
        let before = text.get(start..h.start).unwrap_or("");
        let own = text.get(h.start..h.end).unwrap_or("");
        self.blockers.iter().any(|(p, re)| {
            if let Some(p) = p.strip_prefix("before:") {
                p == h.predicate && re.is_match(before)
            } else if let Some(p) = p.strip_prefix("around:") {
                p == h.predicate && (re.is_match(before) || re.is_match(own))
            } else {
                *p == h.predicate && re.is_match(after)
            }
        })
    }

    /// The provision kinds cued in `text`, with their byte ranges.
    pub fn provisions_in(&self, text: &str) -> Vec<(String, usize, usize)> {
        self.provisions_with(text, &self.scan(text))
    }

    /// [`Lexicon::provisions_in`] with the literal pass already run (`scan`
    /// is of this `text`).
    pub fn provisions_with(&self, text: &str, scan: &Scan) -> Vec<(String, usize, usize)> {
        let mut out = Vec::new();
        for (i, start, end) in filtered_matches(
            self.filter
                .runs(scan, self.triggers.len(), self.provisions.len()),
            &self.provisions,
            text,
            |r| &r.re,
        ) {
            if let Some(r) = self.provisions.get(i) {
                out.push((r.kind.clone(), start, end));
            }
        }
        out.sort_by_key(|x| x.1);
        out
    }

    /// The predicate an infobox key maps to.
    pub fn infobox_predicate(&self, key: &str) -> Option<&str> {
        let k = key.trim().trim_end_matches(':').trim().to_lowercase();
        self.infobox
            .iter()
            .find(|(key, _)| *key == k)
            .map(|(_, p)| p.as_str())
    }
}

/// The compiled-in lexicon. A parse failure (a bug the rule test catches)
/// gives an empty lexicon rather than a panic.
pub fn lexicon() -> &'static Lexicon {
    static LEX: OnceLock<Lexicon> = OnceLock::new();
    LEX.get_or_init(|| Lexicon::parse_builtin().unwrap_or_default())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn rule_files_parse() {
        let lex = Lexicon::parse_builtin().unwrap();
        assert!(lex.triggers.len() > 20);
        assert!(!lex.modality.is_empty());
        assert!(!lex.provisions.is_empty());
    }

    #[test]
    fn examples_file_holds() {
        let lex = Lexicon::parse_builtin().unwrap();
        let mut n = 0;
        for (line, cols) in rows(EXAMPLES) {
            let [sentence, expected] = cols[..] else {
                panic!("examples.tsv:{line}: expected 2 columns");
            };
            let got: Vec<String> = lex
                .hits(sentence)
                .into_iter()
                .map(|h| h.predicate)
                .collect();
            let want: Vec<String> = if expected == "-" {
                Vec::new()
            } else {
                expected.split(',').map(|s| s.trim().to_string()).collect()
            };
            assert_eq!(got, want, "examples.tsv:{line}: {sentence}");
            n += 1;
        }
        assert!(n >= 20);
    }

    /// Every rule's matches through the literal pass, against its plain
    /// `find_iter` over the whole text, for the triggers, the provision
    /// cues and the not-an-agreement patterns.
    fn assert_filter_agrees(lex: &Lexicon, text: &str) {
        let scan = lex.scan(text);
        let check = |runs: Vec<(usize, RuleStarts<'_>)>, rules: Vec<(&meta::Regex, &str)>| {
            // Each rule at most once, in increasing order.
            assert!(
                runs.windows(2).all(|w| w[0].0 < w[1].0),
                "order on {text:?}"
            );
            let plain: Vec<(usize, usize, usize)> = rules
                .iter()
                .enumerate()
                .flat_map(|(i, (re, _))| re.find_iter(text).map(move |m| (i, m.start(), m.end())))
                .collect();
            let got = filtered_matches(runs.into_iter(), &rules, text, |r| r.0);
            assert_eq!(got, plain, "on {text:?}");
        };
        check(
            lex.filter.runs(&scan, 0, lex.triggers.len()).collect(),
            lex.triggers
                .iter()
                .map(|r| (&r.re, r.id.as_str()))
                .collect(),
        );
        check(
            lex.filter
                .runs(&scan, lex.triggers.len(), lex.provisions.len())
                .collect(),
            lex.provisions
                .iter()
                .map(|r| (&r.re, r.kind.as_str()))
                .collect(),
        );
        let scan = Scan {
            starts: lex.not_agreement_filter.starts(text),
        };
        check(
            lex.not_agreement_filter
                .runs(&scan, 0, lex.not_agreement_at.len())
                .collect(),
            lex.not_agreement_at
                .iter()
                .map(|r| (r, "not_agreement"))
                .collect(),
        );
    }

    #[test]
    fn word_boundaries_become_ascii_ones() {
        assert_eq!(
            ascii_word_boundaries(r"\bsigned\b"),
            r"(?-u:\b)signed(?-u:\b)"
        );
        // Other escapes, and an escaped backslash before a "b", stay.
        assert_eq!(ascii_word_boundaries(r"\d\s\\b\B"), r"\d\s\\b\B");
        assert_eq!(ascii_word_boundaries("trailing\\"), "trailing\\");
        // Still a boundary between English words, beside curly quotes and
        // dashes; "designed" still holds no "signed".
        let re = Regex::new(&ascii_word_boundaries(r"(?i)\bsigned\b")).unwrap();
        assert!(re.is_match("“signed” – in Paris"));
        assert!(re.is_match("was signed."));
        assert!(!re.is_match("designed"));
    }

    #[test]
    fn the_literal_pass_changes_no_match() {
        let lex = Lexicon::parse_builtin().unwrap();
        for (_, cols) in rows(EXAMPLES) {
            assert_filter_agrees(&lex, cols[0]);
            assert_filter_agrees(&lex, &cols[0].to_uppercase());
        }
        for text in [
            "SIGNED, signs and Signing; the signature of a co-signed pact.",
            // The long s and the Kelvin sign fold to ASCII letters.
            "The treaty was ſigned; Kelvin-ſigned; the ſecret protocol.",
            "designed unsigned resigned cosigned",
            "Relations were severed, then severed relations resumed and were restored.",
            "",
            "é",
        ] {
            assert_filter_agrees(&lex, text);
        }
    }

    /// The literal pass in front of the not-an-agreement patterns, against
    /// the plain set search.
    fn assert_not_agreement_agrees(lex: &Lexicon, name: &str) {
        let set = lex.not_agreement_set.as_ref().unwrap();
        assert_eq!(lex.not_agreement(name), set.is_match(name), "{name:?}");
    }

    #[test]
    fn not_an_agreement_through_the_literal_pass() {
        let lex = Lexicon::parse_builtin().unwrap();
        for (name, not) in [
            ("Roadmap on the Partnership", true),
            ("road map", true),
            ("Joint Communiqué of the Ministers", true),
            ("the Statement", true),
            ("Declaration of War", true),
            ("Agreements", true),
            ("treaties and conventions", true),
            ("Treaty of Plansee", false),
            ("Treaty of Paris", false),
            ("Reciprocal Access Agreement", false),
            // The long s folds to "s", but it is no ASCII word character,
            // so the ASCII word boundary before "statement" is missing.
            ("the ſtatement", false),
            ("the ſtatements of", false),
            ("", false),
        ] {
            assert_eq!(lex.not_agreement(name), not, "{name:?}");
            assert_not_agreement_agrees(&lex, name);
            assert_not_agreement_agrees(&lex, &name.to_uppercase());
        }
    }

    proptest::proptest! {
        #[test]
        fn not_an_agreement_agrees_on_word_salad(
            words in proptest::collection::vec(proptest::sample::select(vec![
                "Road", "map", "roadmaps", "Plan", "plans", "Plansee", "pledge", "statement",
                "Statements", "communique", "communiqués", "Declaration", "of", "war",
                "independence", "resolution", "memoranda", "Memorandum", "treaties", "and",
                "agreements", "Conventions", "Treaty", "Paris", "ſtatement", "the", "-",
            ]), 0..8)
        ) {
            let lex = lexicon();
            assert_not_agreement_agrees(lex, &words.join(" "));
            assert_not_agreement_agrees(lex, &words.concat());
        }

        /// `Words` finds what an overlapping search finds, including words
        /// that are prefixes of others, words inside others ("sign" in
        /// "ensign") and words that overlap ("treaty" / "tyranny").
        #[test]
        fn words_find_what_an_overlapping_search_finds(
            text in proptest::collection::vec(proptest::sample::select(vec![
                "sign", "Signed", "ensign", "treaty", "TYRANNY", "ty", "tre", " ", "é",
                "ſign", "a", "an", "anTreaty", "\u{212a}",
            ]), 0..12)
        ) {
            let words = ["sign", "signed", "ed", "treaty", "tyranny", "ty", "an", "a", "sign"];
            let text = text.concat();
            let w = Words::new(&words).unwrap();
            let mut got = Vec::new();
            proptest::prop_assert!(w.each(&text, |i, s, e| got.push((s, e, i))));
            got.sort_unstable();
            let ac = aho_corasick::AhoCorasick::builder()
                .ascii_case_insensitive(true)
                .build(words)
                .unwrap();
            let mut want: Vec<(usize, usize, usize)> = ac
                .find_overlapping_iter(&text)
                .map(|m| (m.start(), m.end(), m.pattern().as_usize()))
                .collect();
            want.sort_unstable();
            proptest::prop_assert_eq!(got, want);
        }

        #[test]
        fn the_literal_pass_agrees_on_word_salad(
            words in proptest::collection::vec(proptest::sample::select(vec![
                "signed", "Sign", "ratified", "into", "force", "came", "the", "relations",
                "were", "severed", "diplomatic", "established", "session", "held", "was",
                "dialogue", "met", "with", "secret", "open", "door", "consulate", "opened",
                "legation", "raised", "to", "an", "embassy", "recognised", "of", "ſigned",
                "special", "interests", "in", ",", ".", ";", "(", "’s", "non-aggression",
                "not", "would", "May", "never", "proposed", "planned", "refused", "remained",
            ]), 0..24)
        ) {
            let lex = lexicon();
            assert_filter_agrees(lex, &words.join(" "));
            assert_filter_agrees(lex, &words.concat());
        }

        #[test]
        fn the_indicator_gate_agrees_on_word_salad(
            words in proptest::collection::vec(proptest::sample::select(vec![
                "bilateral", "Trade", "trade", "TRADE", "tradé", "ſtood", "stood", "at", "was",
                "reached", "€15.6", "$3", "12,000", "2016", "billion", "in", "In", "deficit",
                "of", "French", "citizens", "CITIZENS", "nationals", "residents", "living",
                "agreements", "concluded", "traders", "citizen", "citizenſ", "agreementſ", "\u{212A}", "-",
            ]), 0..14)
        ) {
            let lex = lexicon();
            assert_indicator_gate_agrees(lex, &words.join(" "));
            assert_indicator_gate_agrees(lex, &words.concat());
        }
    }

    /// The indicator rules through the word gate, against every rule
    /// asked in turn.
    fn assert_indicator_gate_agrees(lex: &Lexicon, text: &str) {
        let gated: Vec<&str> = lex
            .indicators_in(text)
            .iter()
            .map(|r| r.name.as_str())
            .collect();
        let plain: Vec<&str> = lex
            .indicators
            .iter()
            .filter(|r| r.re.is_match(text))
            .map(|r| r.name.as_str())
            .collect();
        assert_eq!(gated, plain, "on {text:?}");
    }

    #[test]
    fn needed_words_come_from_the_top_level_sequence() {
        let words = |p: &str| {
            needed_words(p).map(|ws| {
                ws.into_iter()
                    .map(|w| String::from_utf8(w).unwrap())
                    .collect::<Vec<_>>()
            })
        };
        assert_eq!(
            words(r"(?P<n>\d+)\s+(?:citizens|nationals)\s+in\b"),
            Some(vec!["citizens".to_string(), "nationals".to_string()])
        );
        assert_eq!(
            words(r"(?:bilateral\s+)?trade\s+was"),
            Some(vec!["trade".to_string()])
        );
        // Optional or repeated parts are not needed; nor is a word with a
        // character the ASCII search cannot fold as the pattern does.
        assert_eq!(words(r"(?:trade)?\d+"), None);
        assert_eq!(words(r"\d+(?:ü|ö)"), None);
        // Every indicator rule has a gate: the point of it.
        for r in &lexicon().indicators {
            assert!(needed_words(r.re.as_str()).is_some(), "{}", r.name);
        }
        // The long s: the case-insensitive pattern reads it as "s".
        for text in [
            "Bilateral trade reached $3 billion in 2016.",
            "13,000 French citizens living in Japan",
            "13,000 French citizenſ living in Japan",
        ] {
            assert_indicator_gate_agrees(lexicon(), text);
            assert!(!lexicon().indicators_in(text).is_empty(), "{text}");
        }
    }

    #[test]
    fn folding_characters_are_known() {
        assert!(folds_to_ascii().contains(&'ſ'));
        assert!(folds_to_ascii().contains(&'\u{212A}'));
    }

    #[test]
    fn longer_trigger_wins() {
        let lex = lexicon();
        let hits = lex.hits("They agreed to open negotiations.");
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].predicate, "event:negotiations_opened");
    }

    /// Our own sentences for every provision kind, with the kinds
    /// `provisions.tsv` must find in each (`provision_examples.tsv`).
    #[test]
    fn provision_examples_hold() {
        let lex = lexicon();
        let mut n = 0;
        for (line, cols) in rows(include_str!("../../../data/rules/provision_examples.tsv")) {
            let [sentence, want] = cols[..] else {
                panic!("provision_examples.tsv:{line}: expected 2 columns");
            };
            let got: Vec<String> = lex
                .provisions_in(sentence)
                .into_iter()
                .map(|(kind, _, _)| kind)
                .collect();
            let got = if got.is_empty() {
                "-".to_string()
            } else {
                got.join(",")
            };
            assert_eq!(got, want, "provision_examples.tsv:{line}: {sentence}");
            n += 1;
        }
        assert!(n >= 15, "only {n} provision examples");
    }

    /// The `# example:` lines of `data/rules/not_agreements.tsv`.
    #[test]
    fn non_agreements() {
        let lex = lexicon();
        let mut n = 0;
        for l in NOT_AGREEMENTS.lines() {
            let Some((name, want)) = l
                .strip_prefix("# example:")
                .and_then(|e| e.split_once("=>"))
            else {
                continue;
            };
            let want = match want.trim() {
                "not" => true,
                "agreement" => false,
                other => panic!("example verdict {other:?}"),
            };
            assert_eq!(lex.not_agreement(name.trim()), want, "{name}");
            n += 1;
        }
        assert!(n >= 6);
    }

    #[test]
    fn infobox_keys() {
        let lex = lexicon();
        assert_eq!(lex.infobox_predicate("Date Signed"), Some("signed"));
        assert_eq!(lex.infobox_predicate("Location signed:"), Some("place"));
        assert_eq!(lex.infobox_predicate("Colour"), None);
    }
}
