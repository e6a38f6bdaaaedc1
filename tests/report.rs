//! The evidence report: self-contained, escaped, checkable, and it renders
//! in a browser without touching the network.

mod common;

use std::process::Command;

use common::*;

fn report(case: &std::path::Path, dir: &std::path::Path) -> Output {
    divtrace([
        "report".as_ref(),
        "--case".as_ref(),
        case.as_os_str(),
        "--from".as_ref(),
        "country:US".as_ref(),
        "--to".as_ref(),
        "country:RU".as_ref(),
        "--out".as_ref(),
        dir.as_os_str(),
    ])
}

#[test]
fn report_is_escaped_self_contained_and_has_a_manifest() {
    let tmp = tempfile::tempdir().unwrap();
    let case = ingest_case(tmp.path(), "bundles/hostile");
    let dir = tmp.path().join("report");
    report(&case, &dir).ok();
    let html = std::fs::read_to_string(dir.join("report.html")).unwrap();
    let lower = html.to_lowercase();
    assert!(!lower.contains("<script"), "a script tag reached the page");
    for external in ["src=\"http", "href=\"http", "url(http", "@import", "<link", "<iframe"] {
        assert!(!lower.contains(external), "external reference {external} in the page");
    }
    assert!(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; Dış Ticaret Ltd. Şti."));
    assert!(html.contains("}; digraph { evil -&gt; node [label=&quot;pwned&quot;] } //"));
    assert!(html.contains("شركة الصقر للتجارة العامة ش.ذ.م.م"));
    assert!(html.contains("<svg"), "the diagram is embedded");
    // Every hop with its source file and line.
    assert!(html.contains("shipments.csv</td>") || html.contains("shipments.csv:"), "source lines");
    let json: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(dir.join("report.json")).unwrap()).unwrap();
    assert_eq!(json["routes"]["stats"]["total_routes"], 3);
    assert_eq!(json["inputs"].as_array().unwrap().len(), 2);
    // The manifest's sums are the files' sums.
    let manifest = std::fs::read_to_string(dir.join("MANIFEST.sha256")).unwrap();
    assert_eq!(manifest.lines().count(), 4);
    for line in manifest.lines() {
        let (sum, name) = line.split_once("  ").unwrap();
        let out = Command::new("sha256sum").arg(dir.join(name)).output().unwrap();
        assert!(String::from_utf8_lossy(&out.stdout).starts_with(sum), "{name}");
    }
    check_dot(&dir.join("routes.dot"));
}

/// Hosts Chromium itself calls on start (updates, clock, accounts); not the page's doing.
fn browser_own(url: &str) -> bool {
    ["google.com", "googleapis.com", "gstatic.com", "chromium.org"].iter().any(|h| url.contains(h))
}

#[test]
fn report_renders_in_headless_chromium_without_network_requests() {
    let tmp = tempfile::tempdir().unwrap();
    let case = tmp.path().join("case.db");
    divtrace(["ingest".as_ref(), root().join("graphs/turkish-chips").as_os_str(), "--case".as_ref(), case.as_os_str(), "-q".as_ref()]).ok();
    let dir = tmp.path().join("report");
    report(&case, &dir).ok();
    // The parties' assessments are in the page and the JSON, with factors and evidence ids.
    let json: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(dir.join("report.json")).unwrap()).unwrap();
    let listed = json["assessments"].as_array().unwrap().iter().find(|a| a["entity"] == "E0000908").expect("the end user is assessed");
    assert_eq!(listed["band"], "severe");
    assert!(listed["factors"].as_array().unwrap().iter().any(|f| f["code"] == "LISTED" && !f["evidence"].as_array().unwrap().is_empty()));
    let html = std::fs::read_to_string(dir.join("report.html")).unwrap();
    assert!(html.contains("Assessments of the parties") && html.contains("band-severe"));
    let shot = tmp.path().join("shot.png");
    let netlog = tmp.path().join("net.json");
    let out = Command::new("chromium")
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-extensions",
            "--window-size=1400,2000",
        ])
        .arg(format!("--user-data-dir={}", tmp.path().join("profile").display()))
        .arg(format!("--log-net-log={}", netlog.display()))
        .arg(format!("--screenshot={}", shot.display()))
        .arg(dir.join("report.html"))
        .output()
        .unwrap_or_else(|e| {
            panic!("headless Chromium is needed by this test ({e}); `bash .ci/setup` installs it (Debian package chromium)")
        });
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("Page load failed"), "{stderr}");
    let png = std::fs::read(&shot).unwrap_or_else(|_| panic!("no screenshot:\n{stderr}"));
    assert!(png.starts_with(b"\x89PNG") && png.len() > 50_000, "screenshot too small to hold the report: {} bytes", png.len());
    let log: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&netlog).unwrap()).unwrap();
    let page_requests: Vec<String> = log["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["params"]["url"].as_str())
        .filter(|u| !u.starts_with("file://") && !u.starts_with("data:") && !browser_own(u))
        .map(String::from)
        .collect();
    assert!(page_requests.is_empty(), "the report made network requests: {page_requests:?}");
}

