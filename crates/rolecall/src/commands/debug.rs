//! `rolecall debug`: print internal stages.

use std::io::Write;

use rolecall_policy::parse_document;

use crate::args::DebugCommand;
use crate::inputs;
use crate::output::{self, CliError, ExitCode};

pub(crate) fn run(cmd: &DebugCommand) -> Result<ExitCode, CliError> {
    match cmd {
        DebugCommand::Parse { path } => {
            let bytes = super::request::read_input(path, inputs::Kind::Policy)?;
            let name = super::sts::name_of(path);
            let mut out = output::stdout();
            match parse_document(&bytes) {
                Ok(doc) => {
                    writeln!(out, "{doc:#?}")?;
                    Ok(ExitCode::Clean)
                }
                Err(e) => {
                    writeln!(out, "{name}: error[{}]: {e}", e.code())?;
                    Ok(ExitCode::Error)
                }
            }
        }
    }
}
