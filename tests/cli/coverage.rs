//! Issue 32's doors, end to end: list management and its unsubscribe links, sending
//! authorization, custom verification emails and their links, email receiving (receipt rules,
//! the inbound endpoint, the local S3 folder, SNS notifications, bounces) through boto3 at both
//! botocore versions (`tests/clients/*.py`), Terraform's resources for them, and the command
//! line's `sesm inbound`.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::time::Duration;

use crate::harness::Env;
use crate::serve::{
    Server, Terraform, drive_with_boto3, drive_with_boto3_and, drive_with_boto3_at,
};

#[test]
fn contact_lists_import_jobs_and_unsubscribe_links_through_boto3() {
    drive_with_boto3("contact_lists.py");
}

/// VDM (issue 33, group A): BatchGetMetricData equal to `sesm metrics` day by day, message
/// and address insights, export jobs in the local S3 folder.
#[test]
fn vdm_metrics_insights_and_export_jobs_through_boto3() {
    drive_with_boto3("vdm.py");
}

/// Issue 33, group B: the Deliverability dashboard, recommendations and reputation entities.
#[test]
fn deliverability_dashboard_recommendations_and_reputation_entities_through_boto3() {
    drive_with_boto3("deliverability.py");
}

#[test]
fn identity_policies_allow_and_refuse_sends_through_boto3() {
    drive_with_boto3("sending_authorization.py");
}

/// Issue 33, group C: tenants, multi-region endpoints, identity certificates, the account's
/// details, delivery mode and plan, UpdateConfigurationSet. botocore 1.43.11 lacks most of
/// these operations, so only the newer environment drives them.
#[test]
fn tenants_endpoints_certificates_and_account_details_through_boto3() {
    drive_with_boto3_at(&["new"], "tenants.py", &[]);
}

#[test]
fn custom_verification_emails_and_their_links_through_boto3() {
    drive_with_boto3("custom_verification.py");
}

#[test]
fn receipt_rules_inbound_mail_s3_sns_and_bounces_through_boto3_and_smtplib() {
    drive_with_boto3_and(
        "receiving.py",
        &["--inbound-port", "0", "--inbound-region", "eu-west-1"],
    );
}

/// A line-by-line SMTP client of the inbound endpoint.
struct Smtp {
    reader: BufReader<TcpStream>,
}

impl Smtp {
    fn connect(addr: &str) -> (Smtp, String) {
        let stream = TcpStream::connect(addr).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(20)))
            .unwrap();
        let mut s = Smtp {
            reader: BufReader::new(stream),
        };
        let greeting = s.read();
        (s, greeting)
    }

    fn read(&mut self) -> String {
        let mut all = String::new();
        loop {
            let mut line = String::new();
            if self.reader.read_line(&mut line).unwrap() == 0 {
                return all;
            }
            all.push_str(&line);
            if line.as_bytes().get(3) != Some(&b'-') {
                return all;
            }
        }
    }

    fn say(&mut self, line: &str) -> String {
        self.reader
            .get_mut()
            .write_all(format!("{line}\r\n").as_bytes())
            .unwrap();
        self.read()
    }
}

/// The inbound endpoint's dialogue: no AUTH, SES's inbound host, recipients refused unless a
/// rule takes them, and a refusal that keeps nothing.
#[test]
fn the_inbound_endpoint_takes_only_what_the_active_rule_set_takes() {
    let env = Env::new();
    env.ok(&["identity", "create", "example.com"]);
    let server = Server::start(&env, &["-q", "--inbound-port", "0"]);
    let addr = server.inbound.clone().unwrap();
    let (mut s, greeting) = Smtp::connect(&addr);
    assert!(
        greeting.starts_with("220 inbound-smtp.us-east-1.amazonaws.com ESMTP"),
        "{greeting}"
    );
    let ehlo = s.say("EHLO mx.else.org");
    assert!(
        ehlo.contains("250 SIZE 41943040") && !ehlo.contains("AUTH"),
        "{ehlo}"
    );
    assert!(s.say("AUTH PLAIN AGEAYg==").starts_with("502 "));
    assert!(s.say("RCPT TO:<a@example.com>").starts_with("503 "));
    assert!(s.say("MAIL FROM:<sender@else.org>").starts_with("250 "));
    let no_set = s.say("RCPT TO:<support@example.com>");
    assert!(
        no_set.starts_with("550 5.1.1 <support@example.com>: Recipient address rejected"),
        "{no_set}"
    );
    assert!(s.say("DATA").starts_with("503 "), "no recipient, no DATA");
    assert!(s.say("QUIT").starts_with("221 "));
    assert!(
        !env.state.with_file_name("state.json.received").exists(),
        "a refused dialogue keeps nothing"
    );
    let v = env.json(&["inbound", "list"]);
    assert_eq!(v["Messages"], serde_json::json!([]));
    let out = env.run(&["inbound", "show", "nope"]);
    assert_eq!(out.code, 254, "{}", out.stderr);
    assert!(
        out.stderr.contains("No received message has ID nope"),
        "{}",
        out.stderr
    );
}

