//! Conditions: operator names (R1.7), policy variables (R4), wildcards (R5),
//! typed operators (R7), ARN operators (R8) and the missing-key and set
//! rules (R9), following the pseudocode of docs/SEMANTICS.md §3.11.

use crate::values;
use crate::wildcard::{self, Pat};
use crate::{fold, Context, ContextValue};
use serde_json::Value;

/// Every base operator: (name, positive counterpart, negated). docs/SEMANTICS.md §3.3, 3.4, 3.6.
const BASE_OPERATORS: &[(&str, &str, bool)] = &[
    ("StringEquals", "StringEquals", false),
    ("StringNotEquals", "StringEquals", true),
    ("StringEqualsIgnoreCase", "StringEqualsIgnoreCase", false),
    ("StringNotEqualsIgnoreCase", "StringEqualsIgnoreCase", true),
    ("StringLike", "StringLike", false),
    ("StringNotLike", "StringLike", true),
    ("NumericEquals", "NumericEquals", false),
    ("NumericNotEquals", "NumericEquals", true),
    ("NumericLessThan", "NumericLessThan", false),
    ("NumericLessThanEquals", "NumericLessThanEquals", false),
    ("NumericGreaterThan", "NumericGreaterThan", false),
    (
        "NumericGreaterThanEquals",
        "NumericGreaterThanEquals",
        false,
    ),
    ("DateEquals", "DateEquals", false),
    ("DateNotEquals", "DateEquals", true),
    ("DateLessThan", "DateLessThan", false),
    ("DateLessThanEquals", "DateLessThanEquals", false),
    ("DateGreaterThan", "DateGreaterThan", false),
    ("DateGreaterThanEquals", "DateGreaterThanEquals", false),
    ("Bool", "Bool", false),
    ("BinaryEquals", "BinaryEquals", false),
    ("IpAddress", "IpAddress", false),
    ("NotIpAddress", "IpAddress", true),
    ("ArnEquals", "ArnLike", false),
    ("ArnNotEquals", "ArnLike", true),
    ("ArnLike", "ArnLike", false),
    ("ArnNotLike", "ArnLike", true),
    ("Null", "Null", false),
];

/// `ForAllValues:` / `ForAnyValue:` (docs/SEMANTICS.md §3.7).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Qualifier {
    ForAllValues,
    ForAnyValue,
}

/// A condition operator `[Qualifier:]Base[IfExists]`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Operator {
    pub(crate) qualifier: Option<Qualifier>,
    /// The positive base operator (`ArnEquals` is read as `ArnLike`, R8).
    pub(crate) positive: &'static str,
    pub(crate) negated: bool,
    pub(crate) if_exists: bool,
}

impl Operator {
    /// R1.7: canonical spelling only, and never `NullIfExists` (D2, 3.6).
    pub(crate) fn parse(name: &str) -> Option<Operator> {
        let (qualifier, rest) = if let Some(rest) = name.strip_prefix("ForAllValues:") {
            (Some(Qualifier::ForAllValues), rest)
        } else if let Some(rest) = name.strip_prefix("ForAnyValue:") {
            (Some(Qualifier::ForAnyValue), rest)
        } else {
            (None, name)
        };
        let (base, if_exists) = match rest.strip_suffix("IfExists") {
            Some(base) => (base, true),
            None => (rest, false),
        };
        let &(_, positive, negated) = BASE_OPERATORS.iter().find(|(n, _, _)| *n == base)?;
        if positive == "Null" && if_exists {
            return None;
        }
        Some(Operator {
            qualifier,
            positive,
            negated,
            if_exists,
        })
    }

    /// The operator family, named by the start of the positive operator.
    pub(crate) fn is(&self, family: &str) -> bool {
        self.positive.starts_with(family)
    }

    /// R4: variables are read only in String, ARN and Bool operators, and
    /// only under 2012-10-17.
    pub(crate) fn reads_variables(&self, v2012: bool) -> bool {
        v2012 && (self.is("String") || self.is("Arn") || self.is("Bool"))
    }
}

