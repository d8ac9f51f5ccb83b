//! Candidates for dynamic shell completion: names from the state (pools, configuration sets, identities, IPs)
//! and the model (ISPs), offered by clap_complete's `CompleteEnv` protocol.
//!
//! The shell calls `COMPLETE=<shell> sesm -- <words>`; the candidates below read the state with
//! no lock, from the `--state`/`--region` on the line being completed or the environment, and
//! offer nothing when anything goes wrong: completion must never print an error. Which names
//! to offer is `ops::names`.

use std::ffi::OsString;
use std::path::PathBuf;

use clap_complete::engine::{ArgValueCandidates, CompletionCandidate};

use crate::env;
use crate::model::State;
use crate::ops::names::{Names, names};
use crate::store::Store;

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

/// The candidates of `kind` for the line being completed.
fn offer(kind: Names) -> ArgValueCandidates {
    ArgValueCandidates::new(move || {
        let state = state_and_region();
        let (state, region) = match &state {
            Some((s, r)) => (Some(s), r.as_str()),
            None => (None, ""),
        };
        names(state, region, kind)
            .into_iter()
            .map(CompletionCandidate::new)
            .collect()
    })
}

/// User pools of the region.
pub fn pools() -> ArgValueCandidates {
    offer(Names::Pools)
}

/// User pools plus the two SES pools (for `config-set set-pool`, `ip move`, `ip lease --pool`).
pub fn any_pools() -> ArgValueCandidates {
    offer(Names::AnyPools)
}

pub fn config_sets() -> ArgValueCandidates {
    offer(Names::ConfigSets)
}

pub fn identities() -> ArgValueCandidates {
    offer(Names::Identities)
}

pub fn ips() -> ArgValueCandidates {
    offer(Names::Ips)
}

pub fn isps() -> ArgValueCandidates {
    offer(Names::Isps)
}

/// `ISP=` prefixes for `traffic set CS gmail=100000 …`.
pub fn isp_volumes() -> ArgValueCandidates {
    ArgValueCandidates::new(|| {
        let state = state_and_region();
        names(state.as_ref().map(|(s, _)| s), "", Names::Isps)
            .into_iter()
            .map(|n| CompletionCandidate::new(format!("{n}=")))
            .collect()
    })
}

/// Tag targets: `pool/NAME`, `config-set/NAME`, `identity/NAME`.
pub fn resources() -> ArgValueCandidates {
    offer(Names::Resources)
}

pub fn regions() -> ArgValueCandidates {
    offer(Names::Regions)
}
