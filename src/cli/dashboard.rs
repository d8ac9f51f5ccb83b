//! `sesm dashboard`: each pool at a glance, modelled on the SES console's managed-pool view —
//! in the terminal, as one self-contained HTML page (`--html`), or as the JSON figures both
//! are drawn from (`-o json`).

use std::path::PathBuf;

use clap::Args;
use jiff::civil::Date;
use serde::Serialize;

use super::metrics::{sparkline_fit, sparkline_fit_max};
use super::{Ctx, complete};
use crate::error::{Error, Result};
use crate::model::metrics::PoolSeries;
use crate::model::names::check_pool_name;
use crate::model::{DEFAULT_POOL, Region, State, cost};
use crate::output::html::{self, Chart, ChartKind, Page, Section, Series};
use crate::output::{Block, Column, Output, thousands, usd};

#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  sesm dashboard\n  sesm dashboard --pool marketing --days 14\n  sesm dashboard --html dashboard.html\n\n\
The figures come from the metrics `simulate` stored; the model's numbers are estimates."
)]
pub struct DashboardArgs {
    /// Only this pool (default: every pool of the region)
    #[arg(long, add = complete::pools())]
    pub pool: Option<String>,
    /// Show the last N simulated days (default: all)
    #[arg(long, value_name = "N")]
    pub days: Option<u32>,
    /// Also write a self-contained HTML page with the charts to FILE
    #[arg(long, value_name = "FILE", value_hint = clap::ValueHint::FilePath)]
    pub html: Option<PathBuf>,
}

/// One ISP's panel: sends vs capacity on the last day, and its warm-up over the window.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct IspPanel {
    pub isp: String,
    pub demand_last_day: u64,
    pub sent_last_day: u64,
    /// The effective daily rate (`null`: no cap, a standard pool with a DONE IP).
    pub capacity_last_day: Option<u64>,
    pub warmup_percentage: f64,
    pub warmup_history: Vec<f64>,
    pub demand_in_window: u64,
}

