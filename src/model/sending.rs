//! Mail sent through SES (SendEmail, SendBulkEmail, `sesm send`): the checks SES makes, the
//! way it routes a message (configuration set, then pool), the ISP of each recipient, and the
//! record an accepted message leaves, which becomes the day's demand for the simulation.

use std::collections::BTreeMap;
use std::sync::Arc;

use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use super::message::Body;
use super::names::{IdentityType, normalize_identity};
use super::{DEFAULT_POOL, ModelParams, Region, SHARED_POOL, State};
use crate::error::{Error, Result};

/// The most recipients (To, Cc and Bcc together) of one message.
pub const MAX_RECIPIENTS: usize = 50;
/// How many accepted messages the outbox keeps.
pub const OUTBOX_SIZE: usize = 10_000;
/// The bytes of whole messages the outbox keeps unless `SESM_OUTBOX_BYTES` says: 256 MiB.
pub const OUTBOX_BYTES: u64 = 256 * 1024 * 1024;
pub use super::NO_SET;

/// One rule of the recipient-domain table: a domain (`gmail.com`), or a name under any public
/// suffix (`hotmail.*`: hotmail.com, hotmail.co.uk, …), and the ISP it belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct IspDomain {
    pub domain: String,
    pub isp: String,
}

/// The default recipient-domain table (`ModelParams::isp_domains`).
pub fn default_isp_domains() -> Vec<IspDomain> {
    let rule = |domain: &str, isp: &str| IspDomain {
        domain: domain.to_string(),
        isp: isp.to_string(),
    };
    vec![
        rule("gmail.com", "gmail"),
        rule("googlemail.com", "gmail"),
        rule("outlook.*", "microsoft"),
        rule("hotmail.*", "microsoft"),
        rule("live.*", "microsoft"),
        rule("msn.*", "microsoft"),
        rule("yahoo.*", "yahoo"),
        rule("ymail.*", "yahoo"),
        rule("aol.*", "yahoo"),
        rule("icloud.*", "apple"),
        // Apple's me.com and mac.com only: `me.*` would take every registrable `me.` domain.
        rule("me.com", "apple"),
        rule("mac.com", "apple"),
        rule("comcast.net", "comcast"),
        rule("att.net", "att"),
        rule("sbcglobal.net", "att"),
        rule("bellsouth.net", "att"),
        rule("gmx.*", "gmx"),
        rule("web.de", "gmx"),
        rule("orange.fr", "orange"),
        rule("wanadoo.fr", "orange"),
    ]
}

/// The ISP every domain the table does not name belongs to.
pub const OTHER_ISP: &str = "other";

/// Whether `domain` is `name` under a public suffix (`hotmail.co.uk`): the Public Suffix
/// List's registrable domain of `domain` is `domain` itself and its first label is `name`.
/// So `live.fr` is Microsoft's but `live.bbc.com` (registrable domain `bbc.com`) is not.
fn under_suffix(domain: &str, name: &str) -> bool {
    domain
        .strip_prefix(name)
        .is_some_and(|rest| rest.len() > 1 && rest.starts_with('.'))
        && psl::domain_str(domain) == Some(domain)
}

impl ModelParams {
    /// The ISP of a recipient's domain (lowercase): the first rule of the table that matches,
    /// else `other`.
    pub fn isp_of_domain(&self, domain: &str) -> &str {
        self.isp_domains
            .iter()
            .find(|r| match r.domain.strip_suffix(".*") {
                Some(name) => under_suffix(domain, name),
                None => r.domain == domain,
            })
            .map_or(OTHER_ISP, |r| r.isp.as_str())
    }
}

/// SES's mailbox simulator: its addresses are accepted from any verified sender, answer with
/// the outcome their local part names, and count toward no ISP's demand, no quota and no
/// reputation (SES Developer Guide, "Using the mailbox simulator").
pub const SIMULATOR_DOMAIN: &str = "simulator.amazonses.com";
/// The "ISP" a simulator recipient is routed to in a `Route` (never counted).
pub const SIMULATOR: &str = "mailbox-simulator";
/// The pseudo-ISP of recipients on the account-level suppression list: SES accepts the
/// message and sends it to them no more than to the simulator (a Bounce of subtype
/// `OnAccountSuppressionList` instead), so they count toward no ISP's demand either.
pub const SUPPRESSED: &str = "account-suppression-list";
/// The pseudo-ISP of recipients a send's contact list says opted out of its topic: SES
/// accepts the message and does not deliver it to them (L6).
pub const UNSUBSCRIBED: &str = "contact-list-unsubscribed";

