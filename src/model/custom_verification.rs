//! Custom verification email templates (v1 and SESv2 `Create/Get/List/Update/Delete
//! CustomVerificationEmailTemplate`) and the address identities `SendCustomVerificationEmail`
//! creates pending, rules V10–V15 (`ses-rules.md`). Source: SES Developer Guide, "Using custom
//! verification email templates" (its inputs, the FAQ's 50 templates, 10 MB, the HTML tags and
//! attributes a template may use, no comments, the disclaimer SES appends).

use std::collections::BTreeMap;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use super::{Identity, Region, Tags};
use crate::error::{About, Error, Result};

/// V11: templates per region ("up to 50 custom verification email templates").
pub const MAX_TEMPLATES: usize = 50;
/// V11: "Custom verification email templates can't exceed 10 MB in size."
pub const MAX_CONTENT_BYTES: usize = 10 * 1024 * 1024;

/// The text SES adds to the end of every custom verification email ("can't be removed").
pub const DISCLAIMER: &str = "If you did not request to verify this email address, please disregard this message. If you have any concerns, please forward this message to the following email address along with your questions or comments: aws-email-domain-verification@amazon.com";

/// A stored template (its name is the key).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Template {
    pub from_email_address: String,
    pub template_subject: String,
    pub template_content: String,
    pub success_redirection_url: String,
    pub failure_redirection_url: String,
    #[serde(
        default,
        skip_serializing_if = "BTreeMap::is_empty",
        deserialize_with = "crate::lazy::unique"
    )]
    pub tags: Tags,
}

/// An address identity created by SendCustomVerificationEmail and not yet verified: the
/// token its link carries and the template whose redirection URLs it follows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Pending {
    pub token: String,
    pub template: String,
    pub sent: Timestamp,
}

/// The parts of a template a request gives (an update may leave any out).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TemplateFields {
    pub from_email_address: Option<String>,
    pub template_subject: Option<String>,
    pub template_content: Option<String>,
    pub success_redirection_url: Option<String>,
    pub failure_redirection_url: Option<String>,
}

pub fn not_found(name: &str) -> Error {
    Error::not_found(format!(
        "Custom verification email template {name} does not exist."
    ))
    .about(About::CustomVerificationTemplate)
}

/// V14: the tags a template's HTML may use, and each one's attributes (the guide's table).
const ALLOWED: &[(&str, &[&str])] = &[
    ("abbr", &[]),
    ("acronym", &[]),
    ("address", &[]),
    ("area", &[]),
    ("b", &[]),
    ("bdo", &[]),
    ("big", &[]),
    ("blockquote", &["cite"]),
    ("body", &[]),
    ("br", &[]),
    ("button", &[]),
    ("caption", &[]),
    ("center", &[]),
    ("cite", &[]),
    ("code", &[]),
    ("col", &["span", "width"]),
    ("colgroup", &["span", "width"]),
    ("dd", &[]),
    ("del", &[]),
    ("dfn", &[]),
    ("dir", &[]),
    ("div", &[]),
    ("dl", &[]),
    ("dt", &[]),
    ("em", &[]),
    ("fieldset", &[]),
    ("font", &[]),
    ("form", &[]),
    ("h1", &[]),
    ("h2", &[]),
    ("h3", &[]),
    ("h4", &[]),
    ("h5", &[]),
    ("h6", &[]),
    ("head", &[]),
    ("hr", &[]),
    ("html", &[]),
    ("i", &[]),
    ("img", &["align", "alt", "height", "src", "width"]),
    ("input", &[]),
    ("ins", &[]),
    ("kbd", &[]),
    ("label", &[]),
    ("legend", &[]),
    ("li", &[]),
    ("map", &[]),
    ("menu", &[]),
    ("ol", &["start", "type"]),
    ("optgroup", &[]),
    ("option", &[]),
    ("p", &[]),
    ("pre", &[]),
    ("q", &["cite"]),
    ("s", &[]),
    ("samp", &[]),
    ("select", &[]),
    ("small", &[]),
    ("span", &[]),
    ("strike", &[]),
    ("strong", &[]),
    ("sub", &[]),
    ("sup", &[]),
    ("table", &["summary", "width"]),
    ("tbody", &[]),
    ("td", &["abbr", "axis", "colspan", "rowspan", "width"]),
    ("textarea", &[]),
    ("tfoot", &[]),
    (
        "th",
        &["abbr", "axis", "colspan", "rowspan", "scope", "width"],
    ),
    ("thead", &[]),
    ("tr", &[]),
    ("tt", &[]),
    ("u", &[]),
    ("ul", &["type"]),
    ("var", &[]),
];

