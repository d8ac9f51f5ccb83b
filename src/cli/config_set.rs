//! `sesm config-set …`: configuration sets (rules in `model::config_set`).

use clap::{Args, Subcommand, ValueEnum};
use serde::Serialize;

use super::views::{self, ConfigSetGet};
use super::{Ctx, complete, parse_kvs};
use crate::error::Result;
use crate::model::TlsPolicy;
use crate::model::config_set::NewConfigSet;
use crate::output::{Block, Column, Output};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
#[value(rename_all = "UPPERCASE")]
pub enum TlsArg {
    Require,
    Optional,
}

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
    #[arg(long, value_name = "POOL", add = complete::any_pools())]
    pub pool: Option<String>,
    #[arg(long, value_enum, ignore_case = true)]
    pub tls_policy: Option<TlsArg>,
    /// How long SES retries a deferred message, 300 to 50400 seconds
    #[arg(long, value_name = "SECONDS", allow_negative_numbers = true)]
    pub max_delivery_seconds: Option<i64>,
    /// Tag as KEY=VALUE; repeatable
    #[arg(long = "tag", value_name = "KEY=VALUE")]
    pub tags: Vec<String>,
}

#[derive(Debug, Args)]
pub struct NameArg {
    #[arg(add = complete::config_sets())]
    pub name: String,
}

#[derive(Debug, Args)]
#[command(group = clap::ArgGroup::new("target").required(true).args(["pool", "none"]))]
pub struct SetPoolArgs {
    #[arg(add = complete::config_sets())]
    pub name: String,
    /// The pool to send through
    #[arg(add = complete::any_pools())]
    pub pool: Option<String>,
    /// Remove the sending pool (mail goes the default way)
    #[arg(long)]
    pub none: bool,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct ConfigSetList {
    configuration_sets: Vec<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Deleted {
    #[serde(flatten)]
    config_set: ConfigSetGet,
    disassociated_identities: Vec<String>,
}

pub fn run(cmd: ConfigSetCommand, ctx: &Ctx) -> Result<Output> {
    let region = ctx.region()?;
    match cmd {
        ConfigSetCommand::Create(a) => {
            let tags = parse_kvs(&a.tags)?;
            let name = a.name.clone();
            let view = ctx.store()?.update(|s| {
                s.region_mut(region).create_config_set(NewConfigSet {
                    name: a.name,
                    pool: a.pool,
                    tls_policy: a.tls_policy.map(|t| match t {
                        TlsArg::Require => TlsPolicy::Require,
                        TlsArg::Optional => TlsPolicy::Optional,
                    }),
                    max_delivery_seconds: a.max_delivery_seconds,
                    tags,
                })?;
                let cs = s.region(region).existing_config_set(&name)?;
                Ok(views::config_set_get(s, region, &name, &cs))
            })?;
            Ok(Output::new(view).notice(format!("Created configuration set {name} in {region}.")))
        }
        ConfigSetCommand::List => {
            let state = ctx.store()?.load()?;
            let r = state.region(region);
            let sets = r.configuration_sets.get()?;
            let rows = sets
                .iter()
                .map(|(name, cs)| {
                    vec![
                        name.clone(),
                        cs.sending_pool.clone().unwrap_or_else(|| "-".into()),
                        cs.tls_policy.as_str().to_string(),
                        cs.max_delivery_seconds
                            .map_or_else(|| "-".into(), |s| s.to_string()),
                    ]
                })
                .collect();
            let human = vec![Block::table(
                vec![
                    Column::left("Name"),
                    Column::left("Sending pool"),
                    Column::left("TLS"),
                    Column::right("Max delivery s"),
                ],
                rows,
            )];
            Ok(Output::new(ConfigSetList {
                configuration_sets: sets.keys().cloned().collect(),
            })
            .with_human(human))
        }
        ConfigSetCommand::Get(a) => {
            let state = ctx.store()?.load()?;
            let cs = state.region(region).existing_config_set(&a.name)?;
            Ok(Output::new(views::config_set_get(
                &state, region, &a.name, &cs,
            )))
        }
        ConfigSetCommand::Delete(a) => {
            let deleted = ctx.store()?.update(|s| {
                let d = s.region_mut(region).delete_config_set(&a.name)?;
                Ok(Deleted {
                    config_set: views::config_set_get(s, region, &a.name, &d.config_set),
                    disassociated_identities: d.disassociated_identities,
                })
            })?;
            let mut notices = vec![format!("Deleted configuration set {} in {region}.", a.name)];
            if !deleted.disassociated_identities.is_empty() {
                notices.push(format!(
                    "Identities that no longer have a default configuration set: {}.",
                    deleted.disassociated_identities.join(", ")
                ));
            }
            Ok(Output::new(deleted).notices(notices))
        }
        ConfigSetCommand::SetPool(a) => {
            let pool = if a.none { None } else { a.pool.clone() };
            let (before, view) = ctx.store()?.update(|s| {
                let before = s
                    .region_mut(region)
                    .set_sending_pool(&a.name, pool.as_deref())?;
                let cs = s.region(region).existing_config_set(&a.name)?;
                Ok((before, views::config_set_get(s, region, &a.name, &cs)))
            })?;
            let notice = match (&before, &pool) {
                (_, None) => format!("Configuration set {} no longer has a sending pool.", a.name),
                (Some(old), Some(new)) if old != new => {
                    format!(
                        "Configuration set {} moved from pool {old} to {new}.",
                        a.name
                    )
                }
                (_, Some(new)) => format!("Configuration set {} sends through {new}.", a.name),
            };
            Ok(Output::new(view).notice(notice))
        }
    }
}
