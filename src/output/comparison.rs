//! The views of `compare`: the options side by side for people, and the HTML page (mail by
//! outcome per day and warm-up per ISP, one chart each per option, in the dashboard's style).

use serde::Serialize;

use super::dashboard::{isp_color, outcome_chart};
use super::html::{Chart, ChartKind, Page, Section, Series};
use super::{Block, Column, Render, View, thousands, usd};
use crate::ops::compare::{Comparison, Kind, Limit, Miss, OptionOutcome};

fn pct(x: f64) -> String {
    format!("{x:.1} %")
}

/// A percentage small enough to matter at two decimals (expired mail) gets them.
fn pct_fine(x: f64) -> String {
    if x != 0.0 && x.abs() < 1.0 {
        format!("{x:.2} %")
    } else {
        pct(x)
    }
}

/// Dollars with enough digits to show a figure under a dollar (a standard IP's cost per
/// 1,000 messages is a fraction of a cent): three significant digits, at least cents.
pub fn usd_fine(x: f64) -> String {
    if x == 0.0 || x.abs() >= 1.0 || !x.is_finite() {
        return usd(x);
    }
    let decimals = (2 - x.abs().log10().floor() as i32).clamp(2, 8) as usize;
    format!("${x:.decimals$}")
}

/// An option's name: "Managed pool", "Standard, 2 IPs", "Shared IPs only".
pub fn label(kind: Kind, standard_ips: Option<u32>) -> String {
    match kind {
        Kind::Managed => "Managed pool".to_string(),
        Kind::Standard => {
            let n = standard_ips.unwrap_or(0);
            format!("Standard, {n} IP{}", if n == 1 { "" } else { "s" })
        }
        Kind::Shared => "Shared IPs only".to_string(),
    }
}

fn label_of(o: &OptionOutcome) -> String {
    label(o.option, o.standard_ips)
}

/// "shared 23.2 % after day 45, limit 10 %"
fn miss_text(m: &Miss, settle: u32) -> String {
    match m.limit {
        Limit::Shared => format!(
            "shared {} after day {settle}, limit {} %",
            pct(m.value),
            m.max
        ),
        Limit::Expired => format!("expired {}, limit {} %", pct_fine(m.value), m.max),
    }
}

fn misses_text(o: &OptionOutcome, settle: u32) -> String {
    o.limits_missed
        .iter()
        .map(|m| miss_text(m, settle))
        .collect::<Vec<_>>()
        .join("; ")
}

/// Why the recommended option is recommended.
pub fn reason(c: &Comparison) -> String {
    let Some(w) = c.options.get(c.recommendation.index) else {
        return String::new();
    };
    if c.recommendation.meets_limits {
        format!(
            "{} meets the limits at the lowest cost, {} for {} days ({} per 1,000 messages): shared {} after day {} (limit {} %), expired {} (limit {} %).",
            label_of(w),
            usd(w.cost),
            c.days,
            usd_fine(w.cost_per_1000),
            pct(w.shared_percentage_after_settling),
            c.settling_days,
            c.max_shared_percentage,
            pct_fine(w.expired_percentage),
            c.max_expired_percentage
        )
    } else {
        format!(
            "No option meets the limits; {} misses them by the least: {}.",
            label_of(w),
            misses_text(w, c.settling_days)
        )
    }
}

/// One option's verdict, next to the recommendation.
pub fn verdict(c: &Comparison, i: usize) -> String {
    let o = &c.options[i];
    let Some(w) = c.options.get(c.recommendation.index) else {
        return String::new();
    };
    if i == c.recommendation.index {
        if o.meets_limits {
            format!(
                "recommended: the cheapest option within the limits, {} for the run ({} per 1,000 messages)",
                usd(o.cost),
                usd_fine(o.cost_per_1000)
            )
        } else {
            format!(
                "misses the limits by the least: {}",
                misses_text(o, c.settling_days)
            )
        }
    } else if !o.meets_limits {
        misses_text(o, c.settling_days)
    } else {
        format!(
            "costs {} for the run, {} more than {}",
            usd(o.cost),
            usd(o.cost - w.cost),
            label_of(w)
        )
    }
}

/// `compare`'s document: the facts of `ops::compare` with the words (labels, verdicts, the
/// recommendation's reason) written here.
pub struct ComparisonView(pub Comparison);

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct OptionJson<'a> {
    #[serde(flatten)]
    option: &'a OptionOutcome,
    label: String,
    verdict: String,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct RecommendationJson {
    option: Kind,
    standard_ips: Option<u32>,
    label: String,
    meets_limits: bool,
    reason: String,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct ComparisonJson<'a> {
    #[serde(flatten)]
    comparison: &'a Comparison,
    options: Vec<OptionJson<'a>>,
    recommendation: RecommendationJson,
}

impl Serialize for ComparisonView {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let c = &self.0;
        let r = &c.recommendation;
        ComparisonJson {
            comparison: c,
            options: c
                .options
                .iter()
                .enumerate()
                .map(|(i, o)| OptionJson {
                    option: o,
                    label: label_of(o),
                    verdict: verdict(c, i),
                })
                .collect(),
            recommendation: RecommendationJson {
                option: r.option,
                standard_ips: r.standard_ips,
                label: label(r.option, r.standard_ips),
                meets_limits: r.meets_limits,
                reason: reason(c),
            },
        }
        .serialize(s)
    }
}

