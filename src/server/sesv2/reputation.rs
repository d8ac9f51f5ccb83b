//! ListRecommendations and reputation entities (the region's identities and configuration
//! sets, by ARN).

use super::Call;
use super::shapes::{
    GetReputationEntityResponse, ListRecommendationsBody, ListRecommendationsResponse,
    ListReputationEntitiesBody, ListReputationEntitiesResponse, Recommendation, ReputationEntity,
    StatusRecord, UpdateReputationEntityCustomerManagedStatusBody,
    UpdateReputationEntityPolicyBody,
};
use super::wire::Epoch;
use crate::error::Result;
use crate::ops;
use crate::ops::reputation::EntityView;
use crate::server::api::Api;
use crate::server::http::{Response, json};

const RECOMMENDATION_FILTERS: [&str; 4] = ["TYPE", "IMPACT", "STATUS", "RESOURCE_ARN"];
const ENTITY_FILTERS: [&str; 4] = [
    "ENTITY_TYPE",
    "REPUTATION_IMPACT",
    "SENDING_STATUS",
    "ENTITY_REFERENCE_PREFIX",
];

pub fn list_recommendations(api: &Api, c: &Call) -> Result<Response> {
    let b: ListRecommendationsBody = c.body()?;
    let filter = super::filter(b.filter, &RECOMMENDATION_FILTERS)?;
    let paging = ops::Paging {
        next_token: b.next_token,
        page_size: b.page_size,
    };
    let (items, next) =
        api.read(|s| ops::reputation::recommendations(s, &c.region, &filter, &paging))?;
    Ok(json(&ListRecommendationsResponse {
        recommendations: Some(
            items
                .into_iter()
                .map(|r| Recommendation {
                    resource_arn: Some(r.resource_arn),
                    r#type: Some(r.kind.to_string()),
                    description: Some(r.description),
                    status: Some(r.status.to_string()),
                    created_timestamp: Some(Epoch(r.created)),
                    last_updated_timestamp: Some(Epoch(r.created)),
                    impact: Some(r.impact.to_string()),
                })
                .collect(),
        ),
        next_token: next,
    }))
}

fn entity_shape(v: EntityView) -> ReputationEntity {
    ReputationEntity {
        reputation_entity_reference: Some(v.reference),
        reputation_entity_type: Some("RESOURCE".to_string()),
        reputation_management_policy: Some(v.policy_arn),
        customer_managed_status: Some(StatusRecord {
            status: Some(v.customer_status),
            cause: None,
            last_updated_timestamp: v.customer_updated.map(Epoch),
        }),
        aws_ses_managed_status: Some(StatusRecord {
            status: Some(v.ses_status.to_string()),
            cause: v.ses_cause,
            last_updated_timestamp: None,
        }),
        sending_status_aggregate: Some(v.aggregate.to_string()),
        reputation_impact: v.impact.map(str::to_string),
    }
}

/// The entity a path names: its type and reference (an ARN).
fn entity(c: &Call) -> (String, String) {
    (
        c.label("ReputationEntityType"),
        c.label("ReputationEntityReference"),
    )
}

pub fn get_entity(api: &Api, c: &Call) -> Result<Response> {
    let (t, reference) = entity(c);
    let v = api.read(|s| ops::reputation::get_entity(s, &c.region, &t, &reference))?;
    Ok(json(&GetReputationEntityResponse {
        reputation_entity: Some(entity_shape(v)),
    }))
}

pub fn list_entities(api: &Api, c: &Call) -> Result<Response> {
    let b: ListReputationEntitiesBody = c.body()?;
    let filter = super::filter(b.filter, &ENTITY_FILTERS)?;
    let paging = ops::Paging {
        next_token: b.next_token,
        page_size: b.page_size,
    };
    let (items, next) =
        api.read(|s| ops::reputation::list_entities(s, &c.region, &filter, &paging))?;
    Ok(json(&ListReputationEntitiesResponse {
        reputation_entities: Some(items.into_iter().map(entity_shape).collect()),
        next_token: next,
    }))
}

pub fn update_status(api: &Api, c: &Call) -> Result<Response> {
    let b: UpdateReputationEntityCustomerManagedStatusBody = c.body()?;
    let (t, reference) = entity(c);
    let status = b.sending_status.unwrap_or_default();
    let now = jiff::Timestamp::now();
    api.write(|s| ops::reputation::update_status(s, &c.region, &t, &reference, &status, now))?;
    Ok(super::empty())
}

