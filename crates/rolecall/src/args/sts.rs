//! `rolecall sts`.

use std::path::PathBuf;

use clap::{Args, Subcommand};

use super::Format;

/// `rolecall sts ...`.
#[derive(Debug, Args)]
pub(crate) struct StsArgs {
    #[command(subcommand)]
    pub command: StsCommand,
}

/// The STS calls rolecall reproduces.
#[derive(Debug, Subcommand)]
pub(crate) enum StsCommand {
    /// Reproduce AssumeRoleWithWebIdentity: provider lookup, key and
    /// signature, aud/exp/nbf, then the trust policy for every required action.
    #[command(after_help = "\
Prints the success summary (subject, provider, audience, assumed-role ARN, allowing statements) or the exact STS error code and message with the check that failed and the values compared.

Exit codes: 0 success, 1 STS returns an error (AccessDenied, InvalidIdentityToken, ...), 2 unreadable input or not enough input to decide.

Examples:
  rolecall sts assume-role-with-web-identity --policy trust.json \\
      --role-arn arn:aws:iam::111122223333:role/app --token token.jwt \\
      --providers providers.json --jwks jwks.json
  aws iam get-open-id-connect-provider \\
      --open-id-connect-provider-arn ARN > provider.json
  rolecall sts assume-role-with-web-identity --role-arn ARN \\
      --policy trust.json --token - --providers provider.json \\
      --jwks issuer-mirror/ --now 2025-06-15T12:00:00Z")]
    AssumeRoleWithWebIdentity(AssumeArgs),
}

/// Arguments of `rolecall sts assume-role-with-web-identity`.
#[derive(Debug, Args)]
pub(crate) struct AssumeArgs {
    /// The role's ARN (`RoleArn`). Optional when --policy is `aws iam get-role` output.
    #[arg(long, value_name = "ARN")]
    pub role_arn: Option<String>,
    /// The role's trust policy: a file or `-` (raw, URL-encoded, or `aws iam get-role` output),
    /// or `aws iam get-account-authorization-details` output holding the role named by --role-arn.
    #[arg(long, value_name = "FILE")]
    pub policy: PathBuf,
    /// The web-identity token (JWT): a file or `-`.
    #[arg(long, value_name = "FILE")]
    pub token: PathBuf,
    /// The account's IAM OIDC providers (repeatable; merged): output of
    /// `aws iam list-open-id-connect-providers` or `get-open-id-connect-provider`,
    /// an array of the latter, or rolecall's `{"account": ..., "providers": [...]}`.
    #[arg(long, value_name = "FILE", required = true)]
    pub providers: Vec<PathBuf>,
    /// The issuer's keys: a JWKS file, or a directory mirroring the issuer
    /// (`.well-known/openid-configuration` and the file its `jwks_uri` names).
    #[arg(long, value_name = "FILE|DIR")]
    pub jwks: PathBuf,
    /// The time of the call: RFC 3339 (`2025-06-15T12:00:00Z`) or unix
    /// seconds (default: the current time).
    #[arg(long, value_name = "TIME")]
    pub now: Option<String>,
    /// `RoleSessionName` (default `rolecall`).
    #[arg(long, value_name = "NAME")]
    pub session_name: Option<String>,
    /// Reproduce STS before the 2026 provider-specific claim keys.
    #[arg(long)]
    pub pre_2026_claims: bool,
    /// Output format: `text` prints the success summary or the STS error and the check that
    /// failed; `json` the same for tools.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}
