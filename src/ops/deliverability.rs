//! The Deliverability dashboard: `PutDeliverabilityDashboardOption`,
//! `GetDeliverabilityDashboardOptions`, `GetDomainStatisticsReport`,
//! `ListDomainDeliverabilityCampaigns`, `GetDomainDeliverabilityCampaign`,
//! `CreateDeliverabilityTestReport`, `GetDeliverabilityTestReport`,
//! `ListDeliverabilityTestReports`, `GetBlacklistReports` (rules D1–D8 in
//! `model::deliverability`). Every figure is the model's estimate (`warmup-model.md`,
//! "Deliverability estimates"): a domain's mail is its pool's, placed per ISP and day.

use std::collections::BTreeMap;
use std::net::Ipv4Addr;

use jiff::Timestamp;
use jiff::civil::Date;

use super::{Page, Paging, page};
use crate::error::{Error, Result};
use crate::model::deliverability::{
    self as d, Dashboard, Listing, Placed, TestReport, TrackedDomain,
};
use crate::model::metrics::{IspSeries, PoolSeries};
use crate::model::sending::{Outgoing, SentMessage, address_of};
use crate::model::{Region, State, Tags};

/// One domain of PutDeliverabilityDashboardOption's `SubscribedDomains`.
#[derive(Debug, Clone, Default)]
pub struct DomainOption {
    pub domain: String,
    pub start: Option<Timestamp>,
    pub global: Option<bool>,
    pub tracked_isps: Vec<String>,
}

/// PutDeliverabilityDashboardOption (D1, D2).
pub fn put_dashboard(
    s: &mut State,
    region: &str,
    enabled: bool,
    domains: Vec<DomainOption>,
    now: Timestamp,
) -> Result<()> {
    let today = s.date;
    let isps: Vec<String> = s.model.isps.iter().map(|i| i.isp.clone()).collect();
    let r = s.region(region);
    let mut seen = Vec::new();
    for o in &domains {
        // D1: each a domain identity of the region, once, tracking ISPs the model has.
        if o.domain.is_empty() || o.domain.contains('@') {
            return Err(Error::bad_request(format!(
                "SubscribedDomains: '{}' is not a domain.",
                o.domain
            )));
        }
        if !r.identities.contains(&o.domain)? {
            return Err(Error::not_found(format!(
                "Domain {} is not a verified identity of this account in region {region}.",
                o.domain
            )));
        }
        if seen.contains(&o.domain) {
            return Err(Error::bad_request(format!(
                "SubscribedDomains names {} twice.",
                o.domain
            )));
        }
        seen.push(o.domain.clone());
        if let Some(bad) = o.tracked_isps.iter().find(|i| !isps.contains(i)) {
            return Err(Error::bad_request(format!(
                "TrackedIsps: '{bad}' is not an ISP sesm models; use {}.",
                isps.join(", ")
            )));
        }
    }
    let old = r.dashboard();
    let end = d::month_end(today);
    let mut kept: Vec<TrackedDomain> = Vec::new();
    for o in domains.iter().filter(|_| enabled) {
        let before = old
            .domains
            .iter()
            .find(|t| t.domain == o.domain && t.expires.is_none_or(|e| today < e));
        kept.push(TrackedDomain {
            domain: o.domain.clone(),
            start: o.start.or(before.map(|b| b.start)).unwrap_or(now),
            global: o.global,
            tracked_isps: o.tracked_isps.clone(),
            expires: None,
        });
    }
    // D2: a domain left out (or every domain, when the dashboard is turned off) stays tracked
    // until the month ends, as SES bills and keeps it.
    for t in old
        .domains
        .iter()
        .filter(|t| t.expires.is_none_or(|e| today < e))
    {
        if !kept.iter().any(|k| k.domain == t.domain) {
            kept.push(TrackedDomain {
                expires: Some(t.expires.unwrap_or(end)),
                ..t.clone()
            });
        }
    }
    let was_on = old.status(today) != d::Status::Disabled;
    let dashboard = Dashboard {
        enabled,
        expires: match (enabled, was_on) {
            (true, _) => None,
            (false, true) => Some(old.expires.unwrap_or(end)),
            (false, false) => None,
        },
        domains: if enabled || was_on { kept } else { Vec::new() },
    };
    s.region_mut(region).deliverability_dashboard = Some(dashboard);
    Ok(())
}

/// GetDeliverabilityDashboardOptions' answer.
#[derive(Debug, Clone)]
pub struct DashboardView {
    pub enabled: bool,
    pub status: &'static str,
    pub expiry: Option<Timestamp>,
    pub active: Vec<TrackedDomain>,
    pub pending: Vec<TrackedDomain>,
}

