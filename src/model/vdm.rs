//! Virtual Deliverability Manager (rules Q1–Q10, `ses-rules.md`): the account's VDM attributes
//! (`PutAccountVdmAttributes`), and what `BatchGetMetricData` counts — each published event
//! of a message as one VDM fact, and a query's daily points over those facts. Pure: the
//! operations (`ops::vdm`) read the events and the configuration sets and hand the facts here.
//!
//! Sources: SESv2 API Reference, `BatchGetMetricDataQuery` (the metrics and what each excludes:
//! "emails sent to the mailbox simulator and emails addressed to more than one recipient", the
//! account-level suppression list's bounces and complaints), `MetricDimensionName`,
//! `VdmAttributes`, `DashboardAttributes`; botocore's model (1–10 queries, 1–3 dimensions).

use std::collections::BTreeMap;

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// The account's VDM attributes in a region, as `PutAccountVdmAttributes` last set them.
/// `None` members were not given; an absent `EngagementMetrics` is `DISABLED`, as an absent
/// switch is off in AWS's APIs (Q2).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct VdmAttributes {
    pub vdm_enabled: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub engagement_metrics: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub optimized_shared_delivery: Option<bool>,
}

/// Q1: a `FeatureStatus` (`ENABLED`, `DISABLED`), exactly as SES spells it.
pub fn feature_status(member: &str, value: &str) -> Result<bool> {
    match value {
        "ENABLED" => Ok(true),
        "DISABLED" => Ok(false),
        other => Err(crate::model::rules::enum_error(
            other,
            member,
            &["ENABLED", "DISABLED"],
        )),
    }
}

/// `ENABLED` or `DISABLED`.
pub fn status_text(on: bool) -> &'static str {
    if on { "ENABLED" } else { "DISABLED" }
}

/// What a region keeps of VDM: PutAccountVdmAttributes' attributes (`None` until set: VDM
/// disabled) and the export jobs run (`model::export_job`), by job ID.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Insights {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vdm: Option<VdmAttributes>,
    #[serde(
        default,
        skip_serializing_if = "BTreeMap::is_empty",
        deserialize_with = "crate::lazy::unique"
    )]
    pub export_jobs: BTreeMap<String, super::export_job::ExportJob>,
}

impl Insights {
    pub fn is_empty(&self) -> bool {
        self.vdm.is_none() && self.export_jobs.is_empty()
    }
}

/// A VDM metric (botocore's `Metric`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Metric {
    Send,
    Complaint,
    PermanentBounce,
    TransientBounce,
    Open,
    Click,
    Delivery,
    DeliveryOpen,
    DeliveryClick,
    DeliveryComplaint,
}

impl Metric {
    pub const ALL: [Metric; 10] = [
        Metric::Send,
        Metric::Complaint,
        Metric::PermanentBounce,
        Metric::TransientBounce,
        Metric::Open,
        Metric::Click,
        Metric::Delivery,
        Metric::DeliveryOpen,
        Metric::DeliveryClick,
        Metric::DeliveryComplaint,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Metric::Send => "SEND",
            Metric::Complaint => "COMPLAINT",
            Metric::PermanentBounce => "PERMANENT_BOUNCE",
            Metric::TransientBounce => "TRANSIENT_BOUNCE",
            Metric::Open => "OPEN",
            Metric::Click => "CLICK",
            Metric::Delivery => "DELIVERY",
            Metric::DeliveryOpen => "DELIVERY_OPEN",
            Metric::DeliveryClick => "DELIVERY_CLICK",
            Metric::DeliveryComplaint => "DELIVERY_COMPLAINT",
        }
    }

    /// Q3: the exact name, as SES takes it.
    pub fn parse(member: &str, s: &str) -> Result<Metric> {
        Metric::ALL
            .into_iter()
            .find(|m| m.as_str() == s)
            .ok_or_else(|| {
                let names: Vec<&str> = Metric::ALL.iter().map(|m| m.as_str()).collect();
                crate::model::rules::enum_error(s, member, &names)
            })
    }

    /// The engagement metrics, which count only mail whose engagement is tracked (Q5).
    pub fn is_engagement(self) -> bool {
        matches!(
            self,
            Metric::Open | Metric::Click | Metric::DeliveryOpen | Metric::DeliveryClick
        )
    }
}

