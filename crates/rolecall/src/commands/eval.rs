//! `rolecall eval`: the decision STS would make, and the statements that
//! made it.

use std::io::Write;

use anstyle::{AnsiColor, Style};
use clap::Args;
use rolecall_eval::{decide, evaluate_call, CompiledPolicy, Decision};
use serde_json::json;

use super::request::{load_policy, load_subject, RequestArgs, Subject};
use crate::args::Format;
use crate::output::{self, CliError, ExitCode};

#[derive(Debug, Args)]
pub(crate) struct EvalArgs {
    #[command(flatten)]
    pub request: RequestArgs,
    /// Read JSON Lines requests on standard input and write one JSON line per
    /// input line (see the README, "Batch protocol").
    #[arg(long, conflicts_with_all = ["policy", "token", "principal", "context", "context_file", "actions"])]
    pub batch: bool,
    /// Verify the token first as STS does (issuer registered, signature,
    /// audience, expiry) with --providers and --jwks; a token STS would
    /// refuse gives its STS error instead of a decision.
    #[arg(long, requires_all = ["token", "role_arn", "providers", "jwks"])]
    pub verify: bool,
    /// With --verify: the account's IAM OIDC providers (repeatable), as for
    /// `rolecall sts`.
    #[arg(long, value_name = "FILE", requires = "verify")]
    pub providers: Vec<std::path::PathBuf>,
    /// With --verify: the issuer's JWKS file or mirrored issuer directory.
    #[arg(long, value_name = "FILE|DIR", requires = "verify")]
    pub jwks: Option<std::path::PathBuf>,
    /// With --verify: the time of the call (RFC 3339 or unix seconds;
    /// default now).
    #[arg(long, value_name = "TIME", requires = "verify")]
    pub now: Option<String>,
}

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
                decision: combine(actions.iter().map(|a| a.decision)),
                actions,
                from_token: false,
            }
        }
    }
}

/// Allow only if all are Allow; ExplicitDeny if any is; else ImplicitDeny.
pub(crate) fn combine(decisions: impl Iterator<Item = Decision>) -> Decision {
    let mut all_allowed = true;
    for d in decisions {
        match d {
            Decision::ExplicitDeny => return Decision::ExplicitDeny,
            Decision::ImplicitDeny => all_allowed = false,
            Decision::Allow => {}
        }
    }
    if all_allowed {
        Decision::Allow
    } else {
        Decision::ImplicitDeny
    }
}

/// The decision as the batch protocol and JSON output spell it.
pub(crate) fn decision_name(d: Decision) -> &'static str {
    d.as_str()
}

pub(crate) fn exit_code(d: Decision) -> ExitCode {
    if d == Decision::Allow {
        ExitCode::Clean
    } else {
        ExitCode::Findings
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
        return super::batch::run();
    }
    let policy = load_policy(&args.request)?;
    if args.verify {
        if let Some(code) = super::sts::verify_token(args, &policy.compiled)? {
            return Ok(code);
        }
    }
    let subject = load_subject(&args.request)?;
    let mut result = run_subject(&policy.compiled, &subject);
    result.from_token &= !args.verify;
    let mut out = output::stdout();
    match args.request.format {
        Format::Json => {
            let report = json!({
                "decision": decision_name(result.decision),
                "actions": result.actions.iter().map(|a| json!({
                    "action": a.action,
                    "decision": decision_name(a.decision),
                    "statements": a.statements.iter().map(|&i| statement_ref(&policy.compiled, i)).collect::<Vec<_>>(),
                })).collect::<Vec<_>>(),
                "signature_checked": args.verify,
            });
            serde_json::to_writer_pretty(&mut out, &report).map_err(std::io::Error::from)?;
            writeln!(out)?;
        }
        Format::Text => {
            let style = decision_style(result.decision);
            writeln!(out, "{style}{}{style:#}", decision_name(result.decision))?;
            for a in &result.actions {
                let style = decision_style(a.decision);
                write!(
                    out,
                    "  {:<32} {style}{}{style:#}",
                    a.action,
                    decision_name(a.decision)
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
    Ok(exit_code(result.decision))
}
