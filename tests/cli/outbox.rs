//! The outbox keeps each message whole (issue 19, part 5): Simple content as the MIME SES
//! builds (text, HTML, headers, attachments), raw messages byte for byte, templates rendered;
//! `GET /_sesm/outbox/{id}` and `sesm outbox show` take it apart, `/raw` and `--raw` give the
//! .eml; bounded by `SESM_OUTBOX_BYTES`, oldest first, the dropped counted; behind the same
//! host and origin rules as the API.

use base64::Engine;
use serde_json::{Value, json};

use crate::harness::Env;
use crate::serve::{Raw, Server, raw, request};

fn b64(data: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(data)
}

fn account() -> Env {
    let env = Env::new();
    env.ok(&["pool", "create", "marketing", "--managed"]);
    env.ok(&["config-set", "create", "news", "--pool", "marketing"]);
    env.ok(&["identity", "create", "example.com"]);
    env
}

fn send(addr: &str, body: &Value) -> String {
    let r = request(addr, "POST", "/v2/email/outbound-emails", &body.to_string());
    assert_eq!(r.status, 200, "{r:?}");
    let v: Value = serde_json::from_str(&r.body).unwrap();
    v["MessageId"].as_str().unwrap().to_string()
}

fn detail(addr: &str, id: &str) -> Value {
    let r = request(addr, "GET", &format!("/_sesm/outbox/{id}"), "");
    assert_eq!(r.status, 200, "{r:?}");
    serde_json::from_str(&r.body).unwrap()
}

fn header<'a>(d: &'a Value, name: &str) -> Option<&'a str> {
    d["Headers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["Name"].as_str().unwrap().eq_ignore_ascii_case(name))
        .and_then(|h| h["Value"].as_str())
}

/// Each kept message's file: its name and bytes.
type MailFiles = Vec<(String, Vec<u8>)>;

