//! The syntax tree of an IAM policy document.
//!
//! The tree is *lossless* in what matters to a reader: every element the
//! document wrote is here, with the shape it was written in (a `Statement`
//! object or an array, a single `Action` string or a list, a condition value
//! as a string, number or boolean), and every node knows its [`Span`].
//! Nothing is normalised away; member order inside a JSON object is the only
//! thing not kept, except in `Condition`, whose operators and keys keep their
//! order.
//!
//! The tree also represents documents that IAM would refuse to save (an
//! `Effect` of `allow`, both `Action` and `NotAction`, a `Resource` in a
//! trust policy): parsing is about reading exactly, and such rules live in
//! [`crate::validate`]. What the tree cannot represent is input that is not
//! an IAM policy at all: unknown element names, wrong JSON types, duplicate
//! keys and unknown condition operators are parse errors.

use crate::grammar::operator::Operator;
use crate::span::{Span, Spanned};

/// One value or a list of values, as the document wrote it.
///
/// IAM accepts `"Action": "sts:AssumeRole"` and `"Action": ["sts:AssumeRole"]`
/// with the same meaning; the tree keeps which form was used so that printing
/// gives back the same shape.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OneOrMany<T> {
    /// A single value written without brackets.
    One(T),
    /// A JSON array (possibly empty).
    Many(Vec<T>),
}

impl<T> OneOrMany<T> {
    /// The values as a slice, whichever form was written.
    pub fn as_slice(&self) -> &[T] {
        match self {
            OneOrMany::One(v) => std::slice::from_ref(v),
            OneOrMany::Many(vs) => vs,
        }
    }

    /// Iterates over the values.
    pub fn iter(&self) -> std::slice::Iter<'_, T> {
        self.as_slice().iter()
    }

    /// The number of values.
    pub fn len(&self) -> usize {
        self.as_slice().len()
    }

    /// Whether there are no values (an empty array).
    pub fn is_empty(&self) -> bool {
        self.as_slice().is_empty()
    }
}

impl<T> IntoIterator for OneOrMany<T> {
    type Item = T;
    type IntoIter = std::iter::Chain<std::option::IntoIter<T>, std::vec::IntoIter<T>>;

    /// Iterates over the values by value, without allocating.
    ///
    /// ```
    /// use rolecall_policy::OneOrMany;
    ///
    /// assert_eq!(OneOrMany::One(1).into_iter().collect::<Vec<_>>(), [1]);
    /// assert_eq!(OneOrMany::Many(vec![1, 2]).into_iter().collect::<Vec<_>>(), [1, 2]);
    /// assert_eq!(OneOrMany::<u8>::Many(vec![]).into_iter().count(), 0);
    /// ```
    fn into_iter(self) -> Self::IntoIter {
        match self {
            OneOrMany::One(v) => Some(v).into_iter().chain(Vec::new()),
            OneOrMany::Many(vs) => None.into_iter().chain(vs),
        }
    }
}

/// A whole policy document.
///
/// Equality ignores spans, as for [`Spanned`].
#[derive(Debug, Clone, Eq)]
pub struct Policy {
    /// `Version`, if present.
    pub version: Option<Spanned<Version>>,
    /// `Id`, if present. It has no effect on evaluation.
    pub id: Option<Spanned<String>>,
    /// `Statement`: one object or an array of them.
    pub statement: Spanned<OneOrMany<Statement>>,
    /// The span of the whole document object.
    pub span: Span,
}

impl Policy {
    /// The statements, whichever form `Statement` was written in.
    pub fn statements(&self) -> &[Statement] {
        self.statement.node.as_slice()
    }

    /// The policy language version in force: a missing `Version` means
    /// 2008-10-17 (docs/SEMANTICS.md D3), in which `${...}` is literal text.
    ///
    /// Returns `None` for an unrecognised `Version` string.
    pub fn language_version(&self) -> Option<LanguageVersion> {
        match &self.version {
            None => Some(LanguageVersion::V2008_10_17),
            Some(v) => match &v.node {
                Version::V2012_10_17 => Some(LanguageVersion::V2012_10_17),
                Version::V2008_10_17 => Some(LanguageVersion::V2008_10_17),
                Version::Other(_) => None,
            },
        }
    }
}

/// The value of the `Version` element as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Version {
    /// `"2012-10-17"`: policy variables are substituted.
    V2012_10_17,
    /// `"2008-10-17"`: `${...}` is literal text.
    V2008_10_17,
    /// Any other string. IAM refuses it; see [`crate::validate`].
    Other(String),
}

