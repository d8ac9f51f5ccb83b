//! `sesm serve` attacked: one test per class of what brought a hand-written server down —
//! framing (RFC 9112), slow and idle clients, large bodies, cross-site and rebinding requests,
//! a held state lock, and a log nobody reads. Each drives the real server over raw sockets on
//! 127.0.0.1, bounded in count and time, and checks the status, the message and that a refusal
//! left the state byte-identical.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use crate::harness::Env;
use crate::serve::{Raw, Server, raw, read_response, request};

/// A file next to the state (`.outbox`, `.lock`).
fn state_file(env: &Env, suffix: &str) -> std::path::PathBuf {
    env.path(&format!("state/state.json{suffix}"))
}

fn account() -> Env {
    let env = Env::new().with_env("SESM_LOCK_TIMEOUT", "1");
    env.ok(&["pool", "create", "marketing"]);
    env.ok(&["identity", "create", "example.com"]);
    env
}

/// Sends `head` (and nothing else) and returns the response and whether the server then
/// closed the connection.
fn exchange(addr: &str, bytes: &[u8]) -> (Raw, bool) {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    s.write_all(bytes).unwrap();
    let r = read_response(&mut s);
    s.set_read_timeout(Some(Duration::from_millis(500)))
        .unwrap();
    let mut rest = [0u8; 1];
    let closed = matches!(s.read(&mut rest), Ok(0));
    (r, closed)
}

