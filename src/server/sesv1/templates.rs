//! Templates in v1's words: Create/Update/Get/List/DeleteTemplate, TestRenderTemplate.

use super::shapes::{
    CreateTemplateRequest, CreateTemplateResponse, DeleteTemplateRequest, DeleteTemplateResponse,
    GetTemplateRequest, GetTemplateResponse, ListTemplatesRequest, ListTemplatesResponse, Template,
    TemplateMetadata, TestRenderTemplateRequest, TestRenderTemplateResponse, UpdateTemplateRequest,
    UpdateTemplateResponse,
};
use super::{Call, v1_error};
use crate::error::{Kind, Result, SesCode};
use crate::model::template::TemplateContent;
use crate::ops;
use crate::server::api::Api;
use crate::server::http::Response;

/// v1's `Template` as the model's name and content.
fn content(t: Template) -> (String, TemplateContent) {
    (
        t.template_name.unwrap_or_default(),
        TemplateContent {
            subject: t.subject_part,
            text: t.text_part,
            html: t.html_part,
        },
    )
}

pub fn create(api: &Api, c: &Call) -> Result<Response> {
    let r: CreateTemplateRequest = c.input()?;
    let (name, content) = content(r.template.unwrap_or_default());
    let now = jiff::Timestamp::now();
    api.write(|s| ops::template::create(s, &c.region, &name, content, &[], now))?;
    c.result(&CreateTemplateResponse::default())
}

pub fn update(api: &Api, c: &Call) -> Result<Response> {
    let r: UpdateTemplateRequest = c.input()?;
    let (name, content) = content(r.template.unwrap_or_default());
    api.write(|s| ops::template::update(s, &c.region, &name, content))?;
    c.result(&UpdateTemplateResponse::default())
}

pub fn get(api: &Api, c: &Call) -> Result<Response> {
    let r: GetTemplateRequest = c.input()?;
    let t = api.read(|s| ops::template::get(s, &c.region, &r.template_name.unwrap_or_default()))?;
    let content = t.template_content;
    c.result(&GetTemplateResponse {
        template: Some(Template {
            template_name: Some(t.template_name),
            subject_part: content.subject,
            text_part: content.text,
            html_part: content.html,
        }),
    })
}

pub fn list(api: &Api, c: &Call) -> Result<Response> {
    let r: ListTemplatesRequest = c.input()?;
    if let Some(m) = r.max_items.filter(|m| !(1..=100).contains(m)) {
        return Err(v1_error(
            "InvalidParameterValue",
            format!("Invalid MaxItems {m}: use 1 to 100."),
        ));
    }
    let paging = ops::Paging {
        page_size: r.max_items,
        next_token: r.next_token,
    };
    let l = api.read(|s| ops::template::list(s, &c.region, &paging))?;
    c.result(&ListTemplatesResponse {
        templates_metadata: Some(
            l.templates_metadata
                .into_iter()
                .map(|m| TemplateMetadata {
                    name: Some(m.template_name),
                    created_timestamp: Some(m.created_timestamp),
                })
                .collect(),
        ),
        next_token: l.next_token,
    })
}

pub fn delete(api: &Api, c: &Call) -> Result<Response> {
    let r: DeleteTemplateRequest = c.input()?;
    let name = r.template_name.unwrap_or_default();
    // v1 deletes a template that is not there without an error.
    match api.write(|s| ops::template::delete(s, &c.region, &name)) {
        Ok(_) => {}
        Err(e) if e.kind == Kind::Ses(SesCode::NotFound) => {}
        Err(e) => return Err(e),
    }
    c.result(&DeleteTemplateResponse::default())
}

pub fn test_render(api: &Api, c: &Call) -> Result<Response> {
    let r: TestRenderTemplateRequest = c.input()?;
    let name = r.template_name.unwrap_or_default();
    let data = r.template_data.unwrap_or_default();
    let rendered = api.read(|s| ops::template::test_render(s, &c.region, &name, &data))?;
    c.result(&TestRenderTemplateResponse {
        rendered_template: Some(rendered),
    })
}

#[cfg(test)]
mod tests {
    use super::super::testing::Door;

    #[test]
    fn templates_in_v1_words() {
        let door = Door::new();
        door.ok("Action=CreateTemplate&Template.TemplateName=t&Template.SubjectPart=Hi+%7B%7Bname%7D%7D&Template.TextPart=x");
        door.refused(
            "Action=CreateTemplate&Template.TemplateName=t&Template.SubjectPart=s",
            "AlreadyExists",
        );
        door.refused(
            "Action=CreateTemplate&Template.TemplateName=u&Template.SubjectPart=%7B%7B%23if%7D%7D",
            "InvalidTemplate",
        );
        let xml = door.ok("Action=GetTemplate&TemplateName=t");
        assert!(xml.contains("<Template><TemplateName>t</TemplateName><SubjectPart>Hi {{name}}</SubjectPart><TextPart>x</TextPart></Template>"), "{xml}");
        let xml = door.ok("Action=ListTemplates&MaxItems=10");
        assert!(
            xml.contains("<TemplatesMetadata><member><Name>t</Name><CreatedTimestamp>"),
            "{xml}"
        );
        door.refused("Action=ListTemplates&MaxItems=101", "InvalidParameterValue");
        let xml = door.ok(
            "Action=TestRenderTemplate&TemplateName=t&TemplateData=%7B%22name%22%3A%22Ann%22%7D",
        );
        assert!(xml.contains("Hi Ann"), "{xml}");
        door.refused(
            "Action=TestRenderTemplate&TemplateName=t&TemplateData=%7B%7D",
            "MissingRenderingAttribute",
        );
        door.refused(
            "Action=TestRenderTemplate&TemplateName=t&TemplateData=nope",
            "InvalidRenderingParameter",
        );
        door.refused(
            "Action=GetTemplate&TemplateName=nope",
            "TemplateDoesNotExist",
        );
        door.ok("Action=DeleteTemplate&TemplateName=t");
        door.ok("Action=DeleteTemplate&TemplateName=t");
    }
}
