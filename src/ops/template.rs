//! Stored email templates: `CreateEmailTemplate`, `GetEmailTemplate`, `ListEmailTemplates`,
//! `UpdateEmailTemplate`, `DeleteEmailTemplate`, `TestRenderEmailTemplate`, and sending with
//! a template (stored, by name or ARN, or inline) through `ops::send`. Rules and rendering
//! are `model::template`'s.

use jiff::Timestamp;
use serde::Serialize;

use super::send::{BulkResult, Sent};
use super::{Paging, page};
use crate::error::{Error, Result};
use std::sync::Arc;

use crate::model::message::{Body, Simple};
use crate::model::sending::{Content, Outgoing, SendCall, SentMessage};
use crate::model::template::{self, TemplateContent};
use crate::model::{State, Tags};

/// GetEmailTemplate.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct TemplateGet {
    pub template_name: String,
    pub template_content: TemplateContent,
    pub tags: Tags,
}

/// One entry of ListEmailTemplates.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct TemplateMetadata {
    pub template_name: String,
    pub created_timestamp: Timestamp,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct TemplateList {
    pub templates_metadata: Vec<TemplateMetadata>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

/// ListEmailTemplates' page sizes: "at least 1, and can be no more than 100" (botocore's
/// `ListEmailTemplatesRequest.PageSize`); 10 when not given ("the next 10 email templates",
/// its `NextToken` documentation).
pub const MAX_PAGE_SIZE: i64 = 100;
pub const DEFAULT_PAGE_SIZE: i64 = 10;

/// CreateEmailTemplate (M1–M4).
pub fn create(
    s: &mut State,
    region: &str,
    name: &str,
    content: TemplateContent,
    tags: &[(String, String)],
    now: Timestamp,
) -> Result<TemplateGet> {
    s.region_mut(region)
        .create_template(name, content, tags, now)?;
    get(s, region, name)
}

/// GetEmailTemplate.
pub fn get(s: &State, region: &str, name: &str) -> Result<TemplateGet> {
    let t = s.region(region).existing_template(name)?;
    Ok(TemplateGet {
        template_name: name.to_string(),
        template_content: t.content,
        tags: t.tags,
    })
}

/// ListEmailTemplates: by name, paged (1 to 100 a page, 10 by default; the command line asks
/// for everything with `Paging::all`).
pub fn list(s: &State, region: &str, paging: &Paging) -> Result<TemplateList> {
    let mut paging = paging.clone();
    match paging.page_size {
        Some(n) if !(1..=MAX_PAGE_SIZE).contains(&n) => {
            return Err(Error::bad_request(format!(
                "Invalid PageSize {n}: use a number from 1 to {MAX_PAGE_SIZE}."
            )));
        }
        None if paging.next_token.is_some() => paging.page_size = Some(DEFAULT_PAGE_SIZE),
        _ => {}
    }
    let items = s
        .region(region)
        .templates
        .get()?
        .iter()
        .map(|(name, t)| {
            (
                name.clone(),
                TemplateMetadata {
                    template_name: name.clone(),
                    created_timestamp: t.created,
                },
            )
        })
        .collect();
    let (templates_metadata, next_token) = page("templates", items, &paging)?;
    Ok(TemplateList {
        templates_metadata,
        next_token,
    })
}

/// UpdateEmailTemplate (M2, M4).
pub fn update(
    s: &mut State,
    region: &str,
    name: &str,
    content: TemplateContent,
) -> Result<TemplateGet> {
    s.region_mut(region).update_template(name, content)?;
    get(s, region, name)
}

/// DeleteEmailTemplate: the deleted template.
pub fn delete(s: &mut State, region: &str, name: &str) -> Result<TemplateGet> {
    let t = s.region_mut(region).delete_template(name)?;
    Ok(TemplateGet {
        template_name: name.to_string(),
        template_content: t.content,
        tags: t.tags,
    })
}

/// TestRenderEmailTemplate: the MIME message of the template rendered with `data` (M5, M6:
/// a missing variable is a BadRequestException here, as nothing is sent).
pub fn test_render(s: &State, region: &str, name: &str, data: &str) -> Result<String> {
    let t = s.region(region).existing_template(name)?;
    let data = template::parse_data(data)?;
    let rendered = template::render(&t.content, &data)?;
    Ok(super::mime::rendered(&rendered))
}

/// The `Template` of a send: a stored template by name or ARN, or content given inline, and
/// its data (JSON text).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TemplateUse {
    pub name: Option<String>,
    pub arn: Option<String>,
    pub content: Option<TemplateContent>,
    pub data: Option<String>,
}

