//! The SMTP interface (`sesm serve --smtp-port`), as SES's SMTP endpoint answers: ESMTP with
//! STARTTLS (a self-signed certificate made at start), AUTH PLAIN and LOGIN with SES SMTP
//! credentials, SIZE, 8BITMIME, PIPELINING; each message goes through the same send operation
//! as SendEmail's Raw content (`ops::message::read_raw`, `ops::send`): the envelope recipients
//! are the destination, the headers' `X-SES-CONFIGURATION-SET` picks the set.
//!
//! A small state machine on tokio, driven line by line: no maintained SMTP server crate both
//! embeds in a tokio server and lets the reply texts be SES's (docs/decisions.md). Lines are
//! bounded, bare LF and NUL refused, an idle client closed with 421, and message bodies count
//! against the HTTP side's body budget.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use base64::Engine;
use tokio::io::{AsyncBufRead, AsyncBufReadExt, AsyncRead, AsyncWrite, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

use super::Shared;
use super::guard::escape;
use crate::error::{Error, Kind, Result, SesCode};
use crate::model::message::Body;
use crate::model::sending::Outgoing;

/// What SES's SMTP endpoint takes: messages up to 40 MB, 50 recipients.
pub const MAX_MESSAGE: usize = 40 * 1024 * 1024;
const MAX_RECIPIENTS: usize = 50;
/// A command line (AUTH's base64 included) is at most this long; a longer one is refused and
/// the connection closed.
const MAX_COMMAND: usize = 4096;
/// A line of a message's data is at most this long (RFC 5322 says 998; some mailers write
/// more).
const MAX_DATA_LINE: usize = 64 * 1024;
const HOST: &str = "email-smtp.amazonaws.com";

/// How the SMTP interface runs.
pub struct SmtpOptions {
    pub region: String,
    /// `--smtp-credentials`: access key IDs and the SMTP password of each; empty: any
    /// credentials are accepted.
    pub credentials: Vec<(String, String)>,
    pub idle_timeout: Duration,
    /// Whether plain-text AUTH is allowed (a loopback listener).
    pub loopback: bool,
}

/// The SMTP side's shared parts.
pub struct Smtp {
    pub options: SmtpOptions,
    pub tls: Arc<rustls::ServerConfig>,
    /// The certificate's SHA-256 fingerprint, for the log.
    pub fingerprint: String,
    plain_auth_logged: AtomicBool,
}

impl Smtp {
    /// Makes the self-signed certificate STARTTLS serves.
    pub fn new(options: SmtpOptions) -> Result<Smtp> {
        let cert =
            rcgen::generate_simple_self_signed(vec![HOST.to_string(), "localhost".into()])
                .map_err(|e| Error::internal(format!("cannot make the SMTP certificate: {e}")))?;
        let der = cert.cert.der().clone();
        let fingerprint = {
            use sha2::{Digest, Sha256};
            Sha256::digest(der.as_ref())
                .iter()
                .map(|b| format!("{b:02X}"))
                .collect::<Vec<_>>()
                .join(":")
        };
        let key = rustls::pki_types::PrivateKeyDer::Pkcs8(
            rustls::pki_types::PrivatePkcs8KeyDer::from(cert.key_pair.serialize_der()),
        );
        // ring, not aws-lc-rs: it builds without cmake or a C toolchain beyond cc; the
        // post-quantum key exchange it lacks does not matter to a local test endpoint.
        #[allow(deprecated)]
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let tls = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| Error::internal(format!("cannot set up TLS: {e}")))?
            .with_no_client_auth()
            .with_single_cert(vec![der], key)
            .map_err(|e| Error::internal(format!("cannot set up TLS: {e}")))?;
        Ok(Smtp {
            options,
            tls: Arc::new(tls),
            fingerprint,
            plain_auth_logged: AtomicBool::new(false),
        })
    }
}

