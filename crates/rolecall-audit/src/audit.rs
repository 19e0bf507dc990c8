//! The rules: reasoning about one policy with the evaluator's semantics.
//!
//! # Approach: semantic witnesses
//!
//! Questions like "does this `sub` pattern admit a subject outside the intended tenant?" are
//! answered with *witnesses*: concrete attacker subjects built from the issuer's subject grammar
//! ([`crate::issuers`]) and tested with the real wildcard matcher (`rolecall_eval::matcher`)
//! and a small condition evaluator that follows docs/DECISIONS.md R9 (absent keys, `IfExists`,
//! set qualifiers, negation). Witnesses come from two sources:
//!
//! * instantiating each policy value's wildcards with fill strings chosen to collide with it
//!   (`-evil` extends a partial owner so `repo:octocat*` yields `repo:octocat-evil/...`; suffixes
//!   of full subjects complete a trailing `*`), and
//! * grammar probes built from the intended segments (owner, repository, namespace) and fresh
//!   attacker segments (`zz-attacker`).
//!
//! A witness must satisfy *every* condition of the Allow statement for that issuer and must not
//! be matched by any applicable Deny, so a Deny that cancels a loose Allow removes the finding.
//! Each finding quotes the witness. I chose witnesses over an exact automata construction
//! (each `StringEquals`/`StringLike` condition compiled to a finite automaton, statements
//! combined by product and difference, emptiness decided) because the issuer grammars are small and fixed, witnesses are exactly what a
//! report should show, and they reuse the evaluator's matcher instead of a second
//! implementation of IAM globbing. The cost is completeness: a witness search can miss an
//! admitted subject that none of the fills produces, so "open" findings are sound (each has a
//! checked witness) and "tight" is best effort; TP-SUB-UNSATISFIABLE is only reported when no
//! instantiation of any value parses under the grammar.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use rolecall_eval::matcher::{Case, Pattern, PatternSet};
use rolecall_policy::grammar::pattern::has_wildcard;
use rolecall_policy::{
    BaseOperator, ConditionEntry, Effect, Policy, Principal, PrincipalKind, SetQualifier, Span,
    Spanned, Statement,
};

use crate::finding::{Finding, Severity, Verdict};
use crate::issuers::{self, Issuer, IssuerKind, Presence, Tenancy};
use crate::rules;

/// Options that change what the audit reports.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct AuditOptions {
    /// Reproduce STS before the 2026 provider-specific claims (then `…:actor`,
    /// `…:repository` and friends are never request keys).
    pub pre_2026_claims: bool,
    /// GitHub owners you trust; subjects of other owners are foreign.
    pub trusted_github_owners: Vec<String>,
    /// Kubernetes namespaces you trust for IRSA.
    pub trusted_namespaces: Vec<String>,
    /// Rule ids not to report.
    pub disabled_rules: Vec<String>,
    /// Severity per rule id, replacing the computed one.
    pub severity_overrides: BTreeMap<String, Severity>,
    /// The account that owns the role, when known (account dumps, role ARNs).
    pub own_account: Option<String>,
    /// The registered client IDs (`ClientIDList`) of IAM OIDC providers, by
    /// provider name (the URL without `https://`, as in the provider's ARN
    /// and condition keys), from `aws iam get-open-id-connect-provider`.
    /// Enables TP-AUD-NOT-IN-CLIENTLIST for those providers.
    pub client_ids: BTreeMap<String, Vec<String>>,
}

impl AuditOptions {
    /// Default options: 2026 claim behaviour, nothing trusted or disabled.
    pub fn new() -> Self {
        Self::default()
    }
}

/// Audits one parsed policy and returns its findings in document order.
///
/// Refusals of `rolecall_policy::validate::refusals` that no rule of this crate covers are
/// reported as `TP-INVALID-POLICY` (verdict [`Verdict::Invalid`]).
pub fn audit_policy(policy: &Policy, options: &AuditOptions) -> Vec<Finding> {
    let mut a = Auditor {
        opts: options,
        out: Vec::new(),
        statements: policy.statements(),
    };
    a.policy(policy);
    let mut out = a.out;
    out.retain(|f| !options.disabled_rules.iter().any(|d| d == f.rule));
    for f in &mut out {
        if let Some(s) = options.severity_overrides.get(f.rule) {
            f.severity = *s;
        }
    }
    out.sort_by_key(|f| (f.span.start, f.rule));
    out.dedup_by(|a, b| a.rule == b.rule && a.span == b.span && a.message == b.message);
    out
}

/// Audits policy text: parse (a parse error becomes an `Invalid` finding), audit, and check the
/// size quota, which needs the text.
pub fn audit_text(text: &str, options: &AuditOptions) -> Vec<Finding> {
    match rolecall_policy::parse(text) {
        Ok(p) => {
            let mut f = audit_policy(&p, options);
            f.extend(size_finding(&p, options));
            f
        }
        Err(e) => vec![parse_error_finding(&e)],
    }
}

/// Claims a GitHub custom `sub` template can start with whose values any
/// repository can choose (TP-GHA-ABUSABLE-CLAIM-FIRST).
const ABUSABLE_CLAIMS: &[&str] = &[
    "workflow:",
    "environment:",
    "ref:",
    "context:",
    "head_ref:",
    "base_ref:",
    "job_workflow_ref:",
    "actor:",
    "ref_type:",
    "event_name:",
];

/// The repository claims a custom template can also start with.
const REPOSITORY_CLAIMS: &[&str] = &["repository_owner", "repository_id", "repository:"];

/// TP-POLICY-SIZE when the policy is over the default quota and the rule is enabled. The size is
/// `validate::policy_size`, the count `rolecall check` uses (docs/DECISIONS.md R15).
pub(crate) fn size_finding(policy: &Policy, options: &AuditOptions) -> Option<Finding> {
    if options.disabled_rules.iter().any(|d| d == "TP-POLICY-SIZE") {
        return None;
    }
    let span = policy.span;
    rolecall_policy::validate::size_over_quota(policy).map(|size| {
        make(
            "TP-POLICY-SIZE",
            Severity::Low,
            Verdict::Invalid,
            format!(
                "the policy has {size} characters without whitespace between JSON tokens; the default quota is {}",
                rolecall_policy::validate::TRUST_POLICY_QUOTA
            ),
            span,
            None,
        )
    })
}

/// The finding for a document that does not parse.
pub fn parse_error_finding(e: &rolecall_policy::ParseError) -> Finding {
    make(
        "TP-INVALID-POLICY",
        Severity::High,
        Verdict::Invalid,
        format!("the policy does not parse: {e}"),
        Span {
            start: e.offset(),
            end: e.offset(),
            line: e.line(),
            column: e.column(),
        },
        None,
    )
}

pub(crate) fn make(
    rule: &'static str,
    severity: Severity,
    verdict: Verdict,
    message: String,
    span: Span,
    statement: Option<usize>,
) -> Finding {
    let info = rules::rule(rule);
    Finding {
        rule,
        severity,
        verdict,
        title: info.map_or("", |r| r.title),
        message,
        why: info.map_or("", |r| r.why),
        fix: info.map_or("", |r| r.fix),
        references: info.map_or(&[], |r| r.references),
        span,
        statement,
    }
}

const WEB_IDENTITY: &str = "sts:AssumeRoleWithWebIdentity";

/// Keys that are absent on an unsigned (web-identity) call.
fn caller_identity_key(k: &str) -> bool {
    k.starts_with("aws:principal") || k == "aws:userid" || k == "aws:username"
}

/// A request context for the small evaluator: lower-cased key to values.
#[derive(Debug, Clone, Default)]
struct Ctx {
    keys: BTreeMap<String, (Vec<String>, bool)>,
}

impl Ctx {
    fn set(&mut self, k: &str, v: &str) {
        self.keys
            .insert(k.to_lowercase(), (vec![v.to_owned()], false));
    }
}

/// Whether one policy value matches one context value under a positive base operator.
/// `None` for families this evaluator does not model.
fn value_matches(base: BaseOperator, pattern: &str, value: &str) -> Option<bool> {
    match base.positive() {
        BaseOperator::StringEquals => Some(pattern == value),
        BaseOperator::StringEqualsIgnoreCase => Some(fold(pattern) == fold(value)),
        BaseOperator::StringLike => Some(Pattern::new(pattern, Case::Sensitive).is_match(value)),
        // Approximation: ARN operators glob per component (R8); a whole-string glob agrees
        // for the patterns rules look at (no wildcard spanning a `:` boundary).
        BaseOperator::ArnEquals | BaseOperator::ArnLike => {
            Some(Pattern::new(pattern, Case::Sensitive).is_match(value))
        }
        BaseOperator::Bool => Some(fold(pattern) == fold(value)),
        _ => None,
    }
}

/// Evaluates one condition entry (docs/DECISIONS.md R9). `None` when undecidable here.
fn eval_entry(
    op: &rolecall_policy::Operator,
    entry: &ConditionEntry,
    ctx: &Ctx,
    known_key: bool,
) -> Option<bool> {
    let key = entry.key.node.to_lowercase();
    let present = ctx.keys.get(&key);
    if present.is_none() && !known_key {
        return None;
    }
    let values: Vec<String> = entry
        .values
        .node
        .iter()
        .map(|v| v.node.text().into_owned())
        .collect();
    if op.base == BaseOperator::Null {
        let want_absent = values.first().map(|v| v.eq_ignore_ascii_case("true"))?;
        return match op.qualifier {
            Some(SetQualifier::ForAllValues) => Some(true),
            Some(SetQualifier::ForAnyValue) => Some(false),
            None => Some(want_absent == present.is_none()),
        };
    }
    let Some((ctx_vals, multi)) = present else {
        if op.if_exists {
            return Some(true);
        }
        return Some(match op.qualifier {
            Some(SetQualifier::ForAllValues) => true,
            Some(SetQualifier::ForAnyValue) => false,
            None => op.base.is_negated(),
        });
    };
    let one = |x: &str| -> Option<bool> {
        let mut any = false;
        for p in &values {
            if value_matches(op.base, p, x)? {
                any = true;
            }
        }
        Some(if op.base.is_negated() { !any } else { any })
    };
    match op.qualifier {
        None if *multi => Some(false),
        None => one(ctx_vals.first()?),
        Some(SetQualifier::ForAnyValue) => {
            let mut r = false;
            for x in ctx_vals {
                r |= one(x)?;
            }
            Some(r)
        }
        Some(SetQualifier::ForAllValues) => {
            let mut r = true;
            for x in ctx_vals {
                r &= one(x)?;
            }
            Some(r)
        }
    }
}

/// The context keys a witness sets, as `<issuer prefix><claim>`; a [`WitnessCtx`] holds one
/// value per slot.
const SLOTS: [&str; 6] = ["sub", "aud", "repository", "ref", "environment", "amr"];
const SUB: usize = 0;
const AUD: usize = 1;
const REPOSITORY: usize = 2;
const REF: usize = 3;
const ENVIRONMENT: usize = 4;
const AMR: usize = 5;

/// A witness's request context: the value of each slot that is present (`amr` is multivalued).
type WitnessCtx<'w> = [Option<&'w str>; SLOTS.len()];

/// How a condition entry's values are compared with a context value ([`value_matches`],
/// prepared): true when any value matches. Each form is a set, so a witness costs one lookup
/// however many values the entry has; a loop over the values made a 20,000-value `StringLike`
/// audit quadratic (115 s, every witness against every value).
enum ValueTest {
    Equals(HashSet<String>),
    /// The values folded char by char (`to_lowercase`), looked up with the context value folded
    /// the same way.
    Folded(HashSet<String>),
    Glob(PatternSet),
}

