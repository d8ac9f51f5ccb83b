//! Dedicated IP rules I1–I6.

use std::net::Ipv4Addr;

use super::names::check_pool_name;
use super::pool::{is_reserved, not_found as pool_not_found};
use super::{DEFAULT_POOL, Ip, IpWarmup, Region, SHARED_POOL, ScalingMode, State};
use crate::error::{Error, Result};

/// How SES reports an IP's warm-up (`WarmupStatus`, `WarmupPercentage`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WarmupStatus {
    InProgress(u8),
    Done,
    /// Managed IPs: SES reports `NOT_APPLICABLE` and `-1`; their warm-up is per ISP.
    NotApplicable,
}

/// `WarmupStatus` as SES names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum WarmupStatusName {
    InProgress,
    Done,
    NotApplicable,
}

impl WarmupStatus {
    pub fn name(self) -> WarmupStatusName {
        match self {
            WarmupStatus::InProgress(_) => WarmupStatusName::InProgress,
            WarmupStatus::Done => WarmupStatusName::Done,
            WarmupStatus::NotApplicable => WarmupStatusName::NotApplicable,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            WarmupStatus::InProgress(_) => "IN_PROGRESS",
            WarmupStatus::Done => "DONE",
            WarmupStatus::NotApplicable => "NOT_APPLICABLE",
        }
    }

    pub fn percentage(self) -> i32 {
        match self {
            WarmupStatus::InProgress(p) => i32::from(p),
            WarmupStatus::Done => 100,
            WarmupStatus::NotApplicable => -1,
        }
    }
}

impl Ip {
    pub fn status(&self) -> WarmupStatus {
        match self.warmup {
            IpWarmup::Managed { .. } => WarmupStatus::NotApplicable,
            IpWarmup::Standard { start, days, .. } => {
                let p = IpWarmup::standard_percent(start, days);
                if p >= 100.0 {
                    WarmupStatus::Done
                } else {
                    WarmupStatus::InProgress(p.floor() as u8)
                }
            }
        }
    }

    pub fn is_managed(&self) -> bool {
        matches!(self.warmup, IpWarmup::Managed { .. })
    }
}

/// Parses an IP argument (a malformed one is a BadRequest, like any malformed value).
pub fn parse_ip(s: &str) -> Result<Ipv4Addr> {
    s.parse().map_err(|_| {
        Error::bad_request(format!(
            "Invalid IP address '{s}': expected an IPv4 address such as 198.18.0.1."
        ))
    })
}

pub fn not_found(ip: &str) -> Error {
    Error::not_found(format!(
        "Could not find dedicated IP {ip} under this account."
    ))
    .about(crate::error::About::DedicatedIp)
    .hint("list the dedicated IPs of this region with: sesm ip list")
}

fn managed_ip_error(ip: Ipv4Addr, pool: &str, what: &str) -> Error {
    Error::bad_request(format!(
        "{ip} belongs to the managed pool {pool}; SES manages its IPs, so it can't be {what}."
    ))
}

impl Region {
    /// I5: the IP, by its textual address.
    pub fn existing_ip(&self, ip: &str) -> Result<(Ipv4Addr, &Ip)> {
        let addr = parse_ip(ip)?;
        self.ips
            .get(&addr)
            .map(|found| (addr, found))
            .ok_or_else(|| not_found(ip))
    }

    /// I3: sets a standard IP's warm-up percentage; 100 means `DONE`.
    pub fn set_warmup(&mut self, ip: &str, percent: i64) -> Result<Ipv4Addr> {
        let addr = parse_ip(ip)?;
        if !(0..=100).contains(&percent) {
            return Err(Error::bad_request(format!(
                "Invalid warm-up percentage {percent}: use a whole number from 0 to 100."
            )));
        }
        let (_, found) = self.existing_ip(ip)?;
        if found.is_managed() {
            return Err(managed_ip_error(
                addr,
                &found.pool,
                "given a warm-up percentage",
            ));
        }
        // SES's percentage only: what the ISPs remember of the IP stays (model v3).
        if let IpWarmup::Standard { start, days, .. } =
            &mut self.ips.get_mut(&addr).expect("checked above").warmup
        {
            *start = percent as f64;
            *days = 0;
        }
        Ok(addr)
    }