/// GetDeliverabilityDashboardOptions.
pub fn get_dashboard(s: &State, region: &str) -> DashboardView {
    let dash = s.region(region).dashboard();
    let status = dash.status(s.date);
    let (active, pending) = dash.domains_on(s.date);
    let expiry = match status {
        d::Status::PendingExpiration(end) => Some(d::start_of(end)),
        _ => None,
    };
    DashboardView {
        enabled: dash.enabled,
        status: status.as_str(),
        expiry,
        active: active.into_iter().cloned().collect(),
        pending: pending.into_iter().cloned().collect(),
    }
}

/// The pool a sender's mail goes through by default.
fn sender_pool(s: &State, region: &str, from: &str) -> Result<String> {
    s.region(region).default_pool_of(from)
}

/// A pool's stored days, parsed.
fn series(r: &Region, pool: &str) -> Result<Option<PoolSeries>> {
    Ok(r.metrics.get()?.get(pool).map(|m| m.series()))
}

/// The model's ISPs (the table's `other` is no mailbox provider a panel holds).
fn panel(s: &State) -> Vec<String> {
    s.model
        .isps
        .iter()
        .map(|i| i.isp.clone())
        .filter(|i| i != "other")
        .collect()
}

/// One day of a domain's statistics: its pool's mail per ISP, placed.
#[derive(Debug, Clone)]
pub struct DailyPlacement {
    pub date: Date,
    pub isps: Vec<(String, Placed)>,
}

/// GetDomainStatisticsReport (D3–D5): every day of the range the model simulated, the domain's
/// pool's mail per ISP placed.
pub fn domain_statistics(
    s: &State,
    region: &str,
    domain: &str,
    start: Timestamp,
    end: Timestamp,
) -> Result<Vec<DailyPlacement>> {
    let (from, to) = d::check_range(start, end)?;
    let r = s.region(region);
    if !r.subscribed_dashboard(s.date)?.tracks(domain, s.date) {
        return Err(d::domain_not_tracked(domain));
    }
    let pool = sender_pool(s, region, &format!("deliverability@{domain}"))?;
    let Some(ps) = series(r, &pool)? else {
        return Ok(Vec::new());
    };
    Ok(ps
        .dates
        .iter()
        .enumerate()
        .filter(|(_, day)| (from..=to).contains(*day))
        .map(|(i, day)| DailyPlacement {
            date: *day,
            isps: ps
                .isps
                .iter()
                .map(|(isp, sr)| (isp.clone(), d::place(&sr.day(i), sr.warmup_percentage[i])))
                .filter(|(_, p)| *p != Placed::default())
                .collect(),
        })
        .collect())
}

/// A campaign: the domain's messages of one sender and subject (D6).
#[derive(Debug, Clone)]
pub struct Campaign {
    pub id: String,
    pub subject: Option<String>,
    pub from: String,
    pub sending_ips: Vec<Ipv4Addr>,
    pub first_seen: Timestamp,
    pub last_seen: Timestamp,
    pub placed: Placed,
    pub volume: u64,
    pub isps: Vec<String>,
}

fn campaign_id(region: &str, from: &str, subject: Option<&str>) -> String {
    use sha2::{Digest, Sha256};
    let h = Sha256::digest(format!("{region}\n{from}\n{}", subject.unwrap_or("")).as_bytes());
    h.iter().take(16).map(|b| format!("{b:02x}")).collect()
}

/// Whether `address` is of `domain` or one of its subdomains.
fn of_domain(address: &str, domain: &str) -> bool {
    crate::model::names::in_domain(crate::model::sending::domain_of(address), domain)
}

