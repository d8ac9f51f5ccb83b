//! The options' scratch accounts: the mail compared (sets, their settings, the demand), the
//! pool the sets send through now (which the options continue, unless `--cold`), and one run
//! of an option through the model.

use std::collections::{BTreeMap, BTreeSet};
use std::net::Ipv4Addr;

use super::{CompareRequest, Kind, OptionOutcome};
use crate::error::{Error, Result};
use crate::model::config_set::NewConfigSet;
use crate::model::pool::NewPool;
use crate::model::{
    DEFAULT_POOL, Ip, IpWarmup, ManagedPoolState, MonthUsage, SHARED_POOL, ScalingMode,
    StandardPoolState, State,
};
use crate::sim::{self, DayDemand, Plan, World};

/// The name of the pool each option's scratch account sends through.
const POOL: &str = "compared";

/// The mail compared: the sets, their settings, and the demand.
pub(super) struct Mailing {
    sets: Vec<(String, Option<u32>, Option<String>)>,
    traffic: BTreeMap<String, BTreeMap<String, u64>>,
    plan: Option<Plan>,
}

/// Picks the sets and the demand, checking what the user named (252).
fn mailing(s: &State, region: &str, req: &CompareRequest) -> Result<Mailing> {
    let r = s.region(region);
    for cs in &req.config_sets {
        r.existing_config_set(cs)?;
    }
    let named: BTreeSet<String> = req.config_sets.iter().cloned().collect();
    let plan = match &req.plan {
        Some(p) => {
            let plan = Plan::parse(&p.name, &p.text, req.days, region, s)?;
            Some(Plan {
                rows: plan
                    .rows
                    .into_iter()
                    .filter(|row| {
                        row.region == region
                            && (named.is_empty() || named.contains(&row.config_set))
                    })
                    .collect(),
            })
        }
        None => None,
    };
    let traffic: BTreeMap<String, BTreeMap<String, u64>> = match &plan {
        Some(_) => BTreeMap::new(),
        None => r
            .traffic
            .iter()
            .filter(|(cs, _)| named.is_empty() || named.contains(*cs))
            .map(|(cs, t)| (cs.clone(), t.clone()))
            .collect(),
    };
    let sending: BTreeSet<String> = match &plan {
        Some(p) => p.rows.iter().map(|row| row.config_set.clone()).collect(),
        None => traffic.keys().cloned().collect(),
    };
    let has_mail = match &plan {
        Some(p) => p.rows.iter().any(|row| row.volume > 0),
        None => traffic.values().any(|t| t.values().any(|v| *v > 0)),
    };
    if !has_mail {
        let what = match req.config_sets.as_slice() {
            [] => format!("the region {region} has"),
            [one] => format!("the configuration set {one} has"),
            many => format!("the configuration sets {} have", many.join(", ")),
        };
        let source = if plan.is_some() {
            "the plan"
        } else {
            "standing traffic"
        };
        return Err(
            Error::invalid(format!("{what} no mail to compare in {source}"))
                .hint("give the mail with: sesm traffic set CS gmail=100000, or --plan FILE.csv"),
        );
    }
    let sets = sending
        .iter()
        .map(|cs| {
            let set = r.existing_config_set(cs)?;
            Ok((cs.clone(), set.max_delivery_seconds, set.sending_pool))
        })
        .collect::<Result<_>>()?;
    Ok(Mailing {
        sets,
        traffic,
        plan,
    })
}

/// The pool the compared sets send through now, as the options continue it.
#[derive(Debug, Clone, Default)]
enum Current {
    /// Shared IPs, or `--cold`.
    #[default]
    Nothing,
    /// A standard pool (or `ses-default-dedicated-pool` with IPs): its IPs with their
    /// warm-up and what the ISPs remember of them, and the pool's deferred mail and history.
    Standard {
        ips: Vec<(Ipv4Addr, IpWarmup)>,
        pool: StandardPoolState,
    },
    /// A managed pool: its IPs with their per-ISP state, and the pool's state.
    Managed {
        ips: Vec<(Ipv4Addr, IpWarmup)>,
        state: ManagedPoolState,
    },
}

