//! The emulated SES account: plain data plus the rules SES enforces on it.
//!
//! These are the persisted types (what the state file holds). They never print and never touch
//! the disk: `store/` reads and writes them, `ops/` builds the shapes the front ends render.
//! Rules live next to the data they guard, one file per resource (`pool.rs`, `ip.rs`, …), and
//! return `error::Error` with the SES code and message of the rule that refused.

pub mod account_settings;
pub mod arn;
pub mod check;
mod check_sections;
pub mod config_set;
pub mod contact_list;
pub mod cost;
pub mod custom_verification;
pub mod deliverability;
pub mod event;
pub mod export_job;
pub mod identity;
pub mod import_job;
pub mod inbound;
pub mod ip;
pub mod ledger;
pub mod mail;
pub mod message;
pub mod metrics;
pub mod multi_region;
pub mod names;
pub mod params;
pub mod policy;
pub mod pool;
pub mod publishing;
pub mod receipt;
mod region_queries;
pub mod reputation;
pub mod rules;
pub mod sending;
pub mod standard;
pub mod suppression;
pub mod tags;
pub mod template;
pub mod tenant;
pub mod vdm;

use std::collections::BTreeMap;
use std::net::Ipv4Addr;

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::error::Result as SesmResult;
use crate::lazy::Lazy;

pub use cost::MonthUsage;
pub use mail::Mail;

/// Serde for an enum written as its text: `as_str` out, `FromStr` in. The text is read as
/// serde's derive reads a unit variant (as a string, or a one-key map), so the state file's
/// readers report a bad value exactly as they always have ("unknown variant `X`, expected …").
macro_rules! text_enum_serde {
    ($t:ident) => {
        impl Serialize for $t {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for $t {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                use serde::de::{self, EnumAccess, VariantAccess, Visitor};
                use std::fmt;

                const VARIANTS: &[&str] = &{
                    let all = $t::ALL;
                    [all[0].as_str(), all[1].as_str()]
                };
                /// The variant's text, parsed by `FromStr`.
                struct Text;
                impl<'de> Visitor<'de> for Text {
                    type Value = $t;
                    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                        f.write_str("variant identifier")
                    }
                    fn visit_str<E: de::Error>(self, v: &str) -> Result<$t, E> {
                        v.parse().map_err(|_| E::unknown_variant(v, VARIANTS))
                    }
                }
                impl<'de> de::DeserializeSeed<'de> for Text {
                    type Value = $t;
                    fn deserialize<D: serde::Deserializer<'de>>(
                        self,
                        d: D,
                    ) -> Result<$t, D::Error> {
                        d.deserialize_identifier(self)
                    }
                }
                struct Enum;
                impl<'de> Visitor<'de> for Enum {
                    type Value = $t;
                    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                        f.write_str(concat!("enum ", stringify!($t)))
                    }
                    fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<$t, A::Error> {
                        let (value, variant) = data.variant_seed(Text)?;
                        variant.unit_variant()?;
                        Ok(value)
                    }
                }
                d.deserialize_enum(stringify!($t), VARIANTS, Enum)
            }
        }
    };
}
pub use metrics::{IspMetrics, PoolMetrics};
pub use params::{IspParams, ModelParams, Prices};
pub use standard::{IspMemory, StandardPoolState};

/// The version of the state file this sesm writes. Version 1 kept auto warm-up account-wide
/// and had no simulation; version 2 had no email templates; version 3 had no event destinations
/// and no suppression list; version 4 kept each tracked message's `mail` object (headers
/// included) in the state, which version 5 keeps in the outbox; versions 5 and older were
/// model v2, where ISPs remembered nothing of a standard IP (`State::migrate_to_model_v3`);
/// version 6 had no contact lists, import jobs, identity policies, custom verification
/// templates or email receiving; version 7 had no live clock ledger, VDM attributes, export
/// jobs, tenants, multi-region endpoints, identity certificates, account settings,
/// deliverability dashboard, test reports or reputation entity settings; `store/codec.rs` and
/// `store/outbox.rs` migrate them all.
pub const SCHEMA_VERSION: u32 = 8;

