//! `sesm serve` attacked through HTTP, the v1 API and its own paths (issue 29, items 11, 12,
//! 14, 15): memory bombs decoded under a 1 GB address-space limit, bodies announced and never
//! sent, control characters, duplicate heads, tokens of another list. Each drives the real
//! server over raw sockets on 127.0.0.1 and checks the status, the code, the words, and that a
//! refusal left the state, the outbox and the event log byte-identical.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use crate::harness::Env;
use crate::serve::{Raw, Server, raw, read_response, request};

fn account() -> Env {
    let env = Env::new();
    env.ok(&["pool", "create", "marketing"]);
    env.ok(&["identity", "create", "example.com"]);
    env
}

/// The state, the outbox journal and the event log, as bytes (absent: empty).
fn files(env: &Env) -> [Vec<u8>; 3] {
    [".json", ".json.outbox", ".json.events"]
        .map(|s| std::fs::read(env.path(&format!("state/state{s}"))).unwrap_or_default())
}

/// The server's peak resident memory in KiB, from /proc.
fn peak_rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .unwrap()
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches(" kB").trim().parse().ok())
        .unwrap()
}

/// A server under a 1 GB address-space limit (an allocation past it aborts the process).
fn limited(env: &Env) -> Server {
    Server::start_under(env, &["-q"], &["prlimit", "--as=1073741824", "--"])
}

/// Sends `body` as a POST to `path` on its own connection and reads the answer.
fn post(addr: &str, path: &str, content_type: &str, body: &[u8], extra: &str) -> Raw {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(120))).unwrap();
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n{extra}Connection: close\r\n\r\n",
        body.len()
    );
    s.write_all(head.as_bytes()).unwrap();
    let _ = s.write_all(body);
    read_response(&mut s)
}

const SIGNED: &str = "Authorization: AWS4-HMAC-SHA256 Credential=AKID/20261130/us-east-1/ses/aws4_request, SignedHeaders=host, Signature=00\r\n";

