//! `sesm account`: quotas and usage per region, the clock, auto warm-up and cost to date.

use clap::{Args, Subcommand, ValueEnum};
use serde::Serialize;

use super::Ctx;
use crate::error::Result;
use crate::model::{State, cost, quota};
use crate::output::{Block, Column, Output, thousands, usd};

#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  sesm account\n  sesm account set-auto-warmup off")]
pub struct AccountArgs {
    #[command(subcommand)]
    pub command: Option<AccountCommand>,
}

impl AccountArgs {
    pub fn operation(&self) -> &'static str {
        match self.command {
            None => "GetAccount",
            Some(AccountCommand::SetAutoWarmup(_)) => "PutAccountDedicatedIpWarmupAttributes",
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

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Quotas {
    max_dedicated_ip_pools: usize,
    max_managed_pools: usize,
    max_email_identities: usize,
    max_configuration_sets: usize,
    max_tags_per_resource: usize,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct RegionView {
    region: String,
    dedicated_ip_pools: usize,
    managed_pools: usize,
    dedicated_ips: usize,
    email_identities: usize,
    configuration_sets: usize,
    dedicated_ip_auto_warmup_enabled: bool,
    quotas: Quotas,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct AccountView {
    account_id: String,
    region: String,
    /// The `--region`'s auto warm-up setting (A2).
    dedicated_ip_auto_warmup_enabled: bool,
    /// The account clock: the next day `simulate` simulates.
    date: jiff::civil::Date,
    cost_to_date: f64,
    regions: Vec<RegionView>,
}

pub fn run(args: AccountArgs, ctx: &Ctx) -> Result<Output> {
    let region = ctx.region()?;
    match args.command {
        None => {
            let state = ctx.store()?.load()?;
            view(&state, region)
        }
        Some(AccountCommand::SetAutoWarmup(a)) => {
            let on = a.enabled == OnOff::On;
            let out = ctx.store()?.update(|s| {
                s.region_mut(region).auto_warmup = on;
                view(s, region)
            })?;
            Ok(out.notice(format!(
                "Auto warm-up of standard IPs is {} in {region}.",
                if on { "on" } else { "off" }
            )))
        }
    }
}

fn view(state: &State, region: &str) -> Result<Output> {
    let mut names: Vec<&str> = state.regions.keys().map(String::as_str).collect();
    if !names.contains(&region) {
        names.push(region);
        names.sort_unstable();
    }
    let regions: Vec<RegionView> = names
        .iter()
        .map(|&name| {
            let r = state.region(name);
            Ok(RegionView {
                region: name.to_string(),
                dedicated_ip_pools: r.pools.len(),
                managed_pools: r.managed_pool_count(),
                dedicated_ips: r.ips.len(),
                email_identities: r.identities.len()?,
                configuration_sets: r.configuration_sets.len()?,
                dedicated_ip_auto_warmup_enabled: r.auto_warmup,
                quotas: Quotas {
                    max_dedicated_ip_pools: quota::POOLS,
                    max_managed_pools: quota::MANAGED_POOLS,
                    max_email_identities: quota::IDENTITIES,
                    max_configuration_sets: quota::CONFIGURATION_SETS,
                    max_tags_per_resource: quota::TAGS,
                },
            })
        })
        .collect::<Result<_>>()?;
    let cost_to_date: f64 = cost::months(&state.usage, &state.prices)
        .iter()
        .map(|m| m.total)
        .sum();
    let auto = state.region(region).auto_warmup;
    let rows = regions
        .iter()
        .map(|r| {
            vec![
                r.region.clone(),
                format!("{}/{}", r.dedicated_ip_pools, quota::POOLS),
                format!("{}/{}", r.managed_pools, quota::MANAGED_POOLS),
                r.dedicated_ips.to_string(),
                format!(
                    "{}/{}",
                    thousands(r.email_identities as i64),
                    thousands(quota::IDENTITIES as i64)
                ),
                format!(
                    "{}/{}",
                    thousands(r.configuration_sets as i64),
                    thousands(quota::CONFIGURATION_SETS as i64)
                ),
                if r.dedicated_ip_auto_warmup_enabled {
                    "on"
                } else {
                    "off"
                }
                .to_string(),
            ]
        })
        .collect();
    let human = vec![
        Block::fields([
            ("Account", state.account_id.clone()),
            ("Date", state.date.to_string()),
            ("Region", region.to_string()),
            ("Auto warm-up", if auto { "on" } else { "off" }.to_string()),
            ("Cost to date", format!("{} (estimate)", usd(cost_to_date))),
        ]),
        Block::Blank,
        Block::table(
            vec![
                Column::left("Region"),
                Column::right("Pools"),
                Column::right("Managed"),
                Column::right("IPs"),
                Column::right("Identities"),
                Column::right("Configuration sets"),
                Column::left("Auto warm-up"),
            ],
            rows,
        ),
    ];
    Ok(Output::new(AccountView {
        account_id: state.account_id.clone(),
        region: region.to_string(),
        dedicated_ip_auto_warmup_enabled: auto,
        date: state.date,
        cost_to_date,
        regions,
    })
    .with_human(human))
}
