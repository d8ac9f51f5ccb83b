//! Stored email templates (SESv2 `CreateEmailTemplate` … `TestRenderEmailTemplate`) and the
//! rendering of a template with its data, for a test render and for SendEmail/SendBulkEmail.
//!
//! Rules (SES Developer Guide, "Service quotas in Amazon SES", email template quotas, and
//! botocore's sesv2 2019-09-27 model):
//! - M1: a name has 1 to 64 characters from A-Z, a-z, 0-9, `_` and `-` (the guide's rule for
//!   template names, the same as configuration sets'; botocore only says `min: 1`).
//! - M2: a template has a subject (SES v1 answered "The subject must be specified."; v2 keeps
//!   the rule), and subject, text and HTML together are at most 500 KB.
//! - M3: at most 20,000 templates per region. The archived guide (2023) said 10,000; the
//!   current quotas page raised it to 20,000, which the issue confirms. Not adjustable.
//! - M4: the parts are Handlebars, and must compile: a template that can never render is
//!   refused when it is stored, not when mail is sent.
//! - M5: rendering data is a JSON object of at most 262,144 characters (botocore's
//!   `EmailTemplateData` `max`); anything else is "Template rendering data is invalid".
//! - M6: rendering is strict where SES is: a `{{name}}` the data lacks fails the render with
//!   "Attribute 'name' is not present in the rendering data." (SES's
//!   MissingRenderingAttributeException text). A test render answers it as a
//!   BadRequestException; a send is accepted and records it as a rendering failure.

use handlebars::{Handlebars, RenderErrorReason};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use super::{Region, Tags};
use crate::error::{Error, Result};

/// M3: templates per region.
pub const MAX_TEMPLATES: usize = 20_000;
/// M2: subject, text and HTML together, in bytes (500 KB).
pub const MAX_TEMPLATE_BYTES: usize = 500 * 1024;
/// M5: botocore's `EmailTemplateData` `max`.
pub const MAX_TEMPLATE_DATA: usize = 262_144;

/// The content of a template: a subject line, a text part and an HTML part.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct TemplateContent {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub html: Option<String>,
}

/// A stored template, as the state file keeps it (its name is the key).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct EmailTemplate {
    pub content: TemplateContent,
    /// When it was created (`ListEmailTemplates` reports it; an update keeps it).
    pub created: Timestamp,
    #[serde(
        default,
        skip_serializing_if = "std::collections::BTreeMap::is_empty",
        deserialize_with = "crate::lazy::unique"
    )]
    pub tags: Tags,
}

/// NotFoundException of a template that does not exist (SES v1's TemplateDoesNotExist text,
/// "Template NAME does not exist.", which v2 keeps under its own code).
pub fn not_found(name: &str) -> Error {
    Error::not_found(format!("Template {name} does not exist."))
        .about(crate::error::About::Template)
}

impl Region {
    /// A template of the region, or NotFoundException.
    pub fn existing_template(&self, name: &str) -> Result<EmailTemplate> {
        self.templates
            .get()?
            .get(name)
            .cloned()
            .ok_or_else(|| not_found(name))
    }

    /// CreateEmailTemplate: M1–M4, and AlreadyExistsException for a name in use.
    pub fn create_template(
        &mut self,
        name: &str,
        content: TemplateContent,
        tags: &[(String, String)],
        now: Timestamp,
    ) -> Result<()> {
        check_template_name(name)?;
        check_content(&content)?;
        let tags = super::tags::apply(&Tags::new(), tags)?;
        let templates = self.templates.get_mut()?;
        if templates.contains_key(name) {
            return Err(
                Error::already_exists(format!("Template {name} already exists."))
                    .about(crate::error::About::Template),
            );
        }
        if templates.len() >= MAX_TEMPLATES {
            return Err(Error::limit_exceeded(format!(
                "Maximum number of email templates ({MAX_TEMPLATES}) reached in this region."
            )));
        }
        templates.insert(
            name.to_string(),
            EmailTemplate {
                content,
                created: now,
                tags,
            },
        );
        Ok(())
    }

