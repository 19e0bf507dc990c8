//! The subjects a statement admits, from rolecall-analyze: its regions, read per field of the
//! issuer's `sub` grammar (`rolecall_eval::issuers`), and the breadth findings they give.
//!
//! The audit keeps no condition semantics of its own. For each `Federated` issuer of an Allow
//! statement it compiles the statement with the policy's Deny statements and asks
//! [`rolecall_analyze::Analyzer::who`] for the admitted set as disjoint regions, each split per
//! form of the issuer's grammar and described per field (owner, repository, branch; namespace,
//! service account; ...), each with a request the evaluator allows. Set qualifiers on
//! single-valued claims, `IfExists`, negation, several values, several statements and Deny
//! statements all reduce to the same regions, so a breadth finding does not depend on how the
//! set is spelled. Where the audit builds a request itself (the other run phase of an HCP
//! Terraform witness) the evaluator decides it.
//!
//! One shortcut skips the analysis, and it is exact: when every `sub` condition of the
//! statement is a plain positive operator whose values hold no wildcard, the admitted subjects
//! are among those values, each parsed with the grammar; nothing breadth-wide can be admitted,
//! and a value no grammar form parses admits nobody. Findings that quote a subject are confirmed
//! by the analyzer afterwards ([`Auditor::confirm_witnesses`]).

use std::collections::BTreeSet;

use rolecall_analyze::Values;
use rolecall_eval::matcher::{Case, Pattern};
use rolecall_eval::request::{ContextValue, FoldedKey, Request};
use rolecall_eval::{evaluate, CompiledPolicy, Decision};
use rolecall_policy::grammar::pattern::has_wildcard;
use rolecall_policy::{Span, Statement};

use crate::engine::Auditor;
use crate::issuers::{self, IssuerKind, SubjectGrammar};
use crate::rules::common::*;

/// Rank of how open a subject constraint is, for comparing values (TP-MULTI-VALUE-LOOSEST).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Scope {
    Exact,
    Context,
    Project,
    Tenant,
}

/// What the admitted regions of one issuer's `sub` show.
#[derive(Debug, Default)]
pub(crate) struct WitnessResult {
    /// Every subject of the issuer is admitted (a witness).
    pub(crate) all: Option<String>,
    /// A subject outside the intended tenants, and the index of the value that admits it.
    pub(crate) foreign: Option<(String, usize)>,
    /// The literal start the foreign tenants share (`octo` for `repo:octo*`), or empty.
    pub(crate) foreign_stem: String,
    /// A subject of another project of an intended tenant.
    pub(crate) project: Option<(String, usize)>,
    /// The other projects share a literal start (`repo:octo-org/app-*`).
    pub(crate) project_stem: bool,
    pub(crate) any_ref: Option<(String, usize)>,
    pub(crate) pull_request: Option<(String, usize)>,
    pub(crate) ref_prefix: Option<(String, usize)>,
    pub(crate) reftype: Option<(String, usize)>,
    pub(crate) run_phase_any: bool,
    /// Some admitted subject belongs to an intended tenant.
    pub(crate) intended_any: bool,
    pub(crate) immutable_twin_missing: Option<usize>,
    /// The tenants the admitted subjects name, each one pinned exactly.
    pub(crate) tenants: BTreeSet<String>,
    /// The tenants the role is meant for: the configured ones, else [`Self::tenants`].
    pub(crate) tenants_named: BTreeSet<String>,
}

/// One admitted region restricted to a form of the issuer's grammar.
#[derive(Debug, Clone)]
pub(crate) struct Region {
    /// The grammar form.
    pub(crate) form: String,
    /// Per field: the values admitted (a field not listed admits any value).
    pub(crate) fields: Vec<(String, Values)>,
    /// The region's witness `sub`.
    pub(crate) sub: String,
    /// The region's witness request (allowed by the evaluator), when from the analyzer.
    pub(crate) request: Option<Request>,
}

impl Region {
    fn values(&self, field: Option<&str>) -> Values {
        let Some(field) = field else {
            return Values::Any;
        };
        self.fields
            .iter()
            .find(|(f, _)| f == field)
            .map_or(Values::Any, |(_, v)| v.clone())
    }
}

