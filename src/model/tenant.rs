//! Tenants, rules N1–N8 (`ses-rules.md`): named containers of identities, configuration sets
//! and templates (their associations), each with its own suppression attributes; a send
//! naming a tenant must use only resources associated with it (N7) and is attributed to it.

use std::collections::BTreeMap;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use super::rules::{Reason, enum_error};
use super::{Region, State, Tags};
use crate::error::{Error, Result};

/// How many tenants a region keeps: SES documents no figure sesm could find, so sesm bounds
/// them as it bounds identities and configuration sets (N2, `decisions.md`).
pub const MAX_TENANTS: usize = 10_000;

/// One tenant (botocore's `Tenant`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Tenant {
    pub id: String,
    pub created: Timestamp,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub tags: Tags,
    /// `SuppressionAttributes`, as CreateTenant or PutTenantSuppressionAttributes gave them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suppression: Option<Suppression>,
    /// Associated resources by ARN, with when they were associated.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub resources: BTreeMap<String, Timestamp>,
}

/// A tenant's `SuppressionAttributes`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Suppression {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reasons: Vec<Reason>,
    /// `ACCOUNT` (the account's list) or `TENANT` (the tenant's own); `None` when not given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
}

pub const SCOPES: [&str; 2] = ["ACCOUNT", "TENANT"];

/// The resource types a tenant associates (botocore's `ResourceType`), by their ARN's type.
pub const RESOURCE_TYPES: [(&str, &str); 3] = [
    ("EMAIL_IDENTITY", "identity"),
    ("CONFIGURATION_SET", "configuration-set"),
    ("EMAIL_TEMPLATE", "template"),
];

pub fn not_found(name: &str) -> Error {
    Error::not_found(format!("Tenant {name} does not exist."))
        .hint("list the tenants with ListTenants")
}

/// N1: 1–64 letters, digits, `-` and `_` (the SESv2 API reference's `TenantName`).
pub fn check_name(name: &str) -> Result<()> {
    if super::names::is_simple_name(name, 64) {
        Ok(())
    } else {
        Err(Error::bad_request(format!(
            "Invalid TenantName '{}': use 1 to 64 letters, digits, hyphens (-) and underscores (_).",
            name.escape_default()
        )))
    }
}

/// N3: the scope, one of `SCOPES`.
pub fn check_scope(scope: &str, member: &str) -> Result<()> {
    if SCOPES.contains(&scope) {
        Ok(())
    } else {
        Err(enum_error(scope, member, &SCOPES))
    }
}

/// The ARN of a tenant: `tenant/NAME/ID`, as SES's "Resource types" table writes it.
pub fn arn(region: &str, account: &str, name: &str, id: &str) -> String {
    format!(
        "arn:{}:ses:{region}:{account}:tenant/{name}/{id}",
        State::partition(region)
    )
}

/// A resource ARN a tenant may be associated with (N5): its `ResourceType` and name, when it
/// names a resource of `region` in `account`.
pub fn parse_resource(arn: &str, region: &str, account: &str) -> Result<(&'static str, String)> {
    let bad = || {
        Error::bad_request(format!(
            "Invalid ResourceArn '{}': expected the ARN of an email identity, a configuration set or an email template of this account and region, such as arn:aws:ses:{region}:{account}:identity/example.com.",
            arn.escape_default()
        ))
    };
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    let [a, partition, service, r, acct, resource] = parts[..] else {
        return Err(bad());
    };
    if a != "arn" || partition != State::partition(region) || service != "ses" {
        return Err(bad());
    }
    if r != region || (acct != account && !acct.is_empty()) {
        return Err(bad());
    }
    let (kind, name) = resource.split_once('/').ok_or_else(bad)?;
    let ty = RESOURCE_TYPES
        .iter()
        .find(|(_, k)| *k == kind)
        .map(|(t, _)| *t)
        .ok_or_else(bad)?;
    if name.is_empty() {
        return Err(bad());
    }
    Ok((ty, name.to_string()))
}

impl Region {
    /// A deleted identity, configuration set or template (`identity/NAME`,
    /// `configuration-set/NAME`, `template/NAME`) leaves nothing a new one of the same name
    /// would inherit: its tenant associations and its reputation entity settings go with it,
    /// as its certificates do (H5; `decisions.md`).
    pub(super) fn forget_resource(&mut self, resource: &str) {
        self.reputation_entities.remove(resource);
        let suffix = format!(":{resource}");
        for tenant in self.tenants.values_mut() {
            tenant.resources.retain(|arn, _| !arn.ends_with(&suffix));
        }
    }

    pub fn existing_tenant(&self, name: &str) -> Result<&Tenant> {
        self.tenants.get(name).ok_or_else(|| not_found(name))
    }

    /// The tenant a tagging ARN's resource part names, `NAME/ID` (or `NAME`): an ID that is
    /// not the tenant's names nothing (a tenant deleted and made again has another).
    pub fn tenant_by_arn_name(&self, resource: &str) -> Result<(String, &Tenant)> {
        let (name, id) = match resource.split_once('/') {
            Some((name, id)) => (name, Some(id)),
            None => (resource, None),
        };
        let tenant = self.existing_tenant(name)?;
        if id.is_some_and(|id| id != tenant.id) {
            return Err(not_found(resource));
        }
        Ok((name.to_string(), tenant))
    }

