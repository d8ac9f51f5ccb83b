//! Sending identity rules E1–E5, and the attributes Terraform applies to an identity (E6
//! feedback forwarding, E7 the custom MAIL FROM domain, E8 DKIM signing and its keys).

use std::collections::HashSet;

use serde::{Deserialize, Serialize};

use super::names::{IdentityType, check_domain, check_region, normalize_identity};
use super::rules::enum_error;
use super::{Identity, Region, quota, tags};
use crate::error::{Error, Result};

pub fn not_found(name: &str) -> Error {
    Error::not_found(format!("Email identity {name} does not exist."))
        .about(crate::error::About::Identity)
        .named(name)
        .hint("list the identities of this region with: sesm identity list")
}

fn already_exists(name: &str) -> Error {
    Error::already_exists(format!("Email identity {name} already exists."))
        .about(crate::error::About::Identity)
}

fn quota_error(would_have: usize) -> Error {
    Error::limit_exceeded(format!(
        "You can have at most {} sending identities in a region; this request would make {would_have}.",
        quota::IDENTITIES
    ))
}

impl Region {
    /// E1, E5: an existing identity (a copy) and its stored name.
    pub fn existing_identity(&self, raw: &str) -> Result<(String, Identity)> {
        let name = normalize_identity(raw)?;
        match self.identities.entry(&name)? {
            Some(identity) => Ok((name, identity)),
            None => Err(not_found(&name)),
        }
    }

    /// The domain identity whose DKIM an email address signs with: its domain's, else the
    /// nearest parent domain's (a verified domain covers its subdomains); `None` for a domain
    /// or an address no domain identity covers.
    pub fn domain_identity_of(&self, address: &str) -> Result<Option<(String, Identity)>> {
        let Some((_, mut domain)) = address.rsplit_once('@') else {
            return Ok(None);
        };
        loop {
            if let Some(id) = self.identities.entry(domain)? {
                return Ok(Some((domain.to_string(), id)));
            }
            match domain.split_once('.') {
                Some((_, parent)) if parent.contains('.') => domain = parent,
                _ => return Ok(None),
            }
        }
    }

    fn check_default_config_set(&self, cs: &str) -> Result<()> {
        if self.configuration_sets.contains(cs)? {
            Ok(())
        } else {
            Err(super::config_set::not_found(cs))
        }
    }

    /// E1–E4: creates an identity; returns its stored name.
    pub fn create_identity(
        &mut self,
        raw: &str,
        config_set: Option<&str>,
        new_tags: &[(String, String)],
    ) -> Result<String> {
        let name = normalize_identity(raw)?;
        tags::check(new_tags)?;
        let tags = tags::merged(&Default::default(), new_tags)?;
        if let Some(cs) = config_set {
            self.check_default_config_set(cs)?;
        }
        if self.identities.contains(&name)? {
            return Err(already_exists(&name));
        }
        let count = self.identities.len()?;
        if count >= quota::IDENTITIES {
            return Err(quota_error(count + 1));
        }
        self.identities.insert(
            name.clone(),
            Identity {
                configuration_set: config_set.map(str::to_string),
                tags,
                ..Identity::default()
            },
        )?;
        Ok(name)
    }

