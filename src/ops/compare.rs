//! sesm's `Compare`: standard or managed dedicated IPs for *this* mail. The same traffic runs,
//! in scratch accounts built from the account's clock, model constants and prices (the state
//! is not changed), through a managed pool, through standard pools of N IPs, and through
//! SES's shared IPs only; the figures come side by side with one recommendation: the cheapest
//! option that meets the limits.

use std::collections::{BTreeMap, BTreeSet};

use jiff::civil::Date;
use serde::Serialize;

use super::simulate::PlanText;
use crate::error::{Error, Result};
use crate::model::config_set::NewConfigSet;
use crate::model::metrics::percent;
use crate::model::pool::NewPool;
use crate::model::{Mail, MonthUsage, SHARED_POOL, ScalingMode, State, cost};
use crate::sim::{self, DayReport, Demand, Plan, RunReport};

/// The name of the pool each option's scratch account sends through.
const POOL: &str = "compared";
/// The days after which mail through shared IPs counts against `--max-shared`.
pub const SETTLING_DAYS: u32 = 30;
/// The most standard IPs one option may lease.
pub const MAX_STANDARD_IPS: u32 = 1_000;

/// What to compare.
#[derive(Debug, Clone)]
pub struct CompareRequest {
    /// The configuration sets whose mail is compared (empty: every set with traffic, or
    /// every set the plan names, in the region).
    pub config_sets: Vec<String>,
    pub plan: Option<PlanText>,
    pub days: u32,
    /// Standard options by IP count (none: the most IPs the managed run held, and double).
    pub standard_ips: Option<Vec<u32>>,
    /// The most mail, in percent, that may go through shared IPs after the first 30 days.
    pub max_shared: f64,
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
    /// or more; for standard IPs, which warm by time for every ISP alike, the day they reach
    /// 100 % (DONE). Absent when it never was.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub warm_day: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub warm_date: Option<Date>,
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
    /// USD for the month's days (estimates, prices from the state).
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

/// One option, over the run.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct OptionOutcome {
    pub option: Kind,
    pub label: String,
    /// The standard IPs leased (standard options).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub standard_ips: Option<u32>,
    #[serde(flatten)]
    pub mail: Mail,
    pub sent_dedicated_percentage: f64,
    pub sent_shared_percentage: f64,
    pub deferred_percentage: f64,
    pub expired_percentage: f64,
    /// Mail through shared IPs from day 30 on, in percent of that period's demand (of the
    /// whole run when it is not longer than 30 days).
    pub shared_percentage_after_day_30: f64,
    pub ips_at_end: u32,
    pub ips_max: u32,
    pub ip_days: u64,
    /// USD for the run (estimates, prices from the state).
    pub cost: f64,
    pub cost_per_1000: f64,
    pub isps: Vec<IspOutcome>,
    pub months: Vec<MonthOutcome>,
    /// Whether the option meets the limits (shared share, no expired mail).
    pub meets: bool,
    /// Why it wins, or why it loses.
    pub verdict: String,
    #[serde(skip)]
    pub daily: DailySeries,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Recommendation {
    pub option: Kind,
    pub label: String,
    /// Whether the recommended option meets the limits (else it is the one that fails least).
    pub meets: bool,
    pub reason: String,
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
    pub max_shared_percentage: f64,
    pub options: Vec<OptionOutcome>,
    pub recommendation: Recommendation,
    /// The state's ISP table order (colours and places in the charts).
    #[serde(skip)]
    pub isp_order: Vec<String>,
}

/// The mail compared: the sets, their settings, and the demand.
struct Mailing {
    sets: Vec<(String, Option<u32>)>,
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
        let what = if !named.is_empty() {
            format!("configuration set(s) {}", req.config_sets.join(", "))
        } else {
            format!("region {region}")
        };
        let source = if plan.is_some() {
            "the plan"
        } else {
            "standing traffic"
        };
        return Err(
            Error::invalid(format!("the {what} have no mail to compare in {source}"))
                .hint("give the mail with: sesm traffic set CS gmail=100000, or --plan FILE.csv"),
        );
    }
    let sets = sending
        .iter()
        .map(|cs| {
            let set = r.existing_config_set(cs)?;
            Ok((cs.clone(), set.max_delivery_seconds))
        })
        .collect::<Result<_>>()?;
    Ok(Mailing {
        sets,
        traffic,
        plan,
    })
}

