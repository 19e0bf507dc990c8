//! `rolecall eval` and `eval --batch` end to end, and the CLI as the third
//! implementation of the shared vectors (after the engine and the model).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "integration-test code: helpers outside #[test] functions fail by panicking too"
)]

mod common;
use common::{examples, rolecall};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use predicates::prelude::*;
use rolecall_testkit::engine::{check_engine, expected, Engine, VectorAnswer};
use rolecall_testkit::vectors::{load_all, Vector};
use serde_json::{json, Value};

const EKS: &str = "oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE";

fn irsa_args(sub: &str) -> Vec<String> {
    vec![
        "eval".into(),
        "--policy".into(),
        examples()
            .join("irsa-single-service-account.json")
            .display()
            .to_string(),
        "--principal".into(),
        format!("arn:aws:iam::111122223333:oidc-provider/{EKS}"),
        "--context".into(),
        format!("{EKS}:aud=sts.amazonaws.com"),
        "--context".into(),
        format!("{EKS}:sub={sub}"),
    ]
}

#[test]
fn exit_codes_follow_the_decision() {
    rolecall()
        .args(irsa_args("system:serviceaccount:payments:payments-api"))
        .assert()
        .code(0)
        .stdout(predicate::str::starts_with("Allow\n"))
        .stdout(predicate::str::contains(
            "allowed by statement 0 (`PaymentsApi`)",
        ));
    rolecall()
        .args(irsa_args("system:serviceaccount:default:payments-api"))
        .assert()
        .code(1)
        .stdout(predicate::str::starts_with("ImplicitDeny\n"));
}

#[test]
fn json_output_shape() {
    let out = rolecall()
        .args(irsa_args("system:serviceaccount:payments:payments-api"))
        .args(["--format", "json"])
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    let v: Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(v["decision"], "Allow");
    assert_eq!(v["signature_checked"], false);
    assert_eq!(v["actions"][0]["action"], "sts:AssumeRoleWithWebIdentity");
    assert_eq!(v["actions"][0]["statements"], json!(["PaymentsApi"]));
}

#[test]
fn policy_on_stdin_and_repeated_context_keys_are_multivalued() {
    let policy = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"cognito-identity.amazonaws.com"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"ForAnyValue:StringLike":{"cognito-identity.amazonaws.com:amr":"authenticated"}}}]}"#;
    let run = |amr: &[&str]| {
        let mut cmd = rolecall();
        cmd.args([
            "eval",
            "--policy",
            "-",
            "--principal",
            "cognito-identity.amazonaws.com",
        ]);
        for a in amr {
            cmd.args([
                "--context",
                &format!("cognito-identity.amazonaws.com:amr={a}"),
            ]);
        }
        cmd.write_stdin(policy).assert()
    };
    run(&["authenticated", "graph.facebook.com"]).code(0);
    run(&["unauthenticated", "x"]).code(1);
}

#[test]
fn a_token_needs_the_role_account_and_is_read_as_sts_would() {
    let claims = json!({"iss": format!("https://{EKS}"), "sub": "system:serviceaccount:payments:payments-api", "aud": ["sts.amazonaws.com"]});
    let token = format!(
        "{}.{}.sig",
        URL_SAFE_NO_PAD.encode(r#"{"alg":"RS256"}"#),
        URL_SAFE_NO_PAD.encode(claims.to_string())
    );
    let policy = examples().join("irsa-single-service-account.json");
    rolecall()
        .args(["eval", "--token", "-", "--policy"])
        .arg(&policy)
        .write_stdin(token.clone())
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "--token needs --role-arn or --account",
        ));
    rolecall()
        .args([
            "eval",
            "--token",
            "-",
            "--role-arn",
            "arn:aws:iam::111122223333:role/payments",
            "--policy",
        ])
        .arg(&policy)
        .write_stdin(token)
        .assert()
        .code(0)
        .stdout(predicate::str::contains(
            "signature, issuer, audience and expiry were not checked",
        ));
}

