//! `rolecall sts assume-role-with-web-identity` and `rolecall token inspect`,
//! end to end, with a key generated inside the test.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "integration-test code: helpers outside #[test] functions fail by panicking too"
)]

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use assert_cmd::Command;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use predicates::prelude::*;
use rsa::pkcs1::{EncodeRsaPrivateKey, LineEnding};
use rsa::traits::PublicKeyParts;
use serde_json::{json, Value};

const ACCOUNT: &str = "111122223333";
const ROLE: &str = "arn:aws:iam::111122223333:role/app";
const EKS: &str = "oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE";
const KID: &str = "cli-key";
const NOW: i64 = 1_750_000_000;

/// A 2048-bit key and its JWKS, once per test binary.
fn key() -> &'static (String, String) {
    static KEY: OnceLock<(String, String)> = OnceLock::new();
    KEY.get_or_init(|| {
        let private = rsa::RsaPrivateKey::new(&mut rand::thread_rng(), 2048).unwrap();
        let public = private.to_public_key();
        let jwks = json!({"keys": [{
            "kty": "RSA", "alg": "RS256", "use": "sig", "kid": KID,
            "n": URL_SAFE_NO_PAD.encode(public.n().to_bytes_be()),
            "e": URL_SAFE_NO_PAD.encode(public.e().to_bytes_be()),
        }]});
        (
            private.to_pkcs1_pem(LineEnding::LF).unwrap().to_string(),
            jwks.to_string(),
        )
    })
}

fn sign(claims: &Value) -> String {
    let mut header = Header::new(Algorithm::RS256);
    header.kid = Some(KID.to_owned());
    let key = EncodingKey::from_rsa_pem(key().0.as_bytes()).unwrap();
    jsonwebtoken::encode(&header, claims, &key).unwrap()
}

fn claims(sub: &str, exp: i64) -> Value {
    json!({
        "iss": format!("https://{EKS}"),
        "sub": sub,
        "aud": ["sts.amazonaws.com"],
        "iat": NOW - 60,
        "exp": exp,
    })
}

/// A directory with policy, providers (get-open-id-connect-provider output),
/// JWKS and a token; removed on drop.
struct Fixture {
    dir: PathBuf,
}

impl Fixture {
    fn new(name: &str, token: &str) -> Fixture {
        let dir =
            std::env::temp_dir().join(format!("rolecall-cli-sts-{}-{name}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let policy = json!({"Version": "2012-10-17", "Statement": [{
            "Sid": "Irsa", "Effect": "Allow",
            "Principal": {"Federated": format!("arn:aws:iam::{ACCOUNT}:oidc-provider/{EKS}")},
            "Action": "sts:AssumeRoleWithWebIdentity",
            "Condition": {"StringEquals": {
                format!("{EKS}:aud"): "sts.amazonaws.com",
                format!("{EKS}:sub"): "system:serviceaccount:prod:app"}}}]});
        std::fs::write(dir.join("policy.json"), policy.to_string()).unwrap();
        let provider = json!({"Url": EKS, "ClientIDList": ["sts.amazonaws.com"],
            "ThumbprintList": ["9e99a48a9960b14926bb7f3b02e22da2b0ab7280"],
            "CreateDate": "2024-01-01T00:00:00+00:00", "Tags": []});
        std::fs::write(dir.join("provider.json"), provider.to_string()).unwrap();
        std::fs::write(dir.join("jwks.json"), &key().1).unwrap();
        std::fs::write(dir.join("token.jwt"), format!("{token}\n")).unwrap();
        Fixture { dir }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }

    fn sts(&self) -> Command {
        let mut cmd = self.base();
        cmd.arg("--now").arg(NOW.to_string());
        cmd
    }

    /// Without `--now`.
    fn base(&self) -> Command {
        let mut cmd = Command::cargo_bin("rolecall").unwrap();
        cmd.env("NO_COLOR", "1")
            .args(["sts", "assume-role-with-web-identity", "--role-arn", ROLE])
            .arg("--policy")
            .arg(self.path("policy.json"))
            .arg("--token")
            .arg(self.path("token.jwt"))
            .arg("--providers")
            .arg(self.path("provider.json"))
            .arg("--jwks")
            .arg(self.path("jwks.json"));
        cmd
    }
}

