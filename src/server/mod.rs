//! `sesm serve`: the SESv2 API over HTTP/1.1, the second front end over `ops/`.
//!
//! Connections are hyper's (`http1`, on a tokio runtime that only this command starts): it
//! frames requests per RFC 9112, times out a head that does not arrive (which also closes a
//! keep-alive connection left idle), and an idle or slow connection costs a small task, not a
//! thread. Around it this module adds what hyper leaves to the server: who may call
//! (`guard`), how much a body may weigh and how long it may take, a cap on body bytes held at
//! once, a plain answer to a TLS client, and a log that never blocks serving. The operations
//! (`api`) are synchronous (they take the state lock) and run on tokio's blocking threads.
//! SIGINT and SIGTERM stop accepting, let the requests in progress finish, and end the process.

pub mod api;
mod console;
pub mod doors;
pub mod guard;
pub mod http;
mod sesm;
pub mod sesv1;
pub mod sesv2;
pub mod smtp;
mod sns;

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicI32, AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::header::{self, HeaderMap};
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::io::AsyncWriteExt;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Semaphore, watch};

use crate::error::{Error, Result, exit};
pub use api::Api;
use guard::{Allowed, escape};
pub use smtp::{InboundOptions, SmtpOptions};

/// How long a stop waits for requests in progress.
const DRAIN: Duration = Duration::from_secs(30);
/// Body bytes held at once by all requests (in KiB, the unit of the budget's permits): a
/// request waits for its share before its body is read, so many large bodies at once queue
/// instead of exhausting memory. A body may be held twice while it is decoded.
const BODY_BUDGET_KIB: usize = 192 * 1024;
/// What a refused request's body may be read and thrown away, so the client is reading when
/// the refusal comes (closing with unread bytes would reset the connection under it).
const DISCARD_LIMIT: usize = 64 * 1024 * 1024;
/// Log lines waiting for stderr; past that they are dropped and counted.
const LOG_QUEUE: usize = 4096;

/// What the front end hears from the server: the endpoint once it listens, one line per
/// request, and warnings. The server itself prints nothing.
pub trait Log: Send + Sync {
    fn listening(&self, url: &str);
    fn request(&self, line: &str);
}

/// How the server listens and how long it waits.
pub struct Options {
    pub host: String,
    pub port: u16,
    /// How long a request may take to arrive (its head, then its body); also how long a
    /// keep-alive connection may stay idle.
    pub request_timeout: Duration,
    /// Names besides the listening address that clients may put in `Host` (`--allow-host`).
    pub allow_hosts: Vec<String>,
    /// The SMTP interface: its port (0: any free one) and how it runs; `None`: `--no-smtp`.
    pub smtp: Option<(u16, smtp::SmtpOptions)>,
    /// How long SNS delivery waits before trying a failed notification again.
    pub sns_retry_delay: Duration,
    /// SES's inbound endpoint (mail to the account): its port (0: any free one) and how it
    /// runs; `None` unless `--inbound-port`.
    pub inbound: Option<(u16, smtp::InboundOptions)>,
}

struct Shared {
    api: Api,
    allowed: Allowed,
    request_timeout: Duration,
    budget: Arc<Semaphore>,
    log: LogQueue,
    /// Requests read and not yet answered.
    busy: AtomicUsize,
    connections: AtomicUsize,
    max_connections: usize,
    sns_retry_delay: Duration,
}

