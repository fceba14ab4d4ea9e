//! An anchored longest-prefix matcher: which listed name starts exactly at a
//! position of the text, the longest one if several do.
//!
//! This is what an anchored, leftmost-longest Aho-Corasick search answers,
//! but the finders ask it at tens of thousands of positions per megabyte
//! (every capital), and most walks end after a byte or two; the general
//! search's set-up per call cost more than the walk itself. A trie in flat
//! arrays answers with a table lookup for the first byte and a short scan of
//! the edges for each further byte.

/// No pattern ends at a node.
const NONE: u32 = u32::MAX;

/// A byte trie of patterns, in flat arrays.
#[derive(Debug, Clone)]
pub(crate) struct PrefixTrie {
    /// The node reached from the root by each first byte, plus one (0: none).
    root: Vec<u32>,
    /// Node `n`'s edges are `edge_byte[edge_start[n]..edge_start[n + 1]]`,
    /// sorted by byte, leading to `edge_to[..]`.
    edge_start: Vec<u32>,
    edge_byte: Vec<u8>,
    edge_to: Vec<u32>,
    /// The id of the pattern that ends at each node, or [`NONE`].
    pattern: Vec<u32>,
}

impl PrefixTrie {
    /// A trie of `patterns`, whose ids are their positions in the list. An
    /// empty pattern is left out (no finder lists one); of two equal
    /// patterns the first keeps its id, as in an Aho-Corasick automaton.
    pub(crate) fn new<'a>(patterns: impl IntoIterator<Item = &'a [u8]>) -> PrefixTrie {
        // Built as nodes with sorted child lists, then flattened.
        let mut children: Vec<Vec<(u8, u32)>> = Vec::new();
        let mut pattern: Vec<u32> = Vec::new();
        let mut root = vec![0u32; 256];
        for (id, p) in patterns.into_iter().enumerate() {
            let Some((&first, rest)) = p.split_first() else {
                continue;
            };
            let slot = &mut root[usize::from(first)];
            if *slot == 0 {
                children.push(Vec::new());
                pattern.push(NONE);
                *slot = children.len() as u32;
            }
            let mut node = (*slot - 1) as usize;
            for &b in rest {
                let next = match children[node].binary_search_by_key(&b, |e| e.0) {
                    Ok(k) => children[node][k].1 as usize,
                    Err(k) => {
                        let n = children.len();
                        children.push(Vec::new());
                        pattern.push(NONE);
                        children[node].insert(k, (b, n as u32));
                        n
                    }
                };
                node = next;
            }
            if pattern[node] == NONE {
                pattern[node] = id as u32;
            }
        }
        let mut edge_start = Vec::with_capacity(children.len() + 1);
        let mut edge_byte = Vec::new();
        let mut edge_to = Vec::new();
        for c in &children {
            edge_start.push(edge_byte.len() as u32);
            for &(b, to) in c {
                edge_byte.push(b);
                edge_to.push(to);
            }
        }
        edge_start.push(edge_byte.len() as u32);
        PrefixTrie {
            root,
            edge_start,
            edge_byte,
            edge_to,
            pattern,
        }
    }

    /// The longest pattern that `hay[at..]` starts with: its id and the end
    /// of the match in `hay`.
    #[inline]
    pub(crate) fn longest(&self, hay: &[u8], at: usize) -> Option<(usize, usize)> {
        self.walk::<false>(hay, at)
    }

    /// [`PrefixTrie::longest`] with the ASCII letters of `hay` read in lower
    /// case, for patterns given in lower case: an ASCII case-insensitive
    /// search (other bytes match exactly).
    #[inline]
    pub(crate) fn longest_folded(&self, hay: &[u8], at: usize) -> Option<(usize, usize)> {
        self.walk::<true>(hay, at)
    }

    #[inline(always)]
    fn walk<const FOLD: bool>(&self, hay: &[u8], at: usize) -> Option<(usize, usize)> {
        let byte = |i: usize| {
            hay.get(i)
                .map(|&b| if FOLD { b.to_ascii_lowercase() } else { b })
        };
        let first = byte(at)?;
        let mut node = self.root.get(usize::from(first)).copied()?.checked_sub(1)? as usize;
        let mut best = None;
        let mut i = at + 1;
        loop {
            let id = self.pattern.get(node).copied().unwrap_or(NONE);
            if id != NONE {
                best = Some((id as usize, i));
            }
            let Some(b) = byte(i) else {
                break;
            };
            let (Some(&s), Some(&e)) = (self.edge_start.get(node), self.edge_start.get(node + 1))
            else {
                break;
            };
            let edges = self.edge_byte.get(s as usize..e as usize).unwrap_or(&[]);
            // Most nodes have one or two edges; the wide ones near the root
            // are searched by halves.
            let k = if edges.len() <= 8 {
                edges.iter().position(|&x| x == b)
            } else {
                edges.binary_search(&b).ok()
            };
            let Some(to) = k.and_then(|k| self.edge_to.get(s as usize + k)) else {
                break;
            };
            node = *to as usize;
            i += 1;
        }
        best
    }
}