    fn existing_tenant_mut(&mut self, name: &str) -> Result<&mut Tenant> {
        self.tenants.get_mut(name).ok_or_else(|| not_found(name))
    }

    /// N1–N3: creates a tenant.
    pub fn create_tenant(&mut self, name: &str, tenant: Tenant) -> Result<&Tenant> {
        check_name(name)?;
        if self.tenants.contains_key(name) {
            return Err(Error::already_exists(format!(
                "Tenant {name} already exists."
            )));
        }
        if self.tenants.len() >= MAX_TENANTS {
            return Err(Error::limit_exceeded(format!(
                "You can have at most {MAX_TENANTS} tenants in a region."
            )));
        }
        Ok(self.tenants.entry(name.to_string()).or_insert(tenant))
    }

    /// DeleteTenant: the tenant and its associations; the resources stay.
    pub fn delete_tenant(&mut self, name: &str) -> Result<Tenant> {
        self.tenants.remove(name).ok_or_else(|| not_found(name))
    }

    /// N3: PutTenantSuppressionAttributes replaces the tenant's suppression attributes.
    pub fn put_tenant_suppression(&mut self, name: &str, s: Option<Suppression>) -> Result<()> {
        self.existing_tenant_mut(name)?.suppression = s;
        Ok(())
    }

    /// Whether the resource an ARN names (`parse_resource`) exists in this region.
    pub fn resource_exists(&self, ty: &str, name: &str) -> Result<bool> {
        Ok(match ty {
            "EMAIL_IDENTITY" => self.identities.contains(name)?,
            "CONFIGURATION_SET" => self.configuration_sets.contains(name)?,
            _ => self.templates.contains(name)?,
        })
    }

    /// N5, N6: associates a resource with a tenant.
    pub fn associate(&mut self, tenant: &str, arn: &str, ty: &str, now: Timestamp) -> Result<()> {
        let t = self.existing_tenant(tenant)?;
        if t.resources.contains_key(arn) {
            return Err(Error::already_exists(format!(
                "Resource {arn} is already associated with tenant {tenant}."
            )));
        }
        let name = arn.rsplit_once(&format!("{}/", kind_of(ty))).map(|x| x.1);
        if !self.resource_exists(ty, name.unwrap_or_default())? {
            return Err(Error::not_found(format!("Resource {arn} does not exist.")));
        }
        self.existing_tenant_mut(tenant)?
            .resources
            .insert(arn.to_string(), now);
        Ok(())
    }

    /// DeleteTenantResourceAssociation.
    pub fn dissociate(&mut self, tenant: &str, arn: &str) -> Result<()> {
        let t = self.existing_tenant_mut(tenant)?;
        t.resources.remove(arn).map(|_| ()).ok_or_else(|| {
            Error::not_found(format!(
                "Resource {arn} is not associated with tenant {tenant}."
            ))
        })
    }

    /// N7: a send through `tenant` uses only resources associated with it: the identity
    /// that authorises its sender (the address's or its domain's), its configuration set and
    /// its stored template.
    pub fn check_tenant_send(
        &self,
        tenant: &str,
        account: &str,
        region: &str,
        identities: &[String],
        config_set: Option<&str>,
        template: Option<&str>,
    ) -> Result<()> {
        let t = self.existing_tenant(tenant)?;
        let arn_of = |kind: &str, name: &str| {
            format!(
                "arn:{}:ses:{region}:{account}:{kind}/{name}",
                State::partition(region)
            )
        };
        let has = |kind: &str, name: &str| t.resources.contains_key(&arn_of(kind, name));
        if !identities.iter().any(|i| has("identity", i)) {
            let name = identities.first().map(String::as_str).unwrap_or_default();
            return Err(not_associated(tenant, &arn_of("identity", name)));
        }
        if let Some(cs) = config_set
            && !has("configuration-set", cs)
        {
            return Err(not_associated(tenant, &arn_of("configuration-set", cs)));
        }
        if let Some(tpl) = template
            && !has("template", tpl)
        {
            return Err(not_associated(tenant, &arn_of("template", tpl)));
        }
        Ok(())
    }
}

fn kind_of(ty: &str) -> &'static str {
    RESOURCE_TYPES
        .iter()
        .find(|(t, _)| *t == ty)
        .map(|(_, k)| *k)
        .unwrap_or("identity")
}

