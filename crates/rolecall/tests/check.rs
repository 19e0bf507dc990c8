//! `rolecall check` end to end: exit codes, output shapes, stdin.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "integration-test code: helpers outside #[test] functions fail by panicking too"
)]

mod common;
use common::{examples, rolecall};

use predicates::prelude::*;

#[test]
fn good_examples_are_clean() {
    let mut good = Vec::new();
    for entry in std::fs::read_dir(examples()).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_str().unwrap().to_owned();
        if name.ends_with(".json") && !name.contains(".bad.") && !name.contains(".invalid.") {
            good.push(path);
        }
    }
    assert!(
        good.len() >= 7,
        "expected the bundled good examples, found {good:?}"
    );
    rolecall()
        .arg("check")
        .args(&good)
        .assert()
        .code(0)
        .stdout(predicate::str::contains(": 0 errors, 0 warnings"));
}

#[test]
fn invalid_examples_report_rule_position_and_caret() {
    rolecall()
        .arg("check")
        .arg(examples().join("resource-in-trust-policy.invalid.json"))
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "resource-in-trust-policy.invalid.json:8:19: error[TP-RESOURCE-IN-TRUST]",
        ))
        .stdout(predicate::str::contains("8 |       \"Resource\": \"*\","))
        .stdout(predicate::str::contains("  |                   ^^^\n"));
}

#[test]
fn unparsable_input_exits_2_with_position() {
    rolecall()
        .arg("check")
        .arg(examples().join("duplicate-condition-blocks.invalid.json"))
        .assert()
        .code(2)
        .stdout(predicate::str::contains(
            ":10:9: error[duplicate-key]: statement 0: duplicate member `StringEquals` (first at line 9, column 9)",
        ));
}

#[test]
fn stdin_and_json_format() {
    let policy = r#"{"Version":"2012-10-17","Statement":{"Effect":"allow","Principal":{"Federated":"accounts.google.com"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"accounts.google.com:aud":"app"}}}}"#;
    let out = rolecall()
        .args(["check", "--format", "json", "-"])
        .write_stdin(policy)
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let report: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(report["exit_code"], 1);
    let file = &report["files"][0];
    assert_eq!(file["path"], "<stdin>");
    assert_eq!(file["status"], "findings");
    let finding = &file["findings"][0];
    assert_eq!(finding["rule"], "TPV-EFFECT-CASE");
    assert_eq!(finding["severity"], "error");
    assert_eq!(finding["class"], "refused");
    assert_eq!(finding["line"], 1);
    assert!(finding["column"].as_u64().unwrap() > 1);
}

#[test]
fn url_encoded_get_role_output_is_read() {
    let encoded = "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Principal%22%3A%7B%22Service%22%3A%22ec2.amazonaws.com%22%7D%2C%22Action%22%3A%22sts%3AAssumeRole%22%2C%22Resource%22%3A%22%2A%22%7D%5D%7D";
    let input = format!(
        r#"{{"Role":{{"RoleName":"app","Arn":"arn:aws:iam::111122223333:role/app","AssumeRolePolicyDocument":"{encoded}"}}}}"#
    );
    rolecall()
        .args(["check", "-"])
        .write_stdin(input)
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "<stdin> (arn:aws:iam::111122223333:role/app)",
        ))
        .stdout(predicate::str::contains("TP-RESOURCE-IN-TRUST"));
}

#[test]
fn missing_file_exits_2() {
    rolecall()
        .args(["check", "/definitely/not/here.json"])
        .assert()
        .code(2)
        .stdout(predicate::str::contains("error[unreadable]"));
}

#[test]
fn broken_pipe_exits_quietly() {
    // Many findings, read by a consumer that closes the pipe at once.
    use std::io::Read;
    use std::process::{Command as Std, Stdio};
    let bin = assert_cmd::cargo::cargo_bin("rolecall");
    let mut child = Std::new(bin)
        .args(["check"])
        .args(std::iter::repeat_n(
            examples().join("resource-in-trust-policy.invalid.json"),
            2000,
        ))
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut first = [0u8; 16];
    stdout.read_exact(&mut first).unwrap();
    drop(stdout);
    let out = child.wait_with_output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.stderr.is_empty(),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn debug_parse_prints_the_tree() {
    rolecall()
        .args(["debug", "parse"])
        .arg(examples().join("irsa-single-service-account.json"))
        .assert()
        .code(0)
        .stdout(predicate::str::contains("StringEquals"))
        .stdout(predicate::str::contains("line: 9"));
}

#[test]
fn debug_parse_names_the_file_and_error_code_of_a_broken_policy() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("broken.json");
    std::fs::write(&path, r#"{"Version": "2012-10-17", "Statement": [}"#).unwrap();
    let out = rolecall()
        .args(["debug", "parse"])
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        stdout.starts_with(&format!("{}: error[", path.display())) && stdout.ends_with('\n'),
        "{stdout}"
    );
    assert_eq!(stdout.lines().count(), 1, "{stdout}");
}

