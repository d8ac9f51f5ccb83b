//! Issue 20's foundations: event destinations, the account-level suppression list and
//! `POST /_sesm/simulate`, driven through the command line, boto3, Terraform and raw HTTP.

use serde_json::{Value, json};

use crate::harness::Env;
use crate::serve::{Server, Terraform, drive_with_boto3, request};

/// Every event destination and suppression operation through boto3 (two botocore versions),
/// each refusal with its status, code and message and a byte-identical state file after it,
/// and the command line reading back what the endpoint wrote.
#[test]
fn boto3_drives_event_destinations_and_the_suppression_list_and_refusals_change_nothing() {
    drive_with_boto3("events.py");
}

/// Terraform's `aws_sesv2_configuration_set_event_destination` (an SNS and a CloudWatch
/// destination) and `aws_sesv2_account_suppression_attributes` apply, plan no changes after
/// apply and after an update, and destroy.
#[test]
fn terraform_applies_event_destinations_and_suppression_attributes_plans_empty_and_destroys() {
    let env = Env::new();
    let Some(terraform) = Terraform::new(&env) else {
        return;
    };
    let server = Server::start(&env, &["-q"]);
    let config = |types: &str, enabled: bool, reasons: &str| {
        format!(
            r#"resource "aws_sesv2_configuration_set" "news" {{
  configuration_set_name = "newsletters"
}}
resource "aws_sesv2_configuration_set_event_destination" "sns" {{
  configuration_set_name = aws_sesv2_configuration_set.news.configuration_set_name
  event_destination_name = "to-sns"
  event_destination {{
    enabled              = {enabled}
    matching_event_types = [{types}]
    sns_destination {{
      topic_arn = "arn:aws:sns:eu-west-1:123456789012:ses-events"
    }}
  }}
}}
resource "aws_sesv2_configuration_set_event_destination" "cloudwatch" {{
  configuration_set_name = aws_sesv2_configuration_set.news.configuration_set_name
  event_destination_name = "to-cloudwatch"
  event_destination {{
    enabled              = true
    matching_event_types = ["SEND", "DELIVERY"]
    cloud_watch_destination {{
      dimension_configuration {{
        default_dimension_value = "none"
        dimension_name          = "campaign"
        dimension_value_source  = "MESSAGE_TAG"
      }}
    }}
  }}
}}
resource "aws_sesv2_account_suppression_attributes" "this" {{
  suppressed_reasons = [{reasons}]
}}
"#
        )
    };
    let tf = |args: &[&str]| terraform.run(args);
    let out = terraform.converge(
        &server.url,
        &config(r#""SEND", "BOUNCE""#, true, r#""BOUNCE""#),
    );
    assert!(out.contains("4 added"), "{out}");
    let eu = |args: &[&str]| {
        let mut all = vec!["--region", "eu-west-1"];
        all.extend_from_slice(args);
        env.json(&all)
    };
    let list = eu(&["config-set", "event-destination", "list", "newsletters"]);
    let dests = list["EventDestinations"].as_array().unwrap();
    assert_eq!(dests.len(), 2, "{list}");
    assert_eq!(dests[1]["Name"], "to-sns");
    assert_eq!(
        dests[1]["SnsDestination"]["TopicArn"],
        "arn:aws:sns:eu-west-1:123456789012:ses-events"
    );
    assert_eq!(
        dests[0]["CloudWatchDestination"]["DimensionConfigurations"][0]["DimensionName"],
        "campaign"
    );
    let state = env.state_json();
    assert_eq!(
        state["Regions"]["eu-west-1"]["SuppressionReasons"],
        json!(["BOUNCE"])
    );
    // An update: other types, disabled; the account suppresses both reasons.
    let out = terraform.converge(
        &server.url,
        &config(
            r#""SEND", "COMPLAINT", "DELIVERY_DELAY""#,
            false,
            r#""BOUNCE", "COMPLAINT""#,
        ),
    );
    assert!(out.contains("2 changed"), "{out}");
    let list = eu(&["config-set", "event-destination", "list", "newsletters"]);
    let sns = &list["EventDestinations"][1];
    assert_eq!(sns["Enabled"], false, "{list}");
    let mut types: Vec<Value> = sns["MatchingEventTypes"].as_array().unwrap().clone();
    types.sort_by_key(|t| t.to_string());
    assert_eq!(
        types,
        vec![json!("COMPLAINT"), json!("DELIVERY_DELAY"), json!("SEND")]
    );
    let (code, out) = tf(&["destroy", "-auto-approve"]);
    assert_eq!(code, 0, "destroy: {out}");
    let state = env.state_json();
    assert!(
        state["Regions"]["eu-west-1"]
            .get("ConfigurationSets")
            .is_none(),
        "{state}"
    );
}

