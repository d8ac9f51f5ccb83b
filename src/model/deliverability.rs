//! The Deliverability dashboard (rules D1–D8 in `ses-rules.md`): its subscription, the
//! predictive inbox placement tests kept, and the placement estimates every report of it
//! derives from the warm-up model (`warmup-model.md`, "Deliverability estimates").
//!
//! SES measures placement with a panel of mailboxes; sesm has none, so every figure here is an
//! estimate from what the model already knows of a pool and an ISP on a day: how warm its IPs
//! were for that ISP, how much the ISP deferred, and how much expired.

use std::collections::BTreeMap;

use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use super::metrics::IspSeries;
use super::{Mail, Region, Tags};
use crate::error::{Error, Result};

/// Share of a fully warm dedicated IP's delivered mail an ISP files as spam.
pub const WARM_SPAM_SHARE: f64 = 0.02;
/// Share of a cold dedicated IP's delivered mail an ISP files as spam.
pub const COLD_SPAM_SHARE: f64 = 0.25;
/// Share of mail through SES's shared IPs filed as spam (SES keeps them warm).
pub const SHARED_SPAM_SHARE: f64 = 0.05;
/// D3: GetDomainStatisticsReport's and ListDomainDeliverabilityCampaigns' longest range.
pub const MAX_RANGE_DAYS: i64 = 30;

/// The subscription (PutDeliverabilityDashboardOption), per region; since version 8.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Dashboard {
    pub enabled: bool,
    /// After the dashboard is turned off: the first day (account clock) it no longer runs.
    /// SES bills by the calendar month and keeps it to the month's end (D2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires: Option<Date>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub domains: Vec<TrackedDomain>,
}

/// One subscribed domain.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct TrackedDomain {
    pub domain: String,
    pub start: Timestamp,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub global: Option<bool>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tracked_isps: Vec<String>,
    /// Left out of a later Put: tracked until this day (the month's end), then dropped.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires: Option<Date>,
}

/// What the dashboard is on `today`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Active,
    PendingExpiration(Date),
    Disabled,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Active => "ACTIVE",
            Status::PendingExpiration(_) => "PENDING_EXPIRATION",
            Status::Disabled => "DISABLED",
        }
    }
}

/// The first day of the month after `d`'s: when a subscription cancelled on `d` ends.
pub fn month_end(d: Date) -> Date {
    d.first_of_month()
        .checked_add(jiff::Span::new().months(1))
        .unwrap_or(d)
}

impl Dashboard {
    pub fn status(&self, today: Date) -> Status {
        match (self.enabled, self.expires) {
            (true, _) => Status::Active,
            (false, Some(end)) if today < end => Status::PendingExpiration(end),
            _ => Status::Disabled,
        }
    }

    /// Domains tracked on `today`: (active, pending expiration).
    pub fn domains_on(&self, today: Date) -> (Vec<&TrackedDomain>, Vec<&TrackedDomain>) {
        let live = self.status(today) != Status::Disabled;
        let tracked = self
            .domains
            .iter()
            .filter(|d| live && d.expires.is_none_or(|e| today < e));
        let (pending, active) = tracked.partition(|d| d.expires.is_some() || !self.enabled);
        (active, pending)
    }

    /// D4: whether `domain` is subscribed on `today` (active, or until its month ends).
    pub fn tracks(&self, domain: &str, today: Date) -> bool {
        let (active, pending) = self.domains_on(today);
        active.iter().chain(&pending).any(|d| d.domain == domain)
    }
}

/// D5: the reports need a subscription (SES sells them with the dashboard).
pub fn not_subscribed() -> Error {
    Error::not_found(
        "The Deliverability dashboard is not enabled for this account in this region: enable it with PutDeliverabilityDashboardOption.",
    )
}

/// D4: a domain the dashboard does not track.
pub fn domain_not_tracked(domain: &str) -> Error {
    Error::not_found(format!(
        "Domain {domain} is not subscribed to the Deliverability dashboard."
    ))
}

impl Region {
    /// The dashboard as it stands on `today` (off when never put).
    pub fn dashboard(&self) -> Dashboard {
        self.deliverability_dashboard.clone().unwrap_or_default()
    }

    /// Whether mail from `address` is DKIM-signed: its domain (or the nearest parent domain)
    /// is an identity of the region that signs.
    pub fn dkim_signs(&self, address: &str) -> Result<bool> {
        let mut domain = super::sending::domain_of(address).to_ascii_lowercase();
        loop {
            if let Some(id) = self.identities.entry(&domain)? {
                return Ok(id.dkim_signing_enabled != Some(false));
            }
            match domain.split_once('.') {
                Some((_, parent)) if parent.contains('.') => domain = parent.to_string(),
                _ => return Ok(false),
            }
        }
    }

