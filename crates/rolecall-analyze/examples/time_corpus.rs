//! Times `unassumable` and `implies` (a policy against itself) on every
//! corpus policy: `cargo run --release -p rolecall-analyze --example
//! time_corpus`. Prints the median and the slowest.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "measurement code, not library code: bad input stops the run"
)]

use rolecall_analyze::Analyzer;
use rolecall_eval::CompiledPolicy;
use std::time::{Duration, Instant};

fn main() {
    let dir = rolecall_testkit::corpus_dir();
    let a = Analyzer::default();
    let mut unassumable = Vec::new();
    let mut implies = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|x| x != "json") {
            continue;
        }
        let Ok(p) = CompiledPolicy::from_json(&std::fs::read_to_string(&path).unwrap()) else {
            continue;
        };
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        // The best of 5 runs: the machine is shared.
        let best = |f: &dyn Fn()| {
            (0..5)
                .map(|_| {
                    let t = Instant::now();
                    f();
                    t.elapsed()
                })
                .min()
                .unwrap_or(Duration::ZERO)
        };
        unassumable.push((best(&|| drop(a.unassumable(&p))), name.clone()));
        implies.push((best(&|| drop(a.implies(&p, &p))), name));
    }
    for (what, mut v) in [("unassumable", unassumable), ("implies(p, p)", implies)] {
        v.sort();
        let median = v.get(v.len() / 2).map(|x| x.0).unwrap_or_default();
        let last = v.last().cloned().unwrap_or_default();
        println!(
            "{what}: {} policies, median {median:?}, slowest {:?} ({})",
            v.len(),
            last.0,
            last.1
        );
    }
}
