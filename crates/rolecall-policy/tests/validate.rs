//! Write-time validation: one firing and one quiet case per rule, and the
//! docs/SEMANTICS.md §9 cases 84-87.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "integration-test code: helpers outside #[test] functions fail by panicking too"
)]

use rolecall_policy::validate::{refusals, validate, Diagnostic, DiagnosticLevel, FindingClass};

const GH: &str = "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com";

/// A one-statement policy: `extra` is spliced into the statement object.
fn stmt(extra: &str) -> String {
    format!(r#"{{"Version": "2012-10-17", "Statement": [{{{extra}}}]}}"#)
}

/// An otherwise valid GitHub statement with the given `Condition` JSON.
fn gh(condition: &str) -> String {
    stmt(&format!(
        r#""Effect": "Allow", "Principal": {{"Federated": "{GH}"}},
           "Action": "sts:AssumeRoleWithWebIdentity", "Condition": {condition}"#
    ))
}

/// A valid statement with a condition block `{op: {key: value}}`.
fn cond(op: &str, key: &str, value: &str) -> String {
    gh(&format!(
        r#"{{"StringEqualsIgnoreCase": {{"token.actions.githubusercontent.com:job_workflow_ref": "o/r/.github/workflows/ci.yml@refs/heads/main"}},
            "{op}": {{"{key}": {value}}}}}"#
    ))
}

fn findings(json: &str) -> Vec<Diagnostic> {
    let policy = rolecall_policy::parse(json).unwrap_or_else(|e| panic!("{e}\n{json}"));
    validate(&policy)
}

fn rules(json: &str) -> Vec<&'static str> {
    findings(json).iter().map(|f| f.rule).collect()
}

fn fires(json: &str, rule: &str) -> Diagnostic {
    let all = findings(json);
    all.iter()
        .find(|f| f.rule == rule)
        .cloned()
        .unwrap_or_else(|| panic!("{rule} did not fire; got {all:?}\n{json}"))
}

fn quiet(json: &str, rule: &str) {
    let all = findings(json);
    assert!(
        all.iter().all(|f| f.rule != rule),
        "{rule} fired: {all:?}\n{json}"
    );
}

#[test]
fn baseline_is_clean() {
    let ok = cond(
        "StringEquals",
        "token.actions.githubusercontent.com:aud",
        r#""sts.amazonaws.com""#,
    );
    assert_eq!(findings(&ok), vec![]);
}

