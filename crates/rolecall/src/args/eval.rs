//! `rolecall eval`.

use std::path::PathBuf;

use clap::Args;

use super::request::RequestArgs;

#[derive(Debug, Args)]
pub(crate) struct EvalArgs {
    #[command(flatten)]
    pub request: RequestArgs,
    /// Read JSON Lines requests on standard input and write one JSON line per
    /// input line (see the README, "Batch protocol").
    #[arg(long, conflicts_with_all = ["policy", "token", "principal", "context", "context_file", "actions"])]
    pub batch: bool,
    /// Verify the token first as STS does (issuer registered, signature,
    /// audience, expiry) with --providers and --jwks; a token STS would
    /// refuse gives its STS error instead of a decision.
    #[arg(long, requires_all = ["token", "role_arn", "providers", "jwks"])]
    pub verify: bool,
    /// With --verify: the account's IAM OIDC providers (repeatable), as for
    /// `rolecall sts`.
    #[arg(long, value_name = "FILE", requires = "verify")]
    pub providers: Vec<PathBuf>,
    /// With --verify: the issuer's JWKS file or mirrored issuer directory.
    #[arg(long, value_name = "FILE|DIR", requires = "verify")]
    pub jwks: Option<PathBuf>,
    /// With --verify: the time of the call (RFC 3339 or unix seconds;
    /// default now).
    #[arg(long, value_name = "TIME", requires = "verify")]
    pub now: Option<String>,
}
