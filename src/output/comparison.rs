//! The views of `compare`: the options side by side for people, and the HTML page (one table
//! of the options first, then per option its mail by outcome per day and its warm-up per ISP,
//! in the dashboard's style).

use serde::Serialize;

use super::dashboard::{isp_color, outcome_chart};
use super::html::{Chart, ChartKind, Page, Section, Series, Table};
use super::{Block, Column, Render, View, thousands, usd};
use crate::ops::compare::{
    Comparison, FEWEST_STANDARD_IPS, Kind, Limit, Miss, OptionOutcome, SEARCHED_IPS,
};

fn pct(x: f64) -> String {
    format!("{x:.1} %")
}

/// A percentage small enough to matter at more decimals (expired mail) gets them: two below
/// 1 %, three below 0.1 %.
fn pct_fine(x: f64) -> String {
    if x != 0.0 && x.abs() < 0.1 {
        format!("{x:.3} %")
    } else if x != 0.0 && x.abs() < 1.0 {
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

/// "shared 23.2 % after day 60, limit 10 %"
fn miss_text(m: &Miss, settle: u32) -> String {
    match m.limit {
        Limit::Shared => format!(
            "shared {} after day {settle}, limit {} %",
            pct(m.value),
            m.max
        ),
        Limit::Expired => format!(
            "expired {} after day {settle}, limit {} %",
            pct_fine(m.value),
            m.max
        ),
    }
}

fn misses_text(o: &OptionOutcome, settle: u32) -> String {
    o.limits_missed
        .iter()
        .map(|m| miss_text(m, settle))
        .collect::<Vec<_>>()
        .join("; ")
}

/// "while settling (days 0–59), 73.1 % went through shared IPs and 6.66 % expired"
fn settling_text(o: &OptionOutcome, settle: u32) -> String {
    if settle == 0 {
        return "nothing was left to settle".into();
    }
    format!(
        "while settling (days 0–{}), {} went through shared IPs and {} expired",
        settle - 1,
        pct(o.shared_percentage_while_settling),
        pct_fine(o.expired_percentage_while_settling)
    )
}

/// Why the recommended option is recommended; it names what happens while settling.
pub fn reason(c: &Comparison) -> String {
    let Some(w) = c.options.get(c.recommendation.index) else {
        return String::new();
    };
    let settle = c.settling_days;
    let settling = settling_text(w, settle);
    let lone = if w.no_redundancy {
        " It is one IP, with no redundancy: SES recommends more than one dedicated IP per Region."
    } else {
        ""
    };
    if !c.recommendation.meets_limits {
        return format!(
            "No option meets the limits; {} misses them by the least: {}; {settling}.{lone}",
            label_of(w),
            misses_text(w, settle)
        );
    }
    if w.option == Kind::Shared && c.below_shared_floor {
        return format!(
            "Shared IPs only: every ISP gets less than {} messages a day on average, too little to keep a dedicated IP warm (SES recommends shared IPs for mail that is not large and regular); {} expired after day {settle} (limit {} %), and it costs least, {} for {} days.",
            thousands(c.shared_floor),
            pct_fine(w.expired_percentage_after_settling),
            c.max_expired_percentage,
            usd(w.cost),
            c.days
        );
    }
    format!(
        "{} meets the limits at the lowest cost, {} for {} days ({} per 1,000 messages): after day {settle}, shared {} (limit {} %) and expired {} (limit {} %); {settling}.{lone}",
        label_of(w),
        usd(w.cost),
        c.days,
        usd_fine(w.cost_per_1000),
        pct(w.shared_percentage_after_settling),
        c.max_shared_percentage,
        pct_fine(w.expired_percentage_after_settling),
        c.max_expired_percentage
    )
}

/// One option's verdict, next to the recommendation.
pub fn verdict(c: &Comparison, i: usize) -> String {
    let o = &c.options[i];
    let Some(w) = c.options.get(c.recommendation.index) else {
        return String::new();
    };
    let lone = if o.no_redundancy {
        "; one IP, no redundancy"
    } else {
        ""
    };
    if i == c.recommendation.index {
        if o.meets_limits {
            format!(
                "recommended: the cheapest option within the limits, {} for the run ({} per 1,000 messages){lone}",
                usd(o.cost),
                usd_fine(o.cost_per_1000)
            )
        } else {
            format!(
                "misses the limits by the least: {}{lone}",
                misses_text(o, c.settling_days)
            )
        }
    } else if !o.meets_limits {
        format!("{}{lone}", misses_text(o, c.settling_days))
    } else {
        format!(
            "costs {} for the run, {} more than {}{lone}",
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

/// "2", "1 (no redundancy)", "0 → 4 (most 7)": the IPs of an option.
fn ips_text(o: &OptionOutcome) -> String {
    match o.option {
        Kind::Standard if o.no_redundancy => "1 (no redundancy)".into(),
        Kind::Standard => o.standard_ips.unwrap_or(0).to_string(),
        Kind::Managed => format!("{} at end, most {}", o.ips_at_end, o.ips_max),
        Kind::Shared => "none".into(),
    }
}

/// The shared-IPs figure after settling, as the limits judge it.
fn shared_after_text(c: &Comparison, o: &OptionOutcome) -> String {
    let judged = !(o.option == Kind::Shared && c.below_shared_floor);
    let text = pct(o.shared_percentage_after_settling);
    if judged {
        text
    } else {
        format!("{text} (below the floor)")
    }
}

/// The rows of the terminal table, an option per column.
fn rows(c: &Comparison) -> Vec<Vec<String>> {
    let o = &c.options;
    let settle = c.settling_days;
    let row = |name: &str, f: &dyn Fn(&OptionOutcome) -> String| {
        let mut r = vec![name.to_string()];
        r.extend(o.iter().map(f));
        r
    };
    let with_pct = |n: u64, p: f64| format!("{} ({})", thousands(n), pct_fine(p));
    let mut rows = vec![
        row("Mail", &|x| thousands(x.mail.demand)),
        row("IPs", &ips_text),
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
        row(&format!("Shared, days 0–{}", settle.max(1) - 1), &|x| {
            pct(x.shared_percentage_while_settling)
        }),
        row(&format!("Expired, days 0–{}", settle.max(1) - 1), &|x| {
            pct_fine(x.expired_percentage_while_settling)
        }),
        row(&format!("Shared after day {settle}"), &|x| {
            shared_after_text(c, x)
        }),
        row(&format!("Expired after day {settle}"), &|x| {
            pct_fine(x.expired_percentage_after_settling)
        }),
        row("Within the limits", &|x| {
            if x.meets_limits { "yes" } else { "no" }.into()
        }),
        row("IP-days", &|x| thousands(x.ip_days)),
        row("Dedicated cost", &|x| usd(x.dedicated_cost)),
        row("Sending charge", &|x| usd(x.sending_charge)),
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
    rows
}

/// "Limits (sesm's policy): …" and how the IPs were searched.
fn limits_line(c: &Comparison) -> String {
    let needed = match c.standard_ips_needed {
        Some(n) if n > FEWEST_STANDARD_IPS => format!(
            "Standard IPs needed to meet the limits: {n} (searched {FEWEST_STANDARD_IPS} to {SEARCHED_IPS}; {} do not meet them).",
            n - 1
        ),
        Some(n) => format!(
            "Standard IPs needed to meet the limits: {n}, the fewest SES recommends (searched {FEWEST_STANDARD_IPS} to {SEARCHED_IPS})."
        ),
        None => format!(
            "No count of standard IPs from {FEWEST_STANDARD_IPS} to {SEARCHED_IPS} that was run meets the limits."
        ),
    };
    let floor = if c.below_shared_floor {
        format!(
            " Every ISP gets less than {} messages a day on average (--shared-floor): shared IPs are judged on expiry alone.",
            thousands(c.shared_floor)
        )
    } else {
        String::new()
    };
    format!(
        "Limits (sesm's policy, not SES's): after day {}, at most {} % of the mail through shared IPs and at most {} % expired. {needed}{floor}",
        c.settling_days, c.max_shared_percentage, c.max_expired_percentage
    )
}

impl Render for ComparisonView {
    fn table(&self, _: &View) -> Option<Vec<Block>> {
        let c = &self.0;
        let o = &c.options;
        let mut columns = vec![Column::left("")];
        columns.extend(o.iter().map(|x| Column::right(label_of(x))));
        let start = if c.from_account {
            "from the account as it is"
        } else {
            "from nothing (--cold)"
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
            Block::table(columns, rows(c)),
            Block::Blank,
            Block::Line(limits_line(c)),
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
                "All dedicated from day: the first day from which none of the ISP's mail went through shared IPs, was deferred or expired. Cost: the dedicated IPs' charges and SES's sending charge on all the mail. USD, estimates from the prices in the state."
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

/// The table the page leads with: an option per row, its IPs, shared and expired mail while
/// settling and after, and its cost.
fn lead(c: &Comparison) -> Table {
    let settle = c.settling_days;
    let last = settle.max(1) - 1;
    Table {
        id: "options",
        caption: format!(
            "Recommendation: {}",
            label(c.recommendation.option, c.recommendation.standard_ips)
        ),
        columns: vec![
            "Option".into(),
            "IPs".into(),
            format!("Shared, days 0–{last}"),
            format!("Expired, days 0–{last}"),
            format!("Shared after day {settle}"),
            format!("Expired after day {settle}"),
            "Within the limits".into(),
            "Cost".into(),
        ],
        rows: c
            .options
            .iter()
            .enumerate()
            .map(|(i, o)| {
                (
                    vec![
                        label_of(o),
                        ips_text(o),
                        pct(o.shared_percentage_while_settling),
                        pct_fine(o.expired_percentage_while_settling),
                        shared_after_text(c, o),
                        pct_fine(o.expired_percentage_after_settling),
                        if o.meets_limits { "yes" } else { "no" }.into(),
                        usd(o.cost),
                    ],
                    i == c.recommendation.index,
                )
            })
            .collect(),
        notes: vec![
            reason(c),
            limits_line(c),
            "Cost: the dedicated IPs' charges (IPs, or the managed fee and per-message charges) and SES's sending charge on all the mail, for the whole run.".into(),
        ],
    }
}

/// One option's section: its facts, its mail by outcome and its warm-up per ISP.
fn section(c: &Comparison, i: usize, o: &OptionOutcome) -> Section {
    let dates: Vec<String> = o.daily.dates.iter().map(|d| d.to_string()).collect();
    let outcomes = [
        o.daily.dedicated.as_slice(),
        &o.daily.shared,
        &o.daily.kept,
        &o.daily.expired,
    ];
    let warmup = o
        .daily
        .warmup
        .iter()
        .map(|(isp, v)| Series {
            name: isp.clone(),
            color: isp_color(&c.isp_order, isp),
            values: v.clone(),
        })
        .collect();
    let recommended = i == c.recommendation.index;
    let settle = c.settling_days;
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
            ("IPs".into(), ips_text(o)),
            (
                "Through dedicated IPs".into(),
                pct(o.sent_dedicated_percentage),
            ),
            ("Through shared IPs".into(), pct(o.sent_shared_percentage)),
            (
                format!("Shared after day {settle}"),
                shared_after_text(c, o),
            ),
            (
                format!("Expired after day {settle}"),
                pct_fine(o.expired_percentage_after_settling),
            ),
            ("Deferred".into(), thousands(o.mail.deferred)),
            ("Expired".into(), thousands(o.mail.expired)),
            ("Dedicated cost".into(), usd(o.dedicated_cost)),
            ("Sending charge".into(), usd(o.sending_charge)),
            ("Cost".into(), usd(o.cost)),
            ("Per 1,000 messages".into(), usd_fine(o.cost_per_1000)),
        ],
        charts: vec![
            outcome_chart("Daily mail by outcome", dates.clone(), outcomes),
            Chart {
                id: "warmup",
                title: "Warm-up per ISP (what the IPs can take of its demand)".into(),
                kind: ChartKind::Lines,
                labels: dates,
                series: warmup,
                y_label: "warm-up %".into(),
                y_max: Some(100.0),
            },
        ],
        lists: vec![("Verdict".into(), vec![verdict(c, i)])],
    }
}

/// A comparison as a page: the options' table, then a section per option.
pub fn page(c: &Comparison) -> Page {
    Page {
        title: format!("sesm compare · {}", c.region),
        subtitle: format!(
            "{} days from {} · {} · {}",
            c.days,
            c.start_date,
            c.configuration_sets.join(", "),
            if c.from_account {
                "from the account as it is"
            } else {
                "from nothing"
            }
        ),
        lead: Some(lead(c)),
        sections: c
            .options
            .iter()
            .enumerate()
            .map(|(i, o)| section(c, i, o))
            .collect(),
        footer: "Generated by sesm. The warm-up model's numbers and the prices are calibrated estimates, not figures published by AWS; the limits are sesm's policy.".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_percentages_keep_their_digits() {
        assert_eq!(pct_fine(0.0), "0.0 %");
        assert_eq!(pct_fine(0.006167), "0.006 %");
        assert_eq!(pct_fine(0.25), "0.25 %");
        assert_eq!(pct_fine(10.003), "10.0 %");
    }
}
