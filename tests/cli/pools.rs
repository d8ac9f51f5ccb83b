//! Pool rules P1–P13, driven through the binary.

use crate::harness::Env;

const CREATE: &str = "CreateDedicatedIpPool";

#[test]
fn p1_pool_names_use_lowercase_letters_digits_underscore_and_hyphen() {
    let env = Env::new();
    for bad in ["Marketing", "mar keting", "mar.keting", "", &"a".repeat(65)] {
        let run = env.refused(&["pool", "create", bad], "BadRequestException", CREATE);
        assert!(
            Env::message(&run).contains("1 to 64 characters from a-z, 0-9, _ and -"),
            "{}",
            run.stderr
        );
    }
    assert!(
        env.state_bytes().is_none(),
        "a refusal must not create the state"
    );
    env.ok(&["pool", "create", &"a".repeat(64)]);
    env.ok(&["pool", "create", "mk_2-x"]);
    let pools = env.json(&["pool", "list"]);
    assert_eq!(
        pools["DedicatedIpPools"],
        serde_json::json!(["a".repeat(64), "mk_2-x"])
    );
}

#[test]
fn p1_malformed_name_is_bad_request_on_get_too() {
    let env = Env::new();
    env.refused(
        &["pool", "get", "UPPER"],
        "BadRequestException",
        "GetDedicatedIpPool",
    );
}

#[test]
fn p2_pool_names_are_unique_across_standard_and_managed() {
    let env = Env::new();
    env.ok(&["pool", "create", "shared-name"]);
    let run = env.refused(
        &["pool", "create", "shared-name", "--managed"],
        "AlreadyExistsException",
        CREATE,
    );
    assert_eq!(Env::message(&run), "The pool shared-name already exists.");
    let run = env.refused(
        &["pool", "create", "shared-name"],
        "AlreadyExistsException",
        CREATE,
    );
    assert_eq!(Env::message(&run), "The pool shared-name already exists.");
}

#[test]
fn p3_sixth_managed_pool_is_refused() {
    let env = Env::new();
    for i in 1..=5 {
        env.ok(&["pool", "create", &format!("m{i}"), "--managed"]);
    }
    let run = env.refused(
        &["pool", "create", "m6", "--managed"],
        "LimitExceededException",
        CREATE,
    );
    assert!(Env::message(&run).contains("5 managed"), "{}", run.stderr);
    // Standard pools are still allowed, and the quota is per region.
    env.ok(&["pool", "create", "s1"]);
    env.ok(&["--region", "eu-west-1", "pool", "create", "m6", "--managed"]);
}

#[test]
fn p3_scaling_mode_flag_counts_like_managed() {
    let env = Env::new();
    for i in 1..=5 {
        env.ok(&[
            "pool",
            "create",
            &format!("m{i}"),
            "--scaling-mode",
            "MANAGED",
        ]);
    }
    env.refused(
        &["pool", "create", "m6", "--scaling-mode", "MANAGED"],
        "LimitExceededException",
        CREATE,
    );
}

#[test]
fn p4_fifty_first_pool_is_refused() {
    let env = Env::new();
    for i in 0..50 {
        env.ok(&["-q", "pool", "create", &format!("p{i:02}")]);
    }
    let run = env.refused(&["pool", "create", "p50"], "LimitExceededException", CREATE);
    assert!(
        Env::message(&run).contains("50 dedicated IP pools"),
        "{}",
        run.stderr
    );
    env.refused(
        &["pool", "create", "p50", "--managed"],
        "LimitExceededException",
        CREATE,
    );
}

#[test]
fn p5_ses_pools_cannot_be_created_deleted_converted_or_fetched() {
    let env = Env::new();
    env.ok(&["pool", "create", "other"]);
    for name in ["ses-default-dedicated-pool", "ses-shared-pool"] {
        env.refused(&["pool", "create", name], "BadRequestException", CREATE);
        env.refused(
            &["pool", "delete", name],
            "BadRequestException",
            "DeleteDedicatedIpPool",
        );
        env.refused(
            &["pool", "get", name],
            "BadRequestException",
            "GetDedicatedIpPool",
        );
        env.refused(
            &["pool", "set-scaling-mode", name, "MANAGED"],
            "BadRequestException",
            "PutDedicatedIpPoolScalingAttributes",
        );
    }
}

