//! Mail sent through SES (SendEmail, SendBulkEmail, `sesm send`): the checks SES makes, the
//! way it routes a message (configuration set, then pool), the ISP of each recipient, and the
//! record an accepted message leaves, which becomes the day's demand for the simulation.

use std::collections::BTreeMap;

use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use super::names::{IdentityType, normalize_identity};
use super::{DEFAULT_POOL, ModelParams, Region, SHARED_POOL, State};
use crate::error::{Error, Result};

/// The most recipients (To, Cc and Bcc together) of one message.
pub const MAX_RECIPIENTS: usize = 50;
/// How many accepted messages the outbox keeps.
pub const OUTBOX_SIZE: usize = 10_000;
/// The key of pending demand sent through no configuration set (set names are never empty).
pub const NO_SET: &str = "";

/// One rule of the recipient-domain table: a domain (`gmail.com`), or a name under any public
/// suffix (`hotmail.*`: hotmail.com, hotmail.co.uk, …), and the ISP it belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct IspDomain {
    pub domain: String,
    pub isp: String,
}

/// The default recipient-domain table (`ModelParams::isp_domains`).
pub fn default_isp_domains() -> Vec<IspDomain> {
    let rule = |domain: &str, isp: &str| IspDomain {
        domain: domain.to_string(),
        isp: isp.to_string(),
    };
    vec![
        rule("gmail.com", "gmail"),
        rule("googlemail.com", "gmail"),
        rule("outlook.*", "microsoft"),
        rule("hotmail.*", "microsoft"),
        rule("live.*", "microsoft"),
        rule("msn.*", "microsoft"),
        rule("yahoo.*", "yahoo"),
        rule("ymail.*", "yahoo"),
        rule("aol.*", "yahoo"),
        rule("icloud.*", "apple"),
        rule("me.*", "apple"),
        rule("mac.*", "apple"),
        rule("comcast.net", "comcast"),
        rule("att.net", "att"),
        rule("sbcglobal.net", "att"),
        rule("bellsouth.net", "att"),
        rule("gmx.*", "gmx"),
        rule("web.de", "gmx"),
        rule("orange.fr", "orange"),
        rule("wanadoo.fr", "orange"),
    ]
}

/// The ISP every domain the table does not name belongs to.
pub const OTHER_ISP: &str = "other";

/// Whether `domain` is `name` under a public suffix: one label (`com`), or two with a short
/// first one (`co.uk`, `com.au`) — so `me.com` is Apple's but `me.example.com` is not.
fn under_suffix(domain: &str, name: &str) -> bool {
    let Some(rest) = domain.strip_prefix(name).and_then(|r| r.strip_prefix('.')) else {
        return false;
    };
    let labels: Vec<&str> = rest.split('.').collect();
    match labels.as_slice() {
        [tld] => !tld.is_empty(),
        [second, tld] => (1..=3).contains(&second.len()) && !tld.is_empty(),
        _ => false,
    }
}

impl ModelParams {
    /// The ISP of a recipient's domain (lowercase): the first rule of the table that matches,
    /// else `other`.
    pub fn isp_of_domain(&self, domain: &str) -> &str {
        self.isp_domains
            .iter()
            .find(|r| match r.domain.strip_suffix(".*") {
                Some(name) => under_suffix(domain, name),
                None => r.domain == domain,
            })
            .map_or(OTHER_ISP, |r| r.isp.as_str())
    }
}

/// Where the configuration set of a message came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum SetSource {
    /// Named in the request.
    Request,
    /// The default configuration set of the sender's address identity.
    AddressIdentity,
    /// The default configuration set of the sender's domain identity.
    DomainIdentity,
    /// No configuration set: the message goes the default way.
    None,
}

/// An accepted message, as the outbox keeps it and the simulation counts it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SentMessage {
    /// Its place in the account's sequence of sends (first, so a scan reads it cheaply).
    pub seq: u64,
    pub message_id: String,
    /// When it was accepted (wall clock, UTC).
    pub time: Timestamp,
    /// The account clock when it was accepted: the simulated day it is sent on.
    pub date: Date,
    pub region: String,
    pub from: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub to: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cc: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub bcc: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub configuration_set: Option<String>,
    pub configuration_set_source: SetSource,
    /// The pool it goes through (`ses-shared-pool` for shared IPs).
    pub pool: String,
    /// Recipients per ISP (all copies of the message).
    pub isps: BTreeMap<String, u64>,
    /// How many identical copies were sent (`sesm send --count`).
    #[serde(default = "one", skip_serializing_if = "is_one")]
    pub count: u64,
    /// Why its template did not render (a variable the data lacks): SES accepts such a send
    /// and reports a Rendering Failure event instead of delivering it. Absent in older lines.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rendering_failure: Option<String>,
}

