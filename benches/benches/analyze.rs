//! `rolecall-analyze` on the real-world corpus (`testdata/corpus/`), side by
//! side in one run:
//!
//! * `who/<policy>`: `Analyzer::who` (per principal and action, the allowed
//!   set split per grammar form and described per field) on three
//!   representative policies, and `unassumable` on the same policies for
//!   the ratio; before criterion starts, the best-of-5 time of `who` on
//!   every corpus policy is printed with the median and the slowest
//!   (target: median under 1 ms);
//! * `implies/<pair>`: `Analyzer::implies` of two corpus-sized policies
//!   (the two-cluster IRSA policy against a version with one more service
//!   account, both ways; and GitHub org-wide against one repository)
//!   (target: under 5 ms).
//!
//! `cargo bench -p rolecall-benches --bench analyze -- --warm-up-time 1 --measurement-time 3`
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "measurement code, not library code: bad input stops the run"
)]

use std::hint::black_box;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, Criterion};
use rolecall_analyze::Analyzer;
use rolecall_eval::CompiledPolicy;

fn corpus() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../testdata/corpus")
}

fn load(name: &str) -> CompiledPolicy {
    let text = std::fs::read_to_string(corpus().join(name)).unwrap();
    CompiledPolicy::from_json(&text).unwrap()
}

/// Best of five runs of `who` on every corpus policy the evaluator
/// compiles: the median and the slowest, printed.
fn whole_corpus() {
    let a = Analyzer::default();
    let mut times = Vec::new();
    let mut paths: Vec<PathBuf> = std::fs::read_dir(corpus())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    paths.sort();
    for path in paths {
        let Ok(p) = CompiledPolicy::from_json(&std::fs::read_to_string(&path).unwrap()) else {
            continue;
        };
        let best = (0..5)
            .map(|_| {
                let t = Instant::now();
                black_box(a.who(&p).unwrap());
                t.elapsed()
            })
            .min()
            .unwrap_or(Duration::ZERO);
        times.push((
            best,
            path.file_name().unwrap().to_string_lossy().into_owned(),
        ));
    }
    times.sort();
    let median = times[times.len() / 2].0;
    let (slowest, name) = times.last().cloned().unwrap();
    let under = times
        .iter()
        .filter(|t| t.0 < Duration::from_millis(1))
        .count();
    println!(
        "who on {} corpus policies (best of 5 each): median {median:?}, slowest {slowest:?} ({name}), {under} under 1 ms",
        times.len()
    );
}

const REPRESENTATIVE: [&str; 3] = [
    "awsdocs-eks__irsa-single-sa.json",
    "awsdocs-iam__github-org-wide-minimum.json",
    "tf-aws-iam-v5__irsa-eks-two-clusters.json",
];

fn who(c: &mut Criterion) {
    whole_corpus();
    let a = Analyzer::default();
    let mut g = c.benchmark_group("who");
    for name in REPRESENTATIVE {
        let p = load(name);
        let short = name.trim_end_matches(".json");
        g.bench_function(format!("{short}/who"), |b| {
            b.iter(|| a.who(black_box(&p)).unwrap())
        });
        g.bench_function(format!("{short}/unassumable"), |b| {
            b.iter(|| a.unassumable(black_box(&p)).unwrap())
        });
    }
    g.finish();
}

fn implies(c: &mut Criterion) {
    let a = Analyzer::default();
    let old = load("tf-aws-iam-v5__irsa-eks-two-clusters.json");
    // The same policy with one more service account admitted.
    let text = std::fs::read_to_string(corpus().join("tf-aws-iam-v5__irsa-eks-two-clusters.json"))
        .unwrap();
    let mut v: serde_json::Value = serde_json::from_str(&text).unwrap();
    let mut added = false;
    for s in v["Statement"].as_array_mut().unwrap() {
        if let Some(cond) = s.get_mut("Condition").and_then(|c| c.as_object_mut()) {
            for (_, keys) in cond.iter_mut() {
                for (k, val) in keys.as_object_mut().unwrap().iter_mut() {
                    if k.ends_with(":sub") && !added {
                        let first = match val {
                            serde_json::Value::String(s) => s.clone(),
                            serde_json::Value::Array(a) => a[0].as_str().unwrap().to_owned(),
                            other => panic!("unexpected `sub` value {other}"),
                        };
                        *val = serde_json::json!([first, "system:serviceaccount:extra:extra-sa"]);
                        added = true;
                    }
                }
            }
        }
    }
    assert!(added);
    let new = CompiledPolicy::from_json(&v.to_string()).unwrap();
    assert!(!a.implies(&new, &old).unwrap().holds());
    assert!(a.implies(&old, &new).unwrap().holds());
    let org = load("awsdocs-iam__github-org-wide-minimum.json");
    let repo = load("awsdocs-iam__github-repo-any-ref-stringlike.json");
    let mut g = c.benchmark_group("implies");
    g.bench_function("two-clusters+1-sa/new-access", |b| {
        b.iter(|| a.implies(black_box(&new), black_box(&old)).unwrap())
    });
    g.bench_function("two-clusters+1-sa/holds", |b| {
        b.iter(|| a.implies(black_box(&old), black_box(&new)).unwrap())
    });
    g.bench_function("github-org-wide/vs-one-repo", |b| {
        b.iter(|| a.implies(black_box(&org), black_box(&repo)).unwrap())
    });
    g.finish();
}

criterion_group!(benches, who, implies);
criterion_main!(benches);
