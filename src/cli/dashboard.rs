//! `sesm dashboard`: each pool at a glance, modelled on the SES console's managed-pool view —
//! in the terminal, as one self-contained HTML page (`--html`), or as the JSON figures both
//! are drawn from (`-o json`) (`ops::dashboard`, `output::dashboard`).

use std::path::PathBuf;

use clap::Args;

use super::{Ctx, candidates};
use crate::error::Result;
use crate::ops::dashboard;
use crate::output::{self, Output, Rendered, Written};
use crate::store;

#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  sesm dashboard\n  sesm dashboard --pool marketing --days 14\n  sesm dashboard --html dashboard.html\n\n\
The figures come from the metrics `simulate` stored; the model's numbers are estimates."
)]
pub struct DashboardArgs {
    /// Only this pool (default: every pool of the region)
    #[arg(long, add = candidates::pools())]
    pub pool: Option<String>,
    /// Show the last N simulated days (default: all)
    #[arg(long, value_name = "N")]
    pub days: Option<u32>,
    /// Also write a self-contained HTML page with the charts to FILE
    #[arg(long, value_name = "FILE", value_hint = clap::ValueHint::FilePath)]
    pub html: Option<PathBuf>,
}

pub fn run(a: DashboardArgs, ctx: &Ctx) -> Result<Rendered> {
    let region = ctx.region()?;
    let store = ctx.existing_store()?;
    let state = store.load()?;
    let events = store.read_events(0)?;
    let dashboard = dashboard::get(&state, region, a.pool.as_deref(), a.days, &events)?;
    match &a.html {
        Some(path) => {
            store::write_file(path, &output::dashboard::html(&dashboard))?;
            ctx.render(Output::new(
                Written::new(dashboard, "the dashboard", path).file_only(),
            ))
        }
        None => ctx.render(Output::new(dashboard)),
    }
}
