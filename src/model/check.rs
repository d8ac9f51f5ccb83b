//! What must hold of an account that did not come through sesm's own rules — an imported
//! document (`state import`, refused with 252) or a hand-edited state file (refused with 253
//! when read): every rule of `ses-rules.md` on every resource, the model's constants within
//! their ranges, and the account's invariants (one pool per IP, one region per IP, the address
//! counter past every leased address, sent messages numbered in order).
//!
//! Each check names the first offending resource and the rule it breaks.

use std::collections::{BTreeMap, BTreeSet};
use std::net::Ipv4Addr;

use super::names::{check_config_set_name, check_pool_name, normalize_identity};
use super::params::MAX_DAILY_VOLUME;
use super::pool::is_reserved;
use super::sending::{NO_SET, OTHER_ISP};
use super::{
    IpWarmup, ModelParams, Prices, Region, SCHEMA_VERSION, SHARED_POOL, ScalingMode, State, Tags,
    config_set, quota, tags, template,
};

/// The largest demand a day of a managed pool's history may hold: every configuration set of
/// a region at the daily maximum.
const MAX_HISTORY_VOLUME: u64 = MAX_DAILY_VOLUME * quota::CONFIGURATION_SETS as u64;

fn range<T: PartialOrd + std::fmt::Display>(name: &str, v: T, lo: T, hi: T) -> Result<(), String> {
    if v >= lo && v <= hi {
        Ok(())
    } else {
        Err(format!("Model.{name} is {v}; it must be from {lo} to {hi}"))
    }
}

fn fraction(name: &str, v: f64) -> Result<(), String> {
    if v.is_finite() && v > 0.0 && v <= 1.0 {
        Ok(())
    } else {
        Err(format!(
            "Model.{name} is {v}; it must be above 0 and at most 1"
        ))
    }
}

impl ModelParams {
    /// Every constant within the range the model works in.
    pub fn check(&self) -> Result<(), String> {
        if self.isps.is_empty() || self.isps.len() > 100 {
            return Err(format!(
                "Model.Isps has {} ISPs; the table needs 1 to 100",
                self.isps.len()
            ));
        }
        if !self.cold_allowance.is_finite() {
            return Err(format!("Model.ColdAllowance is {}", self.cold_allowance));
        }
        range("ColdAllowance", self.cold_allowance, 1.0, 1e6)?;
        let mut names = BTreeSet::new();
        for isp in &self.isps {
            let ok = (1..=32).contains(&isp.isp.len())
                && isp.isp.bytes().all(|b| {
                    b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-'
                });
            if !ok {
                return Err(format!(
                    "ISP name '{}' must have 1 to 32 characters from a-z, 0-9, _ and -",
                    isp.isp.escape_default()
                ));
            }
            if !names.insert(isp.isp.as_str()) {
                return Err(format!("ISP {} is in the table twice", isp.isp));
            }
            let c = isp.fully_warm_daily_capacity_per_ip;
            if (c as f64) <= self.cold_allowance || c > 1_000_000_000 {
                return Err(format!(
                    "ISP {}: FullyWarmDailyCapacityPerIp is {c}; it must be above ColdAllowance ({}) and at most 1000000000",
                    isp.isp, self.cold_allowance
                ));
            }
            range(
                &format!("Isps.{}.DaysToWarm", isp.isp),
                isp.days_to_warm,
                1,
                3_650,
            )?;
        }
        if !names.contains(OTHER_ISP) {
            return Err(format!(
                "the ISP table has no '{OTHER_ISP}', which recipients of every domain the domain table does not name belong to"
            ));
        }
        for f in [
            self.headroom,
            self.standard_cold_cap,
            self.standard_warm_cap,
        ] {
            if !f.is_finite() {
                return Err(format!("a constant of the model is {f}"));
            }
        }
        range("Headroom", self.headroom, 1.0, 100.0)?;
        fraction("EwmaAlpha", self.ewma_alpha)?;
        fraction("FullUse", self.full_use)?;
        fraction("LatePhaseThreshold", self.late_phase_threshold)?;
        fraction("ScaleUtilisation", self.scale_utilisation)?;
        range("IdleResetDays", self.idle_reset_days, 1, 3_650)?;
        range("HistoryDays", self.history_days, 7, 365)?;
        range(
            "ActivationThreshold",
            self.activation_threshold,
            0,
            MAX_DAILY_VOLUME,
        )?;
        range(
            "IspScalingFloor",
            self.isp_scaling_floor,
            0,
            MAX_DAILY_VOLUME,
        )?;
        range("MaxIps", self.max_ips, 1, 10_000)?;
        range("ScaleInDays", self.scale_in_days, 1, 3_650)?;
        range("StandardWarmupDays", self.standard_warmup_days, 1, 3_650)?;
        range("StandardColdCap", self.standard_cold_cap, 1.0, 1e9)?;
        range(
            "StandardWarmCap",
            self.standard_warm_cap,
            self.standard_cold_cap,
            1e9,
        )?;
        range(
            "DefaultMaxDeliverySeconds",
            i64::from(self.default_max_delivery_seconds),
            config_set::MIN_MAX_DELIVERY_SECONDS,
            config_set::MAX_MAX_DELIVERY_SECONDS,
        )?;
        for rule in &self.isp_domains {
            let pattern = rule.domain.strip_suffix(".*").unwrap_or(&rule.domain);
            let ok = !pattern.is_empty()
                && pattern.len() <= 253
                && pattern.bytes().all(|b| {
                    b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'.'
                });
            if !ok {
                return Err(format!(
                    "IspDomains: '{}' is not a lowercase domain or name.*",
                    rule.domain.escape_default()
                ));
            }
            if !names.contains(rule.isp.as_str()) {
                return Err(format!(
                    "IspDomains: {} belongs to ISP '{}', which is not in the ISP table",
                    rule.domain,
                    rule.isp.escape_default()
                ));
            }
        }
        Ok(())
    }
}

