//! rolecall next to a peer engine (iam-rs 0.8) and next to the floor, on
//! the same policies and requests, in one run so the ratios share the
//! machine's state.
//!
//! * `parse/irsa`: the docs/SEMANTICS.md §5.1 policy through `rolecall_policy::parse`,
//!   rolecall parse + compile, `iam_rs::IAMPolicy::from_json`, and the floor
//!   `serde_json::from_slice::<Value>`.
//! * `irsa/{match,no-match}`, `github/{match,no-match}`,
//!   `ten-by-five/{match,no-match}`: `rolecall_eval::evaluate` vs
//!   `iam_rs::PolicyEvaluator::evaluate` with resource constraints ignored
//!   (its default answers `NotApplicable` for a trust policy, which has no
//!   `Resource`). The IRSA groups add the floors: the hand-written four
//!   comparisons, `==` on the `sub` claim, and `memchr::memmem` finding it
//!   in the raw request bytes.
//!
//! iam-rs's `evaluate` clones the request into its result (its API), so its
//! figures include one request clone; rolecall's `evaluate` allocates
//! nothing.
//!
//! `cargo bench -p rolecall-benches --bench peers -- --warm-up-time 1 --measurement-time 3`
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    reason = "measurement code, not library code: bad input stops the run"
)]

use criterion::{criterion_group, criterion_main, Criterion};
use iam_rs::{
    Arn, Context as IamContext, Decision as IamDecision, EvaluationOptions, IAMPolicy, IAMRequest,
    PolicyEvaluator, Principal, PrincipalId,
};
use rolecall_benches::{
    github_request, irsa_request, ten_by_five, ten_by_five_claims, ten_by_five_request, ACTION,
    EKS, GH, GH_SUB_NO, GH_SUB_YES, GITHUB, IRSA, P_EKS, P_GH, SA, SA_TYPO,
};
use rolecall_eval::request::{ContextValue, FoldedKey, Request};
use rolecall_eval::{evaluate, CompiledPolicy, Decision};
use std::hint::black_box;

/// iam-rs with resource constraints ignored: a trust policy has no
/// `Resource`, and the default path answers `NotApplicable` for it.
fn iam_evaluator(policy: &str) -> PolicyEvaluator {
    PolicyEvaluator::with_policies(vec![IAMPolicy::from_json(policy).unwrap()]).with_options(
        EvaluationOptions {
            ignore_resource_constraints: true,
            ..EvaluationOptions::default()
        },
    )
}

/// An iam-rs request for the same call: a federated principal, the action,
/// the role as resource (ignored) and string claims.
fn iam_request(principal: &str, claims: &[(String, String)]) -> IAMRequest {
    let mut ctx = IamContext::new();
    for (k, v) in claims {
        ctx = ctx.with_string(k.as_str(), v.as_str());
    }
    IAMRequest::new_with_context(
        Principal::Federated(PrincipalId::String(principal.to_owned())),
        ACTION,
        Arn::parse("arn:aws:iam::111122223333:role/app").unwrap(),
        ctx,
    )
}

fn iam_decide(e: &PolicyEvaluator, r: &IAMRequest) -> IamDecision {
    e.evaluate(r).unwrap().decision
}

fn irsa_claims(sub: &str) -> Vec<(String, String)> {
    vec![
        (format!("{EKS}:aud"), "sts.amazonaws.com".to_owned()),
        (format!("{EKS}:sub"), sub.to_owned()),
    ]
}

fn gh_claims(sub: &str) -> Vec<(String, String)> {
    vec![
        (format!("{GH}:aud"), "sts.amazonaws.com".to_owned()),
        (format!("{GH}:sub"), sub.to_owned()),
    ]
}

/// The four comparisons the IRSA policy boils down to, by hand, over the
/// rolecall request (same as `benches/benches/eval.rs`): the floor for any engine.
fn baseline(request: &Request, keys: &[FoldedKey; 2]) -> bool {
    let ctx = request.context();
    let single = |k| match ctx.get(k).map(|e| e.value()) {
        Some(ContextValue::Single(s)) => Some(s.as_str()),
        _ => None,
    };
    request.principal() == black_box(P_EKS)
        && request.action().eq_ignore_ascii_case(black_box(ACTION))
        && single(&keys[0]) == Some(black_box("sts.amazonaws.com"))
        && single(&keys[1]) == Some(black_box(SA))
}

/// The IRSA request as JSON bytes, as a client would send it.
fn irsa_json(sub: &str) -> String {
    format!(
        r#"{{"principal":"{P_EKS}","action":"{ACTION}","context":{{"{EKS}:aud":"sts.amazonaws.com","{EKS}:sub":"{sub}"}}}}"#
    )
}

fn parse(c: &mut Criterion) {
    let bytes = IRSA.as_bytes();
    // All must accept the input, or the comparison means nothing.
    rolecall_policy::parse(bytes).unwrap();
    CompiledPolicy::from_json(IRSA).unwrap();
    IAMPolicy::from_json(IRSA).unwrap();
    let mut g = c.benchmark_group("parse/irsa");
    g.bench_function("rolecall-parse", |b| {
        b.iter(|| rolecall_policy::parse(black_box(bytes)).unwrap())
    });
    g.bench_function("rolecall-parse-compile", |b| {
        b.iter(|| CompiledPolicy::from_json(black_box(IRSA)).unwrap())
    });
    g.bench_function("iam-rs", |b| {
        b.iter(|| IAMPolicy::from_json(black_box(IRSA)).unwrap())
    });
    g.bench_function("floor-serde_json-value", |b| {
        b.iter(|| serde_json::from_slice::<serde_json::Value>(black_box(bytes)).unwrap())
    });
    g.finish();
}

