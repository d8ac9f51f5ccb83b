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
mod body;
pub mod budget;
mod clock;
mod console;
pub mod doors;
pub mod guard;
pub mod http;
mod sesm;
pub mod sesv1;
pub mod sesv2;
pub mod smtp;
mod sns;
mod timed;

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicI32, AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::header::{self, HeaderMap};
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::io::AsyncWriteExt;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Semaphore, watch};

use body::BodyError;
use budget::Budget;

use crate::error::{Error, Result, exit};
pub use api::Api;
use guard::{Allowed, escape};
pub use smtp::{InboundOptions, SmtpOptions};

/// How long a stop waits for requests in progress.
const DRAIN: Duration = Duration::from_secs(30);
/// Memory the HTTP requests' bodies may hold at once, charged as they arrive (`budget`): 192 MiB
/// of body bytes at `body::MEMORY_PER_BYTE` each. SMTP's messages have their own
/// (`smtp::BUDGET`), so a slow DATA never starves an HTTP send.
const HTTP_BUDGET: usize = 192 * 1024 * 1024 * body::MEMORY_PER_BYTE;
/// Requests whose operation may run at once on tokio's blocking threads, reads (GET, HEAD)
/// and the rest apart, so reads never queue behind writes waiting for the state lock; SMTP's
/// sends have their own (`smtp::SENDERS`). Past that a request waits, as a task, for its turn.
const READERS: usize = 24;
const WRITERS: usize = 24;
/// tokio's blocking threads: the operations above, SMTP's sends, SNS delivery's file work.
const BLOCKING_THREADS: usize = 64;
/// Log lines waiting for stderr; past that they are dropped and counted.
const LOG_QUEUE: usize = 4096;

/// What the front end hears from the server: the endpoint once it listens, one line per
/// request, and warnings. The server itself prints nothing.
pub trait Log: Send + Sync {
    fn listening(&self, url: &str);
    fn request(&self, line: &str);
    /// False when request lines are thrown away (`-q`): the server then hands none over,
    /// sparing each request a wake of the log's thread.
    fn keeps_requests(&self) -> bool {
        true
    }
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
    /// `--day-length`: how much wall time a simulated day lasts; `None`: `manual`.
    pub day_length: Option<Duration>,
}

struct Shared {
    api: Api,
    allowed: Allowed,
    request_timeout: Duration,
    budget: Arc<Budget>,
    readers: Semaphore,
    writers: Semaphore,
    log: LogQueue,
    /// Requests read and not yet answered.
    busy: AtomicUsize,
    /// Open connections of each door, and the most each may have (`Caps`).
    http: AtomicUsize,
    smtp: AtomicUsize,
    caps: Caps,
    sns_retry_delay: Duration,
}

/// The connections each door may hold at once. Each is an open file, so they come from the
/// open-files limit, less what the server keeps for the state, the mail, the log and SNS
/// deliveries; SMTP gets a quarter, HTTP the rest, so idle SMTP sessions never lock HTTP
/// clients out (issue 29, item 3). Each is capped, as an idle connection still costs memory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Caps {
    pub http: usize,
    pub smtp: usize,
}

impl Caps {
    const RESERVED: usize = 64;
    const MAX_HTTP: usize = 8192;
    const MAX_SMTP: usize = 2048;

