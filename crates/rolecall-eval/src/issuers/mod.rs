//! Issuer knowledge as data, shared by the evaluator, the analyzer and the
//! audit (docs/SEMANTICS.md §4.8):
//!
//! * **which issuer** a `Federated` principal, an `iss` claim or a
//!   `Service` principal names ([`classify_federated`], [`classify_issuer`],
//!   [`classify_service`]): a typed [`Issuer`] with its [`IssuerKind`], the
//!   tenant the issuer URL itself names ([`IssuerScope`]: an EKS cluster in
//!   its partition and region, a GitHub enterprise, a CircleCI
//!   organisation...) and its [`Tenancy`] (whether anyone can mint tokens,
//!   or only one tenant's workloads);
//! * **which keys it sends** ([`Issuer::presence`]): always, sometimes or
//!   never, from the standard keys and the dated provider-specific table of
//!   [`crate::claims::CLAIM_TABLES`];
//! * **the grammar of its `sub`** ([`Issuer::subject_grammar`], the types of
//!   [`grammar`]). An issuer without a grammar (`None`) is analysed over all
//!   strings;
//! * **why a `sub` did not match** ([`hints`]), in the issuer's terms.

pub mod grammar;
pub mod hints;
mod subjects;

use serde::Serialize;

pub use grammar::{
    CharRange, Field, FieldRole, NameAlphabet, Parsed, Part, SubjectForm, SubjectGrammar,
};
pub use subjects::TemplateError;

use crate::claims::ClaimRules;

/// The issuers rolecall knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum IssuerKind {
    /// GitHub Actions: `token.actions.githubusercontent.com`, an
    /// enterprise's `token.actions.githubusercontent.com/<slug>`, GHE.com's
    /// `token.actions.<subdomain>.ghe.com`, AWS's
    /// `github.com/enterprises/<name>` spelling, or a GitHub Enterprise
    /// Server's `<host>/_services/token`.
    GitHub,
    /// `vstoken.actions.githubusercontent.com`, GitHub's retired pre-GA issuer.
    GitHubLegacy,
    /// `gitlab.com`, or a self-managed GitLab (recognised only by a host
    /// name containing `gitlab`).
    GitLab,
    /// HCP Terraform, `app.terraform.io`.
    HcpTerraform,
    /// An EKS cluster's issuer, `oidc.eks.<region>.amazonaws.com/id/<id>`
    /// (`.amazonaws.com.cn` in China).
    Eks,
    /// CircleCI, `oidc.circleci.com/org/<org-id>`.
    CircleCi,
    /// Bitbucket Pipelines,
    /// `api.bitbucket.org/2.0/workspaces/<workspace>/pipelines-config/identity/oidc`.
    Bitbucket,
    /// Buildkite, `agent.buildkite.com`.
    Buildkite,
    /// Google, `accounts.google.com`.
    Google,
    /// Cognito identity pools, `cognito-identity.amazonaws.com`.
    Cognito,
    /// Login with Amazon, `www.amazon.com`.
    Amazon,
    /// Facebook, `graph.facebook.com`.
    Facebook,
    /// Microsoft Entra ID (`sts.windows.net/<tenant>/`,
    /// `login.microsoftonline.com/<tenant>/v2.0`).
    Entra,
    /// A SAML provider.
    Saml,
    /// EKS Pod Identity: the `Service` principal `pods.eks.amazonaws.com`,
    /// which identifies pods by session tags, not by a token's `sub`.
    EksPodIdentity,
    /// An OIDC issuer rolecall has no knowledge of. Keep last: it bounds
    /// tables indexed by kind.
    Other,
}

