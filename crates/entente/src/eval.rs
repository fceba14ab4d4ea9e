//! `entente eval mentions`: recall of the recogniser against the inline TEI
//! tags (`<date when>`, `<persName>`, `<placeName>`).
//!
//! The tags are a partial, noisy answer key: many names are not tagged, so
//! only recall is measured. Each file is read with the ordinary reader, its
//! annotations are removed before recognition (the recogniser never sees
//! them), and each tag counts as found when a mention of its type overlaps
//! its span:
//! - date: a tag with a `when` value, found by a date mention; its value is
//!   right when the mention's EDTF equals `when` after dropping the EDTF
//!   qualifiers `~ ? %` (TEI `when` cannot hold them), or, for an interval,
//!   when `when` equals the interval's start (TEI puts a range's start in
//!   `when`). Date tags without `when` (ranges with `from`/`to`) are left out.
//! - person: a `persName`, found by a person mention;
//! - place: a `placeName`, found by a polity or a place mention.
//!
//! Disagreements and missed dates go to stderr so that a person can check
//! them: some source tags are wrong.

use anyhow::Context;
use entente_recognise::{recognise, MentionKind, Recognition};
use entente_source::{AnnotationKind, Document, Span};
use serde::Serialize;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Recall for one mention type.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Score {
    pub gold: usize,
    pub found: usize,
}

/// Recall and value agreement for dates.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct DateScore {
    pub gold: usize,
    pub found: usize,
    pub value_ok: usize,
}

/// A tagged date whose value we read differently, or missed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DateCheck {
    pub file: PathBuf,
    /// The tagged text.
    pub text: String,
    /// The tag's `when`.
    pub when: String,
    /// Our EDTF values for the overlapping mentions; empty when missed.
    pub ours: Vec<String>,
}

/// The result of `entente eval mentions`.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct MentionEval {
    pub date: DateScore,
    pub person: Score,
    pub place: Score,
    /// Tagged dates found with another value.
    #[serde(skip)]
    pub disagreements: Vec<DateCheck>,
    /// Tagged dates no mention overlaps.
    #[serde(skip)]
    pub missed: Vec<DateCheck>,
    /// Files that could not be read, with the reason.
    #[serde(skip)]
    pub failures: Vec<String>,
    #[serde(skip)]
    pub files: usize,
}

/// Runs the evaluation over files and folders (searched recursively for
/// `.xml` and `.tei` files) and writes a table, or with `json` one JSON
/// object on the last line. Checks of disagreeing and missed dates go to
/// stderr.
pub fn eval_mentions(paths: &[PathBuf], json: bool, out: &mut dyn Write) -> anyhow::Result<()> {
    let eval = evaluate(paths)?;
    let mut err = std::io::stderr().lock();
    for f in &eval.failures {
        writeln!(err, "skipped: {f}")?;
    }
    for d in &eval.disagreements {
        writeln!(
            err,
            "date value: {}: {:?} when={} ours={}",
            d.file.display(),
            d.text,
            d.when,
            d.ours.join(",")
        )?;
    }
    for d in &eval.missed {
        writeln!(
            err,
            "date missed: {}: {:?} when={}",
            d.file.display(),
            d.text,
            d.when
        )?;
    }
    write_table(&eval, out)?;
    if json {
        writeln!(out, "{}", serde_json::to_string(&eval)?)?;
    }
    Ok(())
}

fn ratio(n: usize, d: usize) -> String {
    if d == 0 {
        "-".to_string()
    } else {
        format!("{:.3}", n as f64 / d as f64)
    }
}

fn write_table(e: &MentionEval, out: &mut dyn Write) -> anyhow::Result<()> {
    writeln!(out, "{} files", e.files)?;
    writeln!(
        out,
        "{:<8} {:>6} {:>6} {:>7} {:>9} {:>6}",
        "type", "gold", "found", "recall", "value_ok", "value"
    )?;
    writeln!(
        out,
        "{:<8} {:>6} {:>6} {:>7} {:>9} {:>6}",
        "date",
        e.date.gold,
        e.date.found,
        ratio(e.date.found, e.date.gold),
        e.date.value_ok,
        ratio(e.date.value_ok, e.date.gold)
    )?;
    for (name, s) in [("person", e.person), ("place", e.place)] {
        writeln!(
            out,
            "{:<8} {:>6} {:>6} {:>7}",
            name,
            s.gold,
            s.found,
            ratio(s.found, s.gold)
        )?;
    }
    Ok(())
}

