//! A full disk: an import that runs out of space says so and leaves the
//! case file as it was; a report or export that runs out of space leaves the
//! previous files whole and no temporary file behind. The disk is a 512 KiB
//! tmpfs, which needs root to mount: elsewhere the test says it skipped.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::*;

/// A tiny tmpfs, unmounted when dropped.
struct TinyDisk {
    dir: PathBuf,
    _tmp: tempfile::TempDir,
}

impl TinyDisk {
    fn mount() -> Option<TinyDisk> {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("disk");
        std::fs::create_dir(&dir).unwrap();
        let ok = Command::new("mount").args(["-t", "tmpfs", "-o", "size=512k", "tmpfs"]).arg(&dir).output().ok()?.status.success();
        ok.then_some(TinyDisk { dir, _tmp: tmp })
    }

    /// Fills the disk but for about `leave` bytes.
    fn fill(&self, leave: u64) {
        let _ = std::fs::remove_file(self.dir.join("filler"));
        let out = Command::new("df").args(["-B1", "--output=avail"]).arg(&self.dir).output().unwrap();
        let avail: u64 = String::from_utf8_lossy(&out.stdout).lines().nth(1).unwrap().trim().parse().unwrap();
        let size = avail.saturating_sub(leave) as usize;
        // A short write at the end is fine: the point is that little is left.
        let _ = std::fs::write(self.dir.join("filler"), vec![0u8; size]);
    }
}

impl Drop for TinyDisk {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.dir).status();
    }
}

fn os(s: &str) -> &std::ffi::OsStr {
    s.as_ref()
}

/// Every file of `dir` with its bytes.
fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut v: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let p = e.unwrap().path();
            (p.file_name().unwrap().to_string_lossy().into_owned(), std::fs::read(&p).unwrap())
        })
        .collect();
    v.sort();
    v
}

#[test]
fn a_full_disk_changes_nothing_and_leaves_no_half_file() {
    let Some(disk) = TinyDisk::mount() else {
        eprintln!("SKIPPED: cannot mount a small tmpfs here (needs root); the full-disk paths are not exercised");
        return;
    };
    let case = disk.dir.join("case.db");
    divtrace([os("ingest"), fixture("bundles/small").as_os_str(), os("--case"), case.as_os_str(), os("-q")]).ok();
    let q = ["--from", "country:US", "--to", "country:RU"].map(os);
    let rep = disk.dir.join("report");
    divtrace([&[os("report"), os("--case"), case.as_os_str(), os("--out"), rep.as_os_str()][..], &q].concat()).ok();
    let dot = disk.dir.join("routes.dot");
    divtrace([&[os("export"), os("--case"), case.as_os_str(), os("--out"), dot.as_os_str()][..], &q].concat()).ok();
    let (case_before, rep_before, dot_before) = (sha256(&case), files(&rep), std::fs::read(&dot).unwrap());

    disk.fill(4096);
    let o = divtrace([os("ingest"), fixture("bundles/hostile").as_os_str(), os("--case"), case.as_os_str(), os("-q")]).failed();
    assert!(o.stderr.contains("case.db") && o.stderr.contains("disk is full"), "{}", o.stderr);
    assert!(sha256(&case) == case_before, "a failed import on a full disk changed the case");

    let o = divtrace([&[os("report"), os("--case"), case.as_os_str(), os("--out"), rep.as_os_str()][..], &q].concat()).failed();
    assert!(o.stderr.contains("No space left"), "{}", o.stderr);
    assert_eq!(files(&rep), rep_before, "a report that failed on a full disk changed the previous report");

    let o = divtrace([&[os("export"), os("--case"), case.as_os_str(), os("--out"), dot.as_os_str()][..], &q].concat()).failed();
    assert!(o.stderr.contains("routes.dot") && o.stderr.contains("No space left"), "{}", o.stderr);
    assert_eq!(std::fs::read(&dot).unwrap(), dot_before);
    let mut left: Vec<String> =
        std::fs::read_dir(&disk.dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    left.sort();
    assert_eq!(left, ["case.db", "filler", "report", "routes.dot"], "temporary files left behind");
    assert!(sha256(&case) == case_before, "a reading command on a full disk changed the case");
}
