//! sesm's own door, outside the AWS API: `/_sesm/outbox` (the accepted messages),
//! `/_sesm/events` (the event log), `/_sesm/sns` (the SubscribeURL and UnsubscribeURL of the
//! SNS messages sesm posts), `/_sesm/simulate`, `/_sesm/inbound` (mail the account received),
//! the links sesm puts in mail (`/_sesm/unsubscribe`, `/_sesm/verify`); and STS's
//! `GetCallerIdentity`, which Terraform asks at start.

use serde_json::Value;

use super::api::{Api, eml, service_of};
use super::http::{self, Query, Request, Response};
use crate::error::{Error, Result};
use crate::model::names::check_region;
use crate::ops;

/// The outbox of accepted messages, outside the AWS API.
pub const OUTBOX_PATH: &str = "/_sesm/outbox";
/// The event log, outside the AWS API.
pub const EVENTS_PATH: &str = "/_sesm/events";
/// The SubscribeURL and UnsubscribeURL of SNS messages sesm posts.
pub const SNS_PATH: &str = "/_sesm/sns";
/// `sesm simulate --days N` from the endpoint, outside the AWS API.
pub const SIMULATE_PATH: &str = "/_sesm/simulate";
/// `sesm state reset` from the endpoint, outside the AWS API.
pub const RESET_PATH: &str = "/_sesm/reset";
/// The unsubscribe links SendEmail's `ListManagementOptions` put in mail (GET, and RFC 8058's
/// one-click POST).
pub const UNSUBSCRIBE_PATH: &str = crate::ops::contact_list::UNSUBSCRIBE_PATH;
/// The links custom verification emails carry.
pub const VERIFY_PATH: &str = crate::ops::custom_verification::VERIFY_PATH;
/// Mail the account received (`sesm serve --inbound-port`).
pub const INBOUND_PATH: &str = "/_sesm/inbound";

/// Whether a path is this door's.
pub fn is_sesm(path: &str) -> bool {
    path == "/_sesm" || path.starts_with("/_sesm/")
}

/// Answers a `/_sesm/…` request; the name of what it did, for the log.
pub fn handle(api: &Api, req: &Request, id: &str) -> (Response, &'static str) {
    let (path, query) = req.path_and_query();
    let (result, name) = match path {
        OUTBOX_PATH => (outbox(api, req, query), "Outbox"),
        SNS_PATH => (sns(api, req, query, id), "ConfirmSubscription"),
        EVENTS_PATH => (events(api, req, query), "ListEvents"),
        SIMULATE_PATH => (simulate(api, req), "Simulate"),
        RESET_PATH => (reset(api, req), "ResetState"),
        UNSUBSCRIBE_PATH => (unsubscribe(api, req, query), "Unsubscribe"),
        VERIFY_PATH => (verify(api, req, query), "VerifyEmailAddress"),
        INBOUND_PATH => (inbound(api, req, query), "ListInbound"),
        _ => match (
            path.strip_prefix(OUTBOX_PATH)
                .and_then(|p| p.strip_prefix('/')),
            path.strip_prefix(INBOUND_PATH)
                .and_then(|p| p.strip_prefix('/')),
        ) {
            (Some(rest), _) => (outbox_message(api, req, rest), "GetOutboxMessage"),
            (None, Some(rest)) => (inbound_message(api, req, rest), "GetInboundMessage"),
            (None, None) => (
                Err(Error::not_found(format!(
                    "sesm has nothing at {path}: its own paths are {OUTBOX_PATH}, {EVENTS_PATH}, {SNS_PATH}, {SIMULATE_PATH}, {RESET_PATH}, {INBOUND_PATH}, {UNSUBSCRIBE_PATH} and {VERIFY_PATH}."
                ))),
                "Unknown",
            ),
        },
    };
    // The outbox and the event log are the account's mail: never sniffed as another type, never
    // kept by a cache (issue 29, item 15).
    let mut response = result.unwrap_or_else(|e| http::error(&e));
    for (k, v) in [
        ("X-Content-Type-Options", "nosniff"),
        ("Cache-Control", "no-store"),
    ] {
        if !response
            .headers
            .iter()
            .any(|(h, _)| h.eq_ignore_ascii_case(k))
        {
            response = response.header(k, v);
        }
    }
    (response, name)
}

