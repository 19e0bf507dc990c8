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

/// `rolecall eks` with every input of the example cluster (all roles, providers, the Pod
/// Identity associations), pods too when `pods`.
fn example_args(pods: bool) -> Vec<std::ffi::OsString> {
    let mut args = vec!["eks".into()];
    let mut inputs = vec![
        ("--cluster", "cluster.json"),
        ("--service-accounts", "service-accounts.yaml"),
        ("--roles", "roles.json"),
        ("--roles", "etl-role.json"),
        ("--roles", "data-account.json"),
        ("--providers", "providers.json"),
        ("--pod-identity", "pod-identity/list.json"),
    ];
    if pods {
        inputs.push(("--pods", "pods.json"));
    }
    for (flag, file) in inputs {
        args.push(flag.into());
        args.push(example(file).into());
    }
    // Several files after one flag: the bare trust policies and the descriptions.
    for (flag, dir) in [("--roles", "trust"), ("--pod-identity", "pod-identity")] {
        args.push(flag.into());
        let mut files: Vec<PathBuf> = std::fs::read_dir(example(dir))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| !p.ends_with("list.json"))
            .collect();
        files.sort();
        args.extend(files.into_iter().map(Into::into));
    }
    args
}

fn example_cluster_args() -> Vec<std::ffi::OsString> {
    example_args(false)
}

/// Runs `rolecall eks --format json` on the example cluster (all roles, providers).
fn example_report() -> (i32, Value) {
    example_report_with(false)
}

