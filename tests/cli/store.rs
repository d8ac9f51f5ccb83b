//! The state file's guarantees, through the binary: missing, corrupt, newer, locked, backup,
//! permissions, and `state path|export|import|reset`.

use std::os::unix::fs::PermissionsExt;

use serde_json::json;

use crate::harness::{Env, TODAY};

#[test]
fn a_missing_state_is_an_empty_account_and_reading_creates_nothing() {
    let env = Env::new();
    assert_eq!(env.json(&["pool", "list"]), json!({"DedicatedIpPools": []}));
    assert_eq!(env.json(&["ip", "list"]), json!({"DedicatedIps": []}));
    env.ok(&["account"]);
    assert!(
        !env.state.parent().unwrap().exists(),
        "a read must not create the folder"
    );
}

#[test]
fn the_first_write_creates_the_folder_and_a_0600_file() {
    let mut env = Env::new();
    env.state = env.dir.path().join("deep/er/state.json");
    env.ok(&["pool", "create", "p"]);
    let mode = std::fs::metadata(&env.state).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    let doc = env.state_json();
    assert_eq!(doc["SchemaVersion"], 8);
    assert_eq!(doc["Date"], TODAY);
    assert!(
        !env.backup_path().exists(),
        "no backup before there is a previous version"
    );
}

#[test]
fn every_write_keeps_the_previous_version_as_backup() {
    let env = Env::new();
    env.ok(&["pool", "create", "a"]);
    let first = env.state_bytes().unwrap();
    env.ok(&["pool", "create", "b"]);
    assert_eq!(std::fs::read(env.backup_path()).unwrap(), first);
    let mode = std::fs::metadata(env.backup_path())
        .unwrap()
        .permissions()
        .mode()
        & 0o777;
    assert_eq!(mode, 0o600);
}

#[test]
fn a_corrupt_state_is_reported_with_path_position_and_backup_and_left_alone() {
    let env = Env::new();
    env.ok(&["pool", "create", "a"]);
    env.ok(&["pool", "create", "b"]);
    std::fs::write(&env.state, b"{\"SchemaVersion\":2,\"AccountId\":\n  oops").unwrap();
    for args in [vec!["pool", "list"], vec!["pool", "create", "c"]] {
        let op = if args[1] == "list" {
            "ListDedicatedIpPools"
        } else {
            "CreateDedicatedIpPool"
        };
        let run = env.refused_with(&args, 253, "StateError", op);
        let state = env.state.display().to_string();
        assert!(
            run.stderr
                .contains(&format!("the state file {state} is corrupt")),
            "{}",
            run.stderr
        );
        assert!(run.stderr.contains("line 2 column 3"), "{}", run.stderr);
        assert!(
            run.stderr.contains(&format!("{}.bak", state)),
            "{}",
            run.stderr
        );
    }
    assert_eq!(
        std::fs::read(&env.state).unwrap(),
        b"{\"SchemaVersion\":2,\"AccountId\":\n  oops"
    );
}

#[test]
fn wrong_types_are_corrupt_too() {
    let env = Env::new();
    env.write_state(&json!({"SchemaVersion": 2, "AccountId": "123456789012", "Date": "2026-11-26", "Regions": {"us-east-1": {"Pools": {"p": {"ScalingMode": 7}}}}}));
    let run = env.refused_with(&["pool", "list"], 253, "StateError", "ListDedicatedIpPools");
    assert!(run.stderr.contains("is corrupt"), "{}", run.stderr);
    assert!(run.stderr.contains("no backup"), "{}", run.stderr);
}

#[test]
fn a_state_from_a_newer_sesm_is_refused_and_never_rewritten() {
    let env = Env::new();
    env.write_state(&json!({"SchemaVersion": 9, "Whatever": "the future holds"}));
    let before = env.state_bytes();
    let run = env.refused_with(
        &["pool", "create", "p"],
        253,
        "StateError",
        "CreateDedicatedIpPool",
    );
    assert!(run.stderr.contains("newer sesm"), "{}", run.stderr);
    env.refused_with(&["pool", "list"], 253, "StateError", "ListDedicatedIpPools");
    assert_eq!(env.state_bytes(), before);
}

