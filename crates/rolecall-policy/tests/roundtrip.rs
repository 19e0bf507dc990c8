//! Property: printing a tree and parsing the text gives an equal tree, and
//! printing is stable (print(parse(print(t))) == print(t)).
//!
//! Case count: 256 by default, `PROPTEST_CASES` overrides.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "integration-test code: helpers outside #[test] functions fail by panicking too"
)]

use proptest::collection::vec;
use proptest::prelude::*;
use rolecall_policy::{
    parse, BaseOperator, Condition, ConditionBlock, ConditionEntry, ConditionValue, Effect,
    OneOrMany, Operator, Policy, Principal, PrincipalEntry, PrincipalKind, SetQualifier, Span,
    Spanned, Statement, Version,
};

fn sp<T>(v: T) -> Spanned<T> {
    Spanned::synthetic(v)
}

/// Strings from a small pool (so collisions and realistic values are
/// common) or random text in the allowed character set, escapes included.
fn text() -> impl Strategy<Value = String> + Clone {
    prop_oneof![
        prop::sample::select(vec![
            "",
            "*",
            "sts:AssumeRoleWithWebIdentity",
            "sts:Assume*",
            "aws:SourceIp",
            "token.actions.githubusercontent.com:sub",
            "repo:octo/*:ref:refs/heads/main",
            "${aws:username}",
            "Allow",
            "2012-10-17",
            "\"quoted\"\\",
            "caf\u{e9}",
        ])
        .prop_map(str::to_owned),
        "[\\t\\n\\r\\x20-\\x7e\\u{80}-\\u{ff}]{0,12}",
    ]
}

fn one_or_many<T: std::fmt::Debug + Clone + 'static>(
    item: impl Strategy<Value = T> + Clone + 'static,
) -> impl Strategy<Value = Spanned<OneOrMany<Spanned<T>>>> {
    prop_oneof![
        item.clone().prop_map(|v| OneOrMany::One(sp(v))),
        vec(item.prop_map(sp), 0..4).prop_map(OneOrMany::Many),
    ]
    .prop_map(sp)
}

fn every_operator() -> Vec<Operator> {
    let mut out = Vec::new();
    for qualifier in [
        None,
        Some(SetQualifier::ForAllValues),
        Some(SetQualifier::ForAnyValue),
    ] {
        for &base in BaseOperator::ALL {
            for if_exists in [false, true] {
                if !(base == BaseOperator::Null && if_exists) {
                    out.push(Operator {
                        qualifier,
                        base,
                        if_exists,
                    });
                }
            }
        }
    }
    out
}

/// Integers of every size, short decimals, and any finite `f64` (which
/// needs serde_json's `float_roundtrip` feature: without it some floats
/// read back one ulp off, e.g. `3.8028809071207444e-60`).
fn number() -> impl Strategy<Value = rolecall_policy::Number> + Clone {
    use rolecall_policy::Number;
    prop_oneof![
        any::<i64>().prop_map(Number::from),
        any::<u64>().prop_map(Number::from),
        (any::<i32>(), -12i32..12)
            .prop_map(|(m, e)| Number::from_json(&format!("{m}.5e{e}")).unwrap()),
        any::<f64>().prop_filter_map("finite", Number::from_f64),
    ]
}

fn condition_value() -> impl Strategy<Value = ConditionValue> + Clone {
    prop_oneof![
        3 => text().prop_map(ConditionValue::String),
        1 => number().prop_map(ConditionValue::Number),
        1 => any::<bool>().prop_map(ConditionValue::Bool),
    ]
}

fn fold(s: &str) -> String {
    s.chars().flat_map(char::to_lowercase).collect()
}

fn condition() -> impl Strategy<Value = Spanned<Condition>> {
    let key = prop_oneof![
        prop::sample::select(vec![
            "aws:SourceIp",
            "AWS:sourceip",
            "k:sub",
            "k:aud",
            "K:SUB"
        ])
        .prop_map(str::to_owned),
        "[a-zA-Z:/\u{c0}-\u{ff}]{1,8}",
    ];
    let entries = vec((key, one_or_many(condition_value())), 0..4).prop_map(|raw| {
        // No two keys equal ignoring case in one block (a parse error).
        let mut seen = std::collections::HashSet::new();
        raw.into_iter()
            .filter(|(k, _)| seen.insert(fold(k)))
            .map(|(k, values)| ConditionEntry { key: sp(k), values })
            .collect::<Vec<_>>()
    });
    let block = (prop::sample::select(every_operator()), entries);
    vec(block, 0..4).prop_map(|raw| {
        let mut blocks: Vec<ConditionBlock> = Vec::new();
        for (op, entries) in raw {
            if blocks.iter().all(|b| b.operator.node != op) {
                blocks.push(ConditionBlock {
                    operator: sp(op),
                    entries,
                    span: Span::SYNTHETIC,
                });
            }
        }
        sp(Condition { blocks })
    })
}

