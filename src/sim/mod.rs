//! The warm-up model (`warmup-model.md`): pure, deterministic, no I/O and no clock.
//!
//! `World::new` copies what the model needs out of a `State` into dense per-ISP arrays,
//! `World::step` simulates one day of every region and returns its reports, and
//! `World::finish` writes the model state, metrics, usage and clock back into the `State`.
//! `world` holds the world and its copying in and out, `demand` what is sent each day, `day`
//! one simulated day; `managed` and `standard` split a pool's demand per ISP, `formulas` the
//! model's formulas, `plan` and `report` a run's input and output, `today` a pool's capacity
//! between runs.

mod day;
mod demand;
pub mod formulas;
pub mod live;
pub mod managed;
pub mod plan;
pub mod report;
pub mod standard;
pub mod today;
mod world;

use jiff::civil::Date;

use crate::error::Result;
use crate::model::State;
pub use demand::{DayDemand, NO_SET, Senders};
pub use plan::{Demand, MAX_DAYS, Plan, PlanRow, simulate};
pub use report::{DayReport, IspDay, Mail, PoolMode, RunReport};
pub use world::{ConfigSetRoute, RegionWorld, World};

/// A day with live sends: its standing traffic alone (what fixes the day's opening), and per
/// region, pool (index) and ISP (table order) what its tracked recipients took at send.
#[derive(Debug, Clone, Default)]
pub struct LiveDay {
    pub(super) standing: DayDemand,
    pub(super) reserved: Vec<std::collections::BTreeMap<usize, Vec<crate::model::ledger::Taken>>>,
}

/// `YYYY-MM` of a date: the key of monthly usage.
pub fn month_of(date: Date) -> String {
    format!("{:04}-{:02}", date.year(), date.month())
}

/// Simulates `days` days of `world` (built from `state`) with the demand `demand_for(day)` and
/// writes the result into `state`; `end` is the last simulated date (`plan::end_date`).
pub fn run(
    state: &mut State,
    mut world: World,
    days: u32,
    end: Date,
    demand_for: impl Fn(u32) -> DayDemand,
) -> Result<RunReport> {
    let start = state.date;
    let mut reports = Vec::new();
    for day in 0..days {
        let demand = demand_for(day);
        reports.extend(world.step(&demand));
    }
    let usage = world.usage.clone();
    world.finish(state, &reports)?;
    Ok(RunReport::new(start, end, reports, &usage, state))
}

#[cfg(test)]
mod tests {
    use super::managed::Phase;
    use super::*;
    use crate::model::ScalingMode;
    use crate::model::config_set::NewConfigSet;
    use crate::model::pool::NewPool;
    use crate::model::{DEFAULT_POOL, IpWarmup, IspMemory, SHARED_POOL};

    const R: &str = "us-east-1";

    fn state() -> State {
        State::new(Date::constant(2026, 11, 26))
    }

    fn config_set(s: &mut State, name: &str, pool: Option<&str>) {
        s.region_mut(R)
            .create_config_set(NewConfigSet {
                name: name.into(),
                pool: pool.map(Into::into),
                ..Default::default()
            })
            .unwrap();
    }

    fn pool(s: &mut State, name: &str, mode: ScalingMode) {
        s.region_mut(R)
            .create_pool(NewPool {
                name: name.into(),
                mode,
                config_sets: vec![],
                tags: vec![],
            })
            .unwrap();
    }

    fn traffic(s: &mut State, cs: &str, volumes: &[(&str, u64)]) {
        s.region_mut(R).traffic.insert(
            cs.into(),
            volumes.iter().map(|(i, v)| (i.to_string(), *v)).collect(),
        );
    }

    fn run_standing(s: &mut State, days: u32) -> RunReport {
        simulate(s, days, Demand::Standing).unwrap()
    }

