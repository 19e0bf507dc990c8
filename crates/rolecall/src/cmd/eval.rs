//! `rolecall eval`: the decision STS would make, and the statements that
//! made it.

pub(crate) mod batch;

use std::io::Write;

use anstyle::{AnsiColor, Style};
use rolecall_eval::claims::ClaimRules;
use rolecall_eval::{decide, evaluate_call, CompiledPolicy, Decision};
use rolecall_sts::call::{Check, Response};
use rolecall_sts::{assume_role_with_web_identity, CallInput, TrustPolicy};
use serde_json::json;

use crate::args::{EvalArgs, Format};
use crate::error::{usage, CliError, ExitCode};
use crate::load::request::{load_policy, load_subject, Subject};
use crate::load::sts::{load_keys, load_providers, load_token, parse_now};
use crate::render::stdout;
use crate::render::sts::write_refusal;

/// One action's result.
pub(crate) struct ActionResult {
    pub action: String,
    pub decision: Decision,
    pub statements: Vec<usize>,
}

/// The whole result: every action, and the combined decision.
pub(crate) struct EvalResult {
    pub decision: Decision,
    pub actions: Vec<ActionResult>,
    pub from_token: bool,
}

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

/// A statement as output names it: its Sid when it has one, else its index.
pub(crate) fn statement_ref(policy: &CompiledPolicy, index: usize) -> serde_json::Value {
    match policy
        .statements()
        .get(index)
        .and_then(|s| s.sid())
        .filter(|s| !s.is_empty())
    {
        Some(sid) => json!(sid),
        None => json!(index),
    }
}

fn decision_style(d: Decision) -> Style {
    let color = if d == Decision::Allow {
        AnsiColor::Green
    } else {
        AnsiColor::Red
    };
    Style::new().bold().fg_color(Some(color.into()))
}

fn describe_statements(policy: &CompiledPolicy, statements: &[usize]) -> String {
    statements
        .iter()
        .map(
            |&i| match policy.statements().get(i).and_then(|s| s.sid()) {
                Some(sid) if !sid.is_empty() => format!("statement {i} (`{sid}`)"),
                _ => format!("statement {i}"),
            },
        )
        .collect::<Vec<_>>()
        .join(", ")
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
    match args.request.format {
        Format::Json => {
            let report = json!({
                "decision": Decision::as_str(result.decision),
                "actions": result.actions.iter().map(|a| json!({
                    "action": a.action,
                    "decision": Decision::as_str(a.decision),
                    "statements": a.statements.iter().map(|&i| statement_ref(&policy.compiled, i)).collect::<Vec<_>>(),
                })).collect::<Vec<_>>(),
                "signature_checked": args.verify,
            });
            serde_json::to_writer_pretty(&mut out, &report).map_err(std::io::Error::from)?;
            writeln!(out)?;
        }
        Format::Text => {
            let style = decision_style(result.decision);
            writeln!(out, "{style}{}{style:#}", Decision::as_str(result.decision))?;
            for a in &result.actions {
                let style = decision_style(a.decision);
                write!(
                    out,
                    "  {:<32} {style}{}{style:#}",
                    a.action,
                    Decision::as_str(a.decision)
                )?;
                match a.decision {
                    Decision::Allow => writeln!(
                        out,
                        ": allowed by {}",
                        describe_statements(&policy.compiled, &a.statements)
                    )?,
                    Decision::ExplicitDeny => writeln!(
                        out,
                        ": denied by {}",
                        describe_statements(&policy.compiled, &a.statements)
                    )?,
                    Decision::ImplicitDeny => writeln!(out, ": no statement allows it")?,
                }
            }
            if result.decision != Decision::Allow {
                writeln!(
                    out,
                    "run `rolecall explain` with the same arguments to see which condition failed"
                )?;
            }
            if result.from_token {
                writeln!(out, "note: the token's signature, issuer, audience and expiry were not checked (`rolecall sts` checks them)")?;
            }
        }
    }
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
