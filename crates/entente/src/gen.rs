//! A synthetic corpus for benchmarks at scale (`entente bench gen`).
//!
//! Scale runs need gigabytes of documents that look like the real inputs
//! (every reader, the kinds of sentences the rules handle, noise between
//! them) without shipping any external data. The generator builds them from
//! the team's own templates and word lists in `data/bench/gen.tsv`.
//!
//! - Deterministic: the same seed and size give byte-identical files, so a
//!   figure in `BENCHMARKS.md` can be reproduced.
//! - Streaming: one document (5–50 KB) is built in memory at a time and
//!   written out, whatever the size of the corpus.
//!
//! ```
//! let dir = tempfile::tempdir().unwrap();
//! let opts = entente::gen::GenOptions { size: 200_000, seed: 7 };
//! let summary = entente::gen::generate(dir.path(), &opts).unwrap();
//! assert!(summary.bytes >= 200_000);
//! assert_eq!(summary.by_format.iter().sum::<u64>(), summary.files);
//! ```

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};

const LEXICON: &str = include_str!("../../../data/bench/gen.tsv");

/// Files per sub-folder: keeps directory listings short on a 1 GB corpus.
const FILES_PER_DIR: u64 = 1000;

/// Why a corpus could not be generated.
#[derive(Debug, thiserror::Error)]
pub enum GenError {
    /// A file or folder could not be written.
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// A size such as `10MB` or `1GB` could not be read.
    #[error("invalid size {given:?}: expected a number with an optional unit (KB, MB, GB, KiB, MiB, GiB)")]
    Size { given: String },
    /// The compiled-in lexicon is malformed (a bug in `data/bench/gen.tsv`).
    #[error("data/bench/gen.tsv line {line}: {message}")]
    Lexicon { line: usize, message: String },
}

/// What to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GenOptions {
    /// Stop once at least this many bytes are written.
    pub size: u64,
    /// The seed of the pseudo-random generator.
    pub seed: u64,
}

/// The five formats the generator writes, in [`GenSummary::by_format`] order.
pub const FORMATS: [&str; 5] = ["txt", "md", "html", "tei.xml", "feed.xml"];

/// What was written.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GenSummary {
    /// Documents written.
    pub files: u64,
    /// Bytes written.
    pub bytes: u64,
    /// Documents per format, in [`FORMATS`] order.
    pub by_format: [u64; 5],
}

/// Reads a size: a number with an optional decimal (`KB`, `MB`, `GB`) or
/// binary (`KiB`, `MiB`, `GiB`) unit. Decimal units are SI, as MB/s figures
/// in `BENCHMARKS.md` are.
///
/// ```
/// assert_eq!(entente::gen::parse_size("10MB").unwrap(), 10_000_000);
/// assert_eq!(entente::gen::parse_size("1 GiB").unwrap(), 1 << 30);
/// assert!(entente::gen::parse_size("lots").is_err());
/// ```
pub fn parse_size(s: &str) -> Result<u64, GenError> {
    let err = || GenError::Size {
        given: s.to_string(),
    };
    let t = s.trim();
    let split = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    let num: f64 = num.parse().map_err(|_| err())?;
    let mult: f64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1.0,
        "k" | "kb" => 1e3,
        "m" | "mb" => 1e6,
        "g" | "gb" => 1e9,
        "kib" => 1024.0,
        "mib" => 1024.0 * 1024.0,
        "gib" => 1024.0 * 1024.0 * 1024.0,
        _ => return Err(err()),
    };
    let bytes = num * mult;
    if !bytes.is_finite() || !(1.0..=1e15).contains(&bytes) {
        return Err(err());
    }
    // In range by the check above.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    Ok(bytes.round() as u64)
}

