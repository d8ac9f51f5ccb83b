//! The SMTP interface (issue 22): Python's smtplib (STARTTLS, LOGIN, an attachment), swaks
//! (AUTH PLAIN over TLS, 5 recipients, a configuration-set header) and curl deliver into the
//! outbox with the header's set choosing the managed pool; SES's replies to an unverified
//! sender (554), to wrong credentials (535), to mail before AUTH (530), to an idle client
//! (421); and the attacks: idle connections, a 1 MB line, bare LF, NUL, 41 MB of DATA.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::process::Command;
use std::time::Duration;

use serde_json::Value;

use crate::harness::Env;
use crate::serve::{Server, client_venv, request};

pub fn account() -> Env {
    let env = Env::new();
    env.ok(&["pool", "create", "marketing", "--managed"]);
    env.ok(&["config-set", "create", "news", "--pool", "marketing"]);
    env.ok(&["identity", "create", "example.com"]);
    env
}

/// A line-by-line SMTP client.
pub struct Client {
    pub r: BufReader<TcpStream>,
}

impl Client {
    pub fn connect(addr: &str) -> Client {
        let s = TcpStream::connect(addr).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
        let mut c = Client {
            r: BufReader::new(s),
        };
        let greeting = c.reply();
        assert!(greeting.starts_with("220 "), "{greeting}");
        c
    }

    /// A connection, its greeting not read.
    pub fn connect_raw(addr: &str) -> Client {
        let s = TcpStream::connect(addr).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
        Client {
            r: BufReader::new(s),
        }
    }

    /// One reply, its lines joined by newlines.
    pub fn reply(&mut self) -> String {
        let mut all = String::new();
        loop {
            let mut line = String::new();
            if self.r.read_line(&mut line).unwrap_or(0) == 0 {
                return all;
            }
            all.push_str(&line);
            if line.len() < 4 || line.as_bytes()[3] != b'-' {
                return all.trim_end().to_string();
            }
        }
    }

    pub fn send(&mut self, bytes: &[u8]) {
        self.r.get_mut().write_all(bytes).unwrap();
    }

    pub fn cmd(&mut self, line: &str) -> String {
        self.send(format!("{line}\r\n").as_bytes());
        self.reply()
    }

    /// EHLO and AUTH PLAIN in plain text (loopback allows it).
    pub fn login(addr: &str) -> Client {
        let mut c = Client::connect(addr);
        assert!(c.cmd("EHLO test").contains("AUTH PLAIN LOGIN"));
        let a = c.cmd("AUTH PLAIN AHVzZXIAcGFzcw==");
        assert!(a.starts_with("235"), "{a}");
        c
    }
}

pub fn outbox(addr: &str) -> Vec<Value> {
    let v: Value = serde_json::from_str(&request(addr, "GET", "/_sesm/outbox", "").body).unwrap();
    v["Messages"].as_array().unwrap().clone()
}

