//! List management: `CreateContactList`, `GetContactList`, `ListContactLists`,
//! `UpdateContactList`, `DeleteContactList`, `CreateContact`, `GetContact`, `ListContacts`,
//! `UpdateContact`, `DeleteContact`; SendEmail's `ListManagementOptions` (the unsubscribe
//! links it adds to a message) and the links themselves (rules L1–L9 in
//! `model::contact_list`).

use std::sync::Arc;

use jiff::Timestamp;
use serde_json::json;

use super::{Page, Paging, page};
use crate::error::{Error, Result};
use crate::model::State;
use crate::model::contact_list::{
    Contact, ContactFields, ContactFilter, ContactList, Status, Topic, contact_key,
};
use crate::model::message::{Body, Simple};
use crate::model::sending::{ListManagement, Outgoing, Route, SentMessage, UNSUBSCRIBED};

/// The placeholder SES replaces with the unsubscribe URL, in text and HTML parts.
pub const PLACEHOLDER: &str = "{{amazonSESUnsubscribeUrl}}";
/// SES replaces the first two occurrences ("only the first two occurrences are replaced").
const MAX_REPLACED: usize = 2;
/// Where the server answers the links it adds (`/_sesm` is sesm's own door).
pub const UNSUBSCRIBE_PATH: &str = "/_sesm/unsubscribe";

/// CreateContactList (L1, L2).
pub fn create_list(
    s: &mut State,
    region: &str,
    name: &str,
    description: Option<String>,
    topics: Vec<Topic>,
    tags: &[(String, String)],
    now: Timestamp,
) -> Result<()> {
    s.region_mut(region)
        .create_contact_list(name, description, topics, tags, now)
}

/// GetContactList.
pub fn get_list(s: &State, region: &str, name: &str) -> Result<ContactList> {
    s.region(region).existing_contact_list(name)
}

/// ListContactLists: names and last update times, paged.
pub fn list_lists(s: &State, region: &str, paging: &Paging) -> Result<Page<(String, Timestamp)>> {
    let items = s
        .region(region)
        .contact_lists
        .get()?
        .iter()
        .map(|(name, l)| (name.clone(), (name.clone(), l.last_updated)))
        .collect();
    page("contact-lists", items, paging)
}

/// UpdateContactList (L2).
pub fn update_list(
    s: &mut State,
    region: &str,
    name: &str,
    description: Option<String>,
    topics: Vec<Topic>,
    now: Timestamp,
) -> Result<()> {
    s.region_mut(region)
        .update_contact_list(name, description, topics, now)
}

/// DeleteContactList.
pub fn delete_list(s: &mut State, region: &str, name: &str) -> Result<()> {
    s.region_mut(region).delete_contact_list(name).map(|_| ())
}

/// CreateContact (L3–L5).
pub fn create_contact(
    s: &mut State,
    region: &str,
    list: &str,
    address: &str,
    fields: &ContactFields,
    now: Timestamp,
) -> Result<()> {
    s.region_mut(region)
        .create_contact(list, address, fields, now)
        .map(|_| ())
}

/// GetContact: the list (for its topics' defaults) and the contact.
pub fn get_contact(
    s: &State,
    region: &str,
    list: &str,
    address: &str,
) -> Result<(ContactList, Contact)> {
    s.region(region).existing_contact(list, address)
}

/// UpdateContact (L4, L5).
pub fn update_contact(
    s: &mut State,
    region: &str,
    list: &str,
    address: &str,
    fields: &ContactFields,
    now: Timestamp,
) -> Result<()> {
    s.region_mut(region)
        .update_contact(list, address, fields, now)
}

/// DeleteContact.
pub fn delete_contact(s: &mut State, region: &str, list: &str, address: &str) -> Result<()> {
    s.region_mut(region)
        .delete_contact(list, address)
        .map(|_| ())
}