impl ValueTest {
    fn is_match(&self, x: &str) -> bool {
        match self {
            ValueTest::Equals(set) => set.contains(x),
            ValueTest::Folded(set) => set.contains(&fold(x)),
            ValueTest::Glob(set) => set.is_match(x),
        }
    }
}

/// `s` folded char by char, as IAM's case-insensitive operators compare.
fn fold(s: &str) -> String {
    s.chars().flat_map(char::to_lowercase).collect()
}

/// One condition entry prepared for many witnesses: the key lower-cased and resolved to a
/// slot, the values' patterns compiled once. Rebuilding them per witness was 16.6 % of an audit
/// (`Pattern::new`) plus most of its `format!`/`to_lowercase` (BENCHMARKS.md, audit rows).
struct CompiledEntry {
    op: rolecall_policy::Operator,
    slot: Option<usize>,
    /// Known whatever the witness (as the per-witness `known` predicate decided); otherwise
    /// known exactly when the witness fills the slot.
    always_known: bool,
    /// `Some(want_absent)` for `Null`, from the first value.
    null_wants_absent: Option<bool>,
    /// `None` when the operator family is not modelled and there are values (undecidable).
    tests: Option<ValueTest>,
}

impl CompiledEntry {
    fn new(
        op: rolecall_policy::Operator,
        entry: &ConditionEntry,
        prefix: &str,
        iss: IssuerKind,
        pre: bool,
    ) -> CompiledEntry {
        let key = entry.key.node.to_lowercase();
        let claim = key.strip_prefix(prefix);
        let slot = claim.and_then(|c| SLOTS.iter().position(|s| *s == c));
        let always_known = match claim {
            Some(c) => {
                let provider = prefix.strip_suffix(':').unwrap_or(prefix);
                issuers::claim_presence(iss, provider, c, pre) != Presence::Sometimes
            }
            None => {
                caller_identity_key(&key) || !(key.starts_with("aws:") || key.starts_with("sts:"))
            }
        };
        let texts = entry.values.node.iter().map(|v| v.node.text());
        let null_wants_absent = entry
            .values
            .node
            .iter()
            .next()
            .map(|v| v.node.text().eq_ignore_ascii_case("true"));
        let tests = match op.base.positive() {
            BaseOperator::StringEquals => {
                Some(ValueTest::Equals(texts.map(|t| t.into_owned()).collect()))
            }
            BaseOperator::StringEqualsIgnoreCase | BaseOperator::Bool => {
                Some(ValueTest::Folded(texts.map(|t| fold(&t)).collect()))
            }
            BaseOperator::StringLike | BaseOperator::ArnEquals | BaseOperator::ArnLike => {
                Some(ValueTest::Glob(PatternSet::new(
                    texts.map(|t| Pattern::new(&t, Case::Sensitive)),
                )))
            }
            _ if entry.values.node.is_empty() => Some(ValueTest::Equals(HashSet::new())),
            _ => None,
        };
        CompiledEntry {
            op,
            slot,
            always_known,
            null_wants_absent,
            tests,
        }
    }

    /// [`eval_entry`] for a witness context.
    fn eval(&self, ctx: &WitnessCtx<'_>) -> Option<bool> {
        let op = &self.op;
        let present = self.slot.and_then(|s| ctx.get(s).copied().flatten());
        if present.is_none() && !self.always_known {
            return None;
        }
        if op.base == BaseOperator::Null {
            let want_absent = self.null_wants_absent?;
            return match op.qualifier {
                Some(SetQualifier::ForAllValues) => Some(true),
                Some(SetQualifier::ForAnyValue) => Some(false),
                None => Some(want_absent == present.is_none()),
            };
        }
        let Some(x) = present else {
            if op.if_exists {
                return Some(true);
            }
            return Some(match op.qualifier {
                Some(SetQualifier::ForAllValues) => true,
                Some(SetQualifier::ForAnyValue) => false,
                None => op.base.is_negated(),
            });
        };
        // Every slot holds one value; only `amr` is multivalued.
        if op.qualifier.is_none() && self.slot == Some(AMR) {
            return Some(false);
        }
        let any = self.tests.as_ref()?.is_match(x);
        Some(if op.base.is_negated() { !any } else { any })
    }
}

/// A statement's `Condition` prepared for witnesses: every entry must pass (as with
/// [`eval_entry`] on each).
struct CompiledCondition(Vec<CompiledEntry>);

impl CompiledCondition {
    fn new(st: &Statement, prefix: &str, iss: IssuerKind, pre: bool) -> CompiledCondition {
        CompiledCondition(
            entries(st)
                .map(|(op, e)| CompiledEntry::new(op.node, e, prefix, iss, pre))
                .collect(),
        )
    }

    fn eval(&self, ctx: &WitnessCtx<'_>, unknown: bool) -> bool {
        self.0.iter().all(|e| e.eval(ctx).unwrap_or(unknown))
    }
}

/// Everything [`Witnesses::admits`] needs that does not depend on the witness subject, built once
/// per statement and issuer instead of once per witness (a statement checks dozens).
struct Witnesses {
    allow: CompiledCondition,
    /// The Deny statements that apply to this issuer's web-identity calls.
    denies: Vec<CompiledCondition>,
    aud: String,
    /// GitHub's 2026 claims (`repository`, `ref`, `environment`) follow from the subject.
    github_claims: bool,
    cognito: bool,
    /// Reused for the `repository` claim.
    repository: std::cell::RefCell<String>,
}

impl Witnesses {
    /// Whether the statement admits `sub` and no Deny cancels it.
    fn admits(&self, sub: &str) -> bool {
        let mut repository = self.repository.borrow_mut();
        let mut ctx: WitnessCtx<'_> = [None; SLOTS.len()];
        if let Some(c) = ctx.get_mut(SUB) {
            *c = Some(sub);
        }
        if let Some(c) = ctx.get_mut(AUD) {
            *c = Some(&self.aud);
        }
        let mut context = None;
        if self.github_claims {
            if let Some((owner, repo, cx)) = issuers::github_parts(sub) {
                repository.clear();
                repository.push_str(owner);
                repository.push('/');
                repository.push_str(repo);
                context = Some(cx);
            }
        }
        if let Some(cx) = context {
            if let Some(c) = ctx.get_mut(REPOSITORY) {
                *c = Some(repository.as_str());
            }
            if let Some(c) = ctx.get_mut(REF) {
                *c = cx.strip_prefix("ref:");
            }
            if let Some(c) = ctx.get_mut(ENVIRONMENT) {
                *c = cx.strip_prefix("environment:");
            }
        }
        if self.cognito {
            if let Some(c) = ctx.get_mut(AMR) {
                *c = Some("authenticated");
            }
        }
        self.allow.eval(&ctx, true) && !self.denies.iter().any(|d| d.eval(&ctx, false))
    }
}

fn is_allow(st: &Statement) -> bool {
    matches!(st.effect.as_ref().map(|e| &e.node), Some(Effect::Allow))
}

fn is_deny(st: &Statement) -> bool {
    matches!(st.effect.as_ref().map(|e| &e.node), Some(Effect::Deny))
}

/// Whether the statement's Action/NotAction covers `action`.
fn covers_action(st: &Statement, action: &str) -> bool {
    // Most actions are written without wildcards: compare them folded, as the matcher would,
    // instead of compiling a pattern (compiling was 8.8 % of an audit after the witness cache).
    let m = |p: &Spanned<String>| {
        if has_wildcard(&p.node) {
            Pattern::new(&p.node, Case::Insensitive).is_match(action)
        } else {
            p.node
                .chars()
                .flat_map(char::to_lowercase)
                .eq(action.chars().flat_map(char::to_lowercase))
        }
    };
    if let Some(a) = &st.action {
        return a.node.iter().any(m);
    }
    if let Some(na) = &st.not_action {
        return !na.node.iter().any(m);
    }
    false
}

fn principal_values(st: &Statement, kind: PrincipalKind) -> Vec<&Spanned<String>> {
    match st.principal.as_ref().map(|p| &p.node) {
        Some(Principal::Map(entries)) => entries
            .iter()
            .filter(|e| e.kind.node == kind)
            .flat_map(|e| e.values.node.iter())
            .collect(),
        _ => Vec::new(),
    }
}

fn principal_is_everyone(st: &Statement) -> bool {
    match st.principal.as_ref().map(|p| &p.node) {
        Some(Principal::Wildcard) => true,
        Some(Principal::Map(_)) => principal_values(st, PrincipalKind::Aws)
            .iter()
            .any(|v| v.node == "*"),
        None => false,
    }
}

fn entries(
    st: &Statement,
) -> impl Iterator<Item = (&Spanned<rolecall_policy::Operator>, &ConditionEntry)> {
    st.condition
        .iter()
        .flat_map(|c| c.node.blocks.iter())
        .flat_map(|b| b.entries.iter().map(move |e| (&b.operator, e)))
}

fn quote_values(e: &ConditionEntry) -> String {
    let v: Vec<String> = e
        .values
        .node
        .iter()
        .map(|v| format!("`{}`", v.node.text()))
        .collect();
    v.join(", ")
}

fn is_positive(op: &rolecall_policy::Operator) -> bool {
    !op.base.is_negated()
        && !op.if_exists
        && op.qualifier != Some(SetQualifier::ForAllValues)
        && op.base != BaseOperator::Null
}

/// Rank of how open a subject constraint is, for comparing values (TP-MULTI-VALUE-LOOSEST).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Scope {
    Exact,
    Context,
    Project,
    Tenant,
    All,
}

/// What the witness search found for one issuer's identity key.
#[derive(Debug, Default)]
struct WitnessResult {
    all: Option<String>,
    foreign: Option<(String, usize)>,
    project: Option<(String, usize)>,
    any_ref: Option<(String, usize)>,
    pull_request: Option<(String, usize)>,
    ref_prefix: Option<(String, usize)>,
    reftype: Option<(String, usize)>,
    run_phase_any: bool,
    intended_any: bool,
    immutable_twin_missing: Option<usize>,
}

struct Auditor<'a> {
    opts: &'a AuditOptions,
    out: Vec<Finding>,
    statements: &'a [Statement],
}

