//! Which service accounts a trust policy can possibly admit, without evaluating it for each:
//! the index that keeps `assumable_by` from being a product of every role and every service
//! account.
//!
//! A trust policy allows only through an `Allow` statement all of whose conditions hold. When
//! every `Allow` statement has a condition `StringEquals` or `StringLike` (without a set
//! qualifier other than `ForAnyValue`, which is the same test for the one-valued `sub`) on the
//! cluster's `ISSUER:sub` key, a token is admitted only if its `sub` equals one of those values
//! or matches one of those patterns: the service accounts whose `sub` does are the candidates,
//! found by a hash lookup (exact values) or a range of the sorted subjects (a pattern's literal
//! prefix), and only they are evaluated. Any other statement (no such condition, a policy
//! variable in the values, another operator) makes every service account a candidate. The
//! index only narrows the set the evaluator sees; the verdicts stay the evaluator's.

use std::collections::HashMap;

use rolecall_eval::matcher::{Pattern, PatternToken};
use rolecall_eval::request::FoldedKey;
use rolecall_eval::view::{ConditionValue, PrincipalView};
use rolecall_eval::{CompiledPolicy, Effect};
use rolecall_policy::{BaseOperator, SetQualifier};

use crate::ServiceAccount;

/// The service accounts by their token's `sub`.
#[derive(Debug)]
pub struct SubjectIndex {
    by_sub: HashMap<String, Vec<usize>>,
    /// Every `(sub, index)`, sorted by `sub`.
    sorted: Vec<(String, usize)>,
    len: usize,
}

/// The service accounts (indices into the slice the index was built from) a policy can admit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Candidates {
    /// Every service account: the policy does not restrict `sub` in a way the index reads.
    All,
    /// Only these, sorted, without repeats.
    Only(Vec<usize>),
}

impl Candidates {
    /// The indices, `0..len` for [`Candidates::All`].
    pub fn indices(self, len: usize) -> Vec<usize> {
        match self {
            Candidates::All => (0..len).collect(),
            Candidates::Only(v) => v,
        }
    }
}

impl SubjectIndex {
    /// Indexes `accounts` by [`ServiceAccount::subject`].
    pub fn new(accounts: &[ServiceAccount]) -> SubjectIndex {
        let mut by_sub: HashMap<String, Vec<usize>> = HashMap::with_capacity(accounts.len());
        let mut sorted = Vec::with_capacity(accounts.len());
        for (i, sa) in accounts.iter().enumerate() {
            let sub = sa.subject();
            by_sub.entry(sub.clone()).or_default().push(i);
            sorted.push((sub, i));
        }
        sorted.sort();
        SubjectIndex {
            by_sub,
            sorted,
            len: accounts.len(),
        }
    }

    /// Whether a service account has `sub` as its token's `sub`.
    pub fn contains_subject(&self, sub: &str) -> bool {
        self.by_sub.contains_key(sub)
    }

    /// The service accounts whose `sub` `pattern` matches, sorted.
    pub fn candidates_of_pattern(&self, pattern: &Pattern) -> Vec<usize> {
        let prefix = match pattern.tokens().first() {
            Some(PatternToken::Literal(s)) => s.clone(),
            _ => String::new(),
        };
        let start = self
            .sorted
            .partition_point(|(s, _)| s.as_str() < prefix.as_str());
        let mut out = Vec::new();
        for (sub, i) in self.sorted.get(start..).unwrap_or(&[]) {
            if !sub.starts_with(prefix.as_str()) {
                break;
            }
            if pattern.is_match(sub) {
                out.push(*i);
            }
        }
        out.sort_unstable();
        out
    }

    /// The service accounts `policy` can admit with `sub_key` (`ISSUER:sub`) their `sub`, for
    /// requests from `principal` (the provider ARN in the role's account).
    pub fn candidates(
        &self,
        policy: &CompiledPolicy,
        sub_key: &str,
        principal: &str,
    ) -> Candidates {
        let Some(values) = admitted_subjects(policy, sub_key, principal) else {
            return Candidates::All;
        };
        let mut out = Vec::new();
        for value in values {
            match value {
                SubValue::Exact(t) => {
                    if let Some(found) = self.by_sub.get(t) {
                        out.extend_from_slice(found);
                    }
                }
                SubValue::Pattern(p) => out.extend(self.candidates_of_pattern(p)),
            }
        }
        out.sort_unstable();
        out.dedup();
        if out.len() == self.len {
            return Candidates::All;
        }
        Candidates::Only(out)
    }
}

