//! `rolecall eks`, end to end: the example cluster (one service account per failure class) and
//! the input forms (kubectl JSON, YAML streams, `List`, anchors), each failure class on its own.
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

const ISS: &str = "oidc.eks.us-west-2.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE";
const A: &str = "111122223333";

fn example(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples/eks")
        .join(name)
}

fn rolecall() -> Command {
    Command::cargo_bin("rolecall").unwrap()
}

/// `rolecall eks` with every input of the example cluster (all roles, providers).
fn example_cluster_args() -> Vec<std::ffi::OsString> {
    let mut args = vec!["eks".into()];
    for (flag, file) in [
        ("--cluster", "cluster.json"),
        ("--service-accounts", "service-accounts.yaml"),
        ("--roles", "roles.json"),
        ("--roles", "etl-role.json"),
        ("--providers", "providers.json"),
    ] {
        args.push(flag.into());
        args.push(example(file).into());
    }
    args
}

/// Runs `rolecall eks --format json` on the example cluster (all roles, providers).
fn example_report() -> (i32, Value) {
    let out = rolecall()
        .args(example_cluster_args())
        .args(["--format", "json"])
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
    (out.status.code().unwrap(), v)
}

fn account<'a>(report: &'a Value, namespace: &str, name: &str) -> &'a Value {
    report["service_accounts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["namespace"] == namespace && a["name"] == name)
        .unwrap_or_else(|| panic!("no {namespace}/{name} in {report:#}"))
}

fn role<'a>(report: &'a Value, arn: &str) -> &'a Value {
    report["roles"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["arn"] == arn)
        .unwrap_or_else(|| panic!("no role {arn} in {report:#}"))
}

#[test]
fn example_cluster_reports_each_failure_class() {
    let (code, r) = example_report();
    assert_eq!(code, 1);
    assert_eq!(r["cluster"], "shop");
    // Only annotated service accounts are listed (7 of them; the ConfigMap is skipped).
    assert_eq!(r["service_accounts"].as_array().unwrap().len(), 7, "{r:#}");

    let cart = account(&r, "shop", "cart");
    assert_eq!(cart["status"], "ok");
    assert_eq!(cart["role_arn"], format!("arn:aws:iam::{A}:role/cart"));

    // Name mismatch: explain's reason and IRSA hint, naming both names.
    let checkout = account(&r, "shop", "checkout");
    assert_eq!(checkout["status"], "denied");
    let why = checkout["reason"].as_str().unwrap();
    assert!(
        why.contains("`system:serviceaccount:shop:check-out`"),
        "{why}"
    );
    assert!(
        why.contains("`system:serviceaccount:shop:checkout`"),
        "{why}"
    );
    assert!(
        why.contains("hint: the service account differs (policy `check-out`, token `checkout`)"),
        "{why}"
    );

    // Issuer misspelling, named first.
    let invoices = account(&r, "billing", "invoices");
    assert_eq!(invoices["status"], "denied");
    let why = invoices["reason"].as_str().unwrap();
    assert!(
        why.starts_with("the issuer is misspelt `oidc.us-west-2.eks.amazonaws.com` where the cluster's is `oidc.eks.us-west-2.amazonaws.com`"),
        "{why}"
    );

    // The anchor-merged service account keeps the anchor's namespace, and its role is missing.
    let ledger = account(&r, "billing", "ledger");
    assert_eq!(ledger["status"], "role-not-found");
    assert!(ledger["reason"].as_str().unwrap().contains("role/leger"));

    // Audience from the annotation, not among the provider's client IDs.
    let search = account(&r, "shop", "search");
    assert_eq!(search["status"], "denied");
    let why = search["reason"].as_str().unwrap();
    assert!(
        why.contains("audience `search.shop.example` is not among the client IDs"),
        "{why}"
    );
    assert!(why.contains("eks.amazonaws.com/audience"), "{why}");

    // Role in another account, where the issuer has no provider.
    let etl = account(&r, "data", "etl");
    assert_eq!(etl["status"], "provider-not-registered");
    assert!(etl["reason"]
        .as_str()
        .unwrap()
        .contains("account 444455556666"));

    // Over-broad trust: `shop:*` admits cart and checkout, which are not annotated with it;
    // search's audience keeps it out.
    assert_eq!(account(&r, "shop", "reports")["status"], "ok");
    let reports = role(&r, &format!("arn:aws:iam::{A}:role/reports"));
    assert_eq!(
        reports["assumable_by"],
        json!([
            {"namespace": "shop", "name": "cart", "annotated": false},
            {"namespace": "shop", "name": "checkout", "annotated": false},
            {"namespace": "shop", "name": "reports", "annotated": true},
        ])
    );
    assert_eq!(
        role(&r, &format!("arn:aws:iam::{A}:role/cart"))["assumable_by"],
        json!([{"namespace": "shop", "name": "cart", "annotated": true}])
    );
    assert_eq!(
        role(&r, &format!("arn:aws:iam::{A}:role/checkout"))["assumable_by"],
        json!([])
    );

    // Latent: the name the checkout role expects does not exist, so whoever creates it gets the
    // role; `shop:*` admits a name not yet taken; the cart role admits only cart, which exists.
    assert_eq!(
        role(&r, &format!("arn:aws:iam::{A}:role/checkout"))["latent"],
        json!([{"namespace": "shop", "name": "check-out"}])
    );
    let latent = reports["latent"].as_array().unwrap();
    assert_eq!(latent.len(), 1, "{reports:#}");
    assert_eq!(latent[0]["namespace"], "shop");
    assert!(
        !["cart", "checkout", "reports", "search"].contains(&latent[0]["name"].as_str().unwrap())
    );
    assert_eq!(
        role(&r, &format!("arn:aws:iam::{A}:role/cart"))["latent"],
        json!([])
    );
    // No provider for the issuer in the etl role's account: no token gets it, nothing latent.
    assert_eq!(
        role(&r, "arn:aws:iam::444455556666:role/etl")["latent"],
        json!([])
    );
}

