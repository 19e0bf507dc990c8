//! EKS Pod Identity: associations (`aws eks describe-pod-identity-association`,
//! `aws eks list-pod-identity-associations`) and the `AssumeRole` requests EKS makes for them.
//!
//! For a pod whose service account has an association, EKS calls `AssumeRole` on the
//! association's role as the service principal `pods.eks.amazonaws.com`, with six session tags
//! (`eks-cluster-arn`, `eks-cluster-name`, `kubernetes-namespace`,
//! `kubernetes-service-account`, `kubernetes-pod-name`, `kubernetes-pod-uid`), all transitive,
//! so the trust policy must allow `sts:AssumeRole` and `sts:TagSession` (docs/SEMANTICS.md §4.6).
//! With `disableSessionTags` the call carries no tags and needs no `sts:TagSession`. With a
//! target role, EKS then assumes the target role with the first role's credentials, passing the
//! association's external ID (role chaining).

use rolecall_eval::request::{Request, RequestError};
use rolecall_eval::view::ConditionValue;
use rolecall_eval::CompiledPolicy;
use serde_json::Value;

use crate::{shape, Cluster, EksError};

/// The service principal EKS Pod Identity assumes roles as (`rolecall_eval::issuers`).
pub use rolecall_eval::issuers::POD_IDENTITY_SERVICE;

/// The two tags whose values depend on the pod, not on the association.
pub const POD_TAGS: [&str; 2] = ["kubernetes-pod-name", "kubernetes-pod-uid"];

/// Most associations one input may hold (EKS allows 5,000 per cluster; inputs past ten times
/// that are refused rather than read without end).
pub const MAX_ASSOCIATIONS: usize = 50_000;

/// A Pod Identity association.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Association {
    /// `associationId`.
    pub association_id: String,
    /// `clusterName`.
    pub cluster_name: String,
    /// `namespace`.
    pub namespace: String,
    /// `serviceAccount`.
    pub service_account: String,
    /// `roleArn`: present in `describe-pod-identity-association` output, absent from
    /// `list-pod-identity-associations` output.
    pub role_arn: Option<String>,
    /// `targetRoleArn`: the role EKS assumes with the first role's credentials.
    pub target_role_arn: Option<String>,
    /// `externalId`: passed as `sts:ExternalId` when assuming the target role.
    pub external_id: Option<String>,
    /// `disableSessionTags`.
    pub disable_session_tags: bool,
}

/// Reads `aws eks describe-pod-identity-association` output (`{"association": {...}}`, one
/// association with its role) or `aws eks list-pod-identity-associations` output
/// (`{"associations": [...]}`, which associations exist, without their roles). Strict JSON (a
/// repeated member is an error).
///
/// # Errors
///
/// Not JSON; neither shape; an association without `associationId`, `clusterName`,
/// `namespace` or `serviceAccount`, or with a field of the wrong type; more than
/// [`MAX_ASSOCIATIONS`].
pub fn read_associations(text: &str) -> Result<Vec<Association>, EksError> {
    let v = rolecall_eval::claims::read_json_strict(text.as_bytes())?;
    if let Some(one) = v.get("association") {
        return Ok(vec![association(one, "`association`")?]);
    }
    let Some(list) = v.get("associations") else {
        return Err(shape(
            "not `aws eks describe-pod-identity-association` or `list-pod-identity-associations` output: no `association` or `associations` member",
        ));
    };
    let list = list
        .as_array()
        .ok_or_else(|| shape("`associations` is not an array"))?;
    if list.len() > MAX_ASSOCIATIONS {
        return Err(shape(format!("more than {MAX_ASSOCIATIONS} associations")));
    }
    list.iter()
        .enumerate()
        .map(|(i, a)| association(a, &format!("`associations[{i}]`")))
        .collect()
}

fn association(a: &Value, at: &str) -> Result<Association, EksError> {
    if !a.is_object() {
        return Err(shape(format!("{at} is not an object")));
    }
    let optional = |name: &str| -> Result<Option<String>, EksError> {
        match a.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(_) => Err(shape(format!("{at}: `{name}` is not a string"))),
        }
    };
    let required = |name: &str| -> Result<String, EksError> {
        optional(name)?.ok_or_else(|| shape(format!("{at}: no `{name}`")))
    };
    let disable_session_tags = match a.get("disableSessionTags") {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => *b,
        Some(_) => {
            return Err(shape(format!(
                "{at}: `disableSessionTags` is not a boolean"
            )))
        }
    };
    Ok(Association {
        association_id: required("associationId")?,
        cluster_name: required("clusterName")?,
        namespace: required("namespace")?,
        service_account: required("serviceAccount")?,
        role_arn: optional("roleArn")?,
        target_role_arn: optional("targetRoleArn")?,
        external_id: optional("externalId")?,
        disable_session_tags,
    })
}

