//! Why a policy decided what it decided.
//!
//! [`explain`] evaluates like [`crate::decide`] (same decision, same
//! deciding statements: the crate's tests assert it on every shared
//! vector) but records, for every statement, whether the principal, the
//! action and each condition matched, and for each condition the
//! [`Rule`] of docs/SEMANTICS.md §3.11 / docs/DECISIONS.md R9 that applied, with the
//! context values and the policy values (and their spans, so that a front
//! end can point at the line).
//!
//! An [`Explanation`] serializes to JSON (`serde`) for tools and has a
//! plain-text [`Display`](fmt::Display).

use std::fmt;

use rolecall_policy::{BaseOperator, Operator, SetQualifier, Span};
use serde::{Serialize, Serializer};

use crate::compile::{CompiledCondition, CompiledPolicy, CompiledStatement, Effect, ValueForm};
use crate::evaluate::{
    action_value_matches, from_matches, null_holds, parse_context, principal_value_matches,
    resolved_text, set_values, value_matches, Unread, ValueResult,
};
use crate::request::{Context, ContextValue, Request};
use crate::Decision;

/// The explanation of one evaluation.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Explanation {
    /// The decision, as [`crate::evaluate()`] gives it.
    pub decision: Decision,
    /// The deciding statements, as [`crate::decide`] gives them (R10).
    pub statements: Vec<usize>,
    /// The request principal.
    pub principal: String,
    /// The request action.
    pub action: String,
    /// Every statement, in document order.
    pub details: Vec<StatementExplanation>,
}

/// How one statement fared.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct StatementExplanation {
    /// The statement number (from 0, document order).
    pub index: usize,
    /// The `Sid`, if written.
    pub sid: Option<String>,
    /// `Allow` or `Deny`.
    pub effect: Effect,
    /// The statement object.
    #[serde(serialize_with = "ser_span")]
    pub span: Span,
    /// Whether principal, action and every condition matched.
    pub matched: bool,
    /// The principal check.
    pub principal: PrincipalExplanation,
    /// The action check.
    pub action: ActionExplanation,
    /// Every condition key under every operator, in document order.
    pub conditions: Vec<ConditionExplanation>,
}

/// The principal check (R2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct PrincipalExplanation {
    /// Whether the statement's principal covers the request principal.
    pub matched: bool,
    /// `"Principal": "*"`.
    pub everyone: bool,
    /// The first value that matched, as an index into `values`.
    pub matched_value: Option<usize>,
    /// The values, in document order.
    pub values: Vec<PrincipalValueExplanation>,
    /// The `Principal` value.
    #[serde(serialize_with = "ser_span")]
    pub span: Span,
}

/// One principal value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct PrincipalValueExplanation {
    /// `AWS`, `Federated`, `Service` or `CanonicalUser`.
    pub kind: &'static str,
    /// The value as written.
    pub value: String,
    /// Where.
    #[serde(serialize_with = "ser_span")]
    pub span: Span,
}

/// The action check (R3).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct ActionExplanation {
    /// Whether the statement applies to the request action.
    pub matched: bool,
    /// The statement uses `NotAction` (it applies when no value matches).
    pub not_action: bool,
    /// The first listed value that matches the request action.
    pub matched_value: Option<usize>,
    /// The values, in document order.
    pub values: Vec<WrittenValue>,
    /// The `Action` / `NotAction` value.
    #[serde(serialize_with = "ser_span")]
    pub span: Span,
}

/// A string as written, with its span.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WrittenValue {
    /// The text.
    pub text: String,
    /// Where.
    #[serde(serialize_with = "ser_span")]
    pub span: Span,
}

/// One condition key under one operator.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct ConditionExplanation {
    /// The operator as written, e.g. `ForAnyValue:StringLike`.
    pub operator: String,
    /// The operator, typed (what [`Self::operator`] spells); not serialized.
    #[serde(skip)]
    pub op: Operator,
    /// Where the operator is.
    #[serde(serialize_with = "ser_span")]
    pub operator_span: Span,
    /// The key as written.
    pub key: String,
    /// Where the key is.
    #[serde(serialize_with = "ser_span")]
    pub key_span: Span,
    /// The context values of the key.
    pub context: ContextValues,
    /// The policy values.
    pub values: Vec<PolicyValueExplanation>,
    /// Where the policy value (or list of values) is.
    #[serde(serialize_with = "ser_span")]
    pub values_span: Span,
    /// Whether the condition holds.
    pub matched: bool,
    /// The rule that decided it.
    pub rule: Rule,
    /// Each context value compared, with its own result: one for a
    /// single-valued key, one per member of the set `R` (R9) under a set
    /// qualifier, none when no value was compared.
    pub checks: Vec<ValueCheck>,
}