    #[test]
    fn a_set_without_pool_uses_shared_ips_until_the_default_pool_has_ips() {
        let mut s = state();
        config_set(&mut s, "cs", None);
        traffic(&mut s, "cs", &[("gmail", 1_000)]);
        let r = run_standing(&mut s, 1);
        assert_eq!(r.days.len(), 1);
        assert_eq!(r.days[0].pool_name, SHARED_POOL);
        assert_eq!(r.days[0].scaling_mode, PoolMode::Shared);
        assert_eq!(r.days[0].isps[0].mail.sent_shared, 1_000);
        s.lease_ips(R, 1, None).unwrap();
        let r = run_standing(&mut s, 1);
        let day = &r.days[0];
        assert_eq!(day.pool_name, DEFAULT_POOL);
        // A new standard IP at 0 % may send 200 a day; the rest goes to shared IPs.
        assert_eq!(day.isps[0].mail.sent_dedicated, 200);
        assert_eq!(day.isps[0].mail.sent_shared, 800);
        assert_eq!(day.isps[0].effective_daily_rate, Some(200));
    }

    #[test]
    fn an_explicit_but_empty_default_pool_sends_through_shared() {
        let mut s = state();
        config_set(&mut s, "cs", Some(DEFAULT_POOL));
        traffic(&mut s, "cs", &[("yahoo", 500)]);
        let r = run_standing(&mut s, 1);
        assert_eq!(r.days[0].pool_name, SHARED_POOL);
    }

    #[test]
    fn standard_ips_warm_up_by_time_and_split_by_demand() {
        let mut s = state();
        pool(&mut s, "std", ScalingMode::Standard);
        config_set(&mut s, "cs", Some("std"));
        s.lease_ips(R, 2, Some("std")).unwrap();
        traffic(&mut s, "cs", &[("gmail", 3_000), ("yahoo", 1_000)]);
        let r = run_standing(&mut s, 46);
        let first = &r.days[0];
        // Two IPs at 0 %: cap 400, split 3:1 between Gmail and Yahoo.
        assert_eq!(
            (
                first.isps[0].mail.sent_dedicated,
                first.isps[1].mail.sent_dedicated
            ),
            (300, 100)
        );
        assert_eq!(first.isps[0].warmup_percentage, 0.0);
        // Day 9: p = 9 × 100/45 = 20 → cap floor(200 × 250^0.2) = floor(603.4) per IP.
        assert_eq!(r.days[9].isps[0].effective_daily_rate, Some(2 * 603));
        assert_eq!(r.days[9].isps[0].warmup_percentage, 20.0);
        // Day 45: DONE. Gmail remembers each IP sending it about 1,500 a day (half of its
        // 3,000, which the warming caps carried from day 4 on) and accepts twice that: K is
        // about 2 × 3,000, with nothing warming (W = 0) and nothing deferred.
        let last = &r.days[45];
        let rate = last.isps[0].effective_daily_rate.unwrap();
        assert!((5_990..=6_000).contains(&rate), "{rate}");
        assert_eq!(last.isps[0].phase, Phase::Late);
        assert_eq!(last.isps[0].mail.sent_shared, 0);
        assert_eq!(last.isps[0].mail.deferred, 0);
        let ip = s.region(R).ips.values().next().unwrap();
        assert_eq!(ip.status(), crate::model::ip::WarmupStatus::Done);
    }

    /// Sets each IP's SES percentage; `known` IPs are remembered by every ISP as sending it
    /// half its capacity `C`, so a warm one is accepted up to `C` (model v2's figures).
    fn set_percent(s: &mut State, percents: &[f64], known: bool) {
        let memory = IspMemory {
            ewma: if known {
                s.model
                    .isps
                    .iter()
                    .map(|i| {
                        (
                            i.isp.clone(),
                            i.fully_warm_daily_capacity_per_ip as f64 / 2.0,
                        )
                    })
                    .collect()
            } else {
                Default::default()
            },
            idle_days: 0,
        };
        for (ip, &p) in s.region_mut(R).ips.values_mut().zip(percents) {
            ip.warmup = IpWarmup::Standard {
                start: p,
                days: 0,
                memory: memory.clone(),
            };
        }
    }

