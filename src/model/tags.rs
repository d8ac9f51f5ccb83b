//! Tag rules T1–T5, shared by pools, configuration sets and identities.

use super::arn::ResourceKind;
use super::{Region, Tags, quota};
use crate::error::{Error, Result};

const MAX_KEY: usize = 128;
const MAX_VALUE: usize = 256;

/// T2: letters, digits, spaces (Unicode space separators: a tab or a newline is a control
/// character, and would break `-o text`'s one record per line) and `_ . : / = + -`.
fn allowed_char(c: char) -> bool {
    c.is_alphanumeric()
        || (c.is_whitespace() && !c.is_control())
        || matches!(c, '_' | '.' | ':' | '/' | '=' | '+' | '-')
}

/// Pairs with each key once: when a key repeats, its last value wins, in the place of its last
/// occurrence (as SES treats a tag list naming a key twice; the command line's `KEY=VALUE`
/// lists follow the same rule).
pub fn last_wins<V>(pairs: impl IntoIterator<Item = (String, V)>) -> Vec<(String, V)> {
    let mut out: Vec<(String, V)> = Vec::new();
    for (k, v) in pairs {
        out.retain(|(key, _)| *key != k);
        out.push((k, v));
    }
    out
}

/// T2 then T4 for the keys of an untag request: 1 to 128 characters of the allowed ones, and
/// not `aws:` (SES lets no one remove its own tags either).
pub fn check_keys(keys: &[String]) -> Result<()> {
    for key in keys {
        let len = key.chars().count();
        if !(1..=MAX_KEY).contains(&len) {
            return Err(Error::bad_request(format!(
                "Invalid tag key '{}': a key has 1 to {MAX_KEY} characters.",
                key.escape_default()
            )));
        }
        if let Some(c) = key.chars().find(|&c| !allowed_char(c)) {
            return Err(Error::bad_request(format!(
                "Invalid tag key '{}': '{}' is not allowed; use letters, digits, spaces and _ . : / = + -",
                key.escape_default(),
                c.escape_default()
            )));
        }
    }
    if let Some(key) = keys.iter().find(|k| reserved(k)) {
        return Err(Error::bad_request(format!(
            "Invalid tag key '{}': the aws: prefix is reserved for AWS use.",
            key.escape_default()
        )));
    }
    Ok(())
}

fn reserved(s: &str) -> bool {
    s.get(..4).is_some_and(|p| p.eq_ignore_ascii_case("aws:"))
}

/// T2 then T4 on every tag of a request, in that order (malformed before reserved).
pub fn check(tags: &[(String, String)]) -> Result<()> {
    for (key, value) in tags {
        let key_len = key.chars().count();
        if !(1..=MAX_KEY).contains(&key_len) {
            return Err(Error::bad_request(format!(
                "Invalid tag key '{}': a key has 1 to {MAX_KEY} characters.",
                key.escape_default()
            )));
        }
        if value.chars().count() > MAX_VALUE {
            return Err(Error::bad_request(format!(
                "Invalid value for tag '{}': a value has at most {MAX_VALUE} characters.",
                key.escape_default()
            )));
        }
        for (what, s) in [("key", key), ("value", value)] {
            if let Some(c) = s.chars().find(|&c| !allowed_char(c)) {
                return Err(Error::bad_request(format!(
                    "Invalid tag {what} '{}': '{}' is not allowed; use letters, digits, \
                     spaces and _ . : / = + -",
                    s.escape_default(),
                    c.escape_default()
                )));
            }
        }
    }
    for (key, value) in tags {
        if reserved(key) {
            return Err(Error::bad_request(format!(
                "Invalid tag key '{key}': the aws: prefix is reserved for AWS use."
            )));
        }
        if reserved(value) {
            return Err(Error::bad_request(format!(
                "Invalid value for tag '{key}': the aws: prefix is reserved for AWS use."
            )));
        }
    }
    Ok(())
}

/// T3 and T1: `existing` with `new` applied (same key: the new value wins), refused when the
/// result has more than 50 tags.
pub fn merged(existing: &Tags, new: &[(String, String)]) -> Result<Tags> {
    let mut tags = existing.clone();
    for (k, v) in new {
        tags.insert(k.clone(), v.clone());
    }
    if tags.len() > quota::TAGS {
        return Err(Error::bad_request(format!(
            "Too many tags: a resource can have at most {} tags, this request would leave {}.",
            quota::TAGS,
            tags.len()
        )));
    }
    Ok(tags)
}

/// Checks a whole request and returns the resulting tag set.
pub fn apply(existing: &Tags, new: &[(String, String)]) -> Result<Tags> {
    check(new)?;
    merged(existing, new)
}

