//! The rule catalogue: every rule's stable id, texts and an example that fires it.
//!
//! Each rule is a [`RuleId`] variant generated from the one table below, so call sites name
//! rules by type, never by string. The logic lives in the family modules below; this table is what reports (SARIF `rules[]`),
//! configuration validation and the rule reference read. `docs/RULES.md` is generated from it
//! (`rolecall audit --list-rules --format markdown`), and a test audits every [`Example`] and
//! checks that it produces its rule, so the reference cannot drift from the code.

use crate::finding::Severity;

mod aws_principals;
mod circleci;
mod cognito;
pub(crate) mod common;
mod eks;
mod github;
mod gitlab;
mod oidc;
mod pod_identity;
mod services;
mod structural;
mod tfc;

/// Static description of one rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RuleInfo {
    /// The rule.
    pub id: RuleId,
    /// One-line title.
    pub title: &'static str,
    /// Default severity for a shared issuer (tenant-scoped issuers lower it by one level).
    pub severity: Severity,
    /// What the rule looks for, precisely enough to predict when it fires.
    pub detects: &'static str,
    /// Why it matters.
    pub why: &'static str,
    /// How to fix it.
    pub fix: &'static str,
    /// Public sources (URLs).
    pub references: &'static [&'static str],
    /// A minimal input that fires the rule.
    pub example: Example,
}

/// A minimal input that fires a rule: a trust policy, or the container it needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Example {
    /// The file name the input is read under (`.yaml` is read as a CloudFormation template).
    pub file: &'static str,
    /// The file's content.
    pub text: &'static str,
    /// A `--providers` file the rule needs (`aws iam get-open-id-connect-provider` output),
    /// if any.
    pub providers: Option<&'static str>,
}

const DD: &str = "https://securitylabs.datadoghq.com/articles/exploring-github-to-aws-keyless-authentication-flaws/";
const AA: &str =
    "https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html";
const GH: &str = "https://docs.github.com/en/actions/how-tos/secure-your-work/security-harden-deployments/oidc-in-aws";
const COND: &str = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_multi-value-conditions.html";
const STS26: &str = "https://aws.amazon.com/about-aws/whats-new/2026/01/aws-sts-supports-validation-identity-provider-claims/";
const EKS: &str =
    "https://docs.aws.amazon.com/eks/latest/userguide/associate-service-account-role.html";
const PODID: &str = "https://docs.aws.amazon.com/eks/latest/userguide/pod-id-role.html";
const DEPUTY: &str = "https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html";
const GITLAB: &str = "https://docs.gitlab.com/ee/ci/cloud_services/aws/";
const TFC: &str = "https://developer.hashicorp.com/terraform/cloud-docs/workspaces/dynamic-provider-credentials/aws-configuration";
const COGNITO: &str =
    "https://docs.aws.amazon.com/cognito/latest/developerguide/role-trust-and-permissions.html";
const QUOTAS: &str = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html";
const GRAMMAR: &str =
    "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html";

macro_rules! rules {
    (@providers) => { None };
    (@providers $p:literal) => { Some(include_str!(concat!("rule-examples/", $p))) };
    ($($var:ident = $id:literal, $sev:ident, $title:literal, $detects:literal, $why:literal,
        $fix:literal, [$($r:expr),*], $ex:literal $(+ $prov:literal)?;)*) => {
        /// A rule of the catalogue. Its stable text form ([`RuleId::as_str`], `TP-...`) is what
        /// JSON, SARIF, baselines and `.rolecall.toml` carry.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        #[non_exhaustive]
        pub enum RuleId {
            $(
                #[doc = concat!("`", $id, "`: ", $title, ".")]
                $var,
            )*
        }

        impl RuleId {
            /// Every rule id, in catalogue order.
            pub const ALL: &'static [RuleId] = &[$(RuleId::$var,)*];

            /// The stable id, `TP-...`.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $(RuleId::$var => $id,)*
                }
            }

            /// The rule's catalogue entry.
            pub const fn info(self) -> &'static RuleInfo {
                match self {
                    $(RuleId::$var => &RuleInfo {
                        id: RuleId::$var,
                        title: $title,
                        severity: Severity::$sev,
                        detects: $detects,
                        why: $why,
                        fix: $fix,
                        references: &[$($r,)*],
                        example: Example {
                            file: $ex,
                            text: include_str!(concat!("rule-examples/", $ex)),
                            providers: rules!(@providers $($prov)?),
                        },
                    },)*
                }
            }
        }

        /// Every implemented rule, in catalogue order.
        pub const RULES: &[RuleInfo] = &[$(*RuleId::$var.info(),)*];
    };
}

