//! A read-only view of a compiled statement's principal, action and
//! conditions, for tools that reason about a policy as a whole instead of
//! evaluating one request (`rolecall-analyze`).
//!
//! The view shows what [`crate::compile`] prepared, never a second reading
//! of the policy text: operator, set qualifier, `IfExists`, key and the
//! values in the form the evaluator compares (escapes applied,
//! `StringEqualsIgnoreCase` text already folded, `StringLike` values as
//! [`Pattern`]s). A tool built on it therefore shares the evaluator's
//! semantics for everything the view exposes; what the evaluator then does
//! with those parts (docs/SEMANTICS.md §3.11, docs/DECISIONS.md R2 to R9) is
//! documented in [`mod@crate::evaluate`].
//!
//! ```
//! use rolecall_eval::view::{ConditionValue, PrincipalView};
//! use rolecall_eval::CompiledPolicy;
//!
//! let policy = CompiledPolicy::from_json(r#"{"Version":"2012-10-17","Statement":{
//!     "Effect":"Allow","Principal":{"Federated":"accounts.google.com"},
//!     "Action":"sts:AssumeRoleWithWebIdentity",
//!     "Condition":{"StringLike":{"accounts.google.com:sub":"1*"}}}}"#)?;
//! let statement = &policy.statements()[0];
//! assert!(matches!(statement.principal_view(), PrincipalView::Values(v) if v.len() == 1));
//! let condition = statement.conditions().next().unwrap();
//! assert_eq!(condition.key(), "accounts.google.com:sub");
//! assert!(matches!(condition.values().next(), Some(ConditionValue::Pattern(_))));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::net::IpAddr;

use rolecall_policy::grammar::ip::IpNetwork;
use rolecall_policy::{Operator, OperatorFamily, PrincipalKind, Span};

use crate::compile::{
    ActionMatcher, ActionValue, CompiledCondition, CompiledStatement, PrincipalValue, ValueForm,
};
use crate::evaluate::{parse_context, Parsed};
use crate::matcher::Pattern;
use crate::request::FoldedKey;

/// Who a statement's `Principal` names (docs/DECISIONS.md R2).
#[derive(Debug, Clone, Copy)]
pub enum PrincipalView<'a> {
    /// `"Principal": "*"`: every principal.
    Everyone,
    /// The listed values (an empty list matches nobody).
    Values(&'a [PrincipalValue]),
}

impl PrincipalValue {
    /// The principal type (`AWS`, `Federated`, ...).
    pub fn kind(&self) -> PrincipalKind {
        self.kind
    }

    /// The value as written; it matches a request principal equal to it
    /// byte for byte.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// `{"AWS": "*"}`: matches every principal.
    pub fn is_aws_wildcard(&self) -> bool {
        self.aws_wildcard
    }

    /// For an `AWS` account id `N` or `arn:<p>:iam::N:root`: `N`, whose
    /// IAM and STS principals (never its identity providers) it also
    /// matches (R2).
    pub fn account(&self) -> Option<&str> {
        self.account.as_deref()
    }

    /// Where the value is written.
    pub fn span(&self) -> Span {
        self.span
    }
}

/// How one `Action`/`NotAction` value matches a request action (R3).
#[derive(Debug, Clone, Copy)]
pub enum ActionPattern<'a> {
    /// `*`: every action.
    Everything,
    /// The request action split at its first `:` must match both
    /// case-insensitive patterns ([`crate::matcher::Case::Insensitive`]).
    Split {
        /// The service prefix.
        service: &'a Pattern,
        /// The action name.
        name: &'a Pattern,
    },
    /// A wildcard-free ASCII `service:name`: the same as `Split` with the
    /// two halves of this text as literal case-insensitive patterns.
    Literal(&'a str),
    /// No `:` in the value: matches no action.
    Nothing,
}

impl ActionValue {
    /// How this value matches.
    pub fn pattern(&self) -> ActionPattern<'_> {
        match &self.matcher {
            ActionMatcher::Everything => ActionPattern::Everything,
            ActionMatcher::Split { service, name } => ActionPattern::Split { service, name },
            ActionMatcher::Literal => ActionPattern::Literal(&self.text),
            ActionMatcher::Nothing => ActionPattern::Nothing,
        }
    }

    /// The value as written.
    pub fn text(&self) -> &str {
        &self.text
    }
}