/// ListContacts (L8): the list, and its contacts the filter keeps, by address, paged.
pub fn list_contacts(
    s: &State,
    region: &str,
    list: &str,
    filter: &ContactFilter,
    paging: &Paging,
) -> Result<(ContactList, Page<(String, Contact)>)> {
    let l = s.region(region).existing_contact_list(list)?;
    if let Some(t) = &filter.topic
        && !l.topics.iter().any(|x| &x.topic_name == t)
    {
        return Err(Error::bad_request(format!(
            "Topic {t} is not a topic of List {list}."
        )));
    }
    let items = l
        .contacts
        .iter()
        .filter(|(_, c)| l.matches(c, filter))
        .map(|(a, c)| (a.clone(), (a.clone(), c.clone())))
        .collect();
    Ok((l, page(&format!("contacts/{list}"), items, paging)?))
}

/// After a send with `ListManagementOptions`: its recipients the list lacks are added (SES:
/// "a contact will be created on your list automatically").
pub fn ensure_contacts(
    s: &mut State,
    region: &str,
    list: &str,
    recipients: &[String],
    now: Timestamp,
) -> Result<usize> {
    let r = s.region_mut(region);
    let mut added = 0;
    for a in recipients {
        if r.ensure_contact(list, a, now)? {
            added += 1;
        }
    }
    Ok(added)
}

/// An unsubscribe link's parts (L9): the contact, the list and topic, the message it came
/// in, and the token that proves the server made it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Link {
    pub region: String,
    pub list: String,
    pub topic: Option<String>,
    pub contact: String,
    pub message_id: String,
    pub token: String,
}

