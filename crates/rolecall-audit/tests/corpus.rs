#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "integration-test code: helpers outside #[test] functions fail by panicking too"
)]
//! Data-driven test over the corpus (`testdata/corpus/`): the rule ids in INDEX.md's verdict column that this
//! crate implements must fire, and files judged SAFE must produce nothing at Medium or above.

use rolecall_audit::rules::{NOT_IMPLEMENTED, RULES};
use rolecall_audit::{audit_text, AuditOptions, Severity};

/// Expectations that this crate deliberately does not meet, with the reason. One place.
const KNOWN_GAPS: &[(&str, &str, &str)] = &[
    // (file, rule, reason)
    (
        "awsdocs-iam__externalid-third-party.json",
        "TP-XACCOUNT-NO-EXTERNALID",
        "INDEX mentions it as NOT firing",
    ),
    (
        "awsdocs-iam__google-aud-only.json",
        "TP-OIDC-NO-SUB",
        "conditional: only if meant for one workload; aud is Google's tenant boundary",
    ),
    (
        "issue-cfgawscreds-271__legacy-vstoken-issuer.json",
        "TP-FOREIGN-OR-STALE-PROVIDER",
        "fires (policy part); inventory part not implemented",
    ),
    (
        "awsdocs-iam__cognito-unauthenticated-role.json",
        "TP-STATEMENT-OBJECT",
        "not a finding",
    ),
];

/// Files whose meaning changed with the 2026 claim keys: expectations are checked against the
/// union of findings with and without `pre_2026_claims`.
fn time_dependent(verdict: &str) -> bool {
    verdict.contains("Time-dependent")
}

fn rule_ids(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let b = text.as_bytes();
    let mut i = 0;
    while let Some(pos) = text[i..].find("TP-") {
        let s = i + pos;
        let mut e = s + 3;
        while e < b.len() && (b[e].is_ascii_uppercase() || b[e].is_ascii_digit() || b[e] == b'-') {
            e += 1;
        }
        let id = text[s..e].trim_end_matches('-').to_owned();
        if id.len() > 3 && !out.contains(&id) {
            out.push(id);
        }
        i = e;
    }
    out
}

#[test]
fn corpus_expectations() {
    let dir = rolecall_testkit::corpus_dir();
    let index = std::fs::read_to_string(dir.join("INDEX.md"))
        .unwrap_or_else(|e| panic!("corpus index missing at {} ({e})", dir.display()));
    let mut failures = Vec::new();
    let mut files = 0;
    for line in index.lines().filter(|l| l.starts_with("| `")) {
        let cols: Vec<&str> = line.split(" | ").collect();
        let file = cols[0].trim_start_matches("| `").trim_end_matches('`');
        let verdict = cols.last().unwrap().trim_end_matches(" |").trim();
        let text = std::fs::read_to_string(dir.join(file)).unwrap();
        files += 1;
        let findings = audit_text(&text, &AuditOptions::default());
        let mut fired: Vec<&str> = findings.iter().map(|f| f.rule.as_str()).collect();
        let mut pre = AuditOptions::default();
        pre.pre_2026_claims = true;
        let pre_findings = audit_text(&text, &pre);
        if time_dependent(verdict) {
            fired.extend(pre_findings.iter().map(|f| f.rule.as_str()));
        }
        for id in rule_ids(verdict) {
            let implemented = RULES.iter().any(|r| r.id == id.as_str());
            if !implemented {
                assert!(
                    NOT_IMPLEMENTED.iter().any(|(n, _)| *n == id),
                    "{file}: rule `{id}` neither implemented nor listed in NOT_IMPLEMENTED"
                );
                continue;
            }
            if KNOWN_GAPS.iter().any(|(f, r, _)| *f == file && *r == id) {
                continue;
            }
            if !fired.contains(&id.as_str()) {
                failures.push(format!("{file}: expected {id}, got {fired:?}"));
            }
        }
        if verdict.starts_with("SAFE") {
            for f in findings.iter().filter(|f| f.severity >= Severity::Medium) {
                failures.push(format!(
                    "{file}: SAFE but {} {} {}",
                    f.rule, f.severity, f.message
                ));
            }
        }
    }
    assert!(files >= 90, "only {files} corpus files listed");
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