impl Drop for Fixture {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn json_of(output: &[u8]) -> Value {
    serde_json::from_slice(output).unwrap()
}

#[test]
fn sts_success_text_and_json() {
    let f = Fixture::new(
        "ok",
        &sign(&claims("system:serviceaccount:prod:app", NOW + 3600)),
    );
    f.sts()
        .assert()
        .code(0)
        .stdout(predicate::str::contains(
            "success: arn:aws:sts::111122223333:assumed-role/app/rolecall",
        ))
        .stdout(predicate::str::contains(
            "sts:AssumeRoleWithWebIdentity: allowed by statement 0 (`Irsa`)",
        ));
    let out = f
        .sts()
        .args(["--format", "json", "--session-name", "ci"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let v = json_of(&out.stdout);
    assert_eq!(v["outcome"]["status"], "success");
    assert_eq!(
        v["outcome"]["assumed_role_arn"],
        "arn:aws:sts::111122223333:assumed-role/app/ci"
    );
    assert_eq!(v["exit_code"], 0);
}

#[test]
fn sts_access_denied_exits_1() {
    let f = Fixture::new(
        "denied",
        &sign(&claims("system:serviceaccount:dev:app", NOW + 3600)),
    );
    f.sts()
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "error: AccessDenied: Not authorized to perform sts:AssumeRoleWithWebIdentity",
        ))
        .stdout(predicate::str::contains("check: authorization"));
}

#[test]
fn sts_expired_token_with_rfc3339_now() {
    let f = Fixture::new(
        "expired",
        &sign(&claims("system:serviceaccount:prod:app", NOW - 360)),
    );
    // 1750000000 is 2025-06-15T15:06:40Z.
    let out = f
        .base()
        .args(["--now", "2025-06-15T15:06:40Z", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let v = json_of(&out.stdout);
    assert_eq!(v["outcome"]["error"]["code"], "ExpiredTokenException");
    assert_eq!(
        v["outcome"]["error"]["message"],
        format!(
            "Token expired: current date/time {NOW} must be before the expiration date/time {}",
            NOW - 360
        )
    );
}

#[test]
fn sts_wrong_audience_from_stdin_token() {
    let mut c = claims("system:serviceaccount:prod:app", NOW + 3600);
    c["aud"] = json!("sts.amazon.com");
    let f = Fixture::new("aud", "unused");
    let mut cmd = Command::cargo_bin("rolecall").unwrap();
    cmd.env("NO_COLOR", "1")
        .args([
            "sts",
            "assume-role-with-web-identity",
            "--role-arn",
            ROLE,
            "--token",
            "-",
        ])
        .arg("--policy")
        .arg(f.path("policy.json"))
        .arg("--providers")
        .arg(f.path("provider.json"))
        .arg("--jwks")
        .arg(f.path("jwks.json"))
        .args(["--now", &NOW.to_string()])
        .write_stdin(sign(&c))
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "error: InvalidIdentityToken: Incorrect token audience",
        ));
}

#[test]
fn sts_malformed_inputs_exit_2() {
    let f = Fixture::new(
        "bad",
        &sign(&claims("system:serviceaccount:prod:app", NOW + 3600)),
    );
    std::fs::write(
        f.path("bad-provider.json"),
        "{\"Url\": \"x.example.com\",\n \"Clientids\": []}",
    )
    .unwrap();
    let mut cmd = f.sts();
    cmd.arg("--providers").arg(f.path("bad-provider.json"));
    cmd.assert()
        .code(2)
        .stderr(predicate::str::contains("line 2"))
        .stderr(predicate::str::contains("unknown field `Clientids`"));
    std::fs::write(f.path("jwks.json"), "{\"keys\": 3}").unwrap();
    f.sts()
        .assert()
        .code(2)
        .stderr(predicate::str::contains("invalid jwks"));
}

fn inspect(args: &[&str]) -> Command {
    let mut cmd = Command::cargo_bin("rolecall").unwrap();
    cmd.env("NO_COLOR", "1")
        .args(["token", "inspect"])
        .args(args);
    cmd
}

#[test]
fn token_inspect_text_json_and_exit_codes() {
    let token = sign(&claims("system:serviceaccount:prod:app", NOW + 3600));
    let now = NOW.to_string();
    inspect(&[&token, "--role-arn", ROLE, "--now", &now])
        .assert()
        .code(0)
        .stdout(predicate::str::contains(format!(
            "principal: arn:aws:iam::{ACCOUNT}:oidc-provider/{EKS}"
        )))
        .stdout(predicate::str::contains(format!(
            "{EKS}:sub = system:serviceaccount:prod:app"
        )));
    // Expired at `now`: STS would refuse it, exit 1.
    let later = (NOW + 4000).to_string();
    let out = inspect(&[&token, "--now", &later, "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let v = json_of(&out.stdout);
    assert_eq!(v["notes"][0]["kind"], "expired");
    // From a file and from stdin.
    let f = Fixture::new("inspect", &token);
    inspect(&[f.path("token.jwt").to_str().unwrap(), "--now", &now])
        .assert()
        .code(0);
    inspect(&["-", "--now", &now])
        .write_stdin(token)
        .assert()
        .code(0);
    inspect(&["not-a-token"]).assert().code(2);
    inspect(&["a.b.c"])
        .assert()
        .code(2)
        .stdout(predicate::str::contains("not a token"));
    assert!(Path::new(&f.dir).exists());
}

fn eval_verify(f: &Fixture) -> Command {
    let mut cmd = Command::cargo_bin("rolecall").unwrap();
    cmd.env("NO_COLOR", "1")
        .args([
            "eval",
            "--verify",
            "--role-arn",
            ROLE,
            "--now",
            &NOW.to_string(),
        ])
        .arg("--policy")
        .arg(f.path("policy.json"))
        .arg("--token")
        .arg(f.path("token.jwt"))
        .arg("--providers")
        .arg(f.path("provider.json"))
        .arg("--jwks")
        .arg(f.path("jwks.json"));
    cmd
}

#[test]
fn eval_verify_checks_the_token_before_the_policy() {
    let good = Fixture::new(
        "verify-ok",
        &sign(&claims("system:serviceaccount:prod:app", NOW + 3600)),
    );
    let out = eval_verify(&good)
        .args(["--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let v = json_of(&out.stdout);
    assert_eq!(v["decision"], "Allow");
    assert_eq!(v["signature_checked"], true);
    eval_verify(&good)
        .assert()
        .code(0)
        .stdout(predicate::str::contains("were not checked").not());

    // The same claims with a forged signature: STS refuses the token.
    let forged = sign(&claims("system:serviceaccount:prod:app", NOW + 3600));
    let (head, _) = forged.rsplit_once('.').unwrap();
    let bad = Fixture::new(
        "verify-bad",
        &format!("{head}.{}", URL_SAFE_NO_PAD.encode([7u8; 256])),
    );
    eval_verify(&bad)
        .assert()
        .code(1)
        .stdout(predicate::str::contains("InvalidIdentityToken"))
        .stdout(predicate::str::contains(
            "before it evaluates the trust policy",
        ));
    // Without --verify the same token is evaluated (and allowed).
    let mut plain = Command::cargo_bin("rolecall").unwrap();
    plain
        .args(["eval", "--role-arn", ROLE, "--policy"])
        .arg(bad.path("policy.json"))
        .arg("--token")
        .arg(bad.path("token.jwt"))
        .assert()
        .code(0);
}

#[test]
fn sts_takes_the_role_from_an_account_dump() {
    let f = Fixture::new(
        "dump",
        &sign(&claims("system:serviceaccount:prod:app", NOW + 3600)),
    );
    let policy: Value =
        serde_json::from_str(&std::fs::read_to_string(f.path("policy.json")).unwrap()).unwrap();
    // Another role first, whose policy denies; the role's document is an
    // object, as the AWS CLI prints it.
    let deny_all = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Principal": "*", "Action": "sts:AssumeRoleWithWebIdentity"}]});
    let dump = json!({"RoleDetailList": [
        {"Arn": "arn:aws:iam::111122223333:role/other", "RoleName": "other", "AssumeRolePolicyDocument": deny_all},
        {"Arn": ROLE, "RoleName": "app", "AssumeRolePolicyDocument": policy},
    ], "Policies": []});
    let dump_path = f.path("dump.json");
    std::fs::write(&dump_path, dump.to_string()).unwrap();
    let run = |role: &str| {
        let mut cmd = Command::cargo_bin("rolecall").unwrap();
        cmd.env("NO_COLOR", "1")
            .args(["sts", "assume-role-with-web-identity", "--role-arn", role])
            .arg("--policy")
            .arg(&dump_path)
            .arg("--token")
            .arg(f.path("token.jwt"))
            .arg("--providers")
            .arg(f.path("provider.json"))
            .arg("--jwks")
            .arg(f.path("jwks.json"))
            .arg("--now")
            .arg(NOW.to_string());
        cmd
    };
    run(ROLE).assert().code(0).stdout(predicate::str::contains(
        "success: arn:aws:sts::111122223333:assumed-role/app/",
    ));
    run("arn:aws:iam::111122223333:role/other")
        .assert()
        .code(1)
        .stdout(predicate::str::contains("AccessDenied"));
    run("arn:aws:iam::111122223333:role/missing")
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "has no role `arn:aws:iam::111122223333:role/missing`",
        ));
}

/// `sts --policy` reads dumps with the reader `audit` uses (`rolecall_audit::dump`): the pages
/// of a paginated call too, the role's document as a JSON string too, and a role without a
/// document is named in the error instead of the dump being read as a policy.
#[test]
fn sts_reads_dump_pages_as_audit_does() {
    let f = Fixture::new(
        "dump-pages",
        &sign(&claims("system:serviceaccount:prod:app", NOW + 3600)),
    );
    let policy = std::fs::read_to_string(f.path("policy.json")).unwrap();
    let dump = json!([
        {"RoleDetailList": [{"Arn": "arn:aws:iam::111122223333:role/bare"}]},
        {"RoleDetailList": [{"Arn": ROLE, "RoleName": "app", "AssumeRolePolicyDocument": policy}]},
    ]);
    let dump_path = f.path("pages.json");
    std::fs::write(&dump_path, dump.to_string()).unwrap();
    sts_with(&f, Some(ROLE), &dump_path)
        .assert()
        .code(0)
        .stdout(predicate::str::contains(
            "success: arn:aws:sts::111122223333:assumed-role/app/",
        ));
    sts_with(&f, Some("arn:aws:iam::111122223333:role/bare"), &dump_path)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "role `arn:aws:iam::111122223333:role/bare` has no `AssumeRolePolicyDocument`",
        ));
    sts_with(&f, None, &dump_path)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("(its roles: `bare`, `app`)"));
}

