//! The warm-up model (`warmup-model.md`): pure, deterministic, no I/O and no clock.
//!
//! `World::new` copies what the model needs out of a `State` into dense per-ISP arrays,
//! `World::step` simulates one day of every region and returns its reports, and
//! `World::finish` writes the model state, metrics, usage and clock back into the `State`.

pub mod formulas;
pub mod managed;
pub mod plan;
pub mod report;
pub mod standard;

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::net::Ipv4Addr;

use jiff::civil::Date;

use crate::error::Result;
use crate::model::{
    DEFAULT_POOL, IpWarmup, IspWarmup, ManagedPoolState, ModelParams, SHARED_POOL, State,
};
use formulas::{allowed, standard_cap};
use managed::{Phase, Scale, ScaleParams, WarmupParams};
pub use plan::{Demand, MAX_DAYS, Plan, PlanRow, simulate};
pub use report::{DayReport, IspDay, Mail, PoolMode, RunReport};

/// The configuration sets that may send during a run, per region: those with standing
/// traffic, or those a plan names. Only they are read from the state.
pub type Senders = BTreeMap<String, BTreeSet<String>>;

/// One day's demand: per region (in `World::regions` order), per configuration set (index in
/// that region's `config_sets`, or `NO_SET` for mail sent through none), the volume per ISP
/// (table order).
pub type DayDemand = Vec<BTreeMap<usize, Vec<u64>>>;

/// The key of `DayDemand` for mail sent through no configuration set: it goes the default way.
pub const NO_SET: usize = usize::MAX;

/// The whole account, as the model sees it during a run.
#[derive(Debug, Clone)]
pub struct World {
    params: ModelParams,
    pub date: Date,
    next_ip: u32,
    pub regions: Vec<RegionWorld>,
    /// Usage per calendar month accrued during the run.
    pub usage: BTreeMap<String, crate::model::MonthUsage>,
}

#[derive(Debug, Clone)]
pub struct RegionWorld {
    pub name: String,
    auto_warmup: bool,
    /// Every pool in name order: user pools, `ses-default-dedicated-pool` and `ses-shared-pool`.
    pools: Vec<PoolWorld>,
    default_pool: usize,
    shared_pool: usize,
    pub config_sets: Vec<ConfigSetRoute>,
    /// The route of mail sent through no configuration set (`NO_SET`).
    no_set: ConfigSetRoute,
}

#[derive(Debug, Clone)]
pub struct ConfigSetRoute {
    pub name: String,
    /// Index of the set's sending pool, if it names one.
    pool: Option<usize>,
    /// The set's retry window `R` in hours.
    retry_hours: f64,
}

#[derive(Debug, Clone)]
struct PoolWorld {
    name: String,
    kind: PoolKind,
}

#[derive(Debug, Clone)]
enum PoolKind {
    Managed(ManagedPool),
    Standard(StandardPool),
    Shared,
}

#[derive(Debug, Clone)]
struct ManagedPool {
    ips: Vec<ManagedIp>,
    /// Per ISP, the previous days' demand, oldest first.
    history: Vec<VecDeque<u64>>,
    queue: Vec<u64>,
    under_use_days: u32,
}

#[derive(Debug, Clone)]
struct ManagedIp {
    addr: Ipv4Addr,
    isps: Vec<IspWarmup>,
}

#[derive(Debug, Clone)]
struct StandardPool {
    ips: Vec<StandardIp>,
    /// Per ISP, yesterday's deferred mail to retry today.
    queue: Vec<u64>,
}

#[derive(Debug, Clone)]
struct StandardIp {
    start: f64,
    days: u32,
}

impl StandardIp {
    fn percent(&self) -> f64 {
        IpWarmup::standard_percent(self.start, self.days)
    }
}

const FIRST_ADDRESS: u32 = u32::from_be_bytes([198, 18, 0, 0]);
const ADDRESSES: u32 = (1 << 17) - 1;

impl World {
    /// The configuration sets with standing traffic (`traffic set`) or mail sent today, per
    /// region.
    pub fn standing_senders(state: &State) -> Senders {
        state
            .regions
            .iter()
            .map(|(name, r)| {
                let sets = r.traffic.keys().chain(r.pending.keys());
                (
                    name.clone(),
                    sets.filter(|s| !s.is_empty()).cloned().collect(),
                )
            })
            .collect()
    }

