//! The SES v1 API (Query protocol, `Version=2010-12-01`): `POST /` with a form body, answered
//! in XML in the `http://ses.amazonaws.com/doc/2010-12-01/` namespace, over the same account and
//! operations as the SESv2 routes. A thin front end: the form (as botocore's `query`
//! serializer flattens it: `Destination.ToAddresses.member.1`) becomes the operations' inputs,
//! their results and errors become v1's XML and codes. Actions sesm does not serve answer a
//! v1 error naming them (400, which SDKs do not retry).

use std::collections::BTreeMap;

use base64::Engine;
use quick_xml::Writer;
use quick_xml::events::{BytesEnd, BytesStart, BytesText, Event};

use super::api::Api;
use super::http::{Request, Response};
use crate::error::{Error, Kind, Result, SesCode};
use crate::model::message::{Body, Simple};
use crate::model::sending::Outgoing;
use crate::ops;

const NAMESPACE: &str = "http://ses.amazonaws.com/doc/2010-12-01/";

/// The actions served, for the log (a `&'static str` per action).
pub const ACTIONS: &[&str] = &[
    "VerifyEmailIdentity",
    "VerifyEmailAddress",
    "VerifyDomainIdentity",
    "VerifyDomainDkim",
    "ListIdentities",
    "ListVerifiedEmailAddresses",
    "DeleteIdentity",
    "DeleteVerifiedEmailAddress",
    "GetIdentityVerificationAttributes",
    "GetIdentityDkimAttributes",
    "GetSendQuota",
    "GetAccountSendingEnabled",
    "UpdateAccountSendingEnabled",
    "CreateConfigurationSet",
    "DeleteConfigurationSet",
    "DescribeConfigurationSet",
    "ListConfigurationSets",
    "SendEmail",
    "SendRawEmail",
    "CreateTemplate",
    "GetTemplate",
    "ListTemplates",
    "UpdateTemplate",
    "DeleteTemplate",
    "TestRenderTemplate",
    "SendTemplatedEmail",
    "SendBulkTemplatedEmail",
    "SetIdentityDkimEnabled",
    "SetIdentityFeedbackForwardingEnabled",
    "SetIdentityMailFromDomain",
    "GetIdentityMailFromDomainAttributes",
    "UpdateConfigurationSetSendingEnabled",
    "UpdateConfigurationSetReputationMetricsEnabled",
    "PutConfigurationSetDeliveryOptions",
    "CreateConfigurationSetEventDestination",
    "UpdateConfigurationSetEventDestination",
    "DeleteConfigurationSetEventDestination",
    "SetIdentityNotificationTopic",
    "SetIdentityHeadersInNotificationsEnabled",
    "GetIdentityNotificationAttributes",
    "GetSendStatistics",
];

/// A v1 request's form: its members by their flattened names.
pub struct Form {
    members: BTreeMap<String, String>,
}

impl Form {
    pub fn parse(body: &[u8]) -> Form {
        Form {
            members: form_urlencoded::parse(body).into_owned().collect(),
        }
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.members.get(name).map(String::as_str)
    }

    fn required(&self, name: &str) -> Result<&str> {
        self.get(name)
            .ok_or_else(|| v1_error("MissingParameter", format!("{name} is required.")))
    }

    /// `Prefix.member.1`, `Prefix.member.2`, … in order.
    fn list(&self, prefix: &str) -> Vec<String> {
        let mut out = Vec::new();
        for i in 1.. {
            match self.get(&format!("{prefix}.member.{i}")) {
                Some(v) => out.push(v.to_string()),
                None => break,
            }
        }
        out
    }
}

/// An error with v1's code (the `Code` of its XML), carried as a BadRequest whose message
/// starts with the code.
pub(super) fn v1_error(code: &str, message: String) -> Error {
    Error::bad_request(format!("{code}\u{0}{message}"))
}

/// XML under construction: `<ActionResponse><ActionResult>…`.
struct Xml {
    w: Writer<Vec<u8>>,
}

impl Xml {
    fn new() -> Xml {
        Xml {
            w: Writer::new(Vec::new()),
        }
    }

    fn open(&mut self, name: &str) {
        let _ = self.w.write_event(Event::Start(BytesStart::new(name)));
    }

    fn open_ns(&mut self, name: &str) {
        let _ = self.w.write_event(Event::Start(
            BytesStart::new(name).with_attributes([("xmlns", NAMESPACE)]),
        ));
    }

    fn close(&mut self, name: &str) {
        let _ = self.w.write_event(Event::End(BytesEnd::new(name)));
    }

    fn text(&mut self, name: &str, text: &str) {
        self.open(name);
        let _ = self.w.write_event(Event::Text(BytesText::new(text)));
        self.close(name);
    }

    fn members(&mut self, name: &str, items: &[String]) {
        self.open(name);
        for i in items {
            self.text("member", i);
        }
        self.close(name);
    }

    fn finish(self) -> Vec<u8> {
        self.w.into_inner()
    }
}

/// A successful answer: the action's result (written by `result`, if the action has one).
fn ok(action: &str, request_id: &str, result: Option<&dyn Fn(&mut Xml)>) -> Response {
    let mut x = Xml::new();
    x.open_ns(&format!("{action}Response"));
    if let Some(result) = result {
        x.open(&format!("{action}Result"));
        result(&mut x);
        x.close(&format!("{action}Result"));
    }
    x.open("ResponseMetadata");
    x.text("RequestId", request_id);
    x.close("ResponseMetadata");
    x.close(&format!("{action}Response"));
    Response::new(200, "text/xml", x.finish())
}

