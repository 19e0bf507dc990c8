//! Policy variables in condition values (docs/DECISIONS.md R4, docs/SEMANTICS.md §3.10).
//!
//! Grammar, applied only under `Version` 2012-10-17 and only to the values of
//! String, ARN and Bool operators (the caller decides; see
//! [`crate::BaseOperator::accepts_variables`]):
//!
//! ```text
//! template := ( literal | "${*}" | "${?}" | "${$}" | variable )*
//! variable := "${" NAME ( ", '" DEFAULT "'" )? "}"
//! NAME     := one or more chars, none of them whitespace, `{`, `}`, `$`, `,`, `'`
//! DEFAULT  := any chars except `'`
//! ```
//!
//! A `$` not followed by `{` is literal, and so is a `}` on its own.

use nom::bytes::complete::{tag, take_till, take_while1};
use nom::character::complete::char;
use nom::combinator::opt;
use nom::sequence::{delimited, preceded};
use nom::Parser;

use super::{offset_in, PResult};

/// A condition value read as text with policy variables.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Template {
    /// The pieces in order. [`parse_template`] never produces two adjacent
    /// `Literal`s nor an empty `Literal`.
    pub parts: Vec<TemplatePart>,
}

/// One piece of a [`Template`].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum TemplatePart {
    /// Literal text (may still hold wildcards for `*Like` operators).
    Literal(String),
    /// `${*}`, `${?}` or `${$}`: the literal character `*`, `?` or `$`, never
    /// a wildcard.
    Escaped(char),
    /// `${NAME}` or `${NAME, 'DEFAULT'}`.
    Variable {
        /// The key name as written (looked up ignoring case, R6).
        name: String,
        /// The default used when the key is missing.
        default: Option<String>,
    },
}

impl Template {
    /// Whether any part is a [`TemplatePart::Variable`] (escapes do not
    /// count: they need no request context).
    pub fn has_variables(&self) -> bool {
        self.parts
            .iter()
            .any(|p| matches!(p, TemplatePart::Variable { .. }))
    }

    /// The whole string as one literal part, for values where variables are
    /// not read (2008-10-17, or Numeric/Date/IP/Binary/Null operators).
    pub fn literal(s: &str) -> Template {
        Template {
            parts: vec![TemplatePart::Literal(s.to_owned())],
        }
    }
}

/// Why a value's policy variable syntax is malformed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
#[error("{kind} (at byte {offset})")]
pub struct VariableError {
    /// Byte offset in the value: the `${` for `Unclosed` and `Empty`, else
    /// the offending character.
    pub offset: usize,
    /// What is wrong.
    pub kind: VariableErrorKind,
}

/// The kinds of [`VariableError`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum VariableErrorKind {
    /// `${` with no closing `}`.
    #[error("policy variable `${{` has no closing `}}`")]
    Unclosed,
    /// `${}` or a default with no name (`${, 'x'}`).
    #[error("policy variable has an empty name")]
    Empty,
    /// Whitespace in a variable name.
    #[error("policy variable name contains whitespace")]
    SpaceInName,
    /// `{`, `$` or `'` in a variable name.
    #[error("policy variable name contains `{0}`")]
    InvalidNameChar(char),
    /// Text after the name that is not `}` or `, 'DEFAULT'}`.
    #[error("policy variable default must be written `${{name, 'default'}}`")]
    BadDefault,
}

fn is_name_char(c: char) -> bool {
    !(c.is_whitespace() || matches!(c, '{' | '}' | '$' | ',' | '\''))
}

/// `${NAME}` or `${NAME, 'DEFAULT'}` after the `${`.
fn named(i: &str) -> PResult<'_, TemplatePart> {
    let (i, name) = take_while1(is_name_char).parse(i)?;
    let (i, default) = opt(delimited(tag(", '"), take_till(|c| c == '\''), char('\''))).parse(i)?;
    let (i, _) = char('}').parse(i)?;
    Ok((
        i,
        TemplatePart::Variable {
            name: name.to_owned(),
            default: default.map(str::to_owned),
        },
    ))
}

fn escaped(i: &str) -> PResult<'_, TemplatePart> {
    let (i, c) = nom::character::complete::one_of("*?$").parse(i)?;
    let (i, _) = char('}').parse(i)?;
    Ok((i, TemplatePart::Escaped(c)))
}

fn placeholder(i: &str) -> PResult<'_, TemplatePart> {
    preceded(tag("${"), nom::branch::alt((escaped, named))).parse(i)
}

/// Explains why the placeholder starting at `start` (a `${`) in `s` did not
/// parse.
fn diagnose(s: &str, start: usize) -> VariableError {
    let err = |offset, kind| VariableError { offset, kind };
    let body_at = start + 2;
    let body = s.get(body_at..).unwrap_or("");
    let name_len: usize = body
        .chars()
        .take_while(|&c| is_name_char(c))
        .map(char::len_utf8)
        .sum();
    let after_at = body_at + name_len;
    let after = s.get(after_at..).unwrap_or("");
    match after.chars().next() {
        None => err(start, VariableErrorKind::Unclosed),
        Some('}') | Some(',') if name_len == 0 => err(start, VariableErrorKind::Empty),
        Some(c) if c.is_whitespace() => err(after_at, VariableErrorKind::SpaceInName),
        Some(',') => match after.strip_prefix(", '") {
            // `${a, 'x` ends before its closing quote and brace.
            Some(rest) if !rest.contains('\'') => err(start, VariableErrorKind::Unclosed),
            _ => err(after_at, VariableErrorKind::BadDefault),
        },
        // Only `{`, `$` and `'` stop a name and are not handled above
        // (`}` after a non-empty name parses).
        Some(c) => err(after_at, VariableErrorKind::InvalidNameChar(c)),
    }
}

