//! Bytes → UTF-8 text, with a map back to the original bytes when decoding
//! changed the byte layout.

use crate::{ReadError, SourceMap};
use encoding_rs::{DecoderResult, Encoding, UTF_16BE, UTF_16LE, UTF_8};
use std::path::Path;

/// How far into a file we look for NUL bytes: the same window git and
/// ripgrep use to call a file binary.
const BINARY_WINDOW: usize = 8 * 1024;

/// The decoded text of a file.
#[derive(Debug)]
pub(crate) struct Decoded {
    pub text: String,
    /// How decoded offsets map to original offsets.
    pub origin: Origin,
    /// Name of the legacy encoding, when the file was not UTF-8.
    pub encoding: Option<&'static str>,
    pub warnings: Vec<String>,
}

/// How decoded offsets relate to the original bytes.
#[derive(Debug)]
pub(crate) enum Origin {
    /// Decoded byte `i` is original byte `i + shift` (UTF-8, maybe after a BOM).
    Shift { shift: usize, original_len: usize },
    /// A per-character map (legacy and UTF-16 decodings).
    Map(SourceMap),
}

impl Origin {
    /// Turns a map onto the decoded text into a map onto the original bytes.
    pub fn apply(&self, map: SourceMap) -> SourceMap {
        match self {
            Origin::Shift {
                shift: 0,
                original_len,
            } if map.original_len() == *original_len => map,
            Origin::Shift {
                shift,
                original_len,
            } => {
                let inner = SourceMap::shifted(original_len - shift, *shift, *original_len);
                map.compose(&inner)
            }
            Origin::Map(inner) => map.compose(inner),
        }
    }
}

/// Decodes `bytes`. `declared` is an encoding named inside the file (an XML
/// declaration); it is trusted only when the bytes are not valid UTF-8.
pub(crate) fn decode(
    path: &Path,
    mut bytes: Vec<u8>,
    declared: Option<&'static Encoding>,
) -> Result<Decoded, ReadError> {
    let original_len = bytes.len();
    // A UTF-16 file is full of NUL bytes, so its BOM must be seen before the
    // binary check.
    if let Some((enc, bom)) = utf16_bom(&bytes) {
        let (text, map) = decode_with_map(path, enc, &bytes, bom)?;
        check_empty(path, &text)?;
        return Ok(Decoded {
            text,
            origin: Origin::Map(map),
            encoding: Some(enc.name()),
            warnings: vec![format!("decoded from {}", enc.name())],
        });
    }
    let window = &bytes[..bytes.len().min(BINARY_WINDOW)];
    if let Some(offset) = window.iter().position(|&b| b == 0) {
        return Err(ReadError::Binary {
            path: path.to_path_buf(),
            offset,
        });
    }
    let shift = if bytes.starts_with(b"\xEF\xBB\xBF") {
        // drain moves the bytes in place: no second copy of a large file.
        bytes.drain(..3);
        3
    } else {
        0
    };
    match String::from_utf8(bytes) {
        Ok(text) => {
            check_empty(path, &text)?;
            Ok(Decoded {
                text,
                origin: Origin::Shift {
                    shift,
                    original_len,
                },
                encoding: None,
                warnings: Vec::new(),
            })
        }
        Err(err) => {
            let bad = err.utf8_error().valid_up_to() + shift;
            let bytes = err.into_bytes();
            decode_legacy(path, &bytes, shift, bad, declared)
        }
    }
}

fn check_empty(path: &Path, text: &str) -> Result<(), ReadError> {
    if text.trim().is_empty() {
        return Err(ReadError::Empty {
            path: path.to_path_buf(),
        });
    }
    Ok(())
}

fn utf16_bom(bytes: &[u8]) -> Option<(&'static Encoding, usize)> {
    if bytes.starts_with(b"\xFF\xFE") {
        Some((UTF_16LE, 2))
    } else if bytes.starts_with(b"\xFE\xFF") {
        Some((UTF_16BE, 2))
    } else {
        None
    }
}

