//! What the account says about itself beyond sending: its details and production access
//! request (PutAccountDetails, rules U1–U4), its shared pool delivery mode
//! (PutAccountDeliveryAttributes, U5), its pricing plan (PutAccountPricingAttributes, U6), and
//! the S/MIME certificates its identities' addresses are associated with (rules H1–H5).
//!
//! What SES does after a human or ACM looks (reviewing a request, provisioning a certificate)
//! sesm does when the account clock moves past the day it was asked: `sesm simulate` is the
//! day SES would take (`decisions.md`).

use std::collections::BTreeMap;

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use super::Region;
use super::rules::enum_error;
use crate::error::{Error, Result};

pub const MAIL_TYPES: [&str; 2] = ["MARKETING", "TRANSACTIONAL"];
pub const LANGUAGES: [&str; 2] = ["EN", "JA"];
pub const DELIVERY_MODES: [&str; 2] = ["GLOBAL", "REGIONAL"];
pub const PLANS: [&str; 4] = ["NONE", "ESSENTIALS", "PRO", "ENTERPRISE"];

/// The region's account settings; absent members were never set.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AccountSettings {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub details: Option<Details>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shared_pool_delivery_mode: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pricing: Option<Pricing>,
}

impl AccountSettings {
    pub fn is_empty(&self) -> bool {
        *self == AccountSettings::default()
    }
}

/// PutAccountDetails' request, and when (account clock) it was made.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Details {
    pub mail_type: String,
    #[serde(rename = "WebsiteURL")]
    pub website_url: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact_language: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub use_case_description: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub additional_contact_email_addresses: Vec<String>,
    /// `ProductionAccessEnabled` as asked (`None`: not asked).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub production_access: Option<bool>,
    pub requested: Date,
    pub case_id: String,
}

/// The plan in force and, when a change waits for the next month, that change.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Pricing {
    pub current: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next: Option<String>,
    /// The first day of the month `next` takes effect on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<Date>,
}

impl Pricing {
    /// U6: the plan in force on `today`, and the one scheduled after it.
    pub fn on(&self, today: Date) -> (String, Option<String>) {
        match (&self.next, self.from) {
            (Some(n), Some(from)) if today >= from => (n.clone(), None),
            (n, _) => (self.current.clone(), n.clone()),
        }
    }
}

/// U4: the review's status on `today`: PENDING on the day asked, GRANTED after (SES: "within
/// 24 hours"); a request for the sandbox (`ProductionAccessEnabled` false) needs no review.
pub fn review_status(d: &Details, today: Date) -> &'static str {
    if d.production_access != Some(true) || today > d.requested {
        "GRANTED"
    } else {
        "PENDING"
    }
}

fn one_of(value: &str, member: &str, allowed: &[&str]) -> Result<()> {
    if allowed.contains(&value) {
        Ok(())
    } else {
        Err(enum_error(value, member, allowed))
    }
}

/// U1–U3: PutAccountDetails' members as SESv2's model bounds them.
pub fn check_details(d: &Details) -> Result<()> {
    one_of(&d.mail_type, "mailType", &MAIL_TYPES)?;
    if let Some(l) = &d.contact_language {
        one_of(l, "contactLanguage", &LANGUAGES)?;
    }
    let url = &d.website_url;
    if url.is_empty() || url.chars().count() > 1000 {
        return Err(super::rules::length_error("websiteURL", 1000));
    }
    if d.use_case_description
        .as_ref()
        .is_some_and(|u| u.chars().count() > 5000)
    {
        return Err(super::rules::length_error("useCaseDescription", 5000));
    }
    let n = d.additional_contact_email_addresses.len();
    if n > 4 {
        return Err(Error::bad_request(format!(
            "AdditionalContactEmailAddresses has {n} addresses; SES takes 1 to 4."
        )));
    }
    for a in &d.additional_contact_email_addresses {
        super::sending::check_address(a, "AdditionalContactEmailAddresses")?;
    }
    Ok(())
}

