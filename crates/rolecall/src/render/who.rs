//! `who`'s report: per role, whether anyone can assume it and who (each
//! answer with its witness request), as text or JSON; and the inputs it
//! could not answer for, on standard error.

use std::io::Write;

use rolecall_analyze::{Access, PrincipalAccess, SubjectModel, Values};
use rolecall_eval::request::{ContextValue, Request};
use serde_json::{json, Value};

use super::witness::request_json;
use super::{stdout, write_skipped};
use crate::args::Format;
use crate::error::CliError;

/// The answer for one policy.
#[derive(Debug, Clone)]
pub(crate) enum Answer {
    /// Some request is allowed: by whom, per principal and action.
    Assumable(Vec<PrincipalAccess>),
    /// No request is allowed: why, per Allow statement.
    Unassumable(Vec<String>),
    /// No exact answer: why (fail closed, exit code 2).
    Unknown(String),
}

/// What `--trusted-owner` asks of one policy.
#[derive(Debug, Clone)]
pub(crate) enum Outsiders {
    /// Per principal and action, the subjects outside the trusted owners it
    /// admits (none: no outsider), and the principals whose issuer names no
    /// owner in its subjects (so the question has no answer for them).
    Known {
        admitted: Vec<PrincipalAccess>,
        unknown: Vec<String>,
    },
    /// No exact answer: why (fail closed, exit code 2).
    Unknown(String),
}

/// One role (or policy file) and its answers.
pub(crate) struct Role {
    pub(crate) path: String,
    pub(crate) role: Option<String>,
    pub(crate) answer: Answer,
    pub(crate) outsiders: Option<Outsiders>,
}

/// An input that could not be answered for: unreadable, not a policy, or a
/// policy that does not parse or compile (exit code 2).
pub(crate) struct InputError {
    pub(crate) name: String,
    pub(crate) at: Option<(u32, u32)>,
    pub(crate) message: String,
}

/// The report: the roles on standard output (text or JSON), the inputs
/// that failed on standard error, and the skipped files (text; with
/// `--verbose` on standard error for JSON).
pub(crate) fn write_report(
    roles: &[Role],
    errors: &[InputError],
    skipped: &[(String, String)],
    format: Format,
    verbose: bool,
) -> Result<(), CliError> {
    let mut out = stdout();
    match format {
        Format::Json => {
            let doc = json!({
                "policies": roles.iter().map(role_json).collect::<Vec<_>>(),
                "errors": errors.iter().map(|e| json!({
                    "path": e.name,
                    "line": e.at.map(|a| a.0),
                    "column": e.at.map(|a| a.1),
                    "message": e.message,
                })).collect::<Vec<_>>(),
            });
            serde_json::to_writer_pretty(&mut out, &doc).map_err(std::io::Error::from)?;
            writeln!(out)?;
        }
        Format::Text => {
            for r in roles {
                write_role(&mut out, r)?;
            }
            write_summary(&mut out, roles)?;
            write_skipped(&mut out, skipped, verbose)?;
        }
    }
    out.flush()?;
    let mut err = anstream::stderr();
    for e in errors {
        match e.at {
            Some((line, column)) => writeln!(
                err,
                "rolecall: error: {}:{line}:{column}: {}",
                e.name, e.message
            )?,
            None => writeln!(err, "rolecall: error: {}: {}", e.name, e.message)?,
        }
    }
    if format == Format::Json && verbose {
        write_skipped(&mut err, skipped, true)?;
    }
    Ok(())
}

/// A principal and action's admitted set as JSON: the words, how `sub` was
/// read, the first witness, and every region with its own.
fn access_json(p: &PrincipalAccess) -> Value {
    json!({
        "principal": p.principal,
        "action": p.action,
        "description": p.description(),
        "subject": subject_words(&p.subject),
        "witness": p.witness().map(|w| request_json(&w.request)),
        "regions": p.admitted.iter().map(|a| json!({
            "statement": a.statement,
            "form": a.form,
            "description": a.description(),
            "witness": request_json(&a.witness.request),
        })).collect::<Vec<_>>(),
    })
}