rules! {
    InvalidPolicy = "TP-INVALID-POLICY", High, "Policy cannot be read or IAM would refuse it",
        "A document that is not valid JSON or YAML, has duplicate members, or breaks a rule IAM enforces when the policy is written (no `Effect` or `Principal`, a `Sid` with characters other than letters and digits, a condition value its operator cannot read).",
        "A document that does not parse or breaks IAM's write-time grammar cannot be evaluated; rolecall refuses to guess.",
        "Fix the reported syntax or grammar error.", [GRAMMAR], "TP-INVALID-POLICY.json";
    Unanalysable = "TP-UNANALYSABLE", Medium, "Trust policy could not be analysed",
        "A CloudFormation `AssumeRolePolicyDocument` built with an intrinsic function rolecall cannot resolve (`Ref`, `Fn::If`, `Fn::Sub` of a parameter), a Terraform `assume_role_policy` that is unknown until apply, or (as advice) a statement whose admitted subjects rolecall-analyze cannot compute exactly (beyond its automaton limits, or conditions it does not model): its breadth is then not reported, or only for the values it could analyse one by one.",
        "The policy is built from values known only at deploy time (CloudFormation intrinsic functions, Terraform values unknown at plan time); it may be open or broken.",
        "Audit the deployed role (`aws iam get-role`) or render the template with concrete values.", [], "TP-UNANALYSABLE.yaml";
    OidcNoCond = "TP-OIDC-NO-COND", Critical, "OIDC principal with no condition on the issuer's keys",
        "An Allow statement for a `Federated` OIDC principal with no condition on any key of that issuer (`<issuer>:sub`, `<issuer>:aud`, ...).",
        "Anyone who can obtain a token from the issuer can assume the role. Real roles assumable from arbitrary GitHub repositories were found this way.",
        "Add a StringEquals (or StringLike) condition on the issuer's identity key, e.g. `<issuer>:sub`, pinned to your tenant.", [DD, AA], "TP-OIDC-NO-COND.json";
    OidcNoSub = "TP-OIDC-NO-SUB", Critical, "No condition bounds the caller's identity",
        "An Allow statement for an OIDC principal whose conditions on the issuer's keys exist but none is a positive condition on a key that names the caller (`sub`, or for GitHub `repository`, `repository_id`, `job_workflow_ref`).",
        "Conditions exist, but none restricts an identity-bearing key (`sub`, ...). `aud` alone does not bound who the caller is for GitHub, GitLab, HCP Terraform or EKS.",
        "Pin the identity key (`sub`, or for GitHub `repository_id`/`sub`) with StringEquals to the exact subjects you trust.", [DD, GH], "TP-OIDC-NO-SUB.json";
    OidcSubWildcardAll = "TP-OIDC-SUB-WILDCARD-ALL", Critical, "Identity pattern matches every subject of the issuer",
        "A positive `sub` pattern under which rolecall-analyze finds every form of the issuer's subject grammar admitted with every field open (`*`, `repo:*`).",
        "A pattern such as `*` or `repo:*` admits every workload the issuer can mint a token for.",
        "Replace the pattern with exact subjects, or at least pin the owner/organisation and repository.", [GH, AA], "TP-OIDC-SUB-WILDCARD-ALL.json";
    OidcSubAnyOwner = "TP-OIDC-SUB-ANY-OWNER", Critical, "Tenant segment of the subject is left open",
        "A positive `sub` pattern that admits a subject of a tenant (owner, organisation, group) other than the one the pattern names, because the tenant segment is a wildcard.",
        "The owner/organisation/namespace segment is a wildcard, so anyone can create a matching repository, branch or project.",
        "Pin the owner segment literally (`repo:my-org/my-repo:...`).", [GH], "TP-OIDC-SUB-ANY-OWNER.json";
    SubGrammarUnknown = "TP-SUB-GRAMMAR-UNKNOWN", Info, "Subject grammar unknown for this issuer",
        "A positive `sub` condition for an issuer whose subject grammar rolecall does not know (an issuer it does not recognise, Buildkite, Entra ID, Google): the values are analysed over all strings, and the finding quotes a subject the statement admits (found by rolecall-analyze, checked by the evaluator). Also a GitHub `sub` that is no subject of the default template but starts with a claim of a custom one (`repository_owner:`, `repository_id:`), when no template is given (`--github-template`).",
        "Without the issuer's subject grammar rolecall cannot tell which tenants, projects or refs a pattern reaches, only which strings it matches; a wildcard may reach other tenants of a shared issuer.",
        "Pin `sub` exactly, or check the issuer's documentation for how it forms subjects and which parts anyone can choose.", [], "TP-SUB-GRAMMAR-UNKNOWN.json";
    MultiValueLoosest = "TP-MULTI-VALUE-LOOSEST", Critical, "One loose value in a list of values",
        "A condition on `sub` with several values where one value, read alone, admits a wider scope (any repository, any tenant) than the others.",
        "Values of one key are ORed; the loosest value decides who gets in. Reviewers, IAM's guardrail and checkov read only the first value.",
        "Remove the loose value or split intents into separate roles.", [COND], "TP-MULTI-VALUE-LOOSEST.json";
    OidcNoAud = "TP-OIDC-NO-AUD", Low, "Audience not pinned",
        "A statement for an OIDC issuer that has no positive condition on `<issuer>:aud` (not reported for Cognito and the consumer identity providers, whose `aud` is the app id checked elsewhere).",
        "Tokens minted for another audience that the provider accepts become valid for this role.",
        "Add StringEquals on `<issuer>:aud` (e.g. `sts.amazonaws.com`).", [], "TP-OIDC-NO-AUD.json";
    AudNotInClientlist = "TP-AUD-NOT-IN-CLIENTLIST", Low, "Audience not registered with the provider",
        "With `--providers`: a positive `aud` value (`StringEquals`, or a `StringLike` pattern) that none of the provider's registered client IDs satisfies.",
        "STS refuses a token whose audience is not in the OIDC provider's client ID list (\"Incorrect token audience\") before it reads the policy, so this value lets nobody in: the role is broken for it.",
        "Add the audience to the provider's client IDs (`aws iam add-client-id-to-open-id-connect-provider`) or fix the value.", [], "TP-AUD-NOT-IN-CLIENTLIST.json" + "TP-AUD-NOT-IN-CLIENTLIST.providers.json";
    WildcardInEquals = "TP-WILDCARD-IN-EQUALS", Info, "`*` or `?` under an equality operator",
        "A value containing `*` or `?` under `StringEquals`, `StringNotEquals` or their `IgnoreCase` forms, where they are compared literally.",
        "StringEquals compares `*` and `?` literally: a positive operator then never matches what was meant (role broken); a negated one excludes almost nothing (role open).",
        "Use StringLike for patterns, or remove the wildcard.", [AA], "TP-WILDCARD-IN-EQUALS.json";
    CondKeyProviderMismatch = "TP-COND-KEY-PROVIDER-MISMATCH", Medium, "Condition key belongs to another issuer, or is malformed",
        "A condition key of the form `<host>:<claim>` whose prefix is not the statement's `Federated` issuer (another issuer's key, a typo, or the provider ARN used as a key).",
        "A key whose prefix is not the statement's issuer is absent from every request: positive operators then never match (broken), negated/IfExists/ForAllValues always pass (open).",
        "Use the issuer host/path of the Federated principal as the key prefix, e.g. `token.actions.githubusercontent.com:sub`.", [], "TP-COND-KEY-PROVIDER-MISMATCH.json";
    UnsupportedClaimKey = "TP-UNSUPPORTED-CLAIM-KEY", Medium, "Condition on a claim STS does not expose",
        "A condition on `<issuer>:<claim>` where STS does not put that claim into the request context for this issuer, so the key is always absent.",
        "STS puts only a fixed list of claims into the request context; a condition on another claim sees an absent key.",
        "Use a supported key (`sub`, `aud`, and since 2026 the provider-specific GitHub keys), or encode the claim in the subject.", [STS26], "TP-UNSUPPORTED-CLAIM-KEY.json";
    SetOpSingleValued = "TP-SET-OP-SINGLE-VALUED", Low, "ForAllValues/ForAnyValue on a single-valued claim",
        "A `ForAllValues:` or `ForAnyValue:` operator on a single-valued claim; reported as open when the key can be absent (then `ForAllValues` is vacuously true), as advice when it is always present.",
        "ForAllValues is true when the key is absent or misspelled; on a key that can be absent the condition is vacuous (fail-open).",
        "Use the plain operator (StringEquals/StringLike) for single-valued claims.", [COND, AA], "TP-SET-OP-SINGLE-VALUED.json";
    NegatedOperatorOnIdentity = "TP-NEGATED-OPERATOR-ON-IDENTITY", Critical, "Negated operator on an identity key in an Allow",
        "`StringNotEquals`, `StringNotLike` (or another negated operator) on an identity key (`sub`, ...) in an Allow statement.",
        "StringNotEquals/StringNotLike turn an allow-list into a deny-list: every subject not listed is admitted.",
        "Use a positive operator listing the subjects you trust.", [], "TP-NEGATED-OPERATOR-ON-IDENTITY.json";
    IfexistsOnIdentity = "TP-IFEXISTS-ON-IDENTITY", Critical, "IfExists on an identity key in an Allow",
        "An `...IfExists` operator on an identity key (`sub`, ...) in an Allow statement.",
        "`...IfExists` passes when the key is absent, which is always the case for claims STS does not expose.",
        "Drop `IfExists` on identity keys.", [], "TP-IFEXISTS-ON-IDENTITY.json";
    SubUnsatisfiable = "TP-SUB-UNSATISFIABLE", Info, "Statement can never match (broken, not open)",
        "A statement no request can satisfy: no subject in the issuer's grammar matches the positive `sub` values, caller-identity keys that the web-identity call never carries, or an unconditional Deny that covers the whole Allow.",
        "No token the issuer can mint satisfies the conditions: the role is unusable through this statement.",
        "Fix the subject to the issuer's grammar (e.g. `repo:<owner>/<repo>:ref:refs/heads/<branch>`).", [], "TP-SUB-UNSATISFIABLE.json";
    ActionPrincipalMismatch = "TP-ACTION-PRINCIPAL-MISMATCH", Medium, "Wrong STS action for the principal type",
        "An action that does not fit the principal: a `Federated` principal without `sts:AssumeRoleWithWebIdentity` (or `sts:AssumeRoleWithSAML`), web-identity or SAML actions for AWS or service principals, non-STS actions, or `sts:AssumeRole` granted to a `Federated` principal.",
        "IAM rejects the document or the statement can never be used; wildcard actions grant more than intended.",
        "Use `sts:AssumeRoleWithWebIdentity` for OIDC, `sts:AssumeRoleWithSAML` for SAML, `sts:AssumeRole` for AWS/Service principals.", [AA], "TP-ACTION-PRINCIPAL-MISMATCH.json";
    TagsessionScope = "TP-TAGSESSION-SCOPE", Info, "sts:TagSession together with issuer-keyed conditions",
        "A statement that grants `sts:TagSession` together with conditions on the issuer's keys.",
        "IAM does not evaluate issuer keys for sts:TagSession (AA UNSUPPORTED_ACTION_FOR_CONDITION_KEY); token-supplied session tags may drive ABAC.",
        "Review who controls the token's session tags; keep TagSession only if needed.", [AA], "TP-TAGSESSION-SCOPE.json";
    ForeignOrStaleProvider = "TP-FOREIGN-OR-STALE-PROVIDER", Medium, "Issuer no longer in use",
        "A `Federated` principal naming GitHub's retired `vstoken.actions.githubusercontent.com` issuer, or an OIDC provider ARN in an account other than the role's own (when the role's account is known).",
        "The provider names a retired issuer (e.g. GitHub's pre-GA `vstoken.actions.githubusercontent.com`); the role is dead but lingers.",
        "Delete the stale provider and role, or point it at the current issuer.", [], "TP-FOREIGN-OR-STALE-PROVIDER.json";
    GhaOrgWide = "TP-GHA-ORG-WIDE", High, "Any repository in the GitHub organisation",
        "A GitHub `sub` pattern that pins the owner but admits any repository of it (`repo:octo-org/*`).",
        "Any repository in the org, including new ones and pull-request subjects, can assume the role; one compromised workflow reaches every org-wide role.",
        "Pin the repository and branch or environment.", [GH], "TP-GHA-ORG-WIDE.json";
    GhaOrgPrefix = "TP-GHA-ORG-PREFIX", Critical, "Owner or repository name used as a prefix",
        "A GitHub `sub` pattern with a wildcard inside the owner or repository name (`repo:octo-org*/...`, `repo:octo-org/app-*:...`).",
        "A `*` inside the owner segment matches owners anyone can register (`octocat-evil`); inside the repo segment, repos any org member can create.",
        "Pin owner and repository exactly; for immutable subjects use `owner@<id>/repo@<id>`.", [GH], "TP-GHA-ORG-PREFIX.json";
    GhaAnyRef = "TP-GHA-ANY-REF", Medium, "Any branch, tag, environment or pull request of the repository",
        "A GitHub `sub` pattern that pins the repository but admits any branch, tag, environment or pull request (`repo:octo-org/octo-repo:*`).",
        "Anyone with write access can push a branch; environment protection rules are bypassed; `pull_request` subjects match.",
        "Pin `ref:refs/heads/<branch>` or `environment:<env>`.", [GH], "TP-GHA-ANY-REF.json";
    GhaBranchPrefix = "TP-GHA-BRANCH-PREFIX", Medium, "Branch or tag used as a prefix",
        "A GitHub `sub` pattern whose branch or tag name ends in a wildcard (`ref:refs/heads/main*`).",
        "`main*` also matches `main-hotfix`; `*` spans `/`.",
        "Pin the exact ref.", [], "TP-GHA-BRANCH-PREFIX.json";
    GhaPullRequest = "TP-GHA-PULL-REQUEST", Medium, "`pull_request` subject admitted",
        "A GitHub `sub` value or pattern that admits the repository's `pull_request` subject.",
        "Pull-request workflows run code under review.",
        "Do not trust `:pull_request` subjects for deploy roles.", [], "TP-GHA-PULL-REQUEST.json";
    GhaAbusableClaimFirst = "TP-GHA-ABUSABLE-CLAIM-FIRST", Critical, "Custom subject without an owner- or repository-scoped claim",
        "A GitHub `sub` value that starts with a claim any repository chooses (`environment:`, `workflow:`, `ref:`, ...), as custom subject templates produce, with no owner or repository claim in it.",
        "Any repository can customise its subject template and choose a workflow, ref or environment name that reproduces the value.",
        "Include `repo`/`repository_owner_id` in the template and pin it.", [], "TP-GHA-ABUSABLE-CLAIM-FIRST.json";
    GhaJobWorkflowRefOnly = "TP-GHA-JOB-WORKFLOW-REF-ONLY", High, "Bounded only by job_workflow_ref",
        "A GitHub statement whose only identity condition is on `job_workflow_ref`.",
        "A reusable workflow in a public repository can be called from any repository.",
        "Also pin `repository_id`/`repository_owner_id` or `sub`.", [STS26], "TP-GHA-JOB-WORKFLOW-REF-ONLY.json";
    GhaImmutableSubMismatch = "TP-GHA-IMMUTABLE-SUB-MISMATCH", Info, "Name-form subject pattern for immutable subjects",
        "A GitHub `sub` value or pattern that matches only name-form subjects (`repo:owner/repo:...`) and not the immutable form (`repo:owner@<id>/repo@<id>:...`).",
        "Repositories created or renamed after 2026-07-15 emit `repo:owner@<id>/repo@<id>:...`; a name-form exact pin then never matches.",
        "Pin the immutable form as well, or `repository_id`.", [], "TP-GHA-IMMUTABLE-SUB-MISMATCH.json";
    NameRecycle = "TP-NAME-RECYCLE", Info, "Identity pinned by mutable names",
        "A GitHub, GitLab or HCP Terraform identity pinned by owner, group or organisation names rather than immutable ids.",
        "Owner/repository names can be renamed, transferred or re-registered after deletion.",
        "Pin immutable ids (`repository_id`, immutable subjects) where the issuer offers them.", [], "TP-NAME-RECYCLE.json";
    IrsaNoSub = "TP-IRSA-NO-SUB", High, "IRSA role without a service-account subject",
        "An EKS cluster (IRSA) `Federated` principal without a positive condition on `<issuer>:sub`.",
        "Every service account in every namespace of the cluster can assume the role.",
        "Pin `<issuer>:sub` to `system:serviceaccount:<namespace>:<name>`.", [EKS], "TP-IRSA-NO-SUB.json";
    IrsaSubWildcard = "TP-IRSA-SUB-WILDCARD", Medium, "Any service account in a namespace",
        "An IRSA `sub` pattern that pins the namespace but admits any service account in it (`system:serviceaccount:payments:*`).",
        "Anyone who can create a service account in the namespace gets the role.",
        "Pin the service-account name exactly.", [EKS], "TP-IRSA-SUB-WILDCARD.json";
    IrsaNamespacePrefix = "TP-IRSA-NAMESPACE-PREFIX", High, "Namespace wildcarded or used as a prefix",
        "An IRSA `sub` pattern whose namespace is a wildcard or a prefix (`system:serviceaccount:prod*`).",
        "`system:serviceaccount:prod*` also matches namespace `prod-evil`; a wildcard namespace admits any namespace.",
        "Pin the namespace exactly and end it with `:`.", [EKS], "TP-IRSA-NAMESPACE-PREFIX.json";
    MultiProviderOneStatement = "TP-MULTI-PROVIDER-ONE-STATEMENT", Info, "Several issuers ANDed in one statement",
        "A statement with several `Federated` issuers that has positive conditions on the keys of more than one of them.",
        "No token carries two issuers' keys, so conditions on both can never hold together.",
        "Write one statement per issuer.", [], "TP-MULTI-PROVIDER-ONE-STATEMENT.json";
    PodidUnscoped = "TP-PODID-UNSCOPED", Medium, "EKS Pod Identity role without scoping",
        "A `pods.eks.amazonaws.com` principal with no condition on the cluster (`aws:RequestTag/eks-cluster-arn`, `aws:RequestTag/eks-cluster-name`, `aws:SourceArn`, `aws:SourceAccount`), the namespace or the service account.",
        "Any Pod Identity association in the account (any cluster, namespace, service account) can use the role.",
        "Add conditions on `aws:RequestTag/eks-cluster-arn`, `kubernetes-namespace` and `kubernetes-service-account`.", [PODID], "TP-PODID-UNSCOPED.json";
    PodidNoCluster = "TP-PODID-NO-CLUSTER", Low, "Pod Identity scoped without the cluster",
        "A `pods.eks.amazonaws.com` principal scoped by namespace or service account but not by cluster.",
        "The same namespace/service-account names in another cluster of the account match.",
        "Add `aws:RequestTag/eks-cluster-arn` (or `aws:SourceArn`).", [PODID], "TP-PODID-NO-CLUSTER.json";
    PodidMissingTagsession = "TP-PODID-MISSING-TAGSESSION", Info, "Pod Identity principal without sts:TagSession",
        "A `pods.eks.amazonaws.com` principal whose statement does not grant `sts:TagSession`.",
        "Pod Identity requires sts:TagSession unless session tags are disabled; the role is unusable otherwise.",
        "Allow `sts:TagSession` alongside `sts:AssumeRole`.", [PODID], "TP-PODID-MISSING-TAGSESSION.json";
    PrincipalStarNoCond = "TP-PRINCIPAL-STAR-NO-COND", Critical, "Any AWS principal, no condition",
        "`\"Principal\": \"*\"` or `{\"AWS\": \"*\"}` in an Allow statement with no condition.",
        "Any principal in any AWS account whose own policy allows sts:AssumeRole on the role can assume it.",
        "Name the principals, or bound `*` with aws:PrincipalArn/aws:PrincipalAccount/aws:PrincipalOrgID.", [AA], "TP-PRINCIPAL-STAR-NO-COND.json";
    PrincipalStarWeakCond = "TP-PRINCIPAL-STAR-WEAK-COND", Critical, "Any AWS principal, bounded only by non-identity keys",
        "`Principal` `*` in an Allow statement whose conditions include no positive `aws:PrincipalArn`, `aws:PrincipalAccount`, `aws:PrincipalOrgID`, `aws:PrincipalOrgPaths` or `aws:userid`.",
        "ExternalId, source IP, user agent or tautological keys do not bind who the caller is.",
        "Add aws:PrincipalArn, aws:PrincipalAccount or aws:PrincipalOrgID with a positive operator.", [], "TP-PRINCIPAL-STAR-WEAK-COND.json";
    PrincipalStarScoped = "TP-PRINCIPAL-STAR-SCOPED", Info, "Any AWS principal, bounded by an identity key",
        "`Principal` `*` in an Allow statement bounded by a positive condition on a caller-identity key (`aws:PrincipalOrgID`, ...).",
        "Safe when the binding key lists only trusted principals.",
        "Nothing to do; keep the binding values exact.", [], "TP-PRINCIPAL-STAR-SCOPED.json";
    AccountRootTrust = "TP-ACCOUNT-ROOT-TRUST", Info, "Trust delegated to a whole account",
        "An AWS principal that is a whole account (`arn:aws:iam::<account>:root` or a bare account id) allowed `sts:AssumeRole`.",
        "Every principal of that account whose identity policy allows it can assume the role.",
        "Name the role, or add aws:PrincipalArn; for third parties require sts:ExternalId.", [], "TP-ACCOUNT-ROOT-TRUST.json";
    XaccountNoExternalid = "TP-XACCOUNT-NO-EXTERNALID", Medium, "Cross-account trust without ExternalId or MFA",
        "Trust in another account's root without `sts:ExternalId`, MFA (`aws:MultiFactorAuthPresent`) or an `aws:Principal*` condition.",
        "A vendor role without ExternalId is open to the confused-deputy problem.",
        "Require `sts:ExternalId` (third parties) or MFA (humans).", [DEPUTY], "TP-XACCOUNT-NO-EXTERNALID.json";
    ExternalidWeak = "TP-EXTERNALID-WEAK", Info, "Weak ExternalId",
        "An `sts:ExternalId` value shorter than 8 characters or a wildcard pattern, or any `sts:ExternalId` condition in a statement for a service principal.",
        "A short, constant or wildcarded ExternalId is not a secret.",
        "Use a long unique ExternalId under StringEquals.", [DEPUTY], "TP-EXTERNALID-WEAK.json";
    PrincipalConditionContradiction = "TP-PRINCIPAL-CONDITION-CONTRADICTION", Info, "Principal and aws:Principal* conditions contradict",
        "An AWS principal in one account while every `aws:PrincipalArn`/`aws:PrincipalAccount` value of the statement names another account.",
        "The principal admits one account while the condition pins another: nobody can assume the role.",
        "Make the principal and the condition name the same account.", [], "TP-PRINCIPAL-CONDITION-CONTRADICTION.json";
    DeletedPrincipal = "TP-DELETED-PRINCIPAL", Low, "Principal shown as a unique id (deleted entity)",
        "An AWS principal shown as a unique id (`AROA...`, `AIDA...`), which IAM displays when the role or user it named was deleted.",
        "The referenced role or user was deleted; re-creating it does not restore trust.",
        "Remove the stale principal or re-add the new entity's ARN.", [], "TP-DELETED-PRINCIPAL.json";
    Notprincipal = "TP-NOTPRINCIPAL", High, "NotPrincipal in a trust policy",
        "A `NotPrincipal` element in a trust policy statement.",
        "IAM refuses NotPrincipal in trust policies; with Allow it means everyone except.",
        "Use Principal.", [AA], "TP-NOTPRINCIPAL.json";
    ServiceNoSource = "TP-SERVICE-NO-SOURCE", Low, "Service principal without aws:SourceArn/aws:SourceAccount",
        "A service principal (other than EKS) allowed without `aws:SourceArn`, `aws:SourceAccount` or another source-binding condition.",
        "A service acting for other customers can be tricked into using this role (confused deputy).",
        "Add aws:SourceAccount/aws:SourceArn conditions.", [DEPUTY], "TP-SERVICE-NO-SOURCE.json";
    SourcearnWildcard = "TP-SOURCEARN-WILDCARD", Medium, "aws:SourceArn pattern admits other accounts",
        "A positive `aws:SourceArn` value whose account component is missing or a wildcard.",
        "A wildcard account component lets a resource in any account act through the service.",
        "Pin the account component of aws:SourceArn.", [DEPUTY], "TP-SOURCEARN-WILDCARD.json";
    TautologicalGuard = "TP-TAUTOLOGICAL-GUARD", Medium, "Condition always true in a trust policy",
        "A condition that restricts nothing in a trust policy: `StringLike` `*` on an `aws:`/`sts:` key, or a service principal bounded only by `aws:ResourceAccount`/`aws:ResourceOrg*`.",
        "aws:ResourceAccount/ResourceOrgID name the role's own account, and `*` patterns match everything: they restrict nothing.",
        "Use aws:SourceAccount/aws:SourceArn to bind the calling service's resource.", [DEPUTY], "TP-TAUTOLOGICAL-GUARD.json";
    ServiceUnsupportedKey = "TP-SERVICE-UNSUPPORTED-KEY", Info, "Condition key the service never sends",
        "An EKS service principal (`eks.amazonaws.com`, `pods.eks.amazonaws.com`) with a positive condition on `aws:SourceArn`.",
        "EKS does not send aws:SourceArn; the role becomes unassumable.",
        "Remove the key or use one the service sends.", [], "TP-SERVICE-UNSUPPORTED-KEY.json";
    ResourceInTrust = "TP-RESOURCE-IN-TRUST", Medium, "Resource/NotResource in a trust policy",
        "A `Resource` or `NotResource` element in a trust policy statement.",
        "IAM rejects Resource in a role trust policy (MalformedPolicyDocument).",
        "Remove Resource.", [AA], "TP-RESOURCE-IN-TRUST.json";
    EmptyValues = "TP-EMPTY-VALUES", Info, "Empty value list",
        "An empty principal object, an empty principal list, or a condition key with an empty value list.",
        "An empty principal or condition value list can never match (positive operators) or is vacuous.",
        "Remove the empty element or fill it.", [AA], "TP-EMPTY-VALUES.json";
    PolicySize = "TP-POLICY-SIZE", Low, "Policy exceeds the default trust-policy size quota",
        "A policy longer than the default trust-policy quota of 2,048 characters, counted without whitespace between JSON tokens.",
        "The default role trust policy quota is 2,048 characters (whitespace not counted).",
        "Shorten the policy or raise the quota.", [QUOTAS], "TP-POLICY-SIZE.json";
    Version2008 = "TP-VERSION-2008", Info, "Version missing or 2008-10-17",
        "A policy without `Version`, or with `\"Version\": \"2008-10-17\"`.",
        "Policy variables (`${...}`) are not substituted under 2008-10-17.",
        "Set `\"Version\": \"2012-10-17\"`.", [GRAMMAR], "TP-VERSION-2008.json";
    GitlabGroupWide = "TP-GITLAB-GROUP-WIDE", High, "Any project in the GitLab group",
        "A GitLab `sub` pattern that admits any project of the group (`project_path:acme/*`).",
        "Every project in the group at any subgroup depth, any ref, can assume the role.",
        "Pin `project_path:<group>/<project>:ref_type:branch:ref:<branch>`.", [GITLAB], "TP-GITLAB-GROUP-WIDE.json";
    GitlabAnyRef = "TP-GITLAB-ANY-REF", Medium, "Any ref of the GitLab project",
        "A GitLab `sub` pattern that pins the project but admits any ref (`project_path:acme/app:*`).",
        "Any branch (including merge-request source branches) matches.",
        "Pin the ref.", [GITLAB], "TP-GITLAB-ANY-REF.json";
    GitlabReftypeWildcard = "TP-GITLAB-REFTYPE-WILDCARD", Medium, "ref_type wildcarded",
        "A GitLab `sub` pattern whose `ref_type` is a wildcard, so a tag matches where a branch was meant.",
        "A tag named like the protected branch satisfies the pattern.",
        "Pin `ref_type:branch`.", [GITLAB], "TP-GITLAB-REFTYPE-WILDCARD.json";
    TfcOrgUnpinned = "TP-TFC-ORG-UNPINNED", Critical, "HCP Terraform organisation not pinned",
        "An HCP Terraform `sub` pattern whose `organization:` segment is a wildcard.",
        "The `aud` of app.terraform.io is the same for every customer; only `organization:` scopes the tenant.",
        "Pin `organization:<org>:project:<p>:workspace:<w>:run_phase:<phase>`.", [TFC], "TP-TFC-ORG-UNPINNED.json";
    TfcWorkspaceWildcard = "TP-TFC-WORKSPACE-WILDCARD", High, "Any HCP Terraform workspace",
        "An HCP Terraform `sub` pattern that pins the organisation but admits any project or workspace.",
        "Every workspace of the organisation/project can assume the role.",
        "Pin the workspace.", [TFC], "TP-TFC-WORKSPACE-WILDCARD.json";
    TfcRunPhaseAny = "TP-TFC-RUN-PHASE-ANY", Info, "Plan and apply share the role",
        "An HCP Terraform `sub` value or pattern that admits both `run_phase:plan` and `run_phase:apply`.",
        "Speculative plans execute provider code and get the same credentials as apply.",
        "Use separate plan and apply roles.", [TFC], "TP-TFC-RUN-PHASE-ANY.json";
    CircleciProjectWildcard = "TP-CIRCLECI-PROJECT-WILDCARD", Medium, "CircleCI project not pinned",
        "A CircleCI `sub` pattern that pins the organisation but admits any project (`org/<org>/project/*/user/*`).",
        "Every project and user in the CircleCI organisation can assume the role.",
        "Pin `org/<org>/project/<project>/user/*` or tighter.", [], "TP-CIRCLECI-PROJECT-WILDCARD.json";
    BitbucketRepoWildcard = "TP-BITBUCKET-REPO-WILDCARD", Low, "Bitbucket repository UUID used as a prefix",
        "A Bitbucket Pipelines `sub` pattern that pins the repository UUID and wildcards the rest (`{<repo-uuid>}:*`).",
        "Every deployment environment and step of the repository matches.",
        "Pin the deployment environment where possible.", [], "TP-BITBUCKET-REPO-WILDCARD.json";
    CognitoNoAud = "TP-COGNITO-NO-AUD", Critical, "Cognito identity pool not pinned",
        "A `cognito-identity.amazonaws.com` principal without a positive condition on `cognito-identity.amazonaws.com:aud` (the identity pool id).",
        "Any identity pool in any account can obtain credentials for the role.",
        "Add StringEquals on `cognito-identity.amazonaws.com:aud` with the pool id.", [COGNITO], "TP-COGNITO-NO-AUD.json";
    CognitoNoAmr = "TP-COGNITO-NO-AMR", Medium, "Cognito amr not checked",
        "A Cognito principal without a condition on `cognito-identity.amazonaws.com:amr`, or one whose values admit both `authenticated` and `unauthenticated`.",
        "Both authenticated and guest identities of the pool match.",
        "Add `ForAnyValue:StringLike` on `cognito-identity.amazonaws.com:amr` = `authenticated`.", [COGNITO], "TP-COGNITO-NO-AMR.json";
    CognitoGuest = "TP-COGNITO-GUEST", Info, "Role for unauthenticated Cognito identities",
        "A Cognito principal whose `amr` condition admits `unauthenticated` (guest) identities only.",
        "Anyone on the internet can obtain these credentials by design.",
        "Review the role's permission policies.", [COGNITO], "TP-COGNITO-GUEST.json";
    ConsumerIdpNoAppid = "TP-CONSUMER-IDP-NO-APPID", Critical, "Consumer IdP without app id",
        "A Google, Login with Amazon or Facebook principal with conditions on the issuer's keys but none that pins the app or client id (`aud`, `oaud`, `azp`, `app_id`).",
        "Any user of any app of Google/Facebook/Amazon can assume the role.",
        "Pin `aud`/`app_id` to your client id.", [], "TP-CONSUMER-IDP-NO-APPID.json";
}

