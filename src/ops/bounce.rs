//! Bounce messages for received mail: SES v1's `SendBounce` and a receipt rule's Bounce
//! action both send the sender a delivery status notification (RFC 3464: a
//! `multipart/report` with a human part, a `message/delivery-status` part and the original
//! headers) from a verified address, through the same send as every message, so it lands in
//! the outbox. Source: SES v1 API reference (`SendBounce`, `BouncedRecipientInfo`,
//! `RecipientDsnFields`, `MessageDsn`), the Bounce action page (reply and status codes).

use jiff::Timestamp;

use crate::error::{Error, Result};
use crate::model::inbound::InboundRecord;
use crate::model::sending::Outgoing;
use crate::ops::message::{RawEnvelope, outgoing_from_raw};

/// One bounced recipient and what the report says of it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Recipient {
    pub address: String,
    /// `failed`, `delayed`, `delivered`, `relayed` or `expanded`.
    pub action: String,
    /// An RFC 3463 status (`5.1.1`).
    pub status: String,
    pub diagnostic: Option<String>,
    pub remote_mta: Option<String>,
    /// `Name: value` lines added to the recipient's fields.
    pub extensions: Vec<(String, String)>,
}

/// A bounce to send: from whom, about which received message, for which recipients.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Bounce {
    pub sender: String,
    pub explanation: Option<String>,
    pub reporting_mta: Option<String>,
    pub arrival: Option<Timestamp>,
    pub extensions: Vec<(String, String)>,
    pub recipients: Vec<Recipient>,
}

/// `BounceType`'s status and SMTP reply (the Bounce action's templates: Mailbox Does Not
/// Exist 550 5.1.1, Message Too Large 552 5.3.4, Mailbox Full 552 5.2.2, Message Content
/// Rejected 500 5.6.1, Unknown Failure 554 5.0.0, Temporary Failure 450 4.0.0).
pub fn bounce_type(kind: &str) -> Result<(&'static str, &'static str)> {
    Ok(match kind {
        "DoesNotExist" => ("5.1.1", "550"),
        "MessageTooLarge" => ("5.3.4", "552"),
        "ExceededQuota" => ("5.2.2", "552"),
        "ContentRejected" => ("5.6.1", "500"),
        "Undefined" => ("5.0.0", "554"),
        "TemporaryFailure" => ("4.0.0", "450"),
        other => {
            return Err(crate::model::rules::enum_error(
                other,
                "bouncedRecipientInfoList.member.bounceType",
                &[
                    "DoesNotExist",
                    "MessageTooLarge",
                    "ExceededQuota",
                    "ContentRejected",
                    "Undefined",
                    "TemporaryFailure",
                ],
            ));
        }
    })
}

/// The DSN's text (CRLF lines; the original's headers are quoted in its third part).
fn dsn(b: &Bounce, original: &InboundRecord, headers: &str, now: Timestamp) -> Vec<u8> {
    use sha2::{Digest, Sha256};
    let boundary: String = Sha256::digest(format!("{}{}", original.message_id, now).as_bytes())
        [..12]
        .iter()
        .map(|x| format!("{x:02x}"))
        .collect();
    let date = now.strftime("%a, %d %b %Y %H:%M:%S +0000").to_string();
    let explanation = b.explanation.clone().unwrap_or_else(|| {
        let list: Vec<String> = b
            .recipients
            .iter()
            .map(|r| format!("{} ({})", r.address, r.status))
            .collect();
        format!(
            "Your message could not be delivered to: {}.",
            list.join(", ")
        )
    });
    let mta = b
        .reporting_mta
        .clone()
        .unwrap_or_else(|| format!("dns; inbound-smtp.{}.amazonaws.com", original.region));
    let arrival = b.arrival.unwrap_or(original.time);
    let mut report = format!(
        "Reporting-MTA: {mta}\r\nArrival-Date: {}\r\n",
        arrival.strftime("%a, %d %b %Y %H:%M:%S +0000")
    );
    for (k, v) in &b.extensions {
        report.push_str(&format!("{k}: {v}\r\n"));
    }
    for r in &b.recipients {
        report.push_str(&format!(
            "\r\nFinal-Recipient: rfc822; {}\r\nAction: {}\r\nStatus: {}\r\n",
            r.address, r.action, r.status
        ));
        if let Some(m) = &r.remote_mta {
            report.push_str(&format!("Remote-MTA: dns; {m}\r\n"));
        }
        if let Some(d) = &r.diagnostic {
            report.push_str(&format!("Diagnostic-Code: {d}\r\n"));
        }
        for (k, v) in &r.extensions {
            report.push_str(&format!("{k}: {v}\r\n"));
        }
    }
    let text = format!(
        "From: {from}\r\nTo: {to}\r\nSubject: Delivery Status Notification (Failure)\r\nDate: {date}\r\nMIME-Version: 1.0\r\nContent-Type: multipart/report; report-type=delivery-status; boundary=\"{boundary}\"\r\n\r\n--{boundary}\r\nContent-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n{explanation}\r\n\r\n--{boundary}\r\nContent-Type: message/delivery-status\r\n\r\n{report}\r\n--{boundary}\r\nContent-Type: text/rfc822-headers\r\n\r\n{headers}\r\n--{boundary}--\r\n",
        from = b.sender,
        to = original.source,
    );
    text.into_bytes()
}