/// Invalid UTF-8: decide whether it is text in a legacy encoding.
///
/// `bytes` has the UTF-8 BOM (if any) removed; `shift` is its length and
/// `bad` the original offset of the first byte that is not UTF-8.
fn decode_legacy(
    path: &Path,
    bytes: &[u8],
    shift: usize,
    bad: usize,
    declared: Option<&'static Encoding>,
) -> Result<Decoded, ReadError> {
    let encoding_error = || ReadError::Encoding {
        path: path.to_path_buf(),
        offset: bad,
    };
    let (enc, trusted) = match declared {
        Some(enc) if enc != UTF_8 && enc != UTF_16LE && enc != UTF_16BE => (enc, true),
        _ => {
            // UTF-8 with some bad sequences is damaged UTF-8, not a legacy
            // file: legacy text forms valid multi-byte UTF-8 sequences only
            // by rare accident, so they stay far fewer than the bad bytes.
            let (valid_multi, invalid) = utf8_sequence_counts(bytes);
            if valid_multi * 10 >= invalid && valid_multi > 0 {
                return Err(encoding_error());
            }
            let mut detector = chardetng::EncodingDetector::new();
            detector.feed(bytes, true);
            let (enc, confident) = detector.guess_assess(None, false);
            (enc, confident)
        }
    };
    let (text, map) = decode_with_map(path, enc, bytes, 0).map_err(|_| encoding_error())?;
    if !declared.is_some_and(|d| d == enc) && !plausible_text(&text, trusted, enc) {
        return Err(encoding_error());
    }
    check_empty(path, &text)?;
    let map = if shift > 0 {
        let inner = SourceMap::shifted(bytes.len(), shift, bytes.len() + shift);
        map.compose(&inner)
    } else {
        map
    };
    Ok(Decoded {
        text,
        origin: Origin::Map(map),
        encoding: Some(enc.name()),
        warnings: vec![format!("not UTF-8; decoded as {}", enc.name())],
    })
}

/// Counts well-formed multi-byte UTF-8 sequences and invalid bytes.
fn utf8_sequence_counts(bytes: &[u8]) -> (usize, usize) {
    let (mut valid, mut invalid) = (0usize, 0usize);
    let mut rest = bytes;
    loop {
        match std::str::from_utf8(rest) {
            Ok(s) => {
                valid += s.bytes().filter(|b| *b >= 0xC0).count();
                return (valid, invalid);
            }
            Err(e) => {
                let (good, tail) = rest.split_at(e.valid_up_to());
                valid += good.iter().filter(|b| **b >= 0xC0).count();
                invalid += 1;
                let skip = e.error_len().unwrap_or(tail.len()).max(1);
                rest = tail.get(skip..).unwrap_or(&[]);
            }
        }
    }
}

/// Punctuation that legacy text holds anywhere, even inside words (l’accord).
const PUNCTUATION: &str = "’‘“”„–—…«»·•";
/// Symbols that legacy text holds beside digits, spaces and punctuation, but
/// not between two letters.
const SYMBOLS: &str = "\u{a0}€£¥°§©®±×÷¿¡¢´¨ºª¶µ¹²³¼½¾";

