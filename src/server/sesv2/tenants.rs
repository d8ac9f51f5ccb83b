//! Tenants: CreateTenant, GetTenant, ListTenants, DeleteTenant,
//! CreateTenantResourceAssociation, DeleteTenantResourceAssociation, ListTenantResources,
//! ListResourceTenants, PutTenantSuppressionAttributes.

use super::shapes::{
    CreateTenantBody, CreateTenantResourceAssociationBody, CreateTenantResponse, DeleteTenantBody,
    DeleteTenantResourceAssociationBody, GetTenantBody, GetTenantResponse, ListResourceTenantsBody,
    ListResourceTenantsResponse, ListTenantResourcesBody, ListTenantResourcesResponse,
    ListTenantsBody, ListTenantsResponse, PutTenantSuppressionAttributesBody,
    ResourceTenantMetadata, Tenant, TenantInfo, TenantResource, TenantSuppressionAttributes,
};
use super::wire::Epoch;
use super::{Call, empty, filter, spelled, tag_pairs, tag_shapes};
use crate::error::Result;
use crate::model::rules::enum_error;
use crate::model::tenant::{RESOURCE_TYPES, Suppression};
use crate::ops;
use crate::ops::Paging;
use crate::ops::tenant::TenantView;
use crate::server::api::Api;
use crate::server::http::{Response, json};

/// SES reports every tenant's sending as ENABLED: sesm pauses no tenant (its reputation is
/// not modelled apart from the account's).
const SENDING_STATUS: &str = "ENABLED";

fn suppression_shape(s: &Option<Suppression>) -> Option<TenantSuppressionAttributes> {
    s.as_ref().map(|s| TenantSuppressionAttributes {
        suppressed_reasons: Some(s.reasons.iter().map(spelled).collect()),
        suppression_scope: s.scope.clone(),
    })
}

fn tenant_shape(v: TenantView) -> Tenant {
    Tenant {
        tenant_name: Some(v.name),
        tenant_id: Some(v.tenant.id.clone()),
        tenant_arn: Some(v.arn),
        created_timestamp: Some(Epoch(v.tenant.created)),
        tags: Some(tag_shapes(ops::shapes::tags(&v.tenant.tags))),
        sending_status: Some(SENDING_STATUS.into()),
        suppression_attributes: suppression_shape(&v.tenant.suppression),
    }
}

fn paging(next_token: Option<String>, page_size: Option<i64>) -> Paging {
    Paging {
        next_token,
        page_size,
    }
}

pub fn create(api: &Api, c: &Call) -> Result<Response> {
    let b: CreateTenantBody = c.body()?;
    let name = b.tenant_name.unwrap_or_default();
    let sup = b
        .suppression_attributes
        .map(|s| ops::tenant::suppression(s.suppressed_reasons, s.suppression_scope))
        .transpose()?;
    let tags = tag_pairs(b.tags);
    let now = jiff::Timestamp::now();
    let v = api.write(|s| ops::tenant::create(s, &c.region, &name, &tags, sup, now))?;
    let t = tenant_shape(v);
    Ok(json(&CreateTenantResponse {
        tenant_name: t.tenant_name,
        tenant_id: t.tenant_id,
        tenant_arn: t.tenant_arn,
        created_timestamp: t.created_timestamp,
        tags: t.tags,
        sending_status: t.sending_status,
        suppression_attributes: t.suppression_attributes,
    }))
}

pub fn get(api: &Api, c: &Call) -> Result<Response> {
    let b: GetTenantBody = c.body()?;
    let name = b.tenant_name.unwrap_or_default();
    let v = api.read(|s| ops::tenant::get(s, &c.region, &name))?;
    Ok(json(&GetTenantResponse {
        tenant: Some(tenant_shape(v)),
    }))
}

pub fn list(api: &Api, c: &Call) -> Result<Response> {
    let b: ListTenantsBody = c.body()?;
    // SESv2's `ListTenantsFilterKey` has no values in its model: any key is unknown.
    filter(b.filter, &[])?;
    let p = paging(b.next_token, b.page_size);
    let (tenants, next) = api.read(|s| ops::tenant::list(s, &c.region, &p))?;
    Ok(json(&ListTenantsResponse {
        tenants: Some(
            tenants
                .into_iter()
                .map(|v| {
                    let t = tenant_shape(v);
                    TenantInfo {
                        tenant_name: t.tenant_name,
                        tenant_id: t.tenant_id,
                        tenant_arn: t.tenant_arn,
                        created_timestamp: t.created_timestamp,
                        sending_status: t.sending_status,
                    }
                })
                .collect(),
        ),
        next_token: next,
    }))
}

