//! Sending authorization in v1's words: PutIdentityPolicy, GetIdentityPolicies,
//! ListIdentityPolicies, DeleteIdentityPolicy (the same policies SESv2's operations keep).

use super::shapes::{
    DeleteIdentityPolicyRequest, DeleteIdentityPolicyResponse, GetIdentityPoliciesRequest,
    GetIdentityPoliciesResponse, ListIdentityPoliciesRequest, ListIdentityPoliciesResponse,
    PutIdentityPolicyRequest, PutIdentityPolicyResponse,
};
use super::{Call, v1_error};
use crate::error::Result;
use crate::ops;
use crate::ops::policy::Write;
use crate::server::api::Api;
use crate::server::http::Response;

pub fn put(api: &Api, c: &Call) -> Result<Response> {
    let r: PutIdentityPolicyRequest = c.input()?;
    let (identity, name) = (
        r.identity.unwrap_or_default(),
        r.policy_name.unwrap_or_default(),
    );
    let policy = r.policy.unwrap_or_default();
    api.write(|s| ops::policy::write(s, &c.region, &identity, &name, &policy, Write::Put))?;
    c.result(&PutIdentityPolicyResponse::default())
}

pub fn get(api: &Api, c: &Call) -> Result<Response> {
    let r: GetIdentityPoliciesRequest = c.input()?;
    let names = r.policy_names.unwrap_or_default();
    if names.len() > crate::model::policy::MAX_POLICIES {
        return Err(v1_error(
            "InvalidParameterValue",
            format!(
                "PolicyNames names {} policies; you can retrieve at most {} at a time.",
                names.len(),
                crate::model::policy::MAX_POLICIES
            ),
        ));
    }
    let identity = r.identity.unwrap_or_default();
    let all = api.read(|s| ops::policy::get(s, &c.region, &identity))?;
    let policies = all.into_iter().filter(|(n, _)| names.contains(n)).collect();
    c.result(&GetIdentityPoliciesResponse {
        policies: Some(policies),
    })
}

pub fn list(api: &Api, c: &Call) -> Result<Response> {
    let r: ListIdentityPoliciesRequest = c.input()?;
    let identity = r.identity.unwrap_or_default();
    let all = api.read(|s| ops::policy::get(s, &c.region, &identity))?;
    c.result(&ListIdentityPoliciesResponse {
        policy_names: Some(all.into_keys().collect()),
    })
}

pub fn delete(api: &Api, c: &Call) -> Result<Response> {
    let r: DeleteIdentityPolicyRequest = c.input()?;
    let (identity, name) = (
        r.identity.unwrap_or_default(),
        r.policy_name.unwrap_or_default(),
    );
    // v1 "returns successfully even if a policy with the specified name does not exist".
    api.write(|s| ops::policy::delete(s, &c.region, &identity, &name, false))?;
    c.result(&DeleteIdentityPolicyResponse::default())
}

#[cfg(test)]
mod tests {
    use super::super::testing::Door;

    fn form_policy(resource: &str) -> String {
        let doc = serde_json::json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
            "Principal": {"AWS": "111122223333"}, "Action": "ses:SendRawEmail", "Resource": resource}]})
        .to_string();
        form_urlencoded::byte_serialize(doc.as_bytes()).collect()
    }

    #[test]
    fn policies_in_v1_words() {
        let door = Door::new();
        door.ok("Action=VerifyDomainIdentity&Domain=example.com");
        let arn = "arn:aws:ses:us-east-1:123456789012:identity/example.com";
        let enc_arn: String = form_urlencoded::byte_serialize(arn.as_bytes()).collect();
        door.ok(&format!(
            "Action=PutIdentityPolicy&Identity=example.com&PolicyName=p1&Policy={}",
            form_policy(arn)
        ));
        door.ok(&format!(
            "Action=PutIdentityPolicy&Identity={enc_arn}&PolicyName=p1&Policy={}",
            form_policy(arn)
        ));
        door.refused(
            &format!(
                "Action=PutIdentityPolicy&Identity=example.com&PolicyName=p2&Policy={}",
                form_policy("*")
            ),
            "InvalidPolicy",
        );
        door.refused(
            "Action=PutIdentityPolicy&Identity=example.com&PolicyName=p2&Policy=nope",
            "InvalidPolicy",
        );
        door.refused(
            "Action=PutIdentityPolicy&Identity=example.com&PolicyName=p2",
            "MissingParameter",
        );
        door.refused(
            &format!(
                "Action=PutIdentityPolicy&Identity=other.com&PolicyName=p2&Policy={}",
                form_policy(arn)
            ),
            "InvalidParameterValue",
        );
        let xml = door.ok("Action=ListIdentityPolicies&Identity=example.com");
        assert!(
            xml.contains("<PolicyNames><member>p1</member></PolicyNames>"),
            "{xml}"
        );
        let xml = door.ok("Action=GetIdentityPolicies&Identity=example.com&PolicyNames.member.1=p1&PolicyNames.member.2=nope");
        assert!(
            xml.contains("<Policies><entry><key>p1</key><value>{"),
            "{xml}"
        );
        assert!(!xml.contains("nope"), "{xml}");
        door.ok("Action=DeleteIdentityPolicy&Identity=example.com&PolicyName=p1");
        door.ok("Action=DeleteIdentityPolicy&Identity=example.com&PolicyName=p1");
        let xml = door.ok("Action=ListIdentityPolicies&Identity=example.com");
        assert!(
            xml.contains("<PolicyNames/>") || xml.contains("<PolicyNames></PolicyNames>"),
            "{xml}"
        );
    }
}
