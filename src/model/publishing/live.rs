//! The live clock (`warmup-model.md`, "Live fates"): a tracked recipient's fate is decided
//! when its message is accepted (`ops::live` decides, from the model's day as it opened and
//! what earlier sends of the day took), its events are published with the send, and the
//! region's ledger counts what the day's tracked recipients took of each pool and ISP, so the
//! day, when it closes, gives them first claim on the same capacity.

use std::collections::BTreeMap;

use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::{EventRecord, EventType, RawJson, delivery_body, event_json, record, shared_ip, stamp};
use crate::model::sending::SentMessage;
use crate::model::{Region, ScalingMode};

/// What the live clock decided for one recipient at send.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Outcome {
    /// Delivered through the pool's IPs within today's capacity for its ISP (a managed pool's
    /// `EDR − retry`, a standard pool's warm IPs' `K_i − retry_i`).
    Dedicated,
    /// Delivered through a standard pool's warming IPs, within their daily cap `W`.
    Warming,
    /// Beyond the pool's capacity in its early phase: delivered through SES's shared IPs.
    Shared,
    /// Beyond the pool's capacity in its later phase: deferred (DeliveryDelay now; the
    /// retry's Delivery or the expiry's Bounce when the day closes).
    Deferred,
}

/// One recipient's live fate, kept with its message in the outbox.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct LiveFate {
    pub address: String,
    pub isp: String,
    pub outcome: Outcome,
}

/// What the day's tracked recipients took of one pool's capacity for one ISP.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Taken {
    #[serde(default)]
    pub dedicated: u64,
    #[serde(default)]
    pub warming: u64,
    /// Beyond capacity: through shared IPs or deferred, as the pool's phase says.
    #[serde(default)]
    pub beyond: u64,
}

impl Taken {
    pub fn total(&self) -> u64 {
        self.dedicated
            .saturating_add(self.warming)
            .saturating_add(self.beyond)
    }

    /// Counts one recipient's outcome.
    pub fn add(&mut self, outcome: Outcome) {
        let slot = match outcome {
            Outcome::Dedicated => &mut self.dedicated,
            Outcome::Warming => &mut self.warming,
            Outcome::Shared | Outcome::Deferred => &mut self.beyond,
        };
        *slot = slot.saturating_add(1);
    }
}

/// A region's ledger: the day it counts (the account's current day) and, per pool and ISP,
/// what that day's tracked recipients took. Emptied when the day closes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Ledger {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<Date>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub pools: BTreeMap<String, BTreeMap<String, Taken>>,
}

impl Ledger {
    pub fn is_empty(&self) -> bool {
        self.pools.is_empty()
    }

    /// What the day `date`'s tracked recipients took of `pool` for `isp` (nothing on another
    /// day: the ledger only ever counts the day not yet closed).
    pub fn taken(&self, date: Date, pool: &str, isp: &str) -> Taken {
        if self.date != Some(date) {
            return Taken::default();
        }
        self.pools
            .get(pool)
            .and_then(|p| p.get(isp))
            .copied()
            .unwrap_or_default()
    }

    /// Counts a message's live fates into the day it was sent on (a message of a later day
    /// starts the ledger over; one of an earlier, closed day is not counted).
    pub fn count(&mut self, m: &SentMessage) {
        if m.live.is_empty() || self.date.is_some_and(|d| m.date < d) {
            return;
        }
        if self.date != Some(m.date) {
            *self = Ledger {
                date: Some(m.date),
                pools: BTreeMap::new(),
            };
        }
        let pool = self.pools.entry(m.pool.clone()).or_default();
        for f in &m.live {
            pool.entry(f.isp.clone()).or_default().add(f.outcome);
        }
    }
}

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_ledger_counts_one_day_and_starts_over_on_the_next() {
        let day = jiff::civil::date(2026, 12, 1);
        let mut m: SentMessage = serde_json::from_value(json!({
            "Seq": 1, "MessageId": "x", "Time": "2026-12-01T10:00:00Z", "Date": "2026-12-01",
            "Region": "us-east-1", "From": "a@example.com", "ConfigurationSetSource": "NONE",
            "Pool": "p", "Isps": {"gmail": 2},
            "Live": [
                {"Address": "a@gmail.com", "Isp": "gmail", "Outcome": "DEDICATED"},
                {"Address": "b@gmail.com", "Isp": "gmail", "Outcome": "DEFERRED"}
            ]
        }))
        .unwrap();
        let mut l = Ledger::default();
        l.count(&m);
        let t = l.taken(day, "p", "gmail");
        assert_eq!((t.dedicated, t.warming, t.beyond), (1, 0, 1));
        assert_eq!(
            l.taken(day.tomorrow().unwrap(), "p", "gmail"),
            Taken::default()
        );
        m.date = day.tomorrow().unwrap();
        l.count(&m);
        assert_eq!(l.taken(day, "p", "gmail"), Taken::default());
        assert_eq!(l.taken(m.date, "p", "gmail").total(), 2);
        m.date = day;
        l.count(&m);
        assert_eq!(
            l.taken(m.date.tomorrow().unwrap(), "p", "gmail").total(),
            2,
            "a closed day is not counted"
        );
    }
}
