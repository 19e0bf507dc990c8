//! Evaluating a compiled policy (docs/SEMANTICS.md §2.2, 3.11; docs/DECISIONS.md R2
//! to R10).
//!
//! * [`evaluate`] gives the [`Decision`] for one request and allocates
//!   nothing: context lookups are binary searches over folded names, policy
//!   values were parsed at compile time, context values are parsed on the
//!   stack, and a value with policy variables is matched by streaming its
//!   pieces (literal text borrowed from the compiled policy, substituted
//!   text borrowed from the request context) into the matcher.
//! * [`decide`] also lists the deciding statements (R10).
//! * [`evaluate_call`] authorizes every action of an
//!   `AssumeRoleWithWebIdentity` call (docs/SEMANTICS.md §2.1 step 5).

use std::cmp::Ordering;
use std::net::IpAddr;

use rolecall_policy::grammar::{date, number, parse_bool};
use rolecall_policy::{BaseOperator, OperatorFamily, PrincipalKind, SetQualifier};
use serde::Serialize;

use crate::claims::WebIdentity;
use crate::compile::{
    ActionMatcher, ActionValue, CompiledAction, CompiledCondition, CompiledPolicy,
    CompiledPrincipal, CompiledStatement, Effect, PolicyValue, PrincipalValue, TplItem, ValueForm,
};
use crate::matcher::{glob_match_stream, Elem, Pattern};
use crate::request::{Context, ContextValue, FoldedKey, Request};
use crate::Decision;

/// A decision with the statements that decided it (docs/DECISIONS.md R10).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Outcome {
    /// The decision.
    pub decision: Decision,
    /// Every matching `Deny` for [`Decision::ExplicitDeny`], every matching
    /// `Allow` for [`Decision::Allow`], none for [`Decision::ImplicitDeny`];
    /// numbered from 0 in document order.
    pub statements: Vec<usize>,
}

/// The result for one action of a call.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct ActionOutcome {
    /// The action, e.g. `sts:TagSession`.
    pub action: String,
    /// Its decision and deciding statements.
    pub outcome: Outcome,
}

/// The result of a whole `AssumeRoleWithWebIdentity` call.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct CallOutcome {
    /// [`Decision::Allow`] only if every action is allowed;
    /// [`Decision::ExplicitDeny`] if any action is explicitly denied;
    /// otherwise [`Decision::ImplicitDeny`].
    pub decision: Decision,
    /// One result per required action, in [`WebIdentity::actions`] order.
    pub actions: Vec<ActionOutcome>,
}

/// The decision for one request. Allocation-free.
///
/// ```
/// use rolecall_eval::{evaluate, CompiledPolicy, Decision, request::Request};
/// let policy = CompiledPolicy::from_json(r#"{"Version":"2012-10-17","Statement":{
///     "Effect":"Allow","Principal":{"Federated":"accounts.google.com"},
///     "Action":"sts:AssumeRoleWithWebIdentity",
///     "Condition":{"StringEquals":{"accounts.google.com:aud":"client"}}}}"#)?;
/// let request = Request::builder()
///     .principal("accounts.google.com")
///     .action("sts:AssumeRoleWithWebIdentity")
///     .value("accounts.google.com:aud", "client")
///     .build()?;
/// assert_eq!(evaluate(&policy, &request), Decision::Allow);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn evaluate(policy: &CompiledPolicy, request: &Request) -> Decision {
    decision_of(
        policy,
        request.principal(),
        request.action(),
        request.context(),
    )
}

/// The decision and the deciding statements for one request (R10).
pub fn decide(policy: &CompiledPolicy, request: &Request) -> Outcome {
    outcome_of(
        policy,
        request.principal(),
        request.action(),
        request.context(),
    )
}

/// Authorizes every action the call needs (docs/SEMANTICS.md §2.1 step 5).
pub fn evaluate_call(policy: &CompiledPolicy, identity: &WebIdentity) -> CallOutcome {
    let actions: Vec<ActionOutcome> = identity
        .actions()
        .iter()
        .map(|a| ActionOutcome {
            action: (*a).to_owned(),
            outcome: outcome_of(policy, identity.principal(), a, identity.context()),
        })
        .collect();
    // Fail closed: no action at all is not an allowed call.
    let decision = Decision::combine(actions.iter().map(|a| a.outcome.decision));
    CallOutcome { decision, actions }
}