/// How a region's tenant (or project) field is bounded.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Bound {
    /// These values exactly.
    Pinned(Vec<String>),
    /// Infinitely many values with this literal start (empty: none).
    Open(String),
    /// The form has no such field.
    Free,
}

fn common_prefix(examples: &[String]) -> String {
    let Some(first) = examples.first() else {
        return String::new();
    };
    let mut n = first.len();
    for e in examples {
        n = n.min(rolecall_eval::issuers::hints::common_prefix(first, e));
    }
    first.get(..n).unwrap_or("").to_owned()
}

/// A GitLab namespace's top-level group (the tenant: subgroups belong to it).
fn top_group(ns: &str) -> String {
    ns.split('/').next().unwrap_or(ns).to_owned()
}

/// The top-level group of a GitLab region's witness subject (its tenant field's value, read
/// with the grammar); `None` when the subject has no tenant field.
pub(crate) fn top_group_of(grammar: &SubjectGrammar, reg: &Region) -> Option<String> {
    let field = issuers::tenant_field(grammar, &reg.form)?;
    let fields = grammar.form(&reg.form)?.parse(&reg.sub)?;
    fields
        .iter()
        .find(|(name, _)| *name == field)
        .map(|(_, ns)| top_group(ns))
}

fn bound(kind: IssuerKind, values: Values, field: Option<&str>) -> Bound {
    if field.is_none() {
        return Bound::Free;
    }
    let gitlab = kind == IssuerKind::GitLab;
    match values {
        Values::OneOf(list) if gitlab => Bound::Pinned(list.iter().map(|v| top_group(v)).collect()),
        Values::OneOf(list) => Bound::Pinned(list),
        Values::Matching { examples } => {
            if gitlab {
                // A group and its subgroups (`acme`, `acme/x`, ...) are one tenant.
                if let Some(g) = examples.first() {
                    let slash = format!("{g}/");
                    if !g.is_empty() && examples.iter().all(|e| e == g || e.starts_with(&slash)) {
                        return Bound::Pinned(vec![top_group(g)]);
                    }
                }
            }
            Bound::Open(common_prefix(&examples))
        }
        // `Any`, `AnyBut`, `Ranges`, and `None`, which an admitted region never has (each field
        // admits a value): should one come, it reads as open, so a subject is reported rather
        // than missed.
        _ => Bound::Open(String::new()),
    }
}

