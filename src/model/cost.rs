//! Cost (A4): dollars from the usage counted per calendar month and the prices in the state.
//! Amounts stay unrounded here; only printing rounds them to cents.

use std::collections::BTreeMap;

use jiff::civil::Date;

use super::Prices;

/// What one calendar month consumed, in the units the prices are quoted in.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct MonthUsage {
    /// Days on which the account had at least one managed pool.
    #[serde(default)]
    pub managed_pool_days: u32,
    /// Messages sent through managed pools (dedicated and shared overflow).
    #[serde(default)]
    pub managed_messages: u64,
    /// Standard dedicated IPs summed over the days they existed.
    #[serde(default)]
    pub standard_ip_days: u64,
}

impl MonthUsage {
    /// Adds another month's usage, saturating.
    pub fn add(&mut self, o: &MonthUsage) {
        self.managed_pool_days = self.managed_pool_days.saturating_add(o.managed_pool_days);
        self.managed_messages = self.managed_messages.saturating_add(o.managed_messages);
        self.standard_ip_days = self.standard_ip_days.saturating_add(o.standard_ip_days);
    }
}

/// One calendar month's estimated charges, in USD.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct MonthCost {
    pub month: String,
    pub managed_fee: f64,
    pub managed_usage: f64,
    pub standard_ips: f64,
    pub total: f64,
}

/// Days in the month `YYYY-MM` (31 when the key is malformed, which the store never writes).
pub fn days_in_month(month: &str) -> f64 {
    let parsed = month
        .split_once('-')
        .and_then(|(y, m)| Some((y.parse::<i16>().ok()?, m.parse::<i8>().ok()?)))
        .and_then(|(y, m)| Date::new(y, m, 1).ok());
    parsed.map_or(31.0, |d| f64::from(d.days_in_month()))
}

/// The charges of one month from its usage.
pub fn month_cost(month: &str, usage: &MonthUsage, prices: &Prices) -> MonthCost {
    let days = days_in_month(month);
    let managed_fee = f64::from(usage.managed_pool_days) * prices.managed_pool_monthly / days;
    let managed_usage = prices.managed_usage(usage.managed_messages);
    let standard_ips = usage.standard_ip_days as f64 * prices.standard_ip_monthly / days;
    MonthCost {
        month: month.to_string(),
        managed_fee,
        managed_usage,
        standard_ips,
        total: managed_fee + managed_usage + standard_ips,
    }
}

/// What `added` (usage of a run) cost, given the month totals `after` the run: the
/// per-message tiers depend on what the month had already sent.
pub fn cost_of(
    added: &BTreeMap<String, MonthUsage>,
    after: &BTreeMap<String, MonthUsage>,
    prices: &Prices,
) -> f64 {
    added
        .iter()
        .map(|(month, add)| {
            let total = after.get(month).cloned().unwrap_or_default();
            let before = MonthUsage {
                managed_pool_days: total
                    .managed_pool_days
                    .saturating_sub(add.managed_pool_days),
                managed_messages: total.managed_messages.saturating_sub(add.managed_messages),
                standard_ip_days: total.standard_ip_days.saturating_sub(add.standard_ip_days),
            };
            month_cost(month, &total, prices).total - month_cost(month, &before, prices).total
        })
        .sum()
}

/// The charges of every month together (unrounded).
pub fn total(usage: &BTreeMap<String, MonthUsage>, prices: &Prices) -> f64 {
    months(usage, prices).iter().map(|m| m.total).sum()
}

/// Every month's charges, oldest first.
pub fn months(usage: &BTreeMap<String, MonthUsage>, prices: &Prices) -> Vec<MonthCost> {
    usage
        .iter()
        .map(|(m, u)| month_cost(m, u, prices))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fees_are_prorated_by_the_days_of_the_month() {
        let p = Prices::default();
        assert_eq!(days_in_month("2026-02"), 28.0);
        assert_eq!(days_in_month("2028-02"), 29.0);
        let u = MonthUsage {
            managed_pool_days: 14,
            managed_messages: 0,
            standard_ip_days: 28,
        };
        let c = month_cost("2026-02", &u, &p);
        assert!((c.managed_fee - 7.5).abs() < 1e-9);
        assert!((c.standard_ips - 24.95).abs() < 1e-9);
        assert!((c.total - 32.45).abs() < 1e-9);
    }

    #[test]
    fn a_run_pays_the_tier_its_month_has_reached() {
        let p = Prices::default();
        let month = "2026-11".to_string();
        let after = BTreeMap::from([(
            month.clone(),
            MonthUsage {
                managed_messages: 11_000_000,
                ..Default::default()
            },
        )]);
        let added = BTreeMap::from([(
            month,
            MonthUsage {
                managed_messages: 2_000_000,
                ..Default::default()
            },
        )]);
        // 1 M at 0.08 + 1 M at 0.04 per 1,000.
        assert!((cost_of(&added, &after, &p) - 120.0).abs() < 1e-6);
    }
}