/// How the issuer's `sub` was analysed, in words.
fn subject_words(s: &SubjectModel) -> String {
    match s {
        SubjectModel::Grammar { issuer } => format!("{issuer} subjects"),
        _ => "all strings".to_owned(),
    }
}

fn role_json(r: &Role) -> Value {
    let mut v = json!({
        "path": r.path,
        "role": r.role,
    });
    if let Value::Object(m) = &mut v {
        match &r.answer {
            Answer::Assumable(admitted) => {
                m.insert("assumable".into(), Value::Bool(true));
                m.insert(
                    "principals".into(),
                    admitted.iter().map(access_json).collect(),
                );
            }
            Answer::Unassumable(why) => {
                m.insert("assumable".into(), Value::Bool(false));
                m.insert("principals".into(), Value::Array(Vec::new()));
                m.insert("why".into(), json!(why));
            }
            Answer::Unknown(reason) => {
                m.insert("assumable".into(), Value::Null);
                m.insert("principals".into(), Value::Array(Vec::new()));
                m.insert("not_analysable".into(), Value::String(reason.clone()));
            }
        }
        match &r.outsiders {
            None => {}
            Some(Outsiders::Known { admitted, unknown }) => {
                m.insert(
                    "outsiders".into(),
                    json!({
                        "admitted": !admitted.is_empty(),
                        "principals": admitted.iter().map(access_json).collect::<Vec<_>>(),
                        "unknown": unknown,
                    }),
                );
            }
            Some(Outsiders::Unknown(reason)) => {
                m.insert(
                    "outsiders".into(),
                    json!({"admitted": null, "not_analysable": reason}),
                );
            }
        }
    }
    v
}

/// The prefix of the condition keys of a principal's own identity provider
/// (`token.actions.githubusercontent.com:` for its provider ARN,
/// `accounts.google.com:` for that built-in provider), which text output
/// leaves out of key names: `sub`, not `token.actions.githubusercontent.com:sub`.
fn own_prefix(principal: &str) -> Option<String> {
    if let Some((_, provider)) = principal.split_once(":oidc-provider/") {
        return Some(format!("{provider}:"));
    }
    // A built-in provider is named without an ARN (no `:`), but not `*`.
    (!principal.contains(':') && principal.contains('.')).then(|| format!("{principal}:"))
}

/// A key as text shows it: without the principal's own provider prefix.
fn short_key<'k>(key: &'k str, prefix: Option<&str>) -> &'k str {
    prefix
        .and_then(|p| key.strip_prefix(p))
        .filter(|k| !k.is_empty())
        .unwrap_or(key)
}

/// A region in words, keys shortened as [`short_key`].
fn region_words(a: &Access, prefix: Option<&str>) -> String {
    if a.segments.is_empty() {
        return "any request".to_owned();
    }
    let mut parts: Vec<String> = Vec::new();
    match (&a.form, a.outside_grammar) {
        (Some(form), _) => parts.push(format!("form {form}")),
        (None, true) => parts.push("sub outside the issuer's grammar".to_owned()),
        (None, false) => {}
    }
    for s in &a.segments {
        let values = match &s.values {
            // Examples are searched within a bound; none found is said plainly.
            Values::Matching { examples } if examples.is_empty() => "many values".to_owned(),
            v => v.to_string(),
        };
        let mut part = match &s.field {
            Some(field) => format!("{field} {values}"),
            None => format!("{} {values}", short_key(&s.key, prefix)),
        };
        if s.field.is_none() {
            part.push_str(match (s.absent, s.lists) {
                (true, true) => " (or absent, or a list)",
                (true, false) => " (or absent)",
                (false, true) => " (or a list)",
                (false, false) => "",
            });
        }
        parts.push(part);
    }
    parts.join("; ")
}

