//! Issue 30, "Green on sesm, green on SES": what suites written against SES expect.
//! `tests/clients/parity.py` drives items 1–16 and 19 with boto3 (both APIs, both botocore
//! environments), quoting AWS's recorded answers; here the Go SDK's `/v1/` route (15), the
//! reset over HTTP and from the command line (19), and the Terraform provider's own
//! acceptance configurations (17: apply, an empty plan, import where the Go test imports,
//! destroy).

use std::path::Path;

use crate::harness::Env;
use crate::serve::{Server, Terraform, drive_with_boto3, request, signed};

#[test]
fn boto3_gets_what_suites_written_against_ses_expect() {
    drive_with_boto3("parity.py");
}

/// Item 15: botocore 1.40.0's model (and the Go SDK, so Terraform) sends
/// PutEmailIdentityDkimSigningAttributes to `PUT /v1/email/identities/{id}/dkim/signing`;
/// newer models to `/v2/…`. Both are the operation.
#[test]
fn the_older_v1_dkim_signing_path_is_the_operation() {
    let env = Env::new();
    let server = Server::start(&env, &["-q", "--no-smtp"]);
    let addr = server.addr();
    env.ok(&["--region", "eu-west-1", "identity", "create", "example.com"]);
    let body = r#"{"SigningAttributesOrigin":"AWS_SES","SigningAttributes":{"NextSigningKeyLength":"RSA_2048_BIT"}}"#;
    for prefix in ["/v1", "/v2"] {
        let r = signed(
            &addr,
            "PUT",
            &format!("{prefix}/email/identities/example.com/dkim/signing"),
            body,
            "eu-west-1",
        );
        assert_eq!(r.status, 200, "{prefix}: {r:?}");
        // The SESv2 output shape: DkimStatus and DkimTokens.
        assert!(r.body.contains("\"DkimStatus\""), "{prefix}: {}", r.body);
    }
    let id = env.json(&["--region", "eu-west-1", "identity", "get", "example.com"]);
    assert_eq!(
        id["DkimAttributes"]["NextSigningKeyLength"], "RSA_2048_BIT",
        "{id}"
    );
}

