//! sesm's `Demo`: builds the demo account (`fixtures::demo`) in an empty state, simulates it,
//! and picks out what a newcomer should notice, as facts computed from the run (`Highlight`);
//! `output/simulation.rs` writes them as sentences, in the table and in the JSON document.

use serde::Serialize;

use crate::error::{Error, Result};
use crate::fixtures::demo::{self, MANAGED_POOL, PROMOTION_DAY, STANDARD_POOL};
use crate::model::State;
use crate::model::metrics::percent;
use crate::sim::managed::Phase;
use crate::sim::{DayReport, RunReport};

/// The longest demo (ten years).
pub const MAX_DAYS: u32 = 3_650;

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DemoView {
    pub state_path: String,
    pub region: String,
    /// Serialized as sentences: `Highlight`'s `Serialize` is written in `output/simulation.rs`,
    /// with the words.
    pub highlights: Vec<Highlight>,
    pub simulation: RunReport,
    /// What the demo account is, for the view's introduction.
    #[serde(skip)]
    pub account: DemoAccount,
}

/// The demo account's shape: its pools and traffic.
#[derive(Debug)]
pub struct DemoAccount {
    pub managed_pool: &'static str,
    pub standard_pool: &'static str,
    /// The day of the promotion, counted from the first simulated day.
    pub promotion_day: u32,
    /// Standing messages a day.
    pub daily_volume: u64,
    pub isp_count: usize,
    /// The promotion's extra messages.
    pub promotion_volume: u64,
}

/// One thing a newcomer should notice in the demo's run, for the managed pool unless it says.
#[derive(Debug, Clone, PartialEq)]
pub enum Highlight {
    /// The first day: no dedicated IP yet, all of `demand` went through shared IPs, then SES
    /// allocated `allocated` IPs.
    FirstDay {
        pool: &'static str,
        demand: u64,
        allocated: i32,
    },
    /// An ISP's warm-up, capacity-weighted: the day the pool could take 90 % of its mail
    /// (`None`: not within the run), and at the end.
    IspWarmup {
        isp: &'static str,
        warm_on: Option<usize>,
        at_end: f64,
        days: usize,
    },
    /// The share of mail overflowing to shared IPs in the first week and the week before the
    /// promotion, in %.
    EarlyOverflow {
        pool: &'static str,
        first_week: f64,
        week_before_promotion: f64,
    },
    /// The promotion day: the ISPs that deferred or overflowed, the deferred mail retried the
    /// next day and what expired.
    Promotion {
        day: u32,
        isps: Vec<PromotionIsp>,
        retried: u64,
        expired: u64,
    },
    /// The managed pool's scaling events: (day, IPs added or removed).
    Scaling {
        pool: &'static str,
        events: Vec<(usize, i32)>,
    },
    /// The standard pool: SES's warm-up by time, in % at the end, its share through shared
    /// IPs, and on the last day the least capacity-weighted warm-up of its ISPs with mail.
    Standard {
        pool: &'static str,
        warmup: f64,
        days: usize,
        shared: f64,
        accepted: f64,
    },
    /// The estimated cost of the run.
    Cost { days: usize, usd: f64 },
}

/// An ISP on the promotion day.
#[derive(Debug, Clone, PartialEq)]
pub struct PromotionIsp {
    pub isp: String,
    pub phase: Phase,
    pub deferred: u64,
    pub to_shared: u64,
}

/// Checks the length of a demo run (252).
pub fn check_days(days: u32) -> Result<()> {
    if days == 0 || days > MAX_DAYS {
        return Err(Error::invalid(format!(
            "--days must be from 1 to {MAX_DAYS}, not {days}"
        )));
    }
    Ok(())
}

/// Demo: builds the account in `region` of an empty state and simulates `days` days.
pub fn run(s: &mut State, region: &str, days: u32, state_path: String) -> Result<DemoView> {
    check_days(days)?;
    demo::build(s, region)?;
    let report = demo::simulate(s, region, days)?;
    Ok(DemoView {
        state_path,
        region: region.to_string(),
        highlights: highlights(&report),
        simulation: report,
        account: DemoAccount {
            managed_pool: MANAGED_POOL,
            standard_pool: STANDARD_POOL,
            promotion_day: PROMOTION_DAY,
            daily_volume: demo::daily_volume(),
            isp_count: demo::isp_count(),
            promotion_volume: demo::promotion_volume(),
        },
    })
}

