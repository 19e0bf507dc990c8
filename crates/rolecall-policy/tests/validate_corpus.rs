//! Runs validation over the shared trust-policy corpus and checks it
//! against the verdicts in its INDEX.md: INVALID documents are refused,
//! SAFE ones are not.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "integration-test code: helpers outside #[test] functions fail by panicking too"
)]

use rolecall_policy::validate::{refusals, validate, FindingClass};

/// `(file, verdict column)` for every row of the index table.
fn index(dir: &std::path::Path) -> Vec<(String, String)> {
    let text = std::fs::read_to_string(dir.join("INDEX.md")).unwrap();
    text.lines()
        .filter(|l| l.starts_with("| `"))
        .map(|l| {
            let cells: Vec<&str> = l.split(" | ").collect();
            let file = cells[0].trim_start_matches("| `").trim_end_matches('`');
            (file.to_owned(), cells[cells.len() - 1].to_owned())
        })
        .collect()
}

/// INVALID verdicts whose reason docs/DECISIONS.md R1 does not make a refusal,
/// with the finding that reports the reason instead.
const INVALID_NOT_REFUSED: &[(&str, &str)] = &[
    // Access Analyzer's MISMATCHED_ACTION_FOR_PRINCIPAL (`sts:AssumeRole`
    // with a Federated principal). Whether IAM refuses it is UNCONFIRMED
    // (docs/SEMANTICS.md §1.7), so it is advice, not a refusal.
    (
        "aws-cli__validate-policy-cognito-assumerole.json",
        "TP-ACTION-PRINCIPAL-MISMATCH",
    ),
];

/// INVALID verdicts that validation does not refuse yet, with why IAM refuses the document. Each
/// must still be unrefused, so the list only shrinks; the fix belongs to `rolecall_policy::validate`.
const INVALID_NOT_YET_REFUSED: &[(&str, &str)] = &[];

#[test]
fn corpus_verdicts() {
    let dir = rolecall_testkit::corpus_dir();
    let rows = index(&dir);
    assert!(
        rows.len() >= 90,
        "only {} rows read from INDEX.md",
        rows.len()
    );
    let (mut invalid, mut safe) = (0, 0);
    for (file, verdict) in &rows {
        let text =
            std::fs::read_to_string(dir.join(file)).unwrap_or_else(|e| panic!("{file}: {e}"));
        let policy = rolecall_policy::parse(&text).unwrap_or_else(|e| panic!("{file}: {e}"));
        let refused = refusals(&policy);
        // Every Refused finding points into the document.
        for f in &refused {
            assert!(text.get(f.span.range()).is_some(), "{file}: {f:?}");
        }
        if verdict.starts_with("INVALID") {
            invalid += 1;
            if INVALID_NOT_YET_REFUSED.iter().any(|(f, _)| f == file) {
                assert!(
                    refused.is_empty(),
                    "{file} is now refused: remove it from INVALID_NOT_YET_REFUSED"
                );
            } else if let Some((_, rule)) = INVALID_NOT_REFUSED.iter().find(|(f, _)| f == file) {
                let all = validate(&policy);
                assert!(
                    all.iter().any(|f| f.rule == *rule),
                    "{file}: expected {rule}, got {all:?}"
                );
            } else {
                assert!(!refused.is_empty(), "{file} is INVALID but was not refused");
            }
        }
        // Documents with `Resource` are invalid whatever their verdict says.
        if text.contains("\"Resource\"") {
            assert!(
                refused.iter().any(|f| f.rule == "TP-RESOURCE-IN-TRUST"),
                "{file}: {refused:?}"
            );
        }
        if verdict.starts_with("SAFE") {
            safe += 1;
            assert!(refused.is_empty(), "{file} is {verdict} but: {refused:?}");
        }
    }
    assert!(invalid >= 2 && safe >= 30, "invalid {invalid}, safe {safe}");
}

#[test]
fn corpus_guardrails() {
    let dir = rolecall_testkit::corpus_dir();
    let check = |file: &str| -> Vec<&'static str> {
        let text = std::fs::read_to_string(dir.join(file)).unwrap();
        validate(&rolecall_policy::parse(&text).unwrap())
            .into_iter()
            .filter(|f| f.class == FindingClass::Guardrail)
            .map(|f| f.rule)
            .collect()
    };
    // IAM now refuses to create these (INDEX.md).
    assert_eq!(
        check("datadog__github-vulnerable-aud-only.json"),
        ["TPV-GITHUB-SUB-UNSCOPED"]
    );
    assert_eq!(
        check("checkov__gha-fail1-no-condition.json"),
        ["TPV-GITHUB-SUB-UNSCOPED"]
    );
    // IAM accepted this one: the guard looks at the first value only.
    assert!(check("subvectors__gh-stringlike-tight-plus-star.json").is_empty());
    assert!(check("github-docs__aws-branch-stringequals.json").is_empty());
    assert!(check("awsdocs-iam__google-aud-only.json").is_empty());
    assert!(check("awsdocs-iam__cognito-aud-only.json").is_empty());
}
