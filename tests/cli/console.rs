//! The console (`/console` of `sesm serve`): pages read with scraper, forms posted over raw
//! HTTP as a browser posts them, and the state checked with the command line; then a real
//! headless Chromium driven through `tests/clients/console.py`.

use std::path::Path;
use std::process::Command;

use base64::Engine;
use scraper::{Html, Selector};
use serde_json::{Value, json};

use crate::harness::{Env, TODAY};
use crate::serve::{Raw, Server, client_venv, raw, request, run_client};

fn sel(s: &str) -> Selector {
    Selector::parse(s).unwrap()
}

/// A GET as a browser sends it (same-origin navigation).
fn get(server: &Server, path: &str) -> Raw {
    let addr = server.addr();
    let req = format!(
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nAccept: text/html\r\nSec-Fetch-Site: same-origin\r\nConnection: close\r\n\r\n"
    );
    raw(&addr, req.as_bytes())
}

fn page(server: &Server, path: &str) -> Html {
    let r = get(server, path);
    assert_eq!(r.status, 200, "GET {path}: {}", r.body);
    Html::parse_document(&r.body)
}

/// A form post as a browser sends it from the console's own page, with `extra` header lines.
fn post_with(server: &Server, path: &str, form: &[(&str, &str)], extra: &str) -> Raw {
    let addr = server.addr();
    let body: String = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(form)
        .finish();
    let req = format!(
        "POST {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/x-www-form-urlencoded\r\n{extra}Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    raw(&addr, req.as_bytes())
}

fn post(server: &Server, path: &str, form: &[(&str, &str)]) -> Raw {
    let origin = format!("Origin: {}\r\nSec-Fetch-Site: same-origin\r\n", server.url);
    post_with(server, path, form, &origin)
}

/// The run's CSRF token, as every form of the console carries it.
fn token(server: &Server) -> String {
    let doc = page(server, "/console");
    doc.select(&sel("input[name=csrf]"))
        .next()
        .and_then(|i| i.value().attr("value"))
        .expect("a csrf field")
        .to_string()
}

fn text(doc: &Html, css: &str) -> String {
    doc.select(&sel(css))
        .next()
        .map(|e| e.text().collect::<String>())
        .unwrap_or_default()
}

/// The message SESv2 gives for a CreateDedicatedIpPool body: what the console must show.
fn api_error(server: &Server, body: Value) -> String {
    let r = request(
        &server.addr(),
        "POST",
        "/v2/email/dedicated-ip-pools",
        &body.to_string(),
    );
    assert!(r.status >= 400, "{r:?}");
    let v: Value = serde_json::from_str(&r.body).unwrap();
    let code = r.header("x-amzn-ErrorType").unwrap_or_default();
    let code = code.split(':').next().unwrap_or_default().to_string();
    format!("{code}: {}", v["message"].as_str().unwrap())
}

fn account() -> Env {
    let env = Env::new();
    env.ok(&["config-set", "create", "moving"]);
    env.ok(&["config-set", "create", "alpha"]);
    env.ok(&["pool", "create", "std1"]);
    env.ok(&["config-set", "set-pool", "moving", "std1"]);
    env.ok(&["identity", "create", "example.com"]);
    env
}

#[test]
fn a_browsers_get_of_the_root_is_the_console_and_every_page_is_locked_down() {
    let env = account();
    let server = Server::start(&env, &["-q", "--no-smtp"]);
    let r = get(&server, "/");
    assert_eq!(r.status, 303);
    assert_eq!(
        r.header("location").as_deref(),
        Some("/console?region=us-east-1")
    );
    // An SDK's GET / (no HTML asked for) is not the console.
    assert_ne!(request(&server.addr(), "GET", "/", "").status, 303);
    env.ok(&[
        "config-set",
        "event-destination",
        "add",
        "moving",
        "to-sns",
        "--types",
        "SEND,DELIVERY",
        "--sns",
        "arn:aws:sns:us-east-1:123456789012:events",
    ]);
    let id = send(
        &server,
        "Hello",
        "a@gmail.com",
        "news@example.com",
        Some("moving"),
    );
    // The message's page lists its events; the set's page its destination.
    let doc = page(&server, &format!("/console/mail/{id}"));
    assert_eq!(text(&doc, "#events tbody tr td:nth-child(2)"), "Send");
    let doc = page(&server, "/console/config-sets/moving");
    assert_eq!(
        text(&doc, "#event-destinations tbody td:first-child"),
        "to-sns"
    );
    for path in [
        "/console",
        "/console/create-pool",
        "/console/pools/std1",
        "/console/config-sets",
        "/console/config-sets/moving",
        "/console/mail",
        &format!("/console/mail/{id}"),
        "/console/compare",
    ] {
        let r = get(&server, path);
        assert_eq!(r.status, 200, "{path}: {}", r.body);
        assert!(
            r.header("content-security-policy").is_some_and(
                |c| c.contains("script-src 'self'") && c.contains("frame-ancestors 'none'")
            ),
            "{path}: {:?}",
            r.head
        );
        assert_eq!(r.header("x-frame-options").as_deref(), Some("DENY"));
        let doc = Html::parse_document(&r.body);
        // Every post form carries the token; every field has a label.
        for form in doc.select(&sel("form[method=post]")) {
            assert!(
                form.select(&sel("input[name=csrf]")).next().is_some(),
                "{path}: a form without the token: {}",
                form.html()
            );
        }
        for field in doc.select(&sel("input:not([type=hidden]), select")) {
            let v = field.value();
            let labelled = v.attr("aria-label").is_some()
                || v.attr("id").is_some_and(|id| {
                    doc.select(&sel(&format!("label[for=\"{id}\"]")))
                        .next()
                        .is_some()
                })
                || field
                    .ancestors()
                    .any(|a| a.value().as_element().is_some_and(|e| e.name() == "label"));
            assert!(
                labelled,
                "{path}: a field without a label: {}",
                field.html()
            );
        }
        // No inline script anywhere: the policy allows the console's own file only.
        for s in doc.select(&sel("script")) {
            assert!(s.value().attr("src").is_some(), "{path}: inline script");
        }
    }
    let css = get(&server, "/console/static/console.css");
    assert_eq!(css.status, 200);
    assert!(css.header("content-type").unwrap().starts_with("text/css"));
    assert!(css.body.contains("prefers-color-scheme:dark"));
    let js = get(&server, "/console/static/console.js");
    assert!(
        js.header("content-type")
            .unwrap()
            .starts_with("text/javascript")
    );
    assert_eq!(get(&server, "/console/nope").status, 404);
    assert_eq!(get(&server, "/console/pools/ghost").status, 404);
    assert_eq!(get(&server, "/console?region=mars").status, 400);
}

#[test]
fn forms_without_the_token_or_from_another_site_are_refused_and_change_nothing() {
    let env = account();
    let server = Server::start(&env, &["-q", "--no-smtp"]);
    let t = token(&server);
    let before = env.state_bytes();
    let form = |csrf: &'static str| {
        vec![
            ("mode", "MANAGED"),
            ("name", "evil"),
            ("create", "1"),
            ("csrf", csrf),
        ]
    };
    let r = post(&server, "/console/create-pool", &form("")[..3]);
    assert_eq!(r.status, 403, "{}", r.body);
    assert!(r.body.contains("security token is missing"));
    let r = post(
        &server,
        "/console/create-pool",
        &form("00000000000000000000000000000000"),
    );
    assert_eq!(r.status, 403);
    let good: Vec<(&str, &str)> = vec![
        ("mode", "MANAGED"),
        ("name", "evil"),
        ("create", "1"),
        ("csrf", &t),
    ];
    // The token is right, but the browser says the page was another site's.
    let r = post_with(
        &server,
        "/console/create-pool",
        &good,
        "Origin: http://evil.example\r\n",
    );
    assert_eq!(r.status, 403);
    assert!(r.body.contains("refuses requests from the web origin"));
    let r = post_with(
        &server,
        "/console/create-pool",
        &good,
        "Sec-Fetch-Site: cross-site\r\n",
    );
    assert_eq!(r.status, 403);
    // Through a DNS name that resolves to 127.0.0.1 (rebinding).
    let addr = server.addr();
    let body = "mode=MANAGED&name=evil&create=1";
    let req = format!(
        "POST /console/create-pool HTTP/1.1\r\nHost: evil.example:{}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        addr.rsplit(':').next().unwrap(),
        body.len()
    );
    assert_eq!(raw(&addr, req.as_bytes()).status, 403);
    assert_eq!(env.state_bytes(), before);
    env.refused(
        &["pool", "get", "evil"],
        "NotFoundException",
        "GetDedicatedIpPool",
    );
    let r = post(&server, "/console/create-pool", &good);
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(
        r.header("location").as_deref(),
        Some("/console/pools/evil?done=created&region=us-east-1")
    );
    assert_eq!(
        env.json(&["pool", "get", "evil"])["DedicatedIpPool"]["ScalingMode"],
        "MANAGED"
    );
}

