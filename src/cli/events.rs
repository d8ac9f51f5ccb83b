//! `sesm events …`: the events published to configuration sets' event destinations
//! (`ops::events`), as the event log keeps them.

use std::time::Duration;

use clap::{Args, Subcommand};

use super::Ctx;
use crate::error::Result;
use crate::ops::events::{self, EventQuery};
use crate::ops::send::parse_since;
use crate::output::{Output, Rendered};

#[derive(Debug, Subcommand)]
pub enum EventsCommand {
    /// List published events, oldest first
    #[command(
        after_help = "Every region's events unless --region names one.\n\nExamples:\n  sesm events list\n  sesm events list --type Delivery --config-set news -o json\n  sesm events list --message-id ID"
    )]
    List(FilterArgs),
    /// Print events as they are published, until interrupted
    #[command(after_help = "Example:\n  sesm events follow --type Bounce -o json")]
    Follow(FilterArgs),
    /// Subscribe an HTTP endpoint to an SNS topic: `sesm serve` delivers the topic's events to it
    #[command(
        after_help = "The endpoint first gets a SubscriptionConfirmation; events go to it once it fetches\nthe SubscribeURL, as SNS does.\n\nExample:\n  sesm events subscribe arn:aws:sns:us-east-1:123456789012:ses-events http://127.0.0.1:8080/sns"
    )]
    Subscribe(SubscribeArgs),
    /// Remove an HTTP subscription
    #[command(
        after_help = "Example:\n  sesm events unsubscribe arn:aws:sns:us-east-1:123456789012:ses-events:0f1e…"
    )]
    Unsubscribe(UnsubscribeArgs),
    /// List the HTTP subscriptions
    #[command(after_help = "Example:\n  sesm events subscriptions -o json")]
    Subscriptions,
}

#[derive(Debug, Args)]
pub struct SubscribeArgs {
    /// The SNS topic (an event destination's TopicArn)
    #[arg(value_name = "TOPIC_ARN")]
    pub topic: String,
    /// The subscriber: http://HOST:PORT/PATH
    #[arg(value_name = "URL")]
    pub url: String,
}

#[derive(Debug, Args)]
pub struct UnsubscribeArgs {
    /// The subscription's ARN (`sesm events subscriptions`)
    #[arg(value_name = "SUBSCRIPTION_ARN")]
    pub arn: String,
}

impl EventsCommand {
    pub fn operation(&self) -> &'static str {
        match self {
            EventsCommand::List(_) => "ListEvents",
            EventsCommand::Follow(_) => "FollowEvents",
            EventsCommand::Subscribe(_) => "Subscribe",
            EventsCommand::Unsubscribe(_) => "Unsubscribe",
            EventsCommand::Subscriptions => "ListSubscriptions",
        }
    }
}

#[derive(Debug, Args)]
pub struct FilterArgs {
    /// Only events of this type (Send, Delivery, Bounce, Complaint, DeliveryDelay, Reject, "Rendering Failure", …)
    #[arg(long = "type", value_name = "TYPE")]
    pub event_type: Option<String>,
    /// Only events of this configuration set
    #[arg(long = "config-set", value_name = "CS")]
    pub config_set: Option<String>,
    /// Only events of this message
    #[arg(long = "message-id", value_name = "ID")]
    pub message_id: Option<String>,
    /// Only events published at or after TIME (2026-11-30T10:00:00Z, or a date)
    #[arg(long, value_name = "TIME")]
    pub since: Option<String>,
}

impl FilterArgs {
    fn query(&self, ctx: &Ctx) -> Result<EventQuery> {
        Ok(EventQuery {
            event_type: self
                .event_type
                .as_deref()
                .map(events::parse_type)
                .transpose()?,
            config_set: self.config_set.clone(),
            message_id: self.message_id.clone(),
            since: self.since.as_deref().map(parse_since).transpose()?,
            region: ctx.region_filter()?.map(str::to_string),
        })
    }
}

pub fn run(cmd: EventsCommand, ctx: &Ctx) -> Result<Rendered> {
    match cmd {
        EventsCommand::List(a) => {
            let q = a.query(ctx)?;
            let log = ctx.existing_store()?.read_events(0)?;
            ctx.render(Output::new(events::list(log, &q)))
        }
        EventsCommand::Subscribe(a) => {
            let last = ctx.store()?.last_event()?;
            ctx.write(|s, _| {
                events::subscribe(s, &a.topic, &a.url, last)
                    .map(|sub| events::SubscriptionView::from(&sub))
            })
        }
        EventsCommand::Unsubscribe(a) => ctx.write(|s, _| {
            events::unsubscribe(s, &a.arn).map(|sub| events::SubscriptionView::from(&sub))
        }),
        EventsCommand::Subscriptions => ctx.read(|s, _| Ok(events::subscriptions(s))),
        EventsCommand::Follow(a) => {
            let q = a.query(ctx)?;
            let store = ctx.store()?;
            // New events only: those already in the log are `events list`'s.
            let mut after = store.read_events(0)?.last().map_or(0, |e| e.seq);
            loop {
                let new = store.read_events(after)?;
                if let Some(last) = new.last() {
                    after = last.seq;
                    let shown = events::list(new, &q);
                    if !shown.events.is_empty() {
                        let out = ctx.render(Output::new(shown))?;
                        let open = ctx.printer.print_open(&out).map_err(|e| {
                            crate::error::Error::state(format!("cannot print the events: {e}"))
                        })?;
                        if !open {
                            return Ok(Rendered::default());
                        }
                    }
                }
                std::thread::sleep(Duration::from_millis(250));
            }
        }
    }
}