#[test]
fn p5_ses_pools_are_valid_for_set_pool_and_only_default_for_ip_move() {
    let env = Env::new();
    env.ok(&["config-set", "create", "cs"]);
    let v = env.json(&["config-set", "set-pool", "cs", "ses-shared-pool"]);
    assert_eq!(v["DeliveryOptions"]["SendingPoolName"], "ses-shared-pool");
    let v = env.json(&["config-set", "set-pool", "cs", "ses-default-dedicated-pool"]);
    assert_eq!(
        v["DeliveryOptions"]["SendingPoolName"],
        "ses-default-dedicated-pool"
    );
    env.ok(&["pool", "create", "std"]);
    env.ok(&["ip", "lease", "--count", "1", "--pool", "std"]);
    let v = env.json(&["ip", "move", "198.18.0.1", "ses-default-dedicated-pool"]);
    assert_eq!(v["DedicatedIp"]["PoolName"], "ses-default-dedicated-pool");
    env.refused(
        &["ip", "move", "198.18.0.1", "ses-shared-pool"],
        "BadRequestException",
        "PutDedicatedIpInPool",
    );
}

#[test]
fn p6_unknown_pool_is_not_found() {
    let env = Env::new();
    let run = env.refused(
        &["pool", "get", "nope"],
        "NotFoundException",
        "GetDedicatedIpPool",
    );
    assert_eq!(
        Env::message(&run),
        "The requested pool nope does not exist."
    );
    assert!(
        run.stderr.contains("hint: list the pools"),
        "{}",
        run.stderr
    );
    env.refused(
        &["pool", "delete", "nope"],
        "NotFoundException",
        "DeleteDedicatedIpPool",
    );
    env.refused(
        &["pool", "set-scaling-mode", "nope", "MANAGED"],
        "NotFoundException",
        "PutDedicatedIpPoolScalingAttributes",
    );
}

#[test]
fn p7_managed_to_standard_is_refused() {
    let env = Env::new();
    env.ok(&["pool", "create", "m", "--managed"]);
    let run = env.refused(
        &["pool", "set-scaling-mode", "m", "STANDARD"],
        "BadRequestException",
        "PutDedicatedIpPoolScalingAttributes",
    );
    assert!(
        Env::message(&run).contains("can't be converted back to STANDARD"),
        "{}",
        run.stderr
    );
}

#[test]
fn p7_setting_the_current_mode_is_a_no_op_success() {
    let env = Env::new();
    env.ok(&["pool", "create", "m", "--managed"]);
    env.ok(&["pool", "create", "s"]);
    let before = env.state_bytes();
    let v = env.json(&["pool", "set-scaling-mode", "m", "MANAGED"]);
    assert_eq!(v["DedicatedIpPool"]["ScalingMode"], "MANAGED");
    let v = env.json(&["pool", "set-scaling-mode", "s", "STANDARD"]);
    assert_eq!(v["DedicatedIpPool"]["ScalingMode"], "STANDARD");
    assert_eq!(
        env.state_bytes(),
        before,
        "a no-op must not rewrite the state"
    );
    let run = env.ok(&["pool", "set-scaling-mode", "m", "MANAGED"]);
    assert!(run.stderr.contains("already MANAGED"), "{}", run.stderr);
}

#[test]
fn p7_conversion_counts_toward_the_managed_quota() {
    let env = Env::new();
    for i in 1..=5 {
        env.ok(&["pool", "create", &format!("m{i}"), "--managed"]);
    }
    env.ok(&["pool", "create", "s"]);
    env.refused(
        &["pool", "set-scaling-mode", "s", "MANAGED"],
        "LimitExceededException",
        "PutDedicatedIpPoolScalingAttributes",
    );
}

