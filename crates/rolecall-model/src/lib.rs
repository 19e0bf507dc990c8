//! The reference model of rolecall: trust-policy evaluation for
//! `sts:AssumeRoleWithWebIdentity` written as plainly as possible.
//!
//! This crate is the independent second opinion that differential tests
//! compare the real engine (`rolecall-eval`) against, in the way
//! cedar-spec's model checks Cedar. It shares no code with `rolecall-policy`
//! or `rolecall-eval`: it reads the policy JSON itself (refusing duplicate
//! keys), then recurses over `serde_json::Value`. It is slow on purpose and
//! meant to be read next to the semantics:
//!
//! * `docs/SEMANTICS.md` §1 to §3 (grammar, decision
//!   algorithm, condition operators, the pseudocode of 3.11);
//! * `docs/DECISIONS.md` rules R1 to R11, which settle what docs/SEMANTICS.md
//!   leaves open. Every rule in the code names its section or rule number.
//!
//! The shared test vectors in `testdata/` run against this model (see
//! `tests/vectors.rs`).
//!
//! # Example
//!
//! ```
//! use rolecall_model::{evaluate, ContextValue, Decision, Request};
//!
//! let policy = r#"{"Version":"2012-10-17","Statement":[{
//!     "Effect":"Allow",
//!     "Principal":{"Federated":"arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"},
//!     "Action":"sts:AssumeRoleWithWebIdentity",
//!     "Condition":{"StringLike":{"token.actions.githubusercontent.com:sub":"repo:o/r:*"}}}]}"#;
//! let request = Request {
//!     principal: "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com".into(),
//!     action: "sts:AssumeRoleWithWebIdentity".into(),
//!     context: vec![(
//!         "token.actions.githubusercontent.com:sub".into(),
//!         ContextValue::Single("repo:o/r:ref:refs/heads/main".into()),
//!     )],
//! };
//! let outcome = evaluate(policy, &request).unwrap();
//! assert_eq!(outcome.decision, Decision::Allow);
//! assert_eq!(outcome.statements, vec![0]);
//! ```
//!
//! # Input safety
//!
//! The model is for tests, not for untrusted input: it enforces no size or
//! string-length limit (only serde_json's nesting limit of 128), and its
//! wildcard matcher, though memoized, takes time and memory proportional to
//! pattern length times value length squared.
#![deny(missing_docs)]

mod condition;
mod json;
mod validity;
mod values;
mod wildcard;

pub use wildcard::wildcard_match;

use serde_json::Value;
use std::fmt;

/// The value of one condition key in the request context (R11).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ContextValue {
    /// A single-valued key.
    Single(String),
    /// A multivalued key, even with one element (docs/SEMANTICS.md D6).
    Multi(Vec<String>),
}

/// A request: one principal, one action, and the condition context (R11).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// The calling principal, e.g. an OIDC provider ARN (docs/SEMANTICS.md §2.3).
    pub principal: String,
    /// The action, e.g. `sts:AssumeRoleWithWebIdentity`.
    pub action: String,
    /// Condition keys and their values; names are compared ignoring case (R6).
    pub context: Vec<(String, ContextValue)>,
}

/// The result of evaluation (docs/SEMANTICS.md §2.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Decision {
    /// An `Allow` statement matched and no `Deny` did.
    Allow,
    /// No statement matched.
    ImplicitDeny,
    /// A `Deny` statement matched.
    ExplicitDeny,
}

/// A decision with the statements that decided it (R10).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Evaluation {
    /// The decision.
    pub decision: Decision,
    /// Indexes (from 0, document order) of every matching statement of the
    /// deciding effect; empty for [`Decision::ImplicitDeny`].
    pub statements: Vec<usize>,
}

/// Why the model refused to evaluate.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ModelError {
    /// The policy is invalid under docs/DECISIONS.md R1.
    InvalidPolicy(String),
    /// The request is invalid under docs/DECISIONS.md R11.
    InvalidRequest(String),
}

impl fmt::Display for ModelError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ModelError::InvalidPolicy(why) => write!(f, "invalid policy: {why}"),
            ModelError::InvalidRequest(why) => write!(f, "invalid request: {why}"),
        }
    }
}

impl std::error::Error for ModelError {}

/// Whether the policy is valid (docs/DECISIONS.md R1).
///
/// ```
/// assert!(!rolecall_model::is_valid_policy(r#"{"Statement":[]}"#));
/// ```
pub fn is_valid_policy(policy_json: &str) -> bool {
    validity::check(policy_json).is_ok()
}

/// Evaluates a request against a trust policy (docs/SEMANTICS.md §2.2, docs/DECISIONS.md R10).
///
/// # Errors
///
/// [`ModelError::InvalidPolicy`] when the policy is invalid (R1), and
/// [`ModelError::InvalidRequest`] when two context keys are equal ignoring
/// case (R11).
pub fn evaluate(policy_json: &str, request: &Request) -> Result<Evaluation, ModelError> {
    let doc = validity::check(policy_json).map_err(ModelError::InvalidPolicy)?;
    let ctx = Context::new(&request.context).map_err(ModelError::InvalidRequest)?;
    // R4: variables are read only under 2012-10-17.
    let v2012 = doc.get("Version").and_then(Value::as_str) == Some("2012-10-17");
    // `validity::check` passed, so `Statement` is an object or an array of
    // objects; should that ever not hold, the policy is refused, not read
    // as having no statement.
    let statements = validity::statements(&doc).ok_or_else(|| {
        ModelError::InvalidPolicy("`Statement` is not an object or an array of objects".into())
    })?;
    let matching = |effect: &str| -> Vec<usize> {
        statements
            .iter()
            .enumerate()
            .filter(|(_, s)| s.get("Effect").and_then(Value::as_str) == Some(effect))
            .filter(|(_, s)| statement_matches(s, request, &ctx, v2012))
            .map(|(i, _)| i)
            .collect()
    };
    // R10: every matching Deny decides; else every matching Allow.
    let denies = matching("Deny");
    if !denies.is_empty() {
        return Ok(Evaluation {
            decision: Decision::ExplicitDeny,
            statements: denies,
        });
    }
    let allows = matching("Allow");
    if !allows.is_empty() {
        return Ok(Evaluation {
            decision: Decision::Allow,
            statements: allows,
        });
    }
    Ok(Evaluation {
        decision: Decision::ImplicitDeny,
        statements: Vec::new(),
    })
}