/// An unanchored, ASCII case-insensitive, leftmost-longest search for a
/// few words in a long text (the agreement finder's instrument words), as
/// an Aho-Corasick automaton's `find_iter` gives it.
///
/// The automaton steps through every byte; most positions of prose cannot
/// start any of the words, and the first four bytes tell: a position is
/// walked in the trie only when its four bytes, with the case bit of each
/// set, are those of some pattern (a bit in a hashed table, which may err
/// only towards a walk). Leftmost-longest is then the first position, in
/// order, whose walk matches, and its longest match.
#[derive(Debug, Clone)]
pub(crate) struct FoldedFinder {
    /// The patterns in ASCII lower case.
    trie: PrefixTrie,
    /// 2^16 bits: the hashed first four bytes (case bits set) of the patterns.
    quads: Box<[u64; 1024]>,
}

/// The first four bytes from `at`, little-endian, with the case bit (0x20)
/// of every byte set: an ASCII letter and its capital give the same key.
#[inline(always)]
fn quad_key(w: u32) -> usize {
    ((w | 0x2020_2020).wrapping_mul(0x9E37_79B1) >> 16) as usize
}

impl FoldedFinder {
    /// The finder for `patterns`, or `None` when it cannot answer as the
    /// automaton would: a pattern shorter than four bytes (the filter reads
    /// four), or two patterns equal but for case (whose ids the automaton
    /// orders its own way).
    pub(crate) fn new(patterns: &[&str]) -> Option<FoldedFinder> {
        let lower: Vec<String> = patterns.iter().map(|p| p.to_ascii_lowercase()).collect();
        let mut seen = std::collections::HashSet::new();
        let mut quads = Box::new([0u64; 1024]);
        for p in &lower {
            let b = p.as_bytes();
            if b.len() < 4 || !seen.insert(p.as_str()) {
                return None;
            }
            let k = quad_key(u32::from_le_bytes([b[0], b[1], b[2], b[3]]));
            quads[(k >> 6) & 1023] |= 1 << (k & 63);
        }
        Some(FoldedFinder {
            trie: PrefixTrie::new(lower.iter().map(|p| p.as_bytes())),
            quads,
        })
    }

    /// The leftmost-longest match starting at or after `from`: start, end
    /// and pattern id.
    pub(crate) fn next_match(&self, hay: &[u8], from: usize) -> Option<(usize, usize, usize)> {
        let mut at = from;
        // Eight bytes hold the four-byte keys of five positions.
        while let Some(chunk) = hay.get(at..at + 8) {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            let x = u64::from_le_bytes(word);
            // The five tests first, into a mask, then a branch only where
            // some position passed (rarely): a branch per position was
            // mispredicted at every candidate.
            let mut cand = 0u32;
            for j in 0..5 {
                cand |= u32::from(self.may_start((x >> (8 * j)) as u32)) << j;
            }
            while cand != 0 {
                let j = cand.trailing_zeros() as usize;
                if let Some((id, end)) = self.trie.longest_folded(hay, at + j) {
                    return Some((at + j, end, id));
                }
                cand &= cand - 1;
            }
            at += 5;
        }
        while let Some(chunk) = hay.get(at..at + 4) {
            let mut word = [0u8; 4];
            word.copy_from_slice(chunk);
            if self.may_start(u32::from_le_bytes(word)) {
                if let Some((id, end)) = self.trie.longest_folded(hay, at) {
                    return Some((at, end, id));
                }
            }
            at += 1;
        }
        None
    }

    /// Whether a pattern may start with the four bytes `w` (little-endian).
    #[inline(always)]
    fn may_start(&self, w: u32) -> bool {
        let key = quad_key(w);
        self.quads[(key >> 6) & 1023] >> (key & 63) & 1 != 0
    }

