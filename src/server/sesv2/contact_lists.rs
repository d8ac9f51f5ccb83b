//! List management: CreateContactList, GetContactList, ListContactLists, UpdateContactList,
//! DeleteContactList, CreateContact, GetContact, ListContacts, UpdateContact, DeleteContact.

use super::shapes::{
    Contact, ContactList, CreateContactBody, CreateContactListBody, GetContactListResponse,
    GetContactResponse, ListContactListsResponse, ListContactsBody, ListContactsResponse, Topic,
    TopicPreference, UpdateContactBody, UpdateContactListBody,
};
use super::wire::Epoch;
use super::{Call, empty, tag_pairs, tag_shapes};
use crate::error::{Error, Result};
use crate::model::contact_list::{self as model, ContactFields, ContactFilter, Status};
use crate::ops;
use crate::ops::Paging;
use crate::server::api::Api;
use crate::server::http::{Response, json};

/// botocore's `Topic`s as the model's (L2: each with its name, display name and default).
fn topics(given: Option<Vec<Topic>>) -> Result<Vec<model::Topic>> {
    given
        .unwrap_or_default()
        .into_iter()
        .map(|t| {
            let name = t
                .topic_name
                .ok_or_else(|| Error::bad_request("Topics.TopicName is required."))?;
            Ok(model::Topic {
                display_name: t
                    .display_name
                    .ok_or_else(|| Error::bad_request("Topics.DisplayName is required."))?,
                description: t.description,
                default_subscription_status: Status::parse(
                    t.default_subscription_status.as_deref().unwrap_or_default(),
                    "topics.member.defaultSubscriptionStatus",
                )?,
                topic_name: name,
            })
        })
        .collect()
}

fn topic_shapes(topics: &[model::Topic]) -> Vec<Topic> {
    topics
        .iter()
        .map(|t| Topic {
            topic_name: Some(t.topic_name.clone()),
            display_name: Some(t.display_name.clone()),
            description: t.description.clone(),
            default_subscription_status: Some(t.default_subscription_status.as_str().into()),
        })
        .collect()
}

fn fields(
    prefs: Option<Vec<TopicPreference>>,
    unsubscribe_all: Option<bool>,
    data: Option<String>,
) -> ContactFields {
    ContactFields {
        topic_preferences: prefs
            .unwrap_or_default()
            .into_iter()
            .map(|p| {
                (
                    p.topic_name.unwrap_or_default(),
                    p.subscription_status.unwrap_or_default(),
                )
            })
            .collect(),
        unsubscribe_all,
        attributes_data: data,
    }
}

/// A contact's own preferences, and its list's defaults, as `TopicPreference`s.
fn preferences(
    list: &model::ContactList,
    c: &model::Contact,
) -> (Vec<TopicPreference>, Vec<TopicPreference>) {
    let own = c
        .topic_preferences
        .iter()
        .map(|(t, s)| TopicPreference {
            topic_name: Some(t.clone()),
            subscription_status: Some(s.as_str().into()),
        })
        .collect();
    let defaults = list
        .topics
        .iter()
        .map(|t| TopicPreference {
            topic_name: Some(t.topic_name.clone()),
            subscription_status: Some(t.default_subscription_status.as_str().into()),
        })
        .collect();
    (own, defaults)
}

pub fn create_list(api: &Api, c: &Call) -> Result<Response> {
    let b: CreateContactListBody = c.body()?;
    let name = b.contact_list_name.unwrap_or_default();
    let topics = topics(b.topics)?;
    let tags = tag_pairs(b.tags);
    let now = jiff::Timestamp::now();
    api.write(|s| {
        ops::contact_list::create_list(s, &c.region, &name, b.description, topics, &tags, now)
    })?;
    Ok(empty())
}

pub fn get_list(api: &Api, c: &Call) -> Result<Response> {
    let name = c.label("ContactListName");
    let l = api.read(|s| ops::contact_list::get_list(s, &c.region, &name))?;
    Ok(json(&GetContactListResponse {
        contact_list_name: Some(name),
        topics: Some(topic_shapes(&l.topics)),
        description: l.description,
        created_timestamp: Some(Epoch(l.created)),
        last_updated_timestamp: Some(Epoch(l.last_updated)),
        tags: Some(tag_shapes(ops::shapes::tags(&l.tags))),
    }))
}

