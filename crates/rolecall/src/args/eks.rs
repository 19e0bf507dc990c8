//! `rolecall eks`.

use std::path::PathBuf;

use clap::{Args, ValueEnum};

/// Arguments of `rolecall eks`.
#[derive(Debug, Args)]
pub(crate) struct EksArgs {
    /// The cluster: `aws eks describe-cluster` output (its OIDC issuer is the tokens' `iss`).
    #[arg(long, value_name = "FILE")]
    pub cluster: PathBuf,
    /// Service accounts (repeatable): `kubectl get serviceaccounts -A -o json` output, or YAML
    /// manifests (`helm template`, `kustomize build`: several documents, `List` kinds).
    #[arg(
        long = "service-accounts",
        value_name = "FILE",
        required_unless_present = "pod_identity"
    )]
    pub service_accounts: Vec<PathBuf>,
    /// Roles (repeatable, several files after one flag too): `aws iam get-account-authorization-details` or `aws iam get-role`
    /// output, or a bare trust policy file: its role is `ROLE` in the cluster's account, where
    /// the file is `ROLE.json` (`trust/cart.json` is `arn:aws:iam::CLUSTER-ACCOUNT:role/cart`).
    #[arg(long, value_name = "FILE", required = true, num_args = 1..)]
    pub roles: Vec<PathBuf>,
    /// EKS Pod Identity associations (repeatable, several files after one flag too): `aws eks describe-pod-identity-association`
    /// output (one association with its role) or `aws eks list-pod-identity-associations`
    /// output (which associations exist; one not also described is `role-unknown`).
    #[arg(long = "pod-identity", value_name = "FILE", num_args = 1..)]
    pub pod_identity: Vec<PathBuf>,
    /// Pods (repeatable): `kubectl get pods -A -o json` output. Marks which service accounts
    /// are in use (`in_use`), and gives the pod names and UIDs a Pod Identity trust policy may
    /// test.
    #[arg(long, value_name = "FILE")]
    pub pods: Vec<PathBuf>,
    /// The IAM OIDC providers (repeatable; as `sts` reads them): with them, the issuer's
    /// provider in each role's account and the audience against its client IDs are checked.
    #[arg(long, value_name = "FILE")]
    pub providers: Vec<PathBuf>,
    /// Output format: `text` a table of service accounts, then each role's admitted service
    /// accounts, then the Pod Identity associations; `json` the same for tools; `sarif` one
    /// result per problem, located at the service account's name in its manifest.
    #[arg(long, value_enum, default_value_t = EksFormat::Text)]
    pub format: EksFormat,
}

/// `rolecall eks --format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum EksFormat {
    /// For people.
    Text,
    /// For tools: one JSON document.
    Json,
    /// SARIF 2.1.0, for code scanning: each problem at the service account's line in the
    /// manifest (or kubectl output) it came from.
    Sarif,
}
