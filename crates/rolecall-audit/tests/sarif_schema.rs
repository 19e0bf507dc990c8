//! The SARIF log validates against the OASIS SARIF 2.1.0 JSON schema,
//! vendored in `testdata/sarif/` (read offline).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "integration-test code: helpers outside #[test] functions fail by panicking too"
)]

use rolecall_audit::report::Report;
use rolecall_audit::source::audit_source;
use rolecall_audit::{AuditOptions, Severity};
use serde_json::Value;

fn schema() -> jsonschema::Validator {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../testdata/sarif/sarif-schema-2.1.0.json"
    );
    let mut schema: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    // The published schema's `language` patterns have an unescaped `]`,
    // which ECMA-262 regexes (the schema's dialect) read as a literal `]` and
    // Rust's regex engine refuses. Escape it, in memory only: same meaning.
    let fixed = escape_language_patterns(&mut schema);
    assert_eq!(fixed, 2, "the schema's known `language` patterns");
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft7)
        .build(&schema)
        .unwrap()
}

fn escape_language_patterns(v: &mut Value) -> usize {
    const PUBLISHED: &str = "^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$";
    match v {
        Value::Object(map) => {
            let mut n = 0;
            for (k, child) in map.iter_mut() {
                if k == "pattern" && child == PUBLISHED {
                    *child = Value::from(r"^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}\]?$");
                    n += 1;
                } else {
                    n += escape_language_patterns(child);
                }
            }
            n
        }
        Value::Array(items) => items.iter_mut().map(escape_language_patterns).sum(),
        _ => 0,
    }
}

fn errors(validator: &jsonschema::Validator, sarif: &Value) -> Vec<String> {
    validator
        .iter_errors(sarif)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

#[test]
fn every_example_audit_is_valid_sarif() {
    let validator = schema();
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples");
    let mut policies = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "json") {
            let bytes = std::fs::read(&path).unwrap();
            policies.extend(audit_source(
                &path.display().to_string(),
                &bytes,
                &AuditOptions::default(),
            ));
        }
    }
    let report = Report::new(policies, Severity::Info);
    let sarif = report.to_sarif();
    assert!(
        sarif["runs"][0]["results"].as_array().unwrap().len() > 10,
        "the examples should produce findings"
    );
    // The streamed log (what `audit --format sarif` writes) is the same text.
    let mut streamed = Vec::new();
    report.write_sarif(&mut streamed).unwrap();
    assert_eq!(
        String::from_utf8(streamed).unwrap(),
        serde_json::to_string_pretty(&sarif).unwrap()
    );
    let errs = errors(&validator, &sarif);
    assert!(
        errs.is_empty(),
        "{} schema errors:\n{}",
        errs.len(),
        errs.join("\n")
    );
}

#[test]
fn the_schema_check_can_fail() {
    // A log with a result whose level is not a SARIF level must be refused,
    // or the test above would prove nothing.
    let validator = schema();
    let report = Report::new(Vec::new(), Severity::Info);
    let mut sarif = report.to_sarif();
    assert!(errors(&validator, &sarif).is_empty());
    sarif["runs"][0]["results"] = serde_json::json!([{
        "ruleId": "TP-X", "level": "fatal", "message": {"text": "x"}
    }]);
    assert!(!errors(&validator, &sarif).is_empty());
}
