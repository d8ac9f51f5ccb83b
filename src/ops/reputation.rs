//! `ListRecommendations` and reputation entities: `GetReputationEntity`,
//! `ListReputationEntities`, `UpdateReputationEntityCustomerManagedStatus`,
//! `UpdateReputationEntityPolicy` (rules K1–K8 in `model::reputation`).

use std::collections::BTreeMap;

use jiff::Timestamp;

use super::{Page, Paging, page};
use crate::error::{Error, Result};
use crate::model::State;
use crate::model::arn::{self, ResourceKind};
use crate::model::reputation::{
    self as rep, DEFAULT_POLICY, Finding, IMPACTS, STATUSES, TYPES, highest_impact,
};
use crate::model::rules::enum_error;

/// The region's findings, with the pools the model lists.
fn findings(s: &State, region: &str) -> Result<Vec<Finding>> {
    let r = s.region(region);
    r.findings(&super::deliverability::listed_pools(r)?)
}

/// The ARN of a finding's or entity's resource part (`identity/NAME`).
fn resource_arn(s: &State, region: &str, resource: &str) -> String {
    format!(
        "arn:{}:ses:{region}:{}:{resource}",
        State::partition(region),
        s.account_id
    )
}

/// One recommendation as ListRecommendations gives it.
#[derive(Debug, Clone)]
pub struct RecommendationView {
    pub resource_arn: String,
    pub kind: &'static str,
    pub impact: &'static str,
    pub description: String,
    pub status: &'static str,
    /// When sesm saw it: findings are derived, so this is the account clock's day.
    pub created: Timestamp,
}

/// K7: ListRecommendations' filter: one key, or STATUS with IMPACT or TYPE, each value one of
/// its enum's (RESOURCE_ARN any ARN).
fn check_recommendation_filter(filter: &BTreeMap<String, String>) -> Result<()> {
    let keys: Vec<&str> = filter.keys().map(String::as_str).collect();
    let ok = matches!(
        keys[..],
        [] | [_] | ["IMPACT", "STATUS"] | ["STATUS", "TYPE"]
    );
    if !ok {
        return Err(Error::bad_request(
            "Filter takes one key, or STATUS with IMPACT, or STATUS with TYPE.",
        ));
    }
    for (k, v) in filter {
        match k.as_str() {
            "TYPE" if !TYPES.contains(&v.as_str()) => return Err(enum_error(v, "TYPE", &TYPES)),
            "IMPACT" if !IMPACTS.contains(&v.as_str()) => {
                return Err(enum_error(v, "IMPACT", &IMPACTS));
            }
            "STATUS" if !STATUSES.contains(&v.as_str()) => {
                return Err(enum_error(v, "STATUS", &STATUSES));
            }
            _ => {}
        }
    }
    Ok(())
}

/// ListRecommendations (K6, K7): the open findings, filtered and paged (1–100 a page).
pub fn recommendations(
    s: &State,
    region: &str,
    filter: &BTreeMap<String, String>,
    paging: &Paging,
) -> Result<Page<RecommendationView>> {
    check_recommendation_filter(filter)?;
    if let Some(n) = paging.page_size
        && !(1..=100).contains(&n)
    {
        return Err(Error::bad_request(format!(
            "Invalid PageSize {n}: use a number from 1 to 100."
        )));
    }
    let created = crate::model::deliverability::start_of(s.date);
    let items = findings(s, region)?
        .into_iter()
        .map(|f| RecommendationView {
            resource_arn: resource_arn(s, region, &f.resource),
            kind: f.kind,
            impact: f.impact,
            description: f.description,
            status: "OPEN",
            created,
        })
        .filter(|v| {
            filter.iter().all(|(k, want)| match k.as_str() {
                "TYPE" => v.kind == want,
                "IMPACT" => v.impact == want,
                "STATUS" => v.status == want,
                _ => v.resource_arn == *want,
            })
        })
        .enumerate()
        .map(|(i, v)| (format!("{i:08}"), v))
        .collect();
    page("recommendations", items, paging)
}

/// A reputation entity as GetReputationEntity gives it.
#[derive(Debug, Clone)]
pub struct EntityView {
    pub reference: String,
    pub policy_arn: String,
    pub customer_status: String,
    pub customer_updated: Option<Timestamp>,
    pub ses_status: &'static str,
    pub ses_cause: Option<String>,
    pub aggregate: &'static str,
    pub impact: Option<&'static str>,
}

