//! Printers that more than one subcommand uses (`investigate` repeats what
//! `ingest` and `resolve` say), so that no subcommand calls another.

use std::io::Write;

use divtrace::app::resolve::Resolution;
use divtrace::ingest::Summary;
use divtrace::Result;

use super::output::{self, io, Csv, Format};

/// What an import did.
pub fn ingest_summary(s: &Summary, case: &std::path::Path, format: Format, out: &mut dyn Write) -> Result<()> {
    match format {
        Format::Json => output::json(out, s),
        Format::Csv => {
            let mut w = Csv::new(out, ["batch", "scope", "file", "role", "rows", "stored", "refused", "sha256"])?;
            for f in &s.files {
                w.row([
                    s.batch.to_string(),
                    s.scope.clone(),
                    f.path.clone(),
                    f.role.to_string(),
                    f.rows.to_string(),
                    f.stored.to_string(),
                    f.refused.to_string(),
                    f.sha256.clone(),
                ])?;
            }
            w.finish()
        }
        Format::Table => {
            if s.already_imported {
                return io(writeln!(
                    out,
                    "{} was already imported into {} as batch {} (scope {:?}) at {}; nothing changed.",
                    s.bundle,
                    case.display(),
                    s.batch,
                    s.scope,
                    s.imported_at
                ));
            }
            let mut t = String::new();
            t += &format!("Imported {} into {} as batch {} (ids scoped as {:?}).\n\n", s.bundle, case.display(), s.batch, s.scope);
            t += &format!("  {:<18} {:>10} {:>10} {:>9}  {}\n", "file", "rows", "stored", "refused", "sha256");
            let total: u64 = s.files.iter().map(|f| f.stored).sum();
            for f in &s.files {
                t += &format!("  {:<18} {:>10} {:>10} {:>9}  {}\n", f.path, f.rows, f.stored, f.refused, &f.sha256[..16]);
            }
            for f in s.files.iter().filter(|f| !f.extra_columns.is_empty()) {
                t += &format!("\n  {}: columns outside the contract kept as attributes: {}", f.path, f.extra_columns.join(", "));
            }
            for f in s.files.iter().filter(|f| !f.skipped.is_empty()) {
                let list: Vec<String> = f.skipped.iter().map(|(k, n)| format!("{k} ({n})")).collect();
                t += &format!("\n  {}: FtM schemas not imported: {}", f.path, list.join(", "));
            }
            let refused: u64 = s.files.iter().map(|f| f.refused).sum();
            if let Some(r) = &s.rejects {
                t += &format!("\n  {refused} refused rows written with their reasons to {r}");
            }
            t += &format!(
                "\n\n  {} records in {:.2} s ({:.0} rows/s). Next: divtrace info --case {}\n",
                total,
                s.seconds,
                total as f64 / s.seconds.max(1e-9),
                case.display()
            );
            io(out.write_all(t.as_bytes()))
        }
    }
}

/// The last line `divtrace resolve` prints: counts, or the last conflict.
pub fn resolve_summary(r: &Resolution) -> String {
    match r.conflicts.last() {
        Some((a, b)) => conflict_line(a, b),
        None => resolve_counts(r),
    }
}

/// Entities, clusters, pairs for review and manufacturer links, in one line.
pub fn resolve_counts(r: &Resolution) -> String {
    format!(
        "{} entities in {} clusters ({} merged clusters); {} pairs for review (resolve --review); {} of {} manufacturer texts linked",
        r.entities,
        r.clusters,
        r.merged.len(),
        r.review.len(),
        r.manufacturer_links,
        r.manufacturer_texts
    )
}

pub fn conflict_line(a: &str, b: &str) -> String {
    format!("conflict: {a} and {b} are marked not_same but same_as decisions join them")
}
