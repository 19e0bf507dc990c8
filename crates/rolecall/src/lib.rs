//! The `rolecall` command-line tool.
//!
//! rolecall decides offline, exactly as AWS STS would, whether a web
//! identity may assume an IAM role under that role's trust policy, says why,
//! and audits trust policies for the mistakes that let the wrong workload in.
//!
//! The binary is glue over the library crates: `rolecall-policy` reads
//! documents, `rolecall-eval` decides, `rolecall-audit` finds loose
//! policies. This crate turns command-line arguments into calls to them and
//! renders what they return (arguments are validated first, then
//! turned into work).
//!
//! The code flows one way, in four stages:
//!
//! | stage | what it holds | may import |
//! |---|---|---|
//! | `args/` | clap definitions only | nothing of the others |
//! | `load/` | the one place inputs are read: files, standard input, directory walks, policies in every form, account dumps, tokens, providers, JWKS, templates, EKS inputs, audit configuration | `args` |
//! | `cmd/` | one module per command: calls the libraries, opens the output stream and hands what it computed to `render` | `args`, `load`, `render`, never another command |
//! | `render/` | the only stage that writes: each command's text, JSON, SARIF, Markdown or annotations, and what several print alike (diagnostics with source snippets, witness requests, skipped files, the progress bar, the output stream) | `args` (the output formats) |
//!
//! `error` (exit codes and the error a command stops with) is shared by
//! all four. `tests/layering.rs` checks the imports, and that no stage but
//! `render` writes.
//!
//! Exit codes are stable and documented in `rolecall --help`:
//!
//! | code | meaning |
//! |---|---|
//! | 0 | clean (`check`, `audit`) or Allow (`eval`) |
//! | 1 | findings (`check`, `audit`) or a deny (`eval`) |
//! | 2 | an input could not be read or parsed, or the arguments are wrong |
//!
//! A closed pipe (`rolecall check ... | head`) ends the program quietly with
//! code 0, as ripgrep does.
//!
//! ```
//! // Run a command in-process, as `main` does.
//! let code = rolecall::run(["rolecall", "debug", "parse", "--help"]);
//! assert_eq!(code, 0);
//! ```
#![deny(missing_docs)]

mod args;
mod cmd;
mod error;
mod load;
mod render;

use std::ffi::OsString;

use clap::Parser as _;

pub use error::ExitCode;

/// Answers a stream of `rolecall eval --batch` request lines (the protocol of
/// the README's "Batch protocol"), one JSON line out per line in. This is
/// what `eval --batch` runs on standard input and output; it is public so
/// the batch path can be benchmarked in-process.
///
/// # Errors
///
/// Only when writing the output fails; a bad input line is an `Error` line.
#[doc(hidden)] // public only for the in-process batch bench, not API
pub fn eval_batch(
    input: &mut impl std::io::BufRead,
    output: &mut impl std::io::Write,
) -> std::io::Result<()> {
    cmd::eval::batch::process(input, output).map_err(|e| match e {
        error::CliError::Output(io) => io,
        other => std::io::Error::other(other.to_string()),
    })
}

/// Runs `rolecall eks` with `args` (its options, without the program and command names),
/// writing the report to `output` instead of standard output, and returns the exit code. Public
/// so the 10,000-service-account run can be benchmarked in-process.
///
/// # Errors
///
/// Arguments clap refuses, unreadable input, or a failed write, as their messages.
#[doc(hidden)] // public only for the in-process eks bench, not API
pub fn eks_to<I, T>(args: I, output: &mut impl std::io::Write) -> Result<i32, String>
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    #[derive(clap::Parser)]
    struct Eks {
        #[command(flatten)]
        args: args::EksArgs,
    }
    let eks = Eks::try_parse_from(
        std::iter::once(OsString::from("eks")).chain(args.into_iter().map(Into::into)),
    )
    .map_err(|e| e.to_string())?;
    cmd::eks::run_to(&eks.args, output)
        .map(|code| code.code())
        .map_err(|e| e.to_string())
}

/// Runs the tool with the given arguments (the first is the program name)
/// and returns the process exit code.
pub fn run<I, T>(args: I) -> i32
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let cli = match args::Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            // clap prints help and version to stdout with success, usage
            // errors to stderr with failure.
            let _ = e.print();
            return if e.use_stderr() {
                ExitCode::Error.code()
            } else {
                ExitCode::Clean.code()
            };
        }
    };
    match cmd::dispatch(cli) {
        Ok(code) => code.code(),
        Err(e) if render::is_broken_pipe(&e) => ExitCode::Clean.code(),
        Err(e) => {
            let mut err = anstream::stderr();
            let _ = render::write_error(&mut err, &e);
            ExitCode::Error.code()
        }
    }
}

/// The README's Rust examples, run as doctests so they cannot rot.
#[doc = include_str!("../../../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
