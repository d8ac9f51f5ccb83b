//! Sending: SendEmail and SendBulkEmail. Who sends, to whom, with what subject, from Simple,
//! Raw (a MIME message, base64 in the JSON) or Template content (stored, by name or ARN, or
//! inline), which `ops::template` looks up and renders against the account; and SESv2's
//! checks of the content itself.

use std::sync::Arc;

use base64::Engine;

use super::Call;
use super::shapes::{
    Attachment, BulkEmailEntryResult, Destination, MessageHeader, MessageTag, SendBulkEmailBody,
    SendBulkEmailResponse, SendEmailBody, SendEmailResponse, Template,
};
use super::templates::content;
use crate::error::{Error, Result};
use crate::model;
use crate::model::message::{Body, Simple};
use crate::model::sending::{Authorization, Content, ListManagement, Outgoing, SendCall};
use crate::ops;
use crate::ops::message::{self, RawEnvelope, Recipients};
use crate::ops::template::{BulkEntry, TemplateUse};
use crate::server::api::Api;
use crate::server::http::{Response, json};

pub fn send_email(api: &Api, c: &Call) -> Result<Response> {
    let b: SendEmailBody = c.body()?;
    let list = b.list_management_options.clone().map(|l| ListManagement {
        list: l.contact_list_name.unwrap_or_default(),
        topic: l.topic_name,
        links_base: api.links_base().to_string(),
    });
    let auth = Authorization {
        caller: c.caller.clone(),
        action: "ses:SendEmail",
        from_arn: b.from_email_address_identity_arn.clone(),
        return_path_arn: b.feedback_forwarding_email_address_identity_arn.clone(),
        return_path: b.feedback_forwarding_email_address.clone(),
        ..Authorization::default()
    };
    let (tenant, endpoint) = (b.tenant_name.clone(), b.endpoint_id.clone());
    let (mut msg, template) = outgoing(b)?;
    msg.tenant = tenant;
    msg.endpoint = endpoint;
    if auth.from_arn.is_some() || auth.return_path_arn.is_some() {
        let action = match (&template, &msg.body) {
            (Some(_), _) => "ses:SendTemplatedEmail",
            (None, Body::Raw(_)) => "ses:SendRawEmail",
            (None, Body::Simple(_)) => "ses:SendEmail",
        };
        msg.authorization = Some(Authorization { action, ..auth });
    }
    msg.list_management = list;
    let now = jiff::Timestamp::now();
    let sent = api.send(|s| {
        let region = routed_region(s, &c.region, &msg)?;
        match &template {
            Some(t) => ops::template::send(s, &region, &msg, t, now),
            None => ops::send::send(s, &region, &msg, now),
        }
    })?;
    if let Some(l) = &msg.list_management {
        // SES adds a recipient the list lacks to it. The message is sent already: a failure
        // here (the lock not obtained) leaves the list as it was and the send answered.
        let recipients: Vec<String> = msg
            .to
            .iter()
            .chain(&msg.cc)
            .chain(&msg.bcc)
            .cloned()
            .collect();
        let _ = api
            .write(|s| ops::contact_list::ensure_contacts(s, &c.region, &l.list, &recipients, now));
    }
    Ok(json(&SendEmailResponse {
        message_id: Some(sent.message_id),
    }))
}

pub fn send_bulk_email(api: &Api, c: &Call) -> Result<Response> {
    let b: SendBulkEmailBody = c.body()?;
    let (tenant, endpoint) = (b.tenant_name.clone(), b.endpoint_id.clone());
    let (mut shared, template, entries) = bulk(b, c.caller.clone())?;
    shared.tenant = tenant;
    shared.endpoint = endpoint;
    let now = jiff::Timestamp::now();
    let results = api.send(|s| {
        let region = routed_region(s, &c.region, &shared)?;
        ops::template::send_bulk(s, &region, &shared, &template, &entries, now)
    })?;
    let results = results
        .into_iter()
        .map(|r| BulkEmailEntryResult {
            status: Some(r.status.to_string()),
            error: r.error,
            message_id: r.message_id,
        })
        .collect();
    Ok(json(&SendBulkEmailResponse {
        bulk_email_entry_results: Some(results),
    }))
}

/// The region a send goes to: the call's, or, through a multi-region endpoint (`EndpointId`),
/// the one the endpoint routes the account's next message to (G4, G5).
fn routed_region(s: &model::State, called: &str, msg: &Outgoing) -> Result<String> {
    match &msg.endpoint {
        Some(id) => ops::multi_region::route(s, id, s.sent_seq + 1),
        None => Ok(called.to_string()),
    }
}

