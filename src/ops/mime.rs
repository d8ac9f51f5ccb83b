//! The MIME sesm writes: the message SES builds from Simple content (From, To, Cc — never
//! Bcc —, Reply-To, Subject, Message-ID, Date, the extra headers, then the text and HTML as
//! multipart/alternative and the attachments around them as multipart/mixed) and the MIME
//! TestRenderEmailTemplate answers. Header lines are folded under 78 characters, non-ASCII
//! written as RFC 2047 encoded-words, and part boundaries drawn from SHA-256 of the content,
//! so a message is the same bytes on every build and Rust release.

use base64::Engine;
use jiff::Timestamp;

use crate::model::message::{Attachment, Body, Disposition, Simple, TransferEncoding};

/// A header value as it may stand in a message: printable ASCII as it is, anything else
/// RFC 2047 encoded-words (UTF-8, base64) short enough that a line holding one, after any
/// header name, keeps to 76 characters ("each line of a header field that contains one or
/// more 'encoded-word's is limited to 76 characters", RFC 2047 §2), split between characters
/// and separated by spaces, where `header` folds the line.
pub fn header_value(s: &str) -> String {
    if s.bytes().all(|b| (0x20..0x7f).contains(&b)) {
        return s.to_string();
    }
    // `=?UTF-8?B?` + `?=` is 12 characters: 40 of base64 (30 bytes) make a word of 52, which
    // fits after any header name sesm writes (`Content-Description: ` is 21).
    const CHUNK: usize = 30;
    let mut words = Vec::new();
    let mut start = 0;
    while start < s.len() {
        let mut end = (start + CHUNK).min(s.len());
        while !s.is_char_boundary(end) {
            end -= 1;
        }
        let b64 = base64::engine::general_purpose::STANDARD.encode(&s.as_bytes()[start..end]);
        words.push(format!("=?UTF-8?B?{b64}?="));
        start = end;
    }
    words.join(" ")
}

/// One header field, folded (RFC 5322 §2.2.3) so that its lines keep to 78 characters where
/// the value has spaces to break at; a line is never broken inside a word.
fn header(name: &str, value: &str) -> String {
    let mut out = String::with_capacity(name.len() + value.len() + 8);
    out.push_str(name);
    out.push(':');
    let mut line = out.len();
    for (i, word) in value.split(' ').enumerate() {
        if i > 0 && line + 1 + word.len() > 78 {
            out.push_str("\r\n");
            line = 0;
        }
        out.push(' ');
        out.push_str(word);
        line += 1 + word.len();
    }
    out.push_str("\r\n");
    out
}

/// A part boundary: hex of SHA-256 over what the message says (so a message is reproducible
/// on every build and Rust release), `n` telling apart the boundaries of one message.
fn boundary(seed: &[u8; 32], n: u8) -> String {
    use sha2::{Digest, Sha256};
    let h = Sha256::new()
        .chain_update(seed)
        .chain_update([n])
        .finalize();
    let hex: String = h[..8].iter().map(|b| format!("{b:02x}")).collect();
    format!("----=_Part_sesm_{hex}")
}

/// The envelope and identity of a message SES builds.
pub struct Envelope<'a> {
    pub from: &'a str,
    pub to: &'a [String],
    pub cc: &'a [String],
    pub message_id: &'a str,
    pub time: Timestamp,
}

/// The message as kept: a raw message's bytes as sent, or the MIME SES builds from Simple
/// content (From, To, Cc — never Bcc —, Reply-To, Subject, Message-ID, Date, the extra
/// headers, then the text and HTML as multipart/alternative, and the attachments around them
/// as multipart/mixed), with CRLF line ends as on the wire.
pub fn mime(body: &Body, env: &Envelope) -> Vec<u8> {
    match body {
        Body::Raw(bytes) => bytes.as_ref().clone(),
        Body::Simple(s) => build(s, env),
    }
}

