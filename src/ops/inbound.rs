//! Mail to the account: what SES does with a message its inbound endpoint took (rules R11–R15
//! in `model::inbound`, the actions of `model::receipt`). The door decides, as the SMTP
//! dialogue goes, whether the filters let the client in and which recipients the region takes;
//! then `receive` runs the active rule set over the message and returns what to keep and what
//! to publish: the message as SES stores it, the objects S3 actions write, the SNS
//! notifications and Lambda / WorkMail invocations (for the event log), and the bounces to
//! send. Sources: SES Developer Guide, "Email receiving concepts", the action pages, "Contents
//! of notifications for Amazon SES email receiving" and its examples, "Sample incoming email
//! event" (Lambda).

use std::net::IpAddr;

use base64::Engine;
use jiff::Timestamp;
use serde_json::{Value, json};

use crate::error::Result;
use crate::model::State;
use crate::model::inbound::{self, ActionRecord, InboundRecord};
use crate::model::publishing::EventRecord;
use crate::model::receipt::{Action, Rule};
use crate::model::rules::RawJson;
use crate::model::sending::Outgoing;

/// The largest message an SNS action's notification carries whole (SES: "If the message is
/// 150KB or smaller, this notification type also includes the complete MIME body").
pub const SNS_CONTENT_LIMIT: usize = 150 * 1024;

/// What the SMTP dialogue told: who sent, to whom, from where, and whether over TLS.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Envelope {
    pub region: String,
    pub mail_from: String,
    pub recipients: Vec<String>,
    pub client_ip: IpAddr,
    pub helo: String,
    pub tls: bool,
}

/// An object an S3 action writes to the local S3 folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct S3Object {
    pub bucket: String,
    pub key: String,
    pub bytes: Vec<u8>,
}

/// What receiving a message comes to.
#[derive(Debug, Clone)]
pub struct Received {
    pub record: InboundRecord,
    /// The message as SES keeps it (its `Received` and verdict headers first).
    pub message: Vec<u8>,
    pub objects: Vec<S3Object>,
    pub events: Vec<EventRecord>,
    /// The bounces to send, each with the index of its action in `record.actions`.
    pub bounces: Vec<(usize, Outgoing)>,
}

/// R10: whether the region's IP address filters let `ip` send to it (an IPv6 client is
/// judged by no filter: filters are IPv4 ranges).
pub fn ip_allowed(s: &State, region: &str, ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => s.region(region).ip_allowed(v4),
        IpAddr::V6(_) => true,
    }
}

/// R11, R13: whether the region takes mail for `recipient`.
pub fn accepts(s: &State, region: &str, recipient: &str, tls: bool) -> bool {
    inbound::accepts(s.region(region), recipient, tls)
}

/// A message ID as SES's inbound ones look (28 lowercase letters and digits).
fn message_id(env: &Envelope, now: Timestamp) -> String {
    use sha2::{Digest, Sha256};
    const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
    let h = Sha256::digest(
        format!(
            "{}\n{:?}\n{}\n{}",
            now.as_nanosecond(),
            env.recipients,
            env.mail_from,
            env.client_ip
        )
        .as_bytes(),
    );
    h.iter()
        .take(28)
        .map(|b| ALPHABET[*b as usize % ALPHABET.len()] as char)
        .collect()
}

