//! The issuer's signing keys, offline (docs/SEMANTICS.md §5.3 step 3).
//!
//! STS fetches `<iss>/.well-known/openid-configuration`, then the JSON Web
//! Key Set its `jwks_uri` names, and picks the key whose `kid` the token
//! header names. rolecall reads the same documents from disk:
//!
//! * [`KeySet::from_jwks_json`]: the JWKS text itself (`{"keys": [...]}`);
//! * [`KeySet::from_path`] on a file: the same, read from the file;
//! * [`KeySet::from_path`] on a directory: a mirror of the issuer, holding
//!   `.well-known/openid-configuration` and the JWKS file its `jwks_uri`
//!   names. The URL's path is resolved relative to the directory, after
//!   removing the issuer's own path: EKS (`https://oidc.eks.<region>.amazonaws.com/id/<ID>`)
//!   serves `<issuer>/keys`, so the file is `<dir>/keys`; GitHub serves
//!   `<issuer>/.well-known/jwks`, so it is `<dir>/.well-known/jwks`.
//!
//! Reading is strict: no member name twice in any object of either
//! document, only a `keys` member at the top level, each key a well-formed
//! JWK, and a discovery document that names its `issuer` (OpenID Connect
//! Discovery 1.0 section 3: REQUIRED); errors carry the file, line and
//! column. The call refuses a mirror whose `issuer` is not the token's
//! `iss` ([`KeySet::discovery_issuer`]).

use std::fs;
use std::path::{Component, Path, PathBuf};

use jsonwebtoken::jwk::{AlgorithmParameters, Jwk};
use serde::Deserialize;

use rolecall_eval::claims::read_json_strict;

use crate::providers::strip_position;

/// A JSON Web Key Set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeySet {
    keys: Vec<Jwk>,
    source: String,
    discovery_issuer: Option<String>,
}

/// Why a key set could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum KeySetError {
    /// A file could not be read.
    #[error("cannot read `{path}`: {message}")]
    Io {
        /// The file.
        path: String,
        /// The system's message.
        message: String,
    },
    /// A document is not JSON, or not of the expected shape.
    #[error("invalid {what} in `{source_name}` at line {line}, column {column}: {message}")]
    Json {
        /// `jwks` or `openid-configuration`.
        what: &'static str,
        /// Where the text came from.
        source_name: String,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What is wrong.
        message: String,
    },
    /// The discovery document's `jwks_uri` is not an `https://` URL with a
    /// path that stays inside the directory.
    #[error("`jwks_uri` `{uri}` in `{source_name}` is not an https url with a plain path")]
    BadJwksUri {
        /// Where the discovery document came from.
        source_name: String,
        /// The URL given.
        uri: String,
    },
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct JwksFile {
    keys: Vec<Jwk>,
}

/// The members of a discovery document rolecall reads; OpenID Connect
/// Discovery defines many more, so others are allowed.
#[derive(Deserialize)]
struct Discovery {
    issuer: String,
    jwks_uri: String,
}

/// The most bytes read from a JWKS or discovery document file: real ones are
/// a few KiB. A read stops one byte past it, so `/dev/zero` or an endless
/// pipe given as `--jwks` costs no more than this.
pub const MAX_DOCUMENT_BYTES: u64 = 1024 * 1024;

fn read(path: &Path) -> Result<String, KeySetError> {
    use std::io::Read as _;
    let io = |message: String| KeySetError::Io {
        path: path.display().to_string(),
        message,
    };
    let mut bytes = Vec::new();
    fs::File::open(path)
        .and_then(|f| f.take(MAX_DOCUMENT_BYTES + 1).read_to_end(&mut bytes))
        .map_err(|e| io(e.to_string()))?;
    if u64::try_from(bytes.len()).unwrap_or(u64::MAX) > MAX_DOCUMENT_BYTES {
        return Err(io(format!(
            "larger than the {MAX_DOCUMENT_BYTES}-byte limit for a key set or discovery document"
        )));
    }
    String::from_utf8(bytes).map_err(|_| io("not UTF-8 text".to_owned()))
}

