//! One SMTP session's commands, read line by line: each answered as SES's SMTP endpoint
//! answers it ("SMTP response codes returned by Amazon SES").

use std::net::SocketAddr;
use std::sync::Arc;

use tokio::io::{AsyncRead, AsyncWrite, BufReader};

use super::auth::auth;
use super::data::{Data, data, deliver};
use super::lines::{Line, path_arg, read_line};
use super::{End, HOST, MAX_COMMAND, MAX_MESSAGE, MAX_RECIPIENTS, Session, Smtp};
use crate::server::Shared;

/// Serves commands until the client quits, goes idle, or asks for STARTTLS.
pub(super) async fn run<S: AsyncRead + AsyncWrite + Unpin>(
    r: &mut BufReader<S>,
    st: &mut Session,
    peer: SocketAddr,
    shared: &Arc<Shared>,
    smtp: &Smtp,
) -> End {
    let idle = smtp.options.idle_timeout;
    loop {
        let line = match tokio::time::timeout(idle, read_line(r, MAX_COMMAND)).await {
            Err(_) => {
                let _ = smtp
                    .reply(r.get_mut(), "421 Timeout waiting for data from client.")
                    .await;
                return End::Close;
            }
            Ok(Err(_)) | Ok(Ok(Line::Eof)) => return End::Close,
            Ok(Ok(Line::TooLong)) => {
                let _ = smtp.reply(r.get_mut(), "500 5.5.2 Line too long").await;
                return End::Close;
            }
            Ok(Ok(Line::BareLf)) => {
                let refusal = "500 5.5.2 Bare LF: SMTP lines end with CRLF";
                if smtp.reply(r.get_mut(), refusal).await.is_err() {
                    return End::Close;
                }
                continue;
            }
            Ok(Ok(Line::Text(l))) => l,
        };
        if line.contains(&0) {
            let refusal = "500 5.5.2 NUL characters are not allowed";
            if smtp.reply(r.get_mut(), refusal).await.is_err() {
                return End::Close;
            }
            continue;
        }
        let text = String::from_utf8_lossy(&line).into_owned();
        let (verb, arg) = match text.split_once(' ') {
            Some((v, a)) => (v.to_ascii_uppercase(), a.trim().to_string()),
            None => (text.trim().to_ascii_uppercase(), String::new()),
        };
        let answer = match verb.as_str() {
            "EHLO" | "HELO" => hello(st, &verb, &arg),
            "STARTTLS" if !st.tls => {
                // Anything pipelined after STARTTLS would be read in plain text.
                if !r.buffer().is_empty() {
                    "503 5.5.1 Nothing may follow STARTTLS before the TLS handshake".to_string()
                } else {
                    if smtp
                        .reply(r.get_mut(), "220 Ready to start TLS")
                        .await
                        .is_err()
                    {
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
            "MAIL" => mail(st, &arg),
            "RCPT" => rcpt(st, &arg),
            "DATA" => match message(r, st, peer, shared, smtp).await {
                Ok(a) => a,
                Err(end) => return end,
            },
            "BDAT" => "502 5.5.1 BDAT is not offered; use DATA".to_string(),
            "RSET" => {
                st.reset();
                "250 Ok".to_string()
            }
            "NOOP" => "250 Ok".to_string(),
            "HELP" => "214 Commands: EHLO HELO STARTTLS AUTH MAIL RCPT DATA RSET NOOP QUIT HELP"
                .to_string(),
            "QUIT" => {
                let _ = smtp.reply(r.get_mut(), "221 Bye").await;
                return End::Close;
            }
            "VRFY" | "EXPN" | "TURN" | "ETRN" => "502 5.5.1 Command not implemented".to_string(),
            _ => "500 5.5.2 Syntax error, command unrecognized".to_string(),
        };
        if smtp.reply(r.get_mut(), &answer).await.is_err() {
            return End::Close;
        }
        if st.auth_failures >= super::MAX_AUTH_FAILURES {
            return End::Close;
        }
    }
}

/// EHLO (with the extensions SES's endpoint offers) and HELO.
fn hello(st: &mut Session, verb: &str, arg: &str) -> String {
    if arg.is_empty() {
        return "501 Syntax: EHLO hostname".to_string();
    }
    st.greeted = true;
    st.reset();
    if verb == "HELO" {
        return format!("250 {HOST}");
    }
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

/// `MAIL FROM:<address> [SIZE=n]`.
fn mail(st: &mut Session, arg: &str) -> String {
    if !st.authed {
        return "530 Authentication required".to_string();
    }
    if st.from.is_some() {
        return "503 5.5.1 Sender already given".to_string();
    }
    let Some((addr, params)) = path_arg(arg, "FROM:") else {
        return "501 5.5.4 Syntax: MAIL FROM:<address>".to_string();
    };
    if has_control_or_space(addr) {
        return "501 5.1.7 Bad sender address syntax: it contains a control character or a space"
            .to_string();
    }
    let size = params.split_whitespace().find_map(|p| {
        let (k, v) = p.split_once('=')?;
        k.eq_ignore_ascii_case("SIZE")
            .then(|| v.parse::<usize>().ok())?
    });
    if size.is_some_and(|s| s > MAX_MESSAGE) {
        return "552 5.3.4 Message size exceeds fixed maximum message size".to_string();
    }
    st.from = Some(addr.to_string());
    "250 Ok".to_string()
}

/// `RCPT TO:<address>`, up to SES's 50 recipients.
fn rcpt(st: &mut Session, arg: &str) -> String {
    if st.from.is_none() {
        return "503 5.5.1 Need MAIL FROM first".to_string();
    }
    if st.recipients.len() >= MAX_RECIPIENTS {
        return format!(
            "554 Message rejected: Too many recipients: SES takes at most {MAX_RECIPIENTS} per message"
        );
    }
    match path_arg(arg, "TO:") {
        Some((addr, _)) if has_control_or_space(addr) => {
            "501 5.1.3 Bad recipient address syntax: it contains a control character or a space"
                .to_string()
        }
        Some((addr, _)) if !addr.is_empty() => {
            st.recipients.push(addr.to_string());
            "250 Ok".to_string()
        }
        _ => "501 5.5.4 Syntax: RCPT TO:<address>".to_string(),
    }
}

/// Whether an envelope address holds what no address may (a CR, a tab, a space outside a
/// quoted local part is not worth telling apart: SES refuses "control or whitespace").
fn has_control_or_space(addr: &str) -> bool {
    addr.chars().any(|c| c.is_control() || c.is_whitespace())
}

/// `DATA`: the message, read to its end and sent; the reply, or how the session ends.
async fn message<S: AsyncRead + AsyncWrite + Unpin>(
    r: &mut BufReader<S>,
    st: &mut Session,
    peer: SocketAddr,
    shared: &Arc<Shared>,
    smtp: &Smtp,
) -> Result<String, End> {
    if st.recipients.is_empty() {
        return Ok("503 5.5.1 Need RCPT TO first".to_string());
    }
    if smtp
        .reply(r.get_mut(), "354 End data with <CR><LF>.<CR><LF>")
        .await
        .is_err()
    {
        return Err(End::Close);
    }
    match data(r, smtp.options.idle_timeout, &smtp.budget).await {
        Data::Message(bytes, _charge) => {
            let a = deliver(st, bytes, peer, shared, smtp).await;
            st.reset();
            Ok(a)
        }
        Data::Refused(why) => {
            st.reset();
            Ok(why)
        }
        Data::Closed(why) => {
            if let Some(why) = why {
                let _ = smtp.reply(r.get_mut(), &why).await;
            }
            Err(End::Close)
        }
    }
}
