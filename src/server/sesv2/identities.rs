//! Sending identities: CreateEmailIdentity, DeleteEmailIdentity, GetEmailIdentity,
//! ListEmailIdentities, and the Put…Attributes of an identity.

use super::shapes::{
    CreateEmailIdentityBody, CreateEmailIdentityResponse, DkimAttributes, DkimSigningAttributes,
    GetEmailIdentityResponse, IdentityInfo, ListEmailIdentitiesBody, ListEmailIdentitiesResponse,
    MailFromAttributes, PutEmailIdentityConfigurationSetAttributesBody,
    PutEmailIdentityDkimAttributesBody, PutEmailIdentityDkimSigningAttributesBody,
    PutEmailIdentityDkimSigningAttributesResponse, PutEmailIdentityFeedbackAttributesBody,
    PutEmailIdentityMailFromAttributesBody,
};
use super::wire::Epoch;
use super::{Call, empty, filter, spelled, tag_pairs, tag_shapes};
use crate::error::Result;
use crate::model::identity::{BehaviorOnMxFailure, SigningAttributes};
use crate::ops;
use crate::ops::identity::IdentityFilter;
use crate::ops::shapes::{self as views, IdentityGet};
use crate::server::api::Api;
use crate::server::http::{Response, json};

pub fn create(api: &Api, c: &Call) -> Result<Response> {
    let b: CreateEmailIdentityBody = c.body()?;
    let identity = b.email_identity.unwrap_or_default();
    let cs = b.configuration_set_name.filter(|c| !c.is_empty());
    let tags = tag_pairs(b.tags);
    let dkim = b.dkim_signing_attributes.map(signing_attributes);
    let view = api.write(|s| {
        ops::identity::create(s, &c.region, &identity, cs.as_deref(), &tags, dkim.as_ref())
    })?;
    Ok(json(&CreateEmailIdentityResponse {
        identity_type: Some(spelled(&view.identity_type)),
        verified_for_sending_status: Some(true),
        dkim_attributes: Some(dkim_shape(view.dkim_attributes)),
    }))
}

pub fn delete(api: &Api, c: &Call) -> Result<Response> {
    let identity = c.label("EmailIdentity");
    api.write(|s| ops::identity::delete(s, &c.region, &identity))?;
    Ok(empty())
}

pub fn get(api: &Api, c: &Call) -> Result<Response> {
    let id: IdentityGet =
        api.read(|s| ops::identity::get(s, &c.region, &c.label("EmailIdentity")))?;
    Ok(json(&GetEmailIdentityResponse {
        identity_type: Some(spelled(&id.identity_type)),
        feedback_forwarding_status: Some(id.feedback_forwarding_status),
        verified_for_sending_status: Some(id.verified),
        dkim_attributes: Some(dkim_shape(id.dkim_attributes)),
        mail_from_attributes: Some(mail_from_shape(id.mail_from_attributes)),
        policies: Some(id.policies),
        tags: Some(tag_shapes(id.tags)),
        configuration_set_name: id.configuration_set_name,
        verification_status: Some(
            if id.verified {
                ops::identity::VERIFIED
            } else {
                ops::identity::PENDING
            }
            .into(),
        ),
        verification_info: None,
    }))
}

pub fn list(api: &Api, c: &Call) -> Result<Response> {
    let b: ListEmailIdentitiesBody = c.body()?;
    let mut paging = c.query_paging()?;
    paging.next_token = b.next_token.or(paging.next_token);
    paging.page_size = b.page_size.or(paging.page_size);
    let known = [
        "IDENTITY_NAME_CONTAINS",
        "IDENTITY_TYPE",
        "VERIFICATION_STATUS",
    ];
    let filter = filter(b.filter, &known)?;
    let filter = IdentityFilter {
        name_contains: filter.get("IDENTITY_NAME_CONTAINS").cloned(),
        identity_type: filter.get("IDENTITY_TYPE").cloned(),
        verification_status: filter.get("VERIFICATION_STATUS").cloned(),
    };
    let l = api.read(|s| ops::identity::list(s, &c.region, &filter, &paging))?;
    let items = l
        .email_identities
        .into_iter()
        .map(|i| IdentityInfo {
            identity_type: Some(spelled(&i.identity_type)),
            identity_name: Some(i.identity_name),
            sending_enabled: Some(i.sending_enabled),
            verification_status: Some(i.verification_status.into()),
        })
        .collect();
    Ok(json(&ListEmailIdentitiesResponse {
        email_identities: Some(items),
        next_token: l.next_token,
    }))
}