/// R10 without the statement list: a matching Deny decides at once.
pub(crate) fn decision_of(
    policy: &CompiledPolicy,
    principal: &str,
    action: &str,
    ctx: &Context,
) -> Decision {
    let mut allowed = false;
    for s in &policy.statements {
        match s.effect {
            Effect::Deny => {
                if statement_matches(s, principal, action, ctx) {
                    return Decision::ExplicitDeny;
                }
            }
            Effect::Allow => {
                if !allowed && statement_matches(s, principal, action, ctx) {
                    allowed = true;
                }
            }
        }
    }
    if allowed {
        Decision::Allow
    } else {
        Decision::ImplicitDeny
    }
}

pub(crate) fn outcome_of(
    policy: &CompiledPolicy,
    principal: &str,
    action: &str,
    ctx: &Context,
) -> Outcome {
    let mut denies = Vec::new();
    let mut allows = Vec::new();
    for (i, s) in policy.statements.iter().enumerate() {
        if statement_matches(s, principal, action, ctx) {
            match s.effect {
                Effect::Deny => denies.push(i),
                Effect::Allow => allows.push(i),
            }
        }
    }
    from_matches(denies, allows)
}

/// R10 from the matching statements of each effect.
pub(crate) fn from_matches(denies: Vec<usize>, allows: Vec<usize>) -> Outcome {
    if !denies.is_empty() {
        Outcome {
            decision: Decision::ExplicitDeny,
            statements: denies,
        }
    } else if !allows.is_empty() {
        Outcome {
            decision: Decision::Allow,
            statements: allows,
        }
    } else {
        Outcome {
            decision: Decision::ImplicitDeny,
            statements: Vec::new(),
        }
    }
}

/// docs/SEMANTICS.md §2.2 `matches`.
pub(crate) fn statement_matches(
    s: &CompiledStatement,
    principal: &str,
    action: &str,
    ctx: &Context,
) -> bool {
    principal_matches(&s.principal, principal)
        && action_matches(&s.action, action)
        && s.conditions.iter().all(|c| condition_holds(c, ctx))
}

/// R2.
pub(crate) fn principal_matches(p: &CompiledPrincipal, who: &str) -> bool {
    p.everyone || p.values.iter().any(|v| principal_value_matches(v, who))
}

pub(crate) fn principal_value_matches(v: &PrincipalValue, who: &str) -> bool {
    v.text == who
        || (v.kind == PrincipalKind::Aws
            && (v.aws_wildcard || v.account.as_deref().is_some_and(|n| account_covers(n, who))))
}

/// R2: account `n` covers `arn:<p>:iam::n:<rest>` and `arn:<p>:sts::n:<rest>`
/// except its identity providers.
fn account_covers(n: &str, who: &str) -> bool {
    match split_arn(who) {
        Some(["arn", _, "iam" | "sts", "", account, rest]) => {
            account == n
                && !rest.starts_with("oidc-provider/")
                && !rest.starts_with("saml-provider/")
        }
        _ => false,
    }
}

/// R3.
pub(crate) fn action_matches(a: &CompiledAction, action: &str) -> bool {
    let any = a.values.iter().any(|v| action_value_matches(v, action));
    any != a.negated
}

pub(crate) fn action_value_matches(v: &ActionValue, action: &str) -> bool {
    match &v.matcher {
        ActionMatcher::Everything => true,
        ActionMatcher::Split { service, name } => split_action_matches(service, name, action),
        ActionMatcher::Literal => literal_action_matches(&v.text, action),
        ActionMatcher::Nothing => false,
    }
}