/// Binds `host:port` (port 0: any free port) and serves until SIGINT (exit 130) or SIGTERM
/// (exit 0).
pub fn serve(api: Api, options: Options, log: Box<dyn Log>) -> Result<i32> {
    let (host, port) = (options.host.as_str(), options.port);
    let std_listener = std::net::TcpListener::bind((host, port)).map_err(|e| {
        Error::invalid(format!("cannot listen on {host}:{port}: {e}"))
            .hint("choose another --port, or --port 0 for any free one")
    })?;
    let addr = std_listener
        .local_addr()
        .map_err(|e| Error::internal(format!("cannot read the listening address: {e}")))?;
    std_listener
        .set_nonblocking(true)
        .map_err(|e| Error::internal(format!("cannot set up the listener: {e}")))?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("sesm-serve")
        .enable_io()
        .enable_time()
        .build()
        .map_err(|e| Error::internal(format!("cannot start the server's runtime: {e}")))?;
    let signal = Arc::new(AtomicI32::new(0));
    let (stop_tx, stop_rx) = watch::channel(false);
    watch_signals(Arc::clone(&signal), stop_tx)?;
    let log: Arc<dyn Log> = Arc::from(log);
    let host_part = match addr {
        SocketAddr::V6(a) => format!("[{}]", a.ip()),
        SocketAddr::V4(a) => a.ip().to_string(),
    };
    let base = format!("http://{host_part}:{}", addr.port());
    // The SMTP listener is bound before anything is printed, so a port in use fails the start.
    let smtp_listener = match &options.smtp {
        Some((smtp_port, _)) => {
            let l = std::net::TcpListener::bind((host, *smtp_port)).map_err(|e| {
                Error::invalid(format!("cannot listen for SMTP on {host}:{smtp_port}: {e}")).hint(
                    "choose another --smtp-port, --smtp-port 0 for any free one, or --no-smtp",
                )
            })?;
            l.set_nonblocking(true)
                .map_err(|e| Error::internal(format!("cannot set up the SMTP listener: {e}")))?;
            Some(l)
        }
        None => None,
    };
    let inbound_listener = match &options.inbound {
        Some((port, _)) => Some(bind_inbound(host, *port)?),
        None => None,
    };
    log.listening(&base);
    api.set_links_base(&base);
    let smtp_options = options.smtp;
    if let Some(l) = &smtp_listener {
        let port = l
            .local_addr()
            .map_err(|e| Error::internal(format!("cannot read the SMTP address: {e}")))?
            .port();
        log.listening(&format!("smtp://{host_part}:{port}"));
    }
    if let Some(l) = &inbound_listener {
        let port = l
            .local_addr()
            .map_err(|e| Error::internal(format!("cannot read the inbound address: {e}")))?
            .port();
        log.listening(&format!("inbound-smtp://{host_part}:{port}"));
    }
    let inbound_options = options.inbound.map(|(_, o)| o);
    let shared = Arc::new(Shared {
        api,
        allowed: Allowed::new(addr.ip(), addr.port(), &options.allow_hosts),
        request_timeout: options.request_timeout,
        budget: Arc::new(Semaphore::new(BODY_BUDGET_KIB)),
        log: LogQueue::start(Arc::clone(&log)),
        busy: AtomicUsize::new(0),
        connections: AtomicUsize::new(0),
        max_connections: open_files_limit().saturating_sub(64).max(64),
        sns_retry_delay: options.sns_retry_delay,
    });
    let served = runtime.block_on(async {
        let listener = TcpListener::from_std(std_listener)
            .map_err(|e| Error::internal(format!("cannot set up the listener: {e}")))?;
        tokio::spawn(sns::run(Arc::clone(&shared), base, stop_rx.clone()));
        if let (Some(l), Some((_, smtp_options))) = (smtp_listener, smtp_options) {
            let smtp = Arc::new(smtp::Smtp::new(smtp_options)?);
            shared.log.line(format!(
                "smtp: STARTTLS certificate SHA-256 fingerprint {}",
                smtp.fingerprint
            ));
            let listener = TcpListener::from_std(l)
                .map_err(|e| Error::internal(format!("cannot set up the SMTP listener: {e}")))?;
            tokio::spawn(smtp::accept(
                listener,
                Arc::clone(&shared),
                smtp,
                stop_rx.clone(),
            ));
        }
        if let (Some(l), Some(o)) = (inbound_listener, inbound_options) {
            let listener = TcpListener::from_std(l)
                .map_err(|e| Error::internal(format!("cannot set up the inbound listener: {e}")))?;
            tokio::spawn(smtp::inbound::accept(
                listener,
                Arc::clone(&shared),
                Arc::new(o),
                stop_rx.clone(),
            ));
        }
        accept(listener, Arc::clone(&shared), stop_rx).await;
        // Stopping: let the requests in progress finish.
        let start = Instant::now();
        while shared.busy.load(Ordering::SeqCst) > 0 && start.elapsed() < DRAIN {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        Ok::<(), Error>(())
    });
    runtime.shutdown_timeout(Duration::from_secs(1));
    served?;
    Ok(match signal.load(Ordering::SeqCst) {
        s if s == signal_hook::consts::SIGINT => exit::INTERRUPTED,
        _ => exit::SUCCESS,
    })
}

/// Binds SES's inbound endpoint before anything is printed, so a port in use fails the start.
fn bind_inbound(host: &str, port: u16) -> Result<std::net::TcpListener> {
    let l = std::net::TcpListener::bind((host, port)).map_err(|e| {
        Error::invalid(format!(
            "cannot listen for inbound mail on {host}:{port}: {e}"
        ))
        .hint("choose another --inbound-port, or --inbound-port 0 for any free one")
    })?;
    l.set_nonblocking(true)
        .map_err(|e| Error::internal(format!("cannot set up the inbound listener: {e}")))?;
    Ok(l)
}

/// Accepts connections until a stop is asked for; each is served by a task of its own.
async fn accept(listener: TcpListener, shared: Arc<Shared>, mut stop: watch::Receiver<bool>) {
    loop {
        let accepted = tokio::select! {
            _ = stop.changed() => return,
            accepted = listener.accept() => accepted,
        };
        let Ok((stream, _)) = accepted else {
            // Out of file descriptors, or a connection reset before it was accepted: pause
            // instead of spinning, and go on.
            tokio::time::sleep(Duration::from_millis(10)).await;
            continue;
        };
        if shared.connections.fetch_add(1, Ordering::SeqCst) >= shared.max_connections {
            shared.connections.fetch_sub(1, Ordering::SeqCst);
            tokio::spawn(refuse_busy(stream));
            continue;
        }
        let shared = Arc::clone(&shared);
        tokio::spawn(async move {
            connection(stream, &shared).await;
            shared.connections.fetch_sub(1, Ordering::SeqCst);
        });
    }
}

/// On SIGINT or SIGTERM: remember which, and stop accepting.
fn watch_signals(signal: Arc<AtomicI32>, stop: watch::Sender<bool>) -> Result<()> {
    use signal_hook::consts::{SIGINT, SIGTERM};
    let mut signals = signal_hook::iterator::Signals::new([SIGINT, SIGTERM])
        .map_err(|e| Error::internal(format!("cannot watch signals: {e}")))?;
    std::thread::Builder::new()
        .name("sesm-signals".into())
        .spawn(move || {
            if let Some(s) = signals.forever().next() {
                signal.store(s, Ordering::SeqCst);
                let _ = stop.send(true);
            }
        })
        .map_err(|e| Error::internal(format!("cannot watch signals: {e}")))?;
    Ok(())
}

/// The soft limit on open files (each connection is one), from `/proc/self/limits`.
fn open_files_limit() -> usize {
    std::fs::read_to_string("/proc/self/limits")
        .ok()
        .and_then(|text| {
            text.lines()
                .find(|l| l.starts_with("Max open files"))
                .and_then(|l| l.split_whitespace().nth(3)?.parse().ok())
        })
        .unwrap_or(1024)
}

/// A plain HTTP answer written straight to the socket, for a connection hyper won't serve.
async fn answer_raw(mut stream: TcpStream, status: &str, message: &str) {
    let body = serde_json::json!({ "message": message }).to_string();
    let head = format!(
        "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let write = async {
        stream.write_all(head.as_bytes()).await?;
        stream.write_all(body.as_bytes()).await?;
        stream.shutdown().await
    };
    let _ = tokio::time::timeout(Duration::from_secs(5), write).await;
}

async fn refuse_busy(stream: TcpStream) {
    answer_raw(
        stream,
        "503 Service Unavailable",
        "sesm is serving as many connections as it may open; retry",
    )
    .await;
}

/// Serves one connection with hyper, after a look at its first byte: a TLS ClientHello gets
/// a plain answer at once instead of a timeout.
async fn connection(stream: TcpStream, shared: &Arc<Shared>) {
    let _ = stream.set_nodelay(true);
    let mut first = [0u8; 1];
    match tokio::time::timeout(shared.request_timeout, stream.peek(&mut first)).await {
        Ok(Ok(1)) if first[0] == 0x16 => {
            shared
                .log
                .line("- - - 400 0ms (a TLS handshake on the plain HTTP endpoint)".into());
            answer_raw(
                stream,
                "400 Bad Request",
                "this endpoint speaks plain HTTP; use http://",
            )
            .await;
            return;
        }
        Ok(Ok(n)) if n > 0 => {}
        // Closed, failed, or idle until the timeout: nothing to serve.
        _ => return,
    }
    let shared_for_service = Arc::clone(shared);
    let service = hyper::service::service_fn(move |req| {
        let shared = Arc::clone(&shared_for_service);
        async move { Ok::<_, Infallible>(handle(req, &shared).await) }
    });
    let _ = hyper::server::conn::http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(shared.request_timeout)
        .keep_alive(true)
        .max_buf_size(256 * 1024)
        .serve_connection(TokioIo::new(stream), service)
        .await;
}

type HyperResponse = hyper::Response<Full<Bytes>>;

/// Counts a request as in progress while it lives.
struct Busy<'a>(&'a AtomicUsize);