/// A scratch account with the compared sets sending through `kind`'s pool.
fn scratch(s: &State, region: &str, m: &Mailing, kind: Kind, ips: u32) -> Result<State> {
    let mut t = State::new(s.date);
    t.account_id = s.account_id.clone();
    t.model = s.model.clone();
    t.prices = s.prices.clone();
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
    for (name, mds) in &m.sets {
        t.region_mut(region).create_config_set(NewConfigSet {
            name: name.clone(),
            pool: Some(pool.to_string()),
            max_delivery_seconds: mds.map(i64::from),
            ..Default::default()
        })?;
    }
    t.region_mut(region).traffic = m.traffic.clone();
    // Standard IPs warm up with auto warm-up on, from 0 %.
    t.region_mut(region).auto_warmup = true;
    if kind == Kind::Standard && ips > 0 {
        t.lease_ips(region, i64::from(ips), Some(POOL))?;
    }
    Ok(t)
}

/// Runs one option.
fn run(
    s: &State,
    region: &str,
    m: &Mailing,
    kind: Kind,
    ips: u32,
    days: u32,
) -> Result<(RunReport, State)> {
    let mut t = scratch(s, region, m, kind, ips)?;
    let report = match &m.plan {
        Some(plan) => sim::simulate(&mut t, days, Demand::Plan(plan))?,
        None => sim::simulate(&mut t, days, Demand::Standing)?,
    };
    Ok((report, t))
}

fn percentages(m: &Mail) -> [f64; 4] {
    [
        percent(m.sent_dedicated, m.demand),
        percent(m.sent_shared, m.demand),
        percent(m.deferred, m.demand),
        percent(m.expired, m.demand),
    ]
}

fn month_of(d: Date) -> String {
    sim::month_of(d)
}