/// docs/SEMANTICS.md §2.2 `matches`: principal, action and condition all hold.
fn statement_matches(
    s: &serde_json::Map<String, Value>,
    request: &Request,
    ctx: &Context<'_>,
    v2012: bool,
) -> bool {
    principal_matches(s.get("Principal"), &request.principal)
        && action_matches(s, &request.action)
        && conditions_match(s.get("Condition"), ctx, v2012)
}

/// A string or the strings of an array.
fn strings(v: &Value) -> Vec<&str> {
    match v {
        Value::String(s) => vec![s.as_str()],
        Value::Array(items) => items.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

/// R2 (docs/SEMANTICS.md §2.3).
fn principal_matches(principal: Option<&Value>, who: &str) -> bool {
    match principal {
        Some(Value::String(s)) => s == "*",
        Some(Value::Object(map)) => map.iter().any(|(kind, values)| {
            strings(values)
                .iter()
                .any(|v| *v == who || (kind == "AWS" && (*v == "*" || account_covers(v, who))))
        }),
        _ => false,
    }
}

/// R2: an `AWS` account id `N` or `arn:<p>:iam::N:root` covers the IAM and
/// STS principals of account `N`, never its identity providers.
fn account_covers(aws: &str, who: &str) -> bool {
    let account = if validity::is_account_id(aws) {
        aws
    } else {
        match aws.split(':').collect::<Vec<_>>().as_slice() {
            ["arn", _, "iam", "", n, "root"] if validity::is_account_id(n) => n,
            _ => return false,
        }
    };
    match who.splitn(6, ':').collect::<Vec<_>>().as_slice() {
        ["arn", _, "iam" | "sts", "", n, rest] => {
            *n == account
                && !rest.starts_with("oidc-provider/")
                && !rest.starts_with("saml-provider/")
        }
        _ => false,
    }
}

/// R3 (docs/SEMANTICS.md §2.4).
fn action_matches(s: &serde_json::Map<String, Value>, action: &str) -> bool {
    let one = |pattern: &&str| {
        *pattern == "*"
            || match (pattern.split_once(':'), action.split_once(':')) {
                (Some((pp, pn)), Some((ap, an))) => {
                    wildcard_match(&fold(pp), &fold(ap)) && wildcard_match(&fold(pn), &fold(an))
                }
                _ => false,
            }
    };
    if let Some(actions) = s.get("Action") {
        strings(actions).iter().any(one)
    } else if let Some(not_actions) = s.get("NotAction") {
        !strings(not_actions).iter().any(one)
    } else {
        false
    }
}

/// docs/SEMANTICS.md §3.1 and 3.11: operators ANDed, keys ANDed; `{}` is true (D7).
fn conditions_match(condition: Option<&Value>, ctx: &Context<'_>, v2012: bool) -> bool {
    let Some(Value::Object(operators)) = condition else {
        return true;
    };
    operators.iter().all(|(name, keys)| {
        let (Some(op), Some(keys)) = (condition::Operator::parse(name), keys.as_object()) else {
            return false; // unreachable for a valid policy (R1.7); fail closed
        };
        keys.iter().all(|(key, values)| {
            // INVARIANT: a valid policy's condition values are scalars or
            // arrays of them (R1.7); no value at all matches nothing.
            let values = validity::condition_values(values);
            debug_assert!(values.is_some(), "condition values of a valid policy");
            let values = values.unwrap_or_default();
            condition::eval_key(&op, key, &values, ctx, v2012)
        })
    })
}

/// R6: "ignoring case" compares `chars().flat_map(char::to_lowercase)`.
fn fold(s: &str) -> String {
    s.chars().flat_map(char::to_lowercase).collect()
}

/// The request context with names folded for lookup (R6, R11).
struct Context<'a> {
    entries: Vec<(String, &'a ContextValue)>,
}

impl<'a> Context<'a> {
    fn new(context: &'a [(String, ContextValue)]) -> Result<Self, String> {
        let mut entries: Vec<(String, &ContextValue)> = Vec::new();
        for (name, value) in context {
            let folded = fold(name);
            // R11: two keys equal under R6 make the request invalid.
            if entries.iter().any(|(f, _)| *f == folded) {
                return Err(format!(
                    "context key `{name}` is given twice (ignoring case)"
                ));
            }
            entries.push((folded, value));
        }
        Ok(Context { entries })
    }

    /// Looks a key up ignoring case (docs/SEMANTICS.md §3.8).
    fn get(&self, name: &str) -> Option<&'a ContextValue> {
        let folded = fold(name);
        self.entries
            .iter()
            .find(|(f, _)| *f == folded)
            .map(|(_, v)| *v)
    }
}