    /// D5: the dashboard, when its subscription runs on `today`.
    pub fn subscribed_dashboard(&self, today: Date) -> Result<Dashboard> {
        let d = self.dashboard();
        match d.status(today) {
            Status::Disabled => Err(not_subscribed()),
            _ => Ok(d),
        }
    }
}

/// D3: a report's range, from its first day to its last, at most 30 days apart.
pub fn check_range(start: Timestamp, end: Timestamp) -> Result<(Date, Date)> {
    let (from, to) = (day_of(start), day_of(end));
    if to < from {
        return Err(Error::bad_request("EndDate must be on or after StartDate."));
    }
    if i64::from((to - from).get_days()) > MAX_RANGE_DAYS {
        return Err(Error::bad_request(
            "The EndDate that you specify has to be less than or equal to 30 days after the StartDate.",
        ));
    }
    Ok((from, to))
}

/// The UTC day of a timestamp.
pub fn day_of(t: Timestamp) -> Date {
    jiff::tz::TimeZone::UTC.to_datetime(t).date()
}

/// Midnight UTC of a day.
pub fn start_of(d: Date) -> Timestamp {
    jiff::tz::TimeZone::UTC
        .to_timestamp(d.to_datetime(jiff::civil::Time::midnight()))
        .unwrap_or(Timestamp::UNIX_EPOCH)
}

/// A predictive inbox placement test (CreateDeliverabilityTestReport); since version 8. Its
/// figures are not kept: they are the model's for its pool on its day, read when asked.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct TestReport {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    pub from: String,
    pub created: Timestamp,
    /// The account clock's day it was sent on; COMPLETED once that day is simulated (D7).
    pub date: Date,
    /// The pool its sender's mail goes through.
    pub pool: String,
    /// Whether its sender's domain signs with DKIM.
    pub dkim: bool,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub message: String,
    #[serde(
        default,
        skip_serializing_if = "BTreeMap::is_empty",
        deserialize_with = "crate::lazy::unique"
    )]
    pub tags: Tags,
}

impl TestReport {
    /// D7: SES's test takes about a day; sesm's completes when its day has been simulated.
    pub fn status(&self, today: Date) -> &'static str {
        if today > self.date {
            "COMPLETED"
        } else {
            "IN_PROGRESS"
        }
    }
}

/// D6: a report ID, as SES's (a UUID's shape).
pub fn not_found_report(id: &str) -> Error {
    Error::not_found(format!("Deliverability test report {id} does not exist."))
}

/// Where an ISP put one day's mail of a pool: the estimate every report is built from.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Placed {
    pub inbox: u64,
    pub spam: u64,
    /// Mail that never arrived: it expired after deferral.
    pub missing: u64,
}

impl Placed {
    pub fn add(&mut self, o: &Placed) {
        self.inbox = self.inbox.saturating_add(o.inbox);
        self.spam = self.spam.saturating_add(o.spam);
        self.missing = self.missing.saturating_add(o.missing);
    }

    /// Percentages of inbox, spam and missing over all three (0s when there is no mail).
    pub fn percentages(&self) -> (f64, f64, f64) {
        let total = self.inbox + self.spam + self.missing;
        if total == 0 {
            return (0.0, 0.0, 0.0);
        }
        let p = |n: u64| 100.0 * n as f64 / total as f64;
        (p(self.inbox), p(self.spam), p(self.missing))
    }
}

/// The share of a dedicated IP's delivered mail an ISP files as spam: from `WARM_SPAM_SHARE`
/// at 100 % warm-up to `COLD_SPAM_SHARE` at 0 %, plus half the share of the day's attempts the
/// ISP deferred (an ISP that throttles an IP also filters it), at most 1.
pub fn spam_share(warmup_percentage: f64, deferred: u64, sent_dedicated: u64) -> f64 {
    let w = (warmup_percentage / 100.0).clamp(0.0, 1.0);
    let attempts = deferred.saturating_add(sent_dedicated);
    let deferral = if attempts == 0 {
        0.0
    } else {
        deferred as f64 / attempts as f64
    };
    (WARM_SPAM_SHARE + (COLD_SPAM_SHARE - WARM_SPAM_SHARE) * (1.0 - w) + deferral / 2.0).min(1.0)
}