#[test]
fn decoding_is_bounded_so_memory_bombs_are_refused_under_a_gigabyte() {
    let env = account();
    let server = limited(&env);
    let addr = server.addr();
    let before = files(&env);
    // 40 MB of SendEmail whose ToAddresses holds 6.6 million short strings, ten at once.
    let mut bomb =
        br#"{"FromEmailAddress":"news@example.com","Destination":{"ToAddresses":["#.to_vec();
    while bomb.len() < 39_900_000 {
        bomb.extend_from_slice(br#""a@b","#);
    }
    bomb.extend_from_slice(
        br#""a@b"]},"Content":{"Simple":{"Subject":{"Data":"s"},"Body":{"Text":{"Data":"b"}}}}}"#,
    );
    let bomb = std::sync::Arc::new(bomb);
    // A v1 form of 16 MiB of distinct short keys, twelve at once.
    let mut form = b"Action=ListIdentities&Version=2010-12-01".to_vec();
    let mut i = 0u64;
    while form.len() < 16 * 1024 * 1024 - 32 {
        form.extend_from_slice(format!("&k{i:x}=").as_bytes());
        i += 1;
    }
    let form = std::sync::Arc::new(form);
    let mut clients = Vec::new();
    for _ in 0..10 {
        let (addr, bomb) = (addr.clone(), std::sync::Arc::clone(&bomb));
        clients.push(std::thread::spawn(move || {
            post(
                &addr,
                "/v2/email/outbound-emails",
                "application/json",
                &bomb,
                "",
            )
        }));
    }
    for _ in 0..12 {
        let (addr, form) = (addr.clone(), std::sync::Arc::clone(&form));
        clients.push(std::thread::spawn(move || {
            post(
                &addr,
                "/",
                "application/x-www-form-urlencoded",
                &form,
                SIGNED,
            )
        }));
    }
    for (n, c) in clients.into_iter().enumerate() {
        let r = c.join().unwrap();
        if n < 10 {
            // Retried by SDKs when the server was busy; refused for what it holds otherwise.
            assert!(r.status == 400 || r.status == 503, "{r:?}");
            if r.status == 400 {
                assert!(
                    r.body.contains(
                        "Destination.ToAddresses has more entries than sesm decodes in one request"
                    ),
                    "{}",
                    r.body
                );
            }
        } else {
            assert!(r.status == 400 || r.status == 503, "{r:?}");
            if r.status == 400 {
                assert!(
                    r.body.contains("<Code>InvalidParameterValue</Code>"),
                    "{}",
                    r.body
                );
                assert!(r.body.contains("more than 20000 parameters"), "{}", r.body);
            }
        }
    }
    let peak = peak_rss_kib(server.pid());
    eprintln!(
        "10 x 40 MB SendEmail bombs and 12 x 16 MiB v1 forms: peak {} MiB",
        peak / 1024
    );
    assert!(peak < 900 * 1024, "peak resident memory {peak} KiB");
    assert_eq!(files(&env), before);
    // Alive, and serving.
    let r = request(&addr, "GET", "/v2/email/dedicated-ip-pools/marketing", "");
    assert_eq!(r.status, 200, "{r:?}");
}

#[test]
fn the_event_log_is_read_a_page_at_a_time() {
    let env = account();
    env.ok(&["config-set", "create", "news"]);
    env.ok(&[
        "config-set",
        "event-destination",
        "add",
        "news",
        "to-sns",
        "--sns",
        "arn:aws:sns:us-east-1:123456789012:ses-events",
        "--types",
        "SEND",
    ]);
    env.ok(&[
        "send",
        "--from",
        "news@example.com",
        "--to",
        "a@gmail.com",
        "--config-set",
        "news",
    ]);
    // A 40 MB log: the one event, numbered on, 10 KB of headers each.
    let log_path = env.path("state/state.json.events");
    // Its last line is the Send event (the first, the destination's topic validation).
    let text = std::fs::read_to_string(&log_path).unwrap();
    let line = text.lines().last().unwrap();
    let mut event: serde_json::Value = serde_json::from_str(line).unwrap();
    event["Event"]["mail"]["headers"] =
        serde_json::json!([{"name": "X-Pad", "value": "p".repeat(10_000)}]);
    let mut log = String::new();
    let mut seq = 0u64;
    while log.len() < 40_000_000 {
        seq += 1;
        event["Seq"] = seq.into();
        log.push_str(&serde_json::to_string(&event).unwrap());
        log.push('\n');
    }
    std::fs::write(&log_path, &log).unwrap();
    let server = limited(&env);
    let addr = server.addr();
    // Six readers at once, each reading every page.
    let readers: Vec<_> = (0..6)
        .map(|_| {
            let addr = addr.clone();
            std::thread::spawn(move || {
                let (mut n, mut token) = (0u64, None::<String>);
                loop {
                    let path = match &token {
                        Some(t) => format!("/_sesm/events?next-token={t}"),
                        None => "/_sesm/events".to_string(),
                    };
                    let r = request(&addr, "GET", &path, "");
                    assert_eq!(r.status, 200, "{}", r.body);
                    assert_eq!(r.header("cache-control").as_deref(), Some("no-store"));
                    assert_eq!(
                        r.header("x-content-type-options").as_deref(),
                        Some("nosniff")
                    );
                    let v: serde_json::Value = serde_json::from_slice(&r.bytes).unwrap();
                    let events = v["Events"].as_array().unwrap();
                    assert!(events.len() <= 1000);
                    for e in events {
                        n += 1;
                        assert_eq!(e["Seq"], n, "pages skip or repeat events");
                    }
                    match v["NextToken"].as_str() {
                        Some(t) => token = Some(t.to_string()),
                        None => return n,
                    }
                }
            })
        })
        .collect();
    for r in readers {
        assert_eq!(r.join().unwrap(), seq);
    }
    let peak = peak_rss_kib(server.pid());
    eprintln!("6 readers of a 40 MB event log: peak {} MiB", peak / 1024);
    assert!(peak < 400 * 1024, "peak resident memory {peak} KiB");
    let bad = request(&addr, "GET", "/_sesm/events?next-token=n1ff", "");
    assert_eq!(bad.status, 400, "{bad:?}");
}

#[test]
fn a_body_is_charged_as_it_arrives_not_as_announced() {
    let env = account();
    let server = Server::start(&env, &["-q"]);
    let addr = server.addr();
    // Five heads announcing 41 MB each, and not a byte of body.
    let idle: Vec<TcpStream> = (0..5)
        .map(|_| {
            let mut s = TcpStream::connect(&addr).unwrap();
            s.write_all(format!("POST /v2/email/outbound-emails HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: 41000000\r\n\r\n").as_bytes()).unwrap();
            s
        })
        .collect();
    std::thread::sleep(Duration::from_millis(300));
    // A 25-byte write is served (it once waited 28 s, then got 503).
    let r = request(
        &addr,
        "POST",
        "/v2/email/dedicated-ip-pools",
        r#"{"PoolName":"after-idle"}"#,
    );
    assert_eq!(r.status, 200, "{r:?}");
    drop(idle);
    // Twenty 10 MB sends at once go through (retried on 503, as SDKs retry).
    use base64::Engine;
    let mime = format!(
        "From: news@example.com\r\nTo: a@gmail.com\r\nSubject: big\r\n\r\n{}",
        "x".repeat(7_400_000)
    );
    let send = std::sync::Arc::new(format!(
        r#"{{"Content":{{"Raw":{{"Data":"{}"}}}}}}"#,
        base64::engine::general_purpose::STANDARD.encode(mime)
    ));
    let senders: Vec<_> = (0..20)
        .map(|_| {
            let (addr, send) = (addr.clone(), std::sync::Arc::clone(&send));
            std::thread::spawn(move || {
                for _ in 0..10 {
                    let r = post(
                        &addr,
                        "/v2/email/outbound-emails",
                        "application/json",
                        send.as_bytes(),
                        "",
                    );
                    if r.status != 503 {
                        return r.status;
                    }
                    std::thread::sleep(Duration::from_millis(500));
                }
                503
            })
        })
        .collect();
    let statuses: Vec<u16> = senders.into_iter().map(|s| s.join().unwrap()).collect();
    assert!(statuses.iter().all(|&s| s == 200), "{statuses:?}");
    let peak = peak_rss_kib(server.pid());
    eprintln!("20 x 10 MB SendEmail at once: peak {} MiB", peak / 1024);
}

#[test]
fn control_characters_are_refused_where_requests_are_decoded() {
    let env = account();
    let server = Server::start(&env, &["-q"]);
    let addr = server.addr();
    let before = files(&env);
    let v2 = request(
        &addr,
        "POST",
        "/v2/email/templates",
        r#"{"TemplateName":"t","TemplateContent":{"Subject":"a\u0001b","Text":"x"}}"#,
    );
    assert_eq!(v2.status, 400, "{v2:?}");
    assert!(
        v2.body.contains(
            "TemplateContent.Subject contains U+0001, a control character SES does not accept."
        ),
        "{}",
        v2.body
    );
    let v1 = post(
        &addr,
        "/",
        "application/x-www-form-urlencoded",
        b"Action=CreateTemplate&Version=2010-12-01&Template.TemplateName=t&Template.SubjectPart=a%01b",
        SIGNED,
    );
    assert_eq!(v1.status, 400, "{v1:?}");
    assert!(
        v1.body.contains("<Code>InvalidParameterValue</Code>"),
        "{}",
        v1.body
    );
    // A NUL can't choose the code: the parameter is refused before anything reads it.
    let nul = post(
        &addr,
        "/",
        "application/x-www-form-urlencoded",
        b"Action=VerifyEmailIdentity&Version=2010-12-01&EmailAddress=Throttling%00x%40y.com",
        SIGNED,
    );
    assert_eq!(nul.status, 400, "{nul:?}");
    assert!(
        nul.body.contains("<Code>InvalidParameterValue</Code>"),
        "{}",
        nul.body
    );
    assert!(
        nul.body.contains("Parameter EmailAddress contains U+0000"),
        "{}",
        nul.body
    );
    assert_eq!(files(&env), before);
}

#[test]
fn duplicate_heads_head_requests_tokens_and_arns_answer_as_documented() {
    let env = account();
    env.ok(&["config-set", "create", "a"]);
    env.ok(&["config-set", "create", "b"]);
    let server = Server::start(&env, &["-q"]);
    let addr = server.addr();
    let port = addr.rsplit(':').next().unwrap().to_string();
    let before = files(&env);
    // Host, Origin or Sec-Fetch-Site twice: 400 and closed, never the first believed.
    for dup in [
        format!("Host: evil.example:{port}\r\n"),
        "Origin: http://evil.example\r\nOrigin: http://evil.example\r\n".to_string(),
        "Sec-Fetch-Site: same-origin\r\nSec-Fetch-Site: cross-site\r\n".to_string(),
    ] {
        let req = format!(
            "POST /v2/email/dedicated-ip-pools HTTP/1.1\r\nHost: {addr}\r\n{dup}Content-Type: application/json\r\nContent-Length: 17\r\n\r\n{{\"PoolName\":\"d\"}}"
        );
        let mut s = TcpStream::connect(&addr).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        s.write_all(req.as_bytes()).unwrap();
        let r = read_response(&mut s);
        assert_eq!(r.status, 400, "{dup:?}: {r:?}");
        let mut rest = Vec::new();
        let _ = s.read_to_end(&mut rest);
        assert!(rest.is_empty(), "{dup:?}: the connection stayed open");
    }
    // HEAD on a GET resource: its head, without a body.
    let mut s = TcpStream::connect(&addr).unwrap();
    s.write_all(format!("HEAD /v2/email/dedicated-ip-pools/marketing HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n").as_bytes()).unwrap();
    let mut all = Vec::new();
    s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    s.read_to_end(&mut all).unwrap();
    let text = String::from_utf8_lossy(&all);
    assert!(text.starts_with("HTTP/1.1 200"), "{text}");
    assert!(text.ends_with("\r\n\r\n"), "HEAD got a body: {text}");
    // The outbox's JSON is neither sniffed nor cached.
    let r = request(&addr, "GET", "/_sesm/outbox", "");
    assert_eq!(
        r.header("x-content-type-options").as_deref(),
        Some("nosniff")
    );
    assert_eq!(r.header("cache-control").as_deref(), Some("no-store"));
    // A v1 form naming its Action twice.
    let twice = post(
        &addr,
        "/",
        "application/x-www-form-urlencoded",
        b"Action=ListIdentities&Version=2010-12-01&Action=DeleteIdentity&Identity=example.com",
        SIGNED,
    );
    assert_eq!(twice.status, 400, "{twice:?}");
    assert!(
        twice
            .body
            .contains("Parameter Action is given more than once."),
        "{}",
        twice.body
    );
    // A NextToken of one list given to another.
    let sets = request(&addr, "GET", "/v2/email/configuration-sets?PageSize=1", "");
    let token = serde_json::from_slice::<serde_json::Value>(&sets.bytes).unwrap()["NextToken"]
        .as_str()
        .unwrap()
        .to_string();
    let pools = request(
        &addr,
        "GET",
        &format!("/v2/email/dedicated-ip-pools?NextToken={token}"),
        "",
    );
    assert_eq!(pools.status, 400, "{pools:?}");
    assert!(pools.body.contains("Invalid NextToken"), "{}", pools.body);
    let next = request(
        &addr,
        "GET",
        &format!("/v2/email/configuration-sets?PageSize=1&NextToken={token}"),
        "",
    );
    assert_eq!(next.status, 200, "{next:?}");
    // FromEmailAddressIdentityArn naming an identity the account lacks.
    let arn = request(
        &addr,
        "POST",
        "/v2/email/outbound-emails",
        r#"{"FromEmailAddress":"news@example.com","FromEmailAddressIdentityArn":"arn:aws:ses:us-east-1:123456789012:identity/other.example","Destination":{"ToAddresses":["a@gmail.com"]},"Content":{"Simple":{"Subject":{"Data":"s"},"Body":{"Text":{"Data":"b"}}}}}"#,
    );
    assert_eq!(arn.status, 400, "{arn:?}");
    assert_eq!(
        arn.header("x-amzn-errortype").as_deref(),
        Some("MessageRejected")
    );
    assert!(arn.body.contains("other.example"), "{}", arn.body);
    // Tags of a template (sesm keeps none) or a contact list the account lacks: NotFound, as
    // any resource the account lacks.
    for kind in [
        "template/welcome",
        "contact-list/news",
        "dedicated-ip-pool/nope",
    ] {
        let r = request(
            &addr,
            "GET",
            &format!(
                "/v2/email/tags?ResourceArn=arn%3Aaws%3Ases%3Aus-east-1%3A123456789012%3A{}",
                kind.replace('/', "%2F")
            ),
            "",
        );
        assert_eq!(r.status, 404, "{kind}: {r:?}");
    }
    assert_eq!(files(&env), before);
    // Transfer-Encoding with Content-Length (either order): read by Transfer-Encoding (RFC
    // 9112 6.1), then the connection is closed, so nothing after it runs as a request.
    let chunk = r#"{"PoolName":"te"}"#;
    for lengths in [
        "Content-Length: 4\r\nTransfer-Encoding: chunked\r\n",
        "Transfer-Encoding: chunked\r\nContent-Length: 4\r\n",
    ] {
        let req = format!(
            "POST /v2/email/dedicated-ip-pools HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\n{lengths}\r\n{:x}\r\n{chunk}\r\n0\r\n\r\nDELETE /v2/email/dedicated-ip-pools/marketing HTTP/1.1\r\nHost: {addr}\r\n\r\n",
            chunk.len()
        );
        let mut s = TcpStream::connect(&addr).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        s.write_all(req.as_bytes()).unwrap();
        let first = read_response(&mut s);
        assert!(first.status == 200 || first.status == 400, "{first:?}");
        let mut rest = Vec::new();
        let _ = s.read_to_end(&mut rest);
        assert!(
            rest.is_empty(),
            "a second request was answered: {}",
            String::from_utf8_lossy(&rest)
        );
        env.ok(&["pool", "get", "marketing"]);
        let _ = request(&addr, "DELETE", "/v2/email/dedicated-ip-pools/te", "");
    }
    let r = raw(&addr, format!("GET /v2/email/dedicated-ip-pools/marketing HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n").as_bytes());
    assert_eq!(r.status, 200);
}
