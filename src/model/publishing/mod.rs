//! Event publishing (`docs/events.md`): which events a message gets and when, in SES's JSON ("Contents of event
//! data that Amazon SES publishes", SES Developer Guide). A message whose configuration set
//! has an enabled event destination is prepared at send (`prepare`): its `mail` object is
//! built once and kept in the outbox beside the message (never in the state), the events
//! known at once are returned (Send, Rendering Failure, the mailbox simulator's outcomes, a
//! suppressed recipient's bounce), and its ordinary recipients are tracked in the region until
//! the simulation decides what happened to them (`publish_days`): Delivery, DeliveryDelay
//! (`SendingDeferral`), then Delivery or Bounce. Those later events name the message whose
//! `mail` object they carry (`MailToAdd`), and the store completes them (`finish`) from the
//! outbox as it appends them. Published events go to the state's `published` list, which the
//! store appends to the event log with the write that made them.

use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::sending::{SIMULATOR, SentMessage, domain_of};
use super::{Region, State};

pub use super::event::EventType;
use super::rules::RawJson;
pub use days::DayOutcome;
use mail::{mail_object, unrendered};
pub use send::prepare;
pub use subscription::subscription_event;

mod days;
mod live;
mod mail;
mod send;
mod subscription;

impl EventType {
    /// The `eventType` of the published JSON (`Send`, `Rendering Failure`, …).
    pub fn event_name(self) -> &'static str {
        match self {
            EventType::Send => "Send",
            EventType::Reject => "Reject",
            EventType::Bounce => "Bounce",
            EventType::Complaint => "Complaint",
            EventType::Delivery => "Delivery",
            EventType::Open => "Open",
            EventType::Click => "Click",
            EventType::RenderingFailure => "Rendering Failure",
            EventType::DeliveryDelay => "DeliveryDelay",
            EventType::Subscription => "Subscription",
        }
    }

    /// Parses an `eventType` or a `MatchingEventTypes` name, without case.
    pub fn parse(s: &str) -> Option<EventType> {
        let want = s.replace([' ', '_', '-'], "").to_ascii_lowercase();
        EventType::ALL.into_iter().find(|t| {
            t.as_str().replace('_', "").to_ascii_lowercase() == want
                || t.event_name().replace(' ', "").to_ascii_lowercase() == want
        })
    }
}

/// An event destination a message's events go to: its name and what it takes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub name: String,
    pub types: Vec<EventType>,
    /// The SNS topic, when the destination is one (sesm delivers to its subscribers).
    pub sns_topic: Option<String>,
    /// The kind of destination (`SNS`, `FIREHOSE`, `CLOUDWATCH`, `EVENTBRIDGE`, `PINPOINT`).
    pub kind: &'static str,
}

/// One published event as the event log keeps it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct EventRecord {
    /// Its place in the log (numbered by the store as it appends).
    #[serde(default)]
    pub seq: u64,
    /// When sesm published it (wall clock).
    pub time: Timestamp,
    /// The simulated day it happened on.
    pub date: Date,
    pub region: String,
    pub configuration_set_name: String,
    /// The pool the message went through (`ses-shared-pool` for shared IPs).
    #[serde(default)]
    pub pool_name: String,
    /// The destinations that take it.
    pub destinations: Vec<String>,
    /// SNS topics among them (for delivery to subscribers).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sns_topics: Vec<String>,
    /// The `eventType` (`Send`, `Delivery`, …).
    pub event_type: String,
    pub message_id: String,
    /// The event in SES's JSON (what an SNS notification's `Message` and a Firehose record
    /// carry).
    pub event: RawJson,
    /// The event as an EventBridge destination gets it: the default bus's envelope
    /// (`source` `aws.ses`, `detail-type` "Email Sent", …) around it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event_bridge: Option<RawJson>,
    /// An event of a tracked message before the store added its `mail` object (`finish`).
    #[serde(skip)]
    pub mail_to_add: Option<Box<MailToAdd>>,
}

