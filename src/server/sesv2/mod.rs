//! The SESv2 door (REST-JSON, `sesv2-wire.md`): a request's method and path name an
//! `Operation` (`router`, over the generated route table), `call` names its handler, and the
//! handler — in its resource's file — decodes the body into the generated request type, runs
//! the operation of `ops/` through the `Api`, and builds the generated response type.
//!
//! A new operation: add it to `SESV2` in `scripts/gen_api.py`, run the script, write its
//! handler in its resource's file, and name it in `call` (which does not compile until then).

mod account;
mod account_settings;
mod config_sets;
mod contact_lists;
mod custom_verification;
mod deliverability;
mod event_destinations;
mod export_jobs;
mod identities;
mod identity_policies;
mod import_jobs;
mod ips;
mod multi_region;
mod pools;
mod reputation;
pub mod router;
#[rustfmt::skip]
pub mod routes;
mod send;
#[rustfmt::skip]
pub mod shapes;
mod suppression;
mod tags;
mod templates;
mod tenants;
mod vdm;
pub mod wire;

use super::api::Api;
use super::http::{self, Query, Request, Response};
use crate::error::{Error, Result};
pub use crate::ops::Operation;
use crate::ops::Paging;
use router::Routed;
use shapes::Members;

/// What a route's request body may weigh: SESv2 takes messages up to 40 MB, base64 included
/// (SES Developer Guide, "Service quotas in Amazon SES"), so the sends take that and the JSON
/// around it; every other operation's body is kilobytes, so 1 MiB is generous.
pub fn body_limit(routed: &std::result::Result<Routed, String>) -> usize {
    const MANAGEMENT: usize = 1024 * 1024;
    const SENDING: usize = 40 * 1000 * 1000 + MANAGEMENT;
    match routed {
        Ok(Routed::Operation {
            op: Operation::SendEmail | Operation::SendBulkEmail,
            ..
        }) => SENDING,
        _ => MANAGEMENT,
    }
}

/// One SESv2 request, routed: its region (from the credential scope), path labels, query and
/// body, as handlers read them.
pub struct Call<'a> {
    pub region: String,
    /// The calling account, when its access key names another one (`api::caller_of`).
    pub caller: Option<String>,
    labels: Vec<(&'static str, String)>,
    pub query: Query,
    body: &'a [u8],
}

impl Call<'_> {
    /// A path label (`{PoolName}`), percent-decoded.
    pub fn label(&self, name: &str) -> String {
        self.labels
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    }

    /// The body, decoded into the operation's generated request type.
    pub fn body<T: serde::de::DeserializeOwned + Members>(&self) -> Result<T> {
        wire::decode(self.body)
    }

    /// `NextToken` and `PageSize` from the query string (the GET list routes).
    pub fn query_paging(&self) -> Result<Paging> {
        Ok(Paging {
            next_token: self.query.get("NextToken").map(str::to_string),
            page_size: self.query.int("PageSize")?,
        })
    }
}

/// Answers a request the router placed (or could not place) among SESv2's routes; the name of
/// its operation, for the log.
pub fn handle(
    api: &Api,
    req: &Request,
    routed: std::result::Result<Routed, String>,
) -> (Response, &'static str) {
    let path = req.path_and_query().0;
    let (op, labels) = match routed {
        Ok(Routed::Operation { op, labels }) => (op, labels),
        Ok(Routed::WrongMethod { allowed }) => {
            let r = http::json_error(
                405,
                "MethodNotAllowedException",
                &format!(
                    "{} is not allowed on {path}; use {}.",
                    req.method,
                    allowed.join(" or ")
                ),
            )
            .header("Allow", allowed.join(", "));
            return (r, "Unknown");
        }
        Ok(Routed::Unknown) => {
            let r = http::json_error(
                404,
                "UnknownOperationException",
                &format!("No SESv2 operation is {} {path}.", req.method),
            );
            return (r, "Unknown");
        }
        Err(segment) => {
            let e = Error::bad_request(format!(
                "The path segment '{segment}' is not percent-encoded UTF-8."
            ));
            return (http::error(&e), "Unknown");
        }
    };
    let result = api.region(req).and_then(|region| {
        let c = Call {
            region,
            caller: super::api::caller_of(req),
            labels,
            query: Query::parse(req.path_and_query().1),
            body: &req.body,
        };
        call(api, op, &c)
    });
    (result.unwrap_or_else(|e| http::error(&e)), op.name())
}