/// Does decoded text look like text? The heuristic:
/// 1. no C0 controls other than tab, newline, carriage return and form feed;
///    no C1 controls (which is what encoding_rs yields for the bytes
///    windows-1252 leaves undefined) and no U+FFFD;
/// 2. the non-ASCII characters sit where real text puts them. Bad signs: a
///    non-ASCII character that is neither a letter nor common punctuation or
///    symbol; a symbol between two letters (`abc€def`); a lone upper-case
///    non-ASCII letter standing as a word (`Г(`); in a non-Latin encoding, a
///    word mixing ASCII and non-ASCII letters. At most one bad sign per fifty
///    good ones is tolerated;
/// 3. either the file reads as Latin-script text (at least twice as many ASCII
///    letters as non-ASCII characters, and never more than three non-ASCII
///    characters in a row), or the detector was confident of a non-Latin
///    encoding (Cyrillic, Greek, ...) and the text has at least three words
///    of two letters or more (random high bytes rarely contain spaces).
fn plausible_text(text: &str, trusted: bool, enc: &'static Encoding) -> bool {
    let latin_encoding = matches!(
        enc.name(),
        "windows-1252" | "windows-1250" | "windows-1254" | "windows-1257" | "windows-1258"
    ) || enc.name().starts_with("ISO-8859-");
    let (mut ascii_letters, mut non_ascii) = (0usize, 0usize);
    let (mut run, mut max_run) = (0usize, 0usize);
    let (mut good, mut bad) = (0usize, 0usize);
    // The word being scanned: its length, and whether it has ASCII and
    // non-ASCII letters, and its first character.
    let mut word: (usize, bool, bool, char) = (0, false, false, ' ');
    let end_word = |w: &mut (usize, bool, bool, char), good: &mut usize, bad: &mut usize| {
        let (len, ascii, other, first) = *w;
        if other {
            let lone_capital = len == 1 && first.is_uppercase();
            if lone_capital || (ascii && !latin_encoding) {
                *bad += 1;
            } else {
                *good += 1;
            }
        }
        *w = (0, false, false, ' ');
    };
    let mut prev = ' ';
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        let next = chars.peek().copied().unwrap_or(' ');
        if c.is_alphabetic() {
            if word.0 == 0 {
                word.3 = c;
            }
            word.0 += 1;
            if c.is_ascii() {
                word.1 = true;
            } else {
                word.2 = true;
            }
        } else {
            end_word(&mut word, &mut good, &mut bad);
        }
        if c.is_ascii() {
            run = 0;
            if c.is_ascii_control() && !matches!(c, '\t' | '\n' | '\r' | '\x0c') {
                return false;
            }
            if c.is_ascii_alphabetic() {
                ascii_letters += 1;
            }
            prev = c;
            continue;
        }
        if ('\u{80}'..='\u{9f}').contains(&c) || c == '\u{fffd}' {
            return false;
        }
        non_ascii += 1;
        run += 1;
        max_run = max_run.max(run);
        if !c.is_alphabetic() {
            let symbol_ok = SYMBOLS.contains(c) && !(prev.is_alphabetic() && next.is_alphabetic());
            if PUNCTUATION.contains(c) || symbol_ok {
                good += 1;
            } else {
                bad += 1;
            }
        }
        prev = c;
    }
    end_word(&mut word, &mut good, &mut bad);
    if bad * 50 > good {
        return false;
    }
    let words = || {
        text.split_whitespace()
            .filter(|w| w.chars().filter(|c| c.is_alphabetic()).count() >= 2)
            .take(3)
            .count()
    };
    let latin = ascii_letters >= 2 * non_ascii && max_run <= 3;
    latin || (trusted && !latin_encoding && words() >= 3)
}