    /// I4: moves a standard IP to a standard pool or to `ses-default-dedicated-pool`.
    pub fn move_ip(&mut self, ip: &str, to: &str) -> Result<Ipv4Addr> {
        let addr = parse_ip(ip)?;
        check_pool_name(to)?;
        if to == SHARED_POOL {
            return Err(Error::bad_request(format!(
                "{SHARED_POOL} holds SES's shared IPs; a dedicated IP can only move to a standard pool or {DEFAULT_POOL}."
            )));
        }
        let (_, found) = self.existing_ip(ip)?;
        if !is_reserved(to) && !self.pools.contains_key(to) {
            return Err(pool_not_found(to));
        }
        if found.is_managed() {
            return Err(managed_ip_error(addr, &found.pool, "moved"));
        }
        if self.is_managed(to) {
            return Err(Error::bad_request(format!(
                "The pool {to} is MANAGED; SES allocates its IPs, so IPs can't be moved into it."
            ))
            .hint("move the IP to a standard pool or to ses-default-dedicated-pool"));
        }
        self.ips.get_mut(&addr).expect("checked above").pool = to.to_string();
        Ok(addr)
    }

    /// I6: relinquishes a standard IP for good.
    pub fn release_ip(&mut self, ip: &str) -> Result<(Ipv4Addr, Ip)> {
        let (addr, found) = self.existing_ip(ip)?;
        if found.is_managed() {
            return Err(managed_ip_error(addr, &found.pool, "released")
                .hint("delete the managed pool to relinquish all its IPs"));
        }
        let ip = self.ips.remove(&addr).expect("checked above");
        Ok((addr, ip))
    }
}

impl State {
    /// I1, I2: leases `count` standard IPs into `pool` (default: `ses-default-dedicated-pool`).
    pub fn lease_ips(
        &mut self,
        region: &str,
        count: i64,
        pool: Option<&str>,
    ) -> Result<Vec<Ipv4Addr>> {
        if count < 1 {
            return Err(Error::bad_request(format!(
                "Invalid count {count}: lease at least one IP."
            )));
        }
        let pool = pool.unwrap_or(DEFAULT_POOL);
        check_pool_name(pool)?;
        if pool == SHARED_POOL {
            return Err(Error::bad_request(format!(
                "{SHARED_POOL} holds SES's shared IPs; lease dedicated IPs into a standard pool or {DEFAULT_POOL}."
            )));
        }
        let r = self.region(region);
        if pool != DEFAULT_POOL {
            match r.pools.get(pool) {
                None => return Err(pool_not_found(pool)),
                Some(p) if p.scaling_mode == ScalingMode::Managed => {
                    return Err(Error::bad_request(format!(
                        "The pool {pool} is MANAGED; SES allocates its IPs as volume requires."
                    ))
                    .hint(
                        "lease standard IPs into a standard pool or ses-default-dedicated-pool",
                    ));
                }
                Some(_) => {}
            }
        }
        if count > i64::from(self.ips_left()) {
            return Err(Error::limit_exceeded(format!(
                "Only {} more dedicated IP addresses can be allocated in this account.",
                self.ips_left()
            )));
        }
        let warmup = IpWarmup::standard(if r.auto_warmup { 0.0 } else { 100.0 });
        let mut leased = Vec::with_capacity(count as usize);
        for _ in 0..count {
            let addr = self.allocate_ip().expect("range checked above");
            leased.push(addr);
        }
        let r = self.region_mut(region);
        for addr in &leased {
            r.ips.insert(
                *addr,
                Ip {
                    pool: pool.to_string(),
                    warmup: warmup.clone(),
                },
            );
        }
        Ok(leased)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_of_standard_ips() {
        let ip = |start, days| Ip {
            pool: "p".into(),
            warmup: IpWarmup::Standard {
                start,
                days,
                memory: Default::default(),
            },
        };
        assert_eq!(ip(0.0, 0).status(), WarmupStatus::InProgress(0));
        assert_eq!(ip(0.0, 1).status(), WarmupStatus::InProgress(2));
        assert_eq!(ip(0.0, 44).status(), WarmupStatus::InProgress(97));
        assert_eq!(ip(0.0, 45).status(), WarmupStatus::Done);
        assert_eq!(ip(100.0, 0).status().percentage(), 100);
        let managed = Ip {
            pool: "p".into(),
            warmup: IpWarmup::Managed {
                isps: Default::default(),
            },
        };
        assert_eq!(managed.status().as_str(), "NOT_APPLICABLE");
        assert_eq!(managed.status().percentage(), -1);
    }
}
