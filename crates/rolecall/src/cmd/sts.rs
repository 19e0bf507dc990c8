//! `rolecall sts assume-role-with-web-identity`: the whole STS call, offline,
//! with the token verified (`rolecall-sts`).

use std::io::Write;

use rolecall_eval::claims::ClaimRules;
use rolecall_sts::call::{CallResult, Response};
use rolecall_sts::{assume_role_with_web_identity, CallInput};

use crate::args::{AssumeArgs, Format, StsArgs, StsCommand};
use crate::error::{usage, CliError, ExitCode};
use crate::load::policy::load_role_policy;
use crate::load::sts::{load_keys, load_providers, load_token, parse_now};
use crate::render::sts::write_text;
use crate::render::{stdout, write_json_run};

pub(crate) fn run(args: &StsArgs) -> Result<ExitCode, CliError> {
    match &args.command {
        StsCommand::AssumeRoleWithWebIdentity(a) => assume(a),
    }
}

fn assume(args: &AssumeArgs) -> Result<ExitCode, CliError> {
    let stdin_users = [&args.policy, &args.token]
        .iter()
        .chain(args.providers.iter().collect::<Vec<_>>().iter())
        .filter(|p| p.as_os_str() == "-")
        .count();
    if stdin_users > 1 {
        return Err(usage("only one input can read standard input (`-`)"));
    }
    let (policy, doc_role) = load_role_policy(&args.policy, args.role_arn.as_deref())?;
    let role_arn = args.role_arn.clone().or(doc_role).ok_or_else(|| {
        usage("--role-arn is required (unless --policy is `aws iam get-role` output)")
    })?;
    let token = load_token(&args.token)?;
    let providers = load_providers(&args.providers)?;
    let keys = load_keys(&args.jwks)?;
    let now = parse_now(args.now.as_deref())?;
    let rules = if args.pre_2026_claims {
        ClaimRules::pre_2026()
    } else {
        ClaimRules::default()
    };
    let input = CallInput::builder()
        .role_arn(&role_arn)
        .policy(&policy)
        .token(&token)
        .providers(&providers)
        .keys(&keys)
        .now(now)
        .session_name(args.session_name.as_deref())
        .rules(rules)
        .build()
        .map_err(|e| usage(e.to_string()))?;
    let result = assume_role_with_web_identity(&input);
    let code = exit_code(&result);
    let mut out = stdout();
    match args.format {
        Format::Json => write_json_run(&mut out, &result, now, code)?,
        Format::Text => write_text(&mut out, &result)?,
    }
    out.flush()?;
    Ok(code)
}

fn exit_code(result: &CallResult) -> ExitCode {
    match result.outcome {
        Response::Success(_) => ExitCode::Clean,
        Response::Error { .. } => ExitCode::Findings,
        _ => ExitCode::Error,
    }
}