    /// The mail sent today (SendEmail, `sesm send`), as demand; a set deleted since goes the
    /// default way.
    pub fn pending_demand(&self, state: &State) -> DayDemand {
        self.regions
            .iter()
            .map(|r| {
                let mut out: BTreeMap<usize, Vec<u64>> = BTreeMap::new();
                for (set, isps) in &state.region(&r.name).pending {
                    let index = r
                        .config_sets
                        .binary_search_by(|c| c.name.as_str().cmp(set))
                        .unwrap_or(NO_SET);
                    let volumes = out
                        .entry(index)
                        .or_insert_with(|| vec![0; self.isp_count()]);
                    for (isp, n) in isps {
                        if let Some(i) = self.params.isp_index(isp)
                            && let Some(v) = volumes.get_mut(i)
                        {
                            *v = v.saturating_add(*n);
                        }
                    }
                }
                out
            })
            .collect()
    }

    /// Adds `extra` to `day`.
    pub fn add_demand(day: &mut DayDemand, extra: &DayDemand) {
        for (region, more) in day.iter_mut().zip(extra) {
            for (cs, volumes) in more {
                let into = region.entry(*cs).or_insert_with(|| vec![0; volumes.len()]);
                for (a, b) in into.iter_mut().zip(volumes) {
                    *a = a.saturating_add(*b);
                }
            }
        }
    }

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
                                history: params
                                    .isps
                                    .iter()
                                    .map(|i| {
                                        saved
                                            .history
                                            .get(&i.isp)
                                            .cloned()
                                            .unwrap_or_default()
                                            .into()
                                    })
                                    .collect(),
                                queue: params
                                    .isps
                                    .iter()
                                    .map(|i| saved.queue.get(&i.isp).copied().unwrap_or(0))
                                    .collect(),
                                under_use_days: saved.under_use_days,
                            })
                        } else {
                            let saved = region.standard_queues.get(pool_name);
                            PoolKind::Standard(StandardPool {
                                ips: region
                                    .ips_of_pool(pool_name)
                                    .map(|(_, ip)| match ip.warmup {
                                        IpWarmup::Standard { start, days } => {
                                            StandardIp { start, days }
                                        }
                                        IpWarmup::Managed { .. } => StandardIp {
                                            start: 100.0,
                                            days: 0,
                                        },
                                    })
                                    .collect(),
                                queue: params
                                    .isps
                                    .iter()
                                    .map(|i| {
                                        saved.and_then(|q| q.get(&i.isp)).copied().unwrap_or(0)
                                    })
                                    .collect(),
                            })
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
        })
    }

    pub fn isp_count(&self) -> usize {
        self.params.isps.len()
    }

    pub fn region_index(&self, name: &str) -> Option<usize> {
        self.regions.iter().position(|r| r.name == name)
    }

    /// The standing demand of `traffic set`, the same every day.
    pub fn standing_demand(&self, state: &State) -> DayDemand {
        self.regions
            .iter()
            .map(|r| {
                let traffic = &state.regions[&r.name].traffic;
                r.config_sets
                    .iter()
                    .enumerate()
                    .filter_map(|(i, cs)| {
                        let plan = traffic.get(&cs.name)?;
                        let volumes: Vec<u64> = self
                            .params
                            .isps
                            .iter()
                            .map(|isp| plan.get(&isp.isp).copied().unwrap_or(0))
                            .collect();
                        volumes.iter().any(|&v| v > 0).then_some((i, volumes))
                    })
                    .collect()
            })
            .collect()
    }

    /// No mail at all (a plan's days without rows).
    pub fn no_demand(&self) -> DayDemand {
        vec![BTreeMap::new(); self.regions.len()]
    }

    /// The demand of each day of a run of `days` days: `base` plus the plan's rows.
    pub fn plan_demand(&self, plan: &Plan, days: u32, base: &DayDemand) -> Vec<DayDemand> {
        let n = self.isp_count();
        let mut out: Vec<DayDemand> = (0..days).map(|_| base.clone()).collect();
        for row in &plan.rows {
            let Some(ri) = self.region_index(&row.region) else {
                continue;
            };
            let Ok(ci) = self.regions[ri]
                .config_sets
                .binary_search_by(|c| c.name.as_str().cmp(&row.config_set))
            else {
                continue;
            };
            let Some(day) = out.get_mut(row.day as usize) else {
                continue;
            };
            let volumes = day[ri].entry(ci).or_insert_with(|| vec![0; n]);
            if let Some(v) = volumes.get_mut(row.isp) {
                *v = v.saturating_add(row.volume);
            }
        }
        out
    }

    fn allocate_ip(&mut self) -> Option<Ipv4Addr> {
        if self.next_ip >= ADDRESSES {
            return None;
        }
        let ip = Ipv4Addr::from(FIRST_ADDRESS + self.next_ip);
        self.next_ip += 1;
        Some(ip)
    }

    fn warmup_params(&self, isp: usize) -> WarmupParams {
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

    fn scale_params(&self) -> ScaleParams {
        let m = &self.params;
        ScaleParams {
            utilisation: m.scale_utilisation,
            activation_threshold: m.activation_threshold,
            isp_floor: m.isp_scaling_floor,
            max_ips: m.max_ips,
            scale_in_days: m.scale_in_days,
        }
    }

    /// Simulates one day of every region and advances the clock.
    pub fn step(&mut self, demand: &DayDemand) -> Vec<DayReport> {
        let n = self.isp_count();
        let date = self.date;
        let mut reports = Vec::new();
        let mut managed_messages = 0u64;
        let mut standard_ips = 0u64;
        let mut any_managed = false;
        for ri in 0..self.regions.len() {
            // 1. Demand per pool and ISP, and each pool-ISP's retry window.
            let region = &self.regions[ri];
            let pool_count = region.pools.len();
            let mut pool_demand = vec![vec![0u64; n]; pool_count];
            let mut retry_hours: Vec<Vec<Option<f64>>> = vec![vec![None; n]; pool_count];
            let default_has_ips = matches!(&region.pools[region.default_pool].kind, PoolKind::Standard(p) if !p.ips.is_empty());
            if let Some(region_demand) = demand.get(ri) {
                for (&cs, volumes) in region_demand {
                    let route = region.config_sets.get(cs).unwrap_or(&region.no_set);
                    let mut pool = route.pool.unwrap_or(if default_has_ips {
                        region.default_pool
                    } else {
                        region.shared_pool
                    });
                    if pool == region.default_pool && !default_has_ips {
                        pool = region.shared_pool;
                    }
                    for (i, &v) in volumes.iter().enumerate().filter(|(_, v)| **v > 0) {
                        pool_demand[pool][i] = pool_demand[pool][i].saturating_add(v);
                        let r = retry_hours[pool][i].get_or_insert(route.retry_hours);
                        *r = r.max(route.retry_hours);
                    }
                }
            }
            // 2. Each pool in name order.
            for pi in 0..pool_count {
                let report = match &self.regions[ri].pools[pi].kind {
                    PoolKind::Managed(_) => {
                        any_managed = true;
                        self.managed_day(ri, pi, &pool_demand[pi], &retry_hours[pi])
                    }
                    PoolKind::Standard(_) => {
                        self.standard_day(ri, pi, &pool_demand[pi], &retry_hours[pi])
                    }
                    PoolKind::Shared => shared_day(&pool_demand[pi], &self.params),
                };
                if let Some((count, scale_event, isps)) = report {
                    let pool = &self.regions[ri].pools[pi];
                    if matches!(pool.kind, PoolKind::Managed(_)) {
                        let sent = Mail::total(isps.iter().map(|d| &d.mail)).sent();
                        managed_messages = managed_messages.saturating_add(sent);
                    }
                    reports.push(DayReport {
                        date,
                        region: self.regions[ri].name.clone(),
                        pool_name: pool.name.clone(),
                        scaling_mode: match pool.kind {
                            PoolKind::Managed(_) => PoolMode::Managed,
                            PoolKind::Standard(_) => PoolMode::Standard,
                            PoolKind::Shared => PoolMode::Shared,
                        },
                        dedicated_ip_count: count,
                        scale_event,
                        // Every ISP, for the metrics; `RunReport` keeps the active ones.
                        isps,
                    });
                }
            }
            // 3. Standard IPs warm up by time while auto warm-up is on.
            let region = &mut self.regions[ri];
            let auto = region.auto_warmup;
            for pool in &mut region.pools {
                if let PoolKind::Standard(p) = &mut pool.kind {
                    standard_ips += p.ips.len() as u64;
                    if auto {
                        for ip in p.ips.iter_mut().filter(|ip| ip.percent() < 100.0) {
                            ip.days += 1;
                        }
                    }
                }
            }
        }
        // 4. Cost accrues for the day.
        let usage = self.usage.entry(month_of(date)).or_default();
        usage.managed_pool_days = usage
            .managed_pool_days
            .saturating_add(u32::from(any_managed));
        usage.managed_messages = usage.managed_messages.saturating_add(managed_messages);
        usage.standard_ip_days = usage.standard_ip_days.saturating_add(standard_ips);
        // `plan::end_date` checked that the day after the run exists.
        self.date = date.tomorrow().unwrap_or(date);
        reports
    }

    /// Routing, warm-up update and scaling of one managed pool.
    fn managed_day(
        &mut self,
        ri: usize,
        pi: usize,
        demand: &[u64],
        retry_hours: &[Option<f64>],
    ) -> Option<(u32, i32, Vec<IspDay>)> {
        let n = self.isp_count();
        let warm: Vec<WarmupParams> = (0..n).map(|i| self.warmup_params(i)).collect();
        let scale = self.scale_params();
        let theta = self.params.late_phase_threshold;
        let history_days = self.params.history_days;
        let default_hours = f64::from(self.params.default_max_delivery_seconds) / 3600.0;
        let PoolKind::Managed(pool) = &mut self.regions[ri].pools[pi].kind else {
            unreachable!("called for managed pools only")
        };
        let start_count = pool.ips.len();
        let had_queue = pool.queue.iter().any(|&q| q > 0);
        let mut raws = Vec::with_capacity(n);
        let mut allowed_before = vec![0u64; start_count];
        for i in 0..n {
            let w = &warm[i];
            for (a, ip) in allowed_before.iter_mut().zip(&pool.ips) {
                *a = allowed(ip.isps[i].w, w.v0, w.capacity);
            }
            let reference = pool.history[i].iter().copied().max().unwrap_or(0);
            let hours = retry_hours[i].unwrap_or(default_hours);
            let queued = pool.queue[i];
            let routed =
                managed::route(&allowed_before, demand[i], queued, reference, hours, theta);
            pool.queue[i] = routed.queue_next;
            for ((ip, &v), &a) in pool.ips.iter_mut().zip(&routed.per_ip).zip(&allowed_before) {
                managed::update_warmup(&mut ip.isps[i], v, a, w);
            }
            let warmup = if pool.ips.is_empty() {
                0.0
            } else {
                pool.ips.iter().map(|ip| ip.isps[i].w).sum::<f64>() / pool.ips.len() as f64
            };
            let history = &mut pool.history[i];
            history.push_back(demand[i]);
            while history.len() > history_days {
                history.pop_front();
            }
            raws.push(IspDay {
                isp: self.params.isps[i].isp.clone(),
                mail: Mail {
                    demand: demand[i],
                    sent_dedicated: routed.dedicated(),
                    retried: routed.retried,
                    sent_shared: routed.shared,
                    deferred: routed.deferred,
                    expired: routed.expired,
                },
                queued,
                effective_daily_rate: Some(routed.edr),
                warmup_percentage: warmup,
                phase: routed.phase,
            });
        }
        // Scaling, from the demand history that now includes today.
        for h in pool.history.iter_mut() {
            h.make_contiguous();
        }
        let histories: Vec<&[u64]> = pool.history.iter().map(|h| h.as_slices().0).collect();
        let capacities: Vec<f64> = warm.iter().map(|w| w.capacity).collect();
        let required = managed::required_ips(&histories, &capacities, start_count, &scale);
        let decision =
            managed::scale_decision(required, start_count, &mut pool.under_use_days, &scale);
        match decision {
            Scale::Keep => {}
            Scale::RemoveOne => {
                let sums: Vec<u64> = pool
                    .ips
                    .iter()
                    .map(|ip| {
                        (0..n)
                            .map(|i| allowed(ip.isps[i].w, warm[i].v0, warm[i].capacity))
                            .sum()
                    })
                    .collect();
                if let Some(i) = managed::ip_to_remove(&sums) {
                    pool.ips.remove(i);
                }
            }
            Scale::Add(k) => {
                for _ in 0..k {
                    let Some(addr) = self.allocate_ip() else {
                        break;
                    };
                    let PoolKind::Managed(pool) = &mut self.regions[ri].pools[pi].kind else {
                        unreachable!()
                    };
                    pool.ips.push(ManagedIp {
                        addr,
                        isps: vec![IspWarmup::default(); n],
                    });
                }
            }
        }
        let PoolKind::Managed(pool) = &self.regions[ri].pools[pi].kind else {
            unreachable!()
        };
        let end_count = pool.ips.len();
        let active = start_count > 0 || end_count > 0 || had_queue || demand.iter().any(|&d| d > 0);
        active.then(|| {
            (
                start_count as u32,
                end_count as i32 - start_count as i32,
                raws,
            )
        })
    }

    /// A standard pool (or `ses-default-dedicated-pool`), model v2 (`standard::route`).
    fn standard_day(
        &mut self,
        ri: usize,
        pi: usize,
        demand: &[u64],
        retry_hours: &[Option<f64>],
    ) -> Option<(u32, i32, Vec<IspDay>)> {
        let m = &self.params;
        let default_hours = f64::from(m.default_max_delivery_seconds) / 3600.0;
        let capacity: Vec<u64> = m
            .isps
            .iter()
            .map(|i| i.fully_warm_daily_capacity_per_ip)
            .collect();
        let hours: Vec<f64> = retry_hours
            .iter()
            .map(|h| h.unwrap_or(default_hours))
            .collect();
        let (cold, warm_cap) = (m.standard_cold_cap, m.standard_warm_cap);
        let PoolKind::Standard(pool) = &mut self.regions[ri].pools[pi].kind else {
            return None;
        };
        let ips = &pool.ips;
        if ips.is_empty() && demand.iter().all(|&d| d == 0) && pool.queue.iter().all(|&q| q == 0) {
            return None;
        }
        let warming: Vec<f64> = ips
            .iter()
            .map(StandardIp::percent)
            .filter(|&p| p < 100.0)
            .collect();
        let day = standard::StandardPoolDay {
            warm: (ips.len() - warming.len()) as u64,
            warming: warming.len(),
            warming_cap: warming
                .iter()
                .map(|&p| standard_cap(p, cold, warm_cap))
                .fold(0, u64::saturating_add),
        };
        let (routed, phase) = standard::route(day, demand, &pool.queue, &capacity, &hours);
        let warmup = if ips.is_empty() {
            0.0
        } else {
            ips.iter().map(|ip| ip.percent().floor()).sum::<f64>() / ips.len() as f64
        };
        let count = ips.len() as u32;
        let mut raws = Vec::with_capacity(routed.len());
        for (i, r) in routed.into_iter().enumerate() {
            let queued = std::mem::replace(&mut pool.queue[i], r.queue_next);
            raws.push(IspDay {
                isp: self.params.isps[i].isp.clone(),
                mail: Mail {
                    demand: demand[i],
                    sent_dedicated: r.dedicated(),
                    retried: r.retried,
                    sent_shared: r.shared,
                    deferred: r.deferred,
                    expired: r.expired,
                },
                queued,
                effective_daily_rate: Some(r.edr),
                warmup_percentage: warmup,
                phase,
            });
        }
        Some((count, 0, raws))
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
                            // Leading zero days are stored as absent (the model reads both as
                            // 0), so the state is the same however a run is split.
                            history: names
                                .iter()
                                .cloned()
                                .zip(m.history)
                                .filter_map(|(k, h)| {
                                    let first = h.iter().position(|&d| d > 0)?;
                                    Some((k, h.into_iter().skip(first).collect()))
                                })
                                .collect(),
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
                        let queue: BTreeMap<String, u64> = names
                            .iter()
                            .cloned()
                            .zip(p.queue)
                            .filter(|(_, q)| *q > 0)
                            .collect();
                        if queue.is_empty() {
                            target.standard_queues.remove(&pool.name);
                        } else {
                            target.standard_queues.insert(pool.name.clone(), queue);
                        }
                        let addrs: Vec<Ipv4Addr> =
                            target.ips_of_pool(&pool.name).map(|(a, _)| *a).collect();
                        for (addr, ip) in addrs.into_iter().zip(p.ips) {
                            if let Some(t) = target.ips.get_mut(&addr) {
                                t.warmup = IpWarmup::Standard {
                                    start: ip.start,
                                    days: ip.days,
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
            let total = state.usage.entry(month).or_default();
            total.managed_pool_days = total.managed_pool_days.saturating_add(u.managed_pool_days);
            total.managed_messages = total.managed_messages.saturating_add(u.managed_messages);
            total.standard_ip_days = total.standard_ip_days.saturating_add(u.standard_ip_days);
        }
        state.next_ip = self.next_ip;
        state.date = self.date;
        Ok(())
    }
}

fn shared_day(demand: &[u64], params: &ModelParams) -> Option<(u32, i32, Vec<IspDay>)> {
    if demand.iter().all(|&d| d == 0) {
        return None;
    }
    let raws = demand
        .iter()
        .zip(&params.isps)
        .map(|(&d, isp)| IspDay {
            isp: isp.isp.clone(),
            mail: Mail {
                demand: d,
                sent_shared: d,
                ..Mail::default()
            },
            queued: 0,
            effective_daily_rate: Some(0),
            warmup_percentage: 0.0,
            phase: Phase::Early,
        })
        .collect();
    Some((0, 0, raws))
}

/// `YYYY-MM` of a date: the key of monthly usage.
pub fn month_of(date: Date) -> String {
    format!("{:04}-{:02}", date.year(), date.month())
}

/// Simulates `days` days of `world` (built from `state`) with the demand `demand_for(day)` and
/// writes the result into `state`; `end` is the last simulated date (`plan::end_date`).
pub fn run(
    state: &mut State,
    mut world: World,
    days: u32,
    end: Date,
    demand_for: impl Fn(u32) -> DayDemand,
) -> Result<RunReport> {
    let start = state.date;
    let mut reports = Vec::new();
    for day in 0..days {
        let demand = demand_for(day);
        reports.extend(world.step(&demand));
    }
    let usage = world.usage.clone();
    world.finish(state, &reports)?;
    Ok(RunReport::new(start, end, reports, &usage, state))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ScalingMode;
    use crate::model::config_set::NewConfigSet;
    use crate::model::pool::NewPool;

    const R: &str = "us-east-1";

    fn state() -> State {
        State::new(Date::constant(2026, 11, 26))
    }

    fn config_set(s: &mut State, name: &str, pool: Option<&str>) {
        s.region_mut(R)
            .create_config_set(NewConfigSet {
                name: name.into(),
                pool: pool.map(Into::into),
                ..Default::default()
            })
            .unwrap();
    }

    fn pool(s: &mut State, name: &str, mode: ScalingMode) {
        s.region_mut(R)
            .create_pool(NewPool {
                name: name.into(),
                mode,
                config_sets: vec![],
                tags: vec![],
            })
            .unwrap();
    }

    fn traffic(s: &mut State, cs: &str, volumes: &[(&str, u64)]) {
        s.region_mut(R).traffic.insert(
            cs.into(),
            volumes.iter().map(|(i, v)| (i.to_string(), *v)).collect(),
        );
    }

    fn run_standing(s: &mut State, days: u32) -> RunReport {
        simulate(s, days, Demand::Standing).unwrap()
    }

    #[test]
    fn a_set_without_pool_uses_shared_ips_until_the_default_pool_has_ips() {
        let mut s = state();
        config_set(&mut s, "cs", None);
        traffic(&mut s, "cs", &[("gmail", 1_000)]);
        let r = run_standing(&mut s, 1);
        assert_eq!(r.days.len(), 1);
        assert_eq!(r.days[0].pool_name, SHARED_POOL);
        assert_eq!(r.days[0].scaling_mode, PoolMode::Shared);
        assert_eq!(r.days[0].isps[0].mail.sent_shared, 1_000);
        s.lease_ips(R, 1, None).unwrap();
        let r = run_standing(&mut s, 1);
        let day = &r.days[0];
        assert_eq!(day.pool_name, DEFAULT_POOL);
        // A new standard IP at 0 % may send 200 a day; the rest goes to shared IPs.
        assert_eq!(day.isps[0].mail.sent_dedicated, 200);
        assert_eq!(day.isps[0].mail.sent_shared, 800);
        assert_eq!(day.isps[0].effective_daily_rate, Some(200));
    }

    #[test]
    fn an_explicit_but_empty_default_pool_sends_through_shared() {
        let mut s = state();
        config_set(&mut s, "cs", Some(DEFAULT_POOL));
        traffic(&mut s, "cs", &[("yahoo", 500)]);
        let r = run_standing(&mut s, 1);
        assert_eq!(r.days[0].pool_name, SHARED_POOL);
    }

    #[test]
    fn standard_ips_warm_up_by_time_and_split_by_demand() {
        let mut s = state();
        pool(&mut s, "std", ScalingMode::Standard);
        config_set(&mut s, "cs", Some("std"));
        s.lease_ips(R, 2, Some("std")).unwrap();
        traffic(&mut s, "cs", &[("gmail", 3_000), ("yahoo", 1_000)]);
        let r = run_standing(&mut s, 46);
        let first = &r.days[0];
        // Two IPs at 0 %: cap 400, split 3:1 between Gmail and Yahoo.
        assert_eq!(
            (
                first.isps[0].mail.sent_dedicated,
                first.isps[1].mail.sent_dedicated
            ),
            (300, 100)
        );
        assert_eq!(first.isps[0].warmup_percentage, 0.0);
        // Day 9: p = 9 × 100/45 = 20 → cap floor(200 × 250^0.2) = floor(603.4) per IP.
        assert_eq!(r.days[9].isps[0].effective_daily_rate, Some(2 * 603));
        assert_eq!(r.days[9].isps[0].warmup_percentage, 20.0);
        // Day 45: DONE; Gmail's rate is K = 2 × 200,000, with nothing warming (W = 0).
        let last = &r.days[45];
        assert_eq!(last.isps[0].effective_daily_rate, Some(400_000));
        assert_eq!(last.isps[0].phase, Phase::Late);
        assert_eq!(last.isps[0].mail.sent_shared, 0);
        let ip = s.region(R).ips.values().next().unwrap();
        assert_eq!(ip.status(), crate::model::ip::WarmupStatus::Done);
    }

    fn set_percent(s: &mut State, percents: &[f64]) {
        for (ip, &p) in s.region_mut(R).ips.values_mut().zip(percents) {
            ip.warmup = IpWarmup::Standard { start: p, days: 0 };
        }
    }

    #[test]
    fn one_warm_standard_ip_delivers_gmails_capacity_and_the_isp_defers_the_rest() {
        let mut s = state();
        pool(&mut s, "std", ScalingMode::Standard);
        config_set(&mut s, "cs", Some("std"));
        s.lease_ips(R, 1, Some("std")).unwrap();
        set_percent(&mut s, &[100.0]);
        traffic(&mut s, "cs", &[("gmail", 1_200_000)]);
        let r = run_standing(&mut s, 3);
        // R = 14 h (no MaxDeliverySeconds): 14/24 of the excess is kept for tomorrow.
        let kept = |x: u64| (x as f64 * 14.0 / 24.0).floor() as u64;
        let d0 = &r.days[0].isps[0];
        assert_eq!(d0.mail.sent_dedicated, 200_000);
        assert_eq!((d0.mail.sent_shared, d0.mail.retried), (0, 0));
        assert_eq!(d0.mail.deferred, 1_000_000);
        assert_eq!(d0.mail.expired, 1_000_000 - kept(1_000_000));
        assert_eq!(d0.effective_daily_rate, Some(200_000));
        assert_eq!(d0.phase, Phase::Late);
        assert_eq!(d0.warmup_percentage, 100.0);
        let d1 = &r.days[1].isps[0];
        // The queue goes first, within floor(200,000 × 14/24) = 116,666.
        assert_eq!(d1.queued, kept(1_000_000));
        assert_eq!(d1.mail.retried, 116_666);
        assert_eq!(d1.mail.sent_dedicated, 200_000);
        assert_eq!(d1.mail.deferred, 1_200_000 - 83_334);
        assert_eq!(
            d1.mail.expired,
            kept(1_000_000) - 116_666 + 1_116_666 - kept(1_116_666)
        );
        for day in &r.days {
            let i = &day.isps[0];
            assert_eq!(
                i.queued + i.mail.demand,
                i.mail.sent_dedicated + i.mail.sent_shared + i.mail.expired + i.kept_for_tomorrow()
            );
        }
        // The queue is kept between runs.
        assert_eq!(
            s.region(R).standard_queues["std"]["gmail"],
            r.days[2].isps[0].kept_for_tomorrow()
        );
    }

    #[test]
    fn warming_standard_ips_split_oranges_excess_with_shared_ips() {
        let mut s = state();
        pool(&mut s, "std", ScalingMode::Standard);
        config_set(&mut s, "cs", Some("std"));
        s.lease_ips(R, 3, Some("std")).unwrap();
        set_percent(&mut s, &[100.0, 50.0, 0.0]);
        s.region_mut(R).auto_warmup = false;
        traffic(&mut s, "cs", &[("orange", 40_000)]);
        let r = run_standing(&mut s, 1);
        let o = &r.days[0].isps[0];
        // The warm IP takes Orange's C = 15,000; the warming ones 3,162 (50 %) + 200 (0 %).
        assert_eq!(o.mail.sent_dedicated, 15_000 + 3_162 + 200);
        assert_eq!(o.mail.sent_shared, 40_000 - 18_362);
        assert_eq!((o.mail.deferred, o.mail.expired), (0, 0));
        assert_eq!(o.effective_daily_rate, Some(18_362));
        assert_eq!(o.phase, Phase::Early);
        assert_eq!(o.warmup_percentage, 50.0);
    }

    #[test]
    fn a_standard_queue_survives_a_split_run_and_a_conversion_to_managed() {
        let build = || {
            let mut s = state();
            pool(&mut s, "std", ScalingMode::Standard);
            config_set(&mut s, "cs", Some("std"));
            s.lease_ips(R, 1, Some("std")).unwrap();
            set_percent(&mut s, &[100.0]);
            traffic(&mut s, "cs", &[("orange", 30_000)]);
            s
        };
        let mut once = build();
        let r = run_standing(&mut once, 4);
        let mut twice = build();
        let mut days = run_standing(&mut twice, 2).days;
        days.extend(run_standing(&mut twice, 2).days);
        assert_eq!(days, r.days);
        assert_eq!(twice.regions, once.regions);
        let queued = once.region(R).standard_queues["std"]["orange"];
        assert!(queued > 0);
        let names: Vec<String> = once.model.isp_names().map(str::to_string).collect();
        once.region_mut(R)
            .set_scaling_mode("std", ScalingMode::Managed, &names)
            .unwrap();
        assert!(once.region(R).standard_queues.is_empty());
        let managed = once.region(R).pools["std"].managed.clone().unwrap();
        assert_eq!(managed.queue["orange"], queued);
    }

    #[test]
    fn standard_warmup_stops_while_auto_warmup_is_off() {
        let mut s = state();
        s.lease_ips(R, 1, None).unwrap();
        s.region_mut(R).ips.values_mut().next().unwrap().warmup = IpWarmup::Standard {
            start: 10.0,
            days: 0,
        };
        s.region_mut(R).auto_warmup = false;
        run_standing(&mut s, 5);
        assert_eq!(
            s.region(R).ips.values().next().unwrap().warmup,
            IpWarmup::Standard {
                start: 10.0,
                days: 0
            }
        );
        s.region_mut(R).auto_warmup = true;
        run_standing(&mut s, 5);
        assert_eq!(
            s.region(R).ips.values().next().unwrap().warmup,
            IpWarmup::Standard {
                start: 10.0,
                days: 5
            }
        );
    }

    #[test]
    fn two_runs_of_ten_days_equal_one_of_twenty() {
        let build = || {
            let mut s = state();
            pool(&mut s, "m", ScalingMode::Managed);
            config_set(&mut s, "cs", Some("m"));
            traffic(
                &mut s,
                "cs",
                &[("gmail", 90_000), ("orange", 30_000), ("microsoft", 5_000)],
            );
            s
        };
        let mut once = build();
        let r20 = run_standing(&mut once, 20);
        let mut twice = build();
        let mut days = run_standing(&mut twice, 10).days;
        days.extend(run_standing(&mut twice, 10).days);
        assert_eq!(days, r20.days);
        // Usage is counted per day, so the sums agree too; only the last run's summary differs.
        assert_eq!(twice.usage, once.usage);
        assert_eq!(twice.regions, once.regions);
        assert_eq!(twice.date, once.date);
        assert_eq!(twice.next_ip, once.next_ip);
    }

    #[test]
    fn usage_counts_fee_days_messages_and_standard_ip_days() {
        let mut s = state();
        pool(&mut s, "m", ScalingMode::Managed);
        config_set(&mut s, "cs", Some("m"));
        traffic(&mut s, "cs", &[("gmail", 1_000)]);
        s.lease_ips(R, 3, None).unwrap();
        // 2026-11-26 … 2026-12-05: 5 days in November, 5 in December.
        let r = run_standing(&mut s, 10);
        let nov = &s.usage["2026-11"];
        assert_eq!(
            (
                nov.managed_pool_days,
                nov.managed_messages,
                nov.standard_ip_days
            ),
            (5, 5_000, 15)
        );
        let dec = &s.usage["2026-12"];
        assert_eq!(
            (
                dec.managed_pool_days,
                dec.managed_messages,
                dec.standard_ip_days
            ),
            (5, 5_000, 15)
        );
        let expected = 5.0 * 15.0 / 30.0
            + 5.0 * 15.0 / 31.0
            + 10_000.0 * 0.08 / 1000.0
            + 15.0 * 24.95 / 30.0
            + 15.0 * 24.95 / 31.0;
        assert!(
            (r.summary.cost - expected).abs() < 1e-9,
            "{} vs {expected}",
            r.summary.cost
        );
        assert_eq!(month_of(Date::constant(2026, 1, 31)), "2026-01");
    }

    #[test]
    fn metrics_columns_stay_aligned_with_dates() {
        let mut s = state();
        pool(&mut s, "m", ScalingMode::Managed);
        config_set(&mut s, "cs", Some("m"));
        traffic(&mut s, "cs", &[("gmail", 10_000)]);
        run_standing(&mut s, 3);
        traffic(&mut s, "cs", &[("gmail", 10_000), ("apple", 2_000)]);
        run_standing(&mut s, 2);
        let m = &s.region(R).metrics.get().unwrap()["m"];
        assert_eq!(m.dates.len(), 5);
        for c in m.isps.values() {
            assert_eq!(c.mail.demand.len(), 5);
            assert_eq!(c.warmup_percentage.len(), 5);
        }
        assert_eq!(
            m.isps["apple"].mail.demand.values(),
            vec![0, 0, 0, 2_000, 2_000]
        );
    }
}
