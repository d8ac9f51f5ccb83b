//! `sesm simulate`: advances the account clock day by day through the warm-up model
//! (`ops::simulate`).

use std::path::PathBuf;

use clap::Args;

use super::{Ctx, read_plan};
use crate::error::Result;
use crate::ops::simulate::simulate;
use crate::output::Rendered;
use crate::sim::plan::check_days;

#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  sesm simulate --days 30\n  sesm simulate --days 14 --plan campaign.csv --dry-run -o json\n\n\
Plan files are CSV with the header day,config_set,isp,volume[,region]; day 0 is the first\n\
simulated day, rows for the same day, set and ISP add up, and a plan replaces the standing\n\
traffic for the whole run. The model's numbers are calibrated estimates, not AWS figures."
)]
pub struct SimulateArgs {
    /// How many days to simulate
    #[arg(long)]
    pub days: u32,
    /// A CSV plan (day,config_set,isp,volume[,region]) that replaces the standing traffic
    #[arg(long, value_name = "FILE.csv", value_hint = clap::ValueHint::FilePath)]
    pub plan: Option<PathBuf>,
    /// Compute and print the result without changing the state
    #[arg(long)]
    pub dry_run: bool,
}

pub fn run(a: SimulateArgs, ctx: &Ctx) -> Result<Rendered> {
    // Checked before the plan is read or the lock taken.
    check_days(a.days)?;
    let plan = a.plan.as_deref().map(read_plan).transpose()?;
    let op = |s: &mut _, region: &str| simulate(s, region, a.days, plan.as_ref(), a.dry_run);
    if a.dry_run {
        ctx.dry_run(op)
    } else {
        ctx.write(op)
    }
}
