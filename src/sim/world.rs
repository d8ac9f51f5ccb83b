//! The world of a run: what the model copies out of a `State` (regions, pools, IPs, sets, in
//! dense per-ISP arrays) and writes back into it when the run is done.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::net::Ipv4Addr;

use jiff::civil::Date;

use super::managed::{ScaleParams, WarmupParams};
use super::*;
use crate::error::Result;
use crate::model::{
    DEFAULT_POOL, IpWarmup, IspMemory, IspWarmup, ManagedPoolState, ModelParams, SHARED_POOL,
    StandardPoolState, State,
};

/// The whole account, as the model sees it during a run.
#[derive(Debug, Clone)]
pub struct World {
    pub(super) params: ModelParams,
    pub date: Date,
    pub(super) next_ip: u32,
    pub regions: Vec<RegionWorld>,
    /// Usage per calendar month accrued during the run.
    pub usage: BTreeMap<String, crate::model::MonthUsage>,
    /// The next day's live sends, when it has any (`live::LiveDay`).
    pub(super) live: Option<LiveDay>,
}

#[derive(Debug, Clone)]
pub struct RegionWorld {
    pub name: String,
    pub(super) auto_warmup: bool,
    /// Every pool in name order: user pools, `ses-default-dedicated-pool` and `ses-shared-pool`.
    pub(super) pools: Vec<PoolWorld>,
    pub(super) default_pool: usize,
    pub(super) shared_pool: usize,
    pub config_sets: Vec<ConfigSetRoute>,
    /// The route of mail sent through no configuration set (`NO_SET`).
    pub(super) no_set: ConfigSetRoute,
}

#[derive(Debug, Clone)]
pub struct ConfigSetRoute {
    pub name: String,
    /// Index of the set's sending pool, if it names one.
    pub(super) pool: Option<usize>,
    /// The set's retry window `R` in hours.
    pub(super) retry_hours: f64,
}

#[derive(Debug, Clone)]
pub(super) struct PoolWorld {
    pub(super) name: String,
    pub(super) kind: PoolKind,
}

#[derive(Debug, Clone)]
pub(super) enum PoolKind {
    Managed(ManagedPool),
    Standard(StandardPool),
    Shared,
}

#[derive(Debug, Clone)]
pub(super) struct ManagedPool {
    pub(super) ips: Vec<ManagedIp>,
    /// Per ISP, the previous days' demand, oldest first.
    pub(super) history: Vec<VecDeque<u64>>,
    pub(super) queue: Vec<u64>,
    pub(super) under_use_days: u32,
}

#[derive(Debug, Clone)]
pub(super) struct ManagedIp {
    pub(super) addr: Ipv4Addr,
    pub(super) isps: Vec<IspWarmup>,
}

#[derive(Debug, Clone)]
pub(super) struct StandardPool {
    /// In address order.
    pub(super) ips: Vec<StandardIp>,
    /// Per ISP, yesterday's deferred mail to retry today, and the retry window (hours) it
    /// was deferred under.
    pub(super) queue: Vec<u64>,
    pub(super) queue_hours: Vec<f64>,
    /// Per ISP, the demand of the last days, oldest first, today last after the day.
    pub(super) history: Vec<VecDeque<u64>>,
}

#[derive(Debug, Clone)]
pub(super) struct StandardIp {
    pub(super) addr: Ipv4Addr,
    pub(super) start: f64,
    pub(super) days: u32,
    /// Per ISP, what the ISP remembers the IP sending it a day (model v3).
    pub(super) ewma: Vec<Option<f64>>,
    /// Days since the IP last delivered anything.
    pub(super) idle_days: u32,
}

impl StandardIp {
    pub(super) fn percent(&self) -> f64 {
        IpWarmup::standard_percent(self.start, self.days)
    }
}

/// A standard pool as the model sees it: its IPs with what the ISPs remember of them, and
/// the pool's saved queue and demand history.
fn standard_pool(
    params: &ModelParams,
    region: &crate::model::Region,
    name: &str,
    saved: Option<&StandardPoolState>,
) -> StandardPool {
    let default_hours = f64::from(params.default_max_delivery_seconds) / 3600.0;
    StandardPool {
        ips: region
            .ips_of_pool(name)
            .map(|(addr, ip)| match &ip.warmup {
                IpWarmup::Standard {
                    start,
                    days,
                    memory,
                } => StandardIp {
                    addr: *addr,
                    start: *start,
                    days: *days,
                    ewma: params
                        .isps
                        .iter()
                        .map(|i| memory.ewma.get(&i.isp).copied())
                        .collect(),
                    idle_days: memory.idle_days,
                },
                // A check refuses a managed IP in a standard pool; read as warm and unknown.
                IpWarmup::Managed { .. } => StandardIp {
                    addr: *addr,
                    start: 100.0,
                    days: 0,
                    ewma: vec![None; params.isps.len()],
                    idle_days: 0,
                },
            })
            .collect(),
        queue: params
            .isps
            .iter()
            .map(|i| {
                saved
                    .and_then(|p| p.queue.get(&i.isp))
                    .copied()
                    .unwrap_or(0)
            })
            .collect(),
        queue_hours: params
            .isps
            .iter()
            .map(|i| {
                saved
                    .and_then(|p| p.queue_hours.get(&i.isp))
                    .copied()
                    .unwrap_or(default_hours)
            })
            .collect(),
        history: dense_history(params, saved.map(|p| &p.history)),
    }
}

