//! `sesm inbound …`: the mail the account received through `sesm serve --inbound-port`, and
//! what its receipt rules did with it (`ops::inbound`).

use clap::{Args, Subcommand};

use super::Ctx;
use crate::error::Result;
use crate::ops::inbound::{self, InboundQuery};
use crate::ops::send::parse_since;
use crate::output::{Output, Rendered};

#[derive(Debug, Subcommand)]
pub enum InboundCommand {
    /// List received messages, oldest first, with the actions their rules took
    #[command(
        after_help = "Every region's messages unless --region names one.\n\nExamples:\n  sesm inbound list\n  sesm inbound list --to support@example.com -o json"
    )]
    List(ListArgs),
    /// Show one received message: the actions taken, headers, text (or its .eml with --raw)
    #[command(
        after_help = "Examples:\n  sesm inbound show d6iitobk75ur44p8kdnnp7g2n800\n  sesm inbound show ID --raw > received.eml"
    )]
    Show(ShowArgs),
}

impl InboundCommand {
    pub fn operation(&self) -> &'static str {
        match self {
            InboundCommand::List(_) => "ListInbound",
            InboundCommand::Show(_) => "GetInboundMessage",
        }
    }
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// Only messages to this recipient (an envelope recipient the account took)
    #[arg(long, value_name = "ADDRESS")]
    pub to: Option<String>,
    /// Only messages received at or after TIME (2026-11-30T10:00:00Z, or a date)
    #[arg(long, value_name = "TIME")]
    pub since: Option<String>,
}

#[derive(Debug, Args)]
pub struct ShowArgs {
    /// The received message's ID (the `250 Ok ID` of the inbound endpoint)
    #[arg(value_name = "MESSAGE_ID")]
    pub id: String,
    /// Print the message as received (an .eml), not taken apart
    #[arg(long)]
    pub raw: bool,
}

pub fn run(cmd: InboundCommand, ctx: &Ctx) -> Result<Rendered> {
    let store = ctx.store()?;
    match cmd {
        InboundCommand::List(a) => {
            let q = InboundQuery {
                to: a.to,
                since: a.since.as_deref().map(parse_since).transpose()?,
                region: ctx.region_filter()?.map(str::to_string),
            };
            ctx.render(Output::new(inbound::list(store.read_received()?, &q)))
        }
        InboundCommand::Show(a) => {
            let mime = store.read_received_message(&a.id)?;
            let detail = inbound::detail(store.read_received()?, &a.id, mime.as_deref())?;
            if a.raw {
                let bytes = mime.ok_or_else(|| {
                    crate::error::Error::not_found(format!("Message {} is no longer kept.", a.id))
                })?;
                return ctx.render(Output::bytes(bytes));
            }
            ctx.render(Output::new(detail))
        }
    }
}
