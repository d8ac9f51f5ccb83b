//! `sesm ip …`: dedicated IPs (`ops::ip`).

use clap::{Args, Subcommand};

use super::{Ctx, candidates};
use crate::error::Result;
use crate::ops::Operation;
use crate::ops::{Paging, ip};
use crate::output::Rendered;

#[derive(Debug, Subcommand)]
pub enum IpCommand {
    /// Lease standard dedicated IPs (in AWS: a support case)
    #[command(
        after_help = "Examples:\n  sesm ip lease --count 2 --pool transactional\n  sesm ip lease --count 1   # into ses-default-dedicated-pool"
    )]
    Lease(LeaseArgs),
    /// List the region's dedicated IPs, or one pool's
    #[command(after_help = "Example:\n  sesm ip list --pool transactional")]
    List(ListArgs),
    /// Show a dedicated IP
    #[command(after_help = "Example:\n  sesm ip get 198.18.0.1")]
    Get(IpArg),
    /// Move a standard IP to another standard pool or to ses-default-dedicated-pool
    #[command(after_help = "Example:\n  sesm ip move 198.18.0.1 ses-default-dedicated-pool")]
    Move(MoveArgs),
    /// Set a standard IP's warm-up percentage (100 means DONE)
    #[command(after_help = "Example:\n  sesm ip set-warmup 198.18.0.1 100")]
    SetWarmup(SetWarmupArgs),
    /// Relinquish a standard IP for good
    #[command(after_help = "Example:\n  sesm ip release 198.18.0.1")]
    Release(IpArg),
}

impl IpCommand {
    pub fn operation(&self) -> &'static str {
        match self {
            IpCommand::Lease(_) => "LeaseDedicatedIps",
            IpCommand::List(_) => Operation::GetDedicatedIps.name(),
            IpCommand::Get(_) => Operation::GetDedicatedIp.name(),
            IpCommand::Move(_) => Operation::PutDedicatedIpInPool.name(),
            IpCommand::SetWarmup(_) => Operation::PutDedicatedIpWarmupAttributes.name(),
            IpCommand::Release(_) => "ReleaseDedicatedIp",
        }
    }
}

#[derive(Debug, Args)]
pub struct LeaseArgs {
    /// How many IPs (at least 1)
    #[arg(long, allow_negative_numbers = true)]
    pub count: i64,
    /// A standard pool [default: ses-default-dedicated-pool]
    #[arg(long, add = candidates::any_pools())]
    pub pool: Option<String>,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// Only this pool's IPs
    #[arg(long, add = candidates::any_pools())]
    pub pool: Option<String>,
}

#[derive(Debug, Args)]
pub struct IpArg {
    #[arg(add = candidates::ips())]
    pub ip: String,
}

#[derive(Debug, Args)]
pub struct MoveArgs {
    #[arg(add = candidates::ips())]
    pub ip: String,
    /// Destination: a standard pool or ses-default-dedicated-pool
    #[arg(add = candidates::any_pools())]
    pub pool: String,
}

#[derive(Debug, Args)]
pub struct SetWarmupArgs {
    #[arg(add = candidates::ips())]
    pub ip: String,
    /// 0 to 100
    #[arg(allow_negative_numbers = true)]
    pub percent: i64,
}

pub fn run(cmd: IpCommand, ctx: &Ctx) -> Result<Rendered> {
    match cmd {
        IpCommand::Lease(a) => {
            ctx.write(|s, region| ip::lease(s, region, a.count, a.pool.as_deref()))
        }
        IpCommand::List(a) => {
            ctx.read(|s, region| ip::list(s, region, a.pool.as_deref(), &Paging::all()))
        }
        IpCommand::Get(a) => ctx.read(|s, region| ip::get(s, region, &a.ip)),
        IpCommand::Move(a) => ctx.write(|s, region| ip::move_to(s, region, &a.ip, &a.pool)),
        IpCommand::SetWarmup(a) => {
            ctx.write(|s, region| ip::set_warmup(s, region, &a.ip, a.percent))
        }
        IpCommand::Release(a) => ctx.write(|s, region| ip::release(s, region, &a.ip)),
    }
}