impl Prices {
    /// Prices are finite, not negative, and the per-message tiers rise to an open last one.
    pub fn check(&self) -> Result<(), String> {
        for (name, v) in [
            ("StandardIpMonthly", self.standard_ip_monthly),
            ("ManagedPoolMonthly", self.managed_pool_monthly),
            ("SendingPerThousand", self.sending_per_thousand),
        ] {
            if !(v.is_finite() && (0.0..=1e6).contains(&v)) {
                return Err(format!(
                    "Prices.{name} is {v}; it must be from 0 to 1000000"
                ));
            }
        }
        let tiers = &self.managed_message_tiers;
        if tiers.is_empty() || tiers.len() > 20 {
            return Err("Prices.ManagedMessageTiers needs 1 to 20 tiers".into());
        }
        let mut below = 0u64;
        for (i, t) in tiers.iter().enumerate() {
            if !(t.per_thousand.is_finite() && (0.0..=1e3).contains(&t.per_thousand)) {
                return Err(format!(
                    "Prices.ManagedMessageTiers[{i}].PerThousand is {}; it must be from 0 to 1000",
                    t.per_thousand
                ));
            }
            match (t.up_to, i + 1 == tiers.len()) {
                (None, true) => {}
                (None, false) => {
                    return Err(format!(
                        "Prices.ManagedMessageTiers[{i}] has no UpTo, but it is not the last tier"
                    ));
                }
                (Some(_), true) => {
                    return Err("the last of Prices.ManagedMessageTiers must have no UpTo".into());
                }
                (Some(up), false) if up <= below => {
                    return Err(format!(
                        "Prices.ManagedMessageTiers[{i}].UpTo is {up}; tiers must rise"
                    ));
                }
                (Some(up), false) => below = up,
            }
        }
        Ok(())
    }
}

const BASE: u32 = u32::from_be_bytes([198, 18, 0, 0]);
const SIZE: u32 = 1 << 17;

