//! Hints for `explain`: recognisable causes of a failed part, in the words
//! of the problem rather than of the rule: the denial causes people report
//! most (a wrong `sub`, a claim STS does not expose, a missing
//! `sts:TagSession`, ...; `docs/SEMANTICS.md` §5.4).

use rolecall_eval::claims::{ClaimKey, ClaimRules, WebIdentity, SET_SOURCE_IDENTITY, TAG_SESSION};
use rolecall_eval::explain::{ConditionExplanation, ContextValues, Rule, StatementExplanation};
use rolecall_eval::issuers::hints::{aligned, common_prefix, github_template_hint, subject_hints};
use rolecall_eval::request::Request;
use rolecall_policy::grammar::operator::parse_operator;
use rolecall_policy::grammar::pattern::has_wildcard;
use rolecall_policy::{BaseOperator, OperatorFamily};

/// Claims every OIDC provider exposes as condition keys (docs/SEMANTICS.md §4.2).
const BASE_CLAIMS: &[&str] = &["sub", "aud", "amr", "azp"];

/// What is known about the request beyond its keys.
pub(crate) struct RequestFacts {
    /// The provider (issuer without `https://`, or a built-in name).
    pub provider: Option<String>,
    /// The request came from a token.
    pub from_token: bool,
    /// The token carries session tags / a source identity.
    pub tags: bool,
    pub source_identity: bool,
    /// The provider-specific claims STS exposes for this provider.
    pub provider_claims: &'static [ClaimKey],
    pub pre_2026: bool,
}

impl RequestFacts {
    pub(crate) fn from_identity(identity: &WebIdentity, pre_2026: bool) -> Self {
        let rules = rules(pre_2026);
        RequestFacts {
            provider: Some(identity.provider().to_owned()),
            from_token: true,
            tags: identity.actions().contains(&TAG_SESSION),
            source_identity: identity.actions().contains(&SET_SOURCE_IDENTITY),
            provider_claims: rules.provider_claims(identity.provider()),
            pre_2026,
        }
    }

    pub(crate) fn explicit(requests: &[Request], pre_2026: bool) -> Self {
        let provider = requests.first().map(|r| provider_of(r.principal()));
        RequestFacts {
            provider_claims: provider
                .as_deref()
                .map_or(&[], |p| rules(pre_2026).provider_claims(p)),
            provider,
            from_token: false,
            tags: false,
            source_identity: false,
            pre_2026,
        }
    }
}

fn rules(pre_2026: bool) -> ClaimRules {
    if pre_2026 {
        ClaimRules::pre_2026()
    } else {
        ClaimRules::default()
    }
}

/// The provider a principal names: the part after `oidc-provider/`, or the
/// principal itself (`accounts.google.com`).
fn provider_of(principal: &str) -> String {
    match principal.split_once(":oidc-provider/") {
        Some((_, p)) => p.to_owned(),
        None => principal.to_owned(),
    }
}

/// Hints about a statement's principal and action.
pub(crate) fn statement_hints(
    s: &StatementExplanation,
    request: &Request,
    facts: &RequestFacts,
) -> Vec<String> {
    let mut hints = Vec::new();
    if !s.action.matched {
        if request.action().eq_ignore_ascii_case(TAG_SESSION) && facts.tags {
            hints.push(
                "the token carries session tags (claim `https://aws.amazon.com/tags`), so STS also authorizes `sts:TagSession`; add `sts:TagSession` to this statement's Action".to_owned(),
            );
        }
        if request.action().eq_ignore_ascii_case(SET_SOURCE_IDENTITY) && facts.source_identity {
            hints.push(
                "the token carries a source identity (claim `https://aws.amazon.com/source_identity`), so STS also authorizes `sts:SetSourceIdentity`; add it to this statement's Action".to_owned(),
            );
        }
    }
    if !s.principal.matched {
        let wanted = request.principal();
        for v in &s.principal.values {
            if v.value.eq_ignore_ascii_case(wanted) {
                hints.push(format!(
                    "`{}` differs from the request's `{wanted}` only in case: principals are compared exactly",
                    v.value
                ));
            } else if let (Some((acct_p, rest_p)), Some((acct_r, rest_r))) =
                (split_account(&v.value), split_account(wanted))
            {
                if rest_p == rest_r && acct_p != acct_r {
                    hints.push(format!(
                        "the provider ARN names account `{acct_p}`, but STS looks the provider up in the role's account `{acct_r}`"
                    ));
                }
            }
        }
    }
    hints
}

