//! `rolecall debug`: print internal stages.

use std::io::Write;

use rolecall_policy::parse_document;

use crate::args::DebugCommand;
use crate::inputs;
use crate::output::{self, CliError, ExitCode};

pub(crate) fn run(cmd: &DebugCommand) -> Result<ExitCode, CliError> {
    match cmd {
        DebugCommand::Parse { path } => {
            let input = inputs::collect(std::slice::from_ref(path), &["json"])
                .into_iter()
                .next()
                .ok_or_else(|| CliError::Usage(format!("no input at `{}`", path.display())))?;
            let bytes = input
                .bytes
                .map_err(|e| CliError::Usage(format!("{}: cannot read input: {e}", input.name)))?;
            let mut out = output::stdout();
            match parse_document(&bytes) {
                Ok(doc) => {
                    writeln!(out, "{doc:#?}")?;
                    Ok(ExitCode::Clean)
                }
                Err(e) => {
                    writeln!(out, "{}: error[{}]: {e}", input.name, e.code())?;
                    Ok(ExitCode::Error)
                }
            }
        }
    }
}
