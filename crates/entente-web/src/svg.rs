//! SVG drawings: timelines with fading bars for uncertain dates, the network
//! of agreements in force, and the schematic map of spheres.

use crate::regions;
use entente_extract::facts::PolityRef;
use entente_query::state::{Network, Sphere};
use entente_query::time::{format_day, year_of, Day, DayRange, Tri, Validity};
use maud::{html, Markup};

/// A stable colour for a polity, from its identity, so one polity has one
/// colour on every page.
pub(crate) fn colour(key: &str) -> String {
    // FNV-1a: tiny, stable across builds (std's hasher is not).
    let mut h: u32 = 0x811c_9dc5;
    for b in key.bytes() {
        h ^= u32::from(b);
        h = h.wrapping_mul(0x0100_0193);
    }
    format!("hsl({}, 60%, 45%)", h % 360)
}

/// The colour of a polity reference.
pub(crate) fn polity_colour(p: &PolityRef) -> String {
    colour(&entente_query::base::polity_key(p))
}

/// One bar of a timeline.
#[derive(Debug, Clone)]
pub(crate) struct Bar {
    pub label: String,
    pub href: String,
    pub validity: Validity,
    pub in_force_now: Option<Tri>,
}

/// One dated point of a timeline (an event, an indicator).
#[derive(Debug, Clone)]
pub(crate) struct Point {
    pub label: String,
    pub when: DayRange,
    pub href: String,
}

fn known(d: Day) -> bool {
    d != Day::MIN && d != Day::MAX
}

