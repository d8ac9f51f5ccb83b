//! sesm's own door, outside the AWS API: `/_sesm/outbox` (the accepted messages),
//! `/_sesm/events` (the event log), `/_sesm/sns` (the SubscribeURL and UnsubscribeURL of the
//! SNS messages sesm posts), `/_sesm/simulate`; and STS's `GetCallerIdentity`, which
//! Terraform asks at start.

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
        _ => match path
            .strip_prefix(OUTBOX_PATH)
            .and_then(|p| p.strip_prefix('/'))
        {
            Some(rest) => (outbox_message(api, req, rest), "GetOutboxMessage"),
            None => (
                Err(Error::not_found(format!(
                    "sesm has nothing at {path}: its own paths are {OUTBOX_PATH}, {EVENTS_PATH}, {SNS_PATH}, {SIMULATE_PATH} and {RESET_PATH}."
                ))),
                "Unknown",
            ),
        },
    };
    (result.unwrap_or_else(|e| http::error(&e)), name)
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
    let form = Query::parse(&String::from_utf8_lossy(&req.body));
    match (service_of(req).as_deref(), form.get("Version")) {
        (Some("sts"), _) | (_, Some("2011-06-15")) => true,
        (Some(_), _) | (_, Some(_)) => false,
        (None, None) => form.get("Action").is_some_and(|a| STS_ACTIONS.contains(&a)),
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
            let region = match query.get("region") {
                Some(r) => {
                    check_region(r).map_err(|e| Error::bad_request(e.message))?;
                    Some(r.to_string())
                }
                None => None,
            };
            let q = ops::send::OutboxQuery {
                to: query.get("to").map(str::to_string),
                since: query
                    .get("since")
                    .map(ops::send::parse_since)
                    .transpose()
                    .map_err(|e| Error::bad_request(e.message))?,
                region,
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
            api.write(|s| ops::events::unsubscribe(s, &arn))?;
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
        since: query
            .get("since")
            .map(ops::send::parse_since)
            .transpose()
            .map_err(bad)?,
        region: match query.get("region") {
            Some(r) => {
                check_region(r).map_err(bad)?;
                Some(r.to_string())
            }
            None => None,
        },
    };
    let log = api.live().store().read_events(0)?;
    let list = ops::events::list(log, &q);
    Ok(http::json(&list))
}

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

/// STS `GetCallerIdentity` (query protocol, XML), which Terraform asks at start to learn
/// the account ID.
pub fn sts(api: &Api, req: &Request, id: &str) -> Response {
    let form = Query::parse(&String::from_utf8_lossy(&req.body));
    let action = form.get("Action").unwrap_or_default().to_string();
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