/// One day of a pool and ISP, placed: dedicated mail by `spam_share`, shared mail by
/// `SHARED_SPAM_SHARE`, expired mail missing. Counts are rounded to whole messages.
pub fn place(day: &Mail, warmup_percentage: f64) -> Placed {
    let share = spam_share(warmup_percentage, day.deferred, day.sent_dedicated);
    let spam = (day.sent_dedicated as f64 * share).round() as u64
        + (day.sent_shared as f64 * SHARED_SPAM_SHARE).round() as u64;
    let spam = spam.min(day.sent());
    Placed {
        inbox: day.sent() - spam,
        spam,
        missing: day.expired,
    }
}

/// `count` messages to an ISP placed as the pool's mail to it was on day `i` (or as a cold
/// IP's, `warmup` 0, when the model has no such day).
pub fn place_share(count: u64, isp: Option<(&IspSeries, usize)>) -> Placed {
    let (_, spam_share, missing_share) = match isp {
        Some((s, i)) => {
            let (inbox, spam, missing) = place(&s.day(i), s.warmup_percentage[i]).percentages();
            if inbox + spam + missing == 0.0 {
                cold_shares()
            } else {
                (inbox / 100.0, spam / 100.0, missing / 100.0)
            }
        }
        None => cold_shares(),
    };
    let spam = ((count as f64 * spam_share).round() as u64).min(count);
    let missing = ((count as f64 * missing_share).round() as u64).min(count - spam);
    Placed {
        inbox: count - spam - missing,
        spam,
        missing,
    }
}

/// The shares of mail from a cold IP with no deferral: what the model says of a day it has
/// not simulated.
fn cold_shares() -> (f64, f64, f64) {
    (1.0 - COLD_SPAM_SHARE, COLD_SPAM_SHARE, 0.0)
}

/// A listing of a dedicated IP, as GetBlacklistReports gives one (D8).
#[derive(Debug, Clone, PartialEq)]
pub struct Listing {
    pub rbl: String,
    pub day: Date,
    pub description: String,
}

