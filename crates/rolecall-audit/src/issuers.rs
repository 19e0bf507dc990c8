//! The audit's adapter over `rolecall_eval::issuers`, which holds the issuer knowledge shared with
//! the evaluator and the analyzer: which issuer a principal names and who can mint its tokens
//! (anyone, for a shared issuer such as GitHub or Google; only one tenant's workloads, for a
//! tenant-scoped one, whose findings are one severity level lower), and which keys STS exposes.
//! What stays here is the audit's own use of it: the keys that bound an identity (`TP-OIDC-NO-SUB`),
//! and which grammar field names the tenant and the project its breadth findings speak of. The
//! audit parses no subject itself: grammars (and the partitions of issuers) are data of
//! `rolecall_eval::issuers`. The 2026
//! provider-specific keys are switched off by [`crate::AuditOptions::pre_2026_claims`].

use std::sync::OnceLock;

use rolecall_eval::issuers::Part;
pub use rolecall_eval::issuers::{
    classify_federated, is_multivalued, FieldRole, Issuer, IssuerKind, Presence, SubjectGrammar,
    Tenancy,
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

/// The `sub` grammar the audit reads an issuer's subjects with: `github` (a custom template's,
/// [`crate::AuditOptions::with_github_subjects`]) for GitHub issuers when given, otherwise
/// `rolecall_eval::issuers::subject_grammar`, built once per kind for the process. `None` for
/// the issuers whose subjects the audit analyses over all strings (see [`has_grammar`]).
pub fn grammar(kind: IssuerKind, github: Option<&SubjectGrammar>) -> Option<&SubjectGrammar> {
    static CACHE: [OnceLock<Option<SubjectGrammar>>; KINDS] = [const { OnceLock::new() }; KINDS];
    if !has_grammar(kind) {
        return None;
    }
    if let (IssuerKind::GitHub | IssuerKind::GitHubLegacy, Some(g)) = (kind, github) {
        return Some(g);
    }
    CACHE.get(kind as usize).and_then(|cell| {
        cell.get_or_init(|| rolecall_eval::issuers::subject_grammar(kind))
            .as_ref()
    })
}

/// The number of [`IssuerKind`] variants (the size of the [`grammar`] cache).
const KINDS: usize = IssuerKind::Other as usize + 1;

/// Whether the audit reads this issuer's subjects with its grammar (tenant, project and
/// context fields); the others get TP-SUB-GRAMMAR-UNKNOWN.
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

/// The field that names an issuer's tenant in the audit's findings: the field of role
/// [`FieldRole::Tenant`], else [`FieldRole::TenantId`] (CircleCI's organisation id).
pub fn tenant_field(g: &SubjectGrammar, form: &str) -> Option<String> {
    let f = g.form(form)?;
    let by = |role: FieldRole| {
        f.parts.iter().find_map(|p| match p {
            Part::Field(x) if x.role == role => Some(x.name.clone()),
            _ => None,
        })
    };
    by(FieldRole::Tenant).or_else(|| by(FieldRole::TenantId))
}

/// The field that names the workload inside the tenant: HCP Terraform's workspace (unique in
/// its organisation, whatever the project), else the field of role [`FieldRole::Project`] that
/// comes first, else [`FieldRole::ProjectId`] (CircleCI's project id, Bitbucket's repository).
/// CircleCI's V2 `vcs_origin` is a detail of the project id, not the project.
pub fn project_field(kind: IssuerKind, g: &SubjectGrammar, form: &str) -> Option<String> {
    let f = g.form(form)?;
    let fields: Vec<&rolecall_eval::issuers::Field> = f
        .parts
        .iter()
        .filter_map(|p| match p {
            Part::Field(x) => Some(x),
            _ => None,
        })
        .collect();
    if kind == IssuerKind::HcpTerraform {
        return fields
            .iter()
            .find(|x| x.name == "workspace")
            .map(|x| x.name.clone());
    }
    if kind == IssuerKind::CircleCi {
        return fields
            .iter()
            .find(|x| x.role == FieldRole::ProjectId)
            .map(|x| x.name.clone());
    }
    fields
        .iter()
        .find(|x| x.role == FieldRole::Project)
        .or_else(|| fields.iter().find(|x| x.role == FieldRole::ProjectId))
        .map(|x| x.name.clone())
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
    fn grammar_fields() {
        let g = grammar(IssuerKind::GitHub, None).unwrap();
        let p = g.parse("repo:octo@1/app@2:ref:refs/heads/main").unwrap();
        assert_eq!(tenant_field(g, p.form).as_deref(), Some("owner"));
        assert_eq!(
            project_field(IssuerKind::GitHub, g, p.form).as_deref(),
            Some("repository")
        );
        assert!(g.parse("repo:*").is_none());
        let tfc = grammar(IssuerKind::HcpTerraform, None).unwrap();
        assert_eq!(
            project_field(IssuerKind::HcpTerraform, tfc, "run phase").as_deref(),
            Some("workspace")
        );
        let c = grammar(IssuerKind::CircleCi, None).unwrap();
        assert_eq!(tenant_field(c, "v2").as_deref(), Some("organization_id"));
        assert_eq!(
            project_field(IssuerKind::CircleCi, c, "v2").as_deref(),
            Some("project_id")
        );
        assert!(grammar(IssuerKind::Buildkite, None).is_none());
        // Bitbucket: no tenant field in the subject (the workspace is the issuer's), the
        // repository is the project whatever field comes first.
        let b = grammar(IssuerKind::Bitbucket, None).unwrap();
        for form in ["step", "deployment"] {
            assert_eq!(tenant_field(b, form), None, "{form}");
            assert_eq!(
                project_field(IssuerKind::Bitbucket, b, form).as_deref(),
                Some("repository_uuid"),
                "{form}"
            );
        }
        // GitLab: the namespace, in every form.
        let gl = grammar(IssuerKind::GitLab, None).unwrap();
        for form in &gl.forms {
            assert_eq!(
                tenant_field(gl, &form.name).as_deref(),
                Some("namespace"),
                "{}",
                form.name
            );
        }
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