/// The index of the first value that admits `w` (by the evaluator's matcher).
pub(crate) fn index_of(values: &[(String, bool, Span)], w: &str) -> usize {
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

/// Whether every `sub` condition is a plain positive `StringEquals`/`StringLike` with literal
/// values only.
pub(crate) fn exact_only(
    entries: &[(
        &rolecall_policy::Spanned<rolecall_policy::Operator>,
        &rolecall_policy::ConditionEntry,
    )],
) -> bool {
    entries.iter().all(|(op, e)| {
        // Case-sensitive string operators only: an `IgnoreCase` value names subjects in other
        // spellings too, which the grammar (case-sensitive) does not parse from the value.
        let literal = matches!(
            op.node.base,
            rolecall_policy::BaseOperator::StringEquals | rolecall_policy::BaseOperator::StringLike
        );
        literal
            && is_positive(&op.node)
            && (!op.node.base.uses_wildcards()
                || e.values.node.iter().all(|v| !has_wildcard(&v.node.text())))
    })
}

/// The regions of literal values: each value the grammar parses, with its fields pinned.
pub(crate) fn literal_regions(g: &SubjectGrammar, values: &[(String, bool, Span)]) -> Vec<Region> {
    values
        .iter()
        .filter_map(|(v, ..)| {
            let p = g.parse(v)?;
            Some(Region {
                form: p.form.to_owned(),
                fields: p
                    .fields
                    .into_iter()
                    .map(|(f, x)| (f, Values::OneOf(vec![x])))
                    .collect(),
                sub: v.clone(),
                request: None,
            })
        })
        .collect()
}

/// The policy `st` and every Deny statement of `all`, compiled.
pub(crate) fn with_denies(st: &Statement, all: &[Statement]) -> Result<CompiledPolicy, String> {
    let mut statements = vec![serde_json::to_value(st).map_err(|e| e.to_string())?];
    for d in all.iter().filter(|d| is_deny(d)) {
        statements.push(serde_json::to_value(d).map_err(|e| e.to_string())?);
    }
    let doc = serde_json::json!({"Version": "2012-10-17", "Statement": statements});
    CompiledPolicy::from_json(&doc.to_string()).map_err(|e| e.to_string())
}

/// The admitted regions of principal `fed`'s web-identity calls under `policy`, per form of
/// the grammar (the requests whose `sub` is outside the grammar are left out: no token
/// carries them).
pub(crate) fn analysed_regions(
    analyzer: &rolecall_analyze::Analyzer,
    policy: &CompiledPolicy,
    fed: &str,
    sub_key: &str,
) -> Result<Vec<Region>, String> {
    let who = analyzer.who(policy).map_err(|e| e.to_string())?;
    Ok(regions_of(&who.principals, fed, sub_key))
}

fn regions_of(
    principals: &[rolecall_analyze::PrincipalAccess],
    fed: &str,
    sub_key: &str,
) -> Vec<Region> {
    let folded = FoldedKey::new(sub_key);
    let mut out = Vec::new();
    for pa in principals
        .iter()
        .filter(|p| p.principal == fed && p.action.eq_ignore_ascii_case(WEB_IDENTITY))
    {
        for a in &pa.admitted {
            let Some(form) = &a.form else { continue };
            let sub = a
                .witness
                .request
                .context()
                .get(&folded)
                .and_then(|e| e.value().as_single())
                .unwrap_or_default()
                .to_owned();
            let fields = a
                .segments
                .iter()
                .filter(|s| s.key.eq_ignore_ascii_case(sub_key))
                .filter_map(|s| Some((s.field.clone()?, s.values.clone())))
                .collect();
            out.push(Region {
                form: form.clone(),
                fields,
                sub,
                request: Some(a.witness.request.clone()),
            });
        }
    }
    out
}

/// The regions of subjects outside the `trusted` tenants, from
/// [`rolecall_analyze::Analyzer::admits_outside`].
pub(crate) fn outside_regions(
    analyzer: &rolecall_analyze::Analyzer,
    policy: &CompiledPolicy,
    trusted: &[String],
    fed: &str,
    sub_key: &str,
) -> Result<Vec<Region>, String> {
    let out = analyzer
        .admits_outside(policy, trusted)
        .map_err(|e| e.to_string())?;
    Ok(regions_of(&out.admitted, fed, sub_key))
}

/// `request` with its `sub` replaced by `sub`, when it can be rebuilt.
fn with_sub(request: &Request, sub_key: &str, sub: &str) -> Option<Request> {
    let folded = FoldedKey::new(sub_key);
    let mut b = Request::builder()
        .principal(request.principal())
        .action(request.action());
    for e in request.context().iter() {
        let v = if *e.folded() == folded {
            ContextValue::Single(sub.to_owned())
        } else {
            e.value().clone()
        };
        b = match v {
            ContextValue::Single(s) => b.value(e.name(), s),
            ContextValue::Multi(vs) => b.values(e.name(), vs),
        };
    }
    b.build().ok()
}

/// What [`search`] reads the regions with.
pub(crate) struct Search<'a> {
    pub(crate) kind: IssuerKind,
    pub(crate) grammar: &'a SubjectGrammar,
    /// The configured trusted tenants (GitHub owners, namespaces), possibly none.
    pub(crate) configured: &'a [String],
    pub(crate) values: &'a [(String, bool, Span)],
    /// The statement with the policy's Deny statements, for requests the audit builds.
    pub(crate) policy: Option<&'a CompiledPolicy>,
    pub(crate) sub_key: &'a str,
    /// Whether GitHub's default grammar (with immutable forms) is in use.
    pub(crate) github_default: bool,
}

