//! The events of simulated days for tracked messages (`State::publish_days`): which recipient
//! of which message was delivered, deferred or bounced on each day, in the day's proportions.

use std::collections::BTreeMap;

use jiff::Timestamp;
use jiff::civil::Date;
use serde_json::{Value, json};

use super::{
    EventRecord, EventType, TrackedMail, TrackedRecipient, bounce_body, delivery_body, shared_ip,
    stamp, time_on, tracked_event,
};
use crate::model::{Region, State};

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
    /// Whether the pool's deferrals are the mailbox provider throttling its IPs (a standard
    /// pool, model v3: `IPFailure`) rather than SES slowing a managed pool down
    /// (`SendingDeferral`).
    pub throttled: bool,
}

/// A deferral's `delayType`, its recipients' status and diagnostic, and why expired mail
/// expired: a standard pool's mailbox provider throttles its IPs (`IPFailure`, SES: "The IP
/// address that's sending the message is being blocked or throttled by the recipient's email
/// provider"); a managed pool's deferral is SES's own (`SendingDeferral`).
pub(super) fn delay_of(
    throttled: bool,
) -> (&'static str, &'static str, &'static str, &'static str) {
    if throttled {
        (
            "IPFailure",
            "4.7.0",
            "smtp; 421 4.7.0 The mailbox provider is throttling mail from this IP address; try again later (IPFailure)",
            "the mailbox provider throttled the sending IP (IPFailure)",
        )
    } else {
        (
            "SendingDeferral",
            "4.4.1",
            "Amazon SES deferred sending: the managed pool is warming up (SendingDeferral)",
            "Amazon SES deferred it (SendingDeferral)",
        )
    }
}

/// What the day decided for tracked recipients, grouped per message and fate (so one event
/// lists its recipients), and the changes to the region's tracked messages that follow.
#[derive(Default)]
struct Decided {
    grouped: BTreeMap<(usize, u8), Vec<String>>,
    requeue: Vec<(usize, TrackedRecipient)>,
    done_queued: Vec<(usize, usize)>,
    done_waiting: Vec<(usize, usize)>,
}

