//! Demand: who may send in a run, the mail of one day per region, set and ISP (standing
//! traffic, the day's sends, a plan).

use std::collections::{BTreeMap, BTreeSet};

use super::*;
use crate::model::State;

/// The configuration sets that may send during a run, per region: those with standing
/// traffic, or those a plan names. Only they are read from the state.
pub type Senders = BTreeMap<String, BTreeSet<String>>;

/// One day's demand: per region (in `World::regions` order), per configuration set (index in
/// that region's `config_sets`, or `NO_SET` for mail sent through none), the volume per ISP
/// (table order).
pub type DayDemand = Vec<BTreeMap<usize, Vec<u64>>>;

/// The key of `DayDemand` for mail sent through no configuration set: it goes the default way.
pub const NO_SET: usize = usize::MAX;

impl World {
    /// The configuration sets with standing traffic (`traffic set`) or mail sent today, per
    /// region.
    pub fn standing_senders(state: &State) -> Senders {
        state
            .regions
            .iter()
            .map(|(name, r)| {
                let sets = r.traffic.keys().chain(r.pending.keys());
                (
                    name.clone(),
                    sets.filter(|s| !s.is_empty()).cloned().collect(),
                )
            })
            .collect()
    }

    /// The mail sent today (SendEmail, `sesm send`), as demand; a set deleted since goes the
    /// default way.
    pub fn pending_demand(&self, state: &State) -> DayDemand {
        self.regions
            .iter()
            .map(|r| {
                let mut out: BTreeMap<usize, Vec<u64>> = BTreeMap::new();
                for (set, isps) in &state.region(&r.name).pending {
                    let index = r
                        .config_sets
                        .binary_search_by(|c| c.name.as_str().cmp(set))
                        .unwrap_or(NO_SET);
                    let volumes = out
                        .entry(index)
                        .or_insert_with(|| vec![0; self.isp_count()]);
                    for (isp, n) in isps {
                        if let Some(i) = self.params.isp_index(isp)
                            && let Some(v) = volumes.get_mut(i)
                        {
                            *v = v.saturating_add(*n);
                        }
                    }
                }
                out
            })
            .collect()
    }

    /// Adds `extra` to `day`.
    pub fn add_demand(day: &mut DayDemand, extra: &DayDemand) {
        for (region, more) in day.iter_mut().zip(extra) {
            for (cs, volumes) in more {
                let into = region.entry(*cs).or_insert_with(|| vec![0; volumes.len()]);
                for (a, b) in into.iter_mut().zip(volumes) {
                    *a = a.saturating_add(*b);
                }
            }
        }
    }

    /// The standing demand of `traffic set`, the same every day.
    pub fn standing_demand(&self, state: &State) -> DayDemand {
        self.regions
            .iter()
            .map(|r| {
                let traffic = &state.regions[&r.name].traffic;
                r.config_sets
                    .iter()
                    .enumerate()
                    .filter_map(|(i, cs)| {
                        let plan = traffic.get(&cs.name)?;
                        let volumes: Vec<u64> = self
                            .params
                            .isps
                            .iter()
                            .map(|isp| plan.get(&isp.isp).copied().unwrap_or(0))
                            .collect();
                        volumes.iter().any(|&v| v > 0).then_some((i, volumes))
                    })
                    .collect()
            })
            .collect()
    }

    /// No mail at all (a plan's days without rows).
    pub fn no_demand(&self) -> DayDemand {
        vec![BTreeMap::new(); self.regions.len()]
    }

    /// The demand of each day of a run of `days` days: `base` plus the plan's rows.
    pub fn plan_demand(&self, plan: &Plan, days: u32, base: &DayDemand) -> Vec<DayDemand> {
        let n = self.isp_count();
        let mut out: Vec<DayDemand> = (0..days).map(|_| base.clone()).collect();
        for row in &plan.rows {
            let Some(ri) = self.region_index(&row.region) else {
                continue;
            };
            let Ok(ci) = self.regions[ri]
                .config_sets
                .binary_search_by(|c| c.name.as_str().cmp(&row.config_set))
            else {
                continue;
            };
            let Some(day) = out.get_mut(row.day as usize) else {
                continue;
            };
            let volumes = day[ri].entry(ci).or_insert_with(|| vec![0; n]);
            if let Some(v) = volumes.get_mut(row.isp) {
                *v = v.saturating_add(row.volume);
            }
        }
        out
    }
}
