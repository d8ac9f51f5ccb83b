//! The SMTP interface (`sesm serve --smtp-port`), as SES's SMTP endpoint answers: ESMTP with
//! STARTTLS (a self-signed certificate made at start), AUTH PLAIN and LOGIN with SES SMTP
//! credentials, SIZE, 8BITMIME, PIPELINING; each message goes through the same send operation
//! as SendEmail's Raw content (`ops::message::read_raw`, `ops::send`): the envelope recipients
//! are the destination, the headers' `X-SES-CONFIGURATION-SET` picks the set.
//!
//! A small state machine on tokio, driven line by line: no maintained SMTP server crate both
//! embeds in a tokio server and lets the reply texts be SES's (docs/decisions.md). Lines are
//! bounded, bare LF and NUL refused (a bare LF in DATA closes the session: SMTP smuggling), an
//! idle client closed with 421, a reply that can't be written in time ends the session,
//! failed AUTH is slowed and ended, and messages count against a budget of their own.

mod auth;
mod data;
pub(super) mod inbound;
mod lines;
mod session;

pub use inbound::InboundOptions;

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use tokio::io::{AsyncWrite, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Semaphore, watch};

use super::Shared;
use super::budget::Budget;
use crate::error::{Error, Result};
use session::run;

/// What SES's SMTP endpoint takes: messages up to 40 MB, 50 recipients.
pub const MAX_MESSAGE: usize = 40 * 1024 * 1024;
pub(super) const MAX_RECIPIENTS: usize = 50;
/// A command line (AUTH's base64 included) is at most this long; a longer one is refused and
/// the connection closed.
pub(super) const MAX_COMMAND: usize = 4096;
/// A line of a message's data is at most this long (RFC 5322 says 998; some mailers write
/// more).
pub(super) const MAX_DATA_LINE: usize = 64 * 1024;
pub(super) const HOST: &str = "email-smtp.amazonaws.com";
/// Memory SMTP's messages may hold at once (their bytes, and the message the send makes of
/// them), apart from HTTP's budget: a slow DATA never makes an HTTP send wait.
pub(super) const BUDGET: usize = 128 * 1024 * 1024;
/// Sends that may run at once on blocking threads; more sessions wait, as tasks, for a turn.
const SENDERS: usize = 8;
/// Failed AUTH attempts a session may make; the last is answered 421 and the session closed.
pub(super) const MAX_AUTH_FAILURES: u32 = 3;
/// The pause before answering a failed AUTH (Postfix's `smtpd_error_sleep_time` is 1 s).
pub(super) const AUTH_FAILURE_DELAY: Duration = Duration::from_secs(1);

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
    pub(super) plain_auth_logged: AtomicBool,
    pub(super) budget: Arc<Budget>,
    pub(super) senders: Semaphore,
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
            budget: Budget::new(BUDGET),
            senders: Semaphore::new(SENDERS),
        })
    }

    /// Writes one reply within the idle timeout: a client that sends commands and never reads
    /// the replies would otherwise hold its connection forever once the socket's buffers fill.
    pub(super) async fn reply<W: AsyncWrite + Unpin>(
        &self,
        w: &mut W,
        line: &str,
    ) -> std::io::Result<()> {
        reply(w, line, self.options.idle_timeout).await
    }
}

/// Writes one reply line within `deadline` (both endpoints, sending and inbound).
pub(super) async fn reply<W: AsyncWrite + Unpin>(
    w: &mut W,
    line: &str,
    deadline: Duration,
) -> std::io::Result<()> {
    let write = async {
        w.write_all(line.as_bytes()).await?;
        w.write_all(b"\r\n").await?;
        w.flush().await
    };
    tokio::time::timeout(deadline, write)
        .await
        .map_err(|_| std::io::Error::from(std::io::ErrorKind::TimedOut))?
}