/// The name an ARN gives a template of this account and region
/// (`arn:aws:ses:REGION:ACCOUNT:template/NAME`).
fn name_of_arn<'a>(s: &State, region: &str, arn: &'a str) -> Result<&'a str> {
    let malformed = || {
        Error::bad_request(format!(
            "Invalid TemplateArn '{arn}': expected arn:{}:ses:{region}:{}:template/NAME.",
            State::partition(region),
            s.account_id
        ))
    };
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    let [head, partition, service, arn_region, account, resource] = parts.as_slice() else {
        return Err(malformed());
    };
    let name = resource.strip_prefix("template/").ok_or_else(malformed)?;
    if *head != "arn" || *service != "ses" || name.is_empty() {
        return Err(malformed());
    }
    // A template of another region or account is not one this account can send with.
    if *partition != State::partition(region) || *arn_region != region || *account != s.account_id {
        return Err(template::not_found(name));
    }
    Ok(name)
}

/// The content a send uses: exactly one of a stored template (by name, by ARN, or both naming
/// the same one) and inline content.
fn resolve(s: &State, region: &str, t: &TemplateUse) -> Result<(Option<String>, TemplateContent)> {
    let by_arn = t
        .arn
        .as_deref()
        .map(|a| name_of_arn(s, region, a))
        .transpose()?;
    let name = match (t.name.as_deref(), by_arn) {
        (Some(n), Some(a)) if n != a => {
            return Err(Error::bad_request(format!(
                "TemplateName '{n}' and TemplateArn '{}' name different templates.",
                t.arn.as_deref().unwrap_or_default()
            )));
        }
        (Some(n), _) | (None, Some(n)) => Some(n),
        (None, None) => None,
    };
    match (name, &t.content) {
        (Some(_), Some(_)) => Err(Error::bad_request(
            "Give a stored template (TemplateName or TemplateArn) or TemplateContent, not both.",
        )),
        (Some(n), None) => Ok((
            Some(n.to_string()),
            s.region(region).existing_template(n)?.content,
        )),
        (None, Some(c)) => {
            // Inline content is not stored, so its syntax is checked as it is used.
            for (part, text) in [
                ("Subject", &c.subject),
                ("Text", &c.text),
                ("Html", &c.html),
            ] {
                if let Some(text) = text {
                    handlebars::Template::compile(text).map_err(|e| {
                        Error::bad_request(format!(
                            "TemplateContent.{part} is not valid Handlebars: {}.",
                            e.reason()
                        ))
                        .about(crate::error::About::TemplateSyntax)
                    })?;
                }
            }
            Ok((None, c.clone()))
        }
        (None, None) => Err(Error::bad_request(
            "Template needs TemplateName, TemplateArn or TemplateContent.",
        )
        .about(crate::error::About::TemplateSyntax)),
    }
}

/// The message's content once rendered, and why its rendering failed (M6): the strict
/// render, else the lenient one with the failure. The headers, reply-to addresses and
/// attachments of `body` stay as they are.
fn rendered(
    content: &TemplateContent,
    data: &serde_json::Value,
    body: &Body,
) -> (Body, Option<String>) {
    let (r, failure) = match template::render(content, data) {
        Ok(r) => (Some(r), None),
        Err(e) => (
            template::render_lenient(content, data).ok(),
            Some(e.message),
        ),
    };
    let mut simple = match body {
        Body::Simple(s) => Simple::clone(s),
        Body::Raw(_) => Simple::default(),
    };
    if let Some(r) = r {
        simple.subject = Some(r.subject);
        simple.text = r.text;
        simple.html = r.html;
    }
    (Body::Simple(Arc::new(simple)), failure)
}

