//! `audit`'s report in the formats the library does not write itself: text
//! (findings grouped by file and role, with source lines and carets),
//! Markdown (a pull-request comment), GitHub workflow commands; the inputs
//! that failed the run; and the rule catalogue (`--list-rules`). JSON and
//! SARIF are `rolecall_audit::report`'s.

use std::io::Write;

use rolecall_audit::report::{self, Report};
use rolecall_audit::rules::{self, RULES};
use rolecall_audit::{Finding, Severity};

use super::diagnostic::{render, render_embedded, Diagnostic, Level, Location, Repeats};
use super::stdout;
use crate::args::AuditFormat;
use crate::error::{CliError, ExitCode, STDIN_NAME};

/// An input that fails the run (exit code 2): unreadable, holding no trust
/// policy although named on the command line, or a policy that does not parse
/// where `--min-severity` would hide its finding.
pub(crate) struct InputError {
    pub(crate) name: String,
    pub(crate) code: &'static str,
    pub(crate) message: String,
    pub(crate) location: Option<Location>,
}

impl InputError {
    pub(crate) fn new(name: String, code: &'static str, message: String) -> Self {
        InputError {
            name,
            code,
            message,
            location: None,
        }
    }
}

fn level(s: Severity) -> Level {
    match s {
        Severity::Critical | Severity::High => Level::Error,
        Severity::Medium => Level::Warning,
        Severity::Low | Severity::Info => Level::Info,
    }
}

fn diagnostic(f: &Finding) -> Diagnostic {
    Diagnostic {
        level: level(f.severity),
        label: Some(f.severity.as_str()),
        code: Some(f.rule.as_str().to_owned()),
        message: format!("{}: {}", f.title, f.message),
        location: (!f.span.is_synthetic()).then(|| f.span.into()),
        hint: None,
        notes: vec![
            ("verdict", f.verdict.as_str().to_owned()),
            ("why", f.why.to_owned()),
            ("fix", f.fix.to_owned()),
        ],
    }
}

pub(crate) fn write_text(
    w: &mut impl Write,
    report: &Report,
    unreadable: &[InputError],
    hidden: usize,
    sources: &std::collections::HashMap<String, String>,
) -> Result<(), CliError> {
    for e in unreadable {
        let d = Diagnostic {
            level: Level::Error,
            label: None,
            code: Some(e.code.into()),
            message: e.message.clone(),
            location: e.location,
            hint: None,
            notes: Vec::new(),
        };
        render(w, &e.name, None, &d)?;
    }
    for p in &report.policies {
        if p.findings.is_empty() {
            continue;
        }
        let name = match &p.location.role {
            Some(role) => format!("{} ({role})", p.location.path),
            None => p.location.path.clone(),
        };
        // The policy's own text, or the file's as it was read (not read again: a pipe or
        // standard input cannot be, and a file may have changed).
        let source = p
            .policy_text
            .as_deref()
            .or_else(|| sources.get(&p.location.path).map(String::as_str));
        let mut repeats = Repeats::default();
        for f in p.findings.iter().filter(|f| repeats.show(f.rule.as_str())) {
            if p.location.embedded {
                // The heading is a place in the file given; the snippet the decoded policy.
                let at = report::file_position(p, f);
                render_embedded(w, &name, at, source, &diagnostic(f))?;
            } else {
                render(w, &name, source, &diagnostic(f))?;
            }
        }
        repeats.finish(w, &name)?;
        writeln!(w)?;
    }
    let counts: Vec<String> = Severity::ALL
        .iter()
        .rev()
        .filter(|s| **s >= report.min_severity)
        .map(|s| format!("{} {s}", report.summary.get(s).copied().unwrap_or(0)))
        .collect();
    write!(
        w,
        "audited {} polic{}: {} (showing {} and above",
        report.policies.len(),
        if report.policies.len() == 1 {
            "y"
        } else {
            "ies"
        },
        counts.join(", "),
        report.min_severity
    )?;
    if hidden > 0 {
        write!(
            w,
            "; {hidden} below it hidden, --min-severity info shows them"
        )?;
    }
    if let Some(n) = report.baseline_suppressed {
        write!(w, "; {n} in the baseline not shown")?;
    }
    writeln!(w, ")")?;
    Ok(())
}

