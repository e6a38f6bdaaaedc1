//! The workspace in a real browser: tests/browser/e2e.mjs drives Debian's
//! Chromium (playwright-core, installed by `.ci/setup` with `npm ci`)
//! against `divtrace serve` on the bundled case.

mod common;
mod serve_common;

use std::process::Command;

/// Without the browser stack a test says so and passes: the API tests
/// (tests/serve_api.rs) still run; `.ci/setup` installs all three.
fn browser_missing(root: &std::path::Path) -> bool {
    let missing: Vec<&str> = [
        (root.join("node_modules/playwright-core").exists(), "tests/browser/node_modules (npm ci in tests/browser)"),
        (std::path::Path::new("/usr/bin/chromium").exists(), "/usr/bin/chromium (Debian's chromium)"),
        (Command::new("node").arg("--version").output().is_ok_and(|o| o.status.success()), "node (Debian's nodejs)"),
    ]
    .into_iter()
    .filter(|(ok, _)| !ok)
    .map(|(_, what)| what)
    .collect();
    if !missing.is_empty() {
        eprintln!("SKIPPED: the browser test needs {}; `bash .ci/setup` installs them", missing.join(", "));
    }
    !missing.is_empty()
}

#[test]
fn workspace_search_expand_filter_routes_and_declarations_in_chromium() {
    let root = common::root().join("tests/browser");
    if browser_missing(&root) {
        return;
    }
    let s = serve_common::server();
    let out = s.dir.path().join("shots");
    let run = Command::new("node")
        .arg(root.join("e2e.mjs"))
        .arg(format!("http://127.0.0.1:{}/", s.port))
        .arg(&out)
        .output()
        .expect("node is needed by this test (`bash .ci/setup` installs Debian's nodejs)");
    let stdout = String::from_utf8_lossy(&run.stdout);
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(run.status.success(), "browser test failed\nstdout:\n{stdout}\nstderr:\n{stderr}");
    let report: serde_json::Value = serde_json::from_str(stdout.lines().last().unwrap_or("")).expect("a JSON summary");
    assert_eq!(report["ok"], true);
    assert!(report["channels"].as_u64().unwrap() >= 1, "{report}");
    let shot = std::fs::metadata(out.join("workspace.png")).expect("a screenshot");
    assert!(shot.len() > 10_000, "the screenshot is suspiciously small");
}

#[test]
fn analyst_merges_and_splits_from_the_page_with_the_edit_token() {
    let root = common::root().join("tests/browser");
    if browser_missing(&root) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let case = serve_common::bundled_case(dir.path());
    let (s, token) = serve_common::serve_with(case, dir, &["--allow-edits"]);
    let out = s.dir.path().join("shots");
    let run = Command::new("node")
        .arg(root.join("edits.mjs"))
        .arg(format!("http://127.0.0.1:{}/", s.port))
        .arg(token.unwrap())
        .arg(&out)
        .output()
        .expect("node is needed by this test (`bash .ci/setup` installs Debian's nodejs)");
    let stdout = String::from_utf8_lossy(&run.stdout);
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(run.status.success(), "browser test failed\nstdout:\n{stdout}\nstderr:\n{stderr}");
    let report: serde_json::Value = serde_json::from_str(stdout.lines().last().unwrap_or("")).expect("a JSON summary");
    assert_eq!(report["ok"], true);
    // The decisions are in the case, as `resolve --merge/--split` stores them: the split of the
    // same two records replaces the merge (resolve keeps one analyst decision per pair).
    let c = rusqlite::Connection::open_with_flags(&s.case, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
    let kinds: Vec<(String, Option<String>)> = c
        .prepare("SELECT kind, note FROM relation WHERE source = 'analyst' ORDER BY src_line")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(kinds, [("not_same".to_string(), Some("different directors".to_string()))]);
}
