//! The `sub` grammar of each issuer, as its documentation gives it
//! (docs/SEMANTICS.md §4.8 has the source of every form and alphabet).

use super::grammar::{FieldRole as R, NameAlphabet as A, Part, SubjectForm, SubjectGrammar};
use crate::github_subject::Template;

/// Why a GitHub subject template gives no grammar.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TemplateError {
    /// `include_claim_keys` is empty.
    #[error("the template's `include_claim_keys` is empty")]
    Empty,
    /// A key that is not ASCII letters, digits and `_`.
    #[error("claim key `{0}` must be ASCII letters, digits and `_`")]
    BadKey(String),
    /// A key listed twice.
    #[error("claim key `{0}` is listed twice")]
    Repeated(String),
    /// The repository defers to its organisation's template, which was not
    /// given.
    #[error("the repository has `use_default: false` and no `include_claim_keys`: it uses its organization's template, which was not given")]
    OrganizationTemplateMissing,
}

/// An EKS cluster name: 1 to 100 ASCII letters, digits, `-` and `_`.
pub(super) fn eks_cluster_name() -> A {
    let mut a = A::github_owner();
    a.max_len = Some(100);
    a
}

/// A GitHub environment name inside a subject: any text without `:`
/// (GitHub writes a `:` inside a value as `%3A`), at least one character.
fn github_environment() -> A {
    A::any_except(&[':'], 1)
}

/// A claim value inside a custom template whose shape rolecall does not
/// know: any text without `:` (escaped as `%3A`), possibly empty.
fn github_any_value() -> A {
    A::any_except(&[':'], 0)
}

/// `repo:OWNER/REPO` or, immutable, `repo:OWNER@ID/REPO@ID`.
fn github_repo(immutable: bool) -> Vec<Part> {
    let mut parts = vec![
        Part::lit("repo:"),
        Part::field("owner", R::Tenant, A::github_owner()),
    ];
    if immutable {
        parts.push(Part::lit("@"));
        parts.push(Part::field("owner_id", R::TenantId, A::digits(1, 20)));
    }
    parts.push(Part::lit("/"));
    parts.push(Part::field(
        "repository",
        R::Project,
        A::github_repository(),
    ));
    if immutable {
        parts.push(Part::lit("@"));
        parts.push(Part::field("repository_id", R::ProjectId, A::digits(1, 20)));
    }
    parts
}

/// GitHub's default context, one entry per alternative: `(form name,
/// parts)`; only the environment one when `environment_only`.
fn github_contexts(environment_only: bool) -> Vec<(&'static str, Vec<Part>)> {
    let env = (
        "environment",
        vec![
            Part::lit("environment:"),
            Part::field("environment", R::Context, github_environment()),
        ],
    );
    if environment_only {
        return vec![env];
    }
    vec![
        (
            "branch",
            vec![
                Part::lit("ref:refs/heads/"),
                Part::field("branch", R::Context, A::git_ref_name()),
            ],
        ),
        (
            "tag",
            vec![
                Part::lit("ref:refs/tags/"),
                Part::field("tag", R::Context, A::git_ref_name()),
            ],
        ),
        env,
        ("pull_request", vec![Part::lit("pull_request")]),
    ]
}

/// The parts of `KEY:VALUE` for a template key other than `repo` and
/// `context`.
fn github_claim(key: &str) -> Vec<Part> {
    let lit = Part::lit(&format!("{key}:"));
    let value = match key {
        "repository" => {
            return vec![
                lit,
                Part::field("repository_owner", R::Tenant, A::github_owner()),
                Part::lit("/"),
                Part::field("repository", R::Project, A::github_repository()),
            ]
        }
        "repository_owner" => Part::field(key, R::Tenant, A::github_owner()),
        "repository_owner_id" => Part::field(key, R::TenantId, A::digits(1, 20)),
        "repository_id" => Part::field(key, R::ProjectId, A::digits(1, 20)),
        "actor" | "triggering_actor" => {
            // Bots act as `name[bot]`.
            let mut a = A::github_owner();
            a.chars
                .extend([super::CharRange::one('['), super::CharRange::one(']')]);
            a.max_len = Some(100);
            Part::field(key, R::Detail, a)
        }
        "actor_id" | "enterprise_id" | "run_id" | "run_number" | "run_attempt" => {
            Part::field(key, R::Detail, A::digits(1, 20))
        }
        "environment" => Part::field(key, R::Context, github_environment()),
        "ref" => Part::field(key, R::Context, A::git_ref_name()),
        "ref_type" => Part::one_of(&["branch", "tag"]),
        "repository_visibility" => Part::one_of(&["internal", "private", "public"]),
        "runner_environment" => Part::one_of(&["github-hosted", "self-hosted"]),
        "sha" | "job_workflow_sha" => Part::field(key, R::Detail, A::lower_hex(40)),
        _ => Part::field(key, R::Detail, github_any_value()),
    };
    vec![lit, value]
}

