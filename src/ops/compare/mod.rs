//! sesm's `Compare`: standard or managed dedicated IPs for *this* mail. The same traffic runs,
//! in scratch accounts (the state is not changed), through a managed pool, through standard
//! pools of N IPs, and through SES's shared IPs only. Each option starts from the account as
//! it is (the IPs the sets' pool holds, their warm-up and what the ISPs remember of them, the
//! month's mail so far) unless `--cold`. The figures come side by side with the facts of one
//! recommendation (`warmup-model.md`, "Advice"): the cheapest option that meets sesm's
//! limits after settling, else the one that misses them by the least.
//!
//! `setup` builds and runs the scratch accounts, `outcome` sums an option's days, `search`
//! finds the fewest standard IPs. Only facts here (numbers, enums); `output::comparison`
//! writes the words.

mod outcome;
mod search;
mod setup;

use jiff::civil::Date;
use serde::Serialize;

use super::simulate::PlanText;
use crate::error::{Error, Result};
use crate::model::{Mail, State};
use crate::sim;
use setup::Setup;

/// `--settle`'s default: SES's 45 days of standard warm-up and 15 more for the ISPs to learn
/// the IPs (model v3).
pub const DEFAULT_SETTLING_DAYS: u32 = 60;
/// The fewest days measured after settling.
pub const MIN_MEASURED_DAYS: u32 = 7;
/// The most standard IPs one option may lease.
pub const MAX_STANDARD_IPS: u32 = 1_000;
/// The standard IP counts `StandardIpsNeeded` is searched in: from 2 (SES recommends more
/// than one dedicated IP per Region) to a managed pool's `max_ips`.
pub const FEWEST_STANDARD_IPS: u32 = 2;
pub const SEARCHED_IPS: u32 = 100;
/// `--shared-floor`'s default: the mean daily mail per ISP that keeps an IP warm.
pub const DEFAULT_SHARED_FLOOR: u64 = 1_000;

/// What to compare.
#[derive(Debug, Clone)]
pub struct CompareRequest {
    /// The configuration sets whose mail is compared (empty: every set with traffic, or
    /// every set the plan names, in the region).
    pub config_sets: Vec<String>,
    pub plan: Option<PlanText>,
    pub days: u32,
    /// Standard options by IP count (none: the current count, the count needed and the
    /// managed run's peak).
    pub standard_ips: Option<Vec<u32>>,
    /// The most mail, in percent of the demand after settling, that may go through shared IPs.
    pub max_shared: f64,
    /// The most mail, in percent of the demand after settling, that may expire.
    pub max_expired: f64,
    /// Days not measured for the limits (none: 60, or `days − 7` on a shorter run).
    pub settle: Option<u32>,
    /// Start every option from nothing instead of the account as it is.
    pub cold: bool,
}

/// Which way of sending an option is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Kind {
    Managed,
    Standard,
    Shared,
}

/// One ISP's figures in an option.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct IspOutcome {
    pub isp: String,
    #[serde(flatten)]
    pub mail: Mail,
    /// The first day (from 0) the ISP was warm, on a day it had mail: for a managed pool at
    /// 90 % or more (the mean of its IPs' levels); for standard IPs, with every IP `DONE` and
    /// the pool able to take 90 % or more of the ISP's demand (capacity-weighted warm-up).
    /// Absent when it never was.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub warm_day: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub warm_date: Option<Date>,
    /// The first day (from 0) from which all of the ISP's mail went out on dedicated IPs the
    /// day it came (none through shared IPs, deferred or expired); `null` if never.
    pub all_dedicated_day: Option<u32>,
}

/// One calendar month of an option.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct MonthOutcome {
    pub month: String,
    #[serde(flatten)]
    pub mail: Mail,
    /// IPs held, summed over the month's days.
    pub ip_days: u64,
    /// USD for the month's days of the run (estimates, prices from the state), on top of the
    /// month's usage so far: the dedicated IPs' charges, SES's sending charge, their sum.
    pub dedicated_cost: f64,
    pub sending_charge: f64,
    pub cost: f64,
}

