//! SNS over HTTP, the way applications receive SES events: subscriptions of an HTTP endpoint
//! to a topic (`sesm events subscribe`), the queued notifications, the JSON SNS posts, and
//! SNS's default HTTP delivery retry policy. Pure: the queue file is `store::notify`'s, the
//! posting `server::sns`'s.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::State;
use crate::error::{Error, Result};

/// One HTTP endpoint subscribed to a topic.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Subscription {
    pub subscription_arn: String,
    pub topic_arn: String,
    pub endpoint: String,
    /// The token of the confirmation SNS sent; fetching its `SubscribeURL` confirms.
    pub token: String,
    /// Notifications go to a confirmed subscription only (SNS's `PendingConfirmation`).
    #[serde(default)]
    pub confirmed: bool,
}

/// What a queued entry is: SNS's `Type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Kind {
    SubscriptionConfirmation,
    Notification,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::SubscriptionConfirmation => "SubscriptionConfirmation",
            Kind::Notification => "Notification",
        }
    }
}

/// One message waiting for its endpoint, as the queue file keeps it (a JSON line).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Queued {
    pub message_id: String,
    #[serde(rename = "Type")]
    pub kind: Kind,
    pub subscription_arn: String,
    pub topic_arn: String,
    pub endpoint: String,
    /// The notification's message (for SES, the event JSON as a string).
    pub message: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    pub timestamp: Timestamp,
}

/// SNS's default delivery policy for HTTP/S endpoints: the first attempt, then up to three
/// retries 20 seconds apart, then the message is discarded (SNS Developer Guide, "Amazon SNS
/// message delivery retries" and "Set the delivery policy for the subscription": "up to three
/// retries with a delay between failed attempts set at 20 seconds").
pub const RETRIES: u32 = 3;
pub const RETRY_DELAY_SECONDS: u64 = 20;
/// How long SNS waits for an HTTP endpoint's answer before counting the attempt as failed.
pub const ATTEMPT_TIMEOUT_SECONDS: u64 = 15;

/// After `failed` failed attempts of a message: how many seconds until the next, or `None`
/// when the policy is exhausted and the message is dropped.
pub fn retry_delay(failed: u32) -> Option<u64> {
    (1..=RETRIES)
        .contains(&failed)
        .then_some(RETRY_DELAY_SECONDS)
}

/// How an endpoint's HTTP status counts: 2xx delivered; 429 and 5xx retried (as a refused
/// connection or a timeout is); anything else a permanent failure, not retried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Delivered,
    Retry,
    Permanent,
}

pub fn outcome(status: u16) -> Outcome {
    match status {
        200..=299 => Outcome::Delivered,
        429 | 500..=599 => Outcome::Retry,
        _ => Outcome::Permanent,
    }
}

/// A UUID-shaped identifier from SHA-256 of `parts` (SNS's message and subscription IDs are
/// UUIDs; these are unique as long as the parts are).
pub fn uuid(parts: &[&str]) -> String {
    let mut h = Sha256::new();
    for p in parts {
        h.update(p.as_bytes());
        h.update([0]);
    }
    let d = h.finalize();
    let hex: String = d.iter().take(16).map(|b| format!("{b:02x}")).collect();
    format!(
        "{}-{}-4{}-8{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[13..16],
        &hex[17..20],
        &hex[20..32]
    )
}

/// An SNS topic ARN: `arn:PARTITION:sns:REGION:ACCOUNT:NAME` (V4's rule).
pub fn check_topic_arn(arn: &str) -> Result<()> {
    super::event::check_topic_arn(arn)
}

/// The endpoint of an HTTP subscription: `http://host[:port]/path`. sesm posts plain HTTP
/// (it has no TLS client), so `https://` is refused with a clear message.
pub fn check_endpoint(url: &str) -> Result<()> {
    if url.starts_with("https://") {
        return Err(Error::invalid(format!(
            "'{url}': sesm posts notifications over plain HTTP only; use an http:// endpoint"
        )));
    }
    let Some(rest) = url.strip_prefix("http://") else {
        return Err(Error::invalid(format!(
            "'{url}' is not an HTTP endpoint: expected http://HOST[:PORT]/PATH"
        )));
    };
    let authority = rest.split(['/', '?']).next().unwrap_or_default();
    let ok = !authority.is_empty()
        && !authority.contains('@')
        && url
            .chars()
            .all(|c| c.is_ascii_graphic() && !matches!(c, '"' | '<' | '>' | '\\'));
    if ok {
        Ok(())
    } else {
        Err(Error::invalid(format!(
            "'{url}' is not an HTTP endpoint: expected http://HOST[:PORT]/PATH"
        )))
    }
}

