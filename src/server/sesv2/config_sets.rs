//! Configuration sets: CreateConfigurationSet, DeleteConfigurationSet, GetConfigurationSet,
//! ListConfigurationSets, and the Put…Options of each block.

use std::collections::BTreeMap;

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::shapes::{
    CreateConfigurationSetBody, DeliveryOptions, GetConfigurationSetResponse,
    ListConfigurationSetsBody, ListConfigurationSetsResponse,
    PutConfigurationSetArchivingOptionsBody, PutConfigurationSetDeliveryOptionsBody,
    PutConfigurationSetReputationOptionsBody, PutConfigurationSetSendingOptionsBody,
    PutConfigurationSetSuppressionOptionsBody, PutConfigurationSetTrackingOptionsBody,
    PutConfigurationSetVdmOptionsBody, ReputationOptions, SendingOptions,
    UpdateConfigurationSetBody,
};
use super::{Call, empty, filter, reshape, spelled, tag_pairs, tag_shapes};
use crate::error::{Error, Result};
use crate::model::TlsPolicy;
use crate::model::config_set::{
    Change, DeliveryChange, NewConfigSet, OptionBlock, SHARED_POOL_DELIVERY_MODE,
};
use crate::ops;
use crate::ops::shapes::ConfigSetGet;
use crate::server::api::Api;
use crate::server::http::{Response, json};

pub fn create(api: &Api, c: &Call) -> Result<Response> {
    let b: CreateConfigurationSetBody = c.body()?;
    let delivery = b.delivery_options.clone().unwrap_or_default();
    let mut options = BTreeMap::new();
    let mut put = |block: OptionBlock, v: Option<Value>| {
        if let Some(v) = v {
            options.insert(block.member().to_string(), v);
        }
    };
    put(OptionBlock::Tracking, block(&b.tracking_options)?);
    put(OptionBlock::Reputation, block(&b.reputation_options)?);
    put(OptionBlock::Sending, block(&b.sending_options)?);
    put(OptionBlock::Suppression, block(&b.suppression_options)?);
    put(OptionBlock::Vdm, block(&b.vdm_options)?);
    put(OptionBlock::Archiving, block(&b.archiving_options)?);
    if let Some(mode) = delivery.shared_pool_delivery_mode {
        options.insert(SHARED_POOL_DELIVERY_MODE.into(), mode.into());
    }
    let req = NewConfigSet {
        name: b.configuration_set_name.unwrap_or_default(),
        pool: delivery.sending_pool_name,
        tls_policy: delivery.tls_policy.map(|t| t.parse()).transpose()?,
        max_delivery_seconds: delivery.max_delivery_seconds,
        tags: tag_pairs(b.tags),
        options,
    };
    api.write(|s| ops::config_set::create(s, &c.region, req))?;
    Ok(empty())
}

pub fn delete(api: &Api, c: &Call) -> Result<Response> {
    let name = c.label("ConfigurationSetName");
    api.write(|s| ops::config_set::delete(s, &c.region, &name))?;
    Ok(empty())
}

pub fn get(api: &Api, c: &Call) -> Result<Response> {
    let name = c.label("ConfigurationSetName");
    let cs = api.read(|s| ops::config_set::get(s, &c.region, &name))?;
    Ok(json(&get_response(cs)?))
}

/// GetConfigurationSet's output: delivery options, tags, and the option blocks as they were
/// given; `SendingOptions` and `ReputationOptions` default as SES reports them.
fn get_response(cs: ConfigSetGet) -> Result<GetConfigurationSetResponse> {
    let d = cs.delivery_options;
    let delivery = DeliveryOptions {
        tls_policy: d.tls_policy_set.then(|| spelled(&d.tls_policy)),
        sending_pool_name: d.sending_pool_name,
        max_delivery_seconds: d.max_delivery_seconds.map(i64::from),
        shared_pool_delivery_mode: d.shared_pool_delivery_mode,
    };
    let blocks = &cs.option_blocks;
    let stored = |b: OptionBlock| blocks.get(b.member());
    Ok(GetConfigurationSetResponse {
        configuration_set_name: Some(cs.configuration_set_name),
        // SES leaves out a block with nothing in it; hashicorp/aws reads `{}` as a block with
        // max_delivery_seconds = 0 and plans to remove it after every apply.
        delivery_options: (delivery != DeliveryOptions::default()).then_some(delivery),
        tags: Some(tag_shapes(cs.tags)),
        tracking_options: typed(stored(OptionBlock::Tracking))?,
        reputation_options: Some(typed(stored(OptionBlock::Reputation))?.unwrap_or(
            ReputationOptions {
                reputation_metrics_enabled: Some(false),
                last_fresh_start: None,
            },
        )),
        sending_options: Some(
            typed(stored(OptionBlock::Sending))?.unwrap_or(SendingOptions {
                sending_enabled: Some(true),
            }),
        ),
        suppression_options: typed(stored(OptionBlock::Suppression))?,
        vdm_options: typed(stored(OptionBlock::Vdm))?,
        archiving_options: typed(stored(OptionBlock::Archiving))?,
        message_security_options: typed(stored(OptionBlock::MessageSecurity))?,
    })
}

