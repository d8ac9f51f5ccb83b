//! Dedicated IP pool rules P1–P13.

use std::collections::BTreeMap;
use std::net::Ipv4Addr;

use super::names::check_pool_name;
use super::{
    DEFAULT_POOL, IpWarmup, IspWarmup, ManagedPoolState, Pool, Region, SHARED_POOL, ScalingMode,
    quota, tags,
};
use crate::error::{Error, Result};

/// P5: the two pools SES owns.
pub fn is_reserved(name: &str) -> bool {
    name == DEFAULT_POOL || name == SHARED_POOL
}

fn reserved_error(name: &str, what: &str) -> Error {
    let message = if what == "fetched" {
        // SES's own text for GetDedicatedIpPool.
        "Pool name describes either a shared or default dedicated ip pool".to_string()
    } else {
        format!("{name} is a pool that SES manages; it can't be {what}.")
    };
    Error::bad_request(message)
    .hint(if name == DEFAULT_POOL {
        "list its IPs with: sesm ip list --pool ses-default-dedicated-pool"
    } else {
        "the shared pool holds no dedicated IPs; point a configuration set at it with: sesm config-set set-pool CS ses-shared-pool"
    })
}

pub fn not_found(name: &str) -> Error {
    Error::not_found(format!("The requested pool {name} does not exist."))
        .about(crate::error::About::Pool)
        .named(name)
        .hint("list the pools of this region with: sesm pool list")
}

/// A request to create a pool.
#[derive(Debug, Clone)]
pub struct NewPool {
    pub name: String,
    pub mode: ScalingMode,
    pub config_sets: Vec<String>,
    pub tags: Vec<(String, String)>,
}

/// A configuration set that moved to another pool (P10).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MovedConfigSet {
    pub config_set: String,
    pub from_pool: String,
}

/// What deleting a pool took with it.
#[derive(Debug, Clone)]
pub struct DeletedPool {
    pub pool: Pool,
    pub relinquished_ips: Vec<Ipv4Addr>,
    pub disassociated_config_sets: Vec<String>,
}

impl Region {
    /// Checks that `name` names a user pool of this region (P1, P5, P6).
    pub fn existing_pool(&self, name: &str, what: &str) -> Result<&Pool> {
        check_pool_name(name)?;
        if is_reserved(name) {
            return Err(reserved_error(name, what));
        }
        self.pools.get(name).ok_or_else(|| not_found(name))
    }

    /// The rules CreateDedicatedIpPool checks before it changes anything (P1–P4, P9, P10's
    /// existence check), for a front end that validates a form as the user types.
    pub fn check_new_pool(&self, req: &NewPool) -> Result<()> {
        check_pool_name(&req.name)?;
        tags::check(&req.tags)?;
        tags::merged(&Default::default(), &req.tags)?;
        if is_reserved(&req.name) {
            return Err(reserved_error(&req.name, "created"));
        }
        for cs in &req.config_sets {
            if !self.configuration_sets.contains(cs)? {
                return Err(super::config_set::not_found(cs));
            }
        }
        if self.pools.contains_key(&req.name) {
            return Err(
                Error::already_exists(format!("The pool {} already exists.", req.name))
                    .about(crate::error::About::Pool),
            );
        }
        if req.mode == ScalingMode::Managed && self.managed_pool_count() >= quota::MANAGED_POOLS {
            return Err(managed_quota_error());
        }
        if self.pools.len() >= quota::POOLS {
            return Err(Error::limit_exceeded(format!(
                "You have reached the maximum of {} dedicated IP pools in this region.",
                quota::POOLS
            ))
            .hint("delete a pool you no longer use: sesm pool delete NAME"));
        }
        Ok(())
    }

    /// P1–P4, P9, P10: creates a pool and moves the named configuration sets to it.
    pub fn create_pool(&mut self, req: NewPool) -> Result<Vec<MovedConfigSet>> {
        self.check_new_pool(&req)?;
        let tags = tags::merged(&Default::default(), &req.tags)?;
        let managed = (req.mode == ScalingMode::Managed).then(ManagedPoolState::default);
        self.pools.insert(
            req.name.clone(),
            Pool {
                scaling_mode: req.mode,
                tags,
                managed,
            },
        );
        let mut moved = Vec::new();
        for cs in &req.config_sets {
            let old = self
                .configuration_sets
                .update(cs, |set| set.sending_pool.replace(req.name.clone()))?
                .flatten();
            if let Some(old) = old
                && old != req.name
            {
                moved.push(MovedConfigSet {
                    config_set: cs.clone(),
                    from_pool: old,
                });
            }
        }
        Ok(moved)
    }

