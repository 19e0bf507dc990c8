//! `rolecall debug`: print internal stages.

use std::io::Write;

use rolecall_policy::parse_document;

use crate::args::DebugCommand;
use crate::error::{CliError, ExitCode};
use crate::load::{name_of, read_input, Kind};
use crate::render::stdout;

pub(crate) fn run(cmd: &DebugCommand) -> Result<ExitCode, CliError> {
    match cmd {
        DebugCommand::Parse { path } => {
            let bytes = read_input(path, Kind::Policy)?;
            let name = name_of(path);
            let mut out = stdout();
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