/// One value a trust policy admits `sub` by: a `StringEquals` text or a `StringLike` pattern.
#[derive(Debug, Clone, Copy)]
pub enum SubValue<'a> {
    /// Equal char for char.
    Exact(&'a str),
    /// Matched as IAM's `StringLike` does.
    Pattern(&'a Pattern),
}

/// Every value the `Allow` statements of `policy` that can match `principal` admit `sub_key`
/// by, when every such statement restricts it (see the module documentation): one condition per
/// statement, the first that restricts it. `None` when one does not, so that any `sub` may be
/// admitted. A statement can match `principal` when its `Principal` is `*`, has `{"AWS": "*"}`
/// or a value equal to `principal` (docs/DECISIONS.md R2: an account's trust never covers its
/// identity providers), so a Pod Identity statement beside the IRSA one does not widen the set.
pub fn admitted_subjects<'a>(
    policy: &'a CompiledPolicy,
    sub_key: &str,
    principal: &str,
) -> Option<Vec<SubValue<'a>>> {
    let folded = FoldedKey::new(sub_key);
    let mut out = Vec::new();
    for statement in policy.statements() {
        let can_match = match statement.principal_view() {
            PrincipalView::Everyone => true,
            PrincipalView::Values(values) => values
                .iter()
                .any(|v| v.is_aws_wildcard() || v.text() == principal),
        };
        if statement.effect() != Effect::Allow || !can_match {
            continue;
        }
        let restricting = statement.conditions().find(|c| {
            let op = c.operator();
            c.folded_key() == &folded
                && matches!(
                    op.base,
                    BaseOperator::StringEquals | BaseOperator::StringLike
                )
                && matches!(op.qualifier, None | Some(SetQualifier::ForAnyValue))
                && c.values()
                    .all(|v| matches!(v, ConditionValue::Text(_) | ConditionValue::Pattern(_)))
        })?;
        for value in restricting.values() {
            match value {
                ConditionValue::Text(t) => out.push(SubValue::Exact(t)),
                ConditionValue::Pattern(p) => out.push(SubValue::Pattern(p)),
                _ => return None,
            }
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    const ISS: &str = "oidc.eks.us-west-2.amazonaws.com/id/ABC";
    const PROVIDER: &str =
        "arn:aws:iam::111122223333:oidc-provider/oidc.eks.us-west-2.amazonaws.com/id/ABC";

    fn sa(namespace: &str, name: &str) -> ServiceAccount {
        ServiceAccount {
            namespace: namespace.into(),
            name: name.into(),
            uid: None,
            annotations: BTreeMap::new(),
            line: None,
        }
    }

    fn policy(statements: &str) -> CompiledPolicy {
        CompiledPolicy::from_json(&format!(
            r#"{{"Version":"2012-10-17","Statement":[{statements}]}}"#
        ))
        .unwrap()
    }

    fn allow(condition: &str) -> String {
        format!(
            r#"{{"Effect":"Allow","Principal":{{"Federated":"arn:aws:iam::111122223333:oidc-provider/{ISS}"}},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{condition}}}"#
        )
    }

    #[test]
    fn exact_values_and_patterns_narrow_the_candidates() {
        let accounts = [
            sa("shop", "api"),
            sa("shop", "cart"),
            sa("billing", "api"),
            sa("shop-x", "api"),
        ];
        let index = SubjectIndex::new(&accounts);
        let key = format!("{ISS}:sub");
        let exact = policy(&allow(&format!(
            r#"{{"StringEquals":{{"{key}":["system:serviceaccount:shop:cart","system:serviceaccount:none:x"]}}}}"#
        )));
        assert_eq!(
            index.candidates(&exact, &key, PROVIDER),
            Candidates::Only(vec![1])
        );
        // Condition keys are case-insensitive.
        assert_eq!(
            index.candidates(&exact, &key.to_uppercase(), PROVIDER),
            Candidates::Only(vec![1])
        );
        let like = policy(&allow(&format!(
            r#"{{"StringLike":{{"{key}":"system:serviceaccount:shop:*"}}}}"#
        )));
        assert_eq!(
            index.candidates(&like, &key, PROVIDER),
            Candidates::Only(vec![0, 1])
        );
        // Two Allow statements: the union.
        let two = policy(&format!(
            "{},{}",
            allow(&format!(
                r#"{{"StringLike":{{"{key}":"system:serviceaccount:*:api"}}}}"#
            )),
            allow(&format!(
                r#"{{"StringEquals":{{"{key}":"system:serviceaccount:shop:cart"}}}}"#
            )),
        ));
        assert_eq!(index.candidates(&two, &key, PROVIDER), Candidates::All);
        // A statement that does not restrict `sub`, a negated operator, or a variable: all.
        for condition in [
            format!(r#"{{"StringEquals":{{"{ISS}:aud":"sts.amazonaws.com"}}}}"#),
            format!(r#"{{"StringNotEquals":{{"{key}":"system:serviceaccount:shop:cart"}}}}"#),
            format!(
                r#"{{"StringEquals":{{"{key}":"system:serviceaccount:${{aws:username}}:x"}}}}"#
            ),
            format!(
                r#"{{"ForAllValues:StringEquals":{{"{key}":"system:serviceaccount:shop:cart"}}}}"#
            ),
        ] {
            assert_eq!(
                index.candidates(&policy(&allow(&condition)), &key, PROVIDER),
                Candidates::All,
                "{condition}"
            );
        }
        // A statement for another principal (Pod Identity beside IRSA) does not widen it...
        let mixed = policy(&format!(
            r#"{},{{"Effect":"Allow","Principal":{{"Service":"pods.eks.amazonaws.com"}},"Action":["sts:AssumeRole","sts:TagSession"]}}"#,
            allow(&format!(
                r#"{{"StringEquals":{{"{key}":"system:serviceaccount:shop:cart"}}}}"#
            )),
        ));
        assert_eq!(
            index.candidates(&mixed, &key, PROVIDER),
            Candidates::Only(vec![1])
        );
        // ...but `"Principal": "*"` or `{"AWS": "*"}` does.
        for everyone in [r#""*""#, r#"{"AWS":"*"}"#] {
            let open = policy(&format!(
                r#"{},{{"Effect":"Allow","Principal":{everyone},"Action":"sts:AssumeRoleWithWebIdentity"}}"#,
                allow(&format!(
                    r#"{{"StringEquals":{{"{key}":"system:serviceaccount:shop:cart"}}}}"#
                )),
            ));
            assert_eq!(index.candidates(&open, &key, PROVIDER), Candidates::All);
        }
        // A Deny statement does not widen the set.
        let with_deny = policy(&format!(
            r#"{},{{"Effect":"Deny","Principal":"*","Action":"*"}}"#,
            allow(&format!(
                r#"{{"StringEquals":{{"{key}":"system:serviceaccount:billing:api"}}}}"#
            )),
        ));
        assert_eq!(
            index.candidates(&with_deny, &key, PROVIDER),
            Candidates::Only(vec![2])
        );
    }
}