fn example_report_with(pods: bool) -> (i32, Value) {
    let out = rolecall()
        .args(example_args(pods))
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
    // A bare policy file on standard input has no file name to name its role.
    let sa = case.write("sa.json", &sa_json("shop", "api", &json!({})));
    let out = rolecall()
        .current_dir(case.dir.path())
        .args([
            "eks",
            "--cluster",
            "cluster.json",
            "--service-accounts",
            "sa.json",
            "--roles",
            "-",
        ])
        .write_stdin(irsa("StringEquals", "x", "y").to_string())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("names its role by its file name"), "{err}");
    // A Pod Identity association of another cluster.
    let other = case.write(
        "other.json",
        &json!({"association": {"associationId": "a-1", "clusterName": "prod", "namespace": "shop",
            "serviceAccount": "api", "roleArn": app()}})
        .to_string(),
    );
    let (code, _, err) = case.run(&sa, &["--pod-identity", other.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(err.contains("is for cluster `prod`, not `shop`"), "{err}");
}

#[test]
fn a_bare_policy_file_is_the_role_its_file_name_names_in_the_cluster_account() {
    let case = Case::new(&irsa(
        "StringEquals",
        "system:serviceaccount:shop:api",
        "sts.amazonaws.com",
    ));
    // `api-role.json`, a bare trust policy: `arn:aws:iam::111122223333:role/api-role`.
    case.write(
        "api-role.json",
        &irsa(
            "StringEquals",
            "system:serviceaccount:shop:api",
            "sts.amazonaws.com",
        )
        .to_string(),
    );
    case.write(
        "sa.json",
        &sa_json(
            "shop",
            "api",
            &json!({"eks.amazonaws.com/role-arn": format!("arn:aws:iam::{A}:role/api-role")}),
        ),
    );
    let out = rolecall()
        .current_dir(case.dir.path())
        .args([
            "eks",
            "--cluster",
            "cluster.json",
            "--service-accounts",
            "sa.json",
        ])
        .args(["--roles", "api-role.json", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let r: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(r["service_accounts"][0]["status"], "ok");
    assert_eq!(
        r["roles"][0]["arn"],
        format!("arn:aws:iam::{A}:role/api-role")
    );
}

#[test]
fn example_pod_identity_associations_report_each_failure_class() {
    let (code, r) = example_report();
    assert_eq!(code, 1);
    let assoc = |sa: &str| -> Value {
        r["pod_identity"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["service_account"] == sa)
            .unwrap_or_else(|| panic!("no association for {sa} in {r:#}"))
            .clone()
    };
    assert_eq!(r["pod_identity"].as_array().unwrap().len(), 6, "{r:#}");
    // Chained to a role in the data account, whose trust policy names the association's
    // external ID.
    let web = assoc("web");
    assert_eq!(web["status"], "ok", "{web:#}");
    assert_eq!(web["association_id"], "a-0web0000000000001");
    assert_eq!(web["namespace"], "shop");
    assert_eq!(web["role_arn"], format!("arn:aws:iam::{A}:role/web"));
    assert_eq!(
        web["target_role_arn"],
        "arn:aws:iam::444455556666:role/web-data"
    );
    assert_eq!(web["reason"], "");
    // No sts:TagSession.
    let worker = assoc("worker");
    assert_eq!(worker["status"], "denied");
    assert!(
        worker["reason"]
            .as_str()
            .unwrap()
            .starts_with("the trust policy allows `sts:AssumeRole` but not `sts:TagSession`"),
        "{worker:#}"
    );
    // A session-tag condition on another namespace.
    let queue = assoc("queue");
    assert_eq!(queue["status"], "denied");
    assert!(
        queue["reason"].as_str().unwrap().contains(
            "StringEquals `aws:RequestTag/kubernetes-namespace` `jobs` does not match the request's `shop`"
        ),
        "{queue:#}"
    );
    // The target role expects another external ID.
    let exports = assoc("exports");
    assert_eq!(exports["status"], "denied");
    let why = exports["reason"].as_str().unwrap();
    assert!(
        why.starts_with("target role `arn:aws:iam::444455556666:role/exports-data`"),
        "{why}"
    );
    assert!(why.contains("`sts:ExternalId`"), "{why}");
    // Listed, never described.
    let cache = assoc("cache");
    assert_eq!(cache["status"], "role-unknown");
    assert_eq!(cache["role_arn"], Value::Null);
    // A condition on the pod name: unknown without the pods...
    let batch = assoc("batch");
    assert_eq!(batch["status"], "depends-on-pod");
    assert!(batch["reason"]
        .as_str()
        .unwrap()
        .contains("`aws:RequestTag/kubernetes-pod-name`"));
    // ...and evaluated for each pod with them; `in_use` from the pods.
    let (_, r) = example_report_with(true);
    let batch = r["pod_identity"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["service_account"] == "batch")
        .unwrap();
    assert_eq!(batch["status"], "ok", "{batch:#}");
    assert_eq!(batch["in_use"], true);
    assert_eq!(account(&r, "shop", "cart")["in_use"], true);
    assert_eq!(account(&r, "shop", "checkout")["in_use"], false);
    let reports = role(&r, &format!("arn:aws:iam::{A}:role/reports"));
    assert_eq!(reports["assumable_by"][0]["in_use"], true);
    assert_eq!(reports["assumable_by"][1]["in_use"], false);
    // Without --pods, no `in_use`.
    let (_, r) = example_report();
    assert!(account(&r, "shop", "cart").get("in_use").is_none());
}

/// A scratch Pod Identity case: role `app` with `trust`, one association for `shop/api`.
/// `pods`: `kubectl get pods` output to give with --pods.
fn pod_identity_case(
    trust: &Value,
    association: &Value,
    pods: Option<&str>,
) -> (i32, Value, String) {
    let case = Case::new(trust);
    case.write("sa.yaml", "kind: List\nitems: []\n");
    let assoc = case.write(
        "assoc.json",
        &json!({"association": association}).to_string(),
    );
    let mut args: Vec<String> = vec!["--pod-identity".into(), assoc.to_str().unwrap().into()];
    if let Some(text) = pods {
        let p = case.write("pods.json", text);
        args.push("--pods".into());
        args.push(p.to_str().unwrap().into());
    }
    let flags: Vec<&str> = args.iter().map(String::as_str).collect();
    case.run(Path::new("sa.yaml"), &flags)
}

fn pod_trust(actions: &[&str], condition: &Value) -> Value {
    json!({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"Service": "pods.eks.amazonaws.com"},
        "Action": actions, "Condition": condition}]})
}

fn api_association() -> Value {
    json!({"associationId": "a-1", "clusterName": "shop", "namespace": "shop",
           "serviceAccount": "api", "roleArn": app(), "disableSessionTags": false})
}

