//! Table views and confirmation lines of the account's operations (pools, IPs,
//! configuration sets, identities, tags, traffic, ISPs, account, cost, metrics, state).

use super::sparkline;
use super::{Block, Column, Render, View, thousands, usd};
use crate::model::ScalingMode;
use crate::model::metrics::MetricName;
use crate::ops::account::{AccountView, AutoWarmupSet};
use crate::ops::config_set::{self, DeliverySet, DetailedSetList, SetList};
use crate::ops::cost::CostView;
use crate::ops::identity::{IdentityList, Imported};
use crate::ops::ip::IpList;
use crate::ops::isp::IspList;
use crate::ops::metrics::Results;
use crate::ops::pool::{self, Created, DetailedPoolList, PoolList, ScalingSet};
use crate::ops::shapes::{ConfigSetGet, DedicatedIpGet, Done, IdentityGet, PoolGet, TagsView};
use crate::ops::state::{Exported, PathView, Replaced};
use crate::ops::traffic::TrafficList;

impl Render for PoolGet {}

impl Render for Created {
    fn notices(&self, v: &View) -> Vec<String> {
        let name = &self.pool.dedicated_ip_pool.pool_name;
        let mode = self.pool.dedicated_ip_pool.scaling_mode;
        let mut notices = vec![format!(
            "Created {} pool {name} in {}.",
            mode.as_str(),
            v.region
        )];
        for m in &self.moved_configuration_sets {
            notices.push(format!(
                "Moved configuration set {} from pool {} to {name}.",
                m.configuration_set_name, m.from_pool_name
            ));
        }
        if mode == ScalingMode::Managed {
            notices.push(
                "SES allocates its IPs once it sees a few hundred messages; try: sesm traffic set CS gmail=50000 && sesm simulate --days 30"
                    .into(),
            );
        }
        notices
    }
}

impl Render for pool::Deleted {
    fn notices(&self, v: &View) -> Vec<String> {
        let mut notices = vec![format!(
            "Deleted pool {} in {}.",
            self.dedicated_ip_pool.pool_name, v.region
        )];
        if !self.relinquished_ips.is_empty() {
            notices.push(format!(
                "Relinquished {} dedicated IP(s): {}.",
                self.relinquished_ips.len(),
                self.relinquished_ips.join(", ")
            ));
        }
        if !self.disassociated_configuration_sets.is_empty() {
            notices.push(format!(
                "Configuration set(s) {} no longer have a sending pool.",
                self.disassociated_configuration_sets.join(", ")
            ));
        }
        notices
    }
}

impl Render for ScalingSet {
    fn notices(&self, _: &View) -> Vec<String> {
        let name = &self.pool.dedicated_ip_pool.pool_name;
        let mode = self.pool.dedicated_ip_pool.scaling_mode.as_str();
        vec![
            if self.previous_mode != self.pool.dedicated_ip_pool.scaling_mode {
                format!(
                    "Converted pool {name} to {mode}; its IPs keep their warm-up as a per-ISP starting point."
                )
            } else {
                format!("Pool {name} is already {mode}; nothing changed.")
            },
        ]
    }
}

impl Render for PoolList {}

impl Render for DetailedPoolList {
    fn table(&self, v: &View) -> Option<Vec<Block>> {
        let rows = &self.pools;
        if rows.is_empty() {
            return Some(vec![Block::Line(format!(
                "No dedicated IP pools in {}. Create one with: sesm pool create NAME --managed",
                v.region
            ))]);
        }
        let rows = rows
            .iter()
            .map(|p| {
                vec![
                    p.name.clone(),
                    p.mode.as_str().to_string(),
                    p.ips.to_string(),
                    p.config_sets.join(", "),
                ]
            })
            .collect();
        Some(vec![Block::table(
            vec![
                Column::left("Name"),
                Column::left("Mode"),
                Column::right("IPs"),
                Column::left("Configuration sets"),
            ],
            rows,
        )])
    }
}

impl Render for IpList {
    fn notices(&self, _: &View) -> Vec<String> {
        match &self.pool {
            Some(pool) => vec![format!(
                "Leased {} standard IP(s) into {pool}.",
                self.dedicated_ips.len()
            )],
            None => Vec::new(),
        }
    }
}

