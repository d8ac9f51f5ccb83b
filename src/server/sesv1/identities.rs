//! Identities in v1's words: Verify…, ListIdentities, ListVerifiedEmailAddresses,
//! DeleteIdentity, DeleteVerifiedEmailAddress, GetIdentity…Attributes and SetIdentity….

use std::collections::BTreeMap;

use base64::Engine;

use super::shapes::{
    DeleteIdentityRequest, DeleteIdentityResponse, DeleteVerifiedEmailAddressRequest,
    GetIdentityDkimAttributesRequest, GetIdentityDkimAttributesResponse,
    GetIdentityMailFromDomainAttributesRequest, GetIdentityMailFromDomainAttributesResponse,
    GetIdentityNotificationAttributesRequest, GetIdentityNotificationAttributesResponse,
    GetIdentityVerificationAttributesRequest, GetIdentityVerificationAttributesResponse,
    IdentityDkimAttributes, IdentityMailFromDomainAttributes, IdentityNotificationAttributes,
    IdentityVerificationAttributes, ListIdentitiesRequest, ListIdentitiesResponse,
    ListVerifiedEmailAddressesResponse, SetIdentityDkimEnabledRequest,
    SetIdentityDkimEnabledResponse, SetIdentityFeedbackForwardingEnabledRequest,
    SetIdentityFeedbackForwardingEnabledResponse, SetIdentityHeadersInNotificationsEnabledRequest,
    SetIdentityHeadersInNotificationsEnabledResponse, SetIdentityMailFromDomainRequest,
    SetIdentityMailFromDomainResponse, SetIdentityNotificationTopicRequest,
    SetIdentityNotificationTopicResponse, VerifyDomainDkimRequest, VerifyDomainDkimResponse,
    VerifyDomainIdentityRequest, VerifyDomainIdentityResponse, VerifyEmailAddressRequest,
    VerifyEmailIdentityRequest, VerifyEmailIdentityResponse,
};
use super::{Call, v1_error};
use crate::error::{Kind, Result, SesCode};
use crate::model::identity::BehaviorOnMxFailure;
use crate::ops;
use crate::ops::identity::IdentityFilter;
use crate::server::api::Api;
use crate::server::http::Response;

/// v1's Verify* actions: the identity is created (verified at once, as sesm's are); one that
/// exists already is left as it is, as SES answers a repeated verification.
fn verify(api: &Api, region: &str, name: &str) -> Result<()> {
    match api.write(|s| ops::identity::create(s, region, name, None, &[], None)) {
        Ok(_) => Ok(()),
        Err(e) if e.kind == Kind::Ses(SesCode::AlreadyExists) => Ok(()),
        Err(e) => Err(e),
    }
}

/// A domain's verification token (the TXT record's value): stable per region and domain.
fn verification_token(region: &str, domain: &str) -> String {
    use sha2::{Digest, Sha256};
    let h = Sha256::digest(format!("verify/{region}/{}", domain.to_ascii_lowercase()).as_bytes());
    base64::engine::general_purpose::STANDARD.encode(&h[..30])
}

pub fn verify_email_identity(api: &Api, c: &Call) -> Result<Response> {
    let r: VerifyEmailIdentityRequest = c.input()?;
    verify(api, &c.region, &r.email_address.unwrap_or_default())?;
    c.result(&VerifyEmailIdentityResponse::default())
}

pub fn verify_email_address(api: &Api, c: &Call) -> Result<Response> {
    let r: VerifyEmailAddressRequest = c.input()?;
    verify(api, &c.region, &r.email_address.unwrap_or_default())?;
    c.done()
}

pub fn verify_domain_identity(api: &Api, c: &Call) -> Result<Response> {
    let r: VerifyDomainIdentityRequest = c.input()?;
    let domain = r.domain.unwrap_or_default();
    verify(api, &c.region, &domain)?;
    c.result(&VerifyDomainIdentityResponse {
        verification_token: Some(verification_token(&c.region, &domain)),
    })
}

pub fn verify_domain_dkim(api: &Api, c: &Call) -> Result<Response> {
    let r: VerifyDomainDkimRequest = c.input()?;
    let domain = r.domain.unwrap_or_default();
    verify(api, &c.region, &domain)?;
    let view = api.read(|s| ops::identity::get(s, &c.region, &domain))?;
    c.result(&VerifyDomainDkimResponse {
        dkim_tokens: Some(view.dkim_attributes.tokens),
    })
}

