//! `Analyzer::who`: per principal and action, disjoint regions described
//! key by key, each with a witness the evaluator allows.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test helpers panic to fail"
)]

use rolecall_analyze::{Analyzer, Count, Values, Who};
use rolecall_eval::{evaluate, CompiledPolicy, Decision};

const GH: &str = "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com";

fn policy(statements: &str) -> CompiledPolicy {
    let text = format!(r#"{{"Version":"2012-10-17","Statement":[{statements}]}}"#);
    CompiledPolicy::from_json(&text).unwrap_or_else(|e| panic!("{e}\n{text}"))
}

fn who(p: &CompiledPolicy) -> Who {
    let w = Analyzer::default().who(p).unwrap();
    for pa in &w.principals {
        for a in &pa.admitted {
            assert_eq!(evaluate(p, &a.witness.request), Decision::Allow, "{a:?}");
            assert_eq!(a.witness.request.action(), pa.action);
        }
    }
    w
}

#[test]
fn exact_subjects_are_listed() {
    let p = policy(&format!(
        r#"{{"Effect":"Allow","Principal":{{"Federated":"{GH}"}},"Action":"sts:AssumeRoleWithWebIdentity",
        "Condition":{{"StringEquals":{{"token.actions.githubusercontent.com:sub":["repo:o/a:ref:refs/heads/main","repo:o/a:environment:prod"]}}}}}}"#
    ));
    let w = who(&p);
    assert!(w.is_assumable());
    assert_eq!(w.principals.len(), 1);
    let pa = &w.principals[0];
    assert_eq!(pa.principal, GH);
    assert_eq!(pa.admitted.len(), 1);
    let seg = &pa.admitted[0].segments[0];
    assert_eq!(seg.count, Count::Finite(2));
    assert!(!seg.absent && !seg.lists);
    assert_eq!(
        seg.values,
        Values::OneOf(vec![
            "repo:o/a:environment:prod".into(),
            "repo:o/a:ref:refs/heads/main".into()
        ])
    );
    assert!(pa
        .description()
        .contains("one of {`repo:o/a:environment:prod`"));
}

#[test]
fn a_deny_splits_the_allowed_set_into_disjoint_regions() {
    let p = policy(&format!(
        r#"{{"Effect":"Allow","Principal":{{"Federated":"{GH}"}},"Action":"sts:AssumeRoleWithWebIdentity",
          "Condition":{{"StringLike":{{"token.actions.githubusercontent.com:sub":"repo:o/*"}}}}}},
        {{"Effect":"Deny","Principal":"*","Action":"sts:AssumeRoleWithWebIdentity",
          "Condition":{{"StringEquals":{{"token.actions.githubusercontent.com:sub":"repo:o/bad",
                                         "token.actions.githubusercontent.com:aud":"sts.amazonaws.com"}}}}}}"#
    ));
    let w = who(&p);
    let pa = &w.principals[0];
    // Outside the Deny: `sub` not `repo:o/bad`, or `sub` is `repo:o/bad`
    // and `aud` is not `sts.amazonaws.com`.
    assert_eq!(pa.admitted.len(), 2, "{pa:#?}");
    let first = &pa.admitted[0].segments[0];
    assert_eq!(first.count, Count::Unbounded);
    assert!(
        matches!(&first.values, Values::Matching { examples } if !examples.contains(&"repo:o/bad".to_owned()))
    );
    let second = &pa.admitted[1];
    assert_eq!(
        second.segments[0].values,
        Values::OneOf(vec!["repo:o/bad".into()])
    );
    assert_eq!(
        second.segments[1].values,
        Values::AnyBut(vec!["sts.amazonaws.com".into()])
    );
    assert!(second.segments[1].absent);
    // The witnesses differ: each region has its own.
    assert_ne!(pa.admitted[0].witness.request, second.witness.request);
}

#[test]
fn unassumable_policy_has_no_principals() {
    let p = policy(&format!(
        r#"{{"Effect":"Allow","Principal":{{"Federated":"{GH}"}},"Action":"sts:AssumeRoleWithWebIdentity",
          "Condition":{{"StringEquals":{{"k":"a"}},"StringNotEquals":{{"k":"a"}}}}}}"#
    ));
    assert!(!who(&p).is_assumable());
}

#[test]
fn each_principal_and_action_separately() {
    let p = policy(&format!(
        r#"{{"Effect":"Allow","Principal":{{"Federated":["{GH}","accounts.google.com"]}},
          "Action":["sts:AssumeRoleWithWebIdentity","sts:TagSession"]}},
        {{"Effect":"Deny","Principal":{{"Federated":"accounts.google.com"}},"Action":"sts:TagSession"}}"#
    ));
    let w = who(&p);
    let got: Vec<(&str, &str)> = w
        .principals
        .iter()
        .map(|pa| (pa.principal.as_str(), pa.action.as_str()))
        .collect();
    assert_eq!(
        got,
        vec![
            (GH, "sts:AssumeRoleWithWebIdentity"),
            (GH, "sts:TagSession"),
            ("accounts.google.com", "sts:AssumeRoleWithWebIdentity"),
        ]
    );
    assert_eq!(w.principals[0].description(), "any request");
}

#[test]
fn counts_of_single_characters_and_bounded_patterns() {
    let p = policy(&format!(
        r#"{{"Effect":"Allow","Principal":{{"Federated":"{GH}"}},"Action":"sts:AssumeRoleWithWebIdentity",
          "Condition":{{"StringLike":{{"a":"x?","b":"??"}}}}}}"#
    ));
    let w = who(&p);
    let segs = &w.principals[0].admitted[0].segments;
    // Every Unicode scalar value: 0x110000 minus the 2,048 surrogates.
    assert_eq!(segs[0].count, Count::Finite(1_112_064));
    assert_eq!(segs[1].count, Count::Finite(1_112_064u128 * 1_112_064));
}

#[test]
fn an_account_principal_is_reported_as_written() {
    let p = policy(
        r#"{"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"sts:AssumeRole",
            "Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}}"#,
    );
    let w = who(&p);
    assert_eq!(w.principals.len(), 1);
    assert_eq!(w.principals[0].principal, "111122223333");
    assert_eq!(w.principals[0].action, "sts:AssumeRole");
    let seg = &w.principals[0].admitted[0].segments[0];
    // `true` in any ASCII case (R7).
    assert_eq!(seg.count, Count::Finite(16), "{seg:?}");
}
