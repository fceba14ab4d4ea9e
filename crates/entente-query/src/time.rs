//! Valid time and knowledge time over EDTF bounds, answered in three values.
//!
//! Every date is reduced to a day number (days since 1970-01-01) so that the
//! interval index and the answers share one cheap representation; an EDTF
//! value becomes the range of days it can denote.

use entente_recognise::edtf::{Edtf, EdtfDate, Endpoint, Qualifier};
use jiff::civil::Date;
use serde::Serialize;
use std::fmt;

/// A three-valued answer. Ordered `No < Possibly < Yes` so that `min` is
/// "and" and `max` is "or".
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Tri {
    /// Certainly not.
    No,
    /// The dates the sources give allow both answers.
    Possibly,
    /// Certainly, whatever the uncertain dates turn out to be.
    Yes,
}

impl Tri {
    /// `yes`, `possibly` or `no`.
    pub fn as_str(self) -> &'static str {
        match self {
            Tri::No => "no",
            Tri::Possibly => "possibly",
            Tri::Yes => "yes",
        }
    }
}

impl fmt::Display for Tri {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A day as a number of days since 1970-01-01 (negative before).
pub type Day = i32;

/// The day number of a civil date (Howard Hinnant's `days_from_civil`).
pub fn day_number(d: Date) -> Day {
    let (y, m, dd) = (
        i32::from(d.year()),
        i32::from(d.month()),
        i32::from(d.day()),
    );
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + dd - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The civil date of a day number; `None` outside jiff's range.
pub fn civil(day: Day) -> Option<Date> {
    // In i64: the sentinels `Day::MIN` / `Day::MAX` must not overflow.
    let z = i64::from(day) + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    Date::new(
        i16::try_from(y).ok()?,
        i8::try_from(m).ok()?,
        i8::try_from(d).ok()?,
    )
    .ok()
}

/// The days one bound can fall on: `earliest..=latest`, [`Day::MIN`] or
/// [`Day::MAX`] when a side is unknown or open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DayRange {
    /// The earliest day it can be.
    pub earliest: Day,
    /// The latest day it can be.
    pub latest: Day,
}

fn endpoint_date(p: &Endpoint) -> Option<&EdtfDate> {
    match p {
        Endpoint::Date(d) => Some(d),
        Endpoint::Open | Endpoint::Unknown => None,
    }
}

/// How far a qualified EDTF date may be off, in days (0 when unqualified).
fn margin(d: Option<&EdtfDate>) -> Day {
    let Some(d) = d else { return 0 };
    if d.qualifier == Qualifier::None {
        return 0;
    }
    match (d.month, d.day) {
        (Some(_), Some(_)) => 7,
        (Some(_), None) => 31,
        _ => 366,
    }
}

impl DayRange {
    /// Nothing known: any day.
    pub const UNKNOWN: DayRange = DayRange {
        earliest: Day::MIN,
        latest: Day::MAX,
    };

    /// The days an EDTF value can denote; `None` when it does not parse.
    /// A qualified date ("around 3 July 1916", `1916-07-03~`; `?`; `%`)
    /// can be a little off, so it reaches a margin beyond its own bounds:
    /// a week for a day, a month for a month, a year for a year. Without
    /// it, a query on the very day would answer a certain `yes` that the
    /// source never claimed.
    pub fn of_edtf(s: &str) -> Option<DayRange> {
        let e = Edtf::parse(s.trim()).ok()?;
        let b = e.bounds();
        let (first, last) = match &e {
            Edtf::Date(d) => (Some(d), Some(d)),
            Edtf::Interval(a, z) => (endpoint_date(a), endpoint_date(z)),
        };
        Some(DayRange {
            earliest: b
                .earliest
                .map_or(Day::MIN, |d| day_number(d).saturating_sub(margin(first))),
            latest: b
                .latest
                .map_or(Day::MAX, |d| day_number(d).saturating_add(margin(last))),
        })
    }

    /// The smallest range covering every value that parses: where sources
    /// disagree, the answer must allow all of them. `None` when none parses.
    pub fn widest<'a>(values: impl IntoIterator<Item = &'a str>) -> Option<DayRange> {
        values
            .into_iter()
            .filter_map(DayRange::of_edtf)
            .reduce(|a, b| DayRange {
                earliest: a.earliest.min(b.earliest),
                latest: a.latest.max(b.latest),
            })
    }

    /// Whether the bound has certainly passed at `d` (the day itself counts
    /// as passed): `Yes` once `d` is on or after the latest possible day.
    pub fn passed(&self, d: Day) -> Tri {
        if d >= self.latest {
            Tri::Yes
        } else if d < self.earliest {
            Tri::No
        } else {
            Tri::Possibly
        }
    }
}