fn irsa(c: &mut Criterion) {
    let policy = CompiledPolicy::from_json(IRSA).unwrap();
    let iam = iam_evaluator(IRSA);
    let keys = [
        FoldedKey::new(&format!("{EKS}:aud")),
        FoldedKey::new(&format!("{EKS}:sub")),
    ];
    for (name, sub, want, iam_want) in [
        ("match", SA, Decision::Allow, IamDecision::Allow),
        (
            "no-match",
            SA_TYPO,
            Decision::ImplicitDeny,
            IamDecision::NotApplicable,
        ),
    ] {
        let req = irsa_request(sub).unwrap();
        let iam_req = iam_request(P_EKS, &irsa_claims(sub));
        let raw = irsa_json(sub);
        assert_eq!(evaluate(&policy, &req), want);
        assert_eq!(iam_decide(&iam, &iam_req), iam_want);
        assert_eq!(baseline(&req, &keys), want == Decision::Allow);
        let claim = req
            .context()
            .lookup(&format!("{EKS}:sub"))
            .and_then(|e| e.value().as_single().map(str::to_owned))
            .unwrap();
        let mut g = c.benchmark_group(format!("irsa/{name}"));
        g.bench_function("rolecall", |b| {
            b.iter(|| evaluate(black_box(&policy), black_box(&req)))
        });
        g.bench_function("iam-rs", |b| {
            b.iter(|| iam_decide(black_box(&iam), black_box(&iam_req)))
        });
        g.bench_function("floor-four-comparisons", |b| {
            b.iter(|| baseline(black_box(&req), black_box(&keys)))
        });
        g.bench_function("floor-eq-claim", |b| {
            b.iter(|| black_box(claim.as_str()) == black_box(SA))
        });
        let finder = memchr::memmem::Finder::new(SA.as_bytes());
        g.bench_function("floor-memmem-raw", |b| {
            b.iter(|| finder.find(black_box(raw.as_bytes())).is_some())
        });
        g.bench_function("floor-serde_json-request", |b| {
            b.iter(|| {
                serde_json::from_slice::<serde_json::Value>(black_box(raw.as_bytes())).unwrap()
            })
        });
        g.finish();
    }
}

fn github(c: &mut Criterion) {
    let policy = CompiledPolicy::from_json(GITHUB).unwrap();
    let iam = iam_evaluator(GITHUB);
    for (name, sub, want) in [
        ("match", GH_SUB_YES, Decision::Allow),
        ("no-match", GH_SUB_NO, Decision::ImplicitDeny),
    ] {
        let req = github_request(sub).unwrap();
        let iam_req = iam_request(P_GH, &gh_claims(sub));
        assert_eq!(evaluate(&policy, &req), want);
        assert_eq!(
            iam_decide(&iam, &iam_req) == IamDecision::Allow,
            want == Decision::Allow
        );
        let mut g = c.benchmark_group(format!("github/{name}"));
        g.bench_function("rolecall", |b| {
            b.iter(|| evaluate(black_box(&policy), black_box(&req)))
        });
        g.bench_function("iam-rs", |b| {
            b.iter(|| iam_decide(black_box(&iam), black_box(&iam_req)))
        });
        g.finish();
    }
}

fn ten_by_five_bench(c: &mut Criterion) {
    let text = ten_by_five();
    let policy = CompiledPolicy::from_json(&text).unwrap();
    let iam = iam_evaluator(&text);
    for (name, repo, want) in [
        ("match", "app9", Decision::Allow),
        ("no-match", "other", Decision::ImplicitDeny),
    ] {
        let req = ten_by_five_request(repo).unwrap();
        let iam_req = iam_request(P_GH, &ten_by_five_claims(repo));
        assert_eq!(evaluate(&policy, &req), want);
        assert_eq!(
            iam_decide(&iam, &iam_req) == IamDecision::Allow,
            want == Decision::Allow
        );
        let mut g = c.benchmark_group(format!("ten-by-five/{name}"));
        g.bench_function("rolecall", |b| {
            b.iter(|| evaluate(black_box(&policy), black_box(&req)))
        });
        g.bench_function("iam-rs", |b| {
            b.iter(|| iam_decide(black_box(&iam), black_box(&iam_req)))
        });
        g.finish();
    }
    let mut g = c.benchmark_group("ten-by-five/parse");
    g.bench_function("rolecall-parse-compile", |b| {
        b.iter(|| CompiledPolicy::from_json(black_box(&text)).unwrap())
    });
    g.bench_function("iam-rs", |b| {
        b.iter(|| IAMPolicy::from_json(black_box(&text)).unwrap())
    });
    g.bench_function("floor-serde_json-value", |b| {
        b.iter(|| serde_json::from_str::<serde_json::Value>(black_box(&text)).unwrap())
    });
    g.finish();
}

criterion_group!(benches, parse, irsa, github, ten_by_five_bench);
criterion_main!(benches);
