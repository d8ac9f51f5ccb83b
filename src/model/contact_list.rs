//! List management (SESv2 `CreateContactList` … `DeleteContact`): a region's contact list, its
//! topics and its contacts' subscription preferences, rules L1–L9 (`ses-rules.md`). Sources:
//! SES Developer Guide, "Using list management" and "Using subscription management"; botocore's
//! sesv2 model (`Topic`, `TopicPreference`, `ListContactsFilter`).
//!
//! - L1: one contact list per region ("Only one contact list is allowed per AWS account"; SES
//!   quotas are per region).
//! - L2: a list has at most 20 topics ("A list can have a maximum of 20 topics"), each named
//!   once, with a display name and a default subscription status `OPT_IN` or `OPT_OUT`.
//! - L3–L5: contacts are addresses, once each; their topic preferences name topics of the
//!   list; `AttributesData` is a JSON object ("It must be a valid JSON object").
//! - L6: a contact's status for a topic is `OPT_OUT` when it unsubscribed from all, else its
//!   own preference, else the topic's default; mail to a contact opted out is not delivered.

use std::collections::BTreeMap;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use super::sending::check_address;
use super::{Region, Tags};
use crate::error::{About, Error, Result};

/// L1: contact lists per region.
pub const MAX_LISTS: usize = 1;
/// L2: topics per list.
pub const MAX_TOPICS: usize = 20;
/// Contacts one list keeps *(sesm: SES documents no limit; the state file holds them all)*.
pub const MAX_CONTACTS: usize = 100_000;

/// A topic's or a contact's subscription status (botocore's `SubscriptionStatus`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Status {
    OptIn,
    OptOut,
}

impl Status {
    pub const ALL: [Status; 2] = [Status::OptIn, Status::OptOut];

    pub const fn as_str(self) -> &'static str {
        match self {
            Status::OptIn => "OPT_IN",
            Status::OptOut => "OPT_OUT",
        }
    }

    /// How a Subscription event spells it (`OptIn`, `OptOut`).
    pub const fn event_name(self) -> &'static str {
        match self {
            Status::OptIn => "OptIn",
            Status::OptOut => "OptOut",
        }
    }

    /// Parses `member`'s value; another value gets AWS's enum validation text.
    pub fn parse(value: &str, member: &str) -> Result<Status> {
        value
            .parse()
            .map_err(|_| super::rules::enum_error(value, member, &Status::ALL.map(Status::as_str)))
    }
}

impl std::str::FromStr for Status {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        Status::ALL
            .into_iter()
            .find(|t| t.as_str() == s)
            .ok_or_else(|| Error::bad_request(format!("Invalid SubscriptionStatus '{s}'.")))
    }
}

/// A topic of a contact list (botocore's `Topic`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Topic {
    pub topic_name: String,
    pub display_name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub default_subscription_status: Status,
}

/// A contact on a list (keyed by its address as SES compares it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Contact {
    /// Its own preferences, by topic.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub topic_preferences: BTreeMap<String, Status>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub unsubscribe_all: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attributes_data: Option<String>,
    pub created: Timestamp,
    pub last_updated: Timestamp,
}

/// A contact list: its topics, description, tags and contacts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ContactList {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub topics: Vec<Topic>,
    pub created: Timestamp,
    pub last_updated: Timestamp,
    #[serde(
        default,
        skip_serializing_if = "BTreeMap::is_empty",
        deserialize_with = "crate::lazy::unique"
    )]
    pub tags: Tags,
    #[serde(
        default,
        skip_serializing_if = "BTreeMap::is_empty",
        deserialize_with = "crate::lazy::unique"
    )]
    pub contacts: BTreeMap<String, Contact>,
}

/// What a contact is given: its preferences, whether it unsubscribed from all, its data.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ContactFields {
    pub topic_preferences: Vec<(String, String)>,
    pub unsubscribe_all: Option<bool>,
    pub attributes_data: Option<String>,
}

/// ListContacts' `Filter` (botocore's `ListContactsFilter`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ContactFilter {
    pub status: Option<Status>,
    pub topic: Option<String>,
    pub use_default: bool,
}

/// "List with name: NAME doesn't exist." (the text SES answers, as moto and sesm's earlier
/// SendEmail check have it).
pub fn not_found(name: &str) -> Error {
    Error::not_found(format!("List with name: {name} doesn't exist."))
        .about(About::ContactList)
        .hint("create it with CreateContactList")
}