/// The subject of a rendered body.
fn subject(body: &Body) -> Option<String> {
    match body {
        Body::Simple(s) => s.subject.clone(),
        Body::Raw(_) => None,
    }
}

fn data_of(text: Option<&str>) -> Result<serde_json::Value> {
    template::parse_data(text.unwrap_or("{}"))
}

/// SendEmail with `Template` content: the template is found and its data checked before the
/// message is (NotFoundException, BadRequestException); a variable the data lacks does not
/// refuse the send, it is recorded as the message's rendering failure.
pub fn send(
    s: &State,
    region: &str,
    msg: &Outgoing,
    t: &TemplateUse,
    now: Timestamp,
) -> Result<(Vec<SentMessage>, Sent)> {
    let (name, content) = resolve(s, region, t)?;
    let mut data = data_of(t.data.as_deref())?;
    // With ListManagementOptions the unsubscribe placeholder renders as itself, so the send
    // can put the link in its place (L7).
    if msg.list_management.is_some()
        && let serde_json::Value::Object(map) = &mut data
    {
        let key = super::contact_list::PLACEHOLDER.trim_matches(['{', '}']);
        map.entry(key.to_string())
            .or_insert_with(|| super::contact_list::PLACEHOLDER.into());
    }
    let (body, failure) = rendered(&content, &data, &msg.body);
    let msg = Outgoing {
        subject: subject(&body),
        body,
        call: SendCall::new(msg.call.operation, Content::Template),
        stored_template: name.clone(),
        ..msg.clone()
    };
    let (mut sent, reply) = super::send::send(s, region, &msg, now)?;
    for m in &mut sent {
        m.rendering_failure = failure.clone();
        m.template_name = name.clone();
    }
    Ok((sent, reply))
}

/// One SendBulkEmail entry: its To, Cc and Bcc, and its `ReplacementTemplateData`.
pub type BulkEntry = ((Vec<String>, Vec<String>, Vec<String>), Option<String>);

/// SendBulkEmail: each entry renders with its replacement data over the default data.
pub fn send_bulk(
    s: &State,
    region: &str,
    msg: &Outgoing,
    t: &TemplateUse,
    entries: &[BulkEntry],
    now: Timestamp,
) -> Result<(Vec<SentMessage>, Vec<BulkResult>)> {
    let (name, content) = resolve(s, region, t)?;
    let default = data_of(t.data.as_deref())?;
    let mut rendered = Vec::with_capacity(entries.len());
    for (_, replacement) in entries {
        let data = match replacement {
            Some(r) => template::merge_data(&default, &template::parse_data(r)?),
            None => default.clone(),
        };
        rendered.push(self::rendered(&content, &data, &msg.body));
    }
    let destinations: Vec<_> = entries
        .iter()
        .zip(&rendered)
        .map(|((d, _), (body, _))| (d.clone(), body.clone()))
        .collect();
    let msg = Outgoing {
        call: SendCall::new(msg.call.operation, Content::Template),
        stored_template: name.clone(),
        ..msg.clone()
    };
    let (mut sent, results) = super::send::send_bulk(s, region, &msg, &destinations, now)?;
    // The accepted messages are the SUCCESS entries, in order.
    let accepted = results
        .iter()
        .zip(&rendered)
        .filter(|(r, _)| r.status == "SUCCESS")
        .map(|(_, r)| r);
    for (m, (_, failure)) in sent.iter_mut().zip(accepted) {
        m.rendering_failure = failure.clone();
        m.template_name = name.clone();
    }
    Ok((sent, results))
}
