//! Hints for an explanation: recognisable causes of a failed part of a
//! statement, in the words of the problem rather than of the rule. These are
//! the denial causes people report most (docs/SEMANTICS.md §5.4): a wrong
//! `sub`, a claim STS does not expose, a missing `sts:TagSession`, a
//! principal in another account, `*` under `StringEquals`, ...
//!
//! Each hint is typed data ([`Hint`]); its `Display` is the sentence
//! `rolecall explain` prints. The hints read the typed explanation
//! ([`StatementExplanation`], [`ConditionExplanation`] with its
//! [`Operator`](rolecall_policy::Operator)) and what is known about the request beyond its keys
//! ([`HintFacts`]); a `sub` mismatch is described in its issuer's terms by
//! [`crate::issuers::hints`].
//!
//! ```
//! use rolecall_eval::explain::explain;
//! use rolecall_eval::hints::{condition_hints, Hint, HintFacts};
//! use rolecall_eval::request::{Context, ContextValue, Request};
//! use rolecall_eval::CompiledPolicy;
//!
//! let doc = rolecall_policy::parse_document(br#"{"Version": "2012-10-17", "Statement": [{
//!     "Effect": "Allow", "Principal": {"Federated": "accounts.google.com"},
//!     "Action": "sts:AssumeRoleWithWebIdentity",
//!     "Condition": {"StringEquals": {"accounts.google.com:aud": "app-*"}}}]}"#)?;
//! let policy = CompiledPolicy::compile(&doc.policy)?;
//! let mut context = Context::new();
//! context.insert("accounts.google.com:aud", ContextValue::Single("app-1".into()))?;
//! let request = Request::new("accounts.google.com", "sts:AssumeRoleWithWebIdentity", context);
//! let explained = explain(&policy, &request);
//! let condition = &explained.details[0].conditions[0];
//! let facts = HintFacts::explicit(std::slice::from_ref(&request), false);
//! let hints = condition_hints(condition, &request, &facts);
//! assert_eq!(hints, vec![Hint::WildcardIsLiteral { operator: "StringEquals", would_match: true }]);
//! assert!(hints[0].to_string().contains("only `StringLike` treats them as wildcards"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::fmt;

use rolecall_policy::grammar::pattern::has_wildcard;
use rolecall_policy::{BaseOperator, OperatorFamily};

use crate::claims::{ClaimKey, ClaimRules, WebIdentity, SET_SOURCE_IDENTITY, TAG_SESSION};
use crate::explain::{ConditionExplanation, ContextValues, Rule, StatementExplanation};
use crate::issuers::hints::SubjectHint;
use crate::issuers::hints::{aligned, common_prefix, github_template_hint, subject_hints};
use crate::matcher::{Case, Pattern};
use crate::request::Request;

/// Claims every OIDC provider exposes as condition keys (docs/SEMANTICS.md §4.2).
const BASE_CLAIMS: &[&str] = &["sub", "aud", "amr", "azp"];

/// What is known about the request beyond its keys.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct HintFacts {
    /// The provider (issuer without `https://`, or a built-in name).
    pub provider: Option<String>,
    /// The request came from a token.
    pub from_token: bool,
    /// The token carries session tags.
    pub tags: bool,
    /// The token carries a source identity.
    pub source_identity: bool,
    /// The provider-specific claims STS exposes for this provider.
    pub provider_claims: &'static [ClaimKey],
    /// STS as before the 2026 provider-specific claim keys.
    pub pre_2026: bool,
}

impl HintFacts {
    /// The facts of a token's call.
    pub fn from_identity(identity: &WebIdentity, pre_2026: bool) -> HintFacts {
        HintFacts {
            provider: Some(identity.provider().to_owned()),
            from_token: true,
            tags: identity.actions().contains(&TAG_SESSION),
            source_identity: identity.actions().contains(&SET_SOURCE_IDENTITY),
            provider_claims: rules(pre_2026).provider_claims(identity.provider()),
            pre_2026,
        }
    }