    /// P11, P12: deletes a pool. A managed pool's IPs are relinquished with it.
    pub fn delete_pool(&mut self, name: &str) -> Result<DeletedPool> {
        let pool = self.existing_pool(name, "deleted")?;
        let ips: Vec<Ipv4Addr> = self.ips_of_pool(name).map(|(a, _)| *a).collect();
        if pool.scaling_mode == ScalingMode::Standard && !ips.is_empty() {
            return Err(Error::bad_request(format!(
                "The pool {name} still holds {} dedicated IP{}; a standard pool must be empty to be deleted.",
                ips.len(),
                if ips.len() == 1 { "" } else { "s" }
            ))
            .hint(format!(
                "move its IPs first, e.g.: sesm ip move {} {DEFAULT_POOL}",
                ips[0]
            )));
        }
        let disassociated = self.config_sets_of_pool(name)?;
        let sets = self.configuration_sets.get_mut()?;
        for cs in &disassociated {
            sets.get_mut(cs).expect("listed above").sending_pool = None;
        }
        self.metrics.get_mut()?.remove(name);
        self.standard_pools.remove(name);
        let pool = self.pools.remove(name).expect("checked above");
        for ip in &ips {
            self.ips.remove(ip);
        }
        Ok(DeletedPool {
            pool,
            relinquished_ips: ips,
            disassociated_config_sets: disassociated,
        })
    }

    /// P7, P8: converts a standard pool to managed (the other way is refused). Returns whether
    /// anything changed. The pool's IPs start each ISP at their standard warm-up percentage.
    pub fn set_scaling_mode(
        &mut self,
        name: &str,
        mode: ScalingMode,
        isps: &[String],
    ) -> Result<bool> {
        let current = self.existing_pool(name, "converted")?.scaling_mode;
        match (current, mode) {
            (a, b) if a == b => return Ok(false),
            (ScalingMode::Managed, ScalingMode::Standard) => {
                return Err(Error::bad_request(format!(
                    "The pool {name} is MANAGED; a managed pool can't be converted back to STANDARD."
                ))
                .hint("create a new standard pool instead: sesm pool create NAME"));
            }
            _ => {}
        }
        if self.managed_pool_count() >= quota::MANAGED_POOLS {
            return Err(managed_quota_error());
        }
        let pool = self.pools.get_mut(name).expect("checked above");
        pool.scaling_mode = ScalingMode::Managed;
        // Deferred mail waiting for a retry stays queued: the managed pool retries it. Its
        // demand history starts afresh (`warmup-model.md`, "Windows").
        pool.managed = Some(ManagedPoolState {
            queue: self
                .standard_pools
                .remove(name)
                .map(|p| p.queue)
                .unwrap_or_default(),
            ..ManagedPoolState::default()
        });
        for ip in self.ips.values_mut().filter(|ip| ip.pool == name) {
            let (p, memory) = match &ip.warmup {
                IpWarmup::Standard {
                    start,
                    days,
                    memory,
                } => (IpWarmup::standard_percent(*start, *days), memory),
                IpWarmup::Managed { .. } => continue,
            };
            // What the ISPs remember of the IP goes with it (model v3).
            let isps: BTreeMap<String, IspWarmup> = isps
                .iter()
                .map(|isp| {
                    (
                        isp.clone(),
                        IspWarmup {
                            w: p,
                            ewma: memory.ewma.get(isp).copied(),
                            idle_days: memory.idle_days,
                        },
                    )
                })
                .collect();
            ip.warmup = IpWarmup::Managed { isps };
        }
        Ok(true)
    }
}

fn managed_quota_error() -> Error {
    Error::limit_exceeded(format!(
        "You have reached the maximum of {} managed dedicated IP pools in this region.",
        quota::MANAGED_POOLS
    ))
    .hint("delete a managed pool you no longer use, or keep this pool STANDARD")
}
