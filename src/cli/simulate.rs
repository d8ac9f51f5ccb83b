//! `sesm simulate`: advances the account clock day by day through the warm-up model.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use clap::Args;

use super::Ctx;
use crate::error::{Error, Result};
use crate::model::State;
use crate::model::names::is_region;
use crate::output::{Block, Column, Output, thousands, usd};
use crate::sim::{self, DayDemand, RunReport, Senders, World};

/// The longest run one command may simulate (a hundred years).
const MAX_DAYS: u32 = 36_500;

#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  sesm simulate --days 30\n  sesm simulate --days 14 --plan campaign.csv --dry-run -o json\n\n\
Plan files are CSV with the header day,config_set,isp,volume[,region]; day 0 is the first\n\
simulated day, rows for the same day, set and ISP add up, and a plan replaces the standing\n\
traffic for the whole run. The model's numbers are calibrated estimates, not AWS figures."
)]
pub struct SimulateArgs {
    /// How many days to simulate
    #[arg(long)]
    pub days: u32,
    /// A CSV plan (day,config_set,isp,volume[,region]) that replaces the standing traffic
    #[arg(long, value_name = "FILE.csv", value_hint = clap::ValueHint::FilePath)]
    pub plan: Option<PathBuf>,
    /// Compute and print the result without changing the state
    #[arg(long)]
    pub dry_run: bool,
}

/// One validated plan row.
#[derive(Debug, Clone)]
pub struct PlanRow {
    pub day: u32,
    pub region: String,
    pub config_set: String,
    pub isp: usize,
    pub volume: u64,
}

fn plan_error(path: &Path, line: u64, why: impl std::fmt::Display) -> Error {
    Error::invalid(format!("{} line {line}: {why}", path.display()))
        .hint("a plan has the header day,config_set,isp,volume[,region], then one row per volume, e.g. 0,newsletters,gmail,20000")
}

/// Parses and checks a plan against the state: every problem is refused (252) with its line
/// number before anything is simulated.
pub fn parse_plan(
    path: &Path,
    text: &str,
    days: u32,
    default_region: &str,
    state: &State,
) -> Result<Vec<PlanRow>> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let mut records = reader.records();
    let header = match records.next() {
        None => {
            return Err(plan_error(
                path,
                1,
                "the file is empty; the header line is required",
            ));
        }
        Some(Err(e)) => return Err(plan_error(path, 1, e)),
        Some(Ok(h)) => h,
    };
    let names: Vec<&str> = header.iter().collect();
    let with_region = match names.as_slice() {
        ["day", "config_set", "isp", "volume"] => false,
        ["day", "config_set", "isp", "volume", "region"] => true,
        _ => {
            return Err(plan_error(
                path,
                header.position().map_or(1, |p| p.line()),
                format!(
                    "expected the header day,config_set,isp,volume[,region], found '{}'",
                    names.join(",")
                ),
            ));
        }
    };
    let mut rows = Vec::new();
    for record in records {
        let record = record.map_err(|e| {
            let line = e.position().map_or(0, |p| p.line());
            plan_error(path, line, e)
        })?;
        let line = record.position().map_or(0, |p| p.line());
        let fields: Vec<&str> = record.iter().collect();
        let (day, cs, isp, volume, region) = match (fields.as_slice(), with_region) {
            ([d, c, i, v], _) => (*d, *c, *i, *v, default_region),
            ([d, c, i, v, r], true) => (
                *d,
                *c,
                *i,
                *v,
                if r.is_empty() { default_region } else { *r },
            ),
            _ => {
                let expected = if with_region { "4 or 5" } else { "4" };
                return Err(plan_error(
                    path,
                    line,
                    format!("expected {expected} fields, found {}", fields.len()),
                ));
            }
        };
        let day: u32 = day.parse().ok().filter(|d| *d < days).ok_or_else(|| {
            plan_error(
                path,
                line,
                format!("day '{day}' is not a day of this run (0 to {})", days - 1),
            )
        })?;
        if !is_region(region) {
            return Err(plan_error(
                path,
                line,
                format!("'{region}' is not a region name"),
            ));
        }
        if !state
            .region(region)
            .configuration_sets
            .get()?
            .contains_key(cs)
        {
            return Err(plan_error(
                path,
                line,
                format!("unknown configuration set '{cs}' in {region}"),
            ));
        }
        let isp_index = state.model.isp_index(isp).ok_or_else(|| {
            plan_error(
                path,
                line,
                format!(
                    "unknown ISP '{isp}' (known: {})",
                    state.model.isp_names().collect::<Vec<_>>().join(", ")
                ),
            )
        })?;
        let volume: u64 = volume.parse().map_err(|_| {
            let why = if volume.starts_with('-') {
                "is negative"
            } else {
                "is not a whole number"
            };
            plan_error(path, line, format!("volume '{volume}' {why}"))
        })?;
        rows.push(PlanRow {
            day,
            region: region.to_string(),
            config_set: cs.to_string(),
            isp: isp_index,
            volume,
        });
    }
    Ok(rows)
}