/// R3 for a wildcard-free ASCII policy action: the request's first `:`
/// must sit where the policy's does and both halves agree under R6
/// folding. For an ASCII request that is one ASCII case-insensitive
/// comparison of the whole text.
fn literal_action_matches(policy: &str, action: &str) -> bool {
    // The request nearly always spells the action as the policy does: one
    // memcmp instead of a byte-by-byte case-insensitive loop (IRSA evaluate
    // 925 -> 850 instructions, callgrind eval_loop).
    if action == policy {
        return true;
    }
    if action.is_ascii() {
        return action.eq_ignore_ascii_case(policy);
    }
    // The policy text is ASCII, so its folding is `to_ascii_lowercase`.
    let folds_to = |ascii: &str, v: &str| {
        ascii
            .chars()
            .map(|c| c.to_ascii_lowercase())
            .eq(v.chars().flat_map(char::to_lowercase))
    };
    match (policy.split_once(':'), action.split_once(':')) {
        (Some((ps, pn)), Some((s, n))) => folds_to(ps, s) && folds_to(pn, n),
        _ => false,
    }
}

/// R3: split the request action at its first `:` and match both halves.
fn split_action_matches(service: &Pattern, name: &Pattern, action: &str) -> bool {
    match action.split_once(':') {
        Some((s, n)) => service.is_match(s) && name.is_match(n),
        None => false,
    }
}

/// Splits an ARN at its first five colons (R8): `None` when it has fewer or
/// its first component is not `arn`. Allocation-free.
pub(crate) fn split_arn(v: &str) -> Option<[&str; 6]> {
    let mut out = [""; 6];
    let mut it = v.splitn(6, ':');
    for slot in &mut out {
        *slot = it.next()?;
    }
    (out[0] == "arn").then_some(out)
}

/// `eval_key` of docs/SEMANTICS.md §3.11 with the R9 refinements.
pub(crate) fn condition_holds(c: &CompiledCondition, ctx: &Context) -> bool {
    let found = ctx.get(&c.folded).map(|e| e.value());
    if c.operator.base == BaseOperator::Null {
        return null_holds(c, found.is_some());
    }
    // R9: IfExists with a missing key is true before the qualifier is
    // looked at.
    if found.is_none() && c.operator.if_exists {
        return true;
    }
    match (c.operator.qualifier, found) {
        // docs/SEMANTICS.md §3.7: a missing key or an empty set is true for
        // ForAllValues and false for ForAnyValue.
        (Some(SetQualifier::ForAllValues), _) => set_values(found).all(|v| base_match(c, v, ctx)),
        (Some(SetQualifier::ForAnyValue), _) => set_values(found).any(|v| base_match(c, v, ctx)),
        // docs/SEMANTICS.md §3.2: a missing key is false, true when negated.
        (None, None) => c.operator.base.is_negated(),
        // D5, R9: a plain operator on a multivalued key is false.
        (None, Some(ContextValue::Multi(_))) => false,
        (None, Some(ContextValue::Single(v))) => base_match(c, v, ctx),
    }
}

/// docs/SEMANTICS.md §3.6 and R9: `Null` tests presence; with a qualifier it is
/// constant.
pub(crate) fn null_holds(c: &CompiledCondition, present: bool) -> bool {
    match c.operator.qualifier {
        Some(SetQualifier::ForAllValues) => true,
        Some(SetQualifier::ForAnyValue) => false,
        None => (c.null_wants_absent && !present) || (c.null_wants_present && present),
    }
}

/// R9: the set `R` of a key; a multivalued key leaves out empty strings.
pub(crate) fn set_values(found: Option<&ContextValue>) -> impl Iterator<Item = &str> + Clone {
    let (values, multi): (&[String], bool) = match found {
        None => (&[], false),
        Some(v) => (v.values(), v.is_multivalued()),
    };
    values
        .iter()
        .map(String::as_str)
        .filter(move |v| !(multi && v.is_empty()))
}

