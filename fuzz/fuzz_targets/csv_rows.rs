//! The CSV bundle reader and row checker: any bytes as entities.csv,
//! shipments.csv, relations.csv and lists.csv (one input split at each pair
//! of NUL bytes; a missing part leaves that file out) must import or be
//! refused with an error, never panic, and a refused import must leave the
//! case exactly as it was.
#![no_main]
use divtrace::ingest::{ingest_bundle, Options};
use divtrace::store::Case;
use libfuzzer_sys::fuzz_target;

const FILES: [&str; 4] = ["entities.csv", "shipments.csv", "relations.csv", "lists.csv"];

fn state(case: &Case) -> String {
    serde_json::to_string(&case.info(5).expect("info of a case")).unwrap()
}

fn split(data: &[u8]) -> Vec<&[u8]> {
    let mut parts = Vec::new();
    let mut rest = data;
    while parts.len() < FILES.len() - 1 {
        match rest.windows(2).position(|w| w == [0, 0]) {
            Some(i) => {
                parts.push(&rest[..i]);
                rest = &rest[i + 2..];
            }
            None => break,
        }
    }
    parts.push(rest);
    parts
}

fuzz_target!(|data: &[u8]| {
    let dir = tempfile::tempdir().unwrap();
    for (name, bytes) in FILES.iter().zip(split(data)) {
        std::fs::write(dir.path().join(name), bytes).unwrap();
    }
    let mut case = Case::open_or_create(std::path::Path::new(":memory:")).unwrap();
    // Strict, then skipping invalid rows, then strict again on the filled case (duplicates).
    for skip_invalid in [false, true, false] {
        let before = state(&case);
        let opts = Options { skip_invalid, rejects: Some(dir.path().join("rejects.csv")), progress: false, ..Default::default() };
        if ingest_bundle(&mut case, dir.path(), &opts).is_err() {
            assert_eq!(state(&case), before, "a refused import changed the case");
        }
    }
});