/// The text of a condition value: a string as is, a number as serde_json
/// prints it, a boolean as `true`/`false` (R1.6, docs/SEMANTICS.md §1.10).
pub(crate) fn value_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// A piece of a policy value after reading its variables (R4).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Piece {
    /// A character of the written text (`*`, `?` and `:` keep their meaning
    /// in Like and ARN operators).
    Text(char),
    /// `${*}`, `${?}`, `${$}`: always a literal character.
    Escape(char),
    /// `${NAME}` or `${NAME, 'DEFAULT'}`.
    Variable {
        name: String,
        default: Option<String>,
    },
}

/// Reads the variables of a value (R4, docs/SEMANTICS.md §3.10); `Err` is R1.17.
pub(crate) fn read_variables(text: &str) -> Result<Vec<Piece>, String> {
    let chars: Vec<char> = text.chars().collect();
    let mut rest = chars.as_slice();
    let mut pieces = Vec::new();
    while let Some((&c, tail)) = rest.split_first() {
        if let ['$', '{', after @ ..] = rest {
            let (piece, after) = read_variable(after)
                .ok_or_else(|| format!("malformed policy variable in `{text}`"))?;
            pieces.push(piece);
            rest = after;
        } else {
            // A `$` not followed by `{`, or a `}` on its own, is literal.
            pieces.push(Piece::Text(c));
            rest = tail;
        }
    }
    Ok(pieces)
}

/// Reads what follows `${`: `*}`, `?}`, `$}`, `NAME}` or `NAME, 'DEFAULT'}`.
fn read_variable(rest: &[char]) -> Option<(Piece, &[char])> {
    if let [c @ ('*' | '?' | '$'), '}', after @ ..] = rest {
        return Some((Piece::Escape(*c), after));
    }
    let name_len = rest
        .iter()
        .take_while(|c| !c.is_whitespace() && !"{}$,'".contains(**c))
        .count();
    let (name, rest) = rest.split_at_checked(name_len)?;
    if name.is_empty() {
        return None;
    }
    let name: String = name.iter().collect();
    match rest {
        ['}', after @ ..] => Some((
            Piece::Variable {
                name,
                default: None,
            },
            after,
        )),
        [',', ' ', '\'', more @ ..] => {
            let default_len = more.iter().take_while(|c| **c != '\'').count();
            let (default, rest) = more.split_at_checked(default_len)?;
            match rest {
                ['\'', '}', after @ ..] => {
                    let default = Some(default.iter().collect());
                    Some((Piece::Variable { name, default }, after))
                }
                _ => None,
            }
        }
        _ => None,
    }
}

/// The pieces of a value: variables read when the operator and version
/// allow it, otherwise every character is text. Malformed variables were
/// refused by validation (R1.17), so here they cannot occur; fall back to
/// text to stay total.
fn pieces(op: &Operator, text: &str, v2012: bool) -> Vec<Piece> {
    if op.reads_variables(v2012) {
        if let Ok(pieces) = read_variables(text) {
            return pieces;
        }
    }
    text.chars().map(Piece::Text).collect()
}

/// A resolved character: `literal` is false only for characters of the
/// written text, which may be wildcards (R5) or ARN separators (R8).
#[derive(Debug, Clone, Copy)]
struct Resolved {
    c: char,
    literal: bool,
}

/// Substitutes the variables once, literally (R4, D4). `None` when a
/// variable cannot be resolved: then the value matches nothing.
fn resolve(pieces: &[Piece], ctx: &Context<'_>) -> Option<Vec<Resolved>> {
    let mut out = Vec::new();
    let literal = |s: &str| {
        s.chars()
            .map(|c| Resolved { c, literal: true })
            .collect::<Vec<_>>()
    };
    for piece in pieces {
        match piece {
            Piece::Text(c) => out.push(Resolved {
                c: *c,
                literal: false,
            }),
            Piece::Escape(c) => out.push(Resolved {
                c: *c,
                literal: true,
            }),
            Piece::Variable { name, default } => match (ctx.get(name), default) {
                (Some(ContextValue::Single(v)), _) => out.extend(literal(v)),
                (Some(ContextValue::Multi(_)), _) => return None,
                (None, Some(d)) => out.extend(literal(d)),
                (None, None) => return None,
            },
        }
    }
    Some(out)
}

/// The plain text after substitution.
fn text_of(resolved: &[Resolved]) -> String {
    resolved.iter().map(|r| r.c).collect()
}

