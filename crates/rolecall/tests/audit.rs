//! `rolecall audit` end to end: formats, severities, exit codes, config, inputs.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "integration-test code: helpers outside #[test] functions fail by panicking too"
)]

mod common;
use common::{examples, rolecall};

use assert_cmd::Command;
use predicates::prelude::*;

fn json_of(cmd: &mut Command, code: i32) -> serde_json::Value {
    let out = cmd.assert().code(code).get_output().stdout.clone();
    serde_json::from_slice(&out).unwrap()
}

#[test]
fn good_examples_have_no_findings_at_default_severity() {
    for name in [
        "irsa-single-service-account.json",
        "github-repo-main-branch.json",
        "github-environment.json",
        "gitlab-project-branch.json",
        "cognito-authenticated.json",
        "pod-identity-scoped.json",
        "cross-account-vendor-externalid.json",
    ] {
        rolecall()
            .arg("audit")
            .arg(examples().join(name))
            .assert()
            .code(0)
            .stdout(predicate::str::contains(
                "audited 1 policy: 0 critical, 0 high, 0 medium, 0 low",
            ));
    }
}

#[test]
fn every_bad_example_has_a_finding() {
    let mut bad = 0;
    for entry in std::fs::read_dir(examples()).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_str().unwrap().to_owned();
        if !(name.contains(".bad.") || name.contains(".invalid.")) {
            continue;
        }
        bad += 1;
        let out = rolecall()
            .args(["audit", "--format", "json", "--min-severity", "info"])
            .arg(&path)
            .output()
            .unwrap();
        let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let findings = report["policies"][0]["findings"].as_array().unwrap();
        assert!(!findings.is_empty(), "{name}: no finding");
        // A policy that does not parse fails the run (2); findings give 1.
        let unparsable = findings.iter().any(|f| f["rule"] == "TP-INVALID-POLICY");
        let code = if unparsable { 2 } else { 1 };
        assert_eq!(out.status.code(), Some(code), "{name}");
    }
    assert!(bad >= 10, "expected the bundled bad examples, found {bad}");
}

#[test]
fn text_output_points_at_the_loose_value() {
    rolecall()
        .arg("audit")
        .arg(examples().join("irsa-namespace-prefix.bad.json"))
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "irsa-namespace-prefix.bad.json:10:100: high[TP-IRSA-NAMESPACE-PREFIX]",
        ))
        .stdout(predicate::str::contains(
            "admits a subject outside the intended tenant (the tenant segment is a wildcard): `system:serviceaccount:prod",
        ))
        .stdout(predicate::str::contains("= fix: "));
}

#[test]
fn min_severity_filters_and_sets_the_exit_code() {
    // The IRSA prefix policy has a high and a medium finding.
    let path = examples().join("irsa-namespace-prefix.bad.json");
    rolecall()
        .arg("audit")
        .arg(&path)
        .args(["--min-severity", "critical"])
        .assert()
        .code(0);
    rolecall()
        .arg("audit")
        .arg(&path)
        .args(["--min-severity", "high"])
        .assert()
        .code(1);
    let report = json_of(
        rolecall()
            .arg("audit")
            .arg(&path)
            .args(["--format", "json", "--min-severity", "high"]),
        1,
    );
    let findings = report["policies"][0]["findings"].as_array().unwrap();
    assert!(findings
        .iter()
        .all(|f| f["severity"] == "high" || f["severity"] == "critical"));
}

/// The JSON report's shape and key order are part of the format: counts
/// first, then the filter, then the policies; each finding starts with its
/// rule and severity.
#[test]
fn json_report_key_order_is_stable() {
    let path = examples().join("irsa-namespace-prefix.bad.json");
    let out = rolecall()
        .arg("audit")
        .arg(&path)
        .args(["--format", "json"])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).unwrap();
    let at = |key: &str| text.find(&format!("\"{key}\"")).unwrap();
    assert!(at("summary") < at("min_severity"));
    assert!(at("min_severity") < at("policies"));
    assert!(at("location") < at("findings"));
    assert!(at("rule") < at("severity"));
    let report: serde_json::Value = serde_json::from_str(&text).unwrap();
    let keys: Vec<&String> = report.as_object().unwrap().keys().collect();
    assert_eq!(keys.len(), 3, "{keys:?}");
    assert_eq!(report["summary"]["high"], 1);
}