/// The identities of a region, of one type or both, a page of them.
fn names(
    api: &Api,
    c: &Call,
    kind: Option<&str>,
    r: ListIdentitiesRequest,
) -> Result<(Vec<String>, Option<String>)> {
    let page_size = r
        .max_items
        .map(|m| {
            if (1..=1000).contains(&m) {
                Ok(m)
            } else {
                Err(v1_error(
                    "InvalidParameterValue",
                    format!("Invalid MaxItems {m}: use 1 to 1000."),
                ))
            }
        })
        .transpose()?;
    let filter = IdentityFilter {
        identity_type: kind.map(str::to_string),
        ..Default::default()
    };
    let paging = ops::Paging {
        page_size,
        next_token: r.next_token,
    };
    let l = api.read(|s| ops::identity::list(s, &c.region, &filter, &paging))?;
    let names = l
        .email_identities
        .into_iter()
        .map(|i| i.identity_name)
        .collect();
    Ok((names, l.next_token))
}

pub fn list_identities(api: &Api, c: &Call) -> Result<Response> {
    let r: ListIdentitiesRequest = c.input()?;
    let kind = match r.identity_type.as_deref() {
        Some("EmailAddress") => Some("EMAIL_ADDRESS"),
        Some("Domain") => Some("DOMAIN"),
        None => None,
        Some(other) => {
            return Err(v1_error(
                "InvalidParameterValue",
                format!("Invalid IdentityType {other}: use EmailAddress or Domain."),
            ));
        }
    };
    let (identities, next_token) = names(api, c, kind, r)?;
    c.result(&ListIdentitiesResponse {
        identities: Some(identities),
        next_token,
    })
}

pub fn list_verified_email_addresses(api: &Api, c: &Call) -> Result<Response> {
    let (addresses, _) = names(
        api,
        c,
        Some("EMAIL_ADDRESS"),
        ListIdentitiesRequest::default(),
    )?;
    c.result(&ListVerifiedEmailAddressesResponse {
        verified_email_addresses: Some(addresses),
    })
}

/// v1 answers success for an identity it does not have.
fn delete(api: &Api, region: &str, name: &str) -> Result<()> {
    match api.write(|s| ops::identity::delete(s, region, name)) {
        Ok(_) => Ok(()),
        Err(e) if e.kind == Kind::Ses(SesCode::NotFound) => Ok(()),
        Err(e) => Err(e),
    }
}

pub fn delete_identity(api: &Api, c: &Call) -> Result<Response> {
    let r: DeleteIdentityRequest = c.input()?;
    delete(api, &c.region, &r.identity.unwrap_or_default())?;
    c.result(&DeleteIdentityResponse::default())
}

pub fn delete_verified_email_address(api: &Api, c: &Call) -> Result<Response> {
    let r: DeleteVerifiedEmailAddressRequest = c.input()?;
    delete(api, &c.region, &r.email_address.unwrap_or_default())?;
    c.done()
}

/// Each named identity the region has, with what `view` makes of it (the others are left
/// out, as SES leaves them out).
fn each<T>(
    api: &Api,
    names: Option<Vec<String>>,
    view: impl Fn(&crate::model::State, &str) -> Result<T>,
) -> Result<BTreeMap<String, T>> {
    api.read(|s| {
        Ok(names
            .into_iter()
            .flatten()
            .filter_map(|n| view(s, &n).ok().map(|v| (n, v)))
            .collect())
    })
}

pub fn verification_attributes(api: &Api, c: &Call) -> Result<Response> {
    let r: GetIdentityVerificationAttributesRequest = c.input()?;
    let region = c.region.as_str();
    let found = each(api, r.identities, |s, n| {
        let id = ops::identity::get(s, region, n)?;
        Ok(IdentityVerificationAttributes {
            verification_status: Some(if id.verified { "Success" } else { "Pending" }.into()),
            verification_token: (!n.contains('@')).then(|| verification_token(region, n)),
        })
    })?;
    c.result(&GetIdentityVerificationAttributesResponse {
        verification_attributes: Some(found),
    })
}

pub fn dkim_attributes(api: &Api, c: &Call) -> Result<Response> {
    let r: GetIdentityDkimAttributesRequest = c.input()?;
    let found = each(api, r.identities, |s, n| {
        let v = ops::identity::get(s, &c.region, n)?;
        let status = if n.contains('@') {
            "NotStarted"
        } else {
            "Success"
        };
        Ok(IdentityDkimAttributes {
            dkim_enabled: Some(v.dkim_attributes.signing_enabled),
            dkim_verification_status: Some(status.into()),
            dkim_tokens: Some(v.dkim_attributes.tokens),
        })
    })?;
    c.result(&GetIdentityDkimAttributesResponse {
        dkim_attributes: Some(found),
    })
}