/// v1's error document: `<ErrorResponse><Error><Type>Sender</Type><Code>…`.
pub fn error(e: &Error, action: &str, request_id: &str) -> Response {
    let (code, message, status) = match &e.kind {
        Kind::Ses(SesCode::BadRequest) => match e.message.split_once('\u{0}') {
            Some((code, message)) => (code.to_string(), message.to_string(), 400),
            None if e.message.starts_with("Attribute '") => (
                "MissingRenderingAttribute".to_string(),
                e.message.clone(),
                400,
            ),
            None if e.message.starts_with("Template rendering data") => (
                "InvalidRenderingParameter".to_string(),
                e.message.clone(),
                400,
            ),
            None if e.message.starts_with("Template ") || e.message.contains("Handlebars") => {
                ("InvalidTemplate".to_string(), e.message.clone(), 400)
            }
            None => ("InvalidParameterValue".to_string(), e.message.clone(), 400),
        },
        Kind::Ses(SesCode::MessageRejected) => ("MessageRejected".into(), e.message.clone(), 400),
        Kind::Ses(SesCode::SendingPaused) => {
            let code = if e.message.contains("account") {
                "AccountSendingPausedException"
            } else {
                "ConfigurationSetSendingPausedException"
            };
            (code.into(), e.message.clone(), 400)
        }
        Kind::Ses(SesCode::NotFound) => {
            let code = if e.message.starts_with("Event destination") {
                "EventDestinationDoesNotExist"
            } else if e.message.starts_with("Configuration set") {
                "ConfigurationSetDoesNotExist"
            } else if e.message.starts_with("Template") {
                "TemplateDoesNotExist"
            } else {
                "InvalidParameterValue"
            };
            (code.into(), e.message.clone(), 400)
        }
        Kind::Ses(SesCode::AlreadyExists) => {
            let code = if e.message.starts_with("Event destination") {
                "EventDestinationAlreadyExists"
            } else if e.message.starts_with("Configuration set") {
                "ConfigurationSetAlreadyExists"
            } else {
                "AlreadyExists"
            };
            (code.into(), e.message.clone(), 400)
        }
        Kind::Ses(SesCode::LimitExceeded) => ("LimitExceeded".into(), e.message.clone(), 400),
        Kind::Lock => ("Throttling".into(), e.message.clone(), 400),
        _ => ("InternalFailure".into(), e.message.clone(), 500),
    };
    let _ = action;
    let mut x = Xml::new();
    x.open_ns("ErrorResponse");
    x.open("Error");
    x.text("Type", "Sender");
    x.text("Code", &code);
    x.text("Message", &message);
    x.close("Error");
    x.text("RequestId", request_id);
    x.close("ErrorResponse");
    Response::new(status, "text/xml", x.finish()).header("X-Amzn-ErrorType", &code)
}

/// The name of a v1 action for the log: one of `ACTIONS`, else `SesV1`.
pub fn action_name(action: &str) -> &'static str {
    ACTIONS
        .iter()
        .find(|a| **a == action)
        .copied()
        .unwrap_or("SesV1")
}

impl Api {
    /// Serves one v1 action; `region` from the request's credential scope.
    pub(super) fn v1(&self, req: &Request, form: &Form, region: &str) -> Response {
        let action = form.get("Action").unwrap_or_default().to_string();
        let id = self.request_id();
        match self.v1_action(&action, form, region, &id, req) {
            Ok(r) => r,
            Err(e) => error(&e, &action, &id),
        }
    }

