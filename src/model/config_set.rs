//! Configuration set rules C1–C7.

use std::collections::BTreeMap;

use super::names::check_config_set_name;
use super::{ConfigSet, Region, TlsPolicy, quota, tags};
use crate::error::{Error, Result};

/// Where `SharedPoolDeliveryMode` of the delivery options is kept among the option blocks.
pub const SHARED_POOL_DELIVERY_MODE: &str = "SharedPoolDeliveryMode";

pub const MIN_MAX_DELIVERY_SECONDS: i64 = 300;
pub const MAX_MAX_DELIVERY_SECONDS: i64 = 50_400;

pub fn not_found(name: &str) -> Error {
    // SES's own text, angle brackets included.
    Error::not_found(format!("Configuration set <{name}> does not exist."))
        .about(crate::error::About::ConfigurationSet)
        .named(name)
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

/// `MaxDeliverySeconds` as read from a state file: C6 holds there too.
pub fn parse_max_delivery_seconds<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> std::result::Result<Option<u32>, D::Error> {
    use serde::Deserialize;
    Option::<i64>::deserialize(d)?
        .map(|s| check_max_delivery_seconds(s).map_err(|e| serde::de::Error::custom(e.message)))
        .transpose()
}

/// A request to create a configuration set.
#[derive(Debug, Clone, Default)]
pub struct NewConfigSet {
    pub name: String,
    pub pool: Option<String>,
    pub tls_policy: Option<TlsPolicy>,
    pub max_delivery_seconds: Option<i64>,
    pub tags: Vec<(String, String)>,
    /// Option blocks kept as given (`OptionBlock`), already checked.
    pub options: BTreeMap<String, serde_json::Value>,
}

/// How a request changes one setting.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Change<T> {
    /// Leave it as it is.
    #[default]
    Keep,
    /// Back to its default (none).
    Clear,
    Set(T),
}

impl<T> Change<T> {
    /// `Set` when there is a value, else `Clear`: SESv2's replace-the-block semantics.
    pub fn replace(value: Option<T>) -> Change<T> {
        value.map_or(Change::Clear, Change::Set)
    }

    fn apply(self, to: &mut Option<T>) {
        match self {
            Change::Keep => {}
            Change::Clear => *to = None,
            Change::Set(v) => *to = Some(v),
        }
    }
}

/// PutConfigurationSetDeliveryOptions: each field is kept, cleared or set.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DeliveryChange {
    pub sending_pool: Change<String>,
    pub tls_policy: Change<TlsPolicy>,
    pub max_delivery_seconds: Change<i64>,
    pub shared_pool_delivery_mode: Change<String>,
}

/// The SESv2 option blocks of a configuration set that sesm keeps without modelling them:
/// their `Put…Options` operation and their name in `GetConfigurationSet`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OptionBlock {
    Tracking,
    Reputation,
    Sending,
    Suppression,
    Vdm,
    Archiving,
    MessageSecurity,
}

impl OptionBlock {
    pub const ALL: [OptionBlock; 7] = [
        OptionBlock::Tracking,
        OptionBlock::Reputation,
        OptionBlock::Sending,
        OptionBlock::Suppression,
        OptionBlock::Vdm,
        OptionBlock::Archiving,
        OptionBlock::MessageSecurity,
    ];

