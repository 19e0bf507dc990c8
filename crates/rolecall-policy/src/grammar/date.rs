//! `Date*` operator values (docs/DECISIONS.md R7, docs/SEMANTICS.md §3.4).
//!
//! ```text
//! value    := epoch | iso            (iso when the text has `-`, `T` or `t`)
//! epoch    := [0-9]+                 (at most 2^63-1 seconds)
//! iso      := YYYY [ "-" MM [ "-" DD ] ] [ ("T"|"t") time ]
//! time     := hh [ ":" mm [ ":" ss [ "." 1*9 digits ] ] ] [ zone ]
//! zone     := "Z" | "z" | ("+"|"-") hh [ ":" mm ]
//! ```
//!
//! Fields are fixed-width and range-checked (month 1-12, day valid for the
//! month in the proleptic Gregorian calendar, hour 0-23, minute and second
//! 0-59, zone hour 0-23 and minute 0-59). No zone means UTC. The result is
//! nanoseconds since the Unix epoch, so epoch and ISO values compare in one
//! unit (docs/SEMANTICS.md §3.4 names the mixed-unit trap).
//!
//! The calendar arithmetic is written here rather than taken from `time`
//! or `chrono`: their parsers accept other ISO 8601 spellings, and this
//! grammar must accept exactly the one above; what remains is one
//! days-from-civil formula.

use nom::bytes::complete::take_while_m_n;
use nom::character::complete::{char, one_of};
use nom::combinator::{map_res, opt};
use nom::sequence::preceded;
use nom::Parser;

use super::{offset_in, PResult};

/// Why a `Date` value does not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
#[error("{kind} (at byte {offset})")]
pub struct DateError {
    /// Byte offset of the first offending byte.
    pub offset: usize,
    /// What is wrong.
    pub kind: DateErrorKind,
}

/// The kinds of [`DateError`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DateErrorKind {
    /// Not epoch seconds and not the ISO 8601 form.
    #[error("expected epoch seconds or an ISO 8601 date such as `2024-01-31T12:00:00Z`")]
    Syntax,
    /// Epoch seconds above 2^63-1.
    #[error("epoch seconds must be at most 9223372036854775807")]
    OutOfRange,
    /// A field outside its range (month 13, 30 February, hour 24, ...).
    #[error("{0} out of range")]
    Field(&'static str),
}

const NANOS_PER_SECOND: i128 = 1_000_000_000;

/// Parses a `Date` value to nanoseconds since 1970-01-01T00:00:00Z.
///
/// ```
/// use rolecall_policy::grammar::date::parse_date;
/// assert_eq!(parse_date("0").unwrap(), 0);
/// assert_eq!(parse_date("1970-01-02").unwrap(), 86_400_000_000_000);
/// assert_eq!(parse_date("1970-01-01T01:00:00+01:00").unwrap(), 0);
/// assert!(parse_date("2024-02-30").is_err());
/// ```
pub fn parse_date(s: &str) -> Result<i128, DateError> {
    if s.contains(['-', 'T', 't']) {
        return parse_iso(s);
    }
    let err = |offset, kind| DateError { offset, kind };
    if s.is_empty() {
        return Err(err(0, DateErrorKind::Syntax));
    }
    if let Some(i) = s.bytes().position(|b| !b.is_ascii_digit()) {
        return Err(err(i, DateErrorKind::Syntax));
    }
    // All digits: `u64` parsing fails only on overflow.
    let secs: u64 = s.parse().map_err(|_| err(0, DateErrorKind::OutOfRange))?;
    if secs > i64::MAX as u64 {
        return Err(err(0, DateErrorKind::OutOfRange));
    }
    Ok(i128::from(secs) * NANOS_PER_SECOND)
}

fn digits(n: usize) -> impl FnMut(&str) -> PResult<'_, u32> {
    move |i| {
        map_res(
            take_while_m_n(n, n, |c: char| c.is_ascii_digit()),
            str::parse,
        )
        .parse(i)
    }
}

/// The parsed fields, before range checks. Each field keeps the byte offset
/// it was read at, for the error.
struct Fields {
    year: u32,
    month: Option<(usize, u32)>,
    day: Option<(usize, u32)>,
    hour: Option<(usize, u32)>,
    minute: Option<(usize, u32)>,
    second: Option<(usize, u32)>,
    nanos: u32,
    zone: Option<(usize, i32, u32, u32)>,
}

