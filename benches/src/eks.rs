//! The inputs of the `rolecall eks` scale bench (`benches/benches/eks.rs`): a cluster with
//! [`NAMESPACES`] x [`PER_NAMESPACE`] service accounts, each annotated with one of the roles of
//! an account dump, every role trusting [`PER_ROLE`] of them by exact `sub` (`StringEquals`), or,
//! for every tenth role, by one `StringLike` pattern that admits the same ten.

use serde_json::{json, Value};

/// Namespaces of the cluster.
pub const NAMESPACES: usize = 100;
/// Service accounts per namespace.
pub const PER_NAMESPACE: usize = 100;
/// Service accounts per role (so `NAMESPACES * PER_NAMESPACE / PER_ROLE` roles).
pub const PER_ROLE: usize = 10;
/// The cluster's issuer host.
pub const ISSUER: &str = "oidc.eks.us-west-2.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE";
/// The account of the cluster and its roles.
pub const ACCOUNT: &str = "111122223333";

/// `aws eks describe-cluster` output.
pub fn cluster() -> String {
    json!({"cluster": {
        "name": "scale",
        "arn": format!("arn:aws:eks:us-west-2:{ACCOUNT}:cluster/scale"),
        "identity": {"oidc": {"issuer": format!("https://{ISSUER}")}},
    }})
    .to_string()
}

fn names(i: usize) -> (String, String) {
    (
        format!("ns-{:03}", i / PER_NAMESPACE),
        format!("sa-{:03}", i % PER_NAMESPACE),
    )
}

fn role_arn(k: usize) -> String {
    format!("arn:aws:iam::{ACCOUNT}:role/r-{k:04}")
}

/// `kubectl get serviceaccounts -A -o json` output: every service account, annotated with its
/// role (service account `i` with role `i / PER_ROLE`).
pub fn service_accounts() -> String {
    let items: Vec<Value> = (0..NAMESPACES * PER_NAMESPACE)
        .map(|i| {
            let (namespace, name) = names(i);
            json!({"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {
                "name": name, "namespace": namespace,
                "uid": format!("00000000-0000-4000-8000-{i:012}"),
                "annotations": {"eks.amazonaws.com/role-arn": role_arn(i / PER_ROLE)},
            }})
        })
        .collect();
    json!({"apiVersion": "v1", "kind": "List", "items": items}).to_string()
}

/// `aws iam get-account-authorization-details` output with every role.
pub fn roles() -> String {
    let total = NAMESPACES * PER_NAMESPACE / PER_ROLE;
    let roles: Vec<Value> = (0..total)
        .map(|k| {
            let first = k * PER_ROLE;
            let (namespace, name) = names(first);
            let sub = if k % 10 == 9 {
                // `sa-0Y*` admits `sa-0Y0` to `sa-0Y9`: the same ten.
                let stem = name.get(..name.len() - 1).unwrap_or("");
                json!({"StringLike": {format!("{ISSUER}:sub"): format!("system:serviceaccount:{namespace}:{stem}*")}})
            } else {
                let subs: Vec<String> = (first..first + PER_ROLE)
                    .map(|i| {
                        let (n, s) = names(i);
                        format!("system:serviceaccount:{n}:{s}")
                    })
                    .collect();
                json!({"StringEquals": {format!("{ISSUER}:sub"): subs}})
            };
            let mut condition = sub;
            if let Some(m) = condition.as_object_mut() {
                let aud = json!({format!("{ISSUER}:aud"): "sts.amazonaws.com"});
                match m.get_mut("StringEquals").and_then(Value::as_object_mut) {
                    Some(se) => {
                        se.insert(format!("{ISSUER}:aud"), json!("sts.amazonaws.com"));
                    }
                    None => {
                        m.insert("StringEquals".into(), aud);
                    }
                }
            }
            json!({
                "Path": "/", "RoleName": format!("r-{k:04}"), "RoleId": format!("AROA{k:016}"),
                "Arn": role_arn(k), "CreateDate": "2026-01-05T10:00:00Z",
                "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [{
                    "Effect": "Allow",
                    "Principal": {"Federated": format!("arn:aws:iam::{ACCOUNT}:oidc-provider/{ISSUER}")},
                    "Action": "sts:AssumeRoleWithWebIdentity",
                    "Condition": condition,
                }]},
            })
        })
        .collect();
    json!({"UserDetailList": [], "GroupDetailList": [], "RoleDetailList": roles, "Policies": []})
        .to_string()
}
