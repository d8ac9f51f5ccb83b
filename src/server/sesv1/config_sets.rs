//! Configuration sets in v1's words: Create/Delete/Describe/ListConfigurationSets,
//! UpdateConfigurationSet…Enabled, PutConfigurationSetDeliveryOptions, and their event
//! destinations (v1's spellings: `send`, `renderingFailure`, `messageTag`).

use super::shapes::{
    CloudWatchDestination, CloudWatchDimensionConfiguration, ConfigurationSet,
    CreateConfigurationSetEventDestinationRequest, CreateConfigurationSetEventDestinationResponse,
    CreateConfigurationSetRequest, CreateConfigurationSetResponse,
    CreateConfigurationSetTrackingOptionsRequest, CreateConfigurationSetTrackingOptionsResponse,
    DeleteConfigurationSetEventDestinationRequest, DeleteConfigurationSetEventDestinationResponse,
    DeleteConfigurationSetRequest, DeleteConfigurationSetResponse,
    DeleteConfigurationSetTrackingOptionsRequest, DeleteConfigurationSetTrackingOptionsResponse,
    DeliveryOptions, DescribeConfigurationSetRequest, DescribeConfigurationSetResponse,
    EventDestination, KinesisFirehoseDestination, ListConfigurationSetsRequest,
    ListConfigurationSetsResponse, PutConfigurationSetDeliveryOptionsRequest,
    PutConfigurationSetDeliveryOptionsResponse, ReputationOptions, SNSDestination, TrackingOptions,
    UpdateConfigurationSetEventDestinationRequest, UpdateConfigurationSetEventDestinationResponse,
    UpdateConfigurationSetReputationMetricsEnabledRequest,
    UpdateConfigurationSetSendingEnabledRequest, UpdateConfigurationSetTrackingOptionsRequest,
    UpdateConfigurationSetTrackingOptionsResponse,
};
use super::{Call, all_of, one_of};
use crate::error::Result;
use crate::model::TlsPolicy;
use crate::model::config_set::{Change, DeliveryChange, NewConfigSet, OptionBlock};
use crate::model::event::{self, Definition, EventType};
use crate::ops;
use crate::ops::config_set::TrackingChange;
use crate::server::api::Api;
use crate::server::http::Response;

pub fn create(api: &Api, c: &Call) -> Result<Response> {
    let r: CreateConfigurationSetRequest = c.input()?;
    let name = r.configuration_set.and_then(|s| s.name).unwrap_or_default();
    let req = NewConfigSet {
        name,
        pool: None,
        tls_policy: None,
        max_delivery_seconds: None,
        tags: Vec::new(),
        options: Default::default(),
    };
    api.write(|s| ops::config_set::create(s, &c.region, req))?;
    c.result(&CreateConfigurationSetResponse::default())
}

pub fn delete(api: &Api, c: &Call) -> Result<Response> {
    let r: DeleteConfigurationSetRequest = c.input()?;
    let name = r.configuration_set_name.unwrap_or_default();
    api.write(|s| ops::config_set::delete(s, &c.region, &name))?;
    c.result(&DeleteConfigurationSetResponse::default())
}

