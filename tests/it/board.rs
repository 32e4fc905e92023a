//! The board in a real browser (headless Chromium): the rows, statuses, countdowns and
//! feed strip as rendered; a change reaching an open page without a reload; hostile feed
//! text shown as text under the policy; the crossing timeline against the stored
//! history; and the static `borderwatch board` file opened with nothing fetched.

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::browser::{self, chromium, get, header, rows};
use crate::helpers::{bin, http_get, loopback_source, stdout, tempdir, wait_until, Reply, Running, Server};

/// A date `days` from today, as a feed writes an end date.
fn day(days: i64) -> String {
    (chrono::Utc::now() + chrono::Duration::days(days)).format("%Y-%m-%d").to_string()
}

fn body(records: &[serde_json::Value]) -> String {
    serde_json::json!({ "records": records }).to_string()
}

/// A config with a route, the feeds `(id, url)` polled every second, a webhook sink and
/// the listener on.
fn config(dir: &Path, feeds: &[(&str, String)], hook: &str) -> std::path::PathBuf {
    let mut s = String::from(
        "[daemon]\nstate = \"state.db\"\nlisten = \"127.0.0.1:0\"\n\n\
         [[route]]\nid = \"afpak\"\nname = \"Karachi–Kabul\"\ncrossings = [\"torkham\", \"chaman\"]\n",
    );
    s.push_str(&format!(
        "\n[[sink]]\nkind = \"webhook\"\nid = \"ops\"\nurl = \"{hook}\"\ntimeout = \"2s\"\nallow_http = true\nallow_local = true\n"
    ));
    for (id, url) in feeds {
        s.push_str(&format!(
            "\n[[feed]]\nid = \"{id}\"\nformat = \"borderwatch-json\"\n{}\nschedule = \"* * * * * *\"\ntimeout = \"2s\"\n",
            loopback_source(url)
        ));
    }
    let p = dir.join("borderwatch.toml");
    std::fs::write(&p, s).unwrap();
    p
}

/// The status `/api/status` gives `crossing` in the records of `feed`.
fn status_of(addr: &str, crossing: &str, feed: &str) -> Option<String> {
    let (_, text) = http_get(addr, "/api/status");
    let records: Vec<serde_json::Value> = serde_json::from_str(&text).ok()?;
    records
        .iter()
        .find(|r| r["crossing"] == crossing && r["source"] == feed)
        .map(|r| r["status"].as_str().unwrap_or_default().to_string())
}

