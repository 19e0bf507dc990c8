//! Reading a token as STS's first checks do, before any provider or key is
//! looked up: the length limit of the `WebIdentityToken` parameter, the
//! JWT's form (including duplicate members and `crit`, docs/DECISIONS.md R16,
//! R17), the types of the claims STS reads, and whether `exp` and `nbf`
//! are usable times (R18).
//!
//! [`read_token`] is the one function both [`crate::call`] and
//! [`crate::inspect()`] use, so that `rolecall token inspect` refuses what
//! `rolecall sts` refuses, with the same words.

use rolecall_eval::claims::{decode_jwt, DecodedToken, TokenError};
use serde_json::Value;

use crate::call::{Check, StsError, StsErrorCode, Wording, INVALID_TOKEN_DOC};

/// The shortest `WebIdentityToken` STS accepts, in characters.
pub const MIN_TOKEN_CHARS: usize = 4;
/// The longest `WebIdentityToken` STS accepts, in characters.
pub const MAX_TOKEN_CHARS: usize = 20_000;
/// The latest time rolecall reads in `exp` and `nbf`: 9999-12-31T23:59:59Z
/// (docs/DECISIONS.md R18).
pub const MAX_NUMERIC_DATE: i64 = 253_402_300_799;

/// A token that passed [`read_token`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadToken {
    /// The decoded header and claims (signature not checked).
    pub decoded: DecodedToken,
    /// `exp` in whole seconds, when present.
    pub exp: Option<i64>,
    /// `nbf` in whole seconds, when present.
    pub nbf: Option<i64>,
}

/// Why [`read_token`] refused a token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenRejection {
    /// The error STS would return (`ValidationError` for the length,
    /// `InvalidIdentityToken` otherwise).
    pub error: StsError,
    /// Whether the text is not a compact JWT at all (not three parts,
    /// not base64url, not JSON objects), as opposed to a JWT STS refuses.
    pub not_a_jwt: bool,
    /// Why, in rolecall's words alone (the error's cause without its
    /// framing).
    pub reason: String,
}

/// AWS's `ValidationError` sentence for a parameter whose length is out of
/// its range, or `None` when it is within. `value` is echoed, except for the
/// token (`None`): AWS does not echo sensitive parameters.
pub(crate) fn length_violation(
    name: &str,
    value: Option<&str>,
    len: usize,
    min: usize,
    max: usize,
) -> Option<String> {
    let at = match value {
        Some(v) => format!("Value '{v}' at '{name}'"),
        None => format!("Value at '{name}'"),
    };
    if len < min {
        Some(format!(
            "{at} failed to satisfy constraint: Member must have length greater than or equal to {min}"
        ))
    } else if len > max {
        Some(format!(
            "{at} failed to satisfy constraint: Member must have length less than or equal to {max}"
        ))
    } else {
        None
    }
}

/// The `ValidationError` sentence for a token outside
/// [`MIN_TOKEN_CHARS`]..=[`MAX_TOKEN_CHARS`] characters.
pub(crate) fn token_length_violation(token: &str) -> Option<String> {
    // Counting stops one past the limit: a huge token costs no more.
    let len = token.chars().take(MAX_TOKEN_CHARS + 1).count();
    length_violation(
        "webIdentityToken",
        None,
        len,
        MIN_TOKEN_CHARS,
        MAX_TOKEN_CHARS,
    )
}

/// AWS's `ValidationError` message for a list of violations.
pub(crate) fn validation_message(errors: &[String]) -> String {
    let n = errors.len();
    format!(
        "{n} validation error{} detected: {}",
        if n == 1 { "" } else { "s" },
        errors.join("; ")
    )
}

/// A `exp`/`nbf` claim as whole seconds: `Ok(None)` when absent, an error
/// naming the value when present but not a time rolecall can use
/// (docs/DECISIONS.md R18). Fractions are rounded down (a JWT NumericDate may
/// have them, RFC 7519 section 2).
///
/// # Errors
///
/// Not a number, negative, or after [`MAX_NUMERIC_DATE`].
pub fn numeric_date(claims: &Value, name: &str) -> Result<Option<i64>, String> {
    let Some(v) = claims.get(name) else {
        return Ok(None);
    };
    let unusable = |why: &str| format!("claim `{name}` is present but unusable: `{v}` {why}");
    let Some(f) = v.as_f64() else {
        return Err(unusable("is not a number"));
    };
    if f < 0.0 {
        return Err(unusable(
            "is negative, a time before 1970-01-01T00:00:00Z (a NumericDate counts seconds since then, RFC 7519 section 2)",
        ));
    }
    if v.as_i64().map_or(f.floor() > MAX_NUMERIC_DATE as f64, |n| {
        n > MAX_NUMERIC_DATE
    }) {
        return Err(unusable(&format!(
            "is after 9999-12-31T23:59:59Z ({MAX_NUMERIC_DATE}), the latest time rolecall reads"
        )));
    }
    // In 0..=MAX_NUMERIC_DATE by the checks above, so the cast is exact.
    Ok(Some(v.as_i64().unwrap_or(f.floor() as i64)))
}

