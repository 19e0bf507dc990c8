//! `rolecall who`.

use std::path::PathBuf;

use clap::Args;

use super::Format;

#[derive(Debug, Args)]
pub(crate) struct WhoArgs {
    /// Files or directories; `-` reads standard input.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Output format: `text` is a few lines per role; `json` is one document,
    /// `{"policies": [{"path", "role", "assumable", "principals": [{"principal", "action",
    /// "description", "witness"}]}]}`, each witness a request object of `eval --batch`.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Ask whether anyone outside these owners gets in (repeatable): GitHub owners, GitLab
    /// groups, Kubernetes namespaces, ... (the tenant of each issuer's `sub`, compared exactly).
    #[arg(long = "trusted-owner", value_name = "NAME")]
    pub trusted_owners: Vec<String>,
    /// The GitHub `sub` template the roles' GitHub subjects follow (repeatable: a repository
    /// and an organization template): the output of
    /// `GET /repos/{owner}/{repo}/actions/oidc/customization/sub` (or `/orgs/{org}/...`).
    /// Subjects are then described and witnessed in the template's form instead of the default.
    #[arg(long = "github-template", value_name = "FILE")]
    pub github_templates: Vec<PathBuf>,
    /// List each file of a walked directory that holds no trust policy.
    #[arg(long, short)]
    pub verbose: bool,
}
