//! The SESv2 operations sesm serves: each decodes its request from the wire into the
//! operation's typed request, runs the same operation the command line runs (`ops/`), and
//! encodes the output shape of botocore's model. Everything here is a function of a request
//! and the account; the sockets are `server::serve`'s.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use serde_json::{Map, Value, json};

use super::http::{Request, Response};
use super::mail;
use super::requests::*;
use super::router::{self, Routed};
use super::routes::Operation;
use super::wire::{self, Query, decode};
use crate::error::{Error, Result};
use crate::model::config_set::{Change, DeliveryChange, NewConfigSet, OptionBlock};
use crate::model::identity::{BehaviorOnMxFailure, SigningAttributes};
use crate::model::names::check_region;
use crate::model::sending::SentMessage;
use crate::model::{ScalingMode, State, TlsPolicy};
use crate::ops::identity::IdentityFilter;
use crate::ops::shapes::ConfigSetGet;
use crate::ops::{self, Paging};
use crate::store::{Live, Store};

/// The outbox of accepted messages, outside the AWS API.
pub const OUTBOX_PATH: &str = "/_sesm/outbox";
/// The event log, outside the AWS API.
pub const EVENTS_PATH: &str = "/_sesm/events";
/// The SubscribeURL and UnsubscribeURL of SNS messages sesm posts.
pub const SNS_PATH: &str = "/_sesm/sns";
/// `sesm simulate --days N` from the endpoint, outside the AWS API.
pub const SIMULATE_PATH: &str = "/_sesm/simulate";

/// The account behind the endpoint: the live state (snapshots for reads, one writer), and the
/// region of unsigned requests.
pub struct Api {
    live: Live,
    default_region: String,
    requests: AtomicU64,
    /// `--subscribe`: this run's SNS subscriptions.
    one_run: super::sns::OneRun,
    /// The console's CSRF token: random per run, put in every form it serves and required
    /// in every form posted to it.
    console_token: String,
}

/// A handled request: the response, and the operation it named (for the log).
pub struct Handled {
    pub response: Response,
    pub operation: &'static str,
}

/// The region a request names: the third field of its SigV4 credential scope
/// (`Credential=AKID/20261130/eu-west-1/ses/aws4_request`); signatures and keys are not
/// checked. `None` for an unsigned request.
pub fn region_of(req: &Request) -> Option<String> {
    scope_field(req, 2)
}

/// The service of a request's SigV4 credential scope (`ses`, `sts`).
pub fn service_of(req: &Request) -> Option<String> {
    scope_field(req, 3)
}

fn scope_field(req: &Request, n: usize) -> Option<String> {
    let auth = req.header("authorization")?;
    let credential = auth.split("Credential=").nth(1)?;
    let scope = credential.split([',', ' ']).next()?;
    scope.split('/').nth(n).map(str::to_string)
}

/// What a `POST /` body (STS, SES v1) may weigh: v1's SendRawEmail takes messages up to 10 MB
/// (SES v1 API reference, `SendRawEmail`), base64 and then form-encoded.
pub const V1_BODY_LIMIT: usize = 16 * 1024 * 1024;

/// What a route's request body may weigh: SESv2 takes messages up to 40 MB, base64 included
/// (SES Developer Guide, "Service quotas in Amazon SES"), so the sends take that and the JSON
/// around it; every other operation's body is kilobytes, so 1 MiB is generous.
pub fn body_limit(routed: &std::result::Result<Routed, String>) -> usize {
    const MANAGEMENT: usize = 1024 * 1024;
    const SENDING: usize = 40 * 1000 * 1000 + MANAGEMENT;
    match routed {
        Ok(Routed::Operation {
            op: Operation::SendEmail | Operation::SendBulkEmail,
            ..
        }) => SENDING,
        _ => MANAGEMENT,
    }
}

impl Api {
    /// Opens the account (a state that can't be read refuses to start the server).
    pub fn new(store: Store, default_region: String) -> Result<Api> {
        Ok(Api {
            live: Live::open(store)?,
            default_region,
            requests: AtomicU64::new(0),
            one_run: Default::default(),
            console_token: super::console::new_token()?,
        })
    }

    /// Subscribes HTTP endpoints to SNS topics for this run (`sesm serve --subscribe`): each
    /// gets a SubscriptionConfirmation first; events published after the start (or after
    /// what an earlier run delivered to it) go to it once confirmed.
    pub fn with_subscriptions(mut self, subs: &[(String, String)]) -> Result<Api> {
        let last = self.live.store().last_event()?;
        for (topic, url) in subs {
            crate::model::publishing::check_topic_arn(topic).map_err(Error::invalid)?;
            ops::events::check_endpoint(url)?;
            let (arn, token) = ops::events::subscription_ids(topic, url);
            self.one_run
                .subscriptions
                .push(crate::model::publishing::SnsSubscription {
                    subscription_arn: arn,
                    topic_arn: topic.clone(),
                    endpoint: url.clone(),
                    token,
                    confirmed: false,
                    from_event: last,
                });
        }
        Ok(self)
    }

    /// Sends one message as SendEmail's Raw content does (the SMTP interface's DATA): SES's
    /// checks and routing, on disk before the answer; its message ID.
    pub(super) fn send_message(
        &self,
        region: &str,
        msg: &crate::model::sending::Outgoing,
    ) -> Result<String> {
        self.send(|s| {
            ops::send::send(s, region, msg, jiff::Timestamp::now())
                .map(|(sent, reply)| (sent, reply.message_id))
        })
    }

    pub(super) fn default_region(&self) -> &str {
        &self.default_region
    }

    pub(super) fn console_token(&self) -> &str {
        &self.console_token
    }