/// The campaigns of the kept mail (the outbox) in `region`, of the subscribed domains named.
fn campaigns_of(
    s: &State,
    region: &str,
    journal: &[SentMessage],
    domains: &[String],
    days: Option<(Date, Date)>,
) -> Result<Vec<Campaign>> {
    let r = s.region(region);
    let mut by_id: BTreeMap<String, Campaign> = BTreeMap::new();
    let mut pools: BTreeMap<String, Option<PoolSeries>> = BTreeMap::new();
    let known = panel(s);
    for m in journal
        .iter()
        .filter(|m| m.seq > s.outbox_from && m.region == region)
    {
        let from = address_of(&m.from).unwrap_or_else(|| m.from.clone());
        if !domains.iter().any(|dm| of_domain(&from, dm))
            || days.is_some_and(|(a, b)| !(a..=b).contains(&m.date))
        {
            continue;
        }
        if !pools.contains_key(&m.pool) {
            pools.insert(m.pool.clone(), series(r, &m.pool)?);
        }
        let ps = pools[&m.pool].as_ref();
        let index = ps.and_then(|p| p.dates.iter().position(|x| *x == m.date));
        let id = campaign_id(region, &from, m.subject.as_deref());
        let c = by_id.entry(id.clone()).or_insert_with(|| Campaign {
            id,
            subject: m.subject.clone(),
            from: from.clone(),
            sending_ips: r.ips_of_pool(&m.pool).map(|(ip, _)| *ip).collect(),
            first_seen: m.time,
            last_seen: m.time,
            placed: Placed::default(),
            volume: 0,
            isps: Vec::new(),
        });
        c.first_seen = c.first_seen.min(m.time);
        c.last_seen = c.last_seen.max(m.time);
        for (isp, n) in m
            .isps
            .iter()
            .filter(|(i, _)| known.contains(i) || *i == "other")
        {
            let day: Option<(&IspSeries, usize)> = ps
                .and_then(|p| p.isps.get(isp))
                .and_then(|sr| index.map(|i| (sr, i)));
            c.placed.add(&d::place_share(*n, day));
            c.volume = c.volume.saturating_add(*n);
            if !c.isps.contains(isp) {
                c.isps.push(isp.clone());
            }
        }
    }
    let mut out: Vec<Campaign> = by_id.into_values().collect();
    out.sort_by(|a, b| a.first_seen.cmp(&b.first_seen).then(a.id.cmp(&b.id)));
    Ok(out)
}

/// ListDomainDeliverabilityCampaigns (D3–D6).
pub fn list_campaigns(
    s: &State,
    region: &str,
    journal: &[SentMessage],
    domain: &str,
    start: Timestamp,
    end: Timestamp,
    paging: &Paging,
) -> Result<Page<Campaign>> {
    let range = d::check_range(start, end)?;
    if !s
        .region(region)
        .subscribed_dashboard(s.date)?
        .tracks(domain, s.date)
    {
        return Err(d::domain_not_tracked(domain));
    }
    let all = campaigns_of(s, region, journal, &[domain.to_string()], Some(range))?;
    let items = all
        .into_iter()
        .map(|c| {
            (
                format!("{:020}-{}", c.first_seen.as_nanosecond().max(0), c.id),
                c,
            )
        })
        .collect();
    page("campaigns", items, paging)
}

/// GetDomainDeliverabilityCampaign (D5, D6): a campaign of any subscribed domain.
pub fn get_campaign(
    s: &State,
    region: &str,
    journal: &[SentMessage],
    id: &str,
) -> Result<Campaign> {
    let dash = s.region(region).subscribed_dashboard(s.date)?;
    let (active, pending) = dash.domains_on(s.date);
    let domains: Vec<String> = active
        .iter()
        .chain(&pending)
        .map(|t| t.domain.clone())
        .collect();
    campaigns_of(s, region, journal, &domains, None)?
        .into_iter()
        .find(|c| c.id == id)
        .ok_or_else(|| Error::not_found(format!("Campaign {id} does not exist.")))
}

/// CreateDeliverabilityTestReport's request, its content already read.
#[derive(Debug, Clone, Default)]
pub struct NewTest {
    pub name: Option<String>,
    pub from: String,
    pub subject: Option<String>,
    pub template: Option<String>,
    pub message: String,
    pub tags: Vec<(String, String)>,
}

fn report_id(region: &str, from: &str, now: Timestamp) -> String {
    use sha2::{Digest, Sha256};
    let h = Sha256::digest(format!("{region}\n{from}\n{}", now.as_nanosecond()).as_bytes());
    h.iter().take(16).map(|b| format!("{b:02x}")).collect()
}

/// CreateDeliverabilityTestReport (D5, D7): the sender checked as a send's (verified, sending
/// on), kept with its pool and day; its ID.
pub fn create_test(s: &mut State, region: &str, t: NewTest, now: Timestamp) -> Result<String> {
    let r = s.region(region);
    r.subscribed_dashboard(s.date)?;
    crate::model::tags::check_message_tags(&t.tags)?;
    let subject = match &t.template {
        Some(name) => r.existing_template(name)?.content.subject,
        None => t.subject.clone(),
    };
    let msg = Outgoing {
        from: t.from.clone(),
        to: vec!["inbox-placement@example.com".to_string()],
        count: 1,
        ..Outgoing::default()
    };
    let route = r.check_and_route(&s.model, region, &msg)?;
    let dkim = r.dkim_signs(&route.from)?;
    let id = report_id(region, &t.from, now);
    let report = TestReport {
        name: t.name,
        subject,
        from: t.from,
        created: now,
        date: s.date,
        pool: route.pool,
        dkim,
        message: t.message,
        tags: t.tags.into_iter().collect::<Tags>(),
    };
    s.region_mut(region)
        .deliverability_tests
        .insert(id.clone(), report);
    Ok(id)
}