fn build(s: &Simple, env: &Envelope) -> Vec<u8> {
    let mut out = String::new();
    let mut header = |name: &str, value: &str| out.push_str(&self::header(name, value));
    header("From", env.from);
    if !env.to.is_empty() {
        header("To", &env.to.join(", "));
    }
    if !env.cc.is_empty() {
        header("Cc", &env.cc.join(", "));
    }
    if !s.reply_to.is_empty() {
        header("Reply-To", &s.reply_to.join(", "));
    }
    header(
        "Subject",
        &header_value(s.subject.as_deref().unwrap_or_default()),
    );
    header(
        "Message-ID",
        &format!("<{}@email.amazonses.com>", env.message_id),
    );
    let date = jiff::fmt::rfc2822::DateTimePrinter::new()
        .timestamp_to_string(&env.time)
        .unwrap_or_default();
    header("Date", &date);
    header("MIME-Version", "1.0");
    for (name, value) in &s.headers {
        header(name, value);
    }
    let seed = boundary_seed(s, env.message_id);
    let mut n = 0u8;
    let mut next_boundary = || {
        n = n.wrapping_add(1);
        boundary(&seed, n)
    };
    let alternative = alternative_part(s, &mut next_boundary);
    if s.attachments.is_empty() {
        out.push_str(&alternative);
    } else {
        let b = next_boundary();
        out.push_str(&format!(
            "Content-Type: multipart/mixed; \r\n\tboundary=\"{b}\"\r\n\r\n"
        ));
        out.push_str(&format!("--{b}\r\n"));
        out.push_str(&alternative);
        for a in &s.attachments {
            out.push_str(&format!("\r\n--{b}\r\n"));
            out.push_str(&attachment_part(a));
        }
        out.push_str(&format!("\r\n--{b}--\r\n"));
    }
    out.into_bytes()
}

/// What a message's boundaries are drawn from: SHA-256 of its content and ID, each field
/// length-prefixed so that no two messages feed the same bytes.
fn boundary_seed(s: &Simple, id: &str) -> [u8; 32] {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    let mut feed = |bytes: &[u8]| {
        h.update((bytes.len() as u64).to_le_bytes());
        h.update(bytes);
    };
    feed(id.as_bytes());
    for part in [&s.subject, &s.text, &s.html] {
        feed(part.as_deref().unwrap_or_default().as_bytes());
    }
    for r in &s.reply_to {
        feed(r.as_bytes());
    }
    for (name, value) in &s.headers {
        feed(name.as_bytes());
        feed(value.as_bytes());
    }
    for a in &s.attachments {
        feed(a.file_name.as_bytes());
        feed(&a.data);
    }
    h.finalize().into()
}

/// The MIME TestRenderEmailTemplate answers for a rendered template: its Subject,
/// MIME-Version, and its text and HTML parts, written as a sent message's are.
pub fn rendered(r: &crate::model::template::Rendered) -> String {
    let s = Simple {
        subject: Some(r.subject.clone()),
        text: r.text.clone(),
        html: r.html.clone(),
        ..Simple::default()
    };
    let seed = boundary_seed(&s, "");
    let mut n = 0u8;
    let mut next_boundary = || {
        n = n.wrapping_add(1);
        boundary(&seed, n)
    };
    let mut out = header("Subject", &header_value(&r.subject));
    out.push_str("MIME-Version: 1.0\r\n");
    out.push_str(&alternative_part(&s, &mut next_boundary));
    out
}

/// The text and HTML parts (headers included): one part, or multipart/alternative.
fn alternative_part(s: &Simple, next_boundary: &mut impl FnMut() -> String) -> String {
    let parts: Vec<(&str, &str)> = [("plain", &s.text), ("html", &s.html)]
        .into_iter()
        .filter_map(|(k, p)| Some((k, p.as_deref()?)))
        .collect();
    match parts.as_slice() {
        [] => text_part("plain", ""),
        [(kind, text)] => text_part(kind, text),
        _ => {
            let b = loop {
                let b = next_boundary();
                if !parts.iter().any(|(_, t)| t.contains(&b)) {
                    break b;
                }
            };
            let mut out =
                format!("Content-Type: multipart/alternative; \r\n\tboundary=\"{b}\"\r\n\r\n");
            for (kind, text) in parts {
                out.push_str(&format!("--{b}\r\n"));
                out.push_str(&text_part(kind, text));
                out.push_str("\r\n");
            }
            out.push_str(&format!("--{b}--\r\n"));
            out
        }
    }
}

