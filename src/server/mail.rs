//! Decoding SendEmail and SendBulkEmail: who sends, to whom, with what subject, from Simple,
//! Raw (a MIME message, base64 in the JSON) or inline Template content. Stored templates do
//! not exist in sesm: a request naming one is a 501.

use base64::Engine;
use mailparse::{MailAddr, MailHeaderMap};

use super::requests::{Destination, SendBulkEmailBody, SendEmailBody, Template};
use crate::error::{Error, Result};
use crate::model::sending::Outgoing;

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

/// The subject of `Template` content given inline (`TemplateContent`), or a refusal to use
/// a stored template.
fn template_subject(t: Template) -> Result<Option<String>> {
    if t.template_name.is_some() || t.template_arn.is_some() {
        return Err(not_served());
    }
    Ok(t.template_content.and_then(|c| c.subject))
}

/// The error a stored template gets: the operation is served, templates are not.
pub fn not_served() -> Error {
    Error::new(
        crate::error::Kind::Ses(crate::error::SesCode::NotImplemented),
        "sesm keeps no email templates: send Simple or Raw content, or a template given inline (TemplateContent).",
    )
}

/// SendEmail's request as the message to send.
pub fn outgoing(body: SendEmailBody) -> Result<Outgoing> {
    let content = body.content.unwrap_or_default();
    let (mut to, mut cc, mut bcc) = destination(body.destination);
    let mut from = body.from_email_address;
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
        template_subject(t)?
    } else {
        return Err(Error::bad_request(
            "Content needs one of Simple, Raw or Template.",
        ));
    };
    let from = from.ok_or_else(|| {
        Error::bad_request("FromEmailAddress is required (or a From header in Raw content).")
    })?;
    Ok(Outgoing {
        from,
        to,
        cc,
        bcc,
        subject,
        config_set: body.configuration_set_name,
        count: 1,
    })
}

/// SendBulkEmail's request: the message every entry shares, and each entry's destination.
pub fn bulk(body: SendBulkEmailBody) -> Result<(Outgoing, Vec<Recipients>)> {
    let content = body.default_content.unwrap_or_default();
    let subject = match content.template {
        Some(t) => template_subject(t)?,
        None => return Err(Error::bad_request("DefaultContent needs a Template.")),
    };
    let destinations = body
        .bulk_email_entries
        .unwrap_or_default()
        .into_iter()
        .map(|e| destination(e.destination))
        .collect();
    let template = Outgoing {
        from: body
            .from_email_address
            .ok_or_else(|| Error::bad_request("FromEmailAddress is required."))?,
        subject,
        config_set: body.configuration_set_name,
        count: 1,
        ..Outgoing::default()
    };
    Ok((template, destinations))
}