    fn v1_action(
        &self,
        action: &str,
        f: &Form,
        region: &str,
        id: &str,
        _req: &Request,
    ) -> Result<Response> {
        let r = region;
        match action {
            "VerifyEmailIdentity" | "VerifyEmailAddress" => {
                let address = f.required("EmailAddress")?.to_string();
                self.v1_verify(r, &address)?;
                Ok(ok(
                    action,
                    id,
                    (action == "VerifyEmailIdentity").then_some(&|_: &mut Xml| {}),
                ))
            }
            "VerifyDomainIdentity" => {
                let domain = f.required("Domain")?.to_string();
                self.v1_verify(r, &domain)?;
                let token = verification_token(r, &domain);
                Ok(ok(
                    action,
                    id,
                    Some(&|x: &mut Xml| x.text("VerificationToken", &token)),
                ))
            }
            "VerifyDomainDkim" => {
                let domain = f.required("Domain")?.to_string();
                self.v1_verify(r, &domain)?;
                let view = self.read(|s| ops::identity::get(s, r, &domain))?;
                let tokens = view.dkim_attributes.tokens.clone();
                Ok(ok(
                    action,
                    id,
                    Some(&|x: &mut Xml| x.members("DkimTokens", &tokens)),
                ))
            }
            "ListIdentities" | "ListVerifiedEmailAddresses" => {
                let kind = match (action, f.get("IdentityType")) {
                    ("ListVerifiedEmailAddresses", _) | (_, Some("EmailAddress")) => {
                        Some("EMAIL_ADDRESS")
                    }
                    (_, Some("Domain")) => Some("DOMAIN"),
                    (_, None) => None,
                    (_, Some(other)) => {
                        return Err(v1_error(
                            "InvalidParameterValue",
                            format!("Invalid IdentityType {other}: use EmailAddress or Domain."),
                        ));
                    }
                };
                let max = match f.get("MaxItems") {
                    Some(m) => Some(
                        m.parse::<usize>()
                            .ok()
                            .filter(|n| (1..=1000).contains(n))
                            .ok_or_else(|| {
                                v1_error(
                                    "InvalidParameterValue",
                                    format!("Invalid MaxItems {m}: use 1 to 1000."),
                                )
                            })?,
                    ),
                    None => None,
                };
                let after = f.get("NextToken").map(str::to_string);
                let names: Vec<String> = self.read(|s| {
                    Ok(s.region(r)
                        .identities
                        .get()?
                        .keys()
                        .filter(|n| match kind {
                            Some("EMAIL_ADDRESS") => n.contains('@'),
                            Some(_) => !n.contains('@'),
                            None => true,
                        })
                        .cloned()
                        .collect())
                })?;
                let start = match &after {
                    Some(t) => names.iter().position(|n| n > t).unwrap_or(names.len()),
                    None => 0,
                };
                let end = max.map_or(names.len(), |m| (start + m).min(names.len()));
                let page = names[start..end].to_vec();
                let next = (end < names.len()).then(|| names[end - 1].clone());
                if action == "ListVerifiedEmailAddresses" {
                    return Ok(ok(
                        action,
                        id,
                        Some(&|x: &mut Xml| x.members("VerifiedEmailAddresses", &page)),
                    ));
                }
                Ok(ok(
                    action,
                    id,
                    Some(&|x: &mut Xml| {
                        x.members("Identities", &page);
                        if let Some(n) = &next {
                            x.text("NextToken", n);
                        }
                    }),
                ))
            }
            "DeleteIdentity" | "DeleteVerifiedEmailAddress" => {
                let name = match action {
                    "DeleteIdentity" => f.required("Identity")?,
                    _ => f.required("EmailAddress")?,
                }
                .to_string();
                // v1 answers success for an identity it does not have.
                match self.write(|s| ops::identity::delete(s, r, &name)) {
                    Ok(_) => {}
                    Err(e) if e.kind == Kind::Ses(SesCode::NotFound) => {}
                    Err(e) => return Err(e),
                }
                Ok(ok(
                    action,
                    id,
                    (action == "DeleteIdentity").then_some(&|_: &mut Xml| {}),
                ))
            }
            "GetIdentityVerificationAttributes" | "GetIdentityDkimAttributes" => {
                let names = f.list("Identities");
                let mut found = Vec::new();
                for n in &names {
                    if let Ok(v) = self.read(|s| ops::identity::get(s, r, n)) {
                        found.push((n.clone(), v));
                    }
                }
                let dkim = action == "GetIdentityDkimAttributes";
                Ok(ok(
                    action,
                    id,
                    Some(&|x: &mut Xml| {
                        x.open(if dkim {
                            "DkimAttributes"
                        } else {
                            "VerificationAttributes"
                        });
                        for (n, v) in &found {
                            x.open("entry");
                            x.text("key", n);
                            x.open("value");
                            if dkim {
                                x.text(
                                    "DkimEnabled",
                                    if v.dkim_attributes.signing_enabled {
                                        "true"
                                    } else {
                                        "false"
                                    },
                                );
                                let status = if n.contains('@') {
                                    "NotStarted"
                                } else {
                                    "Success"
                                };
                                x.text("DkimVerificationStatus", status);
                                x.members("DkimTokens", &v.dkim_attributes.tokens);
                            } else {
                                x.text("VerificationStatus", "Success");
                                if !n.contains('@') {
                                    x.text("VerificationToken", &verification_token(r, n));
                                }
                            }
                            x.close("value");
                            x.close("entry");
                        }
                        x.close(if dkim {
                            "DkimAttributes"
                        } else {
                            "VerificationAttributes"
                        });
                    }),
                ))
            }
            "GetSendQuota" => {
                let q = self.read(|s| Ok(ops::account::send_quota(s, r)))?;
                Ok(ok(
                    action,
                    id,
                    Some(&|x: &mut Xml| {
                        x.text("Max24HourSend", &format!("{:.1}", q.max_24_hour_send));
                        x.text("MaxSendRate", &format!("{:.1}", q.max_send_rate));
                        x.text("SentLast24Hours", &format!("{:.1}", q.sent_last_24_hours));
                    }),
                ))
            }
            "GetAccountSendingEnabled" => {
                let enabled = self.read(|s| Ok(s.region(r).sending_enabled))?;
                Ok(ok(
                    action,
                    id,
                    Some(&|x: &mut Xml| x.text("Enabled", if enabled { "true" } else { "false" })),
                ))
            }
            "UpdateAccountSendingEnabled" => {
                let enabled = f
                    .get("Enabled")
                    .is_none_or(|v| v.eq_ignore_ascii_case("true"));
                self.write(|s| ops::account::set_sending(s, r, enabled))?;
                Ok(ok(action, id, None))
            }
            "CreateConfigurationSet" => {
                let name = f.required("ConfigurationSet.Name")?.to_string();
                self.write(|s| {
                    ops::config_set::create(
                        s,
                        r,
                        crate::model::config_set::NewConfigSet {
                            name: name.clone(),
                            pool: None,
                            tls_policy: None,
                            max_delivery_seconds: None,
                            tags: Vec::new(),
                            options: Default::default(),
                        },
                    )
                })?;
                Ok(ok(action, id, Some(&|_: &mut Xml| {})))
            }
            "DeleteConfigurationSet" => {
                let name = f.required("ConfigurationSetName")?.to_string();
                self.write(|s| ops::config_set::delete(s, r, &name))?;
                Ok(ok(action, id, Some(&|_: &mut Xml| {})))
            }
            "DescribeConfigurationSet" => {
                let name = f.required("ConfigurationSetName")?.to_string();
                let cs = self.read(|s| ops::config_set::get(s, r, &name))?;
                let wanted = f.list("ConfigurationSetAttributeNames");
                let wants = |a: &str| wanted.iter().any(|w| w == a);
                let destinations = if wants("eventDestinations") {
                    self.read(|s| ops::event_destination::list(s, r, &name))?
                        .event_destinations
                } else {
                    Vec::new()
                };
                let v = serde_json::to_value(&cs).unwrap_or_default();
                Ok(ok(
                    action,
                    id,
                    Some(&|x: &mut Xml| {
                        x.open("ConfigurationSet");
                        x.text("Name", &cs.configuration_set_name);
                        x.close("ConfigurationSet");
                        if wants("eventDestinations") {
                            x.open("EventDestinations");
                            for d in &destinations {
                                let e = &d.destination;
                                x.open("member");
                                x.text("Name", &d.name);
                                x.text("Enabled", if e.enabled { "true" } else { "false" });
                                let types: Vec<String> = e
                                    .matching_event_types
                                    .iter()
                                    .map(|t| v1_event_type(*t))
                                    .collect();
                                x.members("MatchingEventTypes", &types);
                                if let Some(sns) = &e.sns_destination {
                                    x.open("SNSDestination");
                                    x.text("TopicARN", &sns.topic_arn);
                                    x.close("SNSDestination");
                                }
                                if let Some(fh) = &e.kinesis_firehose_destination {
                                    x.open("KinesisFirehoseDestination");
                                    x.text("IAMRoleARN", &fh.iam_role_arn);
                                    x.text("DeliveryStreamARN", &fh.delivery_stream_arn);
                                    x.close("KinesisFirehoseDestination");
                                }
                                if let Some(cw) = &e.cloud_watch_destination {
                                    x.open("CloudWatchDestination");
                                    x.open("DimensionConfigurations");
                                    for dim in &cw.dimension_configurations {
                                        x.open("member");
                                        x.text("DimensionName", &dim.dimension_name);
                                        let source = match dim.dimension_value_source.as_str() {
                                            "MESSAGE_TAG" => "messageTag",
                                            "EMAIL_HEADER" => "emailHeader",
                                            _ => "linkTag",
                                        };
                                        x.text("DimensionValueSource", source);
                                        x.text(
                                            "DefaultDimensionValue",
                                            &dim.default_dimension_value,
                                        );
                                        x.close("member");
                                    }
                                    x.close("DimensionConfigurations");
                                    x.close("CloudWatchDestination");
                                }
                                x.close("member");
                            }
                            x.close("EventDestinations");
                        }
                        if wants("deliveryOptions") {
                            x.open("DeliveryOptions");
                            if let Some(t) = v["DeliveryOptions"]
                                .get("TlsPolicy")
                                .and_then(|v| v.as_str())
                            {
                                x.text("TlsPolicy", &capitalize(t));
                            }
                            x.close("DeliveryOptions");
                        }
                        if wants("reputationOptions") {
                            let rep = &v["ReputationOptions"];
                            let sending = v["SendingOptions"]["SendingEnabled"]
                                .as_bool()
                                .unwrap_or(true);
                            let metrics =
                                rep["ReputationMetricsEnabled"].as_bool().unwrap_or(false);
                            x.open("ReputationOptions");
                            x.text("SendingEnabled", if sending { "true" } else { "false" });
                            x.text(
                                "ReputationMetricsEnabled",
                                if metrics { "true" } else { "false" },
                            );
                            x.close("ReputationOptions");
                        }
                    }),
                ))
            }
            "ListConfigurationSets" => {
                let names: Vec<String> = self.read(|s| {
                    Ok(s.region(r)
                        .configuration_sets
                        .get()?
                        .keys()
                        .cloned()
                        .collect())
                })?;
                Ok(ok(
                    action,
                    id,
                    Some(&|x: &mut Xml| {
                        x.open("ConfigurationSets");
                        for n in &names {
                            x.open("member");
                            x.text("Name", n);
                            x.close("member");
                        }
                        x.close("ConfigurationSets");
                    }),
                ))
            }
            "SendEmail" => {
                let msg = simple_message(f)?;
                let message_id = self.send_message(r, &msg)?;
                Ok(ok(
                    action,
                    id,
                    Some(&|x: &mut Xml| x.text("MessageId", &message_id)),
                ))
            }
            "SendRawEmail" => {
                let msg = raw_message(f)?;
                let message_id = self.send_message(r, &msg)?;
                Ok(ok(
                    action,
                    id,
                    Some(&|x: &mut Xml| x.text("MessageId", &message_id)),
                ))
            }
            "CreateTemplate" | "UpdateTemplate" => {
                let name = f.required("Template.TemplateName")?.to_string();
                let content = crate::model::template::TemplateContent {
                    subject: f.get("Template.SubjectPart").map(str::to_string),
                    text: f.get("Template.TextPart").map(str::to_string),
                    html: f.get("Template.HtmlPart").map(str::to_string),
                };
                if action == "CreateTemplate" {
                    let now = jiff::Timestamp::now();
                    self.write(|s| ops::template::create(s, r, &name, content, &[], now))?;
                } else {
                    self.write(|s| ops::template::update(s, r, &name, content))?;
                }
                Ok(ok(action, id, Some(&|_: &mut Xml| {})))
            }
            "GetTemplate" => {
                let name = f.required("TemplateName")?.to_string();
                let t = self.read(|s| ops::template::get(s, r, &name))?;
                Ok(ok(
                    action,
                    id,
                    Some(&|x: &mut Xml| {
                        x.open("Template");
                        x.text("TemplateName", &t.template_name);
                        let c = &t.template_content;
                        for (tag, part) in [
                            ("SubjectPart", &c.subject),
                            ("TextPart", &c.text),
                            ("HtmlPart", &c.html),
                        ] {
                            if let Some(p) = part {
                                x.text(tag, p);
                            }
                        }
                        x.close("Template");
                    }),
                ))
            }
            "ListTemplates" => {
                let page_size = match f.get("MaxItems") {
                    Some(m) => Some(
                        m.parse::<i64>()
                            .ok()
                            .filter(|n| (1..=100).contains(n))
                            .ok_or_else(|| {
                                v1_error(
                                    "InvalidParameterValue",
                                    format!("Invalid MaxItems {m}: use 1 to 100."),
                                )
                            })?,
                    ),
                    None => None,
                };
                let paging = ops::Paging {
                    page_size,
                    next_token: f.get("NextToken").map(str::to_string),
                };
                let list = self.read(|s| ops::template::list(s, r, &paging))?;
                Ok(ok(
                    action,
                    id,
                    Some(&|x: &mut Xml| {
                        x.open("TemplatesMetadata");
                        for m in &list.templates_metadata {
                            x.open("member");
                            x.text("Name", &m.template_name);
                            x.text(
                                "CreatedTimestamp",
                                &m.created_timestamp
                                    .strftime("%Y-%m-%dT%H:%M:%S%.3fZ")
                                    .to_string(),
                            );
                            x.close("member");
                        }
                        x.close("TemplatesMetadata");
                        if let Some(n) = &list.next_token {
                            x.text("NextToken", n);
                        }
                    }),
                ))
            }
            "DeleteTemplate" => {
                let name = f.required("TemplateName")?.to_string();
                // v1 deletes a template that is not there without an error.
                match self.write(|s| ops::template::delete(s, r, &name)) {
                    Ok(_) => {}
                    Err(e) if e.kind == Kind::Ses(SesCode::NotFound) => {}
                    Err(e) => return Err(e),
                }
                Ok(ok(action, id, Some(&|_: &mut Xml| {})))
            }
            "TestRenderTemplate" => {
                let name = f.required("TemplateName")?.to_string();
                let data = f.required("TemplateData")?.to_string();
                let rendered = self.read(|s| ops::template::test_render(s, r, &name, &data))?;
                Ok(ok(
                    action,
                    id,
                    Some(&|x: &mut Xml| x.text("RenderedTemplate", &rendered)),
                ))
            }
            "SendTemplatedEmail" => {
                let tags = check_tags(f)?;
                let msg = Outgoing {
                    tags,
                    from: f.required("Source")?.to_string(),
                    to: f.list("Destination.ToAddresses"),
                    cc: f.list("Destination.CcAddresses"),
                    bcc: f.list("Destination.BccAddresses"),
                    config_set: f.get("ConfigurationSetName").map(str::to_string),
                    count: 1,
                    body: Body::Simple(std::sync::Arc::new(Simple {
                        reply_to: f.list("ReplyToAddresses"),
                        ..Simple::default()
                    })),
                    ..Outgoing::default()
                };
                let template = ops::template::TemplateUse {
                    name: f.get("Template").map(str::to_string),
                    arn: f.get("TemplateArn").map(str::to_string),
                    content: None,
                    data: Some(f.required("TemplateData")?.to_string()),
                };
                if template.name.is_none() && template.arn.is_none() {
                    return Err(v1_error("MissingParameter", "Template is required.".into()));
                }
                let now = jiff::Timestamp::now();
                let message_id = self.send(|s| {
                    ops::template::send(s, r, &msg, &template, now)
                        .map(|(sent, reply)| (sent, reply.message_id))
                })?;
                Ok(ok(
                    action,
                    id,
                    Some(&|x: &mut Xml| x.text("MessageId", &message_id)),
                ))
            }
            "SendBulkTemplatedEmail" => {
                let msg = Outgoing {
                    from: f.required("Source")?.to_string(),
                    config_set: f.get("ConfigurationSetName").map(str::to_string),
                    count: 1,
                    body: Body::Simple(std::sync::Arc::new(Simple {
                        reply_to: f.list("ReplyToAddresses"),
                        ..Simple::default()
                    })),
                    ..Outgoing::default()
                };
                let template = ops::template::TemplateUse {
                    name: f.get("Template").map(str::to_string),
                    arn: f.get("TemplateArn").map(str::to_string),
                    content: None,
                    data: Some(f.required("DefaultTemplateData")?.to_string()),
                };
                let mut entries = Vec::new();
                for i in 1.. {
                    let p = format!("Destinations.member.{i}");
                    let to = f.list(&format!("{p}.Destination.ToAddresses"));
                    let cc = f.list(&format!("{p}.Destination.CcAddresses"));
                    let bcc = f.list(&format!("{p}.Destination.BccAddresses"));
                    let data = f
                        .get(&format!("{p}.ReplacementTemplateData"))
                        .map(str::to_string);
                    if to.is_empty() && cc.is_empty() && bcc.is_empty() && data.is_none() {
                        break;
                    }
                    entries.push(((to, cc, bcc), data));
                }
                let now = jiff::Timestamp::now();
                let results =
                    self.send(|s| ops::template::send_bulk(s, r, &msg, &template, &entries, now))?;
                Ok(ok(
                    action,
                    id,
                    Some(&|x: &mut Xml| {
                        x.open("Status");
                        for res in &results {
                            x.open("member");
                            let status = match res.status {
                                "SUCCESS" => "Success",
                                "ACCOUNT_SENDING_PAUSED" => "AccountSendingPaused",
                                "CONFIGURATION_SET_SENDING_PAUSED" => {
                                    "ConfigurationSetSendingPaused"
                                }
                                _ => "InvalidParameterValue",
                            };
                            x.text("Status", status);
                            if let Some(e) = &res.error {
                                x.text("Error", e);
                            }
                            if let Some(m) = &res.message_id {
                                x.text("MessageId", m);
                            }
                            x.close("member");
                        }
                        x.close("Status");
                    }),
                ))
            }
            "SetIdentityDkimEnabled" => {
                let name = f.required("Identity")?.to_string();
                let enabled = parse_bool(f.required("DkimEnabled")?)?;
                self.write(|s| ops::identity::set_dkim_enabled(s, r, &name, enabled))?;
                Ok(ok(action, id, Some(&|_: &mut Xml| {})))
            }
            "SetIdentityFeedbackForwardingEnabled" => {
                let name = f.required("Identity")?.to_string();
                let enabled = parse_bool(f.required("ForwardingEnabled")?)?;
                self.write(|s| ops::identity::set_feedback(s, r, &name, enabled))?;
                Ok(ok(action, id, Some(&|_: &mut Xml| {})))
            }
            "SetIdentityMailFromDomain" => {
                let name = f.required("Identity")?.to_string();
                let domain = f
                    .get("MailFromDomain")
                    .filter(|d| !d.is_empty())
                    .map(str::to_string);
                let behavior = match f.get("BehaviorOnMXFailure") {
                    None => None,
                    Some("UseDefaultValue") => {
                        Some(crate::model::identity::BehaviorOnMxFailure::UseDefaultValue)
                    }
                    Some("RejectMessage") => {
                        Some(crate::model::identity::BehaviorOnMxFailure::RejectMessage)
                    }
                    Some(other) => {
                        return Err(v1_error(
                            "InvalidParameterValue",
                            format!(
                                "Invalid BehaviorOnMXFailure {other}: use UseDefaultValue or RejectMessage."
                            ),
                        ));
                    }
                };
                self.write(|s| {
                    ops::identity::set_mail_from(s, r, &name, domain.as_deref(), behavior)
                })?;
                Ok(ok(action, id, Some(&|_: &mut Xml| {})))
            }
            "GetIdentityMailFromDomainAttributes" => {
                let mut found = Vec::new();
                for n in f.list("Identities") {
                    if let Ok(v) = self.read(|s| ops::identity::get(s, r, &n)) {
                        found.push((n, v.mail_from_attributes));
                    }
                }
                Ok(ok(
                    action,
                    id,
                    Some(&|x: &mut Xml| {
                        x.open("MailFromDomainAttributes");
                        for (n, m) in &found {
                            x.open("entry");
                            x.text("key", n);
                            x.open("value");
                            if let Some(d) = &m.mail_from_domain {
                                x.text("MailFromDomain", d);
                                x.text("MailFromDomainStatus", "Success");
                            }
                            let behavior = match m.behavior_on_mx_failure {
                                crate::model::identity::BehaviorOnMxFailure::UseDefaultValue => {
                                    "UseDefaultValue"
                                }
                                crate::model::identity::BehaviorOnMxFailure::RejectMessage => {
                                    "RejectMessage"
                                }
                            };
                            x.text("BehaviorOnMXFailure", behavior);
                            x.close("value");
                            x.close("entry");
                        }
                        x.close("MailFromDomainAttributes");
                    }),
                ))
            }
            "UpdateConfigurationSetSendingEnabled"
            | "UpdateConfigurationSetReputationMetricsEnabled" => {
                let name = f.required("ConfigurationSetName")?.to_string();
                let enabled = parse_bool(f.required("Enabled")?)?;
                let (block, member) = if action == "UpdateConfigurationSetSendingEnabled" {
                    (
                        crate::model::config_set::OptionBlock::Sending,
                        "SendingEnabled",
                    )
                } else {
                    (
                        crate::model::config_set::OptionBlock::Reputation,
                        "ReputationMetricsEnabled",
                    )
                };
                self.write(|s| {
                    let current = ops::config_set::get(s, r, &name)?;
                    let mut value = serde_json::to_value(&current)
                        .ok()
                        .and_then(|v| v.get(block.member()).cloned())
                        .unwrap_or_else(|| serde_json::json!({}));
                    value[member] = serde_json::json!(enabled);
                    ops::config_set::put_option_block(s, r, &name, block, Some(value))
                })?;
                Ok(ok(action, id, None))
            }
            "PutConfigurationSetDeliveryOptions" => {
                let name = f.required("ConfigurationSetName")?.to_string();
                let tls = match f.get("DeliveryOptions.TlsPolicy") {
                    None => None,
                    Some("Require") => Some(crate::model::TlsPolicy::Require),
                    Some("Optional") => Some(crate::model::TlsPolicy::Optional),
                    Some(other) => {
                        return Err(v1_error(
                            "InvalidParameterValue",
                            format!("Invalid TlsPolicy {other}: use Require or Optional."),
                        ));
                    }
                };
                self.write(|s| {
                    ops::config_set::put_delivery_options(
                        s,
                        r,
                        &name,
                        crate::model::config_set::DeliveryChange {
                            tls_policy: crate::model::config_set::Change::replace(tls),
                            ..Default::default()
                        },
                    )
                })?;
                Ok(ok(action, id, Some(&|_: &mut Xml| {})))
            }
            "CreateConfigurationSetEventDestination" | "UpdateConfigurationSetEventDestination" => {
                let set = f.required("ConfigurationSetName")?.to_string();
                let name = f.required("EventDestination.Name")?.to_string();
                let def = destination_definition(f)?;
                if action == "CreateConfigurationSetEventDestination" {
                    self.write(|s| ops::event_destination::create(s, r, &set, &name, def))?;
                } else {
                    self.write(|s| ops::event_destination::update(s, r, &set, &name, def))?;
                }
                Ok(ok(action, id, Some(&|_: &mut Xml| {})))
            }
            "DeleteConfigurationSetEventDestination" => {
                let set = f.required("ConfigurationSetName")?.to_string();
                let name = f.required("EventDestinationName")?.to_string();
                self.write(|s| ops::event_destination::delete(s, r, &set, &name))?;
                Ok(ok(action, id, Some(&|_: &mut Xml| {})))
            }
            "SetIdentityNotificationTopic" => {
                let name = f.required("Identity")?.to_string();
                let kind = f.required("NotificationType")?.to_string();
                let topic = f
                    .get("SnsTopic")
                    .filter(|t| !t.is_empty())
                    .map(str::to_string);
                self.write(|s| {
                    s.region_mut(r)
                        .set_notification_topic(&name, &kind, topic.as_deref())
                })?;
                Ok(ok(action, id, Some(&|_: &mut Xml| {})))
            }
            "SetIdentityHeadersInNotificationsEnabled" => {
                let name = f.required("Identity")?.to_string();
                let kind = f.required("NotificationType")?.to_string();
                let enabled = parse_bool(f.required("Enabled")?)?;
                self.write(|s| {
                    s.region_mut(r)
                        .set_headers_in_notifications(&name, &kind, enabled)
                })?;
                Ok(ok(action, id, Some(&|_: &mut Xml| {})))
            }
            "GetIdentityNotificationAttributes" => {
                let mut found = Vec::new();
                for n in f.list("Identities") {
                    if let Ok((_, identity)) = self.read(|s| s.region(r).existing_identity(&n)) {
                        found.push((n, identity));
                    }
                }
                Ok(ok(
                    action,
                    id,
                    Some(&|x: &mut Xml| {
                        x.open("NotificationAttributes");
                        for (n, identity) in &found {
                            x.open("entry");
                            x.text("key", n);
                            x.open("value");
                            for kind in crate::model::identity::NOTIFICATION_TYPES {
                                if let Some(t) = identity.notification_topics.get(kind) {
                                    x.text(&format!("{kind}Topic"), t);
                                }
                            }
                            let forwarding = identity.feedback_forwarding.unwrap_or(true);
                            x.text(
                                "ForwardingEnabled",
                                if forwarding { "true" } else { "false" },
                            );
                            for kind in crate::model::identity::NOTIFICATION_TYPES {
                                let on = identity
                                    .headers_in_notifications
                                    .get(kind)
                                    .copied()
                                    .unwrap_or(false);
                                x.text(
                                    &format!("HeadersIn{kind}NotificationsEnabled"),
                                    if on { "true" } else { "false" },
                                );
                            }
                            x.close("value");
                            x.close("entry");
                        }
                        x.close("NotificationAttributes");
                    }),
                ))
            }
            "GetSendStatistics" => {
                // One data point per simulated day of the last two weeks: the mail the region's
                // pools sent that day, and the bounces and complaints published for it.
                let points = self.read(|s| {
                    let region = s.region(r);
                    let mut days: BTreeMap<jiff::civil::Date, (u64, u64, u64)> = BTreeMap::new();
                    for stored in region.metrics.get()?.values() {
                        let m = stored.series();
                        for (i, d) in m.dates.iter().enumerate() {
                            let sent: u64 = m.isps.values().map(|c| c.day(i).sent()).sum();
                            days.entry(*d).or_default().0 += sent;
                        }
                    }
                    let from = s
                        .date
                        .checked_sub(jiff::Span::new().days(14))
                        .unwrap_or(s.date);
                    Ok(days
                        .into_iter()
                        .filter(|(d, _)| *d >= from)
                        .collect::<Vec<_>>())
                })?;
                let events = self.live().store().read_events(0).unwrap_or_default();
                Ok(ok(
                    action,
                    id,
                    Some(&|x: &mut Xml| {
                        x.open("SendDataPoints");
                        for (date, (sent, _, _)) in &points {
                            let count = |t: &str| {
                                events
                                    .iter()
                                    .filter(|e| {
                                        e.region == r && e.date == *date && e.event_type == t
                                    })
                                    .count()
                            };
                            x.open("member");
                            x.text("Timestamp", &format!("{date}T00:00:00Z"));
                            x.text("DeliveryAttempts", &sent.to_string());
                            x.text("Bounces", &count("Bounce").to_string());
                            x.text("Complaints", &count("Complaint").to_string());
                            x.text("Rejects", "0");
                            x.close("member");
                        }
                        x.close("SendDataPoints");
                    }),
                ))
            }
            "" => Err(v1_error(
                "MissingAction",
                "The request names no Action.".into(),
            )),
            other => Err(v1_error(
                "InvalidAction",
                format!(
                    "sesm does not serve the SES v1 action {other}; it serves {}.",
                    ACTIONS.join(", ")
                ),
            )),
        }
    }