/// A text part: 7bit when it is ASCII in lines a message may carry, else base64.
fn text_part(kind: &str, text: &str) -> String {
    let seven_bit = text.is_ascii() && text.lines().all(|l| l.len() <= 998) && !text.contains('\0');
    if seven_bit {
        let body = text.replace("\r\n", "\n").replace('\n', "\r\n");
        format!(
            "Content-Type: text/{kind}; charset=UTF-8\r\nContent-Transfer-Encoding: 7bit\r\n\r\n{body}"
        )
    } else {
        format!(
            "Content-Type: text/{kind}; charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n\r\n{}",
            base64_lines(text.as_bytes())
        )
    }
}

/// Base64 in lines of 76 characters, as MIME wants it.
fn base64_lines(data: &[u8]) -> String {
    let encoded = base64::engine::general_purpose::STANDARD.encode(data);
    let mut out = String::with_capacity(encoded.len() + encoded.len() / 38 + 2);
    for chunk in encoded.as_bytes().chunks(76) {
        out.push_str(std::str::from_utf8(chunk).unwrap_or_default());
        out.push_str("\r\n");
    }
    out
}

/// Quoted-printable (RFC 2045 §6.7): printable ASCII as it is, the rest `=XX`, soft breaks
/// keeping lines under 76 characters; CRLF line breaks kept as they are.
fn quoted_printable(data: &[u8]) -> String {
    let mut out = String::new();
    let mut line = 0;
    let mut i = 0;
    while i < data.len() {
        let b = data[i];
        if b == b'\r' && data.get(i + 1) == Some(&b'\n') {
            out.push_str("\r\n");
            line = 0;
            i += 2;
            continue;
        }
        let at_line_end = matches!(data.get(i + 1), None | Some(b'\r'));
        let literal =
            (33..=126).contains(&b) && b != b'=' || (b == b' ' || b == b'\t') && !at_line_end;
        let piece = if literal {
            (b as char).to_string()
        } else {
            format!("={b:02X}")
        };
        if line + piece.len() > 75 {
            out.push_str("=\r\n");
            line = 0;
        }
        line += piece.len();
        out.push_str(&piece);
        i += 1;
    }
    out
}

/// A quoted MIME parameter value (`"name"`), or an RFC 2047 encoded-word outside ASCII.
/// A header parameter `key=value`: quoted when printable ASCII without `"` or `\\`, else in
/// RFC 2231's form (`key*=UTF-8''…`), which readers decode after splitting the parameters, so a
/// name holding `"`, `;` or `\\` comes back whole (mailparse leaves a quoted string's `\\"` as
/// it is).
fn param(key: &str, v: &str) -> String {
    if v.bytes()
        .all(|b| (0x20..0x7f).contains(&b) && b != b'"' && b != b'\\')
    {
        format!("{key}=\"{v}\"")
    } else {
        const ATTR: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
            .remove(b'-')
            .remove(b'.')
            .remove(b'_')
            .remove(b'~');
        format!(
            "{key}*=UTF-8''{}",
            percent_encoding::utf8_percent_encode(v, ATTR)
        )
    }
}

