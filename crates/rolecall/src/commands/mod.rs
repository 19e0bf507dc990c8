//! One module per subcommand.

mod audit;
pub(crate) mod batch;
mod check;
mod debug;
mod diff;
pub(crate) mod eks;
mod eval;
mod explain;
mod github;
mod hints;
mod request;
mod sts;
mod token;
mod who;
mod witness;

use std::io::Write;

use clap::CommandFactory;

use crate::args::{Cli, Command};
use crate::output::{CliError, ExitCode};

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
pub(crate) use diff::DiffArgs;
pub(crate) use eks::EksArgs;
pub(crate) use eval::EvalArgs;
pub(crate) use explain::ExplainArgs;
pub(crate) use github::GithubArgs;
pub(crate) use sts::StsArgs;
pub(crate) use token::TokenArgs;
pub(crate) use who::WhoArgs;
