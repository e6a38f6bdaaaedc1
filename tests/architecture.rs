//! The architecture of docs/architecture.md, checked on the source text:
//! the pure algorithm modules import neither the case file (`store`), nor the
//! application layer, nor a front end, nor a formatter; a command-line file
//! imports no other subcommand, and the web workspace reads the case only
//! through the application layer; no source file grows past ~800 lines; and
//! every risk-factor code is spelled in one place only.

mod common;

use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// The source of `file` without its `#[cfg(test)]` module (tests may use anything)
/// and without comments.
fn code_of(file: &Path) -> String {
    let text = std::fs::read_to_string(file).unwrap();
    let text = match text.find("#[cfg(test)]\nmod tests") {
        Some(i) => &text[..i],
        None => &text[..],
    };
    text.lines().map(|l| l.split("//").next().unwrap_or("")).collect::<Vec<_>>().join("\n")
}

fn src() -> PathBuf {
    common::root().join("src")
}

fn files_under(module: &str) -> Vec<PathBuf> {
    let mut v = Vec::new();
    let dir = src().join(module);
    if dir.is_dir() {
        rust_files(&dir, &mut v);
    }
    let file = src().join(format!("{module}.rs"));
    if file.is_file() {
        v.push(file);
    }
    v.sort();
    v
}

/// Paths an algorithm may not name: the case file, the application layer,
/// front ends, formatters and the I/O-bound crates behind them.
const FORBIDDEN_IN_ALGORITHMS: [&str; 10] = [
    "crate::store",
    "crate::app",
    "crate::cli",
    "crate::export",
    "crate::ingest",
    "rusqlite",
    "graphviz_rust",
    "clap::",
    "std::fs",
    "indicatif",
];

/// The pure modules: plain values, the graph and the algorithms over it.
const ALGORITHMS: [&str; 5] = ["model", "graph", "routes", "assess", "resolve"];

