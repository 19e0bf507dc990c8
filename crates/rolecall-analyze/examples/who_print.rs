//! Prints `who` for policy files: `cargo run -p rolecall-analyze --example who_print -- FILE...`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a developer's printing tool, not library code: bad input stops the run"
)]
fn main() {
    for path in std::env::args().skip(1) {
        let p = rolecall_eval::CompiledPolicy::from_json(&std::fs::read_to_string(&path).unwrap())
            .unwrap();
        match rolecall_analyze::Analyzer::default().who(&p) {
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
