//! Email receiving's configuration, SES v1's receipt actions: `CreateReceiptRuleSet`,
//! `CloneReceiptRuleSet`, `DescribeReceiptRuleSet`, `ListReceiptRuleSets`,
//! `DeleteReceiptRuleSet`, `ReorderReceiptRuleSet`, `SetActiveReceiptRuleSet`,
//! `DescribeActiveReceiptRuleSet`, `CreateReceiptRule`, `DescribeReceiptRule`,
//! `UpdateReceiptRule`, `DeleteReceiptRule`, `SetReceiptRulePosition`, `CreateReceiptFilter`,
//! `DeleteReceiptFilter`, `ListReceiptFilters` (rules R1–R10 in `model::receipt`).

use jiff::Timestamp;

use super::{Page, Paging, page};
use crate::error::Result;
use crate::model::State;
use crate::model::receipt::{Filter, Rule, RuleSet, rule_not_found};

pub fn create_rule_set(s: &mut State, region: &str, name: &str, now: Timestamp) -> Result<()> {
    s.region_mut(region).create_rule_set(name, Vec::new(), now)
}

/// CloneReceiptRuleSet: a new set with copies of `original`'s rules.
pub fn clone_rule_set(
    s: &mut State,
    region: &str,
    name: &str,
    original: &str,
    now: Timestamp,
) -> Result<()> {
    crate::model::receipt::check_name(original, "rule set", false)?;
    let rules = s.region(region).existing_rule_set(original)?.rules.clone();
    s.region_mut(region).create_rule_set(name, rules, now)
}

pub fn describe_rule_set(s: &State, region: &str, name: &str) -> Result<RuleSet> {
    s.region(region).existing_rule_set(name).cloned()
}

/// ListReceiptRuleSets: by name, 100 a page (SES: "up to 100 receipt rule sets at a time").
pub fn list_rule_sets(
    s: &State,
    region: &str,
    next_token: Option<String>,
) -> Result<Page<(String, Timestamp)>> {
    let items = s
        .region(region)
        .receipt_rule_sets
        .iter()
        .map(|(n, set)| (n.clone(), (n.clone(), set.created)))
        .collect();
    page(
        "receipt-rule-sets",
        items,
        &Paging {
            next_token,
            page_size: Some(100),
        },
    )
}

pub fn delete_rule_set(s: &mut State, region: &str, name: &str) -> Result<()> {
    s.region_mut(region).delete_rule_set(name)
}

pub fn reorder(s: &mut State, region: &str, set: &str, order: &[String]) -> Result<()> {
    s.region_mut(region).reorder_rules(set, order)
}

/// SetActiveReceiptRuleSet (`None`: receiving off).
pub fn set_active(s: &mut State, region: &str, name: Option<&str>) -> Result<()> {
    s.region_mut(region).set_active_rule_set(name)
}

/// DescribeActiveReceiptRuleSet: the active set and its rules, when one is.
pub fn describe_active(s: &State, region: &str) -> Option<(String, RuleSet)> {
    let r = s.region(region);
    let name = r.active_receipt_rule_set.clone()?;
    let set = r.receipt_rule_sets.get(&name)?.clone();
    Some((name, set))
}

pub fn create_rule(
    s: &mut State,
    region: &str,
    set: &str,
    rule: Rule,
    after: Option<&str>,
) -> Result<()> {
    s.region_mut(region).create_rule(set, rule, after)
}

pub fn describe_rule(s: &State, region: &str, set: &str, name: &str) -> Result<Rule> {
    s.region(region)
        .existing_rule_set(set)?
        .rules
        .iter()
        .find(|r| r.name == name)
        .cloned()
        .ok_or_else(|| rule_not_found(name))
}

pub fn update_rule(s: &mut State, region: &str, set: &str, rule: Rule) -> Result<()> {
    s.region_mut(region).update_rule(set, rule)
}

pub fn delete_rule(s: &mut State, region: &str, set: &str, name: &str) -> Result<()> {
    s.region_mut(region).delete_rule(set, name)
}

pub fn set_rule_position(
    s: &mut State,
    region: &str,
    set: &str,
    name: &str,
    after: Option<&str>,
) -> Result<()> {
    s.region_mut(region).set_rule_position(set, name, after)
}

pub fn create_filter(
    s: &mut State,
    region: &str,
    name: &str,
    policy: &str,
    cidr: &str,
) -> Result<()> {
    s.region_mut(region).create_filter(name, policy, cidr)
}

/// DeleteReceiptFilter: a filter that is not there is no error (its model lists none).
pub fn delete_filter(s: &mut State, region: &str, name: &str) -> Result<()> {
    s.region_mut(region).receipt_filters.remove(name);
    Ok(())
}

/// ListReceiptFilters: every filter, by name.
pub fn list_filters(s: &State, region: &str) -> Vec<(String, Filter)> {
    s.region(region)
        .receipt_filters
        .iter()
        .map(|(n, f)| (n.clone(), f.clone()))
        .collect()
}
