//! `sts`'s text report (the success summary or the STS error, and the checks), and the STS
//! error `eval --verify` prints for a token STS refuses.

use std::io::Write;

use anstyle::{AnsiColor, Style};
use rolecall_sts::call::{CallResult, Response, StsError};

use super::write_json_document;
use crate::args::Format;
use crate::error::CliError;

const GREEN: Style = AnsiColor::Green.on_default().bold();
const RED: Style = AnsiColor::Red.on_default().bold();
const DIM: Style = Style::new().dimmed();

pub(crate) fn write_text(w: &mut impl Write, result: &CallResult) -> Result<(), CliError> {
    match &result.outcome {
        Response::Success(ok) => {
            writeln!(w, "{GREEN}success{GREEN:#}: {}", ok.assumed_role_arn)?;
            writeln!(
                w,
                "  SubjectFromWebIdentityToken: {}",
                ok.subject_from_web_identity_token
            )?;
            writeln!(w, "  Provider: {}", ok.provider)?;
            writeln!(w, "  Audience: {}", ok.audience.join(", "))?;
            writeln!(w, "  principal: {}", ok.principal)?;
            for a in &ok.actions {
                let by: Vec<String> = a.statements.iter().map(ToString::to_string).collect();
                writeln!(w, "  {}: allowed by {}", a.action, by.join(", "))?;
            }
        }
        Response::Error { error, actions } => {
            writeln!(w, "{RED}error{RED:#}: {error}")?;
            writeln!(w, "  check: {}", error.check.as_str())?;
            writeln!(w, "  cause: {}", error.cause)?;
            writeln!(
                w,
                "  {DIM}message wording: {}{DIM:#}",
                serde_json::to_value(error.wording)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_owned))
                    .unwrap_or_default()
            )?;
            for a in actions {
                writeln!(w, "  {}: {}", a.action, a.decision)?;
            }
        }
        Response::Undetermined { reason } => {
            writeln!(w, "{RED}undetermined{RED:#}: {reason}")?;
        }
        _ => writeln!(w, "undetermined: unknown outcome")?,
    }
    writeln!(w, "checks:")?;
    for c in &result.checks {
        if c.passed {
            writeln!(
                w,
                "  {GREEN}ok{GREEN:#}   {}: {}",
                c.check.as_str(),
                c.detail
            )?;
        } else {
            // The detail is the cause, printed above.
            writeln!(w, "  {RED}FAIL{RED:#} {}", c.check.as_str())?;
        }
    }
    Ok(())
}

/// `eval --verify` for a token STS refuses before it evaluates the trust policy: the STS
/// error, the check that failed and its cause (text), or `{"decision": "Error", "sts_error":
/// ..., "signature_checked": true}` (JSON).
pub(crate) fn write_refusal(
    w: &mut impl Write,
    error: &StsError,
    format: Format,
) -> Result<(), CliError> {
    match format {
        Format::Json => {
            let value = serde_json::json!({
                "decision": "Error",
                "sts_error": error,
                "signature_checked": true,
            });
            write_json_document(w, &value)?;
        }
        Format::Text => {
            writeln!(w, "{RED}{error}{RED:#}")?;
            writeln!(w, "  check: {}", error.check.as_str())?;
            writeln!(w, "  cause: {}", error.cause)?;
            writeln!(
                w,
                "STS refuses the token before it evaluates the trust policy"
            )?;
        }
    }
    Ok(())
}
