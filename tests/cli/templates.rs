//! Stored email templates through `sesm serve`, driven by boto3 and the AWS CLI at both
//! botocore versions (`tests/clients/templates.py`): every operation, every refusal with its
//! code, status and message and the state byte-identical after it, rendering, and sends with
//! a stored (by name or ARN) or inline template.

use crate::harness::Env;

#[test]
fn templates_through_boto3_and_the_aws_cli_at_two_botocore_versions() {
    crate::serve::drive_with_boto3("templates.py");
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
    assert_eq!(doc["SchemaVersion"], sesm::model::SCHEMA_VERSION);
    assert_eq!(doc["Regions"]["eu-west-1"]["AutoWarmup"], false);
    assert!(doc["Regions"]["eu-west-1"]["Identities"]["a.example.com"].is_object());
    assert!(doc["Regions"]["eu-west-1"].get("Templates").is_none());
}
