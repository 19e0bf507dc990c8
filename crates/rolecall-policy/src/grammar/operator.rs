//! Condition operator names: `[ForAllValues:|ForAnyValue:]Base[IfExists]`.
//!
//! Only AWS's canonical spelling is accepted (SEMANTICS.md decision 2);
//! anything else is an error that names the closest valid operator.

use std::fmt;

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

/// A set qualifier for multivalued keys (SEMANTICS.md 3.7).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SetQualifier {
    /// `ForAllValues:`: every context value must match; true when none.
    ForAllValues,
    /// `ForAnyValue:`: at least one context value must match.
    ForAnyValue,
}

/// The operator families of SEMANTICS.md section 3.
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
        #[allow(missing_docs)]
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
            /// over its values (SEMANTICS.md 3.1, 3.2).
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
    /// operator's values: String, ARN and Bool operators (SEMANTICS.md 3.10,
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
        matches!(
            self,
            BaseOperator::StringLike | BaseOperator::StringNotLike
        ) || self.family() == OperatorFamily::Arn
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

/// Parses an operator name in canonical spelling.
///
/// PLACEHOLDER implementation (exact match on the canonical names, no
/// suggestion); the nom grammar with "did you mean" replaces it.
pub fn parse_operator(name: &str) -> Result<Operator, OperatorError> {
    let (qualifier, rest) = if let Some(r) = name.strip_prefix("ForAllValues:") {
        (Some(SetQualifier::ForAllValues), r)
    } else if let Some(r) = name.strip_prefix("ForAnyValue:") {
        (Some(SetQualifier::ForAnyValue), r)
    } else {
        (None, name)
    };
    let (if_exists, base_name) = match rest.strip_suffix("IfExists") {
        Some(b) => (true, b),
        None => (false, rest),
    };
    let base = BaseOperator::ALL
        .iter()
        .copied()
        .find(|b| b.name() == base_name)
        .ok_or_else(|| OperatorError::Unknown {
            name: name.to_owned(),
            suggestion: None,
        })?;
    if base == BaseOperator::Null && if_exists {
        return Err(OperatorError::NullIfExists);
    }
    Ok(Operator {
        qualifier,
        base,
        if_exists,
    })
}