fn contact_not_found(address: &str, list: &str) -> Error {
    Error::not_found(format!("Contact {address} doesn't exist in List {list}."))
        .about(About::Contact)
}

/// L1's name: 1 to 64 characters, what every other SES resource name allows *(sesm: SES
/// documents no pattern)*.
fn check_list_name(name: &str) -> Result<()> {
    if super::names::is_simple_name(name, 64) {
        Ok(())
    } else {
        Err(Error::bad_request(format!(
            "Invalid contact list name '{}': a name has 1 to 64 characters from A-Z, a-z, 0-9, _ and -.",
            name.escape_default()
        )))
    }
}

/// L2: the topics of a list, each named once.
pub fn check_topics(topics: &[Topic]) -> Result<()> {
    if topics.len() > MAX_TOPICS {
        return Err(Error::bad_request(format!(
            "A contact list can have at most {MAX_TOPICS} topics; this one has {}.",
            topics.len()
        )));
    }
    for (i, t) in topics.iter().enumerate() {
        if !super::names::is_simple_name(&t.topic_name, 64) {
            return Err(Error::bad_request(format!(
                "Invalid topic name '{}': a name has 1 to 64 characters from A-Z, a-z, 0-9, _ and -.",
                t.topic_name.escape_default()
            )));
        }
        if t.display_name.is_empty() || t.display_name.chars().count() > 128 {
            return Err(Error::bad_request(format!(
                "Topic {} needs a DisplayName of 1 to 128 characters.",
                t.topic_name
            )));
        }
        if topics[..i].iter().any(|o| o.topic_name == t.topic_name) {
            return Err(Error::bad_request(format!(
                "Topic {} is named twice in the list.",
                t.topic_name
            )));
        }
    }
    Ok(())
}

/// L5: `AttributesData` is a JSON object.
fn check_attributes(data: Option<&str>) -> Result<()> {
    match data {
        None => Ok(()),
        Some(d) => match serde_json::from_str::<serde_json::Value>(d) {
            Ok(serde_json::Value::Object(_)) => Ok(()),
            _ => Err(Error::bad_request(
                "AttributesData must be a valid JSON object.",
            )),
        },
    }
}

impl ContactList {
    fn topic(&self, name: &str, list: &str) -> Result<&Topic> {
        self.topics
            .iter()
            .find(|t| t.topic_name == name)
            .ok_or_else(|| {
                Error::not_found(format!("Topic {name} doesn't exist in List {list}."))
                    .about(About::ContactList)
            })
    }

    /// L4: preferences as the list's topics, each an `OPT_IN` or `OPT_OUT`.
    fn preferences(
        &self,
        list: &str,
        given: &[(String, String)],
    ) -> Result<BTreeMap<String, Status>> {
        let mut out = BTreeMap::new();
        for (topic, status) in given {
            let status = Status::parse(status, "topicPreferences.member.subscriptionStatus")?;
            self.topic(topic, list).map_err(|_| {
                Error::bad_request(format!(
                    "Topic {topic} is not a topic of List {list}: a preference names a topic of the list."
                ))
            })?;
            out.insert(topic.clone(), status);
        }
        Ok(out)
    }

    /// L6: a contact's status for `topic` (or, without one, whether it takes mail at all).
    pub fn status(&self, contact: &Contact, topic: Option<&str>) -> Status {
        if contact.unsubscribe_all {
            return Status::OptOut;
        }
        match topic {
            None => Status::OptIn,
            Some(t) => contact
                .topic_preferences
                .get(t)
                .copied()
                .or_else(|| {
                    self.topics
                        .iter()
                        .find(|x| x.topic_name == t)
                        .map(|x| x.default_subscription_status)
                })
                .unwrap_or(Status::OptIn),
        }
    }

    /// ListContacts' filter: with a topic, the contact's own preference for it (or, when
    /// `UseDefaultIfPreferenceUnavailable`, the topic's default); without one, whether it
    /// unsubscribed from all.
    pub fn matches(&self, contact: &Contact, f: &ContactFilter) -> bool {
        let status = match &f.topic {
            Some(t) => {
                let own = if contact.unsubscribe_all {
                    Some(Status::OptOut)
                } else {
                    contact.topic_preferences.get(t).copied()
                };
                match own {
                    Some(s) => s,
                    None if f.use_default => self.status(contact, Some(t)),
                    None => return false,
                }
            }
            None if contact.unsubscribe_all => Status::OptOut,
            None => Status::OptIn,
        };
        f.status.is_none_or(|want| want == status)
    }
}

