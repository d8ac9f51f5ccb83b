//! `sesm metrics`: the stored daily metrics in CloudWatch GetMetricData shape.

use clap::Args;
use jiff::civil::Date;
use serde::Serialize;
use serde_json::Value;

use super::traffic::check_isp;
use super::{Ctx, complete, parse_date};
use crate::error::{Error, Result};
use crate::model::Region;
use crate::model::metrics::{IspSeries, PoolMetrics, PoolSeries};
use crate::model::names::check_pool_name;
use crate::output::{Block, Column, Output};

/// Every metric sesm stores, in the order results are listed.
pub const METRICS: &[&str] = &[
    "Send",
    "ApproximateDedicatedSendingPercentage",
    "SentLast24Hours",
    "Available24HourSend",
    "SentShared",
    "Deferred",
    "Expired",
    "WarmupPercentage",
    "DedicatedIpCount",
];

#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  sesm metrics --pool marketing --isp gmail --metric WarmupPercentage\n  sesm metrics --metric Send --from 2026-12-01 --to 2026-12-31 -o json\n\n\
Metrics: Send, ApproximateDedicatedSendingPercentage, SentLast24Hours, Available24HourSend,\n\
SentShared, Deferred, Expired, WarmupPercentage (per ISP), DedicatedIpCount (per pool)."
)]
pub struct MetricsArgs {
    /// Only this pool
    #[arg(long, add = complete::any_pools())]
    pub pool: Option<String>,
    /// Only this ISP's series
    #[arg(long, add = complete::isps())]
    pub isp: Option<String>,
    /// Only these metrics; repeatable
    #[arg(long = "metric", value_name = "NAME", value_parser = clap::builder::PossibleValuesParser::new(METRICS))]
    pub metrics: Vec<String>,
    /// First date (YYYY-MM-DD), inclusive
    #[arg(long, value_name = "DATE")]
    pub from: Option<String>,
    /// Last date (YYYY-MM-DD), inclusive
    #[arg(long, value_name = "DATE")]
    pub to: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct MetricDataResult {
    pub id: String,
    pub label: String,
    pub metric_name: String,
    pub dimensions: serde_json::Map<String, Value>,
    pub timestamps: Vec<Date>,
    pub values: Vec<f64>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Results {
    metric_data_results: Vec<MetricDataResult>,
}

/// The filters of one query.
pub struct Query<'a> {
    pub pool: Option<&'a str>,
    pub isp: Option<&'a str>,
    pub metrics: &'a [String],
    pub from: Option<Date>,
    pub to: Option<Date>,
}

fn ratio(dedicated: f64, shared: f64) -> f64 {
    if dedicated + shared == 0.0 {
        0.0
    } else {
        100.0 * dedicated / (dedicated + shared)
    }
}

/// Whether `metric` is reported per pool (summed over ISPs).
fn has_pool_series(metric: &str) -> bool {
    !matches!(metric, "Available24HourSend" | "WarmupPercentage")
}

/// Whether `metric` is reported per ISP.
fn has_isp_series(metric: &str) -> bool {
    metric != "DedicatedIpCount"
}

/// The values of `metric` for one ISP's columns, `None` where there is no value (the
/// unlimited rate of a standard pool with a DONE IP).
fn isp_series(metric: &str, c: &IspSeries, i: usize) -> Option<f64> {
    Some(match metric {
        "Send" => c.demand[i] as f64,
        "ApproximateDedicatedSendingPercentage" => {
            ratio(c.sent_dedicated[i] as f64, c.sent_shared[i] as f64)
        }
        "SentLast24Hours" => c.sent_dedicated[i] as f64,
        "Available24HourSend" => c.effective_daily_rate[i]? as f64,
        "SentShared" => c.sent_shared[i] as f64,
        "Deferred" => c.deferred[i] as f64,
        "Expired" => c.expired[i] as f64,
        "WarmupPercentage" => c.warmup_percentage[i],
        _ => return None,
    })
}

/// The pool-level value of `metric` on day `i`; `None` for metrics that exist per ISP only.
fn pool_series(metric: &str, m: &PoolSeries, i: usize) -> Option<f64> {
    let sum = |f: fn(&IspSeries) -> &Vec<u64>| m.isps.values().map(|c| f(c)[i] as f64).sum::<f64>();
    Some(match metric {
        "Send" => sum(|c| &c.demand),
        "ApproximateDedicatedSendingPercentage" => {
            ratio(sum(|c| &c.sent_dedicated), sum(|c| &c.sent_shared))
        }
        "SentLast24Hours" => sum(|c| &c.sent_dedicated),
        "SentShared" => sum(|c| &c.sent_shared),
        "Deferred" => sum(|c| &c.deferred),
        "Expired" => sum(|c| &c.expired),
        "DedicatedIpCount" => f64::from(m.dedicated_ip_count[i]),
        _ => return None,
    })
}

/// A pool's stored metrics, parsed (253 when a column is corrupt).
pub fn series(pool: &str, stored: &PoolMetrics) -> Result<PoolSeries> {
    stored.series().map_err(|e| {
        Error::state(format!("the metrics of pool {pool} in the state file are corrupt: {e}"))
            .hint("restore the backup (sesm state path shows where it is), or delete the pool's metrics from the file")
    })
}

/// Builds the results of a query over one region's metrics.
pub fn query(region: &Region, isp_order: &[String], q: &Query) -> Result<Vec<MetricDataResult>> {
    let wanted: Vec<&str> = if q.metrics.is_empty() {
        METRICS.to_vec()
    } else {
        METRICS
            .iter()
            .copied()
            .filter(|m| q.metrics.iter().any(|w| w == m))
            .collect()
    };
    let mut out = Vec::new();
    for (pool, stored) in region
        .metrics
        .get()?
        .iter()
        .filter(|(p, _)| q.pool.is_none_or(|w| w == p.as_str()))
    {
        let m = &series(pool, stored)?;
        let days: Vec<usize> = (0..m.dates.len())
            .filter(|&i| {
                q.from.is_none_or(|f| m.dates[i] >= f) && q.to.is_none_or(|t| m.dates[i] <= t)
            })
            .collect();
        for metric in &wanted {
            let mut push = |isp: Option<&str>, f: &dyn Fn(usize) -> Option<f64>| {
                let (timestamps, values): (Vec<Date>, Vec<f64>) = days
                    .iter()
                    .filter_map(|&i| f(i).map(|v| (m.dates[i], v)))
                    .unzip();
                let mut dimensions = serde_json::Map::new();
                dimensions.insert("DedicatedIpPool".into(), pool.clone().into());
                if let Some(isp) = isp {
                    dimensions.insert("ISP".into(), isp.into());
                }
                out.push(MetricDataResult {
                    id: format!("m{}", out.len() + 1),
                    label: match isp {
                        Some(isp) => format!("{pool} {isp} {metric}"),
                        None => format!("{pool} {metric}"),
                    },
                    metric_name: metric.to_string(),
                    dimensions,
                    timestamps,
                    values,
                });
            };
            // Pool-level series have no ISP dimension, so an ISP filter leaves them out.
            if q.isp.is_none() && has_pool_series(metric) {
                push(None, &|i| pool_series(metric, m, i));
            }
            if !has_isp_series(metric) {
                continue;
            }
            for isp in isp_order
                .iter()
                .filter(|i| q.isp.is_none_or(|w| w == i.as_str()))
            {
                if let Some(c) = m.isps.get(isp) {
                    push(Some(isp), &|i| isp_series(metric, c, i));
                }
            }
        }
    }
    Ok(out)
}

/// A sparkline at most `width` characters wide: longer series are averaged in buckets.
pub fn sparkline_fit(values: &[f64], width: usize) -> String {
    sparkline_buckets(values, width, |b| b.iter().sum::<f64>() / b.len() as f64)
}

/// Like `sparkline_fit`, keeping each bucket's largest value (for counts that step, like IPs).
pub fn sparkline_fit_max(values: &[f64], width: usize) -> String {
    sparkline_buckets(values, width, |b| {
        b.iter().copied().fold(f64::MIN, f64::max)
    })
}

fn sparkline_buckets(values: &[f64], width: usize, reduce: impl Fn(&[f64]) -> f64) -> String {
    if values.len() <= width || width == 0 {
        return sparkline(values);
    }
    let buckets: Vec<f64> = (0..width)
        .map(|b| {
            let lo = b * values.len() / width;
            let hi = ((b + 1) * values.len() / width).max(lo + 1);
            reduce(&values[lo..hi])
        })
        .collect();
    sparkline(&buckets)
}

/// An 8-level sparkline of `values`, scaled to their own maximum.
pub fn sparkline(values: &[f64]) -> String {
    const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
    let max = values.iter().copied().fold(0.0, f64::max);
    values
        .iter()
        .map(|v| {
            if max <= 0.0 {
                BARS[0]
            } else {
                BARS[((v / max) * 7.0).round().clamp(0.0, 7.0) as usize]
            }
        })
        .collect()
}

fn format_value(metric: &str, v: f64) -> String {
    if metric.contains("Percentage") {
        format!("{v:.1}")
    } else {
        crate::output::thousands(v as i64)
    }
}

pub fn run(a: MetricsArgs, ctx: &Ctx) -> Result<Output> {
    let region = ctx.region()?;
    let from = a
        .from
        .as_deref()
        .map(|d| parse_date(d, "--from date"))
        .transpose()?;
    let to =
        a.to.as_deref()
            .map(|d| parse_date(d, "--to date"))
            .transpose()?;
    if let (Some(f), Some(t)) = (from, to)
        && f > t
    {
        return Err(Error::invalid(format!("--from {f} is after --to {t}")));
    }
    let state = ctx.store()?.load()?;
    if let Some(isp) = &a.isp {
        check_isp(&state.model, isp)?;
    }
    let r = state.region(region);
    if let Some(pool) = &a.pool {
        check_pool_name(pool)?;
        if !r.pool_exists(pool) && !r.metrics.get()?.contains_key(pool) {
            return Err(crate::model::pool::not_found(pool));
        }
    }
    let isp_order: Vec<String> = state.model.isp_names().map(str::to_string).collect();
    let results = query(
        r,
        &isp_order,
        &Query {
            pool: a.pool.as_deref(),
            isp: a.isp.as_deref(),
            metrics: &a.metrics,
            from,
            to,
        },
    )?;
    let rows: Vec<Vec<String>> = results
        .iter()
        .map(|m| {
            let isp = m
                .dimensions
                .get("ISP")
                .and_then(Value::as_str)
                .unwrap_or("-");
            vec![
                m.dimensions["DedicatedIpPool"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string(),
                m.metric_name.clone(),
                isp.to_string(),
                m.values.len().to_string(),
                m.values
                    .last()
                    .map_or_else(|| "-".into(), |v| format_value(&m.metric_name, *v)),
                sparkline_fit(&m.values, 30),
            ]
        })
        .collect();
    let human = if rows.is_empty() {
        vec![Block::Line(
            "No metrics match; simulate some days first: sesm simulate --days 30".into(),
        )]
    } else {
        vec![Block::table(
            vec![
                Column::left("Pool"),
                Column::left("Metric"),
                Column::left("ISP"),
                Column::right("Days"),
                Column::right("Last"),
                Column::left("Trend"),
            ],
            rows,
        )]
    };
    Ok(Output::new(Results {
        metric_data_results: results,
    })
    .with_human(human))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sparklines_scale_to_the_maximum() {
        assert_eq!(sparkline(&[0.0, 50.0, 100.0]), "▁▅█");
        assert_eq!(sparkline(&[0.0, 0.0]), "▁▁");
        assert_eq!(sparkline(&[]), "");
    }

    #[test]
    fn long_sparklines_are_bucketed() {
        let values: Vec<f64> = (0..365).map(f64::from).collect();
        let line = sparkline_fit(&values, 30);
        assert_eq!(line.chars().count(), 30);
        assert!(line.starts_with('▁') && line.ends_with('█'));
        assert_eq!(sparkline_fit(&[1.0, 2.0], 30).chars().count(), 2);
        let steps = [0.0, 1.0, 1.0, 1.0, 2.0, 1.0];
        assert_eq!(sparkline_fit_max(&steps, 3), "▅▅█");
    }
}