/// Writes a corpus of at least `opts.size` bytes under `out` (created if
/// needed): `out/0000/doc-000000.txt`, ... 1000 files per folder, the
/// formats in turn with a random start.
pub fn generate(out: &Path, opts: &GenOptions) -> Result<GenSummary, GenError> {
    let lex = Lexicon::parse(LEXICON)?;
    let mut rng = Rng::new(opts.seed);
    let mut summary = GenSummary::default();
    let mut buf = String::with_capacity(64 * 1024);
    while summary.bytes < opts.size {
        let n = summary.files;
        let dir = out.join(format!("{:04}", n / FILES_PER_DIR));
        if n % FILES_PER_DIR == 0 {
            std::fs::create_dir_all(&dir).map_err(|source| GenError::Io {
                path: dir.clone(),
                source,
            })?;
        }
        let format = rng.below(FORMATS.len());
        buf.clear();
        let doc = lex.document(&mut rng, n);
        render(&doc, format, &mut buf);
        let ext = FORMATS.get(format).copied().unwrap_or("txt");
        let ext = if ext.ends_with(".xml") { "xml" } else { ext };
        let path = dir.join(format!("doc-{n:06}.{ext}"));
        write_file(&path, buf.as_bytes())?;
        summary.files += 1;
        summary.bytes += u64::try_from(buf.len()).unwrap_or(u64::MAX);
        if let Some(c) = summary.by_format.get_mut(format) {
            *c += 1;
        }
    }
    Ok(summary)
}

fn write_file(path: &Path, bytes: &[u8]) -> Result<(), GenError> {
    let io = |source| GenError::Io {
        path: path.to_path_buf(),
        source,
    };
    let mut f = std::fs::File::create(path).map_err(io)?;
    f.write_all(bytes).map_err(io)
}

/// SplitMix64: tiny, fast, and good enough to vary a corpus; it keeps the
/// output byte-identical across platforms and crate versions, which a
/// dependency's generator does not promise.
#[derive(Debug)]
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x5DEE_CE66_D1CE_4E5B)
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (0 when `n` is 0); the modulo bias is irrelevant here.
    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            return 0;
        }
        usize::try_from(self.next() % u64::try_from(n).unwrap_or(u64::MAX)).unwrap_or(0)
    }

    fn range(&mut self, lo: u32, hi: u32) -> u32 {
        let span = usize::try_from(hi.saturating_sub(lo)).unwrap_or(0) + 1;
        lo + u32::try_from(self.below(span)).unwrap_or(0)
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> Option<&'a T> {
        items.get(self.below(items.len()))
    }

    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
}

#[derive(Debug, Clone)]
struct Polity {
    name: String,
    adj: String,
    combining: Option<String>,
    capital: String,
}

/// The template kinds, in the order of `data/bench/gen.tsv`'s `t:` prefixes.
const KINDS: [&str; 9] = [
    "sign", "ratify", "force", "end", "secret", "sphere", "event", "trade", "noise",
];

#[derive(Debug, Default)]
struct Lexicon {
    polities: Vec<Polity>,
    given: Vec<String>,
    surnames: Vec<String>,
    offices: Vec<String>,
    regions: Vec<String>,
    kinds: Vec<String>,
    papers: Vec<String>,
    nouns: Vec<String>,
    verbs: Vec<String>,
    /// Templates per kind, indexed like [`KINDS`].
    templates: [Vec<String>; 9],
}