/// A stored option block as its shape.
fn typed<T: DeserializeOwned>(v: Option<&Value>) -> Result<Option<T>> {
    v.map(reshape).transpose()
}

/// A typed block as the JSON the state stores (and GetConfigurationSet echoes).
fn block<T: Serialize>(b: &Option<T>) -> Result<Option<Value>> {
    b.as_ref()
        .map(|b| {
            serde_json::to_value(b)
                .map_err(|e| Error::internal(format!("cannot encode a block: {e}")))
        })
        .transpose()
}

/// UpdateConfigurationSet: a partial update of the members it names; its one member today is
/// `MessageSecurityOptions`, whose `SigningScheme` is one of `DefaultScheme` and `SmimeScheme`
/// (`SignatureFormat` DETACHED). A request naming none changes nothing (the set must exist).
pub fn update(api: &Api, c: &Call) -> Result<Response> {
    let b: UpdateConfigurationSetBody = c.body()?;
    let name = b.configuration_set_name.unwrap_or_default();
    let Some(security) = b.message_security_options else {
        api.read(|s| ops::config_set::get(s, &c.region, &name))?;
        return Ok(empty());
    };
    let scheme = security.signing_scheme.clone().unwrap_or_default();
    if scheme.default_scheme.is_some() == scheme.smime_scheme.is_some() {
        return Err(Error::bad_request(
            "MessageSecurityOptions.SigningScheme needs exactly one of DefaultScheme and SmimeScheme.",
        ));
    }
    if let Some(f) = scheme.smime_scheme.and_then(|s| s.signature_format)
        && f != "DETACHED"
    {
        return Err(crate::model::rules::enum_error(
            &f,
            "messageSecurityOptions.signingScheme.smimeScheme.signatureFormat",
            &["DETACHED"],
        ));
    }
    let v = block(&Some(security))?;
    api.write(|s| {
        ops::config_set::put_option_block(s, &c.region, &name, OptionBlock::MessageSecurity, v)
    })?;
    Ok(empty())
}

pub fn list(api: &Api, c: &Call) -> Result<Response> {
    let b: ListConfigurationSetsBody = c.body()?;
    let mut paging = c.query_paging()?;
    paging.next_token = b.next_token.or(paging.next_token);
    paging.page_size = b.page_size.or(paging.page_size);
    let filter = filter(b.filter, &["CONFIGURATION_SET_NAME_CONTAINS"])?;
    let contains = filter.get("CONFIGURATION_SET_NAME_CONTAINS").cloned();
    let l = api.read(|s| ops::config_set::list(s, &c.region, contains.as_deref(), &paging))?;
    Ok(json(&ListConfigurationSetsResponse {
        configuration_sets: Some(l.configuration_sets),
        next_token: l.next_token,
    }))
}

pub fn put_delivery_options(api: &Api, c: &Call) -> Result<Response> {
    let b: PutConfigurationSetDeliveryOptionsBody = c.body()?;
    let tls: Option<TlsPolicy> = b.tls_policy.map(|t| t.parse()).transpose()?;
    // The whole block is replaced: a member left out goes back to its default.
    let change = DeliveryChange {
        sending_pool: Change::replace(b.sending_pool_name),
        tls_policy: Change::replace(tls),
        max_delivery_seconds: Change::replace(b.max_delivery_seconds),
        shared_pool_delivery_mode: Change::replace(b.shared_pool_delivery_mode),
    };
    let name = c.label("ConfigurationSetName");
    api.write(|s| ops::config_set::put_delivery_options(s, &c.region, &name, change))?;
    Ok(empty())
}

pub fn put_tracking_options(api: &Api, c: &Call) -> Result<Response> {
    let b: PutConfigurationSetTrackingOptionsBody = c.body()?;
    // Tracking without a domain means no tracking options.
    let value = (b != Default::default()).then_some(b);
    put_block(api, c, OptionBlock::Tracking, block(&value)?)
}

pub fn put_reputation_options(api: &Api, c: &Call) -> Result<Response> {
    let b: PutConfigurationSetReputationOptionsBody = c.body()?;
    put_block(api, c, OptionBlock::Reputation, block(&Some(b))?)
}

pub fn put_sending_options(api: &Api, c: &Call) -> Result<Response> {
    let b: PutConfigurationSetSendingOptionsBody = c.body()?;
    put_block(api, c, OptionBlock::Sending, block(&Some(b))?)
}

pub fn put_suppression_options(api: &Api, c: &Call) -> Result<Response> {
    let b: PutConfigurationSetSuppressionOptionsBody = c.body()?;
    put_block(api, c, OptionBlock::Suppression, block(&Some(b))?)
}

pub fn put_vdm_options(api: &Api, c: &Call) -> Result<Response> {
    // The one Put whose block is a member of the body, not the body itself.
    let b: PutConfigurationSetVdmOptionsBody = c.body()?;
    put_block(api, c, OptionBlock::Vdm, block(&b.vdm_options)?)
}