#[test]
fn bad_inputs_are_clear_errors() {
    let policy = examples().join("irsa-single-service-account.json");
    let with_token = |token: String| {
        rolecall()
            .args([
                "eval",
                "--account",
                "111122223333",
                "--token",
                "-",
                "--policy",
            ])
            .arg(&policy)
            .write_stdin(token)
            .assert()
            .code(2)
    };
    with_token("not a jwt".into()).stderr(predicate::str::contains("invalid token"));
    with_token(format!(
        "{}.{}.x",
        URL_SAFE_NO_PAD.encode("{}"),
        URL_SAFE_NO_PAD.encode("nope")
    ))
    .stderr(predicate::str::contains("invalid token"));
    with_token(format!(
        "{}.{}.x",
        URL_SAFE_NO_PAD.encode("{}"),
        URL_SAFE_NO_PAD.encode(r#"{"iss":"https://x.example.com","sub":"s","aud":5}"#)
    ))
    .stderr(predicate::str::contains("aud"));
    let dir = std::env::temp_dir().join(format!("rolecall-eval-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let ctx = dir.join("ctx.json");
    std::fs::write(&ctx, "[1, 2]").unwrap();
    rolecall()
        .args(["eval", "--principal", "p", "--context-file"])
        .arg(&ctx)
        .arg("--policy")
        .arg(&policy)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("invalid context"));
    rolecall()
        .args([
            "eval",
            "--principal",
            "p",
            "--context",
            "no-equals-sign",
            "--policy",
        ])
        .arg(&policy)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("expected KEY=VALUE"));
    rolecall()
        .args(["eval", "--principal", "p", "--policy"])
        .arg(examples().join("resource-in-trust-policy.invalid.json"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains(":8:19: error: policy is refused"));
}

/// Before, eval said Allow for payments-api's trust policy under `--role-arn
/// …/other` (issue 13).
#[test]
fn get_role_output_of_another_role_is_refused() {
    let dir = std::env::temp_dir().join(format!("rolecall-eval-role-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let policy: Value = serde_json::from_str(
        &std::fs::read_to_string(examples().join("irsa-single-service-account.json")).unwrap(),
    )
    .unwrap();
    let payments = "arn:aws:iam::111122223333:role/payments-api";
    let get_role = dir.join("get-role.json");
    let doc = json!({"Role": {"RoleName": "payments-api", "Arn": payments,
        "AssumeRolePolicyDocument": policy}});
    std::fs::write(&get_role, doc.to_string()).unwrap();
    let claims = json!({"iss": format!("https://{EKS}"), "aud": "sts.amazonaws.com",
        "sub": "system:serviceaccount:payments:payments-api"});
    let token = format!(
        "{}.{}.x",
        URL_SAFE_NO_PAD.encode(r#"{"alg":"RS256","kid":"k"}"#),
        URL_SAFE_NO_PAD.encode(claims.to_string())
    );
    let eval = |role: &str| {
        rolecall()
            .args(["eval", "--role-arn", role, "--token", "-", "--policy"])
            .arg(&get_role)
            .write_stdin(token.clone())
            .assert()
    };
    eval("arn:aws:iam::111122223333:role/other")
        .code(2)
        .stdout(predicate::str::is_empty())
        .stderr(predicate::str::contains(format!(
            "this `aws iam get-role` output is for role `{payments}`, not for --role-arn `arn:aws:iam::111122223333:role/other`"
        )));
    eval(payments)
        .code(0)
        .stdout(predicate::str::starts_with("Allow\n"));
    // Only a role name in the output: compared with the ARN's name.
    let doc = json!({"Role": {"RoleName": "payments-api", "AssumeRolePolicyDocument": doc["Role"]["AssumeRolePolicyDocument"]}});
    std::fs::write(&get_role, doc.to_string()).unwrap();
    eval("arn:aws:iam::111122223333:role/other")
        .code(2)
        .stderr(predicate::str::contains("is for role name `payments-api`"));
    eval("arn:aws:iam::111122223333:role/team/payments-api").code(0);
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Runs `eval --batch` on `input` (it must exit 0) and reads its JSON lines.
fn batch(input: String) -> Vec<Value> {
    let out = rolecall()
        .args(["eval", "--batch"])
        .write_stdin(input)
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    String::from_utf8(out)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn batch_keeps_going_after_bad_lines() {
    let good = json!({"id": 7, "policy": {"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole"}}, "principal": "arn:aws:iam::1:role/x", "action": "sts:AssumeRole"});
    let huge = format!("{{\"id\":1,\"junk\":\"{}\"}}", "x".repeat(10 * 1024 * 1024));
    let input = format!("{good}\n\n{huge}\n{{\"id\":2}}\n{good}\n");
    let lines = batch(input);
    assert_eq!(lines.len(), 5);
    assert_eq!(lines[0]["decision"], "Allow");
    assert_eq!(lines[0]["id"], 7);
    assert_eq!(lines[1]["error"]["kind"], "empty-line");
    assert_eq!(lines[2]["error"]["kind"], "line-too-long");
    assert_eq!(lines[3]["id"], 2);
    assert_eq!(lines[3]["decision"], "Error");
    assert_eq!(lines[4]["decision"], "Allow");
}

/// A client that writes one request and waits for its answer before writing
/// the next gets each answer while its stdin is still open (the output was
/// block-buffered: nothing arrived before 8 KiB or end of input).
#[test]
fn batch_answers_each_line_while_the_client_waits() {
    use std::io::{BufRead, BufReader, Write};
    use std::process::{Command, Stdio};
    use std::sync::mpsc;
    use std::time::Duration;

    let mut child = Command::new(assert_cmd::cargo::cargo_bin("rolecall"))
        .args(["eval", "--batch"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = mpsc::channel();
    let reader = std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            if tx.send(line.unwrap()).is_err() {
                break;
            }
        }
    });
    let policy = json!({"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole"}});
    for id in 0..3 {
        let action = if id == 1 {
            "sts:TagSession"
        } else {
            "sts:AssumeRole"
        };
        let request = json!({"id": id, "policy": policy, "principal": "arn:aws:iam::1:role/x", "action": action});
        writeln!(stdin, "{request}").unwrap();
        stdin.flush().unwrap();
        let answer = rx.recv_timeout(Duration::from_secs(20));
        let Ok(answer) = answer else {
            let _ = child.kill();
            panic!("no answer to request {id} while stdin is open");
        };
        let answer: Value = serde_json::from_str(&answer).unwrap();
        assert_eq!(answer["id"], id);
        let expected = if id == 1 { "ImplicitDeny" } else { "Allow" };
        assert_eq!(answer["decision"], expected);
    }
    drop(stdin);
    assert!(child.wait().unwrap().success());
    reader.join().unwrap();
    assert!(rx.try_recv().is_err(), "one answer per request");
}

/// The CLI as an engine of the shared runner (`rolecall_testkit::engine`):
/// every vector in one `eval --batch` process. The CLI names deciding
/// statements by `Sid` (or index when there is none); they are read back
/// into indexes, each `Sid` as the first statement of that name not yet
/// named.
struct Cli;

impl Engine for Cli {
    fn name(&self) -> &'static str {
        "eval --batch"
    }

    fn answer_all(&mut self, vectors: &[Vector]) -> Vec<VectorAnswer> {
        let mut input = String::new();
        for v in vectors {
            let context: serde_json::Map<String, Value> = v
                .context
                .iter()
                .map(|(k, value)| {
                    let value = match value {
                        rolecall_model::ContextValue::Single(s) => json!(s),
                        rolecall_model::ContextValue::Multi(m) => json!(m),
                    };
                    (k.clone(), value)
                })
                .collect();
            // The policy goes in as a string so duplicate keys and escapes
            // reach the parser exactly as written.
            let line = json!({"id": v.name, "policy": v.policy, "principal": v.principal, "action": v.action, "context": context});
            input.push_str(&line.to_string());
            input.push('\n');
        }
        let lines = batch(input);
        vectors
            .iter()
            .zip(&lines)
            .map(|(v, line)| cli_answer(v, line))
            .collect()
    }
}

fn cli_answer(v: &Vector, line: &Value) -> VectorAnswer {
    if line["id"] != json!(v.name) {
        return VectorAnswer::Inconsistent(format!("answer for another id: {line}"));
    }
    answer_of(v, &line["decision"], &line["statements"], line)
}

/// The answer the CLI printed as `decision` and deciding `statements`.
fn answer_of(v: &Vector, decision: &Value, refs: &Value, line: &Value) -> VectorAnswer {
    let decision = match decision.as_str() {
        Some("Error") => return VectorAnswer::Invalid,
        Some("Allow") => rolecall_model::Decision::Allow,
        Some("ImplicitDeny") => rolecall_model::Decision::ImplicitDeny,
        Some("ExplicitDeny") => rolecall_model::Decision::ExplicitDeny,
        _ => return VectorAnswer::Inconsistent(format!("no decision: {line}")),
    };
    let policy = rolecall_policy::parse(&v.policy).unwrap();
    let sids: Vec<Option<&str>> = policy
        .statements()
        .iter()
        .map(|s| s.sid.as_ref().map(|s| s.node.as_str()))
        .collect();
    let mut statements = Vec::new();
    for r in refs.as_array().into_iter().flatten() {
        let index = match r {
            Value::Number(n) => n.as_u64().map(|n| n as usize),
            Value::String(sid) => {
                (0..sids.len()).find(|i| sids[*i] == Some(sid.as_str()) && !statements.contains(i))
            }
            _ => None,
        };
        match index {
            Some(i) => statements.push(i),
            None => return VectorAnswer::Inconsistent(format!("unknown statement {r}: {line}")),
        }
    }
    VectorAnswer::Decided(decision, statements)
}

/// Every shared vector through `eval --batch`, by the shared runner.
#[test]
fn batch_agrees_with_every_vector() {
    if let Err(e) = check_engine(&mut Cli) {
        panic!("{e}");
    }
}

/// Every vector that carries its token (testdata/README.md, `token`),
/// through `eval --token`: the CLI decodes the token, derives the context
/// with the claim table and must reach the vector's decision and deciding
/// statements, as the engine and the model do from the written context.
#[test]
fn token_vectors_through_eval_token() {
    let vectors = load_all().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut seen = 0;
    let mut failures = Vec::new();
    for v in vectors.iter().filter(|v| v.token.is_some()) {
        seen += 1;
        let claims = v.token.as_ref().unwrap();
        let token = format!(
            "{}.{}.sig",
            URL_SAFE_NO_PAD.encode(r#"{"alg":"RS256","kid":"k"}"#),
            URL_SAFE_NO_PAD.encode(claims.to_string())
        );
        let (partition, account) = role_partition_and_account(&v.principal);
        let policy = dir.path().join(format!("{}.json", v.name));
        std::fs::write(&policy, &v.policy).unwrap();
        let out = rolecall()
            .args(["eval", "--format", "json", "--token", "-", "--role-arn"])
            .arg(format!("arn:{partition}:iam::{account}:role/vector"))
            .arg("--policy")
            .arg(&policy)
            .write_stdin(token)
            .output()
            .unwrap();
        let got: Value = match serde_json::from_slice(&out.stdout) {
            Ok(v) => v,
            Err(_) => {
                failures.push(format!(
                    "{}: no json (exit {:?}): {}",
                    v.name,
                    out.status.code(),
                    String::from_utf8_lossy(&out.stderr)
                ));
                continue;
            }
        };
        let answer = if out.status.code() == Some(2) {
            VectorAnswer::Invalid
        } else {
            answer_of(v, &got["decision"], &got["actions"][0]["statements"], &got)
        };
        // Only the decision is compared where the vector lists no deciding
        // statement (the first action's statements may then name others).
        let ok = match (expected(v), &answer) {
            (VectorAnswer::Decided(d, want), VectorAnswer::Decided(g, _)) if want.is_empty() => {
                d == *g
            }
            (want, got) => want == *got,
        };
        if !ok {
            failures.push(format!(
                "{}: expected {:?} {:?}, got {got}",
                v.name, v.expected, v.statements
            ));
        }
    }
    assert!(seen >= 8, "only {seen} token vectors");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The partition and account of a vector's role: those of its provider ARN
/// (the role lives in the provider's account and partition,
/// docs/SEMANTICS.md §2.3), or `aws` and the example account for a
/// built-in provider.
fn role_partition_and_account(principal: &str) -> (&str, &str) {
    let mut parts = principal
        .strip_prefix("arn:")
        .unwrap_or_default()
        .split(':');
    match (parts.next(), parts.next(), parts.next(), parts.next()) {
        (Some(partition), Some("iam"), Some(""), Some(account)) => (partition, account),
        _ => ("aws", "111122223333"),
    }
}
