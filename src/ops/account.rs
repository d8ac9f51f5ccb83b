//! The account: `GetAccount` (quotas and usage per region, the clock, auto warm-up, cost to
//! date) and `PutAccountDedicatedIpWarmupAttributes` (A2).

use jiff::civil::Date;
use serde::Serialize;

use crate::error::Result;
use crate::model::{State, cost, quota};

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Quotas {
    pub max_dedicated_ip_pools: usize,
    pub max_managed_pools: usize,
    pub max_email_identities: usize,
    pub max_configuration_sets: usize,
    pub max_tags_per_resource: usize,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct RegionView {
    pub region: String,
    pub dedicated_ip_pools: usize,
    pub managed_pools: usize,
    pub dedicated_ips: usize,
    pub email_identities: usize,
    pub configuration_sets: usize,
    pub dedicated_ip_auto_warmup_enabled: bool,
    pub quotas: Quotas,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct AccountView {
    pub account_id: String,
    pub region: String,
    /// The region's auto warm-up setting (A2).
    pub dedicated_ip_auto_warmup_enabled: bool,
    /// The account clock: the next day `simulate` simulates.
    pub date: Date,
    pub cost_to_date: f64,
    pub regions: Vec<RegionView>,
    /// Whether the account sends in `region` (PutAccountSendingAttributes).
    pub sending_enabled: bool,
    /// The sending quota of `region` and what counts against it (GetAccount's `SendQuota`).
    pub send_quota: SendQuota,
}

/// PutAccountDedicatedIpWarmupAttributes: the account after the change.
#[derive(Debug, Serialize)]
pub struct AutoWarmupSet {
    #[serde(flatten)]
    pub account: AccountView,
}

/// The sending quota of a production account sesm reports (SES grants quotas on request, so
/// any figure is an example: these are generous, so no test meets them by accident).
pub const MAX_24_HOUR_SEND: f64 = 1_000_000_000.0;
pub const MAX_SEND_RATE: f64 = 10_000.0;

/// GetAccount's `SendQuota`: the quota, and the recipients accepted today (the account day's
/// demand not yet simulated).
#[derive(Debug, Clone, Copy, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct SendQuota {
    pub max_24_hour_send: f64,
    pub max_send_rate: f64,
    pub sent_last_24_hours: f64,
}

/// The quota of `region` and its use: the recipients counted into its pending demand.
pub fn send_quota(s: &State, region: &str) -> SendQuota {
    let sent: u64 = s
        .region(region)
        .pending
        .values()
        .flat_map(|isps| isps.values())
        .fold(0, |t, n| t.saturating_add(*n));
    SendQuota {
        max_24_hour_send: MAX_24_HOUR_SEND,
        max_send_rate: MAX_SEND_RATE,
        sent_last_24_hours: sent as f64,
    }
}

/// GetAccount: every region the state has, plus `region`.
pub fn get(s: &State, region: &str) -> Result<AccountView> {
    let mut names: Vec<&str> = s.regions.keys().map(String::as_str).collect();
    if !names.contains(&region) {
        names.push(region);
        names.sort_unstable();
    }
    let regions = names
        .iter()
        .map(|&name| {
            let r = s.region(name);
            Ok(RegionView {
                region: name.to_string(),
                dedicated_ip_pools: r.pools.len(),
                managed_pools: r.managed_pool_count(),
                dedicated_ips: r.ips.len(),
                email_identities: r.identities.len()?,
                configuration_sets: r.configuration_sets.len()?,
                dedicated_ip_auto_warmup_enabled: r.auto_warmup,
                quotas: Quotas {
                    max_dedicated_ip_pools: quota::POOLS,
                    max_managed_pools: quota::MANAGED_POOLS,
                    max_email_identities: quota::IDENTITIES,
                    max_configuration_sets: quota::CONFIGURATION_SETS,
                    max_tags_per_resource: quota::TAGS,
                },
            })
        })
        .collect::<Result<_>>()?;
    Ok(AccountView {
        account_id: s.account_id.clone(),
        region: region.to_string(),
        dedicated_ip_auto_warmup_enabled: s.region(region).auto_warmup,
        date: s.date,
        cost_to_date: cost::total(&s.usage, &s.prices),
        regions,
        sending_enabled: s.region(region).sending_enabled,
        send_quota: send_quota(s, region),
    })
}

/// PutAccountDedicatedIpWarmupAttributes (A2): per region.
pub fn set_auto_warmup(s: &mut State, region: &str, enabled: bool) -> Result<AutoWarmupSet> {
    s.region_mut(region).auto_warmup = enabled;
    Ok(AutoWarmupSet {
        account: get(s, region)?,
    })
}

/// PutAccountSendingAttributes: pauses or resumes the account's sending in `region`.
pub fn set_sending(s: &mut State, region: &str, enabled: bool) -> Result<AccountView> {
    s.region_mut(region).sending_enabled = enabled;
    get(s, region)
}

/// One day of SES v1's GetSendStatistics: the mail the region's pools sent that simulated
/// day, and the bounces and complaints published for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct SendDataPoint {
    pub date: jiff::civil::Date,
    pub delivery_attempts: u64,
    pub bounces: u64,
    pub complaints: u64,
}

/// GetSendStatistics: the last two weeks of simulated days, oldest first.
pub fn send_statistics(
    s: &State,
    region: &str,
    events: &[crate::model::publishing::EventRecord],
) -> Result<Vec<SendDataPoint>> {
    use std::collections::BTreeMap;
    let mut days: BTreeMap<jiff::civil::Date, SendDataPoint> = BTreeMap::new();
    let from = s
        .date
        .checked_sub(jiff::Span::new().days(14))
        .unwrap_or(s.date);
    let point = |date| SendDataPoint {
        date,
        delivery_attempts: 0,
        bounces: 0,
        complaints: 0,
    };
    for stored in s.region(region).metrics.get()?.values() {
        let m = stored.series();
        for (i, d) in m.dates.iter().enumerate().filter(|(_, d)| **d >= from) {
            let sent: u64 = m.isps.values().map(|c| c.day(i).sent()).sum();
            days.entry(*d)
                .or_insert_with(|| point(*d))
                .delivery_attempts += sent;
        }
    }
    for e in events.iter().filter(|e| e.region == region) {
        if let Some(p) = days.get_mut(&e.date) {
            match e.event_type.as_str() {
                "Bounce" => p.bounces += 1,
                "Complaint" => p.complaints += 1,
                _ => {}
            }
        }
    }
    Ok(days.into_values().collect())
}
