//! `rolecall who` next to `rolecall audit` on the same 10,000-role account
//! dump (`rolecall_benches::scale::account_dump`, as the audit figures in
//! BENCHMARKS.md), both run in-process through `rolecall::run` exactly as the
//! commands run, text output. Target (issue 14): `who` within 10x of `audit`.
//!
//! Both commands print to standard output, so run it with stdout discarded
//! and read the estimates criterion writes:
//!
//! `cargo bench -p rolecall-benches --bench who -- --warm-up-time 1 --measurement-time 3 > /dev/null`
//! then `target/criterion/who_vs_audit_10000_roles/{audit,who}/new/estimates.json`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "measurement code, not library code: bad input stops the run"
)]

use criterion::{criterion_group, criterion_main, Criterion};

const ROLES: usize = 10_000;

fn who_vs_audit(c: &mut Criterion) {
    let dir = std::env::temp_dir().join(format!("rolecall-bench-who-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("dump.json");
    std::fs::write(&path, rolecall_benches::scale::account_dump(ROLES)).unwrap();
    let dump = path.to_str().unwrap().to_owned();
    // Both read every role (exit 2 would be an unread input or, for who, a role not answered).
    assert_ne!(rolecall::run(["rolecall", "audit", &dump]), 2);
    assert_eq!(rolecall::run(["rolecall", "who", &dump]), 0);

    let mut g = c.benchmark_group(format!("who_vs_audit_{ROLES}_roles"));
    g.sample_size(10);
    g.bench_function("audit", |b| {
        b.iter(|| rolecall::run(["rolecall", "audit", &dump]))
    });
    g.bench_function("who", |b| {
        b.iter(|| rolecall::run(["rolecall", "who", &dump]))
    });
    g.finish();
    std::fs::remove_dir_all(&dir).unwrap();
}

criterion_group!(benches, who_vs_audit);
criterion_main!(benches);