/// Reads the admitted regions for each kind of breadth the rules report.
pub(crate) fn search(s: &Search<'_>, regions: &[Region]) -> WitnessResult {
    let mut r = WitnessResult::default();
    let found = |sub: &str| Some((sub.to_owned(), index_of(s.values, sub)));
    let tenant_of = |reg: &Region| {
        let f = issuers::tenant_field(s.grammar, &reg.form);
        bound(s.kind, reg.values(f.as_deref()), f.as_deref())
    };
    let project_of = |reg: &Region| {
        let f = issuers::project_field(s.kind, s.grammar, &reg.form);
        let b = bound(IssuerKind::Other, reg.values(f.as_deref()), f.as_deref());
        if s.kind == IssuerKind::GitLab {
            // Subgroups of the group are other projects too.
            if let Bound::Open(_) =
                bound(IssuerKind::Other, reg.values(Some("namespace")), Some(""))
            {
                return Bound::Open(String::new());
            }
        }
        b
    };
    // Every subject: each form of the grammar admitted with every field open.
    let open_form = |name: &str| {
        regions
            .iter()
            .find(|reg| reg.form == name && reg.fields.iter().all(|(_, v)| *v == Values::Any))
    };
    if !s.grammar.forms.is_empty() && s.grammar.forms.iter().all(|f| open_form(&f.name).is_some()) {
        r.all = regions.first().map(|reg| reg.sub.clone());
        return r;
    }
    for reg in regions {
        if let Bound::Pinned(ts) = tenant_of(reg) {
            r.tenants.extend(ts);
        }
    }
    r.tenants_named = if s.configured.is_empty() {
        r.tenants.clone()
    } else {
        s.configured.iter().cloned().collect()
    };
    let trusted = |t: &str| r.tenants_named.iter().any(|x| x.eq_ignore_ascii_case(t));
    let mut intended: Vec<&Region> = Vec::new();
    for reg in regions {
        match tenant_of(reg) {
            Bound::Free => intended.push(reg),
            Bound::Pinned(ts) if ts.iter().all(|t| trusted(t)) => intended.push(reg),
            Bound::Pinned(_) => {
                if r.foreign.is_none() {
                    r.foreign = found(&reg.sub);
                }
            }
            Bound::Open(stem) => {
                if r.foreign.is_none() {
                    r.foreign = found(&reg.sub);
                    r.foreign_stem = stem;
                }
            }
        }
    }
    r.intended_any = !intended.is_empty();
    // A region whose tenant is open past a literal start (`prod*`) holds the tenant the start
    // names too: its other projects are reported as well as the other tenants.
    let stemmed = regions
        .iter()
        .filter(|reg| matches!(tenant_of(reg), Bound::Open(stem) if !stem.is_empty()));
    for reg in intended.iter().copied().chain(stemmed) {
        if let Bound::Open(stem) = project_of(reg) {
            if r.project.is_none() {
                r.project = found(&reg.sub);
                r.project_stem = !stem.is_empty();
            }
        }
    }
    match s.kind {
        IssuerKind::GitHub | IssuerKind::GitHubLegacy => github(s, &intended, &mut r),
        IssuerKind::GitLab => gitlab(s, &intended, &mut r),
        IssuerKind::HcpTerraform => r.run_phase_any = run_phases(s, &intended),
        _ => {}
    }
    r
}

/// The context field of a region (branch, tag, environment, ref): its values.
fn context_values(s: &Search<'_>, reg: &Region) -> Option<Values> {
    let form = s.grammar.form(&reg.form)?;
    form.parts.iter().find_map(|p| match p {
        rolecall_eval::issuers::Part::Field(f)
            if f.role == rolecall_eval::issuers::FieldRole::Context =>
        {
            Some(reg.values(Some(&f.name)))
        }
        _ => None,
    })
}

fn github(s: &Search<'_>, intended: &[&Region], r: &mut WitnessResult) {
    let found = |sub: &str| Some((sub.to_owned(), index_of(s.values, sub)));
    for reg in intended {
        let base = reg.form.strip_prefix("immutable ").unwrap_or(&reg.form);
        if base == "pull_request" && r.pull_request.is_none() {
            r.pull_request = found(&reg.sub);
        }
        match context_values(s, reg) {
            Some(Values::Any) if r.any_ref.is_none() => r.any_ref = found(&reg.sub),
            Some(Values::Matching { .. } | Values::AnyBut(_)) if r.ref_prefix.is_none() => {
                r.ref_prefix = found(&reg.sub);
            }
            _ => {}
        }
    }
    if s.github_default {
        let named = intended
            .iter()
            .find(|reg| !reg.form.starts_with("immutable "));
        let immutable = intended
            .iter()
            .any(|reg| reg.form.starts_with("immutable "));
        if let (Some(reg), false) = (named, immutable) {
            r.immutable_twin_missing = Some(index_of(s.values, &reg.sub));
        }
    }
}