/// A horizontal timeline: one row per bar, points on a last row, and an
/// optional cursor line at `cursor`. The certain part of a bar is solid;
/// the days where its start or end may fall fade in or out (a gradient), so
/// "signed in 1907" reads differently from "signed 10 June 1907".
pub(crate) fn timeline(bars: &[Bar], points: &[Point], cursor: Option<Day>) -> Markup {
    let mut lo = Day::MAX;
    let mut hi = Day::MIN;
    let mut see = |d: Day| {
        if known(d) {
            lo = lo.min(d);
            hi = hi.max(d);
        }
    };
    for b in bars {
        let (s, e) = (b.validity.start, b.validity.end);
        see(s.earliest);
        see(s.latest);
        if let Some(e) = e {
            see(e.earliest);
            see(e.latest);
        }
    }
    for p in points {
        see(p.when.earliest);
        see(p.when.latest);
    }
    if let Some(c) = cursor {
        see(c);
    }
    if lo > hi {
        return html! { p.empty { "Nothing dated to draw." } };
    }
    // Pad by a year each side so bars never touch the frame.
    let (lo, hi) = (lo.saturating_sub(365), hi.saturating_add(365));
    let (left, width) = (230.0_f64, 640.0_f64);
    let x = |d: Day| -> f64 {
        let d = d.clamp(lo, hi);
        left + f64::from(d - lo) / f64::from((hi - lo).max(1)) * width
    };
    let row_h = 22.0;
    let rows = bars.len() + usize::from(!points.is_empty());
    let height = 40.0 + row_h * rows as f64;
    let (y0, y1) = (year_of(lo).unwrap_or(0), year_of(hi).unwrap_or(0));
    let step = ((y1 - y0) / 8).max(1);
    let ticks: Vec<i32> = (y0..=y1).filter(|y| (y - y0) % step == 0).collect();
    let tick_day =
        |y: i32| -> Option<Day> { DayRange::of_edtf(&format!("{y:04}")).map(|r| r.earliest) };
    html! {
        svg.timeline xmlns="http://www.w3.org/2000/svg" viewBox=(format!("0 0 {} {height}", left + width + 20.0)) role="img" aria-label="timeline" {
            defs {
                linearGradient #fade-in x1="0" x2="1" y1="0" y2="0" {
                    stop offset="0" stop-color="#2b6cb0" stop-opacity="0" {}
                    stop offset="1" stop-color="#2b6cb0" stop-opacity="1" {}
                }
                linearGradient #fade-out x1="0" x2="1" y1="0" y2="0" {
                    stop offset="0" stop-color="#2b6cb0" stop-opacity="1" {}
                    stop offset="1" stop-color="#2b6cb0" stop-opacity="0" {}
                }
            }
            @for y in &ticks {
                @if let Some(d) = tick_day(*y).filter(|d| (lo..=hi).contains(d)) {
                    line x1=(x(d)) x2=(x(d)) y1="18" y2=(height) stroke="#ddd" {}
                    text x=(x(d)) y="12" font-size="10" text-anchor="middle" { (y) }
                }
            }
            @for (i, b) in bars.iter().enumerate() {
                @let y = 24.0 + row_h * i as f64;
                @let s = b.validity.start;
                @let e = b.validity.end;
                @let solid_from = if known(s.latest) { s.latest } else { s.earliest };
                @let solid_to = match e { Some(e) if known(e.earliest) => e.earliest, Some(e) => e.latest, None => hi };
                a href=(b.href) {
                    title { (b.label) }
                    text x=(left - 6.0) y=(y + 13.0) font-size="11" text-anchor="end" { (truncate(&b.label, 34)) }
                    @if known(s.earliest) && s.latest > s.earliest {
                        rect.fade x=(x(s.earliest)) y=(y + 3.0) width=((x(s.latest) - x(s.earliest)).max(1.0)) height="14" fill="url(#fade-in)" {}
                    }
                    @if solid_to > solid_from {
                        rect.certain x=(x(solid_from)) y=(y + 3.0) width=((x(solid_to) - x(solid_from)).max(1.0)) height="14" fill="#2b6cb0"
                            opacity=(if b.in_force_now == Some(Tri::No) { "0.45" } else { "1" }) {}
                    }
                    @if let Some(e) = e {
                        @if known(e.latest) && e.latest > e.earliest {
                            rect.fade x=(x(e.earliest)) y=(y + 3.0) width=((x(e.latest) - x(e.earliest)).max(1.0)) height="14" fill="url(#fade-out)" {}
                        }
                    } @else {
                        // Still in force: an arrow at the right edge.
                        path d=(format!("M{} {} l8 7 l-8 7 z", x(hi), y + 3.0)) fill="#2b6cb0" {}
                    }
                }
            }
            @if !points.is_empty() {
                @let y = 24.0 + row_h * bars.len() as f64;
                text x=(left - 6.0) y=(y + 13.0) font-size="11" text-anchor="end" { "events" }
                @for p in points {
                    a href=(p.href) {
                        title { (p.label) }
                        @if p.when.latest > p.when.earliest && known(p.when.latest) && known(p.when.earliest) {
                            rect.fade x=(x(p.when.earliest)) y=(y + 5.0) width=((x(p.when.latest) - x(p.when.earliest)).max(2.0)) height="10" fill="#dd6b20" opacity="0.35" {}
                        }
                        circle cx=(x(if known(p.when.earliest) { p.when.earliest } else { p.when.latest })) cy=(y + 10.0) r="4" fill="#dd6b20" {}
                    }
                }
            }
            @if let Some(c) = cursor {
                line.cursor x1=(x(c)) x2=(x(c)) y1="16" y2=(height) stroke="#c53030" stroke-width="2" {}
                text x=(x(c) + 3.0) y=(height - 3.0) font-size="10" fill="#c53030" { (format_day(c)) }
            }
        }
    }
}

fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        return s.to_string();
    }
    let mut o: String = s.chars().take(n.saturating_sub(1)).collect();
    o.push('…');
    o
}