/// Accepts SMTP connections until a stop is asked for.
pub(super) async fn accept(
    listener: TcpListener,
    shared: Arc<Shared>,
    smtp: Arc<Smtp>,
    mut stop: watch::Receiver<bool>,
) {
    loop {
        let accepted = tokio::select! {
            _ = stop.changed() => return,
            accepted = listener.accept() => accepted,
        };
        let Ok((stream, peer)) = accepted else {
            tokio::time::sleep(Duration::from_millis(10)).await;
            continue;
        };
        // SMTP is a dialogue of short lines: without this each reply waits on the client's
        // delayed ACK (Nagle), some 40 ms a command.
        let _ = stream.set_nodelay(true);
        if shared.connections.fetch_add(1, Ordering::SeqCst) >= shared.max_connections {
            shared.connections.fetch_sub(1, Ordering::SeqCst);
            tokio::spawn(async move {
                let mut stream = stream;
                let _ = stream
                    .write_all(b"421 Too many connections, try again later\r\n")
                    .await;
            });
            continue;
        }
        let (shared, smtp) = (Arc::clone(&shared), Arc::clone(&smtp));
        tokio::spawn(async move {
            session(stream, peer, &shared, &smtp).await;
            shared.connections.fetch_sub(1, Ordering::SeqCst);
        });
    }
}

/// Where a session is.
#[derive(Default)]
struct Session {
    greeted: bool,
    tls: bool,
    authed: bool,
    from: Option<String>,
    recipients: Vec<String>,
}

impl Session {
    fn reset(&mut self) {
        self.from = None;
        self.recipients.clear();
    }
}

/// Why a session ended early.
enum End {
    /// Close the connection (after the reply already written).
    Close,
    /// Upgrade to TLS, then go on.
    StartTls,
}

async fn session(stream: TcpStream, peer: SocketAddr, shared: &Shared, smtp: &Smtp) {
    let mut state = Session::default();
    let mut reader = BufReader::new(stream);
    if reply(
        reader.get_mut(),
        &format!("220 {HOST} ESMTP SimpleEmailService-sesm"),
    )
    .await
    .is_err()
    {
        return;
    }
    match run(&mut reader, &mut state, peer, shared, smtp).await {
        End::Close => {}
        End::StartTls => {
            let stream = reader.into_inner();
            let acceptor = tokio_rustls::TlsAcceptor::from(Arc::clone(&smtp.tls));
            let Ok(Ok(tls)) =
                tokio::time::timeout(smtp.options.idle_timeout, acceptor.accept(stream)).await
            else {
                return;
            };
            // RFC 3207: the client starts over with EHLO; nothing said before counts.
            let mut state = Session {
                tls: true,
                ..Session::default()
            };
            let mut reader = BufReader::new(tls);
            let _ = run(&mut reader, &mut state, peer, shared, smtp).await;
        }
    }
}

async fn reply<W: AsyncWrite + Unpin>(w: &mut W, line: &str) -> std::io::Result<()> {
    w.write_all(line.as_bytes()).await?;
    w.write_all(b"\r\n").await?;
    w.flush().await
}

/// A line read: its text (without CRLF), or why it was refused.
enum Line {
    Text(Vec<u8>),
    TooLong,
    BareLf,
    Eof,
}

/// Reads one CRLF-terminated line of at most `max` bytes; a longer one is consumed to its end
/// (so the connection stays in step) and reported.
async fn read_line<R: AsyncBufRead + Unpin>(r: &mut R, max: usize) -> std::io::Result<Line> {
    let mut line = Vec::new();
    let mut too_long = false;
    loop {
        let buf = r.fill_buf().await?;
        if buf.is_empty() {
            return Ok(Line::Eof);
        }
        match buf.iter().position(|&b| b == b'\n') {
            Some(i) => {
                if !too_long {
                    line.extend_from_slice(&buf[..i]);
                }
                r.consume(i + 1);
                if too_long || line.len() > max {
                    return Ok(Line::TooLong);
                }
                if line.last() != Some(&b'\r') {
                    return Ok(Line::BareLf);
                }
                line.pop();
                return Ok(Line::Text(line));
            }
            None => {
                let n = buf.len();
                if !too_long {
                    line.extend_from_slice(buf);
                    if line.len() > max {
                        too_long = true;
                        line.clear();
                    }
                }
                r.consume(n);
            }
        }
    }
}

