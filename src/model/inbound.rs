//! Mail *to* the account (SES's email receiving), rules R11–R15 (`ses-rules.md`): which
//! recipients the region takes, and which rules of the active rule set apply to a message, in
//! order. Source: SES Developer Guide, "Email receiving concepts" (the email-receiving
//! process: IP filters first, then recipient conditions, then every matching rule in order,
//! each rule's actions in order), "Creating receipt rules" (recipient conditions), and the
//! `ReceiptRule` documentation of botocore's `ses` model.
//!
//! What the actions do with the message is `ops::inbound`'s.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use super::Region;
use super::receipt::Rule;

/// What arrived, as `<state>.received` keeps it (one JSON line a message; `sesm inbound`,
/// `GET /_sesm/inbound` read it; SendBounce finds the message it bounces in it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct InboundRecord {
    /// Its place among received messages (numbered by the store as it appends).
    #[serde(default)]
    pub seq: u64,
    pub message_id: String,
    pub time: Timestamp,
    pub region: String,
    /// The envelope sender (`MAIL FROM`; empty for a null sender).
    pub source: String,
    /// The envelope recipients the region took.
    pub recipients: Vec<String>,
    /// The `To` and `Cc` addresses of its headers (SES's `mail.destination`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub destination: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    /// The message as received, SES's headers included, in bytes.
    pub size: u64,
    /// The client's address.
    pub client_ip: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule_set: Option<String>,
    /// What each matching rule's actions did, in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub actions: Vec<ActionRecord>,
}

/// One action taken on a received message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ActionRecord {
    pub rule: String,
    /// `S3`, `SNS`, `Bounce`, `Lambda`, `WorkMail`, `Stop`, `AddHeader`, `Connect`.
    #[serde(rename = "Type")]
    pub kind: String,
    /// What it did, in words (`s3://bucket/key`, the topic, the header, …).
    pub detail: String,
    /// For an S3 action: the bucket and object key it wrote.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bucket: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
}

/// R11: whether a recipient's domain is one of the region's verified domains (or below
/// one): SES receives only for them.
pub fn domain_verified(region: &Region, recipient: &str) -> bool {
    let Some((_, domain)) = recipient.rsplit_once('@') else {
        return false;
    };
    let domain = domain.to_ascii_lowercase();
    let mut d = domain.as_str();
    loop {
        if region
            .identities
            .entry(d)
            .ok()
            .flatten()
            .is_some_and(|id| id.pending_verification.is_none())
        {
            return true;
        }
        match d.split_once('.') {
            Some((_, parent)) if parent.contains('.') => d = parent,
            _ => return false,
        }
    }
}

/// R12: whether a rule's recipient conditions take `recipient`: none takes every recipient; an
/// address takes itself, a domain its addresses (not its subdomains'), `.domain` the addresses
/// of its subdomains (case does not matter).
pub fn rule_takes(rule: &Rule, recipient: &str) -> bool {
    if rule.recipients.is_empty() {
        return true;
    }
    let r = recipient.to_ascii_lowercase();
    let domain = r.rsplit_once('@').map_or("", |(_, d)| d);
    rule.recipients.iter().any(|c| {
        let c = c.to_ascii_lowercase();
        if c.contains('@') {
            c == r
        } else if let Some(parent) = c.strip_prefix('.') {
            domain.ends_with(&format!(".{parent}"))
        } else {
            domain == c
        }
    })
}

/// The enabled rules of the active rule set, in order (none when receiving is off).
pub fn active_rules(region: &Region) -> Vec<&Rule> {
    region
        .active_receipt_rule_set
        .as_deref()
        .and_then(|name| region.receipt_rule_sets.get(name))
        .map(|set| set.rules.iter().filter(|r| r.enabled).collect())
        .unwrap_or_default()
}

/// R13: whether the region takes mail for `recipient`: its domain is verified and an enabled
/// rule of the active set takes it (a rule that requires TLS takes only mail that came over
/// TLS).
pub fn accepts(region: &Region, recipient: &str, tls: bool) -> bool {
    domain_verified(region, recipient)
        && active_rules(region)
            .iter()
            .any(|r| (tls || r.tls_policy != "Require") && rule_takes(r, recipient))
}

/// R14: the rules that apply to a message, in order, each with the recipients it takes.
pub fn applying<'a>(
    region: &'a Region,
    recipients: &[String],
    tls: bool,
) -> Vec<(&'a Rule, Vec<String>)> {
    active_rules(region)
        .into_iter()
        .filter(|r| tls || r.tls_policy != "Require")
        .filter_map(|r| {
            let took: Vec<String> = recipients
                .iter()
                .filter(|x| rule_takes(r, x))
                .cloned()
                .collect();
            (!took.is_empty()).then_some((r, took))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::Timestamp;

    fn rule(name: &str, recipients: &[&str], tls: &str) -> Rule {
        Rule {
            name: name.into(),
            enabled: true,
            tls_policy: tls.into(),
            recipients: recipients.iter().map(|s| s.to_string()).collect(),
            actions: Vec::new(),
            scan_enabled: false,
        }
    }

    #[test]
    fn recipient_conditions() {
        let r = rule("r", &["user@example.com"], "Optional");
        assert!(rule_takes(&r, "User@Example.com"));
        assert!(!rule_takes(&r, "other@example.com"));
        let d = rule("d", &["example.com"], "Optional");
        assert!(rule_takes(&d, "a@example.com"));
        assert!(!rule_takes(&d, "a@sub.example.com"));
        let s = rule("s", &[".example.com"], "Optional");
        assert!(rule_takes(&s, "a@sub.example.com"));
        assert!(!rule_takes(&s, "a@example.com"));
        assert!(rule_takes(&rule("all", &[], "Optional"), "x@anything.org"));
    }

    #[test]
    fn only_verified_domains_with_an_active_matching_rule_receive() {
        let mut region = Region::default();
        let now = Timestamp::UNIX_EPOCH;
        assert!(!accepts(&region, "a@example.com", false));
        region.create_identity("example.com", None, &[]).unwrap();
        region
            .create_rule_set(
                "s",
                vec![
                    rule("tls", &["secure@example.com"], "Require"),
                    rule("sup", &["support@example.com"], "Optional"),
                ],
                now,
            )
            .unwrap();
        assert!(
            !accepts(&region, "support@example.com", false),
            "no active set"
        );
        region.set_active_rule_set(Some("s")).unwrap();
        assert!(accepts(&region, "support@example.com", false));
        assert!(accepts(&region, "support@EXAMPLE.com", false));
        assert!(!accepts(&region, "sales@example.com", false));
        assert!(!accepts(&region, "secure@example.com", false));
        assert!(accepts(&region, "secure@example.com", true));
        assert!(!accepts(&region, "support@other.com", false));
        let both = applying(
            &region,
            &["support@example.com".into(), "x@example.com".into()],
            false,
        );
        assert_eq!(both.len(), 1);
        assert_eq!(both[0].1, vec!["support@example.com".to_string()]);
    }
}