impl Render for DedicatedIpGet {
    fn notices(&self, _: &View) -> Vec<String> {
        let ip = &self.dedicated_ip;
        match &self.change {
            Some(Done::Moved) => vec![format!("Moved {} to {}.", ip.ip, ip.pool_name)],
            Some(Done::WarmupSet(p)) => {
                vec![format!("Set the warm-up of {} to {p} %.", ip.ip)]
            }
            Some(Done::Released) => {
                vec![format!("Released {}; its charges stop today.", ip.ip)]
            }
            _ => Vec::new(),
        }
    }
}

impl Render for ConfigSetGet {
    fn notices(&self, v: &View) -> Vec<String> {
        match self.change {
            Some(Done::Created) => vec![format!(
                "Created configuration set {} in {}.",
                self.configuration_set_name, v.region
            )],
            _ => Vec::new(),
        }
    }
}

impl Render for config_set::Deleted {
    fn notices(&self, v: &View) -> Vec<String> {
        let mut notices = vec![format!(
            "Deleted configuration set {} in {}.",
            self.config_set.configuration_set_name, v.region
        )];
        if !self.disassociated_identities.is_empty() {
            notices.push(format!(
                "Identities that no longer have a default configuration set: {}.",
                self.disassociated_identities.join(", ")
            ));
        }
        notices
    }
}

impl Render for DeliverySet {
    fn notices(&self, _: &View) -> Vec<String> {
        let name = &self.config_set.configuration_set_name;
        let now = &self.config_set.delivery_options.sending_pool_name;
        vec![match (&self.pool_before, now) {
            (_, None) => format!("Configuration set {name} no longer has a sending pool."),
            (Some(old), Some(new)) if old != new => {
                format!("Configuration set {name} moved from pool {old} to {new}.")
            }
            (_, Some(new)) => format!("Configuration set {name} sends through {new}."),
        }]
    }
}

impl Render for SetList {}

impl Render for DetailedSetList {
    fn table(&self, _: &View) -> Option<Vec<Block>> {
        let rows = &self.sets;
        let rows = rows
            .iter()
            .map(|cs| {
                vec![
                    cs.name.clone(),
                    cs.sending_pool.clone().unwrap_or_else(|| "-".into()),
                    cs.tls_policy.as_str().to_string(),
                    cs.max_delivery_seconds
                        .map_or_else(|| "-".into(), |s| s.to_string()),
                ]
            })
            .collect();
        Some(vec![Block::table(
            vec![
                Column::left("Name"),
                Column::left("Sending pool"),
                Column::left("TLS"),
                Column::right("Max delivery s"),
            ],
            rows,
        )])
    }
}

impl Render for IdentityGet {
    fn notices(&self, v: &View) -> Vec<String> {
        let name = &self.identity_name;
        match &self.change {
            Some(Done::Created) => vec![format!("Created identity {name} in {}.", v.region)],
            Some(Done::Deleted) => vec![format!("Deleted identity {name} in {}.", v.region)],
            Some(Done::DefaultSet(Some(cs))) => {
                vec![format!("Identity {name} now uses {cs} by default.")]
            }
            Some(Done::DefaultSet(None)) => vec![format!(
                "Identity {name} no longer has a default configuration set."
            )],
            _ => Vec::new(),
        }
    }
}

impl Render for IdentityList {
    fn table(&self, _: &View) -> Option<Vec<Block>> {
        let rows = self
            .email_identities
            .iter()
            .map(|id| {
                vec![
                    id.identity_name.clone(),
                    id.identity_type.as_str().to_string(),
                    id.configuration_set.clone().unwrap_or_else(|| "-".into()),
                ]
            })
            .collect();
        Some(vec![Block::table(
            vec![
                Column::left("Identity"),
                Column::left("Type"),
                Column::left("Default configuration set"),
            ],
            rows,
        )])
    }
}

impl Render for Imported {
    fn table(&self, v: &View) -> Option<Vec<Block>> {
        Some(vec![Block::Line(format!(
            "Imported {} identities into {}.",
            thousands(self.imported as u64),
            v.region
        ))])
    }
}