#[test]
fn sarif_has_what_github_code_scanning_needs() {
    // 2: the examples include a policy that does not parse; the report is still written.
    let sarif = json_of(
        rolecall()
            .arg("audit")
            .arg(examples())
            .args(["--format", "sarif"]),
        2,
    );
    assert_eq!(sarif["version"], "2.1.0");
    let run = &sarif["runs"][0];
    assert_eq!(run["tool"]["driver"]["name"], "rolecall");
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let results = run["results"].as_array().unwrap();
    assert!(!results.is_empty());
    for r in results {
        let id = r["ruleId"].as_str().unwrap();
        let index = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], id, "ruleIndex must point at the rule");
        assert!(["error", "warning", "note"].contains(&r["level"].as_str().unwrap()));
        let region = &r["locations"][0]["physicalLocation"]["region"];
        assert!(region["startLine"].as_u64().unwrap() >= 1);
        assert!(region["startColumn"].as_u64().unwrap() >= 1);
        assert!(r["partialFingerprints"].as_object().unwrap().len() == 1);
    }
}

#[test]
fn account_dump_on_stdin_names_roles() {
    let encoded = "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Principal%22%3A%7B%22Federated%22%3A%22arn%3Aaws%3Aiam%3A%3A111122223333%3Aoidc-provider%2Ftoken.actions.githubusercontent.com%22%7D%2C%22Action%22%3A%22sts%3AAssumeRoleWithWebIdentity%22%2C%22Condition%22%3A%7B%22StringEquals%22%3A%7B%22token.actions.githubusercontent.com%3Aaud%22%3A%22sts.amazonaws.com%22%7D%7D%7D%5D%7D";
    let dump = format!(
        r#"{{"UserDetailList":[],"GroupDetailList":[],"RoleDetailList":[{{"Path":"/","RoleName":"deploy","RoleId":"AROAEXAMPLE","Arn":"arn:aws:iam::111122223333:role/deploy","AssumeRolePolicyDocument":"{encoded}"}}],"Policies":[]}}"#
    );
    rolecall()
        .args(["audit", "-"])
        .write_stdin(dump)
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "(arn:aws:iam::111122223333:role/deploy)",
        ))
        .stdout(predicate::str::contains("critical[TP-OIDC-NO-SUB]"));
}

#[test]
fn config_disables_rules_and_bad_config_is_an_error() {
    let dir = tempdir();
    let cfg = dir.join("rolecall.toml");
    std::fs::write(
        &cfg,
        "[rules]\ndisable = [\"TP-IRSA-NAMESPACE-PREFIX\", \"TP-IRSA-SUB-WILDCARD\"]\n",
    )
    .unwrap();
    rolecall()
        .arg("audit")
        .arg(examples().join("irsa-namespace-prefix.bad.json"))
        .arg("--config")
        .arg(&cfg)
        .assert()
        .code(0);
    std::fs::write(&cfg, "[rules]\ndisabled = []\n").unwrap();
    rolecall()
        .arg("audit")
        .arg(examples().join("irsa-namespace-prefix.bad.json"))
        .arg("--config")
        .arg(&cfg)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "rolecall.toml:2:1: invalid configuration",
        ));
}