/// `Destination`: To, Cc and Bcc lists.
fn destination(d: Option<Destination>) -> Recipients {
    let d = d.unwrap_or_default();
    (
        d.to_addresses.unwrap_or_default(),
        d.cc_addresses.unwrap_or_default(),
        d.bcc_addresses.unwrap_or_default(),
    )
}

/// `Template` content: the template to render, and its data.
fn template_use(t: Template) -> TemplateUse {
    TemplateUse {
        name: t.template_name,
        arn: t.template_arn,
        content: t.template_content.map(content),
        data: t.template_data,
    }
}

/// `MessageTag`s as pairs (their rule is the send's: `model::tags::check_message_tags`).
fn tag_pairs(tags: Option<&Vec<MessageTag>>) -> Vec<(String, String)> {
    tags.into_iter()
        .flatten()
        .map(|t| {
            (
                t.name.clone().unwrap_or_default(),
                t.value.clone().unwrap_or_default(),
            )
        })
        .collect()
}

/// Addresses SES takes: a 7-bit local part and a domain in ASCII (Punycode for an
/// internationalised one), as the `Destination` shape of SESv2's model says; a display name
/// outside ASCII must be an RFC 2047 encoded-word.
fn check_ascii_address(raw: &str, what: &str) -> Result<()> {
    if !raw.is_ascii() {
        return Err(Error::bad_request(format!(
            "Invalid {what} address '{raw}': SES takes 7-bit ASCII addresses (encode a non-ASCII domain in Punycode and a display name as an RFC 2047 encoded-word)."
        )));
    }
    Ok(())
}

/// A base64 member of the request (`Raw.Data`, an attachment's `RawContent`), decoded.
fn base64_member(data: Option<&str>, member: &str) -> Result<Vec<u8>> {
    base64::engine::general_purpose::STANDARD
        .decode(data.unwrap_or_default().trim())
        .map_err(|e| Error::bad_request(format!("{member} is not base64: {e}.")))
}