/// Per-day series over the window.
#[derive(Debug, Default, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Daily {
    pub dates: Vec<Date>,
    pub demand: Vec<u64>,
    pub dedicated: Vec<u64>,
    pub shared: Vec<u64>,
    pub deferred: Vec<u64>,
    pub expired: Vec<u64>,
    /// Mail deferred and kept for a retry the next day (the rest of the deferred mail expired).
    pub deferred_to_next_day: Vec<u64>,
    pub dedicated_ip_count: Vec<u32>,
    pub scale_event: Vec<i32>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct PoolPanel {
    pub pool_name: String,
    pub scaling_mode: &'static str,
    pub sending_status: &'static str,
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

const SENDING: &str = "Sending via dedicated IPs";
const INSUFFICIENT: &str = "Insufficient volume";
const SHARED_ONLY: &str = "Sending via shared IPs";

fn sum<T: Copy + Into<u64>>(v: &[T]) -> u64 {
    v.iter().map(|&x| x.into()).sum()
}

fn percent(part: u64, whole: u64) -> f64 {
    if whole == 0 {
        0.0
    } else {
        100.0 * part as f64 / whole as f64
    }
}

/// The figures of one pool over the last `days` days of its metrics.
fn panel(state: &State, region: &Region, pool: &str, days: Option<u32>) -> Result<PoolPanel> {
    let m = &match region.metrics.get()?.get(pool) {
        Some(stored) => super::metrics::series(pool, stored)?,
        None => PoolSeries::default(),
    };
    let len = m.dates.len();
    let from = days.map_or(0, |d| len.saturating_sub(d as usize));
    let window = from..len;
    let mut daily = Daily {
        dates: m.dates[window.clone()].to_vec(),
        dedicated_ip_count: m.dedicated_ip_count[window.clone()].to_vec(),
        scale_event: m.scale_event[window.clone()].to_vec(),
        ..Default::default()
    };
    let n = daily.dates.len();
    for v in [
        &mut daily.demand,
        &mut daily.dedicated,
        &mut daily.shared,
        &mut daily.deferred,
        &mut daily.expired,
        &mut daily.deferred_to_next_day,
    ] {
        *v = vec![0; n];
    }
    let mut isps = Vec::new();
    for isp in state.model.isp_names() {
        let Some(c) = m.isps.get(isp) else { continue };
        for (k, i) in window.clone().enumerate() {
            daily.demand[k] += c.demand[i];
            daily.dedicated[k] += c.sent_dedicated[i];
            daily.shared[k] += c.sent_shared[i];
            daily.deferred[k] += c.deferred[i];
            daily.expired[k] += c.expired[i];
            // Conservation: queued + demand = dedicated + shared + expired + kept for tomorrow.
            daily.deferred_to_next_day[k] += (c.queued.get(i).copied().unwrap_or(0) + c.demand[i])
                .saturating_sub(c.sent_dedicated[i] + c.sent_shared[i] + c.expired[i]);
        }
        let demand_in_window = sum(&c.demand[window.clone()]);
        if demand_in_window == 0 {
            continue;
        }
        let last = len.saturating_sub(1);
        isps.push(IspPanel {
            isp: isp.to_string(),
            demand_last_day: c.demand[last],
            sent_last_day: c.sent_dedicated[last],
            capacity_last_day: c.effective_daily_rate[last],
            warmup_percentage: c.warmup_percentage[last],
            warmup_history: c.warmup_percentage[window.clone()].to_vec(),
            demand_in_window,
        });
    }
    isps.sort_by(|a, b| {
        b.demand_last_day
            .cmp(&a.demand_last_day)
            .then(b.demand_in_window.cmp(&a.demand_in_window))
    });
    let week = n.saturating_sub(7)..n;
    let dedicated_7 = sum(&daily.dedicated[week.clone()]);
    let shared_7 = sum(&daily.shared[week.clone()]);
    let ips = region.ips_of_pool(pool).count();
    let (mode, tags) = match region.pools.get(pool) {
        Some(p) => (
            p.scaling_mode.as_str(),
            p.tags.iter().map(|(k, v)| format!("{k}={v}")).collect(),
        ),
        None => ("STANDARD", Vec::new()),
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
        sending_status: match (ips, mode) {
            (0, "MANAGED") => INSUFFICIENT,
            (0, _) => SHARED_ONLY,
            _ => SENDING,
        },
        dedicated_ip_count: ips,
        dedicated_send_volume_last_7_days: dedicated_7,
        dedicated_percentage_last_7_days: percent(dedicated_7, dedicated_7 + shared_7),
        shared_last_7_days: shared_7,
        deferred_last_7_days: sum(&daily.deferred[week.clone()]),
        expired_last_7_days: sum(&daily.expired[week]),
        deferred_in_window: sum(&daily.deferred),
        expired_in_window: sum(&daily.expired),
        isps,
        daily,
        configuration_sets,
        tags,
        identities,
    })
}

pub fn build(
    state: &State,
    region_name: &str,
    pool: Option<&str>,
    days: Option<u32>,
) -> Result<Dashboard> {
    let region = state.region(region_name);
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
        date: state.date,
        cost_to_date: cost::months(&state.usage, &state.prices)
            .iter()
            .map(|m| m.total)
            .sum(),
        isp_order: state.model.isp_names().map(str::to_string).collect(),
        pools: pools
            .iter()
            .map(|p| panel(state, region, p, days))
            .collect::<Result<_>>()?,
    })
}

pub fn run(a: DashboardArgs, ctx: &Ctx) -> Result<Output> {
    let region = ctx.region()?;
    if a.days == Some(0) {
        return Err(Error::invalid("--days must be at least 1"));
    }
    let state = ctx.store()?.load()?;
    if let Some(pool) = &a.pool {
        check_pool_name(pool)?;
        if pool != DEFAULT_POOL {
            state.region(region).existing_pool(pool, "shown")?;
        }
    }
    let dashboard = build(&state, region, a.pool.as_deref(), a.days)?;
    let mut notices = Vec::new();
    if let Some(path) = &a.html {
        crate::store::write_output(path, &html::render(&page(&dashboard)))?;
        notices.push(format!("Wrote the dashboard to {}.", path.display()));
    }
    let color = ctx.color;
    let width = columns();
    let human = human(&dashboard, color, width);
    Ok(Output::new(dashboard).with_human(human).notices(notices))
}

