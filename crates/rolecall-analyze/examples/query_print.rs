//! Runs one query for instruction counts under callgrind:
//! `cargo run --release -p rolecall-analyze --example query_print -- witness FILE`,
//! `... -- unassumable FILE` or `... -- implies NEW OLD`; prints the answer.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a developer's measuring tool, not library code: bad input stops the run"
)]
use rolecall_analyze::Analyzer;
use rolecall_eval::CompiledPolicy;

fn load(path: &str) -> CompiledPolicy {
    CompiledPolicy::from_json(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let a = Analyzer::default();
    match args
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        ["witness", f] => println!("{:?}", a.witness(&load(f)).map(|w| w.map(|w| w.request))),
        ["unassumable", f] => println!("{:?}", a.unassumable(&load(f)).map(|u| u.is_assumable())),
        ["implies", new, old] => println!("{:?}", a.implies(&load(new), &load(old))),
        _ => eprintln!("usage: query_print witness FILE | unassumable FILE | implies NEW OLD"),
    }
}
