//! `sesm traffic …`: standing daily volume per configuration set and ISP, which `simulate`
//! sends every day unless a plan file is given.

use clap::{Args, Subcommand};
use serde::Serialize;

use super::{Ctx, complete, parse_kv};
use crate::error::{Error, Result};
use crate::model::{ModelParams, Region, State};
use crate::output::{Block, Column, Output, thousands};

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
    #[arg(add = complete::config_sets())]
    pub config_set: String,
    /// Daily volume per ISP, e.g. gmail=100000 (names as in `sesm isp list`)
    #[arg(required = true, value_name = "ISP=VOLUME", add = complete::isp_volumes())]
    pub volumes: Vec<String>,
}

#[derive(Debug, Args)]
pub struct ClearArgs {
    #[arg(add = complete::config_sets())]
    pub config_set: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Row {
    configuration_set_name: String,
    isp: String,
    daily_volume: u64,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct TrafficList {
    traffic: Vec<Row>,
}

/// Checks an ISP name against the model's table (252 with the known names).
pub fn check_isp(model: &ModelParams, isp: &str) -> Result<()> {
    if model.isp_index(isp).is_some() {
        Ok(())
    } else {
        Err(Error::invalid(format!(
            "unknown ISP '{isp}': use one of {}",
            model.isp_names().collect::<Vec<_>>().join(", ")
        ))
        .hint("see the ISP table with: sesm isp list"))
    }
}

/// Parses `ISP=VOLUME` (252 when malformed); the last value of a repeated ISP wins.
fn parse_volumes(model: &ModelParams, items: &[String]) -> Result<Vec<(String, u64)>> {
    let mut out: Vec<(String, u64)> = Vec::new();
    for item in items {
        let (isp, volume) = parse_kv(item)?;
        check_isp(model, &isp)?;
        let volume: u64 = volume.parse().map_err(|_| {
            Error::invalid(format!(
                "invalid volume '{volume}' for {isp}: expected a whole number of messages per day, e.g. {isp}=100000"
            ))
        })?;
        out.retain(|(k, _)| *k != isp);
        out.push((isp, volume));
    }
    Ok(out)
}

pub fn run(cmd: TrafficCommand, ctx: &Ctx) -> Result<Output> {
    let region = ctx.region()?;
    let store = ctx.store()?;
    match cmd {
        TrafficCommand::Set(a) => {
            // ISP names come from the state's model table; read it before taking the lock so
            // that a bad argument is reported (252) before anything is locked or written.
            let model = store.load()?.model;
            let volumes = parse_volumes(&model, &a.volumes)?;
            let out = store.update(|s| {
                let r = s.region_mut(region);
                r.existing_config_set(&a.config_set)?;
                let plan = r.traffic.entry(a.config_set.clone()).or_default();
                for (isp, v) in &volumes {
                    if *v == 0 {
                        plan.remove(isp);
                    } else {
                        plan.insert(isp.clone(), *v);
                    }
                }
                if plan.is_empty() {
                    r.traffic.remove(&a.config_set);
                }
                Ok(list(s, region))
            })?;
            Ok(out.notice(format!("Set the daily traffic of {}.", a.config_set)))
        }
        TrafficCommand::List => Ok(list(&store.load()?, region)),
        TrafficCommand::Clear(a) => {
            let out = store.update(|s| {
                let r = s.region_mut(region);
                match &a.config_set {
                    Some(cs) => {
                        r.existing_config_set(cs)?;
                        r.traffic.remove(cs);
                    }
                    None => r.traffic.clear(),
                }
                Ok(list(s, region))
            })?;
            let what = a.config_set.as_deref().unwrap_or("every configuration set");
            Ok(out.notice(format!("Cleared the traffic of {what} in {region}.")))
        }
    }
}

/// Daily volume of the region per ISP and configuration set, in table order.
pub fn rows(model: &ModelParams, region: &Region) -> Vec<(String, String, u64)> {
    let mut rows = Vec::new();
    for (cs, plan) in &region.traffic {
        for isp in model.isp_names() {
            if let Some(&v) = plan.get(isp) {
                rows.push((cs.clone(), isp.to_string(), v));
            }
        }
    }
    rows
}

fn list(state: &State, region_name: &str) -> Output {
    let region = state.region(region_name);
    let rows = rows(&state.model, region);
    let human = if rows.is_empty() {
        vec![Block::Line(format!(
            "No standing traffic in {region_name}. Add some with: sesm traffic set CS gmail=100000"
        ))]
    } else {
        let total: u64 = rows.iter().map(|r| r.2).sum();
        let mut table: Vec<Vec<String>> = rows
            .iter()
            .map(|(cs, isp, v)| {
                let pool = region
                    .configuration_sets
                    .get()
                    .ok()
                    .and_then(|sets| sets.get(cs))
                    .and_then(|c| c.sending_pool.clone());
                vec![
                    cs.clone(),
                    pool.unwrap_or_else(|| "(default)".into()),
                    isp.clone(),
                    thousands(*v as i64),
                ]
            })
            .collect();
        table.push(vec![
            "total".into(),
            String::new(),
            String::new(),
            thousands(total as i64),
        ]);
        vec![Block::table(
            vec![
                Column::left("Configuration set"),
                Column::left("Pool"),
                Column::left("ISP"),
                Column::right("Daily volume"),
            ],
            table,
        )]
    };
    Output::new(TrafficList {
        traffic: rows
            .into_iter()
            .map(|(cs, isp, v)| Row {
                configuration_set_name: cs,
                isp,
                daily_volume: v,
            })
            .collect(),
    })
    .with_human(human)
}
