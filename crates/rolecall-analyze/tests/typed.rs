//! Numeric, Date and IP conditions as exact sets of cells: witnesses,
//! `implies`, the negated forms' unparsable values, `IfExists` and the set
//! qualifiers, checked against the evaluator.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test helpers panic to fail"
)]

use rolecall_analyze::{Analyzer, Implication, Values};
use rolecall_eval::request::Request;
use rolecall_eval::{evaluate, CompiledPolicy, Decision};

fn policy(condition: &str) -> CompiledPolicy {
    let text = format!(
        r#"{{"Version":"2012-10-17","Statement":{{"Effect":"Allow","Principal":{{"AWS":"111122223333"}},
        "Action":"sts:AssumeRole","Condition":{condition}}}}}"#
    );
    CompiledPolicy::from_json(&text).unwrap_or_else(|e| panic!("{e}\n{text}"))
}

fn request(key: &str, value: Option<&str>) -> Request {
    let mut b = Request::builder()
        .principal("111122223333")
        .action("sts:AssumeRole");
    if let Some(v) = value {
        b = b.value(key, v);
    }
    b.build().unwrap()
}

/// `new` grants something `old` does not (with the witness checked), or not.
fn new_access(new: &str, old: &str) -> Option<Request> {
    let (new, old) = (policy(new), policy(old));
    match Analyzer::default().implies(&new, &old).unwrap() {
        Implication::Holds => None,
        Implication::NewAccess(w) => {
            assert_eq!(evaluate(&new, &w.request), Decision::Allow);
            assert_ne!(evaluate(&old, &w.request), Decision::Allow);
            Some(w.request)
        }
    }
}

fn value_of(r: &Request, key: &str) -> Option<String> {
    r.context()
        .lookup(key)
        .and_then(|e| e.value().as_single().map(str::to_owned))
}

