//! Reader behaviour on the project's own fixtures (one document written in
//! every format) and on bad input.
#![allow(clippy::unwrap_used)]

use entente_source::{
    read_bytes, read_owned, read_path, AnnotationKind, BlockKind, Document, Format, ReadError,
};
use std::path::{Path, PathBuf};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// Every block as (kind, text), heading levels dropped.
fn outline(doc: &Document) -> Vec<(&'static str, String)> {
    doc.blocks
        .iter()
        .map(|b| {
            let kind = match b.kind {
                BlockKind::Title => "title",
                BlockKind::Heading { .. } => "heading",
                BlockKind::Paragraph => "paragraph",
                BlockKind::ListItem => "item",
                BlockKind::Quote => "quote",
                BlockKind::KeyValue { .. } => "key_value",
                BlockKind::Boilerplate => "boilerplate",
            };
            (kind, b.span.slice(&doc.text).to_string())
        })
        .collect()
}

/// Full context for a failing comparison: the text and every block.
fn context(doc: &Document) -> String {
    let mut s = format!(
        "format {:?}, title {:?}\n--- text\n{}\n--- blocks\n",
        doc.format, doc.title, doc.text
    );
    for b in &doc.blocks {
        s.push_str(&format!(
            "{:?} {:?} {:?}\n",
            b.kind,
            b.section,
            b.span.slice(&doc.text)
        ));
    }
    s
}

#[test]
fn same_document_in_every_format() {
    let expected: Vec<(&str, String)> = [
        ("title", "The Harbour Accord of 1911"),
        ("heading", "Background"),
        (
            "paragraph",
            "Ruritania and Borduria signed the Harbour Accord at Strelsau on 4 March 1911.",
        ),
        ("item", "Free access to the port"),
        ("item", "Joint customs commission"),
        ("heading", "Aftermath"),
        (
            "paragraph",
            "The accord lapsed in 1920 when Borduria denounced it.",
        ),
    ]
    .into_iter()
    .map(|(k, t)| (k, t.to_string()))
    .collect();
    for (name, format) in [
        ("accord.txt", Format::Text),
        ("accord.md", Format::Markdown),
        ("accord.html", Format::Html),
        ("accord.xml", Format::Tei),
    ] {
        let path = fixture(name);
        let bytes = std::fs::read(&path).unwrap();
        let doc = read_path(&path).unwrap();
        assert_eq!(doc.format, format, "{name}");
        assert_eq!(outline(&doc), expected, "{name}:\n{}", context(&doc));
        assert_eq!(
            doc.title.as_deref(),
            Some("The Harbour Accord of 1911"),
            "{name}"
        );
        // Sections: each heading opens one, the title is outside them.
        let sections: Vec<Option<u32>> = doc.blocks.iter().map(|b| b.section).collect();
        assert_eq!(
            sections,
            [None, Some(0), Some(0), Some(0), Some(0), Some(1), Some(1)],
            "{name}:\n{}",
            context(&doc)
        );
        // Every block maps back to source bytes holding its first and last word.
        for b in &doc.blocks {
            let o = doc.map.original_span(b.span);
            let slice = std::str::from_utf8(&bytes[o.start..o.end]).unwrap();
            let words: Vec<&str> = b.span.slice(&doc.text).split(' ').collect();
            assert!(slice.starts_with(words[0]), "{name}: {slice:?}");
            let last = words[words.len() - 1].trim_end_matches('.');
            assert!(slice.contains(last), "{name}: {slice:?}");
        }
        assert!(!doc.text.contains("tracking") && !doc.text.contains("Home"));
        assert!(!doc.text.contains("Copyright") && !doc.text.contains("test suite"));
        assert!(doc.warnings.is_empty());
    }
}

#[test]
fn tei_annotations_on_fixture() {
    let doc = read_path(&fixture("accord.xml")).unwrap();
    let anns: Vec<(AnnotationKind, &str)> = doc
        .annotations
        .iter()
        .map(|a| (a.kind.clone(), a.span.slice(&doc.text)))
        .collect();
    assert_eq!(
        anns,
        vec![
            (
                AnnotationKind::Place {
                    key: Some("strelsau".into())
                },
                "Strelsau"
            ),
            (
                AnnotationKind::Date {
                    when: Some("1911-03-04".into()),
                    from: None,
                    to: None
                },
                "4 March 1911"
            ),
            (
                AnnotationKind::Date {
                    when: Some("1920".into()),
                    from: None,
                    to: None
                },
                "1920"
            ),
        ]
    );
}