    pub fn of(open_files: usize) -> Caps {
        let usable = open_files.saturating_sub(Caps::RESERVED).max(64);
        let smtp = (usable / 4).clamp(16, Caps::MAX_SMTP);
        Caps {
            http: (usable - smtp.min(usable / 2)).clamp(32, Caps::MAX_HTTP),
            smtp,
        }
    }
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
        .max_blocking_threads(BLOCKING_THREADS)
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
    let open_files = raise_open_files_limit();
    let caps = Caps::of(open_files);
    let shared = Arc::new(Shared {
        api,
        allowed: Allowed::new(addr.ip(), addr.port(), &options.allow_hosts),
        request_timeout: options.request_timeout,
        budget: Budget::new(HTTP_BUDGET),
        readers: Semaphore::new(READERS),
        writers: Semaphore::new(WRITERS),
        log: LogQueue::start(Arc::clone(&log)),
        busy: AtomicUsize::new(0),
        http: AtomicUsize::new(0),
        smtp: AtomicUsize::new(0),
        caps,
        sns_retry_delay: options.sns_retry_delay,
    });
    shared.log.line(format!(
        "connections: up to {} HTTP{} (open files limit {open_files})",
        caps.http,
        if smtp_listener.is_some() {
            format!(" and {} SMTP", caps.smtp)
        } else {
            String::new()
        }
    ));
    let served = runtime.block_on(async {
        let listener = TcpListener::from_std(std_listener)
            .map_err(|e| Error::internal(format!("cannot set up the listener: {e}")))?;
        tokio::spawn(sns::run(Arc::clone(&shared), base, stop_rx.clone()));
        if let Some(every) = options.day_length {
            tokio::spawn(clock::run(Arc::clone(&shared), every, stop_rx.clone()));
        }
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
        if shared.http.fetch_add(1, Ordering::SeqCst) >= shared.caps.http {
            shared.http.fetch_sub(1, Ordering::SeqCst);
            tokio::spawn(refuse_busy(stream));
            continue;
        }
        let shared = Arc::clone(&shared);
        tokio::spawn(async move {
            connection(stream, &shared).await;
            shared.http.fetch_sub(1, Ordering::SeqCst);
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

/// The limit on open files (each connection is one): the soft limit raised to the hard one
/// (as Go's runtime and nginx's `worker_rlimit_nofile` do), at most 65,536.
fn raise_open_files_limit() -> usize {
    use rustix::process::{Resource, getrlimit, setrlimit};
    let limit = getrlimit(Resource::Nofile);
    let soft = limit.current.unwrap_or(65_536);
    let wanted = limit.maximum.unwrap_or(65_536).min(65_536);
    if wanted > soft {
        let raised = rustix::process::Rlimit {
            current: Some(wanted),
            maximum: limit.maximum,
        };
        if setrlimit(Resource::Nofile, raised).is_ok() {
            return wanted as usize;
        }
    }
    soft as usize
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
        .serve_connection(
            TokioIo::new(timed::Timed::new(stream, shared.request_timeout)),
            service,
        )
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

    if let Err(why) = framing(&parts.headers).and_then(|()| single_headers(&parts.headers)) {
        // The body's end (or who is asking) can't be trusted: answer and close without
        // reading it.
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
        let drained = expects_continue || body::discard(body, deadline).await;
        let code = if r.status == 403 {
            "AccessDeniedException"
        } else {
            "BadRequestException"
        };
        return refused(r.status, code, r.message, !drained);
    }
    let accept = text(header::ACCEPT);
    // HEAD is GET without the body (RFC 9110 9.3.2; hyper leaves the body out): the doors
    // see a GET, so every GET resource answers HEAD alike.
    let door_method = if method == "HEAD" { "GET" } else { &method }.to_string();
    let route = doors::Route::of(&door_method, &path, accept.as_deref());
    let limit = route.body_limit();
    if declared.is_some_and(|n| n > limit as u64) {
        let drained = expects_continue || body::discard(body, deadline).await;
        let (status, code, message) = BodyError::TooLarge.refusal(limit);
        return refused(status, code, message, !drained);
    }
    let (body, _charge) = match body::read(body, declared, limit, deadline, &shared.budget).await {
        Ok(b) => b,
        Err(e) => {
            let (status, code, message) = e.refusal(limit);
            return refused(status, code, message, true);
        }
    };
    // The operation's turn on a blocking thread: reads and the rest each have their own
    // share, waited for as a task (never a thread) until the deadline.
    let turns = if matches!(parts.method, hyper::Method::GET | hyper::Method::HEAD) {
        &shared.readers
    } else {
        &shared.writers
    };
    let Ok(Ok(_turn)) = tokio::time::timeout_at(deadline, turns.acquire()).await else {
        let (status, code, message) = BodyError::Busy.refusal(limit);
        return refused(status, code, message, false);
    };
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
        method: door_method,
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
    let Ok((handled, _request)) = handled else {
        return refused(
            500,
            "InternalFailure",
            "sesm failed on this request; the state was left as it was".into(),
            true,
        );
    };
    shared.log.line(format!(
        "{} {} {} {} {}ms",
        escape(&method),
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

/// RFC 9112 3.2 and RFC 9110 5.3: a request names its host once; `Origin` and
/// `Sec-Fetch-Site` are single values too. Two of any could be read differently by a proxy
/// in front and by sesm's host and origin rules, so they are refused rather than the first
/// one believed.
fn single_headers(headers: &HeaderMap) -> std::result::Result<(), String> {
    for name in [header::HOST, header::ORIGIN] {
        if headers.get_all(&name).iter().count() > 1 {
            return Err(format!("the request has more than one {name} header"));
        }
    }
    if headers.get_all("sec-fetch-site").iter().count() > 1 {
        return Err("the request has more than one sec-fetch-site header".into());
    }
    Ok(())
}

fn content_length(headers: &HeaderMap) -> Option<u64> {
    let v = headers.get(header::CONTENT_LENGTH)?.as_bytes();
    let first = v.split(|&b| b == b',').next()?.trim_ascii();
    std::str::from_utf8(first).ok()?.parse().ok()
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
    tx: Option<std::sync::mpsc::SyncSender<String>>,
    dropped: Arc<AtomicU64>,
}

impl LogQueue {
    fn start(log: Arc<dyn Log>) -> LogQueue {
        let dropped = Arc::new(AtomicU64::new(0));
        if !log.keeps_requests() {
            return LogQueue { tx: None, dropped };
        }
        let (tx, rx) = std::sync::mpsc::sync_channel::<String>(LOG_QUEUE);
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
        LogQueue {
            tx: Some(tx),
            dropped,
        }
    }

    fn line(&self, line: String) {
        let Some(tx) = &self.tx else { return };
        if tx.try_send(line).is_err() {
            self.dropped.fetch_add(1, Ordering::Relaxed);
        }
    }
}
