//! SNS over HTTP (`model::sns`): `sesm events subscribe`, the subscriptions, their
//! confirmation and removal (the URLs SNS puts in its messages), and Publish, which queues
//! one notification per subscription of a topic for `sesm serve` to post.

use jiff::Timestamp;
use serde::Serialize;

use crate::error::Result;
use crate::model::State;
pub use crate::model::sns::{Queued, Subscription};

/// A subscription as the command line and the endpoint show it.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct SubscriptionView {
    pub subscription_arn: String,
    pub topic_arn: String,
    pub protocol: &'static str,
    pub endpoint: String,
    /// `true` until the endpoint fetched the confirmation's `SubscribeURL`.
    pub pending_confirmation: bool,
    #[serde(skip)]
    pub created: bool,
}

impl From<&Subscription> for SubscriptionView {
    fn from(s: &Subscription) -> Self {
        SubscriptionView {
            subscription_arn: s.subscription_arn.clone(),
            topic_arn: s.topic_arn.clone(),
            protocol: "http",
            endpoint: s.endpoint.clone(),
            pending_confirmation: !s.confirmed,
            created: false,
        }
    }
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Subscriptions {
    pub subscriptions: Vec<SubscriptionView>,
}

/// `events subscribe`: the subscription, and its confirmation to queue (none when the pair
/// was subscribed already).
pub fn subscribe(
    s: &mut State,
    topic: &str,
    endpoint: &str,
    now: Timestamp,
) -> Result<(SubscriptionView, Vec<Queued>)> {
    let (sub, confirmation) = s.subscribe(topic, endpoint, now)?;
    let mut view = SubscriptionView::from(&sub);
    view.created = confirmation.is_some();
    Ok((view, confirmation.into_iter().collect()))
}

pub fn list(s: &State) -> Subscriptions {
    Subscriptions {
        subscriptions: s.sns_subscriptions.iter().map(Into::into).collect(),
    }
}

/// The confirmation's `SubscribeURL`.
pub fn confirm(s: &mut State, topic: &str, token: &str) -> Result<SubscriptionView> {
    Ok((&s.confirm_subscription(topic, token)?).into())
}

/// A notification's `UnsubscribeURL`.
pub fn unsubscribe(s: &mut State, arn: &str) -> Result<SubscriptionView> {
    Ok((&s.unsubscribe(arn)?).into())
}

/// What Publish queued.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Published {
    pub message_ids: Vec<String>,
}

/// SNS's Publish: one notification per subscription of the topic.
pub fn publish(
    s: &State,
    topic: &str,
    message: &str,
    subject: Option<&str>,
    now: Timestamp,
    salt: &str,
) -> Result<(Published, Vec<Queued>)> {
    let queued = s.publish(topic, message, subject, now, salt)?;
    Ok((
        Published {
            message_ids: queued.iter().map(|q| q.message_id.clone()).collect(),
        },
        queued,
    ))
}
