//! The schematic map of regions (`data/web/regions.tsv`): labelled boxes
//! the as-of page colours by the polity holding a sphere there.

use std::sync::OnceLock;

const TSV: &str = include_str!("../../../data/web/regions.tsv");

/// One region box, in the map's 640 × 420 viewBox.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Region {
    pub name: String,
    pub x: f32,
    pub y: f32,
    pub w: f32,
    pub h: f32,
    aliases: Vec<String>,
}

/// Every region, parents before the regions they contain.
pub(crate) fn regions() -> &'static [Region] {
    static R: OnceLock<Vec<Region>> = OnceLock::new();
    R.get_or_init(|| parse(TSV))
}

/// Malformed lines are skipped rather than fatal: the map is decoration,
/// and the test over the file's examples catches a broken line.
fn parse(tsv: &str) -> Vec<Region> {
    tsv.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .filter_map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            let num = |i: usize| f.get(i).and_then(|s| s.trim().parse::<f32>().ok());
            Some(Region {
                name: f.first()?.trim().to_string(),
                x: num(1)?,
                y: num(2)?,
                w: num(3)?,
                h: num(4)?,
                aliases: f
                    .get(5)
                    .map(|a| {
                        a.split('|')
                            .map(str::trim)
                            .filter(|s| !s.is_empty() && *s != "-")
                            .map(str::to_lowercase)
                            .collect()
                    })
                    .unwrap_or_default(),
            })
        })
        .collect()
}

/// The region a sphere's region name is drawn as, ignoring case.
pub(crate) fn find(name: &str) -> Option<&'static Region> {
    let n = name.trim().to_lowercase();
    regions()
        .iter()
        .find(|r| r.name.to_lowercase() == n)
        .or_else(|| regions().iter().find(|r| r.aliases.contains(&n)))
}

/// Whether another region lies inside `r`: its label and holders then
/// share the band at its top, since its children cover the rest.
pub(crate) fn is_parent(r: &Region) -> bool {
    regions()
        .iter()
        .any(|c| !std::ptr::eq(c, r) && inside(c, r))
}

fn inside(c: &Region, p: &Region) -> bool {
    c.x >= p.x && c.y >= p.y && c.x + c.w <= p.x + p.w && c.y + c.h <= p.y + p.h
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn the_files_examples_hold() {
        let mut n = 0;
        for l in TSV.lines() {
            let Some(ex) = l.strip_prefix("# example: ") else {
                continue;
            };
            let (input, want) = ex.split_once(" => ").unwrap();
            assert_eq!(find(input).map(|r| r.name.as_str()), Some(want), "{ex}");
            n += 1;
        }
        assert!(n >= 3, "too few examples");
    }

    #[test]
    fn every_line_parses_and_fits_the_map() {
        let lines = TSV
            .lines()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
            .count();
        assert_eq!(regions().len(), lines);
        for r in regions() {
            assert!(r.x >= 0.0 && r.y >= 0.0 && r.w > 0.0 && r.h > 0.0, "{r:?}");
            assert!(r.x + r.w <= 640.0 && r.y + r.h <= 420.0, "{r:?}");
        }
    }

    #[test]
    fn children_lie_inside_their_parents_and_come_after_them() {
        let pos = |n: &str| regions().iter().position(|r| r.name == n).unwrap();
        for (parent, child) in [
            ("Manchuria", "North Manchuria"),
            ("South Manchuria", "Liaodong Peninsula"),
            ("Inner Mongolia", "Eastern Inner Mongolia"),
        ] {
            let (p, c) = (&regions()[pos(parent)], &regions()[pos(child)]);
            assert!(pos(parent) < pos(child));
            assert!(inside(c, p));
            assert!(is_parent(p) && !is_parent(c));
        }
        // Every child leaves its parent's label band free.
        for p in regions().iter().filter(|p| is_parent(p)) {
            for c in regions()
                .iter()
                .filter(|c| !std::ptr::eq(*c, p) && inside(c, p))
            {
                assert!(
                    c.y >= p.y + 14.0,
                    "{} covers the label of {}",
                    c.name,
                    p.name
                );
            }
        }
    }

    #[test]
    fn unknown_regions_are_not_drawn() {
        assert!(find("Atlantis").is_none());
        assert!(find("").is_none());
    }
}
