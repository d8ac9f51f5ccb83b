//! Virtual Deliverability Manager: PutAccountVdmAttributes (GetAccount answers them in
//! `account.rs`), BatchGetMetricData, GetMessageInsights, GetEmailAddressInsights. Metrics
//! and insights are read from the event log (`ops::vdm`).

use std::collections::BTreeMap;

use super::shapes::{
    BatchGetMetricDataBody, BatchGetMetricDataResponse, Bounce, Complaint, DashboardAttributes,
    EmailAddressInsightsMailboxEvaluations, EmailAddressInsightsVerdict, EmailInsights,
    EventDetails, GetEmailAddressInsightsBody, GetEmailAddressInsightsResponse,
    GetMessageInsightsResponse, GuardianAttributes, InsightsEvent, MailboxValidation, MessageTag,
    MetricDataError, MetricDataResult, PutAccountVdmAttributesBody, VdmAttributes,
};
use super::wire::Epoch;
use super::{Call, empty};
use crate::error::{Error, Result};
use crate::model::vdm::{self, Dimension, Metric, Query};
use crate::ops;
use crate::server::api::Api;
use crate::server::http::{Response, json};

/// A request's timestamp as the UTC day it falls on (VDM's points are daily).
pub(super) fn day_of(t: Option<Epoch>) -> jiff::civil::Date {
    t.map(|e| jiff::tz::TimeZone::UTC.to_datetime(e.0).date())
        .unwrap_or_default()
}

pub fn put_attributes(api: &Api, c: &Call) -> Result<Response> {
    let b: PutAccountVdmAttributesBody = c.body()?;
    let a = b.vdm_attributes.unwrap_or_default();
    let attributes = vdm::VdmAttributes {
        vdm_enabled: vdm::feature_status(
            "vdmAttributes.vdmEnabled",
            &a.vdm_enabled.unwrap_or_default(),
        )?,
        engagement_metrics: a
            .dashboard_attributes
            .and_then(|d| d.engagement_metrics)
            .map(|s| vdm::feature_status("vdmAttributes.dashboardAttributes.engagementMetrics", &s))
            .transpose()?,
        optimized_shared_delivery: a
            .guardian_attributes
            .and_then(|g| g.optimized_shared_delivery)
            .map(|s| {
                vdm::feature_status(
                    "vdmAttributes.guardianAttributes.optimizedSharedDelivery",
                    &s,
                )
            })
            .transpose()?,
    };
    api.write(|s| ops::vdm::put_attributes(s, &c.region, attributes))?;
    Ok(empty())
}

/// GetAccount's `VdmAttributes`.
pub fn attributes_shape(a: &vdm::VdmAttributes) -> VdmAttributes {
    VdmAttributes {
        vdm_enabled: Some(vdm::status_text(a.vdm_enabled).into()),
        dashboard_attributes: a.engagement_metrics.map(|on| DashboardAttributes {
            engagement_metrics: Some(vdm::status_text(on).into()),
        }),
        guardian_attributes: a.optimized_shared_delivery.map(|on| GuardianAttributes {
            optimized_shared_delivery: Some(vdm::status_text(on).into()),
        }),
    }
}

/// The queries of a batch, checked (Q3, Q4, Q6).
fn queries(b: BatchGetMetricDataBody) -> Result<Vec<Query>> {
    let mut out = Vec::new();
    for (i, q) in b.queries.unwrap_or_default().into_iter().enumerate() {
        let member = format!("queries.{}", i + 1);
        let namespace = q.namespace.unwrap_or_default();
        if namespace != "VDM" {
            return Err(crate::model::rules::enum_error(
                &namespace,
                &format!("{member}.member.namespace"),
                &["VDM"],
            ));
        }
        let metric = Metric::parse(
            &format!("{member}.member.metric"),
            &q.metric.unwrap_or_default(),
        )?;
        let given = q.dimensions.unwrap_or_default();
        if given.len() > vdm::MAX_DIMENSIONS {
            return Err(Error::bad_request(format!(
                "1 validation error detected: Value at '{member}.member.dimensions' failed to satisfy constraint: Member must have length less than or equal to {}",
                vdm::MAX_DIMENSIONS
            )));
        }
        let mut dimensions = BTreeMap::new();
        for (k, v) in given {
            dimensions.insert(
                Dimension::parse(&format!("{member}.member.dimensions"), &k)?,
                v,
            );
        }
        out.push(Query {
            id: q.id.unwrap_or_default(),
            metric,
            dimensions,
            start: day_of(q.start_date),
            end: day_of(q.end_date),
        });
    }
    ops::vdm::check_batch(&out)?;
    Ok(out)
}

