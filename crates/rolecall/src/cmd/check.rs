//! `rolecall check`: parse and validate, as IAM would at write time.

use std::io::Write;

use rolecall_policy::validate::{self, DiagnosticLevel, FindingClass};
use rolecall_policy::{parse_document, Document, InputForm, ParseError};
use serde_json::json;

use rolecall_audit::source::{classify, document_placement, SourceKind};

use crate::args::{CheckArgs, Format};
use crate::error::{CliError, ExitCode};
use crate::load::files::{collect, Input};
use crate::load::policy::parse_error_message;
use crate::load::Kind;
use crate::render::diagnostic::{render, render_embedded, Diagnostic, Level, Location, Repeats};
use crate::render::{progress, stdout, write_skipped};

/// What happened to one input.
enum Outcome {
    Unreadable(std::io::Error),
    Unparsable(ParseError),
    Checked(Box<Document>, Vec<validate::Diagnostic>),
}

pub(crate) fn run(args: &CheckArgs) -> Result<ExitCode, CliError> {
    let collected = collect(&args.paths, &["json"]);
    if collected.candidates.is_empty() && collected.skipped.is_empty() {
        return Err(CliError::Usage(
            "no policy files found (directories are searched for *.json)".into(),
        ));
    }
    let mut skipped: Vec<(String, String)> = collected
        .skipped
        .into_iter()
        .map(|s| (s.name, s.reason.to_owned()))
        .collect();
    let progress = progress(collected.candidates.len());
    let mut inputs = Vec::with_capacity(collected.candidates.len());
    for candidate in collected.candidates {
        let input = candidate.read(Kind::Policy);
        // A file found in a directory is checked only when it is a policy (or
        // looks meant to be one); one named on the command line always is.
        match input.bytes.as_deref().map(classify) {
            Ok(Err(why)) if !input.explicit => skipped.push((input.name, why.to_string())),
            Ok(Ok(kind)) if !input.explicit && kind != SourceKind::Policy => skipped.push((
                input.name,
                format!("{}: `rolecall audit` reads it", kind_name(kind)),
            )),
            _ => inputs.push(input),
        }
    }
    let results: Vec<(Input, Outcome)> = inputs
        .into_iter()
        .map(|input| {
            progress.inc(1);
            let outcome = match &input.bytes {
                Err(e) => Outcome::Unreadable(std::io::Error::new(e.kind(), e.to_string())),
                Ok(bytes) => match parse_document(bytes) {
                    Err(e) => Outcome::Unparsable(e),
                    Ok(doc) => {
                        let findings = validate::validate(&doc.policy);
                        Outcome::Checked(Box::new(doc), findings)
                    }
                },
            };
            (input, outcome)
        })
        .collect();
    progress.finish_and_clear();

    let mut out = stdout();
    match args.format {
        Format::Text => {
            write_text(&mut out, &results)?;
            write_skipped(&mut out, &skipped, args.verbose)?;
        }
        Format::Json => {
            write_json(&mut out, &results)?;
            if args.verbose {
                write_skipped(&mut anstream::stderr(), &skipped, true)?;
            }
        }
    }
    out.flush()?;
    Ok(exit_code(&results))
}

/// What a container is, for the message of a skipped one.
fn kind_name(kind: SourceKind) -> &'static str {
    match kind {
        SourceKind::AccountDump => "an account dump",
        SourceKind::TerraformPlan => "a Terraform plan",
        SourceKind::CloudFormation => "a CloudFormation template",
        _ => "a file that is not a policy",
    }
}

/// 2 when an input could not be read or parsed, else 1 when any finding is
/// an error or a warning, else 0.
fn exit_code(results: &[(Input, Outcome)]) -> ExitCode {
    results
        .iter()
        .map(|(_, outcome)| match outcome {
            Outcome::Unreadable(_) | Outcome::Unparsable(_) => ExitCode::Error,
            Outcome::Checked(_, findings) if findings.iter().any(counts) => ExitCode::Findings,
            Outcome::Checked(..) => ExitCode::Clean,
        })
        .max()
        .unwrap_or(ExitCode::Clean)
}

/// Info findings are shown but do not fail the check.
fn counts(f: &validate::Diagnostic) -> bool {
    f.level != DiagnosticLevel::Info
}

