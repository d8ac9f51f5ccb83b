//! A request as the doors see it (read whole by `server::serve`, on hyper) and the response
//! they give: plain values, so a door is a function of one request and the account. Also
//! what every HTTP door shares: the query string, and errors as REST-JSON.

use crate::error::{Error, Kind, SesCode};

/// A character no SES string may hold: a C0 control other than tab, line feed and carriage
/// return, or U+FFFE / U+FFFF — what XML 1.0 cannot carry, so SES v1 could never answer it
/// back (a template with `\x01` broke v1's GetTemplate for boto3). Both API doors refuse it
/// where they decode a request (issue 29, item 14): SESv2's `wire`, v1's `Form`.
pub fn forbidden(text: &str) -> Option<char> {
    text.chars().find(|&c| {
        (c < ' ' && !matches!(c, '\t' | '\n' | '\r')) || c == '\u{FFFE}' || c == '\u{FFFF}'
    })
}

/// A request, its body read.
#[derive(Debug, Clone)]
pub struct Request {
    pub method: String,
    /// The request target's path and query, still percent-encoded (an absolute-form target
    /// is reduced to them).
    pub target: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
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

/// A query string (or a form body), decoded; a name may repeat (`TagKeys=a&TagKeys=b`).
pub struct Query(Vec<(String, String)>);

impl Query {
    pub fn parse(query: &str) -> Query {
        Query(
            form_urlencoded::parse(query.as_bytes())
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect(),
        )
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn all(&self, name: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .collect()
    }

    pub fn required(&self, name: &str) -> Result<String, Error> {
        self.get(name)
            .map(str::to_string)
            .ok_or_else(|| Error::bad_request(format!("{name} is required.")))
    }

    pub fn int(&self, name: &str) -> Result<Option<i64>, Error> {
        match self.get(name) {
            None => Ok(None),
            Some(v) => v.parse().map(Some).map_err(|_| {
                Error::bad_request(format!("{name} must be a whole number, not '{v}'."))
            }),
        }
    }
}

/// The first value of `name` in a form body, read without building the rest (a 16 MiB form
/// of short keys would otherwise cost hundreds of megabytes before any check).
pub fn form_value(body: &[u8], name: &str) -> Option<String> {
    form_urlencoded::parse(body)
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

/// The HTTP status and code of an error, as the REST-JSON doors (SESv2, `/_sesm`, the
/// console's statuses) answer it (`sesv2-wire.md` 3.2): never a 5xx for a deterministic
/// refusal, since SDKs retry those; a lock timeout is a 429 ConcurrentModificationException,
/// which they retry as throttling.
pub fn status_of(e: &Error) -> (u16, &'static str) {
    match e.kind {
        Kind::Ses(SesCode::NotFound) => (404, "NotFoundException"),
        Kind::Ses(SesCode::NotImplemented) => (501, "NotImplemented"),
        Kind::Ses(SesCode::AccessDenied) => (403, "AccessDeniedException"),
        Kind::Ses(code) => (400, code.as_str()),
        Kind::InvalidParameter => (400, "BadRequestException"),
        Kind::Lock => (429, "ConcurrentModificationException"),
        Kind::State | Kind::Internal | Kind::Output => (500, "InternalFailure"),
    }
}

/// A REST-JSON error: `X-Amzn-ErrorType` and `{"__type", "message"}`.
pub fn json_error(status: u16, code: &str, message: &str) -> Response {
    let body = serde_json::json!({ "__type": code, "message": message });
    Response::new(status, "application/json", body.to_string().into_bytes())
        .header("X-Amzn-ErrorType", code)
}

/// The REST-JSON response for an error.
pub fn error(e: &Error) -> Response {
    let (status, code) = status_of(e);
    json_error(status, code, &e.message)
}

/// A successful REST-JSON response.
pub fn json(body: &impl serde::Serialize) -> Response {
    match serde_json::to_vec(body) {
        Ok(bytes) => Response::new(200, "application/json", bytes),
        Err(e) => error(&Error::internal(format!("cannot encode the response: {e}"))),
    }
}