/// The width to lay the terminal view out in: `COLUMNS` when set, else 100.
fn columns() -> usize {
    std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.parse().ok())
        .filter(|&c| c >= 40)
        .unwrap_or(100)
}

/// The scaling events of the window, "+1 on 2026-11-26, −1 on 2027-01-08", the latest that
/// fit in `width` characters.
fn ip_changes(d: &Daily, width: usize) -> String {
    let events: Vec<String> = d
        .scale_event
        .iter()
        .enumerate()
        .filter(|(_, e)| **e != 0)
        .map(|(i, e)| format!("{e:+} on {}", d.dates[i]))
        .collect();
    if events.is_empty() {
        return "none".into();
    }
    // Keep the latest events that fit, with room for a "N earlier, " prefix.
    let mut keep = events.len();
    let text = |keep: usize| {
        let earlier = events.len() - keep;
        let prefix = if earlier > 0 {
            format!("{earlier} earlier, ")
        } else {
            String::new()
        };
        format!("{prefix}{}", events[events.len() - keep..].join(", "))
    };
    while keep > 1 && text(keep).chars().count() > width {
        keep -= 1;
    }
    text(keep)
}

fn human(d: &Dashboard, color: bool, width: usize) -> Vec<Block> {
    let style = |s: &str, good: bool| {
        if !color {
            return s.to_string();
        }
        let c = if good {
            anstyle::AnsiColor::Green
        } else {
            anstyle::AnsiColor::Yellow
        };
        let st = c.on_default().bold();
        format!("{st}{s}{st:#}")
    };
    let mut blocks = Vec::new();
    if d.pools.is_empty() {
        blocks.push(Block::Line(format!(
            "No pools in {}. Try: sesm demo",
            d.region
        )));
    }
    for p in &d.pools {
        let n = p.daily.dates.len();
        blocks.push(Block::Title(format!(
            "{} ({}, {} IP{}) · {}",
            p.pool_name,
            p.scaling_mode,
            p.dedicated_ip_count,
            if p.dedicated_ip_count == 1 { "" } else { "s" },
            style(p.sending_status, p.sending_status == SENDING)
        )));
        if n == 0 {
            blocks.push(Block::Line(
                "No simulated days yet: sesm simulate --days 30".into(),
            ));
            blocks.push(Block::Blank);
            continue;
        }
        let spark = width.saturating_sub(50).clamp(8, n.max(8));
        let dedicated_share: Vec<f64> = (0..n)
            .map(|i| {
                percent(
                    p.daily.dedicated[i],
                    p.daily.dedicated[i] + p.daily.shared[i],
                )
            })
            .collect();
        let as_f64 = |v: &[u64]| v.iter().map(|&x| x as f64).collect::<Vec<_>>();
        blocks.push(Block::fields([
            (
                "Dedicated, 7 days".to_string(),
                format!(
                    "{} sent ({:.1} % of sends)",
                    thousands(p.dedicated_send_volume_last_7_days as i64),
                    p.dedicated_percentage_last_7_days
                ),
            ),
            (
                "Shared, 7 days".to_string(),
                thousands(p.shared_last_7_days as i64),
            ),
            (
                "Deferred, 7 days".to_string(),
                format!(
                    "{}, expired {}",
                    thousands(p.deferred_last_7_days as i64),
                    thousands(p.expired_last_7_days as i64)
                ),
            ),
            (
                "Deferred, window".to_string(),
                format!(
                    "{}, expired {}",
                    thousands(p.deferred_in_window as i64),
                    thousands(p.expired_in_window as i64)
                ),
            ),
            (
                "Window".to_string(),
                format!(
                    "{} to {} ({n} days)",
                    p.daily.dates[0],
                    p.daily.dates[n - 1]
                ),
            ),
            (
                "Dedicated share".to_string(),
                format!(
                    "{}  {:.0} % → {:.0} %",
                    sparkline_fit(&dedicated_share, spark),
                    dedicated_share[0],
                    dedicated_share[n - 1]
                ),
            ),
            (
                "Daily volume".to_string(),
                format!(
                    "{}  peak {}",
                    sparkline_fit(&as_f64(&p.daily.demand), spark),
                    thousands(p.daily.demand.iter().copied().max().unwrap_or(0) as i64)
                ),
            ),
            (
                "Deferred per day".to_string(),
                sparkline_fit(&as_f64(&p.daily.deferred), spark),
            ),
            (
                "IPs".to_string(),
                format!(
                    "{}  {} now",
                    sparkline_fit_max(
                        &p.daily
                            .dedicated_ip_count
                            .iter()
                            .map(|&c| f64::from(c))
                            .collect::<Vec<_>>(),
                        spark
                    ),
                    p.dedicated_ip_count
                ),
            ),
            // 20 = the width of the labels column above.
            (
                "IP changes".to_string(),
                ip_changes(&p.daily, width.saturating_sub(20)),
            ),
        ]));
        if !p.isps.is_empty() {
            blocks.push(Block::Blank);
            blocks.push(Block::Line(format!(
                "ISP capacity and warm-up, last day ({}):",
                p.daily.dates[n - 1]
            )));
            let trend = width.saturating_sub(56).clamp(8, n.max(8));
            let rows = p
                .isps
                .iter()
                .take(6)
                .map(|i| {
                    vec![
                        i.isp.clone(),
                        thousands(i.demand_last_day as i64),
                        thousands(i.sent_last_day as i64),
                        i.capacity_last_day
                            .map_or_else(|| "no cap".into(), |c| thousands(c as i64)),
                        format!("{:.0}", i.warmup_percentage),
                        sparkline_fit(&i.warmup_history, trend),
                    ]
                })
                .collect();
            blocks.push(Block::table(
                vec![
                    Column::left("ISP"),
                    Column::right("Demand"),
                    Column::right("Sent"),
                    Column::right("Capacity"),
                    Column::right("Warm-up %"),
                    Column::left("Trend"),
                ],
                rows,
            ));
        }
        blocks.push(Block::Blank);
    }
    blocks.push(Block::Line(format!(
        "Cost to date: {} (account, estimate)",
        usd(d.cost_to_date)
    )));
    blocks
}