fn level(s: DiagnosticLevel) -> Level {
    match s {
        DiagnosticLevel::Error => Level::Error,
        DiagnosticLevel::Warning => Level::Warning,
        DiagnosticLevel::Info => Level::Info,
    }
}

/// When a file that is not a policy is one `rolecall audit` reads (an
/// account dump, a Terraform plan, a CloudFormation template), says so: a
/// newcomer pointing `check` at a dump should learn which command fits.
/// Only looked at after the strict parse failed, so it costs nothing on
/// policies.
fn container_hint(input: &Input) -> Option<String> {
    let bytes = input.bytes.as_ref().ok()?;
    let value: serde_json::Value = serde_json::from_slice(bytes).ok()?;
    let has = |k: &str| value.get(k).is_some();
    let what = if has("RoleDetailList") {
        "`aws iam get-account-authorization-details` output"
    } else if has("planned_values") || has("resource_changes") {
        "a Terraform plan (`terraform show -json`)"
    } else if has("Resources") || has("AWSTemplateFormatVersion") {
        "a CloudFormation template"
    } else {
        return None;
    };
    Some(format!(
        "this looks like {what}, not a policy: `rolecall audit` reads the trust policies inside it"
    ))
}

/// The text the parse error's position refers to: the input, unless the
/// error is inside a decoded (URL-encoded or string-embedded) policy.
fn error_source<'a>(input: &'a Input, e: &ParseError) -> Option<&'a str> {
    if e.context().is_some_and(|c| c.contains("decoded")) {
        return None;
    }
    input
        .bytes
        .as_ref()
        .ok()
        .and_then(|b| std::str::from_utf8(b).ok())
}

fn write_text(w: &mut impl Write, results: &[(Input, Outcome)]) -> Result<(), CliError> {
    let (mut errors, mut warnings, mut infos, mut failed) = (0, 0, 0, 0);
    for (input, outcome) in results {
        match outcome {
            Outcome::Unreadable(e) => {
                failed += 1;
                let d = Diagnostic {
                    label: None,
                    notes: Vec::new(),
                    level: Level::Error,
                    code: Some("unreadable".into()),
                    message: format!("cannot read input: {e}"),
                    location: None,
                    hint: None,
                };
                render(w, &input.name, None, &d)?;
            }
            Outcome::Unparsable(e) => {
                failed += 1;
                let d = Diagnostic {
                    label: None,
                    notes: Vec::new(),
                    level: Level::Error,
                    code: Some(e.code().to_owned()),
                    message: parse_error_message(e),
                    location: Some(Location {
                        line: e.line(),
                        column: e.column(),
                        span: None,
                    }),
                    hint: container_hint(input),
                };
                render(w, &input.name, error_source(input, e), &d)?;
            }
            Outcome::Checked(doc, findings) => {
                let source = doc.policy_text.as_deref().or_else(|| {
                    input
                        .bytes
                        .as_ref()
                        .ok()
                        .and_then(|b| std::str::from_utf8(b).ok())
                });
                let name = match &doc.role_arn {
                    Some(arn) => format!("{} ({arn})", input.name),
                    None => input.name.clone(),
                };
                // A decoded policy (URL-encoded, get-role with a string document): headings
                // give the place in the file, snippets the decoded policy.
                let placement = input
                    .bytes
                    .as_ref()
                    .ok()
                    .and_then(|b| document_placement(b, doc.form));
                let mut repeats = Repeats::default();
                for f in findings {
                    match f.level {
                        DiagnosticLevel::Error => errors += 1,
                        DiagnosticLevel::Warning => warnings += 1,
                        DiagnosticLevel::Info => infos += 1,
                    }
                    if !repeats.show(f.rule) {
                        continue;
                    }
                    let d = Diagnostic {
                        label: None,
                        notes: Vec::new(),
                        level: level(f.level),
                        code: Some(f.rule.to_owned()),
                        message: f.message.clone(),
                        location: Some(f.span.into()),
                        hint: f.hint.clone(),
                    };
                    match &placement {
                        Some(pl) => {
                            let (line, column, _) = pl.position(f.span);
                            render_embedded(w, &name, Some((line, column)), source, &d)?;
                        }
                        None => render(w, &name, source, &d)?,
                    }
                }
                repeats.finish(w, &name)?;
            }
        }
    }
    writeln!(
        w,
        "checked {} input{}: {errors} error{}, {warnings} warning{}, {infos} info, {failed} unreadable or unparsable",
        results.len(),
        plural(results.len()),
        plural(errors),
        plural(warnings),
    )?;
    Ok(())
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

fn severity_name(s: DiagnosticLevel) -> &'static str {
    match s {
        DiagnosticLevel::Error => "error",
        DiagnosticLevel::Warning => "warning",
        DiagnosticLevel::Info => "info",
    }
}