/// The bounce as a message to send: from `b.sender` (which the send checks is verified) to
/// the received message's envelope sender. A message with a null sender gets no bounce.
pub fn message(
    b: &Bounce,
    original: &InboundRecord,
    headers: &str,
    now: Timestamp,
) -> Result<Outgoing> {
    if original.source.is_empty() {
        return Err(Error::bad_request(format!(
            "Message {} came with a null sender (MAIL FROM:<>): there is no one to bounce it to.",
            original.message_id
        )));
    }
    if b.recipients.is_empty() {
        return Err(Error::bad_request(
            "BouncedRecipientInfoList must name at least one recipient.",
        ));
    }
    outgoing_from_raw(
        dsn(b, original, headers, now),
        RawEnvelope {
            from: Some(b.sender.clone()),
            to: vec![original.source.clone()],
            ..RawEnvelope::default()
        },
    )
}

/// SendBounce's checks of the received message (rule B1): it must be one the region received,
/// at most 24 hours ago ("You can only use this operation on an email up to 24 hours after you
/// receive it").
pub fn check_original(
    original: Option<&InboundRecord>,
    id: &str,
    region: &str,
    now: Timestamp,
) -> Result<()> {
    let not_received = || {
        Error::message_rejected(format!(
            "Message {id} was not received by SES in region {region}: SendBounce bounces mail SES received."
        ))
    };
    let r = original.ok_or_else(not_received)?;
    if r.region != region {
        return Err(not_received());
    }
    if now.duration_since(r.time).as_secs() > 24 * 3600 {
        return Err(Error::message_rejected(format!(
            "Message {id} was received more than 24 hours ago; SendBounce takes mail up to 24 hours old."
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn original() -> InboundRecord {
        InboundRecord {
            seq: 1,
            message_id: "m1".into(),
            time: Timestamp::UNIX_EPOCH,
            region: "us-east-1".into(),
            source: "sender@else.org".into(),
            recipients: vec!["support@example.com".into()],
            destination: vec![],
            subject: None,
            size: 10,
            client_ip: "127.0.0.1".into(),
            rule_set: None,
            actions: vec![],
        }
    }

    #[test]
    fn a_dsn_reports_each_recipient() {
        let b = Bounce {
            sender: "mailer@example.com".into(),
            recipients: vec![Recipient {
                address: "support@example.com".into(),
                action: "failed".into(),
                status: "5.1.1".into(),
                diagnostic: Some("smtp; 550 5.1.1 no such user".into()),
                ..Default::default()
            }],
            ..Default::default()
        };
        let text =
            String::from_utf8(dsn(&b, &original(), "Subject: hi", Timestamp::UNIX_EPOCH)).unwrap();
        assert!(text.contains("Final-Recipient: rfc822; support@example.com\r\nAction: failed\r\nStatus: 5.1.1\r\nDiagnostic-Code: smtp; 550 5.1.1 no such user"), "{text}");
        assert!(text.contains("To: sender@else.org") && text.contains("Subject: hi"));
        let m = message(&b, &original(), "Subject: hi", Timestamp::UNIX_EPOCH).unwrap();
        assert_eq!(m.to, vec!["sender@else.org".to_string()]);
        assert_eq!(bounce_type("ExceededQuota").unwrap(), ("5.2.2", "552"));
        assert!(bounce_type("Nope").is_err());
        let late = Timestamp::UNIX_EPOCH + jiff::SignedDuration::from_hours(25);
        assert!(check_original(Some(&original()), "m1", "us-east-1", late).is_err());
        assert!(
            check_original(Some(&original()), "m1", "eu-west-1", Timestamp::UNIX_EPOCH).is_err()
        );
        assert!(check_original(None, "m1", "us-east-1", Timestamp::UNIX_EPOCH).is_err());
    }
}
