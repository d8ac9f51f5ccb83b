//! Messages as MIME, for every front end: reading what SES reads from a raw message (its
//! senders, recipients, `X-SES-CONFIGURATION-SET`, subject), building the message SES builds
//! from Simple content (text, HTML, headers, attachments), and taking a kept message apart
//! for the outbox (`sesm outbox show`, `GET /_sesm/outbox/{id}`).

use mailparse::{MailAddr, MailHeaderMap, ParsedMail};
use serde::Serialize;

use crate::error::{Error, Result};
use crate::model::message::{Body, Disposition, MAX_HEADERS, Simple, TransferEncoding};
use crate::model::sending::{Outgoing, same_address};

/// A message's To, Cc and Bcc lists.
pub type Recipients = (Vec<String>, Vec<String>, Vec<String>);

/// What SES reads from a raw message's headers.
#[derive(Debug, Default)]
pub struct RawHeaders {
    /// The `From` header's addresses.
    pub from: Vec<String>,
    /// The `Sender` and `Return-Path` addresses (SES requires them verified too).
    pub senders: Vec<String>,
    /// `X-SES-CONFIGURATION-SET`.
    pub config_set: Option<String>,
    /// The To, Cc and Bcc headers, when asked for (strict: a malformed one is refused).
    pub recipients: Option<Recipients>,
    /// The To and Cc headers, read leniently (`None` when either does not parse).
    pub addressed: Option<(Vec<String>, Vec<String>)>,
    pub subject: Option<String>,
    /// `X-SES-MESSAGE-TAGS: name1=value1, name2=value2`.
    pub tags: Vec<(String, String)>,
}

/// The `X-SES-MESSAGE-TAGS` header's tags (`name=value, …`); the rule of a tag's characters is
/// the send's, whichever door the tag came through (`model::tags::check_message_tags`).
fn message_tags(value: &str) -> Result<Vec<(String, String)>> {
    let mut out = Vec::new();
    for pair in value.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let (name, value) = pair.split_once('=').ok_or_else(|| {
            Error::bad_request(format!(
                "Invalid X-SES-MESSAGE-TAGS entry '{}': expected name=value.",
                pair.escape_default()
            ))
        })?;
        out.push((name.trim().to_string(), value.trim().to_string()));
    }
    Ok(out)
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

/// The headers of a raw message SES reads; its recipients from the headers only when
/// `want_recipients` (when the request gives none: `Destination` is the envelope, and SES does
/// not read the headers then, so a malformed one is no reason to refuse).
pub fn read_raw(bytes: &[u8], want_recipients: bool) -> Result<RawHeaders> {
    let (headers, _) = mailparse::parse_headers(bytes)
        .map_err(|e| Error::bad_request(format!("The raw message has no valid headers: {e}.")))?;
    if headers.is_empty() {
        return Err(Error::bad_request(
            "The raw message has no headers: it must start with them (From, To, Subject …), then a blank line and the body.",
        ));
    }
    let mut senders = header_addresses(&headers, "Sender")?;
    senders.extend(header_addresses(&headers, "Return-Path")?);
    Ok(RawHeaders {
        from: header_addresses(&headers, "From")?,
        senders,
        config_set: headers
            .get_first_value("X-SES-CONFIGURATION-SET")
            .map(|v| v.trim().to_string()),
        recipients: if want_recipients {
            Some((
                header_addresses(&headers, "To")?,
                header_addresses(&headers, "Cc")?,
                header_addresses(&headers, "Bcc")?,
            ))
        } else {
            None
        },
        addressed: header_addresses(&headers, "To")
            .ok()
            .zip(header_addresses(&headers, "Cc").ok()),
        subject: headers.get_first_value("Subject"),
        tags: match headers.get_first_value("X-SES-MESSAGE-TAGS") {
            Some(v) => message_tags(&v)?,
            None => Vec::new(),
        },
    })
}