impl IssuerKind {
    /// Every kind, in declaration order.
    pub const ALL: [IssuerKind; 16] = [
        IssuerKind::GitHub,
        IssuerKind::GitHubLegacy,
        IssuerKind::GitLab,
        IssuerKind::HcpTerraform,
        IssuerKind::Eks,
        IssuerKind::CircleCi,
        IssuerKind::Bitbucket,
        IssuerKind::Buildkite,
        IssuerKind::Google,
        IssuerKind::Cognito,
        IssuerKind::Amazon,
        IssuerKind::Facebook,
        IssuerKind::Entra,
        IssuerKind::Saml,
        IssuerKind::EksPodIdentity,
        IssuerKind::Other,
    ];
}

/// Who can obtain a token from the issuer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Tenancy {
    /// Anyone (a free account suffices): GitHub, gitlab.com, HCP
    /// Terraform, Buildkite, Google, Cognito, Amazon, Facebook.
    Shared,
    /// Only the workloads of one tenant: an EKS cluster, a CircleCI
    /// organisation, a Bitbucket workspace, a GitHub enterprise issuer, a
    /// self-managed GitLab, an Entra tenant, a SAML provider, an unknown
    /// issuer.
    TenantScoped,
}

/// An AWS partition.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Partition {
    /// `aws`.
    Aws,
    /// `aws-cn` (China).
    AwsCn,
    /// `aws-us-gov` (GovCloud).
    AwsUsGov,
    /// Another partition name (`aws-iso`, ...).
    Other(String),
}

impl Partition {
    /// The partition of an ARN's second field.
    pub fn from_name(name: &str) -> Partition {
        match name {
            "aws" => Partition::Aws,
            "aws-cn" => Partition::AwsCn,
            "aws-us-gov" => Partition::AwsUsGov,
            other => Partition::Other(other.to_owned()),
        }
    }

    /// The partition's name, as in ARNs.
    pub fn name(&self) -> &str {
        match self {
            Partition::Aws => "aws",
            Partition::AwsCn => "aws-cn",
            Partition::AwsUsGov => "aws-us-gov",
            Partition::Other(n) => n,
        }
    }
}

/// The tenant an issuer URL names by itself, when it names one.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case", tag = "kind")]
pub enum IssuerScope {
    /// An EKS cluster's issuer.
    EksCluster {
        /// The partition its host belongs to (`.amazonaws.com.cn`: China;
        /// a `us-gov-` region: GovCloud).
        partition: Partition,
        /// The region (`us-east-1`, `cn-north-1`, `us-gov-west-1`).
        region: String,
        /// The cluster's issuer id, when the URL has `/id/<id>`.
        id: Option<String>,
    },
    /// A GitHub enterprise with a customised issuer
    /// (`token.actions.githubusercontent.com/<slug>`), or AWS's
    /// `github.com/enterprises/<name>` spelling.
    GitHubEnterprise {
        /// The enterprise's slug.
        slug: String,
    },
    /// GitHub Enterprise Cloud with data residency,
    /// `token.actions.<subdomain>.ghe.com`.
    GheCom {
        /// The enterprise's subdomain.
        subdomain: String,
    },
    /// A GitHub Enterprise Server, `<host>/_services/token`.
    GitHubServer {
        /// Its host.
        host: String,
    },
    /// A self-managed GitLab.
    GitLabHost {
        /// Its host.
        host: String,
    },
    /// A CircleCI organisation.
    CircleCiOrg {
        /// The organisation id (a UUID).
        org_id: String,
    },
    /// A Bitbucket workspace.
    BitbucketWorkspace {
        /// The workspace slug.
        workspace: String,
    },
    /// An Entra tenant.
    EntraTenant {
        /// The tenant id.
        tenant: String,
    },
}

/// A classified principal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Issuer {
    /// Which issuer.
    pub kind: IssuerKind,
    /// The condition-key prefix: the issuer without `https://` (case and
    /// trailing `/` kept, as STS keeps them), `SAML` for a SAML provider,
    /// the service name for a `Service` principal.
    pub prefix: String,
    /// Shared or tenant-scoped.
    pub tenancy: Tenancy,
    /// The account that owns the provider, for provider ARNs.
    pub account: Option<String>,
    /// The partition of the provider ARN, for provider ARNs.
    pub partition: Option<Partition>,
    /// The tenant the issuer URL names, if any.
    pub scope: Option<IssuerScope>,
}