    /// v1's Verify* actions: the identity is created (verified at once, as sesm's are); one
    /// that exists already is left as it is, as SES answers a repeated verification.
    fn v1_verify(&self, region: &str, name: &str) -> Result<()> {
        match self.write(|s| ops::identity::create(s, region, name, None, &[], None)) {
            Ok(_) => Ok(()),
            Err(e) if e.kind == Kind::Ses(SesCode::AlreadyExists) => Ok(()),
            Err(e) => Err(e),
        }
    }
}

/// A domain's verification token (the TXT record's value): stable per region and domain.
fn verification_token(region: &str, domain: &str) -> String {
    use sha2::{Digest, Sha256};
    let h = Sha256::digest(format!("verify/{region}/{}", domain.to_ascii_lowercase()).as_bytes());
    base64::engine::general_purpose::STANDARD.encode(&h[..30])
}

/// v1's `EventDestination` as the model's definition: event types (`send`, `renderingFailure`,
/// …) and dimension sources (`messageTag`, …) in v1's spelling become SESv2's.
fn destination_definition(f: &Form) -> Result<crate::model::event::Definition> {
    use crate::model::event::{
        CloudWatchDestination, Definition, Dimension, FirehoseDestination, SnsDestination,
    };
    let upper = |v: &str| -> String {
        let mut out = String::new();
        for c in v.chars() {
            if c.is_ascii_uppercase() {
                out.push('_');
            }
            out.push(c.to_ascii_uppercase());
        }
        out
    };
    let p = "EventDestination";
    let types = f.list(&format!("{p}.MatchingEventTypes"));
    let mut dimensions = Vec::new();
    for i in 1.. {
        let d = format!("{p}.CloudWatchDestination.DimensionConfigurations.member.{i}");
        let Some(name) = f.get(&format!("{d}.DimensionName")) else {
            break;
        };
        dimensions.push(Dimension {
            dimension_name: name.to_string(),
            dimension_value_source: upper(
                f.get(&format!("{d}.DimensionValueSource"))
                    .unwrap_or_default(),
            ),
            default_dimension_value: f
                .get(&format!("{d}.DefaultDimensionValue"))
                .unwrap_or_default()
                .to_string(),
        });
    }
    let firehose = match (
        f.get(&format!("{p}.KinesisFirehoseDestination.IAMRoleARN")),
        f.get(&format!("{p}.KinesisFirehoseDestination.DeliveryStreamARN")),
    ) {
        (None, None) => None,
        (role, stream) => Some(FirehoseDestination {
            iam_role_arn: role.unwrap_or_default().to_string(),
            delivery_stream_arn: stream.unwrap_or_default().to_string(),
        }),
    };
    Ok(Definition {
        enabled: Some(f.get(&format!("{p}.Enabled")).is_some_and(|v| v == "true")),
        matching_event_types: Some(types.iter().map(|t| upper(t)).collect()),
        sns: f
            .get(&format!("{p}.SNSDestination.TopicARN"))
            .map(|t| SnsDestination {
                topic_arn: t.to_string(),
            }),
        firehose,
        cloud_watch: (!dimensions.is_empty()).then_some(CloudWatchDestination {
            dimension_configurations: dimensions,
        }),
        event_bridge: None,
        pinpoint: None,
    })
}

