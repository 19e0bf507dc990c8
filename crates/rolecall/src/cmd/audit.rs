//! `rolecall audit`: find trust policies that let the wrong workload in.

use std::io::Write;

use rolecall_audit::report::Report;
use rolecall_audit::source::{discover, AuditedPolicy, Discovered};
use rolecall_audit::{AuditOptions, RuleId, Severity};

use crate::args::{AuditArgs, AuditFormat, SeverityArg};
use crate::error::{CliError, ExitCode};
use crate::load::audit::{load_baseline, load_config};
use crate::load::files::{collect_some, CONTAINER_EXTENSIONS};
use crate::load::github::github_grammar;
use crate::load::sts::load_providers;
use crate::load::Kind;
use crate::render::audit::{
    list_rules, write_github, write_markdown, write_sarif, write_text, write_unreadable, InputError,
};
use crate::render::{progress, stdout, write_json_document, write_skipped};

pub(crate) fn run(args: &AuditArgs) -> Result<ExitCode, CliError> {
    if args.list_rules {
        return list_rules(args.format);
    }
    let config = load_config(args.config.as_deref())?;
    let mut options = AuditOptions::new();
    options.pre_2026_claims = args.pre_2026_claims;
    // Providers listed without their client IDs (`list-open-id-connect-providers`
    // output) leave the rule undetermined for them: no finding.
    for p in load_providers(&args.providers)?.providers() {
        if let Some(ids) = &p.client_ids {
            options
                .client_ids
                .entry(p.name().to_owned())
                .or_default()
                .extend(ids.iter().cloned());
        }
    }
    let options = match &config {
        Some(c) => c.apply(options),
        None => options,
    };
    let options = match github_grammar(&args.github_templates)? {
        Some(g) => options.with_github_subjects(g),
        None => options,
    };

    let (candidates, mut skipped) = collect_some(&args.paths, CONTAINER_EXTENSIONS)?;
    let progress = progress(candidates.len());
    let mut unreadable: Vec<InputError> = Vec::new();
    let mut policies: Vec<AuditedPolicy> = Vec::new();
    let mut sources = std::collections::HashMap::new();
    // One input in memory at a time.
    for candidate in candidates {
        progress.set_message(candidate.name.clone());
        let input = candidate.read(Kind::Container);
        match input.bytes {
            Ok(bytes) => match discover(&input.name, &bytes, &options) {
                Discovered::Policies(found) => {
                    // Text output shows source lines of policies that are the file itself.
                    let shown_from_file = args.format == AuditFormat::Text
                        && found
                            .iter()
                            .any(|p| p.policy_text.is_none() && !p.findings.is_empty());
                    if shown_from_file {
                        if let Ok(text) = String::from_utf8(bytes) {
                            sources.insert(input.name.clone(), text);
                        }
                    }
                    policies.extend(found);
                }
                // Named on the command line (or standard input): it must hold policies.
                Discovered::NoTrustPolicy(why) if input.explicit => {
                    unreadable.push(InputError::new(
                        input.name,
                        "no-trust-policy",
                        format!("holds no trust policy: {why}"),
                    ));
                }
                Discovered::NoTrustPolicy(why) => skipped.push((input.name, why.to_string())),
                _ => {}
            },
            // A binary file found in a directory holds no trust policy either.
            Err(e) if !input.explicit && e.kind() == std::io::ErrorKind::InvalidData => {
                skipped.push((input.name, e.to_string()));
            }
            Err(e) => unreadable.push(InputError::new(
                input.name,
                "unreadable",
                format!("cannot read input: {e}"),
            )),
        }
        progress.inc(1);
    }
    progress.finish_and_clear();
    if let Some(c) = &config {
        c.filter(&mut policies);
    }
    let min = severity(args.min_severity);
    // A policy that does not parse fails the run whatever `--min-severity`; one its filter
    // would hide is reported with the unreadable inputs, so the exit code has a reason shown.
    let invalid = policies
        .iter()
        .flat_map(|p| &p.findings)
        .any(|f| f.rule == RuleId::InvalidPolicy);
    for p in &policies {
        for f in p
            .findings
            .iter()
            .filter(|f| f.rule == RuleId::InvalidPolicy && f.severity < min)
        {
            let name = match &p.location.role {
                Some(role) => format!("{} ({role})", p.location.path),
                None => p.location.path.clone(),
            };
            let mut e = InputError::new(name, RuleId::InvalidPolicy.as_str(), f.message.clone());
            e.location = (!f.span.is_synthetic()).then(|| f.span.into());
            unreadable.push(e);
        }
    }
    let hidden = policies
        .iter()
        .flat_map(|p| &p.findings)
        .filter(|f| f.severity < min)
        .count();
    let mut report = Report::new(policies, min);
    if let Some(path) = &args.baseline {
        report.apply_baseline(&load_baseline(path)?);
    }

    let mut out = stdout();
    match args.format {
        AuditFormat::Text => {
            write_text(&mut out, &report, &unreadable, hidden, &sources)?;
            write_skipped(&mut out, &skipped, args.verbose)?;
        }
        // Written straight from the report: building a `Value` first held a
        // second copy of the whole report (see BENCHMARKS.md).
        AuditFormat::Json => write_json_document(&mut out, &report)?,
        AuditFormat::Sarif => write_sarif(&mut out, &report)?,
        AuditFormat::Github => write_github(&mut out, &report, hidden)?,
        AuditFormat::Markdown => write_markdown(&mut out, &report, &unreadable, hidden)?,
    }
    out.flush()?;
    if args.format != AuditFormat::Text {
        let mut err = anstream::stderr();
        write_unreadable(&mut err, &unreadable)?;
        if args.verbose {
            write_skipped(&mut err, &skipped, true)?;
        }
    }
    Ok(if !unreadable.is_empty() || invalid {
        ExitCode::Error
    } else if report.worst().is_some() {
        ExitCode::Findings
    } else {
        ExitCode::Clean
    })
}

fn severity(s: SeverityArg) -> Severity {
    match s {
        SeverityArg::Info => Severity::Info,
        SeverityArg::Low => Severity::Low,
        SeverityArg::Medium => Severity::Medium,
        SeverityArg::High => Severity::High,
        SeverityArg::Critical => Severity::Critical,
    }
}
