//! The state file's format: decoding (with migration from older versions) and encoding.

use std::sync::Arc;

use crate::lazy::{self, Source};
use crate::model::{SCHEMA_VERSION, State};

/// Why a document could not be decoded into a `State`.
#[derive(Debug)]
pub enum DecodeError {
    /// Not JSON, or not the shape of a state; serde_json's message carries the line and column.
    Corrupt(serde_json::Error),
    /// Written by a newer sesm.
    Newer(u32),
}

impl std::fmt::Display for DecodeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DecodeError::Corrupt(e) => write!(f, "{e}"),
            DecodeError::Newer(v) => write!(
                f,
                "it has SchemaVersion {v}, but this sesm reads versions up to {SCHEMA_VERSION}"
            ),
        }
    }
}

/// Decodes a state document, migrating older versions in memory.
pub fn decode(bytes: &[u8]) -> std::result::Result<State, DecodeError> {
    decode_parsed(bytes, serde_json::from_slice::<State>(bytes))
}

/// Decodes the document of `source`: its lazily parsed sections point into the source's text
/// and report errors against its file.
pub fn decode_from(source: Source) -> std::result::Result<State, DecodeError> {
    let text = Arc::clone(&source.text);
    let first = lazy::with_source(source, |bytes| serde_json::from_slice::<State>(bytes));
    decode_parsed((*text).as_ref(), first)
}

pub(super) fn decode_parsed(
    bytes: &[u8],
    first: serde_json::Result<State>,
) -> std::result::Result<State, DecodeError> {
    match first {
        Ok(state) if state.schema_version == SCHEMA_VERSION => Ok(state),
        // Version 2 lacks only the email templates, version 3 only the event destinations and
        // the suppression list, all of which default to none; version 4 also keeps tracked
        // messages' `mail` objects, which are read (`TrackedMail::mail`) for the store to move
        // into the outbox and never written back; versions 5 and older lack the ISPs' memory of
        // standard IPs, which `migrate_to_model_v3` fills in; versions 6 and older lack the
        // contact lists, import jobs, identity policies, custom verification templates and
        // email receiving, which default to none; version 7 lacks the Deliverability dashboard,
        // its test reports and reputation entity settings, likewise. The document reads as it is (its lazy
        // sections keep their text and positions) at the new version.
        Ok(mut state) if (2..SCHEMA_VERSION).contains(&state.schema_version) => {
            state.schema_version = SCHEMA_VERSION;
            state.migrate_to_model_v3();
            Ok(state)
        }
        Ok(state) if state.schema_version > SCHEMA_VERSION => {
            Err(DecodeError::Newer(state.schema_version))
        }
        // An older version, or a shape this version can't read: look at the version alone and
        // decide between migrating and refusing.
        Ok(_) | Err(_) => {
            let value: serde_json::Value =
                serde_json::from_slice(bytes).map_err(DecodeError::Corrupt)?;
            let version = value.get("SchemaVersion").and_then(|v| v.as_u64());
            match version {
                Some(v) if v > u64::from(SCHEMA_VERSION) => {
                    Err(DecodeError::Newer(v.min(u64::from(u32::MAX)) as u32))
                }
                Some(1) => migrate(value),
                // A version 2 to 7 document serde could not read: serde's own error names the
                // position, as for the current version.
                Some(2..=7) => serde_json::from_slice::<State>(bytes).map_err(DecodeError::Corrupt),
                Some(v) if v < u64::from(SCHEMA_VERSION) => Err(corrupt(&format!(
                    "SchemaVersion {v} is not a version sesm ever wrote"
                ))),
                // The current version (or none at all): report serde's own error, which
                // names the position.
                _ => serde_json::from_slice::<State>(bytes).map_err(DecodeError::Corrupt),
            }
        }
    }
}

pub(super) fn corrupt(msg: &str) -> DecodeError {
    DecodeError::Corrupt(<serde_json::Error as serde::de::Error>::custom(msg))
}

/// Brings an older document up to `SCHEMA_VERSION`.
///
/// Version 1 (sesm before the simulation) kept auto warm-up as one account-wide flag,
/// `DedicatedIpAutoWarmupEnabled`; version 2 makes it per region (A2) and adds prices, the
/// model's parameters, usage, traffic, metrics and managed-pool state, all of which default;
/// version 3 adds email templates, which default to none; version 4 event destinations and the
/// suppression list, likewise; version 5 moves tracked messages' `mail` objects out of the
/// state (the store carries them into the outbox); version 6 adds what ISPs remember of
/// standard IPs (model v3); version 7 contact lists, import jobs, identity policies, custom
/// verification templates and email receiving, which default to none; version 8 the
/// Deliverability dashboard, its test reports and reputation entity settings, likewise.
pub(super) fn migrate(mut doc: serde_json::Value) -> std::result::Result<State, DecodeError> {
    let obj = doc
        .as_object_mut()
        .ok_or_else(|| corrupt("the state is not a JSON object"))?;
    let auto_warmup = match obj.remove("DedicatedIpAutoWarmupEnabled") {
        None => true,
        Some(serde_json::Value::Bool(b)) => b,
        Some(_) => return Err(corrupt("DedicatedIpAutoWarmupEnabled is not true or false")),
    };
    if let Some(regions) = obj.get_mut("Regions").and_then(|r| r.as_object_mut()) {
        for region in regions.values_mut() {
            if let Some(region) = region.as_object_mut() {
                region.insert("AutoWarmup".into(), auto_warmup.into());
            }
        }
    }
    obj.insert("SchemaVersion".into(), SCHEMA_VERSION.into());
    // Through text, as lazy sections keep the text they were read from; a migrated state is
    // parsed whole at once, so every problem shows now.
    let text = serde_json::to_vec(&doc).expect("a JSON value serializes");
    let mut state: State = serde_json::from_slice(&text).map_err(DecodeError::Corrupt)?;
    state.parse_all().map_err(|e| corrupt(&e.message))?;
    state.migrate_to_model_v3();
    Ok(state)
}

