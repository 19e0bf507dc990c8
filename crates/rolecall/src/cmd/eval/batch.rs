//! `rolecall eval --batch`: JSON Lines in, JSON Lines out.
//!
//! One output line per input line, in order, written as soon as it is
//! known. A line that cannot be evaluated gives an `Error` line and the
//! stream goes on. The protocol is a public interface documented in the
//! README ("Batch protocol"); change it only compatibly.
//!
//! Identical policies are compiled once: compiled policies are cached by
//! their exact text.

use std::cell::RefCell;
use std::collections::HashMap;
use std::io::{self, BufRead, Write};
use std::rc::Rc;

use rolecall_eval::request::{Context, Request};
use rolecall_eval::{decide, CompiledPolicy, Decision};
use rolecall_policy::parse_document;
use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use crate::error::{parse_error_message, CliError, ExitCode};
use crate::render::eval::statement_ref;
use crate::render::write_json_line;

/// Longest input line accepted. Longer lines are answered with a
/// `line-too-long` error without being held in memory; a policy itself is
/// capped at 1 MiB by the parser, so 4 MiB leaves room for large contexts.
pub(crate) const MAX_LINE_BYTES: usize = 4 * 1024 * 1024;

/// Compiled policies kept at once; the cache is emptied when full. Batches
/// usually repeat a handful of policies, so a simple bound is enough.
const CACHE_CAPACITY: usize = 1024;

/// One request line. Read by [`RequestVisitor`] rather than derived: a derived
/// struct also accepts a positional array (`[42, {...}, "p", "a", {}]`) and
/// `"context": null`, and its errors name Rust types (`struct InputLine`,
/// `untagged enum Actions`) instead of the protocol's members.
struct InputLine<'a> {
    id: Option<&'a RawValue>,
    policy: &'a RawValue,
    principal: String,
    action: Actions,
    context: Option<Context>,
}

/// What a request is, in the words the README's protocol uses.
const REQUEST_SHAPE: &str =
    "an object with members `policy`, `principal`, `action` and optionally `id` and `context`";

/// Only the id, to echo it when the rest of the line is wrong.
#[derive(Deserialize)]
struct IdOnly<'a> {
    #[serde(default, borrow)]
    id: Option<&'a RawValue>,
}

enum Actions {
    One(String),
    Many(Vec<String>),
}

/// The members of a request.
enum Member {
    Id,
    Policy,
    Principal,
    Action,
    Context,
}

impl<'de> Deserialize<'de> for Member {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Member, D::Error> {
        struct MemberVisitor;
        impl Visitor<'_> for MemberVisitor {
            type Value = Member;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a member name")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Member, E> {
                Ok(match v {
                    "id" => Member::Id,
                    "policy" => Member::Policy,
                    "principal" => Member::Principal,
                    "action" => Member::Action,
                    "context" => Member::Context,
                    other => {
                        return Err(E::custom(format_args!(
                            "unknown member `{other}`: a request is {REQUEST_SHAPE}"
                        )))
                    }
                })
            }
        }
        d.deserialize_identifier(MemberVisitor)
    }
}

impl<'de> Deserialize<'de> for InputLine<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<InputLine<'de>, D::Error> {
        d.deserialize_map(RequestVisitor)
    }
}

/// Reads a request object; each member's value with an expectation that
/// names the member.
struct RequestVisitor;

impl<'de> Visitor<'de> for RequestVisitor {
    type Value = InputLine<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REQUEST_SHAPE)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<InputLine<'de>, A::Error> {
        fn once<T, E: de::Error>(slot: &mut Option<T>, name: &str, value: T) -> Result<(), E> {
            match slot.replace(value) {
                Some(_) => Err(E::custom(format_args!("duplicate member `{name}`"))),
                None => Ok(()),
            }
        }
        let (mut id, mut policy, mut principal, mut action, mut context) =
            (None, None, None, None, None);
        while let Some(member) = map.next_key::<Member>()? {
            match member {
                Member::Id => once(&mut id, "id", map.next_value::<&RawValue>()?)?,
                Member::Policy => once(&mut policy, "policy", map.next_value::<&RawValue>()?)?,
                Member::Principal => {
                    once(&mut principal, "principal", map.next_value_seed(PRINCIPAL)?)?;
                }
                Member::Action => once(&mut action, "action", map.next_value_seed(ActionSeed)?)?,
                Member::Context => {
                    once(&mut context, "context", map.next_value_seed(ContextSeed)?)?;
                }
            }
        }
        let missing = |name: &str| de::Error::custom(format_args!("missing member `{name}`"));
        Ok(InputLine {
            // `"id": null` is an id like any other: it is echoed.
            id,
            policy: policy.ok_or_else(|| missing("policy"))?,
            principal: principal.ok_or_else(|| missing("principal"))?,
            action: action.ok_or_else(|| missing("action"))?,
            context,
        })
    }
}

