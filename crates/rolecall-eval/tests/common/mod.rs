//! Helpers shared by integration test files: a one-statement Allow policy for
//! the web-identity provider `P`, and decisions and explanations for requests
//! with single-valued context keys.
#![allow(dead_code, reason = "each test file uses only some of these helpers")]

use rolecall_eval::request::Request;
use rolecall_eval::{decide, evaluate, CompiledPolicy, Decision};

/// The federated principal of every policy and request made here.
pub const P: &str = "arn:aws:iam::111122223333:oidc-provider/server.example.com";

/// An Allow statement for `P` with one condition block.
pub fn allow_with(condition: &str) -> CompiledPolicy {
    CompiledPolicy::from_json(&format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"Federated":"{P}"}},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{condition}}}]}}"#
    ))
    .unwrap_or_else(|e| panic!("{condition}: {e}"))
}

/// The decision for a request with single-valued context keys; `evaluate`
/// and `decide` must agree.
pub fn decision(policy: &CompiledPolicy, ctx: &[(&str, &str)]) -> Decision {
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

/// Whether `condition` holds for a request with the context `ctx`.
pub fn holds(condition: &str, ctx: &[(&str, &str)]) -> bool {
    decision(&allow_with(condition), ctx) == Decision::Allow
}

/// The text of `span` in `text`.
pub fn at(text: &str, span: rolecall_policy::Span) -> &str {
    &text[span.start..span.end]
}

/// The rule an explanation names for the policy's only condition.
pub fn explained_rule(policy: &CompiledPolicy, ctx: &[(&str, &str)]) -> rolecall_eval::Rule {
    let mut b = Request::builder()
        .principal(P)
        .action("sts:AssumeRoleWithWebIdentity");
    for (k, v) in ctx {
        b = b.value(*k, *v);
    }
    let e = rolecall_eval::explain(policy, &b.build().unwrap());
    e.details[0].conditions[0].rule
}
