//! `sesm tag …`: tags on pools, configuration sets and identities (rules in `model::tags`).

use clap::{Args, Subcommand};

use super::views::{self, TagsView};
use super::{Ctx, complete, parse_kvs};
use crate::error::{Error, Result};
use crate::model::arn::{self, ResourceRef};
use crate::model::{State, tags};
use crate::output::Output;

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
            TagCommand::Add(_) => "TagResource",
            TagCommand::Remove(_) => "UntagResource",
            TagCommand::List(_) => "ListTagsForResource",
        }
    }
}

#[derive(Debug, Args)]
pub struct ResourceArg {
    /// An SES ARN, or pool/NAME, config-set/NAME, identity/NAME
    #[arg(add = complete::resources())]
    pub resource: String,
}

#[derive(Debug, Args)]
pub struct AddArgs {
    /// An SES ARN, or pool/NAME, config-set/NAME, identity/NAME
    #[arg(add = complete::resources())]
    pub resource: String,
    /// Tags as KEY=VALUE
    #[arg(required = true, value_name = "KEY=VALUE")]
    pub tags: Vec<String>,
}

#[derive(Debug, Args)]
pub struct RemoveArgs {
    /// An SES ARN, or pool/NAME, config-set/NAME, identity/NAME
    #[arg(add = complete::resources())]
    pub resource: String,
    /// Tag keys
    #[arg(required = true, value_name = "KEY")]
    pub keys: Vec<String>,
}

/// Resolves a resource name to its region and name; an ARN of another account names nothing
/// this account has.
fn resolve(state: &State, resource: &str, region: &str) -> Result<ResourceRef> {
    let r = arn::parse(resource, region, &state.account_id)?;
    if r.account != state.account_id {
        return Err(Error::not_found(format!(
            "{resource} belongs to account {}, not to this account ({}).",
            r.account, state.account_id
        )));
    }
    Ok(r)
}

pub fn run(cmd: TagCommand, ctx: &Ctx) -> Result<Output> {
    let region = ctx.region()?;
    match cmd {
        TagCommand::Add(a) => {
            let new = parse_kvs(&a.tags)?;
            let view = ctx.store()?.update(|s| {
                let r = resolve(s, &a.resource, region)?;
                let tags = s
                    .region_mut(&r.region)
                    .change_tags(r.kind, &r.name, |current| tags::apply(current, &new))?;
                Ok(TagsView {
                    tags: views::tags(&tags),
                })
            })?;
            Ok(Output::new(view).notice(format!("Tagged {}.", a.resource)))
        }
        TagCommand::Remove(a) => {
            let view = ctx.store()?.update(|s| {
                let r = resolve(s, &a.resource, region)?;
                let tags = s
                    .region_mut(&r.region)
                    .change_tags(r.kind, &r.name, |current| {
                        let mut tags = current.clone();
                        for k in &a.keys {
                            tags.remove(k);
                        }
                        Ok(tags)
                    })?;
                Ok(TagsView {
                    tags: views::tags(&tags),
                })
            })?;
            Ok(Output::new(view).notice(format!("Untagged {}.", a.resource)))
        }
        TagCommand::List(a) => {
            let state = ctx.store()?.load()?;
            let r = resolve(&state, &a.resource, region)?;
            let t = state.region(&r.region).tags_of(r.kind, &r.name)?;
            Ok(Output::new(TagsView {
                tags: views::tags(&t),
            }))
        }
    }
}