/// The report as SARIF, result by result: the whole log as a `Value` held
/// every result at once.
pub(crate) fn write_sarif(w: &mut impl Write, report: &Report) -> Result<(), CliError> {
    report.write_sarif(&mut *w).map_err(std::io::Error::from)?;
    writeln!(w)?;
    Ok(())
}

/// The inputs that failed the run, one `rolecall: error:` line each (on
/// standard error when the report itself is machine-readable).
pub(crate) fn write_unreadable(
    w: &mut impl Write,
    unreadable: &[InputError],
) -> Result<(), CliError> {
    for e in unreadable {
        match e.location {
            Some(l) => writeln!(
                w,
                "rolecall: error: {}:{}:{}: {}",
                e.name, l.line, l.column, e.message
            )?,
            None => writeln!(w, "rolecall: error: {}: {}", e.name, e.message)?,
        }
    }
    Ok(())
}

/// `--list-rules`: the rule catalogue, as text, JSON or Markdown (docs/RULES.md).
pub(crate) fn list_rules(format: AuditFormat) -> Result<ExitCode, CliError> {
    let mut out = stdout();
    match format {
        AuditFormat::Text => {
            for r in RULES {
                writeln!(out, "{}  {}  {}", r.id, r.severity, r.title)?;
                writeln!(out, "  detects:    {}", r.detects)?;
                writeln!(out, "  why:        {}", r.why)?;
                writeln!(out, "  fix:        {}", r.fix)?;
                for u in r.references {
                    writeln!(out, "  reference:  {u}")?;
                }
                writeln!(out, "  example:    {}", r.example.file)?;
                for line in r.example.text.lines() {
                    writeln!(out, "    {line}")?;
                }
                if let Some(p) = r.example.providers {
                    writeln!(out, "  with --providers:")?;
                    for line in p.lines() {
                        writeln!(out, "    {line}")?;
                    }
                }
                writeln!(out)?;
            }
            writeln!(out, "{} rules", RULES.len())?;
        }
        AuditFormat::Json => {
            serde_json::to_writer_pretty(&mut out, &rules::catalogue_json())
                .map_err(std::io::Error::from)?;
            writeln!(out)?;
        }
        AuditFormat::Markdown => out.write_all(rules::catalogue_markdown().as_bytes())?,
        AuditFormat::Sarif | AuditFormat::Github => {
            return Err(CliError::Usage(
                "--list-rules prints --format text, json or markdown".into(),
            ))
        }
    }
    out.flush()?;
    Ok(ExitCode::Clean)
}

/// Rows of the Markdown summary: a pull-request comment must stay readable (and GitHub caps a
/// comment at 65,536 characters), so the rest are counted, not listed.
const MARKDOWN_ROWS: usize = 50;

/// Characters of a finding's message shown in a Markdown row.
const MARKDOWN_MESSAGE_CHARS: usize = 300;

