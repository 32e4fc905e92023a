//! Hostile input: entity expansion, deep nesting, huge lines, and a secret canary that
//! must never surface. Each is a clear error with bounded memory, measured on the child
//! process (wait4 rusage).

use crate::helpers::{bin, feed_fixture, native, peak_rss, stderr, stdout, tempdir, Reply, Server};

/// A DOCTYPE with the billion-laughs chain, a quadratic blow-up entity and an external
/// entity naming a local file.
fn hostile_doctype() -> String {
    let mut d = String::from("<?xml version=\"1.0\"?>\n<!DOCTYPE x [\n <!ENTITY lol0 \"lol\">\n");
    for i in 1..10 {
        d.push_str(&format!(" <!ENTITY lol{i} \"{}\">\n", format!("&lol{};", i - 1).repeat(10)));
    }
    d.push_str(&format!(" <!ENTITY big \"{}\">\n", "x".repeat(50_000)));
    d.push_str(" <!ENTITY xxe SYSTEM \"file:///etc/passwd\">\n]>\n");
    d
}

const MIB: i64 = 1024;

#[test]
fn entity_tricks_in_every_xml_format_are_refused_without_expansion() {
    let dir = tempdir();
    let uses = format!("&lol9;{}&xxe;", "&big;".repeat(10_000));
    let bodies = [
        ("cbp-xml", format!("<border_wait_time><port><port_number>{uses}</port_number></port></border_wait_time>")),
        (
            "cbp-rss",
            format!("<rss><channel><item><title>{uses}</title><description>x</description></item></channel></rss>"),
        ),
        ("rss", format!("<rss><channel><title>t</title><item><title>{uses}</title></item></channel></rss>")),
        ("atom", format!("<feed xmlns=\"http://www.w3.org/2005/Atom\"><title>{uses}</title></feed>")),
    ];
    for (format, body) in bodies {
        std::fs::write(dir.path().join("body.xml"), format!("{}{body}", hostile_doctype())).unwrap();
        let (peak, status, err) = peak_rss(dir.path(), &["parse", "--format", format, "body.xml"]);
        println!("{format}: peak {} MiB: {}", peak / MIB, err.trim());
        assert_eq!(status.code(), Some(2), "{format}: {err}");
        assert!(err.contains(&format!("cannot parse {format} at")), "{format}: {err}");
        assert!(err.contains("a DOCTYPE is not allowed (entities are never expanded)"), "{format}: {err}");
        assert!(!err.contains("root:"), "{format}: /etc/passwd was read: {err}");
        assert!(peak < 64 * MIB, "{format}: peak {peak} KiB");
    }
}

