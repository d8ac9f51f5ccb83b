//! Event destinations of a configuration set, rules V1–V9 (`ses-rules.md`): where SES
//! publishes the events of the mail a set sends (SNS, Firehose, CloudWatch, EventBridge,
//! Pinpoint). Kept in the set (`ConfigSet::event_destinations`), by name.

use serde::{Deserialize, Serialize};

use super::config_set::not_found as set_not_found;
use super::names::{check_config_set_name, is_simple_name};
use super::{Region, State};
use crate::error::{Error, Result};

/// V8: SES's quota of event destinations per configuration set (Quotas).
pub const DESTINATIONS_PER_SET: usize = 10;
/// V5: SES's quota of dimensions per CloudWatch event destination (Quotas).
pub const DIMENSIONS_PER_DESTINATION: usize = 10;

/// An email sending event type, as botocore's `EventType` enum spells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum EventType {
    Send,
    Reject,
    Bounce,
    Complaint,
    Delivery,
    Open,
    Click,
    RenderingFailure,
    DeliveryDelay,
    Subscription,
}

impl EventType {
    pub const ALL: [EventType; 10] = [
        EventType::Send,
        EventType::Reject,
        EventType::Bounce,
        EventType::Complaint,
        EventType::Delivery,
        EventType::Open,
        EventType::Click,
        EventType::RenderingFailure,
        EventType::DeliveryDelay,
        EventType::Subscription,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            EventType::Send => "SEND",
            EventType::Reject => "REJECT",
            EventType::Bounce => "BOUNCE",
            EventType::Complaint => "COMPLAINT",
            EventType::Delivery => "DELIVERY",
            EventType::Open => "OPEN",
            EventType::Click => "CLICK",
            EventType::RenderingFailure => "RENDERING_FAILURE",
            EventType::DeliveryDelay => "DELIVERY_DELAY",
            EventType::Subscription => "SUBSCRIPTION",
        }
    }
}

/// V2: the exact text, as SES takes it.
impl std::str::FromStr for EventType {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        EventType::ALL
            .into_iter()
            .find(|t| t.as_str() == s)
            .ok_or_else(|| {
                Error::bad_request(format!(
                    "Invalid MatchingEventTypes value '{s}': use {}.",
                    EventType::ALL.map(EventType::as_str).join(", ")
                ))
            })
    }
}

/// botocore's `SnsDestination`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SnsDestination {
    pub topic_arn: String,
}

/// botocore's `KinesisFirehoseDestination`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct FirehoseDestination {
    pub iam_role_arn: String,
    pub delivery_stream_arn: String,
}

/// botocore's `CloudWatchDimensionConfiguration`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Dimension {
    pub dimension_name: String,
    pub dimension_value_source: String,
    pub default_dimension_value: String,
}

/// botocore's `CloudWatchDestination`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CloudWatchDestination {
    pub dimension_configurations: Vec<Dimension>,
}

/// botocore's `EventBridgeDestination`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct EventBridgeDestination {
    pub event_bus_arn: String,
}

/// botocore's `PinpointDestination`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PinpointDestination {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub application_arn: Option<String>,
}

/// An event destination as stored, and as botocore's `EventDestinationDefinition` (and,
/// with its name, `EventDestination`) spells it: exactly one destination member is set (V3).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct EventDestination {
    /// SES publishes to a destination only while it is enabled; absent is false.
    #[serde(default)]
    pub enabled: bool,
    pub matching_event_types: Vec<EventType>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sns_destination: Option<SnsDestination>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kinesis_firehose_destination: Option<FirehoseDestination>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cloud_watch_destination: Option<CloudWatchDestination>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event_bridge_destination: Option<EventBridgeDestination>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pinpoint_destination: Option<PinpointDestination>,
}

/// A definition as a request gives it, before its rules are checked: event types as text.
#[derive(Debug, Clone, Default)]
pub struct Definition {
    pub enabled: Option<bool>,
    pub matching_event_types: Option<Vec<String>>,
    pub sns: Option<SnsDestination>,
    pub firehose: Option<FirehoseDestination>,
    pub cloud_watch: Option<CloudWatchDestination>,
    pub event_bridge: Option<EventBridgeDestination>,
    pub pinpoint: Option<PinpointDestination>,
}