#[test]
fn p8_conversion_makes_ips_managed_seeded_from_their_warmup() {
    let env = Env::new();
    env.ok(&["config-set", "create", "cs"]);
    env.ok(&[
        "pool",
        "create",
        "s",
        "--config-set",
        "cs",
        "--tag",
        "team=mail",
    ]);
    env.ok(&["ip", "lease", "--count", "2", "--pool", "s"]);
    env.ok(&["ip", "set-warmup", "198.18.0.1", "40"]);
    let v = env.json(&["pool", "set-scaling-mode", "s", "MANAGED"]);
    assert_eq!(v["DedicatedIpPool"]["ScalingMode"], "MANAGED");
    for ip in v["DedicatedIps"].as_array().unwrap() {
        assert_eq!(ip["WarmupStatus"], "NOT_APPLICABLE");
        assert_eq!(ip["WarmupPercentage"], -1);
    }
    assert_eq!(v["ConfigurationSets"], serde_json::json!(["cs"]));
    assert_eq!(
        v["Tags"],
        serde_json::json!([{"Key": "team", "Value": "mail"}])
    );
    // The per-ISP warm-up starts at the IPs' standard percentages: 40 and 0, mean 20.
    let gmail = &v["IspWarmup"][0];
    assert_eq!(gmail["Isp"], "gmail");
    assert_eq!(gmail["WarmupPercentage"], 20.0);
    // allowed(40) + allowed(0) = floor(200 × 1000^0.4) + 200 = 3,169 + 200
    assert_eq!(gmail["EffectiveDailyRate"], 3369);
    let ip = env.json(&["ip", "get", "198.18.0.1"]);
    assert_eq!(ip["DedicatedIp"]["WarmupStatus"], "NOT_APPLICABLE");
}

#[test]
fn p9_tags_at_creation_follow_the_tag_rules() {
    let env = Env::new();
    env.refused(
        &["pool", "create", "p", "--tag", "aws:team=x"],
        "BadRequestException",
        CREATE,
    );
    env.refused(
        &["pool", "create", "p", "--tag", "team=x<y"],
        "BadRequestException",
        CREATE,
    );
    let many: Vec<String> = (0..51).map(|i| format!("--tag=k{i}=v")).collect();
    let mut args = vec!["pool", "create", "p"];
    args.extend(many.iter().map(String::as_str));
    env.refused(&args, "BadRequestException", CREATE);
    let v = env.json(&[
        "pool", "create", "p", "--tag", "b=2", "--tag", "a=1", "--tag", "b=3",
    ]);
    assert_eq!(
        v["Tags"],
        serde_json::json!([{"Key": "a", "Value": "1"}, {"Key": "b", "Value": "3"}])
    );
}

#[test]
fn p10_config_set_at_creation_must_exist() {
    let env = Env::new();
    let run = env.refused(
        &["pool", "create", "p", "--config-set", "nope"],
        "NotFoundException",
        CREATE,
    );
    assert_eq!(
        Env::message(&run),
        "Configuration set <nope> does not exist."
    );
}

#[test]
fn p10_config_set_moves_from_its_old_pool_and_the_move_is_reported() {
    let env = Env::new();
    env.ok(&["config-set", "create", "news"]);
    env.ok(&["pool", "create", "old", "--config-set", "news"]);
    let run = env.ok(&["pool", "create", "new", "--managed", "--config-set", "news"]);
    assert!(
        run.stderr
            .contains("Moved configuration set news from pool old to new."),
        "{}",
        run.stderr
    );
    let old = env.json(&["pool", "get", "old"]);
    assert_eq!(old["ConfigurationSets"], serde_json::json!([]));
    let new = env.json(&["pool", "get", "new"]);
    assert_eq!(new["ConfigurationSets"], serde_json::json!(["news"]));
    env.ok(&["config-set", "create", "other"]);
    env.ok(&["pool", "create", "third", "--config-set", "other"]);
    let v = env.json(&["pool", "create", "fourth", "--config-set", "other"]);
    assert_eq!(
        v["MovedConfigurationSets"],
        serde_json::json!([{"ConfigurationSetName": "other", "FromPoolName": "third"}])
    );
}

