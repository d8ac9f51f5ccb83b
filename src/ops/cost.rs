//! sesm's `GetCost`: estimated charges per calendar month (A4).

use serde::Serialize;

use crate::error::{Error, Result};
use crate::model::{MonthUsage, State, cost};

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Month {
    pub month: String,
    pub managed_fee: f64,
    pub managed_usage: f64,
    pub standard_ips: f64,
    pub total: f64,
    /// The usage the charges come from.
    pub managed_pool_days: u32,
    pub managed_messages: u64,
    pub standard_ip_days: u64,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct CostView {
    pub months: Vec<Month>,
    pub total: f64,
    pub currency: &'static str,
}

/// Rounds to cents: what is printed is rounded, what is summed is not.
pub fn cents(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// Checks a `YYYY-MM` month (252).
pub fn check_month(m: &str) -> Result<()> {
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

/// GetCost: every month with usage, or one month.
pub fn get(s: &State, month: Option<&str>) -> Result<CostView> {
    if let Some(m) = month {
        check_month(m)?;
    }
    let empty = MonthUsage::default();
    let usage: Vec<(&str, &MonthUsage)> = match month {
        Some(m) => vec![(m, s.usage.get(m).unwrap_or(&empty))],
        None => s.usage.iter().map(|(m, u)| (m.as_str(), u)).collect(),
    };
    // The total adds the unrounded month totals; only what is printed is rounded.
    let mut unrounded_total = 0.0;
    let months = usage
        .into_iter()
        .map(|(m, u)| {
            let c = cost::month_cost(m, u, &s.prices);
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
    Ok(CostView {
        months,
        total: cents(unrounded_total),
        currency: "USD",
    })
}