/// Every tag takes these besides its own.
const COMMON: [&str; 4] = ["class", "id", "style", "title"];

fn invalid_content(why: String) -> Error {
    Error::bad_request(format!("Invalid custom verification email content: {why}"))
        .about(About::Code("CustomVerificationEmailInvalidContent"))
}

/// V14: the HTML of a template: only the guide's tags, each with its attributes, and no
/// comment. A `<` not followed by a tag name is text.
pub fn check_html(content: &str) -> Result<()> {
    if content.contains("<!--") {
        return Err(invalid_content("comment tags are not allowed.".into()));
    }
    let bytes = content.as_bytes();
    let mut i = 0;
    while let Some(off) = content[i..].find('<') {
        let start = i + off + 1;
        let mut j = start;
        if bytes.get(j) == Some(&b'/') {
            j += 1;
        }
        let name_start = j;
        while j < bytes.len() && bytes[j].is_ascii_alphanumeric() {
            j += 1;
        }
        if j == name_start {
            // `<!DOCTYPE`, `< 3`: not a tag of the list; a doctype is allowed, text is text.
            i = start;
            continue;
        }
        let name = content[name_start..j].to_ascii_lowercase();
        let end = content[j..].find('>').map_or(bytes.len(), |e| j + e);
        let Some((_, attrs)) = ALLOWED.iter().find(|(t, _)| *t == name) else {
            return Err(invalid_content(format!("the tag <{name}> is not allowed.")));
        };
        for attr in attribute_names(&content[j..end]) {
            if !COMMON.contains(&attr.as_str()) && !attrs.contains(&attr.as_str()) {
                return Err(invalid_content(format!(
                    "the attribute {attr} is not allowed on <{name}>."
                )));
            }
        }
        i = end.min(bytes.len());
        if i >= bytes.len() {
            break;
        }
    }
    Ok(())
}

/// The attribute names inside a tag (`a="x" b c='y'`), lowercase, values skipped.
fn attribute_names(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c.is_ascii_alphabetic() {
            let mut name = String::from(c);
            while let Some(&n) = chars.peek() {
                if n.is_ascii_alphanumeric() || n == '-' || n == '_' || n == ':' {
                    name.push(n);
                    chars.next();
                } else {
                    break;
                }
            }
            out.push(name.to_ascii_lowercase());
            while chars.peek() == Some(&' ') {
                chars.next();
            }
            if chars.peek() == Some(&'=') {
                chars.next();
                while chars.peek() == Some(&' ') {
                    chars.next();
                }
                match chars.peek().copied() {
                    Some(q @ ('"' | '\'')) => {
                        chars.next();
                        for v in chars.by_ref() {
                            if v == q {
                                break;
                            }
                        }
                    }
                    _ => {
                        while chars.peek().is_some_and(|v| !v.is_whitespace()) {
                            chars.next();
                        }
                    }
                }
            }
        }
    }
    out
}

/// V10, V12: a template's name, URLs and content.
fn check_template(name: &str, t: &Template) -> Result<()> {
    super::template::check_template_name(name)?;
    for (what, url) in [
        ("SuccessRedirectionURL", &t.success_redirection_url),
        ("FailureRedirectionURL", &t.failure_redirection_url),
    ] {
        if !(url.starts_with("http://") || url.starts_with("https://")) || url.len() > 2048 {
            return Err(Error::bad_request(format!(
                "Invalid {what} '{}': an http:// or https:// URL.",
                url.escape_default()
            )));
        }
    }
    if t.template_subject.is_empty() {
        return Err(Error::bad_request("TemplateSubject must not be empty."));
    }
    if t.template_content.len() > MAX_CONTENT_BYTES {
        return Err(invalid_content(format!(
            "it has {} bytes; a template has at most 10 MB.",
            t.template_content.len()
        )));
    }
    check_html(&t.template_content)
}

