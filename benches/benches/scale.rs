//! Growth along one dimension at a time, three sizes each (1 %, 10 % and
//! 100 % of the largest): time must stay bounded and roughly linear.
//!
//! * `statements/<n>`: `n` statements of 20 conditions; 1,000 statements is
//!   the largest that fits the parser's 1 MiB input cap with these keys
//!   (see `rolecall_benches::scale::statements_policy`). Parse + compile,
//!   and evaluate with every statement failing on its last condition but
//!   the last.
//! * `string-like/<n>`: `n` `StringLike` patterns on one key; compile, and
//!   evaluate a value none matches.
//! * `long-claim/<n>`: a `sub` claim of `n` chars; read the request JSON,
//!   and evaluate `StringLike` + `StringEquals` against it.
//! * `wide-context/<n>`: a request with `n` context keys; read the
//!   request JSON, and evaluate a policy on its first and last keys.
//!
//! `cargo bench -p rolecall-benches --bench scale -- --warm-up-time 1 --measurement-time 3`
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "measurement code, not library code: bad input stops the run"
)]

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use rolecall_benches::scale::{
    long_claim, long_claim_policy, statements_policy, statements_request, string_like_policy,
    sub_request, wide_context_json, wide_context_policy, MAX_POLICY_BYTES, P_ISS,
};
use rolecall_benches::{ACTION, GH};
use rolecall_eval::request::Request;
use rolecall_eval::{evaluate, CompiledPolicy, Decision};
use std::hint::black_box;

fn statements(c: &mut Criterion) {
    let mut g = c.benchmark_group("statements");
    g.sample_size(20);
    for n in [10usize, 100, 1_000] {
        let text = statements_policy(n, 20);
        assert!(text.len() <= MAX_POLICY_BYTES);
        let policy = CompiledPolicy::from_json(&text).unwrap();
        let req = statements_request(n, 20).unwrap();
        assert_eq!(evaluate(&policy, &req), Decision::Allow);
        g.throughput(Throughput::Bytes(text.len() as u64));
        g.bench_with_input(BenchmarkId::new("compile", n), &text, |b, t| {
            b.iter(|| CompiledPolicy::from_json(black_box(t)).unwrap())
        });
        g.bench_with_input(BenchmarkId::new("floor-serde_json", n), &text, |b, t| {
            b.iter(|| serde_json::from_str::<serde_json::Value>(black_box(t)).unwrap())
        });
        g.bench_with_input(BenchmarkId::new("evaluate", n), &req, |b, r| {
            b.iter(|| evaluate(black_box(&policy), black_box(r)))
        });
    }
    g.finish();
}

fn string_like(c: &mut Criterion) {
    let mut g = c.benchmark_group("string-like");
    g.sample_size(20);
    let no = sub_request("repo:octo-org/unknown:ref:refs/heads/main").unwrap();
    for n in [100usize, 1_000, 10_000] {
        let text = string_like_policy(n);
        assert!(text.len() <= MAX_POLICY_BYTES);
        let policy = CompiledPolicy::from_json(&text).unwrap();
        assert_eq!(evaluate(&policy, &no), Decision::ImplicitDeny);
        g.throughput(Throughput::Elements(n as u64));
        g.bench_with_input(BenchmarkId::new("compile", n), &text, |b, t| {
            b.iter(|| CompiledPolicy::from_json(black_box(t)).unwrap())
        });
        g.bench_with_input(BenchmarkId::new("evaluate-no-match", n), &no, |b, r| {
            b.iter(|| evaluate(black_box(&policy), black_box(r)))
        });
    }
    g.finish();
}

fn long_claims(c: &mut Criterion) {
    let mut g = c.benchmark_group("long-claim");
    let policy = CompiledPolicy::from_json(&long_claim_policy()).unwrap();
    for n in [1_000usize, 10_000, 100_000] {
        let claim = long_claim(n);
        let json = format!(
            r#"{{"principal":"{P_GH}","action":"{ACTION}","context":{{"{GH}:sub":"{claim}"}}}}"#,
            P_GH = rolecall_benches::P_GH
        );
        let req = Request::from_json(&json).unwrap();
        assert_eq!(evaluate(&policy, &req), Decision::ImplicitDeny);
        g.throughput(Throughput::Bytes(n as u64));
        g.bench_with_input(BenchmarkId::new("read-request", n), &json, |b, j| {
            b.iter(|| Request::from_json(black_box(j)).unwrap())
        });
        g.bench_with_input(BenchmarkId::new("evaluate", n), &req, |b, r| {
            b.iter(|| evaluate(black_box(&policy), black_box(r)))
        });
        g.bench_with_input(BenchmarkId::new("floor-memchr", n), &claim, |b, s| {
            b.iter(|| memchr::memrchr(b'X', black_box(s.as_bytes())))
        });
    }
    g.finish();
}

fn wide_context(c: &mut Criterion) {
    let mut g = c.benchmark_group("wide-context");
    for n in [10usize, 100, 1_000] {
        let json = wide_context_json(n);
        let req = Request::from_json(&json).unwrap();
        assert_eq!(req.principal(), P_ISS);
        let policy = CompiledPolicy::from_json(&wide_context_policy(n)).unwrap();
        assert_eq!(evaluate(&policy, &req), Decision::Allow);
        g.throughput(Throughput::Elements(n as u64));
        g.bench_with_input(BenchmarkId::new("read-request", n), &json, |b, j| {
            b.iter(|| Request::from_json(black_box(j)).unwrap())
        });
        g.bench_with_input(BenchmarkId::new("floor-serde_json", n), &json, |b, j| {
            b.iter(|| serde_json::from_str::<serde_json::Value>(black_box(j)).unwrap())
        });
        g.bench_with_input(BenchmarkId::new("evaluate", n), &req, |b, r| {
            b.iter(|| evaluate(black_box(&policy), black_box(r)))
        });
    }
    g.finish();
}

criterion_group!(benches, statements, string_like, long_claims, wide_context);
criterion_main!(benches);