impl Auditor<'_> {
    fn push(
        &mut self,
        rule: &'static str,
        severity: Severity,
        verdict: Verdict,
        message: String,
        span: Span,
        stmt: Option<usize>,
    ) {
        self.out
            .push(make(rule, severity, verdict, message, span, stmt));
    }

    fn policy(&mut self, policy: &Policy) {
        for r in rolecall_policy::validate::refusals(policy) {
            if rules::rule(r.rule).is_some() {
                continue; // a rule of this crate reports the same fact with more context
            }
            self.push(
                "TP-INVALID-POLICY",
                Severity::High,
                Verdict::Invalid,
                format!("IAM would refuse this policy ({}): {}", r.rule, r.message),
                r.span,
                None,
            );
        }
        match &policy.version {
            None => self.push(
                "TP-VERSION-2008",
                Severity::Info,
                Verdict::Advice,
                "no `Version`: the policy is read as 2008-10-17, without policy variables".into(),
                policy.span,
                None,
            ),
            Some(v) if v.node.as_str() == "2008-10-17" => self.push(
                "TP-VERSION-2008",
                Severity::Info,
                Verdict::Advice,
                "`Version` is `2008-10-17`: policy variables are not substituted".into(),
                v.span,
                None,
            ),
            _ => {}
        }
        for (i, st) in self.statements.iter().enumerate() {
            self.structural(i, st);
            if is_allow(st) {
                self.federated(i, st);
                self.aws_principals(i, st);
                self.services(i, st);
            }
        }
    }

    fn structural(&mut self, i: usize, st: &Statement) {
        if let Some(r) = st.resource.as_ref().or(st.not_resource.as_ref()) {
            self.push(
                "TP-RESOURCE-IN-TRUST",
                Severity::Medium,
                Verdict::Invalid,
                "`Resource` is not allowed in a role trust policy; IAM rejects the document".into(),
                r.span,
                Some(i),
            );
        }
        if let Some(np) = &st.not_principal {
            self.push(
                "TP-NOTPRINCIPAL",
                Severity::High,
                Verdict::Invalid,
                format!(
                    "`NotPrincipal` in a trust policy{}",
                    if is_allow(st) {
                        " with `Allow`: everyone except the listed principals"
                    } else {
                        ""
                    }
                ),
                np.span,
                Some(i),
            );
        }
        if let Some(p) = &st.principal {
            if let Principal::Map(es) = &p.node {
                if es.is_empty() {
                    self.push(
                        "TP-EMPTY-VALUES",
                        Severity::Info,
                        Verdict::Broken,
                        "empty principal object: matches nobody".into(),
                        p.span,
                        Some(i),
                    );
                }
                for e in es.iter().filter(|e| e.values.node.is_empty()) {
                    self.push(
                        "TP-EMPTY-VALUES",
                        Severity::Info,
                        Verdict::Broken,
                        format!(
                            "empty `{}` principal list: matches nobody",
                            e.kind.node.as_str()
                        ),
                        e.values.span,
                        Some(i),
                    );
                }
            }
        }
        for (op, e) in entries(st) {
            if e.values.node.is_empty() {
                self.push(
                    "TP-EMPTY-VALUES",
                    Severity::Info,
                    if is_positive(&op.node) {
                        Verdict::Broken
                    } else {
                        Verdict::Advice
                    },
                    format!("`{}` on `{}` has an empty value list", op.node, e.key.node),
                    e.values.span,
                    Some(i),
                );
            }
            // TP-WILDCARD-IN-EQUALS (any statement).
            let eq = matches!(
                op.node.base,
                BaseOperator::StringEquals
                    | BaseOperator::StringEqualsIgnoreCase
                    | BaseOperator::StringNotEquals
                    | BaseOperator::StringNotEqualsIgnoreCase
            );
            if eq {
                for v in e.values.node.iter() {
                    let t = v.node.text();
                    if t.contains('*') || t.contains('?') {
                        let negated = op.node.base.is_negated();
                        let (sev, verdict, msg) = if negated && is_allow(st) {
                            (Severity::Critical, Verdict::Open, format!("`{}` on `{}` compares `{t}` literally, so it excludes only that literal string and admits everything else", op.node, e.key.node))
                        } else {
                            (Severity::Info, Verdict::Broken, format!("`{}` on `{}` compares `{t}` literally: `*`/`?` are not wildcards here, so this value only matches the literal text (did you mean `StringLike`?)", op.node, e.key.node))
                        };
                        self.push("TP-WILDCARD-IN-EQUALS", sev, verdict, msg, v.span, Some(i));
                    }
                }
            }
            // TP-TAUTOLOGICAL-GUARD: a `*` pattern restricts nothing.
            if op.node.base == BaseOperator::StringLike
                && is_positive(&op.node)
                && e.values.node.iter().any(|v| v.node.text() == "*")
            {
                if let Some(v) = e.values.node.iter().find(|v| v.node.text() == "*") {
                    let k = e.key.node.to_lowercase();
                    if k.starts_with("aws:") || k.starts_with("sts:") {
                        self.push("TP-TAUTOLOGICAL-GUARD", Severity::Medium, Verdict::Open, format!("`StringLike` `{}` = `*` matches every value: the condition only asserts the key is present", e.key.node), v.span, Some(i));
                    }
                }
            }
        }
    }

    // ---------------------------------------------------------------- web identity

    /// TP-AUD-NOT-IN-CLIENTLIST: a positive `aud` value that no client ID of the provider
    /// satisfies. STS refuses a token whose `aud` is not registered ("Incorrect token
    /// audience") before the policy is read, so such a value admits nobody: the role is
    /// broken for it (fail-closed). Only for providers whose client IDs were given.
    fn aud_not_in_client_list(&mut self, i: usize, st: &Statement, iss: &Issuer, aud_key: &str) {
        let Some(ids) = self.opts.client_ids.get(&iss.prefix) else {
            return;
        };
        for (op, e) in entries(st) {
            if e.key.node.to_lowercase() != aud_key || !is_positive(&op.node) {
                continue;
            }
            let like = op.node.base == BaseOperator::StringLike;
            if !like && op.node.base != BaseOperator::StringEquals {
                continue;
            }
            for v in e.values.node.iter() {
                let text = v.node.text();
                let registered = if like {
                    let pattern = Pattern::new(&text, Case::Sensitive);
                    ids.iter().any(|id| pattern.is_match(id))
                } else {
                    ids.iter().any(|id| *id == *text)
                };
                if !registered {
                    let listed: Vec<String> = ids.iter().map(|id| format!("`{id}`")).collect();
                    self.push("TP-AUD-NOT-IN-CLIENTLIST", Severity::Low, Verdict::Broken,
                        format!("`{}` `{}` `{text}` names no client ID of provider `{}` (registered: {}): STS refuses tokens for that audience (\"Incorrect token audience\"), so this value lets nobody in",
                            op.node, e.key.node, iss.prefix,
                            if listed.is_empty() { "none".into() } else { listed.join(", ") }),
                        v.span, Some(i));
                }
            }
        }
    }

    fn federated(&mut self, i: usize, st: &Statement) {
        let feds = principal_values(st, PrincipalKind::Federated);
        if feds.is_empty() {
            return;
        }
        let issuers: Vec<(Issuer, &Spanned<String>)> = feds
            .iter()
            .map(|f| (issuers::classify_federated(&f.node), *f))
            .collect();
        let web = covers_action(st, WEB_IDENTITY);
        let saml = covers_action(st, "sts:AssumeRoleWithSAML");
        let assume = covers_action(st, "sts:AssumeRole");
        // TP-ACTION-PRINCIPAL-MISMATCH
        for (iss, f) in &issuers {
            let is_saml = iss.kind == IssuerKind::Saml;
            let right = if is_saml { saml } else { web };
            let action_span = st
                .action
                .as_ref()
                .or(st.not_action.as_ref())
                .map_or(st.span, |a| a.span);
            if !right {
                self.push("TP-ACTION-PRINCIPAL-MISMATCH", Severity::Medium, Verdict::Broken,
                    format!("`Federated` principal `{}` needs `{}`, which the statement's actions do not grant{}", f.node,
                        if is_saml { "sts:AssumeRoleWithSAML" } else { WEB_IDENTITY },
                        if assume { " (`sts:AssumeRole` is for AWS and service principals)" } else { "" }),
                    action_span, Some(i));
            } else if assume {
                self.push("TP-ACTION-PRINCIPAL-MISMATCH", Severity::Low, Verdict::Advice,
                    format!("the actions also grant `sts:AssumeRole` to `Federated` principal `{}`; a wildcard action grants more than web identity", f.node),
                    action_span, Some(i));
            }
        }
        if !web {
            // The statement is broken; still report what the Cognito conditions would allow.
            for (iss, _) in issuers
                .iter()
                .filter(|(is, _)| is.kind == IssuerKind::Cognito)
            {
                let prefix = format!("{}:", iss.prefix.to_lowercase());
                let bounded = entries(st).any(|(op, e)| {
                    e.key.node.to_lowercase() == format!("{prefix}aud") && is_positive(&op.node)
                });
                let span = st.condition.as_ref().map_or(st.span, |c| c.span);
                self.cognito(i, st, &prefix, span, bounded);
            }
            return;
        }
        // TP-MULTI-PROVIDER-ONE-STATEMENT
        let web_issuers: Vec<&(Issuer, &Spanned<String>)> = issuers
            .iter()
            .filter(|(is, _)| is.kind != IssuerKind::Saml)
            .collect();
        let mut multi_dead = false;
        if web_issuers.len() > 1 {
            let constrained: BTreeSet<String> = entries(st)
                .filter(|(op, _)| is_positive(&op.node))
                .filter_map(|(_, e)| {
                    let k = e.key.node.to_lowercase();
                    web_issuers
                        .iter()
                        .find(|(is, _)| k.starts_with(&format!("{}:", is.prefix.to_lowercase())))
                        .map(|(is, _)| is.prefix.clone())
                })
                .collect();
            if constrained.len() > 1 {
                multi_dead = true;
                let span = st.principal.as_ref().map_or(st.span, |p| p.span);
                self.push("TP-MULTI-PROVIDER-ONE-STATEMENT", Severity::Info, Verdict::Broken,
                    format!("one statement requires keys of {} issuers ({}); no token carries keys of two issuers, so the statement never matches",
                        constrained.len(), constrained.iter().map(|c| format!("`{c}`")).collect::<Vec<_>>().join(", ")),
                    span, Some(i));
            }
        }
        for (iss, f) in web_issuers {
            self.issuer_statement(i, st, iss, f, multi_dead);
        }
    }

    fn issuer_statement(
        &mut self,
        i: usize,
        st: &Statement,
        iss: &Issuer,
        fed: &Spanned<String>,
        multi_dead: bool,
    ) {
        let pre = self.opts.pre_2026_claims;
        let lower_prefix = format!("{}:", iss.prefix.to_lowercase());
        let lower = |s: Severity| {
            if iss.tenancy == Tenancy::TenantScoped {
                s.lowered()
            } else {
                s
            }
        };
        let other_prefixes: Vec<String> = principal_values(st, PrincipalKind::Federated)
            .iter()
            .map(|f| {
                format!(
                    "{}:",
                    issuers::classify_federated(&f.node).prefix.to_lowercase()
                )
            })
            .filter(|p| *p != lower_prefix)
            .collect();

        if iss.kind == IssuerKind::GitHubLegacy {
            self.push("TP-FOREIGN-OR-STALE-PROVIDER", Severity::Medium, Verdict::Broken,
                format!("`{}` is GitHub's retired pre-GA issuer; tokens now come from `token.actions.githubusercontent.com`, so this statement is dead", iss.prefix),
                fed.span, Some(i));
        }
        if let (Some(own), Some(acct)) = (&self.opts.own_account, &iss.account) {
            if own != acct {
                self.push("TP-FOREIGN-OR-STALE-PROVIDER", Severity::Medium, Verdict::Broken,
                    format!("the provider ARN names account `{acct}`, not the role's account `{own}`: IAM OIDC providers are per account, so this never matches"),
                    fed.span, Some(i));
            }
        }

        // Classify every condition key for this issuer's tokens.
        let identity = issuers::identity_claims(iss.kind, pre);
        let mut dead = multi_dead;
        let mut issuer_keys = 0usize;
        let mut bounded_by: Vec<String> = Vec::new();
        let mut vacuous: Vec<(&'static str, String, Span, bool)> = Vec::new();
        let mut has_tagsession_cond = false;
        for (op, e) in entries(st) {
            let k = e.key.node.to_lowercase();
            if let Some(claim) = k.strip_prefix(&lower_prefix) {
                issuer_keys += 1;
                has_tagsession_cond = true;
                let provider = lower_prefix.strip_suffix(':').unwrap_or(&lower_prefix);
                let presence = issuers::claim_presence(iss.kind, provider, claim, pre);
                if presence == Presence::Never {
                    let r = eval_entry(&op.node, e, &Ctx::default(), true).unwrap_or(true);
                    let ident = claim == "sub" || identity.contains(&claim);
                    if r {
                        let rule = if op.node.qualifier == Some(SetQualifier::ForAllValues) {
                            "TP-SET-OP-SINGLE-VALUED"
                        } else {
                            "TP-UNSUPPORTED-CLAIM-KEY"
                        };
                        vacuous.push((rule, format!("`{}` on `{}`: STS does not expose `{claim}` for this issuer{}, so the key is always absent and the condition is always true", op.node, e.key.node, if pre { " (pre-2026 claim table)" } else { "" }), e.key.span, ident));
                    } else {
                        dead = true;
                        self.push("TP-UNSUPPORTED-CLAIM-KEY", Severity::Low, Verdict::Broken,
                            format!("`{}` on `{}`: STS does not expose `{claim}` for this issuer{}, so the key is absent and the statement never matches", op.node, e.key.node, if pre { " (pre-2026 claim table)" } else { "" }),
                            e.key.span, Some(i));
                    }
                } else {
                    if op.node.qualifier.is_some()
                        && !issuers::is_multivalued(iss.kind, claim)
                        && presence == Presence::Always
                    {
                        self.push("TP-SET-OP-SINGLE-VALUED", Severity::Low, Verdict::Advice,
                            format!("`{}` on single-valued `{}`: works only because the key is always present; a misspelled key would make it vacuous", op.node, e.key.node),
                            op.span, Some(i));
                    } else if op.node.qualifier == Some(SetQualifier::ForAllValues)
                        && presence == Presence::Sometimes
                    {
                        vacuous.push((
                            "TP-SET-OP-SINGLE-VALUED",
                            format!(
                                "`{}` on `{}`: true whenever the token lacks the claim",
                                op.node, e.key.node
                            ),
                            op.span,
                            identity.contains(&claim),
                        ));
                    }
                    // ForAllValues on an always-present single-valued key acts as the plain operator.
                    let acts_positive = is_positive(&op.node)
                        || (op.node.qualifier == Some(SetQualifier::ForAllValues)
                            && presence == Presence::Always
                            && !op.node.base.is_negated()
                            && !op.node.if_exists
                            && op.node.base != BaseOperator::Null);
                    if identity.contains(&claim) && acts_positive && !e.values.node.is_empty() {
                        bounded_by.push(claim.to_owned());
                    }
                }
            } else if k.starts_with("arn:")
                || (k.contains(':')
                    && !k.starts_with("aws:")
                    && !k.starts_with("sts:")
                    && !k.starts_with("saml:")
                    && k.rsplit_once(':').is_some_and(|(p, _)| p.contains('.')))
            {
                if other_prefixes.iter().any(|p| k.starts_with(p.as_str())) {
                    // Another issuer of the same statement: reported as multi-provider.
                    if eval_entry(&op.node, e, &Ctx::default(), true) == Some(false) {
                        dead = true;
                    }
                    continue;
                }
                let r = eval_entry(&op.node, e, &Ctx::default(), true).unwrap_or(true);
                let why = if k.starts_with("arn:") {
                    "the provider ARN is not a key prefix; keys are `<issuer host/path>:<claim>`"
                        .to_owned()
                } else {
                    format!("its prefix is not the principal's issuer `{}`", iss.prefix)
                };
                if r {
                    vacuous.push(("TP-COND-KEY-PROVIDER-MISMATCH", format!("`{}` on `{}`: {why}; the key is absent from this issuer's requests, so the condition is always true", op.node, e.key.node), e.key.span, k.ends_with(":sub")));
                } else {
                    dead = true;
                    self.push("TP-COND-KEY-PROVIDER-MISMATCH", Severity::Low, Verdict::Broken,
                        format!("`{}` on `{}`: {why}; the key is absent from this issuer's requests, so the statement never matches", op.node, e.key.node),
                        e.key.span, Some(i));
                }
            } else if caller_identity_key(&k)
                && eval_entry(&op.node, e, &Ctx::default(), true) == Some(false)
            {
                {
                    dead = true;
                    self.push("TP-SUB-UNSATISFIABLE", Severity::Info, Verdict::Broken,
                        format!("`{}` on `{}`: caller-identity keys are absent on the unsigned web-identity call, so the statement never matches", op.node, e.key.node),
                        e.key.span, Some(i));
                }
            }
        }
        let bounded = !bounded_by.is_empty();
        for (rule, msg, span, ident) in vacuous {
            let sev = if ident && !bounded {
                lower(Severity::High)
            } else {
                Severity::Low
            };
            self.push(rule, sev, Verdict::Open, msg, span, Some(i));
        }
        // aud
        let aud_key = format!("{lower_prefix}aud");
        let aud_pinned = entries(st).any(|(op, e)| {
            e.key.node.to_lowercase() == aud_key && !op.node.base.is_negated() && !op.node.if_exists
        });
        if !aud_pinned
            && !matches!(
                iss.kind,
                IssuerKind::Cognito
                    | IssuerKind::Google
                    | IssuerKind::Amazon
                    | IssuerKind::Facebook
                    | IssuerKind::Saml
                    | IssuerKind::GitHubLegacy
            )
        {
            self.push("TP-OIDC-NO-AUD", Severity::Low, Verdict::Advice,
                format!("no condition on `{}:aud`: tokens for any audience in the provider's client list are accepted", iss.prefix), st.condition.as_ref().map_or(fed.span, |c| c.span), Some(i));
        }
        self.aud_not_in_client_list(i, st, iss, &aud_key);
        if dead {
            return;
        }
        // TP-TAGSESSION-SCOPE (a)
        if has_tagsession_cond && covers_action(st, "sts:TagSession") {
            let span = st.action.as_ref().map_or(st.span, |a| a.span);
            self.push("TP-TAGSESSION-SCOPE", Severity::Info, Verdict::Advice,
                format!("`sts:TagSession` is granted with conditions on `{}` keys, which IAM does not evaluate for TagSession", iss.prefix),
                span, Some(i));
        }

        // Identity bounding.
        if issuer_keys == 0 {
            let sev = lower(Severity::Critical);
            self.push("TP-OIDC-NO-COND", sev, Verdict::Open,
                format!("`Federated` `{}` has no condition on any `{}:` key: anyone who can get a token from this issuer can assume the role", fed.node, iss.prefix),
                fed.span, Some(i));
            if iss.kind == IssuerKind::Eks {
                self.push("TP-IRSA-NO-SUB", Severity::High, Verdict::Open,
                    "no `sub` condition: every service account in every namespace of the cluster can assume the role".into(), fed.span, Some(i));
            }
            return;
        }
        let cond_span = st.condition.as_ref().map_or(fed.span, |c| c.span);
        match iss.kind {
            IssuerKind::Cognito => self.cognito(i, st, &lower_prefix, cond_span, bounded),
            IssuerKind::Google | IssuerKind::Amazon | IssuerKind::Facebook if !bounded => {
                self.push("TP-CONSUMER-IDP-NO-APPID", Severity::Critical, Verdict::Open,
                    format!("no positive condition on `{}` app/client id keys: any app's users can assume the role", iss.prefix), cond_span, Some(i));
            }
            IssuerKind::Saml => {}
            IssuerKind::Eks if !bounded => {
                self.push("TP-IRSA-NO-SUB", Severity::High, Verdict::Open,
                    format!("no positive `{}:sub` condition: every service account in every namespace of the cluster can assume the role", iss.prefix), cond_span, Some(i));
            }
            _ if !bounded => {
                self.push("TP-OIDC-NO-SUB", lower(Severity::Critical), Verdict::Open,
                    format!("conditions on `{}` keys exist but none bounds the caller's identity ({}): anyone who can get a token from this issuer{} can assume the role",
                        iss.prefix, identity.iter().map(|c| format!("`{c}`")).collect::<Vec<_>>().join(", "),
                        if iss.tenancy == Tenancy::TenantScoped { " (inside its tenant)" } else { "" }),
                    cond_span, Some(i));
            }
            _ => {}
        }
        if iss.kind == IssuerKind::GitHub
            && bounded
            && bounded_by.iter().all(|c| c == "job_workflow_ref")
        {
            self.push("TP-GHA-JOB-WORKFLOW-REF-ONLY", lower(Severity::High), Verdict::Open,
                "the only identity constraint is `job_workflow_ref`: a reusable workflow in a public repository can be called from any repository".into(), cond_span, Some(i));
        }
        // Negated / IfExists on identity keys.
        for (op, e) in entries(st) {
            let k = e.key.node.to_lowercase();
            let Some(claim) = k.strip_prefix(&lower_prefix) else {
                continue;
            };
            if !identity.contains(&claim) {
                continue;
            }
            let rule = if op.node.base.is_negated() {
                "TP-NEGATED-OPERATOR-ON-IDENTITY"
            } else if op.node.if_exists {
                "TP-IFEXISTS-ON-IDENTITY"
            } else {
                continue;
            };
            let (sev, verdict) = if bounded {
                (Severity::Low, Verdict::Advice)
            } else {
                (lower(Severity::Critical), Verdict::Open)
            };
            let what = if op.node.base.is_negated() {
                "admits every value not listed"
            } else {
                "passes whenever the key is absent"
            };
            self.push(
                rule,
                sev,
                verdict,
                format!(
                    "`{}` on identity key `{}` ({}) {what}{}",
                    op.node,
                    e.key.node,
                    quote_values(e),
                    if bounded {
                        "; another condition bounds the identity"
                    } else {
                        ""
                    }
                ),
                e.key.span,
                Some(i),
            );
        }
        if issuers::has_grammar(iss.kind) {
            self.subjects(i, st, iss, &lower_prefix, bounded);
            self.like_reading(i, st, iss, &lower_prefix);
        }
    }

    /// `StringEquals` with wildcards on `sub` is broken as written; the usual fix is
    /// `StringLike`. Report what that fix would open, as advice, so it is not made blindly.
    fn like_reading(&mut self, i: usize, st: &Statement, iss: &Issuer, prefix: &str) {
        let sub_key = format!("{prefix}sub");
        let mut alt = st.clone();
        let mut changed = false;
        if let Some(c) = alt.condition.as_mut() {
            for b in &mut c.node.blocks {
                let eq = b.operator.node.base == BaseOperator::StringEquals
                    && b.operator.node.qualifier.is_none()
                    && !b.operator.node.if_exists;
                let wild = b.entries.iter().any(|e| {
                    e.key.node.to_lowercase() == sub_key
                        && e.values.node.iter().any(|v| has_wildcard(&v.node.text()))
                });
                if eq && wild {
                    b.operator.node.base = BaseOperator::StringLike;
                    changed = true;
                }
            }
        }
        if !changed {
            return;
        }
        let before = self.out.len();
        self.subjects(i, &alt, iss, prefix, true);
        let extra: Vec<Finding> = self.out.drain(before..).collect();
        for mut f in extra {
            if f.verdict != Verdict::Open {
                continue;
            }
            f.message = format!(
                "broken as written, but if `StringEquals` were changed to `StringLike` (the usual fix) it would be {} open: {}",
                f.severity, f.message
            );
            f.severity = Severity::Info;
            f.verdict = Verdict::Advice;
            self.out.push(f);
        }
    }

    fn cognito(&mut self, i: usize, st: &Statement, prefix: &str, span: Span, bounded: bool) {
        if !bounded {
            self.push("TP-COGNITO-NO-AUD", Severity::Critical, Verdict::Open,
                "no positive condition on `cognito-identity.amazonaws.com:aud`: any identity pool in any account can assume the role".into(), span, Some(i));
        }
        let amr_key = format!("{prefix}amr");
        let amr: Vec<&ConditionEntry> = entries(st)
            .filter(|(_, e)| e.key.node.to_lowercase() == amr_key)
            .map(|(_, e)| e)
            .collect();
        if amr.is_empty() {
            self.push("TP-COGNITO-NO-AMR", Severity::Medium, Verdict::Open,
                "no condition on `cognito-identity.amazonaws.com:amr`: both authenticated and guest identities of the pool match".into(), span, Some(i));
            return;
        }
        for e in amr {
            let vals: Vec<String> = e
                .values
                .node
                .iter()
                .map(|v| v.node.text().into_owned())
                .collect();
            let auth = vals
                .iter()
                .any(|v| Pattern::new(v, Case::Sensitive).is_match("authenticated"));
            let unauth = vals
                .iter()
                .any(|v| Pattern::new(v, Case::Sensitive).is_match("unauthenticated"));
            if auth && unauth {
                self.push("TP-COGNITO-NO-AMR", Severity::Medium, Verdict::Open,
                    format!("`amr` values {} admit both authenticated and guest identities: the check is a no-op", quote_values(e)), e.values.span, Some(i));
            } else if unauth {
                self.push("TP-COGNITO-GUEST", Severity::Info, Verdict::Advice,
                    "`amr` = `unauthenticated`: anyone on the internet can obtain these credentials by design; review the permissions".into(), e.values.span, Some(i));
            }
        }
    }

    /// Prepares [`Witnesses::admits`] for one statement and issuer (`fed` is the statement's
    /// `Federated` value for it, which Deny statements are matched against).
    fn witnesses(&self, st: &Statement, iss: &Issuer, fed: &str, prefix: &str) -> Witnesses {
        let pre = self.opts.pre_2026_claims;
        // aud: a value every aud condition accepts, if one is written; else the default.
        let aud_key = format!("{prefix}aud");
        let mut auds: Vec<String> = entries(st)
            .filter(|(op, e)| e.key.node.to_lowercase() == aud_key && !op.node.base.is_negated())
            .flat_map(|(_, e)| e.values.node.iter().map(|v| v.node.text().into_owned()))
            .collect();
        auds.push("sts.amazonaws.com".into());
        let aud = auds
            .iter()
            .find(|a| {
                let mut c = Ctx::default();
                c.set(&aud_key, a);
                entries(st)
                    .filter(|(_, e)| e.key.node.to_lowercase() == aud_key)
                    .all(|(op, e)| eval_entry(&op.node, e, &c, true).unwrap_or(true))
            })
            .cloned()
            .unwrap_or_else(|| "sts.amazonaws.com".into());
        let denies = self
            .statements
            .iter()
            .filter(|d| {
                is_deny(d)
                    && covers_action(d, WEB_IDENTITY)
                    && (principal_is_everyone(d)
                        || principal_values(d, PrincipalKind::Federated)
                            .iter()
                            .any(|f| f.node == fed))
            })
            .map(|d| CompiledCondition::new(d, prefix, iss.kind, pre))
            .collect();
        Witnesses {
            allow: CompiledCondition::new(st, prefix, iss.kind, pre),
            denies,
            aud,
            github_claims: iss.kind == IssuerKind::GitHub && !pre,
            cognito: iss.kind == IssuerKind::Cognito,
            repository: std::cell::RefCell::new(String::new()),
        }
    }

    fn subjects(&mut self, i: usize, st: &Statement, iss: &Issuer, prefix: &str, bounded: bool) {
        // The retired GitHub issuer used the same subject grammar.
        let kind = if iss.kind == IssuerKind::GitHubLegacy {
            IssuerKind::GitHub
        } else {
            iss.kind
        };
        let sub_key = format!("{prefix}sub");
        let fed = principal_values(st, PrincipalKind::Federated)
            .into_iter()
            .find(|f| issuers::classify_federated(&f.node).prefix == iss.prefix)
            .map(|f| f.node.clone())
            .unwrap_or_default();
        let sub_entries: Vec<(&Spanned<rolecall_policy::Operator>, &ConditionEntry)> = entries(st)
            .filter(|(_, e)| e.key.node.to_lowercase() == sub_key)
            .collect();
        if sub_entries.is_empty() {
            return;
        }
        let w = self.witnesses(st, iss, &fed, prefix);
        let positive_values: Vec<(String, bool, Span)> = sub_entries
            .iter()
            .filter(|(op, _)| is_positive(&op.node))
            .flat_map(|(op, e)| {
                let like = op.node.base.uses_wildcards();
                e.values
                    .node
                    .iter()
                    .map(move |v| (v.node.text().into_owned(), like, v.span))
            })
            .collect();

        // GitHub custom templates: values that start with a claim any repository can choose.
        if kind == IssuerKind::GitHub {
            for (v, _, span) in &positive_values {
                if ABUSABLE_CLAIMS.iter().any(|a| v.starts_with(a)) {
                    let scoped = v.contains("repo:")
                        || v.contains("repository_owner")
                        || v.contains("repository_id");
                    if scoped {
                        self.push("TP-GHA-ABUSABLE-CLAIM-FIRST", Severity::Low, Verdict::Advice,
                            format!("`sub` value `{v}` starts with a claim any repository chooses; it relies on a custom subject template whose later `repo` claim scopes it (with the default template it never matches)"),
                            *span, Some(i));
                    } else {
                        self.push("TP-GHA-ABUSABLE-CLAIM-FIRST", Severity::Critical, Verdict::Open,
                            format!("`sub` value `{v}` has no owner- or repository-scoped claim: with a custom subject template any repository can reproduce it (with the default template it never matches)"),
                            *span, Some(i));
                    }
                }
            }
        }

        // Intended tenants/projects: configured, else the literal segments the values pin.
        let mut tenants: BTreeSet<String> = BTreeSet::new();
        let mut projects: BTreeSet<String> = BTreeSet::new();
        let mut tenant_stems: BTreeSet<String> = BTreeSet::new();
        let mut contexts: BTreeSet<String> = BTreeSet::new();
        for (v, like, _) in &positive_values {
            let lit = if *like {
                v.split(['*', '?']).next().unwrap_or("")
            } else {
                v.as_str()
            };
            let (t, p, c) = literal_segments(kind, lit, !*like || !has_wildcard(v));
            if let Some((t, complete)) = t {
                if complete {
                    tenants.insert(t.clone());
                } else if !t.is_empty() {
                    tenant_stems.insert(t.clone());
                }
            }
            if let Some((p, _)) = p {
                if !p.is_empty() {
                    projects.insert(p);
                }
            }
            if let Some(c) = c {
                contexts.insert(c);
            }
        }
        let configured: Vec<String> = match kind {
            IssuerKind::GitHub => self.opts.trusted_github_owners.clone(),
            IssuerKind::Eks => self.opts.trusted_namespaces.clone(),
            _ => Vec::new(),
        };
        let intended_tenants: BTreeSet<String> = if configured.is_empty() {
            tenants.iter().chain(tenant_stems.iter()).cloned().collect()
        } else {
            configured.iter().cloned().collect()
        };

        // Candidate subjects.
        let fills = issuers::fills_cached(kind);
        let mut cands: BTreeSet<String> = BTreeSet::new();
        for (v, like, _) in &positive_values {
            if *like {
                instantiate(v, fills, &mut cands);
            } else {
                cands.insert(v.clone());
            }
        }
        let mut ts: Vec<String> = intended_tenants.iter().cloned().collect();
        ts.extend(tenant_stems.iter().map(|s| format!("{s}-evil")));
        ts.push("zz-attacker".into());
        let mut ps: Vec<String> = projects.iter().cloned().collect();
        ps.push("zz-repo".into());
        let mut cs: Vec<String> = issuers::contexts(kind)
            .iter()
            .map(|c| (*c).to_owned())
            .collect();
        cs.extend(contexts.iter().cloned());
        for t in &ts {
            for p in &ps {
                for c in &cs {
                    cands.insert(issuers::make_subject(kind, t, p, c));
                }
            }
        }
        let custom_template = kind == IssuerKind::GitHub
            && positive_values.iter().all(|(v, ..)| {
                ABUSABLE_CLAIMS
                    .iter()
                    .chain(REPOSITORY_CLAIMS)
                    .any(|c| v.starts_with(c))
            });
        let valid: Vec<(String, issuers::Subject)> = cands
            .iter()
            .filter_map(|c| issuers::parse_subject(kind, c).map(|s| (c.clone(), s)))
            .collect();

        // Satisfiability over the grammar (positive sub constraints only).
        let has_positive = !positive_values.is_empty();
        // When the witness search follows (`bounded`), check every candidate once here and
        // share the verdicts with it: it used to check them all again.
        let verdicts: Vec<bool> = if bounded {
            valid.iter().map(|(c, _)| w.admits(c)).collect()
        } else {
            Vec::new()
        };
        let satisfiable = if bounded {
            verdicts.contains(&true)
        } else {
            valid.iter().any(|(c, _)| w.admits(c))
        };
        if has_positive && !satisfiable {
            if custom_template {
                return; // reported as TP-GHA-ABUSABLE-CLAIM-FIRST or unknowable
            }
            let span = sub_entries.first().map_or(st.span, |(_, e)| e.values.span);
            let vals: Vec<String> = sub_entries
                .iter()
                .map(|(op, e)| format!("`{}` {}", op.node, quote_values(e)))
                .collect();
            self.push("TP-SUB-UNSATISFIABLE", lower_info(), Verdict::Broken,
                format!("no subject this issuer can mint satisfies `sub` {}: the statement can never match (broken, not open)", vals.join(" and ")),
                span, Some(i));
            return;
        }
        if !bounded {
            return;
        }

        // Witness search over the whole statement.
        let res = self.search(
            &w,
            iss,
            &valid
                .iter()
                .zip(&verdicts)
                .filter_map(|(v, admitted)| admitted.then_some(v))
                .collect::<Vec<_>>(),
            &intended_tenants,
            &projects,
            &contexts,
            &positive_values,
        );
        let lower = |s: Severity| {
            if iss.tenancy == Tenancy::TenantScoped {
                s.lowered()
            } else {
                s
            }
        };
        let value_span = |idx: usize| positive_values.get(idx).map_or(st.span, |v| v.2);
        let value_text = |idx: usize| {
            positive_values
                .get(idx)
                .map_or(String::new(), |v| v.0.clone())
        };
        let op_of = |idx: usize| -> String {
            let mut n = 0usize;
            for (op, e) in &sub_entries {
                if !is_positive(&op.node) {
                    continue;
                }
                let len = e.values.node.len();
                if idx < n + len {
                    return op.node.to_string();
                }
                n += len;
            }
            String::new()
        };
        if let Some(w) = &res.all {
            let idx = positive_values
                .iter()
                .position(|(v, like, _)| *like && Pattern::new(v, Case::Sensitive).is_match(w))
                .unwrap_or(0);
            self.push(
                "TP-OIDC-SUB-WILDCARD-ALL",
                lower(Severity::Critical),
                Verdict::Open,
                format!(
                    "`{}` `sub` value `{}` matches every subject of `{}`, e.g. `{w}`",
                    op_of(idx),
                    value_text(idx),
                    iss.prefix
                ),
                value_span(idx),
                Some(i),
            );
        } else if let Some((w, idx)) = &res.foreign {
            let stem = literal_segments(
                kind,
                value_text(*idx).split(['*', '?']).next().unwrap_or(""),
                false,
            )
            .0
            .filter(|(_, complete)| !complete)
            .map(|(t, _)| t)
            .unwrap_or_default();
            let rule = match kind {
                IssuerKind::GitHub if !stem.is_empty() => "TP-GHA-ORG-PREFIX",
                IssuerKind::Eks => "TP-IRSA-NAMESPACE-PREFIX",
                IssuerKind::HcpTerraform => "TP-TFC-ORG-UNPINNED",
                _ => "TP-OIDC-SUB-ANY-OWNER",
            };
            let sev = if kind == IssuerKind::Eks {
                Severity::High
            } else {
                lower(Severity::Critical)
            };
            self.push(
                rule,
                sev,
                Verdict::Open,
                format!(
                    "`{}` `sub` value `{}` admits a subject outside the intended {}: `{w}`",
                    op_of(*idx),
                    value_text(*idx),
                    if intended_tenants.is_empty() {
                        "tenant (the tenant segment is a wildcard)".to_owned()
                    } else {
                        format!(
                            "tenant {}",
                            intended_tenants
                                .iter()
                                .map(|t| format!("`{t}`"))
                                .collect::<Vec<_>>()
                                .join(", ")
                        )
                    }
                ),
                value_span(*idx),
                Some(i),
            );
        }
        if res.all.is_none() {
            if let Some((w, idx)) = &res.project {
                let pstem = literal_segments(
                    kind,
                    value_text(*idx).split(['*', '?']).next().unwrap_or(""),
                    false,
                )
                .1;
                let (rule, sev) = match kind {
                    IssuerKind::GitHub
                        if pstem.as_ref().is_some_and(|(p, c)| !p.is_empty() && !c) =>
                    {
                        ("TP-GHA-ORG-PREFIX", Severity::High)
                    }
                    IssuerKind::GitHub => ("TP-GHA-ORG-WIDE", Severity::High),
                    IssuerKind::Eks => ("TP-IRSA-SUB-WILDCARD", Severity::Medium),
                    IssuerKind::GitLab => ("TP-GITLAB-GROUP-WIDE", lower(Severity::High)),
                    IssuerKind::HcpTerraform => ("TP-TFC-WORKSPACE-WILDCARD", Severity::Medium),
                    IssuerKind::CircleCi => ("TP-CIRCLECI-PROJECT-WILDCARD", Severity::Medium),
                    _ => ("TP-OIDC-SUB-ANY-OWNER", lower(Severity::Medium)),
                };
                let others = match kind {
                    IssuerKind::GitHub => "other repositories of the owner",
                    IssuerKind::Eks => "other service accounts of the namespace",
                    IssuerKind::GitLab => "other projects of the group",
                    IssuerKind::HcpTerraform => "other workspaces of the organisation",
                    _ => "other projects of the tenant",
                };
                self.push(
                    rule,
                    sev,
                    Verdict::Open,
                    format!(
                        "`{}` `sub` value `{}` admits {others}, e.g. `{w}`",
                        op_of(*idx),
                        value_text(*idx)
                    ),
                    value_span(*idx),
                    Some(i),
                );
            }
            if let Some((w, idx)) = &res.any_ref {
                let rule = if kind == IssuerKind::GitLab {
                    "TP-GITLAB-ANY-REF"
                } else {
                    "TP-GHA-ANY-REF"
                };
                self.push(
                    rule,
                    Severity::Medium,
                    Verdict::Open,
                    format!(
                        "`{}` `sub` value `{}` admits any branch, tag or environment, e.g. `{w}`",
                        op_of(*idx),
                        value_text(*idx)
                    ),
                    value_span(*idx),
                    Some(i),
                );
            } else if let Some((w, idx)) = &res.ref_prefix {
                self.push(
                    "TP-GHA-BRANCH-PREFIX",
                    Severity::Medium,
                    Verdict::Open,
                    format!(
                        "`{}` `sub` value `{}` uses the ref as a prefix: it also admits `{w}`",
                        op_of(*idx),
                        value_text(*idx)
                    ),
                    value_span(*idx),
                    Some(i),
                );
            }
            if let Some((w, idx)) = &res.pull_request {
                if res.any_ref.is_none() {
                    self.push(
                        "TP-GHA-PULL-REQUEST",
                        Severity::Medium,
                        Verdict::Open,
                        format!(
                            "`{}` `sub` value `{}` admits pull-request subjects such as `{w}`",
                            op_of(*idx),
                            value_text(*idx)
                        ),
                        value_span(*idx),
                        Some(i),
                    );
                }
            }
            if let Some((w, idx)) = &res.reftype {
                self.push(
                    "TP-GITLAB-REFTYPE-WILDCARD",
                    Severity::Medium,
                    Verdict::Open,
                    format!(
                        "`{}` `sub` value `{}` admits a tag as well as a branch: `{w}`",
                        op_of(*idx),
                        value_text(*idx)
                    ),
                    value_span(*idx),
                    Some(i),
                );
            }
            if res.run_phase_any {
                self.push("TP-TFC-RUN-PHASE-ANY", Severity::Info, Verdict::Advice,
                    "both `run_phase:plan` and `run_phase:apply` are admitted: speculative plans get the apply credentials".into(),
                    sub_entries.first().map_or(st.span, |(_, e)| e.values.span), Some(i));
            }
            if kind == IssuerKind::Bitbucket
                && positive_values
                    .iter()
                    .any(|(v, like, _)| *like && v.contains('*'))
                && res.intended_any
            {
                let idx = positive_values
                    .iter()
                    .position(|(v, like, _)| *like && v.contains('*'))
                    .unwrap_or(0);
                self.push("TP-BITBUCKET-REPO-WILDCARD", Severity::Low, Verdict::Open,
                    format!("`{}` `sub` value `{}` admits every deployment environment and step of the repository", op_of(idx), value_text(idx)),
                    value_span(idx), Some(i));
            }
        }
        if let Some(idx) = res.immutable_twin_missing {
            self.push("TP-GHA-IMMUTABLE-SUB-MISMATCH", Severity::Info, Verdict::Broken,
                format!("`sub` value `{}` only matches name-form subjects; repositories that emit immutable subjects (`repo:owner@<id>/repo@<id>:...`) do not match", value_text(idx)),
                value_span(idx), Some(i));
        }
        // Since 2026 STS exposes the issuer's immutable project id
        // (docs/SEMANTICS.md §4.7): a statement that also pins it exactly is
        // not open to a re-registered or renamed name, whatever `sub` says.
        let id_pinned = !self.opts.pre_2026_claims && {
            let provider = prefix.strip_suffix(':').unwrap_or(prefix);
            let id_claim = match kind {
                IssuerKind::GitHub => Some("repository_id"),
                IssuerKind::GitLab => Some("project_id"),
                _ => None,
            };
            id_claim.is_some_and(|claim| {
                let key = format!("{prefix}{claim}");
                issuers::claim_presence(kind, provider, claim, false) != Presence::Never
                    && entries(st).any(|(op, e)| {
                        let op = &op.node;
                        is_positive(op)
                            && matches!(
                                op.base,
                                BaseOperator::StringEquals
                                    | BaseOperator::StringEqualsIgnoreCase
                                    | BaseOperator::StringLike
                            )
                            && e.key.node.to_lowercase() == key
                            && !e.values.node.is_empty()
                            && e.values.node.iter().all(|v| {
                                let t = v.node.text();
                                !t.is_empty() && !t.contains(['*', '?', '$'])
                            })
                    })
            })
        };
        if matches!(
            kind,
            IssuerKind::GitHub | IssuerKind::GitLab | IssuerKind::HcpTerraform
        ) && res.foreign.is_none()
            && res.all.is_none()
            && !tenants.is_empty()
            && !id_pinned
        {
            let idx = positive_values
                .iter()
                .position(|(v, ..)| !v.contains('@'))
                .unwrap_or(0);
            self.push("TP-NAME-RECYCLE", Severity::Info, Verdict::Advice,
                format!("the identity is pinned by names ({}), which can be renamed, transferred or re-registered", tenants.iter().map(|t| format!("`{t}`")).collect::<Vec<_>>().join(", ")),
                value_span(idx), Some(i));
        }

        // TP-MULTI-VALUE-LOOSEST: classify each value alone.
        for (op, e) in &sub_entries {
            if !is_positive(&op.node) || e.values.node.len() < 2 {
                continue;
            }
            let scopes: Vec<(Scope, Span, String)> = e
                .values
                .node
                .iter()
                .map(|v| {
                    let t = v.node.text().into_owned();
                    (
                        value_scope(
                            kind,
                            &t,
                            op.node.base.uses_wildcards(),
                            &intended_tenants,
                            fills,
                        ),
                        v.span,
                        t,
                    )
                })
                .collect();
            let max = scopes.iter().map(|s| s.0).max().unwrap_or(Scope::Exact);
            let min = scopes.iter().map(|s| s.0).min().unwrap_or(Scope::Exact);
            if max > min && max >= Scope::Project {
                if let Some((s, span, t)) = scopes.iter().find(|s| s.0 == max) {
                    let sev = match s {
                        Scope::All | Scope::Tenant => lower(Severity::Critical),
                        _ => Severity::High,
                    };
                    self.push("TP-MULTI-VALUE-LOOSEST", sev, Verdict::Open,
                        format!("values of `{}` are ORed and `{t}` is the loosest: it admits far more than the other values", e.key.node), *span, Some(i));
                }
            }
        }
    }

    #[allow(
        clippy::too_many_arguments,
        reason = "the witness search reads the issuer, the admitted subjects and the three segment sets together"
    )]
    fn search(
        &self,
        w: &Witnesses,
        iss: &Issuer,
        admitted: &[&(String, issuers::Subject)],
        tenants: &BTreeSet<String>,
        projects: &BTreeSet<String>,
        contexts: &BTreeSet<String>,
        values: &[(String, bool, Span)],
    ) -> WitnessResult {
        let kind = if iss.kind == IssuerKind::GitHubLegacy {
            IssuerKind::GitHub
        } else {
            iss.kind
        };
        let mut r = WitnessResult::default();
        let idx_of = |w: &str| {
            values
                .iter()
                .position(|(v, like, _)| {
                    if *like {
                        Pattern::new(v, Case::Sensitive).is_match(w)
                    } else {
                        v == w
                    }
                })
                .unwrap_or(0)
        };
        let probes: Vec<String> = issuers::contexts(kind)
            .iter()
            .map(|c| issuers::make_subject(kind, "zz-attacker", "zz-repo", c))
            .collect();
        if probes.iter().all(|p| w.admits(p)) {
            r.all = probes.first().cloned();
            return r;
        }
        let same_tenant = |t: &str| tenants.iter().any(|x| x.eq_ignore_ascii_case(t));
        let tenant_free = matches!(kind, IssuerKind::Bitbucket);
        for (c, s) in admitted {
            if !tenant_free && !same_tenant(&s.tenant) {
                if r.foreign.is_none() {
                    r.foreign = Some((c.clone(), idx_of(c)));
                }
                continue;
            }
            if !projects.contains(&s.project)
                && r.project.is_none()
                && kind != IssuerKind::Bitbucket
            {
                r.project = Some((c.clone(), idx_of(c)));
            }
            r.intended_any = true;
            if kind == IssuerKind::GitHub {
                if s.context == "pull_request" && r.pull_request.is_none() {
                    r.pull_request = Some((c.clone(), idx_of(c)));
                }
                let fresh = s.context == "ref:refs/heads/zz-attacker"
                    || s.context == "environment:zz-attacker"
                    || s.context == "ref:refs/tags/zz-attacker";
                if !fresh
                    && !contexts.contains(&s.context)
                    && s.context != "pull_request"
                    && r.ref_prefix.is_none()
                {
                    r.ref_prefix = Some((c.clone(), idx_of(c)));
                }
            }
        }
        // Any ref: a fresh branch/environment of an intended tenant and project is admitted.
        let fresh_ctx: &[&str] = match kind {
            IssuerKind::GitHub => &["ref:refs/heads/zz-attacker", "environment:zz-attacker"],
            IssuerKind::GitLab => &["ref_type:branch:ref:zz-attacker"],
            _ => &[],
        };
        let mut pool_p: Vec<String> = projects.iter().cloned().collect();
        pool_p.push("zz-repo".into());
        'outer: for t in tenants {
            for p in &pool_p {
                for c in fresh_ctx {
                    let cand = issuers::make_subject(kind, t, p, c);
                    if w.admits(&cand) {
                        r.any_ref = Some((cand.clone(), idx_of(&cand)));
                        break 'outer;
                    }
                }
            }
        }
        if kind == IssuerKind::GitLab && r.reftype.is_none() {
            // Same path and ref, both ref types admitted, while no value names the type literally.
            for (c, s) in admitted {
                if let Some(rest) = s.context.strip_prefix("ref_type:branch:ref:") {
                    let twin = issuers::make_subject(
                        kind,
                        &s.tenant,
                        &s.project,
                        &format!("ref_type:tag:ref:{rest}"),
                    );
                    if same_tenant(&s.tenant)
                        && w.admits(&twin)
                        && !values.iter().any(|(v, ..)| v.contains("ref_type:tag"))
                        && r.any_ref.is_none()
                    {
                        r.reftype = Some((twin, idx_of(c)));
                        break;
                    }
                }
            }
        }
        if kind == IssuerKind::HcpTerraform {
            let phases: BTreeSet<&str> = admitted
                .iter()
                .filter(|(_, s)| same_tenant(&s.tenant))
                .map(|(_, s)| s.context.as_str())
                .collect();
            r.run_phase_any =
                phases.contains("run_phase:plan") && phases.contains("run_phase:apply");
        }
        if kind == IssuerKind::GitHub {
            // Immutable twins of admitted intended name-form subjects.
            let named: Vec<&&(String, issuers::Subject)> = admitted
                .iter()
                .filter(|(c, s)| !c.contains('@') && same_tenant(&s.tenant))
                .collect();
            if !named.is_empty()
                && named.iter().all(|(c, s)| {
                    let twin = issuers::make_subject(
                        kind,
                        &format!("{}@1234", s.tenant),
                        &format!("{}@5678", s.project),
                        &s.context,
                    );
                    let _ = c;
                    !w.admits(&twin)
                })
            {
                r.immutable_twin_missing = named.first().map(|(c, _)| idx_of(c));
            }
        }
        r
    }
}

