//! Measures what the generators produce, so they can be tuned to make
//! collisions likely: the share of each outcome under the reference model. Run with
//! `cargo test -p rolecall-testkit --test distribution -- --nocapture`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "integration-test code: helpers outside #[test] functions fail by panicking too"
)]

use rolecall_model::{evaluate, Decision, ModelError};
use rolecall_testkit::gen::scenario_from_seed;

#[test]
fn outcome_shares_are_balanced() {
    let (mut allow, mut implicit, mut explicit, mut invalid_policy, mut invalid_request) =
        (0u32, 0u32, 0u32, 0u32, 0u32);
    let scenarios = 1500;
    for seed in 0..scenarios {
        let s = scenario_from_seed(seed);
        for r in &s.requests {
            match evaluate(&s.policy_json, r) {
                Ok(o) if o.decision == Decision::Allow => allow += 1,
                Ok(o) if o.decision == Decision::ImplicitDeny => implicit += 1,
                Ok(_) => explicit += 1,
                Err(ModelError::InvalidPolicy(_)) => invalid_policy += 1,
                Err(_) => invalid_request += 1,
            }
        }
    }
    let total = f64::from(allow + implicit + explicit + invalid_policy + invalid_request);
    let share = |n: u32| 100.0 * f64::from(n) / total;
    println!(
        "{total} requests over {scenarios} policies: Allow {:.1}%, ImplicitDeny {:.1}%, ExplicitDeny {:.1}%, Invalid {:.1}% (policy {:.1}%, request {:.1}%)",
        share(allow),
        share(implicit),
        share(explicit),
        share(invalid_policy + invalid_request),
        share(invalid_policy),
        share(invalid_request),
    );
    // The generator is tuned so that no outcome is rare and invalid
    // policies do not crowd out evaluation.
    assert!(share(allow) >= 10.0, "too few Allow");
    assert!(share(implicit) >= 10.0, "too few ImplicitDeny");
    assert!(share(explicit) >= 10.0, "too few ExplicitDeny");
    assert!(
        share(invalid_policy + invalid_request) >= 5.0,
        "too few Invalid"
    );
    assert!(
        share(invalid_policy + invalid_request) <= 30.0,
        "too many Invalid"
    );
}
