//! `rolecall audit` in CI: `--format github` workflow commands, the `--format markdown`
//! summary, SARIF fingerprints and `--baseline`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
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
        1,
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
        1,
    );
    assert!(!out.contains("example.invalid"));
    let sarif: serde_json::Value = serde_json::from_str(&out).unwrap();
    let result = &sarif["runs"][0]["results"][0];
    let fp = result["partialFingerprints"]["rolecall/v2"]
        .as_str()
        .unwrap();
    assert_eq!(fp.len(), 16);
}
