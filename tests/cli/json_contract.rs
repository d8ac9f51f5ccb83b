//! JSON contract: every command's `-o json` output decodes into the shape `cli.md` names.
//! The structs deny unknown fields, so a renamed or misspelt key fails here loudly.

#![expect(
    non_snake_case,
    dead_code,
    reason = "the structs mirror the JSON keys (PascalCase) and decode fields only to check they are there"
)]

use serde::Deserialize;
use serde::de::DeserializeOwned;

use crate::harness::Env;

fn decode<T: DeserializeOwned>(env: &Env, args: &[&str]) -> T {
    let v = env.json(args);
    serde_json::from_value(v.clone()).unwrap_or_else(|e| panic!("sesm {args:?}: {e}\n{v:#}"))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Tag {
    Key: String,
    Value: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DedicatedIp {
    Ip: String,
    WarmupStatus: String,
    WarmupPercentage: i32,
    PoolName: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PoolHeader {
    PoolName: String,
    ScalingMode: String,
    Arn: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct IspWarmup {
    Isp: String,
    WarmupPercentage: f64,
    EffectiveDailyRate: u64,
    CapacityWarmupPercentage: f64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PoolGet {
    DedicatedIpPool: PoolHeader,
    DedicatedIps: Vec<DedicatedIp>,
    ConfigurationSets: Vec<String>,
    Tags: Vec<Tag>,
    IspWarmup: Option<Vec<IspWarmup>>,
    MovedConfigurationSets: Option<Vec<serde_json::Value>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PoolList {
    DedicatedIpPools: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PoolDelete {
    DedicatedIpPool: PoolHeader,
    Tags: Vec<Tag>,
    RelinquishedIps: Vec<String>,
    DisassociatedConfigurationSets: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DeliveryOptions {
    SendingPoolName: Option<String>,
    TlsPolicy: String,
    MaxDeliverySeconds: Option<u32>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ConfigSetGet {
    ConfigurationSetName: String,
    DeliveryOptions: DeliveryOptions,
    Tags: Vec<Tag>,
    Arn: String,
    DisassociatedIdentities: Option<Vec<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ConfigSetList {
    ConfigurationSets: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct IdentityGet {
    IdentityName: String,
    IdentityType: String,
    SendingEnabled: bool,
    ConfigurationSetName: Option<String>,
    Tags: Vec<Tag>,
    Arn: String,
    DkimAttributes: Dkim,
    FeedbackForwardingStatus: bool,
    MailFromAttributes: MailFrom,
}

/// The same `MailFromAttributes` GetEmailIdentity answers (domain and status only when a
/// custom MAIL FROM domain is set).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MailFrom {
    MailFromDomain: Option<String>,
    MailFromDomainStatus: Option<String>,
    BehaviorOnMxFailure: String,
}

/// The same `DkimAttributes` GetEmailIdentity answers.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Dkim {
    SigningEnabled: bool,
    Status: String,
    Tokens: Vec<String>,
    SigningAttributesOrigin: String,
    NextSigningKeyLength: Option<String>,
    CurrentSigningKeyLength: Option<String>,
    LastKeyGenerationTimestamp: Option<i64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct IdentityListItem {
    IdentityName: String,
    IdentityType: String,
    SendingEnabled: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct IdentityList {
    EmailIdentities: Vec<IdentityListItem>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Imported {
    Imported: usize,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct IpGet {
    DedicatedIp: DedicatedIp,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct IpList {
    DedicatedIps: Vec<DedicatedIp>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Tags {
    Tags: Vec<Tag>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Quotas {
    MaxDedicatedIpPools: usize,
    MaxManagedPools: usize,
    MaxEmailIdentities: usize,
    MaxConfigurationSets: usize,
    MaxTagsPerResource: usize,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AccountRegion {
    Region: String,
    DedicatedIpPools: usize,
    ManagedPools: usize,
    DedicatedIps: usize,
    EmailIdentities: usize,
    ConfigurationSets: usize,
    DedicatedIpAutoWarmupEnabled: bool,
    Quotas: Quotas,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Account {
    AccountId: String,
    Region: String,
    DedicatedIpAutoWarmupEnabled: bool,
    Date: String,
    CostToDate: f64,
    Regions: Vec<AccountRegion>,
    SendingEnabled: bool,
    SendQuota: SendQuota,
}

/// The same `SendQuota` GetAccount answers.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SendQuota {
    Max24HourSend: f64,
    MaxSendRate: f64,
    SentLast24Hours: f64,
}

#[test]
fn pool_commands() {
    let env = Env::new();
    env.ok(&["config-set", "create", "cs"]);
    let created: PoolGet = decode(
        &env,
        &["pool", "create", "p", "--config-set", "cs", "--tag", "a=b"],
    );
    assert!(
        created.IspWarmup.is_none(),
        "standard pools have no per-ISP warm-up"
    );
    assert_eq!(created.DedicatedIpPool.ScalingMode, "STANDARD");
    let _: PoolList = decode(&env, &["pool", "list"]);
    let got: PoolGet = decode(&env, &["pool", "get", "p"]);
    assert_eq!(got.ConfigurationSets, ["cs"]);
    let converted: PoolGet = decode(&env, &["pool", "set-scaling-mode", "p", "MANAGED"]);
    assert_eq!(converted.IspWarmup.unwrap().len(), 9);
    let deleted: PoolDelete = decode(&env, &["pool", "delete", "p"]);
    assert_eq!(deleted.DisassociatedConfigurationSets, ["cs"]);
}

#[test]
fn config_set_commands() {
    let env = Env::new();
    env.ok(&["pool", "create", "p"]);
    let c: ConfigSetGet = decode(
        &env,
        &[
            "config-set",
            "create",
            "cs",
            "--pool",
            "p",
            "--max-delivery-seconds",
            "600",
        ],
    );
    assert_eq!(c.DeliveryOptions.SendingPoolName.as_deref(), Some("p"));
    let _: ConfigSetGet = decode(&env, &["config-set", "get", "cs"]);
    let _: ConfigSetGet = decode(&env, &["config-set", "set-pool", "cs", "--none"]);
    let _: ConfigSetList = decode(&env, &["config-set", "list"]);
    let d: ConfigSetGet = decode(&env, &["config-set", "delete", "cs"]);
    assert_eq!(d.DisassociatedIdentities, Some(vec![]));
}

#[test]
fn identity_commands() {
    let env = Env::new();
    env.ok(&["config-set", "create", "cs"]);
    let i: IdentityGet = decode(&env, &["identity", "create", "a.com", "--config-set", "cs"]);
    assert_eq!(i.ConfigurationSetName.as_deref(), Some("cs"));
    assert!(i.SendingEnabled);
    assert!(i.FeedbackForwardingStatus);
    assert_eq!(
        i.MailFromAttributes.BehaviorOnMxFailure,
        "USE_DEFAULT_VALUE"
    );
    assert!(i.MailFromAttributes.MailFromDomain.is_none());
    assert!(i.MailFromAttributes.MailFromDomainStatus.is_none());
    assert_eq!(i.DkimAttributes.Tokens.len(), 3);
    assert!(
        i.DkimAttributes
            .Tokens
            .iter()
            .all(|t| t.len() == 32 && t.bytes().all(|b| b.is_ascii_hexdigit())),
        "{:?}",
        i.DkimAttributes.Tokens
    );
    let _: IdentityGet = decode(&env, &["identity", "get", "a.com"]);
    let _: IdentityGet = decode(&env, &["identity", "set-config-set", "a.com", "--none"]);
    let _: IdentityList = decode(&env, &["identity", "list"]);
    std::fs::write(env.path("ids"), "b.com\n").unwrap();
    let n: Imported = decode(
        &env,
        &["identity", "import", env.path("ids").to_str().unwrap()],
    );
    assert_eq!(n.Imported, 1);
    let _: IdentityGet = decode(&env, &["identity", "delete", "a.com"]);
}

#[test]
fn ip_commands() {
    let env = Env::new();
    env.ok(&["pool", "create", "p"]);
    let l: IpList = decode(&env, &["ip", "lease", "--count", "2"]);
    assert_eq!(l.DedicatedIps.len(), 2);
    let _: IpList = decode(&env, &["ip", "list"]);
    let _: IpGet = decode(&env, &["ip", "get", "198.18.0.1"]);
    let _: IpGet = decode(&env, &["ip", "move", "198.18.0.1", "p"]);
    let _: IpGet = decode(&env, &["ip", "set-warmup", "198.18.0.1", "30"]);
    let _: IpGet = decode(&env, &["ip", "release", "198.18.0.1"]);
}

#[test]
fn tag_and_account_commands() {
    let env = Env::new();
    env.ok(&["pool", "create", "p"]);
    let _: Tags = decode(&env, &["tag", "add", "pool/p", "a=1"]);
    let _: Tags = decode(&env, &["tag", "list", "pool/p"]);
    let _: Tags = decode(&env, &["tag", "remove", "pool/p", "a"]);
    let a: Account = decode(&env, &["account"]);
    assert_eq!(a.Regions.len(), 1);
    let _: Account = decode(&env, &["account", "set-auto-warmup", "off"]);
}
