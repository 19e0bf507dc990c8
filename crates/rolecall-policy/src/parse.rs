//! From bytes to the syntax tree: the parser, its limits, and the strict
//! element checks of docs/DECISIONS.md R1 items 1 to 7.

use std::collections::HashMap;

use crate::ast::{
    Condition, ConditionBlock, ConditionEntry, ConditionValue, Effect, OneOrMany, Policy,
    Principal, PrincipalEntry, PrincipalKind, Statement, Version,
};
use crate::error::{ParseError, ParseErrorKind};
use crate::grammar::operator::parse_operator;
use crate::json::{line_column, Limits, Member, Node, Origin, Reader, Value};
use crate::span::{Span, Spanned};

/// Default for [`ParserBuilder::max_input_bytes`]: 1 MiB. A role trust
/// policy is at most 8,192 characters without whitespace (docs/SEMANTICS.md §1.11);
/// 1 MiB leaves room for pretty-printing and `aws iam get-role` output while
/// bounding the work an untrusted input can cause.
pub const DEFAULT_MAX_INPUT_BYTES: usize = 1 << 20;

/// Default for [`ParserBuilder::max_depth`]: 32. A policy nests at most 6
/// deep (document, `Statement` array, statement, `Condition`, operator,
/// value array) and a get-role wrapper adds 2.
pub const DEFAULT_MAX_DEPTH: usize = 32;

/// Default for [`ParserBuilder::max_string_len`]: 64 KiB. Far above any
/// real ARN, condition key or value, small enough that one string cannot
/// dominate memory.
pub const DEFAULT_MAX_STRING_LEN: usize = 64 << 10;

/// The largest nesting depth a parser accepts, whatever
/// [`ParserBuilder::max_depth`] asks for: the reader recurses once per
/// level, and 256 frames fit comfortably in any thread's stack.
pub const MAX_DEPTH_CEILING: usize = 256;

/// Builds a [`Parser`] with non-default limits.
///
/// ```
/// use rolecall_policy::ParserBuilder;
///
/// let parser = ParserBuilder::new().max_input_bytes(16 * 1024).max_depth(8).build();
/// let err = parser.parse(&[b'['; 10][..]).unwrap_err();
/// assert_eq!(err.code(), "too-deep");
/// ```
#[derive(Debug, Clone)]
pub struct ParserBuilder {
    max_input_bytes: usize,
    max_depth: usize,
    max_string_len: usize,
}

impl Default for ParserBuilder {
    fn default() -> Self {
        ParserBuilder::new()
    }
}

impl ParserBuilder {
    /// A builder with the default limits.
    pub fn new() -> Self {
        ParserBuilder {
            max_input_bytes: DEFAULT_MAX_INPUT_BYTES,
            max_depth: DEFAULT_MAX_DEPTH,
            max_string_len: DEFAULT_MAX_STRING_LEN,
        }
    }

    /// The longest input accepted, in bytes (default
    /// [`DEFAULT_MAX_INPUT_BYTES`], 1 MiB). Longer input is refused before
    /// it is read.
    pub fn max_input_bytes(&mut self, n: usize) -> &mut Self {
        self.max_input_bytes = n;
        self
    }

    /// How deep arrays and objects may nest (default [`DEFAULT_MAX_DEPTH`],
    /// 32). Values above [`MAX_DEPTH_CEILING`] are lowered to it.
    pub fn max_depth(&mut self, n: usize) -> &mut Self {
        self.max_depth = n;
        self
    }

    /// The longest string (member name or value) accepted, in bytes after
    /// decoding escapes (default [`DEFAULT_MAX_STRING_LEN`], 64 KiB).
    pub fn max_string_len(&mut self, n: usize) -> &mut Self {
        self.max_string_len = n;
        self
    }

    /// The parser.
    pub fn build(&self) -> Parser {
        Parser {
            max_input_bytes: self.max_input_bytes,
            limits: Limits {
                max_depth: self.max_depth.min(MAX_DEPTH_CEILING),
                max_string_len: self.max_string_len,
            },
        }
    }
}

/// Reads policy documents strictly, with the limits it was built with.
///
/// The one-call [`parse`] uses a parser with the default limits.
#[derive(Debug, Clone)]
pub struct Parser {
    max_input_bytes: usize,
    limits: Limits,
}

impl Default for Parser {
    fn default() -> Self {
        ParserBuilder::new().build()
    }
}

impl Parser {
    /// A parser with the default limits.
    pub fn new() -> Self {
        Parser::default()
    }

