//! A strict, positioned JSON reader.
//!
//! Why not serde_json: it keeps the last of two duplicate member names
//! silently (docs/SEMANTICS.md D1 needs them to be an error) and it does
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
/// (docs/SEMANTICS.md §1.1 "Allowed characters", docs/DECISIONS.md R1 item 2).
pub(crate) fn is_allowed_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{FF}')
}

/// `0x01` in every byte of a word, for the word-at-a-time scan.
const ONES: u64 = 0x0101_0101_0101_0101;
/// The high bit of every byte of a word.
const HIGHS: u64 = ONES * 0x80;

/// Whether byte `b` ends the fast scan of a string's contents: the closing
/// quote, a backslash, a control character, or a non-ASCII byte (which
/// strict mode must check against the allowed characters, and which in
/// both modes makes the line's columns need counting).
fn is_stop(b: u8) -> bool {
    b == b'"' || b == b'\\' || !(0x20..0x80).contains(&b)
}

/// The high bit of each byte of `w` (little-endian) that [`is_stop`]; the
/// lowest set bit is exact, bits above it may be false positives.
///
/// For a byte below 0x80 with no borrow coming in, `b - 0x20` has its high
/// bit set exactly when `b < 0x20`, and `(b ^ q) - 1` exactly when `b == q`;
/// a byte at or above 0x80 is a stop through `| w` and never lends a
/// borrow. A borrow only starts at a stop byte and only moves to higher
/// bytes, so it can only mark bytes after the first stop.
fn stop_mask(w: u64) -> u64 {
    let quote = w ^ (ONES * u64::from(b'"'));
    let backslash = w ^ (ONES * u64::from(b'\\'));
    (w.wrapping_sub(ONES * 0x20) | quote.wrapping_sub(ONES) | backslash.wrapping_sub(ONES) | w)
        & HIGHS
}

