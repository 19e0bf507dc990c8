//! Positions on lines that hold non-ASCII chars, tabs and CR LF line ends:
//! columns count chars, not bytes, on the line of the char and after it,
//! for policies, their errors and a policy inside `aws iam get-role` output.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "integration-test code: helpers outside #[test] functions fail by panicking too"
)]

use rolecall_policy::{parse, parse_document, InputForm, Policy, Principal, Span};

/// Line and column of `offset`, counted from the start of `text`.
fn reference(text: &str, offset: usize) -> (u32, u32) {
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().unwrap().chars().count() + 1;
    (line as u32, column as u32)
}

/// `span` starts where `needle` is first found, at `(line, column)`, and
/// the reference count agrees.
#[track_caller]
fn at(text: &str, span: Span, needle: &str, line: u32, column: u32) {
    let offset = text.find(needle).expect("needle in text");
    assert_eq!(span.start, offset, "start of {needle:?}");
    assert_eq!((span.line, span.column), (line, column), "{needle:?}");
    assert_eq!(
        reference(text, offset),
        (line, column),
        "reference for {needle:?}"
    );
}

fn federated_value(policy: &Policy) -> Span {
    let Some(principal) = &policy.statements()[0].principal else {
        panic!("no principal")
    };
    let Principal::Map(entries) = &principal.node else {
        panic!("not entries: {principal:?}")
    };
    entries[0].values.span
}

#[test]
fn tokens_after_latin1_on_the_same_line() {
    // `é` and `ü` are two bytes each: after them byte offsets and columns
    // part.
    let text =
        r#"{"Statement": [{"Sid": "Caféü", "Effect": "Allow", "Action": "sts:AssumeRole"}]}"#;
    let policy = parse(text).unwrap();
    let st = &policy.statements()[0];
    at(text, st.sid.as_ref().unwrap().span, "\"Caf", 1, 24);
    at(text, st.effect.as_ref().unwrap().span, "\"Allow", 1, 43);
    at(text, st.action.as_ref().unwrap().span, "\"sts", 1, 62);
}

#[test]
fn tokens_on_the_lines_after_latin1() {
    let text = "{\"Statement\": {\"Sid\": \"d\u{e9}j\u{e0}\",\n\t\"Effect\": \"Allow\",\r\n  \"Action\":\t\"sts:AssumeRole\"}}";
    let policy = parse(text).unwrap();
    let st = &policy.statements()[0];
    at(text, st.sid.as_ref().unwrap().span, "\"d", 1, 23);
    // A tab is one column.
    at(text, st.effect.as_ref().unwrap().span, "\"Allow", 2, 12);
    // The CR before the LF ends line 2, not line 3.
    at(text, st.action.as_ref().unwrap().span, "\"sts", 3, 13);
}

#[test]
fn errors_after_latin1_on_the_same_line() {
    let text = r#"{"Statement": [{"Sid": "ÿé", "Effect": "Allow" "Action": "x"}]}"#;
    let e = parse(text).unwrap_err();
    assert_eq!(e.code(), "unexpected-character");
    assert_eq!(e.offset(), text.find("\"Action").unwrap());
    assert_eq!((e.line(), e.column()), (1, 48));

    // A disallowed char after allowed non-ASCII ones in the same string.
    let text = "{\"Statement\": [{\"Sid\": \"\u{e9}\u{e9}\u{20ac}\"}]}";
    let e = parse(text).unwrap_err();
    assert_eq!(e.code(), "disallowed-character");
    assert_eq!((e.line(), e.column()), (1, 27));

    // The next line counts from its own start.
    let text = "{\"Id\": \"\u{e9}\",\n  \"Statement\": [], \"Id\": \"x\"}";
    let e = parse(text).unwrap_err();
    assert_eq!(e.code(), "duplicate-key");
    assert_eq!((e.line(), e.column()), (2, 20));
}

#[test]
fn a_policy_inside_get_role_output_after_other_non_ascii_fields() {
    // The wrapper is read loosely (any chars: a 3-byte `€`, a 4-byte
    // emoji, a CJK char), then the policy strictly where it sits; all on
    // one line, so the policy's columns depend on every char before it.
    let text = concat!(
        r#"{"Role": {"Description": "€ 🚀 中 Rôle", "RoleName": "r", "#,
        r#""AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": "#,
        r#"[{"Effect": "Allow", "Principal": {"Federated": "arn:aws:iam::1:oidc-provider/x"}, "#,
        r#""Action": "sts:AssumeRoleWithWebIdentity"}]}}}"#
    );
    let doc = parse_document(text).unwrap();
    assert_eq!(doc.form, InputForm::GetRole);
    assert_eq!(doc.role_name.as_deref(), Some("r"));
    let policy = &doc.policy;
    at(text, policy.span, "{\"Version", 1, 85);
    at(text, policy.version.as_ref().unwrap().span, "\"2012", 1, 97);
    at(
        text,
        policy.statements()[0].effect.as_ref().unwrap().span,
        "\"Allow",
        1,
        136,
    );
    at(text, federated_value(policy), "\"arn:", 1, 172);

    // An error in the policy is placed the same way.
    let bad = text.replace("\"Allow\"", "\"Allow\" \"x\"");
    let e = parse_document(&bad).unwrap_err();
    assert_eq!(e.code(), "unexpected-character");
    assert_eq!(e.offset(), bad.find("\"x\"").unwrap());
    assert_eq!((e.line(), e.column()), (1, 144));
    assert_eq!(reference(&bad, e.offset()), (1, 144));
}

#[test]
fn a_policy_inside_get_role_output_on_later_lines() {
    let text = "{\"Role\": {\"Description\": \"\u{20ac}\u{e9}\",\r\n\t\"AssumeRolePolicyDocument\":\t{\"Statement\": {\"Sid\": \"\u{e9}\", \"Effect\": \"Allow\"}}}}";
    let doc = parse_document(text).unwrap();
    assert_eq!(doc.form, InputForm::GetRole);
    at(text, doc.policy.span, "{\"Statement", 2, 30);
    let st = &doc.policy.statements()[0];
    at(
        text,
        st.sid.as_ref().unwrap().span,
        "\"\u{e9}\", \"E",
        2,
        52,
    );
    at(text, st.effect.as_ref().unwrap().span, "\"Allow", 2, 67);
}
