//! AUTH PLAIN and AUTH LOGIN with SES SMTP credentials.

use std::sync::atomic::Ordering;

use base64::Engine;
use tokio::io::{AsyncRead, AsyncWrite, BufReader};

use super::lines::{Line, read_line};
use super::{AUTH_FAILURE_DELAY, MAX_AUTH_FAILURES, MAX_COMMAND, Session, Smtp};
use crate::server::Shared;

/// AUTH PLAIN [initial] and AUTH LOGIN; `None` when the client went away.
pub(super) async fn auth<S: AsyncRead + AsyncWrite + Unpin>(
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
        smtp.reply(r.get_mut(), prompt).await.ok()?;
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
        return Some("235 Authentication successful.".into());
    }
    // Each failure is answered a second late, and the third ends the session: guessing
    // passwords costs a connection per three guesses and a second per guess. The session's
    // failures are logged once, when it ends.
    st.auth_failures += 1;
    if !st.auth_users.contains(&user) && st.auth_users.len() < 3 {
        st.auth_users.push(user);
    }
    tokio::time::sleep(AUTH_FAILURE_DELAY).await;
    if st.auth_failures >= MAX_AUTH_FAILURES {
        return Some(
            "421 4.7.0 Too many failed authentication attempts; closing the connection".into(),
        );
    }
    Some("535 Authentication Credentials Invalid".into())
}