fn parse_iso(s: &str) -> Result<i128, DateError> {
    let at = |rest: &str| offset_in(s, rest);
    let syntax = |rest: &str| DateError {
        offset: offset_in(s, rest),
        kind: DateErrorKind::Syntax,
    };

    let mut f = Fields {
        year: 0,
        month: None,
        day: None,
        hour: None,
        minute: None,
        second: None,
        nanos: 0,
        zone: None,
    };
    let (mut rest, year) = digits(4)(s).map_err(|_| syntax(s))?;
    f.year = year;
    // Optional `-MM`, `-DD`, `:mm`, `:ss`: each is `sep` then two digits.
    let sep2 = |sep: char, i| -> Result<Option<(usize, u32, &str)>, DateError> {
        let r: PResult<'_, Option<u32>> = opt(preceded(char(sep), digits(2))).parse(i);
        match r {
            Ok((r2, Some(v))) => Ok(Some((at(i) + 1, v, r2))),
            Ok((_, None)) => Ok(None),
            // `-` present but not followed by two digits.
            Err(_) => Err(syntax(i)),
        }
    };
    if let Some((o, m, r)) = sep2('-', rest)? {
        f.month = Some((o, m));
        rest = r;
        if let Some((o, d, r)) = sep2('-', rest)? {
            f.day = Some((o, d));
            rest = r;
        }
    }
    let t: PResult<'_, Option<char>> = opt(one_of("Tt")).parse(rest);
    if let Ok((r, Some(_))) = t {
        let (r, hh) = digits(2)(r).map_err(|_| syntax(r))?;
        f.hour = Some((at(r) - 2, hh));
        rest = r;
        if let Some((o, mm, r)) = sep2(':', rest)? {
            f.minute = Some((o, mm));
            rest = r;
            if let Some((o, ss, r)) = sep2(':', rest)? {
                f.second = Some((o, ss));
                rest = r;
                let frac: PResult<'_, Option<&str>> = opt(preceded(
                    char('.'),
                    take_while_m_n(1, 9, |c: char| c.is_ascii_digit()),
                ))
                .parse(rest);
                match frac {
                    Ok((r, Some(digits))) => {
                        // Scale to nanoseconds: "5" is 500_000_000.
                        let scale = 10u32.pow(9 - digits.len() as u32);
                        f.nanos = digits.parse::<u32>().map_err(|_| syntax(rest))? * scale;
                        rest = r;
                    }
                    Ok((_, None)) => {}
                    Err(_) => return Err(syntax(rest)),
                }
            }
        }
        rest = parse_zone(rest, &mut f, s)?;
    }
    if !rest.is_empty() {
        return Err(syntax(rest));
    }
    to_nanos(&f, s)
}

fn parse_zone<'a>(rest: &'a str, f: &mut Fields, s: &str) -> Result<&'a str, DateError> {
    let syntax = |r: &str| DateError {
        offset: offset_in(s, r),
        kind: DateErrorKind::Syntax,
    };
    let z: PResult<'_, char> = one_of("Zz+-").parse(rest);
    let Ok((r, sign)) = z else {
        return Ok(rest);
    };
    if sign == 'Z' || sign == 'z' {
        f.zone = Some((offset_in(s, rest), 1, 0, 0));
        return Ok(r);
    }
    let (r2, hh) = digits(2)(r).map_err(|_| syntax(r))?;
    let mm: PResult<'_, Option<u32>> = opt(preceded(char(':'), digits(2))).parse(r2);
    let (r3, mm) = mm.map_err(|_| syntax(r2))?;
    let sign = if sign == '-' { -1 } else { 1 };
    f.zone = Some((offset_in(s, rest), sign, hh, mm.unwrap_or(0)));
    Ok(r3)
}

fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days from 1970-01-01 to the given proleptic Gregorian date (Howard
/// Hinnant's `days_from_civil`).
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(m);
    let mp = if m > 2 { m - 3 } else { m + 9 };
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn to_nanos(f: &Fields, _s: &str) -> Result<i128, DateError> {
    let range = |field: Option<(usize, u32)>, lo: u32, hi: u32, name| match field {
        Some((o, v)) if v < lo || v > hi => Err(DateError {
            offset: o,
            kind: DateErrorKind::Field(name),
        }),
        Some((_, v)) => Ok(v),
        None => Ok(lo),
    };
    let year = i64::from(f.year);
    let month = range(f.month, 1, 12, "month")?;
    let day = range(f.day, 1, days_in_month(year, month), "day")?;
    let hour = range(f.hour, 0, 23, "hour")?;
    let minute = range(f.minute, 0, 59, "minute")?;
    let second = range(f.second, 0, 59, "second")?;
    let zone_secs = match f.zone {
        Some((o, sign, hh, mm)) => {
            if hh > 23 {
                return Err(DateError {
                    offset: o,
                    kind: DateErrorKind::Field("zone hour"),
                });
            }
            if mm > 59 {
                return Err(DateError {
                    offset: o,
                    kind: DateErrorKind::Field("zone minute"),
                });
            }
            i64::from(sign) * (i64::from(hh) * 3600 + i64::from(mm) * 60)
        }
        None => 0,
    };
    let secs = days_from_civil(year, month, day) * 86_400
        + i64::from(hour) * 3600
        + i64::from(minute) * 60
        + i64::from(second)
        - zone_secs;
    Ok(i128::from(secs) * NANOS_PER_SECOND + i128::from(f.nanos))
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAY: i128 = 86_400 * NANOS_PER_SECOND;
    const HOUR: i128 = 3_600 * NANOS_PER_SECOND;

    #[test]
    fn epoch_seconds() {
        assert_eq!(parse_date("0").unwrap(), 0);
        assert_eq!(parse_date("0001").unwrap(), NANOS_PER_SECOND);
        assert_eq!(parse_date("2020").unwrap(), 2020 * NANOS_PER_SECOND);
        assert_eq!(
            parse_date("9223372036854775807").unwrap(),
            i128::from(i64::MAX) * NANOS_PER_SECOND
        );
        assert_eq!(
            parse_date("9223372036854775808").unwrap_err().kind,
            DateErrorKind::OutOfRange
        );
        assert_eq!(
            parse_date("99999999999999999999999").unwrap_err().kind,
            DateErrorKind::OutOfRange
        );
        assert_eq!(parse_date("").unwrap_err().kind, DateErrorKind::Syntax);
        assert_eq!(parse_date("12.5").unwrap_err().offset, 2);
        assert_eq!(parse_date(" 1").unwrap_err().offset, 0);
    }

    #[test]
    fn iso_forms() {
        assert_eq!(parse_date("1970-01").unwrap(), 0);
        assert_eq!(parse_date("1970-01-01").unwrap(), 0);
        assert_eq!(parse_date("1970T01").unwrap(), HOUR);
        assert_eq!(parse_date("1970-01-01t00:00:01").unwrap(), NANOS_PER_SECOND);
        assert_eq!(
            parse_date("1970-01-01T00:00:00.5Z").unwrap(),
            NANOS_PER_SECOND / 2
        );
        assert_eq!(parse_date("1970-01-01T00:00:00.000000001z").unwrap(), 1);
        assert_eq!(parse_date("1970-01-01T00:00-01").unwrap(), HOUR);
        assert_eq!(parse_date("1970-01-01T00+00:30").unwrap(), -HOUR / 2);
        // The largest offset the zone fields allow.
        assert_eq!(
            parse_date("1970-01-01T00:00+23:59").unwrap(),
            -(23 * HOUR + 59 * 60 * NANOS_PER_SECOND)
        );
        assert_eq!(parse_date("2000-03-01").unwrap(), 11_017 * DAY);
        assert_eq!(parse_date("2024-02-29").unwrap(), 19_782 * DAY);
        // Gregorian leap years: a century is one only when divisible by 400.
        assert_eq!(parse_date("2000-02-29").unwrap(), 11_016 * DAY);
        assert_eq!(
            parse_date("1969-12-31T23:59:59Z").unwrap(),
            -NANOS_PER_SECOND
        );
        assert_eq!(parse_date("0000-01-01").unwrap(), -719_528 * DAY);
        // The same instant written both ways compares equal.
        assert_eq!(
            parse_date("2024-01-31T12:00:00Z").unwrap(),
            parse_date("1706702400").unwrap()
        );
    }

    #[test]
    fn malformed_iso() {
        use DateErrorKind::*;
        for (s, offset, kind) in [
            ("2024-1-01", 4, Syntax),
            ("24-01-01", 0, Syntax),
            ("2024-01-01T", 11, Syntax),
            ("2024-01-01T1", 11, Syntax),
            ("2024-01-01 12:00", 10, Syntax),
            ("2024-01-01T12:00:00.", 19, Syntax),
            ("2024-01-01T12:00:00.1234567890", 29, Syntax),
            ("2024-01-01Z", 10, Syntax),
            ("2024-01-01T12:00:00+1", 20, Syntax),
            ("2024-01-01T12:00:00+01:", 22, Syntax),
            ("-2024", 0, Syntax),
            ("2024-13", 5, Field("month")),
            ("2024-00", 5, Field("month")),
            ("2023-02-29", 8, Field("day")),
            ("1900-02-29", 8, Field("day")),
            ("2100-02-29", 8, Field("day")),
            ("2024-04-31", 8, Field("day")),
            ("2024-01-01T24", 11, Field("hour")),
            ("2024-01-01T23:60", 14, Field("minute")),
            ("2024-01-01T23:59:60", 17, Field("second")),
            ("2024-01-01T00+24:00", 13, Field("zone hour")),
            ("2024-01-01T00+01:60", 13, Field("zone minute")),
        ] {
            let e = parse_date(s).unwrap_err();
            assert_eq!((e.offset, &e.kind), (offset, &kind), "{s:?}");
        }
    }
}