/// Classifies a `Federated` principal value: an OIDC or SAML provider ARN,
/// or a built-in provider name (`accounts.google.com`,
/// `cognito-identity.amazonaws.com`, ...).
pub fn classify_federated(value: &str) -> Issuer {
    let mut account = None;
    let mut partition = None;
    let mut prefix = value;
    let mut saml = false;
    if let Some(rest) = value.strip_prefix("arn:") {
        // arn:<partition>:iam::<account>:oidc-provider/<host/path>
        let parts: Vec<&str> = rest.splitn(5, ':').collect();
        partition = parts.first().map(|p| Partition::from_name(p));
        account = parts.get(3).map(|s| (*s).to_owned());
        match parts.get(4) {
            Some(res) if res.starts_with("oidc-provider/") => {
                prefix = res.get("oidc-provider/".len()..).unwrap_or("");
            }
            Some(res) if res.starts_with("saml-provider/") => saml = true,
            _ => {}
        }
    }
    if saml {
        return Issuer {
            kind: IssuerKind::Saml,
            prefix: "SAML".to_owned(),
            tenancy: Tenancy::TenantScoped,
            account,
            partition,
            scope: None,
        };
    }
    let mut issuer = classify_issuer(prefix);
    issuer.account = account;
    issuer.partition = partition;
    issuer
}

/// Classifies an issuer (an `iss` claim, with or without `https://`, or a
/// key prefix).
pub fn classify_issuer(iss: &str) -> Issuer {
    let prefix = iss.strip_prefix("https://").unwrap_or(iss);
    let (kind, tenancy, scope) = classify_prefix(prefix);
    Issuer {
        kind,
        prefix: prefix.to_owned(),
        tenancy,
        account: None,
        partition: None,
        scope,
    }
}

/// Classifies a `Service` principal: `pods.eks.amazonaws.com` is EKS Pod
/// Identity; any other service is not an issuer (`None`).
pub fn classify_service(service: &str) -> Option<Issuer> {
    (service == POD_IDENTITY_SERVICE).then(|| Issuer {
        kind: IssuerKind::EksPodIdentity,
        prefix: service.to_owned(),
        // Any Pod Identity association of the role's account: the
        // account's own clusters.
        tenancy: Tenancy::TenantScoped,
        account: None,
        partition: None,
        scope: None,
    })
}

/// The EKS Pod Identity service principal.
pub const POD_IDENTITY_SERVICE: &str = "pods.eks.amazonaws.com";

/// The session tags EKS Pod Identity always passes (docs/SEMANTICS.md
/// §4.6), as `aws:RequestTag/<tag>` keys, with the values each takes.
pub fn pod_identity_tags() -> Vec<(&'static str, NameAlphabet)> {
    let any = NameAlphabet::any_except(&[], 1);
    vec![
        ("eks-cluster-arn", any.clone()),
        ("eks-cluster-name", subjects::eks_cluster_name()),
        ("kubernetes-namespace", NameAlphabet::dns1123_label()),
        (
            "kubernetes-service-account",
            NameAlphabet::dns1123_subdomain(),
        ),
        ("kubernetes-pod-name", NameAlphabet::dns1123_subdomain()),
        ("kubernetes-pod-uid", any),
    ]
}

/// `s` is a non-empty run of ASCII letters, digits and `extra`.
fn is_name(s: &str, extra: &[u8]) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || extra.contains(&b))
}

/// An AWS region name: `xx-name-1`, `us-gov-west-1`, `cn-north-1`.
fn is_region(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    parts.len() >= 3
        && parts
            .first()
            .is_some_and(|p| p.len() == 2 && p.bytes().all(|b| b.is_ascii_lowercase()))
        && parts
            .last()
            .is_some_and(|p| is_name(p, b"") && p.bytes().all(|b| b.is_ascii_digit()))
        && parts.get(1..parts.len() - 1).is_some_and(|m| {
            m.iter()
                .all(|p| is_name(p, b"") && p.bytes().all(|b| b.is_ascii_lowercase()))
        })
}

