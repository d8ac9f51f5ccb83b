//! The `Subscription` event: a contact of a message's list changed its preferences through
//! the message's unsubscribe link (SES Developer Guide, "Contents of event data": the
//! subscription object).

use jiff::Timestamp;
use serde_json::Value;

use super::{EventRecord, EventType, RawJson, event_json, mail_object, record};
use crate::model::State;
use crate::model::sending::SentMessage;

/// The event for the destinations of `m`'s set that take it (none: not published);
/// `subscription` is the event's own object (`contactList`, `timestamp`, `source`,
/// `newTopicPreferences`, `oldTopicPreferences`).
pub fn subscription_event(
    s: &State,
    m: &SentMessage,
    subscription: Value,
    now: Timestamp,
) -> Option<EventRecord> {
    let set = m.configuration_set.as_deref()?;
    let region = s.region(&m.region);
    let mail = RawJson::of(&mail_object(s, m));
    record(
        region,
        &m.region,
        set,
        &m.pool,
        EventType::Subscription,
        &m.message_id,
        s.date,
        now,
        || {
            event_json(
                EventType::Subscription,
                &mail,
                None,
                "subscription",
                subscription,
            )
        },
    )
}
