//! The wildcard matcher: the set strategy threshold and the worst case.
//!
//! * `set/<n>`: one value against a key with `n` StringLike patterns, as a
//!   loop over `Pattern::is_match`, as a globset `GlobSet`, and as the
//!   literal index (`SetStrategy::Index`: the three literal shapes hashed,
//!   the quarter with `?` looped over); the crossover picks
//!   `rolecall_eval::matcher::GLOBSET_THRESHOLD`, and the index's cost with
//!   a few general patterns beside it is why `Auto` then prefers one
//!   globset for all.
//! * `pathological/<n>`: `*a*a*a*a*a*a*a*a*a*a*b` against `n` `a`s; time must
//!   grow linearly with `n` (no exponential backtracking).
//!
//! `cargo bench -p rolecall-benches --bench matcher -- --warm-up-time 1 --measurement-time 3`
//! on the 2-core development VM gave (median; the index column with foldhash,
//! second session, quiet machine):
//!
//! | n patterns | loop | globset | index + loop over the `?` quarter |
//! |---|---|---|---|
//! | 2 | 6.9 ns | 49 ns | 16.6 ns |
//! | 8 | 46 ns | 91 ns | 43.6 ns |
//! | 16 | 88 ns | 100 ns | 81.0 ns |
//! | 32 | 173 ns | 116 ns | 137.6 ns |
//! | 50 | 262 ns | 118 ns | 186.1 ns |
//!
//! and for the pathological pattern 0.71 us (1,000 `a`s), 6.6 us (10,000),
//! 58 us (100,000): linear, about 1.5 GiB/s.
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use rolecall_eval::matcher::{Case, Pattern, PatternSet, SetStrategy};
use std::hint::black_box;

fn patterns(n: usize) -> Vec<Pattern> {
    (0..n)
        .map(|i| {
            // A realistic mix of GitHub `sub` shapes.
            let glob = match i % 4 {
                0 => format!("repo:octo-org/service-{i}:ref:refs/heads/*"),
                1 => format!("repo:octo-org/service-{i}:environment:prod"),
                2 => format!("repo:octo-org/lib-{i}:*"),
                _ => format!("repo:octo-org/app-{i}:ref:refs/tags/v?.*"),
            };
            Pattern::new(&glob, Case::Sensitive)
        })
        .collect()
}

fn sets(c: &mut Criterion) {
    let mut g = c.benchmark_group("set");
    // Worst case for a set: no pattern matches, so every one is tried.
    let value = "repo:octo-org/unknown-repo:ref:refs/heads/main";
    for n in [2usize, 4, 8, 16, 32, 50] {
        let pats = patterns(n);
        let looped = PatternSet::with_strategy(pats.clone(), SetStrategy::Loop);
        let globbed = PatternSet::with_strategy(pats.clone(), SetStrategy::GlobSet);
        // The literal index for the three literal shapes, the loop for `v?.*`.
        let indexed = PatternSet::with_strategy(pats, SetStrategy::Index);
        assert!(globbed.uses_globset() && indexed.uses_index());
        g.bench_with_input(BenchmarkId::new("loop", n), &value, |b, v| {
            b.iter(|| looped.is_match(black_box(v)))
        });
        g.bench_with_input(BenchmarkId::new("globset", n), &value, |b, v| {
            b.iter(|| globbed.is_match(black_box(v)))
        });
        g.bench_with_input(BenchmarkId::new("index", n), &value, |b, v| {
            b.iter(|| indexed.is_match(black_box(v)))
        });
    }
    g.finish();
}

fn pathological(c: &mut Criterion) {
    let mut g = c.benchmark_group("pathological");
    let p = Pattern::new("*a*a*a*a*a*a*a*a*a*a*b", Case::Sensitive);
    for n in [1_000usize, 10_000, 100_000] {
        let value = "a".repeat(n);
        g.throughput(Throughput::Bytes(n as u64));
        g.bench_with_input(BenchmarkId::from_parameter(n), &value, |b, v| {
            b.iter(|| p.is_match(black_box(v)))
        });
    }
    g.finish();
}

criterion_group!(benches, sets, pathological);
criterion_main!(benches);
