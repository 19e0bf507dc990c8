//! Tests added because cargo-mutants showed the rest of the suite would not
//! notice a change there (TESTING.md, "Mutation testing"). Each asserts
//! behaviour that SEMANTICS.md or DECISIONS.md defines (or the documented
//! public API of `matcher`), never a particular code path.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use rolecall_eval::matcher::{Case, Pattern, PatternSet, SetStrategy, GLOBSET_THRESHOLD};
use rolecall_eval::request::Request;
use rolecall_eval::{decide, evaluate, CompiledPolicy, Decision};

const P: &str = "arn:aws:iam::111122223333:oidc-provider/server.example.com";

/// An Allow statement for `P` with one condition block.
fn allow_with(condition: &str) -> CompiledPolicy {
    CompiledPolicy::from_json(&format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"Federated":"{P}"}},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{condition}}}]}}"#
    ))
    .unwrap_or_else(|e| panic!("{condition}: {e}"))
}

/// The decision for a request with single-valued context keys; `evaluate`
/// and `decide` must agree.
fn decision(policy: &CompiledPolicy, ctx: &[(&str, &str)]) -> Decision {
    let mut b = Request::builder()
        .principal(P)
        .action("sts:AssumeRoleWithWebIdentity");
    for (k, v) in ctx {
        b = b.value(*k, *v);
    }
    let request = b.build().unwrap();
    let d = evaluate(policy, &request);
    assert_eq!(d, decide(policy, &request).decision);
    d
}

fn holds(condition: &str, ctx: &[(&str, &str)]) -> bool {
    decision(&allow_with(condition), ctx) == Decision::Allow
}

// ---------------------------------------------------------------- matcher

/// R5: a prefix and a suffix may not share characters of the value: `a*a`
/// needs at least two characters.
#[test]
fn prefix_and_suffix_need_room_for_both() {
    let p = Pattern::new("a*a", Case::Sensitive);
    assert!(!p.is_match("a"));
    assert!(p.is_match("aa"));
    assert!(p.is_match("aba"));
    assert!(!Pattern::new("ab*b", Case::Sensitive).is_match("ab"));
    assert!(!holds(r#"{"StringLike":{"k":"a*a"}}"#, &[("k", "a")]));
}

/// globset reads values as paths; a value whose last component is `..`
/// must still match as an IAM wildcard says (the `matchers` fuzz finding,
/// pinned end to end in rolecall-testkit; here in this crate's own suite).
#[test]
fn large_sets_match_values_ending_in_dotdot() {
    for (pattern, value) in [("a*/..", "ab/.."), ("*..", ".."), ("x/*", "x/..")] {
        for strategy in [SetStrategy::GlobSet, SetStrategy::Loop] {
            let set = PatternSet::with_strategy([Pattern::new(pattern, Case::Sensitive)], strategy);
            assert!(set.is_match(value), "{pattern} vs {value} ({strategy:?})");
            assert!(!set.is_match("ab/."), "{pattern} vs ab/. ({strategy:?})");
        }
    }
    // End to end: 20 `StringNotLike` values, one matching `ab/..`.
    let mut values: Vec<String> = (0..GLOBSET_THRESHOLD - 1)
        .map(|i| format!("\"x{i}*\""))
        .collect();
    values.push("\"a*/..\"".into());
    let cond = format!(r#"{{"StringNotLike":{{"k":[{}]}}}}"#, values.join(","));
    assert!(!holds(&cond, &[("k", "ab/..")]));
    assert!(holds(&cond, &[("k", "ab/.")]));
}

/// `PatternSet` chooses globset from `GLOBSET_THRESHOLD` patterns on, and
/// never for case-insensitive patterns (globset's folding is not R6's).
#[test]
fn pattern_set_strategy_is_as_documented() {
    let set = |n: usize| {
        PatternSet::new((0..n).map(|i| Pattern::new(&format!("v{i}-*"), Case::Sensitive)))
    };
    assert!(!set(GLOBSET_THRESHOLD - 1).uses_globset());
    assert!(set(GLOBSET_THRESHOLD).uses_globset());
    assert_eq!(set(3).len(), 3);
    assert_eq!(set(3).patterns().len(), 3);
    assert!(!set(3).is_empty());
    assert!(set(0).is_empty());
    assert!(!set(0).is_match(""));
    for n in [GLOBSET_THRESHOLD - 1, GLOBSET_THRESHOLD] {
        let s = set(n);
        assert!(s.is_match("v0-x"));
        assert!(s.is_match(&format!("v{}-", n - 1)));
        assert!(!s.is_match(&format!("v{n}-x")));
        assert_eq!(s.first_match("v2-y"), Some(2));
        assert_eq!(s.first_match("w"), None);
    }
    let insensitive = PatternSet::with_strategy(
        [Pattern::new("AssumeRole*", Case::Insensitive)],
        SetStrategy::GlobSet,
    );
    assert!(!insensitive.uses_globset());
    assert!(insensitive.is_match("ASSUMEROLEWITHSAML"));
    assert!(!insensitive.is_match("TagSession"));
}

/// globset's `?` matches a byte; IAM's `?` a character. A large set with a
/// `?` pattern must still match one non-ASCII character, and a `?`-free
/// pattern must match non-ASCII values too.
#[test]
fn large_sets_with_non_ascii_values() {
    let mut patterns: Vec<Pattern> = (0..GLOBSET_THRESHOLD)
        .map(|i| Pattern::new(&format!("v{i}-*"), Case::Sensitive))
        .collect();
    patterns.push(Pattern::new("caf?", Case::Sensitive));
    patterns.push(Pattern::new("*ü", Case::Sensitive));
    let set = PatternSet::new(patterns);
    assert!(set.uses_globset());
    assert!(set.is_match("café"));
    assert!(set.is_match("cafe"));
    assert!(!set.is_match("cafée"));
    assert!(set.is_match("v1-é"));
    assert!(set.is_match("grüü"));
    assert!(!set.is_match("grü!"));
}

/// The accessors of `Pattern`.
#[test]
fn pattern_accessors() {
    let lit = Pattern::new("abc", Case::Sensitive);
    assert!(lit.is_literal());
    assert!(!lit.has_any_char());
    assert_eq!(lit.case(), Case::Sensitive);
    let q = Pattern::new("a?c*", Case::Insensitive);
    assert!(!q.is_literal());
    assert!(q.has_any_char());
    assert_eq!(q.case(), Case::Insensitive);
    assert!(!Pattern::new("a*", Case::Sensitive).has_any_char());
    assert!(!Pattern::new("a*", Case::Sensitive).is_literal());
}

// --------------------------------------------------------------- evaluate

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
