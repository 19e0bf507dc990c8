//! `rolecall explain` on real policy and token pairs: one snapshot per
//! denial cause people actually hit (`docs/SEMANTICS.md` §5.4). The tokens
//! are built here (unsigned: explain does not check signatures).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "integration-test code: helpers outside #[test] functions fail by panicking too"
)]

use std::path::PathBuf;

use assert_cmd::Command;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde_json::{json, Value};

const ACCOUNT: &str = "111122223333";
const EKS: &str = "oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE";
const GH: &str = "token.actions.githubusercontent.com";

fn jwt(claims: Value) -> String {
    let header = json!({"alg": "RS256", "kid": "test", "typ": "JWT"});
    format!(
        "{}.{}.{}",
        URL_SAFE_NO_PAD.encode(header.to_string()),
        URL_SAFE_NO_PAD.encode(claims.to_string()),
        URL_SAFE_NO_PAD.encode(b"not-a-signature")
    )
}

fn dir() -> PathBuf {
    let d = std::env::temp_dir().join(format!("rolecall-explain-{}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// Runs `rolecall explain` on a policy (written as pretty JSON so carets
/// have lines to point at) and a token; returns stdout with the temp path
/// replaced and the exit code.
fn explain(name: &str, policy: Value, claims: Value, extra: &[&str]) -> (String, i32) {
    let d = dir();
    let policy_path = d.join(format!("{name}.json"));
    std::fs::write(&policy_path, serde_json::to_string_pretty(&policy).unwrap()).unwrap();
    let token_path = d.join(format!("{name}.jwt"));
    std::fs::write(&token_path, jwt(claims)).unwrap();
    let out = Command::cargo_bin("rolecall")
        .unwrap()
        .env("NO_COLOR", "1")
        .args(["explain", "--account", ACCOUNT, "--policy"])
        .arg(&policy_path)
        .arg("--token")
        .arg(&token_path)
        .args(extra)
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout)
        .unwrap()
        .replace(&policy_path.display().to_string(), "policy.json");
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    (text, out.status.code().unwrap())
}

fn trust(provider: &str, condition: Value) -> Value {
    json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow",
            "Principal": {"Federated": format!("arn:aws:iam::{ACCOUNT}:oidc-provider/{provider}")},
            "Action": "sts:AssumeRoleWithWebIdentity",
            "Condition": condition
        }]
    })
}

fn irsa_policy() -> Value {
    trust(
        EKS,
        json!({"StringEquals": {
            format!("{EKS}:aud"): "sts.amazonaws.com",
            format!("{EKS}:sub"): "system:serviceaccount:payments:payments-api"
        }}),
    )
}

fn irsa_token(sub: &str) -> Value {
    json!({"iss": format!("https://{EKS}"), "sub": sub, "aud": ["sts.amazonaws.com"], "exp": 4102444800u64})
}

fn gh_policy(sub: Value, operator: &str) -> Value {
    trust(
        GH,
        json!({
            "StringEquals": {format!("{GH}:aud"): "sts.amazonaws.com"},
            operator: {format!("{GH}:sub"): sub}
        }),
    )
}

fn gh_token(sub: &str) -> Value {
    json!({"iss": format!("https://{GH}"), "sub": sub, "aud": "sts.amazonaws.com", "repository": "octo-org/octo-repo", "actor": "octocat"})
}

#[test]
fn irsa_allowed() {
    let (out, code) = explain(
        "irsa-ok",
        irsa_policy(),
        irsa_token("system:serviceaccount:payments:payments-api"),
        &[],
    );
    assert_eq!(code, 0);
    insta::assert_snapshot!(out);
}

#[test]
fn irsa_namespace_typo() {
    let (out, code) = explain(
        "irsa-ns",
        irsa_policy(),
        irsa_token("system:serviceaccount:payment:payments-api"),
        &[],
    );
    assert_eq!(code, 1);
    assert!(out.contains("the namespace differs"));
    insta::assert_snapshot!(out);
}

#[test]
fn irsa_service_account_differs() {
    let (out, code) = explain(
        "irsa-sa",
        irsa_policy(),
        irsa_token("system:serviceaccount:payments:payments-worker"),
        &[],
    );
    assert_eq!(code, 1);
    assert!(out.contains("the service account differs"));
    insta::assert_snapshot!(out);
}

#[test]
fn github_environment_instead_of_branch() {
    let (out, code) = explain(
        "gh-env",
        gh_policy(
            json!("repo:octo-org/octo-repo:ref:refs/heads/main"),
            "StringEquals",
        ),
        gh_token("repo:octo-org/octo-repo:environment:prod"),
        &[],
    );
    assert_eq!(code, 1);
    assert!(out.contains("GitHub environment `prod`"));
    insta::assert_snapshot!(out);
}

