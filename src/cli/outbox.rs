//! `sesm outbox …`: the last 10,000 accepted messages, for tests that assert what an
//! application sent (`ops::send`).

use clap::{Args, Subcommand};

use super::Ctx;
use crate::error::Result;
use crate::ops::send::{self, OutboxQuery};
use crate::output::{Output, Rendered};

#[derive(Debug, Subcommand)]
pub enum OutboxCommand {
    /// List accepted messages, oldest first
    #[command(
        after_help = "Every region's messages unless --region names one.\n\nExamples:\n  sesm outbox list\n  sesm outbox list --to jane@gmail.com --since 2026-11-30T10:00:00Z -o json\n  sesm outbox list --region eu-west-1"
    )]
    List(ListArgs),
    /// Empty the outbox (the messages still count as today's demand)
    #[command(after_help = "Example:\n  sesm outbox clear")]
    Clear,
}

impl OutboxCommand {
    pub fn operation(&self) -> &'static str {
        match self {
            OutboxCommand::List(_) => "ListOutbox",
            OutboxCommand::Clear => "ClearOutbox",
        }
    }
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// Only messages to this recipient (To, Cc or Bcc)
    #[arg(long, value_name = "ADDRESS")]
    pub to: Option<String>,
    /// Only messages accepted at or after TIME (2026-11-30T10:00:00Z, or a date)
    #[arg(long, value_name = "TIME")]
    pub since: Option<String>,
}

pub fn run(cmd: OutboxCommand, ctx: &Ctx) -> Result<Rendered> {
    match cmd {
        OutboxCommand::List(a) => {
            let q = OutboxQuery {
                to: a.to,
                since: a.since.as_deref().map(send::parse_since).transpose()?,
                region: ctx.region_filter()?.map(str::to_string),
            };
            let store = ctx.store()?;
            let state = store.load()?;
            let (journal, _) = store.read_journal()?;
            ctx.render(Output::new(send::outbox(&state, journal, &q)))
        }
        OutboxCommand::Clear => ctx.write(|s, _| Ok(send::clear_outbox(s))),
    }
}
