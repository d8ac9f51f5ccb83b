//! HTTP/1.1 on a socket, as much as SDK clients use: a request head (parsed by `httparse`),
//! a body by `Content-Length` or chunked, `Expect: 100-continue`, keep-alive, and responses
//! with a length. Every read has a deadline and every part a size limit, so a slow or
//! hostile client gets a clear status and ties up only its own connection.

use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

/// The largest request body (SDK bodies are kilobytes; a raw email may be megabytes).
pub const MAX_BODY: usize = 10 * 1024 * 1024;
/// The largest request head (request line and headers).
const MAX_HEAD: usize = 64 * 1024;
const MAX_HEADERS: usize = 100;
/// How long a keep-alive connection may wait for its next request.
pub const IDLE_TIMEOUT: Duration = Duration::from_secs(60);
/// How long a request may take to arrive once it has started (head and body), by default.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// A request as read from the socket.
#[derive(Debug, Clone)]
pub struct Request {
    pub method: String,
    /// The raw request target: path and query, still percent-encoded.
    pub target: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// Whether the client wants the connection kept open.
    pub keep_alive: bool,
}

impl Request {
    /// A header's value (names compare without case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The path and the query string of the target.
    pub fn path_and_query(&self) -> (&str, &str) {
        match self.target.split_once('?') {
            Some((p, q)) => (p, q),
            None => (self.target.as_str(), ""),
        }
    }
}

/// A response to write.
#[derive(Debug, Clone)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Response {
    pub fn new(status: u16, content_type: &str, body: Vec<u8>) -> Response {
        Response {
            status,
            headers: vec![("Content-Type".into(), content_type.into())],
            body,
        }
    }

    pub fn header(mut self, name: &str, value: impl Into<String>) -> Response {
        self.headers.push((name.into(), value.into()));
        self
    }
}

/// Why no request could be read; `status` says what to answer, if anything.
#[derive(Debug)]
pub enum ReadError {
    /// The connection closed (or stayed idle) between requests: nothing to answer.
    Closed,
    /// A request that can't be served: answer `status` and close.
    Bad { status: u16, message: String },
}

fn bad(status: u16, message: impl Into<String>) -> ReadError {
    ReadError::Bad {
        status,
        message: message.into(),
    }
}

/// Reads the next request of a connection. `idle` bounds the wait for its first byte; once
/// it started, the whole request must arrive within `timeout`.
pub fn read_request(
    reader: &mut BufReader<TcpStream>,
    idle: Duration,
    timeout: Duration,
) -> Result<Request, ReadError> {
    reader.get_ref().set_read_timeout(Some(idle)).ok();
    match reader.fill_buf() {
        Ok([]) => return Err(ReadError::Closed),
        Ok(_) => {}
        Err(_) => return Err(ReadError::Closed),
    }
    let deadline = Instant::now() + timeout;
    let head = read_head(reader, deadline)?;
    let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
    let mut parsed = httparse::Request::new(&mut headers);
    match parsed.parse(&head) {
        Ok(httparse::Status::Complete(_)) => {}
        Ok(httparse::Status::Partial) => return Err(bad(400, "incomplete request head")),
        Err(httparse::Error::TooManyHeaders) => {
            return Err(bad(431, "too many request headers"));
        }
        Err(e) => return Err(bad(400, format!("malformed request: {e}"))),
    }
    let method = parsed.method.unwrap_or_default().to_string();
    let target = parsed.path.unwrap_or_default().to_string();
    let http10 = parsed.version == Some(0);
    let headers: Vec<(String, String)> = parsed
        .headers
        .iter()
        .map(|h| {
            (
                h.name.to_string(),
                String::from_utf8_lossy(h.value).trim().to_string(),
            )
        })
        .collect();
    let find = |name: &str| {
        headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    };
    let connection = find("connection").unwrap_or_default().to_ascii_lowercase();
    let keep_alive = if http10 {
        connection.contains("keep-alive")
    } else {
        !connection.contains("close")
    };
    let chunked =
        find("transfer-encoding").is_some_and(|t| t.to_ascii_lowercase().contains("chunked"));
    let length = match find("content-length") {
        Some(v) => Some(
            v.parse::<usize>()
                .map_err(|_| bad(400, format!("invalid Content-Length '{v}'")))?,
        ),
        None => None,
    };
    if length.is_some_and(|n| n > MAX_BODY) {
        return Err(bad(
            413,
            format!("the request body is larger than {} bytes", MAX_BODY),
        ));
    }
    if find("expect").is_some_and(|e| e.eq_ignore_ascii_case("100-continue")) {
        let mut stream = reader.get_ref();
        stream
            .write_all(b"HTTP/1.1 100 Continue\r\n\r\n")
            .map_err(|_| ReadError::Closed)?;
    }
    let body = if chunked {
        read_chunked(reader, deadline)?
    } else {
        let n = length.unwrap_or(0);
        let mut body = vec![0; n];
        read_exact_by(reader, &mut body, deadline)?;
        body
    };
    Ok(Request {
        method,
        target,
        headers,
        body,
        keep_alive,
    })
}