#[test]
fn deep_nesting_and_ten_megabyte_lines_are_bounded() {
    let dir = tempdir();
    let d = dir.path();
    let deep = format!("{{\"x\":{}{},\"records\":[]}}", "[".repeat(100_000), "]".repeat(100_000));
    std::fs::write(d.join("deep.json"), deep).unwrap();
    for format in ["cbp-json", "borderwatch-json", "by-equeue"] {
        let (peak, status, err) = peak_rss(d, &["parse", "--format", format, "deep.json"]);
        println!("{format}, 100,000 levels: peak {} MiB: {}", peak / MIB, err.trim());
        if format == "borderwatch-json" {
            // Unknown keys are skipped without recursion; `records` is empty.
            assert_eq!(status.code(), Some(0), "{format}: {status:?} {err}");
        } else {
            assert_eq!(status.code(), Some(2), "{format}: an error, not a crash: {status:?} {err}");
            assert!(err.contains("recursion limit exceeded"), "{format}: {err}");
        }
        assert!(peak < 64 * MIB, "{format}: peak {peak} KiB");
    }

    let csv = std::fs::read_to_string(feed_fixture("cbsa_bwt-eng_csv_2012-09-27_partial.csv")).unwrap();
    let header = csv.lines().next().unwrap();
    std::fs::write(d.join("line.csv"), format!("{}\n", "y".repeat(10_000_000))).unwrap();
    std::fs::write(d.join("row.csv"), format!("{header}\n{}\n", "x;;".repeat(3_000_000))).unwrap();
    for file in ["line.csv", "row.csv"] {
        let (peak, status, err) = peak_rss(d, &["parse", "--format", "cbsa-csv", file]);
        println!("{file}: peak {} MiB, {} bytes of error", peak / MIB, err.len());
        assert_eq!(status.code(), Some(2), "{file}");
        assert!(err.contains("cannot parse cbsa-csv at line"), "{file}: {}", &err[..err.len().min(300)]);
        assert!(err.len() < 2000, "{file}: the error quotes at most a clip of the line ({} bytes)", err.len());
        assert!(peak < 128 * MIB, "{file}: peak {peak} KiB");
    }

    let long = format!(
        r#"{{"records":[{{"name":"{}","status":"closed","scope":"{}","evidence":"{}"}}]}}"#,
        "N".repeat(3_000_000),
        "S".repeat(3_000_000),
        "E".repeat(4_000_000)
    );
    std::fs::write(d.join("long.json"), long).unwrap();
    let out = bin(d, &["parse", "--format", "borderwatch-json", "long.json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let record: serde_json::Value = serde_json::from_str(stdout(&out).trim()).unwrap();
    let len = |k: &str| record[k].as_str().unwrap().chars().count();
    assert_eq!((len("crossing"), len("name"), len("scope"), len("evidence")), (80, 200, 500, 2000));
    assert!(record["evidence"].as_str().unwrap().ends_with('…'));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_secret_canary_never_reaches_a_log_an_output_or_the_state() {
    const HOOK_SECRET: &str = "CANARY-hook-7f3a91";
    const HOOK_PASSWORD: &str = "CANARY-hookpw-2b8e";
    const FEED_PASSWORD: &str = "CANARY-feedpw-c41d";
    let hook = Server::start(|_| Reply::status(500, "down")).await;
    let feed = Server::start(|_| Reply::status(503, "busy")).await;
    let dir = tempdir();
    let d = dir.path().to_path_buf();
    std::fs::write(d.join("hook.secret"), format!("{HOOK_SECRET}\n")).unwrap();
    std::fs::write(d.join("good.json"), native(&[("torkham", "closed", Some("2030-01-01"))])).unwrap();
    let hook_url = hook.url("/hook").replace("http://", &format!("http://ops:{HOOK_PASSWORD}@"));
    let feed_url = feed.url("/f").replace("http://", &format!("http://bw:{FEED_PASSWORD}@"));
    std::fs::write(
        d.join("borderwatch.toml"),
        format!(
            "[daemon]\nstate = \"state.db\"\n\n\
             [[feed]]\nid = \"good\"\nformat = \"borderwatch-json\"\npath = \"good.json\"\nschedule = \"* * * * *\"\n\n\
             [[feed]]\nid = \"locked\"\nformat = \"borderwatch-json\"\nurl = \"{feed_url}\"\nschedule = \"* * * * *\"\n\
             allow_http = true\nallow_local = true\ntimeout = \"1s\"\nretry_backoff = \"100ms\"\n\n\
             [[sink]]\nkind = \"webhook\"\nid = \"ops\"\nurl = \"{hook_url}\"\nsecret_file = \"hook.secret\"\n\
             timeout = \"1s\"\nallow_http = true\nallow_local = true\n"
        ),
    )
    .unwrap();
    let mut said = String::new();
    let runs: [&[&str]; 6] = [
        &["check", "--config", "borderwatch.toml", "--log-format", "json"],
        &["check", "--config", "borderwatch.toml", "--json", "--log-format", "text"],
        &["status", "--config", "borderwatch.toml", "--json"],
        &["history", "--config", "borderwatch.toml"],
        &["notify-test", "--config", "borderwatch.toml"],
        &["config", "check", "--config", "borderwatch.toml"],
    ];
    for args in runs {
        let out = tokio::task::spawn_blocking({
            let d = d.clone();
            move || bin(&d, args)
        })
        .await
        .unwrap();
        said.push_str(&stdout(&out));
        said.push_str(&stderr(&out));
    }
    assert!(said.contains("answered 503") && said.contains("answered 500"), "both failure paths ran:\n{said}");
    assert!(said.contains("bw:***@") && said.contains("ops:***@"), "URLs are shown with the password hidden");
    let hits = hook.seen.lock().unwrap().clone();
    assert!(!hits.is_empty(), "the webhook was tried");
    assert!(hits.iter().all(|s| s.header("x-borderwatch-signature").is_some()), "and signed with the secret");
    let mut stored = Vec::new();
    for e in std::fs::read_dir(&d).unwrap() {
        let p = e.unwrap().path();
        let name = p.file_name().unwrap().to_string_lossy().into_owned();
        if name.starts_with("state.db") {
            stored.extend(std::fs::read(&p).unwrap());
        }
    }
    assert!(stored.len() > 4096, "the state was written");
    for canary in [HOOK_SECRET, HOOK_PASSWORD, FEED_PASSWORD] {
        assert!(!said.contains(canary), "{canary} in the output:\n{said}");
        assert!(!stored.windows(canary.len()).any(|w| w == canary.as_bytes()), "{canary} in the state files");
    }
}

#[test]
fn xml_declarations_that_crashed_feed_rs_are_read_safely() {
    // `cargo fuzz run formats` found five documents on which feed-rs panicked (inside
    // quick-xml) when an XML declaration named an encoding. The declaration is now read
    // here, and every `<?…?>` dropped before feed-rs sees the text.
    let dir = tempdir();
    let parse = |format: &str, body: &[u8]| {
        std::fs::write(dir.path().join("news.xml"), body).unwrap();
        let out = bin(dir.path(), &["parse", "--format", format, "news.xml"]);
        assert!(!stderr(&out).contains("panicked"), "{}", stderr(&out));
        out
    };
    // 1 and 2: a declaration in the middle, plain and behind a control character. The
    // item is read all the same.
    for middle in ["until April 15 ", "until April 15 \u{5}"] {
        let body = format!(
            "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>x</title><item><title>Torkham closed</title>\
             <pubDate>Mon, 24 Mar 2025 00:00:00 GMT</pubDate>\
             <description>{middle}<?xml version='1.0' encoding='ISO-8859-1'?></description></item></channel></rss>"
        );
        let out = parse("rss", body.as_bytes());
        assert!(out.status.success(), "{}", stderr(&out));
        assert!(stdout(&out).contains(
            "\"crossing\":\"torkham\",\"name\":\"Torkham\",\"countries\":[\"PK\",\"AF\"],\"status\":\"closed\""
        ));
    }
    // 3: the only declaration never closed.
    let out = parse("atom", b"<?xml version='1.0' encoding='ISO-8859-1'?,><rss></rss>");
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("cannot parse atom at byte 5: the XML declaration is not closed"),
        "{}",
        stderr(&out)
    );
    // 4: the only declaration in the middle; 5: a long one at the top; 6: one with a stray
    // byte in `xml`. Each is an ordinary error or an empty feed now.
    let long = format!("<?xml version{}='1.0' encoding='ISO-8859-1'?><rss></rss>", "Z".repeat(120));
    let bodies: [&[u8]; 3] = [
        b"<rss><channel><?xml version='1.0' encoding='ISO-8859-1'?></channel></rss>",
        long.as_bytes(),
        b"<?xm\xeal version='1.0' encoding='ISO-8859-1'?><rss><channel></channel></rss>",
    ];
    for body in bodies {
        let out = parse("rss", body);
        assert!(matches!(out.status.code(), Some(0 | 2)), "{}", stderr(&out));
    }
    // An unclosed processing instruction is an error with its place.
    let out = parse("rss", b"<rss><channel><?php echo 1; </channel></rss>");
    assert!(stderr(&out).contains("cannot parse rss at byte 14: a processing instruction"), "{}", stderr(&out));
    // ISO-8859-1 is decoded.
    let latin1 = b"<?xml version='1.0' encoding='ISO-8859-1'?><rss version='2.0'><channel><title>t</title>\
        <item><title>Caf\xe9 news</title><pubDate>Mon, 24 Mar 2025 00:00:00 GMT</pubDate>\
        <description>The Torkham crossing was closed until April 15.</description></item></channel></rss>";
    let out = parse("rss", latin1);
    assert!(out.status.success(), "ISO-8859-1 is read: {}", stderr(&out));
    assert!(stdout(&out).contains("\"until\":\"2025-04-15\""), "{}", stdout(&out));
}
