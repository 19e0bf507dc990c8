//! The analyzer's properties (`rolecall-analyze` against `rolecall-eval`):
//!
//! * a request is in the analyzer's allowed set exactly when the evaluator
//!   allows it;
//! * a witness is allowed, and no sampled request is allowed when the
//!   analyzer finds no witness;
//! * `implies`/`equivalent` agree with the sampled requests; a policy is
//!   equivalent to itself; dropping an Allow statement never grants new
//!   access, and neither does adding back a dropped Deny.
//!
//! A policy the analyzer refuses (not exactly analysable) is counted, not
//! checked; the callers report how many.

use rolecall_analyze::{AnalysisError, Analyzer, Equivalence, Implication, Limits};
use rolecall_eval::compile::CompiledPolicy;
use rolecall_eval::request::Request as EngineRequest;
use rolecall_eval::{evaluate, Decision};
use rolecall_model::Request;

use crate::diff_check::{engine_request, scenario_of_bytes};

/// What [`check_analyzer`] did with a policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Checked {
    /// The evaluator refuses the policy: nothing to analyse.
    NotCompiled,
    /// The analyzer refuses it as not exactly analysable (the reason).
    Refused(String),
    /// Every property held.
    Checked(Stats),
}

/// What a checked policy exercised.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stats {
    /// Sampled requests compared with the allowed set.
    pub requests: usize,
    /// Of those, how many the evaluator allows.
    pub allowed: usize,
    /// Whether the analyzer found a witness.
    pub witness: bool,
    /// `implies` answers with a new-access witness (over the dropped-statement
    /// and pair checks).
    pub new_access: usize,
    /// `implies` answers that hold.
    pub implied: usize,
}

/// Limits small enough that a generated policy never takes long.
fn analyzer() -> Analyzer {
    Analyzer::new(Limits {
        max_states: 4_000,
        max_search: 4_000,
    })
}

fn allowed(p: &CompiledPolicy, r: &EngineRequest) -> bool {
    evaluate(p, r) == Decision::Allow
}

/// Unwraps an analysis result: a refusal becomes `Err(reason)`, a rejected
/// witness panics (the analyzer contradicted the evaluator).
fn ok<T>(r: Result<T, AnalysisError>, policy_json: &str) -> Result<T, String> {
    match r {
        Ok(v) => Ok(v),
        Err(e @ AnalysisError::NotExactlyAnalysable { .. }) => Err(e.to_string()),
        #[expect(clippy::panic, reason = "a failed property is reported by panicking")]
        Err(e) => panic!("analyzer error: {e}\npolicy: {policy_json}"),
    }
}

/// The policy without statement `i` (when it has an array of two or more
/// statements); `None` otherwise.
pub fn without_statement(policy_json: &str, i: usize) -> Option<String> {
    let mut v: serde_json::Value = serde_json::from_str(policy_json).ok()?;
    let statements = v.get_mut("Statement")?.as_array_mut()?;
    if statements.len() < 2 || i >= statements.len() {
        return None;
    }
    statements.remove(i);
    serde_json::to_string(&v).ok()
}

fn effect_of(policy_json: &str, i: usize) -> Option<String> {
    let v: serde_json::Value = serde_json::from_str(policy_json).ok()?;
    Some(
        v.get("Statement")?
            .as_array()?
            .get(i)?
            .get("Effect")?
            .as_str()?
            .to_owned(),
    )
}

/// Requests next to `r`: each context key dropped, made a list (empty,
/// of its value, of its value and an empty string, of its value and
/// another), or given another value; the action in another case.
pub fn neighbours(r: &EngineRequest) -> Vec<EngineRequest> {
    use rolecall_eval::request::{Context, ContextValue};
    let entries: Vec<(String, ContextValue)> = r
        .context()
        .iter()
        .map(|e| (e.name().to_owned(), e.value().clone()))
        .collect();
    let rebuild = |skip: usize, with: Option<ContextValue>| {
        let mut c = Context::new();
        for (i, (k, v)) in entries.iter().enumerate() {
            let v = if i == skip {
                with.clone()
            } else {
                Some(v.clone())
            };
            if let Some(v) = v {
                c.insert(k.clone(), v).ok()?;
            }
        }
        Some(EngineRequest::new(r.principal(), r.action(), c))
    };
    let mut out = Vec::new();
    for (i, (_, v)) in entries.iter().enumerate() {
        let first = v.values().first().cloned().unwrap_or_default();
        let variants = [
            None,
            Some(ContextValue::Multi(Vec::new())),
            Some(ContextValue::Multi(vec![first.clone()])),
            Some(ContextValue::Multi(vec![first.clone(), String::new()])),
            Some(ContextValue::Multi(vec![first.clone(), "zz".into()])),
            Some(ContextValue::Single(format!("{first}x"))),
            Some(ContextValue::Single(first.to_uppercase())),
            Some(ContextValue::Single(String::new())),
        ];
        out.extend(variants.into_iter().filter_map(|v| rebuild(i, v)));
    }
    out.push(EngineRequest::new(
        r.principal(),
        r.action().to_uppercase(),
        r.context().clone(),
    ));
    out.push(EngineRequest::new(
        format!("{}x", r.principal()),
        r.action(),
        r.context().clone(),
    ));
    out
}