/// The token of a link: SHA-256 of the account and the link's parts, so a link can't be
/// edited to unsubscribe someone else.
fn token(account: &str, l: &Link) -> String {
    use sha2::{Digest, Sha256};
    let text = format!(
        "sesm-unsubscribe\n{account}\n{}\n{}\n{}\n{}\n{}",
        l.region,
        l.list,
        l.topic.as_deref().unwrap_or_default(),
        l.contact,
        l.message_id
    );
    Sha256::digest(text.as_bytes())[..16]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The unsubscribe URL of a message to one contact.
pub fn unsubscribe_url(s: &State, base: &str, mut link: Link) -> String {
    link.token = token(&s.account_id, &link);
    let mut q = form_urlencoded::Serializer::new(String::new());
    q.append_pair("region", &link.region);
    q.append_pair("list", &link.list);
    if let Some(t) = &link.topic {
        q.append_pair("topic", t);
    }
    q.append_pair("contact", &link.contact);
    q.append_pair("message", &link.message_id);
    q.append_pair("token", &link.token);
    format!("{base}{UNSUBSCRIBE_PATH}?{}", q.finish())
}

/// Removes the header fields named `names` (and their folded lines) from a raw message's
/// header section, and puts `add` first.
fn replace_raw_headers(raw: &[u8], names: &[&str], add: &[(String, String)]) -> Vec<u8> {
    let end = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map(|i| i + 2)
        .or_else(|| raw.windows(2).position(|w| w == b"\n\n").map(|i| i + 1))
        .unwrap_or(raw.len());
    let (head, body) = raw.split_at(end);
    let mut out = Vec::with_capacity(raw.len() + 256);
    for (k, v) in add {
        out.extend_from_slice(format!("{k}: {v}\r\n").as_bytes());
    }
    let mut skipping = false;
    for line in head.split_inclusive(|&b| b == b'\n') {
        let folded = line.first().is_some_and(|b| *b == b' ' || *b == b'\t');
        if !folded {
            let name = line.split(|&b| b == b':').next().unwrap_or_default();
            skipping = names
                .iter()
                .any(|n| name.eq_ignore_ascii_case(n.as_bytes()));
        }
        if !skipping {
            out.extend_from_slice(line);
        }
    }
    out.extend_from_slice(body);
    out
}

/// The first two placeholders of a part replaced by the URL.
fn substitute(text: &str, url: &str) -> String {
    text.replacen(PLACEHOLDER, url, MAX_REPLACED)
}

/// The message with SES's list management: the `List-Unsubscribe` and
/// `List-Unsubscribe-Post` headers (replacing the message's own) and the placeholder in its
/// text and HTML parts.
fn with_links(body: &Body, url: &str) -> Body {
    const NAMES: [&str; 2] = ["List-Unsubscribe", "List-Unsubscribe-Post"];
    let headers = vec![
        ("List-Unsubscribe".to_string(), format!("<{url}>")),
        (
            "List-Unsubscribe-Post".to_string(),
            "List-Unsubscribe=One-Click".to_string(),
        ),
    ];
    match body {
        Body::Raw(raw) => Body::Raw(Arc::new(replace_raw_headers(raw, &NAMES, &headers))),
        Body::Simple(simple) => {
            let mut s = Simple::clone(simple);
            s.headers
                .retain(|(k, _)| !NAMES.iter().any(|n| k.eq_ignore_ascii_case(n)));
            s.headers.extend(headers);
            s.text = s.text.map(|t| substitute(&t, url));
            s.html = s.html.map(|h| substitute(&h, url));
            Body::Simple(Arc::new(s))
        }
    }
}

/// SendEmail's `ListManagementOptions` (L6, L7), applied to an accepted message `m`: the
/// recipients who opted out are recorded as not delivered to, and a message to one recipient
/// gets its unsubscribe links (SES adds them "only if the email is being sent to a single
/// recipient"). The placeholder in a raw message's parts is left as it is (sesm reads raw
/// parts but does not rewrite them).
pub fn list_management(
    s: &State,
    region: &str,
    msg: &Outgoing,
    route: &Route,
    mut m: SentMessage,
) -> Result<SentMessage> {
    let Some(lm) = &msg.list_management else {
        return Ok(m);
    };
    check_options(s, region, lm)?;
    m.unsubscribed = route
        .recipients
        .iter()
        .filter(|(_, isp)| isp == UNSUBSCRIBED)
        .map(|(a, _)| a.clone())
        .collect();
    let [(contact, _)] = route.recipients.as_slice() else {
        return Ok(m);
    };
    let link = Link {
        region: region.to_string(),
        list: lm.list.clone(),
        topic: lm.topic.clone(),
        contact: contact.clone(),
        message_id: m.message_id.clone(),
        token: String::new(),
    };
    let url = unsubscribe_url(s, &lm.links_base, link);
    let body = with_links(&msg.body, &url);
    let mime = super::mime::mime(
        &body,
        &super::mime::Envelope {
            from: &msg.from,
            to: &msg.to,
            cc: &msg.cc,
            message_id: &m.message_id,
            time: m.time,
        },
    );
    m.size = mime.len() as u64;
    m.mime = Arc::new(mime);
    Ok(m)
}

/// L7: the list a send names, and its topic, must exist.
pub fn check_options(s: &State, region: &str, lm: &ListManagement) -> Result<()> {
    let list = s.region(region).existing_contact_list(&lm.list)?;
    if let Some(t) = &lm.topic
        && !list.topics.iter().any(|x| &x.topic_name == t)
    {
        return Err(
            Error::not_found(format!("Topic {t} doesn't exist in List {}.", lm.list))
                .about(crate::error::About::ContactList),
        );
    }
    Ok(())
}

/// What following a link did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unsubscribed {
    pub contact: String,
    pub list: String,
    pub topic: Option<String>,
}

/// Checks a link's token (L9): a link the server did not make, or one edited, is NotFound.
pub fn check_link(s: &State, link: &Link) -> Result<()> {
    if token(&s.account_id, link) == link.token {
        Ok(())
    } else {
        Err(Error::not_found(
            "This unsubscribe link is not one sesm made, or it was changed.",
        ))
    }
}

/// A contact's preferences as a Subscription event spells them.
fn preferences(list: &ContactList, c: &Contact) -> serde_json::Value {
    let topics: Vec<_> = list
        .topics
        .iter()
        .map(|t| {
            json!({"topicName": t.topic_name,
                   "subscriptionStatus": list.status(c, Some(&t.topic_name)).event_name()})
        })
        .collect();
    json!({"unsubscribeAll": c.unsubscribe_all, "topicSubscriptionStatus": topics})
}

