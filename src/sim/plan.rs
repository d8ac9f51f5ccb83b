//! Where a run's mail comes from — the standing traffic of `traffic set`, a plan file, or
//! both — and the entry point that runs the model over a state.
//!
//! A plan file is CSV with the header `day,config_set,isp,volume[,region]`; every line is
//! checked against the state (252 with its line number) before anything is simulated.

use std::collections::{BTreeMap, BTreeSet};

use jiff::civil::Date;

use super::{DayDemand, RunReport, Senders, World};
use crate::error::{Error, Result};
use crate::model::State;
use crate::model::names::is_region;
use crate::model::params::MAX_DAILY_VOLUME;

/// The longest run one command may simulate (a hundred years).
pub const MAX_DAYS: u32 = 36_500;

/// One validated plan row: `volume` messages to `isp` (index in the ISP table) through
/// `config_set` of `region` on day `day` of the run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanRow {
    pub day: u32,
    pub region: String,
    pub config_set: String,
    pub isp: usize,
    pub volume: u64,
}

/// A validated plan: rows for the days of a run.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Plan {
    pub rows: Vec<PlanRow>,
}

/// Where a run's demand comes from.
#[derive(Debug, Clone, Copy)]
pub enum Demand<'a> {
    /// The standing traffic of `traffic set`, every day.
    Standing,
    /// A plan that replaces the standing traffic for the whole run.
    Plan(&'a Plan),
    /// The standing traffic plus a plan's rows on top (the demo's promotion).
    StandingPlus(&'a Plan),
}

impl Plan {
    /// Parses and checks a plan against the state: every problem is refused (252) with its
    /// line number before anything is simulated. `name` is how messages name the file.
    pub fn parse(
        name: &str,
        text: &str,
        days: u32,
        default_region: &str,
        state: &State,
    ) -> Result<Plan> {
        let error = |line: u64, why: &dyn std::fmt::Display| -> Error {
            Error::invalid(format!("{name} line {line}: {why}"))
                .hint("a plan has the header day,config_set,isp,volume[,region], then one row per volume, e.g. 0,newsletters,gmail,20000")
        };
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .trim(csv::Trim::All)
            .from_reader(text.as_bytes());
        let mut records = reader.records();
        let header = match records.next() {
            None => return Err(error(1, &"the file is empty; the header line is required")),
            Some(Err(e)) => return Err(error(1, &e)),
            Some(Ok(h)) => h,
        };
        let names: Vec<&str> = header.iter().collect();
        let with_region = match names.as_slice() {
            ["day", "config_set", "isp", "volume"] => false,
            ["day", "config_set", "isp", "volume", "region"] => true,
            _ => {
                return Err(error(
                    header.position().map_or(1, |p| p.line()),
                    &format!(
                        "expected the header day,config_set,isp,volume[,region], found '{}'",
                        names.join(",")
                    ),
                ));
            }
        };
        // The sets of each named region, read once.
        let mut known: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        let mut rows = Vec::new();
        let mut totals: BTreeMap<(u32, String, String, usize), u64> = BTreeMap::new();
        for record in records {
            let record = record.map_err(|e| {
                let line = e.position().map_or(0, |p| p.line());
                error(line, &e)
            })?;
            let line = record.position().map_or(0, |p| p.line());
            let fields: Vec<&str> = record.iter().collect();
            // A blank line (a trailing newline, CRLF leftovers) is not a row.
            if fields.iter().all(|f| f.is_empty()) {
                continue;
            }
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
                    return Err(error(
                        line,
                        &format!("expected {expected} fields, found {}", fields.len()),
                    ));
                }
            };
            let day: u32 = day.parse().ok().filter(|d| *d < days).ok_or_else(|| {
                error(
                    line,
                    &format!("day '{day}' is not a day of this run (0 to {})", days - 1),
                )
            })?;
            if !is_region(region) {
                return Err(error(line, &format!("'{region}' is not a region name")));
            }
            if !known.contains_key(region) {
                let sets = state.region(region).configuration_sets.get()?;
                known.insert(region.to_string(), sets.keys().cloned().collect());
            }
            if !known[region].contains(cs) {
                return Err(error(
                    line,
                    &format!("unknown configuration set '{cs}' in {region}"),
                ));
            }
            let isp_index = state.model.isp_index(isp).ok_or_else(|| {
                error(
                    line,
                    &format!(
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
                error(line, &format!("volume '{volume}' {why}"))
            })?;
            // Rows for the same day, set and ISP add up: the sum obeys the same bound.
            let total = totals
                .entry((day, region.to_string(), cs.to_string(), isp_index))
                .or_default();
            *total = total.saturating_add(volume);
            if *total > MAX_DAILY_VOLUME {
                return Err(error(
                    line,
                    &format!(
                        "{} messages to {isp} through {cs} on day {day} is more than the most sesm simulates per ISP and day ({MAX_DAILY_VOLUME})",
                        *total
                    ),
                ));
            }
            rows.push(PlanRow {
                day,
                region: region.to_string(),
                config_set: cs.to_string(),
                isp: isp_index,
                volume,
            });
        }
        Ok(Plan { rows })
    }

    /// The configuration sets the plan sends through, per region.
    pub fn senders(&self) -> Senders {
        let mut senders = Senders::new();
        for row in &self.rows {
            senders
                .entry(row.region.clone())
                .or_default()
                .insert(row.config_set.clone());
        }
        senders
    }
}

/// `--days`: from 1 to `MAX_DAYS`.
pub fn check_days(days: u32) -> Result<()> {
    if days == 0 || days > MAX_DAYS {
        return Err(Error::invalid(format!(
            "--days must be from 1 to {MAX_DAYS}, not {days}"
        )));
    }
    Ok(())
}

/// The date a run of `days` days from `start` ends on (its last simulated day), or a refusal
/// (252) when the run would leave the calendar sesm supports.
pub fn end_date(start: Date, days: u32) -> Result<Date> {
    check_days(days)?;
    // One more day than the run: the clock moves to the day after its last.
    start
        .checked_add(jiff::Span::new().days(i64::from(days)))
        .ok()
        .and_then(|_| start.checked_add(jiff::Span::new().days(i64::from(days) - 1)).ok())
        .ok_or_else(|| {
            Error::invalid(format!(
                "a run of {days} day{} from {start} would move the clock past {}, the last date sesm supports",
                if days == 1 { "" } else { "s" },
                Date::MAX
            ))
            .hint("simulate fewer days, or start the account's clock earlier with SESM_TODAY and sesm state reset")
        })
}

/// Simulates `days` days of `state` with the given demand and writes the result (model
/// state, metrics, usage, clock) into `state`.
pub fn simulate(state: &mut State, days: u32, demand: Demand) -> Result<RunReport> {
    let end = end_date(state.date, days)?;
    let mut senders = World::standing_senders(state);
    let plan = match demand {
        Demand::Standing => None,
        Demand::Plan(plan) => {
            // The plan replaces the standing traffic; mail sent today still goes out.
            for (region, r) in &state.regions {
                let sent = r.pending.keys().filter(|s| !s.is_empty()).cloned();
                senders.insert(region.clone(), sent.collect());
            }
            for (region, sets) in plan.senders() {
                senders.entry(region).or_default().extend(sets);
            }
            Some(plan)
        }
        Demand::StandingPlus(plan) => {
            for (region, sets) in plan.senders() {
                senders.entry(region).or_default().extend(sets);
            }
            Some(plan)
        }
    };
    let world = World::new(state, &senders)?;
    let standing = match demand {
        Demand::Plan(_) => world.no_demand(),
        _ => world.standing_demand(state),
    };
    let planned: Vec<DayDemand> = match plan {
        Some(plan) => world.plan_demand(plan, days, &standing),
        None => Vec::new(),
    };
    // Mail sent today (SendEmail, `sesm send`) goes out on the first day, the tracked
    // recipients the live clock decided about first (`live`).
    let mut world = world;
    let mut first = planned.first().cloned().unwrap_or_else(|| standing.clone());
    world.reserve(state, &first);
    World::add_demand(&mut first, &world.pending_demand(state));
    let report = super::run(state, world, days, end, |day| match day {
        0 => first.clone(),
        _ => planned
            .get(day as usize)
            .cloned()
            .unwrap_or_else(|| standing.clone()),
    })?;
    for region in state.regions.values_mut() {
        region.pending.clear();
        region.ledger = crate::model::ledger::Ledger::default();
    }
    Ok(report)
}
