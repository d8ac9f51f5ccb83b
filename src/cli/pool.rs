//! `sesm pool …`: dedicated IP pools (rules in `model::pool`).

use std::collections::BTreeMap;

use clap::{Args, Subcommand, ValueEnum};
use serde::Serialize;

use super::views::{self, PoolGet, PoolHeader, TagView};
use super::{Ctx, complete, parse_kvs};
use crate::error::Result;
use crate::model::arn::{ResourceKind, arn};
use crate::model::pool::NewPool;
use crate::model::{ScalingMode, State};
use crate::output::{Block, Column, Output};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
#[value(rename_all = "UPPERCASE")]
pub enum ModeArg {
    Standard,
    Managed,
}

impl From<ModeArg> for ScalingMode {
    fn from(m: ModeArg) -> Self {
        match m {
            ModeArg::Standard => ScalingMode::Standard,
            ModeArg::Managed => ScalingMode::Managed,
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum PoolCommand {
    /// Create a dedicated IP pool (STANDARD unless --managed)
    #[command(
        after_help = "Examples:\n  sesm pool create marketing --managed\n  sesm pool create transactional --config-set receipts --tag team=mail"
    )]
    Create(CreateArgs),
    /// List the region's pools
    #[command(after_help = "Example:\n  sesm pool list -o json --query 'DedicatedIpPools'")]
    List,
    /// Show a pool: its IPs, configuration sets, tags and (managed) per-ISP warm-up
    #[command(after_help = "Example:\n  sesm pool get marketing")]
    Get(NameArg),
    /// Delete a pool (a managed pool's IPs are relinquished with it)
    #[command(after_help = "Example:\n  sesm pool delete marketing")]
    Delete(NameArg),
    /// Convert a STANDARD pool to MANAGED (the reverse is refused, as in SES)
    #[command(after_help = "Example:\n  sesm pool set-scaling-mode transactional MANAGED")]
    SetScalingMode(SetScalingModeArgs),
}

impl PoolCommand {
    pub fn operation(&self) -> &'static str {
        match self {
            PoolCommand::Create(_) => "CreateDedicatedIpPool",
            PoolCommand::List => "ListDedicatedIpPools",
            PoolCommand::Get(_) => "GetDedicatedIpPool",
            PoolCommand::Delete(_) => "DeleteDedicatedIpPool",
            PoolCommand::SetScalingMode(_) => "PutDedicatedIpPoolScalingAttributes",
        }
    }
}

#[derive(Debug, Args)]
pub struct CreateArgs {
    /// Pool name: 1-64 characters from a-z, 0-9, _ and -
    pub name: String,
    /// Create a managed pool (same as --scaling-mode MANAGED)
    #[arg(long, conflicts_with = "scaling_mode")]
    pub managed: bool,
    #[arg(long, value_enum, ignore_case = true)]
    pub scaling_mode: Option<ModeArg>,
    /// Configuration set to send through this pool (moved from its current pool); repeatable
    #[arg(long = "config-set", value_name = "CS", add = complete::config_sets())]
    pub config_sets: Vec<String>,
    /// Tag as KEY=VALUE; repeatable
    #[arg(long = "tag", value_name = "KEY=VALUE")]
    pub tags: Vec<String>,
}

#[derive(Debug, Args)]
pub struct NameArg {
    /// Pool name
    #[arg(add = complete::pools())]
    pub name: String,
}

