//! The audit of a 10,000-role account dump (`rolecall_benches::scale::account_dump`, the dump
//! `scripts/bench-process.sh` times as a whole process) against its floor, serde_json reading the
//! same bytes into a `Value`. Target: the audit within 3x of the floor (issue 15).
//!
//! `cargo bench -p rolecall-benches --bench audit -- --warm-up-time 2 --measurement-time 10`
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "measurement code, not library code: bad input stops the run"
)]

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use rolecall_audit::source::audit_source;
use rolecall_audit::AuditOptions;
use rolecall_benches::scale::account_dump;
use std::hint::black_box;

const ROLES: usize = 10_000;

fn dump(c: &mut Criterion) {
    let text = account_dump(ROLES);
    let options = AuditOptions::default();
    let audited = audit_source("dump.json", text.as_bytes(), &options);
    assert_eq!(audited.len(), ROLES);
    let mut g = c.benchmark_group("audit-dump");
    g.sample_size(10);
    g.throughput(Throughput::Bytes(text.len() as u64));
    g.bench_function("floor: serde_json Value", |b| {
        b.iter(|| {
            let v: serde_json::Value = serde_json::from_slice(black_box(text.as_bytes())).unwrap();
            black_box(v)
        });
    });
    g.bench_function("audit", |b| {
        b.iter(|| {
            black_box(audit_source(
                "dump.json",
                black_box(text.as_bytes()),
                &options,
            ))
        });
    });
    g.finish();
}

criterion_group!(benches, dump);
criterion_main!(benches);