fn stamp(t: Timestamp) -> String {
    t.strftime("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
}

/// The headers SES puts before a received message: the return path, its `Received` line, the
/// scan's verdicts (every check passes locally) and the authentication results.
fn ses_headers(env: &Envelope, id: &str, now: Timestamp, scanned: bool) -> String {
    let rcpt = env
        .recipients
        .first()
        .map(String::as_str)
        .unwrap_or_default();
    let date = now.strftime("%a, %d %b %Y %H:%M:%S +0000 (UTC)");
    let domain = env.mail_from.rsplit_once('@').map_or("", |(_, d)| d);
    let mut h = format!(
        "Return-Path: <{}>\r\nReceived: from {} ({} [{}])\r\n by inbound-smtp.{}.amazonaws.com with SMTP id {id}\r\n for {rcpt};\r\n {date}\r\n",
        env.mail_from, env.helo, env.helo, env.client_ip, env.region
    );
    if scanned {
        h.push_str("X-SES-Spam-Verdict: PASS\r\nX-SES-Virus-Verdict: PASS\r\n");
    }
    h.push_str(&format!(
        "Received-SPF: pass (spfCheck: sesm checks nothing; every verdict is PASS) client-ip={}; envelope-from={}; helo={};\r\nAuthentication-Results: amazonses.com;\r\n spf=pass (spfCheck: sesm checks nothing) client-ip={}; envelope-from={}; helo={};\r\n dkim=pass header.i=@{domain};\r\n dmarc=pass header.from={domain};\r\n",
        env.client_ip, env.mail_from, env.helo, env.client_ip, env.mail_from, env.helo
    ));
    h
}

/// The `mail` object of a received message's notifications (its headers as they are when the
/// action runs).
fn mail_object(message: &[u8], env: &Envelope, id: &str, now: Timestamp) -> Value {
    use mailparse::MailHeaderMap;
    let headers = mailparse::parse_headers(message)
        .map(|(h, _)| h)
        .unwrap_or_default();
    let mut list = Vec::new();
    let mut size = 0;
    let mut truncated = false;
    for h in &headers {
        size += h.get_key().len() + h.get_value().len();
        if size > 10 * 1024 {
            truncated = true;
            break;
        }
        list.push(json!({"name": h.get_key(), "value": h.get_value()}));
    }
    let first = |n: &str| headers.get_first_value(n);
    let many = |n: &str| -> Option<Vec<String>> {
        first(n).map(|v| {
            v.split(',')
                .map(|a| a.trim().to_string())
                .filter(|a| !a.is_empty())
                .collect()
        })
    };
    let mut common = serde_json::Map::new();
    common.insert("returnPath".into(), json!(env.mail_from));
    for (key, name) in [
        ("from", "From"),
        ("to", "To"),
        ("cc", "Cc"),
        ("bcc", "Bcc"),
        ("sender", "Sender"),
        ("replyTo", "Reply-To"),
    ] {
        if let Some(v) = many(name) {
            common.insert(key.into(), json!(v));
        }
    }
    for (key, name) in [
        ("date", "Date"),
        ("messageId", "Message-ID"),
        ("subject", "Subject"),
    ] {
        if let Some(v) = first(name) {
            common.insert(key.into(), json!(v));
        }
    }
    json!({
        "timestamp": stamp(now),
        "source": env.mail_from,
        "messageId": id,
        "destination": destination(&headers),
        "headersTruncated": truncated,
        "headers": list,
        "commonHeaders": common,
    })
}

/// `mail.destination`: the To and Cc addresses of the headers.
fn destination(headers: &[mailparse::MailHeader]) -> Vec<String> {
    use mailparse::MailHeaderMap;
    ["To", "Cc"]
        .iter()
        .filter_map(|n| headers.get_first_value(n))
        .filter_map(|v| mailparse::addrparse(&v).ok())
        .flat_map(|list| {
            list.iter()
                .flat_map(|a| match a {
                    mailparse::MailAddr::Single(s) => vec![s.addr.clone()],
                    mailparse::MailAddr::Group(g) => {
                        g.addrs.iter().map(|s| s.addr.clone()).collect()
                    }
                })
                .collect::<Vec<_>>()
        })
        .collect()
}

/// The `receipt` object of a notification about `action`.
fn receipt_object(took: &[String], scanned: bool, now: Timestamp, action: Value) -> Value {
    let pass = json!({"status": "PASS"});
    let mut r = json!({
        "timestamp": stamp(now),
        "processingTimeMillis": 42,
        "recipients": took,
        "spfVerdict": pass,
        "dkimVerdict": pass,
        "dmarcVerdict": pass,
        "action": action,
    });
    if scanned {
        r["spamVerdict"] = pass.clone();
        r["virusVerdict"] = pass;
    }
    r
}

/// The `action` object of a notification (`type` and the action's own members).
fn action_object(a: &Action, topic: Option<&str>, object_key: Option<&str>) -> Value {
    let mut o = serde_json::Map::new();
    o.insert("type".into(), json!(a.kind()));
    if let Some(t) = topic {
        o.insert("topicArn".into(), json!(t));
    }
    match a {
        Action::S3 { bucket_name, .. } => {
            o.insert("bucketName".into(), json!(bucket_name));
            o.insert("objectKey".into(), json!(object_key.unwrap_or_default()));
        }
        Action::Bounce {
            smtp_reply_code,
            status_code,
            message,
            sender,
            ..
        } => {
            o.insert("smtpReplyCode".into(), json!(smtp_reply_code));
            o.insert(
                "statusCode".into(),
                json!(status_code.clone().unwrap_or_default()),
            );
            o.insert("message".into(), json!(message));
            o.insert("sender".into(), json!(sender));
        }
        Action::Lambda {
            function_arn,
            invocation_type,
            ..
        } => {
            o.insert("functionArn".into(), json!(function_arn));
            o.insert(
                "invocationType".into(),
                json!(invocation_type.clone().unwrap_or_else(|| "Event".into())),
            );
        }
        Action::WorkMail {
            organization_arn, ..
        } => {
            o.insert("organizationArn".into(), json!(organization_arn));
        }
        Action::Sns { .. }
        | Action::Stop { .. }
        | Action::AddHeader { .. }
        | Action::Connect { .. } => {}
    }
    Value::Object(o)
}

/// One step of receiving: the facts every action's notification shares.
struct Step<'a> {
    s: &'a State,
    env: &'a Envelope,
    id: &'a str,
    now: Timestamp,
    set: &'a str,
    rule: &'a Rule,
    took: &'a [String],
}