pub fn delete(api: &Api, c: &Call) -> Result<Response> {
    let b: DeleteTenantBody = c.body()?;
    let name = b.tenant_name.unwrap_or_default();
    api.write(|s| ops::tenant::delete(s, &c.region, &name))?;
    Ok(empty())
}

pub fn put_suppression(api: &Api, c: &Call) -> Result<Response> {
    let b: PutTenantSuppressionAttributesBody = c.body()?;
    let name = b.tenant_name.unwrap_or_default();
    let sup = ops::tenant::suppression(b.suppressed_reasons, b.suppression_scope)?;
    api.write(|s| ops::tenant::put_suppression(s, &c.region, &name, sup))?;
    Ok(empty())
}

pub fn associate(api: &Api, c: &Call) -> Result<Response> {
    let b: CreateTenantResourceAssociationBody = c.body()?;
    let (name, arn) = (
        b.tenant_name.unwrap_or_default(),
        b.resource_arn.unwrap_or_default(),
    );
    let now = jiff::Timestamp::now();
    api.write(|s| ops::tenant::associate(s, &c.region, &name, &arn, now))?;
    Ok(empty())
}

pub fn dissociate(api: &Api, c: &Call) -> Result<Response> {
    let b: DeleteTenantResourceAssociationBody = c.body()?;
    let (name, arn) = (
        b.tenant_name.unwrap_or_default(),
        b.resource_arn.unwrap_or_default(),
    );
    api.write(|s| ops::tenant::dissociate(s, &c.region, &name, &arn))?;
    Ok(empty())
}

pub fn resources(api: &Api, c: &Call) -> Result<Response> {
    let b: ListTenantResourcesBody = c.body()?;
    let name = b.tenant_name.unwrap_or_default();
    let f = filter(b.filter, &["RESOURCE_TYPE"])?;
    let only = f.get("RESOURCE_TYPE").cloned();
    if let Some(t) = &only
        && !RESOURCE_TYPES.iter().any(|(ty, _)| ty == t)
    {
        let allowed = RESOURCE_TYPES.map(|(t, _)| t);
        return Err(enum_error(t, "filter.RESOURCE_TYPE", &allowed));
    }
    let p = paging(b.next_token, b.page_size);
    let (items, next) =
        api.read(|s| ops::tenant::resources(s, &c.region, &name, only.as_deref(), &p))?;
    Ok(json(&ListTenantResourcesResponse {
        tenant_resources: Some(
            items
                .into_iter()
                .map(|(ty, arn)| TenantResource {
                    resource_type: Some(ty.into()),
                    resource_arn: Some(arn),
                })
                .collect(),
        ),
        next_token: next,
    }))
}

pub fn resource_tenants(api: &Api, c: &Call) -> Result<Response> {
    let b: ListResourceTenantsBody = c.body()?;
    let arn = b.resource_arn.unwrap_or_default();
    let p = paging(b.next_token, b.page_size);
    let (items, next) = api.read(|s| ops::tenant::resource_tenants(s, &c.region, &arn, &p))?;
    Ok(json(&ListResourceTenantsResponse {
        resource_tenants: Some(
            items
                .into_iter()
                .map(|(name, id, at)| ResourceTenantMetadata {
                    tenant_name: Some(name),
                    tenant_id: Some(id),
                    resource_arn: Some(arn.clone()),
                    associated_timestamp: Some(Epoch(at)),
                })
                .collect(),
        ),
        next_token: next,
    }))
}

#[cfg(test)]
mod tests {
    use super::super::testing::Door;
    use serde_json::json;

    const ARN: &str = "arn:aws:ses:us-east-1:123456789012:identity/example.com";

