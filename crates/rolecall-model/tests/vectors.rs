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

use rolecall_model::{evaluate, is_valid_policy, Decision, ModelError};
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

#[test]
fn model_agrees_with_every_vector() {
    let all = load_all();
    let mut failures = Vec::new();
    for (file, v) in &all {
        let got = evaluate(&v.policy, &v.request());
        let ok = match (v.expected, &got) {
            (Expected::Invalid, Err(ModelError::InvalidPolicy(_))) => !is_valid_policy(&v.policy),
            (Expected::Invalid, Err(ModelError::InvalidRequest(_))) => is_valid_policy(&v.policy),
            (Expected::Decision(d), Ok(outcome)) => {
                outcome.decision == d && outcome.statements == v.statements
            }
            _ => false,
        };
        if !ok {
            failures.push(format!(
                "{file}: `{}`: expected {:?} {:?}, model gave {got:?}",
                v.name, v.expected, v.statements
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} vectors failed:\n{}",
        failures.len(),
        all.len(),
        failures.join("\n")
    );
    // A suite this small would mean files went missing.
    assert!(all.len() >= 250, "only {} vectors loaded", all.len());
}
