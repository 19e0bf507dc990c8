//! `rolecall diff`.

use std::path::PathBuf;

use clap::Args;

use super::Format;

#[derive(Debug, Args)]
pub(crate) struct DiffArgs {
    /// The trust policy before the change: a file or `-` (a raw policy, URL-encoded policy or
    /// `aws iam get-role` output).
    #[arg(value_name = "OLD")]
    pub old: PathBuf,
    /// The trust policy after the change, in the same forms.
    #[arg(value_name = "NEW")]
    pub new: PathBuf,
    /// Output format: `text` says whether there is new and removed access, each with a
    /// `rolecall explain` line that shows it; `json` is one document: `new_access`, `witnesses`,
    /// `removed_access`, `removed_witnesses` (witnesses are request objects of `eval --batch`).
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}
