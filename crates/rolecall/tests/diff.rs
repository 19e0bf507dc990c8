//! `rolecall diff OLD NEW`: the hand-written policy changes of `testdata/diff-pairs/` with
//! their expected answers; every witness replayed through `eval --batch` and through the
//! `rolecall explain` lines the text output prints; exit codes and bad input.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "integration-test code: helpers outside #[test] functions fail by panicking too"
)]

use std::io::Write;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

fn pairs_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata/diff-pairs")
}

fn rolecall() -> Command {
    let mut cmd = Command::cargo_bin("rolecall").unwrap();
    cmd.env("NO_COLOR", "1");
    cmd
}

#[derive(Debug, serde::Deserialize)]
struct Pair {
    name: String,
    new_access: bool,
    removed_access: bool,
    why: String,
}

#[derive(serde::Deserialize)]
struct Expected {
    pair: Vec<Pair>,
}

fn pairs() -> Vec<Pair> {
    let text = std::fs::read_to_string(pairs_dir().join("expected.toml")).unwrap();
    let expected: Expected = toml::from_str(&text).unwrap();
    expected.pair
}

fn sides(p: &Pair) -> (PathBuf, PathBuf) {
    let dir = pairs_dir();
    (
        dir.join(format!("{}.old.json", p.name)),
        dir.join(format!("{}.new.json", p.name)),
    )
}

/// `eval --batch` decisions of `witnesses` against the policy file `policy`.
fn batch_decisions(policy: &Path, witnesses: &[Value]) -> Vec<String> {
    let text = std::fs::read_to_string(policy).unwrap();
    let mut input = String::new();
    for w in witnesses {
        let mut line = w.clone();
        line["policy"] = Value::String(text.clone());
        input.push_str(&line.to_string());
        input.push('\n');
    }
    let out = rolecall()
        .args(["eval", "--batch"])
        .write_stdin(input)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| {
            let v: Value = serde_json::from_str(l).unwrap();
            v["decision"].as_str().unwrap().to_owned()
        })
        .collect()
}

#[test]
fn there_are_at_least_twenty_pairs_each_with_both_files() {
    let pairs = pairs();
    assert!(pairs.len() >= 20, "{}", pairs.len());
    let mut names: Vec<&str> = pairs.iter().map(|p| p.name.as_str()).collect();
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), pairs.len(), "a pair name is repeated");
    for p in &pairs {
        let (old, new) = sides(p);
        assert!(old.is_file() && new.is_file(), "{}", p.name);
        assert!(!p.why.is_empty(), "{}", p.name);
    }
    // Every file of the directory belongs to a pair.
    for entry in std::fs::read_dir(pairs_dir()).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        if name == "expected.toml" {
            continue;
        }
        let stem = name
            .strip_suffix(".old.json")
            .or_else(|| name.strip_suffix(".new.json"))
            .unwrap_or_else(|| panic!("stray file {name}"));
        assert!(names.contains(&stem), "{name} has no pair in expected.toml");
    }
}