/// Envelope recipients as the message addressed them: nodemailer and SMTP clients give every
/// recipient in one list (`Destination.ToAddresses`, `RCPT TO`); those the To or Cc header
/// names are To or Cc, the rest Bcc.
pub fn as_addressed(
    envelope: Vec<String>,
    header_to: &[String],
    header_cc: &[String],
) -> Recipients {
    let has = |list: &[String], a: &str| list.iter().any(|h| same_address(h, a));
    let (mut to, mut cc, mut bcc) = (Vec::new(), Vec::new(), Vec::new());
    for a in envelope {
        if has(header_to, &a) {
            to.push(a);
        } else if has(header_cc, &a) {
            cc.push(a);
        } else {
            bcc.push(a);
        }
    }
    (to, cc, bcc)
}

/// What a raw message's request (or SMTP envelope) gives besides the message.
#[derive(Debug, Clone, Default)]
pub struct RawEnvelope {
    /// The sender the request names (SendEmail's `FromEmailAddress`, v1's `Source`, SMTP's
    /// `MAIL FROM`); `None`: the `From` header's first address.
    pub from: Option<String>,
    pub to: Vec<String>,
    pub cc: Vec<String>,
    pub bcc: Vec<String>,
    pub config_set: Option<String>,
    pub tags: Vec<(String, String)>,
}

/// The message SES sends for raw MIME — SendEmail's Raw content, v1's SendRawEmail and SMTP's
/// DATA alike. Recipients: the envelope's, or with none the headers' To, Cc and Bcc; an
/// envelope given as one list (`Destinations`, `RCPT TO`, nodemailer's `ToAddresses`) is
/// sorted into To, Cc and Bcc as the headers address them. The sender: the envelope's (the
/// `From` header's addresses must then be verified too), else the `From` header's first. The
/// `Sender` and `Return-Path` addresses must be verified as well; `X-SES-CONFIGURATION-SET`
/// names the set when the request does not, and `X-SES-MESSAGE-TAGS` adds tags.
pub fn outgoing_from_raw(bytes: Vec<u8>, env: RawEnvelope) -> Result<Outgoing> {
    let no_destination = env.to.is_empty() && env.cc.is_empty() && env.bcc.is_empty();
    let h = read_raw(&bytes, no_destination)?;
    let (to, cc, bcc) = match (h.recipients, h.addressed) {
        (Some(r), _) => r,
        (None, Some((header_to, header_cc))) if env.cc.is_empty() && env.bcc.is_empty() => {
            as_addressed(env.to, &header_to, &header_cc)
        }
        _ => (env.to, env.cc, env.bcc),
    };
    let (from, mut other_senders) = match env.from {
        Some(from) => (from, h.from),
        None => {
            let mut from = h.from.into_iter();
            let first = from.next().ok_or_else(|| {
                Error::bad_request(
                    "The message has no From header and the request names no sender.",
                )
            })?;
            (first, from.collect())
        }
    };
    other_senders.extend(h.senders);
    let mut tags = env.tags;
    tags.extend(h.tags);
    Ok(Outgoing {
        from,
        to,
        cc,
        bcc,
        subject: h.subject,
        config_set: env.config_set,
        header_config_set: h.config_set,
        other_senders,
        count: 1,
        body: Body::Raw(std::sync::Arc::new(bytes)),
        tags,
        ..Outgoing::default()
    })
}

