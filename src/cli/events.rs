//! `sesm events …`: SNS over HTTP subscriptions that `sesm serve` posts notifications to
//! (`ops::events`).

use clap::{Args, Subcommand};

use super::Ctx;
use crate::error::Result;
use crate::ops::events;
use crate::output::Rendered;

#[derive(Debug, Subcommand)]
pub enum EventsCommand {
    /// Subscribe an HTTP endpoint to an SNS topic (it gets a SubscriptionConfirmation first)
    #[command(
        after_help = "`sesm serve` posts the confirmation, then each notification of the topic once the\nendpoint fetched the confirmation's SubscribeURL.\n\nExample:\n  sesm events subscribe arn:aws:sns:us-east-1:123456789012:ses-events http://127.0.0.1:8080/sns"
    )]
    Subscribe(SubscribeArgs),
    /// List the subscriptions
    #[command(after_help = "Example:\n  sesm events subscriptions -o json")]
    Subscriptions,
}

impl EventsCommand {
    pub fn operation(&self) -> &'static str {
        match self {
            EventsCommand::Subscribe(_) => "Subscribe",
            EventsCommand::Subscriptions => "ListSubscriptions",
        }
    }
}

#[derive(Debug, Args)]
pub struct SubscribeArgs {
    /// The topic: arn:aws:sns:REGION:ACCOUNT:NAME
    pub topic_arn: String,
    /// The endpoint: http://HOST[:PORT]/PATH
    pub url: String,
}

pub fn run(cmd: EventsCommand, ctx: &Ctx) -> Result<Rendered> {
    match cmd {
        EventsCommand::Subscribe(a) => {
            let now = jiff::Timestamp::now();
            ctx.write_queueing(|s| events::subscribe(s, &a.topic_arn, &a.url, now))
        }
        EventsCommand::Subscriptions => ctx.read(|s, _| Ok(events::list(s))),
    }
}
