//! What every stage of the flow shares: the exit codes, the error that stops
//! a command (`load` returns it, `cmd` and `render` pass it on), and how
//! messages name standard input and a parse error.

use std::io;

use rolecall_eval::Decision;
use rolecall_policy::ParseError;

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

    /// The exit code of a decision (`eval`, `explain`): 0 for Allow, 1 for a deny.
    pub(crate) fn of_decision(d: Decision) -> ExitCode {
        if d == Decision::Allow {
            ExitCode::Clean
        } else {
            ExitCode::Findings
        }
    }
}

/// An error that stops a command before it can report normally.
#[derive(Debug, thiserror::Error)]
pub(crate) enum CliError {
    /// Writing the output failed (including a closed pipe).
    #[error("cannot write output: {0}")]
    Output(#[from] io::Error),
    /// An argument was well-formed for clap but wrong for the command, or an
    /// input could not be read or understood.
    #[error("{0}")]
    Usage(String),
}

/// The name standard input gets in messages.
pub(crate) const STDIN_NAME: &str = "<stdin>";

/// A failure to build the inputs; reported with exit code 2.
pub(crate) fn usage(message: impl Into<String>) -> CliError {
    CliError::Usage(message.into())
}

/// A parse error without its position, which the caller shows itself (as
/// `file:line:column`, or a batch line's `line`/`column`).
pub(crate) fn parse_error_message(e: &ParseError) -> String {
    match e.context() {
        Some(c) => format!("{c}: {}", e.kind()),
        None => e.kind().to_string(),
    }
}
