//! Decoding SendEmail and SendBulkEmail: who sends, to whom, with what subject, from Simple,
//! Raw (a MIME message, base64 in the JSON) or Template content (stored, by name or ARN, or
//! inline), which `ops::template` looks up and renders against the account.

use base64::Engine;
use mailparse::{MailAddr, MailHeaderMap};

use super::requests::{
    Destination, EmailTemplateContent, SendBulkEmailBody, SendEmailBody, Template,
};
use crate::error::{Error, Result};
use crate::model::sending::Outgoing;
use crate::model::template::TemplateContent;
use crate::ops::template::{BulkEntry, TemplateUse};

/// A message's To, Cc and Bcc lists.
pub type Recipients = (Vec<String>, Vec<String>, Vec<String>);

/// `Destination`: To, Cc and Bcc lists.
fn destination(d: Option<Destination>) -> Recipients {
    let d = d.unwrap_or_default();
    (
        d.to_addresses.unwrap_or_default(),
        d.cc_addresses.unwrap_or_default(),
        d.bcc_addresses.unwrap_or_default(),
    )
}

/// The addresses of an address-list header (`To: "A" <a@x>, b@y`).
fn header_addresses(headers: &[mailparse::MailHeader], name: &str) -> Result<Vec<String>> {
    let mut out = Vec::new();
    for h in headers.get_all_headers(name) {
        let list = mailparse::addrparse_header(h).map_err(|e| {
            Error::bad_request(format!("The {name} header of the raw message: {e}."))
        })?;
        for a in list.iter() {
            match a {
                MailAddr::Single(s) => out.push(s.addr.clone()),
                MailAddr::Group(g) => out.extend(g.addrs.iter().map(|s| s.addr.clone())),
            }
        }
    }
    Ok(out)
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

/// SendEmail's request as the message to send, and its template when its content is one (the
/// subject is then the rendered template's).
pub fn outgoing(body: SendEmailBody) -> Result<(Outgoing, Option<TemplateUse>)> {
    let content = body.content.unwrap_or_default();
    let (mut to, mut cc, mut bcc) = destination(body.destination);
    let mut from = body.from_email_address;
    let mut template = None;
    let subject = if let Some(simple) = content.simple {
        simple.subject.and_then(|s| s.data)
    } else if let Some(raw) = content.raw {
        let data = raw.data.unwrap_or_default();
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(data.trim())
            .map_err(|e| Error::bad_request(format!("Content.Raw.Data is not base64: {e}.")))?;
        let (headers, _) = mailparse::parse_headers(&bytes).map_err(|e| {
            Error::bad_request(format!("The raw message has no valid headers: {e}."))
        })?;
        if from.is_none() {
            from = header_addresses(&headers, "From")?.into_iter().next();
        }
        if to.is_empty() && cc.is_empty() && bcc.is_empty() {
            to = header_addresses(&headers, "To")?;
            cc = header_addresses(&headers, "Cc")?;
            bcc = header_addresses(&headers, "Bcc")?;
        }
        headers.get_first_value("Subject")
    } else if let Some(t) = content.template {
        template = Some(template_use(t));
        None
    } else {
        return Err(Error::bad_request(
            "Content needs one of Simple, Raw or Template.",
        ));
    };
    let from = from.ok_or_else(|| {
        Error::bad_request("FromEmailAddress is required (or a From header in Raw content).")
    })?;
    Ok((
        Outgoing {
            from,
            to,
            cc,
            bcc,
            subject,
            config_set: body.configuration_set_name,
            count: 1,
        },
        template,
    ))
}

/// SendBulkEmail's request: the message every entry shares, its template, and each entry's
/// destination and replacement data.
pub fn bulk(body: SendBulkEmailBody) -> Result<(Outgoing, TemplateUse, Vec<BulkEntry>)> {
    let content = body.default_content.unwrap_or_default();
    let template = match content.template {
        Some(t) => template_use(t),
        None => return Err(Error::bad_request("DefaultContent needs a Template.")),
    };
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
        ..Outgoing::default()
    };
    Ok((shared, template, entries))
}
