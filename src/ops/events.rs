//! The event log as `sesm events list`, `sesm events follow` and `GET /_sesm/events` show it:
//! the events published to configuration sets' destinations (`model::events`), filtered.

use jiff::Timestamp;
use serde::Serialize;

use crate::error::{Error, Result};
use crate::model::State;
use crate::model::publishing::{EventRecord, EventType, SnsSubscription};

/// The log's filters.
#[derive(Debug, Clone, Default)]
pub struct EventQuery {
    /// Only this type (`Delivery`, `DELIVERY_DELAY`, …).
    pub event_type: Option<EventType>,
    pub config_set: Option<String>,
    pub message_id: Option<String>,
    /// Only events published at or after this time.
    pub since: Option<Timestamp>,
    /// Only this region's (every region's when `None`).
    pub region: Option<String>,
}

/// Parses `--type`: an `eventType` or a `MatchingEventTypes` name.
pub fn parse_type(s: &str) -> Result<EventType> {
    EventType::parse(s).ok_or_else(|| {
        Error::invalid(format!(
            "unknown event type '{}': use one of {}",
            s.escape_default(),
            EventType::ALL.map(|t| t.event_name()).join(", ")
        ))
    })
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct EventList {
    pub events: Vec<EventRecord>,
}

/// The events of the log that pass the filters, oldest first.
pub fn list(log: Vec<EventRecord>, q: &EventQuery) -> EventList {
    let events = log
        .into_iter()
        .filter(|e| q.region.as_deref().is_none_or(|r| e.region == r))
        .filter(|e| q.event_type.is_none_or(|t| e.event_type == t.event_name()))
        .filter(|e| {
            q.config_set
                .as_deref()
                .is_none_or(|c| e.configuration_set_name == c)
        })
        .filter(|e| q.message_id.as_deref().is_none_or(|m| e.message_id == m))
        .filter(|e| q.since.is_none_or(|t| e.time >= t))
        .collect();
    EventList { events }
}

/// The subscription ARN and token of `endpoint` on `topic` for one run of the server
/// (`--subscribe`): the same pair on every run, so a restart finds its delivery cursor.
pub fn subscription_ids(topic: &str, endpoint: &str) -> (String, String) {
    ids(&format!("{topic}\n{endpoint}"), topic)
}

fn ids(seed: &str, topic: &str) -> (String, String) {
    use sha2::{Digest, Sha256};
    let h = Sha256::digest(seed.as_bytes());
    let hex: String = h.iter().map(|b| format!("{b:02x}")).collect();
    let arn = format!(
        "{topic}:{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    );
    (arn, hex[32..64].to_string())
}

/// Checks an HTTP subscriber's endpoint: `http://HOST[:PORT][/PATH]` (sesm delivers over plain
/// HTTP only).
pub fn check_endpoint(url: &str) -> Result<()> {
    let rest = url.strip_prefix("http://").ok_or_else(|| {
        Error::invalid(format!(
            "invalid subscriber URL '{}': sesm delivers over plain HTTP, so it must start with http://",
            url.escape_default()
        ))
    })?;
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if authority.is_empty() || !url.bytes().all(|b| (0x21..0x7f).contains(&b)) {
        return Err(Error::invalid(format!(
            "invalid subscriber URL '{}': expected http://HOST:PORT/PATH",
            url.escape_default()
        )));
    }
    Ok(())
}

/// A subscription as `sesm events` shows it: SNS's `Subscription` shape (its token stays
/// in the state).
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct SubscriptionView {
    pub subscription_arn: String,
    pub topic_arn: String,
    pub protocol: &'static str,
    pub endpoint: String,
    pub pending_confirmation: bool,
}

impl From<&SnsSubscription> for SubscriptionView {
    fn from(s: &SnsSubscription) -> Self {
        SubscriptionView {
            subscription_arn: s.subscription_arn.clone(),
            topic_arn: s.topic_arn.clone(),
            protocol: "http",
            endpoint: s.endpoint.clone(),
            pending_confirmation: !s.confirmed,
        }
    }
}

/// `sesm events subscribe`: subscribes an HTTP endpoint to an SNS topic (confirmed when it
/// fetches the SubscribeURL `sesm serve` posts it); events after `last_event` go to it.
pub fn subscribe(
    s: &mut State,
    topic: &str,
    endpoint: &str,
    last_event: u64,
) -> Result<SnsSubscription> {
    crate::model::rules::check_topic_arn(topic).map_err(Error::invalid)?;
    check_endpoint(endpoint)?;
    // SNS answers an existing subscription of the endpoint rather than making another.
    if let Some(existing) = s
        .sns_subscriptions
        .iter()
        .find(|x| x.topic_arn == topic && x.endpoint == endpoint)
    {
        return Ok(existing.clone());
    }
    // A new one is a new subscription, as SNS's are (a UUID each): one removed and made again
    // (an unsubscribe, a reset) is never taken for the old one by its delivery.
    let salt = {
        use std::hash::BuildHasher;
        std::collections::hash_map::RandomState::new().hash_one((topic, endpoint, last_event))
    };
    let (arn, token) = ids(&format!("{topic}\n{endpoint}\n{salt:x}"), topic);
    if s.sns_subscriptions.len() >= MAX_SUBSCRIPTIONS {
        return Err(Error::invalid(format!(
            "sesm keeps at most {MAX_SUBSCRIPTIONS} subscriptions; remove one with: sesm events unsubscribe ARN"
        )));
    }
    let sub = SnsSubscription {
        subscription_arn: arn,
        topic_arn: topic.to_string(),
        endpoint: endpoint.to_string(),
        token,
        confirmed: false,
        from_event: last_event,
    };
    s.sns_subscriptions.push(sub.clone());
    Ok(sub)
}

/// The most HTTP subscriptions the state keeps.
pub const MAX_SUBSCRIPTIONS: usize = 100;

/// `sesm events unsubscribe`.
pub fn unsubscribe(s: &mut State, arn: &str) -> Result<SnsSubscription> {
    let i = s
        .sns_subscriptions
        .iter()
        .position(|x| x.subscription_arn == arn)
        .ok_or_else(|| {
            Error::not_found(format!(
                "Subscription {} does not exist.",
                arn.escape_default()
            ))
            .hint("list them with: sesm events subscriptions")
        })?;
    Ok(s.sns_subscriptions.remove(i))
}

/// The SubscribeURL fetched: confirms the subscription with this token.
pub fn confirm(s: &mut State, topic: &str, token: &str) -> Result<SnsSubscription> {
    let sub = s
        .sns_subscriptions
        .iter_mut()
        .find(|x| x.topic_arn == topic && x.token == token)
        .ok_or_else(|| Error::not_found("No pending subscription has this token."))?;
    sub.confirmed = true;
    Ok(sub.clone())
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Subscriptions {
    pub subscriptions: Vec<SubscriptionView>,
}

/// `sesm events subscriptions`.
pub fn subscriptions(s: &State) -> Subscriptions {
    Subscriptions {
        subscriptions: s
            .sns_subscriptions
            .iter()
            .map(SubscriptionView::from)
            .collect(),
    }
}
