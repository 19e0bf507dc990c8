//! Test support shared by property tests, fuzz targets and replay tests.
//!
//! Each property is one check function here, called from a proptest, from a
//! cargo-fuzz target and from a `#[test]` that replays the checked-in seed
//! corpus and regressions, so stable `cargo test` runs every property
//! (STYLE.md item 9).
//!
//! * [`vectors`]: the shared `testdata/*.toml` vectors, typed.
//! * [`gen`]: generators of policies (JSON text) and requests from a claim
//!   universe and a value pool, driven by bytes.
//! * [`matcher_check`]: the four wildcard matchers agree.
//! * [`parse_check`]: parse, print, parse is the identity.
//! * [`diff_check`]: engine vs model, on generated policies and on
//!   arbitrary input; [`explain_check`]: explanations tell the truth.
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

pub mod diff_check;
pub mod explain_check;
pub mod fuzz_entry;
pub mod gen;
pub mod matcher_check;
pub mod parse_check;
pub mod vectors;

pub use arbitrary;

/// The shared corpus of real-world trust policies: `$ROLECALL_CORPUS`, else
/// `../shared/corpus` beside the workspace (its `INDEX.md` gives the
/// expected verdicts). Every corpus test starts here.
///
/// # Panics
///
/// When the directory has no `INDEX.md`: a missing corpus must fail the
/// tests that walk it, not let them pass on nothing.
pub fn corpus_dir() -> std::path::PathBuf {
    let dir = std::env::var_os("ROLECALL_CORPUS").map_or_else(
        || std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus"),
        std::path::PathBuf::from,
    );
    assert!(
        dir.join("INDEX.md").is_file(),
        "trust-policy corpus not found at {} (set ROLECALL_CORPUS)",
        dir.display()
    );
    dir
}
