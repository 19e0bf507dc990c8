//! Rules for `AWS` principals and `Principal: "*"`: whole accounts, cross-account trust,
//! ExternalId, deleted principals, and actions that do not fit the principal.

use rolecall_policy::grammar::pattern::has_wildcard;
use rolecall_policy::{
    BaseOperator, ConditionEntry, Principal, PrincipalKind, Span, Spanned, Statement,
};

use super::common::*;
use super::RuleId;
use crate::engine::Auditor;
use crate::finding::{Severity, Verdict};

/// Keys that bind who the caller is.
pub(crate) const IDENTITY_BINDING: &[&str] = &[
    "aws:principalarn",
    "aws:principalaccount",
    "aws:principalorgid",
    "aws:principalorgpaths",
    "aws:userid",
];

/// The account a principal names (a bare account id or an IAM/STS ARN).
pub(crate) fn account_of(v: &str) -> Option<String> {
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

/// Whether a principal is shown as a unique id (`AROA...`, `AIDA...`): a deleted role or user.
fn is_unique_id(v: &str) -> bool {
    v.starts_with("AROA") || v.starts_with("AIDA")
}

/// Whether a principal is a whole account.
pub(crate) fn is_root(v: &str) -> bool {
    (v.len() == 12 && v.chars().all(|c| c.is_ascii_digit()))
        || (v.starts_with("arn:") && v.ends_with(":root"))
}

/// A condition entry with its key lower-cased.
type Cond<'s> = (
    String,
    &'s Spanned<rolecall_policy::Operator>,
    &'s ConditionEntry,
);

/// The conditions of an Allow statement that guard trust in AWS principals.
struct Guards<'s> {
    /// Every condition.
    conds: Vec<Cond<'s>>,
    /// Positive conditions on keys that bind the caller's identity.
    binding: Vec<Cond<'s>>,
    /// A positive `sts:ExternalId` condition.
    has_ext: bool,
    /// `aws:MultiFactorAuthPresent` required true.
    has_mfa: bool,
    /// A positive condition on any `aws:Principal*` key (tags included): the account's
    /// principals are narrowed, so the account is not trusted wholesale.
    principal_narrowed: bool,
}

impl<'s> Guards<'s> {
    fn of(st: &'s Statement) -> Guards<'s> {
        let conds: Vec<Cond<'s>> = entries(st)
            .map(|(op, e)| (e.key.node.to_lowercase(), op, e))
            .collect();
        let binding = conds
            .iter()
            .filter(|(k, op, _)| IDENTITY_BINDING.contains(&k.as_str()) && is_positive(&op.node))
            .cloned()
            .collect();
        let has_ext = conds
            .iter()
            .any(|(k, op, _)| k == "sts:externalid" && is_positive(&op.node));
        let has_mfa = conds.iter().any(|(k, op, e)| {
            k == "aws:multifactorauthpresent"
                && op.node.base == BaseOperator::Bool
                && e.values
                    .node
                    .iter()
                    .all(|v| v.node.text().eq_ignore_ascii_case("true"))
        });
        let principal_narrowed = conds
            .iter()
            .any(|(k, op, _)| k.starts_with("aws:principal") && is_positive(&op.node));
        Guards {
            conds,
            binding,
            has_ext,
            has_mfa,
            principal_narrowed,
        }
    }

    /// The `aws:PrincipalArn`/`aws:PrincipalAccount` values.
    fn pins(&self) -> Vec<String> {
        self.binding
            .iter()
            .filter(|(k, ..)| k == "aws:principalarn" || k == "aws:principalaccount")
            .flat_map(|(_, _, e)| e.values.node.iter().map(|x| x.node.text().into_owned()))
            .collect()
    }
}

impl Auditor<'_> {
    /// The rules for `AWS` principals and `Principal: "*"` of an Allow statement.
    pub(crate) fn aws_principals(&mut self, i: usize, st: &Statement) {
        let Some(p) = &st.principal else { return };
        let aws = principal_values(st, PrincipalKind::Aws);
        let g = Guards::of(st);
        let star_span = match &p.node {
            Principal::Wildcard => Some(p.span),
            Principal::Map(_) => aws.iter().find(|v| v.node == "*").map(|v| v.span),
        };
        if let Some(span) = star_span {
            self.principal_star(i, st, span, &g);
        }
        for v in aws.iter().filter(|v| v.node != "*") {
            self.account_principal(i, st, v, &g);
        }
        self.external_id(i, st, &g);
        self.action_mismatch(i, st, !aws.is_empty());
    }