#[test]
fn version() {
    let bad = r#"{"Version": "2012-10-18", "Statement": {"Effect": "Allow", "Principal": {"AWS": "111122223333"}, "Action": "sts:AssumeRole"}}"#;
    let f = fires(bad, "TPV-VERSION");
    assert_eq!(f.class, FindingClass::Refused);
    assert_eq!(f.level, DiagnosticLevel::Error);
    assert_eq!(&bad[f.span.range()], r#""2012-10-18""#);
    assert!(f.message.contains("`2012-10-18`"), "{}", f.message);
    quiet(&bad.replace("2012-10-18", "2008-10-17"), "TPV-VERSION");
    quiet(
        &bad.replace(r#""Version": "2012-10-18", "#, ""),
        "TPV-VERSION",
    );
}

#[test]
fn empty_statement() {
    let f = fires(
        r#"{"Version": "2012-10-17", "Statement": []}"#,
        "TPV-EMPTY-STATEMENT",
    );
    assert_eq!(f.class, FindingClass::Refused);
    quiet(&cond("Null", "aws:SourceIp", "true"), "TPV-EMPTY-STATEMENT");
}

#[test]
fn effect() {
    let base = gh("{}");
    let f = fires(
        &base.replace(r#""Effect": "Allow", "#, ""),
        "TPV-EFFECT-MISSING",
    );
    assert_eq!(f.class, FindingClass::Refused);
    let bad = base.replace(r#""Allow""#, r#""allow""#);
    let f = fires(&bad, "TPV-EFFECT-CASE");
    assert_eq!(&bad[f.span.range()], r#""allow""#);
    assert_eq!(f.hint.as_deref(), Some("write `Allow`"));
    fires(
        &base.replace(r#""Allow""#, r#""Permit""#),
        "TPV-EFFECT-INVALID",
    );
    for rule in [
        "TPV-EFFECT-MISSING",
        "TPV-EFFECT-CASE",
        "TPV-EFFECT-INVALID",
    ] {
        quiet(&base, rule);
        quiet(&base.replace(r#""Allow""#, r#""Deny""#), rule);
    }
}

#[test]
fn principal_and_not_principal() {
    let base = gh("{}");
    let no_principal = base.replace(&format!(r#""Principal": {{"Federated": "{GH}"}},"#), "");
    fires(&no_principal, "TPV-PRINCIPAL-MISSING");
    quiet(&base, "TPV-PRINCIPAL-MISSING");
    let not_principal = base.replace(r#""Principal""#, r#""NotPrincipal""#);
    let f = fires(&not_principal, "TP-NOTPRINCIPAL");
    assert_eq!(f.class, FindingClass::Refused);
    // `NotPrincipal` alone is reported once, as itself.
    quiet(&not_principal, "TPV-PRINCIPAL-MISSING");
    quiet(&base, "TP-NOTPRINCIPAL");
}

#[test]
fn action_presence() {
    let base = gh("{}");
    let both = base.replace(
        r#""Action": "sts:AssumeRoleWithWebIdentity""#,
        r#""Action": "sts:AssumeRoleWithWebIdentity", "NotAction": "sts:TagSession""#,
    );
    let f = fires(&both, "TPV-ACTION-AND-NOTACTION");
    assert_eq!(&both[f.span.range()], r#""sts:TagSession""#);
    quiet(&base, "TPV-ACTION-AND-NOTACTION");
    let neither = base.replace(r#""Action": "sts:AssumeRoleWithWebIdentity","#, "");
    fires(&neither, "TPV-ACTION-MISSING");
    quiet(&base, "TPV-ACTION-MISSING");
    quiet(
        &base.replace(r#""Action""#, r#""NotAction""#),
        "TPV-ACTION-MISSING",
    );
}

#[test]
fn resource_in_trust() {
    let base = gh("{}");
    for field in ["Resource", "NotResource"] {
        let bad = base.replace(
            r#""Effect": "Allow""#,
            &format!(r#""Effect": "Allow", "{field}": "*""#),
        );
        let f = fires(&bad, "TP-RESOURCE-IN-TRUST");
        assert_eq!(f.class, FindingClass::Refused);
        assert!(f
            .message
            .contains(&format!("has prohibited field `{field}`")));
    }
    quiet(&base, "TP-RESOURCE-IN-TRUST");
}

#[test]
fn trust_actions() {
    let with = |a: &str| gh("{}").replace(r#""sts:AssumeRoleWithWebIdentity""#, a);
    for good in [
        r#""*""#,
        r#""sts:AssumeRoleWithWebIdentity""#,
        r#""STS:assumerolewithwebidentity""#,
        r#"["sts:AssumeRoleWithWebIdentity", "sts:TagSession", "sts:SetSourceIdentity"]"#,
        r#""sts:*""#,
        r#""sts:Assume?ole*""#,
        r#""sts:*Role""#,
        r#"[]"#,
    ] {
        quiet(&with(good), "TPV-ACTION-NOT-STS");
    }
    for bad in [
        r#""s3:GetObject""#,
        r#""sts:TagSessions""#,
        r#""sts:GetCallerIdentity""#,
        r#""sts:*Foo""#,
        r#""st*:AssumeRole""#,
        r#""*:AssumeRole""#,
        r#""sts:AssumeRole:x""#,
        r#""stsAssumeRole""#,
        r#""sts:AssumeRoleWithWebIdentity ""#,
    ] {
        let json = with(bad);
        let f = fires(&json, "TPV-ACTION-NOT-STS");
        assert_eq!(&json[f.span.range()], bad);
        assert!(f
            .message
            .contains("AssumeRole policy may only specify STS AssumeRole actions"));
    }
}

#[test]
fn sids() {
    let two = |a: &str, b: &str| {
        format!(
            r#"{{"Version": "2012-10-17", "Statement": [
                {{"Sid": "{a}", "Effect": "Allow", "Principal": {{"AWS": "111122223333"}}, "Action": "sts:AssumeRole"}},
                {{"Sid": "{b}", "Effect": "Allow", "Principal": {{"AWS": "111122223333"}}, "Action": "sts:AssumeRole"}}]}}"#
        )
    };
    let json = two("A", "A");
    let dups: Vec<_> = findings(&json)
        .into_iter()
        .filter(|f| f.rule == "TPV-DUPLICATE-SID")
        .collect();
    assert_eq!(dups.len(), 1);
    // The second occurrence is reported.
    assert!(dups[0].span.start > json.find(r#""A""#).unwrap());
    quiet(&two("A", "a"), "TPV-DUPLICATE-SID");
    quiet(&two("", ""), "TPV-DUPLICATE-SID");

    fires(&two("Git-Hub", "B"), "TPV-SID-CHARS");
    fires(&two("A B", "B"), "TPV-SID-CHARS");
    quiet(&two("GitHub1", "B"), "TPV-SID-CHARS");

    let f = fires(&two("", "B"), "TPV-EMPTY-SID");
    assert_eq!(
        (f.class, f.level),
        (FindingClass::Advice, DiagnosticLevel::Info)
    );
    quiet(&two("A", "B"), "TPV-EMPTY-SID");
}

#[test]
fn federated_syntax() {
    let with = |v: &str| gh("{}").replace(GH, v);
    for bad in [
        "https://token.actions.githubusercontent.com",
        "localhost",
        "arn:aws:iam::111122223333:oidc-provider/",
        "arn:aws:iam::1111:oidc-provider/x.com",
        "*",
    ] {
        let json = with(bad);
        let f = fires(&json, "TPV-FEDERATED-SYNTAX");
        assert_eq!(f.class, FindingClass::Refused);
        assert_eq!(&json[f.span.range()], format!("\"{bad}\""));
        assert!(f
            .message
            .contains("federated principals must be valid domain names or SAML metadata ARNs"));
    }
    for good in [
        GH,
        "arn:aws:iam::111122223333:saml-provider/Okta",
        "cognito-identity.amazonaws.com",
        "example.com",
    ] {
        quiet(&with(good), "TPV-FEDERATED-SYNTAX");
    }
}

#[test]
fn variable_syntax() {
    let v12 = cond("StringLike", "aws:PrincipalTag/x", r#""${aws:username""#);
    let f = fires(&v12, "TPV-VARIABLE-SYNTAX");
    assert_eq!(f.class, FindingClass::Refused);
    assert_eq!(&v12[f.span.range()], r#""${aws:username""#);
    for bad in [r#""${}""#, r#""${a b}""#, r#""${a,'x'}""#] {
        fires(&cond("StringEquals", "aws:x", bad), "TPV-VARIABLE-SYNTAX");
        fires(
            &cond(
                "ArnLike",
                "aws:x",
                &bad.replacen('"', "\"arn:aws:iam::1:", 1),
            ),
            "TPV-VARIABLE-SYNTAX",
        );
    }
    quiet(
        &cond("StringEquals", "aws:x", r#""${aws:username, 'a b'}${*}""#),
        "TPV-VARIABLE-SYNTAX",
    );
    // Under 2008-10-17 `${` is literal text: not refused, but worth a warning.
    let v08 = v12.replace("2012-10-17", "2008-10-17");
    quiet(&v08, "TPV-VARIABLE-SYNTAX");
    let f = fires(&v08, "TPV-VARIABLE-IN-2008");
    assert_eq!(f.class, FindingClass::Advice);
    quiet(&v12, "TPV-VARIABLE-IN-2008");
    // The warning needs all of: 2008-10-17, an operator that would read
    // variables under 2012-10-17, and `${` in the value.
    let in_2008 =
        |op: &str, key: &str, value: &str| cond(op, key, value).replace("2012-10-17", "2008-10-17");
    quiet(
        &in_2008("StringEquals", "aws:x", r#""no variable""#),
        "TPV-VARIABLE-IN-2008",
    );
    quiet(
        &in_2008("NumericEquals", "aws:x", r#""${x}""#),
        "TPV-VARIABLE-IN-2008",
    );
    quiet(
        &cond("NumericEquals", "aws:x", r#""${x}""#),
        "TPV-VARIABLE-IN-2008",
    );
    fires(
        &in_2008("StringLike", "aws:x", r#""a${x}""#),
        "TPV-VARIABLE-IN-2008",
    );
    // Numeric, Date, IP and Binary operators never read variables.
    quiet(
        &cond("IpAddress", "aws:SourceIp", r#""${x""#),
        "TPV-VARIABLE-SYNTAX",
    );
}

#[test]
fn typed_values() {
    let cases = [
        (
            "NumericLessThan",
            "TPV-NUMERIC-VALUE",
            r#""1e3""#,
            r#"["10", 3, -1.5]"#,
        ),
        (
            "DateGreaterThan",
            "TPV-DATE-VALUE",
            r#""2024-02-30""#,
            r#"["2024-02-29T00:00:00Z", 1700000000]"#,
        ),
        (
            "IpAddress",
            "TPV-IP-VALUE",
            r#""10.0.0.0/33""#,
            r#"["10.0.0.0/8", "2001:db8::/32"]"#,
        ),
        ("BinaryEquals", "TPV-BINARY-VALUE", r#""aGk""#, r#""aGk=""#),
        ("Bool", "TPV-BOOL-VALUE", r#""yes""#, r#"["TRUE", false]"#),
        (
            "Null",
            "TPV-NULL-VALUE",
            r#""absent""#,
            r#"[true, "False"]"#,
        ),
        (
            "ArnLike",
            "TPV-ARN-VALUE",
            r#""arn:aws:iam::root""#,
            r#"["arn:aws:iam::*:role/x", "a:b:c:d:e:f"]"#,
        ),
    ];
    for (op, rule, bad, good) in cases {
        let json = cond(op, "aws:Key", bad);
        let f = fires(&json, rule);
        assert_eq!(f.class, FindingClass::Refused, "{rule}");
        assert_eq!(&json[f.span.range()], bad, "{rule}");
        assert!(f.message.contains(&format!("`{op}`")), "{}", f.message);
        quiet(&cond(op, "aws:Key", good), rule);
        // The qualified and IfExists forms are the same family.
        fires(
            &cond(
                &format!("ForAnyValue:{op}IfExists").replace("NullIfExists", "Null"),
                "aws:Key",
                bad,
            ),
            rule,
        );
    }
    // A variable may supply a Bool under 2012-10-17, not under 2008-10-17.
    let var = cond("Bool", "aws:Key", r#""${aws:x}""#);
    quiet(&var, "TPV-BOOL-VALUE");
    fires(&var.replace("2012-10-17", "2008-10-17"), "TPV-BOOL-VALUE");
    // docs/DECISIONS.md R8: a `:` inside `${...}` does not split an ARN.
    fires(
        &cond("ArnEquals", "aws:Key", r#""arn:aws:iam:${a:b:c:d}""#),
        "TPV-ARN-VALUE",
    );
    quiet(
        &cond("ArnEquals", "aws:Key", r#""arn:aws:iam::${aws:x}:role/r""#),
        "TPV-ARN-VALUE",
    );
    quiet(
        &cond("ArnEquals", "aws:Key", r#""arn:aws:iam:${a:b:c:d}""#)
            .replace("2012-10-17", "2008-10-17"),
        "TPV-ARN-VALUE",
    );
}

#[test]
fn principal_wildcards() {
    let star = gh("{}").replace(&format!(r#"{{"Federated": "{GH}"}}"#), r#""*""#);
    let f = fires(&star, "TPV-PRINCIPAL-STAR");
    assert_eq!(
        (f.class, f.level),
        (FindingClass::Advice, DiagnosticLevel::Warning)
    );
    let aws_star = gh("{}").replace(&format!(r#"{{"Federated": "{GH}"}}"#), r#"{"AWS": "*"}"#);
    quiet(&aws_star, "TPV-PRINCIPAL-STAR");
    quiet(&aws_star, "TPV-PRINCIPAL-PARTIAL-WILDCARD");
    let partial = gh("{}").replace(
        &format!(r#"{{"Federated": "{GH}"}}"#),
        r#"{"AWS": ["arn:aws:iam::111122223333:role/ci-*"], "Service": "*.amazonaws.com"}"#,
    );
    // Inside `Service` a wildcard is advice (it matches nothing); inside `AWS` IAM refuses it
    // (R1.16a), whether in the account or in the name.
    let all = findings(&partial);
    let n = all
        .iter()
        .filter(|f| f.rule == "TPV-PRINCIPAL-PARTIAL-WILDCARD")
        .count();
    assert_eq!(n, 1, "{all:?}");
    let refused = refusals(&rolecall_policy::parse(&partial).unwrap());
    assert_eq!(refused.len(), 1, "{refused:?}");
    assert_eq!(refused[0].rule, "TPV-AWS-PRINCIPAL-WILDCARD");
    assert!(&partial[refused[0].span.range()].contains("role/ci-*"));
    for account in ["arn:aws:iam::*:user/test_user", "11112222333?"] {
        let p = gh("{}").replace(
            &format!(r#"{{"Federated": "{GH}"}}"#),
            &format!(r#"{{"AWS": "{account}"}}"#),
        );
        assert!(
            refusals(&rolecall_policy::parse(&p).unwrap())
                .iter()
                .any(|f| f.rule == "TPV-AWS-PRINCIPAL-WILDCARD"),
            "{account}"
        );
    }
    assert!(refusals(&rolecall_policy::parse(&aws_star).unwrap()).is_empty());
    quiet(&gh("{}"), "TPV-PRINCIPAL-PARTIAL-WILDCARD");
}

#[test]
fn aws_principal_syntax() {
    let with = |v: &str| {
        gh("{}").replace(
            &format!(r#"{{"Federated": "{GH}"}}"#),
            &format!(r#"{{"AWS": "{v}"}}"#),
        )
    };
    fires(&with("arn:aws:iam::root"), "TPV-AWS-PRINCIPAL-SYNTAX");
    fires(&with("11112222333"), "TPV-AWS-PRINCIPAL-SYNTAX");
    for good in [
        "111122223333",
        "arn:aws:iam::111122223333:root",
        "arn:aws:iam::111122223333:role/x",
    ] {
        quiet(&with(good), "TPV-AWS-PRINCIPAL-SYNTAX");
    }
}

#[test]
fn action_principal_mismatch() {
    let json = gh("{}").replace(
        r#""sts:AssumeRoleWithWebIdentity""#,
        r#"["sts:AssumeRole", "sts:TagSession"]"#,
    );
    let f = fires(&json, "TP-ACTION-PRINCIPAL-MISMATCH");
    assert_eq!(f.class, FindingClass::Advice);
    quiet(&gh("{}"), "TP-ACTION-PRINCIPAL-MISMATCH");
    quiet(
        &gh("{}").replace(r#""sts:AssumeRoleWithWebIdentity""#, r#""sts:AssumeRole*""#),
        "TP-ACTION-PRINCIPAL-MISMATCH",
    );
    let saml = gh("{}").replace(GH, "arn:aws:iam::111122223333:saml-provider/Okta");
    fires(&saml, "TP-ACTION-PRINCIPAL-MISMATCH");
    quiet(
        &saml.replace("WithWebIdentity", "WithSAML"),
        "TP-ACTION-PRINCIPAL-MISMATCH",
    );
}

#[test]
fn missing_qualifier() {
    for key in [
        "cognito-identity.amazonaws.com:amr",
        "aws:TagKeys",
        "STS:TransitiveTagKeys",
    ] {
        let f = fires(&cond("StringLike", key, r#""x""#), "TPV-MISSING-QUALIFIER");
        assert_eq!(f.class, FindingClass::Advice);
        quiet(
            &cond("ForAnyValue:StringLike", key, r#""x""#),
            "TPV-MISSING-QUALIFIER",
        );
        quiet(&cond("Null", key, "true"), "TPV-MISSING-QUALIFIER");
    }
    quiet(
        &cond("StringLike", "aws:PrincipalTag/amr", r#""x""#),
        "TPV-MISSING-QUALIFIER",
    );
}

#[test]
fn null_qualifier() {
    fires(
        &cond("ForAllValues:Null", "aws:x", "true"),
        "TPV-NULL-QUALIFIER",
    );
    fires(
        &cond("ForAnyValue:Null", "aws:x", "true"),
        "TPV-NULL-QUALIFIER",
    );
    quiet(&cond("Null", "aws:x", "true"), "TPV-NULL-QUALIFIER");
}

#[test]
fn policy_size() {
    let values: Vec<String> = (0..60)
        .map(|i| format!("\"repo:acme/repository-{i:04}:*\""))
        .collect();
    let big = gh(&format!(
        r#"{{"StringLike": {{"token.actions.githubusercontent.com:sub": [{}]}}}}"#,
        values.join(",\n              ")
    ));
    let f = fires(&big, "TP-POLICY-SIZE");
    assert_eq!(
        (f.class, f.level),
        (FindingClass::Advice, DiagnosticLevel::Warning)
    );
    // Whitespace does not count: a small policy padded with blanks stays small.
    let padded = gh("{}").replace(", ", &format!(",{}", " ".repeat(3000)));
    assert!(padded.len() > 3000);
    quiet(&padded, "TP-POLICY-SIZE");
    // Numbers may print longer than written (`1e2` prints `100.0`): a
    // source under the quota can still be over it, and must be reported.
    let numbers: Vec<&str> = vec!["1e2"; 420];
    let grown = gh(&format!(
        r#"{{"NumericLessThan": {{"aws:MultiFactorAuthAge": [{}]}}}}"#,
        numbers.join(",")
    ));
    assert!(grown.len() < 2048, "{}", grown.len());
    fires(&grown, "TP-POLICY-SIZE");
}

#[test]
fn document_order() {
    let json = r#"{"Version": "2012-10-18", "Statement": [
        {"Sid": "a-b", "Effect": "allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*"}]}"#;
    let f = findings(json);
    let starts: Vec<usize> = f.iter().map(|f| f.span.start).collect();
    let mut sorted = starts.clone();
    sorted.sort_unstable();
    assert_eq!(starts, sorted);
    assert_eq!(
        f.iter().map(|f| f.rule).collect::<Vec<_>>(),
        [
            "TPV-VERSION",
            "TPV-SID-CHARS",
            "TPV-EFFECT-CASE",
            "TPV-PRINCIPAL-STAR",
            "TPV-ACTION-NOT-STS",
            "TP-RESOURCE-IN-TRUST"
        ]
    );
    let refused = refusals(&rolecall_policy::parse(json).unwrap());
    assert_eq!(refused.len(), 5);
    assert!(refused.iter().all(|f| f.class == FindingClass::Refused));
}

// ---------------------------------------------------------------------------
// Guardrails (docs/SEMANTICS.md §6.3) and §9 cases 84-87.

const GH_SUB: &str = "token.actions.githubusercontent.com:sub";

#[test]
fn case_84_legacy_policy_without_sub() {
    let json =
        gh(r#"{"StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"}}"#);
    let f = fires(&json, "TPV-GITHUB-SUB-UNSCOPED");
    assert_eq!(
        (f.class, f.level),
        (FindingClass::Guardrail, DiagnosticLevel::Error)
    );
    assert_eq!(&json[f.span.range()], format!("\"{GH}\""));
    assert!(f.message.contains(
        "must evaluate, using StringEquals, StringLike or StringEqualsIgnoreCase, `token.actions.githubusercontent.com:sub` or `token.actions.githubusercontent.com:job_workflow_ref` which is not scoped to all"
    ));
    // AWS-SBD: the control is applied when a trust policy is created or
    // updated, never to existing roles as they are.
    assert!(f.message.contains("an existing role is not affected"));
    // A guardrail never blocks evaluation.
    assert!(refusals(&rolecall_policy::parse(&json).unwrap()).is_empty());
}

#[test]
fn case_85_github_probes() {
    let probe = |op: &str, key: &str, v: &str| gh(&format!(r#"{{"{op}": {{"{key}": {v}}}}}"#));
    let rule = "TPV-GITHUB-SUB-UNSCOPED";
    fires(&probe("StringLike", GH_SUB, r#""*""#), rule);
    quiet(&probe("StringLike", GH_SUB, r#""repo:*""#), rule);
    quiet(&probe("StringLike", GH_SUB, r#""repo:*/*""#), rule);
    quiet(
        &probe(
            "StringLike",
            GH_SUB,
            r#"["repo:acme/x:ref:refs/heads/main", "*"]"#,
        ),
        rule,
    );
    fires(
        &probe(
            "StringLike",
            GH_SUB,
            r#"["*", "repo:acme/x:ref:refs/heads/main"]"#,
        ),
        rule,
    );
    fires(
        &probe(
            "StringEquals",
            "token.actions.githubusercontent.com:repository",
            r#""acme/x""#,
        ),
        rule,
    );
    quiet(
        &probe(
            "StringLike",
            "token.actions.githubusercontent.com:job_workflow_ref",
            r#""acme/x/.github/workflows/ci.yml@*""#,
        ),
        rule,
    );
    // Keys are case-insensitive; the operator must be one of the three, plain.
    quiet(
        &probe(
            "StringEqualsIgnoreCase",
            "Token.Actions.GitHubUserContent.com:SUB",
            r#""repo:a/b:*""#,
        ),
        rule,
    );
    fires(&probe("StringNotEquals", GH_SUB, r#""repo:a/b:x""#), rule);
    fires(
        &probe("StringLikeIfExists", GH_SUB, r#""repo:a/b:*""#),
        rule,
    );
    fires(
        &probe("ForAllValues:StringLike", GH_SUB, r#""repo:a/b:*""#),
        rule,
    );
    fires(&probe("StringLike", GH_SUB, "[]"), rule);
    fires(&gh("{}").replace(r#", "Condition": {}"#, ""), rule);
    // Deny statements grant nothing and are not checked.
    quiet(
        &probe("StringLike", GH_SUB, r#""*""#).replace(r#""Allow""#, r#""Deny""#),
        rule,
    );
    // An enterprise's own issuer is a private provider in AWS's terms: IAM
    // applies no control to it, whatever the condition (docs/SEMANTICS.md
    // §6.3), and neither does the guardrail. The same holds for GHE.com.
    let ent = GH.replace("githubusercontent.com", "githubusercontent.com/octo");
    quiet(
        &gh("{}")
            .replace(GH, &ent)
            .replace(r#", "Condition": {}"#, ""),
        rule,
    );
    quiet(
        &probe("StringLike", GH_SUB, r#""*""#).replace(GH, &ent),
        rule,
    );
    let ghe = GH.replace(
        "token.actions.githubusercontent.com",
        "token.actions.octo.ghe.com",
    );
    quiet(
        &gh("{}")
            .replace(GH, &ghe)
            .replace(r#", "Condition": {}"#, ""),
        rule,
    );
    // The shared issuer's host is a DNS name: any case is the same issuer.
    fires(
        &gh("{}")
            .replace(GH, &GH.replace("token.actions", "Token.Actions"))
            .replace(r#", "Condition": {}"#, ""),
        rule,
    );
    // Other OIDC providers are not GitHub.
    quiet(
        &gh("{}").replace(
            "token.actions.githubusercontent.com",
            "token.actions.githubusercontent.community",
        ),
        rule,
    );
}

#[test]
fn cognito_and_google_guardrails() {
    let builtin = |p: &str, cond: &str| {
        stmt(&format!(
            r#""Effect": "Allow", "Principal": {{"Federated": "{p}"}},
               "Action": "sts:AssumeRoleWithWebIdentity"{cond}"#
        ))
    };
    let f = fires(
        &builtin("cognito-identity.amazonaws.com", ""),
        "TPV-COGNITO-NO-CONDITION",
    );
    assert_eq!(f.class, FindingClass::Guardrail);
    fires(
        &builtin(
            "cognito-identity.amazonaws.com",
            r#", "Condition": {"StringEquals": {}}"#,
        ),
        "TPV-COGNITO-NO-CONDITION",
    );
    quiet(
        &builtin(
            "cognito-identity.amazonaws.com",
            r#", "Condition": {"StringEquals": {"cognito-identity.amazonaws.com:aud": "us-east-1:abc"}}"#,
        ),
        "TPV-COGNITO-NO-CONDITION",
    );
    let f = fires(&builtin("accounts.google.com", ""), "TPV-GOOGLE-NO-APPID");
    assert_eq!(f.class, FindingClass::Guardrail);
    fires(
        &builtin(
            "accounts.google.com",
            r#", "Condition": {"StringLike": {"accounts.google.com:aud": "x"}}"#,
        ),
        "TPV-GOOGLE-NO-APPID",
    );
    quiet(
        &builtin(
            "accounts.google.com",
            r#", "Condition": {"StringEquals": {"accounts.google.com:aud": "x"}}"#,
        ),
        "TPV-GOOGLE-NO-APPID",
    );
    // Only an application id pins the application, and only with a value.
    for condition in [
        r#"{"StringEquals": {"accounts.google.com:sub": "1234567890"}}"#,
        r#"{"StringEquals": {"accounts.google.com:aud": []}}"#,
    ] {
        fires(
            &builtin(
                "accounts.google.com",
                &format!(r#", "Condition": {condition}"#),
            ),
            "TPV-GOOGLE-NO-APPID",
        );
    }
}

#[test]
fn case_86_resource_in_trust() {
    let json = gh(r#"{"StringEquals": {"token.actions.githubusercontent.com:sub": "repo:o/r:ref:refs/heads/main"}}"#)
        .replace(r#""Effect": "Allow""#, r#""Effect": "Allow", "Resource": "*""#);
    let refused = refusals(&rolecall_policy::parse(&json).unwrap());
    assert_eq!(
        refused.iter().map(|f| f.rule).collect::<Vec<_>>(),
        ["TP-RESOURCE-IN-TRUST"]
    );
    assert!(refused[0]
        .message
        .contains("has prohibited field `Resource`"));
}

#[test]
fn case_87_grammar_errors() {
    let ok = gh(
        r#"{"StringEquals": {"token.actions.githubusercontent.com:sub": "repo:o/r:ref:refs/heads/main"}}"#,
    );
    assert!(rules(&ok).is_empty());
    let variants = [
        (ok.replace(r#""Allow""#, r#""allow""#), "TPV-EFFECT-CASE"),
        (
            ok.replace(
                r#""Action": "sts:AssumeRoleWithWebIdentity""#,
                r#""Action": "sts:AssumeRoleWithWebIdentity", "NotAction": "sts:TagSession""#,
            ),
            "TPV-ACTION-AND-NOTACTION",
        ),
        (
            ok.replace(r#""Principal""#, r#""NotPrincipal""#),
            "TP-NOTPRINCIPAL",
        ),
        (
            ok.replace(r#""sts:AssumeRoleWithWebIdentity""#, r#""s3:GetObject""#),
            "TPV-ACTION-NOT-STS",
        ),
        (ok.replace("2012-10-17", "2012-10-18"), "TPV-VERSION"),
    ];
    for (json, rule) in variants {
        let refused = refusals(&rolecall_policy::parse(&json).unwrap());
        assert!(
            refused.iter().any(|f| f.rule == rule),
            "{rule}: {refused:?}"
        );
    }
    let two_a = r#"{"Version": "2012-10-17", "Statement": [
        {"Sid": "A", "Effect": "Allow", "Principal": {"AWS": "111122223333"}, "Action": "sts:AssumeRole"},
        {"Sid": "A", "Effect": "Deny", "Principal": {"AWS": "111122223333"}, "Action": "sts:AssumeRole"}]}"#;
    assert_eq!(
        refusals(&rolecall_policy::parse(two_a).unwrap())
            .iter()
            .map(|f| f.rule)
            .collect::<Vec<_>>(),
        ["TPV-DUPLICATE-SID"]
    );
    // The duplicate key differing in case is a parse error, not a finding.
    let dup = ok.replace(
        r#""repo:o/r:ref:refs/heads/main"}"#,
        r#""x", "token.actions.githubusercontent.com:SUB": "y"}"#,
    );
    assert!(rolecall_policy::parse(&dup).is_err());
}

/// Levels rank from the quietest, as `rolecall-audit`'s severities do
/// (`Info < ... < Critical`): `max()` over either is the loudest.
#[test]
fn diagnostic_levels_rank_from_quietest() {
    assert!(DiagnosticLevel::Info < DiagnosticLevel::Warning);
    assert!(DiagnosticLevel::Warning < DiagnosticLevel::Error);
    assert_eq!(
        [
            DiagnosticLevel::Warning,
            DiagnosticLevel::Error,
            DiagnosticLevel::Info
        ]
        .into_iter()
        .max(),
        Some(DiagnosticLevel::Error)
    );
}

/// A diagnostic reads `LEVEL [RULE]: MESSAGE`; levels are lowercase words.
#[test]
fn diagnostics_display_level_rule_and_message() {
    let bad = r#"{"Version": "2012-10-18", "Statement": {"Effect": "Allow", "Principal": {"AWS": "111122223333"}, "Action": "sts:AssumeRole"}}"#;
    let f = fires(bad, "TPV-VERSION");
    assert_eq!(
        f.to_string(),
        format!("{} [TPV-VERSION]: {}", f.level, f.message)
    );
    assert!(!f.message.is_empty());
    assert_eq!(DiagnosticLevel::Error.to_string(), "error");
    assert_eq!(DiagnosticLevel::Warning.to_string(), "warning");
    assert_eq!(DiagnosticLevel::Info.to_string(), "info");
    assert!(f.to_string().starts_with("error [TPV-VERSION]: "), "{f}");
}

/// Messages name a statement by its `Sid`, or by its index (from 0) when it has none.
#[test]
fn messages_name_statements_by_sid_or_index() {
    let two = r#"{"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": "111122223333"}, "Action": "sts:AssumeRole"},
        {"Sid": "Second", "Principal": {"AWS": "111122223333"}, "Action": "sts:AssumeRole"},
        {"Principal": {"AWS": "111122223333"}, "Action": "sts:AssumeRole"},
        {"Sid": "", "Principal": {"AWS": "111122223333"}, "Action": "sts:AssumeRole"}]}"#;
    let messages: Vec<String> = findings(two)
        .into_iter()
        .filter(|f| f.message.contains("`Effect` is missing"))
        .map(|f| f.message)
        .collect();
    assert_eq!(
        messages,
        [
            "statement `Second`: `Effect` is missing",
            "statement 2: `Effect` is missing",
            // An empty `Sid` names nothing.
            "statement 3: `Effect` is missing"
        ]
    );
}

/// The trust policy quota counts the compact rendering's chars: a policy of exactly 2,048 is
/// within it, 2,049 is over; a tree with no source text (built, not parsed) is counted too.
#[test]
fn size_over_quota_at_the_boundary() {
    use rolecall_policy::validate::{policy_size, size_over_quota, TRUST_POLICY_QUOTA};
    let with_sid = |sid_len: usize| {
        let text = format!(
            r#"{{"Version": "2012-10-17", "Statement": [{{"Sid": "{}", "Effect": "Allow", "Principal": {{"AWS": "111122223333"}}, "Action": "sts:AssumeRole"}}]}}"#,
            "S".repeat(sid_len)
        );
        rolecall_policy::parse(&text).unwrap()
    };
    let base = policy_size(&with_sid(1));
    let at_quota = with_sid(1 + TRUST_POLICY_QUOTA - base);
    assert_eq!(policy_size(&at_quota), TRUST_POLICY_QUOTA);
    assert_eq!(size_over_quota(&at_quota), None);
    let over = with_sid(2 + TRUST_POLICY_QUOTA - base);
    assert_eq!(size_over_quota(&over), Some(TRUST_POLICY_QUOTA + 1));
    // No source span: the size is counted, not bounded by the source's length.
    let mut built = over.clone();
    built.span = rolecall_policy::Span::SYNTHETIC;
    assert_eq!(size_over_quota(&built), Some(TRUST_POLICY_QUOTA + 1));

    // Numbers print longer than written (`1e9` is `1000000000.0`): a source under the quota
    // can render over it.
    let with_numbers = |sid_len: usize| {
        let numbers = vec!["1e9"; 20].join(",");
        let text = format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Sid":"{}","Effect":"Allow","Principal":{{"AWS":"111122223333"}},"Action":"sts:AssumeRole","Condition":{{"NumericEquals":{{"aws:x":[{numbers}]}}}}}}]}}"#,
            "S".repeat(sid_len)
        );
        (rolecall_policy::parse(&text).unwrap(), text.len())
    };
    let (_, source) = with_numbers(1);
    let (p, source) = with_numbers(1 + TRUST_POLICY_QUOTA - 145 - source);
    assert_eq!(source, TRUST_POLICY_QUOTA - 145);
    let size = policy_size(&p);
    assert!(size > TRUST_POLICY_QUOTA, "{size}");
    assert_eq!(size_over_quota(&p), Some(size));
}
