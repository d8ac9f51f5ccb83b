//! Sending identities: `CreateEmailIdentity`, `GetEmailIdentity`, `ListEmailIdentities`,
//! `DeleteEmailIdentity`, `PutEmailIdentityConfigurationSetAttributes`, the attributes
//! Terraform applies (`PutEmailIdentityFeedbackAttributes`, `…MailFromAttributes`,
//! `…DkimAttributes`, `…DkimSigningAttributes`), and sesm's `ImportEmailIdentities` (rules in
//! `model::identity`).

use serde::Serialize;

use super::shapes::{self, Done, IdentityGet};
use super::{Paging, page};
use crate::error::{Error, Result};
use crate::model::State;
use crate::model::identity::{self, BehaviorOnMxFailure, DkimSigning, SigningAttributes};
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
    fn matches(&self, name: &str, status: &str) -> bool {
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
                .is_none_or(|v| v == status)
    }
}

/// sesm's identities need no DNS: they are verified when created.
pub const VERIFIED: &str = "SUCCESS";
/// An address SendCustomVerificationEmail created, until its link is followed.
pub const PENDING: &str = "PENDING";

/// An identity's `VerificationStatus`.
pub fn status(id: &crate::model::Identity) -> &'static str {
    if id.verified() { VERIFIED } else { PENDING }
}

fn type_name(t: IdentityType) -> &'static str {
    t.as_str()
}

/// CreateEmailIdentity (E1–E4, and E8 for `DkimSigningAttributes`: BYODKIM, a DEED parent,
/// or Easy DKIM's next key length).
pub fn create(
    s: &mut State,
    region: &str,
    identity: &str,
    config_set: Option<&str>,
    tags: &[(String, String)],
    dkim: Option<&SigningAttributes>,
) -> Result<IdentityGet> {
    // Checked before the identity is added, so a refused key adds nothing.
    let signing = match dkim {
        Some(attrs) => {
            let name = crate::model::names::normalize_identity(identity)?;
            let signing = identity::dkim_signing(&name, None, Some(attrs))?;
            check_parent(s, region, &name, &signing)?;
            Some(signing)
        }
        None => None,
    };
    let name = s
        .region_mut(region)
        .create_identity(identity, config_set, tags)?;
    if let Some(signing) = signing {
        s.region_mut(region).set_dkim_signing(&name, signing)?;
    }
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
        .filter(|(name, id)| filter.matches(name, status(id)))
        .map(|(name, id)| {
            (
                name.clone(),
                ListItem {
                    identity_name: name.clone(),
                    identity_type: IdentityType::of(name),
                    sending_enabled: true,
                    verification_status: status(id),
                    configuration_set: id.configuration_set.clone(),
                },
            )
        })
        .collect();
    let (email_identities, next_token) = page("identities", items, paging)?;
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

/// E8: a DEED replica's parent is the identity of the same name in another region, on Easy
/// DKIM ("The parent identity must already exist in the specified Amazon Web Services Region
/// and have Easy DKIM configured", API reference, `DkimSigningAttributes`).
fn check_parent(s: &State, region: &str, name: &str, signing: &DkimSigning) -> Result<()> {
    let DkimSigning::Replica { parent_region } = signing else {
        return Ok(());
    };
    let origin = signing.origin();
    if parent_region == region {
        return Err(Error::bad_request(format!(
            "{origin} names this identity's own region; a DEED parent is in another region."
        )));
    }
    let parent = s.region(parent_region).identities.entry(name)?;
    match parent {
        Some(p) if matches!(p.dkim_signing, None | Some(DkimSigning::Easy { .. })) => Ok(()),
        Some(_) => Err(Error::bad_request(format!(
            "The parent identity {name} in {parent_region} does not use Easy DKIM, so {origin} can't replicate it."
        ))),
        None => Err(Error::bad_request(format!(
            "The parent identity {name} does not exist in {parent_region}, so {origin} can't replicate it."
        ))),
    }
}

/// PutEmailIdentityFeedbackAttributes (E6).
pub fn set_feedback(s: &mut State, region: &str, identity: &str, enabled: bool) -> Result<()> {
    s.region_mut(region)
        .set_feedback_forwarding(identity, enabled)?;
    Ok(())
}

/// PutEmailIdentityMailFromAttributes (E7).
pub fn set_mail_from(
    s: &mut State,
    region: &str,
    identity: &str,
    mail_from: Option<&str>,
    behavior: Option<BehaviorOnMxFailure>,
) -> Result<()> {
    s.region_mut(region)
        .set_mail_from(identity, mail_from, behavior)?;
    Ok(())
}

/// PutEmailIdentityDkimAttributes (E8).
pub fn set_dkim_enabled(s: &mut State, region: &str, identity: &str, enabled: bool) -> Result<()> {
    s.region_mut(region)
        .set_dkim_signing_enabled(identity, enabled)?;
    Ok(())
}

/// PutEmailIdentityDkimSigningAttributes' answer.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DkimSigningSet {
    pub dkim_status: &'static str,
    pub dkim_tokens: Vec<String>,
}