/// V1: 1–64 characters from `A-Z a-z 0-9 _ -`.
pub fn check_name(name: &str) -> Result<()> {
    if is_simple_name(name, 64) {
        Ok(())
    } else {
        Err(Error::bad_request(format!(
            "Invalid event destination name '{name}': a name has 1 to 64 characters from A-Z, a-z, 0-9, _ and -."
        )))
    }
}

/// V9, in SES's words: "No EventDestination found for <set>" (the recorded AWS answer of
/// LocalStack's `test_deleting_non_existent_configuration_set_event_destination`), which names
/// the set, not the destination.
fn not_found(set: &str, name: &str) -> Error {
    Error::not_found(format!("No EventDestination found for {set}"))
        .about(crate::error::About::EventDestination)
        .hint(format!(
            "{name} is not among the set's destinations; list them with: sesm config-set event-destination list {set}"
        ))
}

/// V4: an ARN of `service` whose resource matches `resource`: `arn:PARTITION:SERVICE:REGION:
/// ACCOUNT:RESOURCE`, partition `aws`, `aws-cn` or `aws-us-gov`, a 12-digit account, a region
/// unless the service is global (IAM).
fn check_arn(
    arn: &str,
    member: &str,
    service: &str,
    resource: fn(&str) -> bool,
    want: &str,
) -> Result<()> {
    let bad = || {
        Error::bad_request(format!(
            "Invalid {member} '{arn}': expected an ARN like {want}."
        ))
    };
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    let [prefix, partition, svc, region, account, res] = parts[..] else {
        return Err(bad());
    };
    let global = service == "iam";
    let region_ok = if global {
        region.is_empty()
    } else {
        super::names::is_region(region)
    };
    if prefix != "arn"
        || !["aws", "aws-cn", "aws-us-gov"].contains(&partition)
        || svc != service
        || !region_ok
        || account.len() != 12
        || !account.bytes().all(|b| b.is_ascii_digit())
        || !resource(res)
    {
        return Err(bad());
    }
    Ok(())
}

/// V4: an SNS topic ARN.
pub fn check_topic_arn(arn: &str) -> Result<()> {
    check_arn(
        arn,
        "TopicArn",
        "sns",
        |r| named(r, ""),
        "arn:aws:sns:us-east-1:123456789012:my-topic",
    )
}

/// A resource name after its `prefix`: 1–256 characters, no spaces or control characters.
fn named(res: &str, prefix: &str) -> bool {
    res.strip_prefix(prefix).is_some_and(|n| {
        (1..=256).contains(&n.len()) && n.chars().all(|c| !c.is_whitespace() && !c.is_control())
    })
}

/// V5: a CloudWatch dimension name (ASCII letters, digits, `_`, `-` and `:`, at most 256: the
/// SES v1 API reference's `CloudWatchDimensionConfiguration`, and the guide names dimensions
/// after auto-tags such as `ses:configuration-set`) and default value (letters, digits, `_`,
/// `-`, `@`, `.`), and a value source of the model's enum.
fn check_dimension(d: &Dimension) -> Result<()> {
    let name = &d.dimension_name;
    let name_ok = (1..=256).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"_-:".contains(&b));
    if !name_ok {
        return Err(Error::bad_request(format!(
            "Invalid DimensionName '{name}': 1 to 256 characters from A-Z, a-z, 0-9, _, - and :."
        )));
    }
    let value = &d.default_dimension_value;
    let value_ok = (1..=256).contains(&value.len())
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"_-@.".contains(&b));
    if !value_ok {
        return Err(Error::bad_request(format!(
            "Invalid DefaultDimensionValue '{value}': 1 to 256 characters from A-Z, a-z, 0-9, _, -, @ and ."
        )));
    }
    const SOURCES: [&str; 3] = ["MESSAGE_TAG", "EMAIL_HEADER", "LINK_TAG"];
    if !SOURCES.contains(&d.dimension_value_source.as_str()) {
        return Err(Error::bad_request(format!(
            "Invalid DimensionValueSource '{}': use {}.",
            d.dimension_value_source,
            SOURCES.join(", ")
        )));
    }
    Ok(())
}

