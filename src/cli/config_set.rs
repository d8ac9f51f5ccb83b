//! `sesm config-set …`: configuration sets (`ops::config_set`).

use clap::{Args, Subcommand};

use super::{Ctx, candidates, parse_kvs, text_enum};
use crate::error::Result;
use crate::model::TlsPolicy;
use crate::ops::Paging;
use crate::ops::config_set::{self, Change, DeliveryChange, NewConfigSet};
use crate::output::Rendered;

#[derive(Debug, Subcommand)]
pub enum ConfigSetCommand {
    /// Create a configuration set
    #[command(
        after_help = "Example:\n  sesm config-set create newsletters --pool marketing --max-delivery-seconds 3600"
    )]
    Create(CreateArgs),
    /// List the region's configuration sets
    #[command(after_help = "Example:\n  sesm config-set list -o text")]
    List,
    /// Show a configuration set
    #[command(after_help = "Example:\n  sesm config-set get newsletters")]
    Get(NameArg),
    /// Delete a configuration set (identities using it as default lose their default)
    #[command(after_help = "Example:\n  sesm config-set delete newsletters")]
    Delete(NameArg),
    /// Set the pool a configuration set sends through, or remove it with --none
    #[command(
        override_usage = "sesm config-set set-pool [OPTIONS] <NAME> <POOL>\n       sesm config-set set-pool [OPTIONS] <NAME> --none",
        after_help = "Examples:\n  sesm config-set set-pool newsletters marketing\n  sesm config-set set-pool newsletters --none"
    )]
    SetPool(SetPoolArgs),
}

impl ConfigSetCommand {
    pub fn operation(&self) -> &'static str {
        match self {
            ConfigSetCommand::Create(_) => "CreateConfigurationSet",
            ConfigSetCommand::List => "ListConfigurationSets",
            ConfigSetCommand::Get(_) => "GetConfigurationSet",
            ConfigSetCommand::Delete(_) => "DeleteConfigurationSet",
            ConfigSetCommand::SetPool(_) => "PutConfigurationSetDeliveryOptions",
        }
    }
}

#[derive(Debug, Args)]
pub struct CreateArgs {
    /// Name: 1-64 characters from A-Z, a-z, 0-9, _ and -
    pub name: String,
    /// Sending pool: a pool of this region, ses-default-dedicated-pool or ses-shared-pool
    #[arg(long, value_name = "POOL", add = candidates::any_pools())]
    pub pool: Option<String>,
    #[arg(long, value_parser = text_enum(TlsPolicy::ALL, TlsPolicy::as_str), ignore_case = true)]
    pub tls_policy: Option<TlsPolicy>,
    /// How long SES retries a deferred message, 300 to 50400 seconds
    #[arg(long, value_name = "SECONDS", allow_negative_numbers = true)]
    pub max_delivery_seconds: Option<i64>,
    /// Tag as KEY=VALUE; repeatable
    #[arg(long = "tag", value_name = "KEY=VALUE")]
    pub tags: Vec<String>,
}

#[derive(Debug, Args)]
pub struct NameArg {
    #[arg(add = candidates::config_sets())]
    pub name: String,
}

#[derive(Debug, Args)]
pub struct SetPoolArgs {
    #[arg(add = candidates::config_sets())]
    pub name: String,
    /// The pool to send through
    #[arg(required_unless_present = "none", add = candidates::any_pools())]
    pub pool: Option<String>,
    /// Remove the sending pool (mail goes the default way)
    #[arg(long, conflicts_with = "pool")]
    pub none: bool,
}

pub fn run(cmd: ConfigSetCommand, ctx: &Ctx) -> Result<Rendered> {
    match cmd {
        ConfigSetCommand::Create(a) => {
            let req = NewConfigSet {
                name: a.name,
                pool: a.pool,
                tls_policy: a.tls_policy,
                max_delivery_seconds: a.max_delivery_seconds,
                tags: parse_kvs(&a.tags)?,
                options: Default::default(),
            };
            ctx.write(|s, region| config_set::create(s, region, req))
        }
        // A table shows each set's details; other formats need the names only.
        ConfigSetCommand::List if ctx.wants_table() => {
            ctx.read(|s, region| config_set::list_detailed(s, region, None, &Paging::all()))
        }
        ConfigSetCommand::List => {
            ctx.read(|s, region| config_set::list(s, region, None, &Paging::all()))
        }
        ConfigSetCommand::Get(a) => ctx.read(|s, region| config_set::get(s, region, &a.name)),
        ConfigSetCommand::Delete(a) => {
            ctx.write(|s, region| config_set::delete(s, region, &a.name))
        }
        ConfigSetCommand::SetPool(a) => {
            let change = DeliveryChange {
                sending_pool: Change::replace(if a.none { None } else { a.pool }),
                ..DeliveryChange::default()
            };
            ctx.write(|s, region| config_set::put_delivery_options(s, region, &a.name, change))
        }
    }
}
