//! Account rules A1–A3, and the global options every command shares.

use serde_json::json;

use crate::harness::{Env, TODAY};

#[test]
fn a1_the_account_id_is_in_every_arn() {
    let env = Env::new();
    let v = env.json(&["account"]);
    assert_eq!(v["AccountId"], "123456789012");
    let v = env.json(&["pool", "create", "p"]);
    assert!(
        v["DedicatedIpPool"]["Arn"]
            .as_str()
            .unwrap()
            .contains(":123456789012:")
    );
}

#[test]
fn a2_auto_warmup_is_per_region_and_on_by_default() {
    let env = Env::new();
    let v = env.json(&["account"]);
    assert_eq!(v["DedicatedIpAutoWarmupEnabled"], true);
    let v = env.json(&["--region", "eu-west-1", "account", "set-auto-warmup", "off"]);
    assert_eq!(v["DedicatedIpAutoWarmupEnabled"], false);
    assert_eq!(env.json(&["account"])["DedicatedIpAutoWarmupEnabled"], true);
    assert_eq!(
        env.json(&["--region", "eu-west-1", "account"])["DedicatedIpAutoWarmupEnabled"],
        false
    );
    assert_eq!(env.run(&["account", "set-auto-warmup", "maybe"]).code, 2);
}

#[test]
fn a3_the_clock_starts_at_sesm_today() {
    let env = Env::new();
    let v = env.json(&["account"]);
    assert_eq!(v["Date"], TODAY);
    let env = Env::new().with_env("SESM_TODAY", "2027-02-30");
    let run = env.refused_with(&["account"], 252, "InvalidParameter", "GetAccount");
    assert!(run.stderr.contains("SESM_TODAY"), "{}", run.stderr);
    let env = Env::new().with_env("SESM_TODAY", "2027-03-01");
    assert_eq!(env.json(&["account"])["Date"], "2027-03-01");
}

#[test]
fn account_json_has_the_contract_keys() {
    let env = Env::new();
    env.ok(&["pool", "create", "m", "--managed"]);
    env.ok(&["pool", "create", "s"]);
    env.ok(&["identity", "create", "a.com"]);
    env.ok(&["--region", "ap-south-1", "config-set", "create", "cs"]);
    let v = env.json(&["account"]);
    for key in ["DedicatedIpAutoWarmupEnabled", "Date", "Regions"] {
        assert!(v.get(key).is_some(), "missing {key}: {v}");
    }
    let regions = v["Regions"].as_array().unwrap();
    assert_eq!(regions.len(), 2);
    let us = &regions[1];
    assert_eq!(us["Region"], "us-east-1");
    assert_eq!(us["DedicatedIpPools"], 2);
    assert_eq!(us["ManagedPools"], 1);
    assert_eq!(us["EmailIdentities"], 1);
    assert_eq!(us["ConfigurationSets"], 0);
    assert_eq!(us["Quotas"]["MaxManagedPools"], 5);
    assert_eq!(us["Quotas"]["MaxDedicatedIpPools"], 50);
    assert_eq!(us["Quotas"]["MaxEmailIdentities"], 10000);
    assert_eq!(regions[0]["Region"], "ap-south-1");
}

#[test]
fn region_comes_from_flag_then_env_in_order() {
    let env = Env::new();
    env.ok(&["--region", "eu-west-3", "pool", "create", "flag"]);
    let env2 = Env::new()
        .with_env("SESM_REGION", "eu-west-2")
        .with_env("AWS_REGION", "eu-central-1")
        .with_env("AWS_DEFAULT_REGION", "ap-south-1");
    assert_eq!(env2.json(&["account"])["Region"], "eu-west-2");
    assert_eq!(
        env2.json(&["--region", "sa-east-1", "account"])["Region"],
        "sa-east-1"
    );
    let env3 = Env::new()
        .with_env("AWS_REGION", "eu-central-1")
        .with_env("AWS_DEFAULT_REGION", "ap-south-1");
    assert_eq!(env3.json(&["account"])["Region"], "eu-central-1");
    let env4 = Env::new().with_env("AWS_DEFAULT_REGION", "ap-south-1");
    assert_eq!(env4.json(&["account"])["Region"], "ap-south-1");
    assert_eq!(Env::new().json(&["account"])["Region"], "us-east-1");
    // The global options go before or after the subcommand.
    assert_eq!(
        env.json(&["pool", "list", "--region", "eu-west-3"])["DedicatedIpPools"],
        json!(["flag"])
    );
}

#[test]
fn a_malformed_region_is_refused_before_anything() {
    let env = Env::new();
    for bad in ["useast1", "US-EAST-1", "us-east", "mars"] {
        let run = env.refused_with(
            &["--region", bad, "pool", "create", "p"],
            252,
            "InvalidParameter",
            "CreateDedicatedIpPool",
        );
        assert!(run.stderr.contains("invalid region"), "{}", run.stderr);
    }
    let env = Env::new().with_env("AWS_REGION", "nowhere");
    env.refused_with(
        &["pool", "list"],
        252,
        "InvalidParameter",
        "ListDedicatedIpPools",
    );
    assert!(env.state_bytes().is_none());
}