/// When an agreement is in force: from a start (the effective date, else the
/// signing) until an end, if any.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Validity {
    /// When it can have entered into force.
    pub start: DayRange,
    /// When it can have ended; `None` for an agreement no source ends.
    pub end: Option<DayRange>,
}

impl Validity {
    /// Whether it is in force on day `d`. The start day is in force; the
    /// end day is not (an agreement abrogated on a day no longer binds on it).
    ///
    /// ```
    /// use entente_query::time::{day_number, DayRange, Tri, Validity};
    /// let v = Validity {
    ///     start: DayRange::of_edtf("1916-07-03~").unwrap(),
    ///     end: DayRange::widest(["1917", "1918"]),
    /// };
    /// let at = |s: &str| v.in_force(day_number(s.parse().unwrap()));
    /// assert_eq!(at("1916-06-25"), Tri::No);
    /// assert_eq!(at("1916-07-03"), Tri::Possibly);
    /// assert_eq!(at("1916-12-01"), Tri::Yes);
    /// assert_eq!(at("1918-06-01"), Tri::Possibly);
    /// assert_eq!(at("1919-01-01"), Tri::No);
    /// ```
    pub fn in_force(&self, d: Day) -> Tri {
        let started = self.start.passed(d);
        let running = match &self.end {
            None => Tri::Yes,
            Some(e) => match e.passed(d) {
                Tri::Yes => Tri::No,
                Tri::No => Tri::Yes,
                Tri::Possibly => Tri::Possibly,
            },
        };
        started.min(running)
    }

    /// The first day it can be in force and the day after the last
    /// (exclusive); `Day::MIN` / `Day::MAX` for open sides. Outside this
    /// hull the answer is always `No`.
    pub fn hull(&self) -> (Day, Day) {
        (self.start.earliest, self.end.map_or(Day::MAX, |e| e.latest))
    }

    /// The days it is certainly in force, `[from, until)`; empty when
    /// `from >= until`.
    pub fn certain(&self) -> (Day, Day) {
        (self.start.latest, self.end.map_or(Day::MAX, |e| e.earliest))
    }
}

/// Parses a query date: a full day `YYYY-MM-DD`. Anything vaguer is
/// refused, since a question about "1912" has no single answer.
pub fn parse_day(s: &str) -> Result<Day, crate::QueryError> {
    let bad = || crate::QueryError::BadDate {
        input: s.to_string(),
    };
    let t = s.trim();
    if t.len() != 10 {
        return Err(bad());
    }
    let d: Date = t.parse().map_err(|_| bad())?;
    Ok(day_number(d))
}

/// A day number as `YYYY-MM-DD` (empty when out of range).
pub fn format_day(d: Day) -> String {
    civil(d).map(|c| c.to_string()).unwrap_or_default()
}

