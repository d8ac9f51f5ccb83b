//! The SMTP interface attacked (issue 29, items 1–7): a smuggled message after `<LF>.<CR><LF>`,
//! a client that never reads its replies, idle sessions against HTTP's connections, password
//! guessing, slow DATA against HTTP's bodies and a burst of sessions against the thread
//! count, a full disk, a CR inside a sender. Each drives the real server over raw sockets on
//! 127.0.0.1, bounded in count and time, and checks that a refusal left the state, the outbox
//! and the event log byte-identical.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use crate::harness::Env;
use crate::serve::{Server, request};
use crate::smtp::{Client, account, outbox};

/// The state, the outbox journal and the event log, as bytes (absent: empty).
fn files(env: &Env) -> [Vec<u8>; 3] {
    [".json", ".json.outbox", ".json.events"]
        .map(|s| std::fs::read(env.path(&format!("state/state{s}"))).unwrap_or_default())
}

/// Whether the server closed the connection: reading ends (or is reset) within 10 s.
fn closed(c: &mut Client) -> bool {
    let s = c.r.get_mut();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let mut buf = [0u8; 4096];
    loop {
        match s.read(&mut buf) {
            Ok(0) => return true,
            Ok(_) => continue,
            Err(e) => {
                return !matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                );
            }
        }
    }
}

#[test]
fn a_bare_lf_in_data_ends_the_session_and_nothing_is_smuggled() {
    let env = account();
    let server = Server::start(&env, &["-q"]);
    let (http, smtp) = (server.addr(), server.smtp_addr());
    let before = files(&env);
    let mut c = Client::login(&smtp);
    assert_eq!(c.cmd("MAIL FROM:<news@example.com>"), "250 Ok");
    assert_eq!(c.cmd("RCPT TO:<a@gmail.com>"), "250 Ok");
    assert!(c.cmd("DATA").starts_with("354"));
    // CVE-2023-51764's pattern: `<LF>.<CR><LF>` then a second transaction in the same bytes.
    c.send(
        b"From: news@example.com\r\nTo: a@gmail.com\r\nSubject: first\r\n\r\nhello\n.\r\n\
          MAIL FROM:<news@example.com>\r\nRCPT TO:<victim@gmail.com>\r\nDATA\r\n\
          From: ceo@example.com\r\nSubject: smuggled\r\n\r\npay now\r\n.\r\nQUIT\r\n",
    );
    assert_eq!(c.reply(), "550 5.5.2 Error: bare <LF> received");
    assert_eq!(c.reply(), "", "the session went on after the bare LF");
    assert!(closed(&mut c));
    assert!(outbox(&http).is_empty(), "a message was kept");
    assert_eq!(files(&env), before);
    // The server goes on serving others.
    let mut again = Client::login(&smtp);
    assert_eq!(again.cmd("NOOP"), "250 Ok");
}

#[test]
fn a_client_that_never_reads_its_replies_is_closed() {
    let env = account();
    let server = Server::start(&env, &["-q", "--request-timeout", "2"]);
    let smtp = server.smtp_addr();
    let http = server.addr();
    let mut clients: Vec<TcpStream> = (0..3)
        .map(|_| {
            let s = TcpStream::connect(&smtp).unwrap();
            s.set_write_timeout(Some(Duration::from_millis(500)))
                .unwrap();
            s
        })
        .collect();
    // Commands, never a read: the server's replies fill the socket, then its writes stall; a
    // stalled write past --request-timeout ends the session, and our writes then fail.
    let chunk = b"NOOP\r\n".repeat(10_000);
    let start = Instant::now();
    let mut open = clients.len();
    while open > 0 && start.elapsed() < Duration::from_secs(120) {
        open = 0;
        for s in clients.iter_mut() {
            match s.write(&chunk) {
                Ok(_) => open += 1,
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => open += 1,
                Err(e) if e.kind() == std::io::ErrorKind::TimedOut => open += 1,
                Err(_) => {}
            }
        }
    }
    assert_eq!(open, 0, "sessions that never read were kept open");
    // A pipelining HTTP client that never reads its answers is closed the same way.
    let mut h = TcpStream::connect(&http).unwrap();
    h.set_write_timeout(Some(Duration::from_millis(500)))
        .unwrap();
    let get =
        format!("GET /v2/email/dedicated-ip-pools/marketing HTTP/1.1\r\nHost: {http}\r\n\r\n")
            .repeat(2_000);
    let start = Instant::now();
    let mut gone = false;
    while !gone && start.elapsed() < Duration::from_secs(120) {
        gone = matches!(h.write(get.as_bytes()), Err(e) if !matches!(e.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut));
    }
    assert!(gone, "an HTTP client that never reads was kept open");
}

