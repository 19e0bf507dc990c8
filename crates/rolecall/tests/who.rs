//! `rolecall who`: the reviewed text answer for every corpus policy (a snapshot file,
//! rewritten with `ROLECALL_BLESS=1`), every witness replayed through `eval --batch`, the input
//! forms `audit` reads (dumps, plans, templates), exit codes and bad input.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "integration-test code: helpers outside #[test] functions fail by panicking too"
)]

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::{json, Value};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn rolecall() -> Command {
    let mut cmd = Command::cargo_bin("rolecall").unwrap();
    cmd.env("NO_COLOR", "1").current_dir(root());
    cmd
}

/// `rolecall who ARGS --format json`: exit code and document.
fn who_json(args: &[&str], stdin: Option<&str>) -> (i32, Value, String) {
    let mut cmd = rolecall();
    cmd.arg("who").args(args).args(["--format", "json"]);
    if let Some(s) = stdin {
        cmd.write_stdin(s.to_owned());
    }
    let out = cmd.output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {stderr}"));
    (out.status.code().unwrap(), v, stderr)
}

const SNAPSHOT: &str = "testdata/who-snapshots/corpus.txt";

/// The text answer for every policy of `testdata/corpus/`, compared with the reviewed snapshot.
/// `ROLECALL_BLESS=1` rewrites the snapshot; review its diff before committing it.
#[test]
fn corpus_answers_match_the_reviewed_snapshot() {
    let out = rolecall()
        .args(["who", "testdata/corpus"])
        .output()
        .unwrap();
    let got = format!(
        "exit code {}\n--- stdout ---\n{}--- stderr ---\n{}",
        out.status.code().unwrap(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let path = root().join(SNAPSHOT);
    if std::env::var_os("ROLECALL_BLESS").is_some_and(|v| v == "1") {
        std::fs::write(&path, &got).unwrap();
        return;
    }
    let want = std::fs::read_to_string(&path).unwrap_or_default();
    if got != want {
        let first = got
            .lines()
            .zip(want.lines())
            .position(|(a, b)| a != b)
            .unwrap_or_else(|| got.lines().count().min(want.lines().count()));
        panic!(
            "`rolecall who testdata/corpus` differs from {SNAPSHOT} from line {}:\n  got:  {:?}\n  want: {:?}\n\
             review the change, then rewrite the snapshot with ROLECALL_BLESS=1",
            first + 1,
            got.lines().nth(first),
            want.lines().nth(first)
        );
    }
}

/// Every witness `who --format json` gives for the corpus (one per principal and action, and
/// one per region) is allowed by `eval --batch` against the policy it came from.
#[test]
fn corpus_witnesses_replay_as_allow_through_eval_batch() {
    let (_, doc, _) = who_json(&["testdata/corpus"], None);
    let mut lines = String::new();
    let mut count = 0;
    for p in doc["policies"].as_array().unwrap() {
        let text = std::fs::read_to_string(root().join(p["path"].as_str().unwrap())).unwrap();
        for pa in p["principals"].as_array().unwrap() {
            assert!(pa["description"].as_str().is_some_and(|d| !d.is_empty()));
            let mut witnesses = vec![pa["witness"].clone()];
            witnesses.extend(
                pa["regions"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|r| r["witness"].clone()),
            );
            for w in witnesses {
                assert_eq!(w["action"], pa["action"], "{}", p["path"]);
                let mut line = w.clone();
                line["id"] = json!(p["path"]);
                line["policy"] = Value::String(text.clone());
                lines.push_str(&line.to_string());
                lines.push('\n');
                count += 1;
            }
        }
    }
    assert!(count >= 100, "{count} witnesses");
    let out = rolecall()
        .args(["eval", "--batch"])
        .write_stdin(lines)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(text.lines().count(), count);
    for l in text.lines() {
        let v: Value = serde_json::from_str(l).unwrap();
        assert_eq!(v["decision"], "Allow", "{l}");
    }
}

const GH: &str = "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com";

fn gh_policy(sub: &str) -> Value {
    json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
        "Principal": {"Federated": GH}, "Action": "sts:AssumeRoleWithWebIdentity",
        "Condition": {"StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"},
                      "StringLike": {"token.actions.githubusercontent.com:sub": sub}}}]})
}

