//! Spheres of influence: which polity each region of a sentence is the sphere
//! of. A provision sentence often names several holders ("A and B for X, and
//! C for Y"; "the western part ... to Russia, the eastern to Japan"), so one
//! beneficiary per sentence is wrong; the cues are data in
//! `data/rules/spheres.tsv`.

use entente_recognise::{polity::PolityMention, Mention, MentionKind};
use entente_source::Span;
use regex::{Regex, RegexBuilder};
use std::sync::OnceLock;

const SPHERES: &str = include_str!("../../../data/rules/spheres.tsv");

/// Continents and the macro-regions directly inside one ("East Asia") are too
/// broad to be anyone's sphere: a sentence about spheres "in Asia" names the
/// theatre, not the sphere.
const CONTINENTS: [&str; 7] = [
    "asia",
    "europe",
    "africa",
    "americas",
    "oceania",
    "antarctica",
    "north_america",
];

/// One holder and the regions a sentence gives it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct SpherePair {
    /// The polity whose sphere the regions are.
    pub holder: PolityMention,
    /// Canonical region names, in order of mention.
    pub regions: Vec<String>,
    /// True when the pair came from a region list ("A and B for X"), which
    /// also reads cessions and so needs a sphere cue elsewhere.
    pub from_list: bool,
    /// True when the pair came from a split ("the western part of R").
    pub from_direction: bool,
}

struct Cues {
    head: Regex,
    passive: Regex,
    head_after: Regex,
    list_link: Regex,
    region_gap: Regex,
    direction: Regex,
    direction_of: Regex,
    direction_link: Regex,
    direction_poss: Regex,
    holds: Regex,
    for_lead: Regex,
    modal: Regex,
}

fn cues() -> Option<&'static Cues> {
    static C: OnceLock<Option<Cues>> = OnceLock::new();
    C.get_or_init(|| {
        let get = |role: &str| -> Option<Regex> {
            let pat = SPHERES
                .lines()
                .filter(|l| !l.starts_with('#'))
                .find_map(|l| l.strip_prefix(role)?.strip_prefix('\t'))?;
            RegexBuilder::new(&crate::rules::ascii_word_boundaries(pat))
                .case_insensitive(true)
                .build()
                .ok()
        };
        Some(Cues {
            head: get("head")?,
            passive: get("passive")?,
            head_after: get("head_after")?,
            list_link: get("list_link")?,
            region_gap: get("region_gap")?,
            direction: get("direction")?,
            direction_of: get("direction_of")?,
            direction_link: get("direction_link")?,
            direction_poss: get("direction_poss")?,
            holds: get("holds")?,
            for_lead: get("for_lead")?,
            modal: get("modal")?,
        })
    })
    .as_ref()
}

/// The name of a mention that can be a sphere: a region, province or
/// territory (not a city, sea or continent), or a polity that is not a
/// holder in the sentence ("Japan's interests in Korea").
fn region_name(m: &Mention) -> Option<String> {
    match &m.kind {
        MentionKind::Place(p) => {
            let broad = p.within.len() <= 1
                && (CONTINENTS.contains(&p.id.as_str())
                    || p.within
                        .first()
                        .is_some_and(|w| CONTINENTS.contains(&w.as_str())));
            let fine = !matches!(p.category.as_str(), "city" | "sea" | "river" | "continent");
            (fine && !broad).then(|| p.name.clone())
        }
        MentionKind::Polity(p) if !p.adjectival => Some(p.name.clone()),
        _ => None,
    }
}

/// "outer Mongolia" in lower case: the recogniser sees only "Mongolia", but
/// the qualifier before it names a region the gazetteer knows.
fn qualified(text: &str, m: &Mention) -> Option<String> {
    let before = slice(text, m.span.start.saturating_sub(7), m.span.start);
    let word = before.split_whitespace().last()?.to_lowercase();
    if !["outer", "inner", "upper", "lower"].contains(&word.as_str()) {
        return None;
    }
    let name = match &m.kind {
        MentionKind::Place(p) => &p.name,
        MentionKind::Polity(p) => &p.name,
        _ => return None,
    };
    let mut cap: String = word.chars().take(1).flat_map(char::to_uppercase).collect();
    cap.push_str(word.get(1..).unwrap_or(""));
    let phrase = format!("{cap} {name}");
    entente_recognise::place::find_in(&phrase)
        .into_iter()
        .map(|(_, p)| p.name)
        .find(|n| n.len() > name.len())
}

