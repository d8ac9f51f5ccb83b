//! Sample accounts built with the model's own rules: the demo account (`sesm demo`), and
//! accounts at full size for the benchmarks and the benchmark script (`scripts/bench.py`).

use jiff::civil::Date;

use crate::error::Result;
use crate::model::config_set::NewConfigSet;
use crate::model::pool::NewPool;
use crate::model::{ScalingMode, State, quota};
use crate::sim::{Demand, Plan, PlanRow};

pub const REGIONS: [&str; 3] = ["us-east-1", "eu-west-1", "ap-southeast-2"];

/// Daily volume per ISP (table order) of each managed pool in the samples: enough to need a
/// handful of IPs, with every ISP present.
pub const MANAGED_TRAFFIC: [(&str, u64); 9] = [
    ("gmail", 1_000_000),
    ("microsoft", 500_000),
    ("yahoo", 400_000),
    ("apple", 150_000),
    ("comcast", 100_000),
    ("att", 100_000),
    ("gmx", 75_000),
    ("orange", 75_000),
    ("other", 250_000),
];

/// `pools` managed pools in `region`, each fed by its own configuration set with traffic to all
/// nine ISPs.
pub fn add_managed_pools(state: &mut State, region: &str, pools: usize) -> Result<()> {
    let r = state.region_mut(region);
    for i in 0..pools {
        let cs = format!("managed-cs-{i}");
        r.create_config_set(NewConfigSet {
            name: cs.clone(),
            ..Default::default()
        })?;
        r.create_pool(NewPool {
            name: format!("managed-{i}"),
            mode: ScalingMode::Managed,
            config_sets: vec![cs.clone()],
            tags: vec![("team".into(), format!("growth-{i}"))],
        })?;
        r.traffic.insert(
            cs,
            MANAGED_TRAFFIC
                .iter()
                .map(|(isp, v)| (isp.to_string(), *v))
                .collect(),
        );
    }
    Ok(())
}

/// The account of the performance targets: in each of 3 regions, 50 pools (5 managed), 10,000
/// configuration sets and 10,000 identities (every tenth with tags), 100 standard IPs; then
/// `days` simulated days, which fill the 5 managed pools' metrics in every region.
pub fn large_account(days: u32) -> Result<State> {
    let mut state = State::new(Date::constant(2026, 1, 1));
    for region in REGIONS {
        add_managed_pools(&mut state, region, quota::MANAGED_POOLS)?;
        let r = state.region_mut(region);
        for i in 0..quota::POOLS - quota::MANAGED_POOLS {
            r.create_pool(NewPool {
                name: format!("standard-{i:02}"),
                mode: ScalingMode::Standard,
                config_sets: vec![],
                tags: vec![],
            })?;
        }
        for i in 0..quota::CONFIGURATION_SETS - quota::MANAGED_POOLS {
            let pool = (i % 3 == 0).then(|| format!("standard-{:02}", i % 45));
            let tags = if i % 10 == 0 {
                vec![("app".into(), format!("app-{i}"))]
            } else {
                vec![]
            };
            r.create_config_set(NewConfigSet {
                name: format!("cs-{i:05}"),
                pool,
                tags,
                ..Default::default()
            })?;
        }
        let names: Vec<String> = (0..quota::IDENTITIES)
            .map(|i| {
                if i % 4 == 0 {
                    format!("user{i}@example{}.com", i % 97)
                } else {
                    format!("mail{i}.example{}.com", i % 97)
                }
            })
            .collect();
        r.import_identities(names.iter().map(String::as_str))?;
        for (i, name) in names.iter().enumerate().filter(|(i, _)| i % 10 == 0) {
            let cs = format!("cs-{i:05}");
            r.set_identity_config_set(name, Some(&cs))?;
            r.identities
                .get_mut()?
                .get_mut(name)
                .expect("just imported")
                .tags
                .insert("owner".into(), format!("team-{}", i % 7));
        }
        state.lease_ips(region, 100, Some("standard-00"))?;
    }
    crate::sim::simulate(&mut state, days, Demand::Standing)?;
    Ok(state)
}

/// The demo account (`sesm demo`): a managed pool for marketing mail, a standard pool with two
/// IPs for receipts, four identities, and standing traffic to seven ISPs.
pub mod demo {
    use super::*;