/// A policy that admits nobody: its only Allow is covered by a Deny.
fn nobody_policy() -> Value {
    json!({"Version": "2012-10-17", "Statement": [
        {"Sid": "Ci", "Effect": "Allow", "Principal": {"Federated": GH},
         "Action": "sts:AssumeRoleWithWebIdentity",
         "Condition": {"StringLike": {"token.actions.githubusercontent.com:sub": "repo:octo-org/app:*"}}},
        {"Sid": "NoOne", "Effect": "Deny", "Principal": "*", "Action": "*"}]})
}

#[test]
fn account_dump_roles_are_answered_by_arn() {
    let url_encoded: String = gh_policy("repo:octo-org/app:*")
        .to_string()
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    let dump = json!({"RoleDetailList": [
        {"Arn": "arn:aws:iam::111122223333:role/ci", "RoleName": "ci",
         "AssumeRolePolicyDocument": url_encoded},
        {"Arn": "arn:aws:iam::111122223333:role/closed", "RoleName": "closed",
         "AssumeRolePolicyDocument": nobody_policy()},
        {"Arn": "arn:aws:iam::111122223333:role/ec2", "RoleName": "ec2",
         "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
            "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]}}
    ]});
    let (code, doc, stderr) = who_json(&["-"], Some(&dump.to_string()));
    assert_eq!(code, 0, "{stderr}");
    let policies = doc["policies"].as_array().unwrap();
    assert_eq!(policies.len(), 3);
    let by = |arn: &str| {
        policies
            .iter()
            .find(|p| p["role"] == format!("arn:aws:iam::111122223333:role/{arn}"))
            .unwrap()
    };
    let ci = by("ci");
    assert_eq!(ci["assumable"], true);
    assert_eq!(ci["principals"][0]["principal"], GH);
    assert_eq!(
        ci["principals"][0]["action"],
        "sts:AssumeRoleWithWebIdentity"
    );
    let sub = ci["principals"][0]["witness"]["context"]["token.actions.githubusercontent.com:sub"]
        .as_str()
        .unwrap();
    assert!(sub.starts_with("repo:octo-org/app:"), "{sub}");
    let closed = by("closed");
    assert_eq!(closed["assumable"], false);
    assert_eq!(closed["principals"], json!([]));
    let why = closed["why"][0].as_str().unwrap();
    assert!(
        why.contains("statement 0 `Ci`") && why.contains("`NoOne`"),
        "{why}"
    );
    let ec2 = by("ec2");
    assert_eq!(ec2["principals"][0]["principal"], "ec2.amazonaws.com");
    assert_eq!(ec2["principals"][0]["action"], "sts:AssumeRole");
    assert_eq!(ec2["principals"][0]["witness"]["context"], json!({}));
}

#[test]
fn terraform_plans_and_cloudformation_templates_are_read_as_audit_reads_them() {
    let plan = json!({"format_version": "1.2",
        "planned_values": {"root_module": {"resources": [
            {"address": "aws_iam_role.ci", "type": "aws_iam_role",
             "values": {"assume_role_policy": gh_policy("repo:octo-org/app:ref:refs/heads/main").to_string()}}]}},
        "resource_changes": [{"address": "aws_iam_role.later", "type": "aws_iam_role",
            "change": {"after": {}, "after_unknown": {"assume_role_policy": true}}}]});
    let (code, doc, stderr) = who_json(&["-"], Some(&plan.to_string()));
    // A value unknown until apply has no answer: exit 2, said in the role's entry.
    assert_eq!(code, 2, "{stderr}");
    let policies = doc["policies"].as_array().unwrap();
    let ci = policies
        .iter()
        .find(|p| p["role"] == "aws_iam_role.ci")
        .unwrap();
    assert_eq!(ci["assumable"], true);
    let later = policies
        .iter()
        .find(|p| p["role"] == "aws_iam_role.later")
        .unwrap();
    assert_eq!(later["assumable"], Value::Null);
    assert!(later["not_analysable"]
        .as_str()
        .unwrap()
        .contains("unknown until apply"));

    let template = "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Ci:\n    Type: AWS::IAM::Role\n    Properties:\n      AssumeRolePolicyDocument:\n        Version: '2012-10-17'\n        Statement:\n          - Effect: Allow\n            Principal:\n              Federated: arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com\n            Action: sts:AssumeRoleWithWebIdentity\n            Condition:\n              StringLike:\n                token.actions.githubusercontent.com:sub: 'repo:octo-org/*'\n";
    let (code, doc, stderr) = who_json(&["-"], Some(template));
    assert_eq!(code, 0, "{stderr}");
    let ci = &doc["policies"][0];
    assert_eq!(ci["role"], "Ci");
    assert_eq!(ci["assumable"], true);
    let sub = ci["principals"][0]["witness"]["context"]["token.actions.githubusercontent.com:sub"]
        .as_str()
        .unwrap();
    assert!(sub.starts_with("repo:octo-org/"), "{sub}");
}

#[test]
fn text_says_who_in_short_words() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("ci.json"),
        gh_policy("repo:octo-org/app:ref:refs/heads/main").to_string(),
    )
    .unwrap();
    std::fs::write(dir.path().join("closed.json"), nobody_policy().to_string()).unwrap();
    std::fs::write(dir.path().join("package.json"), r#"{"name": "x"}"#).unwrap();
    let out = rolecall().arg("who").arg(dir.path()).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    // The provider's own keys are named without its prefix, `sub` by its grammar's fields.
    assert!(
        text.contains(&format!(
            "  - {GH} calling sts:AssumeRoleWithWebIdentity (over GitHub subjects):\n      form branch; aud one of {{`sts.amazonaws.com`}}; owner one of {{`octo-org`}}; repository one of {{`app`}}; branch one of {{`main`}}\n"
        )),
        "{text}"
    );
    assert!(text.contains("  assumable by: nobody\n"), "{text}");
    assert!(
        text.contains("2 policies: 1 assumable, 1 by nobody, 0 not exactly analysable"),
        "{text}"
    );
    assert!(
        text.contains("skipped 1 file that holds no trust policy"),
        "{text}"
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
    let good = dir.path().join("good.json");
    std::fs::write(&good, gh_policy("repo:octo-org/*").to_string()).unwrap();
    let out = rolecall().arg("who").arg(&bad).arg(&good).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(&format!("{}:4:", bad.display())),
        "{stderr}"
    );
    // The good file is still answered.
    assert!(String::from_utf8_lossy(&out.stdout).contains("assumable by:"));

    // A file named on the command line must hold a trust policy.
    let other = dir.path().join("package.json");
    std::fs::write(&other, r#"{"name": "x"}"#).unwrap();
    let out = rolecall().arg("who").arg(&other).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("holds no trust policy"));

    let out = rolecall()
        .arg("who")
        .arg(dir.path().join("missing.json"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let out = rolecall().arg("who").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn a_policy_the_analysis_cannot_answer_exits_2_and_says_why() {
    let policy = json!({"Version": "2012-10-17", "Statement": {"Effect": "Allow",
        "Principal": {"Federated": "accounts.google.com"}, "Action": "sts:AssumeRoleWithWebIdentity",
        "Condition": {"StringEquals": {"accounts.google.com:sub": "${accounts.google.com:oaud}"}}}});
    let (code, doc, _) = who_json(&["-"], Some(&policy.to_string()));
    assert_eq!(code, 2);
    let p = &doc["policies"][0];
    assert_eq!(p["assumable"], Value::Null);
    assert!(p["not_analysable"]
        .as_str()
        .unwrap()
        .contains("not exactly analysable"));
}

/// `--trusted-owner`: outsiders admitted (exit 1, a witness whose owner is not trusted and
/// which `eval --batch` allows), none (exit 0), and principals whose subjects name no owner.
#[test]
fn trusted_owners_ask_for_outsiders() {
    let dir = tempfile::tempdir().unwrap();
    let org = dir.path().join("org.json");
    std::fs::write(&org, gh_policy("repo:octo-org/*").to_string()).unwrap();
    let prefix = dir.path().join("prefix.json");
    // No `/` after the owner: `repo:octo-organisation/...` matches too.
    std::fs::write(&prefix, gh_policy("repo:octo-org*").to_string()).unwrap();
    let ec2 = dir.path().join("ec2.json");
    std::fs::write(
        &ec2,
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#,
    )
    .unwrap();
    let arg = |p: &Path| p.to_str().unwrap().to_owned();

    let (code, doc, stderr) = who_json(&[&arg(&org), "--trusted-owner", "octo-org"], None);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(doc["policies"][0]["outsiders"]["admitted"], false);

    let (code, doc, stderr) = who_json(
        &[
            &arg(&prefix),
            "--trusted-owner",
            "octo-org",
            "--trusted-owner",
            "octo-labs",
        ],
        None,
    );
    assert_eq!(code, 1, "{stderr}");
    let outsiders = &doc["policies"][0]["outsiders"];
    assert_eq!(outsiders["admitted"], true);
    let witness = &outsiders["principals"][0]["witness"];
    let sub = witness["context"]["token.actions.githubusercontent.com:sub"]
        .as_str()
        .unwrap();
    assert!(sub.starts_with("repo:octo-org"), "{sub}");
    assert!(!sub.starts_with("repo:octo-org/"), "{sub}");
    let mut line = witness.clone();
    line["policy"] = Value::String(std::fs::read_to_string(&prefix).unwrap());
    let out = rolecall()
        .args(["eval", "--batch"])
        .write_stdin(format!("{line}\n"))
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("\"Allow\""),
        "{line}"
    );

    let (code, doc, stderr) = who_json(&[&arg(&ec2), "--trusted-owner", "octo-org"], None);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(doc["policies"][0]["outsiders"]["admitted"], false);
    assert_eq!(
        doc["policies"][0]["outsiders"]["unknown"],
        json!(["ec2.amazonaws.com"])
    );

    let out = rolecall()
        .arg("who")
        .arg(&prefix)
        .args(["--trusted-owner", "octo-org"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("  outside the trusted owners:\n"), "{text}");
}

/// `--github-template`: with a repository's custom `sub` template
/// (`repository_owner` then `context`), a policy pinning
/// `repository_owner:octo-org:environment:prod` is described per the template's fields and its
/// witness is a subject that template mints; without the template the same subject is outside
/// the default grammar. A broken template file is exit 2 with its path, line and column.
#[test]
fn github_template_describes_subjects_in_the_template_form() {
    let dir = tempfile::tempdir().unwrap();
    let policy = dir.path().join("policy.json");
    std::fs::write(
        &policy,
        json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
            "Principal": {"Federated": GH}, "Action": "sts:AssumeRoleWithWebIdentity",
            "Condition": {"StringEquals": {
                "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
                "token.actions.githubusercontent.com:sub": "repository_owner:octo-org:environment:prod"}}}]})
        .to_string(),
    )
    .unwrap();
    let template = dir.path().join("template.json");
    std::fs::write(
        &template,
        r#"{"use_default": false, "include_claim_keys": ["repository_owner", "context"]}"#,
    )
    .unwrap();
    let arg = |p: &Path| p.to_str().unwrap().to_owned();

    let (code, with, stderr) =
        who_json(&[&arg(&policy), "--github-template", &arg(&template)], None);
    assert_eq!(code, 0, "{stderr}");
    let principal = &with["policies"][0]["principals"][0];
    let description = principal["description"].as_str().unwrap();
    assert!(!description.contains("outside"), "{description}");
    assert!(description.contains("octo-org"), "{description}");
    let sub = principal["witness"]["context"]["token.actions.githubusercontent.com:sub"]
        .as_str()
        .unwrap();
    assert_eq!(sub, "repository_owner:octo-org:environment:prod");

    let (code, without, stderr) = who_json(&[&arg(&policy)], None);
    assert_eq!(code, 0, "{stderr}");
    let description = without["policies"][0]["principals"][0]["description"]
        .as_str()
        .unwrap();
    assert!(description.contains("outside"), "{description}");

    let broken = dir.path().join("broken.json");
    std::fs::write(
        &broken,
        "{\"use_default\": false,\n \"include_claim_keys\": [\"repo\",]}",
    )
    .unwrap();
    let out = rolecall()
        .arg("who")
        .arg(&policy)
        .arg("--github-template")
        .arg(&broken)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(&format!("{}:2:", broken.display())),
        "{stderr}"
    );
}
