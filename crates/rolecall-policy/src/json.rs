//! A strict, positioned JSON reader.
//!
//! Why not serde_json: it keeps the last of two duplicate member names
//! silently (SEMANTICS.md decision 1 needs them to be an error) and it does
//! not give the position of each value, which every diagnostic needs. A nom
//! grammar was considered; a hand-written recursive descent over bytes is
//! as short, checks the nesting depth before each recursion, and keeps line
//! and column tracking incremental, which a combinator stack makes awkward.
//!
//! The reader produces a [`Node`] tree whose strings borrow from the input
//! when they have no escapes. It does not judge member names: the syntax
//! tree builder (`parse.rs`) checks duplicates in every object it reads, with
//! the element context that a good message needs; the get-role wrapper
//! (`input.rs`) is read with the same reader in its loose mode.

use std::borrow::Cow;

use serde_json::Number;

use crate::error::{ParseError, ParseErrorKind};
use crate::span::Span;

/// A JSON value with the span it was read from.
#[derive(Debug)]
pub(crate) struct Node<'a> {
    pub(crate) value: Value<'a>,
    pub(crate) span: Span,
}

/// A JSON value. Objects keep their members in order, duplicates included.
#[derive(Debug)]
pub(crate) enum Value<'a> {
    Null,
    Bool(bool),
    Number(Number),
    String(Cow<'a, str>),
    Array(Vec<Node<'a>>),
    Object(Vec<Member<'a>>),
}

impl Value<'_> {
    /// The JSON type, as a phrase for messages ("a string").
    pub(crate) fn type_name(&self) -> &'static str {
        match self {
            Value::Null => "`null`",
            Value::Bool(_) => "a boolean",
            Value::Number(_) => "a number",
            Value::String(_) => "a string",
            Value::Array(_) => "an array",
            Value::Object(_) => "an object",
        }
    }
}

/// One `"name": value` member of an object.
#[derive(Debug)]
pub(crate) struct Member<'a> {
    pub(crate) key: Cow<'a, str>,
    pub(crate) key_span: Span,
    pub(crate) value: Node<'a>,
}

/// Limits the reader enforces (see [`crate::ParserBuilder`]).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Limits {
    pub(crate) max_depth: usize,
    pub(crate) max_string_len: usize,
}

/// Whether `c` may appear in a policy: TAB, LF, CR and U+0020..=U+00FF
/// (SEMANTICS.md 1.1 "Allowed characters", DECISIONS.md R1 item 2).
pub(crate) fn is_allowed_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{FF}')
}

/// Bytes that end the fast scan of a string's contents: the closing quote,
/// a backslash, control characters and (strict mode) any non-ASCII byte,
/// which must then be checked against the allowed characters.
#[expect(
    clippy::indexing_slicing,
    reason = "i < 256 in the loop, the array's length; evaluated at compile time"
)]
const fn stop_table(strict: bool) -> [bool; 256] {
    let mut t = [false; 256];
    let mut i = 0;
    while i < 256 {
        t[i] = i == b'"' as usize || i == b'\\' as usize || i < 0x20 || (strict && i >= 0x80);
        i += 1;
    }
    t
}
static STOP_STRICT: [bool; 256] = stop_table(true);
static STOP_LOOSE: [bool; 256] = stop_table(false);

/// The number of chars in UTF-8 bytes: every byte that is not a
/// continuation byte (`10xxxxxx`) starts a char.
fn count_chars(bytes: &[u8]) -> u32 {
    let n = bytes.iter().filter(|&&b| (b as i8) >= -0x40).count();
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// Line and column of `offset` in `text`, counted from the start. Used only
/// for errors found outside the reader (UTF-8, percent-encoding), where a
/// single linear scan is fine.
pub(crate) fn line_column(text: &[u8], offset: usize) -> (u32, u32) {
    let before = text.get(..offset).unwrap_or(text);
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |p| p + 1);
    let lines = before.iter().filter(|&&b| b == b'\n').count();
    let line = u32::try_from(lines + 1).unwrap_or(u32::MAX);
    let column = count_chars(before.get(line_start..).unwrap_or_default()).saturating_add(1);
    (line, column)
}

/// Where a sub-document starts inside a larger text (the get-role wrapper):
/// the reader reads `start..end` and reports positions in the whole text.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Origin {
    pub(crate) start: usize,
    pub(crate) end: usize,
    pub(crate) line: u32,
    pub(crate) column: u32,
}

