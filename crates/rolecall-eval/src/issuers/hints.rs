//! Why a token's `sub` did not match a trust policy's values, in the
//! issuer's own terms: the causes people report most for GitHub and IRSA
//! (docs/SEMANTICS.md §5.4, §6.2). Each hint is typed data
//! ([`SubjectHint`]); its `Display` is the sentence `rolecall explain`
//! prints.
//!
//! The subject is read with the issuer's grammar ([`SubjectGrammar`]), so
//! "this job sends `repo:o/r:environment:prod`" comes from the parsed form,
//! and the subject GitHub's default template would give the same job is
//! rendered by [`crate::github_subject`].

use std::fmt;

use super::SubjectGrammar;
use crate::github_subject::{Job, Template};
use crate::matcher::{Case, Pattern};

/// A recognised reason for a `sub` mismatch.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SubjectHint {
    /// The GitHub job references an environment, so its `sub` ends in
    /// `environment:NAME`, while the policy pins branch or tag refs.
    GitHubEnvironment {
        /// `OWNER/REPO` as the subject writes it.
        repository: String,
        /// The environment.
        environment: String,
        /// The subject the job sends.
        sent: String,
    },
    /// A `pull_request` job's `sub` ends in `pull_request`, while the
    /// policy pins branch or tag refs.
    GitHubPullRequest {
        /// `OWNER/REPO`.
        repository: String,
        /// The subject the job sends.
        sent: String,
    },
    /// The repository sends immutable subjects
    /// (`repo:OWNER@ID/REPO@ID:...`) and the policy pins the name form.
    GitHubImmutable {
        /// The subject the job sends.
        sent: String,
    },
    /// The token's `sub` is not GitHub's default format for this job: the
    /// repository or its organisation uses a custom template.
    GitHubCustomTemplate {
        /// The subject the job sends.
        sent: String,
        /// What the default template would give the same job.
        default: String,
    },
    /// An IRSA subject whose namespace differs from the closest policy
    /// value's.
    KubernetesNamespace {
        /// The namespace the policy value names (a pattern).
        policy: String,
        /// The token's namespace.
        token: String,
        /// The closest policy value.
        policy_value: String,
        /// The token's subject.
        sent: String,
    },
    /// An IRSA subject whose service account differs from the closest
    /// policy value's.
    KubernetesServiceAccount {
        /// The service account the policy value names (a pattern).
        policy: String,
        /// The token's service account.
        token: String,
        /// The closest policy value.
        policy_value: String,
        /// The token's subject.
        sent: String,
    },
}

impl fmt::Display for SubjectHint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SubjectHint::GitHubEnvironment {
                environment, sent, ..
            } => write!(
                f,
                "the job uses GitHub environment `{environment}`, so it sends `{sent}`, not a branch ref (`…:ref:refs/heads/…`): GitHub puts the environment in `sub` whenever the job references one; allow that subject, or drop the environment from the job"
            ),
            SubjectHint::GitHubPullRequest { sent, .. } => write!(
                f,
                "the workflow was triggered by a pull request, so this job sends `{sent}`, not a branch ref"
            ),
            SubjectHint::GitHubImmutable { sent } => write!(
                f,
                "the repository sends immutable subjects (`{sent}`: `repo:OWNER@OWNER_ID/REPO@REPO_ID:…`, for repositories created, renamed or transferred after 2026-07-15, or opted in), and the policy pins the name form"
            ),
            SubjectHint::GitHubCustomTemplate { sent, default } => write!(
                f,
                "the token's sub `{sent}` is not GitHub's default format, which would be `{default}` for this job: the repository or its organization uses a custom subject template (`include_claim_keys`); write the policy for that format"
            ),
            SubjectHint::KubernetesNamespace {
                policy,
                token,
                policy_value,
                sent,
            } => write!(
                f,
                "the namespace differs (policy `{policy}`, token `{token}`):\n{}",
                aligned(policy_value, sent)
            ),
            SubjectHint::KubernetesServiceAccount {
                policy,
                token,
                policy_value,
                sent,
            } => write!(
                f,
                "the service account differs (policy `{policy}`, token `{token}`):\n{}",
                aligned(policy_value, sent)
            ),
        }
    }
}

