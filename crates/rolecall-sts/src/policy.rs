//! The role's trust policy and its evaluation for each required action
//! (docs/SEMANTICS.md §2.1 steps 4-5, 2.2), by `rolecall-eval`.

use rolecall_eval::claims::WebIdentity;
use rolecall_eval::compile::CompiledPolicy;
use rolecall_eval::evaluate::evaluate_call;
use rolecall_eval::Decision;
use serde::Serialize;

pub use rolecall_eval::compile::PolicyError;

/// A trust policy, compiled once and then evaluated for each call.
#[derive(Debug, Clone)]
pub struct TrustPolicy {
    compiled: CompiledPolicy,
}

/// The decision for one action.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct ActionResult {
    /// The action, e.g. `sts:AssumeRoleWithWebIdentity`.
    pub action: String,
    /// `Allow`, `ImplicitDeny` or `ExplicitDeny` (`Decision::as_str`).
    #[serde(serialize_with = "decision_name")]
    pub decision: Decision,
    /// The deciding statements (every matching `Deny` for an explicit deny,
    /// every matching `Allow` for an allow; none for an implicit deny).
    pub statements: Vec<StatementRef>,
}

/// A statement, by position and `Sid`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct StatementRef {
    /// Position in the document, from 0 (docs/DECISIONS.md R10).
    pub index: usize,
    /// Its `Sid`, when it has one.
    pub sid: Option<String>,
}

impl std::fmt::Display for StatementRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.sid {
            Some(sid) => write!(f, "statement {} (`{sid}`)", self.index),
            None => write!(f, "statement {}", self.index),
        }
    }
}

fn decision_name<S: serde::Serializer>(d: &Decision, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(d.as_str())
}

impl TrustPolicy {
    /// Parses and compiles a trust policy document.
    ///
    /// # Errors
    ///
    /// When the policy is invalid under docs/DECISIONS.md R1 (unparsable, or
    /// refused by IAM's write-time grammar); the error has its position.
    pub fn from_json(text: &str) -> Result<TrustPolicy, PolicyError> {
        CompiledPolicy::from_json(text).map(TrustPolicy::from_compiled)
    }

    /// Wraps a policy compiled elsewhere.
    pub fn from_compiled(compiled: CompiledPolicy) -> TrustPolicy {
        TrustPolicy { compiled }
    }

    /// The compiled policy.
    pub fn compiled(&self) -> &CompiledPolicy {
        &self.compiled
    }

    fn statement(&self, index: usize) -> StatementRef {
        StatementRef {
            index,
            sid: self
                .compiled
                .statements()
                .get(index)
                .and_then(|s| s.sid())
                .filter(|s| !s.is_empty())
                .map(str::to_owned),
        }
    }

    /// Evaluates every action the identity requires, in order
    /// (`rolecall_eval::evaluate::evaluate_call`).
    pub fn evaluate(&self, identity: &WebIdentity) -> Vec<ActionResult> {
        evaluate_call(&self.compiled, identity)
            .actions
            .into_iter()
            .map(|a| ActionResult {
                statements: a
                    .outcome
                    .statements
                    .iter()
                    .map(|&i| self.statement(i))
                    .collect(),
                action: a.action,
                decision: a.outcome.decision,
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::StatementRef;

    #[test]
    fn statements_are_named_by_index_and_sid() {
        let named = StatementRef {
            index: 2,
            sid: Some("Ci".into()),
        };
        assert_eq!(named.to_string(), "statement 2 (`Ci`)");
        let unnamed = StatementRef {
            index: 0,
            sid: None,
        };
        assert_eq!(unnamed.to_string(), "statement 0");
    }
}