#[test]
fn create_pool_refusals_show_the_apis_message_beside_the_field_and_change_nothing() {
    let env = account();
    let server = Server::start(&env, &["-q", "--no-smtp"]);
    let t = token(&server);
    let no_tags: Vec<(&str, &str)> = Vec::new();
    for (name, mode, tags, field, body) in [
        (
            "bad name!",
            "STANDARD",
            no_tags.clone(),
            "#name-error",
            json!({"PoolName": "bad name!"}),
        ),
        (
            "std1",
            "MANAGED",
            no_tags.clone(),
            "#name-error",
            json!({"PoolName": "std1", "ScalingMode": "MANAGED"}),
        ),
        (
            "ses-default-dedicated-pool",
            "STANDARD",
            no_tags.clone(),
            "#name-error",
            json!({"PoolName": "ses-default-dedicated-pool"}),
        ),
        (
            "fine",
            "MANAGED",
            vec![("aws:x", "1")],
            "#tags-error",
            json!({"PoolName": "fine", "Tags": [{"Key": "aws:x", "Value": "1"}]}),
        ),
        (
            "fine",
            "MANAGED",
            vec![("", "orphan")],
            "#tags-error",
            json!({"PoolName": "fine", "Tags": [{"Key": "", "Value": "orphan"}]}),
        ),
    ] {
        let mut form: Vec<(&str, &str)> = vec![
            ("csrf", &t),
            ("mode", mode),
            ("name", name),
            ("create", "1"),
        ];
        for (k, v) in &tags {
            form.push(("tag_key", k));
            form.push(("tag_value", v));
        }
        let before = env.state_bytes();
        let r = post(&server, "/console/create-pool", &form);
        assert!(r.status >= 400, "{name}: {}", r.status);
        let doc = Html::parse_document(&r.body);
        let shown = text(&doc, field);
        assert_eq!(shown, api_error(&server, body), "{name}");
        // The form comes back as it was filled in.
        assert_eq!(
            doc.select(&sel("#pool-name"))
                .next()
                .unwrap()
                .value()
                .attr("value"),
            Some(name)
        );
        assert_eq!(env.state_bytes(), before, "{name}");
    }
    // A set that is not there: beside the sets.
    let before = env.state_bytes();
    let r = post(
        &server,
        "/console/create-pool",
        &[
            ("csrf", &t),
            ("mode", "MANAGED"),
            ("name", "fine"),
            ("config_set", "ghost"),
            ("create", "1"),
        ],
    );
    assert_eq!(r.status, 404);
    let doc = Html::parse_document(&r.body);
    assert!(text(&doc, "#config-sets-error").starts_with("NotFoundException: "));
    assert_eq!(env.state_bytes(), before);
    // As the user types: the same checks, answered as JSON.
    let check = |q: &str| -> String {
        let r = get(&server, &format!("/console/create-pool/check?{q}"));
        assert_eq!(r.status, 200);
        serde_json::from_str::<Value>(&r.body).unwrap()["message"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert_eq!(
        check("name=std1&mode=MANAGED"),
        "AlreadyExistsException: The pool std1 already exists."
    );
    assert_eq!(check("name=fresh&mode=MANAGED"), "");
    assert_eq!(check("name="), "");
    assert!(check("name=a%20b").starts_with("BadRequestException: "));
    assert_eq!(env.state_bytes(), before);
}

#[test]
fn tag_rows_are_added_and_removed_without_script_up_to_fifty() {
    let env = account();
    let server = Server::start(&env, &["-q", "--no-smtp"]);
    let t = token(&server);
    let keys: Vec<String> = (0..50).map(|i| format!("k{i}")).collect();
    let mut form: Vec<(&str, &str)> = vec![("csrf", &t), ("mode", "MANAGED"), ("name", "p1")];
    for k in &keys {
        form.push(("tag_key", k));
        form.push(("tag_value", "v"));
    }
    let before = env.state_bytes();
    let mut add = form.clone();
    add.push(("add_tag", "1"));
    let doc = Html::parse_document(&post(&server, "/console/create-pool", &add).body);
    assert_eq!(doc.select(&sel("input[name=tag_key]")).count(), 50);
    // Enter in a field presses the form's first submit button: Create, not a row's Remove.
    let first = doc
        .select(&sel("#create-form button[type=submit]"))
        .next()
        .unwrap();
    assert_eq!(first.value().attr("name"), Some("create"));
    assert!(doc.select(&sel("#add-tag[disabled]")).next().is_some());
    let mut remove = form.clone();
    remove.push(("remove_tag", "1"));
    let doc = Html::parse_document(&post(&server, "/console/create-pool", &remove).body);
    let left: Vec<&str> = doc
        .select(&sel("input[name=tag_key]"))
        .filter_map(|i| i.value().attr("value"))
        .collect();
    assert_eq!(left.len(), 49);
    assert_eq!(&left[..2], ["k0", "k2"]);
    assert!(doc.select(&sel("#add-tag[disabled]")).next().is_none());
    assert_eq!(
        env.state_bytes(),
        before,
        "adding and removing rows changes nothing"
    );
    // A 51st tag posted (by hand: the form stops at 50) is refused as the API refuses it.
    let mut too_many = form.clone();
    too_many.extend([("tag_key", "k50"), ("tag_value", "v"), ("create", "1")]);
    let r = post(&server, "/console/create-pool", &too_many);
    assert_eq!(r.status, 400, "{}", r.body);
    let tags: Vec<Value> = (0..51)
        .map(|i| json!({"Key": format!("k{i}"), "Value": "v"}))
        .collect();
    let expected = api_error(
        &server,
        json!({"PoolName": "p1", "ScalingMode": "MANAGED", "Tags": tags}),
    );
    assert_eq!(
        text(&Html::parse_document(&r.body), "#tags-error"),
        expected
    );
    assert_eq!(env.state_bytes(), before);
    let mut create = form.clone();
    create.push(("create", "1"));
    assert_eq!(post(&server, "/console/create-pool", &create).status, 303);
    assert_eq!(
        env.json(&["pool", "get", "p1"])["Tags"]
            .as_array()
            .unwrap()
            .len(),
        50
    );
}

#[test]
fn a_pools_page_edits_tags_converts_and_deletes_with_confirmation() {
    let env = account();
    let server = Server::start(&env, &["-q", "--no-smtp"]);
    let t = token(&server);
    let r = post(
        &server,
        "/console/pools/std1/tags",
        &[("csrf", &t), ("key", "owner"), ("value", "Growth team")],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let tags = env.json(&["pool", "get", "std1"])["Tags"].clone();
    assert_eq!(tags, json!([{"Key": "owner", "Value": "Growth team"}]));
    let doc = page(&server, "/console/pools/std1?done=tagged");
    assert_eq!(
        text(&doc, "#pool-tags tbody td:nth-child(2)"),
        "Growth team"
    );
    assert_eq!(text(&doc, "p.flash"), "The tag was added.");
    // A tag SES refuses: its message on the page, nothing changed.
    let before = env.state_bytes();
    let r = post(
        &server,
        "/console/pools/std1/tags",
        &[("csrf", &t), ("key", "aws:reserved"), ("value", "x")],
    );
    assert_eq!(r.status, 400);
    assert!(text(&Html::parse_document(&r.body), "p.error").starts_with("BadRequestException: "));
    assert_eq!(env.state_bytes(), before);
    let r = post(
        &server,
        "/console/pools/std1/untag",
        &[("csrf", &t), ("key", "owner")],
    );
    assert_eq!(r.status, 303);
    assert_eq!(env.json(&["pool", "get", "std1"])["Tags"], json!([]));
    // Convert needs its box ticked; then the pool is managed (and the page offers no way back).
    let before = env.state_bytes();
    assert_eq!(
        post(&server, "/console/pools/std1/scaling", &[("csrf", &t)]).status,
        400
    );
    assert_eq!(env.state_bytes(), before);
    let r = post(
        &server,
        "/console/pools/std1/scaling",
        &[("csrf", &t), ("confirm", "MANAGED")],
    );
    assert_eq!(r.status, 303);
    assert_eq!(
        env.json(&["pool", "get", "std1"])["DedicatedIpPool"]["ScalingMode"],
        "MANAGED"
    );
    assert!(
        page(&server, "/console/pools/std1")
            .select(&sel("#convert-form"))
            .next()
            .is_none()
    );
    // Delete: the name typed, else nothing happens.
    let before = env.state_bytes();
    let r = post(
        &server,
        "/console/pools/std1/delete",
        &[("csrf", &t), ("confirm", "std")],
    );
    assert_eq!(r.status, 400);
    assert!(
        r.body.contains("Type the pool&#39;s name (std1)")
            || r.body.contains("Type the pool's name (std1)")
    );
    assert_eq!(env.state_bytes(), before);
    let r = post(
        &server,
        "/console/pools/std1/delete",
        &[("csrf", &t), ("confirm", "std1")],
    );
    assert_eq!(r.status, 303);
    assert_eq!(
        r.header("location").as_deref(),
        Some("/console?done=deleted&region=us-east-1")
    );
    env.refused(
        &["pool", "get", "std1"],
        "NotFoundException",
        "GetDedicatedIpPool",
    );
    // Pools may be named as the console's own pages are: theirs stay reachable.
    env.ok(&["pool", "create", "new"]);
    env.ok(&["pool", "create", "check"]);
    for name in ["new", "check"] {
        let doc = page(&server, &format!("/console/pools/{name}"));
        assert!(text(&doc, "h1").starts_with(name), "{name}");
    }
}

#[test]
fn a_sets_sending_pool_is_edited_on_its_page() {
    let env = account();
    let server = Server::start(&env, &["-q", "--no-smtp"]);
    let t = token(&server);
    let doc = page(&server, "/console/config-sets/alpha");
    let options: Vec<&str> = doc
        .select(&sel("#sending-pool option"))
        .filter_map(|o| o.value().attr("value"))
        .collect();
    assert_eq!(options, ["", "std1"]);
    let r = post(
        &server,
        "/console/config-sets/alpha/delivery",
        &[("csrf", &t), ("pool", "std1")],
    );
    assert_eq!(r.status, 303);
    assert_eq!(
        env.json(&["config-set", "get", "alpha"])["DeliveryOptions"]["SendingPoolName"],
        "std1"
    );
    // A pool that is not there: SES's error beside the select, nothing changed.
    let before = env.state_bytes();
    let r = post(
        &server,
        "/console/config-sets/alpha/delivery",
        &[("csrf", &t), ("pool", "ghost")],
    );
    let api = request(
        &server.addr(),
        "PUT",
        "/v2/email/configuration-sets/alpha/delivery-options",
        r#"{"SendingPoolName": "ghost"}"#,
    );
    assert_eq!(r.status, api.status);
    let message = serde_json::from_str::<Value>(&api.body).unwrap()["message"]
        .as_str()
        .unwrap()
        .to_string();
    let shown = text(&Html::parse_document(&r.body), "#sending-pool-error");
    assert!(
        shown.ends_with(&format!(": {message}")),
        "{shown} / {message}"
    );
    // The form of a refused post still returns to the page (not to the post's address).
    let doc = Html::parse_document(&r.body);
    assert_eq!(
        doc.select(&sel("form.region"))
            .next()
            .unwrap()
            .value()
            .attr("action"),
        Some("/console/config-sets/alpha")
    );
    assert_eq!(env.state_bytes(), before);
    // Back to shared IPs.
    let r = post(
        &server,
        "/console/config-sets/alpha/delivery",
        &[("csrf", &t), ("pool", "")],
    );
    assert_eq!(r.status, 303);
    assert!(
        env.json(&["config-set", "get", "alpha"])["DeliveryOptions"]["SendingPoolName"].is_null()
    );
    let rows = page(&server, "/console/config-sets");
    assert_eq!(
        text(&rows, "#config-sets tbody tr:nth-child(2) td:nth-child(2)"),
        "std1"
    );
}

fn send(server: &Server, subject: &str, to: &str, from: &str, set: Option<&str>) -> String {
    let mut body = json!({
        "FromEmailAddress": from,
        "Destination": {"ToAddresses": [to]},
        "Content": {"Simple": {
            "Subject": {"Data": subject},
            "Body": {"Text": {"Data": "hi"}, "Html": {"Data": "<p>hi</p><script>document.title='x'</script>"}},
            "Attachments": [{"FileName": "a \"b\".bin", "ContentType": "text/html",
                             "RawContent": "PGgxPmk8L2gxPgD/"}],
        }},
    });
    if let Some(s) = set {
        body["ConfigurationSetName"] = json!(s);
    }
    let r = request(
        &server.addr(),
        "POST",
        "/v2/email/outbound-emails",
        &body.to_string(),
    );
    assert_eq!(r.status, 200, "{r:?}");
    serde_json::from_str::<Value>(&r.body).unwrap()["MessageId"]
        .as_str()
        .unwrap()
        .to_string()
}

#[test]
fn mail_is_searched_paged_and_each_message_shown_safely() {
    let env = account();
    env.ok(&["identity", "create", "other.com"]);
    let server = Server::start(&env, &["-q", "--no-smtp"]);
    let mut ids = Vec::new();
    for i in 0..60 {
        let (from, set) = if i % 3 == 0 {
            ("a@other.com", Some("alpha"))
        } else {
            ("news@example.com", Some("moving"))
        };
        ids.push(send(
            &server,
            &format!("<b>n{i}</b>"),
            &format!("r{}@gmail.com", i % 2),
            from,
            set,
        ));
    }
    let rows = |q: &str| {
        page(&server, &format!("/console/mail?{q}"))
            .select(&sel("#messages tbody tr"))
            .count()
    };
    assert_eq!(rows(""), 50);
    assert_eq!(rows("page=2"), 10);
    assert_eq!(rows("to=r1%40gmail.com"), 30);
    assert_eq!(rows("from=a%40other.com"), 20);
    // A search without a local part is the domain's (issue 34, item 5).
    assert_eq!(rows("from=other.com"), 20);
    assert_eq!(rows("from=OTHER.com&page=1"), 20);
    assert_eq!(rows("to=yahoo.com"), 0);
    assert_eq!(rows("set=alpha&to=r0%40gmail.com"), 10);
    assert_eq!(rows("region=eu-west-1"), 0);
    // Newest first; the subject is text, not markup.
    let doc = page(&server, "/console/mail");
    assert_eq!(
        text(&doc, "#messages tbody tr:first-child td:nth-child(5)"),
        "<b>n59</b>"
    );
    assert!(doc.select(&sel("#messages b")).next().is_none());
    let id = &ids[59];
    let doc = page(&server, &format!("/console/mail/{id}"));
    let frame = doc.select(&sel("iframe#html-body")).next().unwrap();
    assert_eq!(frame.value().attr("sandbox"), Some(""));
    let body = get(&server, &format!("/console/mail/{id}/body"));
    assert_eq!(body.status, 200);
    let csp = body.header("content-security-policy").unwrap();
    assert!(
        csp.starts_with("sandbox;") && csp.contains("default-src 'none'"),
        "{csp}"
    );
    assert_eq!(
        body.header("x-frame-options").as_deref(),
        Some("SAMEORIGIN")
    );
    assert!(body.body.contains("<p>hi</p>"));
    // The attachment: its bytes, as a download, whatever type it claims.
    let a = get(&server, &format!("/console/mail/{id}/attachments/0"));
    assert_eq!(a.status, 200);
    assert_eq!(a.bytes, b"<h1>i</h1>\x00\xff");
    assert_eq!(
        a.header("content-type").as_deref(),
        Some("application/octet-stream")
    );
    assert_eq!(
        a.header("content-disposition").as_deref(),
        Some("attachment; filename=\"a _b_.bin\"; filename*=UTF-8''a%20%22b%22.bin")
    );
    assert_eq!(
        get(&server, &format!("/console/mail/{id}/attachments/1")).status,
        404
    );
    assert_eq!(
        get(&server, &format!("/console/mail/{id}/attachments/x")).status,
        404
    );
    assert_eq!(get(&server, "/console/mail/nope").status, 404);
    // A message whose parts nest ten thousand deep (a stack overflow in the MIME parser, were
    // it taken apart) is shown with its headers only, and the server goes on serving.
    let mut deep = b"From: news@example.com\r\nTo: b@gmail.com\r\nSubject: deep\r\n".to_vec();
    for i in 0..10_000 {
        deep.extend(
            format!("Content-Type: multipart/mixed; boundary=\"b{i}\"\r\n\r\n--b{i}\r\n").bytes(),
        );
    }
    deep.extend(b"Content-Type: text/plain\r\n\r\nx\r\n");
    let body = json!({
        "FromEmailAddress": "news@example.com",
        "Destination": {"ToAddresses": ["b@gmail.com"]},
        "Content": {"Raw": {"Data": base64::engine::general_purpose::STANDARD.encode(&deep)}},
    });
    let r = request(
        &server.addr(),
        "POST",
        "/v2/email/outbound-emails",
        &body.to_string(),
    );
    assert_eq!(r.status, 200, "{r:?}");
    let deep_id = serde_json::from_str::<Value>(&r.body).unwrap()["MessageId"]
        .as_str()
        .unwrap()
        .to_string();
    for path in [
        format!("/console/mail/{deep_id}"),
        format!("/console/mail/{deep_id}/body"),
    ] {
        assert_eq!(get(&server, &path).status, 200, "{path}");
    }
    assert_eq!(
        get(&server, &format!("/console/mail/{deep_id}/attachments/0")).status,
        404
    );
    let shown = page(&server, &format!("/console/mail/{deep_id}"));
    assert_eq!(text(&shown, "#subject"), "deep");
    assert_eq!(
        request(
            &server.addr(),
            "GET",
            &format!("/_sesm/outbox/{deep_id}"),
            ""
        )
        .status,
        200
    );
    // The page's .eml link gives the message as kept, as a download.
    let eml = doc
        .select(&sel("#eml"))
        .next()
        .unwrap()
        .value()
        .attr("href")
        .unwrap()
        .to_string();
    let r = get(&server, &eml);
    assert_eq!(r.status, 200, "{eml}");
    assert_eq!(r.header("content-type").as_deref(), Some("message/rfc822"));
    let kept = request(
        &server.addr(),
        "GET",
        &format!("/_sesm/outbox/{id}/raw"),
        "",
    );
    assert_eq!(r.bytes, kept.bytes);
    assert!(
        r.header("content-disposition")
            .unwrap()
            .starts_with("attachment;")
    );
}

#[test]
fn simulate_and_compare_from_the_console() {
    let env = account();
    env.ok(&["pool", "create", "m", "--managed", "--config-set", "alpha"]);
    env.ok(&["traffic", "set", "alpha", "gmail=20000"]);
    let server = Server::start(&env, &["-q", "--no-smtp"]);
    let t = token(&server);
    let before = env.state_bytes();
    for days in ["0", "-1", "x", ""] {
        let r = post(
            &server,
            "/console/simulate",
            &[("csrf", &t), ("days", days)],
        );
        assert_eq!(r.status, 400, "{days}");
    }
    let r = post(
        &server,
        "/console/simulate",
        &[("csrf", &t), ("days", "100000")],
    );
    assert_eq!(r.status, 400, "{}", r.body);
    assert_eq!(env.state_bytes(), before);
    // Back to a console page only: never an open redirect.
    let r = post(
        &server,
        "/console/simulate",
        &[
            ("csrf", &t),
            ("days", "2"),
            ("back", "//evil.example/console"),
        ],
    );
    assert_eq!(r.status, 303);
    assert_eq!(
        r.header("location").as_deref(),
        Some("/console?done=simulated&days=2")
    );
    let r = post(
        &server,
        "/console/simulate",
        &[
            ("csrf", &t),
            ("days", "5"),
            ("back", "/console/pools/m?region=us-east-1"),
        ],
    );
    assert_eq!(
        r.header("location").as_deref(),
        Some("/console/pools/m?region=us-east-1&done=simulated&days=5")
    );
    let doc = page(
        &server,
        "/console/pools/m?region=us-east-1&done=simulated&days=5",
    );
    assert_eq!(text(&doc, "p.flash"), "Simulated 5 days.");
    let start: jiff::civil::Date = TODAY.parse().unwrap();
    assert_eq!(
        text(&doc, "#clock"),
        start
            .checked_add(jiff::Span::new().days(7))
            .unwrap()
            .to_string()
    );
    let window = format!(
        "{} to {}",
        start,
        start.checked_add(jiff::Span::new().days(6)).unwrap()
    );
    assert!(doc.html().contains(&window), "{window}");
    // The simulate form returns where it was posted from.
    let back = doc
        .select(&sel("form.simulate input[name=back]"))
        .next()
        .unwrap();
    assert_eq!(
        back.value().attr("value"),
        Some("/console/pools/m?region=us-east-1")
    );
    // A return address that is not a plain console path goes to the console's first page.
    for bad in [
        "/console\r\nSet-Cookie: x=1",
        "/console/\\evil.example",
        "/console x",
        "/console/../../evil",
        "/console#x",
    ] {
        let r = post(
            &server,
            "/console/simulate",
            &[("csrf", &t), ("days", "1"), ("back", bad)],
        );
        assert_eq!(r.status, 303, "{bad:?}");
        assert_eq!(
            r.header("location").as_deref(),
            Some("/console?done=simulated&days=1")
        );
        assert!(r.header("set-cookie").is_none());
    }
    let doc = page(
        &server,
        "/console/compare?region=us-east-1&set=alpha&days=30&run=1",
    );
    assert!(text(&doc, "#recommendation").starts_with("Recommendation: "));
    assert!(doc.select(&sel("figure[data-chart=volume]")).count() >= 2);
    let r = get(&server, "/console/compare?set=ghost&days=30&run=1");
    assert_eq!(r.status, 404);
    assert!(text(&Html::parse_document(&r.body), "p.error").starts_with("NotFoundException: "));
}

#[test]
fn the_region_selector_keeps_the_region_in_the_url() {
    let env = account();
    env.run(&["--region", "eu-west-1", "pool", "create", "dublin"]);
    let server = Server::start(&env, &["-q", "--no-smtp"]);
    let eu = page(&server, "/console?region=eu-west-1&tab=standard");
    assert!(eu.html().contains("dublin") && !eu.html().contains("std1"));
    let selected = eu
        .select(&sel("#region-select option[selected]"))
        .next()
        .unwrap();
    assert_eq!(selected.value().attr("value"), Some("eu-west-1"));
    let links: Vec<&str> = eu
        .select(&sel("nav.side a"))
        .filter_map(|a| a.value().attr("href"))
        .collect();
    assert!(
        links.iter().all(|l| l.ends_with("region=eu-west-1")),
        "{links:?}"
    );
    let us = page(&server, "/console?tab=standard");
    assert!(us.html().contains("std1") && !us.html().contains("dublin"));
}

/// A real browser: Debian's chromium and chromium-driver, driven by Selenium (pinned in
/// `.ci/clients`). With `SESM_UPDATE_SCREENSHOTS=1` it writes its screenshots into `docs/`.
#[test]
fn chromium_drives_the_console_end_to_end() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let python = client_venv("selenium");
    let axe = root.join("target/clients/axe/node_modules/axe-core/axe.min.js");
    let Some(python) = python
        .filter(|_| Path::new("/usr/bin/chromedriver").exists())
        .filter(|_| axe.exists())
    else {
        crate::harness::skip(
            "Chromium, chromium-driver, Selenium (target/clients/selenium) and axe-core (target/clients/axe)",
            "SESM_REQUIRE_CLIENTS",
            "run .ci/clients (it installs chromium and chromium-driver from Debian)",
        );
        return;
    };
    let env = Env::new();
    let server = Server::start(&env, &["-q", "--no-smtp"]);
    let shots = if std::env::var_os("SESM_UPDATE_SCREENSHOTS").is_some() {
        root.join("docs")
    } else {
        env.path("screenshots")
    };
    run_client(
        "console.py",
        Command::new(&python)
            .arg(root.join("tests/clients/console.py"))
            .arg(&server.url)
            .arg(assert_cmd::cargo::cargo_bin("sesm"))
            .arg(&env.state)
            .arg(&shots)
            .arg(&axe)
            .env("SESM_TODAY", TODAY),
    );
    for shot in [
        "console-pool.png",
        "console-create-pool.png",
        "console-phone.png",
    ] {
        let bytes = std::fs::read(shots.join(shot)).unwrap();
        assert!(
            bytes.starts_with(b"\x89PNG") && bytes.len() > 10_000,
            "{shot}"
        );
    }
}

#[test]
fn configuration_sets_are_listed_a_hundred_a_page_and_searched_by_name() {
    let env = account();
    for i in 0..101 {
        env.ok(&["config-set", "create", &format!("bulk-{i:03}")]);
    }
    let server = Server::start(&env, &["-q", "--no-smtp"]);
    let rows = |doc: &Html| doc.select(&sel("#config-sets tbody tr")).count();
    let first = page(&server, "/console/config-sets");
    assert_eq!(rows(&first), 100);
    let next = first
        .select(&sel("a[rel=next]"))
        .next()
        .and_then(|a| a.value().attr("href"))
        .expect("a next page")
        .to_string();
    let second = page(&server, &next);
    assert_eq!(rows(&second), 3);
    assert!(second.select(&sel("a[rel=next]")).next().is_none());
    assert_eq!(rows(&page(&server, "/console/config-sets?q=alpha")), 1);
    assert_eq!(rows(&page(&server, "/console/config-sets?q=bulk-01")), 10);
    assert_eq!(
        get(&server, "/console/config-sets?token=forged").status,
        400
    );
}

/// The labels the SES developer guide's steps name, literally (the Chromium test clicks them):
/// "In the left navigation pane, choose Dedicated IPs. On the Dedicated IPs page, choose
/// Managed IP pools. Choose Create managed IP pool. In the Overview section … choose Managed
/// (auto managed) in the Scaling mode field … Pool name … (Optional) Add new tag … Create pool".
#[test]
fn the_pages_carry_the_guides_labels_and_an_empty_pool_says_what_to_do_next() {
    let env = account();
    let server = Server::start(&env, &["-q", "--no-smtp"]);
    let all = |doc: &Html, css: &str| -> Vec<String> {
        doc.select(&sel(css))
            .map(|e| e.text().collect::<String>().trim().to_string())
            .collect()
    };
    let home = page(&server, "/console");
    assert_eq!(
        all(&home, "nav[aria-label='Navigation pane'] a"),
        [
            "Dedicated IPs",
            "Configuration sets",
            "Mail",
            "Events",
            "Compare"
        ]
    );
    assert_eq!(
        all(
            &home,
            "nav[aria-label='Navigation pane'] a[aria-current=page]"
        ),
        ["Dedicated IPs"]
    );
    assert_eq!(
        all(&home, "nav.tabs a"),
        ["Managed IP pools", "Standard IP pools"]
    );
    assert_eq!(
        all(&home, "nav.tabs a[aria-current=page]"),
        ["Managed IP pools"]
    );
    assert_eq!(text(&home, "#create-pool"), "Create managed IP pool");
    assert!(text(&home, "p.empty").starts_with("No managed IP pools in us-east-1."));
    let standard = page(&server, "/console?tab=standard");
    assert_eq!(
        all(&standard, "nav.tabs a[aria-current=page]"),
        ["Standard IP pools"]
    );
    assert_eq!(all(&standard, "#pools tbody td:first-child a"), ["std1"]);
    let form = page(&server, "/console/create-pool");
    assert_eq!(text(&form, "#overview-title"), "Overview");
    assert_eq!(text(&form, "fieldset.choices legend"), "Scaling mode");
    assert_eq!(
        all(&form, "label.choice strong"),
        ["Managed (auto managed)", "Standard (manual)"]
    );
    assert_eq!(text(&form, "label[for=pool-name]"), "Pool name");
    assert_eq!(text(&form, "#add-tag"), "Add new tag");
    assert_eq!(text(&form, "#create"), "Create pool");
    // No tags yet: a sentence, not a "Key Value" header over nothing.
    assert!(form.select(&sel("#tag-rows[hidden]")).next().is_some());
    assert!(form.select(&sel("#no-tags:not([hidden])")).next().is_some());
    let set = page(&server, "/console/config-sets/alpha");
    assert_eq!(text(&set, "#general-title"), "General details");
    assert_eq!(text(&set, "label[for=sending-pool]"), "Sending IP pool");
    // A pool without mail says what to do next, and draws no axes over nothing.
    let pool = page(&server, "/console/pools/std1");
    assert_eq!(text(&pool, "#next-title"), "No mail through this pool yet");
    assert!(text(&pool, "#next-steps").contains("Sending IP pool"));
    assert!(
        pool.select(&sel("figure[data-chart=volume] svg"))
            .next()
            .is_none()
    );
    assert!(text(&pool, "figure[data-chart=volume] p.no-data").starts_with("No mail"));
    // Landmarks hold everything: the clock and Simulate are in the banner.
    assert!(home.select(&sel("header #simulate")).next().is_some());
    assert!(home.select(&sel("header #clock")).next().is_some());
}

#[test]
fn the_events_page_is_the_region_s_event_log_filtered_and_a_message_links_to_its_own() {
    let env = account();
    let server = Server::start(&env, &["-q", "--no-smtp"]);
    let empty = page(&server, "/console/events");
    assert!(text(&empty, "p.empty").starts_with("No events."));
    // The destination's topic validation is the log's first record (SES's "Successfully
    // validated SNS topic" notification), before any mail.
    env.ok(&[
        "config-set",
        "event-destination",
        "add",
        "moving",
        "to-sns",
        "--types",
        "SEND,DELIVERY",
        "--sns",
        "arn:aws:sns:us-east-1:123456789012:events",
    ]);
    let first = send(
        &server,
        "One",
        "a@gmail.com",
        "news@example.com",
        Some("moving"),
    );
    let second = send(
        &server,
        "Two",
        "b@gmail.com",
        "news@example.com",
        Some("moving"),
    );
    send(
        &server,
        "Three",
        "c@gmail.com",
        "news@example.com",
        Some("alpha"),
    );
    let rows = |q: &str| {
        page(&server, &format!("/console/events?{q}"))
            .select(&sel("#event-log tbody tr"))
            .count()
    };
    assert_eq!(
        rows(""),
        5,
        "the topic validation, two Sends and their Deliveries (the live clock publishes them at \
         send): alpha has no destination, so no event"
    );
    assert_eq!(rows("type=Send"), 2);
    assert_eq!(rows("type=Delivery"), 2);
    assert_eq!(rows("set=alpha"), 0);
    assert_eq!(rows(&format!("message={first}")), 2);
    assert_eq!(rows("region=eu-west-1"), 0);
    // Newest first.
    let doc = page(&server, "/console/events");
    assert_eq!(
        text(&doc, "#event-log tbody tr:first-child td:nth-child(5)"),
        second
    );
    let r = get(&server, "/console/events?type=Bogus");
    assert_eq!(r.status, 400);
    assert!(text(&Html::parse_document(&r.body), "p.error").contains("unknown event type 'Bogus'"));
    // The message's page links to the page of its events.
    let msg = page(&server, &format!("/console/mail/{first}"));
    let link = msg
        .select(&sel("#message-events"))
        .next()
        .and_then(|a| a.value().attr("href"))
        .unwrap()
        .to_string();
    let own = page(&server, &link);
    assert_eq!(own.select(&sel("#event-log tbody tr")).count(), 2);
    assert_eq!(text(&own, "h1"), format!("Events of message {first}"));
}

/// The pool page's VDM view: per ISP, BatchGetMetricData's own counts for the pool's sets;
/// a note while VDM is disabled.
#[test]
fn a_pools_page_shows_vdm_per_isp_from_batch_get_metric_data() {
    let env = account();
    let server = Server::start(&env, &["-q", "--no-smtp"]);
    let dest = json!({
        "EventDestinationName": "d",
        "EventDestination": {"Enabled": true, "MatchingEventTypes": ["SEND", "DELIVERY", "BOUNCE"],
            "SnsDestination": {"TopicArn": "arn:aws:sns:us-east-1:123456789012:t"}},
    });
    let r = request(
        &server.addr(),
        "POST",
        "/v2/email/configuration-sets/moving/event-destinations",
        &dest.to_string(),
    );
    assert_eq!(r.status, 200, "{r:?}");
    for to in ["a@gmail.com", "b@gmail.com", "c@yahoo.com"] {
        send(&server, "VDM", to, "news@example.com", Some("moving"));
    }
    let doc = page(&server, "/console/pools/std1");
    assert!(
        text(&doc, "#vdm-title + p").starts_with("VDM is disabled"),
        "{}",
        doc.html()
    );
    let on = r#"{"VdmAttributes":{"VdmEnabled":"ENABLED"}}"#;
    assert_eq!(
        request(&server.addr(), "PUT", "/v2/email/account/vdm", on).status,
        200
    );
    env.ok(&["simulate", "--days", "1"]);
    let doc = page(&server, "/console/pools/std1");
    let rows: Vec<String> = doc
        .select(&sel("#vdm-isps tbody tr"))
        .map(|r| r.text().collect::<Vec<_>>().join("|"))
        .collect();
    // The same numbers BatchGetMetricData gives for the set and each ISP.
    let q = |isp: &str, metric: &str| {
        json!({"Id": format!("{isp}{metric}").replace('_', ""), "Namespace": "VDM", "Metric": metric,
            "Dimensions": {"CONFIGURATION_SET": "moving", "ISP": isp},
            "StartDate": 1_700_000_000, "EndDate": 1_900_000_000})
    };
    let body = json!({"Queries": [q("gmail", "SEND"), q("gmail", "DELIVERY"), q("yahoo", "SEND")]});
    let r = request(
        &server.addr(),
        "POST",
        "/v2/email/metrics/batch",
        &body.to_string(),
    );
    assert_eq!(r.status, 200, "{r:?}");
    let v: Value = serde_json::from_str(&r.body).unwrap();
    let sum = |i: usize| -> i64 {
        v["Results"][i]["Values"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_i64().unwrap())
            .sum()
    };
    assert_eq!((sum(0), sum(2)), (2, 1), "{v}");
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert!(
        rows[0].starts_with(&format!("gmail|2|{} (", sum(1))),
        "{rows:?}"
    );
    assert!(rows[1].starts_with("yahoo|1|"), "{rows:?}");
}
