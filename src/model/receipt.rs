//! Email receiving's configuration (SES v1 `CreateReceiptRuleSet` … `SetActiveReceiptRuleSet`,
//! `CreateReceiptFilter` …), rules R1–R10 (`ses-rules.md`): rule sets, their ordered rules,
//! each rule's recipient conditions and ordered actions, the one active set, and IP address
//! filters. Sources: botocore's `ses` model (the name rules, `ReceiptRule`, `ReceiptAction`),
//! SES Developer Guide, "Service quotas" (receiving) and the action pages.
//!
//! How mail is received with them is `model::inbound`'s.

use std::collections::BTreeMap;
use std::net::Ipv4Addr;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use super::Region;
use crate::error::{About, Error, Result};

/// R2: SES's receiving quotas (per region, as every SES quota).
pub const MAX_RULE_SETS: usize = 40;
pub const MAX_RULES: usize = 200;
pub const MAX_ACTIONS: usize = 10;
pub const MAX_RECIPIENTS: usize = 100;
pub const MAX_FILTERS: usize = 100;

/// A rule set: when it was made and its rules, in order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct RuleSet {
    pub created: Timestamp,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rules: Vec<Rule>,
}

/// A receipt rule (botocore's `ReceiptRule`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Rule {
    pub name: String,
    /// `Enabled`: false unless given ("The default value is false").
    #[serde(default)]
    pub enabled: bool,
    /// `Require` or `Optional` (the default).
    pub tls_policy: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub recipients: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub actions: Vec<Action>,
    #[serde(default)]
    pub scan_enabled: bool,
}

/// One action of a rule (botocore's `ReceiptAction`: exactly one member).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Action {
    S3 {
        bucket_name: String,
        object_key_prefix: Option<String>,
        kms_key_arn: Option<String>,
        topic_arn: Option<String>,
        iam_role_arn: Option<String>,
    },
    Bounce {
        smtp_reply_code: String,
        status_code: Option<String>,
        message: String,
        sender: String,
        topic_arn: Option<String>,
    },
    WorkMail {
        organization_arn: String,
        topic_arn: Option<String>,
    },
    Lambda {
        function_arn: String,
        invocation_type: Option<String>,
        topic_arn: Option<String>,
    },
    Stop {
        scope: String,
        topic_arn: Option<String>,
    },
    AddHeader {
        header_name: String,
        header_value: String,
    },
    Sns {
        topic_arn: String,
        encoding: Option<String>,
    },
    Connect {
        instance_arn: String,
        iam_role_arn: String,
    },
}

impl Action {
    /// The `type` SES names the action by in a notification (`S3`, `SNS`, …).
    pub fn kind(&self) -> &'static str {
        match self {
            Action::S3 { .. } => "S3",
            Action::Bounce { .. } => "Bounce",
            Action::WorkMail { .. } => "WorkMail",
            Action::Lambda { .. } => "Lambda",
            Action::Stop { .. } => "Stop",
            Action::AddHeader { .. } => "AddHeader",
            Action::Sns { .. } => "SNS",
            Action::Connect { .. } => "Connect",
        }
    }

    /// The SNS topic the action notifies, if any.
    pub fn topic(&self) -> Option<&str> {
        match self {
            Action::S3 { topic_arn, .. }
            | Action::Bounce { topic_arn, .. }
            | Action::WorkMail { topic_arn, .. }
            | Action::Lambda { topic_arn, .. }
            | Action::Stop { topic_arn, .. } => topic_arn.as_deref(),
            Action::Sns { topic_arn, .. } => Some(topic_arn),
            Action::AddHeader { .. } | Action::Connect { .. } => None,
        }
    }
}

/// An IP address filter (botocore's `ReceiptFilter`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Filter {
    /// `Block` or `Allow`.
    pub policy: String,
    pub cidr: String,
}

pub fn rule_set_not_found(name: &str) -> Error {
    Error::not_found(format!("Rule set does not exist: {name}")).about(About::ReceiptRuleSet)
}

pub fn rule_not_found(name: &str) -> Error {
    Error::not_found(format!("Rule does not exist: {name}")).about(About::ReceiptRule)
}

