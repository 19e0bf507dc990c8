//! `rolecall audit` in CI: `--format github` workflow commands, the `--format markdown`
//! summary, SARIF fingerprints and `--baseline`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "integration-test code: helpers outside #[test] functions fail by panicking too"
)]

mod common;
use common::{examples, rolecall};

fn tempdir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("rolecall-ci-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn stdout(cmd: &mut assert_cmd::Command, code: i32) -> String {
    String::from_utf8(cmd.assert().code(code).get_output().stdout.clone()).unwrap()
}

#[test]
fn github_format_is_one_workflow_command_per_finding() {
    let out = stdout(
        rolecall().current_dir(examples().join("..")).args([
            "audit",
            "./examples/irsa-namespace-prefix.bad.json",
            "--format",
            "github",
        ]),
        1,
    );
    let lines: Vec<&str> = out.lines().collect();
    // A high finding is an error annotation at the value's line and column; the path loses
    // its `./` (annotations need the path from the repository root); the title's `:` would
    // end the properties and is not used.
    assert!(
        lines[0].starts_with(
            "::error file=examples/irsa-namespace-prefix.bad.json,line=10,col=100,\
             title=TP-IRSA-NAMESPACE-PREFIX [high] Namespace wildcarded or used as a prefix::"
        ),
        "{out}"
    );
    assert!(
        lines[0].contains("%0Afix: Pin the namespace exactly"),
        "{out}"
    );
    assert!(
        lines.iter().any(|l| l.starts_with("::warning file=")),
        "{out}"
    );
    assert!(
        lines
            .last()
            .unwrap()
            .starts_with("rolecall: audited 1 policy: "),
        "{out}"
    );
    assert_eq!(lines.len(), 3, "{out}");
}

#[test]
fn github_format_escapes_properties_and_data() {
    let dir = tempdir("gh-escape");
    let name = "100%,a:b.json";
    std::fs::copy(examples().join("irsa-no-sub.bad.json"), dir.join(name)).unwrap();
    let out = stdout(
        rolecall()
            .current_dir(&dir)
            .args(["audit", name, "--format", "github"]),
        1,
    );
    assert!(out.contains("file=100%25%2Ca%3Ab.json,line="), "{out}");
    for line in out.lines() {
        assert!(
            line.starts_with("::") || line.starts_with("rolecall: "),
            "{line}"
        );
    }
    // Standard input has no file to annotate: no `file`, `line` or `col`.
    let out = stdout(
        rolecall()
            .args(["audit", "-", "--format", "github"])
            .write_stdin(std::fs::read(examples().join("irsa-no-sub.bad.json")).unwrap()),
        1,
    );
    assert!(out.starts_with("::error title=TP-"), "{out}");
}

#[test]
fn markdown_summary_is_a_bounded_table() {
    let out = stdout(
        rolecall()
            .args(["audit", "--format", "markdown"])
            .arg(examples()),
        // 2: one example policy does not parse (fail closed); the report is still written.
        2,
    );
    assert!(
        out.starts_with("### rolecall audit: 2 critical, 5 high, "),
        "{out}"
    );
    assert!(out.contains("| severity | rule | where | finding |\n|---|---|---|---|\n"));
    assert!(out.contains("| high | `TP-IRSA-NAMESPACE-PREFIX` | `"));
    assert!(!out.contains("more finding"), "{out}");
    // 60 files with findings: 50 rows, and the rest counted.
    let dir = tempdir("md-cap");
    for i in 0..60 {
        std::fs::copy(
            examples().join("irsa-no-sub.bad.json"),
            dir.join(format!("p{i:02}.json")),
        )
        .unwrap();
    }
    let out = stdout(
        rolecall().args(["audit", "--format", "markdown"]).arg(&dir),
        1,
    );
    let rows = out
        .lines()
        .filter(|l| {
            l.starts_with("| high ")
                || l.starts_with("| critical ")
                || l.starts_with("| medium ")
                || l.starts_with("| low ")
        })
        .count();
    assert_eq!(rows, 50, "{out}");
    let total: usize = out
        .lines()
        .next()
        .unwrap()
        .trim_start_matches("### rolecall audit: ")
        .split(", ")
        .map(|c| c.split(' ').next().unwrap().parse::<usize>().unwrap())
        .sum();
    assert!(
        out.contains(&format!("…and {} more findings not shown", total - 50)),
        "{out}"
    );
}

#[test]
fn sarif_has_no_placeholder_uri() {
    let out = stdout(
        rolecall()
            .args(["audit", "--format", "sarif"])
            .arg(examples()),
        // 2: one example policy does not parse (fail closed); the report is still written.
        2,
    );
    assert!(!out.contains("example.invalid"));
    let sarif: serde_json::Value = serde_json::from_str(&out).unwrap();
    let result = &sarif["runs"][0]["results"][0];
    let fp = result["partialFingerprints"]["rolecall/v2"]
        .as_str()
        .unwrap();
    assert_eq!(fp.len(), 16);
}

