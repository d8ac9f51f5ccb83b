//! Export jobs: `CreateExportJob`, `GetExportJob`, `ListExportJobs`, `CancelExportJob` (rules
//! X1–X7 in `model::export_job`). The job is run whole when it is created (`run`, over the
//! event log the door hands over); the door writes its file to the local S3 folder, then the
//! job is kept (`keep`).

use std::collections::BTreeMap;

use jiff::Timestamp;
use jiff::civil::Date;
use serde_json::{Value, json};

use super::vdm::{MessageInsights, facts, insights_of, lived_days};
use super::{Page, Paging, page_by_creation};
use crate::error::{Error, Result};
use crate::model::State;
use crate::model::export_job::{self, ExportJob, SourceType, csv_field};
use crate::model::publishing::EventRecord;
use crate::model::vdm::{self, Dimension, Metric, Query};

/// `MetricsDataSource`, checked.
#[derive(Debug, Clone, PartialEq)]
pub struct MetricsSource {
    /// Each dimension's values; a row per combination.
    pub dimensions: Vec<(Dimension, Vec<String>)>,
    /// Each metric and whether it is exported as a `RATE` (else a `VOLUME`).
    pub metrics: Vec<(Metric, bool)>,
    pub start: Date,
    pub end: Date,
}

/// `MessageInsightsFilters`, checked.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Filters {
    pub from: Vec<String>,
    pub destination: Vec<String>,
    pub subject: Vec<String>,
    pub isp: Vec<String>,
    pub tenant: Vec<String>,
    pub last_delivery: Vec<String>,
    pub last_engagement: Vec<String>,
}

