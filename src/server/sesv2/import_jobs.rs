//! Import jobs: CreateImportJob, GetImportJob, ListImportJobs. The `S3Url` names an object of
//! the local S3 folder (`<state>.inbound/BUCKET/KEY`), which the job reads in place of S3.

use super::Call;
use super::shapes::{
    ContactListDestination, CreateImportJobBody, CreateImportJobResponse, FailureInfo,
    GetImportJobResponse, ImportDataSource, ImportDestination, ImportJobSummary,
    ListImportJobsBody, ListImportJobsResponse, SuppressionListDestination,
};
use super::wire::Epoch;
use crate::error::{Error, Result};
use crate::model::import_job::{self, Destination, ImportJob};
use crate::ops;
use crate::ops::import_job::NewJob;
use crate::server::api::Api;
use crate::server::http::{Response, json};

fn destination(d: ImportDestination) -> Result<Destination> {
    match (d.suppression_list_destination, d.contact_list_destination) {
        (Some(s), None) => Ok(Destination::SuppressionList {
            action: s.suppression_list_import_action.unwrap_or_default(),
        }),
        (None, Some(c)) => Ok(Destination::ContactList {
            name: c.contact_list_name.unwrap_or_default(),
            action: c.contact_list_import_action.unwrap_or_default(),
        }),
        _ => Err(Error::bad_request(
            "ImportDestination needs exactly one of SuppressionListDestination and ContactListDestination.",
        )),
    }
}

fn destination_shape(d: &Destination) -> ImportDestination {
    match d {
        Destination::SuppressionList { action } => ImportDestination {
            suppression_list_destination: Some(SuppressionListDestination {
                suppression_list_import_action: Some(action.clone()),
            }),
            contact_list_destination: None,
        },
        Destination::ContactList { name, action } => ImportDestination {
            suppression_list_destination: None,
            contact_list_destination: Some(ContactListDestination {
                contact_list_name: Some(name.clone()),
                contact_list_import_action: Some(action.clone()),
            }),
        },
    }
}

pub fn create(api: &Api, c: &Call) -> Result<Response> {
    let b: CreateImportJobBody = c.body()?;
    let source = b.import_data_source.unwrap_or_default();
    let job = NewJob {
        destination: destination(b.import_destination.unwrap_or_default())?,
        s3_url: source.s3_url.unwrap_or_default(),
        data_format: source.data_format.unwrap_or_default(),
    };
    let (bucket, key) = ops::import_job::check(&job)?;
    // Read before the writer's turn: the file may be large, and reading it needs no lock.
    let file = api
        .live()
        .store()
        .read_local_object(&bucket, &key, import_job::MAX_FILE_BYTES);
    let now = jiff::Timestamp::now();
    let id = api.write(|s| ops::import_job::create(s, &c.region, job, file, now))?;
    Ok(json(&CreateImportJobResponse { job_id: Some(id) }))
}

fn source(j: &ImportJob) -> ImportDataSource {
    ImportDataSource {
        s3_url: Some(j.s3_url.clone()),
        data_format: Some(j.data_format.clone()),
    }
}

pub fn get(api: &Api, c: &Call) -> Result<Response> {
    let id = c.label("JobId");
    let j = api.read(|s| ops::import_job::get(s, &c.region, &id))?;
    Ok(json(&GetImportJobResponse {
        job_id: Some(id),
        import_destination: Some(destination_shape(&j.destination)),
        import_data_source: Some(source(&j)),
        failure_info: j.error_message.clone().map(|m| FailureInfo {
            failed_records_s3_url: None,
            error_message: Some(m),
        }),
        job_status: Some(j.status.clone()),
        created_timestamp: Some(Epoch(j.created)),
        completed_timestamp: Some(Epoch(j.completed)),
        processed_records_count: Some(j.processed as i64),
        failed_records_count: Some(j.failed as i64),
    }))
}

pub fn list(api: &Api, c: &Call) -> Result<Response> {
    let b: ListImportJobsBody = c.body()?;
    let paging = ops::Paging {
        next_token: b.next_token,
        page_size: b.page_size,
    };
    let kind = b.import_destination_type;
    let (jobs, next) =
        api.read(|s| ops::import_job::list(s, &c.region, kind.as_deref(), &paging))?;
    Ok(json(&ListImportJobsResponse {
        import_jobs: Some(
            jobs.into_iter()
                .map(|(id, j)| ImportJobSummary {
                    job_id: Some(id),
                    import_destination: Some(destination_shape(&j.destination)),
                    job_status: Some(j.status.clone()),
                    created_timestamp: Some(Epoch(j.created)),
                    processed_records_count: Some(j.processed as i64),
                    failed_records_count: Some(j.failed as i64),
                })
                .collect(),
        ),
        next_token: next,
    }))
}

