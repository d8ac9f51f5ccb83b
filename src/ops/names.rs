//! The names a front end offers for an argument (shell completion today, a console's pickers
//! next): pools, configuration sets, identities, IPs, ISPs, tag targets and regions.
//!
//! Offering names is a suggestion, never an answer: a section that cannot be read offers no
//! names rather than an error, and with no state only the model's ISPs and the known regions
//! are offered.

use std::collections::BTreeMap;

use crate::error::Result;
use crate::model::{DEFAULT_POOL, ModelParams, SHARED_POOL, State};

/// Regions offered (SES regions as of 2026), plus any region the state has.
const KNOWN_REGIONS: &[&str] = &[
    "af-south-1",
    "ap-northeast-1",
    "ap-northeast-2",
    "ap-northeast-3",
    "ap-south-1",
    "ap-southeast-1",
    "ap-southeast-2",
    "ap-southeast-3",
    "ca-central-1",
    "eu-central-1",
    "eu-central-2",
    "eu-north-1",
    "eu-south-1",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "il-central-1",
    "me-south-1",
    "sa-east-1",
    "us-east-1",
    "us-east-2",
    "us-gov-east-1",
    "us-gov-west-1",
    "us-west-1",
    "us-west-2",
];

/// What kind of name an argument takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Names {
    /// User pools of the region.
    Pools,
    /// User pools plus the two SES pools (`config-set set-pool`, `ip move`, `ip lease --pool`).
    AnyPools,
    ConfigSets,
    Identities,
    Ips,
    /// ISP names from the model table: the state's, or the defaults.
    Isps,
    /// Tag targets: `pool/NAME`, `config-set/NAME`, `identity/NAME`.
    Resources,
    Regions,
}

/// The names of `kind` in `region` of `state` (`None`: no state could be read).
pub fn names(state: Option<&State>, region: &str, kind: Names) -> Vec<String> {
    let Some(s) = state else {
        return match kind {
            Names::Isps => isps(&ModelParams::default()),
            Names::Regions => KNOWN_REGIONS.iter().map(|r| r.to_string()).collect(),
            _ => Vec::new(),
        };
    };
    let r = s.region(region);
    match kind {
        Names::Pools => r.pools.keys().cloned().collect(),
        Names::AnyPools => {
            let mut names: Vec<String> = r.pools.keys().cloned().collect();
            names.extend([DEFAULT_POOL.to_string(), SHARED_POOL.to_string()]);
            names.sort();
            names
        }
        Names::ConfigSets => keys(r.configuration_sets.get()),
        Names::Identities => keys(r.identities.get()),
        Names::Ips => r.ips.keys().map(|ip| ip.to_string()).collect(),
        Names::Isps => isps(&s.model),
        Names::Resources => {
            let pools = r.pools.keys().map(|n| format!("pool/{n}"));
            let sets = keys(r.configuration_sets.get())
                .into_iter()
                .map(|n| format!("config-set/{n}"));
            let ids = keys(r.identities.get())
                .into_iter()
                .map(|n| format!("identity/{n}"));
            pools.chain(sets).chain(ids).collect()
        }
        Names::Regions => {
            let mut names: Vec<String> = KNOWN_REGIONS.iter().map(|r| r.to_string()).collect();
            names.extend(s.regions.keys().cloned());
            names.sort();
            names.dedup();
            names
        }
    }
}

/// The name of `names` closest to `wanted`, when one is close enough to be what was meant
/// ("did you mean"): a different case, or a Jaro–Winkler similarity of at least 0.8 (clap
/// suggests subcommands from 0.7 with plain Jaro; Winkler's bonus for a shared prefix favours
/// the typos of names, which keep their start). Ties go to the first in `names`' order.
pub fn closest<'a>(wanted: &str, names: &'a [String]) -> Option<&'a str> {
    let folded = wanted.to_lowercase();
    names
        .iter()
        .filter(|n| n.as_str() != wanted)
        .map(|n| (strsim::jaro_winkler(&folded, &n.to_lowercase()), n))
        .filter(|(score, _)| *score >= 0.8)
        .fold(
            None,
            |best: Option<(f64, &String)>, (score, n)| match best {
                Some((b, _)) if b >= score => best,
                _ => Some((score, n)),
            },
        )
        .map(|(_, n)| n.as_str())
}

fn isps(model: &ModelParams) -> Vec<String> {
    model.isp_names().map(str::to_string).collect()
}

/// The names in a section as it was read (none if it can't be read).
fn keys<V>(section: Result<&BTreeMap<String, V>>) -> Vec<String> {
    section
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_closest_name_is_offered_only_when_close() {
        let names: Vec<String> = ["marketing", "transactional", "newsletters"]
            .map(String::from)
            .to_vec();
        assert_eq!(closest("markting", &names), Some("marketing"));
        assert_eq!(closest("Marketing", &names), Some("marketing"));
        assert_eq!(closest("newsleters", &names), Some("newsletters"));
        assert_eq!(closest("transactionl", &names), Some("transactional"));
        assert_eq!(closest("zebra", &names), None);
        assert_eq!(
            closest("marketing", &names),
            None,
            "the name itself is no suggestion"
        );
        assert_eq!(closest("x", &[]), None);
    }

    #[test]
    fn without_a_state_only_isps_and_known_regions_are_offered() {
        assert!(names(None, "us-east-1", Names::Pools).is_empty());
        assert!(names(None, "us-east-1", Names::AnyPools).is_empty());
        assert!(names(None, "us-east-1", Names::Isps).contains(&"gmail".to_string()));
        assert!(names(None, "us-east-1", Names::Regions).contains(&"eu-west-1".to_string()));
    }
}
