//! Configuration set rules C1–C7.

use serde_json::json;

use crate::harness::Env;

const CREATE: &str = "CreateConfigurationSet";

/// A state with `n` configuration sets, written directly (creating 10,000 through the CLI one
/// process at a time would take minutes).
fn state_with_config_sets(env: &Env, n: usize) {
    let sets: serde_json::Map<String, serde_json::Value> =
        (0..n).map(|i| (format!("cs{i:05}"), json!({}))).collect();
    env.write_state(&json!({
        "SchemaVersion": 2, "AccountId": "123456789012", "Date": "2026-11-26",
        "Regions": {"us-east-1": {"ConfigurationSets": sets}}
    }));
}

#[test]
fn c1_names_use_letters_digits_underscore_and_hyphen() {
    let env = Env::new();
    for bad in ["news letter", "news.letter", "", &"a".repeat(65)] {
        env.refused(
            &["config-set", "create", bad],
            "BadRequestException",
            CREATE,
        );
    }
    let v = env.json(&["config-set", "create", "News_Letter-2"]);
    assert_eq!(v["ConfigurationSetName"], "News_Letter-2");
    env.ok(&["config-set", "create", &"A".repeat(64)]);
}

#[test]
fn c2_names_are_unique_per_region() {
    let env = Env::new();
    env.ok(&["config-set", "create", "news"]);
    let run = env.refused(
        &["config-set", "create", "news"],
        "AlreadyExistsException",
        CREATE,
    );
    assert_eq!(Env::message(&run), "Configuration set news already exists.");
    env.ok(&["--region", "eu-west-1", "config-set", "create", "news"]);
}

#[test]
fn c3_ten_thousand_and_first_is_refused() {
    let env = Env::new();
    state_with_config_sets(&env, 10_000);
    let run = env.refused(
        &["config-set", "create", "one-more"],
        "LimitExceededException",
        CREATE,
    );
    assert!(Env::message(&run).contains("10000"), "{}", run.stderr);
    // Malformed and duplicate are reported before the quota.
    env.refused(
        &["config-set", "create", "bad name"],
        "BadRequestException",
        CREATE,
    );
    env.refused(
        &["config-set", "create", "cs00001"],
        "AlreadyExistsException",
        CREATE,
    );
    env.ok(&["--region", "eu-west-1", "config-set", "create", "one-more"]);
}

#[test]
fn c4_unknown_config_set_is_not_found() {
    let env = Env::new();
    let run = env.refused(
        &["config-set", "get", "nope"],
        "NotFoundException",
        "GetConfigurationSet",
    );
    assert_eq!(
        Env::message(&run),
        "Configuration set <nope> does not exist."
    );
    env.refused(
        &["config-set", "delete", "nope"],
        "NotFoundException",
        "DeleteConfigurationSet",
    );
    env.refused(
        &["config-set", "set-pool", "nope", "--none"],
        "NotFoundException",
        "PutConfigurationSetDeliveryOptions",
    );
}

#[test]
fn c5_the_sending_pool_must_exist_and_is_unique() {
    let env = Env::new();
    let run = env.refused(
        &["config-set", "create", "cs", "--pool", "nope"],
        "BadRequestException",
        CREATE,
    );
    assert_eq!(Env::message(&run), "SendingPool nope doesn't exist");
    env.ok(&["config-set", "create", "cs"]);
    let op = "PutConfigurationSetDeliveryOptions";
    let run = env.refused(
        &["config-set", "set-pool", "cs", "nope"],
        "BadRequestException",
        op,
    );
    assert_eq!(Env::message(&run), "SendingPool nope doesn't exist");
    env.ok(&["pool", "create", "a"]);
    env.ok(&["pool", "create", "b", "--managed"]);
    env.ok(&["config-set", "set-pool", "cs", "a"]);
    let run = env.ok(&["config-set", "set-pool", "cs", "b"]);
    assert!(
        run.stderr.contains("moved from pool a to b"),
        "{}",
        run.stderr
    );
    assert_eq!(
        env.json(&["pool", "get", "a"])["ConfigurationSets"],
        json!([])
    );
    assert_eq!(
        env.json(&["pool", "get", "b"])["ConfigurationSets"],
        json!(["cs"])
    );
    let v = env.json(&["config-set", "set-pool", "cs", "--none"]);
    assert_eq!(v["DeliveryOptions"], json!({"TlsPolicy": "OPTIONAL"}));
    // Exactly one of POOL and --none.
    assert_eq!(env.run(&["config-set", "set-pool", "cs"]).code, 2);
    assert_eq!(
        env.run(&["config-set", "set-pool", "cs", "a", "--none"])
            .code,
        2
    );
}