/// A pool's saved demand history per ISP, in table order (an ISP without one has none).
fn dense_history(
    params: &ModelParams,
    saved: Option<&BTreeMap<String, Vec<u64>>>,
) -> Vec<VecDeque<u64>> {
    params
        .isps
        .iter()
        .map(|i| {
            saved
                .and_then(|h| h.get(&i.isp))
                .cloned()
                .unwrap_or_default()
                .into()
        })
        .collect()
}

/// A pool's demand history as saved: leading zero days are stored as absent (the model reads
/// both as 0), so the state is the same however a run is split.
fn saved_history(names: &[String], history: Vec<VecDeque<u64>>) -> BTreeMap<String, Vec<u64>> {
    names
        .iter()
        .cloned()
        .zip(history)
        .filter_map(|(k, h)| {
            let first = h.iter().position(|&d| d > 0)?;
            Some((k, h.into_iter().skip(first).collect()))
        })
        .collect()
}

const FIRST_ADDRESS: u32 = u32::from_be_bytes([198, 18, 0, 0]);
const ADDRESSES: u32 = (1 << 17) - 1;

impl World {
    /// The model's view of `state`, routing the mail of `senders`. Fails only when a section
    /// of the state it needs is corrupt.
    pub fn new(state: &State, senders: &Senders) -> Result<World> {
        let none = BTreeSet::new();
        let params = state.model.clone();
        let n = params.isps.len();
        let dense = |map: &BTreeMap<String, IspWarmup>| -> Vec<IspWarmup> {
            params
                .isps
                .iter()
                .map(|i| map.get(&i.isp).copied().unwrap_or_default())
                .collect()
        };
        let regions = state
            .regions
            .iter()
            .map(|(name, region)| {
                let mut names: Vec<&str> = region.pools.keys().map(String::as_str).collect();
                names.extend([DEFAULT_POOL, SHARED_POOL]);
                names.sort_unstable();
                let pools: Vec<PoolWorld> = names
                    .iter()
                    .map(|&pool_name| {
                        let kind = if pool_name == SHARED_POOL {
                            PoolKind::Shared
                        } else if region.is_managed(pool_name) {
                            let saved = region.pools[pool_name].managed.clone().unwrap_or_default();
                            PoolKind::Managed(ManagedPool {
                                ips: region
                                    .ips_of_pool(pool_name)
                                    .map(|(addr, ip)| ManagedIp {
                                        addr: *addr,
                                        isps: match &ip.warmup {
                                            IpWarmup::Managed { isps } => dense(isps),
                                            IpWarmup::Standard { .. } => {
                                                vec![IspWarmup::default(); n]
                                            }
                                        },
                                    })
                                    .collect(),
                                history: dense_history(&params, Some(&saved.history)),
                                queue: params
                                    .isps
                                    .iter()
                                    .map(|i| saved.queue.get(&i.isp).copied().unwrap_or(0))
                                    .collect(),
                                under_use_days: saved.under_use_days,
                            })
                        } else {
                            PoolKind::Standard(standard_pool(
                                &params,
                                region,
                                pool_name,
                                region.standard_pools.get(pool_name),
                            ))
                        };
                        PoolWorld {
                            name: pool_name.to_string(),
                            kind,
                        }
                    })
                    .collect();
                let index_of = |name: &str| pools.iter().position(|p| p.name == name);
                let sending = senders.get(name).unwrap_or(&none);
                let config_sets = region
                    .configuration_sets
                    .get_some(sending)?
                    .iter()
                    .map(|(cs_name, cs)| ConfigSetRoute {
                        name: cs_name.clone(),
                        pool: cs.sending_pool.as_deref().and_then(index_of),
                        retry_hours: f64::from(
                            cs.max_delivery_seconds
                                .unwrap_or(params.default_max_delivery_seconds),
                        ) / 3600.0,
                    })
                    .collect();
                Ok(RegionWorld {
                    name: name.clone(),
                    no_set: ConfigSetRoute {
                        name: String::new(),
                        pool: None,
                        retry_hours: f64::from(params.default_max_delivery_seconds) / 3600.0,
                    },
                    auto_warmup: region.auto_warmup,
                    default_pool: index_of(DEFAULT_POOL).expect("always listed"),
                    shared_pool: index_of(SHARED_POOL).expect("always listed"),
                    pools,
                    config_sets,
                })
            })
            .collect::<Result<_>>()?;
        Ok(World {
            params,
            date: state.date,
            next_ip: state.next_ip,
            regions,
            usage: BTreeMap::new(),
            live: None,
        })
    }

