//! The Deliverability dashboard: its option, domain statistics, campaigns, predictive inbox
//! placement tests and blacklist reports. Every figure is an estimate from the warm-up model
//! (`warmup-model.md`, "Deliverability estimates").

use std::collections::BTreeMap;

use super::Call;
use super::shapes::{
    BlacklistEntry, CreateDeliverabilityTestReportBody, CreateDeliverabilityTestReportResponse,
    DailyVolume, DeliverabilityTestReport, DomainDeliverabilityCampaign,
    DomainDeliverabilityTrackingOption, DomainIspPlacement, GetBlacklistReportsResponse,
    GetDeliverabilityDashboardOptionsResponse, GetDeliverabilityTestReportResponse,
    GetDomainDeliverabilityCampaignResponse, GetDomainStatisticsReportResponse,
    InboxPlacementTrackingOption, IspPlacement, ListDeliverabilityTestReportsResponse,
    ListDomainDeliverabilityCampaignsResponse, OverallVolume, PlacementStatistics,
    PutDeliverabilityDashboardOptionBody, SendEmailBody, VolumeStatistics,
};
use super::wire::Epoch;
use crate::error::{Error, Result};
use crate::model::deliverability::{Placed, TestReport, TrackedDomain, start_of};
use crate::ops;
use crate::ops::deliverability::{Campaign, DomainOption, NewTest, PlacementStats};
use crate::server::api::Api;
use crate::server::http::{Response, json};

pub fn put_option(api: &Api, c: &Call) -> Result<Response> {
    let b: PutDeliverabilityDashboardOptionBody = c.body()?;
    let domains = b
        .subscribed_domains
        .unwrap_or_default()
        .into_iter()
        .map(|o| {
            let placement = o.inbox_placement_tracking_option.unwrap_or_default();
            DomainOption {
                domain: o.domain.unwrap_or_default(),
                start: o.subscription_start_date.map(|e| e.0),
                global: placement.global,
                tracked_isps: placement.tracked_isps.unwrap_or_default(),
            }
        })
        .collect();
    let enabled = b.dashboard_enabled.unwrap_or_default();
    let now = jiff::Timestamp::now();
    api.write(|s| ops::deliverability::put_dashboard(s, &c.region, enabled, domains, now))?;
    Ok(super::empty())
}

fn tracking(t: TrackedDomain) -> DomainDeliverabilityTrackingOption {
    let placement =
        (t.global.is_some() || !t.tracked_isps.is_empty()).then(|| InboxPlacementTrackingOption {
            global: t.global,
            tracked_isps: (!t.tracked_isps.is_empty()).then_some(t.tracked_isps),
        });
    DomainDeliverabilityTrackingOption {
        domain: Some(t.domain),
        subscription_start_date: Some(Epoch(t.start)),
        inbox_placement_tracking_option: placement,
    }
}

pub fn get_options(api: &Api, c: &Call) -> Result<Response> {
    let v = api.read(|s| Ok(ops::deliverability::get_dashboard(s, &c.region)))?;
    Ok(json(&GetDeliverabilityDashboardOptionsResponse {
        dashboard_enabled: Some(v.enabled),
        subscription_expiry_date: v.expiry.map(Epoch),
        account_status: Some(v.status.to_string()),
        active_subscribed_domains: Some(v.active.into_iter().map(tracking).collect()),
        pending_expiration_subscribed_domains: Some(v.pending.into_iter().map(tracking).collect()),
    }))
}

/// A required timestamp of the query string: ISO 8601, as the SDKs send it, or seconds since
/// the epoch.
fn query_time(c: &Call, name: &str) -> Result<jiff::Timestamp> {
    let v = c
        .query
        .get(name)
        .ok_or_else(|| Error::bad_request(format!("{name} is required.")))?;
    if let Ok(t) = v.parse::<jiff::Timestamp>() {
        return Ok(t);
    }
    v.parse::<f64>()
        .ok()
        .filter(|f| f.is_finite())
        .and_then(|f| jiff::Timestamp::from_millisecond((f * 1000.0) as i64).ok())
        .ok_or_else(|| {
            Error::bad_request(format!(
                "{name} '{v}' is not a timestamp: use ISO 8601 (2026-01-01T00:00:00Z) or seconds since the epoch."
            ))
        })
}

