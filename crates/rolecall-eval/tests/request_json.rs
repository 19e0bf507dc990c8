//! Reading requests from JSON: the strict shape of docs/DECISIONS.md R11.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "integration-test code: helpers outside #[test] functions fail by panicking too"
)]

use rolecall_eval::request::{ContextValue, Request, RequestError};

fn err(text: &str) -> (usize, usize, String) {
    match Request::from_json(text).unwrap_err() {
        RequestError::Json {
            line,
            column,
            message,
        } => (line, column, message),
        other => panic!("expected a json error, got {other:?}"),
    }
}

#[test]
fn full_request_reads() {
    let req = Request::from_json(
        r#"{"principal":"P","action":"sts:TagSession",
            "context":{"a:b":"x","Multi":["1","2"],"One":["1"],"None":[]}}"#,
    )
    .unwrap();
    assert_eq!(req.principal(), "P");
    assert_eq!(req.action(), "sts:TagSession");
    let ctx = req.context();
    assert_eq!(ctx.len(), 4);
    assert_eq!(
        ctx.lookup("A:B").unwrap().value(),
        &ContextValue::Single("x".into())
    );
    assert_eq!(
        ctx.lookup("multi").unwrap().value(),
        &ContextValue::Multi(vec!["1".into(), "2".into()])
    );
    assert!(ctx.lookup("one").unwrap().value().is_multivalued());
    assert_eq!(
        ctx.lookup("none").unwrap().value(),
        &ContextValue::Multi(vec![])
    );
}

#[test]
fn context_is_optional() {
    let req = Request::from_json(r#"{"principal":"P","action":"A"}"#).unwrap();
    assert!(req.context().is_empty());
}

#[test]
fn unknown_field_is_refused_with_position() {
    let (line, column, message) = err("{\"principal\":\"P\",\n\"action\":\"A\",\n\"extra\":1}");
    assert_eq!(line, 3);
    assert!(column > 0);
    assert!(message.contains("unknown field `extra`"), "{message}");
}

#[test]
fn duplicate_field_is_refused() {
    let (_, _, message) = err(r#"{"principal":"P","principal":"Q","action":"A"}"#);
    assert!(message.contains("duplicate field `principal`"), "{message}");
}

#[test]
fn duplicate_context_keys_are_refused_exact_and_folded() {
    let (_, _, m1) = err(r#"{"principal":"P","action":"A","context":{"k":"1","k":"2"}}"#);
    assert!(m1.contains("duplicate context key `k`"), "{m1}");
    let (line, _, m2) = err("{\"principal\":\"P\",\"action\":\"A\",\"context\":{\"GH:sub\":\"1\",\n\"gh:SUB\":[\"2\"]}}");
    assert_eq!(line, 2);
    assert_eq!(
        m2,
        "duplicate context key `gh:SUB`: equal ignoring case to `GH:sub`"
    );
}

#[test]
fn wrong_types_are_refused() {
    for bad in [
        r#"{"principal":"P","action":"A","context":{"k":1}}"#,
        r#"{"principal":"P","action":"A","context":{"k":true}}"#,
        r#"{"principal":"P","action":"A","context":{"k":null}}"#,
        r#"{"principal":"P","action":"A","context":{"k":[1]}}"#,
        r#"{"principal":"P","action":"A","context":{"k":{"a":"b"}}}"#,
        r#"{"principal":"P","action":"A","context":["k"]}"#,
        r#"{"principal":1,"action":"A"}"#,
        r#"{"action":"A"}"#,
        r#"{"principal":"P","action":"A"} x"#,
    ] {
        assert!(Request::from_json(bad).is_err(), "{bad}");
    }
}

/// A request JSON error says what was expected where (R11: a context is
/// an object whose values are a string or an array of strings).
#[test]
fn request_json_errors_say_what_was_expected() {
    use rolecall_eval::request::RequestError;
    let message = |text: &str| match Request::from_json(text) {
        Err(RequestError::Json { message, .. }) => message,
        other => panic!("expected a json error, got {other:?}"),
    };
    let m = message(r#"{"principal":"P","action":"A","context":{"k":1}}"#);
    assert!(
        m.contains("expected a string or an array of strings"),
        "{m}"
    );
    let m = message(r#"{"principal":"P","action":"A","context":["k"]}"#);
    assert!(m.contains("expected an object of condition keys"), "{m}");
}
