//! Rules for HCP Terraform (`app.terraform.io`) workload identity.

use super::oidc::SubjectScope;
use super::RuleId;
use crate::engine::Auditor;
use crate::finding::{Severity, Verdict};
use crate::witness::WitnessResult;

impl Auditor<'_> {
    /// Workspace and run-phase breadth of HCP Terraform subjects.
    pub(crate) fn tfc_subjects(&mut self, s: &SubjectScope<'_>, res: &WitnessResult) {
        if let Some((w, idx)) = &res.project {
            let others = "other workspaces of the organisation";
            self.push_project(
                s,
                RuleId::TfcWorkspaceWildcard,
                Severity::High,
                others,
                w,
                *idx,
            );
        }
        if res.run_phase_any {
            self.push(RuleId::TfcRunPhaseAny, Severity::Info, Verdict::Advice,
                "both `run_phase:plan` and `run_phase:apply` are admitted: speculative plans get the apply credentials".into(),
                s.first_span(), Some(s.i));
        }
    }
}
