//! Export jobs (SESv2 `CreateExportJob`, `GetExportJob`, `ListExportJobs`, `CancelExportJob`),
//! rules X1–X5 (`ses-rules.md`): VDM metrics or message insights written as CSV or JSON. SES
//! runs a job in the background and leaves the file in its own bucket behind a pre-signed
//! URL; sesm runs the job whole when it is created and writes the file to the local S3 folder
//! (`<state>.inbound/BUCKET/KEY`), so it is `COMPLETED` at once and `S3Url` names the file.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// Jobs a region remembers; the oldest are forgotten past it *(sesm)*.
pub const MAX_JOBS: usize = 1_000;
/// X3: a message insights export's `MaxResults` is 1–10,000 (botocore's model); the default
/// when it is absent is the most.
pub const MAX_INSIGHTS_RESULTS: i64 = 10_000;
/// The bucket of the local S3 folder exports go to when the request names none *(sesm: SES's
/// own bucket, which the pre-signed URL points into)*.
pub const EXPORT_BUCKET: &str = "sesm-vdm-exports";

/// What a job exports (botocore's `ExportSourceType`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum SourceType {
    MetricsData,
    MessageInsights,
}

impl SourceType {
    pub fn as_str(self) -> &'static str {
        match self {
            SourceType::MetricsData => "METRICS_DATA",
            SourceType::MessageInsights => "MESSAGE_INSIGHTS",
        }
    }
}

/// One export job as the region keeps it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ExportJob {
    pub source_type: SourceType,
    /// The request's `ExportDataSource`, as given (GetExportJob answers it back).
    pub data_source: serde_json::Value,
    /// `CSV` or `JSON`.
    pub data_format: String,
    /// Where the file is: `s3://BUCKET/KEY` of the local S3 folder.
    pub s3_url: String,
    /// `COMPLETED`, `FAILED` or `CANCELLED`.
    pub status: String,
    pub created: Timestamp,
    pub completed: Timestamp,
    pub processed: u64,
    pub exported: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_message: Option<String>,
}

/// X1: `DataFormat` is `CSV` or `JSON`.
pub fn check_format(format: &str) -> Result<()> {
    match format {
        "CSV" | "JSON" => Ok(()),
        other => Err(super::rules::enum_error(
            other,
            "exportDestination.dataFormat",
            &["CSV", "JSON"],
        )),
    }
}

/// X5: GetExportJob and CancelExportJob of an ID the region does not have.
pub fn not_found(id: &str) -> Error {
    Error::not_found(format!("Export job {id} does not exist.")).named(id)
}

/// X4: a job that has finished can no longer be cancelled.
pub fn check_cancellable(id: &str, job: &ExportJob) -> Result<()> {
    if job.status == "COMPLETED" || job.status == "FAILED" || job.status == "CANCELLED" {
        return Err(Error::bad_request(format!(
            "Export job {id} is {} and can no longer be cancelled.",
            job.status
        )));
    }
    Ok(())
}

/// One CSV field, quoted when it must be (RFC 4180).
pub fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_fields_and_cancelling() {
        assert!(check_format("CSV").is_ok());
        assert!(check_format("csv").is_err());
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("plain"), "plain");
        let mut job = ExportJob {
            source_type: SourceType::MetricsData,
            data_source: serde_json::json!({}),
            data_format: "CSV".into(),
            s3_url: "s3://b/k".into(),
            status: "COMPLETED".into(),
            created: Timestamp::UNIX_EPOCH,
            completed: Timestamp::UNIX_EPOCH,
            processed: 0,
            exported: 0,
            error_message: None,
        };
        assert!(check_cancellable("j", &job).is_err());
        job.status = "PROCESSING".into();
        assert!(check_cancellable("j", &job).is_ok());
    }
}