/// The daily series the HTML page draws.
#[derive(Debug, Clone, Default)]
pub struct DailySeries {
    pub dates: Vec<Date>,
    /// The day's mail, partitioned: dedicated, shared, deferred and kept for tomorrow, expired.
    pub dedicated: Vec<u64>,
    pub shared: Vec<u64>,
    pub kept: Vec<u64>,
    pub expired: Vec<u64>,
    /// The pool's capacity-weighted warm-up per ISP (ISPs with mail), in table order.
    pub warmup: Vec<(String, Vec<f64>)>,
    pub ips: Vec<u32>,
}

/// A limit of the recommendation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Limit {
    /// `--max-shared`: mail through shared IPs after settling.
    Shared,
    /// `--max-expired`: expired mail after settling.
    Expired,
}

/// A limit an option misses, and by how much.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Miss {
    pub limit: Limit,
    /// The option's figure after settling, in percent.
    pub value: f64,
    /// The limit, in percent.
    pub max: f64,
}

impl Miss {
    /// How far past the limit, relative to it. A limit of 0 counts against 0.01 percentage
    /// points so that any excess is large but finite and still ordered by its size.
    pub fn relative_excess(&self) -> f64 {
        (self.value - self.max).max(0.0) / self.max.max(0.01)
    }
}

/// One option, over the run.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct OptionOutcome {
    pub option: Kind,
    /// The standard IPs (standard options).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub standard_ips: Option<u32>,
    /// Of those, the IPs the account already holds (standard options from the account).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kept_ips: Option<u32>,
    /// A standard option of one IP: nothing takes over when it is blocked or listed.
    pub no_redundancy: bool,
    #[serde(flatten)]
    pub mail: Mail,
    pub sent_dedicated_percentage: f64,
    pub sent_shared_percentage: f64,
    pub deferred_percentage: f64,
    /// Expired mail in percent of the run's demand.
    pub expired_percentage: f64,
    /// Mail through shared IPs, and expired mail, on the days after settling, in percent of
    /// those days' demand (what the limits measure)…
    pub shared_percentage_after_settling: f64,
    pub expired_percentage_after_settling: f64,
    /// …and on the settling days, in percent of theirs.
    pub shared_percentage_while_settling: f64,
    pub expired_percentage_while_settling: f64,
    pub ips_at_end: u32,
    pub ips_max: u32,
    pub ip_days: u64,
    /// USD for the run (estimates, prices from the state): the dedicated IPs' charges (IPs,
    /// or the managed fee and per-message charges), SES's sending charge for all the mail,
    /// and their sum.
    pub dedicated_cost: f64,
    pub sending_charge: f64,
    pub cost: f64,
    pub cost_per_1000: f64,
    pub isps: Vec<IspOutcome>,
    pub months: Vec<MonthOutcome>,
    /// Whether the option meets both limits.
    pub meets_limits: bool,
    /// The limits it misses (empty when it meets them).
    pub limits_missed: Vec<Miss>,
    #[serde(skip)]
    pub daily: DailySeries,
}

/// The recommended option, as facts; `output::comparison` words the reason.
#[derive(Debug, Clone)]
pub struct Recommendation {
    /// Index in `Comparison::options`.
    pub index: usize,
    pub option: Kind,
    pub standard_ips: Option<u32>,
    /// Whether it meets the limits (else it misses them by the least).
    pub meets_limits: bool,
}

/// The result of `compare`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Comparison {
    pub region: String,
    pub start_date: Date,
    pub end_date: Date,
    pub days: u32,
    pub configuration_sets: Vec<String>,
    /// Whether the options start from the account as it is (false with `--cold`).
    pub from_account: bool,
    pub settling_days: u32,
    pub max_shared_percentage: f64,
    pub max_expired_percentage: f64,
    /// `--shared-floor`, and whether every ISP's mean daily demand over the run is below it
    /// (then shared IPs are judged on expiry alone).
    pub shared_floor: u64,
    pub below_shared_floor: bool,
    /// The fewest standard IPs (2 … 100) that meet the limits; `null` when none does.
    pub standard_ips_needed: Option<u32>,
    /// The standard IPs the sets' pool holds now (from the account; 0 when they use none).
    pub current_standard_ips: u32,
    /// Serialized by `output::comparison::ComparisonView`, with each option's label and
    /// verdict.
    #[serde(skip)]
    pub options: Vec<OptionOutcome>,
    #[serde(skip)]
    pub recommendation: Recommendation,
    /// The state's ISP table order (colours and places in the charts).
    #[serde(skip)]
    pub isp_order: Vec<String>,
}

