//! `token inspect`'s text report.

use std::io::Write;

use anstyle::{AnsiColor, Style};
use rolecall_sts::inspect::TokenReport;
use serde_json::Value;

use crate::error::CliError;

const BOLD: Style = Style::new().bold();
const YELLOW: Style = AnsiColor::Yellow.on_default().bold();
const RED: Style = AnsiColor::Red.on_default().bold();

fn pretty(v: &Value) -> String {
    serde_json::to_string_pretty(v)
        .unwrap_or_default()
        .replace('\n', "\n  ")
}

pub(crate) fn write_text(w: &mut impl Write, report: &TokenReport) -> Result<(), CliError> {
    if let Some(e) = &report.error {
        writeln!(w, "{RED}error{RED:#}: not a token: {e}")?;
        return Ok(());
    }
    if let Some(e) = &report.refused {
        // As `rolecall sts` prints it; nothing of the token is shown, since
        // a member given twice has no one value.
        writeln!(w, "{RED}refused{RED:#}: {e}")?;
        writeln!(w, "  check: {}", e.check.as_str())?;
        writeln!(w, "  cause: {}", e.cause)?;
        return Ok(());
    }
    if let Some(h) = &report.header {
        writeln!(w, "{BOLD}header{BOLD:#}\n  {}", pretty(h))?;
    }
    if let Some(c) = &report.claims {
        writeln!(w, "{BOLD}claims{BOLD:#}\n  {}", pretty(c))?;
    }
    if let Some(p) = &report.provider {
        writeln!(w, "{BOLD}provider{BOLD:#}: {p}")?;
    }
    match &report.principal {
        Some(p) => writeln!(w, "{BOLD}principal{BOLD:#}: {p}")?,
        None if report.provider.is_some() => writeln!(
            w,
            "{BOLD}principal{BOLD:#}: (give --role-arn to name the provider ARN)"
        )?,
        None => {}
    }
    if !report.context.is_empty() {
        writeln!(w, "{BOLD}context keys STS would derive{BOLD:#}")?;
        for k in &report.context {
            if k.multivalued {
                writeln!(w, "  {} = [{}] (multivalued)", k.name, k.values.join(", "))?;
            } else {
                writeln!(w, "  {} = {}", k.name, k.values.join(", "))?;
            }
        }
    }
    if !report.actions.is_empty() {
        writeln!(w, "{BOLD}actions{BOLD:#}: {}", report.actions.join(", "))?;
    }
    for n in &report.notes {
        let (style, label) = if n.refuses() {
            (RED, "refused")
        } else {
            (YELLOW, "note")
        };
        writeln!(w, "{style}{label}{style:#}: {}", n.describe())?;
    }
    Ok(())
}
