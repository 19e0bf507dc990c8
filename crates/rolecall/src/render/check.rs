//! `check`'s report: per input, the parse error or the validation findings
//! with source lines and carets (text), or one JSON document.

use std::io::Write;

use rolecall_audit::source::document_placement;
use rolecall_policy::validate::{self, DiagnosticLevel, FindingClass};
use rolecall_policy::{Document, InputForm, ParseError};
use serde_json::json;

use super::diagnostic::{render, render_embedded, Diagnostic, Level, Location, Repeats};

use crate::error::{parse_error_message, CliError, ExitCode};

/// What happened to one input.
pub(crate) enum Outcome {
    Unreadable(std::io::Error),
    Unparsable(ParseError),
    Checked(Box<Document>, Vec<validate::Diagnostic>),
}

/// One input and what happened to it.
pub(crate) struct Checked {
    /// How to name it in messages.
    pub name: String,
    /// Its bytes (for source lines), or why they could not be read.
    pub bytes: Result<Vec<u8>, std::io::Error>,
    /// What happened.
    pub outcome: Outcome,
}

/// Info findings are shown but do not fail the check.
pub(crate) fn counts(f: &validate::Diagnostic) -> bool {
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
fn container_hint(input: &Checked) -> Option<String> {
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
fn error_source<'a>(input: &'a Checked, e: &ParseError) -> Option<&'a str> {
    if e.context().is_some_and(|c| c.contains("decoded")) {
        return None;
    }
    input
        .bytes
        .as_ref()
        .ok()
        .and_then(|b| std::str::from_utf8(b).ok())
}

pub(crate) fn write_text(w: &mut impl Write, results: &[Checked]) -> Result<(), CliError> {
    let (mut errors, mut warnings, mut infos, mut failed) = (0, 0, 0, 0);
    for input in results {
        match &input.outcome {
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
pub(crate) fn write_json(
    w: &mut impl Write,
    results: &[Checked],
    code: ExitCode,
) -> Result<(), CliError> {
    #[derive(serde::Serialize)]
    struct Report<'a> {
        exit_code: i32,
        files: Files<'a>,
    }
    struct Files<'a>(&'a [Checked]);
    impl serde::Serialize for Files<'_> {
        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            s.collect_seq(self.0.iter().map(|input| File {
                input,
                outcome: &input.outcome,
            }))
        }
    }
    struct File<'a> {
        input: &'a Checked,
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
        exit_code: code.code(),
        files: Files(results),
    };
    serde_json::to_writer_pretty(&mut *w, &report).map_err(std::io::Error::from)?;
    writeln!(w)?;
    Ok(())
}