impl Drop for Busy<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

/// One request: framing and origin checks, the body within its limit and deadline, then the
/// operation on a blocking thread.
async fn handle(req: hyper::Request<Incoming>, shared: &Arc<Shared>) -> HyperResponse {
    shared.busy.fetch_add(1, Ordering::SeqCst);
    let _busy = Busy(&shared.busy);
    let start = Instant::now();
    let (parts, body) = req.into_parts();
    let method = parts.method.as_str().to_string();
    let target = parts
        .uri
        .path_and_query()
        .map_or("/".to_string(), |p| p.as_str().to_string());
    let path = target.split('?').next().unwrap_or("/").to_string();
    let refused = |status: u16, code: &str, message: String, close: bool| {
        shared.log.line(format!(
            "{} {} - {status} {}ms ({})",
            escape(&method),
            escape(&path),
            start.elapsed().as_millis(),
            escape(&message)
        ));
        let r = http::json_error(status, code, &message);
        to_hyper(r, close)
    };

    if let Err(why) = framing(&parts.headers) {
        // The body's end can't be trusted: answer and close without reading it.
        return refused(400, "BadRequestException", why, true);
    }
    let declared = content_length(&parts.headers);
    let chunked = parts.headers.contains_key(header::TRANSFER_ENCODING);
    let has_body = chunked || declared.is_some_and(|n| n > 0);
    let expects_continue = parts
        .headers
        .get(header::EXPECT)
        .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"100-continue"));
    let text = |name: header::HeaderName| {
        parts
            .headers
            .get(name)
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
    };
    let authority = parts
        .uri
        .authority()
        .map(|a| a.as_str().to_string())
        .or_else(|| text(header::HOST))
        .or_else(|| (parts.version == hyper::Version::HTTP_10).then(|| "localhost".into()));
    let deadline = tokio::time::Instant::now() + shared.request_timeout;
    if let Err(r) = shared.allowed.check(
        authority.as_deref(),
        text(header::ORIGIN).as_deref(),
        parts
            .headers
            .get("sec-fetch-site")
            .and_then(|v| v.to_str().ok()),
        &path,
        text(header::CONTENT_TYPE).as_deref(),
        has_body,
    ) {
        let drained = expects_continue || discard(body, deadline).await;
        let code = if r.status == 403 {
            "AccessDeniedException"
        } else {
            "BadRequestException"
        };
        return refused(r.status, code, r.message, !drained);
    }
    let accept = text(header::ACCEPT);
    let route = doors::Route::of(&method, &path, accept.as_deref());
    let limit = route.body_limit();
    if declared.is_some_and(|n| n > limit as u64) {
        let drained = expects_continue || discard(body, deadline).await;
        let (status, code, message) = BodyError::TooLarge.refusal(limit);
        return refused(status, code, message, !drained);
    }
    let bytes = match read_body(body, declared, limit, deadline, &shared.budget).await {
        Ok(b) => b,
        Err(e) => {
            let (status, code, message) = e.refusal(limit);
            return refused(status, code, message, true);
        }
    };
    let (body, _permit) = bytes;
    let headers = parts
        .headers
        .iter()
        .map(|(k, v)| {
            (
                k.as_str().to_string(),
                String::from_utf8_lossy(v.as_bytes()).trim().to_string(),
            )
        })
        .collect();
    let request = http::Request {
        method: method.clone(),
        target,
        headers,
        body,
    };
    let worker = Arc::clone(shared);
    let handled = tokio::task::spawn_blocking(move || {
        let handled = worker.api.handle_routed(&request, route);
        (handled, request)
    })
    .await;
    let Ok((handled, request)) = handled else {
        return refused(
            500,
            "InternalFailure",
            "sesm failed on this request; the state was left as it was".into(),
            true,
        );
    };
    shared.log.line(format!(
        "{} {} {} {} {}ms",
        escape(&request.method),
        escape(&path),
        handled.operation,
        handled.response.status,
        start.elapsed().as_millis()
    ));
    to_hyper(handled.response, false)
}

