//! The stored series of a pool: `PoolMetrics` (columns per pool and ISP, as in the state
//! file) and `PoolSeries`, the same parsed into vectors for the commands that read them.

use std::collections::BTreeMap;

use jiff::civil::Date;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::*;
use crate::model::Mail;

/// Daily metrics of one pool, columns aligned with `dates`.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct PoolMetrics {
    pub dates: Runs<Date>,
    pub dedicated_ip_count: Runs<u32>,
    pub scale_event: Runs<i32>,
    /// Per ISP; an ISP first seen after the pool's first day is padded with zeros.
    pub isps: BTreeMap<String, IspMetrics>,
}

impl<'de> Deserialize<'de> for PoolMetrics {
    /// Refuses columns with more days than the pool has dates (a hand-edited run length that
    /// no simulation wrote) and dates out of order: 253 at the pool's place in the file.
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(rename_all = "PascalCase")]
        struct Stored {
            dates: Runs<Date>,
            dedicated_ip_count: Runs<u32>,
            scale_event: Runs<i32>,
            #[serde(default, deserialize_with = "crate::lazy::unique")]
            isps: BTreeMap<String, IspMetrics>,
        }
        let s = Stored::deserialize(d)?;
        let days = s.dates.len();
        let longest = [s.dedicated_ip_count.len(), s.scale_event.len()]
            .into_iter()
            .chain(s.isps.values().flat_map(IspMetrics::lens))
            .max()
            .unwrap_or(0);
        if longest > days {
            return Err(serde::de::Error::custom(format_args!(
                "a metrics column holds {longest} days, but the pool has metrics for {days} dates"
            )));
        }
        for (isp, m) in &s.isps {
            if let Some(v) = m
                .warmup_percentage
                .values()
                .into_iter()
                .chain(m.capacity_warmup_percentage.values())
                .find(|v| !(0.0..=100.0).contains(v))
            {
                return Err(serde::de::Error::custom(format_args!(
                    "the metrics of {isp} hold a warm-up of {v} % (I3: 0 to 100)"
                )));
            }
        }
        // Every reader finds a day by binary search.
        if let Some(w) = s.dates.values().windows(2).find(|w| w[0] >= w[1]) {
            return Err(serde::de::Error::custom(format_args!(
                "the metrics dates must rise, but {} follows {}",
                w[1], w[0]
            )));
        }
        Ok(PoolMetrics {
            dates: s.dates,
            dedicated_ip_count: s.dedicated_ip_count,
            scale_event: s.scale_event,
            isps: s.isps,
        })
    }
}

/// One ISP's columns in `PoolMetrics`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct IspMetrics {
    pub mail: Mail<Runs<u64>>,
    /// Yesterday's deferred mail that came in (so a day's mail can be shown as a partition).
    pub queued: Runs<u64>,
    /// `None` only in metrics written before model v2, where a standard pool's `DONE` IP had
    /// no cap; since v2 every pool has a rate (a standard pool's is `K_i + W`).
    pub effective_daily_rate: Runs<Option<u64>>,
    pub warmup_percentage: Runs<f64>,
    /// The pool's capacity-weighted warm-up (model v3); absent in metrics written before it,
    /// where it reads as 0.
    pub capacity_warmup_percentage: Runs<f64>,
}

/// How `IspMetrics` is stored: its columns side by side (serde's `flatten` would buffer
/// every column of a year of metrics on the way in).
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct StoredIsp<C, O, F> {
    demand: C,
    sent_dedicated: C,
    retried: C,
    #[serde(default)]
    queued: C,
    sent_shared: C,
    deferred: C,
    expired: C,
    effective_daily_rate: O,
    warmup_percentage: F,
    #[serde(default)]
    capacity_warmup_percentage: F,
}

impl Serialize for IspMetrics {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let m = &self.mail;
        StoredIsp {
            demand: &m.demand,
            sent_dedicated: &m.sent_dedicated,
            retried: &m.retried,
            queued: &self.queued,
            sent_shared: &m.sent_shared,
            deferred: &m.deferred,
            expired: &m.expired,
            effective_daily_rate: &self.effective_daily_rate,
            warmup_percentage: &self.warmup_percentage,
            capacity_warmup_percentage: &self.capacity_warmup_percentage,
        }
        .serialize(s)
    }
}

impl<'de> Deserialize<'de> for IspMetrics {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let c: StoredIsp<Runs<u64>, Runs<Option<u64>>, Runs<f64>> = Deserialize::deserialize(d)?;
        Ok(IspMetrics {
            mail: Mail {
                demand: c.demand,
                sent_dedicated: c.sent_dedicated,
                retried: c.retried,
                sent_shared: c.sent_shared,
                deferred: c.deferred,
                expired: c.expired,
            },
            queued: c.queued,
            effective_daily_rate: c.effective_daily_rate,
            warmup_percentage: c.warmup_percentage,
            capacity_warmup_percentage: c.capacity_warmup_percentage,
        })
    }
}

