//! Runs the shared test vectors of `testdata/*.toml` (format in
//! `testdata/README.md`) against the engine: its decision and deciding
//! statements must equal the vector's, `explain` must agree with `decide`,
//! and the engine must agree with the reference model (`rolecall-model`)
//! on every vector.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "integration-test code: helpers outside #[test] functions fail by panicking too"
)]

use rolecall_eval::request::Request;
use rolecall_eval::{decide, evaluate, explain, CompiledPolicy, Decision};
use rolecall_model::ContextValue;
use rolecall_testkit::vectors::{Expected, Vector};

/// Every vector with its file name (`rolecall_testkit::vectors`, the loader
/// every runner shares; it refuses duplicate names).
fn load_all() -> Vec<(String, Vector)> {
    rolecall_testkit::vectors::load_all()
        .unwrap_or_else(|e| panic!("{e}"))
        .into_iter()
        .map(|v| (v.file.clone(), v))
        .collect()
}

fn engine_request(v: &Vector) -> Result<Request, rolecall_eval::request::RequestError> {
    let mut b = Request::builder().principal(&v.principal).action(&v.action);
    for (k, value) in &v.context {
        b = match value {
            ContextValue::Single(s) => b.value(k, s),
            ContextValue::Multi(m) => b.values(k, m),
        };
    }
    b.build()
}

/// The vector's expectation in the runner's vocabulary.
fn wanted(v: &Vector) -> (String, Vec<usize>) {
    let d = match v.expected {
        Expected::Invalid => "Invalid",
        Expected::Decision(rolecall_model::Decision::Allow) => "Allow",
        Expected::Decision(rolecall_model::Decision::ImplicitDeny) => "ImplicitDeny",
        Expected::Decision(rolecall_model::Decision::ExplicitDeny) => "ExplicitDeny",
    };
    (d.into(), v.statements.clone())
}

/// The engine's answer in the vector's vocabulary: `Invalid`, or the
/// decision with its statements.
fn engine(v: &Vector) -> (String, Vec<usize>) {
    let policy = match CompiledPolicy::from_json(&v.policy) {
        Ok(p) => p,
        Err(_) => return ("Invalid".into(), Vec::new()),
    };
    let request = match engine_request(v) {
        Ok(r) => r,
        Err(_) => return ("Invalid".into(), Vec::new()),
    };
    let outcome = decide(&policy, &request);
    // The allocation-free path and the explanation must agree with decide.
    assert_eq!(evaluate(&policy, &request), outcome.decision, "{}", v.name);
    let explanation = explain(&policy, &request);
    assert_eq!(
        explanation.decision, outcome.decision,
        "{}: explain",
        v.name
    );
    assert_eq!(
        explanation.statements, outcome.statements,
        "{}: explain",
        v.name
    );
    // Both renderings work for every vector.
    assert!(!explanation.to_string().is_empty());
    serde_json::to_string(&explanation).unwrap();
    (name(outcome.decision).into(), outcome.statements)
}

fn name(d: Decision) -> &'static str {
    match d {
        Decision::Allow => "Allow",
        Decision::ImplicitDeny => "ImplicitDeny",
        Decision::ExplicitDeny => "ExplicitDeny",
    }
}

fn model(v: &Vector) -> (String, Vec<usize>) {
    match rolecall_model::evaluate(&v.policy, &v.request()) {
        Ok(o) => {
            let d = match o.decision {
                rolecall_model::Decision::Allow => "Allow",
                rolecall_model::Decision::ImplicitDeny => "ImplicitDeny",
                rolecall_model::Decision::ExplicitDeny => "ExplicitDeny",
            };
            (d.into(), o.statements)
        }
        Err(_) => ("Invalid".into(), Vec::new()),
    }
}