    /// UpdateEmailTemplate: the content is replaced whole (M2, M4); the creation time and
    /// tags stay.
    pub fn update_template(&mut self, name: &str, content: TemplateContent) -> Result<()> {
        check_content(&content)?;
        let t = self
            .templates
            .get_mut()?
            .get_mut(name)
            .ok_or_else(|| not_found(name))?;
        t.content = content;
        Ok(())
    }

    /// DeleteEmailTemplate.
    pub fn delete_template(&mut self, name: &str) -> Result<EmailTemplate> {
        let template = self
            .templates
            .get_mut()?
            .remove(name)
            .ok_or_else(|| not_found(name))?;
        self.forget_resource(&format!("template/{name}"));
        Ok(template)
    }
}

/// M1.
pub fn check_template_name(name: &str) -> Result<()> {
    if super::names::is_simple_name(name, 64) {
        Ok(())
    } else {
        Err(Error::bad_request(format!(
            "Invalid template name '{name}': a name has 1 to 64 characters from A-Z, a-z, 0-9, _ and -."
        )))
    }
}

/// M2 and M4: what a stored template must be.
pub fn check_content(c: &TemplateContent) -> Result<()> {
    let subject = c.subject.as_deref().unwrap_or_default();
    if subject.is_empty() {
        return Err(Error::bad_request("The subject must be specified."));
    }
    let size = subject.len()
        + c.text.as_deref().map_or(0, str::len)
        + c.html.as_deref().map_or(0, str::len);
    if size > MAX_TEMPLATE_BYTES {
        return Err(Error::bad_request(format!(
            "The template is {size} bytes; SES takes templates of at most 500 KB ({MAX_TEMPLATE_BYTES} bytes), subject, text and HTML together."
        )));
    }
    for (part, text) in parts(c) {
        handlebars::Template::compile(text).map_err(|e| {
            Error::bad_request(format!(
                "The {part} of the template is not valid Handlebars: {}.",
                e.reason()
            ))
            .about(crate::error::About::TemplateSyntax)
        })?;
    }
    Ok(())
}

fn parts(c: &TemplateContent) -> impl Iterator<Item = (&'static str, &str)> {
    [
        ("subject", c.subject.as_deref()),
        ("text part", c.text.as_deref()),
        ("HTML part", c.html.as_deref()),
    ]
    .into_iter()
    .filter_map(|(p, t)| Some((p, t?)))
}

/// M5: the rendering data, as the JSON object it must be.
pub fn parse_data(data: &str) -> Result<serde_json::Value> {
    let invalid = || {
        Error::bad_request("Template rendering data is invalid")
            .about(crate::error::About::RenderingData)
    };
    if data.len() > MAX_TEMPLATE_DATA {
        return Err(invalid());
    }
    match serde_json::from_str::<serde_json::Value>(data) {
        Ok(v @ serde_json::Value::Object(_)) => Ok(v),
        _ => Err(invalid()),
    }
}

/// Data for one bulk entry: the entry's replacement values over the defaults, key by key (a
/// key the entry does not give keeps its default).
pub fn merge_data(
    default: &serde_json::Value,
    replacement: &serde_json::Value,
) -> serde_json::Value {
    let mut out = default.clone();
    if let (Some(o), Some(r)) = (out.as_object_mut(), replacement.as_object()) {
        for (k, v) in r {
            o.insert(k.clone(), v.clone());
        }
    }
    out
}

/// A rendered template.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Rendered {
    pub subject: String,
    pub text: Option<String>,
    pub html: Option<String>,
}

/// Renders the three parts with `data`. Strict (M6): the first part missing a variable fails
/// with SES's message. Text and subject are not HTML-escaped; the HTML part is, as
/// Handlebars escapes `{{x}}` (write `{{{x}}}` for markup).
pub fn render(c: &TemplateContent, data: &serde_json::Value) -> Result<Rendered> {
    render_with(c, data, true)
}

/// Renders as `render` does, but a missing variable renders as nothing: what the outbox
/// shows of a message whose rendering failed.
pub fn render_lenient(c: &TemplateContent, data: &serde_json::Value) -> Result<Rendered> {
    render_with(c, data, false)
}

