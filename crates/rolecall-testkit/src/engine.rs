//! One runner for the shared vectors (`testdata/*.toml`): every
//! implementation of the semantics (the library, the reference model, the
//! CLI) answers through [`Engine`], and [`check_engine`] compares its
//! answers with the vectors' expectations, with one minimum vector count.
//! Each crate's test calls it with its own engine; the CLI's engine lives in
//! the CLI's tests (it runs the binary).

use crate::vectors::{load_all, Expected, Vector};
use rolecall_eval::compile::CompiledPolicy;
use rolecall_eval::request::Request;
use rolecall_eval::{decide, evaluate, explain};
use rolecall_model::{ContextValue, Decision};

/// Fewer vectors than this means files went missing.
pub const MIN_VECTORS: usize = 400;

/// What an engine answers for one vector, in the vectors' vocabulary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VectorAnswer {
    /// The policy or the request is refused.
    Invalid,
    /// A decision and its deciding statements (indexes from 0).
    Decided(Decision, Vec<usize>),
    /// The engine contradicted itself (e.g. two of its paths disagree);
    /// never equal to an expectation.
    Inconsistent(String),
}

/// An implementation the vectors are run through.
pub trait Engine {
    /// The engine's name, for failure messages.
    fn name(&self) -> &'static str;

    /// One answer per vector, in order (all at once, so an engine that
    /// starts a process starts one).
    fn answer_all(&mut self, vectors: &[Vector]) -> Vec<VectorAnswer>;
}

/// The vector's expectation as an answer.
pub fn expected(v: &Vector) -> VectorAnswer {
    match v.expected {
        Expected::Invalid => VectorAnswer::Invalid,
        Expected::Decision(d) => VectorAnswer::Decided(d, v.statements.clone()),
    }
}

/// Runs every vector through `engine`.
///
/// # Errors
///
/// One line per vector the engine answers differently from its expectation
/// (or too few vectors, or a wrong number of answers).
pub fn check_engine(engine: &mut dyn Engine) -> Result<usize, String> {
    let vectors = load_all().map_err(|e| e.to_string())?;
    if vectors.len() < MIN_VECTORS {
        return Err(format!(
            "only {} vectors loaded (at least {MIN_VECTORS} expected)",
            vectors.len()
        ));
    }
    let answers = engine.answer_all(&vectors);
    if answers.len() != vectors.len() {
        return Err(format!(
            "{} gave {} answers for {} vectors",
            engine.name(),
            answers.len(),
            vectors.len()
        ));
    }
    let failures: Vec<String> = vectors
        .iter()
        .zip(&answers)
        .filter(|(v, got)| expected(v) != **got)
        .map(|(v, got)| {
            format!(
                "{}: `{}`: expected {:?}, {} gave {got:?}",
                v.file,
                v.name,
                expected(v),
                engine.name()
            )
        })
        .collect();
    if failures.is_empty() {
        Ok(vectors.len())
    } else {
        Err(format!(
            "{} of {} vectors failed:\n{}",
            failures.len(),
            vectors.len(),
            failures.join("\n")
        ))
    }
}

/// The library (`rolecall-eval`): `decide`, with `evaluate` (the
/// allocation-free path) and `explain` required to agree with it.
#[derive(Debug, Default)]
pub struct LibraryEngine;

