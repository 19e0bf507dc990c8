//! One-line table rows per operator family: each row is a condition, a
//! context and whether the condition holds. Every row is also checked
//! against the reference model, and `explain` against `decide`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "integration-test code: helpers outside #[test] functions fail by panicking too"
)]

use rolecall_eval::claims::{ClaimRules, RoleAccount, WebIdentity};
use rolecall_eval::request::Request;
use rolecall_eval::{decide, evaluate_call, explain, CompiledPolicy, Decision, Rule};
use serde_json::json;

const P: &str = "arn:aws:iam::111122223333:oidc-provider/server.example.com";

/// A context key: `S` single-valued, `M` multivalued.
enum V<'a> {
    S(&'a str),
    M(&'a [&'a str]),
}
use V::{M, S};

fn policy(version: &str, condition: &str) -> String {
    let version = if version.is_empty() {
        String::new()
    } else {
        format!("\"Version\":\"{version}\",")
    };
    format!(
        r#"{{{version}"Statement":[{{"Effect":"Allow","Principal":{{"Federated":"{P}"}},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{condition}}}]}}"#
    )
}

/// Whether the condition holds for the context, by the engine; asserts the
/// model and `explain` agree.
fn holds_in(version: &str, condition: &str, ctx: &[(&str, V<'_>)]) -> bool {
    let text = policy(version, condition);
    let compiled = CompiledPolicy::from_json(&text).unwrap_or_else(|e| panic!("{condition}: {e}"));
    let mut b = Request::builder()
        .principal(P)
        .action("sts:AssumeRoleWithWebIdentity");
    let mut model_ctx = Vec::new();
    for (k, v) in ctx {
        match v {
            S(s) => {
                b = b.value(*k, *s);
                model_ctx.push((
                    k.to_string(),
                    rolecall_model::ContextValue::Single(s.to_string()),
                ));
            }
            M(m) => {
                b = b.values(*k, m.iter().copied());
                model_ctx.push((
                    k.to_string(),
                    rolecall_model::ContextValue::Multi(m.iter().map(|s| s.to_string()).collect()),
                ));
            }
        }
    }
    let request = b.build().unwrap();
    let outcome = decide(&compiled, &request);
    let e = explain(&compiled, &request);
    assert_eq!(
        (e.decision, &e.statements),
        (outcome.decision, &outcome.statements)
    );
    let model = rolecall_model::evaluate(
        &text,
        &rolecall_model::Request {
            principal: P.into(),
            action: "sts:AssumeRoleWithWebIdentity".into(),
            context: model_ctx,
        },
    )
    .unwrap();
    let engine = outcome.decision == Decision::Allow;
    assert_eq!(
        engine,
        model.decision == rolecall_model::Decision::Allow,
        "engine and model disagree on {condition}"
    );
    engine
}

fn holds(condition: &str, ctx: &[(&str, V<'_>)]) -> bool {
    holds_in("2012-10-17", condition, ctx)
}

/// The rule `explain` gives for the first condition.
fn rule(condition: &str, ctx: &[(&str, V<'_>)]) -> Rule {
    let compiled = CompiledPolicy::from_json(&policy("2012-10-17", condition)).unwrap();
    let mut b = Request::builder()
        .principal(P)
        .action("sts:AssumeRoleWithWebIdentity");
    for (k, v) in ctx {
        b = match v {
            S(s) => b.value(*k, *s),
            M(m) => b.values(*k, m.iter().copied()),
        };
    }
    explain(&compiled, &b.build().unwrap()).details[0].conditions[0].rule
}

#[test]
fn missing_key_table() {
    // docs/SEMANTICS.md §3.2: positive false, negated true; IfExists true; R9.
    let k = "k";
    for (cond, want) in [
        (r#"{"StringEquals":{"k":"a"}}"#, false),
        (r#"{"StringNotEquals":{"k":"a"}}"#, true),
        (r#"{"StringLike":{"k":"*"}}"#, false),
        (r#"{"StringNotLike":{"k":"*"}}"#, true),
        (r#"{"StringEqualsIfExists":{"k":"a"}}"#, true),
        (r#"{"StringNotEqualsIfExists":{"k":"a"}}"#, true),
        (r#"{"NumericLessThan":{"k":"1"}}"#, false),
        (r#"{"NotIpAddress":{"k":"10.0.0.0/8"}}"#, true),
        (r#"{"ArnNotLike":{"k":"arn:*:*:*:*:*"}}"#, true),
        (r#"{"Bool":{"k":"true"}}"#, false),
        (r#"{"Null":{"k":"true"}}"#, true),
        (r#"{"Null":{"k":"false"}}"#, false),
        (r#"{"ForAllValues:StringEquals":{"k":"a"}}"#, true),
        (r#"{"ForAnyValue:StringEquals":{"k":"a"}}"#, false),
        (r#"{"ForAnyValue:StringLikeIfExists":{"k":"a"}}"#, true),
        (r#"{"ForAllValues:Null":{"k":"false"}}"#, true),
        (r#"{"ForAnyValue:Null":{"k":"true"}}"#, false),
    ] {
        assert_eq!(
            holds(cond, &[("other", S("x"))]),
            want,
            "{cond} on a missing `{k}`"
        );
    }
    assert_eq!(
        rule(r#"{"StringNotEquals":{"k":"a"}}"#, &[]),
        Rule::KeyMissing { negated: true }
    );
    assert_eq!(
        rule(r#"{"StringNotEquals":{"k":"a"}}"#, &[]).to_string(),
        "key missing; a negated operator is true when the key is missing"
    );
    assert_eq!(
        rule(r#"{"StringEqualsIfExists":{"k":"a"}}"#, &[]),
        Rule::IfExistsKeyMissing
    );
    assert_eq!(
        rule(r#"{"ForAllValues:StringEquals":{"k":"a"}}"#, &[]),
        Rule::ForAllValuesNoValues
    );
    assert_eq!(
        rule(r#"{"ForAnyValue:StringEquals":{"k":"a"}}"#, &[]),
        Rule::ForAnyValueNoValues
    );
}

#[test]
fn empty_value_arrays() {
    // docs/SEMANTICS.md §3.9.
    assert!(!holds(r#"{"StringEquals":{"k":[]}}"#, &[("k", S("a"))]));
    assert!(holds(r#"{"StringNotEquals":{"k":[]}}"#, &[("k", S("a"))]));
    assert!(holds(r#"{"ForAllValues:StringEquals":{"k":[]}}"#, &[]));
    assert!(!holds(
        r#"{"ForAllValues:StringEquals":{"k":[]}}"#,
        &[("k", M(&["a"]))]
    ));
    assert!(holds(
        r#"{"ForAllValues:StringEquals":{"k":[]}}"#,
        &[("k", M(&[]))]
    ));
    assert!(!holds(
        r#"{"ForAnyValue:StringEquals":{"k":[]}}"#,
        &[("k", M(&["a"]))]
    ));
    assert!(holds(r#"{"StringEquals":{}}"#, &[]));
    assert!(holds("{}", &[]));
}

#[test]
fn set_operators() {
    // docs/SEMANTICS.md §3.7, D5, R9.
    let amr = |v: &'static [&'static str]| [("k", M(v))];
    assert!(holds(
        r#"{"ForAnyValue:StringEquals":{"k":"b"}}"#,
        &amr(&["a", "b"])
    ));
    assert!(!holds(
        r#"{"ForAllValues:StringEquals":{"k":"b"}}"#,
        &amr(&["a", "b"])
    ));
    assert!(holds(
        r#"{"ForAllValues:StringEquals":{"k":["a","b","c"]}}"#,
        &amr(&["a", "b"])
    ));
    assert!(holds(
        r#"{"ForAllValues:StringNotEquals":{"k":"x"}}"#,
        &amr(&["a", "b"])
    ));
    assert!(!holds(
        r#"{"ForAnyValue:StringNotEquals":{"k":"a"}}"#,
        &amr(&["a"])
    ));
    // Empty strings leave a multivalued set (R9), not a single value.
    assert!(holds(
        r#"{"ForAllValues:StringEquals":{"k":"a"}}"#,
        &amr(&["a", ""])
    ));
    assert!(!holds(
        r#"{"ForAllValues:StringEquals":{"k":"a"}}"#,
        &[("k", S(""))]
    ));
    // Plain operators on multivalued keys are false, negated or not (D5).
    assert!(!holds(r#"{"StringEquals":{"k":"a"}}"#, &amr(&["a"])));
    assert!(!holds(r#"{"StringNotEquals":{"k":"x"}}"#, &amr(&["a"])));
    assert_eq!(
        rule(r#"{"StringEquals":{"k":"a"}}"#, &amr(&["a"])),
        Rule::MultivaluedWithoutQualifier
    );
    assert_eq!(
        rule(
            r#"{"ForAllValues:StringEquals":{"k":"a"}}"#,
            &amr(&["a", "b"])
        ),
        Rule::ForAllValuesValueFailed { context_value: 1 }
    );
    assert_eq!(
        rule(
            r#"{"ForAnyValue:StringLike":{"k":"b*"}}"#,
            &amr(&["a", "bc"])
        ),
        Rule::ForAnyValueMatched { context_value: 1 }
    );
    // Null only tests presence, even of a multivalued key.
    assert!(holds(r#"{"Null":{"k":"false"}}"#, &amr(&[])));
}

#[test]
fn string_operators() {
    let k = |v| [("k", S(v))];
    assert!(holds(r#"{"StringEquals":{"k":"Ab"}}"#, &k("Ab")));
    assert!(!holds(r#"{"StringEquals":{"k":"Ab"}}"#, &k("ab")));
    assert!(holds(r#"{"StringEqualsIgnoreCase":{"k":"ÄB"}}"#, &k("äb")));
    assert!(holds(
        r#"{"StringNotEqualsIgnoreCase":{"k":"x"}}"#,
        &k("äb")
    ));
    assert!(holds(r#"{"StringLike":{"k":"a*c?"}}"#, &k("abbbcd")));
    assert!(!holds(r#"{"StringLike":{"k":"a*c?"}}"#, &k("abbbc")));
    assert!(holds(r#"{"StringLike":{"k":"?"}}"#, &k("é")));
    assert!(!holds(r#"{"StringNotLike":{"k":["x","a*"]}}"#, &k("ab")));
    assert!(holds(r#"{"StringEquals":{"k":123}}"#, &k("123")));
    assert!(holds(r#"{"StringEquals":{"k":1.50}}"#, &k("1.5")));
    assert!(holds(r#"{"StringEquals":{"k":true}}"#, &k("true")));
    assert_eq!(
        rule(r#"{"StringNotEquals":{"k":["x","ab"]}}"#, &k("ab")),
        Rule::NegatedValueMatched { policy_value: 1 }
    );
}

#[test]
fn policy_variables() {
    // R4, docs/SEMANTICS.md §3.10.
    let ctx = [("k", S("alice")), ("user", S("alice")), ("tags", M(&["a"]))];
    assert!(holds(r#"{"StringEquals":{"k":"${user}"}}"#, &ctx));
    assert!(holds(r#"{"StringEquals":{"k":"${USER}"}}"#, &ctx));
    assert!(!holds_in(
        "2008-10-17",
        r#"{"StringEquals":{"k":"${user}"}}"#,
        &ctx
    ));
    assert!(!holds_in("", r#"{"StringEquals":{"k":"${user}"}}"#, &ctx));
    assert!(holds_in(
        "2008-10-17",
        r#"{"StringEquals":{"k":"${user}"}}"#,
        &[("k", S("${user}"))]
    ));
    // Unresolvable: missing without default, multivalued.
    assert!(!holds(r#"{"StringEquals":{"k":"${nobody}"}}"#, &ctx));
    assert!(holds(r#"{"StringNotEquals":{"k":"${nobody}"}}"#, &ctx));
    assert!(!holds(r#"{"StringEquals":{"k":"${tags}"}}"#, &ctx));
    assert_eq!(
        rule(r#"{"StringEquals":{"k":"${nobody}"}}"#, &ctx),
        Rule::UnresolvedVariable { negated: false }
    );
    assert!(holds(
        r#"{"StringEquals":{"k":"${nobody, 'alice'}"}}"#,
        &ctx
    ));
    // Substituted text is literal, never a wildcard (D4).
    let star = [("k", S("abc")), ("v", S("*"))];
    assert!(!holds(r#"{"StringLike":{"k":"${v}"}}"#, &star));
    assert!(holds(
        r#"{"StringLike":{"k":"a${v}"}}"#,
        &[("k", S("a*")), ("v", S("*"))]
    ));
    assert!(holds(
        r#"{"StringLike":{"k":"${v}*"}}"#,
        &[("k", S("*xyz")), ("v", S("*"))]
    ));
    assert!(holds(
        r#"{"StringLike":{"k":"svc-${*}"}}"#,
        &[("k", S("svc-*"))]
    ));
    assert!(!holds(
        r#"{"StringLike":{"k":"svc-${*}"}}"#,
        &[("k", S("svc-x"))]
    ));
    assert!(holds(
        r#"{"StringEqualsIgnoreCase":{"k":"${user}"}}"#,
        &[("k", S("ALICE")), ("user", S("alice"))]
    ));
    // Bool with a variable.
    assert!(holds(
        r#"{"Bool":{"k":"${user}"}}"#,
        &[("k", S("true")), ("user", S("TRUE"))]
    ));
    assert!(!holds(
        r#"{"Bool":{"k":"${user}"}}"#,
        &[("k", S("true")), ("user", S("yes"))]
    ));
    // The explanation shows the substituted text.
    let compiled = CompiledPolicy::from_json(&policy(
        "2012-10-17",
        r#"{"StringEquals":{"k":"x-${user}"}}"#,
    ))
    .unwrap();
    let req = Request::builder()
        .principal(P)
        .action("sts:AssumeRoleWithWebIdentity")
        .value("user", "bob")
        .value("k", "x-bob")
        .build()
        .unwrap();
    let e = explain(&compiled, &req);
    assert_eq!(
        e.details[0].conditions[0].values[0].resolved.as_deref(),
        Some("x-bob")
    );
}

#[test]
fn ip_addresses() {
    let ip = |v| [("aws:SourceIp", S(v))];
    for (value, addr, want) in [
        ("203.0.113.0/24", "203.0.113.9", true),
        ("203.0.113.0/24", "203.0.114.9", false),
        ("203.0.113.9", "203.0.113.9", true),
        ("203.0.113.9", "203.0.113.10", false),
        ("203.0.113.9/0", "8.8.8.8", true),
        ("0.0.0.0/0", "2001:db8::1", false),
        ("::/0", "10.0.0.1", false),
        ("2001:db8::/32", "2001:db8:ffff::1", true),
        ("2001:db8::/32", "2001:db9::1", false),
        ("2001:db8::1/128", "2001:db8::1", true),
        ("10.0.0.0/8", "::ffff:10.0.0.1", false),
        ("10.0.0.0/8", "10.0.0.1/32", false),
        ("10.0.0.0/8", "not an ip", false),
    ] {
        let cond = format!(r#"{{"IpAddress":{{"aws:SourceIp":"{value}"}}}}"#);
        assert_eq!(holds(&cond, &ip(addr)), want, "{value} vs {addr}");
    }
    // An unparsable context value makes the negated operator true (R7).
    assert!(holds(
        r#"{"NotIpAddress":{"aws:SourceIp":"10.0.0.0/8"}}"#,
        &ip("nope")
    ));
    assert_eq!(
        rule(
            r#"{"NotIpAddress":{"aws:SourceIp":"10.0.0.0/8"}}"#,
            &ip("nope")
        ),
        Rule::ContextValueUnparsable { negated: true }
    );
    assert!(CompiledPolicy::from_json(&policy(
        "2012-10-17",
        r#"{"IpAddress":{"k":"10.0.0.0/33"}}"#
    ))
    .is_err());
}

#[test]
fn dates_numbers_bools_binary() {
    let t = |v| [("aws:CurrentTime", S(v))];
    for (op, value, ctx, want) in [
        (
            "DateLessThan",
            "2027-01-01T00:00:00Z",
            "2026-09-01T12:00:00Z",
            true,
        ),
        (
            "DateGreaterThan",
            "1704067200",
            "2026-09-01T12:00:00Z",
            true,
        ),
        (
            "DateEquals",
            "2026-09-01T14:00:00+02:00",
            "2026-09-01T12:00:00Z",
            true,
        ),
        (
            "DateEquals",
            "2026-09-01T12:00:00-01:30",
            "2026-09-01T13:30:00z",
            true,
        ),
        ("DateEquals", "2026-09-01", "2026-09-01T00:00:00Z", true),
        (
            "DateEquals",
            "2026-01",
            "2026-01-01T00:00:00.000000000Z",
            true,
        ),
        ("DateEquals", "2026", "1970-01-01T00:33:46Z", true),
        (
            "DateLessThanEquals",
            "2026-09-01T12:00:00.5Z",
            "2026-09-01T12:00:00.499999999Z",
            true,
        ),
        ("DateGreaterThanEquals", "0", "1970-01-01", true),
        ("DateNotEquals", "2026-09-01", "not a date", true),
        ("DateEquals", "2026-09-01", "not a date", false),
        ("DateLessThan", "2024-03-01", "2024-02-29T23:59:59Z", true),
    ] {
        let cond = format!(r#"{{"{op}":{{"aws:CurrentTime":"{value}"}}}}"#);
        assert_eq!(holds(&cond, &t(ctx)), want, "{op} {value} vs {ctx}");
    }
    assert!(CompiledPolicy::from_json(&policy(
        "2012-10-17",
        r#"{"DateEquals":{"k":"2023-02-29"}}"#
    ))
    .is_err());
    let n = |v| [("n", S(v))];
    assert!(holds(r#"{"NumericLessThan":{"n":"10"}}"#, &n("9.5")));
    assert!(holds(r#"{"NumericEquals":{"n":1.5}}"#, &n("1.50")));
    assert!(holds(
        r#"{"NumericGreaterThanEquals":{"n":"-2"}}"#,
        &n("-2")
    ));
    assert!(!holds(r#"{"NumericEquals":{"n":"1"}}"#, &n("1e0")));
    assert!(holds(r#"{"NumericNotEquals":{"n":"1"}}"#, &n("1e0")));
    assert!(holds(r#"{"Bool":{"b":true}}"#, &[("b", S("TRUE"))]));
    assert!(!holds(r#"{"Bool":{"b":"false"}}"#, &[("b", S("yes"))]));
    assert!(holds(r#"{"BinaryEquals":{"b":"aGk="}}"#, &[("b", S("hi"))]));
    assert!(!holds(
        r#"{"BinaryEquals":{"b":"aGk="}}"#,
        &[("b", S("aGk="))]
    ));
}

#[test]
fn arn_components() {
    let fp = |v| [("aws:FederatedProvider", S(v))];
    let p_eks = "arn:aws:iam::111122223333:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/ABC";
    assert!(holds(
        r#"{"ArnLike":{"aws:FederatedProvider":"arn:aws:iam::*:oidc-provider/oidc.eks.*.amazonaws.com/id/*"}}"#,
        &fp(p_eks)
    ));
    // docs/SEMANTICS.md §9 case 65: ArnLike matches per component, StringLike does not.
    let v =
        "arn:aws:someservice:us-east-2:999999999999:store/abc:111122223333:finance/document.txt";
    let pat = "arn:aws:someservice:*:111122223333:finance/*";
    assert!(holds(
        &format!(r#"{{"StringLike":{{"k":"{pat}"}}}}"#),
        &[("k", S(v))]
    ));
    assert!(!holds(
        &format!(r#"{{"ArnLike":{{"k":"{pat}"}}}}"#),
        &[("k", S(v))]
    ));
    // The sixth component keeps its colons.
    assert!(holds(
        r#"{"ArnEquals":{"k":"arn:aws:s3:::b:c:d"}}"#,
        &[("k", S("arn:aws:s3:::b:c:d"))]
    ));
    assert!(holds(
        r#"{"ArnLike":{"k":"arn:aws:s3:::*"}}"#,
        &[("k", S("arn:aws:s3:::b:c:d"))]
    ));
    // `*` does not cross a component boundary.
    assert!(!holds(
        r#"{"ArnLike":{"k":"arn:*:s3:::b"}}"#,
        &[("k", S("arn:aws:x:s3:::b"))]
    ));
    // Not an ARN: no match, and the negated operator is false too (R8).
    assert!(!holds(
        r#"{"ArnNotLike":{"k":"arn:aws:s3:::b"}}"#,
        &[("k", S("cognito-identity.amazonaws.com"))]
    ));
    assert!(!holds(
        r#"{"ArnNotLike":{"k":"arn:aws:s3:::b"}}"#,
        &[("k", S("urn:aws:s3:::x"))]
    ));
    assert_eq!(
        rule(r#"{"ArnNotLike":{"k":"arn:aws:s3:::b"}}"#, &[("k", S("x"))]),
        Rule::ContextValueNotArn { negated: true }
    );
    // Variables: a `:` in substituted text does not split (R8).
    let ctx = [
        ("k", S("arn:aws:iam::111122223333:role/a:b")),
        ("acct", S("111122223333")),
        ("res", S("role/a:b")),
    ];
    assert!(holds(
        r#"{"ArnLike":{"k":"arn:aws:iam::${acct}:${res}"}}"#,
        &ctx
    ));
    let ctx2 = [
        ("k", S("arn:aws:iam::111122223333:role/x")),
        ("p", S("aws:iam")),
    ];
    assert!(!holds(
        r#"{"ArnLike":{"k":"arn:${p}::111122223333:role/x:"}}"#,
        &ctx2
    ));
    assert!(CompiledPolicy::from_json(&policy(
        "2012-10-17",
        r#"{"ArnLike":{"k":"arn:aws:s3::b"}}"#
    ))
    .is_err());
}

/// docs/SEMANTICS.md §9 case G72: `transitive_tag_keys: []` behaves as an absent
/// key, so `Null {"sts:TransitiveTagKeys": "false"}` fails.
#[test]
fn g72_empty_transitive_tag_keys_is_absent() {
    let role = RoleAccount::from_role_arn("arn:aws:iam::111122223333:role/r").unwrap();
    let claims = |transitive: serde_json::Value| {
        json!({
            "iss": "https://server.example.com",
            "sub": "s",
            "aud": "a",
            "https://aws.amazon.com/tags": {
                "principal_tags": {"Project": ["X"]},
                "transitive_tag_keys": transitive,
            }
        })
    };
    let policy = CompiledPolicy::from_json(&format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"Federated":"{P}"}},
        "Action":["sts:AssumeRoleWithWebIdentity","sts:TagSession"],
        "Condition":{{"ForAllValues:StringEquals":{{"sts:TransitiveTagKeys":["Project"]}},
                     "Null":{{"sts:TransitiveTagKeys":"false"}}}}}}]}}"#
    ))
    .unwrap();
    let empty =
        WebIdentity::from_claims(&claims(json!([])), None, &role, &ClaimRules::default()).unwrap();
    assert!(empty.context().lookup("sts:TransitiveTagKeys").is_none());
    let call = evaluate_call(&policy, &empty);
    assert_eq!(call.decision, Decision::ImplicitDeny);
    assert_eq!(call.actions.len(), 2);
    let project = WebIdentity::from_claims(
        &claims(json!(["Project"])),
        None,
        &role,
        &ClaimRules::default(),
    )
    .unwrap();
    let call = evaluate_call(&policy, &project);
    assert_eq!(call.decision, Decision::Allow);
    assert_eq!(call.actions[1].action, "sts:TagSession");
    assert_eq!(call.actions[1].outcome.statements, [0]);
    // No tags at all: no `aws:TagKeys` either.
    let no_tags = WebIdentity::from_claims(
        &json!({"iss": "https://server.example.com", "sub": "s", "aud": "a",
                "https://aws.amazon.com/tags": {"principal_tags": {}}}),
        None,
        &role,
        &ClaimRules::default(),
    )
    .unwrap();
    assert!(no_tags.context().lookup("aws:TagKeys").is_none());
}

#[test]
fn call_outcome_combines_actions() {
    let role = RoleAccount::from_role_arn("arn:aws:iam::111122223333:role/r").unwrap();
    let id = WebIdentity::from_claims(
        &json!({"iss": "https://server.example.com", "sub": "s", "aud": "a",
                "https://aws.amazon.com/source_identity": "Admin"}),
        None,
        &role,
        &ClaimRules::default(),
    )
    .unwrap();
    let only_assume = CompiledPolicy::from_json(&format!(
        r#"{{"Statement":{{"Effect":"Allow","Principal":{{"Federated":"{P}"}},"Action":"sts:AssumeRoleWithWebIdentity"}}}}"#
    ))
    .unwrap();
    let call = evaluate_call(&only_assume, &id);
    assert_eq!(call.actions[0].outcome.decision, Decision::Allow);
    assert_eq!(call.actions[1].outcome.decision, Decision::ImplicitDeny);
    assert_eq!(call.decision, Decision::ImplicitDeny);
    let deny_source = CompiledPolicy::from_json(&format!(
        r#"{{"Statement":[{{"Effect":"Allow","Principal":"*","Action":"*"}},
        {{"Effect":"Deny","Principal":{{"Federated":"{P}"}},"Action":"sts:SetSourceIdentity"}}]}}"#
    ))
    .unwrap();
    let call = evaluate_call(&deny_source, &id);
    assert_eq!(call.decision, Decision::ExplicitDeny);
    assert_eq!(call.actions[1].outcome.statements, [1]);
    let json = serde_json::to_value(&call).unwrap();
    assert_eq!(json["decision"], "ExplicitDeny");
}

#[test]
fn explanation_json_has_spans_and_rules() {
    let text = policy("2012-10-17", r#"{"StringNotEqualsIfExists":{"k":"a"}}"#);
    let compiled = CompiledPolicy::from_json(&text).unwrap();
    let req = Request::builder()
        .principal(P)
        .action("sts:AssumeRoleWithWebIdentity")
        .build()
        .unwrap();
    let e = explain(&compiled, &req);
    let json = serde_json::to_value(&e).unwrap();
    let c = &json["details"][0]["conditions"][0];
    assert_eq!(c["rule"]["rule"], "if-exists-key-missing");
    assert_eq!(c["context"]["kind"], "missing");
    let key_start = c["key_span"]["start"].as_u64().unwrap() as usize;
    assert_eq!(&text[key_start..key_start + 3], "\"k\"");
    assert_eq!(json["decision"], "Allow");
    assert!(e
        .to_string()
        .contains("rule: key missing; an `IfExists` operator is true when the key is missing"));
}