/// R1: a rule set's or a filter's name (`dots`: a rule's, which may hold `.` too): ASCII
/// letters, digits, `_` and `-`, starting and ending with a letter or digit, 64 characters
/// or fewer (botocore's documentation of each name).
pub fn check_name(name: &str, what: &str, dots: bool) -> Result<()> {
    let b = name.as_bytes();
    let ok = (1..=64).contains(&b.len())
        && b.iter()
            .all(|c| c.is_ascii_alphanumeric() || *c == b'_' || *c == b'-' || dots && *c == b'.')
        && b[0].is_ascii_alphanumeric()
        && b[b.len() - 1].is_ascii_alphanumeric();
    if ok {
        return Ok(());
    }
    let chars = if dots {
        "ASCII letters, numbers, underscores, dashes or periods"
    } else {
        "ASCII letters, numbers, underscores or dashes"
    };
    Err(Error::bad_request(format!(
        "Invalid {what} name '{}': it must contain only {chars}, start and end with a letter or number, and have 64 characters or fewer.",
        name.escape_default()
    )))
}

/// An S3 bucket name as S3 allows it: 3 to 63 lowercase letters, digits, `.` and `-`,
/// starting and ending with a letter or digit.
pub fn is_bucket_name(name: &str) -> bool {
    let b = name.as_bytes();
    (3..=63).contains(&b.len())
        && b.iter()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'.' || *c == b'-')
        && b[0].is_ascii_alphanumeric()
        && b[b.len() - 1].is_ascii_alphanumeric()
        && !name.contains("..")
}

/// A CIDR (`10.0.0.1` or `10.0.0.0/24`) as its address and prefix length.
pub fn parse_cidr(cidr: &str) -> Option<(Ipv4Addr, u8)> {
    let (addr, bits) = match cidr.split_once('/') {
        Some((a, b)) => (a, b.parse::<u8>().ok().filter(|b| *b <= 32)?),
        None => (cidr, 32),
    };
    Some((addr.parse().ok()?, bits))
}

pub fn cidr_contains(net: Ipv4Addr, bits: u8, ip: Ipv4Addr) -> bool {
    let mask = if bits == 0 {
        0
    } else {
        u32::MAX << (32 - bits)
    };
    u32::from(net) & mask == u32::from(ip) & mask
}

fn invalid(message: String) -> Error {
    Error::bad_request(message)
}

/// An ARN of `service` (`arn:aws:SERVICE:…`), checked for form only: sesm has no SNS topics,
/// Lambda functions or WorkMail organizations to look up.
fn check_arn(arn: &str, service: &str, what: &str, code: &'static str) -> Result<()> {
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    let ok = parts.len() == 6
        && parts[0] == "arn"
        && parts[1].starts_with("aws")
        && parts[2] == service
        && !parts[5].is_empty();
    if ok {
        Ok(())
    } else {
        Err(Error::bad_request(format!(
            "Invalid {what}: {} is not an {service} ARN.",
            arn.escape_default()
        ))
        .about(About::Code(code)))
    }
}

/// R8: what each action takes.
fn check_action(a: &Action) -> Result<()> {
    if let Some(topic) = a.topic() {
        super::rules::check_topic_arn(topic).map_err(|_| {
            Error::bad_request(format!("Invalid SNS topic: {topic}"))
                .about(About::Code("InvalidSnsTopic"))
        })?;
    }
    match a {
        Action::S3 {
            bucket_name,
            kms_key_arn,
            object_key_prefix,
            ..
        } => check_s3(
            bucket_name,
            object_key_prefix.as_deref(),
            kms_key_arn.as_deref(),
        )?,
        Action::Bounce {
            smtp_reply_code,
            status_code,
            message,
            sender,
            ..
        } => check_bounce(smtp_reply_code, status_code.as_deref(), message, sender)?,
        Action::WorkMail {
            organization_arn, ..
        } => {
            check_arn(
                organization_arn,
                "workmail",
                "WorkMail organization",
                "InvalidParameterValue",
            )?;
        }
        Action::Lambda {
            function_arn,
            invocation_type,
            ..
        } => {
            check_arn(
                function_arn,
                "lambda",
                "Lambda function",
                "InvalidLambdaFunction",
            )?;
            if let Some(t) = invocation_type
                && t != "Event"
                && t != "RequestResponse"
            {
                return Err(super::rules::enum_error(
                    t,
                    "invocationType",
                    &["Event", "RequestResponse"],
                ));
            }
        }
        Action::Stop { scope, .. } => {
            if scope != "RuleSet" {
                return Err(super::rules::enum_error(scope, "scope", &["RuleSet"]));
            }
        }
        Action::AddHeader {
            header_name,
            header_value,
        } => {
            let name_ok = (1..=50).contains(&header_name.len())
                && header_name
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-');
            if !name_ok {
                return Err(invalid(format!(
                    "Invalid HeaderName '{}': 1 to 50 letters, digits and dashes.",
                    header_name.escape_default()
                )));
            }
            if header_value.chars().count() > 2048 || header_value.contains(['\r', '\n']) {
                return Err(invalid(
                    "Invalid HeaderValue: at most 2048 characters, without newline or carriage return.".into(),
                ));
            }
        }
        Action::Sns { encoding, .. } => {
            if let Some(e) = encoding
                && e != "UTF-8"
                && e != "Base64"
            {
                return Err(super::rules::enum_error(
                    e,
                    "encoding",
                    &["UTF-8", "Base64"],
                ));
            }
        }
        Action::Connect {
            instance_arn,
            iam_role_arn,
        } => {
            check_arn(
                instance_arn,
                "connect",
                "Connect instance",
                "InvalidParameterValue",
            )?;
            check_arn(iam_role_arn, "iam", "IAM role", "InvalidParameterValue")?;
        }
    }
    Ok(())
}

