//! What the model remembers of standard IPs and standard pools between simulated days (model
//! v3, `warmup-model.md`, "Standard pools and the default pool"): what each ISP remembers of
//! an IP it received mail from, and a pool's deferred mail with the retry window it was
//! deferred under. Plain data; `sim/` computes with it.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{IpWarmup, ModelParams, State};

/// What the ISPs remember of one standard IP: per ISP the EWMA of what the IP delivered to it
/// (absent: unset, the ISP does not know the IP), and the days since the IP last delivered
/// anything (over all ISPs; at `IdleResetDays` every ISP forgets it). SES's own warm-up
/// percentage is kept apart (`IpWarmup::Standard`): it moves with time, this with volume.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct IspMemory {
    #[serde(
        default,
        skip_serializing_if = "BTreeMap::is_empty",
        deserialize_with = "crate::lazy::unique"
    )]
    pub ewma: BTreeMap<String, f64>,
    #[serde(default, skip_serializing_if = "is_zero")]
    pub idle_days: u32,
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

impl IspMemory {
    /// Nothing remembered (a new IP): written as nothing, so a fresh IP's bytes stay as they
    /// were before model v3.
    pub fn is_empty(&self) -> bool {
        self.ewma.is_empty() && self.idle_days == 0
    }
}

/// What the model remembers of a standard pool (or `ses-default-dedicated-pool`) between
/// days: per ISP the mail the ISP deferred and the next day retries, the retry window (hours)
/// that mail was deferred under, and the demand of the last days (for the pool's
/// capacity-weighted warm-up). Absent entries read as 0.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct StandardPoolState {
    #[serde(
        default,
        skip_serializing_if = "BTreeMap::is_empty",
        deserialize_with = "crate::lazy::unique"
    )]
    pub queue: BTreeMap<String, u64>,
    /// `R_q,i`: the retry window of the queued mail, set when it was deferred.
    #[serde(
        default,
        skip_serializing_if = "BTreeMap::is_empty",
        deserialize_with = "crate::lazy::unique"
    )]
    pub queue_hours: BTreeMap<String, f64>,
    /// Daily demand per ISP, oldest first, at most `HistoryDays` long, today last; leading
    /// zero days are absent.
    #[serde(
        default,
        skip_serializing_if = "BTreeMap::is_empty",
        deserialize_with = "crate::lazy::unique"
    )]
    pub history: BTreeMap<String, Vec<u64>>,
}

impl StandardPoolState {
    pub fn is_empty(&self) -> bool {
        self.queue.is_empty() && self.queue_hours.is_empty() && self.history.is_empty()
    }
}

impl State {
    /// Brings a state written before model v3 (schema version 4 and older) to it:
    /// - a `DONE` standard IP is remembered by every ISP as sending it its fully warm
    ///   capacity `C` a day (`ewma = C`), which is what model v2 let it send, so a simulation
    ///   goes on where it was; from the next simulated day the ISPs' memory follows what the
    ///   IP delivers (and forgets it after `IdleResetDays` without mail). A warming IP
    ///   starts with no memory: v2 kept none, and SES's cap limits it anyway;
    /// - a pool's deferred mail (`StandardQueues`) keeps waiting, with the retry window of a
    ///   set without `MaxDeliverySeconds` (v2 did not keep the window it was deferred under).
    pub fn migrate_to_model_v3(&mut self) {
        let model: ModelParams = self.model.clone();
        let hours = f64::from(model.default_max_delivery_seconds) / 3600.0;
        for region in self.regions.values_mut() {
            for ip in region.ips.values_mut() {
                if let IpWarmup::Standard {
                    start,
                    days,
                    memory,
                } = &mut ip.warmup
                    && IpWarmup::standard_percent(*start, *days) >= 100.0
                    && memory.is_empty()
                {
                    memory.ewma = model
                        .isps
                        .iter()
                        .map(|i| (i.isp.clone(), i.fully_warm_daily_capacity_per_ip as f64))
                        .collect();
                }
            }
            for (pool, queue) in std::mem::take(&mut region.legacy_standard_queues) {
                let state = region.standard_pools.entry(pool).or_default();
                for (isp, q) in queue.into_iter().filter(|(_, q)| *q > 0) {
                    state.queue_hours.insert(isp.clone(), hours);
                    state.queue.insert(isp, q);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use jiff::civil::Date;

    use super::*;
    use crate::model::Ip;

    #[test]
    fn a_model_v2_state_remembers_done_ips_as_warm_and_keeps_its_queues() {
        let mut s = State::new(Date::constant(2026, 11, 26));
        s.lease_ips("us-east-1", 2, None).unwrap();
        let r = s.region_mut("us-east-1");
        let addrs: Vec<_> = r.ips.keys().copied().collect();
        r.ips.get_mut(&addrs[0]).unwrap().warmup = IpWarmup::Standard {
            start: 100.0,
            days: 0,
            memory: IspMemory::default(),
        };
        r.legacy_standard_queues.insert(
            crate::model::DEFAULT_POOL.into(),
            [("gmail".to_string(), 500u64), ("yahoo".to_string(), 0)].into(),
        );
        s.migrate_to_model_v3();
        let r = s.region("us-east-1");
        let memory = |ip: &Ip| match &ip.warmup {
            IpWarmup::Standard { memory, .. } => memory.clone(),
            IpWarmup::Managed { .. } => unreachable!(),
        };
        let done = memory(&r.ips[&addrs[0]]);
        assert_eq!(done.ewma["gmail"], 200_000.0);
        assert_eq!(done.ewma["orange"], 15_000.0);
        assert_eq!(done.ewma.len(), 9);
        assert!(memory(&r.ips[&addrs[1]]).is_empty(), "a warming IP");
        let pool = &r.standard_pools[crate::model::DEFAULT_POOL];
        assert_eq!(pool.queue, [("gmail".to_string(), 500u64)].into());
        assert_eq!(pool.queue_hours["gmail"], 14.0);
        assert!(r.legacy_standard_queues.is_empty());
    }
}