/// Reads every TEI file under `paths` and scores the recogniser against
/// its inline tags.
pub fn evaluate(paths: &[PathBuf]) -> anyhow::Result<MentionEval> {
    let mut eval = MentionEval::default();
    for file in collect_files(paths)? {
        let bytes = std::fs::read(&file).with_context(|| format!("reading {}", file.display()))?;
        let doc = match entente_source::read_bytes(&file, &bytes) {
            Ok(d) => d,
            Err(e) => {
                eval.failures.push(e.to_string());
                continue;
            }
        };
        eval.files += 1;
        score_document(&file, &doc, &mut eval);
    }
    Ok(eval)
}

fn collect_files(paths: &[PathBuf]) -> anyhow::Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for p in paths {
        if p.is_dir() {
            for entry in walkdir::WalkDir::new(p).sort_by_file_name() {
                let entry = entry.with_context(|| format!("walking {}", p.display()))?;
                if entry.file_type().is_file() && is_tei_path(entry.path()) {
                    files.push(entry.into_path());
                }
            }
        } else if p.exists() {
            files.push(p.clone());
        } else {
            anyhow::bail!("{}: no such file or folder", p.display());
        }
    }
    Ok(files)
}

fn is_tei_path(p: &Path) -> bool {
    p.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("xml") || e.eq_ignore_ascii_case("tei"))
}

/// Strips the EDTF qualifiers so a value compares with a TEI `when`.
fn plain(edtf: &str) -> String {
    edtf.chars()
        .filter(|c| !matches!(c, '~' | '?' | '%'))
        .collect()
}

/// Does our EDTF value say what the tag's `when` says?
pub fn date_value_matches(ours: &str, when: &str) -> bool {
    let ours = plain(ours);
    let when = plain(when);
    if ours == when {
        return true;
    }
    match ours.split_once('/') {
        Some((start, _)) if !when.contains('/') => start == when,
        _ => false,
    }
}

/// Scores one read document, adding to `eval`.
pub fn score_document(file: &Path, doc: &Document, eval: &mut MentionEval) {
    // The recogniser must not see the answer key.
    let hidden = Document {
        annotations: Vec::new(),
        ..doc.clone()
    };
    let rec = recognise(&hidden);
    for a in &doc.annotations {
        match &a.kind {
            AnnotationKind::Date {
                when: Some(when), ..
            } => {
                eval.date.gold += 1;
                let ours: Vec<String> = overlapping(&rec, a.span)
                    .filter_map(|m| match &m.kind {
                        MentionKind::Date(d) => Some(d.edtf.clone()),
                        _ => None,
                    })
                    .collect();
                let check = || DateCheck {
                    file: file.to_path_buf(),
                    text: a.span.slice(&doc.text).to_string(),
                    when: when.clone(),
                    ours: ours.clone(),
                };
                if ours.is_empty() {
                    eval.missed.push(check());
                    continue;
                }
                eval.date.found += 1;
                if ours.iter().any(|o| date_value_matches(o, when)) {
                    eval.date.value_ok += 1;
                } else {
                    eval.disagreements.push(check());
                }
            }
            AnnotationKind::Date { when: None, .. } => {}
            AnnotationKind::Person { .. } => {
                eval.person.gold += 1;
                if overlapping(&rec, a.span).any(|m| matches!(m.kind, MentionKind::Person(_))) {
                    eval.person.found += 1;
                }
            }
            AnnotationKind::Place { .. } => {
                eval.place.gold += 1;
                if overlapping(&rec, a.span)
                    .any(|m| matches!(m.kind, MentionKind::Place(_) | MentionKind::Polity(_)))
                {
                    eval.place.found += 1;
                }
            }
            AnnotationKind::Ref { .. } => {}
        }
    }
}

