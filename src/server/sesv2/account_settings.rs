//! The account's details, delivery mode and plan: PutAccountDetails,
//! PutAccountDeliveryAttributes, PutAccountPricingAttributes (GetAccount shows them, through
//! `settings_of`); identities' S/MIME certificates: AssociateEmailIdentityCertificate,
//! DisassociateEmailIdentityCertificate, ListEmailIdentityCertificates.

use super::shapes::{
    AccountDetails, AssociateEmailIdentityCertificateBody, DeliveryAttributes,
    DisassociateEmailIdentityCertificateBody, GetAccountResponse, IdentityCertificate,
    ListEmailIdentityCertificatesBody, ListEmailIdentityCertificatesResponse, PricingAttributes,
    PutAccountDeliveryAttributesBody, PutAccountDetailsBody, PutAccountPricingAttributesBody,
    ReviewDetails,
};
use super::{Call, empty};
use crate::error::{Error, Result};
use crate::model::account_settings::Details;
use crate::ops;
use crate::ops::Paging;
use crate::ops::account_settings::SettingsView;
use crate::server::api::Api;
use crate::server::http::{Response, json};

/// GetAccount's `Details`, `DeliveryAttributes` and `PricingAttributes`, filled in.
pub fn settings_of(r: GetAccountResponse, v: SettingsView) -> GetAccountResponse {
    GetAccountResponse {
        details: v.details.map(|(d, status)| AccountDetails {
            mail_type: Some(d.mail_type),
            website_url: Some(d.website_url),
            contact_language: d.contact_language,
            use_case_description: d.use_case_description,
            additional_contact_email_addresses: (!d.additional_contact_email_addresses.is_empty())
                .then_some(d.additional_contact_email_addresses),
            review_details: Some(ReviewDetails {
                status: Some(status.into()),
                case_id: Some(d.case_id),
            }),
        }),
        delivery_attributes: v.shared_pool_delivery_mode.map(|m| DeliveryAttributes {
            shared_pool_delivery_mode: Some(m),
        }),
        pricing_attributes: v.plan.map(|(current, next)| PricingAttributes {
            current_plan: Some(current),
            next_plan: next,
        }),
        ..r
    }
}

pub fn put_details(api: &Api, c: &Call) -> Result<Response> {
    let b: PutAccountDetailsBody = c.body()?;
    if b.additional_contact_email_addresses
        .as_ref()
        .is_some_and(Vec::is_empty)
    {
        return Err(Error::bad_request(
            "AdditionalContactEmailAddresses has 0 addresses; SES takes 1 to 4.",
        ));
    }
    let d = Details {
        mail_type: b.mail_type.unwrap_or_default(),
        website_url: b.website_url.unwrap_or_default(),
        contact_language: b.contact_language,
        use_case_description: b.use_case_description,
        additional_contact_email_addresses: b
            .additional_contact_email_addresses
            .unwrap_or_default(),
        production_access: b.production_access_enabled,
        requested: jiff::civil::Date::ZERO,
        case_id: String::new(),
    };
    api.write(|s| ops::account_settings::put_details(s, &c.region, d))?;
    Ok(empty())
}

pub fn put_delivery(api: &Api, c: &Call) -> Result<Response> {
    let b: PutAccountDeliveryAttributesBody = c.body()?;
    let mode = b.shared_pool_delivery_mode.unwrap_or_default();
    api.write(|s| ops::account_settings::put_delivery_mode(s, &c.region, &mode))?;
    Ok(empty())
}

pub fn put_pricing(api: &Api, c: &Call) -> Result<Response> {
    let b: PutAccountPricingAttributesBody = c.body()?;
    let plan = b.plan.unwrap_or_default();
    api.write(|s| ops::account_settings::put_plan(s, &c.region, &plan))?;
    Ok(empty())
}

pub fn associate_certificate(api: &Api, c: &Call) -> Result<Response> {
    let b: AssociateEmailIdentityCertificateBody = c.body()?;
    let identity = b.email_identity.unwrap_or_default();
    let arn = b.certificate_arn.unwrap_or_default();
    let from = b.from_address;
    api.write(|s| {
        ops::account_settings::associate_certificate(s, &c.region, &identity, from.as_deref(), &arn)
    })?;
    Ok(empty())
}

pub fn disassociate_certificate(api: &Api, c: &Call) -> Result<Response> {
    let b: DisassociateEmailIdentityCertificateBody = c.body()?;
    let identity = b.email_identity.unwrap_or_default();
    let from = b.from_address;
    api.write(|s| {
        ops::account_settings::disassociate_certificate(s, &c.region, &identity, from.as_deref())
    })?;
    Ok(empty())
}