/// R8: an S3 action's bucket, key prefix and KMS key.
fn check_s3(
    bucket_name: &str,
    object_key_prefix: Option<&str>,
    kms_key_arn: Option<&str>,
) -> Result<()> {
    if !is_bucket_name(bucket_name) {
        return Err(
            Error::bad_request(format!("Could not write to bucket: {bucket_name}"))
                .about(About::Code("InvalidS3Configuration")),
        );
    }
    // The key becomes a path under the local S3 folder: no `.` or `..` segment, no
    // leading `/` *(sesm: S3 itself takes any key)*.
    if let Some(p) = object_key_prefix {
        let bad = p.len() > 1024
            || p.starts_with('/')
            || p.contains('\0')
            || p.split('/').any(|seg| seg == "." || seg == "..")
            || p.contains("//");
        if bad {
            return Err(Error::bad_request(format!(
                "Invalid ObjectKeyPrefix '{}': sesm writes objects under the local S3 folder, so a prefix has no . or .. segment, no empty segment and no leading /.",
                p.escape_default()
            ))
            .about(About::Code("InvalidS3Configuration")));
        }
    }
    if let Some(k) = kms_key_arn {
        check_arn(k, "kms", "KMS key", "InvalidS3Configuration")?;
    }
    Ok(())
}

/// R8: a Bounce action's reply code, status code, message and sender.
fn check_bounce(
    smtp_reply_code: &str,
    status_code: Option<&str>,
    message: &str,
    sender: &str,
) -> Result<()> {
    let code_ok = smtp_reply_code.len() == 3
        && smtp_reply_code.bytes().all(|b| b.is_ascii_digit())
        && matches!(smtp_reply_code.as_bytes()[0], b'4' | b'5');
    if !code_ok {
        return Err(invalid(format!(
            "Invalid SmtpReplyCode '{smtp_reply_code}': an SMTP reply code of RFC 5321 (4xx or 5xx)."
        )));
    }
    if let Some(s) = status_code {
        let parts: Vec<&str> = s.split('.').collect();
        let ok = parts.len() == 3
            && matches!(parts[0], "4" | "5")
            && parts[1..]
                .iter()
                .all(|p| (1..=3).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit()));
        if !ok {
            return Err(invalid(format!(
                "Invalid StatusCode '{s}': an enhanced status code of RFC 3463 (5.1.1)."
            )));
        }
    }
    if message.is_empty() {
        return Err(invalid("A bounce action needs a Message.".into()));
    }
    super::sending::check_address(sender, "bounce Sender")?;
    Ok(())
}

/// R9: a recipient condition: an address, a domain, or `.domain` (its subdomains).
fn check_recipient(r: &str) -> Result<()> {
    let domain_ok = |d: &str| super::names::check_domain(&d.to_ascii_lowercase()).is_ok();
    let ok = match r.rsplit_once('@') {
        Some((local, d)) => !local.is_empty() && domain_ok(d),
        None => domain_ok(r.strip_prefix('.').unwrap_or(r)),
    };
    if ok {
        Ok(())
    } else {
        Err(invalid(format!(
            "Invalid recipient '{}': an email address, a domain, or .domain for its subdomains.",
            r.escape_default()
        )))
    }
}