/// A wildcard pattern: `*` and `?` of the written text are wildcards (R5).
fn pattern_of(resolved: &[Resolved]) -> Vec<Pat> {
    resolved
        .iter()
        .map(|r| match (r.c, r.literal) {
            ('*', false) => Pat::Star,
            ('?', false) => Pat::One,
            (c, _) => Pat::Lit(c),
        })
        .collect()
}

/// R1.17-R1.19: whether a value is acceptable for the operator.
pub(crate) fn check_value(op: &Operator, text: &str, v2012: bool) -> Result<(), String> {
    let pieces = if op.reads_variables(v2012) {
        read_variables(text)?
    } else {
        text.chars().map(Piece::Text).collect()
    };
    let has_variable = pieces.iter().any(|p| matches!(p, Piece::Variable { .. }));
    let ok = if op.is("Numeric") {
        values::number(text).is_some()
    } else if op.is("Date") {
        values::date(text).is_some()
    } else if op.is("IpAddress") {
        values::network(text).is_some()
    } else if op.is("Binary") {
        values::base64(text).is_some()
    } else if op.is("Bool") {
        // R1.18: a variable makes the value unknowable until evaluation.
        has_variable || values::boolean(text).is_some()
    } else if op.is("Null") {
        values::boolean(text).is_some()
    } else if op.is("Arn") {
        // R1.19: six components, counting only colons of the written text.
        pieces.iter().filter(|p| **p == Piece::Text(':')).count() >= 5
    } else {
        true
    };
    if ok {
        Ok(())
    } else {
        Err(format!("value `{text}` is not valid for `{}`", op.positive))
    }
}

/// `eval_key` of docs/SEMANTICS.md §3.11 with the R9 refinements.
pub(crate) fn eval_key(
    op: &Operator,
    key: &str,
    policy_values: &[String],
    ctx: &Context<'_>,
    v2012: bool,
) -> bool {
    let found = ctx.get(key);
    if op.positive == "Null" {
        // docs/SEMANTICS.md §3.6: `true` asks for absence, `false` for presence.
        let wants = |lit: &str| policy_values.iter().any(|v| v.eq_ignore_ascii_case(lit));
        let result = (wants("true") && found.is_none()) || (wants("false") && found.is_some());
        // R9: with a qualifier, Null is constant.
        return match op.qualifier {
            Some(Qualifier::ForAllValues) => true,
            Some(Qualifier::ForAnyValue) => false,
            None => result,
        };
    }
    // R9: IfExists with a missing key is true before the qualifier is looked at.
    if found.is_none() && op.if_exists {
        return true;
    }
    let base = |v: &str| base_match(op, v, policy_values, ctx, v2012);
    match (op.qualifier, found) {
        // docs/SEMANTICS.md §3.7: a missing key or an empty R is true for ForAllValues
        // and false for ForAnyValue.
        (Some(Qualifier::ForAllValues), _) => set_of(found).iter().all(|v| base(v)),
        (Some(Qualifier::ForAnyValue), _) => set_of(found).iter().any(|v| base(v)),
        // docs/SEMANTICS.md §3.2: a missing key is false, or true for a negated operator.
        (None, None) => op.negated,
        // D5, R9: a plain operator on a multivalued key is false.
        (None, Some(ContextValue::Multi(_))) => false,
        (None, Some(ContextValue::Single(v))) => base(v),
    }
}

/// R9: the set R; a multivalued key leaves out empty strings.
fn set_of(found: Option<&ContextValue>) -> Vec<&str> {
    match found {
        None => Vec::new(),
        Some(ContextValue::Single(v)) => vec![v.as_str()],
        Some(ContextValue::Multi(vs)) => vs
            .iter()
            .map(String::as_str)
            .filter(|v| !v.is_empty())
            .collect(),
    }
}

/// `base_match` of docs/SEMANTICS.md §3.11: OR over the values, NOR when negated.
fn base_match(
    op: &Operator,
    v: &str,
    policy_values: &[String],
    ctx: &Context<'_>,
    v2012: bool,
) -> bool {
    // R8: a context value that is not an ARN matches nothing, and the
    // negated ARN operators are false for it too.
    if op.is("Arn") && split_arn(v).is_none() {
        return false;
    }
    let any = policy_values
        .iter()
        .any(|p| positive_match(op, v, p, ctx, v2012));
    any != op.negated
}

