//! Every SESv2 operation by method and URI, from botocore's service models (sesv2
//! 2019-09-27, botocore 1.43.11 and 1.44.8, so both list routes are here). Generated; the
//! router answers the ones sesm serves and names the others in a 501.

/// `(method, URI template, operation)`; `{Label}` is one path segment, `{Label+}` the rest.
pub const ROUTES: &[(&str, &str, &str)] = &[
    ("GET", "/v2/email/account", "GetAccount"),
    (
        "PUT",
        "/v2/email/account/dedicated-ips/warmup",
        "PutAccountDedicatedIpWarmupAttributes",
    ),
    (
        "POST",
        "/v2/email/account/delivery",
        "PutAccountDeliveryAttributes",
    ),
    ("POST", "/v2/email/account/details", "PutAccountDetails"),
    (
        "PUT",
        "/v2/email/account/pricing-attributes",
        "PutAccountPricingAttributes",
    ),
    (
        "PUT",
        "/v2/email/account/sending",
        "PutAccountSendingAttributes",
    ),
    (
        "PUT",
        "/v2/email/account/suppression",
        "PutAccountSuppressionAttributes",
    ),
    ("PUT", "/v2/email/account/vdm", "PutAccountVdmAttributes"),
    (
        "GET",
        "/v2/email/configuration-sets",
        "ListConfigurationSets",
    ),
    (
        "POST",
        "/v2/email/configuration-sets",
        "CreateConfigurationSet",
    ),
    (
        "DELETE",
        "/v2/email/configuration-sets/{ConfigurationSetName}",
        "DeleteConfigurationSet",
    ),
    (
        "GET",
        "/v2/email/configuration-sets/{ConfigurationSetName}",
        "GetConfigurationSet",
    ),
    (
        "PUT",
        "/v2/email/configuration-sets/{ConfigurationSetName}/archiving-options",
        "PutConfigurationSetArchivingOptions",
    ),
    (
        "PUT",
        "/v2/email/configuration-sets/{ConfigurationSetName}/delivery-options",
        "PutConfigurationSetDeliveryOptions",
    ),
    (
        "GET",
        "/v2/email/configuration-sets/{ConfigurationSetName}/event-destinations",
        "GetConfigurationSetEventDestinations",
    ),
    (
        "POST",
        "/v2/email/configuration-sets/{ConfigurationSetName}/event-destinations",
        "CreateConfigurationSetEventDestination",
    ),
    (
        "DELETE",
        "/v2/email/configuration-sets/{ConfigurationSetName}/event-destinations/{EventDestinationName}",
        "DeleteConfigurationSetEventDestination",
    ),
    (
        "PUT",
        "/v2/email/configuration-sets/{ConfigurationSetName}/event-destinations/{EventDestinationName}",
        "UpdateConfigurationSetEventDestination",
    ),
    (
        "PUT",
        "/v2/email/configuration-sets/{ConfigurationSetName}/reputation-options",
        "PutConfigurationSetReputationOptions",
    ),
    (
        "PUT",
        "/v2/email/configuration-sets/{ConfigurationSetName}/sending",
        "PutConfigurationSetSendingOptions",
    ),
    (
        "PUT",
        "/v2/email/configuration-sets/{ConfigurationSetName}/suppression-options",
        "PutConfigurationSetSuppressionOptions",
    ),
    (
        "PUT",
        "/v2/email/configuration-sets/{ConfigurationSetName}/tracking-options",
        "PutConfigurationSetTrackingOptions",
    ),
    (
        "PUT",
        "/v2/email/configuration-sets/{ConfigurationSetName}/vdm-options",
        "PutConfigurationSetVdmOptions",
    ),
    ("GET", "/v2/email/contact-lists", "ListContactLists"),
    ("POST", "/v2/email/contact-lists", "CreateContactList"),
    (
        "DELETE",
        "/v2/email/contact-lists/{ContactListName}",
        "DeleteContactList",
    ),
    (
        "GET",
        "/v2/email/contact-lists/{ContactListName}",
        "GetContactList",
    ),
    (
        "PUT",
        "/v2/email/contact-lists/{ContactListName}",
        "UpdateContactList",
    ),
    (
        "POST",
        "/v2/email/contact-lists/{ContactListName}/contacts",
        "CreateContact",
    ),
    (
        "POST",
        "/v2/email/contact-lists/{ContactListName}/contacts/list",
        "ListContacts",
    ),
    (
        "DELETE",
        "/v2/email/contact-lists/{ContactListName}/contacts/{EmailAddress}",
        "DeleteContact",
    ),
    (
        "GET",
        "/v2/email/contact-lists/{ContactListName}/contacts/{EmailAddress}",
        "GetContact",
    ),
    (
        "PUT",
        "/v2/email/contact-lists/{ContactListName}/contacts/{EmailAddress}",
        "UpdateContact",
    ),
    (
        "GET",
        "/v2/email/custom-verification-email-templates",
        "ListCustomVerificationEmailTemplates",
    ),
    (
        "POST",
        "/v2/email/custom-verification-email-templates",
        "CreateCustomVerificationEmailTemplate",
    ),
    (
        "DELETE",
        "/v2/email/custom-verification-email-templates/{TemplateName}",
        "DeleteCustomVerificationEmailTemplate",
    ),
    (
        "GET",
        "/v2/email/custom-verification-email-templates/{TemplateName}",
        "GetCustomVerificationEmailTemplate",
    ),
    (
        "PUT",
        "/v2/email/custom-verification-email-templates/{TemplateName}",
        "UpdateCustomVerificationEmailTemplate",
    ),
    (
        "GET",
        "/v2/email/dedicated-ip-pools",
        "ListDedicatedIpPools",
    ),
    (
        "POST",
        "/v2/email/dedicated-ip-pools",
        "CreateDedicatedIpPool",
    ),
    (
        "DELETE",
        "/v2/email/dedicated-ip-pools/{PoolName}",
        "DeleteDedicatedIpPool",
    ),
    (
        "GET",
        "/v2/email/dedicated-ip-pools/{PoolName}",
        "GetDedicatedIpPool",
    ),
    (
        "PUT",
        "/v2/email/dedicated-ip-pools/{PoolName}/scaling",
        "PutDedicatedIpPoolScalingAttributes",
    ),
    ("GET", "/v2/email/dedicated-ips", "GetDedicatedIps"),
    ("GET", "/v2/email/dedicated-ips/{IP}", "GetDedicatedIp"),
    (
        "PUT",
        "/v2/email/dedicated-ips/{IP}/pool",
        "PutDedicatedIpInPool",
    ),
    (
        "PUT",
        "/v2/email/dedicated-ips/{IP}/warmup",
        "PutDedicatedIpWarmupAttributes",
    ),
    (
        "GET",
        "/v2/email/deliverability-dashboard",
        "GetDeliverabilityDashboardOptions",
    ),
    (
        "PUT",
        "/v2/email/deliverability-dashboard",
        "PutDeliverabilityDashboardOption",
    ),
    (
        "GET",
        "/v2/email/deliverability-dashboard/blacklist-report",
        "GetBlacklistReports",
    ),
    (
        "GET",
        "/v2/email/deliverability-dashboard/campaigns/{CampaignId}",
        "GetDomainDeliverabilityCampaign",
    ),
    (
        "GET",
        "/v2/email/deliverability-dashboard/domains/{SubscribedDomain}/campaigns",
        "ListDomainDeliverabilityCampaigns",
    ),
    (
        "GET",
        "/v2/email/deliverability-dashboard/statistics-report/{Domain}",
        "GetDomainStatisticsReport",
    ),
    (
        "POST",
        "/v2/email/deliverability-dashboard/test",
        "CreateDeliverabilityTestReport",
    ),
    (
        "GET",
        "/v2/email/deliverability-dashboard/test-reports",
        "ListDeliverabilityTestReports",
    ),
    (
        "GET",
        "/v2/email/deliverability-dashboard/test-reports/{ReportId}",
        "GetDeliverabilityTestReport",
    ),
    (
        "POST",
        "/v2/email/email-address-insights/",
        "GetEmailAddressInsights",
    ),
    ("POST", "/v2/email/export-jobs", "CreateExportJob"),
    ("GET", "/v2/email/export-jobs/{JobId}", "GetExportJob"),
    (
        "PUT",
        "/v2/email/export-jobs/{JobId}/cancel",
        "CancelExportJob",
    ),
    ("GET", "/v2/email/identities", "ListEmailIdentities"),
    ("POST", "/v2/email/identities", "CreateEmailIdentity"),
    (
        "DELETE",
        "/v2/email/identities/{EmailIdentity}",
        "DeleteEmailIdentity",
    ),
    (
        "GET",
        "/v2/email/identities/{EmailIdentity}",
        "GetEmailIdentity",
    ),
    (
        "PUT",
        "/v2/email/identities/{EmailIdentity}/configuration-set",
        "PutEmailIdentityConfigurationSetAttributes",
    ),
    (
        "PUT",
        "/v2/email/identities/{EmailIdentity}/dkim",
        "PutEmailIdentityDkimAttributes",
    ),
    (
        "PUT",
        "/v2/email/identities/{EmailIdentity}/dkim/signing",
        "PutEmailIdentityDkimSigningAttributes",
    ),
    (
        "PUT",
        "/v2/email/identities/{EmailIdentity}/feedback",
        "PutEmailIdentityFeedbackAttributes",
    ),
    (
        "PUT",
        "/v2/email/identities/{EmailIdentity}/mail-from",
        "PutEmailIdentityMailFromAttributes",
    ),
    (
        "GET",
        "/v2/email/identities/{EmailIdentity}/policies",
        "GetEmailIdentityPolicies",
    ),
    (
        "DELETE",
        "/v2/email/identities/{EmailIdentity}/policies/{PolicyName}",
        "DeleteEmailIdentityPolicy",
    ),
    (
        "POST",
        "/v2/email/identities/{EmailIdentity}/policies/{PolicyName}",
        "CreateEmailIdentityPolicy",
    ),
    (
        "PUT",
        "/v2/email/identities/{EmailIdentity}/policies/{PolicyName}",
        "UpdateEmailIdentityPolicy",
    ),
    (
        "POST",
        "/v2/email/identity/certificates",
        "AssociateEmailIdentityCertificate",
    ),
    (
        "POST",
        "/v2/email/identity/certificates/delete",
        "DisassociateEmailIdentityCertificate",
    ),
    (
        "POST",
        "/v2/email/identity/certificates/list",
        "ListEmailIdentityCertificates",
    ),
    ("POST", "/v2/email/import-jobs", "CreateImportJob"),
    ("POST", "/v2/email/import-jobs/list", "ListImportJobs"),
    ("GET", "/v2/email/import-jobs/{JobId}", "GetImportJob"),
    (
        "GET",
        "/v2/email/insights/{MessageId}/",
        "GetMessageInsights",
    ),
    (
        "POST",
        "/v2/email/list-configuration-sets",
        "ListConfigurationSets",
    ),
    ("POST", "/v2/email/list-export-jobs", "ListExportJobs"),
    ("POST", "/v2/email/list-identities", "ListEmailIdentities"),
    ("POST", "/v2/email/metrics/batch", "BatchGetMetricData"),
    (
        "GET",
        "/v2/email/multi-region-endpoints",
        "ListMultiRegionEndpoints",
    ),
    (
        "POST",
        "/v2/email/multi-region-endpoints",
        "CreateMultiRegionEndpoint",
    ),
    (
        "DELETE",
        "/v2/email/multi-region-endpoints/{EndpointName}",
        "DeleteMultiRegionEndpoint",
    ),
    (
        "GET",
        "/v2/email/multi-region-endpoints/{EndpointName}",
        "GetMultiRegionEndpoint",
    ),
    ("POST", "/v2/email/outbound-bulk-emails", "SendBulkEmail"),
    (
        "POST",
        "/v2/email/outbound-custom-verification-emails",
        "SendCustomVerificationEmail",
    ),
    ("POST", "/v2/email/outbound-emails", "SendEmail"),
    (
        "POST",
        "/v2/email/reputation/entities",
        "ListReputationEntities",
    ),
    (
        "GET",
        "/v2/email/reputation/entities/{ReputationEntityType}/{ReputationEntityReference}",
        "GetReputationEntity",
    ),
    (
        "PUT",
        "/v2/email/reputation/entities/{ReputationEntityType}/{ReputationEntityReference}/customer-managed-status",
        "UpdateReputationEntityCustomerManagedStatus",
    ),
    (
        "PUT",
        "/v2/email/reputation/entities/{ReputationEntityType}/{ReputationEntityReference}/policy",
        "UpdateReputationEntityPolicy",
    ),
    (
        "POST",
        "/v2/email/resources/tenants/list",
        "ListResourceTenants",
    ),
    (
        "GET",
        "/v2/email/suppression/addresses",
        "ListSuppressedDestinations",
    ),
    (
        "PUT",
        "/v2/email/suppression/addresses",
        "PutSuppressedDestination",
    ),
    (
        "DELETE",
        "/v2/email/suppression/addresses/{EmailAddress}",
        "DeleteSuppressedDestination",
    ),
    (
        "GET",
        "/v2/email/suppression/addresses/{EmailAddress}",
        "GetSuppressedDestination",
    ),
    ("DELETE", "/v2/email/tags", "UntagResource"),
    ("GET", "/v2/email/tags", "ListTagsForResource"),
    ("POST", "/v2/email/tags", "TagResource"),
    ("GET", "/v2/email/templates", "ListEmailTemplates"),
    ("POST", "/v2/email/templates", "CreateEmailTemplate"),
    (
        "DELETE",
        "/v2/email/templates/{TemplateName}",
        "DeleteEmailTemplate",
    ),
    (
        "GET",
        "/v2/email/templates/{TemplateName}",
        "GetEmailTemplate",
    ),
    (
        "PUT",
        "/v2/email/templates/{TemplateName}",
        "UpdateEmailTemplate",
    ),
    (
        "POST",
        "/v2/email/templates/{TemplateName}/render",
        "TestRenderEmailTemplate",
    ),
    (
        "POST",
        "/v2/email/tenant/suppression",
        "PutTenantSuppressionAttributes",
    ),
    ("POST", "/v2/email/tenants", "CreateTenant"),
    ("POST", "/v2/email/tenants/delete", "DeleteTenant"),
    ("POST", "/v2/email/tenants/get", "GetTenant"),
    ("POST", "/v2/email/tenants/list", "ListTenants"),
    (
        "POST",
        "/v2/email/tenants/resources",
        "CreateTenantResourceAssociation",
    ),
    (
        "POST",
        "/v2/email/tenants/resources/delete",
        "DeleteTenantResourceAssociation",
    ),
    (
        "POST",
        "/v2/email/tenants/resources/list",
        "ListTenantResources",
    ),
    (
        "POST",
        "/v2/email/update-configuration-sets",
        "UpdateConfigurationSet",
    ),
    (
        "POST",
        "/v2/email/vdm/recommendations",
        "ListRecommendations",
    ),
];

