//! Every output file divtrace writes (diagrams, reports, GraphML, FtM,
//! rejects) is written to a temporary file in the same folder and renamed
//! into place when complete: a failed or interrupted write never leaves a
//! truncated file under the real name, and a reader sees the old file or
//! the whole new one.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use crate::error::{Error, Result};

static COUNTER: AtomicU64 = AtomicU64::new(0);

/// A file being written; [`AtomicFile::commit`] puts it in place, dropping
/// it uncommitted removes the temporary file.
pub struct AtomicFile {
    path: PathBuf,
    tmp: PathBuf,
    file: Option<BufWriter<File>>,
    /// Renamed into place: nothing left to clean up.
    committed: bool,
}

impl AtomicFile {
    /// Starts writing `path` (its folder is created if missing).
    pub fn create(path: &Path) -> Result<AtomicFile> {
        let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        if path.is_dir() {
            return Err(Error::io(path, io::Error::other("is a directory, not a file to write")));
        }
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "out".into());
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let tmp = dir.join(format!(".{name}.{}.{n}.tmp", std::process::id()));
        let f = File::create(&tmp).map_err(|e| Error::io(path, e))?;
        Ok(AtomicFile { path: path.to_path_buf(), tmp, file: Some(BufWriter::with_capacity(1 << 16, f)), committed: false })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The temporary file (for tools that write it themselves, like `dot -o`).
    pub fn temp_path(&self) -> &Path {
        &self.tmp
    }

    /// Flushes and syncs the data to disk without renaming it: a full disk
    /// or an I/O error shows here. A caller writing several files finishes
    /// them all before committing any, so a failure leaves none renamed.
    pub fn finish(&mut self) -> Result<()> {
        let f = self.file.as_mut().expect("file present until commit");
        f.flush().map_err(|e| Error::io(&self.path, e))?;
        f.get_ref().sync_all().map_err(|e| Error::io(&self.path, e))
    }

    /// Finishes the file and renames it into place.
    pub fn commit(mut self) -> Result<()> {
        self.finish()?;
        drop(self.file.take());
        std::fs::rename(&self.tmp, &self.path).map_err(|e| Error::io(&self.path, e))?;
        self.committed = true;
        Ok(())
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.file.as_mut().expect("file present until commit").write(buf)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.file.as_mut().expect("file present until commit").flush()
    }
}

impl Drop for AtomicFile {
    /// An uncommitted file, or one whose commit failed, leaves no temporary file behind.
    fn drop(&mut self) {
        drop(self.file.take());
        if !self.committed {
            let _ = std::fs::remove_file(&self.tmp);
        }
    }
}

/// Writes `bytes` to `path` atomically (temporary file, then rename).
pub fn write_file(path: &Path, bytes: &[u8]) -> Result<()> {
    let mut f = AtomicFile::create(path)?;
    f.write_all(bytes).map_err(|e| Error::io(path, e))?;
    f.commit()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_in_place_and_leaves_nothing_on_failure() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("sub/out.dot");
        write_file(&p, b"digraph {}\n").unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"digraph {}\n");
        // An abandoned write keeps the old file and removes its temporary file.
        {
            let mut f = AtomicFile::create(&p).unwrap();
            f.write_all(b"half").unwrap();
        }
        assert_eq!(std::fs::read(&p).unwrap(), b"digraph {}\n");
        assert_eq!(std::fs::read_dir(p.parent().unwrap()).unwrap().count(), 1);
        assert!(write_file(dir.path(), b"x").is_err(), "a folder is not overwritten");
    }
}