/// The limits an option misses: both measured after settling; shared IPs below the floor are
/// judged on expiry alone (SES recommends them for mail that is not large and regular).
fn misses(o: &OptionOutcome, max_shared: f64, max_expired: f64, below_floor: bool) -> Vec<Miss> {
    let mut out = Vec::new();
    let judged_on_shared = !(o.option == Kind::Shared && below_floor);
    if judged_on_shared && o.shared_percentage_after_settling > max_shared {
        out.push(Miss {
            limit: Limit::Shared,
            value: o.shared_percentage_after_settling,
            max: max_shared,
        });
    }
    if o.expired_percentage_after_settling > max_expired {
        out.push(Miss {
            limit: Limit::Expired,
            value: o.expired_percentage_after_settling,
            max: max_expired,
        });
    }
    out
}

/// The recommendation: the cheapest option that meets the limits, a 1-IP standard option only
/// when no standard option of more IPs meets them; when none meets them, the one with the
/// smallest relative excess summed over the limits (then the cheapest, then the first listed).
fn recommend(options: &[OptionOutcome]) -> Recommendation {
    let excess =
        |o: &OptionOutcome| -> f64 { o.limits_missed.iter().map(Miss::relative_excess).sum() };
    let redundant_meets = options
        .iter()
        .any(|o| o.option == Kind::Standard && !o.no_redundancy && o.meets_limits);
    let demoted = |o: &OptionOutcome| o.no_redundancy && redundant_meets;
    let index = (0..options.len())
        .min_by(|&a, &b| {
            let (x, y) = (&options[a], &options[b]);
            y.meets_limits
                .cmp(&x.meets_limits)
                .then(demoted(x).cmp(&demoted(y)))
                .then(excess(x).total_cmp(&excess(y)))
                .then(x.cost.total_cmp(&y.cost))
                .then(a.cmp(&b))
        })
        .unwrap_or(0);
    let o = &options[index];
    Recommendation {
        index,
        option: o.option,
        standard_ips: o.standard_ips,
        meets_limits: o.meets_limits,
    }
}

/// Checks the limits and the settling period (252), and returns the settling days.
fn check(req: &CompareRequest) -> Result<u32> {
    for (flag, value) in [
        ("--max-shared", req.max_shared),
        ("--max-expired", req.max_expired),
    ] {
        if !(value.is_finite() && (0.0..=100.0).contains(&value)) {
            return Err(Error::invalid(format!(
                "{flag} must be a percentage from 0 to 100, not {value}"
            )));
        }
    }
    if let Some(ips) = &req.standard_ips
        && (ips.is_empty() || ips.iter().any(|&n| n == 0 || n > MAX_STANDARD_IPS))
    {
        return Err(Error::invalid(format!(
            "--standard-ips takes IP counts from 1 to {MAX_STANDARD_IPS}, e.g. 2,4,8"
        )));
    }
    let most = req.days.saturating_sub(MIN_MEASURED_DAYS);
    match req.settle {
        Some(settle) if settle > most || req.days < MIN_MEASURED_DAYS => Err(Error::invalid(
            format!(
                "--settle {settle} leaves fewer than {MIN_MEASURED_DAYS} of the {} days to measure the limits on; it can be at most --days − {MIN_MEASURED_DAYS} = {most}",
                req.days
            ),
        )
        .hint(format!(
            "simulate longer, e.g. --days {}, or settle sooner",
            settle.saturating_add(MIN_MEASURED_DAYS)
        ))),
        Some(settle) => Ok(settle),
        // A run too short for the default measures what it can.
        None => Ok(DEFAULT_SETTLING_DAYS.min(most)),
    }
}

/// Compare with the default shared floor (`DEFAULT_SHARED_FLOOR`).
pub fn compare(s: &State, region: &str, req: &CompareRequest) -> Result<Comparison> {
    compare_with_floor(s, region, req, DEFAULT_SHARED_FLOOR)
}

