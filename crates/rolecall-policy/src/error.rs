//! The error returned when a document cannot be read as a policy.

use std::fmt;

use crate::grammar::operator::OperatorError;
use crate::span::Span;

/// Why a document could not be read, and where.
///
/// Every error knows the byte offset, line and column (1-based, column in
/// chars) of the token it is about. Its message starts with the position
/// and, when the error is inside a statement, the statement's index:
///
/// ```text
/// line 3, column 7: statement 0: duplicate member `Effect` (first at line 2, column 5)
/// ```
///
/// For a URL-encoded document the position is in the decoded text (see
/// [`crate::input`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    kind: ParseErrorKind,
    offset: usize,
    line: u32,
    column: u32,
    context: Option<String>,
}

impl ParseError {
    pub(crate) fn new(kind: ParseErrorKind, offset: usize, line: u32, column: u32) -> Self {
        ParseError {
            kind,
            offset,
            line,
            column,
            context: None,
        }
    }

    /// An error about the node at `span`.
    pub(crate) fn at(span: Span, kind: ParseErrorKind) -> Self {
        ParseError::new(kind, span.start, span.line, span.column)
    }

    /// Adds where in the document the error is (`statement 0`), in front of
    /// any context an inner step gave (`` `StringEquals` ``).
    pub(crate) fn in_context(mut self, context: impl FnOnce() -> String) -> Self {
        let outer = context();
        self.context = Some(match self.context.take() {
            None => outer,
            Some(inner) => format!("{outer}: {inner}"),
        });
        self
    }

    /// What went wrong.
    pub fn kind(&self) -> &ParseErrorKind {
        &self.kind
    }

    /// 1-based line of the offending token.
    pub fn line(&self) -> u32 {
        self.line
    }

    /// 1-based column (in chars) of the offending token.
    pub fn column(&self) -> u32 {
        self.column
    }

    /// Byte offset of the offending token.
    pub fn offset(&self) -> usize {
        self.offset
    }

    /// Where in the document the error is, such as `statement 0` or
    /// ``statement 1: `StringEquals` ``, if it is inside a statement.
    pub fn context(&self) -> Option<&str> {
        self.context.as_deref()
    }

    /// A stable short code for the error kind (`duplicate-key`), for
    /// machine-readable output. Same as `self.kind().code()`.
    pub fn code(&self) -> &'static str {
        self.kind.code()
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}, column {}: ", self.line, self.column)?;
        if let Some(c) = &self.context {
            write!(f, "{c}: ")?;
        }
        write!(f, "{}", self.kind)
    }
}

impl std::error::Error for ParseError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.kind {
            ParseErrorKind::Operator(e) => Some(e),
            _ => None,
        }
    }
}

/// The kinds of [`ParseError`]. Each has a stable [`code`](Self::code).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ParseErrorKind {
    /// The input is longer than the parser's limit.
    #[error("input is {size} bytes, over the limit of {limit} bytes")]
    InputTooLarge {
        /// The input's length in bytes.
        size: usize,
        /// The limit.
        limit: usize,
    },
    /// Arrays and objects nest deeper than the parser's limit.
    #[error("arrays and objects nest deeper than the limit of {limit}")]
    TooDeep {
        /// The limit.
        limit: usize,
    },
    /// A string is longer (in bytes, after decoding escapes) than the limit.
    #[error("string is {len} bytes long, over the limit of {limit} bytes")]
    StringTooLong {
        /// The decoded length.
        len: usize,
        /// The limit.
        limit: usize,
    },
    /// The input is not valid UTF-8.
    #[error("input is not valid UTF-8")]
    InvalidUtf8,
    /// A character outside TAB, LF, CR and U+0020 to U+00FF, in the raw text
    /// or in a decoded string (docs/SEMANTICS.md §1.1, docs/DECISIONS.md R1 item 2).
    #[error(
        "character {} is not allowed in a policy (allowed: TAB, LF, CR and U+0020 to U+00FF)",
        char_name(*.ch)
    )]
    DisallowedCharacter {
        /// The character.
        ch: char,
    },
    /// The input is empty or only whitespace.
    #[error("input is empty: expected a policy object")]
    Empty,
    /// The input ended in the middle of a JSON value.
    #[error("unexpected end of input: expected {expected}")]
    UnexpectedEnd {
        /// What was expected.
        expected: &'static str,
    },
    /// A character that JSON does not allow here.
    #[error("expected {expected}, found {}", char_name(*.found))]
    UnexpectedCharacter {
        /// The character found.
        found: char,
        /// What was expected.
        expected: &'static str,
    },
    /// Text after the end of the document.
    #[error("unexpected text after the end of the document")]
    TrailingCharacters,
    /// A raw TAB, LF or CR inside a string (JSON needs `\t`, `\n`, `\r`).
    #[error("raw control character {} inside a string: write it as an escape", char_name(*.ch))]
    ControlCharacterInString {
        /// The character.
        ch: char,
    },
    /// A backslash escape JSON does not define, or a bad `\u` escape.
    #[error("invalid escape in string: {detail}")]
    InvalidEscape {
        /// What is wrong.
        detail: &'static str,
    },
    /// A `\u` escape for half of a UTF-16 surrogate pair without the other half.
    #[error("unpaired UTF-16 surrogate `\\u{code:04X}` in string")]
    UnpairedSurrogate {
        /// The surrogate code unit.
        code: u16,
    },
    /// Text that starts like a number but is not a JSON number.
    #[error("invalid number")]
    InvalidNumber,
    /// A number serde_json refuses (too large for `f64`; docs/DECISIONS.md R1
    /// item 6).
    #[error("number `{text}` is out of range")]
    NumberOutOfRange {
        /// The number as written.
        text: String,
    },
    /// The document is not a JSON object.
    #[error("a policy must be a JSON object, found {found}")]
    NotAnObject {
        /// The JSON type found.
        found: &'static str,
    },
    /// An object has the same member name twice (docs/SEMANTICS.md D1).
    #[error("duplicate member `{name}` (first at line {first_line}, column {first_column})")]
    DuplicateKey {
        /// The member name.
        name: String,
        /// Line of the first occurrence.
        first_line: u32,
        /// Column of the first occurrence.
        first_column: u32,
    },
    /// Two condition keys of one operator that are equal ignoring case
    /// (docs/SEMANTICS.md D1, docs/DECISIONS.md R6).
    #[error(
        "duplicate condition key `{name}`: equal ignoring case to `{first}` \
         (first at line {first_line}, column {first_column})"
    )]
    DuplicateConditionKey {
        /// The key as written the second time.
        name: String,
        /// The key as written the first time.
        first: String,
        /// Line of the first occurrence.
        first_line: u32,
        /// Column of the first occurrence.
        first_column: u32,
    },
    /// A member name that is not an element of this object (names are
    /// case-sensitive).
    #[error("unknown member `{name}`{}", unknown_member_hint(.suggestion, .expected))]
    UnknownMember {
        /// The name as written.
        name: String,
        /// The element with the same name ignoring case, if any.
        suggestion: Option<&'static str>,
        /// The names allowed here.
        expected: &'static [&'static str],
    },
    /// A required member is missing (`Statement`).
    #[error("missing member `{name}`")]
    MissingMember {
        /// The member's name.
        name: &'static str,
    },
    /// An element has the wrong JSON type (including `null`, which is never
    /// accepted).
    #[error("`{element}` must be {expected}, found {found}")]
    WrongType {
        /// The element (`Effect`, `Condition`, a condition key, ...).
        element: String,
        /// What the grammar allows.
        expected: &'static str,
        /// The JSON type found.
        found: &'static str,
    },
    /// A `Principal` or `NotPrincipal` string other than `*`.
    #[error("a principal string must be `*`, found `{value}`: name principals in a map such as {{\"AWS\": ...}}")]
    InvalidPrincipal {
        /// The string as written.
        value: String,
    },
    /// A condition operator name that is not canonical, or `NullIfExists`.
    #[error(transparent)]
    Operator(OperatorError),
    /// A `%` in URL-encoded input not followed by two hex digits.
    #[error("invalid percent-encoding: `%` must be followed by two hex digits")]
    InvalidPercentEncoding,
}