/// The outcome a mailbox simulator address asks for (`bounce+label@` too), or `None` for an
/// address of another domain or an unknown local part.
pub fn simulator_outcome(address: &str) -> Option<&'static str> {
    let (local, domain) = address.rsplit_once('@')?;
    if !domain.eq_ignore_ascii_case(SIMULATOR_DOMAIN) {
        return None;
    }
    let base = local
        .split('+')
        .next()
        .unwrap_or(local)
        .to_ascii_lowercase();
    Some(match base.as_str() {
        "success" => "SUCCESS",
        "bounce" => "BOUNCE",
        "ooto" => "OOTO",
        "complaint" => "COMPLAINT",
        "suppressionlist" => "SUPPRESSION_LIST",
        _ => return None,
    })
}

/// Where the configuration set of a message came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum SetSource {
    /// Named in the request.
    Request,
    /// Named by the raw message's `X-SES-CONFIGURATION-SET` header.
    Header,
    /// The default configuration set of the sender's address identity.
    AddressIdentity,
    /// The default configuration set of the sender's domain identity.
    DomainIdentity,
    /// No configuration set: the message goes the default way.
    None,
}

/// What SES built a message from, which decides what its events show of its headers.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Content {
    /// Simple content (v1's SendEmail, SESv2's Simple, `sesm send`): SES writes the MIME.
    #[default]
    Simple,
    /// Raw MIME (v1's SendRawEmail, SESv2's Raw, SMTP's DATA): kept as sent.
    Raw,
    /// A template rendered by SES (v1's SendTemplatedEmail and SendBulkTemplatedEmail,
    /// SESv2's Template content and SendBulkEmail).
    Template,
}

/// How a message was sent: the API call its events name in the `ses:operation` auto-tag, and
/// what SES built it from. AWS tags v1's calls with their own names (recorded AWS answers in
/// LocalStack's SES snapshots: `SendEmail`, `SendRawEmail`, `SendTemplatedEmail`); SESv2's
/// calls and SMTP get theirs (`docs/decisions.md`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SendCall {
    pub operation: &'static str,
    pub content: Content,
}

impl Default for SendCall {
    fn default() -> Self {
        SendCall {
            operation: "SendEmail",
            content: Content::Simple,
        }
    }
}

impl SendCall {
    pub const fn new(operation: &'static str, content: Content) -> SendCall {
        SendCall { operation, content }
    }
}

