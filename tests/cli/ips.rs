//! Dedicated IP rules I1–I6.

use serde_json::json;

use crate::harness::Env;

#[test]
fn i1_lease_allocates_addresses_in_order_into_the_named_pool_or_the_default() {
    let env = Env::new();
    env.ok(&["pool", "create", "s"]);
    let v = env.json(&["ip", "lease", "--count", "2", "--pool", "s"]);
    assert_eq!(
        v["DedicatedIps"],
        json!([
            {"Ip": "198.18.0.1", "WarmupStatus": "IN_PROGRESS", "WarmupPercentage": 0, "PoolName": "s"},
            {"Ip": "198.18.0.2", "WarmupStatus": "IN_PROGRESS", "WarmupPercentage": 0, "PoolName": "s"}
        ])
    );
    let v = env.json(&["ip", "lease", "--count", "1"]);
    assert_eq!(
        v["DedicatedIps"][0]["PoolName"],
        "ses-default-dedicated-pool"
    );
    assert_eq!(v["DedicatedIps"][0]["Ip"], "198.18.0.3");
    // The counter is account-wide: another region continues it.
    let v = env.json(&["--region", "eu-west-1", "ip", "lease", "--count", "1"]);
    assert_eq!(v["DedicatedIps"][0]["Ip"], "198.18.0.4");
}