    /// E1–E3 for a whole file, one identity per line: every line is checked before anything is
    /// added, so the file is imported whole or not at all. Blank lines are skipped.
    pub fn import_identities<'a>(&mut self, lines: impl Iterator<Item = &'a str>) -> Result<usize> {
        let identities = self.identities.get_mut()?;
        let mut new = Vec::new();
        let mut seen = HashSet::new();
        for (i, line) in lines.enumerate() {
            let raw = line.trim();
            if raw.is_empty() {
                continue;
            }
            let at_line = |e: Error| e.context(format!("line {}", i + 1));
            let name = normalize_identity(raw).map_err(at_line)?;
            if identities.contains_key(&name) || !seen.insert(name.clone()) {
                return Err(at_line(already_exists(&name)));
            }
            new.push(name);
        }
        let total = identities.len() + new.len();
        if total > quota::IDENTITIES {
            return Err(quota_error(total));
        }
        let count = new.len();
        for name in new {
            identities.insert(name, Identity::default());
        }
        Ok(count)
    }

    /// E4: sets or clears an identity's default configuration set; returns the stored name.
    pub fn set_identity_config_set(
        &mut self,
        raw: &str,
        config_set: Option<&str>,
    ) -> Result<String> {
        let name = normalize_identity(raw)?;
        if !self.identities.contains(&name)? {
            return Err(not_found(&name));
        }
        if let Some(cs) = config_set {
            self.check_default_config_set(cs)?;
        }
        self.identities.update(&name, |id| {
            id.configuration_set = config_set.map(str::to_string)
        })?;
        Ok(name)
    }

    /// E5: deletes an identity.
    pub fn delete_identity(&mut self, raw: &str) -> Result<(String, Identity)> {
        let name = normalize_identity(raw)?;
        match self.identities.remove(&name)? {
            Some(identity) => {
                // Its certificate associations go with it (H5), and what tenants and
                // reputation settings held of it.
                self.identity_certificates.remove(&name);
                self.forget_resource(&format!("identity/{name}"));
                Ok((name, identity))
            }
            None => Err(not_found(&name)),
        }
    }
}

/// E7: what SES does when the MAIL FROM domain's MX record is missing. `USE_DEFAULT_VALUE`
/// sends from a subdomain of amazonses.com; `REJECT_MESSAGE` refuses the send.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum BehaviorOnMxFailure {
    #[default]
    #[serde(rename = "USE_DEFAULT_VALUE")]
    UseDefaultValue,
    #[serde(rename = "REJECT_MESSAGE")]
    RejectMessage,
}

impl BehaviorOnMxFailure {
    pub const fn as_str(self) -> &'static str {
        match self {
            BehaviorOnMxFailure::UseDefaultValue => "USE_DEFAULT_VALUE",
            BehaviorOnMxFailure::RejectMessage => "REJECT_MESSAGE",
        }
    }

    /// The wire's text; anything else is refused as SES's model validation refuses it.
    pub fn parse(s: &str) -> Result<Self> {
        [Self::UseDefaultValue, Self::RejectMessage]
            .into_iter()
            .find(|b| b.as_str() == s)
            .ok_or_else(|| {
                enum_error(
                    s,
                    "behaviorOnMxFailure",
                    &["USE_DEFAULT_VALUE", "REJECT_MESSAGE"],
                )
            })
    }
}

/// An RSA key length of Easy DKIM (`DkimSigningKeyLength`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum DkimKeyLength {
    #[serde(rename = "RSA_1024_BIT")]
    Rsa1024,
    #[serde(rename = "RSA_2048_BIT")]
    Rsa2048,
}

impl DkimKeyLength {
    pub const fn as_str(self) -> &'static str {
        match self {
            DkimKeyLength::Rsa1024 => "RSA_1024_BIT",
            DkimKeyLength::Rsa2048 => "RSA_2048_BIT",
        }
    }

    pub fn parse(s: &str) -> Result<Self> {
        [Self::Rsa1024, Self::Rsa2048]
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| {
                enum_error(
                    s,
                    "signingAttributes.nextSigningKeyLength",
                    &["RSA_1024_BIT", "RSA_2048_BIT"],
                )
            })
    }
}