fn volume(p: &Placed) -> VolumeStatistics {
    VolumeStatistics {
        inbox_raw_count: Some(p.inbox as i64),
        spam_raw_count: Some(p.spam as i64),
        projected_inbox: Some(p.inbox as i64),
        projected_spam: Some(p.spam as i64),
    }
}

fn isp_placement(isp: &str, p: &Placed) -> DomainIspPlacement {
    let delivered = p.inbox + p.spam;
    let pct = |n: u64| {
        if delivered == 0 {
            0.0
        } else {
            100.0 * n as f64 / delivered as f64
        }
    };
    DomainIspPlacement {
        isp_name: Some(isp.to_string()),
        inbox_raw_count: Some(p.inbox as i64),
        spam_raw_count: Some(p.spam as i64),
        inbox_percentage: Some(pct(p.inbox)),
        spam_percentage: Some(pct(p.spam)),
    }
}

pub fn statistics_report(api: &Api, c: &Call) -> Result<Response> {
    let domain = c.label("Domain");
    let (start, end) = (query_time(c, "StartDate")?, query_time(c, "EndDate")?);
    let days =
        api.read(|s| ops::deliverability::domain_statistics(s, &c.region, &domain, start, end))?;
    let mut total = Placed::default();
    let mut per_isp: BTreeMap<String, Placed> = BTreeMap::new();
    let daily = days
        .iter()
        .map(|d| {
            let mut day = Placed::default();
            for (isp, p) in &d.isps {
                day.add(p);
                per_isp.entry(isp.clone()).or_default().add(p);
            }
            total.add(&day);
            DailyVolume {
                start_date: Some(Epoch(start_of(d.date))),
                volume_statistics: Some(volume(&day)),
                domain_isp_placements: Some(
                    d.isps.iter().map(|(i, p)| isp_placement(i, p)).collect(),
                ),
            }
        })
        .collect();
    Ok(json(&GetDomainStatisticsReportResponse {
        overall_volume: Some(OverallVolume {
            volume_statistics: Some(volume(&total)),
            read_rate_percent: None,
            domain_isp_placements: Some(per_isp.iter().map(|(i, p)| isp_placement(i, p)).collect()),
        }),
        daily_volumes: Some(daily),
    }))
}

fn campaign_shape(c: Campaign) -> DomainDeliverabilityCampaign {
    DomainDeliverabilityCampaign {
        campaign_id: Some(c.id),
        image_url: None,
        subject: c.subject,
        from_address: Some(c.from),
        sending_ips: Some(c.sending_ips.iter().map(|ip| ip.to_string()).collect()),
        first_seen_date_time: Some(Epoch(c.first_seen)),
        last_seen_date_time: Some(Epoch(c.last_seen)),
        inbox_count: Some(c.placed.inbox as i64),
        spam_count: Some(c.placed.spam as i64),
        read_rate: None,
        delete_rate: None,
        read_delete_rate: None,
        projected_volume: Some(c.volume as i64),
        esps: Some(c.isps),
    }
}

pub fn list_campaigns(api: &Api, c: &Call) -> Result<Response> {
    let domain = c.label("SubscribedDomain");
    let (start, end) = (query_time(c, "StartDate")?, query_time(c, "EndDate")?);
    let paging = c.query_paging()?;
    let journal = api.live().store().read_journal()?.0;
    let (items, next) = api.read(|s| {
        ops::deliverability::list_campaigns(s, &c.region, &journal, &domain, start, end, &paging)
    })?;
    Ok(json(&ListDomainDeliverabilityCampaignsResponse {
        domain_deliverability_campaigns: Some(items.into_iter().map(campaign_shape).collect()),
        next_token: next,
    }))
}

pub fn get_campaign(api: &Api, c: &Call) -> Result<Response> {
    let id = c.label("CampaignId");
    let journal = api.live().store().read_journal()?.0;
    let campaign = api.read(|s| ops::deliverability::get_campaign(s, &c.region, &journal, &id))?;
    Ok(json(&GetDomainDeliverabilityCampaignResponse {
        domain_deliverability_campaign: Some(campaign_shape(campaign)),
    }))
}