/// Whether a `POST /` is STS's rather than SES v1's: by its credential scope, its `Version`,
/// or (unsigned, no `Version`) an STS action.
pub fn is_sts(req: &Request) -> bool {
    const STS_ACTIONS: [&str; 8] = [
        "GetCallerIdentity",
        "AssumeRole",
        "AssumeRoleWithSAML",
        "AssumeRoleWithWebIdentity",
        "GetSessionToken",
        "GetFederationToken",
        "GetAccessKeyInfo",
        "DecodeAuthorizationMessage",
    ];
    let version = http::form_value(&req.body, "Version");
    match (service_of(req).as_deref(), version.as_deref()) {
        (Some("sts"), _) | (_, Some("2011-06-15")) => true,
        (Some(_), _) | (_, Some(_)) => false,
        (None, None) => {
            http::form_value(&req.body, "Action").is_some_and(|a| STS_ACTIONS.contains(&a.as_str()))
        }
    }
}

/// `/_sesm/outbox`, outside the AWS API: GET lists the accepted messages of every region
/// (`?to=`, `?since=`, `?region=`), DELETE clears the outbox.
fn outbox(api: &Api, req: &Request, query: &str) -> Result<Response> {
    let query = Query::parse(query);
    match req.method.as_str() {
        "GET" => {
            // Every region's messages unless `?region=` names one: an application signing
            // for eu-west-1 reads what it sent without knowing the server's default.
            let q = ops::send::OutboxQuery {
                to: query.get("to").map(str::to_string),
                since: since_of(&query)?,
                region: region_of(&query)?,
                ..Default::default()
            };
            let journal = api.live().store().read_journal()?.0;
            let outbox = api.read(|s| Ok(ops::send::outbox(s, journal, &q)))?;
            Ok(http::json(&outbox))
        }
        "DELETE" => {
            let cleared = api.write(|s| Ok(ops::send::clear_outbox(s)))?;
            Ok(http::json(&serde_json::json!({"Cleared": cleared.cleared})))
        }
        other => Err(Error::bad_request(format!(
            "{other} is not allowed on {OUTBOX_PATH}; use GET or DELETE."
        ))),
    }
}

/// `?since=` of the local lists (outbox, events, inbound): a time or a duration ago.
fn since_of(query: &Query) -> Result<Option<jiff::Timestamp>> {
    query
        .get("since")
        .map(ops::send::parse_since)
        .transpose()
        .map_err(|e| Error::bad_request(e.message))
}

/// `?region=` of the local lists: one region (checked), or every region when absent.
fn region_of(query: &Query) -> Result<Option<String>> {
    query
        .get("region")
        .map(|r| {
            check_region(r).map_err(|e| Error::bad_request(e.message))?;
            Ok(r.to_string())
        })
        .transpose()
}

/// `GET /_sesm/sns?Action=ConfirmSubscription&TopicArn=&Token=` (a SubscribeURL) and
/// `?Action=Unsubscribe&SubscriptionArn=` (an UnsubscribeURL), answered as SNS answers
/// (XML).
fn sns(api: &Api, req: &Request, query: &str, id: &str) -> Result<Response> {
    if req.method != "GET" && req.method != "POST" {
        return Err(Error::bad_request(format!(
            "{} is not allowed on {SNS_PATH}; use GET.",
            req.method
        )));
    }
    let q = Query::parse(query);
    let xml = |action: &str, result: String| {
        let body = format!(
            "<{action}Response xmlns=\"http://sns.amazonaws.com/doc/2010-03-31/\"><{action}Result>{result}</{action}Result><ResponseMetadata><RequestId>{}</RequestId></ResponseMetadata></{action}Response>",
            id
        );
        Response::new(200, "text/xml", body.into_bytes())
    };
    match q.get("Action") {
        Some("ConfirmSubscription") => {
            let topic = q.get("TopicArn").unwrap_or_default().to_string();
            let token = q.get("Token").unwrap_or_default().to_string();
            let one = api
                .one_run()
                .subscriptions
                .iter()
                .find(|s| s.topic_arn == topic && s.token == token);
            let arn = match one {
                Some(s) => {
                    api.one_run()
                        .confirmed
                        .lock()
                        .unwrap_or_else(|p| p.into_inner())
                        .insert(s.subscription_arn.clone());
                    s.subscription_arn.clone()
                }
                None => {
                    api.write(|s| ops::events::confirm(s, &topic, &token))?
                        .subscription_arn
                }
            };
            Ok(xml(
                "ConfirmSubscription",
                format!("<SubscriptionArn>{}</SubscriptionArn>", xml_escape(&arn)),
            ))
        }
        Some("Unsubscribe") => {
            let arn = q.get("SubscriptionArn").unwrap_or_default().to_string();
            // `serve --subscribe` subscriptions live in this run, not in the state.
            let one = api.one_run();
            if one.subscriptions.iter().any(|s| s.subscription_arn == arn) {
                one.unsubscribed
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .insert(arn);
            } else {
                api.write(|s| ops::events::unsubscribe(s, &arn))?;
            }
            Ok(xml("Unsubscribe", String::new()))
        }
        _ => Err(Error::bad_request(
            "Action must be ConfirmSubscription or Unsubscribe.",
        )),
    }
}