pub fn set_dkim_enabled(api: &Api, c: &Call) -> Result<Response> {
    let r: SetIdentityDkimEnabledRequest = c.input()?;
    let (name, enabled) = (
        r.identity.unwrap_or_default(),
        r.dkim_enabled.unwrap_or_default(),
    );
    api.write(|s| ops::identity::set_dkim_enabled(s, &c.region, &name, enabled))?;
    c.result(&SetIdentityDkimEnabledResponse::default())
}

pub fn set_feedback_forwarding(api: &Api, c: &Call) -> Result<Response> {
    let r: SetIdentityFeedbackForwardingEnabledRequest = c.input()?;
    let name = r.identity.unwrap_or_default();
    let enabled = r.forwarding_enabled.unwrap_or_default();
    api.write(|s| ops::identity::set_feedback(s, &c.region, &name, enabled))?;
    c.result(&SetIdentityFeedbackForwardingEnabledResponse::default())
}

pub fn set_mail_from_domain(api: &Api, c: &Call) -> Result<Response> {
    let r: SetIdentityMailFromDomainRequest = c.input()?;
    let name = r.identity.unwrap_or_default();
    let domain = r.mail_from_domain.filter(|d| !d.is_empty());
    let behavior = match r.behavior_on_mx_failure.as_deref() {
        None => None,
        Some("UseDefaultValue") => Some(BehaviorOnMxFailure::UseDefaultValue),
        Some("RejectMessage") => Some(BehaviorOnMxFailure::RejectMessage),
        Some(other) => {
            return Err(v1_error(
                "InvalidParameterValue",
                format!(
                    "Invalid BehaviorOnMXFailure {other}: use UseDefaultValue or RejectMessage."
                ),
            ));
        }
    };
    api.write(|s| ops::identity::set_mail_from(s, &c.region, &name, domain.as_deref(), behavior))?;
    c.result(&SetIdentityMailFromDomainResponse::default())
}

pub fn mail_from_attributes(api: &Api, c: &Call) -> Result<Response> {
    let r: GetIdentityMailFromDomainAttributesRequest = c.input()?;
    let found = each(api, r.identities, |s, n| {
        let m = ops::identity::get(s, &c.region, n)?.mail_from_attributes;
        let behavior = match m.behavior_on_mx_failure {
            BehaviorOnMxFailure::UseDefaultValue => "UseDefaultValue",
            BehaviorOnMxFailure::RejectMessage => "RejectMessage",
        };
        Ok(IdentityMailFromDomainAttributes {
            mail_from_domain_status: m.mail_from_domain.as_ref().map(|_| "Success".into()),
            mail_from_domain: m.mail_from_domain,
            behavior_on_mx_failure: Some(behavior.into()),
        })
    })?;
    c.result(&GetIdentityMailFromDomainAttributesResponse {
        mail_from_domain_attributes: Some(found),
    })
}

pub fn set_notification_topic(api: &Api, c: &Call) -> Result<Response> {
    let r: SetIdentityNotificationTopicRequest = c.input()?;
    let name = r.identity.unwrap_or_default();
    let kind = r.notification_type.unwrap_or_default();
    let topic = r.sns_topic.filter(|t| !t.is_empty());
    api.write(|s| {
        ops::identity::set_notification_topic(s, &c.region, &name, &kind, topic.as_deref())
    })?;
    c.result(&SetIdentityNotificationTopicResponse::default())
}

pub fn set_headers_in_notifications(api: &Api, c: &Call) -> Result<Response> {
    let r: SetIdentityHeadersInNotificationsEnabledRequest = c.input()?;
    let name = r.identity.unwrap_or_default();
    let kind = r.notification_type.unwrap_or_default();
    let enabled = r.enabled.unwrap_or_default();
    api.write(|s| {
        ops::identity::set_headers_in_notifications(s, &c.region, &name, &kind, enabled)
    })?;
    c.result(&SetIdentityHeadersInNotificationsEnabledResponse::default())
}