/// E8: how an identity's DKIM keys are configured (`SigningAttributesOrigin`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "Origin")]
pub enum DkimSigning {
    /// Easy DKIM, with the length of the next key SES generates.
    #[serde(rename = "AWS_SES", rename_all = "PascalCase")]
    Easy {
        next_signing_key_length: DkimKeyLength,
    },
    /// BYODKIM: the selector of the customer's key. The private key itself is not kept: SES
    /// never returns it and sesm signs nothing, so the state file holds no secret.
    #[serde(rename = "EXTERNAL", rename_all = "PascalCase")]
    External { selector: String },
    /// Deterministic Easy DKIM: the same keys (and so tokens) as the identity of the same name
    /// in the parent region.
    #[serde(rename = "DEED", rename_all = "PascalCase")]
    Replica { parent_region: String },
}

impl DkimSigning {
    /// `SigningAttributesOrigin` as SES reports it (`AWS_SES_EU_WEST_1` for a replica).
    pub fn origin(&self) -> String {
        match self {
            DkimSigning::Easy { .. } => "AWS_SES".into(),
            DkimSigning::External { .. } => "EXTERNAL".into(),
            DkimSigning::Replica { parent_region } => {
                format!(
                    "AWS_SES_{}",
                    parent_region.to_ascii_uppercase().replace('-', "_")
                )
            }
        }
    }
}

/// `DkimSigningAttributes` as a request gives them (CreateEmailIdentity,
/// PutEmailIdentityDkimSigningAttributes).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SigningAttributes {
    pub selector: Option<String>,
    pub private_key: Option<String>,
    pub next_signing_key_length: Option<String>,
    /// `DomainSigningAttributesOrigin`: only CreateEmailIdentity takes it (a DEED parent).
    pub domain_origin: Option<String>,
}

/// The region of a DEED origin (`AWS_SES_EU_WEST_1` → `eu-west-1`), if it is one.
fn deed_region(origin: &str) -> Option<String> {
    let region = origin
        .strip_prefix("AWS_SES_")?
        .to_ascii_lowercase()
        .replace('_', "-");
    check_region(&region).ok().map(|_| region)
}

const ORIGINS: &[&str] = &["AWS_SES", "EXTERNAL", "AWS_SES_<REGION>"];

/// E8: a BYODKIM selector: 1–63 letters, digits and inner hyphens (the `Selector` shape).
fn check_selector(selector: &str) -> Result<()> {
    let ok = (1..=63).contains(&selector.len())
        && selector
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        && !selector.starts_with('-')
        && !selector.ends_with('-');
    if ok {
        Ok(())
    } else {
        Err(Error::bad_request(format!(
            "Invalid DomainSigningSelector '{selector}': use 1 to 63 letters, digits and hyphens, not starting or ending with a hyphen."
        )))
    }
}

/// E8: a BYODKIM private key: base64 (the `PrivateKey` shape: at most 20,480 characters of
/// `[A-Za-z0-9+/]` with up to two `=`) of a 1024- or 2048-bit RSA key: "The private key must
/// use 1024 or 2048-bit RSA encryption, and must be encoded using base64 encoding" (API
/// reference, `DkimSigningAttributes`). What is encoded is the key's DER (PKCS#1 or PKCS#8:
/// about 600 to 1,220 bytes), or a whole PEM file holding it (`-----BEGIN … PRIVATE
/// KEY-----`, base64 lines, `-----END …`), which SES takes too: the provider's acceptance test
/// `TestAccSESV2EmailIdentity_domainSigning` gives SES base64 of a PEM file.
fn check_private_key(key: &str) -> Result<()> {
    use base64::Engine;
    let refuse = |why: &str| {
        Err(Error::bad_request(format!(
            "Invalid DomainSigningPrivateKey: {why}; give a 1024- or 2048-bit RSA private key, base64-encoded on one line (the key's DER, or a whole PEM file)."
        )))
    };
    if key.is_empty() || key.len() > 20_480 {
        return refuse("it must be 1 to 20,480 characters");
    }
    let der = match base64::engine::general_purpose::STANDARD.decode(key) {
        Ok(der) => der,
        Err(_) => return refuse("it is not base64"),
    };
    let der = match pem_body(&der) {
        Some(Ok(inner)) => inner,
        Some(Err(())) => return refuse("the PEM file it encodes holds no base64 key"),
        None => der,
    };
    // A DER SEQUENCE whose long-form length (0x82: two bytes) covers the rest exactly.
    let framed = der.len() >= 4
        && der[0] == 0x30
        && der[1] == 0x82
        && usize::from(der[2]) << 8 | usize::from(der[3]) == der.len() - 4;
    if !framed {
        return refuse("it is not a DER-encoded key");
    }
    if !(550..=1300).contains(&der.len()) {
        return refuse(&format!(
            "a {}-byte key is not the size of a 1024- or 2048-bit RSA key",
            der.len()
        ));
    }
    Ok(())
}

