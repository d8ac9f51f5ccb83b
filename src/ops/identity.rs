//! Sending identities: `CreateEmailIdentity`, `GetEmailIdentity`, `ListEmailIdentities`,
//! `DeleteEmailIdentity`, `PutEmailIdentityConfigurationSetAttributes`, and sesm's
//! `ImportEmailIdentities` (rules in `model::identity`).

use serde::Serialize;

use super::shapes::{self, Done, IdentityGet};
use super::{Paging, page};
use crate::error::Result;
use crate::model::State;
use crate::model::names::IdentityType;

/// `IdentityInfo` of `ListEmailIdentities`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListItem {
    pub identity_name: String,
    pub identity_type: IdentityType,
    pub sending_enabled: bool,
    /// `VerificationStatus` on the wire (the command line's JSON keeps `cli.md`'s keys).
    #[serde(skip)]
    pub verification_status: &'static str,
    /// The default configuration set (for the table; not part of `IdentityInfo`).
    #[serde(skip)]
    pub configuration_set: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct IdentityList {
    pub email_identities: Vec<ListItem>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Imported {
    pub imported: usize,
}

/// `ListEmailIdentities`' `Filter`; every identity sesm keeps is verified.
#[derive(Debug, Clone, Default)]
pub struct IdentityFilter {
    pub name_contains: Option<String>,
    pub identity_type: Option<String>,
    pub verification_status: Option<String>,
}

impl IdentityFilter {
    fn matches(&self, name: &str) -> bool {
        self.name_contains
            .as_deref()
            .is_none_or(|c| name.contains(c))
            && self
                .identity_type
                .as_deref()
                .is_none_or(|t| t == type_name(IdentityType::of(name)))
            && self
                .verification_status
                .as_deref()
                .is_none_or(|v| v == VERIFIED)
    }
}

/// sesm's identities need no DNS: they are verified when created.
pub const VERIFIED: &str = "SUCCESS";

fn type_name(t: IdentityType) -> &'static str {
    t.as_str()
}

/// CreateEmailIdentity (E1–E4).
pub fn create(
    s: &mut State,
    region: &str,
    identity: &str,
    config_set: Option<&str>,
    tags: &[(String, String)],
) -> Result<IdentityGet> {
    let name = s
        .region_mut(region)
        .create_identity(identity, config_set, tags)?;
    let mut view = get(s, region, &name)?;
    view.change = Some(Done::Created);
    Ok(view)
}

/// ImportEmailIdentities (E1–E3 for every line; all or nothing).
pub fn import(s: &mut State, region: &str, text: &str) -> Result<Imported> {
    let imported = s.region_mut(region).import_identities(text.lines())?;
    Ok(Imported { imported })
}

/// ListEmailIdentities: sorted by name.
pub fn list(
    s: &State,
    region: &str,
    filter: &IdentityFilter,
    paging: &Paging,
) -> Result<IdentityList> {
    let identities = s.region(region).identities.get()?;
    let items: Vec<(String, ListItem)> = identities
        .iter()
        .filter(|(name, _)| filter.matches(name))
        .map(|(name, id)| {
            (
                name.clone(),
                ListItem {
                    identity_name: name.clone(),
                    identity_type: IdentityType::of(name),
                    sending_enabled: true,
                    verification_status: VERIFIED,
                    configuration_set: id.configuration_set.clone(),
                },
            )
        })
        .collect();
    let (email_identities, next_token) = page(items, paging)?;
    Ok(IdentityList {
        email_identities,
        next_token,
    })
}

/// GetEmailIdentity (E1, E5).
pub fn get(s: &State, region: &str, identity: &str) -> Result<IdentityGet> {
    let (name, id) = s.region(region).existing_identity(identity)?;
    Ok(shapes::identity_get(s, region, &name, &id))
}

/// DeleteEmailIdentity (E5).
pub fn delete(s: &mut State, region: &str, identity: &str) -> Result<IdentityGet> {
    let (name, id) = s.region_mut(region).delete_identity(identity)?;
    let mut view = shapes::identity_get(s, region, &name, &id);
    view.change = Some(Done::Deleted);
    Ok(view)
}

/// PutEmailIdentityConfigurationSetAttributes (E4): sets or (with `None`) clears the default
/// configuration set.
pub fn set_config_set(
    s: &mut State,
    region: &str,
    identity: &str,
    config_set: Option<&str>,
) -> Result<IdentityGet> {
    let name = s
        .region_mut(region)
        .set_identity_config_set(identity, config_set)?;
    let mut view = get(s, region, &name)?;
    view.change = Some(Done::DefaultSet(config_set.map(str::to_string)));
    Ok(view)
}