fn lower_info() -> Severity {
    Severity::Info
}

/// Classifies one value alone (ignoring the rest of the statement).
fn value_scope(
    kind: IssuerKind,
    v: &str,
    like: bool,
    tenants: &BTreeSet<String>,
    fills: &[String],
) -> Scope {
    if !like || !has_wildcard(v) {
        return Scope::Exact;
    }
    let probes: Vec<String> = issuers::contexts(kind)
        .iter()
        .map(|c| issuers::make_subject(kind, "zz-attacker", "zz-repo", c))
        .collect();
    let p = Pattern::new(v, Case::Sensitive);
    if probes.iter().all(|x| p.is_match(x)) {
        return Scope::All;
    }
    let mut cands = BTreeSet::new();
    instantiate(v, fills, &mut cands);
    let mut scope = Scope::Exact;
    let (lt, lp, _) = literal_segments(kind, v.split(['*', '?']).next().unwrap_or(""), false);
    for c in cands {
        let Some(s) = issuers::parse_subject(kind, &c) else {
            continue;
        };
        let tenant_ok = tenants.iter().any(|t| t.eq_ignore_ascii_case(&s.tenant))
            || lt
                .as_ref()
                .is_some_and(|(t, complete)| *complete && *t == s.tenant);
        let sc = if !tenant_ok {
            Scope::Tenant
        } else if lp
            .as_ref()
            .is_none_or(|(p, complete)| !complete || *p != s.project)
        {
            Scope::Project
        } else {
            Scope::Context
        };
        scope = scope.max(sc);
    }
    scope
}

