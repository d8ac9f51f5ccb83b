//! The live clock's side of the model (`warmup-model.md`, "Live fates"): a pool's day as it
//! opens (`open_day`: what each ISP's new mail can take on its IPs, the warming cap, the phase
//! of what is beyond), which decides a tracked recipient's fate at send; and the day's
//! reservations (`World::reserve`), which give the tracked recipients first claim on the same
//! capacity when the day closes, so a day's live events add up to its figures.

use std::collections::BTreeMap;

use super::formulas::{accepts, allowed, standard_cap};
use super::managed::{self, Phase};
use super::standard::{self, StandardPoolDay};
use super::world::PoolKind;
use super::*;
use crate::error::Result;
use crate::model::State;
use crate::model::ledger::{Outcome, Taken};

/// One pool's opening on a day with live sends, as `World::step` gives it to the pool's day.
pub(super) struct Opening<'a> {
    pub(super) standing: &'a [u64],
    pub(super) hours: &'a [Option<f64>],
    pub(super) reserved: &'a [Taken],
}

impl Opening<'_> {
    /// A managed pool's phase for ISP `i` as the day opens, and the window its queue is
    /// retried within (the standing traffic's, else the default).
    pub(super) fn managed(
        &self,
        allowed: &[u64],
        history_max: u64,
        i: usize,
        theta: f64,
        default_hours: f64,
    ) -> (Phase, f64) {
        let edr: u64 = allowed.iter().sum();
        let reference = if history_max > 0 {
            history_max
        } else {
            self.standing.get(i).copied().unwrap_or(0)
        };
        let hours = self
            .hours
            .get(i)
            .copied()
            .flatten()
            .unwrap_or(default_hours);
        (managed::opening_phase(edr, reference, theta), hours)
    }
}

/// What is beyond a pool's capacity for an ISP: through SES's shared IPs (early phase, or no
/// IP) or deferred (later phase).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Beyond {
    Shared,
    Deferred,
}

/// A pool's day as it opens, per ISP (table order).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenDay {
    /// The ISPs' names, in table order.
    pub isps: Vec<String>,
    /// What the day's new mail of each ISP can take on the pool's IPs (a managed pool's
    /// `EDR − retry`; a standard pool's warm IPs' `K_i − retry_i`).
    pub capacity: Vec<u64>,
    /// A standard pool's warming IPs' daily cap `W`, shared by every ISP (0 otherwise).
    pub warming: u64,
    /// Per ISP, what happens beyond.
    pub beyond: Vec<Beyond>,
}

impl World {
    /// Gives the next day (the first of a run) the live sends of the state's ledgers, when
    /// they are of that day; `standing` is the day's demand without individual sends.
    pub fn reserve(&mut self, state: &State, standing: &DayDemand) {
        let n = self.isp_count();
        let mut any = false;
        let reserved = self
            .regions
            .iter()
            .map(|r| {
                let ledger = &state.region(&r.name).ledger;
                if ledger.date != Some(self.date) {
                    return BTreeMap::new();
                }
                r.pools
                    .iter()
                    .enumerate()
                    .filter_map(|(pi, p)| {
                        let taken = ledger.pools.get(&p.name)?;
                        any = true;
                        let dense = (0..n)
                            .map(|i| {
                                taken
                                    .get(&self.params.isps[i].isp)
                                    .copied()
                                    .unwrap_or_default()
                            })
                            .collect();
                        Some((pi, dense))
                    })
                    .collect()
            })
            .collect();
        if any {
            self.live = Some(LiveDay {
                standing: standing.clone(),
                reserved,
            });
        }
    }

