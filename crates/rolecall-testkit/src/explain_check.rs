//! The `explanation` property: an explanation tells the truth about the
//! decision it explains.

use crate::diff_check::{engine_request, scenario_of_bytes};
use rolecall_eval::compile::{CompiledPolicy, Effect};
use rolecall_model::{Decision, Request};
use serde_json::Value;

/// Checks one request's explanation against `decide` and the model:
///
/// * `explain` gives `decide`'s decision and deciding statements, and one
///   detail per statement;
/// * each detail's `matched` is its principal, action and conditions all
///   matching;
/// * every deciding statement really matches: the model, given that
///   statement alone as an `Allow`, allows the request;
/// * an implicitly denied request shows at least one failing part
///   (principal, action or a condition) for every `Allow` statement.
///
/// A policy or request that the engine refuses has nothing to explain.
///
/// # Panics
///
/// When the property does not hold.
pub fn check_explanation(policy_json: &str, request: &Request) {
    let Ok(policy) = CompiledPolicy::from_json(policy_json) else {
        return;
    };
    let Some(engine_req) = engine_request(request) else {
        return;
    };
    let outcome = rolecall_eval::evaluate::decide(&policy, &engine_req);
    let e = rolecall_eval::explain::explain(&policy, &engine_req);
    let context = || format!("\npolicy: {policy_json}\nrequest: {request:?}");
    assert_eq!(
        e.decision,
        outcome.decision,
        "explain vs decide: decision{}",
        context()
    );
    assert_eq!(
        e.statements,
        outcome.statements,
        "explain vs decide: statements{}",
        context()
    );
    assert_eq!(
        e.details.len(),
        policy.statement_count(),
        "one detail per statement{}",
        context()
    );
    for (i, d) in e.details.iter().enumerate() {
        assert_eq!(d.index, i, "details in document order{}", context());
        let parts =
            d.principal.matched && d.action.matched && d.conditions.iter().all(|c| c.matched);
        assert_eq!(
            d.matched,
            parts,
            "statement {i}: `matched` is not the AND of its parts{}",
            context()
        );
    }
    let deciding_effect = match e.decision {
        rolecall_eval::Decision::Allow => Some(Effect::Allow),
        rolecall_eval::Decision::ExplicitDeny => Some(Effect::Deny),
        rolecall_eval::Decision::ImplicitDeny => None,
    };
    for &i in &e.statements {
        let d = e.details.get(i);
        assert!(
            d.is_some_and(|d| d.matched && Some(d.effect) == deciding_effect),
            "deciding statement {i} is not a matching statement of the deciding effect{}",
            context()
        );
        assert!(
            statement_alone_allows(policy_json, i, request),
            "deciding statement {i} does not match on its own (model){}",
            context()
        );
    }
    if e.decision == rolecall_eval::Decision::ImplicitDeny {
        for d in e.details.iter().filter(|d| d.effect == Effect::Allow) {
            let failing = !d.principal.matched
                || !d.action.matched
                || d.conditions.iter().any(|c| !c.matched);
            assert!(
                failing,
                "implicit deny, but Allow statement {} shows no failing part{}",
                d.index,
                context()
            );
        }
    }
}

/// Whether the model allows `request` under statement `index` of the policy
/// alone, its effect set to `Allow` (and the same `Version`).
fn statement_alone_allows(policy_json: &str, index: usize, request: &Request) -> bool {
    let Ok(Value::Object(mut doc)) = serde_json::from_str::<Value>(policy_json) else {
        return false;
    };
    let statement = match doc.remove("Statement") {
        Some(Value::Array(mut items)) if index < items.len() => items.swap_remove(index),
        Some(one @ Value::Object(_)) if index == 0 => one,
        _ => return false,
    };
    let Value::Object(mut statement) = statement else {
        return false;
    };
    statement.remove("Sid");
    statement.insert("Effect".into(), Value::String("Allow".into()));
    doc.insert(
        "Statement".into(),
        Value::Array(vec![Value::Object(statement)]),
    );
    let text = Value::Object(doc).to_string();
    matches!(
        rolecall_model::evaluate(&text, request),
        Ok(o) if o.decision == Decision::Allow
    )
}

/// The fuzz and replay entry point of the `explanation` target (same input
/// format as `engine_vs_model`).
pub fn check_explanation_bytes(bytes: &[u8]) {
    let s = scenario_of_bytes(bytes);
    for r in &s.requests {
        check_explanation(&s.policy_json, r);
    }
}
