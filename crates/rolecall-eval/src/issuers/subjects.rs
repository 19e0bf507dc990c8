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

/// ASCII letters, digits and `extra`.
fn alnum_and(extra: &[char]) -> Vec<super::CharRange> {
    let mut chars = vec![
        super::CharRange::new('a', 'z'),
        super::CharRange::new('A', 'Z'),
        super::CharRange::new('0', '9'),
    ];
    chars.extend(extra.iter().map(|c| super::CharRange::one(*c)));
    chars
}

/// A UUID as the CI issuers print it: 36 hex digits and `-` (the 8-4-4-4-12
/// grouping is not imposed; either case).
fn uuid() -> A {
    let mut chars = vec![
        super::CharRange::new('0', '9'),
        super::CharRange::new('a', 'f'),
        super::CharRange::new('A', 'F'),
    ];
    chars.push(super::CharRange::one('-'));
    A::new(&chars, 36, Some(36))
}

/// A GitLab namespace (group, subgroups, or user): `/`-separated paths
/// of letters, digits, `_`, `-`, `.`.
fn gitlab_namespace() -> A {
    A::new(&alnum_and(&['_', '-', '.', '/']), 1, None)
}

/// A GitLab project path: letters, digits, `_`, `-`, `.`.
fn gitlab_project() -> A {
    A::new(&alnum_and(&['_', '-', '.']), 1, Some(255))
}

/// The GitLab `sub` components GitLab accepts, after `project_path`
/// (`ci_id_token_sub_claim_components`).
const GITLAB_ORDERS: [&[&str]; 4] = [
    &["ref_type", "ref"],
    &["ref", "ref_type"],
    &["ref"],
    &["ref_type"],
];

/// A `{UUID}` as Bitbucket writes it.
fn braced_uuid(name: &str, role: R) -> Vec<Part> {
    vec![
        Part::lit("{"),
        Part::field(name, role, uuid()),
        Part::lit("}"),
    ]
}

