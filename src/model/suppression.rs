//! The account-level suppression list, rules S1–S6 (`ses-rules.md`): addresses SES will not
//! deliver to in this region, the reasons that add addresses automatically (the account's
//! `SuppressionAttributes`), and a configuration set's `SuppressionOptions` that override them.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use super::config_set::OptionBlock;
pub use super::rules::{Reason, parse_reasons};
use super::sending::check_address;
use super::{Region, State};
use crate::error::{Error, Result};

/// One suppressed address (botocore's `SuppressedDestination`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Suppressed {
    /// The address as SES compares it (the domain lowercase), the list's key.
    pub email_address: String,
    pub reason: Reason,
    pub last_update_time: Timestamp,
    /// The message whose bounce or complaint added it (none when put by hand).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub feedback_id: Option<String>,
}

/// What ListSuppressedDestinations keeps.
#[derive(Debug, Clone, Default)]
pub struct ListFilter {
    /// Only these reasons (none: every reason).
    pub reasons: Vec<Reason>,
    /// Only addresses updated at or after this time.
    pub start: Option<Timestamp>,
    /// Only addresses updated at or before this time.
    pub end: Option<Timestamp>,
}

fn not_found(address: &str) -> Error {
    Error::not_found(format!(
        "Email address {address} does not exist on your suppression list."
    ))
    .about(crate::error::About::SuppressedDestination)
    .hint("list the suppressed addresses with: sesm suppression list")
}

/// The reasons SES adds addresses for when the account never said (S5): an account created
/// after November 2019 suppresses both.
pub const DEFAULT_REASONS: [Reason; 2] = [Reason::Bounce, Reason::Complaint];

impl Region {
    /// S1–S3: puts an address on the suppression list (or updates its reason and time).
    pub fn put_suppressed(
        &mut self,
        address: &str,
        reason: &str,
        now: Timestamp,
        message_id: Option<String>,
    ) -> Result<Suppressed> {
        let key = check_suppressed_address(address)?;
        let reason: Reason = reason.parse().map_err(|_| {
            super::rules::enum_error(reason, "reason", &Reason::ALL.map(Reason::as_str))
        })?;
        let entry = Suppressed {
            email_address: key.clone(),
            reason,
            last_update_time: now,
            message_id,
            feedback_id: None,
        };
        self.suppressed.insert(key, entry.clone());
        Ok(entry)
    }

    /// S1, S4: one suppressed address.
    pub fn get_suppressed(&self, address: &str) -> Result<Suppressed> {
        let key = check_suppressed_address(address)?;
        self.suppressed
            .get(&key)
            .cloned()
            .ok_or_else(|| not_found(address))
    }

    /// S1, S4: takes an address off the list.
    pub fn delete_suppressed(&mut self, address: &str) -> Result<Suppressed> {
        let key = check_suppressed_address(address)?;
        self.suppressed
            .remove(&key)
            .ok_or_else(|| not_found(address))
    }

    /// The suppressed addresses a filter keeps, sorted by address.
    pub fn list_suppressed(&self, filter: &ListFilter) -> Vec<&Suppressed> {
        self.suppressed
            .values()
            .filter(|s| filter.reasons.is_empty() || filter.reasons.contains(&s.reason))
            .filter(|s| filter.start.is_none_or(|t| s.last_update_time >= t))
            .filter(|s| filter.end.is_none_or(|t| s.last_update_time <= t))
            .collect()
    }

    /// Why an address is suppressed, if it is: what a send to it is answered with (a Bounce
    /// of subtype `OnAccountSuppressionList`). Text that is no address is not suppressed.
    pub fn suppressed(&self, address: &str) -> Option<Reason> {
        let key = check_address(address, "recipient").ok()?;
        self.suppressed.get(&key).map(|s| s.reason)
    }

    /// S5: the reasons the account suppresses for (PutAccountSuppressionAttributes).
    pub fn account_suppression_reasons(&self) -> Vec<Reason> {
        self.suppression_reasons
            .clone()
            .unwrap_or_else(|| DEFAULT_REASONS.to_vec())
    }

    /// S5, S6: which bounces and complaints add an address to the list for mail sent through
    /// `config_set` (none: no set): the set's `SuppressionOptions.SuppressedReasons` when the
    /// set has that block, else the account's.
    pub fn suppression_reasons_for(&self, config_set: Option<&str>) -> Vec<Reason> {
        let set_reasons = config_set
            .and_then(|name| self.configuration_sets.entry(name).ok().flatten())
            .and_then(|cs| {
                cs.options
                    .get(OptionBlock::Suppression.member())
                    .and_then(|o| o.get("SuppressedReasons"))
                    .and_then(|r| r.as_array().cloned())
            });
        match set_reasons {
            Some(list) => {
                let mut out: Vec<Reason> = list
                    .iter()
                    .filter_map(|v| v.as_str().and_then(|s| s.parse().ok()))
                    .collect();
                out.sort();
                out.dedup();
                out
            }
            None => self.account_suppression_reasons(),
        }
    }
}

impl State {
    /// Checks and stores the account's suppression reasons of a region (S2, S5).
    pub fn put_account_suppression(&mut self, region: &str, reasons: &[String]) -> Result<()> {
        let reasons = parse_reasons(reasons, "suppressedReasons")?;
        self.region_mut(region).suppression_reasons = Some(reasons);
        Ok(())
    }
}

/// S1: an address (`local@domain`) as SES compares it.
fn check_suppressed_address(raw: &str) -> Result<String> {
    if raw.is_empty() {
        return Err(Error::bad_request("EmailAddress is required."));
    }
    let addr = check_address(raw, "email")?;
    if addr.contains('<') || raw.contains('<') {
        return Err(Error::bad_request(format!(
            "Invalid email address '{raw}': give the address alone, without a display name."
        )));
    }
    Ok(addr)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sets_options_override_the_account() {
        let mut r = Region::default();
        assert_eq!(r.suppression_reasons_for(None), DEFAULT_REASONS.to_vec());
        r.suppression_reasons = Some(vec![Reason::Complaint]);
        r.create_config_set(super::super::config_set::NewConfigSet {
            name: "cs".into(),
            ..Default::default()
        })
        .unwrap();
        assert_eq!(
            r.suppression_reasons_for(Some("cs")),
            vec![Reason::Complaint]
        );
        r.put_option_block(
            "cs",
            OptionBlock::Suppression,
            Some(serde_json::json!({"SuppressedReasons": []})),
        )
        .unwrap();
        assert_eq!(r.suppression_reasons_for(Some("cs")), vec![]);
        assert_eq!(r.suppression_reasons_for(None), vec![Reason::Complaint]);
    }

    #[test]
    fn addresses_compare_with_the_domain_lowercase() {
        let mut r = Region::default();
        let now = Timestamp::from_second(1_800_000_000).unwrap();
        r.put_suppressed("Jane@Example.COM", "BOUNCE", now, None)
            .unwrap();
        assert_eq!(r.suppressed("Jane@example.com"), Some(Reason::Bounce));
        assert_eq!(r.suppressed("jane@example.com"), None);
        assert!(r.put_suppressed("nope", "BOUNCE", now, None).is_err());
        assert!(r.put_suppressed("a@b.com", "bounce", now, None).is_err());
    }
}