/// The offset of an address in 198.18.0.0/15, where sesm leases from.
fn offset(ip: &Ipv4Addr) -> Option<u32> {
    let n = u32::from(*ip);
    (BASE..BASE + SIZE).contains(&n).then(|| n - BASE)
}

fn volumes(what: &str, model: &ModelParams, v: &BTreeMap<String, u64>) -> Result<(), String> {
    for (isp, n) in v {
        if model.isp_index(isp).is_none() {
            return Err(format!(
                "{what}: ISP '{}' is not in the ISP table",
                isp.escape_default()
            ));
        }
        if *n > MAX_DAILY_VOLUME {
            return Err(format!(
                "{what}: {n} messages a day to {isp} is more than the most sesm simulates per ISP and configuration set ({MAX_DAILY_VOLUME})"
            ));
        }
    }
    Ok(())
}

/// A pool's demand history: ISPs of the table, at most a year of days, volumes a day can hold.
fn history(what: &str, model: &ModelParams, h: &BTreeMap<String, Vec<u64>>) -> Result<(), String> {
    for (isp, days) in h {
        if model.isp_index(isp).is_none() || days.len() > 365 {
            return Err(format!(
                "{what}: the demand history of '{}' has {} days or an ISP not in the table",
                isp.escape_default(),
                days.len()
            ));
        }
        if let Some(v) = days.iter().find(|&&v| v > MAX_HISTORY_VOLUME) {
            return Err(format!("{what}: a day of its history holds {v} messages"));
        }
    }
    Ok(())
}

fn tag_rules(what: &str, t: &Tags) -> Result<(), String> {
    let list: Vec<(String, String)> = t.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
    tags::check(&list).map_err(|e| format!("{what}: T2/T4: {}", e.message))?;
    if t.len() > quota::TAGS {
        return Err(format!(
            "{what}: T1: {} tags, at most {}",
            t.len(),
            quota::TAGS
        ));
    }
    Ok(())
}

impl State {
    /// The checks a state file must pass every time it is read (those that need no large
    /// section parsed): the model's constants and prices, the document's version, the IPs and
    /// pools with their rules, traffic, mail sent today and the simulation's memory. The large
    /// sections (configuration sets, identities, metrics) check what the simulation computes
    /// with as they parse (`MaxDeliverySeconds`, metrics columns).
    pub fn check_values(&self) -> Result<(), String> {
        if self.schema_version != SCHEMA_VERSION {
            return Err(format!(
                "SchemaVersion is {}; this sesm writes {SCHEMA_VERSION}",
                self.schema_version
            ));
        }
        if self.account_id.len() != 12 || !self.account_id.bytes().all(|b| b.is_ascii_digit()) {
            return Err(format!(
                "AccountId '{}' is not 12 digits (A1)",
                self.account_id.escape_default()
            ));
        }
        // Years before 0 print as -00YYYY, which no month key or YYYY-MM-DD argument takes.
        if self.date.year() < 0 {
            return Err(format!(
                "Date {} is before 0000-01-01, the first date sesm supports",
                self.date
            ));
        }
        self.model.check()?;
        self.prices.check()?;
        for sub in &self.sns_subscriptions {
            let what = format!(
                "SNS subscription '{}'",
                sub.subscription_arn.escape_default()
            );
            super::rules::check_topic_arn(&sub.topic_arn).map_err(|e| format!("{what}: {e}"))?;
            if !sub.endpoint.starts_with("http://")
                || !sub.endpoint.bytes().all(|b| (0x21..0x7f).contains(&b))
            {
                return Err(format!(
                    "{what}: its endpoint '{}' is not an http:// URL",
                    sub.endpoint.escape_default()
                ));
            }
        }
        if self.next_ip == 0 || self.next_ip > SIZE - 1 {
            return Err(format!(
                "NextIp is {}; it must be from 1 to {}",
                self.next_ip,
                SIZE - 1
            ));
        }
        if self.outbox_from > self.sent_seq {
            return Err(format!(
                "OutboxFrom ({}) is past SentSeq ({})",
                self.outbox_from, self.sent_seq
            ));
        }
        for month in self.usage.keys() {
            let ok = month.len() == 7
                && month.as_bytes()[4] == b'-'
                && month[..4].bytes().all(|b| b.is_ascii_digit())
                && month[5..]
                    .parse::<u8>()
                    .is_ok_and(|m| (1..=12).contains(&m));
            if !ok {
                return Err(format!(
                    "Usage: '{}' is not a month (YYYY-MM)",
                    month.escape_default()
                ));
            }
        }
        let mut owners: BTreeMap<Ipv4Addr, &str> = BTreeMap::new();
        for (name, region) in &self.regions {
            if !super::names::is_region(name) {
                return Err(format!("'{}' is not a region name", name.escape_default()));
            }
            for addr in region.ips.keys() {
                if let Some(other) = owners.insert(*addr, name) {
                    return Err(format!(
                        "IP {addr} is in two regions, {other} and {name} (I4: an IP belongs to exactly one pool)"
                    ));
                }
                if let Some(o) = offset(addr)
                    && o >= self.next_ip
                {
                    return Err(format!(
                        "{name}: IP {addr} was leased, but NextIp ({}) would lease it again (I1: addresses are never reused)",
                        self.next_ip
                    ));
                }
            }
            region
                .check_values(&self.model)
                .map_err(|why| format!("{name}: {why}"))?;
            region
                .check_receiving()
                .map_err(|why| format!("{name}: {why}"))?;
            region
                .check_deliverability()
                .map_err(|why| format!("{name}: {why}"))?;
        }
        Ok(())
    }

