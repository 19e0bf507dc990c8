//! Rules about the document's shape, whatever the principal: `Version`, `Resource`,
//! `NotPrincipal`, empty value lists, wildcards under equality operators, `*` guards.

use rolecall_policy::{BaseOperator, ConditionEntry, Policy, Principal, Spanned, Statement};

use super::common::{entries, is_allow, is_positive};
use super::RuleId;
use crate::engine::Auditor;
use crate::finding::{Severity, Verdict};

impl Auditor<'_> {
    /// TP-VERSION-2008.
    pub(crate) fn version(&mut self, policy: &Policy) {
        match &policy.version {
            None => self.push(
                RuleId::Version2008,
                Severity::Info,
                Verdict::Advice,
                "no `Version`: the policy is read as 2008-10-17, without policy variables".into(),
                policy.span,
                None,
            ),
            Some(v) if v.node.as_str() == "2008-10-17" => self.push(
                RuleId::Version2008,
                Severity::Info,
                Verdict::Advice,
                "`Version` is `2008-10-17`: policy variables are not substituted".into(),
                v.span,
                None,
            ),
            _ => {}
        }
    }

    pub(crate) fn structural(&mut self, i: usize, st: &Statement) {
        if let Some(r) = st.resource.as_ref().or(st.not_resource.as_ref()) {
            self.push(
                RuleId::ResourceInTrust,
                Severity::Medium,
                Verdict::Invalid,
                "`Resource` is not allowed in a role trust policy; IAM rejects the document".into(),
                r.span,
                Some(i),
            );
        }
        if let Some(np) = &st.not_principal {
            self.push(
                RuleId::Notprincipal,
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
                        RuleId::EmptyValues,
                        Severity::Info,
                        Verdict::Broken,
                        "empty principal object: matches nobody".into(),
                        p.span,
                        Some(i),
                    );
                }
                for e in es.iter().filter(|e| e.values.node.is_empty()) {
                    self.push(
                        RuleId::EmptyValues,
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
            self.condition_entry(i, st, op, e);
        }
    }

    /// TP-EMPTY-VALUES, TP-WILDCARD-IN-EQUALS and TP-TAUTOLOGICAL-GUARD for one condition.
    fn condition_entry(
        &mut self,
        i: usize,
        st: &Statement,
        op: &Spanned<rolecall_policy::Operator>,
        e: &ConditionEntry,
    ) {
        if e.values.node.is_empty() {
            self.push(
                RuleId::EmptyValues,
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
            let wild = |t: &str| t.contains('*') || t.contains('?');
            // Broken only when no value of the condition can match what was meant; beside an
            // exact value the literal one is advice.
            let all_wild = e.values.node.iter().all(|v| wild(&v.node.text()));
            for v in e.values.node.iter() {
                let t = v.node.text();
                if wild(&t) {
                    let negated = op.node.base.is_negated();
                    let (sev, verdict, msg) = if negated && is_allow(st) {
                        (Severity::Critical, Verdict::Open, format!("`{}` on `{}` compares `{t}` literally, so it excludes only that literal string and admits everything else", op.node, e.key.node))
                    } else {
                        let verdict = if all_wild {
                            Verdict::Broken
                        } else {
                            Verdict::Advice
                        };
                        (Severity::Info, verdict, format!("`{}` on `{}` compares `{t}` literally: `*`/`?` are not wildcards here, so this value only matches the literal text (did you mean `StringLike`?)", op.node, e.key.node))
                    };
                    self.push(RuleId::WildcardInEquals, sev, verdict, msg, v.span, Some(i));
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
                    self.push(RuleId::TautologicalGuard, Severity::Medium, Verdict::Open, format!("`StringLike` `{}` = `*` matches every value: the condition only asserts the key is present", e.key.node), v.span, Some(i));
                }
            }
        }
    }
}
