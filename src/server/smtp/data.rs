//! DATA: the message read to its `.` line within SES's size and the server's body budget,
//! then sent through the same operation as SendRawEmail.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite, BufReader};

use super::lines::{Line, read_line};
use super::{MAX_DATA_LINE, MAX_MESSAGE, Session, Smtp};
use crate::error::{Error, Kind, Result, SesCode};
use crate::model::sending::{Content, Outgoing, SendCall};
use crate::ops::message::RawEnvelope;
use crate::server::Shared;
use crate::server::guard::escape;

pub(super) enum Data {
    Message(Vec<u8>),
    /// The message was read to its end and refused: the reply.
    Refused(String),
    /// The connection must close (after this reply, if any).
    Closed(Option<String>),
}

/// Reads DATA to its `.` line, undoing dot-stuffing; bounded by SES's size (the rest is read
/// and dropped, then refused) and by the server's body budget.
pub(super) async fn data<S: AsyncRead + AsyncWrite + Unpin>(
    r: &mut BufReader<S>,
    idle: Duration,
    shared: &Shared,
) -> Data {
    let mut message = Vec::new();
    let mut permits: Vec<tokio::sync::OwnedSemaphorePermit> = Vec::new();
    let mut held_kib = 0usize;
    let mut refused: Option<String> = None;
    loop {
        let line = match tokio::time::timeout(idle, read_line(r, MAX_DATA_LINE)).await {
            Err(_) => {
                return Data::Closed(Some("421 Timeout waiting for data from client.".into()));
            }
            Ok(Err(_)) | Ok(Ok(Line::Eof)) => return Data::Closed(None),
            Ok(Ok(Line::TooLong)) => {
                refused.get_or_insert_with(|| {
                    format!("554 Transaction failed: a line of the message is longer than {MAX_DATA_LINE} bytes")
                });
                continue;
            }
            Ok(Ok(Line::BareLf)) => {
                refused.get_or_insert_with(|| {
                    "554 Transaction failed: the message has a bare LF (lines must end with CRLF)"
                        .to_string()
                });
                continue;
            }
            Ok(Ok(Line::Text(l))) => l,
        };
        if line == b"." {
            break;
        }
        if refused.is_some() {
            continue;
        }
        if line.contains(&0) {
            refused = Some("554 Transaction failed: the message contains NUL characters".into());
            message.clear();
            continue;
        }
        let line = line.strip_prefix(b".").unwrap_or(&line);
        if message.len() + line.len() + 2 > MAX_MESSAGE {
            refused = Some(format!(
                "552 5.3.4 Message size exceeds fixed maximum message size ({MAX_MESSAGE} bytes)"
            ));
            message = Vec::new();
            permits.clear();
            held_kib = 0;
            continue;
        }
        // The bytes held count against the server's body budget, a KiB at a time.
        let need_kib = (message.len() + line.len() + 2).div_ceil(1024);
        if need_kib > held_kib {
            let more = (need_kib - held_kib).max(256);
            match tokio::time::timeout(
                idle,
                Arc::clone(&shared.budget).acquire_many_owned(more as u32),
            )
            .await
            {
                Ok(Ok(p)) => {
                    permits.push(p);
                    held_kib += more;
                }
                _ => {
                    return Data::Closed(Some(
                        "454 Temporary service failure: the server is busy; retry".into(),
                    ));
                }
            }
        }
        message.extend_from_slice(line);
        message.extend_from_slice(b"\r\n");
    }
    match refused {
        Some(why) => Data::Refused(why),
        None => Data::Message(message),
    }
}

/// Sends the message through the send operation; SES's SMTP reply.
pub(super) async fn deliver(
    st: &Session,
    bytes: Vec<u8>,
    peer: SocketAddr,
    shared: &Shared,
    smtp: &Smtp,
) -> String {
    let envelope_from = st.from.clone().unwrap_or_default();
    let recipients = st.recipients.clone();
    let region = smtp.options.region.clone();
    let msg = match outgoing(&envelope_from, recipients, bytes) {
        Ok(m) => m,
        Err(e) => return smtp_error(&e),
    };
    let api = &shared.api;
    // The send writes and syncs files under the state lock: off the async workers.
    let result = tokio::task::block_in_place(|| api.send_message(&region, &msg));
    match result {
        Ok(id) => {
            shared.log.line(format!(
                "smtp {} {} -> {} recipient(s): 250 {id}",
                peer.ip(),
                escape(&msg.from),
                msg.to.len() + msg.cc.len() + msg.bcc.len()
            ));
            format!("250 Ok {id}")
        }
        Err(e) => smtp_error(&e),
    }
}

/// The message to send: what SendRawEmail gets from a raw message with `Source` (the
/// envelope sender; a null reverse-path `MAIL FROM:<>` leaves the From header's) and
/// `Destinations` (the envelope recipients).
fn outgoing(envelope_from: &str, recipients: Vec<String>, bytes: Vec<u8>) -> Result<Outgoing> {
    let env = RawEnvelope {
        from: (!envelope_from.is_empty()).then(|| envelope_from.to_string()),
        to: recipients,
        ..RawEnvelope::default()
    };
    // SMTP's own name in the `ses:operation` auto-tag (docs/decisions.md).
    crate::ops::message::outgoing_from_raw(bytes, env).map(|msg| Outgoing {
        call: SendCall::new("SendSmtpEmail", Content::Raw),
        ..msg
    })
}

/// A refusal as SES's SMTP endpoint words it ("SMTP response codes returned by Amazon SES").
fn smtp_error(e: &Error) -> String {
    let text = e.message.replace(['\r', '\n'], " ");
    match &e.kind {
        Kind::Ses(SesCode::MessageRejected) | Kind::Ses(SesCode::SendingPaused) => {
            format!("554 Message rejected: {text}")
        }
        Kind::Ses(SesCode::NotFound) => format!("554 Configuration Set does not exist: {text}"),
        Kind::Lock => "454 Temporary service failure".to_string(),
        _ => format!("554 Transaction failed: {text}"),
    }
}
