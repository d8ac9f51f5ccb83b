//! The live clock's records (`warmup-model.md`, "Live fates"): what was decided for a tracked
//! recipient at send (`LiveFate`, kept with its message in the outbox), and each region's
//! ledger of what the day's tracked recipients took of each pool and ISP (aggregate counts,
//! never per message), which the day, when it closes, reserves for them.

use std::collections::BTreeMap;

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

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

    /// Counts a message's live fates (`pool` its pool) into the day it was sent on (a message
    /// of a later day starts the ledger over; one of an earlier, closed day is not counted).
    pub fn count(&mut self, date: Date, pool: &str, live: &[LiveFate]) {
        if live.is_empty() || self.date.is_some_and(|d| date < d) {
            return;
        }
        if self.date != Some(date) {
            *self = Ledger {
                date: Some(date),
                pools: BTreeMap::new(),
            };
        }
        let pool = self.pools.entry(pool.to_string()).or_default();
        for f in live {
            pool.entry(f.isp.clone()).or_default().add(f.outcome);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_ledger_counts_one_day_and_starts_over_on_the_next() {
        let day = jiff::civil::date(2026, 12, 1);
        let live: Vec<LiveFate> = serde_json::from_str(
            r#"[{"Address": "a@gmail.com", "Isp": "gmail", "Outcome": "DEDICATED"},
                {"Address": "b@gmail.com", "Isp": "gmail", "Outcome": "DEFERRED"}]"#,
        )
        .unwrap();
        let next = day.tomorrow().unwrap();
        let mut l = Ledger::default();
        l.count(day, "p", &live);
        let t = l.taken(day, "p", "gmail");
        assert_eq!((t.dedicated, t.warming, t.beyond), (1, 0, 1));
        assert_eq!(l.taken(next, "p", "gmail"), Taken::default());
        l.count(next, "p", &live);
        assert_eq!(l.taken(day, "p", "gmail"), Taken::default());
        assert_eq!(l.taken(next, "p", "gmail").total(), 2);
        l.count(day, "p", &live);
        assert_eq!(
            l.taken(next, "p", "gmail").total(),
            2,
            "a closed day is not counted"
        );
    }
}