#[test]
fn engine_agrees_with_every_vector_and_the_model() {
    let all = load_all();
    assert!(all.len() >= 400, "only {} vectors loaded", all.len());
    let mut failures = Vec::new();
    for (file, v) in &all {
        let got = engine(v);
        let want = wanted(v);
        if got != want {
            failures.push(format!(
                "{file}: `{}`: expected {want:?}, engine gave {got:?}",
                v.name
            ));
        }
        let m = model(v);
        if got != m {
            failures.push(format!(
                "{file}: `{}`: engine gave {got:?}, model gave {m:?}",
                v.name
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures over {} vectors:\n{}",
        failures.len(),
        all.len(),
        failures.join("\n")
    );
}

/// A compile refusal carries the findings with positions.
#[test]
fn invalid_policies_carry_positions() {
    let err = CompiledPolicy::from_json(
        "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"allow\",\n\"Principal\":\"*\",\"Action\":\"sts:AssumeRoleWithWebIdentity\"}]}",
    )
    .unwrap_err();
    let rolecall_eval::PolicyError::Compile(e) = err else {
        panic!("expected a compile error, got {err:?}");
    };
    assert_eq!(e.findings()[0].rule, "TPV-EFFECT-CASE");
    assert_eq!((e.span().line, e.span().column), (1, 48));
    assert!(
        e.to_string()
            .starts_with("policy is refused: line 1, column 48: "),
        "{e}"
    );
}

/// A vector that carries its token: the engine's token stage (with the
/// current claim table, docs/SEMANTICS.md §4.7) must give exactly the
/// vector's principal and context, so the context the model evaluates is the
/// one STS would build from that token.
#[test]
fn token_vectors_derive_their_context() {
    use rolecall_eval::claims::{ClaimRules, RoleAccount, WebIdentity};
    let all = load_all();
    let mut seen = 0;
    let mut failures = Vec::new();
    for (file, v) in &all {
        let Some(claims) = &v.token else { continue };
        seen += 1;
        // The role lives in the provider's account (docs/SEMANTICS.md §2.3).
        let (partition, account) = role_partition_and_account(&v.principal);
        let role =
            RoleAccount::from_role_arn(&format!("arn:{partition}:iam::{account}:role/vector"))
                .unwrap();
        let id = match WebIdentity::from_claims(claims, None, &role, &ClaimRules::default()) {
            Ok(id) => id,
            Err(e) => {
                failures.push(format!("{file}: `{}`: token refused: {e}", v.name));
                continue;
            }
        };
        if id.principal() != v.principal {
            failures.push(format!(
                "{file}: `{}`: token gives principal {}",
                v.name,
                id.principal()
            ));
        }
        let mut got: Vec<(String, ContextValue)> = id
            .context()
            .iter()
            .map(|e| {
                let value = match e.value() {
                    rolecall_eval::request::ContextValue::Single(s) => {
                        ContextValue::Single(s.clone())
                    }
                    rolecall_eval::request::ContextValue::Multi(m) => {
                        ContextValue::Multi(m.clone())
                    }
                };
                (e.name().to_owned(), value)
            })
            .collect();
        let mut want = v.context.clone();
        got.sort_by(|a, b| a.0.cmp(&b.0));
        want.sort_by(|a, b| a.0.cmp(&b.0));
        if got != want {
            failures.push(format!("{file}: `{}`: token gives context {got:?}", v.name));
        }
    }
    assert!(seen >= 8, "only {seen} token vectors");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The partition and account of a vector's role: those of its provider ARN
/// (the role lives in the provider's account and partition,
/// docs/SEMANTICS.md §2.3), or `aws` and the example account for a
/// built-in provider.
fn role_partition_and_account(principal: &str) -> (&str, &str) {
    let mut parts = principal
        .strip_prefix("arn:")
        .unwrap_or_default()
        .split(':');
    match (parts.next(), parts.next(), parts.next(), parts.next()) {
        (Some(partition), Some("iam"), Some(""), Some(account)) => (partition, account),
        _ => ("aws", "111122223333"),
    }
}
