//! Posting SNS notifications to subscribed HTTP endpoints: a task of `sesm serve` that reads
//! the persisted queue (`store::notify`), posts each entry as SNS does (`model::sns`: headers,
//! JSON body, the default HTTP retry policy) with hyper's client, and removes what was
//! delivered or dropped. A notification waits until its subscription is confirmed; the queue
//! file survives a crash, so an entry is posted again after a restart (SNS delivers at least
//! once, so duplicates are allowed; none is lost).

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;
use tokio::sync::watch;
use tokio::time::Instant;

use super::Shared;
use crate::model::sns::{self, Kind, Outcome, Queued, Subscription};

/// How often the queue file is looked at when nothing is due.
const POLL: Duration = Duration::from_millis(200);

/// Delivery state kept in memory: failed attempts and when the next is due, per message.
#[derive(Default)]
struct Attempts {
    failed: u32,
    next: Option<Instant>,
}

pub(super) async fn deliver(shared: Arc<Shared>, base: String, mut stop: watch::Receiver<bool>) {
    let mut attempts: HashMap<String, Attempts> = HashMap::new();
    loop {
        tokio::select! {
            _ = stop.changed() => return,
            _ = tokio::time::sleep(POLL) => {}
        }
        let reader = Arc::clone(&shared);
        let Ok(Ok((queue, subscriptions))) = tokio::task::spawn_blocking(move || {
            let queue = reader.api.store().sns_queue()?;
            let subscriptions = if queue.is_empty() {
                Vec::new()
            } else {
                reader.api.subscriptions()?
            };
            Ok::<_, crate::error::Error>((queue, subscriptions))
        })
        .await
        else {
            continue;
        };
        if queue.is_empty() {
            attempts.clear();
            continue;
        }
        let mut done: Vec<String> = Vec::new();
        // An endpoint that failed this round is not tried again until the next one.
        let mut down: HashSet<String> = HashSet::new();
        for q in &queue {
            if *stop.borrow() {
                return;
            }
            let Some(sub) = subscriptions
                .iter()
                .find(|s| s.subscription_arn == q.subscription_arn)
            else {
                // Unsubscribed: SNS delivers nothing more to it.
                done.push(q.message_id.clone());
                continue;
            };
            if q.kind == Kind::Notification && !sub.confirmed {
                continue;
            }
            let a = attempts.entry(q.message_id.clone()).or_default();
            if a.next.is_some_and(|t| t > Instant::now()) || down.contains(&q.endpoint) {
                continue;
            }
            match post(q, sub, &base).await {
                Outcome::Delivered => done.push(q.message_id.clone()),
                Outcome::Permanent => {
                    shared.log.line(format!(
                        "SNS: {} refused {} {} for good; dropped",
                        q.endpoint,
                        q.kind.as_str(),
                        q.message_id
                    ));
                    done.push(q.message_id.clone());
                }
                Outcome::Retry => {
                    down.insert(q.endpoint.clone());
                    a.failed += 1;
                    match sns::retry_delay(a.failed) {
                        Some(s) => a.next = Some(Instant::now() + Duration::from_secs(s)),
                        None => {
                            shared.log.line(format!(
                                "SNS: {} failed {} times for {} {}; dropped as SNS's delivery policy does",
                                q.endpoint,
                                a.failed,
                                q.kind.as_str(),
                                q.message_id
                            ));
                            done.push(q.message_id.clone());
                        }
                    }
                }
            }
        }
        if !done.is_empty() {
            for id in &done {
                attempts.remove(id);
            }
            let writer = Arc::clone(&shared);
            let _ = tokio::task::spawn_blocking(move || writer.api.store().remove_sns(&done)).await;
        }
    }
}

/// One POST of `q` to its endpoint, within SNS's 15 seconds.
async fn post(q: &Queued, sub: &Subscription, base: &str) -> Outcome {
    let timeout = Duration::from_secs(sns::ATTEMPT_TIMEOUT_SECONDS);
    match tokio::time::timeout(timeout, attempt(q, sub, base)).await {
        Ok(Some(status)) => sns::outcome(status),
        Ok(None) | Err(_) => Outcome::Retry,
    }
}

/// The status the endpoint answered, `None` when it could not be reached.
async fn attempt(q: &Queued, sub: &Subscription, base: &str) -> Option<u16> {
    let url: hyper::Uri = q.endpoint.parse().ok()?;
    let host = url.host()?.to_string();
    let port = url.port_u16().unwrap_or(80);
    let authority = url.authority()?.to_string();
    let path = url
        .path_and_query()
        .map_or("/".to_string(), |p| p.as_str().to_string());
    let stream = TcpStream::connect((host.as_str(), port)).await.ok()?;
    let (mut sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .ok()?;
    tokio::spawn(conn);
    let (headers, body) = sns::http_message(q, base, &sub.token);
    let mut req = hyper::Request::post(path)
        .header(hyper::header::HOST, authority)
        .header(hyper::header::CONTENT_TYPE, "text/plain; charset=UTF-8")
        .header(
            hyper::header::USER_AGENT,
            "Amazon Simple Notification Service Agent",
        );
    for (k, v) in headers {
        req = req.header(k, v);
    }
    let req = req.body(Full::new(Bytes::from(body))).ok()?;
    let resp = sender.send_request(req).await.ok()?;
    let status = resp.status().as_u16();
    // Read the answer to its end so the connection closes cleanly.
    let _ = resp.into_body().collect().await;
    Some(status)
}
