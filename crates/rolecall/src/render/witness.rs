//! Witness requests (`rolecall-analyze` answers, checked by the evaluator)
//! as `who` and `diff` print them: a request object of the batch protocol
//! (README, "Batch protocol"), which `rolecall eval --batch` replays once a
//! `policy` member is added, and a ready-to-run `rolecall explain` line.

use rolecall_eval::request::{ContextValue, Request};
use serde_json::{json, Map, Value};

/// The request as the batch protocol reads it: `principal`, `action` and
/// `context` (a single value as a string, a list as an array, even with one
/// element or none), and nothing else, since the protocol refuses unknown
/// members.
pub(crate) fn request_json(request: &Request) -> Value {
    let mut context = Map::new();
    for entry in request.context().iter() {
        let value = match entry.value() {
            ContextValue::Single(v) => Value::String(v.clone()),
            ContextValue::Multi(vs) => {
                Value::Array(vs.iter().cloned().map(Value::String).collect())
            }
        };
        context.insert(entry.name().to_owned(), value);
    }
    json!({
        "principal": request.principal(),
        "action": request.action(),
        "context": context,
    })
}

/// One shell word (POSIX `sh` quoting through the `shlex` crate); `None` for
/// text holding a NUL byte, which no shell word can carry.
fn word(text: &str) -> Option<String> {
    shlex::try_quote(text).ok().map(|w| w.into_owned())
}

/// `--name VALUE`, or `--name=VALUE` when the value starts with `-` (clap
/// would read it as an option).
fn option(name: &str, value: &str) -> Option<String> {
    if value.starts_with('-') {
        word(&format!("--{name}={value}"))
    } else {
        Some(format!("--{name} {}", word(value)?))
    }
}

/// A `rolecall explain` command line a POSIX shell runs as written, for the
/// request against the policy file `policy`: `--principal`, `--action` and
/// one `--context KEY=VALUE` per value. A context that repeated `--context`
/// cannot spell (a list of fewer than two values, a key with `=`, a value
/// with a NUL byte) is piped in as JSON with `--context-file -` instead.
/// `None` when the principal, the action or the policy name holds a NUL byte.
pub(crate) fn explain_line(policy: &str, request: &Request) -> Option<String> {
    let mut line = format!(
        "rolecall explain {} {} {}",
        option("policy", policy)?,
        option("principal", request.principal())?,
        option("action", request.action())?,
    );
    let mut pairs = Vec::new();
    let mut spelled = true;
    for entry in request.context().iter() {
        let key = entry.name();
        let values: &[String] = match entry.value() {
            ContextValue::Single(v) => std::slice::from_ref(v),
            ContextValue::Multi(vs) if vs.len() >= 2 => vs,
            ContextValue::Multi(_) => {
                spelled = false;
                break;
            }
        };
        if key.contains('=') {
            spelled = false;
            break;
        }
        for v in values {
            match option("context", &format!("{key}={v}")) {
                Some(o) => pairs.push(o),
                None => {
                    spelled = false;
                    break;
                }
            }
        }
    }
    if spelled {
        for p in pairs {
            line.push(' ');
            line.push_str(&p);
        }
        return Some(line);
    }
    let context = request_json(request)
        .get("context")
        .map(Value::to_string)
        .unwrap_or_default();
    Some(format!(
        "printf '%s\\n' {} | {line} --context-file -",
        word(&context)?
    ))
}