/// Text for one Markdown table cell: no line breaks, `|` escaped, bounded.
fn markdown_cell(text: &str, max: usize) -> String {
    let mut out = String::new();
    for (n, c) in text.chars().enumerate() {
        if n == max {
            out.push('…');
            break;
        }
        match c {
            '|' => out.push_str("\\|"),
            '\r' | '\n' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// The counts line shared by the summaries: `2 critical, 1 high, ...` at `min` and above.
fn counts(report: &Report) -> String {
    Severity::ALL
        .iter()
        .rev()
        .filter(|s| **s >= report.min_severity)
        .map(|s| format!("{} {s}", report.summary.get(s).copied().unwrap_or(0)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// What the counts leave out: findings below `--min-severity`, and those in the baseline.
fn scope_notes(report: &Report, hidden: usize) -> String {
    let mut s = String::new();
    if hidden > 0 {
        s.push_str(&format!("; {hidden} below it hidden"));
    }
    if let Some(n) = report.baseline_suppressed {
        s.push_str(&format!("; {n} in the baseline not shown"));
    }
    s
}

/// `--format markdown`: a summary table for a pull-request comment, most severe first.
pub(crate) fn write_markdown(
    w: &mut impl Write,
    report: &Report,
    unreadable: &[InputError],
    hidden: usize,
) -> Result<(), CliError> {
    let mut findings: Vec<_> = report.findings().collect();
    findings.sort_by_key(|(_, f)| std::cmp::Reverse(f.severity));
    writeln!(
        w,
        "### rolecall audit: {}\n\nAudited {} polic{} (showing {} and above{}).\n",
        counts(report),
        report.policies.len(),
        if report.policies.len() == 1 {
            "y"
        } else {
            "ies"
        },
        report.min_severity,
        scope_notes(report, hidden)
    )?;
    for e in unreadable {
        writeln!(
            w,
            "* **cannot read** `{}`: {}",
            markdown_cell(&e.name, MARKDOWN_MESSAGE_CHARS),
            markdown_cell(&e.message, MARKDOWN_MESSAGE_CHARS)
        )?;
    }
    if !unreadable.is_empty() {
        writeln!(w)?;
    }
    if findings.is_empty() {
        writeln!(w, "No findings.")?;
        return Ok(());
    }
    writeln!(
        w,
        "| severity | rule | where | finding |\n|---|---|---|---|"
    )?;
    for (p, f) in findings.iter().take(MARKDOWN_ROWS) {
        let mut place = p.location.path.clone();
        if let Some((line, _)) = report::file_position(p, f) {
            place = format!("{place}:{line}");
        }
        if let Some(role) = &p.location.role {
            place = format!("{place} ({role})");
        }
        writeln!(
            w,
            "| {} | `{}` | `{}` | {}: {} |",
            f.severity,
            f.rule,
            markdown_cell(&place, MARKDOWN_MESSAGE_CHARS).replace('`', "'"),
            markdown_cell(f.title, MARKDOWN_MESSAGE_CHARS),
            markdown_cell(&f.message, MARKDOWN_MESSAGE_CHARS)
        )?;
    }
    if findings.len() > MARKDOWN_ROWS {
        writeln!(
            w,
            "\n…and {} more finding{} not shown (the SARIF or JSON report has them all).",
            findings.len() - MARKDOWN_ROWS,
            if findings.len() - MARKDOWN_ROWS == 1 {
                ""
            } else {
                "s"
            }
        )?;
    }
    Ok(())
}

/// Escapes a workflow command's message (`%`, CR, LF), as GitHub's toolkit does
/// (`escapeData` in <https://github.com/actions/toolkit/blob/main/packages/core/src/command.ts>;
/// the command syntax is <https://docs.github.com/en/actions/reference/workflow-commands-for-github-actions>).
fn github_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a workflow command's property value: as [`github_data`], and also `:` and `,`,
/// which separate properties (`escapeProperty` in the same toolkit file).
fn github_property(s: &str) -> String {
    github_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// `--format github`: one workflow command per finding (`::error`, `::warning` or `::notice`
/// by severity, as the SARIF level), which GitHub Actions turns into annotations on the pull
/// request's diff; then the counts as a plain log line.
pub(crate) fn write_github(
    w: &mut impl Write,
    report: &Report,
    hidden: usize,
) -> Result<(), CliError> {
    for (p, f) in report.findings() {
        let command = match report::level(f.severity) {
            "error" => "error",
            "warning" => "warning",
            _ => "notice",
        };
        let mut props = Vec::new();
        if p.location.path != STDIN_NAME {
            let path = p
                .location
                .path
                .strip_prefix("./")
                .unwrap_or(&p.location.path);
            props.push(format!("file={}", github_property(path)));
            if let Some((line, column)) = report::file_position(p, f) {
                props.push(format!("line={line}"));
                props.push(format!("col={column}"));
            }
        }
        props.push(format!(
            "title={}",
            github_property(&format!("{} [{}] {}", f.rule, f.severity, f.title))
        ));
        let role = p
            .location
            .role
            .as_deref()
            .map_or(String::new(), |r| format!("[{r}] "));
        let message = format!(
            "{role}{}\nwhy: {}\nfix: {}\nsee docs/RULES.md#{}",
            f.message,
            f.why,
            f.fix,
            f.rule.info().anchor()
        );
        writeln!(
            w,
            "::{command} {}::{}",
            props.join(","),
            github_data(&message)
        )?;
    }
    writeln!(
        w,
        "rolecall: audited {} polic{}: {} (showing {} and above{})",
        report.policies.len(),
        if report.policies.len() == 1 {
            "y"
        } else {
            "ies"
        },
        counts(report),
        report.min_severity,
        scope_notes(report, hidden)
    )?;
    Ok(())
}
