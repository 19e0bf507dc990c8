//! Why an analysis has no exact answer.

use crate::automaton::TooComplex;

/// Why a policy (or a query over it) is not exactly analysable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Reason {
    /// An automaton would exceed [`crate::Limits::max_states`].
    #[error("pattern too complex (more than {limit} automaton states)")]
    TooComplex {
        /// The state limit.
        limit: usize,
    },
    /// Subtracting the Deny statements would take more than
    /// [`crate::Limits::max_search`] steps.
    #[error("pattern too complex (more than {limit} steps subtracting Deny statements)")]
    SearchTooLarge {
        /// The step limit.
        limit: usize,
    },
    /// Describing who may assume a role would take more than this many
    /// disjoint regions for one principal and action.
    #[error(
        "pattern too complex (more than {limit} disjoint regions for one principal and action)"
    )]
    TooManyRegions {
        /// The region limit.
        limit: usize,
    },
    /// An operator whose values are not strings (numeric, date, IP):
    /// not modelled yet.
    #[error("operator `{operator}` on key `{key}` is not modelled (only String, ARN, Bool, Binary and Null operators are)")]
    Operator {
        /// The operator as written.
        operator: String,
        /// The condition key.
        key: String,
    },
    /// A key compared as a number, date or IP address that cannot be
    /// analysed exactly (compared as two different types, or no text
    /// reaches one of its intervals).
    #[error("key `{key}` is {why}")]
    Typed {
        /// The condition key.
        key: String,
        /// Why.
        why: String,
    },
    /// An issuer grammar this analysis cannot turn into an automaton.
    #[error("issuer grammar: {why}")]
    Grammar {
        /// Why.
        why: String,
    },
    /// A value with a policy variable: its meaning depends on another key
    /// of the same request, which per-key languages cannot express.
    #[error("value `{value}` of key `{key}` has a policy variable")]
    PolicyVariable {
        /// The value as written.
        value: String,
        /// The condition key.
        key: String,
    },
}

/// An analysis that ended without an answer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AnalysisError {
    /// The answer cannot be computed exactly; no guess is given instead.
    /// `line` and `column` locate the condition key (0 when the reason
    /// belongs to no single place).
    #[error("not exactly analysable: {reason}{}", at(*line, *column))]
    NotExactlyAnalysable {
        /// Why.
        reason: Reason,
        /// 1-based line, or 0.
        line: u32,
        /// 1-based column, or 0.
        column: u32,
    },
    /// A witness the evaluator does not decide as the analysis claimed: a
    /// bug in the analyzer, reported instead of a wrong answer.
    #[error("internal error: the evaluator decides witness {request} as {decided}, the analysis claimed {claimed}")]
    WitnessRejected {
        /// The witness request (debug form).
        request: String,
        /// What the analysis claimed.
        claimed: String,
        /// What `rolecall_eval::evaluate` decided.
        decided: String,
    },
}

fn at(line: u32, column: u32) -> String {
    if line == 0 {
        String::new()
    } else {
        format!(" (line {line}, column {column})")
    }
}

impl From<TooComplex> for AnalysisError {
    fn from(e: TooComplex) -> Self {
        AnalysisError::NotExactlyAnalysable {
            reason: Reason::TooComplex { limit: e.limit },
            line: 0,
            column: 0,
        }
    }
}
