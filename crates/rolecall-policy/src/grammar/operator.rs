//! Condition operator names: `[ForAllValues:|ForAnyValue:]Base[IfExists]`.
//!
//! Only AWS's canonical spelling is accepted (docs/SEMANTICS.md D2);
//! anything else is an error that names the closest valid operator.

use std::fmt;

use nom::branch::alt;
use nom::bytes::complete::tag;
use nom::character::complete::alpha1;
use nom::combinator::{all_consuming, opt, value};
use nom::Parser;

use super::PResult;

/// A parsed condition operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Operator {
    /// `ForAllValues:` or `ForAnyValue:`, if present.
    pub qualifier: Option<SetQualifier>,
    /// The base operator.
    pub base: BaseOperator,
    /// Whether `IfExists` was appended (never with `Null`).
    pub if_exists: bool,
}

/// A set qualifier for multivalued keys (docs/SEMANTICS.md §3.7).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SetQualifier {
    /// `ForAllValues:`: every context value must match; true when none.
    ForAllValues,
    /// `ForAnyValue:`: at least one context value must match.
    ForAnyValue,
}

/// The operator families of docs/SEMANTICS.md §3.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OperatorFamily {
    /// `String*` operators.
    String,
    /// `Numeric*` operators.
    Numeric,
    /// `Date*` operators.
    Date,
    /// `Bool`.
    Bool,
    /// `BinaryEquals`.
    Binary,
    /// `IpAddress`, `NotIpAddress`.
    Ip,
    /// `Arn*` operators.
    Arn,
    /// `Null`.
    Null,
}

macro_rules! base_operators {
    ($($variant:ident => $name:literal, $family:ident, $negated:literal, $positive:ident;)*) => {
        /// A base condition operator (without qualifier or `IfExists`).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[allow(missing_docs, reason = "each variant is documented by its AWS name in the table below")]
        pub enum BaseOperator {
            $($variant,)*
        }

        impl BaseOperator {
            /// Every base operator, in documentation order.
            pub const ALL: &'static [BaseOperator] = &[$(BaseOperator::$variant,)*];

            /// The canonical name.
            pub fn name(self) -> &'static str {
                match self { $(BaseOperator::$variant => $name,)* }
            }

            /// The family the operator belongs to.
            pub fn family(self) -> OperatorFamily {
                match self { $(BaseOperator::$variant => OperatorFamily::$family,)* }
            }

            /// Whether the operator is a negation (`StringNotEquals`,
            /// `NotIpAddress`, ...): true when the key is missing, and NOR
            /// over its values (docs/SEMANTICS.md §3.1, 3.2).
            pub fn is_negated(self) -> bool {
                match self { $(BaseOperator::$variant => $negated,)* }
            }

            /// The positive counterpart (itself for positive operators).
            pub fn positive(self) -> BaseOperator {
                match self { $(BaseOperator::$variant => BaseOperator::$positive,)* }
            }
        }
    };
}

base_operators! {
    StringEquals => "StringEquals", String, false, StringEquals;
    StringNotEquals => "StringNotEquals", String, true, StringEquals;
    StringEqualsIgnoreCase => "StringEqualsIgnoreCase", String, false, StringEqualsIgnoreCase;
    StringNotEqualsIgnoreCase => "StringNotEqualsIgnoreCase", String, true, StringEqualsIgnoreCase;
    StringLike => "StringLike", String, false, StringLike;
    StringNotLike => "StringNotLike", String, true, StringLike;
    NumericEquals => "NumericEquals", Numeric, false, NumericEquals;
    NumericNotEquals => "NumericNotEquals", Numeric, true, NumericEquals;
    NumericLessThan => "NumericLessThan", Numeric, false, NumericLessThan;
    NumericLessThanEquals => "NumericLessThanEquals", Numeric, false, NumericLessThanEquals;
    NumericGreaterThan => "NumericGreaterThan", Numeric, false, NumericGreaterThan;
    NumericGreaterThanEquals => "NumericGreaterThanEquals", Numeric, false, NumericGreaterThanEquals;
    DateEquals => "DateEquals", Date, false, DateEquals;
    DateNotEquals => "DateNotEquals", Date, true, DateEquals;
    DateLessThan => "DateLessThan", Date, false, DateLessThan;
    DateLessThanEquals => "DateLessThanEquals", Date, false, DateLessThanEquals;
    DateGreaterThan => "DateGreaterThan", Date, false, DateGreaterThan;
    DateGreaterThanEquals => "DateGreaterThanEquals", Date, false, DateGreaterThanEquals;
    Bool => "Bool", Bool, false, Bool;
    BinaryEquals => "BinaryEquals", Binary, false, BinaryEquals;
    IpAddress => "IpAddress", Ip, false, IpAddress;
    NotIpAddress => "NotIpAddress", Ip, true, IpAddress;
    ArnEquals => "ArnEquals", Arn, false, ArnEquals;
    ArnNotEquals => "ArnNotEquals", Arn, true, ArnEquals;
    ArnLike => "ArnLike", Arn, false, ArnLike;
    ArnNotLike => "ArnNotLike", Arn, true, ArnLike;
    Null => "Null", Null, false, Null;
}