#[test]
fn github_pull_request() {
    let (out, code) = explain(
        "gh-pr",
        gh_policy(
            json!("repo:octo-org/octo-repo:ref:refs/heads/*"),
            "StringLike",
        ),
        gh_token("repo:octo-org/octo-repo:pull_request"),
        &[],
    );
    assert_eq!(code, 1);
    assert!(out.contains("triggered by a pull request"));
    insta::assert_snapshot!(out);
}

#[test]
fn github_immutable_subject() {
    let (out, code) = explain(
        "gh-immutable",
        gh_policy(
            json!("repo:octo-org/octo-repo:ref:refs/heads/main"),
            "StringEquals",
        ),
        gh_token("repo:octo-org@123456/octo-repo@456789:ref:refs/heads/main"),
        &[],
    );
    assert_eq!(code, 1);
    assert!(out.contains("immutable subjects"));
    insta::assert_snapshot!(out);
}

/// A repository with a custom subject template: the token's `sub` is not
/// GitHub's default format, and the hint renders what the default would be
/// (`rolecall_eval::github_subject`) from the keys STS exposes.
#[test]
fn github_custom_template() {
    let mut token = gh_token("repository_owner:octo-org:context:ref:refs/heads/main");
    token["ref"] = json!("refs/heads/main");
    let (out, code) = explain(
        "gh-template",
        gh_policy(
            json!("repo:octo-org/octo-repo:ref:refs/heads/main"),
            "StringEquals",
        ),
        token,
        &[],
    );
    assert_eq!(code, 1);
    assert!(
        out.contains("is not GitHub's default format, which would be `repo:octo-org/octo-repo:ref:refs/heads/main` for this job"),
        "{out}"
    );
    // The same job on the default format gets no such hint.
    let mut token = gh_token("repo:octo-org/octo-repo:ref:refs/heads/dev");
    token["ref"] = json!("refs/heads/dev");
    let (out, _) = explain(
        "gh-template-default",
        gh_policy(
            json!("repo:octo-org/octo-repo:ref:refs/heads/main"),
            "StringEquals",
        ),
        token,
        &[],
    );
    assert!(!out.contains("default format"), "{out}");
}

#[test]
fn github_owner_case() {
    let (out, code) = explain(
        "gh-case",
        gh_policy(
            json!("repo:Octo-Org/octo-repo:ref:refs/heads/main"),
            "StringEquals",
        ),
        gh_token("repo:octo-org/octo-repo:ref:refs/heads/main"),
        &[],
    );
    assert_eq!(code, 1);
    assert!(out.contains("only in case"));
    insta::assert_snapshot!(out);
}

#[test]
fn wildcard_in_string_equals() {
    let (out, code) = explain(
        "gh-star",
        gh_policy(json!("repo:octo-org/octo-repo:*"), "StringEquals"),
        gh_token("repo:octo-org/octo-repo:ref:refs/heads/main"),
        &[],
    );
    assert_eq!(code, 1);
    assert!(out.contains("literal characters under `StringEquals`"));
    insta::assert_snapshot!(out);
}

#[test]
fn claim_not_exposed_before_2026() {
    let policy = trust(
        GH,
        json!({"StringEquals": {format!("{GH}:aud"): "sts.amazonaws.com", format!("{GH}:actor"): "octocat"}}),
    );
    let (out, code) = explain(
        "gh-actor",
        policy,
        gh_token("repo:octo-org/octo-repo:ref:refs/heads/main"),
        &["--pre-2026-claims"],
    );
    assert_eq!(code, 1);
    assert!(out.contains("STS does not put claim `actor`"));
    insta::assert_snapshot!(out);
}

#[test]
fn key_of_another_provider() {
    let policy = trust(
        "gitlab.com",
        json!({"StringEquals": {"gitlab.example.com:sub": "project_path:mygroup/myproject:ref_type:branch:ref:main"}}),
    );
    let claims = json!({"iss": "https://gitlab.com", "sub": "project_path:mygroup/myproject:ref_type:branch:ref:main", "aud": "https://gitlab.com"});
    let (out, code) = explain("gitlab-key", policy, claims, &[]);
    assert_eq!(code, 1);
    assert!(out.contains("the key names provider `gitlab.example.com`"));
    insta::assert_snapshot!(out);
}

#[test]
fn session_tags_without_tag_session() {
    let mut claims = irsa_token("system:serviceaccount:payments:payments-api");
    claims["https://aws.amazon.com/tags"] = json!({"principal_tags": {"team": ["payments"]}});
    let (out, code) = explain("irsa-tags", irsa_policy(), claims, &[]);
    assert_eq!(code, 1);
    assert!(out.contains("sts:TagSession: ImplicitDeny"));
    assert!(out.contains("add `sts:TagSession`"));
    insta::assert_snapshot!(out);
}

