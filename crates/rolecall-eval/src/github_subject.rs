//! The `sub` claim a GitHub Actions job sends, rendered as GitHub documents
//! it (docs/SEMANTICS.md §6.2, GitHub's "OpenID Connect reference":
//! <https://docs.github.com/en/actions/reference/security/oidc>).
//!
//! * The default subject is `repo:OWNER/REPO:CONTEXT`, where the context is
//!   `environment:NAME` when the job references an environment, else
//!   `pull_request` when the workflow was triggered by the `pull_request`
//!   event, else `ref:REF` (`ref:refs/heads/main`, `ref:refs/tags/v1`).
//! * Repositories using immutable subject claims write
//!   `repo:OWNER@OWNER_ID/REPO@REPO_ID`, in the default format and in every
//!   custom template that includes `repo`.
//! * A customization template (`include_claim_keys`) replaces the whole
//!   format: each key gives `KEY:VALUE`, joined by `:`; `repo` gives
//!   `repo:OWNER/REPO` and `context` gives the default context without a
//!   key of its own.
//! * Any `:` inside a value is written `%3A`.
//!
//! Which template applies follows GitHub's repository setting: with
//! `use_default: true` the default; with `use_default: false` the
//! repository's own `include_claim_keys`, or, when it has none, the
//! organization's template (which applies only to repositories that opted
//! in this way).
//!
//! Values this module cannot know (a template that includes `actor` or
//! `repository_visibility`) must be given as extra claims; a template key
//! without a value is an error, never an empty or guessed part, and a
//! template that includes `environment` needs an environment, as GitHub
//! then refuses to issue a token without one.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::claims::{read_json_strict, StrictJsonError};

/// GitHub's issuer.
pub const GITHUB_ISSUER: &str = "https://token.actions.githubusercontent.com";

/// What is known about the job.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Job {
    /// `OWNER/REPO`.
    pub repository: String,
    /// The full git ref (`refs/heads/main`, `refs/tags/v1`,
    /// `refs/pull/7/merge`).
    pub git_ref: Option<String>,
    /// The event that triggered the workflow (`push`, `pull_request`, ...).
    pub event: Option<String>,
    /// The environment the job references.
    pub environment: Option<String>,
    /// For a reusable workflow, its ref path.
    pub job_workflow_ref: Option<String>,
    /// The owner's and the repository's numeric ids.
    pub ids: Option<(u64, u64)>,
    /// Whether the repository uses immutable subject claims (needs `ids`).
    pub immutable: bool,
    /// Further claims, by name (`actor`, `repository_visibility`, ...).
    pub extra: BTreeMap<String, String>,
}

/// A subject customization template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Template {
    /// GitHub's default format.
    Default,
    /// A repository's setting (`GET /repos/{owner}/{repo}/actions/oidc/customization/sub`).
    Repository {
        /// `use_default`.
        use_default: bool,
        /// `include_claim_keys`, when set.
        include_claim_keys: Option<Vec<String>>,
    },
    /// An organization's template (`GET /orgs/{org}/actions/oidc/customization/sub`).
    Organization {
        /// `include_claim_keys`.
        include_claim_keys: Vec<String>,
    },
}

/// Which format gave the subject.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum TemplateSource {
    /// GitHub's default format.
    Default,
    /// The repository's `include_claim_keys`.
    Repository,
    /// The organization's template.
    Organization,
}

/// Why a subject or a template could not be rendered or read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SubjectError {
    /// The repository is not `OWNER/REPO`.
    #[error("repository `{0}` is not OWNER/REPO")]
    BadRepository(String),
    /// A ref that is not a full git ref.
    #[error("ref `{0}` is not a full git ref: write `refs/heads/{0}` for a branch or `refs/tags/{0}` for a tag")]
    ShortRef(String),
    /// The default context needs a ref.
    #[error("the job has no environment and is not a `pull_request` event, so its sub ends with `ref:REF`: give the ref")]
    MissingRef,
    /// A pull-request event other than `pull_request` without an
    /// environment: GitHub documents `pull_request` for "a pull request
    /// event" but not whether `pull_request_target` and the like send it.
    #[error("GitHub does not document the sub of a `{0}` job without an environment (`pull_request` gives `…:pull_request`; this one may send that or `…:ref:REF`)")]
    UndocumentedEvent(String),
    /// Immutable subjects need the ids.
    #[error("immutable subjects need the owner id and the repository id")]
    MissingIds,
    /// A template key whose value is not known.
    #[error("the template includes `{0}`, whose value is not known: give it as a claim")]
    MissingClaim(String),
    /// A template includes `environment` but the job has none.
    #[error("the template includes `environment`: GitHub issues no token to a job without an environment")]
    EnvironmentRequired,
    /// The repository uses its organization's template, which was not given.
    #[error("the repository has `use_default: false` and no `include_claim_keys`: it uses its organization's template, which was not given")]
    OrganizationTemplateMissing,
    /// The template file is not JSON or has a member twice.
    #[error("template is not valid json: {0}")]
    Json(#[from] StrictJsonError),
    /// The template has a member of the wrong type or an unknown member.
    #[error("template: {0}")]
    BadTemplate(String),
}

