//! Every shared vector (`testdata/*.toml`) through the engine AND the
//! model: a vector passes only if engine == model == expected, decision and
//! deciding statements.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "integration-test code: helpers outside #[test] functions fail by panicking too"
)]

use rolecall_eval::compile::CompiledPolicy;
use rolecall_testkit::diff_check::{engine_answer, model_answer, Answer};
use rolecall_testkit::vectors::{load_all, Expected};

#[test]
fn engine_and_model_agree_with_every_vector() {
    let all = load_all().unwrap();
    let mut failures = Vec::new();
    for v in &all {
        let request = v.request();
        let compiled = CompiledPolicy::from_json(&v.policy);
        let engine = engine_answer(compiled.as_ref().ok(), &request);
        let model = model_answer(&v.policy, &request);
        let expected_ok = |got: &Answer| match (v.expected, got) {
            (Expected::Invalid, Answer::InvalidPolicy | Answer::InvalidRequest) => true,
            (Expected::Decision(d), Answer::Decided(gd, st)) => *gd == d && *st == v.statements,
            _ => false,
        };
        if !(expected_ok(&engine) && expected_ok(&model) && engine == model) {
            failures.push(format!(
                "{}: `{}`: expected {:?} {:?}; engine {engine:?}{}; model {model:?}",
                v.file,
                v.name,
                v.expected,
                v.statements,
                compiled
                    .err()
                    .map(|e| format!(" ({e})"))
                    .unwrap_or_default(),
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
    assert!(all.len() >= 250, "only {} vectors loaded", all.len());
}
