//! The shared test vectors of `testdata/*.toml` (format: `testdata/README.md`),
//! loaded once into typed [`Vector`]s for every runner: engine, model and CLI.
//!
//! Names must be unique across all files; a duplicate is a load error, so a
//! copy-pasted vector cannot silently shadow another.

use rolecall_model::{ContextValue, Decision, Request};
use serde::Deserialize;
use std::collections::BTreeSet;
use std::fmt;
use std::path::{Path, PathBuf};

/// What a vector expects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Expected {
    /// A decision, with [`Vector::statements`] as the deciding statements.
    Decision(Decision),
    /// Evaluation refuses the input: the policy (docs/DECISIONS.md R1) or the
    /// request (R11) is invalid.
    Invalid,
}

/// One `[[test]]` of a vector file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Vector {
    /// The file it came from (file name only), for messages.
    pub file: String,
    /// The unique name.
    pub name: String,
    /// The policy text, exactly as the parser must see it.
    pub policy: String,
    /// The request principal.
    pub principal: String,
    /// The request action.
    pub action: String,
    /// The context keys in file order (a TOML table keeps no duplicates).
    pub context: Vec<(String, ContextValue)>,
    /// The expected result.
    pub expected: Expected,
    /// The expected deciding statements (empty unless `Allow`/`ExplicitDeny`).
    pub statements: Vec<usize>,
    /// The free-text note, if any.
    pub note: Option<String>,
    /// The token claims the context was derived from, if the vector says
    /// (a JSON object): the engine's token stage must turn them into
    /// exactly [`Vector::principal`] and [`Vector::context`], and the CLI's
    /// `eval --token` must reach [`Vector::expected`] from them.
    pub token: Option<serde_json::Value>,
}

impl Vector {
    /// The request as the reference model takes it (also the request type
    /// the differential checks use).
    pub fn request(&self) -> Request {
        Request {
            principal: self.principal.clone(),
            action: self.action.clone(),
            context: self.context.clone(),
        }
    }
}

/// Why the vectors could not be loaded.
#[derive(Debug)]
#[non_exhaustive]
pub enum VectorError {
    /// A directory or file could not be read.
    Io {
        /// The path.
        path: PathBuf,
        /// The error.
        error: std::io::Error,
    },
    /// A file is not valid vector TOML.
    Toml {
        /// The file.
        path: PathBuf,
        /// The message, with its position.
        message: String,
    },
    /// A `decision` is not one of the four known names.
    UnknownDecision {
        /// The vector.
        name: String,
        /// The value given.
        decision: String,
    },
    /// `statements` is given for a non-deciding outcome or missing for a
    /// deciding one.
    Statements {
        /// The vector.
        name: String,
    },
    /// Two vectors have the same name.
    DuplicateName {
        /// The name.
        name: String,
        /// The file of the second one.
        file: String,
    },
    /// The directory holds no vector file.
    Empty {
        /// The directory.
        dir: PathBuf,
    },
}

impl fmt::Display for VectorError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            VectorError::Io { path, error } => {
                write!(f, "cannot read `{}`: {error}", path.display())
            }
            VectorError::Toml { path, message } => write!(f, "`{}`: {message}", path.display()),
            VectorError::UnknownDecision { name, decision } => {
                write!(f, "vector `{name}`: unknown decision `{decision}`")
            }
            VectorError::Statements { name } => write!(
                f,
                "vector `{name}`: `statements` must be given exactly for `Allow` and `ExplicitDeny`"
            ),
            VectorError::DuplicateName { name, file } => {
                write!(f, "{file}: duplicate vector name `{name}`")
            }
            VectorError::Empty { dir } => write!(f, "no vector file in `{}`", dir.display()),
        }
    }
}

impl std::error::Error for VectorError {}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    test: Vec<RawVector>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawVector {
    name: String,
    policy: String,
    principal: String,
    action: String,
    #[serde(default)]
    context: toml::Table,
    decision: String,
    #[serde(default)]
    statements: Vec<usize>,
    #[serde(default)]
    note: Option<String>,
    #[serde(default)]
    token: Option<String>,
}

/// The repository's `testdata/` directory.
pub fn testdata_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata")
}

/// Loads every vector of the repository's `testdata/*.toml`.
///
/// # Errors
///
/// See [`load_dir`].
pub fn load_all() -> Result<Vec<Vector>, VectorError> {
    load_dir(&testdata_dir())
}

/// Loads every vector of `dir/*.toml`, files in name order.
///
/// # Errors
///
/// A file that cannot be read or is not vector TOML, an unknown decision,
/// `statements` given for the wrong outcome, a duplicate name across all
/// files, or no file at all.
pub fn load_dir(dir: &Path) -> Result<Vec<Vector>, VectorError> {
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |error| VectorError::Io { path, error }
    };
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(io(dir))? {
        let path = entry.map_err(io(dir))?.path();
        if path.extension().is_some_and(|x| x == "toml") {
            files.push(path);
        }
    }
    files.sort();
    if files.is_empty() {
        return Err(VectorError::Empty {
            dir: dir.to_path_buf(),
        });
    }
    let mut names = BTreeSet::new();
    let mut all = Vec::new();
    for path in files {
        let text = std::fs::read_to_string(&path).map_err(io(&path))?;
        let file_name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        for v in parse_file(&text).map_err(|message| VectorError::Toml {
            path: path.clone(),
            message,
        })? {
            let v = typed(v, &file_name)?;
            if !names.insert(v.name.clone()) {
                return Err(VectorError::DuplicateName {
                    name: v.name,
                    file: file_name,
                });
            }
            all.push(v);
        }
    }
    Ok(all)
}