#[test]
fn a_session_sends_through_the_header_set_and_answers_as_ses() {
    let env = account();
    let server = Server::start(&env, &["-q"]);
    let (http, smtp) = (server.addr(), server.smtp_addr());
    let mut c = Client::connect(&smtp);
    let ehlo = c.cmd("EHLO client.example");
    for ext in [
        "8BITMIME",
        "PIPELINING",
        "SIZE 41943040",
        "STARTTLS",
        "AUTH PLAIN LOGIN",
    ] {
        assert!(ehlo.contains(ext), "{ehlo}");
    }
    assert_eq!(
        c.cmd("MAIL FROM:<news@example.com>"),
        "530 Authentication required"
    );
    assert!(c.cmd("AUTH PLAIN AHVzZXIAcGFzcw==").starts_with("235"));
    assert_eq!(c.cmd("MAIL FROM:<news@example.com>"), "250 Ok");
    assert_eq!(c.cmd("RCPT TO:<a@gmail.com>"), "250 Ok");
    assert_eq!(c.cmd("RCPT TO:<b@outlook.com>"), "250 Ok");
    assert!(c.cmd("DATA").starts_with("354"));
    c.send(b"From: news@example.com\r\nTo: a@gmail.com\r\nX-SES-CONFIGURATION-SET: news\r\nSubject: hi\r\n\r\n..dot-stuffed\r\nbody\r\n.\r\n");
    let done = c.reply();
    assert!(done.starts_with("250 Ok "), "{done}");
    let id = done.trim_start_matches("250 Ok ").to_string();
    let m = outbox(&http)
        .into_iter()
        .find(|m| m["MessageId"] == id.as_str())
        .unwrap();
    assert_eq!(m["ConfigurationSetName"], "news");
    assert_eq!(m["ConfigurationSetSource"], "HEADER");
    assert_eq!(m["PoolName"], "marketing");
    assert_eq!(m["To"], serde_json::json!(["a@gmail.com"]));
    assert_eq!(
        m["Bcc"],
        serde_json::json!(["b@outlook.com"]),
        "envelope-only recipients are Bcc"
    );
    let eml = request(&http, "GET", &format!("/_sesm/outbox/{id}/raw"), "");
    assert!(eml.body.contains("\r\n.dot-stuffed\r\n"), "{}", eml.body);
    // An unverified sender: SES's 554 line; a missing set; too many recipients.
    assert_eq!(c.cmd("MAIL FROM:<x@nope.com>"), "250 Ok");
    assert_eq!(c.cmd("RCPT TO:<a@gmail.com>"), "250 Ok");
    assert!(c.cmd("DATA").starts_with("354"));
    c.send(b"From: x@nope.com\r\nTo: a@gmail.com\r\nSubject: s\r\n\r\nb\r\n.\r\n");
    assert_eq!(
        c.reply(),
        "554 Message rejected: Email address is not verified. The following identities failed the check in region US-EAST-1: x@nope.com"
    );
    assert_eq!(c.cmd("MAIL FROM:<news@example.com>"), "250 Ok");
    assert_eq!(c.cmd("RCPT TO:<a@gmail.com>"), "250 Ok");
    assert!(c.cmd("DATA").starts_with("354"));
    c.send(b"From: news@example.com\r\nX-SES-CONFIGURATION-SET: ghost\r\n\r\nb\r\n.\r\n");
    let r = c.reply();
    assert!(
        r.starts_with("554 Configuration Set does not exist: "),
        "{r}"
    );
    assert_eq!(c.cmd("MAIL FROM:<news@example.com>"), "250 Ok");
    for i in 0..50 {
        assert_eq!(c.cmd(&format!("RCPT TO:<r{i}@gmail.com>")), "250 Ok");
    }
    assert!(
        c.cmd("RCPT TO:<r50@gmail.com>")
            .starts_with("554 Message rejected: Too many recipients")
    );
    assert_eq!(c.cmd("RSET"), "250 Ok");
    assert_eq!(c.cmd("NOOP"), "250 Ok");
    assert!(c.cmd("HELP").starts_with("214"));
    assert!(c.cmd("VRFY a").starts_with("502"));
    assert_eq!(c.cmd("QUIT"), "221 Bye");
    assert_eq!(outbox(&http).len(), 1, "refused messages are not kept");
}

#[test]
fn credentials_are_checked_when_given_and_stale_clients_are_closed() {
    let env = account();
    let password = env.json(&["smtp-password", "--secret-key", "s3cret"])["SmtpPassword"]
        .as_str()
        .unwrap()
        .to_string();
    let server = Server::start(
        &env,
        &[
            "-q",
            "--smtp-credentials",
            "AKIDEXAMPLE:s3cret",
            "--request-timeout",
            "2",
        ],
    );
    let smtp = server.smtp_addr();
    let b64 = |s: &str| base64::Engine::encode(&base64::engine::general_purpose::STANDARD, s);
    let mut c = Client::connect(&smtp);
    c.cmd("EHLO x");
    assert_eq!(
        c.cmd(&format!("AUTH PLAIN {}", b64("\0AKIDEXAMPLE\0wrong"))),
        "535 Authentication Credentials Invalid"
    );
    assert_eq!(c.cmd("AUTH LOGIN"), "334 VXNlcm5hbWU6");
    assert_eq!(c.cmd(&b64("AKIDEXAMPLE")), "334 UGFzc3dvcmQ6");
    assert_eq!(c.cmd(&b64(&password)), "235 Authentication successful.");
    // An idle client is closed with 421 after --request-timeout.
    let mut idle = Client::connect(&smtp);
    std::thread::sleep(Duration::from_millis(2500));
    assert_eq!(idle.reply(), "421 Timeout waiting for data from client.");
}

