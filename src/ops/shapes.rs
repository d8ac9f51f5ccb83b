//! Response shapes several operations share (SESv2 shapes, `cli.md`), built from the model.
//! These are views, never persisted: renaming a field here changes the contract, not the
//! state file.

use std::net::Ipv4Addr;

use serde::{Deserialize, Serialize};

use crate::error::Result;
use crate::model::arn::{ResourceKind, arn};
use crate::model::config_set::SHARED_POOL_DELIVERY_MODE;
use crate::model::identity::{BehaviorOnMxFailure, DkimKeyLength, DkimSigning};
use crate::model::ip::WarmupStatusName;
use crate::model::names::IdentityType;
use crate::model::{ConfigSet, Identity, Ip, IpWarmup, ScalingMode, State, Tags, TlsPolicy};
use crate::sim::formulas::capacity_warmup;
use crate::sim::today::capacity_today;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct TagView {
    pub key: String,
    pub value: String,
}

pub fn tags(t: &Tags) -> Vec<TagView> {
    t.iter()
        .map(|(k, v)| TagView {
            key: k.clone(),
            value: v.clone(),
        })
        .collect()
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct TagsView {
    pub tags: Vec<TagView>,
    /// What changed, and the resource as the request named it (for the confirmation).
    #[serde(skip)]
    pub change: Option<(Done, String)>,
}

/// What a changing operation did, for the confirmation line of the command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Done {
    Created,
    Deleted,
    Tagged,
    Untagged,
    /// An IP moved to another pool.
    Moved,
    /// An IP's warm-up percentage was set.
    WarmupSet(i64),
    Released,
    /// An identity's default configuration set was set (or, with `None`, removed).
    DefaultSet(Option<String>),
}

/// `DedicatedIp`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DedicatedIpView {
    pub ip: String,
    pub warmup_status: WarmupStatusName,
    pub warmup_percentage: i32,
    pub pool_name: String,
}