pub fn batch_get_metric_data(api: &Api, c: &Call) -> Result<Response> {
    let b: BatchGetMetricDataBody = c.body()?;
    let queries = queries(b)?;
    let events = api.live().store().region_events(&c.region)?;
    let answers = api.read(|s| ops::vdm::batch(s, &c.region, &queries, &events))?;
    let mut results = Vec::new();
    let mut errors = Vec::new();
    for (q, a) in queries.iter().zip(answers) {
        match a {
            Ok(points) => results.push(MetricDataResult {
                id: Some(q.id.clone()),
                timestamps: Some(
                    points
                        .iter()
                        .map(|(d, _)| {
                            Epoch(
                                jiff::tz::TimeZone::UTC
                                    .to_timestamp(d.to_datetime(jiff::civil::Time::midnight()))
                                    .unwrap_or_default(),
                            )
                        })
                        .collect(),
                ),
                values: Some(points.iter().map(|(_, n)| *n as i64).collect()),
            }),
            Err((code, message)) => errors.push(MetricDataError {
                id: Some(q.id.clone()),
                code: Some(code.into()),
                message: Some(message),
            }),
        }
    }
    Ok(json(&BatchGetMetricDataResponse {
        results: Some(results),
        errors: Some(errors),
    }))
}

pub fn get_message_insights(api: &Api, c: &Call) -> Result<Response> {
    let id = c.label("MessageId");
    let region = c.region.as_str();
    let events = api
        .live()
        .store()
        .read_events_where(0, |e| e.region == region && e.message_id == id)?;
    let m = api.read(|s| ops::vdm::message_insights(s, &c.region, &id, &events))?;
    Ok(json(&GetMessageInsightsResponse {
        message_id: Some(m.message_id),
        from_email_address: Some(m.from).filter(|f| !f.is_empty()),
        subject: m.subject,
        email_tags: Some(
            m.tags
                .into_iter()
                .map(|(name, value)| MessageTag {
                    name: Some(name),
                    value: Some(value),
                })
                .collect(),
        ),
        insights: Some(
            m.insights
                .into_iter()
                .map(|r| EmailInsights {
                    destination: Some(r.destination),
                    isp: Some(r.isp),
                    events: Some(
                        r.events
                            .into_iter()
                            .map(|e| InsightsEvent {
                                timestamp: Some(Epoch(e.time)),
                                r#type: Some(e.kind.into()),
                                details: (e.bounce.is_some() || e.complaint.is_some()).then(|| {
                                    EventDetails {
                                        bounce: e.bounce.map(|(t, sub, diag)| Bounce {
                                            bounce_type: Some(t),
                                            bounce_sub_type: Some(sub),
                                            diagnostic_code: Some(diag).filter(|d| !d.is_empty()),
                                        }),
                                        complaint: e.complaint.map(|(sub, fb)| Complaint {
                                            complaint_sub_type: Some(sub).filter(|s| !s.is_empty()),
                                            complaint_feedback_type: Some(fb)
                                                .filter(|s| !s.is_empty()),
                                        }),
                                    }
                                }),
                            })
                            .collect(),
                    ),
                })
                .collect(),
        ),
    }))
}