#[test]
fn a_held_lock_times_out_with_253() {
    let env = Env::new().with_env("SESM_LOCK_TIMEOUT", "0.3");
    env.ok(&["pool", "create", "a"]);
    let lock = std::fs::OpenOptions::new()
        .write(true)
        .open(format!("{}.lock", env.state.display()))
        .unwrap();
    lock.lock().unwrap();
    let started = std::time::Instant::now();
    let run = env.refused_with(
        &["pool", "create", "b"],
        253,
        "StateError",
        "CreateDedicatedIpPool",
    );
    assert!(started.elapsed().as_secs_f64() >= 0.3);
    assert!(run.stderr.contains("held the lock"), "{}", run.stderr);
    assert!(run.stderr.contains("SESM_LOCK_TIMEOUT"), "{}", run.stderr);
    // Readers take no lock.
    env.ok(&["pool", "list"]);
    lock.unlock().unwrap();
    env.ok(&["pool", "create", "b"]);
    let bad = Env::new().with_env("SESM_LOCK_TIMEOUT", "soon");
    bad.refused_with(
        &["pool", "create", "b"],
        252,
        "InvalidParameter",
        "CreateDedicatedIpPool",
    );
}

#[test]
fn a_state_folder_that_cannot_be_created_is_253() {
    let mut env = Env::new();
    std::fs::write(env.path("file"), b"not a folder").unwrap();
    env.state = env.path("file").join("state.json");
    let run = env.refused_with(
        &["pool", "create", "p"],
        253,
        "StateError",
        "CreateDedicatedIpPool",
    );
    assert!(
        run.stderr.contains("cannot create the state folder"),
        "{}",
        run.stderr
    );
}

#[test]
fn state_path_export_import_reset() {
    let env = Env::new();
    assert_eq!(
        env.ok(&["state", "path"]).stdout.trim(),
        env.state.display().to_string()
    );
    let v = env.json(&["state", "path"]);
    assert_eq!(v["Path"], env.state.display().to_string());
    assert_eq!(v["Exists"], false);
    env.ok(&["pool", "create", "p", "--managed"]);
    env.ok(&["identity", "create", "a.com"]);
    let exported = env.ok(&["state", "export"]).stdout;
    let doc: serde_json::Value = serde_json::from_str(&exported).unwrap();
    assert_eq!(
        doc["Regions"]["us-east-1"]["Pools"]["p"]["ScalingMode"],
        "MANAGED"
    );
    let file = env.path("backup.json");
    env.ok(&["state", "export", file.to_str().unwrap()]);
    assert_eq!(std::fs::read_to_string(&file).unwrap(), exported);

    let run = env.refused_with(&["state", "reset"], 252, "InvalidParameter", "ResetState");
    assert!(run.stderr.contains("--yes"), "{}", run.stderr);
    env.ok(&["state", "reset", "--yes"]);
    assert_eq!(env.json(&["pool", "list"]), json!({"DedicatedIpPools": []}));
    env.ok(&["state", "import", file.to_str().unwrap()]);
    assert_eq!(
        env.json(&["pool", "list"]),
        json!({"DedicatedIpPools": ["p"]})
    );

    std::fs::write(&file, b"{ not json").unwrap();
    env.refused_with(
        &["state", "import", file.to_str().unwrap()],
        252,
        "InvalidParameter",
        "ImportState",
    );
    std::fs::write(
        &file,
        serde_json::to_vec(&json!({"SchemaVersion": 9})).unwrap(),
    )
    .unwrap();
    env.refused_with(
        &["state", "import", file.to_str().unwrap()],
        252,
        "InvalidParameter",
        "ImportState",
    );
    let mut broken = doc.clone();
    broken["Regions"]["us-east-1"]["ConfigurationSets"] = json!({"cs": {"SendingPool": "ghost"}});
    std::fs::write(&file, serde_json::to_vec(&broken).unwrap()).unwrap();
    let run = env.refused_with(
        &["state", "import", file.to_str().unwrap()],
        252,
        "InvalidParameter",
        "ImportState",
    );
    assert!(run.stderr.contains("ghost"), "{}", run.stderr);
    env.refused_with(
        &["state", "import", "/nonexistent.json"],
        252,
        "InvalidParameter",
        "ImportState",
    );
}