pub fn dedicated_ip(addr: &Ipv4Addr, ip: &Ip) -> DedicatedIpView {
    let status = ip.status();
    DedicatedIpView {
        ip: addr.to_string(),
        warmup_status: status.name(),
        warmup_percentage: status.percentage(),
        pool_name: ip.pool.clone(),
    }
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DedicatedIpGet {
    pub dedicated_ip: DedicatedIpView,
    #[serde(skip)]
    pub change: Option<Done>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct PoolHeader {
    pub pool_name: String,
    pub scaling_mode: ScalingMode,
    /// sesm's extra key: the pool's ARN, for `tag` commands.
    pub arn: String,
}

/// A pool's warm-up for one ISP as of the account's clock: the mean of its IPs' levels (a
/// standard pool's: of their SES percentages), what the IPs could take of the ISP today (the
/// effective daily rate), and that against the ISP's demand (capacity-weighted,
/// `warmup-model.md`): the last simulated day's, else the largest of the 28 days before.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct IspWarmupView {
    pub isp: String,
    pub warmup_percentage: f64,
    pub effective_daily_rate: u64,
    pub capacity_warmup_percentage: f64,
}

/// `pool get` (and `pool create`, `pool set-scaling-mode`).
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct PoolGet {
    pub dedicated_ip_pool: PoolHeader,
    pub dedicated_ips: Vec<DedicatedIpView>,
    pub configuration_sets: Vec<String>,
    pub tags: Vec<TagView>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub isp_warmup: Option<Vec<IspWarmupView>>,
}

pub fn pool_get(state: &State, region_name: &str, name: &str) -> Result<PoolGet> {
    let region = state.region(region_name);
    let pool = &region.pools[name];
    let ips: Vec<(&Ipv4Addr, &Ip)> = region.ips_of_pool(name).collect();
    let isp_warmup =
        (pool.managed.is_some() || !ips.is_empty()).then(|| isp_warmup(state, region, name, &ips));
    Ok(PoolGet {
        dedicated_ip_pool: PoolHeader {
            pool_name: name.to_string(),
            scaling_mode: pool.scaling_mode,
            arn: arn(region_name, &state.account_id, ResourceKind::Pool, name),
        },
        dedicated_ips: ips.iter().map(|(a, ip)| dedicated_ip(a, ip)).collect(),
        configuration_sets: region.config_sets_of_pool(name)?,
        tags: tags(&pool.tags),
        isp_warmup,
    })
}

/// Per ISP of the table, a pool's warm-up (`IspWarmupView`).
fn isp_warmup(
    state: &State,
    region: &crate::model::Region,
    name: &str,
    ips: &[(&Ipv4Addr, &Ip)],
) -> Vec<IspWarmupView> {
    let m = &state.model;
    let rates = capacity_today(m, ips.iter().map(|(_, ip)| *ip));
    let history = match region.pools.get(name).and_then(|p| p.managed.as_ref()) {
        Some(managed) => Some(&managed.history),
        None => region.standard_pools.get(name).map(|p| &p.history),
    };
    m.isps
        .iter()
        .zip(rates)
        .map(|(isp, rate)| {
            let levels: Vec<f64> = ips
                .iter()
                .map(|(_, ip)| match &ip.warmup {
                    IpWarmup::Managed { isps } => isps.get(&isp.isp).map_or(0.0, |w| w.w),
                    IpWarmup::Standard { start, days, .. } => {
                        IpWarmup::standard_percent(*start, *days).floor()
                    }
                })
                .collect();
            let days = history.and_then(|h| h.get(&isp.isp));
            let reference = match days.and_then(|d| d.last()) {
                Some(&last) if last > 0 => last,
                _ => days.and_then(|d| d.iter().copied().max()).unwrap_or(0),
            };
            IspWarmupView {
                isp: isp.isp.clone(),
                warmup_percentage: if levels.is_empty() {
                    0.0
                } else {
                    levels.iter().sum::<f64>() / levels.len() as f64
                },
                effective_daily_rate: rate,
                capacity_warmup_percentage: capacity_warmup(rate, reference),
            }
        })
        .collect()
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DeliveryOptions {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sending_pool_name: Option<String>,
    pub tls_policy: TlsPolicy,
    /// Whether `TlsPolicy` was set (SESv2 leaves an unset one out).
    #[serde(skip)]
    pub tls_policy_set: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_delivery_seconds: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shared_pool_delivery_mode: Option<String>,
}

/// `config-set get` (and `create`, `set-pool`).
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ConfigSetGet {
    pub configuration_set_name: String,
    pub delivery_options: DeliveryOptions,
    pub tags: Vec<TagView>,
    pub arn: String,
    /// The option blocks kept as given (`TrackingOptions`, `SendingOptions`, …), present
    /// only when set.
    #[serde(flatten)]
    pub option_blocks: std::collections::BTreeMap<String, serde_json::Value>,
    #[serde(skip)]
    pub change: Option<Done>,
}

pub fn config_set_get(state: &State, region: &str, name: &str, cs: &ConfigSet) -> ConfigSetGet {
    ConfigSetGet {
        configuration_set_name: name.to_string(),
        delivery_options: DeliveryOptions {
            sending_pool_name: cs.sending_pool.clone(),
            tls_policy: cs.tls_policy.unwrap_or_default(),
            tls_policy_set: cs.tls_policy.is_some(),
            max_delivery_seconds: cs.max_delivery_seconds,
            shared_pool_delivery_mode: cs
                .options
                .get(SHARED_POOL_DELIVERY_MODE)
                .and_then(|v| v.as_str())
                .map(str::to_string),
        },
        tags: tags(&cs.tags),
        arn: arn(region, &state.account_id, ResourceKind::ConfigSet, name),
        option_blocks: cs
            .options
            .iter()
            .filter(|(k, _)| k.as_str() != SHARED_POOL_DELIVERY_MODE)
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect(),
        change: None,
    }
}

/// `identity get` (and `create`, `set-config-set`).
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct IdentityGet {
    pub identity_name: String,
    pub identity_type: IdentityType,
    pub sending_enabled: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub configuration_set_name: Option<String>,
    pub tags: Vec<TagView>,
    pub arn: String,
    /// DKIM as SES reports it once the DNS records are found (sesm needs no DNS).
    pub dkim_attributes: DkimAttributes,
    /// Whether bounces and complaints are forwarded by email (SES's default: on).
    pub feedback_forwarding_status: bool,
    pub mail_from_attributes: MailFromView,
    #[serde(skip)]
    pub change: Option<Done>,
    /// Whether it is verified (`false` while a custom verification email waits to be
    /// followed); the endpoint's `VerificationStatus`.
    #[serde(skip)]
    pub verified: bool,
    /// Its sending authorization policies, by name (the endpoint's `Policies`).
    #[serde(skip)]
    pub policies: std::collections::BTreeMap<String, String>,
}

/// An identity's `MailFromAttributes`. Without a custom domain only the behaviour is given:
/// hashicorp/aws reads `BehaviorOnMxFailure` back, and its default is `USE_DEFAULT_VALUE`, so
/// a resource that sets no domain plans no change.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct MailFromView {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mail_from_domain: Option<String>,
    /// `SUCCESS` once the MX record is found; sesm needs no DNS, so at once.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mail_from_domain_status: Option<&'static str>,
    pub behavior_on_mx_failure: BehaviorOnMxFailure,
}

pub fn mail_from(identity: &Identity) -> MailFromView {
    MailFromView {
        mail_from_domain: identity.mail_from_domain.clone(),
        mail_from_domain_status: identity.mail_from_domain.as_ref().map(|_| "SUCCESS"),
        behavior_on_mx_failure: identity.behavior_on_mx_failure.unwrap_or_default(),
    }
}

/// An identity's `DkimAttributes`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DkimAttributes {
    pub signing_enabled: bool,
    pub status: &'static str,
    pub tokens: Vec<String>,
    pub signing_attributes_origin: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_signing_key_length: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub current_signing_key_length: Option<&'static str>,
    /// Epoch seconds: SESv2 sends timestamps as JSON numbers, and the Go SDK refuses strings.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_key_generation_timestamp: Option<i64>,
}