impl Lexicon {
    fn parse(text: &str) -> Result<Lexicon, GenError> {
        let mut lex = Lexicon::default();
        for (i, line) in text.lines().enumerate() {
            if line.trim().is_empty() || line.starts_with('#') {
                continue;
            }
            let bad = |message: &str| GenError::Lexicon {
                line: i + 1,
                message: message.to_string(),
            };
            let cols: Vec<&str> = line.split('\t').collect();
            let (head, rest) = cols.split_first().ok_or_else(|| bad("empty line"))?;
            let one = || -> Result<String, GenError> {
                match rest {
                    [v] if !v.is_empty() => Ok((*v).to_string()),
                    _ => Err(bad("expected exactly one value")),
                }
            };
            match *head {
                "polity" => match rest {
                    [name, adj, comb, cap] => lex.polities.push(Polity {
                        name: (*name).to_string(),
                        adj: (*adj).to_string(),
                        combining: (*comb != "-").then(|| (*comb).to_string()),
                        capital: (*cap).to_string(),
                    }),
                    _ => return Err(bad("polity needs name, adjective, combining, capital")),
                },
                "given" => lex.given.push(one()?),
                "surname" => lex.surnames.push(one()?),
                "office" => lex.offices.push(one()?),
                "region" => lex.regions.push(one()?),
                "kind" => lex.kinds.push(one()?),
                "paper" => lex.papers.push(one()?),
                "noun" => lex.nouns.push(one()?),
                "verb" => lex.verbs.push(one()?),
                other => {
                    let kind = other
                        .strip_prefix("t:")
                        .and_then(|k| KINDS.iter().position(|x| *x == k))
                        .ok_or_else(|| bad(&format!("unknown entry {other:?}")))?;
                    if let Some(list) = lex.templates.get_mut(kind) {
                        list.push(one()?);
                    }
                }
            }
        }
        if lex.polities.len() < 2 || lex.templates.iter().any(Vec::is_empty) {
            return Err(GenError::Lexicon {
                line: 0,
                message: "needs two polities and a template of every kind".into(),
            });
        }
        Ok(lex)
    }