impl Version {
    /// The text as it appears in a document.
    pub fn as_str(&self) -> &str {
        match self {
            Version::V2012_10_17 => "2012-10-17",
            Version::V2008_10_17 => "2008-10-17",
            Version::Other(s) => s,
        }
    }
}

/// The policy language version that decides how values are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LanguageVersion {
    /// 2012-10-17: policy variables exist.
    V2012_10_17,
    /// 2008-10-17 (also the default when `Version` is absent).
    V2008_10_17,
}

/// The value of `Effect` as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// `"Allow"`.
    Allow,
    /// `"Deny"`.
    Deny,
    /// Any other string, such as `"allow"`. Effect is case-sensitive
    /// (docs/SEMANTICS.md §1.6), so IAM refuses it; see [`crate::validate`].
    Other(String),
}

impl Effect {
    /// The text as it appears in a document.
    pub fn as_str(&self) -> &str {
        match self {
            Effect::Allow => "Allow",
            Effect::Deny => "Deny",
            Effect::Other(s) => s,
        }
    }
}

/// One statement.
///
/// Pairs that IAM forbids together (`Action` and `NotAction`, `Principal` and
/// `NotPrincipal`) are separate fields so that the tree can hold what was
/// written and a validator can report it.
///
/// Equality ignores spans, as for [`Spanned`].
#[derive(Debug, Clone, Eq)]
pub struct Statement {
    /// `Sid`, if present.
    pub sid: Option<Spanned<String>>,
    /// `Effect`. Required by IAM; absent only in documents a validator rejects.
    pub effect: Option<Spanned<Effect>>,
    /// `Principal`, if present.
    pub principal: Option<Spanned<Principal>>,
    /// `NotPrincipal`, if present (never valid in a trust policy).
    pub not_principal: Option<Spanned<Principal>>,
    /// `Action`, if present.
    pub action: Option<Spanned<OneOrMany<Spanned<String>>>>,
    /// `NotAction`, if present.
    pub not_action: Option<Spanned<OneOrMany<Spanned<String>>>>,
    /// `Resource`, if present (never valid in a trust policy).
    pub resource: Option<Spanned<OneOrMany<Spanned<String>>>>,
    /// `NotResource`, if present (never valid in a trust policy).
    pub not_resource: Option<Spanned<OneOrMany<Spanned<String>>>>,
    /// `Condition`, if present.
    pub condition: Option<Spanned<Condition>>,
    /// The span of the statement object.
    pub span: Span,
}

/// The value of `Principal` or `NotPrincipal`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Principal {
    /// The string `"*"`: everyone.
    Wildcard,
    /// A map from principal type to one value or a list of values, in the
    /// order written. Each type appears at most once.
    Map(Vec<PrincipalEntry>),
}

/// One `Type: value | [values]` member of a principal map.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrincipalEntry {
    /// The principal type (`AWS`, `Federated`, `Service`, `CanonicalUser`).
    pub kind: Spanned<PrincipalKind>,
    /// The principal values.
    pub values: Spanned<OneOrMany<Spanned<String>>>,
}

/// The type of a principal; the names are case-sensitive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PrincipalKind {
    /// `AWS`: accounts, users, roles, or `*`.
    Aws,
    /// `Federated`: identity providers (OIDC provider ARNs, built-in web
    /// providers, SAML provider ARNs).
    Federated,
    /// `Service`: AWS service principals such as `pods.eks.amazonaws.com`.
    Service,
    /// `CanonicalUser`: S3 canonical user ids.
    CanonicalUser,
}

impl PrincipalKind {
    /// The element name as written in a document.
    pub fn as_str(&self) -> &'static str {
        match self {
            PrincipalKind::Aws => "AWS",
            PrincipalKind::Federated => "Federated",
            PrincipalKind::Service => "Service",
            PrincipalKind::CanonicalUser => "CanonicalUser",
        }
    }
}

/// The `Condition` element: operator blocks in the order written.
///
/// Operators are ANDed, keys under one operator are ANDed, and the values of
/// one key are ORed (docs/SEMANTICS.md §3.1). No operator appears twice (a parse
/// error, docs/SEMANTICS.md D1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Condition {
    /// The operator blocks.
    pub blocks: Vec<ConditionBlock>,
}

