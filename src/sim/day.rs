//! One simulated day: every region's pools route their demand (managed and standard), shared
//! IPs take the rest, and the day's reports come out.

use jiff::civil::Date;

use super::formulas::{accepts, allowed, capacity_warmup, standard_cap};
use super::live::Opening;
use super::managed::{self, Phase, Scale, WarmupParams};
use super::standard;
use super::world::{ManagedIp, PoolKind};
use super::*;
use crate::model::{IspWarmup, ModelParams};

impl World {
    /// Simulates one day of every region and advances the clock.
    pub fn step(&mut self, demand: &DayDemand) -> Vec<DayReport> {
        let date = self.date;
        let live = self.live.take();
        let mut reports = Vec::new();
        let mut managed_messages = 0u64;
        let mut standard_ips = 0u64;
        let mut any_managed = false;
        for ri in 0..self.regions.len() {
            // 1. Demand per pool and ISP, and each pool-ISP's retry window; on a day with live
            // sends, the standing traffic's alone too (it fixes the day's opening).
            let (pool_demand, retry_hours) = self.pool_demand(ri, demand.get(ri));
            let opening = live.as_ref().map(|l| {
                let (d, h) = self.pool_demand(ri, l.standing.get(ri));
                (d, h, l.reserved.get(ri).cloned().unwrap_or_default())
            });
            let pool_count = self.regions[ri].pools.len();
            // 2. Each pool in name order.
            for pi in 0..pool_count {
                let open = opening.as_ref().map(|(d, h, r)| Opening {
                    standing: &d[pi],
                    hours: &h[pi],
                    reserved: r.get(&pi).map(Vec::as_slice).unwrap_or(&[]),
                });
                let report = match &self.regions[ri].pools[pi].kind {
                    PoolKind::Managed(_) => {
                        any_managed = true;
                        self.managed_day(ri, pi, &pool_demand[pi], &retry_hours[pi], open)
                    }
                    PoolKind::Standard(_) => {
                        self.standard_day(ri, pi, &pool_demand[pi], &retry_hours[pi], open)
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

    /// A region's demand per pool and ISP (table order), and each pool-ISP's retry window
    /// (the largest of the sets that sent to it; `None` when none did).
    pub(super) fn pool_demand(
        &self,
        ri: usize,
        demand: Option<&std::collections::BTreeMap<usize, Vec<u64>>>,
    ) -> (Vec<Vec<u64>>, Vec<Vec<Option<f64>>>) {
        let n = self.isp_count();
        let region = &self.regions[ri];
        let pool_count = region.pools.len();
        let mut pool_demand = vec![vec![0u64; n]; pool_count];
        let mut retry_hours: Vec<Vec<Option<f64>>> = vec![vec![None; n]; pool_count];
        let default_has_ips = matches!(&region.pools[region.default_pool].kind, PoolKind::Standard(p) if !p.ips.is_empty());
        for (&cs, volumes) in demand.into_iter().flatten() {
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
        (pool_demand, retry_hours)
    }

    /// Routing, warm-up update and scaling of one managed pool.
    fn managed_day(
        &mut self,
        ri: usize,
        pi: usize,
        demand: &[u64],
        retry_hours: &[Option<f64>],
        open: Option<Opening>,
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
            let routed = match &open {
                None => managed::split_demand(
                    &allowed_before,
                    demand[i],
                    queued,
                    reference,
                    hours,
                    theta,
                ),
                // A day with live sends: its phase and its retry of the queue as it opened.
                Some(o) => {
                    let (phase, queue_hours) =
                        o.managed(&allowed_before, reference, i, theta, default_hours);
                    managed::route(
                        &allowed_before,
                        demand[i],
                        queued,
                        phase,
                        queue_hours,
                        hours,
                    )
                }
            };
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
                capacity_warmup_percentage: capacity_warmup(
                    routed.edr,
                    if demand[i] > 0 { demand[i] } else { reference },
                ),
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

    /// A standard pool (or `ses-default-dedicated-pool`), model v3 (`standard::split_demand`,
    /// then what the ISPs remember of each IP).
    fn standard_day(
        &mut self,
        ri: usize,
        pi: usize,
        demand: &[u64],
        retry_hours: &[Option<f64>],
        open: Option<Opening>,
    ) -> Option<(u32, i32, Vec<IspDay>)> {
        let m = &self.params;
        let default_hours = f64::from(m.default_max_delivery_seconds) / 3600.0;
        let hours: Vec<f64> = retry_hours
            .iter()
            .map(|h| h.unwrap_or(default_hours))
            .collect();
        let (cold, warm_cap) = (m.standard_cold_cap, m.standard_warm_cap);
        let (alpha, idle_reset, history_days) = (m.ewma_alpha, m.idle_reset_days, m.history_days);
        let accepted: Vec<(u64, f64)> = m
            .isps
            .iter()
            .map(|i| (i.fully_warm_daily_capacity_per_ip, m.cold_allowance))
            .collect();
        let headroom = m.headroom;
        let PoolKind::Standard(pool) = &mut self.regions[ri].pools[pi].kind else {
            return None;
        };
        // The reference of the capacity-weighted warm-up: today's demand, else the largest of
        // the previous days. Then the history moves on, every day, with or without mail.
        let references: Vec<u64> = pool
            .history
            .iter()
            .zip(demand)
            .map(|(h, &d)| {
                if d > 0 {
                    d
                } else {
                    h.iter().copied().max().unwrap_or(0)
                }
            })
            .collect();
        for (h, &d) in pool.history.iter_mut().zip(demand) {
            h.push_back(d);
            while h.len() > history_days {
                h.pop_front();
            }
        }
        let ips = &pool.ips;
        if ips.is_empty() && demand.iter().all(|&d| d == 0) && pool.queue.iter().all(|&q| q == 0) {
            return None;
        }
        let mut day = standard::StandardPoolDay::default();
        for ip in ips {
            let p = ip.percent();
            if p < 100.0 {
                day.warming.push(standard_cap(p, cold, warm_cap));
            } else {
                day.warm.push(
                    ip.ewma
                        .iter()
                        .zip(&accepted)
                        .map(|(&e, &(c, v0))| accepts(e, v0, c, headroom))
                        .collect(),
                );
            }
        }
        let reserved = open.map_or(&[][..], |o| o.reserved);
        let routed = standard::split_demand_reserved(
            &day,
            demand,
            &pool.queue,
            &pool.queue_hours,
            &hours,
            reserved,
        );
        let warmup = if ips.is_empty() {
            0.0
        } else {
            ips.iter().map(|ip| ip.percent().floor()).sum::<f64>() / ips.len() as f64
        };
        // What the ISPs remember of each IP, warm and warming, after the day.
        let (mut warm, mut warming) = (
            routed.warm_delivered.iter(),
            routed.warming_delivered.iter(),
        );
        for ip in &mut pool.ips {
            let delivered = if ip.percent() < 100.0 {
                warming.next()
            } else {
                warm.next()
            };
            if let Some(v) = delivered {
                standard::remember(&mut ip.ewma, &mut ip.idle_days, v, alpha, idle_reset);
            }
        }
        let count = pool.ips.len() as u32;
        let mut raws = Vec::with_capacity(routed.isps.len());
        for (i, r) in routed.isps.into_iter().enumerate() {
            let queued = std::mem::replace(&mut pool.queue[i], r.queue_next);
            if r.queue_next > 0 {
                pool.queue_hours[i] = hours[i];
            }
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
                capacity_warmup_percentage: capacity_warmup(r.edr, references[i]),
                phase: routed.phase,
            });
        }
        Some((count, 0, raws))
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
            capacity_warmup_percentage: 0.0,
            phase: Phase::Early,
        })
        .collect();
    Some((0, 0, raws))
}

/// `YYYY-MM` of a date: the key of monthly usage.
pub fn month_of(date: Date) -> String {
    format!("{:04}-{:02}", date.year(), date.month())
}
