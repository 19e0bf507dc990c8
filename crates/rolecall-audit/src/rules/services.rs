//! Rules for `Service` principals: confused-deputy source binding, tautological guards,
//! keys a service never sends, `aws:SourceArn` wildcards.

use rolecall_policy::grammar::pattern::has_wildcard;
use rolecall_policy::{ConditionEntry, PrincipalKind, Spanned, Statement};

use super::common::*;
use super::RuleId;
use crate::engine::Auditor;
use crate::finding::{Severity, Verdict};

/// Keys that bind the calling service's resource (or the caller's account or organisation).
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

/// Services that run the customer's own compute in the role's account: `iam:PassRole` already
/// gates who can hand them the role.
const COMPUTE: &[&str] = &[
    "ec2.amazonaws.com",
    "lambda.amazonaws.com",
    "edgelambda.amazonaws.com",
    "ecs-tasks.amazonaws.com",
    "ecs.amazonaws.com",
    "build.apprunner.amazonaws.com",
    "tasks.apprunner.amazonaws.com",
];

/// A statement's condition entries with their keys lower-cased.
pub(crate) struct Keys<'s>(
    pub(crate)  Vec<(
        String,
        &'s Spanned<rolecall_policy::Operator>,
        &'s ConditionEntry,
    )>,
);

impl<'s> Keys<'s> {
    pub(crate) fn of(st: &'s Statement) -> Keys<'s> {
        Keys(
            entries(st)
                .map(|(op, e)| (e.key.node.to_lowercase(), op, e))
                .collect(),
        )
    }

    /// Whether a condition that is not negated names key `k` (lower case).
    pub(crate) fn has(&self, k: &str) -> bool {
        self.0
            .iter()
            .any(|(x, op, _)| x == k && !op.node.base.is_negated())
    }
}

impl Auditor<'_> {
    /// The rules for the statement's `Service` principals.
    pub(crate) fn services(&mut self, i: usize, st: &Statement) {
        let services = principal_values(st, PrincipalKind::Service);
        if services.is_empty() {
            return;
        }
        let keys = Keys::of(st);
        for svc in services {
            let name = svc.node.to_lowercase();
            if name == "pods.eks.amazonaws.com" {
                self.pod_identity(i, st, svc, &keys);
            } else if !SOURCE.iter().any(|k| keys.has(k)) {
                self.service_source(i, svc, &name, &keys);
            }
            if name.starts_with("eks.") || name == "pods.eks.amazonaws.com" {
                self.eks_source_arn(i, &keys);
            }
        }
        self.source_arn_wildcard(i, &keys);
    }

    /// TP-TAUTOLOGICAL-GUARD or TP-SERVICE-NO-SOURCE for a service principal bound by no source
    /// key.
    fn service_source(&mut self, i: usize, svc: &Spanned<String>, name: &str, keys: &Keys<'_>) {
        let resource = keys.0.iter().find(|(k, ..)| {
            k.starts_with("aws:resourceaccount") || k.starts_with("aws:resourceorg")
        });
        let compute = COMPUTE.contains(&name);
        if let Some((_, op, e)) = resource {
            // The guard admits what no condition admits: rated as TP-SERVICE-NO-SOURCE is.
            let sev = if compute {
                Severity::Info
            } else {
                Severity::Low
            };
            self.push(RuleId::TautologicalGuard, sev, Verdict::Advice,
                format!("`{}` `{}` {} names the role's own account or org in a trust policy, so it never restricts the calling service's source: the statement admits what it would without it", op.node, e.key.node, quote_values(e)),
                e.key.span, Some(i));
            return;
        }
        if name.starts_with("eks.") {
            return;
        }
        if name == "rolesanywhere.amazonaws.com" {
            self.roles_anywhere(i, svc, keys);
            return;
        }
        let sev = if compute {
            Severity::Info
        } else {
            Severity::Low
        };
        let note = if compute {
            " (same-account compute service: iam:PassRole already gates it)"
        } else {
            ""
        };
        self.push(
            RuleId::ServiceNoSource,
            sev,
            Verdict::Advice,
            format!(
                "service principal `{}` without `aws:SourceArn`/`aws:SourceAccount`{note}",
                svc.node
            ),
            svc.span,
            Some(i),
        );
    }

    /// IAM Roles Anywhere with no trust anchor (`aws:SourceArn`) bound: unless a certificate
    /// attribute (`aws:PrincipalTag/x509...`) is pinned, any certificate that chains to any trust
    /// anchor of the account gets the role
    /// (https://docs.aws.amazon.com/rolesanywhere/latest/userguide/trust-model.html).
    fn roles_anywhere(&mut self, i: usize, svc: &Spanned<String>, keys: &Keys<'_>) {
        let certificate_pinned = keys
            .0
            .iter()
            .any(|(k, op, _)| k.starts_with("aws:principaltag/x509") && is_positive(&op.node));
        let (sev, verdict, what) = if certificate_pinned {
            (
                Severity::Low,
                Verdict::Advice,
                "certificates with the pinned attributes from any trust anchor of the account",
            )
        } else {
            (
                Severity::Medium,
                Verdict::Open,
                "any certificate that chains to any trust anchor of the account",
            )
        };
        self.push(RuleId::ServiceNoSource, sev, verdict,
            format!("service principal `{}` without `aws:SourceArn` naming the trust anchor: {what} can assume the role", svc.node),
            svc.span, Some(i));
    }

    /// TP-SERVICE-UNSUPPORTED-KEY: EKS does not send `aws:SourceArn`.
    fn eks_source_arn(&mut self, i: usize, keys: &Keys<'_>) {
        let found = keys
            .0
            .iter()
            .find(|(k, op, _)| k == "aws:sourcearn" && is_positive(&op.node));
        if let Some((_, op, e)) = found {
            self.push(RuleId::ServiceUnsupportedKey, Severity::Info, Verdict::Broken,
                format!("`{}` on `{}`: EKS does not send `aws:SourceArn`, so the role becomes unassumable", op.node, e.key.node), e.key.span, Some(i));
        }
    }

    /// TP-SOURCEARN-WILDCARD: a positive `aws:SourceArn` whose account is missing or a wildcard.
    fn source_arn_wildcard(&mut self, i: usize, keys: &Keys<'_>) {
        for (k, op, e) in &keys.0 {
            if k != "aws:sourcearn" || !is_positive(&op.node) {
                continue;
            }
            for v in e.values.node.iter() {
                let t = v.node.text();
                let acct = t.split(':').nth(4);
                if t == "*" || acct.is_none_or(has_wildcard) {
                    self.push(
                        RuleId::SourcearnWildcard,
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