#[test]
fn i1_lease_refusals() {
    let env = Env::new();
    env.ok(&["pool", "create", "m", "--managed"]);
    let op = "LeaseDedicatedIps";
    env.refused(
        &["ip", "lease", "--count", "1", "--pool", "nope"],
        "NotFoundException",
        op,
    );
    env.refused(
        &["ip", "lease", "--count", "1", "--pool", "m"],
        "BadRequestException",
        op,
    );
    env.refused(
        &["ip", "lease", "--count", "1", "--pool", "ses-shared-pool"],
        "BadRequestException",
        op,
    );
    let run = env.refused(&["ip", "lease", "--count", "0"], "BadRequestException", op);
    assert!(
        Env::message(&run).contains("at least one"),
        "{}",
        run.stderr
    );
    env.refused(&["ip", "lease", "--count", "-3"], "BadRequestException", op);
    // A non-number is clap's business: exit 2.
    let run = env.run(&["ip", "lease", "--count", "two"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert_eq!(run.stdout, "");
}

#[test]
fn i2_new_ips_warm_up_when_auto_warmup_is_on_else_start_done() {
    let env = Env::new();
    let v = env.json(&["ip", "lease", "--count", "1"]);
    assert_eq!(v["DedicatedIps"][0]["WarmupStatus"], "IN_PROGRESS");
    assert_eq!(v["DedicatedIps"][0]["WarmupPercentage"], 0);
    env.ok(&["account", "set-auto-warmup", "off"]);
    let v = env.json(&["ip", "lease", "--count", "1"]);
    assert_eq!(v["DedicatedIps"][0]["WarmupStatus"], "DONE");
    assert_eq!(v["DedicatedIps"][0]["WarmupPercentage"], 100);
    // Auto warm-up is per region.
    let v = env.json(&["--region", "eu-west-1", "ip", "lease", "--count", "1"]);
    assert_eq!(v["DedicatedIps"][0]["WarmupStatus"], "IN_PROGRESS");
}

#[test]
fn i3_set_warmup_takes_0_to_100_for_standard_ips_only() {
    let env = Env::new();
    env.ok(&["ip", "lease", "--count", "2"]);
    let op = "PutDedicatedIpWarmupAttributes";
    env.refused(
        &["ip", "set-warmup", "198.18.0.1", "101"],
        "BadRequestException",
        op,
    );
    env.refused(
        &["ip", "set-warmup", "198.18.0.1", "-1"],
        "BadRequestException",
        op,
    );
    assert_eq!(env.run(&["ip", "set-warmup", "198.18.0.1", "half"]).code, 2);
    let v = env.json(&["ip", "set-warmup", "198.18.0.1", "55"]);
    assert_eq!(
        v["DedicatedIp"],
        json!({"Ip": "198.18.0.1", "WarmupStatus": "IN_PROGRESS", "WarmupPercentage": 55, "PoolName": "ses-default-dedicated-pool"})
    );
    let v = env.json(&["ip", "set-warmup", "198.18.0.1", "100"]);
    assert_eq!(v["DedicatedIp"]["WarmupStatus"], "DONE");
    assert_eq!(v["DedicatedIp"]["WarmupPercentage"], 100);
    env.ok(&["pool", "create", "s"]);
    env.ok(&["ip", "move", "198.18.0.2", "s"]);
    env.ok(&["pool", "set-scaling-mode", "s", "MANAGED"]);
    let run = env.refused(
        &["ip", "set-warmup", "198.18.0.2", "50"],
        "BadRequestException",
        op,
    );
    assert!(
        Env::message(&run).contains("managed pool s"),
        "{}",
        run.stderr
    );
}

#[test]
fn i4_move_rules() {
    let env = Env::new();
    let op = "PutDedicatedIpInPool";
    env.ok(&["pool", "create", "a"]);
    env.ok(&["pool", "create", "b"]);
    env.ok(&["pool", "create", "m", "--managed"]);
    env.ok(&["ip", "lease", "--count", "2", "--pool", "a"]);
    let v = env.json(&["ip", "move", "198.18.0.1", "b"]);
    assert_eq!(v["DedicatedIp"]["PoolName"], "b");
    assert_eq!(
        env.json(&["ip", "list", "--pool", "a"])["DedicatedIps"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    env.refused(
        &["ip", "move", "198.18.0.1", "nope"],
        "NotFoundException",
        op,
    );
    env.refused(
        &["ip", "move", "198.18.0.1", "m"],
        "BadRequestException",
        op,
    );
    env.refused(
        &["ip", "move", "198.18.0.1", "ses-shared-pool"],
        "BadRequestException",
        op,
    );
    env.refused(&["ip", "move", "198.18.0.9", "b"], "NotFoundException", op);
    // Managed IPs can't be moved.
    env.ok(&["pool", "set-scaling-mode", "b", "MANAGED"]);
    env.refused(
        &["ip", "move", "198.18.0.1", "a"],
        "BadRequestException",
        op,
    );
}

#[test]
fn i5_unknown_ip_is_not_found() {
    let env = Env::new();
    let run = env.refused(
        &["ip", "get", "198.18.0.7"],
        "NotFoundException",
        "GetDedicatedIp",
    );
    assert_eq!(
        Env::message(&run),
        "Could not find dedicated IP 198.18.0.7 under this account."
    );
    env.refused(
        &["ip", "release", "198.18.0.7"],
        "NotFoundException",
        "ReleaseDedicatedIp",
    );
    env.refused(
        &["ip", "get", "not-an-ip"],
        "BadRequestException",
        "GetDedicatedIp",
    );
    // IPs are per region.
    env.ok(&["ip", "lease", "--count", "1"]);
    env.refused(
        &["--region", "eu-west-1", "ip", "get", "198.18.0.1"],
        "NotFoundException",
        "GetDedicatedIp",
    );
}

#[test]
fn i6_release_relinquishes_a_standard_ip_for_good() {
    let env = Env::new();
    env.ok(&["ip", "lease", "--count", "1"]);
    let v = env.json(&["ip", "release", "198.18.0.1"]);
    assert_eq!(v["DedicatedIp"]["Ip"], "198.18.0.1");
    env.refused(
        &["ip", "get", "198.18.0.1"],
        "NotFoundException",
        "GetDedicatedIp",
    );
    // Addresses are never reused.
    let v = env.json(&["ip", "lease", "--count", "1"]);
    assert_eq!(v["DedicatedIps"][0]["Ip"], "198.18.0.2");
    env.ok(&["pool", "create", "s"]);
    env.ok(&["ip", "move", "198.18.0.2", "s"]);
    env.ok(&["pool", "set-scaling-mode", "s", "MANAGED"]);
    env.refused(
        &["ip", "release", "198.18.0.2"],
        "BadRequestException",
        "ReleaseDedicatedIp",
    );
}

#[test]
fn ip_list_is_in_numeric_address_order() {
    let env = Env::new();
    let mut doc = serde_json::json!({
        "SchemaVersion": 2, "AccountId": "123456789012", "Date": "2026-11-26", "NextIp": 300,
        "Regions": {"us-east-1": {"Ips": {}}}
    });
    for addr in ["198.18.0.10", "198.18.0.9", "198.18.1.2", "198.18.0.100"] {
        doc["Regions"]["us-east-1"]["Ips"][addr] = json!({"Pool": "ses-default-dedicated-pool", "Warmup": {"Standard": {"Start": 0.0, "Days": 0}}});
    }
    env.write_state(&doc);
    let v = env.json(&["--query", "DedicatedIps[].Ip", "ip", "list"]);
    assert_eq!(
        v,
        json!(["198.18.0.9", "198.18.0.10", "198.18.0.100", "198.18.1.2"])
    );
    env.refused(
        &["ip", "list", "--pool", "nope"],
        "NotFoundException",
        "GetDedicatedIps",
    );
}