/// Refuses a member name repeated anywhere in the document (serde_json
/// keeps the last one, even inside a JWK, whose fields are flattened).
fn check_duplicates(what: &'static str, source_name: &str, text: &str) -> Result<(), KeySetError> {
    match read_json_strict(text.as_bytes()) {
        Ok(_) => Ok(()),
        Err(e) => Err(KeySetError::Json {
            what,
            source_name: source_name.to_owned(),
            line: e.line,
            column: e.column,
            message: e.message,
        }),
    }
}

fn json_error(what: &'static str, source_name: &str, e: &serde_json::Error) -> KeySetError {
    KeySetError::Json {
        what,
        source_name: source_name.to_owned(),
        line: e.line(),
        column: e.column(),
        message: strip_position(&e.to_string()),
    }
}

/// The file under `dir` that serves `jwks_uri` for an issuer mirrored at
/// `dir`: the URL path, less the issuer's path when the URL is below it.
fn jwks_file(dir: &Path, issuer: Option<&str>, jwks_uri: &str) -> Option<PathBuf> {
    let rest = match issuer {
        Some(iss) if jwks_uri.starts_with(iss) => jwks_uri.get(iss.len()..)?,
        _ => {
            let after_scheme = jwks_uri.strip_prefix("https://")?;
            after_scheme.find('/').and_then(|i| after_scheme.get(i..))?
        }
    };
    if !jwks_uri.starts_with("https://") || rest.contains(['?', '#']) {
        return None;
    }
    let relative = Path::new(rest.trim_start_matches('/'));
    // Only plain names: a `..` or an absolute part could leave the mirror.
    let plain = relative
        .components()
        .all(|c| matches!(c, Component::Normal(_)));
    (plain && relative.components().next().is_some()).then(|| dir.join(relative))
}

impl KeySet {
    /// Reads a JWKS document.
    ///
    /// # Errors
    ///
    /// Not JSON, a member other than `keys`, a key that is not a JWK.
    pub fn from_jwks_json(text: &str, source_name: &str) -> Result<KeySet, KeySetError> {
        check_duplicates("jwks", source_name, text)?;
        let file: JwksFile =
            serde_json::from_str(text).map_err(|e| json_error("jwks", source_name, &e))?;
        Ok(KeySet {
            keys: file.keys,
            source: source_name.to_owned(),
            discovery_issuer: None,
        })
    }

    /// Reads a JWKS file, or an issuer mirror directory (see the module
    /// docs).
    ///
    /// # Errors
    ///
    /// A file that cannot be read, a malformed document, a `jwks_uri` that
    /// is not `https://` or whose path is not plain.
    pub fn from_path(path: &Path) -> Result<KeySet, KeySetError> {
        if !path.is_dir() {
            return KeySet::from_jwks_json(&read(path)?, &path.display().to_string());
        }
        let config_path = path.join(".well-known").join("openid-configuration");
        let config_name = config_path.display().to_string();
        let config = read(&config_path)?;
        check_duplicates("openid-configuration", &config_name, &config)?;
        let discovery: Discovery = serde_json::from_str(&config)
            .map_err(|e| json_error("openid-configuration", &config_name, &e))?;
        let file =
            jwks_file(path, Some(&discovery.issuer), &discovery.jwks_uri).ok_or_else(|| {
                KeySetError::BadJwksUri {
                    source_name: config_name.clone(),
                    uri: discovery.jwks_uri.clone(),
                }
            })?;
        let mut set = KeySet::from_jwks_json(&read(&file)?, &file.display().to_string())?;
        set.discovery_issuer = Some(discovery.issuer);
        Ok(set)
    }

    /// The number of keys.
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// Whether the set has no key.
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// Whether a key has this `kid` (case-sensitive, as JWK `kid`s are).
    pub fn contains(&self, kid: &str) -> bool {
        self.find(kid).is_some()
    }

    /// Where the keys were read from.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// The `issuer` of the discovery document, when read from a directory:
    /// the only issuer whose tokens these keys may verify.
    pub fn discovery_issuer(&self) -> Option<&str> {
        self.discovery_issuer.as_deref()
    }

