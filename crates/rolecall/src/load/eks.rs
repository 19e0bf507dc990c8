//! `eks`'s inputs: the cluster, its service accounts, Pod Identity
//! associations and pods (read by `rolecall-eks`), and the roles they name
//! (account dumps, `get-role` output, or bare policy files named after their
//! role).

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use rolecall_eks::pod_identity::{self, Association};
use rolecall_eks::pods::Pod;
use rolecall_eks::{Cluster, ServiceAccount};

use super::policy::{dump_role_policy, dump_roles, load_policy_bytes, LoadedPolicy};
use super::{name_of, read_input, Kind};
use crate::error::{usage, CliError};

/// The associations of the --pod-identity files, one per id (a description replaces a listing),
/// each with the file it came from. An association of another cluster is an input error: the
/// inputs would describe two clusters.
pub(crate) fn load_associations(
    paths: &[PathBuf],
    cluster: &Cluster,
) -> Result<Vec<(Association, String)>, CliError> {
    let mut all = Vec::new();
    let mut files = HashMap::new();
    for path in paths {
        let name = name_of(path);
        let found = pod_identity::read_associations(&text_of(path)?)
            .map_err(|e| usage(format!("{name}: {e}")))?;
        for a in found {
            if a.cluster_name != cluster.name {
                return Err(usage(format!(
                    "{name}: association `{}` is for cluster `{}`, not `{}` (--cluster)",
                    a.association_id, a.cluster_name, cluster.name
                )));
            }
            // The file of the description when there is one, else of the listing.
            if a.role_arn.is_some() || !files.contains_key(&a.association_id) {
                files.insert(a.association_id.clone(), name.clone());
            }
            all.push(a);
        }
    }
    let merged = pod_identity::merge_associations(all).map_err(|e| usage(e.to_string()))?;
    Ok(merged
        .into_iter()
        .map(|a| {
            let file = files.get(&a.association_id).cloned().unwrap_or_default();
            (a, file)
        })
        .collect())
}

/// The pods of the --pods files by `(namespace, service account)`; `None` without --pods.
/// Pods by `(namespace, service account)`.
pub(crate) type PodsByAccount = HashMap<(String, String), Vec<Pod>>;

pub(crate) fn load_pods(paths: &[PathBuf]) -> Result<Option<PodsByAccount>, CliError> {
    if paths.is_empty() {
        return Ok(None);
    }
    let mut by_account = PodsByAccount::new();
    for path in paths {
        let found = rolecall_eks::pods::read_pods(&text_of(path)?)
            .map_err(|e| usage(format!("{}: {e}", name_of(path))))?;
        for pod in found {
            by_account
                .entry((pod.namespace.clone(), pod.service_account.clone()))
                .or_default()
                .push(pod);
        }
    }
    Ok(Some(by_account))
}

/// An EKS input as text: cluster, service accounts, associations and pods
/// are read within the container limit (`kubectl get -A` output is large).
fn text_of(path: &Path) -> Result<String, CliError> {
    super::text_of(path, Kind::Container)
}

/// The cluster of `--cluster`: `aws eks describe-cluster` output.
pub(crate) fn load_cluster(path: &Path) -> Result<Cluster, CliError> {
    rolecall_eks::read_cluster(&text_of(path)?)
        .map_err(|e| usage(format!("{}: {e}", name_of(path))))
}

/// The service accounts of the `--service-accounts` files, each with the
/// name of the file it came from.
pub(crate) fn load_service_accounts(
    paths: &[PathBuf],
) -> Result<(Vec<ServiceAccount>, Vec<String>), CliError> {
    let mut accounts = Vec::new();
    let mut account_files = Vec::new();
    for path in paths {
        let found = rolecall_eks::read_service_accounts(&text_of(path)?)
            .map_err(|e| usage(format!("{}: {e}", name_of(path))))?;
        account_files.extend(std::iter::repeat_n(name_of(path), found.len()));
        accounts.extend(found);
    }
    Ok((accounts, account_files))
}

/// Every role of the `--roles` files by ARN: account dumps (every role) and `get-role` output,
/// read by the readers `sts` and `explain` use, and bare policy files, whose role is
/// [`bare_policy_role`]. A role given twice is an error (two trust policies for one role:
/// rolecall never picks one).
pub(crate) type Roles = (BTreeMap<String, LoadedPolicy>, HashMap<String, String>);

/// ... and the file each role came from.
pub(crate) fn load_roles(paths: &[PathBuf], cluster: &Cluster) -> Result<Roles, CliError> {
    let mut roles = BTreeMap::new();
    let mut files = HashMap::new();
    for path in paths {
        let name = name_of(path);
        let bytes = read_input(path, Kind::Container)?;
        let mut found = Vec::new();
        if let Some(roles) = dump_roles(&bytes) {
            for role in &roles {
                let (arn, policy) = dump_role_policy(&name, role)?;
                found.push((arn.to_owned(), policy));
            }
        } else {
            let loaded = load_policy_bytes(name.clone(), &bytes)?;
            let arn = match loaded.role_arn.clone() {
                Some(arn) => arn,
                None => bare_policy_role(path, cluster).ok_or_else(|| {
                    usage(format!(
                        "{name}: a bare policy file names its role by its file name, `ROLE.json` (a role name of letters, digits and `+=,.@_-`); give `aws iam get-role` output for another role"
                    ))
                })?,
            };
            found.push((arn, loaded));
        }
        for (arn, policy) in found {
            files.insert(arn.clone(), name.clone());
            if roles.insert(arn.clone(), policy).is_some() {
                return Err(usage(format!(
                    "{name}: role `{arn}` is given twice in --roles"
                )));
            }
        }
    }
    Ok((roles, files))
}

/// The role a bare trust policy file in --roles is for: `ROLE` in the cluster's account and
/// partition, where the file is `ROLE.json` (or `ROLE` without an extension). A bare policy
/// says nothing about its role; the cluster's account is where roles for its pods usually are
/// (Pod Identity roles must be: EKS passes them with `iam:PassRole`). `None` for standard input
/// or a name that is no IAM role name (1 to 64 of letters, digits and `+=,.@_-`).
fn bare_policy_role(path: &Path, cluster: &Cluster) -> Option<String> {
    if path.as_os_str() == "-" {
        return None;
    }
    let file = path.file_name()?.to_str()?;
    let role = file.strip_suffix(".json").unwrap_or(file);
    let valid = !role.is_empty()
        && role.len() <= 64
        && role
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "+=,.@_-".contains(c));
    let mut parts = cluster.arn.split(':');
    let (partition, account) = (parts.nth(1)?, parts.nth(2)?);
    valid.then(|| format!("arn:{partition}:iam::{account}:role/{role}"))
}
