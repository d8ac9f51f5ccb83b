//! Recommendations and reputation entities (rules K1–K8 in `ses-rules.md`).
//!
//! Recommendations are derived, never stored: the gaps sesm can see in the account (a domain
//! that does not sign with DKIM, no custom MAIL FROM domain, neither of them so DMARC cannot
//! pass, a dedicated IP listed by the model's estimate, a standard pool of one IP). Reputation
//! entities are the region's identities and configuration sets, named by their ARN; what the
//! customer sets on them (status, policy) is kept per entity.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use super::Region;
use crate::error::{Error, Result};

/// What the customer set on one reputation entity; since version 8.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct EntitySettings {
    /// UpdateReputationEntityPolicy's policy ARN; `None`: SES's default (`DEFAULT_POLICY`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_updated: Option<Timestamp>,
}

/// The policy an entity has until one is put (K4).
pub const DEFAULT_POLICY: &str = "standard";
/// The SES-managed policies (K4).
pub const POLICIES: [&str; 3] = ["none", "standard", "strict"];
pub const SENDING_STATUSES: [&str; 3] = ["ENABLED", "REINSTATED", "DISABLED"];
pub const ENTITY_TYPES: [&str; 1] = ["RESOURCE"];
pub const TYPES: [&str; 8] = [
    "DKIM",
    "DMARC",
    "SPF",
    "BIMI",
    "COMPLAINT",
    "BOUNCE",
    "FEEDBACK_3P",
    "IP_LISTING",
];
pub const IMPACTS: [&str; 2] = ["LOW", "HIGH"];
pub const STATUSES: [&str; 2] = ["OPEN", "FIXED"];

/// K4: a policy ARN as SES's pattern has it,
/// `^arn:[a-z0-9-]+:ses:[a-z0-9-]+:aws:reputation-policy/(none|standard|strict)$`; its name.
pub fn check_policy(arn: &str) -> Result<&str> {
    let bad = || {
        Error::bad_request(format!(
            "Invalid reputation entity policy '{arn}': use arn:aws:ses:REGION:aws:reputation-policy/none, standard or strict."
        ))
    };
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    let [arn_, partition, ses, region, owner, resource] = parts[..] else {
        return Err(bad());
    };
    let word = |s: &str| {
        !s.is_empty()
            && s.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    };
    let name = resource
        .strip_prefix("reputation-policy/")
        .ok_or_else(bad)?;
    if arn_ != "arn"
        || !word(partition)
        || ses != "ses"
        || !word(region)
        || owner != "aws"
        || !POLICIES.contains(&name)
    {
        return Err(bad());
    }
    Ok(name)
}

/// The ARN of an SES-managed policy in a region.
pub fn policy_arn(partition: &str, region: &str, name: &str) -> String {
    format!("arn:{partition}:ses:{region}:aws:reputation-policy/{name}")
}

/// K1: the entity type, `RESOURCE` (the only one SES has).
pub fn check_entity_type(t: &str) -> Result<()> {
    if ENTITY_TYPES.contains(&t) {
        Ok(())
    } else {
        Err(super::rules::enum_error(
            t,
            "reputationEntityType",
            &ENTITY_TYPES,
        ))
    }
}

/// K2: a reference that names no entity of the region.
pub fn entity_not_found(reference: &str) -> Error {
    Error::not_found(format!(
        "Reputation entity {reference} does not exist: reputation entities are the region's email identities and configuration sets, named by their ARN."
    ))
}

/// One gap in the account, as ListRecommendations reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// The affected resource: `identity/NAME`, `configuration-set/NAME` or
    /// `dedicated-ip-pool/NAME` (the ARN's resource part).
    pub resource: String,
    pub kind: &'static str,
    pub impact: &'static str,
    pub description: String,
}

