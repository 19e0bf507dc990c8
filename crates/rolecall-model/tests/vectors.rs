//! Runs the shared test vectors of `testdata/*.toml` against the model.
//!
//! The file format is documented in `testdata/README.md`. The parsing here is
//! kept plain so that a shared loader (engine, model and CLI) can copy it.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use rolecall_model::{evaluate, is_valid_policy, ContextValue, Decision, ModelError, Request};
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

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

/// A context value: a string is single-valued, an array multivalued.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum VectorValue {
    Single(String),
    Multi(Vec<String>),
}

/// The expected result of a vector.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expected {
    Decision(Decision),
    Invalid,
}

fn testdata() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata")
}

/// Loads every vector of every `testdata/*.toml`, with its file name.
fn load_all() -> Vec<(String, Vector)> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(testdata())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    assert!(
        !files.is_empty(),
        "no vector files in {}",
        testdata().display()
    );
    let mut all = Vec::new();
    for path in files {
        let text = std::fs::read_to_string(&path).unwrap();
        let file: VectorFile =
            toml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let file_name = path.file_name().unwrap().to_string_lossy().into_owned();
        all.extend(file.test.into_iter().map(|v| (file_name.clone(), v)));
    }
    all
}

fn expected(v: &Vector) -> Expected {
    match v.decision.as_str() {
        "Allow" => Expected::Decision(Decision::Allow),
        "ImplicitDeny" => Expected::Decision(Decision::ImplicitDeny),
        "ExplicitDeny" => Expected::Decision(Decision::ExplicitDeny),
        "Invalid" => Expected::Invalid,
        other => panic!("{}: unknown decision `{other}`", v.name),
    }
}

fn request(v: &Vector) -> Request {
    Request {
        principal: v.principal.clone(),
        action: v.action.clone(),
        context: v
            .context
            .iter()
            .map(|(k, value)| {
                let value = match value {
                    VectorValue::Single(s) => ContextValue::Single(s.clone()),
                    VectorValue::Multi(m) => ContextValue::Multi(m.clone()),
                };
                (k.clone(), value)
            })
            .collect(),
    }
}

#[test]
fn vectors_are_well_formed() {
    let all = load_all();
    let mut names = BTreeSet::new();
    for (file, v) in &all {
        assert!(
            names.insert(v.name.clone()),
            "{file}: duplicate vector name `{}`",
            v.name
        );
        let deciding = matches!(
            expected(v),
            Expected::Decision(Decision::Allow | Decision::ExplicitDeny)
        );
        assert_eq!(
            deciding,
            !v.statements.is_empty(),
            "{file}: `{}`: deciding statements are listed exactly for Allow and ExplicitDeny",
            v.name
        );
    }
}

/// Every evaluation case of SEMANTICS.md section 9 (A to H, and the
/// evaluation cases of I) has at least one vector named after it.
#[test]
fn every_golden_case_has_a_vector() {
    let numbers: BTreeSet<u32> = load_all()
        .iter()
        .filter_map(|(_, v)| {
            let mut chars = v.name.chars();
            let section = chars.next()?;
            let digits: String = chars.take_while(char::is_ascii_digit).collect();
            ("ABCDEFGHI".contains(section) && !digits.is_empty()).then(|| digits.parse().unwrap())
        })
        .collect();
    // 89 and 90 are token-stage cases, out of scope for policy vectors.
    let missing: Vec<u32> = (1..=92)
        .filter(|n| ![89, 90].contains(n) && !numbers.contains(n))
        .collect();
    assert!(
        missing.is_empty(),
        "SEMANTICS 9 cases without a vector: {missing:?}"
    );
}

#[test]
fn model_agrees_with_every_vector() {
    let all = load_all();
    let mut failures = Vec::new();
    for (file, v) in &all {
        let got = evaluate(&v.policy, &request(v));
        let ok = match (expected(v), &got) {
            (Expected::Invalid, Err(ModelError::InvalidPolicy(_))) => !is_valid_policy(&v.policy),
            (Expected::Invalid, Err(ModelError::InvalidRequest(_))) => is_valid_policy(&v.policy),
            (Expected::Decision(d), Ok(outcome)) => {
                outcome.decision == d && outcome.statements == v.statements
            }
            _ => false,
        };
        if !ok {
            failures.push(format!(
                "{file}: `{}`: expected {} {:?}, model gave {got:?}",
                v.name, v.decision, v.statements
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} vectors failed:\n{}",
        failures.len(),
        all.len(),
        failures.join("\n")
    );
    // A suite this small would mean files went missing.
    assert!(all.len() >= 250, "only {} vectors loaded", all.len());
}
