//! The audit's adapter over `rolecall_eval::issuers`, which holds the issuer knowledge shared with
//! the evaluator and the analyzer: which issuer a principal names and who can mint its tokens
//! (anyone, for a shared issuer such as GitHub or Google; only one tenant's workloads, for a
//! tenant-scoped one, whose findings are one severity level lower), and which keys STS exposes.
//! What stays here is the audit's own use of it: the keys that bound an identity (`TP-OIDC-NO-SUB`),
//! and the subject segments and sample subjects its witness search builds. The 2026
//! provider-specific keys are switched off by [`crate::AuditOptions::pre_2026_claims`].

use std::sync::OnceLock;

pub use rolecall_eval::issuers::{
    classify_federated, is_multivalued, Issuer, IssuerKind, Presence, Tenancy,
};

/// Whether `claim` (the part after `<prefix>:`) is a request key for this issuer; `provider` is
/// the key prefix without its `:`. The audit's view of `rolecall_eval::issuers::claim_presence`:
/// `pre_2026` selects the claim table before 2026 (none) instead of the current one.
pub fn claim_presence(kind: IssuerKind, provider: &str, claim: &str, pre_2026: bool) -> Presence {
    let rules = if pre_2026 {
        rolecall_eval::claims::ClaimRules::pre_2026()
    } else {
        rolecall_eval::claims::ClaimRules::default()
    };
    rolecall_eval::issuers::claim_presence(kind, provider, claim, &rules)
}

/// The keys that bound the caller's identity (docs/RULES.md, TP-OIDC-NO-SUB).
pub fn identity_claims(kind: IssuerKind, pre_2026: bool) -> &'static [&'static str] {
    use IssuerKind as K;
    match kind {
        K::GitHub if !pre_2026 => &["sub", "repository", "repository_id", "job_workflow_ref"],
        // Since 2026 (docs/SEMANTICS.md §4.7): one project by its immutable id; a
        // self-managed GitLab has no such key, so a condition on it never bounds
        // anything there (it is reported as unsupported instead).
        K::GitLab if !pre_2026 => &["sub", "project_id"],
        K::CircleCi if !pre_2026 => &["sub", "oidc.circleci.com/project-id"],
        K::Google => &["sub", "aud", "azp", "oaud"],
        K::Cognito => &["aud"],
        K::Amazon | K::Facebook => &["app_id"],
        K::Saml => &[],
        _ => &["sub"],
    }
}

/// A subject read with an issuer's grammar: the tenant (owner, namespace, organisation, group),
/// the project inside it (repository, service account, workspace), and the rest (ref, phase).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subject {
    /// Tenant segment (owner without `@id`, namespace, organisation, top group).
    pub tenant: String,
    /// Project segment (repository without `@id`, service account, workspace, project path).
    pub project: String,
    /// Context segment (`ref:refs/heads/main`, `pull_request`, `run_phase:apply`...).
    pub context: String,
}

fn is_name(s: &str, extra: &str) -> bool {
    // By bytes: `extra` is ASCII, so a byte of a non-ASCII char never passes, as the char
    // would not (checking chars was a third of the witness loop's subject parsing).
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || extra.as_bytes().contains(&b))
}

/// A GitHub subject's owner and repository (each without its `@<id>`) and context, borrowed:
/// [`parse_subject`] without allocating, for the witness loop.
pub fn github_parts(s: &str) -> Option<(&str, &str, &str)> {
    // Short strings: a byte loop beats `split_once`'s searcher set-up, and this runs for every
    // witness (it was 10 % of a dump audit's instructions).
    fn split(s: &str, at: u8) -> Option<(&str, &str)> {
        let i = s.bytes().position(|b| b == at)?;
        Some((s.get(..i)?, s.get(i + 1..)?))
    }
    // `name` or `name@id`: the name, when both parts are well formed.
    fn name<'s>(x: &'s str, extra: &str) -> Option<&'s str> {
        match split(x, b'@') {
            Some((n, id)) => (is_name(n, extra) && is_name(id, "")).then_some(n),
            None => is_name(x, extra).then_some(x),
        }
    }
    let rest = s.strip_prefix("repo:")?;
    let (owner_repo, context) = split(rest, b':')?;
    let (owner, repo) = split(owner_repo, b'/')?;
    // `_` appears in Enterprise Managed User names (`octocat_acme`).
    let owner = name(owner, "-_")?;
    let repo = name(repo, "._-")?;
    let ok_ctx = context == "pull_request"
        || context
            .strip_prefix("ref:refs/heads/")
            .or_else(|| context.strip_prefix("ref:refs/tags/"))
            .or_else(|| context.strip_prefix("environment:"))
            .is_some_and(|x| !x.is_empty());
    ok_ctx.then_some((owner, repo, context))
}

