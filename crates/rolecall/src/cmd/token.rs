//! `rolecall token inspect`: what a web-identity token says and what STS
//! would derive from it (`rolecall_sts::inspect`). No signature check.

use std::io::Write;

use rolecall_eval::claims::{ClaimRules, RoleAccount};
use rolecall_sts::inspect::inspect;

use crate::args::{Format, InspectArgs, TokenArgs, TokenCommand};
use crate::error::{usage, CliError, ExitCode};
use crate::load::sts::{parse_now, token_text};
use crate::render::token::write_text;
use crate::render::{stdout, write_json_run};

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
        Format::Json => write_json_run(&mut out, &report, now, code)?,
        Format::Text => write_text(&mut out, &report)?,
    }
    out.flush()?;
    Ok(code)
}