/// An accepted message, as the outbox keeps it and the simulation counts it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SentMessage {
    /// Its place in the account's sequence of sends (first, so a scan reads it cheaply).
    pub seq: u64,
    /// The size of the message as kept in the outbox (its MIME), in bytes; 0 in lines older
    /// than whole-message keeping. Second, so a scan of the journal reads it cheaply too.
    #[serde(default)]
    pub size: u64,
    pub message_id: String,
    /// When it was accepted (wall clock, UTC).
    pub time: Timestamp,
    /// The account clock when it was accepted: the simulated day it is sent on.
    pub date: Date,
    pub region: String,
    pub from: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub to: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cc: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub bcc: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub configuration_set: Option<String>,
    pub configuration_set_source: SetSource,
    /// The pool it goes through (`ses-shared-pool` for shared IPs).
    pub pool: String,
    /// Recipients per ISP (all copies of the message).
    pub isps: BTreeMap<String, u64>,
    /// Mailbox simulator recipients and the outcome each asked for (`SUCCESS`, `BOUNCE`, …).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub simulator: BTreeMap<String, String>,
    /// How many identical copies were sent (`sesm send --count`).
    #[serde(default = "one", skip_serializing_if = "is_one")]
    pub count: u64,
    /// Why its template did not render (a variable the data lacks): SES accepts such a send
    /// and reports a Rendering Failure event instead of delivering it. Absent in older lines.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rendering_failure: Option<String>,
    /// Recipients on the account-level suppression list when it was sent.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub suppressed: Vec<String>,
    /// Recipients its contact list says opted out of its topic (not delivered to).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unsubscribed: Vec<String>,
    /// The stored template it was sent with, when it was.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub template_name: Option<String>,
    /// Whether its configuration set publishes events (`model::publishing`): the region
    /// tracks its recipients until the simulation decides about them.
    #[serde(default, skip_serializing_if = "is_false")]
    pub publishes: bool,
    /// The `mail` object of its events, when it publishes them. Kept in the outbox beside the
    /// message (the frame's extra part, `store::segment`), never in the message's header or
    /// the state, so later events carry it; read from older outbox lines, never written there.
    #[serde(default, skip_serializing)]
    pub event_mail: Option<super::rules::RawJson>,
    /// The fates the live clock decided at send for its tracked recipients (`ops::live`):
    /// Delivery through the pool's IPs or shared ones, or deferred; published with the send.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub live: Vec<super::ledger::LiveFate>,
    /// The message itself (MIME), written to the outbox's mail folder beside the journal.
    #[serde(skip)]
    pub mime: Arc<Vec<u8>>,
    /// Its message tags, for its events' `mail` object (built before the line is written).
    #[serde(skip)]
    pub tags: Vec<(String, String)>,
    /// How it was sent, for its events' `mail` object (built before the line is written).
    #[serde(skip)]
    pub call: SendCall,
    /// The tenant it was sent through (SESv2's `TenantName`, `model::tenant`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tenant: Option<String>,
    /// The multi-region endpoint it was sent through (`EndpointId`), which routed it to
    /// `region` (`model::multi_region`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub endpoint: Option<String>,
}

fn one() -> u64 {
    1
}

fn is_one(n: &u64) -> bool {
    *n == 1
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// A message to send, as a front end decoded it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Outgoing {
    pub from: String,
    pub to: Vec<String>,
    pub cc: Vec<String>,
    pub bcc: Vec<String>,
    pub subject: Option<String>,
    pub config_set: Option<String>,
    /// The raw message's `X-SES-CONFIGURATION-SET` header: the set when the request names none.
    pub header_config_set: Option<String>,
    /// Other senders a raw message names (its `From` when `FromEmailAddress` was given, its
    /// `Sender` and `Return-Path`): SES requires each to be a verified identity too.
    pub other_senders: Vec<String>,
    /// Identical copies (`--count`), at least 1.
    pub count: u64,
    /// What the message says: raw MIME, or the parts SES builds it from.
    pub body: Body,
    /// Its message tags (`EmailTags`, v1's `Tags`, the `X-SES-MESSAGE-TAGS` header), which
    /// its events carry in `mail.tags`.
    pub tags: Vec<(String, String)>,
    /// The call it came through and what SES builds it from.
    pub call: SendCall,
    /// SendEmail's `ListManagementOptions` (`model::contact_list`): recipients who opted out
    /// are not delivered to, and a lone recipient gets unsubscribe links.
    pub list_management: Option<ListManagement>,
    /// The identity ARNs a send names and who calls (`model::policy`, sending authorization).
    pub authorization: Option<Authorization>,
    /// SESv2's `TenantName`: the send uses only the tenant's resources (N7) and is
    /// attributed to it.
    pub tenant: Option<String>,
    /// SESv2's `EndpointId`: the multi-region endpoint that routed it.
    pub endpoint: Option<String>,
    /// The stored template it renders, for the tenant's check (set by `ops::template`).
    pub stored_template: Option<String>,
}

/// SendEmail's `ListManagementOptions`, and where the server answers the unsubscribe links
/// it adds (the door knows its own address; the operation builds the links).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListManagement {
    pub list: String,
    pub topic: Option<String>,
    /// `http://HOST:PORT` of the server.
    pub links_base: String,
}