/// PutEmailIdentityDkimSigningAttributes (E8): the identity must exist (404 first, as SES
/// looks the identity up before it reads the attributes), then the attributes are checked.
pub fn set_dkim_signing(
    s: &mut State,
    region: &str,
    identity: &str,
    origin: &str,
    attrs: Option<&SigningAttributes>,
) -> Result<DkimSigningSet> {
    let (name, _) = s.region(region).existing_identity(identity)?;
    let signing = identity::dkim_signing(&name, Some(origin), attrs)?;
    check_parent(s, region, &name, &signing)?;
    s.region_mut(region).set_dkim_signing(&name, signing)?;
    let (_, id) = s.region(region).existing_identity(&name)?;
    let dkim = shapes::dkim_attributes(region, &name, &id);
    Ok(DkimSigningSet {
        dkim_status: dkim.status,
        dkim_tokens: dkim.tokens,
    })
}

/// An identity's notification settings (SES v1's `IdentityNotificationAttributes`).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Notifications {
    /// The SNS topic of each notification type that has one (`Bounce`, `Complaint`,
    /// `Delivery`).
    pub topics: std::collections::BTreeMap<String, String>,
    pub forwarding_enabled: bool,
    /// Whether each type's notifications include the message's headers.
    pub headers: std::collections::BTreeMap<String, bool>,
}

/// SES v1's GetIdentityNotificationAttributes, for one identity.
pub fn notifications(s: &State, region: &str, identity: &str) -> Result<Notifications> {
    let (_, id) = s.region(region).existing_identity(identity)?;
    Ok(Notifications {
        topics: id.notification_topics.clone(),
        forwarding_enabled: id.feedback_forwarding.unwrap_or(true),
        headers: identity::NOTIFICATION_TYPES
            .iter()
            .map(|k| {
                (
                    k.to_string(),
                    id.headers_in_notifications.get(*k) == Some(&true),
                )
            })
            .collect(),
    })
}

/// SES v1's SetIdentityNotificationTopic: one type's topic, or (`None`) none.
pub fn set_notification_topic(
    s: &mut State,
    region: &str,
    identity: &str,
    kind: &str,
    topic: Option<&str>,
) -> Result<()> {
    s.region_mut(region)
        .set_notification_topic(identity, kind, topic)?;
    Ok(())
}

/// SES v1's SetIdentityHeadersInNotificationsEnabled.
pub fn set_headers_in_notifications(
    s: &mut State,
    region: &str,
    identity: &str,
    kind: &str,
    enabled: bool,
) -> Result<()> {
    s.region_mut(region)
        .set_headers_in_notifications(identity, kind, enabled)?;
    Ok(())
}