/// The outbox's files: the journal and each kept message.
fn outbox_files(env: &Env) -> (Option<Vec<u8>>, MailFiles) {
    let journal = std::fs::read(env.path("state/state.json.outbox")).ok();
    let mut mail: MailFiles = std::fs::read_dir(env.path("state/state.json.mail"))
        .map(|d| {
            d.flatten()
                .map(|e| {
                    (
                        e.file_name().to_string_lossy().into_owned(),
                        std::fs::read(e.path()).unwrap(),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    mail.sort();
    (journal, mail)
}

#[test]
fn simple_content_is_kept_as_the_mime_ses_builds_with_its_attachments() {
    let env = account();
    let server = Server::start(&env, &["-q"]);
    let addr = server.addr();
    let pdf = [0x25u8, 0x50, 0x44, 0x46, 0x00, 0xff, 0x10];
    let id = send(
        &addr,
        &json!({
            "FromEmailAddress": "News <news@example.com>",
            "Destination": {"ToAddresses": ["a@gmail.com"], "CcAddresses": ["c@yahoo.com"], "BccAddresses": ["b@outlook.com"]},
            "ReplyToAddresses": ["help@example.com"],
            "ConfigurationSetName": "news",
            "Content": {"Simple": {
                "Subject": {"Data": "Grüße"},
                "Body": {"Text": {"Data": "hello"}, "Html": {"Data": "<p>hello</p>"}},
                "Headers": [{"Name": "X-Campaign", "Value": "spring"}],
                "Attachments": [
                    {"FileName": "report.pdf", "ContentType": "application/pdf", "RawContent": b64(&pdf)},
                    {"FileName": "notes.txt", "ContentType": "text/plain", "RawContent": b64(b"alpha"),
                     "ContentDisposition": "INLINE", "ContentId": "notes1"},
                ],
            }},
        }),
    );
    let d = detail(&addr, &id);
    assert_eq!(d["MessageId"], id.as_str());
    assert_eq!(d["To"], json!(["a@gmail.com"]));
    assert_eq!(d["Cc"], json!(["c@yahoo.com"]));
    assert_eq!(d["Bcc"], json!(["b@outlook.com"]));
    assert_eq!(d["Subject"], "Grüße");
    assert_eq!(d["ConfigurationSetName"], "news");
    assert_eq!(d["ConfigurationSetSource"], "REQUEST");
    assert_eq!(d["PoolName"], "marketing");
    assert_eq!(d["Text"], "hello");
    assert_eq!(d["Html"], "<p>hello</p>");
    assert_eq!(header(&d, "Subject"), Some("Grüße"));
    assert_eq!(header(&d, "Reply-To"), Some("help@example.com"));
    assert_eq!(header(&d, "X-Campaign"), Some("spring"));
    assert_eq!(
        header(&d, "Bcc"),
        None,
        "SES never writes Bcc into the message"
    );
    assert_eq!(
        header(&d, "Message-ID"),
        Some(format!("<{id}@email.amazonses.com>").as_str())
    );
    assert_eq!(
        d["Attachments"],
        json!([
            {"FileName": "report.pdf", "ContentType": "application/pdf", "Disposition": "attachment", "Size": 7},
            {"FileName": "notes.txt", "ContentType": "text/plain", "Disposition": "inline", "ContentId": "notes1", "Size": 5},
        ])
    );
    // The .eml, from the endpoint and the command line alike.
    let r = request(&addr, "GET", &format!("/_sesm/outbox/{id}/raw"), "");
    assert_eq!(r.status, 200);
    assert_eq!(r.header("content-type").as_deref(), Some("message/rfc822"));
    assert_eq!(d["Size"], r.bytes.len());
    let parsed = mailparse::parse_mail(&r.bytes).unwrap();
    let pdf_part = &parsed.subparts[1];
    assert_eq!(pdf_part.get_body_raw().unwrap(), pdf);
    let cli = env.ok(&["outbox", "show", &id, "--raw"]);
    assert_eq!(cli.stdout.as_bytes(), r.bytes.as_slice());
    let shown = env.json(&["outbox", "show", &id]);
    assert_eq!(shown, d);
    let table = env.ok(&["outbox", "show", &id]).stdout;
    assert!(
        table.contains("report.pdf") && table.contains("hello"),
        "{table}"
    );
}

#[test]
fn a_raw_message_is_kept_byte_for_byte_and_a_template_rendered() {
    let env = account();
    env.ok(&["identity", "create", "shop.com"]);
    let server = Server::start(&env, &["-q"]);
    let addr = server.addr();
    // 8-bit bytes that are not UTF-8 survive both doors.
    let mut mime = b"From: news@example.com\r\nTo: a@gmail.com\r\nSubject: raw\r\nContent-Type: text/plain; charset=ISO-8859-1\r\nContent-Transfer-Encoding: 8bit\r\n\r\nGr\xfc\xdfe\r\n".to_vec();
    mime.extend_from_slice(b"-- \r\n");
    let id = send(&addr, &json!({"Content": {"Raw": {"Data": b64(&mime)}}}));
    let r = request(&addr, "GET", &format!("/_sesm/outbox/{id}/raw"), "");
    assert_eq!(r.bytes, mime);
    let out = env
        .command()
        .args(["outbox", "show", &id, "--raw"])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(out.stdout, mime);
    // A stored template is kept as rendered.
    let create = json!({"TemplateName": "welcome", "TemplateContent": {
        "Subject": "Hi {{name}}", "Text": "Dear {{name}}", "Html": "<b>{{name}}</b>"}});
    let r = request(&addr, "POST", "/v2/email/templates", &create.to_string());
    assert_eq!(r.status, 200, "{r:?}");
    let id = send(
        &addr,
        &json!({
            "FromEmailAddress": "hello@shop.com",
            "Destination": {"ToAddresses": ["a@gmail.com"]},
            "Content": {"Template": {"TemplateName": "welcome", "TemplateData": "{\"name\": \"Ada\"}",
                "Attachments": [{"FileName": "a.txt", "RawContent": b64(b"x")}]}},
        }),
    );
    let d = detail(&addr, &id);
    assert_eq!(d["Subject"], "Hi Ada");
    assert_eq!(d["Text"], "Dear Ada");
    assert_eq!(d["Html"], "<b>Ada</b>");
    assert_eq!(d["Attachments"][0]["FileName"], "a.txt");
    // Each bulk entry is kept rendered with its own data.
    let bulk = json!({
        "FromEmailAddress": "hello@shop.com",
        "DefaultContent": {"Template": {"TemplateName": "welcome", "TemplateData": "{\"name\": \"you\"}"}},
        "BulkEmailEntries": [
            {"Destination": {"ToAddresses": ["x@gmail.com"]},
             "ReplacementEmailContent": {"ReplacementTemplate": {"ReplacementTemplateData": "{\"name\": \"Bo\"}"}}},
            {"Destination": {"ToAddresses": ["y@gmail.com"]}},
        ],
    });
    let r = request(
        &addr,
        "POST",
        "/v2/email/outbound-bulk-emails",
        &bulk.to_string(),
    );
    assert_eq!(r.status, 200, "{r:?}");
    let v: Value = serde_json::from_str(&r.body).unwrap();
    let texts: Vec<Value> = v["BulkEmailEntryResults"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| detail(&addr, e["MessageId"].as_str().unwrap())["Text"].clone())
        .collect();
    assert_eq!(texts, [json!("Dear Bo"), json!("Dear you")]);
}

#[test]
fn bad_attachments_and_headers_are_refused_and_change_nothing() {
    let env = account();
    let server = Server::start(&env, &["-q"]);
    let addr = server.addr();
    let base = |simple_extra: Value| {
        let mut simple = json!({"Subject": {"Data": "s"}, "Body": {"Text": {"Data": "t"}}});
        for (k, v) in simple_extra.as_object().unwrap() {
            simple[k] = v.clone();
        }
        json!({
            "FromEmailAddress": "news@example.com",
            "Destination": {"ToAddresses": ["a@gmail.com"]},
            "Content": {"Simple": simple},
        })
    };
    let too_many: Vec<Value> = (0..16)
        .map(|i| json!({"Name": format!("X-H{i}"), "Value": "v"}))
        .collect();
    let cases = [
        (
            json!({"Attachments": [{"FileName": "a", "RawContent": "%%%"}]}),
            "is not base64",
        ),
        (
            json!({"Attachments": [{"FileName": "a", "RawContent": "eA==", "ContentDisposition": "ATTACHED"}]}),
            "Invalid ContentDisposition 'ATTACHED'",
        ),
        (
            json!({"Attachments": [{"FileName": "a", "RawContent": "eA==", "ContentTransferEncoding": "UUENCODE"}]}),
            "Invalid ContentTransferEncoding",
        ),
        (
            json!({"Attachments": [{"FileName": "", "RawContent": "eA=="}]}),
            "FileName must have 1 to 255 characters",
        ),
        (
            json!({"Attachments": [{"FileName": "a", "RawContent": b64("é".as_bytes()), "ContentTransferEncoding": "SEVEN_BIT"}]}),
            "cannot be sent SEVEN_BIT",
        ),
        (json!({"Headers": too_many}), "at most 15"),
        (
            json!({"Headers": [{"Name": "Bad:Name", "Value": "v"}]}),
            "Invalid header name",
        ),
        (
            json!({"Headers": [{"Name": "X-A", "Value": "caf\u{e9}"}]}),
            "Invalid value of header 'X-A'",
        ),
    ];
    for (extra, text) in cases {
        let before = (env.state_bytes(), outbox_files(&env));
        let r = request(
            &addr,
            "POST",
            "/v2/email/outbound-emails",
            &base(extra.clone()).to_string(),
        );
        assert_eq!(r.status, 400, "{extra}: {r:?}");
        assert_eq!(
            r.header("x-amzn-errortype").as_deref(),
            Some("BadRequestException")
        );
        assert!(
            r.body.contains(text),
            "{extra}: expected {text:?} in {}",
            r.body
        );
        assert_eq!((env.state_bytes(), outbox_files(&env)), before, "{extra}");
    }
}

#[test]
fn the_outbox_keeps_at_most_its_bytes_oldest_first_and_counts_the_dropped() {
    // Each message here is about 400 bytes: a bound of 2,000 keeps the last few.
    let env = account().with_env("SESM_OUTBOX_BYTES", "2000");
    let mut ids = Vec::new();
    for i in 0..12 {
        let sent = env.json(&[
            "send",
            "--from",
            "news@example.com",
            "--to",
            "a@gmail.com",
            "--subject",
            &format!("n{i}"),
            "--text",
            &"x".repeat(100),
        ]);
        ids.push(sent["MessageId"].as_str().unwrap().to_string());
    }
    // Sends append; the next write trims.
    env.ok(&["config-set", "create", "other"]);
    let list = env.json(&["outbox", "list"]);
    let kept: Vec<&str> = list["Messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["MessageId"].as_str().unwrap())
        .collect();
    assert!(
        (2..=5).contains(&kept.len()),
        "kept {} of 12: {list}",
        kept.len()
    );
    assert_eq!(kept, ids[12 - kept.len()..], "the newest are kept");
    assert_eq!(list["Dropped"], 12 - kept.len() as u64);
    // Messages live in segment files: the open one (`state.json.outbox`) and closed ones
    // (`state.json.mail/`); a dropped message's bytes go with its segment once that is closed
    // and outside the bound, so the files hold the bound and at most the open segment (at
    // least 64 KiB, a quarter of the bound) beside it.
    let (journal, mail) = outbox_files(&env);
    let bytes = journal.map_or(0, |j| j.len()) + mail.iter().map(|(_, b)| b.len()).sum::<usize>();
    assert!(bytes <= 2000 + 64 * 1024, "{bytes}");
    // A dropped message is gone; a kept one is whole.
    let r = env.refused(
        &["outbox", "show", &ids[0]],
        "NotFoundException",
        "GetOutboxMessage",
    );
    assert!(Env::message(&r).contains("is not in the outbox"));
    let last = env.json(&["outbox", "show", ids.last().unwrap()]);
    assert_eq!(last["Subject"], "n11");
    // Clearing removes every kept message.
    env.ok(&["outbox", "clear"]);
    assert!(outbox_files(&env).1.is_empty());
    assert_eq!(env.json(&["outbox", "list"])["Dropped"], 0);
}

#[test]
fn message_views_obey_the_servers_origin_rules() {
    let env = account();
    let server = Server::start(&env, &["-q"]);
    let addr = server.addr();
    let id = send(
        &addr,
        &json!({
            "FromEmailAddress": "news@example.com",
            "Destination": {"ToAddresses": ["a@gmail.com"]},
            "Content": {"Simple": {"Subject": {"Data": "secret"}, "Body": {"Text": {"Data": "t"}}}},
        }),
    );
    for path in [
        format!("/_sesm/outbox/{id}"),
        format!("/_sesm/outbox/{id}/raw"),
    ] {
        for extra in [
            "Origin: https://evil.example\r\n",
            "Sec-Fetch-Site: cross-site\r\n",
        ] {
            let r: Raw = raw(
                &addr,
                format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\n{extra}Connection: close\r\n\r\n")
                    .as_bytes(),
            );
            assert_eq!(r.status, 403, "{path} {extra}: {r:?}");
            assert!(!r.body.contains("secret"));
        }
        let r = raw(
            &addr,
            format!("GET {path} HTTP/1.1\r\nHost: evil.example:80\r\nConnection: close\r\n\r\n")
                .as_bytes(),
        );
        assert_eq!(r.status, 403, "{path}: {r:?}");
    }
    let r = request(&addr, "GET", "/_sesm/outbox/nope", "");
    assert_eq!(r.status, 404);
    assert_eq!(
        r.header("x-amzn-errortype").as_deref(),
        Some("NotFoundException")
    );
    let r = request(&addr, "DELETE", &format!("/_sesm/outbox/{id}"), "");
    assert_eq!(r.status, 400, "{r:?}");
}
