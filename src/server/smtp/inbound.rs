//! SES's *inbound* SMTP endpoint (`sesm serve --inbound-port`): mail to the account, as
//! `inbound-smtp.REGION.amazonaws.com` takes it on port 25 — no AUTH, the IP address filters
//! first, a recipient taken only in a verified domain that an enabled rule of the active rule
//! set matches, then the rule set run over the message (`Api::receive`). A session of its own,
//! apart from the sending interface's (`session.rs`): only the line reader and DATA's reader
//! are shared.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use crate::server::budget::Budget;

use tokio::io::{AsyncRead, AsyncWrite, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

use super::data::{Data, data};
use super::lines::{Line, path_arg, read_line};
use super::{BUDGET, MAX_COMMAND, MAX_MESSAGE, reply};
use crate::ops::inbound::Envelope;
use crate::server::Shared;
use crate::server::guard::escape;

/// Recipients one message may name *(sesm: SES documents no number for receiving; it is the
/// most recipients a receipt rule may list)*.
const MAX_RECIPIENTS: usize = 100;

/// How the inbound endpoint runs.
#[derive(Debug, Clone)]
pub struct InboundOptions {
    /// The region whose rule sets receive the mail.
    pub region: String,
    pub idle_timeout: Duration,
}

/// Accepts inbound connections until a stop is asked for.
pub(in crate::server) async fn accept(
    listener: TcpListener,
    shared: Arc<Shared>,
    options: Arc<InboundOptions>,
    mut stop: watch::Receiver<bool>,
) {
    // Inbound messages' memory, apart from the sending interface's and HTTP's.
    let budget = Budget::new(BUDGET);
    // The inbound endpoint counts against SMTP's connection cap.
    while let Some((stream, peer)) = super::next_connection(&listener, &shared, &mut stop).await {
        let (shared, options, budget) = (
            Arc::clone(&shared),
            Arc::clone(&options),
            Arc::clone(&budget),
        );
        tokio::spawn(async move {
            session(stream, peer, &shared, &options, &budget).await;
            shared.smtp.fetch_sub(1, Ordering::SeqCst);
        });
    }
}

fn host(region: &str) -> String {
    format!("inbound-smtp.{region}.amazonaws.com")
}

/// Where an inbound session is.
#[derive(Default)]
struct Session {
    helo: Option<String>,
    from: Option<String>,
    recipients: Vec<String>,
}

async fn session(
    stream: TcpStream,
    peer: SocketAddr,
    shared: &Shared,
    o: &InboundOptions,
    budget: &Arc<Budget>,
) {
    let mut r = BufReader::new(stream);
    let allowed = {
        let api = &shared.api;
        tokio::task::block_in_place(|| {
            api.read(|s| Ok(crate::ops::inbound::ip_allowed(s, &o.region, peer.ip())))
        })
    };
    // The IP address filters act during the SMTP conversation (the guide's "Email-receiving
    // process": the sender's address first). The text is sesm's: SES documents none.
    if !allowed.unwrap_or(false) {
        let _ = reply(r.get_mut(), "554 5.7.1 Access denied: the account's IP address filters block mail from this address", o.idle_timeout).await;
        shared.log.line(format!(
            "inbound {} blocked by an IP address filter",
            peer.ip()
        ));
        return;
    }
    if reply(
        r.get_mut(),
        &format!("220 {} ESMTP SimpleEmailService-sesm", host(&o.region)),
        o.idle_timeout,
    )
    .await
    .is_err()
    {
        return;
    }
    let mut st = Session::default();
    loop {
        let line = match tokio::time::timeout(o.idle_timeout, read_line(&mut r, MAX_COMMAND)).await
        {
            Err(_) => {
                let _ = reply(
                    r.get_mut(),
                    "421 Timeout waiting for data from client.",
                    o.idle_timeout,
                )
                .await;
                return;
            }
            Ok(Err(_)) | Ok(Ok(Line::Eof)) => return,
            Ok(Ok(Line::TooLong)) => {
                let _ = reply(r.get_mut(), "500 5.5.2 Line too long", o.idle_timeout).await;
                return;
            }
            Ok(Ok(Line::BareLf)) => {
                let _ = reply(
                    r.get_mut(),
                    "500 5.5.2 Bare LF: SMTP lines end with CRLF",
                    o.idle_timeout,
                )
                .await;
                continue;
            }
            Ok(Ok(Line::Text(l))) if l.contains(&0) => {
                let _ = reply(
                    r.get_mut(),
                    "500 5.5.2 NUL characters are not allowed",
                    o.idle_timeout,
                )
                .await;
                continue;
            }
            Ok(Ok(Line::Text(l))) => String::from_utf8_lossy(&l).into_owned(),
        };
        let (verb, arg) = match line.split_once(' ') {
            Some((v, a)) => (v.to_ascii_uppercase(), a.trim().to_string()),
            None => (line.trim().to_ascii_uppercase(), String::new()),
        };
        let answer = match verb.as_str() {
            "EHLO" | "HELO" => hello(&mut st, &verb, &arg, o),
            "MAIL" => mail(&mut st, &arg),
            "RCPT" => rcpt(&mut st, &arg, shared, o),
            "DATA" => match message(&mut r, &mut st, peer, shared, o, budget).await {
                Some(a) => a,
                None => return,
            },
            "RSET" => {
                st.from = None;
                st.recipients.clear();
                "250 Ok".to_string()
            }
            "NOOP" => "250 Ok".to_string(),
            "HELP" => "214 Commands: EHLO HELO MAIL RCPT DATA RSET NOOP QUIT HELP".to_string(),
            "QUIT" => {
                let _ = reply(r.get_mut(), "221 Bye", o.idle_timeout).await;
                return;
            }
            "AUTH" | "STARTTLS" | "BDAT" | "VRFY" | "EXPN" => {
                "502 5.5.1 Command not implemented on the inbound endpoint".to_string()
            }
            _ => "500 5.5.2 Syntax error, command unrecognized".to_string(),
        };
        if reply(r.get_mut(), &answer, o.idle_timeout).await.is_err() {
            return;
        }
    }
}

fn hello(st: &mut Session, verb: &str, arg: &str, o: &InboundOptions) -> String {
    if arg.is_empty() {
        return "501 Syntax: EHLO hostname".to_string();
    }
    st.helo = Some(arg.to_string());
    st.from = None;
    st.recipients.clear();
    if verb == "HELO" {
        return format!("250 {}", host(&o.region));
    }
    format!(
        "250-{}\r\n250-8BITMIME\r\n250-PIPELINING\r\n250 SIZE {MAX_MESSAGE}",
        host(&o.region)
    )
}

/// `MAIL FROM:<address>` (no AUTH: anyone may send mail to the account); `<>` is a null
/// sender (a bounce).
fn mail(st: &mut Session, arg: &str) -> String {
    if st.helo.is_none() {
        return "503 5.5.1 Say EHLO first".to_string();
    }
    if st.from.is_some() {
        return "503 5.5.1 Sender already given".to_string();
    }
    match path_arg(arg, "FROM:") {
        Some((addr, _)) => {
            st.from = Some(addr.to_string());
            "250 Ok".to_string()
        }
        None => "501 5.5.4 Syntax: MAIL FROM:<address>".to_string(),
    }
}

/// `RCPT TO:<address>`: taken when the region receives for it (R11, R13), else refused.
fn rcpt(st: &mut Session, arg: &str, shared: &Shared, o: &InboundOptions) -> String {
    if st.from.is_none() {
        return "503 5.5.1 Need MAIL FROM first".to_string();
    }
    if st.recipients.len() >= MAX_RECIPIENTS {
        return format!("452 4.5.3 Too many recipients: at most {MAX_RECIPIENTS} per message");
    }
    let Some((addr, _)) = path_arg(arg, "TO:").filter(|(a, _)| !a.is_empty()) else {
        return "501 5.5.4 Syntax: RCPT TO:<address>".to_string();
    };
    let api = &shared.api;
    let takes = tokio::task::block_in_place(|| {
        api.read(|s| Ok(crate::ops::inbound::accepts(s, &o.region, addr, false)))
    });
    match takes {
        Ok(true) => {
            st.recipients.push(addr.to_string());
            "250 Ok".to_string()
        }
        // SES refuses mail no rule takes (the guide: "Amazon SES blocks the email"); the text
        // is sesm's.
        Ok(false) => format!(
            "550 5.1.1 <{}>: Recipient address rejected: no enabled rule of the active receipt rule set in {} takes it",
            escape(addr),
            o.region
        ),
        Err(_) => "451 4.3.0 Temporary failure: the account could not be read".to_string(),
    }
}

/// DATA: the message, read to its end, received; the reply (`None`: close).
async fn message<S: AsyncRead + AsyncWrite + Unpin>(
    r: &mut BufReader<S>,
    st: &mut Session,
    peer: SocketAddr,
    shared: &Shared,
    o: &InboundOptions,
    budget: &Arc<Budget>,
) -> Option<String> {
    if st.recipients.is_empty() {
        return Some("503 5.5.1 Need RCPT TO first".to_string());
    }
    if reply(
        r.get_mut(),
        "354 End data with <CR><LF>.<CR><LF>",
        o.idle_timeout,
    )
    .await
    .is_err()
    {
        return None;
    }
    let (bytes, _charge) = match data(r, o.idle_timeout, budget).await {
        Data::Message(b, charge) => (b, charge),
        Data::Refused(why) => {
            st.from = None;
            st.recipients.clear();
            return Some(why);
        }
        Data::Closed(why) => {
            if let Some(why) = why {
                let _ = reply(r.get_mut(), &why, o.idle_timeout).await;
            }
            return None;
        }
    };
    let env = Envelope {
        region: o.region.clone(),
        mail_from: st.from.take().unwrap_or_default(),
        recipients: std::mem::take(&mut st.recipients),
        client_ip: peer.ip(),
        helo: st.helo.clone().unwrap_or_default(),
        tls: false,
    };
    let api = &shared.api;
    let result = tokio::task::block_in_place(|| api.receive(&env, &bytes));
    Some(match result {
        Ok(id) => {
            shared.log.line(format!(
                "inbound {} {} -> {} recipient(s): 250 {id}",
                peer.ip(),
                escape(&env.mail_from),
                env.recipients.len()
            ));
            format!("250 Ok {id}")
        }
        Err(e) => format!(
            "451 4.3.0 Temporary failure: {}",
            e.message.replace(['\r', '\n'], " ")
        ),
    })
}