/// The figures of one option from its run.
fn outcome(
    kind: Kind,
    ips: u32,
    start: Date,
    days: u32,
    report: &RunReport,
    scratch: &State,
    isp_order: &[String],
) -> OptionOutcome {
    let pool = match kind {
        Kind::Shared => SHARED_POOL,
        _ => POOL,
    };
    // Days of the run in order, with the pool's report where it had one.
    let mut by_date: BTreeMap<Date, &DayReport> = BTreeMap::new();
    for d in report.days.iter().filter(|d| d.pool_name == pool) {
        by_date.insert(d.date, d);
    }
    let dates: Vec<Date> = (0..days)
        .scan(start, |d, _| {
            let now = *d;
            *d = d.tomorrow().unwrap_or(now);
            Some(now)
        })
        .collect();
    let mut total = Mail::default();
    let mut after = Mail::default();
    let mut isps: BTreeMap<String, IspOutcome> = BTreeMap::new();
    let mut months: BTreeMap<String, (Mail, u64)> = BTreeMap::new();
    let mut daily = DailySeries::default();
    let mut warm: BTreeMap<String, Vec<f64>> = BTreeMap::new();
    let (mut ips_max, mut ip_days, mut ips_at_end) = (0u32, 0u64, 0u32);
    let threshold = if kind == Kind::Managed { 90.0 } else { 100.0 };
    // Standard IPs warm by time, for every ISP alike: the day they are DONE.
    let mut standard_warm: Option<(u32, Date)> = None;
    for (i, date) in dates.iter().enumerate() {
        let day = by_date.get(date);
        let held = day.map_or(if kind == Kind::Standard { ips } else { 0 }, |d| {
            d.dedicated_ip_count
        });
        let after_scaling = day.map_or(held, |d| {
            (i64::from(d.dedicated_ip_count) + i64::from(d.scale_event)).max(0) as u32
        });
        ips_max = ips_max.max(held).max(after_scaling);
        ip_days = ip_days.saturating_add(u64::from(held));
        ips_at_end = after_scaling;
        let month = months.entry(month_of(*date)).or_default();
        month.1 = month.1.saturating_add(u64::from(held));
        let mut day_mail = Mail::default();
        let mut kept = 0u64;
        if let Some(d) = day {
            for isp in &d.isps {
                day_mail.add(&isp.mail);
                kept = kept.saturating_add(isp.kept_for_tomorrow());
                let o = isps.entry(isp.isp.clone()).or_insert_with(|| IspOutcome {
                    isp: isp.isp.clone(),
                    mail: Mail::default(),
                    warm_day: None,
                    warm_date: None,
                });
                o.mail.add(&isp.mail);
                if o.warm_day.is_none()
                    && isp.mail.demand > 0
                    && isp.warmup_percentage >= threshold
                    && kind == Kind::Managed
                {
                    o.warm_day = Some(i as u32);
                    o.warm_date = Some(*date);
                }
                if kind == Kind::Standard
                    && standard_warm.is_none()
                    && isp.warmup_percentage >= threshold
                {
                    standard_warm = Some((i as u32, *date));
                }
            }
        }
        total.add(&day_mail);
        month.0.add(&day_mail);
        if days <= SETTLING_DAYS || i as u32 >= SETTLING_DAYS {
            after.add(&day_mail);
        }
        daily.dates.push(*date);
        daily.dedicated.push(day_mail.sent_dedicated);
        daily.shared.push(day_mail.sent_shared);
        daily.kept.push(kept);
        daily.expired.push(day_mail.expired);
        daily.ips.push(held);
        for isp in isp_order {
            let w = day
                .and_then(|d| d.isp(isp))
                .map_or(0.0, |x| x.warmup_percentage);
            warm.entry(isp.clone()).or_default().push(w);
        }
    }
    if let Some((day, date)) = standard_warm {
        for o in isps.values_mut() {
            o.warm_day = Some(day);
            o.warm_date = Some(date);
        }
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
            let usage = scratch.usage.get(&month).unwrap_or(&empty);
            MonthOutcome {
                cost: cost::month_cost(&month, usage, &scratch.prices).total,
                month,
                mail,
                ip_days,
            }
        })
        .collect();
    let cost_total: f64 = months.iter().map(|m| m.cost).sum();
    let [ded, shared, deferred, expired] = percentages(&total);
    let label = match kind {
        Kind::Managed => "Managed pool".to_string(),
        Kind::Standard => format!("Standard, {ips} IP{}", if ips == 1 { "" } else { "s" }),
        Kind::Shared => "Shared IPs only".to_string(),
    };
    OptionOutcome {
        option: kind,
        label,
        standard_ips: (kind == Kind::Standard).then_some(ips),
        sent_dedicated_percentage: ded,
        sent_shared_percentage: shared,
        deferred_percentage: deferred,
        expired_percentage: expired,
        shared_percentage_after_day_30: percent(after.sent_shared, after.demand),
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
        meets: false,
        verdict: String::new(),
        daily,
    }
}

/// Whether an option meets the limits, and by how much it misses them.
fn shortfall(o: &OptionOutcome, max_shared: f64) -> (usize, f64, u64) {
    let over = (o.shared_percentage_after_day_30 - max_shared).max(0.0);
    let failing = usize::from(over > 0.0) + usize::from(o.mail.expired > 0);
    (failing, over, o.mail.expired)
}

fn usd(x: f64) -> String {
    crate::output::usd(x)
}

