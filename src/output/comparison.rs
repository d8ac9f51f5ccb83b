//! The views of `compare`: the options side by side for people, and the HTML page (mail by
//! outcome per day and warm-up per ISP, one chart each per option, in the dashboard's style).

use super::dashboard::{isp_color, outcome_chart};
use super::html::{Chart, ChartKind, Page, Section, Series};
use super::{Block, Column, Render, View, thousands, usd};
use crate::ops::compare::{Comparison, Kind, SETTLING_DAYS};

fn pct(x: f64) -> String {
    format!("{x:.1} %")
}

impl Render for Comparison {
    fn table(&self, _: &View) -> Option<Vec<Block>> {
        let o = &self.options;
        let mut columns = vec![Column::left("")];
        columns.extend(o.iter().map(|x| Column::right(x.label.clone())));
        let row = |name: &str, f: &dyn Fn(&crate::ops::compare::OptionOutcome) -> String| {
            let mut r = vec![name.to_string()];
            r.extend(o.iter().map(f));
            r
        };
        let with_pct = |n: u64, p: f64| format!("{} ({})", thousands(n), pct(p));
        let mut rows = vec![
            row("Mail", &|x| thousands(x.mail.demand)),
            row("Dedicated IPs", &|x| {
                with_pct(x.mail.sent_dedicated, x.sent_dedicated_percentage)
            }),
            row("Shared IPs", &|x| {
                with_pct(x.mail.sent_shared, x.sent_shared_percentage)
            }),
            row("Deferred", &|x| {
                with_pct(x.mail.deferred, x.deferred_percentage)
            }),
            row("Expired", &|x| {
                with_pct(x.mail.expired, x.expired_percentage)
            }),
            row(&format!("Shared after day {SETTLING_DAYS}"), &|x| {
                pct(x.shared_percentage_after_day_30)
            }),
            row("IPs at end / most", &|x| {
                format!("{} / {}", x.ips_at_end, x.ips_max)
            }),
            row("IP-days", &|x| thousands(x.ip_days)),
            row("Cost", &|x| usd(x.cost)),
            row("Per 1,000 messages", &|x| usd(x.cost_per_1000)),
        ];
        let months: Vec<String> = o
            .first()
            .map(|x| x.months.iter().map(|m| m.month.clone()).collect())
            .unwrap_or_default();
        for (i, month) in months.iter().enumerate() {
            rows.push(row(&format!("Cost {month}"), &|x| {
                x.months.get(i).map_or_else(String::new, |m| usd(m.cost))
            }));
        }
        for isp in &self.isp_order {
            if !o.iter().any(|x| x.isps.iter().any(|i| &i.isp == isp)) {
                continue;
            }
            rows.push(row(&format!("{isp} warm on day"), &|x| {
                if x.option == Kind::Shared {
                    return "-".into();
                }
                x.isps
                    .iter()
                    .find(|i| &i.isp == isp)
                    .and_then(|i| i.warm_day)
                    .map_or_else(|| "not yet".into(), |d| d.to_string())
            }));
        }
        let mut blocks = vec![
            Block::Title(format!(
                "{} days from {} to {} in {}: {}",
                self.days,
                self.start_date,
                self.end_date,
                self.region,
                self.configuration_sets.join(", ")
            )),
            Block::table(columns, rows),
            Block::Blank,
            Block::Title(format!("Recommendation: {}", self.recommendation.label)),
            Block::Line(self.recommendation.reason.clone()),
        ];
        for x in o.iter().filter(|x| x.label != self.recommendation.label) {
            blocks.push(Block::Line(format!("- {}: {}", x.label, x.verdict)));
        }
        blocks.extend([
            Block::Blank,
            Block::Line(
                "Warm: 90 % for a managed pool (per ISP), 100 % for standard IPs (by time). USD, estimates from the prices in the state."
                    .into(),
            ),
        ]);
        Some(blocks)
    }
}

/// The self-contained HTML page of a comparison.
pub fn html(c: &Comparison) -> String {
    let sections = c
        .options
        .iter()
        .map(|o| {
            let dates: Vec<String> = o.daily.dates.iter().map(|d| d.to_string()).collect();
            let outcomes = [
                o.daily.dedicated.as_slice(),
                &o.daily.shared,
                &o.daily.kept,
                &o.daily.expired,
            ];
            let warmup = if o.option == Kind::Standard {
                // Standard IPs warm by time, the same for every ISP: one line.
                o.daily
                    .warmup
                    .first()
                    .map(|(_, v)| Series {
                        name: "every ISP (standard warm-up is by time)".into(),
                        color: "#1a73e8",
                        values: v.clone(),
                    })
                    .into_iter()
                    .collect()
            } else {
                o.daily
                    .warmup
                    .iter()
                    .map(|(isp, v)| Series {
                        name: isp.clone(),
                        color: isp_color(&c.isp_order, isp),
                        values: v.clone(),
                    })
                    .collect()
            };
            let recommended = o.label == c.recommendation.label;
            Section {
                title: o.label.clone(),
                status: (
                    if recommended {
                        "Recommended".into()
                    } else if o.meets {
                        "Within the limits".into()
                    } else {
                        "Outside the limits".into()
                    },
                    !recommended,
                ),
                facts: vec![
                    ("Mail".into(), thousands(o.mail.demand)),
                    (
                        "Through dedicated IPs".into(),
                        pct(o.sent_dedicated_percentage),
                    ),
                    ("Through shared IPs".into(), pct(o.sent_shared_percentage)),
                    (
                        format!("Shared after day {SETTLING_DAYS}"),
                        pct(o.shared_percentage_after_day_30),
                    ),
                    ("Deferred".into(), thousands(o.mail.deferred)),
                    ("Expired".into(), thousands(o.mail.expired)),
                    (
                        "IPs at end / most".into(),
                        format!("{} / {}", o.ips_at_end, o.ips_max),
                    ),
                    ("Cost".into(), usd(o.cost)),
                    ("Per 1,000 messages".into(), usd(o.cost_per_1000)),
                ],
                charts: vec![
                    outcome_chart("Daily mail by outcome", dates.clone(), outcomes),
                    Chart {
                        id: "warmup",
                        title: "Warm-up per ISP".into(),
                        kind: ChartKind::Lines,
                        labels: dates,
                        series: warmup,
                        y_label: "warm-up %".into(),
                        y_max: Some(100.0),
                    },
                ],
                lists: vec![("Verdict".into(), vec![o.verdict.clone()])],
            }
        })
        .collect();
    super::html::render(&Page {
        title: format!("sesm compare · {}", c.region),
        subtitle: format!(
            "{} days from {} · {} · recommendation: {} — {}",
            c.days,
            c.start_date,
            c.configuration_sets.join(", "),
            c.recommendation.label,
            c.recommendation.reason
        ),
        sections,
        footer: "Generated by sesm. The warm-up model's numbers and the prices are calibrated estimates, not figures published by AWS.".into(),
    })
}