/// One segment of a URI template.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    Literal(&'static str),
    Label(&'static str),
}

/// What a request's method and path name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Routed {
    /// An operation, with its path labels decoded.
    Operation {
        name: &'static str,
        labels: Vec<(&'static str, String)>,
    },
    /// The path names operations, but not with this method.
    WrongMethod { allowed: Vec<&'static str> },
    /// Nothing SESv2 has.
    Unknown,
}

fn parts(template: &'static str) -> Vec<Part> {
    template
        .trim_start_matches('/')
        .split('/')
        .map(
            |p| match p.strip_prefix('{').and_then(|p| p.strip_suffix('}')) {
                Some(label) => Part::Label(label),
                None => Part::Literal(p),
            },
        )
        .collect()
}

fn table() -> &'static [(&'static str, Vec<Part>, &'static str)] {
    static TABLE: std::sync::OnceLock<Vec<(&'static str, Vec<Part>, &'static str)>> =
        std::sync::OnceLock::new();
    TABLE.get_or_init(|| {
        ROUTES
            .iter()
            .map(|(m, t, op)| (*m, parts(t), *op))
            .collect()
    })
}

/// Routes a request by method and raw path. The path is split on `/` first and each segment
/// percent-decoded after (`identities/News%2Bx%40Example.com` names `News+x@Example.com`);
/// `Err` carries the segment that does not decode to UTF-8.
pub fn route(method: &str, raw_path: &str) -> Result<Routed, String> {
    let segments: Vec<String> = raw_path
        .trim_start_matches('/')
        .split('/')
        .map(|s| {
            percent_encoding::percent_decode_str(s)
                .decode_utf8()
                .map(|d| d.into_owned())
                .map_err(|_| s.to_string())
        })
        .collect::<Result<_, _>>()?;
    // The match with the most literal segments wins (`contacts/list` over `contacts/{Email}`).
    type Candidate = (usize, &'static str, Vec<(&'static str, String)>);
    let mut best: Option<Candidate> = None;
    let mut allowed = Vec::new();
    for (m, parts, op) in table() {
        if parts.len() != segments.len() {
            continue;
        }
        let mut labels = Vec::new();
        let mut literals = 0;
        let fits = parts.iter().zip(&segments).all(|(p, s)| match p {
            Part::Literal(l) => {
                literals += 1;
                l == s
            }
            Part::Label(name) => {
                labels.push((*name, s.clone()));
                !s.is_empty()
            }
        });
        if !fits {
            continue;
        }
        if *m != method {
            allowed.push(*m);
            continue;
        }
        if best.as_ref().is_none_or(|(n, _, _)| literals > *n) {
            best = Some((literals, op, labels));
        }
    }
    Ok(match best {
        Some((_, name, labels)) => Routed::Operation { name, labels },
        None if !allowed.is_empty() => {
            allowed.sort_unstable();
            allowed.dedup();
            Routed::WrongMethod { allowed }
        }
        None => Routed::Unknown,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn op(method: &str, path: &str) -> Routed {
        route(method, path).unwrap()
    }

    #[test]
    fn labels_are_decoded_per_segment_after_splitting() {
        assert_eq!(
            op(
                "PUT",
                "/v2/email/identities/News%2Bx%40Example.com/configuration-set"
            ),
            Routed::Operation {
                name: "PutEmailIdentityConfigurationSetAttributes",
                labels: vec![("EmailIdentity", "News+x@Example.com".into())]
            }
        );
        assert_eq!(
            op(
                "PUT",
                "/v2/email/configuration-sets/cs%201%2Fx/delivery-options"
            ),
            Routed::Operation {
                name: "PutConfigurationSetDeliveryOptions",
                labels: vec![("ConfigurationSetName", "cs 1/x".into())]
            }
        );
    }

    #[test]
    fn both_list_routes_and_method_routing() {
        for (m, p, name) in [
            (
                "GET",
                "/v2/email/configuration-sets",
                "ListConfigurationSets",
            ),
            (
                "POST",
                "/v2/email/list-configuration-sets",
                "ListConfigurationSets",
            ),
            ("GET", "/v2/email/identities", "ListEmailIdentities"),
            ("POST", "/v2/email/list-identities", "ListEmailIdentities"),
            ("POST", "/v2/email/identities", "CreateEmailIdentity"),
            (
                "POST",
                "/v2/email/contact-lists/l/contacts/list",
                "ListContacts",
            ),
            (
                "GET",
                "/v2/email/contact-lists/l/contacts/a%40b.c",
                "GetContact",
            ),
        ] {
            assert!(
                matches!(op(m, p), Routed::Operation { name: n, .. } if n == name),
                "{m} {p}"
            );
        }
        assert!(matches!(
            op("PATCH", "/v2/email/identities"),
            Routed::WrongMethod { .. }
        ));
        assert_eq!(op("GET", "/v2/email/nope"), Routed::Unknown);
        assert_eq!(op("GET", "/v2/email/dedicated-ip-pools/"), Routed::Unknown);
        assert!(route("GET", "/v2/email/identities/%ff").is_err());
    }
}