impl BaseOperator {
    /// Whether policy variables (`${...}`) are substituted in this
    /// operator's values: String, ARN and Bool operators (docs/SEMANTICS.md §3.10,
    /// 3.4). In the others `${` is literal text.
    pub fn accepts_variables(self) -> bool {
        matches!(
            self.family(),
            OperatorFamily::String | OperatorFamily::Arn | OperatorFamily::Bool
        )
    }

    /// Whether `*` and `?` are wildcards in this operator's values
    /// (`StringLike`, `StringNotLike` and the ARN operators).
    pub fn uses_wildcards(self) -> bool {
        matches!(self, BaseOperator::StringLike | BaseOperator::StringNotLike)
            || self.family() == OperatorFamily::Arn
    }
}

impl fmt::Display for BaseOperator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl SetQualifier {
    /// The prefix as written, including the colon.
    pub fn prefix(self) -> &'static str {
        match self {
            SetQualifier::ForAllValues => "ForAllValues:",
            SetQualifier::ForAnyValue => "ForAnyValue:",
        }
    }
}

impl fmt::Display for Operator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(q) = self.qualifier {
            f.write_str(q.prefix())?;
        }
        f.write_str(self.base.name())?;
        if self.if_exists {
            f.write_str("IfExists")?;
        }
        Ok(())
    }
}

/// Why an operator name was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum OperatorError {
    /// Not a condition operator in canonical spelling.
    #[error("unknown condition operator `{name}`{}", suggestion_text(.suggestion))]
    Unknown {
        /// The name as written.
        name: String,
        /// The closest valid operator, if one is close.
        suggestion: Option<String>,
    },
    /// `NullIfExists`: `IfExists` cannot be appended to `Null`.
    #[error("`IfExists` cannot be appended to `Null`: `Null` already tests for a missing key")]
    NullIfExists,
}

fn suggestion_text(s: &Option<String>) -> String {
    match s {
        Some(s) => format!(": did you mean `{s}`?"),
        None => String::new(),
    }
}

/// Parses an operator name in canonical spelling:
/// `[ForAllValues:|ForAnyValue:]Base[IfExists]`, case-sensitive
/// (docs/SEMANTICS.md D2).
///
/// An unknown name gets the closest valid operator as a suggestion: a name
/// equal to one ignoring ASCII case, else the nearest by edit distance when
/// it is close enough to be a typo (`StringEqual`, `ForAllValuesStringEquals`).
///
/// ```
/// use rolecall_policy::grammar::operator::{parse_operator, BaseOperator, OperatorError};
/// let op = parse_operator("ForAnyValue:StringLikeIfExists").unwrap();
/// assert_eq!(op.base, BaseOperator::StringLike);
/// assert!(op.if_exists);
/// let err = parse_operator("stringequals").unwrap_err();
/// assert_eq!(err.to_string(), "unknown condition operator `stringequals`: did you mean `StringEquals`?");
/// assert_eq!(parse_operator("NullIfExists"), Err(OperatorError::NullIfExists));
/// ```
pub fn parse_operator(name: &str) -> Result<Operator, OperatorError> {
    let unknown = || OperatorError::Unknown {
        name: name.to_owned(),
        suggestion: suggest(name),
    };
    let (qualifier, rest) = match qualifier(name) {
        Ok((rest, q)) => (q, rest),
        Err(_) => return Err(unknown()),
    };
    // The base name with its optional suffix is a run of ASCII letters;
    // anything else (a second colon, a space) cannot be an operator.
    let body: PResult<'_, &str> = all_consuming(alpha1).parse(rest);
    let Ok((_, body)) = body else {
        return Err(unknown());
    };
    let (if_exists, base_name) = match body.strip_suffix("IfExists") {
        Some(b) => (true, b),
        None => (false, body),
    };
    let base = BaseOperator::ALL
        .iter()
        .copied()
        .find(|b| b.name() == base_name)
        .ok_or_else(unknown)?;
    // docs/SEMANTICS.md §1.10: `IfExists` cannot be appended to `Null`.
    if base == BaseOperator::Null && if_exists {
        return Err(OperatorError::NullIfExists);
    }
    Ok(Operator {
        qualifier,
        base,
        if_exists,
    })
}