/// The rendered subject, with the claims it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Subject {
    /// The `sub` claim.
    pub sub: String,
    /// Which format gave it.
    pub source: TemplateSource,
    /// The token's other claims as far as the job determines them
    /// (`repository`, `repository_owner`, `ref`, ...).
    pub claims: BTreeMap<String, String>,
}

/// `:` inside a value is written `%3A` (GitHub: "Any `:` within the
/// metadata values will be replaced with `%3A`").
fn escape(value: &str) -> String {
    value.replace(':', "%3A")
}

impl Job {
    /// The job's claims as GitHub would put them in the token, for those
    /// the job determines: `extra`, then the named fields (which replace an
    /// `extra` claim of the same name).
    ///
    /// # Errors
    ///
    /// A repository that is not `OWNER/REPO`, or a ref that is not a full
    /// git ref.
    pub fn claims(&self) -> Result<BTreeMap<String, String>, SubjectError> {
        let (owner, _) = self.owner_and_name()?;
        let mut c = self.extra.clone();
        c.insert("repository".into(), self.repository.clone());
        c.insert("repository_owner".into(), owner.to_owned());
        if let Some(r) = &self.git_ref {
            if !r.starts_with("refs/") {
                return Err(SubjectError::ShortRef(r.clone()));
            }
            c.insert("ref".into(), r.clone());
            if r.starts_with("refs/heads/") {
                c.insert("ref_type".into(), "branch".into());
            } else if r.starts_with("refs/tags/") {
                c.insert("ref_type".into(), "tag".into());
            }
        }
        if let Some(e) = &self.event {
            c.insert("event_name".into(), e.clone());
        }
        if let Some(e) = &self.environment {
            c.insert("environment".into(), e.clone());
        }
        if let Some(j) = &self.job_workflow_ref {
            c.insert("job_workflow_ref".into(), j.clone());
        }
        if let Some((owner_id, repo_id)) = self.ids {
            c.insert("repository_owner_id".into(), owner_id.to_string());
            c.insert("repository_id".into(), repo_id.to_string());
        }
        Ok(c)
    }

    fn owner_and_name(&self) -> Result<(&str, &str), SubjectError> {
        let bad = || SubjectError::BadRepository(self.repository.clone());
        let (owner, name) = self.repository.split_once('/').ok_or_else(bad)?;
        let ok = |s: &str| !s.is_empty() && !s.contains(['/', ':', '@']);
        if ok(owner) && ok(name) {
            Ok((owner, name))
        } else {
            Err(bad())
        }
    }

    /// `repo:OWNER/REPO`, or `repo:OWNER@ID/REPO@ID` for immutable subjects.
    fn repo_part(&self) -> Result<String, SubjectError> {
        let (owner, name) = self.owner_and_name()?;
        if self.immutable {
            let (owner_id, repo_id) = self.ids.ok_or(SubjectError::MissingIds)?;
            Ok(format!(
                "repo:{}@{owner_id}/{}@{repo_id}",
                escape(owner),
                escape(name)
            ))
        } else {
            Ok(format!("repo:{}/{}", escape(owner), escape(name)))
        }
    }

    /// The default context: environment over `pull_request` over the ref.
    fn context_part(&self) -> Result<String, SubjectError> {
        if let Some(e) = &self.environment {
            return Ok(format!("environment:{}", escape(e)));
        }
        match self.event.as_deref() {
            Some("pull_request") => return Ok("pull_request".into()),
            // Fail closed: not documented either way (docs/SEMANTICS.md §6.2).
            Some(e) if e.starts_with("pull_request") => {
                return Err(SubjectError::UndocumentedEvent(e.to_owned()))
            }
            _ => {}
        }
        match &self.git_ref {
            Some(r) if r.starts_with("refs/") => Ok(format!("ref:{}", escape(r))),
            Some(r) => Err(SubjectError::ShortRef(r.clone())),
            None => Err(SubjectError::MissingRef),
        }
    }

