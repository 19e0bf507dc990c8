//! Reading the inputs: the second stage of the one-way flow
//! `args` -> `load` -> `cmd` -> `render` (see `lib.rs`).
//!
//! This is the one place that reads what the command line names: files and
//! standard input within their limits and directory walks ([`files`]),
//! policies in every input form and account dumps ([`policy`]), requests and
//! tokens for `eval`/`explain` ([`request`]), providers, keys and the time
//! of an STS call ([`sts`]), GitHub `sub` templates ([`github`]), an EKS
//! cluster's inputs ([`eks`]) and `audit`'s configuration and baseline
//! ([`audit`]). Errors are [`CliError::Usage`] naming the input (exit
//! code 2). Nothing here imports a command or renders output.

pub(crate) mod audit;
pub(crate) mod eks;
pub(crate) mod files;
pub(crate) mod github;
pub(crate) mod policy;
pub(crate) mod request;
pub(crate) mod sts;

use std::path::Path;

pub(crate) use files::{Kind, STDIN_NAME};

use crate::error::{usage, CliError};

/// The name of an input in messages: its path, or [`STDIN_NAME`] for `-`.
pub(crate) fn name_of(path: &Path) -> String {
    if path.as_os_str() == "-" {
        STDIN_NAME.to_owned()
    } else {
        path.display().to_string()
    }
}

/// Reads a file, or standard input for `-`, within the limit of `kind`
/// ([`files::read`]); errors name the input.
pub(crate) fn read_input(path: &Path, kind: Kind) -> Result<Vec<u8>, CliError> {
    files::read(path, kind).map_err(|e| usage(format!("{}: cannot read input: {e}", name_of(path))))
}

/// [`read_input`], as UTF-8 text.
pub(crate) fn text_of(path: &Path, kind: Kind) -> Result<String, CliError> {
    String::from_utf8(read_input(path, kind)?)
        .map_err(|_| usage(format!("{}: not UTF-8 text", name_of(path))))
}