impl Render for TagsView {
    fn notices(&self, _: &View) -> Vec<String> {
        match &self.change {
            Some((Done::Tagged, r)) => vec![format!("Tagged {r}.")],
            Some((Done::Untagged, r)) => vec![format!("Untagged {r}.")],
            _ => Vec::new(),
        }
    }
}

impl Render for TrafficList {
    fn table(&self, v: &View) -> Option<Vec<Block>> {
        if self.traffic.is_empty() {
            return Some(vec![Block::Line(format!(
                "No standing traffic in {}. Add some with: sesm traffic set CS gmail=100000",
                v.region
            ))]);
        }
        let total = self
            .traffic
            .iter()
            .fold(0u64, |t, r| t.saturating_add(r.daily_volume));
        let mut rows: Vec<Vec<String>> = self
            .traffic
            .iter()
            .map(|r| {
                vec![
                    r.configuration_set_name.clone(),
                    r.pool.clone().unwrap_or_else(|| "(default)".into()),
                    r.isp.clone(),
                    thousands(r.daily_volume),
                ]
            })
            .collect();
        rows.push(vec![
            "total".into(),
            String::new(),
            String::new(),
            thousands(total),
        ]);
        Some(vec![Block::table(
            vec![
                Column::left("Configuration set"),
                Column::left("Pool"),
                Column::left("ISP"),
                Column::right("Daily volume"),
            ],
            rows,
        )])
    }

    fn notices(&self, v: &View) -> Vec<String> {
        match &self.change {
            Some((Done::Created, Some(cs))) => vec![format!("Set the daily traffic of {cs}.")],
            Some((Done::Deleted, cs)) => vec![format!(
                "Cleared the traffic of {} in {}.",
                cs.as_deref().unwrap_or("every configuration set"),
                v.region
            )],
            _ => Vec::new(),
        }
    }
}

impl Render for IspList {
    fn table(&self, _: &View) -> Option<Vec<Block>> {
        let rows = self
            .isps
            .iter()
            .map(|i| {
                vec![
                    i.isp.clone(),
                    thousands(i.fully_warm_daily_capacity_per_ip),
                    i.days_to_warm.to_string(),
                ]
            })
            .collect();
        Some(vec![
            Block::table(
                vec![
                    Column::left("ISP"),
                    Column::right("Capacity per warm IP/day"),
                    Column::right("Days to warm"),
                ],
                rows,
            ),
            Block::Blank,
            Block::Line(format!(
                "These are estimates calibrated from published warm-up schedules, not AWS figures. A cold IP may send {} per ISP per day.",
                self.cold_allowance
            )),
        ])
    }
}

impl Render for AccountView {
    fn table(&self, _: &View) -> Option<Vec<Block>> {
        use crate::model::quota;
        let rows = self
            .regions
            .iter()
            .map(|r| {
                vec![
                    r.region.clone(),
                    format!("{}/{}", r.dedicated_ip_pools, quota::POOLS),
                    format!("{}/{}", r.managed_pools, quota::MANAGED_POOLS),
                    r.dedicated_ips.to_string(),
                    format!(
                        "{}/{}",
                        thousands(r.email_identities as u64),
                        thousands(quota::IDENTITIES as u64)
                    ),
                    format!(
                        "{}/{}",
                        thousands(r.configuration_sets as u64),
                        thousands(quota::CONFIGURATION_SETS as u64)
                    ),
                    on_off(r.dedicated_ip_auto_warmup_enabled).to_string(),
                ]
            })
            .collect();
        Some(vec![
            Block::fields([
                ("Account", self.account_id.clone()),
                ("Date", self.date.to_string()),
                ("Region", self.region.clone()),
                (
                    "Auto warm-up",
                    on_off(self.dedicated_ip_auto_warmup_enabled).to_string(),
                ),
                (
                    "Cost to date",
                    format!("{} (estimate)", usd(self.cost_to_date)),
                ),
            ]),
            Block::Blank,
            Block::table(
                vec![
                    Column::left("Region"),
                    Column::right("Pools"),
                    Column::right("Managed"),
                    Column::right("IPs"),
                    Column::right("Identities"),
                    Column::right("Configuration sets"),
                    Column::left("Auto warm-up"),
                ],
                rows,
            ),
        ])
    }
}

impl Render for AutoWarmupSet {
    fn table(&self, v: &View) -> Option<Vec<Block>> {
        Render::table(&self.account, v)
    }