/// The test's content, checked as SendEmail checks it; its subject (a stored template's is
/// read by the operation) and text as kept.
fn test_content(b: &CreateDeliverabilityTestReportBody) -> Result<NewTest> {
    let content = b.content.clone().unwrap_or_default();
    let as_send = SendEmailBody {
        from_email_address: b.from_email_address.clone(),
        content: Some(content.clone()),
        ..SendEmailBody::default()
    };
    let (msg, _) = super::send::outgoing(as_send)?;
    let template = content.template.as_ref();
    let message = if let Some(simple) = &content.simple {
        let body = simple.body.clone().unwrap_or_default();
        body.text
            .or(body.html)
            .and_then(|c| c.data)
            .unwrap_or_default()
    } else if let Some(raw) = &content.raw {
        use base64::Engine;
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(raw.data.as_deref().unwrap_or_default())
            .unwrap_or_default();
        String::from_utf8_lossy(&bytes).into_owned()
    } else {
        template
            .and_then(|t| t.template_content.clone())
            .and_then(|t| t.text.or(t.html))
            .unwrap_or_default()
    };
    let stored = template.filter(|t| t.template_content.is_none());
    Ok(NewTest {
        name: b.report_name.clone(),
        from: msg.from.clone(),
        subject: msg.subject.clone().or_else(|| {
            template
                .and_then(|t| t.template_content.clone())
                .and_then(|t| t.subject)
        }),
        template: stored.and_then(|t| t.template_name.clone()),
        message,
        tags: super::tag_pairs(b.tags.clone()),
    })
}

pub fn create_test(api: &Api, c: &Call) -> Result<Response> {
    let b: CreateDeliverabilityTestReportBody = c.body()?;
    let test = test_content(&b)?;
    let now = jiff::Timestamp::now();
    let id = api.write(|s| ops::deliverability::create_test(s, &c.region, test, now))?;
    Ok(json(&CreateDeliverabilityTestReportResponse {
        report_id: Some(id),
        deliverability_test_status: Some("IN_PROGRESS".to_string()),
    }))
}

fn report_shape(id: String, r: &TestReport, status: &str) -> DeliverabilityTestReport {
    DeliverabilityTestReport {
        report_id: Some(id),
        report_name: r.name.clone(),
        subject: r.subject.clone(),
        from_email_address: Some(r.from.clone()),
        create_date: Some(Epoch(r.created)),
        deliverability_test_status: Some(status.to_string()),
    }
}

fn stats(p: &PlacementStats) -> PlacementStatistics {
    PlacementStatistics {
        inbox_percentage: Some(p.inbox),
        spam_percentage: Some(p.spam),
        missing_percentage: Some(p.missing),
        spf_percentage: Some(p.spf),
        dkim_percentage: Some(p.dkim),
    }
}

pub fn get_test(api: &Api, c: &Call) -> Result<Response> {
    let id = c.label("ReportId");
    let v = api.read(|s| ops::deliverability::get_test(s, &c.region, &id))?;
    let tags = v
        .report
        .tags
        .iter()
        .map(|(k, v)| crate::ops::shapes::TagView {
            key: k.clone(),
            value: v.clone(),
        })
        .collect();
    Ok(json(&GetDeliverabilityTestReportResponse {
        deliverability_test_report: Some(report_shape(v.id, &v.report, v.status)),
        overall_placement: Some(v.overall.as_ref().map(stats).unwrap_or_default()),
        isp_placements: Some(
            v.isps
                .iter()
                .map(|(isp, p)| IspPlacement {
                    isp_name: Some(isp.clone()),
                    placement_statistics: Some(stats(p)),
                })
                .collect(),
        ),
        message: (!v.report.message.is_empty()).then(|| v.report.message.clone()),
        tags: Some(super::tag_shapes(tags)),
    }))
}

pub fn list_tests(api: &Api, c: &Call) -> Result<Response> {
    let paging = c.query_paging()?;
    let (items, next) = api.read(|s| ops::deliverability::list_tests(s, &c.region, &paging))?;
    Ok(json(&ListDeliverabilityTestReportsResponse {
        deliverability_test_reports: Some(
            items
                .into_iter()
                .map(|(id, r, status)| report_shape(id, &r, status))
                .collect(),
        ),
        next_token: next,
    }))
}

pub fn blacklist_reports(api: &Api, c: &Call) -> Result<Response> {
    let items = c.query.all("BlacklistItemNames");
    let report = api.read(|s| ops::deliverability::blacklist(s, &c.region, &items))?;
    Ok(json(&GetBlacklistReportsResponse {
        blacklist_report: Some(
            report
                .into_iter()
                .map(|(item, listings)| {
                    let entries = listings
                        .into_iter()
                        .map(|l| BlacklistEntry {
                            rbl_name: Some(l.rbl),
                            listing_time: Some(Epoch(start_of(l.day))),
                            description: Some(l.description),
                        })
                        .collect();
                    (item, entries)
                })
                .collect(),
        ),
    }))
}