#[test]
fn hostile_input_gets_its_error_and_the_server_stays_up() {
    let env = account();
    let server = Server::start(&env, &["-q"]);
    let (http, smtp) = (server.addr(), server.smtp_addr());
    // 1,000 idle connections lock no client out.
    let idle: Vec<TcpStream> = (0..1000)
        .map(|_| TcpStream::connect(&smtp).unwrap())
        .collect();
    let mut c = Client::login(&smtp);
    // A 1 MB line: refused, and the connection closed.
    let mut long = Client::connect(&smtp);
    long.send(&vec![b'A'; 1024 * 1024]);
    long.send(b"\r\n");
    assert_eq!(long.reply(), "500 5.5.2 Line too long");
    // Bare LF and NUL in commands.
    c.send(b"NOOP\n");
    assert!(c.reply().starts_with("500 5.5.2 Bare LF"));
    c.send(b"NO\0OP\r\n");
    assert!(c.reply().starts_with("500 5.5.2 NUL"));
    // NUL and 41 MB in DATA: the message is read to its end and refused. (A bare LF in DATA
    // ends the session: smtp_hardening.rs.)
    for (body, want) in [
        (
            b"Subject: x\r\n\r\nnul\0\r\n".to_vec(),
            "554 Transaction failed: the message contains NUL",
        ),
        (
            {
                let mut b = b"Subject: x\r\n\r\n".to_vec();
                let line = [b'x'; 998];
                for _ in 0..(41 * 1024 * 1024 / 1000) {
                    b.extend_from_slice(&line);
                    b.extend_from_slice(b"\r\n");
                }
                b
            },
            "552 5.3.4 Message size exceeds fixed maximum message size",
        ),
    ] {
        assert_eq!(c.cmd("MAIL FROM:<news@example.com>"), "250 Ok");
        assert_eq!(c.cmd("RCPT TO:<a@gmail.com>"), "250 Ok");
        assert!(c.cmd("DATA").starts_with("354"));
        c.send(&body);
        c.send(b".\r\n");
        let r = c.reply();
        assert!(r.starts_with(want), "{r}");
    }
    // SIZE announcing more than SES takes.
    assert!(
        c.cmd("MAIL FROM:<news@example.com> SIZE=99999999")
            .starts_with("552")
    );
    assert_eq!(c.cmd("QUIT"), "221 Bye");
    assert!(outbox(&http).is_empty());
    drop(idle);
    // Still serving.
    let mut again = Client::login(&smtp);
    assert_eq!(again.cmd("NOOP"), "250 Ok");
}

fn python() -> Option<std::path::PathBuf> {
    let p = client_venv("new");
    if p.is_none() {
        crate::harness::skip(
            "the new Python environment (target/clients/new)",
            "SESM_REQUIRE_CLIENTS",
            "run .ci/clients",
        );
    }
    p
}