/// The identity ARNs a send names (SESv2's `FromEmailAddressIdentityArn` and
/// `FeedbackForwardingEmailAddressIdentityArn`, v1's `SourceArn`, `FromArn` and
/// `ReturnPathArn`), who calls, and the action the policies must allow.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Authorization {
    /// The caller's account ID (`None`: the account itself).
    pub caller: Option<String>,
    /// `ses:SendEmail`, `ses:SendRawEmail`, `ses:SendTemplatedEmail`, …
    pub action: &'static str,
    pub source_arn: Option<String>,
    pub from_arn: Option<String>,
    pub return_path_arn: Option<String>,
    /// The return path (feedback) address the request names, which `ReturnPathArn` covers.
    pub return_path: Option<String>,
}

/// Where a message goes, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Route {
    /// The sender as SES checks it: the address, lowercase domain.
    pub from: String,
    pub config_set: Option<String>,
    pub source: SetSource,
    pub pool: String,
    /// Each recipient (normalised) and its ISP.
    pub recipients: Vec<(String, String)>,
}

impl Route {
    /// Recipients per ISP, times `count` copies; the mailbox simulator's count toward none.
    pub fn isps(&self, count: u64) -> BTreeMap<String, u64> {
        let mut out: BTreeMap<String, u64> = BTreeMap::new();
        for (_, isp) in self
            .recipients
            .iter()
            .filter(|(_, isp)| isp != SIMULATOR && isp != SUPPRESSED && isp != UNSUBSCRIBED)
        {
            let n = out.entry(isp.clone()).or_default();
            *n = n.saturating_add(count);
        }
        out
    }
}

/// The address of `Name <a@b>` or `a@b`, by mailparse's RFC 5322 parser (the one parser
/// sesm uses for addresses): `None` unless `raw` is exactly one address.
pub fn address_of(raw: &str) -> Option<String> {
    let list = mailparse::addrparse(raw.trim()).ok()?;
    match list.as_slice() {
        [mailparse::MailAddr::Single(one)] => Some(one.addr.trim().to_string()),
        _ => None,
    }
}

/// An address as SES compares it: the local part as given, the domain lowercase.
pub fn normalized_address(raw: &str) -> Option<String> {
    let addr = address_of(raw)?;
    let (local, domain) = addr.rsplit_once('@')?;
    Some(format!("{local}@{}", domain.to_ascii_lowercase()))
}

/// Whether two recipients are the same address: the local part as given, the domain without
/// case (so `Name <a@B.com>` is `a@b.com`); text that is no address compares as given.
pub fn same_address(a: &str, b: &str) -> bool {
    let norm = |s: &str| normalized_address(s).unwrap_or_else(|| s.trim().to_string());
    norm(a) == norm(b)
}

/// Whether an address is what a search for `wanted` asks for: with an `@` and a local part,
/// that address (`same_address`); otherwise (`gmail.com`, `@gmail.com`) any address at that
/// domain, without case.
pub fn address_matches(address: &str, wanted: &str) -> bool {
    let wanted = wanted.trim();
    match wanted.rsplit_once('@') {
        Some((local, _)) if !local.is_empty() => same_address(address, wanted),
        found => {
            let domain = found.map_or(wanted, |(_, d)| d);
            normalized_address(address)
                .and_then(|a| a.rsplit_once('@').map(|(_, d)| d.to_string()))
                .is_some_and(|d| !domain.is_empty() && d.eq_ignore_ascii_case(domain))
        }
    }
}

/// SES refuses an address with a control character or white space in its local part or
/// domain, in these words ("InvalidParameterValue: Local address contains control or
/// whitespace"); a CR kept in a sender would split the `From` header it becomes.
fn check_no_control(raw: &str) -> Result<()> {
    // What is no address at all gets the caller's "expected local@domain".
    if !raw.contains('@') {
        return Ok(());
    }
    let bad = |s: &str| s.chars().any(|c| c.is_control());
    let addr = address_of(raw).unwrap_or_else(|| raw.to_string());
    let (local, domain) = addr.rsplit_once('@').unwrap_or((addr.as_str(), ""));
    let spaced = |s: &str| s.chars().any(char::is_whitespace);
    if bad(domain) || spaced(domain) || bad(raw.rsplit_once('@').map_or("", |(_, d)| d)) {
        return Err(Error::bad_request("Domain contains control or whitespace"));
    }
    if bad(local) || spaced(local) || bad(raw) {
        return Err(Error::bad_request(
            "Local address contains control or whitespace",
        ));
    }
    Ok(())
}