/// The offset of the first [`is_stop`] byte in `bytes`, or its length.
///
/// Eight bytes at a time: ~2.9k fewer instructions per parse of the IRSA
/// policy than a byte-at-a-time loop (~35k for the ten-by-five policy;
/// callgrind, `eval_loop compile`). Written by hand
/// because `memchr` finds given bytes, not a class that includes every
/// control character and every non-ASCII byte, and `unsafe` SIMD is ruled
/// out. The scan may run past the closing quote's word into the rest of the
/// document, which is fine: it stops at the first stop byte whatever it is.
fn find_stop(bytes: &[u8]) -> usize {
    let mut chunks = bytes.chunks_exact(8);
    let mut offset = 0;
    for chunk in &mut chunks {
        // `chunks_exact(8)` gives 8-byte slices: the fallback is never taken.
        let w = u64::from_le_bytes(chunk.try_into().unwrap_or([b'"'; 8]));
        let mask = stop_mask(w);
        if mask != 0 {
            // trailing_zeros is at most 63, so the byte index is below 8.
            return offset + (mask.trailing_zeros() / 8) as usize;
        }
        offset += 8;
    }
    let rest = chunks.remainder();
    offset + rest.iter().position(|&b| is_stop(b)).unwrap_or(rest.len())
}

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
    limits: Limits,
    line: u32,
    /// Offset of the first byte of the current line (or of the region).
    line_start: usize,
    /// Column of `line_start` (1, except at the start of a sub-document).
    line_start_column: u32,
    /// Every byte read on the current line so far is ASCII, so the column
    /// of any offset on it is `line_start_column + (offset - line_start)`.
    /// Outside strings a non-ASCII byte is an error, and inside them the
    /// scan stops at every non-ASCII byte, which clears this flag.
    ascii_line: bool,
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
            limits,
            line: origin.line,
            line_start: origin.start,
            line_start_column: origin.column,
            ascii_line: true,
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
        if self.ascii_line && at >= self.line_start {
            // No counting: `loc` cost ~67k instructions per parse of the
            // ten-by-five policy (a single line) and ~3.5k for IRSA.
            let n = u32::try_from(at - self.line_start).unwrap_or(u32::MAX);
            return (self.line, self.line_start_column.saturating_add(n));
        }
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
                    self.ascii_line = true;
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
        self.skip_ws();
        if self.peek() == Some(b'}') {
            self.pos += 1;
            return Ok(Value::Object(Vec::new()));
        }
        // Allocated up front rather than by the first push: ~320 fewer
        // instructions for the IRSA policy, ~5k for the ten-by-five one.
        let mut members = Vec::with_capacity(4);
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
        self.skip_ws();
        if self.peek() == Some(b']') {
            self.pos += 1;
            return Ok(Value::Array(Vec::new()));
        }
        // As for objects.
        let mut items = Vec::with_capacity(4);
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
        let start = quote + 1;
        let end = start + find_stop(self.bytes.get(start..).unwrap_or_default());
        if self.bytes.get(end) == Some(&b'"') && end - start <= self.limits.max_string_len {
            // The common case, ASCII without escapes, kept apart from the
            // rest so that it does not pay for the large frame of the
            // general loop (~850 fewer instructions for IRSA, ~12k for the
            // ten-by-five policy's 233 strings).
            self.pos = end + 1;
            return Ok(Cow::Borrowed(self.slice(start, end)));
        }
        self.pos = end;
        self.string_general(quote)
    }

    /// Reads the rest of the string opened at `quote`, from the first byte
    /// at the current position that [`is_stop`].
    #[inline(never)]
    fn string_general(&mut self, quote: usize) -> Result<Cow<'a, str>, ParseError> {
        let mut owned: Option<String> = None;
        let mut run_start = quote + 1;
        loop {
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
                    // Non-ASCII: strict mode allows only U+0080..=U+00FF.
                    let c = self.char_at(self.pos).unwrap_or('\u{FFFD}');
                    if self.strict && !is_allowed_char(c) {
                        return Err(
                            self.err_at(self.pos, ParseErrorKind::DisallowedCharacter { ch: c })
                        );
                    }
                    if self.ascii_line {
                        // Columns on this line must be counted from here on;
                        // this offset's column is still known without it.
                        self.ascii_line = false;
                        let n = u32::try_from(self.pos - self.line_start).unwrap_or(u32::MAX);
                        self.col = self.line_start_column.saturating_add(n);
                        self.col_pos = self.pos;
                    }
                    self.pos += c.len_utf8();
                }
            }
            // Fast scan over ordinary bytes.
            self.pos += find_stop(self.bytes.get(self.pos..).unwrap_or_default());
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

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const LIMITS: Limits = Limits {
        max_depth: 64,
        max_string_len: 1 << 20,
    };

    fn read(text: &str, strict: bool) -> Result<Node<'_>, ParseError> {
        let origin = Origin {
            start: 0,
            end: text.len(),
            line: 1,
            column: 1,
        };
        Reader::new(text, origin, strict, LIMITS).read_document()
    }

    /// Each of JSON's short escapes decodes to its char (RFC 8259 §7), in
    /// both modes; the policy character set then decides what a policy may
    /// hold.
    #[test]
    fn short_escapes_decode_to_their_chars() {
        for (escape, char) in [
            ('"', '"'),
            ('\\', '\\'),
            ('/', '/'),
            ('b', '\u{8}'),
            ('f', '\u{C}'),
            ('n', '\n'),
            ('r', '\r'),
            ('t', '\t'),
        ] {
            let text = format!("[\"a\\{escape}b\"]");
            let node = read(&text, false).unwrap();
            let Value::Array(items) = &node.value else {
                panic!("not an array")
            };
            let Value::String(s) = &items[0].value else {
                panic!("not a string")
            };
            assert_eq!(s.as_ref(), format!("a{char}b"), "\\{escape}");
        }
    }

    /// A surrogate pair decodes to the one char above U+FFFF it encodes
    /// (RFC 8259 §7), whose code point a strict read then names.
    #[test]
    fn surrogate_pairs_decode_to_their_char() {
        for (pair, char) in [
            (r"\ud834\udd1e", '\u{1D11E}'),
            (r"\uD83D\uDE00", '\u{1F600}'),
            (r"\ud800\udc00", '\u{10000}'),
            (r"\udbff\udfff", '\u{10FFFF}'),
        ] {
            let text = format!("[\"{pair}\"]");
            let node = read(&text, false).unwrap();
            let Value::Array(items) = &node.value else {
                panic!("not an array")
            };
            let Value::String(s) = &items[0].value else {
                panic!("not a string")
            };
            assert_eq!(s.as_ref(), char.to_string(), "{pair}");
            let e = read(&text, true).unwrap_err();
            assert_eq!(
                *e.kind(),
                ParseErrorKind::DisallowedCharacter { ch: char },
                "{pair}"
            );
        }
    }

    /// JSON's number grammar (RFC 8259 §6): a fraction or an exponent needs
    /// at least one digit, and the error points at the number's start.
    #[test]
    fn numbers_follow_the_json_grammar() {
        for ok in ["0", "-0", "12", "-1.5", "1.25e3", "1E+2", "2e-1", "0.0"] {
            let text = format!("[{ok}]");
            assert!(read(&text, false).is_ok(), "{ok}");
        }
        for bad in ["1.", "1.e5", "1e", "1e+", "-1E-", "-", "-.5"] {
            let text = format!("[ {bad}]");
            let e = read(&text, false).unwrap_err();
            assert_eq!((e.code(), e.offset()), ("invalid-number", 2), "{bad}");
        }
        // No number starts with `.` or `+`: that is no value at all.
        for bad in [".5", "+1"] {
            let text = format!("[ {bad}]");
            let e = read(&text, false).unwrap_err();
            assert_eq!((e.code(), e.offset()), ("unexpected-character", 2), "{bad}");
        }
    }

    /// Line and column of `offset`, counted from the start of `text` with
    /// nothing shared with the reader.
    fn reference(text: &str, offset: usize) -> (u32, u32) {
        let before = &text[..offset];
        let line = before.matches('\n').count() + 1;
        let column = before.rsplit('\n').next().unwrap().chars().count() + 1;
        (line as u32, column as u32)
    }

    /// Every value and member-name span in `node`, with the JSON it stands
    /// for (serde_json's model, for comparing values and span ends).
    fn walk(node: &Node<'_>, spans: &mut Vec<Span>) -> serde_json::Value {
        spans.push(node.span);
        match &node.value {
            Value::Null => serde_json::Value::Null,
            Value::Bool(b) => serde_json::Value::Bool(*b),
            Value::Number(n) => serde_json::Value::Number(n.clone()),
            Value::String(s) => serde_json::Value::String(s.to_string()),
            Value::Array(items) => items.iter().map(|n| walk(n, spans)).collect(),
            Value::Object(members) => {
                let mut map = serde_json::Map::new();
                for m in members {
                    spans.push(m.key_span);
                    map.insert(m.key.to_string(), walk(&m.value, spans));
                }
                serde_json::Value::Object(map)
            }
        }
    }

    /// Checks every span of `node` against the reference positions and
    /// against serde_json reading the span's text; returns the node's JSON.
    fn check_spans(text: &str, node: &Node<'_>) -> serde_json::Value {
        let mut spans = Vec::new();
        let json = walk(node, &mut spans);
        for s in spans {
            assert_eq!(
                (s.line, s.column),
                reference(text, s.start),
                "span {s:?} of {:?} in {text:?}",
                &text[s.range()]
            );
            let piece: Result<serde_json::Value, _> = serde_json::from_str(&text[s.range()]);
            assert!(
                piece.is_ok(),
                "span {s:?} is not one JSON value in {text:?}"
            );
        }
        json
    }

    /// Line and column.
    type Pos = (u32, u32);

    /// The position of each member name and value of the top object.
    fn top_positions(text: &str, strict: bool) -> Vec<(String, Pos, Pos)> {
        let node = read(text, strict).unwrap();
        check_spans(text, &node);
        let Value::Object(members) = node.value else {
            panic!("not an object")
        };
        members
            .iter()
            .map(|m| {
                (
                    m.key.to_string(),
                    (m.key_span.line, m.key_span.column),
                    (m.value.span.line, m.value.span.column),
                )
            })
            .collect()
    }

    fn error_at(text: &str, strict: bool) -> (&'static str, u32, u32) {
        let e = read(text, strict).unwrap_err();
        assert_eq!((e.line(), e.column()), reference(text, e.offset()));
        (e.code(), e.line(), e.column())
    }

    #[test]
    fn columns_after_latin1_on_the_same_line_count_chars() {
        // `é` is two bytes: byte offsets run one ahead of columns after it.
        let text = r#"{"a":"é","b":1, "c" :"ÿÿ","d":2}"#;
        for strict in [true, false] {
            let got = top_positions(text, strict);
            let cols: Vec<_> = got
                .iter()
                .map(|(k, key, val)| (k.as_str(), *key, *val))
                .collect();
            assert_eq!(
                cols,
                [
                    ("a", (1, 2), (1, 6)),
                    ("b", (1, 10), (1, 14)),
                    ("c", (1, 17), (1, 22)),
                    ("d", (1, 27), (1, 31)),
                ]
            );
        }
    }

    #[test]
    fn columns_on_the_line_after_latin1_start_again_without_counting() {
        let text = "{\"a\":\"é\",\n  \"b\": 1,\r\n\t\"c\":\"x\"}";
        let got = top_positions(text, true);
        assert_eq!(got[1].1, (2, 3));
        assert_eq!(got[1].2, (2, 8));
        // CRLF: the CR is the last char of line 2; a tab is one column.
        assert_eq!(got[2].1, (3, 2));
        assert_eq!(got[2].2, (3, 6));
    }

    #[test]
    fn a_lone_cr_does_not_end_a_line() {
        let text = "{\r\"a\":\r1}";
        assert_eq!(top_positions(text, true)[0].1, (1, 3));
        assert_eq!(top_positions(text, true)[0].2, (1, 8));
    }

    #[test]
    fn errors_after_non_ascii_on_the_same_line_count_chars() {
        assert_eq!(
            error_at(r#"{"a":"é", x}"#, true),
            ("unexpected-character", 1, 11)
        );
        assert_eq!(
            error_at(r#"{"a":"éé" 1}"#, true),
            ("unexpected-character", 1, 11)
        );
        // Inside the string that holds the non-ASCII char.
        assert_eq!(
            error_at("{\"a\":\"é\u{1}\"}", true),
            ("disallowed-character", 1, 8)
        );
        assert_eq!(
            error_at("{\"a\":\"é\u{1}\"}", false),
            ("control-character-in-string", 1, 8)
        );
        assert_eq!(
            error_at("{\"a\":\"éĀ\"}", true),
            ("disallowed-character", 1, 8)
        );
        assert_eq!(error_at(r#"{"a":"é\q"}"#, true), ("invalid-escape", 1, 8));
        // Loose mode reads any char; the columns still count chars.
        assert_eq!(
            error_at(r#"{"a":"€𝄞", x}"#, false),
            ("unexpected-character", 1, 12)
        );
        // A non-ASCII char outside a string is the error itself.
        assert_eq!(
            error_at(r#"{"a":"é", é}"#, false),
            ("unexpected-character", 1, 11)
        );
        assert_eq!(
            error_at(r#"{"a":"é", é}"#, true),
            ("unexpected-character", 1, 11)
        );
        assert_eq!(
            error_at(r#"{"a":"é", Ā}"#, true),
            ("disallowed-character", 1, 11)
        );
        // The next line is back to one column per byte.
        assert_eq!(
            error_at("{\"a\":\"é\",\n \"b\" x}", true),
            ("unexpected-character", 2, 6)
        );
    }

    #[test]
    fn a_sub_document_starts_at_its_origin_column() {
        // The region starts after non-ASCII chars on its first line.
        let text = "[\"€é\", {\"a\": \"é\", \"b\": 1}\n, 2]";
        let start = text.find('{').unwrap();
        let end = text.find('}').unwrap() + 1;
        let (line, column) = reference(text, start);
        assert_eq!((line, column), (1, 8));
        let origin = Origin {
            start,
            end,
            line,
            column,
        };
        let node = Reader::new(text, origin, true, LIMITS)
            .read_document()
            .unwrap();
        check_spans(text, &node);
        let Value::Object(members) = &node.value else {
            panic!("not an object")
        };
        assert_eq!(
            (members[1].key_span.line, members[1].key_span.column),
            (1, 19)
        );
    }

    #[test]
    fn find_stop_finds_each_stop_byte_at_each_position() {
        for b in 0..=255u8 {
            for at in 0..20 {
                let mut bytes = vec![b'a'; 20];
                bytes[at] = b;
                let want = if is_stop(b) { at } else { 20 };
                assert_eq!(find_stop(&bytes), want, "byte {b:#x} at {at}");
                // A second stop later must not move the first.
                if at < 19 {
                    bytes[19] = b'"';
                    let want = if is_stop(b) { at } else { 19 };
                    assert_eq!(find_stop(&bytes), want, "byte {b:#x} at {at}");
                }
            }
        }
    }

    #[test]
    fn is_stop_is_the_documented_class() {
        let stops: Vec<u8> = (0..=255u8).filter(|&b| is_stop(b)).collect();
        let want: Vec<u8> = (0..0x20).chain([b'"', b'\\']).chain(0x80..=0xFF).collect();
        assert_eq!(stops, want);
    }

    /// Bytes biased towards the edges of the stop class.
    fn edge_bytes() -> impl Strategy<Value = Vec<u8>> {
        let byte = prop_oneof![
            any::<u8>(),
            prop::sample::select(vec![
                0x00, 0x01, 0x1F, 0x20, 0x21, b'"', 0x23, 0x5B, b'\\', 0x5D, 0x7F, 0x80, 0xC3,
                0xFF,
            ]),
            Just(b'a'),
            Just(b'a'),
        ];
        prop::collection::vec(byte, 0..40)
    }

    /// Whitespace, line ends included.
    fn ws() -> impl Strategy<Value = String> {
        prop::collection::vec(
            prop::sample::select(vec!["", " ", "\t", "\n", "\r\n", "\r", "  "]),
            0..3,
        )
        .prop_map(|v| v.concat())
    }

    /// A JSON string literal mixing ASCII, Latin-1, other chars (refused in
    /// strict mode) and escapes.
    fn string_literal() -> impl Strategy<Value = String> {
        prop::collection::vec(
            prop::sample::select(vec![
                "a",
                "Z",
                " ",
                "é",
                "ÿ",
                "\u{80}",
                "€",
                "𝄞",
                "\\n",
                "\\u00e9",
                "\\\"",
                "\\\\",
                "abcdefghijkl",
                "sts:AssumeRoleWithWebIdentity",
            ]),
            0..6,
        )
        .prop_map(|v| format!("\"{}\"", v.concat()))
    }

    fn json_text() -> impl Strategy<Value = String> {
        let leaf = prop_oneof![
            string_literal(),
            prop::sample::select(vec!["0", "-12", "3.5e-2", "true", "false", "null"])
                .prop_map(str::to_owned),
        ];
        let value = leaf.prop_recursive(3, 32, 5, |inner| {
            prop_oneof![
                prop::collection::vec((ws(), inner.clone(), ws()), 0..5).prop_map(|items| {
                    let body: Vec<String> = items
                        .into_iter()
                        .map(|(a, v, b)| format!("{a}{v}{b}"))
                        .collect();
                    format!("[{}]", body.join(","))
                }),
                prop::collection::vec((ws(), string_literal(), ws(), ws(), inner, ws()), 0..5)
                    .prop_map(|members| {
                        let body: Vec<String> = members
                            .into_iter()
                            .map(|(a, k, b, c, v, d)| format!("{a}{k}{b}:{c}{v}{d}"))
                            .collect();
                        format!("{{{}}}", body.join(","))
                    }),
            ]
        });
        (ws(), value, ws()).prop_map(|(a, v, b)| format!("{a}{v}{b}"))
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(
            std::env::var("PROPTEST_CASES").ok().and_then(|s| s.parse().ok()).unwrap_or(256)
        ))]

        #[test]
        fn find_stop_agrees_with_a_byte_loop(bytes in edge_bytes()) {
            for from in 0..=bytes.len() {
                let rest = &bytes[from..];
                let plain = rest.iter().position(|&b| is_stop(b)).unwrap_or(rest.len());
                prop_assert_eq!(find_stop(rest), plain);
            }
        }

        /// Every span's line and column is where the text says it is, and
        /// the tree is the one serde_json reads; when a read fails, the
        /// error's position is where its offset says.
        #[test]
        fn positions_agree_with_a_count_from_the_start(text in json_text()) {
            for strict in [false, true] {
                match read(&text, strict) {
                    Ok(node) => {
                        let json = check_spans(&text, &node);
                        let serde: serde_json::Value = serde_json::from_str(&text).unwrap();
                        prop_assert_eq!(json, serde);
                    }
                    Err(e) => {
                        // Only the strict character rule can refuse these.
                        prop_assert!(strict, "loose read failed: {e}");
                        prop_assert_eq!(e.code(), "disallowed-character");
                        prop_assert_eq!((e.line(), e.column()), reference(&text, e.offset()));
                    }
                }
            }
        }

        /// A stray char inserted anywhere: the error (if any) is placed by
        /// its offset, exactly.
        #[test]
        fn error_positions_agree_with_a_count_from_the_start(
            text in json_text(),
            at in any::<prop::sample::Index>(),
            stray in prop::sample::select(vec!["x", "\u{1}", "Ā", "é", "}", "]", "\"", "\\", ",", ":", "\n"]),
        ) {
            let mut at = at.index(text.len() + 1);
            while !text.is_char_boundary(at) {
                at -= 1;
            }
            let bad = format!("{}{stray}{}", &text[..at], &text[at..]);
            for strict in [false, true] {
                match read(&bad, strict) {
                    Ok(node) => {
                        check_spans(&bad, &node);
                    }
                    Err(e) => {
                        prop_assert_eq!((e.line(), e.column()), reference(&bad, e.offset()), "{}", e);
                    }
                }
            }
        }
    }
}
