//! What the parser refuses, and exactly where it says the problem is
//! (docs/DECISIONS.md R1 items 1 to 7); and what it must accept although IAM
//! would refuse it at write time (validation's job).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "integration-test code: helpers outside #[test] functions fail by panicking too"
)]

use rolecall_policy::grammar::operator::OperatorError;
use rolecall_policy::{
    parse, ConditionValue, Effect, OneOrMany, ParseError, ParseErrorKind, ParserBuilder, Principal,
};

/// Parses `input`, expecting an error with `code` at `line:column`.
#[track_caller]
fn fails(input: impl AsRef<[u8]>, code: &str, line: u32, column: u32) -> ParseError {
    let err = match parse(input.as_ref()) {
        Ok(p) => panic!("expected `{code}`, parsed: {p:?}"),
        Err(e) => e,
    };
    assert_eq!(
        (err.code(), err.line(), err.column()),
        (code, line, column),
        "error was: {err}"
    );
    err
}

#[test]
fn not_json() {
    let e = fails("hello", "unexpected-character", 1, 1);
    assert_eq!(e.offset(), 0);
    fails("{\"Statement\": [}", "unexpected-character", 1, 16);
    fails("{\"Statement\": [],}", "unexpected-character", 1, 18);
    fails("{'Statement': []}", "unexpected-character", 1, 2);
    fails("{\"Statement\": [] ", "unexpected-end", 1, 18);
    fails("{\"Statement\": tru}", "unexpected-character", 1, 15);
    fails("{\"Statement\": 01}", "unexpected-character", 1, 16);
    fails("{\"Statement\": -}", "invalid-number", 1, 15);
    fails("{\"Statement\": \"abc}", "unexpected-end", 1, 15);
    fails("{\"Statement\": \"a\\x\"}", "invalid-escape", 1, 17);
    fails("{\"Statement\": \"a\\u12G4\"}", "invalid-escape", 1, 17);
    fails(
        "{\"Statement\": \"a\tb\"}",
        "control-character-in-string",
        1,
        17,
    );
}

#[test]
fn trailing_garbage() {
    let e = fails("{\"Statement\": []} x", "trailing-characters", 1, 19);
    assert_eq!(e.offset(), 18);
    fails("{\"Statement\": []}\n\n  {}", "trailing-characters", 3, 3);
}

#[test]
fn empty_input() {
    fails("", "empty-input", 1, 1);
    fails("  \n ", "empty-input", 2, 2);
}

#[test]
fn not_an_object() {
    let e = fails("[]", "not-an-object", 1, 1);
    assert_eq!(
        e.to_string(),
        "line 1, column 1: a policy must be a JSON object, found an array"
    );
    fails(" \"x\"", "not-an-object", 1, 2);
}

#[test]
fn over_the_default_size_limit() {
    // A valid policy padded to 2 MiB with whitespace: refused before reading.
    let mut doc = br#"{"Statement": []}"#.to_vec();
    doc.resize(2 << 20, b' ');
    let e = fails(&doc, "input-too-large", 1, 1);
    assert_eq!(
        e.kind(),
        &ParseErrorKind::InputTooLarge {
            size: 2 << 20,
            limit: 1 << 20
        }
    );
    // Just under the limit it parses.
    doc.truncate(1 << 20);
    assert!(parse(&doc).is_ok());
}

#[test]
fn ten_thousand_nested_arrays_are_an_error_not_a_stack_overflow() {
    let doc = "[".repeat(10_000);
    // The 33rd bracket (offset 32) would be the 33rd open container.
    let e = fails(&doc, "too-deep", 1, 33);
    assert_eq!(e.offset(), 32);
    let doc = "{\"a\":".repeat(10_000);
    fails(&doc, "too-deep", 1, 32 * 5 + 1);
    // Even a builder asking for more stays below the ceiling.
    let parser = ParserBuilder::new().max_depth(usize::MAX).build();
    let doc = "[".repeat(100_000);
    let e = parser.parse(doc.as_bytes()).unwrap_err();
    assert_eq!((e.code(), e.offset()), ("too-deep", 256));
}

