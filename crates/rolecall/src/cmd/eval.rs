//! `rolecall eval`: the decision STS would make, and the statements that
//! made it.

pub(crate) mod batch;

use std::io::Write;

use rolecall_eval::claims::ClaimRules;
use rolecall_eval::{decide, evaluate_call, CompiledPolicy, Decision};
use rolecall_sts::call::{Check, Response};
use rolecall_sts::{assume_role_with_web_identity, CallInput, TrustPolicy};

use crate::args::EvalArgs;
use crate::error::{usage, CliError, ExitCode};
use crate::load::request::{load_policy, load_subject, Subject};
use crate::load::sts::{load_keys, load_providers, load_token, parse_now};
use crate::render::eval::{write_report, ActionResult, EvalResult};
use crate::render::stdout;
use crate::render::sts::write_refusal;

/// Evaluates every action; the call is allowed only if every action is,
/// and explicitly denied if any action is (docs/SEMANTICS.md §2.1 step 5).
pub(crate) fn run_subject(policy: &CompiledPolicy, subject: &Subject) -> EvalResult {
    match subject {
        Subject::Token(identity) => {
            let call = evaluate_call(policy, identity);
            EvalResult {
                decision: call.decision,
                actions: call
                    .actions
                    .into_iter()
                    .map(|a| ActionResult {
                        action: a.action,
                        decision: a.outcome.decision,
                        statements: a.outcome.statements,
                    })
                    .collect(),
                from_token: true,
            }
        }
        Subject::Explicit(requests) => {
            let actions: Vec<ActionResult> = requests
                .iter()
                .map(|r| {
                    let o = decide(policy, r);
                    ActionResult {
                        action: r.action().to_owned(),
                        decision: o.decision,
                        statements: o.statements,
                    }
                })
                .collect();
            EvalResult {
                decision: Decision::combine(actions.iter().map(|a| a.decision)),
                actions,
                from_token: false,
            }
        }
    }
}

pub(crate) fn run(args: &EvalArgs) -> Result<ExitCode, CliError> {
    if args.batch {
        return batch::run();
    }
    let policy = load_policy(&args.request)?;
    if args.verify {
        if let Some(code) = verify_token(args, &policy.compiled)? {
            return Ok(code);
        }
    }
    let subject = load_subject(&args.request)?;
    let mut result = run_subject(&policy.compiled, &subject);
    result.from_token &= !args.verify;
    let mut out = stdout();
    write_report(
        &mut out,
        &policy.compiled,
        &result,
        args.request.format,
        args.verify,
    )?;
    out.flush()?;
    Ok(ExitCode::of_decision(result.decision))
}

/// `rolecall eval --verify`: runs the token checks of the STS call. Returns
/// the exit code when STS would refuse the token before looking at the
/// policy (the STS error is printed), `None` when the token passes and the
/// evaluation should go on.
pub(crate) fn verify_token(
    args: &EvalArgs,
    policy: &CompiledPolicy,
) -> Result<Option<ExitCode>, CliError> {
    let (Some(token_path), Some(role_arn), Some(jwks)) = (
        args.request.token.as_deref(),
        args.request.role_arn.as_deref(),
        args.jwks.as_deref(),
    ) else {
        return Err(usage(
            "--verify needs --token, --role-arn, --providers and --jwks",
        ));
    };
    let token = load_token(token_path)?;
    let providers = load_providers(&args.providers)?;
    let keys = load_keys(jwks)?;
    let now = parse_now(args.now.as_deref())?;
    let trust = TrustPolicy::from_compiled(policy.clone());
    let rules = if args.request.pre_2026_claims {
        ClaimRules::pre_2026()
    } else {
        ClaimRules::default()
    };
    let input = CallInput::builder()
        .role_arn(role_arn)
        .policy(&trust)
        .token(&token)
        .providers(&providers)
        .keys(&keys)
        .now(now)
        .rules(rules)
        .build()
        .map_err(|e| usage(e.to_string()))?;
    let result = assume_role_with_web_identity(&input);
    match &result.outcome {
        Response::Error { error, .. } if error.check != Check::Authorization => {
            let mut out = stdout();
            write_refusal(&mut out, error, args.request.format)?;
            out.flush()?;
            Ok(Some(ExitCode::Findings))
        }
        Response::Undetermined { reason } => {
            Err(usage(format!("cannot verify the token: {reason}")))
        }
        _ => Ok(None),
    }
}