    /// `open_day` on this world (built with the standing senders), with the day's standing
    /// demand.
    fn opening_of(&self, ri: usize, pi: usize, standing: &DayDemand) -> OpenDay {
        let n = self.isp_count();
        let isps = self.params.isps.iter().map(|i| i.isp.clone()).collect();
        let default_hours = f64::from(self.params.default_max_delivery_seconds) / 3600.0;
        let (demand, hours) = self.pool_demand(ri, standing.get(ri));
        let all_shared = || OpenDay {
            isps: Vec::new(),
            capacity: vec![0; n],
            warming: 0,
            beyond: vec![Beyond::Shared; n],
        };
        let beyond = |p: Phase| match p {
            Phase::Early => Beyond::Shared,
            Phase::Late => Beyond::Deferred,
        };
        let out = match &self.regions[ri].pools[pi].kind {
            PoolKind::Shared => all_shared(),
            PoolKind::Managed(pool) => {
                let open = Opening {
                    standing: &demand[pi],
                    hours: &hours[pi],
                    reserved: &[],
                };
                let mut capacity = Vec::with_capacity(n);
                let mut phases = Vec::with_capacity(n);
                for i in 0..n {
                    let w = self.warmup_params(i);
                    let a: Vec<u64> = pool
                        .ips
                        .iter()
                        .map(|ip| allowed(ip.isps[i].w, w.v0, w.capacity))
                        .collect();
                    let history_max = pool.history[i].iter().copied().max().unwrap_or(0);
                    let (phase, queue_hours) = open.managed(
                        &a,
                        history_max,
                        i,
                        self.params.late_phase_threshold,
                        default_hours,
                    );
                    capacity.push(managed::opening_capacity(&a, pool.queue[i], queue_hours));
                    phases.push(beyond(phase));
                }
                OpenDay {
                    isps: Vec::new(),
                    capacity,
                    warming: 0,
                    beyond: phases,
                }
            }
            PoolKind::Standard(pool) => {
                let m = &self.params;
                let mut day = StandardPoolDay::default();
                for ip in &pool.ips {
                    let p = ip.percent();
                    if p < 100.0 {
                        day.warming
                            .push(standard_cap(p, m.standard_cold_cap, m.standard_warm_cap));
                    } else {
                        day.warm.push(
                            ip.ewma
                                .iter()
                                .zip(&m.isps)
                                .map(|(&e, isp)| {
                                    accepts(
                                        e,
                                        m.cold_allowance,
                                        isp.fully_warm_daily_capacity_per_ip,
                                        m.headroom,
                                    )
                                })
                                .collect(),
                        );
                    }
                }
                let (capacity, warming, phase) =
                    standard::opening(&day, &pool.queue, &pool.queue_hours);
                OpenDay {
                    isps: Vec::new(),
                    capacity,
                    warming,
                    beyond: vec![beyond(phase); n],
                }
            }
        };
        OpenDay { isps, ..out }
    }
}

/// The fate of the next tracked recipient for ISP `i` of a pool whose day opened as `open`,
/// given what the day's earlier individual sends took for that ISP (`taken`) and of the
/// warming cap over every ISP (`warming_taken`): first come, first served.
pub fn choose(open: &OpenDay, i: usize, taken: Taken, warming_taken: u64) -> Outcome {
    if taken.dedicated < open.capacity[i] {
        Outcome::Dedicated
    } else if warming_taken < open.warming {
        Outcome::Warming
    } else {
        match open.beyond[i] {
            Beyond::Shared => Outcome::Shared,
            Beyond::Deferred => Outcome::Deferred,
        }
    }
}

/// A pool's day as it opens in `region`: what routing will see when the day closes, before
/// any individual send (`None` for a region or pool the state lacks).
pub fn open_day(state: &State, region: &str, pool: &str) -> Result<Option<OpenDay>> {
    let world = World::new(state, &World::standing_senders(state))?;
    let Some(ri) = world.region_index(region) else {
        return Ok(None);
    };
    let Some(pi) = world.regions[ri].pools.iter().position(|p| p.name == pool) else {
        return Ok(None);
    };
    let standing = world.standing_demand(state);
    Ok(Some(world.opening_of(ri, pi, &standing)))
}
