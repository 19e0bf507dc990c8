//! `validate` of the IRSA example N times, for callgrind:
//! `valgrind --tool=callgrind target/release/examples/validate_loop 2000`.
#![allow(
    clippy::unwrap_used,
    reason = "measurement code, not library code: bad input stops the run"
)]

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(1000);
    let text = std::fs::read_to_string("examples/irsa-single-service-account.json").unwrap();
    let policy = rolecall_policy::parse(&text).unwrap();
    let mut total = 0;
    for _ in 0..n {
        total += rolecall_policy::validate::validate(std::hint::black_box(&policy)).len();
    }
    println!("{total}");
}