/// A query's dimension (botocore's `MetricDimensionName`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Dimension {
    EmailIdentity,
    ConfigurationSet,
    Isp,
    TenantName,
}

impl Dimension {
    pub const ALL: [Dimension; 4] = [
        Dimension::EmailIdentity,
        Dimension::ConfigurationSet,
        Dimension::Isp,
        Dimension::TenantName,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Dimension::EmailIdentity => "EMAIL_IDENTITY",
            Dimension::ConfigurationSet => "CONFIGURATION_SET",
            Dimension::Isp => "ISP",
            Dimension::TenantName => "TENANT_NAME",
        }
    }

    pub fn parse(member: &str, s: &str) -> Result<Dimension> {
        Dimension::ALL
            .into_iter()
            .find(|d| d.as_str() == s)
            .ok_or_else(|| {
                let names: Vec<&str> = Dimension::ALL.iter().map(|d| d.as_str()).collect();
                crate::model::rules::enum_error(s, member, &names)
            })
    }
}

/// Q4: queries in one `BatchGetMetricData`, and dimensions in one query (botocore's model).
pub const MAX_QUERIES: usize = 10;
pub const MAX_DIMENSIONS: usize = 3;
/// A query's `Id`: 1–255 characters (`QueryIdentifier`).
pub const MAX_ID_CHARS: usize = 255;

/// One thing VDM counts: a metric of one single-recipient message on one day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fact {
    pub date: Date,
    pub metric: Metric,
    pub message_id: String,
    /// The sending address (`mail.source`): an identity matches it or its domain.
    pub from: String,
    /// `""` when the message used no configuration set.
    pub config_set: String,
    pub isp: String,
    pub tenant: String,
}

/// One query, checked (Q3, Q4, Q6).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Query {
    pub id: String,
    pub metric: Metric,
    pub dimensions: BTreeMap<Dimension, String>,
    pub start: Date,
    pub end: Date,
}

/// Q6: `StartDate` must not be after `EndDate`.
pub fn check_window(start: Date, end: Date) -> Result<()> {
    if start > end {
        return Err(Error::bad_request(format!(
            "StartDate {start} is after EndDate {end}."
        )));
    }
    Ok(())
}

/// Whether `fact` is one of the mail `dimensions` select: an identity is the sending address
/// or its domain; the ISP is compared without case (SES names them `Gmail`, sesm `gmail`).
pub fn selects(dimensions: &BTreeMap<Dimension, String>, fact: &Fact) -> bool {
    dimensions.iter().all(|(d, want)| match d {
        Dimension::EmailIdentity => {
            fact.from.eq_ignore_ascii_case(want)
                || fact
                    .from
                    .rsplit_once('@')
                    .is_some_and(|(_, domain)| domain.eq_ignore_ascii_case(want))
        }
        Dimension::ConfigurationSet => fact.config_set == *want,
        Dimension::Isp => fact.isp.eq_ignore_ascii_case(want),
        Dimension::TenantName => fact.tenant == *want,
    })
}

/// Q7: a query's daily points: one per day from `start` to `end` that the account has lived
/// (`first` to `last`, the simulated days and today), each the count of its facts that day.
/// Opens and clicks count once per message and day ("unique" events).
pub fn points(facts: &[Fact], q: &Query, first: Date, last: Date) -> Vec<(Date, u64)> {
    let from = q.start.max(first);
    let to = q.end.min(last);
    let mut counts: BTreeMap<Date, u64> = BTreeMap::new();
    let mut seen = std::collections::BTreeSet::new();
    for f in facts {
        if f.metric != q.metric || f.date < from || f.date > to || !selects(&q.dimensions, f) {
            continue;
        }
        let unique = matches!(f.metric, Metric::Open | Metric::Click);
        if unique && !seen.insert((f.date, f.message_id.as_str())) {
            continue;
        }
        *counts.entry(f.date).or_default() += 1;
    }
    let mut out = Vec::new();
    let mut day = from;
    while day <= to {
        out.push((day, counts.get(&day).copied().unwrap_or(0)));
        match day.tomorrow() {
            Ok(d) => day = d,
            Err(_) => break,
        }
    }
    out
}