pub fn put_config_set(api: &Api, c: &Call) -> Result<Response> {
    let b: PutEmailIdentityConfigurationSetAttributesBody = c.body()?;
    // No name, or "", clears the default configuration set.
    let cs = b.configuration_set_name.filter(|c| !c.is_empty());
    let identity = c.label("EmailIdentity");
    api.write(|s| ops::identity::set_config_set(s, &c.region, &identity, cs.as_deref()))?;
    Ok(empty())
}

pub fn put_feedback(api: &Api, c: &Call) -> Result<Response> {
    let b: PutEmailIdentityFeedbackAttributesBody = c.body()?;
    // A boolean left out is false, as SES reads it.
    let enabled = b.email_forwarding_enabled.unwrap_or(false);
    let identity = c.label("EmailIdentity");
    api.write(|s| ops::identity::set_feedback(s, &c.region, &identity, enabled))?;
    Ok(empty())
}

pub fn put_mail_from(api: &Api, c: &Call) -> Result<Response> {
    let b: PutEmailIdentityMailFromAttributesBody = c.body()?;
    let behavior = b
        .behavior_on_mx_failure
        .as_deref()
        .map(BehaviorOnMxFailure::parse)
        .transpose()?;
    let identity = c.label("EmailIdentity");
    let domain = b.mail_from_domain;
    api.write(|s| {
        ops::identity::set_mail_from(s, &c.region, &identity, domain.as_deref(), behavior)
    })?;
    Ok(empty())
}

pub fn put_dkim(api: &Api, c: &Call) -> Result<Response> {
    let b: PutEmailIdentityDkimAttributesBody = c.body()?;
    let enabled = b.signing_enabled.unwrap_or(false);
    let identity = c.label("EmailIdentity");
    api.write(|s| ops::identity::set_dkim_enabled(s, &c.region, &identity, enabled))?;
    Ok(empty())
}

pub fn put_dkim_signing(api: &Api, c: &Call) -> Result<Response> {
    let b: PutEmailIdentityDkimSigningAttributesBody = c.body()?;
    let origin = b.signing_attributes_origin.unwrap_or_default();
    let attrs = b.signing_attributes.map(signing_attributes);
    let identity = c.label("EmailIdentity");
    let set = api.write(|s| {
        ops::identity::set_dkim_signing(s, &c.region, &identity, &origin, attrs.as_ref())
    })?;
    Ok(json(&PutEmailIdentityDkimSigningAttributesResponse {
        dkim_status: Some(set.dkim_status.into()),
        dkim_tokens: Some(set.dkim_tokens),
        signing_hosted_zone: None,
    }))
}

/// `DkimSigningAttributes` as the model's rules take them.
fn signing_attributes(a: DkimSigningAttributes) -> SigningAttributes {
    SigningAttributes {
        selector: a.domain_signing_selector,
        private_key: a.domain_signing_private_key,
        next_signing_key_length: a.next_signing_key_length,
        domain_origin: a.domain_signing_attributes_origin,
    }
}

fn dkim_shape(d: views::DkimAttributes) -> DkimAttributes {
    DkimAttributes {
        signing_enabled: Some(d.signing_enabled),
        status: Some(d.status.into()),
        tokens: Some(d.tokens),
        signing_hosted_zone: None,
        signing_attributes_origin: Some(d.signing_attributes_origin),
        next_signing_key_length: d.next_signing_key_length.map(str::to_string),
        current_signing_key_length: d.current_signing_key_length.map(str::to_string),
        last_key_generation_timestamp: d
            .last_key_generation_timestamp
            .and_then(|t| jiff::Timestamp::from_second(t).ok())
            .map(Epoch),
    }
}

