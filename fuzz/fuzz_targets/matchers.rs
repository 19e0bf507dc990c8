//! `matchers`: see fuzz/README.md and `rolecall_testkit::fuzz_entry::matchers`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    rolecall_testkit::fuzz_entry::matchers(data);
});
