//! `sesm demo`: builds a realistic account in a throwaway state, simulates it, and explains
//! what happened — the shortest way to see what sesm does (`ops::demo`).

use clap::Args;

use super::Ctx;
use crate::error::{Error, Result};
use crate::ops::demo;
use crate::output::Rendered;
use crate::store;

#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  sesm demo\n  sesm demo --days 90\n  sesm demo --state /tmp/demo.json && sesm --state /tmp/demo.json dashboard"
)]
pub struct DemoArgs {
    /// How many days to simulate
    #[arg(long, default_value_t = 45)]
    pub days: u32,
}

pub fn run(a: DemoArgs, ctx: &Ctx) -> Result<Rendered> {
    let region = ctx.region()?;
    demo::check_days(a.days)?;
    let path = match ctx.state_flag() {
        Some(path) => {
            if store::path_exists(path) {
                return Err(Error::invalid(format!(
                    "{} already exists; the demo builds a new account",
                    path.display()
                ))
                .hint("give --state a path that does not exist yet, or leave --state out for a throwaway state"));
            }
            path.clone()
        }
        None => store::throwaway_path()?,
    };
    let shown = path.display().to_string();
    ctx.write_to(&ctx.store_at(path)?, |s| {
        demo::run(s, region, a.days, shown)
    })
}