pub fn update_policy(api: &Api, c: &Call) -> Result<Response> {
    let b: UpdateReputationEntityPolicyBody = c.body()?;
    let (t, reference) = entity(c);
    let policy = b.reputation_entity_policy.unwrap_or_default();
    api.write(|s| ops::reputation::update_policy(s, &c.region, &t, &reference, &policy))?;
    Ok(super::empty())
}

#[cfg(test)]
mod tests {
    use super::super::testing::Door;
    use serde_json::{Value, json};

    fn ok(door: &Door, method: &str, path: &str, body: Value) -> Value {
        let (s, v) = door.call(method, path, &body.to_string());
        assert_eq!(s, 200, "{method} {path}: {v}");
        v
    }

    const ARN: &str = "arn:aws:ses:us-east-1:123456789012:identity/example.com";
    const ENTITY: &str = "/v2/email/reputation/entities/RESOURCE/arn%3Aaws%3Ases%3Aus-east-1%3A123456789012%3Aidentity%2Fexample.com";

    #[test]
    fn recommendations_name_the_gaps_sesm_sees() {
        let door = Door::new();
        ok(
            &door,
            "POST",
            "/v2/email/identities",
            json!({"EmailIdentity": "example.com"}),
        );
        ok(
            &door,
            "POST",
            "/v2/email/identities",
            json!({"EmailIdentity": "signed.com"}),
        );
        ok(
            &door,
            "PUT",
            "/v2/email/identities/example.com/dkim",
            json!({"SigningEnabled": false}),
        );
        let v = ok(&door, "POST", "/v2/email/vdm/recommendations", json!({}));
        let found: Vec<(String, String, String)> = v["Recommendations"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                (
                    r["ResourceArn"]
                        .as_str()
                        .unwrap()
                        .rsplit('/')
                        .next()
                        .unwrap()
                        .to_string(),
                    r["Type"].as_str().unwrap().to_string(),
                    r["Impact"].as_str().unwrap().to_string(),
                )
            })
            .collect();
        let want = |d: &str, t: &str, i: &str| (d.to_string(), t.to_string(), i.to_string());
        assert_eq!(
            found,
            [
                want("example.com", "DKIM", "HIGH"),
                want("example.com", "SPF", "LOW"),
                want("example.com", "DMARC", "HIGH"),
                want("signed.com", "SPF", "LOW")
            ],
            "{v}"
        );
        assert_eq!(v["Recommendations"][0]["Status"], "OPEN");
        assert_eq!(v["Recommendations"][0]["ResourceArn"], ARN);
        let v = ok(
            &door,
            "POST",
            "/v2/email/vdm/recommendations",
            json!({"Filter": {"STATUS": "OPEN", "IMPACT": "HIGH"}, "PageSize": 1}),
        );
        assert_eq!(v["Recommendations"].as_array().unwrap().len(), 1);
        assert!(v["NextToken"].is_string(), "{v}");
        let v = ok(
            &door,
            "POST",
            "/v2/email/vdm/recommendations",
            json!({"Filter": {"TYPE": "SPF"}}),
        );
        assert_eq!(v["Recommendations"].as_array().unwrap().len(), 2);
        for bad in [
            json!({"Filter": {"TYPE": "SPF", "IMPACT": "LOW"}}),
            json!({"Filter": {"TYPE": "NOPE"}}),
            json!({"Filter": {"OTHER": "x"}}),
            json!({"PageSize": 101}),
        ] {
            door.refused(
                "POST",
                "/v2/email/vdm/recommendations",
                &bad.to_string(),
                400,
                "BadRequestException",
            );
        }
    }

    #[test]
    fn entities_take_a_status_and_a_policy_and_a_disabled_one_does_not_send() {
        let door = Door::new();
        ok(
            &door,
            "POST",
            "/v2/email/identities",
            json!({"EmailIdentity": "example.com"}),
        );
        ok(
            &door,
            "POST",
            "/v2/email/configuration-sets",
            json!({"ConfigurationSetName": "cs"}),
        );
        let v = ok(&door, "GET", ENTITY, json!({}));
        let e = &v["ReputationEntity"];
        assert_eq!(e["ReputationEntityReference"], ARN);
        assert_eq!(
            e["ReputationManagementPolicy"],
            "arn:aws:ses:us-east-1:aws:reputation-policy/standard"
        );
        assert_eq!(
            (
                e["SendingStatusAggregate"].as_str(),
                e["ReputationImpact"].as_str()
            ),
            (Some("ENABLED"), Some("LOW")),
            "{e}"
        );
        let v = ok(&door, "POST", "/v2/email/reputation/entities", json!({}));
        assert_eq!(v["ReputationEntities"].as_array().unwrap().len(), 2, "{v}");
        let v = ok(
            &door,
            "POST",
            "/v2/email/reputation/entities",
            json!({"Filter": {"ENTITY_REFERENCE_PREFIX": "arn:aws:ses:us-east-1:123456789012:configuration-set/"}}),
        );
        assert_eq!(
            v["ReputationEntities"][0]["ReputationEntityReference"],
            "arn:aws:ses:us-east-1:123456789012:configuration-set/cs"
        );

        let send = json!({"FromEmailAddress": "a@example.com", "Destination": {"ToAddresses": ["x@example.com"]}, "Content": {"Simple": {"Subject": {"Data": "s"}, "Body": {"Text": {"Data": "b"}}}}}).to_string();
        ok(
            &door,
            "PUT",
            &format!("{ENTITY}/customer-managed-status"),
            json!({"SendingStatus": "DISABLED"}),
        );
        let v = ok(&door, "GET", ENTITY, json!({}));
        assert_eq!(
            v["ReputationEntity"]["CustomerManagedStatus"]["Status"],
            "DISABLED"
        );
        assert!(v["ReputationEntity"]["CustomerManagedStatus"]["LastUpdatedTimestamp"].is_number());
        assert_eq!(v["ReputationEntity"]["SendingStatusAggregate"], "DISABLED");
        let m = door.refused(
            "POST",
            "/v2/email/outbound-emails",
            &send,
            400,
            "SendingPausedException",
        );
        assert!(m.contains("identity/example.com"), "{m}");
        ok(
            &door,
            "PUT",
            &format!("{ENTITY}/customer-managed-status"),
            json!({"SendingStatus": "REINSTATED"}),
        );
        ok(
            &door,
            "POST",
            "/v2/email/outbound-emails",
            serde_json::from_str(&send).unwrap(),
        );

        ok(
            &door,
            "PUT",
            &format!("{ENTITY}/customer-managed-status"),
            json!({"SendingStatus": "ENABLED"}),
        );
        ok(
            &door,
            "PUT",
            "/v2/email/identities/example.com/dkim",
            json!({"SigningEnabled": false}),
        );
        ok(
            &door,
            "PUT",
            &format!("{ENTITY}/policy"),
            json!({"ReputationEntityPolicy": "arn:aws:ses:us-east-1:aws:reputation-policy/strict"}),
        );
        let v = ok(&door, "GET", ENTITY, json!({}));
        let e = &v["ReputationEntity"];
        assert_eq!(
            (
                e["AwsSesManagedStatus"]["Status"].as_str(),
                e["ReputationImpact"].as_str()
            ),
            (Some("DISABLED"), Some("HIGH")),
            "{e}"
        );
        door.refused(
            "POST",
            "/v2/email/outbound-emails",
            &send,
            400,
            "SendingPausedException",
        );

        door.refused("PUT", &format!("{ENTITY}/policy"), &json!({"ReputationEntityPolicy": "arn:aws:ses:us-east-1:aws:reputation-policy/lenient"}).to_string(), 400, "BadRequestException");
        door.refused(
            "PUT",
            &format!("{ENTITY}/customer-managed-status"),
            &json!({"SendingStatus": "PAUSED"}).to_string(),
            400,
            "BadRequestException",
        );
        door.refused(
            "GET",
            "/v2/email/reputation/entities/TENANT/x",
            "",
            400,
            "BadRequestException",
        );
        door.refused("GET", "/v2/email/reputation/entities/RESOURCE/arn%3Aaws%3Ases%3Aus-east-1%3A123456789012%3Aidentity%2Fnope.com", "", 404, "NotFoundException");
        door.refused(
            "POST",
            "/v2/email/reputation/entities",
            &json!({"Filter": {"SENDING_STATUS": "x"}}).to_string(),
            400,
            "BadRequestException",
        );
    }
}