    fn word<'a>(rng: &mut Rng, list: &'a [String]) -> &'a str {
        rng.pick(list).map(String::as_str).unwrap_or("")
    }

    /// One document: a dossier on a pair of polities, made of episodes (an
    /// agreement each) whose paragraphs mix rule-shaped sentences and noise.
    fn document(&self, rng: &mut Rng, serial: u64) -> Doc {
        let ia = rng.below(self.polities.len());
        let mut ib = rng.below(self.polities.len() - 1);
        if ib >= ia {
            ib += 1;
        }
        let (Some(a), Some(b)) = (self.polities.get(ia), self.polities.get(ib)) else {
            return Doc::default();
        };
        // 5–50 KB, skewed towards small documents as real collections are.
        let target = 5_000 + (rng.below(45_000) * rng.below(1000)) / 1000;
        let mut doc = Doc {
            title: format!("{} and {}: dossier {serial}", a.name, b.name),
            ..Doc::default()
        };
        let mut len = 0usize;
        let mut first = true;
        while len < target {
            let ep = self.episode(rng, a, b);
            if first {
                doc.infobox = vec![
                    ("Name".into(), ep.agr.clone()),
                    ("Date Signed".into(), ep.signed.iso.clone()),
                    ("Location Signed".into(), ep.place.clone()),
                    ("Parties".into(), format!("{}; {}", a.name, b.name)),
                    ("Signatories".into(), format!("{}; {}", ep.pa, ep.pb)),
                ];
                first = false;
            }
            let mut section = Section {
                heading: format!("{}, {}", ep.agr, ep.signed.year),
                paras: Vec::new(),
            };
            let paras = 3 + rng.below(6);
            for _ in 0..paras {
                let para = self.paragraph(rng, &ep, a, b);
                len += para.iter().map(Seg::len).sum::<usize>() + 2;
                section.paras.push(para);
            }
            doc.sections.push(section);
        }
        doc
    }

    fn episode(&self, rng: &mut Rng, a: &Polity, b: &Polity) -> Episode {
        let year = rng.range(1815, 2024);
        let signed = Date::random(rng, year);
        let gap = rng.range(1, 31);
        // Nothing later than the present: the rules may reject future dates.
        let later = Date::random(rng, (year + gap).min(2025));
        let person = |rng: &mut Rng| {
            format!(
                "{} {}",
                Self::word(rng, &self.given),
                Self::word(rng, &self.surnames)
            )
        };
        let kind = Self::word(rng, &self.kinds).to_string();
        let agr = match (&a.combining, rng.below(3)) {
            (Some(comb), 0 | 1) => format!("{comb}-{} {kind} of {year}", b.adj),
            (_, 0) => format!("{kind} of {}", a.capital),
            _ => format!("{}–{} {kind} of {year}", a.name, b.name),
        };
        let place = if rng.chance(50) {
            a.capital.clone()
        } else {
            b.capital.clone()
        };
        Episode {
            agr,
            kind,
            place,
            pa: person(rng),
            pb: person(rng),
            oa: Self::word(rng, &self.offices).to_string(),
            ob: Self::word(rng, &self.offices).to_string(),
            signed,
            later,
        }
    }

    fn paragraph(&self, rng: &mut Rng, ep: &Episode, a: &Polity, b: &Polity) -> Vec<Seg> {
        let mut segs = Vec::new();
        let sentences = 2 + rng.below(5);
        for i in 0..sentences {
            // About one sentence in three is noise.
            let kind = if rng.chance(35) {
                KINDS.len() - 1
            } else {
                rng.below(KINDS.len() - 1)
            };
            let Some(t) = self.templates.get(kind).and_then(|l| rng.pick(l)) else {
                continue;
            };
            if i > 0 {
                segs.push(Seg::Text(" ".into()));
            }
            self.expand(rng, t, ep, a, b, &mut segs);
        }
        segs
    }

    /// Fills the slots of `template`; text outside braces is copied.
    fn expand(
        &self,
        rng: &mut Rng,
        template: &str,
        ep: &Episode,
        a: &Polity,
        b: &Polity,
        out: &mut Vec<Seg>,
    ) {
        let mut rest = template;
        while let Some(open) = rest.find('{') {
            let (before, after) = rest.split_at(open);
            let Some(close) = after.find('}') else { break };
            push_text(out, before);
            let slot = after.get(1..close).unwrap_or("");
            rest = after.get(close + 1..).unwrap_or("");
            let seg = match slot {
                "A" => Seg::Text(a.name.clone()),
                "B" => Seg::Text(b.name.clone()),
                "Aadj" => Seg::Text(a.adj.clone()),
                "Badj" => Seg::Text(b.adj.clone()),
                "agr" => Seg::Text(ep.agr.clone()),
                "kind" => Seg::Text(ep.kind.to_lowercase()),
                "date" => ep.signed.seg(DateStyle::Day(rng.below(2))),
                "date2" => ep.later.seg(DateStyle::Day(rng.below(2))),
                "month" => ep.signed.seg(DateStyle::Month),
                "year" => ep.later.seg(DateStyle::Year),
                "approx" => ep.signed.seg(DateStyle::Approx),
                "place" => Seg::Place(ep.place.clone()),
                "capA" => Seg::Place(a.capital.clone()),
                "capB" => Seg::Place(b.capital.clone()),
                "pa" => Seg::Person(ep.pa.clone()),
                "pb" => Seg::Person(ep.pb.clone()),
                "oa" => Seg::Text(ep.oa.clone()),
                "ob" => Seg::Text(ep.ob.clone()),
                "region" => Seg::Place(Self::word(rng, &self.regions).to_string()),
                "paper" => Seg::Text(Self::word(rng, &self.papers).to_string()),
                "n" => Seg::Text(rng.range(2, 99).to_string()),
                "m" => Seg::Text(rng.range(10, 999).to_string()),
                "noun" | "noun2" => Seg::Text(Self::word(rng, &self.nouns).to_string()),
                "verb" => Seg::Text(Self::word(rng, &self.verbs).to_string()),
                // An unknown slot stays visible, so the lexicon test sees it.
                other => Seg::Text(format!("{{{other}}}")),
            };
            out.push(seg);
        }
        push_text(out, rest);
    }
}

fn push_text(out: &mut Vec<Seg>, s: &str) {
    if !s.is_empty() {
        out.push(Seg::Text(s.to_string()));
    }
}