/// Parses `sub` with the issuer's default subject grammar. `None` means no token of this
/// issuer carries this subject (under the default template).
pub fn parse_subject(kind: IssuerKind, s: &str) -> Option<Subject> {
    use IssuerKind as K;
    match kind {
        K::GitHub | K::GitHubLegacy => {
            let (owner, repo, context) = github_parts(s)?;
            Some(Subject {
                tenant: owner.to_owned(),
                project: repo.to_owned(),
                context: context.to_owned(),
            })
        }
        K::GitLab => {
            let rest = s.strip_prefix("project_path:")?;
            let (path, context) = rest.split_once(":ref_type:")?;
            let (rt, r) = context.split_once(":ref:")?;
            let (group, project) = path.split_once('/')?;
            let ok = (rt == "branch" || rt == "tag")
                && !r.is_empty()
                && path.split('/').all(|c| is_name(c, "._-"));
            ok.then(|| Subject {
                tenant: group.to_owned(),
                project: project.to_owned(),
                context: format!("ref_type:{context}"),
            })
        }
        K::HcpTerraform => {
            let rest = s.strip_prefix("organization:")?;
            let (org, rest) = rest.split_once(":project:")?;
            let (proj, rest) = rest.split_once(":workspace:")?;
            let (ws, phase) = rest.split_once(":run_phase:")?;
            let ok = is_name(org, "_-")
                && !proj.is_empty()
                && !proj.contains(':')
                && is_name(ws, "_-")
                && (phase == "plan" || phase == "apply");
            ok.then(|| Subject {
                tenant: org.to_owned(),
                project: format!("{proj}/{ws}"),
                context: format!("run_phase:{phase}"),
            })
        }
        K::Eks => {
            let rest = s.strip_prefix("system:serviceaccount:")?;
            let (ns, sa) = rest.split_once(':')?;
            let ok = is_name(ns, "-") && is_name(sa, ".-");
            ok.then(|| Subject {
                tenant: ns.to_owned(),
                project: sa.to_owned(),
                context: String::new(),
            })
        }
        K::CircleCi => {
            // `org/<org>/project/<project>/user/<user>` (`$CIRCLE_OIDC_TOKEN`), or the V2 form
            // (`$CIRCLE_OIDC_TOKEN_V2`) that appends `/vcs-origin/<repository URL>/vcs-ref/<ref>`
            // (https://circleci.com/docs/openid-connect-tokens/); the context is everything
            // after `user/`.
            let mut it = s.splitn(6, '/');
            let (Some("org"), Some(o), Some("project"), Some(p), Some("user"), Some(u)) = (
                it.next(),
                it.next(),
                it.next(),
                it.next(),
                it.next(),
                it.next(),
            ) else {
                return None;
            };
            let v2 = |rest: &str| {
                let (origin, vcs_ref) =
                    rest.strip_prefix("vcs-origin/")?.split_once("/vcs-ref/")?;
                (!origin.is_empty() && !vcs_ref.is_empty()).then_some(())
            };
            let user_ok = match u.split_once('/') {
                None => is_name(u, "-"),
                Some((user, rest)) => is_name(user, "-") && v2(rest).is_some(),
            };
            (is_name(o, "-") && is_name(p, "-") && user_ok).then(|| Subject {
                tenant: o.to_owned(),
                project: p.to_owned(),
                context: u.to_owned(),
            })
        }
        K::Bitbucket => {
            // `{repoUuid}[:{envUuid}]:{stepUuid}`; the workspace is the issuer itself.
            let uuid = |x: &str| x.starts_with('{') && x.ends_with('}') && x.len() > 2;
            let parts: Vec<&str> = s.split(':').collect();
            let ok = (2..=3).contains(&parts.len()) && parts.iter().all(|p| uuid(p));
            ok.then(|| Subject {
                tenant: String::new(),
                project: parts.first().map_or(String::new(), |p| (*p).to_owned()),
                context: parts.get(1..).map_or(String::new(), |p| p.join(":")),
            })
        }
        _ => (!s.is_empty()).then(|| Subject {
            tenant: String::new(),
            project: s.to_owned(),
            context: String::new(),
        }),
    }
}

