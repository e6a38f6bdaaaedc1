//! Files named on the command line, where `-` means standard input or
//! standard output (docs/ingest.md, "Standard input and output", lists the
//! flags that take it), and the one check that a flag naming a file was not
//! given a folder.

use std::io::Read;
use std::path::{Path, PathBuf};

use crate::error::{Error, InputError, Result};

/// Whether a path given on the command line is `-` (standard input or output).
pub fn is_dash(path: &Path) -> bool {
    path.as_os_str() == "-"
}

/// How an input appears in messages: its path, or `<stdin>` for `-`.
pub fn shown(path: &Path) -> PathBuf {
    if is_dash(path) {
        PathBuf::from("<stdin>")
    } else {
        path.to_path_buf()
    }
}

/// A file named by `flag` is not a folder; `expected` says what it should be.
pub fn not_a_folder(flag: &str, path: &Path, expected: &str) -> Result<()> {
    if !is_dash(path) && path.is_dir() {
        return Err(Error::usage(flag, format!("{} is a folder: expected {expected}", path.display())));
    }
    Ok(())
}

/// Reads the whole file named by `flag` (`-`: standard input), checking
/// first that it is not a folder. Returns the name to use in messages and the bytes.
pub fn read_all(flag: &str, path: &Path, expected: &str) -> Result<(PathBuf, Vec<u8>)> {
    not_a_folder(flag, path, expected)?;
    if is_dash(path) {
        let mut bytes = Vec::new();
        std::io::stdin().lock().read_to_end(&mut bytes).map_err(|e| Error::io("<stdin>", e))?;
        return Ok((shown(path), bytes));
    }
    if !path.exists() {
        return Err(Error::Input(InputError::new(path, 0, None, format!("no such file: expected {expected} ({flag})"))));
    }
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    Ok((path.to_path_buf(), bytes))
}

/// [`read_all`] as UTF-8 text.
pub fn read_text(flag: &str, path: &Path, expected: &str) -> Result<(PathBuf, String)> {
    let (name, bytes) = read_all(flag, path, expected)?;
    let text = String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        let line = e.as_bytes()[..at].iter().filter(|&&b| b == b'\n').count() as u64 + 1;
        Error::Input(InputError::new(&name, line, None, format!("not UTF-8 text (byte {at})")))
    })?;
    Ok((name, text))
}

/// At most one of `flags` (flag, path) may say `-`: standard input is read once.
pub fn stdin_at_most_once(flags: &[(&str, Option<&Path>)]) -> Result<()> {
    let dashes: Vec<&str> = flags.iter().filter(|(_, p)| p.is_some_and(is_dash)).map(|(f, _)| *f).collect();
    if dashes.len() > 1 {
        return Err(Error::usage(dashes[1], format!("standard input can be read once: {} all say `-`", dashes.join(", "))));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folders_and_dashes() {
        let dir = tempfile::tempdir().unwrap();
        let e = read_all("--input", dir.path(), "a CSV file of customers").unwrap_err().to_string();
        assert!(e.starts_with("--input: ") && e.contains("is a folder: expected a CSV file of customers"), "{e}");
        let e = read_all("--input", &dir.path().join("nope.csv"), "a CSV file").unwrap_err().to_string();
        assert!(e.contains("nope.csv") && e.contains("no such file"), "{e}");
        assert!(is_dash(Path::new("-")) && !is_dash(Path::new("./-")));
        assert_eq!(shown(Path::new("-")), PathBuf::from("<stdin>"));
        let f = dir.path().join("x.txt");
        std::fs::write(&f, b"ok\n\xff").unwrap();
        let e = read_text("--weights", &f, "TOML").unwrap_err().to_string();
        assert!(e.contains("line 2") && e.contains("not UTF-8"), "{e}");
        let dash = Path::new("-");
        assert!(stdin_at_most_once(&[("--input", Some(dash)), ("--weights", None)]).is_ok());
        let e = stdin_at_most_once(&[("--input", Some(dash)), ("--weights", Some(dash))]).unwrap_err().to_string();
        assert!(e.contains("--input, --weights"), "{e}");
    }
}