impl Region {
    /// A template of the region.
    pub fn existing_verification_template(&self, name: &str) -> Result<&Template> {
        self.custom_verification_templates
            .get(name)
            .ok_or_else(|| not_found(name))
    }

    /// V13: the template's sender must be a verified identity of the region (its address
    /// or its domain).
    fn check_from_verified(&self, from: &str) -> Result<()> {
        let addr = super::sending::check_address(from, "FromEmailAddress")?;
        match self.sender_identity(&addr)? {
            Some((_, id)) if id.pending_verification.is_none() => Ok(()),
            _ => Err(Error::not_found(format!(
                "Email address {from} is not verified: the FromEmailAddress of a custom verification email template must be a verified identity."
            ))
            .about(About::Code("FromEmailAddressNotVerified"))),
        }
    }

    /// CreateCustomVerificationEmailTemplate (V10–V14).
    pub fn create_verification_template(&mut self, name: &str, t: Template) -> Result<()> {
        check_template(name, &t)?;
        self.check_from_verified(&t.from_email_address)?;
        if self.custom_verification_templates.contains_key(name) {
            return Err(Error::already_exists(format!(
                "Custom verification email template {name} already exists."
            ))
            .about(About::CustomVerificationTemplate));
        }
        if self.custom_verification_templates.len() >= MAX_TEMPLATES {
            return Err(Error::limit_exceeded(format!(
                "A region holds at most {MAX_TEMPLATES} custom verification email templates."
            )));
        }
        self.custom_verification_templates
            .insert(name.to_string(), t);
        Ok(())
    }

    /// UpdateCustomVerificationEmailTemplate: the parts given replace the stored ones.
    pub fn update_verification_template(&mut self, name: &str, f: TemplateFields) -> Result<()> {
        let mut t = self.existing_verification_template(name)?.clone();
        let set = |slot: &mut String, v: Option<String>| {
            if let Some(v) = v {
                *slot = v;
            }
        };
        let from_changed = f.from_email_address.is_some();
        set(&mut t.from_email_address, f.from_email_address);
        set(&mut t.template_subject, f.template_subject);
        set(&mut t.template_content, f.template_content);
        set(&mut t.success_redirection_url, f.success_redirection_url);
        set(&mut t.failure_redirection_url, f.failure_redirection_url);
        check_template(name, &t)?;
        if from_changed {
            self.check_from_verified(&t.from_email_address)?;
        }
        self.custom_verification_templates
            .insert(name.to_string(), t);
        Ok(())
    }

    /// DeleteCustomVerificationEmailTemplate.
    pub fn delete_verification_template(&mut self, name: &str) -> Result<Template> {
        self.custom_verification_templates
            .remove(name)
            .ok_or_else(|| not_found(name))
    }

    /// SendCustomVerificationEmail's identity (V15): a new address identity, pending until its
    /// link is followed; an identity already there keeps its state (a pending one gets the
    /// new token). Returns the identity's name.
    pub fn pend_verification(&mut self, address: &str, pending: Pending) -> Result<String> {
        let name = super::names::normalize_identity(address)?;
        if !name.contains('@') {
            return Err(Error::bad_request(format!(
                "Invalid EmailAddress '{address}': SendCustomVerificationEmail verifies an email address."
            )));
        }
        match self.identities.entry(&name)? {
            Some(id) if id.pending_verification.is_none() => {}
            Some(_) => {
                self.identities
                    .update(&name, |id| id.pending_verification = Some(pending))?;
            }
            None => {
                let count = self.identities.len()?;
                if count >= super::quota::IDENTITIES {
                    return Err(Error::limit_exceeded(format!(
                        "You can have at most {} sending identities in a region.",
                        super::quota::IDENTITIES
                    )));
                }
                self.identities.insert(
                    name.clone(),
                    Identity {
                        pending_verification: Some(pending),
                        ..Identity::default()
                    },
                )?;
            }
        }
        Ok(name)
    }

