//! Rules for Amazon Cognito identity pools (`cognito-identity.amazonaws.com`).

use rolecall_eval::matcher::{Case, Pattern};
use rolecall_policy::{ConditionEntry, Span, Statement};

use super::common::{entries, quote_values};
use super::RuleId;
use crate::engine::Auditor;
use crate::finding::{Severity, Verdict};

impl Auditor<'_> {
    pub(crate) fn cognito(
        &mut self,
        i: usize,
        st: &Statement,
        prefix: &str,
        span: Span,
        bounded: bool,
    ) {
        if !bounded {
            self.push(RuleId::CognitoNoAud, Severity::Critical, Verdict::Open,
                "no positive condition on `cognito-identity.amazonaws.com:aud`: any identity pool in any account can assume the role".into(), span, Some(i));
        }
        let amr_key = format!("{prefix}amr");
        let amr: Vec<&ConditionEntry> = entries(st)
            .filter(|(_, e)| e.key.node.to_lowercase() == amr_key)
            .map(|(_, e)| e)
            .collect();
        if amr.is_empty() {
            self.push(RuleId::CognitoNoAmr, Severity::Medium, Verdict::Open,
                "no condition on `cognito-identity.amazonaws.com:amr`: both authenticated and guest identities of the pool match".into(), span, Some(i));
            return;
        }
        for e in amr {
            let vals: Vec<String> = e
                .values
                .node
                .iter()
                .map(|v| v.node.text().into_owned())
                .collect();
            let auth = vals
                .iter()
                .any(|v| Pattern::new(v, Case::Sensitive).is_match("authenticated"));
            let unauth = vals
                .iter()
                .any(|v| Pattern::new(v, Case::Sensitive).is_match("unauthenticated"));
            if auth && unauth {
                self.push(RuleId::CognitoNoAmr, Severity::Medium, Verdict::Open,
                    format!("`amr` values {} admit both authenticated and guest identities: the check is a no-op", quote_values(e)), e.values.span, Some(i));
            } else if unauth {
                self.push(RuleId::CognitoGuest, Severity::Info, Verdict::Advice,
                    "`amr` = `unauthenticated`: anyone on the internet can obtain these credentials by design; review the permissions".into(), e.values.span, Some(i));
            }
        }
    }
}
