//! Turning `eval`/`explain` arguments into a compiled policy and requests.

use std::path::{Path, PathBuf};

use clap::Args;
use rolecall_eval::claims::{decode_jwt, ClaimRules, RoleAccount, WebIdentity};
use rolecall_eval::github_subject::{parse_template, SubjectError, Template};
use rolecall_eval::issuers::SubjectGrammar;
use rolecall_eval::request::{Context, ContextValue, Request};
use rolecall_eval::CompiledPolicy;
use rolecall_policy::parse_document;

use crate::args::Format;
use crate::inputs::Kind;
use crate::output::CliError;

/// The action a web-identity call always needs.
pub(crate) const DEFAULT_ACTION: &str = "sts:AssumeRoleWithWebIdentity";

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

/// What to evaluate: a token's whole call, or explicit requests.
pub(crate) enum Subject {
    /// From a token: the identity with every action the call needs.
    Token(Box<WebIdentity>),
    /// Explicit: one request per action.
    Explicit(Vec<Request>),
}

/// A failure to build the inputs; reported with exit code 2.
pub(crate) fn usage(message: impl Into<String>) -> CliError {
    CliError::Usage(message.into())
}

/// Reads a file, or standard input for `-`, within the limit of `kind`
/// (`crate::inputs::read`); errors name the input.
pub(crate) fn read_input(path: &Path, kind: Kind) -> Result<Vec<u8>, CliError> {
    crate::inputs::read(path, kind).map_err(|e| {
        usage(format!(
            "{}: cannot read input: {e}",
            super::sts::name_of(path)
        ))
    })
}

/// The policy, compiled; its text for rendering; its name for messages.
pub(crate) struct LoadedPolicy {
    pub name: String,
    pub text: String,
    pub compiled: CompiledPolicy,
    /// `Role.Arn` when the file is `aws iam get-role` output.
    pub role_arn: Option<String>,
    /// `Role.RoleName` when the file is `aws iam get-role` output.
    pub role_name: Option<String>,
}

/// Whether the role ARN given on the command line names the role a
/// document is for. Exact, byte for byte: the account dump's role lookup
/// and the get-role check both use it, so the two paths cannot disagree.
pub(crate) fn same_role(given: &str, found: &str) -> bool {
    given == found
}

/// The role name of a role ARN: the last segment of `role/[path/]name`.
fn role_name_of(arn: &str) -> Option<&str> {
    arn.split_once(":role/")
        .and_then(|(_, rest)| rest.rsplit('/').next())
}

/// Refuses a policy read from `aws iam get-role` output for another role
/// than `--role-arn` (or than `--account`): the decision would be about
/// one role's trust policy under another role's name. Other input forms
/// say nothing about their role and pass.
pub(crate) fn check_role(
    policy: &LoadedPolicy,
    role_arn: Option<&str>,
    account: Option<&str>,
) -> Result<(), CliError> {
    let name = &policy.name;
    match (&policy.role_arn, &policy.role_name, role_arn) {
        (Some(found), _, Some(given)) if !same_role(given, found) => Err(usage(format!(
            "{name}: this `aws iam get-role` output is for role `{found}`, not for --role-arn `{given}`: give the get-role output of `{given}`, or --role-arn `{found}`"
        ))),
        (None, Some(found), Some(given)) if role_name_of(given) != Some(found.as_str()) => {
            Err(usage(format!(
                "{name}: this `aws iam get-role` output is for role name `{found}`, not for --role-arn `{given}`"
            )))
        }
        (Some(found), _, None) => match (account, found.split(':').nth(4)) {
            (Some(id), Some(owner)) if id != owner => Err(usage(format!(
                "{name}: this `aws iam get-role` output is for role `{found}` of account {owner}, not of --account {id}"
            ))),
            _ => Ok(()),
        },
        _ => Ok(()),
    }
}

pub(crate) fn load_policy(args: &RequestArgs) -> Result<LoadedPolicy, CliError> {
    let path = args
        .policy
        .as_deref()
        .ok_or_else(|| usage("--policy FILE is required (use `-` for standard input)"))?;
    if path.as_os_str() == "-" && args.token.as_deref().is_some_and(|t| t.as_os_str() == "-") {
        return Err(usage(
            "--policy and --token cannot both read standard input",
        ));
    }
    let loaded = load_policy_file(path)?;
    check_role(&loaded, args.role_arn.as_deref(), args.account.as_deref())?;
    Ok(loaded)
}

/// Reads, parses and compiles a policy file (any input form); errors name
/// the file, line and column.
pub(crate) fn load_policy_file(path: &Path) -> Result<LoadedPolicy, CliError> {
    let name = if path.as_os_str() == "-" {
        crate::inputs::STDIN_NAME.to_owned()
    } else {
        path.display().to_string()
    };
    let bytes = read_input(path, Kind::Policy)?;
    load_policy_bytes(name, &bytes)
}