/// One line per operation: its handler, or the 501 of one sesm does not serve.
fn call(api: &Api, op: Operation, c: &Call) -> Result<Response> {
    use Operation as O;
    match op {
        O::CreateDedicatedIpPool => pools::create(api, c),
        O::DeleteDedicatedIpPool => pools::delete(api, c),
        O::GetDedicatedIpPool => pools::get(api, c),
        O::ListDedicatedIpPools => pools::list(api, c),
        O::PutDedicatedIpPoolScalingAttributes => pools::put_scaling_attributes(api, c),
        O::GetDedicatedIp => ips::get(api, c),
        O::GetDedicatedIps => ips::list(api, c),
        O::PutDedicatedIpInPool => ips::put_in_pool(api, c),
        O::PutDedicatedIpWarmupAttributes => ips::put_warmup_attributes(api, c),
        O::CreateConfigurationSet => config_sets::create(api, c),
        O::DeleteConfigurationSet => config_sets::delete(api, c),
        O::GetConfigurationSet => config_sets::get(api, c),
        O::ListConfigurationSets => config_sets::list(api, c),
        O::PutConfigurationSetDeliveryOptions => config_sets::put_delivery_options(api, c),
        O::PutConfigurationSetTrackingOptions => config_sets::put_tracking_options(api, c),
        O::PutConfigurationSetReputationOptions => config_sets::put_reputation_options(api, c),
        O::PutConfigurationSetSendingOptions => config_sets::put_sending_options(api, c),
        O::PutConfigurationSetSuppressionOptions => config_sets::put_suppression_options(api, c),
        O::PutConfigurationSetVdmOptions => config_sets::put_vdm_options(api, c),
        O::PutConfigurationSetArchivingOptions => config_sets::put_archiving_options(api, c),
        O::CreateConfigurationSetEventDestination => event_destinations::create(api, c),
        O::GetConfigurationSetEventDestinations => event_destinations::list(api, c),
        O::UpdateConfigurationSetEventDestination => event_destinations::update(api, c),
        O::DeleteConfigurationSetEventDestination => event_destinations::delete(api, c),
        O::CreateEmailIdentity => identities::create(api, c),
        O::DeleteEmailIdentity => identities::delete(api, c),
        O::GetEmailIdentity => identities::get(api, c),
        O::ListEmailIdentities => identities::list(api, c),
        O::PutEmailIdentityConfigurationSetAttributes => identities::put_config_set(api, c),
        O::PutEmailIdentityFeedbackAttributes => identities::put_feedback(api, c),
        O::PutEmailIdentityMailFromAttributes => identities::put_mail_from(api, c),
        O::PutEmailIdentityDkimAttributes => identities::put_dkim(api, c),
        O::PutEmailIdentityDkimSigningAttributes => identities::put_dkim_signing(api, c),
        O::CreateEmailTemplate => templates::create(api, c),
        O::GetEmailTemplate => templates::get(api, c),
        O::ListEmailTemplates => templates::list(api, c),
        O::UpdateEmailTemplate => templates::update(api, c),
        O::DeleteEmailTemplate => templates::delete(api, c),
        O::TestRenderEmailTemplate => templates::test_render(api, c),
        O::TagResource => tags::tag(api, c),
        O::UntagResource => tags::untag(api, c),
        O::ListTagsForResource => tags::list(api, c),
        O::GetAccount => account::get(api, c),
        O::PutAccountDedicatedIpWarmupAttributes => account::put_dedicated_ip_warmup(api, c),
        O::PutAccountSendingAttributes => account::put_sending(api, c),
        O::PutSuppressedDestination => suppression::put(api, c),
        O::GetSuppressedDestination => suppression::get(api, c),
        O::ListSuppressedDestinations => suppression::list(api, c),
        O::DeleteSuppressedDestination => suppression::delete(api, c),
        O::PutAccountSuppressionAttributes => suppression::put_account_attributes(api, c),
        O::SendEmail => send::send_email(api, c),
        O::SendBulkEmail => send::send_bulk_email(api, c),
        O::CreateContactList => contact_lists::create_list(api, c),
        O::GetContactList => contact_lists::get_list(api, c),
        O::ListContactLists => contact_lists::list_lists(api, c),
        O::UpdateContactList => contact_lists::update_list(api, c),
        O::DeleteContactList => contact_lists::delete_list(api, c),
        O::CreateContact => contact_lists::create_contact(api, c),
        O::GetContact => contact_lists::get_contact(api, c),
        O::ListContacts => contact_lists::list_contacts(api, c),
        O::UpdateContact => contact_lists::update_contact(api, c),
        O::DeleteContact => contact_lists::delete_contact(api, c),
        O::CreateImportJob => import_jobs::create(api, c),
        O::GetImportJob => import_jobs::get(api, c),
        O::ListImportJobs => import_jobs::list(api, c),
        O::CreateEmailIdentityPolicy => identity_policies::create(api, c),
        O::GetEmailIdentityPolicies => identity_policies::get(api, c),
        O::UpdateEmailIdentityPolicy => identity_policies::update(api, c),
        O::DeleteEmailIdentityPolicy => identity_policies::delete(api, c),
        O::CreateCustomVerificationEmailTemplate => custom_verification::create(api, c),
        O::GetCustomVerificationEmailTemplate => custom_verification::get(api, c),
        O::ListCustomVerificationEmailTemplates => custom_verification::list(api, c),
        O::UpdateCustomVerificationEmailTemplate => custom_verification::update(api, c),
        O::DeleteCustomVerificationEmailTemplate => custom_verification::delete(api, c),
        O::SendCustomVerificationEmail => custom_verification::send(api, c),
        O::PutAccountVdmAttributes => vdm::put_attributes(api, c),
        O::BatchGetMetricData => vdm::batch_get_metric_data(api, c),
        O::GetMessageInsights => vdm::get_message_insights(api, c),
        O::GetEmailAddressInsights => vdm::get_email_address_insights(api, c),
        O::CreateExportJob => export_jobs::create(api, c),
        O::GetExportJob => export_jobs::get(api, c),
        O::ListExportJobs => export_jobs::list(api, c),
        O::CancelExportJob => export_jobs::cancel(api, c),
        O::CreateTenant => tenants::create(api, c),
        O::GetTenant => tenants::get(api, c),
        O::ListTenants => tenants::list(api, c),
        O::DeleteTenant => tenants::delete(api, c),
        O::CreateTenantResourceAssociation => tenants::associate(api, c),
        O::DeleteTenantResourceAssociation => tenants::dissociate(api, c),
        O::ListTenantResources => tenants::resources(api, c),
        O::ListResourceTenants => tenants::resource_tenants(api, c),
        O::PutTenantSuppressionAttributes => tenants::put_suppression(api, c),
        O::CreateMultiRegionEndpoint => multi_region::create(api, c),
        O::GetMultiRegionEndpoint => multi_region::get(api, c),
        O::ListMultiRegionEndpoints => multi_region::list(api, c),
        O::DeleteMultiRegionEndpoint => multi_region::delete(api, c),
        O::AssociateEmailIdentityCertificate => account_settings::associate_certificate(api, c),
        O::DisassociateEmailIdentityCertificate => {
            account_settings::disassociate_certificate(api, c)
        }
        O::ListEmailIdentityCertificates => account_settings::list_certificates(api, c),
        O::PutAccountDetails => account_settings::put_details(api, c),
        O::PutAccountDeliveryAttributes => account_settings::put_delivery(api, c),
        O::PutAccountPricingAttributes => account_settings::put_pricing(api, c),
        O::UpdateConfigurationSet => config_sets::update(api, c),
        O::PutDeliverabilityDashboardOption => deliverability::put_option(api, c),
        O::GetDeliverabilityDashboardOptions => deliverability::get_options(api, c),
        O::GetDomainStatisticsReport => deliverability::statistics_report(api, c),
        O::ListDomainDeliverabilityCampaigns => deliverability::list_campaigns(api, c),
        O::GetDomainDeliverabilityCampaign => deliverability::get_campaign(api, c),
        O::CreateDeliverabilityTestReport => deliverability::create_test(api, c),
        O::GetDeliverabilityTestReport => deliverability::get_test(api, c),
        O::ListDeliverabilityTestReports => deliverability::list_tests(api, c),
        O::GetBlacklistReports => deliverability::blacklist_reports(api, c),
        O::ListRecommendations => reputation::list_recommendations(api, c),
        O::GetReputationEntity => reputation::get_entity(api, c),
        O::ListReputationEntities => reputation::list_entities(api, c),
        O::UpdateReputationEntityCustomerManagedStatus => reputation::update_status(api, c),
        O::UpdateReputationEntityPolicy => reputation::update_policy(api, c),
    }
}

