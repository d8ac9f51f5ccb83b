//! A message's `mail` object as its events carry it ("Contents of event data that Amazon SES
//! publishes", SES Developer Guide, and SES's recorded answers in LocalStack's snapshots):
//! its headers as SES shows them (what it built, or the raw message's own), its common headers,
//! and its tags, SES's auto-tags (`ses:operation` naming the call) with the message's own.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::{RawJson, stamp};
use crate::model::State;
use crate::model::sending::{Content, SentMessage, domain_of};

/// The automatic tags and the message's own (`EmailTags`) as SES puts them in `mail.tags`:
/// `ses:operation` names the call (`SendRawEmail`, `SendTemplatedEmail`, … in the recorded AWS
/// answers), and `ses:from-domain` is the `From` header's domain, absent when a raw message
/// has none (recorded `test_ses_sns_topic_integration_send_raw_email`).
fn tags(m: &SentMessage, from_header: Option<&str>) -> BTreeMap<String, Vec<String>> {
    let mut t: BTreeMap<String, Vec<String>> = BTreeMap::new();
    if let Some(cs) = &m.configuration_set {
        t.insert("ses:configuration-set".into(), vec![cs.clone()]);
    }
    t.insert("ses:source-ip".into(), vec!["127.0.0.1".into()]);
    let from_domain = match m.call.content {
        Content::Raw => from_header
            .and_then(crate::model::sending::address_of)
            .map(|a| domain_of(&a).to_ascii_lowercase()),
        Content::Simple | Content::Template => Some(domain_of(&m.from).to_string()),
    };
    if let Some(domain) = from_domain {
        t.insert("ses:from-domain".into(), vec![domain]);
    }
    t.insert("ses:caller-identity".into(), vec!["sesm".into()]);
    t.insert("ses:operation".into(), vec![m.call.operation.into()]);
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

/// Whether a `mail.headers` entry is the header `name`.
fn is_header(h: &Value, name: &str) -> bool {
    h["name"]
        .as_str()
        .is_some_and(|n| n.eq_ignore_ascii_case(name))
}

/// The headers SES's events show of a message it built: not the `Message-ID` and `Date` it
/// adds as it sends (`From`, `To`, `Subject`, `MIME-Version`, `Content-Type` for Simple
/// content), but a template's rendered message starts with its `Date` (recorded AWS answers
/// of `test_ses_sns_topic_integration_send_email` and `…_send_templated_email`). A raw
/// message's are its own.
fn event_headers(mut headers: Vec<Value>, content: Content) -> Vec<Value> {
    match content {
        Content::Raw => {}
        Content::Simple => headers.retain(|h| !is_header(h, "Message-ID") && !is_header(h, "Date")),
        Content::Template => {
            headers.retain(|h| !is_header(h, "Message-ID"));
            if let Some(i) = headers.iter().position(|h| is_header(h, "Date")) {
                let date = headers.remove(i);
                headers.insert(0, date);
            }
        }
    }
    headers
}

/// The addresses of a raw message's address-list header, as written.
fn header_list(headers: &[mailparse::MailHeader], name: &str) -> Vec<String> {
    use mailparse::MailHeaderMap;
    headers
        .get_all_headers(name)
        .into_iter()
        .filter_map(|h| mailparse::addrparse_header(h).ok())
        .flat_map(|list| {
            list.iter()
                .flat_map(|a| match a {
                    mailparse::MailAddr::Single(one) => vec![one.to_string()],
                    mailparse::MailAddr::Group(g) => {
                        g.addrs.iter().map(ToString::to_string).collect()
                    }
                })
                .collect::<Vec<_>>()
        })
        .collect()
}

/// The `mail` object of a message's events.
pub(super) fn mail_object(s: &State, m: &SentMessage) -> Value {
    use mailparse::MailHeaderMap;
    let (headers, truncated) = headers_of(&m.mime);
    let headers = event_headers(headers, m.call.content);
    let parsed = mailparse::parse_headers(&m.mime).map(|(h, _)| h).ok();
    let parsed = parsed.as_deref().unwrap_or_default();
    let first = |name: &str| parsed.get_first_value(name);
    let mut common = serde_json::Map::new();
    // A raw message's common headers are its own (none when it has none); those of a message
    // SES built are the request's.
    let (from, to, cc) = match m.call.content {
        Content::Raw => (
            header_list(parsed, "From"),
            header_list(parsed, "To"),
            header_list(parsed, "Cc"),
        ),
        Content::Simple | Content::Template => (
            vec![first("From").unwrap_or_else(|| m.from.clone())],
            m.to.clone(),
            m.cc.clone(),
        ),
    };
    if !from.is_empty() {
        common.insert("from".into(), json!(from));
    }
    if !to.is_empty() {
        common.insert("to".into(), json!(to));
    }
    if !cc.is_empty() {
        common.insert("cc".into(), json!(cc));
    }
    common.insert("messageId".into(), json!(m.message_id));
    if let Some(d) = first("Date").filter(|_| m.call.content != Content::Simple) {
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
        "tags": tags(m, first("From").as_deref()),
    })
}

/// The `mail` of a template's Send event: the message before SES renders it — `From`, `To`,
/// `Cc` and `MIME-Version`, common headers without subject or date, and no `sourceArn` (the
/// recorded AWS answer of `test_ses_sns_topic_integration_send_templated_email`); its later
/// events carry the rendered message's.
pub(super) fn unrendered(mail: &RawJson) -> RawJson {
    let mut mail: Value = serde_json::from_str(mail.get()).unwrap_or(Value::Null);
    if let Some(obj) = mail.as_object_mut() {
        obj.remove("sourceArn");
    }
    if let Some(headers) = mail["headers"].as_array_mut() {
        headers.retain(|h| {
            ["From", "To", "Cc", "MIME-Version"]
                .iter()
                .any(|n| is_header(h, n))
        });
    }
    if let Some(common) = mail["commonHeaders"].as_object_mut() {
        common.retain(|k, _| ["from", "to", "cc", "messageId"].contains(&k.as_str()));
    }
    RawJson::of(&mail)
}
