//! sesm's `GetDashboard`: the figures of each pool at a glance, modelled on the SES console's
//! managed-pool view. `output::dashboard` draws them in the terminal and as an HTML page;
//! `-o json` prints them.

use std::collections::BTreeMap;

use jiff::civil::Date;
use serde::Serialize;

use crate::error::Result;
use crate::model::metrics::{PoolSeries, percent};
use crate::model::names::check_pool_name;
use crate::model::publishing::EventRecord;
use crate::model::{DEFAULT_POOL, Mail, Region, ScalingMode, State, cost};

/// What the console shows next to a pool's name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum SendingStatus {
    /// The pool has IPs and sends through them.
    #[serde(rename = "Sending via dedicated IPs")]
    Dedicated,
    /// The pool has IPs but no mail was sent with it in the window: nothing is "sending".
    #[serde(rename = "Idle: no mail in this window")]
    Idle,
    /// A managed pool SES has not given IPs yet: too little mail so far.
    #[serde(rename = "Insufficient volume")]
    InsufficientVolume,
    /// A standard pool without IPs: its mail goes through shared IPs.
    #[serde(rename = "Sending via shared IPs")]
    Shared,
}

impl SendingStatus {
    /// The status of a pool with `ips` IPs whose window had `demand` messages.
    pub fn of(mode: ScalingMode, ips: usize, demand: u64) -> SendingStatus {
        match (ips, mode) {
            (0, ScalingMode::Managed) => SendingStatus::InsufficientVolume,
            (0, ScalingMode::Standard) => SendingStatus::Shared,
            _ if demand == 0 => SendingStatus::Idle,
            _ => SendingStatus::Dedicated,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            SendingStatus::Dedicated => "Sending via dedicated IPs",
            SendingStatus::Idle => "Idle: no mail in this window",
            SendingStatus::InsufficientVolume => "Insufficient volume",
            SendingStatus::Shared => "Sending via shared IPs",
        }
    }
}

/// One ISP's panel: sends vs capacity on the last day, and its warm-up over the window.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct IspPanel {
    pub isp: String,
    pub demand_last_day: u64,
    pub sent_last_day: u64,
    /// The effective daily rate (`null` only in metrics from before model v2, where a
    /// standard pool's DONE IP had no cap).
    pub capacity_last_day: Option<u64>,
    /// The `WarmupPercentage` metric: a managed pool's mean of its IPs' levels, a standard
    /// pool's mean of its IPs' SES percentages.
    pub warmup_percentage: f64,
    pub warmup_history: Vec<f64>,
    /// The pool's warm-up for the ISP, capacity-weighted: what it can take of the ISP against
    /// the ISP's demand (`CapacityWarmupPercentage`), which the views draw.
    pub capacity_warmup_percentage: f64,
    pub capacity_warmup_history: Vec<f64>,
    pub demand_in_window: u64,
}

/// Per-day series over the window: one entry per calendar day, days without mail included.
#[derive(Debug, Default, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Daily {
    pub dates: Vec<Date>,
    #[serde(rename = "Demand")]
    pub demand: Vec<u64>,
    #[serde(rename = "Dedicated")]
    pub dedicated: Vec<u64>,
    #[serde(rename = "Shared")]
    pub shared: Vec<u64>,
    pub deferred: Vec<u64>,
    pub expired: Vec<u64>,
    /// Mail deferred and kept for a retry the next day (the rest of the deferred mail expired).
    pub deferred_to_next_day: Vec<u64>,
    pub dedicated_ip_count: Vec<u32>,
    pub scale_event: Vec<i32>,
    /// Events published for the pool's mail per day, by type (`Send`, `Delivery`,
    /// `DeliveryDelay`, `Bounce`, `Complaint`): what its event destinations received.
    pub events: BTreeMap<String, Vec<u64>>,
}

