//! Tests added because cargo-mutants showed the rest of the suite would not
//! notice a change there (TESTING.md, "Mutation testing"). Each asserts
//! behaviour that docs/SEMANTICS.md or docs/DECISIONS.md defines (or the documented
//! public API of `matcher`), never a particular code path.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "integration-test code: helpers outside #[test] functions fail by panicking too"
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
    // `*.`, `?.` and `.*.` against `..` itself: globset alone says no.
    for (pattern, value) in [
        ("a*/..", "ab/.."),
        ("*..", ".."),
        ("x/*", "x/.."),
        ("*.", ".."),
        ("?.", ".."),
        (".*.", ".."),
    ] {
        for strategy in [SetStrategy::GlobSet, SetStrategy::Loop] {
            let set = PatternSet::with_strategy([Pattern::new(pattern, Case::Sensitive)], strategy);
            assert!(set.is_match(value), "{pattern} vs {value} ({strategy:?})");
            assert!(!set.is_match("zz"), "{pattern} vs zz ({strategy:?})");
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

/// From `GLOBSET_THRESHOLD` patterns on, `PatternSet` hashes the
/// literal-shaped ones and gives the rest to globset when they are at
/// least as many, never for case-insensitive patterns (globset's folding
/// is not R6's).
#[test]
fn pattern_set_strategy_is_as_documented() {
    let set = |n: usize| {
        PatternSet::new((0..n).map(|i| Pattern::new(&format!("v{i}-*"), Case::Sensitive)))
    };
    let general = |n: usize| (0..n).map(|i| Pattern::new(&format!("g{i}-?*"), Case::Sensitive));
    assert!(!set(GLOBSET_THRESHOLD - 1).uses_globset());
    assert!(!set(GLOBSET_THRESHOLD - 1).uses_index());
    assert!(set(GLOBSET_THRESHOLD).uses_index());
    assert!(!set(GLOBSET_THRESHOLD).uses_globset());
    let g = PatternSet::new(general(GLOBSET_THRESHOLD));
    assert!(g.uses_globset() && !g.uses_index());
    let few_general = PatternSet::new(
        set(GLOBSET_THRESHOLD)
            .patterns()
            .iter()
            .cloned()
            .chain(general(2)),
    );
    // A few general patterns: one globset for all, no index.
    assert!(!few_general.uses_index() && few_general.uses_globset());
    assert!(few_general.is_match("g1-x") && !few_general.is_match("g1-"));
    assert!(few_general.is_match("v3-"));
    let both = PatternSet::new(
        set(GLOBSET_THRESHOLD)
            .patterns()
            .iter()
            .cloned()
            .chain(general(GLOBSET_THRESHOLD)),
    );
    assert!(both.uses_index() && both.uses_globset());
    assert!(both.is_match("g7-é") && both.is_match("v7-") && !both.is_match("g7-"));
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
    // General patterns (a `?` each), so that the set uses globset.
    let mut patterns: Vec<Pattern> = (0..GLOBSET_THRESHOLD)
        .map(|i| Pattern::new(&format!("v{i}-?*"), Case::Sensitive))
        .collect();
    patterns.push(Pattern::new("caf?", Case::Sensitive));
    patterns.push(Pattern::new("*ü", Case::Sensitive));
    let set = PatternSet::new(patterns);
    assert!(set.uses_globset() && set.uses_index());
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

/// R4, R5: a `StringLike` value with a variable is matched as a whole;
/// once the context value is used up, only written `*` may remain.
#[test]
fn like_template_must_cover_the_whole_value() {
    let ctx = |k| [("v", "b"), ("k", k)];
    assert!(holds(r#"{"StringLike":{"k":"a${v}*"}}"#, &ctx("ab")));
    assert!(holds(r#"{"StringLike":{"k":"a${v}*"}}"#, &ctx("abc")));
    assert!(holds(r#"{"StringLike":{"k":"a${v}**"}}"#, &ctx("ab")));
    assert!(!holds(r#"{"StringLike":{"k":"${v}x"}}"#, &ctx("b")));
    assert!(!holds(r#"{"StringLike":{"k":"${v}?"}}"#, &ctx("b")));
    assert!(holds(r#"{"StringLike":{"k":"${v}?"}}"#, &ctx("bé")));
    assert!(holds(r#"{"StringNotLike":{"k":"${v}x"}}"#, &ctx("b")));
}

// ---------------------------------------------------------------- compile

/// The text of `span` in `text`.
fn at(text: &str, span: rolecall_policy::Span) -> &str {
    &text[span.start..span.end]
}

/// The accessors of a compiled policy and its statements point at the
/// right parts of the document.
#[test]
fn compiled_policy_accessors() {
    use rolecall_eval::Effect;
    use rolecall_policy::LanguageVersion;
    let text = r#"{"Version":"2012-10-17","Statement":[
        {"Sid":"One","Effect":"Allow","Principal":{"Federated":"accounts.google.com"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"a":"1","b":"2"},"Null":{"c":"false"}}},
        {"Effect":"Deny","Principal":"*","NotAction":["sts:TagSession"]}]}"#;
    let policy = CompiledPolicy::from_json(text).unwrap();
    assert_eq!(policy.statement_count(), 2);
    assert_eq!(policy.statements().len(), 2);
    assert_eq!(policy.language_version(), LanguageVersion::V2012_10_17);
    assert_eq!(at(text, policy.span()), text);
    let [one, two] = policy.statements() else {
        panic!("two statements")
    };
    assert_eq!(one.sid(), Some("One"));
    assert_eq!(at(text, one.sid_span().unwrap()), "\"One\"");
    assert_eq!(two.sid(), None);
    assert_eq!(two.sid_span(), None);
    assert_eq!(one.effect(), Effect::Allow);
    assert_eq!(two.effect(), Effect::Deny);
    assert_eq!(
        (Effect::Allow.to_string(), Effect::Deny.to_string()),
        ("Allow".into(), "Deny".into())
    );
    assert_eq!(at(text, one.effect_span()), "\"Allow\"");
    assert_eq!(at(text, two.effect_span()), "\"Deny\"");
    assert!(at(text, one.span()).starts_with("{\"Sid\":\"One\""));
    assert!(at(text, two.span()).starts_with("{\"Effect\":\"Deny\""));
    assert_eq!(
        at(text, one.principal_span()),
        r#"{"Federated":"accounts.google.com"}"#
    );
    assert_eq!(at(text, two.principal_span()), "\"*\"");
    assert_eq!(
        at(text, one.action_span()),
        "\"sts:AssumeRoleWithWebIdentity\""
    );
    assert_eq!(at(text, two.action_span()), "[\"sts:TagSession\"]");
    assert!(!one.is_not_action());
    assert!(two.is_not_action());
    assert_eq!(one.condition_count(), 3);
    assert_eq!(two.condition_count(), 0);
    // No `Version`: 2008-10-17.
    let old = CompiledPolicy::from_json(
        r#"{"Statement":{"Effect":"Allow","Principal":"*","Action":"*"}}"#,
    )
    .unwrap();
    assert_eq!(old.language_version(), LanguageVersion::V2008_10_17);
    assert_eq!(old.statement_count(), 1);
}

/// A refused policy is an error carrying every finding with its position
/// (R1, D10), and its message names the first one.
#[test]
fn compile_errors_carry_findings_and_positions() {
    let one =
        r#"{"Version":"2011-01-01","Statement":{"Effect":"Allow","Principal":"*","Action":"*"}}"#;
    let two = r#"{"Version":"2011-01-01","Statement":{"Effect":"Allow","Principal":"*","Action":"s3:*"}}"#;
    let err = |text: &str| match CompiledPolicy::from_json(text) {
        Err(rolecall_eval::PolicyError::Compile(e)) => e,
        other => panic!("expected a compile error, got {other:?}"),
    };
    let e = err(one);
    assert_eq!(e.findings().len(), 1);
    assert_eq!(e.span(), e.findings()[0].span);
    assert_eq!(at(one, e.span()), "\"2011-01-01\"");
    let msg = e.to_string();
    assert!(
        msg.starts_with("policy is refused: line 1, column 12: "),
        "{msg}"
    );
    assert!(
        msg.ends_with(&format!("[{}]", e.findings()[0].rule)),
        "{msg}"
    );
    let e = err(two);
    assert_eq!(e.findings().len(), 2);
    assert_eq!(at(two, e.span()), "\"2011-01-01\"");
    assert!(e.to_string().ends_with(" (and 1 more problem)"), "{e}");
}

// ---------------------------------------------------------------- request

/// The accessors of `Request`, `Context`, `ContextEntry`, `ContextValue`
/// and `FoldedKey` (R6, R11).
#[test]
fn request_and_context_accessors() {
    use rolecall_eval::request::{Context, ContextValue, FoldedKey};
    let request = Request::builder()
        .principal(P)
        .action("sts:AssumeRoleWithWebIdentity")
        .value("Server.Example.com:Sub", "s")
        .values("amr", ["a", "b"])
        .build()
        .unwrap();
    assert_eq!(request.principal(), P);
    assert_eq!(request.action(), "sts:AssumeRoleWithWebIdentity");
    let tag = request.with_action("sts:TagSession");
    assert_eq!(tag.action(), "sts:TagSession");
    assert_eq!(tag.principal(), P);
    assert_eq!(tag.context(), request.context());
    let ctx = request.context();
    assert_eq!(ctx.len(), 2);
    assert!(!ctx.is_empty());
    assert!(Context::new().is_empty());
    assert_eq!(Context::new().len(), 0);
    let names: Vec<&str> = ctx.iter().map(|e| e.name()).collect();
    assert_eq!(names, ["amr", "Server.Example.com:Sub"]);
    let names: Vec<&str> = ctx.into_iter().map(|e| e.name()).collect();
    assert_eq!(names, ["amr", "Server.Example.com:Sub"]);
    let key = FoldedKey::new("SERVER.example.COM:sub");
    assert_eq!(key.as_str(), "server.example.com:sub");
    assert_eq!(key.to_string(), "server.example.com:sub");
    assert!(ctx.contains(&key));
    assert!(!ctx.contains(&FoldedKey::new("server.example.com:aud")));
    let sub = ctx.get(&key).unwrap();
    assert_eq!(sub.folded(), &key);
    assert_eq!(sub.value(), &ContextValue::Single("s".into()));
    assert_eq!(sub.value().as_single(), Some("s"));
    assert!(!sub.value().is_multivalued());
    assert_eq!(sub.value().values(), ["s"]);
    let amr = ctx.lookup("AMR").unwrap().value();
    assert!(amr.is_multivalued());
    assert_eq!(amr.as_single(), None);
    assert_eq!(amr.values(), ["a", "b"]);
    assert!(ctx.lookup("nothing").is_none());
    // Non-ASCII spellings fold too (R6): `K` (KELVIN SIGN) is `k`.
    let mut c = Context::new();
    c.insert("\u{212A}ey", ContextValue::Single("v".into()))
        .unwrap();
    assert_eq!(c.lookup("KEY").unwrap().name(), "\u{212A}ey");
    assert!(c.insert("key", ContextValue::Single("w".into())).is_err());
    assert_eq!(c.len(), 1);
}

/// R4, R8: in an ARN value without variables, `${*}` is a literal `*` in
/// its component, not a wildcard and not dropped.
#[test]
fn arn_value_escapes_are_literal() {
    let cond = r#"{"ArnLike":{"k":"arn:aws:s3:::b${*}"}}"#;
    assert!(holds(cond, &[("k", "arn:aws:s3:::b*")]));
    assert!(!holds(cond, &[("k", "arn:aws:s3:::b")]));
    assert!(!holds(cond, &[("k", "arn:aws:s3:::bx")]));
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

// ----------------------------------------------------------------- claims

/// Session tags in the token: a tag value must be an array of one
/// string; one non-string element is a type error, not a multivalued tag.
/// `WebIdentity::insert` refuses a key equal ignoring case (R11).
#[test]
fn tag_types_and_identity_insert() {
    use rolecall_eval::claims::{ClaimRules, RoleAccount, TokenError, WebIdentity};
    use rolecall_eval::request::ContextValue;
    use serde_json::json;
    let role = RoleAccount::from_role_arn("arn:aws:iam::111122223333:role/r").unwrap();
    let claims = |tags: serde_json::Value| {
        json!({"iss": "https://server.example.com", "sub": "s", "aud": "a",
               "https://aws.amazon.com/tags": {"principal_tags": tags}})
    };
    let err = WebIdentity::from_claims(
        &claims(json!({"Project": [1]})),
        None,
        &role,
        &ClaimRules::default(),
    )
    .unwrap_err();
    assert!(
        matches!(&err, TokenError::ClaimType { claim, .. } if claim.ends_with("principal_tags.Project")),
        "{err:?}"
    );
    let mut id = WebIdentity::from_claims(
        &claims(json!({"Project": ["X"]})),
        None,
        &role,
        &ClaimRules::default(),
    )
    .unwrap();
    id.insert("custom:key", ContextValue::Single("v".into()))
        .unwrap();
    assert_eq!(
        id.context()
            .lookup("CUSTOM:KEY")
            .unwrap()
            .value()
            .as_single(),
        Some("v")
    );
    assert!(id
        .insert("Custom:Key", ContextValue::Single("w".into()))
        .is_err());
}

/// The rule an explanation names for the policy's only condition.
fn explained_rule(policy: &CompiledPolicy, ctx: &[(&str, &str)]) -> rolecall_eval::Rule {
    let mut b = Request::builder()
        .principal(P)
        .action("sts:AssumeRoleWithWebIdentity");
    for (k, v) in ctx {
        b = b.value(*k, *v);
    }
    let e = rolecall_eval::explain(policy, &b.build().unwrap());
    e.details[0].conditions[0].rule
}

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

/// docs/DECISIONS.md R12, R20: the claim table is data; `with_table` uses the table it is
/// given (and only that table), matching whole providers.
#[test]
fn claim_rules_use_the_table_they_are_given() {
    use rolecall_eval::claims::{ClaimKey, ClaimRules, ProviderClaims};
    static TABLE: &[ProviderClaims] = &[ProviderClaims {
        provider: "auth.example.com/${SubPath}",
        claims: &[ClaimKey::string("team")],
    }];
    let custom = ClaimRules::with_table(TABLE);
    let names =
        |p: &str| -> Vec<&str> { custom.provider_claims(p).iter().map(|k| k.name).collect() };
    assert_eq!(names("auth.example.com/tenant"), ["team"]);
    assert!(names("auth.example.com").is_empty());
    assert!(names("token.actions.githubusercontent.com").is_empty());
    assert!(ClaimRules::default()
        .provider_claims("auth.example.com/tenant")
        .is_empty());
}

/// A bad final base64url symbol is reported at its byte in the token, in
/// the part it belongs to.
#[test]
fn bad_last_base64_symbol_is_located() {
    use rolecall_eval::claims::{decode_jwt, TokenError, TokenPart};
    // `e30` is `{}`; in `e31` the last symbol carries bits past the data.
    let err = decode_jwt("e30.e31.c2ln").unwrap_err();
    assert!(
        matches!(
            err,
            TokenError::Base64 {
                part: TokenPart::Claims,
                offset: 6
            }
        ),
        "{err:?}"
    );
    assert_eq!(
        err.to_string(),
        "token claims is not base64url without padding at byte 6"
    );
}

/// R4 in a large `StringLike` set: the values with policy variables are
/// looked at one by one beside the set, and an unresolved or non-matching
/// template never makes the condition true.
#[test]
fn large_like_sets_with_policy_variables() {
    let mut values: Vec<String> = (0..GLOBSET_THRESHOLD)
        .map(|i| format!("\"x{i}-*\""))
        .collect();
    values.push("\"repo:${k2}/*\"".into());
    let like = format!(r#"{{"StringLike":{{"k":[{}]}}}}"#, values.join(","));
    // The template matches: `k2` substituted.
    assert!(holds(&like, &[("k", "repo:org/a"), ("k2", "org")]));
    // The template does not match, nor does any literal pattern.
    assert!(!holds(&like, &[("k", "repo:other/a"), ("k2", "org")]));
    // `k2` missing: the template is unresolved and matches nothing.
    assert!(!holds(&like, &[("k", "repo:org/a")]));
    // A literal pattern of the set still matches.
    assert!(holds(&like, &[("k", "x7-y")]));
    // Negated: StringNotLike holds only when nothing matches.
    let not_like = like.replace("StringLike", "StringNotLike");
    assert!(!holds(&not_like, &[("k", "repo:org/a"), ("k2", "org")]));
    assert!(holds(&not_like, &[("k", "repo:other/a"), ("k2", "org")]));
    assert!(holds(&not_like, &[("k", "repo:org/a")]));
}
