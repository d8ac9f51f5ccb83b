//! The dashboard's two views of `ops::dashboard`'s figures: the terminal view (a panel per
//! pool, sparklines fitted to the width) and the self-contained HTML page (`--html`).

use super::html::{Chart, ChartKind, Page, Section, Series};
use super::{Block, Column, Render, View, sparkline, thousands, usd};
use crate::model::metrics::percent;
use crate::ops::dashboard::{Daily, Dashboard, IspPanel, PoolPanel, SendingStatus};

/// The self-contained HTML page of the dashboard.
pub fn html(d: &Dashboard) -> String {
    super::html::render(&page(d))
}

impl Render for Dashboard {
    fn table(&self, v: &View) -> Option<Vec<Block>> {
        Some(terminal(self, v.color, v.width))
    }

    fn fits_width(&self) -> bool {
        true
    }
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

/// The events of the window by type: "Send 12, Delivery 10, DeliveryDelay 2, Bounce 0,
/// Complaint 0" (what the pool's configuration sets' event destinations received).
fn event_totals(d: &Daily) -> String {
    crate::ops::dashboard::COUNTED_EVENTS
        .iter()
        .map(|t| {
            let n: u64 = d.events.get(*t).map_or(0, |v| v.iter().sum());
            format!("{t} {}", thousands(n))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// A pool's ISPs on its last day: demand, sends, capacity and the capacity-weighted warm-up
/// with its trend (the busiest six).
fn isp_table(p: &PoolPanel, width: usize) -> Vec<Block> {
    let n = p.daily.dates.len();
    if p.isps.is_empty() || n == 0 {
        return Vec::new();
    }
    let trend = width.saturating_sub(56).clamp(8, n.max(8));
    let rows = p
        .isps
        .iter()
        .take(6)
        .map(|i| {
            vec![
                i.isp.clone(),
                thousands(i.demand_last_day),
                thousands(i.sent_last_day),
                i.capacity_last_day
                    .map_or_else(|| "no cap".into(), thousands),
                format!("{:.0}", i.capacity_warmup_percentage),
                sparkline::fit(&i.capacity_warmup_history, trend),
            ]
        })
        .collect();
    vec![
        Block::Blank,
        Block::Line(format!(
            "ISP capacity and warm-up (what the IPs can take of its demand), last day ({}):",
            p.daily.dates[n - 1]
        )),
        Block::table(
            vec![
                Column::left("ISP"),
                Column::right("Demand"),
                Column::right("Sent"),
                Column::right("Capacity"),
                Column::right("Warm-up %"),
                Column::left("Trend"),
            ],
            rows,
        ),
    ]
}

/// The terminal view: a panel per pool, laid out in `width` columns.
pub fn terminal(d: &Dashboard, color: bool, width: usize) -> Vec<Block> {
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
            p.scaling_mode.as_str(),
            p.dedicated_ip_count,
            if p.dedicated_ip_count == 1 { "" } else { "s" },
            style(
                p.sending_status.as_str(),
                p.sending_status == SendingStatus::Dedicated
            )
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
                    p.daily.dedicated[i].saturating_add(p.daily.shared[i]),
                )
            })
            .collect();
        let as_f64 = |v: &[u64]| v.iter().map(|&x| x as f64).collect::<Vec<_>>();
        blocks.push(Block::fields([
            (
                "Dedicated, 7 days".to_string(),
                format!(
                    "{} sent ({:.1} % of sends)",
                    thousands(p.dedicated_send_volume_last_7_days),
                    p.dedicated_percentage_last_7_days
                ),
            ),
            (
                "Shared, 7 days".to_string(),
                thousands(p.shared_last_7_days),
            ),
            (
                "Deferred, 7 days".to_string(),
                format!(
                    "{}, expired {}",
                    thousands(p.deferred_last_7_days),
                    thousands(p.expired_last_7_days)
                ),
            ),
            ("Events, window".to_string(), event_totals(&p.daily)),
            (
                "Deferred, window".to_string(),
                format!(
                    "{}, expired {}",
                    thousands(p.deferred_in_window),
                    thousands(p.expired_in_window)
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
                    sparkline::fit(&dedicated_share, spark),
                    dedicated_share[0],
                    dedicated_share[n - 1]
                ),
            ),
            (
                "Daily volume".to_string(),
                format!(
                    "{}  peak {}",
                    sparkline::fit(&as_f64(&p.daily.demand), spark),
                    thousands(p.daily.demand.iter().copied().max().unwrap_or(0))
                ),
            ),
            (
                "Deferred per day".to_string(),
                sparkline::fit(&as_f64(&p.daily.deferred), spark),
            ),
            (
                "IPs".to_string(),
                format!(
                    "{}  {} now",
                    sparkline::fit_max(
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
        blocks.extend(isp_table(p, width));
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

/// The stacked bars of each day's mail by outcome, in the order of `OUTCOMES`: dedicated,
/// shared, deferred to the next day, expired (a partition, so the bars add up).
pub(super) fn outcome_chart(title: &str, dates: Vec<String>, outcomes: [&[u64]; 4]) -> Chart {
    Chart {
        id: "volume",
        title: title.into(),
        kind: ChartKind::StackedBars,
        labels: dates,
        series: OUTCOMES
            .iter()
            .zip(outcomes)
            .map(|(&(name, color), values)| Series {
                name: name.to_string(),
                color,
                values: values.iter().map(|&x| x as f64).collect(),
            })
            .collect(),
        y_label: "messages per day".into(),
        y_max: None,
    }
}

pub(super) fn isp_color(state_order: &[String], isp: &str) -> &'static str {
    let i = state_order.iter().position(|n| n == isp).unwrap_or(0);
    ISP_COLORS[i % ISP_COLORS.len()]
}

/// One pool's section: its facts and the four charts.
fn section(p: &PoolPanel, order: &[String]) -> Section {
    let dates: Vec<String> = p.daily.dates.iter().map(|d| d.to_string()).collect();
    // A partition of the day's mail (new and retried), so the bars add up.
    let outcomes = [
        p.daily.dedicated.as_slice(),
        &p.daily.shared,
        &p.daily.deferred_to_next_day,
        &p.daily.expired,
    ];
    let mut by_isp_capacity: Vec<&IspPanel> = p.isps.iter().collect();
    by_isp_capacity.sort_by_key(|i| order.iter().position(|n| *n == i.isp));
    Section {
        title: format!("{} ({})", p.pool_name, p.scaling_mode.as_str()),
        status: (
            p.sending_status.as_str().to_string(),
            p.sending_status != SendingStatus::Dedicated,
        ),
        facts: vec![
            ("Dedicated IPs".into(), p.dedicated_ip_count.to_string()),
            (
                "Sent via dedicated IPs, last 7 days".into(),
                thousands(p.dedicated_send_volume_last_7_days),
            ),
            (
                "Dedicated sending, last 7 days".into(),
                format!("{:.1} %", p.dedicated_percentage_last_7_days),
            ),
            (
                "Deferred, last 7 days".into(),
                thousands(p.deferred_last_7_days),
            ),
            (
                "Expired, last 7 days".into(),
                thousands(p.expired_last_7_days),
            ),
            ("Events published, window".into(), event_totals(&p.daily)),
            (
                "Window".into(),
                match (dates.first(), dates.last()) {
                    (Some(a), Some(b)) => format!("{a} to {b}"),
                    _ => "no simulated days".into(),
                },
            ),
        ],
        charts: vec![
            outcome_chart(
                "Daily mail by outcome (new and retried)",
                dates.clone(),
                outcomes,
            ),
            // Capacity-weighted (what the pool can take of the ISP's demand), for
            // managed and standard pools alike: a new IP does not pull it down.
            Chart {
                id: "warmup",
                title: "Warm-up per ISP (what the IPs can take of its demand)".into(),
                kind: ChartKind::Lines,
                labels: dates.clone(),
                series: p
                    .isps
                    .iter()
                    .map(|i| Series {
                        name: i.isp.clone(),
                        color: isp_color(order, &i.isp),
                        values: i.capacity_warmup_history.clone(),
                    })
                    .collect(),
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
                title: match dates.last() {
                    Some(last) => format!("Capacity vs sends per ISP, {last}"),
                    None => "Capacity vs sends per ISP".into(),
                },
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
}

/// The HTML page: one section per pool with the four charts.
pub fn page(d: &Dashboard) -> Page {
    let order = &d.isp_order;
    let sections = d.pools.iter().map(|p| section(p, order)).collect();
    Page {
        title: format!("sesm dashboard · {}", d.region),
        subtitle: format!(
            "Account clock {} · cost to date {} (estimates, not AWS prices)",
            d.date,
            usd(d.cost_to_date)
        ),
        lead: None,
        sections,
        footer: "Generated by sesm. The warm-up model's numbers are calibrated estimates, not figures published by AWS.".into(),
    }
}