    /// Reads a policy document: one JSON object, strictly (docs/DECISIONS.md R1
    /// items 1 to 7). Spans are byte offsets into `input`.
    pub fn parse(&self, input: &[u8]) -> Result<Policy, ParseError> {
        let text = self.check_input(input)?;
        self.parse_region(text, Origin::whole(text))
    }

    /// The size and UTF-8 checks every input form starts with.
    pub(crate) fn check_input<'a>(&self, input: &'a [u8]) -> Result<&'a str, ParseError> {
        if input.len() > self.max_input_bytes {
            let kind = ParseErrorKind::InputTooLarge {
                size: input.len(),
                limit: self.max_input_bytes,
            };
            return Err(ParseError::new(kind, 0, 1, 1));
        }
        std::str::from_utf8(input).map_err(|e| {
            let offset = e.valid_up_to();
            let (line, column) = line_column(input, offset);
            ParseError::new(ParseErrorKind::InvalidUtf8, offset, line, column)
        })
    }

    /// Reads the policy at `origin` in `text`, strictly.
    pub(crate) fn parse_region(&self, text: &str, origin: Origin) -> Result<Policy, ParseError> {
        let node = Reader::new(text, origin, true, self.limits).read_document()?;
        build_policy(node)
    }

    /// Reads `text` as plain JSON (any characters), for wrappers.
    pub(crate) fn read_loose<'a>(&self, text: &'a str) -> Result<Node<'a>, ParseError> {
        Reader::new(text, Origin::whole(text), false, self.limits).read_document()
    }
}

/// Reads a policy document with the default limits.
///
/// Accepts `&str`, `&[u8]`, `String`, `Vec<u8>`. For other input forms
/// (URL-encoded, `aws iam get-role` output) see [`crate::parse_document`].
///
/// ```
/// let policy = rolecall_policy::parse(r#"{"Statement": {"Effect": "Allow"}}"#).unwrap();
/// assert_eq!(policy.statements().len(), 1);
/// ```
pub fn parse(input: impl AsRef<[u8]>) -> Result<Policy, ParseError> {
    Parser::default().parse(input.as_ref())
}

impl Origin {
    pub(crate) fn whole(text: &str) -> Origin {
        Origin {
            start: 0,
            end: text.len(),
            line: 1,
            column: 1,
        }
    }
}

// ---------------------------------------------------------------------------
// Syntax tree construction.

const TOP_MEMBERS: &[&str] = &["Version", "Id", "Statement"];
const STATEMENT_MEMBERS: &[&str] = &[
    "Sid",
    "Effect",
    "Principal",
    "NotPrincipal",
    "Action",
    "NotAction",
    "Resource",
    "NotResource",
    "Condition",
];
const PRINCIPAL_MEMBERS: &[&str] = &["AWS", "Federated", "Service", "CanonicalUser"];
const PRINCIPAL_KINDS: [PrincipalKind; 4] = [
    PrincipalKind::Aws,
    PrincipalKind::Federated,
    PrincipalKind::Service,
    PrincipalKind::CanonicalUser,
];

/// The member names of one object seen so far, for objects whose members
/// come from a fixed list: an unknown name and a repeated name are errors
/// (docs/DECISIONS.md R1 items 3 and 4). `first[i]` is the span of the first
/// member named `names[i]`.
struct KnownMembers<const N: usize> {
    names: &'static [&'static str],
    first: [Option<Span>; N],
}

impl<const N: usize> KnownMembers<N> {
    fn new(names: &'static [&'static str]) -> Self {
        KnownMembers {
            names,
            first: [None; N],
        }
    }

    /// The index of `member`'s name in the list.
    fn check(&mut self, member: &Member<'_>) -> Result<usize, ParseError> {
        let key: &str = &member.key;
        let Some(i) = self.names.iter().position(|n| *n == key) else {
            // Names are case-sensitive (docs/SEMANTICS.md §1.1): suggest the name
            // that differs only in case.
            let suggestion = self
                .names
                .iter()
                .copied()
                .find(|n| n.eq_ignore_ascii_case(key));
            let kind = ParseErrorKind::UnknownMember {
                name: key.to_owned(),
                suggestion,
                expected: self.names,
            };
            return Err(ParseError::at(member.key_span, kind));
        };
        match self.first.get_mut(i) {
            Some(Some(first)) => Err(duplicate(key, member.key_span, *first)),
            Some(slot) => {
                *slot = Some(member.key_span);
                Ok(i)
            }
            None => Ok(i),
        }
    }
}