#[test]
fn windows_1252_file_is_decoded_with_warning() {
    let bytes = b"Le trait\xe9 de commerce\n\nIl fut sign\xe9 \xe0 Strelsau le 4 mars 1911 par les d\xe9l\xe9gu\xe9s.\n";
    let doc = read_bytes(Path::new("legacy.txt"), bytes).unwrap();
    assert_eq!(doc.encoding.as_deref(), Some("windows-1252"));
    assert_eq!(doc.warnings.len(), 1);
    assert!(doc.warnings[0].contains("windows-1252"));
    assert_eq!(doc.title.as_deref(), Some("Le traité de commerce"));
    let p = &doc.blocks[1];
    assert_eq!(
        p.span.slice(&doc.text),
        "Il fut signé à Strelsau le 4 mars 1911 par les délégués."
    );
    let o = doc.map.original_span(p.span);
    let start = bytes.windows(6).position(|w| w == b"Il fut").unwrap();
    assert_eq!(&bytes[o.start..o.end], &bytes[start..bytes.len() - 1]);
}

#[test]
fn latin1_xml_uses_its_declaration() {
    let bytes = b"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n<notes><note>Caf\xe9 talks</note></notes>";
    let doc = read_bytes(Path::new("notes.xml"), bytes).unwrap();
    assert_eq!(doc.format, Format::Xml);
    assert_eq!(doc.text, "Café talks");
    assert!(doc.encoding.is_some());
}

#[test]
fn bad_input_errors_name_the_file() {
    let cases: Vec<(&str, &[u8])> = vec![
        ("binary.txt", b"\x7fELF\x02\x01\x01\x00\x00\x00"),
        ("garbage.txt", b"\xc3\x28\xa0\xa1\xf0\x28\x8c\xbc"),
        ("empty.txt", b""),
        ("blank.md", b"  \n\n \t "),
        (
            "broken.xml",
            b"<TEI>\n  <text>\n    <p>unclosed\n  </text>\n</TEI>",
        ),
        ("unknown.pdf", b"%PDF-1.4"),
    ];
    for (name, bytes) in cases {
        let err = read_bytes(Path::new(name), bytes).unwrap_err();
        assert!(err.to_string().contains(name), "{err}");
        match (name, &err) {
            ("binary.txt", ReadError::Binary { offset, .. }) => assert_eq!(*offset, 7),
            ("garbage.txt", ReadError::Encoding { offset, .. }) => assert_eq!(*offset, 0),
            ("empty.txt" | "blank.md", ReadError::Empty { .. }) => {}
            ("broken.xml", ReadError::Xml { line, column, .. }) => {
                // The stray end tag `</text>` starts at line 4, column 3.
                assert_eq!((*line, *column), (4, 3), "{err}");
            }
            ("unknown.pdf", ReadError::Unsupported { .. }) => {}
            _ => panic!("{name}: unexpected {err:?}"),
        }
    }
    let missing = read_path(Path::new("/nonexistent/dir/file.txt")).unwrap_err();
    assert!(matches!(missing, ReadError::Io { .. }));
    assert!(missing.to_string().contains("file.txt"));
}

#[test]
fn truncated_html_yields_readable_part() {
    let src = "<html><head><title>Cut short</title></head><body><h1>Cut short</h1><p>The envoys met at Strelsau and agr";
    let doc = read_bytes(Path::new("cut.html"), src.as_bytes()).unwrap();
    let out = outline(&doc);
    assert_eq!(
        out.last().unwrap(),
        &(
            "paragraph",
            "The envoys met at Strelsau and agr".to_string()
        )
    );
}

#[test]
fn read_owned_keeps_utf8_text_as_is() {
    let text = "A Title\n\nA paragraph of plain text.\n".repeat(3);
    let doc = read_owned(Path::new("plain.txt"), text.clone().into_bytes()).unwrap();
    assert_eq!(doc.text, text);
    assert_eq!(doc.map.segments(), &[(0, 0)]);
}

#[test]
fn bom_and_crlf_map_to_original_offsets() {
    let src = b"\xEF\xBB\xBFA Title\r\n\r\nThe envoys met at Strelsau.\r\n";
    let doc = read_bytes(Path::new("bom.txt"), src).unwrap();
    assert_eq!(doc.text, "A Title\n\nThe envoys met at Strelsau.\n");
    let p = &doc.blocks[1];
    let o = doc.map.original_span(p.span);
    assert_eq!(&src[o.start..o.end], b"The envoys met at Strelsau.");
    assert_eq!(doc.map.original_len(), src.len());
}