/// Sets the socket's read timeout to what is left before `deadline`.
fn until(reader: &BufReader<TcpStream>, deadline: Instant) -> Result<(), ReadError> {
    let left = deadline.saturating_duration_since(Instant::now());
    if left.is_zero() {
        return Err(bad(408, "the request took too long to arrive"));
    }
    reader.get_ref().set_read_timeout(Some(left)).ok();
    Ok(())
}

fn timed_out(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
    )
}

fn read_error(e: io::Error) -> ReadError {
    if timed_out(&e) {
        bad(408, "the request took too long to arrive")
    } else {
        ReadError::Closed
    }
}

/// Reads up to the blank line that ends the head.
fn read_head(reader: &mut BufReader<TcpStream>, deadline: Instant) -> Result<Vec<u8>, ReadError> {
    let mut head = Vec::with_capacity(1024);
    loop {
        until(reader, deadline)?;
        let before = head.len();
        let n = reader
            .by_ref()
            .take((MAX_HEAD + 1 - head.len()) as u64)
            .read_until(b'\n', &mut head)
            .map_err(read_error)?;
        if n == 0 {
            return Err(ReadError::Closed);
        }
        if head.len() > MAX_HEAD {
            return Err(bad(431, "the request head is too large"));
        }
        let line = &head[before..];
        if line == b"\r\n" || line == b"\n" {
            // Blank lines before a request line are allowed (RFC 9112, 2.2).
            if before == 0 {
                head.clear();
                continue;
            }
            return Ok(head);
        }
    }
}

fn read_exact_by(
    reader: &mut BufReader<TcpStream>,
    buf: &mut [u8],
    deadline: Instant,
) -> Result<(), ReadError> {
    let mut at = 0;
    while at < buf.len() {
        until(reader, deadline)?;
        match reader.read(&mut buf[at..]) {
            Ok(0) => return Err(bad(400, "the body ended before its Content-Length")),
            Ok(n) => at += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(read_error(e)),
        }
    }
    Ok(())
}

fn read_line(reader: &mut BufReader<TcpStream>, deadline: Instant) -> Result<String, ReadError> {
    let mut line = Vec::new();
    until(reader, deadline)?;
    reader
        .by_ref()
        .take(4096)
        .read_until(b'\n', &mut line)
        .map_err(read_error)?;
    if !line.ends_with(b"\n") {
        return Err(bad(400, "malformed chunked body"));
    }
    Ok(String::from_utf8_lossy(&line).trim().to_string())
}

/// A `Transfer-Encoding: chunked` body, within `MAX_BODY`.
fn read_chunked(
    reader: &mut BufReader<TcpStream>,
    deadline: Instant,
) -> Result<Vec<u8>, ReadError> {
    let mut body = Vec::new();
    loop {
        let line = read_line(reader, deadline)?;
        let size = line.split(';').next().unwrap_or_default().trim();
        let size = usize::from_str_radix(size, 16)
            .map_err(|_| bad(400, format!("malformed chunk size '{size}'")))?;
        if size == 0 {
            // Trailers, up to the blank line.
            while !read_line(reader, deadline)?.is_empty() {}
            return Ok(body);
        }
        if body.len().saturating_add(size) > MAX_BODY {
            return Err(bad(
                413,
                format!("the request body is larger than {} bytes", MAX_BODY),
            ));
        }
        let start = body.len();
        body.resize(start + size, 0);
        read_exact_by(reader, &mut body[start..], deadline)?;
        if !read_line(reader, deadline)?.is_empty() {
            return Err(bad(400, "malformed chunked body"));
        }
    }
}

/// The reason phrase of the statuses sesm answers with.
fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        413 => "Content Too Large",
        429 => "Too Many Requests",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        503 => "Service Unavailable",
        _ => "",
    }
}

/// Writes a response; `keep_alive` says whether the connection stays open.
pub fn write_response(
    stream: &mut TcpStream,
    response: &Response,
    keep_alive: bool,
) -> io::Result<()> {
    let mut head = format!(
        "HTTP/1.1 {} {}\r\n",
        response.status,
        reason(response.status)
    );
    for (k, v) in &response.headers {
        head.push_str(k);
        head.push_str(": ");
        head.push_str(v);
        head.push_str("\r\n");
    }
    head.push_str(&format!("Content-Length: {}\r\n", response.body.len()));
    if !keep_alive {
        head.push_str("Connection: close\r\n");
    }
    head.push_str("\r\n");
    let mut out = head.into_bytes();
    out.extend_from_slice(&response.body);
    stream.set_write_timeout(Some(REQUEST_TIMEOUT)).ok();
    stream.write_all(&out)?;
    stream.flush()
}