/// The length of the common prefix, in chars.
pub fn common_prefix(a: &str, b: &str) -> usize {
    a.chars().zip(b.chars()).take_while(|(x, y)| x == y).count()
}

/// The two values one above the other, with a caret under the first
/// differing character.
pub fn aligned(policy: &str, request: &str) -> String {
    let at = common_prefix(policy, request);
    format!(
        "policy   {policy}\nrequest  {request}\n         {}^ first difference",
        " ".repeat(at)
    )
}

/// `system:serviceaccount:NS:SA` of a policy value (a pattern, so not read
/// with the grammar, whose alphabets have no `*`).
fn pattern_service_account(s: &str) -> Option<(&str, &str)> {
    s.strip_prefix("system:serviceaccount:")?.split_once(':')
}

/// The value of field `name` in parsed fields.
fn field<'f>(fields: &'f [(String, String)], name: &str) -> Option<&'f str> {
    fields
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
}

/// The hints for a `sub` the policy's `values` (texts or patterns, as
/// resolved) did not match: GitHub's environment and pull-request contexts
/// against ref pins, immutable subjects against name pins, and an IRSA
/// subject's namespace or service account against the closest value.
pub fn subject_hints(sub: &str, values: &[&str]) -> Vec<SubjectHint> {
    let mut hints = Vec::new();
    if let Some(fields) = SubjectGrammar::eks().matches(sub) {
        hints.extend(irsa_hint(sub, &fields, values));
        return hints;
    }
    let github = SubjectGrammar::github();
    let Some(parsed) = github.parse(sub) else {
        return hints;
    };
    let repository = match (
        field(&parsed.fields, "owner"),
        field(&parsed.fields, "repository"),
    ) {
        (Some(o), Some(r)) => format!("{o}/{r}"),
        _ => return hints,
    };
    let pins_refs = values.iter().any(|p| p.contains(":ref:"));
    let form = parsed.form.trim_start_matches("immutable ");
    match form {
        "environment" if pins_refs => hints.push(SubjectHint::GitHubEnvironment {
            repository,
            environment: field(&parsed.fields, "environment")
                .unwrap_or_default()
                .to_owned(),
            sent: sub.to_owned(),
        }),
        "pull_request" if pins_refs => hints.push(SubjectHint::GitHubPullRequest {
            repository,
            sent: sub.to_owned(),
        }),
        _ => {}
    }
    if parsed.form.starts_with("immutable ") && !values.iter().any(|p| p.contains('@')) {
        hints.push(SubjectHint::GitHubImmutable {
            sent: sub.to_owned(),
        });
    }
    hints
}

fn irsa_hint(sub: &str, fields: &[(String, String)], values: &[&str]) -> Option<SubjectHint> {
    let ns = field(fields, "namespace")?;
    let sa = field(fields, "service_account")?;
    let (p, (pns, psa)) = values
        .iter()
        .filter_map(|p| pattern_service_account(p).map(|parts| (*p, parts)))
        .max_by_key(|(p, _)| common_prefix(p, sub))?;
    let like = |pattern: &str, v: &str| Pattern::new(pattern, Case::Sensitive).is_match(v);
    if !like(pns, ns) {
        Some(SubjectHint::KubernetesNamespace {
            policy: pns.to_owned(),
            token: ns.to_owned(),
            policy_value: p.to_owned(),
            sent: sub.to_owned(),
        })
    } else if !like(psa, sa) {
        Some(SubjectHint::KubernetesServiceAccount {
            policy: psa.to_owned(),
            token: sa.to_owned(),
            policy_value: p.to_owned(),
            sent: sub.to_owned(),
        })
    } else {
        None
    }
}