impl IspMetrics {
    fn mail_columns(&mut self) -> [&mut Runs<u64>; 7] {
        let m = &mut self.mail;
        [
            &mut m.demand,
            &mut m.sent_dedicated,
            &mut m.retried,
            &mut m.sent_shared,
            &mut m.deferred,
            &mut m.expired,
            &mut self.queued,
        ]
    }

    fn lens(&self) -> [usize; 10] {
        let m = &self.mail;
        [
            m.demand.len(),
            m.sent_dedicated.len(),
            m.retried.len(),
            m.sent_shared.len(),
            m.deferred.len(),
            m.expired.len(),
            self.queued.len(),
            self.effective_daily_rate.len(),
            self.warmup_percentage.len(),
            self.capacity_warmup_percentage.len(),
        ]
    }

    /// Pads every column with zeros up to `len` days.
    pub fn fill_to(&mut self, len: usize) {
        for c in self.mail_columns() {
            c.fill_to(len, 0);
        }
        self.effective_daily_rate.fill_to(len, None);
        self.warmup_percentage.fill_to(len, 0.0);
        self.capacity_warmup_percentage.fill_to(len, 0.0);
    }

    /// Appends one day's mail.
    pub fn push_mail(&mut self, m: &Mail) {
        let c = &mut self.mail;
        c.demand.push(m.demand);
        c.sent_dedicated.push(m.sent_dedicated);
        c.retried.push(m.retried);
        c.sent_shared.push(m.sent_shared);
        c.deferred.push(m.deferred);
        c.expired.push(m.expired);
    }
}

/// A pool's metrics parsed into vectors, for the commands that read them; every vector has
/// one value per date.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PoolSeries {
    pub dates: Vec<Date>,
    pub dedicated_ip_count: Vec<u32>,
    pub scale_event: Vec<i32>,
    pub isps: BTreeMap<String, IspSeries>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct IspSeries {
    pub mail: Mail<Vec<u64>>,
    pub queued: Vec<u64>,
    pub effective_daily_rate: Vec<Option<u64>>,
    pub warmup_percentage: Vec<f64>,
    pub capacity_warmup_percentage: Vec<f64>,
}

impl IspSeries {
    /// Day `i`'s mail.
    pub fn day(&self, i: usize) -> Mail {
        let m = &self.mail;
        Mail {
            demand: m.demand[i],
            sent_dedicated: m.sent_dedicated[i],
            retried: m.retried[i],
            sent_shared: m.sent_shared[i],
            deferred: m.deferred[i],
            expired: m.expired[i],
        }
    }

    /// Deferred mail kept for a retry the day after day `i` (the rest of it expired): by
    /// conservation, `queued + demand - dedicated - shared - expired`.
    pub fn kept_for_tomorrow(&self, i: usize) -> u64 {
        let d = self.day(i);
        self.queued[i]
            .saturating_add(d.demand)
            .saturating_sub(d.sent().saturating_add(d.expired))
    }
}

impl PoolMetrics {
    /// Parses every column, padded with zeros to the number of dates, so every series lines
    /// up with them (deserialization refused longer ones).
    pub fn series(&self) -> PoolSeries {
        let n = self.dates.len();
        fn fitted<T: Cell>(c: &Runs<T>, n: usize, zero: T) -> Vec<T> {
            let mut v = c.values();
            v.resize(n, zero);
            v
        }
        let isps = self
            .isps
            .iter()
            .map(|(isp, m)| {
                let c = &m.mail;
                let series = IspSeries {
                    mail: Mail {
                        demand: fitted(&c.demand, n, 0),
                        sent_dedicated: fitted(&c.sent_dedicated, n, 0),
                        retried: fitted(&c.retried, n, 0),
                        sent_shared: fitted(&c.sent_shared, n, 0),
                        deferred: fitted(&c.deferred, n, 0),
                        expired: fitted(&c.expired, n, 0),
                    },
                    queued: fitted(&m.queued, n, 0),
                    effective_daily_rate: fitted(&m.effective_daily_rate, n, None),
                    warmup_percentage: fitted(&m.warmup_percentage, n, 0.0),
                    capacity_warmup_percentage: fitted(&m.capacity_warmup_percentage, n, 0.0),
                };
                (isp.clone(), series)
            })
            .collect();
        PoolSeries {
            dates: self.dates.values(),
            dedicated_ip_count: fitted(&self.dedicated_ip_count, n, 0),
            scale_event: fitted(&self.scale_event, n, 0),
            isps,
        }
    }
}