#[derive(Debug)]
struct Episode {
    agr: String,
    kind: String,
    place: String,
    pa: String,
    pb: String,
    oa: String,
    ob: String,
    signed: Date,
    later: Date,
}

#[derive(Debug, Clone, Default)]
struct Date {
    year: u32,
    month: u32,
    day: u32,
    iso: String,
}

#[derive(Debug, Clone, Copy)]
enum DateStyle {
    /// 0: "10 June 1907", 1: "June 10, 1907".
    Day(usize),
    Month,
    Year,
    Approx,
}

impl Date {
    fn random(rng: &mut Rng, year: u32) -> Date {
        let month = rng.range(1, 12);
        let day = rng.range(1, 28);
        Date {
            year,
            month,
            day,
            iso: format!("{year:04}-{month:02}-{day:02}"),
        }
    }

    fn month_name(&self) -> &'static str {
        usize::try_from(self.month.saturating_sub(1))
            .ok()
            .and_then(|i| entente_recognise::dates::MONTHS.get(i))
            .copied()
            .unwrap_or("January")
    }

    fn seg(&self, style: DateStyle) -> Seg {
        let (y, m, d) = (self.year, self.month_name(), self.day);
        let (text, when) = match style {
            DateStyle::Day(0) => (format!("{d} {m} {y}"), self.iso.clone()),
            DateStyle::Day(_) => (format!("{m} {d}, {y}"), self.iso.clone()),
            DateStyle::Month => (format!("{m} {y}"), format!("{y:04}-{:02}", self.month)),
            DateStyle::Year => (y.to_string(), format!("{y:04}")),
            DateStyle::Approx => (format!("around {d} {m} {y}"), self.iso.clone()),
        };
        Seg::Date { text, when }
    }
}

/// A piece of a paragraph: TEI renders the typed ones as inline tags.
#[derive(Debug, Clone)]
enum Seg {
    Text(String),
    Date { text: String, when: String },
    Person(String),
    Place(String),
}

impl Seg {
    fn len(&self) -> usize {
        match self {
            Seg::Text(s) | Seg::Person(s) | Seg::Place(s) => s.len(),
            Seg::Date { text, .. } => text.len(),
        }
    }
}

#[derive(Debug, Default)]
struct Section {
    heading: String,
    paras: Vec<Vec<Seg>>,
}

#[derive(Debug, Default)]
struct Doc {
    title: String,
    infobox: Vec<(String, String)>,
    sections: Vec<Section>,
}

/// Escapes text for HTML and XML content and attributes.
fn esc(s: &str, out: &mut String) {
    // maud's escaper (`&`, `<`, `>`, `"`), which cannot fail on a String.
    let _ = std::fmt::Write::write_str(&mut maud::Escaper::new(out), s);
}

fn plain(segs: &[Seg], escape: bool, out: &mut String) {
    for s in segs {
        let t = match s {
            Seg::Text(t) | Seg::Person(t) | Seg::Place(t) => t,
            Seg::Date { text, .. } => text,
        };
        if escape {
            esc(t, out);
        } else {
            out.push_str(t);
        }
    }
}

fn tei(segs: &[Seg], out: &mut String) {
    for s in segs {
        match s {
            Seg::Text(t) => esc(t, out),
            Seg::Date { text, when } => {
                out.push_str("<date when=\"");
                esc(when, out);
                out.push_str("\">");
                esc(text, out);
                out.push_str("</date>");
            }
            Seg::Person(t) => {
                out.push_str("<persName>");
                esc(t, out);
                out.push_str("</persName>");
            }
            Seg::Place(t) => {
                out.push_str("<placeName>");
                esc(t, out);
                out.push_str("</placeName>");
            }
        }
    }
}