/// Item 19: `POST /_sesm/reset` is `sesm state reset`: a fresh account, an empty outbox, event
/// log and subscription list, answered once on disk; a refusal changes nothing.
#[test]
fn a_reset_over_http_is_the_command_lines_reset() {
    let env = Env::new();
    let server = Server::start(&env, &["-q", "--no-smtp"]);
    let addr = server.addr();
    let setup = || {
        env.ok(&["identity", "create", "example.com"]);
        // Through a dedicated pool, so the live clock's ledger takes the tracked send.
        env.ok(&["pool", "create", "m", "--scaling-mode", "MANAGED"]);
        env.ok(&["config-set", "create", "news", "--pool", "m"]);
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
        env.ok(&[
            "events",
            "subscribe",
            "arn:aws:sns:us-east-1:123456789012:t",
            "http://127.0.0.1:9/sns",
        ]);
        env.ok(&[
            "send",
            "--from",
            "a@example.com",
            "--to",
            "b@gmail.com",
            "--config-set",
            "news",
        ]);
        assert!(
            !env.json(&["events", "list"])["Events"]
                .as_array()
                .unwrap()
                .is_empty()
        );
        // A write folds the send into the state file: the ledger holds it.
        env.ok(&["config-set", "create", "written"]);
        let ledger = &env.state_json()["Regions"]["us-east-1"]["Ledger"];
        assert_eq!(ledger["Pools"]["m"]["gmail"]["Beyond"], 1, "{ledger}");
    };
    let fresh = |how: &str| {
        let ids = env.json(&["identity", "list"]);
        assert_eq!(
            ids["EmailIdentities"],
            serde_json::json!([]),
            "{how}: {ids}"
        );
        let events = env.json(&["events", "list"]);
        assert_eq!(events["Events"], serde_json::json!([]), "{how}: {events}");
        let subs = env.json(&["events", "subscriptions"]);
        assert_eq!(
            subs["Subscriptions"],
            serde_json::json!([]),
            "{how}: {subs}"
        );
        let outbox = env.json(&["outbox", "list"]);
        assert_eq!(outbox["Messages"], serde_json::json!([]), "{how}: {outbox}");
        let state = env.state_json();
        let ledgers: Vec<&serde_json::Value> = state["Regions"]
            .as_object()
            .into_iter()
            .flat_map(|regions| regions.values())
            .filter_map(|region| region.get("Ledger"))
            .collect();
        assert!(ledgers.is_empty(), "{how}: the live clock's ledger is left");
        let events_file = format!("{}.events", env.state.display());
        assert!(
            std::fs::metadata(&events_file).map_or(true, |m| m.len() == 0),
            "{how}: the event log is left"
        );
    };
    setup();
    // Refusals: another method, a body with parameters; nothing changes.
    let before = env.state_bytes();
    for (method, body) in [("GET", ""), ("POST", r#"{"Keep":"identities"}"#)] {
        let r = request(&addr, method, "/_sesm/reset", body);
        assert_eq!(r.status, 400, "{method} {body}: {r:?}");
        assert_eq!(env.state_bytes(), before, "{method} {body}");
    }
    let r = request(&addr, "POST", "/_sesm/reset", "");
    assert_eq!(r.status, 200, "{r:?}");
    // What `sesm state reset -o json` prints: the path, the fresh account's date, its regions.
    let answer: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(answer["Path"], env.state.display().to_string(), "{answer}");
    assert_eq!(answer["Date"], crate::harness::TODAY, "{answer}");
    fresh("POST /_sesm/reset");
    // The server serves the fresh account at once, and numbers events from 1 again.
    let r = request(&addr, "GET", "/_sesm/events", "");
    assert_eq!(r.status, 200);
    setup();
    let first = env.json(&["events", "list"])["Events"][0]["Seq"].clone();
    assert_eq!(first, 1, "events after a reset start at 1");
    env.ok(&["state", "reset", "--yes"]);
    fresh("sesm state reset");
}

/// A 2048-bit-sized RSA key in PKCS#1 DER inside a PEM file, the file base64-encoded: what the
/// provider's TestAccSESV2EmailIdentity_domainSigning gives SES
/// (`Base64EncodeOnce(TLSRSAPrivateKeyPEM(t, 2048))`). sesm signs nothing, so only the size
/// and framing matter.
fn pem_key(fill: u8) -> String {
    use base64::Engine;
    let b64 = base64::engine::general_purpose::STANDARD;
    let mut der = vec![0x30, 0x82, 0x04, 0xa4];
    der.resize(1192, fill);
    let body = b64.encode(der);
    let lines: Vec<&str> = body
        .as_bytes()
        .chunks(64)
        .map(|c| std::str::from_utf8(c).unwrap())
        .collect();
    let pem = format!(
        "-----BEGIN RSA PRIVATE KEY-----\n{}\n-----END RSA PRIVATE KEY-----\n",
        lines.join("\n")
    );
    b64.encode(pem)
}

/// The acceptance tests' steps, applied side by side (one Terraform run per step for all of
/// them, since a Terraform command takes seconds on a loaded machine): each step's
/// configuration applied, then a plan that must be empty (the Go tests' implicit check after
/// every step).
struct Acceptance<'a> {
    tf: &'a Terraform,
    url: &'a str,
}

