//! Eight bytes at a time: the sentence splitter and the gazetteer scan look
//! for the next byte of a small class (an end mark, a capital letter), and
//! the tokeniser for the end of a run of letters and digits; most bytes are
//! not what they look for.

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
    first_in_words(
        bytes,
        from,
        |chunk, x| {
            if maybe(x) == 0 {
                return None;
            }
            chunk.iter().position(|&b| hit(b))
        },
        &hit,
    )
}

/// [`next_byte`] for a class whose eight-byte test is exact: `mask` sets the
/// high bit of exactly the bytes that satisfy `hit`, so the first one is the
/// mask's lowest set bit, found without a loop over the eight bytes (whose
/// exit at a hit the processor mispredicts). `hit` serves the tail.
#[inline]
pub(crate) fn next_exact(
    bytes: &[u8],
    from: usize,
    mask: impl Fn(u64) -> u64,
    hit: impl Fn(u8) -> bool,
) -> usize {
    first_in_words(
        bytes,
        from,
        |_, x| {
            let m = mask(x);
            (m != 0).then(|| (m.trailing_zeros() / 8) as usize)
        },
        &hit,
    )
}

/// The walk both searches share: `in_word` gives the offset of the first hit
/// in an eight-byte chunk (with the chunk as a little-endian word), and the
/// tail shorter than eight bytes is tested byte by byte with `hit`.
#[inline(always)]
fn first_in_words(
    bytes: &[u8],
    from: usize,
    in_word: impl Fn(&[u8], u64) -> Option<usize>,
    hit: &impl Fn(u8) -> bool,
) -> usize {
    let Some(rest) = bytes.get(from..) else {
        return bytes.len();
    };
    let mut at = from;
    let mut chunks = rest.chunks_exact(8);
    for chunk in &mut chunks {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        if let Some(p) = in_word(chunk, u64::from_le_bytes(word)) {
            return at + p;
        }
        at += 8;
    }
    chunks
        .remainder()
        .iter()
        .position(|&b| hit(b))
        .map_or(bytes.len(), |p| at + p)
}

/// `0x80` in every byte of `x` (eight bytes, little-endian) that is an
/// ASCII letter or digit.
#[inline]
#[cfg(test)]
pub(crate) fn alnum_mask(x: u64) -> u64 {
    // On the low seven bits no sum carries into the next byte: the high bit
    // of each sum says "at least lo" and "past hi".
    let low = x & !HIGHS;
    let within = |lo: u8, hi: u8| {
        let ge = low.wrapping_add(ONES * (0x80 - u64::from(lo)));
        let gt = low.wrapping_add(ONES * (0x7F - u64::from(hi)));
        ge & !gt
    };
    (within(b'0', b'9') | within(b'A', b'Z') | within(b'a', b'z')) & !x & HIGHS
}

/// The high bits of the eight bytes of `m` as the eight low bits of the
/// answer (bit `j` from byte `j`). The multiplication gathers them into the
/// top byte: each pair (bit, factor byte) lands on its own position, so
/// no carries mix them.
#[inline]
pub(crate) fn high_bits(m: u64) -> u64 {
    ((m >> 7) & ONES).wrapping_mul(0x0102_0408_1020_4080) >> 56
}

/// How many bytes from `from` on are ASCII letters or digits. Eight bytes
/// at a time: the end of a word is found without a branch per byte, which
/// the processor mispredicted once per word.
#[inline]
#[cfg(test)]
pub(crate) fn alnum_len(bytes: &[u8], from: usize) -> usize {
    let Some(rest) = bytes.get(from..) else {
        return 0;
    };
    let mut n = 0;
    let mut chunks = rest.chunks_exact(8);
    for chunk in &mut chunks {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let other = !alnum_mask(u64::from_le_bytes(word)) & HIGHS;
        if other != 0 {
            return n + (other.trailing_zeros() / 8) as usize;
        }
        n += 8;
    }
    n + chunks
        .remainder()
        .iter()
        .take_while(|b| b.is_ascii_alphanumeric())
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// The eight-byte count agrees with a byte loop, at every start.
        #[test]
        fn alnum_len_agrees_with_a_byte_loop(
            text in "[a-zA-Z0-9 .’é\\-日,]{0,40}",
        ) {
            let bytes = text.as_bytes();
            for from in 0..=bytes.len() + 1 {
                let slow = bytes
                    .get(from..)
                    .unwrap_or(&[])
                    .iter()
                    .take_while(|b| b.is_ascii_alphanumeric())
                    .count();
                proptest::prop_assert_eq!(alnum_len(bytes, from), slow);
            }
        }
    }

    #[test]
    fn high_bits_gathers_the_high_bit_of_each_byte() {
        for m in 0..=255u64 {
            // Byte j gets 0x80 (and noise in its low bits) when bit j of m is set.
            let mut x = 0u64;
            for j in 0..8 {
                x |= (if m >> j & 1 == 1 { 0x80 } else { 0 } | ((j as u64 * 5) & 0x7F)) << (8 * j);
            }
            assert_eq!(high_bits(x), m, "{x:#x}");
        }
    }

    #[test]
    fn alnum_mask_marks_letters_and_digits_only() {
        for b in 0..=255u8 {
            let x = u64::from_le_bytes([b, b'a', 0xFF, b'Z', b'0', b'@', b'[', b'`']);
            let m = alnum_mask(x);
            assert_eq!(m & 0x80 != 0, b.is_ascii_alphanumeric(), "{b:#x}");
            assert_eq!(m & !0xFF, 0x0000_0080_8000_8000, "{b:#x}");
        }
    }
}
