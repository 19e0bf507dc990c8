//! `rolecall who PATH...`: per role, whether anyone can assume it and who,
//! answered exactly by `rolecall-analyze`, each answer backed by a witness
//! request the evaluator allows. Inputs are found and read as `audit` finds
//! and reads them (`rolecall_audit::source::discover`).

use std::collections::HashMap;
use std::io::Write;

use rolecall_analyze::{
    Access, Analyzer, Assumability, Blocked, Part, PrincipalAccess, SubjectModel, Values,
};
use rolecall_audit::source::{discover, AuditedPolicy, Discovered};
use rolecall_audit::AuditOptions;
use rolecall_eval::request::{ContextValue, Request};
use rolecall_eval::CompiledPolicy;
use serde_json::{json, Value};

use crate::args::{Format, WhoArgs};
use crate::error::{CliError, ExitCode};
use crate::load::files::collect;
use crate::load::github::github_grammar;
use crate::load::Kind;
use crate::render::witness::request_json;
use crate::render::{stdout, write_skipped};

/// File extensions searched in directories (as `audit`).
const EXTENSIONS: &[&str] = &["json", "yaml", "yml", "template"];

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

/// The answers for one policy text.
#[derive(Debug, Clone)]
struct Analysed {
    answer: Answer,
    outsiders: Option<Outsiders>,
}

/// One role (or policy file) and its answers.
struct Role {
    path: String,
    role: Option<String>,
    answer: Answer,
    outsiders: Option<Outsiders>,
}

/// An input that could not be answered for: unreadable, not a policy, or a
/// policy that does not parse or compile (exit code 2).
struct InputError {
    name: String,
    at: Option<(u32, u32)>,
    message: String,
}

pub(crate) fn run(args: &WhoArgs) -> Result<ExitCode, CliError> {
    let collected = collect(&args.paths, EXTENSIONS);
    if collected.candidates.is_empty() && collected.skipped.is_empty() {
        return Err(CliError::Usage(
            "no input files found (directories are searched for *.json, *.yaml, *.yml, *.template)"
                .into(),
        ));
    }
    let mut skipped: Vec<(String, String)> = collected
        .skipped
        .into_iter()
        .map(|s| (s.name, s.reason.to_owned()))
        .collect();
    let options = AuditOptions::new();
    let analyzer = match github_grammar(&args.github_templates)? {
        Some(g) => Analyzer::default().with_github_subjects(g),
        None => Analyzer::default(),
    };
    let mut cache: HashMap<String, Analysed> = HashMap::new();
    let mut roles = Vec::new();
    let mut errors = Vec::new();
    for candidate in collected.candidates {
        let input = candidate.read(Kind::Container);
        match input.bytes {
            Ok(bytes) => match discover(&input.name, &bytes, &options) {
                Discovered::Policies(found) => {
                    for p in found {
                        match answer_for(&p, &bytes, &analyzer, &args.trusted_owners, &mut cache) {
                            Ok(a) => roles.push(Role {
                                path: p.location.path,
                                role: p.location.role,
                                answer: a.answer,
                                outsiders: a.outsiders,
                            }),
                            Err(e) => errors.push(e),
                        }
                    }
                }
                Discovered::NoTrustPolicy(why) if input.explicit => errors.push(InputError {
                    name: input.name,
                    at: None,
                    message: format!("holds no trust policy: {why}"),
                }),
                Discovered::NoTrustPolicy(why) => skipped.push((input.name, why.to_string())),
                _ => {}
            },
            Err(e) if !input.explicit && e.kind() == std::io::ErrorKind::InvalidData => {
                skipped.push((input.name, e.to_string()));
            }
            Err(e) => errors.push(InputError {
                name: input.name,
                at: None,
                message: format!("cannot read input: {e}"),
            }),
        }
    }

    let mut out = stdout();
    match args.format {
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
            for r in &roles {
                write_role(&mut out, r)?;
            }
            write_summary(&mut out, &roles)?;
            write_skipped(&mut out, &skipped, args.verbose)?;
        }
    }
    out.flush()?;
    let mut err = anstream::stderr();
    for e in &errors {
        match e.at {
            Some((line, column)) => writeln!(
                err,
                "rolecall: error: {}:{line}:{column}: {}",
                e.name, e.message
            )?,
            None => writeln!(err, "rolecall: error: {}: {}", e.name, e.message)?,
        }
    }
    if args.format == Format::Json && args.verbose {
        write_skipped(&mut err, &skipped, true)?;
    }
    let unknown = roles.iter().any(|r| {
        matches!(r.answer, Answer::Unknown(_)) || matches!(r.outsiders, Some(Outsiders::Unknown(_)))
    });
    let outsiders = roles.iter().any(
        |r| matches!(&r.outsiders, Some(Outsiders::Known { admitted, .. }) if !admitted.is_empty()),
    );
    Ok(if !errors.is_empty() || unknown {
        ExitCode::Error
    } else if outsiders {
        ExitCode::Findings
    } else {
        ExitCode::Clean
    })
}