    #[test]
    fn an_isp_that_does_not_know_a_done_ip_accepts_v0_then_a_quarter_more_a_day() {
        let mut s = state();
        pool(&mut s, "std", ScalingMode::Standard);
        config_set(&mut s, "cs", Some("std"));
        s.lease_ips(R, 1, Some("std")).unwrap();
        set_percent(&mut s, &[100.0], false);
        traffic(&mut s, "cs", &[("gmail", 100_000)]);
        let r = run_standing(&mut s, 40);
        let rate = |d: usize| r.days[d].isps[0].effective_daily_rate.unwrap();
        // V0, then 2 × ewma as the ewma grows by α × 2 + (1 − α) = 1.25 a day.
        assert_eq!((rate(0), rate(1), rate(2), rate(3)), (200, 400, 500, 625));
        assert_eq!(r.days[0].isps[0].mail.deferred, 100_000 - 200);
        // In about four weeks Gmail accepts the whole 100,000, then about twice what it gets.
        let all = (0..40).find(|&d| rate(d) >= 100_000).unwrap();
        assert!((24..=30).contains(&all), "{all}");
        assert!((190_000..=200_000).contains(&rate(39)), "{}", rate(39));
        // Then the queue drains: nothing is deferred any more.
        assert_eq!(r.days[39].isps[0].mail.deferred, 0);
        // What Gmail remembers is kept in the state, and thirty idle days forget it.
        let memory = |s: &State| match &s.region(R).ips.values().next().unwrap().warmup {
            IpWarmup::Standard { memory, .. } => memory.clone(),
            IpWarmup::Managed { .. } => unreachable!(),
        };
        assert!(memory(&s).ewma["gmail"] > 99_000.0);
        traffic(&mut s, "cs", &[]);
        run_standing(&mut s, 29);
        assert_eq!(memory(&s).idle_days, 29);
        assert!(memory(&s).ewma.contains_key("gmail"));
        run_standing(&mut s, 1);
        assert_eq!(memory(&s).ewma.len(), 0, "forgotten on the 30th idle day");
        traffic(&mut s, "cs", &[("gmail", 100_000)]);
        let r = run_standing(&mut s, 1);
        assert_eq!(r.days[0].isps[0].effective_daily_rate, Some(200));
    }

    #[test]
    fn one_warm_standard_ip_delivers_gmails_capacity_and_the_isp_defers_the_rest() {
        let mut s = state();
        pool(&mut s, "std", ScalingMode::Standard);
        config_set(&mut s, "cs", Some("std"));
        s.lease_ips(R, 1, Some("std")).unwrap();
        set_percent(&mut s, &[100.0], true);
        traffic(&mut s, "cs", &[("gmail", 1_200_000)]);
        let r = run_standing(&mut s, 3);
        // R = 14 h (no MaxDeliverySeconds): 14/24 of the excess is kept for tomorrow.
        let kept = |x: u64| (x as f64 * 14.0 / 24.0).floor() as u64;
        let d0 = &r.days[0].isps[0];
        assert_eq!(d0.mail.sent_dedicated, 200_000);
        assert_eq!((d0.mail.sent_shared, d0.mail.retried), (0, 0));
        assert_eq!(d0.mail.deferred, 1_000_000);
        assert_eq!(d0.mail.expired, 1_000_000 - kept(1_000_000));
        assert_eq!(d0.effective_daily_rate, Some(200_000));
        assert_eq!(d0.phase, Phase::Late);
        assert_eq!(d0.warmup_percentage, 100.0);
        let d1 = &r.days[1].isps[0];
        // The queue goes first, within floor(200,000 × 14/24) = 116,666.
        assert_eq!(d1.queued, kept(1_000_000));
        assert_eq!(d1.mail.retried, 116_666);
        assert_eq!(d1.mail.sent_dedicated, 200_000);
        assert_eq!(d1.mail.deferred, 1_200_000 - 83_334);
        assert_eq!(
            d1.mail.expired,
            kept(1_000_000) - 116_666 + 1_116_666 - kept(1_116_666)
        );
        for day in &r.days {
            let i = &day.isps[0];
            assert_eq!(
                i.queued + i.mail.demand,
                i.mail.sent_dedicated + i.mail.sent_shared + i.mail.expired + i.kept_for_tomorrow()
            );
        }
        // The queue is kept between runs, with the retry window it was deferred under.
        let saved = &s.region(R).standard_pools["std"];
        assert_eq!(saved.queue["gmail"], r.days[2].isps[0].kept_for_tomorrow());
        assert_eq!(saved.queue_hours["gmail"], 14.0);
        assert_eq!(saved.history["gmail"], vec![1_200_000; 3]);
    }

