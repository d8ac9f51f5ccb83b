//! Event publishing (`docs/events.md`): which events a message gets and when, in SES's JSON ("Contents of event
//! data that Amazon SES publishes", SES Developer Guide). A message whose configuration set
//! has an enabled event destination is prepared at send (`prepare`): its `mail` object is
//! built once and kept in its journal line, the events known at once are returned (Send,
//! Rendering Failure, the mailbox simulator's outcomes, a suppressed recipient's bounce), and
//! its ordinary recipients are tracked in the region until the simulation decides what
//! happened to them (`after_days`): Delivery, DeliveryDelay (`SendingDeferral`), then
//! Delivery or Bounce. Published events go to the state's `published` list, which the store
//! appends to the event log with the write that made them.

use std::collections::BTreeMap;

use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use serde_json::{Value, json};

use super::sending::{SIMULATOR, SentMessage, domain_of};
use super::{Region, State};

pub use super::event::EventType;

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

/// A JSON document kept as its text (an event, a `mail` object): compared by that text.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(transparent)]
pub struct RawJson(pub Box<RawValue>);

impl PartialEq for RawJson {
    fn eq(&self, other: &Self) -> bool {
        self.0.get() == other.0.get()
    }
}

impl RawJson {
    fn of(v: &Value) -> RawJson {
        RawJson(RawValue::from_string(v.to_string()).unwrap_or_else(|_| {
            RawValue::from_string("{}".into()).expect("an empty object is JSON")
        }))
    }

