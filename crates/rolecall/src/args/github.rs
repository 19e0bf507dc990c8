//! `rolecall github`.

use std::path::PathBuf;

use clap::{Args, Subcommand};
use rolecall_eval::github_subject::GITHUB_ISSUER;

use super::Format;

/// `rolecall github ...`.
#[derive(Debug, Args)]
pub(crate) struct GithubArgs {
    #[command(subcommand)]
    pub command: GithubCommand,
}

/// GitHub Actions tools.
#[derive(Debug, Subcommand)]
pub(crate) enum GithubCommand {
    /// Print the exact `sub` claim a job sends (text: on the first line; with
    /// --format json, one JSON document with `sub`, every claim and the
    /// condition keys STS derives).
    #[command(after_help = "\
The context part follows GitHub: environment over pull_request over the ref. A `:` in a value is
written %3A. --template takes the output of `GET /repos/{owner}/{repo}/actions/oidc/customization/sub`
or of `GET /orgs/{org}/actions/oidc/customization/sub` (give both when the repository has
`use_default: false` without keys of its own).

Exit codes: 0 printed, 2 bad arguments, an unreadable template, or a sub that cannot be known.

Examples:
  rolecall github sub --repository octo-org/octo-repo --ref refs/heads/main
  rolecall github sub --repository octo-org/octo-repo --event pull_request
  rolecall github sub --repository octo-org/octo-repo --ref refs/heads/main \\
      --environment prod --format json
  rolecall github sub --repository octo-org/octo-repo --ref refs/heads/main \\
      --owner-id 123456 --repository-id 456789 --immutable
  rolecall github sub --repository octo-org/octo-repo --ref refs/heads/main \\
      --template repo-sub.json")]
    Sub(SubArgs),
}

/// Arguments of `rolecall github sub`.
#[derive(Debug, Args)]
pub(crate) struct SubArgs {
    /// The repository, OWNER/REPO.
    #[arg(long, value_name = "OWNER/REPO")]
    pub repository: String,
    /// The full git ref (refs/heads/BRANCH, refs/tags/TAG, refs/pull/N/merge).
    #[arg(long = "ref", value_name = "REF")]
    pub git_ref: Option<String>,
    /// The event that triggered the workflow (push, pull_request, ...).
    #[arg(long, value_name = "EVENT")]
    pub event: Option<String>,
    /// The environment the job references.
    #[arg(long, value_name = "ENV")]
    pub environment: Option<String>,
    /// For a reusable workflow: its ref path (OWNER/REPO/.github/workflows/F.yml@REF).
    #[arg(long, value_name = "REF")]
    pub job_workflow_ref: Option<String>,
    /// The repository owner's numeric id.
    #[arg(long, value_name = "N", requires = "repository_id")]
    pub owner_id: Option<u64>,
    /// The repository's numeric id.
    #[arg(long, value_name = "N", requires = "owner_id")]
    pub repository_id: Option<u64>,
    /// The repository uses immutable subject claims (repo:OWNER@ID/REPO@ID).
    #[arg(long, requires_all = ["owner_id", "repository_id"])]
    pub immutable: bool,
    /// A subject customization template (repository or organization); at most one of each.
    #[arg(long, value_name = "FILE")]
    pub template: Vec<PathBuf>,
    /// Another claim a template may include (actor=octocat, repository_visibility=private, ...).
    #[arg(long, value_name = "NAME=VALUE")]
    pub claim: Vec<String>,
    /// The issuer, for the condition keys of --format json: an enterprise's
    /// `https://token.actions.githubusercontent.com/SLUG` or GHE.com's
    /// `https://token.actions.SUBDOMAIN.ghe.com` (default: GitHub's).
    #[arg(long, value_name = "URL", default_value = GITHUB_ISSUER)]
    pub issuer: String,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}
