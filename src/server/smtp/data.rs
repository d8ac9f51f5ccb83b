//! DATA: the message read to its `.` line within SES's size and the server's body budget,
//! then sent through the same operation as SendRawEmail.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite, BufReader};

use super::lines::{Line, read_line};
use super::{MAX_DATA_LINE, MAX_MESSAGE, Session, Smtp};
use crate::error::{Error, Kind, Result, SesCode};
use crate::model::sending::Outgoing;
use crate::ops::message::RawEnvelope;
use crate::server::Shared;
use crate::server::budget::{Budget, Charge};
use crate::server::guard::escape;

pub(super) enum Data {
    /// The message, and its charge to SMTP's budget (held until it is sent).
    Message(Vec<u8>, Charge),
    /// The message was read to its end and refused: the reply.
    Refused(String),
    /// The connection must close (after this reply, if any).
    Closed(Option<String>),
}

/// Memory a message holds per byte: its bytes, and the message the send builds from them.
const MEMORY_PER_BYTE: usize = 2;
/// What a message's buffer grows by at least, so it is charged a bounded number of times.
const GROWTH: usize = 256 * 1024;

/// Reads DATA to its `.` line, undoing dot-stuffing; bounded by SES's size (the rest is read
/// and dropped, then refused) and by SMTP's budget. A bare LF ends the session at once, as
/// Postfix's `smtpd_forbid_bare_newline = yes` does: `<LF>.<CR><LF>` is how a message is
/// smuggled past a server that takes it for the end of DATA (CVE-2023-51764), and sesm must
/// not run what follows as commands, nor leave a relay in front of it to disagree.
pub(super) async fn data<S: AsyncRead + AsyncWrite + Unpin>(
    r: &mut BufReader<S>,
    idle: Duration,
    budget: &Arc<Budget>,
) -> Data {
    let mut message = Vec::new();
    let mut charge = budget.holder();
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
                return Data::Closed(Some("550 5.5.2 Error: bare <LF> received".into()));
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
            message = Vec::new();
            charge.release();
            continue;
        }
        let line = line.strip_prefix(b".").unwrap_or(&line);
        if message.len() + line.len() + 2 > MAX_MESSAGE {
            refused = Some(format!(
                "552 5.3.4 Message size exceeds fixed maximum message size ({MAX_MESSAGE} bytes)"
            ));
            message = Vec::new();
            charge.release();
            continue;
        }
        // The bytes held count against SMTP's budget as they arrive.
        let needed = message.len() + line.len() + 2;
        if needed > message.capacity() {
            let capacity = (message.capacity() + GROWTH.max(message.capacity() / 4))
                .clamp(needed, MAX_MESSAGE);
            let deadline = tokio::time::Instant::now() + idle;
            if charge
                .grow_to(capacity * MEMORY_PER_BYTE, deadline)
                .await
                .is_err()
            {
                return Data::Closed(Some(
                    "454 Temporary service failure: the server is busy; retry".into(),
                ));
            }
            message.reserve_exact(capacity - message.len());
        }
        message.extend_from_slice(line);
        message.extend_from_slice(b"\r\n");
    }
    match refused {
        Some(why) => Data::Refused(why),
        None => Data::Message(message, charge),
    }
}

/// Sends the message through the send operation; SES's SMTP reply.
pub(super) async fn deliver(
    st: &Session,
    bytes: Vec<u8>,
    peer: SocketAddr,
    shared: &Arc<Shared>,
    smtp: &Smtp,
) -> String {
    let envelope_from = st.from.clone().unwrap_or_default();
    let recipients = st.recipients.clone();
    let region = smtp.options.region.clone();
    let msg = match outgoing(&envelope_from, recipients, bytes) {
        Ok(m) => m,
        Err(e) => return smtp_error(&e),
    };
    // The send writes and syncs files under the state lock: on a blocking thread, a few sends
    // at a time (the others wait as tasks, so a burst of sessions is not a burst of threads).
    let Ok(Ok(_turn)) =
        tokio::time::timeout(smtp.options.idle_timeout, smtp.senders.acquire()).await
    else {
        return "454 Temporary service failure".to_string();
    };
    let (from, count) = (
        msg.from.clone(),
        msg.to.len() + msg.cc.len() + msg.bcc.len(),
    );
    let worker = Arc::clone(shared);
    let result = tokio::task::spawn_blocking(move || worker.api.send_message(&region, &msg)).await;
    let result = result.unwrap_or_else(|_| {
        Err(Error::internal(
            "sesm failed while sending this message; nothing was kept",
        ))
    });
    match result {
        Ok(id) => {
            shared.log.line(format!(
                "smtp {} {} -> {count} recipient(s): 250 {id}",
                peer.ip(),
                escape(&from),
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
    crate::ops::message::outgoing_from_raw(bytes, env)
}

/// A refusal as SES's SMTP endpoint words it ("SMTP response codes returned by Amazon SES").
/// What failed on sesm's side (the state or the mail could not be written: a full disk) is
/// transient, `451`, so a relay keeps the message and tries again instead of bouncing it.
fn smtp_error(e: &Error) -> String {
    let text = e.message.replace(['\r', '\n'], " ");
    match &e.kind {
        Kind::Ses(SesCode::MessageRejected) | Kind::Ses(SesCode::SendingPaused) => {
            format!("554 Message rejected: {text}")
        }
        Kind::Ses(SesCode::NotFound) => format!("554 Configuration Set does not exist: {text}"),
        Kind::Lock => "454 Temporary service failure".to_string(),
        Kind::State | Kind::Internal | Kind::Output => {
            format!(
                "451 4.3.0 Local error in processing: the message was not kept ({text}); try again later"
            )
        }
        Kind::Ses(_) | Kind::InvalidParameter => format!("554 Transaction failed: {text}"),
    }
}