#[cfg(test)]
mod tests {
    use super::super::testing::Door;
    use serde_json::{Value, json};

    const R: &str = "us-east-1";

    fn ok(door: &Door, method: &str, path: &str, body: Value) -> Value {
        let (s, v) = door.call(method, path, &body.to_string());
        assert_eq!(s, 200, "{method} {path}: {v}");
        v
    }

    /// example.com sends through managed pool `m` (its default set `cs`), with standing mail
    /// to gmail and yahoo, five days simulated.
    fn account(door: &Door) {
        ok(
            door,
            "POST",
            "/v2/email/identities",
            json!({"EmailIdentity": "example.com"}),
        );
        ok(
            door,
            "POST",
            "/v2/email/dedicated-ip-pools",
            json!({"PoolName": "m", "ScalingMode": "MANAGED"}),
        );
        ok(
            door,
            "POST",
            "/v2/email/configuration-sets",
            json!({"ConfigurationSetName": "cs", "DeliveryOptions": {"SendingPoolName": "m"}}),
        );
        ok(
            door,
            "PUT",
            "/v2/email/identities/example.com/configuration-set",
            json!({"ConfigurationSetName": "cs"}),
        );
        simulate(door, 5, &[("gmail", 60_000), ("yahoo", 3_000)]);
    }

    fn simulate(door: &Door, days: u32, traffic: &[(&str, u64)]) {
        let volumes: Vec<(String, u64)> =
            traffic.iter().map(|(i, v)| (i.to_string(), *v)).collect();
        door.api
            .write(|s| {
                if !volumes.is_empty() {
                    crate::ops::traffic::set(s, R, "cs", &volumes)?;
                }
                crate::ops::simulate::simulate(s, R, days, None, false).map(|_| ())
            })
            .unwrap();
    }

    #[test]
    fn the_dashboard_subscribes_domains_until_the_months_end() {
        let door = Door::new();
        let path = "/v2/email/deliverability-dashboard";
        let v = ok(&door, "GET", path, json!({}));
        assert_eq!(
            (v["DashboardEnabled"].as_bool(), v["AccountStatus"].as_str()),
            (Some(false), Some("DISABLED")),
            "{v}"
        );
        ok(
            &door,
            "POST",
            "/v2/email/identities",
            json!({"EmailIdentity": "example.com"}),
        );
        let put = |domains: Value| {
            json!({"DashboardEnabled": true, "SubscribedDomains": domains}).to_string()
        };
        door.refused(
            "PUT",
            path,
            &put(json!([{"Domain": "other.com"}])),
            404,
            "NotFoundException",
        );
        door.refused(
            "PUT",
            path,
            &put(json!([{"Domain": "a@example.com"}])),
            400,
            "BadRequestException",
        );
        door.refused(
            "PUT",
            path,
            &put(json!([{"Domain": "example.com"}, {"Domain": "example.com"}])),
            400,
            "BadRequestException",
        );
        door.refused("PUT", path, &put(json!([{"Domain": "example.com", "InboxPlacementTrackingOption": {"TrackedIsps": ["aol"]}}])), 400, "BadRequestException");
        door.refused("PUT", path, "{}", 400, "BadRequestException");
        ok(
            &door,
            "PUT",
            path,
            json!({"DashboardEnabled": true, "SubscribedDomains": [{"Domain": "example.com", "InboxPlacementTrackingOption": {"Global": true, "TrackedIsps": ["gmail"]}}]}),
        );
        let v = ok(&door, "GET", path, json!({}));
        assert_eq!(v["AccountStatus"], "ACTIVE", "{v}");
        assert_eq!(v["ActiveSubscribedDomains"][0]["Domain"], "example.com");
        assert_eq!(
            v["ActiveSubscribedDomains"][0]["InboxPlacementTrackingOption"]["TrackedIsps"][0],
            "gmail"
        );
        assert!(v["ActiveSubscribedDomains"][0]["SubscriptionStartDate"].is_number());
        assert!(v.get("SubscriptionExpiryDate").is_none());
        ok(&door, "PUT", path, json!({"DashboardEnabled": false}));
        let v = ok(&door, "GET", path, json!({}));
        assert_eq!(
            (v["DashboardEnabled"].as_bool(), v["AccountStatus"].as_str()),
            (Some(false), Some("PENDING_EXPIRATION")),
            "{v}"
        );
        // The account clock is 2026-11-30: the subscription runs to December's first day.
        assert_eq!(v["SubscriptionExpiryDate"], 1_796_083_200, "{v}");
        assert_eq!(
            v["PendingExpirationSubscribedDomains"][0]["Domain"],
            "example.com"
        );
        assert_eq!(v["ActiveSubscribedDomains"], json!([]));
    }