/// D8: an ISP lists a pool's IPs on the last day, of the last 30 simulated, on which its mail
/// to that ISP expired after deferral (mail the ISP kept refusing: what a blocklist reacts to).
pub fn listings(dates: &[Date], isps: &BTreeMap<String, IspSeries>, pool: &str) -> Vec<Listing> {
    let first = dates.len().saturating_sub(30);
    let mut out = Vec::new();
    for (isp, s) in isps {
        let last = (first..dates.len()).rev().find(|&i| s.mail.expired[i] > 0);
        if let Some(i) = last {
            out.push(Listing {
                rbl: format!("sesm-estimate-{isp}"),
                day: dates[i],
                description: format!(
                    "Estimate: on {}, {} messages of pool {pool} to {isp} expired after the ISP deferred them ({} deferred that day); sesm lists the pool's IPs for {isp} until 30 simulated days pass without expiry.",
                    dates[i], s.mail.expired[i], s.mail.deferred[i]
                ),
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(dedicated: u64, shared: u64, deferred: u64, expired: u64) -> Mail {
        Mail {
            demand: dedicated + shared,
            sent_dedicated: dedicated,
            sent_shared: shared,
            deferred,
            expired,
            ..Mail::default()
        }
    }

    #[test]
    fn spam_share_falls_with_warmup_and_rises_with_deferral() {
        assert_eq!(spam_share(100.0, 0, 1000), WARM_SPAM_SHARE);
        assert_eq!(spam_share(0.0, 0, 1000), COLD_SPAM_SHARE);
        assert!((spam_share(50.0, 0, 10) - (0.02 + 0.23 * 0.5)).abs() < 1e-12);
        assert!((spam_share(100.0, 500, 500) - (0.02 + 0.25)).abs() < 1e-12);
        assert_eq!(spam_share(0.0, 1000, 0), 0.75);
        assert_eq!(spam_share(-5.0, 0, 0), COLD_SPAM_SHARE);
        assert_eq!(spam_share(250.0, 0, 0), WARM_SPAM_SHARE);
    }

    #[test]
    fn a_day_is_placed_in_whole_messages_that_add_up() {
        let p = place(&day(1000, 200, 0, 0), 100.0);
        assert_eq!(
            p,
            Placed {
                inbox: 1000 - 20 + 200 - 10,
                spam: 30,
                missing: 0
            }
        );
        let p = place(&day(0, 0, 300, 40), 0.0);
        assert_eq!(
            p,
            Placed {
                inbox: 0,
                spam: 0,
                missing: 40
            }
        );
        for (d, s, def, e, w) in [
            (7, 3, 1, 1, 33.3),
            (1, 0, 0, 0, 0.0),
            (999, 1, 5000, 7, 12.5),
        ] {
            let p = place(&day(d, s, def, e), w);
            assert_eq!(p.inbox + p.spam, d + s);
            assert_eq!(p.missing, e);
        }
        assert_eq!(Placed::default().percentages(), (0.0, 0.0, 0.0));
        let (i, s, m) = Placed {
            inbox: 3,
            spam: 1,
            missing: 0,
        }
        .percentages();
        assert_eq!((i, s, m), (75.0, 25.0, 0.0));
    }

    #[test]
    fn a_share_of_a_day_keeps_its_count() {
        let p = place_share(100, None);
        assert_eq!(
            p,
            Placed {
                inbox: 75,
                spam: 25,
                missing: 0
            }
        );
        let series = IspSeries {
            mail: Mail {
                demand: vec![100],
                sent_dedicated: vec![80],
                retried: vec![0],
                sent_shared: vec![0],
                deferred: vec![20],
                expired: vec![20],
            },
            queued: vec![0],
            effective_daily_rate: vec![Some(80)],
            warmup_percentage: vec![100.0],
            capacity_warmup_percentage: vec![100.0],
        };
        for n in [0, 1, 3, 10, 1000] {
            let p = place_share(n, Some((&series, 0)));
            assert_eq!(p.inbox + p.spam + p.missing, n);
        }
    }

    #[test]
    fn the_subscription_runs_to_the_months_end() {
        let d = |s: &str| s.parse::<Date>().unwrap();
        assert_eq!(month_end(d("2026-01-15")), d("2026-02-01"));
        assert_eq!(month_end(d("2026-12-31")), d("2027-01-01"));
        let mut dash = Dashboard {
            enabled: true,
            expires: None,
            domains: vec![TrackedDomain {
                domain: "example.com".into(),
                start: Timestamp::UNIX_EPOCH,
                global: None,
                tracked_isps: vec![],
                expires: None,
            }],
        };
        assert_eq!(dash.status(d("2026-01-15")), Status::Active);
        assert!(dash.tracks("example.com", d("2026-01-15")));
        dash.enabled = false;
        dash.expires = Some(d("2026-02-01"));
        assert_eq!(
            dash.status(d("2026-01-31")),
            Status::PendingExpiration(d("2026-02-01"))
        );
        assert_eq!(dash.domains_on(d("2026-01-31")).1.len(), 1);
        assert_eq!(dash.status(d("2026-02-01")), Status::Disabled);
        assert!(!dash.tracks("example.com", d("2026-02-01")));
        assert_eq!(
            Dashboard::default().status(d("2026-01-01")),
            Status::Disabled
        );
    }

    #[test]
    fn ranges_are_at_most_thirty_days() {
        let t = |s: &str| s.parse::<Timestamp>().unwrap();
        assert!(check_range(t("2026-01-01T00:00:00Z"), t("2026-01-31T23:00:00Z")).is_ok());
        let e = check_range(t("2026-01-01T00:00:00Z"), t("2026-02-01T00:00:00Z")).unwrap_err();
        assert!(e.message.contains("30 days"), "{}", e.message);
        let e = check_range(t("2026-01-02T00:00:00Z"), t("2026-01-01T00:00:00Z")).unwrap_err();
        assert!(e.message.contains("on or after"), "{}", e.message);
    }

    #[test]
    fn an_isp_lists_a_pool_after_expiry_in_the_last_thirty_days() {
        let dates: Vec<Date> = (1..=40)
            .map(|i| Date::new(2026, 1, 1).unwrap() + jiff::Span::new().days(i - 1))
            .collect();
        let mut expired = vec![0u64; 40];
        expired[5] = 9; // outside the last 30 days
        let series = |expired: Vec<u64>| IspSeries {
            mail: Mail {
                demand: vec![0; 40],
                sent_dedicated: vec![0; 40],
                retried: vec![0; 40],
                sent_shared: vec![0; 40],
                deferred: vec![1; 40],
                expired,
            },
            queued: vec![0; 40],
            effective_daily_rate: vec![None; 40],
            warmup_percentage: vec![0.0; 40],
            capacity_warmup_percentage: vec![0.0; 40],
        };
        let old = series(expired.clone());
        expired[20] = 3;
        expired[30] = 4;
        let recent = series(expired);
        let isps = BTreeMap::from([("gmail".to_string(), recent), ("yahoo".to_string(), old)]);
        let l = listings(&dates, &isps, "p");
        assert_eq!(l.len(), 1);
        assert_eq!(l[0].rbl, "sesm-estimate-gmail");
        assert_eq!(l[0].day, dates[30]);
        assert!(l[0].description.starts_with("Estimate: "));
    }
}
