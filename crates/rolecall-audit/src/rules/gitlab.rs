//! Rules for GitLab CI/CD (`gitlab.com` and self-managed instances).

use super::oidc::SubjectScope;
use super::RuleId;
use crate::engine::Auditor;
use crate::finding::{Severity, Verdict};
use crate::witness::WitnessResult;

impl Auditor<'_> {
    /// Project, ref and ref-type breadth of GitLab subjects.
    pub(crate) fn gitlab_subjects(&mut self, s: &SubjectScope<'_>, res: &WitnessResult) {
        if let Some((w, idx)) = &res.project {
            let sev = s.lower(Severity::High);
            self.push_project(
                s,
                RuleId::GitlabGroupWide,
                sev,
                "other projects of the group",
                w,
                *idx,
            );
        }
        if let Some((w, idx)) = &res.any_ref {
            self.push(
                RuleId::GitlabAnyRef,
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
        }
        if let Some((w, idx)) = &res.reftype {
            self.push(
                RuleId::GitlabReftypeWildcard,
                Severity::Medium,
                Verdict::Open,
                format!("{} admits a tag as well as a branch: `{w}`", s.quote(*idx)),
                s.value_span(*idx),
                Some(s.i),
            );
            self.set_witness(w);
        }
    }
}