/// X7: a metric as an export's `RATE`: its volume over the volume it is a share of (bounces,
/// complaints and deliveries of sends; opens and clicks of deliveries), 0 when that is 0.
pub fn rate_base(m: Metric) -> Metric {
    match m {
        Metric::Open | Metric::Click => Metric::Delivery,
        Metric::Complaint => Metric::DeliveryComplaint,
        _ => Metric::Send,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fact(day: i8, metric: Metric, id: &str, isp: &str) -> Fact {
        Fact {
            date: Date::constant(2026, 3, day),
            metric,
            message_id: id.into(),
            from: "news@example.com".into(),
            config_set: "cs".into(),
            isp: isp.into(),
            tenant: String::new(),
        }
    }

    fn query(metric: Metric, dims: &[(Dimension, &str)]) -> Query {
        Query {
            id: "q".into(),
            metric,
            dimensions: dims.iter().map(|(d, v)| (*d, v.to_string())).collect(),
            start: Date::constant(2026, 3, 1),
            end: Date::constant(2026, 3, 31),
        }
    }

    #[test]
    fn points_cover_the_lived_days_of_the_window_with_zeros() {
        let facts = vec![
            fact(2, Metric::Send, "a", "gmail"),
            fact(2, Metric::Send, "b", "yahoo"),
            fact(4, Metric::Send, "c", "gmail"),
        ];
        let q = query(Metric::Send, &[]);
        let p = points(
            &facts,
            &q,
            Date::constant(2026, 3, 2),
            Date::constant(2026, 3, 4),
        );
        assert_eq!(
            p,
            vec![
                (Date::constant(2026, 3, 2), 2),
                (Date::constant(2026, 3, 3), 0),
                (Date::constant(2026, 3, 4), 1)
            ]
        );
        let q = query(Metric::Send, &[(Dimension::Isp, "Gmail")]);
        let total: u64 = points(&facts, &q, q.start, q.end).iter().map(|p| p.1).sum();
        assert_eq!(total, 2);
    }

    #[test]
    fn identities_match_the_address_or_its_domain() {
        let f = fact(2, Metric::Delivery, "a", "gmail");
        for (want, yes) in [
            ("news@example.com", true),
            ("example.com", true),
            ("EXAMPLE.com", true),
            ("other.com", false),
            ("x@example.com", false),
        ] {
            let dims = [(Dimension::EmailIdentity, want.to_string())].into();
            assert_eq!(selects(&dims, &f), yes, "{want}");
        }
    }

    #[test]
    fn opens_and_clicks_count_once_per_message_and_day() {
        let facts = vec![
            fact(2, Metric::Open, "a", "gmail"),
            fact(2, Metric::Open, "a", "gmail"),
            fact(2, Metric::Open, "b", "gmail"),
            fact(3, Metric::Open, "a", "gmail"),
        ];
        let q = query(Metric::Open, &[]);
        let p = points(
            &facts,
            &q,
            Date::constant(2026, 3, 2),
            Date::constant(2026, 3, 3),
        );
        assert_eq!(p.iter().map(|p| p.1).collect::<Vec<_>>(), vec![2, 1]);
    }

    #[test]
    fn names_are_exact_and_windows_ordered() {
        assert_eq!(
            Metric::parse("Metric", "DELIVERY_OPEN").unwrap(),
            Metric::DeliveryOpen
        );
        assert!(Metric::parse("Metric", "send").is_err());
        assert!(Dimension::parse("Dimensions", "ISP").is_ok());
        assert!(Dimension::parse("Dimensions", "POOL").is_err());
        assert!(feature_status("VdmEnabled", "ENABLED").unwrap());
        assert!(feature_status("VdmEnabled", "on").is_err());
        let d = Date::constant(2026, 3, 2);
        assert!(check_window(d, d).is_ok());
        assert!(check_window(d.tomorrow().unwrap(), d).is_err());
    }
}