fn tempdir() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("rolecall-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// TP-AUD-NOT-IN-CLIENTLIST: with `--providers`, an `aud` value that no
/// registered client ID satisfies is reported (the role is broken for it);
/// a registered one, a `StringLike` pattern a client ID matches, a provider
/// given without client IDs, or no `--providers` at all report nothing.
#[test]
fn aud_values_are_checked_against_the_providers_client_ids() {
    const GH: &str = "token.actions.githubusercontent.com";
    let dir = tempdir();
    let policy = |op: &str, aud: &str| {
        let mut condition = serde_json::json!({
            "StringEquals": {format!("{GH}:sub"): "repo:octo-org/octo-repo:ref:refs/heads/main"}
        });
        condition[op][format!("{GH}:aud")] = aud.into();
        serde_json::json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
            "Principal": {"Federated": format!("arn:aws:iam::111122223333:oidc-provider/{GH}")},
            "Action": "sts:AssumeRoleWithWebIdentity", "Condition": condition}]})
        .to_string()
    };
    let provider = dir.join("provider.json");
    std::fs::write(
        &provider,
        format!(r#"{{"Url":"{GH}","ClientIDList":["sts.amazonaws.com","https://github.com/octo-org"],"ThumbprintList":[]}}"#),
    )
    .unwrap();
    let listed_only = dir.join("listed.json");
    std::fs::write(
        &listed_only,
        format!(r#"{{"OpenIDConnectProviderList":[{{"Arn":"arn:aws:iam::111122223333:oidc-provider/{GH}"}}]}}"#),
    )
    .unwrap();
    let audit = |op: &str, aud: &str, providers: Option<&std::path::Path>| {
        let file = dir.join("policy.json");
        std::fs::write(&file, policy(op, aud)).unwrap();
        let mut cmd = rolecall();
        cmd.arg("audit")
            .arg(&file)
            .args(["--format", "json", "--min-severity", "info"]);
        if let Some(p) = providers {
            cmd.arg("--providers").arg(p);
        }
        let out = cmd.assert().get_output().stdout.clone();
        let report: serde_json::Value = serde_json::from_slice(&out).unwrap();
        report["policies"][0]["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["rule"] == "TP-AUD-NOT-IN-CLIENTLIST")
            .map(|f| f["message"].as_str().unwrap().to_owned())
            .collect::<Vec<_>>()
    };
    let found = audit("StringEquals", "sts.pass_aud_first.com", Some(&provider));
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].contains("`sts.pass_aud_first.com`") && found[0].contains("`sts.amazonaws.com`")
    );
    assert!(audit("StringEquals", "sts.amazonaws.com", Some(&provider)).is_empty());
    assert!(audit("StringLike", "https://github.com/*", Some(&provider)).is_empty());
    assert_eq!(
        audit("StringLike", "sts.amazonaws.org*", Some(&provider)).len(),
        1
    );
    assert!(audit("StringEquals", "sts.pass_aud_first.com", None).is_empty());
    assert!(audit("StringEquals", "sts.pass_aud_first.com", Some(&listed_only)).is_empty());
    // A provider file that is not one is a usage error.
    std::fs::write(dir.join("bad.json"), "[1]").unwrap();
    rolecall()
        .arg("audit")
        .arg(dir.join("policy.json"))
        .arg("--providers")
        .arg(dir.join("bad.json"))
        .assert()
        .code(2);
}

/// A policy that does not parse: looks like one (`Statement`), is broken.
const BROKEN_POLICY: &str =
    "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\"Effect\": \"Allow\",,}\n  ]\n}\n";

/// A directory as a real repository has it: a broken trust policy beside a
/// `package.json`, `node_modules/`, `.git/`, `.terraform/`, a gitignored
/// file (no `.git` needed), an empty file, a Kubernetes multi-document YAML
/// and a `tsconfig.json` with comments. Returns the directory.
fn scanner_tree() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let put = |rel: &str, text: &str| {
        let path = dir.path().join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    };
    put("infra/bad.json", BROKEN_POLICY);
    put("package.json", r#"{"name": "app", "version": "1.0.0"}"#);
    put("node_modules/dep/policy.json", BROKEN_POLICY);
    put(".git/policy.json", BROKEN_POLICY);
    put(".terraform/modules/policy.json", BROKEN_POLICY);
    put(".gitignore", "/ignored.json\n");
    put("ignored.json", BROKEN_POLICY);
    put("empty.json", "");
    put(
        "k8s/deploy.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: b\n",
    );
    put(
        "tsconfig.json",
        "{\n  // comments make this JSONC\n  \"compilerOptions\": {},\n}\n",
    );
    dir
}