pub fn put_archiving_options(api: &Api, c: &Call) -> Result<Response> {
    let b: PutConfigurationSetArchivingOptionsBody = c.body()?;
    put_block(api, c, OptionBlock::Archiving, block(&Some(b))?)
}

/// Stores one of a configuration set's option blocks as given (`None` removes it).
fn put_block(api: &Api, c: &Call, b: OptionBlock, value: Option<Value>) -> Result<Response> {
    let name = c.label("ConfigurationSetName");
    api.write(|s| ops::config_set::put_option_block(s, &c.region, &name, b, value))?;
    Ok(empty())
}

#[cfg(test)]
mod tests {
    use super::super::testing::Door;
    use serde_json::json;

    const SETS: &str = "/v2/email/configuration-sets";

    #[test]
    fn a_set_keeps_its_blocks_and_echoes_them() {
        let door = Door::new();
        let body = json!({
            "ConfigurationSetName": "cs",
            "DeliveryOptions": {"TlsPolicy": "REQUIRE", "MaxDeliverySeconds": 600},
            "TrackingOptions": {"CustomRedirectDomain": "t.example.com"},
            "Tags": [{"Key": "team", "Value": "mail"}],
        });
        assert_eq!(door.call("POST", SETS, &body.to_string()).0, 200);
        let (s, v) = door.call("GET", &format!("{SETS}/cs"), "");
        assert_eq!(s, 200);
        assert_eq!(
            v,
            json!({
                "ConfigurationSetName": "cs",
                "TrackingOptions": {"CustomRedirectDomain": "t.example.com"},
                "DeliveryOptions": {"TlsPolicy": "REQUIRE", "MaxDeliverySeconds": 600},
                "ReputationOptions": {"ReputationMetricsEnabled": false},
                "SendingOptions": {"SendingEnabled": true},
                "Tags": [{"Key": "team", "Value": "mail"}],
            })
        );
        let put = json!({"SendingEnabled": false}).to_string();
        assert_eq!(door.call("PUT", &format!("{SETS}/cs/sending"), &put).0, 200);
        let put = json!({"ReputationMetricsEnabled": true}).to_string();
        assert_eq!(
            door.call("PUT", &format!("{SETS}/cs/reputation-options"), &put)
                .0,
            200
        );
        // The whole delivery block is replaced.
        let put = json!({"SendingPoolName": null}).to_string();
        assert_eq!(
            door.call("PUT", &format!("{SETS}/cs/delivery-options"), &put)
                .0,
            200
        );
        let (_, v) = door.call("GET", &format!("{SETS}/cs"), "");
        assert_eq!(v["SendingOptions"], json!({"SendingEnabled": false}));
        assert_eq!(
            v["ReputationOptions"],
            json!({"ReputationMetricsEnabled": true})
        );
        assert!(v.get("DeliveryOptions").is_none(), "{v}");
        let put = json!({}).to_string();
        assert_eq!(
            door.call("PUT", &format!("{SETS}/cs/tracking-options"), &put)
                .0,
            200
        );
        let (_, v) = door.call("GET", &format!("{SETS}/cs"), "");
        assert!(v.get("TrackingOptions").is_none(), "{v}");
    }

    #[test]
    fn sets_are_listed_filtered_and_paged_by_both_routes() {
        let door = Door::new();
        for n in ["a1", "a2", "b1"] {
            let body = json!({"ConfigurationSetName": n}).to_string();
            assert_eq!(door.call("POST", SETS, &body).0, 200);
        }
        let (_, v) = door.call("GET", &format!("{SETS}?PageSize=2"), "");
        assert_eq!(v["ConfigurationSets"], json!(["a1", "a2"]));
        let token = v["NextToken"].as_str().unwrap().to_string();
        let (_, v) = door.call("GET", &format!("{SETS}?NextToken={token}"), "");
        assert_eq!(v, json!({"ConfigurationSets": ["b1"]}));
        let body = json!({"Filter": {"CONFIGURATION_SET_NAME_CONTAINS": "a"}}).to_string();
        let (_, v) = door.call("POST", "/v2/email/list-configuration-sets", &body);
        assert_eq!(v, json!({"ConfigurationSets": ["a1", "a2"]}));
        let bad = json!({"Filter": {"NAME": "a"}}).to_string();
        door.refused(
            "POST",
            "/v2/email/list-configuration-sets",
            &bad,
            400,
            "BadRequestException",
        );
        assert_eq!(door.call("DELETE", &format!("{SETS}/a1"), "").0, 200);
        door.refused(
            "DELETE",
            &format!("{SETS}/a1"),
            "",
            404,
            "NotFoundException",
        );
        let dup = json!({"ConfigurationSetName": "a2"}).to_string();
        door.refused("POST", SETS, &dup, 400, "AlreadyExistsException");
        let tls = json!({"TlsPolicy": "SOMETIMES"}).to_string();
        door.refused(
            "PUT",
            &format!("{SETS}/a2/delivery-options"),
            &tls,
            400,
            "BadRequestException",
        );
    }
}