/// `MessageInsightsDataSource`, checked.
#[derive(Debug, Clone, PartialEq)]
pub struct InsightsSource {
    pub start: Timestamp,
    pub end: Timestamp,
    pub include: Filters,
    pub exclude: Filters,
    pub max_results: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Source {
    Metrics(MetricsSource),
    Insights(Box<InsightsSource>),
}

/// CreateExportJob's request, checked.
#[derive(Debug, Clone, PartialEq)]
pub struct NewExport {
    pub source: Source,
    /// The `ExportDataSource` as given, answered back by GetExportJob.
    pub as_given: Value,
    pub format: String,
    /// The request's `S3Url`, if it named one (SES's guide says not to).
    pub s3_url: Option<String>,
}

/// X3: a filter list's size and, for the event lists, its names.
pub fn check_filters(f: &Filters, member: &str) -> Result<()> {
    let sizes = [
        ("FromEmailAddress", &f.from, 5),
        ("Destination", &f.destination, 5),
        ("Subject", &f.subject, 1),
        ("Isp", &f.isp, 5),
        ("TenantName", &f.tenant, 5),
        ("LastDeliveryEvent", &f.last_delivery, 5),
        ("LastEngagementEvent", &f.last_engagement, 2),
    ];
    for (name, list, max) in sizes {
        if list.len() > max {
            return Err(Error::bad_request(format!(
                "1 validation error detected: Value at '{member}.{name}' failed to satisfy constraint: Member must have length less than or equal to {max}"
            )));
        }
    }
    const DELIVERY: [&str; 6] = [
        "SEND",
        "DELIVERY",
        "TRANSIENT_BOUNCE",
        "PERMANENT_BOUNCE",
        "UNDETERMINED_BOUNCE",
        "COMPLAINT",
    ];
    for e in &f.last_delivery {
        if !DELIVERY.contains(&e.as_str()) {
            return Err(crate::model::rules::enum_error(
                e,
                &format!("{member}.LastDeliveryEvent"),
                &DELIVERY,
            ));
        }
    }
    for e in &f.last_engagement {
        if e != "OPEN" && e != "CLICK" {
            return Err(crate::model::rules::enum_error(
                e,
                &format!("{member}.LastEngagementEvent"),
                &["OPEN", "CLICK"],
            ));
        }
    }
    Ok(())
}

/// X1–X3: the job's source and destination.
pub fn check(job: &NewExport) -> Result<(String, String)> {
    export_job::check_format(&job.format)?;
    match &job.source {
        Source::Metrics(m) => {
            vdm::check_window(m.start, m.end)?;
            if m.metrics.is_empty() || m.metrics.len() > 10 {
                return Err(Error::bad_request(
                    "MetricsDataSource.Metrics must hold 1 to 10 metrics.",
                ));
            }
            if m.dimensions.is_empty() || m.dimensions.len() > vdm::MAX_DIMENSIONS {
                return Err(Error::bad_request(
                    "MetricsDataSource.Dimensions must hold 1 to 3 dimensions.",
                ));
            }
            if let Some((d, _)) = m
                .dimensions
                .iter()
                .find(|(_, v)| v.is_empty() || v.len() > 10)
            {
                return Err(Error::bad_request(format!(
                    "MetricsDataSource.Dimensions.{} must hold 1 to 10 values.",
                    d.as_str()
                )));
            }
        }
        Source::Insights(i) => {
            if i.start > i.end {
                return Err(Error::bad_request(format!(
                    "StartDate {} is after EndDate {}.",
                    i.start, i.end
                )));
            }
            check_filters(&i.include, "MessageInsightsDataSource.Include")?;
            check_filters(&i.exclude, "MessageInsightsDataSource.Exclude")?;
        }
    }
    Ok(match &job.s3_url {
        Some(url) => crate::model::import_job::parse_s3_url(url)?,
        None => (String::new(), String::new()),
    })
}

/// A job's ID, as a UUID's shape, from its creation time and region.
pub fn job_id(region: &str, now: Timestamp) -> String {
    use sha2::{Digest, Sha256};
    let h = Sha256::digest(format!("export\n{region}\n{}", now.as_nanosecond()).as_bytes());
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

/// What a job wrote: the file, and SES's statistics.
#[derive(Debug, Clone, PartialEq)]
pub struct Output {
    pub bytes: Vec<u8>,
    pub processed: u64,
    pub exported: u64,
}

/// An export's records: each a list of (column, value), in column order.
type Records = Vec<Vec<(String, Value)>>;

/// Records as CSV (a header of their keys, in the order of the first record) or JSON (one
/// object a line).
fn render(records: &[Vec<(String, Value)>], format: &str) -> Vec<u8> {
    let mut out = String::new();
    if format == "JSON" {
        for r in records {
            let obj: serde_json::Map<String, Value> = r.iter().cloned().collect();
            out.push_str(&Value::Object(obj).to_string());
            out.push('\n');
        }
        return out.into_bytes();
    }
    let Some(first) = records.first() else {
        return Vec::new();
    };
    let header: Vec<String> = first.iter().map(|(k, _)| csv_field(k)).collect();
    out.push_str(&header.join(","));
    out.push('\n');
    for r in records {
        let cells: Vec<String> = r
            .iter()
            .map(|(_, v)| match v {
                Value::String(s) => csv_field(s),
                Value::Null => String::new(),
                other => csv_field(&other.to_string()),
            })
            .collect();
        out.push_str(&cells.join(","));
        out.push('\n');
    }
    out.into_bytes()
}

/// Every combination of the dimensions' values.
fn combinations(dims: &[(Dimension, Vec<String>)]) -> Vec<BTreeMap<Dimension, String>> {
    let mut out = vec![BTreeMap::new()];
    for (d, values) in dims {
        out = out
            .into_iter()
            .flat_map(|c| {
                values.iter().map(move |v| {
                    let mut c = c.clone();
                    c.insert(*d, v.clone());
                    c
                })
            })
            .collect();
    }
    out
}

/// X7: a metrics export: a record per day, combination of dimension values and metric, its
/// volume or its rate (`vdm::rate_base`).
fn metrics_records(
    s: &State,
    region: &str,
    m: &MetricsSource,
    events: &[EventRecord],
) -> Result<(Records, u64)> {
    let facts = facts(s, region, events);
    let (first, last) = lived_days(s, region, &facts)?;
    let mut records = Vec::new();
    for dims in combinations(&m.dimensions) {
        for &(metric, rate) in &m.metrics {
            let q = |metric| Query {
                id: String::new(),
                metric,
                dimensions: dims.clone(),
                start: m.start,
                end: m.end,
            };
            let volume = vdm::points(&facts, &q(metric), first, last);
            let base = vdm::points(&facts, &q(vdm::rate_base(metric)), first, last);
            for ((day, n), (_, b)) in volume.into_iter().zip(base) {
                let mut r = vec![("Date".to_string(), json!(day.to_string()))];
                for (d, v) in &dims {
                    r.push((d.as_str().to_string(), json!(v)));
                }
                r.push(("Metric".into(), json!(metric.as_str())));
                let (agg, value) = if rate {
                    let value = if b == 0 { 0.0 } else { n as f64 / b as f64 };
                    ("RATE", json!(value))
                } else {
                    ("VOLUME", json!(n))
                };
                r.push(("Aggregation".into(), json!(agg)));
                r.push(("Value".into(), value));
                records.push(r);
            }
        }
    }
    Ok((records, facts.len() as u64))
}

/// The last delivery event of a recipient's story (SES's order: SEND < BOUNCE < DELIVERY <
/// COMPLAINT) and its last engagement event (OPEN < CLICK).
fn last_events(events: &[super::vdm::InsightEvent]) -> (String, String) {
    let rank = |e: &super::vdm::InsightEvent| -> Option<(u8, String)> {
        Some(match e.kind {
            "SEND" => (0, "SEND".into()),
            "BOUNCE" => {
                let t = e.bounce.as_ref().map_or("UNDETERMINED", |b| b.0.as_str());
                (1, format!("{t}_BOUNCE"))
            }
            "DELIVERY" => (2, "DELIVERY".into()),
            "COMPLAINT" => (3, "COMPLAINT".into()),
            _ => return None,
        })
    };
    let delivery = events
        .iter()
        .filter_map(rank)
        .max_by_key(|(r, _)| *r)
        .map(|(_, n)| n)
        .unwrap_or_default();
    let engagement = if events.iter().any(|e| e.kind == "CLICK") {
        "CLICK"
    } else if events.iter().any(|e| e.kind == "OPEN") {
        "OPEN"
    } else {
        ""
    };
    (delivery, engagement.to_string())
}

/// Whether a recipient's row matches one filter (every list it gives holds the row's value).
fn matches(f: &Filters, row: &[(&str, String)], any: bool) -> bool {
    let lists: [(&str, &Vec<String>); 7] = [
        ("FromEmailAddress", &f.from),
        ("Destination", &f.destination),
        ("Subject", &f.subject),
        ("Isp", &f.isp),
        ("TenantName", &f.tenant),
        ("LastDeliveryEvent", &f.last_delivery),
        ("LastEngagementEvent", &f.last_engagement),
    ];
    let mut given = lists.iter().filter(|(_, l)| !l.is_empty()).peekable();
    if given.peek().is_none() {
        return !any;
    }
    let hit = |(name, list): &(&str, &Vec<String>)| {
        let value = row
            .iter()
            .find(|(k, _)| k == name)
            .map_or("", |(_, v)| v.as_str());
        list.iter().any(|w| w.eq_ignore_ascii_case(value))
    };
    if any { given.any(&hit) } else { given.all(hit) }
}

/// X7: a message insights export: a record per message and recipient sent in the window,
/// included and not excluded by the filters, at most `MaxResults`.
fn insights_records(
    s: &State,
    region: &str,
    i: &InsightsSource,
    events: &[EventRecord],
) -> (Records, u64) {
    let mut by_message: BTreeMap<&str, Vec<&EventRecord>> = BTreeMap::new();
    for e in events.iter().filter(|e| e.region == region) {
        by_message.entry(&e.message_id).or_default().push(e);
    }
    let mut messages: Vec<(Timestamp, MessageInsights)> = by_message
        .values()
        .filter_map(|mine| {
            let sent = mine.iter().map(|e| e.time).min()?;
            let m = insights_of(s, mine).ok()?;
            (sent >= i.start && sent <= i.end).then_some((sent, m))
        })
        .collect();
    messages.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.message_id.cmp(&b.1.message_id)));
    let mut processed = 0;
    let mut records = Vec::new();
    for (sent, m) in messages {
        for r in &m.insights {
            processed += 1;
            let (delivery, engagement) = last_events(&r.events);
            let tenant = m
                .tags
                .iter()
                .find(|(k, _)| k == "ses:tenant-name")
                .map(|(_, v)| v.clone())
                .unwrap_or_default();
            let row: Vec<(&str, String)> = vec![
                ("MessageId", m.message_id.clone()),
                ("SendTimestamp", sent.to_string()),
                ("FromEmailAddress", m.from.clone()),
                ("Subject", m.subject.clone().unwrap_or_default()),
                ("Destination", r.destination.clone()),
                ("Isp", r.isp.clone()),
                ("TenantName", tenant),
                ("LastDeliveryEvent", delivery),
                ("LastEngagementEvent", engagement),
            ];
            if !matches(&i.include, &row, false) || matches(&i.exclude, &row, true) {
                continue;
            }
            if records.len() < i.max_results {
                records.push(
                    row.into_iter()
                        .map(|(k, v)| (k.to_string(), json!(v)))
                        .collect(),
                );
            }
        }
    }
    (records, processed)
}

