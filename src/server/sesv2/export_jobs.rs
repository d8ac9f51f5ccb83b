//! Export jobs: CreateExportJob, GetExportJob, ListExportJobs, CancelExportJob. A job runs
//! whole when it is created, over the event log; its file is written to the local S3 folder
//! (`<state>.inbound/BUCKET/KEY`) in place of SES's bucket, and `S3Url` names it.

use super::Call;
use super::shapes::{
    CreateExportJobBody, CreateExportJobResponse, ExportDataSource, ExportDestination,
    ExportJobSummary, ExportStatistics, FailureInfo, GetExportJobResponse, ListExportJobsBody,
    ListExportJobsResponse, MessageInsightsFilters,
};
use super::vdm::day_of;
use super::wire::Epoch;
use crate::error::{Error, Result};
use crate::model::export_job::{ExportJob, MAX_INSIGHTS_RESULTS};
use crate::model::vdm::{Dimension, Metric};
use crate::ops;
use crate::ops::export_job::{Filters, InsightsSource, MetricsSource, NewExport, Source};
use crate::server::api::Api;
use crate::server::http::{Response, json};

fn filters(f: Option<MessageInsightsFilters>) -> Filters {
    let f = f.unwrap_or_default();
    Filters {
        from: f.from_email_address.unwrap_or_default(),
        destination: f.destination.unwrap_or_default(),
        subject: f.subject.unwrap_or_default(),
        isp: f.isp.unwrap_or_default(),
        tenant: f.tenant_name.unwrap_or_default(),
        last_delivery: f.last_delivery_event.unwrap_or_default(),
        last_engagement: f.last_engagement_event.unwrap_or_default(),
    }
}

/// The request's source, checked for what the door reads (X2, X3).
fn source(d: ExportDataSource) -> Result<Source> {
    match (d.metrics_data_source, d.message_insights_data_source) {
        (Some(m), None) => {
            let namespace = m.namespace.unwrap_or_default();
            if namespace != "VDM" {
                return Err(crate::model::rules::enum_error(
                    &namespace,
                    "exportDataSource.metricsDataSource.namespace",
                    &["VDM"],
                ));
            }
            let mut dimensions = Vec::new();
            for (k, v) in m.dimensions.unwrap_or_default() {
                let d = Dimension::parse("exportDataSource.metricsDataSource.dimensions", &k)?;
                dimensions.push((d, v));
            }
            let mut metrics = Vec::new();
            for x in m.metrics.unwrap_or_default() {
                let name = Metric::parse(
                    "exportDataSource.metricsDataSource.metrics.member.name",
                    &x.name.unwrap_or_default(),
                )?;
                let rate = match x.aggregation.as_deref().unwrap_or("VOLUME") {
                    "RATE" => true,
                    "VOLUME" => false,
                    other => {
                        return Err(crate::model::rules::enum_error(
                            other,
                            "exportDataSource.metricsDataSource.metrics.member.aggregation",
                            &["RATE", "VOLUME"],
                        ));
                    }
                };
                metrics.push((name, rate));
            }
            Ok(Source::Metrics(MetricsSource {
                dimensions,
                metrics,
                start: day_of(m.start_date),
                end: day_of(m.end_date),
            }))
        }
        (None, Some(i)) => {
            let max = i.max_results.unwrap_or(MAX_INSIGHTS_RESULTS);
            if !(1..=MAX_INSIGHTS_RESULTS).contains(&max) {
                return Err(Error::bad_request(format!(
                    "1 validation error detected: Value '{max}' at 'exportDataSource.messageInsightsDataSource.maxResults' failed to satisfy constraint: Member must have value between 1 and {MAX_INSIGHTS_RESULTS}"
                )));
            }
            Ok(Source::Insights(Box::new(InsightsSource {
                start: i.start_date.map(|e| e.0).unwrap_or_default(),
                end: i.end_date.map(|e| e.0).unwrap_or_default(),
                include: filters(i.include),
                exclude: filters(i.exclude),
                max_results: max as usize,
            })))
        }
        _ => Err(Error::bad_request(
            "ExportDataSource needs exactly one of MetricsDataSource and MessageInsightsDataSource.",
        )),
    }
}

