//! Witness subjects: concrete subjects built from an issuer's grammar and the policy's own
//! values, tested against a statement's conditions and the Deny statements that apply.
//!
//! Questions like "does this `sub` pattern admit a subject outside the intended tenant?" are
//! answered with *witnesses*: attacker subjects built from the issuer's subject grammar
//! ([`crate::issuers`]) and tested with the real wildcard matcher (`rolecall_eval::matcher`).
//! Witnesses come from two sources:
//!
//! * instantiating each policy value's wildcards with fill strings chosen to collide with it
//!   (`-evil` extends a partial owner so `repo:octocat*` yields `repo:octocat-evil/...`; suffixes
//!   of full subjects complete a trailing `*`), and
//! * grammar probes built from the intended segments (owner, repository, namespace) and fresh
//!   attacker segments (`zz-attacker`).
//!
//! A witness must satisfy *every* condition of the Allow statement for that issuer and must not
//! be matched by any applicable Deny, so a Deny that cancels a loose Allow removes the finding.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use rolecall_eval::matcher::{Case, Pattern, PatternSet};
use rolecall_policy::grammar::pattern::has_wildcard;
use rolecall_policy::{BaseOperator, ConditionEntry, PrincipalKind, SetQualifier, Span, Statement};

use crate::engine::Auditor;
use crate::issuers::{self, Issuer, IssuerKind, Presence};
use crate::rules::common::*;

/// A request context for the small evaluator: lower-cased key to values.
#[derive(Debug, Clone, Default)]
pub(crate) struct Ctx {
    pub(crate) keys: BTreeMap<String, (Vec<String>, bool)>,
}

impl Ctx {
    pub(crate) fn set(&mut self, k: &str, v: &str) {
        self.keys
            .insert(k.to_lowercase(), (vec![v.to_owned()], false));
    }
}