/// K1, K2: the entity a type and reference name, as its resource part (`identity/NAME`).
fn entity_key(s: &State, region: &str, entity_type: &str, reference: &str) -> Result<String> {
    rep::check_entity_type(entity_type)?;
    let parsed = reference
        .starts_with("arn:")
        .then(|| arn::parse(reference, region, &s.account_id).ok())
        .flatten()
        .filter(|r| r.region == region && r.account == s.account_id);
    let key = match parsed {
        Some(r) if r.kind == ResourceKind::Identity => format!("identity/{}", r.name),
        Some(r) if r.kind == ResourceKind::ConfigSet => format!("configuration-set/{}", r.name),
        _ => return Err(rep::entity_not_found(reference)),
    };
    if !s.region(region).entity_exists(&key)? {
        return Err(rep::entity_not_found(reference));
    }
    Ok(key)
}

fn view(s: &State, region: &str, key: &str, findings: &[Finding]) -> EntityView {
    let r = s.region(region);
    let settings = r.reputation_entities.get(key).cloned().unwrap_or_default();
    let impact = highest_impact(findings, key);
    let (ses_status, ses_cause) = r.ses_status(key, impact);
    EntityView {
        reference: resource_arn(s, region, key),
        policy_arn: settings
            .policy
            .clone()
            .unwrap_or_else(|| rep::policy_arn(State::partition(region), region, DEFAULT_POLICY)),
        customer_status: settings.status.unwrap_or_else(|| "ENABLED".to_string()),
        customer_updated: settings.status_updated,
        ses_status,
        ses_cause,
        aggregate: r.entity_aggregate(key, ses_status),
        impact,
    }
}

/// GetReputationEntity (K1–K5).
pub fn get_entity(
    s: &State,
    region: &str,
    entity_type: &str,
    reference: &str,
) -> Result<EntityView> {
    let key = entity_key(s, region, entity_type, reference)?;
    Ok(view(s, region, &key, &findings(s, region)?))
}

/// ListReputationEntities (K8): the region's identities then configuration sets, filtered
/// and paged.
pub fn list_entities(
    s: &State,
    region: &str,
    filter: &BTreeMap<String, String>,
    paging: &Paging,
) -> Result<Page<EntityView>> {
    for (k, v) in filter {
        match k.as_str() {
            "ENTITY_TYPE" => rep::check_entity_type(v)?,
            "REPUTATION_IMPACT" if !IMPACTS.contains(&v.as_str()) => {
                return Err(enum_error(v, "REPUTATION_IMPACT", &IMPACTS));
            }
            "SENDING_STATUS" if !rep::SENDING_STATUSES.contains(&v.as_str()) => {
                return Err(enum_error(v, "SENDING_STATUS", &rep::SENDING_STATUSES));
            }
            _ => {}
        }
    }
    let r = s.region(region);
    let all = findings(s, region)?;
    let keys = r
        .identities
        .get()?
        .keys()
        .map(|n| format!("identity/{n}"))
        .chain(
            r.configuration_sets
                .get()?
                .keys()
                .map(|n| format!("configuration-set/{n}")),
        );
    let items = keys
        .map(|k| view(s, region, &k, &all))
        .filter(|v| {
            filter.iter().all(|(k, want)| match k.as_str() {
                "REPUTATION_IMPACT" => v.impact == Some(want.as_str()),
                "SENDING_STATUS" => v.aggregate == want,
                "ENTITY_REFERENCE_PREFIX" => v.reference.starts_with(want.as_str()),
                _ => true,
            })
        })
        .map(|v| (v.reference.clone(), v))
        .collect();
    page("reputation-entities", items, paging)
}

/// UpdateReputationEntityCustomerManagedStatus (K3).
pub fn update_status(
    s: &mut State,
    region: &str,
    entity_type: &str,
    reference: &str,
    status: &str,
    now: Timestamp,
) -> Result<()> {
    if !rep::SENDING_STATUSES.contains(&status) {
        return Err(enum_error(status, "sendingStatus", &rep::SENDING_STATUSES));
    }
    let key = entity_key(s, region, entity_type, reference)?;
    let e = s
        .region_mut(region)
        .reputation_entities
        .entry(key)
        .or_default();
    e.status = Some(status.to_string());
    e.status_updated = Some(now);
    Ok(())
}

/// UpdateReputationEntityPolicy (K4).
pub fn update_policy(
    s: &mut State,
    region: &str,
    entity_type: &str,
    reference: &str,
    policy: &str,
) -> Result<()> {
    rep::check_policy(policy)?;
    let key = entity_key(s, region, entity_type, reference)?;
    s.region_mut(region)
        .reputation_entities
        .entry(key)
        .or_default()
        .policy = Some(policy.to_string());
    Ok(())
}
