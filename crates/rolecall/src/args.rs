//! Command-line arguments, as clap reads them.
//!
//! These types only describe the command line; each command checks what
//! clap cannot (a file that must exist, two options that go together) before
//! it does any work.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

const AFTER_HELP: &str = "\
Exit codes:
  0  clean (check, audit) or Allow (eval)
  1  findings (check, audit) or ImplicitDeny/ExplicitDeny (eval)
  2  unreadable or unparsable input, or wrong arguments

Examples:
  rolecall check examples/
  rolecall audit examples/ --format sarif > rolecall.sarif
  rolecall explain --policy trust.json --token token.jwt --account 111122223333";

/// Decide offline, exactly as AWS STS would, whether a web identity may
/// assume an IAM role; say why; audit trust policies.
#[derive(Debug, Parser)]
#[command(name = "rolecall", version, about, after_help = AFTER_HELP)]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Parse and validate trust policies as IAM would at write time.
    #[command(after_help = "\
Prints file:line:column, the source line, a caret under the offending token, the rule id and a hint.

Directories are searched for *.json as `audit` searches them (.gitignore applies; .git/,
node_modules/, .terraform/, FIFOs, devices and links to directories are skipped); JSON files there
that are not policies are skipped and counted (--verbose lists them). A policy is read up to
1 MiB; a larger input is an error.

Exit codes: 0 clean, 1 findings (errors or warnings), 2 unreadable or unparsable input.

Examples:
  rolecall check trust.json
  rolecall check examples/ --format json
  aws iam get-role --role-name app | rolecall check -")]
    Check(CheckArgs),
    /// Find trust policies that let the wrong workload in.
    #[command(after_help = "\
Reads policy files, URL-encoded policies, `aws iam get-role` output, `aws iam
get-account-authorization-details` dumps, Terraform plan JSON (`terraform show -json`) and
CloudFormation templates (JSON or YAML, also inside a multi-document stream). Standard input is
recognised by its content.

Directories are searched recursively for *.json, *.yaml, *.yml and *.template, as a scanner does:
.gitignore rules apply (also outside a git checkout); .git/, node_modules/ and .terraform/ are
never entered; FIFOs, sockets and devices are skipped; symbolic links are followed to files only,
never into directories (so a link cycle cannot loop), and each file is read once. A file found
there that holds no trust policy (package.json, a Kubernetes manifest, an empty file) is skipped
and counted; --verbose lists each one. A file that looks like a policy but does not parse is
reported. A file named on the command line must hold a trust policy.

Inputs are read up to a limit: 256 MiB for an audit input (and a NUL byte stops the read: no
JSON or YAML holds one), 1 MiB for --config, 4 MiB for --providers. More is an error.

Configuration: `.rolecall.toml` in the current directory, or --config FILE.

Exit codes: 0 no finding at or above --min-severity, 1 findings, 2 an input that cannot be read
or parsed (a policy that does not parse included, whatever --min-severity), a file named on the
command line that holds no trust policy, or bad config.

Examples:
  rolecall audit examples/
  rolecall audit account-dump.json --min-severity high
  rolecall audit infra/ --format sarif > rolecall.sarif")]
    Audit(AuditArgs),
    /// Decide as STS would: Allow, ImplicitDeny or ExplicitDeny, and the
    /// statements that decided.
    #[command(after_help = "\
Exit codes: 0 Allow, 1 ImplicitDeny or ExplicitDeny, 2 error.

Examples:
  rolecall eval --policy trust.json --token token.jwt --role-arn arn:aws:iam::111122223333:role/app
  rolecall eval --policy trust.json --principal accounts.google.com \\
      --context accounts.google.com:aud=my-client-id
  rolecall eval --batch < requests.jsonl > decisions.jsonl")]
    Eval(crate::commands::EvalArgs),
    /// Explain a decision condition by condition: which part failed, the
    /// policy line, the request value, and a hint.
    #[command(after_help = "\
Same inputs as `eval`. Exit codes: 0 Allow, 1 ImplicitDeny or ExplicitDeny, 2 error.