impl ParseErrorKind {
    /// A stable short code for machine-readable output, such as
    /// `duplicate-key` or `unknown-operator`.
    pub fn code(&self) -> &'static str {
        match self {
            ParseErrorKind::InputTooLarge { .. } => "input-too-large",
            ParseErrorKind::TooDeep { .. } => "too-deep",
            ParseErrorKind::StringTooLong { .. } => "string-too-long",
            ParseErrorKind::InvalidUtf8 => "invalid-utf8",
            ParseErrorKind::DisallowedCharacter { .. } => "disallowed-character",
            ParseErrorKind::Empty => "empty-input",
            ParseErrorKind::UnexpectedEnd { .. } => "unexpected-end",
            ParseErrorKind::UnexpectedCharacter { .. } => "unexpected-character",
            ParseErrorKind::TrailingCharacters => "trailing-characters",
            ParseErrorKind::ControlCharacterInString { .. } => "control-character-in-string",
            ParseErrorKind::InvalidEscape { .. } => "invalid-escape",
            ParseErrorKind::UnpairedSurrogate { .. } => "unpaired-surrogate",
            ParseErrorKind::InvalidNumber => "invalid-number",
            ParseErrorKind::NumberOutOfRange { .. } => "number-out-of-range",
            ParseErrorKind::NotAnObject { .. } => "not-an-object",
            ParseErrorKind::DuplicateKey { .. } => "duplicate-key",
            ParseErrorKind::DuplicateConditionKey { .. } => "duplicate-condition-key",
            ParseErrorKind::UnknownMember { .. } => "unknown-member",
            ParseErrorKind::MissingMember { .. } => "missing-member",
            ParseErrorKind::WrongType { .. } => "wrong-type",
            ParseErrorKind::InvalidPrincipal { .. } => "invalid-principal",
            ParseErrorKind::Operator(OperatorError::NullIfExists) => "null-if-exists",
            ParseErrorKind::Operator(_) => "unknown-operator",
            ParseErrorKind::InvalidPercentEncoding => "invalid-percent-encoding",
        }
    }
}

/// `` `a` `` for a printable character, `U+0000` otherwise.
fn char_name(c: char) -> String {
    if c.is_control() || c.is_whitespace() {
        format!("U+{:04X}", u32::from(c))
    } else {
        format!("`{c}` (U+{:04X})", u32::from(c))
    }
}

fn unknown_member_hint(suggestion: &Option<&'static str>, expected: &[&str]) -> String {
    match suggestion {
        // Element names are case-sensitive (docs/SEMANTICS.md §1.1).
        Some(s) => format!(": did you mean `{s}`? (names are case-sensitive)"),
        None => {
            let names: Vec<String> = expected.iter().map(|n| format!("`{n}`")).collect();
            format!(": expected one of {}", names.join(", "))
        }
    }
}