/// The pool most of the compared sets send through (ties: the first by name), as SES routes
/// them today: a set without pool uses `ses-default-dedicated-pool` when it holds IPs.
fn current(s: &State, region: &str, m: &Mailing) -> Current {
    let r = s.region(region);
    let default_has_ips = r.ips_of_pool(DEFAULT_POOL).next().is_some();
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for (_, _, pool) in &m.sets {
        let pool = match pool.as_deref() {
            Some(p) if p != SHARED_POOL && r.pool_exists(p) => p,
            None if default_has_ips => DEFAULT_POOL,
            _ => SHARED_POOL,
        };
        *counts.entry(pool).or_default() += 1;
    }
    let Some((&pool, _)) = counts.iter().max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0))) else {
        return Current::Nothing;
    };
    if pool == SHARED_POOL {
        return Current::Nothing;
    }
    let ips: Vec<(Ipv4Addr, IpWarmup)> = r
        .ips_of_pool(pool)
        .map(|(a, ip)| (*a, ip.warmup.clone()))
        .collect();
    if r.is_managed(pool) {
        Current::Managed {
            ips,
            state: r
                .pools
                .get(pool)
                .and_then(|p| p.managed.clone())
                .unwrap_or_default(),
        }
    } else {
        Current::Standard {
            ips,
            pool: r.standard_pools.get(pool).cloned().unwrap_or_default(),
        }
    }
}

/// How warm a kept standard IP is: SES's percentage, then what the ISPs remember of it.
fn warmth(w: &IpWarmup) -> (f64, f64) {
    match w {
        IpWarmup::Standard {
            start,
            days,
            memory,
        } => (
            IpWarmup::standard_percent(*start, *days),
            memory.ewma.values().sum(),
        ),
        IpWarmup::Managed { .. } => (100.0, 0.0),
    }
}

/// Everything the options share: the account the scratch accounts are built from.
pub(super) struct Setup<'a> {
    pub(super) s: &'a State,
    region: &'a str,
    m: Mailing,
    current: Current,
    pub(super) from_account: bool,
    pub(super) days: u32,
    pub(super) settle: u32,
    pub(super) isp_order: Vec<String>,
}