/// Encodes a state compactly: the file is read far more often than by people, and
/// `sesm state export` pretty-prints it for them.
pub fn encode(state: &State) -> Vec<u8> {
    let mut bytes = serde_json::to_vec(state).expect("a State always serializes");
    bytes.push(b'\n');
    bytes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_version_2_state_opens_at_the_current_version_with_no_templates() {
        let v2 = br#"{"SchemaVersion":2,"AccountId":"123456789012","Date":"2026-11-26","Regions":{"eu-west-1":{"AutoWarmup":false,"Identities":{"a.example.com":{}}}}}"#;
        let s = decode(v2).unwrap();
        assert_eq!(s.schema_version, SCHEMA_VERSION);
        let r = s.region("eu-west-1");
        assert!(
            !r.auto_warmup,
            "a version 2 region keeps its own auto warm-up"
        );
        assert!(r.templates.get().unwrap().is_empty());
        assert_eq!(r.identities.len().unwrap(), 1);
        let text = String::from_utf8(encode(&s)).unwrap();
        assert!(
            text.contains(&format!("\"SchemaVersion\":{SCHEMA_VERSION}"))
                && !text.contains("Templates"),
            "{text}"
        );
    }

    #[test]
    fn templates_round_trip_and_a_newer_version_is_refused() {
        let v3 = br#"{"SchemaVersion":3,"AccountId":"123456789012","Date":"2026-11-26","Regions":{"eu-west-1":{"Templates":{"w":{"Content":{"Subject":"Hi {{n}}"},"Created":"2026-11-26T10:00:00Z"}}}}}"#;
        let s = decode(v3).unwrap();
        let t = s.region("eu-west-1").existing_template("w").unwrap();
        assert_eq!(t.content.subject.as_deref(), Some("Hi {{n}}"));
        assert_eq!(decode(&encode(&s)).unwrap(), s);
        let v9 = br#"{"SchemaVersion":9,"AccountId":"123456789012","Date":"2026-11-26"}"#;
        assert!(matches!(decode(v9), Err(DecodeError::Newer(9))));
    }

    #[test]
    fn a_version_3_state_opens_at_the_current_version_with_no_destinations_or_suppression() {
        let v3 = br#"{"SchemaVersion":3,"AccountId":"123456789012","Date":"2026-11-26","Regions":{"eu-west-1":{"ConfigurationSets":{"cs":{"SendingPool":"ses-shared-pool"}}}}}"#;
        let s = decode(v3).unwrap();
        assert_eq!(s.schema_version, SCHEMA_VERSION);
        let r = s.region("eu-west-1");
        assert!(r.suppressed.is_empty() && r.suppression_reasons.is_none());
        let cs = r.existing_config_set("cs").unwrap();
        assert!(cs.event_destinations.is_empty());
        let text = String::from_utf8(encode(&s)).unwrap();
        // The configuration set's lazy text is kept as it was read.
        assert!(
            text.contains(&format!("\"SchemaVersion\":{SCHEMA_VERSION}"))
                && text.trim_end().ends_with(
                    r#""Regions":{"eu-west-1":{"ConfigurationSets":{"cs":{"SendingPool":"ses-shared-pool"}}}}}"#
                ),
            "{text}"
        );
    }

    #[test]
    fn a_version_4_state_opens_with_its_done_ips_remembered_and_its_queues_kept() {
        let v4 = br#"{"SchemaVersion":4,"AccountId":"123456789012","Date":"2026-11-26","NextIp":3,"Regions":{"eu-west-1":{"Ips":{"198.18.0.1":{"Pool":"ses-default-dedicated-pool","Warmup":{"Standard":{"Start":100.0,"Days":0}}},"198.18.0.2":{"Pool":"ses-default-dedicated-pool","Warmup":{"Standard":{"Start":0.0,"Days":3}}}},"StandardQueues":{"ses-default-dedicated-pool":{"gmail":700}}}}}"#;
        let s = decode(v4).unwrap();
        assert_eq!(s.schema_version, SCHEMA_VERSION);
        let r = s.region("eu-west-1");
        let memory = |a: &str| match &r.ips[&a.parse().unwrap()].warmup {
            crate::model::IpWarmup::Standard { memory, .. } => memory.clone(),
            _ => unreachable!(),
        };
        assert_eq!(memory("198.18.0.1").ewma["yahoo"], 100_000.0);
        assert!(memory("198.18.0.2").is_empty());
        let pool = &r.standard_pools["ses-default-dedicated-pool"];
        assert_eq!(
            (pool.queue["gmail"], pool.queue_hours["gmail"]),
            (700, 14.0)
        );
        let text = String::from_utf8(encode(&s)).unwrap();
        assert!(
            !text.contains("StandardQueues") && text.contains("StandardPools"),
            "{text}"
        );
        assert_eq!(decode(&encode(&s)).unwrap(), s);
    }
}