/// Decodes `bytes[start..]` with `enc`, recording for every character the
/// original offset of its first byte. Fails on malformed input.
fn decode_with_map(
    path: &Path,
    enc: &'static Encoding,
    bytes: &[u8],
    start: usize,
) -> Result<(String, SourceMap), ReadError> {
    let body = bytes.get(start..).unwrap_or(&[]);
    let mut map = SourceMap::new(bytes.len());
    let malformed = |offset: usize| ReadError::Encoding {
        path: path.to_path_buf(),
        offset,
    };
    if enc.is_single_byte() {
        // One byte per character: walk the two in step.
        let text = enc
            .decode_without_bom_handling_and_without_replacement(body)
            .ok_or_else(|| malformed(start))?
            .into_owned();
        for (k, (i, c)) in text.char_indices().enumerate() {
            push_char(&mut map, i, c.len_utf8(), start + k, 1);
        }
        map.finish(text.len());
        return Ok((text, map));
    }
    // Multi-byte encodings: feed one byte at a time and see when a character
    // comes out, so each character maps to the first byte of its sequence.
    let mut decoder = enc.new_decoder_without_bom_handling();
    let mut text = String::with_capacity(body.len() * 3 / 2);
    let mut seq_start = 0usize;
    for (i, byte) in body.iter().enumerate() {
        let last = i + 1 == body.len();
        let needed = decoder
            .max_utf8_buffer_length_without_replacement(1)
            .unwrap_or(16);
        text.reserve(needed.max(16));
        let before = text.len();
        let (result, _read) = decoder.decode_to_string_without_replacement(
            std::slice::from_ref(byte),
            &mut text,
            last,
        );
        if let DecoderResult::Malformed(_, _) = result {
            return Err(malformed(start + seq_start));
        }
        if text.len() > before {
            let produced = text.get(before..).unwrap_or("");
            for (j, c) in produced.char_indices() {
                push_char(
                    &mut map,
                    before + j,
                    c.len_utf8(),
                    start + seq_start,
                    i + 1 - seq_start,
                );
            }
            seq_start = i + 1;
        }
    }
    map.finish(text.len());
    Ok((text, map))
}

/// Maps a decoded character of `len` bytes at `at` to an original sequence
/// of `orig_len` bytes at `orig`: its first byte to the sequence's start and
/// its last byte to the sequence's last byte, so spans ending on it end
/// exactly after the sequence.
fn push_char(map: &mut SourceMap, at: usize, len: usize, orig: usize, orig_len: usize) {
    map.push(at, orig);
    if len > 1 {
        map.push(at + len - 1, orig + orig_len.max(1) - 1);
        map.push(at + len, orig + orig_len.max(1));
    }
}

/// The encoding an XML declaration names, if any (`<?xml ... encoding="x"?>`).
pub(crate) fn xml_declared_encoding(bytes: &[u8]) -> Option<&'static Encoding> {
    let head = bytes.get(..bytes.len().min(256))?;
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    if !head.starts_with(b"<?xml") {
        return None;
    }
    let end = head.windows(2).position(|w| w == b"?>")?;
    let decl = head.get(..end)?;
    let pos = decl.windows(8).position(|w| w == b"encoding")?;
    let rest = decl.get(pos + 8..)?;
    let quote_at = rest.iter().position(|&b| b == b'"' || b == b'\'')?;
    let quote = *rest.get(quote_at)?;
    let value = rest.get(quote_at + 1..)?;
    let close = value.iter().position(|&b| b == quote)?;
    Encoding::for_label(value.get(..close)?)
}