pub fn get_email_address_insights(api: &Api, c: &Call) -> Result<Response> {
    let b: GetEmailAddressInsightsBody = c.body()?;
    let address = b.email_address.unwrap_or_default();
    let i = api.read(|s| ops::vdm::address_insights(s, &c.region, &address))?;
    let verdict = |v: &str| {
        Some(EmailAddressInsightsVerdict {
            confidence_verdict: Some(v.into()),
        })
    };
    Ok(json(&GetEmailAddressInsightsResponse {
        mailbox_validation: Some(MailboxValidation {
            is_valid: verdict(i.is_valid),
            evaluations: Some(EmailAddressInsightsMailboxEvaluations {
                has_valid_syntax: verdict(i.has_valid_syntax),
                has_valid_dns_records: verdict(i.has_valid_dns_records),
                mailbox_exists: verdict(i.mailbox_exists),
                is_role_address: verdict(i.is_role_address),
                is_disposable: verdict(i.is_disposable),
                is_random_input: verdict(i.is_random_input),
            }),
        }),
    }))
}

#[cfg(test)]
mod tests {
    use super::super::testing::Door;
    use serde_json::{Value, json};

    /// An account with VDM on, a set publishing to SNS, and mail: two single-recipient
    /// messages (Gmail, Yahoo), one to two recipients and one to the simulator, which VDM
    /// leaves out; then two simulated days. The IDs of the counted messages.
    fn account_with_mail(door: &Door) -> Vec<String> {
        assert_eq!(
            door.call(
                "POST",
                "/v2/email/identities",
                r#"{"EmailIdentity":"example.com"}"#
            )
            .0,
            200
        );
        let sets = "/v2/email/configuration-sets";
        assert_eq!(
            door.call("POST", sets, r#"{"ConfigurationSetName":"cs"}"#)
                .0,
            200
        );
        let dest = json!({
            "EventDestinationName": "d",
            "EventDestination": {"Enabled": true,
                "MatchingEventTypes": ["SEND", "DELIVERY", "BOUNCE", "COMPLAINT"],
                "SnsDestination": {"TopicArn": "arn:aws:sns:us-east-1:123456789012:t"}},
        });
        let path = format!("{sets}/cs/event-destinations");
        assert_eq!(door.call("POST", &path, &dest.to_string()).0, 200);
        let mut ids = Vec::new();
        for to in [
            vec!["a@gmail.com"],
            vec!["b@yahoo.com"],
            vec!["c@gmail.com", "d@gmail.com"],
            vec!["success@simulator.amazonses.com"],
        ] {
            let body = json!({
                "FromEmailAddress": "news@example.com",
                "Destination": {"ToAddresses": to},
                "ConfigurationSetName": "cs",
                "Content": {"Simple": {"Subject": {"Data": "Hello"}, "Body": {"Text": {"Data": "Hi"}}}},
            });
            let (s, v) = door.call("POST", "/v2/email/outbound-emails", &body.to_string());
            assert_eq!(s, 200, "{v}");
            if to.len() == 1 && !to[0].contains("simulator") {
                ids.push(v["MessageId"].as_str().unwrap().to_string());
            }
        }
        door.api
            .write(|s| crate::ops::simulate::simulate(s, "us-east-1", 2, None, false))
            .unwrap();
        ids
    }

    fn batch(door: &Door, queries: Value) -> (u16, Value) {
        door.call(
            "POST",
            "/v2/email/metrics/batch",
            &json!({"Queries": queries}).to_string(),
        )
    }

    fn query(id: &str, metric: &str, dims: Value) -> Value {
        // 2026-11-29 to 2026-12-05 (epoch seconds).
        json!({"Id": id, "Namespace": "VDM", "Metric": metric, "Dimensions": dims,
            "StartDate": 1_795_910_400, "EndDate": 1_796_428_800})
    }

    #[test]
    fn vdm_attributes_are_put_and_read_back_on_the_account() {
        let door = Door::new();
        let (_, v) = door.call("GET", "/v2/email/account", "");
        assert_eq!(v["VdmAttributes"], json!({"VdmEnabled": "DISABLED"}));
        let body = json!({"VdmAttributes": {"VdmEnabled": "ENABLED",
            "DashboardAttributes": {"EngagementMetrics": "ENABLED"},
            "GuardianAttributes": {"OptimizedSharedDelivery": "DISABLED"}}});
        assert_eq!(
            door.call("PUT", "/v2/email/account/vdm", &body.to_string())
                .0,
            200
        );
        let (_, v) = door.call("GET", "/v2/email/account", "");
        assert_eq!(v["VdmAttributes"], body["VdmAttributes"]);
        let m = door.refused(
            "PUT",
            "/v2/email/account/vdm",
            r#"{"VdmAttributes":{"VdmEnabled":"on"}}"#,
            400,
            "BadRequestException",
        );
        assert!(
            m.contains("Member must satisfy enum value set: [ENABLED, DISABLED]"),
            "{m}"
        );
        let m = door.refused(
            "PUT",
            "/v2/email/account/vdm",
            "{}",
            400,
            "BadRequestException",
        );
        assert_eq!(m, "VdmAttributes is required.");
    }

    #[test]
    fn metrics_count_single_recipient_mail_per_day_and_dimension() {
        let door = Door::new();
        account_with_mail(&door);
        // VDM off: each query is refused in Errors, not the call.
        let (s, v) = batch(&door, json!([query("q1", "SEND", json!({}))]));
        assert_eq!(s, 200, "{v}");
        assert_eq!(v["Results"], json!([]));
        assert_eq!(v["Errors"][0]["Code"], "ACCESS_DENIED");
        let on = r#"{"VdmAttributes":{"VdmEnabled":"ENABLED"}}"#;
        assert_eq!(door.call("PUT", "/v2/email/account/vdm", on).0, 200);
        let (s, v) = batch(
            &door,
            json!([
                query("send", "SEND", json!({})),
                query("gmail", "SEND", json!({"ISP": "Gmail"})),
                query("delivered", "DELIVERY", json!({"CONFIGURATION_SET": "cs"})),
                query("identity", "SEND", json!({"EMAIL_IDENTITY": "example.com"})),
                query("nobody", "SEND", json!({"EMAIL_IDENTITY": "other.com"})),
            ]),
        );
        assert_eq!(s, 200, "{v}");
        assert_eq!(v["Errors"], json!([]));
        let total = |i: usize| -> i64 {
            v["Results"][i]["Values"]
                .as_array()
                .unwrap()
                .iter()
                .map(|x| x.as_i64().unwrap())
                .sum()
        };
        // The account's days: 2026-11-30 (the sends), 12-01, 12-02 (today).
        assert_eq!(
            v["Results"][0]["Timestamps"],
            json!([1_795_996_800, 1_796_083_200, 1_796_169_600])
        );
        assert_eq!(v["Results"][0]["Values"], json!([2, 0, 0]));
        assert_eq!(total(1), 1);
        assert_eq!(total(2), 2);
        assert_eq!(total(3), 2);
        assert_eq!(total(4), 0);
    }

    #[test]
    fn batches_are_refused_as_ses_refuses_them() {
        let door = Door::new();
        let before = door.state_bytes();
        for (queries, words) in [
            (json!([]), "Member must have length between 1 and 10"),
            (
                json!(
                    (0..11)
                        .map(|i| query(&format!("q{i}"), "SEND", json!({})))
                        .collect::<Vec<_>>()
                ),
                "Member must have length between 1 and 10",
            ),
            (
                json!([query("q", "SENDS", json!({}))]),
                "Member must satisfy enum value set",
            ),
            (
                json!([query("q", "SEND", json!({"POOL": "x"}))]),
                "Member must satisfy enum value set",
            ),
            (
                json!([
                    query("q", "SEND", json!({}),),
                    query("q", "OPEN", json!({}))
                ]),
                "used more than once",
            ),
            (
                json!([{"Id": "q", "Namespace": "VDM", "Metric": "SEND", "StartDate": 1_796_428_800, "EndDate": 1_795_910_400}]),
                "is after EndDate",
            ),
            (
                json!([{"Id": "q", "Namespace": "CloudWatch", "Metric": "SEND", "StartDate": 1, "EndDate": 2}]),
                "[VDM]",
            ),
        ] {
            let m = door.refused(
                "POST",
                "/v2/email/metrics/batch",
                &json!({"Queries": queries}).to_string(),
                400,
                "BadRequestException",
            );
            assert!(m.contains(words), "{m}");
        }
        let m = door.refused(
            "POST",
            "/v2/email/metrics/batch",
            r#"{"Queries":[{"Id":"q","Namespace":"VDM","Metric":"SEND"}]}"#,
            400,
            "BadRequestException",
        );
        assert_eq!(m, "Queries.StartDate is required.");
        assert_eq!(door.state_bytes(), before);
    }

    #[test]
    fn a_messages_insights_tell_its_story_per_recipient() {
        let door = Door::new();
        let ids = account_with_mail(&door);
        let (s, v) = door.call("GET", &format!("/v2/email/insights/{}/", ids[0]), "");
        assert_eq!(s, 200, "{v}");
        assert_eq!(v["MessageId"], ids[0].as_str());
        assert_eq!(v["FromEmailAddress"], "news@example.com");
        assert_eq!(v["Subject"], "Hello");
        let i = &v["Insights"][0];
        assert_eq!(i["Destination"], "a@gmail.com");
        assert_eq!(i["Isp"], "gmail");
        let kinds: Vec<&str> = i["Events"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["Type"].as_str().unwrap())
            .collect();
        assert_eq!(kinds.first(), Some(&"SEND"), "{v}");
        assert!(kinds.contains(&"DELIVERY"), "{v}");
        let tags = v["EmailTags"].as_array().unwrap();
        assert!(tags.iter().any(|t| t["Name"] == "ses:outgoing-ip"), "{v}");
        door.refused(
            "GET",
            "/v2/email/insights/nope/",
            "",
            404,
            "NotFoundException",
        );
    }

    #[test]
    fn address_insights_judge_what_sesm_can_see() {
        let door = Door::new();
        let ask = |a: &str| {
            let (s, v) = door.call(
                "POST",
                "/v2/email/email-address-insights/",
                &json!({"EmailAddress": a}).to_string(),
            );
            assert_eq!(s, 200, "{v}");
            v["MailboxValidation"].clone()
        };
        let v = ask("someone@gmail.com");
        assert_eq!(v["IsValid"]["ConfidenceVerdict"], "HIGH");
        assert_eq!(
            v["Evaluations"]["HasValidSyntax"]["ConfidenceVerdict"],
            "HIGH"
        );
        let v = ask("not an address");
        assert_eq!(v["IsValid"]["ConfidenceVerdict"], "LOW");
        assert_eq!(
            v["Evaluations"]["HasValidSyntax"]["ConfidenceVerdict"],
            "LOW"
        );
        let v = ask("bounce@simulator.amazonses.com");
        assert_eq!(
            v["Evaluations"]["MailboxExists"]["ConfidenceVerdict"],
            "LOW"
        );
        let v = ask("postmaster@example.org");
        assert_eq!(
            v["Evaluations"]["IsRoleAddress"]["ConfidenceVerdict"],
            "HIGH"
        );
        assert_eq!(v["IsValid"]["ConfidenceVerdict"], "MEDIUM");
        let m = door.refused(
            "POST",
            "/v2/email/email-address-insights/",
            "{}",
            400,
            "BadRequestException",
        );
        assert_eq!(m, "EmailAddress is required.");
    }
}
