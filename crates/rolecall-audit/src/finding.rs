//! What an audit produces: [`Finding`]s with a [`Severity`] and a [`Verdict`].

use rolecall_policy::Span;

use crate::rules::RuleId;
use serde::{Deserialize, Serialize};

/// How bad a finding is. Ordered from least to most severe, so `a >= b` reads "at least as bad".
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing; no action needed by default.
    Info,
    /// Hardening advice.
    Low,
    /// Broader than it should be; exploitable by insiders or with effort.
    Medium,
    /// Exploitable by people inside a tenant boundary, or close to critical.
    High,
    /// Open to strangers: anyone who can get a token from the issuer.
    Critical,
}

impl Severity {
    /// All severities from least to most severe.
    pub const ALL: [Severity; 5] = [
        Severity::Info,
        Severity::Low,
        Severity::Medium,
        Severity::High,
        Severity::Critical,
    ];

    /// The lowercase name (`critical`, `high`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }

    /// Reads a lowercase severity name.
    pub fn from_name(s: &str) -> Option<Severity> {
        Severity::ALL.into_iter().find(|v| v.as_str() == s)
    }

    /// One level lower (for tenant-scoped issuers, whose tokens only one tenant can obtain:
    /// default severities assume a shared issuer); `Info` stays `Info`.
    pub fn lowered(self) -> Severity {
        match self {
            Severity::Critical => Severity::High,
            Severity::High => Severity::Medium,
            Severity::Medium => Severity::Low,
            Severity::Low | Severity::Info => Severity::Info,
        }
    }
}

impl std::fmt::Display for Severity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What kind of problem a finding describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    /// The role admits callers it should not (fail-open).
    Open,
    /// The statement or role can never match what was meant (fail-closed).
    Broken,
    /// IAM would refuse the document, or it could not be read.
    Invalid,
    /// Hardening advice or information; not a hole by itself.
    Advice,
}

impl Verdict {
    /// The lowercase name.
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Open => "open",
            Verdict::Broken => "broken",
            Verdict::Invalid => "invalid",
            Verdict::Advice => "advice",
        }
    }
}

/// One problem found in one policy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// The rule (its stable id `TP-...` is listed in `docs/RULES.md`).
    pub rule: RuleId,
    /// Severity after tenancy adjustment and configured overrides.
    pub severity: Severity,
    /// Open, broken, invalid or advice.
    pub verdict: Verdict,
    /// The rule's title.
    pub title: &'static str,
    /// What was found, quoting the value and operator.
    pub message: String,
    /// Why it matters.
    pub why: &'static str,
    /// How to fix it.
    pub fix: &'static str,
    /// Sources (URLs, issue references).
    pub references: &'static [&'static str],
    /// The offending part of the policy document (condition value, key or principal).
    #[serde(serialize_with = "ser_span")]
    pub span: Span,
    /// Index of the statement (0-based, document order), when the finding is about one.
    pub statement: Option<usize>,
    /// The subject the message quotes as a witness, when it quotes one: a `sub` value for which
    /// rolecall-analyze found a request the statement allows, checked by the evaluator.
    #[serde(skip)]
    pub witness: Option<String>,
}

fn ser_span<S: serde::Serializer>(s: &Span, ser: S) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeStruct;
    let mut st = ser.serialize_struct("Span", 4)?;
    st.serialize_field("start", &s.start)?;
    st.serialize_field("end", &s.end)?;
    st.serialize_field("line", &s.line)?;
    st.serialize_field("column", &s.column)?;
    st.end()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "test module: a panic is a failing test")]
    use super::*;

    /// Text reports print `as_str`, JSON and SARIF reports the serde name: the two agree, and
    /// each severity reads back from its name.
    #[test]
    fn names_in_text_and_json_agree() {
        let json = |v: serde_json::Value| v.as_str().unwrap().to_owned();
        for s in Severity::ALL {
            assert_eq!(json(serde_json::to_value(s).unwrap()), s.as_str());
            assert_eq!(Severity::from_name(s.as_str()), Some(s));
            assert_eq!(s.to_string(), s.as_str());
        }
        let verdicts = [
            (Verdict::Open, "open"),
            (Verdict::Broken, "broken"),
            (Verdict::Invalid, "invalid"),
            (Verdict::Advice, "advice"),
        ];
        for (v, name) in verdicts {
            assert_eq!(v.as_str(), name);
            assert_eq!(json(serde_json::to_value(v).unwrap()), name);
        }
    }
}
