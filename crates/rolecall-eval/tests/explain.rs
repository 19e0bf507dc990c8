//! `explain`: the rule an explanation names for a condition that does not
//! hold (R4, R9).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "integration-test code: helpers outside #[test] functions fail by panicking too"
)]

mod common;

use common::{allow_with, explained_rule};

/// R9 / docs/SEMANTICS.md §3.6: the explanation of `ForAllValues:Null` names the
/// always-true rule and `ForAnyValue:Null` the always-false one.
#[test]
fn null_with_a_qualifier_is_explained_by_its_qualifier() {
    use rolecall_eval::Rule;
    let all = allow_with(r#"{"ForAllValues:Null":{"server.example.com:sub":"true"}}"#);
    assert_eq!(
        explained_rule(&all, &[("server.example.com:sub", "x")]),
        Rule::NullWithQualifier {
            for_all_values: true
        }
    );
    let any = allow_with(r#"{"ForAnyValue:Null":{"server.example.com:sub":"true"}}"#);
    assert_eq!(
        explained_rule(&any, &[]),
        Rule::NullWithQualifier {
            for_all_values: false
        }
    );
}

/// R4: "every policy value has a variable that does not resolve" is said
/// only when that is true; one ordinary value that does not match makes it
/// a plain "no value matched", and so does an empty value list.
#[test]
fn unresolved_variable_is_named_only_when_every_value_is_unresolved() {
    use rolecall_eval::Rule;
    let key = "server.example.com:sub";
    let ctx = [(key, "alice")];
    let only_unresolved =
        allow_with(r#"{"StringEquals":{"server.example.com:sub":"${aws:username}"}}"#);
    assert_eq!(
        explained_rule(&only_unresolved, &ctx),
        Rule::UnresolvedVariable { negated: false }
    );
    let mixed =
        allow_with(r#"{"StringEquals":{"server.example.com:sub":["${aws:username}","bob"]}}"#);
    assert_eq!(explained_rule(&mixed, &ctx), Rule::NoValueMatched);
    let empty = allow_with(r#"{"StringEquals":{"server.example.com:sub":[]}}"#);
    assert_eq!(explained_rule(&empty, &ctx), Rule::NoValueMatched);
}