/// Checks an address (`local@domain`, display name allowed) and returns it as SES compares
/// it: the local part as given, the domain lowercase.
pub fn check_address(raw: &str, what: &str) -> Result<String> {
    check_no_control(raw)?;
    let Some(addr) = address_of(raw).filter(|a| a.contains('@')) else {
        return Err(Error::bad_request(format!(
            "Invalid {what} address '{raw}': expected local@domain."
        )));
    };
    normalize_identity(&addr).map_err(|_| {
        Error::bad_request(format!(
            "Invalid {what} address '{raw}': expected local@domain with a valid domain."
        ))
    })
}

/// What SES answers for an address whose syntax is wrong, in its words (those of JavaMail's
/// strict address check, which SES's answers quote: "Missing final '@domain'" for an address
/// without `@`), or `None` when the addr-spec passes. Only the first fault is named, scanning
/// from the left as that check does.
pub fn address_syntax(raw: &str) -> Option<&'static str> {
    let raw = raw.trim();
    // The addr-spec: between the last `<` and a final `>`, else the whole text.
    let spec = match (raw.rfind('<'), raw.strip_suffix('>')) {
        (Some(open), Some(inner)) if open < inner.len() => inner[open + 1..].trim(),
        _ => raw,
    };
    let bad = |c: char| c.is_control() || c.is_whitespace() || !c.is_ascii();
    let Some((local, domain)) = spec.rsplit_once('@') else {
        return Some("Missing final '@domain'");
    };
    if local.is_empty() {
        return Some("Missing local name");
    }
    if !local.starts_with('"') && local.chars().any(bad) {
        return Some("Local address contains control or whitespace");
    }
    if domain.is_empty() {
        return Some("Missing domain");
    }
    if domain.starts_with('.') {
        return Some("Domain starts with dot");
    }
    if domain.chars().any(bad) {
        return Some("Domain contains control or whitespace");
    }
    None
}

/// A recipient as the send checks it: SES's words for a syntax fault, else `check_address`.
fn check_recipient(raw: &str, what: &str) -> Result<String> {
    if let Some(fault) = address_syntax(raw) {
        return Err(Error::bad_request(fault));
    }
    check_address(raw, what)
}

/// Checks the sender: not an address at all is a BadRequest (in SES's words for a syntax
/// fault); an address SES could never have verified (`invalid@invalid`, what nodemailer's
/// `verify()` sends) is simply not verified, which the caller reports as SES does
/// (MessageRejected).
fn check_sender(raw: &str) -> Result<String> {
    if let Some(fault) = address_syntax(raw) {
        return Err(Error::bad_request(fault));
    }
    // A control character in the display name too: it would split the `From` header.
    check_no_control(raw)?;
    let Some(addr) = address_of(raw).filter(|a| a.contains('@')) else {
        return Err(Error::bad_request(format!(
            "Invalid sender address '{raw}': expected local@domain."
        )));
    };
    Ok(normalize_identity(&addr).unwrap_or(addr))
}

/// The identities that may cover a sender, the most specific first: the address, the
/// address without its `+label`, its domain and each parent domain (not the bare suffix).
fn sender_candidates(from: &str) -> Vec<String> {
    let mut out = vec![from.to_string()];
    if let Some((local, domain)) = from.rsplit_once('@') {
        if let Some((base, _label)) = local.split_once('+') {
            out.push(format!("{base}@{domain}"));
        }
        let mut d = domain;
        loop {
            out.push(d.to_string());
            match d.split_once('.') {
                Some((_, parent)) if parent.contains('.') => d = parent,
                _ => break,
            }
        }
    }
    out
}

/// Whether a configuration set sends: `SendingOptions.SendingEnabled` unless it is false.
fn sending_enabled(set: &super::ConfigSet) -> bool {
    set.options
        .get(super::config_set::OptionBlock::Sending.member())
        .and_then(|o| o.get("SendingEnabled"))
        .and_then(serde_json::Value::as_bool)
        .unwrap_or(true)
}

