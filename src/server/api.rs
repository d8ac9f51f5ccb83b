//! The SESv2 operations sesm serves: each decodes its request from the wire into the
//! operation's request, runs the same operation the command line runs (`ops/`), and encodes
//! the output shape of botocore's model. Everything here is a function of a request and the
//! account; the socket is `server::serve`'s.

use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use serde_json::{Map, Value, json};

use super::http::{Request, Response};
use super::routes::{Routed, route};
use super::wire::{self, Body, Query};
use crate::error::{Error, Result};
use crate::model::config_set::{Change, DeliveryChange, NewConfigSet, OptionBlock};
use crate::model::names::{IdentityType, check_region};
use crate::model::{ScalingMode, State, TlsPolicy};
use crate::ops::identity::IdentityFilter;
use crate::ops::views::ConfigSetGet;
use crate::ops::{self, Paging};
use crate::store::{Cached, Store};

/// The outbox of accepted messages, outside the AWS API.
pub const OUTBOX_PATH: &str = "/_sesm/outbox";

/// The account behind the endpoint: the state store, a cache of the parsed state (checked
/// against the file on every request), and the region of unsigned requests.
pub struct Api {
    store: Store,
    default_region: String,
    cache: Mutex<Option<Cached>>,
    requests: AtomicU64,
}

/// A handled request: the response, and the operation it named (for the log).
pub struct Handled {
    pub response: Response,
    pub operation: &'static str,
}

/// The operations sesm answers; every other SESv2 operation is a 501 that names it.
pub const SERVED: &[&str] = &[
    "CreateDedicatedIpPool",
    "DeleteDedicatedIpPool",
    "GetDedicatedIpPool",
    "ListDedicatedIpPools",
    "PutDedicatedIpPoolScalingAttributes",
    "GetDedicatedIp",
    "GetDedicatedIps",
    "PutDedicatedIpInPool",
    "PutDedicatedIpWarmupAttributes",
    "CreateConfigurationSet",
    "DeleteConfigurationSet",
    "GetConfigurationSet",
    "ListConfigurationSets",
    "PutConfigurationSetDeliveryOptions",
    "PutConfigurationSetTrackingOptions",
    "PutConfigurationSetReputationOptions",
    "PutConfigurationSetSendingOptions",
    "PutConfigurationSetSuppressionOptions",
    "PutConfigurationSetVdmOptions",
    "PutConfigurationSetArchivingOptions",
    "CreateEmailIdentity",
    "DeleteEmailIdentity",
    "GetEmailIdentity",
    "ListEmailIdentities",
    "PutEmailIdentityConfigurationSetAttributes",
    "TagResource",
    "UntagResource",
    "ListTagsForResource",
    "GetAccount",
    "PutAccountDedicatedIpWarmupAttributes",
    "SendEmail",
    "SendBulkEmail",
];

/// The region a request names: the third field of its SigV4 credential scope
/// (`Credential=AKID/20261130/eu-west-1/ses/aws4_request`); signatures and keys are not
/// checked. `None` for an unsigned request.
pub fn region_of(req: &Request) -> Option<String> {
    let auth = req.header("authorization")?;
    let credential = auth.split("Credential=").nth(1)?;
    let scope = credential.split([',', ' ']).next()?;
    scope.split('/').nth(2).map(str::to_string)
}

impl Api {
    pub fn new(store: Store, default_region: String) -> Api {
        Api {
            store,
            default_region,
            cache: Mutex::new(None),
            requests: AtomicU64::new(0),
        }
    }

    /// Runs a reading operation on the current state.
    fn read<T>(&self, op: impl FnOnce(&State) -> Result<T>) -> Result<T> {
        let mut cache = self.cache.lock().unwrap_or_else(|p| p.into_inner());
        op(self.store.load_cached(&mut cache)?)
    }

    /// Runs a changing operation under the state lock (the same lock as the command line).
    fn write<T>(&self, op: impl FnOnce(&mut State) -> Result<T>) -> Result<T> {
        let mut cache = self.cache.lock().unwrap_or_else(|p| p.into_inner());
        self.store.update_cached(&mut cache, op)
    }

    /// Accepts messages under the state lock; they are on disk before the reply is sent.
    fn send<T>(
        &self,
        op: impl FnOnce(&State) -> Result<(Vec<crate::model::sending::SentMessage>, T)>,
    ) -> Result<T> {
        let mut cache = self.cache.lock().unwrap_or_else(|p| p.into_inner());
        self.store.send(&mut cache, op)
    }