/// The key of pending demand sent through no configuration set (set names are never empty).
pub const NO_SET: &str = "";

pub const DEFAULT_ACCOUNT_ID: &str = "123456789012";
/// The pool SES keeps for standard IPs that belong to no user pool.
pub const DEFAULT_POOL: &str = "ses-default-dedicated-pool";
/// The pool name SES uses for its shared IPs.
pub const SHARED_POOL: &str = "ses-shared-pool";

/// Per-region quotas (`ses-rules.md`).
pub mod quota {
    pub const POOLS: usize = 50;
    pub const MANAGED_POOLS: usize = 5;
    pub const CONFIGURATION_SETS: usize = 10_000;
    pub const IDENTITIES: usize = 10_000;
    pub const TAGS: usize = 50;
}

/// Tags of one resource: keys are unique (T3) and kept sorted so output is stable.
pub type Tags = BTreeMap<String, String>;

/// The whole account, every region, and the simulation's account-wide state.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct State {
    pub schema_version: u32,
    pub account_id: String,
    /// The account clock: the next day `simulate` will simulate (A3).
    pub date: Date,
    /// Account-wide counter of dedicated IP addresses handed out from 198.18.0.0/15; never
    /// reused, so a released address cannot reappear with someone else's history.
    #[serde(default = "first_ip_offset")]
    pub next_ip: u32,
    #[serde(default)]
    pub prices: Prices,
    #[serde(default)]
    pub model: ModelParams,
    /// Usage counted per calendar month (`YYYY-MM`); dollars are derived from it with `prices`.
    #[serde(
        default,
        skip_serializing_if = "BTreeMap::is_empty",
        deserialize_with = "crate::lazy::unique"
    )]
    pub usage: BTreeMap<String, MonthUsage>,
    /// The last sent message (by sequence) counted into the regions' pending demand; the
    /// messages themselves are in the outbox journal next to the state file.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub sent_seq: u64,
    /// Messages up to this sequence were cleared from the outbox (`sesm outbox clear`).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub outbox_from: u64,
    #[serde(default, deserialize_with = "crate::lazy::unique")]
    pub regions: BTreeMap<String, Region>,
    /// HTTP subscribers of SNS topics that event destinations name (`sesm events
    /// subscribe`): `sesm serve` delivers those topics' events to them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sns_subscriptions: Vec<publishing::SnsSubscription>,
    /// Events this change published, which the store appends to the event log with the
    /// write (never part of the state file).
    #[serde(skip)]
    pub published: publishing::Published,
}

/// Parses a `YYYY-MM-DD` date given as `what` (252 when malformed): the one form of date sesm
/// accepts, from the environment (`SESM_TODAY`), the command line and the endpoint.
pub fn parse_date(s: &str, what: &str) -> SesmResult<Date> {
    let ok = s.len() == 10 && s.as_bytes()[4] == b'-' && s.as_bytes()[7] == b'-';
    ok.then(|| s.parse::<Date>().ok()).flatten().ok_or_else(|| {
        crate::error::Error::invalid(format!(
            "invalid {what} '{s}': expected a date as YYYY-MM-DD"
        ))
    })
}

