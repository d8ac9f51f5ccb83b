//! Sending authorization: an identity's policies (SESv2 `Create/Get/Update/Delete
//! EmailIdentityPolicy`, v1 `PutIdentityPolicy` …), rules Z1–Z7 (`ses-rules.md`), and whether
//! they let a caller send as the identity. Source: SES Developer Guide, "Policy anatomy" and
//! "Sending authorization" (the requirements list, the statement table, the condition keys).
//!
//! - Z1: a policy name has 1 to 64 letters, digits, `-` and `_`.
//! - Z2: at most 20 policies per identity; a document of at most 4 KB.
//! - Z3: the document is a JSON object with at least one statement; each statement has an
//!   `Effect` (`Allow` or `Deny`), a `Principal`, an `Action` and a `Resource`, which must be
//!   the ARN of the identity the policy is attached to; actions are `ses:…`.
//! - Z4: conditions use IAM's operators with SES's keys (`ses:Recipients`, `ses:FromAddress`,
//!   `ses:FromDisplayName`, `ses:FeedbackAddress`) and AWS-wide ones (`aws:CurrentTime`,
//!   `aws:SourceIp`, `aws:SecureTransport`).
//! - Z5: a send that names an identity by ARN must name one of the account's identities in
//!   the region it is sent in; its owner may always use it; another caller needs a statement
//!   that allows the send action for it and none that denies it (IAM's evaluation: an
//!   explicit Deny wins, no Allow is a refusal).

use std::net::Ipv4Addr;

use jiff::Timestamp;
use serde_json::{Map, Value};

use crate::error::{About, Error, Result};

/// Z2.
pub const MAX_POLICIES: usize = 20;
pub const MAX_POLICY_BYTES: usize = 4 * 1024;

/// The send actions sending authorization knows (the guide's `Action` row).
pub const SEND_ACTIONS: [&str; 4] = [
    "ses:SendEmail",
    "ses:SendRawEmail",
    "ses:SendTemplatedEmail",
    "ses:SendBulkTemplatedEmail",
];

/// Condition operators sesm evaluates (IAM's, without the `…IfExists` suffix and the
/// `ForAnyValue:` / `ForAllValues:` prefixes, which it also takes).
const OPERATORS: [&str; 13] = [
    "StringEquals",
    "StringNotEquals",
    "StringEqualsIgnoreCase",
    "StringNotEqualsIgnoreCase",
    "StringLike",
    "StringNotLike",
    "DateEquals",
    "DateLessThan",
    "DateLessThanEquals",
    "DateGreaterThan",
    "DateGreaterThanEquals",
    "IpAddress",
    "NotIpAddress",
];

fn invalid(why: impl std::fmt::Display) -> Error {
    Error::bad_request(format!("Policy is not valid: {why}")).about(About::Code("InvalidPolicy"))
}

/// Z1.
pub fn check_name(name: &str) -> Result<()> {
    if super::names::is_simple_name(name, 64) {
        Ok(())
    } else {
        Err(Error::bad_request(format!(
            "Invalid policy name '{}': a policy name has 1 to 64 characters from A-Z, a-z, 0-9, - and _.",
            name.escape_default()
        )))
    }
}

/// A value that IAM takes as a string or a list of strings.
fn strings(v: &Value) -> Option<Vec<&str>> {
    match v {
        Value::String(s) => Some(vec![s.as_str()]),
        Value::Array(a) => a.iter().map(Value::as_str).collect(),
        _ => None,
    }
}

