//! Test support shared by property tests, fuzz targets and replay tests.
//!
//! Each property is one check function here, called from a proptest, from a
//! cargo-fuzz target and from a `#[test]` that replays the checked-in seed
//! corpus and regressions, so stable `cargo test` runs every property.
//!
//! * [`vectors`]: the shared `testdata/*.toml` vectors, typed.
//! * [`gen`]: generators of policies (JSON text) and requests from a claim
//!   universe and a value pool, driven by bytes.
//! * [`matcher_check`]: the four wildcard matchers agree.
//! * [`parse_check`]: parse, print, parse is the identity.
//! * [`diff_check`]: engine vs model, on generated policies and on
//!   arbitrary input; [`explain_check`]: explanations tell the truth.
//! * [`analyze_check`]: the analyzer's allowed set, witnesses and
//!   implications agree with the evaluator.
//! * [`fuzz_entry`]: one `fn(&[u8])` per fuzz target, for cargo-fuzz and
//!   the replay test alike.
//!
//! # Example
//!
//! ```
//! use rolecall_testkit::gen::scenario;
//! use arbitrary::Unstructured;
//!
//! let s = scenario(&mut Unstructured::new(&[7; 64]));
//! assert!(s.policy_json.starts_with('{'));
//! assert!(!s.requests.is_empty());
//! rolecall_testkit::matcher_check::check_matchers("repo:o/*", "repo:o/r");
//! ```
#![deny(missing_docs)]

pub mod analyze_check;
pub mod diff_check;
pub mod engine;
pub mod explain_check;
pub mod fuzz_entry;
pub mod gen;
pub mod matcher_check;
pub mod parse_check;
pub mod vectors;

pub use arbitrary;

/// The corpus of real-world trust policies, `testdata/corpus/` in the
/// repository (its `INDEX.md` gives each policy's source and expected
/// verdict). Every corpus test starts here, so that no test reads anything
/// outside the repository.
///
/// # Panics
///
/// When the directory has no `INDEX.md`: a missing corpus must fail the
/// tests that walk it, not let them pass on nothing.
pub fn corpus_dir() -> std::path::PathBuf {
    let dir = workspace_root().join("testdata/corpus");
    assert!(
        dir.join("INDEX.md").is_file(),
        "trust-policy corpus not found at {}",
        dir.display()
    );
    dir
}

/// The workspace's top directory (where `Cargo.toml`, `testdata/` and
/// `docs/` are), found from this crate's manifest directory at compile time.
pub fn workspace_root() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}