/// The mentions whose spans overlap `span`.
fn overlapping(rec: &Recognition, span: Span) -> impl Iterator<Item = &entente_recognise::Mention> {
    // Mentions are sorted by start; none starting at or after the span's
    // end can overlap it, and mentions are short, so a small look-back
    // window before the span's start is enough.
    let end = rec.mentions.partition_point(|m| m.span.start < span.end);
    rec.mentions[..end]
        .iter()
        .rev()
        .take_while(move |m| m.span.start + 4096 > span.start)
        .filter(move |m| m.span.overlaps(&span))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn values_compare_without_qualifiers() {
        assert!(date_value_matches("1907-06-10", "1907-06-10"));
        assert!(date_value_matches("1916-07-03~", "1916-07-03"));
        assert!(date_value_matches("1794/1795", "1794"));
        assert!(!date_value_matches("1794/1795", "1795"));
        assert!(!date_value_matches("1907-06", "1907"));
        assert!(!date_value_matches("185X", "1850"));
        assert!(date_value_matches("1904/1905", "1904/1905"));
    }

    #[test]
    fn evaluates_a_tei_folder_end_to_end() {
        let dir = tempfile::tempdir().unwrap();
        let tei = r#"<TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader><fileDesc>
<titleStmt><title>Ruritania</title></titleStmt></fileDesc></teiHeader>
<text><body><div><head>Recognition, <date when="1907">1907</date></head>
<p>The envoys met in <placeName>Paris</placeName> on <date when="1907-06-10">June 10,
1907</date>, and again on <date when="1907-07-03">July 3</date>.</p>
</div></body></text></TEI>"#;
        std::fs::write(dir.path().join("a.xml"), tei).unwrap();
        std::fs::write(dir.path().join("notes.md"), "not TEI").unwrap();
        let mut out = Vec::new();
        eval_mentions(&[dir.path().to_path_buf()], true, &mut out).unwrap();
        let out = String::from_utf8(out).unwrap();
        let last = out.lines().last().unwrap();
        let v: serde_json::Value = serde_json::from_str(last).unwrap();
        assert_eq!(v["date"]["gold"], 3, "{out}");
        assert_eq!(v["date"]["found"], 3, "{out}");
        assert_eq!(v["date"]["value_ok"], 3, "{out}");
        assert_eq!(v["place"]["gold"], 1, "{out}");
        assert!(out.contains("1 files"), "{out}");
    }

    #[test]
    fn scores_a_document() {
        use entente_source::{Annotation, Block, BlockKind, Format, SourceMap};
        let text = "On 10 June 1907 Mr. Kono went to Paris. In 1908 peace.";
        let find = |s: &str| {
            let i = text.find(s).unwrap();
            Span::new(i, i + s.len())
        };
        let date = |s: &str, when: &str| Annotation {
            kind: AnnotationKind::Date {
                when: Some(when.to_string()),
                from: None,
                to: None,
            },
            span: find(s),
        };
        let doc = Document {
            format: Format::Tei,
            title: None,
            text: text.to_string(),
            map: SourceMap::identity(text.len()),
            blocks: vec![Block {
                kind: BlockKind::Paragraph,
                span: Span::new(0, text.len()),
                section: Some(0),
            }],
            annotations: vec![
                date("10 June 1907", "1907-06-10"),
                // A wrong tag: the value disagrees, the date is still found.
                date("1908", "1918"),
            ],
            encoding: None,
            warnings: Vec::new(),
        };
        let mut e = MentionEval::default();
        score_document(Path::new("x.xml"), &doc, &mut e);
        assert_eq!(
            e.date,
            DateScore {
                gold: 2,
                found: 2,
                value_ok: 1
            }
        );
        assert_eq!(e.disagreements.len(), 1);
        assert_eq!(e.disagreements[0].ours, ["1908"]);
        let json = serde_json::to_string(&e).unwrap();
        assert_eq!(
            json,
            r#"{"date":{"gold":2,"found":2,"value_ok":1},"person":{"gold":0,"found":0},"place":{"gold":0,"found":0}}"#
        );
    }
}