impl Region {
    /// K6: the gaps sesm sees in this region, by resource then type. `listed` names the pools
    /// whose IPs the model lists (D8).
    pub fn findings(&self, listed: &[String]) -> Result<Vec<Finding>> {
        let mut out = Vec::new();
        for (name, id) in self.identities.get()?.iter() {
            let resource = format!("identity/{name}");
            let domain = !name.contains('@');
            let parent_signs = name
                .rsplit_once('@')
                .and_then(|(_, d)| self.identities.get().ok()?.get(d))
                .is_some_and(|d| d.dkim_signing_enabled != Some(false));
            let signs = if domain {
                id.dkim_signing_enabled != Some(false)
            } else {
                parent_signs
            };
            if !signs {
                out.push(Finding {
                    resource: resource.clone(),
                    kind: "DKIM",
                    impact: "HIGH",
                    description: format!(
                        "Mail from {name} is not signed with DKIM: enable DKIM signing on {}.",
                        if domain {
                            "this domain"
                        } else {
                            "its domain's identity"
                        }
                    ),
                });
            }
            if domain && id.mail_from_domain.is_none() {
                out.push(Finding {
                    resource: resource.clone(),
                    kind: "SPF",
                    impact: "LOW",
                    description: format!(
                        "{name} has no custom MAIL FROM domain: SPF passes for amazonses.com, not aligned with {name}."
                    ),
                });
                if !signs {
                    out.push(Finding {
                        resource,
                        kind: "DMARC",
                        impact: "HIGH",
                        description: format!(
                            "Mail from {name} can pass DMARC neither by DKIM (not signed) nor by SPF (no custom MAIL FROM domain)."
                        ),
                    });
                }
            }
        }
        for pool in listed {
            out.push(Finding {
                resource: format!("dedicated-ip-pool/{pool}"),
                kind: "IP_LISTING",
                impact: "HIGH",
                description: format!(
                    "The dedicated IPs of pool {pool} are listed (estimate: see GetBlacklistReports)."
                ),
            });
        }
        for (pool, count) in self.standard_pools_of_one_ip() {
            if count == 1 && !listed.contains(&pool) {
                out.push(Finding {
                    resource: format!("dedicated-ip-pool/{pool}"),
                    kind: "IP_LISTING",
                    impact: "LOW",
                    description: format!(
                        "Standard pool {pool} has one dedicated IP: if it is listed, the pool has no other IP to send from."
                    ),
                });
            }
        }
        Ok(out)
    }

    /// Standard pools (the default pool included) and how many IPs each holds.
    fn standard_pools_of_one_ip(&self) -> Vec<(String, usize)> {
        let mut counts: std::collections::BTreeMap<String, usize> = Default::default();
        for ip in self.ips.values() {
            let managed = self
                .pools
                .get(&ip.pool)
                .is_some_and(|p| p.managed.is_some());
            if !managed {
                *counts.entry(ip.pool.clone()).or_default() += 1;
            }
        }
        counts.into_iter().collect()
    }

    /// K2: whether `resource` (`identity/NAME`, `configuration-set/NAME`) is an entity here.
    pub fn entity_exists(&self, resource: &str) -> Result<bool> {
        Ok(match resource.split_once('/') {
            Some(("identity", name)) => self.identities.contains(name)?,
            Some(("configuration-set", name)) => self.configuration_sets.contains(name)?,
            _ => false,
        })
    }

    /// K3, K5: the aggregate sending status of an entity: DISABLED when the customer or SES
    /// disabled it, REINSTATED when the customer reinstated it, else ENABLED.
    pub fn entity_aggregate(&self, resource: &str, ses_status: &str) -> &'static str {
        let customer = self
            .reputation_entities
            .get(resource)
            .and_then(|e| e.status.as_deref())
            .unwrap_or("ENABLED");
        match (customer, ses_status) {
            ("DISABLED", _) | (_, "DISABLED") => "DISABLED",
            ("REINSTATED", _) => "REINSTATED",
            _ => "ENABLED",
        }
    }

    /// K5: the SES-managed status: the `strict` policy pauses an entity with a HIGH finding;
    /// `standard` and `none` leave it sending (sesm sees no bounce or complaint findings, on
    /// which SES's `standard` policy acts). A REINSTATED customer status overrides findings.
    pub fn ses_status(
        &self,
        resource: &str,
        impact: Option<&str>,
    ) -> (&'static str, Option<String>) {
        let settings = self.reputation_entities.get(resource);
        let policy = settings
            .and_then(|e| e.policy.as_deref())
            .and_then(|p| p.rsplit('/').next())
            .unwrap_or(DEFAULT_POLICY);
        let reinstated = settings.and_then(|e| e.status.as_deref()) == Some("REINSTATED");
        if policy == "strict" && impact == Some("HIGH") && !reinstated {
            (
                "DISABLED",
                Some("The strict reputation policy pauses sending while a HIGH impact finding is open (see ListRecommendations).".to_string()),
            )
        } else {
            ("ENABLED", None)
        }
    }

    /// K5: refuses a send through an entity (the sender's identity or the set) whose
    /// aggregate status is DISABLED.
    pub fn check_entities_send(&self, identity: Option<&str>, set: Option<&str>) -> Result<()> {
        if self.reputation_entities.is_empty() {
            return Ok(());
        }
        // v1 has no code of its own for an entity: an identity's pause is said as the
        // account's, a set's as the set's.
        let resources = identity
            .map(|i| (format!("identity/{i}"), crate::error::About::Account))
            .into_iter()
            .chain(set.map(|s| {
                (
                    format!("configuration-set/{s}"),
                    crate::error::About::ConfigurationSet,
                )
            }));
        let mut findings = None;
        for (resource, about) in resources {
            // An entity nobody set anything on sends (the default policy pauses nothing sesm
            // derives), so most sends look at no finding.
            if !self.reputation_entities.contains_key(&resource) {
                continue;
            }
            if findings.is_none() {
                findings = Some(self.findings(&[])?);
            }
            let impact = highest_impact(findings.as_deref().unwrap_or_default(), &resource);
            let (ses, _) = self.ses_status(&resource, impact);
            if self.entity_aggregate(&resource, ses) == "DISABLED" {
                return Err(Error::sending_paused(
                    format!("Sending is paused for reputation entity {resource}."),
                    about,
                )
                .hint("UpdateReputationEntityCustomerManagedStatus with SendingStatus ENABLED or REINSTATED"));
            }
        }
        Ok(())
    }
}

