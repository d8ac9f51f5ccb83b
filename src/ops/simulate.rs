//! sesm's `Simulate`: advances the account clock day by day through the warm-up model, with
//! the standing traffic or a plan file (`sim::plan`).

use serde::Serialize;

use crate::error::Result;
use crate::model::State;
use crate::model::publishing::DayOutcome;
use crate::sim::{self, Demand, Plan, RunReport};

/// A plan as the user gave it: how to name it in messages, and its text.
#[derive(Debug, Clone)]
pub struct PlanText {
    pub name: String,
    pub text: String,
}

#[derive(Debug, Serialize)]
pub struct Simulated {
    #[serde(flatten)]
    pub report: RunReport,
    /// Whether the front end will throw the changed state away (`--dry-run`).
    #[serde(skip)]
    pub dry_run: bool,
}

/// Simulate: `days` days from the account clock, with the plan (checked against the state
/// first, 252 per line) or with the standing traffic.
pub fn simulate(
    s: &mut State,
    region: &str,
    days: u32,
    plan: Option<&PlanText>,
    dry_run: bool,
) -> Result<Simulated> {
    sim::plan::end_date(s.date, days)?;
    let report = match plan {
        Some(p) => {
            let plan = Plan::parse(&p.name, &p.text, days, region, s)?;
            sim::simulate(s, days, Demand::Plan(&plan))?
        }
        None => sim::simulate(s, days, Demand::Standing)?,
    };
    publish(s, &report, jiff::Timestamp::now());
    Ok(Simulated { report, dry_run })
}

/// The events of the run's days for the messages the regions track (`model::events`).
pub fn publish(s: &mut State, report: &RunReport, now: jiff::Timestamp) {
    if s.regions.values().all(|r| r.tracked.is_empty()) {
        return;
    }
    let mut days = Vec::new();
    for d in &report.days {
        for i in &d.isps {
            let m = &i.mail;
            // The deferred that expire the same day are the day's expiries beyond the queue's.
            let queue_expired = i.queued.saturating_sub(m.retried);
            let carried = m
                .deferred
                .saturating_sub(m.expired.saturating_sub(queue_expired));
            days.push((
                d.date,
                d.region.clone(),
                d.pool_name.clone(),
                i.isp.clone(),
                DayOutcome {
                    demand: m.demand,
                    new_dedicated: m.sent_dedicated.saturating_sub(m.retried),
                    shared: m.sent_shared,
                    deferred: m.deferred,
                    carried,
                    queued: i.queued,
                    retried: m.retried,
                    throttled: d.scaling_mode == sim::PoolMode::Standard,
                },
            ));
        }
    }
    let last = report.days.last().map(|d| d.date);
    s.publish_days(&days, last, now);
}
