//! The rule catalogue: stable ids with their texts. `docs/RULES.md` is generated from it.
//!
//! The logic lives in [`crate::audit`]; this table is what reports (SARIF `rules[]`) and
//! configuration validation read.

use crate::finding::Severity;

/// Static description of one rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RuleInfo {
    /// Stable id, `TP-...`.
    pub id: &'static str,
    /// One-line title.
    pub title: &'static str,
    /// Default severity for a shared issuer (tenant-scoped issuers lower it by one level).
    pub severity: Severity,
    /// Why it matters.
    pub why: &'static str,
    /// How to fix it.
    pub fix: &'static str,
    /// Sources.
    pub references: &'static [&'static str],
}

/// The rule reference generated from this table, cited by every rule.
const AR: &str = "docs/RULES.md";
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
const GRAMMAR: &str =
    "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html";

macro_rules! rules {
    ($($id:literal, $sev:ident, $title:literal, $why:literal, $fix:literal, [$($r:expr),*];)*) => {
        /// Every implemented rule, in catalogue order.
        pub const RULES: &[RuleInfo] = &[$(RuleInfo {
            id: $id,
            title: $title,
            severity: Severity::$sev,
            why: $why,
            fix: $fix,
            references: &[$($r,)* AR],
        },)*];
    };
}