/// The highest impact among a resource's findings.
pub fn highest_impact(findings: &[Finding], resource: &str) -> Option<&'static str> {
    let mine = findings.iter().filter(|f| f.resource == resource);
    let mut best = None;
    for f in mine {
        if f.impact == "HIGH" {
            return Some("HIGH");
        }
        best = Some(f.impact);
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policy_arns_follow_ses_pattern() {
        assert_eq!(
            check_policy("arn:aws:ses:us-east-1:aws:reputation-policy/strict").unwrap(),
            "strict"
        );
        assert_eq!(
            check_policy("arn:aws-cn:ses:cn-north-1:aws:reputation-policy/none").unwrap(),
            "none"
        );
        for bad in [
            "strict",
            "arn:aws:ses:us-east-1:123456789012:reputation-policy/strict",
            "arn:aws:ses:us-east-1:aws:reputation-policy/lenient",
            "arn:aws:sns:us-east-1:aws:reputation-policy/none",
            "arn:AWS:ses:us-east-1:aws:reputation-policy/none",
            "arn:aws:ses::aws:reputation-policy/none",
        ] {
            assert!(check_policy(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_aggregate_is_disabled_when_either_side_is() {
        let mut r = Region::default();
        assert_eq!(r.entity_aggregate("identity/a.com", "ENABLED"), "ENABLED");
        assert_eq!(r.entity_aggregate("identity/a.com", "DISABLED"), "DISABLED");
        r.reputation_entities.insert(
            "identity/a.com".into(),
            EntitySettings {
                status: Some("REINSTATED".into()),
                ..Default::default()
            },
        );
        assert_eq!(
            r.entity_aggregate("identity/a.com", "ENABLED"),
            "REINSTATED"
        );
        assert_eq!(r.entity_aggregate("identity/a.com", "DISABLED"), "DISABLED");
        r.reputation_entities
            .get_mut("identity/a.com")
            .unwrap()
            .status = Some("DISABLED".into());
        assert_eq!(r.entity_aggregate("identity/a.com", "ENABLED"), "DISABLED");
    }

    #[test]
    fn strict_pauses_a_high_finding_unless_reinstated() {
        let mut r = Region::default();
        let key = "identity/a.com";
        assert_eq!(r.ses_status(key, Some("HIGH")).0, "ENABLED");
        r.reputation_entities.insert(
            key.into(),
            EntitySettings {
                policy: Some("arn:aws:ses:us-east-1:aws:reputation-policy/strict".into()),
                ..Default::default()
            },
        );
        assert_eq!(r.ses_status(key, Some("HIGH")).0, "DISABLED");
        assert_eq!(r.ses_status(key, Some("LOW")).0, "ENABLED");
        assert_eq!(r.ses_status(key, None).0, "ENABLED");
        r.reputation_entities.get_mut(key).unwrap().status = Some("REINSTATED".into());
        assert_eq!(r.ses_status(key, Some("HIGH")).0, "ENABLED");
    }

    #[test]
    fn a_state_with_bad_settings_is_refused_when_checked() {
        let mut r = Region::default();
        assert_eq!(r.check_deliverability(), Ok(()));
        let mut put = |key: &str, e: EntitySettings| {
            r.reputation_entities.clear();
            r.reputation_entities.insert(key.into(), e);
            r.check_deliverability()
        };
        let status = |s: &str| EntitySettings {
            status: Some(s.into()),
            ..Default::default()
        };
        assert_eq!(put("identity/a.com", status("REINSTATED")), Ok(()));
        assert!(
            put("identity/a.com", status("PAUSED"))
                .unwrap_err()
                .contains("K3")
        );
        assert!(
            put("tenant/t", status("ENABLED"))
                .unwrap_err()
                .contains("K2")
        );
        let policy = EntitySettings {
            policy: Some("strict".into()),
            ..Default::default()
        };
        assert!(
            put("configuration-set/cs", policy)
                .unwrap_err()
                .contains("K4")
        );
    }

    #[test]
    fn highest_impact_prefers_high() {
        let f = |impact| Finding {
            resource: "identity/a.com".into(),
            kind: "SPF",
            impact,
            description: String::new(),
        };
        assert_eq!(
            highest_impact(&[f("LOW"), f("HIGH")], "identity/a.com"),
            Some("HIGH")
        );
        assert_eq!(highest_impact(&[f("LOW")], "identity/a.com"), Some("LOW"));
        assert_eq!(highest_impact(&[f("LOW")], "identity/b.com"), None);
    }
}