    pub fn get(&self) -> &str {
        self.0.get()
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
    /// The `mail` object of its events.
    pub mail: RawJson,
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

/// Checks an SNS topic ARN (`arn:aws:sns:REGION:ACCOUNT:NAME`); the name has 1–256 letters,
/// digits, `-` or `_` (`.fifo` topics are not SES destinations).
pub fn check_topic_arn(arn: &str) -> std::result::Result<(), String> {
    let parts: Vec<&str> = arn.split(':').collect();
    let ok = parts.len() == 6
        && parts[0] == "arn"
        && parts[1].starts_with("aws")
        && parts[2] == "sns"
        && super::names::check_region(parts[3]).is_ok()
        && parts[4].len() == 12
        && parts[4].bytes().all(|b| b.is_ascii_digit())
        && (1..=256).contains(&parts[5].len())
        && parts[5]
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if ok {
        Ok(())
    } else {
        Err(format!(
            "Invalid SNS topic ARN '{}': expected arn:aws:sns:REGION:ACCOUNT:NAME.",
            arn.escape_default()
        ))
    }
}

/// Events a write made, for the store to append to the event log with it. Never part of the
/// state file, and never what makes two states differ.
#[derive(Debug, Clone, Default)]
pub struct Published(pub Vec<EventRecord>);

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

/// The automatic tags and the message's own (`EmailTags`) as SES puts them in `mail.tags`.
fn tags(m: &SentMessage) -> BTreeMap<String, Vec<String>> {
    let mut t: BTreeMap<String, Vec<String>> = BTreeMap::new();
    if let Some(cs) = &m.configuration_set {
        t.insert("ses:configuration-set".into(), vec![cs.clone()]);
    }
    t.insert("ses:source-ip".into(), vec!["127.0.0.1".into()]);
    t.insert(
        "ses:from-domain".into(),
        vec![domain_of(&m.from).to_string()],
    );
    t.insert("ses:caller-identity".into(), vec!["sesm".into()]);
    t.insert("ses:operation".into(), vec!["SendEmail".into()]);
    for (name, value) in &m.tags {
        t.entry(name.clone()).or_default().push(value.clone());
    }
    t
}

/// The headers of a kept message, as `mail.headers` lists them (SES truncates them past
/// 10 KB and says so in `headersTruncated`).
fn headers_of(mime: &[u8]) -> (Vec<Value>, bool) {
    let Ok((headers, _)) = mailparse::parse_headers(mime) else {
        return (Vec::new(), false);
    };
    let mut out = Vec::new();
    let mut size = 0;
    for h in &headers {
        let (name, value) = (h.get_key(), h.get_value());
        size += name.len() + value.len();
        if size > 10 * 1024 {
            return (out, true);
        }
        out.push(json!({"name": name, "value": value}));
    }
    (out, false)
}

/// The `mail` object of a message's events.
fn mail_object(s: &State, m: &SentMessage) -> Value {
    use mailparse::MailHeaderMap;
    let (headers, truncated) = headers_of(&m.mime);
    let parsed = mailparse::parse_headers(&m.mime).map(|(h, _)| h).ok();
    let first = |name: &str| parsed.as_ref().and_then(|h| h.get_first_value(name));
    let list = |l: &[String]| l.to_vec();
    let mut common = serde_json::Map::new();
    common.insert(
        "from".into(),
        json!(first("From").map_or_else(|| vec![m.from.clone()], |f| vec![f])),
    );
    if !m.to.is_empty() {
        common.insert("to".into(), json!(list(&m.to)));
    }
    if !m.cc.is_empty() {
        common.insert("cc".into(), json!(list(&m.cc)));
    }
    common.insert("messageId".into(), json!(m.message_id));
    if let Some(d) = first("Date") {
        common.insert("date".into(), json!(d));
    }
    if let Some(subject) = m.subject.clone().or_else(|| first("Subject")) {
        common.insert("subject".into(), json!(subject));
    }
    let destination: Vec<&String> = m.to.iter().chain(&m.cc).chain(&m.bcc).collect();
    let identity = s
        .region(&m.region)
        .sender_identity(&m.from)
        .ok()
        .flatten()
        .map_or_else(|| domain_of(&m.from).to_string(), |(name, _)| name);
    json!({
        "timestamp": stamp(m.time),
        "source": m.from,
        "sourceArn": format!(
            "arn:{}:ses:{}:{}:identity/{}",
            State::partition(&m.region),
            m.region,
            s.account_id,
            identity
        ),
        "sendingAccountId": s.account_id,
        "messageId": m.message_id,
        "destination": destination,
        "headersTruncated": truncated,
        "headers": headers,
        "commonHeaders": common,
        "tags": tags(m),
    })
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
    })
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

/// Prepares accepted messages for event publishing: a message whose set has an enabled
/// destination gets its `mail` object (kept in its journal line, so later events carry it);
/// returned are the events known at once — Send, Rendering Failure, and the mailbox
/// simulator's outcomes.
pub fn prepare(s: &State, sent: &mut [SentMessage], now: Timestamp) -> Vec<EventRecord> {
    let mut out = Vec::new();
    for m in sent.iter_mut() {
        let Some(set) = m.configuration_set.clone() else {
            continue;
        };
        let region = s.region(&m.region);
        if region.event_targets(&set).is_empty() {
            continue;
        }
        let mail = RawJson::of(&mail_object(s, m));
        let at = stamp(m.time);
        let id = m.message_id.clone();
        let date = m.date;
        out.extend(record(
            region,
            &m.region,
            &set,
            &m.pool,
            EventType::Send,
            &id,
            date,
            now,
            || event_json(EventType::Send, &mail, None, "send", json!({})),
        ));
        if let Some(why) = &m.rendering_failure {
            out.extend(record(
                region,
                &m.region,
                &set,
                &m.pool,
                EventType::RenderingFailure,
                &id,
                date,
                now,
                || {
                    event_json(
                        EventType::RenderingFailure,
                        &mail,
                        None,
                        "failure",
                        json!({"errorMessage": why, "templateName": m.template_name.clone().unwrap_or_default()}),
                    )
                },
            ));
        } else {
            for address in &m.suppressed {
                out.extend(record(
                    region,
                    &m.region,
                    &set,
                    &m.pool,
                    EventType::Bounce,
                    &id,
                    date,
                    now,
                    || {
                        event_json(
                            EventType::Bounce,
                            &mail,
                            None,
                            "bounce",
                            bounce_body(
                                m.time,
                                "Permanent",
                                "OnAccountSuppressionList",
                                &[address],
                                "5.1.1",
                                "Amazon SES did not send the message to this address because it is on the suppression list for your account.",
                                &format!("{id}-{:06}-suppressed", m.seq),
                            ),
                        )
                    },
                ));
            }
            for (address, outcome) in &m.simulator {
                out.extend(simulator_event(
                    region, &m.region, &set, &id, date, now, &mail, address, outcome, m.seq, &at,
                ));
            }
        }
        m.event_mail = Some(mail);
    }
    out
}

/// The event the mailbox simulator's address asks for, at once.
#[allow(clippy::too_many_arguments)]
fn simulator_event(
    region: &Region,
    region_name: &str,
    set: &str,
    id: &str,
    date: Date,
    now: Timestamp,
    mail: &RawJson,
    address: &str,
    outcome: &str,
    seq: u64,
    at: &str,
) -> Vec<EventRecord> {
    let ip = shared_ip(seq);
    let delivered = || {
        record(
            region,
            region_name,
            set,
            super::SHARED_POOL,
            EventType::Delivery,
            id,
            date,
            now,
            || {
                event_json(
                    EventType::Delivery,
                    mail,
                    Some((&ip, super::SHARED_POOL)),
                    "delivery",
                    delivery_body(at.parse().unwrap_or(now), &[address], &ip),
                )
            },
        )
    };
    let t: Timestamp = at.parse().unwrap_or(now);
    let feedback = format!("{id}-{seq:06}-simulator");
    let (kind, key, body) = match outcome {
        // Delivered (ooto@ then answers the Return-Path, which is no event).
        "SUCCESS" | "OOTO" => return delivered().into_iter().collect(),
        "BOUNCE" => (
            EventType::Bounce,
            "bounce",
            bounce_body(
                t,
                "Permanent",
                "General",
                &[address],
                "5.1.1",
                "smtp; 550 5.1.1 user unknown",
                &feedback,
            ),
        ),
        // "as if the recipient's address is on the global suppression list".
        "SUPPRESSION_LIST" => (
            EventType::Bounce,
            "bounce",
            bounce_body(
                t,
                "Permanent",
                "Suppressed",
                &[address],
                "5.1.1",
                &format!("smtp; 550 5.1.1 user unknown ( blacklisted address: {address} )"),
                &feedback,
            ),
        ),
        "COMPLAINT" => (
            EventType::Complaint,
            "complaint",
            json!({
                "feedbackId": feedback,
                "complaintSubType": null,
                "complainedRecipients": [{"emailAddress": address}],
                "timestamp": stamp(t),
                "userAgent": "Amazon SES Mailbox Simulator",
                "complaintFeedbackType": "abuse",
                "arrivalDate": stamp(t),
            }),
        ),
        _ => return Vec::new(),
    };
    // A complaint comes from an inbox the mail reached: delivered first.
    let mut out: Vec<EventRecord> = if kind == EventType::Complaint {
        delivered().into_iter().collect()
    } else {
        Vec::new()
    };
    let outgoing = (kind != EventType::Complaint).then_some((ip.as_str(), super::SHARED_POOL));
    out.extend(record(
        region,
        region_name,
        set,
        super::SHARED_POOL,
        kind,
        id,
        date,
        now,
        || event_json(kind, mail, outgoing, key, body),
    ));
    out
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
        let (Some(mail), Some(set)) = (&m.event_mail, &m.configuration_set) else {
            return;
        };
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
                .collect();
        if waiting.is_empty() || m.rendering_failure.is_some() {
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
        region.tracked.push(TrackedMail {
            seq: m.seq,
            message_id: m.message_id.clone(),
            configuration_set: set.clone(),
            pool: m.pool.clone(),
            date: m.date,
            mail: mail.clone(),
            waiting,
            queued: Vec::new(),
            max_delivery_seconds: max.map(u64::from),
        });
        let over = region.tracked.len().saturating_sub(MAX_TRACKED);
        region.tracked.drain(..over);
    }
}

/// Cumulative split of `n` items into parts in proportion to `weights` (their sum may
/// exceed `n`'s population: each part gets `n * weight / total`, rounded so the parts add up).
fn split(n: usize, weights: &[u64]) -> Vec<usize> {
    let total: u128 = weights.iter().map(|w| *w as u128).sum();
    if total == 0 {
        let mut out = vec![0; weights.len()];
        if let Some(first) = out.first_mut() {
            *first = n;
        }
        return out;
    }
    let mut out = Vec::with_capacity(weights.len());
    let mut cum: u128 = 0;
    let mut given = 0usize;
    for w in weights {
        cum += *w as u128;
        let upto = ((n as u128 * cum + total / 2) / total) as usize;
        out.push(upto.saturating_sub(given));
        given = upto.max(given);
    }
    out
}

/// What one simulated day did to one pool's mail for one ISP (from the day's report).
#[derive(Debug, Clone, Copy, Default)]
pub struct DayOutcome {
    pub demand: u64,
    pub new_dedicated: u64,
    pub shared: u64,
    pub deferred: u64,
    /// Of the deferred, those that carry to the next day.
    pub carried: u64,
    /// Yesterday's queue coming in, and how much of it went out.
    pub queued: u64,
    pub retried: u64,
}

impl State {
    /// After simulated days: the fate of tracked messages, as events. `days` lists, in day
    /// order, each (date, region, pool, ISP) outcome of the run. A day's new mail of a pool
    /// and ISP is split over its tracked recipients in send order, in the day's proportions:
    /// dedicated, then shared, then deferred (`DeliveryDelay`, `SendingDeferral`); the deferred
    /// that do not carry to the next day (the last ones) bounce that day. A queue coming in
    /// goes out in the proportion retried (oldest first: `Delivery`), the rest bounces
    /// (transient: it outlived the retry window).
    pub fn publish_days(
        &mut self,
        days: &[(Date, String, String, String, DayOutcome)],
        last: Option<Date>,
        now: Timestamp,
    ) {
        let mut events = Vec::new();
        for (date, region_name, pool, isp, o) in days {
            let at = time_on(*date, now);
            let mut region = std::mem::take(self.region_mut(region_name));
            let ips: Vec<String> = region
                .ips_of_pool(pool)
                .map(|(ip, _)| ip.to_string())
                .collect();
            let ip_for = |seq: u64, dedicated: bool| {
                if dedicated && !ips.is_empty() {
                    ips[(seq % ips.len() as u64) as usize].clone()
                } else {
                    shared_ip(seq)
                }
            };
            // Yesterday's queue first.
            let mut queue: Vec<(usize, usize)> = Vec::new();
            for (ti, t) in region.tracked.iter().enumerate() {
                if t.pool != *pool || t.date >= *date {
                    continue;
                }
                for (ri, r) in t.queued.iter().enumerate() {
                    if r.isp == *isp {
                        queue.push((ti, ri));
                    }
                }
            }
            let parts = split(
                queue.len(),
                &[o.retried, o.queued.saturating_sub(o.retried)],
            );
            let mut outcome: Vec<(usize, usize, Fate)> = Vec::new();
            for (k, (ti, ri)) in queue.into_iter().enumerate() {
                let fate = if k < parts[0] {
                    Fate::Delivered(true)
                } else {
                    Fate::Expired
                };
                outcome.push((ti, ri, fate));
            }
            // Then the day's new mail.
            let mut new: Vec<(usize, usize)> = Vec::new();
            for (ti, t) in region.tracked.iter().enumerate() {
                if t.pool != *pool || t.date != *date {
                    continue;
                }
                for (ri, r) in t.waiting.iter().enumerate() {
                    if r.isp == *isp {
                        new.push((ti, ri));
                    }
                }
            }
            let parts = split(
                new.len(),
                &[
                    o.new_dedicated,
                    o.shared,
                    o.deferred.min(o.carried),
                    o.deferred.saturating_sub(o.carried),
                    o.demand
                        .saturating_sub(o.new_dedicated + o.shared + o.deferred),
                ],
            );
            let mut bounds = Vec::new();
            let mut acc = 0;
            for p in &parts {
                acc += p;
                bounds.push(acc);
            }
            let mut new_fates = Vec::new();
            for (k, (ti, ri)) in new.into_iter().enumerate() {
                let fate = if k < bounds[0] {
                    Fate::Delivered(true)
                } else if k < bounds[1] {
                    Fate::Delivered(false)
                } else if k < bounds[2] {
                    Fate::Deferred
                } else if k < bounds[3] {
                    Fate::DeferredExpired
                } else {
                    Fate::Delivered(false)
                };
                new_fates.push((ti, ri, fate));
            }
            // Group per message and fate, so one event lists its recipients.
            let mut grouped: BTreeMap<(usize, u8), Vec<String>> = BTreeMap::new();
            let mut requeue: Vec<(usize, TrackedRecipient)> = Vec::new();
            let mut done_queued: Vec<(usize, usize)> = Vec::new();
            let mut done_waiting: Vec<(usize, usize)> = Vec::new();
            for (ti, ri, fate) in outcome {
                grouped
                    .entry((ti, fate.code()))
                    .or_default()
                    .push(region.tracked[ti].queued[ri].address.clone());
                done_queued.push((ti, ri));
            }
            for (ti, ri, fate) in new_fates {
                let r = region.tracked[ti].waiting[ri].clone();
                grouped
                    .entry((ti, fate.code()))
                    .or_default()
                    .push(r.address.clone());
                if fate == Fate::Deferred {
                    requeue.push((ti, r));
                } else if fate == Fate::DeferredExpired {
                    grouped
                        .entry((ti, Fate::Expired.code()))
                        .or_default()
                        .push(r.address.clone());
                }
                done_waiting.push((ti, ri));
            }
            for ((ti, code), recipients) in grouped {
                let t = &region.tracked[ti];
                let refs: Vec<&str> = recipients.iter().map(String::as_str).collect();
                let (kind, key, body, outgoing) = match code {
                    0 | 1 => {
                        let ip = ip_for(t.seq, code == 0);
                        let p = if code == 0 {
                            pool.clone()
                        } else {
                            super::SHARED_POOL.to_string()
                        };
                        (
                            EventType::Delivery,
                            "delivery",
                            delivery_body(at, &refs, &ip),
                            Some((ip, p)),
                        )
                    }
                    2 | 3 => {
                        let expires = t.max_delivery_seconds.unwrap_or(50_400);
                        let expiration = at
                            .checked_add(jiff::SignedDuration::from_secs(expires as i64))
                            .unwrap_or(at);
                        let delayed: Vec<Value> = refs
                            .iter()
                            .map(|r| json!({"emailAddress": r, "status": "4.4.1", "diagnosticCode": "Amazon SES deferred sending: the managed pool is warming up (SendingDeferral)"}))
                            .collect();
                        (
                            EventType::DeliveryDelay,
                            "deliveryDelay",
                            json!({
                                "timestamp": stamp(at),
                                "delayType": "SendingDeferral",
                                "expirationTime": stamp(expiration),
                                "delayedRecipients": delayed,
                            }),
                            None,
                        )
                    }
                    // Mail that outlived its retry window: SES's bounce for a sender-set
                    // time (MaxDeliverySeconds) is Transient/CustomTimeoutExceeded.
                    _ => {
                        let (sub, diagnostic) = match t.max_delivery_seconds {
                            Some(s) => (
                                "CustomTimeoutExceeded",
                                format!("smtp; 554 4.4.7 Message expired: not delivered within the configuration set's MaxDeliverySeconds ({s} s); Amazon SES deferred it (SendingDeferral)"),
                            ),
                            None => (
                                "General",
                                "smtp; 554 4.4.7 Message expired: unable to deliver in 840 minutes; Amazon SES deferred it (SendingDeferral)".to_string(),
                            ),
                        };
                        (
                            EventType::Bounce,
                            "bounce",
                            bounce_body(
                                at,
                                "Transient",
                                sub,
                                &refs,
                                "4.4.7",
                                &diagnostic,
                                &format!("{}-{:06}-expired", t.message_id, t.seq),
                            ),
                            None,
                        )
                    }
                };
                let mail = t.mail.clone();
                events.extend(record(
                    &region,
                    region_name,
                    &t.configuration_set,
                    pool,
                    kind,
                    &t.message_id,
                    *date,
                    at,
                    || {
                        event_json(
                            kind,
                            &mail,
                            outgoing.as_ref().map(|(ip, p)| (ip.as_str(), p.as_str())),
                            key,
                            body,
                        )
                    },
                ));
            }
            // Remove decided recipients (highest index first), queue the deferred.
            done_queued.sort_unstable_by(|a, b| b.cmp(a));
            for (ti, ri) in done_queued {
                region.tracked[ti].queued.remove(ri);
            }
            done_waiting.sort_unstable_by(|a, b| b.cmp(a));
            for (ti, ri) in done_waiting {
                region.tracked[ti].waiting.remove(ri);
            }
            for (ti, r) in requeue {
                region.tracked[ti].queued.push(r);
            }
            region
                .tracked
                .retain(|t| !t.waiting.is_empty() || !t.queued.is_empty());
            *self.region_mut(region_name) = region;
        }
        // Mail of a simulated day that no pool of that day reported (its pool was emptied or
        // removed since): it went through shared IPs, as SES sends mail without a pool.
        if let Some(last) = last {
            let names: Vec<String> = self.regions.keys().cloned().collect();
            for name in names {
                let region = self.region(&name);
                let stranded: Vec<usize> = region
                    .tracked
                    .iter()
                    .enumerate()
                    .filter(|(_, t)| t.date <= last && !t.waiting.is_empty())
                    .map(|(i, _)| i)
                    .collect();
                for i in stranded {
                    let t = &self.region(&name).tracked[i];
                    let refs: Vec<&str> = t.waiting.iter().map(|r| r.address.as_str()).collect();
                    let at = time_on(t.date, now);
                    let ip = shared_ip(t.seq);
                    let body = delivery_body(at, &refs, &ip);
                    let mail = t.mail.clone();
                    events.extend(record(
                        self.region(&name),
                        &name,
                        &t.configuration_set,
                        &t.pool,
                        EventType::Delivery,
                        &t.message_id,
                        t.date,
                        at,
                        || {
                            event_json(
                                EventType::Delivery,
                                &mail,
                                Some((&ip, super::SHARED_POOL)),
                                "delivery",
                                body,
                            )
                        },
                    ));
                    self.region_mut(&name).tracked[i].waiting.clear();
                }
                self.region_mut(&name)
                    .tracked
                    .retain(|t| !t.waiting.is_empty() || !t.queued.is_empty());
            }
        }
        self.published.0.extend(events);
    }
}

/// What happened to one tracked recipient on a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fate {
    /// Delivered, through the pool's IPs (`true`) or shared ones.
    Delivered(bool),
    Deferred,
    /// Deferred, and not carried to the next day.
    DeferredExpired,
    Expired,
}