    /// The outbox's message `id` (not cleared or dropped) and its `.eml` as kept.
    pub(super) fn kept_message(&self, id: &str) -> Result<(SentMessage, Option<Vec<u8>>)> {
        let store = self.live.store();
        let journal = store.read_journal()?.0;
        let m = self.read(|s| ops::send::find_message(s, journal, id))?;
        let mime = store.read_mail(m.seq)?;
        Ok((m, mime))
    }

    pub(super) fn live(&self) -> &Live {
        &self.live
    }

    pub(super) fn one_run(&self) -> &super::sns::OneRun {
        &self.one_run
    }

    /// Runs a reading operation on the latest committed state; never waits for a writer.
    pub(super) fn read<T>(&self, op: impl FnOnce(&State) -> Result<T>) -> Result<T> {
        op(self.live.read()?.state())
    }

    /// Runs a changing operation through the one writer, under the state lock (the same lock
    /// as the command line), within `SESM_LOCK_TIMEOUT` in all.
    pub(super) fn write<T>(&self, op: impl FnOnce(&mut State) -> Result<T>) -> Result<T> {
        self.live.update(self.deadline(), op)
    }

    /// Accepts messages through the writer; they are on disk before the reply is sent.
    pub(super) fn send<T>(
        &self,
        op: impl FnOnce(&State) -> Result<(Vec<SentMessage>, T)>,
    ) -> Result<T> {
        self.live.send(self.deadline(), op)
    }

    fn deadline(&self) -> Instant {
        Instant::now() + self.live.store().lock_timeout()
    }

    pub(super) fn request_id(&self) -> String {
        let n = self.requests.fetch_add(1, Ordering::Relaxed);
        format!(
            "{:08x}-5e5a-4000-8000-{:012x}",
            std::process::id(),
            n & 0xffff_ffff_ffff
        )
    }

    /// Answers one request. Never panics out: a panic in an operation is a 500 and the
    /// server keeps serving (the state is untouched, as a change is made on a copy and
    /// written only on success).
    pub fn handle(&self, req: &Request) -> Handled {
        let routed = router::find(&req.method, req.path_and_query().0);
        self.handle_routed(req, routed)
    }