impl Step<'_> {
    /// An event-log record of `doc` (`kind`: `Received`, `Lambda`, `WorkMail`, `Connect`),
    /// posted to `topic`'s subscribers when it names one.
    fn event(&self, kind: &str, topic: Option<&str>, doc: &Value) -> EventRecord {
        EventRecord {
            seq: 0,
            time: self.now,
            date: self.s.date,
            region: self.env.region.clone(),
            configuration_set_name: String::new(),
            pool_name: String::new(),
            destinations: vec![format!("{}/{}", self.set, self.rule.name)],
            sns_topics: topic.map(|t| vec![t.to_string()]).unwrap_or_default(),
            event_type: kind.to_string(),
            message_id: self.id.to_string(),
            event: RawJson::of(doc),
            event_bridge: None,
            mail_to_add: None,
        }
    }

    /// A notification (`notificationType` `Received`) about `action`, with `content` when an
    /// SNS action carries the message.
    fn notification(&self, message: &[u8], action: Value, content: Option<String>) -> Value {
        let mut n = json!({
            "notificationType": "Received",
            "receipt": receipt_object(self.took, self.rule.scan_enabled, self.now, action),
            "mail": mail_object(message, self.env, self.id, self.now),
        });
        if let Some(c) = content {
            n["content"] = json!(c);
        }
        n
    }
}

/// The object key an S3 action writes: its prefix, then the message ID.
fn object_key(prefix: Option<&str>, id: &str) -> String {
    format!("{}{id}", prefix.unwrap_or_default())
}

/// R14, R15: runs the active rule set over a message the dialogue accepted for
/// `env.recipients`: each rule that takes some of them, in order, each of its actions in
/// order, until a Stop action.
pub fn receive(s: &State, env: &Envelope, data: &[u8], now: Timestamp) -> Result<Received> {
    let id = message_id(env, now);
    let region = s.region(&env.region);
    let set = region.active_receipt_rule_set.clone().unwrap_or_default();
    let rules = inbound::applying(region, &env.recipients, env.tls);
    let scanned = rules.iter().any(|(r, _)| r.scan_enabled);
    let mut message = ses_headers(env, &id, now, scanned).into_bytes();
    message.extend_from_slice(data);
    let kept = message.clone();
    let mut out = Received {
        record: record(env, &id, &kept, &set, now),
        message: kept,
        objects: Vec::new(),
        events: Vec::new(),
        bounces: Vec::new(),
    };
    'rules: for (rule, took) in rules {
        let step = Step {
            s,
            env,
            id: &id,
            now,
            set: &set,
            rule,
            took: &took,
        };
        for action in &rule.actions {
            let stop = act(&step, action, &mut message, &mut out)?;
            if stop {
                break 'rules;
            }
        }
    }
    Ok(out)
}