fn is_ident(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Whether `code` names the crate's top-level module `module`, however the
/// path is spelled: `crate::store::Case`, `use crate::store;`, a bare
/// `store::Case` (after such an import), or an item of a grouped import,
/// anywhere in the group (`use crate::{model, store::Case}`).
fn names_module(code: &str, module: &str) -> bool {
    let at_boundary = |needle: &str, after_ok: &dyn Fn(Option<char>) -> bool| {
        code.match_indices(needle).any(|(i, _)| {
            let before = code[..i].chars().next_back();
            let after = code[i + needle.len()..].chars().next();
            !before.is_some_and(is_ident) && after_ok(after)
        })
    };
    if at_boundary(&format!("{module}::"), &|_| true) || at_boundary(&format!("crate::{module}"), &|a| !a.is_some_and(is_ident)) {
        return true;
    }
    grouped_imports(code).iter().any(|item| item.split("::").next().map(|s| s.split_whitespace().next().unwrap_or("")) == Some(module))
}

/// The top-level items of every `crate::{...}` group in `code` (nested groups stay inside their item).
fn grouped_imports(code: &str) -> Vec<String> {
    let mut items = Vec::new();
    for (i, _) in code.match_indices("crate::{") {
        let (mut depth, mut item) = (0usize, String::new());
        for c in code[i + "crate::{".len()..].chars() {
            match c {
                '{' => depth += 1,
                '}' if depth == 0 => break,
                '}' => depth -= 1,
                ',' if depth == 0 => {
                    items.push(item.trim().to_string());
                    item.clear();
                    continue;
                }
                _ => {}
            }
            item.push(c);
        }
        items.push(item.trim().to_string());
    }
    items
}

/// Whether `code` names `needle`: a crate module (`crate::store`, in any of
/// the spellings of [`names_module`]) or any other path (`rusqlite`, `std::fs`).
fn names(code: &str, needle: &str) -> bool {
    match needle.strip_prefix("crate::") {
        Some(module) => names_module(code, module),
        None => code.contains(needle),
    }
}

#[test]
fn the_scanner_sees_every_spelling_of_an_import() {
    for code in [
        "use crate::store::Case;",
        "use crate::store;",
        "fn f(c: &store::Case) {}",
        "use crate::{store, graph::CaseGraph};",
        "use crate::{graph::CaseGraph, store};",
        "use crate::{\n    graph::{CaseGraph, Node},\n    store::graph::load_graph,\n};",
        "use crate::{store as s};",
    ] {
        assert!(names(code, "crate::store"), "missed: {code}");
    }
    for code in [
        "use crate::storefront::X;",
        "use crate::{graph::{store_of, CaseGraph}, model};",
        "let datastore::x = 1;",
        "use crate::app::workspace::OpenCase;",
    ] {
        assert!(!names(code, "crate::store"), "false hit: {code}");
    }
    assert!(names("use std::fs::File;", "std::fs") && !names("use std::io;", "std::fs"));
}

#[test]
fn algorithm_modules_import_no_store_front_end_or_formatter() {
    let mut bad = Vec::new();
    for m in ALGORITHMS {
        for f in files_under(m) {
            let code = code_of(&f);
            for needle in FORBIDDEN_IN_ALGORITHMS {
                if names(&code, needle) {
                    bad.push(format!("{} names {needle}", f.strip_prefix(common::root()).unwrap().display()));
                }
            }
        }
    }
    assert!(bad.is_empty(), "algorithm modules reach outside the core:\n{}", bad.join("\n"));
}

/// The web workspace is a front end: it reads the case through the
/// application layer's `OpenCase`, never through `store` itself.
#[test]
fn the_server_reads_the_case_only_through_app() {
    let files = files_under("serve");
    assert!(files.len() >= 5, "found only {files:?} under src/serve");
    let bad: Vec<String> = files
        .iter()
        .filter(|f| names(&code_of(f), "crate::store"))
        .map(|f| {
            format!("{} names store; read the case through app::workspace::OpenCase", f.strip_prefix(common::root()).unwrap().display())
        })
        .collect();
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

#[test]
fn only_store_knows_sql() {
    let mut all = Vec::new();
    rust_files(&src(), &mut all);
    let sql = ["\"SELECT ", "\"INSERT ", "\"UPDATE ", "\"DELETE ", "\"CREATE ", "PRAGMA "];
    let bad: Vec<String> = all
        .iter()
        .filter(|f| !f.starts_with(src().join("store")))
        .filter(|f| {
            let code = code_of(f);
            sql.iter().any(|s| code.contains(s))
        })
        .map(|f| f.strip_prefix(common::root()).unwrap().display().to_string())
        .collect();
    assert!(bad.is_empty(), "SQL outside src/store/:\n{}", bad.join("\n"));
}

/// Subcommand files: one per entry of `cli::Command`; the other files of
/// src/cli/ (`mod.rs`, `output.rs`, shared argument groups) are not commands.
fn subcommands() -> Vec<String> {
    let m = std::fs::read_to_string(src().join("cli/mod.rs")).unwrap();
    let mut v: Vec<String> = m
        .lines()
        .filter_map(|l| {
            let l = l.trim();
            let (name, rest) = l.split_once("(")?;
            let module = rest.strip_suffix("::Args),")?;
            (!name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric())).then(|| module.to_string())
        })
        .collect();
    v.sort();
    v.dedup();
    v
}

#[test]
fn a_subcommand_imports_no_other_subcommand() {
    let cmds = subcommands();
    assert!(cmds.len() >= 10, "found only {cmds:?} in src/cli/mod.rs");
    let mut bad = Vec::new();
    for c in &cmds {
        let f = src().join(format!("cli/{c}.rs"));
        let code = code_of(&f);
        for other in cmds.iter().filter(|o| *o != c) {
            for needle in [format!("super::{other}::"), format!("super::{other};"), format!("cli::{other}::"), format!("super::{{{other}")]
            {
                if code.contains(&needle) {
                    bad.push(format!("src/cli/{c}.rs uses the {other} subcommand ({needle})"));
                }
            }
        }
        if code.contains("divtrace::store") {
            bad.push(format!("src/cli/{c}.rs reads the case file itself (divtrace::store); a flow in src/app/ should"));
        }
    }
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

#[test]
fn no_source_file_is_over_800_lines() {
    let mut all = Vec::new();
    rust_files(&src(), &mut all);
    let long: Vec<String> = all
        .iter()
        .filter_map(|f| {
            let n = std::fs::read_to_string(f).unwrap().lines().count();
            (n > 800).then(|| format!("{} has {n} lines", f.display()))
        })
        .collect();
    assert!(long.is_empty(), "{}", long.join("\n"));
}

/// Every risk-factor and route-reason code string, quoted, in `src/` (tests included).
fn quoted_occurrences(code: &str) -> Vec<String> {
    let mut all = Vec::new();
    rust_files(&src(), &mut all);
    all.sort();
    let needle = format!("\"{code}\"");
    let mut at = Vec::new();
    for f in &all {
        let text = std::fs::read_to_string(f).unwrap();
        for (i, line) in text.lines().enumerate() {
            for _ in line.matches(&needle) {
                at.push(format!("{}:{}", f.strip_prefix(common::root()).unwrap().display(), i + 1));
            }
        }
    }
    at
}

#[test]
fn every_code_is_spelled_in_exactly_one_place() {
    use divtrace::assess::RiskFactor;
    use divtrace::routes::rank::RouteReason;
    let mut bad = Vec::new();
    let codes = RiskFactor::ALL
        .iter()
        .map(|f| (f.code(), "src/assess/factor.rs"))
        .chain(RouteReason::ALL.iter().map(|r| (r.code(), "src/routes/rank.rs")));
    let mut seen = std::collections::BTreeMap::new();
    for (code, home) in codes {
        // A code both enums share (TRANSSHIPMENT_COUNTRY) is spelled by the route reason.
        let home = if RouteReason::ALL.iter().any(|r| r.code() == code) { "src/routes/rank.rs" } else { home };
        if seen.insert(code, home).is_some() {
            continue;
        }
        let at = quoted_occurrences(code);
        if at.len() != 1 || !at[0].starts_with(&format!("{home}:")) {
            bad.push(format!("{code}: spelled at [{}], expected once in {home}", at.join(", ")));
        }
    }
    assert!(seen.len() >= 30, "only {} codes", seen.len());
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}
