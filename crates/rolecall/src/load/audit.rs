//! `audit`'s own inputs besides the audited files: its configuration and
//! a baseline report.

use std::path::Path;

use rolecall_audit::config::Config;
use rolecall_audit::report::Baseline;

use super::files::read_text;
use super::Kind;
use crate::error::CliError;

/// The configuration file looked for in the current directory.
const DEFAULT_CONFIG: &str = ".rolecall.toml";

/// Reads `--baseline FILE`. A baseline that cannot be read or understood stops the run:
/// ignoring it would report the whole estate's findings as new (or, worse, silently hide
/// nothing while the user believes it does).
pub(crate) fn load_baseline(path: &Path) -> Result<Baseline, CliError> {
    let text = read_text(path, Kind::Baseline)
        .map_err(|e| CliError::Usage(format!("{}: cannot use baseline: {e}", path.display())))?;
    Baseline::parse(&text).map_err(|e| {
        CliError::Usage(format!(
            "{}:{}:{}: cannot use baseline: {}",
            path.display(),
            e.line,
            e.column,
            e.message
        ))
    })
}

/// Reads `--config FILE`, or `.rolecall.toml` when present. A configuration
/// that does not parse stops the run: ignoring it would hide suppressions'
/// mistakes and report findings the user asked to silence (or the reverse).
pub(crate) fn load_config(path: Option<&Path>) -> Result<Option<Config>, CliError> {
    let (path, required) = match path {
        Some(p) => (p.to_path_buf(), true),
        None => (Path::new(DEFAULT_CONFIG).to_path_buf(), false),
    };
    let text = match read_text(&path, Kind::Config) {
        Ok(text) => text,
        Err(e) if !required && e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => {
            return Err(CliError::Usage(format!(
                "{}: cannot read configuration: {e}",
                path.display()
            )))
        }
    };
    Config::parse(&text).map(Some).map_err(|e| {
        CliError::Usage(format!(
            "{}:{}:{}: invalid configuration: {}",
            path.display(),
            e.line,
            e.column,
            e.message
        ))
    })
}
