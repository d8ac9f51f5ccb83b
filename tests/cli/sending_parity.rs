//! What SES refuses, sesm refuses; what SES routes, sesm routes (issue 19, first part): the
//! `X-SES-CONFIGURATION-SET` header, paused configuration sets, every sender of a raw message
//! verified, subdomains and `+labels` covered by their identities, nodemailer's `verify()`
//! probe, and SESv2's content checks. Driven over HTTP; each refusal leaves the state and the
//! outbox byte-identical.

use base64::Engine;
use serde_json::{Value, json};

use crate::harness::Env;
use crate::serve::{Raw, Server, request};

fn account() -> Env {
    let env = Env::new();
    env.ok(&["pool", "create", "marketing", "--managed"]);
    env.ok(&["config-set", "create", "news", "--pool", "marketing"]);
    env.ok(&["config-set", "create", "plain"]);
    env.ok(&["identity", "create", "example.com", "--config-set", "plain"]);
    env.ok(&[
        "identity",
        "create",
        "ceo@example.com",
        "--config-set",
        "news",
    ]);
    env
}

fn raw_send(addr: &str, mime: &str, extra: Value) -> Raw {
    let mut body = json!({
        "Content": {"Raw": {"Data": base64::engine::general_purpose::STANDARD.encode(mime)}},
    });
    for (k, v) in extra.as_object().unwrap() {
        body[k] = v.clone();
    }
    request(addr, "POST", "/v2/email/outbound-emails", &body.to_string())
}

fn simple(from: &str, to: &str) -> Value {
    json!({
        "FromEmailAddress": from,
        "Destination": {"ToAddresses": [to]},
        "Content": {"Simple": {"Subject": {"Data": "s"}, "Body": {"Text": {"Data": "t"}}}},
    })
}

fn send(addr: &str, body: &Value) -> Raw {
    request(addr, "POST", "/v2/email/outbound-emails", &body.to_string())
}