impl Render for ComparisonView {
    fn table(&self, _: &View) -> Option<Vec<Block>> {
        let c = &self.0;
        let o = &c.options;
        let mut columns = vec![Column::left("")];
        columns.extend(o.iter().map(|x| Column::right(label_of(x))));
        let row = |name: &str, f: &dyn Fn(&OptionOutcome) -> String| {
            let mut r = vec![name.to_string()];
            r.extend(o.iter().map(f));
            r
        };
        let with_pct = |n: u64, p: f64| format!("{} ({})", thousands(n), pct_fine(p));
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
            row(&format!("Shared after day {}", c.settling_days), &|x| {
                pct(x.shared_percentage_after_settling)
            }),
            row("Within the limits", &|x| {
                if x.meets_limits { "yes" } else { "no" }.into()
            }),
            row("IPs at end / most", &|x| {
                format!("{} / {}", x.ips_at_end, x.ips_max)
            }),
            row("IP-days", &|x| thousands(x.ip_days)),
            row("Cost", &|x| usd(x.cost)),
            row("Per 1,000 messages", &|x| usd_fine(x.cost_per_1000)),
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
        for isp in &c.isp_order {
            if !o.iter().any(|x| x.isps.iter().any(|i| &i.isp == isp)) {
                continue;
            }
            rows.push(row(&format!("{isp} all dedicated from day"), &|x| {
                x.isps
                    .iter()
                    .find(|i| &i.isp == isp)
                    .and_then(|i| i.all_dedicated_day)
                    .map_or_else(|| "never".into(), |d| d.to_string())
            }));
        }
        let start = if c.from_account {
            "from the account as it is"
        } else {
            "from nothing (--cold)"
        };
        let needed = match c.standard_ips_needed {
            Some(n) => format!(
                "Standard IPs needed to meet the limits: {n} (searched 1 to {}).",
                crate::ops::compare::SEARCHED_IPS
            ),
            None => format!(
                "No count of standard IPs up to {} meets the limits.",
                crate::ops::compare::SEARCHED_IPS
            ),
        };
        let mut blocks = vec![
            Block::Title(format!(
                "{} days from {} to {} in {}, {start}: {}",
                c.days,
                c.start_date,
                c.end_date,
                c.region,
                c.configuration_sets.join(", ")
            )),
            Block::table(columns, rows),
            Block::Blank,
            Block::Line(format!(
                "Limits: at most {} % of the mail through shared IPs after day {}, at most {} % expired. {needed}",
                c.max_shared_percentage, c.settling_days, c.max_expired_percentage
            )),
            Block::Blank,
            Block::Title(format!(
                "Recommendation: {}",
                label(c.recommendation.option, c.recommendation.standard_ips)
            )),
            Block::Line(reason(c)),
        ];
        for i in (0..o.len()).filter(|&i| i != c.recommendation.index) {
            blocks.push(Block::Line(format!(
                "- {}: {}",
                label_of(&o[i]),
                verdict(c, i)
            )));
        }
        blocks.extend([
            Block::Blank,
            Block::Line(
                "All dedicated from day: the first day from which none of the ISP's mail went through shared IPs, was deferred or expired. USD, estimates from the prices in the state."
                    .into(),
            ),
        ]);
        Some(blocks)
    }
}

/// The self-contained HTML page of a comparison.
pub fn html(c: &Comparison) -> String {
    super::html::render(&page(c))
}

/// A comparison as a page: a section per option.
pub fn page(c: &Comparison) -> Page {
    let sections = c
        .options
        .iter()
        .enumerate()
        .map(|(i, o)| {
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
            let recommended = i == c.recommendation.index;
            Section {
                title: label_of(o),
                status: (
                    if recommended {
                        "Recommended".into()
                    } else if o.meets_limits {
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
                        format!("Shared after day {}", c.settling_days),
                        pct(o.shared_percentage_after_settling),
                    ),
                    ("Deferred".into(), thousands(o.mail.deferred)),
                    ("Expired".into(), thousands(o.mail.expired)),
                    (
                        "IPs at end / most".into(),
                        format!("{} / {}", o.ips_at_end, o.ips_max),
                    ),
                    ("Cost".into(), usd(o.cost)),
                    ("Per 1,000 messages".into(), usd_fine(o.cost_per_1000)),
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
                lists: vec![("Verdict".into(), vec![verdict(c, i)])],
            }
        })
        .collect();
    Page {
        title: format!("sesm compare · {}", c.region),
        subtitle: format!(
            "{} days from {} · {} · recommendation: {} — {}",
            c.days,
            c.start_date,
            c.configuration_sets.join(", "),
            label(c.recommendation.option, c.recommendation.standard_ips),
            reason(c)
        ),
        sections,
        footer: "Generated by sesm. The warm-up model's numbers and the prices are calibrated estimates, not figures published by AWS.".into(),
    }
}
