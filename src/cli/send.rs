//! `sesm send`: sends a message as SendEmail does — SES's checks, its routing, and a record
//! in the outbox that the next simulated day counts (`ops::send`).

use clap::Args;

use super::{Ctx, candidates};
use crate::error::Result;
use crate::model::message::{Body, Simple};
use crate::model::sending::Outgoing;
use crate::ops::send;
use crate::output::Rendered;

#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  sesm send --from news@example.com --to jane@gmail.com --subject Hello\n  sesm send --from news@example.com --to a@outlook.com --config-set newsletters --count 5000\n  sesm send --from news@example.com --to jane@gmail.com --explain\n\n\
The sender must be an identity of the region (the address, or its domain). The configuration\n\
set is --config-set, else the sender identity's default; the pool is the set's sending pool,\n\
else ses-default-dedicated-pool when it has IPs, else SES's shared IPs."
)]
pub struct SendArgs {
    /// The sender (an identity of the region, or an address of a domain identity)
    #[arg(long, value_name = "ADDRESS", add = candidates::identities())]
    pub from: String,
    /// A recipient; repeatable
    #[arg(long, value_name = "ADDRESS")]
    pub to: Vec<String>,
    /// A Cc recipient; repeatable
    #[arg(long, value_name = "ADDRESS")]
    pub cc: Vec<String>,
    /// A Bcc recipient; repeatable
    #[arg(long, value_name = "ADDRESS")]
    pub bcc: Vec<String>,
    /// The subject line (shown in the outbox)
    #[arg(long)]
    pub subject: Option<String>,
    /// The text body
    #[arg(long)]
    pub text: Option<String>,
    /// The HTML body
    #[arg(long)]
    pub html: Option<String>,
    /// The configuration set (default: the sender identity's default set)
    #[arg(long = "config-set", value_name = "CS", add = candidates::config_sets())]
    pub config_set: Option<String>,
    /// Send N identical messages (one outbox entry)
    #[arg(
        long,
        value_name = "N",
        default_value_t = 1,
        allow_negative_numbers = true
    )]
    pub count: i64,
    /// Print the route the message would take and why, without sending it
    #[arg(long)]
    pub explain: bool,
}

pub fn run(a: SendArgs, ctx: &Ctx) -> Result<Rendered> {
    let body = Simple {
        subject: a.subject.clone(),
        text: a.text,
        html: a.html,
        ..Simple::default()
    };
    let msg = Outgoing {
        from: a.from,
        to: a.to,
        cc: a.cc,
        bcc: a.bcc,
        subject: a.subject,
        body: Body::Simple(std::sync::Arc::new(body)),
        config_set: a.config_set,
        count: u64::try_from(a.count).unwrap_or(0),
        ..Outgoing::default()
    };
    if a.explain {
        ctx.read(|s, region| send::explain(s, region, &msg))
    } else {
        ctx.send(|s, region| send::send(s, region, &msg, jiff::Timestamp::now()))
    }
}