/// Colours of the outcomes and of the ISPs (table order) in the HTML charts.
const OUTCOMES: [(&str, &str); 4] = [
    ("Dedicated", "#1e8e3e"),
    ("Shared overflow", "#8fa3b8"),
    ("Deferred to the next day", "#f29900"),
    ("Expired", "#d93025"),
];
const ISP_COLORS: [&str; 9] = [
    "#d93025", "#1a73e8", "#7b1fa2", "#5f6368", "#e37400", "#00897b", "#c2185b", "#f9ab00",
    "#3949ab",
];

fn isp_color(state_order: &[String], isp: &str) -> &'static str {
    let i = state_order.iter().position(|n| n == isp).unwrap_or(0);
    ISP_COLORS[i % ISP_COLORS.len()]
}

/// The HTML page: one section per pool with the four charts.
pub fn page(d: &Dashboard) -> Page {
    let order = &d.isp_order;
    let sections = d
        .pools
        .iter()
        .map(|p| {
            let dates: Vec<String> = p.daily.dates.iter().map(|d| d.to_string()).collect();
            let f = |v: &[u64]| v.iter().map(|&x| x as f64).collect::<Vec<_>>();
            // A partition of the day's mail (new and retried), so the bars add up.
            let outcomes = [
                &p.daily.dedicated,
                &p.daily.shared,
                &p.daily.deferred_to_next_day,
                &p.daily.expired,
            ];
            let mut by_isp_capacity: Vec<&IspPanel> = p.isps.iter().collect();
            by_isp_capacity.sort_by_key(|i| order.iter().position(|n| *n == i.isp));
            Section {
                title: format!("{} ({})", p.pool_name, p.scaling_mode),
                status: (p.sending_status.to_string(), p.sending_status != SENDING),
                facts: vec![
                    ("Dedicated IPs".into(), p.dedicated_ip_count.to_string()),
                    (
                        "Sent via dedicated IPs, last 7 days".into(),
                        thousands(p.dedicated_send_volume_last_7_days as i64),
                    ),
                    (
                        "Dedicated sending, last 7 days".into(),
                        format!("{:.1} %", p.dedicated_percentage_last_7_days),
                    ),
                    (
                        "Deferred, last 7 days".into(),
                        thousands(p.deferred_last_7_days as i64),
                    ),
                    (
                        "Expired, last 7 days".into(),
                        thousands(p.expired_last_7_days as i64),
                    ),
                    (
                        "Window".into(),
                        match (dates.first(), dates.last()) {
                            (Some(a), Some(b)) => format!("{a} to {b}"),
                            _ => "no simulated days".into(),
                        },
                    ),
                ],
                charts: vec![
                    Chart {
                        id: "volume",
                        title: "Daily mail by outcome (new and retried)".into(),
                        kind: ChartKind::StackedBars,
                        labels: dates.clone(),
                        series: OUTCOMES
                            .iter()
                            .zip(outcomes)
                            .map(|((name, color), values)| Series {
                                name: name.to_string(),
                                color,
                                values: f(values),
                            })
                            .collect(),
                        y_label: "messages per day".into(),
                        y_max: None,
                    },
                    Chart {
                        id: "warmup",
                        title: "Warm-up per ISP".into(),
                        kind: ChartKind::Lines,
                        labels: dates.clone(),
                        // A standard pool warms by time, the same for every ISP: one line.
                        series: if p.scaling_mode == "STANDARD" {
                            p.isps
                                .first()
                                .map(|i| Series {
                                    name: "every ISP (standard warm-up is by time)".into(),
                                    color: "#1a73e8",
                                    values: i.warmup_history.clone(),
                                })
                                .into_iter()
                                .collect()
                        } else {
                            p.isps
                                .iter()
                                .map(|i| Series {
                                    name: i.isp.clone(),
                                    color: isp_color(order, &i.isp),
                                    values: i.warmup_history.clone(),
                                })
                                .collect()
                        },
                        y_label: "warm-up %".into(),
                        y_max: Some(100.0),
                    },
                    Chart {
                        id: "ips",
                        title: "Dedicated IPs".into(),
                        kind: ChartKind::Steps,
                        labels: dates.clone(),
                        series: vec![Series {
                            name: "IPs in the pool".into(),
                            color: "#1a73e8",
                            values: p
                                .daily
                                .dedicated_ip_count
                                .iter()
                                .map(|&c| f64::from(c))
                                .collect(),
                        }],
                        y_label: "IPs".into(),
                        // A multiple of 4, so the quarter ticks are whole IPs.
                        y_max: Some(f64::from(
                            p.daily
                                .dedicated_ip_count
                                .iter()
                                .copied()
                                .max()
                                .unwrap_or(0)
                                .div_ceil(4)
                                .max(1)
                                * 4,
                        )),
                    },
                    Chart {
                        id: "capacity",
                        title: format!(
                            "Capacity vs sends per ISP, {}",
                            dates.last().map_or("", String::as_str)
                        ),
                        kind: ChartKind::GroupedBars,
                        labels: by_isp_capacity.iter().map(|i| i.isp.clone()).collect(),
                        series: vec![
                            Series {
                                name: "Demand".into(),
                                color: "#8fa3b8",
                                values: by_isp_capacity
                                    .iter()
                                    .map(|i| i.demand_last_day as f64)
                                    .collect(),
                            },
                            Series {
                                name: "Sent via dedicated IPs".into(),
                                color: "#1e8e3e",
                                values: by_isp_capacity
                                    .iter()
                                    .map(|i| i.sent_last_day as f64)
                                    .collect(),
                            },
                            Series {
                                name: "Capacity (effective daily rate)".into(),
                                color: "#1a73e8",
                                values: by_isp_capacity
                                    .iter()
                                    .map(|i| i.capacity_last_day.unwrap_or(i.sent_last_day) as f64)
                                    .collect(),
                            },
                        ],
                        y_label: "messages per day".into(),
                        y_max: None,
                    },
                ],
                lists: vec![
                    ("Configuration sets".into(), p.configuration_sets.clone()),
                    ("Tags".into(), p.tags.clone()),
                    ("Identities".into(), p.identities.clone()),
                ],
            }
        })
        .collect();
    Page {
        title: format!("sesm dashboard · {}", d.region),
        subtitle: format!(
            "Account clock {} · cost to date {} (estimates, not AWS prices)",
            d.date,
            usd(d.cost_to_date)
        ),
        sections,
        footer: "Generated by sesm. The warm-up model's numbers are calibrated estimates, not figures published by AWS.".into(),
    }
}
