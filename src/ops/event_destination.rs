//! Event destinations of a configuration set: `CreateConfigurationSetEventDestination`,
//! `GetConfigurationSetEventDestinations`, `UpdateConfigurationSetEventDestination`,
//! `DeleteConfigurationSetEventDestination` (rules in `model::event`).

use serde::Serialize;

use crate::error::Result;
pub use crate::model::event::{
    CloudWatchDestination, Definition, Dimension, EventBridgeDestination, EventDestination,
    EventType, FirehoseDestination, PinpointDestination, SnsDestination,
};
use crate::model::{State, publishing};

/// One destination with its name: botocore's `EventDestination`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Named {
    pub name: String,
    #[serde(flatten)]
    pub destination: EventDestination,
}

/// GetConfigurationSetEventDestinations' output.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DestinationList {
    pub event_destinations: Vec<Named>,
}

/// What a change did, for the confirmation line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Changed {
    Created,
    Updated,
    Deleted,
}

/// A destination after (or, deleted, before) a change.
#[derive(Debug, Serialize)]
pub struct DestinationChanged {
    #[serde(flatten)]
    pub destination: Named,
    #[serde(skip)]
    pub config_set: String,
    #[serde(skip)]
    pub change: Changed,
}

fn named(s: &State, region: &str, set: &str, name: &str) -> Result<Named> {
    let destination = s
        .region(region)
        .event_destinations(set)?
        .into_iter()
        .find(|(n, _)| n == name)
        .map(|(_, d)| d)
        .unwrap_or_default();
    Ok(Named {
        name: name.to_string(),
        destination,
    })
}

/// SES validates an SNS topic as it becomes an event destination, and publishes to it that
/// it did (`publishing::topic_validation`); a destination that names no new topic publishes
/// nothing.
fn validate_topic(s: &mut State, region: &str, set: &str, d: &Named, before: Option<String>) {
    let Some(topic) = d.destination.sns_destination.as_ref().map(|t| &t.topic_arn) else {
        return;
    };
    if before.as_ref() == Some(topic) {
        return;
    }
    let record =
        publishing::topic_validation(region, set, &d.name, topic, s.date, jiff::Timestamp::now());
    s.published.0.push(record);
}

/// CreateConfigurationSetEventDestination (V1–V8).
pub fn create(
    s: &mut State,
    region: &str,
    set: &str,
    name: &str,
    def: Definition,
) -> Result<DestinationChanged> {
    s.region_mut(region)
        .create_event_destination(set, name, def)?;
    let destination = named(s, region, set, name)?;
    validate_topic(s, region, set, &destination, None);
    Ok(DestinationChanged {
        destination,
        config_set: set.to_string(),
        change: Changed::Created,
    })
}

/// GetConfigurationSetEventDestinations (V6): sorted by name.
pub fn list(s: &State, region: &str, set: &str) -> Result<DestinationList> {
    let event_destinations = s
        .region(region)
        .event_destinations(set)?
        .into_iter()
        .map(|(name, destination)| Named { name, destination })
        .collect();
    Ok(DestinationList { event_destinations })
}

/// UpdateConfigurationSetEventDestination (V1–V6, V9): replaces the definition.
pub fn update(
    s: &mut State,
    region: &str,
    set: &str,
    name: &str,
    def: Definition,
) -> Result<DestinationChanged> {
    let before = named(s, region, set, name)
        .ok()
        .and_then(|d| d.destination.sns_destination)
        .map(|t| t.topic_arn);
    s.region_mut(region)
        .update_event_destination(set, name, def)?;
    let destination = named(s, region, set, name)?;
    validate_topic(s, region, set, &destination, before);
    Ok(DestinationChanged {
        destination,
        config_set: set.to_string(),
        change: Changed::Updated,
    })
}

/// DeleteConfigurationSetEventDestination (V1, V6, V9).
pub fn delete(s: &mut State, region: &str, set: &str, name: &str) -> Result<DestinationChanged> {
    let destination = s.region_mut(region).delete_event_destination(set, name)?;
    Ok(DestinationChanged {
        destination: Named {
            name: name.to_string(),
            destination,
        },
        config_set: set.to_string(),
        change: Changed::Deleted,
    })
}
