//! `rolecall explain`.

use clap::Args;

use super::request::RequestArgs;

#[derive(Debug, Args)]
pub(crate) struct ExplainArgs {
    #[command(flatten)]
    pub request: RequestArgs,
}