impl Definition {
    /// The definition of a stored destination (to check a state file with the same rules).
    pub fn of(d: &EventDestination) -> Definition {
        Definition {
            enabled: Some(d.enabled),
            matching_event_types: Some(
                d.matching_event_types
                    .iter()
                    .map(|t| t.as_str().to_string())
                    .collect(),
            ),
            sns: d.sns_destination.clone(),
            firehose: d.kinesis_firehose_destination.clone(),
            cloud_watch: d.cloud_watch_destination.clone(),
            event_bridge: d.event_bridge_destination.clone(),
            pinpoint: d.pinpoint_destination.clone(),
        }
    }

    /// V2–V5: the destination this definition describes.
    pub fn check(self) -> Result<EventDestination> {
        let types = self.matching_event_types.unwrap_or_default();
        if types.is_empty() {
            return Err(Error::bad_request(
                "MatchingEventTypes is required: name at least one event type.",
            ));
        }
        let mut matching: Vec<EventType> = Vec::with_capacity(types.len());
        for t in &types {
            let t: EventType = t.parse().map_err(|_| {
                super::rules::enum_list_error(
                    &types,
                    "eventDestination.matchingEventTypes",
                    &EventType::ALL.map(EventType::as_str),
                )
            })?;
            // A type named twice is one type (Terraform keeps them as a set).
            if !matching.contains(&t) {
                matching.push(t);
            }
        }
        let kinds = [
            self.sns.is_some(),
            self.firehose.is_some(),
            self.cloud_watch.is_some(),
            self.event_bridge.is_some(),
            self.pinpoint.is_some(),
        ];
        if kinds.iter().filter(|k| **k).count() != 1 {
            return Err(Error::bad_request(
                "An event destination needs exactly one of SnsDestination, KinesisFirehoseDestination, CloudWatchDestination, EventBridgeDestination and PinpointDestination.",
            ));
        }
        if let Some(s) = &self.sns {
            check_topic_arn(&s.topic_arn)?;
        }
        if let Some(f) = &self.firehose {
            check_arn(
                &f.iam_role_arn,
                "IamRoleArn",
                "iam",
                |r| named(r, "role/"),
                "arn:aws:iam::123456789012:role/my-role",
            )?;
            check_arn(
                &f.delivery_stream_arn,
                "DeliveryStreamArn",
                "firehose",
                |r| named(r, "deliverystream/"),
                "arn:aws:firehose:us-east-1:123456789012:deliverystream/my-stream",
            )?;
        }
        if let Some(c) = &self.cloud_watch {
            if c.dimension_configurations.is_empty() {
                return Err(Error::bad_request(
                    "CloudWatchDestination needs at least one DimensionConfigurations entry.",
                ));
            }
            if c.dimension_configurations.len() > DIMENSIONS_PER_DESTINATION {
                return Err(Error::limit_exceeded(format!(
                    "A CloudWatch destination has at most {DIMENSIONS_PER_DESTINATION} dimensions, not {}.",
                    c.dimension_configurations.len()
                )));
            }
            for d in &c.dimension_configurations {
                check_dimension(d)?;
            }
        }
        if let Some(e) = &self.event_bridge {
            // "Only the default bus is supported." (the model's EventBridgeDestination)
            check_arn(
                &e.event_bus_arn,
                "EventBusArn",
                "events",
                |r| r == "event-bus/default",
                "arn:aws:events:us-east-1:123456789012:event-bus/default",
            )?;
        }
        if let Some(p) = &self.pinpoint
            && let Some(arn) = &p.application_arn
        {
            check_arn(
                arn,
                "ApplicationArn",
                "mobiletargeting",
                |r| named(r, "apps/"),
                "arn:aws:mobiletargeting:us-east-1:123456789012:apps/0123456789abcdef",
            )?;
        }
        Ok(EventDestination {
            enabled: self.enabled.unwrap_or(false),
            matching_event_types: matching,
            sns_destination: self.sns,
            kinesis_firehose_destination: self.firehose,
            cloud_watch_destination: self.cloud_watch,
            event_bridge_destination: self.event_bridge,
            pinpoint_destination: self.pinpoint,
        })
    }
}