pub fn describe(api: &Api, c: &Call) -> Result<Response> {
    let r: DescribeConfigurationSetRequest = c.input()?;
    let name = r.configuration_set_name.unwrap_or_default();
    let wanted = r.configuration_set_attribute_names.unwrap_or_default();
    all_of(
        &wanted,
        "configurationSetAttributeNames",
        &[
            "eventDestinations",
            "trackingOptions",
            "deliveryOptions",
            "reputationOptions",
        ],
    )?;
    let wants = |a: &str| wanted.iter().any(|w| w == a);
    let (cs, destinations) = api.read(|s| {
        let cs = ops::config_set::get(s, &c.region, &name)?;
        let d = ops::event_destination::list(s, &c.region, &name)?.event_destinations;
        Ok((cs, d))
    })?;
    let block = |b: OptionBlock| cs.option_blocks.get(b.member());
    let sending = block(OptionBlock::Sending)
        .and_then(|v| v["SendingEnabled"].as_bool())
        .unwrap_or(true);
    let metrics = block(OptionBlock::Reputation)
        .and_then(|v| v["ReputationMetricsEnabled"].as_bool())
        .unwrap_or(false);
    // A set has delivery options once some were put (by either API); one created with only a
    // name has none, and SES leaves the member out (else a Terraform plan after apply is never
    // empty: `TestAccSESConfigurationSet_basic` expects `delivery_options.#` 0).
    let d = &cs.delivery_options;
    let has_delivery =
        d.tls_policy_set || d.sending_pool_name.is_some() || d.max_delivery_seconds.is_some();
    let tls = d.tls_policy;
    c.result(&DescribeConfigurationSetResponse {
        configuration_set: Some(ConfigurationSet {
            name: Some(cs.configuration_set_name.clone()),
        }),
        event_destinations: wants("eventDestinations")
            .then(|| destinations.into_iter().map(destination).collect()),
        tracking_options: wants("trackingOptions")
            .then(|| block(OptionBlock::Tracking))
            .flatten()
            .map(|t| TrackingOptions {
                custom_redirect_domain: t["CustomRedirectDomain"].as_str().map(str::to_string),
            }),
        delivery_options: (wants("deliveryOptions") && has_delivery).then(|| DeliveryOptions {
            tls_policy: Some(match tls {
                TlsPolicy::Require => "Require".into(),
                TlsPolicy::Optional => "Optional".into(),
            }),
        }),
        reputation_options: wants("reputationOptions").then_some(ReputationOptions {
            sending_enabled: Some(sending),
            reputation_metrics_enabled: Some(metrics),
            last_fresh_start: None,
        }),
    })
}

/// A destination in v1's spelling.
fn destination(d: ops::event_destination::Named) -> EventDestination {
    let e = d.destination;
    EventDestination {
        name: Some(d.name),
        enabled: Some(e.enabled),
        matching_event_types: Some(
            e.matching_event_types
                .iter()
                .map(|t| v1_event_type(*t))
                .collect(),
        ),
        sns_destination: e.sns_destination.map(|s| SNSDestination {
            topic_arn: Some(s.topic_arn),
        }),
        kinesis_firehose_destination: e.kinesis_firehose_destination.map(|f| {
            KinesisFirehoseDestination {
                iam_role_arn: Some(f.iam_role_arn),
                delivery_stream_arn: Some(f.delivery_stream_arn),
            }
        }),
        cloud_watch_destination: e.cloud_watch_destination.map(|cw| CloudWatchDestination {
            dimension_configurations: Some(
                cw.dimension_configurations
                    .into_iter()
                    .map(|d| CloudWatchDimensionConfiguration {
                        dimension_value_source: Some(
                            match d.dimension_value_source.as_str() {
                                "MESSAGE_TAG" => "messageTag",
                                "EMAIL_HEADER" => "emailHeader",
                                _ => "linkTag",
                            }
                            .into(),
                        ),
                        dimension_name: Some(d.dimension_name),
                        default_dimension_value: Some(d.default_dimension_value),
                    })
                    .collect(),
            ),
        }),
    }
}

pub fn list(api: &Api, c: &Call) -> Result<Response> {
    let r: ListConfigurationSetsRequest = c.input()?;
    let paging = ops::Paging {
        page_size: r.max_items,
        next_token: r.next_token,
    };
    let l = api.read(|s| ops::config_set::list(s, &c.region, None, &paging))?;
    c.result(&ListConfigurationSetsResponse {
        configuration_sets: Some(
            l.configuration_sets
                .into_iter()
                .map(|n| ConfigurationSet { name: Some(n) })
                .collect(),
        ),
        next_token: l.next_token,
    })
}

/// Sets one member of a configuration set's option block, keeping the block's others.
fn set_flag(
    api: &Api,
    c: &Call,
    name: &str,
    block: OptionBlock,
    member: &str,
    on: bool,
) -> Result<()> {
    api.write(|s| {
        let current = ops::config_set::get(s, &c.region, name)?;
        let mut value = current
            .option_blocks
            .get(block.member())
            .cloned()
            .unwrap_or_else(|| serde_json::json!({}));
        value[member] = on.into();
        ops::config_set::put_option_block(s, &c.region, name, block, Some(value))
    })?;
    Ok(())
}

pub fn update_sending_enabled(api: &Api, c: &Call) -> Result<Response> {
    let r: UpdateConfigurationSetSendingEnabledRequest = c.input()?;
    let name = r.configuration_set_name.unwrap_or_default();
    let on = r.enabled.unwrap_or_default();
    set_flag(api, c, &name, OptionBlock::Sending, "SendingEnabled", on)?;
    c.done()
}