/// The next SMTP connection within the connection cap (which the sending interface and the
/// inbound endpoint share; the caller gives the slot back when the session ends); one past
/// the cap is answered 421 and closed. `None` once a stop is asked for.
pub(super) async fn next_connection(
    listener: &TcpListener,
    shared: &Shared,
    stop: &mut watch::Receiver<bool>,
) -> Option<(TcpStream, SocketAddr)> {
    loop {
        let accepted = tokio::select! {
            _ = stop.changed() => return None,
            accepted = listener.accept() => accepted,
        };
        let Ok((stream, peer)) = accepted else {
            tokio::time::sleep(Duration::from_millis(10)).await;
            continue;
        };
        // SMTP is a dialogue of short lines: without this each reply waits on the client's
        // delayed ACK (Nagle), some 40 ms a command.
        let _ = stream.set_nodelay(true);
        if shared.smtp.fetch_add(1, Ordering::SeqCst) >= shared.caps.smtp {
            shared.smtp.fetch_sub(1, Ordering::SeqCst);
            tokio::spawn(async move {
                let mut stream = stream;
                let write = stream.write_all(b"421 Too many connections, try again later\r\n");
                let _ = tokio::time::timeout(Duration::from_secs(5), write).await;
            });
            continue;
        }
        return Some((stream, peer));
    }
}

/// Accepts SMTP connections until a stop is asked for.
pub(super) async fn accept(
    listener: TcpListener,
    shared: Arc<Shared>,
    smtp: Arc<Smtp>,
    mut stop: watch::Receiver<bool>,
) {
    while let Some((stream, peer)) = next_connection(&listener, &shared, &mut stop).await {
        let (shared, smtp) = (Arc::clone(&shared), Arc::clone(&smtp));
        tokio::spawn(async move {
            session(stream, peer, &shared, &smtp).await;
            shared.smtp.fetch_sub(1, Ordering::SeqCst);
        });
    }
}

/// Where a session is.
#[derive(Default)]
pub(super) struct Session {
    greeted: bool,
    tls: bool,
    authed: bool,
    from: Option<String>,
    recipients: Vec<String>,
    /// Failed AUTH attempts, and the user names they gave (for the one log line at the end).
    auth_failures: u32,
    auth_users: Vec<String>,
}

impl Session {
    fn reset(&mut self) {
        self.from = None;
        self.recipients.clear();
    }
}

/// Why a session ended early.
pub(super) enum End {
    /// Close the connection (after the reply already written).
    Close,
    /// Upgrade to TLS, then go on.
    StartTls,
}

async fn session(stream: TcpStream, peer: SocketAddr, shared: &Arc<Shared>, smtp: &Smtp) {
    let mut state = Session::default();
    let mut reader = BufReader::new(stream);
    if smtp
        .reply(
            reader.get_mut(),
            &format!("220 {HOST} ESMTP SimpleEmailService-sesm"),
        )
        .await
        .is_err()
    {
        return;
    }
    let end = run(&mut reader, &mut state, peer, shared, smtp).await;
    log_auth_failures(&state, peer, shared);
    match end {
        End::Close => linger(reader.get_mut()).await,
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
            log_auth_failures(&state, peer, shared);
            linger(reader.get_mut()).await;
        }
    }
}

/// Closes a session so that its last reply arrives: the write side first, then what the
/// client still sends is read and dropped for a moment (closing with unread bytes would reset
/// the connection, and the reset can destroy the reply before the client reads it).
async fn linger<S: tokio::io::AsyncRead + AsyncWrite + Unpin>(s: &mut S) {
    use tokio::io::AsyncReadExt;
    let drain = async {
        let _ = s.shutdown().await;
        let mut buf = [0u8; 4096];
        let mut seen = 0;
        while seen < 256 * 1024 {
            match s.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => seen += n,
            }
        }
    };
    let _ = tokio::time::timeout(Duration::from_secs(1), drain).await;
}

/// One log line per session for its failed AUTH attempts, not one per attempt: a client
/// guessing passwords can't flood the log.
fn log_auth_failures(st: &Session, peer: SocketAddr, shared: &Shared) {
    if st.auth_failures == 0 {
        return;
    }
    let users: Vec<String> = st
        .auth_users
        .iter()
        .map(|u| super::guard::escape(u))
        .collect();
    shared.log.line(format!(
        "smtp {}: {} failed AUTH attempt(s) (user {}){}",
        peer.ip(),
        st.auth_failures,
        users.join(", "),
        if st.auth_failures >= MAX_AUTH_FAILURES {
            "; the connection was closed"
        } else {
            ""
        }
    ));
}
