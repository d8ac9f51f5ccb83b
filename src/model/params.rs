//! The simulation's constants and the prices: defaults from `warmup-model.md` and `ses-rules.md`
//! (A4), kept in the state so a user can change them (`state export`, edit, `state import`).

use serde::{Deserialize, Serialize};

/// The most messages a day sesm accepts for one ISP through one configuration set (standing
/// traffic, plan rows added up, sends): ten billion. Gmail is estimated to receive a few
/// hundred billion messages a day from everyone; no single sender comes within a hundred
/// times of this. The bound keeps every sum of volumes in the model far from overflowing.
pub const MAX_DAILY_VOLUME: u64 = 10_000_000_000;

/// One row of the ISP table (`sesm isp list`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct IspParams {
    pub isp: String,
    /// `C`: what one fully warm IP may send to this ISP in a day.
    pub fully_warm_daily_capacity_per_ip: u64,
    /// `D`: days to warm at full use.
    pub days_to_warm: u32,
}

/// The model's parameters; names follow `warmup-model.md`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct ModelParams {
    pub isps: Vec<IspParams>,
    /// `V0`: cold allowance per IP per ISP per day.
    pub cold_allowance: f64,
    /// `H`: headroom applied to the EWMA before it becomes a target.
    pub headroom: f64,
    /// `α` of the EWMA.
    pub ewma_alpha: f64,
    /// `u_full`: utilisation at which an IP warms at the full daily step.
    pub full_use: f64,
    /// Days without mail after which an IP's warm-up for an ISP resets.
    pub idle_reset_days: u32,
    /// `θ`: share of the reference demand the EDR must reach for the LATE phase.
    pub late_phase_threshold: f64,
    /// Days of demand history used as the reference for the phase.
    pub history_days: usize,
    /// Target utilisation of IPs when sizing a pool.
    pub scale_utilisation: f64,
    /// Messages over the last 3 (or 7) days that make a pool hold IPs at all.
    pub activation_threshold: u64,
    /// Mean daily demand to an ISP below which it does not drive scaling.
    pub isp_scaling_floor: u64,
    pub max_ips: usize,
    /// Consecutive under-use days before a pool scales in.
    pub scale_in_days: u32,
    /// Days a standard IP takes to warm up.
    pub standard_warmup_days: u32,
    /// A standard IP's daily cap runs from this cold cap …
    pub standard_cold_cap: f64,
    /// … to this warm cap, exponentially in its warm-up percentage.
    pub standard_warm_cap: f64,
    /// Retry window, in seconds, of a configuration set without `MaxDeliverySeconds`.
    pub default_max_delivery_seconds: u32,
    /// Which ISP a recipient's domain belongs to (first match; `other` when none).
    pub isp_domains: Vec<super::sending::IspDomain>,
}

impl Default for ModelParams {
    fn default() -> Self {
        let isp = |name: &str, capacity: u64, days: u32| IspParams {
            isp: name.to_string(),
            fully_warm_daily_capacity_per_ip: capacity,
            days_to_warm: days,
        };
        ModelParams {
            isps: vec![
                isp("gmail", 200_000, 30),
                isp("microsoft", 120_000, 42),
                isp("yahoo", 100_000, 30),
                isp("apple", 30_000, 21),
                isp("comcast", 20_000, 28),
                isp("att", 20_000, 28),
                isp("gmx", 15_000, 28),
                isp("orange", 15_000, 28),
                isp("other", 100_000, 30),
            ],
            cold_allowance: 200.0,
            headroom: 2.0,
            ewma_alpha: 0.25,
            full_use: 0.8,
            idle_reset_days: 30,
            late_phase_threshold: 0.9,
            history_days: 28,
            scale_utilisation: 0.8,
            activation_threshold: 500,
            isp_scaling_floor: 1_000,
            max_ips: 100,
            scale_in_days: 7,
            standard_warmup_days: 45,
            standard_cold_cap: 200.0,
            standard_warm_cap: 50_000.0,
            default_max_delivery_seconds: 50_400,
            isp_domains: super::sending::default_isp_domains(),
        }
    }
}

impl ModelParams {
    pub fn isp_index(&self, name: &str) -> Option<usize> {
        self.isps.iter().position(|i| i.isp == name)
    }

    pub fn isp_names(&self) -> impl Iterator<Item = &str> {
        self.isps.iter().map(|i| i.isp.as_str())
    }
}

/// One band of the per-message charge: messages of a calendar month up to `up_to` (the last
/// band has none) cost `per_thousand` USD per 1,000.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PriceTier {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub up_to: Option<u64>,
    pub per_thousand: f64,
}

/// Prices in USD (A4); estimates, editable in the state.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct Prices {
    pub standard_ip_monthly: f64,
    pub managed_pool_monthly: f64,
    pub managed_message_tiers: Vec<PriceTier>,
    /// SES's charge for every message sent, whichever IPs it leaves through (USD per 1,000;
    /// `compare` counts it in every option's cost).
    pub sending_per_thousand: f64,
}

impl Default for Prices {
    fn default() -> Self {
        Prices {
            standard_ip_monthly: 24.95,
            managed_pool_monthly: 15.00,
            managed_message_tiers: vec![
                PriceTier {
                    up_to: Some(10_000_000),
                    per_thousand: 0.08,
                },
                PriceTier {
                    up_to: Some(100_000_000),
                    per_thousand: 0.04,
                },
                PriceTier {
                    up_to: None,
                    per_thousand: 0.02,
                },
            ],
            sending_per_thousand: 0.10,
        }
    }
}

impl Prices {
    /// SES's sending charge for `messages` messages.
    pub fn sending_charge(&self, messages: u64) -> f64 {
        messages as f64 * self.sending_per_thousand / 1000.0
    }

    /// The per-message charge for the first `messages` messages of a calendar month.
    pub fn managed_usage(&self, messages: u64) -> f64 {
        let mut total = 0.0;
        let mut below = 0u64;
        for tier in &self.managed_message_tiers {
            let top = tier.up_to.unwrap_or(u64::MAX).min(messages);
            if top > below {
                total += (top - below) as f64 * tier.per_thousand / 1000.0;
                below = top;
            }
            if below >= messages {
                break;
            }
        }
        total
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn per_message_charge_is_tiered_per_month() {
        let p = Prices::default();
        assert_eq!(p.managed_usage(0), 0.0);
        assert!((p.managed_usage(1_000) - 0.08).abs() < 1e-9);
        assert!((p.managed_usage(10_000_000) - 800.0).abs() < 1e-6);
        // 10 M at 0.08 + 90 M at 0.04 + 1 M at 0.02
        assert!((p.managed_usage(101_000_000) - (800.0 + 3600.0 + 20.0)).abs() < 1e-6);
    }

    #[test]
    fn isp_table_matches_the_spec() {
        let m = ModelParams::default();
        assert_eq!(m.isps.len(), 9);
        assert_eq!(m.isp_index("orange"), Some(7));
        assert_eq!(m.isps[1].fully_warm_daily_capacity_per_ip, 120_000);
        assert_eq!(m.isps[1].days_to_warm, 42);
    }
}