fn attachment_part(a: &Attachment) -> String {
    let (name, file_name) = (param("name", &a.file_name), param("filename", &a.file_name));
    let kind = a
        .content_type
        .as_deref()
        .unwrap_or("application/octet-stream");
    let disposition = match a.disposition {
        Disposition::Attachment => "attachment",
        Disposition::Inline => "inline",
    };
    let mut out = format!("Content-Type: {kind}; {name}\r\n");
    out.push_str(&format!(
        "Content-Disposition: {disposition}; {file_name}\r\n"
    ));
    if let Some(id) = &a.content_id {
        out.push_str(&format!(
            "Content-ID: <{}>\r\n",
            id.trim_matches(['<', '>'])
        ));
    }
    if let Some(d) = &a.description {
        out.push_str(&format!("Content-Description: {}\r\n", header_value(d)));
    }
    match a.encoding {
        TransferEncoding::Base64 => {
            out.push_str("Content-Transfer-Encoding: base64\r\n\r\n");
            out.push_str(&base64_lines(&a.data));
        }
        TransferEncoding::QuotedPrintable => {
            out.push_str("Content-Transfer-Encoding: quoted-printable\r\n\r\n");
            // The delimiter's line break that follows ends the part.
            out.push_str(&quoted_printable(&a.data));
        }
        TransferEncoding::SevenBit => {
            out.push_str("Content-Transfer-Encoding: 7bit\r\n\r\n");
            let text = String::from_utf8_lossy(&a.data);
            out.push_str(&text.replace("\r\n", "\n").replace('\n', "\r\n"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use mailparse::MailHeaderMap;

    use super::*;

    #[test]
    fn quoted_printable_keeps_lines_short_and_round_trips() {
        let data = format!("{} é=\t\r\nend ", "x".repeat(200));
        let qp = quoted_printable(data.as_bytes());
        assert!(qp.split("\r\n").all(|l| l.len() <= 76), "{qp}");
        let decoded = mailparse::parse_mail(
            format!("Content-Transfer-Encoding: quoted-printable\r\n\r\n{qp}").as_bytes(),
        )
        .unwrap()
        .get_body_raw()
        .unwrap();
        assert_eq!(decoded, data.as_bytes());
    }

    #[test]
    fn long_subjects_fold_into_short_encoded_words_that_decode_whole() {
        let subject = "Grüße aus Köln — ".repeat(12);
        let line = header("Subject", &header_value(&subject));
        for l in line.trim_end_matches("\r\n").split("\r\n") {
            assert!(l.len() <= 76, "{l:?} is {} long", l.len());
        }
        for word in line.split_whitespace().filter(|w| w.starts_with("=?")) {
            assert!(word.len() <= 75, "{word}");
        }
        let raw = format!("{line}\r\nb");
        let (headers, _) = mailparse::parse_headers(raw.as_bytes()).unwrap();
        assert_eq!(headers.get_first_value("Subject").unwrap(), subject);
        // Plain ASCII with spaces folds at them, and unfolds to what was given.
        let to = (0..20)
            .map(|i| format!("user{i}@example.com"))
            .collect::<Vec<_>>()
            .join(", ");
        let line = header("To", &to);
        assert!(line.split("\r\n").all(|l| l.len() <= 78));
        let raw = format!("{line}\r\nb");
        let (headers, _) = mailparse::parse_headers(raw.as_bytes()).unwrap();
        assert_eq!(headers.get_first_value("To").unwrap(), to);
    }

    #[test]
    fn boundaries_come_from_a_stable_hash() {
        let s = Simple {
            subject: Some("s".into()),
            text: Some("t".into()),
            html: Some("<p>h</p>".into()),
            ..Simple::default()
        };
        // The same on every build, platform and Rust release (SHA-256, not `DefaultHasher`).
        assert_eq!(
            boundary(&boundary_seed(&s, "id"), 1),
            boundary(&boundary_seed(&s.clone(), "id"), 1)
        );
        assert_ne!(
            boundary(&boundary_seed(&s, "id"), 1),
            boundary(&boundary_seed(&s, "id2"), 1)
        );
        let fixed = boundary(&[0u8; 32], 1);
        assert_eq!(fixed, "----=_Part_sesm_1fd4247443c9440c");
    }

    #[test]
    fn a_rendered_template_has_its_headers_and_both_parts() {
        let r = crate::model::template::Rendered {
            subject: "Grüße".into(),
            text: Some("hi".into()),
            html: Some("<b>hi</b>".into()),
        };
        let m = rendered(&r);
        assert!(
            m.starts_with("Subject: =?UTF-8?B?R3LDvMOfZQ==?=\r\nMIME-Version: 1.0\r\n"),
            "{m}"
        );
        assert!(m.contains("multipart/alternative"));
        assert_eq!(m, rendered(&r), "reproducible");
        let parsed = mailparse::parse_mail(m.as_bytes()).unwrap();
        assert_eq!(parsed.subparts.len(), 2);
        assert_eq!(parsed.subparts[0].get_body().unwrap().trim(), "hi");
        assert_eq!(parsed.subparts[1].get_body().unwrap().trim(), "<b>hi</b>");
    }
}
