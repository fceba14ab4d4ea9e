//! A small model of EDTF level 1 (Library of Congress Extended Date/Time
//! Format): the subset Entente writes and reads.
//!
//! Why our own: the `edtf` crate (0.2) is MPL-licensed and unmaintained, and
//! `edtf-core` is very young; Entente needs only a handful of shapes plus
//! earliest/latest days as [`jiff::civil::Date`]s, which the query engine turns
//! into yes / possibly / no answers.
//!
//! Supported: `1907-06-10`, `1907-06`, `1907`, unspecified trailing year
//! digits `185X` / `18XX`, unspecified month or day `1907-XX`, `1907-06-XX`,
//! the qualifiers `?` (uncertain), `~` (approximate) and `%` (both) at the
//! end, and intervals `1904/1905`, `2018-01-26/2018-01-29`, with open (`..`)
//! or unknown (empty) ends. Seasons, negative and long years (`Y…`) are not.
//!
//! ```
//! use entente_recognise::edtf::Edtf;
//! let e: Edtf = "1916-07-03~".parse().unwrap();
//! assert_eq!(e.to_string(), "1916-07-03~");
//! let b = e.bounds();
//! assert_eq!(b.earliest.unwrap().to_string(), "1916-07-03");
//! let decade: Edtf = "185X".parse().unwrap();
//! assert_eq!(decade.bounds().latest.unwrap().to_string(), "1859-12-31");
//! ```

use jiff::civil::Date;
use std::fmt;
use std::str::FromStr;

/// Why a string is not EDTF this model understands.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EdtfError {
    /// The text does not have an EDTF shape; `offset` is the byte where it
    /// stopped making sense.
    #[error("not EDTF at byte {offset}: {input:?}")]
    Syntax { input: String, offset: usize },
    /// The shape is right but no such day exists (`1907-02-31`).
    #[error("no such date: {input:?}")]
    Impossible { input: String },
    /// An interval that ends before it can start (`1849/1846`). EDTF does
    /// not allow it, and no reading of it is right: taken as given, a query
    /// inside it would find nothing, and swapped it would claim what no
    /// source said.
    #[error("interval ends before it starts: {input:?}")]
    Inverted { input: String },
}

/// A qualifier on a whole date (level 1 puts it at the end).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Qualifier {
    #[default]
    None,
    /// `?`: the source is not sure.
    Uncertain,
    /// `~`: about, around, circa.
    Approximate,
    /// `%`: both.
    Both,
}

impl Qualifier {
    fn suffix(self) -> &'static str {
        match self {
            Qualifier::None => "",
            Qualifier::Uncertain => "?",
            Qualifier::Approximate => "~",
            Qualifier::Both => "%",
        }
    }
    /// Adds approximation to whatever the qualifier already says.
    pub fn with_approximate(self) -> Qualifier {
        match self {
            Qualifier::None | Qualifier::Approximate => Qualifier::Approximate,
            Qualifier::Uncertain | Qualifier::Both => Qualifier::Both,
        }
    }
}

/// One calendar date, possibly partial (`1907-06`), possibly with unspecified
/// trailing year digits (`185X`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct EdtfDate {
    /// The year with unspecified digits set to 0 (`185X` → 1850).
    pub year: i16,
    /// How many trailing year digits are unspecified (`X`), 0..=3.
    pub unspecified_year_digits: u8,
    /// `None` when the date stops at the year; `Some(None)` for `XX`.
    pub month: Option<Option<u8>>,
    /// `None` when the date stops at the month; `Some(None)` for `XX`.
    pub day: Option<Option<u8>>,
    pub qualifier: Qualifier,
}