    /// The facts of explicit requests: the provider their principal names.
    pub fn explicit(requests: &[Request], pre_2026: bool) -> HintFacts {
        let provider = requests.first().map(|r| provider_of(r.principal()));
        HintFacts {
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

/// Whose naming rules a case-only difference falls under.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum CaseRule {
    /// A GitHub subject: owner and repository names are case-sensitive.
    GitHub,
    /// An IRSA subject: Kubernetes names are lowercase.
    Kubernetes,
    /// Nothing more to say.
    None,
}

/// A recognised cause of a failed part.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Hint {
    /// The token carries session tags, so STS also authorizes
    /// `sts:TagSession`, which the statement's Action does not cover.
    TagSessionNeeded,
    /// The token carries a source identity, so STS also authorizes
    /// `sts:SetSourceIdentity`, which the statement's Action does not cover.
    SourceIdentityNeeded,
    /// A listed principal differs from the request's only in case.
    PrincipalCase {
        /// The principal as listed.
        listed: String,
        /// The request's principal.
        request: String,
    },
    /// A listed provider ARN names another account than the role's.
    ProviderAccount {
        /// The account the listed ARN names.
        listed: String,
        /// The role's account (the request's provider ARN).
        request: String,
    },
    /// A condition on a claim STS does not put into the request.
    ClaimNotExposed {
        /// The claim.
        claim: String,
        /// The provider.
        provider: String,
        /// STS as before 2026.
        pre_2026: bool,
        /// The claims this provider's keys are for.
        exposed: Vec<String>,
    },
    /// The key names the provider by its ARN instead of its URL.
    KeyNamesProviderArn {
        /// The provider.
        provider: String,
        /// The claim.
        claim: String,
    },
    /// The key's provider and the token's differ by a trailing `/`.
    ProviderTrailingSlash {
        /// The key's provider.
        key_provider: String,
        /// The token's provider.
        provider: String,
        /// The claim.
        claim: String,
    },
    /// The key names another provider than the request's.
    OtherProvider {
        /// The key's provider.
        key_provider: String,
        /// The request's provider.
        provider: String,
        /// The claim.
        claim: String,
    },
    /// A multivalued `aud` under an operator without a set qualifier.
    MultivaluedAudience {
        /// How many values the token's `aud` holds.
        values: usize,
        /// The key.
        key: String,
        /// The operator as written.
        operator: String,
    },
    /// A multivalued key under an operator without a set qualifier.
    Multivalued {
        /// The key.
        key: String,
        /// The operator as written.
        operator: String,
    },
    /// `*` or `?` under `StringEquals` (or its case-insensitive form), where
    /// they are literal characters.
    WildcardIsLiteral {
        /// The operator's name.
        operator: &'static str,
        /// Under `StringLike` the request value would match.
        would_match: bool,
    },
    /// The value differs from a policy value only in case, under the
    /// case-sensitive `StringEquals`.
    CaseOnly {
        /// The policy value.
        policy_value: String,
        /// The issuer's naming rule, if the value is a known subject.
        rule: CaseRule,
    },
    /// A `sub` mismatch in its issuer's terms.
    Subject(SubjectHint),
    /// The closest policy value, aligned with the request value.
    Closest {
        /// The policy value.
        policy_value: String,
        /// The request value.
        request_value: String,
    },
}

impl fmt::Display for Hint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Hint::TagSessionNeeded => f.write_str("the token carries session tags (claim `https://aws.amazon.com/tags`), so STS also authorizes `sts:TagSession`; add `sts:TagSession` to this statement's Action"),
            Hint::SourceIdentityNeeded => f.write_str("the token carries a source identity (claim `https://aws.amazon.com/source_identity`), so STS also authorizes `sts:SetSourceIdentity`; add it to this statement's Action"),
            Hint::PrincipalCase { listed, request } => write!(
                f,
                "`{listed}` differs from the request's `{request}` only in case: principals are compared exactly"
            ),
            Hint::ProviderAccount { listed, request } => write!(
                f,
                "the provider ARN names account `{listed}`, but STS looks the provider up in the role's account `{request}`"
            ),
            Hint::ClaimNotExposed {
                claim,
                provider,
                pre_2026,
                exposed,
            } => write!(
                f,
                "STS does not put claim `{claim}` into the request for `{provider}`{}: a condition on it sees a missing key; keys for this provider are {}",
                if *pre_2026 { " before 2026" } else { "" },
                exposed
                    .iter()
                    .map(|c| format!("`{provider}:{c}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            Hint::KeyNamesProviderArn { provider, claim } => write!(
                f,
                "the key names the provider by its ARN; condition keys use the provider URL without `https://`: `{provider}:{claim}`"
            ),
            Hint::ProviderTrailingSlash {
                key_provider,
                provider,
                claim,
            } => write!(
                f,
                "the key's provider `{key_provider}` and the token's `{provider}` differ by a trailing `/`, which is part of the provider name: use `{provider}:{claim}`"
            ),
            Hint::OtherProvider {
                key_provider,
                provider,
                claim,
            } => write!(
                f,
                "the key names provider `{key_provider}`, but this request comes from `{provider}`, whose keys are `{provider}:{claim}` and the like"
            ),
            Hint::MultivaluedAudience {
                values,
                key,
                operator,
            } => write!(
                f,
                "the token's `aud` holds {values} values, so `{key}` is multivalued and a plain `{operator}` is false on it; use `ForAnyValue:{operator}`"
            ),
            Hint::Multivalued { key, operator } => write!(
                f,
                "`{key}` is multivalued: test it with `ForAnyValue:{operator}` (any value matches) or `ForAllValues:{operator}` (every value matches)"
            ),
            Hint::WildcardIsLiteral {
                operator,
                would_match,
            } => write!(
                f,
                "`*` and `?` are literal characters under `{operator}`; only `StringLike` treats them as wildcards{}",
                if *would_match {
                    ", and with `StringLike` this value would match"
                } else {
                    ""
                }
            ),
            Hint::CaseOnly { policy_value, rule } => write!(
                f,
                "the value differs from `{policy_value}` only in case: `StringEquals` is case-sensitive{}",
                match rule {
                    CaseRule::GitHub => {
                        " (GitHub owner and repository names are case-sensitive here too)"
                    }
                    // Namespaces are RFC 1123 labels and service accounts RFC 1123
                    // subdomains, lowercase only
                    // (https://kubernetes.io/docs/concepts/overview/working-with-objects/names/).
                    CaseRule::Kubernetes => {
                        " (Kubernetes namespace and service account names are lowercase, so an IRSA `sub` always is: write the policy value in lowercase)"
                    }
                    CaseRule::None => "",
                }
            ),
            Hint::Subject(h) => fmt::Display::fmt(h, f),
            Hint::Closest {
                policy_value,
                request_value,
            } => write!(
                f,
                "the closest policy value differs:\n{}",
                aligned(policy_value, request_value)
            ),
        }
    }
}