impl Acceptance<'_> {
    fn fixtures(names: &[&str]) -> String {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/terraform");
        names
            .iter()
            .map(|name| std::fs::read_to_string(dir.join(name)).unwrap())
            .collect::<Vec<_>>()
            .join("\n")
            .replace("@KEY1@", &pem_key(0x02))
            .replace("@KEY2@", &pem_key(0x03))
    }

    fn apply(&self, step: &str, fixtures: &[&str]) {
        self.tf.write(self.url, &Self::fixtures(fixtures));
        let (code, out) = self.tf.run(&["apply", "-auto-approve"]);
        assert_eq!(code, 0, "{step}: apply: {out}");
        self.plan_empty(step);
    }

    fn plan_empty(&self, step: &str) {
        let (code, out) = self.tf.run(&["plan", "-detailed-exitcode"]);
        assert_eq!(code, 0, "{step}: the plan is not empty: {out}");
    }

    /// The Go tests' ImportState + ImportStateVerify: the resources forgotten, imported by
    /// their IDs (`import` blocks), and a plan with nothing to change. An import whose Go test
    /// ignores attributes SES never returns (a BYODKIM key and selector) is applied, which
    /// sends them again, before that plan.
    fn import(&self, step: &str, fixtures: &[&str], imports: &[(&str, &str)]) {
        let mut rm = vec!["state", "rm"];
        rm.extend(imports.iter().map(|(address, _)| *address));
        let (code, out) = self.tf.run_exact(&rm);
        assert_eq!(code, 0, "{step}: state rm: {out}");
        let blocks: String = imports
            .iter()
            .map(|(address, id)| format!("import {{\n  to = {address}\n  id = \"{id}\"\n}}\n"))
            .collect();
        self.tf
            .write(self.url, &format!("{}\n{blocks}", Self::fixtures(fixtures)));
        let (code, out) = self.tf.run(&["apply", "-auto-approve"]);
        assert_eq!(code, 0, "{step}: import: {out}");
        let imported = format!("{} imported", imports.len());
        assert!(out.contains(&imported), "{step}: {imported}: {out}");
        self.plan_empty(&format!("{step} (after import)"));
    }
}

