//! The role's trust policy and its evaluation for each required action
//! (SEMANTICS.md 2.1 steps 4-5, 2.2).

use rolecall_eval::claims::WebIdentity;
use rolecall_eval::request::ContextValue;
use rolecall_eval::Decision;
use serde::Serialize;
use serde_json::Value;

/// A trust policy, checked once and then evaluated for each call.
#[derive(Debug, Clone)]
pub struct TrustPolicy {
    // INVARIANT (valid policy): `text` passed the validity check in
    // `from_json`, so evaluation cannot fail on the policy.
    text: String,
    sids: Vec<Option<String>>,
}

/// Why a trust policy cannot be evaluated: it could never be attached to a
/// role (DECISIONS.md R1), so STS would never see it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid trust policy: {message}")]
#[non_exhaustive]
pub struct PolicyError {
    /// What is wrong.
    pub message: String,
}

/// The decision for one action.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ActionResult {
    /// The action, e.g. `sts:AssumeRoleWithWebIdentity`.
    pub action: String,
    /// `allow`, `implicit-deny` or `explicit-deny`.
    #[serde(serialize_with = "decision_name")]
    pub decision: Decision,
    /// The deciding statements (every matching `Deny` for an explicit deny,
    /// every matching `Allow` for an allow; none for an implicit deny).
    pub statements: Vec<StatementRef>,
}

/// A statement, by position and `Sid`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StatementRef {
    /// Position in the document, from 0 (DECISIONS.md R10).
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
    /// Reads and checks a trust policy (the raw policy document).
    ///
    /// # Errors
    ///
    /// When the policy is invalid under DECISIONS.md R1: unparsable, or
    /// refused by IAM's write-time grammar.
    pub fn from_json(text: &str) -> Result<TrustPolicy, PolicyError> {
        if let Err(e) = serde_json::from_str::<Value>(text) {
            return Err(PolicyError {
                message: e.to_string(),
            });
        }
        // Until `rolecall_eval::compile` lands, evaluation uses the reference
        // model, which implements the same contract (DECISIONS.md R1-R11).
        if !rolecall_model::is_valid_policy(text) {
            let message = match rolecall_model::evaluate(
                text,
                &rolecall_model::Request {
                    principal: String::new(),
                    action: String::new(),
                    context: Vec::new(),
                },
            ) {
                Err(rolecall_model::ModelError::InvalidPolicy(m)) => m,
                _ => "the policy is not valid".to_owned(),
            };
            return Err(PolicyError { message });
        }
        let sids = match serde_json::from_str::<Value>(text)
            .ok()
            .and_then(|v| v.get("Statement").cloned())
        {
            Some(Value::Array(items)) => items.iter().map(sid_of).collect(),
            Some(one @ Value::Object(_)) => vec![sid_of(&one)],
            _ => Vec::new(),
        };
        Ok(TrustPolicy {
            text: text.to_owned(),
            sids,
        })
    }

    fn statement(&self, index: usize) -> StatementRef {
        StatementRef {
            index,
            sid: self.sids.get(index).cloned().flatten(),
        }
    }

    /// Evaluates every action the identity requires, in order.
    pub fn evaluate(&self, identity: &WebIdentity) -> Vec<ActionResult> {
        let context: Vec<(String, rolecall_model::ContextValue)> = identity
            .context()
            .iter()
            .map(|e| {
                let v = match e.value() {
                    ContextValue::Single(s) => rolecall_model::ContextValue::Single(s.clone()),
                    ContextValue::Multi(vs) => rolecall_model::ContextValue::Multi(vs.clone()),
                };
                (e.name().to_owned(), v)
            })
            .collect();
        identity
            .actions()
            .iter()
            .map(|action| {
                let request = rolecall_model::Request {
                    principal: identity.principal().to_owned(),
                    action: (*action).to_owned(),
                    context: context.clone(),
                };
                // Fail closed (decision 10): a request the model refuses is
                // never an allow.
                let (decision, statements) = match rolecall_model::evaluate(&self.text, &request) {
                    Ok(out) => (
                        match out.decision {
                            rolecall_model::Decision::Allow => Decision::Allow,
                            rolecall_model::Decision::ImplicitDeny => Decision::ImplicitDeny,
                            rolecall_model::Decision::ExplicitDeny => Decision::ExplicitDeny,
                        },
                        out.statements,
                    ),
                    Err(_) => (Decision::ImplicitDeny, Vec::new()),
                };
                ActionResult {
                    action: (*action).to_owned(),
                    decision,
                    statements: statements.into_iter().map(|i| self.statement(i)).collect(),
                }
            })
            .collect()
    }
}

fn sid_of(statement: &Value) -> Option<String> {
    statement
        .get("Sid")
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}