/// What an event of a tracked message still needs: the message's `mail` object, which the
/// outbox keeps, and what to build around it once the store has read it.
#[derive(Debug, Clone, PartialEq)]
pub struct MailToAdd {
    /// The message (its sequence) whose `mail` object the event carries.
    pub seq: u64,
    kind: EventType,
    /// The IP it left through, for the `ses:outgoing-ip` tag.
    outgoing: Option<String>,
    key: &'static str,
    body: Value,
    /// Whether an EventBridge destination takes it (the envelope is built with the event).
    bridge: bool,
}

/// Completes an event of a tracked message with the message's `mail` object, read from the
/// outbox; `None` when the outbox lost it (its files removed by hand), in which case the event
/// carries a `mail` object with the message ID alone rather than be dropped.
pub fn finish(record: &mut EventRecord, mail: Option<&RawJson>) {
    let Some(todo) = record.mail_to_add.take() else {
        return;
    };
    let fallback;
    let mail = match mail {
        Some(m) => m,
        None => {
            fallback = RawJson::of(&json!({ "messageId": record.message_id }));
            &fallback
        }
    };
    let outgoing = todo.outgoing.as_deref().map(|ip| (ip, ""));
    record.event = event_json(todo.kind, mail, outgoing, todo.key, todo.body);
    if todo.bridge {
        let id = format!(
            "{}-{}",
            record.message_id,
            todo.kind.as_str().to_ascii_lowercase()
        );
        record.event_bridge = Some(event_bridge(
            todo.kind,
            &record.event,
            &record.region,
            record.time,
            &id,
        ));
    }
}

impl EventType {
    /// EventBridge's `detail-type` for the event (Amazon EventBridge's SES event list).
    pub fn detail_type(self) -> &'static str {
        match self {
            EventType::Send => "Email Sent",
            EventType::Reject => "Email Rejected",
            EventType::Bounce => "Email Bounced",
            EventType::Complaint => "Email Complaint Received",
            EventType::Delivery => "Email Delivered",
            EventType::Open => "Email Opened",
            EventType::Click => "Email Clicked",
            EventType::RenderingFailure => "Email Rendering Failed",
            EventType::DeliveryDelay => "Email Delivery Delayed",
            EventType::Subscription => "Email Subscribed",
        }
    }
}

/// The EventBridge envelope of an event.
fn event_bridge(
    kind: EventType,
    event: &RawJson,
    region: &str,
    at: Timestamp,
    id: &str,
) -> RawJson {
    let detail: Value = serde_json::from_str(event.get()).unwrap_or(Value::Null);
    let account = detail["mail"]["sendingAccountId"].clone();
    RawJson::of(&json!({
        "version": "0",
        "id": id,
        "detail-type": kind.detail_type(),
        "source": "aws.ses",
        "account": account,
        "time": at.strftime("%Y-%m-%dT%H:%M:%SZ").to_string(),
        "region": region,
        "resources": [],
        "detail": detail,
    }))
}

/// A message's recipient the simulation still has to decide about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct TrackedRecipient {
    pub address: String,
    pub isp: String,
}

/// A message whose configuration set publishes events, until every recipient's fate is known.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct TrackedMail {
    pub seq: u64,
    pub message_id: String,
    pub configuration_set: String,
    pub pool: String,
    /// The day it was counted in.
    pub date: Date,
    /// The `mail` object of its events as version 4 states kept it: read for the store to
    /// carry into the outbox (where version 5 keeps it), never written.
    #[serde(default, skip_serializing)]
    pub mail: Option<RawJson>,
    /// Recipients not yet simulated.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub waiting: Vec<TrackedRecipient>,
    /// Recipients deferred (SendingDeferral), retried on a later day or expired.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub queued: Vec<TrackedRecipient>,
    /// The configuration set's `MaxDeliverySeconds` when the message was sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_delivery_seconds: Option<u64>,
}

/// An HTTP endpoint subscribed to an SNS topic: `sesm serve` posts it a
/// SubscriptionConfirmation, then, once confirmed, each event published to the topic.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SnsSubscription {
    pub subscription_arn: String,
    pub topic_arn: String,
    /// `http://HOST:PORT/PATH`.
    pub endpoint: String,
    /// The token its SubscribeURL carries.
    pub token: String,
    pub confirmed: bool,
    /// Events after this one in the log are delivered to it (those before it subscribed are
    /// not, as SNS delivers only what is published after a subscription).
    pub from_event: u64,
}

