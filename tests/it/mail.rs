//! The email sink against a real SMTP server on loopback: Debian's `aiosmtpd` (for
//! Debian's `/usr/bin/python3`), run by a small script that saves each accepted message,
//! parsed by Python's `email` package, as JSON, and can refuse the first DATA with a 451
//! or every one with a 550. CI installs it (`.ci/run`); elsewhere a missing aiosmtpd
//! skips the tests, and fails them when `CI` is set.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use sha2::{Digest, Sha256};

use crate::channels::{assert_no_canary_in_state, config, delivered, queue_hostile_alert};
use crate::helpers::{bin, stdout, tempdir, wait_until, Running};

const PYTHON: &str = "/usr/bin/python3";
const PASSWORD: &str = "pw-CANARY-smtp-71d3";

const SERVER: &str = r#"
import asyncio, email, email.policy, json, os, sys
from aiosmtpd.smtp import SMTP, AuthResult

out, mode, user, password = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
state = {"refused": 0, "accepted": 0}

def save(name, data):
    tmp = os.path.join(out, name + ".tmp")
    with open(tmp, "w") as f:
        json.dump(data, f)
    os.rename(tmp, os.path.join(out, name))

def authenticator(server, session, envelope, mechanism, auth_data):
    ok = auth_data.login == user.encode() and auth_data.password == password.encode()
    return AuthResult(success=ok)

class Handler:
    async def handle_DATA(self, server, session, envelope):
        if mode == "550" or (mode == "451-first" and state["refused"] == 0):
            state["refused"] += 1
            save("refused.json", state["refused"])
            return "550 5.7.1 Not for you" if mode == "550" else "451 4.3.0 Try again later"
        state["accepted"] += 1
        msg = email.message_from_bytes(envelope.content, policy=email.policy.default)
        plain, html = msg.get_body(("plain",)), msg.get_body(("html",))
        save("message-%03d.json" % state["accepted"], {
            "authenticated": bool(session.authenticated),
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "content_type": msg.get_content_type(),
            "subject": str(msg["subject"]),
            "message_id": str(msg["message-id"]),
            "from": str(msg["from"]),
            "plain": plain.get_content() if plain is not None else None,
            "html": html.get_content() if html is not None else None,
        })
        return "250 2.0.0 OK"

async def main():
    loop = asyncio.get_running_loop()
    factory = lambda: SMTP(Handler(), hostname="smtp.test", authenticator=authenticator, auth_require_tls=False)
    server = await loop.create_server(factory, "127.0.0.1", 0)
    save("port", server.sockets[0].getsockname()[1])
    await asyncio.Event().wait()

asyncio.run(main())
"#;

/// The SMTP server; killed on drop.
struct Smtp {
    child: Child,
    dir: PathBuf,
    port: u16,
}

impl Drop for Smtp {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Smtp {
    /// Starts the server in `dir` (`mode`: `ok`, `451-first` or `550`); `None` when
    /// aiosmtpd is missing and this is not CI.
    async fn start(dir: &Path, mode: &str) -> Option<Smtp> {
        let have = Command::new(PYTHON).args(["-c", "import aiosmtpd"]).output().is_ok_and(|o| o.status.success());
        if !have {
            assert!(std::env::var_os("CI").is_none(), "CI must install python3-aiosmtpd (see .ci/run)");
            eprintln!("SKIPPED: the email tests need {PYTHON} with aiosmtpd: apt-get install python3-aiosmtpd");
            return None;
        }
        std::fs::create_dir_all(dir).unwrap();
        std::fs::write(dir.join("server.py"), SERVER).unwrap();
        let child = Command::new(PYTHON)
            .arg(dir.join("server.py"))
            .args([dir.to_str().unwrap(), mode, "borderwatch", PASSWORD])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .spawn()
            .expect("start the SMTP server");
        let mut smtp = Smtp { child, dir: dir.to_path_buf(), port: 0 };
        let port_file = dir.join("port");
        wait_until(Duration::from_secs(30), "the SMTP server's port", || port_file.exists()).await;
        smtp.port = std::fs::read_to_string(&port_file).unwrap().trim().parse().unwrap();
        Some(smtp)
    }

    /// The messages accepted so far, in order.
    fn messages(&self) -> Vec<serde_json::Value> {
        let mut names: Vec<_> = std::fs::read_dir(&self.dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with("message-") && n.ends_with(".json"))
            .collect();
        names.sort();
        names.iter().map(|n| serde_json::from_slice(&std::fs::read(self.dir.join(n)).unwrap()).unwrap()).collect()
    }

