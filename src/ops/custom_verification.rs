//! Custom verification email templates (v1 and SESv2 `Create/Get/List/Update/Delete
//! CustomVerificationEmailTemplate`) and `SendCustomVerificationEmail`, whose link verifies
//! the address (rules V10–V15 in `model::custom_verification`).

use std::sync::Arc;

use jiff::Timestamp;

use super::send::Sent;
use super::{Page, Paging, page};
use crate::error::{Error, Result};
use crate::model::State;
use crate::model::custom_verification::{DISCLAIMER, Pending, Template, TemplateFields};
use crate::model::message::{Body, Simple};
use crate::model::sending::{Outgoing, SentMessage};

/// Where the server answers the verification links it sends.
pub const VERIFY_PATH: &str = "/_sesm/verify";
/// Templates a list page holds at most and by default ("less than or equal to 50").
pub const MAX_PAGE_SIZE: i64 = 50;

/// Create (V10–V14).
pub fn create(s: &mut State, region: &str, name: &str, t: Template) -> Result<()> {
    s.region_mut(region).create_verification_template(name, t)
}

/// Get.
pub fn get(s: &State, region: &str, name: &str) -> Result<Template> {
    s.region(region)
        .existing_verification_template(name)
        .cloned()
}

/// List: by name, paged (1 to 50 a page, 50 by default). `lenient` is v1's `MaxResults`,
/// which SES reads as 50 when it is out of range instead of refusing it.
pub fn list(
    s: &State,
    region: &str,
    paging: &Paging,
    lenient: bool,
) -> Result<Page<(String, Template)>> {
    let mut paging = paging.clone();
    match paging.page_size {
        Some(n) if !(1..=MAX_PAGE_SIZE).contains(&n) && lenient => {
            paging.page_size = Some(MAX_PAGE_SIZE)
        }
        Some(n) if !(1..=MAX_PAGE_SIZE).contains(&n) => {
            return Err(Error::bad_request(format!(
                "Invalid PageSize {n}: use a number from 1 to {MAX_PAGE_SIZE}."
            )));
        }
        None => paging.page_size = Some(MAX_PAGE_SIZE),
        _ => {}
    }
    let items = s
        .region(region)
        .custom_verification_templates
        .iter()
        .map(|(n, t)| (n.clone(), (n.clone(), t.clone())))
        .collect();
    page("custom-verification-email-templates", items, &paging)
}

/// Update: the parts given replace the stored ones.
pub fn update(s: &mut State, region: &str, name: &str, f: TemplateFields) -> Result<()> {
    s.region_mut(region).update_verification_template(name, f)
}

/// Delete; `must_exist` for SESv2 (v1 deletes a template that is not there without error).
pub fn delete(s: &mut State, region: &str, name: &str, must_exist: bool) -> Result<()> {
    match s.region_mut(region).delete_verification_template(name) {
        Ok(_) => Ok(()),
        Err(_) if !must_exist => Ok(()),
        Err(e) => Err(e),
    }
}

/// The link a verification email carries.
pub fn verify_url(base: &str, region: &str, address: &str, token: &str) -> String {
    let mut q = form_urlencoded::Serializer::new(String::new());
    q.append_pair("region", region);
    q.append_pair("identity", address);
    q.append_pair("token", token);
    format!("{base}{VERIFY_PATH}?{}", q.finish())
}

/// The HTML SES sends: the template's content, then the link and SES's disclaimer (inside
/// the body when the content has one).
fn with_link(content: &str, url: &str) -> String {
    let escaped = url.replace('&', "&amp;");
    let tail = format!("<p><a href=\"{escaped}\">{escaped}</a></p><p>{DISCLAIMER}</p>");
    match content.to_ascii_lowercase().rfind("</body>") {
        Some(at) => format!("{}{tail}{}", &content[..at], &content[at..]),
        None => format!("{content}{tail}"),
    }
}

/// SendCustomVerificationEmail (V15): the message with its link, sent as SendEmail sends
/// from the template's sender (who must be verified; a named set must exist), and the
/// pending state the address takes once it is sent (`pend`).
pub fn send(
    s: &State,
    region: &str,
    address: &str,
    template: &str,
    config_set: Option<String>,
    links_base: &str,
    now: Timestamp,
) -> Result<(Vec<SentMessage>, (Sent, Pending))> {
    let t = s
        .region(region)
        .existing_verification_template(template)?
        .clone();
    let to = crate::model::sending::check_address(address, "EmailAddress")?;
    let token = {
        use sha2::{Digest, Sha256};
        let seed = format!("{}\n{region}\n{to}\n{}", s.account_id, now.as_nanosecond());
        Sha256::digest(seed.as_bytes())[..16]
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>()
    };
    let url = verify_url(links_base, region, &to, &token);
    let msg = Outgoing {
        from: t.from_email_address.clone(),
        to: vec![to],
        subject: Some(t.template_subject.clone()),
        config_set,
        count: 1,
        body: Body::Simple(Arc::new(Simple {
            subject: Some(t.template_subject.clone()),
            html: Some(with_link(&t.template_content, &url)),
            ..Simple::default()
        })),
        ..Outgoing::default()
    };
    let (sent, reply) = super::send::send(s, region, &msg, now)?;
    let pending = Pending {
        token,
        template: template.to_string(),
        sent: now,
    };
    Ok((sent, (reply, pending)))
}

/// After the send: the address is an identity, pending until its link is followed.
pub fn pend(s: &mut State, region: &str, address: &str, pending: Pending) -> Result<String> {
    s.region_mut(region).pend_verification(address, pending)
}

/// Following a verification link: the address is verified; where to send the browser (the
/// template's success or failure URL; `None` when sesm knows neither).
pub fn confirm(
    s: &mut State,
    region: &str,
    address: &str,
    token: &str,
) -> Result<(bool, Option<String>)> {
    let (ok, template) = s.region_mut(region).confirm_verification(address, token)?;
    let url = template.map(|t| {
        if ok {
            t.success_redirection_url
        } else {
            t.failure_redirection_url
        }
    });
    Ok((ok, url))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_link_and_disclaimer_go_inside_the_body() {
        let html = with_link("<html><body><p>Hi</p></BODY></html>", "http://h/v?a=1&b=2");
        assert!(
            html.starts_with("<html><body><p>Hi</p><p><a href=\"http://h/v?a=1&amp;b=2\">"),
            "{html}"
        );
        assert!(
            html.ends_with(&format!("<p>{DISCLAIMER}</p></BODY></html>")),
            "{html}"
        );
        assert!(with_link("plain", "u").starts_with("plain<p>"));
        assert_eq!(
            verify_url("http://h:1", "eu-west-1", "a+b@example.com", "t"),
            "http://h:1/_sesm/verify?region=eu-west-1&identity=a%2Bb%40example.com&token=t"
        );
    }
}