/// v1's spelling of an event type (`send`, `renderingFailure`, `deliveryDelay`).
fn v1_event_type(t: crate::model::event::EventType) -> String {
    let mut out = String::new();
    let mut upper = false;
    for c in t.as_str().chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.push(c);
            upper = false;
        } else {
            out.push(c.to_ascii_lowercase());
        }
    }
    out
}

/// A v1 boolean member (`true` / `false`).
fn parse_bool(v: &str) -> Result<bool> {
    match v {
        "true" => Ok(true),
        "false" => Ok(false),
        other => Err(v1_error(
            "InvalidParameterValue",
            format!("'{other}' is not a boolean: use true or false."),
        )),
    }
}

fn capitalize(s: &str) -> String {
    let lower = s.to_ascii_lowercase();
    let mut c = lower.chars();
    c.next()
        .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
        .unwrap_or_default()
}

/// The tags of a v1 send (`Tags.member.N.Name/Value`), checked as SESv2 checks `EmailTags`.
fn check_tags(f: &Form) -> Result<Vec<(String, String)>> {
    let mut out = Vec::new();
    for i in 1.. {
        let Some(name) = f.get(&format!("Tags.member.{i}.Name")) else {
            break;
        };
        let value = f.get(&format!("Tags.member.{i}.Value")).unwrap_or_default();
        for (what, text) in [("name", name), ("value", value)] {
            if !crate::model::names::is_simple_name(text, 256) {
                return Err(v1_error(
                    "InvalidParameterValue",
                    format!(
                        "Invalid tag {what} <{text}>: only alphanumeric ASCII characters, '_', and '-' are allowed."
                    ),
                ));
            }
        }
        out.push((name.to_string(), value.to_string()));
    }
    Ok(out)
}