/// The outbox entry of an accepted message.
fn sent(addr: &str, r: &Raw) -> Value {
    assert_eq!(r.status, 200, "{r:?}");
    let id: Value = serde_json::from_str(&r.body).unwrap();
    let list = request(addr, "GET", "/_sesm/outbox", "");
    let list: Value = serde_json::from_str(&list.body).unwrap();
    list["Messages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["MessageId"] == id["MessageId"])
        .cloned()
        .unwrap_or_else(|| panic!("{} is not in the outbox: {list}", id["MessageId"]))
}

/// The files a refusal must leave as they were: the state, the outbox journal and the
/// number of messages kept whole.
fn files(env: &Env) -> (Option<Vec<u8>>, Option<Vec<u8>>, usize) {
    (
        env.state_bytes(),
        std::fs::read(env.path("state/state.json.outbox")).ok(),
        std::fs::read_dir(env.path("state/state.json.mail")).map_or(0, |d| d.count()),
    )
}

fn refused(
    env: &Env,
    r: Raw,
    before: &(Option<Vec<u8>>, Option<Vec<u8>>, usize),
    status: u16,
    code: &str,
    text: &str,
) {
    assert_eq!(r.status, status, "{r:?}");
    assert_eq!(r.header("x-amzn-errortype").as_deref(), Some(code), "{r:?}");
    assert!(r.body.contains(text), "expected {text:?} in {}", r.body);
    assert_eq!(
        &files(env),
        before,
        "a refusal changed the state or the outbox"
    );
}

#[test]
fn the_x_ses_configuration_set_header_picks_the_set_after_the_request() {
    let env = account();
    let server = Server::start(&env, &["-q"]);
    let addr = server.addr();
    let mime = "From: news@example.com\r\nTo: a@gmail.com\r\nX-SES-CONFIGURATION-SET: news\r\nSubject: hi\r\n\r\nbody";
    let m = sent(&addr, &raw_send(&addr, mime, json!({})));
    assert_eq!(m["ConfigurationSetName"], "news");
    assert_eq!(m["ConfigurationSetSource"], "HEADER");
    assert_eq!(m["PoolName"], "marketing");
    // The request's set comes first.
    let m = sent(
        &addr,
        &raw_send(&addr, mime, json!({"ConfigurationSetName": "plain"})),
    );
    assert_eq!(m["ConfigurationSetName"], "plain");
    assert_eq!(m["ConfigurationSetSource"], "REQUEST");
    // A header naming a missing set is refused like a missing set in the request.
    let before = files(&env);
    let bad =
        "From: news@example.com\r\nTo: a@gmail.com\r\nX-SES-CONFIGURATION-SET: nope\r\n\r\nbody";
    refused(
        &env,
        raw_send(&addr, bad, json!({})),
        &before,
        404,
        "NotFoundException",
        "Configuration set <nope> does not exist.",
    );
}

#[test]
fn a_paused_set_refuses_sends_and_bulk_entries() {
    let env = account();
    let server = Server::start(&env, &["-q"]);
    let addr = server.addr();
    let r = request(
        &addr,
        "PUT",
        "/v2/email/configuration-sets/news/sending",
        r#"{"SendingEnabled":false}"#,
    );
    assert_eq!(r.status, 200, "{r:?}");
    let before = files(&env);
    let mut named = simple("news@example.com", "a@gmail.com");
    named["ConfigurationSetName"] = "news".into();
    refused(
        &env,
        send(&addr, &named),
        &before,
        400,
        "SendingPausedException",
        "Sending is paused for configuration set <news>.",
    );
    // As the sender identity's default set too.
    refused(
        &env,
        send(&addr, &simple("ceo@example.com", "a@gmail.com")),
        &before,
        400,
        "SendingPausedException",
        "<news>",
    );
    let bulk = json!({
        "FromEmailAddress": "news@example.com",
        "ConfigurationSetName": "news",
        "DefaultContent": {"Template": {"TemplateContent": {"Subject": "s", "Text": "t"}}},
        "BulkEmailEntries": [{"Destination": {"ToAddresses": ["a@gmail.com"]}}, {"Destination": {"ToAddresses": ["b@gmail.com"]}}],
    });
    let r = request(
        &addr,
        "POST",
        "/v2/email/outbound-bulk-emails",
        &bulk.to_string(),
    );
    assert_eq!(r.status, 200, "{r:?}");
    let v: Value = serde_json::from_str(&r.body).unwrap();
    let statuses: Vec<&str> = v["BulkEmailEntryResults"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["Status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, ["CONFIGURATION_SET_SENDING_PAUSED"; 2]);
    assert_eq!(files(&env), before, "a paused bulk send accepted mail");
    // Resumed, it sends.
    let r = request(
        &addr,
        "PUT",
        "/v2/email/configuration-sets/news/sending",
        r#"{"SendingEnabled":true}"#,
    );
    assert_eq!(r.status, 200);
    sent(&addr, &send(&addr, &named));
}

#[test]
fn every_sender_of_a_raw_message_must_be_verified() {
    let env = account();
    let server = Server::start(&env, &["-q"]);
    let addr = server.addr();
    let before = files(&env);
    let mime = "From: evil@nope.com\r\nTo: a@gmail.com\r\nSubject: hi\r\n\r\nbody";
    refused(
        &env,
        raw_send(&addr, mime, json!({"FromEmailAddress": "news@example.com"})),
        &before,
        400,
        "MessageRejected",
        "Email address is not verified. The following identities failed the check in region US-EAST-1: evil@nope.com",
    );
    let mime = "From: news@example.com\r\nSender: a@other.org\r\nReturn-Path: <b@third.net>\r\nTo: a@gmail.com\r\n\r\nbody";
    refused(
        &env,
        raw_send(&addr, mime, json!({})),
        &before,
        400,
        "MessageRejected",
        "US-EAST-1: a@other.org, b@third.net",
    );
    // nodemailer's verify() probe: MessageRejected is what it takes for a working transport.
    let probe =
        "From: <invalid@invalid>\r\nTo: <invalid@invalid>\r\n Subject: Invalid\r\n\r\nInvalid";
    refused(
        &env,
        raw_send(
            &addr,
            probe,
            json!({"FromEmailAddress": "invalid@invalid", "Destination": {"ToAddresses": ["invalid@invalid"]}}),
        ),
        &before,
        400,
        "MessageRejected",
        "invalid@invalid",
    );
}

#[test]
fn subdomains_and_labels_are_covered_by_their_identities_and_defaults() {
    let env = account();
    let server = Server::start(&env, &["-q"]);
    let addr = server.addr();
    // A verified domain covers its subdomains; its default set applies.
    let m = sent(
        &addr,
        &send(&addr, &simple("x@mail.sub.example.com", "a@gmail.com")),
    );
    assert_eq!(m["ConfigurationSetName"], "plain");
    assert_eq!(m["ConfigurationSetSource"], "DOMAIN_IDENTITY");
    // An address verified on its own keeps its default for its +labels.
    let m = sent(
        &addr,
        &send(&addr, &simple("ceo+q4@example.com", "a@gmail.com")),
    );
    assert_eq!(m["ConfigurationSetName"], "news");
    assert_eq!(m["ConfigurationSetSource"], "ADDRESS_IDENTITY");
    // Not a lookalike domain.
    let before = files(&env);
    refused(
        &env,
        send(&addr, &simple("x@notexample.com", "a@gmail.com")),
        &before,
        400,
        "MessageRejected",
        "x@notexample.com",
    );
}

#[test]
fn content_sesv2_refuses_is_refused_with_its_code() {
    let env = account();
    let server = Server::start(&env, &["-q"]);
    let addr = server.addr();
    let before = files(&env);
    let ok = simple("news@example.com", "a@gmail.com");
    let with = |f: &dyn Fn(&mut Value)| {
        let mut b = ok.clone();
        f(&mut b);
        b
    };
    let raw_data = base64::engine::general_purpose::STANDARD
        .encode("From: news@example.com\r\nTo: a@gmail.com\r\n\r\nx");
    for (what, body, text) in [
        (
            "Simple and Raw",
            with(&|b| b["Content"]["Raw"] = json!({"Data": raw_data})),
            "not several",
        ),
        (
            "a tag name with a space",
            with(&|b| b["EmailTags"] = json!([{"Name": "bad name!", "Value": "v"}])),
            "Invalid tag name <bad name!>",
        ),
        (
            "a 300-character tag name",
            with(&|b| b["EmailTags"] = json!([{"Name": "n".repeat(300), "Value": "v"}])),
            "Tag name cannot exceed 255 characters.",
        ),
        (
            "a Reply-To that is no address",
            with(&|b| b["ReplyToAddresses"] = json!(["not an address"])),
            "Reply-To",
        ),
        (
            "a garbage identity ARN",
            with(&|b| b["FromEmailAddressIdentityArn"] = json!("garbage")),
            "Invalid ARN <garbage>.",
        ),
        (
            "a non-ASCII recipient",
            with(&|b| b["Destination"]["ToAddresses"] = json!(["jörg@gmail.com"])),
            "7-bit ASCII",
        ),
        (
            "Simple without a Body",
            with(&|b| {
                b["Content"]["Simple"]
                    .as_object_mut()
                    .unwrap()
                    .remove("Body")
                    .map(|_| ())
                    .unwrap()
            }),
            "Content.Simple.Body is required.",
        ),
    ] {
        let r = send(&addr, &body);
        assert_eq!(r.status, 400, "{what}: {r:?}");
        assert_eq!(
            r.header("x-amzn-errortype").as_deref(),
            Some("BadRequestException"),
            "{what}"
        );
        assert!(
            r.body.contains(text),
            "{what}: expected {text:?} in {}",
            r.body
        );
        assert_eq!(
            files(&env),
            before,
            "{what} changed the state or the outbox"
        );
    }
    // A contact list sesm does not have (it keeps none).
    let mut listed = ok.clone();
    listed["ListManagementOptions"] = json!({"ContactListName": "weekly"});
    refused(
        &env,
        send(&addr, &listed),
        &before,
        404,
        "NotFoundException",
        "List with name: weekly doesn't exist.",
    );
    // A raw message with no headers.
    refused(
        &env,
        raw_send(
            &addr,
            "\r\njust a body",
            json!({"FromEmailAddress": "news@example.com", "Destination": {"ToAddresses": ["a@gmail.com"]}}),
        ),
        &before,
        400,
        "BadRequestException",
        "no headers",
    );
}

#[test]
fn an_account_paused_in_a_region_sends_nothing_there() {
    let env = account();
    let server = Server::start(&env, &["-q"]);
    let addr = server.addr();
    let r = request(
        &addr,
        "PUT",
        "/v2/email/account/sending",
        r#"{"SendingEnabled":false}"#,
    );
    assert_eq!(r.status, 200, "{r:?}");
    let account: Value =
        serde_json::from_str(&request(&addr, "GET", "/v2/email/account", "").body).unwrap();
    assert_eq!(account["SendingEnabled"], false);
    assert_eq!(env.json(&["account"])["SendingEnabled"], false);
    let before = files(&env);
    refused(
        &env,
        send(&addr, &simple("news@example.com", "a@gmail.com")),
        &before,
        400,
        "SendingPausedException",
        "Sending is paused for this account in region us-east-1.",
    );
    let bulk = json!({
        "FromEmailAddress": "news@example.com",
        "DefaultContent": {"Template": {"TemplateContent": {"Subject": "s", "Text": "t"}}},
        "BulkEmailEntries": [{"Destination": {"ToAddresses": ["a@gmail.com"]}}],
    });
    let r = request(
        &addr,
        "POST",
        "/v2/email/outbound-bulk-emails",
        &bulk.to_string(),
    );
    assert_eq!(r.status, 200, "{r:?}");
    assert!(
        r.body.contains("\"Status\":\"ACCOUNT_SENDING_PAUSED\""),
        "{r:?}"
    );
    assert_eq!(files(&env), before, "a paused account accepted bulk mail");
    // Resumed, it sends.
    let r = request(
        &addr,
        "PUT",
        "/v2/email/account/sending",
        r#"{"SendingEnabled":true}"#,
    );
    assert_eq!(r.status, 200);
    sent(
        &addr,
        &send(&addr, &simple("news@example.com", "a@gmail.com")),
    );
}

#[test]
fn the_mailbox_simulator_takes_mail_from_verified_senders_and_counts_toward_no_isp() {
    let env = account();
    let server = Server::start(&env, &["-q"]);
    let addr = server.addr();
    let mut body = simple("news@example.com", "bounce@simulator.amazonses.com");
    body["Destination"]["CcAddresses"] =
        json!(["complaint+x@simulator.amazonses.com", "a@gmail.com"]);
    let m = sent(&addr, &send(&addr, &body));
    assert_eq!(m["Isps"], json!({"gmail": 1}), "{m}");
    assert_eq!(
        m["Simulator"],
        json!({"bounce@simulator.amazonses.com": "BOUNCE", "complaint+x@simulator.amazonses.com": "COMPLAINT"})
    );
    // Only the simulator: accepted, no demand at all.
    let m = sent(
        &addr,
        &send(
            &addr,
            &simple("news@example.com", "success@simulator.amazonses.com"),
        ),
    );
    assert_eq!(m["Isps"], json!({}));
    assert_eq!(m["Simulator"]["success@simulator.amazonses.com"], "SUCCESS");
    // The sender must still be verified.
    let before = files(&env);
    refused(
        &env,
        send(
            &addr,
            &simple("x@nope.org", "success@simulator.amazonses.com"),
        ),
        &before,
        400,
        "MessageRejected",
        "x@nope.org",
    );
}

#[test]
fn the_outbox_lists_every_region_unless_one_is_named() {
    let env = account();
    env.ok(&["--region", "eu-west-1", "identity", "create", "example.com"]);
    env.ok(&[
        "--region",
        "eu-west-1",
        "send",
        "--from",
        "a@example.com",
        "--to",
        "x@gmail.com",
    ]);
    env.ok(&["send", "--from", "a@example.com", "--to", "y@gmail.com"]);
    let server = Server::start(&env, &["-q"]);
    let addr = server.addr();
    let regions = |path: &str| -> Vec<String> {
        let v: Value = serde_json::from_str(&request(&addr, "GET", path, "").body).unwrap();
        v["Messages"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["Region"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(regions("/_sesm/outbox"), ["eu-west-1", "us-east-1"]);
    assert_eq!(regions("/_sesm/outbox?region=eu-west-1"), ["eu-west-1"]);
    let cli = |args: &[&str]| -> usize { env.json(args)["Messages"].as_array().unwrap().len() };
    assert_eq!(cli(&["outbox", "list"]), 2);
    assert_eq!(cli(&["--region", "us-east-1", "outbox", "list"]), 1);
    // The domain of --to compares without case.
    assert_eq!(cli(&["outbox", "list", "--to", "x@GMAIL.com"]), 1);
}

#[test]
fn recipients_are_recorded_as_the_message_addressed_them() {
    let env = account();
    let server = Server::start(&env, &["-q"]);
    let addr = server.addr();
    // As nodemailer sends: every recipient in Destination.ToAddresses, no Bcc header.
    let mime = "From: news@example.com\r\nTo: a@gmail.com\r\nCc: \"C\" <c@Yahoo.com>\r\nSubject: hi\r\n\r\nbody";
    let dest = json!({"Destination": {"ToAddresses": ["a@gmail.com", "c@yahoo.com", "hidden@outlook.com"]}});
    let m = sent(&addr, &raw_send(&addr, mime, dest));
    assert_eq!(m["To"], json!(["a@gmail.com"]));
    assert_eq!(m["Cc"], json!(["c@yahoo.com"]));
    assert_eq!(m["Bcc"], json!(["hidden@outlook.com"]));
}

#[test]
fn nodemailer_verifies_and_sends_with_attachments_through_a_set() {
    let Some((_env, server, addr)) = node_client("nodemailer", "nodemailer (npm)") else {
        return;
    };
    let reply = run_node("nodemailer.mjs", &server.url);
    assert_eq!(reply["verified"], true, "{reply}");
    let id = reply["response"].as_str().unwrap();
    let list: Value =
        serde_json::from_str(&request(&addr, "GET", "/_sesm/outbox", "").body).unwrap();
    let m = list["Messages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["MessageId"] == id)
        .cloned()
        .unwrap();
    assert_eq!(m["To"], json!(["a@gmail.com"]));
    assert_eq!(m["Cc"], json!(["c@yahoo.com"]));
    assert_eq!(m["Bcc"], json!(["b@outlook.com"]));
    assert_eq!(m["Subject"], "Two attachments");
    assert_eq!(m["ConfigurationSetName"], "news");
    assert_eq!(m["PoolName"], "marketing");
    // The message is kept whole: its two attachments read back from the outbox.
    let d = request(&addr, "GET", &format!("/_sesm/outbox/{id}"), "");
    assert_eq!(d.status, 200, "{d:?}");
    let d: Value = serde_json::from_str(&d.body).unwrap();
    assert_eq!(d["Text"], "hello");
    assert_eq!(d["Html"], "<p>hello</p>");
    let attachments: Vec<(Value, Value, Value)> = d["Attachments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["FileName"].clone(),
                a["ContentType"].clone(),
                a["Size"].clone(),
            )
        })
        .collect();
    assert_eq!(
        attachments,
        [
            (json!("notes.txt"), json!("text/plain"), json!(5)),
            (
                json!("data.bin"),
                json!("application/octet-stream"),
                json!(5)
            ),
        ],
        "{d}"
    );
    let eml = request(&addr, "GET", &format!("/_sesm/outbox/{id}/raw"), "");
    let parsed = mailparse::parse_mail(&eml.bytes).unwrap();
    let bodies: Vec<Vec<u8>> = parsed
        .subparts
        .iter()
        .skip(1)
        .map(|p| p.get_body_raw().unwrap())
        .collect();
    assert_eq!(bodies, [b"alpha".to_vec(), vec![0, 1, 2, 3, 255]]);
}

#[test]
fn nodemailer_6_sends_through_the_v1_api_with_an_attachment() {
    let Some((_env, server, addr)) = node_client("nodemailer6", "nodemailer 6 (npm)") else {
        return;
    };
    let reply = run_node("nodemailer6.mjs", &server.url);
    let id = reply["response"].as_str().unwrap();
    let d = request(&addr, "GET", &format!("/_sesm/outbox/{id}"), "");
    assert_eq!(d.status, 200, "{d:?}");
    let d: Value = serde_json::from_str(&d.body).unwrap();
    assert_eq!(d["Subject"], "nodemailer 6");
    assert_eq!(d["ConfigurationSetName"], "news");
    assert_eq!(d["PoolName"], "marketing");
    assert_eq!(d["Attachments"][0]["FileName"], "notes.txt", "{d}");
    assert_eq!(d["Attachments"][0]["Size"], 5);
}

/// The account and a server for a node client test, or `None` (reported as skipped) when node
/// or the npm `module` is missing.
fn node_client(module: &str, label: &str) -> Option<(Env, Server, String)> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let modules = root.join("target/clients/node/node_modules").join(module);
    let node = std::process::Command::new("node").arg("--version").output();
    if !modules.exists() || node.is_err() {
        crate::harness::skip(label, "SESM_REQUIRE_CLIENTS", "run .ci/clients");
        return None;
    }
    let env = account();
    let server = Server::start(&env, &["-q"]);
    let addr = server.addr();
    Some((env, server, addr))
}

/// Runs `tests/clients/node/SCRIPT ENDPOINT` (from target/clients/node, where its packages
/// are); the JSON it prints.
fn run_node(script: &str, endpoint: &str) -> Value {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let copy = root.join("target/clients/node").join(script);
    std::fs::copy(root.join("tests/clients/node").join(script), &copy).unwrap();
    let out = std::process::Command::new("node")
        .arg(&copy)
        .arg(endpoint)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_str(stdout.trim()).unwrap()
}