/// Terraform's resources of issue 32 apply, plan empty, and destroy: a contact list, identity
/// policies in both APIs, receipt rule sets, rules, the active set, a filter, a template.
#[test]
fn terraform_applies_contact_lists_policies_and_receipt_rules_plans_empty_and_destroys() {
    let env = Env::new();
    let Some(terraform) = Terraform::new(&env) else {
        return;
    };
    let server = Server::start(&env, &["-q"]);
    let policy = |principal: &str| {
        format!(
            r#"jsonencode({{
    Version = "2012-10-17"
    Statement = [{{
      Effect    = "Allow"
      Principal = {{ AWS = ["{principal}"] }}
      Action    = ["ses:SendEmail", "ses:SendRawEmail"]
      Resource  = aws_sesv2_email_identity.example.arn
    }}]
  }})"#
        )
    };
    let config = |description: &str| {
        format!(
            r#"resource "aws_sesv2_email_identity" "example" {{
  email_identity = "example.com"
}}
resource "aws_sesv2_contact_list" "news" {{
  contact_list_name = "news"
  description       = "{description}"
  topic {{
    topic_name                  = "sports"
    display_name                = "Sports"
    default_subscription_status = "OPT_IN"
  }}
  tags = {{ team = "growth" }}
}}
resource "aws_sesv2_email_identity_policy" "delegate" {{
  email_identity = aws_sesv2_email_identity.example.email_identity
  policy_name    = "delegate"
  policy         = {}
}}
resource "aws_ses_identity_policy" "v1" {{
  identity = aws_sesv2_email_identity.example.arn
  name     = "v1"
  policy   = {}
}}
resource "aws_ses_receipt_rule_set" "inbound" {{
  rule_set_name = "inbound"
}}
resource "aws_ses_receipt_rule" "store" {{
  name          = "store"
  rule_set_name = aws_ses_receipt_rule_set.inbound.rule_set_name
  recipients    = ["support@example.com"]
  enabled       = true
  scan_enabled  = true
  add_header_action {{
    header_name  = "X-Team"
    header_value = "support"
    position     = 1
  }}
  s3_action {{
    bucket_name       = "mail-in"
    object_key_prefix = "support/"
    position          = 2
  }}
}}
resource "aws_ses_receipt_rule" "notify" {{
  name          = "notify"
  rule_set_name = aws_ses_receipt_rule_set.inbound.rule_set_name
  after         = aws_ses_receipt_rule.store.name
  enabled       = true
  sns_action {{
    topic_arn = "arn:aws:sns:eu-west-1:123456789012:inbound"
    encoding  = "UTF-8"
    position  = 1
  }}
}}
resource "aws_ses_active_receipt_rule_set" "active" {{
  rule_set_name = aws_ses_receipt_rule_set.inbound.rule_set_name
}}
resource "aws_ses_receipt_filter" "block" {{
  name   = "block-doc-range"
  cidr   = "192.0.2.0/24"
  policy = "Block"
}}
resource "aws_ses_template" "t" {{
  name    = "welcome"
  subject = "Hi {{{{name}}}}"
  html    = "<p>Hello</p>"
}}
"#,
            policy("111122223333"),
            policy("arn:aws:iam::444455556666:root")
        )
    };
    let tf = |args: &[&str]| terraform.run(args);
    terraform.converge(&server.url, &config("weekly"));
    let state = env.state_json();
    let eu = &state["Regions"]["eu-west-1"];
    assert_eq!(eu["ActiveReceiptRuleSet"], "inbound");
    let rules: Vec<&str> = eu["ReceiptRuleSets"]["inbound"]["Rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["Name"].as_str().unwrap())
        .collect();
    assert_eq!(rules, ["store", "notify"]);
    let out = terraform.converge(&server.url, &config("daily"));
    assert!(out.contains("1 changed"), "{out}");
    let (code, out) = tf(&["destroy", "-auto-approve"]);
    assert_eq!(code, 0, "destroy: {out}");
    let state = env.state_json();
    let eu = &state["Regions"]["eu-west-1"];
    for key in [
        "ContactLists",
        "ReceiptRuleSets",
        "ActiveReceiptRuleSet",
        "ReceiptFilters",
        "Identities",
    ] {
        assert!(eu.get(key).is_none(), "{key} after destroy: {eu}");
    }
}