/// Hints about a statement's principal and action.
pub fn statement_hints(
    s: &StatementExplanation,
    request: &Request,
    facts: &HintFacts,
) -> Vec<Hint> {
    let mut hints = Vec::new();
    if !s.action.matched {
        if request.action().eq_ignore_ascii_case(TAG_SESSION) && facts.tags {
            hints.push(Hint::TagSessionNeeded);
        }
        if request.action().eq_ignore_ascii_case(SET_SOURCE_IDENTITY) && facts.source_identity {
            hints.push(Hint::SourceIdentityNeeded);
        }
    }
    if !s.principal.matched {
        let wanted = request.principal();
        for v in &s.principal.values {
            if v.value.eq_ignore_ascii_case(wanted) {
                hints.push(Hint::PrincipalCase {
                    listed: v.value.clone(),
                    request: wanted.to_owned(),
                });
            } else if let (Some((acct_p, rest_p)), Some((acct_r, rest_r))) =
                (split_account(&v.value), split_account(wanted))
            {
                if rest_p == rest_r && acct_p != acct_r {
                    hints.push(Hint::ProviderAccount {
                        listed: acct_p.to_owned(),
                        request: acct_r.to_owned(),
                    });
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

/// Hints about a failed condition (none for one that holds).
pub fn condition_hints(
    c: &ConditionExplanation,
    request: &Request,
    facts: &HintFacts,
) -> Vec<Hint> {
    let mut hints = Vec::new();
    if c.matched {
        return hints;
    }
    let op = c.op;
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
                hints.push(Hint::MultivaluedAudience {
                    values: values.len(),
                    key: c.key.clone(),
                    operator: c.operator.clone(),
                });
            } else {
                hints.push(Hint::Multivalued {
                    key: c.key.clone(),
                    operator: c.operator.clone(),
                });
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

fn missing_key_hint(key: &str, facts: &HintFacts) -> Option<Hint> {
    let provider = facts.provider.as_deref()?;
    let (prefix, claim) = key.rsplit_once(':')?;
    let lower = prefix.to_ascii_lowercase();
    if lower.starts_with("aws") || lower == "sts" {
        return None;
    }
    let claim = claim.to_owned();
    if prefix.eq_ignore_ascii_case(provider) {
        return Some(Hint::ClaimNotExposed {
            claim,
            provider: provider.to_owned(),
            pre_2026: facts.pre_2026,
            exposed: BASE_CLAIMS
                .iter()
                .copied()
                .chain(facts.provider_claims.iter().map(|k| k.name))
                .map(str::to_owned)
                .collect(),
        });
    }
    if prefix.starts_with("arn:") {
        return Some(Hint::KeyNamesProviderArn {
            provider: provider.to_owned(),
            claim,
        });
    }
    if prefix.trim_end_matches('/') == provider.trim_end_matches('/') {
        return Some(Hint::ProviderTrailingSlash {
            key_provider: prefix.to_owned(),
            provider: provider.to_owned(),
            claim,
        });
    }
    Some(Hint::OtherProvider {
        key_provider: prefix.to_owned(),
        provider: provider.to_owned(),
        claim,
    })
}

fn string_hints(base: BaseOperator, value: &str, policy_values: &[&str]) -> Vec<Hint> {
    let mut hints = Vec::new();
    let is_equals = matches!(
        base,
        BaseOperator::StringEquals | BaseOperator::StringEqualsIgnoreCase
    );
    if is_equals && policy_values.iter().any(|p| has_wildcard(p)) {
        let would_match = policy_values
            .iter()
            .any(|p| Pattern::new(p, Case::Sensitive).is_match(value));
        hints.push(Hint::WildcardIsLiteral {
            operator: base.name(),
            would_match,
        });
    }
    if base == BaseOperator::StringEquals {
        if let Some(p) = policy_values
            .iter()
            .find(|p| p.to_lowercase() == value.to_lowercase())
        {
            hints.push(Hint::CaseOnly {
                policy_value: (*p).to_owned(),
                rule: case_rule(value),
            });
            return hints;
        }
    }
    // The issuer's own reasons (GitHub contexts, immutable subjects, IRSA
    // namespace and service account).
    hints.extend(
        subject_hints(value, policy_values)
            .into_iter()
            .map(Hint::Subject),
    );
    if hints.is_empty() && is_equals {
        if let Some(closest) = closest(value, policy_values) {
            hints.push(Hint::Closest {
                policy_value: closest.to_owned(),
                request_value: value.to_owned(),
            });
        }
    }
    hints
}

/// Whose naming rules apply to a subject, after a case-only difference.
fn case_rule(value: &str) -> CaseRule {
    if value.starts_with("repo:") {
        CaseRule::GitHub
    } else if value
        .strip_prefix("system:serviceaccount:")
        .is_some_and(|rest| rest.contains(':'))
    {
        CaseRule::Kubernetes
    } else {
        CaseRule::None
    }
}

/// A GitHub `sub` that is not GitHub's default format for the job the
/// request's other keys describe (`repository`, `ref`, `environment`):
/// the repository uses a custom subject template.
fn template_hint(key: &str, sub: &str, request: &Request) -> Option<Hint> {
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
    github_template_hint(sub, get("repository")?, get("ref"), get("environment")).map(Hint::Subject)
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

    fn texts(hints: &[Hint]) -> Vec<String> {
        hints.iter().map(ToString::to_string).collect()
    }

    /// A case-only difference is explained in the subject's own terms: an
    /// IRSA subject gets Kubernetes' rule, not GitHub's names.
    #[test]
    fn case_hints_speak_of_the_subjects_issuer() {
        let eks = texts(&string_hints(
            BaseOperator::StringEquals,
            "system:serviceaccount:payments:api",
            &["system:serviceaccount:Payments:api"],
        ));
        assert_eq!(eks.len(), 1, "{eks:?}");
        assert!(eks[0].contains("only in case"), "{eks:?}");
        assert!(eks[0].contains("Kubernetes namespace and service account names are lowercase"));
        assert!(!eks[0].contains("GitHub"), "{eks:?}");
        let other = texts(&string_hints(BaseOperator::StringEquals, "abc", &["ABC"]));
        assert!(other[0].ends_with("is case-sensitive"), "{other:?}");
    }

    #[test]
    fn string_hints_recognise_case_wildcards_and_github_forms() {
        let h = string_hints(
            BaseOperator::StringEquals,
            "repo:o/r:ref:refs/heads/main",
            &["repo:O/r:ref:refs/heads/main"],
        );
        assert_eq!(
            h,
            vec![Hint::CaseOnly {
                policy_value: "repo:O/r:ref:refs/heads/main".into(),
                rule: CaseRule::GitHub
            }]
        );
        assert!(h[0].to_string().contains("GitHub owner"));
        let h = texts(&string_hints(
            BaseOperator::StringEquals,
            "repo:o/r:pull_request",
            &["repo:o/r:*"],
        ));
        assert!(
            h[0].contains("literal") && h[0].contains("would match"),
            "{h:?}"
        );
        let h = texts(&string_hints(
            BaseOperator::StringEquals,
            "repo:o/r:environment:prod",
            &["repo:o/r:ref:refs/heads/main"],
        ));
        assert!(h.iter().any(|h| h.contains("environment `prod`")), "{h:?}");
        let h = texts(&string_hints(
            BaseOperator::StringLike,
            "repo:o@1/r@2:ref:refs/heads/main",
            &["repo:o/r:*"],
        ));
        assert!(h.iter().any(|h| h.contains("immutable")), "{h:?}");
    }

    /// A service-account subject needs both parts to get Kubernetes' note.
    #[test]
    fn case_rule_needs_a_whole_irsa_subject() {
        assert_eq!(
            case_rule("system:serviceaccount:ns:sa"),
            CaseRule::Kubernetes
        );
        assert_eq!(case_rule("system:serviceaccount:ns"), CaseRule::None);
        assert_eq!(case_rule("repo:o/r:ref:x"), CaseRule::GitHub);
    }
}