fn first_ip_offset() -> u32 {
    1
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

fn yes() -> bool {
    true
}

fn is_true(b: &bool) -> bool {
    *b
}

/// One region of the account; regions are independent (quotas are per region).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Region {
    /// Auto warm-up of standard IPs (A2), on by default.
    #[serde(default = "yes", skip_serializing_if = "is_true")]
    pub auto_warmup: bool,
    /// Whether the account sends in this region (PutAccountSendingAttributes), on by default.
    #[serde(default = "yes", skip_serializing_if = "is_true")]
    pub sending_enabled: bool,
    #[serde(
        default,
        skip_serializing_if = "BTreeMap::is_empty",
        deserialize_with = "crate::lazy::unique"
    )]
    pub pools: BTreeMap<String, Pool>,
    /// Every dedicated IP of the region, in numeric address order, with the pool it belongs to.
    #[serde(
        default,
        skip_serializing_if = "BTreeMap::is_empty",
        deserialize_with = "crate::lazy::unique"
    )]
    pub ips: BTreeMap<Ipv4Addr, Ip>,
    /// Parsed on first use (`lazy/`): at full quotas these sections are most of the file.
    #[serde(default, skip_serializing_if = "Lazy::is_empty")]
    pub configuration_sets: Lazy<BTreeMap<String, ConfigSet>>,
    #[serde(default, skip_serializing_if = "Lazy::is_empty")]
    pub identities: Lazy<BTreeMap<String, Identity>>,
    /// Stored email templates (`model::template`), by name; since version 3.
    #[serde(default, skip_serializing_if = "Lazy::is_empty")]
    pub templates: Lazy<BTreeMap<String, template::EmailTemplate>>,
    /// Standing daily volume per configuration set and ISP (`traffic set`).
    #[serde(
        default,
        skip_serializing_if = "BTreeMap::is_empty",
        deserialize_with = "crate::lazy::unique_nested"
    )]
    pub traffic: BTreeMap<String, BTreeMap<String, u64>>,
    /// Daily metrics per pool, column-wise to keep the file small and quick to parse.
    #[serde(default, skip_serializing_if = "Lazy::is_empty")]
    pub metrics: Lazy<BTreeMap<String, PoolMetrics>>,
    /// Mail sent today (SendEmail, `sesm send`) per configuration set (`""`: none) and ISP,
    /// which the next simulated day adds to its demand.
    #[serde(
        default,
        skip_serializing_if = "BTreeMap::is_empty",
        deserialize_with = "crate::lazy::unique_nested"
    )]
    pub pending: BTreeMap<String, BTreeMap<String, u64>>,
    /// What the model remembers of each standard pool between days (its ISPs' deferred mail
    /// and the demand of the last days), per pool (`ses-default-dedicated-pool` included,
    /// which has no `Pool` entry to keep it in). Managed pools keep theirs in
    /// `ManagedPoolState`; since version 6.
    #[serde(
        default,
        skip_serializing_if = "BTreeMap::is_empty",
        deserialize_with = "crate::lazy::unique"
    )]
    pub standard_pools: BTreeMap<String, StandardPoolState>,
    /// Version 4's deferred mail of standard pools, per pool and ISP: read, moved into
    /// `standard_pools` by `State::migrate_to_model_v3`, never written.
    #[serde(
        default,
        rename = "StandardQueues",
        skip_serializing,
        deserialize_with = "crate::lazy::unique_nested"
    )]
    pub legacy_standard_queues: BTreeMap<String, BTreeMap<String, u64>>,
    /// Messages whose configuration set publishes events, until the simulation has decided
    /// about every recipient (`model::events`); oldest first, dropped from the front past
    /// `MAX_TRACKED` (so that costs nothing however many are tracked).
    #[serde(default, skip_serializing_if = "std::collections::VecDeque::is_empty")]
    pub tracked: std::collections::VecDeque<publishing::TrackedMail>,
    /// The live clock's ledger (`model::publishing::live`): per pool and ISP, what the day's
    /// tracked recipients took of the pool's capacity when they were sent (aggregate counts,
    /// never per message), for the day not yet closed; since version 8.
    #[serde(default, skip_serializing_if = "ledger::Ledger::is_empty")]
    pub ledger: ledger::Ledger,
    /// The account-level suppression list (`model::suppression`), by address as SES compares
    /// it; since version 4.
    #[serde(
        default,
        skip_serializing_if = "BTreeMap::is_empty",
        deserialize_with = "crate::lazy::unique"
    )]
    pub suppressed: BTreeMap<String, suppression::Suppressed>,
    /// PutAccountSuppressionAttributes' `SuppressedReasons`; `None` until set, which SES
    /// reports as both reasons (S5).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suppression_reasons: Option<Vec<suppression::Reason>>,
    /// The contact list and its contacts (`model::contact_list`); since version 5. Parsed on
    /// first use: a list may hold many contacts.
    #[serde(default, skip_serializing_if = "Lazy::is_empty")]
    pub contact_lists: Lazy<BTreeMap<String, contact_list::ContactList>>,
    /// Import jobs run (`model::import_job`), by job ID; since version 5.
    #[serde(
        default,
        skip_serializing_if = "BTreeMap::is_empty",
        deserialize_with = "crate::lazy::unique"
    )]
    pub import_jobs: BTreeMap<String, import_job::ImportJob>,
    /// Custom verification email templates (`model::custom_verification`); since version 5.
    #[serde(
        default,
        skip_serializing_if = "BTreeMap::is_empty",
        deserialize_with = "crate::lazy::unique"
    )]
    pub custom_verification_templates: BTreeMap<String, custom_verification::Template>,
    /// Email receiving (`model::receipt`): rule sets, the active one, IP address filters;
    /// since version 5.
    #[serde(
        default,
        skip_serializing_if = "BTreeMap::is_empty",
        deserialize_with = "crate::lazy::unique"
    )]
    pub receipt_rule_sets: BTreeMap<String, receipt::RuleSet>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub active_receipt_rule_set: Option<String>,
    #[serde(
        default,
        skip_serializing_if = "BTreeMap::is_empty",
        deserialize_with = "crate::lazy::unique"
    )]
    pub receipt_filters: BTreeMap<String, receipt::Filter>,
    /// VDM's attributes and export jobs (`model::vdm`); since version 8.
    #[serde(default, skip_serializing_if = "vdm::Insights::is_empty")]
    pub insights: vdm::Insights,
    /// Tenants (`model::tenant`), multi-region endpoints whose primary region this is
    /// (`model::multi_region`), S/MIME certificates per identity and address, and the account's
    /// details, delivery mode and plan (`model::account_settings`); since version 8.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub tenants: BTreeMap<String, tenant::Tenant>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub multi_region_endpoints: BTreeMap<String, multi_region::Endpoint>,
    #[serde(
        default,
        skip_serializing_if = "BTreeMap::is_empty",
        deserialize_with = "crate::lazy::unique_nested"
    )]
    pub identity_certificates: BTreeMap<String, BTreeMap<String, account_settings::Certificate>>,
    #[serde(
        default,
        skip_serializing_if = "account_settings::AccountSettings::is_empty"
    )]
    pub account: account_settings::AccountSettings,
    /// The Deliverability dashboard's subscription (`model::deliverability`); since version 8.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deliverability_dashboard: Option<deliverability::Dashboard>,
    /// Predictive inbox placement tests, by report ID; since version 8.
    #[serde(
        default,
        skip_serializing_if = "BTreeMap::is_empty",
        deserialize_with = "crate::lazy::unique"
    )]
    pub deliverability_tests: BTreeMap<String, deliverability::TestReport>,
    /// What the customer set on reputation entities (`model::reputation`), by the entity's
    /// ARN resource part (`identity/NAME`, `configuration-set/NAME`); since version 8.
    #[serde(
        default,
        skip_serializing_if = "BTreeMap::is_empty",
        deserialize_with = "crate::lazy::unique"
    )]
    pub reputation_entities: BTreeMap<String, reputation::EntitySettings>,
}