    /// TP-PRINCIPAL-STAR-NO-COND, -WEAK-COND and -SCOPED.
    fn principal_star(&mut self, i: usize, st: &Statement, span: Span, g: &Guards<'_>) {
        if st
            .condition
            .as_ref()
            .is_none_or(|c| c.node.blocks.is_empty())
        {
            self.push(RuleId::PrincipalStarNoCond, Severity::Critical, Verdict::Open,
                "`Principal` `*` with no condition: any principal in any AWS account whose own policy allows `sts:AssumeRole` on this role can assume it".into(), span, Some(i));
        } else if let Some((_, op, e)) = g.binding.first() {
            self.push(
                RuleId::PrincipalStarScoped,
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
        } else {
            let keys: Vec<String> = g
                .conds
                .iter()
                .map(|(_, _, e)| format!("`{}`", e.key.node))
                .collect();
            let sev = if g.has_ext {
                Severity::High
            } else {
                Severity::Critical
            };
            self.push(
                RuleId::PrincipalStarWeakCond,
                sev,
                Verdict::Open,
                format!(
                    "`Principal` `*` bounded only by {}, which do not bind the caller's identity",
                    keys.join(", ")
                ),
                span,
                Some(i),
            );
        }
    }

    /// The rules for one AWS principal that is not `*`.
    fn account_principal(&mut self, i: usize, st: &Statement, v: &Spanned<String>, g: &Guards<'_>) {
        if is_unique_id(&v.node) {
            // Broken when every principal of the statement is gone; beside a live one, advice.
            let all_gone = principal_values(st, PrincipalKind::Aws)
                .iter()
                .all(|p| is_unique_id(&p.node));
            let verdict = if all_gone {
                Verdict::Broken
            } else {
                Verdict::Advice
            };
            self.push(
                RuleId::DeletedPrincipal,
                Severity::Low,
                verdict,
                format!(
                    "principal `{}` is a unique id: the referenced role or user was deleted",
                    v.node
                ),
                v.span,
                Some(i),
            );
            return;
        }
        let Some(acct) = account_of(&v.node) else {
            return;
        };
        if self.contradiction(i, v, &acct, g) || self.denied_account(i, v, &acct) {
            return;
        }
        if is_root(&v.node) && covers_action(st, "sts:AssumeRole") {
            self.account_root(i, v, &acct, g);
        }
    }

    /// TP-PRINCIPAL-CONDITION-CONTRADICTION: every `aws:PrincipalArn`/`aws:PrincipalAccount`
    /// value names another account than the principal.
    fn contradiction(&mut self, i: usize, v: &Spanned<String>, acct: &str, g: &Guards<'_>) -> bool {
        let pins = g.pins();
        let other = |x: &String| {
            let a = if x.starts_with("arn:") {
                x.split(':').nth(4).unwrap_or("")
            } else {
                x.as_str()
            };
            !has_wildcard(a) && a != acct
        };
        if pins.is_empty() || !pins.iter().all(other) {
            return false;
        }
        let named: Vec<String> = pins.iter().map(|x| format!("`{x}`")).collect();
        self.push(RuleId::PrincipalConditionContradiction, Severity::Info, Verdict::Broken,
            format!("principal `{}` admits only account `{acct}`, but the condition pins {}: nobody can assume the role through this statement", v.node, named.join(", ")),
            v.span, Some(i));
        true
    }

    /// TP-SUB-UNSATISFIABLE: an unconditional Deny covers every principal of the account.
    fn denied_account(&mut self, i: usize, v: &Spanned<String>, acct: &str) -> bool {
        let covered = self.statements.iter().any(|d| {
            is_deny(d)
                && d.condition.is_none()
                && covers_action(d, "sts:AssumeRole")
                && (principal_is_everyone(d)
                    || principal_values(d, PrincipalKind::Aws).iter().any(|dv| {
                        is_root(&dv.node) && account_of(&dv.node).as_deref() == Some(acct)
                    }))
        });
        if covered {
            self.push(RuleId::SubUnsatisfiable, Severity::Info, Verdict::Broken,
                format!("an unconditional `Deny` covers every principal of account `{acct}`, so this `Allow` of `{}` is dead", v.node), v.span, Some(i));
        }
        covered
    }

    /// TP-ACCOUNT-ROOT-TRUST and TP-XACCOUNT-NO-EXTERNALID.
    fn account_root(&mut self, i: usize, v: &Spanned<String>, acct: &str, g: &Guards<'_>) {
        let same = self.opts.own_account.as_deref() == Some(acct);
        let bound = !g.binding.is_empty() || g.principal_narrowed;
        let guarded = g.has_ext || g.has_mfa || bound;
        let sev = if same {
            Severity::Info
        } else if guarded {
            Severity::Low
        } else {
            Severity::Medium
        };
        let note = if bound {
            " (narrowed by an `aws:Principal*` condition)"
        } else if g.has_ext {
            " (ExternalId required)"
        } else if g.has_mfa {
            " (MFA required)"
        } else {
            ""
        };
        self.push(RuleId::AccountRootTrust, sev, Verdict::Advice,
            format!("`{}` delegates to every principal of account `{acct}` whose identity policy allows it{note}", v.node),
            v.span, Some(i));
        if !same && !guarded {
            self.push(RuleId::XaccountNoExternalid, Severity::Medium, Verdict::Open,
                format!("trust in account `{acct}` without `sts:ExternalId` or MFA: a third party's role is open to the confused-deputy problem"), v.span, Some(i));
        }
    }

    /// TP-EXTERNALID-WEAK.
    fn external_id(&mut self, i: usize, st: &Statement, g: &Guards<'_>) {
        let service = !principal_values(st, PrincipalKind::Service).is_empty();
        for (_, op, e) in g.conds.iter().filter(|(k, ..)| k == "sts:externalid") {
            for x in e.values.node.iter() {
                let t = x.node.text();
                let pattern = op.node.base.uses_wildcards() && has_wildcard(&t);
                if service || t.chars().count() < 8 || pattern {
                    self.push(
                        RuleId::ExternalidWeak,
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
    }

    /// TP-ACTION-PRINCIPAL-MISMATCH for AWS and service principals: non-STS actions, and
    /// web-identity or SAML actions.
    fn action_mismatch(&mut self, i: usize, st: &Statement, has_aws: bool) {
        let Some(a) = &st.action else { return };
        for x in a.node.iter() {
            let n = x.node.to_lowercase();
            if n != "*" && !n.starts_with("sts:") {
                self.push(RuleId::ActionPrincipalMismatch, Severity::Medium, Verdict::Invalid,
                    format!("action `{}` is not an STS action; a role trust policy can only grant `sts:AssumeRole*`, `sts:TagSession` and `sts:SetSourceIdentity`", x.node), x.span, Some(i));
            }
        }
        let non_fed = has_aws || !principal_values(st, PrincipalKind::Service).is_empty();
        if !non_fed || !principal_values(st, PrincipalKind::Federated).is_empty() {
            return;
        }
        // An extra action is inert when the statement also grants `sts:AssumeRole`; the
        // statement is broken only when it grants nothing these principals can use.
        let usable = covers_action(st, "sts:AssumeRole");
        for x in a.node.iter() {
            let n = x.node.to_lowercase();
            if n != "sts:assumerolewithwebidentity" && n != "sts:assumerolewithsaml" {
                continue;
            }
            if usable {
                self.push(RuleId::ActionPrincipalMismatch, Severity::Low, Verdict::Advice,
                    format!("`{}` is for `Federated` principals: inert for AWS and service principals, which use the statement's `sts:AssumeRole`", x.node),
                    x.span, Some(i));
            } else {
                self.push(
                    RuleId::ActionPrincipalMismatch,
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
