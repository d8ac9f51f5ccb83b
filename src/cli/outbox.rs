//! `sesm outbox …`: the last 10,000 accepted messages (whole, up to `SESM_OUTBOX_BYTES`), for
//! tests that assert what an application sent (`ops::send`).

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
    /// Show one message whole: headers, text, HTML, attachments (or its .eml with --raw)
    #[command(
        after_help = "Examples:\n  sesm outbox show 0000018c2f5a7b10-1a2b3c4d-5e6f-000000000001-000000\n  sesm outbox show ID --raw > message.eml\n  sesm outbox show ID -o json --query 'Attachments[].FileName'"
    )]
    Show(ShowArgs),
    /// Empty the outbox (the messages still count as today's demand)
    #[command(after_help = "Example:\n  sesm outbox clear")]
    Clear,
}

impl OutboxCommand {
    pub fn operation(&self) -> &'static str {
        match self {
            OutboxCommand::List(_) => "ListOutbox",
            OutboxCommand::Show(_) => "GetOutboxMessage",
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

#[derive(Debug, Args)]
pub struct ShowArgs {
    /// The message ID (as `sesm send` and SendEmail answered it)
    #[arg(value_name = "MESSAGE_ID")]
    pub id: String,
    /// Print the message as kept (an .eml), not taken apart
    #[arg(long)]
    pub raw: bool,
}

pub fn run(cmd: OutboxCommand, ctx: &Ctx) -> Result<Rendered> {
    match cmd {
        OutboxCommand::List(a) => {
            let q = OutboxQuery {
                to: a.to,
                since: a.since.as_deref().map(send::parse_since).transpose()?,
                region: ctx.region_filter()?.map(str::to_string),
                ..Default::default()
            };
            let store = ctx.existing_store()?;
            let state = store.load()?;
            let (journal, _) = store.read_journal()?;
            ctx.render(Output::new(send::outbox(&state, journal, &q)))
        }
        OutboxCommand::Show(a) => {
            let store = ctx.existing_store()?;
            let state = store.load()?;
            let (journal, _) = store.read_journal()?;
            let m = send::find_message(&state, journal, &a.id)?;
            let mime = store.read_mail(m.seq)?;
            if a.raw {
                let bytes = mime.ok_or_else(|| {
                    crate::error::Error::not_found(format!(
                        "Message {} was kept before sesm kept whole messages: it has no .eml.",
                        a.id
                    ))
                })?;
                return ctx.render(Output::bytes(bytes));
            }
            ctx.render(Output::new(send::outbox_detail(m, mime.as_deref())))
        }
        OutboxCommand::Clear => ctx.write(|s, _| Ok(send::clear_outbox(s))),
    }
}