fn gitlab(s: &Search<'_>, intended: &[&Region], r: &mut WitnessResult) {
    let found = |sub: &str| Some((sub.to_owned(), index_of(s.values, sub)));
    for reg in intended {
        if let Some(Values::Any) = context_values(s, reg) {
            if r.any_ref.is_none() {
                r.any_ref = found(&reg.sub);
            }
        }
    }
    if r.any_ref.is_some() || s.values.iter().any(|(v, ..)| v.contains("ref_type:tag")) {
        return;
    }
    let branch = intended.iter().any(|reg| reg.form.ends_with("branch"));
    if let (true, Some(tag)) = (
        branch,
        intended.iter().find(|reg| reg.form.ends_with("tag")),
    ) {
        r.reftype = found(&tag.sub);
    }
}

/// Whether some admitted HCP Terraform subject is admitted in the other run phase too: the
/// witness with its phase swapped, decided by the evaluator (literal values: the swapped value
/// is one of them).
fn run_phases(s: &Search<'_>, intended: &[&Region]) -> bool {
    const PLAN: &str = ":run_phase:plan";
    const APPLY: &str = ":run_phase:apply";
    intended.iter().any(|reg| {
        let other = if let Some(b) = reg.sub.strip_suffix(PLAN) {
            format!("{b}{APPLY}")
        } else if let Some(b) = reg.sub.strip_suffix(APPLY) {
            format!("{b}{PLAN}")
        } else {
            return false;
        };
        match (&reg.request, s.policy) {
            (Some(req), Some(p)) => {
                with_sub(req, s.sub_key, &other).is_some_and(|q| evaluate(p, &q) == Decision::Allow)
            }
            _ => s.values.iter().any(|(v, ..)| *v == other),
        }
    })
}

/// How open value `v` alone is, against what the search found (TP-MULTI-VALUE-LOOSEST).
pub(crate) fn value_scope(v: &str, like: bool, res: &WitnessResult) -> Scope {
    if !like || !has_wildcard(v) {
        return Scope::Exact;
    }
    let p = Pattern::new(v, Case::Sensitive);
    let hit = |w: &Option<(String, usize)>| w.as_ref().is_some_and(|(w, _)| p.is_match(w));
    if res.all.as_ref().is_some_and(|w| p.is_match(w)) || hit(&res.foreign) {
        Scope::Tenant
    } else if hit(&res.project) {
        Scope::Project
    } else {
        Scope::Context
    }
}

/// The result of a condition whose key is absent (docs/DECISIONS.md R9), decided by the
/// evaluator on a statement holding only this condition; `None` when it cannot be compiled.
pub(crate) fn holds_when_absent(
    op: &rolecall_policy::Operator,
    e: &rolecall_policy::ConditionEntry,
) -> Option<bool> {
    let values: Vec<String> = e
        .values
        .node
        .iter()
        .map(|v| v.node.text().into_owned())
        .collect();
    let doc = serde_json::json!({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": "*", "Action": "sts:AssumeRole",
        "Condition": {op.to_string(): {e.key.node.clone(): values}}}]});
    let policy = CompiledPolicy::from_json(&doc.to_string()).ok()?;
    let request = Request::builder()
        .principal("arn:aws:iam::111122223333:root")
        .action("sts:AssumeRole")
        .build()
        .ok()?;
    Some(evaluate(&policy, &request) == Decision::Allow)
}

/// What the analyzer says about one witness subject.
enum Confirmation {
    /// A request with this `sub` that the statement allows, checked by the evaluator.
    Confirmed,
    /// No request with this `sub` is allowed: the witness was wrong.
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
        let policy = match CompiledPolicy::from_json(&text) {
            Ok(p) => p,
            Err(e) => return Confirmation::Unanalysable(e.to_string()),
        };
        match self.opts.analyzer().witness(&policy) {
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
    analyzer: &rolecall_analyze::Analyzer,
    st: &Statement,
    all: &[Statement],
    sub_key: &str,
) -> Result<Option<String>, String> {
    let policy = with_denies(st, all)?;
    let found = analyzer.witness(&policy).map_err(|e| e.to_string())?;
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