    fn notices(&self, _: &View) -> Vec<String> {
        vec![format!(
            "Auto warm-up of standard IPs is {} in {}.",
            on_off(self.account.dedicated_ip_auto_warmup_enabled),
            self.account.region
        )]
    }
}

fn on_off(b: bool) -> &'static str {
    if b { "on" } else { "off" }
}

impl Render for CostView {
    fn table(&self, _: &View) -> Option<Vec<Block>> {
        let mut rows: Vec<Vec<String>> = self
            .months
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
            usd(self.total),
        ]);
        Some(vec![
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
                "USD, estimates from the prices in the state; simulate days to accrue usage."
                    .into(),
            ),
        ])
    }
}

fn metric_value(metric: MetricName, v: f64) -> String {
    if metric.is_percentage() {
        format!("{v:.1}")
    } else {
        thousands(v as i128)
    }
}

impl Render for Results {
    fn table(&self, _: &View) -> Option<Vec<Block>> {
        if self.metric_data_results.is_empty() {
            return Some(vec![Block::Line(
                "No metrics match; simulate some days first: sesm simulate --days 30".into(),
            )]);
        }
        let rows = self
            .metric_data_results
            .iter()
            .map(|m| {
                vec![
                    m.dimensions.pool.clone(),
                    m.metric_name.as_str().to_string(),
                    m.dimensions.isp.clone().unwrap_or_else(|| "-".into()),
                    m.values.len().to_string(),
                    m.values
                        .last()
                        .map_or_else(|| "-".into(), |v| metric_value(m.metric_name, *v)),
                    sparkline::fit(&m.values, 30),
                ]
            })
            .collect();
        Some(vec![Block::table(
            vec![
                Column::left("Pool"),
                Column::left("Metric"),
                Column::left("ISP"),
                Column::right("Days"),
                Column::right("Last"),
                Column::left("Trend"),
            ],
            rows,
        )])
    }
}

impl Render for PathView {
    fn table(&self, _: &View) -> Option<Vec<Block>> {
        Some(vec![Block::Line(self.path.clone())])
    }
}

impl Render for Replaced {
    fn notices(&self, _: &View) -> Vec<String> {
        vec![match &self.source {
            Some(file) => format!("Imported {file} into {}.", self.path),
            None => format!(
                "Reset {}; the previous state is in {}.",
                self.path, self.backup_path
            ),
        }]
    }
}

impl Render for Exported {
    fn notices(&self, _: &View) -> Vec<String> {
        vec![format!("Exported the state to {}.", self.exported)]
    }
}

impl Render for crate::ops::event_destination::DestinationList {}

impl Render for crate::ops::event_destination::DestinationChanged {
    fn notices(&self, v: &View) -> Vec<String> {
        use crate::ops::event_destination::Changed;
        let what = match self.change {
            Changed::Created => "Created",
            Changed::Updated => "Updated",
            Changed::Deleted => "Deleted",
        };
        vec![format!(
            "{what} event destination {} of configuration set {} in {}.",
            self.destination.name, self.config_set, v.region
        )]
    }
}

impl Render for crate::ops::suppression::Suppressed {}

impl Render for crate::ops::suppression::SuppressedList {}

impl Render for crate::ops::suppression::Attributes {}

impl Render for crate::ops::suppression::SuppressedChanged {
    fn notices(&self, v: &View) -> Vec<String> {
        let e = &self.entry;
        vec![if self.removed {
            format!(
                "Removed {} from the suppression list of {}.",
                e.email_address, v.region
            )
        } else {
            format!(
                "Suppressed {} ({}) in {}.",
                e.email_address,
                e.reason.as_str(),
                v.region
            )
        }]
    }
}

impl Render for crate::ops::events::Subscriptions {}

impl Render for crate::ops::events::SubscriptionView {
    fn notices(&self, _: &View) -> Vec<String> {
        vec![if self.created {
            format!(
                "Subscribed {} to {}; sesm serve posts the SubscriptionConfirmation first.",
                self.endpoint, self.topic_arn
            )
        } else {
            format!(
                "{} was subscribed to {} already.",
                self.endpoint, self.topic_arn
            )
        }]
    }
}