/// R1, R2, R8, R9: what a rule must be.
pub fn check_rule(rule: &Rule) -> Result<()> {
    check_name(&rule.name, "rule", true)?;
    if rule.tls_policy != "Require" && rule.tls_policy != "Optional" {
        return Err(super::rules::enum_error(
            &rule.tls_policy,
            "rule.tlsPolicy",
            &["Require", "Optional"],
        ));
    }
    if rule.recipients.len() > MAX_RECIPIENTS {
        return Err(Error::limit_exceeded(format!(
            "A receipt rule has at most {MAX_RECIPIENTS} recipients; this one has {}.",
            rule.recipients.len()
        )));
    }
    for r in &rule.recipients {
        check_recipient(r)?;
    }
    if rule.actions.len() > MAX_ACTIONS {
        return Err(Error::limit_exceeded(format!(
            "A receipt rule has at most {MAX_ACTIONS} actions; this one has {}.",
            rule.actions.len()
        )));
    }
    rule.actions.iter().try_for_each(check_action)
}

/// R7: the place after rule `after` (none: the front).
fn place_after(rules: &[Rule], after: Option<&str>) -> Result<usize> {
    match after {
        None => Ok(0),
        Some(a) => rules
            .iter()
            .position(|r| r.name == a)
            .map(|i| i + 1)
            .ok_or_else(|| rule_not_found(a)),
    }
}

impl Region {
    fn rule_set_mut(&mut self, name: &str) -> Result<&mut RuleSet> {
        self.receipt_rule_sets
            .get_mut(name)
            .ok_or_else(|| rule_set_not_found(name))
    }

    /// A rule set of the region.
    pub fn existing_rule_set(&self, name: &str) -> Result<&RuleSet> {
        self.receipt_rule_sets
            .get(name)
            .ok_or_else(|| rule_set_not_found(name))
    }

    /// CreateReceiptRuleSet (R1–R3), or CloneReceiptRuleSet with `rules` copied.
    pub fn create_rule_set(&mut self, name: &str, rules: Vec<Rule>, now: Timestamp) -> Result<()> {
        check_name(name, "rule set", false)?;
        if self.receipt_rule_sets.contains_key(name) {
            return Err(
                Error::already_exists(format!("Rule set already exists: {name}"))
                    .about(About::ReceiptRuleSet),
            );
        }
        if self.receipt_rule_sets.len() >= MAX_RULE_SETS {
            return Err(Error::limit_exceeded(format!(
                "A region holds at most {MAX_RULE_SETS} receipt rule sets."
            )));
        }
        self.receipt_rule_sets.insert(
            name.to_string(),
            RuleSet {
                created: now,
                rules,
            },
        );
        Ok(())
    }

    /// DeleteReceiptRuleSet (R5): not the active one; one that is not there is no error.
    pub fn delete_rule_set(&mut self, name: &str) -> Result<()> {
        if self.active_receipt_rule_set.as_deref() == Some(name) {
            return Err(
                Error::bad_request(format!("Cannot delete active rule set: {name}"))
                    .about(About::Code("CannotDelete")),
            );
        }
        self.receipt_rule_sets.remove(name);
        Ok(())
    }

    /// SetActiveReceiptRuleSet (R6): `None` turns receiving off.
    pub fn set_active_rule_set(&mut self, name: Option<&str>) -> Result<()> {
        if let Some(n) = name {
            self.existing_rule_set(n)?;
        }
        self.active_receipt_rule_set = name.map(str::to_string);
        Ok(())
    }

    /// CreateReceiptRule (R2, R3, R7, R8): at the front, or after rule `after`.
    pub fn create_rule(&mut self, set: &str, rule: Rule, after: Option<&str>) -> Result<()> {
        check_rule(&rule)?;
        let rs = self.rule_set_mut(set)?;
        let at = place_after(&rs.rules, after)?;
        if rs.rules.iter().any(|r| r.name == rule.name) {
            return Err(
                Error::already_exists(format!("Rule already exists: {}", rule.name))
                    .about(About::ReceiptRule),
            );
        }
        if rs.rules.len() >= MAX_RULES {
            return Err(Error::limit_exceeded(format!(
                "A receipt rule set holds at most {MAX_RULES} rules."
            )));
        }
        rs.rules.insert(at, rule);
        Ok(())
    }

    /// UpdateReceiptRule: the rule is replaced whole and keeps its place.
    pub fn update_rule(&mut self, set: &str, rule: Rule) -> Result<()> {
        check_rule(&rule)?;
        let rs = self.rule_set_mut(set)?;
        let r = rs
            .rules
            .iter_mut()
            .find(|r| r.name == rule.name)
            .ok_or_else(|| rule_not_found(&rule.name))?;
        *r = rule;
        Ok(())
    }