fn principal() -> impl Strategy<Value = Spanned<Principal>> {
    let kinds = [
        PrincipalKind::Aws,
        PrincipalKind::Federated,
        PrincipalKind::Service,
        PrincipalKind::CanonicalUser,
    ];
    prop_oneof![
        Just(Principal::Wildcard),
        vec(
            (prop::sample::select(kinds.to_vec()), one_or_many(text())),
            0..4
        )
        .prop_map(|raw| {
            let mut entries: Vec<PrincipalEntry> = Vec::new();
            for (kind, values) in raw {
                if entries.iter().all(|e| e.kind.node != kind) {
                    entries.push(PrincipalEntry {
                        kind: sp(kind),
                        values,
                    });
                }
            }
            Principal::Map(entries)
        }),
    ]
    .prop_map(sp)
}

fn effect() -> impl Strategy<Value = Spanned<Effect>> {
    prop_oneof![
        Just(Effect::Allow),
        Just(Effect::Deny),
        text()
            .prop_filter("not canonical", |s| s != "Allow" && s != "Deny")
            .prop_map(Effect::Other),
    ]
    .prop_map(sp)
}

fn statement() -> impl Strategy<Value = Statement> {
    let strings = || proptest::option::of(one_or_many(text()));
    (
        proptest::option::of(text().prop_map(sp)),
        proptest::option::of(effect()),
        proptest::option::of(principal()),
        proptest::option::weighted(0.2, principal()),
        (strings(), strings(), strings(), strings()),
        proptest::option::of(condition()),
    )
        .prop_map(
            |(
                sid,
                effect,
                principal,
                not_principal,
                (action, not_action, resource, not_resource),
                condition,
            )| {
                Statement {
                    sid,
                    effect,
                    principal,
                    not_principal,
                    action,
                    not_action,
                    resource,
                    not_resource,
                    condition,
                    span: Span::SYNTHETIC,
                }
            },
        )
}

fn policy() -> impl Strategy<Value = Policy> {
    let version = prop_oneof![
        Just(Version::V2012_10_17),
        Just(Version::V2008_10_17),
        text()
            .prop_filter("not canonical", |s| s != "2012-10-17" && s != "2008-10-17")
            .prop_map(Version::Other),
    ];
    let statements = prop_oneof![
        statement().prop_map(OneOrMany::One),
        vec(statement(), 0..4).prop_map(OneOrMany::Many),
    ];
    (
        proptest::option::of(version.prop_map(sp)),
        proptest::option::of(text().prop_map(sp)),
        statements,
    )
        .prop_map(|(version, id, statement)| Policy {
            version,
            id,
            statement: sp(statement),
            span: Span::SYNTHETIC,
        })
}

proptest! {
    #[test]
    fn print_then_parse_gives_the_same_tree(p in policy()) {
        let printed = p.to_json_string();
        let parsed = parse(&printed).map_err(|e| TestCaseError::fail(format!("{e}\n{printed}")))?;
        prop_assert_eq!(&parsed, &p);
        prop_assert_eq!(&parsed.to_json_string(), &printed);
        let pretty = parse(p.to_json_pretty()).unwrap();
        prop_assert_eq!(&pretty, &p);
        // Spans of a parsed tree point at what they describe.
        if let Some(v) = &parsed.version {
            prop_assert_eq!(&printed[v.span.range()], serde_json::to_string(v.node.as_str()).unwrap());
        }
    }
}

/// Floats print in their shortest form (`1.5`, `1e100`) and read back equal.
#[test]
fn float_text_round_trips() {
    for text in [
        "1.5",
        "-0.0",
        "1e100",
        "2.5e-7",
        "123456.789",
        "5e-324",
        "1.7976931348623157e308",
        // Read one ulp off without serde_json's `float_roundtrip`.
        "3.8028809071207444e-60",
    ] {
        let doc = format!(r#"{{"Statement":{{"Condition":{{"NumericEquals":{{"k":{text}}}}}}}}}"#);
        let p = parse(&doc).unwrap();
        assert_eq!(parse(p.to_json_string()).unwrap(), p, "{text}");
    }
}