/// SESv2's `Headers` and `Attachments` members, and the reply-to addresses, as Simple
/// content's (the text parts filled in by the caller, or by the template's rendering).
fn simple_extras(
    reply_to: &[String],
    headers: Option<Vec<MessageHeader>>,
    attachments: Option<Vec<Attachment>>,
) -> Result<Simple> {
    let headers = headers
        .unwrap_or_default()
        .into_iter()
        .map(|h| (h.name.unwrap_or_default(), h.value.unwrap_or_default()))
        .collect();
    let attachments = attachments
        .unwrap_or_default()
        .into_iter()
        .map(|a| {
            Ok(model::message::Attachment {
                data: base64_member(a.raw_content.as_deref(), "An attachment's RawContent")?,
                file_name: a.file_name.unwrap_or_default(),
                content_type: a.content_type,
                disposition: a
                    .content_disposition
                    .as_deref()
                    .map(message::disposition)
                    .transpose()?
                    .unwrap_or_default(),
                content_id: a.content_id,
                description: a.content_description,
                encoding: a
                    .content_transfer_encoding
                    .as_deref()
                    .map(message::transfer_encoding)
                    .transpose()?
                    .unwrap_or_default(),
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let s = Simple {
        reply_to: reply_to.to_vec(),
        headers,
        attachments,
        ..Simple::default()
    };
    message::check_simple(&s)?;
    Ok(s)
}

/// SendEmail's request as the message to send, after SESv2's checks of its content, and its
/// template when its content is one (the subject is then the rendered template's).
pub(super) fn outgoing(body: SendEmailBody) -> Result<(Outgoing, Option<TemplateUse>)> {
    let content = body.content.unwrap_or_default();
    let kinds = [
        content.simple.is_some(),
        content.raw.is_some(),
        content.template.is_some(),
    ];
    if kinds.iter().filter(|k| **k).count() > 1 {
        return Err(Error::bad_request(
            "Content takes one of Simple, Raw or Template, not several.",
        ));
    }
    let tags = tag_pairs(body.email_tags.as_ref());
    for r in body.reply_to_addresses.iter().flatten() {
        crate::model::sending::check_address(r, "Reply-To")?;
        check_ascii_address(r, "Reply-To")?;
    }
    if let Some(arn) = &body.from_email_address_identity_arn {
        let parsed = crate::model::arn::parse(arn, "us-east-1", "000000000000");
        if !arn.starts_with("arn:")
            || !parsed.is_ok_and(|r| r.kind == crate::model::arn::ResourceKind::Identity)
        {
            return Err(Error::bad_request(format!("Invalid ARN <{arn}>.")));
        }
    }
    let (to, cc, bcc) = destination(body.destination);
    let reply_to = body.reply_to_addresses.unwrap_or_default();
    let from = body.from_email_address;
    if let Some(raw) = content.raw {
        let bytes = base64_member(raw.data.as_deref(), "Content.Raw.Data")?;
        let env = RawEnvelope {
            from,
            to,
            cc,
            bcc,
            config_set: body.configuration_set_name,
            tags,
        };
        // SESv2's one call, whatever its content (docs/decisions.md).
        let msg = Outgoing {
            call: SendCall::new("SendEmail", Content::Raw),
            ..message::outgoing_from_raw(bytes, env)?
        };
        check_ascii_recipients(&msg)?;
        return Ok((msg, None));
    }
    let mut template = None;
    let (subject, content_body) = if let Some(simple) = content.simple {
        let subject = simple.subject.and_then(|s| s.data);
        let text_body = simple.body.unwrap_or_default();
        let s = Simple {
            subject: subject.clone(),
            text: text_body.text.and_then(|c| c.data),
            html: text_body.html.and_then(|c| c.data),
            ..simple_extras(&reply_to, simple.headers, simple.attachments)?
        };
        (subject, Body::Simple(Arc::new(s)))
    } else if let Some(t) = content.template {
        let extras = simple_extras(&reply_to, t.headers.clone(), t.attachments.clone())?;
        template = Some(template_use(t));
        (None, Body::Simple(Arc::new(extras)))
    } else {
        return Err(Error::bad_request(
            "Content needs one of Simple, Raw or Template.",
        ));
    };
    let from = from.ok_or_else(|| Error::bad_request("FromEmailAddress is required."))?;
    let msg = Outgoing {
        from,
        to,
        cc,
        bcc,
        subject,
        config_set: body.configuration_set_name,
        count: 1,
        body: content_body,
        tags,
        ..Outgoing::default()
    };
    check_ascii_recipients(&msg)?;
    Ok((msg, template))
}

/// The sender and recipients in 7-bit ASCII.
fn check_ascii_recipients(msg: &Outgoing) -> Result<()> {
    for (what, list) in [("To", &msg.to), ("Cc", &msg.cc), ("Bcc", &msg.bcc)] {
        for r in list {
            check_ascii_address(r, &format!("{what} recipient"))?;
        }
    }
    check_ascii_address(&msg.from, "sender")
}

/// SendBulkEmail's request: the message every entry shares, its template, and each entry's
/// destination and replacement data.
fn bulk(
    body: SendBulkEmailBody,
    caller: Option<String>,
) -> Result<(Outgoing, TemplateUse, Vec<BulkEntry>)> {
    let content = body.default_content.unwrap_or_default();
    let reply_to = body.reply_to_addresses.clone().unwrap_or_default();
    let (template, extras) = match content.template {
        Some(t) => {
            let extras = simple_extras(&reply_to, t.headers.clone(), t.attachments.clone())?;
            (template_use(t), extras)
        }
        None => return Err(Error::bad_request("DefaultContent needs a Template.")),
    };
    let tags = tag_pairs(body.default_email_tags.as_ref());
    let entries = body
        .bulk_email_entries
        .unwrap_or_default()
        .into_iter()
        .map(|e| {
            let data = e
                .replacement_email_content
                .and_then(|c| c.replacement_template)
                .and_then(|t| t.replacement_template_data);
            (destination(e.destination), data)
        })
        .collect();
    let shared = Outgoing {
        authorization: (body.from_email_address_identity_arn.is_some()
            || body
                .feedback_forwarding_email_address_identity_arn
                .is_some())
        .then(|| Authorization {
            caller: caller.clone(),
            action: "ses:SendBulkTemplatedEmail",
            from_arn: body.from_email_address_identity_arn.clone(),
            return_path_arn: body.feedback_forwarding_email_address_identity_arn.clone(),
            return_path: body.feedback_forwarding_email_address.clone(),
            ..Authorization::default()
        }),
        from: body
            .from_email_address
            .ok_or_else(|| Error::bad_request("FromEmailAddress is required."))?,
        config_set: body.configuration_set_name,
        count: 1,
        body: Body::Simple(Arc::new(extras)),
        tags,
        call: SendCall::new("SendBulkEmail", Content::Template),
        ..Outgoing::default()
    };
    Ok((shared, template, entries))
}