#[test]
fn framing_follows_rfc_9112() {
    let env = account();
    let server = Server::start(&env, &["-q"]);
    let addr = server.addr();
    let before = env.state_bytes();
    let pool = r#"{"PoolName":"smuggled"}"#;
    // Both framings, differing lengths, a signed length, a final encoding that is not
    // chunked: 400, and the connection is closed (its next bytes can't be trusted).
    for head in [
        format!(
            "POST /v2/email/dedicated-ip-pools HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nTransfer-Encoding: chunked\r\n\r\n",
            pool.len()
        ),
        format!(
            "POST /v2/email/dedicated-ip-pools HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nContent-Length: 5\r\n\r\n",
            pool.len()
        ),
        format!(
            "POST /v2/email/dedicated-ip-pools HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: +{}\r\n\r\n",
            pool.len()
        ),
        format!(
            "POST /v2/email/dedicated-ip-pools HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nTransfer-Encoding: gzip\r\n\r\n"
        ),
    ] {
        let (r, closed) = exchange(&addr, format!("{head}{pool}").as_bytes());
        assert_eq!(r.status, 400, "{head:?}: {r:?}");
        assert!(closed, "{head:?}: the connection stayed open");
        assert!(r.header("date").is_some(), "{r:?}");
    }
    assert_eq!(
        env.state_bytes(),
        before,
        "a smuggled request changed the state"
    );
    // HEAD on a write-only path: the head of the answer, no body.
    let mut s = TcpStream::connect(&addr).unwrap();
    s.write_all(
        format!(
            "HEAD /v2/email/outbound-emails HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
        )
        .as_bytes(),
    )
    .unwrap();
    let mut all = Vec::new();
    s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    s.read_to_end(&mut all).unwrap();
    let text = String::from_utf8_lossy(&all);
    assert!(text.starts_with("HTTP/1.1 405"), "{text}");
    assert!(text.ends_with("\r\n\r\n"), "HEAD got a body: {text}");
    // An absolute-form target is served like its path.
    let r = raw(
        &addr,
        format!("GET http://{addr}/v2/email/dedicated-ip-pools/marketing HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n").as_bytes(),
    );
    assert_eq!(r.status, 200, "{r:?}");
    assert!(r.body.contains("marketing"));
    // HTTP/1.0 keep-alive is echoed and honoured.
    let mut s = TcpStream::connect(&addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    for _ in 0..2 {
        s.write_all(b"GET /v2/email/dedicated-ip-pools/marketing HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
            .unwrap();
        let r = read_response(&mut s);
        assert_eq!(r.status, 200, "{r:?}");
        assert_eq!(
            r.header("connection").map(|c| c.to_ascii_lowercase()),
            Some("keep-alive".into())
        );
    }
    // A TLS ClientHello is answered at once, in plain text.
    let start = Instant::now();
    let (r, closed) = exchange(&addr, b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03");
    assert_eq!(r.status, 400);
    assert!(
        r.body
            .contains("this endpoint speaks plain HTTP; use http://"),
        "{r:?}"
    );
    assert!(closed && start.elapsed() < Duration::from_secs(2));
}

#[test]
fn large_and_slow_bodies_get_their_status_and_the_client_reads_it() {
    let env = account();
    let server = Server::start(&env, &["-q", "--request-timeout", "2"]);
    let addr = server.addr();
    let before = env.state_bytes();
    // 2 MB to a management operation (1 MiB at most): the client sends it all and still reads
    // the 413 (the body was read and thrown away, so no reset destroys the answer).
    let body = format!(r#"{{"PoolName":"x","A":[{}0]}}"#, "0,".repeat(1_000_000));
    let mut s = TcpStream::connect(&addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    s.write_all(
        format!(
            "POST /v2/email/dedicated-ip-pools HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
            body.len()
        )
        .as_bytes(),
    )
    .unwrap();
    s.write_all(body.as_bytes()).unwrap();
    let r = read_response(&mut s);
    assert_eq!(r.status, 413, "{r:?}");
    assert!(r.body.contains("larger than 1048576 bytes"), "{r:?}");
    // The same operation, chunked, growing past its limit.
    let mut s = TcpStream::connect(&addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    s.write_all(format!("POST /v2/email/dedicated-ip-pools HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n").as_bytes())
        .unwrap();
    let chunk = vec![b' '; 256 * 1024];
    for _ in 0..6 {
        if s.write_all(format!("{:x}\r\n", chunk.len()).as_bytes())
            .is_err()
            || s.write_all(&chunk).is_err()
            || s.write_all(b"\r\n").is_err()
        {
            break;
        }
    }
    assert_eq!(read_response(&mut s).status, 413);
    // A body that never arrives: 408 within the request timeout.
    let start = Instant::now();
    let (r, closed) = exchange(
        &addr,
        format!("POST /v2/email/dedicated-ip-pools HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: 20\r\n\r\n{{\"Pool").as_bytes(),
    );
    assert_eq!(r.status, 408, "{r:?}");
    assert!(closed && start.elapsed() < Duration::from_secs(5));
    // A head that never ends: the connection is closed at the timeout.
    let mut s = TcpStream::connect(&addr).unwrap();
    s.write_all(b"GET /v2/email/account HTTP/1.1\r\nX-Slow: ")
        .unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let start = Instant::now();
    let mut rest = Vec::new();
    let _ = s.read_to_end(&mut rest);
    assert!(
        start.elapsed() < Duration::from_secs(5),
        "a slow head kept its connection"
    );
    assert_eq!(env.state_bytes(), before);
    // Still serving.
    let r = request(&addr, "GET", "/v2/email/dedicated-ip-pools/marketing", "");
    assert_eq!(r.status, 200);
}

#[test]
fn web_pages_and_rebinding_names_are_refused_and_change_nothing() {
    let env = account();
    let server = Server::start(&env, &["-q"]);
    let addr = server.addr();
    let port = addr.rsplit(':').next().unwrap().to_string();
    env.ok(&["send", "--from", "news@example.com", "--to", "a@gmail.com"]);
    let before = env.state_bytes();
    let outbox = std::fs::read(state_file(&env, ".outbox")).unwrap();
    let create = r#"{"PoolName":"from-a-page"}"#;
    for (what, head, body) in [
        (
            "a cross-site form post (text/plain)",
            format!(
                "POST /v2/email/dedicated-ip-pools HTTP/1.1\r\nHost: {addr}\r\nContent-Type: text/plain\r\nContent-Length: {}\r\n\r\n",
                create.len()
            ),
            create,
        ),
        (
            "a page on another origin",
            format!(
                "POST /v2/email/dedicated-ip-pools HTTP/1.1\r\nHost: {addr}\r\nOrigin: http://evil.example\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
                create.len()
            ),
            create,
        ),
        (
            "a rebinding name",
            format!(
                "POST /v2/email/dedicated-ip-pools HTTP/1.1\r\nHost: evil.example:{port}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
                create.len()
            ),
            create,
        ),
        (
            "a rebinding name reading the outbox",
            format!("GET /_sesm/outbox HTTP/1.1\r\nHost: evil.example:{port}\r\n\r\n"),
            "",
        ),
        (
            "a rebinding name clearing the outbox",
            format!("DELETE /_sesm/outbox HTTP/1.1\r\nHost: evil.example:{port}\r\n\r\n"),
            "",
        ),
        (
            "a cross-site fetch",
            format!(
                "GET /_sesm/outbox HTTP/1.1\r\nHost: {addr}\r\nSec-Fetch-Site: cross-site\r\n\r\n"
            ),
            "",
        ),
    ] {
        let (r, _) = exchange(&addr, format!("{head}{body}").as_bytes());
        assert_eq!(r.status, 403, "{what}: {r:?}");
        assert_eq!(
            r.header("x-amzn-errortype").as_deref(),
            Some("AccessDeniedException"),
            "{what}"
        );
        assert!(
            !r.body.contains("from-a-page") && !r.body.contains("a@gmail.com"),
            "{what}: {r:?}"
        );
    }
    assert_eq!(
        env.state_bytes(),
        before,
        "a refused request changed the state"
    );
    assert_eq!(
        std::fs::read(state_file(&env, ".outbox")).unwrap(),
        outbox,
        "a refused request changed the outbox"
    );
    // The server's own origin and localhost are served.
    let (r, _) = exchange(
        &addr,
        format!("GET /_sesm/outbox HTTP/1.1\r\nHost: localhost:{port}\r\nOrigin: http://localhost:{port}\r\n\r\n").as_bytes(),
    );
    assert_eq!(r.status, 200, "{r:?}");
    // Another --host needs the names clients use.
    let run = env.run(&["serve", "--port", "0", "--host", "0.0.0.0"]);
    assert_eq!(run.code, 252, "{run:?}");
    assert!(run.stderr.contains("--allow-host NAME"), "{run:?}");
}

#[test]
fn reads_answer_while_another_process_holds_the_lock_and_writes_get_429() {
    let env = account();
    let server = Server::start(&env, &["-q"]);
    let addr = server.addr();
    // Warm: the server has read the state.
    assert_eq!(request(&addr, "GET", "/v2/email/account", "").status, 200);
    let lock = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(state_file(&env, ".lock"))
        .unwrap();
    lock.lock().unwrap();
    let before = env.state_bytes();
    // Three writes queue behind the lock (SESM_LOCK_TIMEOUT is 2 s in the harness) while
    // reads answer at once.
    let writers: Vec<_> = (0..3)
        .map(|i| {
            let addr = addr.clone();
            std::thread::spawn(move || {
                let start = Instant::now();
                let r = request(
                    &addr,
                    "POST",
                    "/v2/email/dedicated-ip-pools",
                    &format!(r#"{{"PoolName":"queued-{i}"}}"#),
                );
                (r, start.elapsed())
            })
        })
        .collect();
    for _ in 0..20 {
        let start = Instant::now();
        let r = request(&addr, "GET", "/v2/email/dedicated-ip-pools/marketing", "");
        assert_eq!(r.status, 200);
        assert!(
            start.elapsed() < Duration::from_millis(500),
            "a read waited {:?}",
            start.elapsed()
        );
    }
    for w in writers {
        let (r, took) = w.join().unwrap();
        assert_eq!(r.status, 429, "{r:?}");
        assert_eq!(
            r.header("x-amzn-errortype").as_deref(),
            Some("ConcurrentModificationException")
        );
        // Each write waits its own timeout, not the sum of those queued before it.
        assert!(took < Duration::from_secs(4), "a write waited {took:?}");
    }
    assert_eq!(env.state_bytes(), before);
    lock.unlock().unwrap();
    let r = request(
        &addr,
        "POST",
        "/v2/email/dedicated-ip-pools",
        r#"{"PoolName":"after"}"#,
    );
    assert_eq!(r.status, 200, "{r:?}");
}

#[test]
fn a_log_nobody_reads_never_stops_the_server_and_request_text_is_escaped() {
    let env = account();
    // stderr is piped and never read: the pipe fills after about a thousand lines, the log's
    // queue after 4,096 more.
    let server = Server::start(&env, &[]);
    let addr = server.addr();
    // A C1 control character (CSI, as UTF-8) in a refused Host reaches the log escaped.
    let mut bad = b"GET /v2/email/account HTTP/1.1\r\nHost: x".to_vec();
    bad.extend_from_slice(&[0xc2, 0x9b, b'3', b'1', b'm']);
    bad.extend_from_slice(b"\r\nConnection: close\r\n\r\n");
    let r = raw(&addr, &bad);
    assert_eq!(r.status, 403);
    let mut s = TcpStream::connect(&addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    for _ in 0..8000 {
        s.write_all(
            format!("GET /v2/email/dedicated-ip-pools/marketing HTTP/1.1\r\nHost: {addr}\r\n\r\n")
                .as_bytes(),
        )
        .unwrap();
        assert_eq!(read_response(&mut s).status, 200);
    }
    // Now drain the pipe (a stopping server may still write to it).
    let mut server = server;
    let mut stderr = server.stderr.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut log = Vec::new();
        let _ = stderr.read_to_end(&mut log);
        log
    });
    drop(server);
    let log = reader.join().unwrap();
    let log = String::from_utf8_lossy(&log);
    assert!(
        log.contains("log lines dropped"),
        "no drop count in the log"
    );
    assert!(
        !log.contains('\u{9b}'),
        "a control character reached the log raw"
    );
    assert!(
        log.contains("\\u{9b}31m"),
        "the refused Host is not in the log, escaped"
    );
}

/// The server's peak resident memory, from /proc.
fn peak_rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches(" kB").trim().parse().ok())
        .unwrap()
}

#[test]
fn forty_ten_megabyte_bodies_at_once_stay_under_a_gigabyte() {
    let env = account();
    let server = Server::start(&env, &["-q"]);
    let addr = server.addr();
    // 10 MB each: half to a management operation (refused from the length, read and thrown
    // away), half SendEmail with a 7.5 MB raw message (read, decoded and accepted).
    use base64::Engine;
    let mime = format!(
        "From: news@example.com\r\nTo: a@gmail.com\r\nSubject: big\r\n\r\n{}",
        "x".repeat(7_400_000)
    );
    let send = format!(
        r#"{{"Content":{{"Raw":{{"Data":"{}"}}}}}}"#,
        base64::engine::general_purpose::STANDARD.encode(mime)
    );
    let junk = format!(r#"{{"PoolName":"x","A":[{}0]}}"#, "0,".repeat(5_000_000));
    let clients: Vec<_> = (0..40)
        .map(|i| {
            let addr = addr.clone();
            let (path, body) = if i % 2 == 0 {
                ("/v2/email/outbound-emails", send.clone())
            } else {
                ("/v2/email/dedicated-ip-pools", junk.clone())
            };
            std::thread::spawn(move || {
                let mut s = TcpStream::connect(&addr).unwrap();
                s.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
                s.write_all(format!("POST {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n", body.len()).as_bytes()).unwrap();
                let _ = s.write_all(body.as_bytes());
                read_response(&mut s).status
            })
        })
        .collect();
    let statuses: Vec<u16> = clients.into_iter().map(|c| c.join().unwrap()).collect();
    // Sends the budget can't hold at once are 503, and sends that queued past the 1 s lock
    // timeout 429: both retried by SDKs (serve_limits.rs retries them to the end).
    assert_eq!(
        statuses
            .iter()
            .filter(|&&s| s == 200 || s == 503 || s == 429)
            .count(),
        20,
        "{statuses:?}"
    );
    assert!(statuses.contains(&200), "{statuses:?}");
    assert_eq!(
        statuses.iter().filter(|&&s| s == 413).count(),
        20,
        "{statuses:?}"
    );
    let peak = peak_rss_kib(server.pid());
    assert!(peak < 1024 * 1024, "peak resident memory {peak} KiB");
    eprintln!(
        "40 x 10 MB bodies: peak resident memory {} MiB",
        peak / 1024
    );
    let r = request(&addr, "GET", "/v2/email/dedicated-ip-pools/marketing", "");
    assert_eq!(r.status, 200);
}

#[test]
fn idle_slow_and_many_keep_alive_clients_lock_out_no_one() {
    let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/clients/load.py");
    let Some(python) = crate::serve::client_venv("new") else {
        crate::harness::skip(
            "the new boto3 environment (target/clients/new)",
            "SESM_REQUIRE_CLIENTS",
            "run .ci/clients",
        );
        return;
    };
    let env = account();
    let server = Server::start(&env, &["-q", "--request-timeout", "5"]);
    let stdout = crate::serve::run_client(
        "load.py",
        std::process::Command::new(&python)
            .arg(&script)
            .arg(&server.url),
    );
    eprintln!("{stdout}");
}