fn render_with(c: &TemplateContent, data: &serde_json::Value, strict: bool) -> Result<Rendered> {
    let mut plain = Handlebars::new();
    plain.set_strict_mode(strict);
    plain.register_escape_fn(handlebars::no_escape);
    let mut html = Handlebars::new();
    html.set_strict_mode(strict);
    let one = |h: &Handlebars, t: &str| -> Result<String> {
        h.render_template(t, data).map_err(|e| match e.reason() {
            RenderErrorReason::MissingVariable(Some(path)) => Error::bad_request(format!(
                "Attribute '{path}' is not present in the rendering data."
            ))
            .about(crate::error::About::RenderingAttribute),
            other => Error::bad_request(format!("The template could not be rendered: {other}."))
                .about(crate::error::About::TemplateSyntax),
        })
    };
    Ok(Rendered {
        subject: one(&plain, c.subject.as_deref().unwrap_or_default())?,
        text: c.text.as_deref().map(|t| one(&plain, t)).transpose()?,
        html: c.html.as_deref().map(|t| one(&html, t)).transpose()?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn content(subject: &str, text: &str, html: &str) -> TemplateContent {
        TemplateContent {
            subject: Some(subject.into()),
            text: Some(text.into()),
            html: Some(html.into()),
        }
    }

    #[test]
    fn m1_names() {
        for ok in ["a", "Welcome_2-x", &"n".repeat(64)] {
            assert!(check_template_name(ok).is_ok(), "{ok}");
        }
        for bad in ["", "has space", "dot.ted", "é", &"n".repeat(65)] {
            let e = check_template_name(bad).unwrap_err();
            assert_eq!(e.code(), "BadRequestException", "{bad}");
        }
    }

    #[test]
    fn m2_subject_and_size() {
        let e = check_content(&TemplateContent::default()).unwrap_err();
        assert_eq!(e.message, "The subject must be specified.");
        let at = content("s", &"x".repeat(MAX_TEMPLATE_BYTES - 1), "");
        assert!(check_content(&at).is_ok());
        let over = content("s", &"x".repeat(MAX_TEMPLATE_BYTES), "");
        assert!(check_content(&over).unwrap_err().message.contains("500 KB"));
    }

    #[test]
    fn m4_syntax_is_checked_when_stored() {
        let e = check_content(&content("Hi {{#if x}}", "", "")).unwrap_err();
        assert!(e.message.contains("subject"), "{}", e.message);
        let e = check_content(&content("s", "{{name", "")).unwrap_err();
        assert!(e.message.contains("text part"), "{}", e.message);
    }

    #[test]
    fn m5_data_is_a_json_object() {
        assert!(parse_data("{}").is_ok());
        for bad in ["", "not json", "[1]", "\"s\"", "{\"a\":"] {
            let e = parse_data(bad).unwrap_err();
            assert_eq!(e.message, "Template rendering data is invalid", "{bad}");
        }
        let big = format!("{{\"a\":\"{}\"}}", "x".repeat(MAX_TEMPLATE_DATA));
        assert!(parse_data(&big).is_err());
    }

    #[test]
    fn m6_renders_nested_values_if_and_each_strictly() {
        let c = content(
            "Hi {{user.name}}",
            "{{#if vip}}VIP {{/if}}{{#each items}}[{{this}}]{{/each}} <{{user.name}}>",
            "<p>{{user.name}}</p>",
        );
        let data = json!({"user": {"name": "A & B"}, "vip": true, "items": ["x", "y"]});
        let r = render(&c, &data).unwrap();
        assert_eq!(r.subject, "Hi A & B");
        assert_eq!(r.text.as_deref(), Some("VIP [x][y] <A & B>"));
        assert_eq!(r.html.as_deref(), Some("<p>A &amp; B</p>"));
        let e = render(&c, &json!({"vip": false, "items": []})).unwrap_err();
        assert_eq!(
            e.message,
            "Attribute 'user.name' is not present in the rendering data."
        );
        let lenient = render_lenient(&c, &json!({"vip": false, "items": []})).unwrap();
        assert_eq!(lenient.subject, "Hi ");
    }

    #[test]
    fn merged_data_overrides_key_by_key() {
        let d = merge_data(&json!({"a": 1, "b": 2}), &json!({"b": 3}));
        assert_eq!(d, json!({"a": 1, "b": 3}));
    }
}