/// The DER inside a PEM file (`None` when `bytes` is no PEM file; `Some(Err)` when it is one
/// whose body is not base64): the base64 lines between `-----BEGIN …-----` and `-----END …`.
fn pem_body(bytes: &[u8]) -> Option<std::result::Result<Vec<u8>, ()>> {
    use base64::Engine;
    let text = std::str::from_utf8(bytes).ok()?.trim();
    let first = text.lines().next()?;
    if !(first.starts_with("-----BEGIN ") && first.ends_with("PRIVATE KEY-----")) {
        return None;
    }
    let body: String = text
        .lines()
        .skip(1)
        .take_while(|l| !l.starts_with("-----END "))
        .map(str::trim)
        .collect();
    Some(
        base64::engine::general_purpose::STANDARD
            .decode(body)
            .map_err(|_| ()),
    )
}

/// E8: the DKIM configuration a request asks for. `origin` is `SigningAttributesOrigin`
/// (PutEmailIdentityDkimSigningAttributes), or `None` for CreateEmailIdentity, where the
/// attributes given say which: a key and selector are BYODKIM, `DomainSigningAttributesOrigin`
/// a DEED parent, `NextSigningKeyLength` Easy DKIM. Only a domain has keys of its own ("You
/// can only specify this object if the email identity is a domain", API reference).
pub fn dkim_signing(
    name: &str,
    origin: Option<&str>,
    attrs: Option<&SigningAttributes>,
) -> Result<DkimSigning> {
    if IdentityType::of(name) == IdentityType::EmailAddress {
        return Err(Error::bad_request(format!(
            "{name} is an email address: DKIM signing attributes can only be set for a domain identity."
        )));
    }
    let none = SigningAttributes::default();
    let a = attrs.unwrap_or(&none);
    let origin = match origin {
        Some(o) => {
            if a.domain_origin.is_some() {
                return Err(Error::bad_request(
                    "DomainSigningAttributesOrigin can't be used with PutEmailIdentityDkimSigningAttributes; use SigningAttributesOrigin.",
                ));
            }
            o.to_string()
        }
        None => match (&a.domain_origin, &a.private_key, &a.selector) {
            (Some(o), _, _) => {
                if o == "AWS_SES" || o == "EXTERNAL" {
                    return Err(Error::bad_request(format!(
                        "DomainSigningAttributesOrigin {o} is not allowed in CreateEmailIdentity: it takes AWS_SES_<REGION> only, to replicate a parent identity's DKIM."
                    )));
                }
                o.clone()
            }
            (None, Some(_), _) | (None, _, Some(_)) => "EXTERNAL".into(),
            (None, None, None) => "AWS_SES".into(),
        },
    };
    let byodkim_given = a.selector.is_some() || a.private_key.is_some();
    match origin.as_str() {
        "EXTERNAL" => {
            if a.next_signing_key_length.is_some() {
                return Err(Error::bad_request(
                    "NextSigningKeyLength is for Easy DKIM (AWS_SES); BYODKIM (EXTERNAL) takes DomainSigningSelector and DomainSigningPrivateKey.",
                ));
            }
            let (Some(selector), Some(key)) = (&a.selector, &a.private_key) else {
                return Err(Error::bad_request(
                    "BYODKIM (EXTERNAL) needs both DomainSigningSelector and DomainSigningPrivateKey.",
                ));
            };
            check_selector(selector)?;
            check_private_key(key)?;
            Ok(DkimSigning::External {
                selector: selector.clone(),
            })
        }
        "AWS_SES" => {
            if byodkim_given {
                return Err(Error::bad_request(
                    "DomainSigningSelector and DomainSigningPrivateKey are for BYODKIM: use SigningAttributesOrigin EXTERNAL.",
                ));
            }
            let next = match &a.next_signing_key_length {
                Some(k) => DkimKeyLength::parse(k)?,
                None => DkimKeyLength::Rsa2048,
            };
            Ok(DkimSigning::Easy {
                next_signing_key_length: next,
            })
        }
        other => match deed_region(other) {
            Some(parent_region) if !byodkim_given && a.next_signing_key_length.is_none() => {
                Ok(DkimSigning::Replica { parent_region })
            }
            Some(_) => Err(Error::bad_request(format!(
                "{other} replicates a parent identity's Easy DKIM keys; it takes no selector, private key or key length."
            ))),
            None => Err(enum_error(other, "signingAttributesOrigin", ORIGINS)),
        },
    }
}