/// Forwards one GET to `addr`, with its `If-None-Match`, and hands back the answer as
/// the test server's reply.
fn forward(addr: &str, req: &crate::helpers::Seen) -> Reply {
    let condition: Vec<_> = req.header("if-none-match").map(|v| ("If-None-Match", v)).into_iter().collect();
    let (status, headers, body) = get(addr, &req.path, &condition);
    let mut reply = Reply::status(status, &body);
    for (k, v) in headers {
        if !["content-length", "connection", "transfer-encoding"].contains(&k.as_str()) {
            reply = reply.header(&k, &v);
        }
    }
    reply
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_board_shows_routes_statuses_countdowns_and_feeds_and_follows_a_change_without_reload() {
    let Some(chromium) = chromium() else { return };
    let until = day(10);
    let f_body = Arc::new(Mutex::new(body(&[
        serde_json::json!({"crossing": "torkham", "status": "closed", "until": until,
            "evidence": "Torkham will stay closed for ten days, officials said."}),
        serde_json::json!({"crossing": "chaman", "status": "open"}),
        serde_json::json!({"crossing": "wagah", "status": "restricted", "scope": "cargo only", "until": day(3)}),
    ])));
    let fb = Arc::clone(&f_body);
    let feeds = Server::start(move |req| match req.path.as_str() {
        "/f" => Reply::ok(fb.lock().unwrap().clone()),
        "/g" => Reply::ok(body(&[serde_json::json!({"crossing": "torkham", "status": "open"})])),
        "/hook" => Reply::ok(""),
        _ => Reply::status(503, "down for maintenance"),
    })
    .await;
    let dir = tempdir();
    let feed_list = [("f", feeds.url("/f")), ("g", feeds.url("/g")), ("bad", feeds.url("/bad"))];
    let cfg = config(dir.path(), &feed_list, &feeds.url("/hook"));
    let mut daemon = Running::start(&cfg, &[]);
    let addr = daemon.listen_addr().await;
    let a = addr.clone();
    wait_until(Duration::from_secs(30), "both feeds stored and the bad one failing", move || {
        let (_, page) = http_get(&a, "/");
        status_of(&a, "wagah", "f").is_some()
            && status_of(&a, "torkham", "g").is_some()
            && page.contains("data-feed=\"bad\" data-state=\"failing\"")
            && page.contains("✓ sent")
    })
    .await;

    // As served, then rendered and run by the browser.
    let (c, url) = (chromium.clone(), format!("http://{addr}/"));
    let dom = tokio::task::spawn_blocking(move || browser::dom(&c, &url, 3000)).await.unwrap();
    let shown = rows(&dom);
    assert_eq!(
        shown.iter().map(|(c, _)| c.as_str()).collect::<Vec<_>>(),
        ["torkham", "chaman", "wagah"],
        "the route's crossings in route order, then the others: {shown:?}"
    );
    assert!(
        shown.contains(&("chaman".into(), "open".into())) && shown.contains(&("wagah".into(), "restricted".into()))
    );
    assert!(dom.contains("<h2>Karachi–Kabul</h2>") && dom.contains("<h2>Other crossings</h2>"));
    assert!(dom.contains("sources disagree"), "f says closed, g says open");
    let countdown = regex::Regex::new(r#"class="countdown" data-expires="\d+">(9|10) d \d+ h left<"#).unwrap();
    assert!(countdown.is_match(&dom), "a ticking countdown to {until}: {dom}");
    assert!(dom.contains("next: 7d alert") || dom.contains("next: 3d alert"), "the next ladder step");
    assert!(dom.contains("cargo only") && dom.contains("Torkham will stay closed for ten days"));
    assert!(dom.contains("data-feed=\"f\" data-state=\"up\"") && dom.contains("data-feed=\"g\" data-state=\"up\""));
    assert!(dom.contains("data-feed=\"bad\" data-state=\"failing\""), "the feed strip");
    assert!(dom.contains("last error: <bdi>feed bad"), "the failing feed's last error");
    assert!(dom.contains("<span class=\"live\">· live</span>"), "the script reached /api/status");
    let shot = Path::new(env!("CARGO_TARGET_TMPDIR")).join("board.png");
    let (c, url, s) = (chromium.clone(), format!("http://{addr}/"), shot.clone());
    tokio::task::spawn_blocking(move || {
        browser::run(&c, &url, 3000, &[&format!("--screenshot={}", s.display()), "--window-size=1280,900"])
    })
    .await
    .unwrap();
    assert!(std::fs::read(&shot).unwrap().starts_with(b"\x89PNG"), "a screenshot in {}", shot.display());

    // The page is served as it is now; while the browser waits for its script, chaman
    // closes. The script must notice and show it, without navigating again.
    let changed = Arc::new(AtomicBool::new(false));
    let (a, flag, fb) = (addr.clone(), Arc::clone(&changed), Arc::clone(&f_body));
    let proxy = Server::start(move |req| {
        if req.path == "/board.js" && !flag.swap(true, Ordering::SeqCst) {
            *fb.lock().unwrap() = body(&[
                serde_json::json!({"crossing": "torkham", "status": "closed", "until": until}),
                serde_json::json!({"crossing": "chaman", "status": "closed", "scope": "all traffic"}),
                serde_json::json!({"crossing": "wagah", "status": "restricted", "scope": "cargo only", "until": day(3)}),
            ]);
            tokio::task::block_in_place(|| {
                let start = std::time::Instant::now();
                while status_of(&a, "chaman", "f").as_deref() != Some("closed") {
                    assert!(start.elapsed() < Duration::from_secs(30), "the daemon did not take the change");
                    std::thread::sleep(Duration::from_millis(50));
                }
            });
        }
        forward(&a, req)
    })
    .await;
    let (c, url) = (chromium.clone(), proxy.url("/"));
    let dom = tokio::task::spawn_blocking(move || browser::dom(&c, &url, 8000)).await.unwrap();
    assert!(changed.load(Ordering::SeqCst), "the page asked for its script");
    assert!(rows(&dom).contains(&("chaman".into(), "closed".into())), "the change reached the open page: {dom}");
    assert!(dom.contains("all traffic") && dom.contains("<span class=\"live\">· live</span>"));
    let seen = proxy.seen.lock().unwrap().clone();
    let navigations = seen.iter().filter(|s| s.header("sec-fetch-mode") == Some("navigate")).count();
    assert_eq!(navigations, 1, "one page load, no reload: {:?}", seen.iter().map(|s| &s.path).collect::<Vec<_>>());
    assert!(
        seen.iter().any(|s| s.path == "/api/status" && s.header("if-none-match").is_some()),
        "the script polled /api/status with the page's version"
    );
    assert!(daemon.stop().success());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn countdowns_tick_in_the_browser() {
    let Some(chromium) = chromium() else { return };
    // Ten minutes from now on the wall clock; the browser's virtual clock runs fifteen.
    let until = (chrono::Utc::now() + chrono::Duration::minutes(10)).format("%Y-%m-%dT%H:%M").to_string();
    let record =
        serde_json::json!({"crossing": "testpost", "name": "Test Post", "status": "open", "until": until, "tz": "UTC"});
    let feeds = Server::start(move |_| Reply::ok(body(std::slice::from_ref(&record)))).await;
    let dir = tempdir();
    let cfg = config(dir.path(), &[("f", feeds.url("/f"))], &feeds.url("/hook"));
    let mut daemon = Running::start(&cfg, &[]);
    let addr = daemon.listen_addr().await;
    let a = addr.clone();
    wait_until(Duration::from_secs(30), "the record", move || status_of(&a, "testpost", "f").is_some()).await;
    let left = regex::Regex::new(r#"class="countdown" data-expires="\d+">(\d+) min left<"#).unwrap();
    let (_, page) = http_get(&addr, "/");
    let served: u32 = left.captures(&page).expect("a countdown as served")[1].parse().unwrap();
    assert!((8..=10).contains(&served), "{served} min left as served");
    let (c, url) = (chromium.clone(), format!("http://{addr}/"));
    let dom = tokio::task::spawn_blocking(move || browser::dom(&c, &url, 15 * 60 * 1000)).await.unwrap();
    assert!(
        dom.contains(r#"class="countdown" data-expires=""#) && dom.contains("\">expired</span>"),
        "fifteen minutes on, the browser's countdown says expired: {dom}"
    );
    assert!(daemon.stop().success());
}

/// Hostile text in every field a feed controls.
const SCRIPT: &str = "<script>window.__pwned=1;document.title='pwned'</script>";
const IMG: &str = "<img src=x onerror=\"document.body.setAttribute('data-pwned','1')\">";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_feed_text_is_shown_as_text_and_runs_nothing() {
    let evil = format!("Evil {SCRIPT}{IMG} \u{202e}kcab");
    let record = serde_json::json!({"crossing": "evil", "name": evil, "status": "closed", "scope": IMG,
        "until": day(5), "evidence": evil});
    let feeds = Server::start(move |_| Reply::ok(body(std::slice::from_ref(&record)))).await;
    let dir = tempdir();
    let cfg = config(dir.path(), &[("f", feeds.url("/f"))], &feeds.url("/hook"));
    let mut daemon = Running::start(&cfg, &[]);
    let addr = daemon.listen_addr().await;
    let a = addr.clone();
    wait_until(Duration::from_secs(30), "the hostile record", move || status_of(&a, "evil", "f").is_some()).await;

    let (status, headers, page) = get(&addr, "/", &[]);
    assert_eq!(status, 200);
    let csp = header(&headers, "content-security-policy").expect("a CSP header");
    assert!(csp.starts_with("default-src 'self'"), "{csp}");
    assert_eq!(header(&headers, "x-content-type-options"), Some("nosniff"));
    assert_eq!(header(&headers, "referrer-policy"), Some("no-referrer"));
    assert!(!page.contains(SCRIPT) && !page.contains("<img"), "escaped as served");
    for path in ["/crossing/evil", "/board.js", "/api/status", "/calendar.ics"] {
        let (_, headers, _) = get(&addr, path, &[]);
        assert!(header(&headers, "content-security-policy").is_some(), "{path} carries the policy");
    }
    let (_, headers, _) = get(&addr, "/api/status", &[]);
    let etag = header(&headers, "etag").expect("/api/status has an ETag").to_string();
    assert!(page.contains(&format!("data-version={etag}")), "the board carries the records' version {etag}");
    let (status, _, body) = get(&addr, "/api/status", &[("If-None-Match", &etag)]);
    assert_eq!((status, body.as_str()), (304, ""), "unchanged records: 304, no body");

    let Some(chromium) = chromium() else { return };
    for path in ["/", "/crossing/evil"] {
        let (c, url) = (chromium.clone(), format!("http://{addr}{path}"));
        let dom = tokio::task::spawn_blocking(move || browser::dom(&c, &url, 3000)).await.unwrap();
        assert!(dom.contains("&lt;script&gt;window.__pwned=1"), "{path}: the text is shown: {dom}");
        assert!(dom.contains("&lt;img src=x onerror="), "{path}: the tag is shown as text");
        for (i, _) in dom.match_indices('\u{202e}') {
            let tag = dom[..i].rsplit('<').next().unwrap_or_default();
            let isolated = tag.starts_with("bdi") || tag.contains("dir=\"auto\"") || tag.starts_with("title");
            assert!(isolated, "{path}: U+202E inside <{tag}, which does not isolate it");
        }
        assert!(dom.contains('\u{202e}'), "{path}: U+202E is kept");
        assert_eq!(dom.matches("<script").count(), 1, "{path}: only the board's own script element");
        assert!(!dom.contains("<img"), "{path}: no injected element");
        let body_tag = dom.split("<body").nth(1).and_then(|b| b.split('>').next()).expect("a body");
        assert!(!body_tag.contains("data-pwned") && !dom.contains("<title>pwned"), "{path}: nothing ran");
    }
    assert!(daemon.stop().success());
}

/// A state with a history for torkham, made by `check` at `--now` instants over the
/// last days: open, closed, restricted, then gone, then open again. Chaman's last
/// record carries `evidence`.
fn history_state(dir: &Path, evidence: &str) -> std::path::PathBuf {
    std::fs::write(
        dir.join("borderwatch.toml"),
        "[daemon]\nstate = \"state.db\"\nlisten = \"127.0.0.1:0\"\n\n[alerts]\nremoval_after = 1\n\n\
         [[route]]\nid = \"afpak\"\ncrossings = [\"torkham\", \"chaman\"]\n\n\
         [[feed]]\nid = \"f\"\nformat = \"borderwatch-json\"\npath = \"feed.json\"\nschedule = \"0 0 0 1 1 *\"\n",
    )
    .unwrap();
    let steps: [(i64, &[(&str, &str)]); 5] = [
        (-40, &[("torkham", "open"), ("chaman", "open")]),
        (-20, &[("torkham", "closed"), ("chaman", "open")]),
        (-9, &[("torkham", "restricted"), ("chaman", "open")]),
        (-5, &[("chaman", "open")]),
        (-2, &[("torkham", "open"), ("chaman", "closed")]),
    ];
    for (days, records) in steps {
        let recs: Vec<_> = records
            .iter()
            .map(|(c, s)| {
                let until = (*s == "open").then(|| day(12));
                serde_json::json!({"crossing": c, "status": s, "until": until, "evidence": evidence})
            })
            .collect();
        std::fs::write(dir.join("feed.json"), body(&recs)).unwrap();
        let now = (chrono::Utc::now() + chrono::Duration::days(days)).to_rfc3339();
        let out = bin(dir, &["check", "--config", "borderwatch.toml", "--now", &now]);
        assert!(out.status.code().is_some_and(|c| c <= 1), "check: {}", crate::helpers::stderr(&out));
    }
    dir.join("borderwatch.toml")
}

/// The timeline's bands as `(data-status, data-from)`, read by an XML parser.
fn bands(svg_page: &str) -> Vec<(String, String)> {
    let start = svg_page.find("<svg class=\"timeline\"").expect("a timeline");
    let end = svg_page[start..].find("</svg>").expect("its end") + start + "</svg>".len();
    let mut reader = quick_xml::Reader::from_str(&svg_page[start..end]);
    let mut out = Vec::new();
    loop {
        match reader.read_event().expect("the timeline is well-formed XML") {
            quick_xml::events::Event::Start(e) | quick_xml::events::Event::Empty(e) if e.name().as_ref() == "rect" => {
                let attr = |n: &str| {
                    let a = e.try_get_attribute(n).unwrap()?;
                    Some(a.normalized_value(quick_xml::XmlVersion::default()).unwrap().into_owned())
                };
                if attr("class").is_some_and(|c| c.starts_with("band ")) {
                    out.push((attr("data-status").unwrap(), attr("data-from").unwrap()));
                }
            }
            quick_xml::events::Event::Eof => break,
            _ => {}
        }
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_crossing_timeline_has_one_band_per_stored_change_in_order_and_the_calendar_is_the_commands() {
    let dir = tempdir();
    let cfg = history_state(dir.path(), "Torkham reopened.");
    let history =
        crate::helpers::json_lines(&bin(dir.path(), &["history", "--config", "borderwatch.toml", "--json", "torkham"]));
    assert_eq!(history.len(), 5, "added, two status changes, removed, added: {history:?}");
    let mut daemon = Running::start(&cfg, &[]);
    let addr = daemon.listen_addr().await;
    let (status, page) = http_get(&addr, "/crossing/torkham");
    assert_eq!(status, 200, "{page}");
    let want: Vec<(String, String)> = history
        .iter()
        .map(|h| {
            let status = h["current"]["status"].as_str().unwrap_or("removed").to_string();
            (status, h["at"].as_str().unwrap().to_string())
        })
        .collect();
    assert_eq!(bands(&page), want, "one band per change, oldest first");
    assert!(page.contains("class=\"expiry\""), "the expiry of the open record is marked");
    assert!(page.contains("class=\"step\""), "and the ladder steps before it");
    assert_eq!(http_get(&addr, "/crossing/nowhere-at-all").0, 404);
    let (_, served) = http_get(&addr, "/calendar.ics");
    let printed = stdout(&bin(dir.path(), &["calendar", "--config", "borderwatch.toml"]));
    let unstamped = |ics: &str| ics.lines().filter(|l| !l.starts_with("DTSTAMP:")).collect::<Vec<_>>().join("\n");
    assert!(served.contains("BEGIN:VEVENT"), "{served}");
    assert_eq!(unstamped(&served), unstamped(&printed), "/calendar.ics is what `calendar` prints");
    assert!(daemon.stop().success());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_static_board_fetches_nothing_and_shows_the_same_rows_as_the_served_one() {
    let Some(chromium) = chromium() else { return };
    // A page that fetched anything would reach this server: the evidence names it.
    let trap = Server::start(|_| Reply::ok("")).await;
    let dir = tempdir();
    let lure = format!("<img src=\"{}\"><link rel=stylesheet href=\"{}\">", trap.url("/img"), trap.url("/css"));
    let cfg = history_state(dir.path(), &lure);
    let out = bin(dir.path(), &["board", "--config", "borderwatch.toml"]);
    assert!(out.status.success(), "{}", crate::helpers::stderr(&out));
    let html = stdout(&out);
    let reference =
        regex::Regex::new(r##"<[a-z][^>]*\s((src|srcset|action|data)=|href="[^#])|url\(|@import"##).unwrap();
    assert!(
        !reference.is_match(&html),
        "the static board refers to nothing outside itself: {:?}",
        reference.find(&html)
    );
    assert!(html.contains("content=\"default-src 'none'"), "and its policy forbids every fetch");
    let file = dir.path().join("board.html");
    std::fs::write(&file, &html).unwrap();
    let (c, url) = (chromium.clone(), format!("file://{}", file.display()));
    let static_dom = tokio::task::spawn_blocking(move || browser::dom(&c, &url, 2000)).await.unwrap();
    assert!(static_dom.contains("&lt;img src="), "the lure is on the page, as text");
    assert_eq!(trap.hits(), 0, "the static board fetched nothing");

    let mut daemon = Running::start(&cfg, &[]);
    let addr = daemon.listen_addr().await;
    let (c, url) = (chromium.clone(), format!("http://{addr}/"));
    let served_dom = tokio::task::spawn_blocking(move || browser::dom(&c, &url, 2000)).await.unwrap();
    assert!(daemon.stop().success());
    let rows_static = rows(&static_dom);
    assert_eq!(rows_static, [("torkham".to_string(), "open".to_string()), ("chaman".into(), "closed".into())]);
    assert_eq!(rows_static, rows(&served_dom), "the same rows as the daemon's board");
    assert!(static_dom.contains("d ") && static_dom.contains(" h left"), "with the countdown");
    let later = bin(dir.path(), &["board", "--config", "borderwatch.toml", "--now", "2099-01-01"]);
    assert!(stdout(&later).contains("As of <time datetime=\"2099-01-01T00:00:00Z\">"), "--now sets the instant shown");
    assert!(stdout(&later).contains(">expired</span>"), "and the countdowns count from it");
    let bad = bin(dir.path(), &["board", "--config", "borderwatch.toml", "--now", "soon"]);
    assert_eq!(bad.status.code(), Some(64), "a bad --now is a usage error");
}
