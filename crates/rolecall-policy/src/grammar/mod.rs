//! String-level grammars: the small languages inside JSON strings.
//!
//! Each grammar is written with [nom] and returns a typed value or a typed
//! error whose byte offset is relative to the string, so a caller can point
//! into the document. None of them panics, and each runs in time linear in
//! its input (the wildcard matcher in [`pattern`] is O(pattern x value)).
//!
//! | module | language | source |
//! |---|---|---|
//! | [`operator`] | condition operator names | docs/SEMANTICS.md §1.10, D2 |
//! | [`arn`] | ARNs and OIDC provider ARNs | docs/DECISIONS.md R8 |
//! | [`principal`] | `AWS` and `Federated` principal values | docs/DECISIONS.md R1 item 16, R2 |
//! | [`variable`] | policy variables `${...}` | docs/DECISIONS.md R4 |
//! | [`pattern`] | `*` / `?` wildcards | docs/DECISIONS.md R5 |
//! | [`date`], [`ip`], [`number`], [`decode_binary`], [`parse_bool`] | typed operator values | docs/DECISIONS.md R7 |

pub mod arn;
pub mod date;
pub mod ip;
pub mod number;
pub mod operator;
pub mod pattern;
pub mod principal;
pub mod variable;

use base64::Engine as _;

/// The nom result type every grammar here uses: `&str` input, nom's plain
/// error (grammars turn it into their own typed error at the top).
pub(crate) type PResult<'a, T> = nom::IResult<&'a str, T, nom::error::Error<&'a str>>;

/// Byte offset of `rest` inside `full`, where `rest` is a suffix of `full`
/// (nom hands back the unparsed remainder).
pub(crate) fn offset_in(full: &str, rest: &str) -> usize {
    full.len().saturating_sub(rest.len())
}

/// Why a `BinaryEquals` value is not standard base64.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
#[error("invalid base64 value (at byte {offset}): {reason}")]
pub struct BinaryError {
    /// Byte offset of the first offending byte, where the decoder names one.
    pub offset: usize,
    /// The decoder's explanation.
    pub reason: String,
}

/// Decodes a `BinaryEquals` policy value: standard base64 with padding
/// (docs/DECISIONS.md R7). The `base64` crate's `STANDARD` engine refuses missing
/// or extra padding and non-zero trailing bits, so one spelling decodes per
/// byte string.
pub fn decode_binary(s: &str) -> Result<Vec<u8>, BinaryError> {
    base64::engine::general_purpose::STANDARD
        .decode(s)
        .map_err(|e| {
            let offset = match e {
                base64::DecodeError::InvalidByte(o, _)
                | base64::DecodeError::InvalidLastSymbol(o, _) => o,
                base64::DecodeError::InvalidLength(_) | base64::DecodeError::InvalidPadding => {
                    s.len()
                }
            };
            BinaryError {
                offset,
                reason: e.to_string().to_lowercase(),
            }
        })
}

/// Reads a `Bool` or `Null` literal: `true` or `false`, ASCII
/// case-insensitive (docs/DECISIONS.md R6, R7). Anything else is `None`.
pub fn parse_bool(s: &str) -> Option<bool> {
    if s.eq_ignore_ascii_case("true") {
        Some(true)
    } else if s.eq_ignore_ascii_case("false") {
        Some(false)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn binary_is_standard_padded_base64() {
        assert_eq!(decode_binary("aGk=").unwrap(), b"hi");
        assert_eq!(decode_binary("").unwrap(), b"");
        // Missing padding, URL-safe alphabet, stray characters.
        assert!(decode_binary("aGk").is_err());
        assert!(decode_binary("-_8=").is_err());
        let e = decode_binary("aG k").unwrap_err();
        assert_eq!(e.offset, 2);
        assert!(e
            .to_string()
            .starts_with("invalid base64 value (at byte 2)"));
    }

    #[test]
    fn bool_is_ascii_case_insensitive() {
        assert_eq!(parse_bool("true"), Some(true));
        assert_eq!(parse_bool("TRUE"), Some(true));
        assert_eq!(parse_bool("False"), Some(false));
        assert_eq!(parse_bool("yes"), None);
        assert_eq!(parse_bool(" true"), None);
        assert_eq!(parse_bool(""), None);
    }
}
