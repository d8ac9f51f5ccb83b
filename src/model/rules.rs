//! What several resources' rules share, below all of them (so no resource's file imports
//! another's for a helper): AWS's validation messages for enums, SNS topic ARNs, the
//! suppression reasons a list or a set names, and a JSON document kept as its text.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use serde_json::value::RawValue;

use crate::error::{Error, Result};

/// The validation message AWS's JSON services give for a value outside a model enum.
pub fn enum_error(value: &str, member: &str, allowed: &[&str]) -> Error {
    Error::bad_request(format!(
        "1 validation error detected: Value '{value}' at '{member}' failed to satisfy constraint: Member must satisfy enum value set: [{}]",
        allowed.join(", ")
    ))
    .about(crate::error::About::Validation)
}

/// The validation message AWS's JSON services give for a list whose members must be of a
/// model enum (`value` is the list as given).
pub fn enum_list_error(value: &[String], member: &str, allowed: &[&str]) -> Error {
    Error::bad_request(format!(
        "1 validation error detected: Value '[{}]' at '{member}' failed to satisfy constraint: Member must satisfy constraint: [Member must satisfy enum value set: [{}]]",
        value.join(", "),
        allowed.join(", ")
    ))
    .about(crate::error::About::Validation)
}

/// The validation message AWS's services give for a string longer than the model allows.
pub fn length_error(member: &str, max: usize) -> Error {
    Error::bad_request(format!(
        "1 validation error detected: Value at '{member}' failed to satisfy constraint: Member must have length less than or equal to {max}"
    ))
    .about(crate::error::About::Validation)
}

/// Checks an SNS topic ARN (`arn:aws:sns:REGION:ACCOUNT:NAME`); the name has 1–256 letters,
/// digits, `-` or `_` (`.fifo` topics are not SES destinations).
pub fn check_topic_arn(arn: &str) -> std::result::Result<(), String> {
    let parts: Vec<&str> = arn.split(':').collect();
    let ok = parts.len() == 6
        && parts[0] == "arn"
        && parts[1].starts_with("aws")
        && parts[2] == "sns"
        && super::names::check_region(parts[3]).is_ok()
        && parts[4].len() == 12
        && parts[4].bytes().all(|b| b.is_ascii_digit())
        && super::names::is_simple_name(parts[5], 256);
    if ok {
        Ok(())
    } else {
        Err(format!(
            "Invalid SNS topic ARN '{}': expected arn:aws:sns:REGION:ACCOUNT:NAME.",
            arn.escape_default()
        ))
    }
}

/// Why an address is on the suppression list (botocore's `SuppressionListReason`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Reason {
    Bounce,
    Complaint,
}

impl Reason {
    pub const ALL: [Reason; 2] = [Reason::Bounce, Reason::Complaint];

    pub const fn as_str(self) -> &'static str {
        match self {
            Reason::Bounce => "BOUNCE",
            Reason::Complaint => "COMPLAINT",
        }
    }
}

/// S2: the exact text, as SES takes it.
impl std::str::FromStr for Reason {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        Reason::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| {
                Error::bad_request(format!(
                    "Invalid suppression reason '{s}': use BOUNCE or COMPLAINT."
                ))
            })
    }
}

/// S2: a list of reasons (the request's `member`), each named once (a reason given twice
/// counts once).
pub fn parse_reasons(texts: &[String], member: &str) -> Result<Vec<Reason>> {
    let mut out: Vec<Reason> = Vec::new();
    for t in texts {
        let r: Reason = t
            .parse()
            .map_err(|_| enum_list_error(texts, member, &Reason::ALL.map(Reason::as_str)))?;
        if !out.contains(&r) {
            out.push(r);
        }
    }
    out.sort();
    Ok(out)
}

/// A JSON document kept as its text (an event, a `mail` object): compared by that text.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(transparent)]
pub struct RawJson(pub Box<RawValue>);

impl PartialEq for RawJson {
    fn eq(&self, other: &Self) -> bool {
        self.0.get() == other.0.get()
    }
}

impl RawJson {
    pub(crate) fn of(v: &Value) -> RawJson {
        RawJson(RawValue::from_string(v.to_string()).unwrap_or_else(|_| {
            RawValue::from_string("{}".into()).expect("an empty object is JSON")
        }))
    }

    pub fn get(&self) -> &str {
        self.0.get()
    }
}