impl EdtfDate {
    /// A year, `1907`.
    pub fn year(year: i16) -> EdtfDate {
        EdtfDate {
            year,
            unspecified_year_digits: 0,
            month: None,
            day: None,
            qualifier: Qualifier::None,
        }
    }
    /// A month, `1907-06`; `None` if `month` is not 1..=12.
    pub fn month(year: i16, month: u8) -> Option<EdtfDate> {
        (1..=12).contains(&month).then(|| EdtfDate {
            month: Some(Some(month)),
            ..EdtfDate::year(year)
        })
    }
    /// A day, `1907-06-10`; `None` if no such day exists.
    pub fn day(year: i16, month: u8, day: u8) -> Option<EdtfDate> {
        Date::new(year, i8::try_from(month).ok()?, i8::try_from(day).ok()?).ok()?;
        Some(EdtfDate {
            month: Some(Some(month)),
            day: Some(Some(day)),
            ..EdtfDate::year(year)
        })
    }
    /// A decade, `185X` (give the decade's first year).
    pub fn decade(first_year: i16) -> EdtfDate {
        EdtfDate {
            year: first_year - first_year.rem_euclid(10),
            unspecified_year_digits: 1,
            ..EdtfDate::year(first_year)
        }
    }
    /// The same date with `q` as its qualifier.
    pub fn qualified(self, q: Qualifier) -> EdtfDate {
        EdtfDate {
            qualifier: q,
            ..self
        }
    }
    /// The earliest day the date can denote.
    pub fn earliest(&self) -> Option<Date> {
        let m = self.month.flatten().unwrap_or(1);
        let d = self.day.flatten().unwrap_or(1);
        Date::new(self.year, i8::try_from(m).ok()?, i8::try_from(d).ok()?).ok()
    }
    /// The latest day the date can denote.
    pub fn latest(&self) -> Option<Date> {
        let span = 10i16.checked_pow(u32::from(self.unspecified_year_digits))?;
        let year = self.year.checked_add(span - 1)?;
        let m = self.month.flatten().unwrap_or(12);
        let month_start = Date::new(year, i8::try_from(m).ok()?, 1).ok()?;
        match self.day.flatten() {
            Some(d) => Date::new(year, i8::try_from(m).ok()?, i8::try_from(d).ok()?).ok(),
            None => Some(month_start.last_of_month()),
        }
    }
}

impl EdtfDate {
    /// Appends the EDTF form to `out`, as [`fmt::Display`] writes it,
    /// without the formatting machinery (the date finder writes one per
    /// mention).
    pub fn push_to(&self, out: &mut String) {
        // Four-digit years and two-digit months and days, the only values
        // the finders make, are written digit by digit; anything else goes
        // through `Display`.
        let two = |v: Option<u8>| v.is_none_or(|v| v < 100);
        if !(0..=9999).contains(&self.year)
            || self.unspecified_year_digits > 4
            || !two(self.month.flatten())
            || !two(self.day.flatten())
        {
            use fmt::Write;
            let _ = write!(out, "{self}");
            return;
        }
        let y = self.year as u16;
        let digits = [y / 1000, y / 100 % 10, y / 10 % 10, y % 10];
        let keep = 4 - usize::from(self.unspecified_year_digits);
        for (i, d) in digits.iter().enumerate() {
            out.push(if i < keep {
                char::from(b'0' + (*d % 10) as u8)
            } else {
                'X'
            });
        }
        for part in [self.month, self.day].into_iter().flatten() {
            out.push('-');
            match part {
                Some(v) => {
                    out.push(char::from(b'0' + v / 10));
                    out.push(char::from(b'0' + v % 10));
                }
                None => out.push_str("XX"),
            }
        }
        out.push_str(self.qualifier.suffix());
    }
}

impl fmt::Display for EdtfDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let digits = format!("{:04}", self.year);
        let keep = digits
            .len()
            .saturating_sub(usize::from(self.unspecified_year_digits));
        f.write_str(digits.get(..keep).unwrap_or(&digits))?;
        for _ in 0..self.unspecified_year_digits {
            f.write_str("X")?;
        }
        for part in [self.month, self.day].into_iter().flatten() {
            match part {
                Some(v) => write!(f, "-{v:02}")?,
                None => f.write_str("-XX")?,
            }
        }
        f.write_str(self.qualifier.suffix())
    }
}