/// An EKS cluster's issuer host and path.
fn eks_scope(host: &str, path: &str) -> Option<IssuerScope> {
    let (rest, china) = match host.strip_suffix(".amazonaws.com.cn") {
        Some(r) => (r, true),
        None => (host.strip_suffix(".amazonaws.com")?, false),
    };
    let region = rest.strip_prefix("oidc.eks.")?;
    if !is_region(region) {
        return None;
    }
    let partition = if china {
        Partition::AwsCn
    } else if region.starts_with("us-gov-") {
        Partition::AwsUsGov
    } else {
        Partition::Aws
    };
    let id = path
        .strip_prefix("id/")
        .filter(|id| is_name(id, b""))
        .map(str::to_owned);
    Some(IssuerScope::EksCluster {
        partition,
        region: region.to_owned(),
        id,
    })
}

fn classify_prefix(p: &str) -> (IssuerKind, Tenancy, Option<IssuerScope>) {
    use IssuerKind as K;
    use Tenancy::{Shared, TenantScoped};
    let (host, path) = p.split_once('/').unwrap_or((p, ""));
    // DNS names compare ignoring case.
    let lower = host.to_ascii_lowercase();
    let host_l = lower.as_str();
    let slug = path.trim_end_matches('/');
    match host_l {
        "token.actions.githubusercontent.com" if slug.is_empty() => (K::GitHub, Shared, None),
        "token.actions.githubusercontent.com" if is_name(slug, b"-_") => (
            K::GitHub,
            TenantScoped,
            Some(IssuerScope::GitHubEnterprise {
                slug: slug.to_owned(),
            }),
        ),
        "github.com" => match slug.strip_prefix("enterprises/") {
            Some(name) if is_name(name, b"-_") => (
                K::GitHub,
                TenantScoped,
                Some(IssuerScope::GitHubEnterprise {
                    slug: name.to_owned(),
                }),
            ),
            _ => (K::Other, TenantScoped, None),
        },
        "vstoken.actions.githubusercontent.com" => (K::GitHubLegacy, Shared, None),
        "gitlab.com" => (K::GitLab, Shared, None),
        "app.terraform.io" => (K::HcpTerraform, Shared, None),
        "agent.buildkite.com" => (K::Buildkite, Shared, None),
        "oidc.circleci.com" => match slug.strip_prefix("org/") {
            Some(org) if is_name(org, b"-") => (
                K::CircleCi,
                TenantScoped,
                Some(IssuerScope::CircleCiOrg {
                    org_id: org.to_owned(),
                }),
            ),
            _ => (K::CircleCi, TenantScoped, None),
        },
        "api.bitbucket.org" => {
            let ws = slug
                .strip_prefix("2.0/workspaces/")
                .and_then(|r| r.strip_suffix("/pipelines-config/identity/oidc"))
                .filter(|w| is_name(w, b"-_."))
                .map(|w| IssuerScope::BitbucketWorkspace {
                    workspace: w.to_owned(),
                });
            (K::Bitbucket, TenantScoped, ws)
        }
        "accounts.google.com" => (K::Google, Shared, None),
        "cognito-identity.amazonaws.com" => (K::Cognito, Shared, None),
        "www.amazon.com" => (K::Amazon, Shared, None),
        "graph.facebook.com" => (K::Facebook, Shared, None),
        "sts.windows.net" | "login.microsoftonline.com" => {
            let tenant = slug.split('/').next().filter(|t| !t.is_empty());
            (
                K::Entra,
                TenantScoped,
                tenant.map(|t| IssuerScope::EntraTenant {
                    tenant: t.to_owned(),
                }),
            )
        }
        h => {
            if let Some(scope) = eks_scope(h, slug) {
                return (K::Eks, TenantScoped, Some(scope));
            }
            if let Some(sub) = h
                .strip_prefix("token.actions.")
                .and_then(|r| r.strip_suffix(".ghe.com"))
                .filter(|s| is_name(s, b"-"))
            {
                return (
                    K::GitHub,
                    TenantScoped,
                    Some(IssuerScope::GheCom {
                        subdomain: sub.to_owned(),
                    }),
                );
            }
            if slug == "_services/token" {
                return (
                    K::GitHub,
                    TenantScoped,
                    Some(IssuerScope::GitHubServer { host: h.to_owned() }),
                );
            }
            if h.starts_with("agent.")
                && (h.ends_with(".buildkite.dev") || h.ends_with(".buildkite.site"))
            {
                return (K::Buildkite, Shared, None);
            }
            if h.contains("gitlab") {
                return (
                    K::GitLab,
                    TenantScoped,
                    Some(IssuerScope::GitLabHost { host: h.to_owned() }),
                );
            }
            (K::Other, TenantScoped, None)
        }
    }
}

