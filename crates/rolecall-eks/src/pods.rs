//! Pods, as `kubectl get pods -A -o json` prints them: which service accounts are in use, and
//! the pod name and UID a Pod Identity session carries.

use serde_json::Value;

use crate::{shape, EksError};

/// Most pods one input may hold; past it the input is refused rather than read without end.
pub const MAX_PODS: usize = 500_000;

/// A pod, as far as its service account goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pod {
    /// `metadata.namespace`.
    pub namespace: String,
    /// `metadata.name`.
    pub name: String,
    /// `metadata.uid` (empty when the output has none).
    pub uid: String,
    /// `spec.serviceAccountName`, else the deprecated `spec.serviceAccount`, else `default`
    /// (what Kubernetes assigns when a pod names none).
    pub service_account: String,
}

/// Reads `kubectl get pods -A -o json` output (a `List` or `PodList`, or one `Pod`); strict
/// JSON. Items of other kinds are skipped.
///
/// # Errors
///
/// Not JSON; a `List` without an `items` array; a pod without `metadata.name` or
/// `metadata.namespace`, or whose service account is not a string; more than [`MAX_PODS`].
pub fn read_pods(text: &str) -> Result<Vec<Pod>, EksError> {
    let v = rolecall_eval::claims::read_json_strict(text.as_bytes())?;
    let kind = v.get("kind").and_then(Value::as_str).unwrap_or("");
    let items: Vec<&Value> = match kind {
        "List" | "PodList" => v
            .get("items")
            .and_then(Value::as_array)
            .ok_or_else(|| shape(format!("a `{kind}` without an `items` array")))?
            .iter()
            .filter(|i| {
                let k = i.get("kind").and_then(Value::as_str);
                k == Some("Pod") || (kind == "PodList" && k.is_none())
            })
            .collect(),
        "Pod" => vec![&v],
        _ => {
            return Err(shape(
                "not `kubectl get pods -o json` output: no `List`, `PodList` or `Pod` kind",
            ))
        }
    };
    if items.len() > MAX_PODS {
        return Err(shape(format!("more than {MAX_PODS} pods")));
    }
    items
        .into_iter()
        .enumerate()
        .map(|(i, p)| {
            let text = |path: &[&str]| -> Result<Option<String>, EksError> {
                let mut at = p;
                for k in path {
                    match at.get(k) {
                        Some(next) => at = next,
                        None => return Ok(None),
                    }
                }
                match at {
                    Value::Null => Ok(None),
                    Value::String(s) => Ok(Some(s.clone())),
                    _ => Err(shape(format!(
                        "items[{i}]: `{}` is not a string",
                        path.join(".")
                    ))),
                }
            };
            let name = text(&["metadata", "name"])?
                .ok_or_else(|| shape(format!("items[{i}]: a pod without `metadata.name`")))?;
            let namespace = text(&["metadata", "namespace"])?.ok_or_else(|| {
                shape(format!(
                    "items[{i}]: pod `{name}` has no `metadata.namespace`"
                ))
            })?;
            let service_account = match text(&["spec", "serviceAccountName"])? {
                Some(sa) => sa,
                None => text(&["spec", "serviceAccount"])?.unwrap_or_else(|| "default".into()),
            };
            Ok(Pod {
                uid: text(&["metadata", "uid"])?.unwrap_or_default(),
                namespace,
                name,
                service_account,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pods_name_their_service_accounts() {
        let pods = read_pods(
            r#"{"apiVersion": "v1", "kind": "List", "items": [
              {"kind": "Pod", "metadata": {"name": "cart-0", "namespace": "shop", "uid": "u1"},
               "spec": {"serviceAccountName": "cart", "serviceAccount": "cart"}},
              {"kind": "Pod", "metadata": {"name": "x", "namespace": "shop"}, "spec": {}},
              {"kind": "Service", "metadata": {"name": "s"}}
            ]}"#,
        )
        .unwrap();
        assert_eq!(pods.len(), 2);
        assert_eq!(pods[0].service_account, "cart");
        assert_eq!(pods[0].uid, "u1");
        assert_eq!(pods[1].service_account, "default");
        assert!(read_pods(
            r#"{"kind": "List", "items": [{"kind": "Pod", "metadata": {"name": "a"}}]}"#
        )
        .is_err());
        assert!(read_pods(r#"{"kind": "ServiceAccount"}"#).is_err());
    }
}