fn polity(m: &Mention) -> Option<&PolityMention> {
    match &m.kind {
        MentionKind::Polity(p) => Some(p),
        _ => None,
    }
}

fn slice(text: &str, a: usize, b: usize) -> &str {
    text.get(a.min(b)..b).unwrap_or("")
}

/// Canonical name of one part of a region: the recogniser's own gazetteer
/// knows "the western part of Inner Mongolia"; otherwise "Western R".
fn part_name(direction: &str, region: &str) -> String {
    let direction = match direction {
        "west" => "western",
        "east" => "eastern",
        "north" => "northern",
        "south" => "southern",
        d => d,
    };
    let phrase = format!("the {direction} part of {region}");
    let found = entente_recognise::place::find_in(&phrase)
        .into_iter()
        .map(|(_, p)| p.name)
        .find(|n| n != region);
    found.unwrap_or_else(|| {
        let mut cap: String = direction
            .chars()
            .take(1)
            .flat_map(char::to_uppercase)
            .collect();
        cap.push_str(direction.get(1..).unwrap_or(""));
        format!("{cap} {region}")
    })
}

/// The regions of a list starting at mention `k`: consecutive region
/// mentions separated only by list words. Returns the regions and the index
/// after the list.
fn region_run(text: &str, ms: &[&Mention], k: usize, c: &Cues) -> (Vec<String>, usize) {
    let mut out = Vec::new();
    let mut j = k;
    while let Some(m) = ms.get(j) {
        if let Some(prev) = j.checked_sub(1).and_then(|p| ms.get(p)) {
            if j > k
                && !c
                    .region_gap
                    .is_match(slice(text, prev.span.end, m.span.start))
            {
                break;
            }
        }
        // A polity followed by a possessive is the next holder, not a region.
        let possessive = slice(text, m.span.end, (m.span.end + 3).min(text.len()));
        match qualified(text, m).or_else(|| region_name(m)) {
            Some(n)
                if !(polity(m).is_some()
                    && (possessive.starts_with('\'') || possessive.starts_with('’'))) =>
            {
                out.push(n)
            }
            _ => break,
        }
        j += 1;
    }
    (out, j)
}

/// True when a compass phrase ends just before `at` ("the western sphere
/// of influence of" R): R is split, and only its part is anyone's sphere.
fn split_before(text: &str, span: Span, at: usize, c: &Cues) -> bool {
    let mut from = at.saturating_sub(60).max(span.start);
    while from < at && !text.is_char_boundary(from) {
        from += 1;
    }
    let pre = slice(text, from, at);
    c.direction
        .find_iter(pre)
        .any(|d| c.direction_of.is_match(pre.get(d.end()..).unwrap_or("")))
}