/// The domain part of a normalised address.
pub(crate) fn domain_of(addr: &str) -> &str {
    addr.rsplit_once('@').map_or(addr, |(_, d)| d)
}

impl Region {
    /// The identity that lets `from` send, the most specific first: the address, the address
    /// without its `+label` (SES: labels need no verification of their own), its domain, then
    /// each parent domain (a verified domain covers its subdomains: SES Developer Guide,
    /// "Creating and verifying identities").
    pub(crate) fn sender_identity(&self, from: &str) -> Result<Option<(String, super::Identity)>> {
        for candidate in sender_candidates(from) {
            // An address SendCustomVerificationEmail left pending covers nothing yet.
            if let Some(id) = self.identities.entry(&candidate)?
                && id.verified()
            {
                return Ok(Some((candidate, id)));
            }
        }
        Ok(None)
    }

    /// The default configuration set a sender gets: the most specific identity covering it
    /// that has one (an address's own default overrides its domain's).
    fn default_set(&self, from: &str) -> Result<Option<(String, SetSource)>> {
        for candidate in sender_candidates(from) {
            if let Some(cs) = self
                .identities
                .entry(&candidate)?
                .and_then(|id| id.configuration_set)
            {
                let source = match IdentityType::of(&candidate) {
                    IdentityType::EmailAddress => SetSource::AddressIdentity,
                    IdentityType::Domain => SetSource::DomainIdentity,
                };
                return Ok(Some((cs, source)));
            }
        }
        Ok(None)
    }

    /// The pool mail of a configuration set (or of none) goes through: the set's sending
    /// pool, else `ses-default-dedicated-pool` when it holds IPs, else SES's shared IPs.
    pub(crate) fn pool_of_set(&self, config_set: Option<&str>) -> Result<String> {
        let set_pool = match config_set {
            Some(cs) => self
                .configuration_sets
                .entry(cs)?
                .and_then(|c| c.sending_pool),
            None => None,
        };
        Ok(match set_pool {
            Some(p) if p != DEFAULT_POOL => p,
            _ if self.ips_of_pool(DEFAULT_POOL).next().is_some() => DEFAULT_POOL.to_string(),
            _ => SHARED_POOL.to_string(),
        })
    }

    /// The pool a sender's mail goes through by default (its identity's default set's).
    pub(crate) fn default_pool_of(&self, from: &str) -> Result<String> {
        let set = self.default_set(from)?.map(|(cs, _)| cs);
        self.pool_of_set(set.as_deref())
    }

