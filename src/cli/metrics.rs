//! `sesm metrics`: the stored daily metrics in CloudWatch GetMetricData shape
//! (`ops::metrics`).

use clap::Args;
use clap::builder::{PossibleValuesParser, TypedValueParser};

use super::{Ctx, candidates};
use crate::error::Result;
use crate::model::metrics::{MetricName, MetricQuery};
use crate::model::parse_date;
use crate::ops::metrics;
use crate::output::Rendered;

fn metric_names() -> impl TypedValueParser<Value = MetricName> {
    PossibleValuesParser::new(MetricName::ALL.map(MetricName::as_str))
        .map(|s| s.parse::<MetricName>().unwrap_or(MetricName::Send))
}

#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  sesm metrics --pool marketing --isp gmail --metric WarmupPercentage\n  sesm metrics --metric Send --from 2026-12-01 --to 2026-12-31 -o json\n\n\
Metrics: Send, ApproximateDedicatedSendingPercentage, SentLast24Hours, Available24HourSend,\n\
SentShared, Deferred, Expired, WarmupPercentage (per ISP), DedicatedIpCount (per pool), and the\n\
events published per day (per pool): SendEvents, DeliveryEvents, DeliveryDelayEvents,\n\
BounceEvents, ComplaintEvents."
)]
pub struct MetricsArgs {
    /// Only this pool
    #[arg(long, add = candidates::any_pools())]
    pub pool: Option<String>,
    /// Only this ISP's series
    #[arg(long, add = candidates::isps())]
    pub isp: Option<String>,
    /// Only these metrics; repeatable
    #[arg(long = "metric", value_name = "NAME", value_parser = metric_names())]
    pub metrics: Vec<MetricName>,
    /// First date (YYYY-MM-DD), inclusive
    #[arg(long, value_name = "DATE")]
    pub from: Option<String>,
    /// Last date (YYYY-MM-DD), inclusive
    #[arg(long, value_name = "DATE")]
    pub to: Option<String>,
}

pub fn run(a: MetricsArgs, ctx: &Ctx) -> Result<Rendered> {
    let q = MetricQuery {
        pool: a.pool,
        isp: a.isp,
        metrics: a.metrics,
        from: a
            .from
            .as_deref()
            .map(|d| parse_date(d, "--from date"))
            .transpose()?,
        to: a
            .to
            .as_deref()
            .map(|d| parse_date(d, "--to date"))
            .transpose()?,
    };
    let events = ctx.existing_store()?.read_events(0)?;
    ctx.read(|s, region| metrics::get(s, region, &q, &events))
}
