//! Stored email templates: CreateEmailTemplate, GetEmailTemplate, ListEmailTemplates,
//! UpdateEmailTemplate, DeleteEmailTemplate, TestRenderEmailTemplate.

use super::shapes::{
    CreateEmailTemplateBody, EmailTemplateContent, EmailTemplateMetadata, GetEmailTemplateResponse,
    ListEmailTemplatesResponse, TestRenderEmailTemplateBody, TestRenderEmailTemplateResponse,
    UpdateEmailTemplateBody,
};
use super::wire::Epoch;
use super::{Call, empty, tag_pairs, tag_shapes};
use crate::error::Result;
use crate::model::template::TemplateContent;
use crate::ops;
use crate::server::api::Api;
use crate::server::http::{Response, json};

/// botocore's `EmailTemplateContent` as the model's.
pub fn content(c: EmailTemplateContent) -> TemplateContent {
    TemplateContent {
        subject: c.subject,
        text: c.text,
        html: c.html,
    }
}

pub fn create(api: &Api, c: &Call) -> Result<Response> {
    let b: CreateEmailTemplateBody = c.body()?;
    let name = b.template_name.unwrap_or_default();
    let content = content(b.template_content.unwrap_or_default());
    let tags = tag_pairs(b.tags);
    let now = jiff::Timestamp::now();
    api.write(|s| ops::template::create(s, &c.region, &name, content, &tags, now))?;
    Ok(empty())
}

pub fn get(api: &Api, c: &Call) -> Result<Response> {
    let t = api.read(|s| ops::template::get(s, &c.region, &c.label("TemplateName")))?;
    let content = t.template_content;
    Ok(json(&GetEmailTemplateResponse {
        template_name: Some(t.template_name),
        template_content: Some(EmailTemplateContent {
            subject: content.subject,
            text: content.text,
            html: content.html,
        }),
        tags: Some(tag_shapes(crate::ops::shapes::tags(&t.tags))),
    }))
}

pub fn list(api: &Api, c: &Call) -> Result<Response> {
    let mut paging = c.query_paging()?;
    // SES pages 10 at a time when PageSize is not given.
    paging.page_size = paging.page_size.or(Some(ops::template::DEFAULT_PAGE_SIZE));
    let l = api.read(|s| ops::template::list(s, &c.region, &paging))?;
    let items = l
        .templates_metadata
        .into_iter()
        .map(|m| EmailTemplateMetadata {
            template_name: Some(m.template_name),
            created_timestamp: Some(Epoch(m.created_timestamp)),
        })
        .collect();
    Ok(json(&ListEmailTemplatesResponse {
        templates_metadata: Some(items),
        next_token: l.next_token,
    }))
}

pub fn update(api: &Api, c: &Call) -> Result<Response> {
    let b: UpdateEmailTemplateBody = c.body()?;
    let content = content(b.template_content.unwrap_or_default());
    let name = c.label("TemplateName");
    api.write(|s| ops::template::update(s, &c.region, &name, content))?;
    Ok(empty())
}

pub fn delete(api: &Api, c: &Call) -> Result<Response> {
    api.write(|s| ops::template::delete(s, &c.region, &c.label("TemplateName")))?;
    Ok(empty())
}

pub fn test_render(api: &Api, c: &Call) -> Result<Response> {
    let b: TestRenderEmailTemplateBody = c.body()?;
    let data = b.template_data.unwrap_or_default();
    let name = c.label("TemplateName");
    let mime = api.read(|s| ops::template::test_render(s, &c.region, &name, &data))?;
    Ok(json(&TestRenderEmailTemplateResponse {
        rendered_template: Some(mime),
    }))
}

#[cfg(test)]
mod tests {
    use super::super::testing::Door;
    use serde_json::json;

    const TEMPLATES: &str = "/v2/email/templates";

    #[test]
    fn a_template_is_stored_listed_rendered_updated_and_deleted() {
        let door = Door::new();
        let body = json!({"TemplateName": "t1", "TemplateContent": {"Subject": "Hi {{name}}",
            "Text": "Hello {{name}}"}, "Tags": [{"Key": "k", "Value": "v"}]});
        assert_eq!(door.call("POST", TEMPLATES, &body.to_string()).0, 200);
        let (_, v) = door.call("GET", &format!("{TEMPLATES}/t1"), "");
        assert_eq!(
            v,
            json!({"TemplateName": "t1", "TemplateContent": {"Subject": "Hi {{name}}",
                "Text": "Hello {{name}}"}, "Tags": [{"Key": "k", "Value": "v"}]})
        );
        let (_, v) = door.call("GET", TEMPLATES, "");
        assert_eq!(v["TemplatesMetadata"][0]["TemplateName"], "t1");
        assert!(v["TemplatesMetadata"][0]["CreatedTimestamp"].is_number());
        let render = json!({"TemplateData": "{\"name\":\"Ann\"}"});
        let (s, v) = door.call(
            "POST",
            &format!("{TEMPLATES}/t1/render"),
            &render.to_string(),
        );
        assert_eq!(s, 200);
        assert!(
            v["RenderedTemplate"]
                .as_str()
                .unwrap()
                .contains("Hello Ann")
        );
        let missing = json!({"TemplateData": "{}"});
        door.refused(
            "POST",
            &format!("{TEMPLATES}/t1/render"),
            &missing.to_string(),
            400,
            "BadRequestException",
        );
        let update = json!({"TemplateContent": {"Subject": "New"}});
        assert_eq!(
            door.call("PUT", &format!("{TEMPLATES}/t1"), &update.to_string())
                .0,
            200
        );
        assert_eq!(door.call("DELETE", &format!("{TEMPLATES}/t1"), "").0, 200);
        door.refused(
            "GET",
            &format!("{TEMPLATES}/t1"),
            "",
            404,
            "NotFoundException",
        );
        let bad = json!({"TemplateName": "t2", "TemplateContent": {"Subject": "{{#if}}"}});
        door.refused(
            "POST",
            TEMPLATES,
            &bad.to_string(),
            400,
            "BadRequestException",
        );
    }
}