/// `aws iam get-role` output for `role`, holding the fixture's policy.
fn get_role(f: &Fixture, role: &str) -> PathBuf {
    let policy: Value =
        serde_json::from_str(&std::fs::read_to_string(f.path("policy.json")).unwrap()).unwrap();
    let name = role.rsplit('/').next().unwrap();
    let out = f.path(&format!("get-role-{name}.json"));
    let doc = json!({"Role": {"Path": "/", "RoleName": name, "RoleId": "AROAEXAMPLE",
        "Arn": role, "CreateDate": "2024-01-01T00:00:00+00:00",
        "AssumeRolePolicyDocument": policy}});
    std::fs::write(&out, doc.to_string()).unwrap();
    out
}

fn sts_with(f: &Fixture, role: Option<&str>, policy: &Path) -> Command {
    let mut cmd = Command::cargo_bin("rolecall").unwrap();
    cmd.env("NO_COLOR", "1")
        .args(["sts", "assume-role-with-web-identity"]);
    if let Some(role) = role {
        cmd.args(["--role-arn", role]);
    }
    cmd.arg("--policy")
        .arg(policy)
        .arg("--token")
        .arg(f.path("token.jwt"))
        .arg("--providers")
        .arg(f.path("provider.json"))
        .arg("--jwks")
        .arg(f.path("jwks.json"))
        .args(["--now", &NOW.to_string()]);
    cmd
}