/// Each pair's answer as expected, exit code 1 exactly when there is new access, and each
/// witness allowed by one side and not by the other when replayed through `eval --batch`.
#[test]
fn every_pair_has_its_expected_answer_and_witnesses_replay() {
    let mut wrong = Vec::new();
    for p in pairs() {
        let (old, new) = sides(&p);
        let out = rolecall()
            .arg("diff")
            .arg(&old)
            .arg(&new)
            .args(["--format", "json"])
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        let Ok(v) = serde_json::from_slice::<Value>(&out.stdout) else {
            wrong.push(format!("{}: no JSON; stderr: {stderr}", p.name));
            continue;
        };
        let got = (v["new_access"].as_bool(), v["removed_access"].as_bool());
        if got != (Some(p.new_access), Some(p.removed_access)) {
            wrong.push(format!(
                "{}: expected new {} removed {}, got {got:?} ({})",
                p.name, p.new_access, p.removed_access, p.why
            ));
            continue;
        }
        assert_eq!(
            out.status.code(),
            Some(i32::from(p.new_access)),
            "{}: {stderr}",
            p.name
        );
        let added = v["witnesses"].as_array().unwrap();
        let removed = v["removed_witnesses"].as_array().unwrap();
        assert_eq!(added.len(), usize::from(p.new_access), "{}", p.name);
        assert_eq!(removed.len(), usize::from(p.removed_access), "{}", p.name);
        for w in added.iter().chain(removed) {
            let keys: Vec<&String> = w.as_object().unwrap().keys().collect();
            assert_eq!(keys, ["action", "context", "principal"], "{}", p.name);
        }
        for d in batch_decisions(&new, added) {
            assert_eq!(d, "Allow", "{}: new access witness against NEW", p.name);
        }
        for d in batch_decisions(&old, added) {
            assert_ne!(d, "Allow", "{}: new access witness against OLD", p.name);
        }
        for d in batch_decisions(&old, removed) {
            assert_eq!(d, "Allow", "{}: removed witness against OLD", p.name);
        }
        for d in batch_decisions(&new, removed) {
            assert_ne!(d, "Allow", "{}: removed witness against NEW", p.name);
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// The `rolecall explain` lines of the text output, run by `sh` as a user would paste them:
/// under `new access` the first says Allow (against NEW), the second a deny (against OLD);
/// under `removed access` the first says Allow against OLD, the second a deny against NEW.
#[test]
fn text_explain_lines_run_as_printed() {
    let bin = assert_cmd::cargo::cargo_bin("rolecall");
    let path = format!(
        "{}:{}",
        bin.parent().unwrap().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut ran = 0;
    for p in pairs() {
        let (old, new) = sides(&p);
        let out = rolecall().arg("diff").arg(&old).arg(&new).output().unwrap();
        let text = String::from_utf8(out.stdout).unwrap();
        let mut section = "";
        let mut lines_in_section = 0;
        let mut pair_lines = 0;
        for line in text.lines() {
            if let Some(rest) = line.strip_prefix("  ") {
                let (allowed_by, denied_by) = match section {
                    "new access" => (&new, &old),
                    "removed access" => (&old, &new),
                    other => panic!("{}: unexpected line {line:?} in {other:?}", p.name),
                };
                let expect_allow = match lines_in_section {
                    0 => true,
                    1 => false,
                    n => panic!("{}: line {n} of {section}: {line:?}", p.name),
                };
                let file = if expect_allow { allowed_by } else { denied_by };
                assert!(
                    rest.contains(&format!("--policy {}", file.display())),
                    "{}: {rest}",
                    p.name
                );
                lines_in_section += 1;
                pair_lines += 1;
                let run = std::process::Command::new("sh")
                    .arg("-c")
                    .arg(rest)
                    .env("PATH", &path)
                    .env("NO_COLOR", "1")
                    .output()
                    .unwrap();
                let said = String::from_utf8_lossy(&run.stdout);
                let first = said.lines().next().unwrap_or_default();
                if expect_allow {
                    assert_eq!(run.status.code(), Some(0), "{}: {rest}\n{said}", p.name);
                    assert!(first.starts_with("Allow"), "{}: {rest}\n{said}", p.name);
                } else {
                    assert_eq!(run.status.code(), Some(1), "{}: {rest}\n{said}", p.name);
                    assert!(first.contains("Deny"), "{}: {rest}\n{said}", p.name);
                }
                ran += 1;
            } else {
                section = if line.starts_with("new access:") {
                    "new access"
                } else if line.starts_with("removed access:") {
                    "removed access"
                } else {
                    assert!(line.starts_with("no "), "{}: {line}", p.name);
                    ""
                };
                lines_in_section = 0;
            }
        }
        let expected = 2 * (usize::from(p.new_access) + usize::from(p.removed_access));
        assert_eq!(pair_lines, expected, "{}:\n{text}", p.name);
    }
    assert!(ran >= 40, "{ran} explain lines run");
}

#[test]
fn a_witness_with_a_one_value_list_is_piped_as_json() {
    // NEW admits `amr` only as a list (`ForAnyValue` allows, the plain `StringEquals` Deny is
    // false on a list: docs/DECISIONS.md R9), so its witness is a list of one value, which
    // repeated --context cannot spell.
    let dir = tempfile::tempdir().unwrap();
    let old = dir.path().join("old.json");
    let new = dir.path().join("new.json");
    let allow = |value: &str| {
        format!(
            r#"{{"Effect":"Allow","Principal":{{"Federated":"cognito-identity.amazonaws.com"}},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{{"ForAnyValue:StringEquals":{{"cognito-identity.amazonaws.com:amr":"{value}"}}}}}}"#
        )
    };
    let deny = r#"{"Effect":"Deny","Principal":"*","Action":"*","Condition":{"StringEquals":{"cognito-identity.amazonaws.com:amr":"authenticated"}}}"#;
    std::fs::write(
        &old,
        format!(
            r#"{{"Version":"2012-10-17","Statement":[{}]}}"#,
            allow("other")
        ),
    )
    .unwrap();
    std::fs::write(
        &new,
        format!(
            r#"{{"Version":"2012-10-17","Statement":[{},{deny}]}}"#,
            allow("authenticated")
        ),
    )
    .unwrap();
    let out = rolecall().arg("diff").arg(&old).arg(&new).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    let line = text
        .lines()
        .find(|l| l.trim_start().starts_with("printf"))
        .unwrap_or_else(|| panic!("{text}"));
    assert!(line.contains("--context-file -"), "{line}");
    let bin = assert_cmd::cargo::cargo_bin("rolecall");
    let run = std::process::Command::new("sh")
        .arg("-c")
        .arg(line.trim())
        .env(
            "PATH",
            format!(
                "{}:{}",
                bin.parent().unwrap().display(),
                std::env::var("PATH").unwrap_or_default()
            ),
        )
        .output()
        .unwrap();
    assert_eq!(
        run.status.code(),
        Some(0),
        "{line}\n{}",
        String::from_utf8_lossy(&run.stdout)
    );
}

#[test]
fn bad_input_exits_2_with_file_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.json");
    std::fs::write(
        &bad,
        "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\"Effect\": \"Allow\", \"Effect\": \"Deny\"}\n  ]\n}\n",
    )
    .unwrap();
    let good = pairs_dir().join("same-policy.old.json");
    for (old, new) in [(&bad, &good), (&good, &bad)] {
        let out = rolecall().arg("diff").arg(old).arg(new).output().unwrap();
        assert_eq!(out.status.code(), Some(2));
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains(&format!("{}:4:", bad.display())),
            "{stderr}"
        );
        assert!(stderr.contains("duplicate"), "{stderr}");
        assert!(out.stdout.is_empty());
    }
    let missing = dir.path().join("missing.json");
    let out = rolecall()
        .arg("diff")
        .arg(&good)
        .arg(&missing)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("missing.json"));
    let out = rolecall().args(["diff", "-", "-"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let out = rolecall().args(["diff", "only-one.json"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn stdin_is_one_side() {
    let old = pairs_dir().join("gh-branch-to-any-ref.old.json");
    let new = pairs_dir().join("gh-branch-to-any-ref.new.json");
    let out = rolecall()
        .args(["diff", "-"])
        .arg(&new)
        .args(["--format", "json"])
        .write_stdin(std::fs::read(&old).unwrap())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["new_access"], true);
    assert_eq!(v["removed_access"], false);
}

#[test]
fn a_policy_the_analysis_cannot_answer_exits_2_without_a_guess() {
    let dir = tempfile::tempdir().unwrap();
    let var = dir.path().join("var.json");
    let mut f = std::fs::File::create(&var).unwrap();
    write!(
        f,
        r#"{{"Version":"2012-10-17","Statement":{{"Effect":"Allow","Principal":{{"Federated":"accounts.google.com"}},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{{"StringEquals":{{"accounts.google.com:sub":"${{accounts.google.com:oaud}}"}}}}}}}}"#
    )
    .unwrap();
    drop(f);
    let good = pairs_dir().join("same-policy.old.json");
    let out = rolecall()
        .arg("diff")
        .arg(&good)
        .arg(&var)
        .args(["--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("not exactly analysable"), "{stderr}");
}