#[test]
fn string_length_limit() {
    // `Statement` itself is 9 bytes long.
    let parser = ParserBuilder::new().max_string_len(9).build();
    let doc = br#"{"Id": "1234567890", "Statement": []}"#;
    let e = parser.parse(doc).unwrap_err();
    assert_eq!((e.code(), e.line(), e.column()), ("string-too-long", 1, 8));
    assert!(parser
        .parse(br#"{"Id": "123456789", "Statement": []}"#)
        .is_ok());
    // The limit is on the decoded string: 9 escapes of 6 bytes each are fine.
    let doc =
        r#"{"Id": "\u0041\u0041\u0041\u0041\u0041\u0041\u0041\u0041\u0041", "Statement": []}"#;
    assert!(parser.parse(doc.as_bytes()).is_ok());
    // On a line with non-ASCII text the column is counted in chars, and the
    // error points back at the opening quote, before the chars counted.
    let doc = r#"{"Sid": "é", "Id": "éééééééééé", "Statement": []}"#;
    let e = parser.parse(doc.as_bytes()).unwrap_err();
    assert_eq!((e.code(), e.line(), e.column()), ("string-too-long", 1, 20));
    let doc = "{\"Sid\": \"x\",\n \"Id\": \"é1234567890\", \"Statement\": []}";
    let e = parser.parse(doc.as_bytes()).unwrap_err();
    assert_eq!((e.code(), e.line(), e.column()), ("string-too-long", 2, 8));
}

#[test]
fn invalid_utf8() {
    let e = fails(b"{\"Statement\":\n [\"\xff\"]}", "invalid-utf8", 2, 4);
    assert_eq!(e.offset(), 17);
}

#[test]
fn nul_byte_raw_and_escaped() {
    let e = fails(
        b"{\"Id\": \"a\0b\", \"Statement\": []}",
        "disallowed-character",
        1,
        10,
    );
    assert_eq!(e.kind(), &ParseErrorKind::DisallowedCharacter { ch: '\0' });
    fails(b"\0{\"Statement\": []}", "disallowed-character", 1, 1);
    fails(b"{\"Statement\": []}\0", "disallowed-character", 1, 18);
    // `\u0000` decodes to a NUL, refused like the raw byte (R1 item 2).
    fails(
        br#"{"Id": "a\u0000", "Statement": []}"#,
        "disallowed-character",
        1,
        10,
    );
    // So are the `\b` and `\f` escapes (U+0008, U+000C).
    fails(
        br#"{"Id": "\b", "Statement": []}"#,
        "disallowed-character",
        1,
        9,
    );
}

#[test]
fn allowed_characters() {
    // TAB, LF, CR and U+0020..=U+00FF, raw or escaped, are fine.
    let p =
        parse("{\"Id\": \"caf\u{e9} \u{ff}\\t\\n\\r\\u00e9\",\r\n\t\"Statement\": []}").unwrap();
    assert_eq!(p.id.unwrap().node, "caf\u{e9} \u{ff}\t\n\r\u{e9}");
    // U+0101 is not; the column counts chars, not bytes.
    let e = fails(
        "{\"Id\": \"\u{e9}\u{e9}\u{101}\", \"Statement\": []}",
        "disallowed-character",
        1,
        11,
    );
    assert_eq!(e.offset(), 12);
    assert_eq!(
        e.kind(),
        &ParseErrorKind::DisallowedCharacter { ch: '\u{101}' }
    );
    // A surrogate pair decodes to a char above U+FFFF: refused.
    fails(
        r#"{"Id": "\ud83d\ude00", "Statement": []}"#,
        "disallowed-character",
        1,
        9,
    );
    // A byte-order mark is U+FEFF.
    fails("\u{feff}{\"Statement\": []}", "disallowed-character", 1, 1);
}

#[test]
fn unpaired_surrogates() {
    let e = fails(
        r#"{"Id": "\ud83d", "Statement": []}"#,
        "unpaired-surrogate",
        1,
        9,
    );
    assert_eq!(
        e.kind(),
        &ParseErrorKind::UnpairedSurrogate { code: 0xD83D }
    );
    fails(
        r#"{"Id": "\ude00", "Statement": []}"#,
        "unpaired-surrogate",
        1,
        9,
    );
    fails(
        r#"{"Id": "\ud83d\u0041", "Statement": []}"#,
        "unpaired-surrogate",
        1,
        9,
    );
}

#[test]
fn numbers_as_serde_json_reads_them() {
    let value = |text: &str| {
        let doc =
            format!(r#"{{"Statement": {{"Condition": {{"NumericEquals": {{"k": {text}}}}}}}}}"#);
        let p = parse(&doc).unwrap();
        let cond = p.statements()[0].condition.clone().unwrap();
        let v = cond.node.blocks[0].entries[0].values.node.clone();
        match v {
            OneOrMany::One(v) => v.node,
            OneOrMany::Many(_) => panic!(),
        }
    };
    for text in [
        "0",
        "-0",
        "12",
        "-12",
        "1.50",
        "1e3",
        "18446744073709551616",
        "-1.5E-7",
    ] {
        let expected = rolecall_policy::Number::from_json(text).unwrap();
        assert_eq!(value(text), ConditionValue::Number(expected), "{text}");
    }
    assert_eq!(value("1.50").text(), "1.5");
    let e = fails(
        r#"{"Statement": {"Condition": {"NumericEquals": {"k": 1e400}}}}"#,
        "number-out-of-range",
        1,
        53,
    );
    assert!(e.to_string().contains("`1e400`"), "{e}");
}

#[test]
fn two_effect_keys() {
    let doc =
        "{\n  \"Statement\": [{\n    \"Effect\": \"Allow\",\n      \"Effect\": \"Deny\"\n  }]\n}";
    let e = fails(doc, "duplicate-key", 4, 7);
    assert_eq!(
        e.to_string(),
        "line 4, column 7: statement 0: duplicate member `Effect` (first at line 3, column 5)"
    );
    assert_eq!(e.context(), Some("statement 0"));
    fails(
        r#"{"Statement": [], "Version": "2012-10-17", "Statement": []}"#,
        "duplicate-key",
        1,
        44,
    );
    fails(
        r#"{"Statement": {"Principal": {"AWS": "1", "AWS": "2"}}}"#,
        "duplicate-key",
        1,
        42,
    );
}

#[test]
fn two_string_equals_blocks() {
    // The govuk-infrastructure case: the second block would silently replace
    // the first `sub` check under last-wins.
    let doc = concat!(
        "{\"Statement\": [{}, {\"Condition\": {\n",
        "  \"StringEquals\": {\"a:sub\": \"x\"},\n",
        "  \"StringEquals\": {\"a:aud\": \"y\"}\n",
        "}}]}"
    );
    let e = fails(doc, "duplicate-key", 3, 3);
    assert_eq!(
        e.to_string(),
        "line 3, column 3: statement 1: duplicate member `StringEquals` (first at line 2, column 3)"
    );
}

#[test]
fn condition_keys_differing_only_in_case() {
    let doc = r#"{"Statement": {"Condition": {"StringLike": {"aws:SourceIp": "a", "AWS:sourceip": "b"}}}}"#;
    let e = fails(doc, "duplicate-condition-key", 1, 66);
    assert_eq!(
        e.to_string(),
        "line 1, column 66: statement 0: `StringLike`: duplicate condition key `AWS:sourceip`: \
         equal ignoring case to `aws:SourceIp` (first at line 1, column 45)"
    );
    // Exactly equal keys are plain duplicates.
    let doc = r#"{"Statement": {"Condition": {"StringLike": {"k": "a", "k": "b"}}}}"#;
    fails(doc, "duplicate-key", 1, 55);
    // Folding is Unicode lower-casing (R6), not just ASCII.
    let doc = "{\"Statement\": {\"Condition\": {\"Null\": {\"\u{c9}\": \"true\", \"\u{e9}\": \"true\"}}}}";
    fails(doc, "duplicate-condition-key", 1, 52);
}

#[test]
fn duplicate_condition_keys_in_a_huge_block() {
    // Past the linear-scan threshold the hash map must find the duplicate,
    // wherever it is.
    let mut keys: Vec<String> = (0..20_000).map(|i| format!("\"k:{i}\": \"v\"")).collect();
    let body = keys.join(",");
    let doc = format!(r#"{{"Statement": {{"Condition": {{"StringEquals": {{{body}}}}}}}}}"#);
    let p = parse(&doc).unwrap();
    assert_eq!(
        p.statements()[0].condition.as_ref().unwrap().blocks[0]
            .entries
            .len(),
        20_000
    );
    keys.push("\"K:17\": \"w\"".to_owned());
    let body = keys.join(",");
    let doc = format!(r#"{{"Statement": {{"Condition": {{"StringEquals": {{{body}}}}}}}}}"#);
    let e = parse(&doc).unwrap_err();
    assert_eq!(e.code(), "duplicate-condition-key");
    assert_eq!(e.offset(), doc.find("\"K:17\"").unwrap());
    match e.kind() {
        ParseErrorKind::DuplicateConditionKey { first, .. } => assert_eq!(first, "k:17"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn effect_allow_lowercase_parses_as_other() {
    let p = parse(r#"{"Statement": {"Effect": "allow"}}"#).unwrap();
    assert_eq!(
        p.statements()[0].effect.as_ref().unwrap().node,
        Effect::Other("allow".to_owned())
    );
    let p = parse(r#"{"Version": "2012-10-18", "Statement": []}"#).unwrap();
    assert_eq!(p.version.unwrap().node.as_str(), "2012-10-18");
    assert_eq!(
        parse(r#"{"Version": "2012-10-18", "Statement": []}"#)
            .unwrap()
            .language_version(),
        None
    );
}

#[test]
fn misspelled_operators_name_the_closest() {
    for name in ["StringEqual", "stringequals"] {
        let doc = format!(r#"{{"Statement": {{"Condition": {{"{name}": {{}}}}}}}}"#);
        let e = fails(&doc, "unknown-operator", 1, 30);
        match e.kind() {
            ParseErrorKind::Operator(OperatorError::Unknown {
                name: n,
                suggestion,
            }) => {
                assert_eq!(n, name);
                assert_eq!(suggestion.as_deref(), Some("StringEquals"), "{e}");
            }
            other => panic!("{other:?}"),
        }
        assert!(
            e.to_string().ends_with(&format!(
                "unknown condition operator `{name}`: did you mean `StringEquals`?"
            )),
            "{e}"
        );
    }
}

#[test]
fn operator_errors_are_the_error_source() {
    use std::error::Error as _;
    let e = fails(
        r#"{"Statement": {"Condition": {"StringEqual": {}}}}"#,
        "unknown-operator",
        1,
        30,
    );
    let ParseErrorKind::Operator(operator_error) = e.kind() else {
        panic!("{e:?}");
    };
    let source = e.source().expect("an operator error is the source");
    assert_eq!(source.to_string(), operator_error.to_string());
    // Other kinds have no underlying error.
    assert!(fails("{", "unexpected-end", 1, 2).source().is_none());
}

#[test]
fn messages_name_characters_by_code_point() {
    // A printable character is shown and numbered; a control or whitespace
    // character, which would be invisible, only numbered.
    for (ch, name) in [
        ('x', "`x` (U+0078)"),
        ('\u{e9}', "`\u{e9}` (U+00E9)"),
        ('\u{1}', "U+0001"),
        ('\t', "U+0009"),
        ('\u{a0}', "U+00A0"),
    ] {
        let kind = ParseErrorKind::UnexpectedCharacter {
            found: ch,
            expected: "a value",
        };
        assert_eq!(kind.to_string(), format!("expected a value, found {name}"));
    }
    let e = fails("{\"Statement\": x}", "unexpected-character", 1, 15);
    assert!(e.to_string().ends_with("found `x` (U+0078)"), "{e}");
}

#[test]
fn null_if_exists_is_an_error() {
    let e = fails(
        r#"{"Statement": {"Condition": {"NullIfExists": {"k": "true"}}}}"#,
        "null-if-exists",
        1,
        30,
    );
    assert_eq!(
        e.kind(),
        &ParseErrorKind::Operator(OperatorError::NullIfExists)
    );
}

#[test]
fn numbers_and_booleans_are_condition_values() {
    let p = parse(
        r#"{"Statement": {"Condition": {
            "NumericLessThan": {"k": 10},
            "Bool": {"b": [true, "false", 1.5]}}}}"#,
    )
    .unwrap();
    let cond = &p.statements()[0].condition.as_ref().unwrap().blocks;
    assert_eq!(
        cond[0].entries[0].values.node,
        OneOrMany::One(rolecall_policy::Spanned::synthetic(ConditionValue::Number(
            10.into()
        )))
    );
    let values: Vec<_> = cond[1].entries[0]
        .values
        .iter()
        .map(|v| v.text().into_owned())
        .collect();
    assert_eq!(values, ["true", "false", "1.5"]);
    assert_eq!(
        cond[1].entries[0].values.as_slice()[0].node,
        ConditionValue::Bool(true)
    );
}

#[test]
fn write_time_problems_still_parse() {
    let p = parse(r#"{"Statement": []}"#).unwrap();
    assert_eq!(p.statement.node, OneOrMany::Many(vec![]));
    let p = parse(r#"{"Statement": {"NotPrincipal": "*", "Resource": ["arn:aws:s3:::b"], "NotResource": "x"}}"#)
        .unwrap();
    let st = &p.statements()[0];
    assert_eq!(st.not_principal.as_ref().unwrap().node, Principal::Wildcard);
    assert_eq!(st.resource.as_ref().unwrap().len(), 1);
    assert!(st.not_resource.is_some() && st.principal.is_none());
}

#[test]
fn unknown_members_are_case_sensitive() {
    let e = fails(r#"{"statement": []}"#, "unknown-member", 1, 2);
    assert_eq!(
        e.to_string(),
        "line 1, column 2: unknown member `statement`: did you mean `Statement`? (names are case-sensitive)"
    );
    let e = fails(
        r#"{"Statement": [{"Effect": "Allow", "Condtion": {}}]}"#,
        "unknown-member",
        1,
        36,
    );
    assert!(
        e.to_string().contains("expected one of `Sid`, `Effect`"),
        "{e}"
    );
    fails(
        r#"{"Statement": {"Principal": {"aws": "*"}}}"#,
        "unknown-member",
        1,
        30,
    );
}

#[test]
fn missing_statement() {
    let e = fails(r#"{"Version": "2012-10-17"}"#, "missing-member", 1, 1);
    assert_eq!(
        e.kind(),
        &ParseErrorKind::MissingMember { name: "Statement" }
    );
}

#[test]
fn principal_string_must_be_star() {
    fails(
        r#"{"Statement": {"Principal": "foo"}}"#,
        "invalid-principal",
        1,
        29,
    );
    fails(
        r#"{"Statement": {"Principal": ["*"]}}"#,
        "wrong-type",
        1,
        29,
    );
}

#[test]
fn wrong_types_and_null() {
    let e = fails(r#"{"Statement": {"Effect": null}}"#, "wrong-type", 1, 26);
    assert_eq!(
        e.to_string(),
        "line 1, column 26: statement 0: `Effect` must be a string, found `null`"
    );
    fails(r#"{"Statement": "x"}"#, "wrong-type", 1, 15);
    fails(r#"{"Statement": [{}, 1]}"#, "wrong-type", 1, 20);
    fails(r#"{"Version": 2012, "Statement": []}"#, "wrong-type", 1, 13);
    fails(
        r#"{"Statement": {"Action": ["sts:AssumeRole", 7]}}"#,
        "wrong-type",
        1,
        45,
    );
    fails(
        r#"{"Statement": {"Principal": {"AWS": [null]}}}"#,
        "wrong-type",
        1,
        38,
    );
    fails(r#"{"Statement": {"Condition": []}}"#, "wrong-type", 1, 29);
    fails(
        r#"{"Statement": {"Condition": {"Bool": true}}}"#,
        "wrong-type",
        1,
        38,
    );
    let e = fails(
        r#"{"Statement": {"Condition": {"Bool": {"k": [[true]]}}}}"#,
        "wrong-type",
        1,
        45,
    );
    assert!(
        e.to_string()
            .contains("`Bool`: `k[0]` must be a string, number or boolean, found an array"),
        "{e}"
    );
    fails(
        r#"{"Statement": {"Condition": {"Bool": {"k": {}}}}}"#,
        "wrong-type",
        1,
        44,
    );
    fails(
        r#"{"Statement": {"Condition": {"Bool": {"k": null}}}}"#,
        "wrong-type",
        1,
        44,
    );
}

#[test]
fn one_mebibyte_single_line_stays_fast() {
    // Columns are counted incrementally; recounting from the line start for
    // every token would make this quadratic (~10^10 steps).
    let stmt = r#"{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::111122223333:oidc-provider/x"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringLike":{"x:sub":"repo:é/*"}}}"#;
    let n = (1 << 20) / (stmt.len() + 1) - 1;
    let doc = format!(r#"{{"Statement":[{}]}}"#, vec![stmt; n].join(","));
    assert!(doc.len() <= 1 << 20);
    let start = std::time::Instant::now();
    let p = parse(&doc).unwrap();
    assert_eq!(p.statements().len(), n);
    let last = p.statements().last().unwrap();
    // The last statement's column counts the `é`s (2 bytes, 1 char) before it.
    assert_eq!(last.span.column as usize, last.span.start + 1 - (n - 1));
    assert!(start.elapsed().as_secs() < 5, "took {:?}", start.elapsed());
}
