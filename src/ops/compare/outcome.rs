//! The figures of one option from its simulated days: totals over the run, while settling
//! and after it, per ISP and per month, the daily series the page draws, and the cost (the
//! dedicated IPs' charges and SES's sending charge).

use std::collections::BTreeMap;

use jiff::civil::Date;

use super::setup::Setup;
use super::{DailySeries, IspOutcome, Kind, MonthOutcome, OptionOutcome};
use crate::model::metrics::percent;
use crate::model::{Mail, MonthUsage, Prices, cost};
use crate::sim::managed::Phase;
use crate::sim::{self, DayReport};

/// One option's run: what it was, and its days (`None`: the pool had nothing that day).
pub(super) struct Run<'r> {
    pub(super) kind: Kind,
    pub(super) ips: u32,
    pub(super) kept: u32,
    pub(super) days: &'r [Option<DayReport>],
    /// The scratch account's usage before the run (the month so far) and what it added.
    pub(super) before: &'r BTreeMap<String, MonthUsage>,
    pub(super) added: &'r BTreeMap<String, MonthUsage>,
}

/// The days summed up.
#[derive(Default)]
struct Walk {
    total: Mail,
    settling: Mail,
    after: Mail,
    isps: BTreeMap<String, IspOutcome>,
    /// Per ISP, the last day some of its mail did not go dedicated.
    last_miss: BTreeMap<String, Option<u32>>,
    /// Per month, its mail and IP-days.
    months: BTreeMap<String, (Mail, u64)>,
    daily: DailySeries,
    warm: BTreeMap<String, Vec<f64>>,
    ips_max: u32,
    ip_days: u64,
    ips_at_end: u32,
}

/// Whether an ISP with mail counts as warm that day: a managed pool at 90 % (the mean of its
/// IPs' levels); standard IPs all `DONE` and able to take 90 % of the ISP's demand.
fn warm_today(kind: Kind, isp: &sim::IspDay) -> bool {
    isp.mail.demand > 0
        && match kind {
            Kind::Managed => isp.warmup_percentage >= 90.0,
            Kind::Standard => isp.phase == Phase::Late && isp.capacity_warmup_percentage >= 90.0,
            Kind::Shared => false,
        }
}

impl Walk {
    /// Adds day `i` (on `date`) of the run.
    fn day(&mut self, run: &Run, setup: &Setup, i: u32, date: Date, day: Option<&DayReport>) {
        let held = day.map_or(
            if run.kind == Kind::Standard {
                run.ips
            } else {
                0
            },
            |d| d.dedicated_ip_count,
        );
        let after_scaling = day.map_or(held, |d| {
            (i64::from(d.dedicated_ip_count) + i64::from(d.scale_event)).max(0) as u32
        });
        self.ips_max = self.ips_max.max(held).max(after_scaling);
        self.ip_days = self.ip_days.saturating_add(u64::from(held));
        self.ips_at_end = after_scaling;
        let mut day_mail = Mail::default();
        let mut kept_today = 0u64;
        for isp in day.into_iter().flat_map(|d| &d.isps) {
            if !isp.is_active() {
                continue;
            }
            day_mail.add(&isp.mail);
            kept_today = kept_today.saturating_add(isp.kept_for_tomorrow());
            let o = self
                .isps
                .entry(isp.isp.clone())
                .or_insert_with(|| IspOutcome {
                    isp: isp.isp.clone(),
                    mail: Mail::default(),
                    warm_day: None,
                    warm_date: None,
                    all_dedicated_day: None,
                });
            o.mail.add(&isp.mail);
            let m = &isp.mail;
            if run.kind == Kind::Shared || m.sent_shared > 0 || m.deferred > 0 || m.expired > 0 {
                *self.last_miss.entry(isp.isp.clone()).or_default() = Some(i);
            }
            if o.warm_day.is_none() && warm_today(run.kind, isp) {
                o.warm_day = Some(i);
                o.warm_date = Some(date);
            }
        }
        self.total.add(&day_mail);
        if i >= setup.settle {
            self.after.add(&day_mail);
        } else {
            self.settling.add(&day_mail);
        }
        let month = self.months.entry(sim::month_of(date)).or_default();
        month.0.add(&day_mail);
        month.1 = month.1.saturating_add(u64::from(held));
        let d = &mut self.daily;
        d.dates.push(date);
        d.dedicated.push(day_mail.sent_dedicated);
        d.shared.push(day_mail.sent_shared);
        d.kept.push(kept_today);
        d.expired.push(day_mail.expired);
        d.ips.push(held);
        for isp in &setup.isp_order {
            let w = day
                .and_then(|d| d.isp(isp))
                .map_or(0.0, |x| x.capacity_warmup_percentage);
            self.warm.entry(isp.clone()).or_default().push(w);
        }
    }
}