impl Region {
    /// The tags of a taggable resource, checking that it exists (T5, T6).
    pub fn tags_of(&self, kind: ResourceKind, name: &str) -> Result<Tags> {
        Ok(match kind {
            ResourceKind::Pool => self.existing_pool(name, "tagged")?.tags.clone(),
            ResourceKind::ConfigSet => self.existing_config_set(name)?.tags,
            ResourceKind::Identity => self.existing_identity(name)?.1.tags,
            ResourceKind::ContactList => self.existing_contact_list(name)?.tags,
            ResourceKind::Tenant => self.tenant_by_arn_name(name)?.1.tags.clone(),
            ResourceKind::MultiRegionEndpoint => self.existing_endpoint(name)?.tags.clone(),
        })
    }

    /// Replaces the tags of a taggable resource with `change(current tags)`; returns the new
    /// tags. Nothing changes when `change` fails.
    pub fn change_tags(
        &mut self,
        kind: ResourceKind,
        name: &str,
        change: impl FnOnce(&Tags) -> Result<Tags>,
    ) -> Result<Tags> {
        let tags = change(&self.tags_of(kind, name)?)?;
        let stored = tags.clone();
        match kind {
            ResourceKind::Pool => self.pools.get_mut(name).expect("checked").tags = stored,
            ResourceKind::ConfigSet => {
                self.configuration_sets
                    .update(name, |cs| cs.tags = stored)?;
            }
            ResourceKind::Identity => {
                let key = super::names::normalize_identity(name)?;
                self.identities.update(&key, |id| id.tags = stored)?;
            }
            ResourceKind::ContactList => {
                if let Some(list) = self.contact_lists.get_mut()?.get_mut(name) {
                    list.tags = stored;
                }
            }
            ResourceKind::Tenant => {
                let key = self.tenant_by_arn_name(name)?.0;
                if let Some(t) = self.tenants.get_mut(&key) {
                    t.tags = stored;
                }
            }
            ResourceKind::MultiRegionEndpoint => {
                if let Some(e) = self.multi_region_endpoints.get_mut(name) {
                    e.tags = stored;
                }
            }
        }
        Ok(tags)
    }
}

/// The most characters of a message tag's name or value: SES answers a longer one "Tag name
/// cannot exceed 255 characters." (recorded AWS answers in LocalStack's SES test snapshots,
/// `test_invalid_tags_send_email`; the API reference said "Contain less than 256 characters"
/// before it said "256 characters or fewer", and the answer is what SES enforces).
const MAX_MESSAGE_TAG: usize = 255;

/// The tags SES itself reads to fill the `Feedback-ID` header ("Amazon SES now supports custom
/// values in the Feedback-ID header", AWS Messaging & Targeting Blog, "Understanding Google
/// Postmaster Tools (spam complaints) for Amazon SES email senders"): accepted though `:` is
/// no character of a tag's name (SES accepted both in the recorded `test_special_tags_send_email`).
pub const FEEDBACK_ID_TAGS: [&str; 2] = ["ses:feedback-id-a", "ses:feedback-id-b"];

