//! Candidates for dynamic shell completion: names from the state (pools, configuration sets, identities, IPs)
//! and the model (ISPs), offered by clap_complete's `CompleteEnv` protocol.
//!
//! The shell calls `COMPLETE=<shell> sesm -- <words>`; the candidates below read the state with
//! no lock, from the `--state`/`--region` on the line being completed or the environment, and
//! offer nothing when anything goes wrong: completion must never print an error.

use std::ffi::OsString;
use std::path::PathBuf;

use clap_complete::engine::{ArgValueCandidates, CompletionCandidate};

use crate::env;
use crate::model::{DEFAULT_POOL, SHARED_POOL, State};
use crate::store::Store;

/// Regions offered for `--region` (SES regions as of 2026), plus any region the state has.
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

/// Answers a completion request (`COMPLETE` set) and exits; otherwise returns at once.
pub fn handle_env_request(factory: fn() -> clap::Command) {
    clap_complete::CompleteEnv::with_factory(factory)
        .completer("sesm")
        .bin("sesm")
        .complete();
}

/// The value of `--flag VALUE` or `--flag=VALUE` on the line being completed.
fn flag_on_line(flag: &str) -> Option<String> {
    let args: Vec<OsString> = std::env::args_os().collect();
    let prefix = format!("{flag}=");
    args.iter().enumerate().find_map(|(i, a)| {
        let a = a.to_str()?;
        if a == flag {
            args.get(i + 1)?.to_str().map(str::to_string)
        } else {
            a.strip_prefix(&prefix).map(str::to_string)
        }
    })
}

/// The state and region the line being completed refers to, if they can be read.
fn state_and_region() -> Option<(State, String)> {
    // The same precedence as every command (`env.rs`), with the flags of the line.
    let path = env::state_path(flag_on_line("--state").map(PathBuf::from)).ok()?;
    let region = env::region(flag_on_line("--region").as_deref()).ok()?;
    let today = jiff::civil::Date::constant(2000, 1, 1);
    let state = Store::new(path, today, std::time::Duration::ZERO)
        .load()
        .ok()?;
    Some((state, region))
}

fn from_state(f: impl Fn(&State, &str) -> Vec<String>) -> Vec<CompletionCandidate> {
    state_and_region()
        .map(|(state, region)| f(&state, &region))
        .unwrap_or_default()
        .into_iter()
        .map(CompletionCandidate::new)
        .collect()
}

/// The names in a lazily loaded section (none if it can't be read).
fn keys<V: serde::de::DeserializeOwned>(
    section: &crate::lazy::Lazy<std::collections::BTreeMap<String, V>>,
) -> Vec<String> {
    section
        .get()
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default()
}

/// User pools of the region.
pub fn pools() -> ArgValueCandidates {
    ArgValueCandidates::new(|| from_state(|s, r| s.region(r).pools.keys().cloned().collect()))
}

/// User pools plus the two SES pools (for `config-set set-pool`, `ip move`, `ip lease --pool`).
pub fn any_pools() -> ArgValueCandidates {
    ArgValueCandidates::new(|| {
        from_state(|s, r| {
            let mut names: Vec<String> = s.region(r).pools.keys().cloned().collect();
            names.extend([DEFAULT_POOL.to_string(), SHARED_POOL.to_string()]);
            names.sort();
            names
        })
    })
}

pub fn config_sets() -> ArgValueCandidates {
    ArgValueCandidates::new(|| from_state(|s, r| keys(&s.region(r).configuration_sets)))
}

pub fn identities() -> ArgValueCandidates {
    ArgValueCandidates::new(|| from_state(|s, r| keys(&s.region(r).identities)))
}

pub fn ips() -> ArgValueCandidates {
    ArgValueCandidates::new(|| {
        from_state(|s, r| s.region(r).ips.keys().map(|ip| ip.to_string()).collect())
    })
}

/// ISP names from the model table: the state's, or the defaults.
fn isp_names() -> Vec<String> {
    let model = state_and_region().map(|(s, _)| s.model).unwrap_or_default();
    model.isp_names().map(str::to_string).collect()
}

pub fn isps() -> ArgValueCandidates {
    ArgValueCandidates::new(|| {
        isp_names()
            .into_iter()
            .map(CompletionCandidate::new)
            .collect()
    })
}

/// `ISP=` prefixes for `traffic set CS gmail=100000 …`.
pub fn isp_volumes() -> ArgValueCandidates {
    ArgValueCandidates::new(|| {
        isp_names()
            .into_iter()
            .map(|n| CompletionCandidate::new(format!("{n}=")))
            .collect()
    })
}

/// Tag targets: `pool/NAME`, `config-set/NAME`, `identity/NAME`.
pub fn resources() -> ArgValueCandidates {
    ArgValueCandidates::new(|| {
        from_state(|s, r| {
            let region = s.region(r);
            let pools = region.pools.keys().map(|n| format!("pool/{n}"));
            let sets = keys(&region.configuration_sets)
                .into_iter()
                .map(|n| format!("config-set/{n}"));
            let ids = keys(&region.identities)
                .into_iter()
                .map(|n| format!("identity/{n}"));
            pools.chain(sets).chain(ids).collect()
        })
    })
}

pub fn regions() -> ArgValueCandidates {
    ArgValueCandidates::new(|| {
        let mut names: Vec<String> = KNOWN_REGIONS.iter().map(|r| r.to_string()).collect();
        if let Some((s, _)) = state_and_region() {
            names.extend(s.regions.keys().cloned());
        }
        names.sort();
        names.dedup();
        names.into_iter().map(CompletionCandidate::new).collect()
    })
}
