//! Writes the inputs of `scripts/bench-process.sh` to standard output.
//!
//! * `bench_inputs batch N`: `N` `rolecall eval --batch` lines for the IRSA
//!   policy (the policy repeated on every line, `sub` varying).
//! * `bench_inputs dump N`: a `get-account-authorization-details` dump of
//!   `N` roles.
//! * `bench_inputs policy`: the IRSA policy of docs/SEMANTICS.md §5.1.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "measurement code, not library code: bad input stops the run"
)]

use std::io::{self, BufWriter, Write};

use rolecall_benches::scale::{account_dump, batch_line};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let n = |i: usize| -> usize { args.get(i).and_then(|s| s.parse().ok()).unwrap_or(1) };
    let mut out = BufWriter::new(io::stdout().lock());
    match args.first().map(String::as_str) {
        Some("batch") => {
            for i in 0..n(1) {
                writeln!(out, "{}", batch_line(i)).unwrap();
            }
        }
        Some("dump") => out.write_all(account_dump(n(1)).as_bytes()).unwrap(),
        Some("policy") => writeln!(out, "{}", rolecall_benches::IRSA).unwrap(),
        _ => {
            eprintln!("usage: bench_inputs batch N | dump N | policy");
            std::process::exit(2);
        }
    }
    out.flush().unwrap();
}