/// The visit methods of a member's visitor for the JSON kinds it does not
/// accept, with errors in the protocol's words ("found an array"), where
/// serde's defaults say "invalid type: sequence".
macro_rules! refuse {
    ($($kind:ident),*) => { $(refuse!(@ $kind);)* };
    (@ bool) => {
        fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
            Err(found(&self, "a boolean"))
        }
    };
    (@ number) => {
        fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
            Err(found(&self, "a number"))
        }
        fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
            Err(found(&self, "a number"))
        }
        fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
            Err(found(&self, "a number"))
        }
    };
    (@ null) => {
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Err(found(&self, "null"))
        }
    };
    (@ string) => {
        fn visit_str<E: de::Error>(self, _: &str) -> Result<Self::Value, E> {
            Err(found(&self, "a string"))
        }
    };
    (@ array) => {
        fn visit_seq<A: SeqAccess<'de>>(self, _: A) -> Result<Self::Value, A::Error> {
            Err(found(&self, "an array"))
        }
    };
    (@ object) => {
        fn visit_map<A: MapAccess<'de>>(self, _: A) -> Result<Self::Value, A::Error> {
            Err(found(&self, "an object"))
        }
    };
}

/// "expected member `x` to be ..., found an array".
fn found<E: de::Error>(expected: &dyn de::Expected, what: &str) -> E {
    E::custom(format_args!("expected {expected}, found {what}"))
}

/// A string member (`principal`, or an entry of an `action` array); `what`
/// completes "expected ..." in the error.
struct StringSeed {
    what: &'static str,
}

/// `principal`: a string.
const PRINCIPAL: StringSeed = StringSeed {
    what: "member `principal` to be a string",
};

/// One entry of an `action` array: a string.
const ACTION_ITEM: StringSeed = StringSeed {
    what: "each entry of member `action` to be a string",
};

impl<'de> DeserializeSeed<'de> for StringSeed {
    type Value = String;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<String, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for StringSeed {
    type Value = String;
    refuse!(bool, number, null, array, object);
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.what)
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<String, E> {
        Ok(v.to_owned())
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<String, E> {
        Ok(v)
    }
}

/// `action`: a string or an array of strings.
struct ActionSeed;

impl<'de> DeserializeSeed<'de> for ActionSeed {
    type Value = Actions;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Actions, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ActionSeed {
    type Value = Actions;
    refuse!(bool, number, null, object);
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("member `action` to be a string or an array of strings")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Actions, E> {
        Ok(Actions::One(v.to_owned()))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Actions, E> {
        Ok(Actions::One(v))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Actions, A::Error> {
        let mut list = Vec::new();
        while let Some(a) = seq.next_element_seed(ACTION_ITEM)? {
            list.push(a);
        }
        Ok(Actions::Many(list))
    }
}

/// `context`: an object (not `null`: leaving the member out is how a request
/// has no context).
struct ContextSeed;

impl<'de> DeserializeSeed<'de> for ContextSeed {
    type Value = Context;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Context, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ContextSeed {
    type Value = Context;
    refuse!(bool, number, null, string, array);
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("member `context` to be an object of condition keys (leave it out for none)")
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Context, A::Error> {
        Context::deserialize(de::value::MapAccessDeserializer::new(map))
    }
}

/// What a line that is not an object holds, by its first byte; `None` for
/// an object or for text that is not JSON (serde_json says where it breaks).
fn not_an_object(text: &str) -> Option<&'static str> {
    Some(match text.trim_start().bytes().next()? {
        b'[' => "an array",
        b'"' => "a string",
        b'-' | b'0'..=b'9' => "a number",
        b't' | b'f' => "a boolean",
        b'n' => "null",
        _ => return None,
    })
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

/// Input buffer: large enough that a file or a fast producer is read in few
/// calls, each of which flushes the answers so far (see [`FlushBeforeRead`]).
const INPUT_BUFFER: usize = 64 * 1024;

pub(crate) fn run() -> Result<ExitCode, CliError> {
    let out = RefCell::new(io::BufWriter::new(io::stdout().lock()));
    let mut input = io::BufReader::with_capacity(
        INPUT_BUFFER,
        FlushBeforeRead {
            input: io::stdin().lock(),
            out: &out,
        },
    );
    process(&mut input, &mut SharedOut(&out))?;
    SharedOut(&out).flush()?;
    Ok(ExitCode::Clean)
}

/// Standard input that flushes the answers written so far before every
/// read: a read is where rolecall may wait for its client, and a client that
/// writes one request and waits for its answer must have it by then (the
/// README: each line is written "as soon as it is known"). Reads happen only
/// when the input buffer is empty, so a file or a fast producer costs one
/// flush per [`INPUT_BUFFER`] bytes, where flushing after every line would
/// cost a `write` call per line (BENCHMARKS.md, "batch output flushing").
struct FlushBeforeRead<'a, R, W: Write> {
    input: R,
    out: &'a RefCell<W>,
}

impl<R: io::Read, W: Write> io::Read for FlushBeforeRead<'_, R, W> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        SharedOut(self.out).flush()?;
        self.input.read(buf)
    }
}

/// The output, shared with [`FlushBeforeRead`]; never borrowed twice at once
/// (the reader flushes between answers), and an error rather than a panic if
/// it were.
struct SharedOut<'a, W>(&'a RefCell<W>);

impl<W: Write> Write for SharedOut<'_, W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0
            .try_borrow_mut()
            .map_err(io::Error::other)?
            .write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.0.try_borrow_mut().map_err(io::Error::other)?.flush()
    }
}

