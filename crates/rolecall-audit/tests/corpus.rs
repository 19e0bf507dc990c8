#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "integration-test code: helpers outside #[test] functions fail by panicking too"
)]
//! Data-driven test over the corpus (`testdata/corpus/`): the rule ids in INDEX.md's verdict column that this
//! crate implements must fire, files judged SAFE must produce nothing at Medium or above, and rolecall's
//! verdict on each document (`class_of`) must equal INDEX.md's `class` column, but for the disagreements
//! listed in `DISAGREEMENTS`. `cargo test -p rolecall-audit --test corpus -- --nocapture` prints the
//! confusion table (TESTING.md, "Corpus confusion table").

use rolecall_audit::rules::{NOT_IMPLEMENTED, RULES};
use rolecall_audit::{audit_text, AuditOptions, Finding, Severity, Verdict};

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

/// Corpus files where rolecall's verdict (`class_of`) differs from the class judged in INDEX.md, with
/// why rolecall is wrong. The test asserts that each still differs, so this list only shrinks: when a
/// fix makes rolecall agree, the entry must go. While a file is listed its rule and SAFE checks are
/// skipped (they fail for the same reason). Fixes belong to rolecall-audit (issue 15); TESTING.md's
/// confusion table carries the same list.
const DISAGREEMENTS: &[(&str, &str)] = &[
    // (file, why rolecall is wrong): none today.
];

/// rolecall's verdict on a whole document, in INDEX.md's `class` words: `invalid` when a finding says
/// IAM would refuse it, else `open` when a finding reports callers admitted beyond intent at medium or
/// above, else `broken` when a finding says a statement can never match, else `safe`.
fn class_of(findings: &[Finding]) -> &'static str {
    if findings.iter().any(|f| f.verdict == Verdict::Invalid) {
        "invalid"
    } else if findings
        .iter()
        .any(|f| f.verdict == Verdict::Open && f.severity >= Severity::Medium)
    {
        "open"
    } else if findings.iter().any(|f| f.verdict == Verdict::Broken) {
        "broken"
    } else {
        "safe"
    }
}

const CLASSES: [&str; 4] = ["safe", "open", "broken", "invalid"];

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
    let mut table = [[0usize; 4]; 4];
    for line in index.lines().filter(|l| l.starts_with("| `")) {
        let cols: Vec<&str> = line.split(" | ").collect();
        let file = cols[0].trim_start_matches("| `").trim_end_matches('`');
        let verdict = cols.last().unwrap().trim_end_matches(" |").trim();
        let expected = cols[cols.len() - 2].trim();
        let text = std::fs::read_to_string(dir.join(file)).unwrap();
        files += 1;
        let findings = audit_text(&text, &AuditOptions::default());
        let got = class_of(&findings);
        let Some(row) = CLASSES.iter().position(|c| *c == expected) else {
            failures.push(format!("{file}: class `{expected}` is none of {CLASSES:?}"));
            continue;
        };
        let column = CLASSES.iter().position(|c| *c == got).unwrap();
        table[row][column] += 1;
        let listed = DISAGREEMENTS.iter().any(|(f, _)| *f == file);
        match (got == expected, listed) {
            (true, true) => failures.push(format!(
                "{file}: rolecall now agrees ({got}); remove it from DISAGREEMENTS"
            )),
            (false, false) => failures.push(format!(
                "{file}: class {expected}, rolecall says {got} ({})",
                findings
                    .iter()
                    .map(|f| format!("{} {} {}", f.rule, f.verdict.as_str(), f.severity))
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
            (false, true) => {
                println!("known disagreement: {file}: class {expected}, rolecall says {got}");
                continue;
            }
            (true, false) => {}
        }
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
    println!("corpus: {files} files; rows = class in INDEX.md, columns = rolecall");
    println!(
        "{:>8} {:>6} {:>6} {:>6} {:>7}",
        "", "safe", "open", "broken", "invalid"
    );
    for (name, row) in CLASSES.iter().zip(table) {
        println!(
            "{name:>8} {:>6} {:>6} {:>6} {:>7}",
            row[0], row[1], row[2], row[3]
        );
    }
    for (file, _) in DISAGREEMENTS {
        if !index.contains(&format!("| `{file}` |")) {
            failures.push(format!("{file}: in DISAGREEMENTS but not in INDEX.md"));
        }
    }
    assert!(files >= 130, "only {files} corpus files listed");
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
