//! Reading metrics: the metric names (as the SES console and CloudWatch name them) and the
//! query `sesm metrics` answers.

use std::collections::BTreeMap;
use std::str::FromStr;

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use super::*;
use crate::model::Mail;

/// The metrics sesm stores, named as the SES console and CloudWatch name them where they
/// exist (`warmup-model.md`, "Metrics").
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum MetricName {
    /// The pool's demand that day.
    Send,
    /// 100 × dedicated / (dedicated + shared); 0 with no mail.
    ApproximateDedicatedSendingPercentage,
    /// Delivered through dedicated IPs.
    SentLast24Hours,
    /// The effective daily rate (per ISP only).
    Available24HourSend,
    SentShared,
    Deferred,
    Expired,
    /// Per ISP only: a managed pool's mean of its IPs' levels, a standard pool's mean of its
    /// IPs' SES percentages.
    WarmupPercentage,
    /// Per ISP only: the pool's warm-up capacity-weighted, what it can take of the ISP
    /// against the ISP's demand (model v3).
    CapacityWarmupPercentage,
    /// Per pool only.
    DedicatedIpCount,
    /// Events published for the pool's mail that day, by type (per pool only; from the
    /// event log, not the stored metrics).
    SendEvents,
    DeliveryEvents,
    DeliveryDelayEvents,
    BounceEvents,
    ComplaintEvents,
}

impl MetricName {
    /// Every metric, in the order results are listed.
    pub const ALL: [MetricName; 15] = [
        MetricName::Send,
        MetricName::ApproximateDedicatedSendingPercentage,
        MetricName::SentLast24Hours,
        MetricName::Available24HourSend,
        MetricName::SentShared,
        MetricName::Deferred,
        MetricName::Expired,
        MetricName::WarmupPercentage,
        MetricName::CapacityWarmupPercentage,
        MetricName::DedicatedIpCount,
        MetricName::SendEvents,
        MetricName::DeliveryEvents,
        MetricName::DeliveryDelayEvents,
        MetricName::BounceEvents,
        MetricName::ComplaintEvents,
    ];

    /// The `eventType` an event-count metric counts.
    pub fn event_type(self) -> Option<&'static str> {
        Some(match self {
            MetricName::SendEvents => "Send",
            MetricName::DeliveryEvents => "Delivery",
            MetricName::DeliveryDelayEvents => "DeliveryDelay",
            MetricName::BounceEvents => "Bounce",
            MetricName::ComplaintEvents => "Complaint",
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            MetricName::Send => "Send",
            MetricName::ApproximateDedicatedSendingPercentage => {
                "ApproximateDedicatedSendingPercentage"
            }
            MetricName::SentLast24Hours => "SentLast24Hours",
            MetricName::Available24HourSend => "Available24HourSend",
            MetricName::SentShared => "SentShared",
            MetricName::Deferred => "Deferred",
            MetricName::Expired => "Expired",
            MetricName::WarmupPercentage => "WarmupPercentage",
            MetricName::CapacityWarmupPercentage => "CapacityWarmupPercentage",
            MetricName::DedicatedIpCount => "DedicatedIpCount",
            MetricName::SendEvents => "SendEvents",
            MetricName::DeliveryEvents => "DeliveryEvents",
            MetricName::DeliveryDelayEvents => "DeliveryDelayEvents",
            MetricName::BounceEvents => "BounceEvents",
            MetricName::ComplaintEvents => "ComplaintEvents",
        }
    }

    /// Whether the value is a percentage (shown with a decimal) rather than a count.
    pub fn is_percentage(self) -> bool {
        matches!(
            self,
            MetricName::ApproximateDedicatedSendingPercentage
                | MetricName::WarmupPercentage
                | MetricName::CapacityWarmupPercentage
        )
    }

    /// Whether the metric has a series per pool (summed over ISPs).
    fn per_pool(self) -> bool {
        !matches!(
            self,
            MetricName::Available24HourSend
                | MetricName::WarmupPercentage
                | MetricName::CapacityWarmupPercentage
        )
    }

