//! The events known when a message is accepted (`prepare`): Send, Rendering Failure, a
//! suppressed recipient's Bounce, and the mailbox simulator's outcomes.

use jiff::Timestamp;
use jiff::civil::Date;
use serde_json::json;

use super::{
    EventRecord, EventType, RawJson, bounce_body, delivery_body, event_json, mail_object, record,
    shared_ip, stamp, unrendered,
};
use crate::model::sending::{Content, SentMessage};
use crate::model::{Region, State};

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
        m.publishes = true;
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
            || {
                let send_mail = match m.call.content {
                    Content::Template => unrendered(&mail),
                    Content::Simple | Content::Raw => mail.clone(),
                };
                event_json(EventType::Send, &send_mail, None, "send", json!({}))
            },
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
            out.extend(super::live::live_events(region, m, &set, &mail, now));
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
            crate::model::SHARED_POOL,
            EventType::Delivery,
            id,
            date,
            now,
            || {
                event_json(
                    EventType::Delivery,
                    mail,
                    Some((&ip, crate::model::SHARED_POOL)),
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
    let outgoing =
        (kind != EventType::Complaint).then_some((ip.as_str(), crate::model::SHARED_POOL));
    out.extend(record(
        region,
        region_name,
        set,
        crate::model::SHARED_POOL,
        kind,
        id,
        date,
        now,
        || event_json(kind, mail, outgoing, key, body),
    ));
    out
}
