//! `sesm cost`: estimated charges per calendar month (A4, `ops::cost`).

use clap::Args;

use super::Ctx;
use crate::error::Result;
use crate::ops::cost;
use crate::output::Rendered;

#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  sesm cost\n  sesm cost --month 2026-12 -o json\n\n\
Prices are estimates kept in the state (Prices): standard IP USD 24.95 per month, managed\n\
USD 15.00 per month plus USD 0.08/0.04/0.02 per 1,000 messages by monthly tier."
)]
pub struct CostArgs {
    /// Only this calendar month (YYYY-MM)
    #[arg(long, value_name = "YYYY-MM")]
    pub month: Option<String>,
}

pub fn run(a: CostArgs, ctx: &Ctx) -> Result<Rendered> {
    ctx.read(|s, _| cost::get(s, a.month.as_deref()))
}