    /// How many DATA commands were refused.
    fn refused(&self) -> u64 {
        std::fs::read_to_string(self.dir.join("refused.json")).map_or(0, |s| s.trim().parse().unwrap())
    }
}

fn email_sink(port: u16) -> String {
    format!(
        "[[sink]]\nkind = \"email\"\nhost = \"127.0.0.1\"\nport = {port}\ntls = \"none\"\nallow_local = true\n\
         from = \"Borderwatch <alerts@example.org>\"\nto = [\"ops@example.org\", \"trader@example.org\"]\n\
         username = \"borderwatch\"\npassword_file = \"smtp.password\"\ntimeout = \"10s\"\n"
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn email_arrives_with_subject_escaped_html_and_a_key_derived_message_id_and_a_451_is_retried_once() {
    let dir = tempdir();
    let Some(smtp) = Smtp::start(&dir.path().join("smtp"), "451-first").await else { return };
    std::fs::write(dir.path().join("smtp.password"), format!("{PASSWORD}\n")).unwrap();
    let cfg = config(dir.path(), &email_sink(smtp.port));
    let key = queue_hostile_alert(&dir.path().join("state.db"));
    let mut daemon = Running::start(&cfg, &[]);
    wait_until(Duration::from_secs(60), "the email delivery", delivered(&dir.path().join("state.db"), "email")).await;
    let status = daemon.stop();
    assert!(status.success(), "{status:?}");

    assert_eq!(smtp.refused(), 1, "the first DATA was answered 451");
    let messages = smtp.messages();
    assert_eq!(messages.len(), 1, "retried after the 451 and delivered exactly once: {messages:?}");
    let m = &messages[0];
    assert_eq!(m["authenticated"], true, "logged in with the password file's password");
    assert_eq!(m["mail_from"], "alerts@example.org");
    assert_eq!(m["rcpt_tos"], serde_json::json!(["ops@example.org", "trader@example.org"]));
    assert_eq!(m["from"], "Borderwatch <alerts@example.org>");
    assert_eq!(m["content_type"], "multipart/alternative");
    assert_eq!(m["subject"], "borderwatch: Tor<kham> & co");
    let hash: String = Sha256::digest(key.as_bytes()).iter().take(16).map(|b| format!("{b:02x}")).collect();
    assert_eq!(m["message_id"], format!("<{hash}@borderwatch>"), "derived from the alert key");
    // SMTP carries CRLF line ends; compare lines.
    let plain = m["plain"].as_str().expect("a text/plain part").replace("\r\n", "\n");
    assert!(plain.starts_with("<b>closed</b> & \u{202E}nepo\n"), "plain text as written:\n{plain}");
    assert!(plain.contains(&format!("Key: {key}")), "{plain}");
    let html = m["html"].as_str().expect("a text/html part").replace("\r\n", "\n");
    assert!(html.contains("<strong>borderwatch: Tor&lt;kham&gt; &amp; co</strong>"), "{html}");
    assert!(html.contains("<p>&lt;b&gt;closed&lt;/b&gt; &amp; \u{202E}nepo</p>"), "escaped, U+202E as text:\n{html}");
    assert!(!html.contains("<b>"), "feed markup is never obeyed:\n{html}");

    let log = daemon.lines().join("\n");
    assert!(log.contains("transient error (451)"), "the transient refusal is logged:\n{log}");
    assert!(!log.contains(PASSWORD) && !log.contains("CANARY"), "the password is not logged:\n{log}");
    assert_no_canary_in_state(dir.path());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn notify_test_reports_the_email_sink_and_a_permanent_refusal() {
    let dir = tempdir();
    let Some(ok) = Smtp::start(&dir.path().join("smtp-ok"), "ok").await else { return };
    let Some(refusing) = Smtp::start(&dir.path().join("smtp-550"), "550").await else { return };
    std::fs::write(dir.path().join("smtp.password"), PASSWORD).unwrap();
    let run = |port: u16| {
        let d = dir.path().to_path_buf();
        let cfg = config(&d, &email_sink(port));
        tokio::task::spawn_blocking(move || bin(&d, &["notify-test", "--config", cfg.to_str().unwrap()]))
    };

    let out = run(ok.port).await.unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert_eq!(stdout(&out), "log: ok\nemail: ok\n");
    let messages = ok.messages();
    assert_eq!(messages.len(), 1, "{messages:?}");
    assert_eq!(messages[0]["subject"], "borderwatch: borderwatch test");

    let out = run(refusing.port).await.unwrap();
    let said = stdout(&out) + &crate::helpers::stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{said}");
    let expected = format!("email: FAILED: SMTP 127.0.0.1:{}: permanent error (550): 5.7.1 Not for you", refusing.port);
    assert!(said.contains(&expected), "{said}");
    assert!(!said.contains("CANARY"), "no password in the output:\n{said}");
    assert_eq!((refusing.refused(), refusing.messages().len()), (1, 0));
}