#[test]
fn pod_identity_failure_classes() {
    let both = ["sts:AssumeRole", "sts:TagSession"];
    let cluster_arn = format!("arn:aws:eks:us-west-2:{A}:cluster/shop");
    // Scoped to the cluster, namespace and service account: ok.
    let scoped = json!({"StringEquals": {
        "aws:RequestTag/eks-cluster-arn": cluster_arn,
        "aws:RequestTag/eks-cluster-name": "shop",
        "aws:RequestTag/kubernetes-namespace": "shop",
        "aws:RequestTag/kubernetes-service-account": "api"}});
    let (code, r, err) = pod_identity_case(&pod_trust(&both, &scoped), &api_association(), None);
    assert_eq!(code, 0, "{err} {r:#}");
    assert_eq!(r["pod_identity"][0]["status"], "ok");
    // Another service account name: denied, naming the tag.
    let other_sa =
        json!({"StringEquals": {"aws:RequestTag/kubernetes-service-account": "api-server"}});
    let (code, r, _) = pod_identity_case(&pod_trust(&both, &other_sa), &api_association(), None);
    assert_eq!(code, 1);
    let why = r["pod_identity"][0]["reason"].as_str().unwrap();
    assert!(why.contains("`aws:RequestTag/kubernetes-service-account` `api-server` does not match the request's `api`"), "{why}");
    // Another cluster's ARN or name.
    for condition in [
        json!({"StringEquals": {"aws:RequestTag/eks-cluster-arn": format!("arn:aws:eks:us-west-2:{A}:cluster/prod")}}),
        json!({"StringEquals": {"aws:RequestTag/eks-cluster-name": "prod"}}),
    ] {
        let (code, r, _) =
            pod_identity_case(&pod_trust(&both, &condition), &api_association(), None);
        assert_eq!(code, 1, "{condition}");
        assert_eq!(r["pod_identity"][0]["status"], "denied");
    }
    // The IRSA principal instead of the Pod Identity one.
    let irsa_shaped = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
        "Principal": {"Service": "eks.amazonaws.com"}, "Action": both}]});
    let (_, r, _) = pod_identity_case(&irsa_shaped, &api_association(), None);
    let why = r["pod_identity"][0]["reason"].as_str().unwrap();
    assert!(
        why.contains("principal `pods.eks.amazonaws.com` is not among the statement's principals"),
        "{why}"
    );
    // Without sts:TagSession: denied; with session tags disabled: ok.
    let assume_only = pod_trust(&["sts:AssumeRole"], &json!({}));
    let (code, _, _) = pod_identity_case(&assume_only, &api_association(), None);
    assert_eq!(code, 1);
    let mut untagged = api_association();
    untagged["disableSessionTags"] = json!(true);
    let (code, r, _) = pod_identity_case(&assume_only, &untagged, None);
    assert_eq!(code, 0, "{r:#}");
    // ...but then a session-tag condition cannot hold.
    let (code, _, _) = pod_identity_case(&pod_trust(&["sts:AssumeRole"], &scoped), &untagged, None);
    assert_eq!(code, 1);
    // A pod-name condition, checked against each pod of the service account.
    let by_pod = json!({"StringLike": {"aws:RequestTag/kubernetes-pod-name": "api-*"}});
    let pods = |name: &str| {
        json!({"kind": "List", "items": [{"kind": "Pod",
            "metadata": {"name": name, "namespace": "shop", "uid": "u-1"},
            "spec": {"serviceAccountName": "api"}}]})
        .to_string()
    };
    let (code, r, _) = pod_identity_case(&pod_trust(&both, &by_pod), &api_association(), None);
    assert_eq!(
        (code, r["pod_identity"][0]["status"].as_str()),
        (1, Some("depends-on-pod"))
    );
    let (code, r, _) = pod_identity_case(
        &pod_trust(&both, &by_pod),
        &api_association(),
        Some(&pods("api-0")),
    );
    assert_eq!(code, 0, "{r:#}");
    assert_eq!(r["pod_identity"][0]["in_use"], true);
    let (code, r, _) = pod_identity_case(
        &pod_trust(&both, &by_pod),
        &api_association(),
        Some(&pods("debug-0")),
    );
    assert_eq!(code, 1);
    let why = r["pod_identity"][0]["reason"].as_str().unwrap();
    assert!(why.starts_with("pod `shop/debug-0`: "), "{why}");
    // No pod uses the service account: still unknown.
    let (_, r, _) = pod_identity_case(
        &pod_trust(&both, &by_pod),
        &api_association(),
        Some(&json!({"kind": "List", "items": []}).to_string()),
    );
    assert_eq!(r["pod_identity"][0]["status"], "depends-on-pod");
    assert_eq!(r["pod_identity"][0]["in_use"], false);
    // A target role not among the roles.
    let mut chained = api_association();
    chained["targetRoleArn"] = json!("arn:aws:iam::444455556666:role/missing");
    chained["externalId"] = json!("x-1");
    let (_, r, _) = pod_identity_case(&pod_trust(&both, &scoped), &chained, None);
    assert_eq!(r["pod_identity"][0]["status"], "role-not-found");
    assert!(r["pod_identity"][0]["reason"]
        .as_str()
        .unwrap()
        .contains("target role `arn:aws:iam::444455556666:role/missing`"));
}

/// The vendored SARIF 2.1.0 schema (its two `language` patterns escaped for Rust's regex
/// engine, as rolecall-audit's schema test does).
fn sarif_schema() -> jsonschema::Validator {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata/sarif/sarif-schema-2.1.0.json");
    let text = std::fs::read_to_string(path).unwrap().replace(
        r#""^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$""#,
        r#""^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}\\]?$""#,
    );
    let schema: Value = serde_json::from_str(&text).unwrap();
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft7)
        .build(&schema)
        .unwrap()
}

