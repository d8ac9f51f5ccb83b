//! Dedicated IP pools: CreateDedicatedIpPool, DeleteDedicatedIpPool, GetDedicatedIpPool,
//! ListDedicatedIpPools, PutDedicatedIpPoolScalingAttributes.

use super::shapes::{
    CreateDedicatedIpPoolBody, DedicatedIpPool, GetDedicatedIpPoolResponse,
    ListDedicatedIpPoolsResponse, PutDedicatedIpPoolScalingAttributesBody,
};
use super::{Call, empty, tag_pairs};
use crate::error::Result;
use crate::model::ScalingMode;
use crate::ops;
use crate::server::api::Api;
use crate::server::http::{Response, json};

pub fn create(api: &Api, c: &Call) -> Result<Response> {
    let b: CreateDedicatedIpPoolBody = c.body()?;
    let req = ops::pool::NewPool {
        name: b.pool_name.unwrap_or_default(),
        mode: match b.scaling_mode {
            Some(m) => m.parse()?,
            None => ScalingMode::Standard,
        },
        config_sets: Vec::new(),
        tags: tag_pairs(b.tags),
    };
    api.write(|s| ops::pool::create(s, &c.region, req))?;
    Ok(empty())
}

pub fn delete(api: &Api, c: &Call) -> Result<Response> {
    api.write(|s| ops::pool::delete(s, &c.region, &c.label("PoolName")))?;
    Ok(empty())
}

pub fn get(api: &Api, c: &Call) -> Result<Response> {
    let p = api.read(|s| ops::pool::get(s, &c.region, &c.label("PoolName")))?;
    Ok(json(&GetDedicatedIpPoolResponse {
        dedicated_ip_pool: Some(DedicatedIpPool {
            pool_name: Some(p.dedicated_ip_pool.pool_name),
            scaling_mode: Some(p.dedicated_ip_pool.scaling_mode.as_str().to_string()),
        }),
    }))
}

pub fn list(api: &Api, c: &Call) -> Result<Response> {
    let paging = c.query_paging()?;
    let l = api.read(|s| ops::pool::list(s, &c.region, &paging))?;
    Ok(json(&ListDedicatedIpPoolsResponse {
        dedicated_ip_pools: Some(l.dedicated_ip_pools),
        next_token: l.next_token,
    }))
}

pub fn put_scaling_attributes(api: &Api, c: &Call) -> Result<Response> {
    let b: PutDedicatedIpPoolScalingAttributesBody = c.body()?;
    let mode: ScalingMode = b.scaling_mode.unwrap_or_default().parse()?;
    let name = c.label("PoolName");
    api.write(|s| ops::pool::set_scaling_mode(s, &c.region, &name, mode))?;
    Ok(empty())
}

#[cfg(test)]
mod tests {
    use super::super::testing::Door;

    #[test]
    fn a_pool_is_created_read_listed_converted_and_deleted() {
        let door = Door::new();
        let body = r#"{"PoolName":"p1","ScalingMode":"STANDARD","Tags":[{"Key":"k","Value":"v"}]}"#;
        assert_eq!(
            door.call("POST", "/v2/email/dedicated-ip-pools", body).0,
            200
        );
        let (s, v) = door.call("GET", "/v2/email/dedicated-ip-pools/p1", "");
        assert_eq!(s, 200);
        assert_eq!(
            v,
            serde_json::json!({"DedicatedIpPool": {"PoolName": "p1", "ScalingMode": "STANDARD"}})
        );
        let (_, v) = door.call("GET", "/v2/email/dedicated-ip-pools", "");
        assert_eq!(v, serde_json::json!({"DedicatedIpPools": ["p1"]}));
        let put = r#"{"ScalingMode":"MANAGED"}"#;
        let path = "/v2/email/dedicated-ip-pools/p1/scaling";
        assert_eq!(door.call("PUT", path, put).0, 200);
        let (_, v) = door.call("GET", "/v2/email/dedicated-ip-pools/p1", "");
        assert_eq!(v["DedicatedIpPool"]["ScalingMode"], "MANAGED");
        assert_eq!(
            door.call("DELETE", "/v2/email/dedicated-ip-pools/p1", "").0,
            200
        );
        door.refused(
            "GET",
            "/v2/email/dedicated-ip-pools/p1",
            "",
            404,
            "NotFoundException",
        );
    }

    #[test]
    fn refusals_change_nothing() {
        let door = Door::new();
        let body = r#"{"PoolName":"p1"}"#;
        assert_eq!(
            door.call("POST", "/v2/email/dedicated-ip-pools", body).0,
            200
        );
        let m = door.refused(
            "POST",
            "/v2/email/dedicated-ip-pools",
            body,
            400,
            "AlreadyExistsException",
        );
        assert!(m.contains("p1"), "{m}");
        door.refused(
            "POST",
            "/v2/email/dedicated-ip-pools",
            "{}",
            400,
            "BadRequestException",
        );
        let bad = r#"{"PoolName":"p2","ScalingMode":"SOMETIMES"}"#;
        door.refused(
            "POST",
            "/v2/email/dedicated-ip-pools",
            bad,
            400,
            "BadRequestException",
        );
        let back = r#"{"ScalingMode":"MANAGED"}"#;
        assert_eq!(
            door.call("PUT", "/v2/email/dedicated-ip-pools/p1/scaling", back)
                .0,
            200
        );
        let down = r#"{"ScalingMode":"STANDARD"}"#;
        door.refused(
            "PUT",
            "/v2/email/dedicated-ip-pools/p1/scaling",
            down,
            400,
            "BadRequestException",
        );
    }
}