/// The string SNS signs (SignatureVersion 1), by the fields of the message type.
fn string_to_sign(q: &Queued, subscribe_url: &str) -> String {
    let mut s = String::new();
    let mut field = |k: &str, v: &str| {
        s.push_str(k);
        s.push('\n');
        s.push_str(v);
        s.push('\n');
    };
    field("Message", &q.message);
    field("MessageId", &q.message_id);
    if q.kind == Kind::SubscriptionConfirmation {
        field("SubscribeURL", subscribe_url);
    } else if let Some(subject) = &q.subject {
        field("Subject", subject);
    }
    field("Timestamp", &timestamp(q.timestamp));
    if q.kind == Kind::SubscriptionConfirmation {
        field("Token", "");
    }
    field("TopicArn", &q.topic_arn);
    field("Type", q.kind.as_str());
    s
}

/// SNS's timestamp form: ISO 8601 in UTC with milliseconds.
pub fn timestamp(t: Timestamp) -> String {
    t.strftime("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
}

/// The HTTP POST SNS makes for a queued entry: its headers (besides `Content-Type:
/// text/plain; charset=UTF-8`) and JSON body. `base` is the URL of the sesm that sends it
/// (`SubscribeURL`, `UnsubscribeURL` and `SigningCertURL` point back at it).
pub fn http_message(q: &Queued, base: &str, token: &str) -> (Vec<(&'static str, String)>, String) {
    let subscribe_url = format!(
        "{base}/_sesm/sns/confirm?TopicArn={}&Token={token}",
        encode(&q.topic_arn)
    );
    let unsubscribe_url = format!(
        "{base}/_sesm/sns/unsubscribe?SubscriptionArn={}",
        encode(&q.subscription_arn)
    );
    // Not an RSA signature (sesm holds no SNS key): the SHA-256 of what SNS signs, so a
    // subscriber that checks signatures must skip that check against sesm.
    let signature = {
        use base64::Engine;
        let digest = Sha256::digest(string_to_sign(q, &subscribe_url).as_bytes());
        base64::engine::general_purpose::STANDARD.encode(digest)
    };
    let mut body = serde_json::Map::new();
    let mut put = |k: &str, v: String| {
        body.insert(k.to_string(), serde_json::Value::String(v));
    };
    put("Type", q.kind.as_str().into());
    put("MessageId", q.message_id.clone());
    if q.kind == Kind::SubscriptionConfirmation {
        put("Token", token.into());
    }
    put("TopicArn", q.topic_arn.clone());
    if let Some(subject) = &q.subject
        && q.kind == Kind::Notification
    {
        put("Subject", subject.clone());
    }
    put("Message", q.message.clone());
    if q.kind == Kind::SubscriptionConfirmation {
        put("SubscribeURL", subscribe_url);
    }
    put("Timestamp", timestamp(q.timestamp));
    put("SignatureVersion", "1".into());
    put("Signature", signature);
    put(
        "SigningCertURL",
        format!("{base}/_sesm/sns/SimpleNotificationService-sesm.pem"),
    );
    if q.kind == Kind::Notification {
        put("UnsubscribeURL", unsubscribe_url);
    }
    let mut headers = vec![
        ("x-amz-sns-message-type", q.kind.as_str().to_string()),
        ("x-amz-sns-message-id", q.message_id.clone()),
        ("x-amz-sns-topic-arn", q.topic_arn.clone()),
    ];
    if q.kind == Kind::Notification {
        headers.push(("x-amz-sns-subscription-arn", q.subscription_arn.clone()));
    }
    (headers, serde_json::Value::Object(body).to_string())
}

fn encode(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

impl State {
    /// Subscribes `endpoint` to `topic` (an existing subscription of the same pair is kept,
    /// as SNS's Subscribe is idempotent); returns it and, for a new one, its confirmation.
    pub fn subscribe(
        &mut self,
        topic: &str,
        endpoint: &str,
        now: Timestamp,
    ) -> Result<(Subscription, Option<Queued>)> {
        check_topic_arn(topic)?;
        check_endpoint(endpoint)?;
        if let Some(s) = self
            .sns_subscriptions
            .iter()
            .find(|s| s.topic_arn == topic && s.endpoint == endpoint)
        {
            return Ok((s.clone(), None));
        }
        let stamp = now.as_nanosecond().to_string();
        let id = uuid(&[topic, endpoint, &stamp]);
        let subscription = Subscription {
            subscription_arn: format!("{topic}:{id}"),
            topic_arn: topic.to_string(),
            endpoint: endpoint.to_string(),
            token: uuid(&["token", topic, endpoint, &stamp]).replace('-', ""),
            confirmed: false,
        };
        let confirmation = Queued {
            message_id: uuid(&["confirmation", topic, endpoint, &stamp]),
            kind: Kind::SubscriptionConfirmation,
            subscription_arn: subscription.subscription_arn.clone(),
            topic_arn: topic.to_string(),
            endpoint: endpoint.to_string(),
            message: format!(
                "You have chosen to subscribe to the topic {topic}.\nTo confirm the subscription, visit the SubscribeURL included in this message."
            ),
            subject: None,
            timestamp: now,
        };
        self.sns_subscriptions.push(subscription.clone());
        Ok((subscription, Some(confirmation)))
    }

    /// Confirms the subscription whose confirmation carried `token`.
    pub fn confirm_subscription(&mut self, topic: &str, token: &str) -> Result<Subscription> {
        let s = self
            .sns_subscriptions
            .iter_mut()
            .find(|s| s.topic_arn == topic && s.token == token)
            .ok_or_else(|| {
                Error::not_found(format!(
                    "No subscription of {topic} has the confirmation token '{token}'."
                ))
            })?;
        s.confirmed = true;
        Ok(s.clone())
    }

    /// Removes a subscription (its `UnsubscribeURL`).
    pub fn unsubscribe(&mut self, arn: &str) -> Result<Subscription> {
        let at = self
            .sns_subscriptions
            .iter()
            .position(|s| s.subscription_arn == arn)
            .ok_or_else(|| Error::not_found(format!("Subscription {arn} does not exist.")))?;
        Ok(self.sns_subscriptions.remove(at))
    }

    /// SNS's Publish: one notification per subscription of `topic` (confirmed or not: a
    /// pending one is held until it is confirmed), each with its own message ID.
    pub fn publish(
        &self,
        topic: &str,
        message: &str,
        subject: Option<&str>,
        now: Timestamp,
        salt: &str,
    ) -> Result<Vec<Queued>> {
        check_topic_arn(topic)?;
        let stamp = now.as_nanosecond().to_string();
        Ok(self
            .sns_subscriptions
            .iter()
            .filter(|s| s.topic_arn == topic)
            .map(|s| Queued {
                message_id: uuid(&[&s.subscription_arn, message, &stamp, salt]),
                kind: Kind::Notification,
                subscription_arn: s.subscription_arn.clone(),
                topic_arn: topic.to_string(),
                endpoint: s.endpoint.clone(),
                message: message.to_string(),
                subject: subject.map(str::to_string),
                timestamp: now,
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_http_policy_retries_three_times_twenty_seconds_apart() {
        assert_eq!(retry_delay(1), Some(20));
        assert_eq!(retry_delay(3), Some(20));
        assert_eq!(retry_delay(4), None);
        assert_eq!(outcome(200), Outcome::Delivered);
        assert_eq!(outcome(503), Outcome::Retry);
        assert_eq!(outcome(429), Outcome::Retry);
        assert_eq!(outcome(404), Outcome::Permanent);
    }

    #[test]
    fn endpoints_are_plain_http() {
        assert!(check_endpoint("http://127.0.0.1:8080/sns").is_ok());
        assert!(check_endpoint("https://example.com/").is_err());
        assert!(check_endpoint("http:///x").is_err());
        assert!(check_endpoint("ftp://x").is_err());
    }

    #[test]
    fn a_notification_carries_snss_fields_and_headers() {
        let q = Queued {
            message_id: uuid(&["x"]),
            kind: Kind::Notification,
            subscription_arn: "arn:aws:sns:us-east-1:123456789012:t:abc".into(),
            topic_arn: "arn:aws:sns:us-east-1:123456789012:t".into(),
            endpoint: "http://127.0.0.1:1/".into(),
            message: "{\"eventType\":\"Send\"}".into(),
            subject: None,
            timestamp: Timestamp::from_second(1_800_000_000).unwrap(),
        };
        let (headers, body) = http_message(&q, "http://127.0.0.1:4579", "tok");
        let v: serde_json::Value = serde_json::from_str(&body).unwrap();
        for k in [
            "Type",
            "MessageId",
            "TopicArn",
            "Message",
            "Timestamp",
            "SignatureVersion",
            "Signature",
            "SigningCertURL",
            "UnsubscribeURL",
        ] {
            assert!(v.get(k).is_some(), "{k} in {body}");
        }
        assert_eq!(v["Timestamp"], "2027-01-15T08:00:00.000Z");
        assert!(headers.contains(&("x-amz-sns-message-type", "Notification".into())));
    }
}
