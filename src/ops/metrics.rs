//! sesm's `GetMetricData`: the stored daily metrics in CloudWatch's shape.

use serde::Serialize;

use crate::error::{Error, Result};
use crate::model::State;
use crate::model::metrics::{MetricDataResult, MetricQuery, events_query, query};
use crate::model::names::check_pool_name;
use crate::model::publishing::EventRecord;

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Results {
    pub metric_data_results: Vec<MetricDataResult>,
}

/// GetMetricData over the region's metrics: the ISP must be in the table (252), the pool a
/// pool of the region or one with metrics (NotFound), `from` not after `to` (252).
pub fn get(s: &State, region: &str, q: &MetricQuery, events: &[EventRecord]) -> Result<Results> {
    if let (Some(f), Some(t)) = (q.from, q.to)
        && f > t
    {
        return Err(Error::invalid(format!("--from {f} is after --to {t}")));
    }
    if let Some(isp) = &q.isp {
        super::traffic::check_isp(&s.model, isp)?;
    }
    let r = s.region(region);
    let stored = r.metrics.get()?;
    if let Some(pool) = &q.pool {
        check_pool_name(pool)?;
        if !r.pool_exists(pool) && !stored.contains_key(pool) {
            return Err(crate::model::pool::not_found(pool));
        }
    }
    let isp_order: Vec<String> = s.model.isp_names().map(str::to_string).collect();
    let mut results = query(stored, &isp_order, q);
    let events: Vec<(String, jiff::civil::Date, String)> = events
        .iter()
        // A topic's validation is no event of a pool's mail.
        .filter(|e| e.region == region && !e.pool_name.is_empty())
        .map(|e| (e.pool_name.clone(), e.date, e.event_type.clone()))
        .collect();
    results.extend(events_query(stored, &events, q, results.len()));
    Ok(Results {
        metric_data_results: results,
    })
}
