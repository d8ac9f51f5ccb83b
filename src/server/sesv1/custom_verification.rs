//! Custom verification email templates in v1's words: Create/Get/List/Update/Delete
//! CustomVerificationEmailTemplate and SendCustomVerificationEmail (the same templates as
//! SESv2's).

use super::Call;
use super::shapes::{
    CreateCustomVerificationEmailTemplateRequest, CustomVerificationEmailTemplate,
    DeleteCustomVerificationEmailTemplateRequest, GetCustomVerificationEmailTemplateRequest,
    GetCustomVerificationEmailTemplateResponse, ListCustomVerificationEmailTemplatesRequest,
    ListCustomVerificationEmailTemplatesResponse, SendCustomVerificationEmailRequest,
    SendCustomVerificationEmailResponse, UpdateCustomVerificationEmailTemplateRequest,
};
use crate::error::Result;
use crate::model::custom_verification::{Template, TemplateFields};
use crate::ops;
use crate::server::api::Api;
use crate::server::http::Response;

pub fn create(api: &Api, c: &Call) -> Result<Response> {
    let r: CreateCustomVerificationEmailTemplateRequest = c.input()?;
    let name = r.template_name.unwrap_or_default();
    let t = Template {
        from_email_address: r.from_email_address.unwrap_or_default(),
        template_subject: r.template_subject.unwrap_or_default(),
        template_content: r.template_content.unwrap_or_default(),
        success_redirection_url: r.success_redirection_url.unwrap_or_default(),
        failure_redirection_url: r.failure_redirection_url.unwrap_or_default(),
        tags: Default::default(),
    };
    api.write(|s| ops::custom_verification::create(s, &c.region, &name, t))?;
    c.done()
}

pub fn get(api: &Api, c: &Call) -> Result<Response> {
    let r: GetCustomVerificationEmailTemplateRequest = c.input()?;
    let name = r.template_name.unwrap_or_default();
    let t = api.read(|s| ops::custom_verification::get(s, &c.region, &name))?;
    c.result(&GetCustomVerificationEmailTemplateResponse {
        template_name: Some(name),
        from_email_address: Some(t.from_email_address),
        template_subject: Some(t.template_subject),
        template_content: Some(t.template_content),
        success_redirection_url: Some(t.success_redirection_url),
        failure_redirection_url: Some(t.failure_redirection_url),
    })
}

pub fn list(api: &Api, c: &Call) -> Result<Response> {
    let r: ListCustomVerificationEmailTemplatesRequest = c.input()?;
    let paging = ops::Paging {
        next_token: r.next_token,
        page_size: r.max_results,
    };
    let (items, next) =
        api.read(|s| ops::custom_verification::list(s, &c.region, &paging, true))?;
    c.result(&ListCustomVerificationEmailTemplatesResponse {
        custom_verification_email_templates: Some(
            items
                .into_iter()
                .map(|(name, t)| CustomVerificationEmailTemplate {
                    template_name: Some(name),
                    from_email_address: Some(t.from_email_address),
                    template_subject: Some(t.template_subject),
                    success_redirection_url: Some(t.success_redirection_url),
                    failure_redirection_url: Some(t.failure_redirection_url),
                })
                .collect(),
        ),
        next_token: next,
    })
}

pub fn update(api: &Api, c: &Call) -> Result<Response> {
    let r: UpdateCustomVerificationEmailTemplateRequest = c.input()?;
    let name = r.template_name.unwrap_or_default();
    let f = TemplateFields {
        from_email_address: r.from_email_address,
        template_subject: r.template_subject,
        template_content: r.template_content,
        success_redirection_url: r.success_redirection_url,
        failure_redirection_url: r.failure_redirection_url,
    };
    api.write(|s| ops::custom_verification::update(s, &c.region, &name, f))?;
    c.done()
}