/// Whether an issuer puts a key into the request context.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Presence {
    /// In every token (`sub`, `aud`).
    Always,
    /// In some tokens: optional claims (`azp`, `amr` for most issuers), and
    /// the provider-specific keys of the claim table, which STS adds only
    /// when the token has the claim.
    Sometimes,
    /// Never: STS does not expose this claim for this issuer.
    Never,
}

impl Issuer {
    /// Whether STS puts `<prefix>:<claim>` into the context for this
    /// issuer under `rules` (`claim` compared ignoring ASCII case, as key
    /// names are).
    pub fn presence(&self, claim: &str, rules: &ClaimRules) -> Presence {
        claim_presence(self.kind, &self.prefix, claim, rules)
    }

    /// The grammar of this issuer's `sub`, or `None` when rolecall has
    /// none (the subject is then analysed over all strings).
    pub fn subject_grammar(&self) -> Option<SubjectGrammar> {
        subject_grammar(self.kind)
    }

    /// Whether the issuer URL names a GitHub enterprise, GHE.com
    /// subdomain, CircleCI organisation... ([`IssuerScope`]).
    pub fn is_scoped(&self) -> bool {
        self.scope.is_some()
    }
}

/// Whether STS puts `<provider>:<claim>` into the context for an issuer of
/// `kind` whose key prefix is `provider`: `sub` and `aud` always (for OIDC
/// issuers), Google's `oaud` always and its `azp` when the token has it,
/// an unknown issuer's `amr`/`azp` when the token has them (the CI
/// issuers and EKS document tokens without them), Cognito's `amr` always, the OAuth providers' two keys,
/// and the provider-specific keys of `rules`' table when the token has the
/// claim. Compared ignoring ASCII case.
pub fn claim_presence(
    kind: IssuerKind,
    provider: &str,
    claim: &str,
    rules: &ClaimRules,
) -> Presence {
    use IssuerKind as K;
    let c = claim.to_ascii_lowercase();
    match (kind, c.as_str()) {
        (K::Amazon, "app_id" | "user_id") | (K::Facebook, "app_id" | "id") => Presence::Always,
        (K::Amazon | K::Facebook, _) => Presence::Never,
        (K::Saml, _) => Presence::Sometimes,
        (K::EksPodIdentity, _) => Presence::Never,
        (_, "sub" | "aud") => Presence::Always,
        (K::Google, "oaud") => Presence::Always,
        (K::Cognito, "amr") => Presence::Always,
        (K::Cognito, _) => Presence::Never,
        (K::Google, "azp") => Presence::Sometimes,
        // Issuers rolecall knows by name document tokens without `amr` or
        // `azp`; an unknown issuer (Okta, Auth0, ...) or Entra may send them.
        (K::Other | K::Entra, "amr" | "azp") => Presence::Sometimes,
        _ if rules
            .provider_claims(provider)
            .iter()
            .any(|k| k.name.eq_ignore_ascii_case(claim)) =>
        {
            Presence::Sometimes
        }
        _ => Presence::Never,
    }
}