/// A GitHub token's claims as STS exposes them since 2026
/// (`repository`, `ref`, `environment`), and its `sub`: when the `sub` is
/// not what GitHub's default template gives that job
/// ([`crate::github_subject::Job::subject`]) and is not of the default
/// grammar at all, the job's repository uses a custom template. `None`
/// when the claims do not determine the default subject (no ref and no
/// environment), or the subject is of the default format.
pub fn github_template_hint(
    sub: &str,
    repository: &str,
    git_ref: Option<&str>,
    environment: Option<&str>,
) -> Option<SubjectHint> {
    if SubjectGrammar::github().matches(sub).is_some() {
        return None;
    }
    let job = Job {
        repository: repository.to_owned(),
        git_ref: git_ref.map(str::to_owned),
        environment: environment.map(str::to_owned),
        ..Job::default()
    };
    let default = job.subject(&Template::Default, None).ok()?.sub;
    (default != sub).then(|| SubjectHint::GitHubCustomTemplate {
        sent: sub.to_owned(),
        default,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn github_contexts_against_ref_pins() {
        let h = subject_hints(
            "repo:o/r:environment:prod",
            &["repo:o/r:ref:refs/heads/main"],
        );
        assert_eq!(
            h,
            [SubjectHint::GitHubEnvironment {
                repository: "o/r".into(),
                environment: "prod".into(),
                sent: "repo:o/r:environment:prod".into()
            }]
        );
        assert!(h[0]
            .to_string()
            .contains("so it sends `repo:o/r:environment:prod`, not a branch ref"));
        let h = subject_hints("repo:o/r:pull_request", &["repo:o/r:ref:refs/heads/main"]);
        assert!(matches!(
            h.as_slice(),
            [SubjectHint::GitHubPullRequest { .. }]
        ));
        // Without a ref pin there is nothing to say.
        assert!(subject_hints("repo:o/r:pull_request", &["repo:o/x:*"]).is_empty());
        let h = subject_hints("repo:o@1/r@2:ref:refs/heads/main", &["repo:o/r:*"]);
        assert!(matches!(
            h.as_slice(),
            [SubjectHint::GitHubImmutable { .. }]
        ));
        assert!(subject_hints("repo:o@1/r@2:ref:refs/heads/main", &["repo:o@*"]).is_empty());
    }

    #[test]
    fn irsa_names_the_part_that_differs() {
        let h = subject_hints(
            "system:serviceaccount:default:my-sa",
            &[
                "system:serviceaccount:default:my-sa2",
                "system:serviceaccount:kube-system:x",
            ],
        );
        assert!(
            h[0].to_string()
                .starts_with("the service account differs (policy `my-sa2`, token `my-sa`)"),
            "{h:?}"
        );
        let h = subject_hints(
            "system:serviceaccount:defualt:my-sa",
            &["system:serviceaccount:default:my-sa"],
        );
        assert!(matches!(
            h.as_slice(),
            [SubjectHint::KubernetesNamespace { .. }]
        ));
        assert!(
            subject_hints("system:serviceaccount:a:b", &["system:serviceaccount:a:*"]).is_empty()
        );
    }

    #[test]
    fn custom_templates_are_recognised() {
        let h = github_template_hint(
            "repository_owner:o:context:ref:refs/heads/main",
            "o/r",
            Some("refs/heads/main"),
            None,
        );
        assert_eq!(
            h,
            Some(SubjectHint::GitHubCustomTemplate {
                sent: "repository_owner:o:context:ref:refs/heads/main".into(),
                default: "repo:o/r:ref:refs/heads/main".into()
            })
        );
        // The default format, or claims that do not determine it: no hint.
        assert!(github_template_hint(
            "repo:o/r:ref:refs/heads/main",
            "o/r",
            Some("refs/heads/main"),
            None
        )
        .is_none());
        assert!(github_template_hint("x:y", "o/r", None, None).is_none());
    }
}