fn duplicate(name: &str, at: Span, first: Span) -> ParseError {
    ParseError::at(
        at,
        ParseErrorKind::DuplicateKey {
            name: name.to_owned(),
            first_line: first.line,
            first_column: first.column,
        },
    )
}

fn wrong_type(node: &Node<'_>, element: impl Into<String>, expected: &'static str) -> ParseError {
    ParseError::at(
        node.span,
        ParseErrorKind::WrongType {
            element: element.into(),
            expected,
            found: node.value.type_name(),
        },
    )
}

fn build_policy(node: Node<'_>) -> Result<Policy, ParseError> {
    let span = node.span;
    let Value::Object(members) = node.value else {
        let found = node.value.type_name();
        return Err(ParseError::at(span, ParseErrorKind::NotAnObject { found }));
    };
    let mut known = KnownMembers::<3>::new(TOP_MEMBERS);
    let mut version = None;
    let mut id = None;
    let mut statement = None;
    for member in members {
        match known.check(&member)? {
            0 => {
                version = Some(keyword(
                    member.value,
                    "Version",
                    |s| match s {
                        "2012-10-17" => Some(Version::V2012_10_17),
                        "2008-10-17" => Some(Version::V2008_10_17),
                        // Not an error: validation reports it (R1 item 8).
                        _ => None,
                    },
                    Version::Other,
                )?)
            }
            1 => id = Some(string(member.value, "Id")?),
            _ => statement = Some(statements(member.value)?),
        }
    }
    let statement = statement
        .ok_or_else(|| ParseError::at(span, ParseErrorKind::MissingMember { name: "Statement" }))?;
    Ok(Policy {
        version,
        id,
        statement,
        span,
    })
}

fn string(node: Node<'_>, element: &str) -> Result<Spanned<String>, ParseError> {
    match node.value {
        Value::String(s) => Ok(Spanned::new(s.into_owned(), node.span)),
        _ => Err(wrong_type(&node, element, "a string")),
    }
}

/// A string element with a few known spellings (`Version`, `Effect`):
/// `known` names them, any other text becomes `other(text)`. Matching
/// the borrowed text first saves copying the known spellings.
fn keyword<T>(
    node: Node<'_>,
    element: &str,
    known: impl FnOnce(&str) -> Option<T>,
    other: impl FnOnce(String) -> T,
) -> Result<Spanned<T>, ParseError> {
    match node.value {
        Value::String(s) => {
            let value = known(&s).unwrap_or_else(|| other(s.into_owned()));
            Ok(Spanned::new(value, node.span))
        }
        _ => Err(wrong_type(&node, element, "a string")),
    }
}

fn statements(node: Node<'_>) -> Result<Spanned<OneOrMany<Statement>>, ParseError> {
    let span = node.span;
    let value = match node.value {
        Value::Object(members) => OneOrMany::One(statement(members, span, 0)?),
        Value::Array(items) => {
            let mut out = Vec::with_capacity(items.len());
            for (i, item) in items.into_iter().enumerate() {
                match item.value {
                    Value::Object(members) => out.push(statement(members, item.span, i)?),
                    _ => return Err(wrong_type(&item, format!("Statement[{i}]"), "an object")),
                }
            }
            OneOrMany::Many(out)
        }
        _ => {
            return Err(wrong_type(
                &node,
                "Statement",
                "an object or an array of objects",
            ))
        }
    };
    Ok(Spanned::new(value, span))
}

fn statement(members: Vec<Member<'_>>, span: Span, index: usize) -> Result<Statement, ParseError> {
    statement_members(members, span).map_err(|e| e.in_context(|| format!("statement {index}")))
}

fn statement_members(members: Vec<Member<'_>>, span: Span) -> Result<Statement, ParseError> {
    let mut known = KnownMembers::<9>::new(STATEMENT_MEMBERS);
    let mut st = Statement {
        sid: None,
        effect: None,
        principal: None,
        not_principal: None,
        action: None,
        not_action: None,
        resource: None,
        not_resource: None,
        condition: None,
        span,
    };
    for member in members {
        let i = known.check(&member)?;
        let value = member.value;
        match i {
            0 => st.sid = Some(string(value, "Sid")?),
            1 => {
                st.effect = Some(keyword(
                    value,
                    "Effect",
                    |s| match s {
                        "Allow" => Some(Effect::Allow),
                        "Deny" => Some(Effect::Deny),
                        // Not an error: validation reports it (R1 item 10).
                        _ => None,
                    },
                    Effect::Other,
                )?)
            }
            2 => st.principal = Some(principal(value, "Principal")?),
            3 => st.not_principal = Some(principal(value, "NotPrincipal")?),
            4 => st.action = Some(string_list(value, "Action")?),
            5 => st.not_action = Some(string_list(value, "NotAction")?),
            6 => st.resource = Some(string_list(value, "Resource")?),
            7 => st.not_resource = Some(string_list(value, "NotResource")?),
            _ => st.condition = Some(condition(value)?),
        }
    }
    Ok(st)
}