/// Associations from several inputs, one per `associationId`: a described one (with its role)
/// replaces a listed one; the same association described twice differently is an error.
///
/// # Errors
///
/// Two descriptions of one association that differ, or one association listed with another
/// cluster, namespace or service account than its description.
pub fn merge_associations(all: Vec<Association>) -> Result<Vec<Association>, EksError> {
    let mut out: Vec<Association> = Vec::new();
    let mut by_id = std::collections::HashMap::new();
    for a in all {
        let Some(&i) = by_id.get(&a.association_id) else {
            by_id.insert(a.association_id.clone(), out.len());
            out.push(a);
            continue;
        };
        let Some(seen) = out.get_mut(i) else { continue };
        let same_place = seen.cluster_name == a.cluster_name
            && seen.namespace == a.namespace
            && seen.service_account == a.service_account;
        if !same_place || (seen.role_arn.is_some() && a.role_arn.is_some() && *seen != a) {
            return Err(shape(format!(
                "association `{}` is given twice, differently",
                a.association_id
            )));
        }
        if seen.role_arn.is_none() {
            *seen = a;
        }
    }
    Ok(out)
}

/// A pod, as far as its session tags go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PodTags<'a> {
    /// `metadata.name`.
    pub name: &'a str,
    /// `metadata.uid`.
    pub uid: &'a str,
}

/// The session tags of the association's call with their values, in the order of
/// `rolecall_eval::issuers::pod_identity_tags` (which lists the tags); without a pod, the two
/// pod tags are left out (see [`depends_on_pod`]).
pub fn session_tags(
    cluster: &Cluster,
    association: &Association,
    pod: Option<PodTags<'_>>,
) -> Vec<(&'static str, String)> {
    let mut tags = vec![
        ("eks-cluster-arn", cluster.arn.clone()),
        ("eks-cluster-name", cluster.name.clone()),
        ("kubernetes-namespace", association.namespace.clone()),
        (
            "kubernetes-service-account",
            association.service_account.clone(),
        ),
    ];
    if let Some(pod) = pod {
        tags.push(("kubernetes-pod-name", pod.name.to_owned()));
        tags.push(("kubernetes-pod-uid", pod.uid.to_owned()));
    }
    tags
}

/// The requests STS authorizes for EKS's `AssumeRole` call on the association's role:
/// `sts:AssumeRole`, then `sts:TagSession` when session tags are on, as the principal
/// `pods.eks.amazonaws.com`, with `aws:RequestTag/<tag>` for each tag, `aws:TagKeys` and
/// `sts:TransitiveTagKeys` (every Pod Identity tag is transitive).
///
/// # Errors
///
/// Never for the tags EKS sends (the keys are distinct); the type keeps the request builder's.
pub fn pod_identity_requests(
    cluster: &Cluster,
    association: &Association,
    pod: Option<PodTags<'_>>,
) -> Result<Vec<Request>, RequestError> {
    let tags = if association.disable_session_tags {
        Vec::new()
    } else {
        session_tags(cluster, association, pod)
    };
    let mut builder = Request::builder()
        .principal(POD_IDENTITY_SERVICE)
        .action("sts:AssumeRole");
    if !tags.is_empty() {
        let keys: Vec<&str> = tags.iter().map(|(k, _)| *k).collect();
        for (k, v) in &tags {
            builder = builder.value(format!("aws:RequestTag/{k}"), v.clone());
        }
        builder = builder
            .values("aws:TagKeys", keys.clone())
            .values("sts:TransitiveTagKeys", keys);
    }
    let assume = builder.build()?;
    let mut out = vec![assume.with_action("sts:TagSession")];
    if tags.is_empty() {
        out.clear();
    }
    out.insert(0, assume);
    Ok(out)
}