/// `{}`: the answer of an operation whose output has no members.
fn empty() -> Response {
    http::json(&serde_json::Map::new())
}

/// `Tags` as pairs; a key given twice keeps its last value, as the command line's do.
fn tag_pairs(tags: Option<Vec<shapes::Tag>>) -> Vec<(String, String)> {
    crate::model::tags::last_wins(
        tags.into_iter()
            .flatten()
            .map(|t| (t.key.unwrap_or_default(), t.value.unwrap_or_default())),
    )
}

/// Tags as the model's `Tag` shape.
fn tag_shapes(tags: Vec<crate::ops::shapes::TagView>) -> Vec<shapes::Tag> {
    tags.into_iter()
        .map(|t| shapes::Tag {
            key: Some(t.key),
            value: Some(t.value),
        })
        .collect()
}

/// A list operation's `Filter`: only the keys its model names, each a non-empty string.
fn filter(
    filter: Option<std::collections::BTreeMap<String, String>>,
    known: &[&str],
) -> Result<std::collections::BTreeMap<String, String>> {
    let filter = filter.unwrap_or_default();
    for (k, v) in &filter {
        if !known.contains(&k.as_str()) {
            return Err(Error::bad_request(format!(
                "Unknown Filter key '{k}': use {}.",
                known.join(", ")
            )));
        }
        if v.is_empty() {
            return Err(Error::bad_request(format!(
                "Filter {k} must be a non-empty string."
            )));
        }
    }
    Ok(filter)
}