    /// Whether the metric has a series per ISP.
    fn per_isp(self) -> bool {
        self != MetricName::DedicatedIpCount && self.event_type().is_none()
    }

    /// One ISP's value on day `i`; `None` where there is none (the unlimited rate of a
    /// standard pool with a DONE IP).
    fn isp_value(self, c: &IspSeries, i: usize) -> Option<f64> {
        let d = c.day(i);
        Some(match self {
            MetricName::WarmupPercentage => c.warmup_percentage[i],
            MetricName::CapacityWarmupPercentage => c.capacity_warmup_percentage[i],
            MetricName::Available24HourSend => c.effective_daily_rate[i]? as f64,
            MetricName::DedicatedIpCount => return None,
            _ => self.mail_value(&d)?,
        })
    }

    /// The pool's value on day `i`; `None` for metrics that exist per ISP only.
    fn pool_value(self, m: &PoolSeries, i: usize) -> Option<f64> {
        if self == MetricName::DedicatedIpCount {
            return Some(f64::from(m.dedicated_ip_count[i]));
        }
        let total = Mail::total(m.isps.values().map(|c| c.day(i)).collect::<Vec<_>>().iter());
        self.mail_value(&total)
    }

    fn mail_value(self, d: &Mail) -> Option<f64> {
        Some(match self {
            MetricName::Send => d.demand as f64,
            MetricName::ApproximateDedicatedSendingPercentage => {
                percent(d.sent_dedicated, d.sent())
            }
            MetricName::SentLast24Hours => d.sent_dedicated as f64,
            MetricName::SentShared => d.sent_shared as f64,
            MetricName::Deferred => d.deferred as f64,
            MetricName::Expired => d.expired as f64,
            _ => return None,
        })
    }
}

impl std::fmt::Display for MetricName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for MetricName {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        MetricName::ALL
            .into_iter()
            .find(|m| m.as_str() == s)
            .ok_or_else(|| format!("unknown metric '{s}'"))
    }
}

/// `100 × part / whole`, 0 when `whole` is 0.
pub fn percent(part: u64, whole: u64) -> f64 {
    if whole == 0 {
        0.0
    } else {
        100.0 * part as f64 / whole as f64
    }
}

/// One series of a metric query, in CloudWatch's `GetMetricData` shape.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct MetricDataResult {
    pub id: String,
    pub label: String,
    pub metric_name: MetricName,
    pub dimensions: Dimensions,
    pub timestamps: Vec<Date>,
    pub values: Vec<f64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Dimensions {
    #[serde(rename = "DedicatedIpPool")]
    pub pool: String,
    #[serde(rename = "ISP", skip_serializing_if = "Option::is_none")]
    pub isp: Option<String>,
}

/// The filters of one query; empty `metrics` means all of them.
#[derive(Debug, Clone, Default)]
pub struct MetricQuery {
    pub pool: Option<String>,
    pub isp: Option<String>,
    pub metrics: Vec<MetricName>,
    pub from: Option<Date>,
    pub to: Option<Date>,
}

