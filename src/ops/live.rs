//! The live clock at send (`warmup-model.md`, "Live fates"): each tracked recipient of the
//! accepted messages gets its fate now, from its pool's day as it opened (`sim::live`) and
//! what earlier sends of the day took (the region's ledger, then the batch's own), first
//! come, first served. The model publishes the fates' events with the send
//! (`model::publishing`) and counts them into the ledger.

use std::collections::BTreeMap;

use crate::model::ledger::{LiveFate, Outcome, Taken};
use crate::model::sending::{SIMULATOR, SentMessage, domain_of};
use crate::model::{SHARED_POOL, State};
use crate::sim::live::{OpenDay, choose, open_day};

/// What the batch took so far, per (region, pool) and ISP, beyond the state's ledger.
type Batch = BTreeMap<(String, String), BTreeMap<String, Taken>>;

/// Decides the fate of every tracked recipient of `sent` (messages whose configuration set
/// has an enabled event destination, as `model::publishing::prepare` tracks them).
pub fn decide(s: &State, sent: &mut [SentMessage]) {
    let mut opened: BTreeMap<(String, String), Option<OpenDay>> = BTreeMap::new();
    let mut batch = Batch::new();
    for m in sent.iter_mut() {
        let Some(set) = &m.configuration_set else {
            continue;
        };
        let region = s.region(&m.region);
        if m.rendering_failure.is_some() || region.event_targets(set).is_empty() {
            continue;
        }
        let key = (m.region.clone(), m.pool.clone());
        let open = opened.entry(key.clone()).or_insert_with(|| {
            (m.pool != SHARED_POOL)
                .then(|| open_day(s, &m.region, &m.pool).ok().flatten())
                .flatten()
        });
        let addresses: Vec<String> =
            m.to.iter()
                .chain(&m.cc)
                .chain(&m.bcc)
                .filter(|a| !m.simulator.contains_key(*a) && !m.suppressed.contains(a))
                .cloned()
                .collect();
        let mut live = Vec::new();
        for address in addresses {
            let isp = s.model.isp_of_domain(domain_of(&address)).to_string();
            if isp == SIMULATOR || live.iter().any(|f: &LiveFate| f.address == address) {
                continue;
            }
            let taken = batch.entry(key.clone()).or_default();
            let outcome = match open {
                None => Outcome::Shared,
                Some(o) => fate(s, m, o, &isp, taken),
            };
            taken.entry(isp.clone()).or_default().add(outcome);
            live.push(LiveFate {
                address,
                isp,
                outcome,
            });
        }
        m.live = live;
    }
}

/// One recipient's fate: within what its ISP's new mail can take on the pool's IPs, else on
/// a standard pool's warming IPs while their cap lasts, else beyond (shared or deferred, as
/// the pool's phase says).
fn fate(
    s: &State,
    m: &SentMessage,
    o: &OpenDay,
    isp: &str,
    batch: &BTreeMap<String, Taken>,
) -> Outcome {
    let ledger = &s.region(&m.region).ledger;
    let Some(i) = o.isps.iter().position(|n| n == isp) else {
        return Outcome::Shared;
    };
    let mine = batch.get(isp).copied().unwrap_or_default();
    let mut taken = ledger.taken(m.date, &m.pool, isp);
    taken.dedicated += mine.dedicated;
    let warming: u64 = o
        .isps
        .iter()
        .map(|n| ledger.taken(m.date, &m.pool, n).warming + batch.get(n).map_or(0, |t| t.warming))
        .sum();
    choose(o, i, taken, warming)
}