/// Checks `implies(a, b)` against the requests.
fn check_implies(
    a: &CompiledPolicy,
    b: &CompiledPolicy,
    requests: &[EngineRequest],
    what: &str,
    stats: &mut Stats,
) -> Result<Implication, String> {
    let answer = ok(analyzer().implies(a, b), what)?;
    match &answer {
        Implication::Holds => {
            stats.implied += 1;
            for r in requests {
                assert!(
                    !allowed(a, r) || allowed(b, r),
                    "implies holds but a sampled request is allowed by the first policy only\n{what}\nrequest: {r:?}"
                );
            }
        }
        Implication::NewAccess(w) => {
            stats.new_access += 1;
            assert!(
                allowed(a, &w.request) && !allowed(b, &w.request),
                "new-access witness not confirmed\n{what}\nwitness: {:?}",
                w.request
            );
        }
    }
    Ok(answer)
}

/// Checks every analyzer property on one policy and its requests.
///
/// # Panics
///
/// When a property fails: this is the fuzz target's oracle.
pub fn check_analyzer(policy_json: &str, requests: &[Request]) -> Checked {
    let Ok(policy) = CompiledPolicy::from_json(policy_json) else {
        return Checked::NotCompiled;
    };
    let requests: Vec<EngineRequest> = requests.iter().filter_map(engine_request).collect();
    let mut stats = Stats::default();
    match check_compiled(policy_json, &policy, &requests, &mut stats) {
        Ok(()) => Checked::Checked(stats),
        Err(reason) => Checked::Refused(reason),
    }
}

fn check_compiled(
    policy_json: &str,
    policy: &CompiledPolicy,
    requests: &[EngineRequest],
    stats: &mut Stats,
) -> Result<(), String> {
    let set = ok(analyzer().allowed_set(policy), policy_json)?;
    for r in requests {
        stats.requests += 1;
        stats.allowed += usize::from(allowed(policy, r));
        assert_eq!(
            set.contains(r),
            allowed(policy, r),
            "analyzer set (left) and evaluator (right) disagree\npolicy: {policy_json}\nrequest: {r:?}"
        );
    }
    match ok(analyzer().witness(policy), policy_json)? {
        Some(w) => {
            stats.witness = true;
            assert!(
                allowed(policy, &w.request),
                "witness not allowed\npolicy: {policy_json}"
            );
            assert!(
                set.contains(&w.request),
                "witness outside the analyzer's set\npolicy: {policy_json}"
            );
            // The witness's neighbours: each key absent, as a list, or
            // with another value; where the answers change.
            for r in neighbours(&w.request) {
                stats.requests += 1;
                stats.allowed += usize::from(allowed(policy, &r));
                assert_eq!(
                    set.contains(&r),
                    allowed(policy, &r),
                    "analyzer set (left) and evaluator (right) disagree near the witness\npolicy: {policy_json}\nrequest: {r:?}"
                );
            }
        }
        None => {
            for r in requests {
                assert!(
                    !allowed(policy, r),
                    "no witness, yet a sampled request is allowed\npolicy: {policy_json}\nrequest: {r:?}"
                );
            }
        }
    }
    let Equivalence {
        only_first,
        only_second,
    } = ok(analyzer().equivalent(policy, policy), policy_json)?;
    assert!(
        only_first.is_none() && only_second.is_none(),
        "a policy differs from itself\npolicy: {policy_json}"
    );
    // Dropping a statement: an Allow only narrows, a Deny only widens.
    for i in 0..8 {
        let Some(smaller) = without_statement(policy_json, i) else {
            break;
        };
        let Ok(smaller_policy) = CompiledPolicy::from_json(&smaller) else {
            continue;
        };
        let what = format!("policy: {policy_json}\nwithout statement {i}: {smaller}");
        let narrower = check_implies(&smaller_policy, policy, requests, &what, stats)?;
        let wider = check_implies(policy, &smaller_policy, requests, &what, stats)?;
        match effect_of(policy_json, i).as_deref() {
            Some("Allow") => assert!(narrower.holds(), "dropping an Allow granted access\n{what}"),
            Some("Deny") => assert!(wider.holds(), "dropping a Deny removed access\n{what}"),
            _ => {}
        }
    }
    Ok(())
}

/// Checks `implies` and `equivalent` between two policies against the
/// requests (sampled for both).
///
/// # Panics
///
/// When an answer contradicts the evaluator.
pub fn check_pair(first_json: &str, second_json: &str, requests: &[Request]) -> Checked {
    let (Ok(a), Ok(b)) = (
        CompiledPolicy::from_json(first_json),
        CompiledPolicy::from_json(second_json),
    ) else {
        return Checked::NotCompiled;
    };
    let requests: Vec<EngineRequest> = requests.iter().filter_map(engine_request).collect();
    let what = format!("first: {first_json}\nsecond: {second_json}");
    let mut stats = Stats::default();
    let mut run = || -> Result<(), String> {
        let ab = check_implies(&a, &b, &requests, &what, &mut stats)?;
        let ba = check_implies(&b, &a, &requests, &what, &mut stats)?;
        let eq = ok(analyzer().equivalent(&a, &b), &what)?;
        assert_eq!(
            eq.holds(),
            ab.holds() && ba.holds(),
            "equivalent is not implies both ways\n{what}"
        );
        Ok(())
    };
    match run() {
        Ok(()) => Checked::Checked(stats),
        Err(reason) => Checked::Refused(reason),
    }
}

/// The fuzz and replay entry point of the `analyzer_vs_evaluator` target:
/// the input as for `engine_vs_model` (a generated scenario, or a policy
/// text up to a NUL byte and bytes choosing the requests).
pub fn check_analyzer_bytes(bytes: &[u8]) {
    let s = scenario_of_bytes(bytes);
    check_analyzer(&s.policy_json, &s.requests);
}