#[test]
fn each_door_has_its_own_connection_cap_from_the_open_files_limit() {
    let env = account();
    let server = Server::start_under(&env, &[], &["prlimit", "--nofile=256:256", "--"]);
    let (http, smtp) = (server.addr(), server.smtp_addr());
    // 256 open files: 64 kept, a quarter of the rest for SMTP.
    let idle: Vec<TcpStream> = (0..200)
        .map(|_| TcpStream::connect(&smtp).unwrap())
        .collect();
    let mut last = Client::connect_raw(&smtp);
    assert_eq!(last.reply(), "421 Too many connections, try again later");
    // HTTP clients are still served.
    for _ in 0..5 {
        let r = request(&http, "GET", "/v2/email/dedicated-ip-pools/marketing", "");
        assert_eq!(r.status, 200, "{r:?}");
    }
    drop(idle);
    let log = server.log();
    assert!(
        log.contains("connections: up to 144 HTTP and 48 SMTP (open files limit 256)"),
        "{log}"
    );
}

#[test]
fn failed_auth_is_slowed_ended_after_three_and_logged_once() {
    let env = account();
    let server = Server::start(&env, &["--smtp-credentials", "AKIDEXAMPLE:s3cret"]);
    let smtp = server.smtp_addr();
    let b64 = |s: &str| base64::Engine::encode(&base64::engine::general_purpose::STANDARD, s);
    let mut c = Client::connect(&smtp);
    c.cmd("EHLO x");
    let start = Instant::now();
    let mut replies = Vec::new();
    for i in 0..5 {
        let r = c.cmd(&format!(
            "AUTH PLAIN {}",
            b64(&format!("\0AKIDEXAMPLE\0wrong{i}"))
        ));
        let last = r.is_empty() || r.starts_with("421");
        replies.push(r);
        if last {
            break;
        }
    }
    // Each failure is answered a second late: three took at least three seconds.
    assert!(
        start.elapsed() >= Duration::from_secs(3),
        "{:?}",
        start.elapsed()
    );
    assert_eq!(
        replies,
        [
            "535 Authentication Credentials Invalid",
            "535 Authentication Credentials Invalid",
            "421 4.7.0 Too many failed authentication attempts; closing the connection",
        ]
    );
    assert!(closed(&mut c));
    let log = server.log();
    let lines: Vec<&str> = log.lines().filter(|l| l.contains("AUTH")).collect();
    assert_eq!(lines.len(), 1, "{log}");
    assert!(
        lines[0].contains("3 failed AUTH attempt(s) (user AKIDEXAMPLE); the connection was closed"),
        "{log}"
    );
}

/// A DATA sent up to its last line and held there: its bytes are held by SMTP's budget (or,
/// when the budget is spent, the server stops reading it: the writes then time out).
fn held_data(smtp: &str, bytes: usize) -> Client {
    let mut c = Client::login(smtp);
    assert_eq!(c.cmd("MAIL FROM:<news@example.com>"), "250 Ok");
    assert_eq!(c.cmd("RCPT TO:<a@gmail.com>"), "250 Ok");
    assert!(c.cmd("DATA").starts_with("354"));
    let s = c.r.get_mut();
    s.set_write_timeout(Some(Duration::from_secs(5))).unwrap();
    let mut data = b"From: news@example.com\r\nSubject: slow\r\n\r\n".to_vec();
    for _ in 0..bytes / 1000 {
        data.extend_from_slice(&[b'x'; 998]);
        data.extend_from_slice(b"\r\n");
    }
    let _ = s.write_all(&data);
    c
}

#[test]
fn slow_data_never_starves_http_and_a_burst_of_sessions_is_no_burst_of_threads() {
    let env = account();
    let server = Server::start(&env, &["-q"]);
    let (http, smtp) = (server.addr(), server.smtp_addr());
    // Five messages of 38 MB held unfinished: more than SMTP's budget (once, more than the
    // budget HTTP and SMTP shared).
    let held: Vec<_> = (0..5)
        .map(|_| {
            let smtp = smtp.clone();
            std::thread::spawn(move || held_data(&smtp, 38_000_000))
        })
        .collect();
    let held: Vec<Client> = held.into_iter().map(|h| h.join().unwrap()).collect();
    // An 8 MiB SendEmail is answered at once, as HTTP's budget is its own.
    use base64::Engine;
    let mime = format!(
        "From: news@example.com\r\nTo: a@gmail.com\r\nSubject: big\r\n\r\n{}",
        "y".repeat(6_000_000)
    );
    let send = format!(
        r#"{{"Content":{{"Raw":{{"Data":"{}"}}}}}}"#,
        base64::engine::general_purpose::STANDARD.encode(mime)
    );
    let r = request(&http, "POST", "/v2/email/outbound-emails", &send);
    assert_eq!(r.status, 200, "{}", r.body);
    drop(held);
    // 200 sessions sending 3 messages each at once: the sends take turns on a few threads.
    let threads = |pid: u32| -> usize {
        std::fs::read_to_string(format!("/proc/{pid}/status"))
            .unwrap()
            .lines()
            .find_map(|l| l.strip_prefix("Threads:"))
            .and_then(|v| v.trim().parse().ok())
            .unwrap()
    };
    let pid = server.pid();
    let senders: Vec<_> = (0..200)
        .map(|i| {
            let smtp = smtp.clone();
            std::thread::spawn(move || {
                let mut c = Client::login(&smtp);
                for j in 0..3 {
                    assert_eq!(c.cmd("MAIL FROM:<news@example.com>"), "250 Ok");
                    assert_eq!(c.cmd(&format!("RCPT TO:<r{i}-{j}@gmail.com>")), "250 Ok");
                    assert!(c.cmd("DATA").starts_with("354"));
                    c.send(b"From: news@example.com\r\nSubject: burst\r\n\r\nhi\r\n.\r\n");
                    let r = c.reply();
                    assert!(r.starts_with("250 Ok "), "{r}");
                }
            })
        })
        .collect();
    let mut most = 0;
    while senders.iter().any(|s| !s.is_finished()) {
        most = most.max(threads(pid));
        std::thread::sleep(Duration::from_millis(20));
    }
    for s in senders {
        s.join().unwrap();
    }
    assert!(most <= 80, "the server grew to {most} threads");
    eprintln!("200 SMTP sessions at once: at most {most} threads");
    let kept = outbox(&http);
    assert_eq!(kept.iter().filter(|m| m["Subject"] == "burst").count(), 600);
}

