//! sesm's `Compare`: standard or managed dedicated IPs for *this* mail. The same traffic runs,
//! in scratch accounts (the state is not changed), through a managed pool, through standard
//! pools of N IPs, and through SES's shared IPs only. Each option starts from the account as
//! it is (the IPs the sets' pool holds, their warm-up, the month's mail so far) unless
//! `--cold`. The figures come side by side with the facts of one recommendation: the cheapest
//! option that meets the limits, else the one that misses them by the least.
//!
//! Only facts here (numbers, enums); `output::comparison` writes the words.

use std::collections::{BTreeMap, BTreeSet};
use std::net::Ipv4Addr;

use jiff::civil::Date;
use serde::Serialize;

use super::simulate::PlanText;
use crate::error::{Error, Result};
use crate::model::config_set::NewConfigSet;
use crate::model::metrics::percent;
use crate::model::pool::NewPool;
use crate::model::{
    DEFAULT_POOL, Ip, IpWarmup, Mail, ManagedPoolState, MonthUsage, SHARED_POOL, ScalingMode,
    State, cost,
};
use crate::sim::{self, DayDemand, DayReport, Plan, World};

/// The name of the pool each option's scratch account sends through.
const POOL: &str = "compared";
/// `--settle`'s default: a standard IP's 45 days of warm-up.
pub const DEFAULT_SETTLING_DAYS: u32 = 45;
/// The fewest days measured after settling.
pub const MIN_MEASURED_DAYS: u32 = 7;
/// The most standard IPs one option may lease.
pub const MAX_STANDARD_IPS: u32 = 1_000;
/// The standard IP counts `StandardIpsNeeded` is searched in (a managed pool's `max_ips`).
pub const SEARCHED_IPS: u32 = 100;

/// What to compare.
#[derive(Debug, Clone)]
pub struct CompareRequest {
    /// The configuration sets whose mail is compared (empty: every set with traffic, or
    /// every set the plan names, in the region).
    pub config_sets: Vec<String>,
    pub plan: Option<PlanText>,
    pub days: u32,
    /// Standard options by IP count (none: the current count, the count needed and the
    /// managed run's peak).
    pub standard_ips: Option<Vec<u32>>,
    /// The most mail, in percent of the demand after settling, that may go through shared IPs.
    pub max_shared: f64,
    /// The most mail, in percent of the run's demand, that may expire.
    pub max_expired: f64,
    /// Days not measured for `max_shared` (none: 45, or fewer on a short run).
    pub settle: Option<u32>,
    /// Start every option from nothing instead of the account as it is.
    pub cold: bool,
}

/// Which way of sending an option is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Kind {
    Managed,
    Standard,
    Shared,
}

/// One ISP's figures in an option.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct IspOutcome {
    pub isp: String,
    #[serde(flatten)]
    pub mail: Mail,
    /// The first day (from 0) the ISP was warm: for a managed pool, a day it had mail at 90 %
    /// or more; for standard IPs, which warm by time for every ISP alike, the day they are all
    /// at 100 % (DONE). Absent when it never was.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub warm_day: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub warm_date: Option<Date>,
    /// The first day (from 0) from which all of the ISP's mail went out on dedicated IPs the
    /// day it came (none through shared IPs, deferred or expired); `null` if never.
    pub all_dedicated_day: Option<u32>,
}

/// One calendar month of an option.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct MonthOutcome {
    pub month: String,
    #[serde(flatten)]
    pub mail: Mail,
    /// IPs held, summed over the month's days.
    pub ip_days: u64,
    /// USD for the month's days of the run (estimates, prices from the state), on top of the
    /// month's usage so far.
    pub cost: f64,
}

/// The daily series the HTML page draws.
#[derive(Debug, Clone, Default)]
pub struct DailySeries {
    pub dates: Vec<Date>,
    /// The day's mail, partitioned: dedicated, shared, deferred and kept for tomorrow, expired.
    pub dedicated: Vec<u64>,
    pub shared: Vec<u64>,
    pub kept: Vec<u64>,
    pub expired: Vec<u64>,
    /// Warm-up per ISP (ISPs with mail), in table order.
    pub warmup: Vec<(String, Vec<f64>)>,
    pub ips: Vec<u32>,
}