/// Following an unsubscribe link (L9): the contact is unsubscribed from the link's topic (or,
/// without one, from the whole list), and a `Subscription` event is published for the message
/// it came in (`message`, when the outbox still keeps it) to its set's destinations. `source`
/// is how: `UnsubscribeHeader` (the one-click POST of RFC 8058) or `UnsubscribeLink`.
pub fn unsubscribe(
    s: &mut State,
    link: &Link,
    source: &str,
    message: Option<&SentMessage>,
    now: Timestamp,
) -> Result<Unsubscribed> {
    check_link(s, link)?;
    let contact = contact_key(&link.contact);
    let region = s.region_mut(&link.region);
    // A contact deleted since the message was sent is put back, opted out.
    region.ensure_contact(&link.list, &contact, now)?;
    let (list, before, after) =
        region.unsubscribe(&link.list, &contact, link.topic.as_deref(), now)?;
    if let Some(m) = message {
        let event = json!({
            "contactList": link.list,
            "timestamp": now.strftime("%Y-%m-%dT%H:%M:%S%.3fZ").to_string(),
            "source": source,
            "newTopicPreferences": preferences(&list, &after),
            "oldTopicPreferences": preferences(&list, &before),
        });
        if let Some(e) = crate::model::publishing::subscription_event(s, m, event, now) {
            s.published.0.push(e);
        }
    }
    Ok(Unsubscribed {
        contact,
        list: link.list.clone(),
        topic: link.topic.clone(),
    })
}

/// The SMTP interface's `X-SES-LIST-MANAGEMENT-OPTIONS: LIST; topic=TOPIC` header, as list and
/// topic.
pub fn parse_header(value: &str) -> Option<(String, Option<String>)> {
    let mut parts = value.split(';').map(str::trim);
    let list = parts.next().filter(|l| !l.is_empty())?.to_string();
    let topic = parts
        .find_map(|p| p.strip_prefix("topic="))
        .map(|t| t.trim().to_string());
    Some((list, topic))
}

/// The status a `TopicPreference` names, checked.
pub fn status(text: &str, member: &str) -> Result<Status> {
    Status::parse(text, member)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_headers_are_replaced_and_put_first() {
        let raw = b"From: a@example.com\r\nList-Unsubscribe: <old>\r\n folded\r\nSubject: s\r\n\r\nbody\r\nList-Unsubscribe: in body\r\n";
        let out = replace_raw_headers(
            raw,
            &["List-Unsubscribe"],
            &[("List-Unsubscribe".into(), "<new>".into())],
        );
        let text = String::from_utf8(out).unwrap();
        assert_eq!(
            text,
            "List-Unsubscribe: <new>\r\nFrom: a@example.com\r\nSubject: s\r\n\r\nbody\r\nList-Unsubscribe: in body\r\n"
        );
    }

    #[test]
    fn two_placeholders_at_most_are_replaced() {
        let t = format!("a {PLACEHOLDER} b {PLACEHOLDER} c {PLACEHOLDER}");
        assert_eq!(substitute(&t, "U"), format!("a U b U c {PLACEHOLDER}"));
    }

    #[test]
    fn links_carry_a_token_of_their_parts() {
        let s = State::new(jiff::civil::date(2026, 1, 1));
        let link = Link {
            region: "eu-west-1".into(),
            list: "news".into(),
            topic: Some("sports".into()),
            contact: "a@example.com".into(),
            message_id: "m1".into(),
            token: String::new(),
        };
        let url = unsubscribe_url(&s, "http://127.0.0.1:1", link.clone());
        assert!(url.starts_with("http://127.0.0.1:1/_sesm/unsubscribe?region=eu-west-1&list=news&topic=sports&contact=a%40example.com&message=m1&token="), "{url}");
        let t = url.rsplit_once("token=").unwrap().1.to_string();
        assert!(
            check_link(
                &s,
                &Link {
                    token: t.clone(),
                    ..link.clone()
                }
            )
            .is_ok()
        );
        assert!(
            check_link(
                &s,
                &Link {
                    token: t,
                    contact: "b@example.com".into(),
                    ..link
                }
            )
            .is_err()
        );
        assert_eq!(
            parse_header("news; topic=sports"),
            Some(("news".into(), Some("sports".into())))
        );
        assert_eq!(parse_header("news"), Some(("news".into(), None)));
    }
}
