//! `sesm suppression …`: the account-level suppression list of a region
//! (`ops::suppression`).

use clap::{Args, Subcommand};

use super::Ctx;
use crate::error::Result;
use crate::ops::Operation;
use crate::ops::Paging;
use crate::ops::send::parse_since;
use crate::ops::suppression::{self, ListFilter, parse_reasons};
use crate::output::Rendered;

#[derive(Debug, Subcommand)]
pub enum SuppressionCommand {
    /// Put an address on the suppression list (or change its reason)
    #[command(after_help = "Example:\n  sesm suppression put jane@example.com --reason BOUNCE")]
    Put(PutArgs),
    /// Show a suppressed address
    #[command(after_help = "Example:\n  sesm suppression get jane@example.com -o json")]
    Get(AddressArg),
    /// List suppressed addresses, sorted by address
    #[command(
        after_help = "Examples:\n  sesm suppression list\n  sesm suppression list --reason COMPLAINT --start-date 2026-11-01"
    )]
    List(ListArgs),
    /// Take an address off the suppression list
    #[command(after_help = "Example:\n  sesm suppression remove jane@example.com")]
    Remove(AddressArg),
}

impl SuppressionCommand {
    pub fn operation(&self) -> &'static str {
        match self {
            SuppressionCommand::Put(_) => Operation::PutSuppressedDestination.name(),
            SuppressionCommand::Get(_) => Operation::GetSuppressedDestination.name(),
            SuppressionCommand::List(_) => Operation::ListSuppressedDestinations.name(),
            SuppressionCommand::Remove(_) => Operation::DeleteSuppressedDestination.name(),
        }
    }
}

#[derive(Debug, Args)]
pub struct AddressArg {
    /// The email address
    pub address: String,
}

#[derive(Debug, Args)]
pub struct PutArgs {
    /// The email address
    pub address: String,
    /// BOUNCE or COMPLAINT
    #[arg(long, value_name = "REASON")]
    pub reason: String,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// Only this reason (BOUNCE or COMPLAINT); repeatable
    #[arg(long, value_name = "REASON")]
    pub reason: Vec<String>,
    /// Only addresses updated at or after TIME (2026-11-30T10:00:00Z, or a date)
    #[arg(long, value_name = "TIME")]
    pub start_date: Option<String>,
    /// Only addresses updated at or before TIME (2026-11-30T10:00:00Z, or a date)
    #[arg(long, value_name = "TIME")]
    pub end_date: Option<String>,
}

pub fn run(cmd: SuppressionCommand, ctx: &Ctx) -> Result<Rendered> {
    match cmd {
        SuppressionCommand::Put(a) => {
            let now = jiff::Timestamp::now();
            ctx.write(|s, region| suppression::put(s, region, &a.address, &a.reason, now))
        }
        SuppressionCommand::Get(a) => ctx.read(|s, region| suppression::get(s, region, &a.address)),
        SuppressionCommand::List(a) => {
            let filter = ListFilter {
                reasons: parse_reasons(&a.reason, "reasons")?,
                start: a
                    .start_date
                    .as_deref()
                    .map(|t| time(t, "--start-date"))
                    .transpose()?,
                end: a
                    .end_date
                    .as_deref()
                    .map(|t| time(t, "--end-date"))
                    .transpose()?,
            };
            ctx.read(|s, region| suppression::list(s, region, &filter, &Paging::all()))
        }
        SuppressionCommand::Remove(a) => {
            ctx.write(|s, region| suppression::delete(s, region, &a.address))
        }
    }
}

/// A time as `outbox list --since` takes it, the error naming `flag`.
fn time(text: &str, flag: &str) -> Result<jiff::Timestamp> {
    parse_since(text).map_err(|e| crate::error::Error::invalid(e.message.replace("--since", flag)))
}
