//! `sesm account`: quotas and usage per region, the clock, auto warm-up and cost to date
//! (`ops::account`).

use clap::{Args, Subcommand, ValueEnum};

use super::Ctx;
use crate::error::Result;
use crate::ops::Operation;
use crate::ops::account;
use crate::output::Rendered;

#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  sesm account\n  sesm account set-auto-warmup off")]
pub struct AccountArgs {
    #[command(subcommand)]
    pub command: Option<AccountCommand>,
}

impl AccountArgs {
    pub fn operation(&self) -> &'static str {
        match self.command {
            None => Operation::GetAccount.name(),
            Some(AccountCommand::SetAutoWarmup(_)) => {
                Operation::PutAccountDedicatedIpWarmupAttributes.name()
            }
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum AccountCommand {
    /// Turn auto warm-up of standard IPs on or off for the region
    #[command(after_help = "Example:\n  sesm account set-auto-warmup off --region eu-west-1")]
    SetAutoWarmup(SetAutoWarmupArgs),
}

#[derive(Debug, Args)]
pub struct SetAutoWarmupArgs {
    #[arg(value_enum)]
    pub enabled: OnOff,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OnOff {
    On,
    Off,
}

pub fn run(args: AccountArgs, ctx: &Ctx) -> Result<Rendered> {
    match args.command {
        None => ctx.read(account::get),
        Some(AccountCommand::SetAutoWarmup(a)) => {
            let on = a.enabled == OnOff::On;
            ctx.write(|s, region| account::set_auto_warmup(s, region, on))
        }
    }
}
