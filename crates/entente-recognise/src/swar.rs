//! Skipping text eight bytes at a time: the sentence splitter and the
//! gazetteer scan both look for the next byte of a small class (an end
//! mark, a capital letter) and most bytes are not in it.

/// `0x01` in every byte of a word.
pub(crate) const ONES: u64 = 0x0101_0101_0101_0101;
/// `0x80` in every byte of a word.
pub(crate) const HIGHS: u64 = 0x8080_8080_8080_8080;

/// The first position at or after `from` whose byte satisfies `hit`, or
/// `bytes.len()`. `maybe` looks at eight bytes as one little-endian word and
/// must be non-zero whenever one of them satisfies `hit`; it may err towards
/// non-zero, since the bytes of such a word are then tested one by one.
#[inline]
pub(crate) fn next_byte(
    bytes: &[u8],
    from: usize,
    maybe: impl Fn(u64) -> u64,
    hit: impl Fn(u8) -> bool,
) -> usize {
    let Some(rest) = bytes.get(from..) else {
        return bytes.len();
    };
    let mut at = from;
    let mut chunks = rest.chunks_exact(8);
    for chunk in &mut chunks {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        if maybe(u64::from_le_bytes(word)) != 0 {
            if let Some(p) = chunk.iter().position(|&b| hit(b)) {
                return at + p;
            }
        }
        at += 8;
    }
    chunks
        .remainder()
        .iter()
        .position(|&b| hit(b))
        .map_or(bytes.len(), |p| at + p)
}
