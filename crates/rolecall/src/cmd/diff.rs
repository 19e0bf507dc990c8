//! `rolecall diff OLD NEW`: does NEW allow a request OLD does not (new
//! access), and the reverse (removed access)? Answered exactly by
//! `rolecall-analyze` (`Analyzer::implies` both ways), each answer with a
//! witness request the evaluator has checked: allowed by one side, not by
//! the other.

use std::io::Write;

use rolecall_analyze::{Analyzer, Implication, Witness};
use rolecall_eval::{evaluate, CompiledPolicy};
use serde_json::json;

use crate::args::{DiffArgs, Format};
use crate::error::{CliError, ExitCode};
use crate::load::policy::{load_policy_file, LoadedPolicy};
use crate::render::stdout;
use crate::render::witness::{explain_line, request_json};

/// One direction of the comparison: a request `allowed_by` allows and
/// `denied_by` does not, if there is one.
struct Side<'a> {
    allowed_by: &'a LoadedPolicy,
    denied_by: &'a LoadedPolicy,
    witness: Option<Witness>,
}

pub(crate) fn run(args: &DiffArgs) -> Result<ExitCode, CliError> {
    if args.old.as_os_str() == "-" && args.new.as_os_str() == "-" {
        return Err(CliError::Usage(
            "OLD and NEW cannot both read standard input".into(),
        ));
    }
    let old = load_policy_file(&args.old)?;
    let new = load_policy_file(&args.new)?;
    let analyzer = Analyzer::default();
    let implies = |a: &CompiledPolicy, b: &CompiledPolicy| {
        analyzer.implies(a, b).map_err(|e| {
            CliError::Usage(format!(
                "cannot compare `{}` with `{}`: {e}",
                old.name, new.name
            ))
        })
    };
    let witness = |i: Implication| match i {
        Implication::Holds => None,
        Implication::NewAccess(w) => Some(w),
    };
    let added = Side {
        allowed_by: &new,
        denied_by: &old,
        witness: witness(implies(&new.compiled, &old.compiled)?),
    };
    let removed = Side {
        allowed_by: &old,
        denied_by: &new,
        witness: witness(implies(&old.compiled, &new.compiled)?),
    };

    let mut out = stdout();
    match args.format {
        Format::Json => {
            let list = |s: &Side| -> Vec<serde_json::Value> {
                s.witness.iter().map(|w| request_json(&w.request)).collect()
            };
            let doc = json!({
                "old": old.name,
                "new": new.name,
                "new_access": added.witness.is_some(),
                "witnesses": list(&added),
                "removed_access": removed.witness.is_some(),
                "removed_witnesses": list(&removed),
            });
            serde_json::to_writer_pretty(&mut out, &doc).map_err(std::io::Error::from)?;
            writeln!(out)?;
        }
        Format::Text => {
            write_side(&mut out, &added, "new access")?;
            write_side(&mut out, &removed, "removed access")?;
        }
    }
    out.flush()?;
    Ok(if added.witness.is_some() {
        ExitCode::Findings
    } else {
        ExitCode::Clean
    })
}

/// One direction as text: the verdict, then the witness as a `rolecall
/// explain` line for each side (Allow for one, a deny for the other).
fn write_side(w: &mut impl Write, side: &Side, what: &str) -> Result<(), CliError> {
    let (a, d) = (&side.allowed_by.name, &side.denied_by.name);
    let Some(witness) = &side.witness else {
        writeln!(w, "no {what}: every request {a} allows, {d} allows too")?;
        return Ok(());
    };
    let statement = side
        .allowed_by
        .compiled
        .statements()
        .get(witness.statement)
        .and_then(|s| s.sid())
        .filter(|s| !s.is_empty())
        .map_or(String::new(), |sid| format!(" `{sid}`"));
    writeln!(
        w,
        "{what}: {a} allows a request {d} does not (its statement {}{statement}; {d} decides {}):",
        witness.statement,
        evaluate(&side.denied_by.compiled, &witness.request)
    )?;
    for policy in [a, d] {
        match explain_line(policy, &witness.request) {
            Some(line) => writeln!(w, "  {line}")?,
            None => writeln!(w, "  {}", request_json(&witness.request))?,
        }
    }
    Ok(())
}
