//! Multi-region endpoints: `CreateMultiRegionEndpoint`, `GetMultiRegionEndpoint`,
//! `ListMultiRegionEndpoints`, `DeleteMultiRegionEndpoint` (rules G1–G5 in
//! `model::multi_region`); a send through one names its ID and is routed by `route`.

use jiff::Timestamp;

use super::{Page, Paging, page};
use crate::error::Result;
use crate::model::State;
use crate::model::multi_region::{self, Endpoint};

/// An endpoint as the answers show it: its name, primary region and what the state keeps.
#[derive(Debug, Clone)]
pub struct EndpointView {
    pub name: String,
    pub primary: String,
    pub endpoint: Endpoint,
}

impl EndpointView {
    /// Its two regions, the primary first.
    pub fn regions(&self) -> [String; 2] {
        [self.primary.clone(), self.endpoint.secondary.clone()]
    }
}

/// CreateMultiRegionEndpoint (G1–G3): its ID.
pub fn create(
    s: &mut State,
    region: &str,
    name: &str,
    routes: &[String],
    tags: &[(String, String)],
    now: Timestamp,
) -> Result<String> {
    multi_region::check_name(name)?;
    let secondary = multi_region::check_routes(region, routes)?;
    let tags = crate::model::tags::apply(&Default::default(), tags)?;
    let id = multi_region::endpoint_id(region, name, now);
    let e = Endpoint {
        id: id.clone(),
        secondary,
        created: now,
        tags,
    };
    s.region_mut(region).create_endpoint(name, e)?;
    Ok(id)
}

/// GetMultiRegionEndpoint.
pub fn get(s: &State, region: &str, name: &str) -> Result<EndpointView> {
    let e = s.region(region).existing_endpoint(name)?;
    Ok(EndpointView {
        name: name.to_string(),
        primary: region.to_string(),
        endpoint: e.clone(),
    })
}

/// ListMultiRegionEndpoints: the endpoints whose primary region this is, by name, paged.
pub fn list(s: &State, region: &str, paging: &Paging) -> Result<Page<EndpointView>> {
    let items = s
        .region(region)
        .multi_region_endpoints
        .iter()
        .map(|(n, e)| {
            let v = EndpointView {
                name: n.clone(),
                primary: region.to_string(),
                endpoint: e.clone(),
            };
            (n.clone(), v)
        })
        .collect();
    page("multi-region-endpoints", items, paging)
}

/// DeleteMultiRegionEndpoint.
pub fn delete(s: &mut State, region: &str, name: &str) -> Result<()> {
    s.region_mut(region).delete_endpoint(name).map(|_| ())
}

/// G4, G5: the region a send through endpoint `id` goes to, as the `seq`-th message of the
/// account.
pub fn route(s: &State, id: &str, seq: u64) -> Result<String> {
    let (primary, _, e) = s.endpoint_by_id(id)?;
    Ok(multi_region::route(&primary, &e, seq))
}
