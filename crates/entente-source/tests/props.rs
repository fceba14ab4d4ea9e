//! Property tests: no input makes a reader panic, and every span a reader
//! returns is valid in the text and maps back inside the original bytes.
#![allow(clippy::unwrap_used)]

use entente_source::{read_bytes, BlockKind, Document, Span};
use proptest::prelude::*;
use std::path::Path;

const EXTENSIONS: [&str; 5] = ["txt", "md", "html", "xml", "htm"];

/// Checks the invariants every document must hold.
fn check(doc: &Document, original: &[u8]) -> Result<(), TestCaseError> {
    let text = &doc.text;
    prop_assert_eq!(doc.map.original_len(), original.len());
    let check_span = |span: Span, what: &str| -> Result<(), TestCaseError> {
        prop_assert!(
            span.start <= span.end && span.end <= text.len(),
            "{what} {span:?}"
        );
        prop_assert!(
            text.is_char_boundary(span.start) && text.is_char_boundary(span.end),
            "{what} {span:?} not on char boundaries"
        );
        let o = doc.map.original_span(span);
        prop_assert!(
            o.start <= o.end && o.end <= original.len(),
            "{what} {span:?} -> {o:?}"
        );
        Ok(())
    };
    let mut last_start = 0;
    for b in &doc.blocks {
        check_span(b.span, "block")?;
        prop_assert!(!b.span.is_empty(), "empty block {b:?}");
        prop_assert!(b.span.start >= last_start, "blocks out of order");
        last_start = b.span.start;
        if let BlockKind::KeyValue { key, value } = b.kind {
            check_span(key, "key")?;
            check_span(value, "value")?;
            prop_assert!(b.span.contains(&key) && b.span.contains(&value));
        }
    }
    for a in &doc.annotations {
        check_span(a.span, "annotation")?;
    }
    for (i, _) in text.char_indices().step_by(7) {
        prop_assert!(doc.map.original(i) <= original.len());
    }
    Ok(())
}

/// For UTF-8 input built from space-separated tokens, every word of a
/// paragraph-like block lies in the original slice of that block.
fn check_words(doc: &Document, original: &[u8]) -> Result<(), TestCaseError> {
    for b in &doc.blocks {
        if !matches!(
            b.kind,
            BlockKind::Paragraph | BlockKind::ListItem | BlockKind::Heading { .. }
        ) {
            continue;
        }
        let o = doc.map.original_span(b.span);
        let slice = String::from_utf8_lossy(&original[o.start..o.end]);
        for word in b
            .span
            .slice(&doc.text)
            .split(|c: char| !c.is_ascii_alphabetic())
            .filter(|w| w.len() > 1)
        {
            prop_assert!(
                slice.contains(word),
                "word {word:?} of {:?} not in original slice {slice:?}",
                b.span.slice(&doc.text)
            );
        }
    }
    Ok(())
}

/// Tokens that exercise every reader's structure rules.
fn token() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec![
        "treaty",
        "signed",
        "Paris",
        "Japan",
        "1907",
        "Tōkyō",
        "日露協約",
        " ",
        " ",
        "\n",
        "\n\n",
        "\r\n",
        "<p>",
        "</p>",
        "<div>",
        "</div>",
        "<head>",
        "</head>",
        "<h2>",
        "</h2>",
        "<li>",
        "<item>",
        "</item>",
        "<list>",
        "</list>",
        "<hi>",
        "</hi>",
        "<date when=\"1907\">",
        "</date>",
        "<persName>",
        "</persName>",
        "&amp;",
        "&#233;",
        "&nbsp;",
        "# ",
        "## ",
        "- ",
        "* ",
        "1. ",
        "> ",
        "Key: value",
        "[edit]",
        "^ ",
        "<script>",
        "</script>",
        "<br>",
        "=",
        "== Heading ==",
        "<!--",
        "-->",
        "<![CDATA[",
        "]]>",
        "\t",
        "*",
        "`",
        "\\",
    ])
}

fn document_text() -> impl Strategy<Value = String> {
    prop::collection::vec(token(), 0..60).prop_map(|t| t.concat())
}

fn spaced_text() -> impl Strategy<Value = String> {
    prop::collection::vec(token(), 0..60).prop_map(|t| t.join(" "))
}

fn tei(body: &str, title: &str) -> String {
    format!(
        "<?xml version=\"1.0\"?>\n<TEI xmlns=\"http://www.tei-c.org/ns/1.0\"><teiHeader><fileDesc><titleStmt><title type=\"short\">{title}</title></titleStmt></fileDesc></teiHeader><text><body><div><head>{body}</head><p>{body}</p><div><p>{body}</p></div></div></body></text></TEI>"
    )
}

fn html(body: &str) -> String {
    format!("<!DOCTYPE html><html><head><title>{body}</title></head><body><h1>{body}</h1><p>{body}</p><ul><li>{body}</ul></body></html>")
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..600), ext in 0usize..5) {
        let name = format!("f.{}", EXTENSIONS[ext]);
        if let Ok(doc) = read_bytes(Path::new(&name), &bytes) {
            check(&doc, &bytes)?;
        }
    }

    #[test]
    fn token_soup_in_every_format(s in document_text(), ext in 0usize..5) {
        let name = format!("f.{}", EXTENSIONS[ext]);
        if let Ok(doc) = read_bytes(Path::new(&name), s.as_bytes()) {
            check(&doc, s.as_bytes())?;
        }
    }

    #[test]
    fn arbitrary_strings_in_skeletons(s in any::<String>(), t in document_text()) {
        for (name, src) in [("a.xml", tei(&s, &t)), ("b.xml", tei(&t, &s)), ("c.html", html(&s)), ("d.html", html(&t))] {
            if let Ok(doc) = read_bytes(Path::new(name), src.as_bytes()) {
                check(&doc, src.as_bytes())?;
            }
        }
    }

    #[test]
    fn words_map_back(s in spaced_text(), ext in 0usize..5) {
        let name = format!("f.{}", EXTENSIONS[ext]);
        if let Ok(doc) = read_bytes(Path::new(&name), s.as_bytes()) {
            check(&doc, s.as_bytes())?;
            check_words(&doc, s.as_bytes())?;
        }
        let wrapped = tei(&s, "T");
        if let Ok(doc) = read_bytes(Path::new("w.xml"), wrapped.as_bytes()) {
            check(&doc, wrapped.as_bytes())?;
            check_words(&doc, wrapped.as_bytes())?;
        }
    }

    #[test]
    fn legacy_bytes_never_panic(s in "[a-zA-Z \\n]{0,40}", high in prop::collection::vec(0x80u8..=0xff, 0..20)) {
        let mut bytes = s.into_bytes();
        for (i, b) in high.into_iter().enumerate() {
            let at = (i * 7) % (bytes.len() + 1);
            bytes.insert(at, b);
        }
        for ext in EXTENSIONS {
            let name = format!("f.{ext}");
            if let Ok(doc) = read_bytes(Path::new(&name), &bytes) {
                check(&doc, &bytes)?;
            }
        }
    }
}