/// Rules considered for the catalogue and deliberately not implemented, with the reason.
pub const NOT_IMPLEMENTED: &[(&str, &str)] = &[
    (
        "TP-IRSA-SA-CROSSCHECK",
        "needs Kubernetes ServiceAccounts (inventory)",
    ),
    (
        "TP-GHA-ENV-UNPROTECTED",
        "needs GitHub environment protection rules (inventory)",
    ),
    (
        "TP-SAML-NO-AUD",
        "group G (SAML) not in scope of this increment",
    ),
    (
        "TP-STATEMENT-OBJECT",
        "valid shape; a regression test for other tools, not a finding",
    ),
    (
        "TP-FIRST-STATEMENT-SHORTCUT",
        "a tool bug to regression-test, not a policy finding",
    ),
    (
        "TP-CIRCLECI-ORG-ONLY",
        "reported as TP-OIDC-NO-SUB (tenant-scoped) instead",
    ),
];

/// Looks up a rule by its text id (`TP-...`).
pub fn rule(id: &str) -> Option<&'static RuleInfo> {
    id.parse::<RuleId>().ok().map(RuleId::info)
}

/// A text id that names no rule of the catalogue.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown rule `{0}`")]
pub struct UnknownRule(pub String);

impl std::str::FromStr for RuleId {
    type Err = UnknownRule;