/// A limit of the recommendation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Limit {
    /// `--max-shared`: mail through shared IPs after settling.
    Shared,
    /// `--max-expired`: expired mail over the run.
    Expired,
}

/// A limit an option misses, and by how much.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Miss {
    pub limit: Limit,
    /// The option's figure, in percent.
    pub value: f64,
    /// The limit, in percent.
    pub max: f64,
}

impl Miss {
    /// How far past the limit, relative to it. A limit of 0 counts against 0.01 percentage
    /// points so that any excess is large but finite and still ordered by its size.
    pub fn relative_excess(&self) -> f64 {
        (self.value - self.max).max(0.0) / self.max.max(0.01)
    }
}

/// One option, over the run.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct OptionOutcome {
    pub option: Kind,
    /// The standard IPs (standard options).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub standard_ips: Option<u32>,
    /// Of those, the IPs the account already holds (standard options from the account).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kept_ips: Option<u32>,
    #[serde(flatten)]
    pub mail: Mail,
    pub sent_dedicated_percentage: f64,
    pub sent_shared_percentage: f64,
    pub deferred_percentage: f64,
    /// Expired mail in percent of the run's demand.
    pub expired_percentage: f64,
    /// Mail through shared IPs on the days after settling, in percent of those days' demand.
    pub shared_percentage_after_settling: f64,
    pub ips_at_end: u32,
    pub ips_max: u32,
    pub ip_days: u64,
    /// USD for the run (estimates, prices from the state).
    pub cost: f64,
    pub cost_per_1000: f64,
    pub isps: Vec<IspOutcome>,
    pub months: Vec<MonthOutcome>,
    /// Whether the option meets both limits.
    pub meets_limits: bool,
    /// The limits it misses (empty when it meets them).
    pub limits_missed: Vec<Miss>,
    #[serde(skip)]
    pub daily: DailySeries,
}

/// The recommended option, as facts; `output::comparison` words the reason.
#[derive(Debug, Clone)]
pub struct Recommendation {
    /// Index in `Comparison::options`.
    pub index: usize,
    pub option: Kind,
    pub standard_ips: Option<u32>,
    /// Whether it meets the limits (else it misses them by the least).
    pub meets_limits: bool,
}

/// The result of `compare`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Comparison {
    pub region: String,
    pub start_date: Date,
    pub end_date: Date,
    pub days: u32,
    pub configuration_sets: Vec<String>,
    /// Whether the options start from the account as it is (false with `--cold`).
    pub from_account: bool,
    pub settling_days: u32,
    pub max_shared_percentage: f64,
    pub max_expired_percentage: f64,
    /// The fewest standard IPs (1 … 100) that meet the limits; `null` when none does.
    pub standard_ips_needed: Option<u32>,
    /// The standard IPs the sets' pool holds now (from the account; 0 when they use none).
    pub current_standard_ips: u32,
    /// Serialized by `output::comparison::ComparisonView`, with each option's label and
    /// verdict.
    #[serde(skip)]
    pub options: Vec<OptionOutcome>,
    #[serde(skip)]
    pub recommendation: Recommendation,
    /// The state's ISP table order (colours and places in the charts).
    #[serde(skip)]
    pub isp_order: Vec<String>,
}

/// The mail compared: the sets, their settings, and the demand.
struct Mailing {
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
    /// warm-up, and the ISPs' deferred mail.
    Standard {
        ips: Vec<(Ipv4Addr, IpWarmup)>,
        queue: BTreeMap<String, u64>,
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
            queue: r.standard_queues.get(pool).cloned().unwrap_or_default(),
        }
    }
}

fn percent_of(w: &IpWarmup) -> f64 {
    match w {
        IpWarmup::Standard { start, days } => IpWarmup::standard_percent(*start, *days),
        IpWarmup::Managed { .. } => 100.0,
    }
}

/// Everything the options share: the account the scratch accounts are built from.
struct Setup<'a> {
    s: &'a State,
    region: &'a str,
    m: Mailing,
    current: Current,
    from_account: bool,
    days: u32,
    settle: u32,
    max_shared: f64,
    max_expired: f64,
    isp_order: Vec<String>,
}