/// The address of `FROM:<a@b> SIZE=…` / `TO:<a@b>`, and the parameters after it.
fn path_arg<'a>(arg: &'a str, prefix: &str) -> Option<(&'a str, &'a str)> {
    let rest = arg.get(..prefix.len())?;
    if !rest.eq_ignore_ascii_case(prefix) {
        return None;
    }
    let rest = arg[prefix.len()..].trim_start();
    let rest = rest.strip_prefix('<')?;
    let end = rest.find('>')?;
    Some((rest[..end].trim(), rest[end + 1..].trim()))
}

async fn run<S: AsyncRead + AsyncWrite + Unpin>(
    r: &mut BufReader<S>,
    st: &mut Session,
    peer: SocketAddr,
    shared: &Shared,
    smtp: &Smtp,
) -> End {
    let idle = smtp.options.idle_timeout;
    loop {
        let line = match tokio::time::timeout(idle, read_line(r, MAX_COMMAND)).await {
            Err(_) => {
                let _ = reply(r.get_mut(), "421 Timeout waiting for data from client.").await;
                return End::Close;
            }
            Ok(Err(_)) | Ok(Ok(Line::Eof)) => return End::Close,
            Ok(Ok(Line::TooLong)) => {
                let _ = reply(r.get_mut(), "500 5.5.2 Line too long").await;
                return End::Close;
            }
            Ok(Ok(Line::BareLf)) => {
                let _ = reply(r.get_mut(), "500 5.5.2 Bare LF: SMTP lines end with CRLF").await;
                continue;
            }
            Ok(Ok(Line::Text(l))) => l,
        };
        if line.contains(&0) {
            let _ = reply(r.get_mut(), "500 5.5.2 NUL characters are not allowed").await;
            continue;
        }
        let text = String::from_utf8_lossy(&line).into_owned();
        let (verb, arg) = match text.split_once(' ') {
            Some((v, a)) => (v.to_ascii_uppercase(), a.trim().to_string()),
            None => (text.trim().to_ascii_uppercase(), String::new()),
        };
        let answer = match verb.as_str() {
            "EHLO" | "HELO" => {
                if arg.is_empty() {
                    "501 Syntax: EHLO hostname".to_string()
                } else {
                    st.greeted = true;
                    st.reset();
                    if verb == "HELO" {
                        format!("250 {HOST}")
                    } else {
                        let mut lines = vec![
                            format!("250-{HOST}"),
                            "250-8BITMIME".into(),
                            "250-PIPELINING".into(),
                            format!("250-SIZE {MAX_MESSAGE}"),
                        ];
                        if !st.tls {
                            lines.push("250-STARTTLS".into());
                        }
                        lines.push("250-AUTH PLAIN LOGIN".into());
                        lines.push("250 Ok".into());
                        lines.join("\r\n")
                    }
                }
            }
            "STARTTLS" if !st.tls => {
                // Anything pipelined after STARTTLS would be read in plain text.
                if !r.buffer().is_empty() {
                    "503 5.5.1 Nothing may follow STARTTLS before the TLS handshake".to_string()
                } else {
                    if reply(r.get_mut(), "220 Ready to start TLS").await.is_err() {
                        return End::Close;
                    }
                    return End::StartTls;
                }
            }
            "STARTTLS" => "503 5.5.1 TLS already active".to_string(),
            "AUTH" => match auth(r, st, &arg, smtp, shared).await {
                Some(a) => a,
                None => return End::Close,
            },
            "MAIL" => {
                if !st.authed {
                    "530 Authentication required".to_string()
                } else if st.from.is_some() {
                    "503 5.5.1 Sender already given".to_string()
                } else {
                    match path_arg(&arg, "FROM:") {
                        None => "501 5.5.4 Syntax: MAIL FROM:<address>".to_string(),
                        Some((addr, params)) => {
                            let size = params.split_whitespace().find_map(|p| {
                                let (k, v) = p.split_once('=')?;
                                k.eq_ignore_ascii_case("SIZE")
                                    .then(|| v.parse::<usize>().ok())?
                            });
                            if size.is_some_and(|s| s > MAX_MESSAGE) {
                                "552 5.3.4 Message size exceeds fixed maximum message size"
                                    .to_string()
                            } else {
                                st.from = Some(addr.to_string());
                                "250 Ok".to_string()
                            }
                        }
                    }
                }
            }
            "RCPT" => {
                if st.from.is_none() {
                    "503 5.5.1 Need MAIL FROM first".to_string()
                } else if st.recipients.len() >= MAX_RECIPIENTS {
                    format!(
                        "554 Message rejected: Too many recipients: SES takes at most {MAX_RECIPIENTS} per message"
                    )
                } else {
                    match path_arg(&arg, "TO:") {
                        Some((addr, _)) if !addr.is_empty() => {
                            st.recipients.push(addr.to_string());
                            "250 Ok".to_string()
                        }
                        _ => "501 5.5.4 Syntax: RCPT TO:<address>".to_string(),
                    }
                }
            }
            "DATA" => {
                if st.recipients.is_empty() {
                    "503 5.5.1 Need RCPT TO first".to_string()
                } else {
                    if reply(r.get_mut(), "354 End data with <CR><LF>.<CR><LF>")
                        .await
                        .is_err()
                    {
                        return End::Close;
                    }
                    match data(r, idle, shared).await {
                        Data::Message(bytes) => {
                            let a = deliver(st, bytes, peer, shared, smtp).await;
                            st.reset();
                            a
                        }
                        Data::Refused(why) => {
                            st.reset();
                            why
                        }
                        Data::Closed(why) => {
                            if let Some(why) = why {
                                let _ = reply(r.get_mut(), &why).await;
                            }
                            return End::Close;
                        }
                    }
                }
            }
            "BDAT" => "502 5.5.1 BDAT is not offered; use DATA".to_string(),
            "RSET" => {
                st.reset();
                "250 Ok".to_string()
            }
            "NOOP" => "250 Ok".to_string(),
            "HELP" => "214 Commands: EHLO HELO STARTTLS AUTH MAIL RCPT DATA RSET NOOP QUIT HELP"
                .to_string(),
            "QUIT" => {
                let _ = reply(r.get_mut(), "221 Bye").await;
                return End::Close;
            }
            "VRFY" | "EXPN" | "TURN" | "ETRN" => "502 5.5.1 Command not implemented".to_string(),
            _ => "500 5.5.2 Syntax error, command unrecognized".to_string(),
        };
        if reply(r.get_mut(), &answer).await.is_err() {
            return End::Close;
        }
    }
}

