//! Turning `eval`/`explain` arguments into a compiled policy and the
//! requests to decide: a token's whole call, or explicit principal, actions
//! and context.

use rolecall_eval::claims::{decode_jwt, ClaimRules, RoleAccount, WebIdentity};
use rolecall_eval::request::{Context, ContextValue, Request};

use super::policy::{check_role, load_policy_file, LoadedPolicy};
use super::{read_input, Kind};
use crate::args::RequestArgs;
use crate::error::{usage, CliError};

/// The action a web-identity call always needs.
pub(crate) const DEFAULT_ACTION: &str = "sts:AssumeRoleWithWebIdentity";

/// What to evaluate: a token's whole call, or explicit requests.
pub(crate) enum Subject {
    /// From a token: the identity with every action the call needs.
    Token(Box<WebIdentity>),
    /// Explicit: one request per action.
    Explicit(Vec<Request>),
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