/// Z2–Z4: the document of a policy attached to the identity whose ARN is `identity_arn`.
pub fn check_document(text: &str, identity_arn: &str) -> Result<()> {
    if text.len() > MAX_POLICY_BYTES {
        return Err(invalid(format!(
            "it has {} bytes; a policy has at most 4 KB.",
            text.len()
        )));
    }
    let doc: Value =
        serde_json::from_str(text).map_err(|e| invalid(format!("it is not JSON ({e}).")))?;
    let doc = doc
        .as_object()
        .ok_or_else(|| invalid("it is not a JSON object."))?;
    if let Some(v) = doc.get("Version")
        && !v.is_string()
    {
        return Err(invalid("Version must be a string."));
    }
    let statements = match doc.get("Statement") {
        Some(Value::Array(a)) => a.iter().collect::<Vec<_>>(),
        Some(v @ Value::Object(_)) => vec![v],
        _ => return Err(invalid("it needs at least one statement (Statement).")),
    };
    if statements.is_empty() {
        return Err(invalid("it needs at least one statement (Statement)."));
    }
    for (i, s) in statements.iter().enumerate() {
        let s = s
            .as_object()
            .ok_or_else(|| invalid(format!("statement {} is not an object.", i + 1)))?;
        check_statement(s, identity_arn)
            .map_err(|why| invalid(format!("statement {}: {why}", i + 1)))?;
    }
    Ok(())
}

fn check_statement(s: &Map<String, Value>, identity_arn: &str) -> std::result::Result<(), String> {
    match s.get("Effect").and_then(Value::as_str) {
        Some("Allow" | "Deny") => {}
        _ => return Err("Effect must be \"Allow\" or \"Deny\".".into()),
    }
    let principal = s.get("Principal").ok_or("it has no Principal.")?;
    let principals = principals(principal).ok_or(
        "Principal must be \"*\" or name AWS accounts, IAM ARNs (\"AWS\") or services (\"Service\").",
    )?;
    if principals.is_empty() {
        return Err("it needs at least one valid principal.".into());
    }
    let actions = s
        .get("Action")
        .and_then(strings)
        .ok_or("Action must be an action or a list of them.")?;
    if actions.is_empty() {
        return Err("it needs at least one action.".into());
    }
    for a in &actions {
        let service = a.split_once(':').map(|(s, _)| s);
        if *a != "*" && !service.is_some_and(|s| s.eq_ignore_ascii_case("ses")) {
            return Err(format!(
                "Action {a} is not an SES action (ses:SendEmail, ses:Send*, …)."
            ));
        }
    }
    let resources = s
        .get("Resource")
        .and_then(strings)
        .ok_or("Resource must be the ARN of the identity.")?;
    if resources.len() != 1 || resources[0] != identity_arn {
        return Err(format!(
            "Resource must be the ARN of the identity the policy is attached to, {identity_arn}."
        ));
    }
    if let Some(c) = s.get("Condition") {
        check_conditions(c)?;
    }
    Ok(())
}

/// The principals of a statement: `"*"`, or `{"AWS": …}` / `{"Service": …}`; each AWS one an
/// account ID or an IAM ARN.
fn principals(p: &Value) -> Option<Vec<String>> {
    if p.as_str() == Some("*") {
        return Some(vec!["*".into()]);
    }
    let obj = p.as_object()?;
    let mut out = Vec::new();
    for (k, v) in obj {
        let list = strings(v)?;
        match k.as_str() {
            "AWS" => {
                for a in list {
                    let account = a.len() == 12 && a.bytes().all(|b| b.is_ascii_digit());
                    if !(a == "*"
                        || account
                        || a.starts_with("arn:aws") && a.contains(":iam::")
                        || a.starts_with("arn:aws") && a.contains(":sts::"))
                    {
                        return None;
                    }
                    out.push(a.to_string());
                }
            }
            "Service" => out.extend(list.iter().map(|s| format!("service:{s}"))),
            _ => return None,
        }
    }
    Some(out)
}

