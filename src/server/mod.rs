//! `sesm serve`: the SESv2 API over HTTP/1.1, the second front end over `ops/`.
//!
//! A thread per connection (up to `MAX_CONNECTIONS`) reads requests (`http`), `api` answers
//! them with the same operations and the same state lock as the command line, and the
//! response goes back on the connection, which stays open for the next request. SIGINT and
//! SIGTERM stop accepting, let the requests in progress finish, and end the process.

pub mod api;
pub mod http;
mod mail;
pub mod routes;
pub mod wire;

use std::io::BufReader;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicI32, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use crate::error::{Error, Result, exit};
pub use api::Api;

/// The most connections served at once; more are answered 503 and closed.
pub const MAX_CONNECTIONS: usize = 256;
/// How long a stop waits for requests in progress.
const DRAIN: Duration = Duration::from_secs(30);

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
    /// How long a request may take to arrive once it started (a slow client gets a 408).
    pub request_timeout: Duration,
}

struct Shared {
    api: Api,
    request_timeout: Duration,
    log: Box<dyn Log>,
    stopping: AtomicBool,
    /// Requests read and not yet answered.
    busy: AtomicUsize,
    connections: AtomicUsize,
}

/// Binds `host:port` (port 0: any free port) and serves until SIGINT (exit 130) or SIGTERM
/// (exit 0).
pub fn serve(api: Api, options: &Options, log: Box<dyn Log>) -> Result<i32> {
    let (host, port) = (options.host.as_str(), options.port);
    let listener = TcpListener::bind((host, port)).map_err(|e| {
        Error::invalid(format!("cannot listen on {host}:{port}: {e}"))
            .hint("choose another --port, or --port 0 for any free one")
    })?;
    let addr = listener
        .local_addr()
        .map_err(|e| Error::internal(format!("cannot read the listening address: {e}")))?;
    let shared = Arc::new(Shared {
        api,
        request_timeout: options.request_timeout,
        log,
        stopping: AtomicBool::new(false),
        busy: AtomicUsize::new(0),
        connections: AtomicUsize::new(0),
    });
    let signal = Arc::new(AtomicI32::new(0));
    watch_signals(Arc::clone(&shared), Arc::clone(&signal), addr)?;
    let host_part = match addr {
        SocketAddr::V6(a) => format!("[{}]", a.ip()),
        SocketAddr::V4(a) => a.ip().to_string(),
    };
    shared
        .log
        .listening(&format!("http://{host_part}:{}", addr.port()));
    for stream in listener.incoming() {
        if shared.stopping.load(Ordering::SeqCst) {
            break;
        }
        let Ok(stream) = stream else { continue };
        if shared.connections.fetch_add(1, Ordering::SeqCst) >= MAX_CONNECTIONS {
            shared.connections.fetch_sub(1, Ordering::SeqCst);
            refuse_busy(stream);
            continue;
        }
        let shared = Arc::clone(&shared);
        let spawned = std::thread::Builder::new()
            .name("sesm-connection".into())
            .spawn(move || {
                connection(&shared, stream);
                shared.connections.fetch_sub(1, Ordering::SeqCst);
            });
        if spawned.is_err() {
            // No thread for it: the stream was dropped with the closure, closing it.
            continue;
        }
    }
    // Stopping: let the requests in progress finish.
    let start = Instant::now();
    while shared.busy.load(Ordering::SeqCst) > 0 && start.elapsed() < DRAIN {
        std::thread::sleep(Duration::from_millis(5));
    }
    Ok(match signal.load(Ordering::SeqCst) {
        s if s == signal_hook::consts::SIGINT => exit::INTERRUPTED,
        _ => exit::SUCCESS,
    })
}

/// On SIGINT or SIGTERM: stop accepting (waking the accept loop with a connection of our own).
fn watch_signals(shared: Arc<Shared>, signal: Arc<AtomicI32>, addr: SocketAddr) -> Result<()> {
    use signal_hook::consts::{SIGINT, SIGTERM};
    let mut signals = signal_hook::iterator::Signals::new([SIGINT, SIGTERM])
        .map_err(|e| Error::internal(format!("cannot watch signals: {e}")))?;
    std::thread::Builder::new()
        .name("sesm-signals".into())
        .spawn(move || {
            if let Some(s) = signals.forever().next() {
                signal.store(s, Ordering::SeqCst);
                shared.stopping.store(true, Ordering::SeqCst);
                let _ = TcpStream::connect_timeout(&addr, Duration::from_secs(1));
            }
        })
        .map_err(|e| Error::internal(format!("cannot watch signals: {e}")))?;
    Ok(())
}

fn refuse_busy(mut stream: TcpStream) {
    let r = wire::error_response(
        503,
        "ServiceUnavailable",
        "sesm is serving as many connections as it takes; retry",
    );
    let _ = http::write_response(&mut stream, &r, false);
}

/// Serves the requests of one connection until it closes, fails or the server stops.
fn connection(shared: &Shared, stream: TcpStream) {
    let _ = stream.set_nodelay(true);
    let Ok(mut writer) = stream.try_clone() else {
        return;
    };
    let mut reader = BufReader::new(stream);
    while !shared.stopping.load(Ordering::SeqCst) {
        let req = match http::read_request(&mut reader, http::IDLE_TIMEOUT, shared.request_timeout)
        {
            Ok(req) => req,
            Err(http::ReadError::Closed) => return,
            Err(http::ReadError::Bad { status, message }) => {
                let code = match status {
                    408 => "RequestTimeoutException",
                    413 => "RequestEntityTooLargeException",
                    _ => "BadRequestException",
                };
                let r = wire::error_response(status, code, &message);
                let _ = http::write_response(&mut writer, &r, false);
                shared
                    .log
                    .request(&format!("- - - {status} 0ms ({message})"));
                return;
            }
        };
        shared.busy.fetch_add(1, Ordering::SeqCst);
        let start = Instant::now();
        let handled = shared.api.handle(&req);
        let keep_alive = req.keep_alive && !shared.stopping.load(Ordering::SeqCst);
        let written = http::write_response(&mut writer, &handled.response, keep_alive);
        shared.busy.fetch_sub(1, Ordering::SeqCst);
        let (path, _) = req.path_and_query();
        shared.log.request(&format!(
            "{} {} {} {} {}ms",
            req.method,
            path,
            handled.operation,
            handled.response.status,
            start.elapsed().as_millis()
        ));
        if written.is_err() || !keep_alive {
            return;
        }
    }
}