pub fn list_certificates(api: &Api, c: &Call) -> Result<Response> {
    let b: ListEmailIdentityCertificatesBody = c.body()?;
    let identity = b.email_identity.unwrap_or_default();
    let paging = Paging {
        next_token: b.next_token,
        page_size: b.page_size,
    };
    let (items, next) =
        api.read(|s| ops::account_settings::list_certificates(s, &c.region, &identity, &paging))?;
    Ok(json(&ListEmailIdentityCertificatesResponse {
        certificates: Some(
            items
                .into_iter()
                .map(|(from, arn, status)| IdentityCertificate {
                    from_address: Some(from),
                    status: Some(status.into()),
                    certificate_arn: Some(arn),
                    certificate_expiry_time: None,
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

    #[test]
    fn details_delivery_mode_and_plan_show_in_get_account() {
        let door = Door::new();
        let (_, v) = door.call("GET", "/v2/email/account", "");
        assert!(v.get("Details").is_none() && v.get("PricingAttributes").is_none());
        let body = json!({"MailType": "TRANSACTIONAL", "WebsiteURL": "https://example.com",
            "ContactLanguage": "EN", "UseCaseDescription": "receipts",
            "AdditionalContactEmailAddresses": ["ops@example.com"], "ProductionAccessEnabled": true});
        assert_eq!(
            door.call("POST", "/v2/email/account/details", &body.to_string())
                .0,
            200
        );
        let bad = json!({"MailType": "SPAM", "WebsiteURL": "https://example.com"});
        let m = door.refused(
            "POST",
            "/v2/email/account/details",
            &bad.to_string(),
            400,
            "BadRequestException",
        );
        assert!(m.contains("[MARKETING, TRANSACTIONAL]"), "{m}");
        door.refused(
            "POST",
            "/v2/email/account/details",
            r#"{"MailType":"MARKETING"}"#,
            400,
            "BadRequestException",
        );
        assert_eq!(
            door.call(
                "POST",
                "/v2/email/account/delivery",
                r#"{"SharedPoolDeliveryMode":"GLOBAL"}"#
            )
            .0,
            200
        );
        door.refused(
            "POST",
            "/v2/email/account/delivery",
            r#"{"SharedPoolDeliveryMode":"LOCAL"}"#,
            400,
            "BadRequestException",
        );
        assert_eq!(
            door.call(
                "PUT",
                "/v2/email/account/pricing-attributes",
                r#"{"Plan":"PRO"}"#
            )
            .0,
            200
        );
        door.refused(
            "PUT",
            "/v2/email/account/pricing-attributes",
            r#"{"Plan":"GOLD"}"#,
            400,
            "BadRequestException",
        );
        let (_, v) = door.call("GET", "/v2/email/account", "");
        assert_eq!(v["Details"]["MailType"], "TRANSACTIONAL");
        assert_eq!(v["Details"]["ReviewDetails"]["Status"], "PENDING");
        assert_eq!(
            v["Details"]["ReviewDetails"]["CaseId"]
                .as_str()
                .unwrap()
                .len(),
            10
        );
        assert_eq!(v["ProductionAccessEnabled"], true);
        assert_eq!(
            v["DeliveryAttributes"],
            json!({"SharedPoolDeliveryMode": "GLOBAL"})
        );
        assert_eq!(
            v["PricingAttributes"],
            json!({"CurrentPlan": "NONE", "NextPlan": "PRO"})
        );
    }

    #[test]
    fn certificates_are_associated_listed_and_disassociated() {
        let door = Door::new();
        let cert = "arn:aws:acm:us-east-1:123456789012:certificate/abc-123";
        let assoc = json!({"EmailIdentity": "example.com", "FromAddress": "ann@example.com", "CertificateArn": cert}).to_string();
        door.refused(
            "POST",
            "/v2/email/identity/certificates",
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
            door.call("POST", "/v2/email/identity/certificates", &assoc)
                .0,
            200
        );
        door.refused(
            "POST",
            "/v2/email/identity/certificates",
            &assoc,
            400,
            "AlreadyExistsException",
        );
        let nofrom = json!({"EmailIdentity": "example.com", "CertificateArn": cert}).to_string();
        door.refused(
            "POST",
            "/v2/email/identity/certificates",
            &nofrom,
            400,
            "BadRequestException",
        );
        let badarn = json!({"EmailIdentity": "example.com", "FromAddress": "bo@example.com", "CertificateArn": "arn:x"}).to_string();
        door.refused(
            "POST",
            "/v2/email/identity/certificates",
            &badarn,
            400,
            "BadRequestException",
        );
        let (_, l) = door.call(
            "POST",
            "/v2/email/identity/certificates/list",
            r#"{"EmailIdentity":"example.com"}"#,
        );
        assert_eq!(
            l["Certificates"],
            json!([{"FromAddress": "ann@example.com", "Status": "PROVISIONING", "CertificateArn": cert}])
        );
        let del =
            json!({"EmailIdentity": "example.com", "FromAddress": "ann@example.com"}).to_string();
        assert_eq!(
            door.call("POST", "/v2/email/identity/certificates/delete", &del)
                .0,
            200
        );
        door.refused(
            "POST",
            "/v2/email/identity/certificates/delete",
            &del,
            404,
            "NotFoundException",
        );
    }
}