/// A version 6 state (before contact lists, policies and receiving) opens as it is and is
/// written as the current version on the next change, its regions as they were.
#[test]
fn a_version_6_state_opens_and_is_written_as_the_current_version() {
    let env = Env::new();
    env.write_state(&serde_json::json!({
        "SchemaVersion": 6, "AccountId": "123456789012", "Date": "2026-11-26",
        "Regions": {"eu-west-1": {"Identities": {"a.example.com": {}},
            "Suppressed": {"x@example.com": {"EmailAddress": "x@example.com", "Reason": "BOUNCE", "LastUpdateTime": "2026-11-26T10:00:00Z"}}}}
    }));
    let before = env.state_bytes();
    env.json(&["--region", "eu-west-1", "identity", "list"]);
    assert_eq!(
        env.state_bytes(),
        before,
        "a read must not rewrite the file"
    );
    env.ok(&["--region", "eu-west-1", "pool", "create", "after"]);
    let doc = env.state_json();
    assert_eq!(doc["SchemaVersion"], sesm::model::SCHEMA_VERSION);
    assert!(doc["Regions"]["eu-west-1"]["Identities"]["a.example.com"].is_object());
    assert_eq!(
        doc["Regions"]["eu-west-1"]["Suppressed"]["x@example.com"]["Reason"],
        "BOUNCE"
    );
}

/// Terraform's VDM resources (issue 33, group A): the account's VDM attributes and a set with
/// `vdm_options` apply, plan empty, and destroy (which turns VDM off again).
#[test]
fn terraform_applies_vdm_attributes_and_a_sets_vdm_options_plans_empty_and_destroys() {
    let env = Env::new();
    let Some(terraform) = Terraform::new(&env) else {
        return;
    };
    let server = Server::start(&env, &["-q"]);
    let config = r#"resource "aws_sesv2_account_vdm_attributes" "vdm" {
  vdm_enabled = "ENABLED"
  dashboard_attributes {
    engagement_metrics = "ENABLED"
  }
  guardian_attributes {
    optimized_shared_delivery = "ENABLED"
  }
}
resource "aws_sesv2_configuration_set" "news" {
  configuration_set_name = "news"
  vdm_options {
    dashboard_options {
      engagement_metrics = "DISABLED"
    }
    guardian_options {
      optimized_shared_delivery = "ENABLED"
    }
  }
}
"#;
    let tf = |args: &[&str]| terraform.run(args);
    terraform.converge(&server.url, config);
    let state = env.state_json();
    let eu = &state["Regions"]["eu-west-1"];
    assert_eq!(
        eu["Insights"]["Vdm"],
        serde_json::json!({"VdmEnabled": true, "EngagementMetrics": true, "OptimizedSharedDelivery": true})
    );
    let (code, out) = tf(&["destroy", "-auto-approve"]);
    assert_eq!(code, 0, "destroy: {out}");
    let state = env.state_json();
    let eu = &state["Regions"]["eu-west-1"];
    assert_eq!(eu["Insights"]["Vdm"]["VdmEnabled"], false, "{eu}");
    assert!(eu.get("ConfigurationSets").is_none(), "{eu}");
}
