//! Tags of any taggable resource: TagResource, UntagResource, ListTagsForResource.

use super::shapes::{ListTagsForResourceResponse, TagResourceBody};
use super::{Call, empty, tag_pairs, tag_shapes};
use crate::error::{Error, Result};
use crate::ops;
use crate::server::api::Api;
use crate::server::http::{Response, json};

pub fn tag(api: &Api, c: &Call) -> Result<Response> {
    let b: TagResourceBody = c.body()?;
    let arn = b.resource_arn.unwrap_or_default();
    let tags = tag_pairs(b.tags);
    api.write(|s| ops::tag::tag(s, &c.region, &arn, &tags))?;
    Ok(empty())
}

pub fn untag(api: &Api, c: &Call) -> Result<Response> {
    let arn = c.query.required("ResourceArn")?;
    let keys = c.query.all("TagKeys");
    if keys.is_empty() {
        return Err(Error::bad_request("TagKeys is required."));
    }
    api.write(|s| ops::tag::untag(s, &c.region, &arn, &keys))?;
    Ok(empty())
}

pub fn list(api: &Api, c: &Call) -> Result<Response> {
    let arn = c.query.required("ResourceArn")?;
    let t = api.read(|s| ops::tag::list(s, &c.region, &arn))?;
    Ok(json(&ListTagsForResourceResponse {
        tags: Some(tag_shapes(t.tags)),
    }))
}

#[cfg(test)]
mod tests {
    use super::super::testing::Door;
    use serde_json::json;

    #[test]
    fn a_pools_tags_are_added_listed_and_removed() {
        let door = Door::new();
        assert_eq!(
            door.call(
                "POST",
                "/v2/email/dedicated-ip-pools",
                r#"{"PoolName":"p"}"#
            )
            .0,
            200
        );
        let arn = "arn:aws:ses:us-east-1:123456789012:dedicated-ip-pool/p";
        let account = door.api.read(|s| Ok(s.account_id.clone())).unwrap();
        let arn = arn.replace("123456789012", &account);
        let body = json!({"ResourceArn": arn, "Tags": [{"Key": "a", "Value": "1"}, {"Key": "b", "Value": "2"}]});
        assert_eq!(
            door.call("POST", "/v2/email/tags", &body.to_string()).0,
            200
        );
        let enc = arn.replace(':', "%3A").replace('/', "%2F");
        let (_, v) = door.call("GET", &format!("/v2/email/tags?ResourceArn={enc}"), "");
        assert_eq!(
            v,
            json!({"Tags": [{"Key": "a", "Value": "1"}, {"Key": "b", "Value": "2"}]})
        );
        let path = format!("/v2/email/tags?ResourceArn={enc}&TagKeys=a");
        assert_eq!(door.call("DELETE", &path, "").0, 200);
        let (_, v) = door.call("GET", &format!("/v2/email/tags?ResourceArn={enc}"), "");
        assert_eq!(v, json!({"Tags": [{"Key": "b", "Value": "2"}]}));
        door.refused(
            "DELETE",
            &format!("/v2/email/tags?ResourceArn={enc}"),
            "",
            400,
            "BadRequestException",
        );
        door.refused("GET", "/v2/email/tags", "", 400, "BadRequestException");
    }
}