/// The requests for the second call of a chained association: the association's role, with
/// the session it got, assumes the target role: principal the role's ARN (a trust policy
/// naming a role covers its sessions), `sts:AssumeRole` then `sts:TagSession` when session
/// tags are on (the transitive tags go along), `sts:ExternalId` the association's external
/// ID, `aws:PrincipalTag/<tag>` the session's tags, `aws:PrincipalArn` and
/// `aws:PrincipalAccount`.
///
/// # Errors
///
/// As [`pod_identity_requests`].
pub fn target_role_requests(
    cluster: &Cluster,
    association: &Association,
    role_arn: &str,
    pod: Option<PodTags<'_>>,
) -> Result<Vec<Request>, RequestError> {
    let tags = if association.disable_session_tags {
        Vec::new()
    } else {
        session_tags(cluster, association, pod)
    };
    let mut builder = Request::builder()
        .principal(role_arn)
        .action("sts:AssumeRole")
        .value("aws:PrincipalArn", role_arn);
    if let Some(account) = role_arn.split(':').nth(4).filter(|a| !a.is_empty()) {
        builder = builder.value("aws:PrincipalAccount", account);
    }
    if let Some(id) = &association.external_id {
        builder = builder.value("sts:ExternalId", id.clone());
    }
    for (k, v) in &tags {
        builder = builder.value(format!("aws:PrincipalTag/{k}"), v.clone());
    }
    let assume = builder.build()?;
    let mut out = vec![assume.clone()];
    if !tags.is_empty() {
        out.push(assume.with_action("sts:TagSession"));
    }
    Ok(out)
}