#[derive(Debug, Args)]
pub struct SetScalingModeArgs {
    /// Pool name
    #[arg(add = complete::pools())]
    pub name: String,
    #[arg(value_enum, ignore_case = true)]
    pub mode: ModeArg,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Moved {
    configuration_set_name: String,
    from_pool_name: String,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Created {
    #[serde(flatten)]
    pool: PoolGet,
    /// Configuration sets that left another pool for this one (P10).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    moved_configuration_sets: Vec<Moved>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Deleted {
    dedicated_ip_pool: PoolHeader,
    tags: Vec<TagView>,
    relinquished_ips: Vec<String>,
    disassociated_configuration_sets: Vec<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct PoolList {
    dedicated_ip_pools: Vec<String>,
}

pub fn run(cmd: PoolCommand, ctx: &Ctx) -> Result<Output> {
    let region = ctx.region()?;
    match cmd {
        PoolCommand::Create(a) => {
            let tags = parse_kvs(&a.tags)?;
            let mode = if a.managed {
                ScalingMode::Managed
            } else {
                a.scaling_mode.map_or(ScalingMode::Standard, Into::into)
            };
            let name = a.name.clone();
            let created = ctx.store()?.update(|s| {
                let moved = s.region_mut(region).create_pool(NewPool {
                    name: a.name,
                    mode,
                    config_sets: a.config_sets,
                    tags,
                })?;
                Ok(Created {
                    pool: views::pool_get(s, region, &name)?,
                    moved_configuration_sets: moved
                        .into_iter()
                        .map(|m| Moved {
                            configuration_set_name: m.config_set,
                            from_pool_name: m.from_pool,
                        })
                        .collect(),
                })
            })?;
            let mut notices = vec![format!(
                "Created {} pool {name} in {region}.",
                mode.as_str()
            )];
            for m in &created.moved_configuration_sets {
                notices.push(format!(
                    "Moved configuration set {} from pool {} to {name}.",
                    m.configuration_set_name, m.from_pool_name
                ));
            }
            if mode == ScalingMode::Managed {
                notices.push(
                    "SES allocates its IPs once it sees a few hundred messages; try: sesm traffic set CS gmail=50000 && sesm simulate --days 30"
                        .into(),
                );
            }
            Ok(Output::new(created).notices(notices))
        }
        PoolCommand::List => {
            let state = ctx.store()?.load()?;
            list(state, region)
        }
        PoolCommand::Get(a) => {
            let state = ctx.store()?.load()?;
            state
                .region(region)
                .existing_pool(&a.name, "fetched with pool get")?;
            Ok(Output::new(views::pool_get(&state, region, &a.name)?))
        }
        PoolCommand::Delete(a) => {
            let deleted = ctx.store()?.update(|s| {
                let account = s.account_id.clone();
                let d = s.region_mut(region).delete_pool(&a.name)?;
                Ok(Deleted {
                    dedicated_ip_pool: PoolHeader {
                        pool_name: a.name.clone(),
                        scaling_mode: d.pool.scaling_mode.as_str(),
                        arn: arn(region, &account, ResourceKind::Pool, &a.name),
                    },
                    tags: views::tags(&d.pool.tags),
                    relinquished_ips: d.relinquished_ips.iter().map(|ip| ip.to_string()).collect(),
                    disassociated_configuration_sets: d.disassociated_config_sets,
                })
            })?;
            let mut notices = vec![format!("Deleted pool {} in {region}.", a.name)];
            if !deleted.relinquished_ips.is_empty() {
                notices.push(format!(
                    "Relinquished {} dedicated IP(s): {}.",
                    deleted.relinquished_ips.len(),
                    deleted.relinquished_ips.join(", ")
                ));
            }
            if !deleted.disassociated_configuration_sets.is_empty() {
                notices.push(format!(
                    "Configuration set(s) {} no longer have a sending pool.",
                    deleted.disassociated_configuration_sets.join(", ")
                ));
            }
            Ok(Output::new(deleted).notices(notices))
        }
        PoolCommand::SetScalingMode(a) => {
            let mode: ScalingMode = a.mode.into();
            let (changed, view) = ctx.store()?.update(|s| {
                let isps: Vec<String> = s.model.isp_names().map(str::to_string).collect();
                let changed = s
                    .region_mut(region)
                    .set_scaling_mode(&a.name, mode, &isps)?;
                Ok((changed, views::pool_get(s, region, &a.name)?))
            })?;
            let notice = if changed {
                format!(
                    "Converted pool {} to {}; its IPs keep their warm-up as a per-ISP starting point.",
                    a.name,
                    mode.as_str()
                )
            } else {
                format!(
                    "Pool {} is already {}; nothing changed.",
                    a.name,
                    mode.as_str()
                )
            };
            Ok(Output::new(view).notice(notice))
        }
    }
}

fn list(state: State, region_name: &str) -> Result<Output> {
    let names: Vec<String> = state.region(region_name).pools.keys().cloned().collect();
    let region_name = region_name.to_string();
    // The table needs every configuration set of the region; JSON needs only the names.
    let human = move || -> Result<Vec<Block>> {
        let region = state.region(&region_name);
        if region.pools.is_empty() {
            return Ok(vec![Block::Line(format!(
                "No dedicated IP pools in {region_name}. Create one with: sesm pool create NAME --managed"
            ))]);
        }
        let mut sets: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for (name, pool) in region.sending_pools()? {
            if let Some(pool) = pool {
                sets.entry(pool).or_default().push(name);
            }
        }
        let rows = region
            .pools
            .iter()
            .map(|(name, pool)| {
                vec![
                    name.clone(),
                    pool.scaling_mode.as_str().to_string(),
                    region.ips_of_pool(name).count().to_string(),
                    sets.get(name.as_str())
                        .map_or_else(String::new, |s| s.join(", ")),
                ]
            })
            .collect();
        Ok(vec![Block::table(
            vec![
                Column::left("Name"),
                Column::left("Mode"),
                Column::right("IPs"),
                Column::left("Configuration sets"),
            ],
            rows,
        )])
    };
    Ok(Output::new(PoolList {
        dedicated_ip_pools: names,
    })
    .with_lazy_human(human))
}
