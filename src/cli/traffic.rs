//! `sesm traffic …`: standing daily volume per configuration set and ISP, which `simulate`
//! sends every day unless a plan file is given.

use clap::{Args, Subcommand};

use super::{Ctx, candidates, parse_kvs};
use crate::error::{Error, Result};
use crate::ops::traffic;
use crate::output::Rendered;

#[derive(Debug, Subcommand)]
pub enum TrafficCommand {
    /// Set daily volumes for a configuration set (merges; ISP=0 removes that ISP)
    #[command(
        after_help = "Example:\n  sesm traffic set newsletters gmail=100000 microsoft=20000 yahoo=10000"
    )]
    Set(SetArgs),
    /// List the region's standing traffic
    #[command(after_help = "Example:\n  sesm traffic list -o json")]
    List,
    /// Remove the traffic of one configuration set, or of all
    #[command(after_help = "Examples:\n  sesm traffic clear newsletters\n  sesm traffic clear")]
    Clear(ClearArgs),
}

#[derive(Debug, Args)]
pub struct SetArgs {
    #[arg(add = candidates::config_sets())]
    pub config_set: String,
    /// Daily volume per ISP, e.g. gmail=100000 (names as in `sesm isp list`)
    #[arg(required = true, value_name = "ISP=VOLUME", add = candidates::isp_volumes())]
    pub volumes: Vec<String>,
}

#[derive(Debug, Args)]
pub struct ClearArgs {
    #[arg(add = candidates::config_sets())]
    pub config_set: Option<String>,
}

/// Parses `ISP=VOLUME` (252 when malformed); the last value of a repeated ISP wins.
fn parse_volumes(items: &[String]) -> Result<Vec<(String, u64)>> {
    parse_kvs(items)?
        .into_iter()
        .map(|(isp, volume)| {
            let v: u64 = volume.parse().map_err(|_| {
                Error::invalid(format!(
                    "invalid volume '{volume}' for {isp}: expected a whole number of messages per day, e.g. {isp}=100000"
                ))
            })?;
            Ok((isp, v))
        })
        .collect()
}

pub fn run(cmd: TrafficCommand, ctx: &Ctx) -> Result<Rendered> {
    match cmd {
        TrafficCommand::Set(a) => {
            let volumes = parse_volumes(&a.volumes)?;
            ctx.write(|s, region| traffic::set(s, region, &a.config_set, &volumes))
        }
        TrafficCommand::List => ctx.read(traffic::list),
        TrafficCommand::Clear(a) => {
            ctx.write(|s, region| traffic::clear(s, region, a.config_set.as_deref()))
        }
    }
}
