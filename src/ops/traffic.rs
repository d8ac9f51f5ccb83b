//! sesm's `PutTraffic`: standing daily volume per configuration set and ISP, which `simulate`
//! sends every day unless a plan is given.

use serde::Serialize;

use crate::error::{Error, Result};
use crate::model::params::MAX_DAILY_VOLUME;
use crate::model::{ModelParams, State};

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Row {
    pub configuration_set_name: String,
    pub isp: String,
    pub daily_volume: u64,
    /// The set's sending pool (for the table).
    #[serde(skip)]
    pub pool: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct TrafficList {
    pub traffic: Vec<Row>,
    /// What changed (for the confirmation): the set, or every set with `None`.
    #[serde(skip)]
    pub change: Option<(super::shapes::Done, Option<String>)>,
}

/// Checks an ISP name against the model's table (252 with the known names).
pub fn check_isp(model: &ModelParams, isp: &str) -> Result<()> {
    if model.isp_index(isp).is_some() {
        Ok(())
    } else {
        Err(Error::invalid(format!(
            "unknown ISP '{isp}': use one of {}",
            model.isp_names().collect::<Vec<_>>().join(", ")
        ))
        .hint("see the ISP table with: sesm isp list"))
    }
}

/// Checks a daily volume against the bound the model keeps (252).
pub fn check_volume(isp: &str, volume: u64) -> Result<()> {
    if volume > MAX_DAILY_VOLUME {
        return Err(Error::invalid(format!(
            "{volume} messages a day to {isp} is more than the most sesm simulates per ISP and configuration set ({MAX_DAILY_VOLUME})"
        )));
    }
    Ok(())
}

/// Sets daily volumes of a configuration set (merging; 0 removes that ISP).
pub fn set(
    s: &mut State,
    region: &str,
    config_set: &str,
    volumes: &[(String, u64)],
) -> Result<TrafficList> {
    for (isp, v) in volumes {
        check_isp(&s.model, isp)?;
        check_volume(isp, *v)?;
    }
    let r = s.region_mut(region);
    r.existing_config_set(config_set)?;
    let plan = r.traffic.entry(config_set.to_string()).or_default();
    for (isp, v) in volumes {
        if *v == 0 {
            plan.remove(isp);
        } else {
            plan.insert(isp.clone(), *v);
        }
    }
    if plan.is_empty() {
        r.traffic.remove(config_set);
    }
    let mut out = list(s, region)?;
    out.change = Some((super::shapes::Done::Created, Some(config_set.to_string())));
    Ok(out)
}

/// Removes the traffic of one configuration set, or of all.
pub fn clear(s: &mut State, region: &str, config_set: Option<&str>) -> Result<TrafficList> {
    let r = s.region_mut(region);
    match config_set {
        Some(cs) => {
            r.existing_config_set(cs)?;
            r.traffic.remove(cs);
        }
        None => r.traffic.clear(),
    }
    let mut out = list(s, region)?;
    out.change = Some((super::shapes::Done::Deleted, config_set.map(str::to_string)));
    Ok(out)
}

/// The region's standing traffic, per configuration set then ISP in table order.
pub fn list(s: &State, region: &str) -> Result<TrafficList> {
    let r = s.region(region);
    let sets: std::collections::BTreeSet<String> = r.traffic.keys().cloned().collect();
    let pools = r.configuration_sets.get_some(&sets)?;
    let mut traffic = Vec::new();
    for (cs, plan) in &r.traffic {
        for isp in s.model.isp_names() {
            if let Some(&v) = plan.get(isp) {
                traffic.push(Row {
                    configuration_set_name: cs.clone(),
                    isp: isp.to_string(),
                    daily_volume: v,
                    pool: pools.get(cs).and_then(|c| c.sending_pool.clone()),
                });
            }
        }
    }
    Ok(TrafficList {
        traffic,
        change: None,
    })
}
