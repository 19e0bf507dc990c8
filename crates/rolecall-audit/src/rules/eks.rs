//! Rules for EKS IAM roles for service accounts (IRSA): the cluster's OIDC issuer.

use rolecall_policy::Span;

use super::oidc::SubjectScope;
use super::RuleId;
use crate::engine::Auditor;
use crate::finding::{Severity, Verdict};
use crate::witness::WitnessResult;

impl Auditor<'_> {
    /// TP-IRSA-SUB-WILDCARD: any service account of a pinned namespace.
    pub(crate) fn irsa_subjects(&mut self, s: &SubjectScope<'_>, res: &WitnessResult) {
        if let Some((w, idx)) = &res.project {
            let others = "other service accounts of the namespace";
            self.push_project(
                s,
                RuleId::IrsaSubWildcard,
                Severity::Medium,
                others,
                w,
                *idx,
            );
        }
    }

    /// TP-IRSA-NO-SUB: no positive `sub` condition (`prefix` is the issuer's key prefix, empty
    /// when there is no condition on the issuer at all).
    pub(crate) fn irsa_no_sub(&mut self, prefix: &str, span: Span, i: usize) {
        let message = if prefix.is_empty() {
            "no `sub` condition: every service account in every namespace of the cluster can assume the role".to_owned()
        } else {
            format!("no positive `{prefix}:sub` condition: every service account in every namespace of the cluster can assume the role")
        };
        self.push(
            RuleId::IrsaNoSub,
            Severity::High,
            Verdict::Open,
            message,
            span,
            Some(i),
        );
    }
}
