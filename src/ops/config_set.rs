//! Configuration sets: `CreateConfigurationSet`, `GetConfigurationSet`,
//! `ListConfigurationSets`, `DeleteConfigurationSet`, `PutConfigurationSetDeliveryOptions`
//! and the `Put…Options` of the option blocks sesm keeps as given (rules in
//! `model::config_set`).

use serde::Serialize;

use super::shapes::{self, ConfigSetGet, Done};
use super::{Paging, page};
use crate::error::{About, Error, Result};
pub use crate::model::config_set::{Change, DeliveryChange, NewConfigSet, OptionBlock};
use crate::model::{State, TlsPolicy};

/// `config-set delete`: the deleted set, and the identities that lost it as their default.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Deleted {
    #[serde(flatten)]
    pub config_set: ConfigSetGet,
    pub disassociated_identities: Vec<String>,
}

/// One set as the list table shows it.
#[derive(Debug)]
pub struct SetRow {
    pub name: String,
    pub sending_pool: Option<String>,
    pub tls_policy: TlsPolicy,
    pub max_delivery_seconds: Option<u32>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct SetList {
    pub configuration_sets: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

/// ListConfigurationSets with each listed set's pool, TLS policy and delivery window: what a
/// front end showing the sets side by side asks for. Its JSON is the plain list's; the details
/// cost parsing every configuration set, so a front end needing names only asks for `list`.
#[derive(Debug, Serialize)]
pub struct DetailedSetList {
    #[serde(flatten)]
    pub list: SetList,
    #[serde(skip)]
    pub sets: Vec<SetRow>,
}

/// `config-set set-pool`: the set after the change, and the pool it had before.
#[derive(Debug, Serialize)]
pub struct DeliverySet {
    #[serde(flatten)]
    pub config_set: ConfigSetGet,
    #[serde(skip)]
    pub pool_before: Option<String>,
}

/// CreateConfigurationSet (C1–C3, C5, C6).
pub fn create(s: &mut State, region: &str, req: NewConfigSet) -> Result<ConfigSetGet> {
    let name = req.name.clone();
    s.region_mut(region).create_config_set(req)?;
    let mut view = get(s, region, &name)?;
    view.change = Some(Done::Created);
    Ok(view)
}

/// GetConfigurationSet (C1, C4).
pub fn get(s: &State, region: &str, name: &str) -> Result<ConfigSetGet> {
    let cs = s.region(region).existing_config_set(name)?;
    Ok(shapes::config_set_get(s, region, name, &cs))
}

/// ListConfigurationSets: names sorted, optionally only those containing `name_contains`.
pub fn list(
    s: &State,
    region: &str,
    name_contains: Option<&str>,
    paging: &Paging,
) -> Result<SetList> {
    let matches = |name: &str| name_contains.is_none_or(|c| name.contains(c));
    // Names only: a projection that builds no configuration set.
    let names: Vec<(String, String)> = s
        .region(region)
        .sending_pools()?
        .into_iter()
        .filter(|(n, _)| matches(n))
        .map(|(n, _)| (n.clone(), n))
        .collect();
    let (configuration_sets, next_token) = page("configuration-sets", names, paging)?;
    Ok(SetList {
        configuration_sets,
        next_token,
    })
}

/// ListConfigurationSets with each listed set's pool, TLS policy and delivery window.
pub fn list_detailed(
    s: &State,
    region: &str,
    name_contains: Option<&str>,
    paging: &Paging,
) -> Result<DetailedSetList> {
    let matches = |name: &str| name_contains.is_none_or(|c| name.contains(c));
    let sets = s.region(region).configuration_sets.get()?;
    let rows: Vec<(String, SetRow)> = sets
        .iter()
        .filter(|(n, _)| matches(n))
        .map(|(name, cs)| {
            (
                name.clone(),
                SetRow {
                    name: name.clone(),
                    sending_pool: cs.sending_pool.clone(),
                    tls_policy: cs.tls_policy.unwrap_or_default(),
                    max_delivery_seconds: cs.max_delivery_seconds,
                },
            )
        })
        .collect();
    let (sets, next_token) = page("configuration-sets", rows, paging)?;
    Ok(DetailedSetList {
        list: SetList {
            configuration_sets: sets.iter().map(|r| r.name.clone()).collect(),
            next_token,
        },
        sets,
    })
}

/// DeleteConfigurationSet (C4, C7).
pub fn delete(s: &mut State, region: &str, name: &str) -> Result<Deleted> {
    let d = s.region_mut(region).delete_config_set(name)?;
    Ok(Deleted {
        config_set: shapes::config_set_get(s, region, name, &d.config_set),
        disassociated_identities: d.disassociated_identities,
    })
}

/// PutConfigurationSetDeliveryOptions (C5, C6).
pub fn put_delivery_options(
    s: &mut State,
    region: &str,
    name: &str,
    change: DeliveryChange,
) -> Result<DeliverySet> {
    let pool_before = s.region_mut(region).put_delivery_options(name, change)?;
    Ok(DeliverySet {
        config_set: get(s, region, name)?,
        pool_before,
    })
}

/// `Put…Options` of a block sesm keeps as given (`None` removes it).
pub fn put_option_block(
    s: &mut State,
    region: &str,
    name: &str,
    block: OptionBlock,
    value: Option<serde_json::Value>,
) -> Result<ConfigSetGet> {
    s.region_mut(region).put_option_block(name, block, value)?;
    get(s, region, name)
}

/// How SES v1 changes a set's tracking options: create where there are none, update or
/// delete where there are (SESv2 has one Put for all three).
#[derive(Debug, Clone)]
pub enum TrackingChange {
    Create(serde_json::Value),
    Update(serde_json::Value),
    Delete,
}

/// SES v1's Create/Update/DeleteConfigurationSetTrackingOptions.
pub fn change_tracking(
    s: &mut State,
    region: &str,
    name: &str,
    change: TrackingChange,
) -> Result<ConfigSetGet> {
    let block = OptionBlock::Tracking;
    let present = get(s, region, name)?
        .option_blocks
        .contains_key(block.member());
    let value = match (change, present) {
        (TrackingChange::Create(_), true) => {
            return Err(Error::already_exists(format!(
                "Configuration set <{name}> already contains a TrackingOptions object."
            ))
            .about(About::TrackingOptions));
        }
        (TrackingChange::Update(_) | TrackingChange::Delete, false) => {
            return Err(Error::not_found(format!(
                "Configuration set <{name}> has no TrackingOptions object."
            ))
            .about(About::TrackingOptions));
        }
        (TrackingChange::Create(v) | TrackingChange::Update(v), _) => Some(v),
        (TrackingChange::Delete, true) => None,
    };
    put_option_block(s, region, name, block, value)
}