/// RFC 9112 6.3: a message with both Transfer-Encoding and Content-Length, Content-Lengths
/// that differ, or one that is not a plain decimal number, can't be framed safely (a proxy in
/// front may read it otherwise: request smuggling).
fn framing(headers: &HeaderMap) -> std::result::Result<(), String> {
    let lengths: Vec<&[u8]> = headers
        .get_all(header::CONTENT_LENGTH)
        .iter()
        .flat_map(|v| v.as_bytes().split(|&b| b == b','))
        .map(|v| v.trim_ascii())
        .collect();
    if headers.contains_key(header::TRANSFER_ENCODING) && !lengths.is_empty() {
        return Err("a request may not have both Transfer-Encoding and Content-Length".into());
    }
    if lengths
        .iter()
        .any(|v| v.is_empty() || !v.iter().all(u8::is_ascii_digit))
    {
        return Err("Content-Length must be a decimal number of bytes".into());
    }
    if lengths.windows(2).any(|w| w[0] != w[1]) {
        return Err("the request has Content-Length headers that differ".into());
    }
    Ok(())
}

fn content_length(headers: &HeaderMap) -> Option<u64> {
    let v = headers.get(header::CONTENT_LENGTH)?.as_bytes();
    let first = v.split(|&b| b == b',').next()?.trim_ascii();
    std::str::from_utf8(first).ok()?.parse().ok()
}

