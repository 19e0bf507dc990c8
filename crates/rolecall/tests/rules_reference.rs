//! The rule reference: `rolecall audit --list-rules`, docs/RULES.md generated from it, and
//! the catalogue's examples, each of which must fire its own rule.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "integration-test code: helpers outside #[test] functions fail by panicking too"
)]

mod common;
use common::rolecall;

use rolecall_audit::rules::RULES;

fn repo_root() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn stdout_of(args: &[&str]) -> String {
    let out = rolecall()
        .args(args)
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    String::from_utf8(out).unwrap()
}

#[test]
fn docs_rules_md_is_the_generated_reference() {
    let generated = stdout_of(&["audit", "--list-rules", "--format", "markdown"]);
    let committed = std::fs::read_to_string(repo_root().join("docs/RULES.md")).unwrap_or_default();
    assert!(
        committed == generated,
        "docs/RULES.md differs from the rule catalogue; regenerate it with\n  \
         cargo run -p rolecall -- audit --list-rules --format markdown > docs/RULES.md"
    );
    for r in RULES {
        assert!(generated.contains(&format!("\n## {}\n", r.id)), "{}", r.id);
        assert!(generated.contains(r.detects) && generated.contains(r.example.text));
    }
}

/// Every example in the catalogue, audited as a user would (a file, with `--providers` when
/// the rule needs it), reports its rule.
#[test]
fn every_catalogue_example_fires_its_rule() {
    let dir = std::env::temp_dir().join(format!("rolecall-rule-examples-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for r in RULES {
        assert!(
            r.example.file.starts_with(r.id.as_str()),
            "{}: {}",
            r.id,
            r.example.file
        );
        assert!(r.example.text.ends_with('\n'), "{}: no final newline", r.id);
        let file = dir.join(r.example.file);
        std::fs::write(&file, r.example.text).unwrap();
        let mut cmd = rolecall();
        cmd.arg("audit")
            .arg(&file)
            .args(["--format", "json", "--min-severity", "info"]);
        if let Some(p) = r.example.providers {
            let providers = dir.join("providers.json");
            std::fs::write(&providers, p).unwrap();
            cmd.arg("--providers").arg(providers);
        }
        // A policy that does not parse fails the run (2, fail closed); other rules give 1.
        let code = if r.id == "TP-INVALID-POLICY" { 2 } else { 1 };
        let out = cmd.assert().code(code).get_output().stdout.clone();
        let report: serde_json::Value = serde_json::from_slice(&out).unwrap();
        let rules: Vec<&str> = report["policies"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|p| p["findings"].as_array().unwrap())
            .map(|f| f["rule"].as_str().unwrap())
            .collect();
        assert!(
            rules.contains(&r.id.as_str()),
            "{}: the example reports {rules:?}",
            r.id
        );
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn catalogue_is_complete_and_cites_only_public_sources() {
    let mut ids: Vec<&str> = RULES.iter().map(|r| r.id.as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), RULES.len(), "duplicate rule ids");
    for r in RULES {
        for text in [r.title, r.detects, r.why, r.fix] {
            assert!(!text.trim().is_empty(), "{}: empty text", r.id);
        }
        for u in r.references {
            assert!(
                u.starts_with("https://"),
                "{}: reference `{u}` is not a URL",
                r.id
            );
            assert!(!u.contains("example.invalid"), "{}: {u}", r.id);
        }
    }
}

#[test]
fn list_rules_json_and_text() {
    let json: serde_json::Value =
        serde_json::from_str(&stdout_of(&["audit", "--list-rules", "--format", "json"])).unwrap();
    let rules = json["rules"].as_array().unwrap();
    assert_eq!(rules.len(), RULES.len());
    for (j, r) in rules.iter().zip(RULES) {
        assert_eq!(j["id"], r.id.as_str());
        assert_eq!(j["severity"], r.severity.as_str());
        assert_eq!(j["detects"], r.detects);
        assert_eq!(j["example"]["text"], r.example.text);
    }
    assert!(!json["not_implemented"].as_array().unwrap().is_empty());
    let text = stdout_of(&["audit", "--list-rules"]);
    for r in RULES {
        assert!(
            text.contains(&format!("{}  {}  {}\n", r.id, r.severity, r.title)),
            "{}",
            r.id
        );
    }
    // Formats that describe findings, not rules, are refused; paths are refused too.
    rolecall()
        .args(["audit", "--list-rules", "--format", "sarif"])
        .assert()
        .code(2);
    rolecall()
        .args(["audit", "--list-rules", "examples/"])
        .assert()
        .code(2);
}