impl Default for Region {
    fn default() -> Self {
        Region {
            auto_warmup: true,
            sending_enabled: true,
            pools: BTreeMap::new(),
            ips: BTreeMap::new(),
            configuration_sets: Lazy::default(),
            identities: Lazy::default(),
            templates: Lazy::default(),
            traffic: BTreeMap::new(),
            metrics: Lazy::default(),
            pending: BTreeMap::new(),
            standard_pools: BTreeMap::new(),
            legacy_standard_queues: BTreeMap::new(),
            tracked: std::collections::VecDeque::new(),
            ledger: ledger::Ledger::default(),
            suppressed: BTreeMap::new(),
            suppression_reasons: None,
            contact_lists: Lazy::default(),
            import_jobs: BTreeMap::new(),
            custom_verification_templates: BTreeMap::new(),
            receipt_rule_sets: BTreeMap::new(),
            active_receipt_rule_set: None,
            receipt_filters: BTreeMap::new(),
            insights: vdm::Insights::default(),
            tenants: BTreeMap::new(),
            multi_region_endpoints: BTreeMap::new(),
            identity_certificates: BTreeMap::new(),
            account: Default::default(),
            deliverability_dashboard: None,
            deliverability_tests: BTreeMap::new(),
            reputation_entities: BTreeMap::new(),
        }
    }
}

