//! `CompiledPolicy`: the accessors of a compiled policy and its statements,
//! and the errors of a refused policy, with positions (R1, D10).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "integration-test code: helpers outside #[test] functions fail by panicking too"
)]

mod common;

use common::at;
use rolecall_eval::CompiledPolicy;

/// The accessors of a compiled policy and its statements point at the
/// right parts of the document.
#[test]
fn compiled_policy_accessors() {
    use rolecall_eval::Effect;
    use rolecall_policy::LanguageVersion;
    let text = r#"{"Version":"2012-10-17","Statement":[
        {"Sid":"One","Effect":"Allow","Principal":{"Federated":"accounts.google.com"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"a":"1","b":"2"},"Null":{"c":"false"}}},
        {"Effect":"Deny","Principal":"*","NotAction":["sts:TagSession"]}]}"#;
    let policy = CompiledPolicy::from_json(text).unwrap();
    assert_eq!(policy.statement_count(), 2);
    assert_eq!(policy.statements().len(), 2);
    assert_eq!(policy.language_version(), LanguageVersion::V2012_10_17);
    assert_eq!(at(text, policy.span()), text);
    let [one, two] = policy.statements() else {
        panic!("two statements")
    };
    assert_eq!(one.sid(), Some("One"));
    assert_eq!(at(text, one.sid_span().unwrap()), "\"One\"");
    assert_eq!(two.sid(), None);
    assert_eq!(two.sid_span(), None);
    assert_eq!(one.effect(), Effect::Allow);
    assert_eq!(two.effect(), Effect::Deny);
    assert_eq!(
        (Effect::Allow.to_string(), Effect::Deny.to_string()),
        ("Allow".into(), "Deny".into())
    );
    assert_eq!(at(text, one.effect_span()), "\"Allow\"");
    assert_eq!(at(text, two.effect_span()), "\"Deny\"");
    assert!(at(text, one.span()).starts_with("{\"Sid\":\"One\""));
    assert!(at(text, two.span()).starts_with("{\"Effect\":\"Deny\""));
    assert_eq!(
        at(text, one.principal_span()),
        r#"{"Federated":"accounts.google.com"}"#
    );
    assert_eq!(at(text, two.principal_span()), "\"*\"");
    assert_eq!(
        at(text, one.action_span()),
        "\"sts:AssumeRoleWithWebIdentity\""
    );
    assert_eq!(at(text, two.action_span()), "[\"sts:TagSession\"]");
    assert!(!one.is_not_action());
    assert!(two.is_not_action());
    assert_eq!(one.condition_count(), 3);
    assert_eq!(two.condition_count(), 0);
    // No `Version`: 2008-10-17.
    let old = CompiledPolicy::from_json(
        r#"{"Statement":{"Effect":"Allow","Principal":"*","Action":"*"}}"#,
    )
    .unwrap();
    assert_eq!(old.language_version(), LanguageVersion::V2008_10_17);
    assert_eq!(old.statement_count(), 1);
}

/// A refused policy is an error carrying every finding with its position
/// (R1, D10), and its message names the first one.
#[test]
fn compile_errors_carry_findings_and_positions() {
    let one =
        r#"{"Version":"2011-01-01","Statement":{"Effect":"Allow","Principal":"*","Action":"*"}}"#;
    let two = r#"{"Version":"2011-01-01","Statement":{"Effect":"Allow","Principal":"*","Action":"s3:*"}}"#;
    let err = |text: &str| match CompiledPolicy::from_json(text) {
        Err(rolecall_eval::PolicyError::Compile(e)) => e,
        other => panic!("expected a compile error, got {other:?}"),
    };
    let e = err(one);
    assert_eq!(e.findings().len(), 1);
    assert_eq!(e.span(), e.findings()[0].span);
    assert_eq!(at(one, e.span()), "\"2011-01-01\"");
    let msg = e.to_string();
    assert!(
        msg.starts_with("policy is refused: line 1, column 12: "),
        "{msg}"
    );
    assert!(
        msg.ends_with(&format!("[{}]", e.findings()[0].rule)),
        "{msg}"
    );
    let e = err(two);
    assert_eq!(e.findings().len(), 2);
    assert_eq!(at(two, e.span()), "\"2011-01-01\"");
    assert!(e.to_string().ends_with(" (and 1 more problem)"), "{e}");
}
