//! The binary against hostile inputs: endless devices, FIFOs, symlink loops,
//! huge files. Each case asserts the exit code, that output stays bounded and
//! that peak memory stays bounded (under 64 MiB where the input limit is
//! 1 MiB), using `common::run_bounded`, which kills a child after 20 s.
//!
//! Sections: each area appends its cases at the end, under its marker.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod common;
use common::{examples, run_bounded, Feed};

/// Output allowed for a run that reports one error: a few lines.
const SMALL_OUTPUT: u64 = 4 * 1024;

/// Memory allowed where the input limit is 1 MiB.
const SMALL_RSS_MIB: u64 = 64;

/// The harness itself: an ordinary run is measured and passes the bounds
/// every hostile case is held to.
#[test]
fn harness_measures_an_ordinary_run() {
    let run = run_bounded(
        &[
            std::ffi::OsString::from("check"),
            examples().join("irsa-single-service-account.json").into(),
        ],
        Feed::Null,
    );
    run.assert_bounded(0, SMALL_OUTPUT, SMALL_RSS_MIB);
    assert!(run.peak_rss_kib.is_some_and(|k| k > 0) || !std::path::Path::new("/proc").exists());
}

/// The harness counts output past what it keeps and feeds stdin.
#[test]
fn harness_feeds_stdin_and_counts_output() {
    let policy = std::fs::read(examples().join("irsa-single-service-account.json")).unwrap();
    let run = run_bounded(&["check", "-"], Feed::Bytes(policy));
    run.assert_bounded(0, SMALL_OUTPUT, SMALL_RSS_MIB);
    let run = run_bounded(&["check", "-"], Feed::Bytes(b"{".to_vec()));
    run.assert_bounded(2, SMALL_OUTPUT, SMALL_RSS_MIB)
        .says("<stdin>:1:2");
    assert_eq!(
        run.stdout_len + run.stderr_len,
        (run.stdout.len() + run.stderr.len()) as u64
    );
}

// --- inputs ---

// --- tokens ---

// --- outputs ---