pub fn update_reputation_metrics(api: &Api, c: &Call) -> Result<Response> {
    let r: UpdateConfigurationSetReputationMetricsEnabledRequest = c.input()?;
    let name = r.configuration_set_name.unwrap_or_default();
    let on = r.enabled.unwrap_or_default();
    set_flag(
        api,
        c,
        &name,
        OptionBlock::Reputation,
        "ReputationMetricsEnabled",
        on,
    )?;
    c.done()
}

pub fn put_delivery_options(api: &Api, c: &Call) -> Result<Response> {
    let r: PutConfigurationSetDeliveryOptionsRequest = c.input()?;
    let name = r.configuration_set_name.unwrap_or_default();
    // Given DeliveryOptions keep a TLS policy (Optional unless it says Require), which
    // DescribeConfigurationSet then reports; none given removes them (Terraform's
    // `aws_ses_configuration_set` sends `DeliveryOptions {}` for an empty block and expects
    // `Optional` back, and nothing to remove the block).
    let tls = match r.delivery_options {
        None => None,
        Some(d) => {
            let policy = d.tls_policy.unwrap_or_else(|| "Optional".into());
            one_of(
                &policy,
                "deliveryOptions.tlsPolicy",
                &["Require", "Optional"],
            )?;
            Some(if policy == "Require" {
                TlsPolicy::Require
            } else {
                TlsPolicy::Optional
            })
        }
    };
    let change = DeliveryChange {
        tls_policy: Change::replace(tls),
        ..Default::default()
    };
    api.write(|s| ops::config_set::put_delivery_options(s, &c.region, &name, change))?;
    c.result(&PutConfigurationSetDeliveryOptionsResponse::default())
}

pub fn create_event_destination(api: &Api, c: &Call) -> Result<Response> {
    let r: CreateConfigurationSetEventDestinationRequest = c.input()?;
    let set = r.configuration_set_name.unwrap_or_default();
    let d = r.event_destination.unwrap_or_default();
    let name = d.name.clone().unwrap_or_default();
    let def = definition(d)?;
    api.write(|s| ops::event_destination::create(s, &c.region, &set, &name, def))?;
    c.result(&CreateConfigurationSetEventDestinationResponse::default())
}

pub fn update_event_destination(api: &Api, c: &Call) -> Result<Response> {
    let r: UpdateConfigurationSetEventDestinationRequest = c.input()?;
    let set = r.configuration_set_name.unwrap_or_default();
    let d = r.event_destination.unwrap_or_default();
    let name = d.name.clone().unwrap_or_default();
    let def = definition(d)?;
    api.write(|s| ops::event_destination::update(s, &c.region, &set, &name, def))?;
    c.result(&UpdateConfigurationSetEventDestinationResponse::default())
}

pub fn delete_event_destination(api: &Api, c: &Call) -> Result<Response> {
    let r: DeleteConfigurationSetEventDestinationRequest = c.input()?;
    let set = r.configuration_set_name.unwrap_or_default();
    let name = r.event_destination_name.unwrap_or_default();
    api.write(|s| ops::event_destination::delete(s, &c.region, &set, &name))?;
    c.result(&DeleteConfigurationSetEventDestinationResponse::default())
}

/// v1's `TrackingOptions` as the block SESv2's PutConfigurationSetTrackingOptions stores.
fn tracking(t: Option<TrackingOptions>) -> serde_json::Value {
    let domain = t.and_then(|t| t.custom_redirect_domain);
    serde_json::json!({ "CustomRedirectDomain": domain })
}

pub fn create_tracking_options(api: &Api, c: &Call) -> Result<Response> {
    let r: CreateConfigurationSetTrackingOptionsRequest = c.input()?;
    let name = r.configuration_set_name.unwrap_or_default();
    let change = TrackingChange::Create(tracking(r.tracking_options));
    api.write(|s| ops::config_set::change_tracking(s, &c.region, &name, change))?;
    c.result(&CreateConfigurationSetTrackingOptionsResponse::default())
}

pub fn update_tracking_options(api: &Api, c: &Call) -> Result<Response> {
    let r: UpdateConfigurationSetTrackingOptionsRequest = c.input()?;
    let name = r.configuration_set_name.unwrap_or_default();
    let change = TrackingChange::Update(tracking(r.tracking_options));
    api.write(|s| ops::config_set::change_tracking(s, &c.region, &name, change))?;
    c.result(&UpdateConfigurationSetTrackingOptionsResponse::default())
}