    pub fn isp_count(&self) -> usize {
        self.params.isps.len()
    }

    pub fn region_index(&self, name: &str) -> Option<usize> {
        self.regions.iter().position(|r| r.name == name)
    }

    pub(super) fn allocate_ip(&mut self) -> Option<Ipv4Addr> {
        if self.next_ip >= ADDRESSES {
            return None;
        }
        let ip = Ipv4Addr::from(FIRST_ADDRESS + self.next_ip);
        self.next_ip += 1;
        Some(ip)
    }

    pub(super) fn warmup_params(&self, isp: usize) -> WarmupParams {
        let m = &self.params;
        WarmupParams {
            v0: m.cold_allowance,
            capacity: m.isps[isp].fully_warm_daily_capacity_per_ip as f64,
            days_to_warm: f64::from(m.isps[isp].days_to_warm.max(1)),
            headroom: m.headroom,
            alpha: m.ewma_alpha,
            full_use: m.full_use,
            idle_reset_days: m.idle_reset_days,
        }
    }

    pub(super) fn scale_params(&self) -> ScaleParams {
        let m = &self.params;
        ScaleParams {
            utilisation: m.scale_utilisation,
            activation_threshold: m.activation_threshold,
            isp_floor: m.isp_scaling_floor,
            max_ips: m.max_ips,
            scale_in_days: m.scale_in_days,
        }
    }

    /// Writes the model state, metrics, usage and clock back into `state`.
    pub fn finish(self, state: &mut State, reports: &[DayReport]) -> Result<()> {
        let names: Vec<String> = self.params.isps.iter().map(|i| i.isp.clone()).collect();
        for region in self.regions {
            let target = state.region_mut(&region.name);
            for pool in region.pools {
                match pool.kind {
                    PoolKind::Managed(m) => {
                        target.ips.retain(|_, ip| ip.pool != pool.name);
                        for ip in m.ips {
                            let isps = names.iter().cloned().zip(ip.isps).collect();
                            target.ips.insert(
                                ip.addr,
                                crate::model::Ip {
                                    pool: pool.name.clone(),
                                    warmup: IpWarmup::Managed { isps },
                                },
                            );
                        }
                        let saved = ManagedPoolState {
                            history: saved_history(&names, m.history),
                            queue: names
                                .iter()
                                .cloned()
                                .zip(m.queue)
                                .filter(|(_, q)| *q > 0)
                                .collect(),
                            under_use_days: m.under_use_days,
                        };
                        if let Some(p) = target.pools.get_mut(&pool.name) {
                            p.managed = Some(saved);
                        }
                    }
                    PoolKind::Standard(p) => {
                        let mut saved = StandardPoolState {
                            history: saved_history(&names, p.history),
                            ..StandardPoolState::default()
                        };
                        for ((isp, q), h) in names.iter().zip(p.queue).zip(p.queue_hours) {
                            if q > 0 {
                                saved.queue.insert(isp.clone(), q);
                                saved.queue_hours.insert(isp.clone(), h);
                            }
                        }
                        if saved.is_empty() {
                            target.standard_pools.remove(&pool.name);
                        } else {
                            target.standard_pools.insert(pool.name.clone(), saved);
                        }
                        for ip in p.ips {
                            if let Some(t) = target.ips.get_mut(&ip.addr) {
                                t.warmup = IpWarmup::Standard {
                                    start: ip.start,
                                    days: ip.days,
                                    memory: IspMemory {
                                        ewma: names
                                            .iter()
                                            .zip(&ip.ewma)
                                            .filter_map(|(n, e)| Some((n.clone(), (*e)?)))
                                            .collect(),
                                        idle_days: ip.idle_days,
                                    },
                                };
                            }
                        }
                    }
                    PoolKind::Shared => {}
                }
            }
        }
        for r in reports {
            report::append_metrics(state.region_mut(&r.region), r)?;
        }
        for (month, u) in self.usage {
            state.usage.entry(month).or_default().add(&u);
        }
        state.next_ip = self.next_ip;
        state.date = self.date;
        Ok(())
    }
}
