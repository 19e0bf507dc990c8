//! Printing the syntax tree back to JSON.
//!
//! The output has the shape that was read: a single value stays a single
//! value and an array stays an array, `Statement` stays an object or an
//! array, numbers and booleans stay JSON numbers and booleans, and condition
//! operators and keys keep their order. Other members are printed in the
//! order of the AWS grammar (`Version`, `Id`, `Statement`; `Sid`, `Effect`,
//! `Principal`, ...). Parsing the output gives a tree equal to the printed
//! one (equality ignores spans).

use serde::ser::{SerializeMap, SerializeSeq};
use serde::{Serialize, Serializer};

use crate::ast::{
    Condition, ConditionBlock, ConditionValue, Effect, OneOrMany, Policy, Principal, Statement,
    Version,
};
use crate::span::Spanned;

impl<T: Serialize> Serialize for Spanned<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.node.serialize(s)
    }
}

impl<T: Serialize> Serialize for OneOrMany<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            OneOrMany::One(v) => v.serialize(s),
            OneOrMany::Many(vs) => {
                let mut seq = s.serialize_seq(Some(vs.len()))?;
                for v in vs {
                    seq.serialize_element(v)?;
                }
                seq.end()
            }
        }
    }
}

impl Serialize for Policy {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let len = 1 + usize::from(self.version.is_some()) + usize::from(self.id.is_some());
        let mut map = s.serialize_map(Some(len))?;
        if let Some(v) = &self.version {
            map.serialize_entry("Version", v)?;
        }
        if let Some(id) = &self.id {
            map.serialize_entry("Id", id)?;
        }
        map.serialize_entry("Statement", &self.statement)?;
        map.end()
    }
}

impl Serialize for Version {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl Serialize for Effect {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl Serialize for Statement {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(None)?;
        if let Some(v) = &self.sid {
            map.serialize_entry("Sid", v)?;
        }
        if let Some(v) = &self.effect {
            map.serialize_entry("Effect", v)?;
        }
        if let Some(v) = &self.principal {
            map.serialize_entry("Principal", v)?;
        }
        if let Some(v) = &self.not_principal {
            map.serialize_entry("NotPrincipal", v)?;
        }
        if let Some(v) = &self.action {
            map.serialize_entry("Action", v)?;
        }
        if let Some(v) = &self.not_action {
            map.serialize_entry("NotAction", v)?;
        }
        if let Some(v) = &self.resource {
            map.serialize_entry("Resource", v)?;
        }
        if let Some(v) = &self.not_resource {
            map.serialize_entry("NotResource", v)?;
        }
        if let Some(v) = &self.condition {
            map.serialize_entry("Condition", v)?;
        }
        map.end()
    }
}

impl Serialize for Principal {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Principal::Wildcard => s.serialize_str("*"),
            Principal::Map(entries) => {
                let mut map = s.serialize_map(Some(entries.len()))?;
                for e in entries {
                    map.serialize_entry(e.kind.node.as_str(), &e.values)?;
                }
                map.end()
            }
        }
    }
}

impl Serialize for Condition {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.blocks.len()))?;
        for block in &self.blocks {
            map.serialize_entry(&block.operator.node.to_string(), block)?;
        }
        map.end()
    }
}

/// A block serializes as its key map; the operator is the member name
/// printed by [`Condition`].
impl Serialize for ConditionBlock {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.entries.len()))?;
        for e in &self.entries {
            map.serialize_entry(&e.key.node, &e.values)?;
        }
        map.end()
    }
}

impl Serialize for ConditionValue {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            ConditionValue::String(v) => s.serialize_str(v),
            ConditionValue::Number(n) => n.0.serialize(s),
            ConditionValue::Bool(b) => s.serialize_bool(*b),
        }
    }
}

impl Policy {
    /// The policy as compact JSON.
    ///
    /// ```
    /// let text = r#"{"Statement": {"Effect": "Allow", "Action": ["sts:AssumeRole"]}}"#;
    /// let policy = rolecall_policy::parse(text).unwrap();
    /// assert_eq!(
    ///     policy.to_json_string(),
    ///     r#"{"Statement":{"Effect":"Allow","Action":["sts:AssumeRole"]}}"#
    /// );
    /// ```
    pub fn to_json_string(&self) -> String {
        #[expect(
            clippy::expect_used,
            reason = "the impls above never return an error and every map key is a string, \
                      the only ways serde_json's serializer can fail"
        )]
        serde_json::to_string(self).expect("serializing a policy cannot fail")
    }

    /// The policy as JSON indented by two spaces.
    pub fn to_json_pretty(&self) -> String {
        #[expect(
            clippy::expect_used,
            reason = "as in to_json_string: the impls never fail and keys are strings"
        )]
        serde_json::to_string_pretty(self).expect("serializing a policy cannot fail")
    }
}
