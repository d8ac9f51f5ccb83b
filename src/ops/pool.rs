//! Dedicated IP pools: `CreateDedicatedIpPool`, `GetDedicatedIpPool`, `ListDedicatedIpPools`,
//! `DeleteDedicatedIpPool`, `PutDedicatedIpPoolScalingAttributes` (rules in `model::pool`).

use std::collections::BTreeMap;

use serde::Serialize;

use super::shapes::{self, PoolGet, PoolHeader, TagView};
use super::{Paging, page};
use crate::error::Result;
use crate::model::arn::{ResourceKind, arn};
pub use crate::model::pool::NewPool;
use crate::model::{ScalingMode, State};

/// A configuration set that left another pool for the new one (P10).
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Moved {
    pub configuration_set_name: String,
    pub from_pool_name: String,
}

/// `pool create`: the pool as `pool get` shows it, plus the sets it took from other pools.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Created {
    #[serde(flatten)]
    pub pool: PoolGet,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub moved_configuration_sets: Vec<Moved>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Deleted {
    pub dedicated_ip_pool: PoolHeader,
    pub tags: Vec<TagView>,
    pub relinquished_ips: Vec<String>,
    pub disassociated_configuration_sets: Vec<String>,
}

/// One pool as the list table shows it.
#[derive(Debug)]
pub struct PoolRow {
    pub name: String,
    pub mode: ScalingMode,
    pub ips: usize,
    pub config_sets: Vec<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct PoolList {
    pub dedicated_ip_pools: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

/// ListDedicatedIpPools with each pool's mode, IP count and configuration sets: what a front
/// end showing the pools side by side asks for. Its JSON is the plain list's; the details cost
/// reading every configuration set of the region, so a front end needing names only asks for
/// `list`.
#[derive(Debug, Serialize)]
pub struct DetailedPoolList {
    #[serde(flatten)]
    pub list: PoolList,
    #[serde(skip)]
    pub pools: Vec<PoolRow>,
}

/// `pool set-scaling-mode`: the pool after the change, and its mode before.
#[derive(Debug, Serialize)]
pub struct ScalingSet {
    #[serde(flatten)]
    pub pool: PoolGet,
    #[serde(skip)]
    pub previous_mode: ScalingMode,
}

/// CreateDedicatedIpPool (P1–P4, P9, P10).
pub fn create(s: &mut State, region: &str, req: NewPool) -> Result<Created> {
    let name = req.name.clone();
    let moved = s.region_mut(region).create_pool(req)?;
    Ok(Created {
        pool: shapes::pool_get(s, region, &name)?,
        moved_configuration_sets: moved
            .into_iter()
            .map(|m| Moved {
                configuration_set_name: m.config_set,
                from_pool_name: m.from_pool,
            })
            .collect(),
    })
}

/// CreateDedicatedIpPool's checks without the change: a form's validation as the user types.
pub fn check_new(s: &State, region: &str, req: &NewPool) -> Result<()> {
    s.region(region).check_new_pool(req)
}

/// GetDedicatedIpPool (P5, P6).
pub fn get(s: &State, region: &str, name: &str) -> Result<PoolGet> {
    s.region(region).existing_pool(name, "fetched")?;
    shapes::pool_get(s, region, name)
}

/// ListDedicatedIpPools: user pools, sorted by name.
pub fn list(s: &State, region: &str, paging: &Paging) -> Result<PoolList> {
    let names: Vec<(String, String)> = s
        .region(region)
        .pools
        .keys()
        .map(|n| (n.clone(), n.clone()))
        .collect();
    let (names, next_token) = page("dedicated-ip-pools", names, paging)?;
    Ok(PoolList {
        dedicated_ip_pools: names,
        next_token,
    })
}

/// ListDedicatedIpPools with each listed pool's mode, IP count and configuration sets.
pub fn list_detailed(s: &State, region: &str, paging: &Paging) -> Result<DetailedPoolList> {
    let list = list(s, region, paging)?;
    let r = s.region(region);
    let mut sets: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (name, pool) in r.sending_pools()? {
        if let Some(pool) = pool {
            sets.entry(pool).or_default().push(name);
        }
    }
    let pools = list
        .dedicated_ip_pools
        .iter()
        .map(|name| PoolRow {
            name: name.clone(),
            mode: r.pools[name].scaling_mode,
            ips: r.ips_of_pool(name).count(),
            config_sets: sets.remove(name).unwrap_or_default(),
        })
        .collect();
    Ok(DetailedPoolList { list, pools })
}

/// DeleteDedicatedIpPool (P11, P12).
pub fn delete(s: &mut State, region: &str, name: &str) -> Result<Deleted> {
    let account = s.account_id.clone();
    let d = s.region_mut(region).delete_pool(name)?;
    Ok(Deleted {
        dedicated_ip_pool: PoolHeader {
            pool_name: name.to_string(),
            scaling_mode: d.pool.scaling_mode,
            arn: arn(region, &account, ResourceKind::Pool, name),
        },
        tags: shapes::tags(&d.pool.tags),
        relinquished_ips: d.relinquished_ips.iter().map(|ip| ip.to_string()).collect(),
        disassociated_configuration_sets: d.disassociated_config_sets,
    })
}

/// PutDedicatedIpPoolScalingAttributes (P7, P8).
pub fn set_scaling_mode(
    s: &mut State,
    region: &str,
    name: &str,
    mode: ScalingMode,
) -> Result<ScalingSet> {
    let isps: Vec<String> = s.model.isp_names().map(str::to_string).collect();
    let previous_mode = s
        .region(region)
        .existing_pool(name, "converted")?
        .scaling_mode;
    s.region_mut(region).set_scaling_mode(name, mode, &isps)?;
    Ok(ScalingSet {
        pool: shapes::pool_get(s, region, name)?,
        previous_mode,
    })
}
