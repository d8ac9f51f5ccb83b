//! Stored email templates through `sesm serve`, driven by boto3 and the AWS CLI at both
//! botocore versions (`tests/clients/templates.py`): every operation, every refusal with its
//! code, status and message and the state byte-identical after it, rendering, and sends with
//! a stored (by name or ARN) or inline template.

use std::path::Path;
use std::process::Command;

use crate::harness::{Env, TODAY};
use crate::serve::{Server, client_venv};

#[test]
fn templates_through_boto3_and_the_aws_cli_at_two_botocore_versions() {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/clients/templates.py");
    for version in ["old", "new"] {
        let Some(python) = client_venv(version) else {
            crate::harness::skip(
                &format!("the {version} boto3 environment (target/clients/{version})"),
                "SESM_REQUIRE_CLIENTS",
                "run .ci/clients",
            );
            continue;
        };
        let env = Env::new();
        let server = Server::start(&env, &["-q"]);
        let out = Command::new(&python)
            .arg(&script)
            .arg(&server.url)
            .arg(assert_cmd::cargo::cargo_bin("sesm"))
            .arg(&env.state)
            .env("SESM_TODAY", TODAY)
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success() && stdout.contains("all ok"),
            "{version}:\n{stdout}\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        eprintln!("{}", stdout.lines().last().unwrap_or_default());
    }
}

/// A version 2 state (before templates) opens as it is, unchanged by reads, and is written as
/// version 3 on the next change, its regions as they were.
#[test]
fn templates_a_version_2_state_opens_and_is_written_as_version_3() {
    let env = Env::new();
    env.write_state(&serde_json::json!({
        "SchemaVersion": 2, "AccountId": "123456789012", "Date": "2026-11-26",
        "Regions": {"eu-west-1": {"AutoWarmup": false, "Identities": {"a.example.com": {}}}}
    }));
    let before = env.state_bytes();
    let v = env.json(&["--region", "eu-west-1", "account"]);
    assert_eq!(v["DedicatedIpAutoWarmupEnabled"], false);
    assert_eq!(
        env.state_bytes(),
        before,
        "a read must not rewrite the file"
    );
    env.ok(&["--region", "eu-west-1", "pool", "create", "after"]);
    let doc = env.state_json();
    assert_eq!(doc["SchemaVersion"], 3);
    assert_eq!(doc["Regions"]["eu-west-1"]["AutoWarmup"], false);
    assert!(doc["Regions"]["eu-west-1"]["Identities"]["a.example.com"].is_object());
    assert!(doc["Regions"]["eu-west-1"].get("Templates").is_none());
}
