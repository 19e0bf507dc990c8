//! Rules for CircleCI (`oidc.circleci.com/org/<org-id>`) and Bitbucket Pipelines, whose issuers
//! are scoped to one organisation or workspace.

use super::oidc::SubjectScope;
use super::RuleId;
use crate::engine::Auditor;
use crate::finding::{Severity, Verdict};
use crate::witness::WitnessResult;

impl Auditor<'_> {
    /// TP-CIRCLECI-PROJECT-WILDCARD.
    pub(crate) fn circleci_subjects(&mut self, s: &SubjectScope<'_>, res: &WitnessResult) {
        if let Some((w, idx)) = &res.project {
            let others = "other projects of the tenant";
            self.push_project(
                s,
                RuleId::CircleciProjectWildcard,
                Severity::Medium,
                others,
                w,
                *idx,
            );
        }
    }

    /// TP-BITBUCKET-REPO-WILDCARD: a repository UUID followed by a wildcard.
    pub(crate) fn bitbucket_subjects(&mut self, s: &SubjectScope<'_>, res: &WitnessResult) {
        if !res.intended_any {
            return;
        }
        if let Some(idx) = s
            .values
            .iter()
            .position(|(v, like, _)| *like && v.contains('*'))
        {
            self.push(
                RuleId::BitbucketRepoWildcard,
                Severity::Low,
                Verdict::Open,
                format!(
                    "{} admits every deployment environment and step of the repository",
                    s.quote(idx)
                ),
                s.value_span(idx),
                Some(s.i),
            );
        }
    }
}