    #[test]
    fn warming_standard_ips_split_oranges_excess_with_shared_ips() {
        let mut s = state();
        pool(&mut s, "std", ScalingMode::Standard);
        config_set(&mut s, "cs", Some("std"));
        s.lease_ips(R, 3, Some("std")).unwrap();
        set_percent(&mut s, &[100.0, 50.0, 0.0], true);
        s.region_mut(R).auto_warmup = false;
        traffic(&mut s, "cs", &[("orange", 40_000)]);
        let r = run_standing(&mut s, 1);
        let o = &r.days[0].isps[0];
        // The warm IP takes Orange's C = 15,000; the warming ones 3,162 (50 %) + 200 (0 %).
        assert_eq!(o.mail.sent_dedicated, 15_000 + 3_162 + 200);
        assert_eq!(o.mail.sent_shared, 40_000 - 18_362);
        assert_eq!((o.mail.deferred, o.mail.expired), (0, 0));
        assert_eq!(o.effective_daily_rate, Some(18_362));
        assert_eq!(o.phase, Phase::Early);
        assert_eq!(o.warmup_percentage, 50.0);
        // It can take 18,362 of Orange's 40,000: 45.9 % capacity-weighted.
        assert!((o.capacity_warmup_percentage - 100.0 * 18_362.0 / 40_000.0).abs() < 1e-9);
    }

    #[test]
    fn a_standard_queue_survives_a_split_run_and_a_conversion_to_managed() {
        let build = || {
            let mut s = state();
            pool(&mut s, "std", ScalingMode::Standard);
            config_set(&mut s, "cs", Some("std"));
            s.lease_ips(R, 1, Some("std")).unwrap();
            set_percent(&mut s, &[100.0], true);
            traffic(&mut s, "cs", &[("orange", 30_000)]);
            s
        };
        let mut once = build();
        let r = run_standing(&mut once, 4);
        let mut twice = build();
        let mut days = run_standing(&mut twice, 2).days;
        days.extend(run_standing(&mut twice, 2).days);
        assert_eq!(days, r.days);
        assert_eq!(twice.regions, once.regions);
        let queued = once.region(R).standard_pools["std"].queue["orange"];
        assert!(queued > 0);
        let remembered = match &once.region(R).ips.values().next().unwrap().warmup {
            IpWarmup::Standard { memory, .. } => memory.ewma["orange"],
            IpWarmup::Managed { .. } => unreachable!(),
        };
        let names: Vec<String> = once.model.isp_names().map(str::to_string).collect();
        once.region_mut(R)
            .set_scaling_mode("std", ScalingMode::Managed, &names)
            .unwrap();
        assert!(once.region(R).standard_pools.is_empty());
        let managed = once.region(R).pools["std"].managed.clone().unwrap();
        assert_eq!(managed.queue["orange"], queued);
        // What Orange remembers of the IP goes with it.
        match &once.region(R).ips.values().next().unwrap().warmup {
            IpWarmup::Managed { isps } => {
                assert_eq!(isps["orange"].ewma, Some(remembered));
                assert_eq!(isps["orange"].w, 100.0);
            }
            IpWarmup::Standard { .. } => unreachable!(),
        }
    }

