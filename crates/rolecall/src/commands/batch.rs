//! `rolecall eval --batch`: JSON Lines in, JSON Lines out.
//!
//! One output line per input line, in order, written as soon as it is
//! known. A line that cannot be evaluated gives an `Error` line and the
//! stream goes on. The protocol is a public interface documented in the
//! README ("Batch protocol"); change it only compatibly.
//!
//! Identical policies are compiled once: compiled policies are cached by
//! their exact text.

use std::collections::HashMap;
use std::io::{self, BufRead, Write};
use std::rc::Rc;

use rolecall_eval::request::{Context, Request};
use rolecall_eval::{decide, CompiledPolicy};
use rolecall_policy::parse_document;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use super::eval::{combine, decision_name, statement_ref};
use crate::output::{CliError, ExitCode};

/// Longest input line accepted. Longer lines are answered with a
/// `line-too-long` error without being held in memory; a policy itself is
/// capped at 1 MiB by the parser, so 4 MiB leaves room for large contexts.
pub(crate) const MAX_LINE_BYTES: usize = 4 * 1024 * 1024;

/// Compiled policies kept at once; the cache is emptied when full. Batches
/// usually repeat a handful of policies, so a simple bound is enough.
const CACHE_CAPACITY: usize = 1024;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct InputLine<'a> {
    #[serde(default, borrow)]
    id: Option<&'a RawValue>,
    #[serde(borrow)]
    policy: &'a RawValue,
    principal: String,
    action: Actions,
    #[serde(default)]
    context: Option<Context>,
}

/// Only the id, to echo it when the rest of the line is wrong.
#[derive(Deserialize)]
struct IdOnly<'a> {
    #[serde(default, borrow)]
    id: Option<&'a RawValue>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum Actions {
    One(String),
    Many(Vec<String>),
}

#[derive(Serialize)]
struct OutputLine<'a> {
    id: Option<&'a RawValue>,
    decision: &'static str,
    statements: Vec<serde_json::Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    actions: Option<Vec<ActionLine>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<LineError>,
}

#[derive(Serialize)]
struct ActionLine {
    action: String,
    decision: &'static str,
    statements: Vec<serde_json::Value>,
}

/// Why a line gave `Error`; `line`/`column` are within the policy value for
/// policy errors, within the input line otherwise.
#[derive(Debug, Serialize, Clone)]
struct LineError {
    kind: &'static str,
    message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    line: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    column: Option<u64>,
}

impl LineError {
    fn new(kind: &'static str, message: impl Into<String>) -> Self {
        LineError {
            kind,
            message: message.into(),
            line: None,
            column: None,
        }
    }

    fn at(mut self, line: u64, column: u64) -> Self {
        self.line = Some(line);
        self.column = Some(column);
        self
    }
}

pub(crate) fn run() -> Result<ExitCode, CliError> {
    let stdin = io::stdin();
    let mut input = stdin.lock();
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    process(&mut input, &mut out)?;
    out.flush()?;
    Ok(ExitCode::Clean)
}

/// Answers every line of `input` on `out`.
pub(crate) fn process(input: &mut impl BufRead, out: &mut impl Write) -> Result<(), CliError> {
    let mut cache: HashMap<Box<str>, Result<Rc<CompiledPolicy>, LineError>> = HashMap::new();
    let mut line = Vec::new();
    loop {
        // Flush before a read that may block, so a client that writes one
        // line and waits for the answer gets it; a file is answered in bulk.
        if input.fill_buf().map(|b| b.is_empty()).unwrap_or(true) || input_is_drained(input) {
            out.flush()?;
        }
        let Some(status) = read_line_bounded(input, &mut line, MAX_LINE_BYTES)? else {
            break;
        };
        let answer = match status {
            LineStatus::TooLong => error_line(
                None,
                LineError::new(
                    "line-too-long",
                    format!("line is longer than {MAX_LINE_BYTES} bytes"),
                ),
            ),
            LineStatus::Complete => answer(&line, &mut cache),
        };
        serde_json::to_writer(&mut *out, &answer.0).map_err(io::Error::from)?;
        out.write_all(b"\n")?;
    }
    Ok(())
}

fn input_is_drained(input: &mut impl BufRead) -> bool {
    input.fill_buf().map(|b| b.is_empty()).unwrap_or(true)
}

/// An output line, owning what it borrows from the input line.
struct Answer<'a>(OutputLine<'a>);

fn error_line(id: Option<&RawValue>, e: LineError) -> Answer<'_> {
    Answer(OutputLine {
        id,
        decision: "Error",
        statements: Vec::new(),
        actions: None,
        error: Some(e),
    })
}

