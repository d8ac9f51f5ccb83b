//! The checks of the sections version 5 added (contact lists, import jobs, identity policies,
//! custom verification templates, email receiving) and version 8's (the Deliverability
//! dashboard, reputation entities), for a state that did not come through
//! sesm's own rules; `check.rs` runs them with the others. Each names the first offending
//! resource and the rule it breaks.

use super::Region;
use super::{contact_list, custom_verification, policy, receipt, reputation};

impl Region {
    /// What is cheap to check on every read: email receiving, custom verification templates,
    /// import jobs.
    pub(super) fn check_receiving(&self) -> Result<(), String> {
        if self.receipt_rule_sets.len() > receipt::MAX_RULE_SETS {
            return Err(format!(
                "{} receipt rule sets, at most {} (R2)",
                self.receipt_rule_sets.len(),
                receipt::MAX_RULE_SETS
            ));
        }
        for (name, set) in &self.receipt_rule_sets {
            let what = format!("receipt rule set '{}'", name.escape_default());
            receipt::check_name(name, "rule set", false)
                .map_err(|e| format!("{what}: R1: {}", e.message))?;
            if set.rules.len() > receipt::MAX_RULES {
                return Err(format!(
                    "{what}: {} rules, at most {} (R2)",
                    set.rules.len(),
                    receipt::MAX_RULES
                ));
            }
            for (i, rule) in set.rules.iter().enumerate() {
                receipt::check_rule(rule).map_err(|e| {
                    format!(
                        "{what}: rule '{}': {}",
                        rule.name.escape_default(),
                        e.message
                    )
                })?;
                if set.rules[..i].iter().any(|r| r.name == rule.name) {
                    return Err(format!(
                        "{what}: rule '{}' is there twice (R3)",
                        rule.name.escape_default()
                    ));
                }
            }
        }
        if let Some(active) = &self.active_receipt_rule_set
            && !self.receipt_rule_sets.contains_key(active)
        {
            return Err(format!(
                "the active receipt rule set '{}' does not exist (R6)",
                active.escape_default()
            ));
        }
        if self.receipt_filters.len() > receipt::MAX_FILTERS {
            return Err(format!(
                "{} IP address filters, at most {} (R2)",
                self.receipt_filters.len(),
                receipt::MAX_FILTERS
            ));
        }
        for (name, f) in &self.receipt_filters {
            let what = format!("IP address filter '{}'", name.escape_default());
            receipt::check_name(name, "filter", false)
                .map_err(|e| format!("{what}: R1: {}", e.message))?;
            if (f.policy != "Block" && f.policy != "Allow")
                || receipt::parse_cidr(&f.cidr).is_none()
            {
                return Err(format!("{what}: R10: a Block or Allow policy over a CIDR"));
            }
        }
        if self.custom_verification_templates.len() > custom_verification::MAX_TEMPLATES {
            return Err(format!(
                "{} custom verification email templates, at most {} (V11)",
                self.custom_verification_templates.len(),
                custom_verification::MAX_TEMPLATES
            ));
        }
        for (name, t) in &self.custom_verification_templates {
            let what = format!(
                "custom verification email template '{}'",
                name.escape_default()
            );
            super::template::check_template_name(name)
                .map_err(|e| format!("{what}: {}", e.message))?;
            custom_verification::check_html(&t.template_content)
                .map_err(|e| format!("{what}: V14: {}", e.message))?;
        }
        if self.import_jobs.len() > super::import_job::MAX_JOBS {
            return Err(format!(
                "{} import jobs, at most {}",
                self.import_jobs.len(),
                super::import_job::MAX_JOBS
            ));
        }
        if self.insights.export_jobs.len() > super::export_job::MAX_JOBS {
            return Err(format!(
                "{} export jobs, at most {}",
                self.insights.export_jobs.len(),
                super::export_job::MAX_JOBS
            ));
        }
        for (id, j) in &self.insights.export_jobs {
            super::export_job::check_format(&j.data_format)
                .map_err(|e| format!("export job '{}': {}", id.escape_default(), e.message))?;
        }
        Ok(())
    }

    /// The Deliverability dashboard's domains and reputation entities' settings (D1, K2–K4).
    pub(super) fn check_deliverability(&self) -> Result<(), String> {
        for t in self
            .deliverability_dashboard
            .iter()
            .flat_map(|d| &d.domains)
        {
            if t.domain.is_empty() || t.domain.contains('@') {
                return Err(format!(
                    "Deliverability dashboard: '{}' is not a domain (D1)",
                    t.domain.escape_default()
                ));
            }
        }
        for (key, e) in &self.reputation_entities {
            let what = format!("reputation entity '{}'", key.escape_default());
            if !key.starts_with("identity/") && !key.starts_with("configuration-set/") {
                return Err(format!("{what}: an identity or a configuration set (K2)"));
            }
            if let Some(status) = &e.status
                && !reputation::SENDING_STATUSES.contains(&status.as_str())
            {
                return Err(format!(
                    "{what}: status '{}' is not ENABLED, REINSTATED or DISABLED (K3)",
                    status.escape_default()
                ));
            }
            if let Some(policy) = &e.policy {
                reputation::check_policy(policy)
                    .map_err(|err| format!("{what}: K4: {}", err.message))?;
            }
        }
        Ok(())
    }

    /// What needs a large section parsed: contact lists and identities' policies.
    pub(super) fn check_lists_and_policies(
        &self,
        account: &str,
        region: &str,
    ) -> Result<(), String> {
        let lists = self.contact_lists.get().map_err(|e| e.message)?;
        if lists.len() > contact_list::MAX_LISTS {
            return Err(format!(
                "{} contact lists, at most {} (L1)",
                lists.len(),
                contact_list::MAX_LISTS
            ));
        }
        for (name, list) in lists {
            let what = format!("contact list '{}'", name.escape_default());
            contact_list::check_topics(&list.topics)
                .map_err(|e| format!("{what}: L2: {}", e.message))?;
            if list.contacts.len() > contact_list::MAX_CONTACTS {
                return Err(format!(
                    "{what}: more than {} contacts",
                    contact_list::MAX_CONTACTS
                ));
            }
            for (address, c) in &list.contacts {
                if contact_list::contact_key(address) != *address {
                    return Err(format!(
                        "{what}: contact '{}' is not an address as SES stores it (L3)",
                        address.escape_default()
                    ));
                }
                if let Some(t) = c
                    .topic_preferences
                    .keys()
                    .find(|t| !list.topics.iter().any(|x| &x.topic_name == *t))
                {
                    return Err(format!(
                        "{what}: contact {address} prefers topic '{}', which the list lacks (L4)",
                        t.escape_default()
                    ));
                }
            }
        }
        for (name, id) in self.identities.get().map_err(|e| e.message)? {
            if id.policies.len() > policy::MAX_POLICIES {
                return Err(format!(
                    "identity '{}': {} policies, at most {} (Z2)",
                    name.escape_default(),
                    id.policies.len(),
                    policy::MAX_POLICIES
                ));
            }
            let arn = super::arn::arn(region, account, super::arn::ResourceKind::Identity, name);
            for (pname, doc) in &id.policies {
                let what = format!(
                    "identity '{}': policy '{}'",
                    name.escape_default(),
                    pname.escape_default()
                );
                policy::check_name(pname).map_err(|e| format!("{what}: Z1: {}", e.message))?;
                policy::check_document(doc, &arn).map_err(|e| format!("{what}: {}", e.message))?;
            }
        }
        Ok(())
    }
}