/// Issue 12's scanner behaviour: only the broken policy is reported; the
/// rest is skipped (and counted, listed with `--verbose`) or never entered;
/// the run fails (2) because a policy does not parse.
#[test]
fn a_directory_walk_reports_only_trust_policies() {
    let dir = scanner_tree();
    let out = rolecall()
        .arg("audit")
        .arg(dir.path())
        .assert()
        .code(2)
        .get_output()
        .stdout
        .clone();
    let out = String::from_utf8(out).unwrap();
    assert!(
        out.contains("bad.json:4:24: high[TP-INVALID-POLICY]"),
        "{out}"
    );
    for absent in [
        "node_modules",
        ".git",
        ".terraform",
        "ignored.json",
        "package.json",
        "deploy.yaml",
    ] {
        assert!(!out.contains(absent), "{absent} in:\n{out}");
    }
    assert!(
        out.contains("skipped 4 files that hold no trust policy (--verbose lists them)"),
        "{out}"
    );
    let report = json_of(
        rolecall()
            .args(["audit", "--format", "json"])
            .arg(dir.path()),
        2,
    );
    let policies = report["policies"].as_array().unwrap();
    assert_eq!(policies.len(), 1, "{policies:#?}");
    assert!(policies[0]["location"]["path"]
        .as_str()
        .unwrap()
        .ends_with("bad.json"));
    // --verbose names each skipped file and why.
    rolecall()
        .args(["audit", "--verbose"])
        .arg(dir.path())
        .assert()
        .code(2)
        .stdout(predicate::str::contains(
            "package.json: JSON that is neither a policy",
        ))
        .stdout(predicate::str::contains("empty.json: the file is empty"))
        .stdout(predicate::str::contains(
            "tsconfig.json: not JSON, and nothing in it names a trust policy",
        ))
        .stdout(predicate::str::contains(
            "deploy.yaml: YAML with no CloudFormation template",
        ))
        .stdout(predicate::str::contains(
            "skipped 4 files that hold no trust policy\n",
        ));
    // Without the broken policy, the same tree is clean.
    std::fs::remove_file(dir.path().join("infra/bad.json")).unwrap();
    rolecall().arg("audit").arg(dir.path()).assert().code(0);
}

/// Fail closed: an unparsable policy exits 2 under every `--min-severity`,
/// in every format, given as a file or found in a directory; where the
/// filter would hide its finding, the error is still shown.
#[test]
fn an_unparsable_policy_exits_2_whatever_the_min_severity() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.json");
    std::fs::write(&bad, BROKEN_POLICY).unwrap();
    for severity in ["info", "low", "medium", "high", "critical"] {
        for target in [&bad, &dir.path().to_path_buf()] {
            rolecall()
                .arg("audit")
                .arg(target)
                .args(["--min-severity", severity])
                .assert()
                .code(2)
                .stdout(predicate::str::contains("bad.json:4:24:"))
                .stdout(predicate::str::contains("TP-INVALID-POLICY"));
            for format in ["json", "sarif"] {
                let assert = rolecall()
                    .arg("audit")
                    .arg(target)
                    .args(["--min-severity", severity, "--format", format])
                    .assert()
                    .code(2);
                if severity == "critical" {
                    assert.stderr(predicate::str::contains(
                        "bad.json:4:24: the policy does not parse",
                    ));
                }
            }
        }
        // An unreadable input too.
        rolecall()
            .arg("audit")
            .arg(dir.path().join("missing.json"))
            .args(["--min-severity", severity])
            .assert()
            .code(2);
    }
}