/// A context ARN: at least five colons and `arn` first (R8).
fn split_arn(v: &str) -> Option<Vec<&str>> {
    let parts: Vec<&str> = v.splitn(6, ':').collect();
    (parts.len() == 6 && parts.first() == Some(&"arn")).then_some(parts)
}

/// Whether one policy value matches one context value under the positive
/// operator (R4-R8). An unresolvable variable matches nothing (R4).
fn positive_match(op: &Operator, v: &str, p: &str, ctx: &Context<'_>, v2012: bool) -> bool {
    let Some(resolved) = resolve(&pieces(op, p, v2012), ctx) else {
        return false;
    };
    let text = text_of(&resolved);
    match op.positive {
        "StringEquals" => text == v,
        "StringEqualsIgnoreCase" => fold(&text) == fold(v),
        "StringLike" => wildcard::matches(&pattern_of(&resolved), v),
        "ArnLike" => arn_like(&resolved, v),
        "Bool" => both(values::boolean(v), values::boolean(&text), |a, b| a == b),
        "BinaryEquals" => values::base64(&text).is_some_and(|bytes| bytes == v.as_bytes()),
        "IpAddress" => both(
            values::address(v),
            values::network(&text),
            values::in_network,
        ),
        numeric if op.is("Numeric") => both(values::number(v), values::number(&text), |a, b| {
            compare(numeric.trim_start_matches("Numeric"), a.partial_cmp(&b))
        }),
        date if op.is("Date") => both(values::date(v), values::date(&text), |a, b| {
            compare(date.trim_start_matches("Date"), Some(a.cmp(&b)))
        }),
        _ => false,
    }
}

/// Both sides must parse (R7: a context value that does not parse matches
/// no policy value).
fn both<A, B>(a: Option<A>, b: Option<B>, f: impl FnOnce(A, B) -> bool) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => f(a, b),
        _ => false,
    }
}

/// `context OP policy` (R7).
fn compare(test: &str, order: Option<std::cmp::Ordering>) -> bool {
    use std::cmp::Ordering::{Equal, Greater, Less};
    matches!(
        (test, order),
        ("Equals", Some(Equal))
            | ("LessThan", Some(Less))
            | ("LessThanEquals", Some(Less | Equal))
            | ("GreaterThan", Some(Greater))
            | ("GreaterThanEquals", Some(Greater | Equal))
    )
}

/// R8: split both at their first five colons (in the policy value, colons of
/// the written text only) and match component by component.
fn arn_like(policy: &[Resolved], v: &str) -> bool {
    let Some(context_parts) = split_arn(v) else {
        return false;
    };
    let mut policy_parts: Vec<Vec<Pat>> = vec![Vec::new()];
    for r in policy {
        if r.c == ':' && !r.literal && policy_parts.len() < 6 {
            policy_parts.push(Vec::new());
        } else if let Some(part) = policy_parts.last_mut() {
            part.extend(pattern_of(std::slice::from_ref(r)));
        }
    }
    policy_parts.len() == 6
        && policy_parts
            .iter()
            .zip(&context_parts)
            .all(|(p, c)| wildcard::matches(p, c))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variable_grammar() {
        let var = |name: &str, default: Option<&str>| Piece::Variable {
            name: name.into(),
            default: default.map(Into::into),
        };
        assert_eq!(read_variables("${a:b}").unwrap(), vec![var("a:b", None)]);
        assert_eq!(
            read_variables("${a, 'x }y'}").unwrap(),
            vec![var("a", Some("x }y"))]
        );
        assert_eq!(
            read_variables("$}${$}").unwrap(),
            vec![Piece::Text('$'), Piece::Text('}'), Piece::Escape('$')]
        );
        for bad in [
            "${",
            "${a",
            "${}",
            "${a b}",
            "${a,'x'}",
            "${a,  'x'}",
            "${a, 'x}",
            "${$a}",
        ] {
            assert!(read_variables(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn operator_names() {
        assert!(Operator::parse("ForAnyValue:StringLikeIfExists").is_some());
        assert!(Operator::parse("ForAllValues:Null").is_some());
        for bad in [
            "NullIfExists",
            "stringequals",
            "ForAllValuesStringEquals",
            "IfExists",
            "",
        ] {
            assert!(Operator::parse(bad).is_none(), "{bad}");
        }
    }
}
