//! Web-capture debris ("[edit]", "Jump to content", reference lists), from
//! the rule file `data/boilerplate.tsv`.

use crate::{Block, BlockKind};
use regex::RegexSet;
use std::collections::HashSet;
use std::sync::LazyLock;

const RULES_TSV: &str = include_str!("../../../data/boilerplate.tsv");

/// The compiled rule set.
#[derive(Debug)]
pub(crate) struct Rules {
    lines: HashSet<String>,
    prefixes: Vec<String>,
    regexes: RegexSet,
    sections: HashSet<String>,
    classes: HashSet<String>,
    /// Length of the longest whole-line rule.
    longest_line: usize,
}

/// One row of the rule file, kept for the example test.
#[cfg_attr(not(test), allow(dead_code))]
#[derive(Debug, Clone)]
pub(crate) struct Row {
    pub kind: String,
    pub example: String,
}

fn parse(tsv: &str) -> (Rules, Vec<Row>) {
    let mut lines = HashSet::new();
    let mut prefixes = Vec::new();
    let mut patterns = Vec::new();
    let mut sections = HashSet::new();
    let mut classes = HashSet::new();
    let mut rows = Vec::new();
    for line in tsv.lines() {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let mut cols = line.split('\t');
        let (Some(kind), Some(pattern), Some(example)) = (cols.next(), cols.next(), cols.next())
        else {
            continue;
        };
        match kind {
            "line" => {
                lines.insert(pattern.to_lowercase());
            }
            "prefix" => prefixes.push(pattern.to_lowercase()),
            "regex" => patterns.push(pattern.to_string()),
            "section" => {
                sections.insert(pattern.to_lowercase());
            }
            "html_class" => {
                classes.insert(pattern.to_string());
            }
            _ => {}
        }
        rows.push(Row {
            kind: kind.to_string(),
            example: example.to_string(),
        });
    }
    // A bad pattern in the data file is caught by the example test; at run
    // time it must not take the reader down, so it disables the regex rules.
    let regexes = RegexSet::new(&patterns).unwrap_or_else(|_| RegexSet::empty());
    (
        Rules {
            longest_line: lines.iter().map(String::len).max().unwrap_or(0),
            lines,
            prefixes,
            regexes,
            sections,
            classes,
        },
        rows,
    )
}

static RULES: LazyLock<Rules> = LazyLock::new(|| parse(RULES_TSV).0);

impl Rules {
    /// The shared rule set compiled from `data/boilerplate.tsv`.
    pub fn get() -> &'static Rules {
        &RULES
    }

    /// Is this block text debris?
    pub fn is_boilerplate(&self, text: &str) -> bool {
        let t = text.trim();
        if t.is_empty() {
            return false;
        }
        // Whole-line rules only concern short lines: skip the lower-case
        // copy for prose, which is most of a large file.
        if t.len() <= self.longest_line && self.lines.contains(&t.to_lowercase()) {
            return true;
        }
        let prefixed = self.prefixes.iter().any(|p| {
            // Prefix rules are ASCII (the example test would catch others).
            t.get(..p.len())
                .is_some_and(|head| head.eq_ignore_ascii_case(p))
        });
        prefixed || self.regexes.is_match(t)
    }

    /// Is an HTML element with this class debris to drop with its content?
    pub fn is_debris_class(&self, class: &str) -> bool {
        self.classes.contains(class)
    }

    /// Does a heading with this text open a boilerplate section?
    pub fn opens_boilerplate_section(&self, heading: &str) -> bool {
        self.sections.contains(&heading.trim().to_lowercase())
    }
}

/// Marks debris blocks as [`BlockKind::Boilerplate`]: paragraphs, quotes,
/// titles and list items that match a rule, then the sections
/// [`mark_sections`] finds.
pub(crate) fn mark(text: &str, blocks: &mut [Block]) {
    let rules = Rules::get();
    for block in blocks.iter_mut() {
        if matches!(
            block.kind,
            BlockKind::Paragraph
                | BlockKind::ListItem
                | BlockKind::Quote
                | BlockKind::Title
                | BlockKind::Heading { .. }
        ) && rules.is_boilerplate(block.span.slice(text))
        {
            block.kind = BlockKind::Boilerplate;
        }
    }
    mark_sections(text, blocks);
}

/// Marks every block of a section opened by a reference-list heading
/// ("References", "External links"), up to the next heading of the same or a
/// higher level, the heading included.
pub(crate) fn mark_sections(text: &str, blocks: &mut [Block]) {
    let rules = Rules::get();
    let mut in_section: Option<u8> = None;
    for block in blocks.iter_mut() {
        if let BlockKind::Heading { level } = block.kind {
            if in_section.is_some_and(|open| level > open) {
                block.kind = BlockKind::Boilerplate;
                continue;
            }
            in_section = None;
            if rules.opens_boilerplate_section(block.span.slice(text)) {
                in_section = Some(level);
                block.kind = BlockKind::Boilerplate;
            }
            continue;
        }
        if in_section.is_some() && block.kind != BlockKind::Title {
            block.kind = BlockKind::Boilerplate;
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn rule_file_examples() {
        let (rules, rows) = parse(RULES_TSV);
        assert!(rows.len() > 20);
        let n_regex = RULES_TSV
            .lines()
            .filter(|l| l.starts_with("regex\t"))
            .count();
        assert_eq!(rules.regexes.len(), n_regex, "a regex failed to compile");
        for row in rows {
            let got = if row.kind == "section" {
                rules.opens_boilerplate_section(&row.example)
            } else if row.kind == "html_class" {
                row.example
                    .split_ascii_whitespace()
                    .any(|c| rules.is_debris_class(c))
            } else {
                rules.is_boilerplate(&row.example)
            };
            assert_eq!(
                got,
                row.kind != "keep",
                "{} rule example {:?}",
                row.kind,
                row.example
            );
        }
    }

    #[test]
    fn reference_section_is_boilerplate() {
        use crate::Span;
        let text = "Treaty\nReferences\nA cited book\nLater";
        let b = |kind, s: usize, e: usize| Block {
            kind,
            span: Span::new(s, e),
            section: None,
        };
        let mut blocks = vec![
            b(BlockKind::Paragraph, 0, 6),
            b(BlockKind::Heading { level: 2 }, 7, 17),
            b(BlockKind::ListItem, 18, 30),
            b(BlockKind::Heading { level: 2 }, 31, 36),
        ];
        mark(text, &mut blocks);
        assert_eq!(blocks[0].kind, BlockKind::Paragraph);
        assert_eq!(blocks[1].kind, BlockKind::Boilerplate);
        assert_eq!(blocks[2].kind, BlockKind::Boilerplate);
        assert_eq!(blocks[3].kind, BlockKind::Heading { level: 2 });
    }
}
