//! sesm's `Demo`: builds the demo account (`fixtures::demo`) in an empty state, simulates it,
//! and says what a newcomer should notice, in sentences computed from the run.

use serde::Serialize;

use crate::error::{Error, Result};
use crate::fixtures::demo::{self, MANAGED_POOL, PROMOTION_DAY, STANDARD_POOL};
use crate::model::State;
use crate::model::metrics::percent;
use crate::output::{thousands, usd};
use crate::sim::managed::Phase;
use crate::sim::{DayReport, RunReport};

/// The longest demo (ten years).
pub const MAX_DAYS: u32 = 3_650;

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DemoView {
    pub state_path: String,
    pub region: String,
    pub highlights: Vec<String>,
    pub simulation: RunReport,
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

/// What a newcomer should notice, in sentences computed from the run.
fn highlights(r: &RunReport) -> Vec<String> {
    let mut out = Vec::new();
    let managed: Vec<(usize, &DayReport)> = pool_days(r, MANAGED_POOL).collect();
    if let Some((_, first)) = managed.first() {
        out.push(format!(
            "Day 0: {MANAGED_POOL} had no dedicated IP yet (\"insufficient volume\"), so all {} messages went out through SES's shared IPs; SES then allocated {} IP(s).",
            thousands(first.total().demand),
            first.scale_event
        ));
    }
    for isp in ["gmail", "microsoft", "yahoo", "orange"] {
        let warm = managed
            .iter()
            .find(|(_, d)| d.isp(isp).is_some_and(|i| i.warmup_percentage >= 90.0));
        let last = managed
            .iter()
            .rev()
            .find_map(|(_, d)| d.isp(isp))
            .map_or(0.0, |i| i.warmup_percentage);
        out.push(match warm {
            Some((day, _)) => format!("{isp}: warm (≥ 90 %) on day {day}; {last:.0} % at the end."),
            None => format!(
                "{isp}: {last:.0} % warm after {} days (each ISP warms at its own pace).",
                managed.len()
            ),
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
        out.push(format!(
            "Early phase: {:.0} % of {MANAGED_POOL}'s mail overflowed to shared IPs in the first week, {:.0} % in the week before the promotion.",
            shared_share(0..7),
            shared_share(promotion.saturating_sub(7)..promotion)
        ));
    }
    if let Some((_, spike)) = managed.iter().find(|(i, _)| *i == promotion) {
        let by_isp: Vec<String> = spike
            .isps
            .iter()
            .filter(|i| i.mail.deferred > 0 || i.mail.sent_shared > 0)
            .map(|i| {
                format!(
                    "{} {} ({} deferred, {} to shared)",
                    i.isp,
                    if i.phase == Phase::Late {
                        "LATE"
                    } else {
                        "EARLY"
                    },
                    thousands(i.mail.deferred),
                    thousands(i.mail.sent_shared)
                )
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
        out.push(format!(
            "Day {PROMOTION_DAY}, promotion: {}. {} deferred messages were retried the next day and {} expired after their retry window.",
            by_isp.join("; "),
            thousands(retried),
            thousands(expired)
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
        let t = crate::model::Mail::total(
            standard
                .iter()
                .map(|(_, d)| d.total())
                .collect::<Vec<_>>()
                .iter(),
        );
        out.push(format!(
            "{STANDARD_POOL} (standard, 2 IPs): warm-up is by time, {:.0} % after {} days; {:.0} % of its mail went through shared IPs meanwhile.",
            last.isps.first().map_or(0.0, |i| i.warmup_percentage),
            standard.len(),
            percent(t.sent_shared, t.demand)
        ));
    }
    out.push(format!(
        "Estimated cost of the {} days: {}.",
        managed.len(),
        usd(r.summary.cost)
    ));
    out
}