pub fn check_delivery_mode(mode: &str) -> Result<()> {
    one_of(mode, "sharedPoolDeliveryMode", &DELIVERY_MODES)
}

pub fn check_plan(plan: &str) -> Result<()> {
    one_of(plan, "plan", &PLANS)
}

/// The first day of the month after `today`'s.
pub fn next_month(today: Date) -> Date {
    today
        .first_of_month()
        .checked_add(jiff::Span::new().months(1))
        .unwrap_or(today)
}

/// One S/MIME certificate association (botocore's `IdentityCertificate`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Certificate {
    pub certificate_arn: String,
    /// The account clock's day it was associated: PROVISIONING that day, ACTIVE after (H4).
    pub associated: Date,
}

impl Certificate {
    pub fn status(&self, today: Date) -> &'static str {
        if today > self.associated {
            "ACTIVE"
        } else {
            "PROVISIONING"
        }
    }
}

/// H2: an ACM certificate ARN (botocore's `CertificateArn`: 20–2048 characters,
/// `arn:PARTITION:SERVICE:REGION:ACCOUNT:certificate/ID`).
pub fn check_certificate_arn(arn: &str) -> Result<()> {
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    let word = |s: &str| {
        !s.is_empty()
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"+=/,.@-_".contains(&b))
    };
    let ok = (20..=2048).contains(&arn.len())
        && parts.len() == 6
        && parts[0] == "arn"
        && word(parts[1])
        && word(parts[2])
        && (parts[3].is_empty() || word(parts[3]))
        && !parts[4].is_empty()
        && parts[4].bytes().all(|b| b.is_ascii_digit())
        && parts[5]
            .strip_prefix("certificate/")
            .is_some_and(|id| word(id) && !id.contains('/'));
    if ok {
        Ok(())
    } else {
        Err(Error::bad_request(format!(
            "Invalid CertificateArn '{}': expected an ACM certificate ARN such as arn:aws:acm:us-east-1:123456789012:certificate/ID.",
            arn.escape_default()
        )))
    }
}

/// H1: the address a certificate signs for. A domain identity needs a `FromAddress` of the
/// domain or a subdomain; an address identity takes none or itself.
pub fn certificate_address(identity: &str, from: Option<&str>) -> Result<String> {
    let is_address = identity.contains('@');
    match (is_address, from) {
        (true, None) => Ok(identity.to_string()),
        (true, Some(f)) if f.eq_ignore_ascii_case(identity) => Ok(identity.to_string()),
        (true, Some(f)) => Err(Error::bad_request(format!(
            "FromAddress {f} must be the email identity {identity} itself."
        ))),
        (false, None) => Err(Error::bad_request(format!(
            "FromAddress is required: {identity} is a domain identity, and a certificate signs for one address of it."
        ))),
        (false, Some(f)) => {
            super::sending::check_address(f, "FromAddress")?;
            let domain = f.rsplit_once('@').map(|x| x.1).unwrap_or_default();
            let domain = domain.to_ascii_lowercase();
            if super::names::in_domain(&domain, identity) {
                Ok(format!(
                    "{}@{domain}",
                    f.rsplit_once('@').map(|x| x.0).unwrap_or_default()
                ))
            } else {
                Err(Error::bad_request(format!(
                    "FromAddress {f} is not an address of the domain {identity} or one of its subdomains."
                )))
            }
        }
    }
}

impl Region {
    /// H3: associates a certificate with an address of an identity; one per address.
    pub fn associate_certificate(
        &mut self,
        identity: &str,
        address: &str,
        cert: Certificate,
    ) -> Result<()> {
        let certs = self
            .identity_certificates
            .entry(identity.to_string())
            .or_default();
        if let Some(c) = certs.get(address) {
            return Err(Error::already_exists(format!(
                "Address {address} already has a certificate association ({}); disassociate it first.",
                c.certificate_arn
            )));
        }
        certs.insert(address.to_string(), cert);
        Ok(())
    }

