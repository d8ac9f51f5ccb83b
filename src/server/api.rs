//! The account behind every door: the live state (snapshots for reads, one writer, sends
//! through the outbox), the request IDs, and the region a request names. Each door
//! (`sesv2/`, `sesv1/`, `smtp/`, `console/`, `sesm.rs`) is a translation from its protocol to
//! the operations of `ops/` through this, and nothing else; `doors.rs` picks the door.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use super::http::{Request, Response};
use crate::error::{Error, Result};
use crate::model::State;
use crate::model::names::check_region;
use crate::model::publishing::SnsSubscription;
use crate::model::sending::{Outgoing, SentMessage};
use crate::ops;
use crate::store::{Live, Store};

/// The account behind the endpoint: the live state (snapshots for reads, one writer), and the
/// region of unsigned requests.
pub struct Api {
    live: Live,
    default_region: String,
    requests: AtomicU64,
    /// `--subscribe`: this run's SNS subscriptions.
    one_run: super::sns::OneRun,
    /// The console's CSRF token: random per run, put in every form it serves and required
    /// in every form posted to it.
    console_token: String,
    /// `http://HOST:PORT` of the server, for the links it puts in mail (unsubscribe,
    /// verification); set once it listens.
    links_base: std::sync::OnceLock<String>,
}

/// The region a request names: the third field of its SigV4 credential scope
/// (`Credential=AKID/20261130/eu-west-1/ses/aws4_request`); signatures and keys are not
/// checked. `None` for an unsigned request.
pub fn region_of(req: &Request) -> Option<String> {
    // SigV4a (what SDKs sign a send through a multi-region endpoint with) has no region in
    // its scope (`KEY/DATE/ses/aws4_request`): its region set names one, or any (`*`), which
    // is the server's default region.
    let auth = req.header("authorization")?;
    if auth.starts_with("AWS4-ECDSA-P256-SHA256") {
        let set = req.header("x-amz-region-set")?;
        return (!set.contains(['*', ','])).then(|| set.trim().to_string());
    }
    scope_field(req, 2)
}

/// The service of a request's SigV4 credential scope (`ses`, `sts`).
pub fn service_of(req: &Request) -> Option<String> {
    scope_field(req, 3)
}

/// The account that calls: the access key ID of the credential scope, read as
/// `ops::policy::caller_of_key` reads one (a 12-digit key ID is that account; any other key,
/// or none, the account itself).
pub fn caller_of(req: &Request) -> Option<String> {
    scope_field(req, 0).and_then(|key| ops::policy::caller_of_key(&key))
}

fn scope_field(req: &Request, n: usize) -> Option<String> {
    let auth = req.header("authorization")?;
    let credential = auth.split("Credential=").nth(1)?;
    let scope = credential.split([',', ' ']).next()?;
    scope.split('/').nth(n).map(str::to_string)
}

impl Api {
    /// Opens the account (a state that can't be read refuses to start the server).
    pub fn new(store: Store, default_region: String) -> Result<Api> {
        Ok(Api {
            live: Live::open(store)?,
            default_region,
            requests: AtomicU64::new(0),
            one_run: Default::default(),
            console_token: new_token()?,
            links_base: std::sync::OnceLock::new(),
        })
    }

    /// Says where the server listens (`http://HOST:PORT`), for the links it puts in mail.
    pub fn set_links_base(&self, base: &str) {
        let _ = self.links_base.set(base.to_string());
    }

    /// Where the links the server puts in mail point (the default port before it listens).
    pub(super) fn links_base(&self) -> &str {
        self.links_base
            .get()
            .map_or("http://127.0.0.1:4579", String::as_str)
    }

    /// Subscribes HTTP endpoints to SNS topics for this run (`sesm serve --subscribe`): each
    /// gets a SubscriptionConfirmation first; events published after the start (or after
    /// what an earlier run delivered to it) go to it once confirmed.
    pub fn with_subscriptions(mut self, subs: &[(String, String)]) -> Result<Api> {
        let last = self.live.store().last_event()?;
        for (topic, url) in subs {
            crate::model::rules::check_topic_arn(topic).map_err(Error::invalid)?;
            ops::events::check_endpoint(url)?;
            let (arn, token) = ops::events::subscription_ids(topic)?;
            self.one_run.subscriptions.push(SnsSubscription {
                subscription_arn: arn,
                topic_arn: topic.clone(),
                endpoint: url.clone(),
                token,
                confirmed: false,
                from_event: last,
            });
        }
        Ok(self)
    }

