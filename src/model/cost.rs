//! Cost (A4): dollars from the usage counted per calendar month and the prices in the state.
//! Amounts stay unrounded here; only printing rounds them to cents.

use std::collections::BTreeMap;

use jiff::civil::Date;

use super::Prices;

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