/// Splits the literal (wildcard-free) start of a value into tenant / project / context segments.
/// Each segment is `(text, complete)`: complete when its terminating delimiter was seen (or the
/// value is exact and ends there).
#[allow(
    clippy::type_complexity,
    reason = "tenant, project and context segments, each with its own completeness"
)]
fn literal_segments(
    kind: IssuerKind,
    lit: &str,
    exact: bool,
) -> (
    Option<(String, bool)>,
    Option<(String, bool)>,
    Option<String>,
) {
    let (head, d1, d2): (&str, &str, &str) = match kind {
        IssuerKind::GitHub | IssuerKind::GitHubLegacy => ("repo:", "/", ":"),
        IssuerKind::GitLab => ("project_path:", "/", ":ref_type:"),
        IssuerKind::HcpTerraform => ("organization:", ":project:", ":run_phase:"),
        IssuerKind::Eks => ("system:serviceaccount:", ":", "\u{0}"),
        IssuerKind::CircleCi => ("org/", "/project/", "/user/"),
        _ => return (None, None, None),
    };
    let Some(rest) = lit.strip_prefix(head) else {
        return (None, None, None);
    };
    let strip_id = |s: &str| s.split('@').next().unwrap_or(s).to_owned();
    let Some((t, rest)) = rest.split_once(d1) else {
        return (Some((strip_id(rest), exact)), None, None);
    };
    let tenant = Some((strip_id(t), true));
    let (p, c, pc) = match rest.split_once(d2) {
        Some((p, c)) => (p, Some(c.to_owned()), true),
        None => (rest, None, exact),
    };
    let project = match kind {
        IssuerKind::HcpTerraform => {
            // `<project>:workspace:<ws>` -> `<project>/<ws>`
            match p.split_once(":workspace:") {
                Some((pr, ws)) => format!("{pr}/{ws}"),
                None => p.to_owned(),
            }
        }
        _ => strip_id(p),
    };
    let ctx = match kind {
        IssuerKind::GitLab => c.map(|c| format!("ref_type:{c}")),
        IssuerKind::HcpTerraform => c.map(|c| format!("run_phase:{c}")),
        _ => c,
    };
    (tenant, Some((project, pc)), ctx)
}

