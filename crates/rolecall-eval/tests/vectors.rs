//! Runs the shared test vectors of `testdata/*.toml` (format in
//! `testdata/README.md`) against the library through the shared runner
//! (`rolecall_testkit::engine`): its decision and deciding statements must
//! equal the vector's and `explain` must agree with `decide`. The model and
//! the CLI run the same vectors through the same runner in their crates.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "integration-test code: helpers outside #[test] functions fail by panicking too"
)]

use rolecall_eval::CompiledPolicy;
use rolecall_model::ContextValue;
use rolecall_testkit::vectors::Vector;

/// Every vector with its file name (`rolecall_testkit::vectors`, the loader
/// every runner shares; it refuses duplicate names).
fn load_all() -> Vec<(String, Vector)> {
    rolecall_testkit::vectors::load_all()
        .unwrap_or_else(|e| panic!("{e}"))
        .into_iter()
        .map(|v| (v.file.clone(), v))
        .collect()
}

/// Every vector through the library (`decide`, with `evaluate` and
/// `explain` agreeing), by the shared runner.
#[test]
fn library_agrees_with_every_vector() {
    let mut engine = rolecall_testkit::engine::LibraryEngine;
    if let Err(e) = rolecall_testkit::engine::check_engine(&mut engine) {
        panic!("{e}");
    }
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