/// SES's rule for a message tag (`MessageTag`: `Name` and `Value`), whichever door it came
/// through (SESv2's `EmailTags`, v1's `Tags`, the `X-SES-MESSAGE-TAGS` header), in SES's words
/// and order (the recorded answers of `test_invalid_tags_send_email`): the name first — given,
/// at most 255 characters, ASCII letters, digits, `_` and `-` (or one of the feedback-ID tags) —
/// then the value, which may also hold `.` and `@`.
pub fn check_message_tags(tags: &[(String, String)]) -> Result<()> {
    let tag_char = |b: u8| b.is_ascii_alphanumeric() || b == b'_' || b == b'-';
    for (name, value) in tags {
        if name.is_empty() {
            return Err(Error::bad_request("The tag name must be specified."));
        }
        if name.chars().count() > MAX_MESSAGE_TAG {
            return Err(Error::bad_request(format!(
                "Tag name cannot exceed {MAX_MESSAGE_TAG} characters."
            )));
        }
        if !name.bytes().all(tag_char) && !FEEDBACK_ID_TAGS.contains(&name.as_str()) {
            return Err(Error::bad_request(format!(
                "Invalid tag name <{name}>: only alphanumeric ASCII characters, '_',  '-' are allowed."
            )));
        }
        if value.is_empty() {
            return Err(Error::bad_request("The tag value must be specified."));
        }
        if value.chars().count() > MAX_MESSAGE_TAG {
            return Err(Error::bad_request(format!(
                "Tag value cannot exceed {MAX_MESSAGE_TAG} characters."
            )));
        }
        if !value.bytes().all(|b| tag_char(b) || b == b'.' || b == b'@') {
            return Err(Error::bad_request(format!(
                "Invalid tag value <{value}>: only alphanumeric ASCII characters, '_',  '-' , '.', '@' are allowed."
            )));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_last_value_of_a_key_wins_in_its_last_place() {
        let pairs = [("a", 1), ("b", 2), ("a", 3)].map(|(k, v)| (k.to_string(), v));
        assert_eq!(
            last_wins(pairs),
            [("b".to_string(), 2), ("a".to_string(), 3)]
        );
    }

    fn t(k: &str, v: &str) -> (String, String) {
        (k.to_string(), v.to_string())
    }

    #[test]
    fn valid_tags_including_unicode_letters() {
        assert!(
            check(&[
                t("team", "mail ops"),
                t("Café", "a_b.c:d/e=f+g-h"),
                t("k", "")
            ])
            .is_ok()
        );
    }

    #[test]
    fn malformed_tags() {
        assert!(check(&[t("", "v")]).is_err());
        assert!(check(&[t(&"k".repeat(129), "v")]).is_err());
        assert!(check(&[t("k", &"v".repeat(257))]).is_err());
        assert!(check(&[t("k", "x\"><script>")]).is_err());
        assert!(check(&[t("k@", "v")]).is_err());
    }

    #[test]
    fn aws_prefix_is_reserved_in_keys_and_values() {
        assert!(check(&[t("aws:team", "v")]).is_err());
        assert!(check(&[t("AWS:team", "v")]).is_err());
        assert!(check(&[t("team", "aws:x")]).is_err());
        assert!(check(&[t("awsteam", "v")]).is_ok());
    }

    #[test]
    fn malformed_wins_over_reserved() {
        let err = check(&[t("aws:a", "v"), t("", "v")]).unwrap_err();
        assert!(err.message.contains("1 to 128"), "{}", err.message);
    }

    /// SES's answers in LocalStack's recorded `test_invalid_tags_send_email` snapshots (all
    /// nine), and its acceptance of the feedback-ID tags (`test_special_tags_send_email`).
    #[test]
    fn message_tags_in_ses_words() {
        let refused = |n: &str, v: &str| check_message_tags(&[t(n, v)]).unwrap_err().message;
        let name = "Invalid tag name <test_invalid_name:123>: only alphanumeric ASCII characters, '_',  '-' are allowed.";
        assert_eq!(refused("test_invalid_name:123", "test"), name);
        assert_eq!(
            refused("test_invalid_name:123", "test_invalid_value:123"),
            name
        );
        assert_eq!(
            refused("test", "test_invalid_value:123"),
            "Invalid tag value <test_invalid_value:123>: only alphanumeric ASCII characters, '_',  '-' , '.', '@' are allowed."
        );
        assert_eq!(
            refused(&"test_invalid_name_len".repeat(100), "test"),
            "Tag name cannot exceed 255 characters."
        );
        assert_eq!(
            refused("test", &"test_invalid_value_len".repeat(100)),
            "Tag value cannot exceed 255 characters."
        );
        assert_eq!(
            refused(
                "test_invalid_name@123",
                &"test_invalid_value_len".repeat(100)
            ),
            "Invalid tag name <test_invalid_name@123>: only alphanumeric ASCII characters, '_',  '-' are allowed."
        );
        assert_eq!(refused("", ""), "The tag name must be specified.");
        assert_eq!(refused("", "test"), "The tag name must be specified.");
        assert_eq!(refused("test", ""), "The tag value must be specified.");
        for (n, v) in [
            ("ses:feedback-id-a", "this-marketing-campaign"),
            ("ses:feedback-id-b", "that-campaign"),
            ("campaign", "user.name@example.com"),
            (&"n".repeat(255)[..], &"v".repeat(255)[..]),
        ] {
            assert!(check_message_tags(&[t(n, v)]).is_ok(), "{n}={v}");
        }
        assert!(check_message_tags(&[t(&"n".repeat(256), "v")]).is_err());
        assert!(check_message_tags(&[t("ses:feedback-id-c", "v")]).is_err());
        assert!(check_message_tags(&[t("Café", "v")]).is_err());
    }

    #[test]
    fn merge_replaces_and_counts_after_merging() {
        let mut existing = Tags::new();
        for i in 0..50 {
            existing.insert(format!("k{i}"), "v".into());
        }
        let m = merged(&existing, &[t("k1", "new")]).unwrap();
        assert_eq!(m.len(), 50);
        assert_eq!(m["k1"], "new");
        assert!(merged(&existing, &[t("k50", "v")]).is_err());
    }
}
