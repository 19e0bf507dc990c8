//! Issue 18 item 3: `regex-automata`'s multi-pattern engines built from the
//! same elements as `PatternSet` (`*` as `(?s:.*)`, `?` as `(?s:.)`, the
//! literal text escaped, anchored at both ends, no path rules), against
//! today's `PatternSet` (literal index + globset + char-matcher loop).
//!
//! * `build/<engine>/<n>`: building the matcher for `n` patterns.
//! * `miss/<engine>/<n>`, `hit/<engine>/<n>`: one lookup, a value no pattern
//!   matches (every pattern is tried) and one the last pattern matches.
//! * Before the timings, one line per engine and size with the heap bytes
//!   the built matcher holds (a counting allocator: bytes allocated minus
//!   freed while building; `PatternSet` owns its patterns, counted) and the heap
//!   allocations of the first lookup on a thread that did not build it.
//!
//! Engines: `patternset` (`PatternSet::new`, what compiled policies use),
//! `meta` (`regex_automata::meta::Regex::new_many`: the `regex` crate's
//! engine; a lookup takes a cache from an internal pool, so the first
//! lookup on another thread allocates), `dense` (a fully built
//! `dfa::dense::DFA` over all patterns: a lookup needs no cache, but the
//! build is determinised up front, so it is bounded by a size limit).
//!
//! `cargo bench -p rolecall-benches --bench matcher_engines -- --warm-up-time 1 --measurement-time 3`
//! Figures and the decision (PatternSet stays): BENCHMARKS.md, "Matching engines".
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    reason = "measurement code, not library code: bad input stops the run"
)]

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use regex_automata::dfa::{dense, Automaton};
use regex_automata::{meta, Anchored, Input, MatchKind};
use rolecall_eval::matcher::{Case, Pattern, PatternSet, PatternToken};
use stats_alloc::{Region, StatsAlloc, INSTRUMENTED_SYSTEM};
use std::alloc::System;
use std::hint::black_box;

// Counts heap bytes and allocation calls (stats_alloc: no `unsafe` here,
// which the workspace forbids), to size the built matchers and to see
// whether a lookup allocates.
#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

/// GitHub `sub` shapes, as the `matcher` bench uses.
fn globs(n: usize) -> Vec<String> {
    (0..n)
        .map(|i| match i % 4 {
            0 => format!("repo:octo-org/service-{i}:ref:refs/heads/*"),
            1 => format!("repo:octo-org/service-{i}:environment:prod"),
            2 => format!("repo:octo-org/lib-{i}:*"),
            _ => format!("repo:octo-org/app-{i}:ref:refs/tags/v?.*"),
        })
        .collect()
}

/// The regex for one pattern, from the matcher's own tokens.
fn regex_of(p: &Pattern) -> String {
    let mut re = String::from("^");
    for t in p.tokens() {
        match t {
            PatternToken::Literal(s) => re.push_str(&regex_syntax::escape(&s)),
            PatternToken::AnyRun => re.push_str("(?s:.*)"),
            PatternToken::AnyChar => re.push_str("(?s:.)"),
        }
    }
    re.push('$');
    re
}

fn patterns(globs: &[String]) -> Vec<Pattern> {
    globs
        .iter()
        .map(|g| Pattern::new(g, Case::Sensitive))
        .collect()
}

fn build_meta(pats: &[Pattern]) -> Option<meta::Regex> {
    if pats.len() > META_MAX {
        return None;
    }
    let res: Vec<String> = pats.iter().map(regex_of).collect();
    meta::Regex::builder()
        .configure(
            meta::Config::new()
                .match_kind(MatchKind::All)
                // 10,000 patterns need more than the default 10 MiB NFA.
                .nfa_size_limit(Some(256 << 20)),
        )
        .build_many(&res)
        .ok()
}

fn build_dense(pats: &[Pattern]) -> Option<dense::DFA<Vec<u32>>> {
    if pats.len() > DENSE_MAX {
        return None;
    }
    let res: Vec<String> = pats.iter().map(regex_of).collect();
    dense::Builder::new()
        .configure(
            dense::Config::new()
                .match_kind(MatchKind::All)
                .start_kind(regex_automata::dfa::StartKind::Anchored)
                .dfa_size_limit(Some(256 << 20))
                .determinize_size_limit(Some(256 << 20)),
        )
        .build_many(&res)
        .ok()
}

fn dense_match(dfa: &dense::DFA<Vec<u32>>, v: &str) -> bool {
    let input = Input::new(v).anchored(Anchored::Yes);
    matches!(dfa.try_search_fwd(&input), Ok(Some(_)))
}

const MISS: &str = "repo:octo-org/unknown-repo:ref:refs/heads/main";