fn parse_file(text: &str) -> Result<Vec<RawVector>, String> {
    toml::from_str::<RawFile>(text)
        .map(|f| f.test)
        .map_err(|e| e.to_string())
}

fn typed(raw: RawVector, file: &str) -> Result<Vector, VectorError> {
    let expected = match raw.decision.as_str() {
        "Allow" => Expected::Decision(Decision::Allow),
        "ImplicitDeny" => Expected::Decision(Decision::ImplicitDeny),
        "ExplicitDeny" => Expected::Decision(Decision::ExplicitDeny),
        "Invalid" => Expected::Invalid,
        _ => {
            return Err(VectorError::UnknownDecision {
                name: raw.name,
                decision: raw.decision,
            })
        }
    };
    let deciding = matches!(
        expected,
        Expected::Decision(Decision::Allow | Decision::ExplicitDeny)
    );
    if deciding == raw.statements.is_empty() {
        return Err(VectorError::Statements { name: raw.name });
    }
    let mut context = Vec::new();
    for (key, value) in raw.context {
        let value = match value {
            toml::Value::String(s) => ContextValue::Single(s),
            toml::Value::Array(items) => {
                let strings: Option<Vec<String>> = items
                    .into_iter()
                    .map(|i| match i {
                        toml::Value::String(s) => Some(s),
                        _ => None,
                    })
                    .collect();
                match strings {
                    Some(s) => ContextValue::Multi(s),
                    None => return Err(toml_error(file, &raw.name, &key)),
                }
            }
            _ => return Err(toml_error(file, &raw.name, &key)),
        };
        context.push((key, value));
    }
    let token = match raw.token {
        None => None,
        Some(text) => match serde_json::from_str::<serde_json::Value>(&text) {
            Ok(v) if v.is_object() => Some(v),
            Ok(_) => return Err(token_error(file, &raw.name, "not a json object".into())),
            Err(e) => return Err(token_error(file, &raw.name, e.to_string())),
        },
    };
    Ok(Vector {
        file: file.to_owned(),
        name: raw.name,
        policy: raw.policy,
        principal: raw.principal,
        action: raw.action,
        context,
        expected,
        statements: raw.statements,
        note: raw.note,
        token,
    })
}

fn token_error(file: &str, name: &str, why: String) -> VectorError {
    VectorError::Toml {
        path: PathBuf::from(file),
        message: format!("vector `{name}`: `token` is not a json object of claims: {why}"),
    }
}

fn toml_error(file: &str, name: &str, key: &str) -> VectorError {
    VectorError::Toml {
        path: PathBuf::from(file),
        message: format!(
            "vector `{name}`: context key `{key}` is not a string or an array of strings"
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dir_with(files: &[(&str, &str)]) -> PathBuf {
        let dir = std::env::temp_dir().join(format!(
            "rolecall-vectors-{}-{}",
            std::process::id(),
            files.len() * 31 + files.first().map_or(0, |f| f.1.len())
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        for (name, text) in files {
            std::fs::write(dir.join(name), text).unwrap();
        }
        dir
    }

    const ONE: &str = r#"
[[test]]
name = "x"
policy = '''{}'''
principal = "p"
action = "a"
context = { k = "v", m = ["a", "b"], e = [] }
decision = "Allow"
statements = [0]
"#;

    #[test]
    fn loads_typed_vectors() {
        let dir = dir_with(&[("a.toml", ONE)]);
        let all = load_dir(&dir).unwrap();
        assert_eq!(all.len(), 1);
        let v = &all[0];
        assert_eq!(v.expected, Expected::Decision(Decision::Allow));
        assert!(v
            .context
            .contains(&("k".into(), ContextValue::Single("v".into()))));
        assert!(v
            .context
            .contains(&("e".into(), ContextValue::Multi(vec![]))));
        assert_eq!(v.file, "a.toml");
    }

    #[test]
    fn rejects_duplicate_names_across_files() {
        let dir = dir_with(&[("a.toml", ONE), ("b.toml", ONE)]);
        assert!(matches!(
            load_dir(&dir),
            Err(VectorError::DuplicateName { name, file }) if name == "x" && file == "b.toml"
        ));
    }

    #[test]
    fn rejects_statements_on_implicit_deny_and_unknown_fields() {
        let bad = ONE.replace("\"Allow\"", "\"ImplicitDeny\"");
        let dir = dir_with(&[("a.toml", &bad)]);
        assert!(matches!(
            load_dir(&dir),
            Err(VectorError::Statements { .. })
        ));
        let bad = ONE.replace("action = \"a\"", "action = \"a\"\nextra = 1");
        let dir = dir_with(&[("c.toml", &bad), ("d.toml", "")]);
        assert!(matches!(load_dir(&dir), Err(VectorError::Toml { .. })));
    }

    #[test]
    fn the_repository_vectors_load() {
        let all = load_all().unwrap();
        assert!(all.len() >= 250, "only {} vectors", all.len());
    }
}