/// The network at a date: polities on a circle, one line per agreement in
/// force and pair of its parties (dashed when only possibly in force).
pub(crate) fn network(n: &Network) -> Markup {
    if n.nodes.is_empty() {
        return html! { p.empty { "No agreement in force at this date." } };
    }
    let (cx, cy, r) = (260.0_f64, 210.0_f64, 160.0_f64);
    let count = n.nodes.len() as f64;
    let pos: Vec<(f64, f64)> = (0..n.nodes.len())
        .map(|i| {
            let a = std::f64::consts::TAU * i as f64 / count - std::f64::consts::FRAC_PI_2;
            (cx + r * a.cos(), cy + r * a.sin())
        })
        .collect();
    let at = |id: &str| -> Option<(f64, f64)> {
        let i = n.nodes.iter().position(|x| x.id == id)?;
        pos.get(i).copied()
    };
    // Several agreements between one pair would draw one line over
    // another: each gets its own bend, fanned out around the straight line.
    let mut per_pair: std::collections::HashMap<(&str, &str), (usize, usize)> =
        std::collections::HashMap::new();
    for e in &n.edges {
        per_pair.entry(pair_key(e)).or_insert((0, 0)).1 += 1;
    }
    let bends: Vec<f64> = n
        .edges
        .iter()
        .map(|e| {
            let slot = per_pair.entry(pair_key(e)).or_insert((0, 1));
            let b = slot.0 as f64 - (slot.1 as f64 - 1.0) / 2.0;
            slot.0 += 1;
            b * 18.0
        })
        .collect();
    html! {
        svg.network xmlns="http://www.w3.org/2000/svg" viewBox="0 0 520 420" role="img" aria-label="network of agreements" {
            @for (e, bend) in n.edges.iter().zip(&bends) {
                @let k = pair_key(e);
                @if let (Some((x1, y1)), Some((x2, y2))) = (at(k.0), at(k.1)) {
                    a href=(format!("/agreements/{}", e.agreement)) {
                        title { (e.name) " (" (e.in_force) ")" }
                        path.edge d=(curve((x1, y1), (x2, y2), *bend)) fill="none" stroke="#4a5568" stroke-width="2.5"
                            stroke-dasharray=(if e.in_force == Tri::Yes { "none" } else { "6 4" }) {}
                    }
                }
            }
            @for (node, (x, y)) in n.nodes.iter().zip(&pos) {
                a href=(format!("/polities/{}", urlencode(&node.name))) {
                    title { (node.name) @if let Some(c) = node.cow { " (COW " (c) ")" } }
                    circle.node cx=(x) cy=(y) r="14" fill=(colour(&node.id)) {}
                    text x=(x) y=(y + 28.0) font-size="12" text-anchor="middle" { (node.name) }
                }
            }
        }
    }
}

fn pair_key(e: &entente_query::state::Edge) -> (&str, &str) {
    if e.source <= e.target {
        (e.source.as_str(), e.target.as_str())
    } else {
        (e.target.as_str(), e.source.as_str())
    }
}

/// A quadratic curve from `a` to `b` whose middle is `bend` units off the
/// straight line (a straight line for 0).
fn curve(a: (f64, f64), b: (f64, f64), bend: f64) -> String {
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let len = (dx * dx + dy * dy).sqrt().max(1e-9);
    // Callers pass a pair's ends in one fixed order (`pair_key`), so the
    // perpendicular, and with it the fan, is the same for all its edges.
    let (nx, ny) = (-dy / len, dx / len);
    let (mx, my) = (
        (a.0 + b.0) / 2.0 + nx * bend * 2.0,
        (a.1 + b.1) / 2.0 + ny * bend * 2.0,
    );
    format!(
        "M{:.1} {:.1} Q{mx:.1} {my:.1} {:.1} {:.1}",
        a.0, a.1, b.0, b.1
    )
}