#[test]
fn p11_a_standard_pool_with_ips_cannot_be_deleted() {
    let env = Env::new();
    env.ok(&["pool", "create", "s"]);
    env.ok(&["ip", "lease", "--count", "1", "--pool", "s"]);
    let run = env.refused(
        &["pool", "delete", "s"],
        "BadRequestException",
        "DeleteDedicatedIpPool",
    );
    assert!(
        run.stderr.contains(
            "hint: move its IPs first, e.g.: sesm ip move 198.18.0.1 ses-default-dedicated-pool"
        ),
        "{}",
        run.stderr
    );
    env.ok(&["ip", "move", "198.18.0.1", "ses-default-dedicated-pool"]);
    let v = env.json(&["pool", "delete", "s"]);
    assert_eq!(v["DedicatedIpPool"]["PoolName"], "s");
    assert_eq!(v["RelinquishedIps"], serde_json::json!([]));
}

#[test]
fn p11_a_managed_pool_can_always_be_deleted_and_its_ips_are_relinquished() {
    let env = Env::new();
    env.ok(&["pool", "create", "s"]);
    env.ok(&["ip", "lease", "--count", "2", "--pool", "s"]);
    env.ok(&["pool", "set-scaling-mode", "s", "MANAGED"]);
    let v = env.json(&["pool", "delete", "s"]);
    assert_eq!(
        v["RelinquishedIps"],
        serde_json::json!(["198.18.0.1", "198.18.0.2"])
    );
    assert_eq!(v["DedicatedIpPool"]["ScalingMode"], "MANAGED");
    env.refused(
        &["ip", "get", "198.18.0.1"],
        "NotFoundException",
        "GetDedicatedIp",
    );
    assert_eq!(
        env.json(&["ip", "list"])["DedicatedIps"],
        serde_json::json!([])
    );
}

#[test]
fn p12_deleting_a_pool_disassociates_its_config_sets() {
    let env = Env::new();
    env.ok(&["config-set", "create", "a"]);
    env.ok(&["config-set", "create", "b"]);
    env.ok(&[
        "pool",
        "create",
        "p",
        "--config-set",
        "b",
        "--config-set",
        "a",
    ]);
    let run = env.ok(&["pool", "delete", "p"]);
    assert!(
        run.stderr.contains("a, b no longer have a sending pool"),
        "{}",
        run.stderr
    );
    env.ok(&["pool", "create", "p", "--config-set", "a"]);
    let v = env.json(&["pool", "delete", "p"]);
    assert_eq!(
        v["DisassociatedConfigurationSets"],
        serde_json::json!(["a"])
    );
    let cs = env.json(&["config-set", "get", "a"]);
    assert!(
        cs["DeliveryOptions"].get("SendingPoolName").is_none(),
        "{cs}"
    );
}

#[test]
fn p13_a_new_managed_pool_has_no_ips_and_users_never_lease_into_it() {
    let env = Env::new();
    let v = env.json(&["pool", "create", "m", "--managed"]);
    assert_eq!(v["DedicatedIps"], serde_json::json!([]));
    env.refused(
        &["ip", "lease", "--count", "1", "--pool", "m"],
        "BadRequestException",
        "LeaseDedicatedIps",
    );
    env.ok(&["ip", "lease", "--count", "1"]);
    env.refused(
        &["ip", "move", "198.18.0.1", "m"],
        "BadRequestException",
        "PutDedicatedIpInPool",
    );
}

#[test]
fn pool_list_is_sorted_and_per_region() {
    let env = Env::new();
    env.ok(&["pool", "create", "zeta"]);
    env.ok(&["pool", "create", "alpha", "--managed"]);
    env.ok(&["--region", "eu-west-1", "pool", "create", "beta"]);
    assert_eq!(
        env.json(&["pool", "list"])["DedicatedIpPools"],
        serde_json::json!(["alpha", "zeta"])
    );
    assert_eq!(
        env.json(&["pool", "list", "--region", "eu-west-1"])["DedicatedIpPools"],
        serde_json::json!(["beta"])
    );
    let table = env.ok(&["pool", "list"]).stdout;
    assert_eq!(
        table,
        "NAME   MODE      IPS  CONFIGURATION SETS\nalpha  MANAGED     0\nzeta   STANDARD    0\n"
    );
}