/// E7: the MAIL FROM domain of `identity`: a domain name under the identity's domain (the
/// identity itself for a domain, the part after `@` for an address), never that domain
/// itself. The refusal is SES's text, as SES answers it (quoted from its answer to a
/// CloudFormation stack in public infrastructure notes; the API reference says "It has to be
/// a subdomain of the verified identity").
pub fn check_mail_from(identity: &str, mail_from: &str) -> Result<String> {
    let domain = mail_from.to_ascii_lowercase();
    check_domain(&domain).map_err(|why| {
        Error::bad_request(format!("Invalid MAIL FROM domain '{mail_from}': it {why}."))
    })?;
    let parent = identity.rsplit_once('@').map_or(identity, |(_, d)| d);
    if !domain.ends_with(&format!(".{parent}")) {
        return Err(Error::bad_request(format!(
            "Provided MAIL-FROM domain <{mail_from}> is not subdomain of the domain of the identity <{identity}>."
        )));
    }
    Ok(domain)
}

impl Region {
    /// E6: turns feedback forwarding on or off.
    pub fn set_feedback_forwarding(&mut self, raw: &str, enabled: bool) -> Result<String> {
        let (name, _) = self.existing_identity(raw)?;
        self.identities
            .update(&name, |id| id.feedback_forwarding = Some(enabled))?;
        Ok(name)
    }

    /// The identity SES v1's notification settings name: one SES does not have is
    /// `MessageRejected` "Identity unknown@example.com is not verified or does not exist."
    /// (the recorded AWS answer of LocalStack's
    /// `test_set_identity_headers_in_notifications_enabled_failure_unknown_identity`; the
    /// API reference of SetIdentityNotificationTopic says "You can only specify a verified
    /// identity", so both actions answer it).
    fn notified_identity(&self, raw: &str) -> Result<String> {
        match self.existing_identity(raw) {
            Ok((name, _)) => Ok(name),
            Err(e) if e.kind == crate::error::Kind::Ses(crate::error::SesCode::NotFound) => {
                Err(Error::message_rejected(format!(
                    "Identity {raw} is not verified or does not exist."
                )))
            }
            Err(e) => Err(e),
        }
    }

