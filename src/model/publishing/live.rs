//! The live clock (`warmup-model.md`, "Live fates"): a tracked recipient's fate is decided
//! when its message is accepted (`ops::live` decides, from the model's day as it opened and
//! what earlier sends of the day took), its events are published with the send, and the
//! region's ledger counts what the day's tracked recipients took of each pool and ISP, so the
//! day, when it closes, gives them first claim on the same capacity.

use std::collections::BTreeMap;

use jiff::Timestamp;
use serde_json::{Value, json};

use super::{EventRecord, EventType, RawJson, delivery_body, event_json, record, shared_ip, stamp};
use crate::model::ledger::Outcome;
use crate::model::sending::SentMessage;
use crate::model::{Region, ScalingMode};

/// The events of a message's live fates, grouped per outcome (one event lists its
/// recipients, as SES's do): Delivery through one of the pool's IPs (`ips`, picked by the
/// message's number) or a shared IP, and DeliveryDelay for the deferred.
pub(super) fn live_events(
    region: &Region,
    m: &SentMessage,
    set: &str,
    mail: &RawJson,
    now: Timestamp,
) -> Vec<EventRecord> {
    let max = region
        .configuration_sets
        .entry(set)
        .ok()
        .flatten()
        .and_then(|c| c.max_delivery_seconds)
        .map(u64::from);
    let mut grouped: BTreeMap<u8, Vec<&str>> = BTreeMap::new();
    for f in &m.live {
        let code = match f.outcome {
            Outcome::Dedicated | Outcome::Warming => 0,
            Outcome::Shared => 1,
            Outcome::Deferred => 2,
        };
        grouped.entry(code).or_default().push(f.address.as_str());
    }
    let ips: Vec<String> = region
        .ips_of_pool(&m.pool)
        .map(|(ip, _)| ip.to_string())
        .collect();
    let throttled = region
        .pools
        .get(&m.pool)
        .is_none_or(|p| p.scaling_mode == ScalingMode::Standard);
    let mut out = Vec::new();
    for (code, recipients) in grouped {
        let (kind, key, body, ip, pool) = match code {
            0 | 1 => {
                let (ip, pool) = if code == 0 && !ips.is_empty() {
                    (
                        ips[(m.seq % ips.len() as u64) as usize].clone(),
                        m.pool.as_str(),
                    )
                } else {
                    (shared_ip(m.seq), crate::model::SHARED_POOL)
                };
                let body = delivery_body(m.time, &recipients, &ip);
                (EventType::Delivery, "delivery", body, Some(ip), pool)
            }
            _ => (
                EventType::DeliveryDelay,
                "deliveryDelay",
                delay_body(m, &recipients, throttled, max),
                None,
                m.pool.as_str(),
            ),
        };
        out.extend(record(
            region,
            &m.region,
            set,
            pool,
            kind,
            &m.message_id,
            m.date,
            now,
            || event_json(kind, mail, ip.as_deref().map(|ip| (ip, "")), key, body),
        ));
    }
    out
}

/// A DeliveryDelay's body at send: the pool's deferral (`SendingDeferral`, a managed pool
/// warming up) or the mailbox provider's throttling of a standard pool's IPs (`IPFailure`),
/// expiring after the set's `MaxDeliverySeconds` (50,400 s without one).
fn delay_body(m: &SentMessage, recipients: &[&str], throttled: bool, max: Option<u64>) -> Value {
    let (delay, status, diagnostic, _) = super::days::delay_of(throttled);
    let expires = max.unwrap_or(50_400);
    let expiration = m
        .time
        .checked_add(jiff::SignedDuration::from_secs(expires as i64))
        .unwrap_or(m.time);
    let delayed: Vec<Value> = recipients
        .iter()
        .map(|r| json!({"emailAddress": r, "status": status, "diagnosticCode": diagnostic}))
        .collect();
    json!({
        "timestamp": stamp(m.time),
        "delayType": delay,
        "expirationTime": stamp(expiration),
        "delayedRecipients": delayed,
    })
}