#[test]
fn output_formats_and_sesm_output() {
    let env = Env::new();
    env.ok(&["pool", "create", "b"]);
    env.ok(&["pool", "create", "a"]);
    assert_eq!(
        env.ok(&["-o", "text", "pool", "list"]).stdout,
        "DEDICATEDIPPOOLS\ta\nDEDICATEDIPPOOLS\tb\n"
    );
    let env_json = Env::new().with_env("SESM_OUTPUT", "json");
    env_json.ok(&["pool", "create", "x"]);
    let run = env_json.ok(&["pool", "list"]);
    assert_eq!(run.json(), json!({"DedicatedIpPools": ["x"]}));
    assert_eq!(
        env_json
            .ok(&["-o", "table", "pool", "list"])
            .stdout
            .lines()
            .next()
            .unwrap(),
        "NAME  MODE      IPS  CONFIGURATION SETS"
    );
    assert_eq!(env.run(&["-o", "yaml", "pool", "list"]).code, 2);
}

#[test]
fn query_applies_in_every_format() {
    let env = Env::new();
    env.ok(&["ip", "lease", "--count", "2"]);
    let q = "DedicatedIps[].Ip";
    assert_eq!(
        env.json(&["ip", "list", "--query", q]),
        json!(["198.18.0.1", "198.18.0.2"])
    );
    assert_eq!(
        env.ok(&["-o", "text", "ip", "list", "--query", q]).stdout,
        "198.18.0.1\n198.18.0.2\n"
    );
    assert_eq!(
        env.ok(&["ip", "list", "--query", q]).stdout,
        "198.18.0.1\n198.18.0.2\n"
    );
    let table = env
        .ok(&[
            "ip",
            "list",
            "--query",
            "DedicatedIps[].{ip: Ip, pct: WarmupPercentage}",
        ])
        .stdout;
    assert_eq!(table, "IP          PCT\n198.18.0.1  0\n198.18.0.2  0\n");
    // A bad query is refused before a mutation can happen.
    env.refused_with(
        &["--query", "[[", "pool", "create", "p"],
        252,
        "InvalidParameter",
        "CreateDedicatedIpPool",
    );
    env.refused(
        &["pool", "get", "p"],
        "NotFoundException",
        "GetDedicatedIpPool",
    );
}

#[test]
fn quiet_hides_confirmations_but_never_data() {
    let env = Env::new();
    let run = env.ok(&["pool", "create", "p"]);
    assert!(
        run.stderr.contains("Created STANDARD pool p in us-east-1."),
        "{}",
        run.stderr
    );
    let run = env.ok(&["-q", "pool", "create", "q"]);
    assert_eq!(run.stderr, "");
    assert!(run.stdout.contains("PoolName:"), "{}", run.stdout);
}

#[test]
fn colour_only_when_asked_or_on_a_terminal() {
    let env = Env::new();
    env.ok(&["pool", "create", "p"]);
    assert!(!env.ok(&["pool", "list"]).stdout.contains('\u{1b}'));
    assert!(
        env.ok(&["--color", "always", "pool", "list"])
            .stdout
            .contains('\u{1b}')
    );
    let no_color = Env::new().with_env("NO_COLOR", "1");
    no_color.ok(&["pool", "create", "p"]);
    assert!(
        !no_color
            .ok(&["--color", "auto", "pool", "list"])
            .stdout
            .contains('\u{1b}')
    );
    let run = no_color.run(&["pool", "get", "nope"]);
    assert!(!run.stderr.contains('\u{1b}'));
}

#[test]
fn command_line_errors_exit_2_with_empty_stdout() {
    let env = Env::new();
    for args in [
        vec!["pool", "frobnicate"],
        vec!["pool", "create"],
        vec!["pool", "create", "p", "--scaling-mode", "SOMETIMES"],
        vec![
            "pool",
            "create",
            "p",
            "--managed",
            "--scaling-mode",
            "STANDARD",
        ],
        vec!["--nope"],
        vec!["state", "reset", "extra"],
    ] {
        let run = env.run(&args);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
        assert_eq!(run.stdout, "");
        assert!(run.stderr.contains("error:"), "{}", run.stderr);
    }
    assert!(env.state_bytes().is_none());
}

#[test]
fn help_lists_exit_codes_environment_and_examples() {
    let env = Env::new();
    let help = env.ok(&["--help"]).stdout;
    for needle in [
        "Exit codes:",
        "252",
        "253",
        "254",
        "255",
        "SESM_STATE",
        "SESM_REGION",
        "SESM_OUTPUT",
        "SESM_TODAY",
        "NO_COLOR",
        "estimates",
    ] {
        assert!(help.contains(needle), "--help lacks {needle}:\n{help}");
    }
    for cmd in [
        vec!["pool", "create"],
        vec!["pool", "list"],
        vec!["config-set", "set-pool"],
        vec!["identity", "import"],
        vec!["ip", "lease"],
        vec!["tag", "add"],
        vec!["account"],
        vec!["state", "reset"],
    ] {
        let mut args = cmd.clone();
        args.push("--help");
        let help = env.ok(&args).stdout;
        assert!(
            help.contains("Example"),
            "{cmd:?} --help has no example:\n{help}"
        );
    }
}
