//! Evaluates the IRSA request of docs/SEMANTICS.md §5.1 `N` times, for
//! instruction counts under `valgrind --tool=callgrind` (see
//! `scripts/bench-process.sh`): the set-up is a fixed cost, so the
//! instructions per evaluation are the difference between two `N`
//! divided by the difference in `N`.
//!
//! `eval_loop N [match|no-match|github|compile|compile-ten]` (`compile`
//! parses and compiles the IRSA policy `N` times instead, `compile-ten` the
//! ten-by-five policy).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "measurement code, not library code: bad input stops the run"
)]

use std::hint::black_box;

use rolecall_benches::{github_request, irsa_request, GH_SUB_YES, GITHUB, IRSA, SA, SA_TYPO};
use rolecall_eval::{evaluate, CompiledPolicy, Decision};

fn main() {
    let mut args = std::env::args().skip(1);
    let n: usize = args.next().and_then(|s| s.parse().ok()).unwrap_or(1_000);
    let case = args.next().unwrap_or_else(|| "match".to_owned());
    if let Some(text) = match case.as_str() {
        "compile" => Some(IRSA.to_owned()),
        "compile-ten" => Some(rolecall_benches::ten_by_five()),
        _ => None,
    } {
        let mut statements = 0usize;
        for _ in 0..n {
            statements += CompiledPolicy::from_json(black_box(&text))
                .unwrap()
                .statement_count();
        }
        println!("{statements}");
        return;
    }
    let (policy, request) = match case.as_str() {
        "no-match" => (IRSA, irsa_request(SA_TYPO).unwrap()),
        "github" => (GITHUB, github_request(GH_SUB_YES).unwrap()),
        _ => (IRSA, irsa_request(SA).unwrap()),
    };
    let policy = CompiledPolicy::from_json(policy).unwrap();
    let mut allowed = 0usize;
    for _ in 0..n {
        if evaluate(black_box(&policy), black_box(&request)) == Decision::Allow {
            allowed += 1;
        }
    }
    println!("{allowed}");
}
