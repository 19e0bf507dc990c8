//! Floor for whole-process figures: read standard input and parse it with
//! `serde_json` alone, into `serde_json::Value`, and print a count.
//!
//! * `jsonl_floor lines`: one value per line (the `eval --batch` floor);
//!   prints the number of lines that parsed.
//! * `jsonl_floor whole`: one document (the `audit` floor); prints the
//!   number of top-level members.
//!
//! Used by `scripts/bench-process.sh`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "measurement code, not library code: bad input stops the run"
)]

use std::io::{self, BufRead, Read};

fn main() {
    let mode = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "lines".to_owned());
    let stdin = io::stdin();
    let mut input = stdin.lock();
    let count = if mode == "whole" {
        let mut bytes = Vec::new();
        input.read_to_end(&mut bytes).unwrap();
        let value: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        value.as_object().map_or(0, |o| o.len())
    } else {
        // Same reading strategy as `eval --batch`: one reused line buffer.
        let mut line = Vec::new();
        let mut count = 0usize;
        while input.read_until(b'\n', &mut line).unwrap() > 0 {
            if serde_json::from_slice::<serde_json::Value>(&line).is_ok() {
                count += 1;
            }
            line.clear();
        }
        count
    };
    println!("{count}");
}
