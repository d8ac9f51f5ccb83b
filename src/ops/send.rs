//! Sending mail: `SendEmail` and `SendBulkEmail` (and `sesm send`), `sesm send --explain`,
//! and the outbox of accepted messages (`sesm outbox`, `/_sesm/outbox`). The checks and the
//! routing are `model::sending`'s; accepting a message returns its record, which the front end
//! hands to `store::Store::send` to make it durable.

use std::collections::BTreeMap;

use jiff::Timestamp;
use jiff::civil::Date;
use serde::Serialize;

use crate::error::{Error, Result};
use crate::model::State;
use crate::model::message::Body;
use crate::model::sending::{
    Outgoing, Route, SentMessage, SetSource, address_matches, simulator_outcome,
};
use crate::sim::{self, Demand};

/// One recipient and the ISP its domain belongs to.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Recipient {
    pub address: String,
    pub isp: String,
}

/// `sesm send`: the message as accepted.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Sent {
    pub message_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub configuration_set_name: Option<String>,
    pub configuration_set_source: SetSource,
    pub pool_name: String,
    pub recipients: Vec<Recipient>,
    pub count: u64,
}

/// A message ID as unique as SES's: the time, a per-process random part, and the sequence.
fn message_id(now: Timestamp, seq: u64) -> String {
    use std::hash::BuildHasher;
    let random = std::collections::hash_map::RandomState::new().hash_one((now, seq));
    format!(
        "{:016x}-{:08x}-{:04x}-{:012x}-000000",
        now.as_nanosecond() as u64,
        random as u32,
        (random >> 32) as u16,
        seq
    )
}

fn recipients(route: &Route) -> Vec<Recipient> {
    route
        .recipients
        .iter()
        .map(|(a, i)| Recipient {
            address: a.clone(),
            isp: i.clone(),
        })
        .collect()
}

/// The record of an accepted message.
fn record(
    s: &State,
    region: &str,
    msg: &Outgoing,
    route: &Route,
    seq: u64,
    now: Timestamp,
) -> SentMessage {
    let count = msg.count.max(1);
    let id = message_id(now, seq);
    let mime = super::mime::mime(
        &msg.body,
        &super::mime::Envelope {
            from: &msg.from,
            to: &msg.to,
            cc: &msg.cc,
            message_id: &id,
            time: now,
        },
    );
    SentMessage {
        seq,
        size: mime.len() as u64,
        message_id: id,
        time: now,
        date: s.date,
        region: region.to_string(),
        from: route.from.clone(),
        to: msg.to.clone(),
        cc: msg.cc.clone(),
        bcc: msg.bcc.clone(),
        subject: msg.subject.clone(),
        configuration_set: route.config_set.clone(),
        configuration_set_source: route.source,
        pool: route.pool.clone(),
        isps: route.isps(count),
        simulator: route
            .recipients
            .iter()
            .filter_map(|(a, _)| Some((a.clone(), simulator_outcome(a)?.to_string())))
            .collect(),
        count,
        rendering_failure: None,
        tenant: msg.tenant.clone(),
        endpoint: msg.endpoint.clone(),
        suppressed: route
            .recipients
            .iter()
            .filter(|(_, isp)| isp == crate::model::sending::SUPPRESSED)
            .map(|(a, _)| a.clone())
            .collect(),
        unsubscribed: Vec::new(),
        template_name: None,
        publishes: false,
        event_mail: None,
        live: Vec::new(),
        mime: std::sync::Arc::new(mime),
        tags: msg.tags.clone(),
        call: msg.call,
    }
}

/// The most identical copies one `sesm send` may send.
pub const MAX_COUNT: u64 = 1_000_000;

/// `--count`: sesm's own parameter (SendEmail sends one), so a bad value is 252.
fn check_count(count: u64) -> Result<()> {
    if !(1..=MAX_COUNT).contains(&count) {
        return Err(Error::invalid(format!(
            "--count must be from 1 to {MAX_COUNT}, not {count}"
        )));
    }
    Ok(())
}

