//! Sending authorization: SESv2 `CreateEmailIdentityPolicy`, `GetEmailIdentityPolicies`,
//! `UpdateEmailIdentityPolicy`, `DeleteEmailIdentityPolicy`, v1 `PutIdentityPolicy`,
//! `GetIdentityPolicies`, `ListIdentityPolicies`, `DeleteIdentityPolicy`, and the check a send
//! naming an identity ARN passes (rules Z1–Z7 in `model::policy`).

use std::collections::BTreeMap;

use jiff::Timestamp;

use crate::error::{About, Error, Result};
use crate::model::State;
use crate::model::arn::{self, ResourceKind};
use crate::model::policy::{self, SendRequest};
use crate::model::sending::{Outgoing, address_of};

/// How a policy is written: created (it must not exist), updated (it must), or put (either).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Write {
    Create,
    Update,
    Put,
}

fn policy_not_found(identity: &str, name: &str) -> Error {
    Error::not_found(format!(
        "Policy {name} does not exist for identity {identity}."
    ))
    .about(About::Policy)
}

/// An identity named by its name or its ARN (v1 takes both) in `region`: its stored name.
fn identity_name(s: &State, region: &str, identity: &str) -> Result<String> {
    let name = if identity.starts_with("arn:") {
        let r = arn::parse(identity, region, &s.account_id)?;
        if r.kind != ResourceKind::Identity || r.region != region || r.account != s.account_id {
            return Err(crate::model::identity::not_found(identity));
        }
        r.name
    } else {
        identity.to_string()
    };
    Ok(s.region(region).existing_identity(&name)?.0)
}

/// Creates, updates or puts policy `name` on an identity (Z1–Z4).
pub fn write(
    s: &mut State,
    region: &str,
    identity: &str,
    name: &str,
    document: &str,
    how: Write,
) -> Result<()> {
    policy::check_name(name)?;
    let id = identity_name(s, region, identity)?;
    let identity_arn = arn::arn(region, &s.account_id, ResourceKind::Identity, &id);
    policy::check_document(document, &identity_arn)?;
    let current = s.region(region).existing_identity(&id)?.1.policies;
    match (how, current.contains_key(name)) {
        (Write::Create, true) => {
            return Err(Error::already_exists(format!(
                "Policy {name} already exists for identity {id}."
            ))
            .about(About::Policy));
        }
        (Write::Update, false) => return Err(policy_not_found(&id, name)),
        _ => {}
    }
    if !current.contains_key(name) && current.len() >= policy::MAX_POLICIES {
        return Err(Error::limit_exceeded(format!(
            "Identity {id} has {} policies, the most an identity may have.",
            policy::MAX_POLICIES
        )));
    }
    let key = id.clone();
    let doc = document.to_string();
    s.region_mut(region).identities.update(&key, |i| {
        i.policies.insert(name.to_string(), doc);
    })?;
    Ok(())
}

/// An identity's policies, by name (GetEmailIdentityPolicies; v1's Get and List read it).
pub fn get(s: &State, region: &str, identity: &str) -> Result<BTreeMap<String, String>> {
    let id = identity_name(s, region, identity)?;
    Ok(s.region(region).existing_identity(&id)?.1.policies)
}

/// Deletes policy `name`; `must_exist` for SESv2 (v1 succeeds when it is not there).
pub fn delete(
    s: &mut State,
    region: &str,
    identity: &str,
    name: &str,
    must_exist: bool,
) -> Result<()> {
    let id = identity_name(s, region, identity)?;
    let exists = s
        .region(region)
        .existing_identity(&id)?
        .1
        .policies
        .contains_key(name);
    if !exists {
        return if must_exist {
            Err(policy_not_found(&id, name))
        } else {
            Ok(())
        };
    }
    s.region_mut(region).identities.update(&id, |i| {
        i.policies.remove(name);
    })?;
    Ok(())
}

/// Whether identity `identity` covers `address`: the address itself, the address without
/// its `+label`, or its domain or a parent domain.
fn covers(identity: &str, address: &str) -> bool {
    let Some((local, domain)) = address.rsplit_once('@') else {
        return false;
    };
    let domain = domain.to_ascii_lowercase();
    let plain = local.split('+').next().unwrap_or(local);
    if identity.contains('@') {
        return identity == format!("{local}@{domain}") || identity == format!("{plain}@{domain}");
    }
    crate::model::names::in_domain(&domain, identity)
}