#[test]
fn text_output_is_a_table() {
    let out = rolecall()
        .args(example_cluster_args())
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("STATUS                   SERVICE ACCOUNT   ROLE\n"),
        "{text}"
    );
    assert!(
        text.contains(
            "\nprovider-not-registered  data/etl          arn:aws:iam::444455556666:role/etl\n"
        ),
        "{text}"
    );
    assert!(
        text.contains("  shop/cart  over-broad: admitted but not annotated with this role\n"),
        "{text}"
    );
}

/// A scratch directory with the cluster and a given trust policy for role `app`, as get-role
/// output.
struct Case {
    dir: tempfile::TempDir,
}

impl Case {
    fn new(trust: &Value) -> Case {
        let dir = tempfile::tempdir().unwrap();
        std::fs::copy(example("cluster.json"), dir.path().join("cluster.json")).unwrap();
        let get_role = json!({"Role": {
            "RoleName": "app",
            "Arn": format!("arn:aws:iam::{A}:role/app"),
            "AssumeRolePolicyDocument": trust,
        }});
        std::fs::write(dir.path().join("role.json"), get_role.to_string()).unwrap();
        Case { dir }
    }

    fn write(&self, name: &str, text: &str) -> PathBuf {
        let p = self.dir.path().join(name);
        std::fs::write(&p, text).unwrap();
        p
    }

    fn run(&self, sa: &Path, extra: &[&str]) -> (i32, Value, String) {
        let out = rolecall()
            .current_dir(self.dir.path())
            .args(["eks", "--cluster", "cluster.json", "--roles", "role.json"])
            .arg("--service-accounts")
            .arg(sa)
            .args(extra)
            .args(["--format", "json"])
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        let v = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
        (out.status.code().unwrap(), v, stderr)
    }
}

fn irsa(sub_op: &str, sub: &str, aud: &str) -> Value {
    // Built member by member: with `StringEquals` for both, one block holds both keys.
    let mut condition = json!({"StringEquals": {format!("{ISS}:aud"): aud}});
    condition
        .as_object_mut()
        .unwrap()
        .entry(sub_op)
        .or_insert_with(|| json!({}))
        .as_object_mut()
        .unwrap()
        .insert(format!("{ISS}:sub"), json!(sub));
    json!({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow",
        "Principal": {"Federated": format!("arn:aws:iam::{A}:oidc-provider/{ISS}")},
        "Action": "sts:AssumeRoleWithWebIdentity",
        "Condition": condition,
    }]})
}

