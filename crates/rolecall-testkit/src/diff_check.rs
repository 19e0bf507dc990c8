//! The differential properties: the engine (`rolecall-eval`) and the
//! reference model (`rolecall-model`) decide alike,
//! on generated policies and on arbitrary input.

use arbitrary::Unstructured;
use rolecall_eval::compile::CompiledPolicy;
use rolecall_eval::request::{Context, ContextValue as EngineValue, Request as EngineRequest};
use rolecall_model::{ContextValue, Decision, ModelError, Request};

/// What one side says about one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// A decision and its deciding statements (R10).
    Decided(Decision, Vec<usize>),
    /// The policy is refused (R1).
    InvalidPolicy,
    /// The request is refused (R11).
    InvalidRequest,
}

/// The model's verdict.
pub fn model_answer(policy_json: &str, request: &Request) -> Answer {
    match rolecall_model::evaluate(policy_json, request) {
        Ok(o) => Answer::Decided(o.decision, o.statements),
        Err(ModelError::InvalidPolicy(_)) => Answer::InvalidPolicy,
        Err(_) => Answer::InvalidRequest,
    }
}

/// The request in the engine's type; `None` when two keys are equal
/// ignoring case (R11).
pub fn engine_request(request: &Request) -> Option<EngineRequest> {
    let mut context = Context::new();
    for (name, value) in &request.context {
        let value = match value {
            ContextValue::Single(s) => EngineValue::Single(s.clone()),
            ContextValue::Multi(m) => EngineValue::Multi(m.clone()),
        };
        context.insert(name.clone(), value).ok()?;
    }
    Some(EngineRequest::new(
        request.principal.clone(),
        request.action.clone(),
        context,
    ))
}

/// The engine's decision in the model's type.
pub fn to_model_decision(d: rolecall_eval::Decision) -> Decision {
    match d {
        rolecall_eval::Decision::Allow => Decision::Allow,
        rolecall_eval::Decision::ImplicitDeny => Decision::ImplicitDeny,
        rolecall_eval::Decision::ExplicitDeny => Decision::ExplicitDeny,
    }
}

/// The engine's verdict, given the compiled policy (or its refusal).
///
/// # Panics
///
/// When `evaluate` and `decide` disagree on the decision.
pub fn engine_answer(policy: Option<&CompiledPolicy>, request: &Request) -> Answer {
    let Some(policy) = policy else {
        return Answer::InvalidPolicy;
    };
    let Some(request) = engine_request(request) else {
        return Answer::InvalidRequest;
    };
    let outcome = rolecall_eval::evaluate::decide(policy, &request);
    let fast = rolecall_eval::evaluate::evaluate(policy, &request);
    assert_eq!(
        fast, outcome.decision,
        "engine `evaluate` and `decide` disagree"
    );
    Answer::Decided(to_model_decision(outcome.decision), outcome.statements)
}

/// Checks that engine and model agree on every request: the same decision
/// and deciding statements, or both refuse the policy, or both refuse the
/// request.
///
/// # Panics
///
/// On a disagreement, with the policy and the request: this is the fuzz
/// target's oracle.
pub fn check_engine_vs_model(policy_json: &str, requests: &[Request]) {
    let compiled = CompiledPolicy::from_json(policy_json);
    let model_valid = rolecall_model::is_valid_policy(policy_json);
    assert_eq!(
        compiled.is_ok(),
        model_valid,
        "policy validity differs: engine says {}, model says {}\npolicy: {policy_json}",
        match &compiled {
            Ok(_) => "valid".to_owned(),
            Err(e) => format!("invalid ({e})"),
        },
        if model_valid { "valid" } else { "invalid" },
    );
    for request in requests {
        let engine = engine_answer(compiled.as_ref().ok(), request);
        let model = model_answer(policy_json, request);
        assert_eq!(
            engine, model,
            "engine (left) and model (right) disagree\npolicy: {policy_json}\nrequest: {request:?}"
        );
    }
}

/// Checks engine against model on arbitrary bytes: both refuse, or both
/// decide the same, for a request set derived from the input (the keys and
/// principals it mentions, values from the pool). Never panics otherwise.
///
/// # Panics
///
/// On a disagreement.
pub fn check_arbitrary_json(bytes: &[u8]) {
    let Ok(text) = std::str::from_utf8(bytes) else {
        // R1.1: not UTF-8 is refused; the engine takes text, so check the
        // parser (which takes bytes) refuses it.
        assert!(
            rolecall_policy::parse(bytes).is_err(),
            "non-UTF-8 input parsed"
        );
        return;
    };
    let requests = crate::gen::requests_for_text(text, &mut Unstructured::new(bytes));
    check_engine_vs_model(text, &requests);
}

/// Reads a fuzz input for the policy-and-requests targets: either a policy
/// text (starting with `{`) up to a NUL byte followed by bytes that choose
/// the requests, or bytes that drive the policy generator.
pub fn scenario_of_bytes(bytes: &[u8]) -> crate::gen::Scenario {
    if let (Some(b'{'), Some(nul)) = (bytes.first(), bytes.iter().position(|b| *b == 0)) {
        let (policy, rest) = bytes.split_at(nul);
        if let Ok(policy) = std::str::from_utf8(policy) {
            let rest = rest.get(1..).unwrap_or_default();
            let requests = crate::gen::requests_for_text(policy, &mut Unstructured::new(rest));
            return crate::gen::Scenario {
                policy_json: policy.to_owned(),
                requests,
            };
        }
    }
    crate::gen::scenario(&mut Unstructured::new(bytes))
}

/// The fuzz and replay entry point of the `engine_vs_model` target.
pub fn check_engine_vs_model_bytes(bytes: &[u8]) {
    let s = scenario_of_bytes(bytes);
    check_engine_vs_model(&s.policy_json, &s.requests);
}