/// The days of one pool, numbered from the run's first day.
pub fn pool_days<'a>(
    r: &'a RunReport,
    pool: &'a str,
) -> impl Iterator<Item = (usize, &'a DayReport)> + 'a {
    r.days
        .iter()
        .filter(move |d| d.pool_name == pool)
        .enumerate()
}

/// What a newcomer should notice, computed from the run.
fn highlights(r: &RunReport) -> Vec<Highlight> {
    let mut out = Vec::new();
    let managed: Vec<(usize, &DayReport)> = pool_days(r, MANAGED_POOL).collect();
    if let Some((_, first)) = managed.first() {
        out.push(Highlight::FirstDay {
            pool: MANAGED_POOL,
            demand: first.total().demand,
            allocated: first.scale_event,
        });
    }
    for isp in ["gmail", "microsoft", "yahoo", "orange"] {
        let warm_on = managed
            .iter()
            .find(|(_, d)| {
                d.isp(isp)
                    .is_some_and(|i| i.capacity_warmup_percentage >= 90.0)
            })
            .map(|(day, _)| *day);
        let at_end = managed
            .iter()
            .rev()
            .find_map(|(_, d)| d.isp(isp))
            .map_or(0.0, |i| i.capacity_warmup_percentage);
        out.push(Highlight::IspWarmup {
            isp,
            warm_on,
            at_end,
            days: managed.len(),
        });
    }
    let shared_share = |range: std::ops::Range<usize>| {
        let t = crate::model::Mail::total(
            managed
                .iter()
                .filter(|(i, _)| range.contains(i))
                .map(|(_, d)| d.total())
                .collect::<Vec<_>>()
                .iter(),
        );
        percent(t.sent_shared, t.demand)
    };
    let promotion = PROMOTION_DAY as usize;
    if managed.len() >= 14 {
        out.push(Highlight::EarlyOverflow {
            pool: MANAGED_POOL,
            first_week: shared_share(0..7),
            week_before_promotion: shared_share(promotion.saturating_sub(7)..promotion),
        });
    }
    if let Some((_, spike)) = managed.iter().find(|(i, _)| *i == promotion) {
        let isps = spike
            .isps
            .iter()
            .filter(|i| i.mail.deferred > 0 || i.mail.sent_shared > 0)
            .map(|i| PromotionIsp {
                isp: i.isp.clone(),
                phase: i.phase,
                deferred: i.mail.deferred,
                to_shared: i.mail.sent_shared,
            })
            .collect();
        let retried: u64 = managed
            .iter()
            .find(|(i, _)| *i == promotion + 1)
            .map_or(0, |(_, d)| d.total().retried);
        let expired: u64 = managed
            .iter()
            .filter(|(i, _)| (promotion..promotion + 2).contains(i))
            .map(|(_, d)| d.total().expired)
            .sum();
        out.push(Highlight::Promotion {
            day: PROMOTION_DAY,
            isps,
            retried,
            expired,
        });
    }
    let events: Vec<(usize, i32)> = managed
        .iter()
        .filter(|(_, d)| d.scale_event != 0)
        .map(|(i, d)| (*i, d.scale_event))
        .collect();
    if !events.is_empty() {
        out.push(Highlight::Scaling {
            pool: MANAGED_POOL,
            events,
        });
    }
    let standard: Vec<(usize, &DayReport)> = pool_days(r, STANDARD_POOL).collect();
    if let Some((_, last)) = standard.last() {
        let t = crate::model::Mail::total(
            standard
                .iter()
                .map(|(_, d)| d.total())
                .collect::<Vec<_>>()
                .iter(),
        );
        out.push(Highlight::Standard {
            pool: STANDARD_POOL,
            warmup: last.isps.first().map_or(0.0, |i| i.warmup_percentage),
            days: standard.len(),
            shared: percent(t.sent_shared, t.demand),
            accepted: last
                .isps
                .iter()
                .filter(|i| i.mail.demand > 0)
                .map(|i| i.capacity_warmup_percentage)
                .fold(100.0, f64::min),
        });
    }
    out.push(Highlight::Cost {
        days: managed.len(),
        usd: r.summary.cost,
    });
    out
}
