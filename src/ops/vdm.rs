//! Virtual Deliverability Manager: `PutAccountVdmAttributes`, GetAccount's `VdmAttributes`,
//! `BatchGetMetricData`, `GetMessageInsights` and `GetEmailAddressInsights` (rules Q1–Q12 in
//! `model::vdm`). Metrics and insights are read from the event log, which the door hands over:
//! each published event of a message is what SES's VDM would have seen of it.

use std::collections::BTreeMap;

use jiff::Timestamp;
use jiff::civil::Date;
use serde_json::Value;

use crate::error::{Error, Result};
use crate::model::event::EventType;
use crate::model::publishing::EventRecord;
use crate::model::sending::SIMULATOR_DOMAIN;
use crate::model::vdm::{self, Fact, Metric, Query, VdmAttributes};
use crate::model::{Region, State};

/// PutAccountVdmAttributes: replaces the region's attributes.
pub fn put_attributes(s: &mut State, region: &str, a: VdmAttributes) -> Result<()> {
    s.region_mut(region).insights.vdm = Some(a);
    Ok(())
}

/// GetAccount's `VdmAttributes`: as last set, or VDM disabled.
pub fn attributes(s: &State, region: &str) -> VdmAttributes {
    s.region(region).insights.vdm.clone().unwrap_or_default()
}

/// The ISPs with which SES has a feedback loop, of sesm's ISP table *(sesm: Gmail sends no
/// per-message complaints, only Postmaster Tools' rates; `other` is unknown)* (Q9).
const NO_FEEDBACK_LOOP: [&str; 2] = ["gmail", "other"];

