//! Every policy of the shared corpus parses, prints and parses back equal.
//!
//! The directory is walked, so files added later are covered. It is
//! `testdata/corpus/` (`rolecall_testkit::corpus_dir`).
//! INDEX.md marks two files INVALID (`aws-cli__validate-policy-cognito-
//! assumerole.json`, `kics__all-principals-malformed-root.json`); both are
//! invalid at write time only (a principal/action mismatch, a malformed
//! principal ARN), which is validation's business, so they must parse too.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "integration-test code: helpers outside #[test] functions fail by panicking too"
)]

use std::path::PathBuf;

#[test]
fn every_corpus_policy_parses_and_round_trips() {
    let dir = rolecall_testkit::corpus_dir();
    let entries = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("corpus directory {} is missing ({e})", dir.display()));
    let mut files: Vec<PathBuf> = entries
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    assert!(
        files.len() >= 90,
        "expected the ~98 corpus files in {}, found {}",
        dir.display(),
        files.len()
    );
    let mut failures = Vec::new();
    for path in &files {
        let bytes = std::fs::read(path).unwrap();
        match rolecall_policy::parse(&bytes) {
            Ok(policy) => {
                let printed = policy.to_json_pretty();
                let again = rolecall_policy::parse(&printed).unwrap_or_else(|e| {
                    panic!("{}: printed text does not parse: {e}", path.display())
                });
                assert_eq!(
                    again,
                    policy,
                    "{}: round trip changed the tree",
                    path.display()
                );
                // The printed JSON means the same as the file.
                let original: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
                let reprinted: serde_json::Value = serde_json::from_str(&printed).unwrap();
                assert_eq!(original, reprinted, "{}", path.display());
            }
            Err(e) => failures.push(format!("{}: {e}", path.display())),
        }
    }
    assert!(
        failures.is_empty(),
        "corpus files that do not parse:\n{}",
        failures.join("\n")
    );
}
