//! Period-dependent readings of polity names (`data/rules/polity_successors.tsv`):
//! "Republic of China" names China (710) before 1949 and the government on
//! Taiwan (713) after it. The gazetteer resolves a name once for every date;
//! a claim knows its own date, so the move to the successor happens here.

use serde_json::{json, Value};
use std::sync::OnceLock;

const DATA: &str = include_str!("../../../data/rules/polity_successors.tsv");
const EXISTENCE: &str = include_str!("../../../data/rules/polity_existence.tsv");

/// One line of the table.
#[derive(Debug, Clone, PartialEq)]
struct Period {
    form: String,
    id: String,
    from: i32,
    to: Option<i32>,
    new_id: String,
    new_cow: Option<u16>,
    new_name: String,
}

fn parse(line: &str) -> Option<Period> {
    let c: Vec<&str> = line.split('\t').map(str::trim).collect();
    let [form, id, from, to, new_id, new_cow, new_name] = c.as_slice() else {
        return None;
    };
    Some(Period {
        form: (*form).to_string(),
        id: (*id).to_string(),
        from: from.parse().ok()?,
        to: to.parse().ok(),
        new_id: (*new_id).to_string(),
        new_cow: new_cow.parse().ok(),
        new_name: (*new_name).to_string(),
    })
}

fn table() -> &'static [Period] {
    static T: OnceLock<Vec<Period>> = OnceLock::new();
    T.get_or_init(|| {
        DATA.lines()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
            .filter_map(parse)
            .collect()
    })
}

/// The year an EDTF string starts with (the start of an interval).
fn year_of(edtf: &str) -> Option<i32> {
    edtf.get(..4)?.parse().ok()
}

/// The polity that a mention of `form` resolved to `id` names at `date`,
/// when the table moves it; `None` when the gazetteer's reading stands.
pub(crate) fn successor(form: &str, id: &str, date: &str) -> Option<Value> {
    let year = year_of(date)?;
    table()
        .iter()
        .find(|p| {
            p.form == form && p.id == id && year >= p.from && p.to.is_none_or(|to| year <= to)
        })
        .map(|p| json!({"id": p.new_id, "name": p.new_name, "cow": p.new_cow}))
}

/// The lines of `data/rules/polity_existence.tsv`: gazetteer id, form
/// (`*` for any), the first year the polity acts as a state in that form.
fn first_years() -> &'static [(String, String, i32)] {
    static T: OnceLock<Vec<(String, String, i32)>> = OnceLock::new();
    T.get_or_init(|| {
        EXISTENCE
            .lines()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
            .filter_map(|l| {
                let mut c = l.split('\t').map(str::trim);
                let (id, form, year) = (c.next()?, c.next()?, c.next()?);
                Some((id.to_string(), form.to_string(), year.parse().ok()?))
            })
            .collect()
    })
}

/// Whether the polity `id`, written `form`, can be a party at `date`
/// (EDTF): false only when the table says that in this form it did not
/// yet act as a state in the year the date starts with. An undated or
/// unreadable date keeps the party.
pub(crate) fn exists_at(id: &str, form: &str, date: &str) -> bool {
    let Some(year) = year_of(date) else {
        return true;
    };
    first_years()
        .iter()
        .filter(|(i, f, _)| i == id && (f == "*" || f == form))
        .all(|&(_, _, first)| year >= first)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    /// The `# example: A | B | C => WANT` lines of a table: the three
    /// arguments, the wanted answer and the whole example for messages.
    fn examples(src: &str) -> Vec<([&str; 3], &str, &str)> {
        let out: Vec<_> = src
            .lines()
            .filter_map(|l| l.strip_prefix("# example:"))
            .map(|ex| {
                let (args, want) = ex.split_once("=>").unwrap();
                let a: Vec<&str> = args.split('|').map(str::trim).collect();
                ([a[0], a[1], a[2]], want.trim(), ex)
            })
            .collect();
        assert!(out.len() >= 3);
        out
    }

    /// `# example: ID | FORM | DATE => yes|no`
    #[test]
    fn existence_examples_hold() {
        for ([id, form, date], want, ex) in examples(EXISTENCE) {
            let got = if exists_at(id, form, date) {
                "yes"
            } else {
                "no"
            };
            assert_eq!(got, want, "{ex}");
        }
        // Every line parses.
        let lines = EXISTENCE
            .lines()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
            .count();
        assert_eq!(first_years().len(), lines);
    }

    #[test]
    fn every_line_parses() {
        for (n, l) in DATA.lines().enumerate() {
            if l.starts_with('#') || l.trim().is_empty() {
                continue;
            }
            assert!(parse(l).is_some(), "polity_successors.tsv:{}: {l}", n + 1);
        }
        assert!(!table().is_empty());
    }

    /// `# example: FORM | ID | DATE => ID`
    #[test]
    fn examples_hold() {
        for ([form, id, date], want, ex) in examples(DATA) {
            let got = successor(form, id, date)
                .and_then(|v| v["id"].as_str().map(String::from))
                .unwrap_or_else(|| id.to_string());
            assert_eq!(got, want, "{ex}");
        }
    }

    #[test]
    fn undated_or_odd_dates_keep_the_reading() {
        assert_eq!(successor("Republic of China", "CHN", ""), None);
        assert_eq!(successor("Republic of China", "CHN", "19X"), None);
        assert_eq!(successor("Taiwan", "TWN", "1990"), None);
    }
}
