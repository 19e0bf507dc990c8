//! `Numeric*` operator values (docs/DECISIONS.md R7, docs/SEMANTICS.md §3.4):
//! `-?[0-9]+(\.[0-9]+)?`, read as `f64`.
//!
//! No exponent, no leading `+`, no `.5` or `5.`, no whitespace. A value with
//! more digits than `f64` holds is rounded as Rust's `f64` parser rounds it
//! (and may become infinite), the same on the policy and the context side.

use nom::bytes::complete::take_while1;
use nom::character::complete::char;
use nom::combinator::{all_consuming, opt, recognize};
use nom::sequence::preceded;
use nom::Parser;

use super::PResult;

/// Why a `Numeric` value does not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
#[error("expected a decimal number such as `-12` or `3.5` (at byte {offset})")]
pub struct NumericError {
    /// Byte offset of the first byte that does not fit the grammar.
    pub offset: usize,
}

fn digits(i: &str) -> PResult<'_, &str> {
    take_while1(|c: char| c.is_ascii_digit()).parse(i)
}

fn number(i: &str) -> PResult<'_, &str> {
    recognize((opt(char('-')), digits, opt(preceded(char('.'), digits)))).parse(i)
}

/// Parses a `Numeric` value.
///
/// ```
/// use rolecall_policy::grammar::number::parse_numeric;
/// assert_eq!(parse_numeric("-1.50").unwrap(), -1.5);
/// assert!(parse_numeric("1e3").is_err());
/// ```
pub fn parse_numeric(s: &str) -> Result<f64, NumericError> {
    let parsed: PResult<'_, &str> = all_consuming(number).parse(s);
    match parsed {
        Ok((_, text)) => text.parse().map_err(|_| NumericError { offset: 0 }),
        Err(_) => {
            // Report where the longest valid prefix stops.
            let offset = match number(s) {
                Ok((rest, _)) => super::offset_in(s, rest),
                Err(_) => usize::from(s.starts_with('-')),
            };
            Err(NumericError { offset })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn well_formed() {
        for (s, v) in [
            ("0", 0.0),
            ("-0", 0.0),
            ("42", 42.0),
            ("007", 7.0),
            ("-3.25", -3.25),
            ("1.0", 1.0),
        ] {
            assert_eq!(parse_numeric(s).unwrap(), v, "{s}");
        }
        assert!(parse_numeric(&"9".repeat(400)).unwrap().is_infinite());
    }

    #[test]
    fn malformed() {
        for (s, offset) in [
            ("", 0),
            ("-", 1),
            ("+1", 0),
            (".5", 0),
            ("5.", 1),
            ("1e3", 1),
            ("1.5.5", 3),
            (" 1", 0),
            ("1 ", 1),
            ("--1", 1),
            ("NaN", 0),
            ("inf", 0),
            ("0x10", 1),
        ] {
            assert_eq!(parse_numeric(s).unwrap_err().offset, offset, "{s:?}");
        }
    }
}
