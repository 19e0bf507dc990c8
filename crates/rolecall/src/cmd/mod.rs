//! One module per subcommand: the third stage of the one-way flow
//! `args` -> `load` -> `cmd` -> `render` (see `lib.rs`). A command reads its
//! inputs through `load`, asks the library crates, and hands what they
//! return to `render`, which alone writes. A command never imports
//! another command: what two commands share lives in `load`, `render` or a
//! library crate (`tests/layering.rs` checks it).

mod audit;
mod check;
mod debug;
mod diff;
pub(crate) mod eks;
pub(crate) mod eval;
mod explain;
mod github;
mod sts;
mod token;
mod who;

use std::io::Write;

use clap::CommandFactory;

use crate::args::{Cli, Command};
use crate::error::{CliError, ExitCode};

/// Runs the parsed command line.
pub(crate) fn dispatch(cli: Cli) -> Result<ExitCode, CliError> {
    match cli.command {
        Command::Check(args) => check::run(&args),
        Command::Audit(args) => audit::run(&args),
        Command::Eval(args) => eval::run(&args),
        Command::Explain(args) => explain::run(&args),
        Command::Sts(args) => sts::run(&args),
        Command::Token(args) => token::run(&args),
        Command::Github(args) => github::run(&args),
        Command::Eks(args) => eks::run(&args),
        Command::Who(args) => who::run(&args),
        Command::Diff(args) => diff::run(&args),
        Command::Debug(cmd) => debug::run(&cmd),
        Command::Completions(args) => {
            let mut out = std::io::stdout().lock();
            clap_complete::generate(args.shell, &mut Cli::command(), "rolecall", &mut out);
            out.flush()?;
            Ok(ExitCode::Clean)
        }
    }
}