/// A context value read for the operator's type.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Parsed<'v> {
    Str(&'v str),
    Number(f64),
    Date(i128),
    Bool(bool),
    Ip(IpAddr),
    Arn([&'v str; 6]),
}

/// Why a context value was not compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Unread {
    /// It does not parse for the operator's type (R7).
    Unparsable,
    /// It is not an ARN (R8).
    NotArn,
}

/// Reads a context value for the operator's family (R7, R8).
pub(crate) fn parse_context(family: OperatorFamily, v: &str) -> Result<Parsed<'_>, Unread> {
    Ok(match family {
        OperatorFamily::String | OperatorFamily::Binary | OperatorFamily::Null => Parsed::Str(v),
        OperatorFamily::Numeric => {
            Parsed::Number(number::parse_numeric(v).map_err(|_| Unread::Unparsable)?)
        }
        OperatorFamily::Date => Parsed::Date(date::parse_date(v).map_err(|_| Unread::Unparsable)?),
        OperatorFamily::Bool => Parsed::Bool(parse_bool(v).ok_or(Unread::Unparsable)?),
        OperatorFamily::Ip => Parsed::Ip(v.parse().map_err(|_| Unread::Unparsable)?),
        OperatorFamily::Arn => Parsed::Arn(split_arn(v).ok_or(Unread::NotArn)?),
    })
}

/// `base_match` of docs/SEMANTICS.md §3.11: OR over the policy values, NOR when
/// negated.
pub(crate) fn base_match(c: &CompiledCondition, v: &str, ctx: &Context) -> bool {
    let negated = c.operator.base.is_negated();
    let family = c.family();
    if family == OperatorFamily::String {
        // Nearly every trust-policy condition: the text is compared as it
        // is, without building the typed `Parsed` result (IRSA evaluate
        // 784 -> 690 instructions, callgrind).
        return any_value_matches(c, &Parsed::Str(v), ctx) != negated;
    }
    match parse_context(family, v) {
        // R8: a context value that is not an ARN matches nothing, and the
        // negated ARN operators are false for it too.
        Err(Unread::NotArn) => false,
        // R7: an unparsable context value matches no policy value.
        Err(Unread::Unparsable) => negated,
        Ok(parsed) => any_value_matches(c, &parsed, ctx) != negated,
    }
}

fn any_value_matches(c: &CompiledCondition, parsed: &Parsed<'_>, ctx: &Context) -> bool {
    if let (Some(set), Parsed::Str(v)) = (&c.like_set, parsed) {
        // The variable-free patterns at once; then only the values with
        // variables need a look.
        return set.is_match(v)
            || c.has_templates
                && c.values.iter().any(|pv| {
                    matches!(pv.form, ValueForm::Template(_))
                        && value_matches(c, pv, parsed, ctx) == ValueResult::Matched
                });
    }
    c.values
        .iter()
        .any(|pv| value_matches(c, pv, parsed, ctx) == ValueResult::Matched)
}

/// The result of comparing one policy value with one context value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ValueResult {
    Matched,
    NotMatched,
    /// A policy variable could not be resolved: the value matches nothing
    /// (R4).
    Unresolved,
}

impl From<bool> for ValueResult {
    fn from(b: bool) -> Self {
        if b {
            ValueResult::Matched
        } else {
            ValueResult::NotMatched
        }
    }
}

