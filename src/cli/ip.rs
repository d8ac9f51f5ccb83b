//! `sesm ip …`: dedicated IPs (rules in `model::ip`).

use clap::{Args, Subcommand};

use super::views::{self, DedicatedIpGet, DedicatedIpList};
use super::{Ctx, complete};
use crate::error::Result;
use crate::model::names::check_pool_name;
use crate::model::pool::not_found as pool_not_found;
use crate::output::Output;

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
            IpCommand::List(_) => "GetDedicatedIps",
            IpCommand::Get(_) => "GetDedicatedIp",
            IpCommand::Move(_) => "PutDedicatedIpInPool",
            IpCommand::SetWarmup(_) => "PutDedicatedIpWarmupAttributes",
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
    #[arg(long, add = complete::any_pools())]
    pub pool: Option<String>,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// Only this pool's IPs
    #[arg(long, add = complete::any_pools())]
    pub pool: Option<String>,
}

#[derive(Debug, Args)]
pub struct IpArg {
    #[arg(add = complete::ips())]
    pub ip: String,
}

#[derive(Debug, Args)]
pub struct MoveArgs {
    #[arg(add = complete::ips())]
    pub ip: String,
    /// Destination: a standard pool or ses-default-dedicated-pool
    #[arg(add = complete::any_pools())]
    pub pool: String,
}

#[derive(Debug, Args)]
pub struct SetWarmupArgs {
    #[arg(add = complete::ips())]
    pub ip: String,
    /// 0 to 100
    #[arg(allow_negative_numbers = true)]
    pub percent: i64,
}

fn get(state: &crate::model::State, region: &str, addr: &std::net::Ipv4Addr) -> DedicatedIpGet {
    let ip = &state.region(region).ips[addr];
    DedicatedIpGet {
        dedicated_ip: views::dedicated_ip(addr, ip),
    }
}

pub fn run(cmd: IpCommand, ctx: &Ctx) -> Result<Output> {
    let region = ctx.region()?;
    match cmd {
        IpCommand::Lease(a) => {
            let view = ctx.store()?.update(|s| {
                let leased = s.lease_ips(region, a.count, a.pool.as_deref())?;
                let r = s.region(region);
                Ok(DedicatedIpList {
                    dedicated_ips: leased
                        .iter()
                        .map(|addr| views::dedicated_ip(addr, &r.ips[addr]))
                        .collect(),
                })
            })?;
            let pool = a.pool.as_deref().unwrap_or(crate::model::DEFAULT_POOL);
            let notice = format!(
                "Leased {} standard IP(s) into {pool}.",
                view.dedicated_ips.len()
            );
            Ok(Output::new(view).notice(notice))
        }
        IpCommand::List(a) => {
            let state = ctx.store()?.load()?;
            let r = state.region(region);
            if let Some(pool) = &a.pool {
                check_pool_name(pool)?;
                if !r.pool_exists(pool) {
                    return Err(pool_not_found(pool));
                }
            }
            Ok(Output::new(views::ip_list(r, a.pool.as_deref())))
        }
        IpCommand::Get(a) => {
            let state = ctx.store()?.load()?;
            let (addr, _) = state.region(region).existing_ip(&a.ip)?;
            Ok(Output::new(get(&state, region, &addr)))
        }
        IpCommand::Move(a) => {
            let view = ctx.store()?.update(|s| {
                let addr = s.region_mut(region).move_ip(&a.ip, &a.pool)?;
                Ok(get(s, region, &addr))
            })?;
            Ok(Output::new(view).notice(format!("Moved {} to {}.", a.ip, a.pool)))
        }
        IpCommand::SetWarmup(a) => {
            let view = ctx.store()?.update(|s| {
                let addr = s.region_mut(region).set_warmup(&a.ip, a.percent)?;
                Ok(get(s, region, &addr))
            })?;
            Ok(
                Output::new(view)
                    .notice(format!("Set the warm-up of {} to {} %.", a.ip, a.percent)),
            )
        }
        IpCommand::Release(a) => {
            let view = ctx.store()?.update(|s| {
                let (addr, ip) = s.region_mut(region).release_ip(&a.ip)?;
                Ok(DedicatedIpGet {
                    dedicated_ip: views::dedicated_ip(&addr, &ip),
                })
            })?;
            Ok(Output::new(view).notice(format!("Released {}; its charges stop today.", a.ip)))
        }
    }
}