impl Region {
    /// The region's contact list `name`.
    pub fn existing_contact_list(&self, name: &str) -> Result<ContactList> {
        self.contact_lists
            .get()?
            .get(name)
            .cloned()
            .ok_or_else(|| not_found(name))
    }

    fn list_mut(&mut self, name: &str) -> Result<&mut ContactList> {
        self.contact_lists
            .get_mut()?
            .get_mut(name)
            .ok_or_else(|| not_found(name))
    }

    /// CreateContactList (L1, L2).
    pub fn create_contact_list(
        &mut self,
        name: &str,
        description: Option<String>,
        topics: Vec<Topic>,
        tags: &[(String, String)],
        now: Timestamp,
    ) -> Result<()> {
        check_list_name(name)?;
        check_topics(&topics)?;
        let tags = super::tags::apply(&Tags::new(), tags)?;
        let lists = self.contact_lists.get_mut()?;
        if lists.contains_key(name) {
            return Err(
                Error::already_exists(format!("List with name: {name} already exists."))
                    .about(About::ContactList),
            );
        }
        if lists.len() >= MAX_LISTS {
            return Err(Error::limit_exceeded(format!(
                "You can have at most {MAX_LISTS} contact list in a region (SES allows one per account); {} exists.",
                lists.keys().next().map(String::as_str).unwrap_or_default()
            ))
            .about(About::ContactList));
        }
        lists.insert(
            name.to_string(),
            ContactList {
                description,
                topics,
                created: now,
                last_updated: now,
                tags,
                contacts: BTreeMap::new(),
            },
        );
        Ok(())
    }

    /// UpdateContactList: the topics and description are replaced (L2); preferences for a
    /// topic the list no longer has are dropped with it.
    pub fn update_contact_list(
        &mut self,
        name: &str,
        description: Option<String>,
        topics: Vec<Topic>,
        now: Timestamp,
    ) -> Result<()> {
        check_topics(&topics)?;
        let list = self.list_mut(name)?;
        for c in list.contacts.values_mut() {
            c.topic_preferences
                .retain(|t, _| topics.iter().any(|x| &x.topic_name == t));
        }
        list.description = description;
        list.topics = topics;
        list.last_updated = now;
        Ok(())
    }

    /// DeleteContactList, with its contacts.
    pub fn delete_contact_list(&mut self, name: &str) -> Result<ContactList> {
        self.contact_lists
            .get_mut()?
            .remove(name)
            .ok_or_else(|| not_found(name))
    }

    /// CreateContact (L3–L5): an address not yet on the list.
    pub fn create_contact(
        &mut self,
        list_name: &str,
        address: &str,
        fields: &ContactFields,
        now: Timestamp,
    ) -> Result<String> {
        let key = check_address(address, "contact")?;
        check_attributes(fields.attributes_data.as_deref())?;
        let list = self.list_mut(list_name)?;
        let prefs = list.preferences(list_name, &fields.topic_preferences)?;
        if list.contacts.contains_key(&key) {
            return Err(Error::already_exists(format!(
                "Contact {key} already exists in List {list_name}."
            ))
            .about(About::Contact));
        }
        if list.contacts.len() >= MAX_CONTACTS {
            return Err(Error::limit_exceeded(format!(
                "List {list_name} holds {MAX_CONTACTS} contacts, the most sesm keeps in one list."
            )));
        }
        list.contacts.insert(
            key.clone(),
            Contact {
                topic_preferences: prefs,
                unsubscribe_all: fields.unsubscribe_all.unwrap_or(false),
                attributes_data: fields.attributes_data.clone(),
                created: now,
                last_updated: now,
            },
        );
        Ok(key)
    }

    /// UpdateContact: the preferences given replace the contact's own, member by member (a
    /// member not given stays as it was).
    pub fn update_contact(
        &mut self,
        list_name: &str,
        address: &str,
        fields: &ContactFields,
        now: Timestamp,
    ) -> Result<()> {
        let key = contact_key(address);
        check_attributes(fields.attributes_data.as_deref())?;
        let list = self.list_mut(list_name)?;
        let prefs = list.preferences(list_name, &fields.topic_preferences)?;
        let contact = list
            .contacts
            .get_mut(&key)
            .ok_or_else(|| contact_not_found(&key, list_name))?;
        if !fields.topic_preferences.is_empty() {
            contact.topic_preferences = prefs;
        }
        if let Some(all) = fields.unsubscribe_all {
            contact.unsubscribe_all = all;
        }
        if fields.attributes_data.is_some() {
            contact.attributes_data = fields.attributes_data.clone();
        }
        contact.last_updated = now;
        Ok(())
    }

