//! Tag rules T1–T6.

use serde_json::json;

use crate::harness::Env;

const TAG: &str = "TagResource";

fn env_with_resources() -> Env {
    let env = Env::new();
    env.ok(&["pool", "create", "p"]);
    env.ok(&["config-set", "create", "cs"]);
    env.ok(&["identity", "create", "example.com"]);
    env
}

#[test]
fn t1_at_most_fifty_tags_counted_after_merging() {
    let env = env_with_resources();
    let fifty: Vec<String> = (0..50).map(|i| format!("k{i}=v")).collect();
    let mut args = vec!["tag", "add", "pool/p"];
    args.extend(fifty.iter().map(String::as_str));
    let v = env.json(&args);
    assert_eq!(v["Tags"].as_array().unwrap().len(), 50);
    // Replacing an existing key keeps 50.
    env.ok(&["tag", "add", "pool/p", "k7=new"]);
    let run = env.refused(
        &["tag", "add", "pool/p", "k50=v"],
        "BadRequestException",
        TAG,
    );
    assert!(
        Env::message(&run).contains("at most 50 tags"),
        "{}",
        run.stderr
    );
}

#[test]
fn t2_key_and_value_length_and_characters() {
    let env = env_with_resources();
    let long_key = format!("{}=v", "k".repeat(129));
    let long_value = format!("k={}", "v".repeat(257));
    for bad in [
        long_key.as_str(),
        long_value.as_str(),
        "k=a<b",
        "k!=v",
        "k=x\"><script>",
    ] {
        env.refused(
            &["tag", "add", "config-set/cs", bad],
            "BadRequestException",
            TAG,
        );
    }
    let ok_key = format!("{}=", "k".repeat(128));
    let ok_value = format!("k={}", "v".repeat(256));
    env.ok(&[
        "tag",
        "add",
        "config-set/cs",
        &ok_key,
        &ok_value,
        "Équipe=courrier électronique",
        "path=/a/b:c+d=e_f.g-h",
    ]);
    let v = env.json(&["tag", "list", "config-set/cs"]);
    assert!(
        v["Tags"]
            .as_array()
            .unwrap()
            .contains(&json!({"Key": "Équipe", "Value": "courrier électronique"}))
    );
}

#[test]
fn t3_keys_are_case_sensitive_and_tagging_replaces() {
    let env = env_with_resources();
    env.ok(&["tag", "add", "identity/example.com", "Team=a", "team=b"]);
    env.ok(&["tag", "add", "identity/example.com", "team=c"]);
    let v = env.json(&["tag", "list", "identity/example.com"]);
    assert_eq!(
        v["Tags"],
        json!([{"Key": "Team", "Value": "a"}, {"Key": "team", "Value": "c"}])
    );
}

#[test]
fn t4_the_aws_prefix_is_reserved_in_keys_and_values() {
    let env = env_with_resources();
    env.refused(
        &["tag", "add", "pool/p", "aws:team=x"],
        "BadRequestException",
        TAG,
    );
    env.refused(
        &["tag", "add", "pool/p", "team=aws:x"],
        "BadRequestException",
        TAG,
    );
    env.refused(
        &["identity", "create", "b.com", "--tag", "aws:k=v"],
        "BadRequestException",
        "CreateEmailIdentity",
    );
    env.ok(&["tag", "add", "pool/p", "awsome=yes"]);
}

#[test]
fn t5_untagging_a_missing_key_is_a_no_op_but_the_resource_must_exist() {
    let env = env_with_resources();
    env.ok(&["tag", "add", "pool/p", "a=1"]);
    let v = env.json(&["tag", "remove", "pool/p", "nope", "a"]);
    assert_eq!(v, json!({"Tags": []}));
    let v = env.json(&["tag", "remove", "pool/p", "nope"]);
    assert_eq!(v, json!({"Tags": []}));
    env.refused(
        &["tag", "remove", "pool/ghost", "a"],
        "NotFoundException",
        "UntagResource",
    );
    env.refused(
        &["tag", "add", "config-set/ghost", "a=1"],
        "NotFoundException",
        TAG,
    );
    env.refused(
        &["tag", "list", "identity/ghost.com"],
        "NotFoundException",
        "ListTagsForResource",
    );
}

#[test]
fn t6_arns_and_shorthands() {
    let env = env_with_resources();
    let arn = "arn:aws:ses:us-east-1:123456789012:dedicated-ip-pool/p";
    env.ok(&["tag", "add", arn, "team=mail"]);
    assert_eq!(
        env.json(&["tag", "list", "pool/p"])["Tags"],
        json!([{"Key": "team", "Value": "mail"}])
    );
    // An ARN of another region names the resource there.
    env.ok(&["--region", "eu-west-1", "pool", "create", "p"]);
    env.ok(&[
        "tag",
        "add",
        "arn:aws:ses:eu-west-1:123456789012:dedicated-ip-pool/p",
        "where=eu",
    ]);
    assert_eq!(
        env.json(&["--region", "eu-west-1", "tag", "list", "pool/p"])["Tags"],
        json!([{"Key": "where", "Value": "eu"}])
    );
    assert_eq!(
        env.json(&["tag", "list", "pool/p"])["Tags"],
        json!([{"Key": "team", "Value": "mail"}])
    );
    for bad in [
        "arn:aws:ses:us-east-1:123456789012",
        "arn:aws:sqs:us-east-1:123456789012:dedicated-ip-pool/p",
        "arn:aws-cn:ses:us-east-1:123456789012:dedicated-ip-pool/p",
        "arn:aws:ses:us-east-1:123:dedicated-ip-pool/p",
        "queue/p",
        "p",
    ] {
        env.refused(
            &["tag", "list", bad],
            "BadRequestException",
            "ListTagsForResource",
        );
    }
    env.refused(
        &[
            "tag",
            "list",
            "arn:aws:ses:us-east-1:999999999999:dedicated-ip-pool/p",
        ],
        "NotFoundException",
        "ListTagsForResource",
    );
    // Every resource reports its ARN.
    assert_eq!(
        env.json(&["pool", "get", "p"])["DedicatedIpPool"]["Arn"],
        arn
    );
    assert_eq!(
        env.json(&["config-set", "get", "cs"])["Arn"],
        "arn:aws:ses:us-east-1:123456789012:configuration-set/cs"
    );
    assert_eq!(
        env.json(&["--region", "us-gov-west-1", "identity", "create", "a.com"])["Arn"],
        "arn:aws-us-gov:ses:us-gov-west-1:123456789012:identity/a.com"
    );
}

#[test]
fn tag_arguments_must_be_key_value() {
    let env = env_with_resources();
    env.refused_with(
        &["tag", "add", "pool/p", "novalue"],
        252,
        "InvalidParameter",
        TAG,
    );
    env.refused_with(
        &["tag", "add", "pool/p", "=v"],
        252,
        "InvalidParameter",
        TAG,
    );
    env.refused_with(
        &["pool", "create", "q", "--tag", "x"],
        252,
        "InvalidParameter",
        "CreateDedicatedIpPool",
    );
    // Repeated key: the last value wins.
    let v = env.json(&["tag", "add", "pool/p", "a=1", "a=2=3"]);
    assert_eq!(v["Tags"], json!([{"Key": "a", "Value": "2=3"}]));
}