#[test]
fn completions_are_generated() {
    rolecall()
        .args(["completions", "bash"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("rolecall"));
}

#[test]
fn every_invalid_example_is_reported() {
    let mut n = 0;
    for entry in std::fs::read_dir(examples()).unwrap() {
        let path = entry.unwrap().path();
        if !path.to_str().unwrap().ends_with(".invalid.json") {
            continue;
        }
        n += 1;
        let code = rolecall()
            .arg("check")
            .arg(&path)
            .output()
            .unwrap()
            .status
            .code();
        assert!(
            matches!(code, Some(1 | 2)),
            "{}: exit {code:?}",
            path.display()
        );
    }
    assert!(n >= 2);
}

#[test]
fn a_container_file_gets_pointed_to_audit() {
    let dump = r#"{"UserDetailList": [], "RoleDetailList": [], "Policies": []}"#;
    rolecall()
        .args(["check", "-"])
        .write_stdin(dump)
        .assert()
        .code(2)
        .stdout(predicate::str::contains(
            "this looks like `aws iam get-account-authorization-details` output, not a policy: `rolecall audit`",
        ));
    // A plain broken policy gets no such hint.
    rolecall()
        .args(["check", "-"])
        .write_stdin(r#"{"Statement": [], "Bogus": 1}"#)
        .assert()
        .code(2)
        .stdout(predicate::str::contains("rolecall audit").not());
}

/// `check` of a directory checks the policies in it and skips the other
/// JSON files (counted; listed with `--verbose`); a file named on the
/// command line is always checked.
#[test]
fn a_directory_walk_checks_only_policies() {
    let dir = tempfile::tempdir().unwrap();
    let put = |rel: &str, text: &str| std::fs::write(dir.path().join(rel), text).unwrap();
    std::fs::copy(
        examples().join("irsa-single-service-account.json"),
        dir.path().join("policy.json"),
    )
    .unwrap();
    put("package.json", r#"{"name": "app", "version": "1.0.0"}"#);
    put("empty.json", "");
    put("dump.json", r#"{"RoleDetailList": []}"#);
    rolecall()
        .args(["check", "--verbose"])
        .arg(dir.path())
        .assert()
        .code(0)
        .stdout(predicate::str::contains("checked 1 input"))
        .stdout(predicate::str::contains(
            "dump.json: an account dump: `rolecall audit` reads it",
        ))
        .stdout(predicate::str::contains(
            "skipped 3 files that hold no trust policy\n",
        ));
    // A broken policy among them fails the run.
    put("bad.json", "{\"Statement\": [,]}");
    rolecall()
        .arg("check")
        .arg(dir.path())
        .assert()
        .code(2)
        .stdout(predicate::str::contains("bad.json:1:"));
    // Named on the command line, package.json is checked (and is no policy).
    rolecall()
        .arg("check")
        .arg(dir.path().join("package.json"))
        .assert()
        .code(2);
}

/// A decoded policy (get-role output with the document as a JSON string, a URL-encoded file)
/// is reported at a place in the file: exactly through the string's escapes, or the start of
/// the URL-encoded text; the decoded line and column come beside the snippet (the heading
/// gave `FILE (decoded policy):1:NNN`).
#[test]
fn decoded_policies_are_reported_at_places_in_the_file() {
    let policy = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"accounts.google.com"},"Action":"sts:AssumeRoleWithWebIdentity","Resource":"*"}]}"#;
    let get_role = format!(
        "{{\n  \"Role\": {{\n    \"Arn\": \"arn:aws:iam::111122223333:role/app\",\n    \"AssumeRolePolicyDocument\": {}\n  }}\n}}\n",
        serde_json::to_string(policy).unwrap()
    );
    // The finding's span is the value `"*"`.
    let column = get_role.lines().nth(3).unwrap().find(r#"\"*\""#).unwrap() + 1;
    let decoded = policy.find(r#""*""#).unwrap() + 1;
    rolecall()
        .args(["check", "-"])
        .write_stdin(get_role)
        .assert()
        .code(1)
        .stdout(predicate::str::contains(format!(
            "<stdin> (arn:aws:iam::111122223333:role/app):4:{column}: error[TP-RESOURCE-IN-TRUST]"
        )))
        .stdout(predicate::str::contains(format!(
            "in line 1, column {decoded} of the decoded policy"
        )));
    let encoded: String = policy
        .bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'.' | b'_' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect();
    rolecall()
        .args(["check", "-"])
        .write_stdin(encoded)
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "<stdin>:1:1: error[TP-RESOURCE-IN-TRUST]",
        ))
        .stdout(predicate::str::contains(format!(
            "in line 1, column {decoded} of the decoded policy"
        )));
}