    #[test]
    fn statistics_campaigns_tests_and_listings_come_from_the_model() {
        let door = Door::new();
        account(&door);
        let q = "StartDate=2026-11-25T00:00:00Z&EndDate=2026-12-20T00:00:00Z";
        let stats = format!("/v2/email/deliverability-dashboard/statistics-report/example.com?{q}");
        let m = door.refused("GET", &stats, "", 404, "NotFoundException");
        assert!(m.contains("Deliverability dashboard is not enabled"), "{m}");
        ok(
            &door,
            "PUT",
            "/v2/email/deliverability-dashboard",
            json!({"DashboardEnabled": true, "SubscribedDomains": [{"Domain": "example.com"}]}),
        );
        let v = ok(&door, "GET", &stats, json!({}));
        let days = v["DailyVolumes"].as_array().unwrap();
        assert_eq!(days.len(), 5, "{v}");
        let overall = &v["OverallVolume"]["VolumeStatistics"];
        let sum = |k: &str| {
            days.iter()
                .map(|d| d["VolumeStatistics"][k].as_i64().unwrap())
                .sum::<i64>()
        };
        assert_eq!(
            overall["InboxRawCount"].as_i64(),
            Some(sum("InboxRawCount"))
        );
        assert_eq!(overall["SpamRawCount"].as_i64(), Some(sum("SpamRawCount")));
        assert!(sum("InboxRawCount") > 0 && sum("SpamRawCount") > 0, "{v}");
        let isps: Vec<&str> = v["OverallVolume"]["DomainIspPlacements"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["IspName"].as_str().unwrap())
            .collect();
        assert_eq!(isps, ["gmail", "yahoo"]);
        door.refused("GET", "/v2/email/deliverability-dashboard/statistics-report/example.com?StartDate=2026-11-01T00:00:00Z&EndDate=2026-12-02T00:00:00Z", "", 400, "BadRequestException");
        door.refused("GET", "/v2/email/deliverability-dashboard/statistics-report/example.com?StartDate=2026-11-01T00:00:00Z", "", 400, "BadRequestException");
        door.refused(
            "GET",
            &format!("/v2/email/deliverability-dashboard/statistics-report/other.com?{q}"),
            "",
            404,
            "NotFoundException",
        );

        // A campaign: the kept mail of one sender and subject.
        let send = json!({"FromEmailAddress": "news@example.com", "Destination": {"ToAddresses": ["a@gmail.com", "b@yahoo.com"]}, "Content": {"Simple": {"Subject": {"Data": "Sale"}, "Body": {"Text": {"Data": "hi"}}}}});
        ok(&door, "POST", "/v2/email/outbound-emails", send.clone());
        ok(&door, "POST", "/v2/email/outbound-emails", send);
        let v = ok(
            &door,
            "GET",
            &format!("/v2/email/deliverability-dashboard/domains/example.com/campaigns?{q}"),
            json!({}),
        );
        let list = v["DomainDeliverabilityCampaigns"].as_array().unwrap();
        assert_eq!(list.len(), 1, "{v}");
        let c = &list[0];
        assert_eq!(
            (
                c["Subject"].as_str(),
                c["FromAddress"].as_str(),
                c["ProjectedVolume"].as_i64()
            ),
            (Some("Sale"), Some("news@example.com"), Some(4)),
            "{c}"
        );
        assert_eq!(
            c["InboxCount"].as_i64().unwrap() + c["SpamCount"].as_i64().unwrap(),
            4,
            "{c}"
        );
        assert_eq!(c["Esps"], json!(["gmail", "yahoo"]));
        assert!(!c["SendingIps"].as_array().unwrap().is_empty(), "{c}");
        let id = c["CampaignId"].as_str().unwrap();
        let v = ok(
            &door,
            "GET",
            &format!("/v2/email/deliverability-dashboard/campaigns/{id}"),
            json!({}),
        );
        assert_eq!(&v["DomainDeliverabilityCampaign"], c);
        door.refused(
            "GET",
            "/v2/email/deliverability-dashboard/campaigns/nope",
            "",
            404,
            "NotFoundException",
        );

        // A predictive inbox placement test completes once its day is simulated.
        let test = json!({"ReportName": "t1", "FromEmailAddress": "news@example.com", "Content": {"Simple": {"Subject": {"Data": "Try"}, "Body": {"Html": {"Data": "<p>x</p>"}}}}, "Tags": [{"Key": "k", "Value": "v"}]});
        let v = ok(
            &door,
            "POST",
            "/v2/email/deliverability-dashboard/test",
            test.clone(),
        );
        assert_eq!(v["DeliverabilityTestStatus"], "IN_PROGRESS");
        let id = v["ReportId"].as_str().unwrap().to_string();
        let report = format!("/v2/email/deliverability-dashboard/test-reports/{id}");
        let v = ok(&door, "GET", &report, json!({}));
        assert_eq!(
            v["DeliverabilityTestReport"]["DeliverabilityTestStatus"],
            "IN_PROGRESS"
        );
        assert_eq!(v["IspPlacements"], json!([]));
        simulate(&door, 1, &[]);
        let v = ok(&door, "GET", &report, json!({}));
        let r = &v["DeliverabilityTestReport"];
        assert_eq!(
            (
                r["DeliverabilityTestStatus"].as_str(),
                r["Subject"].as_str(),
                r["ReportName"].as_str()
            ),
            (Some("COMPLETED"), Some("Try"), Some("t1")),
            "{v}"
        );
        assert_eq!(v["IspPlacements"].as_array().unwrap().len(), 8, "{v}");
        let o = &v["OverallPlacement"];
        let total = ["InboxPercentage", "SpamPercentage", "MissingPercentage"]
            .iter()
            .map(|k| o[k].as_f64().unwrap())
            .sum::<f64>();
        assert!((total - 100.0).abs() < 1e-6, "{o}");
        assert_eq!(
            (o["DkimPercentage"].as_f64(), o["SpfPercentage"].as_f64()),
            (Some(100.0), Some(100.0))
        );
        assert_eq!(
            (v["Message"].as_str(), v["Tags"][0]["Key"].as_str()),
            (Some("<p>x</p>"), Some("k"))
        );
        let v = ok(
            &door,
            "GET",
            "/v2/email/deliverability-dashboard/test-reports?PageSize=1",
            json!({}),
        );
        assert_eq!(v["DeliverabilityTestReports"][0]["ReportId"], id.as_str());
        let mut bad = test.clone();
        bad["FromEmailAddress"] = json!("x@unverified.com");
        door.refused(
            "POST",
            "/v2/email/deliverability-dashboard/test",
            &bad.to_string(),
            400,
            "MessageRejected",
        );
        door.refused(
            "POST",
            "/v2/email/deliverability-dashboard/test",
            &json!({"FromEmailAddress": "news@example.com"}).to_string(),
            400,
            "BadRequestException",
        );
        door.refused(
            "GET",
            "/v2/email/deliverability-dashboard/test-reports/nope",
            "",
            404,
            "NotFoundException",
        );

        // Blacklist reports: the pool's IPs, listed where the model expired mail.
        let (_, ips) = door.call("GET", "/v2/email/dedicated-ips?PoolName=m", "");
        let ip = ips["DedicatedIps"][0]["Ip"].as_str().unwrap().to_string();
        let v = ok(
            &door,
            "GET",
            &format!("/v2/email/deliverability-dashboard/blacklist-report?BlacklistItemNames={ip}"),
            json!({}),
        );
        assert!(v["BlacklistReport"][&ip].is_array(), "{v}");
        for entry in v["BlacklistReport"][&ip].as_array().unwrap() {
            assert!(
                entry["Description"]
                    .as_str()
                    .unwrap()
                    .starts_with("Estimate: "),
                "{entry}"
            );
        }
        door.refused(
            "GET",
            "/v2/email/deliverability-dashboard/blacklist-report?BlacklistItemNames=10.9.9.9",
            "",
            404,
            "NotFoundException",
        );
        door.refused(
            "GET",
            "/v2/email/deliverability-dashboard/blacklist-report?BlacklistItemNames=nope",
            "",
            400,
            "BadRequestException",
        );
        door.refused(
            "GET",
            "/v2/email/deliverability-dashboard/blacklist-report",
            "",
            400,
            "BadRequestException",
        );
    }
}