    fn request_id(&self) -> String {
        let n = self.requests.fetch_add(1, Ordering::Relaxed);
        format!(
            "{:08x}-5e5a-4000-8000-{:012x}",
            std::process::id(),
            n & 0xffff_ffff_ffff
        )
    }

    /// Answers one request. Never panics out: a panic in an operation is a 500 and the
    /// server keeps serving (the state is untouched, as a change is written only on success).
    pub fn handle(&self, req: &Request) -> Handled {
        let id = self.request_id();
        let (response, operation) =
            match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| self.dispatch(req))) {
                Ok(handled) => handled,
                Err(_) => {
                    // The cache may hold a half-applied change: read the file again.
                    *self.cache.lock().unwrap_or_else(|p| p.into_inner()) = None;
                    (
                        wire::error_response(
                            500,
                            "InternalFailure",
                            "sesm failed on this request; the state was left as it was",
                        ),
                        "Unknown",
                    )
                }
            };
        Handled {
            response: response.header("x-amzn-RequestId", id),
            operation,
        }
    }

    fn dispatch(&self, req: &Request) -> (Response, &'static str) {
        let (path, query) = req.path_and_query();
        if path == "/" && req.method == "POST" {
            return (self.sts(req), "GetCallerIdentity");
        }
        if path == OUTBOX_PATH {
            let r = self.outbox(req, query).unwrap_or_else(|e| wire::error(&e));
            return (r, "Outbox");
        }
        let routed = match route(&req.method, path) {
            Ok(r) => r,
            Err(segment) => {
                return (
                    wire::error(&Error::bad_request(format!(
                        "The path segment '{segment}' is not percent-encoded UTF-8."
                    ))),
                    "Unknown",
                );
            }
        };
        let (name, labels) = match routed {
            Routed::Operation { name, labels } => (name, labels),
            Routed::WrongMethod { allowed } => {
                let r = wire::error_response(
                    405,
                    "MethodNotAllowedException",
                    &format!(
                        "{} is not allowed on {path}; use {}.",
                        req.method,
                        allowed.join(" or ")
                    ),
                )
                .header("Allow", allowed.join(", "));
                return (r, "Unknown");
            }
            Routed::Unknown => {
                let r = wire::error_response(
                    404,
                    "UnknownOperationException",
                    &format!("No SESv2 operation is {} {path}.", req.method),
                );
                return (r, "Unknown");
            }
        };
        if !SERVED.contains(&name) {
            let r = wire::error_response(
                501,
                "NotImplemented",
                &format!(
                    "sesm does not serve {name}; it emulates dedicated IPs, pools, configuration sets, identities, tags and the account."
                ),
            );
            return (r, name);
        }
        let label = |n: &str| {
            labels
                .iter()
                .find(|(k, _)| *k == n)
                .map(|(_, v)| v.clone())
                .unwrap_or_default()
        };
        let result = self.region(req).and_then(|region| {
            let body = Body::parse(&req.body)?;
            let query = Query::parse(query);
            self.operation(name, &region, &label, &body, &query)
        });
        let response = match result {
            Ok(r) => r,
            Err(e) => wire::error(&e),
        };
        (response, name)
    }

    /// The region of a request: its credential scope, else the server's (checked: an unknown
    /// region is a 400).
    fn region(&self, req: &Request) -> Result<String> {
        let region = region_of(req).unwrap_or_else(|| self.default_region.clone());
        check_region(&region).map_err(|_| {
            Error::bad_request(format!(
                "'{region}' is not a region sesm knows (its credential scope names it)."
            ))
        })?;
        Ok(region)
    }

    fn operation(
        &self,
        name: &'static str,
        region: &str,
        label: &dyn Fn(&str) -> String,
        body: &Body,
        query: &Query,
    ) -> Result<Response> {
        let r = region;
        Ok(match name {
            "CreateDedicatedIpPool" => {
                let req = ops::pool::NewPool {
                    name: body.required_str("PoolName")?,
                    mode: match body.str("ScalingMode")? {
                        Some(m) => scaling_mode(&m)?,
                        None => ScalingMode::Standard,
                    },
                    config_sets: Vec::new(),
                    tags: body.tags("Tags")?,
                };
                self.write(|s| ops::pool::create(s, r, req))?;
                wire::empty()
            }
            "DeleteDedicatedIpPool" => {
                self.write(|s| ops::pool::delete(s, r, &label("PoolName")))?;
                wire::empty()
            }
            "GetDedicatedIpPool" => {
                let p = self.read(|s| ops::pool::get(s, r, &label("PoolName")))?;
                wire::ok(json!({"DedicatedIpPool": {
                    "PoolName": p.dedicated_ip_pool.pool_name,
                    "ScalingMode": p.dedicated_ip_pool.scaling_mode,
                }}))
            }
            "ListDedicatedIpPools" => {
                let paging = query_paging(query)?;
                let l = self.read(|s| ops::pool::list(s, r, &paging))?;
                with_token(
                    json!({"DedicatedIpPools": l.dedicated_ip_pools}),
                    l.next_token,
                )
            }
            "PutDedicatedIpPoolScalingAttributes" => {
                let mode = scaling_mode(&body.required_str("ScalingMode")?)?;
                self.write(|s| ops::pool::set_scaling_mode(s, r, &label("PoolName"), mode))?;
                wire::empty()
            }
            "GetDedicatedIp" => {
                let ip = self.read(|s| ops::ip::get(s, r, &label("IP")))?;
                wire::ok(json!({"DedicatedIp": ip.dedicated_ip}))
            }
            "GetDedicatedIps" => {
                let paging = query_paging(query)?;
                let pool = query.get("PoolName").map(str::to_string);
                let l = self.read(|s| ops::ip::list(s, r, pool.as_deref(), &paging))?;
                with_token(json!({"DedicatedIps": l.dedicated_ips}), l.next_token)
            }
            "PutDedicatedIpInPool" => {
                let to = body.required_str("DestinationPoolName")?;
                self.write(|s| ops::ip::move_to(s, r, &label("IP"), &to))?;
                wire::empty()
            }
            "PutDedicatedIpWarmupAttributes" => {
                let percent = body
                    .int("WarmupPercentage")?
                    .ok_or_else(|| Error::bad_request("WarmupPercentage is required."))?;
                self.write(|s| ops::ip::set_warmup(s, r, &label("IP"), percent))?;
                wire::empty()
            }
            "CreateConfigurationSet" => {
                let delivery =
                    Body::from_map(body.object("DeliveryOptions")?.cloned().unwrap_or_default());
                let mut options = ops::config_set::option_blocks(body.members());
                if let Some(mode) = delivery.str("SharedPoolDeliveryMode")? {
                    options.insert(
                        crate::model::config_set::SHARED_POOL_DELIVERY_MODE.into(),
                        mode.into(),
                    );
                }
                let req = NewConfigSet {
                    name: body.required_str("ConfigurationSetName")?,
                    pool: delivery.str("SendingPoolName")?,
                    tls_policy: delivery
                        .str("TlsPolicy")?
                        .map(|t| tls_policy(&t))
                        .transpose()?,
                    max_delivery_seconds: delivery.int("MaxDeliverySeconds")?,
                    tags: body.tags("Tags")?,
                    options,
                };
                self.write(|s| ops::config_set::create(s, r, req))?;
                wire::empty()
            }
            "DeleteConfigurationSet" => {
                self.write(|s| ops::config_set::delete(s, r, &label("ConfigurationSetName")))?;
                wire::empty()
            }
            "GetConfigurationSet" => {
                let cs =
                    self.read(|s| ops::config_set::get(s, r, &label("ConfigurationSetName")))?;
                wire::ok(config_set(cs))
            }
            "ListConfigurationSets" => {
                let (paging, filter) = list_input(body, query, "CONFIGURATION_SET_NAME_CONTAINS")?;
                let contains = filter.get("CONFIGURATION_SET_NAME_CONTAINS").cloned();
                let l = self.read(|s| ops::config_set::list(s, r, contains.as_deref(), &paging))?;
                with_token(
                    json!({"ConfigurationSets": l.configuration_sets}),
                    l.next_token,
                )
            }
            "PutConfigurationSetDeliveryOptions" => {
                let tls = body.str("TlsPolicy")?.map(|t| tls_policy(&t)).transpose()?;
                // The whole block is replaced: a member left out goes back to its default.
                let change = DeliveryChange {
                    sending_pool: Change::replace(body.str("SendingPoolName")?),
                    tls_policy: Change::replace(tls),
                    max_delivery_seconds: Change::replace(body.int("MaxDeliverySeconds")?),
                    shared_pool_delivery_mode: Change::replace(body.str("SharedPoolDeliveryMode")?),
                };
                let name = label("ConfigurationSetName");
                self.write(|s| ops::config_set::put_delivery_options(s, r, &name, change))?;
                wire::empty()
            }
            "PutConfigurationSetTrackingOptions"
            | "PutConfigurationSetReputationOptions"
            | "PutConfigurationSetSendingOptions"
            | "PutConfigurationSetSuppressionOptions"
            | "PutConfigurationSetVdmOptions"
            | "PutConfigurationSetArchivingOptions" => {
                let block = OptionBlock::ALL
                    .into_iter()
                    .find(|b| b.operation() == name)
                    .ok_or_else(|| Error::internal(format!("no option block for {name}")))?;
                let value = if block == OptionBlock::Vdm {
                    // The one Put whose block is a member of the body, not the body itself.
                    body.object("VdmOptions")?.cloned().map(Value::Object)
                } else {
                    let mut members = body.members().clone();
                    members.remove("ConfigurationSetName");
                    // Tracking without a domain means no tracking options.
                    (!(block == OptionBlock::Tracking && members.is_empty()))
                        .then_some(Value::Object(members))
                };
                let cs = label("ConfigurationSetName");
                self.write(|s| ops::config_set::put_option_block(s, r, &cs, block, value))?;
                wire::empty()
            }
            "CreateEmailIdentity" => {
                let identity = body.required_str("EmailIdentity")?;
                let cs = body.str("ConfigurationSetName")?.filter(|c| !c.is_empty());
                let tags = body.tags("Tags")?;
                let view =
                    self.write(|s| ops::identity::create(s, r, &identity, cs.as_deref(), &tags))?;
                wire::ok(json!({
                    "IdentityType": view.identity_type,
                    "VerifiedForSendingStatus": true,
                    "DkimAttributes": dkim(view.identity_type, &view.identity_name),
                }))
            }
            "DeleteEmailIdentity" => {
                self.write(|s| ops::identity::delete(s, r, &label("EmailIdentity")))?;
                wire::empty()
            }
            "GetEmailIdentity" => {
                let id = self.read(|s| ops::identity::get(s, r, &label("EmailIdentity")))?;
                let mut out = json!({
                    "IdentityType": id.identity_type,
                    "FeedbackForwardingStatus": true,
                    "VerifiedForSendingStatus": true,
                    "DkimAttributes": dkim(id.identity_type, &id.identity_name),
                    "Policies": {},
                    "Tags": id.tags,
                    "VerificationStatus": ops::identity::VERIFIED,
                });
                if let Some(cs) = id.configuration_set_name {
                    out["ConfigurationSetName"] = cs.into();
                }
                wire::ok(out)
            }
            "ListEmailIdentities" => {
                let (paging, filter) = list_input(
                    body,
                    query,
                    "IDENTITY_NAME_CONTAINS IDENTITY_TYPE VERIFICATION_STATUS",
                )?;
                let filter = IdentityFilter {
                    name_contains: filter.get("IDENTITY_NAME_CONTAINS").cloned(),
                    identity_type: filter.get("IDENTITY_TYPE").cloned(),
                    verification_status: filter.get("VERIFICATION_STATUS").cloned(),
                };
                let l = self.read(|s| ops::identity::list(s, r, &filter, &paging))?;
                let items: Vec<Value> = l
                    .email_identities
                    .iter()
                    .map(|i| {
                        json!({
                            "IdentityType": i.identity_type,
                            "IdentityName": i.identity_name,
                            "SendingEnabled": i.sending_enabled,
                            "VerificationStatus": i.verification_status,
                        })
                    })
                    .collect();
                with_token(json!({"EmailIdentities": items}), l.next_token)
            }
            "PutEmailIdentityConfigurationSetAttributes" => {
                // No name, or "", clears the default configuration set.
                let cs = body.str("ConfigurationSetName")?.filter(|c| !c.is_empty());
                let identity = label("EmailIdentity");
                self.write(|s| ops::identity::set_config_set(s, r, &identity, cs.as_deref()))?;
                wire::empty()
            }
            "TagResource" => {
                let arn = body.required_str("ResourceArn")?;
                if body.get("Tags").is_none() {
                    return Err(Error::bad_request("Tags is required."));
                }
                let tags = body.tags("Tags")?;
                self.write(|s| ops::tag::tag(s, r, &arn, &tags))?;
                wire::empty()
            }
            "UntagResource" => {
                let arn = query.required("ResourceArn")?;
                let keys = query.all("TagKeys");
                if keys.is_empty() {
                    return Err(Error::bad_request("TagKeys is required."));
                }
                self.write(|s| ops::tag::untag(s, r, &arn, &keys))?;
                wire::empty()
            }
            "ListTagsForResource" => {
                let arn = query.required("ResourceArn")?;
                let t = self.read(|s| ops::tag::list(s, r, &arn))?;
                wire::ok(json!({"Tags": t.tags}))
            }
            "GetAccount" => {
                let (a, sent_today) = self.read(|s| {
                    let today: u64 = s
                        .region(r)
                        .pending
                        .values()
                        .flat_map(|isps| isps.values())
                        .fold(0, |t, n| t.saturating_add(*n));
                    Ok((ops::account::get(s, r)?, today))
                })?;
                wire::ok(json!({
                    "DedicatedIpAutoWarmupEnabled": a.dedicated_ip_auto_warmup_enabled,
                    "EnforcementStatus": "HEALTHY",
                    "ProductionAccessEnabled": true,
                    "SendingEnabled": true,
                    "SendQuota": {
                        "Max24HourSend": 1_000_000_000.0,
                        "MaxSendRate": 10_000.0,
                        "SentLast24Hours": sent_today as f64,
                    },
                }))
            }
            "PutAccountDedicatedIpWarmupAttributes" => {
                let enabled = body.bool("AutoWarmupEnabled")?.unwrap_or(false);
                self.write(|s| ops::account::set_auto_warmup(s, r, enabled))?;
                wire::empty()
            }
            "SendEmail" => {
                let msg = super::mail::outgoing(body)?;
                let now = jiff::Timestamp::now();
                let sent = self.send(|s| ops::send::send(s, r, &msg, now))?;
                wire::ok(json!({"MessageId": sent.message_id}))
            }
            "SendBulkEmail" => {
                let (template, destinations) = super::mail::bulk(body)?;
                let now = jiff::Timestamp::now();
                let results =
                    self.send(|s| ops::send::send_bulk(s, r, &template, &destinations, now))?;
                wire::ok(json!({"BulkEmailEntryResults": results}))
            }
            other => {
                return Err(Error::internal(format!(
                    "{other} is listed as served but has no handler"
                )));
            }
        })
    }

    /// `/_sesm/outbox`, outside the AWS API: GET lists the accepted messages of the request's
    /// region (`?to=`, `?since=`, `?region=`), DELETE clears the outbox.
    fn outbox(&self, req: &Request, query: &str) -> Result<Response> {
        let query = Query::parse(query);
        match req.method.as_str() {
            "GET" => {
                let region = match query.get("region") {
                    Some(r) => {
                        check_region(r).map_err(|e| Error::bad_request(e.message))?;
                        r.to_string()
                    }
                    None => self.region(req)?,
                };
                let q = ops::send::OutboxQuery {
                    to: query.get("to").map(str::to_string),
                    since: query
                        .get("since")
                        .map(ops::send::parse_since)
                        .transpose()
                        .map_err(|e| Error::bad_request(e.message))?,
                };
                let journal = self.store.read_journal()?.0;
                let outbox = self.read(|s| Ok(ops::send::outbox(s, &region, journal, &q)))?;
                Ok(wire::ok(serde_json::to_value(outbox).unwrap_or_default()))
            }
            "DELETE" => {
                let cleared = self.write(|s| Ok(ops::send::clear_outbox(s)))?;
                Ok(wire::ok(json!({"Cleared": cleared.cleared})))
            }
            other => Err(Error::bad_request(format!(
                "{other} is not allowed on {OUTBOX_PATH}; use GET or DELETE."
            ))),
        }
    }

    /// STS `GetCallerIdentity` (query protocol, XML), which Terraform asks at start to learn
    /// the account ID.
    fn sts(&self, req: &Request) -> Response {
        let form = Query::parse(&String::from_utf8_lossy(&req.body));
        let action = form.get("Action").unwrap_or_default().to_string();
        if action != "GetCallerIdentity" {
            return wire::error_response(
                501,
                "NotImplemented",
                &format!("sesm serves STS GetCallerIdentity only, not '{action}'."),
            );
        }
        let account = match self.read(|s| Ok(s.account_id.clone())) {
            Ok(a) => a,
            Err(e) => return wire::error(&e),
        };
        let xml = format!(
            "<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\
             <GetCallerIdentityResult><Arn>arn:aws:iam::{account}:root</Arn>\
             <UserId>{account}</UserId><Account>{account}</Account></GetCallerIdentityResult>\
             <ResponseMetadata><RequestId>{}</RequestId></ResponseMetadata>\
             </GetCallerIdentityResponse>",
            self.request_id()
        );
        Response::new(200, "text/xml", xml.into_bytes())
    }
}