/// The reader's state. One reader reads one document.
pub(crate) struct Reader<'a> {
    text: &'a str,
    /// The input up to the end of the region being read.
    bytes: &'a [u8],
    pos: usize,
    strict: bool,
    stop: &'static [bool; 256],
    limits: Limits,
    line: u32,
    /// Offset of the first byte of the current line (or of the region).
    line_start: usize,
    /// Column of `line_start` (1, except at the start of a sub-document).
    line_start_column: u32,
    /// Column cache: `col` is the column of offset `col_pos`, on the current
    /// line. Columns are computed from the cache forward, so computing the
    /// column of each token costs only the bytes since the previous token and
    /// a 1 MiB single-line document stays linear.
    col_pos: usize,
    col: u32,
}

impl<'a> Reader<'a> {
    /// A reader of `text[origin.start..origin.end]`. `strict` enforces the
    /// policy character set; the loose mode accepts any JSON text (used for
    /// the get-role wrapper, whose other fields may hold any characters).
    pub(crate) fn new(text: &'a str, origin: Origin, strict: bool, limits: Limits) -> Self {
        let bytes = text.as_bytes();
        let bytes = bytes.get(..origin.end).unwrap_or(bytes);
        Reader {
            text,
            bytes,
            pos: origin.start,
            strict,
            stop: if strict { &STOP_STRICT } else { &STOP_LOOSE },
            limits,
            line: origin.line,
            line_start: origin.start,
            line_start_column: origin.column,
            col_pos: origin.start,
            col: origin.column,
        }
    }

    /// Reads exactly one JSON value followed only by whitespace.
    pub(crate) fn read_document(mut self) -> Result<Node<'a>, ParseError> {
        self.skip_ws();
        if self.peek().is_none() {
            return Err(self.err_at(self.pos, ParseErrorKind::Empty));
        }
        let node = self.value(0)?;
        self.skip_ws();
        if self.pos < self.bytes.len() {
            let kind = match self.char_at(self.pos) {
                Some(c) if self.strict && !is_allowed_char(c) => {
                    ParseErrorKind::DisallowedCharacter { ch: c }
                }
                _ => ParseErrorKind::TrailingCharacters,
            };
            return Err(self.err_at(self.pos, kind));
        }
        Ok(node)
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn char_at(&self, at: usize) -> Option<char> {
        self.text.get(at..).and_then(|s| s.chars().next())
    }

    /// Line and column of `at`, which must be on the current line.
    fn loc(&mut self, at: usize) -> (u32, u32) {
        if self.col_pos < self.line_start || at < self.col_pos {
            self.col_pos = self.line_start;
            self.col = self.line_start_column;
        }
        if at < self.line_start {
            // Not reached: positions are only asked for on the current line.
            return line_column(self.text.as_bytes(), at);
        }
        let seg = self.bytes.get(self.col_pos..at).unwrap_or_default();
        self.col = self.col.saturating_add(count_chars(seg));
        self.col_pos = at;
        (self.line, self.col)
    }

    fn err_at(&mut self, at: usize, kind: ParseErrorKind) -> ParseError {
        let (line, column) = self.loc(at);
        ParseError::new(kind, at, line, column)
    }

    /// The error for an unexpected byte at the current position (or end).
    fn unexpected(&mut self, expected: &'static str) -> ParseError {
        let at = self.pos;
        let kind = match self.char_at(at) {
            None => ParseErrorKind::UnexpectedEnd { expected },
            Some(c) if self.strict && !is_allowed_char(c) => {
                ParseErrorKind::DisallowedCharacter { ch: c }
            }
            Some(found) => ParseErrorKind::UnexpectedCharacter { found, expected },
        };
        self.err_at(at, kind)
    }

    fn skip_ws(&mut self) {
        while let Some(b) = self.peek() {
            match b {
                b' ' | b'\t' | b'\r' => self.pos += 1,
                b'\n' => {
                    self.pos += 1;
                    self.line = self.line.saturating_add(1);
                    self.line_start = self.pos;
                    self.line_start_column = 1;
                }
                _ => break,
            }
        }
    }

    fn span(&self, start: usize, (line, column): (u32, u32)) -> Span {
        Span {
            start,
            end: self.pos,
            line,
            column,
        }
    }

