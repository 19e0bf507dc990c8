//! The outcome of evaluating a trust policy for one action (DECISIONS.md
//! R10, SEMANTICS.md 2.2).

use std::fmt;

/// What a trust policy decides for one request action.
///
/// Deliberately *not* `#[non_exhaustive]`: a caller must handle every
/// outcome, and adding one must break their `match` so that a new kind of
/// "not allowed" can never fall into an `_ => allow` arm (fail closed,
/// SEMANTICS.md decision 10).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Decision {
    /// A matching `Allow` statement and no matching `Deny` statement.
    Allow,
    /// No statement matched: AWS's default deny.
    ImplicitDeny,
    /// A matching `Deny` statement; it wins over any `Allow`.
    ExplicitDeny,
}

impl Decision {
    /// Whether the action is allowed. Only [`Decision::Allow`] is.
    pub fn is_allowed(self) -> bool {
        matches!(self, Decision::Allow)
    }

    /// A stable lowercase name: `allow`, `implicit-deny`, `explicit-deny`.
    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Allow => "allow",
            Decision::ImplicitDeny => "implicit-deny",
            Decision::ExplicitDeny => "explicit-deny",
        }
    }
}

impl fmt::Display for Decision {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::Decision;

    #[test]
    fn only_allow_is_allowed() {
        assert!(Decision::Allow.is_allowed());
        assert!(!Decision::ImplicitDeny.is_allowed());
        assert!(!Decision::ExplicitDeny.is_allowed());
        assert_eq!(Decision::ExplicitDeny.to_string(), "explicit-deny");
    }
}