/// The event types the dashboard counts per day.
pub const COUNTED_EVENTS: [&str; 5] = ["Send", "Delivery", "DeliveryDelay", "Bounce", "Complaint"];

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct PoolPanel {
    pub pool_name: String,
    pub scaling_mode: ScalingMode,
    pub sending_status: SendingStatus,
    pub dedicated_ip_count: usize,
    pub dedicated_send_volume_last_7_days: u64,
    pub dedicated_percentage_last_7_days: f64,
    pub shared_last_7_days: u64,
    pub deferred_last_7_days: u64,
    pub expired_last_7_days: u64,
    pub deferred_in_window: u64,
    pub expired_in_window: u64,
    /// ISPs with demand in the window, busiest on the last day first.
    pub isps: Vec<IspPanel>,
    pub daily: Daily,
    pub configuration_sets: Vec<String>,
    pub tags: Vec<String>,
    pub identities: Vec<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Dashboard {
    pub region: String,
    /// The account clock (the next day to simulate).
    pub date: Date,
    pub cost_to_date: f64,
    pub pools: Vec<PoolPanel>,
    /// The state's ISP table order, which fixes each ISP's colour and place in the charts.
    #[serde(skip)]
    pub isp_order: Vec<String>,
}

/// The calendar days of the window: the last `days` days before the clock, or (without
/// `days`) from the pool's first day with metrics.
fn window(first: Option<Date>, clock: Date, days: Option<u32>) -> Vec<Date> {
    let Some(last) = clock.yesterday().ok() else {
        return Vec::new();
    };
    let start = match days {
        Some(n) => jiff::Span::new()
            .try_days(i64::from(n) - 1)
            .ok()
            .and_then(|span| last.checked_sub(span).ok())
            .unwrap_or(Date::MIN),
        None => match first {
            Some(f) => f,
            None => return Vec::new(),
        },
    };
    let mut out = Vec::new();
    let mut d = start;
    while d <= last {
        out.push(d);
        match d.tomorrow() {
            Ok(next) => d = next,
            Err(_) => break,
        }
    }
    out
}

/// The figures of one pool over its window.
fn panel(
    state: &State,
    region: &Region,
    pool: &str,
    days: Option<u32>,
    events: &[EventRecord],
) -> Result<PoolPanel> {
    let m = match region.metrics.get()?.get(pool) {
        Some(stored) => stored.series(),
        None => PoolSeries::default(),
    };
    let dates = window(m.dates.first().copied(), state.date, days);
    let n = dates.len();
    // Where each stored day falls in the window (days without metrics stay zero).
    let at: Vec<Option<usize>> = dates
        .iter()
        .map(|d| m.dates.binary_search(d).ok())
        .collect();
    let mut daily = Daily {
        dedicated_ip_count: at
            .iter()
            .map(|i| i.map_or(0, |i| m.dedicated_ip_count[i]))
            .collect(),
        scale_event: at
            .iter()
            .map(|i| i.map_or(0, |i| m.scale_event[i]))
            .collect(),
        events: COUNTED_EVENTS
            .iter()
            .map(|t| (t.to_string(), vec![0; n]))
            .collect(),
        dates,
        ..Default::default()
    };
    for e in events.iter().filter(|e| e.pool_name == pool) {
        if let (Ok(i), Some(counts)) = (
            daily.dates.binary_search(&e.date),
            daily.events.get_mut(&e.event_type),
        ) {
            counts[i] += 1;
        }
    }
    let mut mail = vec![Mail::default(); n];
    let mut kept = vec![0u64; n];
    let mut isps = Vec::new();
    for isp in state.model.isp_names() {
        let Some(c) = m.isps.get(isp) else { continue };
        let mut demand_in_window = 0u64;
        let mut warmup_history = Vec::with_capacity(n);
        let mut capacity_warmup_history = Vec::with_capacity(n);
        for (k, i) in at.iter().enumerate() {
            let Some(i) = *i else {
                warmup_history.push(0.0);
                capacity_warmup_history.push(0.0);
                continue;
            };
            let day = c.day(i);
            mail[k].add(&day);
            kept[k] = kept[k].saturating_add(c.kept_for_tomorrow(i));
            demand_in_window = demand_in_window.saturating_add(day.demand);
            warmup_history.push(c.warmup_percentage[i]);
            capacity_warmup_history.push(c.capacity_warmup_percentage[i]);
        }
        if demand_in_window == 0 {
            continue;
        }
        let last = at.last().copied().flatten();
        isps.push(IspPanel {
            isp: isp.to_string(),
            demand_last_day: last.map_or(0, |i| c.mail.demand[i]),
            sent_last_day: last.map_or(0, |i| c.mail.sent_dedicated[i]),
            capacity_last_day: last.map_or(Some(0), |i| c.effective_daily_rate[i]),
            warmup_percentage: last.map_or(0.0, |i| c.warmup_percentage[i]),
            warmup_history,
            capacity_warmup_percentage: last.map_or(0.0, |i| c.capacity_warmup_percentage[i]),
            capacity_warmup_history,
            demand_in_window,
        });
    }
    isps.sort_by(|a, b| {
        b.demand_last_day
            .cmp(&a.demand_last_day)
            .then(b.demand_in_window.cmp(&a.demand_in_window))
    });
    daily.demand = mail.iter().map(|d| d.demand).collect();
    daily.dedicated = mail.iter().map(|d| d.sent_dedicated).collect();
    daily.shared = mail.iter().map(|d| d.sent_shared).collect();
    daily.deferred = mail.iter().map(|d| d.deferred).collect();
    daily.expired = mail.iter().map(|d| d.expired).collect();
    daily.deferred_to_next_day = kept;
    let week = Mail::total(&mail[n.saturating_sub(7)..]);
    let window_total = Mail::total(&mail);
    let ips = region.ips_of_pool(pool).count();
    let (mode, tags) = match region.pools.get(pool) {
        Some(p) => (
            p.scaling_mode,
            p.tags.iter().map(|(k, v)| format!("{k}={v}")).collect(),
        ),
        None => (ScalingMode::Standard, Vec::new()),
    };
    let configuration_sets = region.config_sets_of_pool(pool)?;
    let identities = region
        .identities
        .get()?
        .iter()
        .filter(|(_, id)| {
            id.configuration_set
                .as_ref()
                .is_some_and(|cs| configuration_sets.contains(cs))
        })
        .map(|(name, _)| name.clone())
        .collect();
    Ok(PoolPanel {
        pool_name: pool.to_string(),
        scaling_mode: mode,
        sending_status: SendingStatus::of(mode, ips, window_total.demand),
        dedicated_ip_count: ips,
        dedicated_send_volume_last_7_days: week.sent_dedicated,
        dedicated_percentage_last_7_days: percent(week.sent_dedicated, week.sent()),
        shared_last_7_days: week.sent_shared,
        deferred_last_7_days: week.deferred,
        expired_last_7_days: week.expired,
        deferred_in_window: window_total.deferred,
        expired_in_window: window_total.expired,
        isps,
        daily,
        configuration_sets,
        tags,
        identities,
    })
}

/// GetDashboard: one pool, or every pool of the region (with `ses-default-dedicated-pool`
/// when it has IPs or metrics); `days` limits the window to the last N calendar days.
pub fn get(
    s: &State,
    region_name: &str,
    pool: Option<&str>,
    days: Option<u32>,
    events: &[EventRecord],
) -> Result<Dashboard> {
    if let Some(days) = days {
        // A window is at most the longest run sesm simulates: beyond it every day is empty,
        // and a window back to the year -9999 would take gigabytes.
        crate::sim::plan::check_days(days)?;
    }
    let region = s.region(region_name);
    if let Some(pool) = pool {
        check_pool_name(pool)?;
        if pool != DEFAULT_POOL {
            region.existing_pool(pool, "shown")?;
        }
    }
    let pools: Vec<String> = match pool {
        Some(p) => vec![p.to_string()],
        None => {
            let mut names: Vec<String> = region.pools.keys().cloned().collect();
            if region.metrics.get()?.contains_key(DEFAULT_POOL)
                || region.ips_of_pool(DEFAULT_POOL).next().is_some()
            {
                names.push(DEFAULT_POOL.to_string());
                names.sort();
            }
            names
        }
    };
    Ok(Dashboard {
        region: region_name.to_string(),
        date: s.date,
        cost_to_date: cost::total(&s.usage, &s.prices),
        isp_order: s.model.isp_names().map(str::to_string).collect(),
        pools: pools
            .iter()
            .map(|p| {
                let mine: Vec<EventRecord> = events
                    .iter()
                    .filter(|e| e.region == region_name && e.pool_name == *p)
                    .cloned()
                    .collect();
                panel(s, region, p, days, &mine)
            })
            .collect::<Result<_>>()?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_window_counts_calendar_days() {
        let d = |m, day| Date::constant(2026, m, day);
        assert_eq!(window(Some(d(1, 1)), d(1, 5), None).len(), 4);
        assert_eq!(
            window(Some(d(1, 1)), d(1, 5), Some(2)),
            vec![d(1, 3), d(1, 4)]
        );
        assert_eq!(window(None, d(1, 5), None), Vec::<Date>::new());
        // A window longer than the pool's history reaches back before it.
        assert_eq!(window(Some(d(1, 4)), d(1, 5), Some(3)).len(), 3);
    }
}