// `write!` into a String cannot fail; the results are ignored on purpose.
fn render(doc: &Doc, format: usize, out: &mut String) {
    match format {
        0 => {
            let _ = writeln!(out, "{}\n", doc.title);
            for (k, v) in &doc.infobox {
                let _ = writeln!(out, "- {k}: {v}");
            }
            out.push('\n');
            for s in &doc.sections {
                let _ = writeln!(out, "{}\n", s.heading);
                for p in &s.paras {
                    plain(p, false, out);
                    out.push_str("\n\n");
                }
            }
        }
        1 => {
            let _ = writeln!(out, "# {}\n\n## At a glance\n", doc.title);
            for (k, v) in &doc.infobox {
                let _ = writeln!(out, "- **{k}:** {v}");
            }
            out.push('\n');
            for s in &doc.sections {
                let _ = writeln!(out, "## {}\n", s.heading);
                for p in &s.paras {
                    plain(p, false, out);
                    out.push_str("\n\n");
                }
            }
        }
        2 => {
            out.push_str(
                "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>",
            );
            esc(&doc.title, out);
            out.push_str("</title>\n<script>\n  // Site menu; no reader should see this.\n  document.addEventListener(\"click\", function (e) { if (e.target.id === \"menu\") { document.body.classList.toggle(\"open\"); } });\n</script>\n<style>nav ul { list-style: none; }</style>\n</head>\n<body>\n<nav><ul><li><a href=\"/\">Home</a></li><li><a href=\"/countries/\">Countries</a></li><li><a href=\"/press/\">Press room</a></li></ul></nav>\n<main>\n<h1>");
            esc(&doc.title, out);
            out.push_str("</h1>\n<table class=\"infobox\">\n");
            for (k, v) in &doc.infobox {
                out.push_str("<tr><th>");
                esc(k, out);
                out.push_str("</th><td>");
                esc(v, out);
                out.push_str("</td></tr>\n");
            }
            out.push_str("</table>\n");
            for s in &doc.sections {
                out.push_str("<h2>");
                esc(&s.heading, out);
                out.push_str("</h2>\n");
                for p in &s.paras {
                    out.push_str("<p>");
                    plain(p, true, out);
                    out.push_str("</p>\n");
                }
            }
            out.push_str("</main>\n<footer><p>Copyright notice and site links.</p></footer>\n</body>\n</html>\n");
        }
        3 => {
            out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<TEI xmlns=\"http://www.tei-c.org/ns/1.0\">\n<teiHeader><fileDesc><titleStmt><title>");
            esc(&doc.title, out);
            out.push_str("</title></titleStmt><publicationStmt><p>Generated by entente bench gen.</p></publicationStmt><sourceDesc><p>Synthetic.</p></sourceDesc></fileDesc></teiHeader>\n<text>\n<body>\n");
            for s in &doc.sections {
                out.push_str("<div type=\"section\">\n<head>");
                esc(&s.heading, out);
                out.push_str("</head>\n");
                for p in &s.paras {
                    out.push_str("<p>");
                    tei(p, out);
                    out.push_str("</p>\n");
                }
                out.push_str("</div>\n");
            }
            out.push_str("</body>\n</text>\n</TEI>\n");
        }
        _ => {
            out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<newsfeed lang=\"en\">\n<feedinfo><name>");
            esc(&doc.title, out);
            out.push_str("</name></feedinfo>\n");
            for (i, s) in doc.sections.iter().enumerate() {
                let _ = write!(out, "<item id=\"item-{i}\">\n<headline>");
                esc(&s.heading, out);
                out.push_str("</headline>\n<body>\n");
                for p in &s.paras {
                    out.push_str("<para>");
                    plain(p, true, out);
                    out.push_str("</para>\n");
                }
                out.push_str("</body>\n</item>\n");
            }
            out.push_str("</newsfeed>\n");
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn fixed_episode() -> (Polity, Polity, Episode) {
        let a = Polity {
            name: "France".into(),
            adj: "French".into(),
            combining: Some("Franco".into()),
            capital: "Paris".into(),
        };
        let b = Polity {
            name: "Japan".into(),
            adj: "Japanese".into(),
            combining: None,
            capital: "Tokyo".into(),
        };
        let signed = Date {
            year: 1907,
            month: 6,
            day: 10,
            iso: "1907-06-10".into(),
        };
        let ep = Episode {
            agr: "Franco-Japanese Treaty of 1907".into(),
            kind: "Treaty".into(),
            place: "Paris".into(),
            pa: "Henri Dubois".into(),
            pb: "Ivan Petrov".into(),
            oa: "Ambassador".into(),
            ob: "Foreign Minister".into(),
            later: signed.clone(),
            signed,
        };
        (a, b, ep)
    }

    fn text(segs: &[Seg]) -> String {
        let mut s = String::new();
        plain(segs, false, &mut s);
        s
    }

    /// Runs the `# example:` lines of the lexicon file; the date style is
    /// forced by a seed whose first draw picks "10 June 1907".
    #[test]
    fn lexicon_examples_expand_as_written() {
        let lex = Lexicon::parse(LEXICON).unwrap();
        let (a, b, ep) = fixed_episode();
        let mut n = 0;
        for line in LEXICON.lines() {
            let Some(ex) = line.strip_prefix("# example: ") else {
                continue;
            };
            let (lhs, want) = ex.split_once(" => ").unwrap();
            let (_, template) = lhs.split_once('\t').unwrap();
            let mut seen = Vec::new();
            for seed in 0..64 {
                let mut segs = Vec::new();
                lex.expand(&mut Rng::new(seed), template, &ep, &a, &b, &mut segs);
                seen.push(text(&segs));
            }
            assert!(seen.iter().any(|s| s == want), "{want:?} not in {seen:?}");
            n += 1;
        }
        assert!(n >= 2);
    }

    #[test]
    fn every_template_fills_every_slot() {
        let lex = Lexicon::parse(LEXICON).unwrap();
        let (a, b, ep) = fixed_episode();
        let mut rng = Rng::new(1);
        for list in &lex.templates {
            for t in list {
                let mut segs = Vec::new();
                lex.expand(&mut rng, t, &ep, &a, &b, &mut segs);
                let s = text(&segs);
                assert!(!s.contains('{') && !s.contains('}'), "{t} -> {s}");
            }
        }
    }

    #[test]
    fn tei_wraps_dates_persons_and_places() {
        let segs = vec![
            Seg::Person("Henri Dubois".into()),
            Seg::Text(" signed in ".into()),
            Seg::Place("Paris".into()),
            Seg::Text(" on ".into()),
            Seg::Date {
                text: "May 1907".into(),
                when: "1907-05".into(),
            },
            Seg::Text(" & more".into()),
        ];
        let mut s = String::new();
        tei(&segs, &mut s);
        assert_eq!(
            s,
            "<persName>Henri Dubois</persName> signed in <placeName>Paris</placeName> on <date when=\"1907-05\">May 1907</date> &amp; more"
        );
    }

    #[test]
    fn sizes_parse_with_units() {
        assert_eq!(parse_size("10MB").unwrap(), 10_000_000);
        assert_eq!(parse_size("1GB").unwrap(), 1_000_000_000);
        assert_eq!(parse_size("1.5kb").unwrap(), 1500);
        assert_eq!(parse_size("2MiB").unwrap(), 2 * 1024 * 1024);
        assert_eq!(parse_size("4096").unwrap(), 4096);
        for bad in ["", "MB", "10XB", "-5MB", "0", "1e99GB"] {
            assert!(parse_size(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn documents_are_within_size_bounds() {
        let lex = Lexicon::parse(LEXICON).unwrap();
        let mut rng = Rng::new(3);
        for n in 0..50 {
            let doc = lex.document(&mut rng, n);
            for f in 0..FORMATS.len() {
                let mut s = String::new();
                render(&doc, f, &mut s);
                assert!((5_000..80_000).contains(&s.len()), "{} {}", f, s.len());
            }
        }
    }
}
