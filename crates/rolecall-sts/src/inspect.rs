//! Token inspection: what a token says, what STS would make of it, and what
//! is unusual about it. No signature check and no provider lookup: this
//! answers "what is in this token", [`crate::call`] answers "would the call
//! succeed". The token is read by [`crate::token::read_token`], as the call
//! reads it, so a token the call refuses before any lookup (too long,
//! repeated members, `crit`, an unusable `exp`) is refused here with the
//! same error.

use rolecall_eval::claims::{ClaimRules, RoleAccount, WebIdentity};
use rolecall_eval::request::ContextValue;
use serde::Serialize;
use serde_json::Value;

use crate::call::{StsError, ACCEPTED_ALGORITHM, CLOCK_SKEW_SECONDS};
use crate::token::read_token;

/// The account used to name keys when no role is given; the principal is
/// then left out of the report.
const PLACEHOLDER_ACCOUNT: &str = "000000000000";

/// Claims that are JWT or OIDC plumbing, never condition keys, and not
/// worth reporting as "not exposed".
const PLUMBING: &[&str] = &[
    "iss",
    "exp",
    "iat",
    "nbf",
    "jti",
    "auth_time",
    "nonce",
    "at_hash",
    "c_hash",
];

/// One condition key STS would put in the request context.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct ContextKey {
    /// The key name, e.g. `token.actions.githubusercontent.com:sub`.
    pub name: String,
    /// Its values: one for a single-valued key.
    pub values: Vec<String>,
    /// Whether the key is multivalued (needs `ForAnyValue:`/`ForAllValues:`).
    pub multivalued: bool,
}

/// Something unusual about a token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Note {
    /// `exp` plus the skew is before `now`: STS returns `ExpiredTokenException`.
    Expired {
        /// The `exp` claim.
        exp: i64,
        /// The time compared against.
        now: i64,
    },
    /// `nbf` is more than the skew after `now`.
    NotYetValid {
        /// The `nbf` claim.
        nbf: i64,
        /// The time compared against.
        now: i64,
    },
    /// No `exp` claim.
    NoExpiry,
    /// No `aud` claim (or an empty array): STS refuses the token.
    MissingAudience,
    /// `aud` is an array of two or more: `<provider>:aud` is multivalued,
    /// so plain operators on it are false (docs/SEMANTICS.md D6).
    AudienceArray {
        /// Its elements.
        values: Vec<String>,
    },
    /// Claims that do not become condition keys; a condition on them sees
    /// a missing key.
    ClaimsNotExposed {
        /// The claim names.
        claims: Vec<String>,
    },
    /// The header's `alg` is not RS256; STS refuses it.
    AlgorithmNotAccepted {
        /// The `alg` given, if any.
        alg: Option<String>,
    },
    /// The header has no `kid`; rolecall's call refuses it.
    NoKeyId,
    /// The issuer is not an `https://` URL nor a built-in provider name.
    IssuerNotHttps {
        /// The issuer.
        issuer: String,
    },
    /// The claims do not give a request (see the message).
    NotARequest {
        /// Why.
        message: String,
    },
}

impl Note {
    /// Whether STS (or rolecall's call, for a missing `kid` or `exp`) would
    /// refuse the token for this reason alone, whatever the policy says.
    /// Audience arrays and unexposed claims only change how the policy
    /// reads the token.
    pub fn refuses(&self) -> bool {
        !matches!(
            self,
            Note::AudienceArray { .. } | Note::ClaimsNotExposed { .. }
        )
    }