#[test]
fn a_schema_version_1_state_is_migrated_on_the_next_write() {
    let env = Env::new();
    let fixture = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/state-v1.json"
    ))
    .unwrap();
    std::fs::create_dir_all(env.state.parent().unwrap()).unwrap();
    std::fs::write(&env.state, &fixture).unwrap();
    // Reading migrates in memory only.
    let v = env.json(&["--region", "eu-west-1", "account"]);
    assert_eq!(v["DedicatedIpAutoWarmupEnabled"], false);
    assert_eq!(
        std::fs::read(&env.state).unwrap(),
        fixture,
        "a read must not rewrite the file"
    );
    let pools = env.json(&["pool", "get", "transactional"]);
    assert_eq!(pools["DedicatedIps"][0]["Ip"], "198.18.0.1");
    assert_eq!(pools["DedicatedIps"][0]["WarmupPercentage"], 40);
    assert_eq!(pools["ConfigurationSets"], json!(["receipts"]));
    env.ok(&["pool", "create", "after-migration"]);
    let doc = env.state_json();
    assert_eq!(doc["SchemaVersion"], 8);
    assert!(doc.get("DedicatedIpAutoWarmupEnabled").is_none());
    assert_eq!(doc["Regions"]["eu-west-1"]["AutoWarmup"], false);
    assert_eq!(
        std::fs::read(env.backup_path()).unwrap(),
        fixture,
        "the v1 file is kept as the backup"
    );
    let ip = env.json(&["ip", "lease", "--count", "1"]);
    assert_eq!(
        ip["DedicatedIps"][0]["Ip"], "198.18.0.3",
        "the v1 counter carries on"
    );
    assert_eq!(
        ip["DedicatedIps"][0]["WarmupStatus"], "DONE",
        "auto warm-up off carried to every region"
    );
}

/// A version 4 state (model v2) opens at version 6 (model v3): a DONE standard IP is
/// remembered by every ISP as sending it its full capacity, so the simulation goes on where
/// it was, and the pool's deferred mail keeps waiting (`State::migrate_to_model_v3`).
#[test]
fn a_model_v2_state_goes_on_where_it_was() {
    let env = Env::new();
    env.write_state(&json!({
        "SchemaVersion": 4, "AccountId": "123456789012", "Date": "2026-11-26", "NextIp": 3,
        "Regions": {"us-east-1": {
            "Pools": {"std": {"ScalingMode": "STANDARD"}},
            "ConfigurationSets": {"cs": {"SendingPool": "std"}},
            "Ips": {
                "198.18.0.1": {"Pool": "std", "Warmup": {"Standard": {"Start": 100.0, "Days": 0}}},
                "198.18.0.2": {"Pool": "std", "Warmup": {"Standard": {"Start": 0.0, "Days": 44}}}
            },
            "Traffic": {"cs": {"gmail": 150000}},
            "StandardQueues": {"std": {"gmail": 30000}}
        }}
    }));
    let before = env.state_bytes();
    env.json(&["pool", "get", "std"]);
    assert_eq!(
        env.state_bytes(),
        before,
        "a read must not rewrite the file"
    );
    let v = env.json(&["simulate", "--days", "1"]);
    let gmail = &v["Days"][0]["Isps"][0];
    // Gmail takes C = 200,000 from the DONE IP, as model v2 did, and the 30,000 queued go
    // first (within 200,000 × 14/24); the warming IP (day 44 of 45) adds its cap.
    assert_eq!(gmail["Queued"], 30_000);
    assert_eq!(gmail["Retried"], 30_000);
    assert_eq!(gmail["SentDedicated"], 180_000);
    assert_eq!(gmail["SentShared"], 0);
    let cap = (200.0 * 250f64.powf(44.0 / 45.0)).floor() as u64;
    assert_eq!(gmail["EffectiveDailyRate"], 200_000 + cap);
    let doc = env.state_json();
    assert_eq!(doc["SchemaVersion"], 8);
    let region = &doc["Regions"]["us-east-1"];
    assert!(region.get("StandardQueues").is_none());
    let memory = &region["Ips"]["198.18.0.1"]["Warmup"]["Standard"]["Memory"];
    assert_eq!(memory["Ewma"].as_object().unwrap().len(), 9);
    // It delivered 180,000 to Gmail today; the ISPs it sent nothing decay.
    assert!(memory["Ewma"]["gmail"].as_f64().unwrap() < 200_000.0);
    assert_eq!(memory["Ewma"]["yahoo"], 75_000.0);
}
