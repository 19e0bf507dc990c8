//! `rolecall github sub`: the exact `sub` a GitHub Actions job sends, its
//! claims, and the condition keys STS derives from them
//! (`rolecall_eval::github_subject`, docs/SEMANTICS.md §6.2, §4.7).

use std::collections::BTreeMap;
use std::io::Write;

use rolecall_eval::claims::{ClaimRules, RoleAccount, WebIdentity};
use rolecall_eval::github_subject::{Job, Subject, Template};
use serde_json::{Map, Value};

use crate::args::{Format, GithubArgs, GithubCommand, SubArgs};
use crate::error::{usage, CliError, ExitCode};
use crate::load::github::github_templates as templates;
use crate::render::github::{write_sub_json, write_sub_text};
use crate::render::stdout;

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
    let mut out = stdout();
    match args.format {
        Format::Text => write_sub_text(&mut out, &subject, &notes)?,
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
            write_sub_json(&mut out, &subject, &claims, &identity, &notes)?;
        }
    }
    out.flush()?;
    Ok(ExitCode::Clean)
}