/// Decides the recommendation and writes each option's verdict.
fn recommend(options: &mut [OptionOutcome], max_shared: f64) -> Recommendation {
    for o in options.iter_mut() {
        o.meets = shortfall(o, max_shared).0 == 0;
    }
    let meeting: Vec<usize> = (0..options.len()).filter(|&i| options[i].meets).collect();
    let best = meeting
        .iter()
        .copied()
        .min_by(|&a, &b| options[a].cost.total_cmp(&options[b].cost).then(a.cmp(&b)));
    let (chosen, meets) = match best {
        Some(i) => (i, true),
        None => {
            // None meets the limits: the one that fails least (fewest limits failed, then the
            // smallest excess of shared mail, then the least expired mail, then the cheapest).
            let i = (0..options.len())
                .min_by(|&a, &b| {
                    let (fa, oa, ea) = shortfall(&options[a], max_shared);
                    let (fb, ob, eb) = shortfall(&options[b], max_shared);
                    fa.cmp(&fb)
                        .then(oa.total_cmp(&ob))
                        .then(ea.cmp(&eb))
                        .then(options[a].cost.total_cmp(&options[b].cost))
                })
                .unwrap_or(0);
            (i, false)
        }
    };
    let winner = options[chosen].clone();
    let limits = |o: &OptionOutcome| {
        let mut why = Vec::new();
        if o.shared_percentage_after_day_30 > max_shared {
            why.push(format!(
                "{:.1} % of its mail goes through shared IPs after day {SETTLING_DAYS} (limit {max_shared} %)",
                o.shared_percentage_after_day_30
            ));
        }
        if o.mail.expired > 0 {
            why.push(format!(
                "{} messages expire ({:.2} %)",
                crate::output::thousands(o.mail.expired),
                o.expired_percentage
            ));
        }
        why
    };
    for (i, o) in options.iter_mut().enumerate() {
        o.verdict = if i == chosen {
            if meets {
                format!(
                    "recommended: the cheapest option within the limits, {} for the run ({} per 1,000 messages)",
                    usd(o.cost),
                    usd(o.cost_per_1000)
                )
            } else {
                format!("fails least: {}", limits(o).join("; "))
            }
        } else if !o.meets {
            limits(o).join("; ")
        } else {
            format!(
                "costs {} for the run, {} more than {}",
                usd(o.cost),
                usd(o.cost - winner.cost),
                winner.label
            )
        };
    }
    let reason = if meets {
        format!(
            "{} meets the limits (at most {max_shared} % of mail through shared IPs after day {SETTLING_DAYS}: {:.1} %; no expired mail) at the lowest cost, {} for {} days.",
            winner.label,
            winner.shared_percentage_after_day_30,
            usd(winner.cost),
            winner.daily.dates.len()
        )
    } else {
        format!(
            "No option meets the limits; {} comes closest: {}.",
            winner.label,
            limits(&winner).join("; ")
        )
    };
    Recommendation {
        option: winner.option,
        label: winner.label,
        meets,
        reason,
    }
}

/// Compare: the mail of the region's sets through a managed pool, standard pools and shared
/// IPs only, from the account's clock, in scratch (the state is not changed).
pub fn compare(s: &State, region: &str, req: &CompareRequest) -> Result<Comparison> {
    let end = sim::plan::end_date(s.date, req.days)?;
    if !(req.max_shared.is_finite() && (0.0..=100.0).contains(&req.max_shared)) {
        return Err(Error::invalid(format!(
            "--max-shared must be a percentage from 0 to 100, not {}",
            req.max_shared
        )));
    }
    if let Some(ips) = &req.standard_ips
        && (ips.is_empty() || ips.iter().any(|&n| n == 0 || n > MAX_STANDARD_IPS))
    {
        return Err(Error::invalid(format!(
            "--standard-ips takes IP counts from 1 to {MAX_STANDARD_IPS}, e.g. 1,2,4"
        )));
    }
    let m = mailing(s, region, req)?;
    let isp_order: Vec<String> = s.model.isp_names().map(str::to_string).collect();
    let (managed_report, managed_state) = run(s, region, &m, Kind::Managed, 0, req.days)?;
    let managed = outcome(
        Kind::Managed,
        0,
        s.date,
        req.days,
        &managed_report,
        &managed_state,
        &isp_order,
    );
    let counts: Vec<u32> = match &req.standard_ips {
        Some(c) => {
            let mut c = c.clone();
            c.sort_unstable();
            c.dedup();
            c
        }
        None => {
            let n = managed.ips_max.max(1);
            vec![n, n * 2]
        }
    };
    let mut options = vec![managed];
    for n in counts {
        let (report, state) = run(s, region, &m, Kind::Standard, n, req.days)?;
        options.push(outcome(
            Kind::Standard,
            n,
            s.date,
            req.days,
            &report,
            &state,
            &isp_order,
        ));
    }
    let (report, state) = run(s, region, &m, Kind::Shared, 0, req.days)?;
    options.push(outcome(
        Kind::Shared,
        0,
        s.date,
        req.days,
        &report,
        &state,
        &isp_order,
    ));
    let recommendation = recommend(&mut options, req.max_shared);
    Ok(Comparison {
        region: region.to_string(),
        start_date: s.date,
        end_date: end,
        days: req.days,
        configuration_sets: m.sets.iter().map(|(n, _)| n.clone()).collect(),
        max_shared_percentage: req.max_shared,
        options,
        recommendation,
        isp_order,
    })
}
