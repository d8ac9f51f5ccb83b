//! Tags: `TagResource`, `UntagResource`, `ListTagsForResource` on pools, configuration sets
//! and identities, named by ARN or by sesm's shorthand (rules in `model::tags`).

use super::shapes::{self, Done, TagsView};
use crate::error::{Error, Result};
use crate::model::arn::{self, ResourceRef};
use crate::model::{State, tags};

/// Resolves a resource name to its region and name; an ARN of another account names nothing
/// this account has (T6).
fn resolve(s: &State, resource: &str, region: &str) -> Result<ResourceRef> {
    let r = arn::parse(resource, region, &s.account_id)?;
    if r.account != s.account_id {
        return Err(Error::not_found(format!(
            "{resource} belongs to account {}, not to this account ({}).",
            r.account, s.account_id
        )));
    }
    Ok(r)
}

/// TagResource (T1–T4, T6).
pub fn tag(
    s: &mut State,
    region: &str,
    resource: &str,
    new: &[(String, String)],
) -> Result<TagsView> {
    let r = resolve(s, resource, region)?;
    let tags = s
        .region_mut(&r.region)
        .change_tags(r.kind, &r.name, |current| tags::apply(current, new))?;
    Ok(TagsView {
        tags: shapes::tags(&tags),
        change: Some((Done::Tagged, resource.to_string())),
    })
}

/// UntagResource (T5, T6): keys that are not there are ignored.
pub fn untag(s: &mut State, region: &str, resource: &str, keys: &[String]) -> Result<TagsView> {
    tags::check_keys(keys)?;
    let r = resolve(s, resource, region)?;
    let tags = s
        .region_mut(&r.region)
        .change_tags(r.kind, &r.name, |current| {
            let mut tags = current.clone();
            for k in keys {
                tags.remove(k);
            }
            Ok(tags)
        })?;
    Ok(TagsView {
        tags: shapes::tags(&tags),
        change: Some((Done::Untagged, resource.to_string())),
    })
}

/// ListTagsForResource (T6).
pub fn list(s: &State, region: &str, resource: &str) -> Result<TagsView> {
    let r = resolve(s, resource, region)?;
    let t = s.region(&r.region).tags_of(r.kind, &r.name)?;
    Ok(TagsView {
        tags: shapes::tags(&t),
        change: None,
    })
}