    /// The verification link (V15): with the token the identity is pending with, it becomes
    /// verified; the template it was sent with, whose redirection URLs the link follows.
    /// `None` when the token is not the identity's (the failure URL, when known).
    pub fn confirm_verification(
        &mut self,
        address: &str,
        token: &str,
    ) -> Result<(bool, Option<Template>)> {
        let name = super::names::normalize_identity(address)?;
        let Some(id) = self.identities.entry(&name)? else {
            return Ok((false, None));
        };
        let Some(p) = id.pending_verification else {
            // Already verified: following the link again succeeds, as SES's does.
            return Ok((true, None));
        };
        let template = self.custom_verification_templates.get(&p.template).cloned();
        if p.token != token {
            return Ok((false, template));
        }
        self.identities
            .update(&name, |id| id.pending_verification = None)?;
        Ok((true, template))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_uses_the_guides_tags_and_attributes_only() {
        for ok in [
            "<html><body><h1 class=\"t\">Hi</h1><p style='x'>Click</p><img src=\"data:x\" alt=a width=1></body></html>",
            "<!DOCTYPE html><p>a < b</p>",
            "plain text",
            "<td colspan=\"2\" rowspan=1>x</td>",
        ] {
            assert!(check_html(ok).is_ok(), "{ok}");
        }
        for bad in [
            "<script>alert(1)</script>",
            "<a href=\"https://x\">x</a>",
            "<p onclick=\"x\">x</p>",
            "<!-- hidden -->",
            "<img src=x onerror=y>",
        ] {
            let e = check_html(bad).unwrap_err();
            assert_eq!(
                e.about,
                Some(About::Code("CustomVerificationEmailInvalidContent")),
                "{bad}"
            );
        }
    }

    fn template() -> Template {
        Template {
            from_email_address: "no-reply@example.com".into(),
            template_subject: "Verify".into(),
            template_content: "<p>Please verify</p>".into(),
            success_redirection_url: "https://example.com/ok".into(),
            failure_redirection_url: "https://example.com/fail".into(),
            tags: Tags::new(),
        }
    }

    #[test]
    fn templates_need_a_verified_sender_and_fit_the_quota() {
        let mut r = Region::default();
        let e = r.create_verification_template("t", template()).unwrap_err();
        assert_eq!(e.about, Some(About::Code("FromEmailAddressNotVerified")));
        r.create_identity("example.com", None, &[]).unwrap();
        r.create_verification_template("t", template()).unwrap();
        assert_eq!(
            r.create_verification_template("t", template())
                .unwrap_err()
                .code(),
            "AlreadyExistsException"
        );
        for i in 1..MAX_TEMPLATES {
            r.create_verification_template(&format!("t{i}"), template())
                .unwrap();
        }
        assert_eq!(
            r.create_verification_template("last", template())
                .unwrap_err()
                .code(),
            "LimitExceededException"
        );
        let bad_url = Template {
            success_redirection_url: "ftp://x".into(),
            ..template()
        };
        assert!(r.create_verification_template("u", bad_url).is_err());
    }

    #[test]
    fn an_address_is_pending_until_its_link_is_followed() {
        let mut r = Region::default();
        r.create_identity("example.com", None, &[]).unwrap();
        r.create_verification_template("t", template()).unwrap();
        let p = Pending {
            token: "tok".into(),
            template: "t".into(),
            sent: Timestamp::UNIX_EPOCH,
        };
        let name = r.pend_verification("New@Example.com", p).unwrap();
        assert_eq!(name, "New@example.com");
        assert!(
            r.identities
                .entry(&name)
                .unwrap()
                .unwrap()
                .pending_verification
                .is_some()
        );
        let (ok, t) = r.confirm_verification(&name, "wrong").unwrap();
        assert!(!ok && t.is_some());
        let (ok, t) = r.confirm_verification(&name, "tok").unwrap();
        assert!(ok);
        assert_eq!(t.unwrap().success_redirection_url, "https://example.com/ok");
        assert!(
            r.identities
                .entry(&name)
                .unwrap()
                .unwrap()
                .pending_verification
                .is_none()
        );
    }
}