/// `arn:p:iam::ACCOUNT:rest` -> (ACCOUNT, rest).
fn split_account(arn: &str) -> Option<(&str, &str)> {
    let mut parts = arn.splitn(6, ':');
    let (_, _, _, _, account, rest) = (
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
    );
    Some((account, rest))
}

/// Hints about a failed condition.
pub(crate) fn condition_hints(
    c: &ConditionExplanation,
    request: &Request,
    facts: &RequestFacts,
) -> Vec<String> {
    let mut hints = Vec::new();
    if c.matched {
        return hints;
    }
    let Ok(op) = parse_operator(&c.operator) else {
        return hints;
    };
    match (&c.rule, &c.context) {
        (
            Rule::KeyMissing { negated: false } | Rule::ForAnyValueNoValues,
            ContextValues::Missing,
        ) => {
            hints.extend(missing_key_hint(&c.key, facts));
        }
        (Rule::MultivaluedWithoutQualifier, ContextValues::Multi(values)) => {
            let claim = c.key.rsplit(':').next().unwrap_or_default();
            if claim.eq_ignore_ascii_case("aud") {
                hints.push(format!(
                    "the token's `aud` holds {} values, so `{}` is multivalued and a plain `{}` is false on it; use `ForAnyValue:{}`",
                    values.len(),
                    c.key,
                    c.operator,
                    c.operator
                ));
            } else {
                hints.push(format!(
                    "`{}` is multivalued: test it with `ForAnyValue:{}` (any value matches) or `ForAllValues:{}` (every value matches)",
                    c.key, c.operator, c.operator
                ));
            }
        }
        (Rule::NoValueMatched, ContextValues::Single(value))
            if op.base.family() == OperatorFamily::String && !op.base.is_negated() =>
        {
            let texts: Vec<&str> = c
                .values
                .iter()
                .map(|v| v.resolved.as_deref().unwrap_or(&v.text))
                .collect();
            hints.extend(string_hints(op.base, value, &texts));
            hints.extend(template_hint(&c.key, value, request));
        }
        _ => {}
    }
    hints
}