    /// A one-line description for people.
    pub fn describe(&self) -> String {
        match self {
            Note::Expired { exp, now } => format!(
                "expired: exp {exp} is {} s before now {now} (STS allows {CLOCK_SKEW_SECONDS} s): ExpiredTokenException",
                now.saturating_sub(*exp)
            ),
            Note::NotYetValid { nbf, now } => format!(
                "not yet valid: nbf {nbf} is {} s after now {now}",
                nbf.saturating_sub(*now)
            ),
            Note::NoExpiry => "no `exp` claim: refused".to_owned(),
            Note::MissingAudience => {
                "no `aud` claim: STS returns `Missing a required claim: aud`".to_owned()
            }
            Note::AudienceArray { values } => format!(
                "`aud` is an array of {} values: the `:aud` key is multivalued, so plain operators on it are false (use `ForAnyValue:`)",
                values.len()
            ),
            Note::ClaimsNotExposed { claims } => format!(
                "claims not exposed as condition keys (a condition on them sees a missing key): {}",
                claims
                    .iter()
                    .map(|c| format!("`{c}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            Note::AlgorithmNotAccepted { alg } => match alg {
                Some(a) => format!("alg `{a}` is not RS256: refused"),
                None => "no `alg` in the header: refused".to_owned(),
            },
            Note::NoKeyId => "no `kid` in the header: no verification key can be selected".to_owned(),
            Note::IssuerNotHttps { issuer } => {
                format!("issuer `{issuer}` does not start with `https://`: no provider can match")
            }
            Note::NotARequest { message } => format!("the claims do not give a request: {message}"),
        }
    }
}

/// What [`inspect`] found.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct TokenReport {
    /// The decoded header, or `None` when the token is not a JWT.
    pub header: Option<Value>,
    /// The decoded claims, or `None` when the token is not a JWT.
    pub claims: Option<Value>,
    /// Why the text is not a JWT at all.
    pub error: Option<String>,
    /// The error STS returns for a JWT it refuses before any lookup (the
    /// same as `rolecall sts` gives); header and claims are then not shown,
    /// since a token with a repeated member has no one value to show.
    pub refused: Option<StsError>,
    /// The `iss` claim.
    pub issuer: Option<String>,
    /// The provider: the issuer without `https://`, prefix of the keys.
    pub provider: Option<String>,
    /// The request principal, when a role account was given.
    pub principal: Option<String>,
    /// The condition keys STS would derive, in name order.
    pub context: Vec<ContextKey>,
    /// The actions STS would authorize.
    pub actions: Vec<String>,
    /// What is unusual, in a stable order.
    pub notes: Vec<Note>,
}

/// Decodes a token and reports what STS would derive from it. `role` names
/// the account the provider ARN is built in; `now` (unix seconds) enables
/// the expiry notes.
pub fn inspect(
    token: &str,
    rules: &ClaimRules,
    role: Option<&RoleAccount>,
    now: Option<i64>,
) -> TokenReport {
    let mut report = TokenReport {
        header: None,
        claims: None,
        error: None,
        refused: None,
        issuer: None,
        provider: None,
        principal: None,
        context: Vec::new(),
        actions: Vec::new(),
        notes: Vec::new(),
    };
    let read = match read_token(token.trim()) {
        Ok(read) => read,
        Err(rejection) if rejection.not_a_jwt => {
            report.error = Some(rejection.reason);
            return report;
        }
        Err(rejection) => {
            report.refused = Some(rejection.error);
            return report;
        }
    };
    let decoded = read.decoded;
    let claims = &decoded.claims;
    let alg = decoded.header.get("alg").and_then(Value::as_str);
    if alg != Some(ACCEPTED_ALGORITHM) {
        report.notes.push(Note::AlgorithmNotAccepted {
            alg: alg.map(str::to_owned),
        });
    }
    if decoded.header.get("kid").and_then(Value::as_str).is_none() {
        report.notes.push(Note::NoKeyId);
    }
    match (read.exp, now) {
        (None, _) => report.notes.push(Note::NoExpiry),
        (Some(exp), Some(now)) if now > exp.saturating_add(CLOCK_SKEW_SECONDS) => {
            report.notes.push(Note::Expired { exp, now });
        }
        _ => {}
    }
    if let (Some(nbf), Some(now)) = (read.nbf, now) {
        if nbf > now.saturating_add(CLOCK_SKEW_SECONDS) {
            report.notes.push(Note::NotYetValid { nbf, now });
        }
    }
    match claims.get("aud") {
        None => report.notes.push(Note::MissingAudience),
        Some(Value::Array(items)) if items.is_empty() => report.notes.push(Note::MissingAudience),
        Some(Value::Array(items)) if items.len() > 1 => report.notes.push(Note::AudienceArray {
            values: items
                .iter()
                .filter_map(|i| i.as_str().map(str::to_owned))
                .collect(),
        }),
        _ => {}
    }
    report.issuer = claims.get("iss").and_then(Value::as_str).map(str::to_owned);
    let placeholder = RoleAccount::new("aws", PLACEHOLDER_ACCOUNT);
    let account = match (role, &placeholder) {
        (Some(r), _) => Some(r),
        (None, Ok(p)) => Some(p),
        (None, Err(_)) => None,
    };
    let identity = account.map(|a| WebIdentity::from_token(&decoded, a, rules));
    match identity {
        Some(Ok(id)) => {
            report.provider = Some(id.provider().to_owned());
            if role.is_some() {
                report.principal = Some(id.principal().to_owned());
            }
            let mut context: Vec<ContextKey> = id
                .context()
                .iter()
                .map(|e| ContextKey {
                    name: e.name().to_owned(),
                    values: e.value().values().to_vec(),
                    multivalued: matches!(e.value(), ContextValue::Multi(_)),
                })
                .collect();
            context.sort_by(|a, b| a.name.cmp(&b.name));
            let prefix = format!("{}:", id.provider());
            let mut hidden: Vec<String> = claims
                .as_object()
                .map(|m| {
                    m.keys()
                        .filter(|c| !PLUMBING.contains(&c.as_str()))
                        .filter(|c| !c.starts_with("https://aws.amazon.com/"))
                        .filter(|c| {
                            let key = format!("{prefix}{c}");
                            !context.iter().any(|k| k.name == key)
                        })
                        .cloned()
                        .collect()
                })
                .unwrap_or_default();
            hidden.sort();
            if !hidden.is_empty() {
                report.notes.push(Note::ClaimsNotExposed { claims: hidden });
            }
            report.context = context;
            report.actions = id.actions().iter().map(|a| (*a).to_owned()).collect();
        }
        Some(Err(rolecall_eval::claims::TokenError::IssuerNotHttps { issuer })) => {
            report.notes.push(Note::IssuerNotHttps { issuer });
        }
        Some(Err(e)) => report.notes.push(Note::NotARequest {
            message: e.to_string(),
        }),
        None => {}
    }
    report.header = Some(decoded.header);
    report.claims = Some(decoded.claims);
    report
}