/// AUTH PLAIN [initial] and AUTH LOGIN; `None` when the client went away.
async fn auth<S: AsyncRead + AsyncWrite + Unpin>(
    r: &mut BufReader<S>,
    st: &mut Session,
    arg: &str,
    smtp: &Smtp,
    shared: &Shared,
) -> Option<String> {
    if st.authed {
        return Some("503 5.5.1 Already authenticated".into());
    }
    if !st.greeted {
        return Some("503 5.5.1 Send EHLO first".into());
    }
    if !st.tls {
        if !smtp.options.loopback {
            return Some("530 Must issue a STARTTLS command first".into());
        }
        if !smtp.plain_auth_logged.swap(true, Ordering::SeqCst) {
            shared.log.line(
                "smtp: a client authenticated without STARTTLS; accepted on loopback (SES requires STARTTLS first)"
                    .to_string(),
            );
        }
    }
    let mut parts = arg.split_whitespace();
    let mechanism = parts.next().unwrap_or_default().to_ascii_uppercase();
    let initial = parts.next().map(str::to_string);
    let b64 = base64::engine::general_purpose::STANDARD;
    let idle = smtp.options.idle_timeout;
    let ask = async |r: &mut BufReader<S>, prompt: &str| -> Option<Option<Vec<u8>>> {
        reply(r.get_mut(), prompt).await.ok()?;
        match tokio::time::timeout(idle, read_line(r, MAX_COMMAND)).await {
            Ok(Ok(Line::Text(l))) if l == b"*" => Some(None),
            Ok(Ok(Line::Text(l))) => Some(Some(l)),
            _ => None,
        }
    };
    let (user, password) = match mechanism.as_str() {
        "PLAIN" => {
            let response = match initial {
                Some(i) => i.into_bytes(),
                None => match ask(r, "334 ").await? {
                    Some(l) => l,
                    None => return Some("501 5.7.0 Authentication cancelled".into()),
                },
            };
            let Ok(decoded) = b64.decode(&response) else {
                return Some("501 5.5.2 Cannot decode the response (base64)".into());
            };
            let fields: Vec<&[u8]> = decoded.split(|&b| b == 0).collect();
            let [_, user, password] = fields.as_slice() else {
                return Some("501 5.5.2 Malformed PLAIN response".into());
            };
            (
                String::from_utf8_lossy(user).into_owned(),
                String::from_utf8_lossy(password).into_owned(),
            )
        }
        "LOGIN" => {
            let user = match initial {
                Some(i) => i.into_bytes(),
                None => match ask(r, "334 VXNlcm5hbWU6").await? {
                    Some(l) => l,
                    None => return Some("501 5.7.0 Authentication cancelled".into()),
                },
            };
            let password = match ask(r, "334 UGFzc3dvcmQ6").await? {
                Some(l) => l,
                None => return Some("501 5.7.0 Authentication cancelled".into()),
            };
            match (b64.decode(&user), b64.decode(&password)) {
                (Ok(u), Ok(p)) => (
                    String::from_utf8_lossy(&u).into_owned(),
                    String::from_utf8_lossy(&p).into_owned(),
                ),
                _ => return Some("501 5.5.2 Cannot decode the response (base64)".into()),
            }
        }
        _ => return Some("504 5.5.4 Unrecognized authentication type".into()),
    };
    let creds = &smtp.options.credentials;
    let ok = creds.is_empty()
        || creds
            .iter()
            .any(|(key, pass)| *key == user && *pass == password);
    if ok {
        st.authed = true;
        Some("235 Authentication successful.".into())
    } else {
        shared
            .log
            .line(format!("smtp: AUTH refused for user {}", escape(&user)));
        Some("535 Authentication Credentials Invalid".into())
    }
}