/// A view of `ops/` (or a block the state keeps) as the model's shape it already has the form
/// of: its members are read by the shape's names, so one the shape lacks is dropped, and one
/// of the wrong type is an error (a unit test per handler sees it).
fn reshape<T: serde::de::DeserializeOwned>(v: &impl serde::Serialize) -> Result<T> {
    serde_json::to_value(v)
        .and_then(serde_json::from_value)
        .map_err(|e| Error::internal(format!("a view does not fit its shape: {e}")))
}

/// A value as the JSON of its serde form (enums as SES spells them).
fn spelled(v: &impl serde::Serialize) -> String {
    match serde_json::to_value(v) {
        Ok(serde_json::Value::String(s)) => s,
        Ok(other) => other.to_string(),
        Err(_) => String::new(),
    }
}

#[cfg(test)]
pub(crate) mod testing {
    //! Handlers' unit tests: a request in, against an account in a temp folder; the answer
    //! and the state out.
    use super::*;
    use crate::server::api::testing::{TempAccount, signed};

    pub struct Door(TempAccount);

    impl std::ops::Deref for Door {
        type Target = TempAccount;
        fn deref(&self) -> &TempAccount {
            &self.0
        }
    }

    impl Door {
        pub fn new() -> Door {
            Door(TempAccount::new())
        }

        /// Sends `method path` with a JSON body; the status and the decoded answer.
        pub fn call(&self, method: &str, path: &str, body: &str) -> (u16, serde_json::Value) {
            let req = signed(method, path, body.as_bytes().to_vec());
            let routed = router::find(method, req.path_and_query().0);
            let (r, _) = handle(&self.api, &req, routed);
            let value = serde_json::from_slice(&r.body).unwrap_or(serde_json::Value::Null);
            (r.status, value)
        }

        /// Asserts a refusal: its status, code and words, and that the state is unchanged.
        pub fn refused(
            &self,
            method: &str,
            path: &str,
            body: &str,
            status: u16,
            code: &str,
        ) -> String {
            let before = self.state_bytes();
            let (s, v) = self.call(method, path, body);
            assert_eq!(s, status, "{method} {path}: {v}");
            assert_eq!(v["__type"], code, "{method} {path}: {v}");
            assert_eq!(
                self.state_bytes(),
                before,
                "{method} {path} changed the state"
            );
            v["message"].as_str().unwrap_or_default().to_string()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::testing::Door;
    use super::*;

    #[test]
    /// Issue 33's "done when": every operation of the generated enum is served, and none
    /// answers 501 however little its request holds.
    fn every_operation_is_served() {
        let door = Door::new();
        for op in Operation::ALL {
            assert!(op.served(), "{} is not served", op.name());
            let (method, template, _) = routes::ROUTES.iter().find(|(_, _, o)| o == op).unwrap();
            let path = template
                .split('/')
                .map(|p| if p.starts_with('{') { "x" } else { p })
                .collect::<Vec<_>>()
                .join("/");
            let (status, v) = door.call(method, &path, "{}");
            assert_ne!(status, 501, "{} is served: {v}", op.name());
        }
    }

    #[test]
    fn unknown_paths_and_methods() {
        let door = Door::new();
        let (s, v) = door.call("GET", "/v2/email/nope", "");
        assert_eq!(
            (s, v["__type"].as_str()),
            (404, Some("UnknownOperationException"))
        );
        let (s, v) = door.call("PATCH", "/v2/email/identities", "");
        assert_eq!(
            (s, v["__type"].as_str()),
            (405, Some("MethodNotAllowedException"))
        );
        let (s, _) = door.call("GET", "/v2/email/identities/%ff", "");
        assert_eq!(s, 400);
    }
}