/// An event's JSON, parsed (the log keeps it as text).
fn parsed(e: &EventRecord) -> Value {
    serde_json::from_str(e.event.get()).unwrap_or(Value::Null)
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .map(|a| {
            a.iter()
                .filter_map(|x| x.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

/// Whether a set's mail has its engagement tracked by VDM (Q5): the set's
/// `VdmOptions.DashboardOptions.EngagementMetrics` when it says, else the account's.
fn engagement(r: &Region, account: &VdmAttributes, set: &str) -> bool {
    let own = r
        .configuration_sets
        .get()
        .ok()
        .and_then(|sets| sets.get(set))
        .and_then(|cs| cs.options.get("VdmOptions"))
        .and_then(|o| o.pointer("/DashboardOptions/EngagementMetrics"))
        .and_then(Value::as_str)
        .map(|s| s == "ENABLED");
    own.unwrap_or(account.engagement_metrics == Some(true))
}

/// The facts VDM counts of the region's events (Q2, Q8, Q9): events of single-recipient
/// messages outside the mailbox simulator, bounces and complaints from the account-level
/// suppression list left out, opens and clicks only where engagement is tracked.
pub fn facts(s: &State, region: &str, events: &[EventRecord]) -> Vec<Fact> {
    let r = s.region(region);
    let account = attributes(s, region);
    let mut engaged: BTreeMap<String, bool> = BTreeMap::new();
    let mut out = Vec::new();
    for e in events.iter().filter(|e| e.region == region) {
        let v = parsed(e);
        let to = strings(&v["mail"]["destination"]);
        let [address] = to.as_slice() else { continue };
        let domain = crate::model::sending::domain_of(address).to_ascii_lowercase();
        if domain == SIMULATOR_DOMAIN {
            continue;
        }
        let set = e.configuration_set_name.clone();
        let tracked = *engaged
            .entry(set.clone())
            .or_insert_with(|| engagement(r, &account, &set));
        let isp = s.model.isp_of_domain(&domain).to_string();
        let mut metrics = Vec::new();
        let suppressed = |key: &str, sub: &str| v[key][sub] == "OnAccountSuppressionList";
        match EventType::parse(&e.event_type) {
            Some(EventType::Send) => metrics.push(Metric::Send),
            Some(EventType::Delivery) => {
                metrics.push(Metric::Delivery);
                let opens = tracked || !r.targets(&set, EventType::Open).is_empty();
                let clicks = tracked || !r.targets(&set, EventType::Click).is_empty();
                if opens {
                    metrics.push(Metric::DeliveryOpen);
                }
                if clicks {
                    metrics.push(Metric::DeliveryClick);
                }
                if !NO_FEEDBACK_LOOP.contains(&isp.as_str()) {
                    metrics.push(Metric::DeliveryComplaint);
                }
            }
            Some(EventType::Bounce) if !suppressed("bounce", "bounceSubType") => {
                metrics.push(if v["bounce"]["bounceType"] == "Permanent" {
                    Metric::PermanentBounce
                } else {
                    Metric::TransientBounce
                })
            }
            Some(EventType::Complaint) if !suppressed("complaint", "complaintSubType") => {
                metrics.push(Metric::Complaint)
            }
            Some(EventType::Open) if tracked => metrics.push(Metric::Open),
            Some(EventType::Click) if tracked => metrics.push(Metric::Click),
            _ => {}
        }
        let tenant = strings(&v["mail"]["tags"]["ses:tenant-name"])
            .into_iter()
            .next()
            .unwrap_or_default();
        for metric in metrics {
            out.push(Fact {
                date: e.date,
                metric,
                message_id: e.message_id.clone(),
                from: v["mail"]["source"].as_str().unwrap_or_default().to_string(),
                config_set: set.clone(),
                isp: isp.clone(),
                tenant: tenant.clone(),
            });
        }
    }
    out
}

/// The days a query's points may fall on: from the first day the region has metrics or
/// events of, to the account's clock (today, not yet simulated).
pub fn lived_days(s: &State, region: &str, facts: &[Fact]) -> Result<(Date, Date)> {
    let stored = s.region(region).metrics.get()?;
    let first_metric = stored
        .values()
        .filter_map(|m| m.dates.values().first().copied())
        .min();
    let first_fact = facts.iter().map(|f| f.date).min();
    let first = match (first_metric, first_fact) {
        (Some(a), Some(b)) => a.min(b),
        (Some(a), None) => a,
        (None, Some(b)) => b,
        (None, None) => s.date,
    };
    Ok((first.min(s.date), s.date))
}

/// One query's answer: its daily points, or SES's per-query error (`ACCESS_DENIED` while VDM
/// is disabled, Q10).
pub type Answer = std::result::Result<Vec<(Date, u64)>, (&'static str, String)>;

/// BatchGetMetricData over checked queries (Q3–Q7, Q10).
pub fn batch(
    s: &State,
    region: &str,
    queries: &[Query],
    events: &[EventRecord],
) -> Result<Vec<Answer>> {
    if !attributes(s, region).vdm_enabled {
        let why = "Virtual Deliverability Manager is not enabled for this account; enable it with PutAccountVdmAttributes.";
        return Ok(queries
            .iter()
            .map(|_| Err(("ACCESS_DENIED", why.to_string())))
            .collect());
    }
    let facts = facts(s, region, events);
    let (first, last) = lived_days(s, region, &facts)?;
    Ok(queries
        .iter()
        .map(|q| Ok(vdm::points(&facts, q, first, last)))
        .collect())
}

/// Q4: the batch's size and unique query IDs.
pub fn check_batch(queries: &[Query]) -> Result<()> {
    if queries.is_empty() || queries.len() > vdm::MAX_QUERIES {
        return Err(Error::bad_request(format!(
            "1 validation error detected: Value at 'queries' failed to satisfy constraint: Member must have length between 1 and {}",
            vdm::MAX_QUERIES
        )));
    }
    let mut ids = std::collections::BTreeSet::new();
    for q in queries {
        if q.id.is_empty() || q.id.chars().count() > vdm::MAX_ID_CHARS {
            return Err(crate::model::rules::length_error(
                "queries.member.id",
                vdm::MAX_ID_CHARS,
            ));
        }
        if !ids.insert(q.id.as_str()) {
            return Err(Error::bad_request(format!(
                "Query Id '{}' is used more than once in the batch.",
                q.id
            )));
        }
        vdm::check_window(q.start, q.end)?;
    }
    Ok(())
}

/// One recipient's story in GetMessageInsights.
#[derive(Debug, Clone, PartialEq)]
pub struct RecipientInsights {
    pub destination: String,
    pub isp: String,
    pub events: Vec<InsightEvent>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct InsightEvent {
    pub time: Timestamp,
    /// `SEND`, `DELIVERY`, … (botocore's `EventType`).
    pub kind: &'static str,
    /// A bounce's type, subtype and diagnostic.
    pub bounce: Option<(String, String, String)>,
    /// A complaint's subtype and feedback type.
    pub complaint: Option<(String, String)>,
}

/// GetMessageInsights' answer.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct MessageInsights {
    pub message_id: String,
    pub from: String,
    pub subject: Option<String>,
    pub tags: Vec<(String, String)>,
    pub insights: Vec<RecipientInsights>,
}

/// The recipients one event concerns: those its own object lists, else every destination.
fn concerned(v: &Value, kind: EventType, to: &[String]) -> Vec<String> {
    let listed = |key: &str, member: &str| -> Vec<String> {
        v[key][member]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|r| {
                        r.as_str()
                            .or_else(|| r["emailAddress"].as_str())
                            .map(str::to_string)
                    })
                    .collect()
            })
            .unwrap_or_default()
    };
    let own = match kind {
        EventType::Delivery => listed("delivery", "recipients"),
        EventType::Bounce => listed("bounce", "bouncedRecipients"),
        EventType::Complaint => listed("complaint", "complainedRecipients"),
        EventType::DeliveryDelay => listed("deliveryDelay", "delayedRecipients"),
        _ => Vec::new(),
    };
    if own.is_empty() { to.to_vec() } else { own }
}

/// An event's own timestamp (`delivery.timestamp`, …; a Send's is its message's
/// `mail.timestamp`), else when sesm published it.
fn event_time(v: &Value, kind: EventType, e: &EventRecord) -> Timestamp {
    let key = match kind {
        EventType::Send => "mail".to_string(),
        EventType::DeliveryDelay => "deliveryDelay".to_string(),
        EventType::RenderingFailure => "failure".to_string(),
        other => other.event_name().to_ascii_lowercase(),
    };
    v[key.as_str()]["timestamp"]
        .as_str()
        .and_then(|t| t.parse().ok())
        .unwrap_or(e.time)
}

/// Q11: a message's events per recipient, from the event log, with the ISP of each
/// recipient and the tags of its events (`ses:outgoing-ip` among them); NotFound when the log
/// holds nothing of it (its set published no events, or it is not a message of the region).
pub fn message_insights(
    s: &State,
    region: &str,
    id: &str,
    events: &[EventRecord],
) -> Result<MessageInsights> {
    let mine: Vec<&EventRecord> = events
        .iter()
        .filter(|e| e.region == region && e.message_id == id)
        .collect();
    if mine.is_empty() {
        return Err(Error::not_found(format!(
            "No insights exist for message {id}: sesm knows a message's events when its configuration set publishes them."
        ))
        .named(id));
    }
    insights_of(s, &mine)
}

/// One message's insights from its events (oldest first).
pub fn insights_of(s: &State, mine: &[&EventRecord]) -> Result<MessageInsights> {
    let mut out = MessageInsights {
        message_id: mine
            .first()
            .map(|e| e.message_id.clone())
            .unwrap_or_default(),
        ..Default::default()
    };
    let mut tags: BTreeMap<(String, String), ()> = BTreeMap::new();
    let mut per: BTreeMap<String, Vec<InsightEvent>> = BTreeMap::new();
    let mut order: Vec<String> = Vec::new();
    for &e in mine {
        let v = parsed(e);
        let Some(kind) = EventType::parse(&e.event_type) else {
            continue;
        };
        let to = strings(&v["mail"]["destination"]);
        if out.from.is_empty() {
            out.from = v["mail"]["source"].as_str().unwrap_or_default().to_string();
            out.subject = v["mail"]["commonHeaders"]["subject"]
                .as_str()
                .map(str::to_string);
            order.clone_from(&to);
        }
        if let Some(t) = v["mail"]["tags"].as_object() {
            for (name, values) in t {
                for value in strings(values) {
                    tags.insert((name.clone(), value), ());
                }
            }
        }
        let event = InsightEvent {
            time: event_time(&v, kind, e),
            kind: kind.as_str(),
            bounce: (kind == EventType::Bounce).then(|| {
                let diag = v["bounce"]["bouncedRecipients"][0]["diagnosticCode"]
                    .as_str()
                    .unwrap_or_default();
                (
                    v["bounce"]["bounceType"]
                        .as_str()
                        .unwrap_or("Undetermined")
                        .to_ascii_uppercase(),
                    v["bounce"]["bounceSubType"]
                        .as_str()
                        .unwrap_or_default()
                        .to_string(),
                    diag.to_string(),
                )
            }),
            complaint: (kind == EventType::Complaint).then(|| {
                (
                    v["complaint"]["complaintSubType"]
                        .as_str()
                        .unwrap_or_default()
                        .to_string(),
                    v["complaint"]["complaintFeedbackType"]
                        .as_str()
                        .unwrap_or_default()
                        .to_string(),
                )
            }),
        };
        for r in concerned(&v, kind, &to) {
            per.entry(r).or_default().push(event.clone());
        }
    }
    for r in per.keys() {
        if !order.contains(r) {
            order.push(r.clone());
        }
    }
    out.tags = tags.into_keys().collect();
    out.insights = order
        .into_iter()
        .map(|d| {
            let domain = crate::model::sending::domain_of(&d).to_ascii_lowercase();
            // In the log's order, which is the order they happened in (a simulated day's
            // timestamps and the wall clock's are not comparable).
            let events = per.remove(&d).unwrap_or_default();
            RecipientInsights {
                isp: s.model.isp_of_domain(&domain).to_string(),
                destination: d,
                events,
            }
        })
        .collect();
    Ok(out)
}

/// GetEmailAddressInsights' verdicts, each `LOW`, `MEDIUM` or `HIGH` confidence that the
/// statement holds (Q12).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddressInsights {
    pub is_valid: &'static str,
    pub has_valid_syntax: &'static str,
    pub has_valid_dns_records: &'static str,
    pub mailbox_exists: &'static str,
    pub is_role_address: &'static str,
    pub is_disposable: &'static str,
    pub is_random_input: &'static str,
}

/// Local parts that name a role rather than a person (RFC 2142's mailbox names and the
/// usual others).
const ROLE_PARTS: [&str; 14] = [
    "abuse",
    "admin",
    "billing",
    "contact",
    "hostmaster",
    "info",
    "marketing",
    "noc",
    "noreply",
    "no-reply",
    "postmaster",
    "sales",
    "security",
    "support",
];

/// Q12: what sesm can tell of an address without the network: its syntax (SES's address
/// rules), whether its domain is a mailbox provider of the ISP table (DNS records and the
/// mailbox are then likely, as sesm's model delivers there), the mailbox simulator's outcomes
/// (`bounce@` has no mailbox), a role local part, the suppression list.
pub fn address_insights(s: &State, region: &str, address: &str) -> Result<AddressInsights> {
    if address.is_empty() {
        return Err(Error::bad_request("EmailAddress must not be empty."));
    }
    let syntax = crate::model::sending::check_address(address, "email").is_ok();
    let domain = crate::model::sending::domain_of(address).to_ascii_lowercase();
    let local = address
        .rsplit_once('@')
        .map(|(l, _)| l.to_ascii_lowercase())
        .unwrap_or_default();
    let known = s.model.isp_of_domain(&domain) != crate::model::sending::OTHER_ISP;
    let simulator = domain == SIMULATOR_DOMAIN;
    let suppressed = s.region(region).get_suppressed(address).is_ok();
    let level = |b: bool| if b { "HIGH" } else { "LOW" };
    let dns = if !syntax {
        "LOW"
    } else if known || simulator {
        "HIGH"
    } else {
        "MEDIUM"
    };
    let exists = if !syntax || (simulator && local.starts_with("bounce")) || suppressed {
        "LOW"
    } else if known || simulator {
        "HIGH"
    } else {
        "MEDIUM"
    };
    let random = local.len() >= 16 && !local.contains(['.', '-', '_']);
    let valid = match (dns, exists) {
        ("HIGH", "HIGH") => "HIGH",
        ("LOW", _) | (_, "LOW") => "LOW",
        _ => "MEDIUM",
    };
    Ok(AddressInsights {
        is_valid: valid,
        has_valid_syntax: level(syntax),
        has_valid_dns_records: dns,
        mailbox_exists: exists,
        is_role_address: level(ROLE_PARTS.contains(&local.as_str())),
        is_disposable: "LOW",
        is_random_input: level(random),
    })
}

/// One ISP's row of the console's VDM view of a pool.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IspRow {
    pub isp: String,
    pub send: u64,
    pub delivery: u64,
    pub bounce: u64,
    pub complaint: u64,
}

