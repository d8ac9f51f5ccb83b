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
    /// `GET /_sesm/events` answers a page at a time: the token of the next one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

/// Whether an event passes the filters.
pub fn matches(e: &EventRecord, q: &EventQuery) -> bool {
    q.region.as_deref().is_none_or(|r| e.region == r)
        && q.event_type.is_none_or(|t| e.event_type == t.event_name())
        && q.config_set
            .as_deref()
            .is_none_or(|c| e.configuration_set_name == c)
        && q.message_id.as_deref().is_none_or(|m| e.message_id == m)
        && q.since.is_none_or(|t| e.time >= t)
}

/// The events of the log that pass the filters, oldest first.
pub fn list(log: Vec<EventRecord>, q: &EventQuery) -> EventList {
    let events = log.into_iter().filter(|e| matches(e, q)).collect();
    EventList {
        events,
        next_token: None,
    }
}

/// The token of the page after the event numbered `seq` (opaque to clients).
pub fn page_token(seq: u64) -> String {
    format!("e{seq}")
}

/// The event a page token says to start after.
pub fn parse_page_token(token: &str) -> Result<u64> {
    token
        .strip_prefix('e')
        .and_then(|n| n.parse().ok())
        .ok_or_else(|| {
            Error::bad_request("Invalid NextToken: use the NextToken of a previous response.")
        })
}

/// A new subscription's ARN and confirmation token, from the operating system's randomness:
/// the ARN's last field a UUID as SNS's are, the token 32 random bytes in hex. Neither can be
/// derived from the topic and the URL, so no other local process can confirm a subscription
/// or write its UnsubscribeURL (issue 29, item 9).
pub fn subscription_ids(topic: &str) -> Result<(String, String)> {
    let mut bytes = [0u8; 48];
    getrandom::getrandom(&mut bytes)
        .map_err(|e| Error::internal(format!("cannot draw a subscription token: {e}")))?;
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    let arn = format!(
        "{topic}:{}-{}-4{}-a{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[13..16],
        &hex[17..20],
        &hex[20..32]
    );
    Ok((arn, hex[32..96].to_string()))
}

/// An HTTP subscriber's endpoint, as delivery connects to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    /// The host to connect to (an IPv6 address without its brackets).
    pub host: String,
    pub port: u16,
    /// `Host:` as the URL wrote it (`[::1]:8080`).
    pub authority: String,
    /// The request target: the path (`/` when the URL has none) and its query.
    pub target: String,
}

/// Reads an HTTP subscriber's endpoint, `http://HOST[:PORT][/PATH][?QUERY]` (plain HTTP
/// only): the one reading `events subscribe`, `serve --subscribe` and delivery share, so an
/// endpoint that is accepted can be delivered to. User information, a fragment, an empty
/// host or a port that is not a number from 1 to 65535 are refused.
pub fn parse_endpoint(url: &str) -> Result<Endpoint> {
    let invalid = |why: &str| {
        Error::invalid(format!(
            "invalid subscriber URL '{}': {why}",
            url.escape_default()
        ))
    };
    let rest = url
        .strip_prefix("http://")
        .ok_or_else(|| invalid("sesm delivers over plain HTTP, so it must start with http://"))?;
    if !url.bytes().all(|b| (0x21..0x7f).contains(&b)) {
        return Err(invalid(
            "expected http://HOST:PORT/PATH without spaces or control characters",
        ));
    }
    if url.contains('#') {
        return Err(invalid("a fragment (#…) is never sent to a server"));
    }
    let end = rest.find(['/', '?']).unwrap_or(rest.len());
    let (authority, after) = rest.split_at(end);
    if authority.contains('@') {
        return Err(invalid("user information (user@host) is not delivered"));
    }
    let (host, port) = if let Some(v6) = authority.strip_prefix('[') {
        let (host, tail) = v6
            .split_once(']')
            .ok_or_else(|| invalid("an IPv6 address must be closed with ]"))?;
        if host.parse::<std::net::Ipv6Addr>().is_err() {
            return Err(invalid("the address in [ ] is not an IPv6 address"));
        }
        match tail {
            "" => (host, None),
            t => (
                host,
                Some(
                    t.strip_prefix(':')
                        .ok_or_else(|| invalid("expected :PORT after ]"))?,
                ),
            ),
        }
    } else {
        match authority.split_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (authority, None),
        }
    };
    if host.is_empty() {
        return Err(invalid("expected http://HOST:PORT/PATH"));
    }
    let port = match port {
        None => 80,
        Some(p) => p
            .parse::<u16>()
            .ok()
            .filter(|p| *p > 0)
            .ok_or_else(|| invalid("the port must be a number from 1 to 65535"))?,
    };
    let target = if after.starts_with('?') {
        format!("/{after}")
    } else if after.is_empty() {
        "/".to_string()
    } else {
        after.to_string()
    };
    Ok(Endpoint {
        host: host.to_string(),
        port,
        authority: authority.to_string(),
        target,
    })
}

/// Checks an HTTP subscriber's endpoint (`parse_endpoint`).
pub fn check_endpoint(url: &str) -> Result<()> {
    parse_endpoint(url).map(|_| ())
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
    // SNS answers an existing subscription of the same endpoint rather than making another.
    if let Some(existing) = s
        .sns_subscriptions
        .iter()
        .find(|x| x.topic_arn == topic && x.endpoint == endpoint)
    {
        return Ok(existing.clone());
    }
    let (arn, token) = subscription_ids(topic)?;
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoints_are_read_as_delivery_connects_to_them() {
        let e = parse_endpoint("http://127.0.0.1:8080?x=1").unwrap();
        assert_eq!(
            (e.host.as_str(), e.port, e.target.as_str()),
            ("127.0.0.1", 8080, "/?x=1")
        );
        let e = parse_endpoint("http://[::1]/h").unwrap();
        assert_eq!(
            (e.host.as_str(), e.port, e.authority.as_str()),
            ("::1", 80, "[::1]")
        );
        let e = parse_endpoint("http://localhost").unwrap();
        assert_eq!(e.target, "/");
        for bad in [
            "https://x",
            "http://",
            "http://:80/",
            "http://x:0/",
            "http://x:99999/",
            "http://x:port/",
            "http://u@x/",
            "http://x/#f",
            "http://[::1/",
            "http://[zz]/",
            "http://x/a b",
        ] {
            assert!(parse_endpoint(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn subscription_ids_are_random() {
        let topic = "arn:aws:sns:us-east-1:123456789012:t";
        let (a, t) = subscription_ids(topic).unwrap();
        let (b, u) = subscription_ids(topic).unwrap();
        assert_ne!(a, b);
        assert_ne!(t, u);
        assert_eq!(t.len(), 64);
        assert!(a.starts_with(&format!("{topic}:")));
    }
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
