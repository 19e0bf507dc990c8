//! Reading typed values (docs/DECISIONS.md R7, docs/SEMANTICS.md §3.4). Each function
//! returns `None` for text that does not parse; the caller decides whether
//! that makes the policy invalid (R1.18) or only fails to match (R7, last
//! bullet).

use base64::Engine as _;
use std::net::IpAddr;

/// Numeric: `-?[0-9]+(\.[0-9]+)?` read as `f64`.
pub(crate) fn number(s: &str) -> Option<f64> {
    let unsigned = s.strip_prefix('-').unwrap_or(s);
    let (whole, fraction) = match unsigned.split_once('.') {
        Some((w, f)) => (w, Some(f)),
        None => (unsigned, None),
    };
    let digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
    if !digits(whole) || !fraction.is_none_or(digits) {
        return None;
    }
    s.parse().ok()
}

/// Bool: `true`/`false`, ASCII case-insensitive.
pub(crate) fn boolean(s: &str) -> Option<bool> {
    if s.eq_ignore_ascii_case("true") {
        Some(true)
    } else if s.eq_ignore_ascii_case("false") {
        Some(false)
    } else {
        None
    }
}

/// Binary: standard base64 with padding.
pub(crate) fn base64(s: &str) -> Option<Vec<u8>> {
    base64::engine::general_purpose::STANDARD.decode(s).ok()
}

/// IP (policy side): an address with an optional `/prefix`; no prefix means
/// the whole address (/32 or /128).
pub(crate) fn network(s: &str) -> Option<(IpAddr, u32)> {
    let (address, prefix) = match s.split_once('/') {
        Some((a, p)) => (a, Some(p)),
        None => (s, None),
    };
    let address: IpAddr = address.parse().ok()?;
    let max = if address.is_ipv4() { 32 } else { 128 };
    let prefix = match prefix {
        None => max,
        Some(p) if (1..=3).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit()) => {
            p.parse().ok()?
        }
        Some(_) => return None,
    };
    (prefix <= max).then_some((address, prefix))
}

/// IP (context side): a bare address.
pub(crate) fn address(s: &str) -> Option<IpAddr> {
    s.parse().ok()
}

/// Whether `address` is inside the network; IPv4 never matches IPv6 and
/// vice versa (`::ffff:a.b.c.d` is IPv6).
pub(crate) fn in_network(address: IpAddr, (network, prefix): (IpAddr, u32)) -> bool {
    // Compare the top `prefix` bits: shift both right by the host bits.
    match (address, network) {
        (IpAddr::V4(a), IpAddr::V4(n)) => {
            let host_bits = 32 - prefix;
            u32::from(a).checked_shr(host_bits).unwrap_or(0)
                == u32::from(n).checked_shr(host_bits).unwrap_or(0)
        }
        (IpAddr::V6(a), IpAddr::V6(n)) => {
            let host_bits = 128 - prefix;
            u128::from(a).checked_shr(host_bits).unwrap_or(0)
                == u128::from(n).checked_shr(host_bits).unwrap_or(0)
        }
        _ => false,
    }
}

const NANOS: i128 = 1_000_000_000;

/// Date: nanoseconds since the epoch. Epoch seconds (`[0-9]+`, at most
/// 2^63-1), or ISO 8601 when the text has a `-`, `T` or `t`.
pub(crate) fn date(s: &str) -> Option<i128> {
    if s.contains(['-', 'T', 't']) {
        return iso_date(s);
    }
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let seconds: u64 = s.parse().ok()?;
    if seconds > i64::MAX as u64 {
        return None;
    }
    Some(i128::from(seconds) * NANOS)
}

/// `YYYY[-MM[-DD]]` then optionally `T` (or `t`) `hh[:mm[:ss[.fraction]]]`
/// with an optional zone `Z`/`z`/`+hh[:mm]`/`-hh[:mm]` after the time.
fn iso_date(s: &str) -> Option<i128> {
    let mut rest = s.as_bytes();
    let year = take_digits(&mut rest, 4)?;
    let (mut month, mut day) = (1, 1);
    if eat(&mut rest, b"-") {
        month = take_digits(&mut rest, 2)?;
        if eat(&mut rest, b"-") {
            day = take_digits(&mut rest, 2)?;
        }
    }
    let (mut hour, mut minute, mut second, mut nanos, mut offset) = (0, 0, 0, 0, 0);
    if eat(&mut rest, b"Tt") {
        hour = take_digits(&mut rest, 2)?;
        if eat(&mut rest, b":") {
            minute = take_digits(&mut rest, 2)?;
            if eat(&mut rest, b":") {
                second = take_digits(&mut rest, 2)?;
                if eat(&mut rest, b".") {
                    let n = rest.iter().take_while(|b| b.is_ascii_digit()).count();
                    if !(1..=9).contains(&n) {
                        return None;
                    }
                    let fraction = take_digits(&mut rest, n)?;
                    // `.5` is 500_000_000 ns: pad to nine digits.
                    nanos = i128::from(fraction) * 10_i128.pow(9 - n as u32);
                }
            }
        }
        if eat(&mut rest, b"Zz") {
            offset = 0;
        } else if let Some((&sign, tail)) = rest.split_first() {
            if sign == b'+' || sign == b'-' {
                rest = tail;
                let zone_hours = take_digits(&mut rest, 2)?;
                let zone_minutes = if eat(&mut rest, b":") {
                    take_digits(&mut rest, 2)?
                } else {
                    0
                };
                if zone_hours > 23 || zone_minutes > 59 {
                    return None;
                }
                let magnitude = i128::from(zone_hours * 3600 + zone_minutes * 60);
                offset = if sign == b'+' { magnitude } else { -magnitude };
            }
        }
    }
    let valid = rest.is_empty()
        && (1..=12).contains(&month)
        && day >= 1
        && day <= days_in_month(year, month)
        && hour <= 23
        && minute <= 59
        && second <= 59;
    if !valid {
        return None;
    }
    let days = days_since_epoch(year, month, day);
    let local = days * 86_400 + i128::from(hour * 3600 + minute * 60 + second);
    // `+02:00` means local time is two hours ahead of UTC.
    Some((local - offset) * NANOS + nanos)
}

