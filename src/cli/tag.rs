//! `sesm tag …`: tags on pools, configuration sets and identities (`ops::tag`).

use clap::{Args, Subcommand};

use super::{Ctx, candidates, parse_kvs};
use crate::error::Result;
use crate::ops::Operation;
use crate::ops::tag;
use crate::output::Rendered;

#[derive(Debug, Subcommand)]
pub enum TagCommand {
    /// Add or replace tags on a resource
    #[command(
        after_help = "Examples:\n  sesm tag add pool/marketing team=mail cost-center=42\n  sesm tag add arn:aws:ses:us-east-1:123456789012:configuration-set/news env=prod"
    )]
    Add(AddArgs),
    /// Remove tags from a resource (a key that is not there is ignored)
    #[command(after_help = "Example:\n  sesm tag remove pool/marketing team")]
    Remove(RemoveArgs),
    /// List a resource's tags
    #[command(after_help = "Example:\n  sesm tag list identity/example.com")]
    List(ResourceArg),
}

impl TagCommand {
    pub fn operation(&self) -> &'static str {
        match self {
            TagCommand::Add(_) => Operation::TagResource.name(),
            TagCommand::Remove(_) => Operation::UntagResource.name(),
            TagCommand::List(_) => Operation::ListTagsForResource.name(),
        }
    }
}

#[derive(Debug, Args)]
pub struct ResourceArg {
    /// An SES ARN, or pool/NAME, config-set/NAME, identity/NAME
    #[arg(add = candidates::resources())]
    pub resource: String,
}

#[derive(Debug, Args)]
pub struct AddArgs {
    /// An SES ARN, or pool/NAME, config-set/NAME, identity/NAME
    #[arg(add = candidates::resources())]
    pub resource: String,
    /// Tags as KEY=VALUE
    #[arg(required = true, value_name = "KEY=VALUE")]
    pub tags: Vec<String>,
}

#[derive(Debug, Args)]
pub struct RemoveArgs {
    /// An SES ARN, or pool/NAME, config-set/NAME, identity/NAME
    #[arg(add = candidates::resources())]
    pub resource: String,
    /// Tag keys
    #[arg(required = true, value_name = "KEY")]
    pub keys: Vec<String>,
}

pub fn run(cmd: TagCommand, ctx: &Ctx) -> Result<Rendered> {
    match cmd {
        TagCommand::Add(a) => {
            let new = parse_kvs(&a.tags)?;
            ctx.write(|s, region| tag::tag(s, region, &a.resource, &new))
        }
        TagCommand::Remove(a) => ctx.write(|s, region| tag::untag(s, region, &a.resource, &a.keys)),
        TagCommand::List(a) => ctx.read(|s, region| tag::list(s, region, &a.resource)),
    }
}
