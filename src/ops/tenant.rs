//! Tenants: `CreateTenant`, `GetTenant`, `ListTenants`, `DeleteTenant`,
//! `CreateTenantResourceAssociation`, `DeleteTenantResourceAssociation`,
//! `ListTenantResources`, `ListResourceTenants`, `PutTenantSuppressionAttributes` (rules N1–N8
//! in `model::tenant`).

use jiff::Timestamp;

use super::{Page, Paging, page};
use crate::error::Result;
use crate::model::State;
use crate::model::rules::parse_reasons;
use crate::model::tenant::{self, Suppression, Tenant};

/// A tenant as the answers show it: its name, ARN and what the state keeps.
#[derive(Debug, Clone)]
pub struct TenantView {
    pub name: String,
    pub arn: String,
    pub tenant: Tenant,
}

fn view(s: &State, region: &str, name: &str, t: &Tenant) -> TenantView {
    TenantView {
        name: name.to_string(),
        arn: tenant::arn(region, &s.account_id, name, &t.id),
        tenant: t.clone(),
    }
}

/// A tenant's ID: `tn-` and 24 hex digits of its region, name and creation time.
fn tenant_id(region: &str, name: &str, now: Timestamp) -> String {
    use sha2::{Digest, Sha256};
    let h = Sha256::digest(format!("{region}\n{name}\n{}", now.as_nanosecond()).as_bytes());
    let hex: String = h.iter().take(12).map(|b| format!("{b:02x}")).collect();
    format!("tn-{hex}")
}

/// N3: `SuppressionAttributes` (reasons and scope) as given, checked.
pub fn suppression(reasons: Option<Vec<String>>, scope: Option<String>) -> Result<Suppression> {
    let reasons = parse_reasons(&reasons.unwrap_or_default(), "suppressedReasons")?;
    if let Some(sc) = &scope {
        tenant::check_scope(sc, "suppressionScope")?;
    }
    Ok(Suppression { reasons, scope })
}

/// CreateTenant (N1–N3).
pub fn create(
    s: &mut State,
    region: &str,
    name: &str,
    tags: &[(String, String)],
    suppression: Option<Suppression>,
    now: Timestamp,
) -> Result<TenantView> {
    tenant::check_name(name)?;
    let tags = crate::model::tags::apply(&Default::default(), tags)?;
    let t = Tenant {
        id: tenant_id(region, name, now),
        created: now,
        tags,
        suppression,
        resources: Default::default(),
    };
    let t = s.region_mut(region).create_tenant(name, t)?.clone();
    Ok(view(s, region, name, &t))
}

/// GetTenant.
pub fn get(s: &State, region: &str, name: &str) -> Result<TenantView> {
    let t = s.region(region).existing_tenant(name)?;
    Ok(view(s, region, name, t))
}

/// ListTenants: by name, paged. SESv2's `ListTenantsFilter` names no key its model defines,
/// so the door refuses any.
pub fn list(s: &State, region: &str, paging: &Paging) -> Result<Page<TenantView>> {
    let items = s
        .region(region)
        .tenants
        .iter()
        .map(|(n, t)| (n.clone(), view(s, region, n, t)))
        .collect();
    page("tenants", items, paging)
}

/// DeleteTenant: the tenant and its associations (the resources stay).
pub fn delete(s: &mut State, region: &str, name: &str) -> Result<()> {
    s.region_mut(region).delete_tenant(name).map(|_| ())
}

/// PutTenantSuppressionAttributes (N3).
pub fn put_suppression(
    s: &mut State,
    region: &str,
    name: &str,
    suppression: Suppression,
) -> Result<()> {
    s.region_mut(region)
        .put_tenant_suppression(name, Some(suppression))
}