enum Data {
    Message(Vec<u8>),
    /// The message was read to its end and refused: the reply.
    Refused(String),
    /// The connection must close (after this reply, if any).
    Closed(Option<String>),
}

/// Reads DATA to its `.` line, undoing dot-stuffing; bounded by SES's size (the rest is read
/// and dropped, then refused) and by the server's body budget.
async fn data<S: AsyncRead + AsyncWrite + Unpin>(
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
async fn deliver(
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
/// envelope sender) and `Destinations` (the envelope recipients).
fn outgoing(envelope_from: &str, recipients: Vec<String>, bytes: Vec<u8>) -> Result<Outgoing> {
    let h = crate::ops::message::read_raw(&bytes, false)?;
    let (to, cc, bcc) = match h.addressed {
        Some((header_to, header_cc)) => {
            crate::ops::message::as_addressed(recipients, &header_to, &header_cc)
        }
        None => (recipients, Vec::new(), Vec::new()),
    };
    let (from, mut other_senders) = if envelope_from.is_empty() {
        // A null reverse-path (`MAIL FROM:<>`): the From header is the sender.
        let mut from = h.from.into_iter();
        (from.next().unwrap_or_default(), from.collect())
    } else {
        (envelope_from.to_string(), h.from)
    };
    other_senders.extend(h.senders);
    Ok(Outgoing {
        from,
        to,
        cc,
        bcc,
        subject: h.subject,
        config_set: None,
        header_config_set: h.config_set,
        other_senders,
        count: 1,
        body: Body::Raw(Arc::new(bytes)),
        tags: h.tags,
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
