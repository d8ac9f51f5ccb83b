//! Import jobs (SESv2 `CreateImportJob`, `GetImportJob`, `ListImportJobs`), rules J1–J5: a
//! CSV or newline-delimited JSON file of contacts or suppressed addresses, read from the local
//! S3 folder where SES reads an S3 object, and applied to a contact list or the suppression
//! list. SES runs the job in the background; sesm runs it whole when it is created, so it is
//! `COMPLETED` (or `FAILED`) at once. Sources: SES Developer Guide, "Using list management"
//! (bulk importing contacts: the CSV header line, `topicPreferences.TOPIC` columns, one JSON
//! object a line, "up to 1 million contacts … per ImportJob") and "Using the account-level
//! suppression list" (`address,REASON` lines, `{"emailAddress","reason"}` objects, "a bulk add
//! limit of 100,000 addresses … per API call"); botocore's `ImportDataSource.S3Url` pattern.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use super::Region;
use super::contact_list::{ContactFields, contact_key};
use crate::error::{About, Error, Result};

/// J4: contacts one job imports.
pub const MAX_CONTACTS_PER_JOB: usize = 1_000_000;
/// J4: suppressed addresses one job imports.
pub const MAX_SUPPRESSED_PER_JOB: usize = 100_000;
/// The largest file a job reads *(sesm: memory stays bounded by what is decoded)*.
pub const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;
/// Jobs a region remembers; the oldest are forgotten past it *(sesm)*.
pub const MAX_JOBS: usize = 1_000;

/// Where a job's records go (botocore's `ImportDestination`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub enum Destination {
    /// `SuppressionListDestination`: `PUT` or `DELETE`.
    SuppressionList { action: String },
    /// `ContactListDestination`: the list, `PUT` or `DELETE`.
    ContactList { name: String, action: String },
}

impl Destination {
    /// ListImportJobs' `ImportDestinationType`.
    pub fn kind(&self) -> &'static str {
        match self {
            Destination::SuppressionList { .. } => "SUPPRESSION_LIST",
            Destination::ContactList { .. } => "CONTACT_LIST",
        }
    }
}

/// One import job as the region keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ImportJob {
    pub destination: Destination,
    pub s3_url: String,
    /// `CSV` or `JSON`.
    pub data_format: String,
    /// `COMPLETED` or `FAILED`.
    pub status: String,
    pub created: Timestamp,
    pub completed: Timestamp,
    pub processed: u64,
    pub failed: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_message: Option<String>,
}

/// J1: an `S3Url` (`s3://BUCKET/KEY`) as the bucket and key it names; botocore's pattern
/// `^s3:\/\/([^\/]+)\/(.*?([^\/]+)\/?)$`, and no `.` or `..` segment (the key names a file of the
/// local S3 folder, never one beside it).
pub fn parse_s3_url(url: &str) -> Result<(String, String)> {
    let bad = || {
        Error::bad_request(format!(
            "Invalid S3Url '{}': expected s3://BUCKET/KEY.",
            url.escape_default()
        ))
    };
    let rest = url.strip_prefix("s3://").ok_or_else(bad)?;
    let (bucket, key) = rest.split_once('/').ok_or_else(bad)?;
    let key = key.trim_end_matches('/');
    if bucket.is_empty()
        || key.is_empty()
        || !super::receipt::is_bucket_name(bucket)
        || key
            .split('/')
            .any(|seg| seg.is_empty() || seg == "." || seg == "..")
        || key.contains('\0')
    {
        return Err(bad());
    }
    Ok((bucket.to_string(), key.to_string()))
}

/// J2: `DataFormat`.
pub fn check_format(format: &str) -> Result<()> {
    match format {
        "CSV" | "JSON" => Ok(()),
        _ => Err(super::rules::enum_error(
            format,
            "importDataSource.dataFormat",
            &["CSV", "JSON"],
        )),
    }
}