/// Events a write made, for the store to append to the event log with it, and whether the
/// write empties the log first (a reset: `ops::state::reset`). Never part of the state file,
/// and never what makes two states differ.
#[derive(Debug, Clone, Default)]
pub struct Published(pub Vec<EventRecord>, pub bool);

/// The `EventType` of the log's record of a topic's validation (no SES event: what SES posts
/// to an SNS topic when it becomes an event destination).
pub const TOPIC_VALIDATION: &str = "TopicValidation";

/// The `Subject` of SES's event notifications to SNS (the recorded AWS answers of LocalStack's
/// `test_ses_sns_topic_integration_send_email` and its siblings).
pub const NOTIFICATION_SUBJECT: &str = "Amazon SES Email Event Notification";

/// What SES publishes to an SNS topic when an event destination names it: "Successfully
/// validated SNS topic for Amazon SES event publishing." (a Notification without `Subject`,
/// the first message of every recorded `test_ses_sns_topic_integration_*` answer), kept in the
/// event log as a record of its own (`TOPIC_VALIDATION`) for the topic's subscribers.
pub fn topic_validation(
    region: &str,
    set: &str,
    destination: &str,
    topic: &str,
    date: Date,
    now: Timestamp,
) -> EventRecord {
    EventRecord {
        seq: 0,
        time: now,
        date,
        region: region.to_string(),
        configuration_set_name: set.to_string(),
        pool_name: String::new(),
        destinations: vec![destination.to_string()],
        sns_topics: vec![topic.to_string()],
        event_type: TOPIC_VALIDATION.to_string(),
        message_id: String::new(),
        event: RawJson::of(&json!(
            "Successfully validated SNS topic for Amazon SES event publishing."
        )),
        event_bridge: None,
        mail_to_add: None,
    }
}

