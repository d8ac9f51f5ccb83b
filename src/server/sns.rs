//! SNS over HTTP, as applications receive SES events: each subscription (`sesm events
//! subscribe`, or `sesm serve --subscribe TOPIC_ARN=URL` for one run) gets a
//! SubscriptionConfirmation, and once its SubscribeURL is fetched, every event the log holds
//! for its topic, in order, as SNS HTTP notifications. The event log is the queue: a worker
//! per subscription reads it from the subscription's cursor (`<state>.sns`, saved after each
//! event), so a server killed with events undelivered delivers them after a restart (more
//! than once, possibly, as SNS may). A subscriber that does not answer 2xx is retried with
//! SNS's default HTTP delivery policy: 3 retries, 20 s apart; then the event is dropped, as
//! SNS drops it. A failed event waits for its retry in the worker's queue while the events
//! after it go on, so one failing event costs the others nothing (issue 29, item 10).
//!
//! An event log that was removed or replaced (its last event numbered below where delivery
//! got to) is said in the log, and delivery starts again from its first event: the events of
//! the old log that were not delivered are gone with it, and the log line says so. Events after
//! the cursor missing from the log (removed or trimmed before delivery) are said too.

use std::collections::{BTreeMap, HashSet, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::Full;
use hyper_util::rt::TokioIo;
use serde_json::json;
use tokio::net::TcpStream;
use tokio::sync::watch;

use super::Shared;
use crate::model::publishing::{self, EventRecord, SnsSubscription};

/// SNS's default HTTP/S delivery policy: `numRetries` 3, `minDelayTarget` =
/// `maxDelayTarget` = 20 s (Amazon SNS Developer Guide, "Amazon SNS message delivery retries");
/// the delay is `Options::sns_retry_delay` (20 s unless `SESM_SNS_RETRY_SECONDS` says).
const RETRIES: u32 = 3;
/// How long one delivery attempt may take (SNS waits 15 s for an HTTP answer).
const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(15);
/// How often a worker looks for new events.
const POLL: Duration = Duration::from_millis(200);
/// Events a worker reads at a time, and failed events it keeps waiting for their retries;
/// past that it reads no new events until retries are done.
const PAGE: usize = 100;
const MAX_WAITING: usize = 1000;

/// The subscriptions of this run only (`--subscribe`), which of them were confirmed, and which
/// were unsubscribed through their UnsubscribeURL.
#[derive(Default)]
pub struct OneRun {
    pub subscriptions: Vec<SnsSubscription>,
    pub confirmed: Mutex<HashSet<String>>,
    /// How many resets (`POST /_sesm/reset`) this run made: each empties the event log, so
    /// delivery starts every remaining subscription again from its first event.
    pub resets: std::sync::atomic::AtomicU64,
    pub unsubscribed: Mutex<HashSet<String>>,
}

/// A notification that failed, waiting for its next attempt.
struct Retry {
    seq: u64,
    attempts: u32,
    due: tokio::time::Instant,
    headers: Vec<(&'static str, String)>,
    body: String,
}

impl OneRun {
    fn resets(&self) -> u64 {
        self.resets.load(std::sync::atomic::Ordering::SeqCst)
    }
}

/// Delivery's shared state: where each subscription got to, as of which reset.
struct Cursors {
    map: Mutex<BTreeMap<String, u64>>,
    resets: Mutex<u64>,
}

impl Cursors {
    /// After a reset of this run: every cursor back to the log's start (the log was emptied,
    /// and its numbers start again from 1).
    fn follow_resets(&self, resets: u64) {
        let mut seen = self.resets.lock().unwrap_or_else(|p| p.into_inner());
        if *seen != resets {
            *seen = resets;
            let mut map = self.map.lock().unwrap_or_else(|p| p.into_inner());
            for cursor in map.values_mut() {
                *cursor = 0;
            }
        }
    }
}

/// Runs delivery until the server stops: a worker per subscription, started as they appear.
pub(super) async fn run(shared: Arc<Shared>, base: String, mut stop: watch::Receiver<bool>) {
    let store = shared.api.live().store().clone();
    let cursors = Arc::new(Cursors {
        map: Mutex::new(
            tokio::task::spawn_blocking(move || store.read_sns_cursors().unwrap_or_default())
                .await
                .unwrap_or_default(),
        ),
        resets: Mutex::new(shared.api.one_run().resets()),
    });
    let mut started: HashSet<String> = HashSet::new();
    loop {
        cursors.follow_resets(shared.api.one_run().resets());
        let now = subscriptions(&shared);
        // A subscription gone (unsubscribed, a reset) ends its worker and its cursor.
        started.retain(|arn| {
            let kept = now.iter().any(|s| &s.subscription_arn == arn);
            if !kept {
                cursors
                    .map
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .remove(arn);
            }
            kept
        });
        for sub in now {
            if started.insert(sub.subscription_arn.clone()) {
                tokio::spawn(worker(
                    Arc::clone(&shared),
                    Arc::clone(&cursors),
                    base.clone(),
                    sub.subscription_arn,
                    stop.clone(),
                ));
            }
        }
        tokio::select! {
            _ = stop.changed() => return,
            _ = tokio::time::sleep(POLL) => {}
        }
    }
}

/// Every subscription now: the state's and this run's (confirmed when their SubscribeURL was
/// fetched in this run or a cursor shows an earlier run delivered to them).
fn subscriptions(shared: &Shared) -> Vec<SnsSubscription> {
    let mut out = shared
        .api
        .live()
        .read()
        .map(|s| s.state().sns_subscriptions.clone())
        .unwrap_or_default();
    let one = shared.api.one_run();
    let confirmed = one.confirmed.lock().unwrap_or_else(|p| p.into_inner());
    let unsubscribed = one.unsubscribed.lock().unwrap_or_else(|p| p.into_inner());
    for s in &one.subscriptions {
        if unsubscribed.contains(&s.subscription_arn) {
            continue;
        }
        let mut s = s.clone();
        s.confirmed = confirmed.contains(&s.subscription_arn);
        out.push(s);
    }
    out
}

/// Whether the subscription is still there (an UnsubscribeURL or `events unsubscribe` stops
/// its deliveries, queued ones included).
fn subscribed(shared: &Shared, arn: &str) -> Option<SnsSubscription> {
    subscriptions(shared)
        .into_iter()
        .find(|s| s.subscription_arn == arn)
}

async fn worker(
    shared: Arc<Shared>,
    cursors: Arc<Cursors>,
    base: String,
    arn: String,
    mut stop: watch::Receiver<bool>,
) {
    let mut confirmation_sent = false;
    let mut conn: Conn = None;
    let mut seen_len = u64::MAX;
    let mut seen_resets = shared.api.one_run().resets();
    let mut waiting: VecDeque<Retry> = VecDeque::new();
    loop {
        tokio::select! {
            _ = stop.changed() => return,
            _ = tokio::time::sleep(POLL) => {}
        }
        let Some(sub) = subscribed(&shared, &arn) else {
            return; // unsubscribed
        };
        let cursor = cursors
            .map
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(&arn)
            .copied();
        if !sub.confirmed && cursor.is_none() {
            if !confirmation_sent {
                confirmation_sent = true;
                let (body, headers) = confirmation(&sub, &base);
                deliver(
                    &shared,
                    &mut conn,
                    &sub,
                    "SubscriptionConfirmation",
                    &headers,
                    body,
                    &mut stop,
                )
                .await;
            }
            continue;
        }
        if !retry_due(&shared, &mut conn, &sub, &mut waiting).await {
            return;
        }
        let mut from = cursor.unwrap_or(sub.from_event);
        let store = shared.api.live().store().clone();
        let len = std::fs::metadata(store.events_path()).map_or(0, |m| m.len());
        let resets = shared.api.one_run().resets();
        if resets != seen_resets {
            // A reset of this run (`POST /_sesm/reset`) emptied the log, whose numbers start
            // again from 1: delivery starts again from its first event, and the old log's
            // retries go with it.
            cursors.follow_resets(resets);
            seen_resets = resets;
            seen_len = u64::MAX;
            waiting.clear();
            from = 0;
        }
        if len == seen_len || waiting.len() >= MAX_WAITING {
            continue;
        }
        let last = {
            let store = store.clone();
            tokio::task::spawn_blocking(move || store.last_event())
                .await
                .ok()
                .and_then(|r| r.ok())
        };
        if let Some(last) = last
            && last < from
        {
            shared.log.line(format!(
                "sns: the event log was removed or replaced (its last event is {last}, delivery to {} had reached {from}): delivery starts again from its first event; undelivered events of the old log are lost",
                sub.endpoint.escape_default()
            ));
            from = 0;
            save_cursor(&shared, &cursors, &arn, 0).await;
        }
        let page = tokio::task::spawn_blocking(move || {
            store.read_events_page(from, PAGE, 4 * 1024 * 1024, |_| true)
        })
        .await;
        let Ok(Ok(page)) = page else {
            continue;
        };
        if !page.more {
            seen_len = len;
        }
        say_lost(&shared, &sub, from, page.events.first().map(|e| e.seq));
        for e in page.events {
            if subscribed(&shared, &arn).is_none() {
                return;
            }
            if e.sns_topics.contains(&sub.topic_arn) {
                let (body, headers) = notification(&sub, &e, &base);
                if !attempt(&shared, &mut conn, &sub, "Notification", &headers, &body, 1).await {
                    waiting.push_back(Retry {
                        seq: e.seq,
                        attempts: 1,
                        due: tokio::time::Instant::now() + shared.sns_retry_delay,
                        headers,
                        body,
                    });
                }
                if *stop.borrow() {
                    return;
                }
            }
            // Events read before a reset are not where delivery got to after it.
            if shared.api.one_run().resets() != resets {
                break;
            }
            // Where delivery got to: before the oldest event still waiting for a retry, so a
            // restart sends it again rather than losing it.
            let upto = waiting
                .iter()
                .map(|r| r.seq - 1)
                .min()
                .unwrap_or(e.seq)
                .min(e.seq);
            save_cursor(&shared, &cursors, &arn, upto).await;
            if waiting.len() >= MAX_WAITING {
                break;
            }
        }
    }
}

/// The retries that are due, one attempt each, so the events after them are not held up;
/// false once the subscription is gone.
async fn retry_due(
    shared: &Shared,
    conn: &mut Conn,
    sub: &SnsSubscription,
    waiting: &mut VecDeque<Retry>,
) -> bool {
    let now = tokio::time::Instant::now();
    for _ in 0..waiting.len() {
        let Some(mut r) = waiting.pop_front() else {
            break;
        };
        if r.due > now {
            waiting.push_back(r);
            continue;
        }
        if subscribed(shared, &sub.subscription_arn).is_none() {
            return false;
        }
        r.attempts += 1;
        if !attempt(
            shared,
            conn,
            sub,
            "Notification",
            &r.headers,
            &r.body,
            r.attempts,
        )
        .await
        {
            r.due = tokio::time::Instant::now() + shared.sns_retry_delay;
            waiting.push_back(r);
        }
    }
    true
}

/// Events numbered after the cursor (`from`) that the log no longer holds (its first later
/// event is `first`) were removed with it, or trimmed away, before this subscriber got them:
/// lost, and said so. A log removed by hand is usually rebuilt from the outbox's segments on
/// the next write, so nothing is lost then, and nothing is said.
fn say_lost(shared: &Shared, sub: &SnsSubscription, from: u64, first: Option<u64>) {
    if let Some(first) = first
        && from > 0
        && first > from + 1
    {
        shared.log.line(format!(
            "sns: events {} to {} left the event log (removed, replaced or trimmed) before they were delivered to {}: they are lost",
            from + 1,
            first - 1,
            sub.endpoint.escape_default()
        ));
    }
}

/// Records where a subscription's delivery got to.
async fn save_cursor(shared: &Shared, cursors: &Cursors, arn: &str, seq: u64) {
    let snapshot = {
        let mut map = cursors.map.lock().unwrap_or_else(|p| p.into_inner());
        map.insert(arn.to_string(), seq);
        map.clone()
    };
    let store = shared.api.live().store().clone();
    let _ = tokio::task::spawn_blocking(move || store.write_sns_cursors(&snapshot)).await;
}

/// One attempt at a notification (the `n`th); whether it is done with: delivered, refused for
/// good, or dropped after SNS's last retry.
async fn attempt(
    shared: &Shared,
    conn: &mut Conn,
    sub: &SnsSubscription,
    kind: &str,
    headers: &[(&'static str, String)],
    body: &str,
    n: u32,
) -> bool {
    let endpoint = sub.endpoint.escape_default();
    match post(conn, &sub.endpoint, headers, body.to_string()).await {
        Ok(status) if (200..300).contains(&status) => return true,
        Ok(status) if (400..500).contains(&status) && status != 429 => {
            shared.log.line(format!(
                "sns: {kind} to {endpoint} answered {status}, a permanent failure: dropped"
            ));
            return true;
        }
        Ok(status) => shared.log.line(format!(
            "sns: {kind} to {endpoint} answered {status} (attempt {n} of {})",
            RETRIES + 1
        )),
        Err(why) => shared.log.line(format!(
            "sns: {kind} to {endpoint} failed: {} (attempt {n} of {})",
            why.escape_default(),
            RETRIES + 1
        )),
    }
    if n > RETRIES {
        shared.log.line(format!(
            "sns: {kind} to {endpoint} dropped after {} attempts, as SNS drops it",
            RETRIES + 1
        ));
        return true;
    }
    false
}

/// A message ID as SNS writes them (a UUID), from what the message is.
fn message_id(seed: &str) -> String {
    use sha2::{Digest, Sha256};
    let h = Sha256::digest(seed.as_bytes());
    let hex: String = h.iter().map(|b| format!("{b:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

fn region_of(topic: &str) -> &str {
    topic.split(':').nth(3).unwrap_or("us-east-1")
}

/// SNS's fields every message carries besides its own.
fn signed(mut body: serde_json::Value, topic: &str) -> serde_json::Value {
    body["SignatureVersion"] = json!("1");
    // sesm does not sign: the field is there for parsers, not for verification.
    body["Signature"] = json!("c2VzbSBkb2VzIG5vdCBzaWduIFNOUyBtZXNzYWdlcw==");
    body["SigningCertURL"] = json!(format!(
        "https://sns.{}.amazonaws.com/SimpleNotificationService-sesm.pem",
        region_of(topic)
    ));
    body
}

fn confirmation(sub: &SnsSubscription, base: &str) -> (String, Vec<(&'static str, String)>) {
    let id = message_id(&format!("confirm {}", sub.subscription_arn));
    let url = format!(
        "{base}/_sesm/sns?Action=ConfirmSubscription&TopicArn={}&Token={}",
        enc(&sub.topic_arn),
        enc(&sub.token)
    );
    let body = signed(
        json!({
            "Type": "SubscriptionConfirmation",
            "MessageId": id,
            "Token": sub.token,
            "TopicArn": sub.topic_arn,
            "Message": format!("You have chosen to subscribe to the topic {}.\nTo confirm the subscription, visit the SubscribeURL included in this message.", sub.topic_arn),
            "SubscribeURL": url,
            "Timestamp": now(),
        }),
        &sub.topic_arn,
    );
    (
        body.to_string(),
        vec![
            ("x-amz-sns-message-type", "SubscriptionConfirmation".into()),
            ("x-amz-sns-message-id", id),
            ("x-amz-sns-topic-arn", sub.topic_arn.clone()),
        ],
    )
}

fn notification(
    sub: &SnsSubscription,
    e: &EventRecord,
    base: &str,
) -> (String, Vec<(&'static str, String)>) {
    let id = message_id(&format!("{} {}", sub.subscription_arn, e.seq));
    let mut body = json!({
        "Type": "Notification",
        "MessageId": id,
        "TopicArn": sub.topic_arn,
        "Message": e.event.get(),
        "Timestamp": e.time.strftime("%Y-%m-%dT%H:%M:%S%.3fZ").to_string(),
        "UnsubscribeURL": format!(
            "{base}/_sesm/sns?Action=Unsubscribe&SubscriptionArn={}",
            enc(&sub.subscription_arn)
        ),
    });
    if e.event_type == publishing::TOPIC_VALIDATION {
        // Its message is text, not an event, and it has no subject.
        body["Message"] = serde_json::from_str(e.event.get()).unwrap_or_default();
    } else {
        body["Subject"] = json!(publishing::NOTIFICATION_SUBJECT);
    }
    let body = signed(body, &sub.topic_arn);
    (
        body.to_string(),
        vec![
            ("x-amz-sns-message-type", "Notification".into()),
            ("x-amz-sns-message-id", id),
            ("x-amz-sns-topic-arn", sub.topic_arn.clone()),
            ("x-amz-sns-subscription-arn", sub.subscription_arn.clone()),
        ],
    )
}

/// A query value as SNS writes ARNs in its URLs: as they are (`SubscriptionArn=arn:aws:sns:
/// us-east-1:111111111111:topic:uuid`, the recorded AWS answers' UnsubscribeURL), only what
/// a query cannot hold encoded.
fn enc(s: &str) -> String {
    const QUERY: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
        .remove(b':')
        .remove(b'-')
        .remove(b'_')
        .remove(b'.')
        .remove(b'/');
    percent_encoding::utf8_percent_encode(s, QUERY).to_string()
}

fn now() -> String {
    jiff::Timestamp::now()
        .strftime("%Y-%m-%dT%H:%M:%S%.3fZ")
        .to_string()
}

/// Posts a message with SNS's retry policy; logs what became of it.
async fn deliver(
    shared: &Shared,
    conn: &mut Conn,
    sub: &SnsSubscription,
    kind: &str,
    headers: &[(&'static str, String)],
    body: String,
    stop: &mut watch::Receiver<bool>,
) {
    for attempt in 0..=RETRIES {
        if attempt > 0 {
            tokio::select! {
                _ = stop.changed() => return,
                _ = tokio::time::sleep(shared.sns_retry_delay) => {}
            }
        }
        match post(conn, &sub.endpoint, headers, body.clone()).await {
            Ok(status) if (200..300).contains(&status) => return,
            // A client error other than throttling is permanent: SNS does not retry it.
            Ok(status) if (400..500).contains(&status) && status != 429 => {
                shared.log.line(format!(
                    "sns: {kind} to {} answered {status}, a permanent failure: dropped",
                    sub.endpoint.escape_default()
                ));
                return;
            }
            Ok(status) => shared.log.line(format!(
                "sns: {kind} to {} answered {status} (attempt {} of {})",
                sub.endpoint.escape_default(),
                attempt + 1,
                RETRIES + 1
            )),
            Err(why) => shared.log.line(format!(
                "sns: {kind} to {} failed: {} (attempt {} of {})",
                sub.endpoint.escape_default(),
                why.escape_default(),
                attempt + 1,
                RETRIES + 1
            )),
        }
    }
    shared.log.line(format!(
        "sns: {kind} to {} dropped after {} attempts, as SNS drops it",
        sub.endpoint.escape_default(),
        RETRIES + 1
    ));
}

/// A worker's connection to its subscriber, kept between posts when the subscriber keeps it
/// open (HTTP/1.1 keep-alive).
type Conn = Option<hyper::client::conn::http1::SendRequest<Full<Bytes>>>;

/// One HTTP POST; the answer's status.
async fn post(
    conn: &mut Conn,
    url: &str,
    headers: &[(&'static str, String)],
    body: String,
) -> Result<u16, String> {
    let endpoint = crate::ops::events::parse_endpoint(url).map_err(|e| e.message)?;
    let (host, port) = (endpoint.host.as_str(), endpoint.port);
    let (authority, path) = (endpoint.authority.as_str(), endpoint.target.as_str());
    let attempt = async {
        let reusable = match conn.as_mut() {
            Some(s) => s.ready().await.is_ok(),
            None => false,
        };
        if !reusable {
            let stream = TcpStream::connect((host, port))
                .await
                .map_err(|e| e.to_string())?;
            let _ = stream.set_nodelay(true);
            let (sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
                .await
                .map_err(|e| e.to_string())?;
            tokio::spawn(connection);
            *conn = Some(sender);
        }
        let Some(sender) = conn.as_mut() else {
            return Err("no connection".to_string());
        };
        let mut req = hyper::Request::post(path)
            .header(hyper::header::HOST, authority)
            .header(hyper::header::CONTENT_TYPE, "text/plain; charset=UTF-8")
            .header(
                hyper::header::USER_AGENT,
                "Amazon Simple Notification Service Agent",
            );
        for (k, v) in headers {
            req = req.header(*k, v.as_str());
        }
        let req = req
            .body(Full::new(Bytes::from(body)))
            .map_err(|e| e.to_string())?;
        let resp = sender.send_request(req).await.map_err(|e| e.to_string())?;
        Ok::<u16, String>(resp.status().as_u16())
    };
    let result = tokio::time::timeout(ATTEMPT_TIMEOUT, attempt)
        .await
        .map_err(|_| "no answer within 15 s".to_string())
        .and_then(|r| r);
    if result.is_err() {
        // A failed attempt starts the next one on a new connection.
        *conn = None;
    }
    result
}