/// J2: an import action, `PUT` or `DELETE`.
pub fn check_action(action: &str, member: &str) -> Result<()> {
    match action {
        "PUT" | "DELETE" => Ok(()),
        _ => Err(super::rules::enum_error(action, member, &["DELETE", "PUT"])),
    }
}

pub fn not_found(id: &str) -> Error {
    Error::not_found(format!("Import job {id} does not exist.")).about(About::ImportJob)
}

/// One record of a contacts file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContactRecord {
    pub address: String,
    pub fields: ContactFields,
}

/// The records of a file, each parsed or refused (a refused record is a failed one).
pub type Records<T> = Vec<std::result::Result<T, String>>;

/// J3: a contacts file. CSV: a header line (`emailAddress`, `unsubscribeAll`,
/// `attributesData`, `topicPreferences.TOPIC` …), then a contact a line; JSON: one object a
/// line (`emailAddress`, `unsubscribeAll`, `attributesData`, `topicPreferences`: a list of
/// `{topicName, subscriptionStatus}`).
pub fn parse_contacts(text: &str, format: &str) -> Result<Records<ContactRecord>> {
    if format == "JSON" {
        return Ok(json_lines(text)
            .map(|line| line.and_then(|v| contact_from_json(&v)))
            .collect());
    }
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|e| Error::bad_request(format!("The CSV file has no header line: {e}.")))?
        .clone();
    if !headers.iter().any(|h| h == "emailAddress") {
        return Err(Error::bad_request(
            "The CSV file's header line has no emailAddress column.",
        ));
    }
    let mut out = Vec::new();
    for row in reader.records() {
        out.push(match row {
            Err(e) => Err(format!("not CSV: {e}")),
            Ok(row) => contact_from_csv(&headers, &row),
        });
    }
    Ok(out)
}

fn contact_from_csv(
    headers: &csv::StringRecord,
    row: &csv::StringRecord,
) -> std::result::Result<ContactRecord, String> {
    let mut record = ContactRecord {
        address: String::new(),
        fields: ContactFields::default(),
    };
    for (h, v) in headers.iter().zip(row.iter()) {
        match h {
            "emailAddress" => record.address = v.to_string(),
            "unsubscribeAll" if !v.is_empty() => {
                record.fields.unsubscribe_all = Some(parse_bool(v)?);
            }
            "attributesData" if !v.is_empty() => {
                record.fields.attributes_data = Some(v.to_string());
            }
            _ => {
                if let Some(topic) = h.strip_prefix("topicPreferences.")
                    && !v.is_empty()
                {
                    record
                        .fields
                        .topic_preferences
                        .push((topic.to_string(), v.to_string()));
                }
            }
        }
    }
    if record.address.is_empty() {
        return Err("the record has no emailAddress".into());
    }
    Ok(record)
}

fn parse_bool(v: &str) -> std::result::Result<bool, String> {
    match v.to_ascii_lowercase().as_str() {
        "true" => Ok(true),
        "false" => Ok(false),
        _ => Err(format!("unsubscribeAll is '{v}', not true or false")),
    }
}

/// The objects of a newline-delimited JSON file (blank lines skipped).
fn json_lines(
    text: &str,
) -> impl Iterator<Item = std::result::Result<serde_json::Value, String>> + '_ {
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).map_err(|e| format!("not JSON: {e}")))
}

