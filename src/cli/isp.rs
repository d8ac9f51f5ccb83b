//! `sesm isp list`: the mailbox providers the model knows and their constants (`ops::isp`).

use clap::Subcommand;

use super::Ctx;
use crate::error::Result;
use crate::ops::isp;
use crate::output::Rendered;

#[derive(Debug, Subcommand)]
pub enum IspCommand {
    /// The ISP table: daily capacity of a fully warm IP and days to warm
    #[command(after_help = "Example:\n  sesm isp list -o json --query 'Isps[].Isp'")]
    List,
}

pub fn run(cmd: IspCommand, ctx: &Ctx) -> Result<Rendered> {
    let IspCommand::List = cmd;
    ctx.read_model(|s| Ok(isp::list(s)))
}
