//! Rules for EKS Pod Identity (`pods.eks.amazonaws.com`), whose sessions carry the cluster,
//! namespace and service account as request tags.

use rolecall_policy::{PrincipalKind, Spanned, Statement};

use super::common::covers_action;
use super::services::Keys;
use super::RuleId;
use crate::engine::Auditor;
use crate::finding::{Severity, Verdict};

/// Keys whose condition pins the cluster.
const CLUSTER_KEYS: &[&str] = &[
    "aws:requesttag/eks-cluster-arn",
    "aws:requesttag/eks-cluster-name",
    "aws:sourcearn",
    "aws:sourceaccount",
];

impl Auditor<'_> {
    /// TP-PODID-UNSCOPED, TP-PODID-NO-CLUSTER and TP-PODID-MISSING-TAGSESSION.
    pub(crate) fn pod_identity(
        &mut self,
        i: usize,
        st: &Statement,
        svc: &Spanned<String>,
        keys: &Keys<'_>,
    ) {
        // EKS tags the session with the cluster's ARN and its name (eks-cluster-name); a
        // condition on either pins the cluster (the name within the account the role is in).
        let cluster = CLUSTER_KEYS.iter().any(|k| keys.has(k));
        let grants = |action: &str| {
            covers_action(st, action)
                || self.granted_elsewhere(i, PrincipalKind::Service, &svc.node, action)
        };
        if !grants("sts:TagSession") {
            self.push(RuleId::PodidMissingTagsession, Severity::Info, Verdict::Broken,
                "Pod Identity needs `sts:TagSession` in addition to `sts:AssumeRole` unless session tags are disabled".into(), svc.span, Some(i));
        }
        if !covers_action(st, "sts:AssumeRole") {
            // A statement for the session tags only: the assume statement's conditions bound
            // who gets the role (both actions must be allowed).
            return;
        }
        let ns = keys.has("aws:requesttag/kubernetes-namespace")
            || keys.has("aws:requesttag/kubernetes-service-account");
        if !cluster && !ns {
            self.push(RuleId::PodidUnscoped, Severity::Medium, Verdict::Open,
                "`pods.eks.amazonaws.com` without conditions on cluster, namespace or service account: any Pod Identity association in the account can use the role".into(), svc.span, Some(i));
        } else if !cluster {
            self.push(RuleId::PodidNoCluster, Severity::Low, Verdict::Open,
                "namespace/service account are pinned but the cluster is not: the same names in another cluster of the account match".into(), svc.span, Some(i));
        }
    }
}