/// SendEmail's form as the message to send.
fn simple_message(f: &Form) -> Result<Outgoing> {
    let tags = check_tags(f)?;
    let from = f.required("Source")?.to_string();
    let subject = f.get("Message.Subject.Data").map(str::to_string);
    if subject.is_none() {
        return Err(v1_error(
            "MissingParameter",
            "Message.Subject is required.".into(),
        ));
    }
    let body = Simple {
        subject: subject.clone(),
        text: f.get("Message.Body.Text.Data").map(str::to_string),
        html: f.get("Message.Body.Html.Data").map(str::to_string),
        reply_to: f.list("ReplyToAddresses"),
        ..Simple::default()
    };
    Ok(Outgoing {
        from,
        to: f.list("Destination.ToAddresses"),
        cc: f.list("Destination.CcAddresses"),
        bcc: f.list("Destination.BccAddresses"),
        subject,
        config_set: f.get("ConfigurationSetName").map(str::to_string),
        header_config_set: None,
        other_senders: Vec::new(),
        count: 1,
        body: Body::Simple(std::sync::Arc::new(body)),
        tags,
    })
}

/// SendRawEmail's form: the message (base64), `Source` and `Destinations` when given, else
/// the message's own From and recipients.
fn raw_message(f: &Form) -> Result<Outgoing> {
    let mut tags = check_tags(f)?;
    let data = f.required("RawMessage.Data")?;
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(data.trim())
        .map_err(|e| {
            v1_error(
                "InvalidParameterValue",
                format!("RawMessage.Data is not base64: {e}."),
            )
        })?;
    let destinations = f.list("Destinations");
    let h = ops::message::read_raw(&bytes, destinations.is_empty())?;
    let (to, cc, bcc) = match (h.recipients, h.addressed) {
        (Some(r), _) => r,
        (None, Some((header_to, header_cc))) => {
            ops::message::as_addressed(destinations, &header_to, &header_cc)
        }
        (None, None) => (destinations, Vec::new(), Vec::new()),
    };
    let (from, mut other_senders) = match f.get("Source") {
        Some(source) => (source.to_string(), h.from),
        None => {
            let mut from = h.from.into_iter();
            let first = from.next().ok_or_else(|| {
                v1_error(
                    "InvalidParameterValue",
                    "The message has no From header and the request no Source.".into(),
                )
            })?;
            (first, from.collect())
        }
    };
    other_senders.extend(h.senders);
    tags.extend(h.tags);
    Ok(Outgoing {
        from,
        to,
        cc,
        bcc,
        subject: h.subject,
        config_set: f.get("ConfigurationSetName").map(str::to_string),
        header_config_set: h.config_set,
        other_senders,
        count: 1,
        body: Body::Raw(std::sync::Arc::new(bytes)),
        tags,
    })
}
