//! Dedicated IPs: `GetDedicatedIp`, `GetDedicatedIps`, `PutDedicatedIpInPool`,
//! `PutDedicatedIpWarmupAttributes`, and sesm's `LeaseDedicatedIps` and `ReleaseDedicatedIp`
//! (what AWS does through a support case). Rules in `model::ip`.

use std::net::Ipv4Addr;

use serde::Serialize;

use super::shapes::{self, DedicatedIpGet, DedicatedIpView, Done};
use super::{Paging, page};
use crate::error::Result;
use crate::model::State;
use crate::model::names::check_pool_name;
use crate::model::pool::not_found as pool_not_found;

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct IpList {
    pub dedicated_ips: Vec<DedicatedIpView>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
    /// The pool the IPs were leased into (`ip lease`).
    #[serde(skip)]
    pub pool: Option<String>,
}

fn get_view(s: &State, region: &str, addr: &Ipv4Addr, change: Option<Done>) -> DedicatedIpGet {
    DedicatedIpGet {
        dedicated_ip: shapes::dedicated_ip(addr, &s.region(region).ips[addr]),
        change,
    }
}

/// LeaseDedicatedIps (I1, I2): `count` standard IPs into `pool` (default
/// `ses-default-dedicated-pool`).
pub fn lease(s: &mut State, region: &str, count: i64, pool: Option<&str>) -> Result<IpList> {
    let leased = s.lease_ips(region, count, pool)?;
    let r = s.region(region);
    Ok(IpList {
        dedicated_ips: leased
            .iter()
            .map(|addr| shapes::dedicated_ip(addr, &r.ips[addr]))
            .collect(),
        next_token: None,
        pool: Some(pool.unwrap_or(crate::model::DEFAULT_POOL).to_string()),
    })
}

/// GetDedicatedIps: the region's IPs in numeric address order, optionally one pool's.
pub fn list(s: &State, region: &str, pool: Option<&str>, paging: &Paging) -> Result<IpList> {
    let r = s.region(region);
    if let Some(pool) = pool {
        check_pool_name(pool)?;
        if !r.pool_exists(pool) {
            return Err(pool_not_found(pool));
        }
    }
    // Keys that sort in address order: the address as a fixed-width number.
    let items: Vec<(String, DedicatedIpView)> = r
        .ips
        .iter()
        .filter(|(_, ip)| pool.is_none_or(|p| ip.pool == p))
        .map(|(a, ip)| {
            (
                format!("{:010}", u32::from(*a)),
                shapes::dedicated_ip(a, ip),
            )
        })
        .collect();
    let (dedicated_ips, next_token) = page("dedicated-ips", items, paging)?;
    Ok(IpList {
        dedicated_ips,
        next_token,
        pool: None,
    })
}

/// GetDedicatedIp (I5).
pub fn get(s: &State, region: &str, ip: &str) -> Result<DedicatedIpGet> {
    let (addr, _) = s.region(region).existing_ip(ip)?;
    Ok(get_view(s, region, &addr, None))
}

/// PutDedicatedIpInPool (I4).
pub fn move_to(s: &mut State, region: &str, ip: &str, pool: &str) -> Result<DedicatedIpGet> {
    let addr = s.region_mut(region).move_ip(ip, pool)?;
    Ok(get_view(s, region, &addr, Some(Done::Moved)))
}

/// PutDedicatedIpWarmupAttributes (I3).
pub fn set_warmup(s: &mut State, region: &str, ip: &str, percent: i64) -> Result<DedicatedIpGet> {
    let addr = s.region_mut(region).set_warmup(ip, percent)?;
    Ok(get_view(s, region, &addr, Some(Done::WarmupSet(percent))))
}

/// ReleaseDedicatedIp (I6).
pub fn release(s: &mut State, region: &str, ip: &str) -> Result<DedicatedIpGet> {
    let (addr, ip) = s.region_mut(region).release_ip(ip)?;
    Ok(DedicatedIpGet {
        dedicated_ip: shapes::dedicated_ip(&addr, &ip),
        change: Some(Done::Released),
    })
}
