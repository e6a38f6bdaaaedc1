//! OFAC's sdn/add/alt CSVs: any text (split into the three files at 0x00)
//! gives entries or an error, never a panic.
#![no_main]
use libfuzzer_sys::fuzz_target;
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let mut parts = text.splitn(3, '\0');
        let sdn = parts.next().unwrap_or("");
        let add = parts.next();
        let alt = parts.next();
        let _ = divtrace::resolve::lists::ofac::parse(
            (Path::new("sdn.csv"), sdn),
            add.map(|t| (Path::new("add.csv"), t)),
            alt.map(|t| (Path::new("alt.csv"), t)),
        );
    }
});