fn answer<'a>(
    bytes: &'a [u8],
    cache: &mut HashMap<Box<str>, Result<Rc<CompiledPolicy>, LineError>>,
) -> Answer<'a> {
    let Ok(text) = std::str::from_utf8(bytes) else {
        return error_line(None, LineError::new("encoding", "line is not UTF-8"));
    };
    if text.trim().is_empty() {
        return error_line(None, LineError::new("empty-line", "empty line"));
    }
    let parsed: InputLine<'a> = match serde_json::from_str(text) {
        Ok(p) => p,
        Err(e) => {
            let id = serde_json::from_str::<IdOnly<'a>>(text)
                .ok()
                .and_then(|i| i.id);
            let err = LineError::new("json", format!("invalid request line: {e}"))
                .at(e.line() as u64, e.column() as u64);
            return error_line(id, err);
        }
    };
    let id = parsed.id;
    let policy = match cache.get(parsed.policy.get()) {
        Some(cached) => cached.clone(),
        None => {
            let compiled = compile(parsed.policy);
            if cache.len() >= CACHE_CAPACITY {
                cache.clear();
            }
            cache.insert(parsed.policy.get().into(), compiled.clone());
            compiled
        }
    };
    let policy = match policy {
        Ok(p) => p,
        Err(e) => return error_line(id, e),
    };
    let (actions, listed) = match parsed.action {
        Actions::One(a) => (vec![a], false),
        Actions::Many(list) if list.is_empty() => {
            return error_line(id, LineError::new("request", "`action` is an empty list"))
        }
        Actions::Many(list) => (list, true),
    };
    let context = parsed.context.unwrap_or_default();
    let mut results = Vec::with_capacity(actions.len());
    for action in actions {
        let request = Request::new(parsed.principal.clone(), action, context.clone());
        let outcome = decide(&policy, &request);
        results.push((request, outcome));
    }
    let decision = combine(results.iter().map(|(_, o)| o.decision));
    // The statements that decided the call: for Allow every allowing
    // statement, for a deny those of the actions that were denied that way.
    let mut statements: Vec<usize> = results
        .iter()
        .filter(|(_, o)| o.decision == decision)
        .flat_map(|(_, o)| o.statements.iter().copied())
        .collect();
    statements.sort_unstable();
    statements.dedup();
    let refs = |list: &[usize]| list.iter().map(|&i| statement_ref(&policy, i)).collect();
    Answer(OutputLine {
        id,
        decision: decision_name(decision),
        statements: refs(&statements),
        actions: listed.then(|| {
            results
                .iter()
                .map(|(r, o)| ActionLine {
                    action: r.action().to_owned(),
                    decision: decision_name(o.decision),
                    statements: refs(&o.statements),
                })
                .collect()
        }),
        error: None,
    })
}

/// Compiles a policy given as an object or as a string (JSON text or
/// URL-encoded, as AWS APIs return it).
fn compile(raw: &RawValue) -> Result<Rc<CompiledPolicy>, LineError> {
    let text_owned;
    let text = if raw.get().starts_with('"') {
        text_owned = serde_json::from_str::<String>(raw.get())
            .map_err(|e| LineError::new("json", format!("invalid policy string: {e}")))?;
        text_owned.as_str()
    } else {
        raw.get()
    };
    let doc = parse_document(text).map_err(|e| {
        LineError::new("policy", super::check::parse_error_message(&e))
            .at(u64::from(e.line()), u64::from(e.column()))
    })?;
    CompiledPolicy::compile(&doc.policy)
        .map(Rc::new)
        .map_err(|e| {
            let span = e.span();
            let message = match e.findings().first() {
                Some(f) => format!("policy is refused: {} [{}]", f.message, f.rule),
                None => e.to_string(),
            };
            LineError::new("compile", message).at(u64::from(span.line), u64::from(span.column))
        })
}

enum LineStatus {
    Complete,
    TooLong,
}

