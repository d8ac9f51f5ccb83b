//! SESv2's REST-JSON protocol as clients send and expect it (`sesv2-wire.md`): request bodies
//! decoded with the model's types, timestamps as epoch seconds. Errors and query strings are
//! `http.rs`'s, which every REST-JSON door shares.

use std::cell::Cell;
use std::collections::BTreeMap;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};

use super::shapes::Members;
use crate::error::Error;
use crate::server::http::forbidden;

fn bad(message: impl Into<String>) -> Error {
    Error::bad_request(message)
}

/// The most list and map entries one request may hold, all its lists together. SES's own
/// limits are far below (50 recipients, 50 tags, 50 bulk entries of 50 recipients each), so
/// a request within them never meets this; one past it is refused while it is decoded, before
/// the entries are built (issue 29, item 11: 6.6 million short addresses once became 400 MB).
pub const MAX_ENTRIES: usize = 10_000;

/// What a decoding refusal of ours starts with, so `decode` words it without serde's position.
const OURS: &str = "sesm: ";

thread_local! {
    /// Entries the request being decoded on this thread may still hold.
    static ENTRIES: Cell<usize> = const { Cell::new(MAX_ENTRIES) };
}

/// Counts one more entry against the request's budget.
fn entry<E: de::Error>() -> Result<(), E> {
    ENTRIES.with(|left| match left.get() {
        0 => Err(E::custom(format!(
            "{OURS}has more entries than sesm decodes in one request ({MAX_ENTRIES} in all its lists)"
        ))),
        n => {
            left.set(n - 1);
            Ok(())
        }
    })
}

/// A string member, checked.
struct Text(String);

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Text, D::Error> {
        let s = String::deserialize(d)?;
        match forbidden(&s) {
            Some(c) => Err(de::Error::custom(format!(
                "{OURS}contains U+{:04X}, a control character SES does not accept",
                c as u32
            ))),
            None => Ok(Text(s)),
        }
    }
}

/// A list, each entry counted before it is kept.
struct Counted<T>(Vec<T>);

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Counted<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Counted<T>, D::Error> {
        struct Seq<T>(std::marker::PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for Seq<T> {
            type Value = Counted<T>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a sequence")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Counted<T>, A::Error> {
                let mut out = Vec::new();
                while let Some(item) = seq.next_element()? {
                    entry()?;
                    out.push(item);
                }
                Ok(Counted(out))
            }
        }
        d.deserialize_seq(Seq(std::marker::PhantomData))
    }
}

/// A string member (`deserialize_with`, emitted by `scripts/gen_api.py`).
pub fn text<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(Option::<Text>::deserialize(d)?.map(|t| t.0))
}

/// A list of strings.
pub fn texts<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Vec<String>>, D::Error> {
    Ok(Option::<Counted<Text>>::deserialize(d)?.map(|c| c.0.into_iter().map(|t| t.0).collect()))
}

/// A list of structures (their members check themselves).
pub fn list<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    d: D,
) -> Result<Option<Vec<T>>, D::Error> {
    Ok(Option::<Counted<T>>::deserialize(d)?.map(|c| c.0))
}

/// A map of strings to strings.
pub fn text_map<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<Option<BTreeMap<String, String>>, D::Error> {
    struct Entries;
    impl<'de> Visitor<'de> for Entries {
        type Value = BTreeMap<String, String>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a map")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            let mut out = BTreeMap::new();
            while let Some((k, v)) = map.next_entry::<Text, Text>()? {
                entry()?;
                out.insert(k.0, v.0);
            }
            Ok(out)
        }
    }
    struct Map(BTreeMap<String, String>);
    impl<'de> Deserialize<'de> for Map {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Map, D::Error> {
            d.deserialize_map(Entries).map(Map)
        }
    }
    Ok(Option::<Map>::deserialize(d)?.map(|m| m.0))
}

/// A map of strings to lists of strings (CreateExportJob's `Dimensions`): each key and each
/// value of its lists counted.
pub fn texts_map<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<Option<BTreeMap<String, Vec<String>>>, D::Error> {
    struct Entries;
    impl<'de> Visitor<'de> for Entries {
        type Value = BTreeMap<String, Vec<String>>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a map")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            let mut out = BTreeMap::new();
            while let Some((k, v)) = map.next_entry::<Text, Counted<Text>>()? {
                entry()?;
                out.insert(k.0, v.0.into_iter().map(|t| t.0).collect());
            }
            Ok(out)
        }
    }
    struct Map(BTreeMap<String, Vec<String>>);
    impl<'de> Deserialize<'de> for Map {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Map, D::Error> {
            d.deserialize_map(Entries).map(Map)
        }
    }
    Ok(Option::<Map>::deserialize(d)?.map(|m| m.0))
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
    ENTRIES.with(|left| left.set(MAX_ENTRIES));
    let decoded = serde_path_to_error::deserialize(&mut de);
    ENTRIES.with(|left| left.set(MAX_ENTRIES));
    let value: T = decoded.map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        if inner.is_syntax() || inner.is_eof() {
            return bad(format!("The request body is not valid JSON: {inner}."));
        }
        let text = inner.to_string();
        if let Some(ours) = text.strip_prefix(OURS) {
            let ours = ours.split(" at line ").next().unwrap_or(ours);
            return bad(format!("{path} {ours}."));
        }
        if path == "." {
            return bad("The request body must be a JSON object.");
        }
        bad(format!("{path} {}.", what_was_expected(&text)))
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
    fn lists_are_counted_and_strings_checked_while_decoding() {
        use crate::server::sesv2::shapes::{CreateDedicatedIpPoolBody, SendEmailBody};
        let many = format!(
            r#"{{"Destination":{{"ToAddresses":[{}"a"]}}}}"#,
            "\"a\",".repeat(MAX_ENTRIES)
        );
        let e = decode::<SendEmailBody>(many.as_bytes())
            .unwrap_err()
            .message;
        assert!(
            e.starts_with("Destination.ToAddresses has more entries than sesm decodes"),
            "{e}"
        );
        // The budget is the request's, not the thread's: the next request starts afresh.
        let fine = format!(
            r#"{{"Content":{{"Raw":{{"Data":"eA=="}}}},"Destination":{{"ToAddresses":[{}"a"]}}}}"#,
            "\"a\",".repeat(MAX_ENTRIES - 1)
        );
        let b: SendEmailBody = decode(fine.as_bytes()).unwrap();
        assert_eq!(
            b.destination.unwrap().to_addresses.unwrap().len(),
            MAX_ENTRIES
        );
        let e = decode::<CreateDedicatedIpPoolBody>(br#"{"PoolName":"a\u0001b"}"#)
            .unwrap_err()
            .message;
        assert_eq!(
            e,
            "PoolName contains U+0001, a control character SES does not accept."
        );
        let tags = br#"{"PoolName":"p","Tags":[{"Key":"k","Value":"\u0000"}]}"#;
        let e = decode::<CreateDedicatedIpPoolBody>(tags)
            .unwrap_err()
            .message;
        assert!(e.starts_with("Tags[0].Value contains U+0000"), "{e}");
        let ok: CreateDedicatedIpPoolBody =
            decode(br#"{"PoolName":"a\tb\r\n","Tags":null}"#).unwrap();
        assert_eq!(ok.pool_name.as_deref(), Some("a\tb\r\n"));
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