/// Turns plan rows into one `DayDemand` per day, indexed as `World` indexes regions and sets.
pub fn plan_demand(rows: &[PlanRow], world: &World, days: u32) -> Vec<DayDemand> {
    let n = world.isp_count();
    let mut out: Vec<DayDemand> = (0..days)
        .map(|_| vec![BTreeMap::new(); world.regions.len()])
        .collect();
    for row in rows {
        let Some(ri) = world.region_index(&row.region) else {
            continue;
        };
        let Ok(ci) = world.regions[ri]
            .config_sets
            .binary_search_by(|c| c.name.as_str().cmp(&row.config_set))
        else {
            continue;
        };
        let volumes = out[row.day as usize][ri]
            .entry(ci)
            .or_insert_with(|| vec![0; n]);
        volumes[row.isp] += row.volume;
    }
    out
}

/// Runs the model on `state` with the plan, or with the standing traffic.
pub fn simulate(state: &mut State, days: u32, plan: Option<&[PlanRow]>) -> Result<RunReport> {
    let Some(rows) = plan else {
        let world = World::new(state, &World::standing_senders(state))?;
        let standing = world.standing_demand(state);
        return sim::run(state, world, days, |_| standing.clone());
    };
    let mut senders = Senders::new();
    for row in rows {
        senders
            .entry(row.region.clone())
            .or_default()
            .insert(row.config_set.clone());
    }
    let world = World::new(state, &senders)?;
    let planned = plan_demand(rows, &world, days);
    sim::run(state, world, days, |day| planned[day as usize].clone())
}

pub fn run(a: SimulateArgs, ctx: &Ctx) -> Result<Output> {
    let region = ctx.region()?;
    if a.days == 0 || a.days > MAX_DAYS {
        return Err(Error::invalid(format!(
            "--days must be from 1 to {MAX_DAYS}, not {}",
            a.days
        )));
    }
    let plan_text = match &a.plan {
        Some(path) => Some(crate::store::read_input(
            path,
            "the plan",
            "give a CSV file with the header day,config_set,isp,volume[,region]",
        )?),
        None => None,
    };
    let store = ctx.store()?;
    let step = |s: &mut State| -> Result<RunReport> {
        let plan = match (&a.plan, &plan_text) {
            (Some(path), Some(text)) => Some(parse_plan(path, text, a.days, region, s)?),
            _ => None,
        };
        simulate(s, a.days, plan.as_deref())
    };
    let report = if a.dry_run {
        let mut state = store.load()?;
        step(&mut state)?
    } else {
        store.update(step)?
    };
    let notice = if a.dry_run {
        format!(
            "Dry run: simulated {} day(s) from {}; the state was not changed.",
            a.days, report.start_date
        )
    } else {
        format!(
            "Simulated {} day(s); the account clock is now {}.",
            a.days,
            next_day(report.end_date)
        )
    };
    let report = std::rc::Rc::new(report);
    let view = std::rc::Rc::clone(&report);
    Ok(Output::new(report)
        .with_lazy_human(move || Ok(human(&view)))
        .notice(notice))
}

fn next_day(d: jiff::civil::Date) -> jiff::civil::Date {
    d.tomorrow().unwrap_or(d)
}

