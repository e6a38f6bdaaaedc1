//! `divtrace serve` over the bundled case: the JSON API, its refusals, the
//! Host guard, and that the case file is never written. The server runs as
//! the real binary on a free port; requests go over a plain TcpStream.

mod common;
mod serve_common;

use serde_json::Value;
use serve_common::{get, get_as, post, server};

#[test]
fn info_search_entity_and_partners() {
    let s = server();
    let (code, _, info) = get(&s, "/api/info");
    assert_eq!(code, 200);
    let info: Value = serde_json::from_str(&info).unwrap();
    assert_eq!(info["read_only"], true);
    assert!(info["shipments"].as_u64().unwrap() >= 344, "{info}");
    assert!(info["first_date"].as_str().unwrap().starts_with("20"));

    // A Turkish name typed without diacritics finds the resolved trader, with every spelling behind it.
    let (code, _, body) = get(&s, "/api/search?q=bogazici%20yildiz&limit=5");
    assert_eq!(code, 200, "{body}");
    let r: Value = serde_json::from_str(&body).unwrap();
    let hit = &r["hits"][0];
    assert!(hit["name"].as_str().unwrap().contains("Boğaziçi Yıldız") || hit["name"].as_str().unwrap().contains("BOGAZICI"), "{r}");
    assert_eq!(hit["country"], "TR");
    assert_eq!(r["hits"].as_array().unwrap().len(), 1, "the three spellings are one resolved party: {r}");
    let id = hit["id"].as_str().unwrap().to_string();

    // By identifier (the VKN on two of its records) and by a Cyrillic name, lower case.
    let r: Value = serde_json::from_str(&get(&s, "/api/search?q=1874062536").2).unwrap();
    assert_eq!(r["hits"][0]["id"], id.as_str(), "{r}");
    assert_eq!(r["hits"][0]["match"], "identifier");
    let r: Value = serde_json::from_str(&get(&s, "/api/search?q=%D0%B2%D0%B5%D0%BA%D1%82%D0%BE%D1%80").2).unwrap();
    assert_eq!(r["hits"][0]["id"], "E0000907", "{r}");
    let r: Value = serde_json::from_str(&get(&s, "/api/search?q=vektor").2).unwrap();
    assert_eq!(r["hits"][0]["id"], "E0000907", "{r}");

    // The entity panel: names in their script with a Latin form, members, identifiers, partners, timeline.
    let (code, _, body) = get(&s, &format!("/api/entities/{id}"));
    assert_eq!(code, 200, "{body}");
    let e: Value = serde_json::from_str(&body).unwrap();
    let members: Vec<&str> = e["members"].as_array().unwrap().iter().map(|m| m["id"].as_str().unwrap()).collect();
    for m in ["E0000903", "TR-ENT-000901", "TR-ENT-000902"] {
        assert!(members.contains(&m), "{members:?}");
    }
    let names = e["names"].as_array().unwrap();
    let original = names.iter().find(|n| n["text"] == "Boğaziçi Yıldız Elektronik Dış Ticaret Ltd. Şti.").expect("original spelling");
    assert_eq!(original["latin"], "Bogazici Yildiz Elektronik Dis Ticaret Ltd. Sti.");
    assert!(e["members"].as_array().unwrap().iter().any(|m| m["identifiers"].to_string().contains("1874062536")));
    assert!(!e["top_in"].as_array().unwrap().is_empty() && !e["top_out"].as_array().unwrap().is_empty(), "{e}");
    let values: Vec<f64> = e["top_out"].as_array().unwrap().iter().map(|x| x["value_usd"].as_f64().unwrap()).collect();
    assert!(values.windows(2).all(|w| w[0] >= w[1]), "heaviest first: {values:?}");
    assert!(!e["timeline"].as_array().unwrap().is_empty());
    // Any member's id opens the same party.
    let other: Value = serde_json::from_str(&get(&s, "/api/entities/TR-ENT-000902").2).unwrap();
    assert_eq!(other["entity"]["id"], id.as_str());

    // Partners: pages of a capped length, heaviest first, disjoint, with the rest counted.
    let page = |q: &str| -> Value {
        let (code, _, b) = get(&s, &format!("/api/entities/{id}/neighbours?{q}"));
        assert_eq!(code, 200, "{b}");
        serde_json::from_str(&b).unwrap()
    };
    let all = page("limit=100");
    let total = all["total"].as_u64().unwrap();
    assert!(total >= 3, "{all}");
    let p1 = page("limit=2");
    let p2 = page("limit=2&offset=2");
    assert_eq!(p1["edges"].as_array().unwrap().len(), 2);
    assert_eq!(p1["more"].as_u64().unwrap(), total - 2);
    // The same edges (the partner's band may appear between two answers: the assessment runs in the background).
    let key = |e: &Value| (e["partner"]["id"].clone(), e["direction"].clone(), e["shipments"].clone(), e["value_usd"].clone());
    assert_eq!(key(&p1["edges"][0]), key(&all["edges"][0]));
    assert_eq!(key(&p2["edges"][0]), key(&all["edges"][2]));
    let filtered = page("since=2023-01-01&until=2023-06-30&hs=8542");
    for e in filtered["edges"].as_array().unwrap() {
        assert!(e["first_date"].as_str().unwrap() >= "2023-01-01" && e["last_date"].as_str().unwrap() <= "2023-06-30", "{e}");
        assert!(e["hs"].as_str().unwrap().starts_with("8542"), "{e}");
    }
    assert!(filtered["total"].as_u64().unwrap() < total);
    // Controlled goods (any loaded goods list; the CHPL here): every edge kept carries some, and CHPL edges are among them.
    let controlled = page("controlled=true&limit=100");
    assert!(controlled["total"].as_u64().unwrap() >= 1, "{controlled}");
    assert!(controlled["edges"].as_array().unwrap().iter().all(|e| e["controlled"] == true && e["chpl"] == true), "{controlled}");
    let chpl1 = page("chpl_tier=1&limit=100");
    assert!(chpl1["total"].as_u64().unwrap() <= controlled["total"].as_u64().unwrap());
    let ru = page("country=RU");
    assert!(ru["edges"].as_array().unwrap().iter().all(|e| e["partner"]["country"] == "RU"), "{ru}");

    // Declarations between two parties, each with its source file and line.
    let partner = all["edges"][0]["partner"]["id"].as_str().unwrap();
    let (code, _, b) = get(&s, &format!("/api/entities/{id}/shipments?partner={partner}&limit=5"));
    assert_eq!(code, 200, "{b}");
    let d: Value = serde_json::from_str(&b).unwrap();
    let first = &d["shipments"][0];
    assert!(first["source_file"].as_str().unwrap().ends_with("shipments.csv") && first["source_line"].as_i64().unwrap() > 1, "{d}");
    let (code, _, b) = get(&s, &format!("/api/shipments/{}", first["id"].as_str().unwrap()));
    assert_eq!(code, 200, "{b}");
    let one: Value = serde_json::from_str(&b).unwrap();
    assert_eq!(one["shipment"]["source_line"], first["source_line"]);
    assert_eq!(one["shipment"]["source_sha256"].as_str().unwrap().len(), 64);
}