/// A condition value in the form the evaluator compares it.
#[derive(Debug, Clone, Copy)]
pub enum ConditionValue<'a> {
    /// `StringEquals` text (escapes such as `${*}` applied): equal char for
    /// char.
    Text(&'a str),
    /// `StringEqualsIgnoreCase` text, already folded with
    /// `char::to_lowercase` (R6); a context value matches when its folding
    /// equals it.
    Folded(&'a str),
    /// A `StringLike` pattern (R5).
    Pattern(&'a Pattern),
    /// An ARN pattern, six components (R8).
    Arn(&'a [Pattern; 6]),
    /// A String, ARN or Bool value with policy variables (R4), as written;
    /// its meaning depends on other keys of the request.
    Template(&'a str),
    /// A Numeric value.
    Number(f64),
    /// A Date value, nanoseconds since the epoch.
    Date(i128),
    /// A Bool value, or a `Null` test value.
    Bool(bool),
    /// `BinaryEquals` bytes.
    Bytes(&'a [u8]),
    /// An IP network.
    Network(&'a IpNetwork),
}

/// One condition key under one operator of a statement.
#[derive(Debug, Clone, Copy)]
pub struct ConditionView<'a> {
    inner: &'a CompiledCondition,
}

impl<'a> ConditionView<'a> {
    /// The operator: base, `ForAllValues`/`ForAnyValue` qualifier,
    /// `IfExists`.
    pub fn operator(&self) -> Operator {
        self.inner.operator
    }

    /// The key as written.
    pub fn key(&self) -> &'a str {
        &self.inner.key
    }

    /// The key folded for lookup (R6).
    pub fn folded_key(&self) -> &'a FoldedKey {
        &self.inner.folded
    }

    /// Where the key is written.
    pub fn key_span(&self) -> Span {
        self.inner.key_span
    }

    /// The values, in document order.
    pub fn values(&self) -> impl Iterator<Item = ConditionValue<'a>> + 'a {
        self.inner.values.iter().map(|v| match &v.form {
            ValueForm::Written => ConditionValue::Text(&v.text),
            ValueForm::Text(t) => ConditionValue::Text(t),
            ValueForm::Folded(f) => ConditionValue::Folded(f),
            ValueForm::Pattern(p) => ConditionValue::Pattern(p),
            ValueForm::Arn(a) => ConditionValue::Arn(a),
            ValueForm::Template(_) => ConditionValue::Template(&v.text),
            ValueForm::Number(n) => ConditionValue::Number(*n),
            ValueForm::Date(d) => ConditionValue::Date(*d),
            ValueForm::Bool(b) => ConditionValue::Bool(*b),
            ValueForm::Bytes(b) => ConditionValue::Bytes(b),
            ValueForm::Network(n) => ConditionValue::Network(n),
        })
    }
}

impl CompiledStatement {
    /// Who the `Principal` names.
    pub fn principal_view(&self) -> PrincipalView<'_> {
        if self.principal.everyone {
            PrincipalView::Everyone
        } else {
            PrincipalView::Values(&self.principal.values)
        }
    }

    /// The `Action` (or, when [`CompiledStatement::is_not_action`],
    /// `NotAction`) values.
    pub fn action_values(&self) -> &[ActionValue] {
        &self.action.values
    }

    /// The conditions, one per key under each operator, all ANDed.
    pub fn conditions(&self) -> impl Iterator<Item = ConditionView<'_>> {
        self.conditions.iter().map(|inner| ConditionView { inner })
    }
}

/// A context value as the evaluator reads it for a Numeric, Date or IP
/// operator (R7).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum TypedReading {
    /// A Numeric value.
    Number(f64),
    /// A Date value, nanoseconds since the epoch.
    Date(i128),
    /// An IP address.
    Ip(IpAddr),
}

/// How the evaluator reads a context value `v` for an operator of
/// `family` (`Numeric`, `Date` or `Ip`): `None` when it does not parse,
/// and then it matches no policy value (R7). Any other family gives
/// `None`.
pub fn read_typed(family: OperatorFamily, v: &str) -> Option<TypedReading> {
    match parse_context(family, v) {
        Ok(Parsed::Number(x)) => Some(TypedReading::Number(x)),
        Ok(Parsed::Date(d)) => Some(TypedReading::Date(d)),
        Ok(Parsed::Ip(a)) => Some(TypedReading::Ip(a)),
        _ => None,
    }
}