fn scaling_mode(s: &str) -> Result<ScalingMode> {
    s.parse()
}

fn tls_policy(s: &str) -> Result<TlsPolicy> {
    s.parse()
}

/// `NextToken` and `PageSize` from the query string (the GET list routes).
fn query_paging(query: &Query) -> Result<Paging> {
    Ok(Paging {
        next_token: query.get("NextToken").map(str::to_string),
        page_size: query.int("PageSize")?,
    })
}

/// The paging and `Filter` of a list operation: from the body (the POST routes of botocore
/// from 1.43.105) or the query string (the GET routes of older clients).
fn list_input(
    body: &Body,
    query: &Query,
    filter_keys: &str,
) -> Result<(Paging, std::collections::BTreeMap<String, String>)> {
    let mut paging = query_paging(query)?;
    if let Some(t) = body.str("NextToken")? {
        paging.next_token = Some(t);
    }
    if let Some(n) = body.int("PageSize")? {
        paging.page_size = Some(n);
    }
    let mut filter = std::collections::BTreeMap::new();
    if let Some(f) = body.object("Filter")? {
        for (k, v) in f {
            if !filter_keys.split(' ').any(|known| known == k) {
                return Err(Error::bad_request(format!(
                    "Unknown Filter key '{k}': use {}.",
                    filter_keys.replace(' ', ", ")
                )));
            }
            let v = v.as_str().filter(|v| !v.is_empty()).ok_or_else(|| {
                Error::bad_request(format!("Filter {k} must be a non-empty string."))
            })?;
            filter.insert(k.clone(), v.to_string());
        }
    }
    Ok((paging, filter))
}