#[test]
fn c6_max_delivery_seconds_and_tls_policy() {
    let env = Env::new();
    for bad in ["299", "50401", "-5", "0"] {
        let run = env.refused(
            &["config-set", "create", "cs", "--max-delivery-seconds", bad],
            "BadRequestException",
            CREATE,
        );
        assert!(
            Env::message(&run).contains("300 to 50400"),
            "{}",
            run.stderr
        );
    }
    assert_eq!(
        env.run(&[
            "config-set",
            "create",
            "cs",
            "--max-delivery-seconds",
            "soon"
        ])
        .code,
        2
    );
    assert_eq!(
        env.run(&["config-set", "create", "cs", "--tls-policy", "SOMETIMES"])
            .code,
        2
    );
    let v = env.json(&[
        "config-set",
        "create",
        "cs",
        "--max-delivery-seconds",
        "300",
        "--tls-policy",
        "REQUIRE",
    ]);
    assert_eq!(
        v["DeliveryOptions"],
        json!({"TlsPolicy": "REQUIRE", "MaxDeliverySeconds": 300})
    );
    let v = env.json(&[
        "config-set",
        "create",
        "cs2",
        "--max-delivery-seconds",
        "50400",
    ]);
    assert_eq!(
        v["DeliveryOptions"],
        json!({"TlsPolicy": "OPTIONAL", "MaxDeliverySeconds": 50400})
    );
}

#[test]
fn c7_deleting_a_set_used_by_identities_keeps_their_default_and_fails_their_sends() {
    let env = Env::new();
    env.ok(&["config-set", "create", "cs"]);
    env.ok(&["identity", "create", "b.example.com", "--config-set", "cs"]);
    env.ok(&["identity", "create", "a@example.com", "--config-set", "cs"]);
    env.ok(&["identity", "create", "c.example.com"]);
    let v = env.json(&["config-set", "delete", "cs"]);
    assert_eq!(v["ConfigurationSetName"], "cs");
    assert_eq!(
        v["DisassociatedIdentities"],
        json!(["a@example.com", "b.example.com"])
    );
    // As SES: the identity keeps naming the deleted set, and its sends fail with a bad
    // request (the guide's default configuration sets page) until the set is back.
    let id = env.json(&["identity", "get", "b.example.com"]);
    assert_eq!(id["ConfigurationSetName"], "cs", "{id}");
    env.refused(
        &["config-set", "get", "cs"],
        "NotFoundException",
        "GetConfigurationSet",
    );
    let before = env.state_bytes();
    let send = [
        "send",
        "--from",
        "news@b.example.com",
        "--to",
        "x@gmail.com",
    ];
    let r = env.refused(&send, "BadRequestException", "SendEmail");
    assert!(
        Env::message(&r).contains("Configuration set <cs> does not exist"),
        "{}",
        Env::message(&r)
    );
    assert_eq!(env.state_bytes(), before);
    assert!(
        env.json(&["outbox", "list"])["Messages"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    // Naming another set in the request still sends; so does the set once created again.
    env.ok(&["config-set", "create", "other"]);
    env.ok(&[
        "send",
        "--from",
        "news@b.example.com",
        "--to",
        "x@gmail.com",
        "--config-set",
        "other",
    ]);
    env.ok(&["config-set", "create", "cs"]);
    let sent = env.json(&send);
    assert_eq!(sent["ConfigurationSetName"], "cs");
}

#[test]
fn config_set_list_is_sorted() {
    let env = Env::new();
    env.ok(&["config-set", "create", "b"]);
    env.ok(&["config-set", "create", "A"]);
    env.ok(&["config-set", "create", "a"]);
    assert_eq!(
        env.json(&["config-set", "list"])["ConfigurationSets"],
        json!(["A", "a", "b"])
    );
}