/// SOURCE_DATE_EPOCH fixes the generation time, so two runs write the same bytes.
#[test]
fn report_honours_source_date_epoch() {
    let tmp = tempfile::tempdir().unwrap();
    let case = ingest_case(tmp.path(), "bundles/hostile");
    let run = |dir: &std::path::Path| {
        let out = Command::new(env!("CARGO_BIN_EXE_divtrace"))
            .args(["report", "--from", "country:US", "--to", "country:RU", "--case"])
            .arg(&case)
            .arg("--out")
            .arg(dir)
            .env("SOURCE_DATE_EPOCH", "1700000000")
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        std::fs::read_to_string(dir.join("report.json")).unwrap()
    };
    let (a, b) = (run(&tmp.path().join("a")), run(&tmp.path().join("b")));
    assert!(a.contains("\"generated_at\": \"2023-11-14T22:13:20Z\""), "{a}");
    assert_eq!(a, b);
    assert_eq!(std::fs::read(tmp.path().join("a/MANIFEST.sha256")).unwrap(), std::fs::read(tmp.path().join("b/MANIFEST.sha256")).unwrap());
}

/// The channels `investigate` prints: (rank, the chain's ids).
fn printed_channels(stdout: &str) -> Vec<(usize, Vec<String>)> {
    let mut out = Vec::new();
    let mut lines = stdout.lines().peekable();
    while let Some(l) = lines.next() {
        let t = l.trim_start();
        let Some((rank, rest)) = t.split_once(". score ") else { continue };
        let (Ok(rank), true) = (rank.parse::<usize>(), rest.contains("route(s)")) else { continue };
        let chain = lines.next().unwrap_or_default();
        // Ids are the bracketed parts: `Name (Latin) [ID] -> ...`.
        let ids: Vec<String> = chain.split(" -> ").map(|p| p.rsplit_once('[').unwrap().1.trim_end_matches(']').to_string()).collect();
        out.push((rank, ids));
    }
    out
}

/// Every channel the console prints is in report.json and has its section,
/// and each of its routes a table, in one of the report's pages.
fn console_channels_are_in_the_report(stdout: &str, dir: &std::path::Path) -> usize {
    let printed = printed_channels(stdout);
    assert!(!printed.is_empty(), "no channels printed:\n{stdout}");
    let json: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(dir.join("report.json")).unwrap()).unwrap();
    let channels = json["channels"].as_array().unwrap();
    let pages: Vec<String> =
        json["pages"].as_array().unwrap().iter().map(|p| std::fs::read_to_string(dir.join(p["file"].as_str().unwrap())).unwrap()).collect();
    let ranks: Vec<u64> = json["routes"]["routes"].as_array().unwrap().iter().map(|r| r["rank"].as_u64().unwrap()).collect();
    for (rank, ids) in &printed {
        let c = channels.iter().find(|c| c["rank"] == *rank as u64).unwrap_or_else(|| panic!("channel {rank} is not in report.json"));
        let got: Vec<&str> = c["parties"].as_array().unwrap().iter().map(|p| p["id"].as_str().unwrap()).collect();
        assert_eq!(got, *ids, "channel {rank}: another chain in the report");
        assert!(pages.iter().any(|p| p.contains(&format!("href=\"#channel-{rank}\""))), "channel {rank} is in no summary table");
        assert!(pages.iter().any(|p| p.contains(&format!("id=\"channel-{rank}\""))), "channel {rank} has no section");
        let routes = c["route_ranks"].as_array().unwrap();
        assert!(!routes.is_empty(), "channel {rank} shows no route");
        for r in routes {
            assert!(ranks.contains(&r.as_u64().unwrap()), "route {r} of channel {rank} is not in report.json");
            assert!(pages.iter().any(|p| p.contains(&format!("id=\"route-{r}\""))), "route {r} of channel {rank} has no table");
        }
    }
    printed.len()
}

#[test]
fn every_channel_investigate_prints_is_in_its_report() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("bundled");
    let run = divtrace([
        "investigate".as_ref(),
        root().join("graphs/turkish-chips").as_os_str(),
        "--out".as_ref(),
        dir.as_os_str(),
        "-q".as_ref(),
    ])
    .ok();
    assert_eq!(console_channels_are_in_the_report(&run.stdout, &dir), 10);
    // Channels 5-10 of the bundled case were missing from the page when it showed the 20 best routes.
    let html = std::fs::read_to_string(dir.join("report.html")).unwrap();
    assert!(html.contains("Lori Global Trade LLC") && html.contains("Heng Tai International Trading Co., Limited"));
    // Names in Cyrillic have their Latin form beside them.
    assert!(
        html.contains("ООО «Вектор-Микро» <span class=\"latin\">(Vektor-Mikro LLC)</span>"),
        "no Latin form (the case has a Latin alias)"
    );

    // A synthetic case, all channels: every one printed is in the report, over several pages.
    let bundle = tmp.path().join("synth");
    divtrace(["synth", "--seed", "7", "--shipments", "20000", "--out", bundle.to_str().unwrap()]).ok();
    let dir = tmp.path().join("synth-report");
    let run = divtrace(["investigate", bundle.to_str().unwrap(), "--out", dir.to_str().unwrap(), "-q", "--all"]).ok();
    let n = console_channels_are_in_the_report(&run.stdout, &dir);
    let json: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(dir.join("report.json")).unwrap()).unwrap();
    assert_eq!(n as u64, json["channel_stats"]["shown"].as_u64().unwrap());
    let total: u64 = json["channels"].as_array().unwrap().iter().map(|c| c["routes"].as_u64().unwrap()).sum();
    assert_eq!(total as usize, json["routes"]["routes"].as_array().unwrap().len(), "--all reports every route of every channel");
}
