//! Multi-region endpoints (global endpoints), rules G1–G5 (`ses-rules.md`): created in a
//! primary region (the one called) with one secondary region; a send through one is routed to
//! one of the two regions and sent there.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use super::names::is_region;
use super::{Region, State, Tags};
use crate::error::{Error, Result};

/// How many multi-region endpoints a region keeps: SES's quota is not documented where sesm
/// could read it, so sesm bounds them at a figure no test account reaches (`decisions.md`).
pub const MAX_ENDPOINTS: usize = 100;

/// One endpoint, kept in its primary region by name.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Endpoint {
    pub id: String,
    /// The secondary region (the primary is the region that keeps it).
    pub secondary: String,
    pub created: Timestamp,
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub tags: Tags,
}

pub fn not_found(name: &str) -> Error {
    Error::not_found(format!("Multi-region endpoint {name} does not exist."))
}

/// G1: 1–64 word characters and hyphens (botocore's `EndpointName` pattern `^[\w\-_]+$`).
pub fn check_name(name: &str) -> Result<()> {
    if super::names::is_simple_name(name, 64) {
        Ok(())
    } else {
        Err(Error::bad_request(format!(
            "Invalid EndpointName '{}': use 1 to 64 letters, digits, hyphens (-) and underscores (_).",
            name.escape_default()
        )))
    }
}

/// G2: exactly one route, to a region other than the primary one, of the same partition.
pub fn check_routes(primary: &str, routes: &[String]) -> Result<String> {
    let [secondary] = routes else {
        return Err(Error::bad_request(format!(
            "Details.RoutesDetails must name exactly one secondary region; it names {}.",
            routes.len()
        )));
    };
    if !is_region(secondary) {
        return Err(Error::bad_request(format!(
            "Invalid Region '{}' in Details.RoutesDetails: expected a region name such as us-west-2.",
            secondary.escape_default()
        )));
    }
    if secondary == primary {
        return Err(Error::bad_request(format!(
            "The secondary region {secondary} is the primary region: a multi-region endpoint routes to two regions."
        )));
    }
    if State::partition(secondary) != State::partition(primary) {
        return Err(Error::bad_request(format!(
            "The secondary region {secondary} is not in the partition of {primary}."
        )));
    }
    Ok(secondary.clone())
}

/// An endpoint's ID: a host label of two parts, as SES's (`abcd1234.efgh5678`), from its
/// name, region and creation time.
pub fn endpoint_id(region: &str, name: &str, now: Timestamp) -> String {
    use sha2::{Digest, Sha256};
    let h = Sha256::digest(format!("{region}\n{name}\n{}", now.as_nanosecond()).as_bytes());
    let hex: String = h.iter().map(|b| format!("{b:02x}")).collect();
    format!("{}.{}", &hex[0..8], &hex[8..16])
}

impl Region {
    /// G1, G3: creates an endpoint in this (its primary) region.
    pub fn create_endpoint(&mut self, name: &str, endpoint: Endpoint) -> Result<()> {
        check_name(name)?;
        if self.multi_region_endpoints.contains_key(name) {
            return Err(Error::already_exists(format!(
                "Multi-region endpoint {name} already exists."
            )));
        }
        if self.multi_region_endpoints.len() >= MAX_ENDPOINTS {
            return Err(Error::limit_exceeded(format!(
                "You can have at most {MAX_ENDPOINTS} multi-region endpoints in a region."
            )));
        }
        self.multi_region_endpoints
            .insert(name.to_string(), endpoint);
        Ok(())
    }

    pub fn existing_endpoint(&self, name: &str) -> Result<&Endpoint> {
        check_name(name)?;
        self.multi_region_endpoints
            .get(name)
            .ok_or_else(|| not_found(name))
    }

    pub fn delete_endpoint(&mut self, name: &str) -> Result<Endpoint> {
        check_name(name)?;
        self.multi_region_endpoints
            .remove(name)
            .ok_or_else(|| not_found(name))
    }
}

impl State {
    /// G4: the endpoint an ID names, in whichever region keeps it: its primary region, its
    /// name and itself.
    pub fn endpoint_by_id(&self, id: &str) -> Result<(String, String, Endpoint)> {
        self.regions
            .iter()
            .flat_map(|(r, region)| {
                region
                    .multi_region_endpoints
                    .iter()
                    .map(move |(n, e)| (r, n, e))
            })
            .find(|(_, _, e)| e.id == id)
            .map(|(r, n, e)| (r.clone(), n.clone(), e.clone()))
            .ok_or_else(|| {
                Error::not_found(format!(
                    "Multi-region endpoint with ID {} does not exist.",
                    id.escape_default()
                ))
            })
    }
}

/// G5: the region a send through an endpoint goes to. SES divides sending between the two
/// regions; sesm alternates by the message's sequence number (odd: the primary, even: the
/// secondary), so a test knows where each send lands and half go to each.
pub fn route(primary: &str, endpoint: &Endpoint, seq: u64) -> String {
    if seq % 2 == 1 {
        primary.to_string()
    } else {
        endpoint.secondary.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn endpoint() -> Endpoint {
        Endpoint {
            id: "a.b".into(),
            secondary: "us-west-2".into(),
            created: Timestamp::UNIX_EPOCH,
            tags: Tags::new(),
        }
    }

    #[test]
    fn routes_name_exactly_one_other_region_of_the_partition() {
        let r = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            check_routes("us-east-1", &r(&["us-west-2"])).unwrap(),
            "us-west-2"
        );
        assert!(check_routes("us-east-1", &r(&[])).is_err());
        assert!(check_routes("us-east-1", &r(&["us-west-2", "eu-west-1"])).is_err());
        assert!(check_routes("us-east-1", &r(&["us-east-1"])).is_err());
        assert!(check_routes("us-east-1", &r(&["mars"])).is_err());
        assert!(check_routes("us-east-1", &r(&["cn-north-1"])).is_err());
    }

    #[test]
    fn sends_alternate_between_the_two_regions() {
        let e = endpoint();
        assert_eq!(route("us-east-1", &e, 1), "us-east-1");
        assert_eq!(route("us-east-1", &e, 2), "us-west-2");
        assert_eq!(route("us-east-1", &e, 3), "us-east-1");
    }

    #[test]
    fn an_endpoint_is_created_once_and_found_by_its_id() {
        let mut s = State::new(jiff::civil::Date::constant(2026, 1, 1));
        s.region_mut("us-east-1")
            .create_endpoint("global", endpoint())
            .unwrap();
        assert!(
            s.region_mut("us-east-1")
                .create_endpoint("global", endpoint())
                .is_err()
        );
        assert!(check_name("bad name").is_err());
        let (r, n, _) = s.endpoint_by_id("a.b").unwrap();
        assert_eq!((r.as_str(), n.as_str()), ("us-east-1", "global"));
        assert!(s.endpoint_by_id("x.y").is_err());
        let id = endpoint_id("us-east-1", "global", Timestamp::UNIX_EPOCH);
        assert_eq!(id.len(), 17);
        assert!(s.region_mut("us-east-1").delete_endpoint("global").is_ok());
        assert!(s.region_mut("us-east-1").delete_endpoint("global").is_err());
    }
}