/// Before, `--role-arn …/other` with get-role output of payments-api
/// printed `success: …assumed-role/other/…` (issue 13).
#[test]
fn sts_refuses_get_role_output_of_another_role() {
    let f = Fixture::new(
        "get-role",
        &sign(&claims("system:serviceaccount:prod:app", NOW + 3600)),
    );
    let payments = "arn:aws:iam::111122223333:role/payments-api";
    let doc = get_role(&f, payments);
    sts_with(&f, Some("arn:aws:iam::111122223333:role/other"), &doc)
        .assert()
        .code(2)
        .stdout(predicate::str::is_empty())
        .stderr(predicate::str::contains(format!(
            "this `aws iam get-role` output is for role `{payments}`, not for --role-arn `arn:aws:iam::111122223333:role/other`"
        )));
    // Exactly, as the account-dump lookup compares: letter case counts.
    sts_with(
        &f,
        Some("arn:aws:iam::111122223333:role/Payments-Api"),
        &doc,
    )
    .assert()
    .code(2);
    sts_with(&f, Some(payments), &doc)
        .assert()
        .code(0)
        .stdout(predicate::str::contains("assumed-role/payments-api/"));
    sts_with(&f, None, &doc)
        .assert()
        .code(0)
        .stdout(predicate::str::contains("assumed-role/payments-api/"));
}