/// The series of `query` over one region's stored metrics, pools by name, metrics in
/// `MetricName::ALL` order, ISPs in the order of `isp_order` (the ISP table). Pool-level
/// series have no ISP dimension, so an ISP filter leaves them out.
pub fn query(
    stored: &BTreeMap<String, PoolMetrics>,
    isp_order: &[String],
    q: &MetricQuery,
) -> Vec<MetricDataResult> {
    // Event counts come from the event log (`events_query`).
    let wanted: Vec<MetricName> = MetricName::ALL
        .into_iter()
        .filter(|m| m.event_type().is_none())
        .filter(|m| q.metrics.is_empty() || q.metrics.contains(m))
        .collect();
    let mut out = Vec::new();
    for (pool, metrics) in stored
        .iter()
        .filter(|(p, _)| q.pool.as_deref().is_none_or(|w| w == p.as_str()))
    {
        let m = metrics.series();
        let days: Vec<usize> = (0..m.dates.len())
            .filter(|&i| {
                q.from.is_none_or(|f| m.dates[i] >= f) && q.to.is_none_or(|t| m.dates[i] <= t)
            })
            .collect();
        for &metric in &wanted {
            let mut push = |isp: Option<&str>, value: &dyn Fn(usize) -> Option<f64>| {
                let (timestamps, values): (Vec<Date>, Vec<f64>) = days
                    .iter()
                    .filter_map(|&i| value(i).map(|v| (m.dates[i], v)))
                    .unzip();
                out.push(MetricDataResult {
                    id: format!("m{}", out.len() + 1),
                    label: match isp {
                        Some(isp) => format!("{pool} {isp} {metric}"),
                        None => format!("{pool} {metric}"),
                    },
                    metric_name: metric,
                    dimensions: Dimensions {
                        pool: pool.clone(),
                        isp: isp.map(str::to_string),
                    },
                    timestamps,
                    values,
                });
            };
            if q.isp.is_none() && metric.per_pool() {
                push(None, &|i| metric.pool_value(&m, i));
            }
            if !metric.per_isp() {
                continue;
            }
            for isp in isp_order
                .iter()
                .filter(|i| q.isp.as_deref().is_none_or(|w| w == i.as_str()))
            {
                if let Some(c) = m.isps.get(isp) {
                    push(Some(isp), &|i| metric.isp_value(c, i));
                }
            }
        }
    }
    out
}

/// The event-count series of `query` (`SendEvents`, `DeliveryEvents`, …) from published
/// events, given as (pool, date, `eventType`): per pool, one value per day the pool has stored
/// metrics or events on, in the window. Asked for by name, or every one for a pool with
/// events when the query names no metric.
pub fn events_query(
    stored: &BTreeMap<String, PoolMetrics>,
    events: &[(String, Date, String)],
    q: &MetricQuery,
    first_id: usize,
) -> Vec<MetricDataResult> {
    let wanted: Vec<MetricName> = MetricName::ALL
        .into_iter()
        .filter(|m| m.event_type().is_some())
        .filter(|m| q.metrics.is_empty() || q.metrics.contains(m))
        .collect();
    if wanted.is_empty() || q.isp.is_some() {
        return Vec::new();
    }
    let mut pools: BTreeMap<&str, std::collections::BTreeSet<Date>> = BTreeMap::new();
    for (pool, m) in stored {
        pools.entry(pool).or_default().extend(m.series().dates);
    }
    for (pool, date, _) in events {
        pools.entry(pool).or_default().insert(*date);
    }
    let mut out = Vec::new();
    for (pool, dates) in pools
        .iter()
        .filter(|(p, _)| q.pool.as_deref().is_none_or(|w| w == **p))
    {
        let has_events = events.iter().any(|(p, _, _)| p == pool);
        if q.metrics.is_empty() && !has_events {
            continue;
        }
        let dates: Vec<Date> = dates
            .iter()
            .copied()
            .filter(|d| q.from.is_none_or(|f| *d >= f) && q.to.is_none_or(|t| *d <= t))
            .collect();
        for &metric in &wanted {
            let kind = metric.event_type().unwrap_or_default();
            let values = dates
                .iter()
                .map(|d| {
                    events
                        .iter()
                        .filter(|(p, day, t)| p == pool && day == d && t == kind)
                        .count() as f64
                })
                .collect();
            out.push(MetricDataResult {
                id: format!("m{}", first_id + out.len() + 1),
                label: format!("{pool} {metric}"),
                metric_name: metric,
                dimensions: Dimensions {
                    pool: pool.to_string(),
                    isp: None,
                },
                timestamps: dates.clone(),
                values,
            });
        }
    }
    out
}
