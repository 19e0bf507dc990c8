//! Replays every committed fuzz input (`fuzz/corpus/<target>/*` and
//! `fuzz/regressions/<target>/*`) through the target's check function, so
//! stable `cargo test` runs every fuzz property on its seeds and on every
//! minimized failure.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "integration-test code: helpers outside #[test] functions fail by panicking too"
)]

use rolecall_testkit::fuzz_entry::TARGETS;
use std::path::Path;

#[test]
fn every_committed_fuzz_input_passes() {
    let fuzz = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz");
    let mut replayed = 0;
    for (target, check) in TARGETS {
        let mut seeds = 0;
        for kind in ["corpus", "regressions"] {
            let dir = fuzz.join(kind).join(target);
            let Ok(entries) = std::fs::read_dir(&dir) else {
                continue;
            };
            for entry in entries {
                let path = entry.unwrap().path();
                let name = path.file_name().unwrap().to_string_lossy().into_owned();
                if !path.is_file() || name.starts_with('.') || name == "README.md" {
                    continue;
                }
                let bytes = std::fs::read(&path).unwrap();
                let result = std::panic::catch_unwind(|| check(&bytes));
                assert!(result.is_ok(), "{target}: {} fails", path.display());
                if kind == "corpus" {
                    seeds += 1;
                }
                replayed += 1;
            }
        }
        assert!(seeds >= 3, "{target}: only {seeds} corpus files");
    }
    println!("replayed {replayed} fuzz inputs");
}