impl PartialEq for Published {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

/// The most messages a region tracks for events; past it the oldest are resolved at once as
/// delivered, so a state never grows without bound.
pub const MAX_TRACKED: usize = 10_000;

/// A shared SES address sesm reports for mail that left through shared IPs (from SES's
/// documented 54.240.0.0/18 range), picked by the message's number.
fn shared_ip(seq: u64) -> String {
    format!("54.240.{}.{}", 8 + (seq / 250) % 48, 1 + seq % 250)
}

impl Region {
    /// The enabled event destinations of a configuration set that take `kind`.
    pub fn targets(&self, set: &str, kind: EventType) -> Vec<Target> {
        self.event_targets(set)
            .into_iter()
            .filter(|t| t.types.contains(&kind))
            .collect()
    }
}

/// An event's JSON: its type, the message's `mail` (with the outgoing IP tags when it left
/// through an IP), and the event's own object under `key`.
fn event_json(
    kind: EventType,
    mail: &RawJson,
    outgoing: Option<(&str, &str)>,
    key: &str,
    body: Value,
) -> RawJson {
    let mut mail: Value = serde_json::from_str(mail.get()).unwrap_or(Value::Null);
    // SES tags the IP it sent through (and the TLS it used) on events of a delivery
    // attempt; it has no tag naming the pool (the guide's auto-tag table).
    if let (Some((ip, _pool)), Some(tags)) = (outgoing, mail.get_mut("tags")) {
        tags["ses:outgoing-ip"] = json!([ip]);
        tags["ses:outgoing-tls-version"] = json!(["TLSv1.3"]);
    }
    let mut event = serde_json::Map::new();
    event.insert("eventType".into(), json!(kind.event_name()));
    event.insert("mail".into(), mail);
    event.insert(key.into(), body);
    RawJson::of(&Value::Object(event))
}

/// SES's timestamps: RFC 3339 with milliseconds.
fn stamp(t: Timestamp) -> String {
    t.strftime("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
}

/// The time an event of simulated day `date` happened at: sesm's clock within that day (the
/// wall clock's time of day), so events of later days are later.
fn time_on(date: Date, now: Timestamp) -> Timestamp {
    let tz = jiff::tz::TimeZone::UTC;
    let time = tz.to_datetime(now).time();
    tz.to_timestamp(date.to_datetime(time)).unwrap_or(now)
}

/// Builds the record of an event for the destinations that take it (none: not published).
#[allow(clippy::too_many_arguments)]
fn record(
    region: &Region,
    region_name: &str,
    set: &str,
    pool: &str,
    kind: EventType,
    message_id: &str,
    date: Date,
    now: Timestamp,
    event: impl FnOnce() -> RawJson,
) -> Option<EventRecord> {
    let targets = region.targets(set, kind);
    if targets.is_empty() {
        return None;
    }
    let event = event();
    let bridge = targets.iter().any(|t| t.kind == "EVENTBRIDGE").then(|| {
        let id = format!("{message_id}-{}", kind.as_str().to_ascii_lowercase());
        event_bridge(kind, &event, region_name, now, &id)
    });
    Some(EventRecord {
        seq: 0,
        time: now,
        date,
        region: region_name.to_string(),
        configuration_set_name: set.to_string(),
        pool_name: pool.to_string(),
        destinations: targets.iter().map(|t| t.name.clone()).collect(),
        sns_topics: targets.iter().filter_map(|t| t.sns_topic.clone()).collect(),
        event_type: kind.event_name().to_string(),
        message_id: message_id.to_string(),
        event,
        event_bridge: bridge,
        mail_to_add: None,
    })
}

/// An event of a tracked message: built at once from the `mail` object a version 4 state
/// still holds, else left for the store to complete from the outbox (`finish`).
#[allow(clippy::too_many_arguments)]
fn tracked_event(
    region: &Region,
    region_name: &str,
    t: &TrackedMail,
    pool: &str,
    kind: EventType,
    date: Date,
    at: Timestamp,
    outgoing: Option<String>,
    key: &'static str,
    body: Value,
) -> Option<EventRecord> {
    if let Some(mail) = &t.mail {
        let out = outgoing.as_deref().map(|ip| (ip, ""));
        return record(
            region,
            region_name,
            &t.configuration_set,
            pool,
            kind,
            &t.message_id,
            date,
            at,
            || event_json(kind, mail, out, key, body),
        );
    }
    let placeholder = RawJson::of(&json!({}));
    let mut r = record(
        region,
        region_name,
        &t.configuration_set,
        pool,
        kind,
        &t.message_id,
        date,
        at,
        || placeholder,
    )?;
    r.mail_to_add = Some(Box::new(MailToAdd {
        seq: t.seq,
        kind,
        outgoing,
        key,
        body,
        bridge: r.event_bridge.take().is_some(),
    }));
    Some(r)
}

fn delivery_body(at: Timestamp, recipients: &[&str], ip: &str) -> Value {
    json!({
        "timestamp": stamp(at),
        "processingTimeMillis": 1_000,
        "recipients": recipients,
        "smtpResponse": "250 2.6.0 Message received",
        "reportingMTA": format!("a8-{}.smtp-out.amazonses.com", ip.rsplit('.').next().unwrap_or("1")),
        "remoteMtaIp": "203.0.113.25",
    })
}

fn bounce_body(
    at: Timestamp,
    kind: &str,
    sub: &str,
    recipients: &[&str],
    status: &str,
    diagnostic: &str,
    feedback_id: &str,
) -> Value {
    let bounced: Vec<Value> = recipients
        .iter()
        .map(|r| {
            json!({"emailAddress": r, "action": "failed", "status": status, "diagnosticCode": diagnostic})
        })
        .collect();
    json!({
        "feedbackId": feedback_id,
        "bounceType": kind,
        "bounceSubType": sub,
        "bouncedRecipients": bounced,
        "timestamp": stamp(at),
        "reportingMTA": "dns; amazonses.com",
    })
}

impl State {
    /// A complaint puts the complainer on the account-level suppression list when the reasons
    /// of the message's set (else the account's) include COMPLAINT. (The mailbox simulator's
    /// `bounce@` is not put there: the guide says so.)
    pub(super) fn suppress_complainers(&mut self, m: &SentMessage) {
        let complainers: Vec<&String> = m
            .simulator
            .iter()
            .filter(|(_, outcome)| *outcome == "COMPLAINT")
            .map(|(a, _)| a)
            .collect();
        if complainers.is_empty() {
            return;
        }
        let region = self.region_mut(&m.region);
        let reasons = region.suppression_reasons_for(m.configuration_set.as_deref());
        if !reasons.contains(&super::suppression::Reason::Complaint) {
            return;
        }
        for a in complainers {
            let _ = region.put_suppressed(a, "COMPLAINT", m.time, Some(m.message_id.clone()));
        }
    }

    /// Tracks a counted message's ordinary recipients until the simulation decides about
    /// them (the mailbox simulator's were decided at send).
    pub(super) fn track(&mut self, m: &SentMessage) {
        let Some(set) = &m.configuration_set else {
            return;
        };
        // Lines of older outboxes say it by carrying the `mail` object itself.
        if !m.publishes && m.event_mail.is_none() {
            return;
        }
        let waiting: Vec<TrackedRecipient> =
            m.to.iter()
                .chain(&m.cc)
                .chain(&m.bcc)
                .filter(|a| !m.simulator.contains_key(*a) && !m.suppressed.contains(a))
                .map(|a| TrackedRecipient {
                    address: a.clone(),
                    isp: self.model.isp_of_domain(domain_of(a)).to_string(),
                })
                .filter(|r| r.isp != SIMULATOR)
                .filter(|r| !m.live.iter().any(|f| f.address == r.address))
                .collect();
        // Deferred at send (the live clock): retried or expired when the day closes.
        let queued: Vec<TrackedRecipient> = m
            .live
            .iter()
            .filter(|f| f.outcome == super::ledger::Outcome::Deferred)
            .map(|f| TrackedRecipient {
                address: f.address.clone(),
                isp: f.isp.clone(),
            })
            .collect();
        if (waiting.is_empty() && queued.is_empty()) || m.rendering_failure.is_some() {
            return;
        }
        let max = self
            .region(&m.region)
            .configuration_sets
            .entry(set)
            .ok()
            .flatten()
            .and_then(|c| c.max_delivery_seconds);
        let region = self.region_mut(&m.region);
        region.tracked.push_back(TrackedMail {
            seq: m.seq,
            message_id: m.message_id.clone(),
            configuration_set: set.clone(),
            pool: m.pool.clone(),
            date: m.date,
            mail: None,
            waiting,
            queued,
            max_delivery_seconds: max.map(u64::from),
        });
        let over = region.tracked.len().saturating_sub(MAX_TRACKED);
        region.tracked.drain(..over);
    }
}

impl Region {
    /// The enabled event destinations of a configuration set (a set that does not exist has
    /// none).
    pub fn event_targets(&self, set: &str) -> Vec<Target> {
        let Ok(Some(cs)) = self.configuration_sets.entry(set) else {
            return Vec::new();
        };
        cs.event_destinations
            .iter()
            .filter(|(_, d)| d.enabled)
            .map(|(name, d)| Target {
                name: name.clone(),
                types: d.matching_event_types.clone(),
                sns_topic: d.sns_destination.as_ref().map(|s| s.topic_arn.clone()),
                kind: if d.sns_destination.is_some() {
                    "SNS"
                } else if d.kinesis_firehose_destination.is_some() {
                    "FIREHOSE"
                } else if d.cloud_watch_destination.is_some() {
                    "CLOUDWATCH"
                } else if d.event_bridge_destination.is_some() {
                    "EVENTBRIDGE"
                } else {
                    "PINPOINT"
                },
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn event_types_parse_from_either_name() {
        for t in EventType::ALL {
            assert_eq!(EventType::parse(t.as_str()), Some(t));
            assert_eq!(EventType::parse(t.event_name()), Some(t));
        }
        assert_eq!(EventType::parse("nope"), None);
    }
}
