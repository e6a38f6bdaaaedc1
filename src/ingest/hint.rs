//! Without `--map`, a bundle whose files do not follow the case-bundle
//! contract gets a hint: column mappings exist, and which of the bundled
//! ones (`fixtures/mappings/`) reads the most of its headers. The mappings
//! are compiled in, so the hint works wherever the binary is installed.

use std::path::Path;

use super::mapping::Mapping;

/// The bundled mappings: (path in the source tree, text).
const BUNDLED: [(&str, &str); 2] = [
    ("fixtures/mappings/ru-customs-declaration.toml", include_str!("../../fixtures/mappings/ru-customs-declaration.toml")),
    ("fixtures/mappings/tr-export-declarations.toml", include_str!("../../fixtures/mappings/tr-export-declarations.toml")),
];

/// The header of a CSV file, read with `delimiter`; `None` when unreadable.
fn header(path: &Path, delimiter: u8) -> Option<Vec<String>> {
    let mut r = csv::ReaderBuilder::new().delimiter(delimiter).flexible(true).from_path(path).ok()?;
    let h = r.headers().ok()?;
    Some(h.iter().map(|c| c.trim().trim_start_matches('\u{feff}').to_string()).collect())
}

/// The bundled mapping that reads the most of the columns it names in
/// `dir`'s files: (its path, columns found, columns it names, file).
fn closest(dir: &Path) -> Option<(&'static str, usize, usize, String)> {
    let mut best: Option<(&'static str, usize, usize, String)> = None;
    for (name, text) in BUNDLED {
        let Ok(m) = toml::from_str::<Mapping>(text) else { continue };
        for table in ["entities", "shipments", "relations", "lists"] {
            let Some(tm) = m.table(table) else { continue };
            let file = tm.file.clone().unwrap_or_else(|| format!("{table}.csv"));
            let delimiter = tm.delimiter.as_deref().and_then(|d| d.bytes().next()).unwrap_or(b',');
            let Some(head) = header(&dir.join(&file), delimiter) else { continue };
            let named: Vec<String> = tm
                .columns
                .values()
                .flat_map(|c| {
                    let t = c.transform();
                    t.column.into_iter().chain(t.columns.unwrap_or_default())
                })
                .collect();
            let found = named.iter().filter(|c| head.iter().any(|h| h.eq_ignore_ascii_case(c))).count();
            // More than half of what it reads: a guess worth making.
            if found * 2 > named.len() && best.as_ref().is_none_or(|b| found * b.2 > b.1 * named.len()) {
                best = Some((name, found, named.len(), file));
            }
        }
    }
    best
}

/// The sentence appended to "missing file" and "missing column" errors of a
/// bundle read without a mapping.
pub fn without_mapping(dir: &Path) -> String {
    match closest(dir) {
        Some((name, found, of, file)) => format!(
            "; these files look like another layout: column mappings map such exports onto the contract (--map MAPPING.toml, docs/ingest.md); \
             the closest bundled mapping is {name} ({found} of the {of} columns it reads are in {file}): try --map {name}"
        ),
        None => "; if these files use another layout (a vendor export, a customs dump), a column mapping maps it onto the contract \
                 (--map MAPPING.toml, docs/ingest.md; bundled examples in fixtures/mappings/)"
            .to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn root() -> std::path::PathBuf {
        std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
    }

    #[test]
    fn the_bundled_mappings_parse_and_point_at_their_dumps() {
        for (name, text) in BUNDLED {
            assert!(toml::from_str::<Mapping>(text).is_ok(), "{name}");
        }
        let tr = without_mapping(&root().join("fixtures/bundles/tr-exports"));
        assert!(
            tr.contains("closest bundled mapping is fixtures/mappings/tr-export-declarations.toml") && tr.contains("ihracat.csv"),
            "{tr}"
        );
        let ru = without_mapping(&root().join("fixtures/bundles/ru-declarations"));
        assert!(ru.contains("fixtures/mappings/ru-customs-declaration.toml"), "{ru}");
        let none = without_mapping(&root().join("fixtures/bundles/small"));
        assert!(none.contains("a column mapping maps it") && !none.contains("closest"), "{none}");
    }
}