/// A file named on the command line (or standard input) that holds no trust
/// policy is an error, not a skip.
#[test]
fn an_explicit_file_without_a_trust_policy_is_an_error() {
    let dir = scanner_tree();
    rolecall()
        .arg("audit")
        .arg(dir.path().join("package.json"))
        .assert()
        .code(2)
        .stdout(predicate::str::contains(
            "package.json: error[no-trust-policy]: holds no trust policy: JSON that is neither a policy",
        ));
    rolecall()
        .args(["audit", "-", "--format", "json"])
        .write_stdin("")
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "<stdin>: holds no trust policy: the file is empty",
        ));
}

/// A CloudFormation template in a multi-document YAML stream (beside
/// Kubernetes documents) is found and audited; YAML on standard input is read
/// as YAML (it used to be refused as JSON).
#[test]
fn cloudformation_in_a_yaml_stream_and_on_stdin() {
    let template = "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Ci:\n    Type: AWS::IAM::Role\n    Properties:\n      AssumeRolePolicyDocument:\n        Version: '2012-10-17'\n        Statement:\n          - Effect: Allow\n            Principal:\n              Federated: arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com\n            Action: sts:AssumeRoleWithWebIdentity\n            Condition:\n              StringLike:\n                token.actions.githubusercontent.com:sub: 'repo:octo-org/*'\n";
    let stream = format!("apiVersion: v1\nkind: ConfigMap\n---\n{template}---\nkind: Service\n");
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("stack.yaml"), &stream).unwrap();
    // A directory holding the stream, the stream on stdin, the template alone on stdin.
    for stdin in [None, Some(stream.clone()), Some(template.to_owned())] {
        let mut cmd = rolecall();
        cmd.args(["audit", "--format", "json"]);
        match stdin {
            None => cmd.arg(dir.path()),
            Some(s) => cmd.arg("-").write_stdin(s),
        };
        let report = json_of(&mut cmd, 1);
        let policies = report["policies"].as_array().unwrap();
        assert_eq!(policies.len(), 1, "{policies:#?}");
        assert_eq!(policies[0]["location"]["role"], "Ci");
        assert_eq!(policies[0]["location"]["kind"], "cloud-formation");
    }
}

/// `.gitignore` applies in a directory that is no git checkout (no `.git`
/// anywhere above the temporary directory), and a directory named on the
/// command line through a symbolic link is walked (links met inside a walk
/// are not followed).
#[cfg(unix)]
#[test]
fn gitignore_applies_without_git_and_a_linked_root_is_walked() {
    let dir = tempfile::tempdir().unwrap();
    let real = dir.path().join("real");
    std::fs::create_dir(&real).unwrap();
    std::fs::write(real.join(".gitignore"), "/ignored.json\n").unwrap();
    std::fs::write(real.join("ignored.json"), BROKEN_POLICY).unwrap();
    std::fs::copy(
        examples().join("irsa-namespace-prefix.bad.json"),
        real.join("loose.json"),
    )
    .unwrap();
    std::os::unix::fs::symlink(&real, dir.path().join("link")).unwrap();
    for root in [real.clone(), dir.path().join("link")] {
        let report = json_of(rolecall().args(["audit", "--format", "json"]).arg(&root), 1);
        let policies = report["policies"].as_array().unwrap();
        assert_eq!(policies.len(), 1, "{policies:#?}");
        assert!(policies[0]["location"]["path"]
            .as_str()
            .unwrap()
            .ends_with("loose.json"));
        // The root itself is not reported as a skipped link.
        rolecall()
            .args(["audit", "--verbose"])
            .arg(&root)
            .assert()
            .code(1)
            .stdout(predicate::str::contains("skipped").not());
    }
}