/// Reads one line (without its `\n` or `\r\n`) into `buf`, keeping at most
/// `max` bytes: the rest of a longer line is skipped, not stored.
fn read_line_bounded(
    input: &mut impl BufRead,
    buf: &mut Vec<u8>,
    max: usize,
) -> io::Result<Option<LineStatus>> {
    buf.clear();
    let mut too_long = false;
    let mut read_any = false;
    loop {
        let available = input.fill_buf()?;
        if available.is_empty() {
            break;
        }
        read_any = true;
        let (chunk, used, done) = match available.iter().position(|&b| b == b'\n') {
            Some(i) => (available.get(..i).unwrap_or_default(), i + 1, true),
            None => (available, available.len(), false),
        };
        if !too_long {
            if buf.len() + chunk.len() > max {
                too_long = true;
                buf.clear();
            } else {
                buf.extend_from_slice(chunk);
            }
        }
        input.consume(used);
        if done {
            break;
        }
    }
    if !read_any {
        return Ok(None);
    }
    if too_long {
        return Ok(Some(LineStatus::TooLong));
    }
    if buf.last() == Some(&b'\r') {
        buf.pop();
    }
    Ok(Some(LineStatus::Complete))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run_lines(input: &str) -> Vec<serde_json::Value> {
        let mut out = Vec::new();
        process(&mut io::Cursor::new(input.as_bytes()), &mut out).unwrap();
        String::from_utf8(out)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    }

    const POLICY: &str = r#"{"Version":"2012-10-17","Statement":[{"Sid":"Ci","Effect":"Allow","Principal":{"Federated":"accounts.google.com"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"accounts.google.com:aud":"app"}}}]}"#;

    #[test]
    fn one_answer_per_line_in_order_and_errors_do_not_stop_the_stream() {
        let input = format!(
            "{{\"id\":1,\"policy\":{POLICY},\"principal\":\"accounts.google.com\",\"action\":\"sts:AssumeRoleWithWebIdentity\",\"context\":{{\"accounts.google.com:aud\":\"app\"}}}}\n\
             \n\
             not json\n\
             {{\"id\":\"x\",\"policy\":{POLICY},\"principal\":\"accounts.google.com\",\"action\":\"sts:AssumeRoleWithWebIdentity\",\"context\":{{\"accounts.google.com:aud\":\"other\"}}}}\r\n\
             {{\"id\":[2],\"policy\":{POLICY},\"principal\":\"p\",\"action\":\"a\",\"bogus\":1}}\n"
        );
        let out = run_lines(&input);
        assert_eq!(out.len(), 5);
        assert_eq!(out[0]["id"], 1);
        assert_eq!(out[0]["decision"], "Allow");
        assert_eq!(out[0]["statements"], serde_json::json!(["Ci"]));
        assert_eq!(out[1]["decision"], "Error");
        assert_eq!(out[1]["error"]["kind"], "empty-line");
        assert_eq!(out[2]["error"]["kind"], "json");
        assert_eq!(out[2]["error"]["line"], 1);
        assert_eq!(out[3]["id"], "x");
        assert_eq!(out[3]["decision"], "ImplicitDeny");
        assert_eq!(out[3]["statements"], serde_json::json!([]));
        assert_eq!(out[4]["id"], serde_json::json!([2]));
        assert_eq!(out[4]["error"]["kind"], "json");
    }

    #[test]
    fn policy_errors_carry_their_position_and_kind() {
        let dup = r#"{"Version":"2012-10-17","Statement":[],"Statement":[]}"#;
        let refused = r#"{"Version":"2012-10-17","Statement":[{"Effect":"allow","Principal":"*","Action":"sts:AssumeRole"}]}"#;
        let input = format!(
            "{{\"policy\":{dup},\"principal\":\"p\",\"action\":\"a\"}}\n{{\"policy\":{refused},\"principal\":\"p\",\"action\":\"a\"}}\n"
        );
        let out = run_lines(&input);
        assert_eq!(out[0]["error"]["kind"], "policy");
        assert_eq!(out[0]["error"]["column"], 40);
        assert_eq!(out[1]["error"]["kind"], "compile");
        assert!(out[1]["error"]["message"]
            .as_str()
            .unwrap()
            .contains("TPV-EFFECT"));
    }

    #[test]
    fn string_policies_and_action_lists() {
        let encoded = serde_json::to_string(POLICY).unwrap();
        let input = format!(
            "{{\"policy\":{encoded},\"principal\":\"accounts.google.com\",\"action\":[\"sts:AssumeRoleWithWebIdentity\",\"sts:TagSession\"],\"context\":{{\"accounts.google.com:aud\":\"app\"}}}}\n"
        );
        let out = run_lines(&input);
        assert_eq!(out[0]["decision"], "ImplicitDeny");
        assert_eq!(out[0]["actions"][0]["decision"], "Allow");
        assert_eq!(out[0]["actions"][1]["decision"], "ImplicitDeny");
        assert_eq!(out[0]["id"], serde_json::Value::Null);
    }

    #[test]
    fn an_overlong_line_is_answered_without_being_kept() {
        let mut input = vec![b'x'; MAX_LINE_BYTES + 10];
        input.push(b'\n');
        input.extend_from_slice(b"{}\n");
        let mut out = Vec::new();
        process(&mut io::Cursor::new(input), &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        let lines: Vec<serde_json::Value> = text
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0]["error"]["kind"], "line-too-long");
        assert_eq!(lines[1]["error"]["kind"], "json");
    }

    #[test]
    fn compiled_policies_are_reused() {
        let mut cache = HashMap::new();
        let line = format!(
            "{{\"policy\":{POLICY},\"principal\":\"accounts.google.com\",\"action\":\"sts:AssumeRoleWithWebIdentity\"}}"
        );
        let _ = answer(line.as_bytes(), &mut cache);
        let first = cache.values().next().unwrap().clone().unwrap();
        let _ = answer(line.as_bytes(), &mut cache);
        assert_eq!(cache.len(), 1);
        let second = cache.values().next().unwrap().clone().unwrap();
        assert!(Rc::ptr_eq(&first, &second));
    }
}