/// A pool's scaling mode. Its text (`STANDARD`, `MANAGED`) is read by `FromStr` alone, for
/// every front end and the state file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ScalingMode {
    Standard,
    Managed,
}

impl ScalingMode {
    pub const ALL: [ScalingMode; 2] = [ScalingMode::Standard, ScalingMode::Managed];

    pub const fn as_str(self) -> &'static str {
        match self {
            ScalingMode::Standard => "STANDARD",
            ScalingMode::Managed => "MANAGED",
        }
    }
}

/// The exact text, as SES takes it (front ends that accept other cases fold it first).
impl std::str::FromStr for ScalingMode {
    type Err = crate::error::Error;

    fn from_str(s: &str) -> SesmResult<Self> {
        Self::ALL
            .into_iter()
            .find(|m| m.as_str() == s)
            .ok_or_else(|| {
                crate::error::Error::bad_request("The ScalingMode parameter is invalid.")
            })
    }
}

text_enum_serde!(ScalingMode);

/// A user-created dedicated IP pool.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Pool {
    pub scaling_mode: ScalingMode,
    #[serde(
        default,
        skip_serializing_if = "BTreeMap::is_empty",
        deserialize_with = "crate::lazy::unique"
    )]
    pub tags: Tags,
    /// The simulation state SES keeps for a managed pool (absent for standard pools).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub managed: Option<ManagedPoolState>,
}

/// What the model remembers about a managed pool between simulated days.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ManagedPoolState {
    /// Daily demand per ISP, oldest first, at most `ModelParams::history_days` long. Days before
    /// the pool existed are simply absent, which the model reads as 0.
    #[serde(
        default,
        skip_serializing_if = "BTreeMap::is_empty",
        deserialize_with = "crate::lazy::unique"
    )]
    pub history: BTreeMap<String, Vec<u64>>,
    /// Mail deferred yesterday and waiting to be retried, per ISP.
    #[serde(
        default,
        skip_serializing_if = "BTreeMap::is_empty",
        deserialize_with = "crate::lazy::unique"
    )]
    pub queue: BTreeMap<String, u64>,
    /// Consecutive days on which the pool needed fewer IPs than it had.
    #[serde(default)]
    pub under_use_days: u32,
}

/// A dedicated IP and the pool it belongs to (I4: exactly one).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Ip {
    pub pool: String,
    pub warmup: IpWarmup,
}

/// How an IP warms up: by time for standard IPs, by volume per ISP for managed ones.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", rename_all_fields = "PascalCase")]
pub enum IpWarmup {
    /// `p = min(100, start + days * 100 / 45)`, computed from the day count, never accumulated;
    /// `memory` is what the ISPs remember of the IP (model v3), which SES's `p` never changes.
    Standard {
        start: f64,
        days: u32,
        #[serde(default, skip_serializing_if = "IspMemory::is_empty")]
        memory: IspMemory,
    },
    /// Per-ISP warm-up of a managed IP; ISPs the IP never touched are absent (all zero).
    Managed {
        #[serde(
            default,
            skip_serializing_if = "BTreeMap::is_empty",
            deserialize_with = "crate::lazy::unique"
        )]
        isps: BTreeMap<String, IspWarmup>,
    },
}

