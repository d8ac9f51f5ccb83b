//! `sesm isp list`: the mailbox providers the model knows and their constants.

use clap::Subcommand;
use serde::Serialize;

use super::Ctx;
use crate::error::Result;
use crate::model::IspParams;
use crate::output::{Block, Column, Output, thousands};

#[derive(Debug, Subcommand)]
pub enum IspCommand {
    /// The ISP table: daily capacity of a fully warm IP and days to warm
    #[command(after_help = "Example:\n  sesm isp list -o json --query 'Isps[].Isp'")]
    List,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct IspList {
    isps: Vec<IspParams>,
}

pub fn run(cmd: IspCommand, ctx: &Ctx) -> Result<Output> {
    let IspCommand::List = cmd;
    let state = ctx.store()?.load()?;
    let isps = state.model.isps.clone();
    let rows = isps
        .iter()
        .map(|i| {
            vec![
                i.isp.clone(),
                thousands(i.fully_warm_daily_capacity_per_ip as i64),
                i.days_to_warm.to_string(),
            ]
        })
        .collect();
    let human = vec![
        Block::table(
            vec![
                Column::left("ISP"),
                Column::right("Capacity per warm IP/day"),
                Column::right("Days to warm"),
            ],
            rows,
        ),
        Block::Blank,
        Block::Line(format!(
            "These are estimates calibrated from published warm-up schedules, not AWS figures. A cold IP may send {} per ISP per day.",
            state.model.cold_allowance
        )),
    ];
    Ok(Output::new(IspList { isps }).with_human(human))
}
