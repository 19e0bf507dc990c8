//! What the STS call needs besides the policy: the account's IAM OIDC
//! providers, the issuer's keys, the token and the time of the call.

use std::path::{Path, PathBuf};

use rolecall_sts::{KeySet, ProviderRegistry};

use super::{name_of, read_input, text_of, Kind};
use crate::error::{usage, CliError};

/// `--now`: unix seconds, or a date as IAM's date operators read it.
pub(crate) fn parse_now(now: Option<&str>) -> Result<i64, CliError> {
    let Some(text) = now else {
        let secs = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_err(|e| usage(format!("the system clock is before 1970: {e}")))?
            .as_secs();
        return i64::try_from(secs).map_err(|_| usage("the system clock is out of range"));
    };
    if let Ok(secs) = text.parse::<i64>() {
        return Ok(secs);
    }
    let nanos = rolecall_policy::grammar::date::parse_date(text)
        .map_err(|e| usage(format!("--now `{text}`: {e}")))?;
    i64::try_from(nanos.div_euclid(1_000_000_000))
        .map_err(|_| usage(format!("--now `{text}` is out of range")))
}

/// The IAM OIDC providers of `--providers` files, merged (any form
/// `ProviderRegistry::from_json` reads).
pub(crate) fn load_providers(paths: &[PathBuf]) -> Result<ProviderRegistry, CliError> {
    let mut providers = ProviderRegistry::new();
    for path in paths {
        let registry = ProviderRegistry::from_json(&text_of(path, Kind::Providers)?)
            .map_err(|e| usage(format!("{}: {e}", name_of(path))))?;
        providers
            .merge(registry)
            .map_err(|e| usage(format!("{}: {e}", name_of(path))))?;
    }
    Ok(providers)
}

/// The issuer's keys of `--jwks`: a JWKS file, or a directory mirroring the
/// issuer (`rolecall_sts::KeySet::from_path`).
pub(crate) fn load_keys(path: &Path) -> Result<KeySet, CliError> {
    KeySet::from_path(path).map_err(|e| usage(e.to_string()))
}

/// The web-identity token of `--token`: a file or `-`, as text, trimmed.
pub(crate) fn load_token(path: &Path) -> Result<String, CliError> {
    Ok(text_of(path, Kind::Token)?.trim().to_owned())
}

/// The token text: stdin for `-`, a file when one exists at that path,
/// else the argument itself when it looks like a compact JWT.
pub(crate) fn token_text(arg: &str) -> Result<String, CliError> {
    let path = Path::new(arg);
    // Any existing path but a directory: a pipe such as `<(cat t.jwt)`
    // (`/dev/fd/63`) is read too, bounded as a token.
    if arg == "-" || path.exists() && !path.is_dir() {
        return String::from_utf8(read_input(path, Kind::Token)?)
            .map_err(|_| usage(format!("{arg}: not UTF-8 text")));
    }
    if arg.matches('.').count() == 2 && !arg.contains('/') {
        return Ok(arg.to_owned());
    }
    Err(usage(format!(
        "`{arg}` is neither a file nor a token (header.claims.signature)"
    )))
}