impl LibraryEngine {
    fn answer(v: &Vector) -> VectorAnswer {
        let Ok(policy) = CompiledPolicy::from_json(&v.policy) else {
            return VectorAnswer::Invalid;
        };
        let Ok(request) = library_request(v) else {
            return VectorAnswer::Invalid;
        };
        let outcome = decide(&policy, &request);
        if evaluate(&policy, &request) != outcome.decision {
            return VectorAnswer::Inconsistent("evaluate differs from decide".into());
        }
        let explanation = explain(&policy, &request);
        if explanation.decision != outcome.decision || explanation.statements != outcome.statements
        {
            return VectorAnswer::Inconsistent(format!(
                "explain gave {:?} {:?}",
                explanation.decision, explanation.statements
            ));
        }
        if explanation.to_string().is_empty() || serde_json::to_string(&explanation).is_err() {
            return VectorAnswer::Inconsistent("an explanation rendering failed".into());
        }
        let decision = match outcome.decision {
            rolecall_eval::Decision::Allow => Decision::Allow,
            rolecall_eval::Decision::ImplicitDeny => Decision::ImplicitDeny,
            rolecall_eval::Decision::ExplicitDeny => Decision::ExplicitDeny,
        };
        VectorAnswer::Decided(decision, outcome.statements)
    }
}

impl Engine for LibraryEngine {
    fn name(&self) -> &'static str {
        "the library"
    }

    fn answer_all(&mut self, vectors: &[Vector]) -> Vec<VectorAnswer> {
        vectors.iter().map(LibraryEngine::answer).collect()
    }
}

/// The vector's request in the library's type.
///
/// # Errors
///
/// When the library refuses the request (e.g. two keys equal ignoring case).
pub fn library_request(v: &Vector) -> Result<Request, rolecall_eval::request::RequestError> {
    let mut b = Request::builder().principal(&v.principal).action(&v.action);
    for (k, value) in &v.context {
        b = match value {
            ContextValue::Single(s) => b.value(k, s),
            ContextValue::Multi(m) => b.values(k, m),
        };
    }
    b.build()
}

/// The reference model (`rolecall-model`); a refusal must name the right
/// input (an invalid policy is one `is_valid_policy` refuses).
#[derive(Debug, Default)]
pub struct ModelEngine;

impl Engine for ModelEngine {
    fn name(&self) -> &'static str {
        "the model"
    }

    fn answer_all(&mut self, vectors: &[Vector]) -> Vec<VectorAnswer> {
        use rolecall_model::{evaluate, is_valid_policy, ModelError};
        vectors
            .iter()
            .map(|v| match evaluate(&v.policy, &v.request()) {
                Ok(e) => VectorAnswer::Decided(e.decision, e.statements),
                Err(ModelError::InvalidPolicy(_)) if !is_valid_policy(&v.policy) => {
                    VectorAnswer::Invalid
                }
                Err(ModelError::InvalidRequest(_)) if is_valid_policy(&v.policy) => {
                    VectorAnswer::Invalid
                }
                Err(e) => VectorAnswer::Inconsistent(format!("{e}, is_valid_policy disagrees")),
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An engine that refuses everything.
    struct Refuser;

    impl Engine for Refuser {
        fn name(&self) -> &'static str {
            "refuser"
        }

        fn answer_all(&mut self, vectors: &[Vector]) -> Vec<VectorAnswer> {
            vectors.iter().map(|_| VectorAnswer::Invalid).collect()
        }
    }

    /// An engine that answers one vector too few.
    struct Short;

    impl Engine for Short {
        fn name(&self) -> &'static str {
            "short"
        }

        fn answer_all(&mut self, vectors: &[Vector]) -> Vec<VectorAnswer> {
            vectors.iter().skip(1).map(expected).collect()
        }
    }

    /// The runner can fail: a wrong engine and a missing answer are reported;
    /// the expectations themselves pass.
    #[test]
    fn the_runner_rejects_wrong_engines() {
        let err = check_engine(&mut Refuser).unwrap_err();
        assert!(err.contains("refuser gave Invalid"), "{err}");
        let err = check_engine(&mut Short).unwrap_err();
        assert!(err.contains("answers for"), "{err}");

        struct Oracle;
        impl Engine for Oracle {
            fn name(&self) -> &'static str {
                "oracle"
            }
            fn answer_all(&mut self, vectors: &[Vector]) -> Vec<VectorAnswer> {
                vectors.iter().map(expected).collect()
            }
        }
        assert!(check_engine(&mut Oracle).unwrap() >= MIN_VECTORS);
    }
}