    /// GetContact: the list and the contact.
    pub fn existing_contact(
        &self,
        list_name: &str,
        address: &str,
    ) -> Result<(ContactList, Contact)> {
        let key = contact_key(address);
        let list = self.existing_contact_list(list_name)?;
        let contact = list
            .contacts
            .get(&key)
            .cloned()
            .ok_or_else(|| contact_not_found(&key, list_name))?;
        Ok((list, contact))
    }

    /// DeleteContact.
    pub fn delete_contact(&mut self, list_name: &str, address: &str) -> Result<Contact> {
        let key = contact_key(address);
        self.list_mut(list_name)?
            .contacts
            .remove(&key)
            .ok_or_else(|| contact_not_found(&key, list_name))
    }

    /// Puts a contact on the list when it is not there (a send with `ListManagementOptions`
    /// to an address the list lacks adds it, as SES does); whether it was added.
    pub fn ensure_contact(
        &mut self,
        list_name: &str,
        address: &str,
        now: Timestamp,
    ) -> Result<bool> {
        let key = contact_key(address);
        let list = self.list_mut(list_name)?;
        if list.contacts.contains_key(&key) || list.contacts.len() >= MAX_CONTACTS {
            return Ok(false);
        }
        list.contacts.insert(
            key,
            Contact {
                topic_preferences: BTreeMap::new(),
                unsubscribe_all: false,
                attributes_data: None,
                created: now,
                last_updated: now,
            },
        );
        Ok(true)
    }

    /// Unsubscribes a contact from `topic` (or, without one, from every topic of the list:
    /// SES's subscription management); the contact before and after.
    pub fn unsubscribe(
        &mut self,
        list_name: &str,
        address: &str,
        topic: Option<&str>,
        now: Timestamp,
    ) -> Result<(ContactList, Contact, Contact)> {
        let key = contact_key(address);
        let list = self.list_mut(list_name)?;
        if let Some(t) = topic {
            list.topic(t, list_name)?;
        }
        let contact = list
            .contacts
            .get_mut(&key)
            .ok_or_else(|| contact_not_found(&key, list_name))?;
        let before = contact.clone();
        match topic {
            Some(t) => {
                contact
                    .topic_preferences
                    .insert(t.to_string(), Status::OptOut);
            }
            None => contact.unsubscribe_all = true,
        }
        contact.last_updated = now;
        let after = contact.clone();
        Ok((list.clone(), before, after))
    }

    /// L6 for a send: whether `address` on list `list_name` opted out of `topic`. An address
    /// the list lacks takes the mail (SES adds it to the list).
    pub fn unsubscribed(
        &self,
        list_name: &str,
        topic: Option<&str>,
        address: &str,
    ) -> Result<bool> {
        let lists = self.contact_lists.get()?;
        let list = lists.get(list_name).ok_or_else(|| not_found(list_name))?;
        if let Some(t) = topic {
            list.topic(t, list_name)?;
        }
        Ok(list
            .contacts
            .get(&contact_key(address))
            .is_some_and(|c| list.status(c, topic) == Status::OptOut))
    }
}