/// The context values of a condition key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "values", rename_all = "kebab-case")]
pub enum ContextValues {
    /// The key is not in the request.
    Missing,
    /// A single-valued key.
    Single(String),
    /// A multivalued key.
    Multi(Vec<String>),
}

/// One policy value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct PolicyValueExplanation {
    /// The value's text as written (numbers and booleans in JSON spelling).
    pub text: String,
    /// Where.
    #[serde(serialize_with = "ser_span")]
    pub span: Span,
    /// The text after substituting policy variables, when the value has
    /// any and they resolve (R4).
    pub resolved: Option<String>,
    /// The value has a policy variable that does not resolve, so it matches
    /// nothing (R4).
    pub unresolved: bool,
}

/// One context value compared with the policy values.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct ValueCheck {
    /// The context value.
    pub value: String,
    /// The result of `base_match` (docs/SEMANTICS.md §3.11) for it.
    pub matched: bool,
    /// Why.
    pub rule: Rule,
}

/// The rule of docs/SEMANTICS.md §3.2 to 3.11 / docs/DECISIONS.md R4 to R9 that
/// decided a condition or a value check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(tag = "rule", rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Rule {
    /// `Null` (3.6): true when a `true` value asks for absence and the key
    /// is missing, or a `false` value asks for presence and it is present.
    NullTest {
        /// Whether the key is present.
        present: bool,
        /// A policy value `true` is listed.
        wants_absent: bool,
        /// A policy value `false` is listed.
        wants_present: bool,
    },
    /// `ForAllValues:Null` is always true, `ForAnyValue:Null` always false
    /// (R9).
    NullWithQualifier {
        /// `ForAllValues:` (else `ForAnyValue:`).
        for_all_values: bool,
    },
    /// `...IfExists` with a missing key is true (3.5, R9).
    IfExistsKeyMissing,
    /// A missing key: false, or true for a negated operator (3.2).
    KeyMissing {
        /// The operator is negated.
        negated: bool,
    },
    /// A plain operator on a multivalued key is false (D5, R9).
    MultivaluedWithoutQualifier,
    /// `ForAllValues:` with no value to test (missing key or empty set) is
    /// true (3.7).
    ForAllValuesNoValues,
    /// `ForAnyValue:` with no value to test is false (3.7).
    ForAnyValueNoValues,
    /// `ForAllValues:`: every context value matched.
    ForAllValuesEveryValueMatched,
    /// `ForAllValues:`: a context value did not match.
    ForAllValuesValueFailed {
        /// Index into the condition's `checks`.
        context_value: usize,
    },
    /// `ForAnyValue:`: a context value matched.
    ForAnyValueMatched {
        /// Index into the condition's `checks`.
        context_value: usize,
    },
    /// `ForAnyValue:`: no context value matched.
    ForAnyValueNoneMatched,
    /// A policy value matched (positive operator: true).
    ValueMatched {
        /// Index into the condition's `values`.
        policy_value: usize,
    },
    /// No policy value matched (positive operator: false).
    NoValueMatched,
    /// A policy value matched, so the negated operator is false.
    NegatedValueMatched {
        /// Index into the condition's `values`.
        policy_value: usize,
    },
    /// No policy value matched, so the negated operator is true.
    NegatedNoValueMatched,
    /// Every policy value has a variable that does not resolve, so none
    /// matches (R4).
    UnresolvedVariable {
        /// The operator is negated (then it is true).
        negated: bool,
    },
    /// The context value does not parse for the operator's type, so it
    /// matches no policy value (R7).
    ContextValueUnparsable {
        /// The operator is negated (then it is true).
        negated: bool,
    },
    /// The context value is not an ARN: it matches nothing and the negated
    /// ARN operators are false too (R8).
    ContextValueNotArn {
        /// The operator is negated (it is false all the same).
        negated: bool,
    },
}

