//! What a region's pools and sets are, asked of `Region` by the rules and the operations.

use super::*;

impl Region {
    /// Whether `name` can be used where SES expects an existing pool: a user pool or one of
    /// the two pools SES itself owns.
    pub fn pool_exists(&self, name: &str) -> bool {
        name == DEFAULT_POOL || name == SHARED_POOL || self.pools.contains_key(name)
    }

    /// The configuration sets whose sending pool is `pool`, sorted by name.
    pub fn config_sets_of_pool(&self, pool: &str) -> SesmResult<Vec<String>> {
        // Parsed already (the server): filter in place instead of projecting every set.
        if let Some(sets) = self.configuration_sets.parsed() {
            return Ok(sets
                .iter()
                .filter(|(_, cs)| cs.sending_pool.as_deref() == Some(pool))
                .map(|(name, _)| name.clone())
                .collect());
        }
        Ok(self
            .sending_pools()?
            .into_iter()
            .filter(|(_, p)| p.as_deref() == Some(pool))
            .map(|(name, _)| name)
            .collect())
    }

    /// Every configuration set with its sending pool, sorted by name (reads only that field).
    pub fn sending_pools(&self) -> SesmResult<Vec<(String, Option<String>)>> {
        #[derive(Deserialize)]
        #[serde(rename_all = "PascalCase")]
        struct OnlyPool {
            #[serde(default)]
            sending_pool: Option<String>,
        }
        let sets = self.configuration_sets.project(|cs| OnlyPool {
            sending_pool: cs.sending_pool.clone(),
        })?;
        Ok(sets
            .into_iter()
            .map(|(name, p)| (name, p.sending_pool))
            .collect())
    }

    /// The IPs of `pool`, in numeric address order.
    pub fn ips_of_pool<'a>(
        &'a self,
        pool: &'a str,
    ) -> impl Iterator<Item = (&'a Ipv4Addr, &'a Ip)> {
        self.ips.iter().filter(move |(_, ip)| ip.pool == pool)
    }

    pub fn managed_pool_count(&self) -> usize {
        self.pools
            .values()
            .filter(|p| p.scaling_mode == ScalingMode::Managed)
            .count()
    }

    pub fn is_managed(&self, pool: &str) -> bool {
        self.pools
            .get(pool)
            .is_some_and(|p| p.scaling_mode == ScalingMode::Managed)
    }
}
