//! The differential proptests: engine vs model on generated policies and
//! requests, and on arbitrary JSON-ish text. Case counts are modest by
//! default (a few thousand requests) and follow `PROPTEST_CASES`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "integration-test code: helpers outside #[test] functions fail by panicking too"
)]

use proptest::prelude::*;
use rolecall_testkit::diff_check::{check_arbitrary_json, check_engine_vs_model};
use rolecall_testkit::gen::scenario_strategy;

fn cases(default: u32) -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(default);
    ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(cases(1000))]

    /// About 3.5 requests per policy: ~3,500 differential requests by default.
    #[test]
    fn engine_agrees_with_model(s in scenario_strategy()) {
        check_engine_vs_model(&s.policy_json, &s.requests);
    }
}

proptest! {
    #![proptest_config(cases(300))]

    /// A generated policy with a few bytes replaced or removed: mostly
    /// invalid JSON or invalid policies, which both sides must refuse alike.
    #[test]
    fn arbitrary_json_is_refused_or_decided_alike(
        s in scenario_strategy(),
        edits in proptest::collection::vec((0usize..2000, proptest::num::u8::ANY, proptest::bool::ANY), 0..4),
    ) {
        let mut bytes = s.policy_json.into_bytes();
        for (at, byte, delete) in edits {
            if bytes.is_empty() { break; }
            let at = at % bytes.len();
            if delete { bytes.remove(at); } else { bytes[at] = byte; }
        }
        check_arbitrary_json(&bytes);
    }
}

proptest! {
    #![proptest_config(cases(300))]

    /// Explanations agree with `decide` and with the model.
    #[test]
    fn explanations_tell_the_truth(s in scenario_strategy()) {
        for r in &s.requests {
            rolecall_testkit::explain_check::check_explanation(&s.policy_json, r);
        }
    }
}