/// The model's memory of one managed IP for one ISP.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct IspWarmup {
    /// Warm-up level `w` in [0, 100].
    pub w: f64,
    /// EWMA of what the IP delivered to the ISP; unset until it first sends.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ewma: Option<f64>,
    #[serde(default)]
    pub idle_days: u32,
}

/// A configuration set's TLS policy. Its text (`REQUIRE`, `OPTIONAL`) is read by `FromStr`
/// alone, for every front end and the state file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TlsPolicy {
    Require,
    #[default]
    Optional,
}

impl TlsPolicy {
    pub const ALL: [TlsPolicy; 2] = [TlsPolicy::Require, TlsPolicy::Optional];

    pub const fn as_str(self) -> &'static str {
        match self {
            TlsPolicy::Require => "REQUIRE",
            TlsPolicy::Optional => "OPTIONAL",
        }
    }
}

/// The exact text, as SES takes it (front ends that accept other cases fold it first).
impl std::str::FromStr for TlsPolicy {
    type Err = crate::error::Error;

    fn from_str(s: &str) -> SesmResult<Self> {
        Self::ALL
            .into_iter()
            .find(|t| t.as_str() == s)
            .ok_or_else(|| {
                crate::error::Error::bad_request(format!(
                    "Invalid TlsPolicy '{s}': use REQUIRE or OPTIONAL."
                ))
            })
    }
}

text_enum_serde!(TlsPolicy);

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ConfigSet {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sending_pool: Option<String>,
    /// `None` when never set: SES then uses OPTIONAL but leaves it out of
    /// `GetConfigurationSet` (Terraform reads it back as unset).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tls_policy: Option<TlsPolicy>,
    // Checked as it parses: the simulation retries for this long, so a hand-edited 3,600,000
    // would send many times a pool's daily rate.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "config_set::parse_max_delivery_seconds"
    )]
    pub max_delivery_seconds: Option<u32>,
    #[serde(
        default,
        skip_serializing_if = "BTreeMap::is_empty",
        deserialize_with = "crate::lazy::unique"
    )]
    pub tags: Tags,
    /// SESv2 option blocks sesm does not model (`TrackingOptions`, `ReputationOptions`,
    /// `SendingOptions`, `SuppressionOptions`, `VdmOptions`, …, and DeliveryOptions'
    /// `SharedPoolDeliveryMode`), kept as given so they read back as written.
    #[serde(
        default,
        skip_serializing_if = "BTreeMap::is_empty",
        deserialize_with = "crate::lazy::unique"
    )]
    pub options: BTreeMap<String, serde_json::Value>,
    /// Event destinations by name (`model::event`, V1–V9); since version 4.
    #[serde(
        default,
        skip_serializing_if = "BTreeMap::is_empty",
        deserialize_with = "crate::lazy::unique"
    )]
    pub event_destinations: BTreeMap<String, event::EventDestination>,
}

/// A sending identity; its type follows from its name (E1), so only what varies is stored.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Identity {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub configuration_set: Option<String>,
    #[serde(
        default,
        skip_serializing_if = "BTreeMap::is_empty",
        deserialize_with = "crate::lazy::unique"
    )]
    pub tags: Tags,
    /// PutEmailIdentityFeedbackAttributes' `EmailForwardingEnabled`; `None` until set, which
    /// SES reports as forwarding on. Optional so that untouched identities keep their bytes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub feedback_forwarding: Option<bool>,
    /// The custom MAIL FROM domain (a subdomain of the identity, checked when put).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mail_from_domain: Option<String>,
    /// What SES does when the MAIL FROM domain's MX record is missing; `None`: never set,
    /// which SES reports as `USE_DEFAULT_VALUE`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub behavior_on_mx_failure: Option<identity::BehaviorOnMxFailure>,
    /// PutEmailIdentityDkimAttributes' `SigningEnabled`; `None`: SES's default (a domain signs).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dkim_signing_enabled: Option<bool>,
    /// How DKIM keys are configured; `None`: Easy DKIM with SES's default key length.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dkim_signing: Option<identity::DkimSigning>,
    /// SES v1's feedback notifications: the SNS topic per type (`Bounce`, `Complaint`,
    /// `Delivery`) and whether they include the headers (SetIdentityNotificationTopic,
    /// SetIdentityHeadersInNotificationsEnabled).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub notification_topics: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub headers_in_notifications: BTreeMap<String, bool>,
    /// Sending authorization policies by name, each the JSON document as given
    /// (`model::policy`); since version 5.
    #[serde(
        default,
        skip_serializing_if = "BTreeMap::is_empty",
        deserialize_with = "crate::lazy::unique"
    )]
    pub policies: BTreeMap<String, String>,
    /// Set while an address created by SendCustomVerificationEmail waits for its link to be
    /// followed (`model::custom_verification`); an identity without it is verified.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pending_verification: Option<custom_verification::Pending>,
}

