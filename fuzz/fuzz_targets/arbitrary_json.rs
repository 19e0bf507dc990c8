//! `arbitrary_json`: see fuzz/README.md and `rolecall_testkit::fuzz_entry::arbitrary_json`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    rolecall_testkit::fuzz_entry::arbitrary_json(data);
});
