//! `engine_vs_model`: see fuzz/README.md and `rolecall_testkit::fuzz_entry::engine_vs_model`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    rolecall_testkit::fuzz_entry::engine_vs_model(data);
});