/// SESv2's checks of Simple content's `Headers` and `Attachments` (botocore's
/// `MessageHeaderList`, `MessageHeader`, `Attachment` shapes).
pub fn check_simple(s: &Simple) -> Result<()> {
    if s.headers.len() > MAX_HEADERS {
        return Err(Error::bad_request(format!(
            "Headers has {} entries; a message takes at most {MAX_HEADERS}.",
            s.headers.len()
        )));
    }
    for (name, value) in &s.headers {
        let name_ok = (1..=126).contains(&name.len())
            && name.bytes().all(|b| (33..=126).contains(&b) && b != b':');
        if !name_ok {
            return Err(Error::bad_request(format!(
                "Invalid header name '{}': 1 to 126 printable ASCII characters other than ':'.",
                name.escape_default()
            )));
        }
        if !(1..=995).contains(&value.len()) || !value.bytes().all(|b| (32..=126).contains(&b)) {
            return Err(Error::bad_request(format!(
                "Invalid value of header '{name}': 1 to 995 printable ASCII characters."
            )));
        }
    }
    for a in &s.attachments {
        if a.file_name.is_empty() || a.file_name.chars().count() > 255 {
            return Err(Error::bad_request(
                "An attachment's FileName must have 1 to 255 characters.",
            ));
        }
        for (what, v, max) in [
            ("ContentType", &a.content_type, 78),
            ("ContentId", &a.content_id, 78),
        ] {
            if let Some(v) = v
                && (v.is_empty() || v.len() > max || !v.bytes().all(|b| (32..=126).contains(&b)))
            {
                return Err(Error::bad_request(format!(
                    "Invalid attachment {what} '{}': 1 to {max} printable ASCII characters.",
                    v.escape_default()
                )));
            }
        }
        if a.description
            .as_ref()
            .is_some_and(|d| d.chars().count() > 1000)
        {
            return Err(Error::bad_request(
                "An attachment's ContentDescription has at most 1,000 characters.",
            ));
        }
        if a.encoding == TransferEncoding::SevenBit && !a.data.is_ascii() {
            return Err(Error::bad_request(format!(
                "Attachment '{}' is not 7-bit ASCII, so it cannot be sent SEVEN_BIT: use BASE64.",
                a.file_name
            )));
        }
    }
    Ok(())
}

/// Parses SESv2's `ContentDisposition`.
pub fn disposition(v: &str) -> Result<Disposition> {
    match v {
        "ATTACHMENT" => Ok(Disposition::Attachment),
        "INLINE" => Ok(Disposition::Inline),
        _ => Err(Error::bad_request(format!(
            "Invalid ContentDisposition '{}': use ATTACHMENT or INLINE.",
            v.escape_default()
        ))),
    }
}

/// Parses SESv2's `ContentTransferEncoding`.
pub fn transfer_encoding(v: &str) -> Result<TransferEncoding> {
    match v {
        "BASE64" => Ok(TransferEncoding::Base64),
        "QUOTED_PRINTABLE" => Ok(TransferEncoding::QuotedPrintable),
        "SEVEN_BIT" => Ok(TransferEncoding::SevenBit),
        _ => Err(Error::bad_request(format!(
            "Invalid ContentTransferEncoding '{}': use BASE64, QUOTED_PRINTABLE or SEVEN_BIT.",
            v.escape_default()
        ))),
    }
}

/// One header field of a kept message.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct HeaderField {
    pub name: String,
    pub value: String,
}

/// An attachment of a kept message, as the outbox describes it.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct AttachmentInfo {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file_name: Option<String>,
    pub content_type: String,
    /// `attachment` or `inline`.
    pub disposition: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub content_id: Option<String>,
    /// Decoded size in bytes.
    pub size: u64,
}

/// A kept message taken apart: its headers (decoded), subject, first text and HTML bodies,
/// and its attachments.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Parsed {
    pub headers: Vec<HeaderField>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub html: Option<String>,
    pub attachments: Vec<AttachmentInfo>,
}

/// Takes a kept message apart. A message mailparse cannot read at all (sesm only keeps what
/// it accepted, so a raw message with headers) is shown with what could be read.
pub fn parse(bytes: &[u8]) -> Parsed {
    let mut out = Parsed {
        headers: Vec::new(),
        text: None,
        html: None,
        attachments: Vec::new(),
    };
    if too_deep(bytes) {
        // Its headers only: its parts are not taken apart (see `too_deep`).
        if let Ok((headers, _)) = mailparse::parse_headers(bytes) {
            out.headers = headers
                .iter()
                .map(|h| HeaderField {
                    name: h.get_key(),
                    value: h.get_value(),
                })
                .collect();
        }
        return out;
    }
    let Ok(mail) = mailparse::parse_mail(bytes) else {
        return out;
    };
    out.headers = mail
        .headers
        .iter()
        .map(|h| HeaderField {
            name: h.get_key(),
            value: h.get_value(),
        })
        .collect();
    walk(&mail, &mut out);
    out
}