    /// `handle` for a request the server already routed (to find its body limit), so the
    /// route is not searched twice.
    pub fn handle_routed(
        &self,
        req: &Request,
        routed: std::result::Result<Routed, String>,
    ) -> Handled {
        let id = self.request_id();
        let (response, operation) =
            match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                self.dispatch(req, routed)
            })) {
                Ok(handled) => handled,
                Err(_) => (
                    wire::error_response(
                        500,
                        "InternalFailure",
                        "sesm failed on this request; the state was left as it was",
                    ),
                    "Unknown",
                ),
            };
        Handled {
            response: response.header("x-amzn-RequestId", id),
            operation,
        }
    }

    fn dispatch(
        &self,
        req: &Request,
        routed: std::result::Result<Routed, String>,
    ) -> (Response, &'static str) {
        let (path, query) = req.path_and_query();
        if path == "/" && req.method == "POST" {
            return self.query_protocol(req);
        }
        if super::console::is_console(req) {
            return (super::console::handle(self, req), "Console");
        }
        if path == OUTBOX_PATH {
            let r = self.outbox(req, query).unwrap_or_else(|e| wire::error(&e));
            return (r, "Outbox");
        }
        if path == SNS_PATH {
            let r = self.sns(req, query).unwrap_or_else(|e| wire::error(&e));
            return (r, "ConfirmSubscription");
        }
        if path == EVENTS_PATH {
            let r = self.events(req, query).unwrap_or_else(|e| wire::error(&e));
            return (r, "ListEvents");
        }
        if path == SIMULATE_PATH {
            let r = self.simulate(req).unwrap_or_else(|e| wire::error(&e));
            return (r, "Simulate");
        }
        if let Some(rest) = path
            .strip_prefix(OUTBOX_PATH)
            .and_then(|p| p.strip_prefix('/'))
        {
            let r = self
                .outbox_message(req, rest)
                .unwrap_or_else(|e| wire::error(&e));
            return (r, "GetOutboxMessage");
        }
        let (op, labels) = match routed {
            Ok(Routed::Operation { op, labels }) => (op, labels),
            Ok(Routed::WrongMethod { allowed }) => {
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
            Ok(Routed::Unknown) => {
                let r = wire::error_response(
                    404,
                    "UnknownOperationException",
                    &format!("No SESv2 operation is {} {path}.", req.method),
                );
                return (r, "Unknown");
            }
            Err(segment) => {
                return (
                    wire::error(&Error::bad_request(format!(
                        "The path segment '{segment}' is not percent-encoded UTF-8."
                    ))),
                    "Unknown",
                );
            }
        };
        let label = |n: &str| {
            labels
                .iter()
                .find(|(k, _)| *k == n)
                .map(|(_, v)| v.clone())
                .unwrap_or_default()
        };
        let result = self.region(req).and_then(|region| {
            let query = Query::parse(query);
            self.operation(op, &region, &label, &req.body, &query)
        });
        let response = match result {
            Ok(r) => r,
            Err(e) => wire::error(&e),
        };
        (response, op.name())
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
        op: Operation,
        region: &str,
        label: &dyn Fn(&str) -> String,
        body: &[u8],
        query: &Query,
    ) -> Result<Response> {
        use Operation as O;
        let r = region;
        Ok(match op {
            O::CreateDedicatedIpPool => {
                let b: CreateDedicatedIpPoolBody = decode(body)?;
                let req = ops::pool::NewPool {
                    name: b.pool_name.unwrap_or_default(),
                    mode: match b.scaling_mode {
                        Some(m) => scaling_mode(&m)?,
                        None => ScalingMode::Standard,
                    },
                    config_sets: Vec::new(),
                    tags: tags(b.tags),
                };
                self.write(|s| ops::pool::create(s, r, req))?;
                wire::empty()
            }
            O::DeleteDedicatedIpPool => {
                self.write(|s| ops::pool::delete(s, r, &label("PoolName")))?;
                wire::empty()
            }
            O::GetDedicatedIpPool => {
                let p = self.read(|s| ops::pool::get(s, r, &label("PoolName")))?;
                wire::ok(json!({"DedicatedIpPool": {
                    "PoolName": p.dedicated_ip_pool.pool_name,
                    "ScalingMode": p.dedicated_ip_pool.scaling_mode,
                }}))
            }
            O::ListDedicatedIpPools => {
                let paging = query_paging(query)?;
                let l = self.read(|s| ops::pool::list(s, r, &paging))?;
                with_token(
                    json!({"DedicatedIpPools": l.dedicated_ip_pools}),
                    l.next_token,
                )
            }
            O::PutDedicatedIpPoolScalingAttributes => {
                let b: PutDedicatedIpPoolScalingAttributesBody = decode(body)?;
                let mode = scaling_mode(&b.scaling_mode.unwrap_or_default())?;
                self.write(|s| ops::pool::set_scaling_mode(s, r, &label("PoolName"), mode))?;
                wire::empty()
            }
            O::GetDedicatedIp => {
                let ip = self.read(|s| ops::ip::get(s, r, &label("IP")))?;
                wire::ok(json!({"DedicatedIp": ip.dedicated_ip}))
            }
            O::GetDedicatedIps => {
                let paging = query_paging(query)?;
                let pool = query.get("PoolName").map(str::to_string);
                let l = self.read(|s| ops::ip::list(s, r, pool.as_deref(), &paging))?;
                with_token(json!({"DedicatedIps": l.dedicated_ips}), l.next_token)
            }
            O::PutDedicatedIpInPool => {
                let b: PutDedicatedIpInPoolBody = decode(body)?;
                let to = b.destination_pool_name.unwrap_or_default();
                self.write(|s| ops::ip::move_to(s, r, &label("IP"), &to))?;
                wire::empty()
            }
            O::PutDedicatedIpWarmupAttributes => {
                let b: PutDedicatedIpWarmupAttributesBody = decode(body)?;
                let percent = b.warmup_percentage.unwrap_or_default();
                self.write(|s| ops::ip::set_warmup(s, r, &label("IP"), percent))?;
                wire::empty()
            }
            O::CreateConfigurationSet => {
                let b: CreateConfigurationSetBody = decode(body)?;
                let delivery = b.delivery_options.clone().unwrap_or_default();
                let mut options = option_blocks(&b)?;
                if let Some(mode) = delivery.shared_pool_delivery_mode {
                    options.insert(
                        crate::model::config_set::SHARED_POOL_DELIVERY_MODE.into(),
                        mode.into(),
                    );
                }
                let req = NewConfigSet {
                    name: b.configuration_set_name.unwrap_or_default(),
                    pool: delivery.sending_pool_name,
                    tls_policy: delivery.tls_policy.map(|t| tls_policy(&t)).transpose()?,
                    max_delivery_seconds: delivery.max_delivery_seconds,
                    tags: tags(b.tags),
                    options,
                };
                self.write(|s| ops::config_set::create(s, r, req))?;
                wire::empty()
            }
            O::DeleteConfigurationSet => {
                self.write(|s| ops::config_set::delete(s, r, &label("ConfigurationSetName")))?;
                wire::empty()
            }
            O::GetConfigurationSet => {
                let cs =
                    self.read(|s| ops::config_set::get(s, r, &label("ConfigurationSetName")))?;
                wire::ok(config_set(cs))
            }
            O::ListConfigurationSets => {
                let b: ListConfigurationSetsBody = decode(body)?;
                let mut paging = query_paging(query)?;
                paging.next_token = b.next_token.or(paging.next_token);
                paging.page_size = b.page_size.or(paging.page_size);
                let filter = filter(b.filter, &["CONFIGURATION_SET_NAME_CONTAINS"])?;
                let contains = filter.get("CONFIGURATION_SET_NAME_CONTAINS").cloned();
                let l = self.read(|s| ops::config_set::list(s, r, contains.as_deref(), &paging))?;
                with_token(
                    json!({"ConfigurationSets": l.configuration_sets}),
                    l.next_token,
                )
            }
            O::PutConfigurationSetDeliveryOptions => {
                let b: PutConfigurationSetDeliveryOptionsBody = decode(body)?;
                let tls = b.tls_policy.map(|t| tls_policy(&t)).transpose()?;
                // The whole block is replaced: a member left out goes back to its default.
                let change = DeliveryChange {
                    sending_pool: Change::replace(b.sending_pool_name),
                    tls_policy: Change::replace(tls),
                    max_delivery_seconds: Change::replace(b.max_delivery_seconds),
                    shared_pool_delivery_mode: Change::replace(b.shared_pool_delivery_mode),
                };
                let name = label("ConfigurationSetName");
                self.write(|s| ops::config_set::put_delivery_options(s, r, &name, change))?;
                wire::empty()
            }
            O::PutConfigurationSetTrackingOptions => {
                let b: PutConfigurationSetTrackingOptionsBody = decode(body)?;
                // Tracking without a domain means no tracking options.
                let value = (b != Default::default())
                    .then(|| to_value(&b))
                    .transpose()?;
                self.put_block(r, label, OptionBlock::Tracking, value)?
            }
            O::PutConfigurationSetReputationOptions => {
                let b: PutConfigurationSetReputationOptionsBody = decode(body)?;
                self.put_block(r, label, OptionBlock::Reputation, Some(to_value(&b)?))?
            }
            O::PutConfigurationSetSendingOptions => {
                let b: PutConfigurationSetSendingOptionsBody = decode(body)?;
                self.put_block(r, label, OptionBlock::Sending, Some(to_value(&b)?))?
            }
            O::PutConfigurationSetSuppressionOptions => {
                let b: PutConfigurationSetSuppressionOptionsBody = decode(body)?;
                self.put_block(r, label, OptionBlock::Suppression, Some(to_value(&b)?))?
            }
            O::PutConfigurationSetVdmOptions => {
                // The one Put whose block is a member of the body, not the body itself.
                let b: PutConfigurationSetVdmOptionsBody = decode(body)?;
                let value = b.vdm_options.as_ref().map(to_value).transpose()?;
                self.put_block(r, label, OptionBlock::Vdm, value)?
            }
            O::PutConfigurationSetArchivingOptions => {
                let b: PutConfigurationSetArchivingOptionsBody = decode(body)?;
                self.put_block(r, label, OptionBlock::Archiving, Some(to_value(&b)?))?
            }
            O::CreateEmailIdentity => {
                let b: CreateEmailIdentityBody = decode(body)?;
                let identity = b.email_identity.unwrap_or_default();
                let cs = b.configuration_set_name.filter(|c| !c.is_empty());
                let tags = tags(b.tags);
                let dkim = b.dkim_signing_attributes.map(signing_attributes);
                let view = self.write(|s| {
                    ops::identity::create(s, r, &identity, cs.as_deref(), &tags, dkim.as_ref())
                })?;
                wire::ok(json!({
                    "IdentityType": view.identity_type,
                    "VerifiedForSendingStatus": true,
                    "DkimAttributes": view.dkim_attributes,
                }))
            }
            O::DeleteEmailIdentity => {
                self.write(|s| ops::identity::delete(s, r, &label("EmailIdentity")))?;
                wire::empty()
            }
            O::GetEmailIdentity => {
                let id = self.read(|s| ops::identity::get(s, r, &label("EmailIdentity")))?;
                let mut out = json!({
                    "IdentityType": id.identity_type,
                    "FeedbackForwardingStatus": id.feedback_forwarding_status,
                    "VerifiedForSendingStatus": true,
                    "DkimAttributes": id.dkim_attributes,
                    "MailFromAttributes": id.mail_from_attributes,
                    "Policies": {},
                    "Tags": id.tags,
                    "VerificationStatus": ops::identity::VERIFIED,
                });
                if let Some(cs) = id.configuration_set_name {
                    out["ConfigurationSetName"] = cs.into();
                }
                wire::ok(out)
            }
            O::ListEmailIdentities => {
                let b: ListEmailIdentitiesBody = decode(body)?;
                let mut paging = query_paging(query)?;
                paging.next_token = b.next_token.or(paging.next_token);
                paging.page_size = b.page_size.or(paging.page_size);
                let filter = filter(
                    b.filter,
                    &[
                        "IDENTITY_NAME_CONTAINS",
                        "IDENTITY_TYPE",
                        "VERIFICATION_STATUS",
                    ],
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
            O::PutEmailIdentityConfigurationSetAttributes => {
                let b: PutEmailIdentityConfigurationSetAttributesBody = decode(body)?;
                // No name, or "", clears the default configuration set.
                let cs = b.configuration_set_name.filter(|c| !c.is_empty());
                let identity = label("EmailIdentity");
                self.write(|s| ops::identity::set_config_set(s, r, &identity, cs.as_deref()))?;
                wire::empty()
            }
            O::PutEmailIdentityFeedbackAttributes => {
                let b: PutEmailIdentityFeedbackAttributesBody = decode(body)?;
                // A boolean left out is false, as SES reads it.
                let enabled = b.email_forwarding_enabled.unwrap_or(false);
                let identity = label("EmailIdentity");
                self.write(|s| ops::identity::set_feedback(s, r, &identity, enabled))?;
                wire::empty()
            }
            O::PutEmailIdentityMailFromAttributes => {
                let b: PutEmailIdentityMailFromAttributesBody = decode(body)?;
                let behavior = b
                    .behavior_on_mx_failure
                    .as_deref()
                    .map(BehaviorOnMxFailure::parse)
                    .transpose()?;
                let identity = label("EmailIdentity");
                let domain = b.mail_from_domain;
                self.write(|s| {
                    ops::identity::set_mail_from(s, r, &identity, domain.as_deref(), behavior)
                })?;
                wire::empty()
            }
            O::PutEmailIdentityDkimAttributes => {
                let b: PutEmailIdentityDkimAttributesBody = decode(body)?;
                let enabled = b.signing_enabled.unwrap_or(false);
                let identity = label("EmailIdentity");
                self.write(|s| ops::identity::set_dkim_enabled(s, r, &identity, enabled))?;
                wire::empty()
            }
            O::PutEmailIdentityDkimSigningAttributes => {
                let b: PutEmailIdentityDkimSigningAttributesBody = decode(body)?;
                let origin = b.signing_attributes_origin.unwrap_or_default();
                let attrs = b.signing_attributes.map(signing_attributes);
                let identity = label("EmailIdentity");
                let set = self.write(|s| {
                    ops::identity::set_dkim_signing(s, r, &identity, &origin, attrs.as_ref())
                })?;
                wire::ok(json!({"DkimStatus": set.dkim_status, "DkimTokens": set.dkim_tokens}))
            }
            O::TagResource => {
                let b: TagResourceBody = decode(body)?;
                let arn = b.resource_arn.unwrap_or_default();
                let tags = tags(b.tags);
                self.write(|s| ops::tag::tag(s, r, &arn, &tags))?;
                wire::empty()
            }
            O::UntagResource => {
                let arn = query.required("ResourceArn")?;
                let keys = query.all("TagKeys");
                if keys.is_empty() {
                    return Err(Error::bad_request("TagKeys is required."));
                }
                self.write(|s| ops::tag::untag(s, r, &arn, &keys))?;
                wire::empty()
            }
            O::ListTagsForResource => {
                let arn = query.required("ResourceArn")?;
                let t = self.read(|s| ops::tag::list(s, r, &arn))?;
                wire::ok(json!({"Tags": t.tags}))
            }
            O::GetAccount => {
                let snapshot = self.live.read()?;
                let a = ops::account::get(snapshot.state(), r)?;
                let mut quota = a.send_quota;
                // Messages accepted since the snapshot was committed count too.
                quota.sent_last_24_hours += snapshot.sent_since(r) as f64;
                wire::ok(json!({
                    "DedicatedIpAutoWarmupEnabled": a.dedicated_ip_auto_warmup_enabled,
                    "EnforcementStatus": "HEALTHY",
                    "ProductionAccessEnabled": true,
                    "SendingEnabled": a.sending_enabled,
                    "SendQuota": quota,
                    "SuppressionAttributes": ops::suppression::attributes(snapshot.state(), r),
                }))
            }
            O::PutAccountDedicatedIpWarmupAttributes => {
                let b: PutAccountDedicatedIpWarmupAttributesBody = decode(body)?;
                let enabled = b.auto_warmup_enabled.unwrap_or(false);
                self.write(|s| ops::account::set_auto_warmup(s, r, enabled))?;
                wire::empty()
            }
            O::PutAccountSendingAttributes => {
                let b: PutAccountSendingAttributesBody = decode(body)?;
                // An absent SendingEnabled is false, as an absent boolean is in AWS APIs.
                let enabled = b.sending_enabled.unwrap_or(false);
                self.write(|s| ops::account::set_sending(s, r, enabled))?;
                wire::empty()
            }
            O::SendEmail => {
                let b: SendEmailBody = decode(body)?;
                let (msg, template) = mail::outgoing(b)?;
                let now = jiff::Timestamp::now();
                let sent = self.send(|s| match &template {
                    Some(t) => ops::template::send(s, r, &msg, t, now),
                    None => ops::send::send(s, r, &msg, now),
                })?;
                wire::ok(json!({"MessageId": sent.message_id}))
            }
            O::SendBulkEmail => {
                let b: SendBulkEmailBody = decode(body)?;
                let (shared, template, entries) = mail::bulk(b)?;
                let now = jiff::Timestamp::now();
                let results = self
                    .send(|s| ops::template::send_bulk(s, r, &shared, &template, &entries, now))?;
                wire::ok(json!({"BulkEmailEntryResults": results}))
            }
            O::CreateEmailTemplate => {
                let b: CreateEmailTemplateBody = decode(body)?;
                let name = b.template_name.unwrap_or_default();
                let content = mail::content(b.template_content.unwrap_or_default());
                let tags = tags(b.tags);
                let now = jiff::Timestamp::now();
                self.write(|s| ops::template::create(s, r, &name, content, &tags, now))?;
                wire::empty()
            }
            O::GetEmailTemplate => {
                let t = self.read(|s| ops::template::get(s, r, &label("TemplateName")))?;
                let tags: Vec<Value> = t
                    .tags
                    .iter()
                    .map(|(k, v)| json!({"Key": k, "Value": v}))
                    .collect();
                wire::ok(json!({
                    "TemplateName": t.template_name,
                    "TemplateContent": t.template_content,
                    "Tags": tags,
                }))
            }
            O::ListEmailTemplates => {
                let mut paging = query_paging(query)?;
                // SES pages 10 at a time when PageSize is not given.
                paging.page_size = paging.page_size.or(Some(ops::template::DEFAULT_PAGE_SIZE));
                let l = self.read(|s| ops::template::list(s, r, &paging))?;
                let items: Vec<Value> = l
                    .templates_metadata
                    .iter()
                    .map(|m| {
                        json!({
                            "TemplateName": m.template_name,
                            "CreatedTimestamp": epoch_seconds(m.created_timestamp),
                        })
                    })
                    .collect();
                with_token(json!({"TemplatesMetadata": items}), l.next_token)
            }
            O::UpdateEmailTemplate => {
                let b: UpdateEmailTemplateBody = decode(body)?;
                let content = mail::content(b.template_content.unwrap_or_default());
                let name = label("TemplateName");
                self.write(|s| ops::template::update(s, r, &name, content))?;
                wire::empty()
            }
            O::DeleteEmailTemplate => {
                self.write(|s| ops::template::delete(s, r, &label("TemplateName")))?;
                wire::empty()
            }
            O::TestRenderEmailTemplate => {
                let b: TestRenderEmailTemplateBody = decode(body)?;
                let data = b.template_data.unwrap_or_default();
                let name = label("TemplateName");
                let mime = self.read(|s| ops::template::test_render(s, r, &name, &data))?;
                wire::ok(json!({"RenderedTemplate": mime}))
            }
            O::CreateConfigurationSetEventDestination => {
                let b: CreateConfigurationSetEventDestinationBody = decode(body)?;
                let name = b.event_destination_name.unwrap_or_default();
                let def = definition(b.event_destination.unwrap_or_default());
                let set = label("ConfigurationSetName");
                self.write(|s| ops::event_destination::create(s, r, &set, &name, def))?;
                wire::empty()
            }
            O::GetConfigurationSetEventDestinations => {
                let set = label("ConfigurationSetName");
                let l = self.read(|s| ops::event_destination::list(s, r, &set))?;
                wire::ok(to_value(&l)?)
            }
            O::UpdateConfigurationSetEventDestination => {
                let b: UpdateConfigurationSetEventDestinationBody = decode(body)?;
                let def = definition(b.event_destination.unwrap_or_default());
                let set = label("ConfigurationSetName");
                let name = label("EventDestinationName");
                self.write(|s| ops::event_destination::update(s, r, &set, &name, def))?;
                wire::empty()
            }
            O::DeleteConfigurationSetEventDestination => {
                let set = label("ConfigurationSetName");
                let name = label("EventDestinationName");
                self.write(|s| ops::event_destination::delete(s, r, &set, &name))?;
                wire::empty()
            }
            O::PutSuppressedDestination => {
                let b: PutSuppressedDestinationBody = decode(body)?;
                let address = b.email_address.unwrap_or_default();
                let reason = b.reason.unwrap_or_default();
                let now = jiff::Timestamp::now();
                self.write(|s| ops::suppression::put(s, r, &address, &reason, now))?;
                wire::empty()
            }
            O::GetSuppressedDestination => {
                let e = self.read(|s| ops::suppression::get(s, r, &label("EmailAddress")))?;
                let mut out = suppressed(&e);
                let mut attributes = Map::new();
                if let Some(m) = &e.message_id {
                    attributes.insert("MessageId".into(), m.clone().into());
                }
                if let Some(f) = &e.feedback_id {
                    attributes.insert("FeedbackId".into(), f.clone().into());
                }
                if !attributes.is_empty() {
                    out["Attributes"] = Value::Object(attributes);
                }
                wire::ok(json!({"SuppressedDestination": out}))
            }
            O::ListSuppressedDestinations => {
                let paging = query_paging(query)?;
                let filter = ops::suppression::ListFilter {
                    reasons: ops::suppression::parse_reasons(&query.all("Reason"), "reasons")?,
                    start: query.get("StartDate").map(timestamp).transpose()?,
                    end: query.get("EndDate").map(timestamp).transpose()?,
                };
                let l = self.read(|s| ops::suppression::list(s, r, &filter, &paging))?;
                let items: Vec<Value> = l
                    .suppressed_destination_summaries
                    .iter()
                    .map(suppressed)
                    .collect();
                with_token(
                    json!({"SuppressedDestinationSummaries": items}),
                    l.next_token,
                )
            }
            O::DeleteSuppressedDestination => {
                let address = label("EmailAddress");
                self.write(|s| ops::suppression::delete(s, r, &address))?;
                wire::empty()
            }
            O::PutAccountSuppressionAttributes => {
                let b: PutAccountSuppressionAttributesBody = decode(body)?;
                // Absent reasons are none: the account suppresses nothing automatically.
                let reasons = b.suppressed_reasons.unwrap_or_default();
                self.write(|s| ops::suppression::put_attributes(s, r, &reasons))?;
                wire::empty()
            }
            O::AssociateEmailIdentityCertificate
            | O::BatchGetMetricData
            | O::CancelExportJob
            | O::CreateContact
            | O::CreateContactList
            | O::CreateCustomVerificationEmailTemplate
            | O::CreateDeliverabilityTestReport
            | O::CreateEmailIdentityPolicy
            | O::CreateExportJob
            | O::CreateImportJob
            | O::CreateMultiRegionEndpoint
            | O::CreateTenant
            | O::CreateTenantResourceAssociation
            | O::DeleteContact
            | O::DeleteContactList
            | O::DeleteCustomVerificationEmailTemplate
            | O::DeleteEmailIdentityPolicy
            | O::DeleteMultiRegionEndpoint
            | O::DeleteTenant
            | O::DeleteTenantResourceAssociation
            | O::DisassociateEmailIdentityCertificate
            | O::GetBlacklistReports
            | O::GetContact
            | O::GetContactList
            | O::GetCustomVerificationEmailTemplate
            | O::GetDeliverabilityDashboardOptions
            | O::GetDeliverabilityTestReport
            | O::GetDomainDeliverabilityCampaign
            | O::GetDomainStatisticsReport
            | O::GetEmailAddressInsights
            | O::GetEmailIdentityPolicies
            | O::GetExportJob
            | O::GetImportJob
            | O::GetMessageInsights
            | O::GetMultiRegionEndpoint
            | O::GetReputationEntity
            | O::GetTenant
            | O::ListContactLists
            | O::ListContacts
            | O::ListCustomVerificationEmailTemplates
            | O::ListDeliverabilityTestReports
            | O::ListDomainDeliverabilityCampaigns
            | O::ListEmailIdentityCertificates
            | O::ListExportJobs
            | O::ListImportJobs
            | O::ListMultiRegionEndpoints
            | O::ListRecommendations
            | O::ListReputationEntities
            | O::ListResourceTenants
            | O::ListTenantResources
            | O::ListTenants
            | O::PutAccountDeliveryAttributes
            | O::PutAccountDetails
            | O::PutAccountPricingAttributes
            | O::PutAccountVdmAttributes
            | O::PutDeliverabilityDashboardOption
            | O::PutTenantSuppressionAttributes
            | O::SendCustomVerificationEmail
            | O::UpdateConfigurationSet
            | O::UpdateContact
            | O::UpdateContactList
            | O::UpdateCustomVerificationEmailTemplate
            | O::UpdateEmailIdentityPolicy
            | O::UpdateReputationEntityCustomerManagedStatus
            | O::UpdateReputationEntityPolicy => {
                return Err(not_served(op));
            }
        })
    }

    /// Stores one of a configuration set's option blocks as given (`None` removes it).
    fn put_block(
        &self,
        r: &str,
        label: &dyn Fn(&str) -> String,
        block: OptionBlock,
        value: Option<Value>,
    ) -> Result<Response> {
        let cs = label("ConfigurationSetName");
        self.write(|s| ops::config_set::put_option_block(s, r, &cs, block, value))?;
        Ok(wire::empty())
    }

    /// `/_sesm/outbox`, outside the AWS API: GET lists the accepted messages of every region
    /// (`?to=`, `?since=`, `?region=`), DELETE clears the outbox.
    fn outbox(&self, req: &Request, query: &str) -> Result<Response> {
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
                let journal = self.live.store().read_journal()?.0;
                let outbox = self.read(|s| Ok(ops::send::outbox(s, journal, &q)))?;
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

    /// `GET /_sesm/sns?Action=ConfirmSubscription&TopicArn=&Token=` (a SubscribeURL) and
    /// `?Action=Unsubscribe&SubscriptionArn=` (an UnsubscribeURL), answered as SNS answers
    /// (XML).
    fn sns(&self, req: &Request, query: &str) -> Result<Response> {
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
                self.request_id()
            );
            Response::new(200, "text/xml", body.into_bytes())
        };
        match q.get("Action") {
            Some("ConfirmSubscription") => {
                let topic = q.get("TopicArn").unwrap_or_default().to_string();
                let token = q.get("Token").unwrap_or_default().to_string();
                let one = self
                    .one_run
                    .subscriptions
                    .iter()
                    .find(|s| s.topic_arn == topic && s.token == token);
                let arn = match one {
                    Some(s) => {
                        self.one_run
                            .confirmed
                            .lock()
                            .unwrap_or_else(|p| p.into_inner())
                            .insert(s.subscription_arn.clone());
                        s.subscription_arn.clone()
                    }
                    None => {
                        self.write(|s| ops::events::confirm(s, &topic, &token))?
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
                self.write(|s| ops::events::unsubscribe(s, &arn))?;
                Ok(xml("Unsubscribe", String::new()))
            }
            _ => Err(Error::bad_request(
                "Action must be ConfirmSubscription or Unsubscribe.",
            )),
        }
    }

    /// `GET /_sesm/events`: the event log (`?type=&config-set=&message-id=&since=&region=`),
    /// as `sesm events list -o json` prints it.
    fn events(&self, req: &Request, query: &str) -> Result<Response> {
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
        let log = self.live.store().read_events(0)?;
        let list = ops::events::list(log, &q);
        Ok(wire::ok(serde_json::to_value(list).unwrap_or_default()))
    }

    /// `GET /_sesm/outbox/{MessageId}`: the message taken apart (JSON);
    /// `GET /_sesm/outbox/{MessageId}/raw`: the message as kept (`message/rfc822`).
    fn outbox_message(&self, req: &Request, rest: &str) -> Result<Response> {
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
        let (m, mime) = self.kept_message(&id)?;
        if raw {
            return eml(&m.message_id, mime);
        }
        let detail = ops::send::outbox_detail(m, mime.as_deref());
        Ok(wire::ok(serde_json::to_value(detail).unwrap_or_default()))
    }

    /// `POST /_sesm/simulate {"Days": N}`: the operation of `sesm simulate --days N` (its
    /// rules, under the same lock), answered with the report `sesm simulate -o json` prints.
    fn simulate(&self, req: &Request) -> Result<Response> {
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
        let region = self.default_region.clone();
        let report = self.write(|s| ops::simulate::simulate(s, &region, days, None, false))?;
        Ok(wire::ok(to_value(&report)?))
    }

    /// `POST /` with a form body: STS (its credential scope's service, or its `Action`) or the
    /// SES v1 API (`Version=2010-12-01`). A v1 request must be signed (an `AWS4-HMAC-SHA256`
    /// Authorization header; the signature is not checked): a web page can post a form, but
    /// it cannot sign, so this is what keeps pages from sending through sesm.
    fn query_protocol(&self, req: &Request) -> (Response, &'static str) {
        let form = super::v1::Form::parse(&req.body);
        let action = form.get("Action").unwrap_or_default().to_string();
        // STS by its credential scope, its Version, or (unsigned, no Version) an STS action.
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
        let sts = match (service_of(req).as_deref(), form.get("Version")) {
            (Some("sts"), _) | (_, Some("2011-06-15")) => true,
            (Some(_), _) | (_, Some(_)) => false,
            (None, None) => STS_ACTIONS.contains(&action.as_str()),
        };
        if sts {
            return (self.sts(req), "GetCallerIdentity");
        }
        let name = super::v1::action_name(&action);
        let signed = req
            .header("authorization")
            .is_some_and(|a| a.starts_with("AWS4-HMAC-SHA256 "));
        if !signed {
            let e = super::v1::v1_error(
                "AccessDenied",
                "SES v1 requests must be signed (an AWS4-HMAC-SHA256 Authorization header); sesm does not check the signature, but a web page cannot make one.".into(),
            );
            let mut r = super::v1::error(&e, &action, &self.request_id());
            r.status = 403;
            return (r, name);
        }
        let region = match self.region(req) {
            Ok(r) => r,
            Err(e) => return (super::v1::error(&e, &action, &self.request_id()), name),
        };
        (self.v1(req, &form, &region), name)
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

/// Text for an XML element.
/// A kept message's `.eml` as a download (`message/rfc822`), or NotFound for a message kept
/// before sesm kept whole messages.
pub(super) fn eml(message_id: &str, mime: Option<Vec<u8>>) -> Result<Response> {
    let bytes = mime.ok_or_else(|| {
        Error::not_found(format!(
            "Message {} was kept before sesm kept whole messages: it has no .eml.",
            message_id.escape_default()
        ))
    })?;
    Ok(Response::new(200, "message/rfc822", bytes)
        .header(
            "Content-Disposition",
            format!("attachment; filename=\"{message_id}.eml\""),
        )
        .header("X-Content-Type-Options", "nosniff"))
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// The 501 of an operation sesm recognises but does not serve (501 is not retried by SDKs).
fn not_served(op: Operation) -> Error {
    Error::new(
        crate::error::Kind::Ses(crate::error::SesCode::NotImplemented),
        format!(
            "sesm does not serve {}; it emulates dedicated IPs, pools, configuration sets, event destinations, identities, tags, email templates, sending, the suppression list and the account.",
            op.name()
        ),
    )
}

fn scaling_mode(s: &str) -> Result<ScalingMode> {
    s.parse()
}

fn tls_policy(s: &str) -> Result<TlsPolicy> {
    s.parse()
}

/// `Tags` as pairs; a key given twice keeps its last value, as the command line's do.
fn tags(tags: Option<Vec<Tag>>) -> Vec<(String, String)> {
    crate::model::tags::last_wins(
        tags.into_iter()
            .flatten()
            .map(|t| (t.key.unwrap_or_default(), t.value.unwrap_or_default())),
    )
}

/// A typed block as the JSON the state stores (and GetConfigurationSet echoes).
fn to_value<T: serde::Serialize>(block: &T) -> Result<Value> {
    serde_json::to_value(block).map_err(|e| Error::internal(format!("cannot encode a block: {e}")))
}

/// The option blocks of CreateConfigurationSet, as the state stores them.
fn option_blocks(
    b: &CreateConfigurationSetBody,
) -> Result<std::collections::BTreeMap<String, Value>> {
    let mut out = std::collections::BTreeMap::new();
    let mut put = |block: OptionBlock, v: Option<Value>| {
        if let Some(v) = v {
            out.insert(block.member().to_string(), v);
        }
    };
    put(
        OptionBlock::Tracking,
        b.tracking_options.as_ref().map(to_value).transpose()?,
    );
    put(
        OptionBlock::Reputation,
        b.reputation_options.as_ref().map(to_value).transpose()?,
    );
    put(
        OptionBlock::Sending,
        b.sending_options.as_ref().map(to_value).transpose()?,
    );
    put(
        OptionBlock::Suppression,
        b.suppression_options.as_ref().map(to_value).transpose()?,
    );
    put(
        OptionBlock::Vdm,
        b.vdm_options.as_ref().map(to_value).transpose()?,
    );
    put(
        OptionBlock::Archiving,
        b.archiving_options.as_ref().map(to_value).transpose()?,
    );
    Ok(out)
}

/// An `EventDestinationDefinition` as the model's rules take it (V2–V5 are checked there).
fn definition(d: EventDestinationDefinition) -> ops::event_destination::Definition {
    use ops::event_destination as e;
    e::Definition {
        enabled: d.enabled,
        matching_event_types: d.matching_event_types,
        sns: d.sns_destination.map(|s| e::SnsDestination {
            topic_arn: s.topic_arn.unwrap_or_default(),
        }),
        firehose: d
            .kinesis_firehose_destination
            .map(|f| e::FirehoseDestination {
                iam_role_arn: f.iam_role_arn.unwrap_or_default(),
                delivery_stream_arn: f.delivery_stream_arn.unwrap_or_default(),
            }),
        cloud_watch: d.cloud_watch_destination.map(|c| e::CloudWatchDestination {
            dimension_configurations: c
                .dimension_configurations
                .unwrap_or_default()
                .into_iter()
                .map(|d| e::Dimension {
                    dimension_name: d.dimension_name.unwrap_or_default(),
                    dimension_value_source: d.dimension_value_source.unwrap_or_default(),
                    default_dimension_value: d.default_dimension_value.unwrap_or_default(),
                })
                .collect(),
        }),
        event_bridge: d
            .event_bridge_destination
            .map(|b| e::EventBridgeDestination {
                event_bus_arn: b.event_bus_arn.unwrap_or_default(),
            }),
        pinpoint: d.pinpoint_destination.map(|p| e::PinpointDestination {
            application_arn: p.application_arn,
        }),
    }
}

/// A suppressed address as `SuppressedDestinationSummary` (epoch seconds).
fn suppressed(e: &ops::suppression::Suppressed) -> Value {
    json!({
        "EmailAddress": e.email_address,
        "Reason": e.reason,
        "LastUpdateTime": epoch_seconds(e.last_update_time),
    })
}

/// A timestamp of a query string: ISO 8601 as botocore and the Go SDK send it, or epoch
/// seconds.
fn timestamp(text: &str) -> Result<jiff::Timestamp> {
    if let Ok(t) = text.parse::<jiff::Timestamp>() {
        return Ok(t);
    }
    text.parse::<f64>()
        .ok()
        .filter(|s| s.is_finite())
        .and_then(|s| jiff::Timestamp::from_millisecond((s * 1000.0) as i64).ok())
        .ok_or_else(|| {
            Error::bad_request(format!(
                "Invalid timestamp '{text}': use ISO 8601 (2026-11-30T10:00:00Z) or epoch seconds."
            ))
        })
}

/// `DkimSigningAttributes` as the model's rules take them.
fn signing_attributes(a: DkimSigningAttributes) -> SigningAttributes {
    SigningAttributes {
        selector: a.domain_signing_selector,
        private_key: a.domain_signing_private_key,
        next_signing_key_length: a.next_signing_key_length,
        domain_origin: a.domain_signing_attributes_origin,
    }
}

/// A timestamp as restJson encodes one: seconds since the epoch.
fn epoch_seconds(t: jiff::Timestamp) -> f64 {
    t.as_millisecond() as f64 / 1000.0
}

/// `NextToken` and `PageSize` from the query string (the GET list routes).
fn query_paging(query: &Query) -> Result<Paging> {
    Ok(Paging {
        next_token: query.get("NextToken").map(str::to_string),
        page_size: query.int("PageSize")?,
    })
}

/// A list operation's `Filter`: only the keys its model names, each a non-empty string.
fn filter(
    filter: Option<std::collections::BTreeMap<String, String>>,
    known: &[&str],
) -> Result<std::collections::BTreeMap<String, String>> {
    let filter = filter.unwrap_or_default();
    for (k, v) in &filter {
        if !known.contains(&k.as_str()) {
            return Err(Error::bad_request(format!(
                "Unknown Filter key '{k}': use {}.",
                known.join(", ")
            )));
        }
        if v.is_empty() {
            return Err(Error::bad_request(format!(
                "Filter {k} must be a non-empty string."
            )));
        }
    }
    Ok(filter)
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
    // SES leaves out a block with nothing in it; hashicorp/aws reads `{}` as a block with
    // max_delivery_seconds = 0 and plans to remove it after every apply.
    if !delivery.is_empty() {
        out.insert("DeliveryOptions".into(), Value::Object(delivery));
    }
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