/// Runs a job over the region's events: its file and statistics, or why it failed (VDM not
/// enabled, Q10).
pub fn run(
    s: &State,
    region: &str,
    job: &NewExport,
    events: &[EventRecord],
) -> Result<std::result::Result<Output, String>> {
    check(job)?;
    if !super::vdm::attributes(s, region).vdm_enabled {
        return Ok(Err(
            "Virtual Deliverability Manager is not enabled for this account; enable it with PutAccountVdmAttributes.".into(),
        ));
    }
    let (records, processed) = match &job.source {
        Source::Metrics(m) => metrics_records(s, region, m, events)?,
        Source::Insights(i) => insights_records(s, region, i, events),
    };
    Ok(Ok(Output {
        bytes: render(&records, &job.format),
        processed,
        exported: records.len() as u64,
    }))
}

/// Where a job's file goes: the request's `S3Url`, else the exports bucket of the local S3
/// folder under the job's ID.
pub fn destination(job: &NewExport, id: &str) -> Result<(String, String)> {
    let (bucket, key) = check(job)?;
    if !bucket.is_empty() {
        return Ok((bucket, key));
    }
    let ext = job.format.to_ascii_lowercase();
    Ok((export_job::EXPORT_BUCKET.to_string(), format!("{id}.{ext}")))
}