pub fn create(api: &Api, c: &Call) -> Result<Response> {
    let b: CreateExportJobBody = c.body()?;
    let given = b.export_data_source.unwrap_or_default();
    let as_given = serde_json::to_value(&given)
        .map_err(|e| Error::internal(format!("an export source does not encode: {e}")))?;
    let dest = b.export_destination.unwrap_or_default();
    let job = NewExport {
        source: source(given)?,
        as_given,
        format: dest.data_format.unwrap_or_default(),
        s3_url: dest.s3_url,
    };
    ops::export_job::check(&job)?;
    let now = jiff::Timestamp::now();
    let id = ops::export_job::job_id(&c.region, now);
    let (bucket, key) = ops::export_job::destination(&job, &id)?;
    let events = api.live().store().region_events(&c.region)?;
    let outcome = api.read(|s| ops::export_job::run(s, &c.region, &job, &events))?;
    if let Ok(out) = &outcome {
        api.live()
            .store()
            .write_local_object(&bucket, &key, &out.bytes)?;
    }
    let record = ops::export_job::record(&job, format!("s3://{bucket}/{key}"), &outcome, now);
    api.write(|s| ops::export_job::keep(s, &c.region, id.clone(), record))?;
    Ok(json(&CreateExportJobResponse { job_id: Some(id) }))
}

fn source_shape(j: &ExportJob) -> Option<ExportDataSource> {
    serde_json::from_value(j.data_source.clone()).ok()
}

pub fn get(api: &Api, c: &Call) -> Result<Response> {
    let id = c.label("JobId");
    let j = api.read(|s| ops::export_job::get(s, &c.region, &id))?;
    Ok(json(&GetExportJobResponse {
        job_id: Some(id),
        export_source_type: Some(j.source_type.as_str().into()),
        job_status: Some(j.status.clone()),
        export_destination: Some(ExportDestination {
            data_format: Some(j.data_format.clone()),
            s3_url: (j.status == "COMPLETED").then(|| j.s3_url.clone()),
        }),
        export_data_source: source_shape(&j),
        created_timestamp: Some(Epoch(j.created)),
        completed_timestamp: Some(Epoch(j.completed)),
        failure_info: j.error_message.clone().map(|m| FailureInfo {
            failed_records_s3_url: None,
            error_message: Some(m),
        }),
        statistics: Some(ExportStatistics {
            processed_records_count: Some(j.processed as i64),
            exported_records_count: Some(j.exported as i64),
        }),
    }))
}

pub fn list(api: &Api, c: &Call) -> Result<Response> {
    let b: ListExportJobsBody = c.body()?;
    let paging = ops::Paging {
        next_token: b.next_token,
        page_size: b.page_size,
    };
    let (jobs, next) = api.read(|s| {
        ops::export_job::list(
            s,
            &c.region,
            b.export_source_type.as_deref(),
            b.job_status.as_deref(),
            &paging,
        )
    })?;
    Ok(json(&ListExportJobsResponse {
        export_jobs: Some(
            jobs.into_iter()
                .map(|(id, j)| ExportJobSummary {
                    job_id: Some(id),
                    export_source_type: Some(j.source_type.as_str().into()),
                    job_status: Some(j.status.clone()),
                    created_timestamp: Some(Epoch(j.created)),
                    completed_timestamp: Some(Epoch(j.completed)),
                })
                .collect(),
        ),
        next_token: next,
    }))
}

pub fn cancel(api: &Api, c: &Call) -> Result<Response> {
    let id = c.label("JobId");
    api.write(|s| ops::export_job::cancel(s, &c.region, &id))?;
    Ok(super::empty())
}

#[cfg(test)]
mod tests {
    use super::super::testing::Door;
    use serde_json::json;

    fn metrics_job(format: &str) -> String {
        json!({
            "ExportDataSource": {"MetricsDataSource": {
                "Dimensions": {"ISP": ["gmail", "yahoo"]},
                "Namespace": "VDM",
                "Metrics": [{"Name": "SEND", "Aggregation": "VOLUME"}, {"Name": "SEND", "Aggregation": "RATE"}],
                "StartDate": 1_795_910_400, "EndDate": 1_796_428_800}},
            "ExportDestination": {"DataFormat": format},
        })
        .to_string()
    }