/// The answer for one policy `discover` found in a file of `bytes`; identical
/// policy texts (the many `ec2.amazonaws.com` roles of an account) are
/// analysed once.
fn answer_for(
    p: &AuditedPolicy,
    bytes: &[u8],
    analyzer: &Analyzer,
    trusted: &[String],
    cache: &mut HashMap<String, Analysed>,
) -> Result<Analysed, InputError> {
    let name = match &p.location.role {
        Some(role) => format!("{} ({role})", p.location.path),
        None => p.location.path.clone(),
    };
    // A policy that does not parse: its finding says where.
    if let Some(f) = p.findings.iter().find(|f| f.rule == "TP-INVALID-POLICY") {
        return Err(InputError {
            at: rolecall_audit::report::file_position(p, f)
                .or((!f.span.is_synthetic()).then_some((f.span.line, f.span.column))),
            name,
            message: f.message.clone(),
        });
    }
    let text = match (&p.policy_text, p.location.embedded) {
        (Some(t), _) => t.as_str(),
        // Embedded but no text: a Terraform value unknown until apply, a
        // CloudFormation intrinsic function; its finding says which.
        (None, true) => {
            let why = p
                .findings
                .iter()
                .find(|f| f.rule == "TP-UNANALYSABLE")
                .map_or_else(
                    || "the policy's text is not known".to_owned(),
                    |f| f.message.clone(),
                );
            return Ok(Analysed {
                outsiders: (!trusted.is_empty()).then(|| Outsiders::Unknown(why.clone())),
                answer: Answer::Unknown(why),
            });
        }
        (None, false) => std::str::from_utf8(bytes).map_err(|_| InputError {
            name: name.clone(),
            at: None,
            message: "the policy is not UTF-8 text".into(),
        })?,
    };
    if let Some(a) = cache.get(text) {
        return Ok(a.clone());
    }
    let compiled = rolecall_policy::parse_document(text.as_bytes())
        .map_err(|e| InputError {
            name: name.clone(),
            at: Some((e.line(), e.column())),
            message: e.to_string(),
        })
        .and_then(|doc| {
            CompiledPolicy::compile(&doc.policy).map_err(|e| InputError {
                name: name.clone(),
                at: Some((e.span().line, e.span().column)),
                message: e.to_string(),
            })
        })?;
    let analysed = Analysed {
        answer: analyse(&compiled, analyzer),
        outsiders: (!trusted.is_empty()).then(|| outsiders(&compiled, analyzer, trusted)),
    };
    cache.insert(text.to_owned(), analysed.clone());
    Ok(analysed)
}

/// The analysis of one compiled policy: `Analyzer::who`, and when it
/// admits nobody, `Analyzer::unassumable` for why.
pub(crate) fn analyse(policy: &CompiledPolicy, analyzer: &Analyzer) -> Answer {
    let statement_name = |i: usize| {
        let sid = policy
            .statements()
            .get(i)
            .and_then(|s| s.sid())
            .filter(|s| !s.is_empty())
            .map_or(String::new(), |s| format!(" `{s}`"));
        format!("statement {i}{sid}")
    };
    let who = match analyzer.who(policy) {
        Ok(who) => who,
        Err(e) => return Answer::Unknown(e.to_string()),
    };
    if who.is_assumable() {
        return Answer::Assumable(who.principals);
    }
    match analyzer.unassumable(policy) {
        Ok(Assumability::Unassumable(reports)) => {
            let mut why: Vec<String> = reports
                .iter()
                .map(|r| {
                    let part = match &r.blocked {
                        Blocked::Never(Part::Principal) => "its Principal matches no caller".into(),
                        Blocked::Never(Part::Action) => "its Action matches no action".into(),
                        Blocked::Never(Part::Key(k)) => {
                            format!("no request satisfies its conditions on `{k}`")
                        }
                        Blocked::DeniedBy(by) => format!(
                            "every request it admits is denied by {}",
                            by.iter()
                                .map(|d| statement_name(*d))
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                    };
                    format!("{}: {part}", statement_name(r.statement))
                })
                .collect();
            if why.is_empty() {
                why.push("the policy has no Allow statement".into());
            }
            Answer::Unassumable(why)
        }
        // `who` found nobody and `unassumable` a witness: the two queries
        // disagree, which is a bug to report, never an answer.
        Ok(Assumability::Assumable(w)) => Answer::Unknown(format!(
            "internal error: `who` admits nobody but {} admits {:?}",
            statement_name(w.statement),
            w.request
        )),
        Err(e) => Answer::Unknown(e.to_string()),
    }
}

/// `--trusted-owner`: `Analyzer::admits_outside`.
fn outsiders(policy: &CompiledPolicy, analyzer: &Analyzer, trusted: &[String]) -> Outsiders {
    match analyzer.admits_outside(policy, trusted) {
        Ok(o) => Outsiders::Known {
            admitted: o.admitted,
            unknown: o.unknown,
        },
        Err(e) => Outsiders::Unknown(e.to_string()),
    }
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