fn class_name(c: FindingClass) -> &'static str {
    match c {
        FindingClass::Refused => "refused",
        FindingClass::Guardrail => "guardrail",
        FindingClass::Advice => "advice",
    }
}

fn form_name(f: InputForm) -> &'static str {
    match f {
        InputForm::Policy => "policy",
        InputForm::UrlEncoded => "url-encoded",
        InputForm::GetRole => "get-role",
        InputForm::GetRoleUrlEncoded => "get-role-url-encoded",
        InputForm::GetRoleJsonString => "get-role-json-string",
        _ => "other",
    }
}

/// The JSON shape is documented in the README ("rolecall check --format json"). Written as it
/// is serialized, finding by finding: building it as one `serde_json::Value` first took 141.8
/// MiB for a 0.96 MB policy with 40,001 findings (TESTING.md, "Hostile inputs"). Fields are
/// declared in alphabetical order, the order the `Value` had.
fn write_json(w: &mut impl Write, results: &[(Input, Outcome)]) -> Result<(), CliError> {
    #[derive(serde::Serialize)]
    struct Report<'a> {
        exit_code: i32,
        files: Files<'a>,
    }
    struct Files<'a>(&'a [(Input, Outcome)]);
    impl serde::Serialize for Files<'_> {
        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            s.collect_seq(
                self.0
                    .iter()
                    .map(|(input, outcome)| File { input, outcome }),
            )
        }
    }
    struct File<'a> {
        input: &'a Input,
        outcome: &'a Outcome,
    }
    impl serde::Serialize for File<'_> {
        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            use serde::ser::SerializeMap;
            let mut m = s.serialize_map(None)?;
            match self.outcome {
                Outcome::Unreadable(e) => {
                    m.serialize_entry(
                        "error",
                        &json!({"code": "unreadable", "message": e.to_string()}),
                    )?;
                    m.serialize_entry("findings", &Findings(&[]))?;
                    m.serialize_entry("path", &self.input.name)?;
                    m.serialize_entry("status", "error")?;
                }
                Outcome::Unparsable(e) => {
                    m.serialize_entry(
                        "error",
                        &json!({
                            "code": e.code(),
                            "message": e.to_string(),
                            "line": e.line(),
                            "column": e.column(),
                            "offset": e.offset(),
                        }),
                    )?;
                    m.serialize_entry("findings", &Findings(&[]))?;
                    m.serialize_entry("path", &self.input.name)?;
                    m.serialize_entry("status", "error")?;
                }
                Outcome::Checked(doc, findings) => {
                    m.serialize_entry("findings", &Findings(findings))?;
                    m.serialize_entry("form", form_name(doc.form))?;
                    m.serialize_entry("path", &self.input.name)?;
                    m.serialize_entry("role_arn", &doc.role_arn)?;
                    let status = if findings.iter().any(counts) {
                        "findings"
                    } else {
                        "clean"
                    };
                    m.serialize_entry("status", status)?;
                }
            }
            m.end()
        }
    }
    struct Findings<'a>(&'a [validate::Diagnostic]);
    impl serde::Serialize for Findings<'_> {
        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            s.collect_seq(self.0.iter().map(|f| {
                json!({
                    "rule": f.rule,
                    "severity": severity_name(f.level),
                    "class": class_name(f.class),
                    "message": f.message,
                    "line": f.span.line,
                    "column": f.span.column,
                    "hint": f.hint,
                })
            }))
        }
    }
    let report = Report {
        exit_code: exit_code(results).code(),
        files: Files(results),
    };
    serde_json::to_writer_pretty(&mut *w, &report).map_err(std::io::Error::from)?;
    writeln!(w)?;
    Ok(())
}
