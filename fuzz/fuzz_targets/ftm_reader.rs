//! The FollowTheMoney JSON-lines importer: any bytes must import or be
//! refused with file and line, never panic.
#![no_main]
use divtrace::ingest::{ingest_ftm, Options};
use divtrace::store::Case;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("entities.jsonl");
    std::fs::write(&p, data).unwrap();
    let mut case = Case::open_or_create(std::path::Path::new(":memory:")).unwrap();
    for skip_invalid in [false, true] {
        let opts = Options { skip_invalid, rejects: Some(dir.path().join("rejects.csv")), progress: false, ..Default::default() };
        let _ = ingest_ftm(&mut case, &p, &opts);
    }
});
