//! The CSV bundle reader and row checker: any bytes as entities.csv and
//! shipments.csv (split at the first 0x00 0x00, or in the middle) must give
//! records or an error naming file and line, never a panic.
#![no_main]
use divtrace::ingest::{ingest_bundle, Options};
use divtrace::store::Case;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let cut = data.windows(2).position(|w| w == [0, 0]).unwrap_or(data.len() / 2);
    let (ents, ships) = (&data[..cut], &data[(cut + 2).min(data.len())..]);
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("entities.csv"), ents).unwrap();
    std::fs::write(dir.path().join("shipments.csv"), ships).unwrap();
    let mut case = Case::open_or_create(std::path::Path::new(":memory:")).unwrap();
    for skip_invalid in [false, true] {
        let opts = Options { skip_invalid, rejects: Some(dir.path().join("rejects.csv")), progress: false, ..Default::default() };
        let _ = ingest_bundle(&mut case, dir.path(), &opts);
    }
});
