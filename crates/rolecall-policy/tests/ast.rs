//! The tree's own behaviour: equality ignores where a node was written but
//! sees every member, and the small accessors of `OneOrMany` and
//! `ConditionValue`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "integration-test code: helpers outside #[test] functions fail by panicking too"
)]

use rolecall_policy::{parse, ConditionValue, OneOrMany};

/// A statement that sets every member the tree has (IAM would refuse to
/// save it: both `Principal` and `NotPrincipal`, and so on, but the tree
/// reads it exactly and `validate` is where such rules live).
const BASE: &str = r#"{"Version": "2012-10-17", "Id": "base", "Statement": [{
    "Sid": "S",
    "Effect": "Allow",
    "Principal": {"Federated": "arn:aws:iam::111122223333:oidc-provider/x"},
    "NotPrincipal": {"AWS": "arn:aws:iam::111122223333:root"},
    "Action": "sts:AssumeRoleWithWebIdentity",
    "NotAction": "s3:*",
    "Resource": "*",
    "NotResource": "arn:aws:s3:::b",
    "Condition": {"StringEquals": {"x:sub": "a"}}
}]}"#;

/// One change per member of `Policy`, `Statement` and `ConditionBlock`,
/// each as (what is changed, text replaced, replacement).
const ONE_MEMBER_CHANGED: &[(&str, &str, &str)] = &[
    ("Version", "2012-10-17", "2008-10-17"),
    ("Id", r#""base""#, r#""other""#),
    ("Sid", r#""S""#, r#""T""#),
    ("Effect", "Allow", "Deny"),
    ("Principal", "oidc-provider/x", "oidc-provider/y"),
    ("NotPrincipal", "111122223333:root", "444455556666:root"),
    ("Action", "sts:AssumeRoleWithWebIdentity", "sts:AssumeRole"),
    ("NotAction", "s3:*", "ec2:*"),
    (
        "Resource",
        r#""Resource": "*""#,
        r#""Resource": "arn:aws:s3:::c""#,
    ),
    ("NotResource", "arn:aws:s3:::b", "arn:aws:s3:::d"),
    ("condition operator", "StringEquals", "StringLike"),
    ("condition entries", r#""x:sub": "a""#, r#""x:sub": "b""#),
];

#[test]
fn equality_ignores_layout() {
    let minified: String = BASE.split_whitespace().collect::<Vec<_>>().join(" ");
    assert_ne!(minified, BASE, "the two texts must differ in layout");
    let (a, b) = (parse(BASE).unwrap(), parse(&minified).unwrap());
    assert_ne!(
        a.statement.span, b.statement.span,
        "the spans must differ for the test to mean anything"
    );
    assert_eq!(a, b);
}

#[test]
fn equality_sees_every_member() {
    let base = parse(BASE).unwrap();
    assert_eq!(base, parse(BASE).unwrap());
    for (member, from, to) in ONE_MEMBER_CHANGED {
        assert_eq!(BASE.matches(from).count(), 1, "{member}: `{from}`");
        let changed = parse(BASE.replace(from, to)).unwrap();
        assert_ne!(base, changed, "a different {member} compares equal");
        assert_ne!(changed, base, "a different {member} compares equal");
    }
}

#[test]
fn one_or_many_counts_its_values() {
    assert_eq!(OneOrMany::One("a").len(), 1);
    assert!(!OneOrMany::One("a").is_empty());
    assert_eq!(OneOrMany::<&str>::Many(vec![]).len(), 0);
    assert!(OneOrMany::<&str>::Many(vec![]).is_empty());
    assert_eq!(OneOrMany::Many(vec!["a", "b", "c"]).len(), 3);
    assert!(!OneOrMany::Many(vec!["a"]).is_empty());
}

#[test]
fn condition_value_into_text_is_its_json_spelling() {
    assert_eq!(ConditionValue::String("a*b".into()).into_text(), "a*b");
    assert_eq!(ConditionValue::String(String::new()).into_text(), "");
    assert_eq!(ConditionValue::Bool(true).into_text(), "true");
    assert_eq!(ConditionValue::Number(12.into()).into_text(), "12");
}