/// One `Operator: { key: values, ... }` member of a `Condition`.
///
/// Equality ignores spans, as for [`Spanned`].
#[derive(Debug, Clone, Eq)]
pub struct ConditionBlock {
    /// The operator, parsed from its canonical spelling.
    pub operator: Spanned<Operator>,
    /// The condition keys with their values, in the order written. No two
    /// keys are equal ignoring ASCII case (a parse error).
    pub entries: Vec<ConditionEntry>,
    /// The span of the key map object.
    pub span: Span,
}

/// One `key: value | [values]` member of a condition block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConditionEntry {
    /// The condition key as written (keys are matched case-insensitively).
    pub key: Spanned<String>,
    /// The policy values.
    pub values: Spanned<OneOrMany<Spanned<ConditionValue>>>,
}

/// A condition value: IAM accepts JSON strings, numbers and booleans.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConditionValue {
    /// A JSON string.
    String(String),
    /// A JSON number, kept exactly (integers beyond 64 bits are a parse error).
    Number(Number),
    /// A JSON boolean.
    Bool(bool),
}

/// A JSON number as a condition value holds it: its JSON spelling is what
/// operators compare (docs/SEMANTICS.md §1.10). Wraps the JSON reader's
/// number type so that type is not part of this crate's API.
///
/// ```
/// use rolecall_policy::Number;
///
/// assert_eq!(Number::from(12).to_string(), "12");
/// assert_eq!(Number::from_json("1.50").map(|n| n.to_string()).as_deref(), Some("1.5"));
/// assert!(Number::from_json("twelve").is_none());
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Number(pub(crate) serde_json::Number);

impl Number {
    /// The number a JSON number literal spells; `None` when `text` is not
    /// exactly one JSON number.
    pub fn from_json(text: &str) -> Option<Number> {
        serde_json::from_str(text).ok().map(Number)
    }

    /// A finite float as a number; `None` for NaN and the infinities, which
    /// JSON cannot spell.
    pub fn from_f64(value: f64) -> Option<Number> {
        serde_json::Number::from_f64(value).map(Number)
    }
}

macro_rules! number_from_int {
    ($($t:ty),*) => {$(
        impl From<$t> for Number {
            fn from(value: $t) -> Number {
                Number(serde_json::Number::from(value))
            }
        }
    )*};
}
number_from_int!(i32, i64, u32, u64);

impl std::fmt::Display for Number {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl ConditionValue {
    /// The value's canonical text: a string as is, a number or boolean in
    /// its JSON spelling (`123`, `1.5`, `true`). Operators compare this text
    /// (docs/SEMANTICS.md §1.10).
    pub fn text(&self) -> std::borrow::Cow<'_, str> {
        match self {
            ConditionValue::String(s) => std::borrow::Cow::Borrowed(s),
            ConditionValue::Number(n) => std::borrow::Cow::Owned(n.to_string()),
            ConditionValue::Bool(true) => std::borrow::Cow::Borrowed("true"),
            ConditionValue::Bool(false) => std::borrow::Cow::Borrowed("false"),
        }
    }

    /// [`ConditionValue::text`], taking the string instead of copying it.
    ///
    /// ```
    /// use rolecall_policy::ConditionValue;
    ///
    /// assert_eq!(ConditionValue::String("a*".into()).into_text(), "a*");
    /// assert_eq!(ConditionValue::Bool(false).into_text(), "false");
    /// assert_eq!(ConditionValue::Number(12.into()).into_text(), "12");
    /// ```
    pub fn into_text(self) -> String {
        match self {
            ConditionValue::String(s) => s,
            other => other.text().into_owned(),
        }
    }
}

// Equality ignores spans (see `Spanned`): a tree parsed from a pretty-printed
// document equals the tree parsed from the same document minified. The
// nodes with a bare `span` field therefore compare every field but that one.

impl PartialEq for Policy {
    fn eq(&self, other: &Self) -> bool {
        self.version == other.version && self.id == other.id && self.statement == other.statement
    }
}

impl PartialEq for Statement {
    fn eq(&self, other: &Self) -> bool {
        self.sid == other.sid
            && self.effect == other.effect
            && self.principal == other.principal
            && self.not_principal == other.not_principal
            && self.action == other.action
            && self.not_action == other.not_action
            && self.resource == other.resource
            && self.not_resource == other.not_resource
            && self.condition == other.condition
    }
}

impl PartialEq for ConditionBlock {
    fn eq(&self, other: &Self) -> bool {
        self.operator == other.operator && self.entries == other.entries
    }
}
