//! SESv2's REST-JSON protocol as clients send and expect it (`sesv2-wire.md`): request bodies
//! decoded with the model's types, timestamps as epoch seconds. Errors and query strings are
//! `http.rs`'s, which every REST-JSON door shares.

use super::shapes::Members;
use crate::error::Error;

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

/// A timestamp as REST-JSON carries one: seconds since the epoch, a JSON number (the Go SDK
/// refuses a string).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Epoch(pub jiff::Timestamp);

impl serde::Serialize for Epoch {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let millis = self.0.as_millisecond();
        if millis % 1000 == 0 {
            s.serialize_i64(millis / 1000)
        } else {
            s.serialize_f64(millis as f64 / 1000.0)
        }
    }
}

impl<'de> serde::Deserialize<'de> for Epoch {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Epoch, D::Error> {
        let seconds = f64::deserialize(d)?;
        let millis = seconds * 1000.0;
        if !millis.is_finite() {
            return Err(serde::de::Error::custom(
                "a timestamp in seconds since the epoch",
            ));
        }
        jiff::Timestamp::from_millisecond(millis as i64)
            .map(Epoch)
            .map_err(|_| serde::de::Error::custom("a timestamp in seconds since the epoch"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_decode_into_their_types() {
        use crate::server::sesv2::shapes::{
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
    fn epochs_are_numbers() {
        let t: jiff::Timestamp = "2026-01-01T00:00:00Z".parse().unwrap();
        assert_eq!(serde_json::to_string(&Epoch(t)).unwrap(), "1767225600");
        let half = Epoch(t.checked_add(jiff::Span::new().milliseconds(500)).unwrap());
        assert_eq!(serde_json::to_string(&half).unwrap(), "1767225600.5");
        let back: Epoch = serde_json::from_str("1767225600.5").unwrap();
        assert_eq!(back, half);
        assert!(serde_json::from_str::<Epoch>("1e300").is_err());
    }
}
