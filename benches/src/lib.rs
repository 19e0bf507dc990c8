//! Shared fixtures for rolecall's benchmarks (see `BENCHMARKS.md`).
//!
//! The benches in `benches/` and the helper binaries in `examples/` build
//! their inputs here, so a figure in `BENCHMARKS.md` and the driver that
//! measured its memory use the very same policy and request shapes.
//!
//! * [`IRSA`], [`GITHUB`]: the policies of docs/SEMANTICS.md §5.1 and 6.
//! * [`ten_by_five`]: 10 statements of 5 conditions each.
//! * [`scale`]: generators for the scale benches (statements, pattern
//!   count, claim length, context size) and for the whole-process inputs
//!   (`eval --batch` lines, an account authorization dump).
//! * [`eks`]: the cluster, service accounts and roles of the `rolecall eks` scale bench.
//!
//! ```
//! use rolecall_benches::{irsa_request, IRSA, SA};
//! use rolecall_eval::{evaluate, CompiledPolicy, Decision};
//!
//! let policy = CompiledPolicy::from_json(IRSA)?;
//! assert_eq!(evaluate(&policy, &irsa_request(SA)?), Decision::Allow);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![deny(missing_docs)]

pub mod eks;
pub mod scale;

use rolecall_eval::request::{Request, RequestError};

/// The issuer host of the EKS cluster of docs/SEMANTICS.md §5.1.
pub const EKS: &str = "oidc.eks.region-code.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE";

/// The OIDC provider ARN of the EKS cluster: the request principal.
pub const P_EKS: &str = "arn:aws:iam::111122223333:oidc-provider/oidc.eks.region-code.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE";

/// The service account the IRSA policy trusts.
pub const SA: &str = "system:serviceaccount:default:my-service-account";

/// A service account one transposition away from [`SA`]: no match.
pub const SA_TYPO: &str = "system:serviceaccount:defualt:my-service-account";

/// The action of every web-identity request here.
pub const ACTION: &str = "sts:AssumeRoleWithWebIdentity";

/// The IRSA trust policy of docs/SEMANTICS.md §5.1, verbatim.
pub const IRSA: &str = r#"{
  "Version": "2012-10-17",
  "Statement": [{
    "Effect": "Allow",
    "Principal": {"Federated": "arn:aws:iam::111122223333:oidc-provider/oidc.eks.region-code.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"},
    "Action": "sts:AssumeRoleWithWebIdentity",
    "Condition": {"StringEquals": {
      "oidc.eks.region-code.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE:aud": "sts.amazonaws.com",
      "oidc.eks.region-code.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE:sub": "system:serviceaccount:default:my-service-account"
    }}
  }]
}"#;

/// The GitHub Actions issuer host.
pub const GH: &str = "token.actions.githubusercontent.com";

/// The GitHub Actions OIDC provider ARN.
pub const P_GH: &str =
    "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com";

/// A GitHub Actions trust policy: `aud` by `StringEquals`, `sub` by
/// `StringLike` over a branch wildcard and an environment.
pub const GITHUB: &str = r#"{
  "Version": "2012-10-17",
  "Statement": [{
    "Effect": "Allow",
    "Principal": {"Federated": "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"},
    "Action": "sts:AssumeRoleWithWebIdentity",
    "Condition": {
      "StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"},
      "StringLike": {"token.actions.githubusercontent.com:sub": ["repo:octo-org/octo-repo:ref:refs/heads/*", "repo:octo-org/octo-repo:environment:prod"]}
    }
  }]
}"#;

/// A GitHub `sub` the [`GITHUB`] policy allows.
pub const GH_SUB_YES: &str = "repo:octo-org/octo-repo:ref:refs/heads/feature/x";

/// A GitHub `sub` the [`GITHUB`] policy refuses (pull requests).
pub const GH_SUB_NO: &str = "repo:octo-org/octo-repo:pull_request";

/// The IRSA request: principal [`P_EKS`], `aud` = `sts.amazonaws.com`, the
/// given `sub`.
///
/// # Errors
///
/// Never for these inputs; the builder's error is passed on.
pub fn irsa_request(sub: &str) -> Result<Request, RequestError> {
    Request::builder()
        .principal(P_EKS)
        .action(ACTION)
        .value(format!("{EKS}:aud"), "sts.amazonaws.com")
        .value(format!("{EKS}:sub"), sub)
        .build()
}

/// A GitHub Actions request with `aud` = `sts.amazonaws.com` and the given
/// `sub`.
///
/// # Errors
///
/// Never for these inputs; the builder's error is passed on.
pub fn github_request(sub: &str) -> Result<Request, RequestError> {
    Request::builder()
        .principal(P_GH)
        .action(ACTION)
        .value(format!("{GH}:aud"), "sts.amazonaws.com")
        .value(format!("{GH}:sub"), sub)
        .build()
}

/// The five claims of a [`ten_by_five`] request, as `(key, value)` pairs;
/// `repo` picks the repository (`app9` is allowed by the last statement
/// only, anything outside `app0`..`app9` by none).
pub fn ten_by_five_claims(repo: &str) -> Vec<(String, String)> {
    vec![
        (format!("{GH}:aud"), "sts.amazonaws.com".to_owned()),
        (
            format!("{GH}:sub"),
            format!("repo:octo-org/{repo}:ref:refs/heads/main"),
        ),
        (format!("{GH}:repository_owner"), "octo-org".to_owned()),
        (
            format!("{GH}:job_workflow_ref"),
            format!("octo-org/{repo}/.github/workflows/deploy.yml@refs/heads/main"),
        ),
        (format!("{GH}:actor"), "octocat".to_owned()),
    ]
}

/// A request for [`ten_by_five`] (see [`ten_by_five_claims`]).
///
/// # Errors
///
/// Never for these inputs; the builder's error is passed on.
pub fn ten_by_five_request(repo: &str) -> Result<Request, RequestError> {
    let mut b = Request::builder().principal(P_GH).action(ACTION);
    for (k, v) in ten_by_five_claims(repo) {
        b = b.value(k, v);
    }
    b.build()
}

/// A GitHub policy of 10 statements with 5 conditions each (two
/// `StringEquals`, two `StringLike`, one `StringNotEquals`), statement `i`
/// trusting repository `app<i>`. A request for `app9` is allowed by the
/// last statement only, after the first nine fail on `sub`.
pub fn ten_by_five() -> String {
    let statements: Vec<String> = (0..10)
        .map(|i| {
            format!(
                r#"{{"Sid":"App{i}","Effect":"Allow","Principal":{{"Federated":"{P_GH}"}},"Action":"{ACTION}","Condition":{{"StringEquals":{{"{GH}:aud":"sts.amazonaws.com","{GH}:repository_owner":"octo-org"}},"StringLike":{{"{GH}:sub":"repo:octo-org/app{i}:ref:refs/heads/*","{GH}:job_workflow_ref":"octo-org/app{i}/.github/workflows/*@refs/heads/main"}},"StringNotEquals":{{"{GH}:actor":"dependabot[bot]"}}}}}}"#
            )
        })
        .collect();
    format!(
        r#"{{"Version":"2012-10-17","Statement":[{}]}}"#,
        statements.join(",")
    )
}