#[test]
fn smtplib_swaks_and_curl_deliver_into_the_outbox() {
    let env = account();
    let server = Server::start(&env, &["-q"]);
    let (http, smtp) = (server.addr(), server.smtp_addr());
    let (host, port) = smtp.split_once(':').unwrap();
    if let Some(python) = python() {
        let script =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/clients/smtp_client.py");
        let out = Command::new(python)
            .args([script.to_str().unwrap(), host, port, "AKIDEXAMPLE", "any"])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let v: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(v["code"], 250, "{v}");
        let id = v["reply"]
            .as_str()
            .unwrap()
            .trim_start_matches("Ok ")
            .to_string();
        let d: Value =
            serde_json::from_str(&request(&http, "GET", &format!("/_sesm/outbox/{id}"), "").body)
                .unwrap();
        assert_eq!(d["ConfigurationSetName"], "news", "{d}");
        assert_eq!(d["PoolName"], "marketing");
        assert_eq!(d["Cc"], serde_json::json!(["c@yahoo.com"]));
        assert_eq!(d["Bcc"], serde_json::json!(["hidden@outlook.com"]));
        assert_eq!(d["Attachments"][0]["FileName"], "data.bin");
        assert_eq!(d["Attachments"][0]["Size"], 9);
    }
    if Command::new("swaks").arg("--version").output().is_ok() {
        let mut args = vec![
            "--server".to_string(),
            host.to_string(),
            "--port".into(),
            port.to_string(),
            "--tls".into(),
            "--auth".into(),
            "PLAIN".into(),
            "--auth-user".into(),
            "AKIDEXAMPLE".into(),
            "--auth-password".into(),
            "pw".into(),
            "--from".into(),
            "news@example.com".into(),
            "--header".into(),
            "X-SES-CONFIGURATION-SET: news".into(),
            "--header".into(),
            "Subject: swaks".into(),
        ];
        let to: Vec<String> = (0..5).map(|i| format!("s{i}@gmail.com")).collect();
        args.extend(["--to".to_string(), to.join(",")]);
        let out = Command::new("swaks").args(&args).output().unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success() && text.contains("<~  250 Ok "),
            "{text}"
        );
        let m = outbox(&http)
            .into_iter()
            .find(|m| m["Subject"] == "swaks")
            .unwrap();
        assert_eq!(m["Isps"]["gmail"], 5);
        assert_eq!(m["PoolName"], "marketing");
    } else {
        crate::harness::skip(
            "swaks",
            "SESM_REQUIRE_CLIENTS",
            "apt-get install swaks libnet-ssleay-perl",
        );
    }
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("mail.eml");
    std::fs::write(
        &file,
        "From: news@example.com\r\nTo: k@gmail.com\r\nSubject: curl\r\n\r\nhi\r\n",
    )
    .unwrap();
    let out = Command::new("curl")
        .args([
            "-sS",
            &format!("smtp://{smtp}"),
            "--mail-from",
            "news@example.com",
            "--mail-rcpt",
            "k@gmail.com",
            "--user",
            "AKIDEXAMPLE:pw",
            "--upload-file",
        ])
        .arg(&file)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(outbox(&http).iter().any(|m| m["Subject"] == "curl"));
}

#[test]
fn smtp_password_is_the_documented_derivation() {
    let env = Env::new();
    let v = env.json(&[
        "smtp-password",
        "--secret-key",
        "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    ]);
    assert_eq!(
        v["SmtpPassword"],
        "BLBM/9hSUELfq8Gw+rU1YcBjkOxGbhT2XG763xVLGWL9"
    );
    assert_eq!(v["Region"], "us-east-1");
    let text = env
        .ok(&[
            "smtp-password",
            "--secret-key",
            "k",
            "--region",
            "eu-west-1",
        ])
        .stdout;
    assert_eq!(text.trim().len(), 44, "{text}");
    let bad = env.run(&["smtp-password", "--secret-key", "k", "--region", "nowhere"]);
    assert_eq!(bad.code, 252, "{}", bad.stderr);
}

#[test]
fn djangos_smtp_backend_sends_through_the_interface() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let Some(python) = crate::serve::client_venv("django") else {
        crate::harness::skip(
            "Django (target/clients/django)",
            "SESM_REQUIRE_CLIENTS",
            "run .ci/clients",
        );
        return;
    };
    let env = account();
    let server = Server::start(&env, &["-q"]);
    let (http, smtp) = (server.addr(), server.smtp_addr());
    let (host, port) = smtp.split_once(':').unwrap();
    let out = Command::new(python)
        .arg(root.join("tests/clients/django_smtp.py"))
        .args([host, port])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "2");
    let messages = outbox(&http);
    let m = messages
        .iter()
        .find(|m| m["Subject"] == "From Django, through news")
        .unwrap();
    assert_eq!(m["PoolName"], "marketing");
    assert!(
        messages
            .iter()
            .any(|m| m["Subject"] == "From Django" && m["To"][0] == "dj@gmail.com")
    );
}