/// Before: "unknown member RoleDetailList".
#[test]
fn sts_asks_for_role_arn_with_an_account_dump() {
    let f = Fixture::new("dump-no-arn", "unused");
    let roles: Vec<Value> = (0..8)
        .map(|i| json!({"Arn": format!("arn:aws:iam::111122223333:role/r{i}"), "RoleName": format!("r{i}"),
            "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": []}}))
        .collect();
    let dump = f.path("dump.json");
    std::fs::write(&dump, json!({"RoleDetailList": roles}).to_string()).unwrap();
    sts_with(&f, None, &dump)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "is `aws iam get-account-authorization-details` output: give --role-arn to choose the role (its roles: `r0`, `r1`, `r2`, `r3`, `r4`, and 3 more)",
        ))
        .stderr(predicate::str::contains("RoleDetailList").not());
}

/// A dump role that gives its trust policy twice is refused: either copy could be the one AWS
/// holds (here the first allows nothing, the second everything).
#[test]
fn sts_refuses_a_dump_role_giving_a_member_twice() {
    let f = Fixture::new("dump-twice", "unused");
    let arn = "arn:aws:iam::111122223333:role/twice";
    let dump = f.path("dump.json");
    std::fs::write(
        &dump,
        format!(
            r#"{{"RoleDetailList":[{{"Arn":"{arn}","AssumeRolePolicyDocument":{{"Version":"2012-10-17","Statement":[]}},"AssumeRolePolicyDocument":{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":"*","Action":"*"}}]}}}}]}}"#
        ),
    )
    .unwrap();
    sts_with(&f, Some(arn), &dump)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(format!(
            "role `{arn}` gives `AssumeRolePolicyDocument` twice"
        )));
}

/// The EKS fixture claims as text with `extra` members first, signed as
/// written (so a repeated member reaches rolecall).
fn sign_text(header: &str, extra: &str) -> String {
    let claims = format!(
        r#"{{{extra}"iss":"https://{EKS}","sub":"system:serviceaccount:prod:app","aud":["sts.amazonaws.com"],"exp":{}}}"#,
        NOW + 3600
    );
    let message = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(header),
        URL_SAFE_NO_PAD.encode(claims)
    );
    let key = EncodingKey::from_rsa_pem(key().0.as_bytes()).unwrap();
    let signature = jsonwebtoken::crypto::sign(message.as_bytes(), &key, Algorithm::RS256).unwrap();
    format!("{message}.{signature}")
}