    fn render_keys(&self, keys: &[String]) -> Result<String, SubjectError> {
        let claims = self.claims()?;
        let mut parts = Vec::with_capacity(keys.len());
        for key in keys {
            let part = match key.as_str() {
                "repo" => self.repo_part()?,
                "context" => self.context_part()?,
                "environment" if self.environment.is_none() => {
                    return Err(SubjectError::EnvironmentRequired)
                }
                other => {
                    let value = claims
                        .get(other)
                        .ok_or_else(|| SubjectError::MissingClaim(other.to_owned()))?;
                    format!("{other}:{}", escape(value))
                }
            };
            parts.push(part);
        }
        Ok(parts.join(":"))
    }

    /// The `sub` this job sends under `template` (`organization` is the
    /// organization's template, used when the repository setting defers to
    /// it).
    ///
    /// # Errors
    ///
    /// See [`SubjectError`].
    pub fn subject(
        &self,
        template: &Template,
        organization: Option<&[String]>,
    ) -> Result<Subject, SubjectError> {
        let (sub, source) = match template {
            Template::Default
            | Template::Repository {
                use_default: true, ..
            } => (self.default_subject()?, TemplateSource::Default),
            Template::Repository {
                use_default: false,
                include_claim_keys: Some(keys),
            } => (self.render_keys(keys)?, TemplateSource::Repository),
            Template::Repository {
                use_default: false,
                include_claim_keys: None,
            } => match organization {
                Some(keys) => (self.render_keys(keys)?, TemplateSource::Organization),
                None => return Err(SubjectError::OrganizationTemplateMissing),
            },
            Template::Organization { include_claim_keys } => (
                self.render_keys(include_claim_keys)?,
                TemplateSource::Organization,
            ),
        };
        Ok(Subject {
            sub,
            source,
            claims: self.claims()?,
        })
    }

    fn default_subject(&self) -> Result<String, SubjectError> {
        Ok(format!("{}:{}", self.repo_part()?, self.context_part()?))
    }
}

/// Reads a template as GitHub's REST API returns it: a repository's
/// `{"use_default": ..., "include_claim_keys": [...]}` or an organization's
/// `{"include_claim_keys": [...]}`. Member names are checked strictly: a
/// repeated or unknown member is an error.
///
/// # Errors
///
/// Not JSON, a member twice, an unknown member, wrong types, a claim key
/// that is not ASCII letters, digits and `_` (GitHub's rule), or a key
/// listed twice.
pub fn parse_template(bytes: &[u8]) -> Result<Template, SubjectError> {
    let value = read_json_strict(bytes)?;
    let obj = value
        .as_object()
        .ok_or_else(|| SubjectError::BadTemplate("not a json object".into()))?;
    let mut use_default = None;
    let mut keys = None;
    for (name, v) in obj {
        match name.as_str() {
            "use_default" => {
                use_default = Some(v.as_bool().ok_or_else(|| {
                    SubjectError::BadTemplate("`use_default` must be true or false".into())
                })?)
            }
            "include_claim_keys" => keys = Some(claim_keys(v)?),
            other => {
                return Err(SubjectError::BadTemplate(format!(
                    "unknown member `{other}` (expected `use_default` and `include_claim_keys`)"
                )))
            }
        }
    }
    match (use_default, keys) {
        (Some(use_default), include_claim_keys) => Ok(Template::Repository {
            use_default,
            include_claim_keys,
        }),
        (None, Some(include_claim_keys)) => Ok(Template::Organization { include_claim_keys }),
        (None, None) => Err(SubjectError::BadTemplate(
            "neither `use_default` nor `include_claim_keys`".into(),
        )),
    }
}

fn claim_keys(v: &Value) -> Result<Vec<String>, SubjectError> {
    let items = v.as_array().ok_or_else(|| {
        SubjectError::BadTemplate("`include_claim_keys` must be an array of strings".into())
    })?;
    let mut keys: Vec<String> = Vec::with_capacity(items.len());
    for item in items {
        let key = item.as_str().ok_or_else(|| {
            SubjectError::BadTemplate("`include_claim_keys` must be an array of strings".into())
        })?;
        if key.is_empty() || !key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
            return Err(SubjectError::BadTemplate(format!(
                "claim key `{key}` must be ASCII letters, digits and `_`"
            )));
        }
        if keys.iter().any(|k| k == key) {
            return Err(SubjectError::BadTemplate(format!(
                "claim key `{key}` is listed twice"
            )));
        }
        keys.push(key.to_owned());
    }
    if keys.is_empty() {
        return Err(SubjectError::BadTemplate(
            "`include_claim_keys` is empty".into(),
        ));
    }
    Ok(keys)
}
