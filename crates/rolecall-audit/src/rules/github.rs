//! Rules for GitHub Actions (`token.actions.githubusercontent.com` and enterprise issuers).

use rolecall_policy::Span;

use super::oidc::{KeyClasses, SubjectScope};
use super::RuleId;
use crate::engine::Auditor;
use crate::finding::{Severity, Verdict};
use crate::witness::WitnessResult;

/// Claims a GitHub custom `sub` template can start with whose values any
/// repository can choose (TP-GHA-ABUSABLE-CLAIM-FIRST).
pub(crate) const ABUSABLE_CLAIMS: &[&str] = &[
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
pub(crate) const REPOSITORY_CLAIMS: &[&str] = &["repository_owner", "repository_id", "repository:"];

impl Auditor<'_> {
    /// TP-GHA-ABUSABLE-CLAIM-FIRST: values that start with a claim any repository chooses.
    pub(crate) fn github_custom_templates(&mut self, s: &SubjectScope<'_>) {
        for (v, _, span) in &s.values {
            if !ABUSABLE_CLAIMS.iter().any(|a| v.starts_with(a)) {
                continue;
            }
            let scoped = v.contains("repo:")
                || v.contains("repository_owner")
                || v.contains("repository_id");
            if scoped {
                self.push(RuleId::GhaAbusableClaimFirst, Severity::Low, Verdict::Advice,
                    format!("`sub` value `{v}` starts with a claim any repository chooses; it relies on a custom subject template whose later `repo` claim scopes it (with the default template it never matches)"),
                    *span, Some(s.i));
            } else {
                self.push(RuleId::GhaAbusableClaimFirst, Severity::Critical, Verdict::Open,
                    format!("`sub` value `{v}` has no owner- or repository-scoped claim: with a custom subject template any repository can reproduce it (with the default template it never matches)"),
                    *span, Some(s.i));
            }
        }
    }

    /// Repository, ref and pull-request breadth of GitHub subjects.
    pub(crate) fn github_subjects(&mut self, s: &SubjectScope<'_>, res: &WitnessResult) {
        if let Some((w, idx)) = &res.project {
            let rule = if res.project_stem {
                RuleId::GhaOrgPrefix
            } else {
                RuleId::GhaOrgWide
            };
            self.push_project(
                s,
                rule,
                Severity::High,
                "other repositories of the owner",
                w,
                *idx,
            );
        }
        if let Some((w, idx)) = &res.any_ref {
            self.push(
                RuleId::GhaAnyRef,
                Severity::Medium,
                Verdict::Open,
                format!(
                    "{} admits any branch, tag or environment, e.g. `{w}`",
                    s.quote(*idx)
                ),
                s.value_span(*idx),
                Some(s.i),
            );
            self.set_witness(w);
        } else if let Some((w, idx)) = &res.ref_prefix {
            self.push(
                RuleId::GhaBranchPrefix,
                Severity::Medium,
                Verdict::Open,
                format!(
                    "{} uses the ref as a prefix: it also admits `{w}`",
                    s.quote(*idx)
                ),
                s.value_span(*idx),
                Some(s.i),
            );
            self.set_witness(w);
        }
        if let (Some((w, idx)), None) = (&res.pull_request, &res.any_ref) {
            self.push(
                RuleId::GhaPullRequest,
                Severity::Medium,
                Verdict::Open,
                format!(
                    "{} admits pull-request subjects such as `{w}`",
                    s.quote(*idx)
                ),
                s.value_span(*idx),
                Some(s.i),
            );
            self.set_witness(w);
        }
    }

    /// TP-GHA-IMMUTABLE-SUB-MISMATCH: no admitted name-form subject has an admitted immutable twin.
    pub(crate) fn github_immutable(&mut self, s: &SubjectScope<'_>, res: &WitnessResult) {
        if let Some(idx) = res.immutable_twin_missing {
            self.push(RuleId::GhaImmutableSubMismatch, Severity::Info, Verdict::Advice,
                format!("`sub` value `{}` only matches name-form subjects; repositories that emit immutable subjects (`repo:owner@<id>/repo@<id>:...`) do not match", s.value_text(idx)),
                s.value_span(idx), Some(s.i));
        }
    }

    /// TP-GHA-JOB-WORKFLOW-REF-ONLY: `job_workflow_ref` is the only identity bound.
    pub(crate) fn github_job_workflow_only(
        &mut self,
        k: &KeyClasses,
        sev: Severity,
        span: Span,
        i: usize,
    ) {
        if !k.bounded_by.is_empty() && k.bounded_by.iter().all(|c| c == "job_workflow_ref") {
            self.push(RuleId::GhaJobWorkflowRefOnly, sev, Verdict::Open,
                "the only identity constraint is `job_workflow_ref`: a reusable workflow in a public repository can be called from any repository".into(), span, Some(i));
        }
    }
}