/// One action; whether it stops the rule set.
fn act(step: &Step, action: &Action, message: &mut Vec<u8>, out: &mut Received) -> Result<bool> {
    let log = |out: &mut Received,
               kind: &str,
               detail: String,
               bucket: Option<String>,
               key: Option<String>| {
        out.record.actions.push(ActionRecord {
            rule: step.rule.name.clone(),
            kind: kind.to_string(),
            detail,
            bucket,
            key,
        });
    };
    let topic = action.topic();
    match action {
        Action::AddHeader {
            header_name,
            header_value,
        } => {
            let mut m = format!("{header_name}: {header_value}\r\n").into_bytes();
            m.extend_from_slice(message);
            *message = m;
            log(
                out,
                "AddHeader",
                format!("{header_name}: {header_value}"),
                None,
                None,
            );
        }
        Action::S3 {
            bucket_name,
            object_key_prefix,
            ..
        } => {
            let key = object_key(object_key_prefix.as_deref(), step.id);
            out.objects.push(S3Object {
                bucket: bucket_name.clone(),
                key: key.clone(),
                bytes: message.clone(),
            });
            log(
                out,
                "S3",
                format!("s3://{bucket_name}/{key}"),
                Some(bucket_name.clone()),
                Some(key.clone()),
            );
            if topic.is_some() {
                let n = step.notification(message, action_object(action, topic, Some(&key)), None);
                out.events.push(step.event("Received", topic, &n));
            }
        }
        Action::Sns { encoding, .. } => {
            let content = (message.len() <= SNS_CONTENT_LIMIT).then(|| match encoding.as_deref() {
                Some("Base64") => base64::engine::general_purpose::STANDARD.encode(&*message),
                _ => String::from_utf8_lossy(message).into_owned(),
            });
            let whole = content.is_some();
            let n = step.notification(message, action_object(action, topic, None), content);
            out.events.push(step.event("Received", topic, &n));
            log(
                out,
                "SNS",
                format!(
                    "{} ({})",
                    topic.unwrap_or_default(),
                    if whole {
                        "with the message"
                    } else {
                        "over 150 KB: without the message"
                    }
                ),
                None,
                None,
            );
        }
        Action::Bounce { .. } => bounce(step, action, message, out),
        Action::Lambda { function_arn, .. } => {
            let n = step.notification(message, action_object(action, topic, None), None);
            let invocation = json!({"Records": [{
                "eventSource": "aws:ses",
                "eventVersion": "1.0",
                "ses": {"mail": n["mail"], "receipt": n["receipt"]},
            }]});
            out.events.push(step.event("Lambda", None, &invocation));
            log(out, "Lambda", function_arn.clone(), None, None);
            if topic.is_some() {
                out.events.push(step.event("Received", topic, &n));
            }
        }
        Action::WorkMail {
            organization_arn, ..
        } => {
            let n = step.notification(message, action_object(action, topic, None), None);
            out.events.push(step.event("WorkMail", None, &n));
            log(out, "WorkMail", organization_arn.clone(), None, None);
            if topic.is_some() {
                out.events.push(step.event("Received", topic, &n));
            }
        }
        Action::Connect { instance_arn, .. } => {
            let n = step.notification(message, action_object(action, None, None), None);
            out.events.push(step.event("Connect", None, &n));
            log(out, "Connect", instance_arn.clone(), None, None);
        }
        Action::Stop { .. } => {
            log(out, "Stop", "the rule set stops here".into(), None, None);
            if topic.is_some() {
                let n = step.notification(message, action_object(action, topic, None), None);
                out.events.push(step.event("Received", topic, &n));
            }
            return Ok(true);
        }
    }
    Ok(false)
}

