//! Where iam-rs 0.8 and AWS disagree, what rolecall and iam-rs answer.
//!
//! Each row is one case of docs/SEMANTICS.md: the policy, the request, the
//! decision docs/SEMANTICS.md gives (AWS), and the decision iam-rs gives today.
//! The test fails if rolecall departs from docs/SEMANTICS.md, and also if
//! iam-rs's answer changes (so `BENCHMARKS.md`'s "rolecall vs iam-rs"
//! table, which quotes these rows, is kept true). `cargo test -p
//! rolecall-benches --test peer_correctness -- --nocapture` prints the
//! table.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "measurement code, not library code: bad input stops the run"
)]

use iam_rs::{
    Arn, Context as IamContext, Decision as IamDecision, EvaluationOptions, IAMPolicy, IAMRequest,
    PolicyEvaluator, Principal, PrincipalId,
};
use rolecall_eval::request::Request;
use rolecall_eval::{evaluate, CompiledPolicy, Decision};

const ACTION: &str = "sts:AssumeRoleWithWebIdentity";
const P_SRV: &str = "arn:aws:iam::111122223333:oidc-provider/server.example.com";

struct Case {
    name: &'static str,
    /// Where docs/SEMANTICS.md decides it.
    section: &'static str,
    policy: String,
    principal: &'static str,
    claims: &'static [(&'static str, &'static str)],
    /// What AWS decides, per docs/SEMANTICS.md.
    aws: Decision,
    /// What iam-rs 0.8 decides (observed).
    iam_rs: IamDecision,
}

fn policy(principal: &str, condition: &str) -> String {
    format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"Federated":"{principal}"}},"Action":"{ACTION}"{condition}}}]}}"#
    )
}

fn cases() -> Vec<Case> {
    let eks = "arn:aws:iam::111122223333:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/EXAMPLE";
    let eks2 =
        "arn:aws:iam::111122223333:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/EXAMPLE2";
    let star_escape = policy(
        P_SRV,
        r#","Condition":{"StringLike":{"server.example.com:sub":"svc-${*}"}}"#,
    );
    let variable = policy(
        P_SRV,
        r#","Condition":{"StringLike":{"server.example.com:sub":"repo:${server.example.com:repository_owner}/*"}}"#,
    );
    let arn_like = policy(
        P_SRV,
        r#","Condition":{"ArnLike":{"server.example.com:resource":"arn:aws:someservice:*:111122223333:finance/*"}}"#,
    );
    vec![
        Case {
            name: "Federated principal is not a prefix match (`.../id/EXAMPLE` vs `.../id/EXAMPLE2`)",
            section: "2.3",
            policy: policy(eks, ""),
            principal: eks2,
            claims: &[],
            aws: Decision::ImplicitDeny,
            iam_rs: IamDecision::Allow,
        },
        Case {
            name: "Federated principal, exact match (control)",
            section: "2.3",
            policy: policy(eks, ""),
            principal: eks,
            claims: &[],
            aws: Decision::Allow,
            iam_rs: IamDecision::Allow,
        },
        Case {
            name: "variable in a condition value is substituted (`repo:${...:repository_owner}/*`, owner `octo-org`)",
            section: "3.10, E52",
            policy: variable.clone(),
            principal: P_SRV,
            claims: &[
                ("server.example.com:sub", "repo:octo-org/app"),
                ("server.example.com:repository_owner", "octo-org"),
            ],
            aws: Decision::Allow,
            iam_rs: IamDecision::NotApplicable,
        },
        Case {
            name: "variable left as text is not matched literally (sub `repo:${server.example.com:repository_owner}/x`, owner `evil`)",
            section: "3.10",
            policy: variable,
            principal: P_SRV,
            claims: &[
                (
                    "server.example.com:sub",
                    "repo:${server.example.com:repository_owner}/x",
                ),
                ("server.example.com:repository_owner", "evil"),
            ],
            aws: Decision::ImplicitDeny,
            iam_rs: IamDecision::Allow,
        },
        Case {
            name: "`${*}` is a literal star: `svc-${*}` vs `svc-*`",
            section: "3.10, E57",
            policy: star_escape.clone(),
            principal: P_SRV,
            claims: &[("server.example.com:sub", "svc-*")],
            aws: Decision::Allow,
            iam_rs: IamDecision::NotApplicable,
        },
        Case {
            name: "`${*}` is a literal star: `svc-${*}` vs `svc-x`",
            section: "3.10, E57",
            policy: star_escape.clone(),
            principal: P_SRV,
            claims: &[("server.example.com:sub", "svc-x")],
            aws: Decision::ImplicitDeny,
            iam_rs: IamDecision::NotApplicable,
        },
        Case {
            name: "`${*}` is not a wildcard: `svc-${*}` vs `svc-${anything}`",
            section: "3.10, E57",
            policy: star_escape,
            principal: P_SRV,
            claims: &[("server.example.com:sub", "svc-${anything}")],
            aws: Decision::ImplicitDeny,
            iam_rs: IamDecision::Allow,
        },
        Case {
            name: "ArnLike matches per segment: `*` does not cross `:`",
            section: "3.4, F65",
            policy: arn_like.clone(),
            principal: P_SRV,
            claims: &[(
                "server.example.com:resource",
                "arn:aws:someservice:us-east-2:999999999999:store/abc:111122223333:finance/document.txt",
            )],
            aws: Decision::ImplicitDeny,
            iam_rs: IamDecision::Allow,
        },
        Case {
            name: "ArnLike, segment-wise match (control)",
            section: "3.4",
            policy: arn_like,
            principal: P_SRV,
            claims: &[(
                "server.example.com:resource",
                "arn:aws:someservice:us-east-2:111122223333:finance/document.txt",
            )],
            aws: Decision::Allow,
            iam_rs: IamDecision::Allow,
        },
    ]
}