impl Region {
    /// V1–V8: adds an event destination to a configuration set.
    pub fn create_event_destination(
        &mut self,
        set: &str,
        name: &str,
        def: Definition,
    ) -> Result<()> {
        check_config_set_name(set)?;
        check_name(name)?;
        let dest = def.check()?;
        let cs = self.existing_config_set(set)?;
        if cs.event_destinations.contains_key(name) {
            return Err(Error::already_exists(format!(
                "Event destination {name} already exists in configuration set {set}."
            ))
            .about(crate::error::About::EventDestination));
        }
        if cs.event_destinations.len() >= DESTINATIONS_PER_SET {
            return Err(Error::limit_exceeded(format!(
                "Configuration set {set} already has the maximum of {DESTINATIONS_PER_SET} event destinations."
            )));
        }
        self.configuration_sets.update(set, |cs| {
            cs.event_destinations.insert(name.to_string(), dest)
        })?;
        Ok(())
    }

    /// V6: a configuration set's event destinations, sorted by name.
    pub fn event_destinations(&self, set: &str) -> Result<Vec<(String, EventDestination)>> {
        let cs = self.existing_config_set(set)?;
        Ok(cs.event_destinations.into_iter().collect())
    }

    /// V1–V6, V9: replaces an event destination's definition.
    pub fn update_event_destination(
        &mut self,
        set: &str,
        name: &str,
        def: Definition,
    ) -> Result<()> {
        check_config_set_name(set)?;
        check_name(name)?;
        let dest = def.check()?;
        let cs = self.existing_config_set(set)?;
        if !cs.event_destinations.contains_key(name) {
            return Err(not_found(set, name));
        }
        self.configuration_sets.update(set, |cs| {
            cs.event_destinations.insert(name.to_string(), dest)
        })?;
        Ok(())
    }

    /// V1, V6, V9: removes an event destination; returns it.
    pub fn delete_event_destination(&mut self, set: &str, name: &str) -> Result<EventDestination> {
        check_config_set_name(set)?;
        check_name(name)?;
        let cs = self.existing_config_set(set)?;
        if !cs.event_destinations.contains_key(name) {
            return Err(not_found(set, name));
        }
        let removed = self
            .configuration_sets
            .update(set, |cs| cs.event_destinations.remove(name))?;
        removed.flatten().ok_or_else(|| set_not_found(set))
    }
}

impl State {
    /// The enabled event destinations of a configuration set that publish `event`: what the
    /// event generator asks for each event of a message sent through the set.
    pub fn destinations_for(
        &self,
        region: &str,
        set: &str,
        event: EventType,
    ) -> Result<Vec<(String, EventDestination)>> {
        let Some(cs) = self.region(region).configuration_sets.entry(set)? else {
            return Ok(Vec::new());
        };
        Ok(cs
            .event_destinations
            .into_iter()
            .filter(|(_, d)| d.enabled && d.matching_event_types.contains(&event))
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sns(arn: &str) -> Definition {
        Definition {
            matching_event_types: Some(vec!["SEND".into(), "BOUNCE".into()]),
            sns: Some(SnsDestination {
                topic_arn: arn.into(),
            }),
            ..Definition::default()
        }
    }

    #[test]
    fn arns_are_checked() {
        assert!(
            sns("arn:aws:sns:eu-west-1:123456789012:events")
                .check()
                .is_ok()
        );
        for bad in [
            "",
            "arn:aws:sns:eu-west-1:1234:events",
            "arn:aws:sqs:eu-west-1:123456789012:events",
            "arn:aws:sns::123456789012:events",
            "arn:aws:sns:eu-west-1:123456789012:",
            "arn:aws:sns:eu-west-1:123456789012:has space",
        ] {
            assert!(sns(bad).check().is_err(), "{bad}");
        }
    }

    #[test]
    fn exactly_one_kind_and_known_types() {
        let mut two = sns("arn:aws:sns:eu-west-1:123456789012:events");
        two.pinpoint = Some(PinpointDestination {
            application_arn: None,
        });
        assert!(two.check().is_err());
        let none = Definition {
            matching_event_types: Some(vec!["SEND".into()]),
            ..Definition::default()
        };
        assert!(none.check().is_err());
        let mut bad_type = sns("arn:aws:sns:eu-west-1:123456789012:events");
        bad_type.matching_event_types = Some(vec!["send".into()]);
        assert!(bad_type.check().is_err());
    }
}