    /// Reads a text id (`TP-...`), exactly as [`RuleId::as_str`] writes it.
    fn from_str(s: &str) -> Result<RuleId, UnknownRule> {
        RuleId::ALL
            .iter()
            .copied()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| UnknownRule(s.to_owned()))
    }
}

impl std::fmt::Display for RuleId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl serde::Serialize for RuleId {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> serde::Deserialize<'de> for RuleId {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<RuleId, D::Error> {
        let s = std::borrow::Cow::<'de, str>::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// Compares with a text id, so reports and tests can match on `TP-...`.
impl PartialEq<str> for RuleId {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for RuleId {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<RuleId> for &str {
    fn eq(&self, other: &RuleId) -> bool {
        *self == other.as_str()
    }
}

impl PartialEq<RuleId> for str {
    fn eq(&self, other: &RuleId) -> bool {
        self == other.as_str()
    }
}

impl RuleInfo {
    /// The rule's anchor in `docs/RULES.md` (GitHub's heading anchor: the id in lowercase).
    pub fn anchor(&self) -> String {
        self.id.as_str().to_lowercase()
    }

    /// The rule as JSON, for `rolecall audit --list-rules --format json`.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "id": self.id,
            "title": self.title,
            "severity": self.severity,
            "detects": self.detects,
            "why": self.why,
            "fix": self.fix,
            "references": self.references,
            "example": {
                "file": self.example.file,
                "text": self.example.text,
                "providers": self.example.providers,
            },
        })
    }
}

