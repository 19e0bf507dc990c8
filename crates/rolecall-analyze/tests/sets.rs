//! The analyzer against the evaluator on generated policies and requests
//! (rolecall-testkit's generators): the allowed set, witnesses,
//! `implies` and `equivalent` agree with evaluation.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "integration-test code: helpers outside #[test] functions fail by panicking too"
)]

use proptest::prelude::*;
use rolecall_testkit::analyze_check::{check_analyzer, check_pair, Checked};
use rolecall_testkit::gen::{scenario_from_seed, scenario_strategy};

/// A fixed sample of generated policies, with the count the analyzer
/// refuses (numeric, date, IP, ARN operators and policy variables are not
/// modelled) printed and bounded.
#[test]
fn generated_policies_agree_with_the_evaluator() {
    let (mut checked, mut refused, mut invalid) = (0, 0, 0);
    let mut total = rolecall_testkit::analyze_check::Stats::default();
    let mut witnesses = 0;
    let mut reasons: std::collections::BTreeMap<String, usize> = Default::default();
    for seed in 0..300 {
        let s = scenario_from_seed(seed);
        match check_analyzer(&s.policy_json, &s.requests) {
            Checked::Checked(st) => {
                checked += 1;
                total.requests += st.requests;
                total.allowed += st.allowed;
                total.new_access += st.new_access;
                total.implied += st.implied;
                witnesses += usize::from(st.witness);
            }
            Checked::NotCompiled => invalid += 1,
            Checked::Refused(reason) => {
                refused += 1;
                let kind = reason.split('`').next().unwrap_or("").to_owned();
                *reasons.entry(kind).or_default() += 1;
            }
        }
    }
    println!(
        "generated: {checked} checked, {refused} refused, {invalid} invalid policies; \
         refusals: {reasons:?}; {} requests ({} allowed), {witnesses} witnesses, \
         implies: {} hold, {} new access",
        total.requests, total.allowed, total.implied, total.new_access
    );
    // The sample must exercise both answers of every query.
    assert!(
        total.allowed >= 40 && total.requests - total.allowed >= 50,
        "{total:?}"
    );
    assert!(
        witnesses >= 25 && checked - witnesses >= 5,
        "{witnesses} witnesses of {checked}"
    );
    assert!(total.implied >= 50 && total.new_access >= 20, "{total:?}");
    assert!(checked >= 80, "only {checked} policies were analysable");
    assert!(
        !reasons.keys().any(|r| r.contains("too complex")),
        "a generated policy hit a limit: {reasons:?}"
    );
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn analyzer_agrees_with_evaluator(s in scenario_strategy()) {
        check_analyzer(&s.policy_json, &s.requests);
    }

    #[test]
    fn implies_agrees_with_sampled_requests(a in scenario_strategy(), b in scenario_strategy()) {
        let mut requests = a.requests.clone();
        requests.extend(b.requests.iter().cloned());
        check_pair(&a.policy_json, &b.policy_json, &requests);
    }
}
