//! Times the analysis of one statement with many `StringLike` values:
//! `cargo run --release -p rolecall-analyze --example time_scale -- 1000`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "measurement code, not library code: bad input stops the run"
)]

use rolecall_analyze::Analyzer;
use rolecall_eval::CompiledPolicy;
use std::time::Instant;

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(1000);
    let values: Vec<String> = (0..n)
        .map(|i| format!(r#""repo:org{}/app{}:ref:refs/heads/*""#, i % 37, i))
        .collect();
    let text = format!(
        r#"{{"Version":"2012-10-17","Statement":{{"Effect":"Allow","Principal":{{"Federated":"arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"}},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{{"StringLike":{{"token.actions.githubusercontent.com:sub":[{}]}}}}}}}}"#,
        values.join(",")
    );
    let p = CompiledPolicy::from_json(&text).unwrap();
    let t = Instant::now();
    let r = Analyzer::default().unassumable(&p);
    println!(
        "{n} values: unassumable in {:?}: {}",
        t.elapsed(),
        r.map(|a| a.is_assumable().to_string())
            .unwrap_or_else(|e| e.to_string())
    );
    let t = Instant::now();
    let r = Analyzer::default().implies(&p, &p);
    println!(
        "{n} values: implies(p, p) in {:?}: {}",
        t.elapsed(),
        r.map(|a| a.holds().to_string())
            .unwrap_or_else(|e| e.to_string())
    );
}