fn check_conditions(c: &Value) -> std::result::Result<(), String> {
    let c = c.as_object().ok_or("Condition must be an object.")?;
    for (op, keys) in c {
        let base = operator(op);
        if !OPERATORS.contains(&base) && base != "Bool" && base != "Null" {
            return Err(format!(
                "the condition operator {op} is not one sesm knows."
            ));
        }
        let keys = keys
            .as_object()
            .ok_or_else(|| format!("the condition {op} must map keys to values."))?;
        for (key, value) in keys {
            if strings(value).is_none() && !value.is_boolean() {
                return Err(format!(
                    "the value of {key} in {op} must be a string or a list."
                ));
            }
        }
    }
    Ok(())
}

/// An operator without its `ForAnyValue:` / `ForAllValues:` prefix and `IfExists` suffix.
fn operator(op: &str) -> &str {
    let op = op
        .strip_prefix("ForAnyValue:")
        .or_else(|| op.strip_prefix("ForAllValues:"))
        .unwrap_or(op);
    op.strip_suffix("IfExists").unwrap_or(op)
}

/// What a send asks of a policy: who calls, which action, and the request's facts the
/// condition keys read.
#[derive(Debug, Clone, Default)]
pub struct SendRequest {
    /// The caller's account ID.
    pub caller: String,
    /// `ses:SendEmail`, `ses:SendRawEmail`, …
    pub action: &'static str,
    pub from_address: Option<String>,
    pub from_display_name: Option<String>,
    pub recipients: Vec<String>,
    pub feedback_address: Option<String>,
    pub now: Option<Timestamp>,
    pub source_ip: Option<Ipv4Addr>,
}

/// Z5: whether the policies (documents as stored) allow `req` on the identity.
pub fn allows<'a>(policies: impl Iterator<Item = &'a String>, req: &SendRequest) -> bool {
    let mut allowed = false;
    for text in policies {
        let Ok(doc) = serde_json::from_str::<Value>(text) else {
            continue;
        };
        let statements = match doc.get("Statement") {
            Some(Value::Array(a)) => a.clone(),
            Some(v @ Value::Object(_)) => vec![v.clone()],
            _ => continue,
        };
        for s in &statements {
            if !applies(s, req) {
                continue;
            }
            match s.get("Effect").and_then(Value::as_str) {
                Some("Deny") => return false,
                Some("Allow") => allowed = true,
                _ => {}
            }
        }
    }
    allowed
}

fn applies(s: &Value, req: &SendRequest) -> bool {
    let principal_ok = s.get("Principal").and_then(principals).is_some_and(|ps| {
        ps.iter().any(|p| {
            p == "*" || *p == req.caller || *p == format!("arn:aws:iam::{}:root", req.caller)
        })
    });
    let action_ok = s.get("Action").and_then(strings).is_some_and(|acts| {
        acts.iter()
            .any(|a| glob(&a.to_ascii_lowercase(), &req.action.to_ascii_lowercase()))
    });
    principal_ok
        && action_ok
        && s.get("Condition")
            .and_then(Value::as_object)
            .is_none_or(|c| c.iter().all(|(op, keys)| condition(op, keys, req)))
}

/// The values a condition key has for the request (none: the key is absent).
fn key_values(key: &str, req: &SendRequest) -> Option<Vec<String>> {
    match key.to_ascii_lowercase().as_str() {
        "ses:fromaddress" => req.from_address.clone().map(|v| vec![v]),
        "ses:fromdisplayname" => req.from_display_name.clone().map(|v| vec![v]),
        "ses:feedbackaddress" => req.feedback_address.clone().map(|v| vec![v]),
        "ses:recipients" => Some(req.recipients.clone()),
        "aws:currenttime" => req
            .now
            .map(|t| vec![t.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()]),
        "aws:sourceip" => req.source_ip.map(|ip| vec![ip.to_string()]),
        "aws:securetransport" => Some(vec!["false".into()]),
        "aws:principalaccount" => Some(vec![req.caller.clone()]),
        _ => None,
    }
}