/// Whether [`parse_subject`] has a real grammar for this issuer.
pub fn has_grammar(kind: IssuerKind) -> bool {
    use IssuerKind as K;
    matches!(
        kind,
        K::GitHub
            | K::GitHubLegacy
            | K::GitLab
            | K::HcpTerraform
            | K::Eks
            | K::CircleCi
            | K::Bitbucket
    )
}

/// Builds a subject from its segments (the inverse of [`parse_subject`]).
pub fn make_subject(kind: IssuerKind, tenant: &str, project: &str, context: &str) -> String {
    use IssuerKind as K;
    // Concatenation, not `format!`: subjects are built by the dozen per statement, and
    // `format!` was most of their cost (9 % of an account-dump audit, callgrind).
    let cat = |parts: &[&str]| {
        let mut s = String::with_capacity(parts.iter().map(|p| p.len()).sum());
        for p in parts {
            s.push_str(p);
        }
        s
    };
    match kind {
        K::GitHub | K::GitHubLegacy => cat(&["repo:", tenant, "/", project, ":", context]),
        K::GitLab => cat(&["project_path:", tenant, "/", project, ":", context]),
        K::HcpTerraform => {
            let (p, w) = project.split_once('/').unwrap_or(("default", project));
            cat(&[
                "organization:",
                tenant,
                ":project:",
                p,
                ":workspace:",
                w,
                ":",
                context,
            ])
        }
        K::Eks => cat(&["system:serviceaccount:", tenant, ":", project]),
        K::CircleCi => cat(&["org/", tenant, "/project/", project, "/user/", context]),
        K::Bitbucket => cat(&[project, ":", context]),
        _ => project.to_owned(),
    }
}

/// Contexts a witness subject can carry, most ordinary first.
pub fn contexts(kind: IssuerKind) -> &'static [&'static str] {
    use IssuerKind as K;
    match kind {
        K::GitHub | K::GitHubLegacy => &[
            "ref:refs/heads/main",
            "ref:refs/heads/zz-attacker",
            "environment:zz-attacker",
            "ref:refs/tags/zz-attacker",
            "pull_request",
        ],
        K::GitLab => &[
            "ref_type:branch:ref:main",
            "ref_type:branch:ref:zz-attacker",
            "ref_type:tag:ref:main",
        ],
        K::HcpTerraform => &["run_phase:apply", "run_phase:plan"],
        K::CircleCi => &[
            "zz-attacker",
            "zz-attacker/vcs-origin/github.com/zz-attacker/zz-repo/vcs-ref/refs/heads/main",
        ],
        K::Bitbucket => &["{zz-step}", "{zz-env}:{zz-step}"],
        _ => &[""],
    }
}

/// [`fills`], computed once per issuer kind for the process: recomputing it for every statement
/// was 20 % of an account-dump audit (instructions, after the witness cache).
pub fn fills_cached(kind: IssuerKind) -> &'static [String] {
    static CACHE: [OnceLock<Vec<String>>; KINDS] = [const { OnceLock::new() }; KINDS];
    match CACHE.get(kind as usize) {
        Some(cell) => cell.get_or_init(|| fills(kind)),
        None => &[],
    }
}

/// The number of [`IssuerKind`] variants (the size of the [`fills_cached`] table).
const KINDS: usize = IssuerKind::Other as usize + 1;

