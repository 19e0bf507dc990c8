//! `rolecall github sub`: the exact `sub` a GitHub Actions job sends, its
//! claims, and the condition keys STS derives from them
//! (`rolecall_eval::github_subject`, docs/SEMANTICS.md §6.2, §4.7).

use std::collections::BTreeMap;
use std::io::Write;
use std::path::PathBuf;

use clap::{Args, Subcommand};
use rolecall_eval::claims::{ClaimRules, RoleAccount, WebIdentity};
use rolecall_eval::github_subject::{Job, Subject, Template, TemplateSource, GITHUB_ISSUER};
use rolecall_eval::request::ContextValue;
use serde_json::{json, Map, Value};

use super::request::{github_templates as templates, usage};
use crate::args::Format;
use crate::output::{self, CliError, ExitCode};

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

pub(crate) fn run(args: &GithubArgs) -> Result<ExitCode, CliError> {
    match &args.command {
        GithubCommand::Sub(a) => run_sub(a),
    }
}

fn extra_claims(pairs: &[String]) -> Result<BTreeMap<String, String>, CliError> {
    let mut extra = BTreeMap::new();
    for pair in pairs {
        let (name, value) = pair
            .split_once('=')
            .filter(|(n, _)| !n.is_empty())
            .ok_or_else(|| usage(format!("--claim `{pair}`: expected NAME=VALUE")))?;
        if extra.insert(name.to_owned(), value.to_owned()).is_some() {
            return Err(usage(format!("--claim `{name}` is given twice")));
        }
    }
    Ok(extra)
}

/// The token's claims as far as the job determines them, with GitHub's
/// issuer and the audience configure-aws-credentials requests.
fn token_claims(subject: &Subject, issuer: &str) -> Map<String, Value> {
    let mut claims: Map<String, Value> = subject
        .claims
        .iter()
        .map(|(k, v)| (k.clone(), Value::String(v.clone())))
        .collect();
    claims.insert("sub".into(), subject.sub.clone().into());
    claims.insert("iss".into(), issuer.into());
    claims.insert("aud".into(), "sts.amazonaws.com".into());
    claims
}

fn run_sub(args: &SubArgs) -> Result<ExitCode, CliError> {
    if !args.issuer.starts_with("https://") {
        return Err(usage(format!(
            "--issuer `{}` must start with `https://`",
            args.issuer
        )));
    }
    let (template, org_keys) = templates(&args.template)?;
    let job = Job {
        repository: args.repository.clone(),
        git_ref: args.git_ref.clone(),
        event: args.event.clone(),
        environment: args.environment.clone(),
        job_workflow_ref: args.job_workflow_ref.clone(),
        ids: args.owner_id.zip(args.repository_id),
        immutable: args.immutable,
        extra: extra_claims(&args.claim)?,
    };
    let subject = job
        .subject(&template, org_keys.as_deref())
        .map_err(|e| usage(e.to_string()))?;
    let mut notes = Vec::new();
    if matches!(template, Template::Organization { .. }) {
        notes.push(
            "an organization's template applies only to repositories that opted in with `use_default: false`; others send the default format"
                .to_owned(),
        );
    }
    let mut out = output::stdout();
    match args.format {
        Format::Text => {
            writeln!(out, "{}", subject.sub)?;
            for n in &notes {
                writeln!(out, "note: {n}")?;
            }
        }
        Format::Json => {
            let claims = token_claims(&subject, &args.issuer);
            // The keys STS derives: the provider ARN's account does not
            // matter here, so `aws:FederatedProvider` is left out.
            let role = RoleAccount::new("aws", "111122223333").map_err(|e| usage(e.to_string()))?;
            let identity = WebIdentity::from_claims(
                &Value::Object(claims.clone()),
                None,
                &role,
                &ClaimRules::default(),
            )
            .map_err(|e| usage(format!("the job's claims: {e}")))?;
            let keys: Map<String, Value> = identity
                .context()
                .iter()
                .filter(|e| !e.name().starts_with("aws:"))
                .map(|e| {
                    let v = match e.value() {
                        ContextValue::Single(s) => json!(s),
                        ContextValue::Multi(m) => json!(m),
                    };
                    (e.name().to_owned(), v)
                })
                .collect();
            let source = match subject.source {
                TemplateSource::Default => "default",
                TemplateSource::Repository => "repository",
                TemplateSource::Organization => "organization",
            };
            let doc = json!({
                "sub": subject.sub,
                "template": source,
                "claims": claims,
                "context_keys": keys,
                "notes": notes,
            });
            // One document and nothing else, so `jq` and other parsers
            // read the output whole.
            serde_json::to_writer_pretty(&mut out, &doc).map_err(std::io::Error::from)?;
            writeln!(out)?;
        }
    }
    out.flush()?;
    Ok(ExitCode::Clean)
}
