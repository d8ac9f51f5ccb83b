//! Decoding SendEmail and SendBulkEmail: who sends, to whom, with what subject, from Simple,
//! Raw (a MIME message, base64 in the JSON) or Template content (stored, by name or ARN, or
//! inline), which `ops::template` looks up and renders against the account; and SESv2's
//! checks of the content itself.

use std::sync::Arc;

use base64::Engine;

use super::requests::{
    Attachment, Destination, EmailTemplateContent, MessageHeader, MessageTag, SendBulkEmailBody,
    SendEmailBody, Template,
};
use crate::error::{Error, Result};
use crate::model;
use crate::model::message::{Body, Simple};
use crate::model::sending::Outgoing;
use crate::model::template::TemplateContent;
use crate::ops::message::{self, Recipients};
use crate::ops::template::{BulkEntry, TemplateUse};

/// `Destination`: To, Cc and Bcc lists.
fn destination(d: Option<Destination>) -> Recipients {
    let d = d.unwrap_or_default();
    (
        d.to_addresses.unwrap_or_default(),
        d.cc_addresses.unwrap_or_default(),
        d.bcc_addresses.unwrap_or_default(),
    )
}

/// botocore's `EmailTemplateContent` as the model's.
pub fn content(c: EmailTemplateContent) -> TemplateContent {
    TemplateContent {
        subject: c.subject,
        text: c.text,
        html: c.html,
    }
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

/// SESv2's checks of a message tag (`MessageTag`): ASCII letters, digits, `_` and `-`, 1 to
/// 256 characters, for the name and the value.
fn check_tags(tags: &[MessageTag], member: &str) -> Result<()> {
    for t in tags {
        for (what, text) in [("name", &t.name), ("value", &t.value)] {
            let text = text.as_deref().unwrap_or_default();
            if !crate::model::names::is_simple_name(text, 256) {
                return Err(Error::bad_request(format!(
                    "Invalid tag {what} <{text}> in {member}: only alphanumeric ASCII characters, '_', and '-' are allowed, 1 to 256 of them."
                )));
            }
        }
    }
    Ok(())
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
pub fn outgoing(body: SendEmailBody) -> Result<(Outgoing, Option<TemplateUse>)> {
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
    check_tags(body.email_tags.as_deref().unwrap_or_default(), "EmailTags")?;
    let mut tags: Vec<(String, String)> = body
        .email_tags
        .iter()
        .flatten()
        .map(|t| {
            (
                t.name.clone().unwrap_or_default(),
                t.value.clone().unwrap_or_default(),
            )
        })
        .collect();
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
    // sesm keeps no contact lists (their operations are 501), so any list a send names does
    // not exist: SES's answer for a missing one.
    if let Some(list) = body
        .list_management_options
        .as_ref()
        .and_then(|l| l.contact_list_name.as_ref())
    {
        return Err(Error::not_found(format!(
            "List with name: {list} doesn't exist."
        )));
    }
    let (mut to, mut cc, mut bcc) = destination(body.destination);
    let mut from = body.from_email_address;
    let mut header_config_set = None;
    let mut other_senders = Vec::new();
    let mut template = None;
    let reply_to = body.reply_to_addresses.unwrap_or_default();
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
    } else if let Some(raw) = content.raw {
        let no_destination = to.is_empty() && cc.is_empty() && bcc.is_empty();
        let bytes = base64_member(raw.data.as_deref(), "Content.Raw.Data")?;
        let h = message::read_raw(&bytes, no_destination)?;
        match &from {
            // The From header must be verified too when another address is the envelope's.
            Some(_) => other_senders.extend(h.from),
            None => from = h.from.into_iter().next(),
        }
        other_senders.extend(h.senders);
        header_config_set = h.config_set;
        match (h.recipients, h.addressed) {
            (Some(r), _) => (to, cc, bcc) = r,
            // nodemailer and others put every recipient in Destination.ToAddresses: keep them
            // as the message addressed them (To, Cc), the rest being Bcc.
            (None, Some((header_to, header_cc))) if cc.is_empty() && bcc.is_empty() => {
                (to, cc, bcc) =
                    message::as_addressed(std::mem::take(&mut to), &header_to, &header_cc);
            }
            _ => {}
        }
        tags.extend(h.tags);
        (h.subject, Body::Raw(Arc::new(bytes)))
    } else if let Some(t) = content.template {
        let extras = simple_extras(&reply_to, t.headers.clone(), t.attachments.clone())?;
        template = Some(template_use(t));
        (None, Body::Simple(Arc::new(extras)))
    } else {
        return Err(Error::bad_request(
            "Content needs one of Simple, Raw or Template.",
        ));
    };
    let from = from.ok_or_else(|| {
        Error::bad_request("FromEmailAddress is required (or a From header in Raw content).")
    })?;
    for (what, list) in [("To", &to), ("Cc", &cc), ("Bcc", &bcc)] {
        for r in list {
            check_ascii_address(r, &format!("{what} recipient"))?;
        }
    }
    check_ascii_address(&from, "sender")?;
    Ok((
        Outgoing {
            from,
            to,
            cc,
            bcc,
            subject,
            config_set: body.configuration_set_name,
            header_config_set,
            other_senders,
            count: 1,
            body: content_body,
            tags,
        },
        template,
    ))
}

/// SendBulkEmail's request: the message every entry shares, its template, and each entry's
/// destination and replacement data.
pub fn bulk(body: SendBulkEmailBody) -> Result<(Outgoing, TemplateUse, Vec<BulkEntry>)> {
    let content = body.default_content.unwrap_or_default();
    let reply_to = body.reply_to_addresses.clone().unwrap_or_default();
    let (template, extras) = match content.template {
        Some(t) => {
            let extras = simple_extras(&reply_to, t.headers.clone(), t.attachments.clone())?;
            (template_use(t), extras)
        }
        None => return Err(Error::bad_request("DefaultContent needs a Template.")),
    };
    check_tags(
        body.default_email_tags.as_deref().unwrap_or_default(),
        "DefaultEmailTags",
    )?;
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
        from: body
            .from_email_address
            .ok_or_else(|| Error::bad_request("FromEmailAddress is required."))?,
        config_set: body.configuration_set_name,
        count: 1,
        body: Body::Simple(Arc::new(extras)),
        ..Outgoing::default()
    };
    Ok((shared, template, entries))
}