    /// The key with this `kid` (case-sensitive, as JWK `kid`s are). Crate
    /// private: `jsonwebtoken`'s `Jwk` is not part of this crate's API.
    pub(crate) fn find(&self, kid: &str) -> Option<&Jwk> {
        self.keys
            .iter()
            .find(|k| k.common.key_id.as_deref() == Some(kid))
    }

    /// The `kid` of every key, for messages.
    pub fn kids(&self) -> Vec<String> {
        self.keys
            .iter()
            .map(|k| {
                k.common
                    .key_id
                    .clone()
                    .unwrap_or_else(|| "(none)".to_owned())
            })
            .collect()
    }
}

/// The key type of a JWK, for messages: `RSA`, `EC`, `oct`, `OKP`.
pub(crate) fn key_type(jwk: &Jwk) -> &'static str {
    match jwk.algorithm {
        AlgorithmParameters::RSA(_) => "RSA",
        AlgorithmParameters::EllipticCurve(_) => "EC",
        AlgorithmParameters::OctetKey(_) => "oct",
        AlgorithmParameters::OctetKeyPair(_) => "OKP",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jwks_path_resolution_follows_the_issuer() {
        let dir = Path::new("/m");
        let eks = "https://oidc.eks.us-east-1.amazonaws.com/id/ABC";
        assert_eq!(
            jwks_file(dir, Some(eks), &format!("{eks}/keys")),
            Some(PathBuf::from("/m/keys"))
        );
        let gh = "https://token.actions.githubusercontent.com";
        assert_eq!(
            jwks_file(dir, Some(gh), &format!("{gh}/.well-known/jwks")),
            Some(PathBuf::from("/m/.well-known/jwks"))
        );
        // Another host: the URL path as is.
        assert_eq!(
            jwks_file(dir, Some(gh), "https://keys.example.com/jwks.json"),
            Some(PathBuf::from("/m/jwks.json"))
        );
        assert_eq!(
            jwks_file(dir, None, "https://x.example.com/../etc/passwd"),
            None
        );
        assert_eq!(jwks_file(dir, None, "http://x.example.com/keys"), None);
        assert_eq!(jwks_file(dir, Some(gh), gh), None);
    }

    /// serde_json alone keeps the last of two members, even inside a key.
    #[test]
    fn duplicate_members_in_jwks_are_refused() {
        let key = r#"{"kty": "RSA", "kid": "a", "n": "AQAB", "e": "AQAB"}"#;
        assert!(KeySet::from_jwks_json(&format!(r#"{{"keys": [{key}]}}"#), "k.json").is_ok());
        let twice = r#"{"keys": [{"kty": "RSA", "kid": "a",
            "kid": "b", "n": "AQAB", "e": "AQAB"}]}"#;
        match KeySet::from_jwks_json(twice, "k.json").unwrap_err() {
            KeySetError::Json {
                line, ref message, ..
            } => {
                assert_eq!(line, 2);
                assert_eq!(message, "duplicate member `keys[0].kid`");
            }
            ref other => panic!("{other:?}"),
        }
        let e = KeySet::from_jwks_json(&format!(r#"{{"keys": [], "keys": [{key}]}}"#), "k.json")
            .unwrap_err();
        assert!(e.to_string().contains("duplicate member `keys`"), "{e}");
    }

    #[test]
    fn malformed_jwks_is_positioned() {
        let e = KeySet::from_jwks_json("{\"keys\": [],\n  \"extra\": 1}", "k.json").unwrap_err();
        match e {
            KeySetError::Json {
                line, ref message, ..
            } => {
                assert_eq!(line, 2);
                assert!(message.contains("unknown field `extra`"), "{message}");
            }
            ref other => panic!("{other:?}"),
        }
        let e = KeySet::from_jwks_json(r#"{"keys": [{"kty": "RSA", "kid": "a"}]}"#, "k.json")
            .unwrap_err();
        assert!(matches!(e, KeySetError::Json { line: 1, .. }), "{e:?}");
        assert!(
            e.to_string()
                .starts_with("invalid jwks in `k.json` at line 1"),
            "{e}"
        );
    }
}