/// A list output, with `NextToken` only when there is a next page (never `null`).
fn with_token(mut out: Value, token: Option<String>) -> Response {
    if let Some(t) = token {
        out["NextToken"] = t.into();
    }
    wire::ok(out)
}

/// `GetConfigurationSet`'s output: delivery options, tags, and the option blocks as they
/// were given; `SendingOptions` and `ReputationOptions` default as SES reports them.
fn config_set(cs: ConfigSetGet) -> Value {
    let d = &cs.delivery_options;
    let mut delivery = Map::new();
    if d.tls_policy_set {
        delivery.insert("TlsPolicy".into(), json!(d.tls_policy));
    }
    if let Some(p) = &d.sending_pool_name {
        delivery.insert("SendingPoolName".into(), p.clone().into());
    }
    if let Some(m) = d.max_delivery_seconds {
        delivery.insert("MaxDeliverySeconds".into(), m.into());
    }
    if let Some(m) = &d.shared_pool_delivery_mode {
        delivery.insert("SharedPoolDeliveryMode".into(), m.clone().into());
    }
    let mut out = Map::new();
    out.insert(
        "ConfigurationSetName".into(),
        cs.configuration_set_name.into(),
    );
    out.insert("DeliveryOptions".into(), Value::Object(delivery));
    out.insert("Tags".into(), json!(cs.tags));
    out.insert("SendingOptions".into(), json!({"SendingEnabled": true}));
    out.insert(
        "ReputationOptions".into(),
        json!({"ReputationMetricsEnabled": false}),
    );
    for (k, v) in cs.option_blocks {
        out.insert(k, v);
    }
    Value::Object(out)
}

/// `DkimAttributes` of an identity: Easy DKIM, verified (sesm needs no DNS), with three
/// tokens derived from the name so they are stable.
fn dkim(kind: IdentityType, name: &str) -> Value {
    if kind == IdentityType::EmailAddress {
        return json!({
            "SigningEnabled": false,
            "Status": "NOT_STARTED",
            "Tokens": [],
            "SigningAttributesOrigin": "AWS_SES",
        });
    }
    let tokens: Vec<String> = (0u8..3)
        .map(|i| {
            use std::hash::{BuildHasher, BuildHasherDefault, DefaultHasher};
            let h = BuildHasherDefault::<DefaultHasher>::default().hash_one((name, i));
            format!("{h:016x}{:016x}", h.rotate_left(17))
        })
        .collect();
    json!({
        "SigningEnabled": true,
        "Status": "SUCCESS",
        "Tokens": tokens,
        "SigningAttributesOrigin": "AWS_SES",
        "NextSigningKeyLength": "RSA_2048_BIT",
        "CurrentSigningKeyLength": "RSA_2048_BIT",
        "LastKeyGenerationTimestamp": 1_767_225_600,
    })
}