impl Identity {
    /// Whether the identity is verified (sesm's identities are, unless a custom verification
    /// email left one pending).
    pub fn verified(&self) -> bool {
        self.pending_verification.is_none()
    }
}

impl State {
    /// An empty account whose clock starts on `today` (A3).
    pub fn new(today: Date) -> State {
        State {
            schema_version: SCHEMA_VERSION,
            account_id: DEFAULT_ACCOUNT_ID.to_string(),
            date: today,
            next_ip: first_ip_offset(),
            prices: Prices::default(),
            model: ModelParams::default(),
            usage: BTreeMap::new(),
            sent_seq: 0,
            outbox_from: 0,
            regions: BTreeMap::new(),
            sns_subscriptions: Vec::new(),
            published: Default::default(),
        }
    }

    /// The region's data; an untouched region reads as empty.
    pub fn region(&self, name: &str) -> &Region {
        thread_local! {
            static EMPTY: &'static Region = Box::leak(Box::default());
        }
        self.regions
            .get(name)
            .unwrap_or_else(|| EMPTY.with(|empty| *empty))
    }

    pub fn region_mut(&mut self, name: &str) -> &mut Region {
        self.regions.entry(name.to_string()).or_default()
    }

    /// Hands out the next address of 198.18.0.0/15 (I1); `None` when the range is used up.
    pub fn allocate_ip(&mut self) -> Option<Ipv4Addr> {
        const BASE: u32 = u32::from_be_bytes([198, 18, 0, 0]);
        const SIZE: u32 = 1 << 17;
        // The last address of the /15 is its broadcast address: never hand it out.
        if self.next_ip >= SIZE - 1 {
            return None;
        }
        let ip = Ipv4Addr::from(BASE + self.next_ip);
        self.next_ip += 1;
        Some(ip)
    }

    /// How many more addresses `allocate_ip` can hand out.
    pub fn ips_left(&self) -> u32 {
        ((1u32 << 17) - 1).saturating_sub(self.next_ip)
    }

    /// The partition ARNs of a region use (`aws`, `aws-us-gov`, `aws-cn`).
    pub fn partition(region: &str) -> &'static str {
        if region.starts_with("us-gov-") {
            "aws-us-gov"
        } else if region.starts_with("cn-") {
            "aws-cn"
        } else {
            "aws"
        }
    }
}

impl IpWarmup {
    /// A standard IP at `start` % of SES's warm-up that no ISP knows yet.
    pub fn standard(start: f64) -> IpWarmup {
        IpWarmup::Standard {
            start,
            days: 0,
            memory: IspMemory::default(),
        }
    }

    /// A standard IP's exact warm-up percentage `p` (not floored).
    pub fn standard_percent(start: f64, days: u32) -> f64 {
        (start + f64::from(days) * 100.0 / 45.0).min(100.0)
    }
}

impl State {
    /// Parses every lazily loaded section, so that a corrupt one shows now (and a pretty export
    /// prints them all pretty).
    pub fn parse_all(&self) -> SesmResult<()> {
        for region in self.regions.values() {
            region.configuration_sets.get()?;
            region.identities.get()?;
            region.templates.get()?;
            region.metrics.get()?;
            region.contact_lists.get()?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;