    /// The anchored longest match at `at`: pattern id and end.
    pub(crate) fn longest_at(&self, hay: &[u8], at: usize) -> Option<(usize, usize)> {
        self.trie.longest_folded(hay, at)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use aho_corasick::{AhoCorasick, Anchored, Input, MatchKind, StartKind};
    use proptest::prelude::*;

    /// What the finders asked before: an anchored leftmost-longest search.
    fn reference(ac: &AhoCorasick, hay: &str, at: usize) -> Option<(usize, usize)> {
        let input = Input::new(hay).range(at..).anchored(Anchored::Yes);
        ac.try_find(input)
            .ok()
            .flatten()
            .map(|m| (m.pattern().as_usize(), m.end()))
    }

    fn build(patterns: &[String]) -> (PrefixTrie, AhoCorasick) {
        let trie = PrefixTrie::new(patterns.iter().map(|p| p.as_bytes()));
        let ac = AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .start_kind(StartKind::Anchored)
            .build(patterns)
            .unwrap();
        (trie, ac)
    }

    #[test]
    fn longest_prefix_wins() {
        let pats: Vec<String> = ["New", "New York", "New Zealand", "Ne", "Bern", "New"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let (trie, _) = build(&pats);
        let hay = b"New York and New Zealandia, Neon, Bern";
        assert_eq!(trie.longest(hay, 0), Some((1, 8)));
        assert_eq!(trie.longest(hay, 13), Some((2, 24)));
        assert_eq!(trie.longest(hay, 28), Some((3, 30)));
        assert_eq!(trie.longest(hay, 34), Some((4, 38)));
        assert_eq!(trie.longest(hay, 1), None);
        assert_eq!(trie.longest(hay, 38), None);
        assert_eq!(trie.longest(hay, 500), None);
    }

    /// Matches as (start, end, pattern id).
    type Matches = Vec<(usize, usize, usize)>;

    /// The matches of `find_iter` of a case-insensitive automaton, and of
    /// the folded finder.
    fn both_folded(pats: &[&str], hay: &str) -> (Matches, Matches) {
        let ac = AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .ascii_case_insensitive(true)
            .build(pats)
            .unwrap();
        let want = ac
            .find_iter(hay)
            .map(|m| (m.start(), m.end(), m.pattern().as_usize()))
            .collect();
        let f = FoldedFinder::new(pats).unwrap();
        let mut got = Vec::new();
        let mut from = 0;
        while let Some(m) = f.next_match(hay.as_bytes(), from) {
            got.push(m);
            from = m.1;
        }
        (want, got)
    }

    #[test]
    fn folded_finder_refuses_what_it_cannot_answer() {
        assert!(FoldedFinder::new(&["pact", "pax"]).is_none());
        assert!(FoldedFinder::new(&["pact", "PACT"]).is_none());
        let (want, got) = both_folded(
            &["pact", "pacts", "Treaty", "treaty of"],
            "PACTS, a pact; TREATY OF 1907; treaty",
        );
        assert_eq!(want, got);
        assert_eq!(got.len(), 4);
    }

    proptest! {
        /// Word salads of the patterns in any case, cut and glued: the
        /// folded finder finds what the automaton finds, match for match.
        #[test]
        fn folded_finder_agrees_with_aho_corasick(
            picks in proptest::collection::vec((0usize..8, 0usize..12, 0usize..5, any::<u8>()), 0..30),
        ) {
            let pats = ["treaty", "treaties", "pact", "joint declaration", "declaration", "communiqué", "條約x", "entente cordiale"];
            let mut hay = String::new();
            for (i, cut, sep, case) in picks {
                let p = pats[i];
                let mut end = cut.clamp(1, p.len());
                while !p.is_char_boundary(end) {
                    end += 1;
                }
                let piece = if cut >= 8 { p } else { &p[..end] };
                for (j, c) in piece.chars().enumerate() {
                    if case >> (j % 8) & 1 == 1 { hay.extend(c.to_uppercase()) } else { hay.push(c) }
                }
                hay.push_str(["", " ", "s ", "-", "é"][sep]);
            }
            let (want, got) = both_folded(&pats, &hay);
            prop_assert_eq!(want, got, "{:?}", hay);
        }

        /// Patterns and texts from a small alphabet (with a multibyte
        /// letter), so that prefixes share and matches are frequent, and
        /// from a wider one, so that some nodes have more than eight edges:
        /// the trie answers as the automaton at every position.
        #[test]
        fn agrees_with_anchored_aho_corasick(
            pats in proptest::collection::vec("[abAé ]{1,6}|[a-pA]{1,3}", 1..60),
            hay in "[abAé c]{0,80}|[a-qA]{0,80}",
        ) {
            let (trie, ac) = build(&pats);
            for at in 0..=hay.len() {
                if hay.is_char_boundary(at) {
                    prop_assert_eq!(trie.longest(hay.as_bytes(), at), reference(&ac, &hay, at), "at {}", at);
                }
            }
        }
    }
}