fn hit(n: usize) -> String {
    // The last pattern's shape, matched.
    let i = n - 1;
    match i % 4 {
        0 => format!("repo:octo-org/service-{i}:ref:refs/heads/main"),
        1 => format!("repo:octo-org/service-{i}:environment:prod"),
        2 => format!("repo:octo-org/lib-{i}:pull_request"),
        _ => format!("repo:octo-org/app-{i}:ref:refs/tags/v1.2"),
    }
}

/// Live heap bytes held by what `build` returns.
fn held<T>(build: impl FnOnce() -> T) -> (T, isize) {
    let region = Region::new(GLOBAL);
    let t = build();
    let c = region.change();
    let live = c.bytes_allocated as isize - c.bytes_deallocated as isize + c.bytes_reallocated;
    (t, live)
}

/// Heap allocations of one lookup on a fresh thread (not the builder).
fn allocs_elsewhere(lookup: impl Fn() -> bool + Sync) -> usize {
    std::thread::scope(|s| {
        s.spawn(|| {
            let region = Region::new(GLOBAL);
            black_box(lookup());
            let c = region.change();
            c.allocations + c.reallocations
        })
        .join()
        .unwrap()
    })
}

/// Sizes the meta regex is tried at: at 10,000 patterns it builds (with
/// the NFA limit raised), but its first lookup asks for an 80 GB PikeVM
/// cache and the process aborts.
const META_MAX: usize = 1_000;

/// Sizes the dense DFA is tried at (determinising 10,000 patterns up front
/// is not something a policy load should do).
const DENSE_MAX: usize = 1_000;

const SIZES: [usize; 5] = [20, 50, 200, 1_000, 10_000];

fn report() {
    eprintln!("engine n held_bytes first_lookup_allocs_on_other_thread");
    for n in SIZES {
        let pats = patterns(&globs(n));
        let (set, bytes) = held(|| PatternSet::new(pats.clone()));
        let a = allocs_elsewhere(|| set.is_match(MISS));
        eprintln!("patternset {n} {bytes} {a}");
        let (re, bytes) = held(|| build_meta(&pats));
        match re {
            Some(re) => {
                let a = allocs_elsewhere(|| re.is_match(MISS));
                eprintln!("meta {n} {bytes} {a}");
            }
            None => eprintln!("meta {n} not built (over META_MAX: the first lookup aborts)"),
        }
        let (dfa, bytes) = held(|| build_dense(&pats));
        match dfa {
            Some(dfa) => {
                let a = allocs_elsewhere(|| dense_match(&dfa, MISS));
                eprintln!(
                    "dense {n} {bytes} {a} (memory_usage {})",
                    dfa.memory_usage()
                );
            }
            None => eprintln!("dense {n} not built (over DENSE_MAX or the 256 MiB limit)"),
        }
    }
}

fn engines(c: &mut Criterion) {
    report();
    for n in SIZES {
        let pats = patterns(&globs(n));
        let set = PatternSet::new(pats.clone());
        let re = build_meta(&pats);
        let dfa = build_dense(&pats);
        let hit = hit(n);
        // Every engine agrees before it is timed.
        for v in [MISS, hit.as_str()] {
            if let Some(re) = &re {
                assert_eq!(set.is_match(v), re.is_match(v), "{v}");
            }
            if let Some(dfa) = &dfa {
                assert_eq!(set.is_match(v), dense_match(dfa, v), "{v}");
            }
        }
        assert!(set.is_match(&hit) && !set.is_match(MISS));

        let mut g = c.benchmark_group("build");
        g.sample_size(10);
        g.bench_function(BenchmarkId::new("patternset", n), |b| {
            b.iter(|| PatternSet::new(black_box(pats.clone())))
        });
        if re.is_some() {
            g.bench_function(BenchmarkId::new("meta", n), |b| {
                b.iter(|| build_meta(black_box(&pats)))
            });
        }
        if dfa.is_some() {
            g.bench_function(BenchmarkId::new("dense", n), |b| {
                b.iter(|| build_dense(black_box(&pats)))
            });
        }
        g.finish();

        for (name, value) in [("miss", MISS), ("hit", hit.as_str())] {
            let mut g = c.benchmark_group(name);
            g.bench_function(BenchmarkId::new("patternset", n), |b| {
                b.iter(|| set.is_match(black_box(value)))
            });
            if let Some(re) = &re {
                g.bench_function(BenchmarkId::new("meta", n), |b| {
                    b.iter(|| re.is_match(black_box(value)))
                });
            }
            if let Some(dfa) = &dfa {
                g.bench_function(BenchmarkId::new("dense", n), |b| {
                    b.iter(|| dense_match(dfa, black_box(value)))
                });
            }
            g.finish();
        }
    }
}

criterion_group!(benches, engines);
criterion_main!(benches);