/// One end of an interval.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Endpoint {
    Date(EdtfDate),
    /// `..`: open, the interval runs on without limit.
    Open,
    /// empty: the end exists but is not known.
    Unknown,
}

/// An EDTF value: a date or an interval.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Edtf {
    Date(EdtfDate),
    Interval(Endpoint, Endpoint),
}

/// The earliest and latest day a value can denote; `None` when unbounded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bounds {
    pub earliest: Option<Date>,
    pub latest: Option<Date>,
}

impl Edtf {
    /// Parses an EDTF string (see the module docs for the supported subset).
    pub fn parse(input: &str) -> Result<Edtf, EdtfError> {
        let syntax = |offset: usize| EdtfError::Syntax {
            input: input.to_string(),
            offset,
        };
        match input.split_once('/') {
            None => Ok(Edtf::Date(parse_date(input, 0).map_err(syntax)??)),
            Some((a, b)) => {
                let end = |s: &str, base: usize| -> Result<Endpoint, EdtfError> {
                    match s {
                        ".." => Ok(Endpoint::Open),
                        "" => Ok(Endpoint::Unknown),
                        _ => Ok(Endpoint::Date(parse_date(s, base).map_err(syntax)??)),
                    }
                };
                let start = end(a, 0)?;
                let stop = end(b, a.len() + 1)?;
                if matches!(
                    (start, stop),
                    (
                        Endpoint::Open | Endpoint::Unknown,
                        Endpoint::Open | Endpoint::Unknown
                    )
                ) {
                    return Err(syntax(0));
                }
                if let (Endpoint::Date(a), Endpoint::Date(b)) = (start, stop) {
                    // Only when no day of the start can come before the
                    // end: "1907-06/1907" overlaps and stays valid.
                    if let (Some(first), Some(last)) = (a.earliest(), b.latest()) {
                        if first > last {
                            return Err(EdtfError::Inverted {
                                input: input.to_string(),
                            });
                        }
                    }
                }
                Ok(Edtf::Interval(start, stop))
            }
        }
    }

    /// The earliest and latest possible day.
    pub fn bounds(&self) -> Bounds {
        match self {
            Edtf::Date(d) => Bounds {
                earliest: d.earliest(),
                latest: d.latest(),
            },
            Edtf::Interval(a, b) => Bounds {
                earliest: match a {
                    Endpoint::Date(d) => d.earliest(),
                    Endpoint::Open | Endpoint::Unknown => None,
                },
                latest: match b {
                    Endpoint::Date(d) => d.latest(),
                    Endpoint::Open | Endpoint::Unknown => None,
                },
            },
        }
    }

    /// True when a qualifier (`?`, `~`, `%`) or unspecified digit makes the
    /// value less than certain.
    pub fn is_qualified(&self) -> bool {
        let q = |d: &EdtfDate| d.qualifier != Qualifier::None;
        match self {
            Edtf::Date(d) => q(d),
            Edtf::Interval(a, b) => [a, b]
                .into_iter()
                .any(|e| matches!(e, Endpoint::Date(d) if q(d))),
        }
    }
}

impl FromStr for Edtf {
    type Err = EdtfError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Edtf::parse(s)
    }
}

impl Edtf {
    /// The EDTF string, as [`fmt::Display`] writes it, built without the
    /// formatting machinery.
    pub fn to_edtf_string(&self) -> String {
        let mut out = String::with_capacity(24);
        let end = |out: &mut String, e: &Endpoint| match e {
            Endpoint::Date(d) => d.push_to(out),
            Endpoint::Open => out.push_str(".."),
            Endpoint::Unknown => {}
        };
        match self {
            Edtf::Date(d) => d.push_to(&mut out),
            Edtf::Interval(a, b) => {
                end(&mut out, a);
                out.push('/');
                end(&mut out, b);
            }
        }
        out
    }
}