    #[test]
    fn standard_warmup_stops_while_auto_warmup_is_off() {
        let mut s = state();
        s.lease_ips(R, 1, None).unwrap();
        s.region_mut(R).ips.values_mut().next().unwrap().warmup = IpWarmup::standard(10.0);
        s.region_mut(R).auto_warmup = false;
        let percent = |s: &State| match s.region(R).ips.values().next().unwrap().warmup {
            IpWarmup::Standard { start, days, .. } => (start, days),
            IpWarmup::Managed { .. } => unreachable!(),
        };
        run_standing(&mut s, 5);
        assert_eq!(percent(&s), (10.0, 0));
        s.region_mut(R).auto_warmup = true;
        run_standing(&mut s, 5);
        assert_eq!(percent(&s), (10.0, 5));
    }

    #[test]
    fn two_runs_of_ten_days_equal_one_of_twenty() {
        let build = || {
            let mut s = state();
            pool(&mut s, "m", ScalingMode::Managed);
            config_set(&mut s, "cs", Some("m"));
            traffic(
                &mut s,
                "cs",
                &[("gmail", 90_000), ("orange", 30_000), ("microsoft", 5_000)],
            );
            s
        };
        let mut once = build();
        let r20 = run_standing(&mut once, 20);
        let mut twice = build();
        let mut days = run_standing(&mut twice, 10).days;
        days.extend(run_standing(&mut twice, 10).days);
        assert_eq!(days, r20.days);
        // Usage is counted per day, so the sums agree too; only the last run's summary differs.
        assert_eq!(twice.usage, once.usage);
        assert_eq!(twice.regions, once.regions);
        assert_eq!(twice.date, once.date);
        assert_eq!(twice.next_ip, once.next_ip);
    }

    #[test]
    fn usage_counts_fee_days_messages_and_standard_ip_days() {
        let mut s = state();
        pool(&mut s, "m", ScalingMode::Managed);
        config_set(&mut s, "cs", Some("m"));
        traffic(&mut s, "cs", &[("gmail", 1_000)]);
        s.lease_ips(R, 3, None).unwrap();
        // 2026-11-26 … 2026-12-05: 5 days in November, 5 in December.
        let r = run_standing(&mut s, 10);
        let nov = &s.usage["2026-11"];
        assert_eq!(
            (
                nov.managed_pool_days,
                nov.managed_messages,
                nov.standard_ip_days
            ),
            (5, 5_000, 15)
        );
        let dec = &s.usage["2026-12"];
        assert_eq!(
            (
                dec.managed_pool_days,
                dec.managed_messages,
                dec.standard_ip_days
            ),
            (5, 5_000, 15)
        );
        let expected = 5.0 * 15.0 / 30.0
            + 5.0 * 15.0 / 31.0
            + 10_000.0 * 0.08 / 1000.0
            + 15.0 * 24.95 / 30.0
            + 15.0 * 24.95 / 31.0;
        assert!(
            (r.summary.cost - expected).abs() < 1e-9,
            "{} vs {expected}",
            r.summary.cost
        );
        assert_eq!(month_of(Date::constant(2026, 1, 31)), "2026-01");
    }

    #[test]
    fn metrics_columns_stay_aligned_with_dates() {
        let mut s = state();
        pool(&mut s, "m", ScalingMode::Managed);
        config_set(&mut s, "cs", Some("m"));
        traffic(&mut s, "cs", &[("gmail", 10_000)]);
        run_standing(&mut s, 3);
        traffic(&mut s, "cs", &[("gmail", 10_000), ("apple", 2_000)]);
        run_standing(&mut s, 2);
        let m = &s.region(R).metrics.get().unwrap()["m"];
        assert_eq!(m.dates.len(), 5);
        for c in m.isps.values() {
            assert_eq!(c.mail.demand.len(), 5);
            assert_eq!(c.warmup_percentage.len(), 5);
        }
        assert_eq!(
            m.isps["apple"].mail.demand.values(),
            vec![0, 0, 0, 2_000, 2_000]
        );
    }
}
