//! The day tables of `simulate` and `demo`: a pool's day in one row, and the run's summary.

use std::collections::BTreeSet;

use super::{Block, Column, Render, View, thousands, usd};
use crate::fixtures::demo::{self, MANAGED_POOL, PROMOTION_DAY, STANDARD_POOL};
use crate::model::Mail;
use crate::ops::demo::{DemoView, pool_days};
use crate::ops::simulate::Simulated;
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

/// Short ISP labels for the day lines.
fn short(isp: &str) -> &str {
    match isp {
        "microsoft" => "ms",
        "comcast" => "cmc",
        other => other,
    }
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
    columns.push(Column::left("Warm-up % per ISP"));
    let rows = r
        .days
        .iter()
        .map(|d| {
            let warmup = d
                .isps
                .iter()
                .filter(|_| d.scaling_mode != PoolMode::Shared)
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
                "Dry run: simulated {days} day(s) from {}; the state was not changed.",
                r.start_date
            )
        } else {
            format!(
                "Simulated {days} day(s); the account clock is now {}.",
                r.end_date.tomorrow().unwrap_or(r.end_date)
            )
        }]
    }
}

impl Render for DemoView {
    fn table(&self, _: &View) -> Option<Vec<Block>> {
        let r = &self.simulation;
        let isps = ["gmail", "microsoft", "yahoo", "orange"];
        let mut columns = vec![Column::right("Day"), Column::left("Date")];
        columns.extend(day_columns());
        columns.extend(isps.iter().map(|i| Column::right(format!("{i} %"))));
        let rows = pool_days(r, MANAGED_POOL)
            .filter(|(i, d)| {
                i % 7 == 0 || d.scale_event != 0 || (*i as u32).abs_diff(PROMOTION_DAY) <= 1
            })
            .map(|(i, d)| {
                let mut row = vec![i.to_string(), d.date.to_string()];
                row.extend(day_figures(d));
                row.extend(isps.iter().map(|isp| {
                    d.isp(isp)
                        .map_or_else(|| "-".into(), |x| format!("{:.0}", x.warmup_percentage))
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
                "Account: managed pool {MANAGED_POOL} (newsletters, promotions), standard pool {STANDARD_POOL} (receipts, 2 IPs), 4 identities."
            )),
            Block::Line(format!(
                "Traffic: {} messages a day to {} ISPs; a promotion adds {} to Gmail and Microsoft on day {PROMOTION_DAY}.",
                thousands(demo::daily_volume()),
                demo::isp_count(),
                thousands(demo::promotion_volume()),
            )),
            Block::Blank,
            Block::Title(format!(
                "{MANAGED_POOL}, weekly and on notable days (warm-up per ISP in %)"
            )),
            Block::table(columns, rows),
            Block::Blank,
            Block::Title("What happened".into()),
        ];
        blocks.extend(
            self.highlights
                .iter()
                .map(|h| Block::Line(format!("- {h}"))),
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
            Block::Line(format!("  sesm --state {state} pool get {MANAGED_POOL}")),
            Block::Line(format!(
                "  sesm --state {state} metrics --pool {MANAGED_POOL} --isp gmail"
            )),
            Block::Line(format!("  sesm --state {state} cost")),
            Block::Line(format!("  sesm --state {state} simulate --days 30")),
        ]);
        Some(blocks)
    }
}