#[test]
fn sarif_locates_each_problem_at_the_service_account_name_in_its_manifest() {
    let out = rolecall()
        .args(example_cluster_args())
        .args(["--format", "sarif"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let log: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(log["version"], "2.1.0");
    let errors: Vec<String> = sarif_schema()
        .iter_errors(&log)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    let results = log["runs"][0]["results"].as_array().unwrap();
    let manifest = std::fs::read_to_string(example("service-accounts.yaml")).unwrap();
    let line_of = |text: &str| manifest.lines().position(|l| l == text).unwrap() + 1;
    let find = |rule: &str, needle: &str| -> &Value {
        results
            .iter()
            .find(|r| {
                r["ruleId"] == rule && r["message"]["text"].as_str().unwrap().contains(needle)
            })
            .unwrap_or_else(|| panic!("no {rule} {needle} in {log:#}"))
    };
    let at = |r: &Value| {
        let p = &r["locations"][0]["physicalLocation"];
        (
            p["artifactLocation"]["uri"].as_str().unwrap().to_owned(),
            p["region"]["startLine"].as_u64(),
        )
    };
    let checkout = find("eks/denied", "`shop/checkout`");
    let (uri, line) = at(checkout);
    assert!(uri.ends_with("service-accounts.yaml"), "{uri}");
    assert_eq!(line, Some(line_of("  name: checkout") as u64));
    assert_eq!(checkout["level"], "error");
    // Inside a `List`: the item's own line.
    let invoices = find("eks/denied", "`billing/invoices`");
    assert_eq!(at(invoices).1, Some(line_of("      name: invoices") as u64));
    // The anchor-merged service account writes its own name.
    let ledger = find("eks/role-not-found", "`billing/ledger`");
    assert_eq!(at(ledger).1, Some(line_of("      name: ledger") as u64));
    find("eks/provider-not-registered", "`data/etl`");
    // Over-broad: at the admitted service account.
    let broad = find("eks/over-broad", "`shop/cart`");
    assert_eq!(at(broad).1, Some(line_of("  name: cart") as u64));
    assert_eq!(broad["level"], "warning");
    // Latent: at the file of the role.
    let latent = find("eks/latent", "`shop/check-out`");
    assert!(
        at(latent).0.ends_with("examples/eks/roles.json"),
        "{latent:#}"
    );
    // Pod Identity: at the description's file.
    let worker = find("eks/pod-identity-denied", "`shop/worker`");
    assert!(at(worker).0.ends_with("worker.json"));
    find("eks/pod-identity-unknown", "`shop/cache`");
    // The ok ones give no result.
    assert!(!results.iter().any(|r| r["message"]["text"]
        .as_str()
        .unwrap()
        .contains("`shop/cart` (role")));
    // Every ruleIndex points at its rule.
    let rules = log["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap();
    for r in results {
        let i = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[i]["id"], r["ruleId"]);
    }
}

#[test]
fn latent_names_one_service_account_per_admitted_pattern() {
    let case = Case::new(&irsa(
        "StringLike",
        "system:serviceaccount:shop:*",
        "sts.amazonaws.com",
    ));
    let mut trust = irsa("StringLike", "", "sts.amazonaws.com");
    trust["Statement"][0]["Condition"]["StringLike"][format!("{ISS}:sub")] = json!([
        "system:serviceaccount:shop:api-*",
        "system:serviceaccount:billing:*",
        "system:serviceaccount:shop:api-1",
    ]);
    case.write(
        "role.json",
        &json!({"Role": {"RoleName": "app", "Arn": app(), "AssumeRolePolicyDocument": trust}})
            .to_string(),
    );
    let sa = case.write(
        "sa.json",
        &sa_json(
            "shop",
            "api-1",
            &json!({"eks.amazonaws.com/role-arn": app()}),
        ),
    );
    let (code, r, err) = case.run(&sa, &[]);
    assert_eq!(code, 0, "{err}");
    let latent = r["roles"][0]["latent"].as_array().unwrap();
    // `shop/api-1` exists: the exact value gives nothing; each pattern gives one.
    assert_eq!(latent.len(), 2, "{r:#}");
    assert_eq!(latent[0]["namespace"], "billing");
    assert_eq!(latent[1]["namespace"], "shop");
    let name = latent[1]["name"].as_str().unwrap();
    assert!(name.starts_with("api-") && name != "api-1", "{name}");
}