/// Parts nest; deeper than this is not a message anyone sends.
const MAX_DEPTH: usize = 32;

/// Whether a message's parts nest deeper than `MAX_DEPTH`. mailparse takes nested parts
/// apart recursively, without a bound: a message of 65 KB nested a thousand deep overflows the
/// stack. This counts the boundaries open at each line: a `boundary=` parameter opens one, its
/// delimiter (`--B`) closes those opened inside it, its close delimiter (`--B--`) it too. Text
/// in a body that looks like a boundary can only over-count: such a message is shown with its
/// headers only.
fn too_deep(bytes: &[u8]) -> bool {
    let mut open: Vec<&[u8]> = Vec::new();
    for line in bytes.split(|&b| b == b'\n') {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if let Some(rest) = line.strip_prefix(b"--")
            && let Some(i) = open.iter().rposition(|b| rest.starts_with(b))
        {
            let closing = rest[open[i].len()..].starts_with(b"--");
            open.truncate(if closing { i } else { i + 1 });
            continue;
        }
        if let Some(b) = boundary_param(line) {
            open.push(b);
            if open.len() > MAX_DEPTH {
                return true;
            }
        }
    }
    false
}

/// The value of a `boundary=` parameter on a header line, if any.
fn boundary_param(line: &[u8]) -> Option<&[u8]> {
    const KEY: &[u8] = b"boundary=";
    let at = line
        .windows(KEY.len())
        .position(|w| w.eq_ignore_ascii_case(KEY))?;
    let value = &line[at + KEY.len()..];
    let value = match value.strip_prefix(b"\"") {
        Some(quoted) => {
            &quoted[..quoted
                .iter()
                .position(|&b| b == b'"')
                .unwrap_or(quoted.len())]
        }
        None => {
            let end = value
                .iter()
                .position(|&b| b == b';' || b.is_ascii_whitespace())
                .unwrap_or(value.len());
            &value[..end]
        }
    };
    (!value.is_empty()).then_some(value)
}

/// Calls `leaf` with each part that has no parts of its own, in order.
fn leaves<'a>(part: &'a ParsedMail<'a>, depth: usize, leaf: &mut dyn FnMut(&'a ParsedMail<'a>)) {
    if depth > MAX_DEPTH {
        return;
    }
    if part.subparts.is_empty() {
        leaf(part);
    }
    for p in &part.subparts {
        leaves(p, depth + 1, leaf);
    }
}

/// A leaf part as an attachment (a file name, an attachment disposition, or anything but
/// text), or `None` for a text or HTML body.
fn as_attachment(part: &ParsedMail) -> Option<AttachmentInfo> {
    let cd = part.get_content_disposition();
    let file_name = cd
        .params
        .get("filename")
        .or_else(|| part.ctype.params.get("name"))
        .cloned();
    let is_attachment = cd.disposition == mailparse::DispositionType::Attachment
        || file_name.is_some()
        || !part.ctype.mimetype.starts_with("text/");
    is_attachment.then(|| AttachmentInfo {
        file_name,
        content_type: part.ctype.mimetype.clone(),
        disposition: match cd.disposition {
            mailparse::DispositionType::Inline => "inline".into(),
            _ => "attachment".into(),
        },
        content_id: part
            .headers
            .get_first_value("Content-ID")
            .map(|v| v.trim().trim_matches(['<', '>']).to_string()),
        size: part.get_body_raw().map_or(0, |b| b.len() as u64),
    })
}