fn mail_from_shape(m: views::MailFromView) -> MailFromAttributes {
    MailFromAttributes {
        mail_from_domain: m.mail_from_domain,
        mail_from_domain_status: m.mail_from_domain_status.map(str::to_string),
        behavior_on_mx_failure: Some(spelled(&m.behavior_on_mx_failure)),
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::Door;
    use serde_json::json;

    const IDS: &str = "/v2/email/identities";

    #[test]
    fn a_domain_is_created_verified_with_dkim_and_its_attributes_set() {
        let door = Door::new();
        let (s, v) = door.call("POST", IDS, r#"{"EmailIdentity":"example.com"}"#);
        assert_eq!(s, 200);
        assert_eq!(v["IdentityType"], "DOMAIN");
        assert_eq!(v["VerifiedForSendingStatus"], true);
        assert_eq!(v["DkimAttributes"]["Status"], "SUCCESS");
        assert_eq!(v["DkimAttributes"]["Tokens"].as_array().unwrap().len(), 3);
        let mail_from = json!({"MailFromDomain": "bounce.example.com", "BehaviorOnMxFailure": "REJECT_MESSAGE"});
        let path = format!("{IDS}/example.com/mail-from");
        assert_eq!(door.call("PUT", &path, &mail_from.to_string()).0, 200);
        let path = format!("{IDS}/example.com/feedback");
        assert_eq!(
            door.call("PUT", &path, r#"{"EmailForwardingEnabled":false}"#)
                .0,
            200
        );
        let (_, v) = door.call("GET", &format!("{IDS}/example.com"), "");
        assert_eq!(
            v["MailFromAttributes"],
            json!({"MailFromDomain": "bounce.example.com", "MailFromDomainStatus": "SUCCESS", "BehaviorOnMxFailure": "REJECT_MESSAGE"})
        );
        assert_eq!(v["FeedbackForwardingStatus"], false);
        assert_eq!(v["VerificationStatus"], "SUCCESS");
        assert_eq!(v["Policies"], json!({}));
        assert_eq!(
            v["DkimAttributes"]["LastKeyGenerationTimestamp"],
            1767225600
        );
        let (_, v) = door.call("GET", &format!("{IDS}?PageSize=1"), "");
        assert_eq!(
            v,
            json!({"EmailIdentities": [{"IdentityType": "DOMAIN", "IdentityName": "example.com",
                "SendingEnabled": true, "VerificationStatus": "SUCCESS"}]})
        );
    }

    #[test]
    fn an_address_without_mail_from_has_only_the_behaviour_and_refusals_change_nothing() {
        let door = Door::new();
        assert_eq!(
            door.call("POST", IDS, r#"{"EmailIdentity":"a@example.org"}"#)
                .0,
            200
        );
        let (_, v) = door.call("GET", &format!("{IDS}/a%40example.org"), "");
        assert_eq!(
            v["MailFromAttributes"],
            json!({"BehaviorOnMxFailure": "USE_DEFAULT_VALUE"})
        );
        door.refused(
            "POST",
            IDS,
            r#"{"EmailIdentity":"a@example.org"}"#,
            400,
            "AlreadyExistsException",
        );
        door.refused(
            "GET",
            &format!("{IDS}/b@example.org"),
            "",
            404,
            "NotFoundException",
        );
        let cs = format!("{IDS}/a%40example.org/configuration-set");
        door.refused(
            "PUT",
            &cs,
            r#"{"ConfigurationSetName":"nope"}"#,
            404,
            "NotFoundException",
        );
        door.refused(
            "POST",
            IDS,
            r#"{"EmailIdentity":5}"#,
            400,
            "BadRequestException",
        );
        let signing = json!({"SigningAttributesOrigin": "EXTERNAL", "SigningAttributes": {}});
        let path = format!("{IDS}/nope.example/dkim/signing");
        door.refused("PUT", &path, &signing.to_string(), 404, "NotFoundException");
    }
}