/// A contact's key: the address as SES compares recipients (the domain lowercase), or the
/// text as given when it is no address (then it names no contact).
pub fn contact_key(address: &str) -> String {
    super::sending::normalized_address(address).unwrap_or_else(|| address.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn topic(name: &str, default: Status) -> Topic {
        Topic {
            topic_name: name.into(),
            display_name: name.into(),
            description: None,
            default_subscription_status: default,
        }
    }

    fn region_with_list() -> Region {
        let mut r = Region::default();
        let now = Timestamp::UNIX_EPOCH;
        r.create_contact_list(
            "news",
            None,
            vec![
                topic("sports", Status::OptIn),
                topic("cycling", Status::OptOut),
            ],
            &[],
            now,
        )
        .unwrap();
        r
    }

    #[test]
    fn one_list_per_region_and_twenty_topics() {
        let mut r = region_with_list();
        let e = r
            .create_contact_list("other", None, Vec::new(), &[], Timestamp::UNIX_EPOCH)
            .unwrap_err();
        assert_eq!(e.code(), "LimitExceededException");
        let e = r
            .create_contact_list("news", None, Vec::new(), &[], Timestamp::UNIX_EPOCH)
            .unwrap_err();
        assert_eq!(e.code(), "AlreadyExistsException");
        let many: Vec<Topic> = (0..21)
            .map(|i| topic(&format!("t{i}"), Status::OptIn))
            .collect();
        assert!(check_topics(&many[..20]).is_ok());
        assert_eq!(
            check_topics(&many).unwrap_err().code(),
            "BadRequestException"
        );
        let twice = vec![topic("a", Status::OptIn), topic("a", Status::OptOut)];
        assert!(check_topics(&twice).is_err());
    }

    #[test]
    fn status_is_unsubscribe_all_then_own_then_default() {
        let mut r = region_with_list();
        let now = Timestamp::UNIX_EPOCH;
        let fields = ContactFields {
            topic_preferences: vec![("cycling".into(), "OPT_IN".into())],
            ..Default::default()
        };
        r.create_contact("news", "Ann@Example.COM", &fields, now)
            .unwrap();
        let (list, c) = r.existing_contact("news", "Ann@example.com").unwrap();
        assert_eq!(list.status(&c, Some("cycling")), Status::OptIn);
        assert_eq!(list.status(&c, Some("sports")), Status::OptIn);
        assert!(
            !r.unsubscribed("news", Some("cycling"), "Ann@example.com")
                .unwrap()
        );
        r.unsubscribe("news", "Ann@example.com", Some("cycling"), now)
            .unwrap();
        assert!(
            r.unsubscribed("news", Some("cycling"), "Ann@example.com")
                .unwrap()
        );
        assert!(
            !r.unsubscribed("news", Some("sports"), "Ann@example.com")
                .unwrap()
        );
        r.unsubscribe("news", "Ann@example.com", None, now).unwrap();
        assert!(
            r.unsubscribed("news", Some("sports"), "Ann@example.com")
                .unwrap()
        );
        assert!(
            !r.unsubscribed("news", Some("sports"), "new@example.com")
                .unwrap()
        );
        assert_eq!(
            r.unsubscribed("news", Some("nope"), "Ann@example.com")
                .unwrap_err()
                .code(),
            "NotFoundException"
        );
    }

    #[test]
    fn the_filter_uses_defaults_only_when_asked() {
        let mut r = region_with_list();
        let now = Timestamp::UNIX_EPOCH;
        r.create_contact("news", "a@example.com", &ContactFields::default(), now)
            .unwrap();
        let (list, c) = r.existing_contact("news", "a@example.com").unwrap();
        let f = |status, topic: &str, use_default| ContactFilter {
            status: Some(status),
            topic: Some(topic.into()),
            use_default,
        };
        assert!(!list.matches(&c, &f(Status::OptOut, "cycling", false)));
        assert!(list.matches(&c, &f(Status::OptOut, "cycling", true)));
        assert!(list.matches(&c, &f(Status::OptIn, "sports", true)));
        assert!(list.matches(&c, &ContactFilter::default()));
    }

    #[test]
    fn bad_contacts_are_refused() {
        let mut r = region_with_list();
        let now = Timestamp::UNIX_EPOCH;
        let bad = |prefs: Vec<(&str, &str)>, data: Option<&str>| ContactFields {
            topic_preferences: prefs
                .into_iter()
                .map(|(a, b)| (a.to_string(), b.to_string()))
                .collect(),
            unsubscribe_all: None,
            attributes_data: data.map(str::to_string),
        };
        for fields in [
            bad(vec![("nope", "OPT_IN")], None),
            bad(vec![("sports", "MAYBE")], None),
            bad(vec![], Some("[1]")),
            bad(vec![], Some("{")),
        ] {
            let e = r
                .create_contact("news", "a@example.com", &fields, now)
                .unwrap_err();
            assert_eq!(e.code(), "BadRequestException", "{fields:?}");
        }
        assert!(
            r.create_contact("news", "not an address", &ContactFields::default(), now)
                .is_err()
        );
        assert_eq!(
            r.create_contact("nope", "a@example.com", &ContactFields::default(), now)
                .unwrap_err()
                .code(),
            "NotFoundException"
        );
    }
}