/// The console's VDM view of a pool: per ISP, BatchGetMetricData's own counts (every day the
/// account has lived) summed over the configuration sets that send through the pool; `None`
/// while VDM is disabled. ISPs without mail are left out.
pub fn pool_view(
    s: &State,
    region: &str,
    sets: &[String],
    events: &[EventRecord],
) -> Result<Option<Vec<IspRow>>> {
    if !attributes(s, region).vdm_enabled {
        return Ok(None);
    }
    let (first, last) = lived_days(s, region, &[])?;
    let mut isps: Vec<String> = s.model.isp_names().map(str::to_string).collect();
    if !isps.iter().any(|i| i == crate::model::sending::OTHER_ISP) {
        isps.push(crate::model::sending::OTHER_ISP.to_string());
    }
    const METRICS: [Metric; 5] = [
        Metric::Send,
        Metric::Delivery,
        Metric::PermanentBounce,
        Metric::TransientBounce,
        Metric::Complaint,
    ];
    let mut queries = Vec::new();
    for isp in &isps {
        for set in sets {
            for metric in METRICS {
                queries.push(Query {
                    id: String::new(),
                    metric,
                    dimensions: [
                        (vdm::Dimension::ConfigurationSet, set.clone()),
                        (vdm::Dimension::Isp, isp.clone()),
                    ]
                    .into(),
                    start: first,
                    end: last,
                });
            }
        }
    }
    let mut answers = batch(s, region, &queries, events)?.into_iter();
    let mut rows = Vec::new();
    for isp in isps {
        let mut sums = [0u64; 5];
        for _ in sets {
            for sum in &mut sums {
                match answers.next() {
                    Some(Ok(points)) => *sum += points.iter().map(|p| p.1).sum::<u64>(),
                    _ => return Ok(None),
                }
            }
        }
        if sums.iter().any(|&n| n > 0) {
            rows.push(IspRow {
                isp,
                send: sums[0],
                delivery: sums[1],
                bounce: sums[2] + sums[3],
                complaint: sums[4],
            });
        }
    }
    Ok(Some(rows))
}