    /// SES v1's SetIdentityNotificationTopic: the SNS topic of one notification type
    /// (`Bounce`, `Complaint`, `Delivery`), or (`None`) none.
    pub fn set_notification_topic(
        &mut self,
        raw: &str,
        kind: &str,
        topic: Option<&str>,
    ) -> Result<String> {
        let name = self.notified_identity(raw)?;
        check_notification_type(kind)?;
        if let Some(t) = topic {
            super::rules::check_topic_arn(t).map_err(Error::bad_request)?;
        }
        self.identities.update(&name, |id| match topic {
            Some(t) => {
                id.notification_topics
                    .insert(kind.to_string(), t.to_string());
            }
            None => {
                id.notification_topics.remove(kind);
            }
        })?;
        Ok(name)
    }

    /// SES v1's SetIdentityHeadersInNotificationsEnabled.
    pub fn set_headers_in_notifications(
        &mut self,
        raw: &str,
        kind: &str,
        enabled: bool,
    ) -> Result<String> {
        let name = self.notified_identity(raw)?;
        check_notification_type(kind)?;
        self.identities.update(&name, |id| {
            id.headers_in_notifications
                .insert(kind.to_string(), enabled);
        })?;
        Ok(name)
    }

    /// E7: sets the custom MAIL FROM domain, or (with `None` or "") removes it; the behaviour
    /// on MX failure is replaced too (left out, it goes back to `USE_DEFAULT_VALUE`).
    pub fn set_mail_from(
        &mut self,
        raw: &str,
        mail_from: Option<&str>,
        behavior: Option<BehaviorOnMxFailure>,
    ) -> Result<String> {
        let (name, _) = self.existing_identity(raw)?;
        let domain = match mail_from.filter(|d| !d.is_empty()) {
            Some(d) => Some(check_mail_from(&name, d)?),
            None => None,
        };
        self.identities.update(&name, |id| {
            id.mail_from_domain = domain;
            id.behavior_on_mx_failure = behavior;
        })?;
        Ok(name)
    }

    /// E8: turns DKIM signing on or off.
    pub fn set_dkim_signing_enabled(&mut self, raw: &str, enabled: bool) -> Result<String> {
        let (name, _) = self.existing_identity(raw)?;
        self.identities
            .update(&name, |id| id.dkim_signing_enabled = Some(enabled))?;
        Ok(name)
    }

    /// E8: stores a DKIM configuration `dkim_signing` checked.
    pub fn set_dkim_signing(&mut self, name: &str, signing: DkimSigning) -> Result<()> {
        if !self.identities.contains(name)? {
            return Err(not_found(name));
        }
        self.identities
            .update(name, |id| id.dkim_signing = Some(signing))?;
        Ok(())
    }
}

/// SES v1's notification types.
pub const NOTIFICATION_TYPES: [&str; 3] = ["Bounce", "Complaint", "Delivery"];