/// `positive_match` of docs/SEMANTICS.md §3.11 for one policy value.
pub(crate) fn value_matches(
    c: &CompiledCondition,
    pv: &PolicyValue,
    parsed: &Parsed<'_>,
    ctx: &Context,
) -> ValueResult {
    let positive = c.operator.base.positive();
    match (&pv.form, parsed) {
        (ValueForm::Written, Parsed::Str(v)) => (*pv.text == **v).into(),
        (ValueForm::Text(t), Parsed::Str(v)) => (**t == **v).into(),
        (ValueForm::Folded(f), Parsed::Str(v)) => fold_eq(f, v).into(),
        (ValueForm::Pattern(p), Parsed::Str(v)) => p.is_match(v).into(),
        (ValueForm::Arn(parts), Parsed::Arn(ctx_parts)) => parts
            .iter()
            .zip(ctx_parts.iter())
            .all(|(p, v)| p.is_match(v))
            .into(),
        (ValueForm::Number(p), Parsed::Number(x)) => {
            ordering_holds(positive, x.partial_cmp(p)).into()
        }
        (ValueForm::Date(p), Parsed::Date(x)) => ordering_holds(positive, Some(x.cmp(p))).into(),
        (ValueForm::Bool(b), Parsed::Bool(x)) => (b == x).into(),
        (ValueForm::Bytes(b), Parsed::Str(v)) => (**b == *v.as_bytes()).into(),
        (ValueForm::Network(n), Parsed::Ip(a)) => n.contains(*a).into(),
        (ValueForm::Template(items), _) => {
            if !resolvable(items, ctx) {
                return ValueResult::Unresolved;
            }
            let resolved = Resolved::new(items, ctx);
            match (positive, parsed) {
                (BaseOperator::StringEquals, Parsed::Str(v)) => {
                    resolved.map(|(ch, _)| ch).eq(v.chars()).into()
                }
                (BaseOperator::StringEqualsIgnoreCase, Parsed::Str(v)) => resolved
                    .flat_map(|(ch, _)| ch.to_lowercase())
                    .eq(v.chars().flat_map(char::to_lowercase))
                    .into(),
                (BaseOperator::StringLike, Parsed::Str(v)) => {
                    glob_match_stream(resolved.map(wildcard), v.chars()).into()
                }
                (BaseOperator::ArnEquals | BaseOperator::ArnLike, Parsed::Arn(ctx_parts)) => (0..6)
                    .zip(ctx_parts.iter())
                    .all(|(k, v)| {
                        glob_match_stream(
                            ArnComponent {
                                inner: resolved.clone(),
                                seps: 0,
                                k,
                            },
                            v.chars(),
                        )
                    })
                    .into(),
                // R7: the substituted text read as a Bool literal.
                (BaseOperator::Bool, Parsed::Bool(x)) => {
                    let is = |word: &str| {
                        resolved
                            .clone()
                            .map(|(ch, _)| ch.to_ascii_lowercase())
                            .eq(word.chars())
                    };
                    let b = if is("true") {
                        Some(true)
                    } else if is("false") {
                        Some(false)
                    } else {
                        None
                    };
                    (b == Some(*x)).into()
                }
                _ => ValueResult::NotMatched,
            }
        }
        // Forms and context types always agree for a compiled operator;
        // anything else matches nothing (fail closed).
        _ => ValueResult::NotMatched,
    }
}

/// R6 equality of an already-folded string with the folding of `v`.
fn fold_eq(folded: &str, v: &str) -> bool {
    if v.is_ascii() {
        folded.len() == v.len()
            && folded
                .bytes()
                .zip(v.bytes())
                .all(|(a, b)| a == b.to_ascii_lowercase())
    } else {
        folded.chars().eq(v.chars().flat_map(char::to_lowercase))
    }
}

/// `context OP policy` for the ordered operators (R7).
fn ordering_holds(positive: BaseOperator, order: Option<Ordering>) -> bool {
    use BaseOperator as B;
    use Ordering::{Equal, Greater, Less};
    matches!(
        (positive, order),
        (B::NumericEquals | B::DateEquals, Some(Equal))
            | (B::NumericLessThan | B::DateLessThan, Some(Less))
            | (
                B::NumericLessThanEquals | B::DateLessThanEquals,
                Some(Less | Equal)
            )
            | (B::NumericGreaterThan | B::DateGreaterThan, Some(Greater))
            | (
                B::NumericGreaterThanEquals | B::DateGreaterThanEquals,
                Some(Greater | Equal)
            )
    )
}

/// The text a policy variable stands for (R4): a single-valued key's value,
/// else the default for a missing key; `None` when unresolvable.
pub(crate) fn resolve_variable<'a>(
    ctx: &'a Context,
    folded: &FoldedKey,
    default: Option<&'a str>,
) -> Option<&'a str> {
    match ctx.get(folded) {
        Some(e) => e.value().as_single(),
        None => default,
    }
}

/// Whether every variable of a template resolves.
pub(crate) fn resolvable(items: &[TplItem], ctx: &Context) -> bool {
    items.iter().all(|i| match i {
        TplItem::Var { folded, default } => {
            resolve_variable(ctx, folded, default.as_deref()).is_some()
        }
        _ => true,
    })
}