/// Compare: the mail of the region's sets through a managed pool, standard pools and shared
/// IPs only, from the account as it is (or from nothing with `cold`), in scratch; shared IPs
/// are judged on expiry alone when every ISP's mean daily demand is below `shared_floor`.
pub fn compare_with_floor(
    s: &State,
    region: &str,
    req: &CompareRequest,
    shared_floor: u64,
) -> Result<Comparison> {
    let end = sim::plan::end_date(s.date, req.days)?;
    let settle = check(req)?;
    let setup = Setup::new(s, region, req, settle)?;
    let managed = setup.run(Kind::Managed, 0)?;
    let shared = setup.run(Kind::Shared, 0)?;
    // Every option carries the same mail: the shared run's per-ISP demand is everyone's. An
    // ISP's mean over the run is below the floor when its total is below floor × days.
    let days = u64::from(req.days.max(1));
    let below_floor = shared
        .isps
        .iter()
        .all(|i| i.mail.demand < shared_floor.saturating_mul(days));
    let judge = |mut o: OptionOutcome| {
        o.limits_missed = misses(&o, req.max_shared, req.max_expired, below_floor);
        o.meets_limits = o.limits_missed.is_empty();
        o
    };
    let mut found = search::Runs::new(|n| setup.run(Kind::Standard, n).map(judge));
    let current = setup.current_standard_ips();
    let needed = found.fewest_meeting(current)?;
    let counts: std::collections::BTreeSet<u32> = match &req.standard_ips {
        Some(c) => c.iter().copied().collect(),
        None => [
            (current > 0).then_some(current),
            needed,
            Some(managed.ips_max.max(FEWEST_STANDARD_IPS)),
        ]
        .into_iter()
        .flatten()
        .collect(),
    };
    let mut options = vec![judge(managed)];
    for n in counts {
        options.push(found.take(n)?);
    }
    options.push(judge(shared));
    let recommendation = recommend(&options);
    Ok(Comparison {
        region: region.to_string(),
        start_date: s.date,
        end_date: end,
        days: req.days,
        configuration_sets: setup.set_names(),
        from_account: !req.cold,
        settling_days: settle,
        max_shared_percentage: req.max_shared,
        max_expired_percentage: req.max_expired,
        shared_floor,
        below_shared_floor: below_floor,
        standard_ips_needed: needed,
        current_standard_ips: current,
        options,
        recommendation,
        isp_order: s.model.isp_names().map(str::to_string).collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn miss(limit: Limit, value: f64, max: f64) -> Miss {
        Miss { limit, value, max }
    }

    #[test]
    fn relative_excess_is_how_far_past_the_limit_relative_to_it() {
        assert!((miss(Limit::Shared, 23.2, 10.0).relative_excess() - 1.32).abs() < 1e-12);
        assert_eq!(miss(Limit::Expired, 0.1, 0.1).relative_excess(), 0.0);
        assert!((miss(Limit::Expired, 0.05, 0.0).relative_excess() - 5.0).abs() < 1e-12);
    }

    pub(super) fn option(kind: Kind, cost: f64, missed: Vec<Miss>) -> OptionOutcome {
        OptionOutcome {
            option: kind,
            standard_ips: None,
            kept_ips: None,
            no_redundancy: false,
            mail: Mail::default(),
            sent_dedicated_percentage: 0.0,
            sent_shared_percentage: 0.0,
            deferred_percentage: 0.0,
            expired_percentage: 0.0,
            shared_percentage_after_settling: 0.0,
            expired_percentage_after_settling: 0.0,
            shared_percentage_while_settling: 0.0,
            expired_percentage_while_settling: 0.0,
            ips_at_end: 0,
            ips_max: 0,
            ip_days: 0,
            dedicated_cost: cost,
            sending_charge: 0.0,
            cost,
            cost_per_1000: 0.0,
            isps: Vec::new(),
            months: Vec::new(),
            meets_limits: missed.is_empty(),
            limits_missed: missed,
            daily: DailySeries::default(),
        }
    }

    fn standard(ips: u32, cost: f64, missed: Vec<Miss>) -> OptionOutcome {
        OptionOutcome {
            standard_ips: Some(ips),
            no_redundancy: ips == 1,
            ..option(Kind::Standard, cost, missed)
        }
    }

    #[test]
    fn the_cheapest_option_within_the_limits_wins() {
        let options = [
            option(Kind::Managed, 60.0, vec![]),
            option(Kind::Standard, 50.0, vec![miss(Limit::Expired, 0.2, 0.1)]),
            option(Kind::Standard, 70.0, vec![]),
        ];
        let r = recommend(&options);
        assert_eq!((r.index, r.meets_limits), (0, true));
    }

    #[test]
    fn one_ip_is_never_recommended_over_more_standard_ips_within_the_limits() {
        let options = [
            option(Kind::Managed, 500.0, vec![]),
            standard(1, 75.0, vec![]),
            standard(2, 150.0, vec![]),
        ];
        assert_eq!(recommend(&options).index, 2);
        // Alone within the limits, it may be recommended: it is marked as having no
        // redundancy.
        let options = [
            option(Kind::Managed, 500.0, vec![miss(Limit::Shared, 20.0, 10.0)]),
            standard(1, 75.0, vec![]),
            standard(2, 150.0, vec![miss(Limit::Shared, 12.0, 10.0)]),
        ];
        assert_eq!(recommend(&options).index, 1);
    }

    #[test]
    fn when_none_meets_the_smallest_summed_relative_excess_wins() {
        // 100 % shared against a limit of 10 (excess 9) beats 95.5 % shared (8.55) plus
        // 0.2 % expired against 0.1 (1): 9 < 9.55.
        let options = [
            option(
                Kind::Managed,
                10.0,
                vec![
                    miss(Limit::Shared, 95.5, 10.0),
                    miss(Limit::Expired, 0.2, 0.1),
                ],
            ),
            option(Kind::Standard, 50.0, vec![miss(Limit::Shared, 100.0, 10.0)]),
        ];
        assert_eq!(recommend(&options).index, 1);
        // How far counts, not how many: one limit missed by far loses to two missed by little.
        let options = [
            option(Kind::Standard, 5.0, vec![miss(Limit::Shared, 40.0, 10.0)]),
            option(
                Kind::Managed,
                50.0,
                vec![
                    miss(Limit::Shared, 11.0, 10.0),
                    miss(Limit::Expired, 0.11, 0.1),
                ],
            ),
        ];
        let r = recommend(&options);
        assert_eq!((r.index, r.meets_limits), (1, false));
    }

    #[test]
    fn shared_ips_below_the_floor_are_judged_on_expiry_alone() {
        let mut shared = option(Kind::Shared, 1.0, vec![]);
        shared.shared_percentage_after_settling = 100.0;
        assert!(misses(&shared, 10.0, 0.1, true).is_empty());
        let missed = misses(&shared, 10.0, 0.1, false);
        assert_eq!(missed, vec![miss(Limit::Shared, 100.0, 10.0)]);
        // Dedicated options are judged on both, floor or not.
        let mut managed = option(Kind::Managed, 1.0, vec![]);
        managed.shared_percentage_after_settling = 50.0;
        managed.expired_percentage_after_settling = 0.2;
        assert_eq!(misses(&managed, 10.0, 0.1, true).len(), 2);
    }

    fn request(days: u32, settle: Option<u32>) -> CompareRequest {
        CompareRequest {
            config_sets: Vec::new(),
            plan: None,
            days,
            standard_ips: None,
            max_shared: 10.0,
            max_expired: 0.1,
            settle,
            cold: false,
        }
    }

    #[test]
    fn settling_is_sixty_days_and_at_most_days_minus_seven() {
        assert_eq!(check(&request(90, None)).unwrap(), 60);
        assert_eq!(check(&request(67, None)).unwrap(), 60);
        assert_eq!(check(&request(60, None)).unwrap(), 53);
        assert_eq!(check(&request(52, Some(45))).unwrap(), 45);
        assert!(check(&request(51, Some(45))).is_err());
        assert_eq!(check(&request(30, None)).unwrap(), 23);
        assert_eq!(check(&request(5, None)).unwrap(), 0);
        assert!(check(&request(5, Some(0))).is_err());
        assert_eq!(check(&request(7, Some(0))).unwrap(), 0);
    }
}