pub fn delete(api: &Api, c: &Call) -> Result<Response> {
    let r: DeleteCustomVerificationEmailTemplateRequest = c.input()?;
    let name = r.template_name.unwrap_or_default();
    // v1's model lists no error for a template that is not there.
    api.write(|s| ops::custom_verification::delete(s, &c.region, &name, false))?;
    c.done()
}

pub fn send(api: &Api, c: &Call) -> Result<Response> {
    let r: SendCustomVerificationEmailRequest = c.input()?;
    let (address, template) = (
        r.email_address.unwrap_or_default(),
        r.template_name.unwrap_or_default(),
    );
    let id = api.send_verification(&c.region, &address, &template, r.configuration_set_name)?;
    c.result(&SendCustomVerificationEmailResponse {
        message_id: Some(id),
    })
}

#[cfg(test)]
mod tests {
    use super::super::testing::Door;

    const CREATE: &str = "Action=CreateCustomVerificationEmailTemplate&TemplateName=welcome&FromEmailAddress=no-reply%40example.com&TemplateSubject=Verify&TemplateContent=%3Cp%3EHi%3C%2Fp%3E&SuccessRedirectionURL=https%3A%2F%2Fexample.com%2Fok&FailureRedirectionURL=https%3A%2F%2Fexample.com%2Ffail";

    #[test]
    fn templates_in_v1_words() {
        let door = Door::new();
        door.refused(CREATE, "FromEmailAddressNotVerified");
        door.ok("Action=VerifyDomainIdentity&Domain=example.com");
        door.ok(CREATE);
        door.refused(CREATE, "CustomVerificationEmailTemplateAlreadyExists");
        door.refused(
            &CREATE
                .replace("welcome", "bad")
                .replace("%3Cp%3E", "%3Cscript%3E"),
            "CustomVerificationEmailInvalidContent",
        );
        door.refused(
            "Action=GetCustomVerificationEmailTemplate&TemplateName=nope",
            "CustomVerificationEmailTemplateDoesNotExist",
        );
        let xml = door.ok("Action=GetCustomVerificationEmailTemplate&TemplateName=welcome");
        assert!(
            xml.contains("<TemplateSubject>Verify</TemplateSubject>"),
            "{xml}"
        );
        let xml = door.ok("Action=ListCustomVerificationEmailTemplates&MaxResults=500");
        assert!(
            xml.contains(
                "<CustomVerificationEmailTemplates><member><TemplateName>welcome</TemplateName>"
            ),
            "{xml}"
        );
        door.ok(
            "Action=UpdateCustomVerificationEmailTemplate&TemplateName=welcome&TemplateSubject=Now",
        );
        door.refused(
            "Action=UpdateCustomVerificationEmailTemplate&TemplateName=nope&TemplateSubject=Now",
            "CustomVerificationEmailTemplateDoesNotExist",
        );
        let xml = door.ok(
            "Action=SendCustomVerificationEmail&EmailAddress=new%40else.org&TemplateName=welcome",
        );
        assert!(
            xml.contains("<SendCustomVerificationEmailResult><MessageId>"),
            "{xml}"
        );
        let xml =
            door.ok("Action=GetIdentityVerificationAttributes&Identities.member.1=new%40else.org");
        assert!(
            xml.contains("<VerificationStatus>Pending</VerificationStatus>"),
            "{xml}"
        );
        door.refused(
            "Action=SendCustomVerificationEmail&EmailAddress=x%40else.org&TemplateName=nope",
            "CustomVerificationEmailTemplateDoesNotExist",
        );
        door.refused("Action=SendCustomVerificationEmail&EmailAddress=x%40else.org&TemplateName=welcome&ConfigurationSetName=nope", "ConfigurationSetDoesNotExist");
        door.ok("Action=DeleteCustomVerificationEmailTemplate&TemplateName=welcome");
        door.ok("Action=DeleteCustomVerificationEmailTemplate&TemplateName=welcome");
    }
}
