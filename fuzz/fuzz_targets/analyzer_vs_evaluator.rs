//! `analyzer_vs_evaluator`: see fuzz/README.md and `rolecall_testkit::fuzz_entry::analyzer_vs_evaluator`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    rolecall_testkit::fuzz_entry::analyzer_vs_evaluator(data);
});