pub fn list_lists(api: &Api, c: &Call) -> Result<Response> {
    let paging = c.query_paging()?;
    let (lists, next) = api.read(|s| ops::contact_list::list_lists(s, &c.region, &paging))?;
    Ok(json(&ListContactListsResponse {
        contact_lists: Some(
            lists
                .into_iter()
                .map(|(name, at)| ContactList {
                    contact_list_name: Some(name),
                    last_updated_timestamp: Some(Epoch(at)),
                })
                .collect(),
        ),
        next_token: next,
    }))
}

pub fn update_list(api: &Api, c: &Call) -> Result<Response> {
    let b: UpdateContactListBody = c.body()?;
    let topics = topics(b.topics)?;
    let name = c.label("ContactListName");
    let now = jiff::Timestamp::now();
    api.write(|s| ops::contact_list::update_list(s, &c.region, &name, b.description, topics, now))?;
    Ok(empty())
}

pub fn delete_list(api: &Api, c: &Call) -> Result<Response> {
    let name = c.label("ContactListName");
    api.write(|s| ops::contact_list::delete_list(s, &c.region, &name))?;
    Ok(empty())
}

pub fn create_contact(api: &Api, c: &Call) -> Result<Response> {
    let b: CreateContactBody = c.body()?;
    let list = c.label("ContactListName");
    let address = b.email_address.clone().unwrap_or_default();
    let f = fields(b.topic_preferences, b.unsubscribe_all, b.attributes_data);
    let now = jiff::Timestamp::now();
    api.write(|s| ops::contact_list::create_contact(s, &c.region, &list, &address, &f, now))?;
    Ok(empty())
}

pub fn get_contact(api: &Api, c: &Call) -> Result<Response> {
    let list = c.label("ContactListName");
    let address = c.label("EmailAddress");
    let (l, contact) =
        api.read(|s| ops::contact_list::get_contact(s, &c.region, &list, &address))?;
    let (own, defaults) = preferences(&l, &contact);
    Ok(json(&GetContactResponse {
        contact_list_name: Some(list),
        email_address: Some(model::contact_key(&address)),
        topic_preferences: Some(own),
        topic_default_preferences: Some(defaults),
        unsubscribe_all: Some(contact.unsubscribe_all),
        attributes_data: contact.attributes_data,
        created_timestamp: Some(Epoch(contact.created)),
        last_updated_timestamp: Some(Epoch(contact.last_updated)),
    }))
}

pub fn list_contacts(api: &Api, c: &Call) -> Result<Response> {
    let b: ListContactsBody = c.body()?;
    let list = c.label("ContactListName");
    let f = b.filter.unwrap_or_default();
    let filter = ContactFilter {
        status: f
            .filtered_status
            .as_deref()
            .map(|s| Status::parse(s, "filter.filteredStatus"))
            .transpose()?,
        topic: f.topic_filter.as_ref().and_then(|t| t.topic_name.clone()),
        use_default: f
            .topic_filter
            .and_then(|t| t.use_default_if_preference_unavailable)
            .unwrap_or(false),
    };
    let paging = Paging {
        next_token: b.next_token,
        page_size: b.page_size,
    };
    let (l, (contacts, next)) =
        api.read(|s| ops::contact_list::list_contacts(s, &c.region, &list, &filter, &paging))?;
    Ok(json(&ListContactsResponse {
        contacts: Some(
            contacts
                .into_iter()
                .map(|(address, contact)| {
                    let (own, defaults) = preferences(&l, &contact);
                    Contact {
                        email_address: Some(address),
                        topic_preferences: Some(own),
                        topic_default_preferences: Some(defaults),
                        unsubscribe_all: Some(contact.unsubscribe_all),
                        last_updated_timestamp: Some(Epoch(contact.last_updated)),
                    }
                })
                .collect(),
        ),
        next_token: next,
    }))
}

pub fn update_contact(api: &Api, c: &Call) -> Result<Response> {
    let b: UpdateContactBody = c.body()?;
    let list = c.label("ContactListName");
    let address = c.label("EmailAddress");
    let f = fields(b.topic_preferences, b.unsubscribe_all, b.attributes_data);
    let now = jiff::Timestamp::now();
    api.write(|s| ops::contact_list::update_contact(s, &c.region, &list, &address, &f, now))?;
    Ok(empty())
}

pub fn delete_contact(api: &Api, c: &Call) -> Result<Response> {
    let list = c.label("ContactListName");
    let address = c.label("EmailAddress");
    api.write(|s| ops::contact_list::delete_contact(s, &c.region, &list, &address))?;
    Ok(empty())
}

#[cfg(test)]
mod tests {
    use super::super::testing::Door;
    use serde_json::json;

