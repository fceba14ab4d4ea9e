//! An interval index for stabbing queries ("which intervals contain day
//! D?"): intervals sorted by start, with the maximum end of each block of
//! [`BLOCK`] intervals kept beside them, so a query skips every block that
//! ended before D. Written here because none of the allowed crates offers
//! one; it is a flat, cache-friendly variant of an augmented interval tree.

use crate::time::Day;
use std::collections::HashMap;
use std::hash::Hash;

/// Intervals per block of the max-end summary.
pub const BLOCK: usize = 64;

/// Half-open intervals `[lo, hi)` over days, each carrying a `u32` payload.
#[derive(Debug, Clone, Default)]
pub struct IntervalIndex {
    /// Sorted by `lo`.
    items: Vec<(Day, Day, u32)>,
    /// `block_max[i]` is the largest `hi` in `items[i*BLOCK..(i+1)*BLOCK]`.
    block_max: Vec<Day>,
}

impl IntervalIndex {
    /// Builds the index; empty intervals (`lo >= hi`) are kept out.
    ///
    /// ```
    /// use entente_query::index::IntervalIndex;
    /// let idx = IntervalIndex::new([(0, 10, 1), (5, 6, 2), (20, 30, 3)]);
    /// let mut hits: Vec<u32> = idx.stab(5).collect();
    /// hits.sort();
    /// assert_eq!(hits, [1, 2]);
    /// assert_eq!(idx.stab(6).collect::<Vec<_>>(), [1]);
    /// ```
    pub fn new(items: impl IntoIterator<Item = (Day, Day, u32)>) -> IntervalIndex {
        let mut items: Vec<(Day, Day, u32)> = items.into_iter().filter(|i| i.0 < i.1).collect();
        items.sort_unstable_by_key(|i| (i.0, i.2));
        let block_max = items
            .chunks(BLOCK)
            .map(|c| c.iter().map(|i| i.1).max().unwrap_or(Day::MIN))
            .collect();
        IntervalIndex { items, block_max }
    }

    /// How many intervals it holds.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// True when it holds none.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// The payloads of the intervals containing `d` (`lo <= d < hi`), in
    /// order of start.
    pub fn stab(&self, d: Day) -> impl Iterator<Item = u32> + '_ {
        // Only intervals starting on or before d can contain it.
        let upto = self.items.partition_point(|i| i.0 <= d);
        let blocks = upto.div_ceil(BLOCK);
        self.block_max
            .iter()
            .take(blocks)
            .enumerate()
            .filter(move |(_, &m)| m > d)
            .flat_map(move |(b, _)| {
                let from = b * BLOCK;
                let to = ((b + 1) * BLOCK).min(upto);
                self.items.get(from..to).unwrap_or(&[]).iter()
            })
            .filter(move |i| i.0 <= d && d < i.1)
            .map(|i| i.2)
    }
}

/// Items (agreements) by unordered pair of keys (polities): a dyad's
/// agreements without scanning the base.
#[derive(Debug, Clone)]
pub struct PairIndex<K> {
    map: HashMap<(K, K), Vec<u32>>,
}

impl<K> Default for PairIndex<K> {
    fn default() -> Self {
        PairIndex {
            map: HashMap::new(),
        }
    }
}

impl<K: Hash + Eq + Ord + Clone> PairIndex<K> {
    /// Records item `id` under the pair `{a, b}` (order does not matter).
    ///
    /// ```
    /// use entente_query::index::PairIndex;
    /// let mut p = PairIndex::default();
    /// p.insert(740u16, 365, 7);
    /// assert_eq!(p.get(&365, &740), [7]);
    /// assert!(p.get(&365, &220).is_empty());
    /// ```
    pub fn insert(&mut self, a: K, b: K, id: u32) {
        let key = if a <= b { (a, b) } else { (b, a) };
        self.map.entry(key).or_default().push(id);
    }

    /// The items of pair `{a, b}`, in insertion order.
    pub fn get(&self, a: &K, b: &K) -> &[u32] {
        let key = if a <= b {
            (a.clone(), b.clone())
        } else {
            (b.clone(), a.clone())
        };
        self.map.get(&key).map_or(&[], Vec::as_slice)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn agrees_with_a_linear_scan() {
        // A deterministic pseudo-random set spanning many blocks.
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        let items: Vec<(Day, Day, u32)> = (0..2000u32)
            .map(|i| {
                let lo = (next() % 10_000) as Day;
                let len = (next() % 700) as Day;
                let hi = if i % 17 == 0 { Day::MAX } else { lo + len };
                (lo, hi, i)
            })
            .collect();
        let idx = IntervalIndex::new(items.clone());
        for d in [-5, 0, 1, 333, 5000, 9999, 10_500, 20_000] {
            let mut got: Vec<u32> = idx.stab(d).collect();
            got.sort_unstable();
            let mut want: Vec<u32> = items
                .iter()
                .filter(|i| i.0 <= d && d < i.1)
                .map(|i| i.2)
                .collect();
            want.sort_unstable();
            assert_eq!(got, want, "day {d}");
        }
    }

    #[test]
    fn open_starts_and_empty_intervals() {
        let idx = IntervalIndex::new([(Day::MIN, 10, 1), (5, 5, 2), (7, Day::MAX, 3)]);
        assert_eq!(idx.len(), 2);
        assert_eq!(idx.stab(-1_000_000).collect::<Vec<_>>(), [1]);
        assert_eq!(idx.stab(8).collect::<Vec<_>>(), [1, 3]);
        assert!(IntervalIndex::new([]).stab(0).next().is_none());
    }
}