impl Fate {
    /// The order events of a message appear in: deliveries, delays, bounces.
    fn code(self) -> u8 {
        match self {
            Fate::Delivered(true) => 0,
            Fate::Delivered(false) => 1,
            Fate::Deferred => 2,
            Fate::DeferredExpired => 3,
            Fate::Expired => 4,
        }
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

/// A `Subscription` event (a contact of `m`'s list changed its preferences through the
/// message's unsubscribe link), for the destinations of `m`'s set that take it; `subscription`
/// is the event's own object (`contactList`, `timestamp`, `source`, `newTopicPreferences`,
/// `oldTopicPreferences`).
pub fn subscription_event(
    s: &State,
    m: &SentMessage,
    subscription: Value,
    now: Timestamp,
) -> Option<EventRecord> {
    let set = m.configuration_set.as_deref()?;
    let region = s.region(&m.region);
    let mail = RawJson::of(&mail_object(s, m));
    record(
        region,
        &m.region,
        set,
        &m.pool,
        EventType::Subscription,
        &m.message_id,
        s.date,
        now,
        || {
            event_json(
                EventType::Subscription,
                &mail,
                None,
                "subscription",
                subscription,
            )
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_adds_up_and_follows_the_proportions() {
        assert_eq!(split(10, &[5, 3, 2]), vec![5, 3, 2]);
        assert_eq!(split(3, &[100, 0, 0]), vec![3, 0, 0]);
        assert_eq!(split(0, &[1, 1]), vec![0, 0]);
        assert_eq!(split(4, &[0, 0]), vec![4, 0]);
        for n in 0..30 {
            for w in [[1, 2, 3], [7, 0, 1], [1_000_000, 1, 1]] {
                assert_eq!(split(n, &w).iter().sum::<usize>(), n, "{n} {w:?}");
            }
        }
    }

    #[test]
    fn event_types_parse_from_either_name() {
        for t in EventType::ALL {
            assert_eq!(EventType::parse(t.as_str()), Some(t));
            assert_eq!(EventType::parse(t.event_name()), Some(t));
        }
        assert_eq!(EventType::parse("nope"), None);
    }
}
