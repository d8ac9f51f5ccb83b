//! Custom verification email templates: Create/Get/List/Update/Delete
//! CustomVerificationEmailTemplate, and SendCustomVerificationEmail (the message lands in the
//! outbox; its link, answered by `/_sesm/verify`, verifies the address).

use super::shapes::{
    CreateCustomVerificationEmailTemplateBody, CustomVerificationEmailTemplateMetadata,
    GetCustomVerificationEmailTemplateResponse, ListCustomVerificationEmailTemplatesResponse,
    SendCustomVerificationEmailBody, SendCustomVerificationEmailResponse,
    UpdateCustomVerificationEmailTemplateBody,
};
use super::{Call, empty, tag_pairs, tag_shapes};
use crate::error::{Error, Result};
use crate::model::custom_verification::{Template, TemplateFields};
use crate::ops;
use crate::server::api::Api;
use crate::server::http::{Response, json};

/// A required member, named as SES names it.
fn required(v: Option<String>, member: &str) -> Result<String> {
    v.ok_or_else(|| Error::bad_request(format!("{member} is required.")))
}

pub fn create(api: &Api, c: &Call) -> Result<Response> {
    let b: CreateCustomVerificationEmailTemplateBody = c.body()?;
    let name = required(b.template_name, "TemplateName")?;
    let tags = crate::model::tags::apply(&Default::default(), &tag_pairs(b.tags))?;
    let t = Template {
        from_email_address: required(b.from_email_address, "FromEmailAddress")?,
        template_subject: required(b.template_subject, "TemplateSubject")?,
        template_content: required(b.template_content, "TemplateContent")?,
        success_redirection_url: required(b.success_redirection_url, "SuccessRedirectionURL")?,
        failure_redirection_url: required(b.failure_redirection_url, "FailureRedirectionURL")?,
        tags,
    };
    api.write(|s| ops::custom_verification::create(s, &c.region, &name, t))?;
    Ok(empty())
}

pub fn get(api: &Api, c: &Call) -> Result<Response> {
    let name = c.label("TemplateName");
    let t = api.read(|s| ops::custom_verification::get(s, &c.region, &name))?;
    Ok(json(&GetCustomVerificationEmailTemplateResponse {
        template_name: Some(name),
        from_email_address: Some(t.from_email_address),
        template_subject: Some(t.template_subject),
        template_content: Some(t.template_content),
        tags: Some(tag_shapes(ops::shapes::tags(&t.tags))),
        success_redirection_url: Some(t.success_redirection_url),
        failure_redirection_url: Some(t.failure_redirection_url),
    }))
}

pub fn list(api: &Api, c: &Call) -> Result<Response> {
    let paging = c.query_paging()?;
    let (items, next) =
        api.read(|s| ops::custom_verification::list(s, &c.region, &paging, false))?;
    Ok(json(&ListCustomVerificationEmailTemplatesResponse {
        custom_verification_email_templates: Some(
            items
                .into_iter()
                .map(|(name, t)| CustomVerificationEmailTemplateMetadata {
                    template_name: Some(name),
                    from_email_address: Some(t.from_email_address),
                    template_subject: Some(t.template_subject),
                    success_redirection_url: Some(t.success_redirection_url),
                    failure_redirection_url: Some(t.failure_redirection_url),
                })
                .collect(),
        ),
        next_token: next,
    }))
}

pub fn update(api: &Api, c: &Call) -> Result<Response> {
    let b: UpdateCustomVerificationEmailTemplateBody = c.body()?;
    let name = c.label("TemplateName");
    let f = TemplateFields {
        from_email_address: b.from_email_address,
        template_subject: b.template_subject,
        template_content: b.template_content,
        success_redirection_url: b.success_redirection_url,
        failure_redirection_url: b.failure_redirection_url,
    };
    api.write(|s| ops::custom_verification::update(s, &c.region, &name, f))?;
    Ok(empty())
}