fn negation_note(negated: bool) -> &'static str {
    if negated {
        "; a negated operator is true then"
    } else {
        ""
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Rule::NullTest {
                present,
                wants_absent,
                wants_present,
            } => {
                let asks = match (wants_absent, wants_present) {
                    (true, true) => "either absence or presence",
                    (true, false) => "absence (`true`)",
                    (false, true) => "presence (`false`)",
                    (false, false) => "nothing",
                };
                write!(
                    f,
                    "`Null` tests presence only: the key is {} and the policy asks for {asks}",
                    if present { "present" } else { "missing" }
                )
            }
            Rule::NullWithQualifier { for_all_values } => {
                if for_all_values {
                    f.write_str("`ForAllValues:Null` is always true")
                } else {
                    f.write_str("`ForAnyValue:Null` is always false")
                }
            }
            Rule::IfExistsKeyMissing => {
                f.write_str("key missing; an `IfExists` operator is true when the key is missing")
            }
            Rule::KeyMissing { negated: true } => {
                f.write_str("key missing; a negated operator is true when the key is missing")
            }
            Rule::KeyMissing { negated: false } => {
                f.write_str("key missing; a positive operator is false when the key is missing")
            }
            Rule::MultivaluedWithoutQualifier => f.write_str(
                "the key is multivalued and the operator has no `ForAllValues:` or `ForAnyValue:` qualifier, so it is false",
            ),
            Rule::ForAllValuesNoValues => f.write_str(
                "the key has no values (missing, or only empty strings); `ForAllValues:` is true then",
            ),
            Rule::ForAnyValueNoValues => f.write_str(
                "the key has no values (missing, or only empty strings); `ForAnyValue:` is false then",
            ),
            Rule::ForAllValuesEveryValueMatched => {
                f.write_str("every context value matched, so `ForAllValues:` is true")
            }
            Rule::ForAllValuesValueFailed { context_value } => write!(
                f,
                "context value {context_value} did not match, so `ForAllValues:` is false"
            ),
            Rule::ForAnyValueMatched { context_value } => write!(
                f,
                "context value {context_value} matched, so `ForAnyValue:` is true"
            ),
            Rule::ForAnyValueNoneMatched => {
                f.write_str("no context value matched, so `ForAnyValue:` is false")
            }
            Rule::ValueMatched { policy_value } => write!(f, "policy value {policy_value} matched"),
            Rule::NoValueMatched => f.write_str("no policy value matched"),
            Rule::NegatedValueMatched { policy_value } => write!(
                f,
                "policy value {policy_value} matched, so the negated operator is false"
            ),
            Rule::NegatedNoValueMatched => {
                f.write_str("no policy value matched, so the negated operator is true")
            }
            Rule::UnresolvedVariable { negated } => write!(
                f,
                "every policy value has a policy variable that cannot be resolved, so none matches{}",
                negation_note(negated)
            ),
            Rule::ContextValueUnparsable { negated } => write!(
                f,
                "the context value does not parse for this operator, so it matches no policy value{}",
                negation_note(negated)
            ),
            Rule::ContextValueNotArn { .. } => f.write_str(
                "the context value is not an ARN, so it matches nothing, and negated ARN operators are false for it too",
            ),
        }
    }
}

/// Explains the evaluation of `request` against `policy`.
///
/// Its `decision` and `statements` are always those of [`crate::decide`].
pub fn explain(policy: &CompiledPolicy, request: &Request) -> Explanation {
    let ctx = request.context();
    let details: Vec<StatementExplanation> = policy
        .statements
        .iter()
        .enumerate()
        .map(|(i, s)| explain_statement(i, s, request.principal(), request.action(), ctx))
        .collect();
    let matching = |effect: Effect| -> Vec<usize> {
        details
            .iter()
            .filter(|d| d.matched && d.effect == effect)
            .map(|d| d.index)
            .collect()
    };
    let outcome = from_matches(matching(Effect::Deny), matching(Effect::Allow));
    Explanation {
        decision: outcome.decision,
        statements: outcome.statements,
        principal: request.principal().to_owned(),
        action: request.action().to_owned(),
        details,
    }
}