/// The fates of one day's mail of `pool` and `isp`: yesterday's queue first (retried, oldest
/// first, or expired), then the day's new mail (dedicated, shared, deferred and carried,
/// deferred and expired, the rest delivered through shared IPs).
fn decide(region: &Region, pool: &str, isp: &str, date: Date, o: &DayOutcome) -> Decided {
    let mut d = Decided::default();
    let mut queue: Vec<(usize, usize)> = Vec::new();
    for (ti, t) in region.tracked.iter().enumerate() {
        if t.pool != pool || t.date >= date {
            continue;
        }
        for (ri, r) in t.queued.iter().enumerate() {
            if r.isp == isp {
                queue.push((ti, ri));
            }
        }
    }
    let parts = split(
        queue.len(),
        &[o.retried, o.queued.saturating_sub(o.retried)],
    );
    for (k, (ti, ri)) in queue.into_iter().enumerate() {
        let fate = if k < parts[0] {
            Fate::Delivered(true)
        } else {
            Fate::Expired
        };
        d.grouped
            .entry((ti, fate.code()))
            .or_default()
            .push(region.tracked[ti].queued[ri].address.clone());
        d.done_queued.push((ti, ri));
    }
    d.expire_live(region, pool, isp, date, o);
    let mut new: Vec<(usize, usize)> = Vec::new();
    for (ti, t) in region.tracked.iter().enumerate() {
        if t.pool != pool || t.date != date {
            continue;
        }
        for (ri, r) in t.waiting.iter().enumerate() {
            if r.isp == isp {
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
        let r = region.tracked[ti].waiting[ri].clone();
        d.grouped
            .entry((ti, fate.code()))
            .or_default()
            .push(r.address.clone());
        if fate == Fate::Deferred {
            d.requeue.push((ti, r));
        } else if fate == Fate::DeferredExpired {
            d.grouped
                .entry((ti, Fate::Expired.code()))
                .or_default()
                .push(r.address.clone());
        }
        d.done_waiting.push((ti, ri));
    }
    d
}

/// The event of a message's recipients that met one fate (`Fate::code`) on a day: Delivery
/// (through `ip`), DeliveryDelay, or a transient Bounce for mail that outlived its window.
#[allow(clippy::too_many_arguments)]
fn fate_event(
    region: &Region,
    region_name: &str,
    t: &TrackedMail,
    pool: &str,
    code: u8,
    recipients: &[String],
    date: Date,
    at: Timestamp,
    ip: String,
    throttled: bool,
) -> Option<EventRecord> {
    let refs: Vec<&str> = recipients.iter().map(String::as_str).collect();
    let (kind, key, body, outgoing) = match code {
        0 | 1 => (
            EventType::Delivery,
            "delivery",
            delivery_body(at, &refs, &ip),
            Some(ip),
        ),
        2 | 3 => {
            let expires = t.max_delivery_seconds.unwrap_or(50_400);
            let expiration = at
                .checked_add(jiff::SignedDuration::from_secs(expires as i64))
                .unwrap_or(at);
            let (delay, status, diagnostic, _) = delay_of(throttled);
            let delayed: Vec<Value> = refs
                .iter()
                .map(|r| json!({"emailAddress": r, "status": status, "diagnosticCode": diagnostic}))
                .collect();
            (
                EventType::DeliveryDelay,
                "deliveryDelay",
                json!({
                    "timestamp": stamp(at),
                    "delayType": delay,
                    "expirationTime": stamp(expiration),
                    "delayedRecipients": delayed,
                }),
                None,
            )
        }
        // Mail that outlived its retry window: SES's bounce for a sender-set time
        // (MaxDeliverySeconds) is Transient/CustomTimeoutExceeded.
        _ => {
            let why = delay_of(throttled).3;
            let (sub, diagnostic) = match t.max_delivery_seconds {
                Some(s) => (
                    "CustomTimeoutExceeded",
                    format!(
                        "smtp; 554 4.4.7 Message expired: not delivered within the configuration set's MaxDeliverySeconds ({s} s); {why}"
                    ),
                ),
                None => (
                    "General",
                    format!(
                        "smtp; 554 4.4.7 Message expired: unable to deliver in 840 minutes; {why}"
                    ),
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
    tracked_event(
        region,
        region_name,
        t,
        pool,
        kind,
        date,
        at,
        outgoing,
        key,
        body,
    )
}

impl Decided {
    /// The recipients the live clock deferred at send on the closing day: in the day's
    /// proportion, the first carry to the next day's queue, the last expire now (a Bounce).
    fn expire_live(&mut self, region: &Region, pool: &str, isp: &str, date: Date, o: &DayOutcome) {
        let mut deferred: Vec<(usize, usize)> = Vec::new();
        for (ti, t) in region.tracked.iter().enumerate() {
            if t.pool != pool || t.date != date {
                continue;
            }
            for (ri, r) in t.queued.iter().enumerate() {
                if r.isp == isp {
                    deferred.push((ti, ri));
                }
            }
        }
        let carried = o.carried.min(o.deferred);
        let parts = split(deferred.len(), &[carried, o.deferred - carried]);
        for (ti, ri) in deferred.into_iter().skip(parts[0]) {
            self.grouped
                .entry((ti, Fate::Expired.code()))
                .or_default()
                .push(region.tracked[ti].queued[ri].address.clone());
            self.done_queued.push((ti, ri));
        }
    }

    /// Removes the decided recipients (highest index first), queues the deferred, and drops
    /// the messages with nobody left to decide about.
    fn apply(mut self, region: &mut Region) {
        self.done_queued.sort_unstable_by(|a, b| b.cmp(a));
        for (ti, ri) in self.done_queued {
            region.tracked[ti].queued.remove(ri);
        }
        self.done_waiting.sort_unstable_by(|a, b| b.cmp(a));
        for (ti, ri) in self.done_waiting {
            region.tracked[ti].waiting.remove(ri);
        }
        for (ti, r) in self.requeue {
            region.tracked[ti].queued.push(r);
        }
        region
            .tracked
            .retain(|t| !t.waiting.is_empty() || !t.queued.is_empty());
    }
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
            let decided = decide(&region, pool, isp, *date, o);
            for ((ti, code), recipients) in &decided.grouped {
                let t = &region.tracked[*ti];
                let ip = if *code == 0 && !ips.is_empty() {
                    ips[(t.seq % ips.len() as u64) as usize].clone()
                } else {
                    shared_ip(t.seq)
                };
                events.extend(fate_event(
                    &region,
                    region_name,
                    t,
                    pool,
                    *code,
                    recipients,
                    *date,
                    at,
                    ip,
                    o.throttled,
                ));
            }
            decided.apply(&mut region);
            *self.region_mut(region_name) = region;
        }
        if let Some(last) = last {
            self.publish_stranded(last, now, &mut events);
        }
        self.published.0.extend(events);
    }

    /// Mail of a simulated day that no pool of that day reported (its pool was emptied or
    /// removed since): it went through shared IPs, as SES sends mail without a pool.
    fn publish_stranded(&mut self, last: Date, now: Timestamp, events: &mut Vec<EventRecord>) {
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
                events.extend(tracked_event(
                    self.region(&name),
                    &name,
                    t,
                    &t.pool,
                    EventType::Delivery,
                    t.date,
                    at,
                    Some(ip),
                    "delivery",
                    body,
                ));
                self.region_mut(&name).tracked[i].waiting.clear();
            }
            self.region_mut(&name)
                .tracked
                .retain(|t| !t.waiting.is_empty() || !t.queued.is_empty());
        }
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
}
