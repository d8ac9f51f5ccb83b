//! sesm's `Simulate`: advances the account clock day by day through the warm-up model, with
//! the standing traffic or a plan file (`sim::plan`).

use serde::Serialize;

use crate::error::Result;
use crate::model::State;
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
    Ok(Simulated { report, dry_run })
}