fn contact_from_json(v: &serde_json::Value) -> std::result::Result<ContactRecord, String> {
    let address = v["emailAddress"]
        .as_str()
        .ok_or("the record has no emailAddress")?
        .to_string();
    let unsubscribe_all = match &v["unsubscribeAll"] {
        serde_json::Value::Null => None,
        serde_json::Value::Bool(b) => Some(*b),
        other => return Err(format!("unsubscribeAll is {other}, not true or false")),
    };
    let attributes_data = match &v["attributesData"] {
        serde_json::Value::Null => None,
        serde_json::Value::String(s) => Some(s.clone()),
        other => Some(other.to_string()),
    };
    let mut topic_preferences = Vec::new();
    for p in v["topicPreferences"].as_array().into_iter().flatten() {
        let (Some(t), Some(s)) = (p["topicName"].as_str(), p["subscriptionStatus"].as_str()) else {
            return Err("a topic preference needs topicName and subscriptionStatus".into());
        };
        topic_preferences.push((t.to_string(), s.to_string()));
    }
    Ok(ContactRecord {
        address,
        fields: ContactFields {
            topic_preferences,
            unsubscribe_all,
            attributes_data,
        },
    })
}

/// J3: a suppression file: `address,REASON` lines (CSV, no header) or
/// `{"emailAddress","reason"}` objects (JSON). A `DELETE` job needs no reason.
pub fn parse_suppressed(text: &str, format: &str) -> Records<(String, Option<String>)> {
    if format == "JSON" {
        return json_lines(text)
            .map(|line| {
                let v = line?;
                let address = v["emailAddress"]
                    .as_str()
                    .ok_or("the record has no emailAddress")?;
                Ok((
                    address.to_string(),
                    v["reason"].as_str().map(str::to_string),
                ))
            })
            .collect();
    }
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    reader
        .records()
        .map(|row| {
            let row = row.map_err(|e| format!("not CSV: {e}"))?;
            let address = row.get(0).filter(|a| !a.is_empty()).ok_or("no address")?;
            Ok((address.to_string(), row.get(1).map(str::to_string)))
        })
        .collect()
}

/// What applying a job's records did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub processed: u64,
    pub failed: u64,
}

impl Region {
    /// J3, J5: applies a contacts file to `list` (`PUT` adds or updates each contact,
    /// `DELETE` removes it); a record the list's rules refuse is counted as failed and the
    /// rest go on, as SES's job reports `FailedRecordsCount`.
    pub fn import_contacts(
        &mut self,
        list: &str,
        action: &str,
        records: Records<ContactRecord>,
        now: Timestamp,
    ) -> Result<Counts> {
        self.existing_contact_list(list)?;
        if records.len() > MAX_CONTACTS_PER_JOB {
            return Err(Error::limit_exceeded(format!(
                "The file holds {} contacts; an import job takes at most {MAX_CONTACTS_PER_JOB}.",
                records.len()
            )));
        }
        let mut counts = Counts::default();
        for r in records {
            let done = r.map_err(|_| ()).and_then(|r| {
                let exists = self.existing_contact(list, &r.address).is_ok();
                let result = match (action, exists) {
                    ("DELETE", _) => self.delete_contact(list, &r.address).map(|_| ()),
                    (_, true) => self.update_contact(list, &r.address, &r.fields, now),
                    (_, false) => self
                        .create_contact(list, &r.address, &r.fields, now)
                        .map(|_| ()),
                };
                result.map_err(|_| ())
            });
            match done {
                Ok(()) => counts.processed += 1,
                Err(()) => counts.failed += 1,
            }
        }
        Ok(counts)
    }

    /// J3, J5: applies a suppression file (`PUT` puts each address with its reason, S1–S3;
    /// `DELETE` removes it).
    pub fn import_suppressed(
        &mut self,
        action: &str,
        records: Records<(String, Option<String>)>,
        now: Timestamp,
    ) -> Result<Counts> {
        if records.len() > MAX_SUPPRESSED_PER_JOB {
            return Err(Error::limit_exceeded(format!(
                "The file holds {} addresses; an import job takes at most {MAX_SUPPRESSED_PER_JOB}.",
                records.len()
            )));
        }
        let mut counts = Counts::default();
        for r in records {
            let done = match r {
                Err(_) => false,
                Ok((address, _)) if action == "DELETE" => {
                    self.delete_suppressed(&contact_key(&address)).is_ok()
                }
                Ok((address, reason)) => self
                    .put_suppressed(&address, reason.as_deref().unwrap_or("BOUNCE"), now, None)
                    .is_ok(),
            };
            if done {
                counts.processed += 1;
            } else {
                counts.failed += 1;
            }
        }
        Ok(counts)
    }