/// Keeps a job that ran (or failed), forgetting the oldest past `MAX_JOBS`.
pub fn keep(s: &mut State, region: &str, id: String, job: ExportJob) -> Result<()> {
    let r = s.region_mut(region);
    r.insights.export_jobs.insert(id, job);
    while r.insights.export_jobs.len() > export_job::MAX_JOBS {
        let oldest = r
            .insights
            .export_jobs
            .iter()
            .min_by(|a, b| a.1.created.cmp(&b.1.created).then(a.0.cmp(b.0)))
            .map(|(k, _)| k.clone());
        match oldest {
            Some(k) => r.insights.export_jobs.remove(&k),
            None => break,
        };
    }
    Ok(())
}

/// The kept record of a job that ran.
pub fn record(
    job: &NewExport,
    s3_url: String,
    outcome: &std::result::Result<Output, String>,
    now: Timestamp,
) -> ExportJob {
    let (status, processed, exported, error) = match outcome {
        Ok(o) => ("COMPLETED", o.processed, o.exported, None),
        Err(why) => ("FAILED", 0, 0, Some(why.clone())),
    };
    ExportJob {
        source_type: match job.source {
            Source::Metrics(_) => SourceType::MetricsData,
            Source::Insights(_) => SourceType::MessageInsights,
        },
        data_source: job.as_given.clone(),
        data_format: job.format.clone(),
        s3_url,
        status: status.into(),
        created: now,
        completed: now,
        processed,
        exported,
        error_message: error,
    }
}

/// GetExportJob.
pub fn get(s: &State, region: &str, id: &str) -> Result<ExportJob> {
    s.region(region)
        .insights
        .export_jobs
        .get(id)
        .cloned()
        .ok_or_else(|| export_job::not_found(id))
}

/// CancelExportJob (X4): only a job still running can be cancelled; sesm's never are, as they
/// run whole when created.
pub fn cancel(s: &mut State, region: &str, id: &str) -> Result<()> {
    let job = get(s, region, id)?;
    export_job::check_cancellable(id, &job)?;
    if let Some(j) = s.region_mut(region).insights.export_jobs.get_mut(id) {
        j.status = "CANCELLED".into();
    }
    Ok(())
}

/// ListExportJobs: by creation time, of one source type and status when asked, paged.
pub fn list(
    s: &State,
    region: &str,
    source_type: Option<&str>,
    status: Option<&str>,
    paging: &Paging,
) -> Result<Page<(String, ExportJob)>> {
    if let Some(t) = source_type
        && t != "METRICS_DATA"
        && t != "MESSAGE_INSIGHTS"
    {
        return Err(crate::model::rules::enum_error(
            t,
            "exportSourceType",
            &["METRICS_DATA", "MESSAGE_INSIGHTS"],
        ));
    }
    const STATUSES: [&str; 5] = ["CREATED", "PROCESSING", "COMPLETED", "FAILED", "CANCELLED"];
    if let Some(st) = status
        && !STATUSES.contains(&st)
    {
        return Err(crate::model::rules::enum_error(st, "jobStatus", &STATUSES));
    }
    let jobs: Vec<(String, ExportJob)> = s
        .region(region)
        .insights
        .export_jobs
        .iter()
        .filter(|(_, j)| source_type.is_none_or(|t| j.source_type.as_str() == t))
        .filter(|(_, j)| status.is_none_or(|st| j.status == st))
        .map(|(id, j)| (id.clone(), j.clone()))
        .collect();
    page_by_creation("export-jobs", jobs, |j| j.created, paging)
}
