//! Regression tests, each named after what it caught, with the root cause.
//! The minimized fuzz input of each also sits under
//! `fuzz/regressions/<target>/`, replayed by `tests/replay.rs`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "integration-test code: helpers outside #[test] functions fail by panicking too"
)]

use rolecall_eval::matcher::{Case, Pattern, PatternSet, SetStrategy};
use rolecall_testkit::matcher_check::check_matchers;

/// Found by the `matchers` fuzz target (input
/// `fuzz/regressions/matchers/globset-dotdot-last-component.bin`, pattern
/// `İ{a*!..../..`).
///
/// Root cause: `PatternSet` hands values to globset, which reads them as
/// *paths*: when the last `/`-component is `..`, globset's candidate has no
/// file name, so its basename and extension strategies (chosen for patterns
/// such as `a*/..`) never match. The globset-backed set said "no match"
/// where IAM wildcards match. With 20 or more `StringNotLike` values, that
/// turned a NOR false into true: a wrong Allow. Fixed in
/// `PatternSet::is_match` by sending such values to the char matcher.
#[test]
fn globset_pattern_set_matches_values_ending_in_dotdot_component() {
    for (pattern, value) in [
        ("a*/..", "ab/.."),
        ("a?/..", "ab/.."),
        ("a*b/..", "ab/.."),
        ("*..", ".."),
        ("İ{a*!..../..", "İ{aA]]}]\0\\A!..../.."),
    ] {
        let set = PatternSet::with_strategy(
            [Pattern::new(pattern, Case::Sensitive)],
            SetStrategy::GlobSet,
        );
        assert!(set.uses_globset(), "{pattern}: globset not used");
        assert!(set.is_match(value), "{pattern} vs {value}");
        check_matchers(pattern, value);
    }
}

/// The same root cause seen end to end: an `Allow` with a `StringNotLike`
/// of 20 values (enough for globset) must not allow a value that one of
/// them matches. Before the fix the engine said `Allow`, the model
/// `ImplicitDeny`.
#[test]
fn string_not_like_with_many_values_denies_dotdot_value() {
    let mut values: Vec<String> = (0..19).map(|i| format!("\"x{i}*\"")).collect();
    values.push("\"repo:o/*/..\"".into());
    let policy = format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"Federated":"accounts.google.com"}},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{{"StringNotLike":{{"accounts.google.com:sub":[{}]}}}}}}]}}"#,
        values.join(",")
    );
    let request = rolecall_model::Request {
        principal: "accounts.google.com".into(),
        action: "sts:AssumeRoleWithWebIdentity".into(),
        context: vec![(
            "accounts.google.com:sub".into(),
            rolecall_model::ContextValue::Single("repo:o/r/..".into()),
        )],
    };
    let model = rolecall_model::evaluate(&policy, &request).unwrap();
    assert_eq!(model.decision, rolecall_model::Decision::ImplicitDeny);
    rolecall_testkit::diff_check::check_engine_vs_model(&policy, &[request]);
}
