//! The FollowTheMoney JSON-lines importer: any bytes must import or be
//! refused with an error, never panic, and a refused import must leave the
//! case exactly as it was.
#![no_main]
use divtrace::ingest::{ingest_ftm, Options};
use divtrace::store::Case;
use libfuzzer_sys::fuzz_target;

fn state(case: &Case) -> String {
    serde_json::to_string(&case.info(5).expect("info of a case")).unwrap()
}

fuzz_target!(|data: &[u8]| {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("entities.jsonl");
    std::fs::write(&p, data).unwrap();
    let mut case = Case::open_or_create(std::path::Path::new(":memory:")).unwrap();
    for skip_invalid in [false, true, false] {
        let before = state(&case);
        let opts = Options { skip_invalid, rejects: Some(dir.path().join("rejects.csv")), progress: false, ..Default::default() };
        if ingest_ftm(&mut case, &p, &opts).is_err() {
            assert_eq!(state(&case), before, "a refused import changed the case");
        }
    }
});