fn one() -> u64 {
    1
}

fn is_one(n: &u64) -> bool {
    *n == 1
}

/// A message to send, as a front end decoded it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Outgoing {
    pub from: String,
    pub to: Vec<String>,
    pub cc: Vec<String>,
    pub bcc: Vec<String>,
    pub subject: Option<String>,
    pub config_set: Option<String>,
    /// Identical copies (`--count`), at least 1.
    pub count: u64,
}

/// Where a message goes, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Route {
    /// The sender as SES checks it: the address, lowercase domain.
    pub from: String,
    pub config_set: Option<String>,
    pub source: SetSource,
    pub pool: String,
    /// Each recipient (normalised) and its ISP.
    pub recipients: Vec<(String, String)>,
}

impl Route {
    /// Recipients per ISP, times `count` copies.
    pub fn isps(&self, count: u64) -> BTreeMap<String, u64> {
        let mut out: BTreeMap<String, u64> = BTreeMap::new();
        for (_, isp) in &self.recipients {
            let n = out.entry(isp.clone()).or_default();
            *n = n.saturating_add(count);
        }
        out
    }
}

/// The address part of `Name <a@b>` or `a@b`.
fn address_of(raw: &str) -> &str {
    let raw = raw.trim();
    match (raw.rfind('<'), raw.rfind('>')) {
        (Some(open), Some(close)) if open < close => raw[open + 1..close].trim(),
        _ => raw,
    }
}

/// Checks an address (`local@domain`, display name allowed) and returns it as SES compares
/// it: the local part as given, the domain lowercase.
pub fn check_address(raw: &str, what: &str) -> Result<String> {
    let addr = address_of(raw);
    if !addr.contains('@') {
        return Err(Error::bad_request(format!(
            "Invalid {what} address '{raw}': expected local@domain."
        )));
    }
    normalize_identity(addr).map_err(|_| {
        Error::bad_request(format!(
            "Invalid {what} address '{raw}': expected local@domain with a valid domain."
        ))
    })
}

/// The domain part of a normalised address.
fn domain_of(addr: &str) -> &str {
    addr.rsplit_once('@').map_or(addr, |(_, d)| d)
}

impl Region {
    /// The identity that lets `from` send: its address identity, else its domain's.
    fn sender_identity(&self, from: &str) -> Result<Option<(String, super::Identity)>> {
        if let Some(id) = self.identities.entry(from)? {
            return Ok(Some((from.to_string(), id)));
        }
        let domain = domain_of(from);
        Ok(self
            .identities
            .entry(domain)?
            .map(|id| (domain.to_string(), id)))
    }