/// The characters of a template after substitution, each with whether it
/// is *live* written text (where `*`, `?` and, for ARNs, `:` keep their
/// meaning) or literal (escapes and substituted text, D4).
///
/// Borrows everything; cloning copies a few pointers, which is what lets
/// the matcher save retry points without allocating.
#[derive(Debug, Clone)]
pub(crate) struct Resolved<'a> {
    items: std::slice::Iter<'a, TplItem>,
    ctx: &'a Context,
    current: std::str::Chars<'a>,
    live: bool,
}

impl<'a> Resolved<'a> {
    pub(crate) fn new(items: &'a [TplItem], ctx: &'a Context) -> Self {
        Resolved {
            items: items.iter(),
            ctx,
            current: "".chars(),
            live: false,
        }
    }
}

impl Iterator for Resolved<'_> {
    type Item = (char, bool);

    fn next(&mut self) -> Option<(char, bool)> {
        loop {
            if let Some(c) = self.current.next() {
                return Some((c, self.live));
            }
            match self.items.next()? {
                TplItem::Text(s) => {
                    self.current = s.chars();
                    self.live = true;
                }
                TplItem::Lit(c) => return Some((*c, false)),
                TplItem::Var { folded, default } => {
                    // INVARIANT: resolvability was checked before the
                    // stream is read; an unresolvable variable here would
                    // give the empty text.
                    let text = resolve_variable(self.ctx, folded, default.as_deref());
                    debug_assert!(text.is_some(), "variable read before its check");
                    self.current = text.unwrap_or("").chars();
                    self.live = false;
                }
            }
        }
    }
}

/// A resolved character as a wildcard element (R5): only live `*` and `?`
/// are wildcards.
fn wildcard((c, live): (char, bool)) -> Elem {
    match (c, live) {
        ('*', true) => Elem::AnyRun,
        ('?', true) => Elem::AnyChar,
        (c, _) => Elem::Char(c),
    }
}

/// Component `k` (0 to 5) of a resolved ARN pattern: split at the first
/// five live colons (R8).
#[derive(Debug, Clone)]
struct ArnComponent<'a> {
    inner: Resolved<'a>,
    seps: usize,
    k: usize,
}

impl Iterator for ArnComponent<'_> {
    type Item = Elem;

    fn next(&mut self) -> Option<Elem> {
        loop {
            let (c, live) = self.inner.next()?;
            if live && c == ':' && self.seps < 5 {
                self.seps += 1;
                if self.seps > self.k {
                    return None;
                }
                continue;
            }
            if self.seps == self.k {
                return Some(wildcard((c, live)));
            }
        }
    }
}

/// The text of a template after substitution, for explanations.
pub(crate) fn resolved_text(items: &[TplItem], ctx: &Context) -> Option<String> {
    resolvable(items, ctx).then(|| Resolved::new(items, ctx).map(|(c, _)| c).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::matcher::Case;

    /// The literal fast path agrees with the two case-insensitive patterns
    /// it replaced, for ASCII and non-ASCII request actions (the Kelvin
    /// sign folds to an ASCII `k`; `İ` folds to two chars).
    #[test]
    fn literal_action_agrees_with_split_patterns() {
        let policies = ["sts:AssumeRole", "svc:Kick", "a:b", "kk:k"];
        let requests = [
            "sts:AssumeRole",
            "STS:assumerole",
            "sts:AssumeRolé",
            "svc:\u{212A}ick",
            "SVC:\u{212A}ICK",
            "svc\u{212A}:ick",
            "\u{212A}\u{212A}:\u{212A}",
            "kk:\u{212A}:",
            "a:b",
            "a:\u{130}",
            "a",
            "",
        ];
        for p in policies {
            let (s, n) = p.split_once(':').unwrap();
            let (s, n) = (
                Pattern::new(s, Case::Insensitive),
                Pattern::new(n, Case::Insensitive),
            );
            for r in requests {
                assert_eq!(
                    literal_action_matches(p, r),
                    split_action_matches(&s, &n, r),
                    "{p} vs {r}"
                );
            }
        }
        assert!(literal_action_matches("svc:Kick", "svc:\u{212A}ick"));
        assert!(!literal_action_matches("svc:Kick", "svc\u{212A}:ick"));
    }
}
