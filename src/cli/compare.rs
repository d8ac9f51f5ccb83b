//! `sesm compare`: standard or managed IPs for this mail — the same traffic through a managed
//! pool, standard pools and shared IPs only, side by side (`ops::compare`).

use std::path::PathBuf;

use clap::Args;

use super::{Ctx, candidates, read_plan};
use crate::error::Result;
use crate::ops::compare::{self, CompareRequest};
use crate::output::comparison::ComparisonView;
use crate::output::{self, Output, Rendered, Written};
use crate::sim::plan::check_days;
use crate::store;

#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  sesm compare\n  sesm compare --config-set newsletters --days 180 --standard-ips 2,4,8\n  sesm compare --plan campaign.csv --max-shared 5 --html compare.html\n\n\
From the account's clock, model constants and prices, in scratch (the state is not changed).\n\
Each option starts from the account as it is: a standard option keeps the IPs the sets'\n\
standard pool holds (with their warm-up and what the ISPs remember of them) and leases the\n\
rest cold; the managed option goes on with the sets' managed pool; the month's mail so far\n\
counts toward the price tiers. --cold starts every option from nothing.\n\n\
The limits are sesm's policy, not SES's: an option meets them when, on the days after\n\
--settle, at most --max-shared % of the mail went through shared IPs and at most\n\
--max-expired % expired. When every ISP gets less than --shared-floor messages a day on\n\
average, shared IPs are judged on expiry alone (SES recommends them for mail that is not\n\
large and regular). The recommendation is the cheapest option within the limits (a 1-IP\n\
option, which has no redundancy, only when no standard option of more IPs is), else the one\n\
that misses them by the least. Costs are the dedicated IPs' charges plus SES's sending\n\
charge (USD 0.10 per 1,000 messages). Estimates, not AWS figures."
)]
pub struct CompareArgs {
    /// A configuration set whose mail is compared; repeatable [default: every set with traffic]
    #[arg(long = "config-set", value_name = "CS", add = candidates::config_sets())]
    pub config_sets: Vec<String>,
    /// A CSV plan (day,config_set,isp,volume[,region]) instead of the standing traffic
    #[arg(long, value_name = "FILE.csv", value_hint = clap::ValueHint::FilePath)]
    pub plan: Option<PathBuf>,
    /// How many days to simulate
    #[arg(long, default_value_t = 90)]
    pub days: u32,
    /// Standard options by IP count [default: the sets' current count, the fewest (2 or more)
    /// that meet the limits, and the managed run's peak (at least 2)]
    #[arg(long, value_name = "N,N,...", value_delimiter = ',')]
    pub standard_ips: Option<Vec<u32>>,
    /// sesm's limit: the most mail, in percent, that may go through shared IPs after the
    /// settling days
    #[arg(long, value_name = "PCT", default_value_t = 10.0)]
    pub max_shared: f64,
    /// sesm's limit: the most mail, in percent, that may expire after the settling days
    #[arg(long, value_name = "PCT", default_value_t = 0.1)]
    pub max_expired: f64,
    /// Days not measured for the limits (at most --days − 7) [default: 60, SES's 45 days of
    /// standard warm-up and 15 for the ISPs, or --days − 7 when shorter]
    #[arg(long, value_name = "DAYS")]
    pub settle: Option<u32>,
    /// Messages a day per ISP, on average over the run, below which shared IPs are judged on
    /// expiry alone: mail too small or irregular to keep a dedicated IP warm
    #[arg(long, value_name = "MESSAGES", default_value_t = compare::DEFAULT_SHARED_FLOOR)]
    pub shared_floor: u64,
    /// Start every option from nothing (no IPs, no warm-up, no month-to-date mail) instead of
    /// the account as it is
    #[arg(long)]
    pub cold: bool,
    /// Also write a self-contained HTML page comparing the options to FILE
    #[arg(long, value_name = "FILE", value_hint = clap::ValueHint::FilePath)]
    pub html: Option<PathBuf>,
}

pub fn run(a: CompareArgs, ctx: &Ctx) -> Result<Rendered> {
    // Checked before the plan is read or the lock taken.
    check_days(a.days)?;
    let plan = a.plan.as_deref().map(read_plan).transpose()?;
    let req = CompareRequest {
        config_sets: a.config_sets,
        plan,
        days: a.days,
        standard_ips: a.standard_ips,
        max_shared: a.max_shared,
        max_expired: a.max_expired,
        settle: a.settle,
        cold: a.cold,
    };
    let region = ctx.region()?;
    let state = ctx.existing_store()?.load()?;
    let comparison = ComparisonView(compare::compare_with_floor(
        &state,
        region,
        &req,
        a.shared_floor,
    )?);
    match &a.html {
        Some(path) => {
            store::write_file(path, &output::comparison::html(&comparison.0))?;
            ctx.render(Output::new(Written::new(
                comparison,
                "the comparison",
                path,
            )))
        }
        None => ctx.render(Output::new(comparison)),
    }
}