fn invalid(reason: String, not_a_jwt: bool) -> TokenRejection {
    let framing = if not_a_jwt {
        "the token is not a JWT"
    } else {
        "the token is refused"
    };
    TokenRejection {
        error: StsError {
            code: StsErrorCode::InvalidIdentityToken,
            message: INVALID_TOKEN_DOC.to_owned(),
            wording: Wording::Documented,
            check: Check::TokenFormat,
            cause: format!("{framing}: {reason}"),
        },
        not_a_jwt,
        reason,
    }
}

/// Reads a token as STS's checks before the issuer lookup do: its length
/// (`ValidationError`), then the JWT (`InvalidIdentityToken`): three
/// base64url parts holding JSON objects with no member name twice, no
/// `crit` header, claims STS reads of the right type, and usable `exp` and
/// `nbf` times. A missing `exp` is not an error here: the call reports it
/// at its expiry check.
///
/// # Errors
///
/// The error STS would return, with the cause.
pub fn read_token(token: &str) -> Result<ReadToken, TokenRejection> {
    if let Some(violation) = token_length_violation(token) {
        let message = validation_message(&[violation]);
        return Err(TokenRejection {
            error: StsError {
                code: StsErrorCode::ValidationError,
                message: message.clone(),
                wording: Wording::Approximated,
                check: Check::Parameters,
                cause: message.clone(),
            },
            not_a_jwt: false,
            reason: message,
        });
    }
    let decoded = decode_jwt(token).map_err(|e| match e {
        TokenError::NotThreeParts { .. }
        | TokenError::Base64 { .. }
        | TokenError::Json { .. }
        | TokenError::NotAnObject { .. } => invalid(e.to_string(), true),
        other => invalid(other.to_string(), false),
    })?;
    let date = |name| numeric_date(&decoded.claims, name).map_err(|why| invalid(why, false));
    let exp = date("exp")?;
    let nbf = date("nbf")?;
    Ok(ReadToken { decoded, exp, nbf })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn numeric_dates_in_range_only() {
        let at = |v: Value| numeric_date(&json!({ "exp": v }), "exp");
        assert_eq!(at(json!(1_750_000_000)), Ok(Some(1_750_000_000)));
        assert_eq!(at(json!(1_750_000_000.9)), Ok(Some(1_750_000_000)));
        assert_eq!(at(json!(0)), Ok(Some(0)));
        assert_eq!(at(json!(MAX_NUMERIC_DATE)), Ok(Some(MAX_NUMERIC_DATE)));
        assert_eq!(numeric_date(&json!({}), "exp"), Ok(None));
        for (v, why) in [
            (json!(1e30), "is after 9999-12-31T23:59:59Z"),
            (json!(MAX_NUMERIC_DATE + 1), "is after 9999-12-31T23:59:59Z"),
            (json!(u64::MAX), "is after 9999-12-31T23:59:59Z"),
            (json!(-1), "is negative"),
            (json!(-0.5), "is negative"),
            (json!("123"), "is not a number"),
        ] {
            let e = at(v.clone()).unwrap_err();
            assert!(
                e.starts_with("claim `exp` is present but unusable: `"),
                "{e}"
            );
            assert!(e.contains(why), "{v}: {e}");
        }
    }

    #[test]
    fn length_is_counted_in_characters_and_bounded() {
        assert!(token_length_violation("a.b")
            .unwrap()
            .contains("greater than or equal to 4"));
        assert!(token_length_violation(&"é".repeat(MAX_TOKEN_CHARS)).is_none());
        assert!(token_length_violation(&"é".repeat(MAX_TOKEN_CHARS + 1))
            .unwrap()
            .contains("less than or equal to 20000"));
    }
}