    /// Every rule over every resource, for a document that did not come from sesm's own
    /// commands (`state import`): `check_values`, then the large sections too.
    pub fn check(&self) -> Result<(), String> {
        self.check_values()?;
        for (name, region) in &self.regions {
            region
                .check_rules()
                .map_err(|why| format!("{name}: {why}"))?;
            region
                .check_lists_and_policies(&self.account_id, name)
                .map_err(|why| format!("{name}: {why}"))?;
        }
        Ok(())
    }
}

impl Region {
    /// The per-read checks of one region: the numbers the model computes with, and the rules
    /// of the pools and IPs.
    fn check_values(&self, model: &ModelParams) -> Result<(), String> {
        // Pools and IPs are parsed on every read anyway; their rules are cheap to check here,
        // and a pool a command could never name (`Bad Pool`) could never be deleted either.
        if self.pools.len() > quota::POOLS {
            return Err(format!(
                "{} pools, at most {} (P4)",
                self.pools.len(),
                quota::POOLS
            ));
        }
        if self.managed_pool_count() > quota::MANAGED_POOLS {
            return Err(format!(
                "{} managed pools, at most {} (P3)",
                self.managed_pool_count(),
                quota::MANAGED_POOLS
            ));
        }
        for (name, pool) in &self.pools {
            let what = format!("pool '{}'", name.escape_default());
            check_pool_name(name).map_err(|e| format!("{what}: P1: {}", e.message))?;
            if is_reserved(name) {
                return Err(format!("{what}: P5: the name belongs to SES"));
            }
            tag_rules(&what, &pool.tags)?;
            if pool.managed.is_some() && pool.scaling_mode == ScalingMode::Standard {
                return Err(format!(
                    "{what}: a STANDARD pool with a managed pool's state"
                ));
            }
        }
        for (addr, ip) in &self.ips {
            if !self.pool_exists(&ip.pool) || ip.pool == SHARED_POOL {
                return Err(format!(
                    "IP {addr} is in pool '{}', which does not exist (I4)",
                    ip.pool.escape_default()
                ));
            }
            if ip.is_managed() != self.is_managed(&ip.pool) {
                return Err(format!(
                    "IP {addr} does not match the scaling mode of pool '{}' (I4)",
                    ip.pool
                ));
            }
        }
        for (name, pool) in &self.pools {
            let what = format!("pool '{}'", name.escape_default());
            if let Some(m) = &pool.managed {
                history(&what, model, &m.history)?;
                volumes(&format!("{what}: queue"), model, &m.queue)?;
            }
        }
        for (name, p) in &self.standard_pools {
            let what = format!("standard pool '{}'", name.escape_default());
            if !self.pool_exists(name) || self.is_managed(name) || name == SHARED_POOL {
                return Err(format!(
                    "{what}: the model's memory of a pool that is not standard"
                ));
            }
            history(&what, model, &p.history)?;
            for (isp, q) in &p.queue {
                if model.isp_index(isp).is_none() || *q > MAX_HISTORY_VOLUME {
                    return Err(format!(
                        "{what}: a queue of {q} messages for '{}'",
                        isp.escape_default()
                    ));
                }
            }
            for (isp, h) in &p.queue_hours {
                if model.isp_index(isp).is_none() || !(h.is_finite() && (0.0..=24.0).contains(h)) {
                    return Err(format!(
                        "{what}: a retry window of {h} hours for '{}'",
                        isp.escape_default()
                    ));
                }
            }
        }
        for (addr, ip) in &self.ips {
            match &ip.warmup {
                IpWarmup::Standard {
                    start,
                    days,
                    memory,
                } => {
                    if !(start.is_finite() && (0.0..=100.0).contains(start)) {
                        return Err(format!("IP {addr}: a warm-up of {start} % (I3: 0 to 100)"));
                    }
                    if *days > 36_500 {
                        return Err(format!("IP {addr}: {days} days of warm-up"));
                    }
                    for (isp, e) in &memory.ewma {
                        if model.isp_index(isp).is_none()
                            || !(e.is_finite() && (0.0..=MAX_HISTORY_VOLUME as f64).contains(e))
                        {
                            return Err(format!(
                                "IP {addr}: what '{}' remembers of it is not a volume",
                                isp.escape_default()
                            ));
                        }
                    }
                }
                IpWarmup::Managed { isps } => {
                    for (isp, w) in isps {
                        let ok = model.isp_index(isp).is_some()
                            && w.w.is_finite()
                            && (0.0..=100.0).contains(&w.w)
                            && w.ewma.is_none_or(|e| e.is_finite() && e >= 0.0);
                        if !ok {
                            return Err(format!(
                                "IP {addr}: the warm-up of '{}' is not a level from 0 to 100",
                                isp.escape_default()
                            ));
                        }
                    }
                }
            }
        }
        for (cs, t) in &self.traffic {
            volumes(&format!("traffic of '{}'", cs.escape_default()), model, t)?;
        }
        for (cs, t) in &self.pending {
            volumes(
                &format!("mail sent today through '{}'", cs.escape_default()),
                model,
                t,
            )?;
        }
        Ok(())
    }

