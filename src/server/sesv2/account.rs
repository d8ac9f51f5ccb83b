//! The account of a region: GetAccount, PutAccountDedicatedIpWarmupAttributes,
//! PutAccountSendingAttributes.

use super::shapes::{
    GetAccountResponse, PutAccountDedicatedIpWarmupAttributesBody, PutAccountSendingAttributesBody,
    SendQuota, SuppressionAttributes,
};
use super::{Call, empty, spelled};
use crate::error::Result;
use crate::ops;
use crate::server::api::Api;
use crate::server::http::{Response, json};

pub fn get(api: &Api, c: &Call) -> Result<Response> {
    let (a, suppression, vdm, settings) = api.read(|s| {
        Ok((
            ops::account::get(s, &c.region)?,
            ops::suppression::attributes(s, &c.region),
            ops::vdm::attributes(s, &c.region),
            ops::account_settings::view(s, &c.region),
        ))
    })?;
    let quota = api.send_quota(&c.region)?;
    let r = GetAccountResponse {
        dedicated_ip_auto_warmup_enabled: Some(a.dedicated_ip_auto_warmup_enabled),
        enforcement_status: Some("HEALTHY".into()),
        production_access_enabled: Some(true),
        sending_enabled: Some(a.sending_enabled),
        send_quota: Some(SendQuota {
            max24_hour_send: Some(quota.max_24_hour_send),
            max_send_rate: Some(quota.max_send_rate),
            sent_last24_hours: Some(quota.sent_last_24_hours),
        }),
        suppression_attributes: Some(SuppressionAttributes {
            suppressed_reasons: Some(suppression.suppressed_reasons.iter().map(spelled).collect()),
            validation_attributes: None,
        }),
        vdm_attributes: Some(super::vdm::attributes_shape(&vdm)),
        ..Default::default()
    };
    Ok(json(&super::account_settings::settings_of(r, settings)))
}

pub fn put_dedicated_ip_warmup(api: &Api, c: &Call) -> Result<Response> {
    let b: PutAccountDedicatedIpWarmupAttributesBody = c.body()?;
    let enabled = b.auto_warmup_enabled.unwrap_or(false);
    api.write(|s| ops::account::set_auto_warmup(s, &c.region, enabled))?;
    Ok(empty())
}

pub fn put_sending(api: &Api, c: &Call) -> Result<Response> {
    let b: PutAccountSendingAttributesBody = c.body()?;
    // An absent SendingEnabled is false, as an absent boolean is in AWS APIs.
    let enabled = b.sending_enabled.unwrap_or(false);
    api.write(|s| ops::account::set_sending(s, &c.region, enabled))?;
    Ok(empty())
}

#[cfg(test)]
mod tests {
    use super::super::testing::Door;
    use serde_json::json;

    #[test]
    fn the_account_pauses_and_resumes_and_reports_its_quota() {
        let door = Door::new();
        let (s, v) = door.call("GET", "/v2/email/account", "");
        assert_eq!(s, 200);
        assert_eq!(v["SendingEnabled"], true);
        assert_eq!(v["ProductionAccessEnabled"], true);
        assert_eq!(v["EnforcementStatus"], "HEALTHY");
        assert_eq!(v["SendQuota"]["SentLast24Hours"], 0.0);
        assert_eq!(
            v["SuppressionAttributes"],
            json!({"SuppressedReasons": ["BOUNCE", "COMPLAINT"]})
        );
        assert_eq!(door.call("PUT", "/v2/email/account/sending", "{}").0, 200);
        let (_, v) = door.call("GET", "/v2/email/account", "");
        assert_eq!(v["SendingEnabled"], false);
        let body = json!({"AutoWarmupEnabled": true}).to_string();
        assert_eq!(
            door.call("PUT", "/v2/email/account/dedicated-ips/warmup", &body)
                .0,
            200
        );
        let (_, v) = door.call("GET", "/v2/email/account", "");
        assert_eq!(v["DedicatedIpAutoWarmupEnabled"], true);
        door.refused(
            "PUT",
            "/v2/email/account/sending",
            r#"{"SendingEnabled":"yes"}"#,
            400,
            "BadRequestException",
        );
    }
}
