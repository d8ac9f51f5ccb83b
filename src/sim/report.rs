//! What a simulated day and a run report: the `simulate -o json` shapes of `warmup-model.md`,
//! and the metrics columns they are stored as.

use std::collections::BTreeMap;

use jiff::civil::Date;
use serde::Serialize;

use super::managed::Phase;
use crate::model::{MonthUsage, PoolMetrics, Region, State, cost};

/// `Days[].Isps[]`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct IspDay {
    pub isp: String,
    pub demand: u64,
    pub sent_dedicated: u64,
    pub retried: u64,
    pub sent_shared: u64,
    pub deferred: u64,
    pub expired: u64,
    /// `null` for a standard pool whose `DONE` IP has no cap.
    pub effective_daily_rate: Option<u64>,
    pub warmup_percentage: f64,
    pub phase: Phase,
    /// Yesterday's deferred mail that came in today (sesm's extra key, for checking
    /// `Queued + Demand = SentDedicated + SentShared + Expired + tomorrow's Queued`).
    pub queued: u64,
}

impl IspDay {
    /// Whether the ISP had demand or deferred mail to retry.
    pub fn is_active(&self) -> bool {
        self.demand > 0 || self.queued > 0
    }
}

/// `Days[]`: one pool on one date.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DayReport {
    pub date: Date,
    pub region: String,
    pub pool_name: String,
    pub scaling_mode: &'static str,
    pub dedicated_ip_count: u32,
    pub scale_event: i32,
    pub isps: Vec<IspDay>,
}

/// Totals of a run, per pool or per ISP.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Totals {
    pub demand: u64,
    pub sent_dedicated: u64,
    pub retried: u64,
    pub sent_shared: u64,
    pub deferred: u64,
    pub expired: u64,
}

impl Totals {
    fn add(&mut self, d: &IspDay) {
        self.demand += d.demand;
        self.sent_dedicated += d.sent_dedicated;
        self.retried += d.retried;
        self.sent_shared += d.sent_shared;
        self.deferred += d.deferred;
        self.expired += d.expired;
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct PoolSummary {
    pub region: String,
    pub pool_name: String,
    #[serde(flatten)]
    pub totals: Totals,
    /// IPs the pool held at the end of the run.
    pub dedicated_ip_count: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct IspSummary {
    pub isp: String,
    #[serde(flatten)]
    pub totals: Totals,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Summary {
    pub pools: Vec<PoolSummary>,
    pub isps: Vec<IspSummary>,
    /// Estimated USD for the simulated days (all regions; unrounded).
    pub cost: f64,
}

/// The result of `simulate`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct RunReport {
    pub start_date: Date,
    pub end_date: Date,
    pub days: Vec<DayReport>,
    pub summary: Summary,
}

impl RunReport {
    /// Builds the report of a run from its days (with every ISP, as `World::step` returns
    /// them); each day keeps the ISPs that had demand or deferred mail, as the spec says.
    pub fn new(
        start: Date,
        days: u32,
        mut reports: Vec<DayReport>,
        added: &BTreeMap<String, MonthUsage>,
        state: &State,
    ) -> RunReport {
        for day in &mut reports {
            day.isps.retain(IspDay::is_active);
        }
        let end = (0..days.saturating_sub(1))
            .fold(start, |d, _| d.tomorrow().expect("dates stay in range"));
        let mut pools: BTreeMap<(String, String), PoolSummary> = BTreeMap::new();
        let mut isps: BTreeMap<usize, Totals> = BTreeMap::new();
        for day in &reports {
            let entry = pools
                .entry((day.region.clone(), day.pool_name.clone()))
                .or_insert_with(|| PoolSummary {
                    region: day.region.clone(),
                    pool_name: day.pool_name.clone(),
                    totals: Totals::default(),
                    dedicated_ip_count: 0,
                });
            entry.dedicated_ip_count =
                (day.dedicated_ip_count as i64 + i64::from(day.scale_event)).max(0) as u32;
            for isp in &day.isps {
                entry.totals.add(isp);
                let index = state.model.isp_index(&isp.isp).unwrap_or(usize::MAX);
                isps.entry(index).or_default().add(isp);
            }
        }
        let isps = isps
            .into_iter()
            .map(|(i, totals)| IspSummary {
                isp: state
                    .model
                    .isps
                    .get(i)
                    .map_or_else(String::new, |p| p.isp.clone()),
                totals,
            })
            .collect();
        RunReport {
            start_date: start,
            end_date: end,
            days: reports,
            summary: Summary {
                pools: pools.into_values().collect(),
                isps,
                cost: cost::cost_of(added, &state.usage, &state.prices),
            },
        }
    }
}

/// Appends one day of one pool to the region's metrics columns.
pub fn append_metrics(region: &mut Region, day: &DayReport) -> crate::error::Result<()> {
    let m: &mut PoolMetrics = region
        .metrics
        .get_mut()?
        .entry(day.pool_name.clone())
        .or_default();
    let len = m.dates.len();
    m.dates.push(day.date);
    m.dedicated_ip_count.push(day.dedicated_ip_count);
    m.scale_event.push(day.scale_event);
    // ISPs the pool never sent to and never warmed for stay out, to keep the state small.
    let keep: Vec<&IspDay> = day
        .isps
        .iter()
        .filter(|d| d.is_active() || d.warmup_percentage > 0.0 || m.isps.contains_key(&d.isp))
        .collect();
    for isp in keep {
        let col = m.isps.entry(isp.isp.clone()).or_default();
        col.fill_to(len);
        col.demand.push(isp.demand);
        col.sent_dedicated.push(isp.sent_dedicated);
        col.retried.push(isp.retried);
        col.queued.push(isp.queued);
        col.sent_shared.push(isp.sent_shared);
        col.deferred.push(isp.deferred);
        col.expired.push(isp.expired);
        col.effective_daily_rate.push(isp.effective_daily_rate);
        col.warmup_percentage.push(isp.warmup_percentage);
    }
    // ISPs without activity today get a zero row so the columns stay aligned with `dates`.
    for col in m.isps.values_mut() {
        col.fill_to(len + 1);
    }
    Ok(())
}
