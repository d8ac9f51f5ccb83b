//! Identity rules E1–E5, and `identity import`.

use serde_json::json;

use crate::harness::Env;

const CREATE: &str = "CreateEmailIdentity";
const IMPORT: &str = "ImportEmailIdentities";

#[test]
fn e1_identity_type_and_normalisation() {
    let env = Env::new();
    let v = env.json(&["identity", "create", "Example.COM"]);
    assert_eq!(v["IdentityName"], "example.com");
    assert_eq!(v["IdentityType"], "DOMAIN");
    let v = env.json(&["identity", "create", "Jane.Doe@Example.COM"]);
    assert_eq!(v["IdentityName"], "Jane.Doe@example.com");
    assert_eq!(v["IdentityType"], "EMAIL_ADDRESS");
    // The domain part is case-insensitive, the local part is not (RFC 5321).
    let v = env.json(&["identity", "get", "Jane.Doe@EXAMPLE.com"]);
    assert_eq!(v["IdentityName"], "Jane.Doe@example.com");
    env.refused(
        &["identity", "get", "jane.doe@example.com"],
        "NotFoundException",
        "GetEmailIdentity",
    );
}

#[test]
fn e1_malformed_identities_are_refused() {
    let env = Env::new();
    for bad in [
        "-bad.com",
        "bad-.com",
        "a..com",
        "under_score.com",
        "@example.com",
        "user@",
        "user@localhost",
        "a b@example.com",
        "x\"><script>",
    ] {
        let run = env.refused(&["identity", "create", bad], "BadRequestException", CREATE);
        assert!(
            Env::message(&run).starts_with("Invalid"),
            "{bad}: {}",
            run.stderr
        );
    }
    let long = format!("{}.com", "a".repeat(64));
    env.refused(
        &["identity", "create", &long],
        "BadRequestException",
        CREATE,
    );
    // One label is a domain identity SES takes (the provider's acceptance test
    // TestAccSESV2EmailIdentityDataSource_basic creates `tf-acc-test-…` in SES).
    env.ok(&["identity", "create", "localhost"]);
}

#[test]
fn e2_identities_are_unique_per_region() {
    let env = Env::new();
    env.ok(&["identity", "create", "example.com"]);
    let run = env.refused(
        &["identity", "create", "EXAMPLE.com"],
        "AlreadyExistsException",
        CREATE,
    );
    assert_eq!(
        Env::message(&run),
        "Email identity example.com already exists."
    );
    env.ok(&["--region", "eu-west-1", "identity", "create", "example.com"]);
}

#[test]
fn e3_ten_thousand_identities_then_no_more() {
    let env = Env::new();
    let file = env.path("ids.txt");
    let lines: String = (0..10_000).map(|i| format!("d{i}.example.com\n")).collect();
    std::fs::write(&file, lines).unwrap();
    let v = env.json(&["identity", "import", file.to_str().unwrap()]);
    assert_eq!(v, json!({"Imported": 10000}));
    let run = env.refused(
        &["identity", "create", "one-more.com"],
        "LimitExceededException",
        CREATE,
    );
    assert!(Env::message(&run).contains("10000"), "{}", run.stderr);
    std::fs::write(env.path("one.txt"), "one-more.com\n").unwrap();
    env.refused(
        &["identity", "import", env.path("one.txt").to_str().unwrap()],
        "LimitExceededException",
        IMPORT,
    );
    // Malformed and duplicate come before the quota.
    env.refused(
        &["identity", "create", "bad_domain.com"],
        "BadRequestException",
        CREATE,
    );
    env.refused(
        &["identity", "create", "d7.example.com"],
        "AlreadyExistsException",
        CREATE,
    );
}

#[test]
fn e3_import_is_all_or_nothing_and_names_the_failing_line() {
    let env = Env::new();
    env.ok(&["identity", "create", "taken.com"]);
    let file = env.path("ids.txt");
    std::fs::write(&file, "a.com\n\nb@c.com\nbad_name\nd.com\n").unwrap();
    let run = env.refused(
        &["identity", "import", file.to_str().unwrap()],
        "BadRequestException",
        IMPORT,
    );
    assert!(Env::message(&run).starts_with("line 4: "), "{}", run.stderr);
    std::fs::write(&file, "a.com\nTAKEN.com\n").unwrap();
    let run = env.refused(
        &["identity", "import", file.to_str().unwrap()],
        "AlreadyExistsException",
        IMPORT,
    );
    assert!(Env::message(&run).starts_with("line 2: "), "{}", run.stderr);
    std::fs::write(&file, "a.com\nb.com\nA.com\n").unwrap();
    let run = env.refused(
        &["identity", "import", file.to_str().unwrap()],
        "AlreadyExistsException",
        IMPORT,
    );
    assert!(Env::message(&run).starts_with("line 3: "), "{}", run.stderr);
    assert_eq!(
        env.json(&["identity", "list"])["EmailIdentities"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    // From stdin.
    let run = env.run_stdin(
        &["-o", "json", "identity", "import", "-"],
        "x.com\ny@x.com\n",
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.json(), json!({"Imported": 2}));
    // An unreadable file is a parameter problem (252).
    env.refused_with(
        &["identity", "import", "/nonexistent/ids.txt"],
        252,
        "InvalidParameter",
        IMPORT,
    );
}

#[test]
fn e4_the_default_config_set_must_exist() {
    let env = Env::new();
    let run = env.refused(
        &["identity", "create", "a.com", "--config-set", "nope"],
        "NotFoundException",
        CREATE,
    );
    assert_eq!(
        Env::message(&run),
        "Configuration set <nope> does not exist."
    );
    env.ok(&["identity", "create", "a.com"]);
    let op = "PutEmailIdentityConfigurationSetAttributes";
    env.refused(
        &["identity", "set-config-set", "a.com", "nope"],
        "NotFoundException",
        op,
    );
    env.ok(&["config-set", "create", "cs"]);
    let v = env.json(&["identity", "set-config-set", "a.com", "cs"]);
    assert_eq!(v["ConfigurationSetName"], "cs");
    let v = env.json(&["identity", "set-config-set", "a.com", "--none"]);
    assert!(v.get("ConfigurationSetName").is_none(), "{v}");
}

#[test]
fn e5_unknown_identity_is_not_found() {
    let env = Env::new();
    let run = env.refused(
        &["identity", "get", "nope.com"],
        "NotFoundException",
        "GetEmailIdentity",
    );
    assert_eq!(
        Env::message(&run),
        "Email identity nope.com does not exist."
    );
    env.refused(
        &["identity", "delete", "nope.com"],
        "NotFoundException",
        "DeleteEmailIdentity",
    );
    env.refused(
        &["identity", "set-config-set", "nope.com", "--none"],
        "NotFoundException",
        "PutEmailIdentityConfigurationSetAttributes",
    );
}

#[test]
fn identity_list_shape_and_order() {
    let env = Env::new();
    env.ok(&["identity", "create", "b.com"]);
    env.ok(&["identity", "create", "a@b.com"]);
    let v = env.json(&["identity", "list"]);
    assert_eq!(
        v,
        json!({"EmailIdentities": [
            {"IdentityName": "a@b.com", "IdentityType": "EMAIL_ADDRESS", "SendingEnabled": true},
            {"IdentityName": "b.com", "IdentityType": "DOMAIN", "SendingEnabled": true}
        ]})
    );
    let v = env.json(&["identity", "delete", "b.com"]);
    assert_eq!(v["IdentityName"], "b.com");
}