fn rolecall(case: &Case) -> Decision {
    let policy = CompiledPolicy::from_json(&case.policy).unwrap();
    let mut b = Request::builder().principal(case.principal).action(ACTION);
    for (k, v) in case.claims {
        b = b.value(*k, *v);
    }
    evaluate(&policy, &b.build().unwrap())
}

fn iam_rs(case: &Case) -> IamDecision {
    // Resource constraints ignored: a trust policy has no `Resource`.
    let evaluator =
        PolicyEvaluator::with_policies(vec![IAMPolicy::from_json(&case.policy).unwrap()])
            .with_options(EvaluationOptions {
                ignore_resource_constraints: true,
                ..EvaluationOptions::default()
            });
    let mut ctx = IamContext::new();
    for (k, v) in case.claims {
        ctx = ctx.with_string(*k, *v);
    }
    let request = IAMRequest::new_with_context(
        Principal::Federated(PrincipalId::String(case.principal.to_owned())),
        ACTION,
        Arn::parse("arn:aws:iam::111122223333:role/app").unwrap(),
        ctx,
    );
    evaluator.evaluate(&request).unwrap().decision
}

/// iam-rs's `NotApplicable` and `Deny` both refuse the call.
fn iam_allows(d: IamDecision) -> bool {
    d == IamDecision::Allow
}

#[test]
fn rolecall_follows_semantics_and_iam_rs_answers_are_as_recorded() {
    let mut failures = Vec::new();
    println!("| case | docs/SEMANTICS.md | AWS | rolecall | iam-rs 0.8 |");
    println!("|---|---|---|---|---|");
    for case in cases() {
        let ours = rolecall(&case);
        let theirs = iam_rs(&case);
        println!(
            "| {} | {} | {} | {} | {theirs:?}{} |",
            case.name,
            case.section,
            case.aws.as_str(),
            ours.as_str(),
            if iam_allows(theirs) == case.aws.is_allowed() {
                ""
            } else {
                " (differs from AWS)"
            }
        );
        if ours != case.aws {
            failures.push(format!(
                "{}: rolecall {ours:?}, AWS {:?}",
                case.name, case.aws
            ));
        }
        if theirs != case.iam_rs {
            failures.push(format!(
                "{}: iam-rs now {theirs:?}, recorded {:?}",
                case.name, case.iam_rs
            ));
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

#[test]
fn the_recorded_cases_include_real_disagreements() {
    // The table is only worth keeping while iam-rs actually disagrees with
    // AWS on each topic it names.
    let differing: Vec<_> = cases()
        .into_iter()
        .filter(|c| iam_allows(c.iam_rs) != c.aws.is_allowed())
        .map(|c| c.section)
        .collect();
    for section in ["2.3", "3.10", "3.10, E57", "3.4, F65"] {
        assert!(
            differing.contains(&section),
            "no disagreement for {section}"
        );
    }
}