#[test]
fn aud_with_several_values() {
    let policy = trust(
        "auth.example.com",
        json!({"StringEquals": {"auth.example.com:aud": "sts.amazonaws.com", "auth.example.com:sub": "svc"}}),
    );
    let claims = json!({"iss": "https://auth.example.com", "sub": "svc", "aud": ["sts.amazonaws.com", "api://other"]});
    let (out, code) = explain("aud-multi", policy, claims, &[]);
    assert_eq!(code, 1);
    assert!(out.contains("holds 2 values"));
    insta::assert_snapshot!(out);
}

#[test]
fn explicit_deny() {
    let mut policy = gh_policy(json!("repo:octo-org/*"), "StringLike");
    policy["Statement"].as_array_mut().unwrap().push(json!({
        "Sid": "NoLegacy",
        "Effect": "Deny",
        "Principal": {"Federated": format!("arn:aws:iam::{ACCOUNT}:oidc-provider/{GH}")},
        "Action": "sts:AssumeRoleWithWebIdentity",
        "Condition": {"StringLike": {format!("{GH}:sub"): "repo:octo-org/legacy:*"}}
    }));
    let (out, code) = explain(
        "gh-deny",
        policy,
        gh_token("repo:octo-org/legacy:ref:refs/heads/main"),
        &[],
    );
    assert_eq!(code, 1);
    assert!(out.starts_with("ExplicitDeny"));
    insta::assert_snapshot!(out);
}

#[test]
fn provider_in_another_account() {
    let policy = json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow",
            "Principal": {"Federated": format!("arn:aws:iam::999999999999:oidc-provider/{EKS}")},
            "Action": "sts:AssumeRoleWithWebIdentity"
        }]
    });
    let (out, code) = explain(
        "irsa-account",
        policy,
        irsa_token("system:serviceaccount:payments:payments-api"),
        &[],
    );
    assert_eq!(code, 1);
    assert!(out.contains("names account `999999999999`"));
    insta::assert_snapshot!(out);
}

#[test]
fn json_output_has_hints_and_the_trace() {
    let d = dir();
    let p = d.join("json.json");
    std::fs::write(&p, serde_json::to_string_pretty(&irsa_policy()).unwrap()).unwrap();
    let t = d.join("json.jwt");
    std::fs::write(
        &t,
        jwt(irsa_token("system:serviceaccount:payment:payments-api")),
    )
    .unwrap();
    let out = Command::cargo_bin("rolecall")
        .unwrap()
        .args([
            "explain",
            "--format",
            "json",
            "--account",
            ACCOUNT,
            "--policy",
        ])
        .arg(&p)
        .arg("--token")
        .arg(&t)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["decision"], "ImplicitDeny");
    assert_eq!(v["signature_checked"], false);
    let action = &v["actions"][0];
    assert_eq!(action["explanation"]["decision"], "ImplicitDeny");
    assert!(action["hints"][0]["hint"]
        .as_str()
        .unwrap()
        .contains("namespace differs"));
}

/// Before, explain evaluated payments-api's trust policy for `--role-arn
/// …/other` without a word (issue 13).
#[test]
fn get_role_output_of_another_role_is_refused() {
    let d = dir();
    let payments = format!("arn:aws:iam::{ACCOUNT}:role/payments-api");
    let get_role = d.join("get-role-payments.json");
    let doc = json!({"Role": {"RoleName": "payments-api", "Arn": payments,
        "AssumeRolePolicyDocument": irsa_policy()}});
    std::fs::write(&get_role, serde_json::to_string_pretty(&doc).unwrap()).unwrap();
    let token = d.join("get-role.jwt");
    std::fs::write(
        &token,
        jwt(irsa_token("system:serviceaccount:payments:payments-api")),
    )
    .unwrap();
    let run = |role_flag: &str, role: &str| {
        Command::cargo_bin("rolecall")
            .unwrap()
            .env("NO_COLOR", "1")
            .args(["explain", role_flag, role, "--policy"])
            .arg(&get_role)
            .arg("--token")
            .arg(&token)
            .output()
            .unwrap()
    };
    let out = run("--role-arn", &format!("arn:aws:iam::{ACCOUNT}:role/other"));
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains(&format!(
            "this `aws iam get-role` output is for role `{payments}`, not for --role-arn `arn:aws:iam::{ACCOUNT}:role/other`"
        )),
        "{err}"
    );
    // Another account's id, with --account.
    let out = run("--account", "444455556666");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8(out.stderr).unwrap().contains(&format!(
        "is for role `{payments}` of account {ACCOUNT}, not of --account 444455556666"
    )));
    assert_eq!(run("--role-arn", &payments).status.code(), Some(0));
    assert_eq!(run("--account", ACCOUNT).status.code(), Some(0));
}