/// `POST /_sesm/simulate {"Days": N}` runs `sesm simulate --days N`: the same report as
/// `sesm simulate -o json` prints for the same account, the clock advanced; bad bodies are
/// 400 with the state untouched, a non-JSON body and a foreign Origin 403.
#[test]
fn post_sesm_simulate_runs_the_simulation_and_refuses_bad_requests() {
    let env = Env::new();
    env.ok(&["pool", "create", "marketing", "--managed"]);
    env.ok(&["config-set", "create", "news", "--pool", "marketing"]);
    env.ok(&["traffic", "set", "news", "gmail=20000", "microsoft=5000"]);
    // The command line on a copy of the same account gives the expected report.
    let twin = Env::new();
    std::fs::create_dir_all(twin.state.parent().unwrap()).unwrap();
    std::fs::write(&twin.state, env.state_bytes().unwrap()).unwrap();
    let expected = twin.json(&["simulate", "--days", "3"]);
    let server = Server::start(&env, &["-q"]);
    let addr = server.addr();
    let r = request(&addr, "POST", "/_sesm/simulate", r#"{"Days": 3}"#);
    assert_eq!(r.status, 200, "{}", r.body);
    let got: Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(got, expected);
    assert_eq!(
        env.state_bytes(),
        twin.state_bytes(),
        "the same state after both runs"
    );
    let before = env.state_bytes();
    for (body, message) in [
        (r#"{}"#, "Days is required."),
        (r#"{"Days": 0}"#, "--days must be from 1 to"),
        (
            r#"{"Days": -1}"#,
            "Days must be a whole number of days, not -1.",
        ),
        (r#"{"Days": "3"}"#, "Days must be a whole number of days"),
        (r#"{"Days": 3, "Plan": "x"}"#, "Unknown member 'Plan'"),
        (r#"[3]"#, "The body must be a JSON object"),
        (r#"{"Days": "#, "The body is not JSON"),
    ] {
        let r = request(&addr, "POST", "/_sesm/simulate", body);
        assert_eq!(r.status, 400, "{body}: {}", r.body);
        assert_eq!(
            r.header("x-amzn-errortype").as_deref(),
            Some("BadRequestException"),
            "{body}"
        );
        assert!(r.body.contains(message), "{body}: {}", r.body);
        assert_eq!(env.state_bytes(), before, "{body} changed the state");
    }
    let r = request(&addr, "GET", "/_sesm/simulate", "");
    assert_eq!(r.status, 400, "{}", r.body);
    // The guard: a form body, and a page of another site.
    let form = format!(
        "POST /_sesm/simulate HTTP/1.1\r\nHost: {addr}\r\nContent-Type: text/plain\r\nContent-Length: 11\r\nConnection: close\r\n\r\n{{\"Days\": 3}}"
    );
    let r = crate::serve::raw(&addr, form.as_bytes());
    assert_eq!(r.status, 403, "{}", r.body);
    let cross = format!(
        "POST /_sesm/simulate HTTP/1.1\r\nHost: {addr}\r\nOrigin: http://evil.example\r\nContent-Type: application/json\r\nContent-Length: 11\r\nConnection: close\r\n\r\n{{\"Days\": 3}}"
    );
    let r = crate::serve::raw(&addr, cross.as_bytes());
    assert_eq!(r.status, 403, "{}", r.body);
    assert_eq!(env.state_bytes(), before);
}

/// The command line's refusals: SES's codes, 254, nothing written.
#[test]
fn the_command_line_refuses_what_ses_refuses_and_writes_nothing() {
    let env = Env::new();
    env.ok(&["config-set", "create", "news"]);
    let sns = "arn:aws:sns:us-east-1:123456789012:events";
    env.ok(&[
        "config-set",
        "event-destination",
        "add",
        "news",
        "to-sns",
        "--types",
        "SEND,BOUNCE",
        "--sns",
        sns,
    ]);
    let before = env.state_bytes();
    let add = |name: &str, extra: &[&str]| {
        let mut args = vec!["config-set", "event-destination", "add", "news", name];
        args.extend_from_slice(extra);
        args.into_iter().map(str::to_string).collect::<Vec<_>>()
    };
    let cases: Vec<(Vec<String>, &str, &str)> = vec![
        (
            add("to-sns", &["--types", "SEND", "--sns", sns]),
            "AlreadyExistsException",
            "Event destination to-sns already exists in configuration set news.",
        ),
        (
            add("bad name", &["--types", "SEND", "--sns", sns]),
            "BadRequestException",
            "Invalid event destination name 'bad name'",
        ),
        (
            add("x", &["--types", "send", "--sns", sns]),
            "BadRequestException",
            "Value '[send]' at 'eventDestination.matchingEventTypes'",
        ),
        (
            add("x", &["--types", "SEND"]),
            "BadRequestException",
            "exactly one of SnsDestination",
        ),
        (
            add(
                "x",
                &[
                    "--types",
                    "SEND",
                    "--sns",
                    sns,
                    "--pinpoint",
                    "arn:aws:mobiletargeting:us-east-1:123456789012:apps/abc",
                ],
            ),
            "BadRequestException",
            "exactly one of SnsDestination",
        ),
        (
            add(
                "x",
                &[
                    "--types",
                    "SEND",
                    "--sns",
                    "arn:aws:sns:us-east-1:42:events",
                ],
            ),
            "BadRequestException",
            "Invalid TopicArn 'arn:aws:sns:us-east-1:42:events'",
        ),
        (
            add(
                "x",
                &[
                    "--types",
                    "SEND",
                    "--event-bridge",
                    "arn:aws:events:us-east-1:123456789012:event-bus/mine",
                ],
            ),
            "BadRequestException",
            "Invalid EventBusArn",
        ),
        (
            add(
                "x",
                &["--types", "SEND", "--cloudwatch-dimension", "a:NOPE:x"],
            ),
            "BadRequestException",
            "Invalid DimensionValueSource 'NOPE'",
        ),
        (
            add(
                "x",
                &[
                    "--types",
                    "SEND",
                    "--cloudwatch-dimension",
                    "a:MESSAGE_TAG:no space",
                ],
            ),
            "BadRequestException",
            "Invalid DefaultDimensionValue 'no space'",
        ),
        (
            add(
                "x",
                &[
                    "--types",
                    "SEND",
                    "--firehose-stream",
                    "arn:aws:firehose:us-east-1:123456789012:deliverystream/s",
                    "--firehose-role",
                    "arn:aws:iam:us-east-1:123456789012:role/r",
                ],
            ),
            "BadRequestException",
            "Invalid IamRoleArn",
        ),
        (
            vec![
                "config-set".into(),
                "event-destination".into(),
                "list".into(),
                "nope".into(),
            ],
            "NotFoundException",
            "Configuration set <nope> does not exist.",
        ),
        (
            vec![
                "config-set".into(),
                "event-destination".into(),
                "remove".into(),
                "news".into(),
                "nope".into(),
            ],
            "NotFoundException",
            "No EventDestination found for news",
        ),
        (
            vec![
                "suppression".into(),
                "put".into(),
                "jane@example.com".into(),
                "--reason".into(),
                "bounce".into(),
            ],
            "BadRequestException",
            "Value 'bounce' at 'reason'",
        ),
        (
            vec![
                "suppression".into(),
                "put".into(),
                "not-an-address".into(),
                "--reason".into(),
                "BOUNCE".into(),
            ],
            "BadRequestException",
            "Invalid email address 'not-an-address'",
        ),
        (
            vec![
                "suppression".into(),
                "get".into(),
                "jane@example.com".into(),
            ],
            "NotFoundException",
            "Email address jane@example.com does not exist on your suppression list.",
        ),
        (
            vec![
                "suppression".into(),
                "remove".into(),
                "jane@example.com".into(),
            ],
            "NotFoundException",
            "Email address jane@example.com does not exist on your suppression list.",
        ),
    ];
    for (args, code, message) in cases {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let run = env.run(&args);
        assert_eq!(run.code, 254, "{args:?}: {}", run.stderr);
        assert!(run.stderr.contains(code), "{args:?}: {}", run.stderr);
        assert!(run.stderr.contains(message), "{args:?}: {}", run.stderr);
        assert_eq!(env.state_bytes(), before, "{args:?} changed the state");
    }
    // The quota: ten destinations per set.
    for i in 1..10 {
        env.ok(&add(&format!("d{i}"), &["--types", "SEND", "--sns", sns])
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>());
    }
    let full = env.state_bytes();
    let args = add("d10", &["--types", "SEND", "--sns", sns]);
    let run = env.run(&args.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(run.code, 254, "{}", run.stderr);
    assert!(
        run.stderr.contains("LimitExceededException"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("maximum of 10 event destinations"),
        "{}",
        run.stderr
    );
    assert_eq!(env.state_bytes(), full);
    // Deleting the set deletes its destinations: a new set of the same name has none.
    env.ok(&["config-set", "delete", "news"]);
    env.ok(&["config-set", "create", "news"]);
    let list = env.json(&["config-set", "event-destination", "list", "news"]);
    assert_eq!(list, json!({"EventDestinations": []}));
    let run = env.run(&["suppression", "list", "--start-date", "yesterday"]);
    assert_eq!(run.code, 252, "{}", run.stderr);
    assert!(
        run.stderr.contains("invalid --start-date time 'yesterday'"),
        "{}",
        run.stderr
    );
}

/// A state file whose event destination, suppressed address or SNS subscription breaks a rule
/// is refused by `state import` (V4, S1, the endpoint rule), leaving the state as it was.
#[test]
fn state_import_checks_destinations_suppressed_addresses_and_subscriptions() {
    let env = Env::new();
    env.ok(&["config-set", "create", "news"]);
    env.ok(&[
        "config-set",
        "event-destination",
        "add",
        "news",
        "d",
        "--types",
        "SEND",
        "--sns",
        "arn:aws:sns:us-east-1:123456789012:t",
    ]);
    env.ok(&["suppression", "put", "a@b.com", "--reason", "BOUNCE"]);
    env.ok(&[
        "events",
        "subscribe",
        "arn:aws:sns:us-east-1:123456789012:t",
        "http://127.0.0.1:9/x",
    ]);
    let good = env.state_json();
    let before = env.state_bytes();
    let file = env.path("import.json");
    for (pointer, bad, text) in [
        (
            "/Regions/us-east-1/ConfigurationSets/news/EventDestinations/d/SnsDestination/TopicArn",
            json!("nope"),
            "Invalid TopicArn 'nope'",
        ),
        (
            "/Regions/us-east-1/Suppressed/a@b.com/EmailAddress",
            json!("x@b.com"),
            "S1",
        ),
        (
            "/SnsSubscriptions/0/Endpoint",
            json!("https://x.example/"),
            "is not an http:// URL",
        ),
    ] {
        let mut doc = good.clone();
        *doc.pointer_mut(pointer).unwrap() = bad;
        std::fs::write(&file, doc.to_string()).unwrap();
        let run = env.run(&["state", "import", file.to_str().unwrap()]);
        assert_ne!(run.code, 0, "{pointer}");
        assert!(run.stderr.contains(text), "{pointer}: {}", run.stderr);
        assert_eq!(env.state_bytes(), before, "{pointer}");
    }
    std::fs::write(&file, good.to_string()).unwrap();
    env.ok(&["state", "import", file.to_str().unwrap()]);
}

/// `events subscribe` refuses what is no topic or no HTTP endpoint, writing nothing.
#[test]
fn events_subscribe_refuses_bad_topics_and_endpoints() {
    let env = Env::new();
    env.ok(&["config-set", "create", "x"]);
    let before = env.state_bytes();
    for (args, code, text) in [
        (
            ["nope", "http://127.0.0.1:9/"],
            252,
            "Invalid SNS topic ARN 'nope'",
        ),
        (
            [
                "arn:aws:sns:us-east-1:123456789012:t",
                "https://example.com/",
            ],
            252,
            "sesm delivers over plain HTTP",
        ),
        (
            ["arn:aws:sns:us-east-1:123456789012:t", "mailto:a@b.c"],
            252,
            "must start with http://",
        ),
    ] {
        let mut all = vec!["events", "subscribe"];
        all.extend_from_slice(&args);
        let run = env.run(&all);
        assert_eq!(run.code, code, "{args:?}: {}", run.stderr);
        assert!(run.stderr.contains(text), "{args:?}: {}", run.stderr);
        assert_eq!(env.state_bytes(), before);
    }
}

/// A standard pool's deferrals are the mailbox provider throttling its IPs (model v3):
/// `DeliveryDelay` with `delayType` `IPFailure`, and the expiry bounce says so; a managed
/// pool's stay SES's own `SendingDeferral` (`tests/clients/publishing.py`).
#[test]
fn a_standard_pools_deferral_is_the_isp_throttling_its_ips() {
    let env = Env::new();
    env.ok(&["identity", "create", "example.com"]);
    env.ok(&["pool", "create", "std"]);
    env.ok(&["config-set", "create", "news", "--pool", "std"]);
    env.ok(&[
        "config-set",
        "event-destination",
        "add",
        "news",
        "d",
        "--types",
        "DELIVERY,DELIVERY_DELAY,BOUNCE",
        "--sns",
        "arn:aws:sns:us-east-1:123456789012:t",
    ]);
    env.ok(&["ip", "lease", "--count", "1", "--pool", "std"]);
    // DONE for SES, but Gmail has never had mail from it: it accepts 200 today.
    env.ok(&["ip", "set-warmup", "198.18.0.1", "100"]);
    env.ok(&["traffic", "set", "news", "gmail=100000"]);
    // Individual sends take the day's capacity first (the live clock): four messages of 50
    // Gmail recipients take all 200, so the next one is deferred at once.
    for m in 0..4 {
        let to: Vec<String> = (0..50).map(|r| format!("r{m}-{r}@gmail.com")).collect();
        let mut args = vec![
            "-q",
            "send",
            "--from",
            "a@example.com",
            "--config-set",
            "news",
        ];
        for t in &to {
            args.extend(["--to", t.as_str()]);
        }
        env.ok(&args);
    }
    env.ok(&[
        "send",
        "--from",
        "a@example.com",
        "--to",
        "b@gmail.com",
        "--config-set",
        "news",
    ]);
    env.ok(&["-q", "simulate", "--days", "1"]);
    let v = env.json(&["events", "list", "--type", "DeliveryDelay"]);
    let events = v["Events"].as_array().unwrap();
    assert_eq!(events.len(), 1, "{v}");
    let delay = &events[0]["Event"]["deliveryDelay"];
    assert_eq!(delay["delayType"], "IPFailure", "{delay}");
    let recipient = &delay["delayedRecipients"][0];
    assert_eq!(recipient["emailAddress"], "b@gmail.com");
    assert_eq!(recipient["status"], "4.7.0");
    assert!(
        recipient["diagnosticCode"]
            .as_str()
            .unwrap()
            .contains("throttling mail from this IP address"),
        "{recipient}"
    );
    // The next day Gmail accepts 400, and the queue goes first within 14 hours of it: most
    // of yesterday's deferred mail expires, this message with it.
    env.ok(&["-q", "simulate", "--days", "1"]);
    let bounces = env.json(&["events", "list", "--type", "Bounce"]);
    let bounce = &bounces["Events"][0]["Event"]["bounce"];
    assert_eq!(bounce["bounceType"], "Transient", "{bounces}");
    assert!(
        bounce["bouncedRecipients"][0]["diagnosticCode"]
            .as_str()
            .unwrap()
            .contains("(IPFailure)"),
        "{bounce}"
    );
}