impl Setup<'_> {
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
        let mut kept = 0u32;
        match (&self.current, kind) {
            (Current::Standard { ips: held, queue }, Kind::Standard) => {
                // The warmest IPs stay (ties: the lower address); the least warm are dropped.
                let mut held = held.clone();
                held.sort_by(|a, b| {
                    percent_of(&b.1)
                        .total_cmp(&percent_of(&a.1))
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
                if !queue.is_empty() {
                    r.standard_queues.insert(POOL.into(), queue.clone());
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
        if kind == Kind::Standard && ips > kept {
            t.lease_ips(region, i64::from(ips - kept), Some(POOL))?;
        }
        Ok((t, kept))
    }

    /// Runs one option: its days (the pool's reports) and the usage the run added.
    fn run(&self, kind: Kind, ips: u32) -> Result<OptionOutcome> {
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
        Ok(self.outcome(kind, ips, kept, &days, &t.usage, &world.usage, &t.prices))
    }

    /// The figures of one option from its days (`None`: the pool had nothing that day).
    #[allow(clippy::too_many_arguments)]
    fn outcome(
        &self,
        kind: Kind,
        ips: u32,
        kept: u32,
        days: &[Option<DayReport>],
        before: &BTreeMap<String, MonthUsage>,
        added: &BTreeMap<String, MonthUsage>,
        prices: &crate::model::Prices,
    ) -> OptionOutcome {
        let isp_order = &self.isp_order;
        let mut total = Mail::default();
        let mut after = Mail::default();
        let mut isps: BTreeMap<String, IspOutcome> = BTreeMap::new();
        // Per ISP, the last day some of its mail did not go dedicated.
        let mut last_miss: BTreeMap<String, Option<u32>> = BTreeMap::new();
        let mut months: BTreeMap<String, (Mail, u64)> = BTreeMap::new();
        let mut daily = DailySeries::default();
        let mut warm: BTreeMap<String, Vec<f64>> = BTreeMap::new();
        let (mut ips_max, mut ip_days, mut ips_at_end) = (0u32, 0u64, 0u32);
        // Standard IPs warm by time, for every ISP alike: the day they are all DONE.
        let mut standard_warm: Option<(u32, Date)> = None;
        let mut date = self.s.date;
        for (i, day) in days.iter().enumerate() {
            let i = i as u32;
            let held = day
                .as_ref()
                .map_or(if kind == Kind::Standard { ips } else { 0 }, |d| {
                    d.dedicated_ip_count
                });
            let after_scaling = day.as_ref().map_or(held, |d| {
                (i64::from(d.dedicated_ip_count) + i64::from(d.scale_event)).max(0) as u32
            });
            ips_max = ips_max.max(held).max(after_scaling);
            ip_days = ip_days.saturating_add(u64::from(held));
            ips_at_end = after_scaling;
            let month = months.entry(sim::month_of(date)).or_default();
            month.1 = month.1.saturating_add(u64::from(held));
            let mut day_mail = Mail::default();
            let mut kept_today = 0u64;
            if let Some(d) = day {
                for isp in d.isps.iter().filter(|x| x.is_active()) {
                    day_mail.add(&isp.mail);
                    kept_today = kept_today.saturating_add(isp.kept_for_tomorrow());
                    let o = isps.entry(isp.isp.clone()).or_insert_with(|| IspOutcome {
                        isp: isp.isp.clone(),
                        mail: Mail::default(),
                        warm_day: None,
                        warm_date: None,
                        all_dedicated_day: None,
                    });
                    o.mail.add(&isp.mail);
                    let miss = last_miss.entry(isp.isp.clone()).or_default();
                    let m = &isp.mail;
                    if kind == Kind::Shared || m.sent_shared > 0 || m.deferred > 0 || m.expired > 0
                    {
                        *miss = Some(i);
                    }
                    if kind == Kind::Managed
                        && o.warm_day.is_none()
                        && isp.mail.demand > 0
                        && isp.warmup_percentage >= 90.0
                    {
                        o.warm_day = Some(i);
                        o.warm_date = Some(date);
                    }
                    if kind == Kind::Standard
                        && standard_warm.is_none()
                        && isp.warmup_percentage >= 100.0
                    {
                        standard_warm = Some((i, date));
                    }
                }
            }
            total.add(&day_mail);
            month.0.add(&day_mail);
            if i >= self.settle {
                after.add(&day_mail);
            }
            daily.dates.push(date);
            daily.dedicated.push(day_mail.sent_dedicated);
            daily.shared.push(day_mail.sent_shared);
            daily.kept.push(kept_today);
            daily.expired.push(day_mail.expired);
            daily.ips.push(held);
            for isp in isp_order {
                let w = day
                    .as_ref()
                    .and_then(|d| d.isp(isp))
                    .map_or(0.0, |x| x.warmup_percentage);
                warm.entry(isp.clone()).or_default().push(w);
            }
            date = date.tomorrow().unwrap_or(date);
        }
        let last_day = days.len().saturating_sub(1) as u32;
        for (isp, o) in isps.iter_mut() {
            if let Some((day, date)) = standard_warm {
                o.warm_day = Some(day);
                o.warm_date = Some(date);
            }
            o.all_dedicated_day = match last_miss.get(isp).copied().flatten() {
                None => Some(0),
                Some(d) if d < last_day => Some(d + 1),
                Some(_) => None,
            };
        }
        daily.warmup = isp_order
            .iter()
            .filter(|i| isps.contains_key(*i))
            .map(|i| (i.clone(), warm.remove(i).unwrap_or_default()))
            .collect();
        let empty = MonthUsage::default();
        let months: Vec<MonthOutcome> = months
            .into_iter()
            .map(|(month, (mail, ip_days))| {
                // The run's share of the month: its cost on top of the month's usage so far.
                let start = before.get(&month).unwrap_or(&empty);
                let add = added.get(&month).unwrap_or(&empty);
                let end = MonthUsage {
                    managed_pool_days: start
                        .managed_pool_days
                        .saturating_add(add.managed_pool_days),
                    managed_messages: start.managed_messages.saturating_add(add.managed_messages),
                    standard_ip_days: start.standard_ip_days.saturating_add(add.standard_ip_days),
                };
                let cost = cost::month_cost(&month, &end, prices).total
                    - cost::month_cost(&month, start, prices).total;
                MonthOutcome {
                    cost,
                    month,
                    mail,
                    ip_days,
                }
            })
            .collect();
        let cost_total: f64 = months.iter().map(|m| m.cost).sum();
        let mut o = OptionOutcome {
            option: kind,
            standard_ips: (kind == Kind::Standard).then_some(ips),
            kept_ips: (kind == Kind::Standard && self.from_account).then_some(kept),
            sent_dedicated_percentage: percent(total.sent_dedicated, total.demand),
            sent_shared_percentage: percent(total.sent_shared, total.demand),
            deferred_percentage: percent(total.deferred, total.demand),
            expired_percentage: percent(total.expired, total.demand),
            shared_percentage_after_settling: percent(after.sent_shared, after.demand),
            ips_at_end,
            ips_max,
            ip_days,
            cost: cost_total,
            cost_per_1000: if total.demand == 0 {
                0.0
            } else {
                cost_total * 1000.0 / total.demand as f64
            },
            isps: isp_order.iter().filter_map(|i| isps.remove(i)).collect(),
            months,
            mail: total,
            meets_limits: false,
            limits_missed: Vec::new(),
            daily,
        };
        o.limits_missed = self.misses(&o);
        o.meets_limits = o.limits_missed.is_empty();
        o
    }

    /// The limits an option misses.
    fn misses(&self, o: &OptionOutcome) -> Vec<Miss> {
        let mut out = Vec::new();
        if o.shared_percentage_after_settling > self.max_shared {
            out.push(Miss {
                limit: Limit::Shared,
                value: o.shared_percentage_after_settling,
                max: self.max_shared,
            });
        }
        if o.expired_percentage > self.max_expired {
            out.push(Miss {
                limit: Limit::Expired,
                value: o.expired_percentage,
                max: self.max_expired,
            });
        }
        out
    }
}

/// The recommendation: the cheapest option that meets the limits; when none does, the one
/// with the smallest relative excess summed over the limits (then the cheapest, then the
/// first listed).
fn recommend(options: &[OptionOutcome]) -> Recommendation {
    let excess =
        |o: &OptionOutcome| -> f64 { o.limits_missed.iter().map(Miss::relative_excess).sum() };
    let index = (0..options.len())
        .min_by(|&a, &b| {
            let (x, y) = (&options[a], &options[b]);
            y.meets_limits
                .cmp(&x.meets_limits)
                .then(excess(x).total_cmp(&excess(y)))
                .then(x.cost.total_cmp(&y.cost))
                .then(a.cmp(&b))
        })
        .unwrap_or(0);
    let o = &options[index];
    Recommendation {
        index,
        option: o.option,
        standard_ips: o.standard_ips,
        meets_limits: o.meets_limits,
    }
}

/// Checks the limits and the settling period (252).
fn check(req: &CompareRequest) -> Result<u32> {
    for (flag, value) in [
        ("--max-shared", req.max_shared),
        ("--max-expired", req.max_expired),
    ] {
        if !(value.is_finite() && (0.0..=100.0).contains(&value)) {
            return Err(Error::invalid(format!(
                "{flag} must be a percentage from 0 to 100, not {value}"
            )));
        }
    }
    if let Some(ips) = &req.standard_ips
        && (ips.is_empty() || ips.iter().any(|&n| n == 0 || n > MAX_STANDARD_IPS))
    {
        return Err(Error::invalid(format!(
            "--standard-ips takes IP counts from 1 to {MAX_STANDARD_IPS}, e.g. 1,2,4"
        )));
    }
    let most = req.days.saturating_sub(MIN_MEASURED_DAYS);
    match req.settle {
        Some(settle) if settle > most || req.days < MIN_MEASURED_DAYS => Err(Error::invalid(
            format!(
                "--settle {settle} leaves fewer than {MIN_MEASURED_DAYS} of the {} days to measure shared mail on; it can be at most --days − {MIN_MEASURED_DAYS} = {most}",
                req.days
            ),
        )
        .hint(format!(
            "simulate longer, e.g. --days {}, or settle sooner",
            settle.saturating_add(MIN_MEASURED_DAYS)
        ))),
        Some(settle) => Ok(settle),
        // A run too short for the standard warm-up measures what it can.
        None => Ok(DEFAULT_SETTLING_DAYS.min(most)),
    }
}

/// Compare: the mail of the region's sets through a managed pool, standard pools and shared
/// IPs only, from the account as it is (or from nothing with `cold`), in scratch.
pub fn compare(s: &State, region: &str, req: &CompareRequest) -> Result<Comparison> {
    let end = sim::plan::end_date(s.date, req.days)?;
    let settle = check(req)?;
    let m = mailing(s, region, req)?;
    let current = if req.cold {
        Current::Nothing
    } else {
        current(s, region, &m)
    };
    let current_standard_ips = match &current {
        Current::Standard { ips, .. } => ips.len() as u32,
        _ => 0,
    };
    let setup = Setup {
        s,
        region,
        m,
        current,
        from_account: !req.cold,
        days: req.days,
        settle,
        max_shared: req.max_shared,
        max_expired: req.max_expired,
        isp_order: s.model.isp_names().map(str::to_string).collect(),
    };
    let managed = setup.run(Kind::Managed, 0)?;
    // The fewest standard IPs that meet the limits, by bisection: more IPs never make the
    // figures worse.
    let mut standard: BTreeMap<u32, OptionOutcome> = BTreeMap::new();
    let meets = |n: u32, standard: &mut BTreeMap<u32, OptionOutcome>| -> Result<bool> {
        if let Some(o) = standard.get(&n) {
            return Ok(o.meets_limits);
        }
        let o = setup.run(Kind::Standard, n)?;
        let ok = o.meets_limits;
        standard.insert(n, o);
        Ok(ok)
    };
    let needed = if meets(SEARCHED_IPS, &mut standard)? {
        let (mut lo, mut hi) = (1u32, SEARCHED_IPS);
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            if meets(mid, &mut standard)? {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        Some(lo)
    } else {
        None
    };
    let counts: BTreeSet<u32> = match &req.standard_ips {
        Some(c) => c.iter().copied().collect(),
        None => [
            (current_standard_ips > 0).then_some(current_standard_ips),
            needed,
            Some(managed.ips_max.max(1)),
        ]
        .into_iter()
        .flatten()
        .collect(),
    };
    let mut options = vec![managed];
    for n in counts {
        let o = match standard.remove(&n) {
            Some(o) => o,
            None => setup.run(Kind::Standard, n)?,
        };
        options.push(o);
    }
    options.push(setup.run(Kind::Shared, 0)?);
    let recommendation = recommend(&options);
    Ok(Comparison {
        region: region.to_string(),
        start_date: s.date,
        end_date: end,
        days: req.days,
        configuration_sets: setup.m.sets.iter().map(|(n, _, _)| n.clone()).collect(),
        from_account: setup.from_account,
        settling_days: settle,
        max_shared_percentage: req.max_shared,
        max_expired_percentage: req.max_expired,
        standard_ips_needed: needed,
        current_standard_ips,
        options,
        recommendation,
        isp_order: setup.isp_order,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn miss(limit: Limit, value: f64, max: f64) -> Miss {
        Miss { limit, value, max }
    }

    #[test]
    fn relative_excess_is_how_far_past_the_limit_relative_to_it() {
        assert!((miss(Limit::Shared, 23.2, 10.0).relative_excess() - 1.32).abs() < 1e-12);
        assert_eq!(miss(Limit::Expired, 0.1, 0.1).relative_excess(), 0.0);
        assert!((miss(Limit::Expired, 0.05, 0.0).relative_excess() - 5.0).abs() < 1e-12);
    }

    fn option(kind: Kind, cost: f64, missed: Vec<Miss>) -> OptionOutcome {
        OptionOutcome {
            option: kind,
            standard_ips: None,
            kept_ips: None,
            mail: Mail::default(),
            sent_dedicated_percentage: 0.0,
            sent_shared_percentage: 0.0,
            deferred_percentage: 0.0,
            expired_percentage: 0.0,
            shared_percentage_after_settling: 0.0,
            ips_at_end: 0,
            ips_max: 0,
            ip_days: 0,
            cost,
            cost_per_1000: 0.0,
            isps: Vec::new(),
            months: Vec::new(),
            meets_limits: missed.is_empty(),
            limits_missed: missed,
            daily: DailySeries::default(),
        }
    }

    #[test]
    fn the_cheapest_option_within_the_limits_wins() {
        let options = [
            option(Kind::Managed, 60.0, vec![]),
            option(Kind::Standard, 50.0, vec![miss(Limit::Expired, 0.2, 0.1)]),
            option(Kind::Standard, 70.0, vec![]),
        ];
        let r = recommend(&options);
        assert_eq!((r.index, r.meets_limits), (0, true));
    }

    #[test]
    fn when_none_meets_the_smallest_summed_relative_excess_wins() {
        // 100 % shared against a limit of 10 (excess 9) loses to 95.5 % shared (8.55) plus
        // 0.2 % expired against 0.1 (1): 9.55 — no, 9 < 9.55: the first wins on excess.
        let options = [
            option(
                Kind::Managed,
                10.0,
                vec![
                    miss(Limit::Shared, 95.5, 10.0),
                    miss(Limit::Expired, 0.2, 0.1),
                ],
            ),
            option(Kind::Standard, 50.0, vec![miss(Limit::Shared, 100.0, 10.0)]),
        ];
        assert_eq!(recommend(&options).index, 1);
        // How far counts, not how many: one limit missed by far loses to two missed by little.
        let options = [
            option(Kind::Standard, 5.0, vec![miss(Limit::Shared, 40.0, 10.0)]),
            option(
                Kind::Managed,
                50.0,
                vec![
                    miss(Limit::Shared, 11.0, 10.0),
                    miss(Limit::Expired, 0.11, 0.1),
                ],
            ),
        ];
        let r = recommend(&options);
        assert_eq!((r.index, r.meets_limits), (1, false));
    }

    fn request(days: u32, settle: Option<u32>) -> CompareRequest {
        CompareRequest {
            config_sets: Vec::new(),
            plan: None,
            days,
            standard_ips: None,
            max_shared: 10.0,
            max_expired: 0.1,
            settle,
            cold: false,
        }
    }

    #[test]
    fn settling_is_at_most_days_minus_seven() {
        assert_eq!(check(&request(90, None)).unwrap(), 45);
        assert_eq!(check(&request(52, Some(45))).unwrap(), 45);
        assert!(check(&request(51, Some(45))).is_err());
        assert_eq!(check(&request(30, None)).unwrap(), 23);
        assert_eq!(check(&request(5, None)).unwrap(), 0);
        assert!(check(&request(5, Some(0))).is_err());
        assert_eq!(check(&request(7, Some(0))).unwrap(), 0);
    }
}
