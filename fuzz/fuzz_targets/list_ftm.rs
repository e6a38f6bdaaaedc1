//! The FTM screening-list parser: any text gives entries or an error, never a panic.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = divtrace::resolve::lists::ftm::parse(std::path::Path::new("list"), text);
    }
});