impl<'a> Setup<'a> {
    pub(super) fn new(
        s: &'a State,
        region: &'a str,
        req: &CompareRequest,
        settle: u32,
    ) -> Result<Setup<'a>> {
        let m = mailing(s, region, req)?;
        let current = if req.cold {
            Current::Nothing
        } else {
            current(s, region, &m)
        };
        Ok(Setup {
            s,
            region,
            m,
            current,
            from_account: !req.cold,
            days: req.days,
            settle,
            isp_order: s.model.isp_names().map(str::to_string).collect(),
        })
    }

    /// The standard IPs the sets' pool holds now (0 with `--cold` or another kind of pool).
    pub(super) fn current_standard_ips(&self) -> u32 {
        match &self.current {
            Current::Standard { ips, .. } => ips.len() as u32,
            _ => 0,
        }
    }

    pub(super) fn set_names(&self) -> Vec<String> {
        self.m.sets.iter().map(|(n, _, _)| n.clone()).collect()
    }

    /// A scratch account with the compared sets sending through `kind`'s pool; for a
    /// standard option, also how many of its `ips` IPs the account holds already.
    fn scratch(&self, kind: Kind, ips: u32) -> Result<(State, u32)> {
        let (s, region) = (self.s, self.region);
        let mut t = State::new(s.date);
        t.account_id = s.account_id.clone();
        t.model = s.model.clone();
        t.prices = s.prices.clone();
        // Addresses go on from the account's, so kept IPs and new ones never collide.
        t.next_ip = s.next_ip;
        if self.from_account {
            // The month's mail so far counts toward its price tiers.
            let month = sim::month_of(s.date);
            if let Some(u) = s.usage.get(&month) {
                t.usage.insert(
                    month,
                    MonthUsage {
                        managed_messages: u.managed_messages,
                        ..MonthUsage::default()
                    },
                );
            }
        }
        let pool = match kind {
            Kind::Managed | Kind::Standard => {
                let mode = if kind == Kind::Managed {
                    ScalingMode::Managed
                } else {
                    ScalingMode::Standard
                };
                t.region_mut(region).create_pool(NewPool {
                    name: POOL.into(),
                    mode,
                    config_sets: Vec::new(),
                    tags: Vec::new(),
                })?;
                POOL
            }
            Kind::Shared => SHARED_POOL,
        };
        for (name, mds, _) in &self.m.sets {
            t.region_mut(region).create_config_set(NewConfigSet {
                name: name.clone(),
                pool: Some(pool.to_string()),
                max_delivery_seconds: mds.map(i64::from),
                ..Default::default()
            })?;
        }
        let r = t.region_mut(region);
        r.traffic = self.m.traffic.clone();
        // From the account, standard IPs keep its auto warm-up setting; from nothing, it is on.
        r.auto_warmup = !self.from_account || s.region(region).auto_warmup;
        let kept = self.keep(r, kind, ips);
        if kind == Kind::Standard && ips > kept {
            t.lease_ips(region, i64::from(ips - kept), Some(POOL))?;
        }
        Ok((t, kept))
    }

    /// Puts the account's pool into the scratch region `r` where the option continues it:
    /// for a standard option the warmest of its IPs (at most `ips`; ties: the lower address)
    /// with the pool's queue and history, for the managed one the whole pool. Returns the
    /// standard IPs kept.
    fn keep(&self, r: &mut crate::model::Region, kind: Kind, ips: u32) -> u32 {
        let mut kept = 0u32;
        match (&self.current, kind) {
            (Current::Standard { ips: held, pool }, Kind::Standard) => {
                let mut held = held.clone();
                held.sort_by(|a, b| {
                    let (x, y) = (warmth(&a.1), warmth(&b.1));
                    y.0.total_cmp(&x.0)
                        .then(y.1.total_cmp(&x.1))
                        .then(a.0.cmp(&b.0))
                });
                for (addr, warmup) in held.into_iter().take(ips as usize) {
                    r.ips.insert(
                        addr,
                        Ip {
                            pool: POOL.into(),
                            warmup,
                        },
                    );
                    kept += 1;
                }
                if !pool.is_empty() {
                    r.standard_pools.insert(POOL.into(), pool.clone());
                }
            }
            (Current::Managed { ips: held, state }, Kind::Managed) => {
                for (addr, warmup) in held {
                    r.ips.insert(
                        *addr,
                        Ip {
                            pool: POOL.into(),
                            warmup: warmup.clone(),
                        },
                    );
                }
                if let Some(p) = r.pools.get_mut(POOL) {
                    p.managed = Some(state.clone());
                }
            }
            _ => {}
        }
        kept
    }

    /// Runs one option: its days (the pool's reports) and the usage the run added.
    pub(super) fn run(&self, kind: Kind, ips: u32) -> Result<OptionOutcome> {
        let (t, kept) = self.scratch(kind, ips)?;
        let senders = match &self.m.plan {
            Some(plan) => plan.senders(),
            None => World::standing_senders(&t),
        };
        let mut world = World::new(&t, &senders)?;
        let demand: Vec<DayDemand> = match &self.m.plan {
            Some(plan) => world.plan_demand(plan, self.days, &world.no_demand()),
            None => vec![world.standing_demand(&t)],
        };
        let pool = if kind == Kind::Shared {
            SHARED_POOL
        } else {
            POOL
        };
        let mut days = Vec::with_capacity(self.days as usize);
        for day in 0..self.days as usize {
            let today = demand.get(day).or(demand.last());
            let Some(today) = today else { break };
            let mut reports = world.step(today);
            days.push(
                reports
                    .iter()
                    .position(|r| r.pool_name == pool)
                    .map(|i| reports.swap_remove(i)),
            );
        }
        Ok(self.outcome(
            super::outcome::Run {
                kind,
                ips,
                kept,
                days: &days,
                before: &t.usage,
                added: &world.usage,
            },
            &t.prices,
        ))
    }
}