fn sa_json(namespace: &str, name: &str, annotations: &Value) -> String {
    json!({"apiVersion": "v1", "kind": "List", "metadata": {"resourceVersion": ""}, "items": [
        {"apiVersion": "v1", "kind": "ServiceAccount",
         "metadata": {"name": name, "namespace": namespace, "uid": "6f1e0c1a-0000-4000-8000-000000000001",
                      "annotations": annotations}}
    ]})
    .to_string()
}

fn app() -> String {
    format!("arn:aws:iam::{A}:role/app")
}

#[test]
fn kubectl_json_ok_and_namespace_mismatch() {
    let case = Case::new(&irsa(
        "StringEquals",
        "system:serviceaccount:shop:api",
        "sts.amazonaws.com",
    ));
    let ok = case.write(
        "ok.json",
        &sa_json("shop", "api", &json!({"eks.amazonaws.com/role-arn": app()})),
    );
    let (code, r, err) = case.run(&ok, &[]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(r["service_accounts"][0]["status"], "ok");
    assert_eq!(r["service_accounts"][0]["reason"], "");
    // Same name in another namespace: denied, the hint names the namespace.
    let other = case.write(
        "ns.json",
        &sa_json(
            "shop-staging",
            "api",
            &json!({"eks.amazonaws.com/role-arn": app()}),
        ),
    );
    let (code, r, _) = case.run(&other, &[]);
    assert_eq!(code, 1);
    let sa = &r["service_accounts"][0];
    assert_eq!(sa["status"], "denied");
    assert!(
        sa["reason"].as_str().unwrap().contains("namespace differs"),
        "{sa}"
    );
}

#[test]
fn audience_annotation_against_the_trust_policy_without_providers() {
    let case = Case::new(&irsa(
        "StringEquals",
        "system:serviceaccount:shop:api",
        "sts.amazonaws.com",
    ));
    let sa = case.write(
        "sa.json",
        &sa_json(
            "shop",
            "api",
            &json!({"eks.amazonaws.com/role-arn": app(), "eks.amazonaws.com/audience": "other"}),
        ),
    );
    let (code, r, _) = case.run(&sa, &[]);
    assert_eq!(code, 1);
    let why = r["service_accounts"][0]["reason"].as_str().unwrap();
    assert!(
        why.contains(&format!(
            "`{ISS}:aud` `sts.amazonaws.com` does not match the token's `other`"
        )),
        "{why}"
    );
}

#[test]
fn provider_in_role_account_is_required_and_its_client_ids_checked() {
    let case = Case::new(&irsa(
        "StringEquals",
        "system:serviceaccount:shop:api",
        "sts.amazonaws.com",
    ));
    let sa = case.write(
        "sa.json",
        &sa_json("shop", "api", &json!({"eks.amazonaws.com/role-arn": app()})),
    );
    // The provider is registered in another account only.
    case.write(
        "elsewhere.json",
        &json!({"account": "999999999999", "providers": [{"url": format!("https://{ISS}"), "client_ids": ["sts.amazonaws.com"]}]}).to_string(),
    );
    let (code, r, _) = case.run(&sa, &["--providers", "elsewhere.json"]);
    assert_eq!(code, 1);
    assert_eq!(
        r["service_accounts"][0]["status"],
        "provider-not-registered"
    );
    // A provider whose URL is the misspelt issuer: not the cluster's, and the reason says so.
    let wrong = ISS.replace("oidc.eks.us-west-2.", "oidc.us-west-2.eks.");
    case.write(
        "misspelt.json",
        &json!({"account": A, "providers": [{"url": format!("https://{wrong}"), "client_ids": ["sts.amazonaws.com"]}]}).to_string(),
    );
    let (_, r, _) = case.run(&sa, &["--providers", "misspelt.json"]);
    assert_eq!(
        r["service_accounts"][0]["status"],
        "provider-not-registered"
    );
    assert!(
        r["service_accounts"][0]["reason"]
            .as_str()
            .unwrap()
            .contains("misspelt"),
        "{r:#}"
    );
    // Registered with other client IDs: the audience fails before the trust policy.
    case.write(
        "aud.json",
        &json!({"account": A, "providers": [{"url": format!("https://{ISS}"), "client_ids": ["other"]}]}).to_string(),
    );
    let (code, r, _) = case.run(&sa, &["--providers", "aud.json"]);
    assert_eq!(code, 1);
    assert_eq!(r["service_accounts"][0]["status"], "denied");
    assert!(r["service_accounts"][0]["reason"]
        .as_str()
        .unwrap()
        .contains("client IDs"));
    // Registered with the audience: ok.
    case.write(
        "good.json",
        &json!({"account": A, "providers": [{"url": format!("https://{ISS}"), "client_ids": ["sts.amazonaws.com"]}]}).to_string(),
    );
    let (code, r, _) = case.run(&sa, &["--providers", "good.json"]);
    assert_eq!(code, 0, "{r:#}");
}

#[test]
fn role_in_another_account_names_the_account_the_provider_is_looked_up_in() {
    // The trust policy names the cluster account's provider; the role lives elsewhere.
    let case = Case::new(&irsa(
        "StringEquals",
        "system:serviceaccount:shop:api",
        "sts.amazonaws.com",
    ));
    let other = "arn:aws:iam::444455556666:role/app";
    let get_role = json!({"Role": {"RoleName": "app", "Arn": other,
        "AssumeRolePolicyDocument": irsa("StringEquals", "system:serviceaccount:shop:api", "sts.amazonaws.com")}});
    case.write("role.json", &get_role.to_string());
    let sa = case.write(
        "sa.json",
        &sa_json("shop", "api", &json!({"eks.amazonaws.com/role-arn": other})),
    );
    let (code, r, _) = case.run(&sa, &[]);
    assert_eq!(code, 1);
    let why = r["service_accounts"][0]["reason"].as_str().unwrap();
    assert!(
        why.contains("the provider ARN names account `111122223333`, but STS looks the provider up in the role's account `444455556666`"),
        "{why}"
    );
}

#[test]
fn over_broad_trust_fails_the_run_even_when_every_account_is_ok() {
    let case = Case::new(&irsa(
        "StringLike",
        "system:serviceaccount:shop:*",
        "sts.amazonaws.com",
    ));
    let yaml = format!(
        "kind: ServiceAccount\nmetadata:\n  name: api\n  namespace: shop\n  annotations:\n    eks.amazonaws.com/role-arn: {}\n---\nkind: ServiceAccount\nmetadata:\n  name: debug\n  namespace: shop\n",
        app()
    );
    let sa = case.write("sa.yaml", &yaml);
    let (code, r, _) = case.run(&sa, &[]);
    assert_eq!(code, 1);
    assert_eq!(r["service_accounts"][0]["status"], "ok");
    assert_eq!(
        r["roles"][0]["assumable_by"],
        json!([
            {"namespace": "shop", "name": "api", "annotated": true},
            {"namespace": "shop", "name": "debug", "annotated": false},
        ])
    );
}

#[test]
fn unreadable_inputs_exit_2_with_the_place() {
    let case = Case::new(&irsa(
        "StringEquals",
        "system:serviceaccount:shop:api",
        "sts.amazonaws.com",
    ));
    for (name, text, wanted) in [
        ("dup.yaml", "kind: ServiceAccount\nmetadata: {name: a, namespace: b}\nkind: List\n", "duplicate entry with key \"kind\""),
        ("dup.json", r#"{"kind": "ServiceAccount", "kind": "List"}"#, "line 1"),
        ("nons.yaml", "kind: ServiceAccount\nmetadata: {name: a}\n", "no `metadata.namespace`"),
        ("deep.yaml", &format!("x: {}{}\n", "[".repeat(70), "]".repeat(70)), "nest deeper than 64"),
        (
            "bomb.yaml",
            "a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\ng: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f, *f]\nh: [*g, *g, *g, *g, *g, *g, *g, *g, *g, *g]\n",
            "repetition limit exceeded",
        ),
    ] {
        let p = case.write(name, text);
        let (code, _, err) = case.run(&p, &[]);
        assert_eq!(code, 2, "{name}: {err}");
        assert!(err.contains(wanted), "{name}: {err}");
        assert!(err.contains(name), "{name}: {err}");
    }
    // A bare policy file does not say which role it is for.
    case.write("role.json", &irsa("StringEquals", "x", "y").to_string());
    let sa = case.write("sa.json", &sa_json("shop", "api", &json!({})));
    let (code, _, err) = case.run(&sa, &[]);
    assert_eq!(code, 2);
    assert!(err.contains("does not say which role"), "{err}");
}
