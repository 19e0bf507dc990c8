//! `rolecall debug`: print internal stages.

use std::io::Write;

use rolecall_policy::parse_document;

use crate::args::DebugCommand;
use crate::error::{CliError, ExitCode};
use crate::load::{name_of, read_input, Kind};
use crate::render::debug::write_parse;
use crate::render::stdout;

pub(crate) fn run(cmd: &DebugCommand) -> Result<ExitCode, CliError> {
    match cmd {
        DebugCommand::Parse { path } => {
            let bytes = read_input(path, Kind::Policy)?;
            let parsed = parse_document(&bytes);
            let mut out = stdout();
            write_parse(&mut out, &name_of(path), &parsed)?;
            out.flush()?;
            Ok(if parsed.is_ok() {
                ExitCode::Clean
            } else {
                ExitCode::Error
            })
        }
    }
}