/// SendEmail (and `sesm send`): SES's checks and routing; the accepted message's record
/// (numbered after the state's last) and the reply.
pub fn send(
    s: &State,
    region: &str,
    msg: &Outgoing,
    now: Timestamp,
) -> Result<(Vec<SentMessage>, Sent)> {
    check_count(msg.count)?;
    super::policy::authorize(s, region, msg, now)?;
    let route = s.region(region).check_and_route(&s.model, region, msg)?;
    check_tenant(s, region, msg, &route)?;
    let m = record(s, region, msg, &route, s.sent_seq + 1, now);
    let m = super::contact_list::list_management(s, region, msg, &route, m)?;
    let reply = Sent {
        message_id: m.message_id.clone(),
        configuration_set_name: route.config_set.clone(),
        configuration_set_source: route.source,
        pool_name: route.pool.clone(),
        recipients: recipients(&route),
        count: m.count,
    };
    Ok((vec![m], reply))
}

/// N7: a send through a tenant uses the tenant's identity (the sender's address or its
/// domain), configuration set and stored template.
fn check_tenant(s: &State, region: &str, msg: &Outgoing, route: &Route) -> Result<()> {
    let Some(tenant) = &msg.tenant else {
        return Ok(());
    };
    let domain = route.from.rsplit_once('@').map(|x| x.1.to_string());
    let identities: Vec<String> = std::iter::once(route.from.clone()).chain(domain).collect();
    s.region(region).check_tenant_send(
        tenant,
        &s.account_id,
        region,
        &identities,
        route.config_set.as_deref(),
        msg.stored_template.as_deref(),
    )
}

/// One entry of SendBulkEmail's reply.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct BulkResult {
    pub status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message_id: Option<String>,
}

/// SendBulkEmail: the sender and configuration set are checked for the whole request (an
/// unverified sender or a missing set refuses it all, as SES does); each destination is
/// routed on its own and answers SUCCESS or INVALID_PARAMETER.
pub fn send_bulk(
    s: &State,
    region: &str,
    template: &Outgoing,
    destinations: &[(super::message::Recipients, Body)],
    now: Timestamp,
) -> Result<(Vec<SentMessage>, Vec<BulkResult>)> {
    // The member as the request's API names it: v1's `Destinations`, SESv2's `BulkEmailEntries`.
    let member = match template.call.operation {
        "SendBulkTemplatedEmail" => "Destinations",
        _ => "BulkEmailEntries",
    };
    if destinations.is_empty() {
        return Err(Error::bad_request(format!(
            "{member} must have at least one entry."
        )));
    }
    if destinations.len() > 50 {
        return Err(Error::bad_request(format!(
            "{member} has {} entries; SES takes at most 50.",
            destinations.len()
        )));
    }
    super::policy::authorize(s, region, template, now)?;
    let r = s.region(region);
    // The request-wide checks, on a message with a placeholder recipient.
    let probe = Outgoing {
        to: vec!["probe@example.com".into()],
        cc: Vec::new(),
        bcc: Vec::new(),
        ..template.clone()
    };
    match r.check_and_route(&s.model, region, &probe) {
        // A paused account or set refuses each entry (SESv2's BulkEmailStatus), not the call.
        Err(e) if e.kind == crate::error::Kind::Ses(crate::error::SesCode::SendingPaused) => {
            let status = if r.sending_enabled {
                "CONFIGURATION_SET_SENDING_PAUSED"
            } else {
                "ACCOUNT_SENDING_PAUSED"
            };
            let results = destinations
                .iter()
                .map(|_| BulkResult {
                    status,
                    error: Some(e.message.clone()),
                    message_id: None,
                })
                .collect();
            return Ok((Vec::new(), results));
        }
        // The whole request uses the tenant's resources, or none of it is sent (N7).
        Ok(route) => check_tenant(s, region, &probe, &route)?,
        Err(e) => return Err(e),
    };
    let mut sent = Vec::new();
    let mut results = Vec::new();
    for ((to, cc, bcc), body) in destinations {
        let subject = match body {
            Body::Simple(s) => s.subject.clone(),
            Body::Raw(_) => None,
        };
        let msg = Outgoing {
            to: to.clone(),
            cc: cc.clone(),
            bcc: bcc.clone(),
            count: 1,
            subject,
            body: body.clone(),
            ..template.clone()
        };
        match r.check_and_route(&s.model, region, &msg) {
            Ok(route) => {
                let seq = s.sent_seq + 1 + sent.len() as u64;
                let m = record(s, region, &msg, &route, seq, now);
                results.push(BulkResult {
                    status: "SUCCESS",
                    error: None,
                    message_id: Some(m.message_id.clone()),
                });
                sent.push(m);
            }
            Err(e) => results.push(BulkResult {
                status: "INVALID_PARAMETER",
                error: Some(e.message),
                message_id: None,
            }),
        }
    }
    Ok((sent, results))
}

