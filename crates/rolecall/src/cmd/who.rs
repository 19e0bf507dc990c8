//! `rolecall who PATH...`: per role, whether anyone can assume it and who,
//! answered exactly by `rolecall-analyze`, each answer backed by a witness
//! request the evaluator allows. Inputs are found and read as `audit` finds
//! and reads them (`rolecall_audit::source::discover`).

use std::collections::HashMap;

use rolecall_analyze::{Analyzer, Assumability, Blocked, Part};
use rolecall_audit::source::{discover, AuditedPolicy, Discovered};
use rolecall_audit::AuditOptions;
use rolecall_eval::CompiledPolicy;

use crate::args::WhoArgs;
use crate::error::{CliError, ExitCode};
use crate::load::files::{collect_some, CONTAINER_EXTENSIONS};
use crate::load::github::github_grammar;
use crate::load::Kind;
use crate::render::who::{write_report, Answer, InputError, Outsiders, Role};

/// The answers for one policy text.
#[derive(Debug, Clone)]
struct Analysed {
    answer: Answer,
    outsiders: Option<Outsiders>,
}

pub(crate) fn run(args: &WhoArgs) -> Result<ExitCode, CliError> {
    let (candidates, mut skipped) = collect_some(&args.paths, CONTAINER_EXTENSIONS)?;
    let options = AuditOptions::new();
    let analyzer = match github_grammar(&args.github_templates)? {
        Some(g) => Analyzer::default().with_github_subjects(g),
        None => Analyzer::default(),
    };
    let mut cache: HashMap<String, Analysed> = HashMap::new();
    let mut roles = Vec::new();
    let mut errors = Vec::new();
    for candidate in candidates {
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

    write_report(&roles, &errors, &skipped, args.format, args.verbose)?;
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
