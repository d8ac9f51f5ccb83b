//! SESv2's REST-JSON protocol as clients send and expect it (`sesv2-wire.md`): request bodies
//! and query strings decoded with the model's types, errors as `X-Amzn-ErrorType` plus
//! `{"message"}`, and the status each error code gets.

use serde_json::{Map, Value};

use super::http::Response;
use super::requests::Members;
use crate::error::{Error, Kind, SesCode};

fn bad(message: impl Into<String>) -> Error {
    Error::bad_request(message)
}

/// Decodes a JSON request body straight into its typed request (an empty body is `{}`), then
/// checks the members botocore's model requires. Unknown members are skipped without being
/// built, so a huge unknown member costs no memory; nesting deeper than 128 levels is refused
/// by serde_json instead of overflowing the stack.
pub fn decode<T: serde::de::DeserializeOwned + Members>(bytes: &[u8]) -> Result<T, Error> {
    let bytes: &[u8] = if bytes.iter().all(u8::is_ascii_whitespace) {
        b"{}"
    } else {
        bytes
    };
    // serde would take an array for a struct (its members in order): SESv2 bodies are objects.
    let first = bytes.iter().find(|b| !b.is_ascii_whitespace());
    if first.is_some_and(|&b| b != b'{') {
        return match serde_json::from_slice::<serde::de::IgnoredAny>(bytes) {
            Ok(_) => Err(bad("The request body must be a JSON object.")),
            Err(e) => Err(bad(format!("The request body is not valid JSON: {e}."))),
        };
    }
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let value: T = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        if inner.is_syntax() || inner.is_eof() {
            return bad(format!("The request body is not valid JSON: {inner}."));
        }
        if path == "." {
            return bad("The request body must be a JSON object.");
        }
        bad(format!("{path} {}.", what_was_expected(&inner.to_string())))
    })?;
    de.end()
        .map_err(|e| bad(format!("The request body is not valid JSON: {e}.")))?;
    if let Some(member) = value.missing() {
        return Err(bad(format!("{member} is required.")));
    }
    Ok(value)
}

/// serde's "invalid type: integer `5`, expected a string at line 1 column 12" as SES-style
/// words: "must be a string".
fn what_was_expected(message: &str) -> String {
    let expected = message
        .split("expected ")
        .nth(1)
        .map(|e| e.split(" at line").next().unwrap_or(e))
        .unwrap_or("");
    let want = match expected {
        "a string" => "a string",
        "i64" | "u64" | "i32" | "u32" => "a whole number",
        "f64" => "a number",
        "a boolean" => "true or false",
        "a sequence" => "a list",
        e if e.starts_with("struct") || e == "a map" => "an object",
        _ => {
            return format!(
                "is not valid: {}",
                message.split(" at line").next().unwrap_or(message)
            );
        }
    };
    format!("must be {want}")
}

/// A query string, decoded; a name may repeat (`TagKeys=a&TagKeys=b`).
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
            .ok_or_else(|| bad(format!("{name} is required.")))
    }

    pub fn int(&self, name: &str) -> Result<Option<i64>, Error> {
        match self.get(name) {
            None => Ok(None),
            Some(v) => v
                .parse()
                .map(Some)
                .map_err(|_| bad(format!("{name} must be a whole number, not '{v}'."))),
        }
    }
}

/// The HTTP status and `X-Amzn-ErrorType` of an error (`sesv2-wire.md` 3.2): never a 5xx for
/// a deterministic refusal, since SDKs retry those; a lock timeout is a 429
/// ConcurrentModificationException, which they retry as throttling.
pub fn status_of(e: &Error) -> (u16, &'static str) {
    match e.kind {
        Kind::Ses(SesCode::NotFound) => (404, "NotFoundException"),
        Kind::Ses(SesCode::NotImplemented) => (501, "NotImplemented"),
        Kind::Ses(code) => (400, code.as_str()),
        Kind::InvalidParameter => (400, "BadRequestException"),
        Kind::Lock => (429, "ConcurrentModificationException"),
        Kind::State | Kind::Internal | Kind::Output => (500, "InternalFailure"),
    }
}

/// The response for an error.
pub fn error(e: &Error) -> Response {
    let (status, code) = status_of(e);
    error_response(status, code, &e.message)
}

pub fn error_response(status: u16, code: &str, message: &str) -> Response {
    let body = serde_json::json!({ "__type": code, "message": message });
    Response::new(status, "application/json", body.to_string().into_bytes())
        .header("X-Amzn-ErrorType", code)
}

/// A successful response with a JSON body.
pub fn ok(body: Value) -> Response {
    Response::new(200, "application/json", body.to_string().into_bytes())
}

/// `{}`: the success of an operation with an empty output.
pub fn empty() -> Response {
    ok(Value::Object(Map::new()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_decode_into_their_types() {
        use crate::server::requests::{
            CreateDedicatedIpPoolBody, PutDedicatedIpWarmupAttributesBody,
        };
        let b: CreateDedicatedIpPoolBody =
            decode(br#"{"PoolName":"p","X":[1,2,{"a":3}]}"#).unwrap();
        assert_eq!(b.pool_name.as_deref(), Some("p"));
        let msg = |bytes: &[u8]| {
            decode::<CreateDedicatedIpPoolBody>(bytes)
                .unwrap_err()
                .message
        };
        assert!(msg(b"").contains("PoolName is required"));
        assert!(msg(b" \n").contains("PoolName is required"));
        assert!(msg(b"[]").contains("JSON object"), "{}", msg(b"[]"));
        assert!(msg(b"{").contains("not valid JSON"));
        assert!(msg(b"{} x").contains("not valid JSON"));
        assert!(msg(br#"{"PoolName":5}"#).contains("PoolName must be a string"));
        assert!(
            msg(br#"{"PoolName":"p","Tags":[{"Key":"k"}]}"#).contains("Tags.Value is required")
        );
        let deep = format!("{{\"X\":{}", "[".repeat(100_000));
        assert!(msg(deep.as_bytes()).contains("not valid JSON"));
        let w = decode::<PutDedicatedIpWarmupAttributesBody>(br#"{"WarmupPercentage":"5"}"#);
        assert!(
            w.unwrap_err()
                .message
                .contains("WarmupPercentage must be a whole number")
        );
    }

    #[test]
    fn queries_decode_and_repeat() {
        let q = Query::parse(
            "ResourceArn=arn%3Aaws%3Ases%3Aeu-west-1%3A1%3Ax%2Fy&TagKeys=a&TagKeys=b%20c",
        );
        assert_eq!(q.get("ResourceArn"), Some("arn:aws:ses:eu-west-1:1:x/y"));
        assert_eq!(q.all("TagKeys"), vec!["a".to_string(), "b c".to_string()]);
        assert!(Query::parse("PageSize=x").int("PageSize").is_err());
    }

    #[test]
    fn statuses() {
        assert_eq!(status_of(&Error::not_found("x")).0, 404);
        assert_eq!(
            status_of(&Error::already_exists("x")),
            (400, "AlreadyExistsException")
        );
        assert_eq!(
            status_of(&Error::invalid("x")),
            (400, "BadRequestException")
        );
        assert_eq!(
            status_of(&Error::lock("x")),
            (429, "ConcurrentModificationException")
        );
        assert_eq!(
            status_of(&Error::message_rejected("x")),
            (400, "MessageRejected")
        );
    }
}
