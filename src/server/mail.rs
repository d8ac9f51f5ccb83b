//! Decoding SendEmail and SendBulkEmail: who sends, to whom, with what subject, from Simple,
//! Raw (a MIME message, base64 in the JSON) or inline Template content. Stored templates do
//! not exist in sesm: a request naming one is a 501.

use base64::Engine;
use mailparse::{MailAddr, MailHeaderMap};
use serde_json::Value;

use super::wire::Body;
use crate::error::{Error, Result};
use crate::model::sending::Outgoing;

/// A message's To, Cc and Bcc lists.
pub type Recipients = (Vec<String>, Vec<String>, Vec<String>);

/// `Destination`: To, Cc and Bcc lists.
fn destination(v: Option<&Value>) -> Result<Recipients> {
    let Some(v) = v else {
        return Ok(Default::default());
    };
    let d = Body::from_map(
        v.as_object()
            .cloned()
            .ok_or_else(|| Error::bad_request("Destination must be an object."))?,
    );
    let list = |name: &str| -> Result<Vec<String>> {
        match d.get(name) {
            None => Ok(Vec::new()),
            Some(Value::Array(items)) => items
                .iter()
                .map(|i| {
                    i.as_str()
                        .map(str::to_string)
                        .ok_or_else(|| Error::bad_request(format!("{name} must be strings.")))
                })
                .collect(),
            Some(_) => Err(Error::bad_request(format!("{name} must be a list."))),
        }
    };
    Ok((
        list("ToAddresses")?,
        list("CcAddresses")?,
        list("BccAddresses")?,
    ))
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
fn template_subject(t: &Value) -> Result<Option<String>> {
    if t.get("TemplateName").is_some() || t.get("TemplateArn").is_some() {
        return Err(not_served());
    }
    Ok(t.get("TemplateContent")
        .and_then(|c| c.get("Subject"))
        .and_then(Value::as_str)
        .map(str::to_string))
}

/// The error a stored template gets: the operation is served, templates are not.
pub fn not_served() -> Error {
    Error::new(
        crate::error::Kind::Ses(crate::error::SesCode::NotImplemented),
        "sesm keeps no email templates: send Simple or Raw content, or a template given inline (TemplateContent).",
    )
}

/// SendEmail's request as the message to send.
pub fn outgoing(body: &Body) -> Result<Outgoing> {
    let content = body
        .object("Content")?
        .ok_or_else(|| Error::bad_request("Content is required."))?;
    let (mut to, mut cc, mut bcc) = destination(body.get("Destination"))?;
    let mut from = body.str("FromEmailAddress")?;
    let subject = if let Some(simple) = content.get("Simple") {
        simple
            .get("Subject")
            .and_then(|s| s.get("Data"))
            .and_then(Value::as_str)
            .map(str::to_string)
    } else if let Some(raw) = content.get("Raw") {
        let data = raw
            .get("Data")
            .and_then(Value::as_str)
            .ok_or_else(|| Error::bad_request("Content.Raw.Data is required."))?;
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
    } else if let Some(t) = content.get("Template") {
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
        config_set: body.str("ConfigurationSetName")?,
        count: 1,
    })
}

/// SendBulkEmail's request: the message every entry shares, and each entry's destination.
pub fn bulk(body: &Body) -> Result<(Outgoing, Vec<Recipients>)> {
    let content = body
        .object("DefaultContent")?
        .ok_or_else(|| Error::bad_request("DefaultContent is required."))?;
    let subject = match (content.get("Template"), content.get("Simple")) {
        (Some(t), _) => template_subject(t)?,
        // Not in botocore's model (bulk content is a template), accepted from raw clients.
        (None, Some(simple)) => simple
            .get("Subject")
            .and_then(|s| s.get("Data"))
            .and_then(Value::as_str)
            .map(str::to_string),
        (None, None) => {
            return Err(Error::bad_request("DefaultContent needs a Template."));
        }
    };
    let entries = match body.get("BulkEmailEntries") {
        Some(Value::Array(items)) => items,
        Some(_) => return Err(Error::bad_request("BulkEmailEntries must be a list.")),
        None => return Err(Error::bad_request("BulkEmailEntries is required.")),
    };
    let destinations = entries
        .iter()
        .map(|e| destination(e.get("Destination")))
        .collect::<Result<Vec<_>>>()?;
    let template = Outgoing {
        from: body.required_str("FromEmailAddress")?,
        subject,
        config_set: body.str("ConfigurationSetName")?,
        count: 1,
        ..Outgoing::default()
    };
    Ok((template, destinations))
}
