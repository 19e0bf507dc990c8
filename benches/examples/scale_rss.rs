//! Builds one scale input, compiles and evaluates it, and exits: run under
//! `/usr/bin/time -v` for the peak resident set at three sizes
//! (`scripts/bench-process.sh`). Prints the input size in bytes.
//!
//! `scale_rss statements|string-like|long-claim|wide-context N`
//! (`scale_rss none 0` measures the process alone.)
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "measurement code, not library code: bad input stops the run"
)]

use rolecall_benches::scale::{
    long_claim, long_claim_policy, statements_policy, statements_request, string_like_policy,
    sub_request, wide_context_json, wide_context_policy,
};
use rolecall_eval::request::Request;
use rolecall_eval::{evaluate, CompiledPolicy};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let what = args.first().map(String::as_str).unwrap_or("none");
    let n: usize = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    let (policy, request, bytes) = match what {
        "statements" => {
            let text = statements_policy(n, 20);
            (text.clone(), statements_request(n, 20).unwrap(), text.len())
        }
        "string-like" => {
            let text = string_like_policy(n);
            let len = text.len();
            (
                text,
                sub_request("repo:octo-org/x:ref:refs/heads/main").unwrap(),
                len,
            )
        }
        "long-claim" => (long_claim_policy(), sub_request(&long_claim(n)).unwrap(), n),
        "wide-context" => {
            let json = wide_context_json(n);
            let len = json.len();
            (
                wide_context_policy(n),
                Request::from_json(&json).unwrap(),
                len,
            )
        }
        _ => (
            rolecall_benches::IRSA.to_owned(),
            rolecall_benches::irsa_request("x").unwrap(),
            0,
        ),
    };
    let compiled = CompiledPolicy::from_json(&policy).unwrap();
    let decision = evaluate(&compiled, &request);
    println!("{what} {n}: {bytes} input bytes, {}", decision.as_str());
}
