//! `sesm pool …`: dedicated IP pools (`ops::pool`).

use clap::{Args, Subcommand};

use super::{Ctx, candidates, parse_kvs, text_enum};
use crate::error::Result;
use crate::model::ScalingMode;
use crate::ops::Operation;
use crate::ops::{Paging, pool};
use crate::output::Rendered;

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
            PoolCommand::Create(_) => Operation::CreateDedicatedIpPool.name(),
            PoolCommand::List => Operation::ListDedicatedIpPools.name(),
            PoolCommand::Get(_) => Operation::GetDedicatedIpPool.name(),
            PoolCommand::Delete(_) => Operation::DeleteDedicatedIpPool.name(),
            PoolCommand::SetScalingMode(_) => Operation::PutDedicatedIpPoolScalingAttributes.name(),
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
    #[arg(long, value_parser = text_enum(ScalingMode::ALL, ScalingMode::as_str), ignore_case = true)]
    pub scaling_mode: Option<ScalingMode>,
    /// Configuration set to send through this pool (moved from its current pool); repeatable
    #[arg(long = "config-set", value_name = "CS", add = candidates::config_sets())]
    pub config_sets: Vec<String>,
    /// Tag as KEY=VALUE; repeatable
    #[arg(long = "tag", value_name = "KEY=VALUE")]
    pub tags: Vec<String>,
}

#[derive(Debug, Args)]
pub struct NameArg {
    /// Pool name
    #[arg(add = candidates::pools())]
    pub name: String,
}

#[derive(Debug, Args)]
pub struct SetScalingModeArgs {
    /// Pool name
    #[arg(add = candidates::pools())]
    pub name: String,
    #[arg(value_parser = text_enum(ScalingMode::ALL, ScalingMode::as_str), ignore_case = true)]
    pub mode: ScalingMode,
}

pub fn run(cmd: PoolCommand, ctx: &Ctx) -> Result<Rendered> {
    match cmd {
        PoolCommand::Create(a) => {
            let tags = parse_kvs(&a.tags)?;
            let mode = if a.managed {
                ScalingMode::Managed
            } else {
                a.scaling_mode.unwrap_or(ScalingMode::Standard)
            };
            let req = pool::NewPool {
                name: a.name,
                mode,
                config_sets: a.config_sets,
                tags,
            };
            ctx.write(|s, region| pool::create(s, region, req))
        }
        // A table shows each pool's details; other formats need the names only.
        PoolCommand::List if ctx.wants_table() => {
            ctx.read(|s, region| pool::list_detailed(s, region, &Paging::all()))
        }
        PoolCommand::List => ctx.read(|s, region| pool::list(s, region, &Paging::all())),
        PoolCommand::Get(a) => ctx.read(|s, region| pool::get(s, region, &a.name)),
        PoolCommand::Delete(a) => ctx.write(|s, region| pool::delete(s, region, &a.name)),
        PoolCommand::SetScalingMode(a) => {
            ctx.write(|s, region| pool::set_scaling_mode(s, region, &a.name, a.mode))
        }
    }
}