/// An identity's DKIM. A domain's Easy DKIM signs, verified, with three tokens from SHA-256 of
/// the region and the name (lowercase), so they are the same on every run, build and Rust
/// release; a DEED replica has its parent region's tokens (the same keys); BYODKIM's one token
/// is its selector (API reference, `DkimTokens`: "If you configured DKIM authentication ... by
/// providing your own public-private key pair, then this object contains the selector"). An
/// address signs with its domain's keys and has none of its own. `SigningEnabled` is what
/// PutEmailIdentityDkimAttributes last set, else on for a domain.
pub fn dkim_attributes(region: &str, name: &str, identity: &Identity) -> DkimAttributes {
    if IdentityType::of(name) == IdentityType::EmailAddress {
        return DkimAttributes {
            signing_enabled: identity.dkim_signing_enabled.unwrap_or(false),
            status: "NOT_STARTED",
            tokens: Vec::new(),
            signing_attributes_origin: "AWS_SES".into(),
            next_signing_key_length: None,
            current_signing_key_length: None,
            last_key_generation_timestamp: None,
        };
    }
    let signing_enabled = identity.dkim_signing_enabled.unwrap_or(true);
    let (token_region, next) = match &identity.dkim_signing {
        Some(DkimSigning::External { selector }) => {
            return DkimAttributes {
                signing_enabled,
                status: "SUCCESS",
                tokens: vec![selector.clone()],
                signing_attributes_origin: "EXTERNAL".into(),
                next_signing_key_length: None,
                current_signing_key_length: None,
                last_key_generation_timestamp: None,
            };
        }
        Some(DkimSigning::Replica { parent_region }) => (parent_region.as_str(), None),
        Some(DkimSigning::Easy {
            next_signing_key_length,
        }) => (region, Some(*next_signing_key_length)),
        None => (region, None),
    };
    use sha2::{Digest, Sha256};
    let tokens = (0u8..3)
        .map(|i| {
            let mut h = Sha256::new();
            h.update(token_region.as_bytes());
            h.update([0]);
            h.update(name.to_ascii_lowercase().as_bytes());
            h.update([0, i]);
            h.finalize()[..16]
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect::<String>()
        })
        .collect();
    DkimAttributes {
        signing_enabled,
        status: "SUCCESS",
        tokens,
        signing_attributes_origin: identity
            .dkim_signing
            .as_ref()
            .map_or_else(|| "AWS_SES".into(), DkimSigning::origin),
        next_signing_key_length: Some(next.unwrap_or(DkimKeyLength::Rsa2048).as_str()),
        current_signing_key_length: Some("RSA_2048_BIT"),
        // 2026-01-01T00:00:00Z: a fixed time, so answers do not change between runs.
        last_key_generation_timestamp: Some(1_767_225_600),
    }
}

pub fn identity_get(state: &State, region: &str, name: &str, identity: &Identity) -> IdentityGet {
    IdentityGet {
        identity_name: name.to_string(),
        identity_type: IdentityType::of(name),
        sending_enabled: true,
        configuration_set_name: identity.configuration_set.clone(),
        tags: tags(&identity.tags),
        arn: arn(region, &state.account_id, ResourceKind::Identity, name),
        dkim_attributes: dkim_attributes(region, name, identity),
        feedback_forwarding_status: identity.feedback_forwarding.unwrap_or(true),
        mail_from_attributes: mail_from(identity),
        change: None,
        verified: identity.verified(),
        policies: identity.policies.clone(),
    }
}