/// `GET /_sesm/events`: the event log (`?type=&config-set=&message-id=&since=&region=`),
/// as `sesm events list -o json` prints it.
fn events(api: &Api, req: &Request, query: &str) -> Result<Response> {
    if req.method != "GET" && req.method != "HEAD" {
        return Err(Error::bad_request(format!(
            "{} is not allowed on {EVENTS_PATH}; use GET.",
            req.method
        )));
    }
    let query = Query::parse(query);
    let bad = |e: Error| Error::bad_request(e.message);
    let q = ops::events::EventQuery {
        event_type: query
            .get("type")
            .map(ops::events::parse_type)
            .transpose()
            .map_err(bad)?,
        config_set: query.get("config-set").map(str::to_string),
        message_id: query.get("message-id").map(str::to_string),
        since: since_of(&query)?,
        region: region_of(&query)?,
    };
    // A page at a time, read line by line: the log may hold 64 MB, and requests at once
    // must not each hold it (issue 29, item 11).
    let after = match query.get("next-token") {
        Some(t) => ops::events::parse_page_token(t)?,
        None => 0,
    };
    let size = match query.int("page-size")? {
        None => EVENTS_PAGE,
        Some(n) if (1..=EVENTS_PAGE as i64).contains(&n) => n as usize,
        Some(n) => {
            return Err(Error::bad_request(format!(
                "Invalid page-size {n}: use a number from 1 to {EVENTS_PAGE}."
            )));
        }
    };
    let page = api
        .live()
        .store()
        .read_events_page(after, size, EVENTS_PAGE_BYTES, |e| {
            ops::events::matches(e, &q)
        })?;
    let list = ops::events::EventList {
        events: page.events,
        next_token: page.more.then(|| ops::events::page_token(page.last_seq)),
    };
    Ok(http::json(&list))
}

/// Events per page of `GET /_sesm/events`, at most, and the size of their lines at which a page
/// ends sooner.
const EVENTS_PAGE: usize = 1000;
const EVENTS_PAGE_BYTES: usize = 8 * 1024 * 1024;

/// `GET /_sesm/outbox/{MessageId}`: the message taken apart (JSON);
/// `GET /_sesm/outbox/{MessageId}/raw`: the message as kept (`message/rfc822`).
fn outbox_message(api: &Api, req: &Request, rest: &str) -> Result<Response> {
    if req.method != "GET" && req.method != "HEAD" {
        return Err(Error::bad_request(format!(
            "{} is not allowed on {OUTBOX_PATH}/ID; use GET.",
            req.method
        )));
    }
    let (id, raw) = match rest.strip_suffix("/raw") {
        Some(id) => (id, true),
        None => (rest, false),
    };
    let id = percent_encoding::percent_decode_str(id).decode_utf8_lossy();
    let (m, mime) = api.kept_message(&id)?;
    if raw {
        return eml(&m.message_id, mime);
    }
    let detail = ops::send::outbox_detail(m, mime.as_deref());
    Ok(http::json(&detail))
}