fn denied(caller: &str, action: &str, arn: &str) -> Error {
    Error::access_denied(format!(
        "User `arn:aws:iam::{caller}:root' is not authorized to perform `{action}' on resource `{arn}'"
    ))
}

/// Z5–Z7: a send that names identities by ARN may use each only if it is an identity of the
/// account in this region, verified, covering the address it stands for, and — for a caller
/// of another account — allowed by the identity's policies.
pub fn authorize(s: &State, region: &str, msg: &Outgoing, now: Timestamp) -> Result<()> {
    let Some(a) = &msg.authorization else {
        return Ok(());
    };
    let from = address_of(&msg.from).unwrap_or_else(|| msg.from.clone());
    let pairs = [
        (&a.source_arn, Some(from.clone())),
        (&a.from_arn, Some(from.clone())),
        (
            &a.return_path_arn,
            a.return_path.as_deref().and_then(address_of),
        ),
    ];
    let caller = a.caller.clone().unwrap_or_else(|| s.account_id.clone());
    for (arn_text, address) in pairs {
        let Some(arn_text) = arn_text else {
            continue;
        };
        let invalid = || Error::bad_request(format!("Invalid ARN <{arn_text}>."));
        if !arn_text.starts_with("arn:") {
            return Err(invalid());
        }
        let r = arn::parse(arn_text, region, &s.account_id).map_err(|_| invalid())?;
        if r.kind != ResourceKind::Identity {
            return Err(invalid());
        }
        // An identity of another account or region is one sesm does not hold: nobody here
        // may send as it.
        if r.account != s.account_id || r.region != region {
            return Err(denied(&caller, a.action, arn_text));
        }
        let identity = match s.region(region).existing_identity(&r.name) {
            Ok((name, id)) if id.verified() => (name, id),
            _ => {
                return Err(Error::message_rejected(format!(
                    "Email address is not verified. The following identities failed the check in region {}: {}",
                    region.to_uppercase(),
                    r.name
                )));
            }
        };
        if let Some(address) = &address
            && !covers(&identity.0, address)
        {
            return Err(Error::message_rejected(format!(
                "The identity {arn_text} does not cover the address {address} it is named for."
            )));
        }
        if caller == s.account_id {
            continue;
        }
        let req = SendRequest {
            caller: caller.clone(),
            action: a.action,
            from_address: Some(from.clone()),
            from_display_name: display_name(&msg.from),
            recipients: msg
                .to
                .iter()
                .chain(&msg.cc)
                .chain(&msg.bcc)
                .filter_map(|r| address_of(r))
                .collect(),
            feedback_address: a.return_path.as_deref().and_then(address_of),
            now: Some(now),
            source_ip: Some(std::net::Ipv4Addr::LOCALHOST),
        };
        if !policy::allows(identity.1.policies.values(), &req) {
            return Err(denied(&caller, a.action, arn_text));
        }
    }
    Ok(())
}

/// The display name of `Name <a@b>` (`ses:FromDisplayName`).
fn display_name(raw: &str) -> Option<String> {
    let list = mailparse::addrparse(raw.trim()).ok()?;
    match list.as_slice() {
        [mailparse::MailAddr::Single(one)] => one.display_name.clone(),
        _ => None,
    }
}

/// The caller an access key ID names: a 12-digit key ID is that account (as moto reads one);
/// any other key is the account's own.
pub fn caller_of_key(key_id: &str) -> Option<String> {
    (key_id.len() == 12 && key_id.bytes().all(|b| b.is_ascii_digit())).then(|| key_id.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identities_cover_addresses_as_senders_do() {
        assert!(covers("example.com", "a@example.com"));
        assert!(covers("example.com", "a@mail.Example.com"));
        assert!(!covers("example.com", "a@notexample.com"));
        assert!(covers("a@example.com", "a+x@example.com"));
        assert!(!covers("a@example.com", "b@example.com"));
        assert_eq!(
            caller_of_key("111122223333").as_deref(),
            Some("111122223333")
        );
        assert_eq!(caller_of_key("AKIDEXAMPLE"), None);
    }
}