/// Instantiates a glob's wildcards with fill strings (bounded: the last wildcard takes every
/// fill, earlier ones a small pool).
fn instantiate(v: &str, fills: &[String], out: &mut BTreeSet<String>) {
    let parts: Vec<&str> = v.split(['*', '?']).collect();
    let wild: Vec<char> = v.chars().filter(|c| *c == '*' || *c == '?').collect();
    if wild.is_empty() {
        out.insert(v.to_owned());
        return;
    }
    const SMALL: &[&str] = &["", "x", "-evil", "zz-attacker", "@1"];
    let n = wild.len();
    let mut idx = vec![0usize; n.saturating_sub(1).min(3)];
    loop {
        for last in fills {
            let mut s = String::new();
            for (k, part) in parts.iter().enumerate() {
                s.push_str(part);
                if k + 1 < parts.len() {
                    let is_last = k + 1 == n;
                    let fill: &str = if is_last {
                        last
                    } else {
                        idx.get(k)
                            .and_then(|j| SMALL.get(*j))
                            .copied()
                            .unwrap_or("x")
                    };
                    if wild.get(k) == Some(&'?') {
                        s.push(fill.chars().next().unwrap_or('x'));
                    } else {
                        s.push_str(fill);
                    }
                }
            }
            out.insert(s);
        }
        // Next combination of the earlier wildcards.
        let mut k = 0;
        loop {
            match idx.get_mut(k) {
                None => return,
                Some(j) => {
                    *j += 1;
                    if *j < SMALL.len() {
                        break;
                    }
                    *j = 0;
                    k += 1;
                }
            }
        }
    }
}

