//! Multi-region endpoints: CreateMultiRegionEndpoint, GetMultiRegionEndpoint,
//! ListMultiRegionEndpoints, DeleteMultiRegionEndpoint.

use super::shapes::{
    CreateMultiRegionEndpointBody, CreateMultiRegionEndpointResponse,
    DeleteMultiRegionEndpointResponse, GetMultiRegionEndpointResponse,
    ListMultiRegionEndpointsResponse, MultiRegionEndpoint, Route,
};
use super::wire::Epoch;
use super::{Call, tag_pairs};
use crate::error::Result;
use crate::ops;
use crate::server::api::Api;
use crate::server::http::{Response, json};

/// SES answers a create with CREATING and provisions the endpoint; sesm's is ready at once,
/// so every later read says READY.
const READY: &str = "READY";

pub fn create(api: &Api, c: &Call) -> Result<Response> {
    let b: CreateMultiRegionEndpointBody = c.body()?;
    let name = b.endpoint_name.unwrap_or_default();
    let routes: Vec<String> = b
        .details
        .and_then(|d| d.routes_details)
        .unwrap_or_default()
        .into_iter()
        .map(|r| r.region.unwrap_or_default())
        .collect();
    let tags = tag_pairs(b.tags);
    let now = jiff::Timestamp::now();
    let id = api.write(|s| ops::multi_region::create(s, &c.region, &name, &routes, &tags, now))?;
    Ok(json(&CreateMultiRegionEndpointResponse {
        status: Some("CREATING".into()),
        endpoint_id: Some(id),
    }))
}

pub fn get(api: &Api, c: &Call) -> Result<Response> {
    let name = c.label("EndpointName");
    let v = api.read(|s| ops::multi_region::get(s, &c.region, &name))?;
    Ok(json(&GetMultiRegionEndpointResponse {
        endpoint_name: Some(v.name.clone()),
        endpoint_id: Some(v.endpoint.id.clone()),
        routes: Some(
            v.regions()
                .into_iter()
                .map(|r| Route { region: Some(r) })
                .collect(),
        ),
        status: Some(READY.into()),
        created_timestamp: Some(Epoch(v.endpoint.created)),
        last_updated_timestamp: Some(Epoch(v.endpoint.created)),
    }))
}

pub fn list(api: &Api, c: &Call) -> Result<Response> {
    let paging = c.query_paging()?;
    let (items, next) = api.read(|s| ops::multi_region::list(s, &c.region, &paging))?;
    Ok(json(&ListMultiRegionEndpointsResponse {
        multi_region_endpoints: Some(
            items
                .into_iter()
                .map(|v| MultiRegionEndpoint {
                    endpoint_name: Some(v.name.clone()),
                    status: Some(READY.into()),
                    endpoint_id: Some(v.endpoint.id.clone()),
                    regions: Some(v.regions().to_vec()),
                    created_timestamp: Some(Epoch(v.endpoint.created)),
                    last_updated_timestamp: Some(Epoch(v.endpoint.created)),
                })
                .collect(),
        ),
        next_token: next,
    }))
}

pub fn delete(api: &Api, c: &Call) -> Result<Response> {
    let name = c.label("EndpointName");
    api.write(|s| ops::multi_region::delete(s, &c.region, &name))?;
    Ok(json(&DeleteMultiRegionEndpointResponse {
        status: Some("DELETING".into()),
    }))
}

#[cfg(test)]
mod tests {
    use super::super::testing::Door;
    use serde_json::json;

    #[test]
    fn an_endpoint_routes_to_two_regions_and_is_deleted() {
        let door = Door::new();
        let body = json!({"EndpointName": "global", "Details": {"RoutesDetails": [{"Region": "us-west-2"}]}});
        let (s, v) = door.call(
            "POST",
            "/v2/email/multi-region-endpoints",
            &body.to_string(),
        );
        assert_eq!((s, v["Status"].as_str()), (200, Some("CREATING")), "{v}");
        let id = v["EndpointId"].as_str().unwrap().to_string();
        let (_, g) = door.call("GET", "/v2/email/multi-region-endpoints/global", "");
        assert_eq!(g["EndpointId"], id.as_str());
        assert_eq!(
            g["Routes"],
            json!([{"Region": "us-east-1"}, {"Region": "us-west-2"}])
        );
        assert_eq!(g["Status"], "READY");
        let (_, l) = door.call("GET", "/v2/email/multi-region-endpoints", "");
        assert_eq!(
            l["MultiRegionEndpoints"][0]["Regions"],
            json!(["us-east-1", "us-west-2"])
        );
        door.refused(
            "POST",
            "/v2/email/multi-region-endpoints",
            &body.to_string(),
            400,
            "AlreadyExistsException",
        );
        let same =
            json!({"EndpointName": "x", "Details": {"RoutesDetails": [{"Region": "us-east-1"}]}});
        door.refused(
            "POST",
            "/v2/email/multi-region-endpoints",
            &same.to_string(),
            400,
            "BadRequestException",
        );
        let none = json!({"EndpointName": "x", "Details": {"RoutesDetails": []}});
        door.refused(
            "POST",
            "/v2/email/multi-region-endpoints",
            &none.to_string(),
            400,
            "BadRequestException",
        );
        door.refused(
            "GET",
            "/v2/email/multi-region-endpoints/nope",
            "",
            404,
            "NotFoundException",
        );
        let (s, d) = door.call("DELETE", "/v2/email/multi-region-endpoints/global", "");
        assert_eq!((s, d["Status"].as_str()), (200, Some("DELETING")));
        door.refused(
            "DELETE",
            "/v2/email/multi-region-endpoints/global",
            "",
            404,
            "NotFoundException",
        );
    }
}