    /// Sends one message as SendEmail's Raw content does (SMTP's DATA, v1's SendRawEmail):
    /// SES's checks and routing, on disk before the answer; its message ID.
    pub(super) fn send_message(&self, region: &str, msg: &Outgoing) -> Result<String> {
        self.send(|s| {
            ops::send::send(s, region, msg, jiff::Timestamp::now())
                .map(|(sent, reply)| (sent, reply.message_id))
        })
    }

    /// Mail to the account (the inbound SMTP door): runs the active rule set over a message
    /// the dialogue accepted; sends its bounces, keeps it and the objects its S3 actions write
    /// (`store`), then logs its notifications and invocations, which SNS delivery posts. Its
    /// message ID.
    pub(super) fn receive(&self, env: &ops::inbound::Envelope, data: &[u8]) -> Result<String> {
        let now = jiff::Timestamp::now();
        let mut received = self.read(|s| ops::inbound::receive(s, env, data, now))?;
        for (i, bounce) in std::mem::take(&mut received.bounces) {
            let outcome = match self.send_message(&env.region, &bounce) {
                Ok(id) => format!(" (message {id} in the outbox)"),
                Err(e) => format!(": the bounce was refused: {}", e.message),
            };
            if let Some(a) = received.record.actions.get_mut(i) {
                a.detail.push_str(&outcome);
            }
        }
        let objects: Vec<(String, String, Vec<u8>)> = received
            .objects
            .iter()
            .map(|o| (o.bucket.clone(), o.key.clone(), o.bytes.clone()))
            .collect();
        self.live
            .store()
            .receive(&mut received.record, &received.message, &objects)?;
        let events = std::mem::take(&mut received.events);
        if !events.is_empty() {
            self.write(|s| {
                s.published.0.extend(events);
                Ok(())
            })?;
        }
        Ok(received.record.message_id)
    }

    /// SendCustomVerificationEmail (both APIs): the message with its link goes out as any
    /// send does; then the address is an identity, pending until the link is followed. The
    /// message ID.
    pub(super) fn send_verification(
        &self,
        region: &str,
        address: &str,
        template: &str,
        config_set: Option<String>,
    ) -> Result<String> {
        let now = jiff::Timestamp::now();
        let base = self.links_base().to_string();
        let (reply, pending) = self.send(|s| {
            ops::custom_verification::send(s, region, address, template, config_set, &base, now)
        })?;
        self.write(|s| ops::custom_verification::pend(s, region, address, pending))?;
        Ok(reply.message_id)
    }

    /// A received message's record and header section (SendBounce), from the received
    /// messages the store keeps.
    pub(super) fn received_message(
        &self,
        id: &str,
    ) -> Result<(Option<crate::model::inbound::InboundRecord>, String)> {
        let store = self.live.store();
        let record = store
            .read_received()?
            .into_iter()
            .find(|r| r.message_id == id);
        let headers = match store.read_received_message(id)? {
            Some(bytes) => {
                let end = bytes
                    .windows(4)
                    .position(|w| w == b"\r\n\r\n")
                    .unwrap_or(bytes.len());
                String::from_utf8_lossy(&bytes[..end]).into_owned()
            }
            None => String::new(),
        };
        Ok((record, headers))
    }

    pub(super) fn default_region(&self) -> &str {
        &self.default_region
    }

    pub(super) fn console_token(&self) -> &str {
        &self.console_token
    }

    /// The outbox's message `id` (not cleared or dropped) and its `.eml` as kept.
    pub(super) fn kept_message(&self, id: &str) -> Result<(SentMessage, Option<Vec<u8>>)> {
        let store = self.live.store();
        let journal = store.read_journal()?.0;
        let m = self.read(|s| ops::send::find_message(s, journal, id))?;
        let mime = store.read_mail(m.seq)?;
        Ok((m, mime))
    }

    pub(super) fn live(&self) -> &Live {
        &self.live
    }

    pub(super) fn one_run(&self) -> &super::sns::OneRun {
        &self.one_run
    }

    /// Runs a reading operation on the latest committed state; never waits for a writer.
    pub(super) fn read<T>(&self, op: impl FnOnce(&State) -> Result<T>) -> Result<T> {
        op(self.live.read()?.state())
    }

    /// Runs a changing operation through the one writer, under the state lock (the same lock
    /// as the command line), within `SESM_LOCK_TIMEOUT` in all.
    pub(super) fn write<T>(&self, op: impl FnOnce(&mut State) -> Result<T>) -> Result<T> {
        self.live.update(self.deadline(), op)
    }

    /// Accepts messages through the writer; they are on disk before the reply is sent.
    pub(super) fn send<T>(
        &self,
        op: impl FnOnce(&State) -> Result<(Vec<SentMessage>, T)>,
    ) -> Result<T> {
        self.live.send(self.deadline(), |s| {
            let (mut sent, out) = op(s)?;
            // The live clock: tracked recipients' fates now, published with the send.
            ops::live::decide(s, &mut sent);
            Ok((sent, out))
        })
    }