fn qualifier(i: &str) -> PResult<'_, Option<SetQualifier>> {
    opt(alt((
        value(SetQualifier::ForAllValues, tag("ForAllValues:")),
        value(SetQualifier::ForAnyValue, tag("ForAnyValue:")),
    )))
    .parse(i)
}

impl Operator {
    /// Every valid operator (all qualifiers, bases and `IfExists` forms),
    /// in a fixed order.
    pub fn all() -> impl Iterator<Item = Operator> {
        [
            None,
            Some(SetQualifier::ForAllValues),
            Some(SetQualifier::ForAnyValue),
        ]
        .into_iter()
        .flat_map(|qualifier| {
            BaseOperator::ALL.iter().flat_map(move |&base| {
                [false, true]
                    .into_iter()
                    .filter(move |&if_exists| !(if_exists && base == BaseOperator::Null))
                    .map(move |if_exists| Operator {
                        qualifier,
                        base,
                        if_exists,
                    })
            })
        })
    }
}

/// The closest canonical operator name to `name`, if one is close enough
/// to be what the author meant.
fn suggest(name: &str) -> Option<String> {
    let canon: Vec<String> = Operator::all().map(|o| o.to_string()).collect();
    if let Some(c) = canon.iter().find(|c| c.eq_ignore_ascii_case(name)) {
        return Some(c.clone());
    }
    let lower = name.to_ascii_lowercase();
    // Allow roughly one typo per eight characters: `StringEqual` (distance 1)
    // is suggested, `Foo` (distance 2 from `Bool`) is not.
    let limit = 1 + name.chars().count() / 8;
    canon
        .into_iter()
        .map(|c| (strsim::levenshtein(&lower, &c.to_ascii_lowercase()), c))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn suggestion(name: &str) -> Option<String> {
        match parse_operator(name) {
            Err(OperatorError::Unknown { suggestion, .. }) => suggestion,
            other => panic!("expected an unknown-operator error for {name}, got {other:?}"),
        }
    }

    #[test]
    fn every_canonical_name_round_trips() {
        let mut n = 0;
        for op in Operator::all() {
            assert_eq!(parse_operator(&op.to_string()), Ok(op));
            n += 1;
        }
        // 27 bases, 26 with IfExists, times three qualifier forms.
        assert_eq!(n, 3 * (27 + 26));
    }

    #[test]
    fn wildcards_only_in_like_and_arn_operators() {
        use BaseOperator as B;
        let wildcards = [
            B::StringLike,
            B::StringNotLike,
            B::ArnEquals,
            B::ArnNotEquals,
            B::ArnLike,
            B::ArnNotLike,
        ];
        for &op in BaseOperator::ALL {
            assert_eq!(op.uses_wildcards(), wildcards.contains(&op), "{op:?}");
        }
    }

    #[test]
    fn base_operators_display_their_canonical_names() {
        assert_eq!(BaseOperator::NotIpAddress.to_string(), "NotIpAddress");
        for &op in BaseOperator::ALL {
            assert_eq!(op.to_string(), op.name());
        }
    }

    #[test]
    fn suggestions() {
        assert_eq!(suggestion("stringequals").as_deref(), Some("StringEquals"));
        assert_eq!(suggestion("StringEqual").as_deref(), Some("StringEquals"));
        assert_eq!(
            suggestion("ForAllValuesStringEquals").as_deref(),
            Some("ForAllValues:StringEquals")
        );
        assert_eq!(
            suggestion("forallvalues:stringlike").as_deref(),
            Some("ForAllValues:StringLike")
        );
        assert_eq!(suggestion("StringLikee").as_deref(), Some("StringLike"));
        // Short names get one typo too: `Bol` is one edit from `Bool`.
        assert_eq!(suggestion("Bol").as_deref(), Some("Bool"));
        assert_eq!(suggestion("Foo"), None);
        assert_eq!(suggestion(""), None);
        assert_eq!(suggestion("Totally different text"), None);
    }

    #[test]
    fn malformed_names() {
        for name in [
            "StringEquals ",
            " StringEquals",
            "ForAllValues:",
            "ForAllValues:ForAnyValue:StringEquals",
            "StringEqualsIfExistsIfExists",
            "IfExists",
            "ForAllValues::StringEquals",
            "forallvalues:StringEquals",
        ] {
            assert!(
                matches!(parse_operator(name), Err(OperatorError::Unknown { .. })),
                "{name:?} was accepted"
            );
        }
        assert_eq!(
            parse_operator("ForAnyValue:NullIfExists"),
            Err(OperatorError::NullIfExists)
        );
    }
}