fn not_associated(tenant: &str, arn: &str) -> Error {
    Error::message_rejected(format!(
        "Resource {arn} is not associated with tenant {tenant}: a send through a tenant uses only the identities, configuration sets and templates associated with it."
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tenant() -> Tenant {
        Tenant {
            id: "tn-1".into(),
            created: Timestamp::UNIX_EPOCH,
            tags: Tags::new(),
            suppression: None,
            resources: BTreeMap::new(),
        }
    }

    #[test]
    fn names_are_letters_digits_hyphens_and_underscores_up_to_64() {
        assert!(check_name("acme_Corp-1").is_ok());
        assert!(check_name(&"a".repeat(64)).is_ok());
        for bad in ["", "a b", "a.b", &"a".repeat(65)] {
            assert!(check_name(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn resource_arns_name_identities_sets_and_templates_of_the_region() {
        let r = "eu-west-1";
        let a = "123456789012";
        let arn = "arn:aws:ses:eu-west-1:123456789012:identity/example.com";
        assert_eq!(
            parse_resource(arn, r, a).unwrap(),
            ("EMAIL_IDENTITY", "example.com".to_string())
        );
        let t = "arn:aws:ses:eu-west-1:123456789012:template/welcome";
        assert_eq!(parse_resource(t, r, a).unwrap().0, "EMAIL_TEMPLATE");
        for bad in [
            "arn:aws:ses:us-east-1:123456789012:identity/example.com",
            "arn:aws:ses:eu-west-1:123456789012:dedicated-ip-pool/p",
            "arn:aws:sns:eu-west-1:123456789012:identity/x",
            "identity/x",
            "arn:aws:ses:eu-west-1:123456789012:identity/",
        ] {
            assert!(parse_resource(bad, r, a).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_deleted_resource_leaves_no_association_nor_reputation_setting_behind() {
        let mut region = Region::default();
        region.create_tenant("acme", tenant()).unwrap();
        for name in ["example.com", "example.co"] {
            region
                .identities
                .get_mut()
                .unwrap()
                .insert(name.into(), Default::default());
            let arn = format!("arn:aws:ses:eu-west-1:123456789012:identity/{name}");
            region
                .associate("acme", &arn, "EMAIL_IDENTITY", Timestamp::UNIX_EPOCH)
                .unwrap();
            region.reputation_entities.insert(
                format!("identity/{name}"),
                crate::model::reputation::EntitySettings {
                    status: Some("DISABLED".into()),
                    ..Default::default()
                },
            );
        }
        region.delete_identity("example.co").unwrap();
        let left: Vec<&String> = region.tenants["acme"].resources.keys().collect();
        assert_eq!(
            left,
            ["arn:aws:ses:eu-west-1:123456789012:identity/example.com"]
        );
        let settings: Vec<&String> = region.reputation_entities.keys().collect();
        assert_eq!(settings, ["identity/example.com"]);
    }

    #[test]
    fn a_tenant_is_tagged_by_its_arns_name_and_id() {
        use crate::model::arn::ResourceKind::Tenant as T;
        let mut region = Region::default();
        region.create_tenant("acme", tenant()).unwrap();
        let one = [("tier".to_string(), "gold".to_string())];
        let tags = region
            .change_tags(T, "acme/tn-1", |t| crate::model::tags::apply(t, &one))
            .unwrap();
        assert_eq!(region.tags_of(T, "acme").unwrap(), tags);
        assert_eq!(region.existing_tenant("acme").unwrap().tags, tags);
        // Another ID is another tenant (one deleted and made again): nothing changes.
        let e = region
            .change_tags(T, "acme/tn-2", |_| Ok(Tags::new()))
            .unwrap_err();
        assert_eq!(e.code(), "NotFoundException");
        assert_eq!(region.tags_of(T, "acme").unwrap(), tags);
        assert!(region.tags_of(T, "nope/tn-1").is_err());
    }

    #[test]
    fn a_tenant_is_created_once_and_associates_existing_resources_once() {
        let mut region = Region::default();
        region.create_tenant("acme", tenant()).unwrap();
        let e = region.create_tenant("acme", tenant()).unwrap_err();
        assert!(e.message.contains("already exists"));
        let arn = "arn:aws:ses:eu-west-1:123456789012:identity/example.com";
        let e = region
            .associate("acme", arn, "EMAIL_IDENTITY", Timestamp::UNIX_EPOCH)
            .unwrap_err();
        assert!(e.message.contains("does not exist"), "{}", e.message);
        region
            .identities
            .get_mut()
            .unwrap()
            .insert("example.com".into(), Default::default());
        region
            .associate("acme", arn, "EMAIL_IDENTITY", Timestamp::UNIX_EPOCH)
            .unwrap();
        assert!(
            region
                .associate("acme", arn, "EMAIL_IDENTITY", Timestamp::UNIX_EPOCH)
                .is_err()
        );
        let ids = ["example.com".to_string()];
        let acct = "123456789012";
        let ok = region.check_tenant_send("acme", acct, "eu-west-1", &ids, None, None);
        assert!(ok.is_ok());
        let e = region
            .check_tenant_send("acme", acct, "eu-west-1", &ids, Some("news"), None)
            .unwrap_err();
        assert!(
            e.message.contains("configuration-set/news"),
            "{}",
            e.message
        );
        region.dissociate("acme", arn).unwrap();
        assert!(region.dissociate("acme", arn).is_err());
        assert!(region.delete_tenant("acme").is_ok());
        assert!(region.delete_tenant("acme").is_err());
    }
}