fn condition(op: &str, keys: &Value, req: &SendRequest) -> bool {
    let Some(keys) = keys.as_object() else {
        return false;
    };
    let base = operator(op);
    let if_exists = op.ends_with("IfExists");
    let for_all = op.starts_with("ForAllValues:");
    keys.iter().all(|(key, wanted)| {
        let wanted: Vec<String> = match wanted {
            Value::Bool(b) => vec![b.to_string()],
            v => strings(v)
                .unwrap_or_default()
                .into_iter()
                .map(str::to_string)
                .collect(),
        };
        let Some(values) = key_values(key, req) else {
            return if_exists || base == "Null" && wanted.iter().any(|w| w == "true");
        };
        if base == "Null" {
            return wanted.iter().any(|w| w == "false");
        }
        let test = |v: &String| wanted.iter().any(|w| matches(base, v, w));
        let negated = base.contains("Not");
        if for_all {
            values.iter().all(test)
        } else if negated {
            // A negated operator holds when no value matches any of the wanted ones.
            values
                .iter()
                .all(|v| wanted.iter().all(|w| matches(base, v, w)))
        } else {
            values.iter().any(test)
        }
    })
}

/// One value against one wanted value, by the operator (negated operators answer whether the
/// value is *not* the wanted one).
fn matches(op: &str, v: &str, w: &str) -> bool {
    match op {
        "StringEquals" => v == w,
        "StringNotEquals" => v != w,
        "StringEqualsIgnoreCase" => v.eq_ignore_ascii_case(w),
        "StringNotEqualsIgnoreCase" => !v.eq_ignore_ascii_case(w),
        "StringLike" => glob(w, v),
        "StringNotLike" => !glob(w, v),
        "Bool" => v.eq_ignore_ascii_case(w),
        "IpAddress" => in_cidr(v, w),
        "NotIpAddress" => !in_cidr(v, w),
        _ => date(op, v, w),
    }
}

fn date(op: &str, v: &str, w: &str) -> bool {
    let (Ok(v), Ok(w)) = (v.parse::<Timestamp>(), w.parse::<Timestamp>()) else {
        return false;
    };
    match op {
        "DateEquals" => v == w,
        "DateLessThan" => v < w,
        "DateLessThanEquals" => v <= w,
        "DateGreaterThan" => v > w,
        "DateGreaterThanEquals" => v >= w,
        _ => false,
    }
}

fn in_cidr(ip: &str, cidr: &str) -> bool {
    let (Ok(ip), Some((net, bits))) = (ip.parse::<Ipv4Addr>(), super::receipt::parse_cidr(cidr))
    else {
        return false;
    };
    super::receipt::cidr_contains(net, bits, ip)
}

/// IAM's wildcards: `*` any run of characters, `?` one character.
pub fn glob(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    let (mut pi, mut ti) = (0, 0);
    let (mut star, mut mark) = (None, 0);
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some(pi);
            mark = ti;
            pi += 1;
        } else if let Some(s) = star {
            pi = s + 1;
            mark += 1;
            ti = mark;
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|c| *c == '*')
}

#[cfg(test)]
mod tests {
    use super::*;

    const ARN: &str = "arn:aws:ses:us-east-1:123456789012:identity/example.com";

    fn policy(statement: Value) -> String {
        serde_json::json!({"Version": "2012-10-17", "Statement": [statement]}).to_string()
    }

    fn allow(extra: Value) -> Value {
        let mut s = serde_json::json!({"Effect": "Allow", "Principal": {"AWS": ["111122223333"]},
            "Action": ["ses:SendEmail", "ses:SendRawEmail"], "Resource": ARN});
        if let (Some(s), Some(extra)) = (s.as_object_mut(), extra.as_object()) {
            s.extend(extra.clone());
        }
        s
    }

    fn req(caller: &str, action: &'static str) -> SendRequest {
        SendRequest {
            caller: caller.into(),
            action,
            from_address: Some("invoicing-1@example.com".into()),
            recipients: vec!["a@partner.com".into()],
            ..Default::default()
        }
    }

