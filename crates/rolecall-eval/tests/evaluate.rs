//! Conditions evaluated end to end (`evaluate` and `decide` agree) with
//! single-valued context keys: policy variables in `StringLike` and `ArnLike`
//! values (R4, R5, R8), `${*}` escapes in ARN values, case-folded equality
//! (R6), and large `StringLike` sets with templates.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "integration-test code: helpers outside #[test] functions fail by panicking too"
)]

mod common;

use common::holds;
use rolecall_eval::matcher::GLOBSET_THRESHOLD;

/// R8: with a policy variable in the value, the written text still splits
/// at its first five colons only: a sixth written `:` belongs to the
/// resource component.
#[test]
fn arn_template_keeps_later_written_colons_in_the_resource() {
    let cond = r#"{"ArnLike":{"k":"arn:aws:iam::${acct}:role/a:b*"}}"#;
    let ctx = |v| [("acct", "111122223333"), ("k", v)];
    assert!(holds(cond, &ctx("arn:aws:iam::111122223333:role/a:b")));
    assert!(holds(cond, &ctx("arn:aws:iam::111122223333:role/a:bc:d")));
    assert!(!holds(cond, &ctx("arn:aws:iam::111122223333:role/a")));
    assert!(!holds(cond, &ctx("arn:aws:iam::444455556666:role/a:b")));
}

/// R6: `StringEqualsIgnoreCase` compares whole folded strings: same length
/// is not enough, and neither is a common prefix.
#[test]
fn ignore_case_equality_needs_every_character() {
    let eq = r#"{"StringEqualsIgnoreCase":{"k":"Main"}}"#;
    assert!(holds(eq, &[("k", "MAIN")]));
    assert!(holds(eq, &[("k", "main")]));
    assert!(!holds(eq, &[("k", "mail")]));
    assert!(!holds(eq, &[("k", "mai")]));
    assert!(!holds(eq, &[("k", "mains")]));
    assert!(!holds(eq, &[("k", "")]));
    let ne = r#"{"StringNotEqualsIgnoreCase":{"k":"Main"}}"#;
    assert!(holds(ne, &[("k", "mail")]));
    assert!(holds(ne, &[("k", "mai")]));
    assert!(!holds(ne, &[("k", "mAiN")]));
}

/// R4, R5: a `StringLike` value with a variable is matched as a whole;
/// once the context value is used up, only written `*` may remain.
#[test]
fn like_template_must_cover_the_whole_value() {
    let ctx = |k| [("v", "b"), ("k", k)];
    assert!(holds(r#"{"StringLike":{"k":"a${v}*"}}"#, &ctx("ab")));
    assert!(holds(r#"{"StringLike":{"k":"a${v}*"}}"#, &ctx("abc")));
    assert!(holds(r#"{"StringLike":{"k":"a${v}**"}}"#, &ctx("ab")));
    assert!(!holds(r#"{"StringLike":{"k":"${v}x"}}"#, &ctx("b")));
    assert!(!holds(r#"{"StringLike":{"k":"${v}?"}}"#, &ctx("b")));
    assert!(holds(r#"{"StringLike":{"k":"${v}?"}}"#, &ctx("bé")));
    assert!(holds(r#"{"StringNotLike":{"k":"${v}x"}}"#, &ctx("b")));
}

/// R4, R8: in an ARN value without variables, `${*}` is a literal `*` in
/// its component, not a wildcard and not dropped.
#[test]
fn arn_value_escapes_are_literal() {
    let cond = r#"{"ArnLike":{"k":"arn:aws:s3:::b${*}"}}"#;
    assert!(holds(cond, &[("k", "arn:aws:s3:::b*")]));
    assert!(!holds(cond, &[("k", "arn:aws:s3:::b")]));
    assert!(!holds(cond, &[("k", "arn:aws:s3:::bx")]));
}

/// R4 in a large `StringLike` set: the values with policy variables are
/// looked at one by one beside the set, and an unresolved or non-matching
/// template never makes the condition true.
#[test]
fn large_like_sets_with_policy_variables() {
    let mut values: Vec<String> = (0..GLOBSET_THRESHOLD)
        .map(|i| format!("\"x{i}-*\""))
        .collect();
    values.push("\"repo:${k2}/*\"".into());
    let like = format!(r#"{{"StringLike":{{"k":[{}]}}}}"#, values.join(","));
    // The template matches: `k2` substituted.
    assert!(holds(&like, &[("k", "repo:org/a"), ("k2", "org")]));
    // The template does not match, nor does any literal pattern.
    assert!(!holds(&like, &[("k", "repo:other/a"), ("k2", "org")]));
    // `k2` missing: the template is unresolved and matches nothing.
    assert!(!holds(&like, &[("k", "repo:org/a")]));
    // A literal pattern of the set still matches.
    assert!(holds(&like, &[("k", "x7-y")]));
    // Negated: StringNotLike holds only when nothing matches.
    let not_like = like.replace("StringLike", "StringNotLike");
    assert!(!holds(&not_like, &[("k", "repo:org/a"), ("k2", "org")]));
    assert!(holds(&not_like, &[("k", "repo:other/a"), ("k2", "org")]));
    assert!(holds(&not_like, &[("k", "repo:org/a")]));
}