/// Answers every line of `input` on `out`.
pub(crate) fn process(input: &mut impl BufRead, out: &mut impl Write) -> Result<(), CliError> {
    let mut cache: HashMap<Box<str>, Result<Rc<CompiledPolicy>, LineError>> = HashMap::new();
    let mut line = Vec::new();
    while let Some(status) = read_line_bounded(input, &mut line, MAX_LINE_BYTES)? {
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
        write_json_line(out, &answer.0)?;
    }
    Ok(())
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
    if let Some(what) = not_an_object(text) {
        // Not JSON at all (`nul`) still says "a request is an object".
        let err = LineError::new(
            "json",
            format!("invalid request line: expected {REQUEST_SHAPE}, found {what}"),
        )
        .at(1, (text.len() - text.trim_start().len() + 1) as u64);
        return error_line(None, err);
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
    let decision = Decision::combine(results.iter().map(|(_, o)| o.decision));
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
        decision: Decision::as_str(decision),
        statements: refs(&statements),
        actions: listed.then(|| {
            results
                .iter()
                .map(|(r, o)| ActionLine {
                    action: r.action().to_owned(),
                    decision: Decision::as_str(o.decision),
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
        LineError::new("policy", parse_error_message(&e))
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

    /// Requests are objects: a positional array (which a derived struct
    /// reads field by field) and `"context": null` are refused, and the
    /// errors name the protocol's members, never a Rust type.
    #[test]
    fn requests_are_objects_and_errors_speak_the_protocol() {
        let ok = format!(
            "{{\"policy\":{POLICY},\"principal\":\"accounts.google.com\",\"action\":\"sts:AssumeRoleWithWebIdentity\",\"context\":{{\"accounts.google.com:aud\":\"app\"}}}}"
        );
        let positional = format!(
            "[42, {POLICY}, \"accounts.google.com\", \"sts:AssumeRoleWithWebIdentity\", {{\"accounts.google.com:aud\":\"app\"}}]"
        );
        let with = |member: &str| ok.replacen("{\"policy\"", &format!("{{{member},\"policy\""), 1);
        let cases: Vec<(String, &str)> = vec![
            (positional, "expected an object with members `policy`, `principal`, `action` and optionally `id` and `context`, found an array"),
            ("[1,2]".into(), "found an array"),
            ("  \"x\"".into(), "found a string"),
            ("7".into(), "found a number"),
            ("null".into(), "found null"),
            (ok.replace("\"context\":{\"accounts.google.com:aud\":\"app\"}", "\"context\":null"), "expected member `context` to be an object"),
            (ok.replace("\"action\":\"sts:AssumeRoleWithWebIdentity\"", "\"action\":5"), "expected member `action` to be a string or an array of strings"),
            (ok.replace("\"action\":\"sts:AssumeRoleWithWebIdentity\"", "\"action\":[\"a\",5]"), "expected each entry of member `action` to be a string"),
            (ok.replace("\"principal\":\"accounts.google.com\"", "\"principal\":[]"), "expected member `principal` to be a string"),
            (ok.replace("\"principal\":\"accounts.google.com\",", ""), "missing member `principal`"),
            (with("\"bogus\":1"), "unknown member `bogus`: a request is an object with members"),
            (with("\"action\":\"a\""), "duplicate member `action`"),
        ];
        let input: String = cases.iter().map(|(l, _)| format!("{l}\n")).collect();
        let out = run_lines(&format!("{ok}\n{input}"));
        assert_eq!(out[0]["decision"], "Allow", "{}", out[0]);
        for ((line, expected), got) in cases.iter().zip(&out[1..]) {
            assert_eq!(got["decision"], "Error", "{line}");
            assert_eq!(got["error"]["kind"], "json", "{line}");
            let message = got["error"]["message"].as_str().unwrap();
            assert!(message.contains(expected), "{line}\n{message}");
            for rust in [
                "struct",
                "enum",
                "InputLine",
                "Actions",
                "sequence",
                "field",
            ] {
                assert!(!message.contains(rust), "{line}\n{message}");
            }
        }
        assert_eq!(out[3]["error"]["column"], 3);
        assert_eq!(out.len(), cases.len() + 1);
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