    /// SES's checks and routing of one message (`warmup-model.md`'s pools): the sender (and
    /// any other sender a raw message names) must be covered by an identity of the region; a
    /// named configuration set must exist and not be paused; 1 to 50 well-formed recipients.
    /// The set is the request's, else the raw message's `X-SES-CONFIGURATION-SET` header's,
    /// else the default of the most specific identity covering the sender; the pool is the
    /// set's sending pool, else `ses-default-dedicated-pool` when it has IPs, else the shared
    /// IPs.
    pub fn check_and_route(
        &self,
        model: &ModelParams,
        region: &str,
        msg: &Outgoing,
    ) -> Result<Route> {
        super::tags::check_message_tags(&msg.tags)?;
        let from = check_sender(&msg.from)?;
        // The senders first: SES refuses an unverified sender before it looks at the
        // recipients (nodemailer's `verify()` relies on it).
        // Each named as given, a display name too: "The following identities failed the
        // check in region AP-SOUTHEAST-1: \"${Traveloka}\" <noreply@traveloka.com>" is an
        // answer SES gave (quoted in a public troubleshooting note).
        let mut unverified = Vec::new();
        for sender in std::iter::once(&msg.from).chain(msg.other_senders.iter()) {
            let covered = match check_sender(sender) {
                Ok(addr) => self.sender_identity(&addr)?.is_some(),
                Err(_) => false,
            };
            let sender = sender.trim().to_string();
            if !covered && !unverified.contains(&sender) {
                unverified.push(sender);
            }
        }
        if !unverified.is_empty() {
            return Err(Error::message_rejected(format!(
                "Email address is not verified. The following identities failed the check in region {}: {}",
                region.to_uppercase(),
                unverified.join(", ")
            ))
            .hint(format!(
                "create the identity first: sesm identity create {}",
                domain_of(&address_of(&unverified[0]).unwrap_or_else(|| unverified[0].clone()))
            )));
        }
        let mut recipients = Vec::new();
        for (what, list) in [("To", &msg.to), ("Cc", &msg.cc), ("Bcc", &msg.bcc)] {
            for r in list.iter() {
                let addr = check_recipient(r, &format!("{what} recipient"))?;
                let opted_out = match &msg.list_management {
                    Some(l) => self.unsubscribed(&l.list, l.topic.as_deref(), &addr)?,
                    None => false,
                };
                let isp = if domain_of(&addr) == SIMULATOR_DOMAIN {
                    SIMULATOR.to_string()
                } else if opted_out {
                    UNSUBSCRIBED.to_string()
                } else if self.suppressed(&addr).is_some() {
                    SUPPRESSED.to_string()
                } else {
                    model.isp_of_domain(domain_of(&addr)).to_string()
                };
                recipients.push((addr, isp));
            }
        }
        if recipients.is_empty() {
            return Err(Error::bad_request(
                "The message has no recipients: give at least one To, Cc or Bcc address.",
            ));
        }
        if recipients.len() > MAX_RECIPIENTS {
            return Err(Error::bad_request(format!(
                "The message has {} recipients; SES takes at most {MAX_RECIPIENTS} (To, Cc and Bcc together).",
                recipients.len()
            )));
        }
        if !self.sending_enabled {
            return Err(Error::sending_paused(
                format!("Sending is paused for this account in region {region}."),
                crate::error::About::Account,
            )
            .hint("resume it: PutAccountSendingAttributes with SendingEnabled true"));
        }
        let (config_set, source) = match (&msg.config_set, &msg.header_config_set) {
            (Some(cs), _) => (Some(cs.clone()), SetSource::Request),
            (None, Some(cs)) => (Some(cs.clone()), SetSource::Header),
            (None, None) => match self.default_set(&from)? {
                Some((cs, source)) => (Some(cs), source),
                None => (None, SetSource::None),
            },
        };
        if let Some(cs) = &config_set {
            let from_identity = matches!(
                source,
                SetSource::AddressIdentity | SetSource::DomainIdentity
            );
            // An identity keeps naming a default set that was deleted, and SES then fails its
            // sends with "a bad request error" (the guide's default configuration sets page).
            if from_identity && !self.configuration_sets.contains(cs)? {
                return Err(Error::bad_request(format!(
                    "Configuration set <{cs}> does not exist: it is the default configuration set of the sender's identity, and it was deleted."
                ))
                .hint(format!(
                    "create it again (sesm config-set create {cs}) or change the identity's default (PutEmailIdentityConfigurationSetAttributes)"
                )));
            }
            let set = self.existing_config_set(cs)?;
            if !sending_enabled(&set) {
                return Err(Error::sending_paused(
                    format!("Sending is paused for configuration set <{cs}>."),
                    crate::error::About::ConfigurationSet,
                )
                .hint(format!(
                    "resume it: PutConfigurationSetSendingOptions with SendingEnabled true for {cs}"
                )));
            }
        }
        // K5: an identity or set whose reputation entity is disabled does not send.
        let identity = self.sender_identity(&from)?.map(|(name, _)| name);
        self.check_entities_send(identity.as_deref(), config_set.as_deref())?;
        let pool = self.pool_of_set(config_set.as_deref())?;
        Ok(Route {
            from,
            config_set,
            source,
            pool,
            recipients,
        })
    }
}

