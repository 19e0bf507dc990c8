//! Test support shared by property tests, fuzz targets and replay tests.
//!
//! Each property is one check function here, called from a proptest, from a
//! cargo-fuzz target and from a `#[test]` that replays the checked-in seed
//! corpus, so stable `cargo test` runs every property (STYLE.md item 9).

pub mod parse_check;