pub fn delete_tracking_options(api: &Api, c: &Call) -> Result<Response> {
    let r: DeleteConfigurationSetTrackingOptionsRequest = c.input()?;
    let name = r.configuration_set_name.unwrap_or_default();
    api.write(|s| ops::config_set::change_tracking(s, &c.region, &name, TrackingChange::Delete))?;
    c.result(&DeleteConfigurationSetTrackingOptionsResponse::default())
}

/// v1's event types: botocore's `ses` model's `EventType` (the first eight), and SESv2's
/// `DELIVERY_DELAY` and `SUBSCRIPTION` in v1's spelling, which sesm's v1 door took before it
/// checked the enum and its clients send (docs/decisions.md, "Issue 30").
const V1_EVENT_TYPES: [&str; 10] = [
    "send",
    "reject",
    "bounce",
    "complaint",
    "delivery",
    "open",
    "click",
    "renderingFailure",
    "deliveryDelay",
    "subscription",
];

/// v1's `EventDestination` as the model's definition: event types (`send`,
/// `renderingFailure`, …) and dimension sources (`messageTag`, …) in v1's spelling, each of
/// v1's enum (else `ValidationError`), become SESv2's (`SEND`, `RENDERING_FAILURE`,
/// `MESSAGE_TAG`).
fn definition(d: EventDestination) -> Result<Definition> {
    let types = d.matching_event_types.clone().unwrap_or_default();
    all_of(
        &types,
        "eventDestination.matchingEventTypes",
        &V1_EVENT_TYPES,
    )?;
    let dims = d
        .cloud_watch_destination
        .as_ref()
        .and_then(|cw| cw.dimension_configurations.as_ref());
    for (i, dim) in dims.into_iter().flatten().enumerate() {
        if let Some(source) = dim.dimension_value_source.as_deref() {
            one_of(
                source,
                &format!(
                    "eventDestination.cloudWatchDestination.dimensionConfigurations.{}.member.dimensionValueSource",
                    i + 1
                ),
                &["messageTag", "emailHeader", "linkTag"],
            )?;
        }
    }
    Ok(definition_of(d))
}

fn definition_of(d: EventDestination) -> Definition {
    let upper = |v: &str| -> String {
        let mut out = String::new();
        for c in v.chars() {
            if c.is_ascii_uppercase() {
                out.push('_');
            }
            out.push(c.to_ascii_uppercase());
        }
        out
    };
    Definition {
        // A v1 destination given without Enabled is disabled, as v1 reads an absent boolean.
        enabled: Some(d.enabled.unwrap_or(false)),
        matching_event_types: Some(
            d.matching_event_types
                .unwrap_or_default()
                .iter()
                .map(|t| upper(t))
                .collect(),
        ),
        sns: d.sns_destination.map(|s| event::SnsDestination {
            topic_arn: s.topic_arn.unwrap_or_default(),
        }),
        firehose: d
            .kinesis_firehose_destination
            .map(|f| event::FirehoseDestination {
                iam_role_arn: f.iam_role_arn.unwrap_or_default(),
                delivery_stream_arn: f.delivery_stream_arn.unwrap_or_default(),
            }),
        cloud_watch: d
            .cloud_watch_destination
            .and_then(|cw| cw.dimension_configurations)
            .filter(|dims| !dims.is_empty())
            .map(|dims| event::CloudWatchDestination {
                dimension_configurations: dims
                    .into_iter()
                    .map(|d| event::Dimension {
                        dimension_name: d.dimension_name.unwrap_or_default(),
                        dimension_value_source: upper(
                            d.dimension_value_source.as_deref().unwrap_or_default(),
                        ),
                        default_dimension_value: d.default_dimension_value.unwrap_or_default(),
                    })
                    .collect(),
            }),
        event_bridge: None,
        pinpoint: None,
    }
}