fn check_keys(keys: &[String]) -> Result<(), TemplateError> {
    if keys.is_empty() {
        return Err(TemplateError::Empty);
    }
    for (i, k) in keys.iter().enumerate() {
        if k.is_empty() || !k.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
            return Err(TemplateError::BadKey(k.clone()));
        }
        if keys.get(..i).is_some_and(|before| before.contains(k)) {
            return Err(TemplateError::Repeated(k.clone()));
        }
    }
    Ok(())
}

impl SubjectGrammar {
    /// GitHub's default template, name form: `repo:OWNER/REPO:` and the
    /// context (forms `branch`, `tag`, `environment`, `pull_request`).
    pub fn github_default() -> SubjectGrammar {
        Self::github_forms(false, "")
    }

    /// GitHub's default template, immutable form:
    /// `repo:OWNER@OWNER_ID/REPO@REPO_ID:` and the context (forms
    /// `immutable branch`, ...).
    pub fn github_immutable() -> SubjectGrammar {
        Self::github_forms(true, "immutable ")
    }

    /// Every subject of GitHub's default template: the name forms, then the
    /// immutable ones (a repository sends one or the other).
    pub fn github() -> SubjectGrammar {
        let mut g = Self::github_default();
        g.forms.extend(Self::github_immutable().forms);
        g
    }

    fn github_forms(immutable: bool, prefix: &str) -> SubjectGrammar {
        let forms = github_contexts(false)
            .into_iter()
            .map(|(name, ctx)| {
                let mut parts = github_repo(immutable);
                parts.push(Part::lit(":"));
                parts.extend(ctx);
                SubjectForm::new(&format!("{prefix}{name}"), parts)
            })
            .collect();
        SubjectGrammar::new(forms)
    }

    /// The subjects of a GitHub custom template (`include_claim_keys`):
    /// `KEY:VALUE` per key joined by `:`, where `repo` gives
    /// `repo:OWNER/REPO` (or the immutable form: both are forms of the
    /// grammar) and `context` the default context (only `environment:NAME`
    /// when the template also includes `environment`, since GitHub then
    /// issues no token to a job without one). Keys whose values rolecall
    /// does not know the shape of take any text without `:`.
    ///
    /// # Errors
    ///
    /// An empty list, a key that is not ASCII letters, digits and `_`, or
    /// a key listed twice (GitHub refuses such templates).
    pub fn github_template(keys: &[String]) -> Result<SubjectGrammar, TemplateError> {
        check_keys(keys)?;
        let has_env = keys.iter().any(|k| k == "environment");
        let contexts = github_contexts(has_env);
        let has_repo = keys.iter().any(|k| k == "repo");
        let has_context = keys.iter().any(|k| k == "context");
        let mut forms = Vec::new();
        for immutable in [false, true] {
            if immutable && !has_repo {
                break;
            }
            let variants: Vec<(&str, Vec<Part>)> = if has_context {
                contexts.clone()
            } else {
                vec![("custom", Vec::new())]
            };
            for (ctx_name, ctx_parts) in variants {
                let mut parts = Vec::new();
                for (i, key) in keys.iter().enumerate() {
                    if i > 0 {
                        parts.push(Part::lit(":"));
                    }
                    match key.as_str() {
                        "repo" => parts.extend(github_repo(immutable)),
                        "context" => parts.extend(ctx_parts.clone()),
                        k => parts.extend(github_claim(k)),
                    }
                }
                let name = if immutable {
                    format!("immutable {ctx_name}")
                } else {
                    ctx_name.to_owned()
                };
                forms.push(SubjectForm::new(&name, parts));
            }
        }
        Ok(SubjectGrammar::new(forms))
    }

    /// The grammar a repository's template setting gives (see
    /// [`crate::github_subject::Template`]): the default one
    /// ([`Self::github`]) or its keys'; `organization` is the
    /// organisation's `include_claim_keys`, for a repository that defers to
    /// it.
    ///
    /// # Errors
    ///
    /// See [`Self::github_template`]; a repository that defers to an
    /// organisation template not given.
    pub fn from_github_template(
        template: &Template,
        organization: Option<&[String]>,
    ) -> Result<SubjectGrammar, TemplateError> {
        match template {
            Template::Default
            | Template::Repository {
                use_default: true, ..
            } => Ok(Self::github()),
            Template::Repository {
                use_default: false,
                include_claim_keys: Some(keys),
            }
            | Template::Organization {
                include_claim_keys: keys,
            } => Self::github_template(keys),
            Template::Repository {
                use_default: false,
                include_claim_keys: None,
            } => match organization {
                Some(keys) => Self::github_template(keys),
                None => Err(TemplateError::OrganizationTemplateMissing),
            },
        }
    }

    /// An EKS service account's subject:
    /// `system:serviceaccount:NAMESPACE:NAME`, the namespace a DNS-1123
    /// label and the name a DNS-1123 subdomain (form `service account`).
    pub fn eks() -> SubjectGrammar {
        SubjectGrammar::new(vec![SubjectForm::new(
            "service account",
            vec![
                Part::lit("system:serviceaccount:"),
                Part::field("namespace", R::Tenant, A::dns1123_label()),
                Part::lit(":"),
                Part::field("service_account", R::Project, A::dns1123_subdomain()),
            ],
        )])
    }
}