/// A directory holding two bad policies, audited with paths relative to it.
fn estate(name: &str) -> std::path::PathBuf {
    let dir = tempdir(name);
    std::fs::create_dir_all(dir.join("infra")).unwrap();
    for f in ["irsa-namespace-prefix.bad.json", "github-org-wide.bad.json"] {
        std::fs::copy(examples().join(f), dir.join("infra").join(f)).unwrap();
    }
    dir
}

#[test]
fn baseline_reports_only_new_findings() {
    for format in ["json", "sarif"] {
        let dir = estate(&format!("baseline-{format}"));
        let base = stdout(
            rolecall()
                .current_dir(&dir)
                .args(["audit", "infra", "--format", format]),
            1,
        );
        let file = dir.join(format!("baseline.{format}"));
        std::fs::write(&file, &base).unwrap();
        // Nothing new: exit 0, and the summary says what the baseline held.
        let out = stdout(
            rolecall()
                .current_dir(&dir)
                .args(["audit", "infra", "--baseline"])
                .arg(&file),
            0,
        );
        assert!(
            out.contains("audited 2 policies: 0 critical, 0 high, 0 medium, 0 low")
                && out.contains("; 4 in the baseline not shown)"),
            "{format}: {out}"
        );
        // A new bad policy: only its findings, and the exit code follows them. `./infra`
        // names the same files as `infra`.
        std::fs::copy(
            examples().join("irsa-no-sub.bad.json"),
            dir.join("infra/new.json"),
        )
        .unwrap();
        let report: serde_json::Value = serde_json::from_str(&stdout(
            rolecall()
                .current_dir(&dir)
                .args(["audit", "./infra", "--format", "json", "--baseline"])
                .arg(&file),
            1,
        ))
        .unwrap();
        let paths: Vec<&str> = report["policies"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|p| !p["findings"].as_array().unwrap().is_empty())
            .map(|p| p["location"]["path"].as_str().unwrap())
            .collect();
        assert_eq!(paths, ["./infra/new.json"], "{format}: {report}");
        assert_eq!(report["baseline_suppressed"], 4, "{format}");
    }
}

#[test]
fn baseline_matching_ignores_messages_but_not_roles() {
    let dir = estate("baseline-reworded");
    let base = stdout(
        rolecall()
            .current_dir(&dir)
            .args(["audit", "infra", "--format", "json"]),
        1,
    );
    // A later rolecall rewords every message: the baseline still covers the findings.
    let mut report: serde_json::Value = serde_json::from_str(&base).unwrap();
    for p in report["policies"].as_array_mut().unwrap() {
        for f in p["findings"].as_array_mut().unwrap() {
            f["message"] = "reworded".into();
        }
    }
    std::fs::write(dir.join("reworded.json"), report.to_string()).unwrap();
    rolecall()
        .current_dir(&dir)
        .args(["audit", "infra", "--baseline", "reworded.json"])
        .assert()
        .code(0);
    // The same findings for another role are new.
    for p in report["policies"].as_array_mut().unwrap() {
        p["location"]["role"] = "arn:aws:iam::111122223333:role/other".into();
    }
    std::fs::write(dir.join("other-role.json"), report.to_string()).unwrap();
    rolecall()
        .current_dir(&dir)
        .args(["audit", "infra", "--baseline", "other-role.json"])
        .assert()
        .code(1);
}

#[test]
fn a_baseline_that_is_not_a_report_is_an_error() {
    let dir = estate("baseline-bad");
    let cases = [
        (
            "not-json.json",
            "{",
            "cannot use baseline: not a rolecall JSON or SARIF report",
        ),
        (
            "other.json",
            r#"{"findings": []}"#,
            "not a rolecall JSON report (`policies`) or SARIF log (`runs`)",
        ),
        (
            "dup.json",
            r#"{"policies": [], "policies": []}"#,
            "duplicate field `policies`",
        ),
        (
            "old.sarif",
            r#"{"runs": [{"results": [{"partialFingerprints": {"rolecall/v1": "0011223344556677"}}]}]}"#,
            "has no `rolecall/v2` fingerprint",
        ),
    ];
    for (name, text, message) in cases {
        std::fs::write(dir.join(name), text).unwrap();
        let out = rolecall()
            .current_dir(&dir)
            .args(["audit", "infra", "--baseline", name])
            .assert()
            .code(2)
            .get_output()
            .stderr
            .clone();
        let err = String::from_utf8(out).unwrap();
        assert!(err.contains(name) && err.contains(message), "{name}: {err}");
    }
    rolecall()
        .current_dir(&dir)
        .args(["audit", "infra", "--baseline", "missing.json"])
        .assert()
        .code(2);
}