    #[test]
    fn documents_are_checked_as_ses_requires() {
        assert!(check_document(&policy(allow(Value::Null)), ARN).is_ok());
        let bad = [
            "nope".to_string(),
            "[]".into(),
            "{}".into(),
            serde_json::json!({"Statement": []}).to_string(),
            policy(allow(serde_json::json!({"Effect": "Maybe"}))),
            policy(allow(
                serde_json::json!({"Resource": "arn:aws:ses:us-east-1:123456789012:identity/other.com"}),
            )),
            policy(allow(serde_json::json!({"Action": "s3:GetObject"}))),
            policy(allow(serde_json::json!({"Principal": {"Nobody": "x"}}))),
            policy(allow(
                serde_json::json!({"Condition": {"Frobnicate": {"ses:FromAddress": "x"}}}),
            )),
            format!(
                "{{\"Statement\":[{}],\"Pad\":\"{}\"}}",
                allow(Value::Null),
                "x".repeat(4096)
            ),
        ];
        for doc in bad {
            let e = check_document(&doc, ARN).unwrap_err();
            assert_eq!(e.about, Some(About::Code("InvalidPolicy")), "{doc}");
        }
        assert!(check_name("a-b_C9").is_ok());
        assert!(check_name(&"x".repeat(65)).is_err());
        assert!(check_name("a.b").is_err());
    }

    #[test]
    fn allow_deny_principal_action_and_conditions() {
        let p = policy(allow(Value::Null));
        assert!(allows(
            [&p].into_iter(),
            &req("111122223333", "ses:SendEmail")
        ));
        assert!(!allows(
            [&p].into_iter(),
            &req("999999999999", "ses:SendEmail")
        ));
        assert!(!allows(
            [&p].into_iter(),
            &req("111122223333", "ses:SendTemplatedEmail")
        ));
        let star = policy(allow(
            serde_json::json!({"Action": "ses:Send*", "Principal": {"AWS": "arn:aws:iam::111122223333:root"}}),
        ));
        assert!(allows(
            [&star].into_iter(),
            &req("111122223333", "ses:SendBulkTemplatedEmail")
        ));
        let deny = policy(
            serde_json::json!({"Effect": "Deny", "Principal": "*", "Action": "ses:*", "Resource": ARN}),
        );
        assert!(!allows(
            [&p, &deny].into_iter(),
            &req("111122223333", "ses:SendEmail")
        ));
        let like = policy(allow(
            serde_json::json!({"Condition": {"StringLike": {"ses:FromAddress": "invoicing*@example.com"}}}),
        ));
        assert!(allows(
            [&like].into_iter(),
            &req("111122223333", "ses:SendEmail")
        ));
        let mut other = req("111122223333", "ses:SendEmail");
        other.from_address = Some("admin@example.com".into());
        assert!(!allows([&like].into_iter(), &other));
        let recipients = policy(allow(
            serde_json::json!({"Condition": {"ForAllValues:StringLike": {"ses:Recipients": "*@partner.com"}}}),
        ));
        assert!(allows(
            [&recipients].into_iter(),
            &req("111122223333", "ses:SendEmail")
        ));
        other.recipients.push("x@elsewhere.com".into());
        assert!(!allows([&recipients].into_iter(), &other));
        let not_like = policy(allow(
            serde_json::json!({"Condition": {"StringNotLike": {"ses:FromAddress": "*admin*example.com"}}}),
        ));
        assert!(!allows([&not_like].into_iter(), &other));
        assert!(allows(
            [&not_like].into_iter(),
            &req("111122223333", "ses:SendEmail")
        ));
    }

    #[test]
    fn globs() {
        assert!(glob("ses:send*", "ses:sendrawemail"));
        assert!(glob("a?c", "abc"));
        assert!(!glob("a?c", "abbc"));
        assert!(glob("*", ""));
        assert!(glob("*admin*example.com", "x.admin@example.com"));
    }
}