rules! {
    "TP-INVALID-POLICY", High, "Policy cannot be read or IAM would refuse it",
        "A document that does not parse or breaks IAM's write-time grammar cannot be evaluated; rolecall refuses to guess.",
        "Fix the reported syntax or grammar error.", [GRAMMAR];
    "TP-UNANALYSABLE", Medium, "Trust policy could not be analysed",
        "The policy is built from values known only at deploy time (CloudFormation intrinsic functions, Terraform values unknown at plan time); it may be open or broken.",
        "Audit the deployed role (`aws iam get-role`) or render the template with concrete values.", [];
    "TP-OIDC-NO-COND", Critical, "OIDC principal with no condition on the issuer's keys",
        "Anyone who can obtain a token from the issuer can assume the role. Real roles assumable from arbitrary GitHub repositories were found this way.",
        "Add a StringEquals (or StringLike) condition on the issuer's identity key, e.g. `<issuer>:sub`, pinned to your tenant.", [DD, AA];
    "TP-OIDC-NO-SUB", Critical, "No condition bounds the caller's identity",
        "Conditions exist, but none restricts an identity-bearing key (`sub`, ...). `aud` alone does not bound who the caller is for GitHub, GitLab, HCP Terraform or EKS.",
        "Pin the identity key (`sub`, or for GitHub `repository_id`/`sub`) with StringEquals to the exact subjects you trust.", [DD, GH];
    "TP-OIDC-SUB-WILDCARD-ALL", Critical, "Identity pattern matches every subject of the issuer",
        "A pattern such as `*` or `repo:*` admits every workload the issuer can mint a token for.",
        "Replace the pattern with exact subjects, or at least pin the owner/organisation and repository.", [GH, AA];
    "TP-OIDC-SUB-ANY-OWNER", Critical, "Tenant segment of the subject is left open",
        "The owner/organisation/namespace segment is a wildcard, so anyone can create a matching repository, branch or project.",
        "Pin the owner segment literally (`repo:my-org/my-repo:...`).", [GH];
    "TP-MULTI-VALUE-LOOSEST", Critical, "One loose value in a list of values",
        "Values of one key are ORed; the loosest value decides who gets in. Reviewers, IAM's guardrail and checkov read only the first value.",
        "Remove the loose value or split intents into separate roles.", [COND];
    "TP-OIDC-NO-AUD", Low, "Audience not pinned",
        "Tokens minted for another audience that the provider accepts become valid for this role.",
        "Add StringEquals on `<issuer>:aud` (e.g. `sts.amazonaws.com`).", [];
    "TP-AUD-NOT-IN-CLIENTLIST", Low, "Audience not registered with the provider",
        "STS refuses a token whose audience is not in the OIDC provider's client ID list (\"Incorrect token audience\") before it reads the policy, so this value lets nobody in: the role is broken for it.",
        "Add the audience to the provider's client IDs (`aws iam add-client-id-to-open-id-connect-provider`) or fix the value.", [];
    "TP-WILDCARD-IN-EQUALS", Info, "`*` or `?` under an equality operator",
        "StringEquals compares `*` and `?` literally: a positive operator then never matches what was meant (role broken); a negated one excludes almost nothing (role open).",
        "Use StringLike for patterns, or remove the wildcard.", [AA];
    "TP-COND-KEY-PROVIDER-MISMATCH", Medium, "Condition key belongs to another issuer, or is malformed",
        "A key whose prefix is not the statement's issuer is absent from every request: positive operators then never match (broken), negated/IfExists/ForAllValues always pass (open).",
        "Use the issuer host/path of the Federated principal as the key prefix, e.g. `token.actions.githubusercontent.com:sub`.", [];
    "TP-UNSUPPORTED-CLAIM-KEY", Medium, "Condition on a claim STS does not expose",
        "STS puts only a fixed list of claims into the request context; a condition on another claim sees an absent key.",
        "Use a supported key (`sub`, `aud`, and since 2026 the provider-specific GitHub keys), or encode the claim in the subject.", [STS26];
    "TP-SET-OP-SINGLE-VALUED", Low, "ForAllValues/ForAnyValue on a single-valued claim",
        "ForAllValues is true when the key is absent or misspelled; on a key that can be absent the condition is vacuous (fail-open).",
        "Use the plain operator (StringEquals/StringLike) for single-valued claims.", [COND, AA];
    "TP-NEGATED-OPERATOR-ON-IDENTITY", Critical, "Negated operator on an identity key in an Allow",
        "StringNotEquals/StringNotLike turn an allow-list into a deny-list: every subject not listed is admitted.",
        "Use a positive operator listing the subjects you trust.", [];
    "TP-IFEXISTS-ON-IDENTITY", Critical, "IfExists on an identity key in an Allow",
        "`...IfExists` passes when the key is absent, which is always the case for claims STS does not expose.",
        "Drop `IfExists` on identity keys.", [];
    "TP-SUB-UNSATISFIABLE", Info, "Statement can never match (broken, not open)",
        "No token the issuer can mint satisfies the conditions: the role is unusable through this statement.",
        "Fix the subject to the issuer's grammar (e.g. `repo:<owner>/<repo>:ref:refs/heads/<branch>`).", [];
    "TP-ACTION-PRINCIPAL-MISMATCH", Medium, "Wrong STS action for the principal type",
        "IAM rejects the document or the statement can never be used; wildcard actions grant more than intended.",
        "Use `sts:AssumeRoleWithWebIdentity` for OIDC, `sts:AssumeRoleWithSAML` for SAML, `sts:AssumeRole` for AWS/Service principals.", [AA];
    "TP-TAGSESSION-SCOPE", Info, "sts:TagSession together with issuer-keyed conditions",
        "IAM does not evaluate issuer keys for sts:TagSession (AA UNSUPPORTED_ACTION_FOR_CONDITION_KEY); token-supplied session tags may drive ABAC.",
        "Review who controls the token's session tags; keep TagSession only if needed.", [AA];
    "TP-FOREIGN-OR-STALE-PROVIDER", Medium, "Issuer no longer in use",
        "The provider names a retired issuer (e.g. GitHub's pre-GA `vstoken.actions.githubusercontent.com`); the role is dead but lingers.",
        "Delete the stale provider and role, or point it at the current issuer.", [];
    "TP-GHA-ORG-WIDE", High, "Any repository in the GitHub organisation",
        "Any repository in the org, including new ones and pull-request subjects, can assume the role; one compromised workflow reaches every org-wide role.",
        "Pin the repository and branch or environment.", [GH];
    "TP-GHA-ORG-PREFIX", Critical, "Owner or repository name used as a prefix",
        "A `*` inside the owner segment matches owners anyone can register (`octocat-evil`); inside the repo segment, repos any org member can create.",
        "Pin owner and repository exactly; for immutable subjects use `owner@<id>/repo@<id>`.", [GH];
    "TP-GHA-ANY-REF", Medium, "Any branch, tag, environment or pull request of the repository",
        "Anyone with write access can push a branch; environment protection rules are bypassed; `pull_request` subjects match.",
        "Pin `ref:refs/heads/<branch>` or `environment:<env>`.", [GH];
    "TP-GHA-BRANCH-PREFIX", Medium, "Branch or tag used as a prefix",
        "`main*` also matches `main-hotfix`; `*` spans `/`.",
        "Pin the exact ref.", [];
    "TP-GHA-PULL-REQUEST", Medium, "`pull_request` subject admitted",
        "Pull-request workflows run code under review.",
        "Do not trust `:pull_request` subjects for deploy roles.", [];
    "TP-GHA-ABUSABLE-CLAIM-FIRST", Critical, "Custom subject without an owner- or repository-scoped claim",
        "Any repository can customise its subject template and choose a workflow, ref or environment name that reproduces the value.",
        "Include `repo`/`repository_owner_id` in the template and pin it.", [];
    "TP-GHA-JOB-WORKFLOW-REF-ONLY", High, "Bounded only by job_workflow_ref",
        "A reusable workflow in a public repository can be called from any repository.",
        "Also pin `repository_id`/`repository_owner_id` or `sub`.", [STS26];
    "TP-GHA-IMMUTABLE-SUB-MISMATCH", Info, "Name-form subject pattern for immutable subjects",
        "Repositories created or renamed after 2026-07-15 emit `repo:owner@<id>/repo@<id>:...`; a name-form exact pin then never matches.",
        "Pin the immutable form as well, or `repository_id`.", [];
    "TP-NAME-RECYCLE", Info, "Identity pinned by mutable names",
        "Owner/repository names can be renamed, transferred or re-registered after deletion.",
        "Pin immutable ids (`repository_id`, immutable subjects) where the issuer offers them.", [];
    "TP-IRSA-NO-SUB", High, "IRSA role without a service-account subject",
        "Every service account in every namespace of the cluster can assume the role.",
        "Pin `<issuer>:sub` to `system:serviceaccount:<namespace>:<name>`.", [EKS];
    "TP-IRSA-SUB-WILDCARD", Medium, "Any service account in a namespace",
        "Anyone who can create a service account in the namespace gets the role.",
        "Pin the service-account name exactly.", [EKS];
    "TP-IRSA-NAMESPACE-PREFIX", High, "Namespace wildcarded or used as a prefix",
        "`system:serviceaccount:prod*` also matches namespace `prod-evil`; a wildcard namespace admits any namespace.",
        "Pin the namespace exactly and end it with `:`.", [EKS];
    "TP-MULTI-PROVIDER-ONE-STATEMENT", Info, "Several issuers ANDed in one statement",
        "No token carries two issuers' keys, so conditions on both can never hold together.",
        "Write one statement per issuer.", [];
    "TP-PODID-UNSCOPED", Medium, "EKS Pod Identity role without scoping",
        "Any Pod Identity association in the account (any cluster, namespace, service account) can use the role.",
        "Add conditions on `aws:RequestTag/eks-cluster-arn`, `kubernetes-namespace` and `kubernetes-service-account`.", [PODID];
    "TP-PODID-NO-CLUSTER", Low, "Pod Identity scoped without the cluster",
        "The same namespace/service-account names in another cluster of the account match.",
        "Add `aws:RequestTag/eks-cluster-arn` (or `aws:SourceArn`).", [PODID];
    "TP-PODID-MISSING-TAGSESSION", Info, "Pod Identity principal without sts:TagSession",
        "Pod Identity requires sts:TagSession unless session tags are disabled; the role is unusable otherwise.",
        "Allow `sts:TagSession` alongside `sts:AssumeRole`.", [PODID];
    "TP-PRINCIPAL-STAR-NO-COND", Critical, "Any AWS principal, no condition",
        "Any principal in any AWS account whose own policy allows sts:AssumeRole on the role can assume it.",
        "Name the principals, or bound `*` with aws:PrincipalArn/aws:PrincipalAccount/aws:PrincipalOrgID.", [AA];
    "TP-PRINCIPAL-STAR-WEAK-COND", Critical, "Any AWS principal, bounded only by non-identity keys",
        "ExternalId, source IP, user agent or tautological keys do not bind who the caller is.",
        "Add aws:PrincipalArn, aws:PrincipalAccount or aws:PrincipalOrgID with a positive operator.", [];
    "TP-PRINCIPAL-STAR-SCOPED", Info, "Any AWS principal, bounded by an identity key",
        "Safe when the binding key lists only trusted principals.",
        "Nothing to do; keep the binding values exact.", [];
    "TP-ACCOUNT-ROOT-TRUST", Info, "Trust delegated to a whole account",
        "Every principal of that account whose identity policy allows it can assume the role.",
        "Name the role, or add aws:PrincipalArn; for third parties require sts:ExternalId.", [];
    "TP-XACCOUNT-NO-EXTERNALID", Medium, "Cross-account trust without ExternalId or MFA",
        "A vendor role without ExternalId is open to the confused-deputy problem.",
        "Require `sts:ExternalId` (third parties) or MFA (humans).", [DEPUTY];
    "TP-EXTERNALID-WEAK", Info, "Weak ExternalId",
        "A short, constant or wildcarded ExternalId is not a secret.",
        "Use a long unique ExternalId under StringEquals.", [DEPUTY];
    "TP-PRINCIPAL-CONDITION-CONTRADICTION", Info, "Principal and aws:Principal* conditions contradict",
        "The principal admits one account while the condition pins another: nobody can assume the role.",
        "Make the principal and the condition name the same account.", [];
    "TP-DELETED-PRINCIPAL", Low, "Principal shown as a unique id (deleted entity)",
        "The referenced role or user was deleted; re-creating it does not restore trust.",
        "Remove the stale principal or re-add the new entity's ARN.", [];
    "TP-NOTPRINCIPAL", High, "NotPrincipal in a trust policy",
        "IAM refuses NotPrincipal in trust policies; with Allow it means everyone except.",
        "Use Principal.", [AA];
    "TP-SERVICE-NO-SOURCE", Low, "Service principal without aws:SourceArn/aws:SourceAccount",
        "A service acting for other customers can be tricked into using this role (confused deputy).",
        "Add aws:SourceAccount/aws:SourceArn conditions.", [DEPUTY];
    "TP-SOURCEARN-WILDCARD", Medium, "aws:SourceArn pattern admits other accounts",
        "A wildcard account component lets a resource in any account act through the service.",
        "Pin the account component of aws:SourceArn.", [DEPUTY];
    "TP-TAUTOLOGICAL-GUARD", Medium, "Condition always true in a trust policy",
        "aws:ResourceAccount/ResourceOrgID name the role's own account, and `*` patterns match everything: they restrict nothing.",
        "Use aws:SourceAccount/aws:SourceArn to bind the calling service's resource.", [DEPUTY];
    "TP-SERVICE-UNSUPPORTED-KEY", Info, "Condition key the service never sends",
        "EKS does not send aws:SourceArn; the role becomes unassumable.",
        "Remove the key or use one the service sends.", [];
    "TP-RESOURCE-IN-TRUST", Medium, "Resource/NotResource in a trust policy",
        "IAM rejects Resource in a role trust policy (MalformedPolicyDocument).",
        "Remove Resource.", [AA];
    "TP-EMPTY-VALUES", Info, "Empty value list",
        "An empty principal or condition value list can never match (positive operators) or is vacuous.",
        "Remove the empty element or fill it.", [AA];
    "TP-POLICY-SIZE", Low, "Policy exceeds the default trust-policy size quota",
        "The default role trust policy quota is 2,048 characters (whitespace not counted).",
        "Shorten the policy or raise the quota.", [];
    "TP-VERSION-2008", Info, "Version missing or 2008-10-17",
        "Policy variables (`${...}`) are not substituted under 2008-10-17.",
        "Set `\"Version\": \"2012-10-17\"`.", [GRAMMAR];
    "TP-GITLAB-GROUP-WIDE", High, "Any project in the GitLab group",
        "Every project in the group at any subgroup depth, any ref, can assume the role.",
        "Pin `project_path:<group>/<project>:ref_type:branch:ref:<branch>`.", [];
    "TP-GITLAB-ANY-REF", Medium, "Any ref of the GitLab project",
        "Any branch (including merge-request source branches) matches.",
        "Pin the ref.", [];
    "TP-GITLAB-REFTYPE-WILDCARD", Medium, "ref_type wildcarded",
        "A tag named like the protected branch satisfies the pattern.",
        "Pin `ref_type:branch`.", [];
    "TP-TFC-ORG-UNPINNED", Critical, "HCP Terraform organisation not pinned",
        "The `aud` of app.terraform.io is the same for every customer; only `organization:` scopes the tenant.",
        "Pin `organization:<org>:project:<p>:workspace:<w>:run_phase:<phase>`.", [];
    "TP-TFC-WORKSPACE-WILDCARD", Medium, "Any HCP Terraform workspace",
        "Every workspace of the organisation/project can assume the role.",
        "Pin the workspace.", [];
    "TP-TFC-RUN-PHASE-ANY", Info, "Plan and apply share the role",
        "Speculative plans execute provider code and get the same credentials as apply.",
        "Use separate plan and apply roles.", [];
    "TP-CIRCLECI-PROJECT-WILDCARD", Medium, "CircleCI project not pinned",
        "Every project and user in the CircleCI organisation can assume the role.",
        "Pin `org/<org>/project/<project>/user/*` or tighter.", [];
    "TP-BITBUCKET-REPO-WILDCARD", Low, "Bitbucket repository UUID used as a prefix",
        "Every deployment environment and step of the repository matches.",
        "Pin the deployment environment where possible.", [];
    "TP-COGNITO-NO-AUD", Critical, "Cognito identity pool not pinned",
        "Any identity pool in any account can obtain credentials for the role.",
        "Add StringEquals on `cognito-identity.amazonaws.com:aud` with the pool id.", [];
    "TP-COGNITO-NO-AMR", Medium, "Cognito amr not checked",
        "Both authenticated and guest identities of the pool match.",
        "Add `ForAnyValue:StringLike` on `cognito-identity.amazonaws.com:amr` = `authenticated`.", [];
    "TP-COGNITO-GUEST", Info, "Role for unauthenticated Cognito identities",
        "Anyone on the internet can obtain these credentials by design.",
        "Review the role's permission policies.", [];
    "TP-CONSUMER-IDP-NO-APPID", Critical, "Consumer IdP without app id",
        "Any user of any app of Google/Facebook/Amazon can assume the role.",
        "Pin `aud`/`app_id` to your client id.", [];
}

/// Rule ids the catalogue reserves but deliberately does not implement, with the reason.
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

/// Looks up a rule by id.
pub fn rule(id: &str) -> Option<&'static RuleInfo> {
    RULES.iter().find(|r| r.id == id)
}
