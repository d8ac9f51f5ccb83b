//! What a simulated day and a run report: the `simulate -o json` shapes of `warmup-model.md`,
//! and the metrics columns they are stored as.

use std::collections::BTreeMap;

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use super::managed::Phase;
pub use crate::model::Mail;
use crate::model::{MonthUsage, PoolMetrics, Region, ScalingMode, State, cost};

/// How a pool in a report sends: SES's two kinds of dedicated pool, or the shared IPs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum PoolMode {
    Standard,
    Managed,
    /// `ses-shared-pool`: mail with no dedicated IP to go through.
    Shared,
}

impl PoolMode {
    pub fn as_str(self) -> &'static str {
        match self {
            PoolMode::Standard => "STANDARD",
            PoolMode::Managed => "MANAGED",
            PoolMode::Shared => "SHARED",
        }
    }
}

impl From<ScalingMode> for PoolMode {
    fn from(m: ScalingMode) -> Self {
        match m {
            ScalingMode::Standard => PoolMode::Standard,
            ScalingMode::Managed => PoolMode::Managed,
        }
    }
}

/// `Days[].Isps[]`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct IspDay {
    pub isp: String,
    #[serde(flatten)]
    pub mail: Mail,
    /// Always set by the model (v2: a standard pool's is `K_i + W`); `Option` because the
    /// metrics columns it is stored in read older states, where a `DONE` IP had no cap.
    pub effective_daily_rate: Option<u64>,
    pub warmup_percentage: f64,
    /// The pool's warm-up for the ISP, capacity-weighted: `100 × min(1, EDR / ref)` with
    /// `ref` the day's demand, else the ISP's largest demand of the previous `HistoryDays`
    /// days (0 without any); sesm's extra key, which a new IP does not pull down.
    pub capacity_warmup_percentage: f64,
    pub phase: Phase,
    /// Yesterday's deferred mail that came in today (sesm's extra key, for checking
    /// `Queued + Demand = SentDedicated + SentShared + Expired + tomorrow's Queued`).
    pub queued: u64,
}

impl IspDay {
    /// Whether the ISP had demand or deferred mail to retry.
    pub fn is_active(&self) -> bool {
        self.mail.demand > 0 || self.queued > 0
    }

    /// Deferred mail kept for a retry the next day (the rest of the deferred mail expired):
    /// by conservation, `queued + demand - dedicated - shared - expired`.
    pub fn kept_for_tomorrow(&self) -> u64 {
        let m = &self.mail;
        self.queued.saturating_add(m.demand).saturating_sub(
            m.sent_dedicated
                .saturating_add(m.sent_shared)
                .saturating_add(m.expired),
        )
    }
}

/// `Days[]`: one pool on one date.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DayReport {
    pub date: Date,
    pub region: String,
    pub pool_name: String,
    pub scaling_mode: PoolMode,
    pub dedicated_ip_count: u32,
    pub scale_event: i32,
    pub isps: Vec<IspDay>,
}

impl DayReport {
    /// The day's mail summed over the pool's ISPs.
    pub fn total(&self) -> Mail {
        Mail::total(self.isps.iter().map(|i| &i.mail))
    }

    /// One ISP's figures, if it was active that day.
    pub fn isp(&self, name: &str) -> Option<&IspDay> {
        self.isps.iter().find(|i| i.isp == name)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct PoolSummary {
    pub region: String,
    pub pool_name: String,
    #[serde(flatten)]
    pub totals: Mail,
    /// IPs the pool held at the end of the run.
    pub dedicated_ip_count: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct IspSummary {
    pub isp: String,
    #[serde(flatten)]
    pub totals: Mail,
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
    /// How many days the run simulated.
    pub fn days_simulated(&self) -> i64 {
        (self.end_date - self.start_date).get_days() as i64 + 1
    }

    /// Builds the report of a run from its days (with every ISP, as `World::step` returns
    /// them); each day keeps the ISPs that had demand or deferred mail, as the spec says.
    /// `end` is the last simulated date.
    pub fn new(
        start: Date,
        end: Date,
        mut reports: Vec<DayReport>,
        added: &BTreeMap<String, MonthUsage>,
        state: &State,
    ) -> RunReport {
        for day in &mut reports {
            day.isps.retain(IspDay::is_active);
        }
        let mut pools: BTreeMap<(String, String), PoolSummary> = BTreeMap::new();
        let mut isps: BTreeMap<usize, Mail> = BTreeMap::new();
        for day in &reports {
            let entry = pools
                .entry((day.region.clone(), day.pool_name.clone()))
                .or_insert_with(|| PoolSummary {
                    region: day.region.clone(),
                    pool_name: day.pool_name.clone(),
                    totals: Mail::default(),
                    dedicated_ip_count: 0,
                });
            entry.dedicated_ip_count =
                (i64::from(day.dedicated_ip_count) + i64::from(day.scale_event)).max(0) as u32;
            for isp in &day.isps {
                entry.totals.add(&isp.mail);
                let index = state.model.isp_index(&isp.isp).unwrap_or(usize::MAX);
                isps.entry(index).or_default().add(&isp.mail);
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
        .filter(|d| {
            d.is_active()
                || d.warmup_percentage > 0.0
                || d.capacity_warmup_percentage > 0.0
                || m.isps.contains_key(&d.isp)
        })
        .collect();
    for isp in keep {
        let col = m.isps.entry(isp.isp.clone()).or_default();
        col.fill_to(len);
        col.push_mail(&isp.mail);
        col.queued.push(isp.queued);
        col.effective_daily_rate.push(isp.effective_daily_rate);
        col.warmup_percentage.push(isp.warmup_percentage);
        col.capacity_warmup_percentage
            .push(isp.capacity_warmup_percentage);
    }
    // ISPs without activity today get a zero row so the columns stay aligned with `dates`.
    for col in m.isps.values_mut() {
        col.fill_to(len + 1);
    }
    Ok(())
}