#[test]
fn risk_is_assessed_in_the_background_with_evidence() {
    let s = server();
    let mut ready = false;
    for _ in 0..600 {
        let info: Value = serde_json::from_str(&get(&s, "/api/info").2).unwrap();
        if info["risk"] == "ready" {
            ready = true;
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    assert!(ready, "the assessment finished within a minute");
    let e: Value = serde_json::from_str(&get(&s, "/api/entities/E0000908").2).unwrap();
    let a = &e["assessment"];
    assert_eq!(a["band"], "severe", "{e}");
    assert!(a["factors"].as_array().unwrap().iter().any(|f| !f["evidence"].as_array().unwrap().is_empty()));
    assert_eq!(e["entity"]["band"], "severe");
    assert!(e["entity"]["lists"].as_array().unwrap().iter().any(|l| l == "entity_list"));
}

#[test]
fn routes_answer_with_the_cli_json() {
    let s = server();
    let q = "from=country:US&from=origin:US&to=country:RU&to=country:BY";
    for (extra, flags) in [
        ("", vec![]),
        ("&group=true", vec!["--group"]),
        ("&limit=3&max_hops=4&hs_level=4", vec!["--limit", "3", "--max-hops", "4", "--hs-level", "4"]),
        ("&controlled=true&group=true", vec!["--controlled", "--group"]),
    ] {
        let (code, headers, body) = get(&s, &format!("/api/routes?{q}{extra}"));
        assert_eq!(code, 200, "{body}");
        assert!(headers.contains("application/json"));
        let mut args = vec![
            "routes",
            "--case",
            s.case.to_str().unwrap(),
            "--from",
            "country:US",
            "--from",
            "origin:US",
            "--to",
            "country:RU",
            "--to",
            "country:BY",
            "--format",
            "json",
        ];
        args.extend(flags);
        let cli = common::divtrace(&args).ok();
        assert_eq!(body, cli.stdout, "the API's body is the CLI's JSON for {extra}");
    }
    let (code, _, body) = get(&s, "/api/routes?from=entity:E0000912&to=entity:E0000908&explain=true");
    assert_eq!(code, 200, "{body}");
    let ex: Value = serde_json::from_str(&body).unwrap();
    assert!(ex["finding"].is_string() && ex["message"].is_string(), "{ex}");
}

#[test]
fn bad_parameters_are_400_with_the_parameter_named() {
    let s = server();
    for (path, param) in [
        ("/api/search?q=a&limit=abc", "limit"),
        ("/api/search?q=a&limit=100000", "limit"),
        ("/api/search?limit=3", "q"),
        ("/api/search?q=a&colour=red", "colour"),
        ("/api/search?q=a&q=b", "q"),
        ("/api/entities/E0000903/neighbours?since=2024-13-01", "since"),
        ("/api/entities/E0000903/neighbours?since=2024-05-01&until=2024-01-01", "until"),
        ("/api/entities/E0000903/neighbours?hs=85x", "hs"),
        ("/api/entities/E0000903/neighbours?country=Narnia", "country"),
        ("/api/entities/E0000903/neighbours?offset=-1", "offset"),
        ("/api/entities/E0000903/neighbours?controlled=maybe", "controlled"),
        ("/api/routes?from=planet:Mars&to=country:RU", "from"),
        ("/api/routes?from=country:US", "to"),
        ("/api/routes?from=country:US&to=country:RU&max_hops=99", "max_hops"),
        ("/api/routes?from=country:US&to=country:RU&hs_level=5", "hs_level"),
        ("/api/routes?from=country:US&to=country:RU&all=true", "all"),
        ("/api/routes?from=country:US&to=country:RU&explain=true&group=true", "explain"),
        ("/api/routes?from=country:US&to=country:RU&min_value=-3", "min_value"),
        ("/api/routes?from=country:US&to=country:RU&chpl_tier=9", "chpl_tier"),
        ("/api/export?format=gif&nodes=E0000903", "format"),
        ("/api/export?format=dot", "nodes"),
    ] {
        let (code, headers, body) = get(&s, path);
        assert_eq!(code, 400, "{path}: {body}");
        assert!(headers.contains("application/json"), "{path}: {headers}");
        let v: Value = serde_json::from_str(&body).unwrap_or_else(|e| panic!("{path}: {e}: {body}"));
        assert_eq!(v["parameter"], param, "{path}: {v}");
        assert!(!v["message"].as_str().unwrap().is_empty());
    }
    for (path, param) in [
        ("/api/entities/NOBODY", "id"),
        ("/api/shipments/NOTHING", "id"),
        ("/api/entities/NOBODY/neighbours", "id"),
        ("/api/entities/E0000903/shipments?partner=NOBODY", "partner"),
        ("/api/nowhere", "path"),
    ] {
        let (code, _, body) = get(&s, path);
        assert_eq!(code, 404, "{path}: {body}");
        let v: Value = serde_json::from_str(&body).unwrap();
        assert!(v["message"].is_string() && v["parameter"] == param, "{path}: {v}");
    }
    // Read-only: no method but GET is routed, the decisions endpoint included (without --allow-edits).
    let (code, _, _) = serve_common::request(&s, "POST", "/api/entities/E0000903", "localhost");
    assert_eq!(code, 405);
    let (code, _, _) =
        post(&s, "/api/decisions", &["Content-Type: application/json"], r#"{"decision":"merge","a":"E0000905","b":"E0000907"}"#);
    assert_eq!(code, 405);
}

#[test]
fn foreign_hosts_are_refused() {
    let s = server();
    let port = s.port;
    for host in ["evil.example", "evil.example:{port}", "127.0.0.1.evil.example", "127.0.0.1:1", "localhost:80"] {
        let host = host.replace("{port}", &port.to_string());
        for path in ["/", "/api/info", "/api/entities/E0000903"] {
            let (code, _, body) = get_as(&s, path, &host);
            assert_eq!(code, 403, "{host} {path}");
            assert_eq!(serde_json::from_str::<Value>(&body).unwrap()["parameter"], "Host");
        }
    }
    for host in [format!("localhost:{port}"), format!("127.0.0.1:{port}"), "localhost".to_string()] {
        assert_eq!(get_as(&s, "/api/info", &host).0, 200, "{host}");
    }
}

#[test]
fn page_is_self_contained_and_the_case_is_never_written() {
    let mut s = server();
    let before = std::fs::read(&s.case).unwrap();
    let (code, headers, html) = get(&s, "/");
    assert_eq!(code, 200);
    assert!(headers.to_ascii_lowercase().contains("content-security-policy: default-src 'none'"), "{headers}");
    assert!(html.contains("/assets/vendor/cytoscape.min.js"));
    for path in ["/", "/assets/app.js", "/assets/app.css"] {
        let body = get(&s, path).2;
        let offsite: Vec<&str> = body
            .match_indices("http")
            .map(|(i, _)| &body[i..(i + 40).min(body.len())])
            .filter(|u| !u.starts_with("http://www.w3.org/2000/svg"))
            .collect();
        assert!(offsite.is_empty(), "{path} names other hosts: {offsite:?}");
        // Data reaches the page as text: the script never assigns markup.
        assert!(!body.contains("innerHTML") && !body.contains("outerHTML") && !body.contains("insertAdjacentHTML"), "{path}");
    }
    let (code, _, js) = get(&s, "/assets/vendor/cytoscape.min.js");
    assert_eq!(code, 200);
    assert!(js.len() > 100_000);
    assert_eq!(get(&s, "/assets/vendor/cytoscape-LICENSE.txt").0, 200);

    // Exports go through the diagram code of `divtrace export`: valid DOT, names escaped.
    let (code, headers, dot) = get(&s, "/api/export?format=dot&nodes=E0000903,E0000905,E0000907&since=2022-01-01");
    assert_eq!(code, 200, "{dot}");
    assert!(headers.contains("text/vnd.graphviz"));
    assert!(dot.starts_with("digraph divtrace {"), "{dot}");
    assert!(dot.contains("Boğaziçi Yıldız") && dot.contains("Desert Falcon"), "{dot}");
    let path = s.dir.path().join("view.dot");
    std::fs::write(&path, &dot).unwrap();
    common::check_dot(&path);
    let (code, headers, svg) = get(&s, "/api/export?format=svg&nodes=E0000903,E0000905");
    assert_eq!(code, 200, "{svg}");
    assert!(headers.contains("image/svg+xml") && svg.contains("<svg"));

    let (code, _, _) =
        post(&s, "/api/decisions", &["Content-Type: application/json"], r#"{"decision":"merge","a":"E0000905","b":"E0000907"}"#);
    assert_eq!(code, 405, "no write is routed without --allow-edits");
    for p in [
        "/api/info",
        "/api/search?q=vektor",
        "/api/entities/E0000907",
        "/api/entities/E0000907/neighbours",
        "/api/routes?from=country:US&to=country:RU",
    ] {
        assert_eq!(get(&s, p).0, 200, "{p}");
    }
    s.stop();
    assert!(before == std::fs::read(&s.case).unwrap(), "the case file changed");
}

#[test]
fn refuses_a_missing_case_and_a_taken_port() {
    let dir = tempfile::tempdir().unwrap();
    let out = common::divtrace(["serve", "--case", dir.path().join("none.db").to_str().unwrap(), "--port", "0"]).failed();
    assert!(out.stderr.contains("no such case file"), "{}", out.stderr);
    let s = server();
    let out = common::divtrace(["serve", "--case", s.case.to_str().unwrap(), "--port", &s.port.to_string()]).failed();
    assert!(out.stderr.contains("cannot listen"), "{}", out.stderr);
    let out = common::divtrace(["serve", "--case", s.case.to_str().unwrap(), "--bind", "not-an-ip"]).failed();
    assert_eq!(out.code, 2, "{}", out.stderr);
}

/// An analyst decision as stored: (a, b, kind, source, line, note).
type Stored = (String, String, String, String, i64, Option<String>);

/// Analyst decisions of the case, as stored, and its clusters.
fn decisions_and_clusters(case: &std::path::Path) -> (Vec<Stored>, Vec<(i64, i64)>) {
    let c = rusqlite::Connection::open_with_flags(case, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
    let mut st = c
        .prepare(
            "SELECT a.input_id, b.input_id, r.kind, r.source, r.src_line, r.note FROM relation r JOIN entity a ON a.id = r.from_entity \
             JOIN entity b ON b.id = r.to_entity WHERE r.kind IN ('same_as', 'not_same') AND r.source = 'analyst' ORDER BY r.src_line",
        )
        .unwrap();
    let rel =
        st.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?))).unwrap().map(Result::unwrap).collect();
    let mut st = c.prepare("SELECT entity, cluster FROM entity_cluster ORDER BY entity").unwrap();
    let cl = st.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).unwrap().map(Result::unwrap).collect();
    (rel, cl)
}

#[test]
fn edits_need_the_flag_and_the_token_and_are_stored_as_resolve_stores_them() {
    let dir = tempfile::tempdir().unwrap();
    let case = serve_common::bundled_case(dir.path());
    let twin = dir.path().join("twin.db");
    std::fs::copy(&case, &twin).unwrap();
    let (s, token) = serve_common::serve_with(case.clone(), dir, &["--allow-edits"]);
    let token = token.unwrap();
    assert_eq!(token.len(), 64);
    let info: Value = serde_json::from_str(&get(&s, "/api/info").2).unwrap();
    assert_eq!((info["read_only"].clone(), info["edits"].clone()), (Value::Bool(false), Value::Bool(true)));

    let merge = r#"{"decision":"merge","a":"E0000905","b":"E0000907"}"#;
    let json = "Content-Type: application/json";
    let good = format!("X-Divtrace-Token: {token}");
    let mut bad = token.clone().into_bytes();
    bad[10] = if bad[10] == b'0' { b'1' } else { b'0' };
    let bad = format!("X-Divtrace-Token: {}", String::from_utf8(bad).unwrap());
    let before = std::fs::read(&s.case).unwrap();
    for (headers, body, code, param) in [
        (vec![json], merge, 403, "X-Divtrace-Token"),
        (vec![json, bad.as_str()], merge, 403, "X-Divtrace-Token"),
        (vec![json, "X-Divtrace-Token: "], merge, 403, "X-Divtrace-Token"),
        (vec!["Content-Type: text/plain", good.as_str()], merge, 415, "Content-Type"),
        (vec![json, good.as_str()], r#"{"decision":"join","a":"E0000905","b":"E0000907"}"#, 400, "decision"),
        (vec![json, good.as_str()], r#"{"decision":"merge","a":"NOBODY","b":"E0000907"}"#, 404, "a"),
        (vec![json, good.as_str()], "{", 400, "body"),
        (vec![json, good.as_str()], r#"{"decision":"merge","a":"E0000905","b":"E0000907","note":"a\u001b[2Jb"}"#, 400, "note"),
        (vec![json, good.as_str()], r#"{"decision":"merge","a":"E0000905","b":"E0000907","note":["x"]}"#, 400, "note"),
    ] {
        let (got, _, b) = post(&s, "/api/decisions", &headers, body);
        assert_eq!(got, code, "{headers:?} {body}: {b}");
        assert_eq!(serde_json::from_str::<Value>(&b).unwrap()["parameter"], param, "{b}");
    }
    assert!(before == std::fs::read(&s.case).unwrap(), "a refused write changed the case file");

    // A merge from the page, then the same decision with `resolve --merge` on a copy: the same rows.
    let note = "Same VKN 1234567890 on both invoices <b>";
    let merge_noted = format!(r#"{{"decision":"merge","a":"E0000905","b":"E0000907","note":"  {note} "}}"#);
    let (code, _, b) = post(&s, "/api/decisions", &[json, good.as_str()], &merge_noted);
    assert_eq!(code, 200, "{b}");
    let r: Value = serde_json::from_str(&b).unwrap();
    assert_eq!(r["same_party"], true, "{r}");
    assert_eq!(r["note"], note, "{r}");
    let a: Value = serde_json::from_str(&get(&s, "/api/entities/E0000905").2).unwrap();
    let b2: Value = serde_json::from_str(&get(&s, "/api/entities/E0000907").2).unwrap();
    assert_eq!(a["entity"]["id"], b2["entity"]["id"], "the server answers from the new resolution");
    // The entity panel shows the decision and its note, from either record's id.
    assert_eq!(a["decisions"], b2["decisions"]);
    assert_eq!(
        a["decisions"],
        serde_json::json!([{"decision": "merge", "a": "E0000905", "a_name": "Desert Falcon Electronics FZE", "b": "E0000907",
            "b_name": "ООО «Вектор-Микро»", "note": note, "source_file": "(divtrace resolve --merge/--split)", "source_line": 1}])
    );
    common::divtrace(["resolve", "--case", twin.to_str().unwrap(), "--merge", "E0000905", "E0000907", "--note", note]).ok();
    let (rel, clusters) = decisions_and_clusters(&s.case);
    assert_eq!(
        rel,
        vec![("E0000905".to_string(), "E0000907".to_string(), "same_as".to_string(), "analyst".to_string(), 1, Some(note.to_string()))]
    );
    assert_eq!((rel, clusters), decisions_and_clusters(&twin));

    // A split of a record from its party, likewise.
    let split = r#"{"decision":"split","a":"TR-ENT-000902","b":"E0000903"}"#;
    let (code, _, b) = post(&s, "/api/decisions", &[json, good.as_str()], split);
    assert_eq!(code, 200, "{b}");
    assert_eq!(serde_json::from_str::<Value>(&b).unwrap()["same_party"], false, "{b}");
    common::divtrace(["resolve", "--case", twin.to_str().unwrap(), "--split", "TR-ENT-000902", "E0000903"]).ok();
    assert_eq!(decisions_and_clusters(&s.case), decisions_and_clusters(&twin));
    let e: Value = serde_json::from_str(&get(&s, "/api/entities/TR-ENT-000902").2).unwrap();
    assert_ne!(e["entity"]["id"], "E0000903", "{e}");
}

#[test]
fn a_case_without_lookup_indexes_is_served_with_a_note_saying_how_to_build_them() {
    use std::io::{BufRead, BufReader};
    let dir = tempfile::tempdir().unwrap();
    let case = dir.path().join("case.db");
    let bundle = common::root().join("graphs/turkish-chips");
    common::divtrace(["ingest".as_ref(), bundle.as_os_str(), "--case".as_ref(), case.as_os_str(), "-q".as_ref()]).ok();
    let lines = |case: &std::path::Path| {
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_divtrace"))
            .args(["serve", "--case", case.to_str().unwrap(), "--port", "0"])
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let mut out = BufReader::new(child.stdout.take().unwrap());
        let (mut first, mut second) = (String::new(), String::new());
        out.read_line(&mut first).unwrap();
        // The start-up lines are one write of well under PIPE_BUF bytes, so one read has them all.
        let has_second = out.buffer().contains(&b'\n');
        if has_second {
            out.read_line(&mut second).unwrap();
        }
        child.kill().unwrap();
        child.wait().unwrap();
        (first, second)
    };
    let (first, note) = lines(&case);
    assert!(first.starts_with("divtrace serve: http://127.0.0.1:"), "{first}");
    assert!(note.starts_with("note: the case's lookup indexes are not built yet (shipment_shipper, "), "{note}");
    assert!(note.contains(&format!("divtrace assess --case {} --all", case.display())), "{note}");
    // assess builds them; the server then says nothing more.
    common::divtrace(["assess".as_ref(), "--case".as_ref(), case.as_os_str(), "--all".as_ref()]).ok();
    let (_, none) = lines(&case);
    assert_eq!(none, "");
}