    /// Keeps a finished job, forgetting the oldest past `MAX_JOBS`.
    pub fn keep_import_job(&mut self, id: String, job: ImportJob) {
        self.import_jobs.insert(id, job);
        while self.import_jobs.len() > MAX_JOBS {
            let oldest = self
                .import_jobs
                .iter()
                .min_by_key(|(_, j)| j.created)
                .map(|(k, _)| k.clone());
            match oldest {
                Some(k) => self.import_jobs.remove(&k),
                None => break,
            };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn s3_urls_name_a_bucket_and_a_key_inside_it() {
        assert_eq!(
            parse_s3_url("s3://imports/lists/contacts.csv").unwrap(),
            ("imports".into(), "lists/contacts.csv".into())
        );
        for bad in [
            "https://x/y",
            "s3://bucket",
            "s3://bucket/",
            "s3:///key",
            "s3://bucket/../etc/passwd",
            "s3://bucket/a/./b",
            "s3://Bad_Bucket/key",
            "s3://bucket/a//b",
        ] {
            assert!(parse_s3_url(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn contacts_files_in_both_formats() {
        let csv = "emailAddress,unsubscribeAll,attributesData,topicPreferences.sports\n\
                   a@example.com,false,\"{\"\"n\"\":1}\",OPT_IN\n\
                   b@example.com,true,,OPT_OUT\n\
                   ,false,,\n";
        let r = parse_contacts(csv, "CSV").unwrap();
        assert_eq!(r.len(), 3);
        let a = r[0].as_ref().unwrap();
        assert_eq!(a.address, "a@example.com");
        assert_eq!(a.fields.attributes_data.as_deref(), Some("{\"n\":1}"));
        assert_eq!(
            a.fields.topic_preferences,
            vec![("sports".to_string(), "OPT_IN".to_string())]
        );
        assert_eq!(r[1].as_ref().unwrap().fields.unsubscribe_all, Some(true));
        assert!(r[2].is_err());
        let json = "{\"emailAddress\":\"c@example.com\",\"topicPreferences\":[{\"topicName\":\"sports\",\"subscriptionStatus\":\"OPT_OUT\"}]}\n\nnot json\n";
        let r = parse_contacts(json, "JSON").unwrap();
        assert_eq!(r.len(), 2);
        assert_eq!(r[0].as_ref().unwrap().fields.topic_preferences.len(), 1);
        assert!(r[1].is_err());
        assert!(parse_contacts("address\nx@y.com\n", "CSV").is_err());
    }

    #[test]
    fn suppression_files_in_both_formats() {
        let r = parse_suppressed("a@example.com,BOUNCE\nb@example.com,COMPLAINT\n", "CSV");
        assert_eq!(r[1].as_ref().unwrap().1.as_deref(), Some("COMPLAINT"));
        let r = parse_suppressed(
            "{\"emailAddress\":\"a@example.com\",\"reason\":\"BOUNCE\"}\n",
            "JSON",
        );
        assert_eq!(r[0].as_ref().unwrap().0, "a@example.com");
        let mut region = Region::default();
        let counts = region
            .import_suppressed(
                "PUT",
                parse_suppressed(
                    "a@example.com,BOUNCE\nnot-an-address,BOUNCE\nb@example.com,MAYBE\n",
                    "CSV",
                ),
                Timestamp::UNIX_EPOCH,
            )
            .unwrap();
        assert_eq!(
            counts,
            Counts {
                processed: 1,
                failed: 2
            }
        );
        assert!(region.suppressed("a@example.com").is_some());
    }
}
