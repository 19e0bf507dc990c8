//! `rolecall token`.

use clap::{Args, Subcommand};

use super::Format;

/// `rolecall token ...`.
#[derive(Debug, Args)]
pub(crate) struct TokenArgs {
    #[command(subcommand)]
    pub command: TokenCommand,
}

/// Token tools.
#[derive(Debug, Subcommand)]
pub(crate) enum TokenCommand {
    /// Decode a token (without verifying it) and show its header, claims,
    /// provider, the condition keys STS would derive, and what is unusual.
    #[command(after_help = "\
Exit codes: 0 decoded, 1 STS would refuse the token whatever the policy (too long, a member given twice, a `crit` header, expired, no aud, alg not RS256, no kid, ...), 2 not a token or unreadable.

Examples:
  rolecall token inspect token.jwt \\
      --role-arn arn:aws:iam::111122223333:role/app
  rolecall token inspect - \\
      < /var/run/secrets/eks.amazonaws.com/serviceaccount/token
  rolecall token inspect eyJhbGciOi... --format json")]
    Inspect(InspectArgs),
}

/// Arguments of `rolecall token inspect`.
#[derive(Debug, Args)]
pub(crate) struct InspectArgs {
    /// The token itself, a file holding it, or `-` for standard input.
    #[arg(value_name = "TOKEN|FILE|-")]
    pub token: String,
    /// The role's ARN: names the account of the provider ARN (the principal).
    #[arg(long, value_name = "ARN")]
    pub role_arn: Option<String>,
    /// The time to judge expiry against: RFC 3339 or unix seconds (default: now).
    #[arg(long, value_name = "TIME")]
    pub now: Option<String>,
    /// Reproduce STS before the 2026 provider-specific claim keys.
    #[arg(long)]
    pub pre_2026_claims: bool,
    /// Output format: `text` prints the header, the claims, the condition keys STS would derive
    /// and what is unusual; `json` the same for tools.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}