    /// Reads a value at the current position. `depth` is the number of
    /// arrays and objects open around it.
    fn value(&mut self, depth: usize) -> Result<Node<'a>, ParseError> {
        self.skip_ws();
        let start = self.pos;
        let lc = self.loc(start);
        let value = match self.peek() {
            Some(b'{') | Some(b'[') => {
                // Checked before recursing, so deep input is an error and
                // never a stack overflow.
                if depth >= self.limits.max_depth {
                    let limit = self.limits.max_depth;
                    return Err(self.err_at(start, ParseErrorKind::TooDeep { limit }));
                }
                if self.peek() == Some(b'{') {
                    self.object(depth + 1)?
                } else {
                    self.array(depth + 1)?
                }
            }
            Some(b'"') => Value::String(self.string()?),
            Some(b't') => self.literal(b"true", Value::Bool(true))?,
            Some(b'f') => self.literal(b"false", Value::Bool(false))?,
            Some(b'n') => self.literal(b"null", Value::Null)?,
            Some(b'-' | b'0'..=b'9') => Value::Number(self.number()?),
            _ => return Err(self.unexpected("a JSON value")),
        };
        Ok(Node {
            value,
            span: self.span(start, lc),
        })
    }

    fn literal(&mut self, word: &[u8], value: Value<'a>) -> Result<Value<'a>, ParseError> {
        let end = self.pos + word.len();
        if self.bytes.get(self.pos..end) == Some(word) {
            self.pos = end;
            Ok(value)
        } else {
            Err(self.unexpected("a JSON value"))
        }
    }

    fn object(&mut self, depth: usize) -> Result<Value<'a>, ParseError> {
        self.pos += 1; // `{`
        let mut members = Vec::new();
        self.skip_ws();
        if self.peek() == Some(b'}') {
            self.pos += 1;
            return Ok(Value::Object(members));
        }
        loop {
            self.skip_ws();
            if self.peek() != Some(b'"') {
                return Err(self.unexpected("a member name in double quotes"));
            }
            let key_start = self.pos;
            let key_lc = self.loc(key_start);
            let key = self.string()?;
            let key_span = self.span(key_start, key_lc);
            self.skip_ws();
            if self.peek() != Some(b':') {
                return Err(self.unexpected("`:`"));
            }
            self.pos += 1;
            let value = self.value(depth)?;
            members.push(Member {
                key,
                key_span,
                value,
            });
            self.skip_ws();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b'}') => {
                    self.pos += 1;
                    return Ok(Value::Object(members));
                }
                _ => return Err(self.unexpected("`,` or `}`")),
            }
        }
    }

    fn array(&mut self, depth: usize) -> Result<Value<'a>, ParseError> {
        self.pos += 1; // `[`
        let mut items = Vec::new();
        self.skip_ws();
        if self.peek() == Some(b']') {
            self.pos += 1;
            return Ok(Value::Array(items));
        }
        loop {
            items.push(self.value(depth)?);
            self.skip_ws();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b']') => {
                    self.pos += 1;
                    return Ok(Value::Array(items));
                }
                _ => return Err(self.unexpected("`,` or `]`")),
            }
        }
    }

    /// Reads a string starting at its opening quote. Borrows from the input
    /// when there is no escape.
    fn string(&mut self) -> Result<Cow<'a, str>, ParseError> {
        let quote = self.pos;
        self.pos += 1;
        let mut owned: Option<String> = None;
        let mut run_start = self.pos;
        loop {
            // Fast scan over ordinary bytes.
            while let Some(&b) = self.bytes.get(self.pos) {
                // A u8 index is always below 256: `get` compiles to a plain load.
                if self.stop.get(usize::from(b)).copied().unwrap_or(true) {
                    break;
                }
                self.pos += 1;
            }
            let Some(b) = self.peek() else {
                return Err(self.err_at(
                    quote,
                    ParseErrorKind::UnexpectedEnd {
                        expected: "`\"` to close the string",
                    },
                ));
            };
            match b {
                b'"' => {
                    let run = self.slice(run_start, self.pos);
                    self.pos += 1;
                    let s = match owned {
                        None => Cow::Borrowed(run),
                        Some(mut s) => {
                            s.push_str(run);
                            Cow::Owned(s)
                        }
                    };
                    if s.len() > self.limits.max_string_len {
                        let kind = ParseErrorKind::StringTooLong {
                            len: s.len(),
                            limit: self.limits.max_string_len,
                        };
                        return Err(self.err_at(quote, kind));
                    }
                    return Ok(s);
                }
                b'\\' => {
                    let mut buf = owned.take().unwrap_or_default();
                    buf.push_str(self.slice(run_start, self.pos));
                    buf.push(self.escape()?);
                    owned = Some(buf);
                    run_start = self.pos;
                }
                0x00..=0x1F => {
                    let ch = char::from(b);
                    let kind = if self.strict && !is_allowed_char(ch) {
                        ParseErrorKind::DisallowedCharacter { ch }
                    } else {
                        ParseErrorKind::ControlCharacterInString { ch }
                    };
                    return Err(self.err_at(self.pos, kind));
                }
                _ => {
                    // Strict mode, non-ASCII: only U+0080..=U+00FF may appear.
                    let c = self.char_at(self.pos).unwrap_or('\u{FFFD}');
                    if !is_allowed_char(c) {
                        return Err(
                            self.err_at(self.pos, ParseErrorKind::DisallowedCharacter { ch: c })
                        );
                    }
                    self.pos += c.len_utf8();
                }
            }
        }
    }

    /// The text between two offsets that the scanner stopped at. Both are
    /// next to ASCII bytes (quotes, backslashes, escape ends), so they are
    /// char boundaries and the fallback is never taken.
    fn slice(&self, start: usize, end: usize) -> &'a str {
        self.text.get(start..end).unwrap_or_default()
    }

    /// Reads an escape starting at its backslash and returns the char.
    fn escape(&mut self) -> Result<char, ParseError> {
        let at = self.pos;
        let Some(&e) = self.bytes.get(at + 1) else {
            return Err(self.err_at(
                at,
                ParseErrorKind::UnexpectedEnd {
                    expected: "an escape character",
                },
            ));
        };
        self.pos += 2;
        let c = match e {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\u{8}',
            b'f' => '\u{C}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => {
                let hi = self.hex4(at)?;
                match hi {
                    0xD800..=0xDBFF => {
                        // A high surrogate must be followed by `\u` and a
                        // low surrogate.
                        if self.bytes.get(self.pos..self.pos + 2) != Some(b"\\u") {
                            return Err(
                                self.err_at(at, ParseErrorKind::UnpairedSurrogate { code: hi })
                            );
                        }
                        self.pos += 2;
                        let lo = self.hex4(at)?;
                        if !(0xDC00..=0xDFFF).contains(&lo) {
                            return Err(
                                self.err_at(at, ParseErrorKind::UnpairedSurrogate { code: hi })
                            );
                        }
                        let code =
                            0x10000 + ((u32::from(hi) - 0xD800) << 10) + (u32::from(lo) - 0xDC00);
                        char::from_u32(code).unwrap_or('\u{FFFD}')
                    }
                    0xDC00..=0xDFFF => {
                        return Err(self.err_at(at, ParseErrorKind::UnpairedSurrogate { code: hi }))
                    }
                    _ => char::from_u32(u32::from(hi)).unwrap_or('\u{FFFD}'),
                }
            }
            _ => {
                return Err(self.err_at(
                    at,
                    ParseErrorKind::InvalidEscape {
                        detail: "expected one of `\\\"`, `\\\\`, `\\/`, `\\b`, `\\f`, `\\n`, `\\r`, `\\t`, `\\u`",
                    },
                ))
            }
        };
        // The allowed-character rule applies to decoded strings too, so
        // `\u0000` is refused like a raw NUL byte.
        if self.strict && !is_allowed_char(c) {
            return Err(self.err_at(at, ParseErrorKind::DisallowedCharacter { ch: c }));
        }
        Ok(c)
    }

    /// Reads four hex digits at the current position.
    fn hex4(&mut self, escape_at: usize) -> Result<u16, ParseError> {
        let mut v: u16 = 0;
        for i in 0..4 {
            let d = self
                .bytes
                .get(self.pos + i)
                .and_then(|&b| char::from(b).to_digit(16));
            match d {
                // A hex digit is below 16, so it fits in u16.
                Some(d) => v = (v << 4) | u16::try_from(d).unwrap_or(0),
                None => {
                    return Err(self.err_at(
                        escape_at,
                        ParseErrorKind::InvalidEscape {
                            detail: "`\\u` must be followed by four hex digits",
                        },
                    ))
                }
            }
        }
        self.pos += 4;
        Ok(v)
    }

    /// Reads a number with JSON's grammar, then converts it exactly as
    /// serde_json does (integers as `u64`/`i64` when they fit, else `f64`).
    fn number(&mut self) -> Result<Number, ParseError> {
        let start = self.pos;
        let digits = |r: &mut Self| {
            let s = r.pos;
            while matches!(r.peek(), Some(b'0'..=b'9')) {
                r.pos += 1;
            }
            r.pos - s
        };
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        match self.peek() {
            Some(b'0') => self.pos += 1,
            Some(b'1'..=b'9') => {
                digits(self);
            }
            _ => return Err(self.err_at(start, ParseErrorKind::InvalidNumber)),
        }
        if self.peek() == Some(b'.') {
            self.pos += 1;
            if digits(self) == 0 {
                return Err(self.err_at(start, ParseErrorKind::InvalidNumber));
            }
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.pos += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.pos += 1;
            }
            if digits(self) == 0 {
                return Err(self.err_at(start, ParseErrorKind::InvalidNumber));
            }
        }
        let text = self.slice(start, self.pos);
        text.parse::<Number>().map_err(|_| {
            self.err_at(
                start,
                ParseErrorKind::NumberOutOfRange {
                    text: text.to_owned(),
                },
            )
        })
    }
}