impl State {
    /// Counts an accepted message into its region's demand for the current day, once
    /// (messages already counted, by sequence, are skipped).
    pub fn count_sent(&mut self, m: &SentMessage) {
        if m.seq <= self.sent_seq {
            return;
        }
        self.sent_seq = m.seq;
        self.track(m);
        self.region_mut(&m.region)
            .ledger
            .count(m.date, &m.pool, &m.live);
        self.suppress_complainers(m);
        let set = m.configuration_set.clone().unwrap_or_default();
        let pending = self.region_mut(&m.region).pending.entry(set).or_default();
        for (isp, n) in &m.isps {
            let v = pending.entry(isp.clone()).or_default();
            *v = v.saturating_add(*n);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_search_without_a_local_part_matches_the_domain() {
        assert!(address_matches("jane@gmail.com", "gmail.com"));
        assert!(address_matches("Jane <jane@GMail.com>", "gmail.COM"));
        assert!(address_matches("jane@gmail.com", "@gmail.com"));
        assert!(address_matches("jane@gmail.com", " jane@GMAIL.com "));
        assert!(
            !address_matches("jane@gmail.com", "Jane@gmail.com"),
            "the local part as given"
        );
        assert!(
            !address_matches("jane@mail.gmail.com", "gmail.com"),
            "the domain whole"
        );
        assert!(!address_matches("jane@gmail.com", "mail.com"));
        assert!(!address_matches("jane@gmail.com", ""));
        assert!(!address_matches("jane@gmail.com", "@"));
    }

    #[test]
    fn recipient_domains_map_to_isps() {
        let m = ModelParams::default();
        for (domain, isp) in [
            ("gmail.com", "gmail"),
            ("googlemail.com", "gmail"),
            ("outlook.com", "microsoft"),
            ("hotmail.co.uk", "microsoft"),
            ("live.fr", "microsoft"),
            ("msn.com", "microsoft"),
            ("yahoo.co.jp", "yahoo"),
            ("ymail.com", "yahoo"),
            ("aol.com", "yahoo"),
            ("icloud.com", "apple"),
            ("me.com", "apple"),
            ("mac.com", "apple"),
            ("comcast.net", "comcast"),
            ("att.net", "att"),
            ("sbcglobal.net", "att"),
            ("bellsouth.net", "att"),
            ("gmx.de", "gmx"),
            ("gmx.net", "gmx"),
            ("web.de", "gmx"),
            ("orange.fr", "orange"),
            ("wanadoo.fr", "orange"),
            ("example.com", "other"),
            ("me.example.com", "other"),
            ("me.de", "other"),
            ("mac.co.uk", "other"),
            ("live.bbc.com", "other"),
            ("hotmail.bbc.co.uk", "other"),
            ("yahoo.com.au", "yahoo"),
            ("gmail.com.evil.org", "other"),
            ("notgmail.com", "other"),
            ("orange.com", "other"),
        ] {
            assert_eq!(m.isp_of_domain(domain), isp, "{domain}");
        }
    }

    #[test]
    fn addresses() {
        assert_eq!(
            check_address("A.B@Example.COM", "x").unwrap(),
            "A.B@example.com"
        );
        assert_eq!(
            check_address("\"Jane\" <jane@example.com>", "x").unwrap(),
            "jane@example.com"
        );
        for bad in ["", "example.com", "a@", "@b.com", "a b@c.com", "a@b", "<>"] {
            assert!(check_address(bad, "x").is_err(), "{bad}");
        }
    }

    /// SES's words for an address's syntax (JavaMail's strict check, which SES's answers
    /// quote: "Missing final '@domain'").
    #[test]
    fn address_syntax_in_ses_words() {
        for (raw, fault) in [
            ("invalid_address", Some("Missing final '@domain'")),
            ("John <invalid_address>", Some("Missing final '@domain'")),
            ("a@", Some("Missing domain")),
            ("@example.com", Some("Missing local name")),
            (
                "a b@example.com",
                Some("Local address contains control or whitespace"),
            ),
            ("a@.example.com", Some("Domain starts with dot")),
            (
                "a@exa mple.com",
                Some("Domain contains control or whitespace"),
            ),
            ("a@example.com", None),
            ("\"Jane Doe\" <jane@example.com>", None),
            ("\"a b\"@example.com", None),
        ] {
            assert_eq!(address_syntax(raw), fault, "{raw}");
        }
    }
}