/// Whether one policy value matches one context value under a positive base operator.
/// `None` for families this evaluator does not model.
pub(crate) fn value_matches(base: BaseOperator, pattern: &str, value: &str) -> Option<bool> {
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
pub(crate) fn eval_entry(
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
pub(crate) const SLOTS: [&str; 6] = ["sub", "aud", "repository", "ref", "environment", "amr"];
pub(crate) const SUB: usize = 0;
pub(crate) const AUD: usize = 1;
pub(crate) const REPOSITORY: usize = 2;
pub(crate) const REF: usize = 3;
pub(crate) const ENVIRONMENT: usize = 4;
pub(crate) const AMR: usize = 5;

/// A witness's request context: the value of each slot that is present (`amr` is multivalued).
pub(crate) type WitnessCtx<'w> = [Option<&'w str>; SLOTS.len()];

/// How a condition entry's values are compared with a context value ([`value_matches`],
/// prepared): true when any value matches. Each form is a set, so a witness costs one lookup
/// however many values the entry has; a loop over the values made a 20,000-value `StringLike`
/// audit quadratic (115 s, every witness against every value).
pub(crate) enum ValueTest {
    Equals(HashSet<String>),
    /// The values folded char by char (`to_lowercase`), looked up with the context value folded
    /// the same way.
    Folded(HashSet<String>),
    Glob(PatternSet),
}

impl ValueTest {
    pub(crate) fn is_match(&self, x: &str) -> bool {
        match self {
            ValueTest::Equals(set) => set.contains(x),
            ValueTest::Folded(set) => set.contains(&fold(x)),
            ValueTest::Glob(set) => set.is_match(x),
        }
    }
}

/// `s` folded char by char, as IAM's case-insensitive operators compare.
pub(crate) fn fold(s: &str) -> String {
    s.chars().flat_map(char::to_lowercase).collect()
}

/// One condition entry prepared for many witnesses: the key lower-cased and resolved to a
/// slot, the values' patterns compiled once. Rebuilding them per witness was 16.6 % of an audit
/// (`Pattern::new`) plus most of its `format!`/`to_lowercase` (BENCHMARKS.md, audit rows).
pub(crate) struct CompiledEntry {
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
    pub(crate) fn new(
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
    pub(crate) fn eval(&self, ctx: &WitnessCtx<'_>) -> Option<bool> {
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
pub(crate) struct CompiledCondition(Vec<CompiledEntry>);

impl CompiledCondition {
    pub(crate) fn new(
        st: &Statement,
        prefix: &str,
        iss: IssuerKind,
        pre: bool,
    ) -> CompiledCondition {
        CompiledCondition(
            entries(st)
                .map(|(op, e)| CompiledEntry::new(op.node, e, prefix, iss, pre))
                .collect(),
        )
    }

    pub(crate) fn eval(&self, ctx: &WitnessCtx<'_>, unknown: bool) -> bool {
        self.0.iter().all(|e| e.eval(ctx).unwrap_or(unknown))
    }
}

/// Everything [`Witnesses::admits`] needs that does not depend on the witness subject, built once
/// per statement and issuer instead of once per witness (a statement checks dozens).
pub(crate) struct Witnesses {
    pub(crate) allow: CompiledCondition,
    /// The Deny statements that apply to this issuer's web-identity calls.
    pub(crate) denies: Vec<CompiledCondition>,
    pub(crate) aud: String,
    /// GitHub's 2026 claims (`repository`, `ref`, `environment`) follow from the subject.
    pub(crate) github_claims: bool,
    pub(crate) cognito: bool,
    /// Reused for the `repository` claim.
    pub(crate) repository: std::cell::RefCell<String>,
}

impl Witnesses {
    /// Whether the statement admits `sub` and no Deny cancels it.
    pub(crate) fn admits(&self, sub: &str) -> bool {
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

/// Rank of how open a subject constraint is, for comparing values (TP-MULTI-VALUE-LOOSEST).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Scope {
    Exact,
    Context,
    Project,
    Tenant,
    All,
}

/// What the witness search found for one issuer's identity key.
#[derive(Debug, Default)]
pub(crate) struct WitnessResult {
    pub(crate) all: Option<String>,
    pub(crate) foreign: Option<(String, usize)>,
    pub(crate) project: Option<(String, usize)>,
    pub(crate) any_ref: Option<(String, usize)>,
    pub(crate) pull_request: Option<(String, usize)>,
    pub(crate) ref_prefix: Option<(String, usize)>,
    pub(crate) reftype: Option<(String, usize)>,
    pub(crate) run_phase_any: bool,
    pub(crate) intended_any: bool,
    pub(crate) immutable_twin_missing: Option<usize>,
}

/// Classifies one value alone (ignoring the rest of the statement).
pub(crate) fn value_scope(
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
        let Some(s) = issuers::parse_subject(kind, &c).map(|s| project_identity(kind, s)) else {
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
pub(crate) fn literal_segments(
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
        // A GitLab project path has no `:` and a CircleCI project id no `/`, so one ends the
        // project even before the context's delimiter.
        None if kind == IssuerKind::GitLab && rest.contains(':') => {
            (rest.split(':').next().unwrap_or(rest), None, true)
        }
        None if kind == IssuerKind::CircleCi && rest.contains('/') => {
            (rest.split('/').next().unwrap_or(rest), None, true)
        }
        None => (rest, None, exact),
    };
    let project = match kind {
        // Workspace names are unique in an HCP Terraform organisation: the workspace alone
        // names the project segment a subject can reach (`<project>:workspace:<ws>` -> `<ws>`).
        IssuerKind::HcpTerraform => match p.split_once(":workspace:") {
            Some((_, ws)) => ws.to_owned(),
            None => String::new(),
        },
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
pub(crate) fn instantiate(v: &str, fills: &[String], out: &mut BTreeSet<String>) {
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
impl Auditor<'_> {
    /// Prepares [`Witnesses::admits`] for one statement and issuer (`fed` is the statement's
    /// `Federated` value for it, which Deny statements are matched against).
    pub(crate) fn witnesses(
        &self,
        st: &Statement,
        iss: &Issuer,
        fed: &str,
        prefix: &str,
    ) -> Witnesses {
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
}

/// The tenants, projects and contexts a statement's `sub` values name literally.
#[derive(Debug, Default)]
pub(crate) struct Intended {
    /// Tenants named completely (their delimiter seen).
    pub(crate) tenants: BTreeSet<String>,
    /// Tenant names cut short by a wildcard (`repo:octo*`).
    pub(crate) tenant_stems: BTreeSet<String>,
    /// Projects named (repositories, service accounts, workspaces).
    pub(crate) projects: BTreeSet<String>,
    /// Contexts named (refs, environments, run phases).
    pub(crate) contexts: BTreeSet<String>,
    /// The tenants the role is meant for: the configured ones, else the named ones and stems.
    pub(crate) tenants_named: BTreeSet<String>,
}

impl Intended {
    /// What `values` name, with `configured` trusted tenants taking precedence.
    pub(crate) fn new(
        kind: IssuerKind,
        values: &[(String, bool, Span)],
        configured: &[String],
    ) -> Intended {
        let mut it = Intended::default();
        for (v, like, _) in values {
            let lit = if *like { stem_of(v) } else { v.as_str() };
            let (t, p, c) = literal_segments(kind, lit, !*like || !has_wildcard(v));
            match t {
                Some((t, true)) => {
                    it.tenants.insert(t);
                }
                Some((t, false)) if !t.is_empty() => {
                    it.tenant_stems.insert(t);
                }
                _ => {}
            }
            if let Some((p, _)) = p.filter(|(p, _)| !p.is_empty()) {
                it.projects.insert(p);
            }
            if let Some(ws) = tfc_workspace(kind, v).filter(|_| it.tenants.len() <= 1) {
                it.projects.insert(ws.to_owned());
            }
            if let Some(c) = c {
                it.contexts.insert(c);
            }
        }
        it.tenants_named = if configured.is_empty() {
            it.tenants.iter().chain(&it.tenant_stems).cloned().collect()
        } else {
            configured.iter().cloned().collect()
        };
        it
    }

    fn same_tenant(&self, t: &str) -> bool {
        self.tenants_named.iter().any(|x| x.eq_ignore_ascii_case(t))
    }
}

/// The workspace an HCP Terraform value pins literally, wherever its project is a wildcard
/// (`organization:acme:project:*:workspace:prod:...` pins `prod`).
fn tfc_workspace(kind: IssuerKind, v: &str) -> Option<&str> {
    if kind != IssuerKind::HcpTerraform {
        return None;
    }
    let (_, rest) = v.split_once(":workspace:")?;
    let ws = rest.split(':').next()?;
    (!ws.is_empty() && !has_wildcard(ws)).then_some(ws)
}

/// The project segment a subject is compared by: for HCP Terraform the workspace alone
/// (unique in its organisation), for the others the project as parsed.
fn project_identity(kind: IssuerKind, mut s: issuers::Subject) -> issuers::Subject {
    if kind == IssuerKind::HcpTerraform {
        if let Some((_, ws)) = s.project.split_once('/') {
            s.project = ws.to_owned();
        }
    }
    s
}

/// The literal start of a value, up to its first wildcard.
pub(crate) fn stem_of(v: &str) -> &str {
    v.split(['*', '?']).next().unwrap_or("")
}

/// Candidate subjects for a statement that parse under the issuer's grammar: the values'
/// wildcards instantiated, and subjects built from intended and attacker segments.
pub(crate) fn candidates(
    kind: IssuerKind,
    values: &[(String, bool, Span)],
    intended: &Intended,
) -> Vec<(String, issuers::Subject)> {
    let fills = issuers::fills_cached(kind);
    let mut cands: BTreeSet<String> = BTreeSet::new();
    for (v, like, _) in values {
        if *like {
            instantiate(v, fills, &mut cands);
        } else {
            cands.insert(v.clone());
        }
    }
    let mut ts: Vec<String> = intended.tenants_named.iter().cloned().collect();
    ts.extend(intended.tenant_stems.iter().map(|s| format!("{s}-evil")));
    ts.push("zz-attacker".into());
    let mut ps: Vec<String> = intended.projects.iter().cloned().collect();
    ps.push("zz-repo".into());
    let mut cs: Vec<String> = issuers::contexts(kind)
        .iter()
        .map(|c| (*c).to_owned())
        .collect();
    cs.extend(intended.contexts.iter().cloned());
    for t in &ts {
        for p in &ps {
            for c in &cs {
                cands.insert(issuers::make_subject(kind, t, p, c));
            }
        }
    }
    cands
        .into_iter()
        .filter_map(|c| issuers::parse_subject(kind, &c).map(|s| (c, project_identity(kind, s))))
        .collect()
}

/// The index of the first value that admits `w`.
fn index_of(values: &[(String, bool, Span)], w: &str) -> usize {
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
}

/// Searches the admitted subjects (and a few probes) for each kind of breadth the rules report.
pub(crate) fn search(
    w: &Witnesses,
    kind: IssuerKind,
    admitted: &[&(String, issuers::Subject)],
    intended: &Intended,
    values: &[(String, bool, Span)],
) -> WitnessResult {
    let mut r = WitnessResult::default();
    let probes: Vec<String> = issuers::contexts(kind)
        .iter()
        .map(|c| issuers::make_subject(kind, "zz-attacker", "zz-repo", c))
        .collect();
    if probes.iter().all(|p| w.admits(p)) {
        r.all = probes.first().cloned();
        return r;
    }
    classify_admitted(&mut r, kind, admitted, intended, values);
    r.any_ref = any_ref(w, kind, intended, values);
    if kind == IssuerKind::GitLab && r.any_ref.is_none() {
        r.reftype = gitlab_reftype(w, kind, admitted, intended, values);
    }
    if kind == IssuerKind::HcpTerraform {
        let phases: BTreeSet<&str> = admitted
            .iter()
            .filter(|(_, s)| intended.same_tenant(&s.tenant))
            .map(|(_, s)| s.context.as_str())
            .collect();
        r.run_phase_any = phases.contains("run_phase:plan") && phases.contains("run_phase:apply");
    }
    if kind == IssuerKind::GitHub {
        r.immutable_twin_missing = github_immutable_missing(w, kind, admitted, intended, values);
    }
    r
}

/// Foreign-tenant, other-project, pull-request and ref-prefix subjects among the admitted ones.
fn classify_admitted(
    r: &mut WitnessResult,
    kind: IssuerKind,
    admitted: &[&(String, issuers::Subject)],
    intended: &Intended,
    values: &[(String, bool, Span)],
) {
    let tenant_free = kind == IssuerKind::Bitbucket;
    for (c, s) in admitted {
        let found = || Some((c.clone(), index_of(values, c)));
        if !tenant_free && !intended.same_tenant(&s.tenant) {
            if r.foreign.is_none() {
                r.foreign = found();
            }
            continue;
        }
        if !tenant_free && !intended.projects.contains(&s.project) && r.project.is_none() {
            r.project = found();
        }
        r.intended_any = true;
        if kind != IssuerKind::GitHub {
            continue;
        }
        if s.context == "pull_request" && r.pull_request.is_none() {
            r.pull_request = found();
        }
        let fresh = matches!(
            s.context.as_str(),
            "ref:refs/heads/zz-attacker" | "environment:zz-attacker" | "ref:refs/tags/zz-attacker"
        );
        if !fresh
            && !intended.contexts.contains(&s.context)
            && s.context != "pull_request"
            && r.ref_prefix.is_none()
        {
            r.ref_prefix = found();
        }
    }
}

/// A fresh branch or environment of an intended tenant and project that is admitted.
fn any_ref(
    w: &Witnesses,
    kind: IssuerKind,
    intended: &Intended,
    values: &[(String, bool, Span)],
) -> Option<(String, usize)> {
    let fresh_ctx: &[&str] = match kind {
        IssuerKind::GitHub => &["ref:refs/heads/zz-attacker", "environment:zz-attacker"],
        IssuerKind::GitLab => &["ref_type:branch:ref:zz-attacker"],
        _ => &[],
    };
    let mut projects: Vec<String> = intended.projects.iter().cloned().collect();
    projects.push("zz-repo".into());
    for t in &intended.tenants_named {
        for p in &projects {
            for c in fresh_ctx {
                let cand = issuers::make_subject(kind, t, p, c);
                if w.admits(&cand) {
                    let idx = index_of(values, &cand);
                    return Some((cand, idx));
                }
            }
        }
    }
    None
}

/// The same GitLab path and ref admitted as a tag as well as a branch, while no value names the
/// ref type `tag` literally.
fn gitlab_reftype(
    w: &Witnesses,
    kind: IssuerKind,
    admitted: &[&(String, issuers::Subject)],
    intended: &Intended,
    values: &[(String, bool, Span)],
) -> Option<(String, usize)> {
    if values.iter().any(|(v, ..)| v.contains("ref_type:tag")) {
        return None;
    }
    admitted.iter().find_map(|(c, s)| {
        let rest = s.context.strip_prefix("ref_type:branch:ref:")?;
        let twin_ctx = format!("ref_type:tag:ref:{rest}");
        let twin = issuers::make_subject(kind, &s.tenant, &s.project, &twin_ctx);
        (intended.same_tenant(&s.tenant) && w.admits(&twin)).then(|| (twin, index_of(values, c)))
    })
}

/// The value index of an admitted intended name-form subject when none of them has an admitted
/// immutable twin (`owner@<id>/repo@<id>`).
fn github_immutable_missing(
    w: &Witnesses,
    kind: IssuerKind,
    admitted: &[&(String, issuers::Subject)],
    intended: &Intended,
    values: &[(String, bool, Span)],
) -> Option<usize> {
    let named: Vec<&&(String, issuers::Subject)> = admitted
        .iter()
        .filter(|(c, s)| !c.contains('@') && intended.same_tenant(&s.tenant))
        .collect();
    let twin_admitted = |s: &issuers::Subject| {
        let owner = format!("{}@1234", s.tenant);
        let repo = format!("{}@5678", s.project);
        w.admits(&issuers::make_subject(kind, &owner, &repo, &s.context))
    };
    if named.is_empty() || named.iter().any(|(_, s)| twin_admitted(s)) {
        return None;
    }
    named.first().map(|(c, _)| index_of(values, c))
}

/// The result of a condition whose key is absent (docs/DECISIONS.md R9); `None` for a `Null`
/// condition without values.
pub(crate) fn holds_when_absent(
    op: &rolecall_policy::Operator,
    e: &ConditionEntry,
) -> Option<bool> {
    eval_entry(op, e, &Ctx::default(), true)
}

/// What the analyzer says about one witness subject.
enum Confirmation {
    /// A request with this `sub` that the statement allows, checked by the evaluator.
    Confirmed,
    /// No request with this `sub` is allowed: the witness search was wrong.
    Refuted,
    /// The analyzer cannot answer exactly (the reason).
    Unanalysable(String),
}

impl Auditor<'_> {
    /// Confirms the witness of every finding from `from` on with rolecall-analyze: the statement
    /// `st`, its `sub` (key `sub_key`) pinned to the witness, and every Deny statement of the
    /// policy must allow some request, which the analyzer finds and the evaluator checks. A
    /// refuted witness drops its finding; one the analyzer cannot decide is kept, saying so.
    pub(crate) fn confirm_witnesses(&mut self, from: usize, st: &Statement, sub_key: &str) {
        let mut k = from;
        while let Some(f) = self.out.get(k) {
            let Some(w) = f.witness.clone() else {
                k += 1;
                continue;
            };
            match self.confirm(st, sub_key, &w) {
                Confirmation::Confirmed => k += 1,
                Confirmation::Refuted => {
                    self.out.remove(k);
                }
                Confirmation::Unanalysable(why) => {
                    if let Some(f) = self.out.get_mut(k) {
                        f.message.push_str(&format!(
                            " (witness not confirmed by rolecall-analyze: {why})"
                        ));
                    }
                    k += 1;
                }
            }
        }
    }

    fn confirm(&self, st: &Statement, sub_key: &str, w: &str) -> Confirmation {
        let text = match pinned_policy(st, self.statements, sub_key, w) {
            Ok(t) => t,
            Err(why) => return Confirmation::Unanalysable(why),
        };
        let policy = match rolecall_eval::CompiledPolicy::from_json(&text) {
            Ok(p) => p,
            Err(e) => return Confirmation::Unanalysable(e.to_string()),
        };
        match rolecall_analyze::Analyzer::default().witness(&policy) {
            Ok(Some(_)) => Confirmation::Confirmed,
            Ok(None) => Confirmation::Refuted,
            Err(e) => Confirmation::Unanalysable(e.to_string()),
        }
    }
}

/// A `sub` value some request allowed by `st` (and no Deny statement of `all`) carries, from
/// rolecall-analyze (checked by the evaluator); `None` when the statement allows no request.
/// The error is why the analyzer cannot answer exactly.
pub(crate) fn admitted_sub(
    st: &Statement,
    all: &[Statement],
    sub_key: &str,
) -> Result<Option<String>, String> {
    let mut statements = vec![serde_json::to_value(st).map_err(|e| e.to_string())?];
    for d in all.iter().filter(|d| is_deny(d)) {
        statements.push(serde_json::to_value(d).map_err(|e| e.to_string())?);
    }
    let doc = serde_json::json!({"Version": "2012-10-17", "Statement": statements});
    let policy =
        rolecall_eval::CompiledPolicy::from_json(&doc.to_string()).map_err(|e| e.to_string())?;
    let found = rolecall_analyze::Analyzer::default()
        .witness(&policy)
        .map_err(|e| e.to_string())?;
    Ok(found.map(|w| {
        w.request
            .context()
            .lookup(sub_key)
            .map(|e| e.value().values().join(", "))
            .unwrap_or_default()
    }))
}

/// The policy text of `st` with `sub_key` pinned to `w` (a `ForAnyValue:StringEquals` block,
/// true exactly when the single `sub` is `w`) and every Deny statement of `all`.
fn pinned_policy(
    st: &Statement,
    all: &[Statement],
    sub_key: &str,
    w: &str,
) -> Result<String, String> {
    use serde_json::{Map, Value};
    const PIN: &str = "ForAnyValue:StringEquals";
    let mut allow = serde_json::to_value(st).map_err(|e| e.to_string())?;
    let Some(obj) = allow.as_object_mut() else {
        return Err("statement is not an object".into());
    };
    let cond = obj
        .entry("Condition")
        .or_insert_with(|| Value::Object(Map::new()));
    let Some(cond) = cond.as_object_mut() else {
        return Err("condition is not an object".into());
    };
    let block = cond.entry(PIN).or_insert_with(|| Value::Object(Map::new()));
    let Some(block) = block.as_object_mut() else {
        return Err("condition block is not an object".into());
    };
    if block.keys().any(|k| k.eq_ignore_ascii_case(sub_key)) {
        return Err(format!("`{PIN}` already names `{sub_key}`"));
    }
    block.insert(sub_key.to_owned(), Value::String(w.to_owned()));
    let mut statements = vec![allow];
    for d in all.iter().filter(|d| is_deny(d)) {
        statements.push(serde_json::to_value(d).map_err(|e| e.to_string())?);
    }
    let doc = serde_json::json!({"Version": "2012-10-17", "Statement": statements});
    Ok(doc.to_string())
}
