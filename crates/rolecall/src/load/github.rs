//! GitHub `sub` customization templates (`github sub --template`,
//! `who --github-template`).

use std::path::PathBuf;

use rolecall_eval::github_subject::{parse_template, SubjectError, Template};
use rolecall_eval::issuers::SubjectGrammar;

use super::{read_input, Kind};
use crate::error::{usage, CliError};

/// The GitHub `sub` templates of `--template`/`--github-template` files (the output of
/// `GET /repos/{owner}/{repo}/actions/oidc/customization/sub` or of the organization's):
/// the repository template (if any) and the organization's keys (if any).
pub(crate) fn github_templates(
    paths: &[PathBuf],
) -> Result<(Template, Option<Vec<String>>), CliError> {
    let mut repo = None;
    let mut org = None;
    for path in paths {
        // A template is a small configuration document: read within the
        // configuration limit (1 MiB).
        let bytes = read_input(path, Kind::Config)?;
        let template = parse_template(&bytes).map_err(|e| match &e {
            SubjectError::Json(j) => {
                usage(format!("{}:{}:{}: {e}", path.display(), j.line, j.column))
            }
            _ => usage(format!("{}: {e}", path.display())),
        })?;
        let slot = match template {
            Template::Organization { .. } => &mut org,
            _ => &mut repo,
        };
        if slot.is_some() {
            return Err(usage(format!(
                "{}: a second {} template; give at most one repository and one organization template",
                path.display(),
                if matches!(template, Template::Organization { .. }) {
                    "organization"
                } else {
                    "repository"
                }
            )));
        }
        *slot = Some(template);
    }
    let org_keys = match &org {
        Some(Template::Organization { include_claim_keys }) => Some(include_claim_keys.clone()),
        _ => None,
    };
    Ok(match (repo, org) {
        (Some(r), _) => (r, org_keys),
        (None, Some(o)) => (o, None),
        (None, None) => (Template::Default, None),
    })
}

/// The GitHub `sub` grammar the `--github-template` files give, for the analyzer
/// (`who`), or `None` when none is given (the default template's).
pub(crate) fn github_grammar(paths: &[PathBuf]) -> Result<Option<SubjectGrammar>, CliError> {
    if paths.is_empty() {
        return Ok(None);
    }
    let (template, org_keys) = github_templates(paths)?;
    let names: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
    SubjectGrammar::from_github_template(&template, org_keys.as_deref())
        .map(Some)
        .map_err(|e| usage(format!("{}: {e}", names.join(", "))))
}