/// v1's spelling of an event type (`send`, `renderingFailure`, `deliveryDelay`).
fn v1_event_type(t: EventType) -> String {
    let mut out = String::new();
    let mut upper = false;
    for c in t.as_str().chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.push(c);
            upper = false;
        } else {
            out.push(c.to_ascii_lowercase());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::testing::Door;

    #[test]
    fn sets_and_their_destinations_in_v1_words() {
        let door = Door::new();
        door.ok("Action=CreateConfigurationSet&ConfigurationSet.Name=cs");
        door.refused(
            "Action=CreateConfigurationSet&ConfigurationSet.Name=cs",
            "ConfigurationSetAlreadyExists",
        );
        // A set made with only a name has no delivery options to describe.
        let xml = door.ok("Action=DescribeConfigurationSet&ConfigurationSetName=cs&ConfigurationSetAttributeNames.member.1=deliveryOptions");
        assert!(!xml.contains("<DeliveryOptions>"), "{xml}");
        door.refused("Action=CreateConfigurationSet", "MissingParameter");
        let dest = "ConfigurationSetName=cs&EventDestination.Name=d&EventDestination.Enabled=true\
            &EventDestination.MatchingEventTypes.member.1=send&EventDestination.MatchingEventTypes.member.2=renderingFailure\
            &EventDestination.CloudWatchDestination.DimensionConfigurations.member.1.DimensionName=tag\
            &EventDestination.CloudWatchDestination.DimensionConfigurations.member.1.DimensionValueSource=messageTag\
            &EventDestination.CloudWatchDestination.DimensionConfigurations.member.1.DefaultDimensionValue=none";
        door.ok(&format!(
            "Action=CreateConfigurationSetEventDestination&{dest}"
        ));
        door.refused(
            &format!("Action=CreateConfigurationSetEventDestination&{dest}"),
            "EventDestinationAlreadyExists",
        );
        let xml = door.ok("Action=DescribeConfigurationSet&ConfigurationSetName=cs&ConfigurationSetAttributeNames.member.1=eventDestinations&ConfigurationSetAttributeNames.member.2=reputationOptions");
        assert!(xml.contains("<MatchingEventTypes><member>send</member><member>renderingFailure</member></MatchingEventTypes>"), "{xml}");
        assert!(
            xml.contains("<DimensionValueSource>messageTag</DimensionValueSource>"),
            "{xml}"
        );
        assert!(xml.contains("<ReputationOptions><SendingEnabled>true</SendingEnabled><ReputationMetricsEnabled>false</ReputationMetricsEnabled></ReputationOptions>"), "{xml}");
        door.ok(
            "Action=UpdateConfigurationSetSendingEnabled&ConfigurationSetName=cs&Enabled=false",
        );
        let xml = door.ok("Action=DescribeConfigurationSet&ConfigurationSetName=cs&ConfigurationSetAttributeNames.member.1=reputationOptions");
        assert!(
            xml.contains("<SendingEnabled>false</SendingEnabled>"),
            "{xml}"
        );
        door.ok("Action=PutConfigurationSetDeliveryOptions&ConfigurationSetName=cs&DeliveryOptions.TlsPolicy=Require");
        let xml = door.ok("Action=DescribeConfigurationSet&ConfigurationSetName=cs&ConfigurationSetAttributeNames.member.1=deliveryOptions");
        assert!(
            xml.contains("<DeliveryOptions><TlsPolicy>Require</TlsPolicy></DeliveryOptions>"),
            "{xml}"
        );
        // A value outside v1's model enum: ValidationError, in AWS's validation words.
        let xml = door.refused("Action=PutConfigurationSetDeliveryOptions&ConfigurationSetName=cs&DeliveryOptions.TlsPolicy=Maybe", "ValidationError");
        assert!(xml.contains("1 validation error detected: Value &apos;Maybe&apos; at &apos;deliveryOptions.tlsPolicy&apos; failed to satisfy constraint: Member must satisfy enum value set: [Require, Optional]"), "{xml}");
        door.refused("Action=DescribeConfigurationSet&ConfigurationSetName=cs&ConfigurationSetAttributeNames.member.1=everything", "ValidationError");
        door.refused("Action=CreateConfigurationSetEventDestination&ConfigurationSetName=cs&EventDestination.Name=x&EventDestination.MatchingEventTypes.member.1=SEND&EventDestination.SNSDestination.TopicARN=arn%3Aaws%3Asns%3Aus-east-1%3A123456789012%3At", "ValidationError");
        // PutConfigurationSetDeliveryOptions without DeliveryOptions removes them: Describe
        // then leaves the member out, as for a set created with only a name.
        door.ok("Action=PutConfigurationSetDeliveryOptions&ConfigurationSetName=cs");
        let xml = door.ok("Action=DescribeConfigurationSet&ConfigurationSetName=cs&ConfigurationSetAttributeNames.member.1=deliveryOptions");
        assert!(!xml.contains("<DeliveryOptions>"), "{xml}");
        // A dimension named after an auto-tag: colons are allowed (v1 API reference).
        door.ok("Action=CreateConfigurationSetEventDestination&ConfigurationSetName=cs&EventDestination.Name=cw&EventDestination.Enabled=true&EventDestination.MatchingEventTypes.member.1=send&EventDestination.CloudWatchDestination.DimensionConfigurations.member.1.DimensionName=ses%3Asource-ip&EventDestination.CloudWatchDestination.DimensionConfigurations.member.1.DimensionValueSource=messageTag&EventDestination.CloudWatchDestination.DimensionConfigurations.member.1.DefaultDimensionValue=none");
        door.ok("Action=DeleteConfigurationSetEventDestination&ConfigurationSetName=cs&EventDestinationName=cw");
        door.ok("Action=DeleteConfigurationSetEventDestination&ConfigurationSetName=cs&EventDestinationName=d");
        let xml = door.refused("Action=DeleteConfigurationSetEventDestination&ConfigurationSetName=cs&EventDestinationName=d", "EventDestinationDoesNotExist");
        assert!(
            xml.contains("<Message>No EventDestination found for cs</Message>"),
            "{xml}"
        );
        door.ok("Action=CreateConfigurationSet&ConfigurationSet.Name=cs2");
        let xml = door.ok("Action=ListConfigurationSets&MaxItems=1");
        assert!(
            xml.contains(
                "<ConfigurationSets><member><Name>cs</Name></member></ConfigurationSets><NextToken>"
            ),
            "{xml}"
        );
        door.ok("Action=DeleteConfigurationSet&ConfigurationSetName=cs");
        door.refused(
            "Action=DescribeConfigurationSet&ConfigurationSetName=cs",
            "ConfigurationSetDoesNotExist",
        );
    }

    #[test]
    fn tracking_options_are_created_updated_and_deleted_once_each() {
        let door = Door::new();
        door.ok("Action=CreateConfigurationSet&ConfigurationSet.Name=cs");
        let create = "Action=CreateConfigurationSetTrackingOptions&ConfigurationSetName=cs&TrackingOptions.CustomRedirectDomain=t.example.com";
        door.refused(
            "Action=UpdateConfigurationSetTrackingOptions&ConfigurationSetName=cs&TrackingOptions.CustomRedirectDomain=u.example.com",
            "TrackingOptionsDoesNotExistException",
        );
        door.ok(create);
        door.refused(create, "TrackingOptionsAlreadyExistsException");
        let describe = "Action=DescribeConfigurationSet&ConfigurationSetName=cs&ConfigurationSetAttributeNames.member.1=trackingOptions";
        let xml = door.ok(describe);
        assert!(xml.contains("<TrackingOptions><CustomRedirectDomain>t.example.com</CustomRedirectDomain></TrackingOptions>"), "{xml}");
        door.ok("Action=UpdateConfigurationSetTrackingOptions&ConfigurationSetName=cs&TrackingOptions.CustomRedirectDomain=u.example.com");
        assert!(door.ok(describe).contains("u.example.com"));
        // The block is SESv2's TrackingOptions: one account, two APIs.
        let v2 = door
            .api
            .read(|s| crate::ops::config_set::get(s, "us-east-1", "cs"))
            .unwrap();
        assert_eq!(
            v2.option_blocks["TrackingOptions"]["CustomRedirectDomain"],
            "u.example.com"
        );
        door.ok("Action=DeleteConfigurationSetTrackingOptions&ConfigurationSetName=cs");
        door.refused(
            "Action=DeleteConfigurationSetTrackingOptions&ConfigurationSetName=cs",
            "TrackingOptionsDoesNotExistException",
        );
        door.refused(
            "Action=CreateConfigurationSetTrackingOptions&ConfigurationSetName=cs",
            "MissingParameter",
        );
        door.refused("Action=CreateConfigurationSetTrackingOptions&ConfigurationSetName=cs&TrackingOptions.CustomRedirectDomain=not%20a%20domain", "InvalidTrackingOptions");
        door.refused("Action=CreateConfigurationSetTrackingOptions&ConfigurationSetName=nope&TrackingOptions.CustomRedirectDomain=t.example.com", "ConfigurationSetDoesNotExist");
        assert!(!door.ok(describe).contains("<TrackingOptions>"));
    }
}