/// The columns of a day's figures, shared by `simulate` and `demo`.
pub fn day_columns() -> [Column; 6] {
    [
        Column::right("IPs"),
        Column::right("Demand"),
        Column::right("Dedicated"),
        Column::right("Shared"),
        Column::right("Deferred"),
        Column::right("Expired"),
    ]
}

/// A day's figures for a pool, summed over its ISPs: IPs ("1 (+1)" when scaling changed them),
/// demand, dedicated, shared, deferred, expired.
pub fn day_figures(d: &sim::DayReport) -> [String; 6] {
    let sum = |f: fn(&sim::IspDay) -> u64| thousands(d.isps.iter().map(f).sum::<u64>() as i64);
    let ips = match d.scale_event {
        0 => d.dedicated_ip_count.to_string(),
        e => format!("{} ({e:+})", d.dedicated_ip_count),
    };
    [
        ips,
        sum(|i| i.demand),
        sum(|i| i.sent_dedicated),
        sum(|i| i.sent_shared),
        sum(|i| i.deferred),
        sum(|i| i.expired),
    ]
}

/// Short ISP labels for the day lines.
fn short(isp: &str) -> &str {
    match isp {
        "microsoft" => "ms",
        "comcast" => "cmc",
        other => other,
    }
}

fn human(r: &RunReport) -> Vec<Block> {
    let regions: std::collections::BTreeSet<&str> =
        r.days.iter().map(|d| d.region.as_str()).collect();
    let multi_region = regions.len() > 1;
    let mut columns = vec![Column::left("Date")];
    if multi_region {
        columns.push(Column::left("Region"));
    }
    columns.push(Column::left("Pool"));
    columns.extend(day_columns());
    columns.push(Column::left("Warm-up % per ISP"));
    let rows = r
        .days
        .iter()
        .map(|d| {
            let warmup = d
                .isps
                .iter()
                .filter(|_| d.scaling_mode != "SHARED")
                .map(|i| format!("{} {:.0}", short(&i.isp), i.warmup_percentage))
                .collect::<Vec<_>>()
                .join(" ");
            let mut row = vec![d.date.to_string()];
            if multi_region {
                row.push(d.region.clone());
            }
            row.push(d.pool_name.clone());
            row.extend(day_figures(d));
            row.push(warmup);
            row
        })
        .collect();
    let mut blocks = vec![Block::table(columns, rows), Block::Blank];
    let totals = |t: &sim::report::Totals| {
        vec![
            thousands(t.demand as i64),
            thousands(t.sent_dedicated as i64),
            thousands(t.sent_shared as i64),
            thousands(t.deferred as i64),
            thousands(t.expired as i64),
        ]
    };
    let figures = || {
        vec![
            Column::right("Demand"),
            Column::right("Dedicated"),
            Column::right("Shared"),
            Column::right("Deferred"),
            Column::right("Expired"),
        ]
    };
    blocks.push(Block::Title(format!(
        "Summary {} to {}",
        r.start_date, r.end_date
    )));
    let mut pool_columns = vec![
        Column::left("Region"),
        Column::left("Pool"),
        Column::right("IPs at end"),
    ];
    pool_columns.extend(figures());
    blocks.push(Block::table(
        pool_columns,
        r.summary
            .pools
            .iter()
            .map(|p| {
                let mut row = vec![
                    p.region.clone(),
                    p.pool_name.clone(),
                    p.dedicated_ip_count.to_string(),
                ];
                row.extend(totals(&p.totals));
                row
            })
            .collect(),
    ));
    blocks.push(Block::Blank);
    let mut isp_columns = vec![Column::left("ISP")];
    isp_columns.extend(figures());
    blocks.push(Block::table(
        isp_columns,
        r.summary
            .isps
            .iter()
            .map(|i| {
                let mut row = vec![i.isp.clone()];
                row.extend(totals(&i.totals));
                row
            })
            .collect(),
    ));
    blocks.push(Block::Blank);
    blocks.push(Block::Line(format!(
        "Estimated cost of these days: {} (estimates, not AWS prices quoted to you)",
        usd(r.summary.cost)
    )));
    blocks
}
