//! The policy and request options `eval` and `explain` share.

use std::path::PathBuf;

use clap::Args;

use super::Format;

/// Inputs shared by `eval` and `explain`: a policy and a request, given as a
/// token or as explicit principal, actions and context.
#[derive(Debug, Args)]
pub(crate) struct RequestArgs {
    /// The trust policy: a file or `-` (a raw policy, URL-encoded policy or
    /// `aws iam get-role` output).
    #[arg(long, value_name = "FILE")]
    pub policy: Option<PathBuf>,
    /// A web-identity token (JWT) file, or `-`: its claims become the request
    /// as STS builds it. The signature is NOT checked (see `rolecall sts`).
    #[arg(long, value_name = "FILE", conflicts_with_all = ["principal", "context", "context_file", "actions"])]
    pub token: Option<PathBuf>,
    /// The role's ARN, for the account (and partition) of the provider ARN
    /// that a token's issuer maps to.
    #[arg(
        long,
        value_name = "ARN",
        requires = "token",
        conflicts_with = "account"
    )]
    pub role_arn: Option<String>,
    /// The role's account id, when --role-arn is not given.
    #[arg(long, value_name = "ID", requires = "token")]
    pub account: Option<String>,
    /// The partition for --account.
    #[arg(long, default_value = "aws", requires = "account")]
    pub partition: String,
    /// The calling principal, e.g. an OIDC provider ARN or `accounts.google.com`.
    #[arg(long, value_name = "PRINCIPAL")]
    pub principal: Option<String>,
    /// An action to authorize (repeatable; default `sts:AssumeRoleWithWebIdentity`).
    #[arg(long = "action", value_name = "ACTION")]
    pub actions: Vec<String>,
    /// A context key and value (repeatable; repeating a key makes it multivalued).
    #[arg(long = "context", value_name = "KEY=VALUE")]
    pub context: Vec<String>,
    /// The context as a JSON object: `{"key": "v" | ["v1", "v2"]}`.
    #[arg(long, value_name = "FILE", conflicts_with = "context")]
    pub context_file: Option<PathBuf>,
    /// Reproduce STS before the 2026 provider-specific claim keys.
    #[arg(long)]
    pub pre_2026_claims: bool,
    /// Output format: `text` prints the decision and the deciding statements (`explain`: each
    /// statement and condition with its policy line and hints); `json` the same for tools.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}