    /// Every rule of `ses-rules.md` over the region's resources, large sections included.
    fn check_rules(&self) -> Result<(), String> {
        let sets = self.configuration_sets.get().map_err(|e| e.message)?;
        if sets.len() > quota::CONFIGURATION_SETS {
            return Err(format!(
                "{} configuration sets, at most {} (C3)",
                sets.len(),
                quota::CONFIGURATION_SETS
            ));
        }
        for (name, cs) in sets {
            let what = format!("configuration set '{}'", name.escape_default());
            check_config_set_name(name).map_err(|e| format!("{what}: C1: {}", e.message))?;
            if let Some(pool) = &cs.sending_pool
                && !self.pool_exists(pool)
            {
                return Err(format!(
                    "{what}: C5: it sends through '{}', which does not exist",
                    pool.escape_default()
                ));
            }
            // C6 (MaxDeliverySeconds) holds for every parsed set: it is checked as it parses.
            for block in config_set::OptionBlock::ALL {
                if let Some(v) = cs.options.get(block.member()) {
                    block
                        .check(v)
                        .map_err(|e| format!("{what}: {}", e.message))?;
                }
            }
            tag_rules(&what, &cs.tags)?;
            if cs.event_destinations.len() > super::event::DESTINATIONS_PER_SET {
                return Err(format!(
                    "{what}: {} event destinations, at most {} (V8)",
                    cs.event_destinations.len(),
                    super::event::DESTINATIONS_PER_SET
                ));
            }
            for (dest, d) in &cs.event_destinations {
                let at = format!("{what}: event destination '{}'", dest.escape_default());
                super::event::check_name(dest).map_err(|e| format!("{at}: V1: {}", e.message))?;
                super::event::Definition::of(d)
                    .check()
                    .map_err(|e| format!("{at}: {}", e.message))?;
            }
        }
        for (key, entry) in &self.suppressed {
            let what = format!("suppressed address '{}'", key.escape_default());
            match super::sending::check_address(key, "email") {
                Ok(k) if k == *key && entry.email_address == *key => {}
                _ => return Err(format!("{what}: S1: not an address as SES stores it")),
            }
        }
        let identities = self.identities.get().map_err(|e| e.message)?;
        if identities.len() > quota::IDENTITIES {
            return Err(format!(
                "{} identities, at most {} (E3)",
                identities.len(),
                quota::IDENTITIES
            ));
        }
        for (name, id) in identities {
            let what = format!("identity '{}'", name.escape_default());
            match normalize_identity(name) {
                Ok(n) if n == *name => {}
                Ok(n) => return Err(format!("{what}: E1: SES stores it as {n}")),
                Err(e) => return Err(format!("{what}: E1: {}", e.message)),
            }
            for (kind, topic) in &id.notification_topics {
                if !super::identity::NOTIFICATION_TYPES.contains(&kind.as_str()) {
                    return Err(format!(
                        "{what}: notification type '{}' is not Bounce, Complaint or Delivery",
                        kind.escape_default()
                    ));
                }
                super::rules::check_topic_arn(topic).map_err(|e| format!("{what}: {e}"))?;
            }
            if let Some(kind) = id
                .headers_in_notifications
                .keys()
                .find(|k| !super::identity::NOTIFICATION_TYPES.contains(&k.as_str()))
            {
                return Err(format!(
                    "{what}: notification type '{}' is not Bounce, Complaint or Delivery",
                    kind.escape_default()
                ));
            }
            // A default set that does not exist is allowed: SES keeps the name when the set
            // is deleted (C7); its name must still be one.
            if let Some(cs) = &id.configuration_set {
                check_config_set_name(cs).map_err(|e| format!("{what}: E4: {}", e.message))?;
            }
            tag_rules(&what, &id.tags)?;
        }
        let templates = self.templates.get().map_err(|e| e.message)?;
        if templates.len() > template::MAX_TEMPLATES {
            return Err(format!(
                "{} email templates, at most {} (M3)",
                templates.len(),
                template::MAX_TEMPLATES
            ));
        }
        for (name, t) in templates {
            let what = format!("email template '{}'", name.escape_default());
            template::check_template_name(name)
                .map_err(|e| format!("{what}: M1: {}", e.message))?;
            template::check_content(&t.content).map_err(|e| format!("{what}: {}", e.message))?;
            tag_rules(&what, &t.tags)?;
        }
        for cs in self.traffic.keys() {
            if !sets.contains_key(cs) {
                return Err(format!(
                    "traffic for configuration set '{}', which does not exist",
                    cs.escape_default()
                ));
            }
        }
        for cs in self.pending.keys() {
            if cs != NO_SET && !sets.contains_key(cs) {
                return Err(format!(
                    "mail sent today through configuration set '{}', which does not exist",
                    cs.escape_default()
                ));
            }
        }
        self.metrics.get().map_err(|e| e.message)?;
        Ok(())
    }
}