    /// H5: removes an address's association (SES deprovisions it; sesm at once).
    pub fn disassociate_certificate(&mut self, identity: &str, address: &str) -> Result<()> {
        let certs = self.identity_certificates.get_mut(identity);
        let removed = certs.and_then(|c| c.remove(address));
        if self
            .identity_certificates
            .get(identity)
            .is_some_and(BTreeMap::is_empty)
        {
            self.identity_certificates.remove(identity);
        }
        removed.map(|_| ()).ok_or_else(|| {
            Error::not_found(format!(
                "Address {address} of identity {identity} has no certificate association."
            ))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(d: i8) -> Date {
        Date::constant(2026, 3, d)
    }

    #[test]
    fn a_production_request_is_pending_on_its_day_and_granted_after() {
        let d = Details {
            mail_type: "MARKETING".into(),
            website_url: "https://example.com".into(),
            contact_language: None,
            use_case_description: None,
            additional_contact_email_addresses: vec![],
            production_access: Some(true),
            requested: day(10),
            case_id: "1".into(),
        };
        check_details(&d).unwrap();
        assert_eq!(review_status(&d, day(10)), "PENDING");
        assert_eq!(review_status(&d, day(11)), "GRANTED");
        let bad = Details {
            mail_type: "SPAM".into(),
            ..d.clone()
        };
        assert!(
            check_details(&bad)
                .unwrap_err()
                .message
                .contains("[MARKETING, TRANSACTIONAL]")
        );
        let five = Details {
            additional_contact_email_addresses: vec!["a@example.com".into(); 5],
            ..d
        };
        assert!(check_details(&five).is_err());
    }

    #[test]
    fn a_plan_change_takes_effect_on_the_next_month() {
        assert_eq!(next_month(day(10)), Date::constant(2026, 4, 1));
        let p = Pricing {
            current: "NONE".into(),
            next: Some("PRO".into()),
            from: Some(Date::constant(2026, 4, 1)),
        };
        assert_eq!(p.on(day(31)), ("NONE".to_string(), Some("PRO".to_string())));
        assert_eq!(p.on(Date::constant(2026, 4, 1)), ("PRO".to_string(), None));
    }

    #[test]
    fn certificates_sign_for_one_address_of_their_identity() {
        assert_eq!(
            certificate_address("a@example.com", None).unwrap(),
            "a@example.com"
        );
        assert!(certificate_address("a@example.com", Some("b@example.com")).is_err());
        assert!(certificate_address("example.com", None).is_err());
        assert_eq!(
            certificate_address("example.com", Some("ann@mail.Example.com")).unwrap(),
            "ann@mail.example.com"
        );
        assert!(certificate_address("example.com", Some("ann@example.org")).is_err());
        assert!(certificate_address("example.com", Some("ann@badexample.com")).is_err());
        assert!(
            check_certificate_arn("arn:aws:acm:us-east-1:123456789012:certificate/abc-1").is_ok()
        );
        for bad in [
            "arn:aws:acm:us-east-1:x:certificate/a",
            "certificate/abc",
            "arn:aws:acm:us-east-1:123456789012:cert/abcdef",
        ] {
            assert!(check_certificate_arn(bad).is_err(), "{bad}");
        }
        let c = Certificate {
            certificate_arn: "arn".into(),
            associated: day(10),
        };
        assert_eq!(
            (c.status(day(10)), c.status(day(11))),
            ("PROVISIONING", "ACTIVE")
        );
        let mut r = Region::default();
        r.associate_certificate("example.com", "a@example.com", c.clone())
            .unwrap();
        assert!(
            r.associate_certificate("example.com", "a@example.com", c)
                .is_err()
        );
        r.disassociate_certificate("example.com", "a@example.com")
            .unwrap();
        assert!(r.identity_certificates.is_empty());
        assert!(
            r.disassociate_certificate("example.com", "a@example.com")
                .is_err()
        );
    }
}
