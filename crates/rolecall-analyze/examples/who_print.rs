//! Prints `who` for policy files: `cargo run -p rolecall-analyze --example who_print -- FILE...`.
//! Under callgrind, a file given twice shows the cost of a second `who` (grammar automata cached).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a developer's printing tool, not library code: bad input stops the run"
)]
fn main() {
    // One analyzer for every file, as `rolecall who` runs: its issuer
    // grammars' automata are built once.
    let analyzer = rolecall_analyze::Analyzer::default();
    for path in std::env::args().skip(1) {
        let p = match rolecall_eval::CompiledPolicy::from_json(
            &std::fs::read_to_string(&path).unwrap(),
        ) {
            Ok(p) => p,
            Err(e) => {
                println!("{path}: does not compile: {e}");
                continue;
            }
        };
        match analyzer.who(&p) {
            Ok(w) => {
                println!("{path}: assumable {}", w.is_assumable());
                for pa in &w.principals {
                    println!(
                        "  {} {} [{:?}]: {}",
                        pa.principal,
                        pa.action,
                        pa.subject,
                        pa.description()
                    );
                }
            }
            Err(e) => println!("{path}: {e}"),
        }
    }
}