    /// The member name in `CreateConfigurationSet` and `GetConfigurationSet`.
    pub fn member(self) -> &'static str {
        match self {
            OptionBlock::Tracking => "TrackingOptions",
            OptionBlock::Reputation => "ReputationOptions",
            OptionBlock::Sending => "SendingOptions",
            OptionBlock::Suppression => "SuppressionOptions",
            OptionBlock::Vdm => "VdmOptions",
            OptionBlock::Archiving => "ArchivingOptions",
            OptionBlock::MessageSecurity => "MessageSecurityOptions",
        }
    }

    /// The operation that replaces the block.
    pub fn operation(self) -> &'static str {
        match self {
            OptionBlock::Tracking => "PutConfigurationSetTrackingOptions",
            OptionBlock::Reputation => "PutConfigurationSetReputationOptions",
            OptionBlock::Sending => "PutConfigurationSetSendingOptions",
            OptionBlock::Suppression => "PutConfigurationSetSuppressionOptions",
            OptionBlock::Vdm => "PutConfigurationSetVdmOptions",
            OptionBlock::Archiving => "PutConfigurationSetArchivingOptions",
            OptionBlock::MessageSecurity => "PutConfigurationSetMessageSecurityOptions",
        }
    }

    /// Checks a block's shape where SDKs read it back with strict types (the Go SDK behind
    /// Terraform fails on a map where it expects a boolean): an object whose known members
    /// have their model's JSON types. Unknown members are kept.
    pub fn check(self, value: &serde_json::Value) -> Result<()> {
        use serde_json::Value;
        let name = self.member();
        let about = |e: Error| match self {
            OptionBlock::Tracking => e.about(crate::error::About::TrackingOptions),
            _ => e,
        };
        let bad = |member: &str, want: &str| {
            about(Error::bad_request(format!(
                "Invalid {name}: {member} must be {want}."
            )))
        };
        let Value::Object(map) = value else {
            return Err(about(Error::bad_request(format!(
                "Invalid {name}: expected an object."
            ))));
        };
        type Member = (&'static str, fn(&Value) -> bool, &'static str);
        let typed: &[Member] = match self {
            OptionBlock::Tracking => &[
                ("CustomRedirectDomain", Value::is_string, "a string"),
                ("HttpsPolicy", Value::is_string, "a string"),
            ],
            OptionBlock::Reputation => &[
                (
                    "ReputationMetricsEnabled",
                    Value::is_boolean,
                    "true or false",
                ),
                (
                    "LastFreshStart",
                    Value::is_number,
                    "a timestamp in epoch seconds",
                ),
            ],
            OptionBlock::Sending => &[("SendingEnabled", Value::is_boolean, "true or false")],
            OptionBlock::Suppression => &[
                ("SuppressedReasons", Value::is_array, "a list"),
                ("SuppressionScope", Value::is_string, "a string"),
                ("ValidationOptions", Value::is_object, "an object"),
            ],
            OptionBlock::Vdm => &[
                ("DashboardOptions", Value::is_object, "an object"),
                ("GuardianOptions", Value::is_object, "an object"),
            ],
            OptionBlock::Archiving => &[("ArchiveArn", Value::is_string, "a string")],
            OptionBlock::MessageSecurity => &[("SigningScheme", Value::is_object, "an object")],
        };
        for (member, ok, want) in typed {
            if let Some(v) = map.get(*member)
                && !ok(v)
            {
                return Err(bad(member, want));
            }
        }
        // S2: the reasons a set suppresses for are SES's enum.
        if self == OptionBlock::Suppression
            && let Some(Value::Array(reasons)) = map.get("SuppressedReasons")
        {
            let texts = reasons
                .iter()
                .map(|r| r.as_str().map(str::to_string))
                .collect::<Option<Vec<String>>>()
                .ok_or_else(|| bad("SuppressedReasons", "a list of strings"))?;
            super::rules::parse_reasons(&texts, "suppressionOptions.suppressedReasons")?;
        }
        if self == OptionBlock::Tracking {
            // "When the tracking domain you specified is not a valid domain or subdomain"
            // (SES API reference, InvalidTrackingOptionsException).
            match map.get("CustomRedirectDomain").and_then(Value::as_str) {
                None => return Err(bad("CustomRedirectDomain", "given")),
                Some(d) => super::names::check_domain(d).map_err(|why| {
                    about(Error::bad_request(format!(
                        "Invalid {name}: CustomRedirectDomain '{d}' {why}."
                    )))
                })?,
            }
        }
        Ok(())
    }
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
        for (member, value) in &req.options {
            if let Some(block) = OptionBlock::ALL.into_iter().find(|b| b.member() == member) {
                block.check(value)?;
            }
        }
        if self.configuration_sets.contains(&req.name)? {
            return Err(Error::already_exists(format!(
                "Configuration set {} already exists.",
                req.name
            ))
            .about(crate::error::About::ConfigurationSet));
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
                tls_policy: req.tls_policy,
                max_delivery_seconds,
                tags,
                options: req.options,
                event_destinations: Default::default(),
            },
        )
    }

    /// PutConfigurationSetDeliveryOptions (C5, C6): changes the delivery options; returns the
    /// sending pool the set had before.
    pub fn put_delivery_options(
        &mut self,
        name: &str,
        change: DeliveryChange,
    ) -> Result<Option<String>> {
        check_config_set_name(name)?;
        let max_delivery_seconds = match change.max_delivery_seconds {
            Change::Set(s) => Change::Set(check_max_delivery_seconds(s)?),
            Change::Keep => Change::Keep,
            Change::Clear => Change::Clear,
        };
        if !self.configuration_sets.contains(name)? {
            return Err(not_found(name));
        }
        if let Change::Set(pool) = &change.sending_pool {
            self.check_sending_pool(pool)?;
        }
        let before = self.configuration_sets.update(name, |set| {
            let before = set.sending_pool.clone();
            change.sending_pool.apply(&mut set.sending_pool);
            change.tls_policy.apply(&mut set.tls_policy);
            max_delivery_seconds.apply(&mut set.max_delivery_seconds);
            let mut mode = set
                .options
                .get(SHARED_POOL_DELIVERY_MODE)
                .and_then(|v| v.as_str().map(str::to_string));
            change.shared_pool_delivery_mode.apply(&mut mode);
            match mode {
                Some(m) => set
                    .options
                    .insert(SHARED_POOL_DELIVERY_MODE.into(), m.into()),
                None => set.options.remove(SHARED_POOL_DELIVERY_MODE),
            };
            before
        })?;
        Ok(before.flatten())
    }

    /// `Put…Options` of a block sesm keeps as given: replaces it (`None` removes it).
    pub fn put_option_block(
        &mut self,
        name: &str,
        block: OptionBlock,
        value: Option<serde_json::Value>,
    ) -> Result<()> {
        check_config_set_name(name)?;
        if let Some(v) = &value {
            block.check(v)?;
        }
        if !self.configuration_sets.contains(name)? {
            return Err(not_found(name));
        }
        self.configuration_sets.update(name, |set| match value {
            Some(v) => set.options.insert(block.member().to_string(), v),
            None => set.options.remove(block.member()),
        })?;
        Ok(())
    }

    /// C5: points a configuration set at a pool, or at none, keeping its other delivery
    /// options. Returns the pool it had before.
    pub fn set_sending_pool(&mut self, name: &str, pool: Option<&str>) -> Result<Option<String>> {
        self.put_delivery_options(
            name,
            DeliveryChange {
                sending_pool: Change::replace(pool.map(str::to_string)),
                ..DeliveryChange::default()
            },
        )
    }

    /// C4, C7: deletes a configuration set and its traffic. Identities whose default it was
    /// keep naming it, as SES's do (their sends then fail with BadRequestException until it
    /// is created again or they are pointed elsewhere); they are listed.
    pub fn delete_config_set(&mut self, name: &str) -> Result<DeletedConfigSet> {
        check_config_set_name(name)?;
        let config_set = self
            .configuration_sets
            .remove(name)?
            .ok_or_else(|| not_found(name))?;
        let mut disassociated = Vec::new();
        for (identity, data) in self.identities.get()?.iter() {
            if data.configuration_set.as_deref() == Some(name) {
                disassociated.push(identity.clone());
            }
        }
        self.traffic.remove(name);
        self.forget_resource(&format!("configuration-set/{name}"));
        // Mail already sent through it today goes out the default way.
        if let Some(sent) = self.pending.remove(name) {
            let none = self.pending.entry(super::NO_SET.to_string()).or_default();
            for (isp, n) in sent {
                let v = none.entry(isp).or_default();
                *v = v.saturating_add(n);
            }
        }
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