/// Whether the policy reads a tag whose value depends on the pod (`kubernetes-pod-name`,
/// `kubernetes-pod-uid`): a condition on a key naming one, or a policy variable naming one.
/// Such a policy's answer for an association is not known without the pod.
pub fn depends_on_pod(policy: &CompiledPolicy) -> Option<String> {
    let names = |s: &str| {
        let lower = s.to_ascii_lowercase();
        POD_TAGS.iter().any(|t| lower.contains(t))
    };
    for (index, statement) in policy.statements().iter().enumerate() {
        for c in statement.conditions() {
            let by_variable = c
                .values()
                .any(|v| matches!(v, ConditionValue::Template(t) if names(t)));
            if names(c.key()) || by_variable {
                return Some(format!(
                    "statement {} has a condition on `{}` that depends on the pod ({} are the pod's name and UID, known only when a pod runs)",
                    index,
                    c.key(),
                    POD_TAGS.map(|t| format!("`{t}`")).join(" and "),
                ));
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cluster() -> Cluster {
        Cluster {
            name: "shop".into(),
            arn: "arn:aws:eks:us-west-2:111122223333:cluster/shop".into(),
            issuer: "https://oidc.eks.us-west-2.amazonaws.com/id/ABC".into(),
        }
    }

    #[test]
    fn describe_and_list_outputs_merge_by_id() {
        let listed = read_associations(
            r#"{"associations": [
                {"clusterName": "shop", "namespace": "shop", "serviceAccount": "cart",
                 "associationArn": "arn:aws:eks:us-west-2:111122223333:podidentityassociation/shop/a-1",
                 "associationId": "a-1"},
                {"clusterName": "shop", "namespace": "shop", "serviceAccount": "api", "associationId": "a-2"}
            ], "nextToken": null}"#,
        )
        .unwrap();
        assert_eq!(listed.len(), 2);
        assert_eq!(listed[0].role_arn, None);
        let described = read_associations(
            r#"{"association": {"clusterName": "shop", "namespace": "shop", "serviceAccount": "cart",
                "roleArn": "arn:aws:iam::111122223333:role/cart", "associationId": "a-1",
                "targetRoleArn": "arn:aws:iam::444455556666:role/data", "externalId": "x-1",
                "disableSessionTags": false, "tags": {}}}"#,
        )
        .unwrap();
        let merged = merge_associations([listed, described].concat()).unwrap();
        assert_eq!(merged.len(), 2);
        assert_eq!(
            merged[0].role_arn.as_deref(),
            Some("arn:aws:iam::111122223333:role/cart")
        );
        assert_eq!(merged[0].external_id.as_deref(), Some("x-1"));
        assert_eq!(merged[1].role_arn, None);
        // The same id in another namespace: an error.
        let mut other = merged[0].clone();
        other.namespace = "billing".into();
        assert!(merge_associations(vec![merged[0].clone(), other]).is_err());
    }

    #[test]
    fn bad_association_inputs_are_errors() {
        assert!(read_associations(r#"{"cluster": {}}"#).is_err());
        assert!(read_associations(r#"{"association": {"associationId": "a"}}"#).is_err());
        assert!(read_associations(
            r#"{"association": {"associationId": "a", "clusterName": "c", "namespace": "n", "serviceAccount": "s", "disableSessionTags": "no"}}"#
        )
        .is_err());
        assert!(read_associations(r#"{"associations": [], "associations": []}"#).is_err());
    }

    #[test]
    fn requests_carry_the_session_tags() {
        let a = Association {
            association_id: "a-1".into(),
            cluster_name: "shop".into(),
            namespace: "shop".into(),
            service_account: "cart".into(),
            role_arn: Some("arn:aws:iam::111122223333:role/cart".into()),
            target_role_arn: None,
            external_id: None,
            disable_session_tags: false,
        };
        let pod = PodTags {
            name: "cart-0",
            uid: "u-1",
        };
        let r = pod_identity_requests(&cluster(), &a, Some(pod)).unwrap();
        assert_eq!(r.len(), 2);
        assert_eq!(r[0].action(), "sts:AssumeRole");
        assert_eq!(r[1].action(), "sts:TagSession");
        assert_eq!(r[0].principal(), POD_IDENTITY_SERVICE);
        let ctx = r[0].context();
        let single = |k: &str| {
            ctx.lookup(k)
                .and_then(|e| e.value().as_single().map(str::to_owned))
        };
        assert_eq!(
            single("aws:RequestTag/eks-cluster-arn").as_deref(),
            Some("arn:aws:eks:us-west-2:111122223333:cluster/shop")
        );
        assert_eq!(
            single("aws:RequestTag/kubernetes-pod-name").as_deref(),
            Some("cart-0")
        );
        assert_eq!(ctx.lookup("aws:TagKeys").unwrap().value().values().len(), 6);
        // Without the pod, its two tags are absent.
        let r = pod_identity_requests(&cluster(), &a, None).unwrap();
        assert!(r[0]
            .context()
            .lookup("aws:RequestTag/kubernetes-pod-uid")
            .is_none());
        // Session tags off: one request, no tags.
        let off = Association {
            disable_session_tags: true,
            ..a.clone()
        };
        let r = pod_identity_requests(&cluster(), &off, None).unwrap();
        assert_eq!(r.len(), 1);
        assert!(r[0].context().is_empty());
        // Chained: the role is the principal, the external ID goes along.
        let chained = Association {
            external_id: Some("x-1".into()),
            ..a
        };
        let r = target_role_requests(
            &cluster(),
            &chained,
            "arn:aws:iam::111122223333:role/cart",
            None,
        )
        .unwrap();
        assert_eq!(r[0].principal(), "arn:aws:iam::111122223333:role/cart");
        assert_eq!(
            r[0].context()
                .lookup("sts:ExternalId")
                .unwrap()
                .value()
                .as_single(),
            Some("x-1")
        );
        assert_eq!(
            r[0].context()
                .lookup("aws:PrincipalTag/kubernetes-namespace")
                .unwrap()
                .value()
                .as_single(),
            Some("shop")
        );
    }

    #[test]
    fn the_tags_are_the_issuer_data_s() {
        let a = Association {
            association_id: "a".into(),
            cluster_name: "shop".into(),
            namespace: "n".into(),
            service_account: "s".into(),
            role_arn: None,
            target_role_arn: None,
            external_id: None,
            disable_session_tags: false,
        };
        let pod = PodTags {
            name: "p",
            uid: "u",
        };
        let ours: Vec<&str> = session_tags(&cluster(), &a, Some(pod))
            .into_iter()
            .map(|(k, _)| k)
            .collect();
        let data: Vec<&str> = rolecall_eval::issuers::pod_identity_tags()
            .into_iter()
            .map(|(k, _)| k)
            .collect();
        assert_eq!(ours, data);
        assert!(POD_TAGS.iter().all(|t| data.contains(t)));
    }

    #[test]
    fn a_condition_on_the_pod_name_depends_on_the_pod() {
        let on_pod = CompiledPolicy::from_json(
            r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"Service":"pods.eks.amazonaws.com"},
            "Action":["sts:AssumeRole","sts:TagSession"],
            "Condition":{"StringLike":{"aws:RequestTag/kubernetes-pod-name":"cart-*"}}}}"#,
        )
        .unwrap();
        assert!(depends_on_pod(&on_pod)
            .unwrap()
            .contains("kubernetes-pod-name"));
        let on_namespace = CompiledPolicy::from_json(
            r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"Service":"pods.eks.amazonaws.com"},
            "Action":["sts:AssumeRole","sts:TagSession"],
            "Condition":{"StringEquals":{"aws:RequestTag/kubernetes-namespace":"shop"}}}}"#,
        )
        .unwrap();
        assert_eq!(depends_on_pod(&on_namespace), None);
    }
}