/// What today's remaining capacity does with the message, for one ISP.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct IspFate {
    pub isp: String,
    pub recipients: u64,
    /// The day's demand of the pool for this ISP with the message (standing traffic, mail
    /// already sent today, and this message).
    pub demand_today: u64,
    /// The pool's effective daily rate for the ISP today (`null`: no cap).
    pub capacity_today: Option<u64>,
    /// DEDICATED, SHARED, DEFERRED, or MIXED when the message's copies split.
    pub outcome: &'static str,
    /// How the message's copies would go (the day with it minus the day without it).
    pub sent_dedicated: u64,
    pub sent_shared: u64,
    pub deferred: u64,
    pub expired: u64,
}

/// Another ISP's mail the message pushes off the pool's dedicated IPs today: a standard
/// pool's warming IPs share one cap over all ISPs, so one ISP's extra mail takes another's
/// place.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Displaced {
    pub isp: String,
    /// Messages of that ISP that no longer go dedicated today.
    pub messages: u64,
    /// Of those, the ones sent through shared IPs instead, and the ones deferred.
    pub sent_shared: u64,
    pub deferred: u64,
}

/// `sesm send --explain`: the route and why, sent nowhere.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Explanation {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub configuration_set_name: Option<String>,
    pub configuration_set_source: SetSource,
    pub pool_name: String,
    pub recipients: Vec<Recipient>,
    pub isps: Vec<IspFate>,
    /// The other ISPs whose mail this message displaces from dedicated IPs today.
    pub displaces: Vec<Displaced>,
    pub date: Date,
    pub count: u64,
}

/// Per ISP: the day's demand, the effective daily rate, and what happened to the mail.
type PoolDay = BTreeMap<String, (u64, Option<u64>, sim::Mail)>;

/// The day's figures for `pool` in a one-day run of `s`.
fn day_of(s: &mut State, region: &str, pool: &str) -> Result<PoolDay> {
    let report = sim::simulate(s, 1, Demand::Standing)?;
    Ok(report
        .days
        .iter()
        .filter(|d| d.region == region && d.pool_name == pool)
        .flat_map(|d| d.isps.iter())
        .map(|i| {
            (
                i.isp.clone(),
                (i.mail.demand, i.effective_daily_rate, i.mail),
            )
        })
        .collect())
}

/// Explain: where the message would go and why, and what today's remaining capacity of that
/// pool would do with it — the model's next day run with and without it (nothing is kept).
pub fn explain(s: &State, region: &str, msg: &Outgoing) -> Result<Explanation> {
    check_count(msg.count)?;
    let route = s.region(region).check_and_route(&s.model, region, msg)?;
    let count = msg.count.max(1);
    let mut without = s.clone();
    let before = day_of(&mut without, region, &route.pool)?;
    let mut with = s.clone();
    let m = record(
        s,
        region,
        msg,
        &route,
        s.sent_seq + 1,
        Timestamp::UNIX_EPOCH,
    );
    with.count_sent(&m);
    let after = day_of(&mut with, region, &route.pool)?;
    let own = route.isps(count);
    // Every ISP in table order: the day with the message against the day without it.
    let displaces = s
        .model
        .isp_names()
        .filter(|isp| !own.contains_key(*isp))
        .filter_map(|isp| {
            let (_, _, b) = before.get(isp)?;
            let a = after.get(isp).map_or_else(sim::Mail::default, |x| x.2);
            let messages = b.sent_dedicated.saturating_sub(a.sent_dedicated);
            (messages > 0).then(|| Displaced {
                isp: isp.to_string(),
                messages,
                sent_shared: a.sent_shared.saturating_sub(b.sent_shared),
                deferred: a.deferred.saturating_sub(b.deferred),
            })
        })
        .collect();
    let isps = own
        .into_iter()
        .map(|(isp, n)| {
            let zero = (0, None, sim::Mail::default());
            let (_, _, b) = before.get(&isp).copied().unwrap_or(zero);
            let (demand, capacity, a) = after.get(&isp).copied().unwrap_or(zero);
            let d = |f: fn(&sim::Mail) -> u64| f(&a).saturating_sub(f(&b));
            let (ded, shared, deferred) = (
                d(|m| m.sent_dedicated),
                d(|m| m.sent_shared),
                d(|m| m.deferred),
            );
            let outcome = match (ded > 0, shared > 0, deferred > 0) {
                (true, false, false) => "DEDICATED",
                (false, true, false) => "SHARED",
                (false, false, true) => "DEFERRED",
                _ => "MIXED",
            };
            IspFate {
                isp,
                recipients: n,
                demand_today: demand,
                capacity_today: capacity,
                outcome,
                sent_dedicated: ded,
                sent_shared: shared,
                deferred,
                expired: d(|m| m.expired),
            }
        })
        .collect();
    Ok(Explanation {
        configuration_set_name: route.config_set.clone(),
        configuration_set_source: route.source,
        pool_name: route.pool.clone(),
        recipients: recipients(&route),
        isps,
        displaces,
        date: s.date,
        count,
    })
}