#[test]
fn numeric_intervals() {
    let k = "sts:DurationSeconds";
    let lt = |n: &str| format!(r#"{{"NumericLessThan":{{"{k}":"{n}"}}}}"#);
    let le = |n: &str| format!(r#"{{"NumericLessThanEquals":{{"{k}":"{n}"}}}}"#);
    assert!(new_access(&lt("3600"), &le("3600")).is_none());
    let w = new_access(&le("3600"), &lt("3600")).unwrap();
    assert_eq!(value_of(&w, k).as_deref(), Some("3600"));
    // `3600.0` and `03600` are the same number.
    assert!(new_access(&le("3600"), &le("03600.0")).is_none());
    assert!(new_access(&le("03600.0"), &le("3600")).is_none());
    // Between two adjacent doubles there is nothing to find.
    let w = new_access(&lt("1.5"), &lt("1")).unwrap();
    let v: f64 = value_of(&w, k).unwrap().parse().unwrap();
    assert!((1.0..1.5).contains(&v), "{v}");
    // The negated operator also holds for text that is not a number.
    let ne = format!(r#"{{"NumericNotEquals":{{"{k}":"5"}}}}"#);
    let gt_lt = format!(r#"{{"NumericGreaterThan":{{"{k}":"5"}}}}"#);
    let w = new_access(
        &ne,
        &format!(r#"{{"ForAnyValue:NumericLessThan":{{"{k}":"5"}}}}"#),
    )
    .unwrap();
    assert!(value_of(&w, k).is_some());
    let w = new_access(&ne, &gt_lt).unwrap();
    let v = value_of(&w, k).unwrap();
    assert!(v.parse::<f64>().map_or(true, |x| x < 5.0), "{v}");
    // Above the largest double there is only infinity: 400 nines.
    let max = format!("{}", f64::MAX);
    let above = format!(r#"{{"NumericGreaterThan":{{"{k}":"{max}"}}}}"#);
    let w = new_access(&above, &lt("1")).unwrap();
    assert_eq!(value_of(&w, k).unwrap(), "9".repeat(400));
}

#[test]
fn numeric_if_exists_and_set_qualifiers() {
    let k = "n";
    let p = policy(&format!(r#"{{"NumericLessThanIfExists":{{"{k}":"10"}}}}"#));
    assert_eq!(evaluate(&p, &request(k, None)), Decision::Allow);
    let plain = format!(r#"{{"NumericLessThan":{{"{k}":"10"}}}}"#);
    let w = new_access(
        &format!(r#"{{"NumericLessThanIfExists":{{"{k}":"10"}}}}"#),
        &plain,
    )
    .unwrap();
    assert!(w.context().lookup(k).is_none(), "{w:?}");
    let all = format!(r#"{{"ForAllValues:NumericLessThan":{{"{k}":"10"}}}}"#);
    let any = format!(r#"{{"ForAnyValue:NumericLessThan":{{"{k}":"10"}}}}"#);
    assert!(new_access(&any, &all).is_some());
    assert!(new_access(&all, &any).is_some());
    assert!(new_access(&plain, &any).is_none());
}

#[test]
fn dates() {
    let k = "aws:CurrentTime";
    let before = |d: &str| format!(r#"{{"DateLessThan":{{"{k}":"{d}"}}}}"#);
    assert!(new_access(&before("2024-01-01T00:00:00Z"), &before("2025-01-01")).is_none());
    let w = new_access(&before("2025-01-01"), &before("2024-01-01T00:00:00Z")).unwrap();
    let v = value_of(&w, k).unwrap();
    assert_eq!(v, "2024-01-01T00:00:00Z");
    // Epoch seconds and ISO text are the same instants.
    assert!(new_access(&before("1704067200"), &before("2024-01-01T00:00:00Z")).is_none());
    assert!(new_access(&before("2024-01-01T00:00:00Z"), &before("1704067200")).is_none());
    // One nanosecond apart.
    let w = new_access(
        &before("2024-01-01T00:00:00.000000002Z"),
        &before("2024-01-01T00:00:00.000000001Z"),
    )
    .unwrap();
    assert_eq!(value_of(&w, k).unwrap(), "2024-01-01T00:00:00.000000001Z");
    // Beyond year 9999 only whole epoch seconds exist.
    let after = |d: &str| format!(r#"{{"DateGreaterThan":{{"{k}":"{d}"}}}}"#);
    let w = new_access(&after("9999-12-31T23:59:59Z"), &before("1970-01-01")).unwrap();
    assert!(evaluate(&policy(&after("9999-12-31T23:59:59Z")), &w) == Decision::Allow);
}

#[test]
fn ip_ranges() {
    let k = "aws:SourceIp";
    let ip = |n: &str| format!(r#"{{"IpAddress":{{"{k}":{n}}}}}"#);
    assert!(new_access(&ip(r#""10.1.0.0/16""#), &ip(r#""10.0.0.0/8""#)).is_none());
    let w = new_access(&ip(r#""10.0.0.0/8""#), &ip(r#""10.1.0.0/16""#)).unwrap();
    assert_eq!(value_of(&w, k).as_deref(), Some("10.0.0.0"));
    // Two halves are the whole.
    assert!(new_access(
        &ip(r#""10.0.0.0/8""#),
        &ip(r#"["10.0.0.0/9","10.128.0.0/9"]"#)
    )
    .is_none());
    // IPv6 is its own space: a v4-mapped address is not in a v4 network.
    let not = format!(r#"{{"NotIpAddress":{{"{k}":"10.0.0.0/8"}}}}"#);
    let w = new_access(&not, &ip(r#"["0.0.0.0/0"]"#)).unwrap();
    let v = value_of(&w, k).unwrap();
    assert!(
        v.contains(':') || v.parse::<std::net::IpAddr>().is_err(),
        "{v}"
    );
    let p = policy(&ip(r#"["10.0.0.0/8","2001:db8::/32"]"#));
    let who = Analyzer::default().who(&p).unwrap();
    assert_eq!(
        who.principals[0].admitted[0].segments[0].values,
        Values::Ranges(vec![
            "10.0.0.0 to 10.255.255.255".into(),
            "2001:db8:: to 2001:db8:ffff:ffff:ffff:ffff:ffff:ffff".into()
        ])
    );
}

/// A negated typed operator also admits text that is no value of its type: `who` lists it
/// after the intervals.
#[test]
fn a_negated_typed_operator_admits_unparsable_text() {
    let p = policy(r#"{"NumericNotEquals":{"sts:DurationSeconds":"3600"}}"#);
    let who = Analyzer::default().who(&p).unwrap();
    let Values::Ranges(ranges) = &who.principals[0].admitted[0].segments[0].values else {
        panic!("ranges expected");
    };
    assert_eq!(ranges.len(), 3, "{ranges:?}");
    assert_eq!(ranges[2], "any text that is not a number");
}

/// `Bool` and `Null` keys are finite sets (true, false, other text; present
/// or absent): one value is new access over another, and no value over
/// itself.
#[test]
fn bool_and_null_values() {
    let k = "aws:MultiFactorAuthPresent";
    let bool_is = |v: &str| format!(r#"{{"Bool":{{"{k}":"{v}"}}}}"#);
    let null_is = |v: &str| format!(r#"{{"Null":{{"{k}":"{v}"}}}}"#);
    assert!(new_access(&bool_is("true"), &bool_is("true")).is_none());
    let w = new_access(&bool_is("true"), &bool_is("false")).unwrap();
    assert_eq!(value_of(&w, k).as_deref(), Some("true"));
    let w = new_access(&bool_is("false"), &bool_is("true")).unwrap();
    assert_eq!(value_of(&w, k).as_deref(), Some("false"));
    assert!(new_access(&null_is("true"), &null_is("true")).is_none());
    // `Null: true` is the key's absence; `Null: false` its presence.
    let w = new_access(&null_is("true"), &null_is("false")).unwrap();
    assert_eq!(value_of(&w, k), None);
    let w = new_access(&null_is("false"), &null_is("true")).unwrap();
    assert!(value_of(&w, k).is_some());
    // A present `true` is inside `Null: false`, so no new access.
    assert!(new_access(&bool_is("true"), &null_is("false")).is_none());
}

/// The count of a one-value Numeric or Date condition is one: `0` and `-0`
/// are one number, an instant is one instant.
#[test]
fn a_single_number_or_instant_counts_one() {
    for condition in [
        r#"{"NumericEquals":{"sts:DurationSeconds":"0"}}"#,
        r#"{"NumericEquals":{"sts:DurationSeconds":"-0"}}"#,
        r#"{"NumericEquals":{"sts:DurationSeconds":"3600"}}"#,
        r#"{"NumericEquals":{"sts:DurationSeconds":"-3600"}}"#,
        r#"{"DateEquals":{"aws:CurrentTime":"2020-01-01T00:00:00Z"}}"#,
        r#"{"DateEquals":{"aws:CurrentTime":"1577836800"}}"#,
    ] {
        let p = policy(condition);
        let who = Analyzer::default().who(&p).unwrap();
        let seg = &who.principals[0].admitted[0].segments[0];
        assert_eq!(seg.count, rolecall_analyze::Count::Finite(1), "{condition}");
    }
    // [-1, 1]: the doubles of (0, 1] (as many as 1.0's bit pattern says),
    // their negatives, and zero once although `-0` and `0` are two doubles.
    let p = policy(
        r#"{"NumericGreaterThanEquals":{"sts:DurationSeconds":"-1"},"NumericLessThanEquals":{"sts:DurationSeconds":"1"}}"#,
    );
    let who = Analyzer::default().who(&p).unwrap();
    let seg = &who.principals[0].admitted[0].segments[0];
    let positive = u128::from(1.0f64.to_bits());
    assert_eq!(seg.count, rolecall_analyze::Count::Finite(2 * positive + 1));
    // [-2, -1], no zero in it: the doubles of [1, 2], each counted once.
    let p = policy(
        r#"{"NumericGreaterThanEquals":{"sts:DurationSeconds":"-2"},"NumericLessThanEquals":{"sts:DurationSeconds":"-1"}}"#,
    );
    let who = Analyzer::default().who(&p).unwrap();
    let seg = &who.principals[0].admitted[0].segments[0];
    let between = u128::from(2.0f64.to_bits() - 1.0f64.to_bits()) + 1;
    assert_eq!(seg.count, rolecall_analyze::Count::Finite(between));
    // Past the ISO range (9999-12-31T23:59:59.999999999-23:59), instants are whole epoch
    // seconds: ten of them.
    let p = policy(
        r#"{"DateGreaterThanEquals":{"aws:CurrentTime":"253402400000"},"DateLessThanEquals":{"aws:CurrentTime":"253402400009"}}"#,
    );
    let who = Analyzer::default().who(&p).unwrap();
    let seg = &who.principals[0].admitted[0].segments[0];
    assert_eq!(seg.count, rolecall_analyze::Count::Finite(10));
}

/// In an ARN pattern a wildcard of the resource (the sixth part) may cross
/// `:`; those of the other parts may not.
#[test]
fn arn_resource_wildcards_cross_colons() {
    let k = "aws:SourceArn";
    let like = |v: &str| format!(r#"{{"ArnLike":{{"{k}":"{v}"}}}}"#);
    // Every `b/*:*` resource is a `b/*` resource.
    assert!(new_access(&like("arn:aws:s3:::b/*:*"), &like("arn:aws:s3:::b/*")).is_none());
    let w = new_access(&like("arn:aws:s3:::b/*"), &like("arn:aws:s3:::b/*:*")).unwrap();
    assert!(!value_of(&w, k).unwrap()["arn:aws:s3:::b/".len()..].contains(':'));
    // The region (fourth part) does not take a `:` from its wildcard.
    let w = new_access(&like("arn:aws:s3:*::b"), &like("arn:aws:s3:us-east-1::b")).unwrap();
    assert_eq!(value_of(&w, k).unwrap().matches(':').count(), 5);
}
