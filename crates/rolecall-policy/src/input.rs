//! Input forms: a policy as people and tools hand it over.
//!
//! [`parse_document`] accepts:
//!
//! * a policy object ([`InputForm::Policy`]);
//! * a URL-encoded policy, text starting with `%7B`, as the IAM API and
//!   account dumps return it ([`InputForm::UrlEncoded`]);
//! * `aws iam get-role` output, `{"Role": {..., "AssumeRolePolicyDocument":
//!   ...}}`, whose document is an object ([`InputForm::GetRole`]), a
//!   URL-encoded string ([`InputForm::GetRoleUrlEncoded`]) or a string
//!   holding JSON text ([`InputForm::GetRoleJsonString`]).
//!
//! The policy itself is always read strictly, as by [`crate::parse`]; the
//! get-role wrapper around it is read as plain JSON, since its other fields
//! (a role description, tags) may hold any characters.
//!
//! **Positions.** For [`InputForm::Policy`] and [`InputForm::GetRole`] every
//! span and error position refers to the input. For the other forms they
//! refer to the decoded policy text, which [`Document::policy_text`] holds;
//! errors in such text say so in their context (`decoded text`).

use crate::ast::Policy;
use crate::error::{ParseError, ParseErrorKind};
use crate::json::{line_column, Member, Origin, Value};
use crate::parse::Parser;

/// The form a document was given in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum InputForm {
    /// A policy object.
    Policy,
    /// A URL-encoded policy (`%7B%22Version%22...`).
    UrlEncoded,
    /// `aws iam get-role` output whose `AssumeRolePolicyDocument` is an
    /// object.
    GetRole,
    /// `aws iam get-role` output whose `AssumeRolePolicyDocument` is a
    /// URL-encoded string.
    GetRoleUrlEncoded,
    /// `aws iam get-role` output whose `AssumeRolePolicyDocument` is a
    /// string holding JSON text.
    GetRoleJsonString,
}

/// A policy read by [`parse_document`], with what is known about its
/// origin.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Document {
    /// The form the input had.
    pub form: InputForm,
    /// The policy.
    pub policy: Policy,
    /// `Role.Arn` of get-role output, when it is a string.
    pub role_arn: Option<String>,
    /// `Role.RoleName` of get-role output, when it is a string.
    pub role_name: Option<String>,
    /// The decoded text the policy's spans refer to, for the forms whose
    /// policy is not a slice of the input (URL-encoded, or a string inside
    /// get-role output). `None` when the spans refer to the input.
    pub policy_text: Option<String>,
}

/// Reads a policy in any supported [`InputForm`] with the default limits.
///
/// ```
/// use rolecall_policy::{parse_document, InputForm};
///
/// let doc = parse_document("%7B%22Statement%22%3A%5B%5D%7D").unwrap();
/// assert_eq!(doc.form, InputForm::UrlEncoded);
/// assert_eq!(doc.policy_text.as_deref(), Some(r#"{"Statement":[]}"#));
/// ```
pub fn parse_document(input: impl AsRef<[u8]>) -> Result<Document, ParseError> {
    Parser::default().parse_document(input.as_ref())
}

fn is_ws(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r')
}

/// Whether `text` (after leading whitespace) starts with a URL-encoded `{`.
fn looks_url_encoded(text: &[u8]) -> bool {
    let start = text.iter().position(|&b| !is_ws(b)).unwrap_or(text.len());
    text.get(start..start + 3)
        .is_some_and(|p| p.eq_ignore_ascii_case(b"%7b"))
}

/// Whether `text` is an object whose first member is `"Role"`: get-role
/// output. A policy never has a `Role` member, so this cannot take a policy
/// for a wrapper.
fn looks_like_get_role(text: &[u8]) -> bool {
    let mut rest = text;
    let skip = |rest: &mut &[u8]| {
        let n = rest.iter().position(|&b| !is_ws(b)).unwrap_or(rest.len());
        *rest = rest.get(n..).unwrap_or_default();
    };
    skip(&mut rest);
    let Some(r) = rest.strip_prefix(b"{") else {
        return false;
    };
    rest = r;
    skip(&mut rest);
    let Some(r) = rest.strip_prefix(b"\"Role\"") else {
        return false;
    };
    rest = r;
    skip(&mut rest);
    rest.starts_with(b":")
}

/// Decodes `%XX` escapes; other bytes pass through (`+` stays `+`: AWS
/// encodes a space as `%20`).
///
/// Written by hand rather than with the `percent-encoding` crate because
/// that crate passes a malformed `%` through unchanged, and a policy must
/// fail closed with the position of the bad escape. Returns the offset of
/// the first malformed `%` on error.
fn percent_decode(text: &[u8]) -> Result<Vec<u8>, usize> {
    let mut out = Vec::with_capacity(text.len());
    let mut i = 0;
    while let Some(&b) = text.get(i) {
        if b == b'%' {
            let hex = |j: usize| text.get(j).and_then(|&h| char::from(h).to_digit(16));
            match (hex(i + 1), hex(i + 2)) {
                (Some(hi), Some(lo)) => {
                    // Two hex digits make a value below 256.
                    out.push(u8::try_from(hi * 16 + lo).unwrap_or(0));
                    i += 3;
                }
                _ => return Err(i),
            }
        } else {
            out.push(b);
            i += 1;
        }
    }
    Ok(out)
}