/// `POST /_sesm/simulate {"Days": N}`: the operation of `sesm simulate --days N` (its
/// rules, under the same lock), answered with the report `sesm simulate -o json` prints.
fn simulate(api: &Api, req: &Request) -> Result<Response> {
    if req.method != "POST" {
        return Err(Error::bad_request(format!(
            "{} is not allowed on {SIMULATE_PATH}; use POST with {{\"Days\": N}}.",
            req.method
        )));
    }
    let body: Value = serde_json::from_slice(if req.body.is_empty() {
        b"{}"
    } else {
        &req.body
    })
    .map_err(|e| Error::bad_request(format!("The body is not JSON: {e}.")))?;
    let Some(obj) = body.as_object() else {
        return Err(Error::bad_request(
            "The body must be a JSON object: {\"Days\": N}.",
        ));
    };
    if let Some(k) = obj.keys().find(|k| k.as_str() != "Days") {
        return Err(Error::bad_request(format!(
            "Unknown member '{k}': {SIMULATE_PATH} takes {{\"Days\": N}} only."
        )));
    }
    let days = match obj.get("Days") {
        None => return Err(Error::bad_request("Days is required.")),
        Some(v) => v
            .as_u64()
            .and_then(|d| u32::try_from(d).ok())
            .ok_or_else(|| {
                Error::bad_request(format!("Days must be a whole number of days, not {v}."))
            })?,
    };
    // The region names no plan here; the run simulates every region, as the command does.
    let region = api.default_region().to_string();
    let report = api.write(|s| ops::simulate::simulate(s, &region, days, None, false))?;
    Ok(http::json(&report))
}

/// `POST /_sesm/reset` (no body, or `{}`): the operation of `sesm state reset` under the same
/// lock, answered once it is on disk with what `sesm state reset -o json` prints. The
/// subscriptions of this run (`--subscribe`) are the server's own and stay.
fn reset(api: &Api, req: &Request) -> Result<Response> {
    if req.method != "POST" {
        return Err(Error::bad_request(format!(
            "{} is not allowed on {RESET_PATH}; use POST.",
            req.method
        )));
    }
    let body = String::from_utf8_lossy(&req.body);
    if !matches!(body.trim(), "" | "{}") {
        return Err(Error::bad_request(format!(
            "{RESET_PATH} takes no parameters: post an empty body or {{}}."
        )));
    }
    let store = api.live().store();
    let (path, backup) = (
        store.path().display().to_string(),
        store.backup_path().display().to_string(),
    );
    let today = store.today();
    let replaced = api.write(|s| {
        ops::state::reset(s, today);
        Ok(ops::state::replaced(s, path, backup, None))
    })?;
    // Delivery to this run's subscriptions starts again from the emptied log's first event.
    api.one_run()
        .resets
        .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    Ok(http::json(&replaced))
}

/// A plain-text answer for a person who followed a link in a mail client.
fn text(status: u16, body: String) -> Response {
    Response::new(status, "text/plain; charset=utf-8", body.into_bytes())
}

/// An unsubscribe link (`GET`), or its one-click `POST` (RFC 8058's
/// `List-Unsubscribe=One-Click`): the contact is unsubscribed from the link's topic (or the
/// list) and a Subscription event is published for the message it came in.
fn unsubscribe(api: &Api, req: &Request, query: &str) -> Result<Response> {
    let source = match req.method.as_str() {
        "GET" | "HEAD" => "UnsubscribeLink",
        "POST" => "UnsubscribeHeader",
        other => {
            return Err(Error::bad_request(format!(
                "{other} is not allowed on {UNSUBSCRIBE_PATH}; use GET or POST."
            )));
        }
    };
    let q = Query::parse(query);
    let link = ops::contact_list::Link {
        region: q.required("region")?,
        list: q.required("list")?,
        topic: q.get("topic").map(str::to_string),
        contact: q.required("contact")?,
        message_id: q.get("message").unwrap_or_default().to_string(),
        token: q.required("token")?,
    };
    check_region(&link.region).map_err(|e| Error::bad_request(e.message))?;
    // The message the link came in, for the Subscription event's `mail` (gone once the
    // outbox no longer keeps it: the event is then not published).
    let message = api
        .kept_message(&link.message_id)
        .ok()
        .map(|(mut m, mime)| {
            if let Some(bytes) = mime {
                m.mime = std::sync::Arc::new(bytes);
            }
            m
        });
    let now = jiff::Timestamp::now();
    let done =
        api.write(|s| ops::contact_list::unsubscribe(s, &link, source, message.as_ref(), now))?;
    let scope = match &done.topic {
        Some(t) => format!("topic {t} of list {}", done.list),
        None => format!("every topic of list {}", done.list),
    };
    Ok(text(
        200,
        format!("{} is unsubscribed from {scope}.\n", done.contact),
    ))
}