// ---------------------------------------------------------------- AWS and service principals

const IDENTITY_BINDING: &[&str] = &[
    "aws:principalarn",
    "aws:principalaccount",
    "aws:principalorgid",
    "aws:principalorgpaths",
    "aws:userid",
];

fn account_of(v: &str) -> Option<String> {
    if v.len() == 12 && v.chars().all(|c| c.is_ascii_digit()) {
        return Some(v.to_owned());
    }
    let parts: Vec<&str> = v.splitn(6, ':').collect();
    match parts.as_slice() {
        ["arn", _, "iam" | "sts", "", acct, _]
            if acct.len() == 12 && acct.chars().all(|c| c.is_ascii_digit()) =>
        {
            Some((*acct).to_owned())
        }
        _ => None,
    }
}

fn is_root(v: &str) -> bool {
    (v.len() == 12 && v.chars().all(|c| c.is_ascii_digit()))
        || (v.starts_with("arn:") && v.ends_with(":root"))
}

impl Auditor<'_> {
    fn aws_principals(&mut self, i: usize, st: &Statement) {
        let Some(p) = &st.principal else { return };
        let aws = principal_values(st, PrincipalKind::Aws);
        let conds: Vec<(String, &Spanned<rolecall_policy::Operator>, &ConditionEntry)> =
            entries(st)
                .map(|(op, e)| (e.key.node.to_lowercase(), op, e))
                .collect();
        let binding: Vec<&(String, &Spanned<rolecall_policy::Operator>, &ConditionEntry)> = conds
            .iter()
            .filter(|(k, op, _)| IDENTITY_BINDING.contains(&k.as_str()) && is_positive(&op.node))
            .collect();
        let has_ext = conds
            .iter()
            .any(|(k, op, _)| k == "sts:externalid" && is_positive(&op.node));
        let has_mfa = conds.iter().any(|(k, op, e)| {
            k == "aws:multifactorauthpresent"
                && op.node.base == BaseOperator::Bool
                && !op.node.base.is_negated()
                && e.values
                    .node
                    .iter()
                    .all(|v| v.node.text().eq_ignore_ascii_case("true"))
        });
        // Anyone.
        let star_span = match &p.node {
            Principal::Wildcard => Some(p.span),
            Principal::Map(_) => aws.iter().find(|v| v.node == "*").map(|v| v.span),
        };
        if let Some(span) = star_span {
            if st
                .condition
                .as_ref()
                .is_none_or(|c| c.node.blocks.is_empty())
            {
                self.push("TP-PRINCIPAL-STAR-NO-COND", Severity::Critical, Verdict::Open,
                    "`Principal` `*` with no condition: any principal in any AWS account whose own policy allows `sts:AssumeRole` on this role can assume it".into(), span, Some(i));
            } else if binding.is_empty() {
                let keys: Vec<String> = conds
                    .iter()
                    .map(|(_, _, e)| format!("`{}`", e.key.node))
                    .collect();
                self.push("TP-PRINCIPAL-STAR-WEAK-COND", if has_ext { Severity::High } else { Severity::Critical }, Verdict::Open,
                    format!("`Principal` `*` bounded only by {}, which do not bind the caller's identity", keys.join(", ")), span, Some(i));
            } else if let Some((_, op, e)) = binding.first() {
                self.push(
                    "TP-PRINCIPAL-STAR-SCOPED",
                    Severity::Info,
                    Verdict::Advice,
                    format!(
                        "`Principal` `*` bounded by `{}` `{}` {}",
                        op.node,
                        e.key.node,
                        quote_values(e)
                    ),
                    span,
                    Some(i),
                );
            }
        }
        // Accounts.
        for v in aws.iter().filter(|v| v.node != "*") {
            if v.node.starts_with("AROA") || v.node.starts_with("AIDA") {
                self.push(
                    "TP-DELETED-PRINCIPAL",
                    Severity::Low,
                    Verdict::Broken,
                    format!(
                        "principal `{}` is a unique id: the referenced role or user was deleted",
                        v.node
                    ),
                    v.span,
                    Some(i),
                );
                continue;
            }
            let Some(acct) = account_of(&v.node) else {
                continue;
            };
            // Contradiction: every aws:PrincipalArn/Account value names another account.
            let pins: Vec<String> = binding
                .iter()
                .filter(|(k, ..)| k == "aws:principalarn" || k == "aws:principalaccount")
                .flat_map(|(_, _, e)| e.values.node.iter().map(|x| x.node.text().into_owned()))
                .collect();
            if !pins.is_empty()
                && pins.iter().all(|x| {
                    let a = if x.starts_with("arn:") {
                        x.split(':').nth(4).unwrap_or("").to_owned()
                    } else {
                        x.clone()
                    };
                    !has_wildcard(&a) && a != acct
                })
            {
                self.push("TP-PRINCIPAL-CONDITION-CONTRADICTION", Severity::Info, Verdict::Broken,
                    format!("principal `{}` admits only account `{acct}`, but the condition pins {}: nobody can assume the role through this statement", v.node,
                        pins.iter().map(|x| format!("`{x}`")).collect::<Vec<_>>().join(", ")), v.span, Some(i));
                continue;
            }
            // Deny that covers this Allow entirely.
            if self.statements.iter().any(|d| {
                is_deny(d)
                    && d.condition.is_none()
                    && covers_action(d, "sts:AssumeRole")
                    && (principal_is_everyone(d)
                        || principal_values(d, PrincipalKind::Aws).iter().any(|dv| {
                            is_root(&dv.node)
                                && account_of(&dv.node).as_deref() == Some(acct.as_str())
                        }))
            }) {
                self.push("TP-SUB-UNSATISFIABLE", Severity::Info, Verdict::Broken,
                    format!("an unconditional `Deny` covers every principal of account `{acct}`, so this `Allow` of `{}` is dead", v.node), v.span, Some(i));
                continue;
            }
            if !is_root(&v.node) || !covers_action(st, "sts:AssumeRole") {
                continue;
            }
            let same = self.opts.own_account.as_deref() == Some(acct.as_str());
            let guarded = has_ext || has_mfa || !binding.is_empty();
            let sev = if same {
                Severity::Info
            } else if guarded {
                Severity::Low
            } else {
                Severity::Medium
            };
            self.push("TP-ACCOUNT-ROOT-TRUST", sev, Verdict::Advice,
                format!("`{}` delegates to every principal of account `{acct}` whose identity policy allows it{}", v.node,
                    if !binding.is_empty() { " (narrowed by an `aws:Principal*` condition)" } else if has_ext { " (ExternalId required)" } else if has_mfa { " (MFA required)" } else { "" }),
                v.span, Some(i));
            if !same && !has_ext && !has_mfa && binding.is_empty() {
                self.push("TP-XACCOUNT-NO-EXTERNALID", Severity::Medium, Verdict::Open,
                    format!("trust in account `{acct}` without `sts:ExternalId` or MFA: a third party's role is open to the confused-deputy problem"), v.span, Some(i));
            }
        }
        for (k, op, e) in &conds {
            if k != "sts:externalid" {
                continue;
            }
            for x in e.values.node.iter() {
                let t = x.node.text();
                let service = !principal_values(st, PrincipalKind::Service).is_empty();
                if service
                    || t.chars().count() < 8
                    || (op.node.base.uses_wildcards() && has_wildcard(&t))
                {
                    self.push(
                        "TP-EXTERNALID-WEAK",
                        Severity::Info,
                        Verdict::Advice,
                        format!(
                            "`{}` `{}` = `{t}` is short, guessable or a pattern",
                            op.node, e.key.node
                        ),
                        x.span,
                        Some(i),
                    );
                }
            }
        }
        // Non-STS actions never apply to a role trust policy.
        if let Some(a) = &st.action {
            for x in a.node.iter() {
                let n = x.node.to_lowercase();
                if n != "*" && !n.starts_with("sts:") {
                    self.push("TP-ACTION-PRINCIPAL-MISMATCH", Severity::Medium, Verdict::Invalid,
                        format!("action `{}` is not an STS action; a role trust policy can only grant `sts:AssumeRole*`, `sts:TagSession` and `sts:SetSourceIdentity`", x.node), x.span, Some(i));
                }
            }
        }
        // Web-identity / SAML actions for AWS or Service principals.
        let non_fed = !aws.is_empty() || !principal_values(st, PrincipalKind::Service).is_empty();
        if non_fed && principal_values(st, PrincipalKind::Federated).is_empty() {
            if let Some(a) = &st.action {
                for x in a.node.iter() {
                    let n = x.node.to_lowercase();
                    if n == "sts:assumerolewithwebidentity" || n == "sts:assumerolewithsaml" {
                        self.push(
                            "TP-ACTION-PRINCIPAL-MISMATCH",
                            Severity::Medium,
                            Verdict::Broken,
                            format!(
                                "`{}` is for `Federated` principals, not AWS or service principals",
                                x.node
                            ),
                            x.span,
                            Some(i),
                        );
                    }
                }
            }
        }
    }

    fn services(&mut self, i: usize, st: &Statement) {
        let services = principal_values(st, PrincipalKind::Service);
        if services.is_empty() {
            return;
        }
        let keys: Vec<(String, &Spanned<rolecall_policy::Operator>, &ConditionEntry)> = entries(st)
            .map(|(op, e)| (e.key.node.to_lowercase(), op, e))
            .collect();
        let has = |k: &str| {
            keys.iter()
                .any(|(x, op, _)| x == k && !op.node.base.is_negated())
        };
        const SOURCE: &[&str] = &[
            "aws:sourcearn",
            "aws:sourceaccount",
            "aws:sourceowner",
            "aws:sourceorgid",
            "aws:sourceorgpaths",
            "aws:principalorgid",
            "aws:principalaccount",
            "aws:principalorgpaths",
            "aws:sourcevpc",
            "aws:sourcevpce",
        ];
        for svc in services {
            let name = svc.node.to_lowercase();
            if name == "pods.eks.amazonaws.com" {
                let cluster = has("aws:requesttag/eks-cluster-arn")
                    || has("aws:sourcearn")
                    || has("aws:sourceaccount");
                let ns = has("aws:requesttag/kubernetes-namespace")
                    || has("aws:requesttag/kubernetes-service-account");
                if !cluster && !ns {
                    self.push("TP-PODID-UNSCOPED", Severity::Medium, Verdict::Open,
                        "`pods.eks.amazonaws.com` without conditions on cluster, namespace or service account: any Pod Identity association in the account can use the role".into(), svc.span, Some(i));
                } else if !cluster {
                    self.push("TP-PODID-NO-CLUSTER", Severity::Low, Verdict::Open,
                        "namespace/service account are pinned but the cluster is not: the same names in another cluster of the account match".into(), svc.span, Some(i));
                }
                if !covers_action(st, "sts:TagSession") {
                    self.push("TP-PODID-MISSING-TAGSESSION", Severity::Info, Verdict::Broken,
                        "Pod Identity needs `sts:TagSession` in addition to `sts:AssumeRole` unless session tags are disabled".into(), svc.span, Some(i));
                }
            } else {
                let resource_only = keys.iter().any(|(k, ..)| {
                    k.starts_with("aws:resourceaccount") || k.starts_with("aws:resourceorg")
                });
                if !SOURCE.iter().any(|k| has(k)) {
                    if resource_only {
                        if let Some((_, op, e)) =
                            keys.iter().find(|(k, ..)| k.starts_with("aws:resource"))
                        {
                            self.push("TP-TAUTOLOGICAL-GUARD", Severity::Medium, Verdict::Open,
                                format!("`{}` `{}` {} names the role's own account or org in a trust policy, so it never restricts the calling service's source", op.node, e.key.node, quote_values(e)),
                                e.key.span, Some(i));
                        }
                    } else if !name.starts_with("eks.") {
                        const COMPUTE: &[&str] = &[
                            "ec2.amazonaws.com",
                            "lambda.amazonaws.com",
                            "edgelambda.amazonaws.com",
                            "ecs-tasks.amazonaws.com",
                            "ecs.amazonaws.com",
                            "build.apprunner.amazonaws.com",
                            "tasks.apprunner.amazonaws.com",
                        ];
                        let sev = if COMPUTE.contains(&name.as_str()) {
                            Severity::Info
                        } else {
                            Severity::Low
                        };
                        self.push("TP-SERVICE-NO-SOURCE", sev, Verdict::Advice,
                            format!("service principal `{}` without `aws:SourceArn`/`aws:SourceAccount`{}", svc.node,
                                if sev == Severity::Info { " (same-account compute service: iam:PassRole already gates it)" } else { "" }),
                            svc.span, Some(i));
                    }
                }
            }
            if name.starts_with("eks.") || name == "pods.eks.amazonaws.com" {
                if let Some((_, op, e)) = keys
                    .iter()
                    .find(|(k, op, _)| k == "aws:sourcearn" && is_positive(&op.node))
                {
                    self.push("TP-SERVICE-UNSUPPORTED-KEY", Severity::Info, Verdict::Broken,
                        format!("`{}` on `{}`: EKS does not send `aws:SourceArn`, so the role becomes unassumable", op.node, e.key.node), e.key.span, Some(i));
                }
            }
        }
        for (k, op, e) in &keys {
            if k != "aws:sourcearn" || !is_positive(&op.node) {
                continue;
            }
            for v in e.values.node.iter() {
                let t = v.node.text();
                let comps: Vec<&str> = t.splitn(6, ':').collect();
                let acct = comps.get(4).copied();
                if t == "*" || acct.is_none_or(has_wildcard) {
                    self.push(
                        "TP-SOURCEARN-WILDCARD",
                        Severity::Medium,
                        Verdict::Open,
                        format!(
                            "`{}` `{}` = `{t}` admits resources in any account",
                            op.node, e.key.node
                        ),
                        v.span,
                        Some(i),
                    );
                }
            }
        }
    }
}
