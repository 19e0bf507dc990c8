//! Parse throughput next to `serde_json::from_slice::<serde_json::Value>`
//! on the same bytes. Target: `rolecall_policy::parse` followed by
//! `validate` within 2x of serde_json (issue 2).
//!
//! `cargo bench -p rolecall-benches --bench parse -- --warm-up-time 1 --measurement-time 3`
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "measurement code, not library code: bad input stops the run"
)]

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use std::hint::black_box;

use rolecall_benches::IRSA;

/// A ~4 KiB policy with 12 statements of mixed shapes.
fn twelve_statements() -> String {
    let mut statements = Vec::new();
    for i in 0..12 {
        let s = match i % 3 {
            0 => format!(
                r#"    {{
      "Sid": "GitHub{i}",
      "Effect": "Allow",
      "Principal": {{"Federated": "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"}},
      "Action": ["sts:AssumeRoleWithWebIdentity", "sts:TagSession"],
      "Condition": {{
        "StringEquals": {{"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"}},
        "StringLike": {{"token.actions.githubusercontent.com:sub": ["repo:octo-org/app{i}:ref:refs/heads/main", "repo:octo-org/app{i}:environment:prod"]}}
      }}
    }}"#
            ),
            1 => format!(
                r#"    {{
      "Sid": "Account{i}",
      "Effect": "Allow",
      "Principal": {{"AWS": ["arn:aws:iam::44445555666{i}:root", "444455556666"]}},
      "Action": "sts:AssumeRole",
      "Condition": {{"Bool": {{"aws:MultiFactorAuthPresent": true}}, "NumericLessThan": {{"aws:MultiFactorAuthAge": 3600}}}}
    }}"#
            ),
            _ => format!(
                r#"    {{
      "Sid": "Deny{i}",
      "Effect": "Deny",
      "Principal": "*",
      "Action": "sts:*",
      "Condition": {{"ForAnyValue:StringNotEqualsIfExists": {{"aws:PrincipalTag/team": ["platform", "security", "t\u00e9am{i}"]}}}}
    }}"#
            ),
        };
        statements.push(s);
    }
    format!(
        "{{\n  \"Version\": \"2012-10-17\",\n  \"Id\": \"bench\",\n  \"Statement\": [\n{}\n  ]\n}}\n",
        statements.join(",\n")
    )
}

fn parse(c: &mut Criterion) {
    let big = twelve_statements();
    let inputs = [("irsa", IRSA.as_bytes()), ("12-statements", big.as_bytes())];
    for (name, bytes) in inputs {
        // Both must accept the input, or the comparison means nothing.
        rolecall_policy::parse(bytes).unwrap();
        serde_json::from_slice::<serde_json::Value>(bytes).unwrap();
        let mut group = c.benchmark_group(format!("parse/{name}"));
        group.throughput(Throughput::Bytes(bytes.len() as u64));
        group.bench_with_input(
            BenchmarkId::new("rolecall", bytes.len()),
            bytes,
            |b, bytes| b.iter(|| rolecall_policy::parse(black_box(bytes)).unwrap()),
        );
        // What `rolecall check` does per document: parse, then every
        // write-time rule (issue 2's target is this within 2x of serde_json).
        group.bench_with_input(
            BenchmarkId::new("rolecall_parse_validate", bytes.len()),
            bytes,
            |b, bytes| {
                b.iter(|| {
                    let policy = rolecall_policy::parse(black_box(bytes)).unwrap();
                    rolecall_policy::validate::validate(&policy)
                })
            },
        );
        group.bench_with_input(
            BenchmarkId::new("serde_json_value", bytes.len()),
            bytes,
            |b, bytes| {
                b.iter(|| serde_json::from_slice::<serde_json::Value>(black_box(bytes)).unwrap())
            },
        );
        group.finish();
    }
}

criterion_group!(benches, parse);
criterion_main!(benches);