/// The run's months: mail, IP-days and what the run added to each month's cost, on top of
/// the month's usage so far.
fn months(
    walked: BTreeMap<String, (Mail, u64)>,
    before: &BTreeMap<String, MonthUsage>,
    added: &BTreeMap<String, MonthUsage>,
    prices: &Prices,
) -> Vec<MonthOutcome> {
    let empty = MonthUsage::default();
    walked
        .into_iter()
        .map(|(month, (mail, ip_days))| {
            let start = before.get(&month).unwrap_or(&empty);
            let mut end = start.clone();
            end.add(added.get(&month).unwrap_or(&empty));
            let dedicated_cost = cost::month_cost(&month, &end, prices).total
                - cost::month_cost(&month, start, prices).total;
            let sending_charge = prices.sending_charge(mail.demand);
            MonthOutcome {
                dedicated_cost,
                sending_charge,
                cost: dedicated_cost + sending_charge,
                month,
                mail,
                ip_days,
            }
        })
        .collect()
}

impl Setup<'_> {
    /// The figures of one option from its days; the limits are judged by the caller.
    pub(super) fn outcome(&self, run: Run, prices: &Prices) -> OptionOutcome {
        let mut w = Walk::default();
        let mut date = self.s.date;
        for (i, day) in run.days.iter().enumerate() {
            w.day(&run, self, i as u32, date, day.as_ref());
            date = date.tomorrow().unwrap_or(date);
        }
        let last_day = run.days.len().saturating_sub(1) as u32;
        for (isp, o) in w.isps.iter_mut() {
            o.all_dedicated_day = match w.last_miss.get(isp).copied().flatten() {
                // Shared IPs only: never dedicated, whenever its mail stopped.
                _ if run.kind == Kind::Shared => None,
                None => Some(0),
                Some(d) if d < last_day => Some(d + 1),
                Some(_) => None,
            };
        }
        w.daily.warmup = self
            .isp_order
            .iter()
            .filter(|i| w.isps.contains_key(*i))
            .map(|i| (i.clone(), w.warm.remove(i).unwrap_or_default()))
            .collect();
        let months = months(w.months, run.before, run.added, prices);
        let dedicated_cost: f64 = months.iter().map(|m| m.dedicated_cost).sum();
        let sending_charge: f64 = months.iter().map(|m| m.sending_charge).sum();
        let cost = dedicated_cost + sending_charge;
        let standard = run.kind == Kind::Standard;
        let total = w.total;
        OptionOutcome {
            option: run.kind,
            standard_ips: standard.then_some(run.ips),
            kept_ips: (standard && self.from_account).then_some(run.kept),
            no_redundancy: standard && run.ips == 1,
            sent_dedicated_percentage: percent(total.sent_dedicated, total.demand),
            sent_shared_percentage: percent(total.sent_shared, total.demand),
            deferred_percentage: percent(total.deferred, total.demand),
            expired_percentage: percent(total.expired, total.demand),
            shared_percentage_after_settling: percent(w.after.sent_shared, w.after.demand),
            expired_percentage_after_settling: percent(w.after.expired, w.after.demand),
            shared_percentage_while_settling: percent(w.settling.sent_shared, w.settling.demand),
            expired_percentage_while_settling: percent(w.settling.expired, w.settling.demand),
            ips_at_end: w.ips_at_end,
            ips_max: w.ips_max,
            ip_days: w.ip_days,
            dedicated_cost,
            sending_charge,
            cost,
            cost_per_1000: if total.demand == 0 {
                0.0
            } else {
                cost * 1000.0 / total.demand as f64
            },
            isps: self
                .isp_order
                .iter()
                .filter_map(|i| w.isps.remove(i))
                .collect(),
            months,
            mail: total,
            meets_limits: false,
            limits_missed: Vec::new(),
            daily: w.daily,
        }
    }
}
