//! `eval`'s report: the decision, and per action the statements that made
//! it (text or JSON); and how output names a statement.

use std::io::Write;

use anstyle::{AnsiColor, Style};
use rolecall_eval::{CompiledPolicy, Decision};
use serde_json::json;

use crate::args::Format;
use crate::error::CliError;

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

/// The result of `eval` in `format`; `signature_checked` with `--verify`.
pub(crate) fn write_report(
    out: &mut impl Write,
    policy: &CompiledPolicy,
    result: &EvalResult,
    format: Format,
    signature_checked: bool,
) -> Result<(), CliError> {
    match format {
        Format::Json => {
            let report = json!({
                "decision": Decision::as_str(result.decision),
                "actions": result.actions.iter().map(|a| json!({
                    "action": a.action,
                    "decision": Decision::as_str(a.decision),
                    "statements": a.statements.iter().map(|&i| statement_ref(policy, i)).collect::<Vec<_>>(),
                })).collect::<Vec<_>>(),
                "signature_checked": signature_checked,
            });
            serde_json::to_writer_pretty(&mut *out, &report).map_err(std::io::Error::from)?;
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
                        describe_statements(policy, &a.statements)
                    )?,
                    Decision::ExplicitDeny => writeln!(
                        out,
                        ": denied by {}",
                        describe_statements(policy, &a.statements)
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
    Ok(())
}