/// A witness's context as `key=value` pairs, for a line of text.
fn context_words(request: &Request, prefix: Option<&str>) -> String {
    request
        .context()
        .iter()
        .map(|e| {
            let key = short_key(e.name(), prefix);
            match e.value() {
                ContextValue::Single(v) => format!("{key}=`{v}`"),
                ContextValue::Multi(vs) => format!(
                    "{key}=[{}]",
                    vs.iter()
                        .map(|v| format!("`{v}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Regions of one principal and action shown in text (JSON lists all).
const TEXT_REGIONS: usize = 8;

/// One principal and action as text: a heading line, then each region in
/// words with its witness (regions that read the same are one line).
fn write_access(w: &mut impl Write, p: &PrincipalAccess) -> Result<(), CliError> {
    let over = match p.subject {
        SubjectModel::Grammar { .. } => format!(" (over {})", subject_words(&p.subject)),
        _ => String::new(),
    };
    writeln!(w, "  - {} calling {}{over}:", p.principal, p.action)?;
    let prefix = own_prefix(&p.principal);
    let mut lines: Vec<(String, Vec<usize>, &Access)> = Vec::new();
    for a in &p.admitted {
        let words = region_words(a, prefix.as_deref());
        match lines.iter_mut().find(|(w, _, _)| *w == words) {
            Some((_, statements, _)) => statements.push(a.statement),
            None => lines.push((words, vec![a.statement], a)),
        }
    }
    for (words, statements, a) in lines.iter().take(TEXT_REGIONS) {
        if statements.len() > 1 {
            let list: Vec<String> = statements.iter().map(ToString::to_string).collect();
            writeln!(w, "      {words} (statements {})", list.join(", "))?;
        } else {
            writeln!(w, "      {words}")?;
        }
        let context = context_words(&a.witness.request, prefix.as_deref());
        if context.is_empty() {
            writeln!(w, "        e.g. with no condition key")?;
        } else {
            writeln!(w, "        e.g. {context}")?;
        }
    }
    let more = lines.len().saturating_sub(TEXT_REGIONS);
    if more > 0 {
        writeln!(w, "      … and {more} more (--format json lists every one)")?;
    }
    Ok(())
}

fn write_role(w: &mut impl Write, r: &Role) -> Result<(), CliError> {
    match &r.role {
        Some(role) => writeln!(w, "{} ({role})", r.path)?,
        None => writeln!(w, "{}", r.path)?,
    }
    match &r.answer {
        Answer::Assumable(principals) => {
            writeln!(w, "  assumable by:")?;
            for p in principals {
                write_access(w, p)?;
            }
        }
        Answer::Unassumable(why) => {
            writeln!(w, "  assumable by: nobody")?;
            for line in why {
                writeln!(w, "  - {line}")?;
            }
        }
        Answer::Unknown(reason) => writeln!(w, "  assumable by: unknown: {reason}")?,
    }
    match &r.outsiders {
        None => {}
        Some(Outsiders::Unknown(reason)) => {
            writeln!(w, "  outside the trusted owners: unknown: {reason}")?;
        }
        Some(Outsiders::Known { admitted, unknown }) => {
            if admitted.is_empty() {
                writeln!(w, "  outside the trusted owners: nobody")?;
            } else {
                writeln!(w, "  outside the trusted owners:")?;
                for p in admitted {
                    write_access(w, p)?;
                }
            }
            for p in unknown {
                writeln!(
                    w,
                    "  - {p}: cannot be told (its subjects name no owner rolecall knows)"
                )?;
            }
        }
    }
    writeln!(w)?;
    Ok(())
}

fn write_summary(w: &mut impl Write, roles: &[Role]) -> Result<(), CliError> {
    let count = |f: fn(&Answer) -> bool| roles.iter().filter(|r| f(&r.answer)).count();
    let assumable = count(|a| matches!(a, Answer::Assumable(_)));
    let nobody = count(|a| matches!(a, Answer::Unassumable(_)));
    let unknown = count(|a| matches!(a, Answer::Unknown(_)));
    writeln!(
        w,
        "{} polic{}: {assumable} assumable, {nobody} by nobody, {unknown} not exactly analysable",
        roles.len(),
        if roles.len() == 1 { "y" } else { "ies" }
    )?;
    Ok(())
}
