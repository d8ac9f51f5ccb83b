//! Sample accounts at full size, built with the model's own rules, for the benchmarks and the
//! benchmark script (`scripts/bench.sh`). Nothing in the CLI depends on this module.

use jiff::civil::Date;

use crate::error::Result;
use crate::model::config_set::NewConfigSet;
use crate::model::pool::NewPool;
use crate::model::{ScalingMode, State, quota};

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
    crate::cli::simulate::simulate(&mut state, days, None)?;
    Ok(state)
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
}