/// A custom verification email's link: the address is verified, and the browser is sent to
/// the template's success URL (its failure URL when the token is not the address's).
fn verify(api: &Api, req: &Request, query: &str) -> Result<Response> {
    if req.method != "GET" && req.method != "HEAD" {
        return Err(Error::bad_request(format!(
            "{} is not allowed on {VERIFY_PATH}; use GET.",
            req.method
        )));
    }
    let q = Query::parse(query);
    let (region, identity, token) = (
        q.required("region")?,
        q.required("identity")?,
        q.required("token")?,
    );
    check_region(&region).map_err(|e| Error::bad_request(e.message))?;
    let (ok, url) =
        api.write(|s| ops::custom_verification::confirm(s, &region, &identity, &token))?;
    Ok(match (ok, url) {
        (_, Some(url)) => {
            Response::new(302, "text/plain; charset=utf-8", Vec::new()).header("Location", url)
        }
        (true, None) => text(200, format!("{identity} is verified.\n")),
        (false, None) => text(
            404,
            format!(
                "This link does not verify {identity}: it is not one sesm sent, or a newer one was sent since.\n"
            ),
        ),
    })
}

/// `GET /_sesm/inbound?to=&since=&region=`: what the account received, oldest first.
fn inbound(api: &Api, req: &Request, query: &str) -> Result<Response> {
    if req.method != "GET" && req.method != "HEAD" {
        return Err(Error::bad_request(format!(
            "{} is not allowed on {INBOUND_PATH}; use GET.",
            req.method
        )));
    }
    let query = Query::parse(query);
    let q = ops::inbound::InboundQuery {
        to: query.get("to").map(str::to_string),
        since: since_of(&query)?,
        region: region_of(&query)?,
    };
    let records = api.live().store().read_received()?;
    Ok(http::json(&ops::inbound::list(records, &q)))
}

/// `GET /_sesm/inbound/{MessageId}` (taken apart) and `…/raw` (the message as received).
fn inbound_message(api: &Api, req: &Request, rest: &str) -> Result<Response> {
    if req.method != "GET" && req.method != "HEAD" {
        return Err(Error::bad_request(format!(
            "{} is not allowed on {INBOUND_PATH}/ID; use GET.",
            req.method
        )));
    }
    let (id, raw) = match rest.strip_suffix("/raw") {
        Some(id) => (id, true),
        None => (rest, false),
    };
    let id = percent_encoding::percent_decode_str(id).decode_utf8_lossy();
    let store = api.live().store();
    let mime = store.read_received_message(&id)?;
    let detail = ops::inbound::detail(store.read_received()?, &id, mime.as_deref())?;
    if raw {
        return eml(&detail.record.message_id, mime);
    }
    Ok(http::json(&detail))
}

/// STS `GetCallerIdentity` (query protocol, XML), which Terraform asks at start to learn
/// the account ID.
pub fn sts(api: &Api, req: &Request, id: &str) -> Response {
    let action = http::form_value(&req.body, "Action").unwrap_or_default();
    if action != "GetCallerIdentity" {
        return http::json_error(
            501,
            "NotImplemented",
            &format!("sesm serves STS GetCallerIdentity only, not '{action}'."),
        );
    }
    let account = match api.read(|s| Ok(s.account_id.clone())) {
        Ok(a) => a,
        Err(e) => return http::error(&e),
    };
    let xml = format!(
        "<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\
         <GetCallerIdentityResult><Arn>arn:aws:iam::{account}:root</Arn>\
         <UserId>{account}</UserId><Account>{account}</Account></GetCallerIdentityResult>\
         <ResponseMetadata><RequestId>{}</RequestId></ResponseMetadata>\
         </GetCallerIdentityResponse>",
        id
    );
    Response::new(200, "text/xml", xml.into_bytes())
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}