/// Item 17 (items 12–16 as Terraform meets them): the provider 5.100.0's acceptance
/// configurations for `aws_ses_configuration_set` (TestAccSESConfigurationSet_basic,
/// _Update_deliveryOptions), `aws_ses_event_destination` (TestAccSESEventDestination_basic),
/// `aws_ses_identity_notification_topic` (TestAccSESIdentityNotificationTopic_basic),
/// `aws_sesv2_email_identity` (TestAccSESV2EmailIdentity_nextSigningKeyLength,
/// _domainSigning) and its data source (TestAccSESV2EmailIdentityDataSource_basic), stepped
/// as their Go tests step them, then destroyed.
#[test]
fn terraform_runs_the_providers_ses_acceptance_configurations() {
    let env = Env::new();
    let Some(tf) = Terraform::new(&env) else {
        return;
    };
    let server = Server::start(&env, &["-q", "--no-smtp"]);
    tf.write(&server.url, "");
    let (code, out) = tf.run(&["init"]);
    assert_eq!(code, 0, "init: {out}");
    let t = Acceptance {
        tf: &tf,
        url: &server.url,
    };
    // Step 1 of each test: a set with only a name (12), CloudWatch dimensions named
    // `ses:source-ip` (13), a notification topic's identity given as its ARN (14), the Go SDK's
    // `/v1/…/dkim/signing` (15), base64 of a PEM file and a one-label identity (16).
    let kept = [
        "ses_event_destination_basic.tf",
        "sesv2_email_identity_data_source.tf",
    ];
    let step1 = [
        "ses_configuration_set_basic.tf",
        kept[0],
        kept[1],
        "ses_identity_notification_topic_basic.tf",
        "sesv2_email_identity_next_key_2048.tf",
        "sesv2_email_identity_domain_signing_1.tf",
    ];
    t.apply("step 1", &step1);
    t.import(
        "step 1",
        &step1,
        &[
            ("aws_ses_configuration_set.test", "tf-acc-test-basic"),
            (
                "aws_ses_event_destination.cloudwatch",
                "tf-acc-test-events/tf-acc-test-events",
            ),
            (
                "aws_ses_event_destination.kinesis",
                "tf-acc-test-events/tf-acc-test-kinesis",
            ),
            (
                "aws_ses_event_destination.sns",
                "tf-acc-test-events/tf-acc-test-sns",
            ),
            (
                "aws_sesv2_email_identity.keys",
                "tf-acc-test-keys.example.com",
            ),
            (
                "aws_sesv2_email_identity.byodkim",
                "tf-acc-test-byodkim.example.com",
            ),
        ],
    );
    let step2 = [
        "ses_configuration_set_delivery_require.tf",
        kept[0],
        kept[1],
        "ses_identity_notification_topic_update.tf",
        "sesv2_email_identity_next_key_1024.tf",
        "sesv2_email_identity_domain_signing_2.tf",
    ];
    t.apply("step 2", &step2);
    t.import(
        "step 2",
        &step2,
        &[("aws_ses_configuration_set.test", "tf-acc-test-basic")],
    );
    let step3 = [
        "ses_configuration_set_delivery_optional.tf",
        kept[0],
        kept[1],
        "ses_identity_notification_topic_headers.tf",
    ];
    t.apply("step 3", &step3);
    t.import(
        "step 3",
        &step3,
        &[(
            "aws_ses_identity_notification_topic.test",
            "arn:aws:ses:eu-west-1:123456789012:identity/tf-acc-test-notify.example.com|Complaint",
        )],
    );
    // _Update_deliveryOptions's last steps: back to a set with only a name (12), imported.
    let step4 = ["ses_configuration_set_basic.tf", kept[0], kept[1]];
    t.apply("step 4", &step4);
    t.import(
        "step 4",
        &step4,
        &[("aws_ses_configuration_set.test", "tf-acc-test-basic")],
    );
    let (code, out) = tf.run(&["destroy", "-auto-approve"]);
    assert_eq!(code, 0, "destroy: {out}");
    let account = env.json(&["--region", "eu-west-1", "account"]);
    let eu = account["Regions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["Region"] == "eu-west-1")
        .cloned()
        .unwrap_or_default();
    for key in ["ConfigurationSets", "EmailIdentities"] {
        assert_eq!(
            eu[key].as_u64().unwrap_or(0),
            0,
            "{key} after the destroy: {eu}"
        );
    }
}

/// Item 1 for the SMTP interface: its events name `SendSmtpEmail` in `ses:operation`
/// (docs/decisions.md, "Issue 30"), and a raw message's headers are its own.
#[test]
fn smtp_mail_is_tagged_send_smtp_email() {
    use std::io::{BufRead, BufReader, Write};
    let env = Env::new();
    env.ok(&["identity", "create", "example.com"]);
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
    let server = Server::start(&env, &["-q"]);
    let stream = std::net::TcpStream::connect(server.smtp_addr()).unwrap();
    stream
        .set_read_timeout(Some(std::time::Duration::from_secs(20)))
        .unwrap();
    let mut r = BufReader::new(stream);
    let reply = |r: &mut BufReader<std::net::TcpStream>, send: &str| {
        if !send.is_empty() {
            r.get_mut().write_all(send.as_bytes()).unwrap();
        }
        let mut last = String::new();
        loop {
            let mut line = String::new();
            if r.read_line(&mut line).unwrap_or(0) == 0 || line.as_bytes().get(3) != Some(&b'-') {
                last.push_str(&line);
                return last;
            }
        }
    };
    assert!(reply(&mut r, "").starts_with("220"));
    assert!(reply(&mut r, "EHLO t\r\n").starts_with("250"));
    assert!(reply(&mut r, "AUTH PLAIN AHVzZXIAcGFzcw==\r\n").starts_with("235"));
    assert!(reply(&mut r, "MAIL FROM:<a@example.com>\r\n").starts_with("250"));
    assert!(reply(&mut r, "RCPT TO:<b@gmail.com>\r\n").starts_with("250"));
    assert!(reply(&mut r, "DATA\r\n").starts_with("354"));
    let done = reply(
        &mut r,
        "From: a@example.com\r\nTo: b@gmail.com\r\nX-SES-CONFIGURATION-SET: news\r\nSubject: hi\r\n\r\nbody\r\n.\r\n",
    );
    assert!(done.starts_with("250 Ok "), "{done}");
    let id = done.trim().trim_start_matches("250 Ok ").to_string();
    let events = env.json(&["events", "list", "--message-id", &id]);
    let send = &events["Events"][0]["Event"];
    assert_eq!(
        send["mail"]["tags"]["ses:operation"],
        serde_json::json!(["SendSmtpEmail"]),
        "{events}"
    );
    assert_eq!(send["mail"]["commonHeaders"]["subject"], "hi", "{send}");
}
