//! `diff`'s report: per direction (new access, removed access) the verdict
//! and a witness request with the `rolecall explain` lines that replay it
//! against both policies; or the same as JSON.

use std::io::Write;

use rolecall_analyze::Witness;
use rolecall_eval::{evaluate, CompiledPolicy};
use serde_json::json;

use super::witness::{explain_line, request_json};
use crate::args::Format;
use crate::error::CliError;

/// A policy as the report names it, compiled.
#[derive(Clone, Copy)]
pub(crate) struct Named<'a> {
    /// The input's name.
    pub name: &'a str,
    /// The policy.
    pub compiled: &'a CompiledPolicy,
}

/// One direction of the comparison: a request `allowed_by` allows and
/// `denied_by` does not, if there is one.
pub(crate) struct Side<'a> {
    pub allowed_by: Named<'a>,
    pub denied_by: Named<'a>,
    pub witness: Option<Witness>,
}

/// Both directions in `format`: `added` allowed by the new policy only,
/// `removed` by the old one only.
pub(crate) fn write_report(
    out: &mut impl Write,
    added: &Side<'_>,
    removed: &Side<'_>,
    format: Format,
) -> Result<(), CliError> {
    match format {
        Format::Json => {
            let list = |s: &Side<'_>| -> Vec<serde_json::Value> {
                s.witness.iter().map(|w| request_json(&w.request)).collect()
            };
            let doc = json!({
                "old": removed.allowed_by.name,
                "new": added.allowed_by.name,
                "new_access": added.witness.is_some(),
                "witnesses": list(added),
                "removed_access": removed.witness.is_some(),
                "removed_witnesses": list(removed),
            });
            serde_json::to_writer_pretty(&mut *out, &doc).map_err(std::io::Error::from)?;
            writeln!(out)?;
        }
        Format::Text => {
            write_side(out, added, "new access")?;
            write_side(out, removed, "removed access")?;
        }
    }
    Ok(())
}

/// One direction as text: the verdict, then the witness as a `rolecall
/// explain` line for each side (Allow for one, a deny for the other).
fn write_side(w: &mut impl Write, side: &Side<'_>, what: &str) -> Result<(), CliError> {
    let (a, d) = (side.allowed_by.name, side.denied_by.name);
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
        evaluate(side.denied_by.compiled, &witness.request)
    )?;
    for policy in [a, d] {
        match explain_line(policy, &witness.request) {
            Some(line) => writeln!(w, "  {line}")?,
            None => writeln!(w, "  {}", request_json(&witness.request))?,
        }
    }
    Ok(())
}
