//! `rolecall eval --batch` in-process: 10,000 IRSA request lines (policy
//! repeated, `sub` varying) answered by `rolecall::eval_batch`, next to the
//! floor of reading the same lines and parsing each with serde_json alone.
//! Target: within 2x of that floor (issue 5). `scripts/bench-process.sh`
//! measures the same thing as whole processes.
//!
//! `cargo bench -p rolecall-benches --bench batch -- --warm-up-time 1 --measurement-time 3`
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "measurement code, not library code: bad input stops the run"
)]

use std::hint::black_box;
use std::io::BufRead;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};

const LINES: usize = 10_000;

fn batch(c: &mut Criterion) {
    let input: String = (0..LINES)
        .map(|i| rolecall_benches::scale::batch_line(i) + "\n")
        .collect();
    // Both sides must see every line: rolecall answers one line per line.
    let mut out = Vec::new();
    rolecall::eval_batch(&mut input.as_bytes(), &mut out).unwrap();
    assert_eq!(out.iter().filter(|&&b| b == b'\n').count(), LINES);
    let allowed = String::from_utf8(out).unwrap().matches("\"Allow\"").count();
    assert_eq!(allowed, LINES / 10);

    let mut g = c.benchmark_group(format!("batch/{LINES}-irsa-lines"));
    g.throughput(Throughput::Bytes(input.len() as u64));
    g.bench_function("rolecall-eval-batch", |b| {
        let mut out = Vec::with_capacity(LINES * 64);
        b.iter(|| {
            out.clear();
            rolecall::eval_batch(&mut black_box(input.as_bytes()), &mut out).unwrap();
            out.len()
        })
    });
    g.bench_function("floor-serde_json-value-per-line", |b| {
        b.iter(|| {
            let mut n = 0;
            for line in black_box(input.as_bytes()).lines() {
                let v: serde_json::Value = serde_json::from_str(&line.unwrap()).unwrap();
                n += v.as_object().map_or(0, |o| o.len());
            }
            n
        })
    });
    g.finish();
}

criterion_group!(benches, batch);
criterion_main!(benches);
