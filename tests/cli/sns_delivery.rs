//! SNS delivery attacked (issue 29, items 9 and 10): tokens that can't be derived, an
//! UnsubscribeURL that stops what is queued (for `serve --subscribe` too), endpoints that
//! could never be delivered to, a failing event that holds up no other, and an event log
//! removed under delivery. A subscriber of our own on 127.0.0.1 records every post.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::harness::Env;
use crate::serve::{Server, request};

const TOPIC: &str = "arn:aws:sns:us-east-1:123456789012:ses-events";

/// A subscriber: records each post's body; answers 500 to a post whose body contains any of
/// `fail` the first time it sees it, 200 otherwise.
struct Subscriber {
    url: String,
    posts: Arc<Mutex<Vec<Value>>>,
}

impl Subscriber {
    fn start(fail: &'static [&'static str]) -> Subscriber {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}/sns", listener.local_addr().unwrap());
        let posts = Arc::new(Mutex::new(Vec::new()));
        let seen = Arc::clone(&posts);
        std::thread::spawn(move || {
            let failed = Mutex::new(Vec::<String>::new());
            for stream in listener.incoming().flatten() {
                let mut r = BufReader::new(stream);
                loop {
                    let mut len = 0usize;
                    let mut line = String::new();
                    let mut ok = false;
                    while r.read_line(&mut line).unwrap_or(0) > 0 {
                        if line == "\r\n" {
                            ok = true;
                            break;
                        }
                        if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                            len = v.trim().parse().unwrap_or(0);
                        }
                        line.clear();
                    }
                    if !ok {
                        break;
                    }
                    let mut body = vec![0; len];
                    if r.read_exact(&mut body).is_err() {
                        break;
                    }
                    let text = String::from_utf8_lossy(&body).into_owned();
                    let first_failure = fail.iter().any(|f| text.contains(f)) && {
                        let mut failed = failed.lock().unwrap();
                        let new = !failed.contains(&text);
                        failed.push(text.clone());
                        new
                    };
                    if let Ok(v) = serde_json::from_str::<Value>(&text) {
                        seen.lock().unwrap().push(v);
                    }
                    let status = if first_failure { "500 Oops" } else { "200 OK" };
                    let answer = format!("HTTP/1.1 {status}\r\nContent-Length: 0\r\n\r\n");
                    if r.get_mut().write_all(answer.as_bytes()).is_err() {
                        break;
                    }
                }
            }
        });
        Subscriber { url, posts }
    }

    fn posts(&self) -> Vec<Value> {
        self.posts.lock().unwrap().clone()
    }

    /// Waits (at most 60 s) until `done` holds of the posts.
    fn wait(&self, what: &str, done: impl Fn(&[Value]) -> bool) -> Vec<Value> {
        let start = Instant::now();
        loop {
            let posts = self.posts();
            if done(&posts) {
                return posts;
            }
            assert!(
                start.elapsed() < Duration::from_secs(60),
                "{what}: {posts:?}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

fn account() -> Env {
    let env = Env::new().with_env("SESM_SNS_RETRY_SECONDS", "4");
    env.ok(&["identity", "create", "example.com"]);
    env.ok(&["config-set", "create", "news"]);
    env.ok(&[
        "config-set",
        "event-destination",
        "add",
        "news",
        "to-sns",
        "--sns",
        TOPIC,
        "--types",
        "SEND",
    ]);
    env
}

fn send(addr: &str, subject: &str) {
    let body = format!(
        r#"{{"FromEmailAddress":"news@example.com","ConfigurationSetName":"news","Destination":{{"ToAddresses":["a@gmail.com"]}},"Content":{{"Simple":{{"Subject":{{"Data":"{subject}"}},"Body":{{"Text":{{"Data":"b"}}}}}}}}}}"#
    );
    let r = request(addr, "POST", "/v2/email/outbound-emails", &body);
    assert_eq!(r.status, 200, "{r:?}");
}

/// Fetches a SubscribeURL or UnsubscribeURL (on the server, path and query).
fn fetch(addr: &str, url: &str) -> u16 {
    let path = &url[url.find("/_sesm").unwrap()..];
    request(addr, "GET", path, "").status
}

fn kind(p: &Value) -> &str {
    p["Type"].as_str().unwrap_or_default()
}

#[test]
fn tokens_are_random_unsubscribing_stops_queued_notifications_and_bad_endpoints_are_refused() {
    let env = account();
    let sub = Subscriber::start(&["slow-"]);
    let out = env.json(&["events", "subscribe", TOPIC, &sub.url]);
    let arn = out["SubscriptionArn"].as_str().unwrap().to_string();
    // The ARN and the token are not the SHA-256 of the topic and the URL they once were.
    use sha2::Digest;
    let h = sha2::Sha256::digest(format!("{TOPIC}\n{}", sub.url).as_bytes());
    let hex: String = h.iter().map(|b| format!("{b:02x}")).collect();
    assert!(!arn.ends_with(&hex[20..32]), "{arn}");
    let server = Server::start(&env, &["-q"]);
    let addr = server.addr();
    let posts = sub.wait("the confirmation", |p| !p.is_empty());
    let confirm = posts[0]["SubscribeURL"].as_str().unwrap().to_string();
    assert_ne!(posts[0]["Token"].as_str().unwrap(), &hex[32..64]);
    assert_eq!(fetch(&addr, &confirm), 200);
    // Five events that fail once each, queued for their retries; then the UnsubscribeURL.
    for i in 0..5 {
        send(&addr, &format!("slow-{i}"));
    }
    let posts = sub.wait("the first attempts", |p| {
        p.iter().filter(|p| kind(p) == "Notification").count() >= 5
    });
    let unsubscribe = posts
        .iter()
        .find_map(|p| p["UnsubscribeURL"].as_str())
        .unwrap()
        .to_string();
    assert_eq!(fetch(&addr, &unsubscribe), 200);
    let after = sub.posts().len();
    // Past three retry delays nothing more came but the one notification that may have been
    // on its way when the Unsubscribe was answered (as with SNS).
    std::thread::sleep(Duration::from_secs(13));
    assert!(
        sub.posts().len() <= after + 1,
        "notifications went on after Unsubscribe: {} after {after}",
        sub.posts().len()
    );
    // Endpoints delivery could never reach are refused when subscribing.
    for bad in [
        "http://u@127.0.0.1/x",
        "http://127.0.0.1:port/x",
        "http://[::1/h",
        "http://x/#f",
    ] {
        let r = env.run(&["events", "subscribe", TOPIC, bad]);
        assert_eq!(r.code, 252, "{bad}: {r:?}");
    }
    // One without a path (`?x`) is read as delivery reads it: accepted.
    env.ok(&["events", "subscribe", TOPIC, "http://127.0.0.1:9?x"]);
}

#[test]
fn a_failing_event_holds_up_no_other_and_serve_subscriptions_honour_their_unsubscribe_link() {
    let env = account();
    let sub = Subscriber::start(&["first"]);
    let server = Server::start(&env, &["--subscribe", &format!("{TOPIC}={}", sub.url)]);
    let addr = server.addr();
    let posts = sub.wait("the confirmation", |p| !p.is_empty());
    assert_eq!(
        fetch(&addr, posts[0]["SubscribeURL"].as_str().unwrap()),
        200
    );
    send(&addr, "first");
    send(&addr, "second");
    send(&addr, "third");
    // "first" fails once; "second" and "third" arrive before its retry (4 s later).
    let posts = sub.wait("every notification", |p| {
        p.iter().filter(|p| kind(p) == "Notification").count() >= 4
    });
    let subjects: Vec<String> = posts
        .iter()
        .filter(|p| kind(p) == "Notification")
        .map(|p| {
            let m: Value = serde_json::from_str(p["Message"].as_str().unwrap()).unwrap();
            m["mail"]["commonHeaders"]["subject"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(
        subjects,
        ["first", "second", "third", "first"],
        "{subjects:?}"
    );
    // This run's subscription answers its own UnsubscribeURL.
    let unsubscribe = posts
        .iter()
        .find_map(|p| p["UnsubscribeURL"].as_str())
        .unwrap()
        .to_string();
    assert_eq!(fetch(&addr, &unsubscribe), 200);
    // The event log removed under delivery: said in the log, not silently skipped.
    let env2 = account();
    let sub2 = Subscriber::start(&[]);
    env2.ok(&["events", "subscribe", TOPIC, &sub2.url]);
    let server2 = Server::start(&env2, &[]);
    let addr2 = server2.addr();
    let posts = sub2.wait("the confirmation", |p| !p.is_empty());
    assert_eq!(
        fetch(&addr2, posts[0]["SubscribeURL"].as_str().unwrap()),
        200
    );
    for i in 0..3 {
        send(&addr2, &format!("old-{i}"));
    }
    sub2.wait("the old events", |p| {
        p.iter().filter(|p| kind(p) == "Notification").count() >= 3
    });
    // The log alone removed (sesm's hint for a corrupt one): the next write logs again the
    // events the outbox's segments still hold, so delivery goes on with nothing lost or repeated.
    std::fs::remove_file(env2.path("state/state.json.events")).unwrap();
    send(&addr2, "again");
    sub2.wait("the event after the log was removed", |p| {
        p.iter().filter(|p| kind(p) == "Notification").count() >= 4
    });
    std::thread::sleep(Duration::from_secs(1));
    let subjects = |posts: &[Value]| -> Vec<String> {
        posts
            .iter()
            .filter(|p| kind(p) == "Notification")
            .map(|p| {
                let m: Value = serde_json::from_str(p["Message"].as_str().unwrap()).unwrap();
                m["mail"]["commonHeaders"]["subject"]
                    .as_str()
                    .unwrap()
                    .to_string()
            })
            .collect()
    };
    assert_eq!(
        subjects(&sub2.posts()),
        ["old-0", "old-1", "old-2", "again"]
    );
    // The log and the outbox removed: numbering starts again below where delivery got to, and
    // the server's log says delivery starts again from the new log's first event.
    std::fs::remove_file(env2.path("state/state.json.events")).unwrap();
    std::fs::remove_file(env2.path("state/state.json.outbox")).unwrap();
    send(&addr2, "new");
    sub2.wait("the event after the log and outbox were removed", |p| {
        p.iter().filter(|p| kind(p) == "Notification").count() >= 5
    });
    assert_eq!(subjects(&sub2.posts())[4], "new");
    let log = server2.log();
    assert!(
        log.contains("sns: the event log was removed or replaced"),
        "{log}"
    );
    drop(server);
}