/// Whether a key is multivalued for this issuer (set operators are then
/// the right tool): Cognito's and every OIDC issuer's `amr`.
pub fn is_multivalued(kind: IssuerKind, claim: &str) -> bool {
    !matches!(
        kind,
        IssuerKind::Amazon | IssuerKind::Facebook | IssuerKind::Saml
    ) && claim.eq_ignore_ascii_case("amr")
}

/// The grammar of the `sub` of every issuer of `kind`, or `None` when
/// rolecall has none: such subjects are analysed over all strings.
///
/// GitHub's is the default template in both its name and its immutable
/// (`repo:OWNER@ID/REPO@ID`) forms; an organisation with a custom template
/// needs [`SubjectGrammar::github_template`].
pub fn subject_grammar(kind: IssuerKind) -> Option<SubjectGrammar> {
    use IssuerKind as K;
    match kind {
        K::GitHub | K::GitHubLegacy => Some(SubjectGrammar::github()),
        K::Eks => Some(SubjectGrammar::eks()),
        K::GitLab => Some(SubjectGrammar::gitlab()),
        K::HcpTerraform => Some(SubjectGrammar::hcp_terraform()),
        K::CircleCi => Some(SubjectGrammar::circleci()),
        K::Bitbucket => Some(SubjectGrammar::bitbucket()),
        K::Buildkite => Some(SubjectGrammar::buildkite()),
        K::Cognito => Some(SubjectGrammar::cognito_id()),
        K::Google => Some(SubjectGrammar::google()),
        _ => None,
    }
}