#[cfg(test)]
mod tests {
    use super::super::testing::Door;
    use serde_json::json;

    #[test]
    fn a_job_reads_the_local_s3_folder_and_imports_contacts_or_suppressed_addresses() {
        let door = Door::new();
        let folder = door.state.with_file_name("state.json.inbound/imports");
        std::fs::create_dir_all(&folder).unwrap();
        std::fs::write(
            folder.join("contacts.csv"),
            "emailAddress,topicPreferences.sports\na@example.com,OPT_OUT\nnot-an-address,OPT_IN\n",
        )
        .unwrap();
        std::fs::write(
            folder.join("suppressed.jsonl"),
            "{\"emailAddress\":\"x@example.com\",\"reason\":\"COMPLAINT\"}\n",
        )
        .unwrap();
        let list = json!({"ContactListName": "news", "Topics": [{"TopicName": "sports", "DisplayName": "Sports", "DefaultSubscriptionStatus": "OPT_IN"}]});
        assert_eq!(
            door.call("POST", "/v2/email/contact-lists", &list.to_string())
                .0,
            200
        );
        let job = |dest: serde_json::Value, url: &str, format: &str| {
            json!({"ImportDestination": dest, "ImportDataSource": {"S3Url": url, "DataFormat": format}}).to_string()
        };
        let contacts = json!({"ContactListDestination": {"ContactListName": "news", "ContactListImportAction": "PUT"}});
        let (s, v) = door.call(
            "POST",
            "/v2/email/import-jobs",
            &job(contacts.clone(), "s3://imports/contacts.csv", "CSV"),
        );
        assert_eq!(s, 200, "{v}");
        let id = v["JobId"].as_str().unwrap().to_string();
        let (_, v) = door.call("GET", &format!("/v2/email/import-jobs/{id}"), "");
        assert_eq!(
            (
                v["JobStatus"].as_str(),
                v["ProcessedRecordsCount"].as_i64(),
                v["FailedRecordsCount"].as_i64()
            ),
            (Some("COMPLETED"), Some(1), Some(1)),
            "{v}"
        );
        let (_, v) = door.call(
            "GET",
            "/v2/email/contact-lists/news/contacts/a%40example.com",
            "",
        );
        assert_eq!(v["TopicPreferences"][0]["SubscriptionStatus"], "OPT_OUT");
        let suppression =
            json!({"SuppressionListDestination": {"SuppressionListImportAction": "PUT"}});
        assert_eq!(
            door.call(
                "POST",
                "/v2/email/import-jobs",
                &job(suppression.clone(), "s3://imports/suppressed.jsonl", "JSON")
            )
            .0,
            200
        );
        let (_, v) = door.call("GET", "/v2/email/suppression/addresses/x%40example.com", "");
        assert_eq!(v["SuppressedDestination"]["Reason"], "COMPLAINT");
        let (_, v) = door.call(
            "POST",
            "/v2/email/import-jobs",
            &job(suppression.clone(), "s3://imports/missing.csv", "CSV"),
        );
        let id = v["JobId"].as_str().unwrap().to_string();
        let (_, v) = door.call("GET", &format!("/v2/email/import-jobs/{id}"), "");
        assert_eq!(v["JobStatus"], "FAILED");
        assert!(
            v["FailureInfo"]["ErrorMessage"]
                .as_str()
                .unwrap()
                .contains("does not exist"),
            "{v}"
        );
        let (_, v) = door.call(
            "POST",
            "/v2/email/import-jobs/list",
            &json!({"ImportDestinationType": "CONTACT_LIST"}).to_string(),
        );
        assert_eq!(v["ImportJobs"].as_array().unwrap().len(), 1, "{v}");
        door.refused(
            "POST",
            "/v2/email/import-jobs",
            &job(suppression.clone(), "s3://imports/../../etc/passwd", "CSV"),
            400,
            "BadRequestException",
        );
        door.refused(
            "POST",
            "/v2/email/import-jobs",
            &job(suppression, "s3://imports/x.csv", "XML"),
            400,
            "BadRequestException",
        );
        door.refused(
            "GET",
            "/v2/email/import-jobs/nope",
            "",
            404,
            "NotFoundException",
        );
    }
}
