//! Column mappings: any text as a mapping file, its transforms applied to
//! any cells, must load or be refused with a message, and never panic.
#![no_main]
use divtrace::ingest::mapping::{Compiled, Mapping};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    // The first line is a cell to transform; the rest is the mapping file.
    let (cell, toml) = text.split_once('\n').unwrap_or(("", &text));
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("map.toml");
    std::fs::write(&p, toml).unwrap();
    let Ok(m) = Mapping::load(&p) else { return };
    for name in ["entities", "shipments", "relations", "lists"] {
        if let Some(t) = m.table(name) {
            for spec in t.columns.values() {
                let c = Compiled::new(&spec.transform());
                for v in [cell, cell.trim(), "2022-05-02", "1.234,56", "Türkiye", "854231000000"] {
                    let _ = c.apply(v);
                }
            }
        }
    }
});