/// A notification type, in SES's words when it is none ("Invalid notification type:
/// InvalidType. Valid values are: Bounce, Complaint, Delivery.", `InvalidParameterValue`: the
/// recorded AWS answer of LocalStack's
/// `test_set_identity_headers_in_notifications_enabled_failure_invalid_type`; SES checks this
/// member itself, not as a model enum).
fn check_notification_type(kind: &str) -> Result<()> {
    if NOTIFICATION_TYPES.contains(&kind) {
        Ok(())
    } else {
        Err(Error::bad_request(format!(
            "Invalid notification type: {kind}. Valid values are: {}.",
            NOTIFICATION_TYPES.join(", ")
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn import_is_all_or_nothing_and_names_the_line() {
        let mut r = Region::default();
        r.create_identity("a.com", None, &[]).unwrap();
        let err = r
            .import_identities(["b.com", "", "c.com", "A.com"].into_iter())
            .unwrap_err();
        assert_eq!(err.code(), "AlreadyExistsException");
        assert!(err.message.starts_with("line 4: "), "{}", err.message);
        assert_eq!(r.identities.len().unwrap(), 1);
        let err = r
            .import_identities(["b.com", "b.com"].into_iter())
            .unwrap_err();
        assert!(err.message.starts_with("line 2: "), "{}", err.message);
        assert_eq!(
            r.import_identities(["b.com", "x@c.com"].into_iter())
                .unwrap(),
            2
        );
        assert_eq!(r.identities.len().unwrap(), 3);
    }

    #[test]
    fn mail_from_must_be_a_subdomain_of_the_identity() {
        assert_eq!(
            check_mail_from("example.com", "Mail.Example.com").unwrap(),
            "mail.example.com"
        );
        assert_eq!(
            check_mail_from("jane@example.com", "bounce.example.com").unwrap(),
            "bounce.example.com"
        );
        for bad in ["example.com", "mail.other.com", "mailexample.com"] {
            let err = check_mail_from("example.com", bad).unwrap_err();
            assert_eq!(err.code(), "BadRequestException");
            assert_eq!(
                err.message,
                format!(
                    "Provided MAIL-FROM domain <{bad}> is not subdomain of the domain of the identity <example.com>."
                )
            );
        }
        let err = check_mail_from("example.com", "bad_name.example.com").unwrap_err();
        assert!(
            err.message.starts_with("Invalid MAIL FROM domain"),
            "{}",
            err.message
        );
    }

    #[test]
    fn mail_from_put_replaces_both_members_and_clears() {
        let mut r = Region::default();
        r.create_identity("example.com", None, &[]).unwrap();
        r.set_mail_from(
            "example.com",
            Some("mail.example.com"),
            Some(BehaviorOnMxFailure::RejectMessage),
        )
        .unwrap();
        let (_, id) = r.existing_identity("example.com").unwrap();
        assert_eq!(id.mail_from_domain.as_deref(), Some("mail.example.com"));
        assert_eq!(
            id.behavior_on_mx_failure,
            Some(BehaviorOnMxFailure::RejectMessage)
        );
        r.set_mail_from("example.com", None, None).unwrap();
        let (_, id) = r.existing_identity("example.com").unwrap();
        assert_eq!(id, Identity::default());
        let err = r.set_mail_from("nope.com", None, None).unwrap_err();
        assert_eq!(err.code(), "NotFoundException");
        assert_eq!(
            BehaviorOnMxFailure::parse("NOPE").unwrap_err().message,
            "1 validation error detected: Value 'NOPE' at 'behaviorOnMxFailure' failed to satisfy constraint: Member must satisfy enum value set: [USE_DEFAULT_VALUE, REJECT_MESSAGE]"
        );
    }

    /// A base64 DER SEQUENCE of `len` bytes in all (the shape of an RSA key, not a real one).
    fn fake_key(len: usize) -> String {
        use base64::Engine;
        let body = len - 4;
        let mut der = vec![0x30, 0x82, (body >> 8) as u8, body as u8];
        der.resize(len, 0x02);
        base64::engine::general_purpose::STANDARD.encode(der)
    }

    #[test]
    fn byodkim_needs_a_selector_and_a_plausible_base64_rsa_key() {
        let attrs = |selector: &str, key: &str| SigningAttributes {
            selector: Some(selector.into()),
            private_key: Some(key.into()),
            ..Default::default()
        };
        let ok = dkim_signing(
            "example.com",
            Some("EXTERNAL"),
            Some(&attrs("sel1", &fake_key(1192))),
        )
        .unwrap();
        assert_eq!(
            ok,
            DkimSigning::External {
                selector: "sel1".into()
            }
        );
        assert_eq!(ok.origin(), "EXTERNAL");
        // CreateEmailIdentity infers BYODKIM from the key.
        assert_eq!(
            dkim_signing("example.com", None, Some(&attrs("sel1", &fake_key(610)))).unwrap(),
            ok
        );
        // A whole PEM file, base64-encoded, as the provider's acceptance test gives SES.
        let pem = |der_b64: &str| {
            let lines: Vec<&str> = der_b64
                .as_bytes()
                .chunks(64)
                .map(|c| std::str::from_utf8(c).unwrap())
                .collect();
            let file = format!(
                "-----BEGIN RSA PRIVATE KEY-----\n{}\n-----END RSA PRIVATE KEY-----\n",
                lines.join("\n")
            );
            base64::engine::general_purpose::STANDARD.encode(file)
        };
        use base64::Engine;
        assert_eq!(
            dkim_signing(
                "example.com",
                None,
                Some(&attrs("sel1", &pem(&fake_key(1192))))
            )
            .unwrap(),
            ok
        );
        for (selector, key, why) in [
            ("sel", pem(&fake_key(100)), "is not the size"),
            ("sel", pem("!!"), "holds no base64 key"),
            ("-bad", fake_key(1192), "DomainSigningSelector"),
            ("sel", "not base64!".to_string(), "not base64"),
            ("sel", fake_key(100), "is not the size"),
            ("sel", "AAAA".to_string(), "not a DER-encoded key"),
        ] {
            let err = dkim_signing(
                "example.com",
                Some("EXTERNAL"),
                Some(&attrs(selector, &key)),
            )
            .unwrap_err();
            assert_eq!(err.code(), "BadRequestException");
            assert!(err.message.contains(why), "{why}: {}", err.message);
        }
        let only_selector = SigningAttributes {
            selector: Some("s".into()),
            ..Default::default()
        };
        assert!(dkim_signing("example.com", Some("EXTERNAL"), Some(&only_selector)).is_err());
        assert!(
            dkim_signing(
                "jane@example.com",
                Some("EXTERNAL"),
                Some(&attrs("s", &fake_key(1192)))
            )
            .is_err()
        );
    }

    #[test]
    fn easy_dkim_and_deed_origins() {
        let next = SigningAttributes {
            next_signing_key_length: Some("RSA_1024_BIT".into()),
            ..Default::default()
        };
        assert_eq!(
            dkim_signing("example.com", Some("AWS_SES"), Some(&next)).unwrap(),
            DkimSigning::Easy {
                next_signing_key_length: DkimKeyLength::Rsa1024
            }
        );
        assert_eq!(
            dkim_signing("example.com", Some("AWS_SES"), None).unwrap(),
            DkimSigning::Easy {
                next_signing_key_length: DkimKeyLength::Rsa2048
            }
        );
        let deed = dkim_signing("example.com", Some("AWS_SES_EU_WEST_1"), None).unwrap();
        assert_eq!(
            deed,
            DkimSigning::Replica {
                parent_region: "eu-west-1".into()
            }
        );
        assert_eq!(deed.origin(), "AWS_SES_EU_WEST_1");
        let err = dkim_signing("example.com", Some("AWS_SES_MOON_1"), None).unwrap_err();
        assert!(
            err.message.contains("signingAttributesOrigin"),
            "{}",
            err.message
        );
        let bad_len = SigningAttributes {
            next_signing_key_length: Some("RSA_4096_BIT".into()),
            ..Default::default()
        };
        assert!(dkim_signing("example.com", Some("AWS_SES"), Some(&bad_len)).is_err());
        assert!(dkim_signing("example.com", Some("EXTERNAL"), Some(&next)).is_err());
    }

    #[test]
    fn new_attributes_keep_old_identities_bytes() {
        let id: Identity = serde_json::from_str(r#"{"ConfigurationSet":"cs"}"#).unwrap();
        assert_eq!(
            serde_json::to_string(&id).unwrap(),
            r#"{"ConfigurationSet":"cs"}"#
        );
        let with = Identity {
            dkim_signing: Some(DkimSigning::External {
                selector: "s1".into(),
            }),
            ..Identity::default()
        };
        let text = serde_json::to_string(&with).unwrap();
        assert_eq!(
            text,
            r#"{"DkimSigning":{"Origin":"EXTERNAL","Selector":"s1"}}"#
        );
        assert_eq!(serde_json::from_str::<Identity>(&text).unwrap(), with);
    }
}