/// A message of the outbox.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct OutboxMessage {
    pub message_id: String,
    pub time: Timestamp,
    /// The account clock when it was sent: the simulated day it goes out on.
    pub date: Date,
    pub region: String,
    pub from: String,
    pub to: Vec<String>,
    pub cc: Vec<String>,
    pub bcc: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub configuration_set_name: Option<String>,
    pub configuration_set_source: SetSource,
    pub pool_name: String,
    pub isps: BTreeMap<String, u64>,
    /// Mailbox simulator recipients and the outcome each asked for.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub simulator: BTreeMap<String, String>,
    pub count: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rendering_failure: Option<String>,
    /// Recipients the message's contact list says opted out of its topic (not delivered to).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub unsubscribed: Vec<String>,
    /// The tenant it was sent through (SESv2's `TenantName`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tenant_name: Option<String>,
    /// The multi-region endpoint that routed it to `region` (SESv2's `EndpointId`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub endpoint_id: Option<String>,
}

impl From<SentMessage> for OutboxMessage {
    fn from(m: SentMessage) -> Self {
        OutboxMessage {
            message_id: m.message_id,
            time: m.time,
            date: m.date,
            region: m.region,
            from: m.from,
            to: m.to,
            cc: m.cc,
            bcc: m.bcc,
            subject: m.subject,
            configuration_set_name: m.configuration_set,
            configuration_set_source: m.configuration_set_source,
            pool_name: m.pool,
            isps: m.isps,
            simulator: m.simulator,
            count: m.count,
            rendering_failure: m.rendering_failure,
            unsubscribed: m.unsubscribed,
            tenant_name: m.tenant,
            endpoint_id: m.endpoint,
        }
    }
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Outbox {
    pub messages: Vec<OutboxMessage>,
    /// Messages accepted since the outbox was last cleared that it no longer keeps (every
    /// region's): past 10,000 messages or `SESM_OUTBOX_BYTES` of them, oldest first.
    pub dropped: u64,
    /// The region listed (`None`: every region), for the people's view.
    #[serde(skip)]
    pub region: Option<String>,
    /// How many messages of that region the outbox keeps, before the search's filters, so an
    /// empty answer can tell "nothing matched" from "nothing sent".
    #[serde(skip)]
    pub kept_in_region: usize,
    /// The search, as `--to X --from Y`, for the same message.
    #[serde(skip)]
    pub search: Vec<(&'static str, String)>,
}

/// The outbox's filters.
#[derive(Debug, Clone, Default)]
pub struct OutboxQuery {
    /// Only messages with this recipient (To, Cc or Bcc; the domain compares without case), or
    /// with a recipient at this domain when it has no local part (`gmail.com`).
    pub to: Option<String>,
    /// Only messages accepted at or after this time.
    pub since: Option<Timestamp>,
    /// Only messages of this region (every region's when `None`).
    pub region: Option<String>,
    /// Only messages from this sender, or from this domain (compared as `to` is).
    pub from: Option<String>,
    /// Only messages sent with this configuration set.
    pub config_set: Option<String>,
}

/// The outbox of the region: the last 10,000 accepted messages not cleared, oldest first.
pub fn outbox(s: &State, journal: Vec<SentMessage>, q: &OutboxQuery) -> Outbox {
    let kept = journal.iter().filter(|m| m.seq > s.outbox_from).count() as u64;
    let in_region = |m: &SentMessage| {
        m.seq > s.outbox_from && q.region.as_deref().is_none_or(|r| m.region == r)
    };
    let kept_in_region = journal.iter().filter(|m| in_region(m)).count();
    let search = [
        ("to", q.to.clone()),
        ("from", q.from.clone()),
        ("config-set", q.config_set.clone()),
        ("since", q.since.map(|t| t.to_string())),
    ]
    .into_iter()
    .filter_map(|(k, v)| Some((k, v?)))
    .collect();
    let messages = journal
        .into_iter()
        .filter(in_region)
        .filter(|m| q.since.is_none_or(|t| m.time >= t))
        .filter(|m| {
            q.from
                .as_deref()
                .is_none_or(|f| address_matches(&m.from, f))
        })
        .filter(|m| {
            q.config_set
                .as_deref()
                .is_none_or(|c| m.configuration_set.as_deref() == Some(c))
        })
        .filter(|m| {
            q.to.as_deref().is_none_or(|want| {
                m.to.iter()
                    .chain(&m.cc)
                    .chain(&m.bcc)
                    .any(|r| address_matches(r, want))
            })
        })
        .map(OutboxMessage::from)
        .collect::<Vec<_>>();
    let skip = messages
        .len()
        .saturating_sub(crate::model::sending::OUTBOX_SIZE);
    Outbox {
        messages: messages.into_iter().skip(skip).collect(),
        dropped: s
            .sent_seq
            .saturating_sub(s.outbox_from)
            .saturating_sub(kept.min(crate::model::sending::OUTBOX_SIZE as u64)),
        region: q.region.clone(),
        kept_in_region: kept_in_region.min(crate::model::sending::OUTBOX_SIZE),
        search,
    }
}

/// One message of the outbox, whole: what the list shows, its size, and the message taken
/// apart (headers, text, HTML, attachments).
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct OutboxDetail {
    #[serde(flatten)]
    pub message: OutboxMessage,
    /// The message's size as kept, in bytes.
    pub size: u64,
    #[serde(flatten)]
    pub parsed: super::message::Parsed,
}

/// The outbox's message with this ID (not cleared), or SES's NotFoundException.
pub fn find_message(s: &State, journal: Vec<SentMessage>, id: &str) -> Result<SentMessage> {
    journal
        .into_iter()
        .rev()
        .find(|m| m.seq > s.outbox_from && m.message_id == id)
        .ok_or_else(|| {
            Error::not_found(format!(
                "Message {} is not in the outbox (it may have been cleared or dropped).",
                id.escape_default()
            ))
            .hint("list the outbox's messages with: sesm outbox list")
        })
}

/// `sesm outbox show`, `GET /_sesm/outbox/{id}`: the message and its kept MIME taken apart
/// (a message kept before whole messages were, has no parts).
pub fn outbox_detail(m: SentMessage, mime: Option<&[u8]>) -> OutboxDetail {
    OutboxDetail {
        size: mime.map_or(0, |b| b.len() as u64),
        parsed: super::message::parse(mime.unwrap_or_default()),
        message: OutboxMessage::from(m),
    }
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Cleared {
    pub cleared: u64,
}

/// Clears the outbox (every region's); the messages still count as today's demand.
pub fn clear_outbox(s: &mut State) -> Cleared {
    let cleared = s.sent_seq.saturating_sub(s.outbox_from);
    s.outbox_from = s.sent_seq;
    Cleared { cleared }
}

/// Parses `--since`: an RFC 3339 time (`2026-11-30T10:00:00Z`) or a date (its start, UTC).
pub fn parse_since(s: &str) -> Result<Timestamp> {
    if let Ok(t) = s.parse::<Timestamp>() {
        return Ok(t);
    }
    crate::model::parse_date(s, "--since time")
        .ok()
        .and_then(|d| {
            jiff::tz::TimeZone::UTC
                .to_timestamp(d.to_datetime(jiff::civil::Time::midnight()))
                .ok()
        })
        .ok_or_else(|| {
            Error::invalid(format!(
                "invalid --since time '{s}': expected 2026-11-30T10:00:00Z or a date such as 2026-11-30"
            ))
        })
}