impl Example {
    /// The language of a fenced code block for the example (`json` or `yaml`).
    pub fn language(&self) -> &'static str {
        if self.file.ends_with(".yaml") || self.file.ends_with(".yml") {
            "yaml"
        } else {
            "json"
        }
    }
}

/// The whole catalogue as JSON: `{"rules": [...], "not_implemented": [...]}`.
pub fn catalogue_json() -> serde_json::Value {
    serde_json::json!({
        "rules": RULES.iter().map(RuleInfo::to_json).collect::<Vec<_>>(),
        "not_implemented": NOT_IMPLEMENTED
            .iter()
            .map(|(id, reason)| serde_json::json!({"id": id, "reason": reason}))
            .collect::<Vec<_>>(),
    })
}

/// How severities are assigned: by who can mint a token the statement admits.
const SEVERITY_TABLE: &str = "\
## Severity: who can mint a matching token

A finding's severity says who can get credentials for the role through what it reports, beyond \
what the policy evidently meant. Verdicts say what kind of problem it is: **open** admits callers it \
should not, **broken** only when the role or the statement's purpose can never be used, **invalid** \
when IAM would refuse the document, **advice** for everything else (a fragile spelling, a stale name, \
a value that matches nothing beside values that do).

| severity | who can mint a token the role accepts | for example |
|---|---|---|
| critical | anyone on the internet: any repository, project, account or pool of an issuer anyone can use | TP-OIDC-NO-COND, TP-OIDC-SUB-WILDCARD-ALL, TP-OIDC-SUB-ANY-OWNER, TP-PRINCIPAL-STAR-NO-COND, TP-COGNITO-NO-AUD |
| high | anyone in the organisation, group or tenant: any repository of the owner, any project of the group, any workspace of the organisation, any workload of a cluster | TP-GHA-ORG-WIDE, TP-GITLAB-GROUP-WIDE, TP-TFC-WORKSPACE-WILDCARD, TP-IRSA-NO-SUB, TP-IRSA-NAMESPACE-PREFIX |
| medium | anyone who can push a branch, open a pull request or trigger a run in the pinned repository or workspace, or create a service account in the pinned namespace | TP-GHA-ANY-REF, TP-GHA-PULL-REQUEST, TP-GITLAB-ANY-REF, TP-IRSA-SUB-WILDCARD, TP-PODID-UNSCOPED |
| low | nobody new today: hardening (a second check missing, a spelling that breaks on a typo, a name that can be re-registered) | TP-OIDC-NO-AUD, TP-SET-OP-SINGLE-VALUED, TP-SERVICE-NO-SOURCE |
| info | nobody: facts worth knowing, and statements that can never be used | TP-SUB-UNSATISFIABLE, TP-NAME-RECYCLE, TP-TFC-RUN-PHASE-ANY |