/// A string or an array of strings.
fn string_list(
    node: Node<'_>,
    element: &str,
) -> Result<Spanned<OneOrMany<Spanned<String>>>, ParseError> {
    let span = node.span;
    let value = match node.value {
        Value::String(s) => OneOrMany::One(Spanned::new(s.into_owned(), span)),
        Value::Array(items) => {
            let mut out = Vec::with_capacity(items.len());
            for (i, item) in items.into_iter().enumerate() {
                match item.value {
                    Value::String(s) => out.push(Spanned::new(s.into_owned(), item.span)),
                    _ => return Err(wrong_type(&item, format!("{element}[{i}]"), "a string")),
                }
            }
            OneOrMany::Many(out)
        }
        _ => {
            return Err(wrong_type(
                &node,
                element,
                "a string or an array of strings",
            ))
        }
    };
    Ok(Spanned::new(value, span))
}

fn principal(node: Node<'_>, element: &str) -> Result<Spanned<Principal>, ParseError> {
    let span = node.span;
    let value = match node.value {
        Value::String(s) if s == "*" => Principal::Wildcard,
        Value::String(s) => {
            let kind = ParseErrorKind::InvalidPrincipal {
                value: s.into_owned(),
            };
            return Err(ParseError::at(span, kind));
        }
        Value::Object(members) => {
            let mut known = KnownMembers::<4>::new(PRINCIPAL_MEMBERS);
            let mut entries = Vec::with_capacity(members.len());
            for member in members {
                let i = known.check(&member)?;
                // INVARIANT: `PRINCIPAL_KINDS` has one kind per entry of
                // `PRINCIPAL_MEMBERS`, in the same order (the unit test
                // `principal_kinds_follow_members` pins it).
                let kind = PRINCIPAL_KINDS.get(i).copied();
                debug_assert!(kind.is_some(), "principal member {i} has no kind");
                let kind = kind.unwrap_or(PrincipalKind::Aws);
                entries.push(PrincipalEntry {
                    kind: Spanned::new(kind, member.key_span),
                    values: string_list(member.value, kind.as_str())?,
                });
            }
            Principal::Map(entries)
        }
        _ => return Err(wrong_type(&node, element, "the string \"*\" or an object")),
    };
    Ok(Spanned::new(value, span))
}

fn condition(node: Node<'_>) -> Result<Spanned<Condition>, ParseError> {
    let span = node.span;
    let Value::Object(members) = node.value else {
        return Err(wrong_type(&node, "Condition", "an object"));
    };
    let mut blocks: Vec<ConditionBlock> = Vec::with_capacity(members.len());
    for member in members {
        // Canonical spelling only; the error names the closest operator
        // (docs/SEMANTICS.md D2, docs/DECISIONS.md R1 item 7).
        let operator = parse_operator(&member.key)
            .map_err(|e| ParseError::at(member.key_span, ParseErrorKind::Operator(e)))?;
        // Two operators are equal only when spelled the same, so this is the
        // duplicate-member check. At most ~150 distinct operators exist, so
        // the linear search is bounded.
        if let Some(first) = blocks.iter().find(|b| b.operator.node == operator) {
            return Err(duplicate(&member.key, member.key_span, first.operator.span));
        }
        let block_span = member.value.span;
        let entries = condition_entries(member.value, &member.key)
            .map_err(|e| e.in_context(|| format!("`{}`", member.key)))?;
        blocks.push(ConditionBlock {
            operator: Spanned::new(operator, member.key_span),
            entries,
            span: block_span,
        });
    }
    Ok(Spanned::new(Condition { blocks }, span))
}

/// Case folding of condition key names (docs/DECISIONS.md R6).
fn fold(s: &str) -> impl Iterator<Item = char> + '_ {
    s.chars().flat_map(char::to_lowercase)
}