/// The sphere pairs of one sentence. `text` is the document text, `span` the
/// sentence, `mentions` the sentence's mentions in any order.
pub(crate) fn sphere_pairs(text: &str, span: Span, mentions: &[&Mention]) -> Vec<SpherePair> {
    let Some(c) = cues() else {
        return Vec::new();
    };
    let mut ms: Vec<&Mention> = mentions
        .iter()
        .copied()
        .filter(|m| matches!(m.kind, MentionKind::Place(_) | MentionKind::Polity(_)))
        .collect();
    ms.sort_by_key(|m| (m.span.start, std::cmp::Reverse(m.span.end)));
    // Nested mentions (a polity inside a place name) would break lists.
    let mut kept: Vec<&Mention> = Vec::new();
    for m in ms {
        if kept.last().is_none_or(|l| m.span.start >= l.span.end) {
            kept.push(m);
        }
    }
    let ms = kept;
    // Every reading below pairs a holder polity with a region, two distinct
    // mentions: most sentences have fewer, and skip the pattern work.
    if ms.len() < 2 || !ms.iter().any(|m| polity(m).is_some()) {
        return Vec::new();
    }
    let mut out: Vec<SpherePair> = Vec::new();
    let mut add = |holder: &PolityMention, regions: Vec<String>, list: bool, dir: bool| {
        let regions: Vec<String> = regions.into_iter().filter(|r| *r != holder.name).collect();
        if regions.is_empty() {
            return;
        }
        match out.iter_mut().find(|p| p.holder.id == holder.id) {
            Some(p) => {
                for r in regions {
                    if !p.regions.contains(&r) {
                        p.regions.push(r);
                    }
                }
                p.from_list &= list;
                p.from_direction |= dir;
            }
            None => out.push(SpherePair {
                holder: holder.clone(),
                regions,
                from_list: list,
                from_direction: dir,
            }),
        }
    };
    let unreal = |at: usize| {
        let from = at.saturating_sub(40).max(span.start);
        let mut from = from;
        while !text.is_char_boundary(from) && from < at {
            from += 1;
        }
        c.modal.is_match(slice(text, from, at))
    };
    // 1. "Japan's special interests in R", "Russian interests in R".
    for (k, m) in ms.iter().enumerate() {
        let Some(p) = polity(m) else { continue };
        let rest = slice(text, m.span.end, span.end);
        let possessive = p.adjectival
            || rest.starts_with("'s")
            || rest.starts_with("’s")
            || rest.starts_with("s'")
            || rest.starts_with("' ");
        // "Russia had special interests in R" holds them as well.
        let verb = if possessive {
            None
        } else {
            c.holds.find(rest).map(|v| v.end())
        };
        if (!possessive && verb.is_none()) || unreal(m.span.start) {
            continue;
        }
        let skip = verb.unwrap_or(0);
        let Some(h) = c.head.find(rest.get(skip..).unwrap_or("")) else {
            continue;
        };
        let head_end = m.span.end + skip + h.end();
        let Some(next) = ms.get(k + 1) else { continue };
        let gap = slice(text, head_end, next.span.start);
        if next.span.start < head_end || !c.region_gap.is_match(gap) {
            continue;
        }
        let (regions, _) = region_run(text, &ms, k + 1, c);
        add(p, regions, false, false);
    }
    // 2. "R was recognised as Japan's sphere".
    for (k, m) in ms.iter().enumerate() {
        let Some(region) = region_name(m) else {
            continue;
        };
        let Some(next) = ms.get(k + 1) else { continue };
        let Some(p) = polity(next) else { continue };
        if p.adjectival
            || !c.passive.is_match(slice(text, m.span.end, next.span.start))
            || !c.head_after.is_match(slice(text, next.span.end, span.end))
        {
            continue;
        }
        add(p, vec![region], false, false);
    }
    // 3. "A, B and C for X, and D for Y".
    let mut k = 0;
    while k < ms.len() {
        let (regions, after) = region_run(text, &ms, k, c);
        if regions.is_empty() {
            k += 1;
            continue;
        }
        let (Some(last), Some(next)) = (ms.get(after.saturating_sub(1)), ms.get(after)) else {
            break;
        };
        let mut consumed = 0;
        if let Some(p) = polity(next) {
            if !p.adjectival
                && !split_before(text, span, ms.get(k).map_or(0, |m| m.span.start), c)
                && c.list_link
                    .is_match(slice(text, last.span.end, next.span.start))
            {
                add(p, regions, true, false);
                // The holder ends the list; it does not start the next one.
                consumed = 1;
            }
        }
        k = (after + consumed).max(k + 1);
    }
    // 3b. "For Japan the regions were A and B."
    for (k, m) in ms.iter().enumerate() {
        let Some(p) = polity(m) else { continue };
        let before = slice(
            text,
            m.span.start.saturating_sub(4).max(span.start),
            m.span.start,
        );
        let Some(next) = ms.get(k + 1) else { continue };
        if p.adjectival
            || !before.eq_ignore_ascii_case("for ")
            || !c
                .for_lead
                .is_match(slice(text, m.span.end, next.span.start))
        {
            continue;
        }
        let (regions, _) = region_run(text, &ms, k + 1, c);
        // "the regions were" names them as regions of the holder, unlike a
        // bare list that may be a cession.
        add(p, regions, false, false);
    }
    // 4. "the western part of R ... to X, the eastern (part of R) to Y".
    let sentence = slice(text, span.start, span.end);
    let mut last_region: Option<String> = None;
    for d in c.direction.captures_iter(sentence) {
        let (Some(all), Some(word)) = (d.get(0), d.get(1)) else {
            continue;
        };
        let (ds, de) = (span.start + all.start(), span.start + all.end());
        let direction = word.as_str().to_lowercase();
        // The compass word inside a region's own name ("Western Inner
        // Mongolia", "Eastern Europe") already names the part.
        let inside = ms
            .iter()
            .position(|m| m.span.start <= ds && de <= m.span.end);
        let (region, after_end, base) = match inside {
            Some(i) => {
                let Some(m) = ms.get(i) else { continue };
                let Some(n) = region_name(m) else { continue };
                // "Western Inner Mongolia" splits Inner Mongolia, which an
                // elided "the eastern" that follows splits too.
                let base = n
                    .split_once(' ')
                    .filter(|(d, _)| c.direction.is_match(d))
                    .map(|(_, b)| b.to_string());
                (n, m.span.end, base)
            }
            None => {
                let of = ms
                    .iter()
                    .find(|m| m.span.start >= de)
                    .filter(|m| c.direction_of.is_match(slice(text, de, m.span.start)));
                match of {
                    Some(m) => {
                        let Some(n) = region_name(m) else { continue };
                        (part_name(&direction, &n), m.span.end, Some(n))
                    }
                    // Elided: "the eastern to Japan" splits the region named
                    // last, by a compass phrase or plainly before it.
                    None => {
                        let before = ms
                            .iter()
                            .rev()
                            .filter(|m| m.span.end <= ds && matches!(m.kind, MentionKind::Place(_)))
                            .find_map(|m| region_name(m));
                        match last_region.clone().or(before) {
                            Some(r) => (part_name(&direction, &r), de, Some(r)),
                            None => continue,
                        }
                    }
                }
            }
        };
        if let Some(b) = base {
            last_region = Some(b);
        }
        let holder = ms.iter().find(|m| m.span.start >= after_end);
        if let Some((m, p)) = holder.and_then(|m| polity(m).map(|p| (m, p))) {
            let gap = slice(text, after_end, m.span.start);
            let rest = slice(text, m.span.end, span.end);
            let possessive = rest.starts_with("'s") || rest.starts_with("’s");
            if !p.adjectival
                && (c.direction_link.is_match(gap)
                    || (possessive && c.direction_poss.is_match(gap)))
            {
                add(p, vec![region], false, true);
            }
        }
    }
    // A holder is never a region of the same sentence: "Russia and the
    // eastern part to Japan" lists Russia as the previous holder.
    let holders: Vec<String> = out.iter().map(|p| p.holder.name.clone()).collect();
    for p in &mut out {
        p.regions.retain(|r| !holders.contains(r));
    }
    out.retain(|p| !p.regions.is_empty());
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::extract::tests::doc;

    fn pairs_of(sentence: &str) -> String {
        // The first block of a test document is its title.
        let d = doc(&format!("Notes\n\n{sentence}"));
        let rec = entente_recognise::recognise(&d);
        let ms: Vec<&Mention> = rec.mentions.iter().collect();
        let span = Span::new("Notes\n\n".len(), d.text.len());
        sphere_pairs(&d.text, span, &ms)
            .iter()
            .map(|p| format!("{}: {}", p.holder.name, p.regions.join(", ")))
            .collect::<Vec<_>>()
            .join("; ")
    }

    #[test]
    fn sphere_examples_hold() {
        let mut failures = Vec::new();
        let mut n = 0;
        for l in SPHERES.lines() {
            let Some(ex) = l.strip_prefix("# example: ") else {
                continue;
            };
            let (sentence, want) = ex.split_once(" =>").unwrap();
            let got = pairs_of(sentence.trim());
            n += 1;
            if got != want.trim() {
                failures.push(format!(
                    "{sentence}\n  want {:?}\n  got  {got:?}",
                    want.trim()
                ));
            }
        }
        assert!(n >= 5, "examples missing");
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }

    #[test]
    fn cues_parse() {
        assert!(cues().is_some());
    }
}
