//! `evaluate` allocates nothing on a prepared request: a counting global
//! allocator checks it for the policy shapes that matter.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "integration-test code: helpers outside #[test] functions fail by panicking too"
)]

use std::alloc::System;

use rolecall_eval::request::Request;
use rolecall_eval::{evaluate, CompiledPolicy, Decision};
use stats_alloc::{Region, StatsAlloc, INSTRUMENTED_SYSTEM};

// The allocator counts for the whole process, so this file holds a single
// `#[test]` (the harness runs nothing else while it runs).
#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

/// The decision and the number of allocations `evaluate` made.
fn counted(policy: &CompiledPolicy, request: &Request) -> (Decision, usize) {
    let region = Region::new(GLOBAL);
    let d = evaluate(policy, request);
    let stats = region.change();
    (d, stats.allocations + stats.reallocations)
}

const EKS: &str = "oidc.eks.region-code.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE";
const P_EKS: &str = "arn:aws:iam::111122223333:oidc-provider/oidc.eks.region-code.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE";
const P_GH: &str = "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com";
const GH: &str = "token.actions.githubusercontent.com";

fn irsa() -> CompiledPolicy {
    CompiledPolicy::from_json(&format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow",
        "Principal":{{"Federated":"{P_EKS}"}},"Action":"sts:AssumeRoleWithWebIdentity",
        "Condition":{{"StringEquals":{{"{EKS}:aud":"sts.amazonaws.com",
        "{EKS}:sub":"system:serviceaccount:default:my-service-account"}}}}}}]}}"#
    ))
    .unwrap()
}

fn eks_request(sub: &str) -> Request {
    Request::builder()
        .principal(P_EKS)
        .action("sts:AssumeRoleWithWebIdentity")
        .value(format!("{EKS}:aud"), "sts.amazonaws.com")
        .value(format!("{EKS}:sub"), sub)
        .build()
        .unwrap()
}

fn irsa_match_and_no_match() {
    let policy = irsa();
    let yes = eks_request("system:serviceaccount:default:my-service-account");
    let no = eks_request("system:serviceaccount:defualt:my-service-account");
    assert_eq!(counted(&policy, &yes), (Decision::Allow, 0));
    assert_eq!(counted(&policy, &no), (Decision::ImplicitDeny, 0));
}

fn github_string_like() {
    // Enough values for the PatternSet to use globset.
    let subs: Vec<String> = (0..30)
        .map(|i| format!("\"repo:octo-org/app{i}:ref:refs/heads/*\""))
        .collect();
    let policy = CompiledPolicy::from_json(&format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow",
        "Principal":{{"Federated":"{P_GH}"}},"Action":"sts:AssumeRoleWithWebIdentity",
        "Condition":{{"StringEquals":{{"{GH}:aud":"sts.amazonaws.com"}},
        "StringLike":{{"{GH}:sub":["repo:octo-org/octo-repo:*", "repo:o/r:ref:refs/heads/v?", {}]}}}}}}]}}"#,
        subs.join(",")
    ))
    .unwrap();
    let req = |sub: &str| {
        Request::builder()
            .principal(P_GH)
            .action("sts:AssumeRoleWithWebIdentity")
            .value(format!("{GH}:aud"), "sts.amazonaws.com")
            .value(format!("{GH}:sub"), sub)
            .build()
            .unwrap()
    };
    for (sub, want) in [
        ("repo:octo-org/octo-repo:pull_request", Decision::Allow),
        ("repo:octo-org/app17:ref:refs/heads/main", Decision::Allow),
        ("repo:o/r:ref:refs/heads/v1", Decision::Allow),
        ("repo:o/r:ref:refs/heads/v10", Decision::ImplicitDeny),
        ("repo:evil/x:ref:refs/heads/main", Decision::ImplicitDeny),
        ("repo:évil/x:ref:refs/heads/main", Decision::ImplicitDeny),
    ] {
        assert_eq!(counted(&policy, &req(sub)), (want, 0), "{sub}");
    }
}

fn deny_not_action_if_exists_for_any_value() {
    let policy = CompiledPolicy::from_json(&format!(
        r#"{{"Version":"2012-10-17","Statement":[
        {{"Effect":"Allow","Principal":{{"Federated":"{P_GH}"}},
          "Action":["sts:AssumeRoleWithWebIdentity","sts:TagSession"]}},
        {{"Effect":"Deny","Principal":"*","NotAction":"sts:TagSession",
          "Condition":{{"StringNotEqualsIfExists":{{"aws:RequestTag/team":"platform"}},
                        "ForAnyValue:StringLike":{{"aws:TagKeys":["adm*","root"]}}}}}}]}}"#
    ))
    .unwrap();
    let req = |team: Option<&str>, keys: &[&str]| {
        let mut b = Request::builder()
            .principal(P_GH)
            .action("sts:AssumeRoleWithWebIdentity")
            .values("aws:TagKeys", keys.iter().copied());
        if let Some(t) = team {
            b = b.value("aws:RequestTag/team", t);
        }
        b.build().unwrap()
    };
    assert_eq!(
        counted(&policy, &req(None, &["admin"])),
        (Decision::ExplicitDeny, 0)
    );
    assert_eq!(
        counted(&policy, &req(Some("platform"), &["admin"])),
        (Decision::Allow, 0)
    );
    assert_eq!(
        counted(&policy, &req(Some("dev"), &["team"])),
        (Decision::Allow, 0)
    );
}

fn policy_variables() {
    // Variables in StringEquals, StringLike and ArnLike, resolved from the
    // context and from a default.
    let policy = CompiledPolicy::from_json(&format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow",
        "Principal":{{"Federated":"{P_GH}"}},"Action":"sts:AssumeRoleWithWebIdentity",
        "Condition":{{"StringEquals":{{"sts:RoleSessionName":"${{{GH}:actor}}"}},
          "StringLike":{{"{GH}:sub":"repo:${{aws:username, 'octo-org'}}/*"}},
          "ArnLike":{{"aws:FederatedProvider":"arn:aws:iam::${{aws:PrincipalAccount, '111122223333'}}:oidc-provider/*"}}}}}}]}}"#
    ))
    .unwrap();
    let req = |actor: &str, session: &str| {
        Request::builder()
            .principal(P_GH)
            .action("sts:AssumeRoleWithWebIdentity")
            .value(format!("{GH}:actor"), actor)
            .value(format!("{GH}:sub"), "repo:octo-org/app:ref:refs/heads/main")
            .value("sts:RoleSessionName", session)
            .value("aws:FederatedProvider", P_GH)
            .build()
            .unwrap()
    };
    assert_eq!(
        counted(&policy, &req("octocat", "octocat")),
        (Decision::Allow, 0)
    );
    assert_eq!(
        counted(&policy, &req("octocat", "mallory")),
        (Decision::ImplicitDeny, 0)
    );
}

#[test]
fn evaluate_never_allocates() {
    // A sanity check that the counter counts at all.
    let region = Region::new(GLOBAL);
    let v: Vec<u8> = Vec::with_capacity(8);
    assert_eq!(region.change().allocations, 1);
    drop(v);

    irsa_match_and_no_match();
    github_string_like();
    deny_not_action_if_exists_for_any_value();
    policy_variables();
}