pub fn delete(api: &Api, c: &Call) -> Result<Response> {
    let name = c.label("TemplateName");
    api.write(|s| ops::custom_verification::delete(s, &c.region, &name, true))?;
    Ok(empty())
}

pub fn send(api: &Api, c: &Call) -> Result<Response> {
    let b: SendCustomVerificationEmailBody = c.body()?;
    let address = required(b.email_address, "EmailAddress")?;
    let template = required(b.template_name, "TemplateName")?;
    let message_id =
        api.send_verification(&c.region, &address, &template, b.configuration_set_name)?;
    Ok(json(&SendCustomVerificationEmailResponse {
        message_id: Some(message_id),
    }))
}

#[cfg(test)]
mod tests {
    use super::super::testing::Door;
    use serde_json::json;

    const PATH: &str = "/v2/email/custom-verification-email-templates";

    fn template(name: &str) -> String {
        json!({"TemplateName": name, "FromEmailAddress": "no-reply@example.com",
            "TemplateSubject": "Please verify", "TemplateContent": "<html><body><p>Welcome</p></body></html>",
            "SuccessRedirectionURL": "https://example.com/ok", "FailureRedirectionURL": "https://example.com/fail"})
        .to_string()
    }

    #[test]
    fn templates_and_the_pending_address_they_verify() {
        let door = Door::new();
        let msg = door.refused("POST", PATH, &template("welcome"), 404, "NotFoundException");
        assert!(msg.contains("is not verified"), "{msg}");
        assert_eq!(
            door.call(
                "POST",
                "/v2/email/identities",
                r#"{"EmailIdentity":"example.com"}"#
            )
            .0,
            200
        );
        assert_eq!(door.call("POST", PATH, &template("welcome")).0, 200);
        door.refused(
            "POST",
            PATH,
            &template("welcome"),
            400,
            "AlreadyExistsException",
        );
        let bad = template("bad").replace("<p>Welcome</p>", "<script>x</script>");
        door.refused("POST", PATH, &bad, 400, "BadRequestException");
        let (_, v) = door.call("GET", &format!("{PATH}/welcome"), "");
        assert_eq!(v["TemplateSubject"], "Please verify");
        let (_, v) = door.call("GET", PATH, "");
        assert_eq!(
            v["CustomVerificationEmailTemplates"][0]["TemplateName"],
            "welcome"
        );
        door.refused(
            "GET",
            &format!("{PATH}?PageSize=51"),
            "",
            400,
            "BadRequestException",
        );
        // SESv2's model requires every member of the update (v1's takes any of them).
        door.refused(
            "PUT",
            &format!("{PATH}/welcome"),
            r#"{"TemplateSubject":"Verify now"}"#,
            400,
            "BadRequestException",
        );
        let update = template("welcome").replace("Please verify", "Verify now");
        assert_eq!(door.call("PUT", &format!("{PATH}/welcome"), &update).0, 200);
        let (_, v) = door.call("GET", &format!("{PATH}/welcome"), "");
        assert_eq!(v["TemplateSubject"], "Verify now");
        let send = json!({"EmailAddress": "new@else.org", "TemplateName": "welcome"}).to_string();
        let (s, v) = door.call(
            "POST",
            "/v2/email/outbound-custom-verification-emails",
            &send,
        );
        assert_eq!(s, 200, "{v}");
        assert!(v["MessageId"].is_string());
        let (_, v) = door.call("GET", "/v2/email/identities/new%40else.org", "");
        assert_eq!(v["VerificationStatus"], "PENDING", "{v}");
        assert_eq!(v["VerifiedForSendingStatus"], false);
        door.refused(
            "POST",
            "/v2/email/outbound-custom-verification-emails",
            &json!({"EmailAddress": "x@else.org", "TemplateName": "nope"}).to_string(),
            404,
            "NotFoundException",
        );
        assert_eq!(door.call("DELETE", &format!("{PATH}/welcome"), "").0, 200);
        door.refused(
            "DELETE",
            &format!("{PATH}/welcome"),
            "",
            404,
            "NotFoundException",
        );
    }
}