/// Parses and compiles policy bytes read from the input called `name`.
pub(crate) fn load_policy_bytes(name: String, bytes: &[u8]) -> Result<LoadedPolicy, CliError> {
    let doc = parse_document(bytes).map_err(|e| {
        usage(format!(
            "{name}:{}:{}: error[{}]: {}",
            e.line(),
            e.column(),
            e.code(),
            super::check::parse_error_message(&e)
        ))
    })?;
    let compiled = CompiledPolicy::compile(&doc.policy).map_err(|e| {
        let span = e.span();
        let mut message = format!("{name}:{}:{}: error: {e}", span.line, span.column);
        for f in e.findings().iter().skip(1) {
            message.push_str(&format!(
                "\n{name}:{}:{}: error[{}]: {}",
                f.span.line, f.span.column, f.rule, f.message
            ));
        }
        usage(message)
    })?;
    let text = doc
        .policy_text
        .unwrap_or_else(|| String::from_utf8_lossy(bytes).into_owned());
    Ok(LoadedPolicy {
        name,
        text,
        compiled,
        role_arn: doc.role_arn,
        role_name: doc.role_name,
    })
}

pub(crate) fn load_subject(args: &RequestArgs) -> Result<Subject, CliError> {
    if let Some(path) = &args.token {
        let bytes = read_input(path, Kind::Token)?;
        let text = String::from_utf8(bytes).map_err(|_| usage("the token is not UTF-8 text"))?;
        // A token STS would refuse as `InvalidIdentityToken` (repeated
        // members, `crit`, claim types) is refused here too, with the reason.
        let token = decode_jwt(text.trim()).map_err(|e| {
            usage(format!(
                "invalid token (STS returns InvalidIdentityToken): {e}"
            ))
        })?;
        let role = match (&args.role_arn, &args.account) {
            (Some(arn), _) => RoleAccount::from_role_arn(arn)
                .map_err(|e| usage(format!("--role-arn `{arn}`: {e}")))?,
            (None, Some(id)) => RoleAccount::new(&args.partition, id)
                .map_err(|e| usage(format!("--account `{id}`: {e}")))?,
            (None, None) => {
                return Err(usage(
                    "--token needs --role-arn or --account: the provider ARN STS matches is in the role's account",
                ))
            }
        };
        let rules = if args.pre_2026_claims {
            ClaimRules::pre_2026()
        } else {
            ClaimRules::default()
        };
        let identity = WebIdentity::from_token(&token, &role, &rules)
            .map_err(|e| usage(format!("invalid token: {e}")))?;
        return Ok(Subject::Token(Box::new(identity)));
    }
    let principal = args
        .principal
        .clone()
        .ok_or_else(|| usage("give --token, or --principal with --action and --context"))?;
    let context = match &args.context_file {
        Some(path) => {
            let bytes = read_input(path, Kind::Context)?;
            serde_json::from_slice::<Context>(&bytes).map_err(|e| {
                usage(format!(
                    "{}:{}:{}: invalid context: {e}",
                    path.display(),
                    e.line(),
                    e.column()
                ))
            })?
        }
        None => context_from_pairs(&args.context)?,
    };
    let actions = if args.actions.is_empty() {
        vec![DEFAULT_ACTION.to_owned()]
    } else {
        args.actions.clone()
    };
    let requests = actions
        .into_iter()
        .map(|a| Request::new(principal.clone(), a, context.clone()))
        .collect();
    Ok(Subject::Explicit(requests))
}

/// `KEY=VALUE` pairs; a key given twice (exactly, or ignoring case) becomes
/// multivalued under its first spelling.
fn context_from_pairs(pairs: &[String]) -> Result<Context, CliError> {
    let mut keys: Vec<(String, Vec<String>)> = Vec::new();
    for pair in pairs {
        let (key, value) = pair
            .split_once('=')
            .ok_or_else(|| usage(format!("--context `{pair}`: expected KEY=VALUE")))?;
        if key.is_empty() {
            return Err(usage(format!("--context `{pair}`: empty key")));
        }
        let folded = rolecall_eval::request::FoldedKey::new(key);
        match keys
            .iter_mut()
            .find(|(k, _)| rolecall_eval::request::FoldedKey::new(k) == folded)
        {
            Some((_, values)) => values.push(value.to_owned()),
            None => keys.push((key.to_owned(), vec![value.to_owned()])),
        }
    }
    let mut context = Context::new();
    for (key, mut values) in keys {
        let value = if values.len() == 1 {
            ContextValue::Single(values.remove(0))
        } else {
            ContextValue::Multi(values)
        };
        context
            .insert(key, value)
            .map_err(|e| usage(format!("--context: {e}")))?;
    }
    Ok(context)
}

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
