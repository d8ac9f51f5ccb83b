//! SNS over HTTP, as applications receive SES events: each subscription (`sesm events
//! subscribe`, or `sesm serve --subscribe TOPIC_ARN=URL` for one run) gets a
//! SubscriptionConfirmation, and once its SubscribeURL is fetched, every event the log holds
//! for its topic, in order, as SNS HTTP notifications. The event log is the queue: a worker
//! per subscription reads it from the subscription's cursor (`<state>.sns`, saved after each
//! event), so a server killed with events undelivered delivers them after a restart (more
//! than once, possibly, as SNS may). A subscriber that does not answer 2xx is retried with
//! SNS's default HTTP delivery policy: 3 retries, 20 s apart; then the event is dropped, as
//! SNS drops it.

use std::collections::{BTreeMap, HashSet};
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

/// The subscriptions of this run only (`--subscribe`), and which of them were confirmed.
#[derive(Default)]
pub struct OneRun {
    pub subscriptions: Vec<SnsSubscription>,
    pub confirmed: Mutex<HashSet<String>>,
    /// How many resets (`POST /_sesm/reset`) this run made: each empties the event log, so
    /// delivery starts every remaining subscription again from its first event.
    pub resets: std::sync::atomic::AtomicU64,
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
    for s in &one.subscriptions {
        let mut s = s.clone();
        s.confirmed = confirmed.contains(&s.subscription_arn);
        out.push(s);
    }
    out
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
    loop {
        tokio::select! {
            _ = stop.changed() => return,
            _ = tokio::time::sleep(POLL) => {}
        }
        let Some(sub) = subscriptions(&shared)
            .into_iter()
            .find(|s| s.subscription_arn == arn)
        else {
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
        let from = cursor.unwrap_or(sub.from_event);
        let store = shared.api.live().store().clone();
        let len = std::fs::metadata(store.events_path()).map_or(0, |m| m.len());
        let resets = shared.api.one_run().resets();
        if len == seen_len && resets == seen_resets {
            continue;
        }
        let Ok(Ok(events)) = tokio::task::spawn_blocking(move || {
            // A cursor past the log's end: the log was emptied (`sesm state reset` from the
            // command line), so delivery starts again from its first event.
            let from = if from > store.last_event()? { 0 } else { from };
            store.read_events(from)
        })
        .await
        else {
            continue;
        };
        seen_len = len;
        seen_resets = resets;
        for e in events {
            if e.sns_topics.contains(&sub.topic_arn) {
                let (body, headers) = notification(&sub, &e, &base);
                deliver(
                    &shared,
                    &mut conn,
                    &sub,
                    "Notification",
                    &headers,
                    body,
                    &mut stop,
                )
                .await;
                if *stop.borrow() {
                    return;
                }
            }
            let snapshot = {
                // Events read before a reset are not where delivery got to after it.
                cursors.follow_resets(shared.api.one_run().resets());
                if *cursors.resets.lock().unwrap_or_else(|p| p.into_inner()) != resets {
                    break;
                }
                let mut map = cursors.map.lock().unwrap_or_else(|p| p.into_inner());
                map.insert(arn.clone(), e.seq);
                map.clone()
            };
            let store = shared.api.live().store().clone();
            let _ = tokio::task::spawn_blocking(move || store.write_sns_cursors(&snapshot)).await;
        }
    }
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
    let rest = url.strip_prefix("http://").ok_or("not an http:// URL")?;
    let (authority, path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, "/"),
    };
    let (host, port) = match authority.rsplit_once(':') {
        Some((h, p)) if !h.ends_with(']') || h.starts_with('[') => (
            h.trim_matches(['[', ']']),
            p.parse::<u16>().map_err(|e| e.to_string())?,
        ),
        _ => (authority, 80),
    };
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