/// Text used to fill a wildcard when building witnesses: chosen to extend a partial segment
/// (`-evil`), start a fresh segment (`zz-attacker`), or complete a whole subject.
pub fn fills(kind: IssuerKind) -> Vec<String> {
    let mut f: Vec<String> = ["", "x", "-evil", "zz-attacker", "@123"]
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
    for ctx in contexts(kind) {
        for (t, p) in [("zz-attacker", "zz-repo"), ("x", "x")] {
            let whole = make_subject(kind, t, p, ctx);
            // Suffixes of a full subject complete any partial pattern that ends in `*`.
            for (i, _) in whole.char_indices() {
                if let Some(s) = whole.get(i..) {
                    if i > 0 && matches!(whole.get(i - 1..i), Some(":" | "/" | "@")) {
                        f.push(s.to_owned());
                        f.push(format!("-evil{}", whole.get(i - 1..).unwrap_or("")));
                    }
                }
            }
            f.push(whole);
        }
        f.push((*ctx).to_owned());
        f.push(format!("-evil:{ctx}"));
        f.push(format!("@1:{ctx}"));
    }
    f.sort();
    f.dedup();
    f
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_tenancy() {
        let gh = classify_federated(
            "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com",
        );
        assert_eq!((gh.kind, gh.tenancy), (IssuerKind::GitHub, Tenancy::Shared));
        assert_eq!(gh.account.as_deref(), Some("111122223333"));
        let ent = classify_federated(
            "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com/acme",
        );
        assert_eq!(ent.tenancy, Tenancy::TenantScoped);
        let eks = classify_federated(
            "arn:aws:iam::1:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/ABC",
        );
        assert_eq!(
            (eks.kind, eks.tenancy),
            (IssuerKind::Eks, Tenancy::TenantScoped)
        );
        assert_eq!(
            classify_federated("cognito-identity.amazonaws.com").kind,
            IssuerKind::Cognito
        );
    }

    #[test]
    fn github_grammar() {
        let s = parse_subject(IssuerKind::GitHub, "repo:octo@1/app@2:ref:refs/heads/main").unwrap();
        assert_eq!((s.tenant.as_str(), s.project.as_str()), ("octo", "app"));
        assert!(parse_subject(IssuerKind::GitHub, "invalid").is_none());
        assert!(parse_subject(IssuerKind::GitHub, "repo:*").is_none());
        assert!(parse_subject(IssuerKind::GitHub, "repo:o/r:pull_request").is_some());
    }

    #[test]
    fn claims_depend_on_date() {
        const GH: &str = "token.actions.githubusercontent.com";
        assert_eq!(
            claim_presence(IssuerKind::GitHub, GH, "actor", true),
            Presence::Never
        );
        assert_eq!(
            claim_presence(IssuerKind::GitHub, GH, "actor", false),
            Presence::Sometimes
        );
        assert_eq!(
            claim_presence(IssuerKind::GitHub, GH, "iss", false),
            Presence::Never
        );
    }

    /// The audit reads the evaluator's table for every issuer, with the key
    /// prefix as the audit holds it (lower-cased).
    #[test]
    fn claims_follow_the_table_per_issuer() {
        let cases = [
            (
                IssuerKind::GitLab,
                "gitlab.com",
                "namespace_id",
                Presence::Sometimes,
            ),
            (
                IssuerKind::GitLab,
                "gitlab.com",
                "project_path",
                Presence::Never,
            ),
            (
                IssuerKind::GitLab,
                "gitlab.example.com",
                "namespace_id",
                Presence::Never,
            ),
            (
                IssuerKind::CircleCi,
                "oidc.circleci.com/org/0fbd8a1e-1b2c-4d5e-8f90-123456789abc",
                "oidc.circleci.com/project-id",
                Presence::Sometimes,
            ),
            (
                IssuerKind::CircleCi,
                "oidc.circleci.com/org/0fbd8a1e-1b2c-4d5e-8f90-123456789abc",
                "oidc.circleci.com/vcs-origin",
                Presence::Never,
            ),
            (
                IssuerKind::GitHub,
                "token.actions.githubusercontent.com/octo-inc",
                "repository_owner_id",
                Presence::Sometimes,
            ),
            (
                IssuerKind::Google,
                "accounts.google.com",
                "google/organization_number",
                Presence::Sometimes,
            ),
            (
                IssuerKind::Google,
                "accounts.google.com",
                "email",
                Presence::Never,
            ),
        ];
        for (kind, provider, claim, want) in cases {
            assert_eq!(
                claim_presence(kind, provider, claim, false),
                want,
                "{provider}:{claim}"
            );
            if want == Presence::Sometimes {
                assert_eq!(claim_presence(kind, provider, claim, true), Presence::Never);
            }
        }
    }
}
