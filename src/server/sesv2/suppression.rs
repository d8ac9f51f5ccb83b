//! The account-level suppression list: PutSuppressedDestination, GetSuppressedDestination,
//! ListSuppressedDestinations, DeleteSuppressedDestination, PutAccountSuppressionAttributes.

use super::shapes::{
    GetSuppressedDestinationResponse, ListSuppressedDestinationsResponse,
    PutAccountSuppressionAttributesBody, PutSuppressedDestinationBody, SuppressedDestination,
    SuppressedDestinationAttributes, SuppressedDestinationSummary,
};
use super::wire::Epoch;
use super::{Call, empty, spelled};
use crate::error::{Error, Result};
use crate::ops;
use crate::server::api::Api;
use crate::server::http::{Response, json};

pub fn put(api: &Api, c: &Call) -> Result<Response> {
    let b: PutSuppressedDestinationBody = c.body()?;
    let address = b.email_address.unwrap_or_default();
    let reason = b.reason.unwrap_or_default();
    let now = jiff::Timestamp::now();
    api.write(|s| ops::suppression::put(s, &c.region, &address, &reason, now))?;
    Ok(empty())
}

pub fn get(api: &Api, c: &Call) -> Result<Response> {
    let e = api.read(|s| ops::suppression::get(s, &c.region, &c.label("EmailAddress")))?;
    let attributes = (e.message_id.is_some() || e.feedback_id.is_some()).then(|| {
        SuppressedDestinationAttributes {
            message_id: e.message_id.clone(),
            feedback_id: e.feedback_id.clone(),
        }
    });
    Ok(json(&GetSuppressedDestinationResponse {
        suppressed_destination: Some(SuppressedDestination {
            email_address: Some(e.email_address),
            reason: Some(spelled(&e.reason)),
            last_update_time: Some(Epoch(e.last_update_time)),
            attributes,
            tenant_name: None,
        }),
    }))
}

pub fn list(api: &Api, c: &Call) -> Result<Response> {
    let paging = c.query_paging()?;
    let filter = ops::suppression::ListFilter {
        reasons: ops::suppression::parse_reasons(&c.query.all("Reason"), "reasons")?,
        start: c.query.get("StartDate").map(timestamp).transpose()?,
        end: c.query.get("EndDate").map(timestamp).transpose()?,
    };
    let l = api.read(|s| ops::suppression::list(s, &c.region, &filter, &paging))?;
    let items = l
        .suppressed_destination_summaries
        .into_iter()
        .map(|e| SuppressedDestinationSummary {
            email_address: Some(e.email_address),
            reason: Some(spelled(&e.reason)),
            last_update_time: Some(Epoch(e.last_update_time)),
        })
        .collect();
    Ok(json(&ListSuppressedDestinationsResponse {
        suppressed_destination_summaries: Some(items),
        next_token: l.next_token,
    }))
}

pub fn delete(api: &Api, c: &Call) -> Result<Response> {
    let address = c.label("EmailAddress");
    api.write(|s| ops::suppression::delete(s, &c.region, &address))?;
    Ok(empty())
}

pub fn put_account_attributes(api: &Api, c: &Call) -> Result<Response> {
    let b: PutAccountSuppressionAttributesBody = c.body()?;
    // Absent reasons are none: the account suppresses nothing automatically.
    let reasons = b.suppressed_reasons.unwrap_or_default();
    api.write(|s| ops::suppression::put_attributes(s, &c.region, &reasons))?;
    Ok(empty())
}

/// A timestamp of a query string: ISO 8601 as botocore and the Go SDK send it, or epoch
/// seconds.
fn timestamp(text: &str) -> Result<jiff::Timestamp> {
    if let Ok(t) = text.parse::<jiff::Timestamp>() {
        return Ok(t);
    }
    text.parse::<f64>()
        .ok()
        .filter(|s| s.is_finite())
        .and_then(|s| jiff::Timestamp::from_millisecond((s * 1000.0) as i64).ok())
        .ok_or_else(|| {
            Error::bad_request(format!(
                "Invalid timestamp '{text}': use ISO 8601 (2026-11-30T10:00:00Z) or epoch seconds."
            ))
        })
}

#[cfg(test)]
mod tests {
    use super::super::testing::Door;
    use serde_json::json;

    const LIST: &str = "/v2/email/suppression/addresses";

    #[test]
    fn addresses_are_suppressed_listed_filtered_and_removed() {
        let door = Door::new();
        let body = json!({"EmailAddress": "a@example.com", "Reason": "BOUNCE"});
        assert_eq!(door.call("PUT", LIST, &body.to_string()).0, 200);
        let (_, v) = door.call("GET", &format!("{LIST}/a%40example.com"), "");
        assert_eq!(v["SuppressedDestination"]["Reason"], "BOUNCE");
        assert!(v["SuppressedDestination"]["LastUpdateTime"].is_number());
        assert!(v["SuppressedDestination"].get("Attributes").is_none());
        let (_, v) = door.call("GET", &format!("{LIST}?Reason=COMPLAINT"), "");
        assert_eq!(v, json!({"SuppressedDestinationSummaries": []}));
        let (_, v) = door.call("GET", &format!("{LIST}?StartDate=2000-01-01T00:00:00Z"), "");
        assert_eq!(
            v["SuppressedDestinationSummaries"]
                .as_array()
                .unwrap()
                .len(),
            1
        );
        door.refused(
            "GET",
            &format!("{LIST}?StartDate=yesterday"),
            "",
            400,
            "BadRequestException",
        );
        assert_eq!(
            door.call("DELETE", &format!("{LIST}/a%40example.com"), "")
                .0,
            200
        );
        door.refused(
            "GET",
            &format!("{LIST}/a%40example.com"),
            "",
            404,
            "NotFoundException",
        );
        let bad = json!({"EmailAddress": "a@example.com", "Reason": "SPAM"});
        door.refused("PUT", LIST, &bad.to_string(), 400, "BadRequestException");
        let attrs = json!({"SuppressedReasons": ["BOUNCE"]}).to_string();
        assert_eq!(
            door.call("PUT", "/v2/email/account/suppression", &attrs).0,
            200
        );
        let (_, v) = door.call("GET", "/v2/email/account", "");
        assert_eq!(
            v["SuppressionAttributes"]["SuppressedReasons"],
            json!(["BOUNCE"])
        );
    }
}