/// Reads a condition value as a template of literals and policy variables.
///
/// The empty string gives a template with no parts.
///
/// ```
/// use rolecall_policy::grammar::variable::{parse_template, TemplatePart, VariableErrorKind};
/// let t = parse_template("home/${aws:username, 'none'}/${*}").unwrap();
/// assert_eq!(t.parts, vec![
///     TemplatePart::Literal("home/".into()),
///     TemplatePart::Variable { name: "aws:username".into(), default: Some("none".into()) },
///     TemplatePart::Literal("/".into()),
///     TemplatePart::Escaped('*'),
/// ]);
/// assert_eq!(parse_template("a${b").unwrap_err().kind, VariableErrorKind::Unclosed);
/// ```
pub fn parse_template(s: &str) -> Result<Template, VariableError> {
    let mut parts = Vec::new();
    let mut literal = String::new();
    let mut rest = s;
    while !rest.is_empty() {
        if rest.starts_with("${") {
            match placeholder(rest) {
                Ok((after, part)) => {
                    if !literal.is_empty() {
                        parts.push(TemplatePart::Literal(std::mem::take(&mut literal)));
                    }
                    parts.push(part);
                    rest = after;
                }
                Err(_) => return Err(diagnose(s, offset_in(s, rest))),
            }
        } else {
            // A `$` not followed by `{` and a lone `}` are literal: copy up
            // to the next `$` (at least one char) in one step.
            let n = rest
                .char_indices()
                .skip(1)
                .find(|&(_, c)| c == '$')
                .map_or(rest.len(), |(i, _)| i);
            let (lit, after) = rest.split_at(n);
            literal.push_str(lit);
            rest = after;
        }
    }
    if !literal.is_empty() {
        parts.push(TemplatePart::Literal(literal));
    }
    Ok(Template { parts })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lit(s: &str) -> TemplatePart {
        TemplatePart::Literal(s.into())
    }
    fn var(n: &str, d: Option<&str>) -> TemplatePart {
        TemplatePart::Variable {
            name: n.into(),
            default: d.map(Into::into),
        }
    }

    #[test]
    fn well_formed() {
        let cases: &[(&str, Vec<TemplatePart>)] = &[
            ("", vec![]),
            ("plain", vec![lit("plain")]),
            ("$", vec![lit("$")]),
            ("a$b}c", vec![lit("a$b}c")]),
            ("$$", vec![lit("$$")]),
            ("${a}", vec![var("a", None)]),
            ("$${a}", vec![lit("$"), var("a", None)]),
            ("${a}}", vec![var("a", None), lit("}")]),
            (
                "${*}${?}${$}",
                vec![
                    TemplatePart::Escaped('*'),
                    TemplatePart::Escaped('?'),
                    TemplatePart::Escaped('$'),
                ],
            ),
            ("${aws:x, ''}", vec![var("aws:x", Some(""))]),
            ("${aws:x, 'a b, $c}'}", vec![var("aws:x", Some("a b, $c}"))]),
            ("${**}", vec![var("**", None)]),
            ("x${GH:sub}y", vec![lit("x"), var("GH:sub", None), lit("y")]),
            ("é${é}é", vec![lit("é"), var("é", None), lit("é")]),
        ];
        for (s, parts) in cases {
            let t = parse_template(s).unwrap();
            assert_eq!(&t.parts, parts, "{s:?}");
            assert_eq!(
                t.has_variables(),
                parts
                    .iter()
                    .any(|p| matches!(p, TemplatePart::Variable { .. })),
                "{s:?}"
            );
        }
    }

    #[test]
    fn malformed() {
        use VariableErrorKind::*;
        let cases = [
            ("${", 0, Unclosed),
            ("ab${cd", 2, Unclosed),
            ("${a, 'x", 0, Unclosed),
            ("${}", 0, Empty),
            ("x${, 'd'}", 1, Empty),
            ("${a b}", 3, SpaceInName),
            ("${ a}", 2, SpaceInName),
            ("${a\t}", 3, SpaceInName),
            ("${a,'d'}", 3, BadDefault),
            ("${a, d}", 3, BadDefault),
            ("${a, 'd' }", 3, BadDefault),
            ("${a, 'd'x}", 3, BadDefault),
            ("${a{b}", 3, InvalidNameChar('{')),
            ("${a${b}}", 3, InvalidNameChar('$')),
            ("${a'}", 3, InvalidNameChar('\'')),
            ("${{}", 2, InvalidNameChar('{')),
        ];
        for (s, offset, kind) in cases {
            let e = parse_template(s).unwrap_err();
            assert_eq!((e.offset, &e.kind), (offset, &kind), "{s:?}");
        }
        assert_eq!(
            parse_template("${a b}").unwrap_err().to_string(),
            "policy variable name contains whitespace (at byte 3)"
        );
    }

    #[test]
    fn literal_template() {
        let t = Template::literal("${a}");
        assert_eq!(t.parts, vec![lit("${a}")]);
        assert!(!t.has_variables());
    }
}