/// Whether two keys are equal after R6 folding.
///
/// For ASCII text, Unicode lower-casing is ASCII lower-casing, so the
/// byte-wise comparison gives the same answer. It made parsing the IRSA
/// policy of docs/SEMANTICS.md §5.1 (two 75-byte keys sharing a 70-byte prefix)
/// about 1.9x faster: 1.73 us to 0.9 us.
fn eq_folded(a: &str, b: &str) -> bool {
    if a.is_ascii() && b.is_ascii() {
        a.eq_ignore_ascii_case(b)
    } else {
        fold(a).eq(fold(b))
    }
}

/// The R6-folded key, for the hash map (same ASCII shortcut as
/// [`eq_folded`]).
fn folded(s: &str) -> String {
    if s.is_ascii() {
        s.to_ascii_lowercase()
    } else {
        fold(s).collect()
    }
}

/// Below this many keys a linear scan finds duplicates faster than hashing
/// folded copies of the keys; above it the hash map keeps a huge operator
/// block linear.
const LINEAR_SCAN_MAX: usize = 16;

fn condition_entries(node: Node<'_>, operator: &str) -> Result<Vec<ConditionEntry>, ParseError> {
    let Value::Object(members) = node.value else {
        return Err(wrong_type(&node, operator, "an object of condition keys"));
    };
    let mut entries: Vec<ConditionEntry> = Vec::with_capacity(members.len());
    let mut by_folded: Option<HashMap<String, usize>> = None;
    for member in members {
        let first = if entries.len() < LINEAR_SCAN_MAX {
            entries
                .iter()
                .position(|e| eq_folded(&e.key.node, &member.key))
        } else {
            let map = by_folded.get_or_insert_with(|| {
                entries
                    .iter()
                    .enumerate()
                    .map(|(i, e)| (folded(&e.key.node), i))
                    .collect()
            });
            map.get(&folded(&member.key)).copied()
        };
        if let Some(first) = first.and_then(|i| entries.get(i)) {
            let f = first.key.span;
            return Err(if first.key.node == *member.key {
                duplicate(&member.key, member.key_span, f)
            } else {
                ParseError::at(
                    member.key_span,
                    ParseErrorKind::DuplicateConditionKey {
                        name: member.key.into_owned(),
                        first: first.key.node.clone(),
                        first_line: f.line,
                        first_column: f.column,
                    },
                )
            });
        }
        if let Some(map) = by_folded.as_mut() {
            map.insert(folded(&member.key), entries.len());
        }
        let key = Spanned::new(member.key.into_owned(), member.key_span);
        let values = condition_values(member.value, &key.node)?;
        entries.push(ConditionEntry { key, values });
    }
    Ok(entries)
}

/// A condition value (a string, number or boolean) or an array of them
/// (docs/DECISIONS.md R1 item 5).
fn condition_values(
    node: Node<'_>,
    key: &str,
) -> Result<Spanned<OneOrMany<Spanned<ConditionValue>>>, ParseError> {
    let span = node.span;
    let value = match node.value {
        Value::Array(items) => {
            let mut out = Vec::with_capacity(items.len());
            for (i, item) in items.into_iter().enumerate() {
                match scalar(item) {
                    Ok(v) => out.push(v),
                    Err(item) => {
                        let element = format!("{key}[{i}]");
                        return Err(wrong_type(&item, element, "a string, number or boolean"));
                    }
                }
            }
            OneOrMany::Many(out)
        }
        _ => match scalar(node) {
            Ok(v) => OneOrMany::One(v),
            Err(node) => {
                let expected = "a string, number or boolean, or an array of those";
                return Err(wrong_type(&node, key, expected));
            }
        },
    };
    Ok(Spanned::new(value, span))
}

/// The node as a condition value, or the node back if it is not one.
fn scalar(node: Node<'_>) -> Result<Spanned<ConditionValue>, Node<'_>> {
    let value = match node.value {
        Value::String(s) => ConditionValue::String(s.into_owned()),
        Value::Number(n) => ConditionValue::Number(crate::ast::Number(n)),
        Value::Bool(b) => ConditionValue::Bool(b),
        _ => return Err(node),
    };
    Ok(Spanned::new(value, node.span))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The principal member at index `i` reads as the kind at index `i`
    /// (the invariant the principal reader's lookup relies on).
    #[test]
    fn principal_kinds_follow_members() {
        assert_eq!(PRINCIPAL_MEMBERS.len(), PRINCIPAL_KINDS.len());
        for (member, kind) in PRINCIPAL_MEMBERS.iter().zip(PRINCIPAL_KINDS) {
            assert_eq!(kind.as_str(), *member);
        }
    }
}