An issuer only one tenant can get tokens from (an EKS cluster, a CircleCI organisation, a GitHub \
Enterprise issuer) moves most open findings one row down: \"anyone who can use the issuer\" is then \
the tenant.

";

/// The rule reference in Markdown: what `docs/RULES.md` holds.
pub fn catalogue_markdown() -> String {
    use std::fmt::Write as _;
    // `write!` to a String cannot fail; the results are ignored rather than unwrapped.
    let mut s = String::new();
    s.push_str("# Audit rules\n\n");
    s.push_str(
        "<!-- Generated by `rolecall audit --list-rules --format markdown` from the rule \
         catalogue (crates/rolecall-audit/src/rules.rs). Do not edit by hand. -->\n\n",
    );
    let _ = writeln!(
        s,
        "`rolecall audit` reports {} rules. Severities are the defaults for an issuer that \
         anyone can get a token from; for an issuer scoped to one tenant (an EKS cluster, a \
         CircleCI organisation, a GitHub Enterprise issuer) most are one level lower. \
         `.rolecall.toml` can disable a rule or override its severity. Every example below \
         fires its rule (a test audits each one).\n",
        RULES.len()
    );
    s.push_str(SEVERITY_TABLE);
    s.push_str("| id | default severity | title |\n|---|---|---|\n");
    for r in RULES {
        let _ = writeln!(
            s,
            "| [{}](#{}) | {} | {} |",
            r.id,
            r.anchor(),
            r.severity,
            r.title.replace('|', "\\|")
        );
    }
    for r in RULES {
        let _ = write!(
            s,
            "\n## {}\n\n**{}** (default severity: {})\n\n**Detects.** {}\n\n**Why.** {}\n\n**Fix.** {}\n\n",
            r.id, r.title, r.severity, r.detects, r.why, r.fix
        );
        let _ = write!(
            s,
            "**Example** (`{}`):\n\n```{}\n{}```\n",
            r.example.file,
            r.example.language(),
            r.example.text
        );
        if let Some(p) = r.example.providers {
            let _ = write!(
                s,
                "\nwith `--providers` naming this file:\n\n```json\n{p}```\n"
            );
        }
        if !r.references.is_empty() {
            s.push_str("\n**References.**\n\n");
            for u in r.references {
                let _ = writeln!(s, "* <{u}>");
            }
        }
    }
    s.push_str("\n## Considered and not implemented\n\n");
    for (id, reason) in NOT_IMPLEMENTED {
        let _ = writeln!(s, "* `{id}`: {reason}.");
    }
    s
}
