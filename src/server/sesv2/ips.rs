//! Dedicated IPs: GetDedicatedIp, GetDedicatedIps, PutDedicatedIpInPool,
//! PutDedicatedIpWarmupAttributes.

use super::shapes::{
    DedicatedIp, GetDedicatedIpResponse, GetDedicatedIpsResponse, PutDedicatedIpInPoolBody,
    PutDedicatedIpWarmupAttributesBody,
};
use super::{Call, empty, spelled};
use crate::error::Result;
use crate::ops;
use crate::ops::shapes::DedicatedIpView;
use crate::server::api::Api;
use crate::server::http::{Response, json};

fn shape(v: DedicatedIpView) -> DedicatedIp {
    DedicatedIp {
        ip: Some(v.ip),
        warmup_status: Some(spelled(&v.warmup_status)),
        warmup_percentage: Some(v.warmup_percentage.into()),
        pool_name: Some(v.pool_name),
    }
}

pub fn get(api: &Api, c: &Call) -> Result<Response> {
    let ip = api.read(|s| ops::ip::get(s, &c.region, &c.label("IP")))?;
    Ok(json(&GetDedicatedIpResponse {
        dedicated_ip: Some(shape(ip.dedicated_ip)),
    }))
}

pub fn list(api: &Api, c: &Call) -> Result<Response> {
    let paging = c.query_paging()?;
    let pool = c.query.get("PoolName").map(str::to_string);
    let l = api.read(|s| ops::ip::list(s, &c.region, pool.as_deref(), &paging))?;
    Ok(json(&GetDedicatedIpsResponse {
        dedicated_ips: Some(l.dedicated_ips.into_iter().map(shape).collect()),
        next_token: l.next_token,
    }))
}

pub fn put_in_pool(api: &Api, c: &Call) -> Result<Response> {
    let b: PutDedicatedIpInPoolBody = c.body()?;
    let to = b.destination_pool_name.unwrap_or_default();
    api.write(|s| ops::ip::move_to(s, &c.region, &c.label("IP"), &to))?;
    Ok(empty())
}

pub fn put_warmup_attributes(api: &Api, c: &Call) -> Result<Response> {
    let b: PutDedicatedIpWarmupAttributesBody = c.body()?;
    let percent = b.warmup_percentage.unwrap_or_default();
    api.write(|s| ops::ip::set_warmup(s, &c.region, &c.label("IP"), percent))?;
    Ok(empty())
}

#[cfg(test)]
mod tests {
    use super::super::testing::Door;

    #[test]
    fn leased_ips_are_read_moved_and_warmed() {
        let door = Door::new();
        door.api
            .write(|s| crate::ops::ip::lease(s, "us-east-1", 2, None))
            .unwrap();
        let (s, v) = door.call("GET", "/v2/email/dedicated-ips", "");
        assert_eq!(s, 200);
        let ips = v["DedicatedIps"].as_array().unwrap();
        assert_eq!(ips.len(), 2);
        let ip = ips[0]["Ip"].as_str().unwrap().to_string();
        assert_eq!(ips[0]["WarmupStatus"], "IN_PROGRESS");
        assert_eq!(ips[0]["PoolName"], "ses-default-dedicated-pool");
        assert_eq!(
            door.call(
                "POST",
                "/v2/email/dedicated-ip-pools",
                r#"{"PoolName":"p"}"#
            )
            .0,
            200
        );
        let path = format!("/v2/email/dedicated-ips/{ip}/pool");
        assert_eq!(
            door.call("PUT", &path, r#"{"DestinationPoolName":"p"}"#).0,
            200
        );
        let path = format!("/v2/email/dedicated-ips/{ip}/warmup");
        assert_eq!(
            door.call("PUT", &path, r#"{"WarmupPercentage":100}"#).0,
            200
        );
        let (_, v) = door.call("GET", &format!("/v2/email/dedicated-ips/{ip}"), "");
        assert_eq!(
            v["DedicatedIp"],
            serde_json::json!({"Ip": ip, "WarmupStatus": "DONE", "WarmupPercentage": 100, "PoolName": "p"})
        );
        let (_, v) = door.call("GET", "/v2/email/dedicated-ips?PoolName=p", "");
        assert_eq!(v["DedicatedIps"].as_array().unwrap().len(), 1);
        door.refused(
            "GET",
            "/v2/email/dedicated-ips/192.0.2.1",
            "",
            404,
            "NotFoundException",
        );
        let path = format!("/v2/email/dedicated-ips/{ip}/pool");
        door.refused(
            "PUT",
            &path,
            r#"{"DestinationPoolName":"nope"}"#,
            404,
            "NotFoundException",
        );
        door.refused(
            "GET",
            "/v2/email/dedicated-ips?PageSize=x",
            "",
            400,
            "BadRequestException",
        );
    }
}