/// Reads and throws away what a refused request sends, up to `DISCARD_LIMIT` bytes and the
/// deadline; whether it all arrived (so the connection may stay open).
async fn discard(mut body: Incoming, deadline: tokio::time::Instant) -> bool {
    let mut seen = 0usize;
    loop {
        match tokio::time::timeout_at(deadline, body.frame()).await {
            Ok(Some(Ok(frame))) => {
                if let Some(data) = frame.data_ref() {
                    seen += data.len();
                    if seen > DISCARD_LIMIT {
                        return false;
                    }
                }
            }
            Ok(None) => return true,
            Ok(Some(Err(_))) | Err(_) => return false,
        }
    }
}

enum BodyError {
    TooLarge,
    Late,
    Busy,
    Broken,
}

impl BodyError {
    /// The answer to a body that could not be read: status, code and words.
    fn refusal(self, limit: usize) -> (u16, &'static str, String) {
        match self {
            BodyError::TooLarge => (
                413,
                "RequestEntityTooLargeException",
                format!(
                    "the request body is larger than {limit} bytes, the most this operation takes"
                ),
            ),
            BodyError::Late => (
                408,
                "RequestTimeoutException",
                "the request body took too long to arrive".into(),
            ),
            BodyError::Busy => (
                503,
                "ServiceUnavailable",
                "sesm is holding as many request bodies as it takes at once; retry".into(),
            ),
            BodyError::Broken => (
                400,
                "BadRequestException",
                "the request body ended early or was malformed".into(),
            ),
        }
    }
}

