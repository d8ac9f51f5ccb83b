//! `sesm demo`: builds a realistic account in a throwaway state, simulates it, and explains
//! what happened — the shortest way to see what sesm does.
//!
//! The account is built with the same model rules every command uses. A promotion on day 30
//! sends a spike after Gmail is warm, so the run shows every documented behaviour: per-ISP
//! warm-up, early overflow to shared IPs, later deferral and expiry, scale-out and scale-in.

use clap::Args;
use serde::Serialize;

use super::Ctx;
use crate::error::{Error, Result};
use crate::model::config_set::NewConfigSet;
use crate::model::pool::NewPool;
use crate::model::{ScalingMode, State};
use crate::output::{Block, Column, Output, thousands, usd};
use crate::sim::{self, DayReport, RunReport, World};

pub const MANAGED_POOL: &str = "marketing";
pub const STANDARD_POOL: &str = "transactional";
/// The day of the promotion, counted from the first simulated day.
pub const PROMOTION_DAY: u32 = 30;

#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  sesm demo\n  sesm demo --days 90\n  sesm demo --state /tmp/demo.json && sesm --state /tmp/demo.json dashboard"
)]
pub struct DemoArgs {
    /// How many days to simulate
    #[arg(long, default_value_t = 45)]
    pub days: u32,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct DemoView {
    state_path: String,
    region: String,
    highlights: Vec<String>,
    simulation: RunReport,
}

fn s(v: &str) -> String {
    v.to_string()
}

/// Builds the sample account in `region` of an empty state.
pub fn build_account(state: &mut State, region: &str) -> Result<()> {
    let r = state.region_mut(region);
    for (name, mds) in [
        ("newsletters", Some(14_400)),
        ("promotions", Some(3_600)),
        ("receipts", None),
    ] {
        r.create_config_set(NewConfigSet {
            name: s(name),
            max_delivery_seconds: mds,
            ..Default::default()
        })?;
    }
    r.create_pool(NewPool {
        name: s(MANAGED_POOL),
        mode: ScalingMode::Managed,
        config_sets: vec![s("newsletters"), s("promotions")],
        tags: vec![(s("team"), s("growth"))],
    })?;
    r.create_pool(NewPool {
        name: s(STANDARD_POOL),
        mode: ScalingMode::Standard,
        config_sets: vec![s("receipts")],
        tags: vec![(s("team"), s("payments"))],
    })?;
    for (identity, cs) in [
        ("example.com", Some("newsletters")),
        ("news@example.com", Some("newsletters")),
        ("shop.example.com", Some("promotions")),
        ("billing@example.com", Some("receipts")),
    ] {
        r.create_identity(identity, cs, &[])?;
    }
    let traffic: [(&str, &[(&str, u64)]); 3] = [
        (
            "newsletters",
            &[
                ("gmail", 60_000),
                ("microsoft", 25_000),
                ("yahoo", 12_000),
                ("apple", 6_000),
                ("comcast", 3_000),
                ("orange", 4_000),
                ("other", 8_000),
            ],
        ),
        (
            "promotions",
            &[("gmail", 20_000), ("microsoft", 8_000), ("yahoo", 4_000)],
        ),
        (
            "receipts",
            &[
                ("gmail", 6_000),
                ("microsoft", 3_000),
                ("yahoo", 1_500),
                ("other", 1_500),
            ],
        ),
    ];
    for (cs, volumes) in traffic {
        r.traffic
            .insert(s(cs), volumes.iter().map(|(i, v)| (s(i), *v)).collect());
    }
    state.lease_ips(region, 2, Some(STANDARD_POOL))?;
    Ok(())
}

/// The promotion's extra volume per ISP, sent through `promotions` on `PROMOTION_DAY`.
pub const PROMOTION: &[(&str, u64)] = &[("gmail", 250_000), ("microsoft", 80_000)];

/// Simulates the demo: standing traffic every day, plus the promotion.
pub fn simulate(state: &mut State, region: &str, days: u32) -> Result<RunReport> {
    let world = World::new(state, &World::standing_senders(state))?;
    let standing = world.standing_demand(state);
    let ri = world.region_index(region).expect("the demo region exists");
    let ci = world.regions[ri]
        .config_sets
        .iter()
        .position(|c| c.name == "promotions")
        .expect("the demo has promotions");
    let mut promotion = standing.clone();
    let volumes = promotion[ri].get_mut(&ci).expect("promotions has traffic");
    for (isp, extra) in PROMOTION {
        if let Some(i) = state.model.isp_index(isp) {
            volumes[i] += extra;
        }
    }
    sim::run(state, world, days, |day| {
        if day == PROMOTION_DAY {
            promotion.clone()
        } else {
            standing.clone()
        }
    })
}

pub fn run(a: DemoArgs, ctx: &Ctx) -> Result<Output> {
    let region = ctx.region()?;
    if a.days == 0 || a.days > 3_650 {
        return Err(Error::invalid(format!(
            "--days must be from 1 to 3650, not {}",
            a.days
        )));
    }
    let path = match ctx.state_flag() {
        Some(path) => {
            if path.exists() {
                return Err(Error::invalid(format!(
                    "{} already exists; the demo builds a new account",
                    path.display()
                ))
                .hint("give --state a path that does not exist yet, or leave --state out for a throwaway state"));
            }
            path.clone()
        }
        None => crate::store::throwaway_path()?,
    };
    let store = ctx.store_at(path.clone())?;
    let report = store.update(|state| {
        build_account(state, region)?;
        simulate(state, region, a.days)
    })?;
    let highlights = highlights(&report);
    let human = human(&report, &highlights, &path, region);
    Ok(Output::new(DemoView {
        state_path: path.display().to_string(),
        region: region.to_string(),
        highlights,
        simulation: report,
    })
    .with_human(human))
}

fn pool_days<'a>(
    r: &'a RunReport,
    pool: &'a str,
) -> impl Iterator<Item = (usize, &'a DayReport)> + 'a {
    r.days
        .iter()
        .filter(move |d| d.pool_name == pool)
        .enumerate()
}

fn sum(d: &DayReport, f: fn(&sim::IspDay) -> u64) -> u64 {
    d.isps.iter().map(f).sum()
}

fn percent(part: u64, whole: u64) -> f64 {
    if whole == 0 {
        0.0
    } else {
        100.0 * part as f64 / whole as f64
    }
}

/// What a newcomer should notice, in sentences computed from the run.
fn highlights(r: &RunReport) -> Vec<String> {
    let mut out = Vec::new();
    let managed: Vec<(usize, &DayReport)> = pool_days(r, MANAGED_POOL).collect();
    if let Some((_, first)) = managed.first() {
        out.push(format!(
            "Day 0: {MANAGED_POOL} had no dedicated IP yet (\"insufficient volume\"), so all {} messages went out through SES's shared IPs; SES then allocated {} IP(s).",
            thousands(sum(first, |i| i.demand) as i64),
            first.scale_event
        ));
    }
    for isp in ["gmail", "microsoft", "yahoo", "orange"] {
        let warm = managed.iter().find(|(_, d)| {
            d.isps
                .iter()
                .any(|i| i.isp == isp && i.warmup_percentage >= 90.0)
        });
        let last = managed
            .iter()
            .rev()
            .find_map(|(_, d)| d.isps.iter().find(|i| i.isp == isp))
            .map_or(0.0, |i| i.warmup_percentage);
        out.push(match warm {
            Some((day, _)) => format!("{isp}: warm (≥ 90 %) on day {day}; {last:.0} % at the end."),
            None => format!(
                "{isp}: {last:.0} % warm after {} days (each ISP warms at its own pace).",
                managed.len()
            ),
        });
    }
    let week = |range: std::ops::Range<usize>| {
        let days: Vec<&DayReport> = managed
            .iter()
            .filter(|(i, _)| range.contains(i))
            .map(|(_, d)| *d)
            .collect();
        let demand: u64 = days.iter().map(|d| sum(d, |i| i.demand)).sum();
        let shared: u64 = days.iter().map(|d| sum(d, |i| i.sent_shared)).sum();
        percent(shared, demand)
    };
    if managed.len() >= 14 {
        out.push(format!(
            "Early phase: {:.0} % of {MANAGED_POOL}'s mail overflowed to shared IPs in the first week, {:.0} % in the week before the promotion.",
            week(0..7),
            week((PROMOTION_DAY as usize).saturating_sub(7)..PROMOTION_DAY as usize)
        ));
    }
    if let Some((_, spike)) = managed.iter().find(|(i, _)| *i == PROMOTION_DAY as usize) {
        let by_isp: Vec<String> = spike
            .isps
            .iter()
            .filter(|i| i.deferred > 0 || i.sent_shared > 0)
            .map(|i| {
                format!(
                    "{} {} ({} deferred, {} to shared)",
                    i.isp,
                    if i.phase == sim::managed::Phase::Late {
                        "LATE"
                    } else {
                        "EARLY"
                    },
                    thousands(i.deferred as i64),
                    thousands(i.sent_shared as i64)
                )
            })
            .collect();
        let retried: u64 = managed
            .iter()
            .find(|(i, _)| *i == PROMOTION_DAY as usize + 1)
            .map_or(0, |(_, d)| sum(d, |i| i.retried));
        let expired: u64 = managed
            .iter()
            .filter(|(i, _)| (PROMOTION_DAY as usize..PROMOTION_DAY as usize + 2).contains(i))
            .map(|(_, d)| sum(d, |i| i.expired))
            .sum();
        out.push(format!(
            "Day {PROMOTION_DAY}, promotion: {}. {} deferred messages were retried the next day and {} expired after their retry window.",
            by_isp.join("; "),
            thousands(retried as i64),
            thousands(expired as i64)
        ));
    }
    let events: Vec<String> = managed
        .iter()
        .filter(|(_, d)| d.scale_event != 0)
        .map(|(i, d)| format!("day {i}: {:+}", d.scale_event))
        .collect();
    if !events.is_empty() {
        out.push(format!("Scaling of {MANAGED_POOL}: {}.", events.join(", ")));
    }
    let standard: Vec<(usize, &DayReport)> = pool_days(r, STANDARD_POOL).collect();
    if let Some((_, last)) = standard.last() {
        let demand: u64 = standard.iter().map(|(_, d)| sum(d, |i| i.demand)).sum();
        let shared: u64 = standard
            .iter()
            .map(|(_, d)| sum(d, |i| i.sent_shared))
            .sum();
        out.push(format!(
            "{STANDARD_POOL} (standard, 2 IPs): warm-up is by time, {:.0} % after {} days; {:.0} % of its mail went through shared IPs meanwhile.",
            last.isps.first().map_or(0.0, |i| i.warmup_percentage),
            standard.len(),
            percent(shared, demand)
        ));
    }
    out.push(format!(
        "Estimated cost of the {} days: {}.",
        managed.len(),
        usd(r.summary.cost)
    ));
    out
}

fn human(r: &RunReport, highlights: &[String], path: &std::path::Path, region: &str) -> Vec<Block> {
    let isps = ["gmail", "microsoft", "yahoo", "orange"];
    let mut columns = vec![Column::right("Day"), Column::left("Date")];
    columns.extend(super::simulate::day_columns());
    columns.extend(isps.iter().map(|i| Column::right(format!("{i} %"))));
    let rows = pool_days(r, MANAGED_POOL)
        .filter(|(i, d)| {
            i % 7 == 0 || d.scale_event != 0 || (*i as u32).abs_diff(PROMOTION_DAY) <= 1
        })
        .map(|(i, d)| {
            let mut row = vec![i.to_string(), d.date.to_string()];
            row.extend(super::simulate::day_figures(d));
            row.extend(isps.iter().map(|isp| {
                d.isps
                    .iter()
                    .find(|x| x.isp == *isp)
                    .map_or_else(|| "-".into(), |x| format!("{:.0}", x.warmup_percentage))
            }));
            row
        })
        .collect();
    let state = path.display();
    let mut blocks = vec![
        Block::Title(format!("sesm demo: {} simulated days in {region}", r.days.iter().map(|d| d.date).collect::<std::collections::BTreeSet<_>>().len())),
        Block::Line(format!(
            "Account: managed pool {MANAGED_POOL} (newsletters, promotions), standard pool {STANDARD_POOL} (receipts, 2 IPs), 4 identities."
        )),
        Block::Line("Traffic: 166,000 messages a day to 7 ISPs; a promotion adds 330,000 to Gmail and Microsoft on day 30.".into()),
        Block::Blank,
        Block::Title(format!("{MANAGED_POOL}, weekly and on notable days (warm-up per ISP in %)")),
        Block::table(columns, rows),
        Block::Blank,
        Block::Title("What happened".into()),
    ];
    blocks.extend(highlights.iter().map(|h| Block::Line(format!("- {h}"))));
    blocks.extend([
        Block::Blank,
        Block::Line(
            "The model's numbers are calibrated estimates, not figures published by AWS.".into(),
        ),
        Block::Title("Explore this account".into()),
        Block::Line(format!("  sesm --state {state} dashboard")),
        Block::Line(format!("  sesm --state {state} dashboard --html demo.html")),
        Block::Line(format!("  sesm --state {state} pool get {MANAGED_POOL}")),
        Block::Line(format!(
            "  sesm --state {state} metrics --pool {MANAGED_POOL} --isp gmail"
        )),
        Block::Line(format!("  sesm --state {state} cost")),
        Block::Line(format!("  sesm --state {state} simulate --days 30")),
    ]);
    blocks
}
