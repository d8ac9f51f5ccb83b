//! SESv2's REST-JSON protocol as clients send and expect it (`sesv2-wire.md`): request bodies
//! and query strings decoded with the model's types, errors as `X-Amzn-ErrorType` plus
//! `{"message"}`, and the status each error code gets.

use serde_json::{Map, Value};

use super::http::Response;
use crate::error::{Error, Kind, SesCode};

/// A JSON request body; an empty body is `{}`, anything but an object is refused.
pub struct Body(Map<String, Value>);

fn bad(message: impl Into<String>) -> Error {
    Error::bad_request(message)
}

impl Body {
    pub fn from_map(map: Map<String, Value>) -> Body {
        Body(map)
    }

    pub fn parse(bytes: &[u8]) -> Result<Body, Error> {
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Ok(Body(Map::new()));
        }
        // serde_json refuses nesting deeper than 128 levels instead of overflowing the stack.
        match serde_json::from_slice::<Value>(bytes) {
            Ok(Value::Object(map)) => Ok(Body(map)),
            Ok(_) => Err(bad("The request body must be a JSON object.")),
            Err(e) => Err(bad(format!("The request body is not valid JSON: {e}."))),
        }
    }

    pub fn members(&self) -> &Map<String, Value> {
        &self.0
    }

    pub fn get(&self, name: &str) -> Option<&Value> {
        self.0.get(name).filter(|v| !v.is_null())
    }

    /// A string member; another type is a BadRequest.
    pub fn str(&self, name: &str) -> Result<Option<String>, Error> {
        match self.get(name) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(_) => Err(bad(format!("{name} must be a string."))),
        }
    }

    pub fn required_str(&self, name: &str) -> Result<String, Error> {
        self.str(name)?
            .ok_or_else(|| bad(format!("{name} is required.")))
    }

    /// An integer member (a JSON number without a fraction).
    pub fn int(&self, name: &str) -> Result<Option<i64>, Error> {
        match self.get(name) {
            None => Ok(None),
            Some(v) => v
                .as_i64()
                .map(Some)
                .ok_or_else(|| bad(format!("{name} must be a whole number."))),
        }
    }

    pub fn bool(&self, name: &str) -> Result<Option<bool>, Error> {
        match self.get(name) {
            None => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(_) => Err(bad(format!("{name} must be true or false."))),
        }
    }

    pub fn object(&self, name: &str) -> Result<Option<&Map<String, Value>>, Error> {
        match self.get(name) {
            None => Ok(None),
            Some(Value::Object(m)) => Ok(Some(m)),
            Some(_) => Err(bad(format!("{name} must be an object."))),
        }
    }

    /// `Tags`: a list of `{"Key", "Value"}`.
    pub fn tags(&self, name: &str) -> Result<Vec<(String, String)>, Error> {
        tags(self.get(name), name)
    }
}

/// A list of `{"Key": …, "Value": …}`; duplicates keep the last value, as the CLI's do.
pub fn tags(value: Option<&Value>, name: &str) -> Result<Vec<(String, String)>, Error> {
    let Some(value) = value else {
        return Ok(Vec::new());
    };
    let Value::Array(items) = value else {
        return Err(bad(format!("{name} must be a list of tags.")));
    };
    let mut out: Vec<(String, String)> = Vec::with_capacity(items.len());
    for item in items {
        let key = item.get("Key").and_then(Value::as_str);
        let value = item.get("Value").and_then(Value::as_str);
        match (key, value) {
            (Some(k), Some(v)) => {
                out.push((k.to_string(), v.to_string()));
            }
            _ => {
                return Err(bad(format!(
                    "Each tag of {name} needs a Key and a Value, both strings."
                )));
            }
        }
    }
    Ok(crate::model::tags::last_wins(out))
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
/// a deterministic refusal, since SDKs retry those; a lock timeout is a 500
/// ConcurrentModificationException, which they rightly retry.
pub fn status_of(e: &Error) -> (u16, &'static str) {
    match e.kind {
        Kind::Ses(SesCode::NotFound) => (404, "NotFoundException"),
        Kind::Ses(SesCode::NotImplemented) => (501, "NotImplemented"),
        Kind::Ses(code) => (400, code.as_str()),
        Kind::InvalidParameter => (400, "BadRequestException"),
        Kind::Lock => (500, "ConcurrentModificationException"),
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
    fn bodies() {
        assert!(Body::parse(b"").unwrap().members().is_empty());
        assert!(Body::parse(b" \n").unwrap().members().is_empty());
        assert!(Body::parse(b"[]").is_err());
        assert!(Body::parse(b"{").is_err());
        let deep = "[".repeat(100_000);
        assert!(Body::parse(deep.as_bytes()).is_err());
        let b = Body::parse(br#"{"A":"x","N":5,"F":5.5,"B":true,"Z":null}"#).unwrap();
        assert_eq!(b.str("A").unwrap().as_deref(), Some("x"));
        assert!(b.str("N").is_err());
        assert_eq!(b.int("N").unwrap(), Some(5));
        assert!(b.int("F").is_err());
        assert_eq!(b.bool("B").unwrap(), Some(true));
        assert_eq!(b.str("Z").unwrap(), None);
        assert_eq!(b.required_str("A").unwrap(), "x");
        assert!(b.required_str("Q").is_err());
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
            (500, "ConcurrentModificationException")
        );
        assert_eq!(
            status_of(&Error::message_rejected("x")),
            (400, "MessageRejected")
        );
    }
}