#[test]
fn a_full_disk_is_a_transient_451_and_nothing_is_kept() {
    let env = account();
    // A file-size limit (16 blocks) below the message: its .eml can't be written, as on a full
    // disk (EFBIG; SIGXFSZ ignored so the write fails instead of killing the server).
    let script = "trap '' XFSZ; ulimit -f 16; exec \"$0\" \"$@\"";
    let server = Server::start_under(&env, &["-q"], &["sh", "-c", script]);
    let smtp = server.smtp_addr();
    let before = files(&env);
    let mut c = Client::login(&smtp);
    assert_eq!(c.cmd("MAIL FROM:<news@example.com>"), "250 Ok");
    assert_eq!(c.cmd("RCPT TO:<a@gmail.com>"), "250 Ok");
    assert!(c.cmd("DATA").starts_with("354"));
    c.send(b"From: news@example.com\r\nSubject: big\r\n\r\n");
    for _ in 0..100 {
        c.send(&[b'z'; 998]);
        c.send(b"\r\n");
    }
    c.send(b".\r\n");
    let r = c.reply();
    assert!(
        r.starts_with("451 4.3.0 Local error in processing: the message was not kept"),
        "{r}"
    );
    assert_eq!(files(&env), before, "a refused message changed the files");
    // The session goes on, and a message that fits is kept: the failure was transient.
    assert_eq!(c.cmd("MAIL FROM:<news@example.com>"), "250 Ok");
    assert_eq!(c.cmd("RCPT TO:<a@gmail.com>"), "250 Ok");
    assert!(c.cmd("DATA").starts_with("354"));
    c.send(b"From: news@example.com\r\nSubject: small\r\n\r\nhi\r\n.\r\n");
    let r = c.reply();
    assert!(r.starts_with("250 Ok "), "{r}");
}

#[test]
fn a_control_character_in_a_sender_is_refused_by_smtp_and_sendemail() {
    let env = account();
    let server = Server::start(&env, &["-q"]);
    let (http, smtp) = (server.addr(), server.smtp_addr());
    let before = files(&env);
    let mut c = Client::login(&smtp);
    c.send(b"MAIL FROM:<news\r@example.com>\r\n");
    assert_eq!(
        c.reply(),
        "501 5.1.7 Bad sender address syntax: it contains a control character or a space"
    );
    assert_eq!(c.cmd("MAIL FROM:<news@example.com>"), "250 Ok");
    c.send(b"RCPT TO:<a\r@gmail.com>\r\n");
    assert!(
        c.reply()
            .starts_with("501 5.1.3 Bad recipient address syntax")
    );
    // A null reverse path makes From the sender: a CR in it is refused as SES refuses it.
    assert_eq!(c.cmd("RSET"), "250 Ok");
    assert_eq!(c.cmd("MAIL FROM:<>"), "250 Ok");
    assert_eq!(c.cmd("RCPT TO:<a@gmail.com>"), "250 Ok");
    assert!(c.cmd("DATA").starts_with("354"));
    c.send(b"From: news\r@example.com\r\nSubject: cr\r\n\r\nhi\r\n.\r\n");
    assert_eq!(
        c.reply(),
        "554 Transaction failed: Local address contains control or whitespace"
    );
    let body = r#"{"FromEmailAddress":"news\r@example.com","Destination":{"ToAddresses":["a@gmail.com"]},"Content":{"Simple":{"Subject":{"Data":"s"},"Body":{"Text":{"Data":"b"}}}}}"#;
    let r = request(&http, "POST", "/v2/email/outbound-emails", body);
    assert_eq!(r.status, 400, "{r:?}");
    assert_eq!(
        r.header("x-amzn-errortype").as_deref(),
        Some("BadRequestException")
    );
    assert!(
        r.body
            .contains("Local address contains control or whitespace"),
        "{}",
        r.body
    );
    assert!(outbox(&http).is_empty());
    assert_eq!(files(&env), before);
}
