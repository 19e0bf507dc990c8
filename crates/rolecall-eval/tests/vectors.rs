//! Runs the shared test vectors of `testdata/*.toml` (format in
//! `testdata/README.md`) against the engine: its decision and deciding
//! statements must equal the vector's, `explain` must agree with `decide`,
//! and the engine must agree with the reference model (`rolecall-model`)
//! on every vector.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use rolecall_eval::request::Request;
use rolecall_eval::{decide, evaluate, explain, CompiledPolicy, Decision};
use serde::Deserialize;

/// One `testdata/*.toml` file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct VectorFile {
    test: Vec<Vector>,
}

/// One `[[test]]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Vector {
    name: String,
    policy: String,
    principal: String,
    action: String,
    #[serde(default)]
    context: BTreeMap<String, VectorValue>,
    decision: String,
    #[serde(default)]
    statements: Vec<usize>,
    #[serde(default)]
    #[allow(dead_code)]
    note: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum VectorValue {
    Single(String),
    Multi(Vec<String>),
}

fn testdata() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata")
}

/// Every vector of every file, with its file name; duplicate names are an
/// error.
fn load_all() -> Vec<(String, Vector)> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(testdata())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no vector files");
    let mut all = Vec::new();
    let mut names = BTreeSet::new();
    for path in files {
        let text = std::fs::read_to_string(&path).unwrap();
        let file: VectorFile =
            toml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let file_name = path.file_name().unwrap().to_string_lossy().into_owned();
        for v in file.test {
            assert!(
                names.insert(v.name.clone()),
                "{file_name}: duplicate vector name `{}`",
                v.name
            );
            all.push((file_name.clone(), v));
        }
    }
    all
}

fn engine_request(v: &Vector) -> Result<Request, rolecall_eval::request::RequestError> {
    let mut b = Request::builder().principal(&v.principal).action(&v.action);
    for (k, value) in &v.context {
        b = match value {
            VectorValue::Single(s) => b.value(k, s),
            VectorValue::Multi(m) => b.values(k, m),
        };
    }
    b.build()
}

fn model_request(v: &Vector) -> rolecall_model::Request {
    rolecall_model::Request {
        principal: v.principal.clone(),
        action: v.action.clone(),
        context: v
            .context
            .iter()
            .map(|(k, value)| {
                let value = match value {
                    VectorValue::Single(s) => rolecall_model::ContextValue::Single(s.clone()),
                    VectorValue::Multi(m) => rolecall_model::ContextValue::Multi(m.clone()),
                };
                (k.clone(), value)
            })
            .collect(),
    }
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
    match rolecall_model::evaluate(&v.policy, &model_request(v)) {
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
        let want = (v.decision.clone(), v.statements.clone());
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
