//! Evaluation speed: the IRSA policy of docs/SEMANTICS.md §5.1 (matching and
//! not), next to a hand-written baseline doing the same four string
//! comparisons on the same request data; a GitHub policy with `StringLike`
//! on `sub`; and the compile time of the IRSA policy (parse + compile).
//! Target: IRSA `evaluate` within 4x of the baseline (issue 3).
//!
//! `cargo bench -p rolecall-benches --bench eval -- --warm-up-time 1 --measurement-time 3`
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "measurement code, not library code: bad input stops the run"
)]

use criterion::{criterion_group, criterion_main, Criterion};
use rolecall_eval::request::{ContextValue, Request};
use rolecall_eval::{evaluate, CompiledPolicy, Decision};
use std::hint::black_box;

use rolecall_benches::{EKS, GITHUB, IRSA, P_EKS, P_GH, SA};

fn eks_request(sub: &str) -> Request {
    rolecall_benches::irsa_request(sub).unwrap()
}

/// The four comparisons the IRSA policy boils down to, written by hand
/// over the same request: principal `==`, action `eq_ignore_ascii_case`,
/// then the two context values `==` (found by the same folded lookup the
/// engine uses).
fn baseline(request: &Request, keys: &[rolecall_eval::request::FoldedKey; 2]) -> bool {
    let ctx = request.context();
    let single = |k| match ctx.get(k).map(|e| e.value()) {
        Some(ContextValue::Single(s)) => Some(s.as_str()),
        _ => None,
    };
    request.principal() == black_box(P_EKS)
        && request
            .action()
            .eq_ignore_ascii_case(black_box("sts:AssumeRoleWithWebIdentity"))
        && single(&keys[0]) == Some(black_box("sts.amazonaws.com"))
        && single(&keys[1]) == Some(black_box(SA))
}

fn irsa(c: &mut Criterion) {
    let policy = CompiledPolicy::from_json(IRSA).unwrap();
    let keys = [
        rolecall_eval::request::FoldedKey::new(&format!("{EKS}:aud")),
        rolecall_eval::request::FoldedKey::new(&format!("{EKS}:sub")),
    ];
    let yes = eks_request(SA);
    let no = eks_request("system:serviceaccount:defualt:my-service-account");
    assert_eq!(evaluate(&policy, &yes), Decision::Allow);
    assert_eq!(evaluate(&policy, &no), Decision::ImplicitDeny);
    assert!(baseline(&yes, &keys) && !baseline(&no, &keys));

    let mut g = c.benchmark_group("irsa");
    g.bench_function("evaluate/match", |b| {
        b.iter(|| evaluate(black_box(&policy), black_box(&yes)))
    });
    g.bench_function("baseline/match", |b| {
        b.iter(|| baseline(black_box(&yes), black_box(&keys)))
    });
    g.bench_function("evaluate/no-match", |b| {
        b.iter(|| evaluate(black_box(&policy), black_box(&no)))
    });
    g.bench_function("baseline/no-match", |b| {
        b.iter(|| baseline(black_box(&no), black_box(&keys)))
    });
    g.bench_function("compile", |b| {
        b.iter(|| CompiledPolicy::from_json(black_box(IRSA)).unwrap())
    });
    g.finish();
}

fn github(c: &mut Criterion) {
    let policy = CompiledPolicy::from_json(GITHUB).unwrap();
    let req = |sub: &str| {
        Request::builder()
            .principal(P_GH)
            .action("sts:AssumeRoleWithWebIdentity")
            .value(
                "token.actions.githubusercontent.com:aud",
                "sts.amazonaws.com",
            )
            .value("token.actions.githubusercontent.com:sub", sub)
            .build()
            .unwrap()
    };
    let yes = req("repo:octo-org/octo-repo:ref:refs/heads/feature/x");
    let no = req("repo:octo-org/octo-repo:pull_request");
    assert_eq!(evaluate(&policy, &yes), Decision::Allow);
    assert_eq!(evaluate(&policy, &no), Decision::ImplicitDeny);
    let mut g = c.benchmark_group("github-string-like");
    g.bench_function("evaluate/match", |b| {
        b.iter(|| evaluate(black_box(&policy), black_box(&yes)))
    });
    g.bench_function("evaluate/no-match", |b| {
        b.iter(|| evaluate(black_box(&policy), black_box(&no)))
    });
    g.finish();
}

criterion_group!(benches, irsa, github);
criterion_main!(benches);
