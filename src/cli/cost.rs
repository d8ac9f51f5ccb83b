//! `sesm cost`: estimated charges per calendar month (A4).

use clap::Args;
use serde::Serialize;

use super::Ctx;
use crate::error::{Error, Result};
use crate::model::{MonthUsage, cost};
use crate::output::{Block, Column, Output, usd};

#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  sesm cost\n  sesm cost --month 2026-12 -o json\n\n\
Prices are estimates kept in the state (Prices): standard IP USD 24.95 per month, managed\n\
USD 15.00 per month plus USD 0.08/0.04/0.02 per 1,000 messages by monthly tier."
)]
pub struct CostArgs {
    /// Only this calendar month (YYYY-MM)
    #[arg(long, value_name = "YYYY-MM")]
    pub month: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Month {
    month: String,
    managed_fee: f64,
    managed_usage: f64,
    standard_ips: f64,
    total: f64,
    /// The usage the charges come from.
    managed_pool_days: u32,
    managed_messages: u64,
    standard_ip_days: u64,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct CostView {
    months: Vec<Month>,
    total: f64,
    currency: &'static str,
}

fn cents(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

fn check_month(m: &str) -> Result<()> {
    let ok = m.len() == 7
        && m.as_bytes()[4] == b'-'
        && m[..4].bytes().all(|b| b.is_ascii_digit())
        && m[5..].parse::<u8>().is_ok_and(|n| (1..=12).contains(&n));
    if ok {
        Ok(())
    } else {
        Err(Error::invalid(format!(
            "invalid month '{m}': expected YYYY-MM, e.g. 2026-12"
        )))
    }
}

pub fn run(a: CostArgs, ctx: &Ctx) -> Result<Output> {
    if let Some(m) = &a.month {
        check_month(m)?;
    }
    let state = ctx.store()?.load()?;
    let empty = MonthUsage::default();
    let usage: Vec<(&str, &MonthUsage)> = match &a.month {
        Some(m) => vec![(m.as_str(), state.usage.get(m).unwrap_or(&empty))],
        None => state.usage.iter().map(|(m, u)| (m.as_str(), u)).collect(),
    };
    // The total adds the unrounded month totals; only what is printed is rounded.
    let mut unrounded_total = 0.0;
    let months: Vec<Month> = usage
        .into_iter()
        .map(|(m, u)| {
            let c = cost::month_cost(m, u, &state.prices);
            unrounded_total += c.total;
            Month {
                month: c.month,
                managed_fee: cents(c.managed_fee),
                managed_usage: cents(c.managed_usage),
                standard_ips: cents(c.standard_ips),
                total: cents(c.total),
                managed_pool_days: u.managed_pool_days,
                managed_messages: u.managed_messages,
                standard_ip_days: u.standard_ip_days,
            }
        })
        .collect();
    let total = cents(unrounded_total);
    let mut rows: Vec<Vec<String>> = months
        .iter()
        .map(|m| {
            vec![
                m.month.clone(),
                usd(m.managed_fee),
                usd(m.managed_usage),
                usd(m.standard_ips),
                usd(m.total),
            ]
        })
        .collect();
    rows.push(vec![
        "total".into(),
        String::new(),
        String::new(),
        String::new(),
        usd(total),
    ]);
    let human = vec![
        Block::table(
            vec![
                Column::left("Month"),
                Column::right("Managed fee"),
                Column::right("Managed messages"),
                Column::right("Standard IPs"),
                Column::right("Total"),
            ],
            rows,
        ),
        Block::Blank,
        Block::Line(
            "USD, estimates from the prices in the state; simulate days to accrue usage.".into(),
        ),
    ];
    Ok(Output::new(CostView {
        months,
        total,
        currency: "USD",
    })
    .with_human(human))
}