/// The calendar year of a day number.
pub fn year_of(d: Day) -> Option<i32> {
    civil(d).map(|c| i32::from(c.year()))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn day(s: &str) -> Day {
        parse_day(s).unwrap()
    }

    #[test]
    fn day_numbers_round_trip() {
        assert_eq!(day("1970-01-01"), 0);
        assert_eq!(day("1969-12-31"), -1);
        for s in ["1600-02-29", "1907-06-10", "2024-12-31", "0800-01-01"] {
            assert_eq!(format_day(day(s)), s);
        }
        assert_eq!(day("1912-03-01") - day("1912-02-28"), 2);
        assert_eq!(civil(Day::MAX), None);
        assert_eq!(civil(Day::MIN), None);
        assert_eq!(format_day(Day::MAX - 1), "");
    }

    #[test]
    fn query_dates_must_be_days() {
        for bad in [
            "1912",
            "1912-08",
            "1912-13-01",
            "yesterday",
            "1912-02-30",
            "",
        ] {
            assert!(parse_day(bad).is_err(), "{bad}");
        }
    }

    fn v(start: &[&str], end: &[&str]) -> Validity {
        Validity {
            start: DayRange::widest(start.iter().copied()).unwrap_or(DayRange::UNKNOWN),
            end: DayRange::widest(end.iter().copied()),
        }
    }

    #[test]
    fn exact_dates_answer_yes_or_no() {
        let a = v(&["1907-07-30"], &[]);
        assert_eq!(a.in_force(day("1907-07-29")), Tri::No);
        assert_eq!(a.in_force(day("1907-07-30")), Tri::Yes);
        assert_eq!(a.in_force(day("2020-01-01")), Tri::Yes);
        let b = v(&["1907-07-30"], &["1917-12-20"]);
        assert_eq!(b.in_force(day("1917-12-19")), Tri::Yes);
        assert_eq!(b.in_force(day("1917-12-20")), Tri::No);
    }

    #[test]
    fn imprecise_bounds_answer_possibly_never_a_false_yes() {
        // A start known only to the year.
        let a = v(&["1917"], &[]);
        assert_eq!(a.in_force(day("1916-12-31")), Tri::No);
        assert_eq!(a.in_force(day("1917-01-01")), Tri::Possibly);
        assert_eq!(a.in_force(day("1917-12-30")), Tri::Possibly);
        assert_eq!(a.in_force(day("1917-12-31")), Tri::Yes);
        // An end between two years.
        let b = v(&["1907-07-30"], &["1917/1918"]);
        assert_eq!(b.in_force(day("1916-12-31")), Tri::Yes);
        assert_eq!(b.in_force(day("1918-06-01")), Tri::Possibly);
        assert_eq!(b.in_force(day("1919-01-01")), Tri::No);
        // An approximate day may be a few days off: on the day itself the
        // agreement is only possibly signed; a week later certainly.
        let c = v(&["1916-07-03~"], &[]);
        assert_eq!(c.in_force(day("1916-06-25")), Tri::No);
        assert_eq!(c.in_force(day("1916-07-03")), Tri::Possibly);
        assert_eq!(c.in_force(day("1916-07-10")), Tri::Yes);
        // An approximate year reaches into the years around it.
        let y = v(&["1907"], &["1917~"]);
        assert_eq!(y.in_force(day("1916-06-01")), Tri::Possibly);
        assert_eq!(y.in_force(day("1918-06-01")), Tri::Possibly);
        assert_eq!(y.in_force(day("1919-01-02")), Tri::No);
        // No known start: never yes, never no while it may not have ended.
        let d = v(&[], &["1920"]);
        assert_eq!(d.in_force(day("1800-01-01")), Tri::Possibly);
        assert_eq!(d.in_force(day("1921-01-01")), Tri::No);
        // An open end (`1907/..`) never certainly ends.
        let e = v(&["1907-01-01"], &["1910/.."]);
        assert_eq!(e.in_force(day("1909-01-01")), Tri::Yes);
        assert_eq!(e.in_force(day("2000-01-01")), Tri::Possibly);
    }

    #[test]
    fn disagreeing_sources_widen_the_range() {
        let a = v(&["1907-07-30"], &["1917", "1918"]);
        assert_eq!(a.in_force(day("1916-12-31")), Tri::Yes);
        assert_eq!(a.in_force(day("1917-06-01")), Tri::Possibly);
        assert_eq!(a.in_force(day("1918-06-01")), Tri::Possibly);
        assert_eq!(a.in_force(day("1919-01-01")), Tri::No);
        assert_eq!(DayRange::widest(["nonsense"]), None);
    }

    proptest::proptest! {
        #[test]
        fn arbitrary_text_never_panics(s in "\\PC{0,24}") {
            let _ = parse_day(&s);
            let _ = DayRange::of_edtf(&s);
            let _ = DayRange::widest([s.as_str(), "1907"]);
        }

        /// `yes` only inside the certain interval, `no` only outside the
        /// possible one, whatever the bounds.
        #[test]
        fn answers_respect_the_bounds(
            a in -100_000i32..100_000, b in 0i32..5000,
            c in -100_000i32..100_000, e in 0i32..5000,
            ended: bool, d in -120_000i32..120_000,
        ) {
            let v = Validity {
                start: DayRange { earliest: a, latest: a + b },
                end: ended.then_some(DayRange { earliest: c, latest: c + e }),
            };
            let (from, until) = v.certain();
            let (lo, hi) = v.hull();
            match v.in_force(d) {
                Tri::Yes => proptest::prop_assert!(from <= d && d < until),
                Tri::No => proptest::prop_assert!(d < lo || d >= hi || (ended && d >= c + e)),
                Tri::Possibly => proptest::prop_assert!(lo <= d && d < hi),
            }
        }
    }

    #[test]
    fn hull_and_certain_interval() {
        let a = v(&["1907"], &["1917"]);
        assert_eq!(a.hull(), (day("1907-01-01"), day("1917-12-31")));
        assert_eq!(a.certain(), (day("1907-12-31"), day("1917-01-01")));
        assert_eq!(v(&["1907"], &[]).hull().1, Day::MAX);
    }
}