    #[test]
    fn jobs_run_at_once_write_their_file_and_are_listed() {
        let door = Door::new();
        let on = r#"{"VdmAttributes":{"VdmEnabled":"ENABLED"}}"#;
        assert_eq!(door.call("PUT", "/v2/email/account/vdm", on).0, 200);
        let (s, v) = door.call("POST", "/v2/email/export-jobs", &metrics_job("CSV"));
        assert_eq!(s, 200, "{v}");
        let id = v["JobId"].as_str().unwrap().to_string();
        let (s, v) = door.call("GET", &format!("/v2/email/export-jobs/{id}"), "");
        assert_eq!(s, 200, "{v}");
        assert_eq!(v["JobStatus"], "COMPLETED");
        assert_eq!(v["ExportSourceType"], "METRICS_DATA");
        assert_eq!(
            v["ExportDataSource"]["MetricsDataSource"]["Namespace"],
            "VDM"
        );
        // Today (2026-11-30) is the account's only day: one row per ISP and metric.
        assert_eq!(v["Statistics"]["ExportedRecordsCount"], 4);
        let url = v["ExportDestination"]["S3Url"].as_str().unwrap();
        let key = url.strip_prefix("s3://sesm-vdm-exports/").unwrap();
        let file = door
            .state
            .with_extension("json.inbound")
            .join("sesm-vdm-exports")
            .join(key);
        let text = std::fs::read_to_string(&file).unwrap();
        assert_eq!(
            text,
            "Date,ISP,Metric,Aggregation,Value\n2026-11-30,gmail,SEND,VOLUME,0\n2026-11-30,gmail,SEND,RATE,0.0\n2026-11-30,yahoo,SEND,VOLUME,0\n2026-11-30,yahoo,SEND,RATE,0.0\n"
        );
        let (_, v) = door.call(
            "POST",
            "/v2/email/list-export-jobs",
            r#"{"JobStatus":"COMPLETED"}"#,
        );
        assert_eq!(v["ExportJobs"][0]["JobId"], id.as_str());
        let (_, v) = door.call(
            "POST",
            "/v2/email/list-export-jobs",
            r#"{"ExportSourceType":"MESSAGE_INSIGHTS"}"#,
        );
        assert_eq!(v["ExportJobs"], json!([]));
        let m = door.refused(
            "PUT",
            &format!("/v2/email/export-jobs/{id}/cancel"),
            "",
            400,
            "BadRequestException",
        );
        assert!(
            m.contains("is COMPLETED and can no longer be cancelled"),
            "{m}"
        );
        door.refused(
            "PUT",
            "/v2/email/export-jobs/nope/cancel",
            "",
            404,
            "NotFoundException",
        );
        door.refused(
            "GET",
            "/v2/email/export-jobs/nope",
            "",
            404,
            "NotFoundException",
        );
    }

    #[test]
    fn a_job_fails_while_vdm_is_off_and_bad_requests_are_refused() {
        let door = Door::new();
        let (_, v) = door.call("POST", "/v2/email/export-jobs", &metrics_job("JSON"));
        let id = v["JobId"].as_str().unwrap().to_string();
        let (_, v) = door.call("GET", &format!("/v2/email/export-jobs/{id}"), "");
        assert_eq!(v["JobStatus"], "FAILED");
        assert!(
            v["FailureInfo"]["ErrorMessage"]
                .as_str()
                .unwrap()
                .contains("not enabled")
        );
        for (body, words) in [
            (metrics_job("XML"), "[CSV, JSON]"),
            (
                metrics_job("CSV").replace("\"RATE\"", "\"MEAN\""),
                "[RATE, VOLUME]",
            ),
            (metrics_job("CSV").replace("\"ISP\"", "\"POOL\""), "enum value set"),
            (
                json!({"ExportDataSource": {}, "ExportDestination": {"DataFormat": "CSV"}}).to_string(),
                "exactly one of",
            ),
            (
                json!({"ExportDataSource": {"MessageInsightsDataSource": {"StartDate": 2, "EndDate": 1}},
                    "ExportDestination": {"DataFormat": "CSV"}}).to_string(),
                "is after EndDate",
            ),
            (
                json!({"ExportDataSource": {"MessageInsightsDataSource": {"StartDate": 1, "EndDate": 2,
                    "Include": {"Subject": ["a", "b"]}}},
                    "ExportDestination": {"DataFormat": "CSV"}}).to_string(),
                "less than or equal to 1",
            ),
            (
                json!({"ExportDataSource": {"MessageInsightsDataSource": {"StartDate": 1, "EndDate": 2,
                    "MaxResults": 0}},
                    "ExportDestination": {"DataFormat": "CSV"}}).to_string(),
                "between 1 and 10000",
            ),
        ] {
            let m = door.refused("POST", "/v2/email/export-jobs", &body, 400, "BadRequestException");
            assert!(m.contains(words), "{m}");
        }
    }
}