/// The grammar of the values of `<provider>:<claim>` for an issuer of
/// `kind` (`claim` compared ignoring ASCII case): `sub` as
/// [`subject_grammar`], Cognito's `aud` (an identity pool id) and the
/// elements of its `amr`; `None` for any other key, whose values are
/// analysed over all strings.
pub fn claim_grammar(kind: IssuerKind, claim: &str) -> Option<SubjectGrammar> {
    let c = claim.to_ascii_lowercase();
    match (kind, c.as_str()) {
        (_, "sub") => subject_grammar(kind),
        (IssuerKind::Cognito, "aud") => Some(SubjectGrammar::cognito_id()),
        (IssuerKind::Cognito, "amr") => Some(SubjectGrammar::cognito_amr()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_tenancy_and_scope() {
        let gh = classify_federated(
            "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com",
        );
        assert_eq!((gh.kind, gh.tenancy), (IssuerKind::GitHub, Tenancy::Shared));
        assert_eq!(gh.account.as_deref(), Some("111122223333"));
        assert_eq!(gh.partition, Some(Partition::Aws));
        let ent = classify_federated(
            "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com/acme",
        );
        assert_eq!(ent.tenancy, Tenancy::TenantScoped);
        assert_eq!(
            ent.scope,
            Some(IssuerScope::GitHubEnterprise {
                slug: "acme".into()
            })
        );
        let ghe = classify_issuer("https://token.actions.octo.ghe.com");
        assert_eq!(
            (ghe.kind, ghe.tenancy),
            (IssuerKind::GitHub, Tenancy::TenantScoped)
        );
        let ghes = classify_issuer("https://github.example.com/_services/token");
        assert_eq!(ghes.kind, IssuerKind::GitHub);
        assert_eq!(ghes.tenancy, Tenancy::TenantScoped);
        assert_eq!(
            classify_issuer("https://gitlab.com").tenancy,
            Tenancy::Shared
        );
        let gl = classify_issuer("https://gitlab.example.com");
        assert_eq!(
            (gl.kind, gl.tenancy),
            (IssuerKind::GitLab, Tenancy::TenantScoped)
        );
        assert_eq!(
            classify_issuer("agent.buildkite.com").kind,
            IssuerKind::Buildkite
        );
        let cci = classify_issuer("oidc.circleci.com/org/0fbd8a1e-1b2c-4d5e-8f90-123456789abc");
        assert_eq!(cci.kind, IssuerKind::CircleCi);
        assert!(cci.is_scoped());
        assert_eq!(
            classify_federated("cognito-identity.amazonaws.com").kind,
            IssuerKind::Cognito
        );
        let saml = classify_federated("arn:aws:iam::111122223333:saml-provider/okta");
        assert_eq!(
            (saml.kind, saml.prefix.as_str()),
            (IssuerKind::Saml, "SAML")
        );
        assert_eq!(
            classify_issuer("https://example.com").kind,
            IssuerKind::Other
        );
        assert_eq!(
            classify_service("pods.eks.amazonaws.com").map(|i| i.kind),
            Some(IssuerKind::EksPodIdentity)
        );
        assert!(classify_service("ec2.amazonaws.com").is_none());
    }

    #[test]
    fn eks_in_every_partition() {
        let cases = [
            (
                "oidc.eks.us-east-1.amazonaws.com/id/ABC",
                Partition::Aws,
                "us-east-1",
            ),
            (
                "oidc.eks.cn-north-1.amazonaws.com.cn/id/ABC",
                Partition::AwsCn,
                "cn-north-1",
            ),
            (
                "oidc.eks.cn-northwest-1.amazonaws.com.cn/id/ABC",
                Partition::AwsCn,
                "cn-northwest-1",
            ),
            (
                "oidc.eks.us-gov-west-1.amazonaws.com/id/ABC",
                Partition::AwsUsGov,
                "us-gov-west-1",
            ),
        ];
        for (prefix, partition, region) in cases {
            let i =
                classify_federated(&format!("arn:aws:iam::111122223333:oidc-provider/{prefix}"));
            assert_eq!(
                (i.kind, i.tenancy),
                (IssuerKind::Eks, Tenancy::TenantScoped),
                "{prefix}"
            );
            assert_eq!(
                i.scope,
                Some(IssuerScope::EksCluster {
                    partition,
                    region: region.into(),
                    id: Some("ABC".into())
                }),
                "{prefix}"
            );
        }
        // The misspelling `oidc.<region>.eks...` and a host that is not a
        // region are not EKS.
        for other in [
            "oidc.us-east-1.eks.amazonaws.com/id/ABC",
            "oidc.eks.amazonaws.com/id/ABC",
            "oidc.eks.us-east-1.amazonaws.com.evil.example/id/ABC",
        ] {
            assert_eq!(classify_issuer(other).kind, IssuerKind::Other, "{other}");
        }
    }

    #[test]
    fn presence_follows_the_dated_table() {
        const GH: &str = "token.actions.githubusercontent.com";
        let now = ClaimRules::default();
        let old = ClaimRules::pre_2026();
        let gh = classify_issuer(GH);
        assert_eq!(gh.presence("sub", &old), Presence::Always);
        assert_eq!(gh.presence("actor", &old), Presence::Never);
        assert_eq!(gh.presence("actor", &now), Presence::Sometimes);
        assert_eq!(gh.presence("Repository", &now), Presence::Sometimes);
        assert_eq!(gh.presence("iss", &now), Presence::Never);
        let eks = classify_issuer("oidc.eks.us-east-1.amazonaws.com/id/ABC");
        assert_eq!(eks.presence("namespace", &now), Presence::Never);
        let gl = classify_issuer("gitlab.example.com");
        assert_eq!(gl.presence("project_id", &now), Presence::Never);
        assert_eq!(
            classify_issuer("gitlab.com").presence("project_id", &now),
            Presence::Sometimes
        );
        let cognito = classify_issuer("cognito-identity.amazonaws.com");
        assert_eq!(cognito.presence("amr", &old), Presence::Always);
        assert!(is_multivalued(IssuerKind::Cognito, "amr"));
    }
}
