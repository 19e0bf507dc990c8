//! One entry point per cargo-fuzz target, each a `fn(&[u8])` that panics
//! when its property fails. The fuzz targets in `fuzz/fuzz_targets/` are
//! one-line calls to these, and the replay test runs every committed corpus
//! and regression file through [`TARGETS`], so a fuzz finding becomes an
//! ordinary stable test by committing its input.

/// `parse`: parse, print, parse is the identity; never panics.
pub fn parse(bytes: &[u8]) {
    crate::parse_check::check_parse(bytes);
}

/// `engine_vs_model`: engine and model agree on a generated (or given)
/// policy and requests.
pub fn engine_vs_model(bytes: &[u8]) {
    crate::diff_check::check_engine_vs_model_bytes(bytes);
}

/// `arbitrary_json`: engine and model agree on arbitrary input.
pub fn arbitrary_json(bytes: &[u8]) {
    crate::diff_check::check_arbitrary_json(bytes);
}

/// `matchers`: the four wildcard matchers agree.
pub fn matchers(bytes: &[u8]) {
    crate::matcher_check::check_matchers_bytes(bytes);
}

/// `explanation`: explanations agree with decisions.
pub fn explanation(bytes: &[u8]) {
    crate::explain_check::check_explanation_bytes(bytes);
}

/// `analyzer_vs_evaluator`: the analyzer's set, witnesses and implications
/// agree with the evaluator.
pub fn analyzer_vs_evaluator(bytes: &[u8]) {
    crate::analyze_check::check_analyzer_bytes(bytes);
}

/// A fuzz target's check: panics when its property fails.
pub type Check = fn(&[u8]);

/// Every target by its directory name under `fuzz/corpus/` and
/// `fuzz/regressions/`.
pub const TARGETS: &[(&str, Check)] = &[
    ("parse", parse),
    ("engine_vs_model", engine_vs_model),
    ("arbitrary_json", arbitrary_json),
    ("matchers", matchers),
    ("explanation", explanation),
    ("analyzer_vs_evaluator", analyzer_vs_evaluator),
];