fn rs256() -> String {
    format!(r#"{{"alg":"RS256","kid":"{KID}"}}"#)
}

const ADMIN: &str = "system:serviceaccount:kube-system:admin";

/// A correctly signed token with `sub` twice: before, the last `sub` won
/// and sts said success, inspect showed one `sub`, eval said Allow.
#[test]
fn duplicate_claims_are_refused_by_sts_inspect_and_eval() {
    let token = sign_text(&rs256(), &format!(r#""sub":"{ADMIN}","#));
    let f = Fixture::new("dup-sub", &token);
    f.sts()
        .assert()
        .code(1)
        .stdout(predicate::str::contains("error: InvalidIdentityToken: "))
        .stdout(predicate::str::contains("check: token-format"))
        .stdout(predicate::str::contains(
            "member `sub` appears more than once in the token claims",
        ));
    let out = inspect(&[&token, "--now", &NOW.to_string()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.starts_with("refused: InvalidIdentityToken: "),
        "{text}"
    );
    assert!(
        text.contains("member `sub` appears more than once"),
        "{text}"
    );
    assert!(
        !text.contains(ADMIN) && !text.contains("prod:app"),
        "{text}"
    );
    let out = inspect(&[&token, "--format", "json"]).output().unwrap();
    let v = json_of(&out.stdout);
    assert_eq!(v["refused"]["code"], "InvalidIdentityToken");
    assert_eq!(v["claims"], Value::Null);
    rolecall_eval_token(&f)
        .assert()
        .code(2)
        .stdout(predicate::str::is_empty())
        .stderr(predicate::str::contains("InvalidIdentityToken"))
        .stderr(predicate::str::contains(
            "member `sub` appears more than once",
        ));

    // `alg` twice in the header, and a `crit` header.
    for (header, cause) in [
        (
            format!(r#"{{"alg":"none","alg":"RS256","kid":"{KID}"}}"#),
            "member `alg` appears more than once in the token header",
        ),
        (
            format!(r#"{{"alg":"RS256","kid":"{KID}","crit":["b64"],"b64":false}}"#),
            "header `crit` requires extension(s) `b64`",
        ),
    ] {
        let token = sign_text(&header, "");
        let f = Fixture::new("dup-alg", &token);
        f.sts()
            .assert()
            .code(1)
            .stdout(predicate::str::contains(cause));
        inspect(&[&token])
            .assert()
            .code(1)
            .stdout(predicate::str::contains(cause));
    }
}

fn rolecall_eval_token(f: &Fixture) -> Command {
    let mut cmd = Command::cargo_bin("rolecall").unwrap();
    cmd.env("NO_COLOR", "1")
        .args(["eval", "--role-arn", ROLE, "--policy"])
        .arg(f.path("policy.json"))
        .arg("--token")
        .arg(f.path("token.jwt"));
    cmd
}

/// Before, inspect decoded a 25,000-character token and took `exp: 1e30`
/// as a time, and sts said "no `exp` claim" for it.
#[test]
fn inspect_applies_the_sts_limits_with_the_same_words() {
    let mut long = claims("system:serviceaccount:prod:app", NOW + 3600);
    long["padding"] = json!("x".repeat(25_000));
    let mut far = claims("system:serviceaccount:prod:app", NOW + 3600);
    far["exp"] = json!(1e30);
    for (token, code, said) in [
        (
            sign(&long),
            "ValidationError",
            "Member must have length less than or equal to 20000",
        ),
        (
            sign(&far),
            "InvalidIdentityToken",
            "claim `exp` is present but unusable: `1e+30` is after 9999-12-31T23:59:59Z",
        ),
    ] {
        let f = Fixture::new("limits", &token);
        let sts = f.sts().args(["--format", "json"]).output().unwrap();
        assert_eq!(sts.status.code(), Some(1));
        let sts = json_of(&sts.stdout)["outcome"]["error"].clone();
        let path = f.path("token.jwt");
        let ins = inspect(&[path.to_str().unwrap(), "--format", "json"])
            .output()
            .unwrap();
        assert_eq!(ins.status.code(), Some(1));
        let ins = json_of(&ins.stdout)["refused"].clone();
        assert_eq!(ins, sts);
        assert_eq!(sts["code"], code);
        assert!(sts["cause"].as_str().unwrap().contains(said), "{sts}");
        assert!(
            !sts["cause"].as_str().unwrap().contains("no `exp`"),
            "{sts}"
        );
    }
}