/// Takes exactly `n` ASCII digits.
fn take_digits(rest: &mut &[u8], n: usize) -> Option<u32> {
    let (digits, tail) = rest.split_at_checked(n)?;
    if !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    *rest = tail;
    std::str::from_utf8(digits).ok()?.parse().ok()
}

/// Takes one byte if it is one of `any`.
fn eat(rest: &mut &[u8], any: &[u8]) -> bool {
    match rest.split_first() {
        Some((b, tail)) if any.contains(b) => {
            *rest = tail;
            true
        }
        _ => false,
    }
}

fn is_leap(year: u32) -> bool {
    year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400))
}

fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days from 1970-01-01 to the date, in the proleptic Gregorian calendar,
/// counted the slow and obvious way.
fn days_since_epoch(year: u32, month: u32, day: u32) -> i128 {
    let days_in_year = |y: u32| if is_leap(y) { 366 } else { 365 };
    let mut days: i128 = 0;
    if year >= 1970 {
        days += (1970..year)
            .map(|y| i128::from(days_in_year(y)))
            .sum::<i128>();
    } else {
        days -= (year..1970)
            .map(|y| i128::from(days_in_year(y)))
            .sum::<i128>();
    }
    days += (1..month)
        .map(|m| i128::from(days_in_month(year, m)))
        .sum::<i128>();
    days + i128::from(day) - 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        let s = |secs: i128| Some(secs * NANOS);
        assert_eq!(date("0"), s(0));
        assert_eq!(date("1704067200"), date("2024-01-01T00:00:00Z"));
        assert_eq!(date("2024"), s(2024), "no `-` or `T`: epoch seconds");
        assert_eq!(date("2024-01"), date("2024-01-01T00:00:00Z"));
        assert_eq!(date("1970-01-01T01:00:00+01:00"), s(0));
        assert_eq!(date("1970-01-01t00:00:00-01"), s(3600));
        assert_eq!(date("1970-01-01T00:00:00.5Z"), Some(NANOS / 2));
        assert_eq!(date("1969-12-31T23:59:59z"), s(-1));
        assert_eq!(date("2000-02-29"), s(951_782_400));
        assert_eq!(date("9223372036854775807"), s(i128::from(i64::MAX)));
        for bad in [
            "",
            "-1",
            "9223372036854775808",
            "2023-02-29",
            "2024-13-01",
            "2024-01-01T24:00",
            "2024-01-01T00:60",
            "2024-01-01T00:00:60",
            "2024-01-01T00:00:00.1234567890",
            "2024-01-01T00:00:00.",
            "2024-01-01Z",
            "24-01-01",
            "2024-1-01",
            "2024-01-01T00:00:00+24:00",
            "2024-01-01 00:00:00",
        ] {
            assert_eq!(date(bad), None, "{bad}");
        }
    }

    #[test]
    fn numbers_and_networks() {
        assert_eq!(number("-1.50"), Some(-1.5));
        for bad in ["", "1.", ".5", "+1", "1e3", "--1", " 1"] {
            assert_eq!(number(bad), None, "{bad}");
        }
        let net = network("203.0.113.0/24").unwrap();
        assert!(in_network(address("203.0.113.9").unwrap(), net));
        assert!(!in_network(address("203.0.114.9").unwrap(), net));
        assert!(in_network(
            address("1.2.3.4").unwrap(),
            network("0.0.0.0/0").unwrap()
        ));
        assert!(!in_network(
            address("::1").unwrap(),
            network("0.0.0.0/0").unwrap()
        ));
        assert!(in_network(
            address("::1").unwrap(),
            network("::/0").unwrap()
        ));
        assert_eq!(network("1.2.3.4/33"), None);
        assert_eq!(network("1.2.3.4/"), None);
        assert_eq!(network("1.2.3.4/+1"), None);
    }
}