Examples:
  rolecall explain --policy trust.json --token /var/run/secrets/eks.amazonaws.com/serviceaccount/token \\
      --role-arn \"$AWS_ROLE_ARN\"
  rolecall explain --policy trust.json --principal arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com \\
      --context token.actions.githubusercontent.com:sub=repo:octo-org/octo-repo:pull_request")]
    Explain(crate::commands::ExplainArgs),
    /// Reproduce AssumeRoleWithWebIdentity offline, with the token verified.
    #[command(subcommand_required = true)]
    Sts(crate::commands::StsArgs),
    /// Inspect web-identity tokens.
    Token(crate::commands::TokenArgs),
    /// Print internal stages (the syntax tree) for debugging.
    #[command(subcommand)]
    Debug(DebugCommand),
    /// Print a shell completion script.
    #[command(
        after_help = "Example:\n  rolecall completions bash > /etc/bash_completion.d/rolecall"
    )]
    Completions(CompletionsArgs),
}

/// Output format for findings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Format {
    /// For people: grouped by file, with source lines and carets.
    Text,
    /// For tools: one JSON document.
    Json,
}

#[derive(Debug, Args)]
pub(crate) struct CheckArgs {
    /// Policy files or directories (searched recursively for *.json); `-`
    /// reads standard input. Accepts a raw policy, a URL-encoded policy, or
    /// `aws iam get-role` output.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// List each file of a walked directory that was not checked, and why.
    #[arg(long, short)]
    pub verbose: bool,
}

/// Output format for `audit`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum AuditFormat {
    /// For people: grouped by file and role, with source lines and carets.
    Text,
    /// For tools: one JSON document.
    Json,
    /// SARIF 2.1.0, as GitHub code scanning accepts it.
    Sarif,
    /// GitHub Actions workflow commands (`::error file=...`): annotations on pull requests.
    Github,
    /// A Markdown summary table, for a pull-request comment.
    Markdown,
}

/// A finding severity, for `--min-severity`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum SeverityArg {
    Info,
    Low,
    Medium,
    High,
    Critical,
}

#[derive(Debug, Args)]
pub(crate) struct AuditArgs {
    /// Files or directories to audit; `-` reads standard input.
    #[arg(required_unless_present = "list_rules", value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = AuditFormat::Text)]
    pub format: AuditFormat,
    /// Print the rule catalogue (id, title, default severity, what it detects, why, fix, an
    /// example) instead of auditing; with --format text, json or markdown (docs/RULES.md).
    #[arg(long, conflicts_with = "paths")]
    pub list_rules: bool,
    /// Report only findings at or above this severity; any such finding makes the exit code 1.
    #[arg(long, value_enum, default_value_t = SeverityArg::Low)]
    pub min_severity: SeverityArg,
    /// An earlier `--format json` or `--format sarif` report: report only findings that are
    /// not in it (matched by rule, file, role and position, not by message), and set the exit
    /// code on those.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Configuration file (default: `.rolecall.toml` in the current directory, if present).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Reproduce STS before the 2026 provider-specific claim keys (then `:actor`,
    /// `:repository` and the like are never request keys).
    #[arg(long)]
    pub pre_2026_claims: bool,
    /// The account's IAM OIDC providers (repeatable; merged), as for `sts`: output of
    /// `aws iam get-open-id-connect-provider` (or an array of it, or rolecall's
    /// `{"account": ..., "providers": [...]}`). Their client ID lists enable
    /// TP-AUD-NOT-IN-CLIENTLIST: `aud` values no registered client ID satisfies.
    #[arg(long, value_name = "FILE")]
    pub providers: Vec<PathBuf>,
    /// List each file of a walked directory that was not audited, and why.
    #[arg(long, short)]
    pub verbose: bool,
}

#[derive(Debug, Subcommand)]
pub(crate) enum DebugCommand {
    /// Print the syntax tree of a policy, with positions.
    Parse {
        /// The policy file, or `-` for standard input.
        #[arg(value_name = "FILE")]
        path: PathBuf,
    },
}

#[derive(Debug, Args)]
pub(crate) struct CompletionsArgs {
    /// The shell to generate completions for.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}