    pub const MANAGED_POOL: &str = "marketing";
    pub const STANDARD_POOL: &str = "transactional";
    /// The configuration set the promotion goes through.
    pub const PROMOTION_SET: &str = "promotions";
    /// The day of the promotion, counted from the first simulated day.
    pub const PROMOTION_DAY: u32 = 30;
    /// The promotion's extra volume per ISP, on top of the standing traffic.
    pub const PROMOTION: &[(&str, u64)] = &[("gmail", 250_000), ("microsoft", 80_000)];
    /// Standing daily traffic per configuration set and ISP.
    pub const TRAFFIC: [(&str, &[(&str, u64)]); 3] = [
        (
            "newsletters",
            &[
                ("gmail", 60_000),
                ("microsoft", 25_000),
                ("yahoo", 12_000),
                ("apple", 6_000),
                ("comcast", 3_000),
                ("orange", 4_000),
                ("other", 8_000),
            ],
        ),
        (
            PROMOTION_SET,
            &[("gmail", 20_000), ("microsoft", 8_000), ("yahoo", 4_000)],
        ),
        (
            "receipts",
            &[
                ("gmail", 6_000),
                ("microsoft", 3_000),
                ("yahoo", 1_500),
                ("other", 1_500),
            ],
        ),
    ];

    /// Messages a day of the standing traffic, all sets and ISPs together.
    pub fn daily_volume() -> u64 {
        TRAFFIC
            .iter()
            .flat_map(|(_, v)| v.iter().map(|(_, n)| n))
            .sum()
    }

    /// Distinct ISPs of the standing traffic.
    pub fn isp_count() -> usize {
        let mut isps: Vec<&str> = TRAFFIC
            .iter()
            .flat_map(|(_, v)| v.iter().map(|(i, _)| *i))
            .collect();
        isps.sort_unstable();
        isps.dedup();
        isps.len()
    }

    /// The promotion's extra messages, all ISPs together.
    pub fn promotion_volume() -> u64 {
        PROMOTION.iter().map(|(_, v)| v).sum()
    }

    fn s(v: &str) -> String {
        v.to_string()
    }

    /// Builds the demo account in `region` of an empty state.
    pub fn build(state: &mut State, region: &str) -> Result<()> {
        let r = state.region_mut(region);
        for (name, mds) in [
            ("newsletters", Some(14_400)),
            (PROMOTION_SET, Some(3_600)),
            ("receipts", None),
        ] {
            r.create_config_set(NewConfigSet {
                name: s(name),
                max_delivery_seconds: mds,
                ..Default::default()
            })?;
        }
        r.create_pool(NewPool {
            name: s(MANAGED_POOL),
            mode: ScalingMode::Managed,
            config_sets: vec![s("newsletters"), s(PROMOTION_SET)],
            tags: vec![(s("team"), s("growth"))],
        })?;
        r.create_pool(NewPool {
            name: s(STANDARD_POOL),
            mode: ScalingMode::Standard,
            config_sets: vec![s("receipts")],
            tags: vec![(s("team"), s("payments"))],
        })?;
        for (identity, cs) in [
            ("example.com", Some("newsletters")),
            ("news@example.com", Some("newsletters")),
            ("shop.example.com", Some(PROMOTION_SET)),
            ("billing@example.com", Some("receipts")),
        ] {
            r.create_identity(identity, cs, &[])?;
        }
        for (cs, volumes) in TRAFFIC {
            r.traffic
                .insert(s(cs), volumes.iter().map(|(i, v)| (s(i), *v)).collect());
        }
        state.lease_ips(region, 2, Some(STANDARD_POOL))?;
        Ok(())
    }

    /// The promotion as plan rows on top of the standing traffic.
    pub fn promotion(state: &State, region: &str) -> Plan {
        Plan {
            rows: PROMOTION
                .iter()
                .filter_map(|(isp, volume)| {
                    Some(PlanRow {
                        day: PROMOTION_DAY,
                        region: region.to_string(),
                        config_set: PROMOTION_SET.to_string(),
                        isp: state.model.isp_index(isp)?,
                        volume: *volume,
                    })
                })
                .collect(),
        }
    }

    /// Simulates the demo: standing traffic every day, plus the promotion.
    pub fn simulate(state: &mut State, region: &str, days: u32) -> Result<crate::sim::RunReport> {
        let promotion = promotion(state, region);
        crate::sim::simulate(state, days, Demand::StandingPlus(&promotion))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_large_account_is_at_full_quotas() {
        let s = large_account(2).unwrap();
        for region in REGIONS {
            let r = s.region(region);
            assert_eq!(r.pools.len(), quota::POOLS);
            assert_eq!(r.managed_pool_count(), quota::MANAGED_POOLS);
            assert_eq!(
                r.configuration_sets.len().unwrap(),
                quota::CONFIGURATION_SETS
            );
            assert_eq!(r.identities.len().unwrap(), quota::IDENTITIES);
            assert_eq!(
                r.metrics.len().unwrap(),
                quota::MANAGED_POOLS + 1,
                "5 managed pools and standard-00"
            );
        }
    }

    /// The figures the demo prints are computed from its traffic table.
    #[test]
    fn the_demo_traffic_adds_up() {
        assert_eq!(demo::daily_volume(), 162_000);
        assert_eq!(demo::isp_count(), 7);
        assert_eq!(demo::promotion_volume(), 330_000);
    }
}