impl fmt::Display for Edtf {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let end = |f: &mut fmt::Formatter<'_>, e: &Endpoint| match e {
            Endpoint::Date(d) => write!(f, "{d}"),
            Endpoint::Open => f.write_str(".."),
            Endpoint::Unknown => Ok(()),
        };
        match self {
            Edtf::Date(d) => write!(f, "{d}"),
            Edtf::Interval(a, b) => {
                end(f, a)?;
                f.write_str("/")?;
                end(f, b)
            }
        }
    }
}

/// Parses one date. The outer error is the byte offset of a syntax error;
/// the inner one an impossible date.
fn parse_date(s: &str, base: usize) -> Result<Result<EdtfDate, EdtfError>, usize> {
    let b = s.as_bytes();
    let (body, qualifier) = match b.last() {
        Some(b'?') => (&b[..b.len() - 1], Qualifier::Uncertain),
        Some(b'~') => (&b[..b.len() - 1], Qualifier::Approximate),
        Some(b'%') => (&b[..b.len() - 1], Qualifier::Both),
        _ => (b, Qualifier::None),
    };
    let mut parts = body.split(|&c| c == b'-');
    let year = parts.next().ok_or(base)?;
    if year.len() != 4 {
        return Err(base);
    }
    // Unspecified digits may only trail (`18XX`, not `1X07`).
    let digits = year.iter().take_while(|c| c.is_ascii_digit()).count();
    if digits == 0 || year[digits..].iter().any(|&c| c != b'X') {
        return Err(base + digits);
    }
    let mut y: i16 = 0;
    for &c in year {
        y = y * 10 + if c == b'X' { 0 } else { i16::from(c - b'0') };
    }
    let unspecified = u8::try_from(4 - digits).map_err(|_| base)?;
    let field = |p: &[u8], at: usize| -> Result<Option<u8>, usize> {
        match p {
            [b'X', b'X'] => Ok(None),
            [a @ b'0'..=b'9', c @ b'0'..=b'9'] => Ok(Some((a - b'0') * 10 + (c - b'0'))),
            _ => Err(at),
        }
    };
    let mut date = EdtfDate {
        year: y,
        unspecified_year_digits: unspecified,
        month: None,
        day: None,
        qualifier,
    };
    if let Some(m) = parts.next() {
        date.month = Some(field(m, base + 5)?);
        if unspecified > 0 {
            return Err(base + 5);
        }
    }
    if let Some(d) = parts.next() {
        date.day = Some(field(d, base + 8)?);
    }
    if parts.next().is_some() {
        return Err(base + 10);
    }
    let impossible = || EdtfError::Impossible {
        input: String::from_utf8_lossy(b).into_owned(),
    };
    if let Some(Some(m)) = date.month {
        if !(1..=12).contains(&m) {
            return Ok(Err(impossible()));
        }
    }
    if let (Some(Some(m)), Some(Some(d))) = (date.month, date.day) {
        if EdtfDate::day(y, m, d).is_none() {
            return Ok(Err(impossible()));
        }
    }
    if date.month == Some(None) && matches!(date.day, Some(Some(_))) {
        return Err(base + 8);
    }
    Ok(Ok(date))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn round(s: &str) {
        let e = Edtf::parse(s).unwrap_or_else(|err| panic!("{s}: {err}"));
        assert_eq!(e.to_string(), s, "round trip of {s}");
        assert_eq!(e.to_edtf_string(), s, "fast writer of {s}");
    }

    /// The fast writer and `Display` agree everywhere, including the
    /// values only `Display` handles (negative or five-digit years).
    #[test]
    fn fast_writer_matches_display() {
        let q = [
            Qualifier::None,
            Qualifier::Uncertain,
            Qualifier::Approximate,
            Qualifier::Both,
        ];
        for year in [-44, 0, 7, 99, 1907, 9999, 12000] {
            for unspecified in 0..=5u8 {
                for month in [
                    None,
                    Some(None),
                    Some(Some(6)),
                    Some(Some(12)),
                    Some(Some(200)),
                ] {
                    for day in [None, Some(None), Some(Some(3)), Some(Some(31))] {
                        for qualifier in q {
                            let d = EdtfDate {
                                year,
                                unspecified_year_digits: unspecified,
                                month,
                                day,
                                qualifier,
                            };
                            let mut fast = String::new();
                            d.push_to(&mut fast);
                            assert_eq!(fast, d.to_string(), "{d:?}");
                            let i = Edtf::Interval(Endpoint::Date(d), Endpoint::Open);
                            assert_eq!(i.to_edtf_string(), i.to_string(), "{i:?}");
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn round_trips() {
        for s in [
            "1907-06-10",
            "1907-06",
            "1907",
            "185X",
            "18XX",
            "1916-07-03~",
            "1907?",
            "1907%",
            "1904/1905",
            "2018-01-26/2018-01-29",
            "../1907",
            "1907/..",
            "/1907",
            "1907-XX",
            "1907-06-XX",
            "0800",
        ] {
            round(s);
        }
    }

    #[test]
    fn bounds() {
        let b = |s: &str| {
            let b = Edtf::parse(s).unwrap().bounds();
            (
                b.earliest.map(|d| d.to_string()),
                b.latest.map(|d| d.to_string()),
            )
        };
        let some = |a: &str, z: &str| (Some(a.to_string()), Some(z.to_string()));
        assert_eq!(b("1907"), some("1907-01-01", "1907-12-31"));
        assert_eq!(b("1908-02"), some("1908-02-01", "1908-02-29"));
        assert_eq!(b("185X"), some("1850-01-01", "1859-12-31"));
        assert_eq!(b("18XX"), some("1800-01-01", "1899-12-31"));
        assert_eq!(b("1916-07-03~"), some("1916-07-03", "1916-07-03"));
        assert_eq!(b("2018-01-26/2018-01-29"), some("2018-01-26", "2018-01-29"));
        assert_eq!(b("../1907"), (None, Some("1907-12-31".to_string())));
    }

    #[test]
    fn rejects() {
        for s in [
            "",
            "19",
            "19070",
            "1907-13",
            "1907-02-30",
            "1X07",
            "185X-01",
            "1907-6",
            "abcd",
            "1907-06-10-01",
            "/",
            "../..",
            "1907-XX-05",
            "१९०७",
        ] {
            assert!(Edtf::parse(s).is_err(), "{s} should not parse");
        }
        assert!(matches!(
            Edtf::parse("1907-02-31"),
            Err(EdtfError::Impossible { .. })
        ));
    }

    #[test]
    fn an_interval_must_not_end_before_it_starts() {
        for s in [
            "1849/1846",
            "1907-06-11/1907-06-10",
            "1907-07/1907-06",
            "1910~/1905",
        ] {
            assert!(
                matches!(Edtf::parse(s), Err(EdtfError::Inverted { .. })),
                "{s}"
            );
        }
        // Ends that overlap, or meet on one day, are intervals.
        for s in [
            "1907-06/1907",
            "1907/1907-06",
            "1907-06-10/1907-06-10",
            "185X/1851",
        ] {
            assert!(matches!(Edtf::parse(s), Ok(Edtf::Interval(..))), "{s}");
        }
    }

    #[test]
    fn constructors_refuse_impossible_days() {
        assert!(EdtfDate::day(1907, 2, 31).is_none());
        assert!(EdtfDate::day(1900, 2, 29).is_none());
        assert!(EdtfDate::day(2000, 2, 29).is_some());
        assert!(EdtfDate::month(1907, 13).is_none());
        assert_eq!(EdtfDate::decade(1857).to_string(), "185X");
    }
}
