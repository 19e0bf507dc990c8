//! The outcome of evaluating a trust policy for one action (docs/DECISIONS.md
//! R10, docs/SEMANTICS.md §2.2).

use std::fmt;

/// What a trust policy decides for one request action.
///
/// Deliberately *not* `#[non_exhaustive]`: a caller must handle every
/// outcome, and adding one must break their `match` so that a new kind of
/// "not allowed" can never fall into an `_ => allow` arm (fail closed,
/// docs/SEMANTICS.md D10).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
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

    /// The decision of a call that needs every one of `decisions` (one per
    /// action, docs/SEMANTICS.md §2.1 step 5): `ExplicitDeny` if any is,
    /// else `Allow` if all are, else `ImplicitDeny`. No decision at all is
    /// not an allowed call: `ImplicitDeny` (fail closed).
    ///
    /// ```
    /// use rolecall_eval::Decision;
    /// let all = |d: &[Decision]| Decision::combine(d.iter().copied());
    /// assert_eq!(all(&[Decision::Allow, Decision::Allow]), Decision::Allow);
    /// assert_eq!(all(&[Decision::Allow, Decision::ImplicitDeny]), Decision::ImplicitDeny);
    /// assert_eq!(all(&[Decision::ImplicitDeny, Decision::ExplicitDeny]), Decision::ExplicitDeny);
    /// assert_eq!(all(&[]), Decision::ImplicitDeny);
    /// ```
    pub fn combine(decisions: impl IntoIterator<Item = Decision>) -> Decision {
        let mut any = false;
        let mut all_allowed = true;
        for d in decisions {
            any = true;
            match d {
                Decision::ExplicitDeny => return Decision::ExplicitDeny,
                Decision::ImplicitDeny => all_allowed = false,
                Decision::Allow => {}
            }
        }
        if any && all_allowed {
            Decision::Allow
        } else {
            Decision::ImplicitDeny
        }
    }

    /// The stable name, spelled as the variant and as the batch protocol and
    /// JSON outputs write it: `Allow`, `ImplicitDeny`, `ExplicitDeny`.
    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Allow => "Allow",
            Decision::ImplicitDeny => "ImplicitDeny",
            Decision::ExplicitDeny => "ExplicitDeny",
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
        assert_eq!(Decision::ExplicitDeny.to_string(), "ExplicitDeny");
        assert_eq!(
            serde_json::to_string(&Decision::ImplicitDeny).unwrap(),
            "\"ImplicitDeny\""
        );
    }
}