impl Parser {
    /// Reads a policy in any supported [`InputForm`] (see the
    /// [module documentation](crate::input)).
    pub fn parse_document(&self, input: &[u8]) -> Result<Document, ParseError> {
        let document = |form, policy, policy_text| Document {
            form,
            policy,
            role_arn: None,
            role_name: None,
            policy_text,
        };
        if looks_url_encoded(input) {
            // The size limit applies to what was handed over, before decoding.
            self.check_input(input)?;
            let (policy, text) = self.parse_url_encoded(input)?;
            Ok(document(InputForm::UrlEncoded, policy, Some(text)))
        } else if looks_like_get_role(input) {
            self.parse_get_role(input)
        } else {
            Ok(document(InputForm::Policy, self.parse(input)?, None))
        }
    }

    /// Decodes and parses URL-encoded policy text.
    fn parse_url_encoded(&self, encoded: &[u8]) -> Result<(Policy, String), ParseError> {
        let start = encoded.iter().position(|&b| !is_ws(b)).unwrap_or(0);
        let end = encoded
            .iter()
            .rposition(|&b| !is_ws(b))
            .map_or(start, |p| p + 1);
        let trimmed = encoded.get(start..end).unwrap_or_default();
        let decoded = percent_decode(trimmed).map_err(|at| {
            let offset = start + at;
            let (line, column) = line_column(encoded, offset);
            ParseError::new(ParseErrorKind::InvalidPercentEncoding, offset, line, column)
        })?;
        let in_decoded = |e: ParseError| e.in_context(|| "decoded text".to_owned());
        let policy = self.parse(&decoded).map_err(in_decoded)?;
        // `parse` succeeded, so the bytes are UTF-8; should that ever not
        // hold, the input is refused rather than read as empty text.
        let text = String::from_utf8(decoded).map_err(|e| {
            let offset = start + e.utf8_error().valid_up_to();
            let (line, column) = line_column(encoded, offset);
            ParseError::new(ParseErrorKind::InvalidUtf8, offset, line, column)
        })?;
        Ok((policy, text))
    }

    /// Reads `aws iam get-role` output.
    fn parse_get_role(&self, input: &[u8]) -> Result<Document, ParseError> {
        let text = self.check_input(input)?;
        let root = self.read_loose(text)?;
        let Value::Object(members) = &root.value else {
            let found = root.value.type_name();
            return Err(ParseError::at(
                root.span,
                ParseErrorKind::NotAnObject { found },
            ));
        };
        let role = unique(members, "Role")?.ok_or_else(|| missing(root.span, "Role"))?;
        let Value::Object(role_members) = &role.value.value else {
            return Err(wrong_type(role, "Role", "an object"));
        };
        let string_member = |name| -> Result<Option<String>, ParseError> {
            Ok(
                unique(role_members, name)?.and_then(|m| match &m.value.value {
                    Value::String(s) => Some(s.to_string()),
                    _ => None,
                }),
            )
        };
        let role_arn = string_member("Arn")?;
        let role_name = string_member("RoleName")?;
        let doc = unique(role_members, "AssumeRolePolicyDocument")?
            .ok_or_else(|| missing(role.value.span, "AssumeRolePolicyDocument"))?;
        let span = doc.value.span;
        let (form, policy, policy_text) = match &doc.value.value {
            Value::Object(_) => {
                // Read the document strictly where it sits, so positions
                // refer to the input.
                let origin = Origin {
                    start: span.start,
                    end: span.end,
                    line: span.line,
                    column: span.column,
                };
                let policy = self.parse_region(text, origin)?;
                (InputForm::GetRole, policy, None)
            }
            Value::String(s) if looks_url_encoded(s.as_bytes()) => {
                let (policy, text) = self
                    .parse_url_encoded(s.as_bytes())
                    .map_err(|e| e.in_context(|| "`AssumeRolePolicyDocument`".to_owned()))?;
                (InputForm::GetRoleUrlEncoded, policy, Some(text))
            }
            Value::String(s) => {
                let policy = self
                    .parse(s.as_bytes())
                    .map_err(|e| e.in_context(|| "decoded text".to_owned()))
                    .map_err(|e| e.in_context(|| "`AssumeRolePolicyDocument`".to_owned()))?;
                (InputForm::GetRoleJsonString, policy, Some(s.to_string()))
            }
            _ => {
                return Err(wrong_type(
                    doc,
                    "AssumeRolePolicyDocument",
                    "an object or a string",
                ))
            }
        };
        Ok(Document {
            form,
            policy,
            role_arn,
            role_name,
            policy_text,
        })
    }
}

/// The member called `name`, refusing two of them: a wrapper with two
/// documents is ambiguous.
fn unique<'m, 'a>(
    members: &'m [Member<'a>],
    name: &str,
) -> Result<Option<&'m Member<'a>>, ParseError> {
    let mut found: Option<&Member<'a>> = None;
    for m in members.iter().filter(|m| m.key == name) {
        if let Some(first) = found {
            let kind = ParseErrorKind::DuplicateKey {
                name: name.to_owned(),
                first_line: first.key_span.line,
                first_column: first.key_span.column,
            };
            return Err(ParseError::at(m.key_span, kind));
        }
        found = Some(m);
    }
    Ok(found)
}

fn missing(span: crate::Span, name: &'static str) -> ParseError {
    ParseError::at(span, ParseErrorKind::MissingMember { name })
}

fn wrong_type(member: &Member<'_>, element: &str, expected: &'static str) -> ParseError {
    ParseError::at(
        member.value.span,
        ParseErrorKind::WrongType {
            element: element.to_owned(),
            expected,
            found: member.value.value.type_name(),
        },
    )
}