/// The body, whole, within `limit` bytes and the deadline, holding its share of the budget
/// (returned with it, released when dropped).
async fn read_body(
    mut body: Incoming,
    declared: Option<u64>,
    limit: usize,
    deadline: tokio::time::Instant,
    budget: &Arc<Semaphore>,
) -> std::result::Result<(Vec<u8>, Option<tokio::sync::OwnedSemaphorePermit>), BodyError> {
    let kib = |n: usize| n.div_ceil(1024).max(1) as u32;
    let mut held: Option<tokio::sync::OwnedSemaphorePermit> = None;
    let mut held_kib = 0u32;
    let take = async |n: u32, held: &mut Option<tokio::sync::OwnedSemaphorePermit>| {
        let permit = tokio::time::timeout_at(deadline, Arc::clone(budget).acquire_many_owned(n))
            .await
            .map_err(|_| BodyError::Busy)?
            .map_err(|_| BodyError::Busy)?;
        match held {
            Some(h) => h.merge(permit),
            None => *held = Some(permit),
        }
        Ok::<(), BodyError>(())
    };
    let mut out = Vec::new();
    if let Some(n) = declared {
        if n == 0 {
            return Ok((out, None));
        }
        // The whole declared size at once: requests that each hold a part and wait for the
        // rest would stall one another.
        held_kib = kib(n as usize);
        take(held_kib, &mut held).await?;
        out.reserve_exact(n as usize);
    }
    loop {
        let frame = match tokio::time::timeout_at(deadline, body.frame()).await {
            Err(_) => return Err(BodyError::Late),
            Ok(None) => return Ok((out, held)),
            Ok(Some(Err(_))) => return Err(BodyError::Broken),
            Ok(Some(Ok(frame))) => frame,
        };
        let Some(data) = frame.data_ref() else {
            continue;
        };
        if out.len() + data.len() > limit {
            return Err(BodyError::TooLarge);
        }
        let needed = kib(out.len() + data.len());
        if needed > held_kib {
            take(needed - held_kib, &mut held).await?;
            held_kib = needed;
        }
        out.extend_from_slice(data);
    }
}

/// A response as hyper writes it (`Date` is added by hyper; `close` ends the connection).
fn to_hyper(r: http::Response, close: bool) -> HyperResponse {
    let mut builder = hyper::Response::builder().status(r.status);
    for (k, v) in &r.headers {
        builder = builder.header(k.as_str(), v.as_str());
    }
    if close {
        builder = builder.header(header::CONNECTION, "close");
    }
    if r.status == 503 {
        builder = builder.header(header::RETRY_AFTER, "1");
    }
    builder
        .body(Full::new(Bytes::from(r.body)))
        .unwrap_or_else(|_| {
            let mut fallback = hyper::Response::new(Full::new(Bytes::from_static(
                b"{\"message\":\"sesm could not encode its response\"}",
            )));
            *fallback.status_mut() = hyper::StatusCode::INTERNAL_SERVER_ERROR;
            fallback
        })
}

/// The request log: lines go through a bounded queue to a thread of their own, so a stderr
/// nobody reads (a full pipe) slows no request; lines that don't fit are dropped and counted,
/// and the count is logged when there is room again.
struct LogQueue {
    tx: std::sync::mpsc::SyncSender<String>,
    dropped: Arc<AtomicU64>,
}

impl LogQueue {
    fn start(log: Arc<dyn Log>) -> LogQueue {
        let (tx, rx) = std::sync::mpsc::sync_channel::<String>(LOG_QUEUE);
        let dropped = Arc::new(AtomicU64::new(0));
        let counted = Arc::clone(&dropped);
        let spawned = std::thread::Builder::new()
            .name("sesm-log".into())
            .spawn(move || {
                for line in rx {
                    log.request(&line);
                    let lost = counted.swap(0, Ordering::Relaxed);
                    if lost > 0 {
                        log.request(&format!(
                            "({lost} log lines dropped: stderr was not keeping up)"
                        ));
                    }
                }
            });
        if spawned.is_err() {
            // No thread for the log: every line counts as dropped; serving goes on.
            dropped.store(u64::MAX / 2, Ordering::Relaxed);
        }
        LogQueue { tx, dropped }
    }

    fn line(&self, line: String) {
        if self.tx.try_send(line).is_err() {
            self.dropped.fetch_add(1, Ordering::Relaxed);
        }
    }
}