/// The schematic map: a labelled box per region, filled with the colour
/// of the polity holding a sphere there (stripes when several do), faded
/// when the sphere only possibly holds. Regions the map lacks are listed.
pub(crate) fn map(spheres: &[Sphere]) -> Markup {
    let mut elsewhere: Vec<&Sphere> = Vec::new();
    let mut held: Vec<(&'static regions::Region, Vec<&Sphere>)> = Vec::new();
    for s in spheres {
        match regions::find(&s.region) {
            Some(r) => match held.iter_mut().find(|(x, _)| std::ptr::eq(*x, r)) {
                Some((_, v)) => v.push(s),
                None => held.push((r, vec![s])),
            },
            None => elsewhere.push(s),
        }
    }
    let holders = |r: &regions::Region| -> Vec<&Sphere> {
        held.iter()
            .find(|(x, _)| std::ptr::eq(*x, r))
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let mut legend: Vec<&PolityRef> = spheres.iter().map(|s| &s.polity).collect();
    legend.sort_by(|a, b| a.name.cmp(&b.name));
    legend.dedup();
    html! {
        svg.map xmlns="http://www.w3.org/2000/svg" viewBox="0 0 640 420" role="img" aria-label="schematic map of spheres of influence" {
            rect x="0" y="0" width="640" height="420" fill="#f7fafc" {}
            @for r in regions::regions() {
                @let hs = holders(r);
                g.region data-region=(r.name) {
                    rect x=(r.x) y=(r.y) width=(r.w) height=(r.h) fill="none" stroke="#a0aec0" {}
                    @for (i, s) in hs.iter().enumerate() {
                        @let w = r.w / hs.len() as f32;
                        rect.sphere x=(r.x + w * i as f32) y=(r.y) width=(w) height=(r.h)
                            fill=(polity_colour(&s.polity))
                            fill-opacity=(if s.status == Tri::Yes { "0.75" } else { "0.35" })
                            stroke-dasharray=(if s.status == Tri::Yes { "none" } else { "4 3" }) stroke="#2d3748" {
                            title { (s.region) ": " (s.polity.name) " (" (s.status) ", " (s.agreement_name) ")" }
                        }
                    }
                    text x=(r.x + 3.0) y=(r.y + 11.0) font-size=(label_size(&r.name, r.w)) { (r.name) }
                    @if regions::is_parent(r) {
                        @if let Some(first) = hs.first() {
                            a href=(format!("/agreements/{}", first.agreement)) {
                                text x=(r.x + r.w - 3.0) y=(r.y + 11.0) font-size="9" font-weight="bold" text-anchor="end" {
                                    (hs.iter().map(|s| s.polity.name.as_str()).collect::<Vec<_>>().join(", "))
                                }
                            }
                        }
                    } @else {
                        @for (i, s) in hs.iter().enumerate() {
                            a href=(format!("/agreements/{}", s.agreement)) {
                                text x=(r.x + 3.0) y=(r.y + 23.0 + 11.0 * i as f32) font-size="9" font-weight="bold" { (s.polity.name) }
                            }
                        }
                    }
                }
            }
        }
        @if !elsewhere.is_empty() {
            p { "Not on the map: "
                @for (i, s) in elsewhere.iter().enumerate() {
                    @if i > 0 { "; " }
                    (s.region) " (" a href=(format!("/agreements/{}", s.agreement)) { (s.polity.name) } ")"
                }
            }
        }
        @if !legend.is_empty() {
            p.legend {
                @for p in &legend {
                    span.swatch style=(format!("background:{}", polity_colour(p))) {} (p.name) " "
                }
            }
        }
    }
}

/// A font size at which `label` fits in `width` (a glyph is about 0.55 em
/// wide), at most 10.
fn label_size(label: &str, width: f32) -> String {
    let chars = label.chars().count().max(1) as f32;
    format!("{:.1}", ((width - 6.0) / (chars * 0.55)).clamp(5.0, 10.0))
}

/// Percent-encodes a path segment or query value.
pub(crate) fn urlencode(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            o.push(char::from(b));
        } else {
            o.push_str(&format!("%{b:02X}"));
        }
    }
    o
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn range(s: &str) -> DayRange {
        DayRange::of_edtf(s).unwrap()
    }

    #[test]
    fn uncertain_starts_fade_and_certain_ones_do_not() {
        let bar = |start: &str| Bar {
            label: "Pact".into(),
            href: "/agreements/A1".into(),
            validity: Validity {
                start: range(start),
                end: Some(range("1917-03-01")),
            },
            in_force_now: None,
        };
        let vague = timeline(&[bar("1907")], &[], None).into_string();
        assert!(vague.contains("url(#fade-in)"), "{vague}");
        let exact = timeline(&[bar("1907-06-10")], &[], None).into_string();
        assert!(!exact.contains("url(#fade-in)"), "{exact}");
        assert!(exact.contains("class=\"certain\""));
    }

    #[test]
    fn edges_between_one_pair_fan_out() {
        assert_eq!(
            curve((0.0, 0.0), (10.0, 0.0), 0.0),
            "M0.0 0.0 Q5.0 0.0 10.0 0.0"
        );
        assert_eq!(
            curve((0.0, 0.0), (10.0, 0.0), 9.0),
            "M0.0 0.0 Q5.0 18.0 10.0 0.0"
        );
        assert_eq!(
            curve((0.0, 0.0), (10.0, 0.0), -9.0),
            "M0.0 0.0 Q5.0 -18.0 10.0 0.0"
        );
        // Coincident ends do not divide by zero.
        assert!(!curve((1.0, 1.0), (1.0, 1.0), 9.0).contains("NaN"));
    }

    #[test]
    fn an_empty_timeline_says_so() {
        assert!(timeline(&[], &[], None)
            .into_string()
            .contains("Nothing dated"));
    }

    #[test]
    fn colours_are_stable_and_differ() {
        assert_eq!(colour("cow:740"), colour("cow:740"));
        assert_ne!(colour("cow:740"), colour("cow:365"));
    }

    #[test]
    fn urlencode_escapes_reserved_bytes() {
        assert_eq!(urlencode("Russo-Japanese"), "Russo-Japanese");
        assert_eq!(urlencode("a b/c?é"), "a%20b%2Fc%3F%C3%A9");
    }
}