    /// DeleteReceiptRule: a rule that is not there is no error; the set must exist.
    pub fn delete_rule(&mut self, set: &str, name: &str) -> Result<()> {
        self.rule_set_mut(set)?.rules.retain(|r| r.name != name);
        Ok(())
    }

    /// SetReceiptRulePosition (R7): to the front, or right after `after`.
    pub fn set_rule_position(&mut self, set: &str, name: &str, after: Option<&str>) -> Result<()> {
        let rs = self.rule_set_mut(set)?;
        let from = rs
            .rules
            .iter()
            .position(|r| r.name == name)
            .ok_or_else(|| rule_not_found(name))?;
        if after == Some(name) {
            return Ok(());
        }
        place_after(&rs.rules, after)?;
        let rule = rs.rules.remove(from);
        let at = place_after(&rs.rules, after)?;
        rs.rules.insert(at, rule);
        Ok(())
    }

    /// ReorderReceiptRuleSet (R7): `order` names every rule of the set once.
    pub fn reorder_rules(&mut self, set: &str, order: &[String]) -> Result<()> {
        let rs = self.rule_set_mut(set)?;
        let mut by_name: BTreeMap<String, Rule> = rs
            .rules
            .iter()
            .map(|r| (r.name.clone(), r.clone()))
            .collect();
        let mut out = Vec::with_capacity(order.len());
        for name in order {
            out.push(by_name.remove(name).ok_or_else(|| rule_not_found(name))?);
        }
        if let Some(missing) = by_name.keys().next() {
            return Err(Error::bad_request(format!(
                "The new order must name every rule of the set; it lacks {missing}."
            )));
        }
        rs.rules = out;
        Ok(())
    }

    /// CreateReceiptFilter (R1, R2, R10).
    pub fn create_filter(&mut self, name: &str, policy: &str, cidr: &str) -> Result<()> {
        check_name(name, "filter", false)?;
        if policy != "Block" && policy != "Allow" {
            return Err(super::rules::enum_error(
                policy,
                "filter.ipFilter.policy",
                &["Block", "Allow"],
            ));
        }
        if parse_cidr(cidr).is_none() {
            return Err(invalid(format!(
                "Invalid Cidr '{}': an IPv4 address (10.0.0.1) or range (10.0.0.0/24).",
                cidr.escape_default()
            )));
        }
        if self.receipt_filters.contains_key(name) {
            return Err(
                Error::already_exists(format!("Filter already exists: {name}"))
                    .about(About::ReceiptFilter),
            );
        }
        if self.receipt_filters.len() >= MAX_FILTERS {
            return Err(Error::limit_exceeded(format!(
                "A region holds at most {MAX_FILTERS} IP address filters."
            )));
        }
        self.receipt_filters.insert(
            name.to_string(),
            Filter {
                policy: policy.to_string(),
                cidr: cidr.to_string(),
            },
        );
        Ok(())
    }