    /// A region's quota and its use, counting the messages accepted since the latest snapshot
    /// was committed: SESv2's GetAccount and v1's GetSendQuota alike.
    pub(super) fn send_quota(&self, region: &str) -> Result<ops::account::SendQuota> {
        let snapshot = self.live.read()?;
        let mut quota = ops::account::send_quota(snapshot.state(), region);
        quota.sent_last_24_hours += snapshot.sent_since(region) as f64;
        Ok(quota)
    }

    fn deadline(&self) -> Instant {
        Instant::now() + self.live.store().lock_timeout()
    }

    /// A new request ID, as AWS's look (`8-4-4-4-12` hex): one per request, in the header and
    /// (v1) the body alike.
    pub(super) fn request_id(&self) -> String {
        let n = self.requests.fetch_add(1, Ordering::Relaxed);
        format!(
            "{:08x}-5e5a-4000-8000-{:012x}",
            std::process::id(),
            n & 0xffff_ffff_ffff
        )
    }

    /// The region of a request: its credential scope, else the server's (checked: an unknown
    /// region is a 400).
    pub(super) fn region(&self, req: &Request) -> Result<String> {
        let region = region_of(req).unwrap_or_else(|| self.default_region.clone());
        check_region(&region).map_err(|_| {
            Error::bad_request(format!(
                "'{region}' is not a region sesm knows (its credential scope names it)."
            ))
        })?;
        Ok(region)
    }
}

/// A kept message's `.eml` as a download (`message/rfc822`), or NotFound for a message kept
/// before sesm kept whole messages.
pub(super) fn eml(message_id: &str, mime: Option<Vec<u8>>) -> Result<Response> {
    let bytes = mime.ok_or_else(|| {
        Error::not_found(format!(
            "Message {} was kept before sesm kept whole messages: it has no .eml.",
            message_id.escape_default()
        ))
    })?;
    Ok(Response::new(200, "message/rfc822", bytes)
        .header(
            "Content-Disposition",
            format!("attachment; filename=\"{message_id}.eml\""),
        )
        .header("X-Content-Type-Options", "nosniff"))
}

/// A random token (the console's CSRF token): 16 bytes from the operating system, hex.
fn new_token() -> Result<String> {
    let mut bytes = [0u8; 16];
    getrandom::getrandom(&mut bytes)
        .map_err(|e| Error::internal(format!("cannot make a random token: {e}")))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

#[cfg(test)]
pub(crate) mod testing {
    //! What the doors' unit tests share: an account in a temporary folder, and a request
    //! signed for us-east-1 as an SDK signs one.
    use super::*;

    pub struct TempAccount {
        pub api: Api,
        pub state: std::path::PathBuf,
        _dir: tempfile::TempDir,
    }

    impl TempAccount {
        pub fn new() -> TempAccount {
            let dir = tempfile::tempdir().unwrap();
            let state = dir.path().join("state.json");
            let today = jiff::civil::date(2026, 11, 30);
            let store = Store::new(state.clone(), today, std::time::Duration::from_secs(10));
            TempAccount {
                api: Api::new(store, "us-east-1".into()).unwrap(),
                state,
                _dir: dir,
            }
        }

        /// The state file's bytes (empty before the first write).
        pub fn state_bytes(&self) -> Vec<u8> {
            std::fs::read(&self.state).unwrap_or_default()
        }
    }

    /// A request with a SigV4 Authorization header naming us-east-1.
    pub fn signed(method: &str, target: &str, body: Vec<u8>) -> Request {
        Request {
            method: method.into(),
            target: target.into(),
            headers: vec![(
                "authorization".into(),
                "AWS4-HMAC-SHA256 Credential=AKID/20261130/us-east-1/ses/aws4_request".into(),
            )],
            body,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_and_ids_distinct() {
        assert_eq!(new_token().unwrap().len(), 32);
        assert_ne!(new_token().unwrap(), new_token().unwrap());
    }

    #[test]
    fn regions_come_from_the_credential_scope() {
        let req = Request {
            method: "GET".into(),
            target: "/".into(),
            headers: vec![(
                "Authorization".into(),
                "AWS4-HMAC-SHA256 Credential=AKID/20261130/eu-west-1/ses/aws4_request, SignedHeaders=host".into(),
            )],
            body: Vec::new(),
        };
        assert_eq!(region_of(&req).as_deref(), Some("eu-west-1"));
        assert_eq!(service_of(&req).as_deref(), Some("ses"));
    }
}
