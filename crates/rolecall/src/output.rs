//! Exit codes, output streams and top-level errors.

use std::io::{self, Write};

/// The documented exit codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ExitCode {
    /// 0: clean, or Allow.
    Clean,
    /// 1: findings, or a deny.
    Findings,
    /// 2: unreadable or unparsable input, or bad arguments.
    Error,
}

impl ExitCode {
    /// The process exit code.
    pub fn code(self) -> i32 {
        match self {
            ExitCode::Clean => 0,
            ExitCode::Findings => 1,
            ExitCode::Error => 2,
        }
    }
}

/// An error that stops a command before it can report normally.
#[derive(Debug, thiserror::Error)]
pub(crate) enum CliError {
    /// Writing the output failed (including a closed pipe).
    #[error("cannot write output: {0}")]
    Output(#[from] io::Error),
    /// An argument was well-formed for clap but wrong for the command.
    #[error("{0}")]
    Usage(String),
}

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