pub fn notification_attributes(api: &Api, c: &Call) -> Result<Response> {
    let r: GetIdentityNotificationAttributesRequest = c.input()?;
    let found = each(api, r.identities, |s, n| {
        let v = ops::identity::notifications(s, &c.region, n)?;
        let topic = |k: &str| v.topics.get(k).cloned();
        let headers = |k: &str| v.headers.get(k).copied();
        Ok(IdentityNotificationAttributes {
            bounce_topic: topic("Bounce"),
            complaint_topic: topic("Complaint"),
            delivery_topic: topic("Delivery"),
            forwarding_enabled: Some(v.forwarding_enabled),
            headers_in_bounce_notifications_enabled: headers("Bounce"),
            headers_in_complaint_notifications_enabled: headers("Complaint"),
            headers_in_delivery_notifications_enabled: headers("Delivery"),
        })
    })?;
    c.result(&GetIdentityNotificationAttributesResponse {
        notification_attributes: Some(found),
    })
}

#[cfg(test)]
mod tests {
    use super::super::testing::Door;

    #[test]
    fn identities_are_verified_listed_read_and_deleted() {
        let door = Door::new();
        door.ok("Action=VerifyEmailIdentity&EmailAddress=a%40example.com");
        let xml = door.ok("Action=VerifyDomainIdentity&Domain=example.org");
        assert!(xml.contains("<VerificationToken>"), "{xml}");
        let xml = door.ok("Action=VerifyDomainDkim&Domain=example.org");
        assert_eq!(xml.matches("<member>").count(), 3, "{xml}");
        let xml = door.ok("Action=ListIdentities&IdentityType=Domain");
        assert!(
            xml.contains("<Identities><member>example.org</member></Identities>"),
            "{xml}"
        );
        let xml = door.ok("Action=ListIdentities&MaxItems=1");
        assert!(xml.contains("<NextToken>"), "{xml}");
        let xml = door.ok("Action=ListVerifiedEmailAddresses");
        assert!(
            xml.contains("<VerifiedEmailAddresses><member>a@example.com</member>"),
            "{xml}"
        );
        let xml = door.ok("Action=GetIdentityVerificationAttributes&Identities.member.1=example.org&Identities.member.2=nope.example");
        assert!(xml.contains("<entry><key>example.org</key><value><VerificationStatus>Success</VerificationStatus>"), "{xml}");
        assert!(!xml.contains("nope.example"), "{xml}");
        let xml = door.ok("Action=GetIdentityDkimAttributes&Identities.member.1=a%40example.com");
        assert!(
            xml.contains("<DkimVerificationStatus>NotStarted</DkimVerificationStatus>"),
            "{xml}"
        );
        door.ok("Action=SetIdentityMailFromDomain&Identity=example.org&MailFromDomain=m.example.org&BehaviorOnMXFailure=RejectMessage");
        let xml =
            door.ok("Action=GetIdentityMailFromDomainAttributes&Identities.member.1=example.org");
        assert!(xml.contains("<MailFromDomain>m.example.org</MailFromDomain><MailFromDomainStatus>Success</MailFromDomainStatus><BehaviorOnMXFailure>RejectMessage</BehaviorOnMXFailure>"), "{xml}");
        door.ok("Action=SetIdentityNotificationTopic&Identity=example.org&NotificationType=Bounce&SnsTopic=arn%3Aaws%3Asns%3Aus-east-1%3A123456789012%3At");
        door.ok("Action=SetIdentityHeadersInNotificationsEnabled&Identity=example.org&NotificationType=Bounce&Enabled=true");
        let xml =
            door.ok("Action=GetIdentityNotificationAttributes&Identities.member.1=example.org");
        assert!(
            xml.contains("<BounceTopic>arn:aws:sns:us-east-1:123456789012:t</BounceTopic>"),
            "{xml}"
        );
        assert!(
            xml.contains(
                "<HeadersInBounceNotificationsEnabled>true</HeadersInBounceNotificationsEnabled>"
            ),
            "{xml}"
        );
        door.ok("Action=DeleteIdentity&Identity=example.org");
        door.ok("Action=DeleteIdentity&Identity=example.org");
        door.refused("Action=DeleteIdentity", "MissingParameter");
        door.refused("Action=ListIdentities&MaxItems=0", "InvalidParameterValue");
        door.refused(
            "Action=SetIdentityDkimEnabled&Identity=a%40example.com&DkimEnabled=maybe",
            "InvalidParameterValue",
        );
        door.refused(
            "Action=SetIdentityNotificationTopic&Identity=a%40example.com&NotificationType=Spam",
            "InvalidParameterValue",
        );
    }
}