fn missing_key_hint(key: &str, facts: &RequestFacts) -> Option<String> {
    let provider = facts.provider.as_deref()?;
    let (prefix, claim) = key.rsplit_once(':')?;
    let lower = prefix.to_ascii_lowercase();
    if lower.starts_with("aws") || lower == "sts" {
        return None;
    }
    if prefix.eq_ignore_ascii_case(provider) {
        let exposed: Vec<&str> = BASE_CLAIMS
            .iter()
            .copied()
            .chain(facts.provider_claims.iter().map(|k| k.name))
            .collect();
        let when = if facts.pre_2026 { " before 2026" } else { "" };
        return Some(format!(
            "STS does not put claim `{claim}` into the request for `{provider}`{when}: a condition on it sees a missing key; keys for this provider are {}",
            exposed
                .iter()
                .map(|c| format!("`{provider}:{c}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    if prefix.starts_with("arn:") {
        return Some(format!(
            "the key names the provider by its ARN; condition keys use the provider URL without `https://`: `{provider}:{claim}`"
        ));
    }
    if prefix.trim_end_matches('/') == provider.trim_end_matches('/') {
        return Some(format!(
            "the key's provider `{prefix}` and the token's `{provider}` differ by a trailing `/`, which is part of the provider name: use `{provider}:{claim}`"
        ));
    }
    Some(format!(
        "the key names provider `{prefix}`, but this request comes from `{provider}`, whose keys are `{provider}:{claim}` and the like"
    ))
}

fn string_hints(base: BaseOperator, value: &str, policy_values: &[&str]) -> Vec<String> {
    let mut hints = Vec::new();
    let is_equals = matches!(
        base,
        BaseOperator::StringEquals | BaseOperator::StringEqualsIgnoreCase
    );
    if is_equals && policy_values.iter().any(|p| has_wildcard(p)) {
        let would = policy_values.iter().any(|p| {
            rolecall_eval::matcher::Pattern::new(p, rolecall_eval::matcher::Case::Sensitive)
                .is_match(value)
        });
        hints.push(format!(
            "`*` and `?` are literal characters under `{}`; only `StringLike` treats them as wildcards{}",
            base.name(),
            if would {
                ", and with `StringLike` this value would match"
            } else {
                ""
            }
        ));
    }
    if base == BaseOperator::StringEquals {
        if let Some(p) = policy_values
            .iter()
            .find(|p| p.to_lowercase() == value.to_lowercase())
        {
            hints.push(format!(
                "the value differs from `{p}` only in case: `StringEquals` is case-sensitive{}",
                case_note(value)
            ));
            return hints;
        }
    }
    // The issuer's own reasons (GitHub contexts, immutable subjects, IRSA
    // namespace and service account) are library data.
    hints.extend(
        subject_hints(value, policy_values)
            .iter()
            .map(ToString::to_string),
    );
    if hints.is_empty() && is_equals {
        if let Some(closest) = closest(value, policy_values) {
            hints.push(format!(
                "the closest policy value differs:\n{}",
                aligned(closest, value)
            ));
        }
    }
    hints
}

/// What the subject's issuer does with case, after a case-only difference.
fn case_note(value: &str) -> &'static str {
    if value.starts_with("repo:") {
        " (GitHub owner and repository names are case-sensitive here too)"
    } else if service_account(value).is_some() {
        // Namespaces are RFC 1123 labels and service accounts RFC 1123
        // subdomains, lowercase only
        // (https://kubernetes.io/docs/concepts/overview/working-with-objects/names/).
        " (Kubernetes namespace and service account names are lowercase, so an IRSA `sub` always is: write the policy value in lowercase)"
    } else {
        ""
    }
}

/// `system:serviceaccount:NS:SA`.
fn service_account(s: &str) -> Option<(&str, &str)> {
    let rest = s.strip_prefix("system:serviceaccount:")?;
    rest.split_once(':')
}

/// A GitHub `sub` that is not GitHub's default format for the job the
/// request's other keys describe (`repository`, `ref`, `environment`):
/// the repository uses a custom subject template.
fn template_hint(key: &str, sub: &str, request: &Request) -> Option<String> {
    let (provider, claim) = key.rsplit_once(':')?;
    if !claim.eq_ignore_ascii_case("sub") {
        return None;
    }
    let get = |c: &str| {
        request
            .context()
            .lookup(&format!("{provider}:{c}"))
            .and_then(|e| e.value().as_single())
    };
    github_template_hint(sub, get("repository")?, get("ref"), get("environment"))
        .map(|h| h.to_string())
}

fn closest<'a>(value: &str, policy_values: &[&'a str]) -> Option<&'a str> {
    policy_values
        .iter()
        .copied()
        .max_by_key(|p| common_prefix(p, value))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A case-only difference is explained in the subject's own terms: an
    /// IRSA subject gets Kubernetes' rule, not GitHub's names.
    #[test]
    fn case_hints_speak_of_the_subjects_issuer() {
        let eks = string_hints(
            BaseOperator::StringEquals,
            "system:serviceaccount:payments:api",
            &["system:serviceaccount:Payments:api"],
        );
        assert_eq!(eks.len(), 1, "{eks:?}");
        assert!(eks[0].contains("only in case"), "{eks:?}");
        assert!(eks[0].contains("Kubernetes namespace and service account names are lowercase"));
        assert!(!eks[0].contains("GitHub"), "{eks:?}");
        let other = string_hints(BaseOperator::StringEquals, "abc", &["ABC"]);
        assert!(other[0].ends_with("is case-sensitive"), "{other:?}");
    }

    #[test]
    fn string_hints_recognise_case_wildcards_and_github_forms() {
        let h = string_hints(
            BaseOperator::StringEquals,
            "repo:o/r:ref:refs/heads/main",
            &["repo:O/r:ref:refs/heads/main"],
        );
        assert!(h[0].contains("only in case") && h[0].contains("GitHub owner"));
        let h = string_hints(
            BaseOperator::StringEquals,
            "repo:o/r:pull_request",
            &["repo:o/r:*"],
        );
        assert!(
            h[0].contains("literal") && h[0].contains("would match"),
            "{h:?}"
        );
        let h = string_hints(
            BaseOperator::StringEquals,
            "repo:o/r:environment:prod",
            &["repo:o/r:ref:refs/heads/main"],
        );
        assert!(h.iter().any(|h| h.contains("environment `prod`")), "{h:?}");
        let h = string_hints(
            BaseOperator::StringLike,
            "repo:o@1/r@2:ref:refs/heads/main",
            &["repo:o/r:*"],
        );
        assert!(h.iter().any(|h| h.contains("immutable")), "{h:?}");
    }
}