/// Placement percentages of a test, per ISP and overall.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct PlacementStats {
    pub inbox: f64,
    pub spam: f64,
    pub missing: f64,
    pub spf: f64,
    pub dkim: f64,
}

/// GetDeliverabilityTestReport's answer.
#[derive(Debug, Clone)]
pub struct TestView {
    pub id: String,
    pub report: TestReport,
    pub status: &'static str,
    pub overall: Option<PlacementStats>,
    pub isps: Vec<(String, PlacementStats)>,
}

/// GetDeliverabilityTestReport (D6, D7): once its day is simulated, the model's placement of
/// its pool's mail to each ISP that day (the last simulated day before, when the pool sent
/// nothing that day; a cold IP's when never).
pub fn get_test(s: &State, region: &str, id: &str) -> Result<TestView> {
    let r = s.region(region);
    let report = r
        .deliverability_tests
        .get(id)
        .cloned()
        .ok_or_else(|| d::not_found_report(id))?;
    let status = report.status(s.date);
    let mut isps = Vec::new();
    if status == "COMPLETED" {
        let ps = series(r, &report.pool)?;
        for isp in panel(s) {
            let day = ps.as_ref().and_then(|p| {
                let sr = p.isps.get(&isp)?;
                let i = (0..p.dates.len())
                    .rev()
                    .find(|&i| p.dates[i] <= report.date && sr.day(i).demand > 0)?;
                Some((sr, i))
            });
            let (inbox, spam, missing) = d::place_share(10_000, day).percentages();
            isps.push((
                isp,
                PlacementStats {
                    inbox,
                    spam,
                    missing,
                    spf: 100.0,
                    dkim: if report.dkim { 100.0 } else { 0.0 },
                },
            ));
        }
    }
    let overall = (!isps.is_empty()).then(|| {
        let n = isps.len() as f64;
        let mean = |f: fn(&PlacementStats) -> f64| isps.iter().map(|(_, p)| f(p)).sum::<f64>() / n;
        PlacementStats {
            inbox: mean(|p| p.inbox),
            spam: mean(|p| p.spam),
            missing: mean(|p| p.missing),
            spf: mean(|p| p.spf),
            dkim: mean(|p| p.dkim),
        }
    });
    Ok(TestView {
        id: id.to_string(),
        report,
        status,
        overall,
        isps,
    })
}

/// ListDeliverabilityTestReports: by creation time, paged.
pub fn list_tests(
    s: &State,
    region: &str,
    paging: &Paging,
) -> Result<Page<(String, TestReport, &'static str)>> {
    let today = s.date;
    let items = s
        .region(region)
        .deliverability_tests
        .iter()
        .map(|(id, t)| {
            (
                format!("{:020}-{id}", t.created.as_nanosecond().max(0)),
                (id.clone(), t.clone(), t.status(today)),
            )
        })
        .collect::<BTreeMap<_, _>>()
        .into_iter()
        .collect();
    page("deliverability-test-reports", items, paging)
}

/// The listings of a pool's IPs (D8).
pub fn pool_listings(r: &Region, pool: &str) -> Result<Vec<Listing>> {
    Ok(match series(r, pool)? {
        Some(ps) => d::listings(&ps.dates, &ps.isps, pool),
        None => Vec::new(),
    })
}

/// GetBlacklistReports (D5, D8): each item a dedicated IP of the region, with its pool's
/// listings.
pub fn blacklist(
    s: &State,
    region: &str,
    items: &[String],
) -> Result<BTreeMap<String, Vec<Listing>>> {
    let r = s.region(region);
    r.subscribed_dashboard(s.date)?;
    if items.is_empty() {
        return Err(Error::bad_request("BlacklistItemNames is required."));
    }
    let mut out = BTreeMap::new();
    for item in items {
        let ip: Ipv4Addr = item.parse().map_err(|_| {
            Error::bad_request(format!(
                "BlacklistItemNames: '{item}' is not an IPv4 address."
            ))
        })?;
        let owned = r.ips.get(&ip).ok_or_else(|| {
            Error::not_found(format!(
                "{ip} is not a dedicated IP address of this account in region {region}."
            ))
        })?;
        out.insert(item.clone(), pool_listings(r, &owned.pool)?);
    }
    Ok(out)
}

/// The pools of the region whose IPs are listed (for ListRecommendations' IP_LISTING).
pub fn listed_pools(r: &Region) -> Result<Vec<String>> {
    let mut pools: Vec<String> = r.ips.values().map(|ip| ip.pool.clone()).collect();
    pools.sort();
    pools.dedup();
    let mut out = Vec::new();
    for p in pools {
        if !pool_listings(r, &p)?.is_empty() {
            out.push(p);
        }
    }
    Ok(out)
}