    /// R10: whether the filters let mail from `ip` in: an allow list wins over a block list
    /// (the guide's "block 0.0.0.0/0, allow the trusted ones").
    pub fn ip_allowed(&self, ip: Ipv4Addr) -> bool {
        let hit = |policy: &str| {
            self.receipt_filters.values().any(|f| {
                f.policy == policy
                    && parse_cidr(&f.cidr).is_some_and(|(net, bits)| cidr_contains(net, bits, ip))
            })
        };
        hit("Allow") || !hit("Block")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(name: &str) -> Rule {
        Rule {
            name: name.into(),
            enabled: true,
            tls_policy: "Optional".into(),
            recipients: Vec::new(),
            actions: Vec::new(),
            scan_enabled: false,
        }
    }

    #[test]
    fn names() {
        for ok in ["a", "set-1_x", &"a".repeat(64)] {
            assert!(check_name(ok, "rule set", false).is_ok(), "{ok}");
        }
        for bad in ["", "-a", "a-", "a.b", &"a".repeat(65), "a b"] {
            assert!(check_name(bad, "rule set", false).is_err(), "{bad}");
        }
        assert!(check_name("a.b", "rule", true).is_ok());
        assert!(is_bucket_name("my-bucket.1"));
        assert!(!is_bucket_name("My_Bucket"));
    }

    #[test]
    fn rules_go_to_the_front_or_after_one_and_move() {
        let mut r = Region::default();
        let now = Timestamp::UNIX_EPOCH;
        r.create_rule_set("s", Vec::new(), now).unwrap();
        r.create_rule("s", rule("b"), None).unwrap();
        r.create_rule("s", rule("a"), None).unwrap();
        r.create_rule("s", rule("c"), Some("b")).unwrap();
        let names = |r: &Region| -> Vec<String> {
            r.existing_rule_set("s")
                .unwrap()
                .rules
                .iter()
                .map(|x| x.name.clone())
                .collect()
        };
        assert_eq!(names(&r), ["a", "b", "c"]);
        assert_eq!(
            r.create_rule("s", rule("a"), None).unwrap_err().code(),
            "AlreadyExistsException"
        );
        assert_eq!(
            r.create_rule("s", rule("d"), Some("zz"))
                .unwrap_err()
                .code(),
            "NotFoundException"
        );
        r.set_rule_position("s", "c", None).unwrap();
        assert_eq!(names(&r), ["c", "a", "b"]);
        r.set_rule_position("s", "c", Some("b")).unwrap();
        assert_eq!(names(&r), ["a", "b", "c"]);
        r.reorder_rules("s", &["c".into(), "b".into(), "a".into()])
            .unwrap();
        assert_eq!(names(&r), ["c", "b", "a"]);
        assert!(r.reorder_rules("s", &["c".into()]).is_err());
        r.delete_rule("s", "b").unwrap();
        r.delete_rule("s", "b").unwrap();
        assert_eq!(names(&r), ["c", "a"]);
        r.set_active_rule_set(Some("s")).unwrap();
        assert_eq!(
            r.delete_rule_set("s").unwrap_err().about,
            Some(About::Code("CannotDelete"))
        );
        r.set_active_rule_set(None).unwrap();
        r.delete_rule_set("s").unwrap();
        r.delete_rule_set("s").unwrap();
    }

    #[test]
    fn actions_are_checked() {
        let with = |a: Action| Rule {
            actions: vec![a],
            ..rule("r")
        };
        let bad = [
            Action::S3 {
                bucket_name: "Bad_Bucket".into(),
                object_key_prefix: None,
                kms_key_arn: None,
                topic_arn: None,
                iam_role_arn: None,
            },
            Action::Sns {
                topic_arn: "nope".into(),
                encoding: None,
            },
            Action::Sns {
                topic_arn: "arn:aws:sns:us-east-1:123456789012:t".into(),
                encoding: Some("utf8".into()),
            },
            Action::AddHeader {
                header_name: "X_Bad".into(),
                header_value: "v".into(),
            },
            Action::AddHeader {
                header_name: "X-Ok".into(),
                header_value: "a\nb".into(),
            },
            Action::Bounce {
                smtp_reply_code: "250".into(),
                status_code: None,
                message: "m".into(),
                sender: "a@example.com".into(),
                topic_arn: None,
            },
            Action::Lambda {
                function_arn: "arn:aws:s3:::x".into(),
                invocation_type: None,
                topic_arn: None,
            },
            Action::Stop {
                scope: "Rule".into(),
                topic_arn: None,
            },
        ];
        for a in bad {
            assert!(check_rule(&with(a.clone())).is_err(), "{a:?}");
        }
        let many = Rule {
            actions: vec![
                Action::Stop {
                    scope: "RuleSet".into(),
                    topic_arn: None
                };
                11
            ],
            ..rule("r")
        };
        assert_eq!(
            check_rule(&many).unwrap_err().code(),
            "LimitExceededException"
        );
        let recipients = Rule {
            recipients: vec![
                "a@example.com".into(),
                "example.com".into(),
                ".example.com".into(),
            ],
            ..rule("r")
        };
        assert!(check_rule(&recipients).is_ok());
    }

    #[test]
    fn allow_lists_win_over_block_lists() {
        let mut r = Region::default();
        let ip = |s: &str| s.parse::<Ipv4Addr>().unwrap();
        assert!(r.ip_allowed(ip("203.0.113.9")));
        r.create_filter("all", "Block", "0.0.0.0/0").unwrap();
        assert!(!r.ip_allowed(ip("203.0.113.9")));
        r.create_filter("trusted", "Allow", "203.0.113.0/24")
            .unwrap();
        assert!(r.ip_allowed(ip("203.0.113.9")));
        assert!(!r.ip_allowed(ip("198.51.100.1")));
        assert!(r.create_filter("bad", "Block", "300.1.1.1").is_err());
        assert!(r.create_filter("all", "Block", "1.1.1.1").is_err());
    }
}
