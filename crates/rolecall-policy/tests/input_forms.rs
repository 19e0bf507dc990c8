//! The input forms `parse_document` accepts, and where positions point.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "integration-test code: helpers outside #[test] functions fail by panicking too"
)]

use rolecall_policy::{parse, parse_document, InputForm, ParserBuilder};

const POLICY: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringLike":{"token.actions.githubusercontent.com:sub":"repo:octo-org/*"}}}]}"#;

/// Percent-encodes everything but unreserved characters, as the IAM API does.
fn url_encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                char::from(b).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[test]
fn raw_policy() {
    let doc = parse_document(POLICY).unwrap();
    assert_eq!(doc.form, InputForm::Policy);
    assert_eq!(doc.policy, parse(POLICY).unwrap());
    assert_eq!((doc.role_arn, doc.policy_text), (None, None));
}

#[test]
fn url_encoded_policy() {
    let encoded = url_encode(POLICY);
    assert!(encoded.starts_with("%7B%22Version"));
    let doc = parse_document(format!("  {encoded}\n")).unwrap();
    assert_eq!(doc.form, InputForm::UrlEncoded);
    assert_eq!(doc.policy, parse(POLICY).unwrap());
    assert_eq!(doc.policy_text.as_deref(), Some(POLICY));
    // Lower-case hex digits work too.
    let mut lower = String::new();
    let mut hex_left = 0;
    for c in encoded.chars() {
        if c == '%' {
            hex_left = 2;
            lower.push(c);
        } else if hex_left > 0 {
            hex_left -= 1;
            lower.push(c.to_ascii_lowercase());
        } else {
            lower.push(c);
        }
    }
    assert!(lower.starts_with("%7b%22Version"));
    assert_eq!(parse_document(lower).unwrap().policy, doc.policy);
}

#[test]
fn url_encoded_errors_point_into_the_decoded_text() {
    let bad = POLICY.replace("\"Effect\"", "\"Efect\"");
    let e = parse_document(url_encode(&bad)).unwrap_err();
    assert_eq!(e.code(), "unknown-member");
    assert_eq!(e.offset(), bad.find("\"Efect\"").unwrap());
    assert_eq!(e.context(), Some("decoded text: statement 0"));
    // A malformed escape is reported in the encoded text.
    let e = parse_document("%7B%22Statement%22%3A%5B%5D%7").unwrap_err();
    assert_eq!(
        (e.code(), e.offset(), e.column()),
        ("invalid-percent-encoding", 27, 28)
    );
    let e = parse_document("%7B%zz").unwrap_err();
    assert_eq!((e.code(), e.offset()), ("invalid-percent-encoding", 3));
}

fn get_role(document: &str) -> String {
    format!(
        r#"{{
    "Role": {{
        "Path": "/",
        "RoleName": "deploy",
        "RoleId": "AROAEXAMPLE",
        "Arn": "arn:aws:iam::111122223333:role/deploy",
        "CreateDate": "2024-01-01T00:00:00+00:00",
        "AssumeRolePolicyDocument": {document},
        "Description": "d\u00e9ploiement \ud83d\ude80 \u4e2d",
        "MaxSessionDuration": 3600,
        "Tags": [{{"Key": "team", "Value": "ünïcødé ✓"}}],
        "RoleLastUsed": {{}}
    }}
}}
"#
    )
}

#[test]
fn get_role_with_object() {
    let pretty =
        serde_json::to_string_pretty(&serde_json::from_str::<serde_json::Value>(POLICY).unwrap())
            .unwrap()
            .replace('\n', "\n        ");
    let input = get_role(&pretty);
    let doc = parse_document(&input).unwrap();
    assert_eq!(doc.form, InputForm::GetRole);
    assert_eq!(doc.policy, parse(POLICY).unwrap());
    assert_eq!(
        doc.role_arn.as_deref(),
        Some("arn:aws:iam::111122223333:role/deploy")
    );
    assert_eq!(doc.role_name.as_deref(), Some("deploy"));
    assert_eq!(doc.policy_text, None);
    // Spans point into the original file.
    let action = doc.policy.statements()[0].action.as_ref().unwrap();
    assert_eq!(
        &input[action.span.range()],
        "\"sts:AssumeRoleWithWebIdentity\""
    );
    let line = input[..action.span.start].matches('\n').count() + 1;
    assert_eq!(action.span.line as usize, line);
    assert_eq!(doc.policy.span.line, 8);
    assert_eq!(doc.policy.span.column, 37);
    // The wrapper's other fields may hold any characters; the policy may not.
    let bad = get_role(&pretty.replace("sts:AssumeRoleWithWebIdentity", "sts:✓"));
    let e = parse_document(&bad).unwrap_err();
    assert_eq!(e.code(), "disallowed-character");
    assert_eq!(e.offset(), bad.find('✓').unwrap());
    assert_eq!(
        e.line() as usize,
        bad[..e.offset()].matches('\n').count() + 1
    );
    // The policy inside is read strictly: duplicates are errors.
    let dup = get_role(r#"{"Statement": [], "Statement": []}"#);
    let e = parse_document(&dup).unwrap_err();
    assert_eq!((e.code(), e.line(), e.column()), ("duplicate-key", 8, 55));
}

#[test]
fn get_role_with_encoded_string() {
    let input = get_role(&format!("\"{}\"", url_encode(POLICY)));
    let doc = parse_document(&input).unwrap();
    assert_eq!(doc.form, InputForm::GetRoleUrlEncoded);
    assert_eq!(doc.policy, parse(POLICY).unwrap());
    assert_eq!(doc.policy_text.as_deref(), Some(POLICY));
    assert_eq!(doc.role_name.as_deref(), Some("deploy"));
}

#[test]
fn get_role_with_json_string() {
    let input = get_role(&serde_json::to_string(POLICY).unwrap());
    let doc = parse_document(&input).unwrap();
    assert_eq!(doc.form, InputForm::GetRoleJsonString);
    assert_eq!(doc.policy, parse(POLICY).unwrap());
}

#[test]
fn get_role_problems() {
    let e = parse_document(r#"{"Role": {"Arn": "x"}}"#).unwrap_err();
    assert_eq!((e.code(), e.column()), ("missing-member", 10));
    let e = parse_document(r#"{"Role": {"AssumeRolePolicyDocument": 5}}"#).unwrap_err();
    assert_eq!((e.code(), e.column()), ("wrong-type", 39));
    let e = parse_document(r#"{"Role": {"AssumeRolePolicyDocument": {"Statement": []}, "AssumeRolePolicyDocument": {"Statement": []}}}"#).unwrap_err();
    assert_eq!((e.code(), e.column()), ("duplicate-key", 58));
    let e = parse_document(r#"{"Role": []}"#).unwrap_err();
    assert_eq!(e.code(), "wrong-type");
    // The limits apply to the whole input.
    let parser = ParserBuilder::new().max_input_bytes(100).build();
    let e = parser
        .parse_document(get_role(POLICY).as_bytes())
        .unwrap_err();
    assert_eq!(e.code(), "input-too-large");
}
