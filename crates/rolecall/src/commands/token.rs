//! `rolecall token inspect`: what a web-identity token says and what STS
//! would derive from it (`rolecall_sts::inspect`). No signature check.

use std::io::Write;
use std::path::Path;

use anstyle::{AnsiColor, Style};
use clap::{Args, Subcommand};
use rolecall_eval::claims::{ClaimRules, RoleAccount};
use rolecall_sts::inspect::{inspect, TokenReport};
use serde_json::Value;

use super::request::{read_input, usage};
use super::sts::parse_now;
use crate::args::Format;
use crate::inputs::Kind;
use crate::output::{self, CliError, ExitCode};

/// `rolecall token ...`.
#[derive(Debug, Args)]
pub(crate) struct TokenArgs {
    #[command(subcommand)]
    pub command: TokenCommand,
}

/// Token tools.
#[derive(Debug, Subcommand)]
pub(crate) enum TokenCommand {
    /// Decode a token (without verifying it) and show its header, claims,
    /// provider, the condition keys STS would derive, and what is unusual.
    #[command(after_help = "\
Exit codes: 0 decoded, 1 STS would refuse the token whatever the policy (too long, a member given twice, a `crit` header, expired, no aud, alg not RS256, no kid, ...), 2 not a token or unreadable.

Examples:
  rolecall token inspect token.jwt \\
      --role-arn arn:aws:iam::111122223333:role/app
  rolecall token inspect - \\
      < /var/run/secrets/eks.amazonaws.com/serviceaccount/token
  rolecall token inspect eyJhbGciOi... --format json")]
    Inspect(InspectArgs),
}

/// Arguments of `rolecall token inspect`.
#[derive(Debug, Args)]
pub(crate) struct InspectArgs {
    /// The token itself, a file holding it, or `-` for standard input.
    #[arg(value_name = "TOKEN|FILE|-")]
    pub token: String,
    /// The role's ARN: names the account of the provider ARN (the principal).
    #[arg(long, value_name = "ARN")]
    pub role_arn: Option<String>,
    /// The time to judge expiry against: RFC 3339 or unix seconds (default: now).
    #[arg(long, value_name = "TIME")]
    pub now: Option<String>,
    /// Reproduce STS before the 2026 provider-specific claim keys.
    #[arg(long)]
    pub pre_2026_claims: bool,
    /// Output format: `text` prints the header, the claims, the condition keys STS would derive
    /// and what is unusual; `json` the same for tools.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

pub(crate) fn run(args: &TokenArgs) -> Result<ExitCode, CliError> {
    match &args.command {
        TokenCommand::Inspect(a) => run_inspect(a),
    }
}

/// The token text: stdin for `-`, a file when one exists at that path,
/// else the argument itself when it looks like a compact JWT.
fn token_text(arg: &str) -> Result<String, CliError> {
    let path = Path::new(arg);
    // Any existing path but a directory: a pipe such as `<(cat t.jwt)`
    // (`/dev/fd/63`) is read too, bounded as a token.
    if arg == "-" || path.exists() && !path.is_dir() {
        return String::from_utf8(read_input(path, Kind::Token)?)
            .map_err(|_| usage(format!("{arg}: not UTF-8 text")));
    }
    if arg.matches('.').count() == 2 && !arg.contains('/') {
        return Ok(arg.to_owned());
    }
    Err(usage(format!(
        "`{arg}` is neither a file nor a token (header.claims.signature)"
    )))
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
    let mut out = output::stdout();
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