    #[test]
    fn a_tenant_is_created_read_listed_associated_and_deleted() {
        let door = Door::new();
        let body = json!({"TenantName": "acme", "Tags": [{"Key": "k", "Value": "v"}],
            "SuppressionAttributes": {"SuppressedReasons": ["BOUNCE"], "SuppressionScope": "TENANT"}});
        let (s, v) = door.call("POST", "/v2/email/tenants", &body.to_string());
        assert_eq!(s, 200, "{v}");
        assert_eq!(v["SendingStatus"], "ENABLED");
        assert!(
            v["TenantArn"]
                .as_str()
                .unwrap()
                .starts_with("arn:aws:ses:us-east-1:123456789012:tenant/acme/tn-")
        );
        let (_, got) = door.call("POST", "/v2/email/tenants/get", r#"{"TenantName":"acme"}"#);
        assert_eq!(got["Tenant"]["TenantId"], v["TenantId"]);
        assert_eq!(got["Tenant"]["Tags"], json!([{"Key": "k", "Value": "v"}]));
        assert_eq!(
            got["Tenant"]["SuppressionAttributes"],
            json!({"SuppressedReasons": ["BOUNCE"], "SuppressionScope": "TENANT"})
        );
        door.refused(
            "POST",
            "/v2/email/tenants",
            r#"{"TenantName":"acme"}"#,
            400,
            "AlreadyExistsException",
        );
        door.refused(
            "POST",
            "/v2/email/tenants",
            r#"{"TenantName":"a b"}"#,
            400,
            "BadRequestException",
        );
        door.refused(
            "POST",
            "/v2/email/tenants/get",
            r#"{"TenantName":"nope"}"#,
            404,
            "NotFoundException",
        );
        let (_, l) = door.call("POST", "/v2/email/tenants/list", "{}");
        assert_eq!(l["Tenants"][0]["TenantName"], "acme");
        assert!(l["Tenants"][0].get("Tags").is_none());
        let assoc = json!({"TenantName": "acme", "ResourceArn": ARN}).to_string();
        door.refused(
            "POST",
            "/v2/email/tenants/resources",
            &assoc,
            404,
            "NotFoundException",
        );
        door.call(
            "POST",
            "/v2/email/identities",
            r#"{"EmailIdentity":"example.com"}"#,
        );
        assert_eq!(
            door.call("POST", "/v2/email/tenants/resources", &assoc).0,
            200
        );
        door.refused(
            "POST",
            "/v2/email/tenants/resources",
            &assoc,
            400,
            "AlreadyExistsException",
        );
        let (_, r) = door.call(
            "POST",
            "/v2/email/tenants/resources/list",
            r#"{"TenantName":"acme"}"#,
        );
        assert_eq!(
            r["TenantResources"],
            json!([{"ResourceType": "EMAIL_IDENTITY", "ResourceArn": ARN}])
        );
        let f = r#"{"TenantName":"acme","Filter":{"RESOURCE_TYPE":"EMAIL_TEMPLATE"}}"#;
        let (_, r) = door.call("POST", "/v2/email/tenants/resources/list", f);
        assert_eq!(r["TenantResources"], json!([]));
        let bad = r#"{"TenantName":"acme","Filter":{"RESOURCE_TYPE":"POOL"}}"#;
        door.refused(
            "POST",
            "/v2/email/tenants/resources/list",
            bad,
            400,
            "BadRequestException",
        );
        let (_, rt) = door.call(
            "POST",
            "/v2/email/resources/tenants/list",
            &json!({"ResourceArn": ARN}).to_string(),
        );
        assert_eq!(rt["ResourceTenants"][0]["TenantName"], "acme");
        assert_eq!(rt["ResourceTenants"][0]["TenantId"], v["TenantId"]);
        let sup = r#"{"TenantName":"acme","SuppressionScope":"GLOBAL"}"#;
        door.refused(
            "POST",
            "/v2/email/tenant/suppression",
            sup,
            400,
            "BadRequestException",
        );
        let sup = r#"{"TenantName":"acme","SuppressedReasons":["COMPLAINT"],"SuppressionScope":"ACCOUNT"}"#;
        assert_eq!(
            door.call("POST", "/v2/email/tenant/suppression", sup).0,
            200
        );
        assert_eq!(
            door.call("POST", "/v2/email/tenants/resources/delete", &assoc)
                .0,
            200
        );
        door.refused(
            "POST",
            "/v2/email/tenants/resources/delete",
            &assoc,
            404,
            "NotFoundException",
        );
        assert_eq!(
            door.call(
                "POST",
                "/v2/email/tenants/delete",
                r#"{"TenantName":"acme"}"#
            )
            .0,
            200
        );
        door.refused(
            "POST",
            "/v2/email/tenants/delete",
            r#"{"TenantName":"acme"}"#,
            404,
            "NotFoundException",
        );
    }
}