/// CreateTenantResourceAssociation (N5, N6).
pub fn associate(s: &mut State, region: &str, name: &str, arn: &str, now: Timestamp) -> Result<()> {
    s.region(region).existing_tenant(name)?;
    let (ty, _) = tenant::parse_resource(arn, region, &s.account_id)?;
    let canonical = canonical_arn(s, region, arn);
    s.region_mut(region).associate(name, &canonical, ty, now)
}

/// The ARN as sesm keeps it: with the account filled in (Terraform builds ARNs with an empty
/// account field).
fn canonical_arn(s: &State, region: &str, arn: &str) -> String {
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    match parts[..] {
        [a, p, sv, r, "", rest] if r == region => {
            format!("{a}:{p}:{sv}:{r}:{}:{rest}", s.account_id)
        }
        _ => arn.to_string(),
    }
}

/// DeleteTenantResourceAssociation.
pub fn dissociate(s: &mut State, region: &str, name: &str, arn: &str) -> Result<()> {
    s.region(region).existing_tenant(name)?;
    tenant::parse_resource(arn, region, &s.account_id)?;
    let canonical = canonical_arn(s, region, arn);
    s.region_mut(region).dissociate(name, &canonical)
}

/// ListTenantResources: a tenant's resources (of one `ResourceType`, when asked), by ARN,
/// paged; each `(type, ARN)`.
pub fn resources(
    s: &State,
    region: &str,
    name: &str,
    only: Option<&str>,
    paging: &Paging,
) -> Result<Page<(&'static str, String)>> {
    let t = s.region(region).existing_tenant(name)?;
    let items = t
        .resources
        .keys()
        .filter_map(|arn| {
            let (ty, _) = tenant::parse_resource(arn, region, &s.account_id).ok()?;
            (only.is_none() || only == Some(ty)).then(|| (arn.clone(), (ty, arn.clone())))
        })
        .collect();
    page(&format!("tenant-resources/{name}"), items, paging)
}

/// ListResourceTenants: the tenants a resource is associated with, by tenant name, paged;
/// each with the tenant's ID and when it was associated. The resource must exist (N8).
pub fn resource_tenants(
    s: &State,
    region: &str,
    arn: &str,
    paging: &Paging,
) -> Result<Page<(String, String, Timestamp)>> {
    let (ty, name) = tenant::parse_resource(arn, region, &s.account_id)?;
    if !s.region(region).resource_exists(ty, &name)? {
        return Err(crate::error::Error::not_found(format!(
            "Resource {arn} does not exist."
        )));
    }
    let canonical = canonical_arn(s, region, arn);
    let items = s
        .region(region)
        .tenants
        .iter()
        .filter_map(|(n, t)| {
            let at = t.resources.get(&canonical)?;
            Some((n.clone(), (n.clone(), t.id.clone(), *at)))
        })
        .collect();
    page("resource-tenants", items, paging)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tenant_gets_an_id_and_an_arn_of_its_name() {
        let mut s = State::new(jiff::civil::Date::constant(2026, 1, 1));
        let now = Timestamp::UNIX_EPOCH;
        let t = create(&mut s, "eu-west-1", "acme", &[], None, now).unwrap();
        assert!(t.tenant.id.starts_with("tn-") && t.tenant.id.len() == 27);
        assert_eq!(
            t.arn,
            format!(
                "arn:aws:ses:eu-west-1:123456789012:tenant/acme/{}",
                t.tenant.id
            )
        );
        let sup = suppression(Some(vec!["BOUNCE".into()]), Some("TENANT".into())).unwrap();
        put_suppression(&mut s, "eu-west-1", "acme", sup).unwrap();
        assert!(suppression(None, Some("GLOBAL".into())).is_err());
        assert!(suppression(Some(vec!["SPAM".into()]), None).is_err());
        let (all, next) = list(&s, "eu-west-1", &Paging::all()).unwrap();
        assert_eq!((all.len(), next), (1, None));
        delete(&mut s, "eu-west-1", "acme").unwrap();
        assert!(get(&s, "eu-west-1", "acme").is_err());
    }
}
