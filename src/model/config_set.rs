//! Configuration set rules C1–C7.

use super::names::check_config_set_name;
use super::{ConfigSet, Region, TlsPolicy, quota, tags};
use crate::error::{Error, Result};

pub const MIN_MAX_DELIVERY_SECONDS: i64 = 300;
pub const MAX_MAX_DELIVERY_SECONDS: i64 = 50_400;

pub fn not_found(name: &str) -> Error {
    Error::not_found(format!("Configuration set {name} does not exist."))
        .hint("list the configuration sets of this region with: sesm config-set list")
}

/// C6: `MaxDeliverySeconds` is 300–50400.
pub fn check_max_delivery_seconds(seconds: i64) -> Result<u32> {
    if (MIN_MAX_DELIVERY_SECONDS..=MAX_MAX_DELIVERY_SECONDS).contains(&seconds) {
        Ok(seconds as u32)
    } else {
        Err(Error::bad_request(format!(
            "Invalid MaxDeliverySeconds {seconds}: use a value from {MIN_MAX_DELIVERY_SECONDS} to \
             {MAX_MAX_DELIVERY_SECONDS} seconds (5 minutes to 14 hours)."
        )))
    }
}

/// A request to create a configuration set.
#[derive(Debug, Clone, Default)]
pub struct NewConfigSet {
    pub name: String,
    pub pool: Option<String>,
    pub tls_policy: Option<TlsPolicy>,
    pub max_delivery_seconds: Option<i64>,
    pub tags: Vec<(String, String)>,
}

/// What deleting a configuration set changed elsewhere (C7).
#[derive(Debug, Clone)]
pub struct DeletedConfigSet {
    pub config_set: ConfigSet,
    pub disassociated_identities: Vec<String>,
}

impl Region {
    /// C5: the pool a configuration set may send through.
    fn check_sending_pool(&self, pool: &str) -> Result<()> {
        if self.pool_exists(pool) {
            Ok(())
        } else {
            Err(
                Error::bad_request(format!("SendingPool {pool} doesn't exist")).hint(
                    "create it first (sesm pool create NAME) or list pools with: sesm pool list",
                ),
            )
        }
    }

    /// C1, C4: an existing configuration set (a copy).
    pub fn existing_config_set(&self, name: &str) -> Result<ConfigSet> {
        check_config_set_name(name)?;
        self.configuration_sets
            .entry(name)?
            .ok_or_else(|| not_found(name))
    }

    /// C1–C3, C5, C6: creates a configuration set.
    pub fn create_config_set(&mut self, req: NewConfigSet) -> Result<()> {
        check_config_set_name(&req.name)?;
        let max_delivery_seconds = req
            .max_delivery_seconds
            .map(check_max_delivery_seconds)
            .transpose()?;
        tags::check(&req.tags)?;
        let tags = tags::merged(&Default::default(), &req.tags)?;
        if let Some(pool) = &req.pool {
            self.check_sending_pool(pool)?;
        }
        if self.configuration_sets.contains(&req.name)? {
            return Err(Error::already_exists(format!(
                "Configuration set {} already exists.",
                req.name
            )));
        }
        if self.configuration_sets.len()? >= quota::CONFIGURATION_SETS {
            return Err(Error::limit_exceeded(format!(
                "You have reached the maximum of {} configuration sets in this region.",
                quota::CONFIGURATION_SETS
            )));
        }
        self.configuration_sets.insert(
            req.name,
            ConfigSet {
                sending_pool: req.pool,
                tls_policy: req.tls_policy.unwrap_or_default(),
                max_delivery_seconds,
                tags,
            },
        )
    }

    /// C5: points a configuration set at a pool, or at none. Returns the pool it had before.
    pub fn set_sending_pool(&mut self, name: &str, pool: Option<&str>) -> Result<Option<String>> {
        check_config_set_name(name)?;
        if !self.configuration_sets.contains(name)? {
            return Err(not_found(name));
        }
        if let Some(pool) = pool {
            self.check_sending_pool(pool)?;
        }
        let before = self.configuration_sets.update(name, |set| {
            std::mem::replace(&mut set.sending_pool, pool.map(str::to_string))
        })?;
        Ok(before.flatten())
    }

    /// C4, C7: deletes a configuration set, the default-set links to it and its traffic.
    pub fn delete_config_set(&mut self, name: &str) -> Result<DeletedConfigSet> {
        check_config_set_name(name)?;
        let config_set = self
            .configuration_sets
            .remove(name)?
            .ok_or_else(|| not_found(name))?;
        let mut disassociated = Vec::new();
        for (identity, data) in self.identities.get_mut()?.iter_mut() {
            if data.configuration_set.as_deref() == Some(name) {
                data.configuration_set = None;
                disassociated.push(identity.clone());
            }
        }
        self.traffic.remove(name);
        Ok(DeletedConfigSet {
            config_set,
            disassociated_identities: disassociated,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn max_delivery_seconds_bounds() {
        assert!(check_max_delivery_seconds(299).is_err());
        assert_eq!(check_max_delivery_seconds(300).unwrap(), 300);
        assert_eq!(check_max_delivery_seconds(50_400).unwrap(), 50_400);
        assert!(check_max_delivery_seconds(50_401).is_err());
    }
}
