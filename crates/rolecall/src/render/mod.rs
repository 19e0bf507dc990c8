//! The reports: the last stage of the one-way flow `args` -> `load` -> `cmd`
//! -> `render` (see `lib.rs`). What several commands print (source snippets
//! and diagnostics in [`diagnostic`], witness requests in [`witness`], the
//! output stream, JSON documents and lines, the progress bar, the
//! skipped-files note) and each command's report in its formats ([`audit`],
//! [`check`], [`debug`], [`diff`], [`eks`], [`eval`], [`explain`],
//! [`github`], [`sts`], [`token`], [`who`]). Only this stage writes: a
//! command opens the stream and hands it here with what it computed. Nothing
//! here reads an input or imports a command; the output formats of `args`
//! are the one earlier stage it knows.

pub(crate) mod audit;
pub(crate) mod check;
pub(crate) mod debug;
pub(crate) mod diagnostic;
pub(crate) mod diff;
pub(crate) mod eks;
pub(crate) mod eval;
pub(crate) mod explain;
pub(crate) mod github;
pub(crate) mod sts;
pub(crate) mod token;
pub(crate) mod who;
pub(crate) mod witness;

use std::io::{self, Write};

use rolecall_eval::explain::ContextValues;

use crate::error::{CliError, ExitCode};

/// Whether the error is a closed pipe, which ends the program quietly.
pub(crate) fn is_broken_pipe(e: &CliError) -> bool {
    matches!(e, CliError::Output(io) if io.kind() == io::ErrorKind::BrokenPipe)
}

/// Prints a top-level error to stderr.
pub(crate) fn write_error(w: &mut impl Write, e: &CliError) -> io::Result<()> {
    writeln!(w, "rolecall: error: {e}")
}

/// Whether colour should be used on stdout: anstream decides from the
/// terminal, `NO_COLOR` and `CLICOLOR_FORCE`.
pub(crate) fn stdout() -> anstream::AutoStream<io::Stdout> {
    anstream::AutoStream::auto(io::stdout())
}

/// Writes `value` as one pretty-printed JSON document and a newline: nothing
/// else goes to the stream, so `jq` and other parsers read the output whole.
pub(crate) fn write_json_document(
    w: &mut impl Write,
    value: &impl serde::Serialize,
) -> Result<(), CliError> {
    serde_json::to_writer_pretty(&mut *w, value).map_err(io::Error::from)?;
    writeln!(w)?;
    Ok(())
}

/// Writes `report` as one JSON document with the run's `now` (seconds since
/// the epoch, the clock the checks used) and `exit_code` added, so a saved
/// report can be replayed and compared (`sts`, `token inspect`).
pub(crate) fn write_json_run(
    w: &mut impl Write,
    report: &impl serde::Serialize,
    now: i64,
    code: ExitCode,
) -> Result<(), CliError> {
    let mut value = serde_json::to_value(report).map_err(io::Error::from)?;
    if let Some(map) = value.as_object_mut() {
        map.insert("now".into(), now.into());
        map.insert("exit_code".into(), code.code().into());
    }
    write_json_document(w, &value)
}

/// Writes `value` as one line of JSON (`eval --batch`'s answers).
pub(crate) fn write_json_line(
    w: &mut impl Write,
    value: &impl serde::Serialize,
) -> Result<(), CliError> {
    serde_json::to_writer(&mut *w, value).map_err(io::Error::from)?;
    w.write_all(b"\n")?;
    Ok(())
}

/// Below this many inputs no progress bar is drawn: it would only flicker.
const PROGRESS_MIN_INPUTS: usize = 20;

/// A progress bar over `inputs` inputs (`check`, `audit`): hidden below
/// [`PROGRESS_MIN_INPUTS`]; indicatif draws only when stderr is a terminal,
/// so piped runs and CI stay silent.
pub(crate) fn progress(inputs: usize) -> indicatif::ProgressBar {
    if inputs >= PROGRESS_MIN_INPUTS {
        indicatif::ProgressBar::new(inputs as u64)
    } else {
        indicatif::ProgressBar::hidden()
    }
}

/// The files of walked directories that were not read as policies: a count,
/// and with `--verbose` each one and why (`check`, `audit`, `who`).
pub(crate) fn write_skipped(
    w: &mut impl Write,
    skipped: &[(String, String)],
    verbose: bool,
) -> Result<(), CliError> {
    if skipped.is_empty() {
        return Ok(());
    }
    if verbose {
        for (name, why) in skipped {
            writeln!(w, "skipped {name}: {why}")?;
        }
    }
    let n = skipped.len();
    write!(
        w,
        "skipped {n} file{} that hold{} no trust policy",
        if n == 1 { "" } else { "s" },
        if n == 1 { "s" } else { "" }
    )?;
    if !verbose {
        write!(w, " (--verbose lists them)")?;
    }
    writeln!(w)?;
    Ok(())
}

/// The request's values for a condition key as `explain` and `eks` print
/// them.
pub(crate) fn context_text(c: &ContextValues) -> String {
    match c {
        ContextValues::Missing => "(missing from the request)".to_owned(),
        ContextValues::Single(v) => format!("`{v}`"),
        ContextValues::Multi(vs) => format!(
            "[{}] (multivalued)",
            vs.iter()
                .map(|v| format!("`{v}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}