fn explain_statement(
    index: usize,
    s: &CompiledStatement,
    principal: &str,
    action: &str,
    ctx: &Context,
) -> StatementExplanation {
    let matched_value = s
        .principal
        .values
        .iter()
        .position(|v| principal_value_matches(v, principal));
    let principal_exp = PrincipalExplanation {
        matched: s.principal.everyone || matched_value.is_some(),
        everyone: s.principal.everyone,
        matched_value,
        values: s
            .principal
            .values
            .iter()
            .map(|v| PrincipalValueExplanation {
                kind: v.kind.as_str(),
                value: v.text.clone(),
                span: v.span,
            })
            .collect(),
        span: s.principal.span,
    };
    let action_value = s
        .action
        .values
        .iter()
        .position(|v| action_value_matches(v, action));
    let action_exp = ActionExplanation {
        matched: action_value.is_some() != s.action.negated,
        not_action: s.action.negated,
        matched_value: action_value,
        values: s
            .action
            .values
            .iter()
            .map(|v| WrittenValue {
                text: v.text.clone(),
                span: v.span,
            })
            .collect(),
        span: s.action.span,
    };
    let conditions: Vec<ConditionExplanation> = s
        .conditions
        .iter()
        .map(|c| explain_condition(c, ctx))
        .collect();
    StatementExplanation {
        index,
        sid: s.sid().map(str::to_owned),
        effect: s.effect,
        span: s.span,
        matched: principal_exp.matched
            && action_exp.matched
            && conditions.iter().all(|c| c.matched),
        principal: principal_exp,
        action: action_exp,
        conditions,
    }
}

fn explain_condition(c: &CompiledCondition, ctx: &Context) -> ConditionExplanation {
    let found = ctx.get(&c.folded).map(|e| e.value());
    let negated = c.operator.base.is_negated();
    let mut checks = Vec::new();
    let (matched, rule) = if c.operator.base == BaseOperator::Null {
        let present = found.is_some();
        let rule = match c.operator.qualifier {
            Some(q) => Rule::NullWithQualifier {
                for_all_values: q == SetQualifier::ForAllValues,
            },
            None => Rule::NullTest {
                present,
                wants_absent: c.null_wants_absent,
                wants_present: c.null_wants_present,
            },
        };
        (null_holds(c, present), rule)
    } else if found.is_none() && c.operator.if_exists {
        (true, Rule::IfExistsKeyMissing)
    } else {
        match (c.operator.qualifier, found) {
            (Some(q), _) => {
                checks = set_values(found).map(|v| check(c, v, ctx)).collect();
                let all = q == SetQualifier::ForAllValues;
                match (all, checks.is_empty()) {
                    (true, true) => (true, Rule::ForAllValuesNoValues),
                    (false, true) => (false, Rule::ForAnyValueNoValues),
                    (true, false) => match checks.iter().position(|k| !k.matched) {
                        Some(i) => (false, Rule::ForAllValuesValueFailed { context_value: i }),
                        None => (true, Rule::ForAllValuesEveryValueMatched),
                    },
                    (false, false) => match checks.iter().position(|k| k.matched) {
                        Some(i) => (true, Rule::ForAnyValueMatched { context_value: i }),
                        None => (false, Rule::ForAnyValueNoneMatched),
                    },
                }
            }
            (None, None) => (negated, Rule::KeyMissing { negated }),
            (None, Some(ContextValue::Multi(_))) => (false, Rule::MultivaluedWithoutQualifier),
            (None, Some(ContextValue::Single(v))) => {
                let k = check(c, v, ctx);
                let out = (k.matched, k.rule);
                checks.push(k);
                out
            }
        }
    };
    ConditionExplanation {
        operator: c.operator.to_string(),
        op: c.operator,
        operator_span: c.operator_span,
        key: c.key.clone(),
        key_span: c.key_span,
        context: match found {
            None => ContextValues::Missing,
            Some(ContextValue::Single(v)) => ContextValues::Single(v.clone()),
            Some(ContextValue::Multi(vs)) => ContextValues::Multi(vs.clone()),
        },
        values: c
            .values
            .iter()
            .map(|pv| {
                let (resolved, unresolved) = match &pv.form {
                    ValueForm::Template(items) => {
                        let r = resolved_text(items, ctx);
                        let unresolved = r.is_none();
                        (r, unresolved)
                    }
                    _ => (None, false),
                };
                PolicyValueExplanation {
                    text: pv.text.clone(),
                    span: pv.span,
                    resolved,
                    unresolved,
                }
            })
            .collect(),
        values_span: c.values_span,
        matched,
        rule,
        checks,
    }
}

