//! Sending authorization policies: CreateEmailIdentityPolicy, GetEmailIdentityPolicies,
//! UpdateEmailIdentityPolicy, DeleteEmailIdentityPolicy.

use super::shapes::{
    CreateEmailIdentityPolicyBody, GetEmailIdentityPoliciesResponse, UpdateEmailIdentityPolicyBody,
};
use super::{Call, empty};
use crate::error::Result;
use crate::ops;
use crate::ops::policy::Write;
use crate::server::api::Api;
use crate::server::http::{Response, json};

pub fn create(api: &Api, c: &Call) -> Result<Response> {
    let b: CreateEmailIdentityPolicyBody = c.body()?;
    write(api, c, b.policy.unwrap_or_default(), Write::Create)
}

pub fn update(api: &Api, c: &Call) -> Result<Response> {
    let b: UpdateEmailIdentityPolicyBody = c.body()?;
    write(api, c, b.policy.unwrap_or_default(), Write::Update)
}

fn write(api: &Api, c: &Call, policy: String, how: Write) -> Result<Response> {
    let (identity, name) = (c.label("EmailIdentity"), c.label("PolicyName"));
    api.write(|s| ops::policy::write(s, &c.region, &identity, &name, &policy, how))?;
    Ok(empty())
}

pub fn get(api: &Api, c: &Call) -> Result<Response> {
    let identity = c.label("EmailIdentity");
    let policies = api.read(|s| ops::policy::get(s, &c.region, &identity))?;
    Ok(json(&GetEmailIdentityPoliciesResponse {
        policies: Some(policies),
    }))
}

pub fn delete(api: &Api, c: &Call) -> Result<Response> {
    let (identity, name) = (c.label("EmailIdentity"), c.label("PolicyName"));
    api.write(|s| ops::policy::delete(s, &c.region, &identity, &name, true))?;
    Ok(empty())
}

#[cfg(test)]
mod tests {
    use super::super::testing::Door;
    use serde_json::json;

    const PATH: &str = "/v2/email/identities/example.com/policies";

    fn policy(resource: &str) -> String {
        json!({"Policy": json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
            "Principal": {"AWS": ["111122223333"]}, "Action": ["ses:SendEmail"],
            "Resource": resource}]}).to_string()})
        .to_string()
    }

    #[test]
    fn policies_are_created_read_updated_and_deleted_as_ses_checks_them() {
        let door = Door::new();
        let arn = "arn:aws:ses:us-east-1:123456789012:identity/example.com";
        door.refused(
            "POST",
            &format!("{PATH}/p1"),
            &policy(arn),
            404,
            "NotFoundException",
        );
        assert_eq!(
            door.call(
                "POST",
                "/v2/email/identities",
                r#"{"EmailIdentity":"example.com"}"#
            )
            .0,
            200
        );
        assert_eq!(
            door.call("POST", &format!("{PATH}/p1"), &policy(arn)).0,
            200
        );
        door.refused(
            "POST",
            &format!("{PATH}/p1"),
            &policy(arn),
            400,
            "AlreadyExistsException",
        );
        let msg = door.refused(
            "POST",
            &format!("{PATH}/p2"),
            &policy("arn:aws:ses:us-east-1:123456789012:identity/other.com"),
            400,
            "BadRequestException",
        );
        assert!(
            msg.starts_with("Policy is not valid: statement 1: Resource must be the ARN"),
            "{msg}"
        );
        door.refused(
            "POST",
            &format!("{PATH}/bad.name"),
            &policy(arn),
            400,
            "BadRequestException",
        );
        door.refused(
            "PUT",
            &format!("{PATH}/p9"),
            &policy(arn),
            404,
            "NotFoundException",
        );
        assert_eq!(door.call("PUT", &format!("{PATH}/p1"), &policy(arn)).0, 200);
        let (_, v) = door.call("GET", PATH, "");
        assert!(
            v["Policies"]["p1"]
                .as_str()
                .unwrap()
                .contains("111122223333"),
            "{v}"
        );
        for i in 2..=20 {
            assert_eq!(
                door.call("POST", &format!("{PATH}/p{i}"), &policy(arn)).0,
                200
            );
        }
        door.refused(
            "POST",
            &format!("{PATH}/p21"),
            &policy(arn),
            400,
            "LimitExceededException",
        );
        assert_eq!(door.call("DELETE", &format!("{PATH}/p1"), "").0, 200);
        door.refused(
            "DELETE",
            &format!("{PATH}/p1"),
            "",
            404,
            "NotFoundException",
        );
    }
}
