//! `rolecall check`: parse and validate, as IAM would at write time.

use std::io::Write;

use rolecall_audit::source::{classify, SourceKind};
use rolecall_policy::parse_document;
use rolecall_policy::validate;

use crate::args::{CheckArgs, Format};
use crate::error::{CliError, ExitCode};
use crate::load::files::collect_some;
use crate::load::Kind;
use crate::render::check::{counts, write_json, write_text, Checked, Outcome};
use crate::render::{progress, stdout, write_skipped};

pub(crate) fn run(args: &CheckArgs) -> Result<ExitCode, CliError> {
    let (candidates, mut skipped) = collect_some(&args.paths, &["json"])?;
    let progress = progress(candidates.len());
    let mut inputs = Vec::with_capacity(candidates.len());
    for candidate in candidates {
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
    let results: Vec<Checked> = inputs
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
            Checked {
                name: input.name,
                bytes: input.bytes,
                outcome,
            }
        })
        .collect();
    progress.finish_and_clear();

    let code = exit_code(&results);
    let mut out = stdout();
    match args.format {
        Format::Text => {
            write_text(&mut out, &results)?;
            write_skipped(&mut out, &skipped, args.verbose)?;
        }
        Format::Json => {
            write_json(&mut out, &results, code)?;
            if args.verbose {
                write_skipped(&mut anstream::stderr(), &skipped, true)?;
            }
        }
    }
    out.flush()?;
    Ok(code)
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
fn exit_code(results: &[Checked]) -> ExitCode {
    results
        .iter()
        .map(|checked| match &checked.outcome {
            Outcome::Unreadable(_) | Outcome::Unparsable(_) => ExitCode::Error,
            Outcome::Checked(_, findings) if findings.iter().any(counts) => ExitCode::Findings,
            Outcome::Checked(..) => ExitCode::Clean,
        })
        .max()
        .unwrap_or(ExitCode::Clean)
}