/// `base_match` of docs/SEMANTICS.md §3.11 for one context value, with its rule.
/// Mirrors [`crate::evaluate`]'s `base_match` value by value.
fn check(c: &CompiledCondition, v: &str, ctx: &Context) -> ValueCheck {
    let negated = c.operator.base.is_negated();
    let (matched, rule) = match parse_context(c.family(), v) {
        Err(Unread::NotArn) => (false, Rule::ContextValueNotArn { negated }),
        Err(Unread::Unparsable) => (negated, Rule::ContextValueUnparsable { negated }),
        Ok(parsed) => {
            let results: Vec<ValueResult> = c
                .values
                .iter()
                .map(|pv| value_matches(c, pv, &parsed, ctx))
                .collect();
            match results.iter().position(|r| *r == ValueResult::Matched) {
                Some(i) if negated => (false, Rule::NegatedValueMatched { policy_value: i }),
                Some(i) => (true, Rule::ValueMatched { policy_value: i }),
                None => {
                    let rule = if !results.is_empty()
                        && results.iter().all(|r| *r == ValueResult::Unresolved)
                    {
                        Rule::UnresolvedVariable { negated }
                    } else if negated {
                        Rule::NegatedNoValueMatched
                    } else {
                        Rule::NoValueMatched
                    };
                    (negated, rule)
                }
            }
        }
    };
    ValueCheck {
        value: v.to_owned(),
        matched,
        rule,
    }
}

fn ser_span<S: Serializer>(span: &Span, s: S) -> Result<S::Ok, S::Error> {
    #[derive(Serialize)]
    struct SpanJson {
        start: usize,
        end: usize,
        line: u32,
        column: u32,
    }
    SpanJson {
        start: span.start,
        end: span.end,
        line: span.line,
        column: span.column,
    }
    .serialize(s)
}

impl fmt::Display for Explanation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "decision: {}", self.decision)?;
        match self.statements.as_slice() {
            [] => writeln!(f)?,
            [one] => writeln!(f, " (statement {one})")?,
            many => {
                let list: Vec<String> = many.iter().map(usize::to_string).collect();
                writeln!(f, " (statements {})", list.join(", "))?;
            }
        }
        writeln!(f, "principal: {}", self.principal)?;
        writeln!(f, "action: {}", self.action)?;
        for s in &self.details {
            write!(f, "statement {}", s.index)?;
            if let Some(sid) = &s.sid {
                write!(f, " `{sid}`")?;
            }
            writeln!(
                f,
                " ({}, line {}): {}",
                s.effect,
                s.span.line,
                if s.matched {
                    "matches"
                } else {
                    "does not match"
                }
            )?;
            let p = &s.principal;
            write!(f, "  principal: {}", yes_no(p.matched))?;
            if p.everyone {
                writeln!(f, " (`*` covers everyone)")?;
            } else if let Some(v) = p.matched_value.and_then(|i| p.values.get(i)) {
                writeln!(f, " (`{}` at line {})", v.value, v.span.line)?;
            } else {
                writeln!(f, " (no value names the request principal)")?;
            }
            let a = &s.action;
            write!(
                f,
                "  {}: {}",
                if a.not_action { "not-action" } else { "action" },
                yes_no(a.matched)
            )?;
            match a.matched_value.and_then(|i| a.values.get(i)) {
                Some(v) => writeln!(f, " (`{}` matches at line {})", v.text, v.span.line)?,
                None => writeln!(f, " (no listed action matches)")?,
            }
            for c in &s.conditions {
                writeln!(
                    f,
                    "  condition `{}` on `{}` (line {}): {}",
                    c.operator,
                    c.key,
                    c.key_span.line,
                    if c.matched { "true" } else { "false" }
                )?;
                match &c.context {
                    ContextValues::Missing => writeln!(f, "    context: missing")?,
                    ContextValues::Single(v) => writeln!(f, "    context: `{v}`")?,
                    ContextValues::Multi(vs) => {
                        let list: Vec<String> = vs.iter().map(|v| format!("`{v}`")).collect();
                        writeln!(f, "    context: [{}]", list.join(", "))?;
                    }
                }
                for (i, v) in c.values.iter().enumerate() {
                    write!(f, "    policy value {i}: `{}`", v.text)?;
                    if let Some(r) = &v.resolved {
                        write!(f, " (resolved to `{r}`)")?;
                    }
                    if v.unresolved {
                        write!(f, " (unresolved variable)")?;
                    }
                    writeln!(f)?;
                }
                if c.checks.len() > 1 {
                    for (i, k) in c.checks.iter().enumerate() {
                        writeln!(f, "    context value {i} `{}`: {}", k.value, k.rule)?;
                    }
                }
                writeln!(f, "    rule: {}", c.rule)?;
            }
        }
        Ok(())
    }
}

fn yes_no(b: bool) -> &'static str {
    if b {
        "matches"
    } else {
        "does not match"
    }
}
