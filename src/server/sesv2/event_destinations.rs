//! Event destinations of a configuration set: CreateConfigurationSetEventDestination,
//! GetConfigurationSetEventDestinations, UpdateConfigurationSetEventDestination,
//! DeleteConfigurationSetEventDestination.

use super::shapes::{
    CreateConfigurationSetEventDestinationBody, EventDestination, EventDestinationDefinition,
    GetConfigurationSetEventDestinationsResponse, UpdateConfigurationSetEventDestinationBody,
};
use super::{Call, empty, reshape, spelled};
use crate::error::Result;
use crate::ops::event_destination as e;
use crate::server::api::Api;
use crate::server::http::{Response, json};

pub fn create(api: &Api, c: &Call) -> Result<Response> {
    let b: CreateConfigurationSetEventDestinationBody = c.body()?;
    let name = b.event_destination_name.unwrap_or_default();
    let def = definition(b.event_destination.unwrap_or_default());
    let set = c.label("ConfigurationSetName");
    api.write(|s| e::create(s, &c.region, &set, &name, def))?;
    Ok(empty())
}

pub fn list(api: &Api, c: &Call) -> Result<Response> {
    let set = c.label("ConfigurationSetName");
    let l = api.read(|s| e::list(s, &c.region, &set))?;
    let destinations = l
        .event_destinations
        .into_iter()
        .map(|n| {
            let d = n.destination;
            Ok(EventDestination {
                name: Some(n.name),
                enabled: Some(d.enabled),
                matching_event_types: Some(d.matching_event_types.iter().map(spelled).collect()),
                kinesis_firehose_destination: d
                    .kinesis_firehose_destination
                    .as_ref()
                    .map(reshape)
                    .transpose()?,
                cloud_watch_destination: d
                    .cloud_watch_destination
                    .as_ref()
                    .map(reshape)
                    .transpose()?,
                sns_destination: d.sns_destination.as_ref().map(reshape).transpose()?,
                event_bridge_destination: d
                    .event_bridge_destination
                    .as_ref()
                    .map(reshape)
                    .transpose()?,
                pinpoint_destination: d.pinpoint_destination.as_ref().map(reshape).transpose()?,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(json(&GetConfigurationSetEventDestinationsResponse {
        event_destinations: Some(destinations),
    }))
}

pub fn update(api: &Api, c: &Call) -> Result<Response> {
    let b: UpdateConfigurationSetEventDestinationBody = c.body()?;
    let def = definition(b.event_destination.unwrap_or_default());
    let set = c.label("ConfigurationSetName");
    let name = c.label("EventDestinationName");
    api.write(|s| e::update(s, &c.region, &set, &name, def))?;
    Ok(empty())
}

pub fn delete(api: &Api, c: &Call) -> Result<Response> {
    let set = c.label("ConfigurationSetName");
    let name = c.label("EventDestinationName");
    api.write(|s| e::delete(s, &c.region, &set, &name))?;
    Ok(empty())
}

/// An `EventDestinationDefinition` as the model's rules take it (V2–V5 are checked there).
fn definition(d: EventDestinationDefinition) -> e::Definition {
    e::Definition {
        enabled: d.enabled,
        matching_event_types: d.matching_event_types,
        sns: d.sns_destination.map(|s| e::SnsDestination {
            topic_arn: s.topic_arn.unwrap_or_default(),
        }),
        firehose: d
            .kinesis_firehose_destination
            .map(|f| e::FirehoseDestination {
                iam_role_arn: f.iam_role_arn.unwrap_or_default(),
                delivery_stream_arn: f.delivery_stream_arn.unwrap_or_default(),
            }),
        cloud_watch: d.cloud_watch_destination.map(|c| e::CloudWatchDestination {
            dimension_configurations: c
                .dimension_configurations
                .unwrap_or_default()
                .into_iter()
                .map(|d| e::Dimension {
                    dimension_name: d.dimension_name.unwrap_or_default(),
                    dimension_value_source: d.dimension_value_source.unwrap_or_default(),
                    default_dimension_value: d.default_dimension_value.unwrap_or_default(),
                })
                .collect(),
        }),
        event_bridge: d
            .event_bridge_destination
            .map(|b| e::EventBridgeDestination {
                event_bus_arn: b.event_bus_arn.unwrap_or_default(),
            }),
        pinpoint: d.pinpoint_destination.map(|p| e::PinpointDestination {
            application_arn: p.application_arn,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::Door;
    use serde_json::json;

    #[test]
    fn destinations_are_created_listed_updated_and_deleted() {
        let door = Door::new();
        let sets = "/v2/email/configuration-sets";
        assert_eq!(
            door.call("POST", sets, r#"{"ConfigurationSetName":"cs"}"#)
                .0,
            200
        );
        let path = format!("{sets}/cs/event-destinations");
        let body = json!({
            "EventDestinationName": "d1",
            "EventDestination": {
                "Enabled": true,
                "MatchingEventTypes": ["SEND", "DELIVERY"],
                "SnsDestination": {"TopicArn": "arn:aws:sns:us-east-1:123456789012:t"},
            },
        });
        assert_eq!(door.call("POST", &path, &body.to_string()).0, 200);
        let (s, v) = door.call("GET", &path, "");
        assert_eq!(s, 200);
        assert_eq!(
            v,
            json!({"EventDestinations": [{
                "Name": "d1",
                "Enabled": true,
                "MatchingEventTypes": ["SEND", "DELIVERY"],
                "SnsDestination": {"TopicArn": "arn:aws:sns:us-east-1:123456789012:t"},
            }]})
        );
        door.refused(
            "POST",
            &path,
            &body.to_string(),
            400,
            "AlreadyExistsException",
        );
        let update = json!({"EventDestination": {"MatchingEventTypes": ["BOUNCE"],
            "CloudWatchDestination": {"DimensionConfigurations": [{"DimensionName": "d",
            "DimensionValueSource": "MESSAGE_TAG", "DefaultDimensionValue": "x"}]}}});
        assert_eq!(
            door.call("PUT", &format!("{path}/d1"), &update.to_string())
                .0,
            200
        );
        let (_, v) = door.call("GET", &path, "");
        let d = &v["EventDestinations"][0];
        assert_eq!(d["Enabled"], false);
        assert_eq!(
            d["CloudWatchDestination"]["DimensionConfigurations"][0]["DimensionName"],
            "d"
        );
        let bad = json!({"EventDestinationName": "d2", "EventDestination": {"MatchingEventTypes": ["NOPE"]}});
        door.refused("POST", &path, &bad.to_string(), 400, "BadRequestException");
        assert_eq!(door.call("DELETE", &format!("{path}/d1"), "").0, 200);
        door.refused(
            "DELETE",
            &format!("{path}/d1"),
            "",
            404,
            "NotFoundException",
        );
        door.refused(
            "GET",
            &format!("{sets}/nope/event-destinations"),
            "",
            404,
            "NotFoundException",
        );
    }
}
