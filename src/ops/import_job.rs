//! Import jobs: `CreateImportJob`, `GetImportJob`, `ListImportJobs` (rules J1–J5 in
//! `model::import_job`). The file an `S3Url` names is read by the door from the local S3
//! folder (`store`) and handed over as text, or as why it could not be read.

use jiff::Timestamp;

use super::{Page, Paging, page_by_creation};
use crate::error::Result;
use crate::model::State;
use crate::model::import_job::{self, Destination, ImportJob, parse_contacts, parse_suppressed};

/// CreateImportJob's request, checked (J1, J2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewJob {
    pub destination: Destination,
    pub s3_url: String,
    pub data_format: String,
}

/// J1, J2: the request's destination and source, before its file is read.
pub fn check(job: &NewJob) -> Result<(String, String)> {
    match &job.destination {
        Destination::SuppressionList { action } => import_job::check_action(
            action,
            "importDestination.suppressionListDestination.suppressionListImportAction",
        )?,
        Destination::ContactList { action, .. } => import_job::check_action(
            action,
            "importDestination.contactListDestination.contactListImportAction",
        )?,
    }
    import_job::check_format(&job.data_format)?;
    import_job::parse_s3_url(&job.s3_url)
}

/// A job's ID: its creation time and what it imports, as a UUID's shape.
fn job_id(region: &str, job: &NewJob, now: Timestamp) -> String {
    use sha2::{Digest, Sha256};
    let h = Sha256::digest(format!("{region}\n{}\n{}", job.s3_url, now.as_nanosecond()).as_bytes());
    let hex: String = h.iter().map(|b| format!("{b:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

/// CreateImportJob: runs the job whole (J3–J5) and keeps it; its ID. `file` is the object's
/// text, or why it could not be read (the job then FAILED, as SES's does when it can't read
/// the object).
pub fn create(
    s: &mut State,
    region: &str,
    job: NewJob,
    file: std::result::Result<String, String>,
    now: Timestamp,
) -> Result<String> {
    check(&job)?;
    if let Destination::ContactList { name, .. } = &job.destination {
        s.region(region).existing_contact_list(name)?;
    }
    let id = job_id(region, &job, now);
    let r = s.region_mut(region);
    let outcome = file.and_then(|text| {
        let counts = match &job.destination {
            Destination::ContactList { name, action } => {
                let records = parse_contacts(&text, &job.data_format).map_err(|e| e.message)?;
                r.import_contacts(name, action, records, now)
            }
            Destination::SuppressionList { action } => {
                r.import_suppressed(action, parse_suppressed(&text, &job.data_format), now)
            }
        };
        counts.map_err(|e| e.message)
    });
    let (status, counts, error) = match outcome {
        Ok(c) => ("COMPLETED", c, None),
        Err(why) => ("FAILED", Default::default(), Some(why)),
    };
    r.keep_import_job(
        id.clone(),
        ImportJob {
            destination: job.destination,
            s3_url: job.s3_url,
            data_format: job.data_format,
            status: status.to_string(),
            created: now,
            completed: now,
            processed: counts.processed,
            failed: counts.failed,
            error_message: error,
        },
    );
    Ok(id)
}

/// GetImportJob.
pub fn get(s: &State, region: &str, id: &str) -> Result<ImportJob> {
    s.region(region)
        .import_jobs
        .get(id)
        .cloned()
        .ok_or_else(|| import_job::not_found(id))
}

/// ListImportJobs: by creation time, of one destination type when asked, paged.
pub fn list(
    s: &State,
    region: &str,
    kind: Option<&str>,
    paging: &Paging,
) -> Result<Page<(String, ImportJob)>> {
    if let Some(k) = kind
        && k != "SUPPRESSION_LIST"
        && k != "CONTACT_LIST"
    {
        return Err(crate::model::rules::enum_error(
            k,
            "importDestinationType",
            &["SUPPRESSION_LIST", "CONTACT_LIST"],
        ));
    }
    let jobs: Vec<(String, ImportJob)> = s
        .region(region)
        .import_jobs
        .iter()
        .filter(|(_, j)| kind.is_none_or(|k| j.destination.kind() == k))
        .map(|(id, j)| (id.clone(), j.clone()))
        .collect();
    page_by_creation("import-jobs", jobs, |j| j.created, paging)
}
