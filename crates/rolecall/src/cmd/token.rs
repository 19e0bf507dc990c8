//! `rolecall token inspect`: what a web-identity token says and what STS
//! would derive from it (`rolecall_sts::inspect`). No signature check.

use std::io::Write;

use anstyle::{AnsiColor, Style};
use rolecall_eval::claims::{ClaimRules, RoleAccount};
use rolecall_sts::inspect::{inspect, TokenReport};
use serde_json::Value;

use crate::args::{Format, InspectArgs, TokenArgs, TokenCommand};
use crate::error::{usage, CliError, ExitCode};
use crate::load::sts::{parse_now, token_text};
use crate::render::stdout;

pub(crate) fn run(args: &TokenArgs) -> Result<ExitCode, CliError> {
    match &args.command {
        TokenCommand::Inspect(a) => run_inspect(a),
    }
}

fn run_inspect(args: &InspectArgs) -> Result<ExitCode, CliError> {
    let text = token_text(&args.token)?;
    let role = args
        .role_arn
        .as_deref()
        .map(|arn| {
            RoleAccount::from_role_arn(arn).map_err(|e| usage(format!("--role-arn `{arn}`: {e}")))
        })
        .transpose()?;
    let now = parse_now(args.now.as_deref())?;
    let rules = if args.pre_2026_claims {
        ClaimRules::pre_2026()
    } else {
        ClaimRules::default()
    };
    let report = inspect(&text, &rules, role.as_ref(), Some(now));
    let code = if report.error.is_some() {
        ExitCode::Error
    } else if report.refused.is_some() || report.notes.iter().any(|n| n.refuses()) {
        ExitCode::Findings
    } else {
        ExitCode::Clean
    };
    let mut out = stdout();
    match args.format {
        Format::Json => {
            let mut value = serde_json::to_value(&report).map_err(std::io::Error::from)?;
            if let Some(map) = value.as_object_mut() {
                map.insert("now".into(), now.into());
                map.insert("exit_code".into(), code.code().into());
            }
            serde_json::to_writer_pretty(&mut out, &value).map_err(std::io::Error::from)?;
            writeln!(out)?;
        }
        Format::Text => write_text(&mut out, &report)?,
    }
    out.flush()?;
    Ok(code)
}

const BOLD: Style = Style::new().bold();
const YELLOW: Style = AnsiColor::Yellow.on_default().bold();
const RED: Style = AnsiColor::Red.on_default().bold();

fn pretty(v: &Value) -> String {
    serde_json::to_string_pretty(v)
        .unwrap_or_default()
        .replace('\n', "\n  ")
}

fn write_text(w: &mut impl Write, report: &TokenReport) -> Result<(), CliError> {
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