    /// SES's checks and routing of one message (`warmup-model.md`'s pools): the sender must be
    /// an identity of the region (an address, or through its domain); a named configuration
    /// set must exist; 1 to 50 well-formed recipients. The set is the request's, else the
    /// default of the sender's address identity, else of its domain identity; the pool is the
    /// set's sending pool, else `ses-default-dedicated-pool` when it has IPs, else the shared
    /// IPs.
    pub fn route(&self, model: &ModelParams, region: &str, msg: &Outgoing) -> Result<Route> {
        let from = check_address(&msg.from, "sender")?;
        let mut recipients = Vec::new();
        for (what, list) in [("To", &msg.to), ("Cc", &msg.cc), ("Bcc", &msg.bcc)] {
            for r in list.iter() {
                let addr = check_address(r, &format!("{what} recipient"))?;
                let isp = model.isp_of_domain(domain_of(&addr)).to_string();
                recipients.push((addr, isp));
            }
        }
        if recipients.is_empty() {
            return Err(Error::bad_request(
                "The message has no recipients: give at least one To, Cc or Bcc address.",
            ));
        }
        if recipients.len() > MAX_RECIPIENTS {
            return Err(Error::bad_request(format!(
                "The message has {} recipients; SES takes at most {MAX_RECIPIENTS} (To, Cc and Bcc together).",
                recipients.len()
            )));
        }
        let Some((identity, id)) = self.sender_identity(&from)? else {
            return Err(Error::message_rejected(format!(
                "Email address is not verified. The following identities failed the check in region {}: {from}",
                region.to_uppercase()
            ))
            .hint(format!(
                "create the identity first: sesm identity create {}",
                domain_of(&from)
            )));
        };
        let (config_set, source) = match &msg.config_set {
            Some(cs) => {
                self.existing_config_set(cs)?;
                (Some(cs.clone()), SetSource::Request)
            }
            None => {
                // The address identity's default set comes before its domain's.
                let from_address = if identity == from {
                    id.configuration_set.clone()
                } else {
                    None
                };
                let from_domain = match (&from_address, IdentityType::of(&identity)) {
                    (None, IdentityType::EmailAddress) => self
                        .identities
                        .entry(domain_of(&from))?
                        .and_then(|d| d.configuration_set),
                    (None, IdentityType::Domain) => id.configuration_set.clone(),
                    _ => None,
                };
                match (from_address, from_domain) {
                    (Some(cs), _) => (Some(cs), SetSource::AddressIdentity),
                    (None, Some(cs)) => (Some(cs), SetSource::DomainIdentity),
                    (None, None) => (None, SetSource::None),
                }
            }
        };
        let set_pool = match &config_set {
            Some(cs) => self
                .configuration_sets
                .entry(cs)?
                .and_then(|c| c.sending_pool),
            None => None,
        };
        let pool = match set_pool {
            Some(p) if p != DEFAULT_POOL => p,
            _ if self.ips_of_pool(DEFAULT_POOL).next().is_some() => DEFAULT_POOL.to_string(),
            _ => SHARED_POOL.to_string(),
        };
        Ok(Route {
            from,
            config_set,
            source,
            pool,
            recipients,
        })
    }
}

impl State {
    /// Counts an accepted message into its region's demand for the current day, once
    /// (messages already counted, by sequence, are skipped).
    pub fn count_sent(&mut self, m: &SentMessage) {
        if m.seq <= self.sent_seq {
            return;
        }
        self.sent_seq = m.seq;
        let set = m.configuration_set.clone().unwrap_or_default();
        let pending = self.region_mut(&m.region).pending.entry(set).or_default();
        for (isp, n) in &m.isps {
            let v = pending.entry(isp.clone()).or_default();
            *v = v.saturating_add(*n);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recipient_domains_map_to_isps() {
        let m = ModelParams::default();
        for (domain, isp) in [
            ("gmail.com", "gmail"),
            ("googlemail.com", "gmail"),
            ("outlook.com", "microsoft"),
            ("hotmail.co.uk", "microsoft"),
            ("live.fr", "microsoft"),
            ("msn.com", "microsoft"),
            ("yahoo.co.jp", "yahoo"),
            ("ymail.com", "yahoo"),
            ("aol.com", "yahoo"),
            ("icloud.com", "apple"),
            ("me.com", "apple"),
            ("mac.com", "apple"),
            ("comcast.net", "comcast"),
            ("att.net", "att"),
            ("sbcglobal.net", "att"),
            ("bellsouth.net", "att"),
            ("gmx.de", "gmx"),
            ("gmx.net", "gmx"),
            ("web.de", "gmx"),
            ("orange.fr", "orange"),
            ("wanadoo.fr", "orange"),
            ("example.com", "other"),
            ("me.example.com", "other"),
            ("gmail.com.evil.org", "other"),
            ("notgmail.com", "other"),
            ("orange.com", "other"),
        ] {
            assert_eq!(m.isp_of_domain(domain), isp, "{domain}");
        }
    }

    #[test]
    fn addresses() {
        assert_eq!(
            check_address("A.B@Example.COM", "x").unwrap(),
            "A.B@example.com"
        );
        assert_eq!(
            check_address("\"Jane\" <jane@example.com>", "x").unwrap(),
            "jane@example.com"
        );
        for bad in ["", "example.com", "a@", "@b.com", "a b@c.com", "a@b", "<>"] {
            assert!(check_address(bad, "x").is_err(), "{bad}");
        }
    }
}