fn walk<'a>(mail: &'a ParsedMail<'a>, out: &mut Parsed) {
    leaves(mail, 0, &mut |part| {
        if let Some(a) = as_attachment(part) {
            out.attachments.push(a);
            return;
        }
        let slot = match part.ctype.mimetype.as_str() {
            "text/plain" => &mut out.text,
            "text/html" => &mut out.html,
            _ => return,
        };
        if slot.is_none() {
            *slot = part.get_body().ok();
        }
    });
}

/// The `index`th attachment of a kept message (in `parse`'s order), decoded: what a
/// download of it gives.
pub fn attachment(bytes: &[u8], index: usize) -> Option<(AttachmentInfo, Vec<u8>)> {
    if too_deep(bytes) {
        return None;
    }
    let mail = mailparse::parse_mail(bytes).ok()?;
    let mut found = None;
    let mut seen = 0;
    leaves(&mail, 0, &mut |part| {
        if found.is_some() {
            return;
        }
        if let Some(a) = as_attachment(part) {
            if seen == index {
                found = part.get_body_raw().ok().map(|data| (a, data));
            }
            seen += 1;
        }
    });
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::Timestamp;

    use crate::model::message::Attachment;
    use crate::ops::mime::{Envelope, mime};
    use std::sync::Arc;

    fn env<'a>(to: &'a [String]) -> Envelope<'a> {
        Envelope {
            from: "news@example.com",
            to,
            cc: &[],
            message_id: "0000-1",
            time: Timestamp::UNIX_EPOCH,
        }
    }

    #[test]
    fn simple_content_builds_a_message_that_parses_back() {
        let s = Simple {
            subject: Some("Grüße".into()),
            text: Some("hello\nworld".into()),
            html: Some("<p>hé</p>".into()),
            reply_to: vec!["r@example.com".into()],
            headers: vec![("X-Campaign".into(), "spring".into())],
            attachments: vec![
                Attachment {
                    file_name: "a.pdf".into(),
                    content_type: Some("application/pdf".into()),
                    data: vec![0, 1, 2, 255],
                    ..Attachment::default()
                },
                Attachment {
                    file_name: "b.txt".into(),
                    encoding: TransferEncoding::QuotedPrintable,
                    data: "ça = ok\r\n".as_bytes().to_vec(),
                    ..Attachment::default()
                },
            ],
        };
        let to = vec!["jane@gmail.com".to_string()];
        let bytes = mime(&Body::Simple(Arc::new(s)), &env(&to));
        let text = String::from_utf8(bytes.clone()).unwrap();
        assert!(!text.contains("\n\n") && !text.replace("\r\n", "").contains('\n'));
        let p = parse(&bytes);
        let h = |n: &str| {
            p.headers
                .iter()
                .find(|h| h.name == n)
                .map(|h| h.value.clone())
        };
        assert_eq!(h("Subject").as_deref(), Some("Grüße"));
        assert_eq!(h("To").as_deref(), Some("jane@gmail.com"));
        assert_eq!(h("X-Campaign").as_deref(), Some("spring"));
        assert_eq!(p.text.as_deref().map(str::trim_end), Some("hello\r\nworld"));
        assert_eq!(p.html.as_deref(), Some("<p>hé</p>"));
        assert_eq!(p.attachments.len(), 2);
        assert_eq!(p.attachments[0].file_name.as_deref(), Some("a.pdf"));
        assert_eq!(p.attachments[0].content_type, "application/pdf");
        assert_eq!(p.attachments[0].size, 4);
        assert_eq!(p.attachments[1].content_type, "application/octet-stream");
        assert_eq!(p.attachments[1].size, "ça = ok\r\n".len() as u64);
        // A download gives each attachment decoded, in the same order.
        assert_eq!(attachment(&bytes, 0).unwrap().1, vec![0, 1, 2, 255]);
        assert_eq!(attachment(&bytes, 1).unwrap().1, "ça = ok\r\n".as_bytes());
        assert!(attachment(&bytes, 2).is_none());
    }

    #[test]
    fn parts_nested_past_the_bound_are_not_taken_apart() {
        let nest = |n: usize| {
            let mut m = b"From: a@example.com\r\nSubject: deep\r\n".to_vec();
            for i in 0..n {
                m.extend(
                    format!("Content-Type: multipart/mixed; boundary=\"b{i}\"\r\n\r\n--b{i}\r\n")
                        .bytes(),
                );
            }
            m.extend(b"Content-Type: text/plain\r\n\r\nx\r\n");
            for i in (0..n).rev() {
                m.extend(format!("--b{i}--\r\n").bytes());
            }
            m
        };
        // Shallow: taken apart. Ten thousand deep: headers only, and no stack overflow.
        assert_eq!(parse(&nest(5)).text.as_deref().map(str::trim), Some("x"));
        let deep = parse(&nest(10_000));
        assert!(deep.text.is_none() && deep.attachments.is_empty());
        assert!(deep.headers.iter().any(|h| h.value == "deep"));
        assert!(attachment(&nest(10_000), 0).is_none());
        // Many parts side by side are not deep.
        let mut flat = b"Content-Type: multipart/mixed; boundary=x\r\n\r\n".to_vec();
        for i in 0..100 {
            flat.extend(format!("--x\r\nContent-Type: multipart/alternative; boundary=y{i}\r\n\r\n--y{i}\r\nContent-Type: text/plain\r\n\r\nt{i}\r\n--y{i}--\r\n").bytes());
        }
        flat.extend(b"--x--\r\n");
        assert!(!too_deep(&flat));
        assert_eq!(parse(&flat).text.as_deref().map(str::trim), Some("t0"));
    }

    #[test]
    fn a_file_name_outside_ascii_comes_back_whole() {
        let name = "ü名前 \";\\x.html";
        let s = Simple {
            text: Some("t".into()),
            attachments: vec![Attachment {
                file_name: name.into(),
                data: b"x".to_vec(),
                ..Attachment::default()
            }],
            ..Simple::default()
        };
        let to = vec!["jane@gmail.com".to_string()];
        let bytes = mime(&Body::Simple(Arc::new(s)), &env(&to));
        assert_eq!(
            parse(&bytes).attachments[0].file_name.as_deref(),
            Some(name)
        );
    }

    #[test]
    fn a_raw_message_is_kept_as_sent() {
        let raw = b"From: a@example.com\r\nTo: b@gmail.com\r\n\r\nhi\r\n".to_vec();
        let to = vec![];
        assert_eq!(mime(&Body::Raw(Arc::new(raw.clone())), &env(&to)), raw);
    }

    #[test]
    fn the_message_tags_header_is_read_and_checked() {
        let h = read_raw(
            b"From: a@x.com\r\nX-SES-MESSAGE-TAGS: campaign=spring, tier=gold\r\n\r\nb",
            false,
        )
        .unwrap();
        assert_eq!(
            h.tags,
            vec![
                ("campaign".into(), "spring".into()),
                ("tier".into(), "gold".into())
            ]
        );
        let raw = "From: a@x.com\r\nX-SES-MESSAGE-TAGS: nope\r\n\r\nb";
        let e = read_raw(raw.as_bytes(), false).unwrap_err();
        assert_eq!(e.code(), "BadRequestException");
        // The characters of a tag are the send's rule, the same for every door.
        for bad in ["bad name!=x", "a="] {
            let raw = format!("From: a@x.com\r\nX-SES-MESSAGE-TAGS: {bad}\r\n\r\nb");
            let h = read_raw(raw.as_bytes(), false).unwrap();
            let e = crate::model::tags::check_message_tags(&h.tags).unwrap_err();
            assert_eq!(e.code(), "BadRequestException", "{bad}");
        }
    }

    #[test]
    fn envelope_recipients_split_as_addressed() {
        let (to, cc, bcc) = as_addressed(
            vec!["a@x.com".into(), "b@X.com".into(), "c@x.com".into()],
            &["a@x.com".into()],
            &["b@x.com".into()],
        );
        assert_eq!(
            (to.len(), cc.len(), bcc),
            (1, 1, vec!["c@x.com".to_string()])
        );
    }
}