/// A Bounce action: a DSN to the envelope sender for the recipients the rule took.
fn bounce(step: &Step, action: &Action, message: &[u8], out: &mut Received) {
    let Action::Bounce {
        smtp_reply_code,
        status_code,
        message: text,
        sender,
        ..
    } = action
    else {
        return;
    };
    let topic = action.topic();
    let original = out.record.clone();
    let status = status_code
        .clone()
        .unwrap_or_else(|| format!("{}.0.0", &smtp_reply_code[..1]));
    let b = super::bounce::Bounce {
        sender: sender.clone(),
        explanation: Some(text.clone()),
        recipients: step
            .took
            .iter()
            .map(|r| super::bounce::Recipient {
                address: r.clone(),
                action: "failed".into(),
                status: status.clone(),
                diagnostic: Some(format!("smtp; {smtp_reply_code} {status} {text}")),
                ..Default::default()
            })
            .collect(),
        ..Default::default()
    };
    let headers = header_section(message);
    let detail = match super::bounce::message(&b, &original, &headers, step.now) {
        Ok(m) => {
            out.bounces.push((out.record.actions.len(), m));
            format!(
                "{smtp_reply_code} {status} to {} from {sender}",
                original.source
            )
        }
        Err(e) => format!("no bounce sent: {}", e.message),
    };
    out.record.actions.push(ActionRecord {
        rule: step.rule.name.clone(),
        kind: "Bounce".into(),
        detail,
        bucket: None,
        key: None,
    });
    if topic.is_some() {
        let n = step.notification(message, action_object(action, topic, None), None);
        out.events.push(step.event("Received", topic, &n));
    }
}

/// A message's header section (for a bounce's third part).
fn header_section(message: &[u8]) -> String {
    let end = message
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or(message.len());
    String::from_utf8_lossy(&message[..end]).into_owned()
}

/// The record a received message leaves (its actions are added as they run).
fn record(env: &Envelope, id: &str, message: &[u8], set: &str, now: Timestamp) -> InboundRecord {
    use mailparse::MailHeaderMap;
    let headers = mailparse::parse_headers(message)
        .map(|(h, _)| h)
        .unwrap_or_default();
    InboundRecord {
        seq: 0,
        message_id: id.to_string(),
        time: now,
        region: env.region.clone(),
        source: env.mail_from.clone(),
        recipients: env.recipients.clone(),
        destination: destination(&headers),
        subject: headers.get_first_value("Subject"),
        size: message.len() as u64,
        client_ip: env.client_ip.to_string(),
        rule_set: (!set.is_empty()).then(|| set.to_string()),
        actions: Vec::new(),
    }
}

/// `sesm inbound list` / `GET /_sesm/inbound`: which received messages to show.
#[derive(Debug, Clone, Default)]
pub struct InboundQuery {
    /// Only messages to this envelope recipient (the domain without case).
    pub to: Option<String>,
    pub since: Option<Timestamp>,
    pub region: Option<String>,
}

/// The received messages a query keeps, oldest first.
#[derive(Debug, serde::Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct InboundList {
    pub messages: Vec<InboundRecord>,
}

pub fn list(records: Vec<InboundRecord>, q: &InboundQuery) -> InboundList {
    let messages = records
        .into_iter()
        .filter(|r| q.region.as_deref().is_none_or(|g| g == r.region))
        .filter(|r| q.since.is_none_or(|t| r.time >= t))
        .filter(|r| {
            q.to.as_deref().is_none_or(|to| {
                r.recipients
                    .iter()
                    .any(|x| crate::model::sending::same_address(x, to))
            })
        })
        .collect();
    InboundList { messages }
}

/// One received message: its record and the message taken apart.
#[derive(Debug, serde::Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct InboundDetail {
    #[serde(flatten)]
    pub record: InboundRecord,
    #[serde(flatten)]
    pub parsed: super::message::Parsed,
}

/// The received message with ID `id`, taken apart; NotFound when it is not kept.
pub fn detail(records: Vec<InboundRecord>, id: &str, mime: Option<&[u8]>) -> Result<InboundDetail> {
    let record = records
        .into_iter()
        .find(|r| r.message_id == id)
        .ok_or_else(|| {
            crate::error::Error::not_found(format!(
                "No received message has ID {}: sesm keeps the last {} received.",
                id.escape_default(),
                1000
            ))
        })?;
    Ok(InboundDetail {
        record,
        parsed: super::message::parse(mime.unwrap_or_default()),
    })
}