/// Text output shows the source line of a policy read from standard input
/// (or a pipe): the text as read is kept, not read again from a path.
#[test]
fn source_lines_of_a_policy_on_stdin_are_shown() {
    let policy =
        std::fs::read_to_string(examples().join("irsa-namespace-prefix.bad.json")).unwrap();
    rolecall()
        .args(["audit", "-"])
        .write_stdin(policy)
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "<stdin>:10:100: high[TP-IRSA-NAMESPACE-PREFIX]",
        ))
        .stdout(predicate::str::contains(
            "10 |         \"StringLike\": {\"oidc.eks.us-east-1.amazonaws.com/id/",
        ));
}

/// Text, SARIF and GitHub output place a finding of a policy embedded in a dump (a JSON
/// string) at the same place in the dump, the decoded position is detail; text gave the
/// decoded policy's `1:NNN`, SARIF the role's line.
#[test]
fn embedded_findings_are_placed_in_the_file_given() {
    let policy = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringLike":{"token.actions.githubusercontent.com:sub":"repo:octo-org/*"}}}]}"#;
    let dump = format!(
        "{{\"RoleDetailList\": [\n  {{\"Arn\": \"arn:aws:iam::111122223333:role/gh\",\n   \"AssumeRolePolicyDocument\": {}}}\n]}}\n",
        serde_json::to_string(policy).unwrap()
    );
    let line3 = dump.lines().nth(2).unwrap();
    let column = line3.find(r#"\"repo:octo-org/*\""#).unwrap() + 1;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("d.json");
    std::fs::write(&path, &dump).unwrap();
    let run = |format: &str| {
        let out = rolecall()
            .current_dir(dir.path())
            .args([
                "audit",
                "d.json",
                "--min-severity",
                "high",
                "--format",
                format,
            ])
            .assert()
            .code(1)
            .get_output()
            .stdout
            .clone();
        String::from_utf8(out).unwrap()
    };
    let text = run("text");
    let decoded = policy.find(r#""repo:octo-org/*""#).unwrap() + 1;
    assert!(
        text.contains(&format!(
            "d.json (arn:aws:iam::111122223333:role/gh):3:{column}: high[TP-GHA-ORG-WIDE]"
        )),
        "{text}"
    );
    assert!(
        text.contains(&format!(
            "in line 1, column {decoded} of the decoded policy"
        )),
        "{text}"
    );
    let sarif: serde_json::Value = serde_json::from_str(&run("sarif")).unwrap();
    let region = &sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"];
    assert_eq!(region["startLine"], 3);
    assert_eq!(region["startColumn"], column);
    assert!(run("github").contains(&format!("file=d.json,line=3,col={column}")));
}

/// `--github-template FILE`: a policy pinning a subject of a repository's custom `sub` template
/// (`repository_owner`, `context`) is not reported as an unknown or unsatisfiable subject with the
/// template, and is (TP-SUB-GRAMMAR-UNKNOWN) without it.
#[test]
fn github_template_reads_custom_subjects() {
    let dir = tempfile::tempdir().unwrap();
    let policy = dir.path().join("policy.json");
    std::fs::write(
        &policy,
        serde_json::json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
            "Principal": {"Federated": "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"},
            "Action": "sts:AssumeRoleWithWebIdentity",
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
    let rules = |cmd: &mut Command| -> Vec<String> {
        let out = cmd.output().unwrap();
        assert_ne!(
            out.status.code(),
            Some(2),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        v["policies"][0]["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["rule"].as_str().unwrap().to_owned())
            .collect()
    };
    let with = rules(
        rolecall()
            .args(["audit", "--format", "json", "--min-severity", "info"])
            .arg(&policy)
            .arg("--github-template")
            .arg(&template),
    );
    assert!(
        !with
            .iter()
            .any(|r| r == "TP-SUB-GRAMMAR-UNKNOWN" || r == "TP-SUB-UNSATISFIABLE"),
        "{with:?}"
    );
    let without = rules(
        rolecall()
            .args(["audit", "--format", "json", "--min-severity", "info"])
            .arg(&policy),
    );
    assert!(
        without.iter().any(|r| r == "TP-SUB-GRAMMAR-UNKNOWN"),
        "{without:?}"
    );
}