    const LISTS: &str = "/v2/email/contact-lists";

    #[test]
    fn a_list_its_topics_and_contacts() {
        let door = Door::new();
        let list = json!({"ContactListName": "news", "Description": "weekly",
            "Topics": [{"TopicName": "sports", "DisplayName": "Sports", "DefaultSubscriptionStatus": "OPT_IN"},
                       {"TopicName": "cycling", "DisplayName": "Cycling", "DefaultSubscriptionStatus": "OPT_OUT"}],
            "Tags": [{"Key": "team", "Value": "growth"}]});
        assert_eq!(door.call("POST", LISTS, &list.to_string()).0, 200);
        let msg = door.refused(
            "POST",
            LISTS,
            &json!({"ContactListName": "other"}).to_string(),
            400,
            "LimitExceededException",
        );
        assert!(msg.contains("at most 1 contact list"), "{msg}");
        door.refused(
            "POST",
            LISTS,
            &list.to_string(),
            400,
            "AlreadyExistsException",
        );
        let (_, v) = door.call("GET", &format!("{LISTS}/news"), "");
        assert_eq!(v["Topics"][1]["DefaultSubscriptionStatus"], "OPT_OUT");
        assert_eq!(v["Tags"], json!([{"Key": "team", "Value": "growth"}]));
        assert!(v["CreatedTimestamp"].is_number());
        let (_, v) = door.call("GET", LISTS, "");
        assert_eq!(v["ContactLists"][0]["ContactListName"], "news");
        let contact = json!({"EmailAddress": "Ann@Example.com",
            "TopicPreferences": [{"TopicName": "cycling", "SubscriptionStatus": "OPT_IN"}],
            "AttributesData": "{\"name\":\"Ann\"}"});
        assert_eq!(
            door.call(
                "POST",
                &format!("{LISTS}/news/contacts"),
                &contact.to_string()
            )
            .0,
            200
        );
        door.refused(
            "POST",
            &format!("{LISTS}/news/contacts"),
            &contact.to_string(),
            400,
            "AlreadyExistsException",
        );
        let bad = json!({"EmailAddress": "b@example.com", "TopicPreferences": [{"TopicName": "nope", "SubscriptionStatus": "OPT_IN"}]});
        door.refused(
            "POST",
            &format!("{LISTS}/news/contacts"),
            &bad.to_string(),
            400,
            "BadRequestException",
        );
        let (_, v) = door.call(
            "GET",
            &format!("{LISTS}/news/contacts/Ann%40example.com"),
            "",
        );
        assert_eq!(
            v["TopicPreferences"],
            json!([{"TopicName": "cycling", "SubscriptionStatus": "OPT_IN"}])
        );
        assert_eq!(v["TopicDefaultPreferences"].as_array().unwrap().len(), 2);
        assert_eq!(v["AttributesData"], "{\"name\":\"Ann\"}");
        let filter = json!({"Filter": {"FilteredStatus": "OPT_OUT", "TopicFilter": {"TopicName": "cycling", "UseDefaultIfPreferenceUnavailable": true}}});
        let (_, v) = door.call(
            "POST",
            &format!("{LISTS}/news/contacts/list"),
            &filter.to_string(),
        );
        assert_eq!(v["Contacts"], json!([]));
        let update = json!({"UnsubscribeAll": true});
        assert_eq!(
            door.call(
                "PUT",
                &format!("{LISTS}/news/contacts/Ann%40example.com"),
                &update.to_string()
            )
            .0,
            200
        );
        let (_, v) = door.call(
            "POST",
            &format!("{LISTS}/news/contacts/list"),
            &filter.to_string(),
        );
        assert_eq!(v["Contacts"][0]["EmailAddress"], "Ann@example.com");
        assert_eq!(
            door.call(
                "DELETE",
                &format!("{LISTS}/news/contacts/Ann%40example.com"),
                ""
            )
            .0,
            200
        );
        door.refused(
            "GET",
            &format!("{LISTS}/news/contacts/Ann%40example.com"),
            "",
            404,
            "NotFoundException",
        );
        let update = json!({"Description": "daily", "Topics": []});
        assert_eq!(
            door.call("PUT", &format!("{LISTS}/news"), &update.to_string())
                .0,
            200
        );
        assert_eq!(door.call("DELETE", &format!("{LISTS}/news"), "").0, 200);
        let msg = door.refused(
            "GET",
            &format!("{LISTS}/news"),
            "",
            404,
            "NotFoundException",
        );
        assert_eq!(msg, "List with name: news doesn't exist.");
    }
}