/// The encoding a `<meta charset=...>` near the top of an HTML file names.
pub(crate) fn html_declared_encoding(bytes: &[u8]) -> Option<&'static Encoding> {
    let head = bytes.get(..bytes.len().min(2048))?;
    let pos = head
        .windows(8)
        .position(|w| w.eq_ignore_ascii_case(b"charset="))?;
    let rest = head.get(pos + 8..)?;
    let rest = rest
        .strip_prefix(b"\"")
        .or_else(|| rest.strip_prefix(b"'"))
        .unwrap_or(rest);
    let end = rest
        .iter()
        .position(|b| !(b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b':')))
        .unwrap_or(rest.len());
    Encoding::for_label(rest.get(..end)?)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn dec(bytes: &[u8]) -> Result<Decoded, ReadError> {
        decode(Path::new("t.txt"), bytes.to_vec(), None)
    }

    #[test]
    fn utf8_is_kept_without_map() {
        let d = dec("Traité de Paris".as_bytes()).unwrap();
        assert_eq!(d.text, "Traité de Paris");
        assert!(d.encoding.is_none());
        assert!(matches!(d.origin, Origin::Shift { shift: 0, .. }));
    }

    #[test]
    fn bom_is_stripped_and_shifts_offsets() {
        let d = dec(b"\xEF\xBB\xBFAbc").unwrap();
        assert_eq!(d.text, "Abc");
        let map = d.origin.apply(SourceMap::identity(3));
        assert_eq!(map.original(0), 3);
        assert_eq!(map.original(2), 5);
    }

    #[test]
    fn windows_1252_is_detected_and_mapped() {
        let bytes = b"Le trait\xe9 fut sign\xe9 \xe0 Paris par les deux d\xe9l\xe9gations.";
        let d = dec(bytes).unwrap();
        assert_eq!(
            d.text,
            "Le traité fut signé à Paris par les deux délégations."
        );
        assert_eq!(d.encoding, Some("windows-1252"));
        assert_eq!(d.warnings.len(), 1);
        let map = d.origin.apply(SourceMap::identity(d.text.len()));
        // "Paris" starts at byte 19 of the original, later in the decoding.
        let p = d.text.find("Paris").unwrap();
        let orig_p = bytes.windows(5).position(|w| w == b"Paris").unwrap();
        assert_eq!(map.original(p), orig_p);
        let e = d.text.find('é').unwrap();
        let span = map.original_span(crate::Span::new(e, e + 2));
        assert_eq!(&bytes[span.start..span.end], b"\xe9");
    }

    #[test]
    fn garbage_is_an_encoding_error() {
        for bad in [
            &b"\xc3\x28\xa0\xa1"[..],
            b"\x80\x81\x82\x83\x84",
            b"\x81\x8d\x8f\x90\x9d",
            b"Bad bytes: \xc3\x28 \xa0\xa1 \xe2\x28\xa1 \xf0\x28\x8c\xbc",
            b"abc\x80def",
            b"ok \xff\xff\xff\xff\xff\xfe\xfd",
            b"\xe2\x82\xac euro then \xe2\x28\xa1 broken",
        ] {
            match dec(bad) {
                Err(ReadError::Encoding { offset, .. }) => {
                    assert_eq!(offset, std::str::from_utf8(bad).unwrap_err().valid_up_to())
                }
                other => panic!("{bad:?}: {other:?}"),
            }
        }
    }

    #[test]
    fn cyrillic_legacy_text_is_accepted() {
        let sentence =
            "Договор был подписан в Париже десятого июня, и обе стороны его ратифицировали.";
        let (bytes, _, _) = encoding_rs::WINDOWS_1251.encode(sentence);
        let d = dec(&bytes).unwrap();
        assert_eq!(d.text, sentence);
        assert_eq!(d.encoding, Some("windows-1251"));
    }

    #[test]
    fn nul_is_binary_and_blank_is_empty() {
        assert!(matches!(
            dec(b"abc\x00def"),
            Err(ReadError::Binary { offset: 3, .. })
        ));
        assert!(matches!(dec(b" \n\t\n"), Err(ReadError::Empty { .. })));
        assert!(matches!(dec(b""), Err(ReadError::Empty { .. })));
    }

    #[test]
    fn utf16_with_bom() {
        let mut bytes = vec![0xFF, 0xFE];
        for u in "Tōkyō".encode_utf16() {
            bytes.extend_from_slice(&u.to_le_bytes());
        }
        let d = dec(&bytes).unwrap();
        assert_eq!(d.text, "Tōkyō");
        let map = d.origin.apply(SourceMap::identity(d.text.len()));
        assert_eq!(map.original(d.text.find('k').unwrap()), 6);
        assert!(matches!(dec(b"\xFF\xFEa"), Err(ReadError::Encoding { .. })));
    }

    #[test]
    fn xml_declaration() {
        let enc = xml_declared_encoding(b"<?xml version=\"1.0\" encoding='ISO-8859-1'?><a/>");
        assert_eq!(enc.map(|e| e.name()), Some("windows-1252"));
        assert!(xml_declared_encoding(b"<a/>").is_none());
    }
}
