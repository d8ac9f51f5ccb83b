//! The day tables of `simulate` and `demo`: a pool's day in one row, and the run's summary.

use std::collections::BTreeSet;

use super::{Block, Column, Render, View, thousands, usd};
use serde::{Serialize, Serializer};

use crate::model::Mail;
use crate::ops::demo::{DemoView, Highlight, pool_days};
use crate::ops::simulate::Simulated;
use crate::sim::managed::Phase;
use crate::sim::{DayReport, PoolMode, RunReport};

/// The columns of a day's figures, shared by `simulate` and `demo`.
fn day_columns() -> [Column; 6] {
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
fn day_figures(d: &DayReport) -> [String; 6] {
    let t = d.total();
    let ips = match d.scale_event {
        0 => d.dedicated_ip_count.to_string(),
        e => format!("{} ({e:+})", d.dedicated_ip_count),
    };
    [
        ips,
        thousands(t.demand),
        thousands(t.sent_dedicated),
        thousands(t.sent_shared),
        thousands(t.deferred),
        thousands(t.expired),
    ]
}

fn totals(t: &Mail) -> Vec<String> {
    vec![
        thousands(t.demand),
        thousands(t.sent_dedicated),
        thousands(t.sent_shared),
        thousands(t.deferred),
        thousands(t.expired),
    ]
}

fn figure_columns() -> Vec<Column> {
    vec![
        Column::right("Demand"),
        Column::right("Dedicated"),
        Column::right("Shared"),
        Column::right("Deferred"),
        Column::right("Expired"),
    ]
}

/// The table of a run: a row per pool and day, then totals per pool and per ISP.
pub fn run_table(r: &RunReport) -> Vec<Block> {
    let regions: BTreeSet<&str> = r.days.iter().map(|d| d.region.as_str()).collect();
    let multi_region = regions.len() > 1;
    let mut columns = vec![Column::left("Date")];
    if multi_region {
        columns.push(Column::left("Region"));
    }
    columns.push(Column::left("Pool"));
    columns.extend(day_columns());
    columns.push(Column::left("Warm-up % per ISP (capacity)"));
    // A day a pool had no mail and no change is a row of zeros: left out, and counted below.
    let idle = |d: &&DayReport| d.scale_event == 0 && d.total() == Mail::default();
    let idle_days = r.days.iter().filter(idle).count();
    let rows: Vec<Vec<String>> = r
        .days
        .iter()
        .filter(|d| !idle(d))
        .map(|d| {
            let warmup = d
                .isps
                .iter()
                .filter(|_| d.scaling_mode != PoolMode::Shared)
                .map(|i| format!("{} {:.0}", i.isp, i.capacity_warmup_percentage))
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
    let mut blocks = Vec::new();
    if !rows.is_empty() {
        blocks.push(Block::table(columns, rows));
    }
    if idle_days > 0 {
        blocks.push(Block::Line(format!(
            "{} without mail or change not shown (-o json lists every day).",
            super::count(idle_days as u64, "pool-day", "pool-days")
        )));
    }
    blocks.push(Block::Blank);
    blocks.push(Block::Title(format!(
        "Summary {} to {}",
        r.start_date, r.end_date
    )));
    let mut pool_columns = vec![
        Column::left("Region"),
        Column::left("Pool"),
        Column::right("IPs at end"),
    ];
    pool_columns.extend(figure_columns());
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
    // No mail, no ISP: no header over nothing.
    if !r.summary.isps.is_empty() {
        let mut isp_columns = vec![Column::left("ISP")];
        isp_columns.extend(figure_columns());
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
    }
    blocks.push(Block::Line(format!(
        "Estimated cost of these days: {} (estimates, not AWS prices quoted to you)",
        usd(r.summary.cost)
    )));
    blocks
}

impl Render for Simulated {
    fn table(&self, _: &View) -> Option<Vec<Block>> {
        Some(run_table(&self.report))
    }

    fn notices(&self, _: &View) -> Vec<String> {
        let r = &self.report;
        let days = r.days_simulated();
        vec![if self.dry_run {
            format!(
                "Dry run: simulated {} from {}; the state was not changed.",
                super::count(days, "day", "days"),
                r.start_date
            )
        } else {
            format!(
                "Simulated {}; the account clock is now {}.",
                super::count(days, "day", "days"),
                r.end_date.tomorrow().unwrap_or(r.end_date)
            )
        }]
    }
}

impl Render for DemoView {
    fn table(&self, _: &View) -> Option<Vec<Block>> {
        let r = &self.simulation;
        let a = &self.account;
        let (managed_pool, standard_pool, promotion_day) =
            (a.managed_pool, a.standard_pool, a.promotion_day);
        let isps = ["gmail", "microsoft", "yahoo", "orange"];
        let mut columns = vec![Column::right("Day"), Column::left("Date")];
        columns.extend(day_columns());
        columns.extend(isps.iter().map(|i| Column::right(format!("{i} %"))));
        let rows = pool_days(r, managed_pool)
            .filter(|(i, d)| {
                i % 7 == 0 || d.scale_event != 0 || (*i as u32).abs_diff(promotion_day) <= 1
            })
            .map(|(i, d)| {
                let mut row = vec![i.to_string(), d.date.to_string()];
                row.extend(day_figures(d));
                row.extend(isps.iter().map(|isp| {
                    d.isp(isp).map_or_else(
                        || "-".into(),
                        |x| format!("{:.0}", x.capacity_warmup_percentage),
                    )
                }));
                row
            })
            .collect();
        let state = &self.state_path;
        let days = r.days_simulated();
        let mut blocks = vec![
            Block::Title(format!(
                "sesm demo: {days} simulated days in {}",
                self.region
            )),
            Block::Line(format!(
                "Account: managed pool {managed_pool} (newsletters, promotions), standard pool {standard_pool} (receipts, 2 IPs), 4 identities."
            )),
            Block::Line(format!(
                "Traffic: {} messages a day to {} ISPs; a promotion adds {} to Gmail and Microsoft on day {promotion_day}.",
                thousands(a.daily_volume),
                a.isp_count,
                thousands(a.promotion_volume),
            )),
            Block::Blank,
            Block::Title(format!(
                "{managed_pool}, weekly and on notable days (warm-up per ISP in %: what the pool can take of its mail)"
            )),
            Block::table(columns, rows),
            Block::Blank,
            Block::Title("What happened".into()),
        ];
        blocks.extend(
            self.highlights
                .iter()
                .map(|h| Block::Line(format!("- {}", sentence(h)))),
        );
        blocks.extend([
            Block::Blank,
            Block::Line(
                "The model's numbers are calibrated estimates, not figures published by AWS."
                    .into(),
            ),
            Block::Title("Explore this account".into()),
            Block::Line(format!("  sesm --state {state} dashboard")),
            Block::Line(format!("  sesm --state {state} dashboard --html demo.html")),
            Block::Line(format!("  sesm --state {state} pool get {managed_pool}")),
            Block::Line(format!(
                "  sesm --state {state} metrics --pool {managed_pool} --isp gmail"
            )),
            Block::Line(format!("  sesm --state {state} cost")),
            Block::Line(format!("  sesm --state {state} simulate --days 30")),
            Block::Line(format!(
                "  sesm --state {state} serve    # then open http://127.0.0.1:4579/console"
            )),
        ]);
        Some(blocks)
    }
}

/// A demo highlight in the JSON document is its sentence, as in the table.
impl Serialize for Highlight {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&sentence(self))
    }
}

/// The sentence a newcomer reads for a demo highlight.
fn sentence(h: &Highlight) -> String {
    match h {
        Highlight::FirstDay {
            pool,
            demand,
            allocated,
        } => format!(
            "Day 0: {pool} had no dedicated IP yet (\"insufficient volume\"), so all {} messages went out through SES's shared IPs; SES then allocated {}.",
            thousands(*demand),
            super::count(*allocated, "IP", "IPs")
        ),
        Highlight::IspWarmup {
            isp,
            warm_on: Some(day),
            at_end,
            ..
        } => format!(
            "{isp}: warm (the pool can take 90 % of its mail) on day {day}; {at_end:.0} % at the end."
        ),
        Highlight::IspWarmup {
            isp,
            warm_on: None,
            at_end,
            days,
        } => {
            format!("{isp}: {at_end:.0} % warm after {days} days (each ISP warms at its own pace).")
        }
        Highlight::EarlyOverflow {
            pool,
            first_week,
            week_before_promotion,
        } => format!(
            "Early phase: {first_week:.0} % of {pool}'s mail overflowed to shared IPs in the first week, {week_before_promotion:.0} % in the week before the promotion."
        ),
        Highlight::Promotion {
            day,
            isps,
            retried,
            expired,
        } => {
            let by_isp: Vec<String> = isps
                .iter()
                .map(|i| {
                    format!(
                        "{} {} ({} deferred, {} to shared)",
                        i.isp,
                        if i.phase == Phase::Late {
                            "LATE"
                        } else {
                            "EARLY"
                        },
                        thousands(i.deferred),
                        thousands(i.to_shared)
                    )
                })
                .collect();
            format!(
                "Day {day}, promotion: {}. {} deferred messages were retried the next day and {} expired after their retry window.",
                by_isp.join("; "),
                thousands(*retried),
                thousands(*expired)
            )
        }
        Highlight::Scaling { pool, events } => {
            let events: Vec<String> = events
                .iter()
                .map(|(day, change)| format!("day {day}: {change:+}"))
                .collect();
            format!("Scaling of {pool}: {}.", events.join(", "))
        }
        Highlight::Standard {
            pool,
            warmup,
            days,
            shared,
            accepted,
        } => format!(
            "{pool} (standard, 2 IPs): SES's warm-up is by time, {warmup:.0} % after {days} days; {shared:.0} % of its mail went through shared IPs meanwhile; on the last day its IPs could take {accepted:.0} % of its mail (the ISPs learn them from what they deliver)."
        ),
        Highlight::Cost { days, usd: cost } => {
            format!("Estimated cost of the {days} days: {}.", usd(*cost))
        }
    }
}
