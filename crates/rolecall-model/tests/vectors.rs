//! Runs the shared test vectors of `testdata/*.toml` against the model.
//!
//! The file format is documented in `testdata/README.md`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "integration-test code: helpers outside #[test] functions fail by panicking too"
)]

use rolecall_model::Decision;
use rolecall_testkit::vectors::{Expected, Vector};
use std::collections::BTreeSet;

/// Every vector with its file name (`rolecall_testkit::vectors`, the loader
/// every runner shares).
fn load_all() -> Vec<(String, Vector)> {
    rolecall_testkit::vectors::load_all()
        .unwrap_or_else(|e| panic!("{e}"))
        .into_iter()
        .map(|v| (v.file.clone(), v))
        .collect()
}

#[test]
fn vectors_are_well_formed() {
    let all = load_all();
    let mut names = BTreeSet::new();
    for (file, v) in &all {
        assert!(
            names.insert(v.name.clone()),
            "{file}: duplicate vector name `{}`",
            v.name
        );
        let deciding = matches!(
            v.expected,
            Expected::Decision(Decision::Allow | Decision::ExplicitDeny)
        );
        assert_eq!(
            deciding,
            !v.statements.is_empty(),
            "{file}: `{}`: deciding statements are listed exactly for Allow and ExplicitDeny",
            v.name
        );
    }
}

/// Every evaluation case of docs/SEMANTICS.md §9 (A to H, and the
/// evaluation cases of I) has at least one vector named after it.
#[test]
fn every_golden_case_has_a_vector() {
    let numbers: BTreeSet<u32> = load_all()
        .iter()
        .filter_map(|(_, v)| {
            let mut chars = v.name.chars();
            let section = chars.next()?;
            let digits: String = chars.take_while(char::is_ascii_digit).collect();
            ("ABCDEFGHI".contains(section) && !digits.is_empty()).then(|| digits.parse().unwrap())
        })
        .collect();
    // 89 and 90 are token-stage cases, out of scope for policy vectors.
    let missing: Vec<u32> = (1..=92)
        .filter(|n| ![89, 90].contains(n) && !numbers.contains(n))
        .collect();
    assert!(
        missing.is_empty(),
        "docs/SEMANTICS.md §9 cases without a vector: {missing:?}"
    );
}

/// Every vector through the model, by the shared runner.
#[test]
fn model_agrees_with_every_vector() {
    let mut engine = rolecall_testkit::engine::ModelEngine;
    if let Err(e) = rolecall_testkit::engine::check_engine(&mut engine) {
        panic!("{e}");
    }
}