/// The GitLab forms for the components after `project_path` (one of
/// [`GITLAB_ORDERS`]).
fn gitlab_forms(rest: &[&str]) -> SubjectGrammar {
    let path = vec![
        Part::lit("project_path:"),
        Part::field("namespace", R::Tenant, gitlab_namespace()),
        Part::lit("/"),
        Part::field("project", R::Project, gitlab_project()),
    ];
    let default = rest == ["ref_type", "ref"];
    // One form per ref type when the subject says which.
    let types: &[Option<&str>] = if rest.contains(&"ref_type") {
        &[Some("branch"), Some("tag")]
    } else {
        &[None]
    };
    let forms = types
        .iter()
        .map(|ty| {
            let mut parts = path.clone();
            for c in rest {
                parts.push(Part::lit(&format!(":{c}:")));
                match (*c, ty) {
                    ("ref_type", Some(t)) => parts.push(Part::lit(t)),
                    (_, Some(t)) => parts.push(Part::field(t, R::Context, A::git_ref_name())),
                    (_, None) => parts.push(Part::field("ref", R::Context, A::git_ref_name())),
                }
            }
            let name = match (default, ty) {
                (true, Some(t)) => (*t).to_owned(),
                (false, Some(t)) => format!("{} {t}", rest.join(",")),
                (_, None) => rest.join(","),
            };
            SubjectForm::new(&name, parts)
        })
        .collect();
    SubjectGrammar::new(forms)
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

    /// GitLab's default `sub`:
    /// `project_path:NAMESPACE/PROJECT:ref_type:TYPE:ref:REF` (forms
    /// `branch` and `tag`).
    pub fn gitlab_default() -> SubjectGrammar {
        gitlab_forms(&["ref_type", "ref"])
    }

    /// Every `sub` a GitLab project can send: the default and each order of
    /// components GitLab accepts in `ci_id_token_sub_claim_components`
    /// (`project_path` first, then `ref_type` and `ref`, `ref` and
    /// `ref_type`, `ref` alone or `ref_type` alone).
    pub fn gitlab() -> SubjectGrammar {
        let mut forms = Vec::new();
        for order in GITLAB_ORDERS {
            forms.extend(gitlab_forms(order).forms);
        }
        SubjectGrammar::new(forms)
    }

    /// The `sub` of a GitLab project whose `ci_id_token_sub_claim_components`
    /// is `components`: each component `NAME:VALUE`, joined by `:`.
    /// `project_path` is `NAMESPACE/PROJECT` (the namespace may hold
    /// subgroups), `ref_type` is `branch` or `tag`, `ref` the branch or tag
    /// name. Forms are named after the components after `project_path`
    /// (`branch`/`tag` for the default order).
    ///
    /// # Errors
    ///
    /// A list GitLab refuses: not `project_path` first, then one of the
    /// accepted orders of `ref_type` and `ref`.
    pub fn gitlab_components(components: &[&str]) -> Result<SubjectGrammar, TemplateError> {
        let Some((first, rest)) = components.split_first() else {
            return Err(TemplateError::Empty);
        };
        if *first != "project_path" || !GITLAB_ORDERS.contains(&rest) {
            return Err(TemplateError::BadKey(components.join(",")));
        }
        Ok(gitlab_forms(rest))
    }

    /// HCP Terraform's workspace run subject,
    /// `organization:ORG:project:PROJECT:workspace:WORKSPACE:run_phase:PHASE`
    /// (form `run phase`). The phase is `plan` or `apply`. The format before
    /// projects (`organization:ORG:workspace:WORKSPACE:run_phase:PHASE`) is
    /// no longer issued: HashiCorp's support article announced the change and
    /// its workload identity documentation shows only the project form
    /// (docs/SEMANTICS.md HCP-PROJ, HCP-WI), so a policy that names only the
    /// old form admits no run.
    pub fn hcp_terraform() -> SubjectGrammar {
        let org = || {
            Part::field(
                "organization",
                R::Tenant,
                A::new(&alnum_and(&['-', '_']), 1, None),
            )
        };
        let ws = || {
            Part::field(
                "workspace",
                R::Project,
                A::new(&alnum_and(&['-', '_']), 1, Some(90)),
            )
        };
        let phase = || Part::one_of(&["plan", "apply"]);
        SubjectGrammar::new(vec![SubjectForm::new(
            "run phase",
            vec![
                Part::lit("organization:"),
                org(),
                Part::lit(":project:"),
                // Project names hold spaces (`Default Project`).
                Part::field("project", R::Project, A::any_except(&[':'], 1)),
                Part::lit(":workspace:"),
                ws(),
                Part::lit(":run_phase:"),
                phase(),
            ],
        )])
    }

    /// CircleCI: `org/ORG_ID/project/PROJECT_ID/user/USER_ID` (form `v1`,
    /// `$CIRCLE_OIDC_TOKEN`) and
    /// `org/ORG_ID/project/PROJECT_ID/user/USER_ID/vcs-origin/ORIGIN/vcs-ref/REF`
    /// (form `v2`, `$CIRCLE_OIDC_TOKEN_V2`); the ids are UUIDs. ORIGIN (the
    /// repository URL without scheme) and REF are any text without `:`,
    /// possibly empty (CircleCI sends no VCS reference for some triggers).
    pub fn circleci() -> SubjectGrammar {
        let v1 = vec![
            Part::lit("org/"),
            Part::field("organization_id", R::TenantId, uuid()),
            Part::lit("/project/"),
            Part::field("project_id", R::ProjectId, uuid()),
            Part::lit("/user/"),
            Part::field("user_id", R::Detail, uuid()),
        ];
        let mut v2 = v1.clone();
        v2.extend([
            Part::lit("/vcs-origin/"),
            Part::field("vcs_origin", R::Project, A::any_except(&[':'], 0)),
            Part::lit("/vcs-ref/"),
            Part::field("vcs_ref", R::Context, A::any_except(&[':'], 0)),
        ]);
        SubjectGrammar::new(vec![SubjectForm::new("v1", v1), SubjectForm::new("v2", v2)])
    }

    /// Bitbucket Pipelines: `{REPOSITORY_UUID}:{STEP_UUID}` (form `step`)
    /// or, for a deployment step, `{REPOSITORY_UUID}:{ENVIRONMENT_UUID}:{STEP_UUID}`
    /// (form `deployment`). The workspace is in the issuer, not the
    /// subject.
    pub fn bitbucket() -> SubjectGrammar {
        let repo = braced_uuid("repository_uuid", R::ProjectId);
        let step = braced_uuid("step_uuid", R::Detail);
        let mut plain = repo.clone();
        plain.push(Part::lit(":"));
        plain.extend(step.clone());
        let mut deploy = repo;
        deploy.push(Part::lit(":"));
        deploy.extend(braced_uuid("environment_uuid", R::Context));
        deploy.push(Part::lit(":"));
        deploy.extend(step);
        SubjectGrammar::new(vec![
            SubjectForm::new("step", plain),
            SubjectForm::new("deployment", deploy),
        ])
    }

    /// Buildkite:
    /// `organization:ORG:pipeline:PIPELINE:ref:REF:commit:COMMIT:step:STEP`
    /// (form `job`); slugs are letters, digits and `-`; REF a git ref,
    /// COMMIT and STEP any text without `:`, possibly empty (a step without
    /// a key).
    pub fn buildkite() -> SubjectGrammar {
        let slug = || A::new(&alnum_and(&['-', '_']), 1, None);
        SubjectGrammar::new(vec![SubjectForm::new(
            "job",
            vec![
                Part::lit("organization:"),
                Part::field("organization", R::Tenant, slug()),
                Part::lit(":pipeline:"),
                Part::field("pipeline", R::Project, slug()),
                Part::lit(":ref:"),
                Part::field("ref", R::Context, A::any_except(&[':'], 0)),
                Part::lit(":commit:"),
                Part::field("commit", R::Detail, A::any_except(&[':'], 0)),
                Part::lit(":step:"),
                Part::field("step", R::Detail, A::any_except(&[':'], 0)),
            ],
        )])
    }

    /// A Cognito identity id or identity pool id, `REGION:UUID` (form
    /// `id`): Cognito's `sub` is the identity id and its `aud` the pool id.
    pub fn cognito_id() -> SubjectGrammar {
        let region = A::new(&alnum_and(&['-']), 1, Some(32));
        SubjectGrammar::new(vec![SubjectForm::new(
            "id",
            vec![
                Part::field("region", R::Tenant, region),
                Part::lit(":"),
                Part::field("id", R::ProjectId, uuid()),
            ],
        )])
    }

    /// A value of Cognito's multivalued `amr`: `authenticated` or
    /// `unauthenticated` (forms of those names), or, for an authenticated
    /// identity, the login provider (`graph.facebook.com`,
    /// `cognito-idp.REGION.amazonaws.com/POOL_ID`, or
    /// `cognito-idp.REGION.amazonaws.com/POOL_ID:CLIENT_ID:SUB`; form
    /// `provider`, any text).
    pub fn cognito_amr() -> SubjectGrammar {
        SubjectGrammar::new(vec![
            SubjectForm::new("authenticated", vec![Part::lit("authenticated")]),
            SubjectForm::new("unauthenticated", vec![Part::lit("unauthenticated")]),
            SubjectForm::new(
                "provider",
                vec![Part::field("provider", R::Detail, A::any_except(&[], 1))],
            ),
        ])
    }

    /// Google's `sub`: the account's numeric id (form `account`), at most
    /// 255 ASCII characters as OpenID Connect allows; Google's are digits.
    pub fn google() -> SubjectGrammar {
        SubjectGrammar::new(vec![SubjectForm::new(
            "account",
            vec![Part::field("account_id", R::ProjectId, A::digits(1, 255))],
        )])
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
